from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.domain import calendar as calmod
from kinerja.domain.calendar import (
    WorkCalendar,
    build_holiday_table,
    calendars_for_opd,
    default_holiday_path,
    load_calendar,
    read_holiday_table,
    working_days_between,
)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return load_calendar()


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return read_holiday_table(default_holiday_path())


def _kind(table: pd.DataFrame, day: str) -> str | None:
    row = table.loc[table["tanggal"] == pd.Timestamp(day)]
    return None if row.empty else row["jenis"].iloc[0]


# --- the shipped CSV -------------------------------------------------------------------------


def test_csv_covers_2023_to_2027_with_both_kinds(table):
    years = set(table["tanggal"].dt.year)
    assert years == {2023, 2024, 2025, 2026, 2027}
    assert set(table["jenis"]) == {"libur_nasional", "cuti_bersama"}
    assert not table["tanggal"].duplicated().any()
    assert (table["sumber"].str.len() > 0).all()


def test_idul_fitri_1446_and_its_cuti_bersama(table):
    # SKB 3 Menteri 2025: Idul Fitri 31 Mar–1 Apr, cuti bersama 2, 3, 4, 7 Apr; Nyepi cuti 28 Mar
    assert _kind(table, "2025-03-31") == "libur_nasional"
    assert _kind(table, "2025-04-01") == "libur_nasional"
    for d in ("2025-03-28", "2025-04-02", "2025-04-03", "2025-04-04", "2025-04-07"):
        assert _kind(table, d) == "cuti_bersama", d
    assert _kind(table, "2025-04-08") is None


def test_christmas_and_independence_day_2025(table, cal):
    assert _kind(table, "2025-12-25") == "libur_nasional"
    assert _kind(table, "2025-12-26") == "cuti_bersama"
    assert _kind(table, "2025-08-17") == "libur_nasional"  # a Sunday: listed, harmless
    assert not cal.is_working_day("2025-12-25")
    assert not cal.is_working_day("2025-08-17")


def test_unverified_rows_say_so(table):
    y2027 = table.loc[table["tanggal"].dt.year == 2027, "sumber"]
    assert y2027.str.contains("belum diverifikasi|cek SKB", regex=True).all()


def test_csv_agrees_with_holidays_package(table):
    built = build_holiday_table(range(2023, 2028))
    assert set(built["tanggal"]) == set(table["tanggal"])
    merged = built.merge(table, on="tanggal", suffixes=("_pkg", "_csv"))
    assert (merged["jenis_pkg"] == merged["jenis_csv"]).all()


# --- busday_count semantics (data contract) ---------------------------------------------------


def test_same_day_is_zero_next_working_day_is_one(cal):
    assert cal.busday_count("2025-05-05", "2025-05-05") == 0  # Monday, same day
    assert cal.busday_count("2025-05-05 08:00", "2025-05-05 17:30") == 0
    assert cal.busday_count("2025-05-05", "2025-05-06") == 1  # Monday -> Tuesday


def test_across_weekend(cal):
    # Fri 2 May 2025 -> Mon 5 May: counts [Fri] only (Sat, Sun not working) = 1
    assert cal.busday_count("2025-05-02", "2025-05-05") == 1
    # start on a Saturday: [Sat, Sun] has no working day = 0
    assert cal.busday_count("2025-05-03", "2025-05-05") == 0


def test_across_national_holiday_and_cuti_bersama(cal):
    # Wed 24 Dec 2025 -> Mon 29 Dec: 24 working, 25 Natal, 26 cuti bersama, 27-28 weekend = 1
    assert cal.busday_count("2025-12-24", "2025-12-29") == 1
    # Thu 27 Mar 2025 -> Tue 8 Apr: 27 working; 28 cuti Nyepi; 29-30 weekend; 31, 1 Idul Fitri;
    # 2, 3, 4 cuti; 5-6 weekend; 7 cuti  => 1
    assert cal.busday_count("2025-03-27", "2025-04-08") == 1
    # the same without cuti bersama: 27, 28, 2, 3, 4, 7 => 6
    no_cuti = load_calendar(include_cuti_bersama=False)
    assert no_cuti.busday_count("2025-03-27", "2025-04-08") == 6


def test_saturday_weekmask(cal):
    sat = cal.with_weekmask("1111110")
    # Fri 2 May -> Mon 5 May with Saturdays working: [Fri, Sat] = 2
    assert sat.busday_count("2025-05-02", "2025-05-05") == 2
    # a holiday on a Saturday stays a holiday: Sat 29 Mar 2025 is Nyepi
    assert not sat.is_working_day("2025-03-29")
    assert sat.is_working_day("2025-05-03")


def test_vectorised_series_with_missing(cal):
    start = pd.Series(pd.to_datetime(["2025-05-02", None, "2025-12-24"]), index=[10, 11, 12])
    end = pd.Series(pd.to_datetime(["2025-05-05", "2025-05-05", "2025-12-29"]), index=[10, 11, 12])
    out = cal.busday_count(start, end)
    assert out.dtype == "Int64"
    assert list(out.index) == [10, 11, 12]
    assert out.iloc[0] == 1 and pd.isna(out.iloc[1]) and out.iloc[2] == 1
    assert working_days_between(start, end, cal).equals(out)


