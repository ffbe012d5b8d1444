"""Hostile citizen text made inert wherever it is rendered (HTML, Markdown, styled tables)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kinerja.data.spreadsheet import neutralise_cell, neutralise_frame

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


_SCHEME_RE = re.compile(r"(?i)\b(javascript|vbscript|livescript)(\s*):")
# ">" and "<" are left to html.escape: a backslash before "&gt;" would show the entity literally
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def escape_text(s: object, *, markdown: bool = False) -> str:
    """Make citizen text inert wherever it is rendered.

    Parameters
    ----------
    s
        Any value; ``None``/NA give ``""``.
    markdown
        Also backslash-escape Markdown syntax (for text placed in a Markdown cell or slide), so
        ``[klik](javascript:...)`` never becomes a link.

    Returns
    -------
    str
        ``html.escape(s, quote=True)``; dangerous URL schemes (``javascript:``, ``vbscript:``)
        get their colon written as ``&#58;`` so no auto-linker can turn them into a
        link (the text still reads the same).
    """
    if s is None or s is pd.NA or (isinstance(s, float) and np.isnan(s)):
        return ""
    text = str(s)
    if markdown:
        text = _MD_SPECIAL.sub(r"\\\1", text)
    text = html.escape(text, quote=True)
    return _SCHEME_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}&#58;", text)


def escape_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Copy of ``df`` with text columns (or ``columns``) passed through :func:`escape_text`.

    For renderers that do not escape (ipywidgets ``HTML``, hand-built HTML). Do not pass the
    result to an escaping renderer too, or text is escaped twice.
    """
    cols = (
        list(columns)
        if columns is not None
        else [
            c
            for c in df.columns
            if pd.api.types.is_object_dtype(df[c].dtype)
            or pd.api.types.is_string_dtype(df[c].dtype)
        ]
    )
    out = df.copy()
    for c in cols:
        out[c] = out[c].map(escape_text).astype(object)
    return out


def safe_html_table(df: pd.DataFrame, **kwargs: Any) -> str:
    """``df.to_html`` with escaping forced on (cells, headers and index are escaped)."""
    if kwargs.get("escape") is False:
        raise ValueError("safe_html_table tidak boleh dipanggil dengan escape=False.")
    kwargs["escape"] = True
    kwargs.setdefault("border", 0)
    kwargs.setdefault("na_rep", "")
    out = df.to_html(**kwargs)
    return _SCHEME_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}&#58;", out)


def safe_styler(df: pd.DataFrame) -> Styler:
    """``df.style`` with HTML escaping of cells and headers (a plain Styler does not escape)."""
    styler = df.style.format(escape="html", na_rep="")
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return styler


class _LiveMarkup(HTMLParser):
    def __init__(self, markers: Sequence[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.markers = [m.casefold() for m in markers]
        self.findings: list[str] = []
        self._in_script = False

    def _marked(self, text: str) -> bool:
        t = text.casefold()
        return not self.markers or any(m in t for m in self.markers)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
        for name, value in attrs:
            v = value or ""
            if name.startswith("on") and self._marked(v):
                self.findings.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and re.match(
                r"\s*(javascript|vbscript)\s*:", v, re.I
            ):
                self.findings.append(f"<{tag} {name}={v[:30]!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and self.markers and self._marked(data):
            self.findings.append(f"<script>{data.strip()[:40]}</script>")


def find_live_markup(html_text: str, markers: Sequence[str] = ("alert(",)) -> list[str]:
    """Live markup in an HTML page that carries one of ``markers`` (planted payload strings).

    Finds event-handler attributes (``onerror``, ``onload`` ...) and ``<script>`` bodies containing
    a marker, and any ``javascript:``/``vbscript:`` URL in ``href``/``src``/``action``. An escaped
    payload (``&lt;script&gt;``) is text and is not reported. With ``markers=()`` every
    event-handler attribute is reported (inline scripts of a template are then ignored).
    """
    parser = _LiveMarkup(markers)
    parser.feed(html_text)
    parser.close()
    return parser.findings


# neutralise_cell / neutralise_frame live in the data layer (kinerja.data.spreadsheet) so the
# quarantine writer uses them too; they are part of this module's API.


__all__ = [
    "escape_frame",
    "escape_text",
    "find_live_markup",
    "neutralise_cell",
    "neutralise_frame",
    "safe_html_table",
    "safe_styler",
]
