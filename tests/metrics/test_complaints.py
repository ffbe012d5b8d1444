from __future__ import annotations

import pandas as pd
import pytest

from kinerja.domain.calendar import load_calendar
from kinerja.metrics.complaints import (
    ComplaintDeadlines,
    complaint_summary,
    complaint_times,
    complaint_volume,
    slow_service_vs_sla,
)


@pytest.fixture(scope="module")
def cal():
    return load_calendar()


@pytest.fixture
def pengaduan():
    return pd.DataFrame(
        {
            "id_pengaduan": ["a", "b", "c", "d", "e"],
            "kode_opd": ["X", "X", "Y", "Y", "Y"],
            "tanggal_masuk": pd.to_datetime(
                ["2025-03-27", "2025-05-05", "2025-05-05", "2025-05-05", "2025-06-02"]
            ),
            "kanal": ["SP4N-LAPOR!", "WhatsApp", "WhatsApp", "Langsung", "SP4N-LAPOR!"],
            "kategori": [
                "Pelayanan lambat",
                "Lain",
                "Pelayanan lambat",
                "Lain",
                "Pelayanan lambat",
            ],
            "tanggal_tanggapan": pd.to_datetime(
                ["2025-04-08", "2025-05-09", None, "2025-05-06", "2025-06-03"]
            ),
            "tanggal_selesai": pd.to_datetime(
                ["2025-04-09", None, None, "2025-05-20", "2025-06-04"]
            ),
            "isi": ["<b>teks warga</b>"] * 5,
            "status": ["selesai", "proses", "baru", "selesai", "selesai"],
        }
    )


def test_times_against_lapor_deadlines(pengaduan, cal):
    t = complaint_times(pengaduan, cal).set_index("id_pengaduan")
    # a: in Thu 27 Mar, answered Tue 8 Apr -> busday = 1 (Nyepi cuti, Idul Fitri, cuti bersama)
    #    settled 9 Apr: 1 working day after the answer -> both in time
    assert t.loc["a", "hari_kerja_tanggapan"] == 1
    assert t.loc["a", "hari_kerja_tindak_lanjut"] == 1
    assert t.loc["a", "hari_kerja_selesai"] == 2
    assert bool(t.loc["a", "ditanggapi_tepat_waktu"]) and bool(t.loc["a", "selesai_tepat_waktu"])
    # b: Mon 5 May -> Fri 9 May = [5, 6, 7, 8] = 4 > 3: late; not settled, no as_of -> NA
    assert t.loc["b", "hari_kerja_tanggapan"] == 4
    assert not bool(t.loc["b", "ditanggapi_tepat_waktu"])
    assert pd.isna(t.loc["b", "selesai_tepat_waktu"]) and bool(t.loc["b", "belum_selesai"])
    # c: not answered; without as_of its timeliness is unknown
    assert bool(t.loc["c", "belum_ditanggapi"]) and pd.isna(t.loc["c", "ditanggapi_tepat_waktu"])
    # d: answered next day (1); settled Tue 20 May: 6 May -> 20 May = 6-9 (4) + 14-16 (3) + 19 (1)
    #    = 8 working days (12 May Waisak, 13 May cuti bersama) > 5: late
    assert t.loc["d", "hari_kerja_tindak_lanjut"] == 8
    assert not bool(t.loc["d", "selesai_tepat_waktu"])
    assert "pengaduan-lapor" in t.loc["a", "catatan"]
    assert "isi" not in t.columns


def test_as_of_makes_overdue_unanswered_late(pengaduan, cal):
    t = complaint_times(pengaduan, cal, as_of="2025-05-09").set_index("id_pengaduan")
    # c: in 5 May, unanswered at 9 May: waited 4 working days > 3 -> late
    assert t.loc["c", "ditanggapi_tepat_waktu"] == False  # noqa: E712
    t = complaint_times(pengaduan, cal, as_of="2025-05-07").set_index("id_pengaduan")
    # waited 2 working days: still within the deadline -> unknown
    assert pd.isna(t.loc["c", "ditanggapi_tepat_waktu"])


