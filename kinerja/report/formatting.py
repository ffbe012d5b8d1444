"""Indonesian (id-ID) display formatting, in one place.

Numbers use ``.`` for thousands and ``,`` for decimals (``1.234,56``), dates use Indonesian month
names (``28 November 2026``). Formatting goes through :mod:`babel` with the ``id_ID`` locale.

Conventions
-----------
- Rounding for display is half away from zero ("half-up", ``0,125 -> 0,13``), the same rule as the metrics
  (:mod:`kinerja.metrics.survey`), so a displayed IKM always equals the computed one. The value is taken
  through its shortest decimal representation first, so a float such as ``88.305`` (stored as
  ``88.30499999...``) shows ``88,31`` as written.
- :func:`fmt_percent` takes values **in percent units** (``87.5 -> "87,5%"``), because every
  ``persen_*`` column in kinerja is already in percent (0..100). A share 0..1 must be multiplied
  by 100 first.
- Missing values (``None``, ``NaN``, ``pd.NA``, ``NaT``) show as an en dash ``"–"``.

The number formatters (:func:`fmt_number`, :func:`fmt_int`, :func:`fmt_percent`, :data:`MISSING`)
live in :mod:`kinerja.domain.numbers`, because a metric may quote a threshold in a warning text,
and are re-exported here; dates and column labels are for presentation only.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pandas as pd
from babel.dates import format_date

from kinerja.domain.numbers import (
    LOCALE,
    MISSING,
    fmt_int,
    fmt_number,
    fmt_percent,
    is_missing,
)

__all__ = [
    "LABELS",
    "LOCALE",
    "MISSING",
    "fmt_count",
    "fmt_date",
    "fmt_int",
    "fmt_month",
    "fmt_number",
    "fmt_percent",
    "label_columns",
]


def _to_date(d: Any) -> _dt.date:
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    if isinstance(d, str):
        return pd.Timestamp(d).date()
    try:
        return pd.Timestamp(d).date()
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Nilai bukan tanggal: {d!r}") from exc


def fmt_date(d: Any) -> str:
    """Format a date in Indonesian: ``2026-11-28 -> "28 November 2026"``."""
    if is_missing(d):
        return MISSING
    return format_date(_to_date(d), "d MMMM y", locale=LOCALE)


def fmt_month(d: Any) -> str:
    """Format the month of a date in Indonesian: ``2026-11-28 -> "November 2026"``."""
    if is_missing(d):
        return MISSING
    return format_date(_to_date(d), "MMMM y", locale=LOCALE)


def fmt_count(n: Any, noun: str, *, start: bool = False) -> str:
    """A count with its noun, as a sentence says it: ``"satu layanan"``, ``"12 OPD"``.

    One is spelled out (``"satu layanan"``, never ``"1 layanan"``), capitalised at the ``start``
    of a sentence (``"Satu layanan ..."``); other counts are written in digits, id-ID.
    """
    k = int(n)
    if k == 1:
        return f"{'Satu' if start else 'satu'} {noun}"
    return f"{fmt_int(k)} {noun}"


#: Indonesian display labels for the column keys kinerja produces.
LABELS: dict[str, str] = {
    # identities and groups
    "kode_opd": "Kode OPD",
    "nama_opd": "Perangkat daerah",
    "singkatan": "Singkatan",
    "jenis_layanan": "Jenis layanan",
    "periode": "Periode",
    "tahun": "Tahun",
    "bulan": "Bulan",
    "nip": "NIP",
    "nama": "Nama",
    "jabatan": "Jabatan",
    "jenis_jabatan": "Jenis jabatan",
    "status_kepegawaian": "Status kepegawaian",
    "catatan": "Catatan",
    "metode": "Metode SKM",
    # IKM
    "n_responden": "Jumlah responden",
    "ikm": "IKM",
    "ikm_skala4": "IKM (skala 1–4)",
    "mutu": "Mutu pelayanan",
    "kinerja_unit": "Kinerja unit pelayanan",
    "bobot": "Bobot unsur",
    "unsur": "Unsur",
    "label": "Unsur pelayanan",
    "n_jawaban": "Jumlah jawaban",
    "nrr": "NRR",
    "nrr_tertimbang": "NRR tertimbang",
    "peringkat": "Peringkat (1 = terlemah)",
    "nrr_persyaratan": "NRR Persyaratan",
    "nrr_prosedur": "NRR Prosedur",
    "nrr_waktu": "NRR Waktu penyelesaian",
    "nrr_biaya": "NRR Biaya/tarif",
    "nrr_produk": "NRR Produk layanan",
    "nrr_kompetensi": "NRR Kompetensi pelaksana",
    "nrr_perilaku": "NRR Perilaku pelaksana",
    "nrr_pengaduan": "NRR Penanganan pengaduan",
    "nrr_sarana": "NRR Sarana prasarana",
    "populasi": "Populasi (penerima layanan)",
    "n_minimum": "Sampel minimum (Krejcie–Morgan)",
    "sampel_memadai": "Sampel memadai",
    "dipakai_untuk_ikm": "Dipakai untuk IKM",
    # SKP
    "rating_hasil_kerja": "Rating hasil kerja",
    "rating_perilaku": "Rating perilaku kerja",
    "predikat": "Predikat",
    "predikat_matriks": "Predikat menurut matriks",
    "predikat_cocok": "Predikat cocok",
    "predikat_organisasi": "Predikat organisasi",
    "jumlah": "Jumlah",
    "persen": "%",
    "aturan": "Aturan",
    "pesan": "Pesan",
    "nilai": "Nilai",
    "pita_dugaan": "Pita dugaan",
    # service and complaints (other modules)
    "n_permohonan": "Jumlah permohonan",
    "persen_tepat_waktu": "% tepat waktu",
    "median_hari_kerja": "Median hari kerja",
    "p90_hari_kerja": "P90 hari kerja",
    "tahap_hambatan": "Tahap hambatan",
    "tahap": "Tahap",
    "kategori": "Kategori",
    "kanal": "Kanal",
    "n_pengaduan": "Jumlah pengaduan",
    "persen_ditanggapi_tepat_waktu": "% ditanggapi tepat waktu",
    # training
    "n_pegawai": "Jumlah pegawai",
    "n_pelatihan": "Jumlah pelatihan",
    "jp": "JP",
    "memenuhi_target": "Memenuhi target JP",
    "kekurangan_jp": "Kekurangan JP",
    "n_memenuhi": "Jumlah memenuhi 20 JP",
    "persen_memenuhi_20jp": "% memenuhi 20 JP",
    "median_jp": "Median JP",
    "jenis": "Jenis pelatihan",
    "bentuk": "Bentuk pelatihan",
    "bentuk_diturunkan": "Bentuk diturunkan dari jenis",
    # follow-up
    "id_tindak_lanjut": "ID tindak lanjut",
    "temuan": "Temuan",
    "rekomendasi": "Rekomendasi",
    "tenggat": "Tenggat",
    "status": "Status",
    "tanggal_selesai": "Tanggal selesai",
    "hari_terlambat": "Terlambat (hari kalender)",
    "program_usulan": "Usulan program",
    "n_total": "Jumlah tindak lanjut",
    "n_direncanakan": "Direncanakan",
    "n_berjalan": "Berjalan",
    "n_selesai": "Selesai",
    "n_terlambat": "Terlambat",
    "n_selesai_terlambat": "Selesai terlambat",
    # assumptions register
    "id": "ID",
    "text": "Asumsi",
    "reference": "Rujukan",
    "confidence": "Keyakinan",
    "used_in": "Dipakai di",
    "default": "Bawaan",
    "how_to_change": "Cara mengubah",
}


def label_columns(df: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Return a copy of ``df`` with column keys replaced by Indonesian display labels.

    Keys without a label are kept as they are. ``labels`` adds to / overrides :data:`LABELS`.
    """
    mapping = {**LABELS, **(labels or {})}
    return df.rename(columns=lambda c: mapping.get(c, c) if isinstance(c, str) else c)
