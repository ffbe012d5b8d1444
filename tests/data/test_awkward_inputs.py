"""Awkward inputs (issue 14 item 6): Excel serial dates, an unclosed quote, symbolic links,
and the ranges of every ``kinerja sample`` option."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from fixtures.builders import valid_tables, write_folder
from fixtures.hostile import add_symlink, write_serial_dates, write_unclosed_quote

import kinerja
from kinerja.data.dataset import DataFolderError
from kinerja.data.io import read_table_file, xlsx_date_system
from kinerja.data.parsing import excel_serial_dates, parse_datetime
from kinerja.data.sample.build import check_sample_args
from kinerja.data.sample.reference import SampleDataError

# -- Excel serial dates ------------------------------------------------------------------------


def test_serial_numbers_in_a_date_column_are_read_in_the_1900_system():
    values = pd.Series(
        ["46327", "46327.5", "46327,25", "2026-11-01", "99999", "12", ""], dtype="str"
    )
    out, bad = parse_datetime(values)
    assert out.iloc[0] == pd.Timestamp("2026-11-01")
    assert out.iloc[1] == pd.Timestamp("2026-11-01 12:00")
    assert out.iloc[2] == pd.Timestamp("2026-11-01 06:00")
    assert out.iloc[3] == pd.Timestamp("2026-11-01")
    # outside 1950..2100, or blank: not a date
    assert bad.tolist() == [False, False, False, False, True, True, False]


def test_the_1904_system_shifts_by_1462_days():
    s = pd.Series([46327 - 1462, 1.0], dtype=object)
    out = excel_serial_dates(s, date_system=1904)
    assert out.iloc[0] == pd.Timestamp("2026-11-01") and pd.isna(out.iloc[1])


def test_csv_serial_dates_load_and_out_of_range_ones_are_quarantined(tmp_path):
    folder = write_folder(tmp_path / "data")
    write_serial_dates(folder)
    ds = kinerja.load(folder)
    p = ds.tables["pengaduan"]
    assert pd.Timestamp("2026-11-01") in set(p["tanggal_masuk"].dt.normalize())
    q = ds.quarantine["pengaduan"]
    assert sorted(q["id_pengaduan"]) == ["S2", "S3"]
    assert q["_alasan"].str.contains("tanggal tidak dapat dibaca").all()


def _xlsx_with_date1904(path: Path, serial: float, *, date1904: bool) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    rows = valid_tables()["pengaduan"]
    cols = list(rows[0])
    ws.append(cols)
    for i, row in enumerate(rows):
        values = [row[c] for c in cols]
        if i == 0:
            values[cols.index("tanggal_masuk")] = serial  # a bare number, no date format
        ws.append(values)
    if date1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.save(path)
    return path


@pytest.mark.parametrize("date1904", [False, True])
def test_xlsx_serial_dates_follow_the_workbook_date_system(tmp_path, date1904):
    folder = write_folder(tmp_path / "data")
    (folder / "pengaduan.csv").unlink()
    serial = 46327 - (1462 if date1904 else 0)
    path = _xlsx_with_date1904(folder / "pengaduan.xlsx", serial, date1904=date1904)
    with zipfile.ZipFile(path) as zf:
        assert (b'date1904="1"' in zf.read("xl/workbook.xml")) is date1904
    assert xlsx_date_system(path) == (1904 if date1904 else 1900)
    ds = kinerja.load(folder)
    first = ds.tables["pengaduan"].set_index("id_pengaduan").loc["A1", "tanggal_masuk"]
    assert first == pd.Timestamp("2026-11-01")


# -- an unclosed quote -------------------------------------------------------------------------


def test_an_unclosed_quote_names_its_line_and_keeps_the_rows_after_it_apart(tmp_path):
    folder = write_folder(tmp_path / "data")
    write_unclosed_quote(folder)
    raw = read_table_file(folder / "pengaduan.csv")
    assert len(raw) == 5  # not swallowed into one record
    assert raw.rows.tolist() == [2, 3, 4, 5, 6]
    assert raw.data["isi"].iloc[0] == "isi, dengan koma"
    ds = kinerja.load(folder)
    assert sorted(ds.tables["pengaduan"]["id_pengaduan"]) == ["Q1", "Q2"]
    q = ds.quarantine["pengaduan"].set_index("id_pengaduan")
    assert sorted(q.index) == ["Q3", "Q4", "Q5"]
    assert "dibuka pada baris berkas 4" in q.loc["Q3", "_alasan"]
    assert (
        "baris berkas 5" in q.loc["Q4", "_alasan"] and "(baris berkas 4)" in q.loc["Q4", "_alasan"]
    )
    assert q["_baris"].tolist() == [4, 5, 6]
    summary = ds.summary.set_index("table").loc["pengaduan"]
    assert summary["read"] == summary["accepted"] + summary["quarantined"] == 5


def test_an_unclosed_quote_in_the_header_is_a_clear_error(tmp_path):
    path = tmp_path / "opd.csv"
    path.write_text('kode_opd,"nama_opd\nA,b\n', encoding="utf-8")
    with pytest.raises(ValueError, match="tidak pernah ditutup"):
        read_table_file(path)


# -- symbolic links ----------------------------------------------------------------------------


def test_a_symlinked_table_is_refused_and_its_target_never_echoed(tmp_path):
    secret = tmp_path / "rahasia.txt"
    secret.write_text("root:x:0:0:RAHASIA-BARIS-PERTAMA\n", encoding="utf-8")
    folder = write_folder(tmp_path / "data")
    (folder / "tindak_lanjut.csv").unlink()
    add_symlink(folder, "tindak_lanjut.csv", str(secret))
    with pytest.raises(DataFolderError) as err:
        kinerja.load(folder)
    assert "tindak_lanjut.csv" in str(err.value) and "symlink" in str(err.value)
    assert "RAHASIA" not in str(err.value) and "root:x" not in str(err.value)


def test_a_symlink_to_etc_passwd_is_never_read_by_the_batch_cache(tmp_path):
    from kinerja.run.cache import _input_hashes

    folder = write_folder(tmp_path / "data")
    add_symlink(folder, "catatan.csv", "/etc/passwd")
    assert "catatan.csv" not in _input_hashes(folder)


# -- kinerja sample options --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--year", "99999"], "--year"),
        (["--year", "1989"], "--year"),
        (["--seed", "-1"], "--seed"),
        (["--scale", "0"], "--scale"),
        (["--scale", "20.5"], "--scale"),
        (["--scale", "nan"], "--scale"),
    ],
)
def test_sample_options_out_of_range_exit_2_without_traceback(tmp_path, capsys, args, word):
    from kinerja.cli import main

    assert main(["sample", "--out", str(tmp_path / "s"), *args]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and word in err and err.startswith("Gagal membuat data sampel")
    assert not (tmp_path / "s").exists()


def test_sample_out_must_be_a_folder(tmp_path):
    afile = tmp_path / "opd.csv"
    afile.write_text("x", encoding="utf-8")
    for out in (afile, afile / "sub"):
        with pytest.raises(SampleDataError, match="--out"):
            check_sample_args(out, seed=1, scale=1.0, year=2026)
    link = tmp_path / "tautan"
    link.symlink_to(tmp_path)
    with pytest.raises(SampleDataError, match="symlink"):
        check_sample_args(link, seed=1, scale=1.0, year=2026)
    assert check_sample_args(tmp_path / "baru", seed=0, scale=20, year=1990) == tmp_path / "baru"
