"""SKP predikat (PermenPANRB 6/2022, reference.md §2.3, §2.6) and PP 30/2019 scoring (§2.7)."""

from __future__ import annotations

import pandas as pd
import pytest

from kinerja.domain.schema import PREDIKAT, PREDIKAT_MATRIX
from kinerja.metrics.skp import (
    CurveRules,
    assess_skp,
    curve_warnings,
    normalize_org_predikat,
    normalize_predikat,
    pp30_score,
    predikat_from_ratings,
    skp_distribution,
)

ATAS, SESUAI, BAWAH = "Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi"
RATING_DTYPE = pd.CategoricalDtype([ATAS, SESUAI, BAWAH])
PREDIKAT_DTYPE = pd.CategoricalDtype(list(PREDIKAT))

# E2: the nine cells of §2.3, written out (hasil, perilaku) -> predikat
NINE_CELLS = [
    (ATAS, BAWAH, "Kurang/Misconduct"),
    (ATAS, SESUAI, "Baik"),
    (ATAS, ATAS, "Sangat Baik"),
    (SESUAI, BAWAH, "Kurang/Misconduct"),
    (SESUAI, SESUAI, "Baik"),
    (SESUAI, ATAS, "Baik"),
    (BAWAH, BAWAH, "Sangat Kurang"),
    (BAWAH, SESUAI, "Butuh Perbaikan"),
    (BAWAH, ATAS, "Butuh Perbaikan"),
]


def make_penilaian(pairs, *, periode="2026", predikat=None, nips=None):
    n = len(pairs)
    df = pd.DataFrame(
        {
            "nip": pd.array(nips or [f"19800101200501100{i}"[-18:] for i in range(n)], dtype="str"),
            "periode": pd.array([periode] * n, dtype="str"),
            "rating_hasil_kerja": pd.Series([h for h, _ in pairs], dtype=RATING_DTYPE),
            "rating_perilaku": pd.Series([p for _, p in pairs], dtype=RATING_DTYPE),
        }
    )
    df["predikat"] = pd.Series(
        predikat if predikat is not None else [None] * n, dtype=PREDIKAT_DTYPE
    )
    return df


@pytest.mark.parametrize(("hasil", "perilaku", "expected"), NINE_CELLS)
def test_nine_cells_golden(hasil, perilaku, expected):
    got = predikat_from_ratings(pd.Series([hasil]), pd.Series([perilaku]))
    assert got.iloc[0] == expected
    assert PREDIKAT_MATRIX[(hasil, perilaku)] == expected  # one matrix, in kinerja.domain.schema


def test_ratings_case_insensitive_and_na():
    got = predikat_from_ratings(
        pd.Series(["di atas ekspektasi", " SESUAI  Ekspektasi", None]),
        pd.Series(["DI ATAS EKSPEKTASI", "di bawah ekspektasi", ATAS]),
    )
    assert got.iloc[0] == "Sangat Baik"
    assert got.iloc[1] == "Kurang/Misconduct"
    assert pd.isna(got.iloc[2])
    assert list(got.cat.categories) == list(PREDIKAT)


def test_unknown_rating_is_a_clear_error():
    with pytest.raises(ValueError, match=r"rating_perilaku.*'Luar Biasa'"):
        predikat_from_ratings(pd.Series([ATAS]), pd.Series(["Luar Biasa"]))


def test_normalize_predikat_kurang_equals_misconduct():
    got = normalize_predikat(pd.Series(["Kurang", "kurang/misconduct", "SANGAT BAIK", None]))
    assert list(got.iloc[:3]) == ["Kurang/Misconduct", "Kurang/Misconduct", "Sangat Baik"]
    assert pd.isna(got.iloc[3])
    with pytest.raises(ValueError, match="predikat tidak dikenal"):
        normalize_predikat(pd.Series(["Istimewa"]))


def test_assess_skp_agreement():
    pairs = [(ATAS, ATAS), (ATAS, BAWAH), (BAWAH, SESUAI), (SESUAI, SESUAI)]
    pen = make_penilaian(pairs, predikat=["Sangat Baik", "Kurang/Misconduct", "Baik", None])
    out = assess_skp(pen)
    assert list(out["predikat_matriks"]) == [
        "Sangat Baik",
        "Kurang/Misconduct",
        "Butuh Perbaikan",
        "Baik",
    ]
    # supplied Baik vs matrix Butuh Perbaikan -> False (reported, not overwritten); none -> NA
    assert list(out["predikat_cocok"].iloc[:3]) == [True, True, False]
    assert pd.isna(out["predikat_cocok"].iloc[3])
    assert out["predikat"].iloc[2] == "Baik"
    assert "predikat_cocok" not in pen.columns  # input not mutated


def test_assess_skp_accepts_plain_kurang_and_missing_column():
    pen = make_penilaian([(SESUAI, BAWAH)]).drop(columns="predikat")
    pen["predikat"] = pd.array(["Kurang"], dtype="str")
    assert bool(assess_skp(pen)["predikat_cocok"].iloc[0]) is True
    out = assess_skp(pen.drop(columns="predikat"))
    assert out["predikat"].isna().all() and out["predikat_cocok"].isna().all()


