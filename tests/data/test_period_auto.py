"""``periode: auto``: the period chosen from the data (kinerja.data.periods), on tiny frames.

The rule (module docstring of kinerja.data.periods): the year of the latest quarter whose three
months all hold dated rows; without one, the year of the latest month; stray dates never form a
quarter; follow-up deadlines and SKP labels do not count as months.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kinerja.data.periods import (
    AUTO,
    EmptyPeriodError,
    data_months,
    describe,
    is_auto,
    period_notices,
    periods_with_data,
    resolve_periode,
    stream_coverage,
)


def _dates(start: str, end: str, freq: str = "7D") -> pd.Series:
    return pd.Series(pd.date_range(start, end, freq=freq))


def _tables(**streams: pd.Series) -> dict[str, pd.DataFrame]:
    """Tables with only the date column of each stream given (``skm=...``, ``layanan=...``)."""
    cols = {
        "skm": "tanggal",
        "layanan": "mulai",
        "pengaduan": "tanggal_masuk",
        "laporan_kinerja": "tanggal",
        "pelatihan": "tanggal_mulai",
        "tindak_lanjut": "tenggat",
    }
    out = {"opd": pd.DataFrame({"kode_opd": ["A"], "nama_opd": ["Dinas A"]})}
    for name, dates in streams.items():
        if name == "penilaian_skp":
            out[name] = pd.DataFrame({"periode": dates.astype("str")})
        else:
            out[name] = pd.DataFrame({cols[name]: pd.to_datetime(dates)})
    return out


def test_a_folder_of_2026_to_october_gives_2026():
    tables = _tables(
        skm=_dates("2026-01-05", "2026-10-20"), layanan=_dates("2026-01-02", "2026-10-30", "D")
    )
    choice = resolve_periode(tables)
    assert choice.periode == "2026" and choice.auto
    assert choice.line == "Periode: 2026 (data terakhir: Oktober 2026)"
    assert choice.empty_streams == {}


def test_a_few_weeks_of_a_new_year_do_not_push_aside_the_finished_year():
    tables = _tables(layanan=_dates("2025-01-02", "2026-01-20", "D"))
    choice = resolve_periode(tables)
    assert choice.periode == "2025"
    assert choice.line == (
        "Periode: 2025 (data terakhir: Desember 2025; "
        "data Januari 2026 belum membentuk satu triwulan lengkap)"
    )


def test_a_complete_quarter_of_the_new_year_makes_it_the_period():
    tables = _tables(layanan=_dates("2025-01-02", "2026-03-02", "D"))
    assert resolve_periode(tables).periode == "2026"
    # one month short of the quarter: still the finished year
    tables = _tables(layanan=_dates("2025-01-02", "2026-02-27", "D"))
    assert resolve_periode(tables).periode == "2025"


def test_without_a_complete_quarter_the_latest_month_decides():
    tables = _tables(skm=pd.Series(pd.to_datetime(["2026-01-10", "2026-02-03"])))
    choice = resolve_periode(tables)
    assert choice.periode == "2026"
    assert choice.line == "Periode: 2026 (data terakhir: Februari 2026)"


def test_a_stray_future_date_is_never_the_period():
    dates = pd.concat(
        [_dates("2025-01-02", "2025-12-31", "D"), pd.Series([pd.Timestamp("2099-05-01")])]
    )
    choice = resolve_periode(_tables(layanan=dates))
    assert choice.periode == "2025"
    assert "Mei 2099" in choice.line  # said, not chosen


def test_months_come_from_the_union_of_the_dated_streams_only():
    # each stream covers one month of the quarter: together the quarter is complete
    tables = _tables(
        skm=pd.Series(pd.to_datetime(["2026-04-10"])),
        pengaduan=pd.Series(pd.to_datetime(["2026-05-10"])),
        pelatihan=pd.Series(pd.to_datetime(["2026-06-10"])),
        layanan=_dates("2025-01-02", "2025-12-31", "D"),
        # deadlines lie in the future by nature: they never choose a period
        tindak_lanjut=_dates("2027-01-01", "2027-12-31", "D"),
        penilaian_skp=pd.Series(["2028", "2028-TW1"]),
    )
    months = data_months(tables)
    assert set(months["aliran"]) == {"skm", "pengaduan", "pelatihan", "layanan", "penilaian_skp"}
    assert resolve_periode(tables).periode == "2026"


def test_a_stream_without_rows_in_the_period_is_named_with_its_periods():
    tables = _tables(
        skm=_dates("2024-01-05", "2025-06-30"),
        layanan=_dates("2026-01-02", "2026-10-30", "D"),
        penilaian_skp=pd.Series(["2025", "2025-TW4"]),
    )
    choice = resolve_periode(tables)
    assert choice.periode == "2026"
    assert set(choice.empty_streams) == {"skm", "penilaian_skp"}
    assert choice.empty_streams["skm"] == (
        "Tidak ada data survei kepuasan masyarakat (SKM) pada periode 2026 (Tahun 2026); "
        "data survei kepuasan masyarakat (SKM) ada untuk periode: 2024, 2025."
    )
    assert "ada untuk periode: 2025." in choice.empty_streams["penilaian_skp"]
    # streams absent from the folder are not "empty", they are missing (validate says so)
    assert "pengaduan" not in choice.empty_streams


def test_an_explicit_period_is_kept_and_checked():
    tables = _tables(layanan=_dates("2025-01-02", "2025-12-31", "D"))
    choice = resolve_periode(tables, "2025-TW3")
    assert choice.periode == "2025-TW3" and not choice.auto
    assert choice.line.startswith("Periode: 2025-TW3 (dipilih di perintah atau parameter;")
    with pytest.raises(EmptyPeriodError) as err:
        resolve_periode(tables, "2024")
    text = str(err.value)
    assert text.startswith("Tidak ada data sama sekali pada periode 2024 (Tahun 2024).")
    assert "  - permohonan layanan: 2025" in text


def test_an_empty_month_lists_months_with_data():
    tables = _tables(skm=pd.Series(pd.to_datetime(["2025-02-10", "2025-03-01"])))
    with pytest.raises(EmptyPeriodError, match=r"SKM\): 2025-02, 2025-03"):
        resolve_periode(tables, "2025-07")


def test_no_dated_rows_at_all():
    with pytest.raises(EmptyPeriodError, match="tidak dapat dipilih otomatis"):
        resolve_periode(_tables())
    # SKP labels alone still give a year
    assert resolve_periode(_tables(penilaian_skp=pd.Series(["2024-TW2"]))).periode == "2024"


def test_periods_with_data_by_kind():
    tables = _tables(
        pengaduan=pd.Series(pd.to_datetime(["2025-02-10", "2025-11-01", "2026-01-03"])),
        penilaian_skp=pd.Series(["2025-TW2", "2025", "2026-03"]),
    )
    months = data_months(tables)
    assert periods_with_data(months, "pengaduan", "tahun") == ["2025", "2026"]
    assert periods_with_data(months, "pengaduan", "triwulan") == [
        "2025-TW1",
        "2025-TW4",
        "2026-TW1",
    ]
    assert periods_with_data(months, "pengaduan", "bulan") == ["2025-02", "2025-11", "2026-01"]
    assert periods_with_data(months, "penilaian_skp", "triwulan") == ["2025-TW2", "2026-TW1"]
    cov = stream_coverage(months, "2025-TW4").set_index("aliran")
    assert bool(cov.loc["pengaduan", "baris_periode"]) and not bool(cov.loc["skm", "ada_data"])
    # the annual label counts for a quarter of its year (the SKP section falls back to it)
    assert bool(cov.loc["penilaian_skp", "baris_periode"])
    assert period_notices(months, "2025-TW3") == [
        "Tidak ada data pengaduan pada periode 2025-TW3 (Triwulan III 2025); data pengaduan "
        "ada untuk periode: 2025-TW1, 2025-TW4, 2026-TW1."
    ]


def test_resolving_from_the_stored_months_gives_the_same_choice():
    tables = _tables(skm=_dates("2025-03-05", "2026-10-20"))
    months = data_months(tables)
    assert resolve_periode(None, months=months) == resolve_periode(tables)
    assert describe(tables) == ["Periode: 2026 (data terakhir: Oktober 2026)"]
    assert describe(tables, "2024")[0].startswith("Tidak ada data sama sekali pada periode 2024")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("", True), ("auto", True), (" AUTO ", True), ("2025", False)],
)
def test_is_auto(value, expected):
    assert is_auto(value) is expected and AUTO == "auto"


@pytest.mark.slow  # loads a folder (pandera validation)
def test_a_prepared_cache_is_read_one_column_at_a_time(tmp_path):
    from fixtures.builders import valid_tables, write_folder

    from kinerja.data.dataset import Dataset, load

    ds = load(write_folder(tmp_path / "data", valid_tables()))
    ds.save_cache(tmp_path / "cache")
    lazy = Dataset.from_cache(tmp_path / "cache", lazy=True)
    assert resolve_periode(lazy.tables) == resolve_periode(ds.tables)
    assert lazy.tables._loaded == {}  # no whole table was read for the choice
