"""Deterministic synthetic sample data for Kota Salatiga (``kinerja sample``).

``generate(out_dir, seed=2026, scale=1.0, year=2025, fmt="csv")`` writes one file per table of the
data contract (``../shared/domain/data-contract.md``): ``opd``, ``pegawai``, ``penilaian_skp``,
``laporan_kinerja``, ``layanan``, ``standar_layanan``, ``skm``, ``pengaduan``, ``pelatihan`` and
``tindak_lanjut``. Every value is fictitious; NIPs and names refer to no real person.

What is real and what is invented
---------------------------------
The editable reference data in ``kinerja/reference_data/`` (see its README) drives the generator:
the 4 kecamatan and 23 kelurahan of reference.md §6.1; the OPDs confirmed in §6.2 plus a plausible,
**unconfirmed** set of further dinas/badan; services with their stages and published standards
(only KTP-el through the kecamatan, 1 hari kerja and free, is confirmed, §6.4); a training
catalogue; Javanese-flavoured names. Working days are Monday–Friday minus Indonesian national
holidays and cuti bersama from the ``holidays`` package (``Indonesia``, categories ``public`` and
``government``) plus ``reference_data/hari_libur_tambahan.csv``.

Volumes and ``scale``
---------------------
At ``scale=1``: about 4,500 ASN, ~1 M daily activity reports, ~92 k service requests (~325 k stage
events), ~4 k SKM respondents, ~1.2 k complaints. ``scale`` multiplies the transaction volumes
(service requests, SKM respondents, complaints) linearly, so ``scale=31`` gives ~10 M service
events for benchmarks. The ASN population (and with it SKP, activity reports, training and the
follow-up register) scales with ``min(scale, 1)``: a city does not hire more staff because a
benchmark wants more events, but a small ``scale`` gives small, fast test folders. Every unit
keeps its head and at least one more ASN whatever the scale, so small groups always exist
(kelurahan have 6–9 ASN at scale 1; Bakesbangpol 9 and BPBD 8).

The planted story (``PLANTED_STORY``, read by the tests)
--------------------------------------------------------
In DPMPTSP, the ``Verifikasi Administrasi`` stage of the business permits ("Sertifikat Standar
Usaha", "Izin Usaha Toko Modern") is slow from January until the training: the stage takes a
median of six working days, so most requests miss their published standard (5 and 7 hari kerja).
"Pelayanan lambat" complaints about DPMPTSP pile up in the same months. All DPMPTSP staff attend
"Pelatihan Penyederhanaan Proses Perizinan" (Pelatihan Teknis, klasikal, 24 JP) on three working
days from the first Monday on or after 14 June of ``year``; an evaluation forum in April recorded
the finding and the training as its follow-up. After the training the stage takes a median of
2.5 working hours and most requests meet the standard; complaints about slowness fall back.
No other OPD's services change over the year.

Other planted features
----------------------
- ``PLANTED_IKM``: OPDs whose IKM (PermenPANRB 14/2017, reference.md §1.4–1.5, exact weight 1/9)
  lands just above or below the grade boundaries 88.31 / 76.61 / 65.00; answer sums are tuned per
  element so the score is met to within a few hundredths whatever the seed.
- ``SKP_PREDIKAT_DISAGREEMENTS``: exactly this many ``penilaian_skp`` rows carry a ``predikat``
  that disagrees with the §2.3 matrix (annual rows where the matrix says "Baik" but "Sangat Baik"
  was typed) — a warning for the loader, never a rejection. About a third of the
  "Kurang/Misconduct" predikat are spelled "Kurang", as some systems store them.
- About 20 % of ASN stay below 20 JP of training in the year (reference.md §3); some have none.
- Some ASN rarely file activity reports; some reports are late; some supervisors verify slowly
  and a few never do (``menunggu``).
- Service logs contain rework (a stage repeated after the file was returned), skipped optional
  stages (process variants) and, at the export cut-off, stages still in progress (blank
  ``selesai``) and requests not yet at their last stage (backlog).

Determinism: every table draws from its own ``numpy.random.Generator`` seeded with
``(seed, table number)``; the same arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import holidays
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kinerja.domain.schema import SKM_ELEMENTS

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_YEAR",
    "PLANTED_IKM",
    "PLANTED_STORY",
    "REFERENCE_DIR",
    "SampleDataError",
    "SKP_PREDIKAT_DISAGREEMENTS",
    "TABLE_ORDER",
    "build_tables",
    "cli_sample",
    "generate",
    "planted_story",
    "sample_workdays",
]

REFERENCE_DIR = Path(__file__).parent / "reference_data"
DEFAULT_SEED = 2026
DEFAULT_YEAR = 2025
TABLE_ORDER: tuple[str, ...] = (
    "opd",
    "pegawai",
    "penilaian_skp",
    "laporan_kinerja",
    "layanan",
    "standar_layanan",
    "skm",
    "pengaduan",
    "pelatihan",
    "tindak_lanjut",
)

#: Office hours of the service counters: 08.00–16.00, i.e. 480 working minutes a day.
DAY_MINUTES = 480
OPEN_MINUTE = 8 * 60

#: Target IKM (25–100 scale) of OPDs planted near the grade boundaries of reference.md §1.5.
PLANTED_IKM: dict[str, float] = {
    "DISDUKCAPIL": 88.45,  # just A (>= 88.31)
    "RSUD": 88.18,  # just B
    "DISHUB": 76.75,  # just B (>= 76.61)
    "DISNAKER": 76.48,  # just C
    "KEC-ARGOMULYO": 65.14,  # just C (>= 65.00)
    "DINSOS": 64.86,  # just D
}
#: Number of penilaian_skp rows whose predikat deliberately disagrees with the §2.3 matrix.
SKP_PREDIKAT_DISAGREEMENTS = 4

# element offsets around an OPD's mean answer (centred below, so the IKM target is kept)
_SKM_OFFSETS = np.array([0.0, 0.0, -0.15, 0.35, 0.0, -0.05, 0.1, -0.15, -0.1])

_RATINGS = ("Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi")
# reference.md §2.3, indexed [hasil][perilaku] with 0 = Di Atas, 1 = Sesuai, 2 = Di Bawah
_PREDIKAT_MATRIX = np.array(
    [
        ["Sangat Baik", "Baik", "Kurang/Misconduct"],
        ["Baik", "Baik", "Kurang/Misconduct"],
        ["Butuh Perbaikan", "Butuh Perbaikan", "Sangat Kurang"],
    ],
    dtype=object,
)

_GOLONGAN_PNS = (
    "I/a",
    "I/b",
    "I/c",
    "I/d",
    "II/a",
    "II/b",
    "II/c",
    "II/d",
    "III/a",
    "III/b",
    "III/c",
    "III/d",
    "IV/a",
    "IV/b",
    "IV/c",
    "IV/d",
    "IV/e",
)

# ---------------------------------------------------------------------------------------------
# Positions (synthetic; plausible for a Kota government, not an official structure)
# ---------------------------------------------------------------------------------------------
_HEAD = {
    "dinas": "Kepala Dinas",
    "badan": "Kepala Badan",
    "inspektorat": "Inspektur",
    "rsud": "Direktur",
    "lainnya": "Kepala Satuan",
}
_SECRETARY = {
    "inspektorat": "Sekretaris Inspektorat",
    "rsud": "Wakil Direktur Umum dan Keuangan",
}
_KABID = (
    "Kepala Bidang Perencanaan dan Evaluasi",
    "Kepala Bidang Pelayanan",
    "Kepala Bidang Pengembangan",
    "Kepala Bidang Pengendalian dan Pengawasan",
)
_PENGAWAS = (
    "Kepala Subbagian Umum dan Kepegawaian",
    "Kepala Subbagian Keuangan",
    "Kepala Subbagian Perencanaan",
    "Kepala Seksi Pelayanan",
    "Kepala Seksi Data dan Informasi",
    "Kepala Seksi Pembinaan",
    "Kepala Seksi Pengawasan",
    "Kepala Seksi Pengembangan",
)
_SETDA_JPT = (
    "Sekretaris Daerah",
    "Asisten Pemerintahan dan Kesejahteraan Rakyat",
    "Asisten Perekonomian dan Pembangunan",
    "Asisten Administrasi Umum",
)
_SETDA_KABAG = (
    "Kepala Bagian Pemerintahan",
    "Kepala Bagian Hukum",
    "Kepala Bagian Kesejahteraan Rakyat",
    "Kepala Bagian Perekonomian dan Sumber Daya Alam",
    "Kepala Bagian Administrasi Pembangunan",
    "Kepala Bagian Pengadaan Barang dan Jasa",
    "Kepala Bagian Organisasi",
    "Kepala Bagian Umum",
    "Kepala Bagian Protokol dan Komunikasi Pimpinan",
)
_PELAKSANA = (
    "Pengadministrasi Perkantoran",
    "Pengolah Data dan Informasi",
    "Pengelola Layanan Operasional",
    "Penata Layanan Operasional",
    "Operator Layanan Operasional",
    "Pengelola Umum Operasional",
    "Pengadministrasi Keuangan",
    "Pengelola Layanan Kepegawaian",
    "Penelaah Teknis Kebijakan",
    "Pengemudi",
)
# fungsional base names per OPD: (name, "K" keahlian / "T" keterampilan, weight)
_FUNGSIONAL: dict[str, tuple[tuple[str, str, float], ...]] = {
    "DINDIK": (("Guru", "K", 0.95), ("Pengawas Sekolah", "K", 0.02), ("Pamong Belajar", "K", 0.03)),
    "DINKES": (
        ("Perawat", "T", 0.3),
        ("Bidan", "T", 0.25),
        ("Dokter", "K", 0.1),
        ("Nutrisionis", "T", 0.1),
        ("Sanitarian", "T", 0.1),
        ("Apoteker", "K", 0.05),
        ("Epidemiolog Kesehatan", "K", 0.1),
    ),
    "RSUD": (
        ("Perawat", "T", 0.5),
        ("Bidan", "T", 0.1),
        ("Dokter", "K", 0.1),
        ("Dokter Spesialis", "K", 0.08),
        ("Apoteker", "K", 0.05),
        ("Pranata Laboratorium Kesehatan", "T", 0.07),
        ("Radiografer", "T", 0.05),
        ("Perekam Medis", "T", 0.05),
    ),
    "INSPEKTORAT": (
        ("Auditor", "K", 0.6),
        ("Pengawas Penyelenggaraan Urusan Pemerintahan Daerah", "K", 0.4),
    ),
    "BAPELITBANGDA": (("Perencana", "K", 0.8), ("Peneliti", "K", 0.2)),
    "BKPSDM": (("Analis Sumber Daya Manusia Aparatur", "K", 0.8), ("Widyaiswara", "K", 0.2)),
    "DISKOMINFO": (("Pranata Komputer", "K", 0.6), ("Pranata Hubungan Masyarakat", "K", 0.4)),
    "DPMPTSP": (("Penata Perizinan", "K", 1.0),),
    "DISDUKCAPIL": (("Administrator Database Kependudukan", "K", 1.0),),
    "DISPERPUSIP": (("Pustakawan", "K", 0.6), ("Arsiparis", "K", 0.4)),
    "DPUPR": (("Teknik Jalan dan Jembatan", "K", 0.5), ("Penata Ruang", "K", 0.5)),
    "DISHUB": (("Penguji Kendaraan Bermotor", "T", 1.0),),
    "DLH": (("Pengendali Dampak Lingkungan", "K", 1.0),),
    "DISPANGTAN": (("Penyuluh Pertanian", "K", 0.7), ("Medik Veteriner", "K", 0.3)),
    "DP3APPKB": (("Penyuluh Keluarga Berencana", "K", 1.0),),
    "DINSOS": (("Pekerja Sosial", "K", 1.0),),
    "SATPOLPP": (("Polisi Pamong Praja", "T", 1.0),),
    "DAMKAR": (("Analis Kebakaran", "T", 1.0),),
}
_FUNGSIONAL_DEFAULT = (
    ("Analis Kebijakan", "K", 0.4),
    ("Pranata Komputer", "K", 0.2),
    ("Arsiparis", "K", 0.2),
    ("Analis Keuangan Pusat dan Daerah", "K", 0.2),
)
_FUNGSIONAL_SHARE = {
    "DINDIK": 0.9,
    "DINKES": 0.7,
    "RSUD": 0.8,
    "INSPEKTORAT": 0.5,
    "BAPELITBANGDA": 0.35,
    "BKPSDM": 0.3,
    "SATPOLPP": 0.4,
    "DAMKAR": 0.3,
    "DISHUB": 0.3,
    "DISPANGTAN": 0.3,
    "DP3APPKB": 0.3,
    "DPMPTSP": 0.3,
    "DISDUKCAPIL": 0.2,
}
_KESEHATAN = (
    "Epidemiolog",
    "Nutrisionis",
    "Sanitarian",
    "Pranata Laboratorium",
    "Radiografer",
    "Perekam Medis",
)
_NAKES = ("Perawat", "Bidan", "Dokter", "Apoteker", "Nutrisionis", "Sanitarian", "Pranata Lab")

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


# =============================================================================================
# Reference data and calendar
# =============================================================================================
def _read_reference(name: str) -> pd.DataFrame:
    """Read a reference CSV of ``reference_data/``; lines starting with ``#`` are comments."""
    text = (REFERENCE_DIR / name).read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    return pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False, index_col=False)


