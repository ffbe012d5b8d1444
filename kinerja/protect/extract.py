"""The text a reader could see in an output file: HTML, JSON/notebooks, xlsx, data frames."""

from __future__ import annotations

import contextlib
import html
import io
import re
import zipfile
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pandas as pd

# notebook output MIME types whose payload is binary (base64), not text a reader sees
_BINARY_MIME = re.compile(r"^(image/(?!svg)|audio/|video/|application/(pdf|octet-stream))")


def is_present(v: object) -> bool:
    """True when ``v`` is a real value: not None, NaN, NA or blank."""
    return (
        v is not None
        and not (isinstance(v, float) and np.isnan(v))
        and v is not pd.NA
        and str(v).strip() != ""
    )


def decode_bytes(data: bytes) -> str:
    """``data`` as text: UTF-8 (BOM removed), else cp1252 with replacement characters."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


#: Between two cells of a table in the text that is scanned: "|" is neither a NIP separator nor
#: allowed between the words of a name, so neither can run from one cell into the next.
CELL_BREAK = "\n|\n"


def frame_text(df: pd.DataFrame) -> str:
    """Headers, index labels and every cell of ``df`` as one text, for scanning."""
    parts = [" | ".join(map(str, df.columns)), " | ".join(map(str, df.index))]
    for col in df.columns:
        parts.append(CELL_BREAK.join(map(str, df[col].tolist())))
    return CELL_BREAK.join(parts)


def json_strings(obj: Any, key: str = "") -> Iterable[str]:
    """Every string, key and integer of a JSON document, skipping binary payloads (``image/png``)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            if isinstance(k, str) and _BINARY_MIME.match(k):
                continue
            yield from json_strings(v, str(k))
    elif isinstance(obj, list):
        for x in obj:
            yield from json_strings(x, key)
    elif isinstance(obj, bool) or obj is None:
        return
    elif isinstance(obj, int):
        yield str(obj)
    elif isinstance(obj, float):
        yield repr(obj)
    else:
        yield str(obj)


def xlsx_texts(data: bytes) -> Iterable[str]:
    """Cell values, comments, sheet titles and document properties of an xlsx workbook."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        # an unreadable workbook cannot be shown to be clean: refuse rather than pass it
        raise ValueError(
            f"Berkas Excel tidak dapat dibaca untuk pemeriksaan data pribadi: {exc}"
        ) from exc
    try:
        props = wb.properties
        for attr in ("creator", "title", "subject", "description", "keywords", "lastModifiedBy"):
            value = getattr(props, attr, None)
            if value:
                yield str(value)
        for ws in wb.worksheets:
            yield ws.title
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if (
                        isinstance(value, float)
                        and 1e17 <= abs(value) < 1e18
                        and value.is_integer()
                    ):
                        # a NIP written as a number: Excel keeps 15 significant digits, the rest
                        # is rounded, but the birth date and TMT are still there
                        yield str(int(value))
                    elif value is not None:
                        yield str(value)
                    if cell.comment is not None:
                        yield cell.comment.text
            yield ""
    finally:
        wb.close()


#: Tags that start a new cell, line or block: their text never runs into the next one.
_BLOCK_TAGS = frozenset(
    [
        "td",
        "th",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "li",
        "ul",
        "ol",
        "p",
        "div",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "pre",
        "blockquote",
        "dt",
        "dd",
        "dl",
        "figure",
        "figcaption",
        "title",
        "option",
        "script",
        "style",
        "text",
        "tspan",
        "g",
        "svg",
    ]
)


class TextCollector(HTMLParser):
    """Visible text and attribute values of an HTML page, tags removed.

    Inline tags (``<b>``, ``<span>``) become a space, so a name split by them is still read as
    one; cell and block tags become :data:`CELL_BREAK`, so numbers in neighbouring table cells
    are never read as one NIP.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _boundary(self, tag: str) -> str:
        return CELL_BREAK if tag in _BLOCK_TAGS else " "

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self._boundary(tag))
        for _, value in attrs:
            if value:
                self.parts.append(CELL_BREAK + value + CELL_BREAK)

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(self._boundary(tag))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# -- the visible text of a page, without html.parser for the pages kinerja writes ----------------
#
# TextCollector walks a page in pure Python, one call per tag: most of the time of the gate on
# an SVG-heavy page. The pages kinerja writes use a small part of HTML: text, a "<!DOCTYPE>",
# start tags whose attributes are separated by ASCII whitespace and have a quoted value ("..."
# or '...', right after "=") or none, "<x/>", plain end tags "</x>", and <style>/<script>
# blocks. For a page made only of these, visible_text() reads it with one regular expression
# and gives exactly what TextCollector gives (tests/protect/test_gate_fast.py compares both on
# generated and hostile pages). At the first "<" that starts anything else (a comment,
# "<![CDATA[", an unquoted value, "a < b", "</x >", an unterminated tag or <script>...) the
# whole page is handed to TextCollector.

