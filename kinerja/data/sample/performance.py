"""The ``penilaian_skp`` and ``laporan_kinerja`` tables: SKP ratings and daily activity reports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kinerja.data.sample.arrow import arrow_table, dict_column, lognormal, to_arrow
from kinerja.data.sample.reference import read_reference
from kinerja.domain.schema import PREDIKAT_MATRIX, RATINGS

#: Number of penilaian_skp rows whose predikat deliberately disagrees with the §2.3 matrix.
SKP_PREDIKAT_DISAGREEMENTS = 4

# reference.md §2.3, indexed [hasil][perilaku] with 0 = Di Atas, 1 = Sesuai, 2 = Di Bawah
_PREDIKAT_MATRIX = np.array(
    [[PREDIKAT_MATRIX[(hasil, perilaku)] for perilaku in RATINGS] for hasil in RATINGS],
    dtype=object,
)


def make_skp(peg: pd.DataFrame, rng: np.random.Generator, year: int) -> tuple[pa.Table, np.ndarray]:
    """The ``penilaian_skp`` table and the annual predikat of each ASN (for the follow-up register).

    Parameters
    ----------
    peg : pandas.DataFrame
        The ``pegawai`` table made by :func:`~kinerja.data.sample.people.make_pegawai`.
    rng : numpy.random.Generator
        The table's own stream (:func:`~kinerja.data.sample.arrow.table_rng`).
    year : int
        Calendar year of the data.
    """
    n = len(peg)
    skill = rng.standard_normal(n)
    conduct = 0.5 * skill + 0.85 * rng.standard_normal(n)
    q_hasil = skill[:, None] + 0.55 * rng.standard_normal((n, 4))
    q_perilaku = conduct[:, None] + 0.5 * rng.standard_normal((n, 4))
    a_hasil = q_hasil.mean(axis=1) + 0.3 * rng.standard_normal(n)
    a_perilaku = q_perilaku.mean(axis=1) + 0.3 * rng.standard_normal(n)
    hasil = np.column_stack([q_hasil, a_hasil])
    perilaku = np.column_stack([q_perilaku, a_perilaku])
    # 0 Di Atas, 1 Sesuai, 2 Di Bawah
    h = np.where(hasil > 1.25, 0, np.where(hasil < -1.75, 2, 1))
    p = np.where(perilaku > 1.35, 0, np.where(perilaku < -2.0, 2, 1))
    periods = np.array([f"{year}-TW{q}" for q in range(1, 5)] + [str(year)], dtype=object)
    ratings = np.array(RATINGS, dtype=object)
    pred = _PREDIKAT_MATRIX[h, p]
    pred = pred.ravel().copy()
    kurang = np.flatnonzero(pred == "Kurang/Misconduct")
    short = kurang[rng.random(kurang.size) < 0.35]
    pred[short] = "Kurang"
    # deliberate disagreements with the matrix (annual rows, matrix "Baik" typed as "Sangat Baik")
    annual_baik = np.flatnonzero((np.arange(pred.size) % 5 == 4) & (pred == "Baik"))
    wrong = rng.choice(annual_baik, SKP_PREDIKAT_DISAGREEMENTS, replace=False)
    pred[wrong] = "Sangat Baik"
    tbl = arrow_table(
        {
            "nip": np.repeat(peg["nip"].to_numpy(dtype=object), 5),
            "periode": np.tile(periods, n),
            "rating_hasil_kerja": ratings[h.ravel()],
            "rating_perilaku": ratings[p.ravel()],
            "predikat": pred,
        }
    )
    return tbl, _PREDIKAT_MATRIX[h, p]


def make_laporan(
    peg: pd.DataFrame, rng: np.random.Generator, wd: np.ndarray, year: int
) -> pa.Table:
    """The ``laporan_kinerja`` table: daily activity reports and their verification.

    Parameters
    ----------
    peg : pandas.DataFrame
        The ``pegawai`` table made by :func:`~kinerja.data.sample.people.make_pegawai`.
    rng : numpy.random.Generator
        The table's own stream (:func:`~kinerja.data.sample.arrow.table_rng`).
    wd : numpy.ndarray
        Working days of ``year`` and ``year + 1`` (``sample_workdays``).
    year : int
        Calendar year of the data.
    """
    wd_year = wd[wd < np.datetime64(f"{year + 1}-01-01")]
    n, w = len(peg), len(wd_year)
    rare = rng.random(n) < 0.08
    propensity = np.where(rare, rng.beta(1.5, 6.0, n), rng.beta(14.0, 1.4, n))
    mask = rng.random((n, w)) < propensity[:, None]
    ii, dd = np.nonzero(mask)
    two = rng.random(ii.size) < 0.12
    ii = np.repeat(ii, 1 + two)
    dd = np.repeat(dd, 1 + two)
    m = ii.size
    second = np.zeros(m, dtype=bool)
    second[1:] = (ii[1:] == ii[:-1]) & (dd[1:] == dd[:-1])

    tanggal = wd_year[dd]
    durasi = rng.choice(
        np.array([30, 45, 60, 90, 120, 150, 180, 240, 300, 360], dtype=float),
        m,
        p=[0.05, 0.07, 0.15, 0.13, 0.2, 0.1, 0.12, 0.1, 0.05, 0.03],
    )
    # time of the report: mostly the same afternoon, some the next days, a few much later
    lag_kind = rng.random(m)
    slow_reporter = rare[ii]
    lag_days = np.where(
        lag_kind < np.where(slow_reporter, 0.45, 0.8),
        0,
        np.where(lag_kind < 0.96, rng.integers(1, 4, m), rng.integers(4, 22, m)),
    )
    minute = np.clip(rng.normal(14.5 * 60, 100, m), 9 * 60, 22 * 60)
    minute = np.where(second, np.minimum(minute + rng.integers(30, 180, m), 23 * 60 + 30), minute)
    minute = np.where(lag_days > 0, np.clip(rng.normal(10 * 60, 90, m), 7 * 60, 21 * 60), minute)
    lapor = (
        tanggal.astype("datetime64[s]")
        + lag_days.astype("timedelta64[D]")
        + (minute * 60).astype(np.int64).astype("timedelta64[s]")
        + rng.integers(0, 60, m).astype("timedelta64[s]")
    )
    # verification by the supervisor: latency per unit, a few supervisors never verify
    kode = peg["kode_opd"].to_numpy()
    units, unit_idx = np.unique(kode, return_inverse=True)
    unit_median_h = np.exp(rng.normal(np.log(26.0), 0.6, units.size))
    never = rng.random(n) < 0.02
    lag_h = lognormal(rng, unit_median_h[unit_idx][ii], 0.9, m)
    verif = lapor + np.round(lag_h * 3600).astype(np.int64).astype("timedelta64[s]")
    # supervisors verify in office hours: outside 07.30-17.00 the verification moves on
    # to 07.30 (same morning, or the next morning after the evening) plus up to two hours
    v_day = verif.astype("datetime64[D]")
    v_sec = (verif - v_day).astype(np.int64)
    morning = v_day.astype("datetime64[s]") + np.timedelta64(7 * 3600 + 1800, "s")
    shift = rng.integers(0, 7200, m).astype("timedelta64[s]")
    verif = np.where(v_sec < 7 * 3600 + 1800, morning + shift, verif)
    verif = np.where(v_sec > 17 * 3600, morning + np.timedelta64(1, "D") + shift, verif)
    verif = np.maximum(verif, lapor + np.timedelta64(60, "s"))
    export_time = np.datetime64(f"{year + 1}-01-05T12:00:00")
    keep = lapor <= export_time
    pending = never[ii] | (verif > export_time)
    status = np.where(pending, 2, np.where(rng.random(m) < 0.04, 1, 0))
    verif = np.where(pending, np.datetime64("NaT"), verif)

    # uraian: templates for the ASN's jenis_jabatan, sometimes a general one
    templates = read_reference("uraian_kegiatan.csv")
    texts = templates["uraian"].tolist()
    general = np.flatnonzero(templates["jenis_jabatan"].to_numpy() == "*")
    jenis = peg["jenis_jabatan"].to_numpy()[ii]
    uraian = general[rng.integers(0, general.size, m)]
    use_specific = rng.random(m) < 0.75
    for jj in np.unique(jenis):
        own = np.flatnonzero(templates["jenis_jabatan"].to_numpy() == jj)
        sel = (jenis == jj) & use_specific
        uraian[sel] = own[rng.integers(0, own.size, int(sel.sum()))]

    nips = pa.array(peg["nip"].tolist(), type=pa.string())
    status_vals = pa.array(["disetujui", "ditolak", "menunggu"])
    return pa.table(
        {
            "nip": dict_column(ii[keep], nips),
            "tanggal": to_arrow(tanggal[keep]),
            "waktu_lapor": to_arrow(lapor[keep]),
            "uraian": dict_column(uraian[keep], texts),
            "durasi_menit": to_arrow(durasi[keep]),
            "status_verifikasi": dict_column(status[keep], status_vals),
            "waktu_verifikasi": to_arrow(verif[keep]),
        }
    )
