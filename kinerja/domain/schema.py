"""Table specifications of the data contract (``../shared/domain/data-contract.md``).

One :class:`TableSpec` per table: its columns (required or optional, the kind of value each
holds, whether a blank value is allowed, its vocabulary or range), its key, the tables it
references and the date orders it must respect. ``kinerja.data.validation`` reads and checks raw
files against these specs; ``kinerja.data.dataset`` loads a folder with them.

Vocabularies are stored in their canonical spelling. Matching of supplied values is
case-insensitive (see :func:`canonical_vocabulary`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

ColumnKind = Literal[
    "str",  # free text or code, stripped; blank -> NA
    "category",  # fixed vocabulary -> pandas category
    "date",  # date (time of day dropped), datetime64[ns]
    "datetime",  # timestamp, datetime64[ns]
    "time_or_datetime",  # laporan_kinerja.waktu_lapor: a timestamp or a time of day (+ tanggal)
    "float",  # number, decimal comma allowed
    "int",  # whole number -> Int64
    "skm",  # SKM answer: whole number 1..4 or blank -> Int8
    "nip",  # NIP / NI PPPK: whitespace removed
    "periode",  # 2026, 2026-TW1..4, 2026-01..12
]

TABLE_NAMES: tuple[str, ...] = (
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
REQUIRED_TABLES: tuple[str, ...] = ("opd", "pegawai")

# The nine SKM elements in the regulation's ruang-lingkup order (reference.md §1.2).
SKM_ELEMENTS: tuple[str, ...] = (
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
SKM_ELEMENT_LABELS: dict[str, str] = {
    "persyaratan": "Persyaratan",
    "prosedur": "Sistem, Mekanisme, dan Prosedur",
    "waktu": "Waktu Penyelesaian",
    "biaya": "Biaya/Tarif",
    "produk": "Produk Spesifikasi Jenis Pelayanan",
    "kompetensi": "Kompetensi Pelaksana",
    "perilaku": "Perilaku Pelaksana",
    "pengaduan": "Penanganan Pengaduan, Saran dan Masukan",
    "sarana": "Sarana dan Prasarana",
}

# reference.md §2.2 and §2.3
RATINGS: tuple[str, ...] = ("Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi")
PREDIKAT: tuple[str, ...] = (
    "Sangat Baik",
    "Baik",
    "Butuh Perbaikan",
    "Kurang/Misconduct",
    "Sangat Kurang",
)
#: Predikat kinerja matrix, reference.md §2.3: (rating_hasil_kerja, rating_perilaku) -> predikat.
PREDIKAT_MATRIX: dict[tuple[str, str], str] = {
    ("Di Atas Ekspektasi", "Di Bawah Ekspektasi"): "Kurang/Misconduct",
    ("Di Atas Ekspektasi", "Sesuai Ekspektasi"): "Baik",
    ("Di Atas Ekspektasi", "Di Atas Ekspektasi"): "Sangat Baik",
    ("Sesuai Ekspektasi", "Di Bawah Ekspektasi"): "Kurang/Misconduct",
    ("Sesuai Ekspektasi", "Sesuai Ekspektasi"): "Baik",
    ("Sesuai Ekspektasi", "Di Atas Ekspektasi"): "Baik",
    ("Di Bawah Ekspektasi", "Di Bawah Ekspektasi"): "Sangat Kurang",
    ("Di Bawah Ekspektasi", "Sesuai Ekspektasi"): "Butuh Perbaikan",
    ("Di Bawah Ekspektasi", "Di Atas Ekspektasi"): "Butuh Perbaikan",
}

JENIS_OPD = (
    "dinas",
    "badan",
    "sekretariat",
    "inspektorat",
    "kecamatan",
    "kelurahan",
    "rsud",
    "lainnya",
)
JENIS_JABATAN = ("jpt", "administrator", "pengawas", "pelaksana", "fungsional")
STATUS_KEPEGAWAIAN = ("PNS", "PPPK")
STATUS_VERIFIKASI = ("disetujui", "ditolak", "menunggu")
BENTUK_PELATIHAN = ("klasikal", "nonklasikal")
STATUS_TINDAK_LANJUT = ("direncanakan", "berjalan", "selesai")
SKM_METODE = ("2017", "2004")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the contract.

    Parameters
    ----------
    name : str
        Contract name (normalised header).
    kind : ColumnKind
        How raw text is parsed.
    required : bool
        The column must exist in the file.
    nullable : bool
        A blank value is allowed. Defaults to ``not required``.
    vocabulary : tuple of str, optional
        Canonical values (``kind="category"``).
    min_value : float, optional
        Smallest allowed number (``float``/``int``).
    """

    name: str
    kind: ColumnKind = "str"
    required: bool = True
    nullable: bool | None = None
    vocabulary: tuple[str, ...] = ()
    min_value: float | None = None

    @property
    def allows_blank(self) -> bool:
        return (not self.required) if self.nullable is None else self.nullable


