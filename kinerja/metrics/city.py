"""City comparison: one row per OPD with every stream's headline, ranks and period movement.

The metric ``kota`` (``_m_kota``) joins the per-OPD parts registered with
:func:`_kota_part` (IKM, SKP, JP, follow-up, service, complaints). A value computed over fewer
than k people is set to NA and flagged in a ``_sup_<column>`` column, so that the report can mark
it (disclosure control happens in the presentation, the flag here). :func:`ikm_movement` compares
each OPD's IKM and rank with the previous period.

Uncertainty: every IKM carries a 95 % confidence interval (:func:`ikm_interval`, a t-interval
on respondent-level scores); an OPD whose sample is below the Krejcie–Morgan minimum
(PermenPANRB 14/2017, ``sampel_memadai`` false) gets no rank; a change between periods is
called a rise or fall only when it exceeds its own 95 % margin (:func:`ikm_movement`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.registry import MetricData, filter_period, metric, named, skp_share_good

#: per-OPD parts of the city table: name -> builder(data, periode) -> DataFrame with
#: ``kode_opd``, the part's columns and their ``_sup_*`` flags (joined in this order)
_KOTA_PARTS: dict[str, Callable[[MetricData, Periode], pd.DataFrame]] = {}


def _kota_part(name: str) -> Callable[..., Any]:
    def register(func: Callable[[MetricData, Periode], pd.DataFrame]) -> Any:
        _KOTA_PARTS[name] = func
        return func

    return register


def _t_pdf(x: np.ndarray | float, df: float) -> np.ndarray | float:
    c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return np.exp(c - (df + 1) / 2 * np.log1p(np.asarray(x, dtype=float) ** 2 / df))


def _t_cdf(x: float, df: float, steps: int = 2000) -> float:
    """P(T ≤ x) for x ≥ 0: 1/2 + Simpson's rule on the density over [0, x]."""
    grid = np.linspace(0.0, x, steps + 1)
    f = _t_pdf(grid, df)
    h = x / steps
    return 0.5 + h / 3 * (f[0] + f[-1] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum())


def t_quantile(p: float, df: float) -> float:
    """Quantile ``p`` (> 0,5) of Student's t with ``df`` degrees of freedom.

    A Cornish–Fisher start (Abramowitz & Stegun 26.7.5) refined by Newton steps on the
    distribution function (Simpson's rule on the density): 2,7764 at df = 4, 2,5706 at 5,
    2,2281 at 10; the normal quantile for df = ∞; ``NaN`` for df < 1.
    """
    if not df >= 1:
        return math.nan
    z = NormalDist().inv_cdf(p)
    if math.isinf(df):
        return z
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    x = z + g1 / df + g2 / df**2 + g3 / df**3
    for _ in range(6):
        step = (_t_cdf(x, df) - p) / float(_t_pdf(x, df))
        x -= step
        if abs(step) < 1e-10:
            break
    return x


