"""Control charts of every series and the signals of a month, with plain Indonesian messages.

:func:`control_charts` estimates the limits of each ``(kode_opd, indikator, jenis_layanan)``
series (:func:`kinerja.metrics.monitoring.limits.estimate_series`; IKM quarters with
:func:`ikm_chart`), :func:`signals` applies the rules
(:func:`kinerja.metrics.monitoring.rules.apply_rules`) and writes one row per signal,
:func:`insufficient` lists the series a month could not judge. Values, limits and messages are in
display units: percent for shares, per 1,000 requests for the complaint rate.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from kinerja.domain.months import BULAN
from kinerja.domain.numbers import fmt_int, fmt_number, fmt_percent
from kinerja.metrics.monitoring.config import PantauConfig
from kinerja.metrics.monitoring.indicators import INDICATORS, SERIES_COLUMNS
from kinerja.metrics.monitoring.limits import estimate_arrays
from kinerja.metrics.monitoring.rules import fire

__all__ = [
    "CHART_COLUMNS",
    "SIGNAL_COLUMNS",
    "control_charts",
    "ikm_chart",
    "insufficient",
    "month_label",
    "signals",
]

SIGNAL_COLUMNS = [
    "kode_opd",
    "indikator",
    "jenis_layanan",
    "bulan",
    "nilai",
    "batas_bawah",
    "batas_atas",
    "aturan",
    "pesan",
]
#: the indicator series (:data:`~kinerja.metrics.monitoring.indicators.SERIES_COLUMNS`) with
#: their limits and status
CHART_COLUMNS = [
    *SERIES_COLUMNS,
    "dasar",
    "garis_tengah",
    "batas_bawah",
    "batas_atas",
    "sigma_titik",
    "dipakai_dasar",
    "n_bulan_dasar",
    "status",
]
_KEYS = ["kode_opd", "indikator", "jenis_layanan"]
#: chart scale -> display scale
_DISPLAY = {"tepat_waktu": 100.0, "laporan_harian": 100.0}


def month_label(bulan: pd.Timestamp) -> str:
    """``2025-03-01 -> "Maret 2025"``."""
    b = pd.Timestamp(bulan)
    return f"{BULAN[b.month - 1]} {b.year}"


def _min_delta(indikator: str, config: PantauConfig) -> float:
    return {
        "lama_layanan": config.selisih_minimum_hari,
        "laporan_harian": config.selisih_minimum_persen / 100.0,
        "verifikasi": config.selisih_minimum_hari,
    }.get(indikator, 0.0)


def ikm_chart(quarters: pd.DataFrame, baseline: pd.Series, config: PantauConfig) -> pd.DataFrame:
    """IKM quarters on a chart with per-quarter limits ``centre ± sigma · se``.

    Parameters
    ----------
    quarters : DataFrame
        :func:`kinerja.metrics.monitoring.indicators.ikm_quarters` output.
    baseline : Series of bool
        Whether each quarter lies in the baseline window (same index).

    Notes
    -----
    Centre = mean IKM of the OPD's baseline quarters with enough respondents, weighted by
    respondents; a quarter beyond ``centre − sigma · se`` on the low side is dropped from the
    baseline and the centre recomputed (as for the monthly charts). At least two baseline
    quarters are needed.
    """
    # every OPD's quarters in one frame, sorted by OPD then quarter (the groups of a groupby on
    # kode_opd, each sorted by month), limits filled in per OPD on plain arrays
    q = quarters.assign(dasar=baseline.to_numpy(dtype=bool))
    q = q.loc[q["kode_opd"].notna().to_numpy()]
    if not len(q):
        return pd.DataFrame(columns=[*CHART_COLUMNS, "triwulan", "ci_bawah", "ci_atas"])
    out = q.sort_values(["kode_opd", "bulan"], kind="stable").reset_index(drop=True)
    codes = out["kode_opd"].to_numpy()
    cut = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    bounds = zip(np.r_[0, cut], np.r_[cut, len(out)], strict=True)
    ok = out["cukup"].to_numpy(dtype=bool)
    base = out["dasar"].to_numpy(dtype=bool)
    v_all, se_all, w_all = (out[c].to_numpy(dtype=float) for c in ("ikm", "se", "n_responden"))
    centres = np.full(len(out), np.nan)
    used = np.zeros(len(out), dtype=bool)
    n_used = np.zeros(len(out), dtype=np.int64)
    for a, b in bounds:
        use = ok[a:b] & base[a:b]
        v, se, w = v_all[a:b], se_all[a:b], w_all[a:b]
        centre = np.nan
        for _ in range(10):
            if use.sum() < 2:
                centre = np.nan
                break
            centre = float(np.average(v[use], weights=w[use]))
            drop = use & (v < centre - config.sigma * se)
            if not drop.any():
                break
            use = use & ~drop
        centres[a:b] = centre
        if np.isfinite(centre):
            used[a:b] = use
            n_used[a:b] = int(use.sum())
    out["garis_tengah"] = centres
    out["batas_bawah"] = centres - config.sigma * se_all
    out["batas_atas"] = centres + config.sigma * se_all
    out["sigma_titik"] = se_all
    out["dipakai_dasar"] = used
    out["n_bulan_dasar"] = n_used
    out["status"] = np.where(
        ~ok, "data_kurang", np.where(np.isfinite(centres), "ok", "baseline_kurang")
    )
    out = out.assign(
        indikator="ikm",
        jenis_layanan=None,
        nilai=out["ikm"],
        x=np.nan,
        n=out["n_responden"].astype(float),
        n_pegawai=np.nan,
    )
    return out[[*CHART_COLUMNS, "triwulan", "ci_bawah", "ci_atas"]]


def _groups(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """``frame`` sorted by series and month, and the (start, stop) rows of each series."""
    svc = frame["jenis_layanan"].astype("object").where(frame["jenis_layanan"].notna(), "")
    f = frame.assign(_svc=svc.astype("str")).sort_values(
        ["kode_opd", "indikator", "_svc", "bulan"], kind="stable"
    )
    key = f["kode_opd"].astype("str") + "\x1f" + f["indikator"].astype("str") + "\x1f" + f["_svc"]
    k = key.to_numpy()
    cut = np.flatnonzero(k[1:] != k[:-1]) + 1
    bounds = np.concatenate([[0], cut, [len(f)]])
    return f.drop(columns="_svc").reset_index(drop=True), list(
        zip(bounds[:-1], bounds[1:], strict=False)
    )


def control_charts(
    series: pd.DataFrame,
    *,
    baseline: tuple[pd.Timestamp, pd.Timestamp],
    config: PantauConfig,
    ikm: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Limits and status of every series (one row per series and month).

    Parameters
    ----------
    series : DataFrame
        Concatenated outputs of :mod:`kinerja.metrics.monitoring.indicators` (columns
        ``SERIES_COLUMNS``).
    baseline : (Timestamp, Timestamp)
        First and last month of the baseline window (inclusive).
    config : PantauConfig
    ikm : DataFrame, optional
        :func:`~kinerja.metrics.monitoring.indicators.ikm_quarters` output.

    Returns
    -------
    DataFrame
        ``CHART_COLUMNS`` (plus ``triwulan, ci_bawah, ci_atas`` for IKM rows), on the chart's
        scale (shares 0..1), sorted by series and month.
    """
    start, end = (pd.Timestamp(b) for b in baseline)
    frames = []
    if len(series):
        s = series.assign(bulan=pd.to_datetime(series["bulan"]))
        s = s.assign(dasar=(s["bulan"] >= start) & (s["bulan"] <= end))
        s, bounds = _groups(s)
        x = s["x"].to_numpy(dtype=float, na_value=np.nan)
        n = s["n"].to_numpy(dtype=float, na_value=np.nan)
        v = s["nilai"].to_numpy(dtype=float, na_value=np.nan)
        ok = s["cukup"].to_numpy(dtype=bool, na_value=False)
        dasar = s["dasar"].to_numpy(dtype=bool)
        ind = s["indikator"].to_numpy()
        cols: dict[str, list[np.ndarray]] = {}
        for a, b in bounds:
            spec = INDICATORS[ind[a]]
            res = estimate_arrays(
                x[a:b],
                n[a:b],
                v[a:b],
                ok[a:b],
                dasar[a:b],
                chart=spec.chart,
                adverse=spec.adverse,
                sigma=config.sigma,
                min_delta=_min_delta(spec.key, config),
                min_months=config.baseline_bulan_min,
                min_events=config.min_kejadian_dasar if spec.chart in ("c", "u") else 0.0,
            )
            for key, value in res.items():
                cols.setdefault(key, []).append(value)
        for key, parts in cols.items():
            s[key] = np.concatenate(parts)
        frames.append(s[CHART_COLUMNS])
    if ikm is not None and len(ikm):
        months = pd.to_datetime(ikm["bulan"])
        frames.append(ikm_chart(ikm, (months >= start) & (months <= end), config))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=CHART_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _fmt(ind: str, value: float) -> str:
    unit = INDICATORS[ind].unit
    if ind in _DISPLAY:  # already in percent (display units)
        return fmt_percent(value)
    if unit == "hari kerja":
        return f"{fmt_number(value, 1)} hari kerja"
    if unit == "jam":
        return f"{fmt_number(value, 1)} jam"
    if unit in ("pengaduan", "butir"):
        return f"{fmt_int(value)} {unit}"
    if unit == "per 1.000":
        return fmt_number(value, 1)
    return fmt_number(value, 2)


