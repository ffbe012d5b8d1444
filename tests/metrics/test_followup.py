"""Follow-up: mentoring candidates (internal) and the follow-up register status."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kinerja.metrics.followup import (
    PROGRAM_USULAN,
    followup_status,
    mentoring_candidates,
    overdue_items,
)
from kinerja.metrics.skp import assess_skp

ATAS, SESUAI, BAWAH = "Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi"
RATING = pd.CategoricalDtype([ATAS, SESUAI, BAWAH])
STATUS = pd.CategoricalDtype(["direncanakan", "berjalan", "selesai"])
TODAY = dt.date(2026, 11, 28)


def make_pegawai():
    return pd.DataFrame(
        {
            "nip": pd.array(["P1", "P2", "P3", "P4", "P5"], dtype="str"),
            "nama": pd.array(["Ani", "Budi", "Citra", "Dedi", "Eka"], dtype="str"),
            "kode_opd": pd.array(["A", "A", "A", "B", "B"], dtype="str"),
            "jabatan": pd.array(["Analis", "Pengelola", "Kasi", "Lurah", "Staf"], dtype="str"),
        }
    )


def make_penilaian():
    pairs = {
        "P1": (ATAS, ATAS),  # Sangat Baik
        "P2": (BAWAH, SESUAI),  # Butuh Perbaikan
        "P3": (BAWAH, BAWAH),  # Sangat Kurang
        "P4": (SESUAI, BAWAH),  # Kurang/Misconduct
        "P5": (SESUAI, SESUAI),  # Baik
    }
    rows = [(n, "2026", h, p) for n, (h, p) in pairs.items()]
    rows.append(("P1", "2025", BAWAH, ATAS))  # Butuh Perbaikan, an earlier period
    df = pd.DataFrame(rows, columns=["nip", "periode", "rating_hasil_kerja", "rating_perilaku"])
    df["rating_hasil_kerja"] = df["rating_hasil_kerja"].astype(RATING)
    df["rating_perilaku"] = df["rating_perilaku"].astype(RATING)
    return df


def test_mentoring_candidates_internal_only():
    out = mentoring_candidates(assess_skp(make_penilaian()), make_pegawai(), periode="2026")
    assert out.attrs["audience"] == "internal"
    assert "INTERNAL" in out.attrs["catatan"]
    assert "INTERNAL ONLY" in mentoring_candidates.__doc__
    assert list(out.columns) == [
        "nip",
        "nama",
        "kode_opd",
        "jabatan",
        "periode",
        "predikat",
        "program_usulan",
    ]
    # A: Sangat Kurang (P3) before Butuh Perbaikan (P2) ; B: Kurang/Misconduct (P4)
    assert list(out["nip"]) == ["P3", "P2", "P4"]
    assert list(out["predikat"]) == ["Sangat Kurang", "Butuh Perbaikan", "Kurang/Misconduct"]
    assert list(out["program_usulan"]) == [
        PROGRAM_USULAN["Sangat Kurang"],
        PROGRAM_USULAN["Butuh Perbaikan"],
        PROGRAM_USULAN["Kurang/Misconduct"],
    ]
    assert out.loc[out["nip"] == "P3", "nama"].item() == "Citra"


def test_mentoring_candidates_all_periods_and_custom_program():
    out = mentoring_candidates(make_penilaian(), make_pegawai())  # raw table assessed inside
    assert ("P1", "2025") in set(zip(out["nip"], out["periode"], strict=True))
    assert "P5" not in set(out["nip"])
    custom = {p: "program X" for p in ("Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang")}
    assert set(
        mentoring_candidates(make_penilaian(), make_pegawai(), program=custom)["program_usulan"]
    ) == {"program X"}
    with pytest.raises(ValueError, match="Sangat Kurang"):
        mentoring_candidates(make_penilaian(), make_pegawai(), program={"Butuh Perbaikan": "x"})


def make_tindak_lanjut():
    rows = [
        # id, nip, opd, tenggat, status, tanggal_selesai
        ("T1", "P1", "A", "2026-11-01", "berjalan", None),  # overdue by 27 days
        ("T2", None, "A", "2026-11-28", "direncanakan", None),  # due today: not late
        ("T3", "P2", "A", "2026-10-01", "selesai", "2026-10-05"),  # done 4 days late
        ("T4", "P3", "A", "2026-10-01", "selesai", "2026-09-30"),  # done on time
        ("T5", "P4", "B", "2026-11-27", "direncanakan", None),  # overdue by 1 day
        ("T6", "P5", "B", "2026-12-31", "berjalan", None),  # not due
        ("T7", None, "B", None, "berjalan", None),  # no deadline: never late
    ]
    df = pd.DataFrame(
        rows,
        columns=["id_tindak_lanjut", "nip", "kode_opd", "tenggat", "status", "tanggal_selesai"],
    )
    df["temuan"] = "temuan"
    df["rekomendasi"] = "rekomendasi"
    df["tenggat"] = pd.to_datetime(df["tenggat"])
    df["tanggal_selesai"] = pd.to_datetime(df["tanggal_selesai"])
    df["status"] = df["status"].astype(STATUS)
    for c in ("id_tindak_lanjut", "nip", "kode_opd"):
        df[c] = df[c].astype("str")
    return df


def test_followup_status_counts():
    st = followup_status(make_tindak_lanjut(), today=TODAY).set_index("kode_opd")
    # A: T1 berjalan (late), T2 direncanakan (due today), T3 selesai late, T4 selesai on time
    assert st.loc["A", ["n_total", "n_direncanakan", "n_berjalan", "n_selesai"]].tolist() == [
        4,
        1,
        1,
        2,
    ]
    assert st.loc["A", "n_terlambat"] == 1  # only T1
    assert st.loc["A", "n_selesai_terlambat"] == 1  # T3
    # B: T5 late by one day, T6 not due, T7 without tenggat
    assert st.loc["B", ["n_total", "n_terlambat", "n_selesai"]].tolist() == [3, 1, 0]
    assert "nip" not in st.columns
    assert "tindaklanjut-terlambat" in st["catatan"].iloc[0]


def test_followup_status_moves_with_today():
    st = followup_status(make_tindak_lanjut(), today="2026-11-29").set_index("kode_opd")
    assert st.loc["A", "n_terlambat"] == 2  # T2's deadline (28 Nov) has now passed


def test_overdue_items_forum_has_no_nip():
    out = overdue_items(make_tindak_lanjut(), today=TODAY)
    assert "nip" not in out.columns
    assert out.attrs["audience"] == "forum"
    assert list(out["id_tindak_lanjut"]) == ["T1", "T5"]  # most overdue first
    assert list(out["hari_terlambat"]) == [27, 1]  # 28 Nov − 1 Nov ; 28 Nov − 27 Nov
    internal = overdue_items(make_tindak_lanjut(), today=TODAY, audience="internal")
    assert list(internal["nip"]) == ["P1", "P4"]
    with pytest.raises(ValueError):
        overdue_items(make_tindak_lanjut(), today=TODAY, audience="publik")  # type: ignore[arg-type]


def test_unknown_status_is_a_clear_error():
    tl = make_tindak_lanjut()
    tl["status"] = tl["status"].astype("str")
    tl.loc[0, "status"] = "ditunda"
    with pytest.raises(ValueError, match=r"status.*ditunda"):
        followup_status(tl, today=TODAY)
