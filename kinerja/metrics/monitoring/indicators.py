"""Monthly indicators per OPD (and per service) for the monitoring charts.

Every function returns the long *series* table the charts read: one row per
``(kode_opd, indikator, jenis_layanan, bulan)`` with ``nilai`` (on the chart's scale), ``x``
(count), ``n`` (units or exposure), ``n_pegawai`` (ASN behind an e-kinerja value, for disclosure
control; NA elsewhere) and ``cukup`` (enough data to judge the month). ``jenis_layanan`` is NA
for indicators of the whole OPD. ``bulan`` is the first day of the month.

Indicators (:data:`INDICATORS`; the chart kinds are those of
:mod:`kinerja.metrics.monitoring.limits`):

=========================  =====  ======  =======================================================
indikator                  chart  adverse  value of a month
=========================  =====  ======  =======================================================
tepat_waktu (per service)  p      turun   share of the requests submitted in the month (first
                                          ``mulai``, as everywhere in kinerja) and finished that
                                          met the published standard (UU 25/2009 Pasal 21,
                                          reference.md §4.1)
lama_layanan (per service) i      naik    median lead time in working days of those requests
                                          (the OPD's calendar: :func:`kinerja.metrics.service.request_table`)
pengaduan_per_1000         u      naik    complaints received in the month per 1,000 requests
                                          submitted in the month
pengaduan_lambat           c      naik    "Pelayanan lambat" complaints received in the month
laporan_harian             i      turun   e-kinerja reporting share (ASN × working days with a
                                          report, :func:`kinerja.metrics.activity.activity_summary`)
verifikasi                 i      naik    median working days from report to the supervisor's
                                          decision ("atasan memantau dan memberi umpan balik")
tindak_lanjut_terlambat    c      naik    follow-up items whose deadline fell in the month and
                                          that were not finished by it
ikm (per quarter)          z      turun   IKM (PermenPANRB 14/2017, reference.md §1.4) of the
                                          quarter ending in the month, with its 95 % CI
=========================  =====  ======  =======================================================

Requests still open at the export are not in the lead-time and on-time values of their month
(a lead time is only known once finished); the last months therefore lean towards the fast
requests, which can only hide, never raise, a signal of slowness.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja.domain.calendar import WorkCalendar

__all__ = [
    "INDICATORS",
    "SERIES_COLUMNS",
    "Indicator",
    "activity_series",
    "complaint_series",
    "followup_series",
    "ikm_quarters",
    "month_floor",
    "service_series",
    "verification_delay",
]

SERIES_COLUMNS = [
    "kode_opd",
    "indikator",
    "jenis_layanan",
    "bulan",
    "nilai",
    "x",
    "n",
    "n_pegawai",
    "cukup",
]
SLOW_CATEGORY = "Pelayanan lambat"


@dataclass(frozen=True)
class Indicator:
    """One monitored indicator: its Indonesian label, chart, adverse direction and unit."""

    key: str
    label: str
    chart: str
    adverse: str
    unit: str
    per_service: bool = False


#: every indicator, in reporting order
INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("tepat_waktu", "Ketepatan waktu", "p", "turun", "persen", True),
        Indicator("lama_layanan", "Median waktu layanan", "i", "naik", "hari kerja", True),
        Indicator("pengaduan_per_1000", "Pengaduan per 1.000 permohonan", "u", "naik", "per 1.000"),
        Indicator("pengaduan_lambat", 'Pengaduan "Pelayanan lambat"', "c", "naik", "pengaduan"),
        Indicator("laporan_harian", "Kepatuhan laporan harian e-kinerja", "i", "turun", "persen"),
        Indicator("verifikasi", "Median jeda verifikasi atasan", "i", "naik", "hari kerja"),
        Indicator(
            "tindak_lanjut_terlambat", "Tindak lanjut yang menjadi terlambat", "c", "naik", "butir"
        ),
        Indicator("ikm", "IKM triwulan", "z", "turun", "indeks"),
    )
}


#: the dtype of ``Series.dt.to_period("M").dt.start_time`` (what :func:`month_floor` returns)
_MONTH_DTYPE = pd.Series([], dtype="datetime64[ns]").dt.to_period("M").dt.start_time.dtype


def month_floor(values: pd.Series) -> pd.Series:
    """First day of the month of each date (``datetime64``)."""
    dates = pd.to_datetime(values)
    if isinstance(dates, pd.Series) and isinstance(dates.dtype, np.dtype):
        # timezone-naive dates: the month in NumPy, the dtype and labels of the period route
        months = dates.to_numpy().astype("datetime64[M]").astype(_MONTH_DTYPE)
        return pd.Series(months, index=dates.index, name=dates.name)
    return dates.dt.to_period("M").dt.start_time


def _text(values: pd.Series) -> pd.api.extensions.ExtensionArray:
    """``values.astype("str")`` as a column array, each distinct value converted once.

    A frame built from ``values.astype("str").to_numpy()`` converts every row to an Arrow string
    a second time; the codes of the distinct values taken back to the rows give the same column.
    """
    if values.dtype == "str":
        return values.array
    codes, uniques = pd.factorize(values)
    return pd.Index(uniques).astype("str").array.take(codes, allow_fill=True)


def _frame(rows: pd.DataFrame, indikator: str) -> pd.DataFrame:
    out = rows.assign(indikator=indikator)
    for c in SERIES_COLUMNS:
        if c not in out.columns:
            out[c] = pd.NA
    out = out[SERIES_COLUMNS]
    out["kode_opd"] = out["kode_opd"].astype("str")
    out["jenis_layanan"] = out["jenis_layanan"].astype("object")
    return out


def _complete(frame: pd.DataFrame, months: Sequence[pd.Timestamp], keys: list[str]) -> pd.DataFrame:
    """Every (series, month) pair present, missing months with ``x = 0``."""
    if frame.empty:
        return frame
    series = frame[keys].drop_duplicates()
    grid = series.merge(pd.DataFrame({"bulan": pd.to_datetime(list(months))}), how="cross")
    return grid.merge(frame, on=[*keys, "bulan"], how="left")


def service_series(
    requests: pd.DataFrame, months: Sequence[pd.Timestamp], *, min_permohonan: int = 20
) -> pd.DataFrame:
    """``tepat_waktu`` and ``lama_layanan`` per service and month.

    Parameters
    ----------
    requests : DataFrame
        :func:`kinerja.metrics.service.request_table` output (``kode_opd, jenis_layanan, mulai,
        hari_kerja, tepat_waktu, dalam_proses``).
    months : sequence of Timestamp
        The months to report (first days), in order.
    min_permohonan : int
        Finished requests a month needs to be judged (``cukup``).
    """
    done = requests
    if "dalam_proses" in done.columns:
        done = done.loc[~done["dalam_proses"].to_numpy(dtype=bool)]
    frame = pd.DataFrame(
        {
            "kode_opd": _text(done["kode_opd"]),
            "jenis_layanan": _text(done["jenis_layanan"]),
            "bulan": month_floor(done["mulai"]).to_numpy(),
            "hari": done["hari_kerja"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
            "ok": done["tepat_waktu"].astype("boolean").fillna(False).to_numpy(dtype=bool),
            "std": done["tepat_waktu"].notna().to_numpy(),
        }
    )
    keys = ["kode_opd", "jenis_layanan", "bulan"]
    g = frame.groupby(keys, sort=True)
    agg = g.agg(
        n=("hari", "count"), x=("ok", "sum"), n_std=("std", "sum"), nilai=("hari", "median")
    )
    agg = agg.reset_index()
    agg = _complete(agg, months, ["kode_opd", "jenis_layanan"])
    agg = agg.loc[agg["bulan"].isin(pd.to_datetime(list(months)))]
    for c in ("n", "x", "n_std"):
        agg[c] = agg[c].fillna(0).astype(float)
    lead = agg.assign(cukup=agg["n"] >= min_permohonan)
    with_std = agg.groupby(["kode_opd", "jenis_layanan"])["n_std"].transform("sum") > 0
    p = agg.loc[with_std].assign(n=lambda d: d["n_std"])
    with np.errstate(invalid="ignore", divide="ignore"):
        p = p.assign(
            nilai=np.where(p["n"] > 0, p["x"] / p["n"], np.nan), cukup=p["n"] >= min_permohonan
        )
    return pd.concat(
        [_frame(p, "tepat_waktu"), _frame(lead.assign(x=np.nan), "lama_layanan")], ignore_index=True
    )


def complaint_series(
    pengaduan: pd.DataFrame,
    requests: pd.DataFrame | None,
    months: Sequence[pd.Timestamp],
    *,
    kode_opd: Sequence[str],
    min_permohonan: int = 20,
    kategori: str = SLOW_CATEGORY,
) -> pd.DataFrame:
    """``pengaduan_per_1000`` (u) and ``pengaduan_lambat`` (c) per OPD and month.

    ``pengaduan_per_1000``: ``x`` = complaints received in the month (``tanggal_masuk``),
    ``n`` = requests submitted in the month / 1,000 (every request, open ones too), ``nilai`` =
    ``x / n``; judged when the month has at least ``min_permohonan`` requests. OPDs without a
    service log have no such series. ``pengaduan_lambat``: ``x = nilai`` = complaints of category
    ``kategori`` (case-insensitive), every OPD of ``kode_opd``, every month judged.
    """
    mlist = pd.to_datetime(list(months))
    comp = pd.DataFrame(
        {
            "kode_opd": _text(pengaduan["kode_opd"]),
            "bulan": month_floor(pengaduan["tanggal_masuk"]).to_numpy(),
            "lambat": (
                pengaduan["kategori"].astype("str").str.casefold() == kategori.casefold()
            ).to_numpy(),
        }
    )
    counts = comp.groupby(["kode_opd", "bulan"]).agg(x=("lambat", "size"), lambat=("lambat", "sum"))
    grid = pd.MultiIndex.from_product([sorted(set(kode_opd)), mlist], names=["kode_opd", "bulan"])
    counts = counts.reindex(grid, fill_value=0).reset_index()
    slow = counts.assign(x=counts["lambat"].astype(float), n=1.0, cukup=True)
    slow = slow.assign(nilai=slow["x"])
    out = [_frame(slow, "pengaduan_lambat")]
    if requests is not None and len(requests):
        req = pd.DataFrame(
            {
                "kode_opd": _text(requests["kode_opd"]),
                "bulan": month_floor(requests["mulai"]).to_numpy(),
            }
        )
        nreq = req.groupby(["kode_opd", "bulan"]).size().rename("req")
        codes = sorted(set(req["kode_opd"].unique()))
        g2 = pd.MultiIndex.from_product([codes, mlist], names=["kode_opd", "bulan"])
        nreq = nreq.reindex(g2, fill_value=0).reset_index()
        u = nreq.merge(counts[["kode_opd", "bulan", "x"]], on=["kode_opd", "bulan"], how="left")
        u["x"] = u["x"].fillna(0).astype(float)
        u["n"] = u["req"] / 1000.0
        with np.errstate(invalid="ignore", divide="ignore"):
            u["nilai"] = np.where(u["n"] > 0, u["x"] / u["n"], np.nan)
        u["cukup"] = u["req"] >= min_permohonan
        out.append(_frame(u, "pengaduan_per_1000"))
    return pd.concat(out, ignore_index=True)


def verification_delay(
    laporan: pd.DataFrame, pegawai: pd.DataFrame, calendars: Mapping[str, WorkCalendar]
) -> pd.DataFrame:
    """Median working days from an activity report to its supervisor's decision, per OPD and month.

    Returns
    -------
    DataFrame
        ``kode_opd, bulan, median_verifikasi_hari_kerja, n_terverifikasi`` (month of the
        activity day ``tanggal``; reports never decided are left out).

    Notes
    -----
    Delay = ``busday_count(date(waktu_lapor), date(waktu_verifikasi))`` with the OPD's calendar
    (0 = decided on the day it was reported). Working days, not hours, so a holiday week does not
    look like slow supervisors.
    """
    peg = pegawai.drop_duplicates("nip")
    # OPD codes in the order of their text, so that grouping on the codes sorts as on the text
    kode_idx, kode_names = pd.factorize(peg["kode_opd"].astype("str"), sort=True)
    # each distinct nip looked up once (a missing nip is a value of its own, as in get_indexer)
    nip_code, nip_uniques = pd.factorize(laporan["nip"].astype("str"), use_na_sentinel=False)
    pos = pd.Index(peg["nip"].astype("str")).get_indexer(nip_uniques)[nip_code]
    verif = pd.to_datetime(laporan["waktu_verifikasi"])
    keep = (pos >= 0) & verif.notna().to_numpy()
    pos = pos[keep]
    kode = kode_idx[pos]
    lap_d = pd.to_datetime(laporan["waktu_lapor"]).to_numpy()[keep].astype("datetime64[D]")
    ver_d = verif.to_numpy()[keep].astype("datetime64[D]")
    days = np.full(len(kode), np.nan)
    by_cal: dict[WorkCalendar, list[int]] = {}
    for i in np.unique(kode):
        if i >= 0 and str(kode_names[i]) in calendars:
            by_cal.setdefault(calendars[str(kode_names[i])], []).append(int(i))
    for cal, members in by_cal.items():
        mask = np.isin(kode, members)
        days[mask] = np.maximum(cal.busday_count(lap_d[mask], ver_d[mask]), 0)
    frame = pd.DataFrame(
        {
            "_kode": kode,
            "bulan": month_floor(
                pd.Series(pd.to_datetime(laporan["tanggal"]).to_numpy()[keep])
            ).to_numpy(),
            "hari": days,
        }
    )
    frame = frame.loc[(kode >= 0) & np.isfinite(days)]
    # grouped on the OPD codes (sorted as their text), the text put back on the groups
    g = frame.groupby(["_kode", "bulan"], sort=True)["hari"]
    out = pd.DataFrame(
        {"median_verifikasi_hari_kerja": g.median(), "n_terverifikasi": g.size()}
    ).reset_index()
    out.insert(0, "kode_opd", kode_names.array.take(out["_kode"].to_numpy()))
    return out.drop(columns="_kode")


def activity_series(
    activity: pd.DataFrame,
    months: Sequence[pd.Timestamp],
    *,
    verification: pd.DataFrame | None = None,
    min_pegawai: int = 5,
) -> pd.DataFrame:
    """``laporan_harian`` (share 0..1) and ``verifikasi`` (working days) per OPD and month.

    Parameters
    ----------
    activity : DataFrame
        :func:`kinerja.metrics.activity.activity_summary` output.
    verification : DataFrame, optional
        :func:`verification_delay` output; without it there is no ``verifikasi`` series.
    min_pegawai : int
        ASN an OPD needs for its month to be judged.
    """
    a = activity.loc[pd.to_datetime(activity["bulan"]).isin(pd.to_datetime(list(months)))]
    a = a.assign(bulan=pd.to_datetime(a["bulan"]), n_pegawai=a["n_pegawai"].astype(float))
    ok = (a["n_pegawai"] >= min_pegawai) & (a["hari_kerja_bulan"] > 0)
    share = a.assign(
        nilai=a["persen_hari_melapor"].astype(float) / 100.0, x=np.nan, n=a["n_pegawai"], cukup=ok
    )
    out = [_frame(share, "laporan_harian")]
    if verification is not None and len(verification):
        ver = (
            a[["kode_opd", "bulan", "n_pegawai"]]
            .assign(_ok=ok)
            .merge(
                verification.assign(bulan=pd.to_datetime(verification["bulan"])),
                on=["kode_opd", "bulan"],
                how="left",
            )
        )
        ver = ver.assign(
            nilai=ver["median_verifikasi_hari_kerja"].astype(float),
            x=np.nan,
            n=ver["n_terverifikasi"].astype(float),
            cukup=ver["_ok"] & ver["median_verifikasi_hari_kerja"].notna(),
        )
        out.append(_frame(ver, "verifikasi"))
    return pd.concat(out, ignore_index=True)


def followup_series(
    tindak_lanjut: pd.DataFrame,
    months: Sequence[pd.Timestamp],
    *,
    kode_opd: Sequence[str],
    as_of: _dt.date | pd.Timestamp,
) -> pd.DataFrame:
    """``tindak_lanjut_terlambat`` per OPD and month (c-chart counts).

    An item *turns overdue* in the month of its ``tenggat`` when it was not finished by then:
    status ``selesai`` with ``tanggal_selesai > tenggat``, or not ``selesai`` and
    ``tenggat < as_of``. Items without ``tenggat`` never count.
    """
    tl = tindak_lanjut
    tenggat = pd.to_datetime(tl["tenggat"]).dt.normalize()
    done = tl["status"].astype("str").str.strip().str.casefold() == "selesai"
    finished = pd.to_datetime(tl["tanggal_selesai"]).dt.normalize()
    late = (~done & (tenggat < pd.Timestamp(as_of))) | (done & (finished > tenggat))
    late = late.fillna(False).to_numpy(dtype=bool) & tenggat.notna().to_numpy()
    frame = pd.DataFrame(
        {
            "kode_opd": tl["kode_opd"].astype("str").to_numpy()[late],
            "bulan": month_floor(tenggat[late]).to_numpy(),
        }
    )
    grid = pd.MultiIndex.from_product(
        [sorted(set(kode_opd)), pd.to_datetime(list(months))], names=["kode_opd", "bulan"]
    )
    counts = frame.groupby(["kode_opd", "bulan"]).size().reindex(grid, fill_value=0)
    out = counts.rename("x").reset_index().assign(n=1.0, cukup=True)
    out["x"] = out["x"].astype(float)
    out["nilai"] = out["x"]
    return _frame(out, "tindak_lanjut_terlambat")


def ikm_quarters(
    skm: pd.DataFrame, months: Sequence[pd.Timestamp], *, min_responden: int = 30
) -> pd.DataFrame:
    """IKM per OPD and quarter with a 95 % confidence interval.

    Returns
    -------
    DataFrame
        ``kode_opd, triwulan (e.g. "2025-TW1"), bulan (last month of the quarter), ikm,
        se, ci_bawah, ci_atas, n_responden, cukup``; only quarters whose three months are all
        in ``months``.

    Notes
    -----
    The IKM is that of :func:`kinerja.metrics.survey.ikm_table` (PermenPANRB 14/2017, exact weight
    1/9, reference.md §1.4). Its standard error treats the respondents as a simple random
    sample: each respondent's score ``r = 25 × mean of the elements answered``, ``se = sd(r) /
    √n``, CI ``ikm ± 1.96 se`` (normal approximation; the IKM is a mean of element means, which
    equals the mean of ``r`` when every element is answered). A quarter with fewer than
    ``min_responden`` respondents is not judged (``cukup`` false).
    """
    from kinerja.domain.schema import SKM_ELEMENTS
    from kinerja.metrics.survey import ikm_table

    mset = set(pd.to_datetime(list(months)))
    s = skm
    if "metode" in s.columns:
        s = s.loc[s["metode"].astype("str") == "2017"]
    q = pd.to_datetime(s["tanggal"]).dt.to_period("Q")
    s = s.assign(triwulan=q.astype("str").str.replace("Q", "-TW", regex=False))
    answers = s[list(SKM_ELEMENTS)].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        r = 25.0 * np.nanmean(np.where(np.isfinite(answers), answers, np.nan), axis=1)
    s = s.assign(_r=r)
    s = s.assign(kode_opd=s["kode_opd"].astype("str"))
    table = ikm_table(s.drop(columns=["_r"]), by=("kode_opd", "triwulan"))
    stats = s.groupby(["kode_opd", "triwulan"])["_r"].agg(["std", "count", "size"])
    # each group's (std, count, size) looked up in a dict, not with one .loc per row; the row of
    # a .loc is upcast to float, so are these
    by_group = dict(
        zip(
            stats.index,
            stats[["std", "count", "size"]].to_numpy(dtype=float).tolist(),
            strict=True,
        )
    )
    rows = []
    for r in table.itertuples(index=False):
        code, tw = str(r.kode_opd), str(r.triwulan)
        year, num = int(tw[:4]), int(tw[-1])
        quarter_months = {pd.Timestamp(year, 3 * num - k, 1) for k in range(3)}
        if not quarter_months <= mset:
            continue
        std, count, size = by_group[(code, tw)]
        st = {"std": np.float64(std), "count": np.float64(count), "size": np.float64(size)}
        se = float(st["std"] / np.sqrt(st["count"])) if st["count"] > 1 else np.nan
        ikm = float(r.ikm)
        rows.append(
            {
                "kode_opd": code,
                "triwulan": tw,
                "bulan": pd.Timestamp(year, 3 * num, 1),
                "ikm": ikm,
                "se": se,
                "ci_bawah": ikm - 1.96 * se,
                "ci_atas": ikm + 1.96 * se,
                "n_responden": int(st["size"]),
                "cukup": bool(st["size"] >= min_responden and np.isfinite(se)),
            }
        )
    cols = [
        "kode_opd",
        "triwulan",
        "bulan",
        "ikm",
        "se",
        "ci_bawah",
        "ci_atas",
        "n_responden",
        "cukup",
    ]
    return pd.DataFrame(rows, columns=cols)