def test_matches_numpy_busday_count_on_random_dates(cal):
    rng = np.random.default_rng(1)
    a = np.datetime64("2023-01-01") + rng.integers(0, 1800, 500).astype("timedelta64[D]")
    b = a + rng.integers(0, 40, 500).astype("timedelta64[D]")
    expected = np.busday_count(a, b, weekmask="1111100", holidays=cal.holidays)
    np.testing.assert_array_equal(cal.busday_count(a, b), expected)


def test_add_working_days_and_roundtrip(cal):
    assert cal.add_working_days("2025-03-27", 1) == pd.Timestamp("2025-04-08")
    assert cal.add_working_days("2025-05-03", 0) == pd.Timestamp("2025-05-05")  # roll forward
    d = cal.add_working_days(np.array(["2025-01-06"] * 3, dtype="datetime64[D]"), [0, 5, 20])
    assert list(cal.busday_count(np.datetime64("2025-01-06"), d)) == [0, 5, 20]


def test_calendar_equality_and_hash(cal):
    again = WorkCalendar(list(cal.holidays)[::-1], "Mon Tue Wed Thu Fri", name="lain")
    assert again == cal and hash(again) == hash(cal)
    assert cal.with_weekmask("1111110") != cal


def test_bad_weekmask():
    with pytest.raises(ValueError, match="weekmask"):
        WorkCalendar([], "0000000")


# --- reading the file -------------------------------------------------------------------------


def test_read_table_semicolons_day_first_and_comments(tmp_path):
    p = tmp_path / "libur.csv"
    p.write_text(
        "# catatan\ntanggal;nama;jenis;sumber\n31/03/2025;Idul Fitri;libur_nasional;uji\n"
        "2025-04-02;Cuti;cuti_bersama;uji\n",
        encoding="utf-8",
    )
    t = read_holiday_table(p)
    assert list(t["tanggal"]) == [pd.Timestamp("2025-03-31"), pd.Timestamp("2025-04-02")]
    c = load_calendar(p, include_cuti_bersama=False)
    assert list(c.holidays) == [np.datetime64("2025-03-31")]


def test_read_table_bad_row_message_names_line_column_value(tmp_path):
    p = tmp_path / "libur.csv"
    p.write_text(
        "tanggal,nama,jenis,sumber\n2025-03-31,Idul Fitri,libur_nasional,uji\n"
        "2025-13-45,Salah,libur_nasional,uji\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"libur\.csv baris 3, kolom tanggal: nilai '2025-13-45'"):
        read_holiday_table(p)
    p.write_text("tanggal,nama,jenis,sumber\n2025-03-31,X,libur_daerah,uji\n", encoding="utf-8")
    with pytest.raises(ValueError, match="baris 2, kolom jenis"):
        read_holiday_table(p)


def test_explicit_missing_path_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_calendar(tmp_path / "tidak_ada.csv")


def test_fallback_to_holidays_package_warns(monkeypatch, tmp_path, cal):
    monkeypatch.setattr(calmod, "default_holiday_path", lambda: tmp_path / "hilang.csv")
    with pytest.warns(UserWarning, match="tidak ditemukan"):
        fb = calmod.load_calendar()
    assert fb == cal  # the package agrees with the shipped CSV for 2023-2027


# --- per-OPD calendars ------------------------------------------------------------------------


def test_calendars_for_opd_overrides(cal):
    opd = pd.DataFrame(
        {
            "kode_opd": ["RSUD", "KEC1", "DINAS"],
            "jenis_opd": ["rsud", "kecamatan", "dinas"],
        }
    )
    cals = calendars_for_opd(
        opd, overrides={"RSUD": "1111111", "kecamatan": "1111110"}, calendar=cal
    )
    assert cals["RSUD"].weekmask == "1111111"
    assert cals["KEC1"].weekmask == "1111110"
    assert cals["DINAS"] is cal  # no override: the default Monday-Friday calendar
    # a kode_opd key wins over a jenis_opd key
    cals = calendars_for_opd(
        opd, overrides={"kecamatan": "1111110", "KEC1": "1111100"}, calendar=cal
    )
    assert cals["KEC1"].weekmask == "1111100"
    # without overrides nobody works on Saturday
    assert {c.weekmask for c in calendars_for_opd(["A", "B"], calendar=cal).values()} == {"1111100"}


# --- properties -------------------------------------------------------------------------------

_DAY = st.integers(min_value=0, max_value=5 * 365)
_CAL = load_calendar()


@settings(max_examples=200, deadline=None)
@given(_DAY, _DAY, _DAY, st.sampled_from(["1111100", "1111110", "1111111"]))
def test_busday_count_is_additive_and_numpy(a, b, c, weekmask):
    cal = _CAL.with_weekmask(weekmask)
    base = np.datetime64("2023-01-01")
    x, y, z = sorted([base + a, base + b, base + c])
    assert cal.busday_count(x, y) + cal.busday_count(y, z) == cal.busday_count(x, z)
    assert cal.busday_count(x, z) == np.busday_count(
        x, z, weekmask=weekmask, holidays=_CAL.holidays
    )
    # a working day counts itself: [d, d+1) has 1 working day exactly when d is one
    assert cal.busday_count(x, x + 1) == int(cal.is_working_day(x))
