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

import numpy as np
import pandas as pd

from kinerja.domain.calendar import WorkCalendar
from kinerja.domain.period import Periode, filter_period

__all__ = ["activity_summary", "report_lags"]

_NS_PER_HOUR = 3_600_000_000_000


def _calendar_of(calendars: WorkCalendar | Mapping[str, WorkCalendar], code: str) -> WorkCalendar:
    if isinstance(calendars, WorkCalendar):
        return calendars
    if code not in calendars:
        raise ValueError(f"kalender kerja tidak ada untuk kode_opd {code}")
    return calendars[code]


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
    peg = pegawai.drop_duplicates("nip")
    peg_kode = peg["kode_opd"].astype("str")
    # OPD of each report through integer positions (no per-row string mapping on 1 M rows)
    kode_idx, kode_names = pd.factorize(peg_kode)  # -1 where the pegawai has no kode_opd
    nip = laporan["nip"].astype("str")
    pos = pd.Index(peg["nip"].astype("str")).get_indexer(nip)
    keep = pos >= 0
    keep[keep] = kode_idx[pos[keep]] >= 0
    lap = laporan.loc[keep]
    pos = pos[keep]
    nip = nip.loc[keep]
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
    return pd.DataFrame(
        {
            "nip": nip,
            "kode_opd": kode,
            "bulan": tanggal.dt.to_period("M").dt.start_time,
            "tanggal": tanggal,
            "hari_kerja": working,
            "jeda_lapor_hari_kerja": lag_days,
            "jeda_lapor_jam": lag_hours,
            "latensi_verifikasi_jam": lat_hours,
            "status_verifikasi": lap["status_verifikasi"].astype("str").str.lower(),
        }
    ).reset_index(drop=True)


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
    r = report_lags(lap, pegawai, calendar)
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
    r = r.assign(
        _menunggu=(status == "menunggu"),
        _ditolak=(status == "ditolak"),
        _sama=(r["jeda_lapor_jam"] == 0),
        _lag_d=r["jeda_lapor_hari_kerja"].astype("Float64").astype(float),
    )
    keys = ["kode_opd", "bulan"]
    g = r.groupby(keys)
    out = g.agg(
        n_laporan=("nip", "size"),
        n_pegawai_melapor=("nip", "nunique"),
        median_jeda_lapor_hari_kerja=("_lag_d", "median"),
        median_jeda_lapor_jam=("jeda_lapor_jam", "median"),
        persen_lapor_hari_sama=("_sama", "mean"),
        median_latensi_verifikasi_jam=("latensi_verifikasi_jam", "median"),
        persen_menunggu=("_menunggu", "mean"),
        persen_ditolak=("_ditolak", "mean"),
    ).reset_index()
    for c in ("persen_lapor_hari_sama", "persen_menunggu", "persen_ditolak"):
        out[c] = 100.0 * out[c]
    # distinct (ASN, working day) pairs with a report
    wd = r.loc[r["hari_kerja"], ["kode_opd", "bulan", "nip", "tanggal"]].drop_duplicates()
    days_reported = wd.groupby(keys).size().rename("hari_melapor")
    out = out.merge(days_reported.reset_index(), on=keys, how="left")
    out["hari_melapor"] = out["hari_melapor"].fillna(0).astype(np.int64)
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
