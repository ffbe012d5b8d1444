"""The text a reader could see in an output file: HTML, JSON/notebooks, xlsx, data frames."""

from __future__ import annotations

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