_WS = "[ \t\n\r\f]"
_FAST_TOKEN_RE = re.compile(
    "(?P<text>[^<]+)"
    f"|(?P<start><(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)"
    f"(?P<attrs>(?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"]*\"|='[^']*')?)*){_WS}*"
    "(?P<empty>/?)>)"
    "|(?P<end></(?P<endtag>[a-zA-Z][a-zA-Z0-9-]*)>)"
    "|(?P<decl><![dD][oO][cC][tT][yY][pP][eE][^>]*>)"
)
_FAST_VALUE_RE = re.compile("=\"([^\"]*)\"|='([^']*)'")
# the end of a <script> or <style> block, as html.parser looks for it (set_cdata_mode)
_CDATA_END_RE = {tag: re.compile(rf"</\s*{tag}\s*>", re.I) for tag in ("script", "style")}


def _fast_visible_text(page: str) -> str | None:
    """TextCollector's text of ``page``, or ``None`` when ``page`` is not made only of the
    constructs listed above (then TextCollector must read it)."""
    parts: list[str] = []
    append = parts.append
    match = _FAST_TOKEN_RE.match
    pos, n = 0, len(page)
    while pos < n:
        m = match(page, pos)
        if m is None:
            return None
        kind = m.lastgroup
        pos = m.end()
        if kind == "text":
            append(html.unescape(m.group()))
        elif kind == "start":
            tag = m.group("tag").lower()
            boundary = CELL_BREAK if tag in _BLOCK_TAGS else " "
            append(boundary)
            attrs = m.group("attrs")
            if "=" in attrs:
                for double, single in _FAST_VALUE_RE.findall(attrs):
                    value = html.unescape(double or single)
                    if value:
                        append(CELL_BREAK + value + CELL_BREAK)
            if m.group("empty"):
                append(boundary)  # "<x/>": its end tag too
            elif tag in _CDATA_END_RE:  # raw text up to its end tag, entities kept
                end = _CDATA_END_RE[tag].search(page, pos)
                if end is None:
                    return None
                if end.start() > pos:
                    append(page[pos : end.start()])
                append(boundary)
                pos = end.end()
        elif kind == "end":
            append(CELL_BREAK if m.group("endtag").lower() in _BLOCK_TAGS else " ")
    return "".join(parts)


def _collected_text(page: str) -> str:
    """The text TextCollector collects from ``page`` (what it has when the parser fails)."""
    collector = TextCollector()
    with contextlib.suppress(Exception):
        collector.feed(page)
        collector.close()
    return "".join(collector.parts)


#: a page with every construct the fast reading takes; the fast reading is used only when it
#: reads this page exactly as html.parser of the running Python does
_CANARY = (
    '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>A &amp; <b>B</b></title>'
    "<style>p > b { content: '&amp;</b>'; }</STYLE >"
    '<script type="x">if (a < b && c) { d = "</div>"; }</script>'
    '</head><body class=\'k\' hidden data-x="" data-y="&lt;i&gt;" data-z="a=\'b\'" '
    "data-w='\"x > y\"' data-v=''>Bu&shy;di"
    '<svg viewBox="0 0 10 10"><text x="1">19671110&#32;199203</text><rect x="1"/>'
    '<path d="M1 2"\n  /></svg><td>x</td><BR/><Br><span\tid="s"  >S&eacute;</span>'
    "&amp &lt;&notin &#x41;&#0;&#xD800;&#1;</body></html>\r\nteks &amp"
)
_FAST_ENABLED: list[bool] = []


def _fast_reading_agrees() -> bool:
    """Whether the fast reading gives TextCollector's text on :data:`_CANARY` (once)."""
    if not _FAST_ENABLED:
        _FAST_ENABLED.append(
            HTMLParser.CDATA_CONTENT_ELEMENTS == ("script", "style")
            and not hasattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS")
            and _fast_visible_text(_CANARY) == _collected_text(_CANARY)
        )
    return _FAST_ENABLED[0]


def visible_text(page: str) -> str:
    """The visible text and attribute values of an HTML page, as :class:`TextCollector` reads
    them (``"".join(collector.parts)`` after ``feed`` and ``close``; what it has read so far
    when the parser fails).

    The pages kinerja writes are read by one regular expression (the same text, several times
    faster); any other page by :class:`TextCollector`.
    """
    if _fast_reading_agrees():
        text = _fast_visible_text(page)
        if text is not None:
            return text
    return _collected_text(page)


class _Tables(HTMLParser):
    """Every ``<table>`` of a page: its caption, header cells and body rows, as visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, Any]] = []
        self._stack: list[dict[str, Any]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append({"judul": "", "kepala": [], "baris": []})
        elif not self._stack:
            return
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        table = self._stack[-1]
        if tag == "caption" and self._caption is not None:
            table["judul"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._head and not table["kepala"]:
                table["kepala"] = self._row
            else:
                table["baris"].append(self._row)
            self._row = None
        elif tag == "thead":
            self._head = False
        elif tag == "table":
            self.tables.append(self._stack.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def html_tables(html_text: str) -> list[dict[str, Any]]:
    """The tables of an HTML page as ``{"judul", "kepala", "baris"}`` (caption, header cells,
    body rows; every text with its whitespace collapsed), in document order."""
    parser = _Tables()
    parser.feed(html_text)
    parser.close()
    return parser.tables
