"""Secondary suppression (issue 12 item 1): the rule that makes the audit pass by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja.protect.audit import audit_ledger
from kinerja.protect.ledger import Ledger
from kinerja.protect.secondary import band_small, protect_distribution, protect_line, subset_total
from kinerja.protect.tables import (
    protect_complaints,
    protect_ikm_services,
    protect_kota_jp,
    protect_kota_skp,
    protect_rates,
    protected_skp,
    record_line,
    safe_share,
)

PREDIKAT = ["Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"]


def test_dpmptsp_line_hides_baik_too():
    # SB 2, B 32, BP 1, KM 3, SK 2 (40): the four small cells hold 8 < 10 employees, so with
    # Baik shown each would lie in 0..8 (9 values); Baik is hidden as well
    res = protect_line([2, 32, 1, 3, 2], k=10)
    assert res.hidden.tolist() == [True] * 5
    assert res.primary.tolist() == [True, False, True, True, True]
    assert (res.total, res.small) == (40, False)


def test_large_line_adds_the_smallest_nonzero_cell():
    # DINKES: SK 4 alone (4 < 10) -> KM 10 joins: two hidden cells, 14 >= 10 employees
    res = protect_line([13, 448, 25, 10, 4], k=10)
    assert res.hidden.tolist() == [False, False, False, True, True]


def test_clean_and_small_lines():
    assert not protect_line([0, 35, 0, 0, 0], k=10).hidden.any()  # zeros in a big line stay
    small = protect_line([0, 6, 0, 0, 0], k=10)
    assert small.small and small.hidden.all()
    assert band_small(6, 10) == "< 10" and band_small(12, 10) == 12


@pytest.mark.parametrize("seed", range(40))
def test_rule_holds_and_the_lp_agrees(seed):
    rng = np.random.default_rng(seed)
    counts = rng.choice([0, 1, 2, 3, 5, 9, 10, 12, 40], size=rng.integers(2, 7))
    res = protect_line(counts, k=10)
    if not res.small and res.hidden.any():
        assert res.n_hidden >= 2 and counts[res.hidden].sum() >= 10
    ledger = Ledger()
    keys = [
        ledger.count(f"x/{i}", float(c), hidden=bool(h))
        for i, (c, h) in enumerate(zip(counts, res.hidden, strict=True))
    ]
    total = ledger.band("x/T", 0, 9) if res.small else ledger.count("x/T", float(counts.sum()))
    ledger.total(keys, total)
    findings = audit_ledger(ledger)
    assert findings["lolos"].all(), findings.to_string()


def test_subset_total_only_for_all_or_none_of_the_hidden_cells():
    counts, hidden = [2, 32, 1, 3, 2], [True, False, True, False, True]
    assert subset_total(counts, hidden, [True, True, False, False, False]) is None
    assert subset_total(counts, hidden, [False, True, False, True, False]) == 35
    assert subset_total(counts, hidden, [True, False, True, False, True]) == 5


def _dist(kode: str, counts: list[int], periode: str = "2025") -> pd.DataFrame:
    n = sum(counts)
    return pd.DataFrame(
        {
            "kode_opd": kode,
            "periode": periode,
            "predikat": PREDIKAT,
            "jumlah": counts,
            "persen": [c / n * 100 for c in counts],
        }
    )


def test_protect_distribution_per_group():
    dist = pd.concat([_dist("A", [2, 32, 1, 3, 2]), _dist("B", [0, 6, 0, 0, 0])], ignore_index=True)
    out = protect_distribution(dist, group_cols=("kode_opd",), k=10)
    assert out["_tersembunyi"].all()
    assert set(out["jumlah"]) == {"*"} and set(out["persen"]) == {"*"}
    assert out.attrs["suppressed_cells"] == 10 and out.attrs["small_groups"] == [("B",)]


def test_city_share_of_a_leaky_opd_is_hidden():
    # DISDUKCAPIL: SB 1, B 50, BP 2, KM 0, SK 2 (55). Before: SB, BP, SK hidden, B 50 shown, and
    # the city's "% Baik/Sangat Baik" 92,7 % of 55 gave SB = 51 − 50 = 1 back
    dist = pd.concat([_dist("DISDUKCAPIL", [1, 50, 2, 0, 2]), _dist("DINSOS", [0, 35, 0, 0, 0])])
    table = pd.DataFrame({"kode_opd": ["DISDUKCAPIL", "DINSOS"], "persen_baik": [92.7, 100.0]})
    out, ledger = protect_kota_skp(table, dist, k=10)
    assert pd.isna(out.loc[0, "persen_baik"]) and bool(out.loc[0, "_sup_persen_baik"])
    assert out.loc[1, "persen_baik"] == 100.0 and not bool(out.loc[1, "_sup_persen_baik"])
    assert [r["pembilang"] for r in ledger.relations] == [
        ["skp/DINSOS/2025/Sangat Baik", "skp/DINSOS/2025/Baik"]
    ]


def test_safe_share_and_record_line():
    prot = protected_skp(_dist("D", [13, 448, 25, 10, 4]), k=10)
    assert safe_share(prot, ("Sangat Baik", "Baik")) == pytest.approx(461 / 500 * 100)
    # KM and SK are exactly the hidden cells: their sum is total minus the shown cells
    assert safe_share(prot, ("Kurang/Misconduct", "Sangat Kurang")) == pytest.approx(14 / 5)
    assert safe_share(prot, ("Sangat Kurang",)) is None
    ledger = Ledger()
    keys, total = record_line(
        ledger, prot, stream="skp", kode_opd="D", periode="2025", k=10, source="t"
    )
    assert ledger.cells[total]["nilai"] == 500
    assert [ledger.cells[k]["tersembunyi"] for k in keys] == [False, False, False, True, True]


def test_rates_complementary():
    # Pelayanan lambat 5 (3 in time), Informasi 1 (1 in time), total 4 of 6 shown: Informasi
    # alone hidden would be 4 − 3 = 1 -> Pelayanan lambat hidden too; 0 < 4 < 6 then holds
    hidden, total_hidden = protect_rates([5, 1], [3, 1], k=5)
    assert hidden.tolist() == [True, True] and not total_hidden
    # every category on time: the hidden sum equals its capacity, so the total is hidden too
    hidden, total_hidden = protect_rates([5, 1], [5, 1], k=5)
    assert hidden.tolist() == [True, True] and total_hidden
    assert protect_rates([7, 9], [3, 1], k=5)[0].tolist() == [False, False]


def test_complaints_per_opd():
    summ = pd.DataFrame(
        {
            "kode_opd": ["A", "A", "B"],
            "kategori": ["Pelayanan lambat", "Informasi", "Lainnya"],
            "n_pengaduan": [5, 1, 8],
            "persen_ditanggapi_tepat_waktu": [60.0, 100.0, 50.0],
            "persen_selesai_tepat_waktu": [75.0, 100.0, 50.0],
        }
    )
    hidden, totals = protect_complaints(summ, k=5)
    assert hidden.tolist() == [True, True, False] and totals == {"A": False, "B": False}


def test_ikm_services_complementary():
    ps = pd.DataFrame({"jenis_layanan": ["Izin A", "Izin B", "Izin C"], "n_responden": [5, 1, 30]})
    assert protect_ikm_services(ps, k=5).tolist() == [True, True, False]


def test_city_jp_share_follows_the_hidden_band():
    # A: 12 employees, 10 with ≥ 20 JP, 1 with 0 JP, 1 with 12 JP: the band line hides the 10
    # too, so "83,3 % ≥ 20 JP" (10 / 12) must not appear in the city table; B: 20 of 20 shown
    jp = pd.DataFrame(
        {
            "kode_opd": ["A"] * 12 + ["B"] * 20,
            "jp": [25.0] * 10 + [0.0, 12.0] + [30.0] * 20,
        }
    )
    table = pd.DataFrame({"kode_opd": ["A", "B"], "persen_memenuhi_20jp": [83.3, 100.0]})
    out, ledger = protect_kota_jp(table, jp, target=20, year=2025, k=10)
    assert pd.isna(out.loc[0, "persen_memenuhi_20jp"]) and out.loc[1, "persen_memenuhi_20jp"] == 100
    assert out["_sup_persen_memenuhi_20jp"].tolist() == [True, False]
    assert [r["pembilang"] for r in ledger.relations] == [["jp/B/2025/20 JP atau lebih"]]
