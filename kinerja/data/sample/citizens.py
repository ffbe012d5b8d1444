"""The ``skm`` and ``pengaduan`` tables: citizen survey answers and complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kinerja.data.sample.arrow import arrow_table, make_ids
from kinerja.data.sample.reference import read_reference
from kinerja.domain.schema import SKM_ELEMENTS

#: Target IKM (25–100 scale) of OPDs planted near the grade boundaries of reference.md §1.5.
PLANTED_IKM: dict[str, float] = {
    "DISDUKCAPIL": 88.45,  # just A (>= 88.31)
    "RSUD": 88.18,  # just B
    "DISHUB": 76.75,  # just B (>= 76.61)
    "DISNAKER": 76.48,  # just C
    "KEC-ARGOMULYO": 65.14,  # just C (>= 65.00)
    "DINSOS": 64.86,  # just D
}

# element offsets around an OPD's mean answer (centred below, so the IKM target is kept)
_SKM_OFFSETS = np.array([0.0, 0.0, -0.15, 0.35, 0.0, -0.05, 0.1, -0.15, -0.1])

_KANAL = ("SP4N-LAPOR!", "WhatsApp", "Langsung", "Media Sosial", "Email")

_KANAL_P = (0.3, 0.28, 0.15, 0.17, 0.1)

_KATEGORI = (
    "Pelayanan lambat",
    "Persyaratan tidak jelas",
    "Sikap petugas",
    "Biaya tidak sesuai",
    "Sarana dan prasarana",
    "Informasi layanan",
    "Lainnya",
)

_KATEGORI_P = (0.2, 0.15, 0.14, 0.05, 0.16, 0.15, 0.15)

# complaints a year at scale 1, per unit (kelurahan and unlisted OPDs use the defaults below)
_PENGADUAN_RATE = {
    "DPMPTSP": 40,
    "DISDUKCAPIL": 120,
    "RSUD": 150,
    "DISHUB": 40,
    "DLH": 80,
    "DPUPR": 60,
    "SATPOLPP": 30,
    "DINSOS": 40,
    "DINDIK": 50,
    "DINKES": 40,
    "BAPENDA": 25,
}

_PENDIDIKAN = ("SD", "SMP", "SMA/SMK", "D1-D3", "D4/S1", "S2", "S3")

_PENDIDIKAN_P = (0.06, 0.1, 0.38, 0.1, 0.3, 0.05, 0.01)

_PEKERJAAN = (
    "PNS/TNI/Polri",
    "Pegawai Swasta",
    "Wiraswasta",
    "Pelajar/Mahasiswa",
    "Ibu Rumah Tangga",
    "Petani",
    "Buruh",
    "Lainnya",
)

_PEKERJAAN_P = (0.08, 0.24, 0.22, 0.12, 0.14, 0.04, 0.1, 0.06)


def make_skm(
    units: pd.DataFrame, rng: np.random.Generator, wd: np.ndarray, scale: float, year: int
) -> pa.Table:
    """The ``skm`` table: respondents per service unit, IKM targets of :data:`PLANTED_IKM` met.

    Parameters
    ----------
    units : pandas.DataFrame
        Service units (:func:`~kinerja.data.sample.services.service_units`).
    rng : numpy.random.Generator
        The table's own stream (:func:`~kinerja.data.sample.arrow.table_rng`).
    wd : numpy.ndarray
        Working days of ``year`` and ``year + 1`` (``sample_workdays``).
    scale : float
        Volume multiplier (see :func:`~kinerja.data.sample.build.build_tables`).
    year : int
        Calendar year of the data.
    """
    wd_year = wd[wd < np.datetime64(f"{year + 1}-01-01")]
    saran_pool = read_reference("teks_warga.csv")
    saran_pool = saran_pool.loc[saran_pool["jenis"] == "saran", "teks"].to_numpy(dtype=object)
    base = {"kelurahan": 40, "kecamatan": 120}
    big = {"RSUD": 380, "DISDUKCAPIL": 350, "DPMPTSP": 300}
    frames = []
    units = units.assign(vol=pd.to_numeric(units["permohonan_per_tahun"]))
    for kode, grp in units.groupby("kode_opd", sort=True):
        jenis_opd = (
            "kelurahan"
            if kode.startswith("KEL-")
            else "kecamatan"
            if kode.startswith("KEC-")
            else ""
        )
        n_base = big.get(kode, base.get(jenis_opd, 200))
        n = max(30, round(n_base * scale))
        if kode in PLANTED_IKM:
            n = max(150, n)
        target = PLANTED_IKM.get(kode, float(rng.uniform(78.0, 87.5))) / 25.0
        offsets = _SKM_OFFSETS.copy()
        if kode == "DPMPTSP":  # slow permits: waktu is the weakest element there
            offsets[2] = -0.45
        mu = np.clip(target + offsets - offsets.mean(), 1.3, 3.95)
        answers = np.clip(np.rint(rng.normal(mu, 0.6, (n, 9))), 1, 4).astype(np.int8)
        answers[rng.random((n, 9)) < 0.02] = 0  # blank = not answered
        for e in range(9):
            col = answers[:, e]
            answered = col > 0
            goal = int(round(mu[e] * answered.sum()))
            for _ in range(50):
                diff = goal - int(col[answered].sum())
                if diff == 0:
                    break
                step = 1 if diff > 0 else -1
                cand = np.flatnonzero(answered & ((col < 4) if step > 0 else (col > 1)))
                if cand.size == 0:
                    break
                chosen = rng.choice(cand, min(abs(diff), cand.size), replace=False)
                col[chosen] += step
            answers[:, e] = col
        w = grp["vol"].to_numpy(dtype=float)
        frame = {
            "kode_opd": np.full(n, kode, dtype=object),
            "jenis_layanan": grp["jenis_layanan"].to_numpy(dtype=object)[
                rng.choice(len(grp), n, p=w / w.sum())
            ],
            "day": rng.integers(0, wd_year.size, n),
            "answers": answers,
        }
        frames.append(frame)
    kode = np.concatenate([f["kode_opd"] for f in frames])
    m = kode.size
    tanggal = wd_year[np.concatenate([f["day"] for f in frames])]
    order = np.lexsort((kode, tanggal))
    answers = np.concatenate([f["answers"] for f in frames])[order]
    cols: dict[str, object] = {
        "id_responden": make_ids(f"SKM-{year}-", np.arange(1, m + 1), 6),
        "kode_opd": kode[order],
        "jenis_layanan": np.concatenate([f["jenis_layanan"] for f in frames])[order],
        "tanggal": tanggal[order],
    }
    for e, name in enumerate(SKM_ELEMENTS):
        cols[name] = pa.array(answers[:, e], mask=answers[:, e] == 0)
    cols["umur"] = np.clip(np.rint(rng.normal(38, 12, m)), 17, 80).astype(np.int64)
    cols["jenis_kelamin"] = np.where(rng.random(m) < 0.52, "P", "L").astype(object)
    cols["pendidikan"] = np.array(_PENDIDIKAN, dtype=object)[
        rng.choice(len(_PENDIDIKAN), m, p=_PENDIDIKAN_P)
    ]
    cols["pekerjaan"] = np.array(_PEKERJAAN, dtype=object)[
        rng.choice(len(_PEKERJAAN), m, p=_PEKERJAAN_P)
    ]
    saran = saran_pool[rng.integers(0, saran_pool.size, m)]
    cols["saran"] = np.where(rng.random(m) < 0.55, None, saran)
    return arrow_table(cols)


def make_pengaduan(
    opd_ref: pd.DataFrame,
    rng: np.random.Generator,
    wd: np.ndarray,
    scale: float,
    year: int,
    story: dict,
) -> pa.Table:
    """The ``pengaduan`` table: complaints per OPD, with the planted slowness complaints.

    Parameters
    ----------
    opd_ref : pandas.DataFrame
        The reference list ``opd_salatiga.csv``.
    rng : numpy.random.Generator
        The table's own stream (:func:`~kinerja.data.sample.arrow.table_rng`).
    wd : numpy.ndarray
        Working days of ``year`` and ``year + 1`` (``sample_workdays``).
    scale : float
        Volume multiplier (see :func:`~kinerja.data.sample.build.build_tables`).
    year : int
        Calendar year of the data.
    story : dict
        :func:`~kinerja.data.sample.reference.planted_story` of ``year``.
    """
    start = np.datetime64(f"{year}-01-01")
    end = np.datetime64(f"{year + 1}-01-01")
    n_days = int((end - start).astype(int))
    kodes, kategori, masuk = [], [], []
    for row in opd_ref.itertuples(index=False):
        default = 6 if row.jenis_opd == "kelurahan" else 25 if row.jenis_opd == "kecamatan" else 8
        n = int(rng.poisson(_PENGADUAN_RATE.get(row.kode_opd, default) * scale))
        kodes.append(np.full(n, row.kode_opd, dtype=object))
        kategori.append(rng.choice(len(_KATEGORI), n, p=_KATEGORI_P))
        masuk.append(start + rng.integers(0, n_days, n).astype("timedelta64[D]"))
    # the story: complaints about slow permits at DPMPTSP before the training, few after
    t0 = np.datetime64(story["training_start"])
    t1 = np.datetime64(story["training_end"])
    n_before = max(30, round(90 * scale))
    n_after = max(3, round(10 * scale))
    days_before = int((t0 - start).astype(int))
    days_after = int((end - t1).astype(int)) - 1
    kodes.append(np.full(n_before + n_after, story["kode_opd"], dtype=object))
    kategori.append(np.zeros(n_before + n_after, dtype=int))
    masuk.append(
        np.concatenate(
            [
                start + rng.integers(0, days_before, n_before).astype("timedelta64[D]"),
                t1 + (1 + rng.integers(0, days_after, n_after)).astype("timedelta64[D]"),
            ]
        )
    )
    kode = np.concatenate(kodes)
    kat = np.concatenate(kategori)
    masuk = np.concatenate(masuk)
    m = kode.size
    kanal = rng.choice(len(_KANAL), m, p=_KANAL_P)
    # complaints made in person arrive on working days only
    first_wd = np.searchsorted(wd, masuk)
    langsung = kanal == _KANAL.index("Langsung")
    masuk = np.where(langsung, wd[np.minimum(first_wd, wd.size - 1)], masuk)
    order = np.lexsort((kode, masuk))
    kode, kat, masuk, kanal, first_wd = (a[order] for a in (kode, kat, masuk, kanal, first_wd))
    # response within a few working days (LAPOR! asks for 5), some late; resolution after that
    resp_lag = np.where(rng.random(m) < 0.85, rng.poisson(2.5, m), rng.integers(6, 25, m))
    tanggapan = wd[np.minimum(first_wd + resp_lag, wd.size - 1)]
    tanggapan = np.maximum(tanggapan, masuk)
    selesai = wd[np.minimum(first_wd + resp_lag + rng.poisson(6, m), wd.size - 1)]
    never = rng.random(m) < 0.04
    tanggapan = np.where(never | (tanggapan >= end), np.datetime64("NaT"), tanggapan)
    selesai = np.where(np.isnat(tanggapan) | (selesai >= end), np.datetime64("NaT"), selesai)
    status = np.where(
        ~np.isnat(selesai), "selesai", np.where(~np.isnat(tanggapan), "diproses", "baru")
    )
    texts = read_reference("teks_warga.csv")
    texts = texts[texts["jenis"] == "pengaduan"]
    isi = np.empty(m, dtype=object)
    for k, name in enumerate(_KATEGORI):
        pool = texts.loc[texts["kategori"] == name, "teks"].to_numpy(dtype=object)
        sel = kat == k
        isi[sel] = pool[rng.integers(0, pool.size, int(sel.sum()))]
    isi = np.where(rng.random(m) < 0.05, None, isi)
    return arrow_table(
        {
            "id_pengaduan": make_ids(f"ADU-{year}-", np.arange(1, m + 1), 5),
            "kode_opd": kode,
            "tanggal_masuk": masuk,
            "kanal": np.array(_KANAL, dtype=object)[kanal],
            "kategori": np.array(_KATEGORI, dtype=object)[kat],
            "tanggal_tanggapan": tanggapan,
            "tanggal_selesai": selesai,
            "isi": isi,
            "status": status.astype(object),
        }
    )
