"""Monthly monitoring and early warning (``kinerja pantau``): statistical process control.

Between two evaluation forums an analyst needs to see which OPD, which service and which
indicator has just moved beyond its normal variation. The modules:

- :mod:`~kinerja.metrics.monitoring.indicators`: the monthly indicators (series table);
- :mod:`~kinerja.metrics.monitoring.limits`: p-, c-, u- and individuals-chart limits from the
  OPD's own baseline months (Phase I with adverse exclusion);
- :mod:`~kinerja.metrics.monitoring.rules`: the Western Electric / Nelson rules (adverse side);
- :mod:`~kinerja.metrics.monitoring.signals`: limits of every series, signals with Indonesian
  messages, months that cannot be judged;
- :mod:`~kinerja.metrics.monitoring.dampak`: "did the forum's decisions work?" — monthly
  outcomes, events and before/after comparisons with confidence intervals;
- :mod:`~kinerja.metrics.monitoring.config`: the ``pantau:`` options.

Everything is pure: DataFrames in, DataFrames out. :func:`monitor` runs the whole chain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from kinerja.metrics.monitoring.config import PantauConfig
from kinerja.metrics.monitoring.indicators import (
    INDICATORS,
    activity_series,
    complaint_series,
    followup_series,
    ikm_quarters,
    service_series,
)
from kinerja.metrics.monitoring.limits import (
    binomial_limits,
    estimate_series,
    individuals_limits,
    poisson_limits,
)
from kinerja.metrics.monitoring.rules import RULES, RuleConfig, apply_rules
from kinerja.metrics.monitoring.signals import (
    SIGNAL_COLUMNS,
    control_charts,
    insufficient,
    month_label,
    signals,
)

__all__ = [
    "INDICATORS",
    "RULES",
    "SIGNAL_COLUMNS",
    "Monitoring",
    "PantauConfig",
    "RuleConfig",
    "apply_rules",
    "baseline_window",
    "binomial_limits",
    "complete_months",
    "control_charts",
    "estimate_series",
    "individuals_limits",
    "insufficient",
    "monitor",
    "month_label",
    "poisson_limits",
    "signals",
]


def complete_months(
    dates: Sequence[pd.Series],
    *,
    last_working_day: Callable[[pd.Timestamp], pd.Timestamp] | None = None,
) -> list[pd.Timestamp]:
    """The complete months covered by the data, first to last (first days of the months).

    Parameters
    ----------
    dates : sequence of Series
        Date columns of the data (service requests, complaints, activity reports).
    last_working_day : callable, optional
        ``f(month_start) -> Timestamp``: the last working day of a month (the city calendar).
        Default: the month's last calendar day.

    Notes
    -----
    The latest month is complete when the data reaches its last working day; otherwise the
    month before is the latest. The first month is the month of the earliest date.
    """
    vals = [pd.to_datetime(d).dropna() for d in dates if d is not None and len(d)]
    if not vals:
        return []
    lo = min(v.min() for v in vals).normalize()
    hi = max(v.max() for v in vals).normalize()
    first = lo.to_period("M").start_time
    last = hi.to_period("M").start_time
    end = (
        last_working_day(last)
        if last_working_day is not None
        else (last + pd.offsets.MonthEnd(0)).normalize()
    )
    if hi < end:
        last = (last - pd.offsets.MonthBegin(1)).normalize()
    if last < first:
        return []
    return list(pd.date_range(first, last, freq="MS"))


def baseline_window(
    config: PantauConfig, months: Sequence[pd.Timestamp]
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The baseline window: ``baseline_mulai``/``baseline_selesai`` of ``config``, else the
    first and the latest complete month (``(NaT, NaT)`` without months)."""
    if not len(months):
        return (pd.NaT, pd.NaT)
    start = pd.Timestamp(config.baseline_mulai + "-01") if config.baseline_mulai else months[0]
    end = pd.Timestamp(config.baseline_selesai + "-01") if config.baseline_selesai else months[-1]
    return (pd.Timestamp(start), pd.Timestamp(end))