@dataclass(frozen=True)
class TableSpec:
    """One table of the contract.

    Parameters
    ----------
    name : str
    columns : tuple of ColumnSpec
        In contract order.
    key : tuple of str
        Columns whose combination must be unique (first occurrence kept).
    references : dict
        Column -> referenced table (``"opd"`` via ``kode_opd`` or ``"pegawai"`` via ``nip``).
    date_order : tuple of (start, end)
        ``end`` must not come before ``start``.
    """

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)
    date_order: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, kind: ColumnKind = "str", required: bool = True, **kw) -> ColumnSpec:
    return ColumnSpec(name, kind, required, **kw)


TABLES: dict[str, TableSpec] = {
    "opd": TableSpec(
        "opd",
        (
            _c("kode_opd"),
            _c("nama_opd"),
            _c("singkatan", required=False),
            _c("jenis_opd", "category", vocabulary=JENIS_OPD),
            _c("kode_induk", required=False),
        ),
        key=("kode_opd",),
    ),
    "pegawai": TableSpec(
        "pegawai",
        (
            _c("nip", "nip"),
            _c("nama"),
            _c("kode_opd"),
            _c("jabatan"),
            _c("jenis_jabatan", "category", vocabulary=JENIS_JABATAN),
            _c("golongan", required=False),
            _c("status_kepegawaian", "category", vocabulary=STATUS_KEPEGAWAIAN),
            _c("jenis_kelamin", required=False),
        ),
        key=("nip",),
        references={"kode_opd": "opd"},
    ),
    "penilaian_skp": TableSpec(
        "penilaian_skp",
        (
            _c("nip", "nip"),
            _c("periode", "periode"),
            _c("rating_hasil_kerja", "category", vocabulary=RATINGS),
            _c("rating_perilaku", "category", vocabulary=RATINGS),
            _c("predikat", "category", required=False, vocabulary=PREDIKAT),
        ),
        key=("nip", "periode"),
        references={"nip": "pegawai"},
    ),
    "laporan_kinerja": TableSpec(
        "laporan_kinerja",
        (
            _c("nip", "nip"),
            _c("tanggal", "date"),
            _c("waktu_lapor", "time_or_datetime"),
            _c("uraian"),
            _c("durasi_menit", "float", required=False, min_value=0),
            _c("status_verifikasi", "category", vocabulary=STATUS_VERIFIKASI),
            _c("waktu_verifikasi", "datetime", required=False),
        ),
        references={"nip": "pegawai"},
    ),
    "layanan": TableSpec(
        "layanan",
        (
            _c("id_permohonan"),
            _c("kode_opd"),
            _c("jenis_layanan"),
            _c("tahap"),
            _c("mulai", "datetime"),
            # a stage still in progress has no ``selesai`` yet (backlog)
            _c("selesai", "datetime", nullable=True),
            _c("nip_petugas", "nip", required=False),
        ),
        key=("id_permohonan", "tahap", "mulai"),
        references={"kode_opd": "opd", "nip_petugas": "pegawai"},
        date_order=(("mulai", "selesai"),),
    ),
    "standar_layanan": TableSpec(
        "standar_layanan",
        (
            _c("kode_opd"),
            _c("jenis_layanan"),
            _c("jangka_waktu_hari_kerja", "int", min_value=0),
            _c("biaya", "float", required=False, min_value=0),
        ),
        key=("kode_opd", "jenis_layanan"),
        references={"kode_opd": "opd"},
    ),
    "skm": TableSpec(
        "skm",
        (
            _c("id_responden"),
            _c("kode_opd"),
            _c("jenis_layanan", required=False),
            _c("tanggal", "date"),
            # answers are blank when not answered (data-contract.md, reference.md §1.4)
            *(_c(e, "skm", nullable=True) for e in SKM_ELEMENTS),
            _c("umur", "int", required=False, min_value=0),
            _c("jenis_kelamin", required=False),
            _c("pendidikan", required=False),
            _c("pekerjaan", required=False),
            _c("saran", required=False),
            _c("metode", required=False),
        ),
        key=("id_responden",),
        references={"kode_opd": "opd"},
    ),
    "pengaduan": TableSpec(
        "pengaduan",
        (
            _c("id_pengaduan"),
            _c("kode_opd"),
            _c("tanggal_masuk", "datetime"),
            _c("kanal"),
            _c("kategori"),
            _c("tanggal_tanggapan", "datetime", required=False),
            _c("tanggal_selesai", "datetime", required=False),
            _c("isi", required=False),
            _c("status"),
        ),
        key=("id_pengaduan",),
        references={"kode_opd": "opd"},
        date_order=(("tanggal_masuk", "tanggal_tanggapan"), ("tanggal_masuk", "tanggal_selesai")),
    ),
    "pelatihan": TableSpec(
        "pelatihan",
        (
            _c("nip", "nip"),
            _c("nama_pelatihan"),
            _c("jenis"),
            _c("bentuk", "category", vocabulary=BENTUK_PELATIHAN),
            _c("tanggal_mulai", "date"),
            _c("tanggal_selesai", "date"),
            _c("jp", "float", min_value=0),
        ),
        references={"nip": "pegawai"},
        date_order=(("tanggal_mulai", "tanggal_selesai"),),
    ),
    "tindak_lanjut": TableSpec(
        "tindak_lanjut",
        (
            _c("id_tindak_lanjut"),
            _c("nip", "nip", required=False),
            _c("kode_opd"),
            _c("temuan"),
            _c("rekomendasi"),
            _c("tenggat", "date"),
            _c("status", "category", vocabulary=STATUS_TINDAK_LANJUT),
            _c("tanggal_selesai", "date", required=False),
        ),
        key=("id_tindak_lanjut",),
        references={"kode_opd": "opd", "nip": "pegawai"},
    ),
}