def sample_workdays(year: int) -> np.ndarray:
    """Working days (``datetime64[D]``) of ``year`` and ``year + 1`` used by the generator.

    Monday–Friday minus the ``holidays`` package's Indonesian public holidays and cuti bersama
    (category ``government``) and the rows of ``reference_data/hari_libur_tambahan.csv``.
    """
    years = [year, year + 1]
    hol = holidays.Indonesia(years=years, categories=("public", "government"))
    days_off = {np.datetime64(d, "D") for d in hol}
    extra = _read_reference("hari_libur_tambahan.csv")
    days_off.update(np.datetime64(str(d).strip(), "D") for d in extra["tanggal"] if str(d).strip())
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 2}-01-01"))
    return days[np.is_busday(days, holidays=sorted(days_off))]


def planted_story(year: int = DEFAULT_YEAR) -> dict:
    """The planted DPMPTSP story for ``year`` (see the module docstring).

    The training runs on three consecutive working days from the first Monday on or after
    14 June of ``year`` whose week starts with three working days.
    """
    wd = sample_workdays(year)
    wd_set = set(wd.tolist())
    day = dt.date(year, 6, 14)
    while True:
        if day.weekday() == 0 and all(day + dt.timedelta(days=k) in wd_set for k in range(3)):
            break
        day += dt.timedelta(days=1)
    return {
        "kode_opd": "DPMPTSP",
        "jenis_layanan": ("Sertifikat Standar Usaha", "Izin Usaha Toko Modern"),
        "tahap": "Verifikasi Administrasi",
        "nama_pelatihan": "Pelatihan Penyederhanaan Proses Perizinan",
        "jenis_pelatihan": "Pelatihan Teknis",
        "bentuk": "klasikal",
        "jp": 24.0,
        "training_start": day,
        "training_end": day + dt.timedelta(days=2),
        "kategori_pengaduan": "Pelayanan lambat",
        # median stage duration in working minutes (480 = one working day)
        "median_menit_sebelum": 2880.0,
        "median_menit_sesudah": 150.0,
    }


