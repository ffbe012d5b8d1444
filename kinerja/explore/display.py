"""id-ID display of the exploring API's DataFrames (decimal comma, thousands dot, dd-mm-yyyy).

The tables :mod:`kinerja.explore` returns are plain :class:`pandas.DataFrame` objects; they carry
``df.attrs["kinerja"]`` (source, period, audience, what was hidden). :func:`styled` turns one into
a :class:`pandas.io.formats.style.Styler` with Indonesian number and date formats and a caption;
:func:`install` registers it with IPython, so a notebook shows every such frame (and the frames
filtered from it, which keep ``attrs``) that way, while every other DataFrame looks as usual.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from kinerja.domain.numbers import MISSING, fmt_int, fmt_number

__all__ = ["ATTR", "install", "styled"]

#: ``df.attrs`` key of the exploring API's description of a table
ATTR = "kinerja"
#: rows shown in a notebook before the table is cut (the DataFrame itself is never cut)
MAX_ROWS = 30


def _date_format(value: Any) -> str:
    if pd.isna(value):
        return MISSING
    ts = pd.Timestamp(value)
    if ts == ts.normalize():
        return ts.strftime("%d-%m-%Y")
    return ts.strftime("%d-%m-%Y %H:%M")


def _bool_format(value: Any) -> str:
    if pd.isna(value):
        return MISSING
    return "ya" if bool(value) else "tidak"


def styled(df: pd.DataFrame, *, max_rows: int = MAX_ROWS) -> Any:
    """A Styler of ``df`` in id-ID: ``1.234,56`` (two decimals, :func:`kinerja.domain.numbers.
    fmt_number`), whole numbers ``1.234``, dates ``28-11-2026``, ``ya``/``tidak``, empty ``–``.

    Parameters
    ----------
    df : DataFrame
        Any frame; the caption comes from ``df.attrs["kinerja"]`` when present.
    max_rows : int
        Rows shown; a longer frame shows its first ``max_rows`` and says how many there are.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    info = df.attrs.get(ATTR) or {}
    shown = df.head(max_rows)
    formats: dict[Any, Any] = {}
    for col in shown.columns:
        dtype = shown[col].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            formats[col] = _date_format
        elif pd.api.types.is_bool_dtype(dtype):
            formats[col] = _bool_format
        elif pd.api.types.is_integer_dtype(dtype):
            formats[col] = fmt_int
        elif pd.api.types.is_float_dtype(dtype):  # numpy and nullable (Float64) floats
            formats[col] = fmt_number
    styler = shown.style.format(na_rep=MISSING)
    if formats:
        styler = styler.format(formats, na_rep=MISSING)
    styler = styler.hide(axis="index")
    caption = [info.get("judul", "")]
    meta = " · ".join(str(x) for x in (info.get("periode_label"), info.get("audiens")) if x)
    if meta:
        caption.append(meta)
    if len(df) > max_rows:
        caption.append(f"{max_rows} dari {len(df):,} baris ditampilkan".replace(",", "."))
    if info.get("catatan"):
        caption.append(str(info["catatan"]))
    text = " — ".join(html.escape(c) for c in caption if c)
    if text:
        styler = styler.set_caption(text).set_table_styles(
            [
                {
                    "selector": "caption",
                    "props": "caption-side: bottom; color: #555; text-align: left",
                }
            ]
        )
    return styler


def _html(df: pd.DataFrame) -> str | None:
    if isinstance(df.attrs.get(ATTR), dict):
        return styled(df).to_html()
    return df._repr_html_()  # every other DataFrame as pandas shows it


def install() -> bool:
    """Show the exploring API's frames in id-ID in the running IPython kernel.

    Returns True when registered (False outside IPython, e.g. a script).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _html)
    return True
