"""Protected tables: the one source every forum output reads for the protected streams.

The SKP predikat distribution (table, title, chart, curve warnings, Temuan sentence, city column,
rekap), the JP bands with "pegawai ≥ 20 JP", the IKM per service and the complaint statistics per
category are protected here once, with the rules of :mod:`kinerja.protect.secondary`, and each
function also says what it publishes in a :class:`~kinerja.protect.ledger.Ledger` for the audit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kinerja.domain.audience import K_PEGAWAI, K_RESPONDEN
from kinerja.protect.ledger import Ledger, cell_key
from kinerja.protect.secondary import protect_distribution, protect_line, subset_total
from kinerja.protect.suppression import SUPPRESSION_MARK

__all__ = [
    "SKP_GOOD",
    "SKP_LOW",
    "protect_ikm_services",
    "protect_kota_jp",
    "protect_kota_skp",
    "protect_rates",
    "protected_skp",
    "record_line",
    "safe_share",
]

#: predikat of the forum's headline share and of its low share
SKP_GOOD = ("Sangat Baik", "Baik")
SKP_LOW = ("Kurang/Misconduct", "Sangat Kurang")


def protected_skp(
    dist: pd.DataFrame, *, k: int = K_PEGAWAI, mark: str | None = SUPPRESSION_MARK
) -> pd.DataFrame:
    """The SKP distribution (``kode_opd, [periode], predikat, jumlah, persen``) protected per OPD.

    Returns the :func:`~kinerja.protect.secondary.protect_distribution` table with the raw count
    kept in ``_jumlah`` (for totals and safe shares; never shown) and ``predikat`` as text.
    """
    groups = ["kode_opd", *(["periode"] if "periode" in dist.columns else [])]
    d = dist.assign(predikat=dist["predikat"].astype("str"), _jumlah=dist["jumlah"])
    return protect_distribution(
        d, group_cols=groups, category_col="predikat", k=k, value_cols=("persen",), mark=mark
    )


def safe_share(
    prot: pd.DataFrame, categories: Sequence[str], *, category_col: str = "predikat"
) -> float | None:
    """Percent of ``categories`` in one protected line (``_jumlah`` and ``_tersembunyi``), or
    ``None`` when it would separate hidden cells (:func:`~kinerja.protect.secondary.subset_total`)
    or the line is below k."""
    counts = pd.to_numeric(prot["_jumlah"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    hidden = prot["_tersembunyi"].to_numpy(dtype=bool)
    total = counts.sum()
    if total <= 0 or _is_small(prot):
        return None
    part = subset_total(
        counts, hidden, prot[category_col].astype("str").isin(categories).to_numpy()
    )
    return None if part is None else part / total * 100


def _is_small(prot: pd.DataFrame) -> bool:
    k = int(prot.attrs.get("suppression", {}).get("k", K_PEGAWAI))
    return float(pd.to_numeric(prot["_jumlah"], errors="coerce").fillna(0).sum()) < k


def record_line(
    ledger: Ledger,
    prot: pd.DataFrame,
    *,
    stream: str,
    kode_opd: str,
    periode: object,
    k: int,
    source: str,
    category_col: str = "predikat",
    unit: str = "pegawai",
    total_shown: bool = True,
) -> tuple[list[str], str]:
    """Record one protected line in ``ledger``: its cells, its total (exact or ``< k``) and the
    equation between them. Returns the cell keys and the total key."""
    keys = []
    for cat, n, hid in zip(
        prot[category_col].astype("str"), prot["_jumlah"], prot["_tersembunyi"], strict=True
    ):
        keys.append(
            ledger.count(
                cell_key(stream, kode_opd, periode, cat),
                float(n),
                unit=unit,  # type: ignore[arg-type]
                hidden=bool(hid),
                source=source,
            )
        )
    total = float(pd.to_numeric(prot["_jumlah"], errors="coerce").fillna(0).sum())
    tkey = cell_key(stream, kode_opd, periode, "Jumlah")
    if not total_shown:
        ledger.count(tkey, None, unit=unit, source=source)  # type: ignore[arg-type]
    elif total < k:
        ledger.band(tkey, 0, k - 1, unit=unit, source=source)  # type: ignore[arg-type]
    else:
        ledger.count(tkey, total, unit=unit, source=source)  # type: ignore[arg-type]
    ledger.total(keys, tkey)
    return keys, tkey


def protect_kota_skp(
    table: pd.DataFrame, dist: pd.DataFrame, *, k: int = K_PEGAWAI, source: str = "kota"
) -> tuple[pd.DataFrame, Ledger]:
    """The city table's ``persen_baik`` read from the protected distribution.

    A share is kept only where :func:`safe_share` allows it (otherwise NA with
    ``_sup_persen_baik``); the ledger records each published share with the OPD's total as its
    denominator (the total is published by the OPD's own report).
    """
    prot = protected_skp(dist, k=k)
    ledger = Ledger()
    out = table.copy()
    values: dict[str, float | None] = {}
    for kode, rows in prot.groupby(prot["kode_opd"].astype("str"), sort=False):
        per = str(rows["periode"].iloc[0]) if "periode" in rows.columns else ""
        share = safe_share(rows, SKP_GOOD)
        values[kode] = share
        if share is None:
            continue
        members = [
            ledger.count(cell_key("skp", kode, per, c), None, source=source)
            for c in rows["predikat"].astype("str")
            if c in SKP_GOOD
        ]
        tkey = ledger.count(cell_key("skp", kode, per, "Jumlah"), None, source=source)
        ledger.share(members, [tkey], round(share, 1), decimals=1, source=source)
    if "persen_baik" in out.columns:
        new = out["kode_opd"].astype("str").map(values)
        out["persen_baik"] = pd.to_numeric(new, errors="coerce").astype("float64")
        out["_sup_persen_baik"] = out["persen_baik"].isna() & out["kode_opd"].astype("str").isin(
            list(values)
        )
    return out, ledger


def protect_rates(
    n: Sequence[float], x: Sequence[float], *, k: int = K_RESPONDEN
) -> tuple[np.ndarray, bool]:
    """Which per-category statistics to hide in a line of rates ``x_i / n_i`` with a total row.

    ``n``: units per category (shown), ``x``: the units behind the statistic (e.g. complaints
    answered in time; NA = unknown, treated as 0). Primary: ``n_i < k``. When any is hidden, at
    least two are, and the hidden ``x`` together are strictly between 0 and their ``n`` (else a
    reader of the total could pin them); otherwise the next smallest category is hidden too. When
    every category is hidden and this still fails, the total's statistic is hidden as well.

    Returns
    -------
    (numpy.ndarray of bool, bool)
        Hidden categories, and whether the total row's statistic must be hidden.
    """
    nn = np.nan_to_num(np.asarray(n, dtype="float64"))
    xx = np.nan_to_num(np.asarray(x, dtype="float64"))
    hidden = nn < k
    if not hidden.any():
        return hidden, False

    def weak(h: np.ndarray) -> bool:
        s, cap = xx[h].sum(), nn[h].sum()
        return int(h.sum()) < 2 or s <= 0 or s >= cap

    while weak(hidden):
        visible = np.flatnonzero(~hidden)
        if not len(visible):
            return hidden, True
        hidden[min(visible, key=lambda i: (nn[i], i))] = True
    return hidden, False


def protect_ikm_services(services: pd.DataFrame, *, k: int = K_RESPONDEN) -> np.ndarray:
    """Which per-service IKMs to hide: fewer than ``k`` respondents, and complementary.

    The OPD's IKM is the respondent-weighted mean of its services' IKMs, so a single hidden
    service could be computed from the others. When any service is hidden, at least two are and
    they hold at least ``k`` respondents together (the next smallest services are hidden too).
    """
    n = pd.to_numeric(services["n_responden"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    return protect_line(n, k=k).hidden if n.sum() >= k else np.ones(len(n), dtype=bool)


def describe(prot: pd.DataFrame) -> dict[str, Any]:
    """Counts of hidden cells of a protected table (for tests and notes)."""
    return {"tersembunyi": int(prot["_tersembunyi"].sum()), "baris": len(prot)}


#: the per-category complaint statistics that are rates over the category's complaints
COMPLAINT_RATES = ("persen_ditanggapi_tepat_waktu", "persen_selesai_tepat_waktu")
#: every statistic of a complaint category (hidden together)
COMPLAINT_STATS = (*COMPLAINT_RATES, "median_hari_tanggapan")


def protect_complaints(
    summ: pd.DataFrame, *, k: int = K_RESPONDEN, by: str = "kode_opd"
) -> tuple[np.ndarray, dict[str, bool]]:
    """Which complaint categories' statistics to hide, per OPD (:func:`protect_rates` per rate).

    Parameters
    ----------
    summ
        :func:`kinerja.metrics.complaints.complaint_summary` by ``kode_opd, kategori`` (the
        rekap) or by ``kategori`` of one OPD (``by`` absent: one line).

    Returns
    -------
    (numpy.ndarray of bool, dict)
        Rows whose statistics are hidden; per OPD, whether the total row's statistics must be
        hidden too. The HTML table, the Temuan sentence and the rekap all use this; within an
        OPD the categories are taken in name order, so that every output hides the same ones
        whatever its row order.
    """
    hidden = np.zeros(len(summ), dtype=bool)
    totals: dict[str, bool] = {}
    keys = summ[by].astype("str") if by in summ.columns else pd.Series("", index=summ.index)
    n_all = pd.to_numeric(summ["n_pengaduan"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    labels = summ["kategori"].astype("str").to_numpy() if "kategori" in summ.columns else None
    for kode in pd.unique(keys):
        rows = np.flatnonzero((keys == kode).to_numpy())
        if labels is not None:
            # one order for every output (report, rekap): ties are broken by category name, not
            # by the row order of the table at hand, so all of them hide the same categories
            rows = rows[np.argsort(labels[rows], kind="stable")]
        n = n_all[rows]
        total_hidden = False
        for col in COMPLAINT_RATES:
            if col not in summ.columns:
                continue
            p = pd.to_numeric(summ[col].iloc[rows], errors="coerce").to_numpy(dtype="float64")
            x = np.round(np.nan_to_num(p) * n / 100.0)
            h, t = protect_rates(n, x, k=k)
            hidden[rows] |= h
            total_hidden |= t
        totals[str(kode)] = total_hidden
    return hidden, totals


def ledger_ikm_services(
    services: pd.DataFrame,
    hidden: np.ndarray,
    overall: pd.Series | dict[str, Any],
    *,
    kode_opd: str,
    periode: object,
    min_width: float = 5.0,
) -> Ledger:
    """Ledger of an IKM-per-service table: each service's IKM (shown or hidden), its published
    respondent count (``ikm_responden/...``, also the weight), and the OPD's IKM as their respondent-weighted mean (within the rounding
    of two decimals, the IKM's own rounding)."""
    ledger = Ledger()
    src = f"opd/{kode_opd}: IKM per jenis layanan"
    keys, weights = [], []
    for (_, r), hid in zip(services.iterrows(), hidden, strict=True):
        key = cell_key("ikm", kode_opd, periode, r["jenis_layanan"])
        ledger.value(
            key,
            float(r["ikm"]) if pd.notna(r["ikm"]) else None,
            decimals=2,
            low=25,
            high=100,
            min_width=min_width,
            hidden=bool(hid),
            source=src,
        )
        keys.append(key)
        weights.append(float(r["n_responden"]))
        ledger.count(
            cell_key("ikm_responden", kode_opd, periode, r["jenis_layanan"]),
            float(r["n_responden"]),
            unit="responden",
            source=src,
        )
    total = cell_key("ikm", kode_opd, periode, "Semua layanan")
    ledger.value(
        total, float(overall["ikm"]), decimals=2, low=25, high=100, min_width=min_width, source=src
    )
    ledger.mean(weights, keys, total, tolerance=0.01)
    if "n_responden" in overall and pd.notna(overall["n_responden"]):
        # the services' respondents are part of the OPD's (the "IKM <periode>" table)
        resp = [cell_key("ikm_responden", kode_opd, periode, n) for n in services["jenis_layanan"]]
        everyone = ledger.count(
            cell_key("skm", kode_opd, periode, "Responden"),
            float(overall["n_responden"]),
            unit="responden",
            source=src,
        )
        rest = ledger.count(cell_key("ikm_responden", kode_opd, periode, "(di luar tabel)"), None)
        ledger.total([*resp, rest], everyone)
    return ledger


def protected_jp_bands(bands: pd.DataFrame, *, k: int = K_PEGAWAI) -> pd.DataFrame:
    """The JP bands of one OPD (``kode_opd, kelompok, jumlah, persen``) protected as one line.

    The last band ("20 JP atau lebih") is the count behind "pegawai ≥ 20 JP" and its percentage in
    the compliance table and the Temuan sentence, so those are hidden exactly when it is.
    """
    return protect_distribution(
        bands.assign(_jumlah=bands["jumlah"]),
        group_cols=("kode_opd",),
        category_col="kelompok",
        k=k,
        value_cols=("persen",),
    )


def jp_target_hidden(prot: pd.DataFrame) -> bool:
    """Whether the band of employees meeting the JP target is hidden (see
    :func:`protected_jp_bands`)."""
    return bool(prot["_tersembunyi"].iloc[-1]) or _is_small(prot)


def jp_target_hidden_by_opd(
    jp: pd.DataFrame, *, target: float, k: int = K_PEGAWAI
) -> dict[str, bool]:
    """Per OPD, whether "pegawai ≥ target JP" is hidden in its report (:func:`jp_target_hidden`),
    so that the rekap hides the same counts. ``jp``: the metric ``jp`` for all OPDs."""
    from kinerja.metrics.registry import jp_bands

    out: dict[str, bool] = {}
    for kode, rows in jp.groupby(jp["kode_opd"].astype("str"), sort=False):
        bands = jp_bands(rows, target).assign(kode_opd=kode)
        out[str(kode)] = jp_target_hidden(protected_jp_bands(bands, k=k))
    return out


def protect_kota_jp(
    table: pd.DataFrame,
    jp: pd.DataFrame,
    *,
    target: float,
    year: int,
    k: int = K_PEGAWAI,
    source: str = "kota",
) -> tuple[pd.DataFrame, Ledger]:
    """The city table's ``persen_memenuhi_20jp`` hidden where the OPD report hides the JP band
    of employees meeting the target (:func:`jp_target_hidden_by_opd`); the ledger records each
    published share over the OPD's headcount."""
    hidden = jp_target_hidden_by_opd(jp, target=target, k=k)
    ledger = Ledger()
    out = table.copy()
    if "persen_memenuhi_20jp" not in out.columns:
        return out, ledger
    codes = out["kode_opd"].astype("str")
    hide = codes.map(hidden).fillna(False).to_numpy(dtype=bool)
    out["persen_memenuhi_20jp"] = pd.to_numeric(out["persen_memenuhi_20jp"]).mask(hide)
    flag = "_sup_persen_memenuhi_20jp"
    before = out[flag].fillna(False).to_numpy(dtype=bool) if flag in out.columns else False
    out[flag] = before | hide
    for kode, share in zip(codes, out["persen_memenuhi_20jp"], strict=True):
        if pd.isna(share):
            continue
        meets = ledger.count(cell_key("jp", kode, year, "20 JP atau lebih"), None, source=source)
        total = ledger.count(cell_key("jp", kode, year, "Jumlah"), None, source=source)
        ledger.share([meets], [total], float(share), decimals=1, source=source)
    return out, ledger
