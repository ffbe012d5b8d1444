"""Parsing of awkward cell values, column-wide and vectorised.

Every parser takes a Series of raw values (text from CSV; text, numbers or datetimes from xlsx;
typed values from parquet) and returns ``(parsed, bad)``: the parsed Series and a boolean mask
of values that were present but could not be parsed. Blank values are never ``bad``; they
become NA and the caller decides whether a blank is allowed.

Dates are read day-first, always (data-contract.md): ``2026-11-28``, ``28/11/2026``,
``28-11-2026``, ``28.11.2026``, ``28 November 2026``, ``28 Agt 2026``, ``3 Mei 2026``, with an
optional time ``HH:MM[:SS]`` (``HH.MM`` too). Numbers accept a decimal comma (``3,5``) and a
thousands dot in whole numbers (``1.250``).

The approach is vectorised: values are classified by a regular expression and each class is
converted column-wide with ``pd.to_datetime(format=...)``/``pd.to_numeric``; no Python loop runs
per row.
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

from kinerja.domain.period import DATETIME_DTYPE, to_ns

#: dtype of every date and timestamp column after loading.

# Indonesian and English month names and common abbreviations (lower case).
MONTH_WORDS: dict[str, int] = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
_EN_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_MONTH_ALT = "|".join(sorted(MONTH_WORDS, key=len, reverse=True))

# (pattern that a normalised value must fully match, its format), the commonest first
_DATE_FORMS: tuple[tuple[str, str], ...] = (
    (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", "%Y-%m-%d"),
    (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}", "%Y-%m-%d %H:%M:%S"),
    (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{2}", "%Y-%m-%d %H:%M"),
    (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%d/%m/%Y"),
    (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2}", "%d/%m/%Y %H:%M:%S"),
    (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}", "%d/%m/%Y %H:%M"),
    (r"[0-9]{1,2}/[a-z]{3}/[0-9]{4}", "%d/%b/%Y"),
    (r"[0-9]{1,2}/[a-z]{3}/[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2}", "%d/%b/%Y %H:%M:%S"),
    (r"[0-9]{1,2}/[a-z]{3}/[0-9]{4} [0-9]{1,2}:[0-9]{2}", "%d/%b/%Y %H:%M"),
    (
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}\.[0-9]{1,9}",
        "%Y-%m-%d %H:%M:%S.%f",
    ),
    (
        r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2}\.[0-9]{1,9}",
        "%d/%m/%Y %H:%M:%S.%f",
    ),
)
_ANY_FORM = "(?:" + "|".join(p for p, _ in _DATE_FORMS) + ")"
_TIME_ONLY = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?"


def _blank(values: pd.Series) -> pd.Series:
    """True where a value is missing or only whitespace."""
    isna = values.isna().to_numpy()
    if pd.api.types.is_string_dtype(values.dtype):  # str, or object (xlsx cells)
        text = values.astype("str")
        empty = text.str.strip().eq("").fillna(False).to_numpy(dtype=bool)
        return pd.Series(isna | empty, index=values.index)
    return pd.Series(isna, index=values.index)


def _as_text(values: pd.Series) -> pd.Series:
    """Strings of ``values`` (pandas ``str`` dtype), NA kept."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values
    return values.astype("str")


def _empty_datetimes(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NaT, index=index, dtype=DATETIME_DTYPE)


