"""Process flow: variants (paths), rework, backlog and throughput."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.service.events import SERVICE_KEYS, _check_columns


def variants(requests: pd.DataFrame, *, by: Sequence[str] = SERVICE_KEYS) -> pd.DataFrame:
    """Process variants (paths) per service.

    Returns
    -------
    DataFrame
        ``*by, jalur, n, porsi, median_hari_kerja``: ``porsi`` = share of the service's requests
        following that path; sorted by service, then ``n`` descending.
    """
    _check_columns(requests, (*by, "jalur", "hari_kerja"), "permohonan")
    df = requests[[*by, "jalur", "hari_kerja"]].copy()
    for c in (*by, "jalur"):
        df[c] = df[c].astype("str")
    g = df.groupby([*by, "jalur"], sort=False)["hari_kerja"]
    out = g.agg(n="size", median_hari_kerja="median").reset_index()
    totals = out.groupby(list(by))["n"].transform("sum") if by else out["n"].sum()
    out["porsi"] = out["n"] / totals
    out = out[[*by, "jalur", "n", "porsi", "median_hari_kerja"]]
    return out.sort_values(
        [*by, "n", "jalur"], ascending=[True] * len(by) + [False, True]
    ).reset_index(drop=True)


def rework(stages: pd.DataFrame) -> pd.DataFrame:
    """Rework: stages done more than once in one request.

    Parameters
    ----------
    stages : DataFrame
        The event log or :func:`stage_table` (``id_permohonan, kode_opd, jenis_layanan, tahap``).

    Returns
    -------
    DataFrame
        Per ``kode_opd, jenis_layanan, tahap``: ``n_permohonan`` (requests passing the stage),
        ``n_diulang`` (requests in which it occurs more than once), ``persen_diulang`` and
        ``n_pengulangan`` (extra occurrences = occurrences − 1, summed).
    """
    _check_columns(stages, ("id_permohonan", *SERVICE_KEYS, "tahap"), "layanan")
    df = stages[["id_permohonan", *SERVICE_KEYS, "tahap"]].astype("str")
    per = df.groupby(["id_permohonan", *SERVICE_KEYS, "tahap"], sort=False).size().rename("k")
    per = per.reset_index()
    per["diulang"] = per["k"] > 1
    per["extra"] = per["k"] - 1
    out = (
        per.groupby([*SERVICE_KEYS, "tahap"])
        .agg(
            n_permohonan=("k", "size"), n_diulang=("diulang", "sum"), n_pengulangan=("extra", "sum")
        )
        .reset_index()
    )
    out["persen_diulang"] = 100.0 * out["n_diulang"] / out["n_permohonan"]
    return out[
        [*SERVICE_KEYS, "tahap", "n_permohonan", "n_diulang", "persen_diulang", "n_pengulangan"]
    ]


def _month_floor(values: pd.Series, freq: str) -> pd.Series:
    return pd.to_datetime(values).dt.to_period(freq.removesuffix("S") or "M").dt.start_time


def _every_month(counts: pd.DataFrame, keys: list[str], freq: str) -> pd.DataFrame:
    """``counts`` (indexed by ``*keys, bulan``) with a 0 row for every month without a request
    between a group's first month and the log's last month (a quiet month is 0, not missing)."""
    if counts.empty:
        return counts
    months = counts.index.get_level_values("bulan")
    last = months.max()
    if not keys:
        full = pd.date_range(months.min(), last, freq=freq, name="bulan")
        return counts.reindex(full, fill_value=0)
    parts = []
    for group, sub in counts.groupby(level=list(range(len(keys))), sort=True):
        group = group if isinstance(group, tuple) else (group,)
        sub_months = sub.index.get_level_values("bulan")
        full = pd.date_range(sub_months.min(), last, freq=freq)
        idx = pd.MultiIndex.from_tuples([(*group, m) for m in full], names=[*keys, "bulan"])
        parts.append(sub.reindex(idx, fill_value=0))
    return pd.concat(parts)


def backlog(
    requests: pd.DataFrame,
    *,
    freq: Literal["MS", "QS", "YS"] = "MS",
    by: Sequence[str] = (),
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """Arrivals vs completions per month (or quarter, year) and the remaining backlog.

    Returns
    -------
    DataFrame
        ``*by, bulan, masuk, selesai, sisa``: ``masuk`` = requests whose first ``mulai`` falls in
        the month, ``selesai`` = requests whose last ``selesai`` falls in it, ``sisa`` = Σ masuk −
        Σ selesai up to and including the month (requests started and not yet finished at the
        month's end). Every month from a group's first to the log's last is present (a month
        without arrivals or completions has 0 and 0).

    Notes
    -----
    The balance needs every request since the start of the log, so ``periode`` does not filter
    requests: it only selects the months shown (months of the period).
    """
    _check_columns(requests, (*by, "mulai", "selesai"), "permohonan")
    keys = list(by)
    a = requests[keys].astype("str").assign(bulan=_month_floor(requests["mulai"], freq), masuk=1)
    b = (
        requests[keys]
        .astype("str")
        .assign(bulan=_month_floor(requests["selesai"], freq), selesai=1)
    )
    ma = a.groupby([*keys, "bulan"])["masuk"].sum()
    mb = b.groupby([*keys, "bulan"])["selesai"].sum()
    out = pd.concat([ma, mb], axis=1).fillna(0).astype(np.int64).sort_index()
    out = _every_month(out, keys, freq).reset_index()
    if keys:
        cum = out.groupby(keys)[["masuk", "selesai"]].cumsum()
    else:
        cum = out[["masuk", "selesai"]].cumsum()
    out["sisa"] = cum["masuk"] - cum["selesai"]
    if periode is not None:
        out = out.loc[Periode.parse(periode).contains(out["bulan"])]
    return out.reset_index(drop=True)


def throughput(
    requests: pd.DataFrame,
    *,
    freq: Literal["MS", "QS", "YS"] = "MS",
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """Public-service impact: requests completed per service and month, and their lead time.

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, bulan, n_selesai, median_hari_kerja, persen_tepat_waktu``.

    Notes
    -----
    Issue 3 item 9 (e.g. permits issued per month at DPMPTSP). A request counts in the month of
    its **last** ``selesai`` (when the product was delivered); ``periode`` keeps the months whose
    completions fall in the period (unlike :func:`request_table`, which uses the first ``mulai``).
    """
    _check_columns(requests, (*SERVICE_KEYS, "selesai", "hari_kerja", "tepat_waktu"), "permohonan")
    df = requests[list(SERVICE_KEYS)].astype("str")
    df = df.assign(
        bulan=_month_floor(requests["selesai"], freq),
        hari_kerja=requests["hari_kerja"]
        .astype("Float64")
        .to_numpy(dtype=np.float64, na_value=np.nan),
        tepat=pd.array(requests["tepat_waktu"], dtype="boolean").astype("Float64"),
    )
    if periode is not None:
        df = df.loc[Periode.parse(periode).contains(requests["selesai"]).to_numpy()]
    out = (
        df.groupby([*SERVICE_KEYS, "bulan"])
        .agg(
            n_selesai=("hari_kerja", "size"),
            median_hari_kerja=("hari_kerja", "median"),
            p=("tepat", "mean"),
        )
        .reset_index()
    )
    out["persen_tepat_waktu"] = out.pop("p") * 100.0
    return out
