"""The ``opd`` and ``pegawai`` tables: units, positions, names, NIPs and ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kinerja.data.sample.arrow import arrow_table
from kinerja.data.sample.reference import read_reference

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


def make_opd(ref: pd.DataFrame) -> pa.Table:
    """The ``opd`` table from the reference list ``opd_salatiga.csv``."""
    return arrow_table(
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


def make_pegawai(opd_ref: pd.DataFrame, rng: np.random.Generator, scale: float, year: int):
    """The ``pegawai`` table as a DataFrame: positions per unit, names, NIPs, ranks.

    Parameters
    ----------
    opd_ref : pandas.DataFrame
        The reference list ``opd_salatiga.csv``.
    rng : numpy.random.Generator
        The table's own stream (:func:`~kinerja.data.sample.arrow.table_rng`).
    scale : float
        Volume multiplier (see :func:`~kinerja.data.sample.build.build_tables`).
    year : int
        Calendar year of the data.
    """
    pop_scale = min(scale, 1.0)
    names = read_reference("nama_jawa.csv")
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