def _normalise_date_text(text: pd.Series) -> pd.Series:
    """Lower case, single spaces, ``T`` -> space, ``-``/``.`` date separators -> ``/``,
    ``HH.MM`` -> ``HH:MM``, month words -> English three-letter abbreviations."""
    t = text.str.strip().str.lower()
    if t.str.contains(r"[ \t\x{00a0}][ \t\x{00a0}]|[\t\x{00a0}]", regex=True).any():
        t = t.str.replace(r"[ \t\x{00a0}]+", " ", regex=True)
    t = t.str.replace(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t([0-9])", r"\1 \2", regex=True)
    if t.str.contains(r"[a-z]", regex=True).any():
        # "28 Agt 2026", "28-agustus-2026", "3 mei 2026" -> "28/agt/2026": month word checked
        # against the known names, then cut to its first three letters.
        t = t.str.replace(
            rf"^([0-9]{{1,2}})[ \-/.]+({_MONTH_ALT})\.?[ \-/.]+([0-9]{{4}})",
            r"\1/\2/\3",
            regex=True,
        )
        t = t.str.replace(r"^([0-9]{1,2})/([a-z]{3})[a-z]*/", r"\1/\2/", regex=True)
        for word, month in MONTH_WORDS.items():
            if len(word) == 3 and word not in _EN_ABBR:
                t = t.str.replace(f"/{word}/", f"/{_EN_ABBR[month - 1]}/", regex=False)
    if t.str.contains(r"^[0-9]{1,2}[\-.][0-9]{1,2}[\-.][0-9]{4}", regex=True).any():
        t = t.str.replace(r"^([0-9]{1,2})[\-.]([0-9]{1,2})[\-.]([0-9]{4})", r"\1/\2/\3", regex=True)
    if t.str.contains(r" [0-9]{1,2}\.[0-9]{2}", regex=True).any():
        t = t.str.replace(r" ([0-9]{1,2})\.([0-9]{2})\.([0-9]{2})$", r" \1:\2:\3", regex=True)
        t = t.str.replace(r" ([0-9]{1,2})\.([0-9]{2})$", r" \1:\2", regex=True)
    return t


def _ordered_forms(text: pd.Series) -> list[tuple[str, str]]:
    """Date forms, those matching a sample of the values first (a file mostly uses one)."""
    sample = text.dropna().head(200).tolist()
    compiled = [(re.compile(p), p, f) for p, f in _DATE_FORMS]
    hits = [sum(bool(c.fullmatch(v)) for v in sample) for c, _, _ in compiled]
    order = sorted(range(len(compiled)), key=lambda i: -hits[i])
    return [(compiled[i][1], compiled[i][2]) for i in order]


def _arrow_strings(values: pd.Series) -> object | None:
    """The values of a pyarrow-backed text Series as one Arrow (large_)string array, else None."""
    if values.dtype == object or not pd.api.types.is_string_dtype(values.dtype):
        return None
    chunked = getattr(values.array, "_pa_array", None)
    if chunked is None:
        return None
    import pyarrow as pa

    if chunked.type not in (pa.string(), pa.large_string()):
        return None
    return chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked


#: Fixed-width ISO forms read without pandas (the usual export): ``YYYY-MM-DD`` and
#: ``YYYY-MM-DD HH:MM:SS``, zero-padded; digit positions and separators by width.
_ISO_FIXED = {
    10: ((0, 1, 2, 3, 5, 6, 8, 9), {4: 45, 7: 45}),
    19: ((0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18), {4: 45, 7: 45, 10: 32, 13: 58, 16: 58}),
}


_MONTH_STARTS = (
    (np.arange((2262 - 1678) * 12 + 1, dtype=np.int64) + (1678 - 1970) * 12)
    .astype("datetime64[M]")
    .astype("datetime64[D]")
    .astype(np.int64)
)
_FAST_LOW_S = pd.Timestamp("1678-01-01").value // 1_000_000_000
_FAST_HIGH_S = pd.Timestamp("2261-12-31").value // 1_000_000_000


def _fixed_block(data: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """``(len(starts), width)`` bytes of ``data`` from each start (a view when contiguous)."""
    if (
        len(starts)
        and starts[-1] - starts[0] == (len(starts) - 1) * width
        and (len(starts) == 1 or bool((np.diff(starts) == width).all()))
    ):
        first = int(starts[0])
        return data[first : first + len(starts) * width].reshape(len(starts), width)
    return data[starts[:, None] + np.arange(width)]


def _iso_fixed_width(text: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Fast path of :func:`_parse_date_strings` for zero-padded ISO values.

    Returns ``(nanoseconds, claimed)``: the values of exactly ``YYYY-MM-DD`` or
    ``YYYY-MM-DD HH:MM:SS`` that are valid dates (year 1678..2261, day within the month, time
    below 24:00:00) are converted with integer arithmetic and marked ``claimed``; every other
    value (other forms, impossible dates) is left to the general parser. A claimed value gets
    exactly what ``pd.to_datetime(format="%Y-%m-%d[ %H:%M:%S]")`` gives it. ``None`` when the
    values are not Arrow-backed text. (``pyarrow.compute.strptime`` is not used: it rolls an
    impossible date over, ``2025-02-29`` -> 1 March, where the contract wants it refused.)
    """
    arr = _arrow_strings(text)
    if arr is None or not len(arr):
        return None
    import pyarrow as pa

    n = len(arr)
    wide = arr.type == pa.large_string()
    bufs = arr.buffers()
    if bufs[2] is None:
        return None
    offsets = np.frombuffer(
        bufs[1], dtype=np.int64 if wide else np.int32, count=n + 1 + arr.offset
    )[arr.offset :].astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8)
    valid = arr.is_valid().to_numpy(zero_copy_only=False)
    lens = np.diff(offsets)
    out = np.zeros(n, dtype=np.int64)
    claimed = np.zeros(n, dtype=bool)
    for width, (digits, seps) in _ISO_FIXED.items():
        rows = np.flatnonzero(valid & (lens == width))
        if not len(rows):
            continue
        block = _fixed_block(data, offsets[rows], width)
        d = block[:, digits].astype(np.int32) - 48
        ok = ((d >= 0) & (d <= 9)).all(axis=1)
        ok &= (block[:, list(seps)] == np.array(list(seps.values()), dtype=np.uint8)).all(axis=1)
        year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
        month = d[:, 4] * 10 + d[:, 5]
        day = d[:, 6] * 10 + d[:, 7]
        ok &= (year >= 1678) & (year <= 2261) & (month >= 1) & (month <= 12) & (day >= 1)
        # days since 1970-01-01 of each month's first day, 1678-01 .. 2262-01 (a lookup)
        idx = np.where(ok, (year - 1678) * 12 + month - 1, 0)
        first = _MONTH_STARTS[idx]
        ok &= day <= _MONTH_STARTS[idx + 1] - first
        seconds = (first + day - 1) * 86400
        if width == 19:
            hour = d[:, 8] * 10 + d[:, 9]
            minute = d[:, 10] * 10 + d[:, 11]
            second = d[:, 12] * 10 + d[:, 13]
            ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
            seconds = seconds + (hour * 3600 + minute * 60 + second)
        # the range to_ns keeps (1678-01-01 .. 2261-12-31 00:00); outside it the general path
        ok &= (seconds >= _FAST_LOW_S) & (seconds <= _FAST_HIGH_S)
        out[rows[ok]] = seconds[ok] * 1_000_000_000
        claimed[rows[ok]] = True
    return out, claimed


def _parse_date_strings(text: pd.Series) -> pd.Series:
    """Parse date strings of the forms in ``_DATE_FORMS``; NaT where no form applies or the
    date is impossible (``31/02/2026``)."""
    out = np.full(len(text), np.datetime64("NaT"), dtype=DATETIME_DTYPE)
    todo = np.array(text.notna().to_numpy(dtype=bool), copy=True)
    # each value fits at most one form, so the zero-padded ISO values can be read first
    fast = _iso_fixed_width(text)
    if fast is not None and fast[1].any():
        ns, claimed = fast
        out[claimed] = ns[claimed].view(DATETIME_DTYPE)
        todo &= ~claimed
        if not todo.any():
            return pd.Series(out, index=text.index)
    forms = _ordered_forms(text)
    for i, (pattern, fmt) in enumerate(forms):
        if not todo.any():
            break
        if i == 1:
            # after the commonest form: one pass drops values that fit no form at all, so
            # the remaining forms are tried on candidates only
            pos = np.flatnonzero(todo)
            fits = text.iloc[pos].str.fullmatch(_ANY_FORM).fillna(False).to_numpy(dtype=bool)
            todo[pos[~fits]] = False
            if not todo.any():
                break
        pos = np.flatnonzero(todo)
        sub = text.iloc[pos] if len(pos) < len(text) else text
        hit = sub.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        if not hit.any():
            continue
        parsed = pd.to_datetime(sub[hit] if not hit.all() else sub, format=fmt, errors="coerce")
        out[pos[hit]] = to_ns(parsed).to_numpy()
        todo[pos[hit]] = False
    return pd.Series(out, index=text.index)


def _objects_to_datetimes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Split an object column (xlsx): datetime-like cells converted, other cells as text."""
    is_dt = values.map(lambda v: isinstance(v, (_dt.datetime, _dt.date, pd.Timestamp))).to_numpy(
        dtype=bool
    )
    out = _empty_datetimes(values.index)
    if is_dt.any():
        out.loc[values.index[is_dt]] = to_ns(
            pd.to_datetime(values[is_dt].astype(object), errors="coerce")
        )
    return out, is_dt


#: Excel stores a date as a serial number of days; where a date column holds a bare number
#: (an xlsx cell without a date format, or such a cell exported to CSV as ``45678``), it is read
#: as that serial, but only when the date it gives lies in this range (1950-01-01 .. 2100-12-31,
#: serials 18264..73415 in the 1900 system): any other number stays an unreadable date.
SERIAL_DATE_RANGE = (pd.Timestamp("1950-01-01"), pd.Timestamp("2100-12-31 23:59:59"))
#: Day 0 of Excel's two date systems. 1900: 1899-12-30, so that serials after 60 (Excel's
#: phantom 29 February 1900) give the right date; 1904: the Mac system a workbook may declare.
EXCEL_EPOCHS = {1900: pd.Timestamp("1899-12-30"), 1904: pd.Timestamp("1904-01-01")}
_SERIAL_TEXT = r"[0-9]{5}(?:[.,][0-9]+)?"


def excel_serial_dates(values: pd.Series, *, date_system: int = 1900) -> pd.Series:
    """Excel serial numbers (``45678``, ``45678.5``, ``45678,5``) as timestamps.

    Parameters
    ----------
    values : Series
        Raw values; anything that is not a bare serial gives NaT.
    date_system : {1900, 1904}
        The workbook's date system (``date1904`` in its ``workbook.xml``; CSV: 1900).

    Returns
    -------
    Series of datetime64[ns]
        NaT outside :data:`SERIAL_DATE_RANGE`. A fraction is the time of day, rounded to the
        second.
    """
    epoch = EXCEL_EPOCHS[int(date_system)]
    text = _as_text(values).str.strip()
    is_serial = text.str.fullmatch(_SERIAL_TEXT).fillna(False).to_numpy(dtype=bool)
    out = _empty_datetimes(values.index)
    if not is_serial.any():
        return out
    days = pd.to_numeric(text[is_serial].str.replace(",", ".", regex=False), errors="coerce")
    seconds = (days * 86400).round()
    stamps = epoch + pd.to_timedelta(seconds, unit="s")
    lo, hi = SERIAL_DATE_RANGE
    stamps = stamps.where((stamps >= lo) & (stamps <= hi))
    out.loc[stamps.index] = to_ns(stamps)
    return out


def parse_datetime(
    values: pd.Series, *, date_only: bool = False, date_system: int = 1900
) -> tuple[pd.Series, pd.Series]:
    """Parse dates/timestamps day-first.

    Parameters
    ----------
    values : Series
        Raw values (text, or datetimes already typed by xlsx/parquet).
    date_only : bool
        Drop the time of day (``tanggal`` columns).
    date_system : {1900, 1904}
        For values that are bare Excel serial numbers (:func:`excel_serial_dates`).

    Returns
    -------
    parsed : Series of datetime64[ns]
    bad : Series of bool
        Present but unparseable (including impossible dates such as ``31/02/2026``).
    """
    blank = _blank(values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values.dt.tz_localize(None) if values.dt.tz is not None else values
        out = to_ns(out)
        bad = values.notna() & out.isna()  # outside the datetime64[ns] range
    else:
        if values.dtype == object:
            out, done = _objects_to_datetimes(values)
        else:
            out, done = _empty_datetimes(values.index), np.zeros(len(values), dtype=bool)
        rest = ~done & ~blank.to_numpy()
        if rest.any():
            # fast path: the stripped text as it is (clean exports); the rest normalised
            text = _as_text(values[rest] if not rest.all() else values).str.strip()
            first = _parse_date_strings(text)
            miss = first.isna().to_numpy()
            if miss.any():
                first[miss] = _parse_date_strings(_normalise_date_text(text[miss]))
            out.loc[text.index] = first
            still = out.isna().to_numpy() & rest
            if still.any():  # Excel serial numbers (45678 = 2025-01-21 in the 1900 system)
                serial = excel_serial_dates(values[still], date_system=date_system)
                out.loc[serial.index] = serial
        bad = ~blank & out.isna()
    if date_only:
        out = out.dt.normalize()
    return out, bad


def parse_time_or_datetime(
    values: pd.Series, dates: pd.Series, *, date_system: int = 1900
) -> tuple[pd.Series, pd.Series]:
    """Parse a timestamp, or a time of day (``08:30``, ``08.30.15``) combined with ``dates``.

    Used for ``laporan_kinerja.waktu_lapor`` (architecture: a time-only value is combined with
    ``tanggal``). Where ``dates`` is NaT a time-only value stays NaT but is not flagged bad
    (the date column carries the defect).
    """
    blank = _blank(values)
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        # a column of times of day (the usual e-kinerja export) skips the date forms
        times = values.str.strip().str.fullmatch(r"[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?")
        times = times.fillna(False).to_numpy(dtype=bool)
    else:
        times = np.zeros(len(values), dtype=bool)
    out = pd.Series(pd.NaT, index=values.index, dtype=DATETIME_DTYPE)
    bad = pd.Series(False, index=values.index)
    if not times.all():
        rest = values[~times] if times.any() else values
        o, b = parse_datetime(rest, date_only=False, date_system=date_system)
        out.loc[rest.index] = o
        bad.loc[rest.index] = b
    cand = bad.to_numpy() | times
    if not cand.any():
        return out, bad
    sub = values[cand]
    if sub.dtype == object:
        is_time = sub.map(lambda v: isinstance(v, _dt.time)).to_numpy(dtype=bool)
    else:
        is_time = np.zeros(len(sub), dtype=bool)
    text = sub.astype("str").str.strip().str.replace(".", ":", regex=False)
    is_text_time = text.str.fullmatch(_TIME_ONLY).fillna(False).to_numpy(dtype=bool) & ~is_time
    text = text.where(~text.str.fullmatch(r"[0-9]{1,2}:[0-9]{2}").fillna(False), text + ":00")
    delta = pd.Series(pd.NaT, index=sub.index, dtype="timedelta64[ns]")
    if is_text_time.any():
        # via to_datetime(format=...): vectorised, unlike to_timedelta on strings
        clock = pd.to_datetime(
            "1970-01-01 " + text[is_text_time], format="%Y-%m-%d %H:%M:%S", errors="coerce"
        )
        delta[is_text_time] = (clock - pd.Timestamp("1970-01-01")).astype("timedelta64[ns]")
    if is_time.any():
        delta[is_time] = pd.to_timedelta(
            sub[is_time].map(lambda v: f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}")
        )
    ok = delta.notna() & (delta < pd.Timedelta(days=1))
    base = dates.loc[sub.index].dt.normalize()
    combined = base + delta
    out.loc[sub.index[ok.to_numpy()]] = to_ns(combined[ok])
    bad.loc[sub.index] = ~ok.to_numpy() & ~blank.loc[sub.index].to_numpy()
    return out, bad


def _digit_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Fast path of :func:`parse_number`: values of 1..15 plain digits (``90``, ``007``).

    Returns ``(numbers, claimed)`` (NaN where not claimed), or ``None`` when the values are not
    Arrow-backed text or none is plain digits. A claimed value is a whole number below 10^15,
    exactly what the general path gives it.
    """
    arr = _arrow_strings(values)
    if arr is None or not len(arr):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = pc.fill_null(pc.match_substring_regex(arr, r"^[0-9]{1,15}$"), False)
    claimed = hit.to_numpy(zero_copy_only=False)
    if not claimed.any():
        return None
    nums = np.full(len(arr), np.nan)
    nums[claimed] = pc.cast(arr.filter(hit), pa.int64()).to_numpy().astype("float64")
    return nums, claimed


def parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse numbers with a decimal comma and/or a thousands dot.

    ``3,5`` -> 3.5; ``1.250`` -> 1250; ``1.250,75`` -> 1250.75; ``12.5`` -> 12.5 (a dot followed
    by other than groups of three digits is a decimal point); ``1,250.75`` -> 1250.75.

    Returns
    -------
    parsed : Series of float64
    bad : Series of bool
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64"), pd.Series(False, index=values.index)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64"), pd.Series(False, index=values.index)
    fast = _digit_numbers(values)
    if fast is not None:
        nums, claimed = fast
        if claimed.all():
            return pd.Series(nums, index=values.index), pd.Series(False, index=values.index)
        # each value is parsed on its own: the rest takes the general path below
        rest, rest_bad = parse_number(values[~claimed])
        nums[~claimed] = rest.to_numpy()
        bad = np.zeros(len(values), dtype=bool)
        bad[~claimed] = rest_bad.to_numpy(dtype=bool)
        return pd.Series(nums, index=values.index), pd.Series(bad, index=values.index)
    blank = _blank(values)
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    todo = np.array(~blank.to_numpy(), copy=True)
    if values.dtype == object:
        is_num = values.map(
            lambda v: (
                isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            )
        ).to_numpy(dtype=bool)
        is_num = is_num & todo
        if is_num.any():
            out[is_num] = values[is_num].astype("float64")
        todo = todo & ~is_num
    if todo.any():
        t = _as_text(values[todo] if not todo.all() else values)
        if t.str.contains(r"[ \t\x{00a0}+]", regex=True).any():
            t = t.str.replace(r"[ \t\x{00a0}]+", "", regex=True).str.replace(r"^\+", "", regex=True)
        plain_fast = t.str.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?").fillna(False).to_numpy(dtype=bool)
        if not plain_fast.all():
            comma = t.str.fullmatch(r"-?[0-9]+(?:,[0-9]+)?").fillna(False).to_numpy(dtype=bool)
            if comma.all():  # decimal commas only (Indonesian export)
                nums = pd.to_numeric(t.str.replace(",", ".", regex=False))
                out[todo] = nums.astype("float64").to_numpy()
                return out, pd.Series(False, index=values.index)
        if plain_fast.all():
            thousands = t.str.fullmatch(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+").fillna(False)
            if not thousands.any():
                out[todo] = pd.to_numeric(t).astype("float64").to_numpy()
                return out, pd.Series(False, index=values.index)
        thousands_dot = t.str.fullmatch(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]+)?").fillna(
            False
        )
        thousands_comma = t.str.fullmatch(r"-?[1-9][0-9]{0,2}(?:,[0-9]{3})+\.[0-9]+").fillna(False)
        decimal_comma = t.str.fullmatch(r"-?[0-9]*,[0-9]+").fillna(False)
        t = t.where(
            ~thousands_dot,
            t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
        )
        t = t.where(~thousands_comma, t.str.replace(",", "", regex=False))
        t = t.where(~decimal_comma, t.str.replace(",", ".", regex=False))
        plain = (
            t.str.fullmatch(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
            .fillna(False)
            .to_numpy(dtype=bool)
        )
        nums = pd.Series(np.nan, index=t.index, dtype="float64")
        if plain.any():
            nums[plain] = pd.to_numeric(t[plain], errors="coerce").astype("float64")
        out[todo] = nums.to_numpy()
    bad = pd.Series(~blank.to_numpy(), index=values.index) & out.isna()
    return out, bad


def parse_integer(
    values: pd.Series, *, low: float | None = None, high: float | None = None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse whole numbers (``3``, ``3,0``, ``1.250``).

    Returns
    -------
    parsed : Series of float64
        The number (NaN for blank or bad values).
    bad : Series of bool
        Not a number at all.
    not_integer : Series of bool
        A number with a fractional part (``2,5``), or outside ``[low, high]``.
    """
    nums, bad = parse_number(values)
    frac = nums.notna() & (nums != np.floor(nums))
    out_of_range = pd.Series(False, index=values.index)
    if low is not None:
        out_of_range |= nums < low
    if high is not None:
        out_of_range |= nums > high
    return nums, bad, frac | out_of_range


def text_of(values: pd.Series) -> pd.Series:
    """Display text of raw values as a user typed them (for quarantine files and messages).

    Text stays unchanged; numbers that are whole print without ``.0``; midnight timestamps
    print as dates; blank -> ``""``.
    """
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values.fillna("")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.map(_cell_text).astype("str").fillna("")
    return values.map(_cell_text).astype("str").fillna("")


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, (pd.Timestamp, _dt.datetime)):
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, (float, np.floating)) and float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)