PLANTED_STORY: dict = planted_story(DEFAULT_YEAR)


# =============================================================================================
# Helpers
# =============================================================================================
def _rng(seed: int, table: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), TABLE_ORDER.index(table)])


def _col(x) -> pa.Array:
    """A pyarrow array from numpy/list data; NaT, NaN and ``None`` become null."""
    if isinstance(x, pa.Array | pa.ChunkedArray):
        return x
    if isinstance(x, pd.Series):
        x = x.to_numpy()
    arr = np.asarray(x)
    if arr.dtype.kind == "M":
        return pa.array(arr, mask=np.isnat(arr))
    if arr.dtype.kind == "f":
        return pa.array(arr, mask=np.isnan(arr))
    if arr.dtype.kind in "OUT":
        return pa.array(arr.astype(object), type=pa.string(), from_pandas=True)
    return pa.array(arr)


def _dict_col(indices: np.ndarray, values, mask: np.ndarray | None = None) -> pa.DictionaryArray:
    """Dictionary-encoded string column (cheap for large repeated values)."""
    idx = pa.array(np.asarray(indices, dtype=np.int32), mask=mask)
    vals = values if isinstance(values, pa.Array) else pa.array(list(values), type=pa.string())
    return pa.DictionaryArray.from_arrays(idx, vals)


def _table(columns: Mapping[str, object]) -> pa.Table:
    return pa.table({k: _col(v) for k, v in columns.items()})