# ----------------------------------------------------------------------------------------------
# Header normalisation and SKM element names
# ----------------------------------------------------------------------------------------------

_SEP = re.compile(r"[\s\-]+")


def normalize_header(name: object) -> str:
    """Normalise a header: trimmed, lower case, runs of spaces and ``-`` read as one ``_``.

    >>> normalize_header("  Tanggal Masuk ")
    'tanggal_masuk'
    >>> normalize_header("Kode-OPD")
    'kode_opd'
    """
    text = str(name).replace("\ufeff", "").strip().lower()
    return _SEP.sub("_", text)


# Every token of the header must be one of ``allowed`` (plus a leading element number such as
# "U1", "unsur 1", "1."), and at least one ``core`` token must be present. Tokens are whole
# words, so "saran" (the free-text column) never matches "sarana", a column "waktu_survei" is
# not the element "waktu", and "Penanganan Pengaduan, Saran dan Masukan" is ``pengaduan``
# (reference.md §1.2 pitfall: U8/U9 are numbered both ways, so positions are never used).
_COMMON = {"dan", "pelayanan", "layanan", "terhadap", "kesesuaian", "kualitas"}
_ELEMENT_WORDS: dict[str, tuple[set[str], set[str]]] = {
    "persyaratan": ({"persyaratan"}, {"persyaratan"}),
    "prosedur": ({"prosedur", "mekanisme"}, {"sistem", "mekanisme", "prosedur", "alur"}),
    "waktu": ({"waktu"}, {"waktu", "penyelesaian", "kecepatan", "ketepatan"}),
    "biaya": ({"biaya", "tarif"}, {"biaya", "tarif", "kewajaran"}),
    "produk": ({"produk"}, {"produk", "spesifikasi", "jenis", "hasil"}),
    "kompetensi": ({"kompetensi"}, {"kompetensi", "pelaksana", "petugas", "kemampuan"}),
    "perilaku": ({"perilaku"}, {"perilaku", "pelaksana", "petugas", "kesopanan", "keramahan"}),
    "pengaduan": ({"pengaduan"}, {"penanganan", "pengaduan", "saran", "masukan"}),
    "sarana": ({"sarana", "prasarana"}, {"sarana", "prasarana"}),
}
_NUMBER_TOKEN = re.compile(r"^(?:u|unsur|q|no|nomor|p)?\d{0,2}$")
_WORD = re.compile(r"[a-z0-9]+")


