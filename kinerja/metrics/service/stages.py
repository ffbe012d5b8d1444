"""Stages: waiting and processing time per stage, stage summary and the bottleneck."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja.domain.calendar import WorkCalendar
from kinerja.domain.period import Periode
from kinerja.metrics.service.arrays import _NAT, _codes, _dense, _grouped_quantiles
from kinerja.metrics.service.events import (
    SERVICE_KEYS,
    Calendars,
    _busday_by_opd,
    _check_columns,
    _Core,
    _core,
    _in_period,
)


def _stage_frame(
    layanan: pd.DataFrame,
    core: _Core,
    keep_req: np.ndarray | None,
    working_days: bool,
    hours: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    n = len(layanan)
    pos = core.pos
    tunggu, proses = (core.tunggu_h, core.proses_h) if hours is None else hours
    cols = {"urutan": pos + 1, "tunggu_jam": tunggu, "proses_jam": proses}
    if working_days:
        prev_selesai = np.empty(n, dtype=np.int64)
        prev_selesai[1:] = core.selesai[:-1]
        first = np.zeros(n, dtype=bool)
        first[core.starts] = True
        prev_selesai[first] = core.mulai[first]
        opd_ev = core.opd[core.req_of_event]
        ok_prev = prev_selesai != _NAT
        ok_self = core.selesai != _NAT
        prev_for_wait = np.where(ok_prev, np.minimum(prev_selesai, core.mulai), core.mulai)
        wait_d = np.full(n, np.nan)
        proc_d = np.full(n, np.nan)
        wait_d[ok_prev] = _busday_by_opd(
            prev_for_wait[ok_prev], core.mulai[ok_prev], opd_ev[ok_prev], core.cals
        )
        proc_d[ok_self] = _busday_by_opd(
            core.mulai[ok_self], core.selesai[ok_self], opd_ev[ok_self], core.cals
        )
        cols["tunggu_hari_kerja"] = pd.array(wait_d, dtype="Float64").astype("Int64")
        cols["proses_hari_kerja"] = pd.array(proc_d, dtype="Float64").astype("Int64")
    if core.order is None:
        out = layanan.copy(deep=False)
        for k, v in cols.items():
            out[k] = v
    else:
        inv = np.empty(n, dtype=np.int64)
        inv[core.order] = np.arange(n)
        out = layanan.copy(deep=False)
        for k, v in cols.items():
            out[k] = v[inv]
    if keep_req is not None:
        keep_ev = keep_req[core.req_of_event]
        if core.order is not None:
            keep_ev = keep_ev[inv]
        out = out.loc[keep_ev]
    return out


def stage_table(
    layanan: pd.DataFrame,
    calendars: Calendars | None = None,
    *,
    periode: str | Periode | None = None,
    working_days: bool = False,
) -> pd.DataFrame:
    """The event log with waiting and processing time per stage.

    Returns
    -------
    DataFrame
        The rows of ``layanan`` (same order and index) plus ``urutan`` (1 = first stage of the
        request), ``tunggu_jam`` and ``proses_jam`` (hours), and with ``working_days=True``
        ``tunggu_hari_kerja`` and ``proses_hari_kerja`` (``busday_count`` of the dates, OPD
        calendar; needs ``calendars``).

    Notes
    -----
    Data contract ``layanan``: waiting before a stage = its ``mulai`` − the previous stage's
    ``selesai`` (first stage 0, an overlap counts as 0); processing = ``selesai − mulai``.
    """
    if working_days and calendars is None:
        raise ValueError("working_days=True memerlukan kalender kerja (calendars)")
    core = _core(layanan, None, calendars if calendars is not None else WorkCalendar())
    return _stage_frame(layanan, core, _in_period(core, periode), working_days)


def _stage_summary_arrays(
    svc_ev: np.ndarray,
    n_svc: int,
    tc: np.ndarray,
    n_tahap: int,
    tunggu: np.ndarray,
    proses: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Per (service, tahap) group: n, median/P90 of tunggu and proses, porsi_waktu."""
    k = n_svc * n_tahap
    g = svc_ev * n_tahap + tc  # group key; empty groups are dropped at the end
    cnt = np.bincount(g, minlength=k)
    total = np.nan_to_num(tunggu) + np.nan_to_num(proses)  # an open stage adds its known part
    sum_g = np.bincount(g, weights=total, minlength=k)
    svc_of_g = np.arange(k) // n_tahap
    sum_svc = np.bincount(svc_of_g, weights=sum_g, minlength=n_svc)
    qt, qp = _grouped_quantiles(g, k, [tunggu, proses], (0.5, 0.9))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(sum_svc[svc_of_g] > 0, sum_g / sum_svc[svc_of_g], np.nan)
    present = cnt > 0
    frame = pd.DataFrame(
        {
            "n": cnt[present].astype(np.int64),
            "median_tunggu_jam": qt[present, 0],
            "p90_tunggu_jam": qt[present, 1],
            "median_proses_jam": qp[present, 0],
            "p90_proses_jam": qp[present, 1],
            "total_jam": sum_g[present],
            "porsi_waktu": share[present],
        }
    )
    keys = np.flatnonzero(present)
    return frame, keys // n_tahap, keys % n_tahap


