"""Outputs that cannot be weaponised (issue 12 item 4).

rekap.xlsx from hostile text holds no formula cell; every CSV writer neutralises cells that a
spreadsheet would run (OWASP: ``= + - @``, tab, CR); a chart label from data is never parsed as
math text (``$\\frac{a$`` used to crash matplotlib).
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from fixtures.builders import valid_tables, write_folder
from fixtures.hostile import FORMULAS, HYPERLINK, MATH_LABEL, write_hostile_folder

import kinerja
from kinerja.protect import neutralise_cell, neutralise_frame


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kategori": list(FORMULAS),
            "jumlah": range(len(FORMULAS)),
            "=kolom": ["a"] * len(FORMULAS),
        }
    )


def _cells(xlsx: bytes) -> list[openpyxl.cell.cell.Cell]:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_neutralise_cell_follows_owasp():
    for value in FORMULAS:
        assert neutralise_cell(value) == "'" + value
    assert neutralise_cell("Pelayanan lambat") == "Pelayanan lambat"
    assert neutralise_cell(-3.5) == -3.5 and neutralise_cell(None) is None
    out = neutralise_frame(_hostile_frame())
    assert list(out.columns) == ["kategori", "jumlah", "'=kolom"]
    assert out["jumlah"].tolist() == list(range(len(FORMULAS)))


def test_rekap_xlsx_from_hostile_text_has_no_formula_cell(tmp_path):
    from kinerja.report.rekap import rekap_bytes

    cells = _cells(rekap_bytes({"pengaduan": _hostile_frame()}, ".xlsx"))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + HYPERLINK in texts and HYPERLINK not in texts


def test_rekap_of_a_hostile_folder_writes_no_formula_and_inert_csv(tmp_path):
    from kinerja.metrics.store import ReportData
    from kinerja.report.rekap import rekap_tables, write_rekap

    ds = kinerja.load(write_hostile_folder(tmp_path / "data"))
    data = ReportData(ds, today="2026-12-01")
    tables = rekap_tables(data, periode="2026")
    tables["hostile"] = _hostile_frame()  # text a rekap table could carry
    (xlsx,) = write_rekap(tables, tmp_path / "rekap.xlsx", pegawai=ds.tables["pegawai"])
    assert not [c.coordinate for c in _cells(xlsx.read_bytes()) if c.data_type == "f"]
    written = write_rekap(tables, tmp_path / "csv", pegawai=ds.tables["pegawai"])
    assert written
    for path in written:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        for row in rows:
            assert not [v for v in row if v[:1] in ("=", "+", "-", "@", "\t", "\r")], path.name


def test_quarantine_csv_neutralises_formula_cells(tmp_path):
    tables = valid_tables()
    bad = dict(tables["pegawai"][0], nip="123", nama=HYPERLINK, jabatan="@SUM(A1)")
    tables["pegawai"].append(bad)
    ds = kinerja.load(write_folder(tmp_path / "data", tables))
    (path,) = ds.write_quarantine(tmp_path / "karantina")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    values = [v for row in rows[1:] for v in row]
    assert "'" + HYPERLINK in values and "'@SUM(A1)" in values
    assert not [v for v in values if v[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_chart_labels_are_never_math_text():
    import matplotlib as mpl
    from matplotlib.text import Text

    from kinerja.report.charts import bar_chart, chart_style

    with chart_style():
        assert Text(0, 0, MATH_LABEL).get_parse_math() is False
    # parsed as math, the unbalanced "$\frac{a$" raises inside matplotlib
    with mpl.rc_context({"text.parse_math": True}), pytest.raises(ValueError):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure()
        FigureCanvasAgg(fig)
        fig.suptitle(MATH_LABEL)
        fig.canvas.draw()
    df = pd.DataFrame({"k": [MATH_LABEL, "biasa"], "v": [1.0, 2.0]})
    chart = bar_chart(df, category="k", value="v", value_label="n", title=MATH_LABEL, source="uji")
    assert chart.png.startswith(b"\x89PNG") and chart.title == MATH_LABEL