def ikm_interval(
    skm: pd.DataFrame,
    *,
    by: Sequence[str] = ("kode_opd",),
    periode: Periode | str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Standard error and confidence margin of the IKM per group (respondent-level t-interval).

    Parameters
    ----------
    skm : DataFrame
        Typed ``skm`` table (nine element columns 1..4 / blank, ``tanggal``, ``metode``).
    by : sequence of str
        Groups, as for :func:`kinerja.metrics.survey.ikm_table` (``()`` for the whole city).
    periode : Periode or str, optional
        Respondents whose ``tanggal`` falls in the period.
    level : float, default 0.95

    Returns
    -------
    DataFrame
        ``*by, n_ci, galat_baku, margin_ikm``: respondents used, standard error and half-width
        of the interval, in IKM points (scale 25–100).

    Notes
    -----
    PermenPANRB 14/2017 (Lampiran) computes the IKM as the mean of the nine NRR × 25. Each
    respondent's score is the mean of the elements he or she answered × 25 (the IKM of that one
    respondent); the interval is IKM ± t(1 − α/2, n − 1) × s / √n with s the standard deviation
    of those scores (survey method 2017 only). No finite-population correction (conservative).
    The mean of the respondent scores equals the IKM when nobody left an element blank.
    """
    from kinerja.domain.schema import SKM_ELEMENTS
    from kinerja.metrics.survey import _select

    by = list(by)
    df, met = _select(skm, by, periode)
    df = df.loc[(met == "2017").to_numpy()]
    answers = df[list(SKM_ELEMENTS)].apply(pd.to_numeric, errors="coerce").astype("float64")
    score = answers.mean(axis=1, skipna=True) * 25
    frame = df[by].copy() if by else pd.DataFrame(index=df.index)
    frame["_skor"] = score.to_numpy()
    frame = frame.loc[frame["_skor"].notna()]
    if by:
        g = frame.groupby(by, observed=True, sort=True)["_skor"]
        out = g.agg(n_ci="size", _sd=lambda v: v.std(ddof=1)).reset_index()
    else:
        out = pd.DataFrame({"n_ci": [len(frame)], "_sd": [frame["_skor"].std(ddof=1)]})
    n = out["n_ci"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        se = out.pop("_sd").to_numpy(dtype="float64") / np.sqrt(n)
    t = np.array([t_quantile(0.5 + level / 2, k - 1) for k in n])
    out["n_ci"] = out["n_ci"].astype("int64")
    out["galat_baku"] = se
    out["margin_ikm"] = t * se
    return out


@_kota_part("ikm")
def _kota_ikm(data: MetricData, per: Periode) -> pd.DataFrame:
    if not data.has("skm"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    ikm = data.metric("ikm", per)
    keep = ["kode_opd", "n_responden", "ikm", "mutu"]
    keep += [c for c in ("n_minimum", "sampel_memadai") if c in ikm.columns]
    ikm = ikm[keep].copy()
    ikm["kode_opd"] = ikm["kode_opd"].astype("str")
    ci = ikm_interval(data.table("skm"), by=("kode_opd",), periode=per)
    ci["kode_opd"] = ci["kode_opd"].astype("str")
    ikm = ikm.merge(ci[["kode_opd", "galat_baku", "margin_ikm"]], on="kode_opd", how="left")
    ikm["ikm_bawah"] = (ikm["ikm"] - ikm["margin_ikm"]).clip(lower=25.0)
    ikm["ikm_atas"] = (ikm["ikm"] + ikm["margin_ikm"]).clip(upper=100.0)
    if "sampel_memadai" not in ikm.columns:
        ikm["sampel_memadai"] = pd.array([pd.NA] * len(ikm), dtype="boolean")
    small = ikm["n_responden"] < data.k_responden
    for c in ("ikm", "ikm_bawah", "ikm_atas", "margin_ikm", "galat_baku"):
        ikm[c] = ikm[c].where(~small)
    ikm["_sup_ikm"] = small.to_numpy()
    return ikm


def rankable(ikm: pd.Series, sampel_memadai: pd.Series) -> pd.Series:
    """True where an IKM may be ranked: reported, and its sample not below the minimum.

    An unknown adequacy (no population to compare with) does not bar a rank; the report says
    the sample could not be checked.
    """
    inadequate = sampel_memadai.astype("boolean").eq(False).fillna(False).to_numpy(dtype=bool)
    return pd.Series(ikm.notna().to_numpy() & ~inadequate, index=ikm.index)


@_kota_part("skp")
def _kota_skp(data: MetricData, per: Periode) -> pd.DataFrame:
    if not data.has("penilaian_skp"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    dist, _used = data.metric("skp", per)
    g = skp_share_good(dist)
    small = g["n_dinilai"] < data.k_pegawai
    g["persen_baik"] = g["persen_baik"].where(~small)
    g["_sup_persen_baik"] = small.to_numpy()
    return g[["kode_opd", "persen_baik", "_sup_persen_baik"]]


@_kota_part("jp")
def _kota_jp(data: MetricData, per: Periode) -> pd.DataFrame:
    if not data.has("pelatihan"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    c = data.metric("jp_compliance", per)[["kode_opd", "n_pegawai", "persen_memenuhi_20jp"]].copy()
    small = c["n_pegawai"] < data.k_pegawai
    c["persen_memenuhi_20jp"] = c["persen_memenuhi_20jp"].where(~small)
    c["_sup_persen_memenuhi_20jp"] = small.to_numpy()
    return c[["kode_opd", "persen_memenuhi_20jp", "_sup_persen_memenuhi_20jp"]]


@_kota_part("tindak_lanjut")
def _kota_tl(data: MetricData, per: Periode) -> pd.DataFrame:
    if not data.has("tindak_lanjut"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    return data.metric("followup", None)[["kode_opd", "n_terlambat"]]


@_kota_part("layanan")
def _kota_layanan(data: MetricData, per: Periode) -> pd.DataFrame:
    if not data.has("layanan"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    req = data.metric("service", per)["permohonan"]
    r = pd.DataFrame(
        {
            "kode_opd": req["kode_opd"].astype("str"),
            "tepat": req["tepat_waktu"].astype("Float64"),
        }
    )
    g = r.groupby("kode_opd").agg(n_permohonan=("tepat", "size"), p=("tepat", "mean")).reset_index()
    g["persen_tepat_waktu"] = g.pop("p").astype("float64") * 100
    small = g["n_permohonan"] < data.k_responden
    g["persen_tepat_waktu"] = g["persen_tepat_waktu"].where(~small)
    g["_sup_persen_tepat_waktu"] = small.to_numpy()
    return g


@_kota_part("pengaduan")
def _kota_pengaduan(data: MetricData, per: Periode) -> pd.DataFrame:
    if not data.has("pengaduan"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    p = filter_period(data.table("pengaduan"), per, "tanggal_masuk")
    out = p.groupby("kode_opd", observed=True).size().rename("n_pengaduan").reset_index()
    return out.assign(kode_opd=out["kode_opd"].astype("str"))


@metric("kota")
def _m_kota(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    """One row per OPD with every stream's headline (suppressed values are NA + a flag)."""
    out = data.opd[["kode_opd", "nama_opd"]].copy()
    out["kode_opd"] = out["kode_opd"].astype("str")
    for func in _KOTA_PARTS.values():
        part = func(data, periode)
        if len(part.columns) > 1:
            part = part.assign(kode_opd=part["kode_opd"].astype("str"))
            out = out.merge(part, on="kode_opd", how="left")
    if "ikm" in out.columns:
        ok = rankable(out["ikm"], out["sampel_memadai"])
        out["peringkat_ikm"] = (
            out["ikm"].where(ok).rank(method="min", ascending=False).astype("Int64")
        )
    return out