def _bottleneck_arrays(
    svc_ev: np.ndarray,
    n_svc: int,
    tc: np.ndarray,
    n_tahap: int,
    total: np.ndarray,
    missed_ev: np.ndarray,
    missed_req_per_svc: np.ndarray,
    req_per_svc: np.ndarray,
    tahap_names: np.ndarray,
) -> pd.DataFrame:
    has_missed = missed_req_per_svc > 0
    use = np.where(has_missed[svc_ev], missed_ev, True)
    key = svc_ev * n_tahap + tc
    sums = np.bincount(key[use], weights=total[use], minlength=n_svc * n_tahap).reshape(
        n_svc, n_tahap
    )
    present = np.bincount(key[use], minlength=n_svc * n_tahap).reshape(n_svc, n_tahap) > 0
    masked = np.where(present, sums, -np.inf)
    # ties go to the alphabetically first stage name, whatever the row order of the log
    perm = np.argsort(np.asarray(tahap_names, dtype=object)[:n_tahap], kind="stable")
    best = perm[masked[:, perm].argmax(axis=1)] if n_svc else np.zeros(0, dtype=np.int64)
    best_sum = sums[np.arange(n_svc), best]
    basis_total = sums.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(basis_total > 0, best_sum / basis_total, np.nan)
    return pd.DataFrame(
        {
            "tahap_code": best,
            "dasar": np.where(has_missed, "permohonan terlambat", "semua permohonan"),
            "n_permohonan_dasar": np.where(has_missed, missed_req_per_svc, req_per_svc),
            "jam_tahap_hambatan": best_sum,
            "porsi_tahap_hambatan": share,
        }
    )


