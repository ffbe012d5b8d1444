"""Control limits of kinerja.metrics.monitoring worked out by hand for small series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kinerja.metrics.monitoring.limits import (
    alpha_for,
    binomial_limits,
    estimate_series,
    individuals_limits,
    poisson_limits,
)

ALPHA = 0.0013498980316301035  # Φ(−3)


def test_alpha_is_the_three_sigma_tail():
    assert alpha_for(3.0) == pytest.approx(ALPHA, rel=1e-12)


def test_binomial_limits_n10_p08_by_hand():
    # P(X ≤ 3) = 0.2^10 + 10·0.8·0.2^9 + 45·0.8²·0.2^8 + 120·0.8³·0.2^7 = 0.000864 < α
    # P(X ≤ 4) = 0.000864 + 210·0.8⁴·0.2^6 = 0.006369 ≥ α  → L = 4 (x = 3 signals, 4 does not)
    # P(X > 9) = P(X = 10) = 0.8^10 = 0.107 > α, P(X > 10) = 0 → U = 10 (nothing above)
    p3 = sum(math.comb(10, k) * 0.8**k * 0.2 ** (10 - k) for k in range(4))
    assert p3 == pytest.approx(0.000864, abs=5e-7)
    lo, hi = binomial_limits([10], 0.8)
    assert (lo[0], hi[0]) == (4.0, 10.0)


def test_binomial_limits_n20_p05_by_hand():
    # P(X ≤ 3) = (1 + 20 + 190 + 1140) / 2^20 = 1351/1048576 = 0.001288 < α
    # P(X ≤ 4) = (1351 + 4845) / 2^20 = 0.005909 ≥ α → L = 4; by symmetry U = 16
    lo, hi = binomial_limits([20, 0, np.nan], 0.5)
    assert (lo[0], hi[0]) == (4.0, 16.0)
    assert np.isnan(lo[1]) and np.isnan(hi[2])


def test_poisson_limits_by_hand():
    # λ = 2: P(X ≤ 7) = e^-2 (1 + 2 + 2 + 4/3 + 2/3 + 4/15 + 4/45 + 8/315) = 0.998903
    #        → P(X > 7) = 0.0011 ≤ α, P(X > 6) = 0.0045 > α → U = 7; P(X ≤ 0) = 0.135 → L = 0
    # λ = 4: P(X > 10) = 0.00284 > α, P(X > 11) = 0.00093 ≤ α → U = 11
    lo, hi = poisson_limits([2.0, 4.0, 0.0])
    assert list(hi) == [7.0, 11.0, 0.0]
    assert list(lo) == [0.0, 0.0, 0.0]


def test_individuals_limits_by_hand():
    # 2, 4, 3, 5, 4: centre = median 4; moving ranges 2, 1, 2, 1 → median 1.5;
    # σ̂ = 1.5 / 0.954 = 1.572327; limits 4 ± 3 · 1.572327 = 4 ± 4.716981
    centre, s, lo, hi = individuals_limits([2, 4, 3, 5, 4])
    assert centre == 4.0
    assert s == pytest.approx(1.572327, abs=1e-6)
    assert (lo, hi) == pytest.approx((-0.716981, 8.716981), abs=1e-6)
    # a minimum half-width wins over a smaller 3σ̂
    assert individuals_limits([2, 4, 3, 5, 4], min_delta=5.0)[2:] == (-1.0, 9.0)
    # all values equal: σ̂ = 0, only min_delta keeps the chart from signalling on any change
    assert individuals_limits([1, 1, 1, 1], min_delta=1.0)[2:] == (0.0, 2.0)


def _frame(x, n, *, ok=None):
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    return pd.DataFrame(
        {
            "nilai": x / n,
            "x": x,
            "n": n,
            "cukup": np.ones(len(x), bool) if ok is None else ok,
            "dasar": np.ones(len(x), bool),
        }
    )


def test_p_chart_series_excludes_the_adverse_month_from_its_baseline():
    # six months 8/10 and one month 2/10: first p̄ = 50/70 = 0.714, where P(X ≤ 2) = 0.00056 < α
    # ≤ P(X ≤ 3) = 0.0034, so L = 3 and the month with 2 lies below it; it is dropped and p̄
    # becomes 48/60 = 0.8 → L = 4 (as above)
    f = _frame([8, 8, 8, 8, 8, 8, 2], [10] * 7)
    out = estimate_series(f, chart="p", adverse="turun")
    assert out["garis_tengah"].iloc[0] == pytest.approx(0.8)
    assert out["batas_bawah"].iloc[0] == pytest.approx(0.4)
    assert out["batas_atas"].iloc[0] == pytest.approx(1.0)
    assert out["dipakai_dasar"].tolist() == [True] * 6 + [False]
    assert out["n_bulan_dasar"].iloc[0] == 6
    assert set(out["status"]) == {"ok"}


def test_favourable_months_stay_in_the_baseline():
    # a month far better than usual (10/10) is not dropped: it is no warning
    f = _frame([8, 8, 8, 8, 8, 8, 10], [10] * 7)
    out = estimate_series(f, chart="p", adverse="turun")
    assert out["dipakai_dasar"].all()
    assert out["garis_tengah"].iloc[0] == pytest.approx(58 / 70)


def test_c_and_u_chart_series_by_hand():
    # c-chart: counts 2, 1, 3, 2, 2, 2 → c̄ = 2 → U = 7 (see above)
    c = pd.DataFrame(
        {
            "nilai": [2, 1, 3, 2, 2, 2],
            "x": [2, 1, 3, 2, 2, 2],
            "n": 1.0,
            "cukup": True,
            "dasar": True,
        }
    )
    out = estimate_series(c, chart="c", adverse="naik")
    assert out["garis_tengah"].iloc[0] == 2.0 and out["batas_atas"].iloc[0] == 7.0
    # u-chart: 24 events over 12 units of exposure → ū = 2 per unit; a month of exposure 2 is
    # judged against Poisson(4) → U = 11 events → limit 11 / 2 = 5.5 per unit
    x = [4, 5, 3, 4, 4, 4]
    u = pd.DataFrame({"nilai": [v / 2 for v in x], "x": x, "n": 2.0, "cukup": True, "dasar": True})
    out = estimate_series(u, chart="u", adverse="naik")
    assert out["garis_tengah"].iloc[0] == 2.0
    assert out["batas_atas"].iloc[0] == 5.5


def test_too_little_data_and_too_short_baseline():
    ok = np.array([True, True, True, True, True, True, False])
    out = estimate_series(_frame([8] * 7, [10] * 6 + [2], ok=ok), chart="p", adverse="turun")
    assert out["status"].tolist() == ["ok"] * 6 + ["data_kurang"]
    short = estimate_series(_frame([8] * 5, [10] * 5), chart="p", adverse="turun", min_months=6)
    assert set(short["status"]) == {"baseline_kurang"}
    assert short["batas_bawah"].isna().all()
    # a count chart whose baseline holds too few events has no limits either
    c = pd.DataFrame(
        {
            "nilai": [0, 1, 0, 0, 1, 0],
            "x": [0, 1, 0, 0, 1, 0],
            "n": 1.0,
            "cukup": True,
            "dasar": True,
        }
    )
    assert set(estimate_series(c, chart="c", adverse="naik", min_events=5)["status"]) == {
        "baseline_kurang"
    }
