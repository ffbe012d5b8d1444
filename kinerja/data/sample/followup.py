"""The ``tindak_lanjut`` table: the follow-up register of evaluation forums."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kinerja.data.sample.arrow import arrow_table, make_ids

# ---------------------------------------------------------------------------------------------
# Follow-up texts (forum level; no personal data)
# ---------------------------------------------------------------------------------------------
_TL_OPD = (
    (
        "Nilai unsur waktu penyelesaian pada SKM di bawah rata-rata kota",
        "Menyederhanakan alur layanan dan memublikasikan standar waktu di loket dan laman OPD",
    ),
    (
        "Sebagian laporan kegiatan harian belum diverifikasi atasan lebih dari 5 hari",
        "Atasan langsung memverifikasi laporan paling lambat 3 hari kerja",
    ),
    (
        "Sebagian pegawai belum memenuhi 20 JP pengembangan kompetensi",
        "Menyusun rencana pengembangan kompetensi dan mengikutkan pegawai pada e-learning",
    ),
    (
        "Pengaduan melalui SP4N-LAPOR! ditanggapi lebih dari 5 hari kerja",
        "Menunjuk admin pengaduan dan memantau tanggapan setiap minggu",
    ),
    (
        "Distribusi predikat kinerja pegawai tidak sesuai kurva organisasi",
        "Kalibrasi penilaian SKP oleh tim penilai kinerja",
    ),
    (
        "Sarana ruang tunggu layanan dinilai kurang oleh responden SKM",
        "Menganggarkan perbaikan ruang tunggu pada perubahan anggaran",
    ),
    (
        "Realisasi anggaran triwulan di bawah target",
        "Mempercepat pelaksanaan kegiatan dan proses pengadaan",
    ),
    (
        "Standar pelayanan belum ditinjau ulang dalam dua tahun terakhir",
        "Meninjau dan menetapkan ulang standar pelayanan bersama perwakilan masyarakat",
    ),
)

_TL_MENTORING = (
    "Predikat kinerja triwulan II di bawah ekspektasi",
    "Mentoring oleh atasan langsung selama tiga bulan dengan rencana aksi tertulis",
)

_TL_STORY = (
    "Tahap Verifikasi Administrasi perizinan berusaha melebihi standar waktu layanan",
    "Pelatihan Penyederhanaan Proses Perizinan bagi seluruh pegawai DPMPTSP",
)


def make_tindak_lanjut(
    opd_ref: pd.DataFrame,
    peg: pd.DataFrame,
    predikat: np.ndarray,
    rng: np.random.Generator,
    wd: np.ndarray,
    year: int,
    story: dict,
) -> pa.Table:
    """The ``tindak_lanjut`` register: OPD findings, mentoring of low predikat, the planted story.

    Parameters
    ----------
    opd_ref : pandas.DataFrame
        The reference list ``opd_salatiga.csv``.
    peg : pandas.DataFrame
        The ``pegawai`` table made by :func:`~kinerja.data.sample.people.make_pegawai`.
    predikat : numpy.ndarray
        Annual predikat per ASN from :func:`~kinerja.data.sample.performance.make_skp`.
    rng : numpy.random.Generator
        The table's own stream (:func:`~kinerja.data.sample.arrow.table_rng`).
    wd : numpy.ndarray
        Working days of ``year`` and ``year + 1`` (``sample_workdays``).
    year : int
        Calendar year of the data.
    story : dict
        :func:`~kinerja.data.sample.reference.planted_story` of ``year``.
    """
    cutoff = np.datetime64(f"{year}-12-31")
    wd_year = wd[wd < np.datetime64(f"{year + 1}-01-01")]
    # forums after each quarter: the 12th working day of January, April, July, October
    forums = [wd_year[wd_year >= np.datetime64(f"{year}-{m:02d}-01")][11] for m in (1, 4, 7, 10)]
    opd_level = opd_ref.loc[opd_ref["jenis_opd"] != "kelurahan", "kode_opd"].to_numpy(dtype=object)
    kode, nip, temuan, rekom, forum_date = [], [], [], [], []
    for f in forums:
        k = rng.poisson(0.8, opd_level.size)
        units = np.repeat(opd_level, k)
        pick = rng.integers(0, len(_TL_OPD), units.size)
        kode.append(units)
        nip.append(np.full(units.size, None, dtype=object))
        temuan.append(np.array([_TL_OPD[i][0] for i in pick], dtype=object))
        rekom.append(np.array([_TL_OPD[i][1] for i in pick], dtype=object))
        forum_date.append(np.full(units.size, f))
    # mentoring of ASN whose TW2 predikat is below expectation (July forum); internal data
    low = np.flatnonzero(
        np.isin(predikat[:, 1], ["Butuh Perbaikan", "Sangat Kurang", "Kurang/Misconduct"])
    )
    low = low[rng.random(low.size) < 0.35]
    kode.append(peg["kode_opd"].to_numpy(dtype=object)[low])
    nip.append(peg["nip"].to_numpy(dtype=object)[low])
    temuan.append(np.full(low.size, _TL_MENTORING[0], dtype=object))
    rekom.append(np.full(low.size, _TL_MENTORING[1], dtype=object))
    forum_date.append(np.full(low.size, forums[2]))
    kode_a = np.concatenate(kode)
    nip_a = np.concatenate(nip)
    temuan_a = np.concatenate(temuan)
    rekom_a = np.concatenate(rekom)
    forum_a = np.concatenate(forum_date)
    m = kode_a.size
    tenggat = forum_a + rng.choice([30, 60, 90], m).astype("timedelta64[D]")
    u = rng.random(m)
    overdue_possible = tenggat < cutoff
    status = np.where(
        overdue_possible,
        np.where(u < 0.65, 2, np.where(u < 0.88, 1, 0)),
        np.where(u < 0.3, 2, np.where(u < 0.75, 1, 0)),
    )
    done = forum_a + np.maximum(
        1, ((tenggat - forum_a).astype(int) + rng.normal(-8, 14, m)).astype(int)
    ).astype("timedelta64[D]")
    done = np.minimum(done, cutoff)
    done = np.where(status == 2, done, np.datetime64("NaT"))
    # the story's forum finding, decided in April, done when the training ends
    kode_a = np.append(kode_a, story["kode_opd"])
    nip_a = np.append(nip_a, None)
    temuan_a = np.append(temuan_a, _TL_STORY[0])
    rekom_a = np.append(rekom_a, _TL_STORY[1])
    forum_a = np.append(forum_a, forums[1])
    tenggat = np.append(tenggat, np.datetime64(story["training_end"]))
    status = np.append(status, 2)
    done = np.append(done, np.datetime64(story["training_end"]))
    order = np.lexsort((kode_a, forum_a))
    labels = np.array(["direncanakan", "berjalan", "selesai"], dtype=object)
    return arrow_table(
        {
            "id_tindak_lanjut": make_ids(f"TL-{year}-", np.arange(1, kode_a.size + 1), 4),
            "nip": nip_a[order],
            "kode_opd": kode_a[order],
            "temuan": temuan_a[order],
            "rekomendasi": rekom_a[order],
            "tenggat": tenggat[order],
            "status": labels[status[order]],
            "tanggal_selesai": done[order],
        }
    )