def ikm_movement(data: MetricData, per: Periode) -> tuple[pd.DataFrame, Periode, Periode] | None:
    """IKM now vs the previous period (a year without data before it: last two quarters).

    Returns
    -------
    (DataFrame, Periode, Periode) or None
        Per OPD with at least k respondents in both periods: ``kode_opd, ikm, ikm_sebelum,
        selisih, margin_selisih, arah, peringkat, peringkat_sebelum, naik_peringkat,
        sampel_memadai, sampel_memadai_sebelum, nama_opd``; then the two periods compared.

    Notes
    -----
    ``margin_selisih`` = t(0,975, min(n₁, n₂) − 1) × √(SE₁² + SE₂²) with the standard errors of
    :func:`ikm_interval` (two independent samples; the smaller sample's degrees of freedom,
    conservative). ``arah`` is ``"naik"`` / ``"turun"`` only when ``|selisih|`` exceeds that
    margin, else ``"tidak berubah nyata"``. Ranks are given only among OPDs whose sample meets
    the minimum in that period (:func:`rankable`); elsewhere NA.
    """
    cur, prev = per, per.previous()
    if not data.has("skm"):
        return None

    def shown(p: Periode) -> pd.DataFrame:
        t = data.metric("ikm", p)
        cols = ["kode_opd", "ikm", "n_responden"]
        t = t.loc[t["n_responden"] >= data.k_responden]
        out = t[cols].dropna(subset=["ikm"]).copy()
        out["kode_opd"] = out["kode_opd"].astype("str")
        memadai = t["sampel_memadai"] if "sampel_memadai" in t.columns else None
        out["sampel_memadai"] = (
            memadai.loc[out.index].astype("boolean")
            if memadai is not None
            else pd.array([pd.NA] * len(out), dtype="boolean")
        )
        ci = ikm_interval(data.table("skm"), by=("kode_opd",), periode=p)
        ci["kode_opd"] = ci["kode_opd"].astype("str")
        return out.merge(ci[["kode_opd", "galat_baku"]], on="kode_opd", how="left")

    before = shown(prev)
    if before.empty and per.kind == "tahun":
        cur, prev = Periode(per.year, "triwulan", 4), Periode(per.year, "triwulan", 3)
        before = shown(prev)
    now = shown(cur)
    if before.empty or now.empty:
        return None
    m = now.merge(before, on="kode_opd", suffixes=("", "_sebelum"))
    for col, flag in (
        ("peringkat", "sampel_memadai"),
        ("peringkat_sebelum", "sampel_memadai_sebelum"),
    ):
        value = m["ikm" if col == "peringkat" else "ikm_sebelum"]
        m[col] = (
            value.where(rankable(value, m[flag]))
            .rank(method="min", ascending=False)
            .astype("Int64")
        )
    m["selisih"] = m["ikm"] - m["ikm_sebelum"]
    dof = np.minimum(m["n_responden"], m["n_responden_sebelum"]).to_numpy(dtype="float64") - 1
    t = np.array([t_quantile(0.975, k) for k in dof])
    se = np.sqrt(
        m["galat_baku"].to_numpy(dtype="float64") ** 2
        + m["galat_baku_sebelum"].to_numpy(dtype="float64") ** 2
    )
    m["margin_selisih"] = t * se
    real = (m["selisih"].abs() > m["margin_selisih"]).fillna(False).to_numpy(dtype=bool)
    m["arah"] = np.where(real, np.where(m["selisih"] > 0, "naik", "turun"), "tidak berubah nyata")
    m["naik_peringkat"] = (m["peringkat_sebelum"] - m["peringkat"]).astype("Int64")
    m = m.drop(columns=["galat_baku", "galat_baku_sebelum"])
    return named(data, m), cur, prev
