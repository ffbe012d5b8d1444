"""Control limits of the monthly monitoring charts (statistical process control).

Four charts, each estimated from the OPD's own **baseline months** (Phase I, Montgomery,
*Introduction to Statistical Quality Control*, ch. 6–7):

- **p-chart** (a share of successes, e.g. requests finished within the published standard,
  UU 25/2009 Pasal 21 / reference.md §4.1): centre ``p̄ = Σx / Σn`` over the baseline months;
  *binomial probability limits* for a month with ``n`` units: the lower limit is the smallest
  count ``L`` with ``P(X ≤ L) ≥ α`` (X ~ Binomial(n, p̄)), so a month signals when ``x < L``,
  i.e. when ``P(X ≤ x) < α``; the upper limit ``U`` is the smallest count with ``P(X > U) ≤ α``.
  Limits are shown as shares ``L / n`` and ``U / n``. ``α = Φ(−k)`` with ``k = 3`` (0.135 % per
  side), the tail of the classic 3σ chart; unlike ``p̄ ± 3√(p̄(1−p̄)/n)`` the exact limits keep
  the false-alarm rate at or below α for small ``n`` and shares near 0 or 1.
- **c-chart** (a count per month, e.g. "Pelayanan lambat" complaints): centre ``c̄`` = mean
  count of the baseline months; Poisson probability limits as above (X ~ Poisson(c̄)).
- **u-chart** (a rate per unit of exposure, e.g. complaints per 1,000 requests): centre
  ``ū = Σc / Σe`` over the baseline; the month's count is judged against Poisson(``ū · e``) and
  the limits are shown as rates ``L / e`` and ``U / e``.
- **Individuals chart** (one measurement per month, e.g. the median lead time in working days):
  robust centre = median of the baseline values, robust ``σ̂ = median moving range / 0.954``
  (``d4`` for ranges of two; Wheeler's 3.145 × median MR for 3σ limits), limits
  ``centre ± max(k σ̂, min_delta)``: ``min_delta`` keeps a chart of coarse values (whole working
  days whose moving ranges are mostly 0) from signalling on the smallest possible change.

**Baseline (Phase I).** The limits come from the baseline months of the series that have enough
data. Months beyond the limits *on the adverse side* are then dropped from the baseline and the
limits re-estimated, until none is left (at most ``max_iter`` rounds): the slow months an
assignable cause explains must not widen the limits that judge them (Montgomery §6.3, "revised
control limits"). Months beyond the limits on the favourable side stay: they are the level the
OPD has shown it can reach. When fewer than ``min_months`` baseline months remain, the series has
no limits (status ``baseline_kurang``).

All functions are pure: arrays or DataFrames in, DataFrames or floats out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "CHARTS",
    "MEDIAN_MR_D4",
    "alpha_for",
    "binomial_limits",
    "estimate_arrays",
    "estimate_series",
    "individuals_limits",
    "poisson_limits",
]

Chart = Literal["p", "c", "u", "i"]
#: chart kinds: p (binomial share), c (Poisson count), u (Poisson rate), i (individuals)
CHARTS: tuple[str, ...] = ("p", "c", "u", "i")

#: E(median of |X1 − X2|) / σ for normal X: the robust moving-range constant (Wheeler)
MEDIAN_MR_D4 = 0.954


def alpha_for(sigma: float = 3.0) -> float:
    """One-sided tail ``Φ(−sigma)`` of a standard normal (0.00135 for ``sigma=3``)."""
    return 0.5 * math.erfc(sigma / math.sqrt(2.0))


def _log_factorials(upto: int) -> np.ndarray:
    """``log(k!)`` for ``k = 0..upto``."""
    out = np.zeros(upto + 1)
    if upto > 0:
        out[1:] = np.cumsum(np.log(np.arange(1, upto + 1, dtype=float)))
    return out


def _quantiles(cdf: np.ndarray, a: float) -> tuple[float, float]:
    """Smallest ``k`` with ``cdf[k] ≥ a`` and smallest ``k`` with ``1 − cdf[k] ≤ a``."""
    lo = int(np.searchsorted(cdf, a, side="left"))
    hi = int(np.searchsorted(cdf, 1.0 - a, side="left"))
    last = len(cdf) - 1
    return float(min(lo, last)), float(min(hi, last))


def binomial_limits(
    n: Sequence[float] | np.ndarray, p: float, *, sigma: float = 3.0
) -> tuple[np.ndarray, np.ndarray]:
    """Binomial probability limits (counts) for ``n`` units at share ``p``.

    Returns
    -------
    (lower, upper) : arrays of float
        ``lower``: smallest ``L`` with ``P(X ≤ L) ≥ α``; a count ``x < L`` signals.
        ``upper``: smallest ``U`` with ``P(X > U) ≤ α``; a count ``x > U`` signals.
        NaN where ``n`` is 0 or missing. The probabilities are summed exactly from the
        binomial terms (log-factorials), no normal approximation.
    """
    a = alpha_for(sigma)
    n_arr = np.asarray(n, dtype=float)
    lo = np.full(n_arr.shape, np.nan)
    hi = np.full(n_arr.shape, np.nan)
    ok = np.isfinite(n_arr) & (n_arr > 0)
    if not ok.any() or not np.isfinite(p):
        return lo, hi
    lf = _log_factorials(int(n_arr[ok].max()))
    cache: dict[int, tuple[float, float]] = {}
    for i in np.flatnonzero(ok):
        m = int(n_arr[i])
        if m not in cache:
            if p <= 0.0:
                cache[m] = (0.0, 0.0)
            elif p >= 1.0:
                cache[m] = (float(m), float(m))
            else:
                k = np.arange(m + 1)
                logpmf = lf[m] - lf[k] - lf[m - k] + k * np.log(p) + (m - k) * np.log1p(-p)
                cache[m] = _quantiles(np.cumsum(np.exp(logpmf)), a)
        lo[i], hi[i] = cache[m]
    return lo, hi


def poisson_limits(
    mean: Sequence[float] | np.ndarray, *, sigma: float = 3.0
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson probability limits (counts) for expected counts ``mean``.

    Same convention as :func:`binomial_limits`: ``x < lower`` or ``x > upper`` signals.
    """
    a = alpha_for(sigma)
    m = np.asarray(mean, dtype=float)
    lo = np.full(m.shape, np.nan)
    hi = np.full(m.shape, np.nan)
    ok = np.isfinite(m) & (m >= 0)
    if not ok.any():
        return lo, hi
    top = int(m[ok].max() + 12.0 * np.sqrt(m[ok].max()) + 30)
    lf = _log_factorials(top)
    k = np.arange(top + 1)
    for i in np.flatnonzero(ok):
        lam = float(m[i])
        if lam == 0.0:
            lo[i], hi[i] = 0.0, 0.0
            continue
        cdf = np.cumsum(np.exp(k * np.log(lam) - lam - lf))
        lo[i], hi[i] = _quantiles(cdf, a)
    return lo, hi


