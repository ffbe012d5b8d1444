"""Dampak: did the forum's decisions work? Monthly outcomes, events and before/after comparisons.

Per OPD: the months of lead time, on-time share and permits issued (requests finished in the
month), the IKM per quarter, annotated with the follow-up actions' completion dates and the
training waves; then one before/after comparison around the latest event, each difference with
a 95 % confidence interval. A before/after comparison is not proof of cause: anything else that
changed at the same time (staff, applications, volume) is in it too; the training-impact section
of the OPD report (:mod:`kinerja.metrics.impact`) adds a comparison group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja.metrics.monitoring.indicators import month_floor

__all__ = [
    "BEFORE_AFTER_COLUMNS",
    "CATATAN_DAMPAK",
    "EVENT_COLUMNS",
    "OpdDampak",
    "before_after",
    "dampak_tables",
    "diff_proportions",
    "events",
    "monthly_outcomes",
    "opd_dampak",
    "split_dampak_tables",
]

CATATAN_DAMPAK = (
    "Perbandingan sebelum–sesudah, bukan bukti sebab-akibat: perubahan lain pada waktu yang sama "
    "(pegawai, aplikasi, jumlah permohonan) ikut tercampur. Selang kepercayaan 95%: selisih "
    "proporsi dengan metode skor Wilson (Newcombe), selisih median dengan bootstrap persentil "
    "(2.000 ulangan), selisih rata-rata izin per bulan dengan pendekatan Poisson, selisih IKM "
    "dengan galat baku kedua triwulan."
)
_Z = 1.959963984540054


def monthly_outcomes(requests: pd.DataFrame, months: list[pd.Timestamp]) -> pd.DataFrame:
    """Per OPD and month: median lead time, on-time share, permits issued.

    Returns
    -------
    DataFrame
        ``kode_opd, bulan, median_hari_kerja, persen_tepat_waktu, n_selesai_bulan,
        n_permohonan`` where the first two are over the ``n_permohonan`` requests submitted in
        the month and finished (``n_permohonan`` counts those with a lead time), and
        ``n_selesai_bulan`` counts requests whose last stage finished in the month (permits
        issued, whatever month they were submitted in).
    """
    done = (
        requests.loc[~requests["dalam_proses"].to_numpy(dtype=bool)]
        if "dalam_proses" in requests
        else requests
    )
    f = pd.DataFrame(
        {
            "kode_opd": done["kode_opd"].astype("str").to_numpy(),
            "bulan": month_floor(done["mulai"]).to_numpy(),
            "selesai": month_floor(done["selesai"]).to_numpy(),
            "hari": done["hari_kerja"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
            "ok": done["tepat_waktu"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        }
    )
    g = f.groupby(["kode_opd", "bulan"])
    a = pd.DataFrame(
        {
            "median_hari_kerja": g["hari"].median(),
            "persen_tepat_waktu": 100.0 * g["ok"].mean(),
            "n_permohonan": g["hari"].count(),
        }
    )
    issued = f.groupby(["kode_opd", "selesai"]).size().rename("n_selesai_bulan")
    issued.index = issued.index.set_names(["kode_opd", "bulan"])
    out = a.join(issued, how="outer").reset_index()
    out = out.loc[out["bulan"].isin(pd.to_datetime(months))]
    out["n_selesai_bulan"] = out["n_selesai_bulan"].fillna(0).astype("int64")
    out["n_permohonan"] = out["n_permohonan"].fillna(0).astype("int64")
    out = out[
        [
            "kode_opd",
            "bulan",
            "median_hari_kerja",
            "persen_tepat_waktu",
            "n_selesai_bulan",
            "n_permohonan",
        ]
    ]
    return out.sort_values(["kode_opd", "bulan"]).reset_index(drop=True)


def events(
    waves: pd.DataFrame | None, tindak_lanjut: pd.DataFrame | None, kode_opd: str
) -> pd.DataFrame:
    """Training waves and completed follow-up actions of one OPD (dates only, no names).

    Returns
    -------
    DataFrame
        ``tanggal, jenis ("pelatihan" | "tindak_lanjut"), keterangan`` sorted by date; a
        training wave is dated at its last day, follow-up items at their ``tanggal_selesai``
        (several on one day become one row "n tindak lanjut selesai").
    """
    rows = []
    if waves is not None and len(waves):
        for w in waves.loc[waves["kode_opd"].astype("str") == kode_opd].itertuples(index=False):
            rows.append(
                {
                    "tanggal": pd.Timestamp(w.wave_end).normalize(),
                    "jenis": "pelatihan",
                    "keterangan": f"Gelombang pelatihan: {w.pelatihan_utama}",
                }
            )
    if tindak_lanjut is not None and len(tindak_lanjut):
        tl = tindak_lanjut.loc[tindak_lanjut["kode_opd"].astype("str") == kode_opd]
        done = tl["status"].astype("str").str.casefold() == "selesai"
        dates = pd.to_datetime(tl.loc[done, "tanggal_selesai"]).dropna().dt.normalize()
        for day, n in dates.value_counts().sort_index().items():
            rows.append(
                {
                    "tanggal": day,
                    "jenis": "tindak_lanjut",
                    "keterangan": f"{n} tindak lanjut selesai",
                }
            )
    out = pd.DataFrame(rows, columns=["tanggal", "jenis", "keterangan"])
    return out.sort_values("tanggal", kind="stable").reset_index(drop=True)


def _wilson(x: float, n: float) -> tuple[float, float]:
    if n <= 0:
        return (np.nan, np.nan)
    p = x / n
    den = 1 + _Z**2 / n
    mid = (p + _Z**2 / (2 * n)) / den
    half = _Z * np.sqrt(p * (1 - p) / n + _Z**2 / (4 * n * n)) / den
    return (mid - half, mid + half)


def diff_proportions(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float, float]:
    """``p2 − p1`` with Newcombe's hybrid score 95 % interval (method 10, 1998).

    Notes
    -----
    With Wilson intervals ``(l1, u1)``, ``(l2, u2)``: lower = d − √((p2−l2)² + (u1−p1)²),
    upper = d + √((u2−p2)² + (p1−l1)²).
    """
    if n1 <= 0 or n2 <= 0:
        return (np.nan, np.nan, np.nan)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _wilson(x1, n1)
    l2, u2 = _wilson(x2, n2)
    d = p2 - p1
    return (
        d,
        d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
        d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2),
    )


def _boot_medians(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Medians of ``n_boot`` bootstrap resamples of ``values``.

    Lead times are whole working days with few distinct values, so a resample is drawn as
    multinomial counts over the distinct values (the same distribution as drawing ``n`` values
    with replacement, in O(distinct values) per resample instead of O(n)); the median is the
    linear-interpolation median of the resample.
    """
    u, counts = np.unique(values, return_counts=True)
    n = values.size
    draws = rng.multinomial(n, counts / n, size=n_boot)
    cum = np.cumsum(draws, axis=1)
    lo_rank, hi_rank = (n - 1) // 2, n // 2  # 0-based ranks of the two middle values
    lo = u[(cum <= lo_rank).sum(axis=1)]
    hi = u[(cum <= hi_rank).sum(axis=1)]
    return (lo + hi) / 2.0