def _subject(row: pd.Series) -> str:
    label = INDICATORS[row["indikator"]].label
    if isinstance(row["jenis_layanan"], str) and row["jenis_layanan"]:
        return f"{label} {row['jenis_layanan']}"
    if row["indikator"] == "ikm" and isinstance(row.get("triwulan"), str):
        return f"IKM {row['triwulan']}"
    return label


def _message(row: pd.Series, aturan: str, panjang: int) -> str:
    ind = row["indikator"]
    adverse = INDICATORS[ind].adverse
    verb = "turun" if adverse == "turun" else "naik"
    subject = _subject(row)
    value = _fmt(ind, row["nilai"])
    if aturan == "batas":
        which = "bawah" if adverse == "turun" else "atas"
        limit = row["batas_bawah"] if adverse == "turun" else row["batas_atas"]
        text = f"{subject} {verb} ke {value} (batas {which} {_fmt(ind, limit)})"
        if ind == "ikm":
            text += f"; selang kepercayaan 95% {fmt_number(row['ci_bawah'], 2)}–{fmt_number(row['ci_atas'], 2)}"
        return text
    if aturan == "deret":
        side = "di bawah" if adverse == "turun" else "di atas"
        return (
            f"{subject} {panjang} bulan berturut-turut {side} garis tengah "
            f"{_fmt(ind, row['garis_tengah'])} (kini {value})"
        )
    if aturan == "tren":
        return f"{subject} {verb} {panjang} bulan berturut-turut (kini {value})"
    side = "bawah" if adverse == "turun" else "atas"
    return f"{subject} dua dari tiga bulan terakhir jauh di {side} garis tengah (kini {value})"


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    factor = out["indikator"].map(_DISPLAY).fillna(1.0).astype(float)
    for c in ("nilai", "batas_bawah", "batas_atas", "garis_tengah"):
        out[c] = out[c].astype(float) * factor
    return out


