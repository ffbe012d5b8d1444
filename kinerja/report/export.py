"""Offline, code-free HTML reports and reveal.js slide decks from executed notebooks.

Forum rooms often have no internet, so every file written here opens offline:

* nbconvert's default HTML loads require.js, MathJax, mermaid and the widget manager from public
  CDNs; the ``kinerja_html`` template (``kinerja/templates/``) empties those blocks and keeps the
  lab CSS inlined.
* nbconvert's slides load reveal.js from a CDN and turn a report into a few tall pages that
  scroll. The deck is built here instead: :mod:`kinerja.report.deck` cuts the report into
  slides (title slide, one message per slide) and the ``kinerja_slides/deck.html.j2`` template
  renders a 16:9 (1280×720) reveal.js deck whose script splits long tables and lists over
  several slides and scales charts, so that no slide scrolls. reveal.js is not on PyPI (Voila
  ships only a webpack bundle of its own), so reveal.js 5.2.1 ``dist/reveal.js``,
  ``reveal.css`` and the ``white`` theme (MIT licence) are vendored in
  ``kinerja/report/templates/revealjs/`` and inlined.
* Images are already embedded as base64 in notebook outputs; nothing is linked.
* As a last safety net :func:`strip_remote_refs` removes any remaining remote ``<script src>``,
  ``<link href>`` or CSS ``@import``, and :func:`remote_references` lists them for tests.

Code is never shown: input cells, prompts, papermill's parameter cells, ``stderr`` streams and
cells tagged ``remove-cell`` are dropped. The exporters are used in-process (about 0.015 s per
notebook after the first, versus about 2 s per ``jupyter nbconvert`` call).
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from kinerja.data.atomic import atomic_write_text
from kinerja.domain.resources import templates_dir

__all__ = [
    "REMOVE_TAGS",
    "TEMPLATES_DIR",
    "atomic_write_text",
    "export_html",
    "export_slides",
    "remote_references",
    "strip_remote_refs",
    "suppressed_cells",
    "without_static_assets",
    "write_exports",
]

#: nbconvert templates shipped with the package (:func:`kinerja.domain.resources.templates_dir`).
TEMPLATES_DIR = templates_dir()
#: Cells with one of these tags never appear in HTML or slides.
REMOVE_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell", "remove_cell"})
#: Output mime type through which a notebook reports its number of suppressed cells
#: (``{"suppressed_cells": n}``); summed by :func:`suppressed_cells`.
PRIVACY_MIME = "application/vnd.kinerja.protect+json"

_REMOTE = r"""(?:https?:)?//"""
_SCRIPT_SRC = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?\s*""" + _REMOTE + r"""[^>]*>\s*</script\s*>""",
    re.IGNORECASE,
)
_LINK_HREF = re.compile(
    r"""<link\b[^>]*\bhref\s*=\s*["']?\s*""" + _REMOTE + r"""[^>]*>""", re.IGNORECASE
)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?\s*""" + _REMOTE + r"""[^;]*;""", re.I)
_ES_IMPORT = re.compile(r"""\bimport\b[^;'"]*?\bfrom\s*["']\s*""" + _REMOTE + r"""[^"']*["']""")
# what a browser would fetch: script src, stylesheet/preload links, CSS imports, ES imports
_REF_PATTERNS = (
    re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?\s*""" + _REMOTE + r"""[^>]*>""", re.I),
    _LINK_HREF,
    _CSS_IMPORT,
    _ES_IMPORT,
)


def remote_references(html: str) -> list[str]:
    """List remote scripts, stylesheets and imports an HTML page would load (empty when offline).

    Plain ``<a href="https://...">`` links are not counted: they load nothing.
    """
    found: list[str] = []
    for pattern in _REF_PATTERNS:
        found.extend(m.group(0)[:200] for m in pattern.finditer(html))
    return found


def strip_remote_refs(html: str) -> str:
    """Remove remote ``<script src>``, ``<link href>``, CSS ``@import`` and ES module imports."""
    html = _SCRIPT_SRC.sub("", html)
    html = _LINK_HREF.sub("", html)
    html = _CSS_IMPORT.sub("", html)
    return _ES_IMPORT.sub("", html)


class _DropCodeTraces(Preprocessor):
    """Drop stderr streams (warnings, logs) and privacy-count outputs; hide every input."""

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                and not (set(o.get("data", {})) <= {PRIVACY_MIME} and o.get("data"))
            ]
            meta = cell.setdefault("metadata", {})
            meta.setdefault("jupyter", {})["source_hidden"] = True
        return cell, resources


@cache
def _reveal_assets() -> dict[str, str]:
    folder = TEMPLATES_DIR / "revealjs"
    js = (folder / "reveal.js").read_text(encoding="utf-8")
    # a literal "</script" inside inlined JS would end the element early
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    return {
        "reveal_js": js,
        "reveal_css": (folder / "reveal.css").read_text(encoding="utf-8"),
        "theme_css": (folder / "white.css").read_text(encoding="utf-8"),
    }


def _exporter(kind: str) -> Any:
    from nbconvert import HTMLExporter

    if kind != "html":
        raise ValueError(f"unknown exporter {kind!r}")
    exporter = HTMLExporter(
        template_name="kinerja_html",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        theme="light",
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVE_TAGS), enabled=True), enabled=True
    )
    exporter.register_preprocessor(_DropCodeTraces(enabled=True), enabled=True)
    return exporter


@cache
def _cached_exporter(kind: str) -> Any:
    return _exporter(kind)


def _as_node(nb: Any) -> Any:
    if isinstance(nb, (str, os.PathLike)):
        return nbformat.read(nb, as_version=4)
    return nbformat.from_dict(nb)  # a deep copy: exporters must not touch the caller's notebook


def export_html(nb: Any, *, title: str | None = None) -> str:
    """Render an executed notebook as one offline, code-free HTML page.

    Parameters
    ----------
    nb : NotebookNode, dict or path
        The executed notebook.
    title : str, optional
        Page title (default: the notebook's ``metadata.title`` or its name).

    Returns
    -------
    str
        HTML with no input cells, no prompts, inlined CSS, embedded images and no remote script
        or stylesheet.
    """
    node = _as_node(nb)
    if title:
        node.metadata["title"] = title
    body, _ = _cached_exporter("html").from_notebook_node(node)
    return strip_remote_refs(body)


@cache
def _deck_template() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "kinerja_slides")),
        autoescape=False,  # the blocks are the report's HTML; the title is escaped in the template
        keep_trailing_newline=True,
    )
    return env.get_template("deck.html.j2")


def export_slides(nb: Any, *, title: str | None = None) -> str:
    """Render an executed notebook as an offline 16:9 reveal.js deck (one HTML file).

    The slides come from :func:`kinerja.report.deck.build_slides`: a title slide (report, OPD
    or city, period, date in Indonesian), then one message per slide (the "Temuan Utama"
    list, each table, each chart with its sentence, each sub-section such as the training
    impact). In the browser, slides that do not fit 1280×720 are split (tables and lists
    continue on the next slide) or their chart is scaled, before reveal.js starts.
    """
    from kinerja.report.deck import build_slides, render_sections

    node = _as_node(nb)
    title = title or node.metadata.get("title") or "Laporan"
    slides = build_slides(node, title=title)
    doc = _deck_template().render(
        title=title, reveal=_reveal_assets(), sections=render_sections(slides)
    )
    return strip_remote_refs(doc)


@cache
def _static_assets() -> tuple[str, ...]:
    """Exact text of the shipped CSS/JS that the templates inline (no report content)."""
    import jupyter_core.paths

    texts = list(_reveal_assets().values())
    names = (
        "lab/static/index.css",
        "lab/static/theme-light.css",
    )
    for base in jupyter_core.paths.jupyter_path("nbconvert", "templates"):
        for name in names:
            path = Path(base) / name
            if path.is_file():
                texts.append(path.read_text(encoding="utf-8"))
    # longest first, so that no asset is cut by the removal of a shorter one
    return tuple(sorted({t for t in texts if len(t) > 1000}, key=len, reverse=True))


def without_static_assets(doc: str) -> str:
    """``doc`` without the inlined template CSS/JS (reveal.js, JupyterLab CSS).

    Those assets are shipped files, identical in every report; removing them before the
    personal-data scan keeps the scan on what comes from the notebook (it is most of the bytes of
    a deck, and scanning it costs seconds per report).
    """
    for asset in _static_assets():
        doc = doc.replace(asset, "")
    return doc


def suppressed_cells(nb: Any) -> int | None:
    """Suppressed-cell count of a report, as recorded by the privacy layer.

    Read from ``nb.metadata["kinerja"]["suppressed_cells"]`` when present, otherwise summed over
    outputs of mime type :data:`PRIVACY_MIME` (``{"suppressed_cells": n}``); ``None`` when the
    notebook records neither.
    """
    node = nb if hasattr(nb, "metadata") else _as_node(nb)
    meta = node.metadata.get("kinerja", {})
    if isinstance(meta, dict) and isinstance(meta.get("suppressed_cells"), int):
        return int(meta["suppressed_cells"])
    total, seen = 0, False
    for cell in node.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {}).get(PRIVACY_MIME)
            if isinstance(data, dict) and isinstance(data.get("suppressed_cells"), int):
                total += data["suppressed_cells"]
                seen = True
    return total if seen else None


def write_exports(
    nb: Any, html_path: str | os.PathLike[str], slides_path: str | os.PathLike[str], *, title: str
) -> None:
    """Write the HTML report and the slide deck of one executed notebook, atomically."""
    node = _as_node(nb)
    atomic_write_text(html_path, export_html(node, title=title))
    atomic_write_text(slides_path, export_slides(node, title=title))
