"""Display primitives of the reports: blocks of trusted HTML, tables, notes and the summary.

Every section returns a list of objects with ``_repr_html_`` (:class:`Block`, or a
:class:`kinerja.report.charts.Chart`); every table (:func:`render_table`) and chart carries its
"Sumber data: ..." line, and every cell is escaped with :func:`html.escape`. Audiences (issue 6):
``forum`` shows aggregates only, every group smaller than k is hidden with
:data:`SUPPRESSED_MARK` and a footnote; ``internal`` outputs start with
:func:`internal_banner_block`. A notebook ends with :func:`summary_bundle` (mimetype
:data:`SUMMARY_MIME`), from which the batch reads the number of suppressed cells.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from kinerja.domain.audience import Audience
from kinerja.domain.period import Periode
from kinerja.metrics.store import ReportData
from kinerja.protect import SUPPRESSION_MARK
from kinerja.report.formatting import MISSING, fmt_date, fmt_int, fmt_month, fmt_number, fmt_percent

ColumnKind = Literal["text", "code", "int", "number", "delta", "percent", "date", "month", "bool"]

SUMMARY_MIME = "application/vnd.kinerja.protect+json"
SUPPRESSED_MARK = SUPPRESSION_MARK
LOW_COLOR = "#c0392b"

__all__ = [
    "LOW_COLOR",
    "SOURCE_LABELS",
    "SUMMARY_MIME",
    "SUPPRESSED_MARK",
    "TABLE_LABELS",
    "Audience",
    "Block",
    "Col",
    "audience_line",
    "bullets",
    "check_audience",
    "heading",
    "internal_banner_block",
    "missing_table",
    "note",
    "paragraph",
    "render_table",
    "signed",
    "small_mask",
    "stream_section",
    "summary_bundle",
    "suppression_note",
    "title_block",
    "warning_box",
]

_TABLE_CSS = (
    "border-collapse:collapse;margin:0.3em 0;font-size:0.92em;font-variant-numeric:tabular-nums"
)

_TH = "border-bottom:2px solid #444;padding:4px 10px;text-align:{align};background:#f3f5f7"


_TD = "border-bottom:1px solid #ddd;padding:3px 10px;text-align:{align}"


@dataclass
class Block:
    """A piece of report output: trusted HTML built here plus a plain-text rendering.

    ``html`` is assembled only from escaped values; ``suppressed`` counts the cells hidden by
    disclosure control in this block (summed into the notebook's summary output); ``ledger``
    holds what the block published about protected quantities (merged into the summary output
    for ``kinerja audit``).
    """

    html: str
    text: str = ""
    suppressed: int = 0
    #: published facts of this block for the audit (:class:`kinerja.protect.ledger.Ledger`)
    ledger: Any = None

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


def is_band(value: str) -> bool:
    """Whether ``value`` is the suppression mark or a band shown instead of an exact figure
    (``"< 10"``, ``"30–39 %"``)."""
    v = value.strip()
    return v == SUPPRESSED_MARK or v.startswith(("<", "≥", ">")) or "–" in v


def _format_value(value: Any, col: Col) -> str:
    if isinstance(value, str) and col.kind not in ("text", "code") and is_band(value):
        # the suppression mark, or a band put in place of an exact figure ("< 10")
        return value
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


def suppression_note(k: int, unit: str) -> str:
    """The footnote explaining the suppression mark for groups smaller than ``k`` ``unit``."""
    from kinerja.protect import suppression_footnote

    return suppression_footnote(k, unit, SUPPRESSED_MARK)


def small_mask(df: pd.DataFrame, *, count_col: str, k: int, columns: Sequence[str]) -> pd.DataFrame:
    """Mask (same index as ``df``) hiding ``columns`` of every row whose count is below ``k``.

    Used for means, medians and percentages over a group (issue 6: no statistic over fewer
    than k); counts with totals go through :func:`_suppress_counts`.
    """
    small = pd.to_numeric(df[count_col], errors="coerce").fillna(0) < k
    return pd.DataFrame({c: small.to_numpy() for c in columns}, index=df.index)


def missing_table(name: str) -> Block:
    """A note that table ``name`` is absent from the data folder, so the section is skipped."""
    return note(
        f"Data {TABLE_LABELS.get(name, name)} tidak tersedia dalam folder data; bagian ini "
        "tidak dapat disusun."
    )


def title_block(title: str, subtitle: str) -> Block:
    """The report's own title line (the notebook's markdown cell holds the generic heading)."""
    return Block(
        '<div class="kinerja-judul" style="margin:0.2em 0 0.8em 0">'
        f'<div style="font-size:1.6em;font-weight:600;color:#1f3b57">{html.escape(title)}</div>'
        f'<div style="color:#444;font-size:1.02em">{html.escape(subtitle)}</div></div>',
        text=f"{title}\n{subtitle}",
    )


def audience_line(audience: Audience) -> str:
    """The subtitle phrase naming the audience (forum: aggregates only; internal)."""
    return (
        "audiens forum (angka agregat; kelompok kecil disembunyikan)"
        if audience == "forum"
        else "audiens internal OPD"
    )


def check_audience(audience: str | None) -> Audience:
    """Validate an ``audience`` parameter (``None`` → ``forum``); ``ValueError`` otherwise."""
    from kinerja.protect import validate_audience

    return validate_audience(audience or "forum")


def signed(value: float, decimals: int) -> str:
    """A number with a typographic minus (``−3,5``), as in the tables' ``delta`` columns."""
    return _format_value(value, Col("x", "x", "delta", decimals)).lstrip("+")


def stream_section(
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
        return [*out, missing_table(table)]
    return [
        *out,
        *blocks(data, kode_opd=kode_opd, periode=Periode.parse(periode), audience=audience),
    ]
