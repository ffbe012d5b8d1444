"""The slides of a report deck: a title slide, then one message per slide.

A report notebook displays one output per block (the report builders of
:mod:`kinerja.report.sections`): the title block (``kinerja-judul``), ``<h2>`` section headings,
``<h3>`` sub-headings, sentences and lists, tables (``kinerja-table``), charts
(``kinerja-chart``), notes (``kinerja-note``) and call-outs. :func:`build_slides` turns that
sequence into slides for a 16:9 deck (1280×720):

* a title slide: the report's name, the OPD (or the city) and the period, and the date the deck
  was made, in Indonesian;
* every section (``<h2>``) gives its title to its slides; its first sentences or list make one
  slide (so "Temuan Utama" is a slide of its own), each table and each chart is a slide of its
  own, a sentence directly before a table or chart is that slide's message, and a note or
  call-out after a table or chart stays on that slide;
* a sub-heading (``<h3>``, e.g. the training-impact result) starts a slide of its own.

What does not fit one slide is split in the browser (the deck's script, see the
``kinerja_slides`` template): a long table continues over several slides with its header
repeated and "(lanjutan)" in the caption, a long list likewise, and a chart is scaled to the
space left. The full tables stay in the HTML report.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

from kinerja.domain.months import BULAN

__all__ = ["Slide", "build_slides", "date_id", "notebook_blocks"]

#: Output mime type of the privacy counts (never shown); same as export.PRIVACY_MIME.
_PRIVACY_MIME = "application/vnd.kinerja.protect+json"
_REMOVE_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell", "remove_cell"})
_HEADING = re.compile(r"^\s*<(h[123])\b[^>]*>(.*?)</\1\s*>\s*$", re.IGNORECASE | re.DOTALL)
_LEADING_HEADING = re.compile(r"^\s*(<(h[123])\b[^>]*>.*?</\2\s*>)(.+)$", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_MD_HEADING = re.compile(r"^\s*(#{1,3})\s+(.+?)\s*$", re.MULTILINE)


def date_id(day: dt.date | None = None) -> str:
    """A date in Indonesian words: ``3 Desember 2026`` (default today)."""
    day = day or dt.date.today()
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


@dataclass
class Slide:
    """One slide: its kind (``judul``, ``isi``), section, heading and HTML blocks."""

    kind: str
    section: str = ""
    heading: str = ""
    blocks: list[str] = field(default_factory=list)
    #: True when the slide holds a table or a chart (then no second one is added).
    has_evidence: bool = False


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def _markdown(source: str) -> str:
    from nbconvert.filters.markdown import markdown2html

    return markdown2html(source)


def _output_html(out: Any) -> str | None:
    """The HTML of one output (``None`` when it shows nothing on a slide)."""
    kind = out.get("output_type")
    if kind == "stream":
        if out.get("name") == "stderr":
            return None
        text = out.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
        return f'<pre class="kinerja-teks">{html.escape(text)}</pre>' if text.strip() else None
    if kind not in ("display_data", "execute_result"):
        return None
    data = out.get("data", {})
    if set(data) <= {_PRIVACY_MIME}:
        return None

    def get(mime: str) -> str | None:
        value = data.get(mime)
        if value is None:
            return None
        return "".join(value) if isinstance(value, list) else str(value)

    if (value := get("text/html")) is not None:
        return value
    if (value := get("image/png")) is not None:
        return f'<figure class="kinerja-chart"><img src="data:image/png;base64,{value.strip()}" alt=""></figure>'
    if (value := get("image/svg+xml")) is not None:
        return f'<figure class="kinerja-chart">{value}</figure>'
    if (value := get("text/markdown")) is not None:
        return _markdown(value)
    if (value := get("text/plain")) is not None:
        return f'<pre class="kinerja-teks">{html.escape(value)}</pre>'
    return None


def notebook_blocks(nb: Any) -> list[str]:
    """The blocks a deck shows, in order: the HTML of every visible output and markdown cell.

    Code is never shown; cells tagged ``parameters``, ``injected-parameters`` or ``remove-cell``,
    ``stderr`` streams and the privacy counts are left out. A markdown cell is split at its
    ``#``–``###`` headings so that each heading is a block of its own.
    """
    blocks: list[str] = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _REMOVE_TAGS:
            continue
        if cell.cell_type == "markdown":
            source = cell.source
            starts = [m.start() for m in _MD_HEADING.finditer(source)]
            cuts = sorted({0, *starts, len(source)})
            for a, b in zip(cuts, cuts[1:], strict=False):
                part = source[a:b].strip()
                heading = _MD_HEADING.match(part)
                if heading and part.startswith("#"):
                    level = len(heading.group(1))
                    blocks.append(f"<h{level}>{html.escape(heading.group(2))}</h{level}>")
                    part = part[heading.end() :].strip()
                if part:
                    blocks.append(_markdown(part).strip())
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                value = _output_html(out)
                if value is None or not value.strip():
                    continue
                lead = _LEADING_HEADING.match(value)
                if lead:  # "<h2>Title</h2><p>...": the heading is a block of its own
                    blocks.extend([lead.group(1).strip(), lead.group(3).strip()])
                else:
                    blocks.append(value.strip())
    return blocks


def _is_evidence(block: str) -> bool:
    head = block[:400]
    return (
        "kinerja-table" in head
        or "kinerja-chart" in head
        or head.lstrip().startswith(("<table", "<figure", "<img"))
        or "<table" in block
        or "<img" in block
    )


def _is_note(block: str) -> bool:
    head = block[:300]
    return "kinerja-note" in head or "border-left" in head


def build_slides(nb: Any, *, title: str | None = None, made: dt.date | None = None) -> list[Slide]:
    """Cut an executed report notebook into slides (see the module docstring).

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    title : str, optional
        The report's title (for the title slide when the notebook has no title block).
    made : date, optional
        The date shown on the title slide (default today).

    Returns
    -------
    list of Slide
        The title slide first.
    """
    cover = Slide("judul")
    slides: list[Slide] = [cover]
    kicker = ""
    section = ""
    sub = ""  # the current <h3>: its later slides keep it as their heading
    current: Slide | None = None

    def new(heading: str = "") -> Slide:
        slide = Slide("isi", section=section, heading=heading or sub or section)
        slides.append(slide)
        return slide

    for block in notebook_blocks(nb):
        heading = _HEADING.match(block)
        if "kinerja-judul" in block[:200] and len(slides) == 1:
            cover.blocks.append(block)
            continue
        if heading:
            level, text = heading.group(1).lower(), _text(heading.group(2))
            if level == "h1":
                if not kicker:
                    kicker = text
                    continue
                section, sub, current = text, "", None
            elif level == "h2":
                section, sub, current = text, "", None
            else:
                sub = text
                current = new(text)
                current.section = section
            continue
        if len(slides) == 1 and not section and not cover.blocks and not _is_evidence(block):
            cover.blocks.append(block)  # the introduction under the report's title
            continue
        if _is_evidence(block):
            if current is None or current.has_evidence:
                current = new()
            current.blocks.append(block)
            current.has_evidence = True
        elif _is_note(block) and current is not None and current.blocks:
            current.blocks.append(block)
        else:
            if current is None or current.has_evidence:
                current = new()
            current.blocks.append(block)
    cover.heading = kicker or (title or "")
    if not any("disusun" in _text(b).lower() for b in cover.blocks):
        cover.blocks.append(f'<p class="tanggal">Disusun {date_id(made)}</p>')
    if not any("kinerja-judul" in b[:200] for b in cover.blocks) and title:
        cover.blocks.insert(0, f'<p class="judul-laporan">{html.escape(title)}</p>')
    return [s for s in slides if s.blocks or s.kind == "judul"]


def render_sections(slides: list[Slide]) -> str:
    """The ``<section>`` elements of a deck (the HTML inside ``.reveal .slides``)."""
    parts: list[str] = []
    for i, slide in enumerate(slides, start=1):
        body = "\n".join(slide.blocks)
        if slide.kind == "judul":
            parts.append(
                f'<section class="kinerja-slide kinerja-sampul" data-no="{i}">'
                f'<div class="kecil">{html.escape(slide.heading)}</div>'
                f'<div class="isi">{body}</div></section>'
            )
            continue
        kicker = (
            f'<div class="bagian">{html.escape(slide.section)}</div>'
            if slide.section and slide.section != slide.heading
            else ""
        )
        parts.append(
            f'<section class="kinerja-slide" data-no="{i}">'
            f'<header class="kepala">{kicker}<h2>{html.escape(slide.heading)}</h2></header>'
            f'<div class="isi">{body}</div></section>'
        )
    return "\n".join(parts)
