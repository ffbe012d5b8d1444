"""rekap.xlsx for the forum (issue 13 item 7): Indonesian layout, formats, filters, no formula.

Read with openpyxl: sheet names and headers in Indonesian (no column key), the OPD name beside
its code, number formats (percent one decimal, IKM two, counts whole), a bold frozen header with
an autofilter, a Keterangan sheet explaining every column, no formula cell anywhere, and the same
hidden cells as the JSON rekap.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kinerja.data.dataset import load
from kinerja.metrics.store import ReportData
from kinerja.report.rekap import TABLE_COLUMNS, rekap_tables, write_rekap
from kinerja.report.rekap_xlsx import HEADERS, SHEET_NAMES, read_rekap_xlsx, rekap_xlsx_bytes


@pytest.fixture(scope="module")
def data(sample_dir: Path) -> ReportData:
    return ReportData(load(sample_dir), source=str(sample_dir))


@pytest.fixture(scope="module")
def tables(data: ReportData) -> dict[str, pd.DataFrame]:
    return rekap_tables(data, periode="2025")


@pytest.fixture(scope="module")
def book(tables, data, tmp_path_factory) -> tuple[Path, openpyxl.Workbook]:
    path = tmp_path_factory.mktemp("rekap") / "rekap.xlsx"
    write_rekap(tables, path, pegawai=data.table("pegawai"))
    return path, openpyxl.load_workbook(path)


def _header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def test_sheets_and_headers_are_indonesian(book, tables, data):
    _, wb = book
    assert wb.sheetnames == [SHEET_NAMES[n] for n in tables] + ["Keterangan"]
    labels = {v[0] for v in HEADERS.values()}
    names = dict(zip(data.opd["kode_opd"].astype(str), data.opd["nama_opd"], strict=True))
    for name in tables:
        ws = wb[SHEET_NAMES[name]]
        head = _header(ws)
        assert not [h for h in head if re.search(r"[a-z]_[a-z]", h)], head  # no column key
        assert set(head) <= labels, set(head) - labels
        # the OPD name beside its code
        assert head[:2] == ["Kode OPD", "Perangkat daerah"]
        for row in ws.iter_rows(min_row=2, max_row=4, max_col=2, values_only=True):
            assert row[1] == names[row[0]]


def test_header_is_bold_frozen_and_filtered_and_columns_have_widths(book, tables):
    _, wb = book
    for name, df in tables.items():
        ws = wb[SHEET_NAMES[name]]
        assert all(c.font.bold for c in ws[1])
        assert ws.freeze_panes == "C2"  # header row and code + name stay in view
        last = openpyxl.utils.get_column_letter(len(df.columns) + 1)
        assert ws.auto_filter.ref == f"A1:{last}{len(df) + 1}"
        widths = [ws.column_dimensions[c].width for c in "AB"]
        assert all(w and w >= 10 for w in widths), widths


def test_number_formats(book):
    _, wb = book

    def formats(sheet: str, header: str) -> set[str]:
        ws = wb[sheet]
        j = _header(ws).index(header) + 1
        return {
            ws.cell(row=i, column=j).number_format
            for i in range(2, ws.max_row + 1)
            if isinstance(ws.cell(row=i, column=j).value, (int, float))
        }

    assert formats("IKM", "IKM") == {"0.00"}
    assert formats("IKM", "NRR Waktu penyelesaian") == {"0.00"}
    assert formats("IKM", "Jumlah responden") == {"#,##0"}
    assert formats("Layanan", "% tepat waktu") == {'0.0"%"'}  # 62.0 shows 62,0%
    assert formats("Layanan", "Median waktu (hari kerja)") == {"0.0"}
    assert formats("Tindak lanjut", "Jumlah butir") == {"#,##0"}
    # the raw float stays exact (the JSON and the workbook hold the same number)
    ws = wb["Layanan"]
    j = _header(ws).index("% tepat waktu") + 1
    assert any(
        isinstance(c.value, float) and not float(c.value).is_integer()
        for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j)
    )


def test_keterangan_explains_every_column(book, tables):
    _, wb = book
    ws = wb["Keterangan"]
    assert _header(ws) == ["Lembar", "Kolom", "Penjelasan"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    explained = {(s, k) for s, k, _ in rows}
    for name in tables:
        sheet = SHEET_NAMES[name]
        assert (sheet, "(seluruh lembar)") in explained
        for head in _header(wb[sheet]):
            assert (sheet, head) in explained, (sheet, head)
    assert all(p and len(p) > 10 for _, _, p in rows)


def test_no_formula_anywhere(book):
    _, wb = book
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


def test_text_from_the_input_is_never_a_formula(tables):
    hostile = {
        "pengaduan": pd.DataFrame(
            {
                "kode_opd": ["A"],
                "kategori": ['=HYPERLINK("http://contoh.invalid","klik")'],
                "n_pengaduan": [3],
                "persen_ditanggapi_tepat_waktu": [pd.NA],
                "catatan": ["+1+1"],
            }
        )
    }
    hostile["pengaduan"].attrs["nama_opd"] = {"A": "@SUM(A1)"}
    wb = openpyxl.load_workbook(__import__("io").BytesIO(rekap_xlsx_bytes(hostile, "2025")))
    ws = wb["Pengaduan"]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert '\'=HYPERLINK("http://contoh.invalid","klik")' in values
    assert "'+1+1" in values and "'@SUM(A1)" in values


def test_same_hidden_cells_and_numbers_as_the_json(book, tables, tmp_path):
    path, _ = book
    out = tmp_path / "rekap.json"
    write_rekap(tables, out)
    payload = json.loads(out.read_text(encoding="utf-8"))
    keyed = read_rekap_xlsx(path)
    assert set(keyed) == set(TABLE_COLUMNS)
    for name, rows in payload.items():
        js = pd.DataFrame(rows)
        xl = keyed[name]
        assert list(xl.columns) == list(js.columns), name
        for col in js.columns:
            a = pd.to_numeric(js[col], errors="coerce").astype("Float64")
            if a.notna().any():
                b = pd.to_numeric(xl[col], errors="coerce").astype("Float64")
                assert (a.isna() == b.isna()).all(), (name, col)  # the same cells hidden
                assert ((a - b).abs().fillna(0) < 1e-9).all(), (name, col)
