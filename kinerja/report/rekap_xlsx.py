"""The forum workbook ``rekap.xlsx``: Indonesian headers, number formats, a Keterangan sheet.

:mod:`kinerja.report.rekap` selects and protects the tables (keys as column names, the same
numbers as the JSON and CSV outputs); this module only lays them out for a reader in a
spreadsheet:

- one sheet per table with an Indonesian name (``IKM``, ``Tindak lanjut`` ...), Indonesian
  column headers (:data:`HEADERS`) and the OPD name beside its code;
- number formats: percent with one decimal (values stay in percent units, shown ``62,0%``), IKM
  and NRR with two, counts as whole numbers, working days and JP with one;
- a bold, wrapped, frozen header row with a filter, columns as wide as their text;
- a ``Keterangan`` sheet with one row per sheet (title, period, rows, hidden cells) and one per
  column (what it holds);
- never a formula: every text cell passes :func:`kinerja.protect.neutralise_cell` and is typed
  as a string cell, so nothing from the input is run by a spreadsheet.

:func:`read_rekap_xlsx` reads such a workbook back into the keyed tables (for tests and scripts).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["HEADERS", "SHEET_NAMES", "read_rekap_xlsx", "rekap_xlsx_bytes"]

#: sheet name of each rekap table
SHEET_NAMES: dict[str, str] = {
    "ikm": "IKM",
    "skp": "SKP",
    "layanan": "Layanan",
    "pengaduan": "Pengaduan",
    "pelatihan": "Pelatihan",
    "tindak_lanjut": "Tindak lanjut",
}

#: column header and explanation of every rekap column (Keterangan sheet)
HEADERS: dict[str, tuple[str, str]] = {
    "kode_opd": ("Kode OPD", "Kode perangkat daerah pada berkas opd."),
    "nama_opd": ("Perangkat daerah", "Nama perangkat daerah pada berkas opd."),
    "periode": ("Periode", "Periode penilaian (tahun, triwulan atau bulan)."),
    "n_responden": ("Jumlah responden", "Responden SKM yang menjawab sedikitnya satu unsur."),
    "ikm": ("IKM", "Indeks Kepuasan Masyarakat, skala 25–100 (PermenPANRB 14/2017, Lampiran)."),
    "mutu": ("Mutu pelayanan", "A ≥ 88,31; B ≥ 76,61; C ≥ 65,00; D di bawahnya."),
    "kinerja_unit": ("Kinerja unit pelayanan", "Sangat Baik, Baik, Kurang Baik, Tidak Baik."),
    "nrr_persyaratan": ("NRR Persyaratan", "Nilai rata-rata unsur persyaratan (skala 1–4)."),
    "nrr_prosedur": ("NRR Prosedur", "Nilai rata-rata unsur sistem, mekanisme dan prosedur."),
    "nrr_waktu": ("NRR Waktu penyelesaian", "Nilai rata-rata unsur waktu penyelesaian."),
    "nrr_biaya": ("NRR Biaya/tarif", "Nilai rata-rata unsur biaya/tarif."),
    "nrr_produk": ("NRR Produk layanan", "Nilai rata-rata unsur produk spesifikasi layanan."),
    "nrr_kompetensi": ("NRR Kompetensi pelaksana", "Nilai rata-rata unsur kompetensi."),
    "nrr_perilaku": ("NRR Perilaku pelaksana", "Nilai rata-rata unsur perilaku pelaksana."),
    "nrr_pengaduan": ("NRR Penanganan pengaduan", "Nilai rata-rata unsur penanganan pengaduan."),
    "nrr_sarana": ("NRR Sarana prasarana", "Nilai rata-rata unsur sarana dan prasarana."),
    "ikm_skala4": ("IKM (skala 1–4)", "IKM sebelum dikalikan 25."),
    "bobot": ("Bobot unsur", "Bobot tiap unsur dalam perhitungan IKM."),
    "metode": ("Metode SKM", "Pedoman survei yang dipakai (2017 = PermenPANRB 14/2017)."),
    "populasi": ("Penerima layanan", "Jumlah penerima layanan pada periode itu."),
    "n_minimum": (
        "Sampel minimum",
        "Jumlah responden minimum menurut tabel Krejcie dan Morgan (PermenPANRB 14/2017).",
    ),
    "sampel_memadai": ("Sampel memadai", "Ya bila jumlah responden mencapai sampel minimum."),
    "predikat": ("Predikat", "Predikat kinerja pegawai (PermenPANRB 6/2022)."),
    "jumlah": ("Jumlah pegawai", "Pegawai dengan predikat itu."),
    "persen": ("% pegawai", "Bagian pegawai OPD yang dinilai dengan predikat itu."),
    "jenis_layanan": ("Jenis layanan", "Jenis layanan pada standar pelayanan."),
    "n_permohonan": ("Jumlah permohonan", "Permohonan selesai yang dimulai pada periode itu."),
    "persen_tepat_waktu": (
        "% tepat waktu",
        "Permohonan yang selesai dalam jangka waktu standar pelayanan (hari kerja).",
    ),
    "median_hari_kerja": ("Median waktu (hari kerja)", "Nilai tengah waktu layanan."),
    "p90_hari_kerja": ("P90 waktu (hari kerja)", "90% permohonan selesai dalam waktu ini."),
    "tahap_hambatan": (
        "Tahap hambatan",
        "Tahap dengan porsi waktu terbesar pada permohonan yang terlambat.",
    ),
    "standar_hari": ("Standar (hari kerja)", "Jangka waktu penyelesaian pada standar pelayanan."),
    "dasar_hambatan": (
        "Dasar tahap hambatan",
        "Permohonan terlambat, atau semua permohonan bila tidak ada yang terlambat.",
    ),
    "kategori": ("Kategori pengaduan", "Kategori pada berkas pengaduan."),
    "n_pengaduan": ("Jumlah pengaduan", "Pengaduan yang masuk pada periode itu."),
    "persen_ditanggapi_tepat_waktu": (
        "% ditanggapi tepat waktu",
        "Pengaduan yang ditanggapi dalam batas hari kerja yang berlaku.",
    ),
    "median_hari_tanggapan": (
        "Median hari kerja sampai ditanggapi",
        "Nilai tengah hari kerja dari pengaduan masuk sampai ditanggapi.",
    ),
    "persen_selesai_tepat_waktu": (
        "% selesai tepat waktu",
        "Pengaduan yang selesai dalam batas hari kerja sesudah ditanggapi.",
    ),
    "n_pegawai": ("Jumlah pegawai", "Pegawai OPD pada tahun itu."),
    "persen_memenuhi_20jp": (
        "% pegawai ≥ 20 JP",
        "Pegawai dengan sedikitnya 20 JP pengembangan kompetensi dalam setahun.",
    ),
    "n_memenuhi": ("Pegawai ≥ 20 JP", "Jumlah pegawai dengan sedikitnya 20 JP."),
    "median_jp": ("Median JP", "Nilai tengah JP per pegawai."),
    "n_total": ("Jumlah butir", "Butir tindak lanjut forum evaluasi pada register."),
    "n_selesai": ("Selesai", "Butir berstatus selesai (termasuk yang selesai sesudah tenggat)."),
    "n_terlambat": (
        "Belum selesai, lewat tenggat",
        "Butir yang belum selesai dan tenggatnya sebelum tanggal laporan.",
    ),
    "n_direncanakan": ("Direncanakan", "Butir berstatus direncanakan."),
    "n_berjalan": ("Berjalan", "Butir berstatus berjalan."),
    "n_selesai_terlambat": ("Selesai sesudah tenggat", "Butir selesai sesudah tenggatnya."),
    "n_direncanakan_terlambat": (
        "Direncanakan, lewat tenggat",
        "Butir direncanakan yang sudah lewat tenggat.",
    ),
    "n_berjalan_terlambat": ("Berjalan, lewat tenggat", "Butir berjalan yang sudah lewat tenggat."),
    "catatan": ("Catatan", "Keterangan baris, antara lain alasan angka disembunyikan."),
}

# number formats (Excel codes; shown with the reader's decimal comma in an id-ID Excel)
_PERCENT = '0.0"%"'
_FORMATS: dict[str, str] = {
    "ikm": "0.00",
    "ikm_skala4": "0.0000",
    "median_hari_kerja": "0.0",
    "p90_hari_kerja": "0.0",
    "median_hari_tanggapan": "0.0",
    "median_jp": "0.0",
}
_COUNT = "#,##0"


def _header(key: str) -> str:
    if key in HEADERS:
        return HEADERS[key][0]
    from kinerja.report.formatting import LABELS

    return LABELS.get(key, key.replace("_", " ").capitalize())


def _number_format(key: str) -> str | None:
    if key in _FORMATS:
        return _FORMATS[key]
    if key.startswith("nrr_"):
        return "0.00"
    if key == "persen" or key.startswith("persen_"):
        return _PERCENT
    if key.startswith("n_") or key in ("jumlah", "populasi", "standar_hari"):
        return _COUNT
    return None


def _display_frame(df: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """``df`` with the OPD name beside its code and yes/no instead of true/false."""
    out = df.copy()
    if "kode_opd" in out.columns and "nama_opd" not in out.columns:
        pos = list(out.columns).index("kode_opd") + 1
        out.insert(pos, "nama_opd", out["kode_opd"].astype("str").map(dict(names)))
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[col] = s.map({True: "Ya", False: "Tidak"}).astype("object")
    return out


def _notes_rows(
    tables: Mapping[str, pd.DataFrame],
    shown: Mapping[str, pd.DataFrame],
    periode: str,
    titles: Mapping[str, str],
) -> list[tuple[str, str, str]]:
    from kinerja.report.formatting import fmt_int

    rows: list[tuple[str, str, str]] = []
    for name in dict.fromkeys([*titles, *tables]):
        sheet = SHEET_NAMES.get(name, name)
        title = titles.get(name, sheet)
        if name not in tables:
            rows.append(
                (
                    sheet,
                    "(seluruh lembar)",
                    f"{title}: tidak dibuat, tabel sumbernya tidak ada di folder data.",
                )
            )
            continue
        df = tables[name]
        hidden = int(df.attrs.get("suppressed_cells", 0))
        rows.append(
            (
                sheet,
                "(seluruh lembar)",
                f"{title}. Periode {periode}; {fmt_int(len(df))} baris; {fmt_int(hidden)} sel "
                "disembunyikan (kosong, alasannya di kolom Catatan).",
            )
        )
        for key in shown[name].columns:
            explain = HEADERS.get(key, (None, "Kolom tambahan dari perhitungan."))[1]
            rows.append((sheet, _header(key), explain))
    return rows


def _write_sheet(ws, frame: pd.DataFrame, *, freeze: str) -> None:
    """Header + rows into ``ws``: styled, typed, never a formula."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from kinerja.protect import neutralise_cell

    keys = list(frame.columns)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF3")
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = []
    for j, key in enumerate(keys, start=1):
        cell = ws.cell(row=1, column=j)
        cell.value = str(neutralise_cell(_header(key)))
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        widths.append(min(max(len(str(cell.value)) * 0.6 + 2, 10), 28))
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, (key, value) in enumerate(zip(keys, row, strict=True), start=1):
            cell = ws.cell(row=i, column=j)
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                continue
            if isinstance(value, str):
                cell.value = str(neutralise_cell(value))
                cell.data_type = "s"  # text stays text, whatever it starts with
                widths[j - 1] = min(max(widths[j - 1], len(value) * 1.05 + 2), 60)
            elif isinstance(value, bool):
                cell.value = "Ya" if value else "Tidak"
                cell.data_type = "s"
            else:
                try:
                    number = float(value)
                except (TypeError, ValueError):
                    cell.value = str(neutralise_cell(str(value)))
                    cell.data_type = "s"
                    continue
                cell.value = (
                    int(number) if number.is_integer() and _number_format(key) == _COUNT else number
                )
                fmt = _number_format(key)
                if fmt:
                    cell.number_format = fmt
                widths[j - 1] = max(widths[j - 1], 10)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = round(width, 1)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = freeze
    if len(keys):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{max(len(frame) + 1, 1)}"


