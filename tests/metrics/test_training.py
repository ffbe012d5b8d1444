"""Competency development: JP per ASN per year vs 20 JP (reference.md §3)."""

from __future__ import annotations

import pandas as pd
import pytest

from kinerja.metrics.training import (
    MENIT_PER_JP,
    classify_bentuk,
    jp_per_pegawai,
    minutes_to_jp,
    training_compliance,
    training_mix,
)

BENTUK = pd.CategoricalDtype(["klasikal", "nonklasikal"])


def make_pegawai():
    return pd.DataFrame(
        {
            "nip": pd.array(["P1", "P2", "P3", "P4"], dtype="str"),
            "nama": pd.array(["Ani", "Budi", "Citra", "Dedi"], dtype="str"),
            "kode_opd": pd.array(["A", "A", "A", "B"], dtype="str"),
            "jabatan": pd.array(["x"] * 4, dtype="str"),
            "status_kepegawaian": pd.Series(["PNS", "PNS", "PPPK", "PNS"], dtype="category"),
        }
    )


def make_pelatihan(rows):
    """rows: (nip, jenis, bentuk, tanggal_mulai, tanggal_selesai, jp)"""
    df = pd.DataFrame(
        rows, columns=["nip", "jenis", "bentuk", "tanggal_mulai", "tanggal_selesai", "jp"]
    )
    df["nip"] = df["nip"].astype("str")
    df["nama_pelatihan"] = df["jenis"].astype("str")
    df["jenis"] = df["jenis"].astype("str")
    df["bentuk"] = df["bentuk"].astype(BENTUK)
    df["tanggal_mulai"] = pd.to_datetime(df["tanggal_mulai"])
    df["tanggal_selesai"] = pd.to_datetime(df["tanggal_selesai"])
    df["jp"] = df["jp"].astype("float64")
    return df


PELATIHAN = [
    ("P1", "Bimbingan Teknis SAKIP", "klasikal", "2025-03-01", "2025-03-03", 12.0),
    ("P1", "E-Learning Anti Korupsi", "nonklasikal", "2025-06-10", "2025-06-20", 8.0),
    # spans New Year: counts entirely in 2025 (year of tanggal_mulai)
    ("P2", "Pelatihan Jarak Jauh Pelayanan", None, "2025-12-29", "2026-01-09", 15.5),
    ("P2", "Seminar Inovasi", None, "2024-12-30", "2025-01-02", 4.0),  # 2024, not 2025
    ("P3", "Coaching", "nonklasikal", "2026-02-01", "2026-02-02", 30.0),  # 2026
    ("Z9", "Kursus", "klasikal", "2025-05-05", "2025-05-06", 40.0),  # not in pegawai
]


def test_jp_per_pegawai_worked_example():
    jp = jp_per_pegawai(make_pelatihan(PELATIHAN), make_pegawai(), year=2025)
    assert list(jp["nip"]) == ["P1", "P2", "P3", "P4"]  # every pegawai, in order
    # P1: 12 + 8 = 20 -> meets 20 JP exactly ; P2: 15.5 (2025-12-29 start) -> short 4.5
    # P3: nothing started in 2025 -> 0 ; P4: no training at all -> 0
    assert list(jp["jp"]) == [20.0, 15.5, 0.0, 0.0]
    assert list(jp["n_pelatihan"]) == [2, 1, 0, 0]
    assert list(jp["memenuhi_target"]) == [True, False, False, False]
    assert list(jp["kekurangan_jp"]) == [0.0, 4.5, 20.0, 20.0]
    assert list(jp["status_kepegawaian"]) == ["PNS", "PNS", "PPPK", "PNS"]
    assert jp["catatan"].str.contains("jp-tahun-mulai").all()


def test_year_of_tanggal_mulai_and_other_target():
    jp24 = jp_per_pegawai(make_pelatihan(PELATIHAN), make_pegawai(), year=2024, target_jp=4)
    # the seminar starting 2024-12-30 counts in 2024 (4 JP), meets a target of 4
    assert jp24.set_index("nip").loc["P2", "jp"] == 4.0
    assert bool(jp24.set_index("nip").loc["P2", "memenuhi_target"]) is True
    jp26 = jp_per_pegawai(make_pelatihan(PELATIHAN), make_pegawai(), year=2026)
    assert jp26.set_index("nip").loc["P3", "jp"] == 30.0
    assert jp26.set_index("nip").loc["P2", "jp"] == 0.0  # the Dec-2025 training is not split


