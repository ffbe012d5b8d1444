"""The personal-data gate: scan an output for NIPs and ASN names before it is written."""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kinerja.domain.audience import Audience, validate_audience
from kinerja.protect.detect import (
    DATA_URI_RE,
    NIP_GROUPED_RE,
    NameIndex,
    mask_name,
    mask_nip,
    nip_candidates,
    nip_shaped,
    normalize_text,
)
from kinerja.protect.extract import (
    CELL_BREAK,
    decode_bytes,
    frame_text,
    is_present,
    json_strings,
    visible_text,
    xlsx_texts,
)

# every NIP_GROUPED_RE match holds three of its separators with three digits between them
_NIP_GROUPED_HINT = re.compile(r"[.,]\d{3}[.,]\d{3}[.,]")


@dataclass(frozen=True)
class Hit:
    """One occurrence of personal data found by :class:`PersonalDataGate`.

    ``shown`` is masked; the full value is never kept in a message.
    """

    kind: Literal["nip", "nama"]
    shown: str
    start: int
    end: int

    def __str__(self) -> str:
        label = "NIP" if self.kind == "nip" else "nama pegawai"
        return f"{label} {self.shown}"


class PersonalDataLeak(Exception):
    """An output would contain personal data; it was not written."""

    def __init__(self, where: str, hits: Sequence[Hit]):
        self.where = where
        self.hits = list(hits)
        counts: dict[str, int] = {}
        for h in self.hits:
            counts[str(h)] = counts.get(str(h), 0) + 1
        listed = "; ".join(f"{k} ({v} kali)" for k, v in list(counts.items())[:10])
        more = f"; dan {len(counts) - 10} lainnya" if len(counts) > 10 else ""
        super().__init__(
            f"Berkas '{where}' TIDAK ditulis karena memuat data pribadi: {listed}{more}. "
            "Keluaran tingkat forum tidak boleh memuat NIP atau nama pegawai; periksa kolom dan "
            "teks bebas (isi pengaduan, saran, temuan) pada tabel sumbernya."
        )