def _boot_median_diff(a: np.ndarray, b: np.ndarray, n_boot: int = 2000) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of ``median(b) − median(a)`` (fixed seed)."""
    rng = np.random.default_rng(20251)
    d = _boot_medians(b, n_boot, rng) - _boot_medians(a, n_boot, rng)
    return (float(np.quantile(d, 0.025)), float(np.quantile(d, 0.975)))


def before_after(
    requests: pd.DataFrame,
    ikm: pd.DataFrame | None,
    *,
    kode_opd: str,
    event: pd.Timestamp,
    months: list[pd.Timestamp],
    window: int = 3,
) -> pd.DataFrame:
    """Before/after comparison of one OPD around ``event`` (the month of the event left out).

    Parameters
    ----------
    requests : DataFrame
        :func:`kinerja.metrics.service.request_table` output (all OPDs).
    ikm : DataFrame, optional
        :func:`~kinerja.metrics.monitoring.indicators.ikm_quarters` output.
    event : Timestamp
        Date of the event (training wave end, follow-up completion).
    months : list of Timestamp
        Complete months of the data (windows never reach past them).
    window : int
        Months on each side.

    Returns
    -------
    DataFrame
        ``ukuran, sebelum, sesudah, selisih, ci_bawah, ci_atas, n_sebelum, n_sesudah,
        bulan_sebelum, bulan_sesudah`` for ``persen_tepat_waktu`` (percent points),
        ``median_hari_kerja``, ``izin_per_bulan`` and ``ikm`` (quarters before and after);
        a measure without data on both sides is left out.
    """
    ev = pd.Timestamp(event).to_period("M").start_time
    mset = pd.to_datetime(months)
    before = [m for m in mset if ev - pd.DateOffset(months=window) <= m < ev]
    after = [m for m in mset if ev < m <= ev + pd.DateOffset(months=window)]
    rows: list[dict[str, object]] = []
    if not before or not after:
        return pd.DataFrame(rows)
    r = requests.loc[requests["kode_opd"].astype("str") == kode_opd]
    if "dalam_proses" in r:
        r = r.loc[~r["dalam_proses"].to_numpy(dtype=bool)]
    start = month_floor(r["mulai"])
    finish = month_floor(r["selesai"])
    label_b = f"{before[0]:%Y-%m}..{before[-1]:%Y-%m}"
    label_a = f"{after[0]:%Y-%m}..{after[-1]:%Y-%m}"
    sb, sa = r.loc[start.isin(before).to_numpy()], r.loc[start.isin(after).to_numpy()]
    tb, ta = sb["tepat_waktu"].dropna().astype(bool), sa["tepat_waktu"].dropna().astype(bool)
    if len(tb) and len(ta):
        d, lo, hi = diff_proportions(tb.sum(), len(tb), ta.sum(), len(ta))
        rows.append(
            {
                "ukuran": "persen_tepat_waktu",
                "sebelum": 100 * tb.mean(),
                "sesudah": 100 * ta.mean(),
                "selisih": 100 * d,
                "ci_bawah": 100 * lo,
                "ci_atas": 100 * hi,
                "n_sebelum": len(tb),
                "n_sesudah": len(ta),
            }
        )
    hb = sb["hari_kerja"].astype("Float64").dropna().to_numpy(dtype=float)
    ha = sa["hari_kerja"].astype("Float64").dropna().to_numpy(dtype=float)
    if hb.size and ha.size:
        lo, hi = _boot_median_diff(hb, ha)
        rows.append(
            {
                "ukuran": "median_hari_kerja",
                "sebelum": float(np.median(hb)),
                "sesudah": float(np.median(ha)),
                "selisih": float(np.median(ha) - np.median(hb)),
                "ci_bawah": lo,
                "ci_atas": hi,
                "n_sebelum": hb.size,
                "n_sesudah": ha.size,
            }
        )
    cb, ca = int(finish.isin(before).sum()), int(finish.isin(after).sum())
    mb, ma = len(before), len(after)
    half = _Z * np.sqrt(ca / ma**2 + cb / mb**2)
    rows.append(
        {
            "ukuran": "izin_per_bulan",
            "sebelum": cb / mb,
            "sesudah": ca / ma,
            "selisih": ca / ma - cb / mb,
            "ci_bawah": ca / ma - cb / mb - half,
            "ci_atas": ca / ma - cb / mb + half,
            "n_sebelum": cb,
            "n_sesudah": ca,
        }
    )
    for row in rows:
        row.update(bulan_sebelum=label_b, bulan_sesudah=label_a)
    if ikm is not None and len(ikm):
        q = ikm.loc[(ikm["kode_opd"].astype("str") == kode_opd) & ikm["cukup"].astype(bool)]
        qb = q.loc[pd.to_datetime(q["bulan"]) < ev].tail(1)
        qa = q.loc[pd.to_datetime(q["bulan"]) - pd.DateOffset(months=2) > ev].head(1)
        if len(qb) and len(qa):
            b, a = qb.iloc[0], qa.iloc[0]
            d = float(a["ikm"] - b["ikm"])
            half = _Z * float(np.hypot(a["se"], b["se"]))
            rows.append(
                {
                    "ukuran": "ikm",
                    "sebelum": float(b["ikm"]),
                    "sesudah": float(a["ikm"]),
                    "selisih": d,
                    "ci_bawah": d - half,
                    "ci_atas": d + half,
                    "n_sebelum": int(b["n_responden"]),
                    "n_sesudah": int(a["n_responden"]),
                    "bulan_sebelum": b["triwulan"],
                    "bulan_sesudah": a["triwulan"],
                }
            )
    return pd.DataFrame(rows)


EVENT_COLUMNS = ["kode_opd", "tanggal", "jenis", "keterangan"]
BEFORE_AFTER_COLUMNS = [
    "kode_opd",
    "ukuran",
    "sebelum",
    "sesudah",
    "selisih",
    "ci_bawah",
    "ci_atas",
    "n_sebelum",
    "n_sesudah",
    "bulan_sebelum",
    "bulan_sesudah",
]


@dataclass
class OpdDampak:
    """The Dampak of one OPD: its events, the event compared around, and the comparison.

    ``tanggal`` is ``None`` when the OPD has no event (or there is no service log);
    ``jenis`` is ``"pelatihan"`` when the comparison is around a training wave, else
    ``"tindak_lanjut"``; ``perbandingan`` is :func:`before_after` (empty when the months around
    the event are too few).
    """

    peristiwa: pd.DataFrame
    tanggal: pd.Timestamp | None = None
    jenis: str | None = None
    perbandingan: pd.DataFrame | None = None


def opd_dampak(
    kode_opd: str,
    *,
    requests: pd.DataFrame | None,
    ikm: pd.DataFrame | None,
    waves: pd.DataFrame | None,
    tindak_lanjut: pd.DataFrame | None,
    months: list[pd.Timestamp],
) -> OpdDampak:
    """Events of one OPD and the before/after comparison around its main event.

    The event compared around is the OPD's first training wave; without one, its latest
    follow-up completion. ``requests`` may hold only this OPD's rows (or all OPDs').
    """
    ev = events(waves, tindak_lanjut, kode_opd)
    anchor = ev.loc[ev["jenis"] == "pelatihan"] if len(ev) else ev
    if not len(anchor):
        anchor = ev
    if not len(anchor) or requests is None:
        return OpdDampak(ev)
    trained = bool((anchor["jenis"] == "pelatihan").any())
    when = pd.Timestamp(anchor["tanggal"].iloc[0] if trained else anchor["tanggal"].iloc[-1])
    table = before_after(requests, ikm, kode_opd=kode_opd, event=when, months=months)
    return OpdDampak(ev, when, "pelatihan" if trained else "tindak_lanjut", table)


def dampak_tables(
    *,
    kode_opd: list[str],
    requests: pd.DataFrame | None,
    ikm: pd.DataFrame | None,
    waves: pd.DataFrame | None,
    tindak_lanjut: pd.DataFrame | None,
    months: list[pd.Timestamp],
) -> dict[str, pd.DataFrame]:
    """:func:`opd_dampak` of every OPD as three tables (the metric ``dampak``).

    Returns
    -------
    dict
        ``peristiwa`` (:data:`EVENT_COLUMNS`), ``acuan`` (``kode_opd, tanggal, jenis``: the event
        compared around, one row per OPD that has one) and ``perbandingan``
        (:data:`BEFORE_AFTER_COLUMNS`).
    """

    def by_opd(frame: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
        if frame is None or not len(frame):
            return {}
        codes = frame["kode_opd"].astype("str").to_numpy()
        return {str(k): g for k, g in frame.groupby(codes, sort=False)}

    req, wav, tl = by_opd(requests), by_opd(waves), by_opd(tindak_lanjut)
    empty_req = requests.iloc[0:0] if requests is not None else None
    evs, anchors, tables = [], [], []
    for kode in kode_opd:
        res = opd_dampak(
            kode,
            requests=req.get(kode, empty_req),
            ikm=ikm,
            waves=wav.get(kode),
            tindak_lanjut=tl.get(kode),
            months=months,
        )
        if len(res.peristiwa):
            evs.append(res.peristiwa.assign(kode_opd=kode))
        if res.tanggal is not None:
            anchors.append({"kode_opd": kode, "tanggal": res.tanggal, "jenis": res.jenis})
            if res.perbandingan is not None and len(res.perbandingan):
                tables.append(res.perbandingan.assign(kode_opd=kode))
    peristiwa = (
        pd.concat(evs, ignore_index=True)[EVENT_COLUMNS]
        if evs
        else pd.DataFrame({c: pd.Series(dtype="object") for c in EVENT_COLUMNS})
    )
    acuan = pd.DataFrame(anchors, columns=["kode_opd", "tanggal", "jenis"])
    if not anchors:
        acuan["tanggal"] = pd.to_datetime(acuan["tanggal"])
    perbandingan = (
        pd.concat(tables, ignore_index=True).reindex(columns=BEFORE_AFTER_COLUMNS)
        if tables
        else pd.DataFrame(columns=BEFORE_AFTER_COLUMNS)
    )
    return {"peristiwa": peristiwa, "acuan": acuan, "perbandingan": perbandingan}


def split_dampak_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, OpdDampak]:
    """Every OPD's :class:`OpdDampak` read back from :func:`dampak_tables` (one pass).

    An OPD without an event is absent (its Dampak has no events and no comparison).
    """

    def by_opd(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
        if not len(frame):
            return {}
        codes = frame["kode_opd"].astype("str").to_numpy()
        return {
            str(k): g.drop(columns=["kode_opd"]).reset_index(drop=True)
            for k, g in frame.groupby(codes, sort=False)
        }

    ev, ba = by_opd(tables["peristiwa"]), by_opd(tables["perbandingan"])
    out: dict[str, OpdDampak] = {
        kode: OpdDampak(frame[["tanggal", "jenis", "keterangan"]]) for kode, frame in ev.items()
    }
    empty_ba = tables["perbandingan"].drop(columns=["kode_opd"]).iloc[0:0]
    for row in tables["acuan"].itertuples(index=False):
        kode = str(row.kode_opd)
        peristiwa = out[kode].peristiwa if kode in out else ev.get(kode, pd.DataFrame())
        out[kode] = OpdDampak(
            peristiwa, pd.Timestamp(row.tanggal), str(row.jenis), ba.get(kode, empty_ba)
        )
    return out
