"""Planted-trap data builders for the privacy tests (issue 6, "Done when").

Each builder takes a *valid* data folder (one file per table, as in the data contract) and adds
rows that a forum output must survive:

* :func:`add_tiny_opd` — an OPD with 3 ASN (below k = 10), their SKP, a few SKM respondents
  (below k = 5), a complaint, a training and a follow-up;
* :func:`add_hostile_text` — ``<script>``, ``onerror``, ``javascript:`` and formula payloads in
  ``pengaduan.isi`` and ``skm.saran``;
* :func:`add_personal_data_in_free_text` — an ASN's full name and NIP (printed with the official
  spaces) inside a complaint's ``isi`` and a follow-up's ``temuan``;
* :func:`plant_all` — all three, returning a :class:`Traps` record of what was planted, so the
  integration run (lead) can assert that none of it reaches a forum output.

:func:`write_minimal_folder` writes a small valid folder for unit tests that cannot wait for the
sample generator. Existing files keep their format (CSV delimiter, BOM, xlsx, parquet); every value
is read and written as text so existing rows are not altered.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = [
    "HOSTILE_PAYLOADS",
    "Traps",
    "add_hostile_text",
    "add_personal_data_in_free_text",
    "add_tiny_opd",
    "plant_all",
    "spaced_nip",
    "write_minimal_folder",
]

#: Text a citizen may type; none of it may become markup or a live link anywhere.
HOSTILE_PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[klik di sini](javascript:alert(1))",
    '<a href="javascript:alert(1)">tautan</a>',
    "=cmd|' /C calc'!A0",
    "{{7*7}} ${7*7} <!-- komentar -->",
)

#: The contract's columns per table (data-contract.md), required and optional.
CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "opd": ("kode_opd", "nama_opd", "singkatan", "jenis_opd", "kode_induk"),
    "pegawai": (
        "nip",
        "nama",
        "kode_opd",
        "jabatan",
        "jenis_jabatan",
        "golongan",
        "status_kepegawaian",
        "jenis_kelamin",
    ),
    "penilaian_skp": ("nip", "periode", "rating_hasil_kerja", "rating_perilaku", "predikat"),
    "skm": (
        "id_responden",
        "kode_opd",
        "jenis_layanan",
        "tanggal",
        "persyaratan",
        "prosedur",
        "waktu",
        "biaya",
        "produk",
        "kompetensi",
        "perilaku",
        "pengaduan",
        "sarana",
        "umur",
        "jenis_kelamin",
        "pendidikan",
        "pekerjaan",
        "saran",
    ),
    "pengaduan": (
        "id_pengaduan",
        "kode_opd",
        "tanggal_masuk",
        "kanal",
        "kategori",
        "tanggal_tanggapan",
        "tanggal_selesai",
        "isi",
        "status",
    ),
    "pelatihan": (
        "nip",
        "nama_pelatihan",
        "jenis",
        "bentuk",
        "tanggal_mulai",
        "tanggal_selesai",
        "jp",
    ),
    "tindak_lanjut": (
        "id_tindak_lanjut",
        "nip",
        "kode_opd",
        "temuan",
        "rekomendasi",
        "tenggat",
        "status",
        "tanggal_selesai",
    ),
}


@dataclass
class Traps:
    """What :func:`plant_all` planted (for assertions on the outputs)."""

    tiny_opd: str
    tiny_nips: list[str]
    tiny_names: list[str]
    payloads: tuple[str, ...]
    leaked_nip: str
    leaked_name: str
    leaked_kode_opd: str
    rows_added: dict[str, int] = field(default_factory=dict)


def spaced_nip(nip: str) -> str:
    """``196711101992031001`` → ``19671110 199203 1 001`` (how official documents print it)."""
    d = "".join(ch for ch in str(nip) if ch.isdigit())
    return f"{d[:8]} {d[8:14]} {d[14]} {d[15:]}"


def make_nip(i: int, *, sex: int = 1, birth_year: int = 1975) -> str:
    """A valid NIP PNS (reference §5.1): birth date, TMT 25 years later, sex, serial."""
    month = i % 12 + 1
    day = i % 28 + 1
    born = birth_year + i % 20
    tmt_year = born + 25 + i % 5  # appointed well after the 18th birthday
    return f"{born:04d}{month:02d}{day:02d}{tmt_year:04d}{month:02d}{sex}{i % 999 + 1:03d}"


# ---------------------------------------------------------------------------------------------
# table I/O that keeps the file's format
# ---------------------------------------------------------------------------------------------


@dataclass
class _TableFile:
    path: Path
    frame: pd.DataFrame
    kind: str  # "csv", "xlsx", "parquet"
    delimiter: str = ","
    encoding: str = "utf-8"


def _find(folder: Path, table: str) -> Path | None:
    for suffix in (".csv", ".xlsx", ".parquet"):
        p = folder / f"{table}{suffix}"
        if p.exists():
            return p
    return None


def _read(folder: Path, table: str) -> _TableFile | None:
    path = _find(folder, table)
    if path is None:
        return None
    if path.suffix == ".csv":
        raw = path.read_bytes()
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            encoding = "cp1252"
            text = raw.decode(encoding)
        header = text.splitlines()[0] if text else ""
        delimiter = ";" if header.count(";") > header.count(",") else ","
        frame = pd.read_csv(
            path, sep=delimiter, dtype=str, keep_default_na=False, encoding=encoding
        )
        return _TableFile(path, frame, "csv", delimiter, encoding)
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        return _TableFile(path, frame, "xlsx")
    frame = pd.read_parquet(path).astype(str)
    return _TableFile(path, frame, "parquet")


def _write(tf: _TableFile) -> None:
    if tf.kind == "csv":
        tf.frame.to_csv(
            tf.path, sep=tf.delimiter, index=False, encoding=tf.encoding, quoting=csv.QUOTE_MINIMAL
        )
    elif tf.kind == "xlsx":
        tf.frame.to_excel(tf.path, index=False)
    else:
        tf.frame.to_parquet(tf.path, index=False)


def _append(
    folder: Path, table: str, rows: Iterable[dict[str, object]], *, create: bool = False
) -> int:
    rows = list(rows)
    if not rows:
        return 0
    tf = _read(folder, table)
    if tf is None:
        if not create:
            return 0
        tf = _TableFile(
            folder / f"{table}.csv", pd.DataFrame(columns=list(CONTRACT_COLUMNS[table])), "csv"
        )
    cols = list(tf.frame.columns)
    new = pd.DataFrame([{c: "" if r.get(c) is None else str(r.get(c)) for c in cols} for r in rows])
    tf.frame = pd.concat([tf.frame, new], ignore_index=True)
    _write(tf)
    return len(new)


def _sample_value(folder: Path, table: str, column: str, default: str) -> str:
    """A value already used in ``column`` (so dates keep the folder's own format)."""
    tf = _read(folder, table)
    if tf is None or column not in tf.frame.columns:
        return default
    values = [v for v in tf.frame[column].tolist() if str(v).strip()]
    return str(values[0]) if values else default


# ---------------------------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------------------------


def write_minimal_folder(folder: str | Path, *, n_opd: int = 3, per_opd: int = 12) -> Path:
    """Write a small valid data folder (CSV, ``,``) with ``n_opd`` OPDs of ``per_opd`` ASN each.

    Tables: opd, pegawai, penilaian_skp (2025), skm (8 respondents per OPD), pengaduan,
    pelatihan, tindak_lanjut. Values follow the data contract; NIPs are valid (reference §5.1).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    first = [
        "Agus",
        "Sri",
        "Bambang",
        "Endang",
        "Joko",
        "Retno",
        "Heru",
        "Wulan",
        "Dwi",
        "Yuni",
        "Eko",
        "Nur",
        "Teguh",
        "Ratna",
        "Hadi",
        "Lilis",
    ]
    last = [
        "Prasetyo",
        "Wahyuningsih",
        "Susanto",
        "Lestariningsih",
        "Widodo",
        "Handayani",
        "Kurniawan",
        "Puspitasari",
        "Hartono",
        "Rahmawati",
        "Nugroho",
        "Setyaningrum",
    ]
    opd = []
    peg = []
    skp = []
    skm = []
    pgd = []
    pel = []
    tl = []
    ratings = ["Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi"]
    idx = 0
    for o in range(n_opd):
        kode = f"1.0{o + 1}"
        opd.append(
            {
                "kode_opd": kode,
                "nama_opd": f"Dinas Uji {o + 1}",
                "singkatan": f"DU{o + 1}",
                "jenis_opd": "dinas",
                "kode_induk": "",
            }
        )
        for p in range(per_opd):
            idx += 1
            nip = make_nip(idx, sex=1 + idx % 2)
            name = f"{first[idx % len(first)]} {last[idx // len(first) % len(last)]}"
            peg.append(
                {
                    "nip": nip,
                    "nama": name,
                    "kode_opd": kode,
                    "jabatan": "Analis",
                    "jenis_jabatan": "pelaksana",
                    "golongan": "III/a",
                    "status_kepegawaian": "PNS",
                    "jenis_kelamin": "P" if nip[14] == "2" else "L",
                }
            )
            skp.append(
                {
                    "nip": nip,
                    "periode": "2025",
                    "rating_hasil_kerja": ratings[1 if p % 4 else 0],
                    "rating_perilaku": ratings[1],
                    "predikat": "",
                }
            )
            pel.append(
                {
                    "nip": nip,
                    "nama_pelatihan": "Pelayanan Prima",
                    "jenis": "teknis",
                    "bentuk": "klasikal",
                    "tanggal_mulai": "2025-03-03",
                    "tanggal_selesai": "2025-03-05",
                    "jp": "24",
                }
            )
        for r in range(8):
            row = {
                "id_responden": f"R{o + 1}-{r + 1:03d}",
                "kode_opd": kode,
                "jenis_layanan": "Layanan Uji",
                "tanggal": f"2025-05-{r + 5:02d}",
                "umur": str(25 + r),
                "jenis_kelamin": "L" if r % 2 else "P",
                "pendidikan": "SMA",
                "pekerjaan": "Wiraswasta",
                "saran": "Pertahankan.",
            }
            for e in (
                "persyaratan",
                "prosedur",
                "waktu",
                "biaya",
                "produk",
                "kompetensi",
                "perilaku",
                "pengaduan",
                "sarana",
            ):
                row[e] = str(3 + (r + len(e)) % 2)
            skm.append(row)
        pgd.append(
            {
                "id_pengaduan": f"P{o + 1}-001",
                "kode_opd": kode,
                "tanggal_masuk": "2025-06-02",
                "kanal": "SP4N-LAPOR!",
                "kategori": "Pelayanan lambat",
                "tanggal_tanggapan": "2025-06-03",
                "tanggal_selesai": "2025-06-10",
                "isi": "Antrean terlalu lama.",
                "status": "selesai",
            }
        )
        tl.append(
            {
                "id_tindak_lanjut": f"TL{o + 1}-001",
                "nip": "",
                "kode_opd": kode,
                "temuan": "Waktu layanan melebihi standar.",
                "rekomendasi": "Tambah petugas loket.",
                "tenggat": "2025-09-30",
                "status": "berjalan",
                "tanggal_selesai": "",
            }
        )
    for name, rows in [
        ("opd", opd),
        ("pegawai", peg),
        ("penilaian_skp", skp),
        ("skm", skm),
        ("pengaduan", pgd),
        ("pelatihan", pel),
        ("tindak_lanjut", tl),
    ]:
        pd.DataFrame(rows, columns=list(CONTRACT_COLUMNS[name])).to_csv(
            folder / f"{name}.csv", index=False
        )
    return folder


def add_tiny_opd(
    folder: str | Path,
    *,
    kode_opd: str = "9.99",
    nama_opd: str = "Unit Kecil Uji",
    n_asn: int = 3,
) -> tuple[list[str], list[str]]:
    """Add an OPD with ``n_asn`` ASN (default 3, below k = 10) and a little data about them.

    One of the three is rated Sangat Kurang, so an unsuppressed distribution of this OPD would
    disclose an individual's predikat. Also added (when the table exists): 3 SKM respondents
    (below k = 5), one complaint, one training per ASN, one follow-up naming no one.

    Returns
    -------
    (nips, names) of the added ASN.
    """
    folder = Path(folder)
    _append(
        folder,
        "opd",
        [
            {
                "kode_opd": kode_opd,
                "nama_opd": nama_opd,
                "singkatan": "UKU",
                "jenis_opd": "lainnya",
                "kode_induk": "",
            }
        ],
    )
    nips = [make_nip(900 + i, sex=2 - i % 2, birth_year=1980) for i in range(n_asn)]
    pool = [
        "Kartika Sulistyaningrum",
        "Bagus Trihatmojo",
        "Yohanes Krisnamurti",
        "Fransiska Anggraeni",
        "Damar Wicaksono",
    ]
    names = [pool[i % len(pool)] + ("" if i < len(pool) else f" {i}") for i in range(n_asn)]
    _append(
        folder,
        "pegawai",
        [
            {
                "nip": n,
                "nama": nm,
                "kode_opd": kode_opd,
                "jabatan": "Pengelola Uji",
                "jenis_jabatan": "pelaksana",
                "golongan": "II/c",
                "status_kepegawaian": "PNS",
                "jenis_kelamin": "P" if n[14] == "2" else "L",
            }
            for i, (n, nm) in enumerate(zip(nips, names, strict=True))
        ],
    )
    # one assessment per period already in the file, so whichever period a report picks sees them
    skp = _read(folder, "penilaian_skp")
    periods = (
        sorted({str(v) for v in skp.frame["periode"] if str(v).strip()})
        if skp is not None and "periode" in skp.frame.columns
        else []
    ) or ["2025"]
    bawah, sesuai = "Di Bawah Ekspektasi", "Sesuai Ekspektasi"
    _append(
        folder,
        "penilaian_skp",
        [
            {
                "nip": n,
                "periode": periode,
                "rating_hasil_kerja": bawah if i == 0 else sesuai,
                "rating_perilaku": bawah if i == 0 else sesuai,
                "predikat": "",
            }
            for periode in periods
            for i, n in enumerate(nips)
        ],
    )
    tanggal = _sample_value(folder, "skm", "tanggal", "2025-05-05")
    elements = (
        "persyaratan",
        "prosedur",
        "waktu",
        "biaya",
        "produk",
        "kompetensi",
        "perilaku",
        "pengaduan",
        "sarana",
    )
    _append(
        folder,
        "skm",
        [
            {
                "id_responden": f"JEBAKAN-KECIL-{r + 1}",
                "kode_opd": kode_opd,
                "jenis_layanan": "Layanan Uji",
                "tanggal": tanggal,
                **{e: "1" if r == 0 else "4" for e in elements},
                "umur": "40",
                "jenis_kelamin": "L",
                "pendidikan": "S1",
                "pekerjaan": "PNS",
                "saran": "Tidak ada.",
            }
            for r in range(3)
        ],
    )
    masuk = _sample_value(folder, "pengaduan", "tanggal_masuk", "2025-06-02")
    _append(
        folder,
        "pengaduan",
        [
            {
                "id_pengaduan": "JEBAKAN-KECIL-P1",
                "kode_opd": kode_opd,
                "tanggal_masuk": masuk,
                "kanal": "WhatsApp",
                "kategori": "Pelayanan lambat",
                "isi": "Berkas belum selesai.",
                "status": "proses",
            }
        ],
    )
    mulai = _sample_value(folder, "pelatihan", "tanggal_mulai", "2025-03-03")
    selesai = _sample_value(folder, "pelatihan", "tanggal_selesai", "2025-03-05")
    _append(
        folder,
        "pelatihan",
        [
            {
                "nip": n,
                "nama_pelatihan": "Orientasi Uji",
                "jenis": "teknis",
                "bentuk": "klasikal",
                "tanggal_mulai": mulai,
                "tanggal_selesai": selesai,
                "jp": "8",
            }
            for n in nips
        ],
    )
    tenggat = _sample_value(folder, "tindak_lanjut", "tenggat", "2025-09-30")
    _append(
        folder,
        "tindak_lanjut",
        [
            {
                "id_tindak_lanjut": "JEBAKAN-KECIL-TL1",
                "nip": "",
                "kode_opd": kode_opd,
                "temuan": "Unit kekurangan pegawai.",
                "rekomendasi": "Usulkan formasi.",
                "tenggat": tenggat,
                "status": "direncanakan",
                "tanggal_selesai": "",
            }
        ],
    )
    return nips, names


def add_hostile_text(folder: str | Path, *, payloads: Iterable[str] = HOSTILE_PAYLOADS) -> int:
    """Add one complaint and one SKM respondent per payload, for the first OPD in ``opd``.

    The payload is the whole ``pengaduan.isi`` / ``skm.saran``; all other values are valid, so the
    rows are accepted by the loader and reach the reports. Returns the number of rows added.
    """
    folder = Path(folder)
    payloads = list(payloads)
    kode = _sample_value(folder, "opd", "kode_opd", "1.01")
    masuk = _sample_value(folder, "pengaduan", "tanggal_masuk", "2025-06-02")
    tanggal = _sample_value(folder, "skm", "tanggal", "2025-05-05")
    layanan = _sample_value(folder, "skm", "jenis_layanan", "Layanan Uji")
    n = _append(
        folder,
        "pengaduan",
        [
            {
                "id_pengaduan": f"JEBAKAN-HTML-{i + 1}",
                "kode_opd": kode,
                "tanggal_masuk": masuk,
                "kanal": "Media Sosial",
                "kategori": "Lainnya",
                "isi": p,
                "status": "proses",
            }
            for i, p in enumerate(payloads)
        ],
    )
    elements = (
        "persyaratan",
        "prosedur",
        "waktu",
        "biaya",
        "produk",
        "kompetensi",
        "perilaku",
        "pengaduan",
        "sarana",
    )
    n += _append(
        folder,
        "skm",
        [
            {
                "id_responden": f"JEBAKAN-HTML-{i + 1}",
                "kode_opd": kode,
                "jenis_layanan": layanan,
                "tanggal": tanggal,
                **dict.fromkeys(elements, "3"),
                "umur": "30",
                "jenis_kelamin": "P",
                "pendidikan": "S1",
                "pekerjaan": "Swasta",
                "saran": p,
            }
            for i, p in enumerate(payloads)
        ],
    )
    return n


def add_personal_data_in_free_text(folder: str | Path) -> tuple[str, str, str]:
    """Put the first ASN's full name and spaced NIP into a complaint ``isi`` and a ``temuan``.

    Returns
    -------
    (nip, nama, kode_opd) of the ASN named.
    """
    folder = Path(folder)
    peg = _read(folder, "pegawai")
    if peg is None or peg.frame.empty:
        raise ValueError(f"Folder {folder} tidak memiliki tabel pegawai yang berisi.")
    row = peg.frame.iloc[0]
    nip = "".join(ch for ch in str(row["nip"]) if ch.isdigit())
    nama, kode = str(row["nama"]), str(row["kode_opd"])
    masuk = _sample_value(folder, "pengaduan", "tanggal_masuk", "2025-06-02")
    _append(
        folder,
        "pengaduan",
        [
            {
                "id_pengaduan": "JEBAKAN-PRIBADI-1",
                "kode_opd": kode,
                "tanggal_masuk": masuk,
                "kanal": "SP4N-LAPOR!",
                "kategori": "Perilaku petugas",
                "isi": f"Petugas loket {nama} (NIP {spaced_nip(nip)}) meminta uang tambahan.",
                "status": "proses",
            }
        ],
    )
    tenggat = _sample_value(folder, "tindak_lanjut", "tenggat", "2025-09-30")
    _append(
        folder,
        "tindak_lanjut",
        [
            {
                "id_tindak_lanjut": "JEBAKAN-PRIBADI-TL",
                "nip": nip,
                "kode_opd": kode,
                "temuan": f"Sdr. {nama}, NIP {nip}, belum menyerahkan laporan kinerja tiga bulan.",
                "rekomendasi": f"Pembinaan oleh atasan langsung {nama}.",
                "tenggat": tenggat,
                "status": "berjalan",
                "tanggal_selesai": "",
            }
        ],
        create=True,
    )
    return nip, nama, kode


def plant_all(folder: str | Path, *, tiny_kode_opd: str = "9.99") -> Traps:
    """Apply every builder to ``folder`` (in place) and return what was planted."""
    folder = Path(folder)
    before = {t: _count(folder, t) for t in CONTRACT_COLUMNS}
    leaked = add_personal_data_in_free_text(folder)
    nips, names = add_tiny_opd(folder, kode_opd=tiny_kode_opd)
    add_hostile_text(folder)
    after = {t: _count(folder, t) for t in CONTRACT_COLUMNS}
    return Traps(
        tiny_opd=tiny_kode_opd,
        tiny_nips=nips,
        tiny_names=names,
        payloads=HOSTILE_PAYLOADS,
        leaked_nip=leaked[0],
        leaked_name=leaked[1],
        leaked_kode_opd=leaked[2],
        rows_added={t: after[t] - before[t] for t in CONTRACT_COLUMNS if after[t] != before[t]},
    )


def _count(folder: Path, table: str) -> int:
    tf = _read(folder, table)
    return 0 if tf is None else len(tf.frame)