def test_uu25_option_is_calendar_days_and_flagged(pengaduan, cal):
    rule = ComplaintDeadlines.uu_25_2009()
    t = complaint_times(pengaduan, cal, deadlines=rule).set_index("id_pengaduan")
    # a: 27 Mar -> 8 Apr = 12 calendar days <= 14; settled 9 Apr = 13 days from receipt <= 60
    assert t.loc["a", "hari_kerja_tanggapan"] == 12
    assert bool(t.loc["a", "ditanggapi_tepat_waktu"]) and bool(t.loc["a", "selesai_tepat_waktu"])
    assert "belum terkonfirmasi" in t.loc["a", "catatan"].lower()
    assert "pengaduan-uu25" in t.loc["a", "catatan"]


def test_per_opd_deadlines(pengaduan, cal):
    t = complaint_times(
        pengaduan, cal, deadlines_per_opd={"X": ComplaintDeadlines(tanggapan=5, selesai=10)}
    ).set_index("id_pengaduan")
    assert bool(t.loc["b", "ditanggapi_tepat_waktu"])  # 4 <= 5 for OPD X
    assert "5 hari kerja" in t.loc["b", "catatan"]
    assert "3 hari kerja" in t.loc["d", "catatan"]


def test_summary_keys_and_shares(pengaduan, cal):
    s = complaint_summary(complaint_times(pengaduan, cal))
    assert list(s.columns[:5]) == [
        "kode_opd",
        "kategori",
        "n_pengaduan",
        "persen_ditanggapi_tepat_waktu",
        "median_hari_tanggapan",
    ]
    y = s.set_index(["kode_opd", "kategori"])
    # Y / Pelayanan lambat: c (unknown) and e (answered next day: in time) -> 1 of 1 known = 100 %
    assert y.loc[("Y", "Pelayanan lambat"), "n_pengaduan"] == 2
    assert y.loc[("Y", "Pelayanan lambat"), "persen_ditanggapi_tepat_waktu"] == 100.0
    assert y.loc[("Y", "Pelayanan lambat"), "n_belum_ditanggapi"] == 1
    assert y.loc[("X", "Lain"), "persen_ditanggapi_tepat_waktu"] == 0.0
    assert y.loc[("X", "Lain"), "median_hari_tanggapan"] == 4.0


def test_volume(pengaduan):
    v = complaint_volume(pengaduan, by=("kode_opd", "kanal"))
    assert v["n_pengaduan"].sum() == 5
    assert v["persen"].sum() == pytest.approx(100.0)
    m = complaint_volume(pengaduan, by=("bulan",))
    assert list(m["n_pengaduan"]) == [1, 3, 1]
    assert list(
        complaint_volume(pengaduan, by=("kategori",), periode="2025-05")["n_pengaduan"]
    ) == [
        2,
        1,
    ]
    with pytest.raises(ValueError, match="tidak dikenal"):
        complaint_volume(pengaduan, by=("isi",))


def test_slow_service_beside_sla(pengaduan):
    req = pd.DataFrame(
        {
            "kode_opd": ["X", "X", "X", "Y", "Z"],
            "mulai": pd.to_datetime(["2025-05-02"] * 5),
            "tepat_waktu": pd.array([True, False, False, pd.NA, True], dtype="boolean"),
        }
    )
    out = slow_service_vs_sla(pengaduan, req).set_index("kode_opd")
    assert out.loc["X", "n_pengaduan_lambat"] == 1
    assert out.loc["Y", "n_pengaduan_lambat"] == 2
    assert out.loc["X", "n_terlambat"] == 2 and out.loc["X", "n_permohonan"] == 3
    assert out.loc["X", "persen_terlambat"] == pytest.approx(200 / 3)
    assert pd.isna(out.loc["Y", "persen_terlambat"])  # no standard known
    assert out.loc["Z", "n_pengaduan_lambat"] == 0
    monthly = slow_service_vs_sla(pengaduan, req, by_month=True)
    assert set(monthly.columns) >= {"kode_opd", "bulan", "n_pengaduan_lambat", "n_terlambat"}
    assert monthly["n_pengaduan_lambat"].sum() == 3
