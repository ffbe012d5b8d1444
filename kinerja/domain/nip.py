r"""NIP (PNS) and NI PPPK: normalise, parse, validate (reference.md §5.1, §5.2).

PNS (§5.1, confirmed): ``YYYYMMDD`` birth date + ``YYYYMM`` TMT CPNS + ``G`` sex (1 male,
2 female) + ``NNN`` serial, regex ``^(\d{8})(\d{6})([12])(\d{3})$`` (ASCII digits).

PPPK (§5.2, **likely**, a single source): ``YYYYMMDD`` birth date + ``YYYY`` TMT year + ``2``
(PPPK marker) + ``F`` appointment phase 1..9 + ``G`` sex + ``NNN`` serial.

Positions 13-14 tell the two apart: a PNS TMT month is ``01``..``12``, a PPPK number has the
marker ``2`` followed by a phase ``1``..``9`` (``21``..``29``), so no number is valid under both.

The checks "TMT after the 18th birthday" and "serial not 000" are suggested heuristics in
§5.1, not rules: they produce warnings (:func:`nip_warnings`), never a rejection.
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pandas as pd

from kinerja.domain.period import to_ns

NipKind = Literal["PNS", "PPPK"]

_PNS = re.compile(r"^([0-9]{8})([0-9]{6})([12])([0-9]{3})$")
_PPPK = re.compile(r"^([0-9]{8})([0-9]{4})2([1-9])([12])([0-9]{3})$")
_WS = re.compile(r"\s+")


def normalize_nip(nip: object) -> str:
    """Remove all whitespace (``"19670610 198901 1 003"`` -> ``"196706101989011003"``).

    A leading apostrophe, which Excel users type to keep an 18-digit number as text, is removed
    too. Numbers (from a spreadsheet cell) are written without decimals.
    """
    if nip is None or (isinstance(nip, float) and np.isnan(nip)):
        return ""
    if isinstance(nip, (int, np.integer)):
        return str(int(nip))
    text = _WS.sub("", str(nip))
    return text[1:] if text.startswith("'") else text


def _valid_date(text: str) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y%m%d"))
    except (ValueError, OverflowError):
        return None


def _kind(nip: str) -> NipKind:
    """Layout recognised from digit 13: a PNS TMT month starts with 0 or 1, PPPK has 2."""
    return "PPPK" if len(nip) > 12 and nip[12] == "2" else "PNS"


def _problem(nip: str, status: NipKind | None) -> str | None:
    """Indonesian reason why ``nip`` (normalised) is not valid, or ``None``."""
    if not nip.isdigit() or not nip.isascii():
        return "NIP harus berupa angka"
    if len(nip) != 18:
        return f"NIP harus 18 digit, bukan {len(nip)}"
    kind = status or _kind(nip)
    if _valid_date(nip[:8]) is None:
        return f"tanggal lahir dalam NIP tidak sah ({nip[:8]})"
    if kind == "PNS":
        if _valid_date(nip[8:14] + "01") is None:
            return f"TMT dalam NIP tidak sah ({nip[8:12]}-{nip[12:14]})"
        if nip[14] not in "12":
            return f"digit jenis kelamin NIP harus 1 atau 2, bukan {nip[14]}"
        return None
    if nip[12] != "2":
        return f"NI PPPK: digit ke-13 harus 2 (penanda PPPK), bukan {nip[12]}"
    if nip[13] == "0":
        return "NI PPPK: digit tahap pengangkatan harus 1..9, bukan 0"
    if _valid_date(nip[8:12] + "0101") is None:
        return f"NI PPPK: tahun TMT tidak sah ({nip[8:12]})"
    if nip[14] not in "12":
        return f"digit jenis kelamin NIP harus 1 atau 2, bukan {nip[14]}"
    return None


def parse_nip(nip: object, status: NipKind | None = None) -> dict[str, object]:
    """Parse a NIP (PNS) or NI PPPK.

    Parameters
    ----------
    nip : str or int
        With or without spaces.
    status : {"PNS", "PPPK"}, optional
        Expected layout; by default the layout is recognised from digits 13-14.

    Returns
    -------
    dict
        ``nip`` (normalised), ``kind`` ("PNS"/"PPPK"), ``birth_date`` (Timestamp),
        ``tmt`` ("YYYY-MM" for PNS, "YYYY" for PPPK), ``tmt_year``, ``tmt_month`` (None for PPPK),
        ``phase`` (PPPK only, else None), ``sex`` (1 or 2), ``jenis_kelamin``
        ("Laki-laki"/"Perempuan"), ``serial`` ("001").

    Raises
    ------
    ValueError
        In Indonesian, naming the value and what is wrong.

    Examples
    --------
    >>> parse_nip("19670610 198901 1 003")["tmt"]
    '1989-01'
    """
    text = normalize_nip(nip)
    problem = _problem(text, status)
    if problem:
        raise ValueError(f"NIP tidak sah: {nip!r}: {problem}")
    if (status or _kind(text)) == "PNS":
        birth, tmt, sex, serial = _PNS.match(text).groups()
        return {
            "nip": text,
            "kind": "PNS",
            "birth_date": _valid_date(birth),
            "tmt": f"{tmt[:4]}-{tmt[4:]}",
            "tmt_year": int(tmt[:4]),
            "tmt_month": int(tmt[4:]),
            "phase": None,
            "sex": int(sex),
            "jenis_kelamin": "Laki-laki" if sex == "1" else "Perempuan",
            "serial": serial,
        }
    birth, year, phase, sex, serial = _PPPK.match(text).groups()
    return {
        "nip": text,
        "kind": "PPPK",
        "birth_date": _valid_date(birth),
        "tmt": year,
        "tmt_year": int(year),
        "tmt_month": None,
        "phase": int(phase),
        "sex": int(sex),
        "jenis_kelamin": "Laki-laki" if sex == "1" else "Perempuan",
        "serial": serial,
    }


def is_valid_nip(nip: object, status: NipKind | None = "PNS") -> bool:
    """True when ``nip`` is a valid number of the given layout (``None``: either layout)."""
    return _problem(normalize_nip(nip), status) is None


# ----------------------------------------------------------------------------------------------
# Vectorised forms used when loading tables
# ----------------------------------------------------------------------------------------------


def normalize_nip_series(values: pd.Series) -> pd.Series:
    """Column-wide :func:`normalize_nip`; blank -> NA (pandas ``str``)."""
    if pd.api.types.is_integer_dtype(values.dtype):
        out = values.astype("Int64").astype("str")
    elif values.dtype == object:
        out = values.map(normalize_nip).astype("str")
    else:
        out = values.astype("str")
        if out.str.contains(r"[ \t\r\n\x{00a0}']", regex=True).any():
            out = out.str.replace(r"[ \t\r\n\x{00a0}]+", "", regex=True)
            out = out.str.replace(r"^'", "", regex=True)
    return out.where(out.ne("").fillna(False) & out.notna())


def _dates(text: pd.Series) -> pd.Series:
    ok = text.str.fullmatch(r"[0-9]{8}").fillna(False)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if ok.any():
        out[ok] = to_ns(pd.to_datetime(text[ok], format="%Y%m%d", errors="coerce"))
    return out


def nip_problems(nips: pd.Series, pppk: pd.Series | None = None) -> pd.Series:
    """Reason (Indonesian) why each normalised NIP is invalid; NA where valid or blank.

    Parameters
    ----------
    nips : Series of str
        Normalised (:func:`normalize_nip_series`).
    pppk : Series of bool, optional
        True where the row is PPPK (checked with the §5.2 layout); PNS layout elsewhere.
    """
    reason = pd.Series(pd.NA, index=nips.index, dtype="object")
    present = nips.notna()
    if pppk is None:
        pppk = pd.Series(False, index=nips.index)
    pppk = pppk.fillna(False).astype(bool)

    def flag(mask: pd.Series, text: pd.Series | str) -> None:
        m = mask & present & reason.isna()
        if m.any():
            reason[m] = text if isinstance(text, str) else text[m]

    digits = nips.str.fullmatch(r"[0-9]+").fillna(False)
    flag(~digits, "NIP harus berupa angka")
    length = nips.str.len()
    flag(length != 18, "NIP harus 18 digit, bukan " + length.astype("Int64").astype("str"))
    birth = _dates(nips.str.slice(0, 8))
    flag(birth.isna(), "tanggal lahir dalam NIP tidak sah (" + nips.str.slice(0, 8) + ")")
    d13 = nips.str.slice(12, 13)
    flag(
        ~pppk & d13.eq("2") & length.eq(18),
        "NIP berpola NI PPPK (digit ke-13 = 2) tetapi status_kepegawaian bukan PPPK",
    )
    tmt = _dates(nips.str.slice(8, 14) + "01")
    flag(
        ~pppk & tmt.isna(),
        "TMT dalam NIP tidak sah (" + nips.str.slice(8, 12) + "-" + nips.str.slice(12, 14) + ")",
    )
    flag(
        pppk & d13.ne("2"),
        "NI PPPK: digit ke-13 harus 2 (penanda PPPK), bukan " + d13,
    )
    flag(pppk & nips.str.slice(13, 14).eq("0"), "NI PPPK: digit tahap pengangkatan harus 1..9")
    year = _dates(nips.str.slice(8, 12) + "0101")
    flag(pppk & year.isna(), "NI PPPK: tahun TMT tidak sah (" + nips.str.slice(8, 12) + ")")
    sex = nips.str.slice(14, 15)
    flag(~sex.isin(["1", "2"]), "digit jenis kelamin NIP harus 1 atau 2, bukan " + sex)
    return reason


def nip_warnings(nips: pd.Series, pppk: pd.Series | None = None) -> pd.Series:
    """Heuristic warnings for valid NIPs (reference §5.1 "suggested heuristics"); NA if none.

    TMT before the 18th birthday, or serial ``000``.
    """
    out = pd.Series(pd.NA, index=nips.index, dtype="object")
    ok = nips.notna() & nips.str.fullmatch(r"[0-9]{18}").fillna(False)
    if not ok.any():
        return out
    if pppk is None:
        pppk = pd.Series(False, index=nips.index)
    pppk = pppk.fillna(False).astype(bool)
    birth = _dates(nips.str.slice(0, 8))
    tmt_text = (nips.str.slice(8, 14) + "01").where(~pppk, nips.str.slice(8, 12) + "1231")
    tmt = _dates(tmt_text)
    adult = birth + pd.DateOffset(years=18)
    young = ok & birth.notna() & tmt.notna() & (tmt < adult)
    out[young] = "TMT dalam NIP sebelum usia 18 tahun (heuristik, bukan aturan)"
    zero = ok & nips.str.slice(15, 18).eq("000") & out.isna()
    out[zero] = "nomor urut NIP 000 (heuristik, bukan aturan)"
    return out
