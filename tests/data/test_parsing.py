"""Format rules of cell values and headers (data-contract.md): dates, numbers, header names."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kinerja.data.parsing import (
    parse_datetime,
    parse_integer,
    parse_number,
    parse_time_or_datetime,
    text_of,
)
from kinerja.domain.schema import (
    PREDIKAT_MATRIX,
    RATINGS,
    SKM_ELEMENTS,
    canonical_vocabulary,
    normalize_header,
    predikat_matrix_lookup,
    skm_element_of,
)

T = pd.Timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28", T("2026-11-28")),
        ("28/11/2026", T("2026-11-28")),
        ("28-11-2026", T("2026-11-28")),
        ("28.11.2026", T("2026-11-28")),
        ("3/5/2026", T("2026-05-03")),  # day first, always
        ("28 November 2026", T("2026-11-28")),
        ("28 Agt 2026", T("2026-08-28")),
        ("28 Agu 2026", T("2026-08-28")),
        ("28 Ags 2026", T("2026-08-28")),
        ("28 Agustus 2026", T("2026-08-28")),
        ("3 Mei 2026", T("2026-05-03")),
        ("1 Januari 2026", T("2026-01-01")),
        ("1 Februari 2026", T("2026-02-01")),
        ("1 Maret 2026", T("2026-03-01")),
        ("1 April 2026", T("2026-04-01")),
        ("1 Juni 2026", T("2026-06-01")),
        ("1 Juli 2026", T("2026-07-01")),
        ("1 September 2026", T("2026-09-01")),
        ("1 Oktober 2026", T("2026-10-01")),
        ("1 Okt 2026", T("2026-10-01")),
        ("1 Desember 2026", T("2026-12-01")),
        ("1 Des 2026", T("2026-12-01")),
        ("1 Nop 2026", T("2026-11-01")),
        ("1 Peb 2026", T("2026-02-01")),
        ("1 Sept 2026", T("2026-09-01")),
        ("5 Des. 2026", T("2026-12-05")),
        ("1 Dec 2026", T("2026-12-01")),  # English abbreviations harmlessly
        ("1 May 2026", T("2026-05-01")),
        ("1 Oct 2026", T("2026-10-01")),
        ("  28   NOVEMBER   2026 ", T("2026-11-28")),
        ("2026-11-28 08:30", T("2026-11-28 08:30")),
        ("2026-11-28 08:30:15", T("2026-11-28 08:30:15")),
        ("2026-11-28T08:30:15", T("2026-11-28 08:30:15")),
        ("28/11/2026 08:30", T("2026-11-28 08:30")),
        ("28/11/2026 08:30:15", T("2026-11-28 08:30:15")),
        ("28-11-2026 17.45", T("2026-11-28 17:45")),
        ("28 Agt 2026 14:05", T("2026-08-28 14:05")),
        ("3 Mei 2026 07:00:01", T("2026-05-03 07:00:01")),
    ],
)
def test_date_forms(text, expected):
    parsed, bad = parse_datetime(pd.Series([text], dtype="str"))
    assert not bad[0]
    assert parsed[0] == expected
    assert parsed.dtype == "datetime64[ns]"


@pytest.mark.parametrize("text", ["31/02/2026", "28 Foo 2026", "kemarin", "2026/28/11", "11-2026"])
def test_unparseable_dates_are_bad(text):
    parsed, bad = parse_datetime(pd.Series([text], dtype="str"))
    assert bad[0] and pd.isna(parsed[0])


def test_blank_dates_are_na_not_bad():
    parsed, bad = parse_datetime(pd.Series(["", "  ", None], dtype="str"))
    assert parsed.isna().all() and not bad.any()


def test_mixed_forms_in_one_column_and_date_only():
    s = pd.Series(["28/11/2026 13:00", "2026-11-27", "3 Mei 2026", "x"], dtype="str")
    parsed, bad = parse_datetime(s, date_only=True)
    assert parsed[:3].tolist() == [T("2026-11-28"), T("2026-11-27"), T("2026-05-03")]
    assert bad.tolist() == [False, False, False, True]


def test_xlsx_cells_already_datetimes():
    s = pd.Series([dt.datetime(2026, 1, 2, 3, 4), dt.date(2026, 3, 4), "28/11/2026", None])
    parsed, bad = parse_datetime(s)
    assert parsed[:3].tolist() == [T("2026-01-02 03:04"), T("2026-03-04"), T("2026-11-28")]
    assert not bad.any()


def test_parquet_datetime_column_passes_through():
    s = pd.Series(pd.to_datetime(["2026-01-02 03:04", None]))
    parsed, bad = parse_datetime(s)
    assert parsed[0] == T("2026-01-02 03:04") and pd.isna(parsed[1]) and not bad.any()


def test_time_only_is_combined_with_the_date():
    dates = pd.Series(pd.to_datetime(["2026-11-28", "2026-11-28", "2026-11-28", "2026-11-28"]))
    s = pd.Series(["08:30", "08.30.15", "2026-11-27 16:05:00", "25:00"], dtype="str")
    parsed, bad = parse_time_or_datetime(s, dates)
    assert parsed[:3].tolist() == [
        T("2026-11-28 08:30"),
        T("2026-11-28 08:30:15"),
        T("2026-11-27 16:05"),
    ]
    assert bad.tolist() == [False, False, False, True]
    # xlsx time cells
    cells = pd.Series([dt.time(7, 15), "x"], dtype=object)
    parsed, bad = parse_time_or_datetime(cells, dates[:2])
    assert parsed[0] == T("2026-11-28 07:15") and bad.tolist() == [False, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,5", 3.5),
        ("1.250", 1250.0),  # thousands dot in a whole number
        ("1.250.000", 1250000.0),
        ("1.250,75", 1250.75),
        ("12.5", 12.5),
        ("0.125", 0.125),
        ("1,250.75", 1250.75),
        ("-2", -2.0),
        ("3,0", 3.0),
        (" 1 250 ", 1250.0),
        ("45", 45.0),
    ],
)
def test_numbers(text, expected):
    parsed, bad = parse_number(pd.Series([text], dtype="str"))
    assert not bad[0]
    assert parsed[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "1.25.0", "3,5,1", "1e5x"])
def test_bad_numbers(text):
    parsed, bad = parse_number(pd.Series([text], dtype="str"))
    assert bad[0] and np.isnan(parsed[0])


def test_numbers_from_typed_columns_and_blanks():
    parsed, bad = parse_number(pd.Series([1, 2.5, "3,5", None, ""], dtype=object))
    assert parsed[:3].tolist() == [1.0, 2.5, 3.5] and parsed[3:].isna().all()
    assert not bad.any()
    parsed, bad = parse_number(pd.Series([1.5, np.nan]))
    assert parsed[0] == 1.5 and not bad.any()


def test_skm_answers_integers_1_to_4():
    s = pd.Series(["3", "3,0", "2,5", "5", "0", "", "4"], dtype="str")
    nums, bad, wrong = parse_integer(s, low=1, high=4)
    assert nums[[0, 1, 6]].tolist() == [3.0, 3.0, 4.0]
    assert (~bad).all()
    assert wrong.tolist() == [False, False, True, True, True, False, False]


def test_text_of_keeps_what_the_user_typed():
    s = pd.Series([3.0, 2.5, T("2026-11-28"), T("2026-11-28 08:30"), None, "a b"], dtype=object)
    assert text_of(s).tolist() == ["3", "2.5", "2026-11-28", "2026-11-28 08:30:00", "", "a b"]


# ------------------------------------------------------------------------------ headers


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("  Kode OPD ", "kode_opd"),
        ("Kode-OPD", "kode_opd"),
        ("TANGGAL  MASUK", "tanggal_masuk"),
        ("\ufeffnip", "nip"),
        ("jangka waktu - hari kerja", "jangka_waktu_hari_kerja"),
    ],
)
def test_header_normalisation(header, expected):
    assert normalize_header(header) == expected


@pytest.mark.parametrize(
    ("header", "element"),
    [
        ("U1 Persyaratan", "persyaratan"),
        ("persyaratan", "persyaratan"),
        ("Sistem, Mekanisme, dan Prosedur", "prosedur"),
        ("U2_prosedur", "prosedur"),
        ("waktu_penyelesaian", "waktu"),
        ("Waktu Penyelesaian", "waktu"),
        ("Biaya/Tarif", "biaya"),
        ("Produk Spesifikasi Jenis Pelayanan", "produk"),
        ("kompetensi_pelaksana", "kompetensi"),
        ("Perilaku Pelaksana", "perilaku"),
        ("Penanganan Pengaduan, Saran dan Masukan", "pengaduan"),
        ("U9 Penanganan Pengaduan", "pengaduan"),
        ("Sarana dan Prasarana", "sarana"),
        ("U8 Sarana Prasarana", "sarana"),
        ("unsur 4 biaya tarif", "biaya"),
    ],
)
def test_skm_element_names(header, element):
    assert skm_element_of(normalize_header(header)) == element


@pytest.mark.parametrize(
    "header",
    ["saran", "waktu_survei", "waktu_lapor", "U8", "U9", "jenis_layanan", "tanggal", "umur", ""],
)
def test_skm_element_names_do_not_grab_unrelated_columns(header):
    assert skm_element_of(normalize_header(header)) is None


def test_every_element_has_a_name_match():
    assert {skm_element_of(e) for e in SKM_ELEMENTS} == set(SKM_ELEMENTS)


def test_vocabulary_case_insensitive_and_bentuk_variants():
    s = pd.Series(["non klasikal", "Non-Klasikal", "nonklasikal", "KLASIKAL", "daring"])
    out = canonical_vocabulary(s, ("klasikal", "nonklasikal"))
    assert out[:4].tolist() == ["nonklasikal", "nonklasikal", "nonklasikal", "klasikal"]
    assert pd.isna(out[4])
    r = canonical_vocabulary(pd.Series(["sesuai ekspektasi", "DI ATAS EKSPEKTASI"]), RATINGS)
    assert r.tolist() == ["Sesuai Ekspektasi", "Di Atas Ekspektasi"]
    p = canonical_vocabulary(
        pd.Series(["Kurang", "kurang/misconduct", "Kurang / Misconduct"]),
        ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"),
        column="predikat",
    )
    assert set(p) == {"Kurang/Misconduct"}


def test_predikat_matrix_reference_e2():
    h = pd.Series(
        [
            "Di Atas Ekspektasi",
            "Sesuai Ekspektasi",
            "Di Atas Ekspektasi",
            "Di Bawah Ekspektasi",
            "Di Bawah Ekspektasi",
        ]
    )
    p = pd.Series(
        [
            "Di Atas Ekspektasi",
            "Di Atas Ekspektasi",
            "Di Bawah Ekspektasi",
            "Di Atas Ekspektasi",
            "Di Bawah Ekspektasi",
        ]
    )
    assert predikat_matrix_lookup(h, p).tolist() == [
        "Sangat Baik",
        "Baik",
        "Kurang/Misconduct",
        "Butuh Perbaikan",
        "Sangat Kurang",
    ]
    assert len(PREDIKAT_MATRIX) == 9