def _pegawai(nips, opds):
    return pd.DataFrame(
        {"nip": pd.array(nips, dtype="str"), "kode_opd": pd.array(opds, dtype="str")}
    )


def test_distribution_all_five_present_with_zeros():
    # OPD A: 2 Baik, 1 Sangat Baik, 1 Sangat Kurang ; OPD B: 1 Butuh Perbaikan
    pairs = [(SESUAI, SESUAI), (ATAS, SESUAI), (ATAS, ATAS), (BAWAH, BAWAH), (BAWAH, ATAS)]
    nips = [f"N{i}" for i in range(5)]
    pen = make_penilaian(pairs, nips=nips)
    dist = skp_distribution(pen, _pegawai(nips, ["A", "A", "A", "A", "B"]))
    assert list(dist.columns) == ["kode_opd", "periode", "predikat", "jumlah", "persen"]
    assert len(dist) == 10  # 2 groups × 5 predikat
    a = dist.loc[dist["kode_opd"] == "A"]
    assert list(a["predikat"]) == list(PREDIKAT)  # ordered best -> worst
    assert list(a["jumlah"]) == [1, 2, 0, 0, 1]
    # persen = jumlah / 4 × 100
    assert list(a["persen"]) == [25.0, 50.0, 0.0, 0.0, 25.0]
    b = dist.loc[dist["kode_opd"] == "B"]
    assert list(b["jumlah"]) == [0, 0, 1, 0, 0]
    assert b["persen"].sum() == 100.0


def test_distribution_source_tercatat_and_periods():
    pairs = [(SESUAI, SESUAI), (SESUAI, SESUAI)]
    pen = pd.concat(
        [
            make_penilaian(
                pairs, nips=["N1", "N2"], periode="2026-TW1", predikat=["Sangat Baik", None]
            ),
            make_penilaian(pairs, nips=["N1", "N2"], periode="2026-TW2"),
        ],
        ignore_index=True,
    )
    peg = _pegawai(["N1", "N2"], ["A", "A"])
    m = skp_distribution(pen, peg)
    assert m.loc[(m["periode"] == "2026-TW1") & (m["predikat"] == "Baik"), "jumlah"].item() == 2
    t = skp_distribution(pen, peg, source="tercatat")
    tw1 = t.loc[t["periode"] == "2026-TW1"].set_index("predikat")["jumlah"]
    # supplied Sangat Baik counts; the blank one falls back to the matrix (Baik)
    assert tw1["Sangat Baik"] == 1 and tw1["Baik"] == 1


def _dist_for(counts_by_opd, periode="2026"):
    rows = []
    for opd, counts in counts_by_opd.items():
        total = sum(counts)
        for p, c in zip(PREDIKAT, counts, strict=True):
            rows.append(
                {
                    "kode_opd": opd,
                    "periode": periode,
                    "predikat": p,
                    "jumlah": c,
                    "persen": c / total * 100,
                }
            )
    return pd.DataFrame(rows)


def test_curve_warnings_sangat_kurang_golden_e2():
    # counts in PREDIKAT order: SB, B, BP, KM, SK
    dist = _dist_for(
        {
            "OK": [0, 2, 1, 1, 6],  # SK 60% (>= 60), KM+BP 20% (>= 10), no SB -> no warning
            "SB": [1, 1, 1, 1, 6],  # one Sangat Baik -> warning
            "LOW": [0, 3, 1, 1, 5],  # SK 50% < 60% -> warning
        }
    )
    org = {"OK": "Sangat Kurang", "SB": "Sangat Kurang", "LOW": "sangat kurang"}
    w = curve_warnings(dist, org)
    assert list(w.columns) == [
        "kode_opd",
        "periode",
        "predikat_organisasi",
        "aturan",
        "pesan",
        "nilai_persen",
        "catatan",
    ]
    assert "OK" not in set(w["kode_opd"])
    sb = w.loc[w["kode_opd"] == "SB"]
    assert list(sb["aturan"]) == ["Tidak boleh ada Sangat Baik"]
    assert sb["nilai_persen"].item() == 10.0  # 1 of 10
    low = w.loc[w["kode_opd"] == "LOW"]
    assert list(low["aturan"]) == ["Sangat Kurang sekurang-kurangnya 60%"]
    assert "50,0%" in low["pesan"].item()
    assert (w["predikat_organisasi"] == "Sangat Kurang").all()
    assert w["catatan"].str.contains("dugaan").all()
    assert w["catatan"].str.contains("peringatan", case=False).all()


