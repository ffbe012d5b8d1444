"""Which period a report covers when nobody says: ``periode: auto``, resolved from the data.

``periode: auto`` (the default of ``parameters/default.yaml``) means "the most recent complete
period the data supports". Every command resolves it with :func:`resolve_periode` after loading
the data, prints :attr:`PeriodChoice.line` ("Periode: 2026 (data terakhir: Oktober 2026)"), and
stops with exit code 2 when the period holds no rows at all (:class:`EmptyPeriodError`, its
message names the periods that do have data).

The rule (what serves a forum)
------------------------------
1. **Months with data.** A month has data when at least one dated stream has a row in it:
   SKM (``skm.tanggal``), service requests (``layanan.mulai``), complaints
   (``pengaduan.tanggal_masuk``), daily performance reports (``laporan_kinerja.tanggal``) or
   training (``pelatihan.tanggal_mulai``). Follow-up deadlines (``tindak_lanjut.tenggat``) lie
   in the future by nature and SKP assessments carry a period label, not a date: neither counts.
2. **Complete quarter.** A quarter is complete when each of its three months has data.
3. **auto = the year of the latest complete quarter.** The forum evaluates a year: the SKP
   predikat, the 20 JP target and the IKM are annual figures, and a shorter period would cut
   the SKM sample below the disclosure threshold for most OPDs. So the period is always a year;
   a year counts once the data holds at least one complete quarter of it (year to date), and a
   new year whose data is still a few weeks long does not push aside the finished year before
   it. One stray date far in the future (a typing error) never forms a complete quarter, so it
   is never chosen.
4. Without any complete quarter: the year of the latest month with data; without dated rows:
   the latest year of the SKP period labels; without either the period cannot be chosen
   (:class:`EmptyPeriodError`).

An explicit period (command line, ``default.yaml`` or ``parameters/opd/<kode>.yaml``) is never
changed; it is checked the same way (a period without any row stops the command).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kinerja.domain.months import BULAN
from kinerja.domain.period import Periode

__all__ = [
    "AUTO",
    "STREAMS",
    "EmptyPeriodError",
    "PeriodChoice",
    "data_months",
    "describe",
    "is_auto",
    "period_notices",
    "periods_with_data",
    "resolve_periode",
    "stream_coverage",
]

#: The value of ``periode`` that asks for the period to be chosen from the data.
AUTO = "auto"

#: Stream key -> (table, date column or ``"periode"`` label column, Indonesian name).
STREAMS: dict[str, tuple[str, str, str]] = {
    "skm": ("skm", "tanggal", "survei kepuasan masyarakat (SKM)"),
    "layanan": ("layanan", "mulai", "permohonan layanan"),
    "pengaduan": ("pengaduan", "tanggal_masuk", "pengaduan"),
    "laporan_kinerja": ("laporan_kinerja", "tanggal", "laporan kinerja harian (e-kinerja)"),
    "pelatihan": ("pelatihan", "tanggal_mulai", "pelatihan"),
    "penilaian_skp": ("penilaian_skp", "periode", "penilaian SKP"),
}
#: Streams whose dates decide which months have data (rule 1 of the module docstring).
DATED_STREAMS: tuple[str, ...] = ("skm", "layanan", "pengaduan", "laporan_kinerja", "pelatihan")

_MAX_LISTED = 8


class EmptyPeriodError(ValueError):
    """The period holds no row of any stream (message in Indonesian, names the periods with
    data); commands stop with exit code 2."""


def is_auto(value: object) -> bool:
    """True for ``None``, ``""`` and ``"auto"`` (any case): the period is to be chosen."""
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", AUTO))


# --------------------------------------------------------------------------------------------
# reading the dates


def _column(tables: Mapping[str, pd.DataFrame], table: str, column: str) -> pd.Series | None:
    """One column of a table; from a lazy prepared cache only that column is read."""
    if table not in tables:
        return None
    # a prepared cache's LazyTables (kinerja.data.dataset; duck-typed, that module imports this
    # one): read the one column from its Parquet file unless the table is already in memory
    path_of, loaded = getattr(tables, "_path", None), getattr(tables, "_loaded", None)
    if path_of is not None and loaded is not None and table not in loaded:
        try:
            frame = pd.read_parquet(path_of(table), columns=[column])
        except (KeyError, ValueError):  # column absent from the file
            return None
        return frame[column]
    frame = tables[table]
    if frame is None or column not in frame.columns:
        return None
    return frame[column]


def _months_of(values: pd.Series) -> np.ndarray:
    """Distinct months (``datetime64[M]``) of a date column, NaT dropped."""
    arr = pd.to_datetime(values, errors="coerce").to_numpy(dtype="datetime64[ns]")
    arr = arr[~np.isnat(arr)]
    return np.unique(arr.astype("datetime64[M]"))


def data_months(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The months in which each stream has rows: everything the period choice needs.

    Parameters
    ----------
    tables : mapping
        ``Dataset.tables`` (or ``ReportData.tables``): table name -> DataFrame.

    Returns
    -------
    DataFrame
        ``aliran`` (stream key of :data:`STREAMS`), ``bulan`` (first day of the month,
        datetime64), ``label`` (the SKP period text for ``penilaian_skp``, whose ``bulan`` is the
        first day of that period; empty for the dated streams); one row per stream and month
        (SKP: per label); sorted by ``bulan``. Small (a few hundred rows), so the metric store
        keeps it (``periode_data``) and a report never reads the large tables for it.
    """
    parts = []
    for key in DATED_STREAMS:
        table, column, _ = STREAMS[key]
        values = _column(tables, table, column)
        if values is None or len(values) == 0:
            continue
        months = _months_of(values)
        if len(months):
            parts.append(
                pd.DataFrame({"aliran": key, "bulan": months.astype("datetime64[ns]"), "label": ""})
            )
    skp = _column(tables, "penilaian_skp", "periode")
    if skp is not None:
        labels = []
        for text in pd.Series(skp).dropna().astype("str").unique():
            try:
                labels.append(Periode.parse(text))
            except ValueError:
                continue
        if labels:
            parts.append(
                pd.DataFrame(
                    {
                        "aliran": "penilaian_skp",
                        "bulan": pd.to_datetime([p.start for p in labels]).astype("datetime64[ns]"),
                        "label": [str(p) for p in labels],
                    }
                )
            )
    if not parts:
        return pd.DataFrame(
            {
                "aliran": pd.Series([], dtype="str"),
                "bulan": pd.Series([], dtype="datetime64[ns]"),
                "label": pd.Series([], dtype="str"),
            }
        )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["bulan", "aliran", "label"], ignore_index=True)


