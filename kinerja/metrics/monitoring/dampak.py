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

from kinerja.metrics.monitoring.indicators import _text, month_floor

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
            "kode_opd": _text(done["kode_opd"]),
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


@dataclass
class _Requests:
    """Finished requests (``dalam_proses`` false) as plain arrays, what :func:`before_after` reads.

    ``start``/``finish``: month (``datetime64[ns]``) of ``mulai``/``selesai``; ``known``: whether
    ``tepat_waktu`` is known, ``tepat`` its value (false where unknown); ``hari``: ``hari_kerja``
    as float (NaN where unknown).
    """

    start: np.ndarray
    finish: np.ndarray
    known: np.ndarray
    tepat: np.ndarray
    hari: np.ndarray

    def take(self, rows: np.ndarray) -> _Requests:
        """The requests at positions ``rows``."""
        return _Requests(
            self.start[rows], self.finish[rows], self.known[rows], self.tepat[rows], self.hari[rows]
        )


def _request_arrays(requests: pd.DataFrame) -> _Requests:
    """:class:`_Requests` of the finished rows of ``requests``."""
    r = requests
    if "dalam_proses" in r:
        r = r.loc[~r["dalam_proses"].to_numpy(dtype=bool)]
    tw = r["tepat_waktu"]
    known = tw.notna().to_numpy()
    tepat = np.zeros(len(r), dtype=bool)
    tepat[known] = tw.loc[known].astype(bool).to_numpy()
    return _Requests(
        month_floor(r["mulai"]).to_numpy(dtype="datetime64[ns]"),
        month_floor(r["selesai"]).to_numpy(dtype="datetime64[ns]"),
        known,
        tepat,
        r["hari_kerja"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
    )


@dataclass
class _Quarters:
    """IKM quarters of one OPD with enough respondents, in table order (see :func:`before_after`)."""

    bulan: np.ndarray  # datetime64[ns]
    shifted: np.ndarray  # bulan − 2 months (the quarter's first month)
    rows: pd.DataFrame


def _ikm_quarters_of(ikm: pd.DataFrame | None) -> dict[str, _Quarters]:
    """:class:`_Quarters` of every OPD of ``ikm`` (its rows with ``cukup``)."""
    if ikm is None or not len(ikm):
        return {}
    q = ikm.loc[ikm["cukup"].astype(bool).to_numpy()]
    bulan = pd.to_datetime(q["bulan"])
    shifted = (bulan - pd.DateOffset(months=2)).to_numpy(dtype="datetime64[ns]")
    bulan = bulan.to_numpy(dtype="datetime64[ns]")
    codes = q["kode_opd"].astype("str").to_numpy()
    out = {}
    for kode, rows in pd.Series(np.arange(len(q))).groupby(codes, sort=False):
        at = rows.to_numpy()
        out[str(kode)] = _Quarters(bulan[at], shifted[at], q.iloc[at])
    return out


def _windows(
    event: pd.Timestamp, months: list[pd.Timestamp], window: int
) -> tuple[pd.Timestamp, list[pd.Timestamp], list[pd.Timestamp]]:
    """The event's month and the complete months before and after it (at most ``window``)."""
    ev = pd.Timestamp(event).to_period("M").start_time
    mset = pd.to_datetime(months)
    first, last = ev - pd.DateOffset(months=window), ev + pd.DateOffset(months=window)
    before = [m for m in mset if first <= m < ev]
    after = [m for m in mset if ev < m <= last]
    return ev, before, after


def _comparison(
    req: _Requests,
    quarters: _Quarters | None,
    ev: pd.Timestamp,
    before: list[pd.Timestamp],
    after: list[pd.Timestamp],
) -> list[dict[str, object]]:
    """The rows of :func:`before_after` (``before`` and ``after`` not empty)."""
    rows: list[dict[str, object]] = []
    label_b = f"{before[0]:%Y-%m}..{before[-1]:%Y-%m}"
    label_a = f"{after[0]:%Y-%m}..{after[-1]:%Y-%m}"
    mb_ = np.array(before, dtype="datetime64[ns]")
    ma_ = np.array(after, dtype="datetime64[ns]")
    in_b, in_a = np.isin(req.start, mb_), np.isin(req.start, ma_)
    tb, ta = req.tepat[in_b & req.known], req.tepat[in_a & req.known]
    if len(tb) and len(ta):
        xb, xa = int(np.count_nonzero(tb)), int(np.count_nonzero(ta))
        d, lo, hi = diff_proportions(xb, len(tb), xa, len(ta))
        rows.append(
            {
                "ukuran": "persen_tepat_waktu",
                "sebelum": 100 * (xb / len(tb)),
                "sesudah": 100 * (xa / len(ta)),
                "selisih": 100 * d,
                "ci_bawah": 100 * lo,
                "ci_atas": 100 * hi,
                "n_sebelum": len(tb),
                "n_sesudah": len(ta),
            }
        )
    hb, ha = req.hari[in_b], req.hari[in_a]
    hb, ha = hb[~np.isnan(hb)], ha[~np.isnan(ha)]
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
    cb, ca = int(np.isin(req.finish, mb_).sum()), int(np.isin(req.finish, ma_).sum())
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
    if quarters is not None:
        when = np.datetime64(ev, "ns")
        ib = np.flatnonzero(quarters.bulan < when)
        ia = np.flatnonzero(quarters.shifted > when)
        if len(ib) and len(ia):
            b, a = quarters.rows.iloc[ib[-1]], quarters.rows.iloc[ia[0]]
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
    return rows


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
    ev, before, after = _windows(event, months, window)
    if not before or not after:
        return pd.DataFrame([])
    req = _request_arrays(requests.loc[requests["kode_opd"].astype("str") == kode_opd])
    own = ikm.loc[ikm["kode_opd"].astype("str") == kode_opd] if ikm is not None else None
    quarters = _ikm_quarters_of(own).get(kode_opd)
    return pd.DataFrame(_comparison(req, quarters, ev, before, after))


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


def _positions_by_text(values: pd.Series) -> dict[str, np.ndarray]:
    """Row positions of each value of ``values`` as text (``astype("str")``), in row order.

    Each distinct value is converted to text once (missing values are left out).
    """
    codes, uniques = pd.factorize(values)
    labels = pd.Index(uniques).astype("str")
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
    out: dict[str, np.ndarray] = {}
    for i, label in enumerate(labels):
        at = order[bounds[i] : bounds[i + 1]]
        out[label] = np.sort(np.concatenate([out[label], at])) if label in out else at
    return out


def _event_rows(
    waves: pd.DataFrame | None, tindak_lanjut: pd.DataFrame | None
) -> dict[str, list[dict[str, object]]]:
    """The rows of :func:`events` of every OPD (``tanggal, jenis, keterangan``), in its order."""
    rows: dict[str, list[dict[str, object]]] = {}
    if waves is not None and len(waves):
        codes = waves["kode_opd"].astype("str").to_numpy()
        for code, w in zip(codes, waves.itertuples(index=False), strict=True):
            rows.setdefault(str(code), []).append(
                {
                    "tanggal": pd.Timestamp(w.wave_end).normalize(),
                    "jenis": "pelatihan",
                    "keterangan": f"Gelombang pelatihan: {w.pelatihan_utama}",
                }
            )
    if tindak_lanjut is not None and len(tindak_lanjut):
        tl = tindak_lanjut
        done = (tl["status"].astype("str").str.casefold() == "selesai").to_numpy()
        dates = pd.to_datetime(tl["tanggal_selesai"]).dt.normalize()
        keep = done & dates.notna().to_numpy()
        counts = (
            pd.DataFrame(
                {
                    "kode_opd": tl["kode_opd"].astype("str").to_numpy()[keep],
                    "tanggal": dates.to_numpy()[keep],
                }
            )
            .groupby(["kode_opd", "tanggal"], sort=True)
            .size()
        )
        for (code, day), n in counts.items():
            rows.setdefault(str(code), []).append(
                {
                    "tanggal": day,
                    "jenis": "tindak_lanjut",
                    "keterangan": f"{n} tindak lanjut selesai",
                }
            )
    # sorted by date, stable (training waves first on a tie), a missing date last
    return {
        code: sorted(
            ev, key=lambda r: (pd.isna(r["tanggal"]), r["tanggal"] if pd.notna(r["tanggal"]) else 0)
        )
        for code, ev in rows.items()
    }


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

    # every input split by OPD once (plain arrays and rows, no per-OPD frame filtering)
    rows_by_opd = _event_rows(waves, tindak_lanjut)
    quarters = _ikm_quarters_of(ikm)
    req_all = req_at = None
    if requests is not None:
        done = requests
        if "dalam_proses" in done:
            done = done.loc[~done["dalam_proses"].to_numpy(dtype=bool)]
        req_all = _request_arrays(done)
        req_at = _positions_by_text(done["kode_opd"])
    no_rows = np.zeros(0, dtype=np.intp)
    evs: list[dict[str, object]] = []
    anchors: list[dict[str, object]] = []
    tables: list[dict[str, object]] = []
    for kode in kode_opd:
        ev = rows_by_opd.get(kode, [])
        evs.extend({"kode_opd": kode, **row} for row in ev)
        if not ev or req_all is None:
            continue
        trained = [row for row in ev if row["jenis"] == "pelatihan"]
        when = pd.Timestamp(trained[0]["tanggal"] if trained else ev[-1]["tanggal"])
        anchors.append(
            {
                "kode_opd": kode,
                "tanggal": when,
                "jenis": "pelatihan" if trained else "tindak_lanjut",
            }
        )
        month, before, after = _windows(when, months, 3)
        if before and after:
            own = req_all.take(req_at.get(kode, no_rows))
            for row in _comparison(own, quarters.get(kode), month, before, after):
                tables.append({"kode_opd": kode, **row})
    peristiwa = (
        pd.DataFrame(evs, columns=EVENT_COLUMNS)
        if evs
        else pd.DataFrame({c: pd.Series(dtype="object") for c in EVENT_COLUMNS})
    )
    acuan = pd.DataFrame(anchors, columns=["kode_opd", "tanggal", "jenis"])
    if not anchors:
        acuan["tanggal"] = pd.to_datetime(acuan["tanggal"])
    perbandingan = (
        pd.DataFrame(tables).reindex(columns=BEFORE_AFTER_COLUMNS)
        if tables
        else pd.DataFrame(columns=BEFORE_AFTER_COLUMNS)
    )
    return {"peristiwa": peristiwa, "acuan": acuan, "perbandingan": perbandingan}


def split_dampak_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, OpdDampak]:
    """Every OPD's :class:`OpdDampak` read back from :func:`dampak_tables` (one pass).

    An OPD without an event is absent (its Dampak has no events and no comparison).
    """

    def by_opd(frame: pd.DataFrame, columns: list[str] | None = None) -> dict[str, pd.DataFrame]:
        # each OPD's rows taken by position (OPDs in order of first appearance, as a groupby)
        if not len(frame):
            return {}
        rest = frame.drop(columns=["kode_opd"])
        if columns is not None:
            rest = rest[columns]
        return {
            kode: rest.iloc[at].reset_index(drop=True)
            for kode, at in _positions_by_text(frame["kode_opd"]).items()
        }

    ev = by_opd(tables["peristiwa"], ["tanggal", "jenis", "keterangan"])
    ba = by_opd(tables["perbandingan"])
    out: dict[str, OpdDampak] = {kode: OpdDampak(frame) for kode, frame in ev.items()}
    empty_ba = tables["perbandingan"].drop(columns=["kode_opd"]).iloc[0:0]
    for row in tables["acuan"].itertuples(index=False):
        kode = str(row.kode_opd)
        peristiwa = out[kode].peristiwa if kode in out else ev.get(kode, pd.DataFrame())
        out[kode] = OpdDampak(
            peristiwa, pd.Timestamp(row.tanggal), str(row.jenis), ba.get(kode, empty_ba)
        )
    return out
