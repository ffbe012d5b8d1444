"""All service tables from one pass over the event log (:func:`service_tables`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.service.arrays import _dense
from kinerja.metrics.service.events import SERVICE_KEYS, Calendars, _core, _in_period
from kinerja.metrics.service.leadtime import (
    _attach_bottleneck,
    _requests_frame,
    _summary_arrays,
)
from kinerja.metrics.service.stages import (
    _bottleneck_arrays,
    _bottleneck_frame,
    _stage_frame,
    _stage_summary_arrays,
)


def service_tables(
    layanan: pd.DataFrame,
    standar: pd.DataFrame | None,
    calendars: Calendars,
    *,
    periode: str | Periode | None = None,
    include_events: bool = False,
) -> dict[str, pd.DataFrame]:
    """All service tables in one pass over the log (the benchmark's entry point).

    Parameters
    ----------
    layanan, standar, calendars, periode
        As for :func:`request_table`.
    include_events : bool
        Also return the event-level table (``"peristiwa"``, as :func:`stage_table`); off by
        default because at 10 M events it is a 10 M-row frame nobody reads whole.

    Returns
    -------
    dict
        ``"permohonan"`` (:func:`request_table`), ``"tahap"`` (:func:`stage_summary`),
        ``"hambatan"`` (:func:`bottleneck_stages`), ``"layanan"`` (:func:`service_summary`) and,
        when asked, ``"peristiwa"``. Each equals what the separate function returns (up to float
        summation order); this path factorises the log once.
    """
    core = _core(layanan, standar, calendars)
    keep = _in_period(core, periode)
    requests = _requests_frame(core, keep)
    # event-level arrays in sorted order, restricted to the kept requests
    svc_ev = core.svc[core.req_of_event]
    tc = core.tc
    tunggu, proses = core.tunggu_h, core.proses_h
    events = (
        _stage_frame(layanan, core, keep, working_days=False, hours=(tunggu, proses))
        if include_events
        else None
    )
    req_ev = core.req_of_event
    if keep is not None:
        ev_keep = keep[core.req_of_event]
        svc_ev, tc, tunggu, proses, req_ev = (
            svc_ev[ev_keep],
            tc[ev_keep],
            tunggu[ev_keep],
            proses[ev_keep],
            req_ev[ev_keep],
        )
    n_svc_all = len(core.svc_opd)
    n_t = max(len(core.tahap), 1)
    opd_str = np.asarray(core.opd_names.astype(str))
    jenis_str = np.asarray(core.svc_jenis.astype(str))
    tahap_str = np.asarray(core.tahap.astype(str))
    # stage summary
    frame, svc_of_g, tc_of_g = _stage_summary_arrays(svc_ev, n_svc_all, tc, n_t, tunggu, proses)
    head = pd.DataFrame(
        {
            "kode_opd": opd_str[core.svc_opd[svc_of_g]],
            "jenis_layanan": jenis_str[svc_of_g],
            "tahap": tahap_str[tc_of_g],
        }
    )
    stage_sum = pd.concat([head, frame], axis=1)
    stage_sum = stage_sum.sort_values([*SERVICE_KEYS, "tahap"], kind="stable").reset_index(
        drop=True
    )
    # bottlenecks (services present in the kept requests only)
    svc_req = core.svc if keep is None else core.svc[keep]
    std_req = core.standar if keep is None else core.standar[keep]
    hk_req = core.hari_kerja if keep is None else core.hari_kerja[keep]
    missed_req_all = np.zeros(len(core.svc), dtype=bool)
    with np.errstate(invalid="ignore"):
        missed_req_all[...] = (~np.isnan(core.standar)) & (core.hari_kerja > core.standar)
    req_per_svc = np.bincount(svc_req, minlength=n_svc_all)
    with np.errstate(invalid="ignore"):
        late_req = (~np.isnan(std_req)) & (hk_req > std_req)
    missed_per_svc = np.bincount(svc_req, weights=late_req, minlength=n_svc_all).astype(np.int64)
    res = _bottleneck_arrays(
        svc_ev,
        n_svc_all,
        tc,
        n_t,
        np.nan_to_num(tunggu) + np.nan_to_num(proses),
        missed_req_all[req_ev],
        missed_per_svc,
        req_per_svc,
        tahap_str,
    )
    present = req_per_svc > 0
    bottle = _bottleneck_frame(
        res.loc[present].reset_index(drop=True),
        opd_str[core.svc_opd][present],
        jenis_str[present],
        tahap_str,
    )
    # service summary
    dense_svc, svc_keys = _dense(svc_req)
    summ = _summary_arrays(
        dense_svc,
        len(svc_keys),
        hk_req.astype(np.float64),
        requests["tepat_waktu"],
        std_req,
        core.open_req if keep is None else core.open_req[keep],
    )
    summ.insert(0, "jenis_layanan", jenis_str[svc_keys])
    summ.insert(0, "kode_opd", opd_str[core.svc_opd[svc_keys]])
    summary = _attach_bottleneck(summ, bottle)
    out = {"permohonan": requests, "tahap": stage_sum, "hambatan": bottle, "layanan": summary}
    if events is not None:
        out["peristiwa"] = events
    return out