def _lognormal(rng: np.random.Generator, median, sigma: float, size: int) -> np.ndarray:
    return np.asarray(median, dtype=float) * np.exp(sigma * rng.standard_normal(size))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded ``numbers`` as a string array (vectorised)."""
    text = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0"
    )
    return pc.binary_join_element_wise(prefix, text, "")


# =============================================================================================
# opd and pegawai
# =============================================================================================
def _make_opd(ref: pd.DataFrame) -> pa.Table:
    return _table(
        {
            "kode_opd": ref["kode_opd"].to_numpy(),
            "nama_opd": ref["nama_opd"].to_numpy(),
            "singkatan": ref["singkatan"].to_numpy(),
            "jenis_opd": ref["jenis_opd"].to_numpy(),
            "kode_induk": ref["kode_induk"].replace("", None).to_numpy(),
        }
    )


def _unit_positions(kode: str, jenis: str, n: int) -> list[tuple[str, str]]:
    """Structural positions of one unit (truncated so at least one staff post remains)."""
    if jenis == "kelurahan":
        pos = [("Lurah", "pengawas"), ("Sekretaris Kelurahan", "pengawas")]
        kasi = (
            "Kepala Seksi Pemerintahan",
            "Kepala Seksi Pemberdayaan Masyarakat",
            "Kepala Seksi Ketenteraman dan Ketertiban",
        )
        pos += [(k, "pengawas") for k in kasi[: max(0, min(3, n - 4))]]
    elif jenis == "kecamatan":
        pos = [("Camat", "administrator"), ("Sekretaris Kecamatan", "administrator")]
        pos += [
            (k, "pengawas")
            for k in (
                "Kepala Seksi Pemerintahan",
                "Kepala Seksi Pelayanan Umum",
                "Kepala Seksi Pemberdayaan Masyarakat",
                "Kepala Seksi Ketenteraman dan Ketertiban",
                "Kepala Subbagian Umum dan Kepegawaian",
            )
        ]
    elif kode == "SETDA":
        pos = [(j, "jpt") for j in _SETDA_JPT] + [(j, "administrator") for j in _SETDA_KABAG]
        pos += [
            (f"Kepala Subbagian {s} {b.removeprefix('Kepala Bagian ')}", "pengawas")
            for b in _SETDA_KABAG
            for s in ("Perencanaan", "Pelaksanaan")
        ]
    elif kode == "SETWAN":
        pos = [("Sekretaris DPRD", "jpt")]
        pos += [
            (j, "administrator")
            for j in ("Kepala Bagian Umum dan Keuangan", "Kepala Bagian Persidangan")
        ]
        pos += [(j, "pengawas") for j in _PENGAWAS[:4]]
    else:
        pos = [(_HEAD.get(jenis, "Kepala"), "jpt")]
        pos.append((_SECRETARY.get(jenis, "Sekretaris"), "administrator"))
        n_kabid = int(np.clip(n // 25, 1, 4))
        pos += [(k, "administrator") for k in _KABID[:n_kabid]]
        n_peng = int(np.clip(n // 12, 1, 8))
        pos += [(k, "pengawas") for k in _PENGAWAS[:n_peng]]
    return pos[: max(1, n - 1)]


def _make_pegawai(opd_ref: pd.DataFrame, rng: np.random.Generator, scale: float, year: int):
    pop_scale = min(scale, 1.0)
    names = _read_reference("nama_jawa.csv")
    kode_l, jabatan_l, jenis_l, kind_l = [], [], [], []
    for row in opd_ref.itertuples(index=False):
        size = int(row.perkiraan_pegawai)
        n = max(3 if row.jenis_opd == "kelurahan" else 4, round(size * pop_scale))
        pos = _unit_positions(row.kode_opd, row.jenis_opd, n)
        n_staff = n - len(pos)
        share = _FUNGSIONAL_SHARE.get(row.kode_opd, 0.0 if row.jenis_opd == "kelurahan" else 0.15)
        is_fung = rng.random(n_staff) < share
        table = _FUNGSIONAL.get(row.kode_opd, _FUNGSIONAL_DEFAULT)
        weights = np.array([w for _, _, w in table])
        pick_f = rng.choice(len(table), size=n_staff, p=weights / weights.sum())
        pick_p = rng.integers(0, len(_PELAKSANA), n_staff)
        for j, k in pos:
            kode_l.append(row.kode_opd)
            jabatan_l.append(j)
            jenis_l.append(k)
            kind_l.append("")
        for f, a, b in zip(is_fung, pick_f, pick_p, strict=True):
            kode_l.append(row.kode_opd)
            if f:
                jabatan_l.append(table[a][0])
                jenis_l.append("fungsional")
                kind_l.append(table[a][1])
            else:
                jabatan_l.append(_PELAKSANA[b])
                jenis_l.append("pelaksana")
                kind_l.append("")
    kode = np.array(kode_l, dtype=object)
    jabatan = pd.Series(jabatan_l, dtype=object)
    jenis = np.array(jenis_l, dtype=object)
    kind = np.array(kind_l, dtype=object)
    n = len(kode)

    # sex
    p_female = np.full(n, 0.45)
    p_female[jabatan.str.startswith("Bidan").to_numpy()] = 1.0
    p_female[jabatan.str.startswith("Perawat").to_numpy()] = 0.75
    p_female[jabatan.str.startswith("Guru").to_numpy()] = 0.65
    p_female[(kode == "SATPOLPP") | (kode == "DAMKAR")] = 0.15
    p_female[(jabatan == "Pengemudi").to_numpy()] = 0.02
    female = rng.random(n) < p_female

    # status
    is_guru = jabatan.str.startswith("Guru").to_numpy()
    is_nakes = jabatan.str.startswith(_NAKES).to_numpy()
    p_pppk = np.select(
        [is_guru, is_nakes, jenis == "pelaksana", jenis == "fungsional"],
        [0.35, 0.25, 0.1, 0.05],
        0.0,
    )
    pppk = rng.random(n) < p_pppk

    # age at 1 July of ``year`` and birth date
    lo = np.select(
        [jenis == "jpt", jenis == "administrator", jenis == "pengawas"], [47, 41, 33], 23
    ).astype(float)
    hi = np.where(jenis == "fungsional", 59.5, 57.5)
    lo = np.where(pppk, 24, lo)
    hi = np.where(pppk, 50, hi)
    age = lo + (hi - lo) * rng.beta(1.6, 1.6, n)
    mid = np.datetime64(f"{year}-07-01")
    birth = mid - np.round(age * 365.2425).astype("timedelta64[D]")
    birth_year = birth.astype("datetime64[Y]").astype(int) + 1970

    # PNS: TMT CPNS (year and month) after the 18th birthday, with enough service for the post
    min_service = np.select(
        [jenis == "jpt", jenis == "administrator", jenis == "pengawas"], [18, 12, 6], 1
    )
    tmt_hi = np.clip(age - min_service, 21.6, 36.0)
    tmt_age = 21.5 + (tmt_hi - 21.5) * rng.random(n)
    tmt = birth + np.round(tmt_age * 365.2425).astype("timedelta64[D]")
    tmt_month = tmt.astype("datetime64[M]")
    service = year - (tmt_month.astype("datetime64[Y]").astype(int) + 1970)
    # PPPK: appointment year and phase
    pppk_years = np.array([2019, 2021, 2022, 2023, 2024])
    pppk_years = (
        pppk_years[pppk_years <= year - 1] if (pppk_years <= year - 1).any() else [year - 1]
    )
    pppk_year = rng.choice(pppk_years, n)
    pppk_year = np.maximum(pppk_year, birth_year + 19)
    pppk_phase = rng.choice([1, 1, 1, 2, 2, 3], n)

    # golongan
    entry = np.where(
        kind == "T",
        6,
        np.where(jenis == "pelaksana", rng.choice([4, 6, 8], n, p=[0.35, 0.2, 0.45]), 8),
    )
    entry = np.where(jabatan.str.startswith("Dokter").to_numpy(), 9, entry)
    gol = entry + service // 4
    cap = np.select(
        [jenis == "jpt", jenis == "administrator", jenis == "pengawas", kind == "K"],
        [15, 13, 12, 14],
        11,
    )
    floor = np.select(
        [jenis == "jpt", jenis == "administrator", jenis == "pengawas"], [13, 11, 10], 0
    )
    gol = np.clip(np.maximum(gol, floor), 0, cap)
    gol_pns = np.array(_GOLONGAN_PNS, dtype=object)[gol]
    gol_pppk = np.where(
        kind == "K",
        "IX",
        np.where(kind == "T", "VII", rng.choice(np.array(["V", "VII", "IX"], dtype=object), n)),
    )
    golongan = np.where(pppk, gol_pppk, gol_pns)

    # jenjang of fungsional from golongan (PPPK: entry jenjang)
    jenjang_k = np.array(
        ["Ahli Pertama"] * 10 + ["Ahli Muda"] * 2 + ["Ahli Madya"] * 3 + ["Ahli Utama"] * 2,
        dtype=object,
    )
    jenjang_t = np.array(["Terampil"] * 8 + ["Mahir"] * 2 + ["Penyelia"] * 7, dtype=object)
    jenjang = np.where(kind == "K", jenjang_k[gol], jenjang_t[gol])
    jenjang = np.where(pppk, np.where(kind == "K", "Ahli Pertama", "Terampil"), jenjang)
    jabatan_full = np.where(
        jenis == "fungsional", jabatan.to_numpy() + " " + jenjang, jabatan.to_numpy()
    )

    # NIP (reference.md §5.1) / NI PPPK (§5.2)
    birth_s = pd.Series(birth).dt.strftime("%Y%m%d").to_numpy(dtype=object)
    tmt_s = pd.Series(tmt_month.astype("datetime64[D]")).dt.strftime("%Y%m").to_numpy(dtype=object)
    sex_digit = np.where(female, "2", "1")
    prefix = np.where(
        pppk,
        birth_s
        + pppk_year.astype(str).astype(object)
        + "2"
        + pppk_phase.astype(str).astype(object)
        + sex_digit,
        birth_s + tmt_s + sex_digit,
    )
    serial = rng.choice(np.arange(1, 9), n, p=np.array([8, 6, 4, 3, 2, 1.5, 1, 1]) / 26.5)
    serial = serial + pd.Series(prefix).groupby(prefix).cumcount().to_numpy() * 9
    nip = prefix + pd.Series(serial).map("{:03d}".format).to_numpy(dtype=object)

    # names
    def pick(part: str, sex: str, size: int) -> np.ndarray:
        pool = names.loc[(names["bagian"] == part) & names["jk"].isin([sex, "*"]), "nama"]
        return pool.to_numpy(dtype=object)[rng.integers(0, len(pool), size)]

    first = np.where(female, pick("depan", "P", n), pick("depan", "L", n))
    middle = np.where(female, pick("depan", "P", n), pick("depan", "L", n))
    last = np.where(female, pick("belakang", "P", n), pick("belakang", "L", n))
    shape = rng.random(n)
    nama = np.where(
        shape < 0.12,
        first,
        np.where(shape < 0.35, first + " " + middle + " " + last, first + " " + last),
    )
    nama = np.where(middle == first, first + " " + last, nama)
    gelar_s1 = np.array(
        ["S.E.", "S.H.", "S.Sos.", "S.Kom.", "S.IP.", "S.T.", "S.AP."], dtype=object
    )
    s1 = gelar_s1[rng.integers(0, len(gelar_s1), n)]
    s2 = np.array(["M.Si.", "M.M.", "M.AP.", "M.H."], dtype=object)[rng.integers(0, 4, n)]
    sp = np.array(["Sp.PD.", "Sp.A.", "Sp.OG.", "Sp.B.", "Sp.An."], dtype=object)[
        rng.integers(0, 5, n)
    ]
    gelar = np.select(
        [
            jabatan.str.startswith("Dokter Spesialis").to_numpy(),
            jabatan.str.startswith("Dokter").to_numpy(),
            jabatan.str.startswith("Apoteker").to_numpy(),
            jabatan.str.startswith(_KESEHATAN).to_numpy() & (kind == "K"),
            jabatan.str.startswith(_KESEHATAN).to_numpy(),
            jabatan.str.startswith("Guru").to_numpy(),
            jabatan.str.startswith("Bidan").to_numpy(),
            jabatan.str.startswith("Perawat").to_numpy() & (kind == "T"),
            jenis == "jpt",
            jenis == "administrator",
            (jenis == "pengawas") | (kind == "K"),
            (jenis == "pelaksana") & np.isin(golongan, list(_GOLONGAN_PNS[8:]) + ["IX"]),
            (kind == "T") | np.isin(golongan, ["II/c", "II/d", "VII"]),
        ],
        [
            ", " + sp,
            "",
            ", S.Farm., Apt.",
            ", S.K.M.",
            ", A.Md.Kes.",
            ", S.Pd.",
            ", A.Md.Keb.",
            ", A.Md.Kep.",
            ", " + s1 + ", " + s2,
            ", " + s1 + np.where(rng.random(n) < 0.5, ", " + s2, ""),
            ", " + s1,
            ", " + s1,
            ", A.Md.",
        ],
        "",
    )
    nama = np.where(jabatan.str.startswith("Dokter").to_numpy(), "dr. " + nama, nama) + gelar

    peg = pd.DataFrame(
        {
            "nip": nip,
            "nama": nama,
            "kode_opd": kode,
            "jabatan": jabatan_full,
            "jenis_jabatan": jenis,
            "golongan": golongan,
            "status_kepegawaian": np.where(pppk, "PPPK", "PNS"),
            "jenis_kelamin": np.where(female, "P", "L"),
        }
    )
    return peg


# =============================================================================================
# penilaian_skp
# =============================================================================================
def _make_skp(
    peg: pd.DataFrame, rng: np.random.Generator, year: int
) -> tuple[pa.Table, np.ndarray]:
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
    ratings = np.array(_RATINGS, dtype=object)
    pred = _PREDIKAT_MATRIX[h, p]
    pred = pred.ravel().copy()
    kurang = np.flatnonzero(pred == "Kurang/Misconduct")
    short = kurang[rng.random(kurang.size) < 0.35]
    pred[short] = "Kurang"
    # deliberate disagreements with the matrix (annual rows, matrix "Baik" typed as "Sangat Baik")
    annual_baik = np.flatnonzero((np.arange(pred.size) % 5 == 4) & (pred == "Baik"))
    wrong = rng.choice(annual_baik, SKP_PREDIKAT_DISAGREEMENTS, replace=False)
    pred[wrong] = "Sangat Baik"
    tbl = _table(
        {
            "nip": np.repeat(peg["nip"].to_numpy(dtype=object), 5),
            "periode": np.tile(periods, n),
            "rating_hasil_kerja": ratings[h.ravel()],
            "rating_perilaku": ratings[p.ravel()],
            "predikat": pred,
        }
    )
    return tbl, _PREDIKAT_MATRIX[h, p]


# =============================================================================================
# laporan_kinerja
# =============================================================================================
def _make_laporan(
    peg: pd.DataFrame, rng: np.random.Generator, wd: np.ndarray, year: int
) -> pa.Table:
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
    lag_h = _lognormal(rng, unit_median_h[unit_idx][ii], 0.9, m)
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
    templates = _read_reference("uraian_kegiatan.csv")
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
            "nip": _dict_col(ii[keep], nips),
            "tanggal": _col(tanggal[keep]),
            "waktu_lapor": _col(lapor[keep]),
            "uraian": _dict_col(uraian[keep], texts),
            "durasi_menit": _col(durasi[keep]),
            "status_verifikasi": _dict_col(status[keep], status_vals),
            "waktu_verifikasi": _col(verif[keep]),
        }
    )


# =============================================================================================
# standar_layanan and layanan
# =============================================================================================
def _service_units(opd_ref: pd.DataFrame) -> pd.DataFrame:
    """One row per (kode_opd, jenis_layanan), expanding ``*kecamatan`` / ``*kelurahan``."""
    ref = _read_reference("layanan_salatiga.csv")
    rows = []
    for r in ref.itertuples(index=False):
        if r.kode_opd.startswith("*"):
            units = opd_ref.loc[opd_ref["jenis_opd"] == r.kode_opd[1:], "kode_opd"].tolist()
        else:
            units = [r.kode_opd]
        for u in units:
            rows.append({**r._asdict(), "kode_opd": u})
    out = pd.DataFrame(rows)
    unknown = set(out["kode_opd"]) - set(opd_ref["kode_opd"])
    if unknown:
        raise SampleDataError(
            f"layanan_salatiga.csv: kode_opd {sorted(unknown)} tidak ada di opd_salatiga.csv"
        )
    return out


def _make_standar(units: pd.DataFrame) -> pa.Table:
    biaya = pd.to_numeric(units["biaya"].replace("", None)).to_numpy(dtype=float)
    return _table(
        {
            "kode_opd": units["kode_opd"].to_numpy(),
            "jenis_layanan": units["jenis_layanan"].to_numpy(),
            "jangka_waktu_hari_kerja": units["jangka_waktu_hari_kerja"].astype(int).to_numpy(),
            "biaya": biaya,
        }
    )


def _clock_to_timestamp(t: np.ndarray, wd: np.ndarray) -> np.ndarray:
    """Working-minute clock (480 minutes per working day from 08.00) → ``datetime64[s]``."""
    minutes = np.round(t).astype(np.int64)
    day, within = np.divmod(minutes, DAY_MINUTES)
    base = wd.astype("datetime64[s]").astype(np.int64) + OPEN_MINUTE * 60
    return (base[day] + within * 60).view("datetime64[s]")


def _make_layanan(
    units: pd.DataFrame,
    peg: pd.DataFrame,
    rng: np.random.Generator,
    wd: np.ndarray,
    scale: float,
    year: int,
    story: dict,
) -> pa.Table:
    stages = _read_reference("layanan_tahap.csv")
    for c in ("urutan", "jeda_menit", "durasi_menit", "p_lewati", "p_ulang"):
        stages[c] = pd.to_numeric(stages[c])
    stages = stages.sort_values(["jenis_layanan", "urutan"], kind="stable")
    missing = set(units["jenis_layanan"]) - set(stages["jenis_layanan"])
    if missing:
        raise SampleDataError(f"layanan_tahap.csv: tidak ada tahapan untuk {sorted(missing)}")
    n_year = int((wd < np.datetime64(f"{year + 1}-01-01")).sum())
    cutoff = n_year * DAY_MINUTES  # end of the last working day of ``year``
    wd_index = {d: i for i, d in enumerate(wd.tolist())}
    t_start = wd_index[story["training_start"]] * DAY_MINUTES
    t_end = (wd_index[story["training_end"]] + 1) * DAY_MINUTES

    tahap_names = sorted(set(stages["tahap"]))
    tahap_code = {t: i for i, t in enumerate(tahap_names)}
    jenis_names = sorted(set(units["jenis_layanan"]))
    kode_names = sorted(set(units["kode_opd"]))
    peg_kode = peg["kode_opd"].to_numpy()
    staff = peg["jenis_jabatan"].isin(["pelaksana", "fungsional"]).to_numpy()

    ev_req, ev_tahap, ev_mulai, ev_selesai, ev_petugas = [], [], [], [], []
    req_kode, req_jenis, req_num = [], [], []
    per_kode_counter: dict[str, int] = {}
    offset = 0
    for u in units.itertuples(index=False):
        n = max(3, round(float(u.permohonan_per_tahun) * scale))
        pool = np.flatnonzero((peg_kode == u.kode_opd) & staff)
        if pool.size == 0:
            pool = np.flatnonzero(peg_kode == u.kode_opd)
        # arrivals spread evenly over the working days, in day order (O(n), no sort)
        day = np.repeat(np.arange(n_year), rng.multinomial(n, np.full(n_year, 1.0 / n_year)))
        t = day * DAY_MINUTES + rng.random(n) * float(u.jam_buka_menit)
        req = offset + np.arange(n)
        story_service = (
            u.kode_opd == story["kode_opd"] and u.jenis_layanan in story["jenis_layanan"]
        )
        for st in stages[stages["jenis_layanan"] == u.jenis_layanan].itertuples(index=False):
            active = np.ones(n, dtype=bool) if st.urutan == 1 else rng.random(n) >= st.p_lewati
            repeat = rng.random(n) < st.p_ulang
            for occ in (0, 1):
                act = active if occ == 0 else active & repeat
                if occ == 0:
                    wait = _lognormal(rng, st.jeda_menit, 0.7, n) if st.jeda_menit > 0 else 0.0
                else:  # file returned: the applicant completes it, then the stage runs again
                    wait = _lognormal(rng, 720.0, 0.6, n)
                mulai = t + wait
                median = np.full(n, float(st.durasi_menit))
                if story_service and st.tahap == story["tahap"]:
                    median = np.where(
                        mulai < t_end, story["median_menit_sebelum"], story["median_menit_sesudah"]
                    )
                    # the training itself takes the staff away: nothing finishes during it
                    median = np.where((mulai >= t_start) & (mulai < t_end), median * 1.2, median)
                dur = np.maximum(_lognormal(rng, median, 0.45, n), 1.0)
                selesai = mulai + dur
                keep = act & (mulai < cutoff)
                ev_req.append(req[keep])
                ev_tahap.append(np.full(int(keep.sum()), tahap_code[st.tahap], dtype=np.int32))
                ev_mulai.append(mulai[keep])
                ev_selesai.append(selesai[keep])
                pet = pool[rng.integers(0, pool.size, n)][keep]
                if st.urutan == 1 and occ == 0:  # some registrations are made online, no officer
                    pet = np.where(rng.random(pet.size) < 0.03, -1, pet)
                ev_petugas.append(pet)
                t = np.where(act, selesai, t)
        start_num = per_kode_counter.get(u.kode_opd, 0)
        per_kode_counter[u.kode_opd] = start_num + n
        req_kode.append(np.full(n, kode_names.index(u.kode_opd), dtype=np.int32))
        req_jenis.append(np.full(n, jenis_names.index(u.jenis_layanan), dtype=np.int32))
        req_num.append(pa.array(np.arange(start_num + 1, start_num + n + 1)))
        offset += n

    ev_req_a = np.concatenate(ev_req)
    order = np.argsort(ev_req_a, kind="stable")
    ev_req_a = ev_req_a[order]
    mulai = np.concatenate(ev_mulai)[order]
    selesai = np.concatenate(ev_selesai)[order]
    in_progress = selesai > cutoff
    mulai_ts = _clock_to_timestamp(mulai, wd)
    selesai_ts = _clock_to_timestamp(np.where(in_progress, mulai, selesai), wd)
    selesai_ts = np.where(in_progress, np.datetime64("NaT"), selesai_ts)
    petugas = np.concatenate(ev_petugas)[order]

    # request ids: <kode_opd>-<year>-<nnnnnn>, numbered per OPD in arrival order per service
    kode_req = np.concatenate(req_kode)
    kode_strings = pa.array(kode_names).take(pa.array(kode_req))
    numbers = pc.utf8_lpad(pc.cast(pa.concat_arrays(req_num), pa.string()), 6, "0")
    ids = pc.binary_join_element_wise(kode_strings, pa.scalar(str(year)), numbers, "-")
    return pa.table(
        {
            # plain strings: a dictionary as long as the column is slower to write as parquet
            "id_permohonan": ids.take(pa.array(ev_req_a)),
            "kode_opd": _dict_col(kode_req[ev_req_a], kode_names),
            "jenis_layanan": _dict_col(np.concatenate(req_jenis)[ev_req_a], jenis_names),
            "tahap": _dict_col(np.concatenate(ev_tahap)[order], tahap_names),
            "mulai": _col(mulai_ts),
            "selesai": _col(selesai_ts),
            "nip_petugas": _dict_col(np.maximum(petugas, 0), peg["nip"].tolist(), mask=petugas < 0),
        }
    )


# =============================================================================================
# skm
# =============================================================================================
def _make_skm(
    units: pd.DataFrame, rng: np.random.Generator, wd: np.ndarray, scale: float, year: int
) -> pa.Table:
    wd_year = wd[wd < np.datetime64(f"{year + 1}-01-01")]
    saran_pool = _read_reference("teks_warga.csv")
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
        "id_responden": _ids(f"SKM-{year}-", np.arange(1, m + 1), 6),
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
    return _table(cols)


# =============================================================================================
# pengaduan
# =============================================================================================
def _make_pengaduan(
    opd_ref: pd.DataFrame,
    rng: np.random.Generator,
    wd: np.ndarray,
    scale: float,
    year: int,
    story: dict,
) -> pa.Table:
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
    texts = _read_reference("teks_warga.csv")
    texts = texts[texts["jenis"] == "pengaduan"]
    isi = np.empty(m, dtype=object)
    for k, name in enumerate(_KATEGORI):
        pool = texts.loc[texts["kategori"] == name, "teks"].to_numpy(dtype=object)
        sel = kat == k
        isi[sel] = pool[rng.integers(0, pool.size, int(sel.sum()))]
    isi = np.where(rng.random(m) < 0.05, None, isi)
    return _table(
        {
            "id_pengaduan": _ids(f"ADU-{year}-", np.arange(1, m + 1), 5),
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


# =============================================================================================
# pelatihan
# =============================================================================================
def _make_pelatihan(
    peg: pd.DataFrame, rng: np.random.Generator, wd: np.ndarray, year: int, story: dict
) -> pa.Table:
    cat = _read_reference("pelatihan_katalog.csv")
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
    return _table(
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


# =============================================================================================
# tindak_lanjut
# =============================================================================================
def _make_tindak_lanjut(
    opd_ref: pd.DataFrame,
    peg: pd.DataFrame,
    predikat: np.ndarray,
    rng: np.random.Generator,
    wd: np.ndarray,
    year: int,
    story: dict,
) -> pa.Table:
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
    return _table(
        {
            "id_tindak_lanjut": _ids(f"TL-{year}-", np.arange(1, kode_a.size + 1), 4),
            "nip": nip_a[order],
            "kode_opd": kode_a[order],
            "temuan": temuan_a[order],
            "rekomendasi": rekom_a[order],
            "tenggat": tenggat[order],
            "status": labels[status[order]],
            "tanggal_selesai": done[order],
        }
    )


# =============================================================================================
# Public API
# =============================================================================================
def build_tables(
    *, seed: int = DEFAULT_SEED, scale: float = 1.0, year: int = DEFAULT_YEAR
) -> dict[str, pa.Table]:
    """Generate all ten tables in memory (pyarrow tables, contract column names and order).

    Parameters
    ----------
    seed : int
        Seed of the generators; the same seed gives the same data.
    scale : float
        Multiplier of the transaction volumes (service requests, SKM, complaints); the ASN
        population follows ``min(scale, 1)``. Must be positive.
    year : int
        Calendar year of the data.
    """
    if not scale > 0:
        raise SampleDataError(f"scale harus lebih dari 0, bukan {scale!r}")
    opd_ref = _read_reference("opd_salatiga.csv")
    wd = sample_workdays(year)
    story = planted_story(year)
    peg = _make_pegawai(opd_ref, _rng(seed, "pegawai"), scale, year)
    skp, predikat = _make_skp(peg, _rng(seed, "penilaian_skp"), year)
    units = _service_units(opd_ref)
    tables = {
        "opd": _make_opd(opd_ref),
        "pegawai": _table({c: peg[c].to_numpy(dtype=object) for c in peg.columns}),
        "penilaian_skp": skp,
        "laporan_kinerja": _make_laporan(peg, _rng(seed, "laporan_kinerja"), wd, year),
        "layanan": _make_layanan(units, peg, _rng(seed, "layanan"), wd, scale, year, story),
        "standar_layanan": _make_standar(units),
        "skm": _make_skm(units, _rng(seed, "skm"), wd, scale, year),
        "pengaduan": _make_pengaduan(opd_ref, _rng(seed, "pengaduan"), wd, scale, year, story),
        "pelatihan": _make_pelatihan(peg, _rng(seed, "pelatihan"), wd, year, story),
        "tindak_lanjut": _make_tindak_lanjut(
            opd_ref, peg, predikat, _rng(seed, "tindak_lanjut"), wd, year, story
        ),
    }
    return {name: tables[name] for name in TABLE_ORDER}


class SampleDataError(ValueError):
    """Arguments or reference data the generator cannot use (message in Indonesian)."""


def _write(table: pa.Table, path: Path, fmt: Literal["csv", "parquet"]) -> None:
    if fmt == "csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)


def generate(
    out_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    year: int = DEFAULT_YEAR,
    fmt: Literal["csv", "parquet"] = "csv",
) -> dict[str, Path]:
    """Write the synthetic Salatiga data folder and return ``{table: path}``.

    CSV files are UTF-8 with ``,`` delimiter, a header row, ISO dates (``2025-06-16``) and
    timestamps (``2025-06-16 08:15:00``); blank cells are missing values.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write (created when missing; files of the same name are replaced).
    seed, scale, year
        See :func:`build_tables`.
    fmt : {"csv", "parquet"}
        File format.
    """
    if fmt not in ("csv", "parquet"):
        raise SampleDataError(f"format tidak dikenal: {fmt!r} (pilih csv atau parquet)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables(seed=seed, scale=scale, year=year)
    paths: dict[str, Path] = {}
    for name, table in tables.items():
        path = out / f"{name}.{fmt}"
        other = out / f"{name}.{'parquet' if fmt == 'csv' else 'csv'}"
        if other.exists():  # two files for one table would make the folder ambiguous
            other.unlink()
        _write(table, path, fmt)
        paths[name] = path
    return paths


def cli_sample(args: argparse.Namespace) -> int:
    """Handler of ``kinerja sample --out DIR [--seed N] [--scale F] [--year Y] [--format F]``.

    Prints one line per written file (rows, size) and the elapsed time; exit code 0, or 2 when
    the arguments cannot be used (e.g. ``--scale 0``).
    """
    fmt = getattr(args, "format", "csv") or "csv"
    t0 = time.perf_counter()
    try:
        paths = generate(args.out, seed=args.seed, scale=args.scale, year=args.year, fmt=fmt)
    except SampleDataError as exc:
        print(f"Gagal membuat data sampel: {exc}")
        return 2
    elapsed = time.perf_counter() - t0
    print(f"Data sampel Kota Salatiga tahun {args.year} (seed {args.seed}, skala {args.scale}):")
    for name, path in paths.items():
        if fmt == "parquet":
            rows = pq.ParquetFile(path).metadata.num_rows
        else:
            with path.open("rb") as fh:
                rows = sum(1 for _ in fh) - 1
        rows_text = f"{rows:,}".replace(",", ".")
        size_text = f"{path.stat().st_size / 1e6:.1f}".replace(".", ",")
        print(f"  {name:<16} {rows_text:>12} baris {size_text:>8} MB  {path}")
    print(f"Selesai dalam {elapsed:.1f} detik. Semua data fiktif.".replace(".", ",", 1))
    return 0