def skm_element_of(header: str) -> str | None:
    """The SKM element a header names, or ``None``.

    Matching is by the element's name, never by its position or number: ``"U1 Persyaratan"``,
    ``"Sistem, Mekanisme, dan Prosedur"``, ``"waktu_penyelesaian"``, ``"Biaya/Tarif"`` ...
    A header that is only a number (``"U8"``) matches nothing, because U8/U9 are numbered both
    ways in practice (reference.md §1.2).
    """
    tokens = _WORD.findall(str(header).lower())
    while tokens and _NUMBER_TOKEN.match(tokens[0]):
        tokens.pop(0)
    if not tokens:
        return None
    found = [
        element
        for element, (core, allowed) in _ELEMENT_WORDS.items()
        if core.intersection(tokens) and set(tokens) <= allowed | _COMMON
    ]
    return found[0] if len(found) == 1 else None


# ----------------------------------------------------------------------------------------------
# Vocabularies and the SKP matrix
# ----------------------------------------------------------------------------------------------


def _vocab_key(text: str) -> str:
    return re.sub(r"[\s\-_/]+", "", text.lower())


_ALIASES: dict[str, dict[str, str]] = {
    # "Kurang" is how some systems store "Kurang/Misconduct" (reference.md §2.3)
    "predikat": {"kurang": "Kurang/Misconduct"},
}


def canonical_vocabulary(
    values: pd.Series, vocabulary: tuple[str, ...], *, column: str = ""
) -> pd.Series:
    """Map supplied values onto their canonical spelling; unknown values become NA.

    Case, spaces, ``-``, ``_`` and ``/`` are ignored when comparing, so ``"non klasikal"``,
    ``"Non-Klasikal"`` and ``"nonklasikal"`` are all ``"nonklasikal"`` and ``"sesuai
    ekspektasi"`` is ``"Sesuai Ekspektasi"``.
    """
    lookup = {_vocab_key(v): v for v in vocabulary}
    lookup.update(_ALIASES.get(column, {}))
    # work on the few distinct values, not on every row
    cat = values.astype("str").astype("category")
    mapped = np.array(
        [lookup.get(_vocab_key(str(v))) for v in cat.cat.categories] + [None], dtype=object
    )
    codes = cat.cat.codes.to_numpy()
    return pd.Series(mapped[codes], index=values.index, dtype="str")


def predikat_matrix_lookup(hasil: pd.Series, perilaku: pd.Series) -> pd.Series:
    """Predikat of the §2.3 matrix for canonical rating pairs (NA where a rating is missing)."""
    keys = hasil.astype("str").str.cat(perilaku.astype("str"), sep="|")
    table = {f"{h}|{p}": v for (h, p), v in PREDIKAT_MATRIX.items()}
    return keys.map(table).astype("str")
