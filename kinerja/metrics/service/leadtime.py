"""Lead time in working days and the SLA: the request table and the per-service summary."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.service.arrays import _codes, _dense, grouped_quantile
from kinerja.metrics.service.events import (
    SERVICE_KEYS,
    Calendars,
    _check_columns,
    _Core,
    _core,
    _in_period,
)


def _requests_frame(core: _Core, keep: np.ndarray | None) -> pd.DataFrame:
    sel = slice(None) if keep is None else keep
    std = core.standar[sel]
    hk = core.hari_kerja[sel]
    tepat = pd.array(hk <= std, dtype="boolean")
    tepat[np.isnan(std) | np.isnan(hk)] = pd.NA
    last = core.last_selesai[sel].astype("datetime64[ns]")
    opd_cat = pd.Categorical.from_codes(core.opd[sel], categories=core.opd_names.astype(str))
    jenis_names = core.svc_jenis.astype(str)
    jenis_cats = pd.Index(pd.unique(np.asarray(jenis_names)))
    jenis_codes = jenis_cats.get_indexer(jenis_names)[core.svc[sel]]
    return pd.DataFrame(
        {
            "id_permohonan": core.ids[sel] if keep is not None else core.ids,
            "kode_opd": opd_cat,
            "jenis_layanan": pd.Categorical.from_codes(jenis_codes, categories=jenis_cats),
            "mulai": core.first_mulai[sel].astype("datetime64[ns]"),
            "selesai": last,
            "hari_kerja": pd.array(hk, dtype="Float64").astype("Int64"),
            "standar_hari": pd.array(std, dtype="Float64").astype("Int64"),
            "tepat_waktu": tepat,
            "n_tahap": core.counts[sel],
            "jalur": pd.Categorical.from_codes(
                core.variant[sel], categories=pd.Index(core.variant_names, dtype="str")
            ),
            "ada_pengulangan": core.repeated[sel],
            "dalam_proses": core.open_req[sel],
        }
    )


def request_table(
    layanan: pd.DataFrame,
    standar: pd.DataFrame | None,
    calendars: Calendars,
    *,
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """One row per request: lead time in working days and whether it met its standard.

    Parameters
    ----------
    layanan : DataFrame
        The event log (data contract ``layanan``); any row order.
    standar : DataFrame or None
        ``standar_layanan`` (``kode_opd, jenis_layanan, jangka_waktu_hari_kerja``).
    calendars : WorkCalendar or mapping kode_opd → WorkCalendar
        One calendar for all OPDs, or one per OPD (:func:`kinerja.domain.calendar.calendars_for_opd`).
    periode : str or Periode, optional
        Keep requests whose first ``mulai`` falls in the period.

    Returns
    -------
    DataFrame
        ``id_permohonan, kode_opd, jenis_layanan, mulai, selesai, hari_kerja (Int64),
        standar_hari (Int64), tepat_waktu (boolean), n_tahap, jalur, ada_pengulangan,
        dalam_proses`` in order of first appearance in the log. ``kode_opd``, ``jenis_layanan``
        and ``jalur`` are categorical.

    Notes
    -----
    UU 25/2009 Pasal 21 huruf c / PermenPANRB 15/2014 (reference.md §4.1): the standard's
    *jangka waktu penyelesaian* is the SLA. ``hari_kerja = busday_count(date(min mulai),
    date(max selesai))`` with the OPD calendar; ``tepat_waktu = hari_kerja <= standar_hari``.
    ``kode_opd`` and ``jenis_layanan`` are those of the request's first stage. ``jalur`` joins
    the stage names in ``mulai`` order with ``" → "``; ``ada_pengulangan`` is true when a stage
    name occurs more than once.
    """
    core = _core(layanan, standar, calendars)
    return _requests_frame(core, _in_period(core, periode))


def service_summary(
    requests: pd.DataFrame, bottlenecks: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per service: volume, share on time, median and P90 lead time, bottleneck stage.

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, n_permohonan, persen_tepat_waktu, median_hari_kerja,
        p90_hari_kerja, tahap_hambatan`` (the column keys ``kinerja rekap`` writes to its
        ``layanan`` table) plus ``standar_hari``, ``dasar_hambatan`` and ``n_dalam_proses``
        (requests still in progress, included in ``n_permohonan``).

    Notes
    -----
    ``persen_tepat_waktu`` = 100 × (requests with ``hari_kerja <= standar``) / (requests of the
    service with a standard); NA when the service has no standard. Median and P90 of
    ``hari_kerja``: linear interpolation (module notes), e.g. P90 of 1, 2, 3, 10 is
    2 + 0.7 × 7 ... computed as numpy.quantile([1, 2, 3, 10], 0.9) = 7.9.
    """
    _check_columns(requests, (*SERVICE_KEYS, "hari_kerja", "tepat_waktu"), "permohonan")
    opd, opd_names = _codes(requests["kode_opd"])
    jenis, jenis_names = _codes(requests["jenis_layanan"])
    nj = max(len(jenis_names), 1)
    svc, svc_keys = _dense(opd * nj + jenis)
    std = requests["standar_hari"] if "standar_hari" in requests.columns else None
    out = _summary_arrays(
        svc,
        len(svc_keys),
        requests["hari_kerja"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
        requests["tepat_waktu"],
        None if std is None else std.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
        requests["dalam_proses"].to_numpy(dtype=bool)
        if "dalam_proses" in requests.columns
        else None,
    )
    out.insert(0, "jenis_layanan", np.asarray(jenis_names.astype(str))[svc_keys % nj])
    out.insert(0, "kode_opd", np.asarray(opd_names.astype(str))[svc_keys // nj])
    return _attach_bottleneck(out, bottlenecks)


def _summary_arrays(
    svc: np.ndarray,
    n_svc: int,
    hari: np.ndarray,
    tepat: pd.Series | pd.api.extensions.ExtensionArray,
    std: np.ndarray | None,
    open_req: np.ndarray | None = None,
) -> pd.DataFrame:
    tepat_arr = pd.array(tepat, dtype="boolean")
    known = ~np.asarray(tepat_arr.isna())
    ok = np.asarray(tepat_arr.fillna(False), dtype=bool)
    n = np.bincount(svc, minlength=n_svc)
    n_known = np.bincount(svc, weights=known, minlength=n_svc)
    n_ok = np.bincount(svc, weights=ok, minlength=n_svc)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n_known > 0, 100.0 * n_ok / n_known, np.nan)
    q = grouped_quantile(svc, n_svc, hari, (0.5, 0.9))
    std_svc = np.full(n_svc, np.nan)
    if std is not None:
        valid = ~np.isnan(std)
        std_svc[svc[valid]] = std[valid]
    n_open = (
        np.bincount(svc, weights=open_req, minlength=n_svc)
        if open_req is not None
        else np.zeros(n_svc)
    )
    return pd.DataFrame(
        {
            "n_permohonan": n.astype(np.int64),
            "n_dalam_proses": n_open.astype(np.int64),
            "persen_tepat_waktu": pd.array(pct, dtype="Float64"),
            "median_hari_kerja": q[:, 0],
            "p90_hari_kerja": q[:, 1],
            "standar_hari": pd.array(std_svc, dtype="Float64").astype("Int64"),
        }
    )


def _attach_bottleneck(out: pd.DataFrame, bottlenecks: pd.DataFrame | None) -> pd.DataFrame:
    if bottlenecks is not None and len(bottlenecks):
        b = bottlenecks[[*SERVICE_KEYS, "tahap_hambatan", "dasar"]].rename(
            columns={"dasar": "dasar_hambatan"}
        )
        b = b.astype({"kode_opd": "str", "jenis_layanan": "str"})
        out = out.astype({"kode_opd": "str", "jenis_layanan": "str"}).merge(
            b, on=list(SERVICE_KEYS), how="left"
        )
    else:
        out["tahap_hambatan"] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["dasar_hambatan"] = pd.Series(pd.NA, index=out.index, dtype="str")
    cols = [
        "kode_opd",
        "jenis_layanan",
        "n_permohonan",
        "persen_tepat_waktu",
        "median_hari_kerja",
        "p90_hari_kerja",
        "tahap_hambatan",
        "standar_hari",
        "dasar_hambatan",
        "n_dalam_proses",
    ]
    out = out[cols].astype({"kode_opd": "str", "jenis_layanan": "str"})
    return out.sort_values(list(SERVICE_KEYS), kind="stable").reset_index(drop=True)