def test_float_sums_reach_the_target():
    # 0.1 × 200 in float is 19.99999999999996: the target must still count as met
    rows = [("P1", "Mentoring", "nonklasikal", "2025-01-02", "2025-01-02", 0.1)] * 200
    jp = jp_per_pegawai(make_pelatihan(rows), make_pegawai(), year=2025)
    assert bool(jp.set_index("nip").loc["P1", "memenuhi_target"]) is True
    assert jp.set_index("nip").loc["P1", "kekurangan_jp"] == 0.0


def test_training_compliance():
    jp = jp_per_pegawai(make_pelatihan(PELATIHAN), make_pegawai(), year=2025)
    comp = training_compliance(jp)
    assert list(comp.columns) == [
        "kode_opd",
        "n_pegawai",
        "n_memenuhi",
        "persen_memenuhi_20jp",
        "median_jp",
    ]
    a = comp.set_index("kode_opd").loc["A"]
    # A: P1 20 (meets), P2 15.5, P3 0 -> 1 of 3 = 33.33% ; median(20, 15.5, 0) = 15.5
    assert a["n_pegawai"] == 3 and a["n_memenuhi"] == 1
    assert a["persen_memenuhi_20jp"] == pytest.approx(100 / 3)
    assert a["median_jp"] == 15.5
    b = comp.set_index("kode_opd").loc["B"]
    assert (b["n_pegawai"], b["n_memenuhi"], b["persen_memenuhi_20jp"], b["median_jp"]) == (
        1,
        0,
        0.0,
        0.0,
    )
    city = training_compliance(jp, by=())
    assert city["n_pegawai"].item() == 4 and city["persen_memenuhi_20jp"].item() == 25.0


def test_training_mix_by_jenis_and_bentuk():
    mix = training_mix(make_pelatihan(PELATIHAN), make_pegawai(), year=2025)
    rows = {(r.kode_opd, r.jenis): r for r in mix.itertuples()}
    bimtek = rows[("A", "Bimbingan Teknis SAKIP")]
    assert (bimtek.bentuk, bimtek.n_pelatihan, bimtek.n_pegawai, bimtek.jp) == (
        "klasikal",
        1,
        1,
        12.0,
    )
    assert not bimtek.bentuk_diturunkan
    pjj = rows[("A", "Pelatihan Jarak Jauh Pelayanan")]
    # bentuk missing -> derived: "jarak jauh" is checked before the generic "pelatihan"
    assert pjj.bentuk == "nonklasikal" and pjj.bentuk_diturunkan
    assert "jp-klasikal" in pjj.catatan
    # the unknown NIP's course is kept under an empty kode_opd, not lost
    assert mix["jp"].sum() == 12.0 + 8.0 + 15.5 + 40.0
    city = training_mix(make_pelatihan(PELATIHAN), make_pegawai(), year=2025, by=())
    assert set(city.groupby("bentuk")["jp"].sum().items()) == {
        ("klasikal", 52.0),
        ("nonklasikal", 23.5),
    }


def test_classify_bentuk_mapping_is_configurable():
    jenis = pd.Series(["Bimtek Keuangan", "Magang di BKN", "Rapat koordinasi", None])
    got = classify_bentuk(jenis)
    assert got.iloc[0] == "klasikal" and got.iloc[1] == "nonklasikal"
    assert pd.isna(got.iloc[2]) and pd.isna(got.iloc[3])
    custom = classify_bentuk(jenis, mapping=[("rapat", "nonklasikal")])
    assert custom.iloc[2] == "nonklasikal" and pd.isna(custom.iloc[0])
    with pytest.raises(ValueError):
        classify_bentuk(jenis, mapping=[("rapat", "daring")])


def test_minutes_to_jp():
    assert MENIT_PER_JP == 45
    assert minutes_to_jp(900) == 20  # 900 / 45
    assert minutes_to_jp(450) == 10
    assert minutes_to_jp(120, menit_per_jp=60) == 2


def test_negative_jp_is_rejected():
    rows = [("P1", "Kursus", "klasikal", "2025-01-02", "2025-01-02", -3.0)]
    with pytest.raises(ValueError, match="jp"):
        jp_per_pegawai(make_pelatihan(rows), make_pegawai(), year=2025)