def rekap_xlsx_bytes(
    tables: Mapping[str, pd.DataFrame],
    periode: str,
    *,
    titles: Mapping[str, str] | None = None,
) -> bytes:
    """The forum workbook of the rekap tables (see the module notes).

    Parameters
    ----------
    tables : mapping of DataFrame
        :func:`kinerja.report.rekap.rekap_tables` output (keyed columns, protected); the OPD
        names come from ``attrs["nama_opd"]`` (code → name) when present.
    periode : str
        Period written on the Keterangan sheet.
    titles : mapping, optional
        Title of every rekap table (:data:`kinerja.report.rekap.TABLE_TITLES`); a titled table
        missing from ``tables`` is listed on the Keterangan sheet as not made.

    Returns
    -------
    bytes
        The ``.xlsx`` file.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    wb.remove(wb.active)
    shown: dict[str, pd.DataFrame] = {}
    for name, df in tables.items():
        names = df.attrs.get("nama_opd") or {}
        frame = _display_frame(df, names)
        shown[name] = frame
        ws = wb.create_sheet(SHEET_NAMES.get(name, name.replace("_", " ").capitalize())[:31])
        freeze = (
            "C2"
            if "nama_opd" in frame.columns
            and list(frame.columns)[:2]
            == [
                "kode_opd",
                "nama_opd",
            ]
            else "A2"
        )
        _write_sheet(ws, frame, freeze=freeze)
    ws = wb.create_sheet("Keterangan")
    label = _period_label(periode)
    notes = pd.DataFrame(
        _notes_rows(tables, shown, label, titles or {}),
        columns=["Lembar", "Kolom", "Penjelasan"],
    )
    _write_notes(ws, notes)
    for row in ws.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    wb.properties.title = f"Rekap forum evaluasi, {label}"
    wb.properties.creator = "kinerja"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _period_label(periode: str) -> str:
    from kinerja.domain.period import Periode

    try:
        return Periode.parse(periode).label
    except (TypeError, ValueError):
        return str(periode)


def _write_notes(ws, notes: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    from kinerja.protect import neutralise_cell

    for j, col in enumerate(notes.columns, start=1):
        cell = ws.cell(row=1, column=j, value=str(col))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF3")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(notes.itertuples(index=False, name=None), start=2):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j, value=str(neutralise_cell(str(value))))
            cell.data_type = "s"
    for letter, width in zip("ABC", (16, 34, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:C{len(notes) + 1}"


def read_rekap_xlsx(path: str | Path | bytes) -> dict[str, pd.DataFrame]:
    """A rekap workbook read back into its keyed tables (columns named by key, no OPD name).

    The inverse of :func:`rekap_xlsx_bytes` for the table sheets (the Keterangan sheet is left
    out); for tests and scripts that compare the workbook with the JSON or CSV rekap.
    """
    source = io.BytesIO(path) if isinstance(path, bytes) else path
    sheets = pd.read_excel(source, sheet_name=None)
    by_sheet = {v: k for k, v in SHEET_NAMES.items()}
    by_header = {v[0]: k for k, v in HEADERS.items()}
    out: dict[str, pd.DataFrame] = {}
    for sheet, frame in sheets.items():
        if sheet not in by_sheet:
            continue
        name = by_sheet[sheet]
        frame = frame.rename(columns=lambda c: by_header.get(str(c), c))
        # two tables share the header "Jumlah pegawai" (pelatihan: n_pegawai; skp: jumlah)
        if name == "skp":
            frame = frame.rename(columns={"n_pegawai": "jumlah"})
        for col in frame.columns:
            values = set(frame[col].dropna())
            if values and values <= {"Ya", "Tidak"}:  # yes/no columns back to booleans
                frame[col] = frame[col].map({"Ya": True, "Tidak": False}).astype("boolean")
        out[name] = frame.drop(columns=["nama_opd"], errors="ignore")
    return out
