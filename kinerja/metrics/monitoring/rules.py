"""Signal rules on a control chart (Western Electric 1956; Nelson 1984), adverse side only.

A monitoring signal is bad news that has just appeared, so every rule looks at the **adverse**
side of the chart only (lower on-time share, longer lead time, more complaints); a move to the
good side is no warning. Each rule fires in the month that completes its pattern:

- ``batas`` (WE 1 / Nelson 1): the month lies beyond the control limit;
- ``deret`` (WE 4 / Nelson 2): ``run_length`` months in a row strictly on the adverse side of
  the centre line (8 in Western Electric, 9 in Nelson; a month exactly on the centre line ends
  the run);
- ``tren`` (Nelson 3): ``trend_length`` months in a row, each strictly worse than the one before
  (6 in Nelson: five steps in the same direction);
- ``dua_dari_tiga`` (WE 2 / Nelson 5): 2 of 3 consecutive months beyond 2σ on the adverse side,
  the month itself being one of them.

Months with too little data (status ``data_kurang``) are never judged and break runs and trends;
a series without limits (``baseline_kurang``) is never judged. Runs and trends count only months
inside the limits: a month beyond them is signalled by ``batas`` already and restarts the count,
so the months of one special cause (a slow half-year) do not spill a run into the months after
it (a deliberate departure from the textbook rules, which count every point).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["RULES", "RuleConfig", "apply_rules", "fire"]

#: rule keys in the order they are reported
RULES: tuple[str, ...] = ("batas", "dua_dari_tiga", "deret", "tren")


@dataclass(frozen=True)
class RuleConfig:
    """Which rules are on and their lengths (``pantau.aturan`` of ``parameters/default.yaml``)."""

    batas: bool = True
    dua_dari_tiga: bool = False
    deret: bool = True
    tren: bool = True
    run_length: int = 9
    trend_length: int = 6

    @classmethod
    def from_mapping(cls, values: Mapping[str, object] | None) -> RuleConfig:
        """Build from the ``aturan`` mapping of the settings (``panjang_deret``, ``panjang_tren``)."""
        v = dict(values or {})
        return cls(
            batas=bool(v.get("batas", True)),
            dua_dari_tiga=bool(v.get("dua_dari_tiga", False)),
            deret=bool(v.get("deret", True)),
            tren=bool(v.get("tren", True)),
            run_length=int(v.get("panjang_deret", 9)),
            trend_length=int(v.get("panjang_tren", 6)),
        )


def _streak(flags: np.ndarray) -> np.ndarray:
    """Length of the run of True ending at each position."""
    out = np.zeros(len(flags), dtype=np.int64)
    run = 0
    for i, f in enumerate(flags):
        run = run + 1 if f else 0
        out[i] = run
    return out


def fire(
    v: np.ndarray,
    status: np.ndarray,
    centre: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    sd: np.ndarray,
    *,
    adverse: str,
    rules: RuleConfig,
) -> list[tuple[int, str, int]]:
    """The rules firing in one series given as arrays: ``[(position, rule, length), ...]``.

    Runs and trends count only months judged *inside* the limits: a month beyond them is
    signalled by ``batas`` already and starts the count afresh, so the months of a special cause
    (e.g. a slow half-year) do not spill a run into the months after it.
    """
    sign = -1.0 if adverse == "turun" else 1.0
    judged = (status == "ok") & np.isfinite(v)
    out: list[tuple[int, str, int]] = []
    with np.errstate(invalid="ignore"):
        beyond = judged & ((v < lo) if adverse == "turun" else (v > hi))
        if rules.batas:
            out += [(int(i), "batas", 1) for i in np.flatnonzero(beyond)]
        inside = judged & ~beyond
        dev = sign * (v - centre)
        if rules.dua_dari_tiga:
            far = judged & (dev > 2.0 * sd)
            for i in np.flatnonzero(far):
                if far[max(0, i - 2) : i + 1].sum() >= 2:
                    out.append((int(i), "dua_dari_tiga", 3))
        if rules.deret:
            run = _streak(inside & (dev > 0))
            out += [(int(i), "deret", int(run[i])) for i in np.flatnonzero(run >= rules.run_length)]
        if rules.tren:
            worse = np.zeros(len(v), dtype=bool)
            worse[1:] = inside[1:] & inside[:-1] & (sign * (v[1:] - v[:-1]) > 0)
            steps = _streak(worse)
            out += [
                (int(i), "tren", int(steps[i]) + 1)
                for i in np.flatnonzero(steps >= rules.trend_length - 1)
            ]
    order = {r: k for k, r in enumerate(RULES)}
    return sorted(out, key=lambda t: (t[0], order[t[1]]))


def apply_rules(chart: pd.DataFrame, *, adverse: str, rules: RuleConfig) -> pd.DataFrame:
    """The rules that fire in each month of one series.

    Parameters
    ----------
    chart : DataFrame
        One series in time order, as :func:`kinerja.metrics.monitoring.limits.estimate_series`
        returns it (``nilai, garis_tengah, batas_bawah, batas_atas, sigma_titik, status``).
    adverse : {"naik", "turun"}
    rules : RuleConfig

    Returns
    -------
    DataFrame
        One row per (month, rule) that fires: ``pos`` (row position in ``chart``), ``aturan``,
        ``panjang`` (months in the pattern: 1 for ``batas``).
    """
    cols = ("nilai", "garis_tengah", "batas_bawah", "batas_atas", "sigma_titik")
    v, centre, lo, hi, sd = (chart[c].to_numpy(dtype=float) for c in cols)
    rows = fire(v, chart["status"].to_numpy(), centre, lo, hi, sd, adverse=adverse, rules=rules)
    return pd.DataFrame(rows, columns=["pos", "aturan", "panjang"])