def _skp_periods(months: pd.DataFrame) -> list[Periode]:
    labels = months.loc[months["aliran"] == "penilaian_skp", "label"]
    return [Periode.parse(t) for t in labels]


def _dated(months: pd.DataFrame) -> np.ndarray:
    """Distinct months of the dated streams (rule 1), ``datetime64[M]``, sorted."""
    values = months.loc[months["aliran"].isin(DATED_STREAMS), "bulan"].to_numpy()
    return np.unique(values.astype("datetime64[M]"))


# --------------------------------------------------------------------------------------------
# the choice


def _month_label(month: pd.Timestamp) -> str:
    return f"{BULAN[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class PeriodChoice:
    """The period a command runs for and why.

    Attributes
    ----------
    periode : str
        Canonical period text (``2026``, ``2026-TW3``, ``2026-07``).
    auto : bool
        Chosen from the data (``periode: auto``) rather than given.
    last_month : Timestamp or None
        The latest month with data within the chosen year (first day of the month); ``None``
        without dated rows in that year.
    later : tuple of Timestamp
        First and last month with data after the chosen year (empty when none): data of a year
        that has no complete quarter yet.
    empty_streams : dict
        Stream key -> Indonesian notice, for every stream present in the data without rows in
        the period (see :func:`stream_coverage`).
    """

    periode: str
    auto: bool
    last_month: pd.Timestamp | None = None
    later: tuple[pd.Timestamp, ...] = ()
    empty_streams: dict[str, str] = field(default_factory=dict)

    @property
    def line(self) -> str:
        """The one line every command prints, e.g. ``Periode: 2026 (data terakhir: Oktober
        2026)``."""
        parts = []
        if not self.auto:
            parts.append("dipilih di perintah atau parameter")
        if self.last_month is not None:
            parts.append(f"data terakhir: {_month_label(self.last_month)}")
        if self.later:
            first, last = self.later[0], self.later[-1]
            span = (
                _month_label(first)
                if first == last
                else f"{_month_label(first)} s.d. {_month_label(last)}"
            )
            parts.append(f"data {span} belum membentuk satu triwulan lengkap")
        detail = f" ({'; '.join(parts)})" if parts else ""
        return f"Periode: {self.periode}{detail}"

    @property
    def notices(self) -> list[str]:
        """The notices of :attr:`empty_streams`, in stream order."""
        return list(self.empty_streams.values())