def stage_summary(stages: pd.DataFrame) -> pd.DataFrame:
    """Per ``kode_opd, jenis_layanan, tahap``: waiting and processing time and share of lead time.

    Parameters
    ----------
    stages : DataFrame
        Output of :func:`stage_table`.

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, tahap, n, median_tunggu_jam, p90_tunggu_jam,
        median_proses_jam, p90_proses_jam, total_jam, porsi_waktu``.

    Notes
    -----
    ``porsi_waktu`` = Σ(tunggu + proses) of the stage / Σ(tunggu + proses) of all stages of the
    service, so the shares of one service sum to 1. Median and P90: linear interpolation (module
    notes).
    """
    _check_columns(stages, (*SERVICE_KEYS, "tahap", "tunggu_jam", "proses_jam"), "tahap")
    opd, opd_names = _codes(stages["kode_opd"])
    jenis, jenis_names = _codes(stages["jenis_layanan"])
    svc, svc_keys = _dense(opd * max(len(jenis_names), 1) + jenis)
    tc, tahap_names = _codes(stages["tahap"])
    frame, svc_of_g, tc_of_g = _stage_summary_arrays(
        svc,
        len(svc_keys),
        tc,
        max(len(tahap_names), 1),
        stages["tunggu_jam"].to_numpy(dtype=np.float64),
        stages["proses_jam"].to_numpy(dtype=np.float64),
    )
    nj = max(len(jenis_names), 1)
    head = pd.DataFrame(
        {
            "kode_opd": np.asarray(opd_names.astype(str))[svc_keys[svc_of_g] // nj],
            "jenis_layanan": np.asarray(jenis_names.astype(str))[svc_keys[svc_of_g] % nj],
            "tahap": np.asarray(tahap_names.astype(str))[tc_of_g],
        }
    )
    out = pd.concat([head, frame], axis=1)
    return out.sort_values([*SERVICE_KEYS, "tahap"], kind="stable").reset_index(drop=True)


def bottleneck_stages(stages: pd.DataFrame, requests: pd.DataFrame) -> pd.DataFrame:
    """The bottleneck stage of each service.

    Parameters
    ----------
    stages : DataFrame
        Output of :func:`stage_table` (needs ``id_permohonan, kode_opd, jenis_layanan, tahap,
        tunggu_jam, proses_jam``).
    requests : DataFrame
        Output of :func:`request_table` (needs ``id_permohonan, tepat_waktu``).

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, tahap_hambatan, dasar, n_permohonan_dasar,
        jam_tahap_hambatan, porsi_tahap_hambatan``.

    Notes
    -----
    Issue 3 item 4: the stage contributing most time Σ(tunggu_jam + proses_jam) to the requests
    that **missed** their standard (``tepat_waktu`` false); when no request of the service missed
    (or the service has no standard), to all its requests. ``dasar`` says which basis
    ("permohonan terlambat" / "semua permohonan"); ``porsi_tahap_hambatan`` is the stage's share
    of the basis time. Ties go to the alphabetically first stage name.
    """
    _check_columns(
        stages, ("id_permohonan", *SERVICE_KEYS, "tahap", "tunggu_jam", "proses_jam"), "tahap"
    )
    _check_columns(requests, ("id_permohonan", *SERVICE_KEYS, "tepat_waktu"), "permohonan")
    ids_req = pd.Index(requests["id_permohonan"].astype(str))
    ridx = ids_req.get_indexer(stages["id_permohonan"].astype(str))
    if (ridx < 0).any():
        stages = stages.loc[ridx >= 0]
        ridx = ridx[ridx >= 0]
    missed_req = (requests["tepat_waktu"] == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    opd, opd_names = _codes(stages["kode_opd"])
    jenis, jenis_names = _codes(stages["jenis_layanan"])
    nj = max(len(jenis_names), 1)
    svc, svc_keys = _dense(opd * nj + jenis)
    tc, tahap_names = _codes(stages["tahap"])
    n_svc = len(svc_keys)
    # requests per service (each request counted once, via its first event in `stages`)
    first_ev = ~pd.Series(ridx).duplicated().to_numpy()
    req_per_svc = np.bincount(svc[first_ev], minlength=n_svc)
    missed_per_svc = np.bincount(svc[first_ev], weights=missed_req[ridx[first_ev]], minlength=n_svc)
    total = np.nan_to_num(stages["tunggu_jam"].to_numpy(dtype=np.float64)) + np.nan_to_num(
        stages["proses_jam"].to_numpy(dtype=np.float64)
    )
    res = _bottleneck_arrays(
        svc,
        n_svc,
        tc,
        max(len(tahap_names), 1),
        total,
        missed_req[ridx],
        missed_per_svc.astype(np.int64),
        req_per_svc,
        np.asarray(tahap_names.astype(str)),
    )
    return _bottleneck_frame(
        res,
        np.asarray(opd_names.astype(str))[svc_keys // nj],
        np.asarray(jenis_names.astype(str))[svc_keys % nj],
        np.asarray(tahap_names.astype(str)),
    )


def _bottleneck_frame(
    res: pd.DataFrame, opd: np.ndarray, jenis: np.ndarray, tahap: np.ndarray
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "kode_opd": opd,
            "jenis_layanan": jenis,
            "tahap_hambatan": tahap[res["tahap_code"].to_numpy()],
            "dasar": res["dasar"].to_numpy(),
            "n_permohonan_dasar": res["n_permohonan_dasar"].to_numpy().astype(np.int64),
            "jam_tahap_hambatan": res["jam_tahap_hambatan"].to_numpy(),
            "porsi_tahap_hambatan": res["porsi_tahap_hambatan"].to_numpy(),
        }
    )
    for c in ("kode_opd", "jenis_layanan", "tahap_hambatan", "dasar"):
        out[c] = out[c].astype("str")
    return out.sort_values(list(SERVICE_KEYS), kind="stable").reset_index(drop=True)
