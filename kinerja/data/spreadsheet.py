"""Cells that a spreadsheet never runs: the OWASP rule for CSV and xlsx outputs.

Kept in the data layer so that every writer uses it, the quarantine files of
:meth:`kinerja.data.dataset.Dataset.write_quarantine` included; :mod:`kinerja.protect` re-exports
it.
"""

from __future__ import annotations

import pandas as pd

# OWASP "CSV injection": a spreadsheet treats a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Make one spreadsheet/CSV cell inert (OWASP's recommendation for CSV injection).

    Parameters
    ----------
    value
        Any cell value. Only strings are changed.

    Returns
    -------
    object
        A string that begins with ``= + - @``, a tab or a carriage return gets a leading
        apostrophe, so Excel/LibreOffice show it as text instead of evaluating it; numbers,
        dates and missing values are returned unchanged.

    Examples
    --------
    >>> neutralise_cell('=HYPERLINK("http://x","klik")')
    '\\'=HYPERLINK("http://x","klik")'
    >>> neutralise_cell(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells and column labels are neutralised for CSV/Excel.

    Parameters
    ----------
    df
        Any table about to be written to CSV or a spreadsheet.

    Returns
    -------
    pandas.DataFrame
        Same shape and dtypes for non-text columns; text columns pass through
        :func:`neutralise_cell`.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


__all__ = ["neutralise_cell", "neutralise_frame"]