def _latest_complete_quarter(months: np.ndarray) -> Periode | None:
    have = {(int(str(m)[:4]), int(str(m)[5:7])) for m in months}
    quarters = sorted({(y, (m - 1) // 3 + 1) for y, m in have}, reverse=True)
    for year, q in quarters:
        if all((year, 3 * q - k) in have for k in (0, 1, 2)):
            return Periode(year, "triwulan", q)
    return None


def _auto_year(months: pd.DataFrame) -> int:
    dated = _dated(months)
    if len(dated):
        quarter = _latest_complete_quarter(dated)
        if quarter is not None:
            return quarter.year
        return int(str(dated.max())[:4])
    periods = _skp_periods(months)
    if periods:
        return max(p.year for p in periods)
    raise EmptyPeriodError(
        "Periode tidak dapat dipilih otomatis: data tidak memuat satu pun baris bertanggal "
        "(SKM, layanan, pengaduan, laporan kinerja harian, pelatihan) atau penilaian SKP. "
        "Periksa isi folder data dengan: kinerja validate FOLDER"
    )


def resolve_periode(
    tables: Mapping[str, pd.DataFrame] | None,
    periode: str | Periode | None = AUTO,
    *,
    months: pd.DataFrame | None = None,
) -> PeriodChoice:
    """Choose (``auto``) or check a period against the data.

    Parameters
    ----------
    tables : mapping or None
        ``Dataset.tables`` or ``ReportData.tables`` (``None`` when ``months`` is given).
    periode : str, Periode or None
        ``"auto"`` / ``None`` / ``""``: chosen by the rule of the module docstring; otherwise
        the given period (``2026``, ``2026-TW3``, ``2026-07``), only checked.
    months : DataFrame, optional
        :func:`data_months` of the tables, when already at hand.

    Returns
    -------
    PeriodChoice

    Raises
    ------
    EmptyPeriodError
        When the data have dated rows but none in the period (the message lists the periods
        with data), or when ``auto`` finds no dated row at all. An explicit period over a
        folder without any dated row is accepted (every stream is then reported empty).
    ValueError
        For a period text that is not a period.
    """
    months = data_months(tables or {}) if months is None else months
    auto = is_auto(periode)
    per = Periode(_auto_year(months), "tahun") if auto else Periode.parse(periode)  # type: ignore[arg-type]
    dated = _dated(months)
    year_months = [m for m in dated if int(str(m)[:4]) == per.year]
    last = pd.Timestamp(year_months[-1]) if year_months else None
    later = [pd.Timestamp(m) for m in dated if int(str(m)[:4]) > per.year]
    coverage = stream_coverage(months, per)
    present = coverage.loc[coverage["ada_data"]]
    if not len(present) and auto:
        raise EmptyPeriodError(
            f"Tidak ada data sama sekali untuk periode {per} ({per.label}): folder data tidak "
            "memuat baris bertanggal. Periksa isi folder data dengan: kinerja validate FOLDER"
        )
    # a folder without any dated row (only opd/pegawai, say) cannot contradict a period that was
    # given explicitly: its reports say per stream that there is no data. A folder whose dated
    # rows all lie in other periods can: stop and name those periods.
    if len(present) and not present["baris_periode"].any():
        raise EmptyPeriodError(_empty_message(per, coverage))
    return PeriodChoice(
        periode=str(per),
        auto=auto,
        last_month=last,
        later=(later[0], later[-1]) if later else (),
        empty_streams=_notices(per, coverage),
    )


# --------------------------------------------------------------------------------------------
# which periods have data


def periods_with_data(months: pd.DataFrame, stream: str, kind: str = "tahun") -> list[str]:
    """The periods of one kind (``tahun``, ``triwulan``, ``bulan``) in which ``stream`` has
    rows, oldest first (canonical texts: ``2025``, ``2025-TW3``, ``2025-07``).

    ``months`` is :func:`data_months`; SKP labels count in the periods they lie in (a quarter
    label in its year, a month label in its quarter; an annual label only as a year).
    """
    out: set[Periode] = set()
    if stream == "penilaian_skp":
        for p in _skp_periods(months):
            if kind == "tahun":
                out.add(Periode(p.year, "tahun"))
            elif p.kind == kind:
                out.add(p)
            elif kind == "triwulan" and p.kind == "bulan":
                out.add(Periode(p.year, "triwulan", (p.number - 1) // 3 + 1))
    else:
        for m in months.loc[months["aliran"] == stream, "bulan"]:
            if kind == "tahun":
                out.add(Periode(m.year, "tahun"))
            elif kind == "triwulan":
                out.add(Periode(m.year, "triwulan", (m.month - 1) // 3 + 1))
            else:
                out.add(Periode(m.year, "bulan", m.month))
    return [str(p) for p in sorted(out, key=lambda p: (p.year, p.number))]


def _rows_in(months: pd.DataFrame, stream: str, per: Periode) -> bool:
    if stream == "penilaian_skp":
        # the SKP section reads the period's own label, and a year falls back to its quarters
        return any(p.start >= per.start and p.end <= per.end for p in _skp_periods(months)) or (
            per.kind != "tahun"
            and any(p.kind == "tahun" and p.year == per.year for p in _skp_periods(months))
        )
    values = months.loc[months["aliran"] == stream, "bulan"]
    return bool(((values >= per.start) & (values <= per.end)).any())


def stream_coverage(months: pd.DataFrame, periode: str | Periode) -> pd.DataFrame:
    """Which streams have rows in ``periode`` and in which periods of its kind they do.

    Parameters
    ----------
    months : DataFrame
        :func:`data_months` of the tables.
    periode : str or Periode
        A concrete period.

    Returns
    -------
    DataFrame
        One row per stream of :data:`STREAMS`: ``aliran``, ``nama`` (Indonesian), ``ada_data``
        (the stream has any row at all), ``baris_periode`` (it has rows in the period),
        ``periode_data`` (list of the periods of the same kind with rows, oldest first; the
        years when the stream has none of that kind).
    """
    per = Periode.parse(periode)
    rows = []
    for key, (_, _, name) in STREAMS.items():
        years = periods_with_data(months, key, "tahun")
        listed = periods_with_data(months, key, per.kind) if per.kind != "tahun" else years
        rows.append(
            {
                "aliran": key,
                "nama": name,
                "ada_data": bool(years),
                "baris_periode": bool(years) and _rows_in(months, key, per),
                "periode_data": listed or years,
            }
        )
    return pd.DataFrame(rows)


def period_notices(months: pd.DataFrame, periode: str | Periode) -> list[str]:
    """One Indonesian sentence per stream present in the data without rows in ``periode``,
    naming the periods that have its rows (empty list: every stream has rows)."""
    per = Periode.parse(periode)
    return list(_notices(per, stream_coverage(months, per)).values())


def _notices(per: Periode, coverage: pd.DataFrame) -> dict[str, str]:
    return {
        r.aliran: _stream_notice(r.nama, per, r.periode_data)
        for r in coverage.itertuples(index=False)
        if r.ada_data and not r.baris_periode
    }


def _listing(periods: list[str]) -> str:
    if len(periods) > _MAX_LISTED:
        more = len(periods) - _MAX_LISTED
        return ", ".join(periods[-_MAX_LISTED:]) + f" (dan {more} periode sebelumnya)"
    return ", ".join(periods)


def _stream_notice(name: str, per: Periode, periods: list[str]) -> str:
    return (
        f"Tidak ada data {name} pada periode {per} ({per.label}); "
        f"data {name} ada untuk periode: {_listing(periods)}."
    )


def _empty_message(per: Periode, coverage: pd.DataFrame) -> str:
    lines = [
        f"Tidak ada data sama sekali pada periode {per} ({per.label}). Periode yang memiliki data:"
    ]
    for r in coverage.loc[coverage["ada_data"]].itertuples(index=False):
        lines.append(f"  - {r.nama}: {_listing(r.periode_data)}")
    lines.append(
        "Pilih salah satu dengan --periode, atau tulis 'periode: auto' di "
        "parameters/default.yaml agar periode dipilih dari data."
    )
    return "\n".join(lines)


def describe(tables: Mapping[str, pd.DataFrame], periode: str | Periode | None = AUTO) -> list[str]:
    """The lines a command prints about its period: :attr:`PeriodChoice.line` and one
    ``Catatan:`` line per stream without rows in the period; the message of
    :class:`EmptyPeriodError` (split in lines) when the period cannot be used."""
    try:
        choice = resolve_periode(tables, periode)
    except EmptyPeriodError as exc:
        return str(exc).splitlines()
    return [choice.line, *(f"  Catatan: {n}" for n in choice.notices)]