def individuals_limits(
    values: Sequence[float] | np.ndarray, *, sigma: float = 3.0, min_delta: float = 0.0
) -> tuple[float, float, float, float]:
    """Robust individuals chart of ``values`` (in time order): centre, σ̂, lower, upper.

    Notes
    -----
    centre = median(values); σ̂ = median(|values[t] − values[t−1]|) / 0.954;
    limits = centre ± max(sigma · σ̂, min_delta). With fewer than two values σ̂ is NaN.
    Example: 2, 4, 3, 5, 4 → centre 4, moving ranges 2, 1, 2, 1 → median 1.5,
    σ̂ = 1.5 / 0.954 = 1.5723, limits 4 ± 4.7170.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    centre = float(np.median(x))
    if x.size < 2:
        return (centre, np.nan, np.nan, np.nan)
    s = float(np.median(np.abs(np.diff(x)))) / MEDIAN_MR_D4
    half = max(sigma * s, min_delta)
    return (centre, s, centre - half, centre + half)


def _point_limits(
    chart: str,
    centre: float,
    spread: float,
    n: np.ndarray,
    *,
    sigma: float,
    min_delta: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-point (lower, upper, σ of the point) on the chart's value scale."""
    if chart == "p":
        lo, hi = binomial_limits(n, centre, sigma=sigma)
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.sqrt(centre * (1 - centre) / n)
            return lo / n, hi / n, sd
    if chart == "c":
        lo, hi = poisson_limits(np.full(n.shape, centre), sigma=sigma)
        return lo, hi, np.full(n.shape, math.sqrt(centre))
    if chart == "u":
        lo, hi = poisson_limits(centre * n, sigma=sigma)
        with np.errstate(invalid="ignore", divide="ignore"):
            return lo / n, hi / n, np.sqrt(centre / n)
    half = max(sigma * spread, min_delta) if np.isfinite(spread) else np.nan
    return (
        np.full(n.shape, centre - half),
        np.full(n.shape, centre + half),
        np.full(n.shape, spread),
    )


