from __future__ import annotations

import pandas as pd
import pytest

from kinerja.domain.calendar import load_calendar
from kinerja.metrics.activity import activity_summary, report_lags


@pytest.fixture(scope="module")
def cal():
    return load_calendar()


PEGAWAI = pd.DataFrame({"nip": ["n1", "n2", "n3"], "kode_opd": ["X", "X", "Y"]})


@pytest.fixture
def laporan():
    rows = [
        # nip, tanggal, waktu_lapor, status, waktu_verifikasi
        ("n1", "2025-05-05", "2025-05-05 16:00", "disetujui", "2025-05-06 10:00"),  # 18 h
        ("n1", "2025-05-06", "2025-05-06 15:00", "disetujui", "2025-05-06 19:00"),  # 4 h
        ("n1", "2025-05-06", "2025-05-07 09:00", "menunggu", None),
        ("n2", "2025-05-09", "2025-05-12 10:00", "ditolak", "2025-05-12 12:00"),  # 2 h
        ("n2", "2025-05-10", "2025-05-10 10:00", "disetujui", "2025-05-10 12:00"),  # Saturday
        ("n3", "2025-05-07", "2025-05-07 17:00", "disetujui", "2025-05-08 09:00"),  # 16 h
        ("zz", "2025-05-07", "2025-05-07 17:00", "disetujui", None),  # unknown ASN: dropped
    ]
    df = pd.DataFrame(
        rows, columns=["nip", "tanggal", "waktu_lapor", "status_verifikasi", "waktu_verifikasi"]
    )
    for c in ("tanggal", "waktu_lapor", "waktu_verifikasi"):
        df[c] = pd.to_datetime(df[c])
    return df


def test_report_lags(laporan, cal):
    r = report_lags(laporan, PEGAWAI, cal)
    assert len(r) == 6
    n2 = r.loc[r["nip"] == "n2"].set_index("tanggal")
    # Fri 9 May reported Mon 12 May (Waisak): busday_count(9 May, 12 May) = 1 (only Fri 9);
    # hours after the end of 9 May: 10 May 00:00 -> 12 May 10:00 = 58 h
    assert n2.loc[pd.Timestamp("2025-05-09"), "jeda_lapor_hari_kerja"] == 1
    assert n2.loc[pd.Timestamp("2025-05-09"), "jeda_lapor_jam"] == 58.0
    assert not n2.loc[pd.Timestamp("2025-05-10"), "hari_kerja"]  # a Saturday


def test_activity_summary_hand_example(laporan, cal):
    s = activity_summary(laporan, PEGAWAI, cal).set_index("kode_opd")
    x = s.loc["X"]
    # window = first..last tanggal of the table = 5..10 May -> working days 5, 6, 7, 8, 9 = 5
    assert x["hari_kerja_bulan"] == 5
    # (ASN, working day) pairs: n1 {5, 6}, n2 {9} -> 3 of 2 ASN x 5 days = 30 %
    assert x["persen_hari_melapor"] == pytest.approx(30.0)
    assert (x["n_pegawai"], x["n_pegawai_melapor"], x["n_laporan"]) == (2, 2, 5)
    # lags in working days [0, 0, 1, 1, 0] -> median 0; hours [0, 0, 9, 58, 0] -> median 0
    assert x["median_jeda_lapor_hari_kerja"] == 0.0
    assert x["median_jeda_lapor_jam"] == 0.0
    assert x["persen_lapor_hari_sama"] == pytest.approx(60.0)
    # verification latency [18, 4, 2, 2] -> median 3
    assert x["median_latensi_verifikasi_jam"] == pytest.approx(3.0)
    assert x["persen_menunggu"] == pytest.approx(20.0)
    assert x["persen_ditolak"] == pytest.approx(20.0)
    y = s.loc["Y"]
    assert y["persen_hari_melapor"] == pytest.approx(20.0)  # 1 day of 1 ASN x 5
    assert y["median_latensi_verifikasi_jam"] == pytest.approx(16.0)


def test_saturday_calendar_changes_denominator(laporan, cal):
    cals = {"X": cal.with_weekmask("1111110"), "Y": cal}
    x = activity_summary(laporan, PEGAWAI, cals).set_index("kode_opd").loc["X"]
    # working days 5-10 May incl. Saturday = 6; pairs n1 {5, 6}, n2 {9, 10} = 4 -> 4 / 12
    assert x["hari_kerja_bulan"] == 6
    assert x["persen_hari_melapor"] == pytest.approx(100 * 4 / 12)


def test_periode_filter(laporan, cal):
    assert activity_summary(laporan, PEGAWAI, cal, periode="2025-06").empty
    assert len(activity_summary(laporan, PEGAWAI, cal, periode="2025-05")) == 2
