"""Indonesian (id-ID) number text: ``1.234,56``, ``87,5%``, half-up rounding, an en dash for missing.

The lowest layer owns this formatter because both the metrics (warning texts that quote a
threshold, :mod:`kinerja.metrics.skp`) and the report use it; :mod:`kinerja.report.formatting`
re-exports it together with the date formatting and column labels. Conventions (see there):
half-up rounding through the shortest decimal representation of a float, percent units
(``87.5 -> "87,5%"``) and :data:`MISSING` for ``None``/``NaN``/``pd.NA``/``NaT``.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

LOCALE = "id_ID"
MISSING = "–"

__all__ = ["LOCALE", "MISSING", "fmt_int", "fmt_number", "fmt_percent", "is_missing"]


def is_missing(x: Any) -> bool:
    """True for ``None``, ``NaN``, ``pd.NA`` and ``NaT`` (shown as :data:`MISSING`)."""
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _to_decimal(x: Any) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError("Nilai boolean tidak dapat diformat sebagai angka")
    try:
        # repr of a float is its shortest round-tripping decimal: 88.305 -> "88.305".
        if isinstance(x, numbers.Integral):
            return Decimal(int(x))
        return Decimal(repr(float(x)))
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise TypeError(f"Nilai bukan angka: {x!r}") from exc


def _quantize(x: Any, decimals: int) -> Decimal:
    if decimals < 0:
        raise ValueError(f"Jumlah desimal tidak boleh negatif: {decimals}")
    q = Decimal(1).scaleb(-decimals)
    d = _to_decimal(x).quantize(q, rounding=ROUND_HALF_UP)
    return abs(d) if d == 0 else d  # never print "-0,00"


def fmt_number(x: Any, decimals: int = 2) -> str:
    """Format a number id-ID with exactly ``decimals`` decimals: ``1234.565 -> "1.234,57"``."""
    if is_missing(x):
        return MISSING
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "-∞"
    d = _quantize(x, decimals)
    # id-ID separators on Python's own formatting of the quantized value: the same text as
    # babel's format_decimal with the "#,##0.00" pattern (checked on 240 000 values) without
    # parsing the pattern on every call, which made charts and pages with thousands of labels slow
    return f"{d:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_int(x: Any) -> str:
    """Format a whole number id-ID: ``4512 -> "4.512"`` (half-up when given a fraction)."""
    return fmt_number(x, decimals=0)


def fmt_percent(x: Any, decimals: int = 1) -> str:
    """Format a value **in percent units**: ``87.5 -> "87,5%"``, ``100 -> "100,0%"``.

    Parameters
    ----------
    x : number
        Percent (0..100), not a share 0..1: every ``persen_*`` column in kinerja is in percent.
    decimals : int, default 1
    """
    if is_missing(x):
        return MISSING
    return fmt_number(x, decimals=decimals) + "%"
