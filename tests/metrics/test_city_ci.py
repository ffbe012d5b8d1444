"""The IKM's confidence interval, the t quantile and which IKM may be ranked (issue 13 item 5).

Worked by hand: a respondent's score is the mean of the elements he or she answered × 25
(PermenPANRB 14/2017: the IKM is the mean of the nine NRR × 25); the interval is
IKM ± t(0,975; n − 1) × s / √n.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kinerja.domain.schema import SKM_ELEMENTS
from kinerja.metrics.city import ikm_interval, rankable, t_quantile


@pytest.mark.parametrize(
    ("df", "expected"),
    [(1, 12.7062), (2, 4.3027), (4, 2.7764), (5, 2.5706), (10, 2.2281), (30, 2.0423)],
)
def test_t_quantile_matches_the_printed_table(df, expected):
    # two-sided 95 % values of any t table
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-5)


def test_t_quantile_limits():
    assert t_quantile(0.975, math.inf) == pytest.approx(1.959964, abs=1e-6)
    assert math.isnan(t_quantile(0.975, 0))


def _skm(rows: list[tuple[str, tuple[int | None, ...]]]) -> pd.DataFrame:
    data = {
        "kode_opd": [k for k, _ in rows],
        "tanggal": pd.to_datetime(["2025-03-01"] * len(rows)),
        "metode": ["2017"] * len(rows),
    }
    for i, e in enumerate(SKM_ELEMENTS):
        data[e] = pd.array([a[i] for _, a in rows], dtype="Int8")
    return pd.DataFrame(data)


def test_interval_by_hand():
    skm = _skm(
        [
            # A: scores 3 × 25 = 75, 4 × 25 = 100, 2 × 25 = 50: mean 75, s = 25,
            # SE = 25 / √3 = 14,4338, t(0,975; 2) = 4,3027 → margin 62,1042
            ("A", (3,) * 9),
            ("A", (4,) * 9),
            ("A", (2,) * 9),
            # B: a blank counts for nobody: (4 × 4 + 2 × 4) / 8 = 3 → 75; and 3 × 25 = 75:
            # s = 0, margin 0
            ("B", (4, 4, 4, 4, 2, 2, 2, 2, None)),
            ("B", (3,) * 9),
        ]
    )
    out = ikm_interval(skm, by=("kode_opd",), periode="2025").set_index("kode_opd")
    assert out.loc["A", "n_ci"] == 3
    assert out.loc["A", "galat_baku"] == pytest.approx(25 / math.sqrt(3))
    assert out.loc["A", "margin_ikm"] == pytest.approx(4.302653 * 25 / math.sqrt(3), abs=1e-4)
    assert out.loc["B", "margin_ikm"] == 0
    # the whole city: scores 75, 100, 50, 75, 75: mean 75, s = √(1250 / 4) = 17,6777
    city = ikm_interval(skm, by=())
    assert city["n_ci"].iloc[0] == 5
    assert city["galat_baku"].iloc[0] == pytest.approx(math.sqrt(1250 / 4) / math.sqrt(5))


def test_interval_leaves_out_other_periods_and_methods():
    skm = _skm([("A", (3,) * 9), ("A", (4,) * 9), ("A", (2,) * 9)])
    skm.loc[2, "metode"] = "2004"
    skm.loc[1, "tanggal"] = pd.Timestamp("2024-12-31")
    out = ikm_interval(skm, by=("kode_opd",), periode="2025")
    assert out["n_ci"].tolist() == [1]
    assert math.isnan(out["margin_ikm"].iloc[0])  # one respondent: no spread to measure


def test_rankable():
    ikm = pd.Series([80.0, 81.0, None, 70.0])
    memadai = pd.Series([True, False, True, None], dtype="boolean")
    # inadequate sample: no rank; unknown adequacy (no population) keeps its rank
    assert rankable(ikm, memadai).tolist() == [True, False, False, True]
