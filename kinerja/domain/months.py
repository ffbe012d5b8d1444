"""Indonesian month names, full and short, in calendar order (index 0 = Januari).

The one copy of these names in kinerja: period labels (``Maret 2026``), chart axes and table
headers (``Mar 26``) import them from here. Dates written out in full (``28 November 2026``) are
formatted by babel's ``id_ID`` locale (:mod:`kinerja.report.formatting`), whose month names are
the same.
"""

from __future__ import annotations

__all__ = ["BULAN", "BULAN_SINGKAT"]

BULAN: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
#: Three-letter forms used on chart axes and in column headers (``Agu``, not ``Agt``).
BULAN_SINGKAT: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)
