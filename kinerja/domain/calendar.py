"""Working-day calendar: Indonesian national holidays, cuti bersama, and a weekmask per OPD.

The data contract defines the working-day length of a service request as
``numpy.busday_count(first mulai date, last selesai date)`` with the calendar of the OPD: a request
finished on the day it started has length 0, one finished on the next working day has length 1.
Working days are Monday to Friday minus the national holidays (libur nasional) and the cuti bersama
set each year by the SKB 3 Menteri; an OPD that serves on Saturdays (a hospital, a kecamatan
counter) gets its own weekmask.

The holidays live in ``parameters/hari_libur.csv`` (columns ``tanggal, nama, jenis, sumber``), a
versioned file the user may edit. :func:`load_calendar` reads it; :func:`build_holiday_table`
regenerates its rows from the ``holidays`` package (``holidays.Indonesia``, categories ``public``
and ``government``), but the shipped CSV is what counts and what the tests pin.

Where the CSV lives: :func:`kinerja.domain.resources.holiday_csv`, i.e. ``hari_libur.csv`` of the
project folder's ``parameters/`` when it has one, else the copy shipped with the package (in a
checkout that is the repository's ``parameters/hari_libur.csv``; a wheel carries the same file,
mapped from it at build time, so git holds one file to edit). When no copy exists at all
:func:`load_calendar` falls back to :func:`build_holiday_table` for 2023–2027 and emits a
``UserWarning`` saying so.

Which weekmask each OPD gets (``default.yaml``'s ``weekmask`` and ``weekmask_opd``, and the
``weekmask`` of every ``parameters/opd/<kode>.yaml``) is decided by
:meth:`kinerja.domain.settings.Settings.calendars`, which calls :func:`calendars_for_opd`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_WEEKMASK",
    "HOLIDAY_COLUMNS",
    "HOLIDAY_KINDS",
    "WorkCalendar",
    "build_holiday_table",
    "calendars_for_opd",
    "default_holiday_path",
    "load_calendar",
    "read_holiday_table",
    "working_days_between",
]

DEFAULT_WEEKMASK = "1111100"
HOLIDAY_COLUMNS = ("tanggal", "nama", "jenis", "sumber")
HOLIDAY_KINDS = ("libur_nasional", "cuti_bersama")
_FALLBACK_YEARS = range(2023, 2028)


def _weekmask_string(weekmask: str | Iterable[int] | Iterable[bool]) -> str:
    """Normalise a weekmask (``"1111100"``, ``"Mon Tue Wed Thu Fri Sat"``, 7 booleans) to 7 digits."""
    try:
        mask = np.busdaycalendar(weekmask=weekmask).weekmask
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"weekmask tidak sah: {weekmask!r} (contoh: '1111100' = Senin–Jumat, "
            f"'1111110' = Senin–Sabtu)"
        ) from exc
    if not mask.any():
        raise ValueError(f"weekmask tidak sah: {weekmask!r} (tidak ada satu pun hari kerja)")
    return "".join("1" if b else "0" for b in mask)


def _to_days(values: Any) -> np.ndarray:
    """Convert dates/timestamps (scalar, list, array, Series, Index) to ``datetime64[D]``.

    Timestamps are floored to their date (time of day is dropped); missing values become NaT.
    """
    if isinstance(values, pd.Series | pd.Index):
        arr = values.to_numpy()
        if arr.dtype.kind != "M":
            arr = pd.to_datetime(values).to_numpy()
        elif getattr(values.dtype, "tz", None) is not None:  # pragma: no cover - tz-aware input
            arr = values.dt.tz_localize(None).to_numpy()
    else:
        arr = np.asarray(values)
        if arr.dtype.kind != "M":
            arr = np.asarray(pd.to_datetime(arr))
    return arr.astype("datetime64[D]")


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """A working-day calendar: holidays plus a weekmask.

    Parameters
    ----------
    holidays : array-like of dates
        Non-working dates (libur nasional and, normally, cuti bersama). Stored as a sorted,
        de-duplicated ``numpy.datetime64[D]`` array.
    weekmask : str
        Seven characters Monday..Sunday, ``1`` = working day. ``"1111100"`` is Monday–Friday,
        ``"1111110"`` Monday–Saturday. Any form ``numpy.busdaycalendar`` accepts is normalised.
    name : str
        A label for messages and outputs (e.g. ``"nasional"`` or ``"nasional, Senin–Sabtu"``).

    Notes
    -----
    Two calendars are equal (and hash equal) when their holidays and weekmask are equal; the name
    is only a label. Methods accept scalars, lists, numpy arrays, ``Series`` and ``DatetimeIndex``;
    timestamps are reduced to their date first.
    """

    holidays: np.ndarray = field(default_factory=lambda: np.array([], dtype="datetime64[D]"))
    weekmask: str = DEFAULT_WEEKMASK
    name: str = "nasional"

    def __post_init__(self) -> None:
        days = _to_days(self.holidays) if len(np.atleast_1d(self.holidays)) else None
        if days is None:
            days = np.array([], dtype="datetime64[D]")
        days = np.unique(days[~np.isnat(days)])
        days.setflags(write=False)
        object.__setattr__(self, "holidays", days)
        object.__setattr__(self, "weekmask", _weekmask_string(self.weekmask))
        object.__setattr__(
            self, "_busdaycal", np.busdaycalendar(weekmask=self.weekmask, holidays=days)
        )

    # equality on content, not on the numpy array object
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return self.weekmask == other.weekmask and np.array_equal(self.holidays, other.holidays)

    def __hash__(self) -> int:
        return hash((self.weekmask, self.holidays.tobytes()))

    def __repr__(self) -> str:
        span = ""
        if len(self.holidays):
            span = f", {self.holidays[0]}..{self.holidays[-1]}"
        return (
            f"WorkCalendar(name={self.name!r}, weekmask={self.weekmask!r}, "
            f"{len(self.holidays)} hari libur{span})"
        )

    @property
    def busdaycalendar(self) -> np.busdaycalendar:
        """The ``numpy.busdaycalendar`` used by all methods."""
        return self._busdaycal  # type: ignore[attr-defined]

    def with_weekmask(self, weekmask: str, *, name: str | None = None) -> WorkCalendar:
        """The same holidays with another weekmask."""
        return WorkCalendar(self.holidays, weekmask, name or f"{self.name} ({weekmask})")

    def busday_count(self, start: Any, end: Any) -> Any:
        """Working days in ``[start date, end date)``, exactly ``numpy.busday_count``.

        Parameters
        ----------
        start, end : date-like scalar, array, list, Series or DatetimeIndex
            Broadcast against each other. Timestamps are reduced to their date.

        Returns
        -------
        int, numpy.ndarray or pandas.Series
            A scalar returns an ``int`` (``None`` when a date is missing). An array returns
            ``int64`` when no date is missing, else ``float64`` with NaN. When ``start`` or ``end``
            is a Series the result is a nullable ``Int64`` Series with that Series' index.

        Notes
        -----
        Data contract (``layanan``): the working-day length of a request is
        ``numpy.busday_count(first mulai date, last selesai date)`` with this calendar, so the same
        day gives 0 and the next working day gives 1. A start on a non-working day is counted from
        the next working day (numpy semantics); ``end`` before ``start`` gives a negative count.
        """
        index = None
        for v in (start, end):
            if isinstance(v, pd.Series):
                index = v.index
                break
        scalar = np.ndim(start) == 0 and np.ndim(end) == 0 and index is None
        s = _to_days(np.atleast_1d(start) if np.ndim(start) == 0 else start)
        e = _to_days(np.atleast_1d(end) if np.ndim(end) == 0 else end)
        s, e = np.broadcast_arrays(s, e)
        missing = np.isnat(s) | np.isnat(e)
        if missing.any():
            out = np.full(s.shape, np.nan)
            ok = ~missing
            out[ok] = np.busday_count(s[ok], e[ok], busdaycal=self.busdaycalendar)
        else:
            out = np.busday_count(s, e, busdaycal=self.busdaycalendar).astype(np.int64)
        if scalar:
            return None if missing[0] else int(out[0])
        if index is not None:
            return pd.Series(out, index=index).astype("Int64")
        return out

    def is_working_day(self, dates: Any) -> Any:
        """``True`` where the date is a working day of this calendar (missing → ``False``)."""
        scalar = np.ndim(dates) == 0
        index = dates.index if isinstance(dates, pd.Series) else None
        d = _to_days(np.atleast_1d(dates) if scalar else dates)
        nat = np.isnat(d)
        out = np.zeros(d.shape, dtype=bool)
        out[~nat] = np.is_busday(d[~nat], busdaycal=self.busdaycalendar)
        if scalar:
            return bool(out[0])
        if index is not None:
            return pd.Series(out, index=index)
        return out

    def add_working_days(self, dates: Any, n: Any, *, roll: str = "forward") -> Any:
        """Date ``n`` working days after ``dates`` (``numpy.busday_offset``).

        ``roll="forward"`` first moves a non-working start date to the next working day, so
        ``add_working_days(d, k)`` is the deadline a request started on ``d`` may finish on and still
        have ``busday_count(d, deadline) <= k``.
        """
        scalar = np.ndim(dates) == 0 and np.ndim(n) == 0
        index = dates.index if isinstance(dates, pd.Series) else None
        d = _to_days(np.atleast_1d(dates) if np.ndim(dates) == 0 else dates)
        k = np.asarray(n)
        d, k = np.broadcast_arrays(d, k)
        out = np.full(d.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        ok = ~np.isnat(d)
        out[ok] = np.busday_offset(
            d[ok], k[ok].astype(np.int64), roll=roll, busdaycal=self.busdaycalendar
        )
        if scalar:
            return pd.Timestamp(out[0])
        if index is not None:
            return pd.Series(out.astype("datetime64[ns]"), index=index)
        return out


def working_days_between(start: Any, end: Any, calendar: WorkCalendar) -> Any:
    """``calendar.busday_count(start, end)`` (see :meth:`WorkCalendar.busday_count`)."""
    return calendar.busday_count(start, end)


# ---------------------------------------------------------------------------------------------
# the holiday file


def default_holiday_path() -> Path:
    """``hari_libur.csv`` of the project's parameters, else the one shipped with the package.

    See :func:`kinerja.domain.resources.holiday_csv`; the returned path may not exist when no
    copy is found (then :func:`load_calendar` builds the table and warns).
    """
    from kinerja.domain.resources import HOLIDAY_FILE, holiday_csv, parameters_dir

    found = holiday_csv()
    if found is not None:
        return found
    try:
        return parameters_dir() / HOLIDAY_FILE
    except FileNotFoundError:
        return Path("parameters") / HOLIDAY_FILE


def _parse_date_cell(text: str) -> pd.Timestamp | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return pd.Timestamp(pd.to_datetime(text, format=fmt))
        except (ValueError, TypeError):
            continue
    return None


def read_holiday_table(path: str | Path) -> pd.DataFrame:
    """Read and validate a holiday CSV (``tanggal, nama, jenis, sumber``).

    Lines starting with ``#`` are notes and are skipped; the delimiter may be ``,`` or ``;``;
    dates as ``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``DD-MM-YYYY``. A bad row raises ``ValueError``
    naming the file, the line, the column and the value.

    Returns
    -------
    DataFrame
        ``tanggal`` (datetime64), ``nama``, ``jenis``, ``sumber`` (str), sorted by date.
    """
    path = Path(path)
    raw = path.read_text(encoding="utf-8-sig")
    lines = raw.splitlines()
    body = [
        (i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not body:
        raise ValueError(f"{path.name}: berkas kosong (tidak ada baris judul kolom)")
    header_line, header = body[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    import csv

    rows = list(csv.reader([ln for _, ln in body], delimiter=sep))
    cols = [c.strip().lower().replace(" ", "_") for c in rows[0]]
    missing = [c for c in ("tanggal", "jenis") if c not in cols]
    if missing:
        raise ValueError(
            f"{path.name} baris {header_line}: kolom wajib tidak ada: {', '.join(missing)} "
            f"(kolom yang diharapkan: {', '.join(HOLIDAY_COLUMNS)})"
        )
    records = []
    for (lineno, _), row in zip(body[1:], rows[1:], strict=True):
        rec = dict(zip(cols, (v.strip() for v in row), strict=False))
        tanggal = _parse_date_cell(rec.get("tanggal", ""))
        if tanggal is None:
            raise ValueError(
                f"{path.name} baris {lineno}, kolom tanggal: nilai {rec.get('tanggal', '')!r} "
                "bukan tanggal (pakai YYYY-MM-DD, mis. 2025-03-31)"
            )
        jenis = rec.get("jenis", "").lower().replace(" ", "_")
        if jenis not in HOLIDAY_KINDS:
            raise ValueError(
                f"{path.name} baris {lineno}, kolom jenis: nilai {rec.get('jenis', '')!r} tidak "
                f"dikenal (pilihan: {', '.join(HOLIDAY_KINDS)})"
            )
        records.append((tanggal, rec.get("nama", ""), jenis, rec.get("sumber", "")))
    out = pd.DataFrame(records, columns=list(HOLIDAY_COLUMNS))
    out["tanggal"] = pd.to_datetime(out["tanggal"])
    for c in ("nama", "jenis", "sumber"):
        out[c] = out[c].astype("str")
    return out.sort_values("tanggal", kind="stable").reset_index(drop=True)


# Names used by build_holiday_table: holidays' Indonesian labels are kept as they are.
def build_holiday_table(years: Iterable[int]) -> pd.DataFrame:
    """Holiday rows for ``years`` from the ``holidays`` package (``holidays.Indonesia``).

    Category ``public`` becomes ``libur_nasional``, category ``government`` (the cuti bersama of
    the SKB 3 Menteri) becomes ``cuti_bersama``. Names are in Indonesian (``language="id"``);
    ``sumber`` names the package version and flags dates the package marks as estimated.

    Use it to regenerate or extend ``parameters/hari_libur.csv``; check the result against the SKB
    3 Menteri of each year before committing, and write the basis in ``sumber``.
    """
    import holidays as hol

    years = list(years)
    version = getattr(hol, "__version__", "?")
    rows = []
    for category, jenis in (("public", "libur_nasional"), ("government", "cuti_bersama")):
        cal_id = hol.Indonesia(years=years, categories=(category,), language="id")
        cal_en = hol.Indonesia(years=years, categories=(category,), language="en_US")
        for day, name in sorted(cal_id.items()):
            estimated = "estimated" in str(cal_en.get(day, "")).lower()
            sumber = f"holidays {version} (kategori {category})"
            if estimated:
                sumber += "; tanggal perkiraan (estimated), cek SKB 3 Menteri"
            rows.append((pd.Timestamp(day), name, jenis, sumber))
    out = pd.DataFrame(rows, columns=list(HOLIDAY_COLUMNS))
    out = out.drop_duplicates("tanggal", keep="first")
    return out.sort_values("tanggal", kind="stable").reset_index(drop=True)


def load_calendar(
    path: str | Path | None = None,
    *,
    weekmask: str = DEFAULT_WEEKMASK,
    include_cuti_bersama: bool = True,
    name: str | None = None,
) -> WorkCalendar:
    """Load the working-day calendar from ``parameters/hari_libur.csv``.

    Parameters
    ----------
    path : path, optional
        A holiday CSV; default :func:`default_holiday_path`. When the default file does not exist,
        the table is built with :func:`build_holiday_table` for 2023–2027 and a ``UserWarning``
        says so. An explicit ``path`` that does not exist is an error.
    weekmask : str
        Working days Monday..Sunday (default Monday–Friday).
    include_cuti_bersama : bool
        Whether cuti bersama are non-working days (default ``True``, as for ASN service units).

    Returns
    -------
    WorkCalendar
    """
    if path is None:
        path = default_holiday_path()
        if not path.exists():
            warnings.warn(
                f"Berkas kalender {path} tidak ditemukan; memakai daftar libur dari paket "
                "'holidays' untuk 2023–2027 (belum diverifikasi terhadap SKB 3 Menteri).",
                UserWarning,
                stacklevel=2,
            )
            table = build_holiday_table(_FALLBACK_YEARS)
        else:
            table = read_holiday_table(path)
    else:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"Berkas kalender hari libur tidak ditemukan: {path}")
        table = read_holiday_table(path)
    if not include_cuti_bersama:
        table = table.loc[table["jenis"] != "cuti_bersama"]
    label = name or ("nasional" if include_cuti_bersama else "nasional tanpa cuti bersama")
    return WorkCalendar(table["tanggal"].to_numpy(), weekmask, label)


def calendars_for_opd(
    opd: pd.DataFrame | Iterable[str],
    *,
    overrides: Mapping[str, str] | None = None,
    default: str = DEFAULT_WEEKMASK,
    calendar: WorkCalendar | None = None,
) -> dict[str, WorkCalendar]:
    """One calendar per OPD: the same holidays, a weekmask per OPD.

    Parameters
    ----------
    opd : DataFrame or iterable of str
        The ``opd`` table (``kode_opd`` and, optionally, ``jenis_opd``) or the OPD codes.
    overrides : mapping, optional
        ``{key: weekmask}`` where a key is a ``kode_opd`` or a ``jenis_opd`` (e.g.
        ``{"rsud": "1111110", "3373-KEC-01": "1111110"}``). A ``kode_opd`` key wins over a
        ``jenis_opd`` key. The parameters YAML supplies these.
    default : str
        Weekmask of every OPD without an override (Monday–Friday).
    calendar : WorkCalendar, optional
        Source of the holidays; default :func:`load_calendar`.

    Returns
    -------
    dict
        ``{kode_opd: WorkCalendar}``; OPDs with the same weekmask share one calendar object.

    Notes
    -----
    Only explicit overrides change a weekmask: no OPD is assumed to work on Saturdays because of
    its type. Whether an RSUD or a kecamatan counter serves on Saturday is a fact to be set in the
    parameters, not a rule of this module.
    """
    base = calendar if calendar is not None else load_calendar()
    overrides = dict(overrides or {})
    if isinstance(opd, pd.DataFrame):
        codes = opd["kode_opd"].astype("str").tolist()
        kinds = (
            opd["jenis_opd"].astype("str").str.lower().tolist()
            if "jenis_opd" in opd.columns
            else [None] * len(codes)
        )
    else:
        codes = [str(c) for c in opd]
        kinds = [None] * len(codes)
    lowered = {str(k).lower(): v for k, v in overrides.items()}
    shared: dict[str, WorkCalendar] = {}
    out: dict[str, WorkCalendar] = {}
    for code, kind in zip(codes, kinds, strict=True):
        if code in overrides:
            mask = overrides[code]
        elif kind is not None and kind in lowered:
            mask = lowered[kind]
        else:
            mask = default
        mask = _weekmask_string(mask)
        if mask not in shared:
            shared[mask] = (
                base
                if mask == base.weekmask
                else base.with_weekmask(mask, name=f"{base.name} ({mask})")
            )
        out[code] = shared[mask]
    return out
