"""NIP (PNS) and NI PPPK: reference.md §5.1, §5.2 and the golden examples E4."""

from __future__ import annotations

import pandas as pd
import pytest

from kinerja.domain.nip import (
    is_valid_nip,
    nip_problems,
    nip_warnings,
    normalize_nip,
    normalize_nip_series,
    parse_nip,
)

# reference.md E4: NIP, birth, TMT, sex, serial
E4 = [
    ("196711101992031001", "1967-11-10", "1992-03", 1, "001"),
    ("197303141997022002", "1973-03-14", "1997-02", 2, "002"),
    ("19670610 198901 1 003", "1967-06-10", "1989-01", 1, "003"),
]


@pytest.mark.parametrize(("nip", "birth", "tmt", "sex", "serial"), E4)
def test_golden_examples_e4(nip, birth, tmt, sex, serial):
    p = parse_nip(nip)
    assert p["kind"] == "PNS"
    assert p["birth_date"] == pd.Timestamp(birth)
    assert p["tmt"] == tmt
    assert p["sex"] == sex
    assert p["jenis_kelamin"] == ("Laki-laki" if sex == 1 else "Perempuan")
    assert p["serial"] == serial
    assert is_valid_nip(nip)


def test_pppk_golden_example():
    p = parse_nip("200012312024211001")
    assert p["kind"] == "PPPK"
    assert p["birth_date"] == pd.Timestamp("2000-12-31")
    assert p["tmt"] == "2024" and p["tmt_year"] == 2024 and p["tmt_month"] is None
    assert p["phase"] == 1
    assert p["sex"] == 1
    assert p["serial"] == "001"
    assert is_valid_nip("200012312024211001", "PPPK")
    assert is_valid_nip("200012312024211001", None)
    # a PPPK number is not a valid PNS NIP (TMT "2024-21"), and a PNS NIP is not a valid NI PPPK
    assert not is_valid_nip("200012312024211001", "PNS")
    assert not is_valid_nip("196711101992031001", "PPPK")


@pytest.mark.parametrize(
    ("nip", "fragment"),
    [
        ("19671110199203100", "18 digit, bukan 17"),  # 17 digits
        ("196711101992033001", "jenis kelamin"),  # sex digit 3
        ("196711101992131001", "TMT"),  # TMT month 13
        ("196702301992031001", "tanggal lahir"),  # 30 February
        ("19671110199203100A", "angka"),
    ],
)
def test_negative_cases(nip, fragment):
    assert not is_valid_nip(nip)
    with pytest.raises(ValueError, match=fragment):
        parse_nip(nip)


def test_normalize_nip_strips_all_whitespace_and_excel_apostrophe():
    assert normalize_nip("19670610 198901 1 003") == "196706101989011003"
    assert normalize_nip(" 19670610\t198901\u00a01 003 ") == "196706101989011003"
    assert normalize_nip("'196711101992031001") == "196711101992031001"
    assert normalize_nip(196711101992031001) == "196711101992031001"
    assert normalize_nip(None) == ""


def test_vectorised_forms_agree_with_scalar():
    raw = pd.Series(
        [
            "196711101992031001",
            "19670610 198901 1 003",
            "19671110199203100",
            "196711101992033001",
            "196711101992131001",
            "200012312024211001",
            "200012312024211001",
            None,
        ],
        dtype="str",
    )
    pppk = pd.Series([False] * 6 + [True, False])
    nips = normalize_nip_series(raw)
    assert nips[1] == "196706101989011003"
    assert pd.isna(nips[7])
    problems = nip_problems(nips, pppk)
    assert problems.isna().tolist() == [True, True, False, False, False, False, True, True]
    assert "status_kepegawaian bukan PPPK" in problems[5]
    for i in range(6):
        status = "PPPK" if pppk[i] else "PNS"
        assert is_valid_nip(raw[i], status) == pd.isna(problems[i])


def test_heuristics_are_warnings_not_rejections():
    nips = pd.Series(["196711101992031000", "200012312010211001", "196711101992031001"])
    pppk = pd.Series([False, True, False])
    assert nip_problems(nips, pppk).isna().all()
    w = nip_warnings(nips, pppk)
    assert "000" in w[0]
    assert "18 tahun" in w[1]
    assert pd.isna(w[2])
