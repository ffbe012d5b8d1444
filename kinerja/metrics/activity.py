"""Real-time activity reports (e-kinerja ``laporan_kinerja``) per OPD and month.

Implements issue 3 item 3: whether ASN report their work on working days, how late they report,
how fast supervisors verify, and how much is still pending or rejected. Salatiga has paid TPP by
e-kinerja since June 2020 (reference.md §6.3); the indicators below are descriptive and are not
the TPP formula (Perwali 4/2021), which is not implemented here.

Definitions (one row of ``laporan_kinerja`` = one report; ``tanggal`` is the activity day,
``waktu_lapor`` the moment it was entered, ``waktu_verifikasi`` the supervisor's decision):

- ``persen_hari_melapor`` = 100 × (distinct (ASN, working day) pairs with at least one report) /
  (ASN of the OPD × working days of the month). ASN come from ``pegawai`` (the OPD's headcount,
  whether they reported or not); working days from the OPD's calendar; the month's days are
  limited to the observation window (first to last ``tanggal`` in the whole table), so a partial
  first or last month is not diluted. Reports dated on non-working days count in ``n_laporan``
  but not in this share.
- Reporting lag: ``jeda_lapor_hari_kerja = busday_count(tanggal, date(waktu_lapor))`` (0 = reported
  on the activity day, 1 = the next working day) and ``jeda_lapor_jam`` = hours from the **end**
  of the activity day (``tanggal`` + 24 h) to ``waktu_lapor``, 0 when reported on the day itself.
  ``persen_lapor_hari_sama`` is the share reported on the activity day.
- ``latensi_verifikasi_jam`` = ``waktu_verifikasi − waktu_lapor`` in hours, over verified reports.
- ``persen_menunggu`` / ``persen_ditolak``: share of reports whose ``status_verifikasi`` is
  ``menunggu`` / ``ditolak``.
- Medians are linear-interpolation medians (as everywhere in kinerja).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kinerja.domain.calendar import WorkCalendar
from kinerja.domain.period import Periode, filter_period

__all__ = ["activity_summary", "report_lags"]

_NS_PER_HOUR = 3_600_000_000_000
#: largest nip × day grid :func:`activity_summary` marks to count distinct (ASN, day) pairs
#: (4 bytes a cell); a larger one counts them by hashing
_MAX_CELLS = 10_000_000


def _calendar_of(calendars: WorkCalendar | Mapping[str, WorkCalendar], code: str) -> WorkCalendar:
    if isinstance(calendars, WorkCalendar):
        return calendars
    if code not in calendars:
        raise ValueError(f"kalender kerja tidak ada untuk kode_opd {code}")
    return calendars[code]


def _lower_text(values: pd.Series) -> pd.Series:
    """``values.astype("str").str.lower()``, converting each distinct value once.

    A status column has a handful of distinct values over a million reports: they are lowered
    once and taken back to the rows (missing values stay missing).
    """
    codes, uniques = pd.factorize(values)
    lowered = pd.Index(uniques).astype("str").str.lower()
    return pd.Series(lowered.array.take(codes, allow_fill=True), index=values.index)


def _report_lags(
    laporan: pd.DataFrame,
    pegawai: pd.DataFrame,
    calendar: WorkCalendar | Mapping[str, WorkCalendar],
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.Index, Any]:
    """:func:`report_lags`, per row integer codes of its ``nip`` and of its ``kode_opd``, the
    ``kode_opd`` text of each OPD code and the ``nip`` of each nip code.

    The codes let :func:`activity_summary` count distinct ASN and (ASN, day) pairs on integers
    instead of on a million text values.
    """
    peg = pegawai.drop_duplicates("nip")
    peg_kode = peg["kode_opd"].astype("str")
    # OPD of each report through integer positions (no per-row string mapping on 1 M rows)
    kode_idx, kode_names = pd.factorize(peg_kode)  # -1 where the pegawai has no kode_opd
    nip = laporan["nip"].astype("str")
    # each distinct nip looked up once (a missing nip is a value of its own, as in get_indexer)
    nip_code, nip_uniques = pd.factorize(nip, use_na_sentinel=False)
    pos = pd.Index(peg["nip"].astype("str")).get_indexer(nip_uniques)[nip_code]
    keep = pos >= 0
    keep[keep] = kode_idx[pos[keep]] >= 0
    lap = laporan.loc[keep]
    pos = pos[keep]
    nip = nip.loc[keep]
    nip_code = nip_code[keep]
    kode = pd.Series(peg_kode.array.take(pos), index=lap.index)
    kode_int = kode_idx[pos]
    tanggal = pd.to_datetime(lap["tanggal"]).dt.normalize()
    lapor = pd.to_datetime(lap["waktu_lapor"])
    verif = (
        pd.to_datetime(lap["waktu_verifikasi"])
        if "waktu_verifikasi" in lap.columns
        else pd.Series(pd.NaT, index=lap.index, dtype="datetime64[ns]")
    )
    t_days = tanggal.to_numpy().astype("datetime64[D]")
    l_days = lapor.to_numpy().astype("datetime64[D]")
    lag = np.full(len(lap), np.nan)
    working = np.zeros(len(lap), dtype=bool)
    groups: dict[WorkCalendar, list[int]] = {}
    for i in np.unique(kode_int):
        groups.setdefault(_calendar_of(calendar, str(kode_names[i])), []).append(int(i))
    for cal, codes in groups.items():
        mask = np.isin(kode_int, codes) if len(groups) > 1 else np.ones(len(lap), dtype=bool)
        lag[mask] = cal.busday_count(t_days[mask], l_days[mask])
        working[mask] = cal.is_working_day(t_days[mask])
    lag_days = pd.Series(lag, index=lap.index).astype("Int64")
    end_of_day = tanggal + pd.Timedelta(days=1)
    lag_hours = ((lapor - end_of_day) / pd.Timedelta(hours=1)).clip(lower=0)
    lat_hours = (verif - lapor) / pd.Timedelta(hours=1)
    frame = pd.DataFrame(
        {
            "nip": nip,
            "kode_opd": kode,
            "bulan": tanggal.dt.to_period("M").dt.start_time,
            "tanggal": tanggal,
            "hari_kerja": working,
            "jeda_lapor_hari_kerja": lag_days,
            "jeda_lapor_jam": lag_hours,
            "latensi_verifikasi_jam": lat_hours,
            "status_verifikasi": _lower_text(lap["status_verifikasi"]),
        }
    ).reset_index(drop=True)
    return frame, nip_code, kode_int, kode_names, nip_uniques


def report_lags(
    laporan: pd.DataFrame,
    pegawai: pd.DataFrame,
    calendar: WorkCalendar | Mapping[str, WorkCalendar],
) -> pd.DataFrame:
    """Per report: its OPD, month, reporting lag and verification latency (see module notes).

    Returns
    -------
    DataFrame
        ``nip, kode_opd, bulan, tanggal, hari_kerja (bool: tanggal is a working day),
        jeda_lapor_hari_kerja, jeda_lapor_jam, latensi_verifikasi_jam, status_verifikasi``.
        Reports whose ``nip`` is not in ``pegawai`` are dropped (the loader quarantines them).
    """
    return _report_lags(laporan, pegawai, calendar)[0]


def activity_summary(
    laporan: pd.DataFrame,
    pegawai: pd.DataFrame,
    calendar: WorkCalendar | Mapping[str, WorkCalendar],
    *,
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """e-kinerja reporting indicators per OPD and month.

    Parameters
    ----------
    laporan : DataFrame
        ``laporan_kinerja`` (``nip, tanggal, waktu_lapor, status_verifikasi,
        [waktu_verifikasi]``).
    pegawai : DataFrame
        ``pegawai`` (``nip, kode_opd``): the headcount per OPD.
    calendar : WorkCalendar or mapping kode_opd → WorkCalendar
    periode : optional
        Keep reports whose ``tanggal`` falls in the period.

    Returns
    -------
    DataFrame
        ``kode_opd, bulan, n_pegawai, n_pegawai_melapor, n_laporan, hari_kerja_bulan,
        persen_hari_melapor, median_jeda_lapor_hari_kerja, median_jeda_lapor_jam,
        persen_lapor_hari_sama, median_latensi_verifikasi_jam, persen_menunggu, persen_ditolak``.

    Notes
    -----
    Issue 3 item 3; formulas in the module notes. ``hari_kerja_bulan`` is the number of working
    days of the month inside the observation window, so
    ``persen_hari_melapor = 100 × hari_melapor / (n_pegawai × hari_kerja_bulan)``.
    """
    window_start = pd.to_datetime(laporan["tanggal"]).min()
    window_end = pd.to_datetime(laporan["tanggal"]).max()
    lap = filter_period(laporan, "tanggal", periode)
    r, nip_code, kode_code, kode_names, nip_uniques = _report_lags(lap, pegawai, calendar)
    if r.empty:
        return pd.DataFrame(
            columns=[
                "kode_opd",
                "bulan",
                "n_pegawai",
                "n_pegawai_melapor",
                "n_laporan",
                "hari_kerja_bulan",
                "persen_hari_melapor",
                "median_jeda_lapor_hari_kerja",
                "median_jeda_lapor_jam",
                "persen_lapor_hari_sama",
                "median_latensi_verifikasi_jam",
                "persen_menunggu",
                "persen_ditolak",
            ]
        )
    headcount = pegawai.drop_duplicates("nip").groupby(pegawai["kode_opd"].astype("str")).size()
    status = r["status_verifikasi"]
    # grouped on integer codes of the OPD and the ASN (one code per distinct text), the OPD's
    # text put back on the groups; every value is that of a group, whatever the group order
    work = pd.DataFrame(
        {
            "_kode": kode_code,
            "bulan": r["bulan"],
            "_menunggu": (status == "menunggu").to_numpy(),
            "_ditolak": (status == "ditolak").to_numpy(),
            "_sama": (r["jeda_lapor_jam"] == 0).to_numpy(),
            "_lag_d": r["jeda_lapor_hari_kerja"].astype("Float64").astype(float),
            "jeda_lapor_jam": r["jeda_lapor_jam"],
            "latensi_verifikasi_jam": r["latensi_verifikasi_jam"],
        }
    )
    g = work.groupby(["_kode", "bulan"])
    out = g.agg(
        n_laporan=("_kode", "size"),
        median_jeda_lapor_hari_kerja=("_lag_d", "median"),
        median_jeda_lapor_jam=("jeda_lapor_jam", "median"),
        persen_lapor_hari_sama=("_sama", "mean"),
        median_latensi_verifikasi_jam=("latensi_verifikasi_jam", "median"),
        persen_menunggu=("_menunggu", "mean"),
        persen_ditolak=("_ditolak", "mean"),
    ).reset_index()
    for c in ("persen_lapor_hari_sama", "persen_menunggu", "persen_ditolak"):
        out[c] = 100.0 * out[c]
    # distinct ASN, and distinct (ASN, working day) pairs with a report, per group: one int64
    # key per row (group, nip code[, day]), duplicates found by hashing
    group = g.ngroup().to_numpy(dtype=np.float64, na_value=np.nan)
    grouped = np.isfinite(group)
    group = np.where(grouped, group, 0).astype(np.int64)
    n_nip = int(nip_code.max()) + 1
    pair = group * n_nip + nip_code
    counted = grouped & ~np.asarray(pd.isna(nip_uniques))[nip_code]  # nunique skips a missing nip
    first = counted & ~pd.Series(pair).duplicated().to_numpy()
    out["n_pegawai_melapor"] = np.bincount(group[first], minlength=len(out)).astype(np.int64)
    day = r["tanggal"].to_numpy().astype("datetime64[D]").astype(np.int64)
    working = grouped & r["hari_kerja"].to_numpy(dtype=bool)
    hari = np.zeros(len(out), dtype=np.int64)
    if working.any():
        lo_day = int(day[working].min())
        span = int(day[working].max()) - lo_day + 1
        if n_nip * span <= _MAX_CELLS:
            # a (nip, day) pair fixes its group (the nip's OPD, the day's month): each pair marks
            # its cell of a nip × day grid with its group, then the marked cells are counted
            owner = np.full(n_nip * span, -1, dtype=np.int32)
            owner[nip_code[working] * span + (day[working] - lo_day)] = group[working]
            hari = np.bincount(owner[owner >= 0], minlength=len(out))
        else:
            offset = np.where(working, day, lo_day) - lo_day
            triple = np.where(working, pair * span + offset, -1)
            first = working & ~pd.Series(triple).duplicated().to_numpy()
            hari = np.bincount(group[first], minlength=len(out))
    out["hari_melapor"] = hari.astype(np.int64)
    out.insert(0, "kode_opd", kode_names.array.take(out["_kode"].to_numpy()))
    out = out.drop(columns="_kode")
    keys = ["kode_opd", "bulan"]
    # working days of each month inside the observation window, per OPD calendar
    month = out["bulan"].to_numpy().astype("datetime64[D]")
    month_end = (out["bulan"] + pd.offsets.MonthEnd(0)).to_numpy().astype("datetime64[D]")
    lo = np.maximum(month, np.datetime64(window_start.date()))
    hi = np.minimum(month_end, np.datetime64(window_end.date())) + np.timedelta64(1, "D")
    wdays = np.zeros(len(out), dtype=np.int64)
    codes = out["kode_opd"].to_numpy()
    by_cal: dict[WorkCalendar, list[str]] = {}
    for code in pd.unique(codes):
        by_cal.setdefault(_calendar_of(calendar, code), []).append(code)
    for cal, members in by_cal.items():
        mask = np.isin(codes, members) & (hi > lo)
        wdays[mask] = cal.busday_count(lo[mask], hi[mask])
    out["hari_kerja_bulan"] = wdays
    out["n_pegawai"] = out["kode_opd"].map(headcount).fillna(0).astype(np.int64)
    denom = out["n_pegawai"] * out["hari_kerja_bulan"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["persen_hari_melapor"] = np.where(
            denom > 0, 100.0 * out["hari_melapor"] / denom, np.nan
        )
    return (
        out[
            [
                "kode_opd",
                "bulan",
                "n_pegawai",
                "n_pegawai_melapor",
                "n_laporan",
                "hari_kerja_bulan",
                "persen_hari_melapor",
                "median_jeda_lapor_hari_kerja",
                "median_jeda_lapor_jam",
                "persen_lapor_hari_sama",
                "median_latensi_verifikasi_jam",
                "persen_menunggu",
                "persen_ditolak",
            ]
        ]
        .sort_values(keys, kind="stable")
        .reset_index(drop=True)
    )