def _estimate(chart: str, x: np.ndarray, n: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Centre and spread from the baseline points (spread only for the individuals chart)."""
    if chart == "p":
        return (float(x.sum() / n.sum()) if n.sum() > 0 else np.nan, np.nan)
    if chart == "c":
        return (float(x.mean()), np.nan)
    if chart == "u":
        return (float(x.sum() / n.sum()) if n.sum() > 0 else np.nan, np.nan)
    centre, s, _, _ = individuals_limits(v)
    return (centre, s)


def _beyond(chart: str, x: np.ndarray, v: np.ndarray, n: np.ndarray, lo, hi, adverse: str):
    """Points beyond a limit on the adverse side (counts for attribute charts, values else)."""
    if chart in ("p", "u"):
        # back to counts (rounded: L / n * n is not always exactly L in floating point)
        lower, upper = np.round(lo * n, 6), np.round(hi * n, 6)
        obs = x
    elif chart == "c":
        lower, upper, obs = lo, hi, x
    else:
        lower, upper, obs = lo, hi, v
    with np.errstate(invalid="ignore"):
        if adverse == "turun":
            return obs < lower
        return obs > upper


def estimate_arrays(
    x: np.ndarray,
    n: np.ndarray,
    v: np.ndarray,
    ok: np.ndarray,
    dasar: np.ndarray,
    *,
    chart: str,
    adverse: str,
    sigma: float = 3.0,
    min_delta: float = 0.0,
    min_months: int = 6,
    max_iter: int = 10,
    min_events: float = 0.0,
) -> dict[str, np.ndarray | float | int]:
    """The core of :func:`estimate_series` on arrays of one series (time order).

    ``min_events``: for c/u charts, the baseline months used must hold at least this many
    events together, else the series has no limits.
    """
    if chart not in CHARTS:
        raise ValueError(f"jenis bagan tidak dikenal: {chart!r} (pilihan: {', '.join(CHARTS)})")
    m = len(v)
    use = ok & dasar & np.isfinite(v)
    centre = spread = np.nan
    lo = hi = sd = np.full(m, np.nan)
    for _ in range(max_iter):
        if use.sum() < min_months:
            break
        centre, spread = _estimate(chart, x[use], n[use], v[use])
        lo, hi, sd = _point_limits(chart, centre, spread, n, sigma=sigma, min_delta=min_delta)
        drop = use & _beyond(chart, x, v, n, lo, hi, adverse)
        if not drop.any():
            break
        use = use & ~drop
    enough = bool(use.sum() >= min_months and np.isfinite(centre))
    if enough and chart in ("c", "u") and x[use].sum() < min_events:
        enough = False
    if not enough:
        centre = spread = np.nan
        lo = hi = sd = np.full(m, np.nan)
        use = np.zeros(m, dtype=bool)
    if chart == "p":  # a share below 0 or above 1 is no limit at all
        lo, hi = np.clip(lo, 0.0, None), np.clip(hi, None, 1.0)
    status = np.where(~ok, "data_kurang", "ok" if enough else "baseline_kurang")
    return {
        "garis_tengah": np.full(m, centre),
        "batas_bawah": lo,
        "batas_atas": hi,
        "sigma_titik": sd,
        "dipakai_dasar": use,
        "n_bulan_dasar": np.full(m, int(use.sum())),
        "status": status,
    }


def estimate_series(
    frame: pd.DataFrame,
    *,
    chart: str,
    adverse: Literal["naik", "turun"],
    sigma: float = 3.0,
    min_delta: float = 0.0,
    min_months: int = 6,
    max_iter: int = 10,
    min_events: float = 0.0,
) -> pd.DataFrame:
    """Limits of one series (one OPD, indicator and service), Phase I with adverse exclusion.

    Parameters
    ----------
    frame : DataFrame
        One row per month in time order: ``nilai`` (value on the chart's scale: share 0..1 for
        p, count for c, rate per unit for u, measurement for i), ``x`` (count: successes for p,
        events for c/u), ``n`` (units for p, exposure for u), ``cukup`` (bool: enough data to be
        judged) and ``dasar`` (bool: in the baseline window).
    chart : {"p", "c", "u", "i"}
    adverse : {"naik", "turun"}
        The direction that is bad news (``turun``: a lower value is worse).
    sigma, min_delta, min_months, max_iter, min_events
        See the module notes and :func:`estimate_arrays`.

    Returns
    -------
    DataFrame
        ``frame`` plus ``garis_tengah, batas_bawah, batas_atas, sigma_titik`` (on the value
        scale), ``dipakai_dasar`` (bool: a baseline month used for the final limits),
        ``n_bulan_dasar`` (int) and ``status`` (``ok``, ``data_kurang``, ``baseline_kurang``).
    """
    out = frame.copy()
    x = out["x"].to_numpy(dtype=float) if "x" in out else np.full(len(out), np.nan)
    n = out["n"].to_numpy(dtype=float) if "n" in out else np.ones(len(out))
    res = estimate_arrays(
        x,
        n,
        out["nilai"].to_numpy(dtype=float),
        out["cukup"].to_numpy(dtype=bool),
        out["dasar"].to_numpy(dtype=bool),
        chart=chart,
        adverse=adverse,
        sigma=sigma,
        min_delta=min_delta,
        min_months=min_months,
        max_iter=max_iter,
        min_events=min_events,
    )
    for key, value in res.items():
        out[key] = value
    return out
