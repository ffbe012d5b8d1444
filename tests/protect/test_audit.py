"""The attacking audit (issue 12 item 2): LP intervals of hidden cells, on hand-built ledgers.

Each known attack of the issue is written as the ledger the old output published; the audit must
fail on it naming the cell, and pass on what the protected tables publish now.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kinerja.protect.audit import audit_ledger, audit_summary
from kinerja.protect.ledger import Ledger, LedgerConflict, cell_key

PREDIKAT = ["Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"]


def _skp_line(ledger: Ledger, kode: str, counts, hidden, total, *, source="opd") -> list[str]:
    keys = [
        ledger.count(cell_key("skp", kode, "2025", p), c, hidden=h, source=source)
        for p, c, h in zip(PREDIKAT, counts, hidden, strict=True)
    ]
    tkey = cell_key("skp", kode, "2025", "Jumlah")
    if total is None:
        ledger.band(tkey, 0, 9, source=source)
    else:
        ledger.count(tkey, total, source=source)
    ledger.total(keys, tkey)
    return keys


def _failing(findings):
    return dict(
        zip(
            findings.loc[~findings["lolos"], "sel"],
            findings.loc[~findings["lolos"], "alasan"],
            strict=True,
        )
    )


def test_dpmptsp_temuan_attack_fails_and_names_the_cell():
    # old output: table Baik 32, the rest hidden, title "40 pegawai dinilai"; Temuan "85,0% dari
    # 40 pegawai ... Baik atau Sangat Baik": Sangat Baik = 34 − 32 = 2
    ledger = Ledger()
    keys = _skp_line(ledger, "DPMPTSP", [2, 32, 1, 3, 2], [True, False, True, True, True], 40)
    ledger.share(keys[:2], [cell_key("skp", "DPMPTSP", "2025", "Jumlah")], 85.0, decimals=1)
    findings = audit_ledger(ledger)
    failing = _failing(findings)
    assert failing["skp/DPMPTSP/2025/Sangat Baik"] == "dapat dihitung tepat: 2"
    # even without the sentence, four hidden cells holding 8 employees keep only 0..8
    assert set(failing) == {f"skp/DPMPTSP/2025/{p}" for p in PREDIKAT if p != "Baik"}
    row = findings.set_index("sel").loc["skp/DPMPTSP/2025/Sangat Baik"]
    assert (row["batas_bawah"], row["batas_atas"], row["kandidat"]) == pytest.approx(
        (2, 2, 1), abs=0.03
    )
    assert audit_summary(findings)["status"] == "gagal"


def test_dpmptsp_protected_output_passes():
    ledger = Ledger()
    _skp_line(ledger, "DPMPTSP", [2, 32, 1, 3, 2], [True] * 5, 40)
    findings = audit_ledger(ledger)
    assert findings["lolos"].all()
    # each hidden cell: 0..40, 41 candidate values
    assert set(findings["kandidat"]) == {41}


def test_city_column_attack_across_outputs():
    # DISDUKCAPIL: the OPD report shows Baik 50, KM 0 and "55 pegawai dinilai"; the city overview
    # shows "% SKP Baik/Sangat Baik" 92,7 %: Sangat Baik = round(0,927 × 55) − 50 = 1
    report = Ledger()
    _skp_line(report, "DISDUKCAPIL", [1, 50, 2, 0, 2], [True, False, True, False, True], 55)
    city = Ledger()
    members = [city.count(cell_key("skp", "DISDUKCAPIL", "2025", p), None) for p in PREDIKAT[:2]]
    total = city.count(cell_key("skp", "DISDUKCAPIL", "2025", "Jumlah"), None)
    city.share(members, [total], 92.7, decimals=1, source="kota")
    alone = audit_ledger(report)
    assert not alone["lolos"].all()  # 5 employees hidden: 0..5 already fails the k rule
    both = _failing(audit_ledger(Ledger.combine([report, city])))
    assert both["skp/DISDUKCAPIL/2025/Sangat Baik"] == "dapat dihitung tepat: 1"


def test_curve_warning_attack_on_a_small_unit():
    # a 6-person unit whose table is all "*" (total "< 10"), and a curve warning "Pegawai Baik
    # 100,0%": every other predikat is pinned to 0
    ledger = Ledger()
    keys = _skp_line(ledger, "KEL-X", [0, 6, 0, 0, 0], [True] * 5, None)
    assert audit_ledger(ledger)["lolos"].all()  # each 0..9: 10 candidates
    ledger.share([keys[1]], [cell_key("skp", "KEL-X", "2025", "Jumlah")], 100.0, decimals=1)
    failing = _failing(audit_ledger(ledger))
    assert failing["skp/KEL-X/2025/Sangat Baik"] == "dapat dihitung tepat: 0"


def test_small_total_published_exactly_fails():
    # "(6 pegawai dinilai)" in the title: hidden cells in 0..6, 7 values < 10
    ledger = Ledger()
    _skp_line(ledger, "KEL-X", [0, 6, 0, 0, 0], [True] * 5, 6)
    failing = _failing(audit_ledger(ledger))
    assert failing["skp/KEL-X/2025/Baik"] == "hanya 7 kemungkinan nilai (0–6)"


def test_ikm_per_service_without_complement_is_recovered():
    # Izin A 5 respondents (80,56 shown), Izin B 1 respondent (hidden), OPD 6 respondents 81,20:
    # Izin B = 6 × 81,20 − 5 × 80,56 = 84,4 ± rounding
    def ledger(hide_a: bool) -> Ledger:
        led = Ledger()
        a = led.value(
            "ikm/D/2025/Izin A", 80.56, decimals=2, low=25, high=100, min_width=5, hidden=hide_a
        )
        b = led.value(
            "ikm/D/2025/Izin B", None, decimals=2, low=25, high=100, min_width=5, hidden=True
        )
        t = led.value("ikm/D/2025/Semua layanan", 81.20, decimals=2, low=25, high=100, min_width=5)
        led.mean([5, 1], [a, b], t, tolerance=0.01)
        return led

    failing = _failing(audit_ledger(ledger(hide_a=False)))
    assert failing["ikm/D/2025/Izin B"].startswith("dapat dipersempit menjadi 84.")
    assert audit_ledger(ledger(hide_a=True))["lolos"].all()


def test_rekap_publishing_a_hidden_cell_pins_it():
    # a cell hidden in the report but printed in the workbook
    report = Ledger()
    _skp_line(report, "D", [13, 448, 25, 10, 4], [False, False, False, True, True], 500)
    rekap = Ledger()
    rekap.count(cell_key("skp", "D", "2025", "Sangat Kurang"), 4, source="rekap")
    failing = _failing(audit_ledger(Ledger.combine([report, rekap])))
    assert failing == {
        "skp/D/2025/Sangat Kurang": "dapat dihitung tepat: 4",
        "skp/D/2025/Kurang/Misconduct": "dapat dihitung tepat: 10",
    }


def test_conflicting_numbers_are_refused():
    a, b = Ledger(), Ledger()
    a.count("skp/D/2025/Jumlah", 40, source="opd")
    b.count("skp/D/2025/Jumlah", 41, source="kota")
    with pytest.raises(LedgerConflict, match="skp/D/2025/Jumlah"):
        Ledger.combine([a, b])


def test_unbounded_and_json_round_trip():
    ledger = Ledger()
    ledger.count("x/1", None, hidden=True)  # nothing else published: no upper bound
    findings = audit_ledger(Ledger.from_dict(ledger.to_dict()))
    assert math.isinf(findings["batas_atas"].iloc[0]) and bool(findings["lolos"].iloc[0])


@pytest.mark.parametrize("seed", range(25))
def test_closed_form_of_a_single_sum_equals_the_lp(seed):
    rng = np.random.default_rng(seed)
    ledger = Ledger()
    counts = rng.integers(0, 15, size=rng.integers(2, 6))
    hidden = rng.random(len(counts)) < 0.6
    keys = [
        ledger.count(f"x/{i}", float(c), hidden=bool(h))
        for i, (c, h) in enumerate(zip(counts, hidden, strict=True))
    ]
    if rng.random() < 0.3:
        total = ledger.band("x/T", 0, 9)
    elif rng.random() < 0.5:
        total = ledger.count("x/T", None, hidden=True)
    else:
        total = ledger.count("x/T", float(counts.sum()))
    ledger.total(keys, total)
    ledger.total(keys, total)  # published twice (report and rekap): one constraint
    auto = audit_ledger(ledger, method="auto").set_index("sel")
    lp = audit_ledger(ledger, method="lp").set_index("sel")
    assert list(auto.index) == list(lp.index)
    for col in ("batas_bawah", "batas_atas"):
        a, b = auto[col].to_numpy(dtype=float), lp[col].to_numpy(dtype=float)
        assert np.allclose(
            np.where(np.isinf(a), 1e9, a), np.where(np.isinf(b), 1e9, b), atol=1e-6, equal_nan=True
        )
    assert auto["lolos"].tolist() == lp["lolos"].tolist()
