"""Stage time shares on the bottleneck's basis and stage-to-stage transitions (the process map).

Both read the event table with waiting and processing hours (:func:`stage_table`, the
``"peristiwa"`` table of :func:`service_tables`) and, for the basis, the request table
(:func:`request_table`). Definitions follow the data contract ``layanan`` (module notes of
:mod:`kinerja.metrics.service`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja.metrics.service.events import SERVICE_KEYS, _check_columns

__all__ = ["stage_time_shares", "stage_transitions"]

#: label of the start and end nodes of the process map
START, END = "Mulai", "Selesai"


def stage_time_shares(stages: pd.DataFrame, requests: pd.DataFrame) -> pd.DataFrame:
    """Each stage's share of the time of late requests (and of all requests) per service.

    Parameters
    ----------
    stages : DataFrame
        :func:`stage_table` output (``id_permohonan, kode_opd, jenis_layanan, tahap,
        tunggu_jam, proses_jam``).
    requests : DataFrame
        :func:`request_table` output (``id_permohonan, tepat_waktu``).

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, tahap, jam_terlambat, porsi_terlambat, jam_semua,
        porsi_semua, n_terlambat, dasar``; ``dasar`` is ``"permohonan terlambat"`` when the
        service has late requests, else ``"semua permohonan"`` and ``porsi_terlambat`` is NA.

    Notes
    -----
    The basis of :func:`bottleneck_stages` (UU 25/2009 Pasal 21 huruf c, jangka waktu
    penyelesaian): ``porsi_terlambat`` = Σ(tunggu + proses) of the stage over the requests with
    ``tepat_waktu`` false / Σ(tunggu + proses) of every stage of those requests; so the largest
    share is the bottleneck stage and the shares of one service sum to 1. ``porsi_semua`` is the
    same over all requests (``porsi_waktu`` of :func:`stage_summary`).
    """
    _check_columns(
        stages, ("id_permohonan", *SERVICE_KEYS, "tahap", "tunggu_jam", "proses_jam"), "tahap"
    )
    _check_columns(requests, ("id_permohonan", "tepat_waktu"), "permohonan")
    late_ids = requests.loc[
        (requests["tepat_waktu"] == False).fillna(False).to_numpy(dtype=bool),  # noqa: E712
        "id_permohonan",
    ].astype("str")
    ev = pd.DataFrame(
        {
            "kode_opd": stages["kode_opd"].astype("str").to_numpy(),
            "jenis_layanan": stages["jenis_layanan"].astype("str").to_numpy(),
            "tahap": stages["tahap"].astype("str").to_numpy(),
            "jam": np.nan_to_num(stages["tunggu_jam"].to_numpy(dtype=np.float64))
            + np.nan_to_num(stages["proses_jam"].to_numpy(dtype=np.float64)),
        }
    )
    late = stages["id_permohonan"].astype("str").isin(set(late_ids)).to_numpy()
    ev["jam_terlambat"] = np.where(late, ev["jam"], 0.0)
    ev["_telat_req"] = np.where(late, stages["id_permohonan"].astype("str"), None)
    keys = [*SERVICE_KEYS, "tahap"]
    out = (
        ev.groupby(keys, sort=True)
        .agg(jam_semua=("jam", "sum"), jam_terlambat=("jam_terlambat", "sum"))
        .reset_index()
    )
    svc = out.groupby(list(SERVICE_KEYS))
    total_all = svc["jam_semua"].transform("sum")
    total_late = svc["jam_terlambat"].transform("sum")
    n_late = (
        ev.dropna(subset=["_telat_req"])
        .groupby(list(SERVICE_KEYS))["_telat_req"]
        .nunique()
        .rename("n_terlambat")
    )
    out = out.merge(n_late.reset_index(), on=list(SERVICE_KEYS), how="left")
    out["n_terlambat"] = out["n_terlambat"].fillna(0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["porsi_semua"] = (out["jam_semua"] / total_all).where(total_all > 0)
        out["porsi_terlambat"] = (out["jam_terlambat"] / total_late).where(
            (out["n_terlambat"] > 0) & (total_late > 0)
        )
    out["dasar"] = np.where(out["n_terlambat"] > 0, "permohonan terlambat", "semua permohonan")
    return out[
        [
            *keys,
            "jam_terlambat",
            "porsi_terlambat",
            "jam_semua",
            "porsi_semua",
            "n_terlambat",
            "dasar",
        ]
    ]


def stage_transitions(stages: pd.DataFrame) -> pd.DataFrame:
    """Transitions between consecutive stages of a request, with counts and median waits.

    Parameters
    ----------
    stages : DataFrame
        :func:`stage_table` output (``id_permohonan, kode_opd, jenis_layanan, tahap, urutan,
        tunggu_jam``).

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, dari, ke, n, median_tunggu_jam, p90_tunggu_jam``: one row per
        directly-follows pair, including ``Mulai → first stage`` and ``last stage → Selesai``
        (no wait is measured on these two: NA); sorted by service, then ``n`` descending.

    Notes
    -----
    The directly-follows relation of process mining: stages of a request ordered by
    ``urutan`` (by ``mulai``, data contract); the wait of ``a → b`` is the ``tunggu_jam`` of
    ``b`` (its ``mulai`` − the ``selesai`` of ``a``, overlap counted 0). Median and P90 are
    linear-interpolation quantiles.
    """
    _check_columns(
        stages, ("id_permohonan", *SERVICE_KEYS, "tahap", "urutan", "tunggu_jam"), "tahap"
    )
    ev = pd.DataFrame(
        {
            "id": stages["id_permohonan"].astype("str").to_numpy(),
            "kode_opd": stages["kode_opd"].astype("str").to_numpy(),
            "jenis_layanan": stages["jenis_layanan"].astype("str").to_numpy(),
            "tahap": stages["tahap"].astype("str").to_numpy(),
            "urutan": stages["urutan"].to_numpy(dtype=np.int64),
            "tunggu": stages["tunggu_jam"].to_numpy(dtype=np.float64),
        }
    ).sort_values(["id", "urutan"], kind="stable")
    same = ev["id"].to_numpy()[1:] == ev["id"].to_numpy()[:-1]
    prev = np.r_[[START], ev["tahap"].to_numpy()[:-1]].astype(object)
    first = np.r_[[True], ~same]
    prev[first] = START
    wait = ev["tunggu"].to_numpy().copy()
    wait[first] = np.nan
    pairs = pd.DataFrame(
        {
            "kode_opd": ev["kode_opd"].to_numpy(),
            "jenis_layanan": ev["jenis_layanan"].to_numpy(),
            "dari": prev,
            "ke": ev["tahap"].to_numpy(),
            "tunggu": wait,
        }
    )
    last = np.r_[~same, [True]]
    ends = pd.DataFrame(
        {
            "kode_opd": ev["kode_opd"].to_numpy()[last],
            "jenis_layanan": ev["jenis_layanan"].to_numpy()[last],
            "dari": ev["tahap"].to_numpy()[last],
            "ke": END,
            "tunggu": np.nan,
        }
    )
    pairs = pd.concat([pairs, ends], ignore_index=True)
    g = pairs.groupby([*SERVICE_KEYS, "dari", "ke"], sort=False)["tunggu"]
    out = g.agg(
        n="size",
        median_tunggu_jam="median",
        p90_tunggu_jam=lambda s: s.quantile(0.9) if s.notna().any() else np.nan,
    ).reset_index()
    out["n"] = out["n"].astype("int64")
    return out.sort_values(
        [*SERVICE_KEYS, "n", "dari", "ke"], ascending=[True, True, False, True, True], kind="stable"
    ).reset_index(drop=True)
