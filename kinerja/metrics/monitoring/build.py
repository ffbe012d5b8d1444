"""The monitoring of a whole data set: the inputs taken from a report data object, memoised.

:func:`monitoring_for` selects the inputs of :func:`kinerja.metrics.monitoring.monitor` from a
:class:`kinerja.metrics.store.ReportData` (its memoised metric tables: requests of the whole
log, e-kinerja activity, training waves). The results are metric tables of
:mod:`kinerja.metrics.registry` (``pantau``, ``pantau_outcomes``, ``dampak``): computed once per
data object, warmed by the batch and kept in the Arrow metric store of a prepared cache, so the
CLI, the digest pages, the notebooks and the forum report's Dampak section share them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.metrics.monitoring import (
    Monitoring,
    PantauConfig,
    baseline_window,
    complete_months,
    monitor,
)
from kinerja.metrics.monitoring.dampak import dampak_tables, monthly_outcomes

__all__ = [
    "dampak_for",
    "dampak_table",
    "last_working_day_fn",
    "monitoring_for",
    "monitoring_tables",
    "outcomes_for",
    "outcomes_table",
    "waves_for",
]

_KEY = "pantau_monitoring"


def last_working_day_fn(calendar: Any) -> Any:
    """``f(month_start) -> last working day of the month`` under ``calendar`` (a WorkCalendar)."""

    def last(month: pd.Timestamp) -> pd.Timestamp:
        end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).normalize()
        days = pd.date_range(pd.Timestamp(month), end, freq="D")
        ok = calendar.is_working_day(days.to_numpy().astype("datetime64[D]"))
        return days[ok][-1] if ok.any() else end

    return last


def monitoring_tables(data: Any) -> dict[str, pd.DataFrame]:
    """The tables of the monitoring of a report data object (the metric ``pantau``).

    Options from ``data.settings.pantau``; months from the service log, complaints and activity
    reports (the latest month counts when the data reaches its last working day under the city
    calendar: the holiday file and ``default.yaml``'s weekmask).

    Returns
    -------
    dict
        ``charts`` and ``ikm`` (:class:`~kinerja.metrics.monitoring.Monitoring`) and ``bulan``
        (one column ``bulan``: the complete months), so the whole monitoring can be kept in the
        metric store (:mod:`kinerja.metrics.stored`) and rebuilt by :func:`monitoring_for`.
    """
    from kinerja.domain.calendar import load_calendar
    from kinerja.metrics.monitoring.indicators import verification_delay

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
        # the per-OPD calendars, memoised under the key kinerja.metrics.registry.calendars
        # uses (this module is imported by the registry, so it does not import it back)
        if "calendars" not in data.__dict__:
            data.__dict__["calendars"] = data.settings.calendars(data.opd)
        verification = verification_delay(
            data.table("laporan_kinerja"), data.table("pegawai"), data.__dict__["calendars"]
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
    return {
        "charts": result.charts,
        "ikm": result.ikm,
        "bulan": pd.DataFrame({"bulan": pd.to_datetime(pd.Series(result.months, dtype=object))}),
    }


def monitoring_for(data: Any) -> Monitoring:
    """The :class:`~kinerja.metrics.monitoring.Monitoring` of a report data object (memoised).

    Built from the metric ``pantau`` (:func:`monitoring_tables`; computed once, or read from the
    metric store of a prepared cache) and the ``pantau:`` options of the settings.
    """
    if _KEY in data.__dict__:
        return data.__dict__[_KEY]
    tables = data.metric("pantau", None)
    config = PantauConfig.from_mapping(getattr(data.settings, "pantau", None))
    months = [pd.Timestamp(m) for m in tables["bulan"]["bulan"]]
    result = Monitoring(
        months, baseline_window(config, months), tables["charts"], tables["ikm"], config
    )
    data.__dict__[_KEY] = result
    return result


def outcomes_for(data: Any) -> pd.DataFrame:
    """Monthly outcomes per OPD for the Dampak panels (the metric ``pantau_outcomes``)."""
    return data.metric("pantau_outcomes", None)


def outcomes_table(data: Any) -> pd.DataFrame:
    """Monthly outcomes of every OPD (:func:`monthly_outcomes`; empty without a service log)."""
    mon = monitoring_for(data)
    if data.has("layanan") and mon.months:
        return monthly_outcomes(data.metric("service_all", None), mon.months)
    return pd.DataFrame()


def dampak_for(data: Any) -> dict[str, pd.DataFrame]:
    """The Dampak tables of every OPD (the metric ``dampak``: :func:`dampak_tables`)."""
    return data.metric("dampak", None)


def dampak_table(data: Any) -> dict[str, pd.DataFrame]:
    """:func:`~kinerja.metrics.monitoring.dampak.dampak_tables` of a report data object."""
    mon = monitoring_for(data)
    return dampak_tables(
        kode_opd=data.opd["kode_opd"].astype("str").tolist(),
        requests=data.metric("service_all", None) if data.has("layanan") else None,
        ikm=mon.ikm,
        waves=waves_for(data),
        tindak_lanjut=data.table("tindak_lanjut") if data.has("tindak_lanjut") else None,
        months=mon.months,
    )


def waves_for(data: Any) -> pd.DataFrame | None:
    """Training waves of every OPD (``None`` without training or staff tables)."""
    if not (data.has("pelatihan") and data.has("pegawai")):
        return None
    return data.metric("waves", None)