@dataclass
class Monitoring:
    """Every table of one monitoring run.

    Attributes
    ----------
    months : list of Timestamp
        Complete months of the data.
    baseline : (Timestamp, Timestamp)
        The baseline window used.
    charts : DataFrame
        :func:`~kinerja.metrics.monitoring.signals.control_charts` (chart scale).
    ikm : DataFrame
        IKM quarters with their confidence intervals.
    config : PantauConfig
    """

    months: list[pd.Timestamp]
    baseline: tuple[pd.Timestamp, pd.Timestamp]
    charts: pd.DataFrame
    ikm: pd.DataFrame
    config: PantauConfig

    def signals(self, bulan: pd.Timestamp | None = None) -> pd.DataFrame:
        """Signals of one month (all months when ``None``)."""
        return signals(self.charts, config=self.config, bulan=bulan)

    def insufficient(self, bulan: pd.Timestamp) -> pd.DataFrame:
        """Series the month cannot judge, with the reason."""
        return insufficient(self.charts, bulan, self.config)


def monitor(
    *,
    months: Sequence[pd.Timestamp],
    config: PantauConfig,
    kode_opd: Sequence[str],
    requests: pd.DataFrame | None = None,
    pengaduan: pd.DataFrame | None = None,
    activity: pd.DataFrame | None = None,
    verification: pd.DataFrame | None = None,
    tindak_lanjut: pd.DataFrame | None = None,
    skm: pd.DataFrame | None = None,
    as_of: pd.Timestamp | None = None,
) -> Monitoring:
    """Compute every series, its limits and status (the whole monitoring chain).

    Parameters
    ----------
    months : sequence of Timestamp
        Complete months to chart (:func:`complete_months`).
    config : PantauConfig
    kode_opd : sequence of str
        Every OPD (the ``opd`` table): count series include OPDs without events.
    requests, pengaduan, activity, tindak_lanjut, skm : DataFrame, optional
        :func:`kinerja.metrics.service.request_table` output, the ``pengaduan`` table,
        :func:`kinerja.metrics.activity.activity_summary` output, ``tindak_lanjut`` and ``skm``;
        ``verification`` is :func:`~kinerja.metrics.monitoring.indicators.verification_delay`;
        an absent table gives no series.
    as_of : Timestamp, optional
        Reference date of the follow-up register (default: the day after the last month).
    """
    months = [pd.Timestamp(m) for m in months]
    if not months:
        empty = pd.DataFrame(columns=SIGNAL_COLUMNS)
        return Monitoring([], (pd.NaT, pd.NaT), empty, pd.DataFrame(), config)
    start, end = baseline_window(config, months)
    parts = []
    if requests is not None and len(requests):
        parts.append(service_series(requests, months, min_permohonan=config.min_permohonan))
    if pengaduan is not None:
        parts.append(
            complaint_series(
                pengaduan, requests, months, kode_opd=kode_opd, min_permohonan=config.min_permohonan
            )
        )
    if activity is not None and len(activity):
        parts.append(
            activity_series(
                activity, months, verification=verification, min_pegawai=config.min_pegawai
            )
        )
    if tindak_lanjut is not None:
        ref = as_of if as_of is not None else months[-1] + pd.offsets.MonthBegin(1)
        parts.append(followup_series(tindak_lanjut, months, kode_opd=kode_opd, as_of=ref))
    series = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    ikm = (
        ikm_quarters(skm, months, min_responden=config.min_responden)
        if skm is not None and len(skm)
        else pd.DataFrame()
    )
    charts = (
        control_charts(series, baseline=(start, end), config=config, ikm=ikm)
        if len(series) or len(ikm)
        else pd.DataFrame()
    )
    return Monitoring(months, (start, end), charts, ikm, config)
