"""Signal rules on constructed series, and the false-alarm rate of stable binomial series."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.metrics.monitoring.limits import alpha_for, estimate_arrays
from kinerja.metrics.monitoring.rules import RuleConfig, apply_rules, fire


def _chart(values, *, centre=10.0, half=3.0, sd=1.0, status=None):
    v = np.asarray(values, dtype=float)
    return pd.DataFrame(
        {
            "nilai": v,
            "garis_tengah": centre,
            "batas_bawah": centre - half,
            "batas_atas": centre + half,
            "sigma_titik": sd,
            "status": status if status is not None else ["ok"] * len(v),
        }
    )


def _fired(chart, adverse="naik", **rules):
    out = apply_rules(chart, adverse=adverse, rules=RuleConfig(**rules))
    return [(int(p), a) for p, a in zip(out["pos"], out["aturan"], strict=True)]


def test_point_beyond_limit_adverse_side_only():
    chart = _chart([10, 11, 14, 9, 6, 10])
    assert _fired(chart, "naik") == [(2, "batas")]
    assert _fired(chart, "turun") == [(4, "batas")]  # 6 < 7: lower side is bad news here
    # exactly on the limit is no signal
    assert _fired(_chart([13.0]), "naik") == []


def test_run_of_nine_on_the_adverse_side():
    values = [9, 11, 11, 11, 11, 11, 11, 11, 11, 11, 12, 9]
    fired = _fired(_chart(values), "naik", batas=True, tren=False)
    # months 1..9 are the first nine above the centre → fires at 9, again at 10 (run of ten)
    assert fired == [(9, "deret"), (10, "deret")]
    # the same run on the favourable side is silent
    assert _fired(_chart(values), "turun", tren=False) == []
    # a month on the centre line or a month with too little data breaks the run
    broken = list(values)
    broken[5] = 10
    assert _fired(_chart(broken), "naik", tren=False) == []
    status = ["ok"] * 12
    status[5] = "data_kurang"
    assert _fired(_chart(values, status=status), "naik", tren=False) == []


def test_run_does_not_count_months_beyond_the_limits():
    # six months beyond the limit (signalled by batas) then four inside: no run of nine
    values = [14, 14, 14, 14, 14, 14, 11, 11, 11, 11]
    fired = _fired(_chart(values), "naik", tren=False)
    assert [a for _, a in fired] == ["batas"] * 6


def test_trend_of_six():
    values = [7.5, 8, 8.5, 9, 9.5, 10, 10.5, 10.4]
    fired = _fired(_chart(values), "naik", deret=False)
    assert fired == [(5, "tren"), (6, "tren")]
    assert _fired(_chart(values[::-1]), "naik", deret=False) == []
    assert (
        _fired(
            _chart(values, status=["ok", "ok", "ok", "baseline_kurang", "ok", "ok", "ok", "ok"]),
            "naik",
            deret=False,
        )
        == []
    )


def test_two_of_three_beyond_two_sigma_when_enabled():
    values = [10, 12.5, 10, 12.2, 10]
    assert _fired(_chart(values), "naik", deret=False, tren=False) == []
    fired = _fired(_chart(values), "naik", deret=False, tren=False, dua_dari_tiga=True)
    assert fired == [(3, "dua_dari_tiga")]


def test_rule_config_from_parameters():
    cfg = RuleConfig.from_mapping({"deret": False, "panjang_tren": 7})
    assert (cfg.batas, cfg.deret, cfg.tren, cfg.trend_length, cfg.run_length) == (
        True,
        False,
        True,
        7,
        9,
    )


# ---------------------------------------------------------------------------------------------
# false alarms of stable binomial series

ALPHA = alpha_for(3.0)
RULES = RuleConfig(batas=True, deret=False, tren=False)


def _false_alarm_rate(p: float, n: int, months: int, n_series: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    alarms = 0
    nn = np.full(months, float(n))
    ok = np.ones(months, dtype=bool)
    for _ in range(n_series):
        x = rng.binomial(n, p, months).astype(float)
        res = estimate_arrays(x, nn, x / nn, ok, ok, chart="p", adverse="turun")
        alarms += len(
            fire(
                x / nn,
                res["status"],
                res["garis_tengah"],
                res["batas_bawah"],
                res["batas_atas"],
                res["sigma_titik"],
                adverse="turun",
                rules=RULES,
            )
        )
    return alarms / (n_series * months)


@settings(max_examples=12, deadline=None)
@given(
    p=st.floats(min_value=0.3, max_value=0.97),
    n=st.integers(min_value=20, max_value=400),
    months=st.integers(min_value=8, max_value=24),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_stable_binomial_series_raise_no_more_false_alarms_than_nominal(p, n, months, seed):
    # 300 stable series of one binomial process, limits from their own months (Phase I):
    # the share of months beyond the lower limit stays at or below Φ(−3) = 0.135 %, up to
    # Monte-Carlo noise (4 standard errors of a binomial count at the nominal rate)
    n_series = 300
    rate = _false_alarm_rate(p, n, months, n_series, seed)
    trials = n_series * months
    assert rate <= ALPHA + 4 * np.sqrt(ALPHA / trials)


def test_false_alarm_rate_is_near_nominal_for_large_n():
    # with many units per month the exact limits lose their discreteness, and a long baseline
    # pins p̄ down: the rate comes near the nominal 0.135 % (neither far above nor far below)
    rate = _false_alarm_rate(0.8, 5000, 60, 400, seed=7)
    assert 0.25 * ALPHA <= rate <= 2.0 * ALPHA
