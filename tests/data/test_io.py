"""Reading table files as real exports look (data-contract.md): delimiters, encodings, BOM,
xlsx, parquet, header variants, row numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fixtures.builders import NIP_C_NORM, valid_tables, write_csv, write_folder

from kinerja.data.dataset import DataFolderError, load
from kinerja.data.io import UnreadableFileError, read_table_file, sniff_delimiter

HEADER = "kode_opd;nama_opd;jenis_opd"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolon_with_decimal_commas(tmp_path):
    p = _write(
        tmp_path / "standar_layanan.csv", "kode_opd;jenis_layanan;biaya\nA;KK;3,5\nB;X;1,25\n"
    )
    raw = read_table_file(p)
    assert raw.delimiter == ";"
    assert raw.data["biaya"].tolist() == ["3,5", "1,25"]


def test_comma_with_quoted_fields(tmp_path):
    p = _write(tmp_path / "opd.csv", 'kode_opd,nama_opd,x\nA,"Dinas A; B, dan C",1\nB,"Q",2\n')
    raw = read_table_file(p)
    assert raw.delimiter == ","
    assert raw.data["nama_opd"].tolist() == ["Dinas A; B, dan C", "Q"]


def test_semicolon_header_with_commas_in_names():
    text = "id_responden;Sistem, Mekanisme, dan Prosedur;Biaya/Tarif\nR1;3;4\nR2;2;4\n"
    assert sniff_delimiter(text) == ";"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "nip;nama;jabatan\n1;Andé;Kepala Seksi Pelayanan – Café\n"
    p = _write(tmp_path / "pegawai.csv", text, encoding)
    raw = read_table_file(p)
    assert list(raw.headers) == ["nip", "nama", "jabatan"]
    assert list(raw.data.columns)[0] == "nip"  # BOM removed from the header
    assert raw.data["jabatan"][0] == "Kepala Seksi Pelayanan – Café"
    assert raw.data["nama"][0] == "Andé"


def test_crlf_blank_lines_and_multiline_records_keep_row_numbers(tmp_path):
    text = 'kode_opd,nama_opd,jenis_opd\r\nA,"Dinas\r\nA",dinas\r\n\r\n,,\r\nB,Badan B,badan\r\n'
    raw = read_table_file(_write(tmp_path / "opd.csv", text))
    assert raw.data["kode_opd"].tolist() == ["A", "B"]
    # header = row 1; "Dinas\nA" is one record (row 2); rows 3 and 4 are empty and skipped
    assert raw.rows.tolist() == [2, 5]


def test_old_mac_line_endings(tmp_path):
    raw = read_table_file(_write(tmp_path / "opd.csv", "kode_opd;nama_opd\rA;Dinas A\rB;Badan B\r"))
    assert raw.data["nama_opd"].tolist() == ["Dinas A", "Badan B"] and raw.rows.tolist() == [2, 3]


def test_ragged_rows_are_read_not_refused(tmp_path):
    text = "kode_opd;nama_opd;jenis_opd\nA;Dinas A;dinas\nB;Badan;B;badan\nC;Camat\n"
    raw = read_table_file(_write(tmp_path / "opd.csv", text))
    assert len(raw.data) == 3
    assert raw.rows.tolist() == [2, 3, 4]
    assert 1 in raw.structural and "4 kolom" in raw.structural[1]
    assert raw.data["jenis_opd"][2] == ""  # short record padded


def test_xlsx_first_sheet_with_typed_cells_and_sheet_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])  # an empty first row: the header is on sheet row 2
    ws.append(["NIP", "Tanggal", "Waktu Lapor", "Uraian", "Status Verifikasi", "Durasi Menit"])
    ws.append([NIP_C_NORM, dt.datetime(2026, 11, 28), dt.time(8, 30), "Rapat", "disetujui", 90])
    ws.append([NIP_C_NORM, "27/11/2026", "16:05", "Surat", "Ditolak", "45,5"])
    other = wb.create_sheet("lain")
    other.append(["bukan", "ini"])
    path = tmp_path / "laporan_kinerja.xlsx"
    wb.save(path)
    raw = read_table_file(path)
    assert raw.kind == "xlsx"
    assert raw.rows.tolist() == [3, 4]
    assert raw.headers[:3] == ["nip", "tanggal", "waktu_lapor"]


def test_parquet(tmp_path):
    df = pd.DataFrame({"kode_opd": ["A"], "nama_opd": ["Dinas A"], "jenis_opd": ["dinas"]})
    df.to_parquet(tmp_path / "opd.parquet")
    raw = read_table_file(tmp_path / "opd.parquet")
    assert raw.kind == "parquet" and raw.rows.tolist() == [2]


@pytest.mark.parametrize(
    ("name", "content"),
    [("opd.csv", b""), ("opd.xlsx", b"not a zip"), ("opd.parquet", b"PAR1 nonsense")],
)
def test_unreadable_files(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(UnreadableFileError, match=name.replace(".", r"\.")):
        read_table_file(tmp_path / name)


# --------------------------------------------------------------------- whole folders, all formats


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return load(write_folder(tmp_path_factory.mktemp("ref") / "data"))


@pytest.mark.parametrize(
    ("fmt", "delimiter"), [("csv", ","), ("csv", ";"), ("xlsx", ","), ("parquet", ",")]
)
def test_every_format_loads_the_same(tmp_path, reference, fmt, delimiter):
    ds = load(write_folder(tmp_path / "data", fmt=fmt, delimiter=delimiter))
    assert ds.n_quarantined == 0, ds.quarantine
    for name, frame in reference.tables.items():
        pd.testing.assert_frame_equal(ds.tables[name], frame, check_dtype=True)


def test_windows_1252_semicolon_export_with_header_variants(tmp_path):
    tables = valid_tables()
    folder = write_folder(tmp_path / "data", tables)
    (folder / "pegawai.csv").unlink()
    rows = tables["pegawai"]
    rows[1]["jabatan"] = "Kepala Seksi Pelayanan – Café"
    cols = list(rows[0])
    header = ["NIP", " Nama ", "Kode-OPD", "JABATAN", "Jenis Jabatan", "golongan",
              "Status Kepegawaian", "Jenis_Kelamin"]  # fmt: skip
    with open(folder / "pegawai.csv", "w", encoding="cp1252", newline="") as fh:
        fh.write(";".join(header) + "\r\n")
        for r in rows:
            fh.write(";".join(r[c] for c in cols) + "\r\n")
    ds = load(folder)
    assert ds.n_quarantined == 0
    peg = ds.tables["pegawai"]
    assert list(peg.columns[:3]) == ["nip", "nama", "kode_opd"]
    assert "Kepala Seksi Pelayanan – Café" in set(peg["jabatan"])
    assert NIP_C_NORM in set(peg["nip"])  # printed with spaces in the file


def test_skm_elements_by_name_in_shuffled_order(tmp_path):
    tables = valid_tables()
    folder = write_folder(tmp_path / "data", tables)
    names = {
        "persyaratan": "U1 Persyaratan",
        "prosedur": "Sistem, Mekanisme, dan Prosedur",
        "waktu": "waktu_penyelesaian",
        "biaya": "Biaya/Tarif",
        "produk": "Produk Spesifikasi Jenis Pelayanan",
        "kompetensi": "kompetensi_pelaksana",
        "perilaku": "Perilaku Pelaksana",
        "pengaduan": "Penanganan Pengaduan, Saran dan Masukan",
        "sarana": "Sarana dan Prasarana",
    }
    # U8 = Sarana, U9 = Pengaduan in some systems: order in the file must not matter
    order = ["saran", "sarana", "id_responden", "pengaduan", "tanggal", "waktu", "kode_opd",
             "biaya", "produk", "persyaratan", "kompetensi", "perilaku", "prosedur",
             "jenis_layanan", "umur", "catatan_petugas"]  # fmt: skip
    rows = [dict(r, catatan_petugas="x") for r in tables["skm"]]
    rows[0].update(sarana="1", pengaduan="4", waktu="2")
    rows = [{names.get(c, c): r.get(c, "") for c in order} for r in rows]
    write_csv(folder / "skm.csv", rows, delimiter=";")
    ds = load(folder)
    assert ds.n_quarantined == 0, ds.quarantine["skm"]
    skm = ds.tables["skm"]
    first = skm.iloc[0]
    assert (first["sarana"], first["pengaduan"], first["waktu"]) == (1, 4, 2)
    assert first["saran"] == "Antrian lebih cepat"
    assert "catatan_petugas" in skm.columns  # extra columns are kept
    assert str(skm["sarana"].dtype) == "Int8"
    assert pd.isna(skm["pekerjaan"]).all()  # optional column absent from the file -> all NA
    assert set(skm["metode"]) == {"2017"}


def test_two_files_for_one_table_is_refused(tmp_path):
    folder = write_folder(tmp_path / "data")
    pd.DataFrame(valid_tables()["opd"]).to_parquet(folder / "opd.parquet")
    with pytest.raises(DataFolderError, match=r"opd\.csv, opd\.parquet"):
        load(folder)