def signals(
    charts: pd.DataFrame,
    *,
    config: PantauConfig,
    bulan: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Signals of every series (of one month when ``bulan`` is given).

    Returns
    -------
    DataFrame
        ``SIGNAL_COLUMNS``: ``bulan`` as ``YYYY-MM`` text, ``nilai``/limits in display units
        (percent for shares), ``aturan`` one of :data:`kinerja.metrics.monitoring.rules.RULES`,
        ``pesan`` in Indonesian with id-ID numbers; ``jenis_layanan`` None for OPD-wide
        indicators. IKM rows are judged by ``batas`` only (a handful of quarters make no run).
    """
    if charts.empty:
        return pd.DataFrame(columns=SIGNAL_COLUMNS)
    c, bounds = _groups(charts)
    cols = ("nilai", "garis_tengah", "batas_bawah", "batas_atas", "sigma_titik")
    v, centre, lo, hi, sd = (c[k].to_numpy(dtype=float, na_value=np.nan) for k in cols)
    status = c["status"].to_numpy()
    ind = c["indikator"].to_numpy()
    months = pd.to_datetime(c["bulan"]).to_numpy()
    target = np.datetime64(pd.Timestamp(bulan)) if bulan is not None else None
    ikm_rules = replace(config.aturan, deret=False, tren=False, dua_dari_tiga=False)
    hits: list[tuple[int, str, int]] = []
    for a, b in bounds:
        if target is not None and not (months[a:b] == target).any():
            continue
        if not (status[a:b] == "ok").any():
            continue
        rules = ikm_rules if ind[a] == "ikm" else config.aturan
        for pos, rule, length in fire(
            v[a:b],
            status[a:b],
            centre[a:b],
            lo[a:b],
            hi[a:b],
            sd[a:b],
            adverse=INDICATORS[ind[a]].adverse,
            rules=rules,
        ):
            if target is None or months[a + pos] == target:
                hits.append((a + pos, rule, length))
    if not hits:
        return pd.DataFrame(columns=SIGNAL_COLUMNS)
    disp = _display(c.iloc[[h[0] for h in hits]])
    rows = []
    for (_pos, rule, length), (_, row) in zip(hits, disp.iterrows(), strict=False):
        rows.append(
            {
                "kode_opd": row["kode_opd"],
                "indikator": row["indikator"],
                "jenis_layanan": row["jenis_layanan"]
                if isinstance(row["jenis_layanan"], str)
                else None,
                "bulan": pd.Timestamp(row["bulan"]).strftime("%Y-%m"),
                "nilai": float(row["nilai"]),
                "batas_bawah": float(row["batas_bawah"]),
                "batas_atas": float(row["batas_atas"]),
                "aturan": rule,
                "pesan": _message(row, rule, length),
            }
        )
    out = pd.DataFrame(rows, columns=SIGNAL_COLUMNS)
    order = {k: i for i, k in enumerate(INDICATORS)}
    return (
        out.assign(_o=out["indikator"].map(order))
        .sort_values(
            ["kode_opd", "_o", "jenis_layanan", "bulan"], kind="stable", na_position="first"
        )
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def insufficient(charts: pd.DataFrame, bulan: pd.Timestamp, config: PantauConfig) -> pd.DataFrame:
    """Series a month could not judge, and why (Indonesian ``pesan``).

    Returns
    -------
    DataFrame
        ``kode_opd, indikator, jenis_layanan, bulan, status, n, pesan`` for rows of ``bulan``
        whose status is ``data_kurang`` (too little data that month) or ``baseline_kurang``
        (too few baseline months for limits).
    """
    rows = charts.loc[
        (pd.to_datetime(charts["bulan"]) == pd.Timestamp(bulan)) & (charts["status"] != "ok")
    ]
    minimum = {
        "tepat_waktu": (config.min_permohonan, "permohonan"),
        "lama_layanan": (config.min_permohonan, "permohonan"),
        "pengaduan_per_1000": (config.min_permohonan, "permohonan"),
        "laporan_harian": (config.min_pegawai, "pegawai"),
        "verifikasi": (config.min_pegawai, "pegawai"),
        "ikm": (config.min_responden, "responden"),
    }
    texts = []
    for r in rows.itertuples(index=False):
        subject = INDICATORS[r.indikator].label + (
            f" {r.jenis_layanan}" if isinstance(r.jenis_layanan, str) and r.jenis_layanan else ""
        )
        if r.status == "data_kurang":
            lo, unit = minimum.get(r.indikator, (0, ""))
            n = r.n * 1000 if r.indikator == "pengaduan_per_1000" else r.n
            if r.indikator in ("laporan_harian", "verifikasi") and np.isfinite(r.n_pegawai):
                n = r.n_pegawai
            count = fmt_int(n) if np.isfinite(n) else "0"
            texts.append(
                f"{subject}: data {month_label(r.bulan)} terlalu sedikit untuk dinilai "
                f"({count} {unit}; minimal {fmt_int(lo)})"
            )
        elif INDICATORS[r.indikator].chart in ("c", "u"):
            texts.append(
                f"{subject}: belum ada batas kendali — kejadian pada bulan dasar kurang dari "
                f"{fmt_int(config.min_kejadian_dasar)} (atau kurang dari "
                f"{config.baseline_bulan_min} bulan dasar dengan data cukup)"
            )
        elif r.indikator == "ikm":
            texts.append(
                f"{subject}: belum ada batas kendali — kurang dari 2 triwulan dasar dengan responden cukup"
            )
        else:
            texts.append(
                f"{subject}: belum ada batas kendali — kurang dari {config.baseline_bulan_min} "
                "bulan dasar dengan data cukup"
            )
    out = rows[["kode_opd", "indikator", "jenis_layanan", "bulan", "status", "n"]].copy()
    out["bulan"] = pd.to_datetime(out["bulan"]).dt.strftime("%Y-%m")
    out["jenis_layanan"] = (
        out["jenis_layanan"].astype("object").where(out["jenis_layanan"].notna(), None)
    )
    out["pesan"] = texts
    return out.reset_index(drop=True)
