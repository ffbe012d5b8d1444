"""The monitoring of a whole data set: the inputs taken from a report data object, memoised.

:func:`monitoring_for` selects the inputs of :func:`kinerja.metrics.monitoring.monitor` from a
:class:`kinerja.metrics.store.ReportData` (its memoised metric tables: requests of the whole
log, e-kinerja activity, training waves) and keeps the result on the object, so the CLI, the
digest pages and the notebook compute it once.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.metrics.monitoring import Monitoring, PantauConfig, complete_months, monitor
from kinerja.metrics.monitoring.dampak import monthly_outcomes

__all__ = ["last_working_day_fn", "monitoring_for", "outcomes_for", "waves_for"]

_KEY = "pantau_monitoring"


def last_working_day_fn(calendar: Any) -> Any:
    """``f(month_start) -> last working day of the month`` under ``calendar`` (a WorkCalendar)."""

    def last(month: pd.Timestamp) -> pd.Timestamp:
        end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).normalize()
        days = pd.date_range(pd.Timestamp(month), end, freq="D")
        ok = calendar.is_working_day(days.to_numpy().astype("datetime64[D]"))
        return days[ok][-1] if ok.any() else end

    return last


def monitoring_for(data: Any) -> Monitoring:
    """The :class:`~kinerja.metrics.monitoring.Monitoring` of a report data object (memoised).

    Options from ``data.settings.pantau``; months from the service log, complaints and activity
    reports (the latest month counts when the data reaches its last working day under the city
    calendar: the holiday file and ``default.yaml``'s weekmask).
    """
    if _KEY in data.__dict__:
        return data.__dict__[_KEY]
    from kinerja.domain.calendar import load_calendar
    from kinerja.metrics.monitoring.indicators import verification_delay
    from kinerja.metrics.registry import calendars

    settings = data.settings
    config = PantauConfig.from_mapping(getattr(settings, "pantau", None))
    city = load_calendar(settings.holiday_path).with_weekmask(settings.weekmask)
    columns = (("layanan", "mulai"), ("pengaduan", "tanggal_masuk"), ("laporan_kinerja", "tanggal"))
    dates = [data.table(t)[c] for t, c in columns if data.has(t)]
    months = complete_months(dates, last_working_day=last_working_day_fn(city))
    codes = data.opd["kode_opd"].astype("str").tolist()
    requests = data.metric("service_all", None) if data.has("layanan") else None
    activity = verification = None
    if data.has("laporan_kinerja") and data.has("pegawai"):
        activity = data.metric("activity", None)
        verification = verification_delay(
            data.table("laporan_kinerja"), data.table("pegawai"), calendars(data)
        )
    result = monitor(
        months=months,
        config=config,
        kode_opd=codes,
        requests=requests,
        pengaduan=data.table("pengaduan") if data.has("pengaduan") else None,
        activity=activity,
        verification=verification,
        tindak_lanjut=data.table("tindak_lanjut") if data.has("tindak_lanjut") else None,
        skm=data.table("skm") if data.has("skm") else None,
    )
    data.__dict__[_KEY] = result
    return result


def outcomes_for(data: Any) -> pd.DataFrame:
    """Monthly outcomes per OPD for the Dampak panels (memoised; empty without a service log)."""
    key = "pantau_outcomes"
    if key not in data.__dict__:
        mon = monitoring_for(data)
        data.__dict__[key] = (
            monthly_outcomes(data.metric("service_all", None), mon.months)
            if data.has("layanan") and mon.months
            else pd.DataFrame()
        )
    return data.__dict__[key]


def waves_for(data: Any) -> pd.DataFrame | None:
    """Training waves of every OPD (``None`` without training or staff tables)."""
    if not (data.has("pelatihan") and data.has("pegawai")):
        return None
    return data.metric("waves", None)
