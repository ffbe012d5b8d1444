"""Presentation layer: section builders for the report notebooks and the Voila forms.

Contract (for the notebooks, ``kinerja.serve.forms`` and ``kinerja.run.batch``)
--------------------------------------------------------------------
- :class:`ReportData` is built once per kernel from the prepared cache or a data folder
  (:meth:`ReportData.from_dirs`, :meth:`ReportData.from_cache`, :meth:`ReportData.from_folder`;
  a raw folder is validated once and kept in a private cache outside it). It
  holds the :class:`~kinerja.data.dataset.Dataset`, the parameters and a memo of every metric table,
  computed for all OPDs at once the first time a period is asked for (``data.metric(name,
  periode)``). Section builders only *filter* those tables for one OPD, so a control change in a
  form never recomputes an aggregate.
- A section builder has the signature ::

      section_x(data: ReportData, *, kode_opd: str, periode: str | Periode,
                audience: Literal["forum", "internal"] = "forum",
                heading_level: int | None = 2) -> list[display object]

  (``heading_level=None`` leaves the heading to the caller, as a form does) and returns objects with ``_repr_html_`` (:class:`Block`, :class:`kinerja.report.charts.Chart`); every
  table and chart carries its "Sumber data: ..." line. Builders: :func:`section_ikm`,
  :func:`section_skp`, :func:`section_kinerja_harian`, :func:`section_layanan`,
  :func:`section_pengaduan`, :func:`section_pelatihan`, :func:`section_tindak_lanjut`,
  :func:`temuan_utama`; :func:`sections_opd` returns the whole per-OPD report in order.
  City level: :func:`sections_kota`; one service: :func:`sections_hambatan`; register:
  :func:`sections_register`; data overview: :func:`sections_ikhtisar`.
- ``show_*`` functions are what a notebook calls, one call per notebook: they resolve the data
  (cache → folder → bundled sample, see :func:`resolve_data_dir`), keep one :class:`ReportData`
  per source in the kernel (:func:`get_report_data`), display the sections and end with one
  display of mimetype :data:`SUMMARY_MIME` = ``application/vnd.kinerja.protect+json`` holding
  ``{"suppressed_cells": n, "audience": ..., "kode_opd": ..., "periode": ...}``. The batch reads
  the number of suppressed cells from that output of the executed notebook. Under Voila the
  same ``show_*`` call delegates to :mod:`kinerja.serve.forms` (drop-downs over the same builders, see
  :func:`form_definitions`); under Papermill and JupyterLab it runs straight through.
- Audiences (issue 6): ``forum`` shows aggregates only -- no NIP, no name, no free text; every
  group smaller than k (k = 10 pegawai, k = 5 responden SKM, from ``parameters/``) is hidden with
  the mark :data:`SUPPRESSED_MARK` and a footnote. ``internal`` may list individuals of the OPD
  named, never of another OPD, and every internal output starts with the banner
  "RAHASIA — hanya untuk internal OPD ...". Every cell of every table is escaped with
  :func:`html.escape` when rendered.

Pure computation stays in the metric modules; this module only selects, labels and formats.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.report.formatting import MISSING, fmt_date, fmt_int, fmt_month, fmt_number, fmt_percent

Audience = Literal["forum", "internal"]
ColumnKind = Literal["text", "code", "int", "number", "delta", "percent", "date", "month", "bool"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = PROJECT_ROOT / "data" / "sampel"
SUMMARY_MIME = "application/vnd.kinerja.protect+json"
METRICS_FILE = "metrics.pkl"
SUPPRESSED_MARK = "*"
K_PEGAWAI = 10
K_RESPONDEN = 5
LOW_COLOR = "#c0392b"

__all__ = [
    "K_PEGAWAI",
    "K_RESPONDEN",
    "SUMMARY_MIME",
    "SUPPRESSED_MARK",
    "Block",
    "Col",
    "ReportData",
    "bullets",
    "folder_cache_dir",
    "form_definitions",
    "get_report_data",
    "heading",
    "internal_banner_block",
    "note",
    "paragraph",
    "render_table",
    "resolve_data_dir",
    "section_hambatan_alur",
    "section_hambatan_lambat",
    "section_hambatan_ringkasan",
    "section_hambatan_tahap",
    "section_ikm",
    "section_kinerja_harian",
    "section_layanan",
    "section_pelatihan",
    "section_pengaduan",
    "section_skp",
    "section_tindak_lanjut",
    "sections_hambatan",
    "sections_ikhtisar",
    "sections_kota",
    "sections_opd",
    "sections_register",
    "show_ikhtisar_data",
    "show_laporan_opd",
    "show_penjelajah_hambatan",
    "show_register_tindak_lanjut",
    "show_ringkasan_kota",
    "summary_bundle",
    "temuan_kota",
    "temuan_utama",
    "warning_box",
]


# ---------------------------------------------------------------------------------------------
# Display primitives
# ---------------------------------------------------------------------------------------------
_TABLE_CSS = (
    "border-collapse:collapse;margin:0.3em 0;font-size:0.92em;font-variant-numeric:tabular-nums"
)
_TH = "border-bottom:2px solid #444;padding:4px 10px;text-align:{align};background:#f3f5f7"
_TD = "border-bottom:1px solid #ddd;padding:3px 10px;text-align:{align}"


@dataclass
class Block:
    """A piece of report output: trusted HTML built here plus a plain-text rendering.

    ``html`` is assembled only from escaped values; ``suppressed`` counts the cells hidden by
    disclosure control in this block (summed into the notebook's summary output).
    """

    html: str
    text: str = ""
    suppressed: int = 0

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text or "(keluaran laporan)"


def heading(text: str, level: int = 2) -> Block:
    """A heading (``<h2>`` by default) with escaped text."""
    level = min(max(int(level), 1), 4)
    return Block(f"<h{level}>{html.escape(text)}</h{level}>", text=text)


def paragraph(text: str) -> Block:
    """A paragraph of escaped text."""
    return Block(f'<p style="max-width:60em">{html.escape(text)}</p>', text=text)


def bullets(items: Sequence[str], *, title: str | None = None) -> Block:
    """An unordered list of escaped sentences."""
    head = f"<p><b>{html.escape(title)}</b></p>" if title else ""
    body = "".join(f"<li>{html.escape(t)}</li>" for t in items)
    return Block(
        f'{head}<ul style="max-width:60em">{body}</ul>',
        text="\n".join(([title] if title else []) + [f"- {t}" for t in items]),
    )


def note(text: str) -> Block:
    """A small grey note (method, assumption, missing data)."""
    return Block(
        f'<p class="kinerja-note" style="font-size:0.85em;color:#555;max-width:60em">'
        f"{html.escape(text)}</p>",
        text=text,
    )


def warning_box(text: str) -> Block:
    """A highlighted warning (e.g. curve rule not met), escaped."""
    return Block(
        '<div style="border-left:4px solid #c0392b;background:#fbeeee;padding:6px 10px;'
        f'margin:0.4em 0;max-width:60em">{html.escape(text)}</div>',
        text=f"PERINGATAN: {text}",
    )


def internal_banner_block(kode_opd: str, nama_opd: str | None = None) -> Block:
    """The visible banner every internal output starts with (issue 6, point 1)."""
    from kinerja.protect import internal_banner, internal_banner_html

    return Block(internal_banner_html(kode_opd, nama_opd), text=internal_banner(kode_opd, nama_opd))


@dataclass(frozen=True)
class Col:
    """How one column of a table is shown.

    Parameters
    ----------
    name : str
        Column of the DataFrame.
    label : str
        Indonesian header.
    kind : {"text", "code", "int", "number", "delta", "percent", "date", "month", "bool"}
        Formatting (id-ID): ``percent`` expects percent units (87.5 → ``87,5%``); ``delta``
        writes a signed change (``+1,25``, ``−0,40``); ``code`` is text that never wraps
        (identifiers such as NIP or a request number).
    decimals : int
        Decimals for ``number`` and ``percent``.
    """

    name: str
    label: str
    kind: ColumnKind = "text"
    decimals: int = 2


def _format_value(value: Any, col: Col) -> str:
    if isinstance(value, str) and value == SUPPRESSED_MARK and col.kind not in ("text", "code"):
        return SUPPRESSED_MARK
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if col.kind in ("text", "code"):
        if isinstance(value, float) and math.isnan(value):
            return MISSING
        return str(value)
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    if col.kind == "int":
        return fmt_int(value)
    if col.kind == "number":
        return fmt_number(value, decimals=col.decimals)
    if col.kind == "delta":
        text = fmt_number(abs(float(value)), decimals=col.decimals)
        if text.strip("0,") == "":
            return text
        return ("+" if float(value) > 0 else "−") + text
    if col.kind == "percent":
        return fmt_percent(value, decimals=col.decimals)
    if col.kind == "date":
        return fmt_date(value)
    if col.kind == "month":
        return fmt_month(value)
    if col.kind == "bool":
        return "Ya" if bool(value) else "Tidak"
    return str(value)


def render_table(
    df: pd.DataFrame,
    columns: Sequence[Col],
    *,
    title: str | None = None,
    source: str,
    notes: Iterable[str] = (),
    suppressed: pd.DataFrame | None = None,
    suppression_note: str | None = None,
    max_rows: int | None = None,
    audience: Audience = "forum",
) -> Block:
    """Render ``df`` as an HTML table with Indonesian headers, id-ID values and a source line.

    Parameters
    ----------
    df : DataFrame
        Values to show (unformatted); only ``columns`` are shown, in that order.
    columns : sequence of Col
        Column, header and format of each shown column.
    title : str, optional
        Caption above the table.
    source : str
        Text after "Sumber data:" under the table (required: every table names its source).
    notes : iterable of str
        Footnotes under the table.
    suppressed : DataFrame of bool, optional
        Same index as ``df``; a True cell in a shown column is replaced by
        :data:`SUPPRESSED_MARK` (disclosure control). Cells that already hold the mark (output
        of :func:`kinerja.protect.suppress_small`) are shown as such too, and counted.
    suppression_note : str, optional
        Footnote explaining the mark; added automatically when a cell is hidden.
    max_rows : int, optional
        Show only the first ``max_rows`` rows and say how many were left out.
    audience : {"forum", "internal"}
        For ``forum`` the shown columns are checked with :func:`kinerja.protect.forum_safe`
        (no NIP, name or free-text column may reach a forum table).

    Returns
    -------
    Block
        Every header and cell passes through :func:`html.escape`.
    """
    notes = list(notes)
    if audience == "forum":
        from kinerja.protect import forum_safe

        forum_safe(df[[c.name for c in columns]], name=title or "tabel")
    shown = df if max_rows is None else df.head(max_rows)
    n_hidden = 0
    head_cells = []
    aligns = []
    for c in columns:
        align = "left" if c.kind in ("text", "code", "date", "month") else "right"
        aligns.append(align)
        head_cells.append(f'<th style="{_TH.format(align=align)}">{html.escape(c.label)}</th>')
    rows_html = []
    text_rows = [" | ".join(c.label for c in columns)]
    for idx, row in zip(shown.index, shown.itertuples(index=False), strict=True):
        values = dict(zip(shown.columns, row, strict=True))
        cells = []
        texts = []
        for c, align in zip(columns, aligns, strict=True):
            hidden = (
                suppressed is not None
                and c.name in suppressed.columns
                and bool(suppressed.at[idx, c.name])
            )
            if hidden:
                n_hidden += 1
                shown_text = SUPPRESSED_MARK
            else:
                shown_text = _format_value(values.get(c.name), c)
                if shown_text == SUPPRESSED_MARK and c.kind not in ("text", "code"):
                    n_hidden += 1
            texts.append(shown_text)
            style = _TD.format(align=align) + (";white-space:nowrap" if c.kind != "text" else "")
            cells.append(f'<td style="{style}">{html.escape(shown_text)}</td>')
        rows_html.append("<tr>" + "".join(cells) + "</tr>")
        text_rows.append(" | ".join(texts))
    if max_rows is not None and len(df) > max_rows:
        notes.append(
            f"Ditampilkan {fmt_int(max_rows)} baris pertama dari {fmt_int(len(df))} baris."
        )
    if n_hidden:
        notes.insert(
            0,
            suppression_note
            or f"{SUPPRESSED_MARK} Disembunyikan: kelompok terlalu kecil (pengendalian pengungkapan).",
        )
    if df.empty:
        rows_html.append(
            f'<tr><td colspan="{len(columns)}" style="{_TD.format(align="left")}">'
            "Tidak ada data untuk pilihan ini.</td></tr>"
        )
    caption = (
        f'<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">'
        f"{html.escape(title)}</caption>"
        if title
        else ""
    )
    foot = "".join(
        f'<div style="font-size:0.85em;color:#555">{html.escape(n)}</div>' for n in notes
    )
    out = (
        '<div class="kinerja-table" style="margin:0.4em 0 1.2em 0;overflow-x:auto">'
        f'<table style="{_TABLE_CSS}">{caption}<thead><tr>{"".join(head_cells)}</tr></thead>'
        f"<tbody>{''.join(rows_html)}</tbody></table>{foot}"
        f'<div class="kinerja-sumber" style="font-size:0.85em;color:#555">'
        f"Sumber data: {html.escape(source)}</div></div>"
    )
    text = "\n".join(([title] if title else []) + text_rows + notes + [f"Sumber data: {source}"])
    return Block(out, text=text, suppressed=n_hidden)


def summary_bundle(info: dict[str, Any]) -> dict[str, Any]:
    """The raw display bundle that closes every notebook (read back by ``kinerja.run.batch``).

    Display it with ``IPython.display.display(summary_bundle(info), raw=True)``; only the
    :data:`SUMMARY_MIME` key is present, so nbconvert's HTML and slides show nothing for it.
    """
    return {SUMMARY_MIME: json.loads(json.dumps(info, default=str))}


# ---------------------------------------------------------------------------------------------
# Where the data is
# ---------------------------------------------------------------------------------------------
def resolve_data_dir(
    data_dir: str | Path | None = None,
    *,
    base: str | Path | None = None,
    generate_sample: bool = True,
) -> Path:
    """Find the data folder a notebook parameter names.

    A relative path is tried against ``base`` (the notebook folder; default the working
    directory), then against the project root, then against ``notebooks/`` of the project (the
    default parameter ``"../data/sampel"`` is written relative to ``notebooks/``). When nothing
    exists and the path names the bundled sample (``data/sampel``), the sample is generated
    there with :func:`kinerja.data.sample.generate` (first use).

    Raises
    ------
    FileNotFoundError
        With an Indonesian message naming the folders tried.
    """
    raw = Path(data_dir) if data_dir not in (None, "") else SAMPLE_DIR
    raw = raw.expanduser()
    if raw.is_absolute():
        candidates = [raw]
    else:
        bases = [
            Path(base) if base is not None else Path.cwd(),
            PROJECT_ROOT,
            PROJECT_ROOT / "notebooks",
        ]
        candidates = [(b / raw).resolve() for b in bases]
    for cand in candidates:
        if cand.is_dir():
            return cand
    sample = SAMPLE_DIR.resolve()
    if generate_sample and any(c.resolve() == sample for c in candidates):
        from kinerja.data.sample import generate

        generate(sample)
        return sample
    tried = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise FileNotFoundError(f"Folder data tidak ditemukan: {data_dir} (dicoba: {tried})")


# ---------------------------------------------------------------------------------------------
# Report data: loaded once, metrics memoised per period for all OPDs
# ---------------------------------------------------------------------------------------------
#: table -> (date column used for coverage and period filtering, whether rows carry kode_opd)
DATE_COLUMNS: dict[str, str] = {
    "laporan_kinerja": "tanggal",
    "layanan": "mulai",
    "skm": "tanggal",
    "pengaduan": "tanggal_masuk",
    "pelatihan": "tanggal_mulai",
    "tindak_lanjut": "tenggat",
}

TABLE_LABELS: dict[str, str] = {
    "opd": "Perangkat daerah (opd)",
    "pegawai": "Pegawai ASN (pegawai)",
    "penilaian_skp": "Penilaian SKP (penilaian_skp)",
    "laporan_kinerja": "Laporan kinerja harian e-kinerja (laporan_kinerja)",
    "layanan": "Log tahapan layanan (layanan)",
    "standar_layanan": "Standar pelayanan (standar_layanan)",
    "skm": "Survei Kepuasan Masyarakat (skm)",
    "pengaduan": "Pengaduan masyarakat (pengaduan)",
    "pelatihan": "Pelatihan / pengembangan kompetensi (pelatihan)",
    "tindak_lanjut": "Tindak lanjut forum evaluasi (tindak_lanjut)",
}

SOURCE_LABELS: dict[str, str] = {
    "skm": "Survei Kepuasan Masyarakat (berkas skm)",
    "penilaian_skp": "penilaian SKP pegawai (berkas penilaian_skp, pegawai)",
    "laporan_kinerja": "laporan kinerja harian e-kinerja (berkas laporan_kinerja, pegawai)",
    "layanan": "log tahapan layanan dan standar pelayanan (berkas layanan, standar_layanan)",
    "pengaduan": "pengaduan masyarakat (berkas pengaduan)",
    "pelatihan": "catatan pelatihan (berkas pelatihan, pegawai)",
    "tindak_lanjut": "register tindak lanjut forum evaluasi (berkas tindak_lanjut)",
}


_METRICS_MAGIC = b"kinerja-metrics-2\n"


class _Stored:
    """Where one pickled table sits in the metrics file (:meth:`ReportData.save_metrics`)."""

    __slots__ = ("length", "offset", "path")

    def __init__(self, path: Path, offset: int, length: int) -> None:
        self.path, self.offset, self.length = path, offset, length

    def load(self) -> Any:
        import pickle

        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            return pickle.loads(fh.read(self.length))  # our own cache file


class _StoredMemo(dict):
    """A memo whose stored values are unpickled on first access (then kept)."""

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        if isinstance(value, _Stored):
            value = value.load()
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 (self.get is this)

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[k] for k in self]

    def items(self) -> list[tuple[Any, Any]]:  # type: ignore[override]
        return [(k, self[k]) for k in self]

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == other

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (dict, (dict(self.items()),))


class ReportData:
    """Everything a report shows, loaded once: dataset, parameters and memoised metric tables.

    Parameters
    ----------
    dataset : kinerja.data.dataset.Dataset
        Loaded (validated) tables.
    params : dict, optional
        Effective defaults (``kinerja.domain.params.load_defaults``); built-in defaults when omitted.
    source : str
        Human description of where the data came from (shown in the data overview).
    today : date-like, optional
        Reference date for "overdue" (default: today).

    Notes
    -----
    ``metric(name, periode)`` computes a metric for **all** OPDs the first time it is asked for
    and keeps it; section builders then filter one OPD's rows. A form control change therefore
    only filters and redraws.
    """

    def __init__(
        self,
        dataset: Any,
        *,
        params: dict[str, Any] | None = None,
        params_dir: str | Path | None = None,
        source: str = "",
        today: Any = None,
    ) -> None:
        self.dataset = dataset
        tables = getattr(dataset, "tables", None)
        # a lazy cache mapping (kinerja.data.dataset.LazyTables) stays lazy: a report whose metrics
        # were precomputed by the batch never reads the large tables
        self.tables: Mapping[str, pd.DataFrame] = (
            tables if tables is not None and not isinstance(tables, dict) else dict(tables or {})
        )
        if params is None:
            params = _load_params(params_dir)
        self.params = params
        self.params_dir = params_dir
        self.source = source
        self.today = (
            pd.Timestamp(today).normalize()
            if today is not None
            else (pd.Timestamp.today().normalize())
        )
        self.k_pegawai = int(params.get("k_pegawai", K_PEGAWAI))
        self.k_responden = int(params.get("k_responden", K_RESPONDEN))
        self._memo: dict[tuple[str, str], Any] = {}

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_cache(cls, cache_dir: str | Path, **kwargs: Any) -> ReportData:
        """Build from a prepared cache written by ``Dataset.save_cache`` (the batch).

        When the batch also stored precomputed metrics (:meth:`save_metrics`) for the same data,
        parameters and reference date, they are reused, so no notebook recomputes them.
        """
        from kinerja.data.dataset import Dataset

        kwargs.setdefault("source", f"cache {Path(cache_dir).name}")
        data = cls(Dataset.from_cache(cache_dir, lazy=True), **kwargs)
        data.load_metrics(cache_dir)
        return data

    # -- precomputed metrics (shared by every notebook of a batch) -------------------------------
    def _metrics_key(self) -> str:
        """What the memo depends on: input file hashes, parameters and the reference date."""
        import hashlib

        hashes = getattr(self.dataset, "file_hashes", None) or {}
        blob = json.dumps(
            {
                "files": {str(k): str(v) for k, v in sorted(dict(hashes).items())},
                "params": self.params,
                "today": str(self.today.date()),
            },
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def warm(self, periode: str | Periode | None = None) -> int:
        """Compute every metric a per-OPD report and the city overview of ``periode`` use.

        Builds the city overview and one OPD's report in memory (nothing is displayed), which
        asks for exactly the all-OPD metric tables the notebooks need. Returns how many metric
        tables are memoised.
        """
        per = self.periode(periode)
        sections_kota(self, periode=per)
        if len(self.opd):
            sections_opd(self, kode_opd=str(self.opd["kode_opd"].iloc[0]), periode=per)
        # a section asks for some tables only when that OPD has rows (e.g. the IKM elements of
        # an OPD without survey rows): compute every metric not asked for yet for ``per``
        for name in _METRICS:
            at = None if name in _PERIOD_FREE else per
            if (name, "" if at is None else str(at)) not in self._memo:
                try:
                    self.metric(name, at)
                except Exception:  # noqa: BLE001 - the notebook computes it and shows the error
                    continue
        return len(self._memo)

    def save_metrics(self, cache_dir: str | Path) -> Path:
        """Store the memoised metric tables next to the data cache (atomic write).

        The file is a pickle container written by the batch into its own cache folder and read
        back only when its key matches (:meth:`load_metrics`); it is a cache, never an input
        format. Every table is pickled on its own (a dict of tables, like ``service``, table by
        table) and an index at the end says where, so a notebook unpickles only the tables its
        report uses: the service event log alone is most of the file and only the bottleneck
        explorer and the training-impact section need it.
        """
        import os
        import pickle
        import tempfile

        target = Path(cache_dir) / METRICS_FILE
        fd, tmp = tempfile.mkstemp(prefix=".metrics-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:

                def put(value: Any) -> tuple[int, int]:
                    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                    offset = fh.tell()
                    fh.write(blob)
                    return (offset, len(blob))

                fh.write(_METRICS_MAGIC)
                index: dict[Any, Any] = {}
                for key, value in self._memo.items():
                    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
                        index[key] = {k: put(v) for k, v in value.items()}
                    else:
                        index[key] = put(value)
                head = fh.tell()
                pickle.dump(
                    {"key": self._metrics_key(), "index": index},
                    fh,
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
                fh.write(head.to_bytes(8, "little"))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def load_metrics(self, cache_dir: str | Path) -> bool:
        """Reuse metrics stored by :meth:`save_metrics` when they match this data; else ignore.

        Only the index is read here; each table is unpickled the first time it is used.
        """
        import pickle

        path = Path(cache_dir) / METRICS_FILE
        if not path.is_file():
            return False
        try:
            with path.open("rb") as fh:  # our own cache file, see save_metrics
                if fh.read(len(_METRICS_MAGIC)) != _METRICS_MAGIC:
                    return False
                fh.seek(-8, 2)
                fh.seek(int.from_bytes(fh.read(8), "little"))
                head = pickle.load(fh)
        except Exception:  # a damaged cache only costs time: recompute
            return False
        if not isinstance(head, dict) or head.get("key") != self._metrics_key():
            return False
        memo = _StoredMemo()
        for key, where in head["index"].items():
            if isinstance(where, dict):
                dict.__setitem__(
                    memo, key, _StoredMemo({k: _Stored(path, *w) for k, w in where.items()})
                )
            else:
                dict.__setitem__(memo, key, _Stored(path, *where))
        memo.update(self._memo)
        self._memo = memo
        return True

    @classmethod
    def from_folder(
        cls, data_dir: str | Path | None, *, use_cache: bool = True, **kwargs: Any
    ) -> ReportData:
        """Load and validate a raw data folder (``kinerja.load``).

        With ``use_cache`` (default) the validated tables are kept in a private cache outside
        the data folder (:func:`folder_cache_dir`) and reused while every input file still has
        the same SHA-256, so opening a second notebook on the same folder does not re-parse
        the raw exports.
        """
        folder = resolve_data_dir(data_dir)
        kwargs.setdefault("source", f"folder {folder}")
        dataset = _load_folder_cached(folder) if use_cache else _load_folder(folder)
        return cls(dataset, **kwargs)

    @classmethod
    def from_dirs(
        cls,
        cache_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        **kwargs: Any,
    ) -> ReportData:
        """The cache when it exists, else the data folder (else the bundled sample)."""
        if cache_dir not in (None, "") and Path(cache_dir).is_dir():
            return cls.from_cache(cache_dir, **kwargs)
        return cls.from_folder(data_dir, **kwargs)

    load = from_dirs

    # -- access -------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame | None:
        """A loaded table or ``None`` when its file was absent."""
        t = self.tables.get(name)
        return t if t is not None else None

    def has(self, name: str) -> bool:
        """Whether table ``name`` is present and not empty (a lazy table is not read for it)."""
        n_rows = getattr(self.tables, "n_rows", None)
        if n_rows is not None:
            n = n_rows(name)
            return n is not None and n > 0
        t = self.tables.get(name)
        return t is not None and len(t) > 0

    @property
    def opd(self) -> pd.DataFrame:
        return self.tables["opd"]

    def opd_name(self, kode_opd: str) -> str:
        """``nama_opd`` of a code; a clear error for an unknown code."""
        rows = self.opd.loc[self.opd["kode_opd"] == kode_opd, "nama_opd"]
        if rows.empty:
            raise ValueError(f"Kode OPD tidak dikenal dalam tabel opd: {kode_opd!r}")
        return str(rows.iloc[0])

    def check_opd(self, kode_opd: str | None) -> str:
        """Validate a ``kode_opd`` parameter against the ``opd`` table (returns it)."""
        if kode_opd in (None, ""):
            return str(self.opd["kode_opd"].iloc[0])
        kode = str(kode_opd)
        self.opd_name(kode)
        return kode

    def periode(self, periode: str | Periode | None) -> Periode:
        """Parse a period parameter; ``None`` → the ``periode`` of ``parameters/default.yaml``."""
        if periode in (None, ""):
            periode = self.params.get("periode") or self.latest_year()
        return Periode.parse(periode)

    def latest_year(self) -> str:
        """The latest year seen in the dated tables (fallback period)."""
        years = []
        for name, col in DATE_COLUMNS.items():
            t = self.tables.get(name)
            if t is not None and len(t) and col in t.columns:
                y = pd.to_datetime(t[col], errors="coerce").dt.year.max()
                if pd.notna(y):
                    years.append(int(y))
        return str(max(years)) if years else str(pd.Timestamp.today().year)

    def metric(self, name: str, periode: str | Periode | None = None) -> Any:
        """Metric ``name`` for all OPDs in ``periode`` (memoised)."""
        per = None if periode is None else str(Periode.parse(periode))
        key = (name, per or "")
        if key not in self._memo:
            builder = _METRICS[name]
            self._memo[key] = builder(self, None if per is None else Periode.parse(per))
        return self._memo[key]

    def form_options(self) -> Any:
        """Choices for the Voila form (``kinerja.serve.forms.FormOptions``)."""
        from kinerja.serve.forms import FormOptions

        return FormOptions.from_tables(self.tables)


def _load_folder(folder: Path) -> Any:
    from kinerja.data.dataset import load

    return load(folder)


def folder_cache_dir(folder: str | Path) -> Path:
    """Private cache of a data folder: ``$XDG_CACHE_HOME/kinerja/<hash of its path>``.

    Never inside the data folder (raw data stays read-only); ``KINERJA_FOLDER_CACHE`` overrides
    the root (tests).
    """
    import hashlib
    import os

    root = os.environ.get("KINERJA_FOLDER_CACHE") or (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kinerja"
    )
    key = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(root) / key


def _load_folder_cached(folder: Path) -> Any:
    import os
    import shutil
    import tempfile

    from kinerja.data.dataset import Dataset

    cache = folder_cache_dir(folder)
    if (cache / "dataset.json").is_file():
        try:
            ds = Dataset.from_cache(cache)
            if ds.cache_is_current(folder):
                return ds
        except (OSError, ValueError, KeyError):  # a damaged cache is rebuilt
            pass
    ds = _load_folder(folder)
    tmp: Path | None = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache.parent))
        ds.save_cache(tmp)
        old = cache.with_name(cache.name + ".old")
        if cache.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(cache, old)
        os.replace(tmp, cache)  # atomic: readers see the old cache or the new one
        tmp = None
        shutil.rmtree(old, ignore_errors=True)
    except OSError:  # a cache we cannot write only costs time next run
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return ds


def _load_params(params_dir: str | Path | None) -> dict[str, Any]:
    from kinerja.domain.params import load_defaults

    return load_defaults(params_dir)


_METRICS: dict[str, Callable[[ReportData, Periode | None], Any]] = {}
#: metrics that sections always ask for over the whole data (``periode=None``)
_PERIOD_FREE = frozenset({"followup", "open_requests", "service_all", "waves"})


def _metric(name: str) -> Callable[[Callable[[ReportData, Periode | None], Any]], Any]:
    def register(func: Callable[[ReportData, Periode | None], Any]) -> Any:
        _METRICS[name] = func
        return func

    return register


def _filter(df: pd.DataFrame | None, periode: Periode | None, column: str) -> pd.DataFrame | None:
    if df is None or periode is None:
        return df
    return df.loc[periode.contains(df[column])]


# ---------------------------------------------------------------------------------------------
# Disclosure control helpers
# ---------------------------------------------------------------------------------------------
def _suppression_note(k: int, unit: str) -> str:
    from kinerja.protect import suppression_footnote

    return suppression_footnote(k, unit, SUPPRESSED_MARK)


def _small_mask(
    df: pd.DataFrame, *, count_col: str, k: int, columns: Sequence[str]
) -> pd.DataFrame:
    """Mask (same index as ``df``) hiding ``columns`` of every row whose count is below ``k``.

    Used for means, medians and percentages over a group (issue 6: no statistic over fewer
    than k); counts with totals go through :func:`_suppress_counts`.
    """
    small = pd.to_numeric(df[count_col], errors="coerce").fillna(0) < k
    return pd.DataFrame({c: small.to_numpy() for c in columns}, index=df.index)


def _missing_table(name: str) -> Block:
    return note(
        f"Data {TABLE_LABELS.get(name, name)} tidak tersedia dalam folder data; bagian ini "
        "tidak dapat disusun."
    )


def _opd_rows(df: pd.DataFrame | None, kode_opd: str) -> pd.DataFrame:
    if df is None or df.empty or "kode_opd" not in df.columns:
        return pd.DataFrame() if df is None else df.iloc[0:0]
    return df.loc[df["kode_opd"] == kode_opd]


def _named(data: ReportData, df: pd.DataFrame) -> pd.DataFrame:
    """Add ``nama_opd`` (and ``singkatan``) from the ``opd`` table."""
    cols = [c for c in ("kode_opd", "nama_opd", "singkatan") if c in data.opd.columns]
    return df.drop(columns=[c for c in cols if c != "kode_opd" and c in df.columns]).merge(
        data.opd[cols], on="kode_opd", how="left"
    )


# ---------------------------------------------------------------------------------------------
# IKM
# ---------------------------------------------------------------------------------------------
def _populasi_layanan(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    """People served per OPD in the period: distinct requests in the service log."""
    lay = _filter(data.table("layanan"), periode, "mulai")
    if lay is None or lay.empty:
        return pd.DataFrame(
            {"kode_opd": pd.Series(dtype="str"), "populasi": pd.Series(dtype="int64")}
        )
    pop = lay.groupby("kode_opd", observed=True)["id_permohonan"].nunique()
    return pop.rename("populasi").reset_index()


@_metric("ikm")
def _m_ikm(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.survey import ikm_table, sample_adequacy

    skm = data.table("skm")
    weight = data.params.get("ikm_weight", "exact")
    ikm = ikm_table(skm, by=("kode_opd",), weight=weight, periode=periode)
    pop = _populasi_layanan(data, periode)
    if len(ikm) and len(pop):
        ikm = sample_adequacy(ikm, pop, by=("kode_opd",))
    return _named(data, ikm)


@_metric("ikm_elements")
def _m_ikm_elements(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.survey import ikm_elements

    weight = data.params.get("ikm_weight", "exact")
    return ikm_elements(data.table("skm"), by=("kode_opd",), weight=weight, periode=periode)


@_metric("ikm_layanan")
def _m_ikm_layanan(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.survey import ikm_table

    weight = data.params.get("ikm_weight", "exact")
    skm = data.table("skm")
    skm = skm.loc[skm["jenis_layanan"].notna()]
    return ikm_table(skm, by=("kode_opd", "jenis_layanan"), weight=weight, periode=periode)


def _ikm_row(data: ReportData, kode_opd: str, periode: Periode) -> pd.Series | None:
    if not data.has("skm"):
        return None
    rows = _opd_rows(data.metric("ikm", periode), kode_opd)
    return None if rows.empty else rows.iloc[0]


def section_ikm(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Indeks Kepuasan Masyarakat of one OPD: IKM, mutu, its nine elements, per service.

    IKM and NRR follow PermenPANRB 14/2017 (``kinerja.metrics.survey``); an IKM over fewer than
    ``k_responden`` respondents is not shown (issue 6).
    """
    per = Periode.parse(periode)
    out: list[Any] = []
    if heading_level:
        out.append(heading("Indeks Kepuasan Masyarakat (IKM)", heading_level))
    if not data.has("skm"):
        return [*out, _missing_table("skm")]
    src = SOURCE_LABELS["skm"] + f", {per.label}; PermenPANRB 14/2017"
    row = _ikm_row(data, kode_opd, per)
    if row is None or int(row["n_responden"]) == 0:
        return [*out, note(f"Tidak ada responden SKM untuk OPD ini pada {per.label}.")]
    k = data.k_responden
    one = pd.DataFrame([row])
    small = int(row["n_responden"]) < k
    cols = [
        Col("n_responden", "Jumlah responden", "int"),
        Col("ikm", "IKM (25–100)", "number", 2),
        Col("mutu", "Mutu pelayanan"),
        Col("kinerja_unit", "Kinerja unit pelayanan"),
    ]
    if "n_minimum" in one.columns:
        cols += [
            Col("populasi", "Penerima layanan (log layanan)", "int"),
            Col("n_minimum", "Sampel minimum (Krejcie–Morgan)", "int"),
            Col("sampel_memadai", "Sampel memadai", "bool"),
        ]
    mask = None
    if small:
        mask = pd.DataFrame({c: [True] for c in ("ikm", "mutu", "kinerja_unit")}, index=one.index)
    out.append(
        render_table(
            one,
            cols,
            title=f"IKM {per.label}",
            source=src,
            suppressed=mask,
            suppression_note=_suppression_note(k, "responden") if small else None,
            notes=[
                f"Bobot unsur: {row['bobot']}. Mutu: A ≥ 88,31; B ≥ 76,61; C ≥ 65,00; D di bawahnya."
            ],
        )
    )
    if small:
        return out
    el = _opd_rows(data.metric("ikm_elements", per), kode_opd)
    if not el.empty:
        out.append(
            render_table(
                el,
                [
                    Col("label", "Unsur pelayanan"),
                    Col("n_jawaban", "Jumlah jawaban", "int"),
                    Col("nrr", "NRR (1–4)", "number", 4),
                    Col("mutu", "Mutu"),
                    Col("peringkat", "Peringkat (1 = terlemah)", "int"),
                ],
                title="Nilai rata-rata (NRR) per unsur",
                source=src,
            )
        )
        from kinerja.report.charts import bar_chart

        weakest = el.sort_values(["nrr"]).iloc[0]["label"] if el["nrr"].notna().any() else None
        out.append(
            bar_chart(
                el,
                category="label",
                value="nrr",
                title=f"NRR per unsur pelayanan, {per.label}",
                value_label="NRR (skala 1–4)",
                source=src,
                decimals=2,
                reference=3.0644,
                reference_label="Batas bawah mutu B (3,0644)",
                highlight=weakest,
                value_max=4,
            )
        )
    per_service = _opd_rows(data.metric("ikm_layanan", per), kode_opd)
    if len(per_service) > 1:
        ps = per_service.sort_values("jenis_layanan")
        mask = _small_mask(ps, count_col="n_responden", k=k, columns=["ikm", "mutu"])
        out.append(
            render_table(
                ps,
                [
                    Col("jenis_layanan", "Jenis layanan"),
                    Col("n_responden", "Jumlah responden", "int"),
                    Col("ikm", "IKM", "number", 2),
                    Col("mutu", "Mutu"),
                ],
                title="IKM per jenis layanan",
                source=src,
                suppressed=mask,
                suppression_note=_suppression_note(k, "responden"),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Data overview (ikhtisar data)
# ---------------------------------------------------------------------------------------------
def _with_opd(data: ReportData, name: str) -> pd.DataFrame | None:
    """Table ``name`` with a ``kode_opd`` column (via ``pegawai`` for NIP-keyed tables)."""
    t = data.table(name)
    if t is None:
        return None
    if "kode_opd" in t.columns:
        return t
    peg = data.table("pegawai")
    if "nip" in t.columns and peg is not None:
        return t.merge(peg[["nip", "kode_opd"]], on="nip", how="left")
    return None


@_metric("coverage")
def _m_coverage(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    """Rows per table, OPD and month (long: tabel, kode_opd, bulan, jumlah)."""
    parts = []
    for name, col in DATE_COLUMNS.items():
        t = _with_opd(data, name)
        if t is None or t.empty or col not in t.columns:
            continue
        t = _filter(t, periode, col)
        month = pd.to_datetime(t[col]).dt.to_period("M").dt.to_timestamp()
        g = (
            pd.DataFrame({"kode_opd": t["kode_opd"].astype("str"), "bulan": month})
            .groupby(["kode_opd", "bulan"], observed=True)
            .size()
            .rename("jumlah")
            .reset_index()
        )
        g.insert(0, "tabel", name)
        parts.append(g)
    if not parts:
        return pd.DataFrame(columns=["tabel", "kode_opd", "bulan", "jumlah"])
    return pd.concat(parts, ignore_index=True)


def sections_ikhtisar(
    data: ReportData, *, periode: str | Periode | None = None, audience: Audience = "forum"
) -> list[Any]:
    """The data overview: what was loaded, what was quarantined, coverage per OPD and month."""
    from kinerja.report.charts import bar_chart, heatmap_chart

    per = Periode.parse(periode) if periode not in (None, "") else None
    ds = data.dataset
    out: list[Any] = [
        _title_block(
            "Data evaluasi kinerja ASN Kota Salatiga",
            f"Sumber: {data.source} · disusun {fmt_date(data.today)} · "
            + (f"cakupan bulanan: {per.label}" if per else "seluruh periode dalam data"),
        ),
        heading("Berkas yang dimuat", 2),
    ]
    summary = getattr(ds, "summary", None)
    if summary is not None and len(summary):
        s = summary.copy()
        s["label_tabel"] = s["table"].map(TABLE_LABELS).fillna(s["table"])
        out.append(
            render_table(
                s,
                [
                    Col("label_tabel", "Tabel"),
                    Col("berkas", "Berkas"),
                    Col("read", "Baris dibaca", "int"),
                    Col("accepted", "Baris diterima", "int"),
                    Col("quarantined", "Baris dikarantina", "int"),
                ],
                title="Ringkasan pemuatan (dibaca = diterima + dikarantina)",
                source="folder data (validasi kinerja.load)",
            )
        )
        total_q = int(pd.to_numeric(s["quarantined"]).sum())
        total_r = int(pd.to_numeric(s["read"]).sum())
        out.append(
            paragraph(
                f"Total {fmt_int(total_r)} baris dibaca; {fmt_int(total_q)} baris dikarantina "
                f"({fmt_percent(100 * total_q / total_r if total_r else 0, 2)})."
            )
        )
    missing = list(getattr(ds, "missing", []) or [])
    if missing:
        out.append(
            note(
                "Tabel yang tidak ada dalam folder data (analisis terkait dilewati): "
                + ", ".join(TABLE_LABELS.get(m, m) for m in missing)
                + "."
            )
        )
    out.append(heading("Baris yang dikarantina", 2))
    quarantine = getattr(ds, "quarantine", {}) or {}
    rows = []
    for name, q in quarantine.items():
        if q is None or q.empty:
            continue
        kolom = (
            q["_kolom"].astype("str") if "_kolom" in q.columns else pd.Series("–", index=q.index)
        )
        for kol, n in kolom.value_counts().items():
            rows.append({"tabel": TABLE_LABELS.get(name, name), "kolom": kol, "jumlah": int(n)})
    if rows:
        qdf = pd.DataFrame(rows).sort_values(["tabel", "jumlah"], ascending=[True, False])
        out.append(
            render_table(
                qdf,
                [
                    Col("tabel", "Tabel"),
                    Col("kolom", "Kolom bermasalah"),
                    Col("jumlah", "Baris", "int"),
                ],
                title="Baris dikarantina per tabel dan kolom",
                source="berkas karantina (_berkas, _baris, _kolom, _alasan)",
                notes=[
                    "Rincian per baris (dengan alasan) ada di folder karantina; tidak ditampilkan "
                    "di sini karena dapat memuat NIP atau teks warga."
                ],
            )
        )
    else:
        out.append(paragraph("Tidak ada baris yang dikarantina."))
    warnings = getattr(ds, "warnings", None)
    if warnings is not None and len(warnings):
        w = warnings.groupby("table").size().rename("jumlah").reset_index()
        w["tabel"] = w["table"].map(TABLE_LABELS).fillna(w["table"])
        out.append(
            render_table(
                w,
                [Col("tabel", "Tabel"), Col("jumlah", "Peringatan", "int")],
                title="Peringatan validasi (baris tetap dimuat)",
                source="validasi kinerja.load (mis. predikat SKP yang berbeda dari matriks)",
            )
        )

    out.append(heading("Cakupan data per OPD dan per bulan", 2))
    cov = data.metric("coverage", per)
    if cov.empty:
        out.append(note("Tidak ada tabel bertanggal untuk dihitung cakupannya."))
        return out
    monthly = cov.groupby(["tabel", "bulan"], observed=True)["jumlah"].sum().reset_index()
    grid = monthly.pivot_table(index="tabel", columns="bulan", values="jumlah", aggfunc="sum")
    grid = grid.reindex([t for t in DATE_COLUMNS if t in grid.index])
    grid.index = [TABLE_LABELS[t].split(" (")[0] for t in grid.index]
    grid.columns = [f"{BULAN_SINGKAT_REPORT[c.month - 1]} {str(c.year)[2:]}" for c in grid.columns]
    out.append(
        heatmap_chart(
            grid,
            title="Jumlah baris per tabel dan bulan",
            x_label="Bulan",
            y_label="",
            source="folder data, kolom tanggal tiap tabel (tindak lanjut: tenggat)",
            normalize_rows=True,
            notes=[
                "Warna: dibandingkan dengan bulan terbanyak pada tabel yang sama; angka: jumlah baris."
            ],
            width=11,
        )
    )
    per_opd = cov.groupby(["kode_opd", "tabel"], observed=True)["jumlah"].sum().unstack("tabel")
    per_opd = per_opd.reindex(columns=[t for t in DATE_COLUMNS if t in per_opd.columns])
    per_opd = _named(data, per_opd.reset_index()).sort_values("kode_opd")
    cols = [Col("kode_opd", "Kode OPD", "code"), Col("nama_opd", "Perangkat daerah")] + [
        Col(t, TABLE_LABELS[t].split(" (")[0], "int") for t in DATE_COLUMNS if t in per_opd.columns
    ]
    out.append(
        render_table(
            per_opd,
            cols,
            title="Jumlah baris per OPD",
            source="folder data; tabel berbasis NIP dipetakan ke OPD melalui tabel pegawai",
        )
    )
    counted = [t for t in ("layanan", "skm", "laporan_kinerja") if t in set(cov["tabel"])]
    if counted:
        base = cov.loc[cov["tabel"] == counted[0]]
        label_map = dict(
            zip(
                data.opd["kode_opd"],
                data.opd.get("singkatan", data.opd["nama_opd"]).fillna(data.opd["nama_opd"]),
                strict=True,
            )
        )
        pivot = base.pivot_table(index="kode_opd", columns="bulan", values="jumlah", aggfunc="sum")
        pivot.index = [str(label_map.get(k, k)) for k in pivot.index]
        pivot.columns = [
            f"{BULAN_SINGKAT_REPORT[c.month - 1]} {str(c.year)[2:]}" for c in pivot.columns
        ]
        out.append(
            heatmap_chart(
                pivot,
                title=f"Cakupan {TABLE_LABELS[counted[0]].split(' (')[0].lower()} per OPD dan bulan",
                x_label="Bulan",
                y_label="OPD",
                source=f"berkas {counted[0]}",
                notes=["Sel kosong: tidak ada baris untuk OPD pada bulan itu."],
                width=10,
            )
        )
    by_table = cov.groupby("tabel", observed=True)["jumlah"].sum().rename("jumlah").reset_index()
    by_table["label_tabel"] = by_table["tabel"].map(TABLE_LABELS).fillna(by_table["tabel"])
    out.append(
        bar_chart(
            by_table.sort_values("jumlah", ascending=False),
            category="label_tabel",
            value="jumlah",
            title="Jumlah baris per tabel bertanggal",
            value_label="Jumlah baris",
            source="folder data",
            decimals=0,
        )
    )
    return out


BULAN_SINGKAT_REPORT = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)


# ---------------------------------------------------------------------------------------------
# Showing a whole notebook (one call per notebook)
# ---------------------------------------------------------------------------------------------
_DATA_MEMO: dict[tuple[str, str, str], ReportData] = {}


def get_report_data(
    *,
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> ReportData:
    """One :class:`ReportData` per (cache, data folder, parameters) in this kernel.

    ``cache_dir`` wins when it exists; otherwise ``data_dir`` is resolved with
    :func:`resolve_data_dir` (the bundled sample by default, generated on first use).
    """
    cache = str(Path(cache_dir).resolve()) if cache_dir not in (None, "") else ""
    if cache and not Path(cache).is_dir():
        raise FileNotFoundError(f"Folder cache tidak ditemukan: {cache_dir}")
    folder = "" if cache else str(resolve_data_dir(data_dir))
    pdir = str(Path(params_dir).resolve()) if params_dir not in (None, "") else ""
    key = (cache, folder, pdir)
    if key not in _DATA_MEMO:
        if cache:
            _DATA_MEMO[key] = ReportData.from_cache(cache, params_dir=pdir or None)
        else:
            _DATA_MEMO[key] = ReportData.from_folder(folder, params_dir=pdir or None)
    return _DATA_MEMO[key]


def _display(items: Sequence[Any], info: dict[str, Any], *, summary: bool = True) -> int:
    from IPython.display import display

    total = 0
    for item in items:
        display(item)
        total += int(getattr(item, "suppressed", 0) or 0)
    if summary:
        display(summary_bundle({**info, "suppressed_cells": total}), raw=True)
    return total


def _under_voila() -> bool:
    try:
        from kinerja.serve.forms import is_voila
    except ImportError:  # pragma: no cover - forms ships with the package
        return False
    return is_voila()


def _title_block(title: str, subtitle: str) -> Block:
    """The report's own title line (the notebook's markdown cell holds the generic heading)."""
    return Block(
        '<div class="kinerja-judul" style="margin:0.2em 0 0.8em 0">'
        f'<div style="font-size:1.6em;font-weight:600;color:#1f3b57">{html.escape(title)}</div>'
        f'<div style="color:#444;font-size:1.02em">{html.escape(subtitle)}</div></div>',
        text=f"{title}\n{subtitle}",
    )


def _audience_line(audience: Audience) -> str:
    return (
        "audiens forum (angka agregat; kelompok kecil disembunyikan)"
        if audience == "forum"
        else "audiens internal OPD"
    )


def _check_audience(audience: str | None) -> Audience:
    from kinerja.protect import validate_audience

    return validate_audience(audience or "forum")


def show_ikhtisar_data(
    *,
    data_dir: str | Path | None = None,
    periode: str | None = None,
    cache_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> int:
    """Notebook ``ikhtisar_data``: display the data overview; return suppressed cells (0)."""
    data = get_report_data(cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir)
    items = sections_ikhtisar(data, periode=periode)
    return _display(items, {"notebook": "ikhtisar_data", "periode": periode, "audience": "forum"})


# ---------------------------------------------------------------------------------------------
# SKP
# ---------------------------------------------------------------------------------------------
def _skp_period_rows(penilaian: pd.DataFrame, periode: Periode) -> tuple[pd.DataFrame, str]:
    """Assessments of ``periode``; a year without annual rows falls back to its last quarter."""
    label = str(periode)
    rows = penilaian.loc[penilaian["periode"].astype("str") == label]
    if len(rows) or periode.kind != "tahun":
        return rows, label
    for q in (4, 3, 2, 1):
        cand = f"{periode.year}-TW{q}"
        rows = penilaian.loc[penilaian["periode"].astype("str") == cand]
        if len(rows):
            return rows, cand
    return rows, label


@_metric("skp")
def _m_skp(data: ReportData, periode: Periode | None) -> tuple[pd.DataFrame, str]:
    from kinerja.metrics.skp import skp_distribution

    rows, used = _skp_period_rows(data.table("penilaian_skp"), periode)
    dist = skp_distribution(rows, data.table("pegawai"), by=("kode_opd", "periode"))
    return dist, used


def _skp_share_good(dist: pd.DataFrame) -> pd.DataFrame:
    """Per OPD: assessed employees and % Sangat Baik + Baik (the forum's headline)."""
    d = dist.assign(_baik=dist["predikat"].astype("str").isin(["Sangat Baik", "Baik"]))
    g = d.groupby("kode_opd", observed=True)
    out = pd.DataFrame(
        {
            "n_dinilai": g["jumlah"].sum(),
            "n_baik": d.loc[d["_baik"]].groupby("kode_opd", observed=True)["jumlah"].sum(),
        }
    ).fillna(0)
    out["persen_baik"] = out["n_baik"] / out["n_dinilai"].where(out["n_dinilai"] > 0) * 100
    return out.reset_index()


def section_skp(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Predikat distribution of one OPD (PermenPANRB 6/2022 §2.3) with the §2.6 curve warnings."""
    from kinerja.protect import suppress_distribution
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    out: list[Any] = []
    if heading_level:
        out.append(heading("Predikat Kinerja Pegawai (SKP)", heading_level))
    if not data.has("penilaian_skp"):
        return [*out, _missing_table("penilaian_skp")]
    dist, used = data.metric("skp", per)
    d = _opd_rows(dist, kode_opd)
    if d.empty or int(d["jumlah"].sum()) == 0:
        return [*out, note(f"Tidak ada penilaian SKP untuk OPD ini pada periode {used}.")]
    used_label = Periode.parse(used).label
    src = SOURCE_LABELS["penilaian_skp"] + f", periode penilaian {used_label}; PermenPANRB 6/2022"
    k = data.k_pegawai
    total = int(d["jumlah"].sum())
    shown = d.copy()
    if audience == "forum":
        shown = suppress_distribution(shown, group_cols=("kode_opd",), k=k, value_cols=("persen",))
    shown["predikat"] = shown["predikat"].astype("str")
    notes = []
    if used != str(per):
        notes.append(
            f"Tidak ada penilaian tahunan {per.year}; dipakai penilaian periodik terakhir ({used_label})."
        )
    notes.append("Predikat menurut matriks rating hasil kerja × rating perilaku (§2.3).")
    out.append(
        render_table(
            shown,
            [
                Col("predikat", "Predikat"),
                Col("jumlah", "Jumlah pegawai", "int"),
                Col("persen", "Persentase", "percent", 1),
            ],
            title=f"Distribusi predikat kinerja pegawai ({fmt_int(total)} pegawai dinilai)",
            source=src,
            notes=notes,
            suppression_note=_suppression_note(k, "pegawai"),
            audience=audience,
        )
    )
    if audience == "internal" or total >= k and not (shown["jumlah"] == SUPPRESSED_MARK).any():
        out.append(
            bar_chart(
                d.assign(predikat=d["predikat"].astype("str")),
                category="predikat",
                value="persen",
                title=f"Distribusi predikat SKP, {used_label}",
                value_label="Persentase pegawai",
                source=src,
                percent=True,
                decimals=1,
                orient="v",
                value_max=100,
            )
        )
    else:
        out.append(
            note("Grafik distribusi tidak ditampilkan karena ada kelompok yang disembunyikan.")
        )
    # curve warnings when the OPD's own predikat is set in parameters/opd/<kode>.yaml
    org = _org_predikat(data, kode_opd)
    if org:
        from kinerja.metrics.skp import curve_warnings

        warn = curve_warnings(d, {kode_opd: org})
        if warn.empty:
            out.append(
                paragraph(
                    f"Predikat organisasi: {org}. Distribusi predikat pegawai sesuai pola §2.6."
                )
            )
        else:
            for msg in warn["pesan"].astype("str"):
                out.append(warning_box(f"Predikat organisasi {org}: {msg}"))
            out.append(note(str(warn["catatan"].iloc[0])))
    else:
        out.append(
            note(
                "Predikat kinerja organisasi belum diisi (kunci org_predikat di "
                f"parameters/opd/{kode_opd}.yaml), sehingga pola distribusi §2.6 tidak diperiksa."
            )
        )
    return out


def _org_predikat(data: ReportData, kode_opd: str) -> str | None:
    from kinerja.domain.params import ParameterError, resolve_params

    try:
        values = resolve_params(kode_opd, params_dir=data.params_dir)
    except (ParameterError, OSError):
        return None
    return values.get("org_predikat")


# ---------------------------------------------------------------------------------------------
# Pelatihan (20 JP) and training impact
# ---------------------------------------------------------------------------------------------
JP_BANDS = ("0 JP", "0,1–9,9 JP", "10–19,9 JP", "20 JP atau lebih")


@_metric("jp")
def _m_jp(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.training import jp_per_pegawai

    target = float(data.params.get("target_jp", 20))
    return jp_per_pegawai(
        data.table("pelatihan"), data.table("pegawai"), year=periode.year, target_jp=target
    )


@_metric("jp_compliance")
def _m_jp_compliance(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.training import training_compliance

    return training_compliance(data.metric("jp", periode), by=("kode_opd",))


@_metric("training_mix")
def _m_training_mix(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.training import training_mix

    return training_mix(data.table("pelatihan"), data.table("pegawai"), year=periode.year)


def _jp_bands(jp: pd.DataFrame, target: float) -> pd.DataFrame:
    """Employees per JP band (long; zeros included) for one OPD."""
    v = pd.to_numeric(jp["jp"], errors="coerce").fillna(0.0)
    lower = min(10.0, target)
    band = pd.Series(
        pd.Categorical.from_codes(
            (v > 0).astype(int) + (v >= lower).astype(int) + (v >= target).astype(int),
            categories=list(JP_BANDS),
        ),
        index=jp.index,
    )
    counts = band.value_counts().reindex(list(JP_BANDS), fill_value=0)
    out = pd.DataFrame({"kode_opd": "x", "kelompok": list(JP_BANDS), "jumlah": counts.to_numpy()})
    out["persen"] = out["jumlah"] / max(int(out["jumlah"].sum()), 1) * 100
    return out


def section_pelatihan(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """20 JP compliance of one OPD (PP 11/2017 jo. PP 17/2020), training mix, and the impact
    estimate of a training wave where there was one (an association, never proof)."""
    from kinerja.protect import suppress_distribution, suppress_small
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    out: list[Any] = []
    if heading_level:
        out.append(heading("Pengembangan Kompetensi (20 JP)", heading_level))
    if not data.has("pelatihan"):
        return [*out, _missing_table("pelatihan")]
    target = float(data.params.get("target_jp", 20))
    k = data.k_pegawai
    src = SOURCE_LABELS["pelatihan"] + f", tahun {per.year}; PP 11/2017 jo. PP 17/2020"
    comp = _opd_rows(data.metric("jp_compliance", per), kode_opd)
    if comp.empty or int(comp["n_pegawai"].iloc[0]) == 0:
        return [*out, note("Tidak ada pegawai OPD ini dalam tabel pegawai.")]
    row = comp.iloc[0]
    mask = None
    if audience == "forum" and int(row["n_pegawai"]) < k:
        mask = pd.DataFrame(
            {c: [True] for c in ("n_memenuhi", "persen_memenuhi_20jp", "median_jp")},
            index=comp.index,
        )
    out.append(
        render_table(
            comp,
            [
                Col("n_pegawai", "Jumlah pegawai", "int"),
                Col("n_memenuhi", f"Pegawai ≥ {fmt_number(target, 0)} JP", "int"),
                Col("persen_memenuhi_20jp", f"% memenuhi {fmt_number(target, 0)} JP", "percent", 1),
                Col("median_jp", "Median JP per pegawai", "number", 1),
            ],
            title=f"Capaian {fmt_number(target, 0)} JP per pegawai, tahun {per.year}",
            source=src,
            suppressed=mask,
            suppression_note=_suppression_note(k, "pegawai"),
            notes=[
                "Pelatihan dihitung pada tahun tanggal mulainya; 1 JP = 45 menit (dugaan); "
                "target diterapkan pada PNS dan PPPK (belum terkonfirmasi untuk PPPK)."
            ],
            audience=audience,
        )
    )
    jp = _opd_rows(data.metric("jp", per), kode_opd)
    bands = _jp_bands(jp, target).assign(kode_opd=kode_opd)
    shown = (
        suppress_distribution(bands, group_cols=("kode_opd",), category_col="kelompok", k=k)
        if audience == "forum"
        else bands
    )
    out.append(
        render_table(
            shown,
            [
                Col("kelompok", "JP dalam setahun"),
                Col("jumlah", "Jumlah pegawai", "int"),
                Col("persen", "Persentase", "percent", 1),
            ],
            title="Sebaran JP pegawai",
            source=src,
            suppression_note=_suppression_note(k, "pegawai"),
            audience=audience,
        )
    )
    if not (shown["jumlah"].astype("str") == SUPPRESSED_MARK).any():
        out.append(
            bar_chart(
                bands,
                category="kelompok",
                value="persen",
                title=f"Sebaran JP pegawai, tahun {per.year}",
                value_label="Persentase pegawai",
                source=src,
                percent=True,
                decimals=1,
                orient="v",
                value_max=100,
            )
        )
    mix = _opd_rows(data.metric("training_mix", per), kode_opd)
    if not mix.empty:
        mix = (
            mix.groupby(["bentuk", "jenis"], observed=True, dropna=False)[
                ["n_pelatihan", "n_pegawai", "jp"]
            ]
            .sum()
            .reset_index()
            .sort_values("jp", ascending=False)
        )
        mix["bentuk"] = (
            mix["bentuk"].astype("str").replace({"nonklasikal": "nonklasikal", "nan": "–"})
        )
        if audience == "forum":
            mix = suppress_small(mix, count_col="n_pegawai", k=k, value_cols=["n_pelatihan", "jp"])
        out.append(
            render_table(
                mix,
                [
                    Col("jenis", "Jenis pelatihan"),
                    Col("bentuk", "Bentuk"),
                    Col("n_pegawai", "Pegawai", "int"),
                    Col("n_pelatihan", "Keikutsertaan", "int"),
                    Col("jp", "Total JP", "number", 1),
                ],
                title="Ragam pelatihan",
                source=src,
                suppression_note=_suppression_note(k, "pegawai"),
                notes=[
                    "Bentuk klasikal/nonklasikal diturunkan dari jenis bila kolom bentuk kosong (belum terkonfirmasi)."
                ],
                audience=audience,
            )
        )
    out.extend(_impact_blocks(data, kode_opd=kode_opd, periode=per))
    return out


def _impact_blocks(data: ReportData, *, kode_opd: str, periode: Periode) -> list[Any]:
    """Training-wave impact for this OPD (kinerja.metrics.impact), only where there was a wave."""
    res = _impact_result(data, kode_opd, periode)
    if res is None:
        return []
    from kinerja.report.charts import bar_chart

    wave, table = res
    out: list[Any] = [
        heading("Pelatihan dan Waktu Layanan (Dampak Gelombang Pelatihan)", 3),
        paragraph(
            f"Gelombang pelatihan: {fmt_percent(wave['porsi_dilatih'] * 100, 0)} pegawai "
            f"({fmt_int(wave['n_dilatih'])} dari {fmt_int(wave['n_pegawai'])}) mengikuti "
            f"pelatihan antara {fmt_date(wave['wave_start'])} dan {fmt_date(wave['wave_end'])}"
            + (f", terutama {wave['pelatihan_utama']}" if pd.notna(wave["pelatihan_utama"]) else "")
            + ". Waktu layanan sebelum dan sesudahnya dibandingkan dengan perubahan pada OPD "
            "lain pada waktu yang sama (selisih-dari-selisih)."
        ),
    ]
    src = (
        SOURCE_LABELS["layanan"]
        + "; "
        + SOURCE_LABELS["pelatihan"]
        + f"; permohonan {IMPACT_WINDOW_DAYS} hari sebelum dan sesudah gelombang"
    )
    out.append(
        render_table(
            table,
            [
                Col("label", "Ukuran"),
                Col("rata_perlakuan_sebelum", "OPD ini sebelum", "number", 1),
                Col("rata_perlakuan_sesudah", "OPD ini sesudah", "number", 1),
                Col("rata_kontrol_sebelum", "OPD lain sebelum", "number", 1),
                Col("rata_kontrol_sesudah", "OPD lain sesudah", "number", 1),
                Col("estimate", "Perkiraan selisih-dari-selisih", "delta", 1),
                Col("ci_low", "Selang 95% bawah", "delta", 1),
                Col("ci_high", "Selang 95% atas", "delta", 1),
            ],
            title="Perkiraan perubahan waktu layanan yang menyertai pelatihan",
            source=src,
            notes=[
                "Angka negatif: OPD ini menjadi lebih cepat dibanding OPD lain. Rata-rata per "
                f"permohonan; selang dari bootstrap ({fmt_int(table['n_boot'].iloc[0])} ulangan)."
            ],
        )
    )
    first = table.iloc[-1]
    long = pd.DataFrame(
        {
            "kelompok": ["OPD ini", "OPD ini", "OPD lain", "OPD lain"],
            "waktu": ["Sebelum", "Sesudah", "Sebelum", "Sesudah"],
            "nilai": [
                first["rata_perlakuan_sebelum"],
                first["rata_perlakuan_sesudah"],
                first["rata_kontrol_sebelum"],
                first["rata_kontrol_sesudah"],
            ],
        }
    )
    out.append(
        bar_chart(
            long,
            category="kelompok",
            value="nilai",
            hue="waktu",
            hue_label="",
            title=f"{first['label']}: sebelum dan sesudah pelatihan",
            value_label=str(first["label"]),
            source=src,
            decimals=1,
            orient="v",
            width=6.5,
        )
    )
    out.append(warning_box("Bukan bukti sebab-akibat. " + str(table["asumsi"].iloc[0])))
    return out


IMPACT_WINDOW_DAYS = 90


def _impact_result(
    data: ReportData, kode_opd: str, periode: Periode
) -> tuple[pd.Series, pd.DataFrame] | None:
    """(wave, impact table) when this OPD had a training wave in the period's year."""
    if not data.has("pelatihan") or not data.has("layanan"):
        return None
    waves = data.metric("waves", None)
    w = _opd_rows(waves, kode_opd)
    w = w.loc[pd.to_datetime(w["wave_start"]).dt.year == periode.year]
    if w.empty or int(w["n_pegawai"].iloc[0]) < data.k_pegawai:
        return None
    key = ("impact", kode_opd)
    if key not in data._memo:
        data._memo[key] = _compute_impact(data, kode_opd, w.iloc[0])
    table = data._memo[key]
    return None if table is None else (w.iloc[0], table)


def _compute_impact(data: ReportData, kode_opd: str, wave: pd.Series) -> pd.DataFrame | None:
    """DiD of the lead time (and, where the comparison OPDs have it, of the bottleneck stage)."""
    from kinerja.metrics.impact import training_impact

    allt = data.metric("service", None)
    hb = _svc_rows(allt["hambatan"], kode_opd)
    tahap = None
    if len(hb):
        tahap = str(
            hb.groupby("tahap_hambatan")["n_permohonan_dasar"].sum().sort_values().index[-1]
        )
    common = {
        "treated_opd": kode_opd,
        "wave_start": wave["wave_start"],
        "wave_end": wave["wave_end"],
        "window_days": IMPACT_WINDOW_DAYS,
    }
    try:
        table = training_impact(allt["permohonan"], **common)
    except ValueError:  # a cell without requests: no comparison possible
        return None
    labels = {"hari_kerja": "Waktu layanan (hari kerja)"}
    if tahap:
        # the stage outcome needs the stage in the comparison OPDs too; without it, no row
        try:
            stage = training_impact(
                allt["permohonan"], stages=allt["peristiwa"], tahap=tahap, outcomes=(), **common
            )
            table = pd.concat([table, stage], ignore_index=True)
            labels[f"jam_{tahap}"] = f"Jam di tahap {tahap}"
        except ValueError:
            pass
    return table.assign(label=table["ukuran"].map(labels).fillna(table["ukuran"]))


@_metric("waves")
def _m_waves(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.impact import detect_training_waves

    return detect_training_waves(data.table("pelatihan"), data.table("pegawai"))


# ---------------------------------------------------------------------------------------------
# Tindak lanjut
# ---------------------------------------------------------------------------------------------
@_metric("followup")
def _m_followup(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.followup import followup_status

    return followup_status(data.table("tindak_lanjut"), today=data.today)


def _status_long(row: pd.Series) -> pd.DataFrame:
    labels = [
        ("n_direncanakan", "Direncanakan"),
        ("n_berjalan", "Berjalan"),
        ("n_selesai", "Selesai"),
        ("n_terlambat", "Belum selesai dan lewat tenggat"),
        ("n_selesai_terlambat", "Selesai sesudah tenggat"),
    ]
    total = max(int(row["n_total"]), 1)
    return pd.DataFrame(
        {
            "status": [lab for _, lab in labels],
            "jumlah": [int(row[c]) for c, _ in labels],
            "persen": [int(row[c]) / total * 100 for c, _ in labels],
        }
    )


def section_tindak_lanjut(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode | None = None,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Status of the follow-up register of one OPD at the report date.

    Forum: counts only (the register's ``temuan``/``rekomendasi`` are free text that may name a
    person). Internal: also the overdue items of this OPD.
    """
    out: list[Any] = []
    if heading_level:
        out.append(heading("Tindak Lanjut Forum Evaluasi", heading_level))
    if not data.has("tindak_lanjut"):
        return [*out, _missing_table("tindak_lanjut")]
    src = SOURCE_LABELS["tindak_lanjut"] + f", keadaan per {fmt_date(data.today)}"
    st = _opd_rows(data.metric("followup", None), kode_opd)
    if st.empty:
        return [*out, note("Belum ada tindak lanjut forum evaluasi yang tercatat untuk OPD ini.")]
    row = st.iloc[0]
    out.append(
        render_table(
            _status_long(row),
            [
                Col("status", "Status"),
                Col("jumlah", "Jumlah butir", "int"),
                Col("persen", "Persentase", "percent", 1),
            ],
            title=f"Status {fmt_int(row['n_total'])} butir tindak lanjut",
            source=src,
            notes=[
                "Lewat tenggat = belum selesai dan tenggat sebelum tanggal laporan (hari "
                "kalender). 'Selesai sesudah tenggat' termasuk dalam 'Selesai'."
            ],
            audience=audience,
        )
    )
    if audience == "internal":
        from kinerja.metrics.followup import overdue_items

        tl = _opd_rows(data.table("tindak_lanjut"), kode_opd)
        od = overdue_items(tl, today=data.today, audience="internal")
        if len(od):
            out.append(
                render_table(
                    od,
                    [
                        Col("id_tindak_lanjut", "ID", "code"),
                        Col("temuan", "Temuan"),
                        Col("rekomendasi", "Rekomendasi"),
                        Col("tenggat", "Tenggat", "date"),
                        Col("status", "Status"),
                        Col("hari_terlambat", "Terlambat (hari)", "int"),
                    ],
                    title="Butir yang lewat tenggat (internal)",
                    source=src,
                    audience="internal",
                    max_rows=30,
                )
            )
    return out


def sections_register(
    data: ReportData,
    *,
    kode_opd: str,
    audience: Audience = "internal",
    periode: str | Periode | None = None,
) -> list[Any]:
    """The follow-up register of one OPD: internal audience only.

    Under ``forum`` it refuses to list anything and shows the aggregate status only.
    """
    kode = data.check_opd(kode_opd)
    nama = data.opd_name(kode)
    out: list[Any] = [
        _title_block(
            nama,
            f"Kode OPD {kode} · keadaan per {fmt_date(data.today)} · {_audience_line(audience)}",
        )
    ]
    if audience != "internal":
        out.append(
            warning_box(
                "Register rinci hanya untuk audiens internal OPD (memuat temuan tentang pegawai). "
                'Untuk forum hanya ditampilkan rekap status; jalankan dengan audience="internal" '
                "untuk melihat rinciannya."
            )
        )
        out.extend(section_tindak_lanjut(data, kode_opd=kode, audience="forum", heading_level=2))
        return out
    out.insert(0, internal_banner_block(kode, nama))
    if not data.has("tindak_lanjut"):
        return [*out, _missing_table("tindak_lanjut")]
    tl = _opd_rows(data.table("tindak_lanjut"), kode).copy()
    today = data.today
    tenggat = pd.to_datetime(tl["tenggat"]).dt.normalize()
    late = (tl["status"].astype("str") != "selesai") & (tenggat < today)
    tl["hari_terlambat"] = ((today - tenggat).dt.days).where(late).astype("Int64")
    peg = data.table("pegawai")
    if "nip" in tl.columns and peg is not None:
        tl = tl.merge(peg[["nip", "nama"]], on="nip", how="left")
    order = {"direncanakan": 1, "berjalan": 0, "selesai": 2}
    tl = tl.sort_values(
        ["status", "tenggat"], key=lambda s: s.map(order) if s.name == "status" else s
    )
    out.extend(section_tindak_lanjut(data, kode_opd=kode, audience="internal", heading_level=2)[:2])
    out.append(heading("Daftar tindak lanjut", 2))
    cols = [Col("id_tindak_lanjut", "ID", "code")]
    if "nip" in tl.columns:
        cols += [Col("nip", "NIP", "code"), Col("nama", "Nama")]
    cols += [
        Col("temuan", "Temuan"),
        Col("rekomendasi", "Rekomendasi"),
        Col("tenggat", "Tenggat", "date"),
        Col("status", "Status"),
        Col("tanggal_selesai", "Tanggal selesai", "date"),
        Col("hari_terlambat", "Terlambat (hari)", "int"),
    ]
    out.append(
        render_table(
            tl,
            cols,
            title=f"Register tindak lanjut {nama}",
            source=SOURCE_LABELS["tindak_lanjut"] + ", pegawai",
            audience="internal",
        )
    )
    if data.has("penilaian_skp"):
        from kinerja.metrics.followup import mentoring_candidates

        per = data.periode(periode)
        rows, used = _skp_period_rows(data.table("penilaian_skp"), per)
        peg_opd = _opd_rows(peg, kode)
        cand = mentoring_candidates(rows.loc[rows["nip"].isin(peg_opd["nip"])], peg_opd)
        out.append(heading("Usulan pembinaan berdasarkan predikat SKP", 2))
        out.append(
            render_table(
                cand,
                [
                    Col("nip", "NIP", "code"),
                    Col("nama", "Nama"),
                    Col("jabatan", "Jabatan"),
                    Col("predikat", "Predikat"),
                    Col("program_usulan", "Usulan program"),
                ],
                title=f"Pegawai dengan predikat di bawah Baik, {Periode.parse(used).label}",
                source=SOURCE_LABELS["penilaian_skp"],
                notes=[
                    "Usulan program adalah saran lokal, bukan ketentuan PermenPANRB 6/2022 "
                    "(asumsi tindaklanjut-program)."
                ],
                audience="internal",
            )
        )
    return out


def show_register_tindak_lanjut(
    *,
    kode_opd: str | None = None,
    audience: str = "internal",
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
    periode: str | None = None,
) -> int:
    """Notebook ``register_tindak_lanjut``: internal register of one OPD (refuses for forum)."""
    aud = _check_audience(audience)
    data = get_report_data(cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir)
    kode = data.check_opd(kode_opd)
    items = sections_register(data, kode_opd=kode, audience=aud, periode=periode)
    return _display(
        items,
        {"notebook": "register_tindak_lanjut", "kode_opd": kode, "audience": aud},
    )


# ---------------------------------------------------------------------------------------------
# Temuan utama: template sentences filled from the numbers
# ---------------------------------------------------------------------------------------------
_FACTS: list[Callable[[ReportData, str, Periode, Audience], list[str]]] = []
#: reading order of the "Temuan utama" sentences
_FACT_ORDER = (
    "_fact_ikm",
    "_fact_service",
    "_fact_complaints",
    "_fact_skp",
    "_fact_activity",
    "_fact_jp",
    "_fact_impact",
    "_fact_followup",
)


def _fact(func: Callable[[ReportData, str, Periode, Audience], list[str]]) -> Any:
    _FACTS.append(func)
    return func


def _safe_facts(func: Callable[..., list[str]], *args: Any) -> list[str]:
    try:
        return func(*args)
    except (KeyError, ValueError, TypeError):  # a stream whose data cannot be summarised
        return []


@_fact
def _fact_ikm(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    row = _ikm_row(data, kode, per)
    if row is None or int(row["n_responden"]) == 0 or pd.isna(row["ikm"]):
        return []
    n = int(row["n_responden"])
    if n < data.k_responden:
        return [
            f"IKM {per.label} tidak dilaporkan: hanya {fmt_int(n)} responden "
            f"(kurang dari {data.k_responden})."
        ]
    text = (
        f"IKM {per.label} sebesar {fmt_number(row['ikm'], 2)} (mutu {row['mutu']}, "
        f"{row['kinerja_unit']}) dari {fmt_int(n)} responden"
    )
    prev = _ikm_row(data, kode, per.previous())
    if prev is not None and int(prev["n_responden"]) >= data.k_responden and pd.notna(prev["ikm"]):
        delta = float(row["ikm"]) - float(prev["ikm"])
        arah = "naik" if delta > 0 else "turun" if delta < 0 else "tetap"
        text += (
            f"; {arah} {fmt_number(abs(delta), 2)} poin dibanding {per.previous().label}"
            if arah != "tetap"
            else f"; sama dengan {per.previous().label}"
        )
    el = _opd_rows(data.metric("ikm_elements", per), kode)
    el = el.loc[el["nrr"].notna()]
    facts = [text + "."]
    if len(el):
        w = el.sort_values("nrr").iloc[0]
        facts.append(
            f"Unsur pelayanan dengan nilai terendah: {w['label']} (NRR {fmt_number(w['nrr'], 2)}, "
            f"mutu {w['mutu']})."
        )
    return facts


@_fact
def _fact_skp(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("penilaian_skp"):
        return []
    dist, used = data.metric("skp", per)
    d = _opd_rows(dist, kode)
    n = int(d["jumlah"].sum()) if len(d) else 0
    if n == 0:
        return []
    if n < data.k_pegawai and audience == "forum":
        return [
            f"Distribusi predikat SKP tidak dilaporkan: kurang dari {data.k_pegawai} pegawai dinilai."
        ]
    good = d.loc[d["predikat"].astype("str").isin(["Sangat Baik", "Baik"]), "jumlah"].sum()
    low = d.loc[
        d["predikat"].astype("str").isin(["Kurang/Misconduct", "Sangat Kurang"]), "jumlah"
    ].sum()
    text = (
        f"{fmt_percent(good / n * 100, 1)} dari {fmt_int(n)} pegawai yang dinilai "
        f"({Periode.parse(used).label}) berpredikat Baik atau Sangat Baik"
    )
    if low >= data.k_pegawai or audience == "internal":
        text += (
            f"; {fmt_percent(low / n * 100, 1)} berpredikat Kurang/Misconduct atau Sangat Kurang"
        )
    return [text + "."]


@_fact
def _fact_jp(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("pelatihan"):
        return []
    comp = _opd_rows(data.metric("jp_compliance", per), kode)
    if comp.empty:
        return []
    r = comp.iloc[0]
    if int(r["n_pegawai"]) < data.k_pegawai and audience == "forum":
        return []
    target = fmt_number(float(data.params.get("target_jp", 20)), 0)
    return [
        f"{fmt_percent(r['persen_memenuhi_20jp'], 1)} pegawai telah memenuhi {target} JP "
        f"pengembangan kompetensi pada tahun {per.year} (median {fmt_number(r['median_jp'], 1)} JP)."
    ]


@_fact
def _fact_followup(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("tindak_lanjut"):
        return []
    st = _opd_rows(data.metric("followup", None), kode)
    if st.empty:
        return []
    r = st.iloc[0]
    if int(r["n_terlambat"]) == 0:
        return [
            f"Semua {fmt_int(r['n_total'])} butir tindak lanjut forum sudah selesai atau belum lewat tenggat."
        ]
    return [
        f"{fmt_int(r['n_terlambat'])} dari {fmt_int(r['n_total'])} butir tindak lanjut forum "
        f"evaluasi belum selesai dan sudah lewat tenggat (per {fmt_date(data.today)})."
    ]


def temuan_utama(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """ "Temuan utama": short Indonesian sentences filled from the computed numbers.

    Each stream contributes its sentences (IKM and its change, weakest element, SKP, service
    time and bottleneck, complaints, JP, training impact, follow-up); streams without data are
    skipped, and numbers over groups smaller than k are not quoted at forum level.
    """
    per = Periode.parse(periode)
    facts: list[str] = []
    for func in sorted(
        _FACTS,
        key=lambda f: (
            _FACT_ORDER.index(f.__name__) if f.__name__ in _FACT_ORDER else len(_FACT_ORDER)
        ),
    ):
        facts.extend(_safe_facts(func, data, kode_opd, per, audience))
    out: list[Any] = []
    if heading_level:
        out.append(heading("Temuan Utama", heading_level))
    if not facts:
        return [*out, note("Belum ada data yang cukup untuk menyusun temuan utama.")]
    out.append(bullets(facts))
    return out


# ---------------------------------------------------------------------------------------------
# The per-OPD report
# ---------------------------------------------------------------------------------------------
def _opd_sections() -> list[tuple[str, str, Callable[..., list[Any]]]]:
    return [
        ("ikm", "Indeks Kepuasan Masyarakat (IKM)", section_ikm),
        ("skp", "Predikat Kinerja Pegawai (SKP)", section_skp),
        ("kinerja_harian", "Laporan Kinerja Harian (e-Kinerja)", section_kinerja_harian),
        ("layanan", "Waktu Layanan dan Tahap Hambatan", section_layanan),
        ("pengaduan", "Pengaduan Masyarakat", section_pengaduan),
        ("pelatihan", "Pengembangan Kompetensi (20 JP)", section_pelatihan),
        ("tindak_lanjut", "Tindak Lanjut Forum Evaluasi", section_tindak_lanjut),
    ]


def _assumption_notes(ids: Sequence[str]) -> Block:
    from kinerja.domain.assumptions import get_assumption

    items = []
    for i in ids:
        a = get_assumption(i)
        items.append(f"{a.text} [{a.id}; {a.confidence}; {a.reference}]")
    return bullets(items, title="Asumsi yang dipakai (rincian di register asumsi)")


REPORT_ASSUMPTIONS = (
    "ikm-bobot",
    "ikm-pembulatan",
    "ikm-krejcie-morgan",
    "skp-predikat-sumber",
    "skp-pola-distribusi",
    "jp-menit",
    "jp-tahun-mulai",
    "pengaduan-lapor",
    "kalender-libur",
    "dampak-did",
    "tindaklanjut-terlambat",
)


def sections_opd(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode | None = None,
    audience: Audience = "forum",
) -> list[Any]:
    """The whole per-OPD report, in reading order: title, banner, Temuan Utama, sections."""
    kode = data.check_opd(kode_opd)
    per = data.periode(periode)
    nama = data.opd_name(kode)
    out: list[Any] = []
    if audience == "internal":
        out.append(internal_banner_block(kode, nama))
    out.append(
        _title_block(
            nama,
            f"Kode OPD {kode} · Periode {per.label} · {_audience_line(audience)} · "
            f"disusun {fmt_date(data.today)}",
        )
    )
    out.extend(temuan_utama(data, kode_opd=kode, periode=per, audience=audience))
    for _key, _title, builder in _opd_sections():
        out.extend(builder(data, kode_opd=kode, periode=per, audience=audience))
    out.append(heading("Catatan Metodologi", 2))
    out.append(_assumption_notes(REPORT_ASSUMPTIONS))
    if audience == "forum":
        out.append(
            note(
                f"Audiens forum: hanya angka agregat; kelompok kurang dari {data.k_pegawai} "
                f"pegawai atau {data.k_responden} responden disembunyikan ({SUPPRESSED_MARK}). "
                "Teks bebas warga dan pegawai tidak ditampilkan."
            )
        )
    return out


def show_laporan_opd(
    *,
    kode_opd: str | None = None,
    periode: str | None = None,
    audience: str = "forum",
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> Any:
    """Notebook ``laporan_opd``: the per-OPD report (a form under Voila, static otherwise).

    Returns the number of suppressed cells (static) or the form (Voila).
    """
    aud = _check_audience(audience)
    if _under_voila():
        from kinerja.serve import forms

        return forms.laporan_opd(
            kode_opd=kode_opd,
            periode=periode,
            audience=aud,
            cache_dir=cache_dir,
            data_dir=data_dir,
        )
    return _static_laporan_opd(
        kode_opd=kode_opd,
        periode=periode,
        audience=aud,
        cache_dir=cache_dir,
        data_dir=data_dir,
        params_dir=params_dir,
    )


def _static_laporan_opd(
    *,
    kode_opd: str | None = None,
    periode: str | None = None,
    audience: str = "forum",
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> int:
    aud = _check_audience(audience)
    data = get_report_data(cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir)
    kode = data.check_opd(kode_opd)
    per = data.periode(periode)
    items = sections_opd(data, kode_opd=kode, periode=per, audience=aud)
    return _display(
        items,
        {"notebook": "laporan_opd", "kode_opd": kode, "periode": str(per), "audience": aud},
    )


# ---------------------------------------------------------------------------------------------
# City overview
# ---------------------------------------------------------------------------------------------
#: extra per-OPD columns of the city table: name -> builder(data, periode) -> DataFrame
#: with ``kode_opd`` and the columns listed in _KOTA_COLUMNS (service and complaints add theirs)
_KOTA_PARTS: dict[str, Callable[[ReportData, Periode], pd.DataFrame]] = {}
_KOTA_COLUMNS: list[Col] = []


def _kota_part(name: str, cols: Sequence[Col]) -> Callable[..., Any]:
    def register(func: Callable[[ReportData, Periode], pd.DataFrame]) -> Any:
        _KOTA_PARTS[name] = func
        _KOTA_COLUMNS.extend(cols)
        return func

    return register


@_kota_part(
    "ikm",
    [
        Col("n_responden", "Responden SKM", "int"),
        Col("ikm", "IKM", "number", 2),
        Col("mutu", "Mutu"),
    ],
)
def _kota_ikm(data: ReportData, per: Periode) -> pd.DataFrame:
    if not data.has("skm"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    ikm = data.metric("ikm", per)[["kode_opd", "n_responden", "ikm", "mutu"]].copy()
    small = ikm["n_responden"] < data.k_responden
    ikm["ikm"] = ikm["ikm"].where(~small)
    ikm["_sup_ikm"] = small.to_numpy()
    return ikm


@_kota_part("skp", [Col("persen_baik", "% SKP Baik/Sangat Baik", "percent", 1)])
def _kota_skp(data: ReportData, per: Periode) -> pd.DataFrame:
    if not data.has("penilaian_skp"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    dist, _used = data.metric("skp", per)
    g = _skp_share_good(dist)
    small = g["n_dinilai"] < data.k_pegawai
    g["persen_baik"] = g["persen_baik"].where(~small)
    g["_sup_persen_baik"] = small.to_numpy()
    return g[["kode_opd", "persen_baik", "_sup_persen_baik"]]


@_kota_part("jp", [Col("persen_memenuhi_20jp", "% pegawai ≥ 20 JP", "percent", 1)])
def _kota_jp(data: ReportData, per: Periode) -> pd.DataFrame:
    if not data.has("pelatihan"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    c = data.metric("jp_compliance", per)[["kode_opd", "n_pegawai", "persen_memenuhi_20jp"]].copy()
    small = c["n_pegawai"] < data.k_pegawai
    c["persen_memenuhi_20jp"] = c["persen_memenuhi_20jp"].where(~small)
    c["_sup_persen_memenuhi_20jp"] = small.to_numpy()
    return c[["kode_opd", "persen_memenuhi_20jp", "_sup_persen_memenuhi_20jp"]]


@_kota_part("tindak_lanjut", [Col("n_terlambat", "Tindak lanjut lewat tenggat", "int")])
def _kota_tl(data: ReportData, per: Periode) -> pd.DataFrame:
    if not data.has("tindak_lanjut"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    return data.metric("followup", None)[["kode_opd", "n_terlambat"]]


@_metric("kota")
def _m_kota(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    """One row per OPD with every stream's headline (suppressed values are NA + a flag)."""
    out = data.opd[["kode_opd", "nama_opd"]].copy()
    out["kode_opd"] = out["kode_opd"].astype("str")
    for func in _KOTA_PARTS.values():
        part = func(data, periode)
        if len(part.columns) > 1:
            part = part.assign(kode_opd=part["kode_opd"].astype("str"))
            out = out.merge(part, on="kode_opd", how="left")
    if "ikm" in out.columns:
        out["peringkat_ikm"] = out["ikm"].rank(method="min", ascending=False).astype("Int64")
    return out


def _kota_mask(df: pd.DataFrame, columns: Sequence[Col]) -> pd.DataFrame:
    mask = pd.DataFrame(index=df.index)
    for c in columns:
        flag = f"_sup_{c.name}"
        if flag in df.columns:
            mask[c.name] = df[flag].fillna(False).astype(bool).to_numpy()
    if "_sup_ikm" in df.columns:
        mask["mutu"] = df["_sup_ikm"].fillna(False).astype(bool).to_numpy()
    return mask


def _movement(data: ReportData, per: Periode) -> tuple[pd.DataFrame, Periode, Periode] | None:
    """IKM now vs the previous period (a year without data before it: last two quarters)."""
    cur, prev = per, per.previous()
    if not data.has("skm"):
        return None

    def shown(p: Periode) -> pd.DataFrame:
        t = data.metric("ikm", p)
        return t.loc[t["n_responden"] >= data.k_responden, ["kode_opd", "ikm"]].dropna()

    before = shown(prev)
    if before.empty and per.kind == "tahun":
        cur, prev = Periode(per.year, "triwulan", 4), Periode(per.year, "triwulan", 3)
        before = shown(prev)
    now = shown(cur)
    if before.empty or now.empty:
        return None
    m = now.merge(before, on="kode_opd", suffixes=("", "_sebelum"))
    m["peringkat"] = m["ikm"].rank(method="min", ascending=False).astype("int64")
    m["peringkat_sebelum"] = m["ikm_sebelum"].rank(method="min", ascending=False).astype("int64")
    m["selisih"] = m["ikm"] - m["ikm_sebelum"]
    m["naik_peringkat"] = m["peringkat_sebelum"] - m["peringkat"]
    return _named(data, m), cur, prev


def _kota_temuan_section(
    data: ReportData,
    *,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    return temuan_kota(data, periode=periode, heading_level=heading_level)


def _kota_table_section(
    data: ReportData,
    *,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """All OPDs side by side, ranked by IKM, and the IKM ranking chart."""
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    table = data.metric("kota", per).copy()
    cols = [Col("nama_opd", "Perangkat daerah")]
    if "peringkat_ikm" in table.columns:
        cols.insert(0, Col("peringkat_ikm", "Peringkat IKM", "int"))
        table = table.sort_values(["peringkat_ikm", "nama_opd"], na_position="last")
    order = ("ikm", "n_responden", "mutu", "n_permohonan", "persen_tepat_waktu", "n_pengaduan")
    kota_cols = sorted(
        _KOTA_COLUMNS, key=lambda c: order.index(c.name) if c.name in order else len(order)
    )
    cols += [c for c in kota_cols if c.name in table.columns]
    out: list[Any] = [heading("Perbandingan Antar-OPD", heading_level)] if heading_level else []
    out.append(
        render_table(
            table,
            cols,
            title=f"Capaian utama per OPD, {per.label}",
            source=(
                "SKM, penilaian SKP, log layanan dan standar pelayanan, pengaduan, pelatihan, "
                f"register tindak lanjut (folder data); {per.label}"
            ),
            suppressed=_kota_mask(table, cols),
            suppression_note=(
                f"{SUPPRESSED_MARK} Disembunyikan: dihitung dari kurang dari {data.k_responden} "
                f"responden (IKM) atau kurang dari {data.k_pegawai} pegawai."
            ),
            notes=[
                "Peringkat IKM: 1 = tertinggi; OPD tanpa IKM yang dapat dilaporkan tidak diberi peringkat."
            ],
        )
    )
    if "ikm" in table.columns and table["ikm"].notna().any():
        ikm = table.loc[table["ikm"].notna()].sort_values("ikm", ascending=False)
        ikm = ikm.assign(_label=_short_names(data, ikm["kode_opd"]))
        out.append(
            bar_chart(
                ikm,
                category="_label",
                value="ikm",
                title=f"IKM per perangkat daerah, {per.label}",
                value_label="IKM (25–100)",
                source="Survei Kepuasan Masyarakat (berkas skm); PermenPANRB 14/2017",
                decimals=2,
                reference=76.61,
                reference_label="Batas bawah mutu B (76,61)",
                colors={
                    lab: (LOW_COLOR if v < 76.61 else "#1f5f8b")
                    for lab, v in zip(ikm["_label"], ikm["ikm"], strict=True)
                },
                value_max=100,
                width=9,
                notes=["Batang merah: IKM di bawah mutu B."],
            )
        )
    for extra in _KOTA_CHARTS:
        out.extend(extra(data, per))
    return out


_KOTA_CHARTS: list[Callable[[ReportData, Periode], list[Any]]] = []


def _short_names(data: ReportData, codes: pd.Series) -> list[str]:
    """Short OPD labels for chart axes (``singkatan``, else ``nama_opd``)."""
    opd = data.opd.set_index("kode_opd")
    short = opd["singkatan"] if "singkatan" in opd.columns else opd["nama_opd"]
    short = short.fillna(opd["nama_opd"]).astype("str")
    return [str(short.get(k, k)) for k in codes]


def _kota_movement_section(
    data: ReportData,
    *,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Who moved up or down since the previous period (IKM and rank)."""
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    out: list[Any] = (
        [heading("Naik dan Turun Dibanding Periode Sebelumnya", heading_level)]
        if heading_level
        else []
    )
    mv = _movement(data, per)
    if mv is None:
        return [*out, note(f"Belum ada data IKM {per.previous().label} untuk dibandingkan.")]
    m, cur, prev = mv
    if (cur, prev) != (per, per.previous()):
        out.append(
            note(
                f"Tidak ada data {per.previous().label}; dibandingkan {cur.label} dengan {prev.label}."
            )
        )
    m = m.sort_values("selisih", ascending=False)
    out.append(
        render_table(
            m,
            [
                Col("nama_opd", "Perangkat daerah"),
                Col("ikm_sebelum", f"IKM {prev.label}", "number", 2),
                Col("ikm", f"IKM {cur.label}", "number", 2),
                Col("selisih", "Perubahan (poin)", "delta", 2),
                Col("peringkat_sebelum", "Peringkat sebelumnya", "int"),
                Col("peringkat", "Peringkat sekarang", "int"),
                Col("naik_peringkat", "Naik (+) / turun (−) peringkat", "delta", 0),
            ],
            title=f"Perubahan IKM {prev.label} → {cur.label}",
            source="Survei Kepuasan Masyarakat (berkas skm); PermenPANRB 14/2017",
            notes=[f"Hanya OPD dengan sedikitnya {data.k_responden} responden pada kedua periode."],
        )
    )
    m = m.assign(_label=_short_names(data, m["kode_opd"]))
    out.append(
        bar_chart(
            m,
            category="_label",
            value="selisih",
            title=f"Perubahan IKM {prev.label} → {cur.label}",
            value_label="Perubahan IKM (poin)",
            source="Survei Kepuasan Masyarakat (berkas skm)",
            decimals=2,
            colors={
                lab: (LOW_COLOR if v < 0 else "#2e8b57")
                for lab, v in zip(m["_label"], m["selisih"], strict=True)
            },
            width=9,
            notes=["Hijau: naik; merah: turun."],
        )
    )
    return out


def sections_kota(
    data: ReportData, *, periode: str | Periode | None = None, audience: Audience = "forum"
) -> list[Any]:
    """City overview for the forum: every OPD side by side, ranking by IKM, movers."""
    per = data.periode(periode)
    out: list[Any] = [
        _title_block(
            "Kota Salatiga — seluruh perangkat daerah",
            f"Periode {per.label} · {_audience_line('forum')} · disusun {fmt_date(data.today)}",
        )
    ]
    if audience != "forum":
        out.append(note("Ringkasan kota selalu disusun untuk audiens forum (angka agregat)."))
    out.extend(_kota_temuan_section(data, periode=per))
    out.extend(_kota_table_section(data, periode=per))
    out.extend(_kota_movement_section(data, periode=per))
    out.append(
        note("Audiens forum: hanya angka agregat per OPD; tidak ada NIP, nama, atau teks bebas.")
    )
    return out


def temuan_kota(
    data: ReportData, *, periode: str | Periode, heading_level: int | None = 2
) -> list[Any]:
    """City-level "Temuan utama" sentences."""
    per = Periode.parse(periode)
    table = data.metric("kota", per)
    facts: list[str] = []
    if "ikm" in table.columns and table["ikm"].notna().any():
        from kinerja.metrics.survey import ikm_table

        city = ikm_table(
            data.table("skm"), by=(), weight=data.params.get("ikm_weight", "exact"), periode=per
        )
        if len(city) and pd.notna(city["ikm"].iloc[0]):
            facts.append(
                f"IKM gabungan Kota Salatiga {per.label}: {fmt_number(city['ikm'].iloc[0], 2)} "
                f"(mutu {city['mutu'].iloc[0]}, {city['kinerja_unit'].iloc[0]}) dari "
                f"{fmt_int(city['n_responden'].iloc[0])} responden."
            )
        shown = table.loc[table["ikm"].notna()].sort_values("ikm", ascending=False)
        best, worst = shown.iloc[0], shown.iloc[-1]
        facts.append(
            f"IKM tertinggi: {best['nama_opd']} ({fmt_number(best['ikm'], 2)}); terendah: "
            f"{worst['nama_opd']} ({fmt_number(worst['ikm'], 2)})."
        )
        below = shown.loc[shown["ikm"] < 76.61]
        if len(below):
            facts.append(
                f"{fmt_int(len(below))} OPD ber-IKM di bawah mutu B (76,61): "
                + ", ".join(below["nama_opd"].astype("str").head(5))
                + ("" if len(below) <= 5 else ", dan lainnya")
                + "."
            )
    mv = _movement(data, per)
    if mv is not None:
        m, cur, prev = mv
        up = m.sort_values("selisih", ascending=False).iloc[0]
        down = m.sort_values("selisih").iloc[0]
        if up["selisih"] > 0:
            facts.append(
                f"Kenaikan IKM terbesar {prev.label} → {cur.label}: {up['nama_opd']} "
                f"(+{fmt_number(up['selisih'], 2)} poin)."
            )
        if down["selisih"] < 0:
            facts.append(
                f"Penurunan IKM terbesar: {down['nama_opd']} ({_signed(down['selisih'], 2)} poin)."
            )
    for extra in _KOTA_FACTS:
        facts.extend(_safe_facts(extra, data, per))
    out: list[Any] = [heading("Temuan Utama", heading_level)] if heading_level else []
    out.append(bullets(facts) if facts else note("Belum ada data yang cukup untuk temuan utama."))
    return out


_KOTA_FACTS: list[Callable[[ReportData, Periode], list[str]]] = []


def show_ringkasan_kota(
    *,
    periode: str | None = None,
    audience: str = "forum",
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> Any:
    """Notebook ``ringkasan_kota``: the city overview (a form under Voila, static otherwise)."""
    aud = _check_audience(audience)
    if _under_voila():
        from kinerja.serve import forms

        return forms.ringkasan_kota(
            periode=periode, audience=aud, cache_dir=cache_dir, data_dir=data_dir
        )
    return _static_ringkasan_kota(
        periode=periode, audience=aud, cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir
    )


def _static_ringkasan_kota(
    *,
    periode: str | None = None,
    audience: str = "forum",
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> int:
    data = get_report_data(cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir)
    per = data.periode(periode)
    items = sections_kota(data, periode=per, audience=_check_audience(audience))
    return _display(items, {"notebook": "ringkasan_kota", "periode": str(per), "audience": "forum"})


# ---------------------------------------------------------------------------------------------
# Voila forms: the same section builders behind drop-downs (kinerja.serve.forms)
# ---------------------------------------------------------------------------------------------
def _form_section(key: str, title: str, builder: Callable[..., list[Any]], **fixed: Any) -> Any:
    import inspect

    from kinerja.serve.forms import Section

    accepted = set(inspect.signature(builder).parameters)

    def build(data: ReportData, sel: Any) -> list[Any]:
        kwargs: dict[str, Any] = {"audience": "forum", "heading_level": None, **fixed}
        kwargs["periode"] = data.periode(sel.periode)
        if "kode_opd" in accepted:
            kwargs["kode_opd"] = data.check_opd(sel.kode_opd)
        if "jenis_layanan" in accepted:
            kwargs["jenis_layanan"] = sel.jenis_layanan
        # a selection seen before is shown again without redrawing its charts
        memo_key = (
            "form",
            key,
            str(kwargs["periode"]),
            kwargs.get("kode_opd"),
            kwargs.get("jenis_layanan"),
        )
        if memo_key not in data._memo:
            data._memo[memo_key] = builder(data, **kwargs)
        return data._memo[memo_key]

    return Section(key=key, title=title, build=build)


def form_definitions() -> dict[str, Any]:
    """How each notebook becomes a Voila form (read by :func:`kinerja.serve.forms.run`).

    Returns ``{name: kinerja.serve.forms.FormDef}`` for ``laporan_opd``, ``penjelajah_hambatan`` and
    ``ringkasan_kota``; every section is one of this module's builders with its heading left to
    the form, the audience fixed to ``forum``.
    """
    from kinerja.serve.forms import FormDef

    def opd_sections() -> list[Any]:
        return [_form_section("temuan", "Temuan Utama", temuan_utama)] + [
            _form_section(key, title, builder) for key, title, builder in _opd_sections()
        ]

    def hambatan_sections() -> list[Any]:
        return [_form_section(key, title, builder) for key, title, builder in _hambatan_sections()]

    def kota_sections() -> list[Any]:
        return [
            _form_section("temuan", "Temuan Utama", _kota_temuan_section),
            _form_section("perbandingan", "Perbandingan Antar-OPD", _kota_table_section),
            _form_section(
                "pergerakan", "Naik dan Turun Dibanding Periode Sebelumnya", _kota_movement_section
            ),
        ]

    return {
        "laporan_opd": FormDef(
            title="Laporan Evaluasi Kinerja Perangkat Daerah",
            controls=("kode_opd", "periode"),
            sections=opd_sections,
            static=_static_laporan_opd,
        ),
        "penjelajah_hambatan": FormDef(
            title="Penjelajah Hambatan Layanan",
            controls=("kode_opd", "jenis_layanan", "periode"),
            sections=hambatan_sections,
            static=_static_penjelajah_hambatan,
        ),
        "ringkasan_kota": FormDef(
            title="Ringkasan Kinerja Perangkat Daerah Kota Salatiga",
            controls=("periode",),
            sections=kota_sections,
            static=_static_ringkasan_kota,
        ),
    }


def _stream_section(
    data: ReportData,
    *,
    title: str,
    table: str,
    blocks: Callable[..., list[Any]],
    kode_opd: str,
    periode: str | Periode,
    audience: Audience,
    heading_level: int | None,
) -> list[Any]:
    """Heading, then the stream's blocks, or a note that its source table is absent."""
    out: list[Any] = [heading(title, heading_level)] if heading_level else []
    if not data.has(table):
        return [*out, _missing_table(table)]
    return [
        *out,
        *blocks(data, kode_opd=kode_opd, periode=Periode.parse(periode), audience=audience),
    ]


# ---------------------------------------------------------------------------------------------
# e-Kinerja (laporan kinerja harian)
# ---------------------------------------------------------------------------------------------
def section_kinerja_harian(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Real-time activity reporting (e-Kinerja) of one OPD: reporting share, lag, verification."""
    return _stream_section(
        data,
        title="Laporan Kinerja Harian (e-Kinerja)",
        table="laporan_kinerja",
        blocks=_activity_blocks,
        kode_opd=kode_opd,
        periode=periode,
        audience=audience,
        heading_level=heading_level,
    )


# ---------------------------------------------------------------------------------------------
# Layanan: lead time vs standard, bottleneck stage
# ---------------------------------------------------------------------------------------------
def section_layanan(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Service lead time in working days against the published standard, with the bottleneck
    stage of each service (UU 25/2009 Pasal 21; data contract, working days)."""
    return _stream_section(
        data,
        title="Waktu Layanan dan Tahap Hambatan",
        table="layanan",
        blocks=_service_blocks,
        kode_opd=kode_opd,
        periode=periode,
        audience=audience,
        heading_level=heading_level,
    )


# ---------------------------------------------------------------------------------------------
# Pengaduan
# ---------------------------------------------------------------------------------------------
def section_pengaduan(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Complaints of one OPD: volume by category and channel, response and resolution times
    against the SP4N-LAPOR! deadlines (reference §4.2). Complaint text is never shown."""
    return _stream_section(
        data,
        title="Pengaduan Masyarakat",
        table="pengaduan",
        blocks=_complaint_blocks,
        kode_opd=kode_opd,
        periode=periode,
        audience=audience,
        heading_level=heading_level,
    )


# ---------------------------------------------------------------------------------------------
# Penjelajah hambatan (one service)
# ---------------------------------------------------------------------------------------------
def _hambatan_sections() -> list[tuple[str, str, Callable[..., list[Any]]]]:
    return [
        ("ringkasan", "Ringkasan Layanan", section_hambatan_ringkasan),
        ("tahap", "Waktu Tunggu dan Proses per Tahap", section_hambatan_tahap),
        ("alur", "Alur Permohonan", section_hambatan_alur),
        ("lambat", "Permohonan Paling Lambat", section_hambatan_lambat),
    ]


def sections_hambatan(
    data: ReportData,
    *,
    kode_opd: str | None = None,
    jenis_layanan: str | None = None,
    periode: str | Periode | None = None,
    audience: Audience = "forum",
) -> list[Any]:
    """Bottleneck explorer for one service (or all services of one OPD)."""
    per = data.periode(periode)
    if not data.has("layanan"):
        kode = data.check_opd(kode_opd)
        return [
            _title_block(data.opd_name(kode), f"Periode {per.label}"),
            _missing_table("layanan"),
        ]
    kode, layanan = _default_service(data, kode_opd, jenis_layanan, per)
    out: list[Any] = [
        _title_block(
            f"{layanan or 'Semua layanan'} — {data.opd_name(kode)}",
            f"Kode OPD {kode} · Periode {per.label} · {_audience_line('forum')} · "
            f"disusun {fmt_date(data.today)}",
        )
    ]
    for _key, _title, builder in _hambatan_sections():
        out.extend(builder(data, kode_opd=kode, jenis_layanan=layanan, periode=per))
    return out


def show_penjelajah_hambatan(
    *,
    kode_opd: str | None = None,
    jenis_layanan: str | None = None,
    periode: str | None = None,
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> Any:
    """Notebook ``penjelajah_hambatan`` (a form under Voila, static otherwise)."""
    if _under_voila():
        from kinerja.serve import forms

        return forms.penjelajah_hambatan(
            kode_opd=kode_opd,
            jenis_layanan=jenis_layanan,
            periode=periode,
            cache_dir=cache_dir,
            data_dir=data_dir,
        )
    return _static_penjelajah_hambatan(
        kode_opd=kode_opd,
        jenis_layanan=jenis_layanan,
        periode=periode,
        cache_dir=cache_dir,
        data_dir=data_dir,
        params_dir=params_dir,
    )


def _static_penjelajah_hambatan(
    *,
    kode_opd: str | None = None,
    jenis_layanan: str | None = None,
    periode: str | None = None,
    audience: str = "forum",
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> int:
    data = get_report_data(cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir)
    per = data.periode(periode)
    items = sections_hambatan(data, kode_opd=kode_opd, jenis_layanan=jenis_layanan, periode=per)
    return _display(
        items,
        {
            "notebook": "penjelajah_hambatan",
            "kode_opd": kode_opd,
            "jenis_layanan": jenis_layanan,
            "periode": str(per),
            "audience": "forum",
        },
    )


def _calendars(data: ReportData) -> Any:
    """Working-day calendar per OPD from ``parameters/`` (memoised on the data object)."""
    if "calendars" not in data.__dict__:
        from kinerja.domain.calendar import calendars_for_opd, load_calendar
        from kinerja.domain.params import default_params_dir

        folder = Path(data.params_dir) if data.params_dir else default_params_dir()
        path = folder / str(data.params.get("hari_libur", "hari_libur.csv"))
        base = load_calendar(path if path.is_file() else None)
        data.__dict__["calendars"] = calendars_for_opd(
            data.opd,
            overrides=data.params.get("weekmask_opd") or {},
            default=data.params.get("weekmask", "1111100"),
            calendar=base,
        )
    return data.__dict__["calendars"]


def _finished_log(data: ReportData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The service log without requests still open (a stage without ``selesai``).

    Returns the finished log and the open requests (``id_permohonan, kode_opd, jenis_layanan,
    mulai`` of their first stage); a lead time is only defined once a request is finished.
    """
    if "finished_log" not in data.__dict__:
        lay = data.table("layanan")
        open_mask = lay["selesai"].isna()
        if open_mask.any():
            open_ids = lay.loc[open_mask, "id_permohonan"].unique()
            is_open = lay["id_permohonan"].isin(open_ids)
            opened = (
                lay.loc[is_open]
                .sort_values("mulai")
                .drop_duplicates("id_permohonan")[
                    ["id_permohonan", "kode_opd", "jenis_layanan", "mulai"]
                ]
            )
            lay = lay.loc[~is_open]
        else:
            opened = lay.iloc[0:0][["id_permohonan", "kode_opd", "jenis_layanan", "mulai"]]
        data.__dict__["finished_log"] = (lay, opened)
    return data.__dict__["finished_log"]


@_metric("open_requests")
def _m_open_requests(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    """Requests still open (first stage), all OPDs: memoised, so a report with precomputed
    metrics does not read the service log for its note."""
    return _finished_log(data)[1]


def _open_note(data: ReportData, kode_opd: str, periode: Periode | None) -> list[str]:
    opened = data.metric("open_requests", None)
    rows = opened.loc[opened["kode_opd"].astype("str") == kode_opd]
    if periode is not None:
        rows = rows.loc[periode.contains(rows["mulai"])]
    if rows.empty:
        return []
    return [
        f"{fmt_int(len(rows))} permohonan yang belum selesai (ada tahap tanpa waktu selesai) "
        "belum dihitung waktunya."
    ]


@_metric("service")
def _m_service(data: ReportData, periode: Periode | None) -> dict[str, pd.DataFrame]:
    from kinerja.metrics.service import service_tables, variants

    log, _open = _finished_log(data)
    tables = service_tables(
        log,
        data.table("standar_layanan"),
        _calendars(data),
        periode=periode,
        include_events=True,
    )
    tables["varian"] = variants(tables["permohonan"])
    return tables


@_metric("service_all")
def _m_service_all(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    """Requests of the whole log (for monthly trends and backlog across periods)."""
    return data.metric("service", None)["permohonan"]


def _svc_rows(df: pd.DataFrame, kode_opd: str, jenis_layanan: str | None = None) -> pd.DataFrame:
    rows = df.loc[df["kode_opd"].astype("str") == kode_opd]
    if jenis_layanan is not None:
        rows = rows.loc[rows["jenis_layanan"].astype("str") == jenis_layanan]
    return rows


def _service_summary_table(
    data: ReportData,
    summ: pd.DataFrame,
    *,
    title: str,
    source: str,
    with_service: bool = True,
    extra_notes: Sequence[str] = (),
) -> Block:
    k = data.k_responden
    mask = _small_mask(
        summ,
        count_col="n_permohonan",
        k=k,
        columns=["persen_tepat_waktu", "median_hari_kerja", "p90_hari_kerja", "tahap_hambatan"],
    )
    cols = [Col("jenis_layanan", "Jenis layanan")] if with_service else []
    cols += [
        Col("n_permohonan", "Permohonan", "int"),
        Col("standar_hari", "Standar (hari kerja)", "int"),
        Col("persen_tepat_waktu", "% tepat waktu", "percent", 1),
        Col("median_hari_kerja", "Median (hari kerja)", "number", 1),
        Col("p90_hari_kerja", "P90 (hari kerja)", "number", 1),
        Col("tahap_hambatan", "Tahap hambatan"),
    ]
    return render_table(
        summ,
        cols,
        title=title,
        source=source,
        suppressed=mask,
        suppression_note=(
            f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {k} permohonan pada periode ini."
        ),
        notes=[
            "Waktu layanan = hari kerja dari tanggal mulai tahap pertama sampai tanggal selesai "
            "tahap terakhir (libur nasional dan cuti bersama tidak dihitung); tepat waktu = tidak "
            "melebihi jangka waktu pada standar pelayanan. Tahap hambatan = tahap yang paling "
            "banyak menyumbang waktu pada permohonan yang terlambat.",
            *extra_notes,
        ],
    )


def _service_blocks(
    data: ReportData, *, kode_opd: str, periode: Periode, audience: Audience
) -> list[Any]:
    from kinerja.report.charts import bar_chart, line_chart

    t = data.metric("service", periode)
    summ = _svc_rows(t["layanan"], kode_opd)
    if summ.empty:
        return [note(f"Tidak ada permohonan layanan OPD ini yang dimulai pada {periode.label}.")]
    src = SOURCE_LABELS["layanan"] + f", permohonan yang dimulai pada {periode.label}"
    out: list[Any] = [
        _service_summary_table(
            data,
            summ,
            title=f"Waktu layanan per jenis layanan, {periode.label}",
            source=src,
            extra_notes=_open_note(data, kode_opd, periode),
        )
    ]
    ok = summ.loc[summ["n_permohonan"] >= data.k_responden]
    if len(ok) and ok["standar_hari"].notna().any():
        long = pd.concat(
            [
                ok[["jenis_layanan", "median_hari_kerja"]]
                .rename(columns={"median_hari_kerja": "nilai"})
                .assign(ukuran="Median waktu layanan"),
                ok[["jenis_layanan", "p90_hari_kerja"]]
                .rename(columns={"p90_hari_kerja": "nilai"})
                .assign(ukuran="P90 waktu layanan"),
                ok[["jenis_layanan", "standar_hari"]]
                .rename(columns={"standar_hari": "nilai"})
                .assign(ukuran="Standar pelayanan"),
            ],
            ignore_index=True,
        )
        long["nilai"] = pd.to_numeric(long["nilai"], errors="coerce").astype("float64")
        out.append(
            bar_chart(
                long,
                category="jenis_layanan",
                value="nilai",
                hue="ukuran",
                hue_label="",
                title=f"Waktu layanan dibanding standar, {periode.label}",
                value_label="Hari kerja",
                source=src,
                decimals=1,
            )
        )
    # the slowest service: where its time goes, stage by stage
    worst = ok.sort_values(["persen_tepat_waktu", "median_hari_kerja"], ascending=[True, False])
    if len(worst) and pd.notna(worst["persen_tepat_waktu"].iloc[0]):
        w = worst.iloc[0]
        out.extend(_stage_share_chart(data, t, kode_opd, str(w["jenis_layanan"]), periode, src))
    # monthly trend over the whole log (the period is marked in the title)
    req = _svc_rows(data.metric("service_all", None), kode_opd)
    if len(req):
        top = req["jenis_layanan"].astype("str").value_counts().head(4).index
        r = req.loc[req["jenis_layanan"].astype("str").isin(top)]
        month = pd.to_datetime(r["mulai"]).dt.to_period("M").dt.to_timestamp()
        g = (
            pd.DataFrame(
                {
                    "bulan": month,
                    "jenis_layanan": r["jenis_layanan"].astype("str"),
                    "hari_kerja": r["hari_kerja"].to_numpy(dtype="float64"),
                }
            )
            .groupby(["jenis_layanan", "bulan"], observed=True)["hari_kerja"]
            .agg(["median", "size"])
            .reset_index()
        )
        g = g.loc[g["size"] >= data.k_responden]
        if len(g):
            out.append(
                line_chart(
                    g,
                    x="bulan",
                    y="median",
                    hue="jenis_layanan",
                    hue_label="Jenis layanan",
                    title="Median waktu layanan per bulan (seluruh data)",
                    y_label="Median hari kerja",
                    source=SOURCE_LABELS["layanan"] + "; bulan = bulan permohonan dimulai",
                    decimals=1,
                    notes=[
                        "Empat layanan dengan permohonan terbanyak; bulan dengan kurang dari "
                        f"{data.k_responden} permohonan tidak digambar."
                    ],
                )
            )
    return out


def _stage_share_chart(
    data: ReportData,
    t: dict[str, pd.DataFrame],
    kode_opd: str,
    jenis: str,
    periode: Periode,
    src: str,
) -> list[Any]:
    from kinerja.report.charts import bar_chart

    st = _svc_rows(t["tahap"], kode_opd, jenis)
    hb = _svc_rows(t["hambatan"], kode_opd, jenis)
    if st.empty:
        return []
    bottleneck = str(hb["tahap_hambatan"].iloc[0]) if len(hb) else None
    st = st.assign(persen=st["porsi_waktu"] * 100).sort_values("persen", ascending=False)
    out: list[Any] = []
    if bottleneck:
        basis = str(hb["dasar"].iloc[0])
        share = float(hb["porsi_tahap_hambatan"].iloc[0]) * 100
        out.append(
            paragraph(
                f"Layanan dengan ketepatan waktu terendah: {jenis}. Tahap hambatannya "
                f"{bottleneck}, yang menyumbang {fmt_percent(share, 1)} waktu pada {basis}."
            )
        )
    out.append(
        bar_chart(
            st,
            category="tahap",
            value="persen",
            title=f"Porsi waktu per tahap: {jenis}",
            value_label="Porsi dari seluruh waktu layanan (tunggu + proses)",
            source=src,
            percent=True,
            decimals=1,
            highlight=bottleneck,
            notes=["Batang gelap: tahap hambatan."] if bottleneck else (),
        )
    )
    return out


def _default_service(
    data: ReportData, kode_opd: str | None, jenis_layanan: str | None, periode: Periode
) -> tuple[str, str | None]:
    """OPD and service of the explorer; ``None`` picks the least punctual one."""
    summ = data.metric("service", periode)["layanan"]
    ok = summ.loc[(summ["n_permohonan"] >= data.k_responden) & summ["persen_tepat_waktu"].notna()]
    if kode_opd in (None, ""):
        if ok.empty:
            kode = data.check_opd(None)
        else:
            n = ok["n_permohonan"].astype("float64")
            late = ok.assign(_telat=n * (100 - ok["persen_tepat_waktu"]) / 100, _n=n)
            per_opd = late.groupby("kode_opd")[["_telat", "_n"]].sum()
            kode = str((per_opd["_telat"] / per_opd["_n"]).idxmax())
    else:
        kode = data.check_opd(kode_opd)
    services = sorted(summ.loc[summ["kode_opd"] == kode, "jenis_layanan"].astype("str").unique())
    if jenis_layanan not in (None, ""):
        if jenis_layanan not in services:
            raise ValueError(
                f"Jenis layanan {jenis_layanan!r} tidak ada pada OPD {kode} untuk {periode.label} "
                f"(pilihan: {', '.join(services) or 'tidak ada'})"
            )
        return kode, str(jenis_layanan)
    mine = ok.loc[ok["kode_opd"] == kode].sort_values(
        ["persen_tepat_waktu", "median_hari_kerja"], ascending=[True, False]
    )
    return kode, (str(mine["jenis_layanan"].iloc[0]) if len(mine) else None)


def section_hambatan_ringkasan(
    data: ReportData,
    *,
    kode_opd: str,
    jenis_layanan: str | None = None,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Summary of one service (or all services of the OPD) and its monthly arrivals/completions."""
    from kinerja.metrics.service import backlog
    from kinerja.report.charts import line_chart

    per = Periode.parse(periode)
    out: list[Any] = [heading("Ringkasan Layanan", heading_level)] if heading_level else []
    t = data.metric("service", per)
    summ = _svc_rows(t["layanan"], kode_opd, jenis_layanan)
    src = SOURCE_LABELS["layanan"] + f", permohonan yang dimulai pada {per.label}"
    if summ.empty:
        return [*out, note(f"Tidak ada permohonan untuk pilihan ini pada {per.label}.")]
    out.append(_service_summary_table(data, summ, title=f"Ringkasan, {per.label}", source=src))
    req = _svc_rows(data.metric("service_all", None), kode_opd, jenis_layanan)
    bl = backlog(req, periode=per)
    if len(bl):
        long = pd.concat(
            [
                bl[["bulan", "masuk"]].rename(columns={"masuk": "n"}).assign(seri="Masuk"),
                bl[["bulan", "selesai"]].rename(columns={"selesai": "n"}).assign(seri="Selesai"),
                bl[["bulan", "sisa"]]
                .rename(columns={"sisa": "n"})
                .assign(seri="Belum selesai (akhir bulan)"),
            ],
            ignore_index=True,
        )
        out.append(
            line_chart(
                long,
                x="bulan",
                y="n",
                hue="seri",
                hue_label="",
                title=f"Permohonan masuk, selesai dan tunggakan, {per.label}",
                y_label="Jumlah permohonan",
                source=SOURCE_LABELS["layanan"],
            )
        )
    return out


def _stage_order(
    data: ReportData, t: dict[str, pd.DataFrame], kode: str, jenis: str | None
) -> dict[str, int]:
    """Stage order of the most common path (stages not on it go last)."""
    var = _svc_rows(t["varian"], kode, jenis)
    order: dict[str, int] = {}
    if len(var):
        from kinerja.metrics.service import ARROW

        for path in var.sort_values("n", ascending=False)["jalur"].astype("str"):
            for stage in path.split(ARROW):
                order.setdefault(stage, len(order))
    return order


def section_hambatan_tahap(
    data: ReportData,
    *,
    kode_opd: str,
    jenis_layanan: str | None = None,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Waiting and processing time per stage, share of the lead time, rework, bottleneck."""
    from kinerja.metrics.service import rework
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    out: list[Any] = (
        [heading("Waktu Tunggu dan Proses per Tahap", heading_level)] if heading_level else []
    )
    t = data.metric("service", per)
    st = _svc_rows(t["tahap"], kode_opd, jenis_layanan).copy()
    if st.empty:
        return [*out, note(f"Tidak ada tahap layanan untuk pilihan ini pada {per.label}.")]
    src = SOURCE_LABELS["layanan"] + f", permohonan yang dimulai pada {per.label}"
    order = _stage_order(data, t, kode_opd, jenis_layanan)
    st["_urut"] = st["tahap"].map(order).fillna(len(order))
    st = st.sort_values(["jenis_layanan", "_urut", "tahap"])
    st["persen"] = st["porsi_waktu"] * 100
    hb = _svc_rows(t["hambatan"], kode_opd, jenis_layanan)
    for r in hb.itertuples(index=False):
        out.append(
            paragraph(
                f"Tahap hambatan {r.jenis_layanan}: {r.tahap_hambatan} — "
                f"{fmt_percent(float(r.porsi_tahap_hambatan) * 100, 1)} dari waktu {r.dasar} "
                f"({fmt_int(r.n_permohonan_dasar)} permohonan)."
            )
        )
    rw = rework(_svc_rows(t["peristiwa"], kode_opd, jenis_layanan))
    st = st.merge(
        rw[["jenis_layanan", "tahap", "persen_diulang"]].astype({"jenis_layanan": "str"}),
        on=["jenis_layanan", "tahap"],
        how="left",
    )
    mask = _small_mask(
        st,
        count_col="n",
        k=data.k_responden,
        columns=["median_tunggu_jam", "p90_tunggu_jam", "median_proses_jam", "p90_proses_jam"],
    )
    cols = ([Col("jenis_layanan", "Jenis layanan")] if jenis_layanan is None else []) + [
        Col("tahap", "Tahap"),
        Col("n", "Kejadian", "int"),
        Col("median_tunggu_jam", "Median tunggu (jam)", "number", 1),
        Col("p90_tunggu_jam", "P90 tunggu (jam)", "number", 1),
        Col("median_proses_jam", "Median proses (jam)", "number", 1),
        Col("p90_proses_jam", "P90 proses (jam)", "number", 1),
        Col("persen", "Porsi waktu", "percent", 1),
        Col("persen_diulang", "% permohonan diulang", "percent", 1),
    ]
    out.append(
        render_table(
            st,
            cols,
            title="Waktu per tahap",
            source=src,
            suppressed=mask,
            suppression_note=f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {data.k_responden} kejadian.",
            notes=[
                "Tunggu = jeda dari selesainya tahap sebelumnya sampai tahap ini dimulai (jam "
                "kalender); proses = lama tahap itu sendiri. Porsi waktu = bagian tahap dari "
                "seluruh waktu tunggu + proses layanan. Diulang = tahap yang sama terjadi lebih "
                "dari sekali pada satu permohonan."
            ],
        )
    )
    if jenis_layanan is not None:
        shown = st.loc[~mask["median_tunggu_jam"]]
        long = pd.concat(
            [
                shown[["tahap", "median_tunggu_jam"]]
                .rename(columns={"median_tunggu_jam": "jam"})
                .assign(ukuran="Median tunggu"),
                shown[["tahap", "median_proses_jam"]]
                .rename(columns={"median_proses_jam": "jam"})
                .assign(ukuran="Median proses"),
            ],
            ignore_index=True,
        )
        if len(long):
            out.append(
                bar_chart(
                    long,
                    category="tahap",
                    value="jam",
                    hue="ukuran",
                    hue_label="",
                    order=list(shown["tahap"]),
                    title=f"Waktu tunggu dan proses per tahap: {jenis_layanan}",
                    value_label="Jam",
                    source=src,
                    decimals=1,
                )
            )
    return out


def section_hambatan_alur(
    data: ReportData,
    *,
    kode_opd: str,
    jenis_layanan: str | None = None,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """The paths (variants) requests take, most common first."""
    per = Periode.parse(periode)
    out: list[Any] = [heading("Alur Permohonan", heading_level)] if heading_level else []
    var = _svc_rows(data.metric("service", per)["varian"], kode_opd, jenis_layanan).copy()
    if var.empty:
        return [*out, note("Tidak ada permohonan untuk pilihan ini.")]
    var["persen"] = var["porsi"] * 100
    var = var.sort_values("n", ascending=False)
    mask = _small_mask(var, count_col="n", k=data.k_responden, columns=["median_hari_kerja"])
    cols = ([Col("jenis_layanan", "Jenis layanan")] if jenis_layanan is None else []) + [
        Col("jalur", "Alur tahap"),
        Col("n", "Permohonan", "int"),
        Col("persen", "Porsi", "percent", 1),
        Col("median_hari_kerja", "Median (hari kerja)", "number", 1),
    ]
    out.append(
        render_table(
            var,
            cols,
            title=f"Alur permohonan, {per.label}",
            source=SOURCE_LABELS["layanan"],
            suppressed=mask,
            suppression_note=f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {data.k_responden} permohonan.",
            max_rows=10,
        )
    )
    return out


def section_hambatan_lambat(
    data: ReportData,
    *,
    kode_opd: str,
    jenis_layanan: str | None = None,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
    n: int = 10,
) -> list[Any]:
    """The slowest requests and the stage that took longest in each (no officer, no citizen)."""
    per = Periode.parse(periode)
    out: list[Any] = [heading("Permohonan Paling Lambat", heading_level)] if heading_level else []
    t = data.metric("service", per)
    req = _svc_rows(t["permohonan"], kode_opd, jenis_layanan)
    if req.empty:
        return [*out, note("Tidak ada permohonan untuk pilihan ini.")]
    slow = req.sort_values(["hari_kerja", "mulai"], ascending=[False, True]).head(n).copy()
    ev = t["peristiwa"]
    ev = ev.loc[ev["id_permohonan"].isin(slow["id_permohonan"])]
    ev = ev.assign(_jam=ev["tunggu_jam"] + ev["proses_jam"])
    longest = ev.sort_values("_jam", ascending=False).drop_duplicates("id_permohonan")
    slow = slow.merge(
        longest[["id_permohonan", "tahap", "_jam"]].rename(columns={"tahap": "tahap_terlama"}),
        on="id_permohonan",
        how="left",
    )
    slow["hari_terlama"] = slow["_jam"] / 24
    slow["lewat"] = slow["hari_kerja"] - slow["standar_hari"].astype("float64")
    cols = ([Col("jenis_layanan", "Jenis layanan")] if jenis_layanan is None else []) + [
        Col("id_permohonan", "Nomor permohonan", "code"),
        Col("mulai", "Diajukan", "date"),
        Col("hari_kerja", "Waktu (hari kerja)", "int"),
        Col("standar_hari", "Standar", "int"),
        Col("lewat", "Lewat standar (hari kerja)", "int"),
        Col("tahap_terlama", "Tahap terlama"),
        Col("hari_terlama", "Lama tahap itu (hari kalender)", "number", 1),
    ]
    out.append(
        render_table(
            slow,
            cols,
            title=f"{fmt_int(len(slow))} permohonan paling lambat, {per.label}",
            source=SOURCE_LABELS["layanan"],
            notes=["Tanpa identitas pemohon maupun petugas."],
        )
    )
    return out


@_fact
def _fact_service(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("layanan"):
        return []
    req = _svc_rows(data.metric("service", per)["permohonan"], kode)
    req = req.loc[req["tepat_waktu"].notna()]
    if len(req) < data.k_responden:
        return []
    share = float(req["tepat_waktu"].astype("float64").mean() * 100)
    facts = [
        f"{fmt_percent(share, 1)} dari {fmt_int(len(req))} permohonan layanan yang dimulai pada "
        f"{per.label} selesai dalam jangka waktu standar pelayanan."
    ]
    summ = _svc_rows(data.metric("service", per)["layanan"], kode)
    ok = summ.loc[(summ["n_permohonan"] >= data.k_responden) & summ["persen_tepat_waktu"].notna()]
    if len(ok) > 0:
        w = ok.sort_values(
            ["persen_tepat_waktu", "median_hari_kerja"], ascending=[True, False]
        ).iloc[0]
        if float(w["persen_tepat_waktu"]) < 100:
            text = (
                f"Ketepatan waktu terendah: {w['jenis_layanan']} ({fmt_percent(w['persen_tepat_waktu'], 1)}; "
                f"median {fmt_number(w['median_hari_kerja'], 1)} hari kerja, standar "
                f"{fmt_int(w['standar_hari'])} hari kerja)"
            )
            if pd.notna(w["tahap_hambatan"]):
                text += f", dengan tahap hambatan {w['tahap_hambatan']}"
            facts.append(text + ".")
    return facts


@_kota_part(
    "layanan",
    [
        Col("n_permohonan", "Permohonan layanan", "int"),
        Col("persen_tepat_waktu", "% layanan tepat waktu", "percent", 1),
    ],
)
def _kota_layanan(data: ReportData, per: Periode) -> pd.DataFrame:
    if not data.has("layanan"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    req = data.metric("service", per)["permohonan"]
    r = pd.DataFrame(
        {
            "kode_opd": req["kode_opd"].astype("str"),
            "tepat": req["tepat_waktu"].astype("Float64"),
        }
    )
    g = r.groupby("kode_opd").agg(n_permohonan=("tepat", "size"), p=("tepat", "mean")).reset_index()
    g["persen_tepat_waktu"] = g.pop("p").astype("float64") * 100
    small = g["n_permohonan"] < data.k_responden
    g["persen_tepat_waktu"] = g["persen_tepat_waktu"].where(~small)
    g["_sup_persen_tepat_waktu"] = small.to_numpy()
    return g


# ---------------------------------------------------------------------------------------------
# Pengaduan blocks
# ---------------------------------------------------------------------------------------------
def _deadlines(data: ReportData) -> Any:
    from kinerja.metrics.complaints import ComplaintDeadlines

    return ComplaintDeadlines(
        tanggapan=int(data.params.get("tenggat_tanggapan_hari_kerja", 3)),
        selesai=int(data.params.get("tenggat_tindak_lanjut_hari_kerja", 5)),
    )


@_metric("complaint_times")
def _m_complaint_times(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.complaints import complaint_times

    return complaint_times(
        data.table("pengaduan"),
        _calendars(data),
        deadlines=_deadlines(data),
        as_of=data.today,
        periode=periode,
    )


@_metric("complaint_slow_monthly")
def _m_complaint_slow(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.complaints import slow_service_vs_sla

    if not data.has("layanan"):
        return pd.DataFrame()
    return slow_service_vs_sla(
        data.table("pengaduan"), data.metric("service_all", None), by_month=True, periode=periode
    )


def _complaint_blocks(
    data: ReportData, *, kode_opd: str, periode: Periode, audience: Audience
) -> list[Any]:
    from kinerja.metrics.complaints import complaint_summary
    from kinerja.report.charts import bar_chart, line_chart

    times = _opd_rows(data.metric("complaint_times", periode), kode_opd)
    if times.empty:
        return [paragraph(f"Tidak ada pengaduan masyarakat untuk OPD ini pada {periode.label}.")]
    k = data.k_responden
    dl = _deadlines(data)
    src = SOURCE_LABELS["pengaduan"] + f", {periode.label}; keadaan per {fmt_date(data.today)}"
    summ = complaint_summary(times, by=("kategori",)).sort_values("n_pengaduan", ascending=False)
    total = complaint_summary(times.assign(_semua="Jumlah"), by=("_semua",)).rename(
        columns={"_semua": "kategori"}
    )
    table = pd.concat([summ, total], ignore_index=True)
    stats = ["persen_ditanggapi_tepat_waktu", "median_hari_tanggapan", "persen_selesai_tepat_waktu"]
    mask = _small_mask(table, count_col="n_pengaduan", k=k, columns=stats)
    out: list[Any] = [
        render_table(
            table,
            [
                Col("kategori", "Kategori"),
                Col("n_pengaduan", "Pengaduan", "int"),
                Col(
                    "persen_ditanggapi_tepat_waktu",
                    f"% ditanggapi ≤ {dl.tanggapan} hari kerja",
                    "percent",
                    1,
                ),
                Col("median_hari_tanggapan", "Median hari kerja sampai tanggapan", "number", 1),
                Col(
                    "persen_selesai_tepat_waktu",
                    f"% selesai ≤ {dl.selesai} hari kerja sesudah tanggapan",
                    "percent",
                    1,
                ),
                Col("n_belum_ditanggapi", "Belum ditanggapi", "int"),
            ],
            title=f"Pengaduan per kategori, {periode.label}",
            source=src,
            suppressed=mask,
            suppression_note=(
                f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {k} pengaduan dalam kelompok."
            ),
            notes=[
                dl.catatan + ".",
                "Isi pengaduan (teks warga) tidak ditampilkan pada laporan forum.",
            ],
            audience=audience,
        )
    ]
    kanal = times.groupby("kanal", observed=True).size().rename("n").reset_index()
    kanal["persen"] = kanal["n"] / kanal["n"].sum() * 100
    out.append(
        bar_chart(
            kanal.sort_values("n", ascending=False),
            category="kanal",
            value="n",
            title=f"Pengaduan menurut kanal, {periode.label}",
            value_label="Jumlah pengaduan",
            source=src,
            decimals=0,
        )
    )
    monthly = times.assign(
        bulan=pd.to_datetime(times["tanggal_masuk"]).dt.to_period("M").dt.to_timestamp()
    )
    top = summ["kategori"].head(3).astype("str").tolist()
    monthly["kelompok"] = (
        monthly["kategori"]
        .astype("str")
        .where(monthly["kategori"].astype("str").isin(top), "Lainnya")
    )
    per_month = monthly.groupby(["kelompok", "bulan"]).size().rename("n").reset_index()
    if per_month["bulan"].nunique() > 1:
        out.append(
            line_chart(
                per_month,
                x="bulan",
                y="n",
                hue="kelompok",
                hue_label="Kategori",
                title=f"Pengaduan per bulan, {periode.label}",
                y_label="Jumlah pengaduan",
                source=src,
            )
        )
    slow = data.metric("complaint_slow_monthly", periode)
    slow = _opd_rows(slow, kode_opd) if len(slow) else slow
    if len(slow) and int(slow["n_pengaduan_lambat"].sum()) > 0:
        mask = _small_mask(slow, count_col="n_permohonan", k=k, columns=["persen_terlambat"])
        out.append(
            render_table(
                slow,
                [
                    Col("bulan", "Bulan", "month"),
                    Col("n_pengaduan_lambat", "Pengaduan 'Pelayanan lambat'", "int"),
                    Col("n_permohonan", "Permohonan layanan dimulai", "int"),
                    Col("n_terlambat", "Permohonan melewati standar", "int"),
                    Col("persen_terlambat", "% melewati standar", "percent", 1),
                ],
                title="Pengaduan 'Pelayanan lambat' dan keterlambatan layanan per bulan",
                source=SOURCE_LABELS["pengaduan"] + "; " + SOURCE_LABELS["layanan"],
                suppressed=mask,
                suppression_note=f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {k} permohonan.",
                notes=[
                    "Disandingkan, bukan dihitung korelasinya: keduanya dari OPD dan bulan yang sama."
                ],
            )
        )
    return out


@_fact
def _fact_complaints(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("pengaduan"):
        return []
    times = _opd_rows(data.metric("complaint_times", per), kode)
    if times.empty:
        return [f"Tidak ada pengaduan masyarakat pada {per.label}."]
    from kinerja.metrics.complaints import complaint_summary

    n = len(times)
    text = f"{fmt_int(n)} pengaduan masyarakat masuk pada {per.label}"
    top = times["kategori"].astype("str").value_counts()
    text += f"; terbanyak kategori {top.index[0]} ({fmt_int(top.iloc[0])})"
    total = complaint_summary(times.assign(_s="x"), by=("_s",)).iloc[0]
    if n >= data.k_responden and pd.notna(total["persen_ditanggapi_tepat_waktu"]):
        text += (
            f"; {fmt_percent(total['persen_ditanggapi_tepat_waktu'], 1)} ditanggapi dalam "
            f"{_deadlines(data).tanggapan} hari kerja"
        )
    return [text + "."]


@_kota_part("pengaduan", [Col("n_pengaduan", "Pengaduan", "int")])
def _kota_pengaduan(data: ReportData, per: Periode) -> pd.DataFrame:
    if not data.has("pengaduan"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    p = _filter(data.table("pengaduan"), per, "tanggal_masuk")
    out = p.groupby("kode_opd", observed=True).size().rename("n_pengaduan").reset_index()
    return out.assign(kode_opd=out["kode_opd"].astype("str"))


# ---------------------------------------------------------------------------------------------
# e-Kinerja blocks
# ---------------------------------------------------------------------------------------------
@_metric("activity")
def _m_activity(data: ReportData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.activity import activity_summary

    return activity_summary(
        data.table("laporan_kinerja"), data.table("pegawai"), _calendars(data), periode=periode
    )


def _activity_period(rows: pd.DataFrame) -> dict[str, float]:
    """Period-level reporting share (weighted by ASN × working days of each month)."""
    w = rows["n_pegawai"].astype("float64") * rows["hari_kerja_bulan"].astype("float64")
    share = (
        float((rows["persen_hari_melapor"].astype("float64") * w).sum() / w.sum())
        if w.sum()
        else float("nan")
    )
    n = rows["n_laporan"].astype("float64")
    return {
        "persen_hari_melapor": share,
        "persen_ditolak": float((rows["persen_ditolak"].astype("float64") * n).sum() / n.sum())
        if n.sum()
        else float("nan"),
        "persen_menunggu": float((rows["persen_menunggu"].astype("float64") * n).sum() / n.sum())
        if n.sum()
        else float("nan"),
    }


def _activity_blocks(
    data: ReportData, *, kode_opd: str, periode: Periode, audience: Audience
) -> list[Any]:
    from kinerja.report.charts import line_chart

    rows = _opd_rows(data.metric("activity", periode), kode_opd).sort_values("bulan")
    if rows.empty:
        return [paragraph(f"Tidak ada laporan kinerja harian OPD ini pada {periode.label}.")]
    k = data.k_pegawai
    src = SOURCE_LABELS["laporan_kinerja"] + f", {periode.label}"
    stats = [
        "persen_hari_melapor",
        "persen_lapor_hari_sama",
        "median_jeda_lapor_hari_kerja",
        "median_latensi_verifikasi_jam",
        "persen_menunggu",
        "persen_ditolak",
    ]
    mask = (
        _small_mask(rows, count_col="n_pegawai", k=k, columns=["n_pegawai_melapor", *stats])
        if audience == "forum"
        else None
    )
    out: list[Any] = [
        render_table(
            rows,
            [
                Col("bulan", "Bulan", "month"),
                Col("n_pegawai", "Pegawai", "int"),
                Col("n_laporan", "Laporan", "int"),
                Col("persen_hari_melapor", "% hari kerja berlaporan", "percent", 1),
                Col("persen_lapor_hari_sama", "% dilaporkan hari itu juga", "percent", 1),
                Col("median_latensi_verifikasi_jam", "Median verifikasi atasan (jam)", "number", 1),
                Col("persen_menunggu", "% menunggu verifikasi", "percent", 1),
                Col("persen_ditolak", "% ditolak", "percent", 1),
            ],
            title=f"Laporan kinerja harian per bulan, {periode.label}",
            source=src,
            suppressed=mask,
            suppression_note=_suppression_note(k, "pegawai"),
            notes=[
                "% hari kerja berlaporan = pasangan (pegawai, hari kerja) yang memiliki laporan "
                "dibagi jumlah pegawai × hari kerja bulan itu. Indikator deskriptif, bukan rumus "
                "TPP (Perwali 4/2021)."
            ],
            audience=audience,
        )
    ]
    if (mask is None or not mask["persen_hari_melapor"].any()) and len(rows) > 1:
        long = pd.concat(
            [
                rows[["bulan", "persen_hari_melapor"]]
                .rename(columns={"persen_hari_melapor": "p"})
                .assign(seri="Hari kerja berlaporan"),
                rows[["bulan", "persen_lapor_hari_sama"]]
                .rename(columns={"persen_lapor_hari_sama": "p"})
                .assign(seri="Dilaporkan hari itu juga"),
            ],
            ignore_index=True,
        )
        out.append(
            line_chart(
                long,
                x="bulan",
                y="p",
                hue="seri",
                hue_label="",
                title=f"Kepatuhan laporan kinerja harian, {periode.label}",
                y_label="Persentase",
                percent=True,
                source=src,
            )
        )
    return out


@_fact
def _fact_activity(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("laporan_kinerja"):
        return []
    rows = _opd_rows(data.metric("activity", per), kode)
    if rows.empty or (audience == "forum" and int(rows["n_pegawai"].max()) < data.k_pegawai):
        return []
    a = _activity_period(rows)
    return [
        f"Laporan kinerja harian tercatat pada {fmt_percent(a['persen_hari_melapor'], 1)} hari "
        f"kerja pegawai; {fmt_percent(a['persen_ditolak'], 1)} laporan ditolak dan "
        f"{fmt_percent(a['persen_menunggu'], 1)} masih menunggu verifikasi atasan."
    ]


@_fact
def _fact_impact(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    res = _impact_result(data, kode, per)
    if res is None:
        return []
    wave, table = res
    facts = []
    for r in table.itertuples(index=False):
        if r.ukuran == "hari_kerja":
            what, unit = "rata-rata waktu layanan OPD ini", "hari kerja"
        else:
            what, unit = f"rata-rata jam di tahap {r.ukuran.removeprefix('jam_')}", "jam"
        arah = "turun" if r.estimate < 0 else "naik"
        facts.append(
            f"Sesudah gelombang pelatihan {fmt_date(wave['wave_start'])}–"
            f"{fmt_date(wave['wave_end'])}, {what} {arah} {fmt_number(abs(r.estimate), 1)} "
            f"{unit} lebih banyak daripada perubahan di OPD lain (selang 95%: "
            f"{_signed(r.ci_low, 1)} sampai {_signed(r.ci_high, 1)} {unit}); ini keterkaitan, "
            "bukan bukti sebab-akibat."
        )
    return facts[:1]


def _signed(value: float, decimals: int) -> str:
    """A number with a typographic minus (``−3,5``), as in the tables' ``delta`` columns."""
    return _format_value(value, Col("x", "x", "delta", decimals)).lstrip("+")
