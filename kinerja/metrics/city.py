"""City comparison: one row per OPD with every stream's headline, ranks and period movement.

The metric ``kota`` (``_m_kota``) joins the per-OPD parts registered with
:func:`_kota_part` (IKM, SKP, JP, follow-up, service, complaints). A value computed over fewer
than k people is set to NA and flagged in a ``_sup_<column>`` column, so that the report can mark
it (disclosure control happens in the presentation, the flag here). :func:`ikm_movement` compares
each OPD's IKM and rank with the previous period.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


@_kota_part("ikm")
def _kota_ikm(data: MetricData, per: Periode) -> pd.DataFrame:
    if not data.has("skm"):
        return pd.DataFrame({"kode_opd": pd.Series(dtype="str")})
    ikm = data.metric("ikm", per)[["kode_opd", "n_responden", "ikm", "mutu"]].copy()
    small = ikm["n_responden"] < data.k_responden
    ikm["ikm"] = ikm["ikm"].where(~small)
    ikm["_sup_ikm"] = small.to_numpy()
    return ikm


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
        out["peringkat_ikm"] = out["ikm"].rank(method="min", ascending=False).astype("Int64")
    return out


def ikm_movement(data: MetricData, per: Periode) -> tuple[pd.DataFrame, Periode, Periode] | None:
    """IKM now vs the previous period (a year without data before it: last two quarters)."""
    cur, prev = per, per.previous()
    if not data.has("skm"):
        return None

    def shown(p: Periode) -> pd.DataFrame:
        t = data.metric("ikm", p)
        return t.loc[t["n_responden"] >= data.k_responden, ["kode_opd", "ikm"]].dropna()

    before = shown(prev)
    if before.empty and per.kind == "tahun":
        cur, prev = Periode(per.year, "triwulan", 4), Periode(per.year, "triwulan", 3)
        before = shown(prev)
    now = shown(cur)
    if before.empty or now.empty:
        return None
    m = now.merge(before, on="kode_opd", suffixes=("", "_sebelum"))
    m["peringkat"] = m["ikm"].rank(method="min", ascending=False).astype("int64")
    m["peringkat_sebelum"] = m["ikm_sebelum"].rank(method="min", ascending=False).astype("int64")
    m["selisih"] = m["ikm"] - m["ikm_sebelum"]
    m["naik_peringkat"] = m["peringkat_sebelum"] - m["peringkat"]
    return named(data, m), cur, prev
