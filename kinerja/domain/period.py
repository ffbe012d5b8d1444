"""Evaluation periods as the data contract writes them.

``2026`` is a year, ``2026-TW1`` .. ``2026-TW4`` a quarter (triwulan), ``2026-01`` .. ``2026-12``
a month. A :class:`Periode` knows its first and last day, its previous period of the same kind,
and an Indonesian label for reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kinerja.domain.months import BULAN

#: Every date column after loading is ``datetime64[ns]``.
DATETIME_DTYPE = "datetime64[ns]"
_NS_LOW = pd.Timestamp("1678-01-01")
_NS_HIGH = pd.Timestamp("2261-12-31")


def to_ns(values: pd.Series) -> pd.Series:
    """Cast datetimes to ``datetime64[ns]``; values outside its range (years before 1678 or
    after 2261, e.g. a typo ``01/01/1019``) become NaT instead of raising."""
    if values.dtype == DATETIME_DTYPE:
        return values
    values = pd.Series(values)
    outside = (values < _NS_LOW) | (values > _NS_HIGH)
    if outside.any():
        values = values.where(~outside)
    return values.astype(DATETIME_DTYPE)


_PATTERN = re.compile(r"^\s*(\d{4})(?:-(?:(TW)([1-4])|(\d{2})))?\s*$", re.IGNORECASE)

_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Periode:
    """One evaluation period.

    Parameters
    ----------
    year : int
    kind : {"tahun", "triwulan", "bulan"}
    number : int
        Quarter 1..4 or month 1..12; 0 for a year.
    """

    year: int
    kind: Literal["tahun", "triwulan", "bulan"]
    number: int = 0

    @classmethod
    def parse(cls, text: str | int | Periode) -> Periode:
        """Parse ``2026``, ``2026-TW3`` or ``2026-07``; raise ``ValueError`` in Indonesian."""
        if isinstance(text, Periode):
            return text
        m = _PATTERN.match(str(text))
        if not m:
            raise ValueError(
                f"Periode tidak dikenal: {text!r} (contoh yang sah: 2026, 2026-TW1, 2026-07)"
            )
        year = int(m.group(1))
        if m.group(2):
            return cls(year, "triwulan", int(m.group(3)))
        if m.group(4):
            month = int(m.group(4))
            if not 1 <= month <= 12:
                raise ValueError(f"Periode tidak dikenal: {text!r} (bulan harus 01..12)")
            return cls(year, "bulan", month)
        return cls(year, "tahun", 0)

    def __str__(self) -> str:
        if self.kind == "triwulan":
            return f"{self.year}-TW{self.number}"
        if self.kind == "bulan":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def start(self) -> pd.Timestamp:
        """First day of the period (midnight)."""
        if self.kind == "triwulan":
            return pd.Timestamp(self.year, 3 * self.number - 2, 1)
        if self.kind == "bulan":
            return pd.Timestamp(self.year, self.number, 1)
        return pd.Timestamp(self.year, 1, 1)

    @property
    def end(self) -> pd.Timestamp:
        """Last day of the period (midnight of that day)."""
        if self.kind == "triwulan":
            return pd.Timestamp(self.year, 3 * self.number, 1) + pd.offsets.MonthEnd(0)
        if self.kind == "bulan":
            return pd.Timestamp(self.year, self.number, 1) + pd.offsets.MonthEnd(0)
        return pd.Timestamp(self.year, 12, 31)

    def contains(self, dates: pd.Series) -> pd.Series:
        """Boolean mask: which ``dates`` (datetime64) fall on a day of this period."""
        days = pd.to_datetime(dates).dt.normalize()
        return (days >= self.start) & (days <= self.end)

    def previous(self) -> Periode:
        """The period of the same kind just before this one."""
        if self.kind == "triwulan":
            if self.number == 1:
                return Periode(self.year - 1, "triwulan", 4)
            return Periode(self.year, "triwulan", self.number - 1)
        if self.kind == "bulan":
            if self.number == 1:
                return Periode(self.year - 1, "bulan", 12)
            return Periode(self.year, "bulan", self.number - 1)
        return Periode(self.year - 1, "tahun", 0)

    @property
    def label(self) -> str:
        """Indonesian label, e.g. ``Triwulan III 2026``, ``Juli 2026``, ``Tahun 2026``."""
        if self.kind == "triwulan":
            return f"Triwulan {_ROMAN[self.number - 1]} {self.year}"
        if self.kind == "bulan":
            return f"{BULAN[self.number - 1]} {self.year}"
        return f"Tahun {self.year}"


def filter_period(df: pd.DataFrame, column: str, periode: str | Periode | None) -> pd.DataFrame:
    """Rows of ``df`` whose ``column`` date falls in ``periode`` (all rows when ``None``)."""
    if periode is None:
        return df
    return df.loc[Periode.parse(periode).contains(df[column])]
