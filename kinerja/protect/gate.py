"""The personal-data gate: scan an output for NIPs and ASN names before it is written."""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kinerja.domain.audience import Audience, validate_audience
from kinerja.protect.detect import (
    COMMON_NAME_WORDS,
    DATA_URI_RE,
    HONORIFICS,
    NAME_END,
    NAME_GAP,
    NIP_GROUPED_RE,
    NIP_RE,
    WORD_RE,
    core_name,
    fold_text,
    fold_word,
    mask_name,
    mask_nip,
    nip_shaped,
)
from kinerja.protect.extract import (
    TextCollector,
    decode_bytes,
    frame_text,
    is_present,
    json_strings,
    xlsx_texts,
)


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
        ignore = {fold_text(w) for w in ignore_words} | COMMON_NAME_WORDS
        allowed_keys = set()
        for n in allowed_names:
            if is_present(n):
                allowed_keys.update(self._name_keys(str(n)))
        # a trie over folded name tokens; the node of a name's last token holds its display form
        self._trie: dict[str, Any] = {}
        for n in names:
            if not is_present(n):
                continue
            for key in self._name_keys(str(n)):
                if key in allowed_keys:
                    continue
                if len(key) == 1 and (len(key[0]) < min_name_len or key[0] in ignore):
                    continue
                node = self._trie
                for token in key:
                    node = node.setdefault(token, {})
                node.setdefault(NAME_END, " ".join(core_name(str(n), fold=False)) or str(n))

    @staticmethod
    def _name_keys(name: str) -> set[tuple[str, ...]]:
        full = tuple(fold_text(t) for t in WORD_RE.findall(unicodedata.normalize("NFKC", name)))
        core = tuple(core_name(name))
        return {k for k in (full, core) if k}

    # -- construction from pegawai -----------------------------------------------------------
    @classmethod
    def from_pegawai(cls, pegawai: pd.DataFrame, **kwargs: Any) -> PersonalDataGate:
        """Forum gate: every NIP and name in ``pegawai``."""
        return cls(pegawai["nip"].tolist(), pegawai["nama"].tolist(), **kwargs)

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
        text = DATA_URI_RE.sub(" ", text)
        if "&" in text:
            text = html.unescape(text)
        hits = self._scan_nips(text) + self._scan_names(text)
        hits.sort(key=lambda h: (h.start, h.kind))
        return hits

    def _flag_nip(self, digits: str) -> bool:
        if digits in self.allowed_nips:
            return False
        return digits in self.nips or (self.nip_shape and nip_shaped(digits))

    def _scan_nips(self, text: str) -> list[Hit]:
        hits = []
        for m in NIP_RE.finditer(text):
            digits = "".join(m.groups())
            if self._flag_nip(digits):
                hits.append(Hit("nip", mask_nip(digits), m.start(), m.end()))
        for m in NIP_GROUPED_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group(1))
            if self._flag_nip(digits):
                hits.append(Hit("nip", mask_nip(digits), m.start(), m.end()))
        return hits

    def _scan_names(self, text: str) -> list[Hit]:
        if not self._trie:
            return []
        norm = unicodedata.normalize("NFKC", text)
        tokens = list(WORD_RE.finditer(norm))
        folded = [fold_word(m.group()) for m in tokens]
        root = self._trie
        hits = []
        n_tokens = len(folded)
        next_free = 0
        for i, word in enumerate(folded):
            if i < next_free:
                continue
            node = root.get(word)
            if node is None:
                continue
            best: tuple[int, str] | None = None
            j = i
            while True:
                display = node.get(NAME_END)
                if display is not None and (
                    j > i or self._single_word_in_context(norm, tokens, folded, i)
                ):
                    best = (j, display)  # the longest name wins
                if j + 1 >= n_tokens:
                    break
                nxt = node.get(folded[j + 1])
                if nxt is None or not NAME_GAP.match(norm[tokens[j].end() : tokens[j + 1].start()]):
                    break
                node, j = nxt, j + 1
            if best is not None:
                end, display = best
                hits.append(Hit("nama", mask_name(display), tokens[i].start(), tokens[end].end()))
                next_free = end + 1
        return hits

    def _single_word_in_context(
        self, norm: str, tokens: list[re.Match[str]], folded: list[str], i: int
    ) -> bool:
        """A one-word name counts only after an honorific ("Sdr. Sutrisno", "Ibu Endah").

        One-word names are often ordinary words too ("Hari" in "hari kerja", "Bagus", "Ilham"),
        so matching them anywhere would fail every report. The name must also be capitalised.
        """
        if self.single_word_names == "anywhere":
            return True
        if not norm[tokens[i].start()].isupper():
            return False
        if i == 0 or folded[i - 1] not in HONORIFICS:
            return False
        return bool(NAME_GAP.match(norm[tokens[i - 1].end() : tokens[i].start()]))

    def scrub(self, text: object, replacement: str = "[disamarkan]") -> object:
        """``text`` with every hit replaced (for free text that must appear in a forum table)."""
        if not isinstance(text, str):
            return text
        out = unicodedata.normalize("NFKC", DATA_URI_RE.sub(" ", text))
        hits = self._scan_nips(out) + self._scan_names(out)
        if not hits:
            return text
        for h in sorted(hits, key=lambda h: h.start, reverse=True):
            out = out[: h.start] + replacement + out[h.end :]
        return out

    def scan_bytes(self, data: bytes, *, suffix: str = "") -> list[Hit]:
        """Hits in a file's bytes; the format is chosen by ``suffix`` (``.xlsx``, ``.json``, ...)."""
        suffix = suffix.lower()
        if suffix in {".xlsx", ".xlsm"}:
            return self.scan("\n".join(xlsx_texts(data)))
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
                return self.scan(" \n ".join(json_strings(obj)))
        hits = self.scan(text)
        if suffix in {".html", ".htm", ".svg", ".xml"} or "<" in text:
            seen = {(h.kind, h.shown) for h in hits}
            collector = TextCollector()
            with contextlib.suppress(Exception):
                collector.feed(DATA_URI_RE.sub(" ", text))
                collector.close()
            for h in self.scan("".join(collector.parts)):
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