class PersonalDataGate:
    """Scanner for NIP-shaped numbers and ASN names, used before any output is written.

    Parameters
    ----------
    nips
        NIPs of the people to protect (spaces allowed). They are found even when they are not
        NIP-shaped (e.g. a synthetic or corrupted number).
    names
        Their names as written in ``pegawai.nama``.
    min_name_len
        A one-word name is considered only when it has at least this many letters and is not in
        :data:`COMMON_NAME_WORDS` or ``ignore_words``.
    single_word_names
        ``"context"`` (default): a one-word name ("Sutrisno", "Hari") is matched only when it is
        capitalised and follows an honorific (:data:`HONORIFICS`: "Sdr.", "Ibu", "petugas" ...),
        because one-word names are often ordinary words ("hari kerja"). ``"anywhere"``: always.
    nip_shape
        Also flag any 18-digit NIP-shaped number not in ``nips`` (someone not in the table is still
        a person). ``allowed_nips`` are never flagged.
    allowed_nips, allowed_names
        The people an *internal* output may name (its own OPD's staff).
    ignore_words
        Extra one-word names not to match (e.g. place names of the report).
    audience
        ``"forum"`` or ``"internal"``: what this gate is for; :func:`gated_write` refuses a gate
        made for another audience.

    Notes
    -----
    Matching rules (see ``docs/privasi.md``): text is Unicode-normalised (NFKC) and compared
    case-insensitively word by word, so "BUDI SANTOSO" and "budi  santoso" match "Budi Santoso"
    but "Budiman Santosoputra" does not. A name is matched as written and without its titles
    ("Dr. Hj. Sri Wahyuni, S.E." → "sri wahyuni"); the words of a name must follow each other
    separated by whitespace and at most one "," or "." ("Hari, S.E." matches the full form of a
    one-word name). Before scanning, ``data:`` URIs (base64 images and fonts) are
    removed and HTML entities decoded; HTML is scanned as source and as visible text. A digit run
    longer than 18 is not a NIP.
    """

    def __init__(
        self,
        nips: Iterable[object] = (),
        names: Iterable[object] = (),
        *,
        min_name_len: int = 4,
        nip_shape: bool = True,
        allowed_nips: Iterable[object] = (),
        allowed_names: Iterable[object] = (),
        ignore_words: Iterable[str] = (),
        single_word_names: Literal["context", "anywhere"] = "context",
        audience: Audience = "forum",
    ):
        self.audience = validate_audience(audience)
        self.single_word_names = single_word_names
        self.nip_shape = nip_shape
        self.min_name_len = min_name_len
        self.nips = {re.sub(r"\s", "", str(n)) for n in nips if is_present(n)}
        self.allowed_nips = {re.sub(r"\s", "", str(n)) for n in allowed_nips if is_present(n)}
        self.nips -= self.allowed_nips
        self._names = NameIndex(
            names,
            allowed_names=allowed_names,
            min_name_len=min_name_len,
            ignore_words=ignore_words,
            single_word_names=single_word_names,
        )

    # -- construction from pegawai -----------------------------------------------------------
    @classmethod
    def from_pegawai(cls, pegawai: pd.DataFrame, **kwargs: Any) -> PersonalDataGate:
        """Forum gate: every NIP and name in ``pegawai``."""
        return cls(pegawai["nip"].tolist(), pegawai["nama"].tolist(), **kwargs)

    @classmethod
    def from_dataset(cls, dataset: Any, **kwargs: Any) -> PersonalDataGate:
        """Forum gate over every employee of a dataset, quarantined ``pegawai`` rows included.

        A person whose ``pegawai`` row was rejected (a bad NIP, an unknown OPD) is still a
        person: :func:`people_frame` gives the gate their NIP and name too.
        """
        return cls.from_pegawai(people_frame(dataset), **kwargs)

    @classmethod
    def for_internal(cls, pegawai: pd.DataFrame, kode_opd: str, **kwargs: Any) -> PersonalDataGate:
        """Internal gate for one OPD: flags people of *other* OPDs only.

        Its own staff's NIPs and names are allowed. A NIP-shaped number that belongs to nobody in
        this OPD is flagged. A name shared by someone in this OPD and someone elsewhere cannot be
        told apart in text and is allowed (the NIP can be told apart and is flagged).
        """
        kode = str(kode_opd)
        if kode not in set(pegawai["kode_opd"].astype(str)):
            raise ValueError(f"Kode OPD '{kode}' tidak ada pada tabel pegawai.")
        own = pegawai["kode_opd"].astype(str) == kode
        return cls(
            pegawai.loc[~own, "nip"].tolist(),
            pegawai.loc[~own, "nama"].tolist(),
            allowed_nips=pegawai.loc[own, "nip"].tolist(),
            allowed_names=pegawai.loc[own, "nama"].tolist(),
            audience="internal",
            **kwargs,
        )

    # -- scanning ----------------------------------------------------------------------------
    def scan(self, text: str) -> list[Hit]:
        """All hits in ``text`` (already decoded), in order of position.

        ``data:`` URIs are removed first and HTML entities decoded, so neither base64 image data
        nor ``&#x27;`` hide or invent a hit.
        """
        return self._scan_clean(DATA_URI_RE.sub(" ", text))

    def _scan_clean(self, text: str) -> list[Hit]:
        """:meth:`scan` of a text whose ``data:`` URIs are already removed."""
        if "&" in text:
            text = html.unescape(text)
        text = normalize_text(text)
        hits = self._scan_nips(text) + self._scan_names(text)
        hits.sort(key=lambda h: (h.start, h.kind))
        return hits

    def _flag_nip(self, digits: str) -> bool:
        if digits in self.allowed_nips:
            return False
        return digits in self.nips or (self.nip_shape and nip_shaped(digits))

    def _scan_nips(self, text: str) -> list[Hit]:
        """NIPs in ``text`` (already :func:`normalize_text`-ed), with any separators."""
        hits = []
        seen: set[tuple[int, int]] = set()
        for digits, start, end in nip_candidates(text):
            if self._flag_nip(digits):
                hits.append(Hit("nip", mask_nip(digits), start, end))
                seen.add((start, end))
        if not _NIP_GROUPED_HINT.search(text):  # most texts have no ",ddd,ddd," at all
            return hits
        for m in NIP_GROUPED_RE.finditer(text):  # "196,711,101,992,031,001"
            digits = re.sub(r"\D", "", m.group(1))
            if (m.start(), m.end()) not in seen and self._flag_nip(digits):
                hits.append(Hit("nip", mask_nip(digits), m.start(), m.end()))
        return hits

    def _scan_names(self, text: str) -> list[Hit]:
        """Names in ``text`` (already :func:`normalize_text`-ed)."""
        return [Hit("nama", mask_name(d), s, e) for d, s, e in self._names.find(text)]

    def scrub(self, text: object, replacement: str = "[disamarkan]") -> object:
        """``text`` with every hit replaced (for free text that must appear in a forum table)."""
        if not isinstance(text, str):
            return text
        out = normalize_text(DATA_URI_RE.sub(" ", text))
        hits = self._scan_nips(out) + self._scan_names(out)
        if not hits:
            return text
        # overlapping hits (a NIP inside a longer window): keep the first of each overlap
        kept: list[Hit] = []
        for h in sorted(hits, key=lambda h: (h.start, -h.end)):
            if not kept or h.start >= kept[-1].end:
                kept.append(h)
        hits = kept
        for h in sorted(hits, key=lambda h: h.start, reverse=True):
            out = out[: h.start] + replacement + out[h.end :]
        return out

    def scan_bytes(self, data: bytes, *, suffix: str = "") -> list[Hit]:
        """Hits in a file's bytes; the format is chosen by ``suffix`` (``.xlsx``, ``.json``, ...)."""
        suffix = suffix.lower()
        if suffix in {".xlsx", ".xlsm"}:
            return self.scan("\n|\n".join(xlsx_texts(data)))  # "|": cells stay apart
        if suffix == ".parquet":
            frame = pd.read_parquet(io.BytesIO(data))
            return self.scan(frame_text(frame))
        text = decode_bytes(data)
        if suffix in {".json", ".ipynb"}:
            try:
                obj = json.loads(text)
            except ValueError:
                pass
            else:
                # "|" between strings: a NIP or name never runs from one string into the next
                return self.scan("\n|\n".join(json_strings(obj)))
        clean = DATA_URI_RE.sub(" ", text)
        hits = self._scan_clean(clean)
        if suffix in {".html", ".htm", ".svg", ".xml"} or "<" in text:
            seen = {(h.kind, h.shown) for h in hits}
            for h in self.scan(visible_text(clean)):
                if (h.kind, h.shown) not in seen:
                    hits.append(h)
                    seen.add((h.kind, h.shown))
        return hits

    def check_bytes(
        self, data: bytes | str, *, name: str = "keluaran", suffix: str | None = None
    ) -> None:
        """Raise :class:`PersonalDataLeak` naming ``name`` when ``data`` contains a hit."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        sfx = suffix if suffix is not None else Path(name).suffix
        hits = self.scan_bytes(raw, suffix=sfx)
        if hits:
            raise PersonalDataLeak(name, hits)

    def check_text(self, text: str, *, name: str = "keluaran") -> None:
        """Raise :class:`PersonalDataLeak` when ``text`` contains a hit."""
        hits = self.scan(text)
        if hits:
            raise PersonalDataLeak(name, hits)

    def check_file(self, path: str | os.PathLike[str]) -> None:
        """Raise :class:`PersonalDataLeak` when the file at ``path`` contains a hit."""
        p = Path(path)
        self.check_bytes(p.read_bytes(), name=str(p), suffix=p.suffix)

    def check_frame(self, df: pd.DataFrame, *, name: str = "tabel") -> None:
        """Raise :class:`PersonalDataLeak` when any cell, header or index label is a hit."""
        self.check_text(frame_text(df), name=name)


def people_frame(dataset: Any) -> pd.DataFrame:
    """``nip, nama, kode_opd`` of every employee of ``dataset``: accepted and quarantined rows.

    Parameters
    ----------
    dataset
        A :class:`kinerja.data.dataset.Dataset` (or anything with ``tables`` and
        ``quarantine`` mappings).

    Returns
    -------
    DataFrame
        Accepted rows first; quarantined rows with their header names normalised and NIP
        spaces removed (the raw text, as far as it goes).
    """
    from kinerja.domain.nip import normalize_nip_series
    from kinerja.domain.schema import normalize_header

    cols = ["nip", "nama", "kode_opd"]
    tables = getattr(dataset, "tables", {}) or {}
    accepted = tables.get("pegawai") if "pegawai" in tables else None
    parts = []
    if accepted is not None:
        parts.append(
            pd.DataFrame({c: accepted[c].astype(object) for c in cols if c in accepted.columns})
        )
    quarantine = getattr(dataset, "quarantine", {}) or {}
    q = quarantine.get("pegawai") if "pegawai" in quarantine else None
    if q is not None and len(q):
        renamed = {}
        for raw_name in q.columns:
            norm = normalize_header(str(raw_name))
            if norm in cols and norm not in renamed.values():
                renamed[raw_name] = norm
        qq = q.rename(columns=renamed)
        frame = pd.DataFrame({c: qq[c].astype(object) for c in cols if c in qq.columns})
        if "nip" in frame:
            frame["nip"] = normalize_nip_series(frame["nip"]).astype(object)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    for c in cols:
        if c not in out.columns:
            out[c] = None
    return out[cols]


def people_in_cache(cache_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """:func:`people_frame` of a prepared cache, reading only the two ``pegawai`` files."""
    from types import SimpleNamespace

    root = Path(cache_dir)
    tables = {"pegawai": pd.read_parquet(root / "tables" / "pegawai.parquet")}
    q = root / "karantina" / "pegawai.parquet"
    quarantine = {"pegawai": pd.read_parquet(q)} if q.is_file() else {}
    return people_frame(SimpleNamespace(tables=tables, quarantine=quarantine))


def gate_tree(
    out_dir: str | os.PathLike[str],
    gate: PersonalDataGate,
    *,
    skip: Iterable[str] = ("_cache", "_log", ".kinerja-tmp"),
    only: Iterable[str] | None = None,
) -> list[tuple[str, PersonalDataLeak]]:
    """Scan every written file under ``out_dir`` with ``gate`` (the last gate of a run).

    Parameters
    ----------
    out_dir
        The output folder of a batch (or any folder of forum outputs).
    gate
        The forum gate (:meth:`PersonalDataGate.from_dataset`).
    skip
        Top-level names that are not forum outputs (the internal cache and logs).
    only
        When given, only these top-level names are read (e.g. the files a run writes without
        the gate: ``index.html``, ``manifest.json``).

    Returns
    -------
    list of (relative path, PersonalDataLeak)
        Every file that contains personal data (``[]`` when the folder is clean): index.html,
        manifest.json, reports, slides, rekap, form pages and the form cache (``_formulir``)
        are all read. A symbolic link is reported, never followed.
    """
    root = Path(out_dir)
    skipped = set(skip)
    wanted = None if only is None else set(only)
    leaks: list[tuple[str, PersonalDataLeak]] = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts and rel.parts[0] in skipped:
            continue
        if wanted is not None and (not rel.parts or rel.parts[0] not in wanted):
            continue
        if p.is_symlink():
            leaks.append((rel.as_posix(), PersonalDataLeak(rel.as_posix(), [])))
            continue
        if not p.is_file() or p.suffix.lower() in {
            ".png",
            ".jpg",
            ".jpeg",
            ".gif",
            ".woff",
            ".woff2",
        }:
            continue
        try:
            gate.check_bytes(p.read_bytes(), name=rel.as_posix(), suffix=p.suffix)
        except PersonalDataLeak as exc:
            leaks.append((rel.as_posix(), exc))
        except ValueError as exc:  # an unreadable workbook cannot be shown to be clean
            leaks.append((rel.as_posix(), PersonalDataLeak(f"{rel.as_posix()} ({exc})", [])))
    return leaks


def enforce_tree(
    out_dir: str | os.PathLike[str],
    gate: PersonalDataGate,
    *,
    only: Iterable[str] | None = None,
) -> list[str]:
    """:func:`gate_tree`, then remove every file that holds personal data.

    Returns
    -------
    list of str
        One Indonesian message per removed file (``[]`` when everything passed); a run that
        gets any should exit non-zero with them.
    """
    messages = []
    for rel, leak in gate_tree(out_dir, gate, only=only):
        target = Path(out_dir) / rel
        with contextlib.suppress(OSError):
            target.unlink()
        messages.append(f"{rel} dihapus oleh gerbang terakhir: {leak}")
    return messages


# --------------------------------------------------------------------------------------------
# charts: an image is never scanned, so the text drawn into it is checked before it is made

_CHART_GATE: dict[str, PersonalDataGate] = {}


def use_gate_for_charts(gate: PersonalDataGate | None) -> None:
    """Set the gate that :func:`check_figure` uses in this process (``None``: NIP shapes only).

    A report kernel that has its data sets :meth:`PersonalDataGate.from_dataset` here so that
    the names of employees are checked in chart text too; without it every chart is still
    checked for NIP-shaped numbers (labels were already screened at load,
    :mod:`kinerja.data.labels`).
    """
    _CHART_GATE.clear()
    if gate is not None:
        _CHART_GATE["gate"] = gate


def chart_gate() -> PersonalDataGate:
    """The gate :func:`check_figure` uses (see :func:`use_gate_for_charts`)."""
    gate = _CHART_GATE.get("gate")
    if gate is None:
        gate = _CHART_GATE.setdefault("default", PersonalDataGate())
    return gate


def figure_texts(fig: Any) -> list[str]:
    """Every non-empty text of a matplotlib figure: titles, axis and tick labels, legend, notes.

    Call it after the figure was drawn once (tick labels are made while drawing).
    """
    from matplotlib.text import Text

    return [t.get_text() for t in dict.fromkeys(fig.findobj(Text)) if t.get_text()]


def check_figure(fig: Any, *, name: str | None = None) -> None:
    """Raise :class:`PersonalDataLeak` when a text drawn in ``fig`` holds a NIP or a name.

    ``name`` (default: the figure's title) names the chart in the message.
    """
    texts = figure_texts(fig)
    label = name
    if label is None:
        title = getattr(fig, "_suptitle", None)
        label = f"grafik: {title.get_text()[:60]}" if title is not None else "grafik"
    chart_gate().check_text(CELL_BREAK.join(texts), name=label)
