"""The ``pelatihan`` table: training attended, including the planted DPMPTSP training."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kinerja.data.sample.arrow import arrow_table
from kinerja.data.sample.reference import read_reference


def make_pelatihan(
    peg: pd.DataFrame, rng: np.random.Generator, wd: np.ndarray, year: int, story: dict
) -> pa.Table:
    """The ``pelatihan`` table: training attended, including the planted DPMPTSP training.

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
    story : dict
        :func:`~kinerja.data.sample.reference.planted_story` of ``year``.
    """
    cat = read_reference("pelatihan_katalog.csv")
    cat["jp"] = pd.to_numeric(cat["jp"])
    cat["hari"] = pd.to_numeric(cat["hari"]).astype(int)
    topup = int(np.flatnonzero(cat["nama_pelatihan"] == "Pelatihan Jarak Jauh Manajemen ASN")[0])
    wd_year = wd[wd < np.datetime64(f"{year + 1}-01-01")]
    n = len(peg)
    jenis = peg["jenis_jabatan"].to_numpy()
    pppk = (peg["status_kepegawaian"] == "PPPK").to_numpy()
    compliant = rng.random(n) < np.where(pppk, 0.7, 0.82)
    k = np.where(compliant, 1 + rng.poisson(1.6, n), rng.integers(0, 3, n))
    asn = np.repeat(np.arange(n), k)
    item = np.empty(asn.size, dtype=int)
    small = cat["jp"].to_numpy() <= 8
    for jj in np.unique(jenis):
        ok = (cat["untuk"].isin(["*", jj]).to_numpy()) & (np.arange(len(cat)) != topup)
        for comp in (True, False):
            pool = np.flatnonzero(ok if comp else ok & small)
            sel = (jenis[asn] == jj) & (compliant[asn] == comp)
            item[sel] = pool[rng.integers(0, pool.size, int(sel.sum()))]
    rows = pd.DataFrame({"asn": asn, "item": item}).drop_duplicates()
    jp_sum = np.bincount(rows["asn"], weights=cat["jp"].to_numpy()[rows["item"]], minlength=n)
    need = np.flatnonzero(compliant & (jp_sum < 20))
    rows = pd.concat([rows, pd.DataFrame({"asn": need, "item": topup})], ignore_index=True)
    asn = rows["asn"].to_numpy()
    item = rows["item"].to_numpy()
    hari = cat["hari"].to_numpy()[item]
    day0 = rng.integers(0, wd_year.size - 10, asn.size)
    mulai = wd_year[day0]
    selesai = wd_year[day0 + hari - 1]
    names = cat["nama_pelatihan"].to_numpy(dtype=object)[item]
    jenis_p = cat["jenis"].to_numpy(dtype=object)[item]
    bentuk = cat["bentuk"].to_numpy(dtype=object)[item]
    jp = cat["jp"].to_numpy(dtype=float)[item]
    # the story: every DPMPTSP ASN attends the same training
    dp = np.flatnonzero(peg["kode_opd"].to_numpy() == story["kode_opd"])
    s0 = np.datetime64(story["training_start"])
    s1 = np.datetime64(story["training_end"])
    asn = np.concatenate([asn, dp])
    names = np.concatenate([names, np.full(dp.size, story["nama_pelatihan"], dtype=object)])
    jenis_p = np.concatenate([jenis_p, np.full(dp.size, story["jenis_pelatihan"], dtype=object)])
    bentuk = np.concatenate([bentuk, np.full(dp.size, story["bentuk"], dtype=object)])
    mulai = np.concatenate([mulai, np.full(dp.size, s0)])
    selesai = np.concatenate([selesai, np.full(dp.size, s1)])
    jp = np.concatenate([jp, np.full(dp.size, story["jp"])])
    order = np.lexsort((mulai, asn))
    return arrow_table(
        {
            "nip": peg["nip"].to_numpy(dtype=object)[asn[order]],
            "nama_pelatihan": names[order],
            "jenis": jenis_p[order],
            "bentuk": bentuk[order],
            "tanggal_mulai": mulai[order],
            "tanggal_selesai": selesai[order],
            "jp": jp[order],
        }
    )