def test_curve_warnings_other_patterns():
    dist = _dist_for(
        {
            "IST": [8, 2, 0, 0, 0],  # Istimewa: SB 80% > 70%
            "BAIK": [1, 9, 0, 0, 0],  # Baik: B 90% > 70% and no BP/KM
            "BP": [2, 3, 5, 0, 0],  # Butuh Perbaikan: BP 50% < 60; SB 20% > 10
            "KUR": [0, 2, 0, 8, 0],  # Kurang: KM 80% ok; BP 0% < 10
        }
    )
    org = {"IST": "Istimewa", "BAIK": "Baik", "BP": "Cukup", "KUR": "Kurang"}
    w = curve_warnings(dist, org)
    got = {(k, a) for k, a in zip(w["kode_opd"], w["aturan"], strict=True)}
    assert got == {
        ("IST", "Sangat Baik paling banyak 70%"),
        ("BAIK", "Baik paling banyak 70%"),
        ("BAIK", "Harus ada Butuh Perbaikan dan/atau Kurang/Misconduct"),
        ("BP", "Butuh Perbaikan sekurang-kurangnya 60%"),
        ("BP", "Sangat Baik paling banyak 10%"),
        ("KUR", "Butuh Perbaikan sekurang-kurangnya 10%"),
    }
    assert set(w.loc[w["kode_opd"] == "BP", "predikat_organisasi"]) == {"Butuh Perbaikan"}


def test_curve_rules_are_configurable():
    dist = _dist_for({"LOW": [0, 3, 1, 1, 5]})
    assert (
        len(curve_warnings(dist, {"LOW": "Sangat Kurang"}, rules=CurveRules(sk_min_sk=50.0))) == 0
    )
    assert (
        len(curve_warnings(dist, {"LOW": "Sangat Kurang"}, rules=CurveRules(sk_min_sk=None))) == 0
    )
    with pytest.raises(ValueError, match="0..100"):
        CurveRules(sk_min_sk=160.0)
    with pytest.raises(AttributeError):
        CurveRules().sk_min_sk = 1.0  # type: ignore[misc]


def test_curve_warnings_from_distribution_and_org_table():
    pairs = [(SESUAI, SESUAI), (BAWAH, BAWAH)]
    pen = make_penilaian(pairs, nips=["N1", "N2"])
    dist = skp_distribution(pen, _pegawai(["N1", "N2"], ["A", "A"]))
    org = pd.DataFrame(
        {"kode_opd": ["A"], "periode": ["2026"], "predikat_organisasi": ["Sangat Kurang"]}
    )
    w = curve_warnings(dist, org)
    # SK 50% < 60% ; KM+BP 0% < 10%
    assert set(w["aturan"]) == {
        "Sangat Kurang sekurang-kurangnya 60%",
        "Kurang/Misconduct dan/atau Butuh Perbaikan sekurang-kurangnya 10%",
    }
    other_period = org.assign(periode="2025")
    assert curve_warnings(dist, other_period).empty


def test_org_predikat_aliases():
    got = normalize_org_predikat(pd.Series(["Cukup", "Butuh Perbaikan (Cukup)", "istimewa"]))
    assert list(got) == ["Butuh Perbaikan", "Butuh Perbaikan", "Istimewa"]
    with pytest.raises(ValueError):
        normalize_org_predikat(pd.Series(["Luar biasa"]))


# ---------------------------------------------------------------------------- PP 30/2019 (E3)
def test_pp30_e3_weights():
    # 70/30: 100 × 0.7 + 90 × 0.3 = 70 + 27 = 97.0 -> Baik
    r = pp30_score(100, 90, weights=(70, 30))
    assert r["nilai"].item() == 97.0 and r["predikat"].item() == "Baik"
    # 60/40: 100 × 0.6 + 90 × 0.4 = 60 + 36 = 96.0 -> Baik
    r = pp30_score(100, 90, weights=(60, 40))
    assert r["nilai"].item() == 96.0 and r["predikat"].item() == "Baik"
    with pytest.raises(ValueError):
        pp30_score(100, 90, weights=(50, 50))


@pytest.mark.parametrize(
    ("score", "inovasi", "predikat", "dugaan"),
    [
        (112, False, "Baik", False),  # >= 110 without innovation stays Baik
        (112, True, "Sangat Baik", False),
        (110, True, "Sangat Baik", False),
        (109.99, True, "Baik", False),
        (90, False, "Baik", False),
        (89.99, False, "Cukup", False),
        (70, False, "Cukup", False),
        (69.99, False, "Kurang", True),  # likely band
        (50, False, "Kurang", True),
        (49.99, False, "Sangat Kurang", True),  # likely band
    ],
)
def test_pp30_bands_e3(score, inovasi, predikat, dugaan):
    # skp = perilaku = score -> nilai = score for both weightings
    r = pp30_score(score, score, inovasi=inovasi)
    assert r["nilai"].item() == score
    assert r["predikat"].item() == predikat
    assert bool(r["pita_dugaan"].item()) is dugaan
    if dugaan:
        assert "pp30-pita-kurang" in r["catatan"].item()


def test_pp30_vectorised_and_out_of_range():
    skp = pd.Series([100.0, 130.0], index=["a", "b"])
    r = pp30_score(skp, pd.Series([90.0, 130.0], index=["a", "b"]), inovasi=[False, True])
    assert list(r.index) == ["a", "b"]
    assert r.loc["a", "predikat"] == "Baik"
    assert pd.isna(r.loc["b", "predikat"])  # 130 > 120: no predikat
    assert "120" in r.loc["b", "catatan"]
    with pytest.raises(ValueError):
        pp30_score(-1, 90)
