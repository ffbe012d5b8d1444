"""``kinerja.buka(sumber)``: the report's numbers as DataFrames, for exploring in JupyterLab.

Every method reads the metric tables the reports use (:mod:`kinerja.metrics.registry`, memoised
in one :class:`~kinerja.metrics.store.ReportData` per source and kernel), never recomputes them,
and returns a plain :class:`pandas.DataFrame` with numeric columns (filter, group, plot it as
usual). The audience is ``forum`` unless asked otherwise: the tables are then protected as in
the reports (statistics over fewer than ``k`` units hidden, complementary cells of a
distribution hidden, no NIP or names; a hidden cell is empty, ``NA``). ``audience="internal"``
gives, **for one OPD only**, the people behind the SKP, training and complaint figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.explore.display import ATTR, install, styled
from kinerja.metrics.registry import skp_period_rows
from kinerja.metrics.store import ReportData, get_report_data
from kinerja.protect import (
    forum_safe,
    internal_banner,
    suppress_distribution,
    suppress_small,
    validate_audience,
)

__all__ = ["Jelajah", "buka"]

_IKM_VALUES = (
    "nrr_persyaratan",
    "nrr_prosedur",
    "nrr_waktu",
    "nrr_biaya",
    "nrr_produk",
    "nrr_kompetensi",
    "nrr_perilaku",
    "nrr_pengaduan",
    "nrr_sarana",
    "ikm",
    "ikm_skala4",
    "mutu",
    "kinerja_unit",
)


def buka(
    sumber: str | Path | None = None,
    *,
    periode: str | None = None,
    audience: Literal["forum", "internal"] = "forum",
    params_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> Jelajah:
    """Open a data folder (or a batch's prepared cache) for exploring.

    Parameters
    ----------
    sumber : path, optional
        The data folder (default: the bundled sample, generated on first use). A relative path
        is also tried from the project folder and its ``notebooks/``.
    periode : str, optional
        ``2026``, ``2026-TW3``, ``2026-07``; default ``periode`` of ``parameters/default.yaml``,
        ``auto``: chosen from the data (:mod:`kinerja.data.periods`).
    audience : {"forum", "internal"}
        ``forum`` (default): protected aggregates. ``internal``: the SKP, training and complaint
        methods also list the people of the one OPD they are asked for.
    params_dir, cache_dir : path, optional
        The ``parameters/`` folder; a prepared cache of ``kinerja batch`` (wins when it exists).

    Returns
    -------
    Jelajah
    """
    data = get_report_data(cache_dir=cache_dir, data_dir=sumber, params_dir=params_dir)
    install()  # id-ID display in a notebook; nothing outside IPython
    return Jelajah(data, periode=periode, audience=audience)


class Jelajah:
    """The metric tables of one data source as DataFrames (see :func:`buka`).

    Attributes
    ----------
    data : ReportData
        The report data (dataset, settings, memoised metric tables).
    periode : Periode
        The default period of every method.
    audience : {"forum", "internal"}
    """

    def __init__(
        self, data: ReportData, *, periode: str | None = None, audience: str = "forum"
    ) -> None:
        self.data = data
        self.periode = data.periode(periode)
        self.audience = validate_audience(audience)

    def __repr__(self) -> str:
        return (
            f"<kinerja.Jelajah {self.data.source}: periode {self.periode}, "
            f"audiens {self.audience}, {len(self.data.opd)} OPD>"
        )

    # -- helpers --------------------------------------------------------------------------------
    def _per(self, periode: str | None) -> Periode:
        return self.periode if periode in (None, "") else self.data.periode(periode)

    def _opd(self, kode_opd: str | None) -> str | None:
        return None if kode_opd in (None, "") else self.data.check_opd(str(kode_opd))

    def _names(self, df: pd.DataFrame) -> pd.DataFrame:
        if "kode_opd" not in df.columns or "nama_opd" in df.columns:
            return df
        opd = self.data.opd[["kode_opd", "nama_opd"]].astype({"kode_opd": "str"})
        out = df.astype({"kode_opd": "str"}).merge(opd, on="kode_opd", how="left")
        cols = [
            "kode_opd",
            "nama_opd",
            *[c for c in out.columns if c not in ("kode_opd", "nama_opd")],
        ]
        out = out[cols]
        out.attrs = dict(df.attrs)
        return out

    def _finish(
        self,
        df: pd.DataFrame,
        judul: str,
        per: Periode | None,
        *,
        kode_opd: str | None = None,
        internal: bool = False,
        catatan: str | None = None,
    ) -> pd.DataFrame:
        out = df.reset_index(drop=True)
        if not internal:
            out = forum_safe(out, on_forbidden="drop", name=judul)
        hidden = int(out.attrs.get("suppressed_cells", 0) or 0)
        notes = [catatan] if catatan else []
        if hidden:
            notes.append(f"{hidden} sel disembunyikan (kosong): kelompok terlalu kecil")
        out.attrs = {
            ATTR: {
                "judul": judul,
                "sumber": str(self.data.source),
                "periode": None if per is None else str(per),
                "periode_label": None if per is None else per.label,
                "audiens": "audiens internal: " + internal_banner(kode_opd or "")
                if internal
                else "audiens forum (agregat)",
                "sel_disembunyikan": hidden,
                "catatan": "; ".join(notes),
            }
        }
        return out

    def _one_opd_internal(self, kode_opd: str | None, what: str) -> str:
        if kode_opd is None:
            raise ValueError(
                f"Audiens internal hanya untuk satu OPD: sebutkan kodenya, mis. "
                f"lap.{what}('DPMPTSP')"
            )
        return kode_opd

    def tampilkan(self, df: pd.DataFrame, *, max_rows: int = 30) -> Any:
        """The id-ID Styler of a table (decimal comma, thousands dot, dd-mm-yyyy)."""
        return styled(df, max_rows=max_rows)

    # -- the tables -----------------------------------------------------------------------------
    def opd(self) -> pd.DataFrame:
        """The OPDs of the data: ``kode_opd``, ``nama_opd``, ``singkatan``, ``jenis_opd``, ..."""
        opd = self.data.opd.copy()
        return self._finish(opd, "Perangkat daerah", None)

    def ikm(self, kode_opd: str | None = None, *, periode: str | None = None) -> pd.DataFrame:
        """IKM (PermenPANRB 14/2017): one row per OPD, or per service of ``kode_opd``.

        Columns: ``n_responden``, NRR of the nine elements (``nrr_*``), ``ikm`` (25–100),
        ``mutu`` (A–D), ``kinerja_unit``, the Krejcie–Morgan minimum sample ``n_minimum`` and
        ``sampel_memadai``. Forum: the values of a row with fewer than ``k_responden``
        respondents are hidden (and, per service, the complementary cells).
        """
        per, kode = self._per(periode), self._opd(kode_opd)
        if kode is None:
            df = self.data.metric("ikm", per)
            groups: Sequence[str] | None = None
            judul = "IKM per OPD"
        else:
            df = self.data.metric("ikm_layanan", per)
            df = df.loc[df["kode_opd"].astype("str") == kode]
            groups = ("kode_opd",)
            judul = f"IKM per jenis layanan — {self.data.opd_name(kode)}"
        df = self._names(df.drop(columns=["nama_opd"], errors="ignore"))
        values = [c for c in _IKM_VALUES if c in df.columns]
        df = suppress_small(
            df,
            count_col="n_responden",
            k=self.data.k_responden,
            group_cols=groups,
            value_cols=values,
            mark=None,
        )
        return self._finish(df, judul, per, kode_opd=kode)

    def unsur(self, kode_opd: str, *, periode: str | None = None) -> pd.DataFrame:
        """The nine IKM elements of one OPD: ``unsur``, ``label``, ``n_jawaban``, ``nrr``,
        ``nrr_tertimbang``, ``mutu``, ``peringkat`` (forum: hidden below ``k_responden``)."""
        per, kode = self._per(periode), self.data.check_opd(kode_opd)
        df = self.data.metric("ikm_elements", per)
        df = df.loc[df["kode_opd"].astype("str") == kode]
        df = suppress_small(
            df,
            count_col="n_jawaban",
            k=self.data.k_responden,
            value_cols=[c for c in ("nrr", "nrr_tertimbang", "mutu", "peringkat") if c in df],
            mark=None,
        )
        return self._finish(df, f"Unsur IKM — {self.data.opd_name(kode)}", per, kode_opd=kode)

    def layanan(self, kode_opd: str | None = None, *, periode: str | None = None) -> pd.DataFrame:
        """Services per OPD: ``n_permohonan``, ``persen_tepat_waktu``, ``median_hari_kerja``,
        ``p90_hari_kerja``, ``standar_hari``, ``tahap_hambatan`` (the slowest stage).

        Forum: the statistics of a service with fewer than ``k_responden`` requests are hidden
        (as in the report's service section).
        """
        per, kode = self._per(periode), self._opd(kode_opd)
        df = self.data.metric("service", per)["layanan"]
        if kode is not None:
            df = df.loc[df["kode_opd"].astype("str") == kode]
        stats = ["persen_tepat_waktu", "median_hari_kerja", "p90_hari_kerja", "tahap_hambatan"]
        df = _hide_small(df, "n_permohonan", self.data.k_responden, stats)
        judul = "Layanan" + (f" — {self.data.opd_name(kode)}" if kode else " per OPD")
        return self._finish(self._names(df), judul, per, kode_opd=kode)

    def hambatan(
        self, kode_opd: str, jenis_layanan: str, *, periode: str | None = None
    ) -> pd.DataFrame:
        """The stages of one service: ``tahap``, ``n``, median and P90 waiting and processing
        hours, ``total_jam``, ``porsi_waktu`` and ``hambatan`` (True for the bottleneck stage).
        """
        per, kode = self._per(periode), self.data.check_opd(kode_opd)
        tables = self.data.metric("service", per)
        sel = (tables["tahap"]["kode_opd"].astype("str") == kode) & (
            tables["tahap"]["jenis_layanan"].astype("str") == str(jenis_layanan)
        )
        df = tables["tahap"].loc[sel]
        if df.empty:
            known = sorted(
                tables["layanan"]
                .loc[tables["layanan"]["kode_opd"].astype("str") == kode, "jenis_layanan"]
                .astype("str")
            )
            raise ValueError(
                f"Tidak ada permohonan {jenis_layanan!r} di {kode} pada periode {per}; "
                f"jenis layanan yang ada: {', '.join(known) or '(tidak ada)'}"
            )
        ham = tables["hambatan"]
        row = ham.loc[
            (ham["kode_opd"].astype("str") == kode)
            & (ham["jenis_layanan"].astype("str") == str(jenis_layanan))
        ]
        bottleneck = str(row["tahap_hambatan"].iloc[0]) if len(row) else None
        df = df.assign(hambatan=df["tahap"].astype("str") == bottleneck)
        stats = [c for c in df.columns if c.endswith("_jam") or c == "porsi_waktu"]
        df = _hide_small(df, "n", self.data.k_responden, stats)
        judul = f"Tahap {jenis_layanan} — {self.data.opd_name(kode)}"
        note = f"hambatan: tahap {bottleneck}" if bottleneck else None
        return self._finish(df, judul, per, kode_opd=kode, catatan=note)

    def skp(self, kode_opd: str | None = None, *, periode: str | None = None) -> pd.DataFrame:
        """SKP predikat per OPD (``predikat``, ``jumlah``, ``persen``), protected as a
        distribution (``k_pegawai``); internal with ``kode_opd``: one row per employee."""
        per, kode = self._per(periode), self._opd(kode_opd)
        if self.audience == "internal":
            kode = self._one_opd_internal(kode, "skp")
            rows, used = skp_period_rows(self.data.table("penilaian_skp"), per)
            peg = self.data.table("pegawai")
            people = peg.loc[peg["kode_opd"].astype("str") == kode, ["nip", "nama", "jabatan"]]
            df = people.merge(rows.drop(columns=["kode_opd"], errors="ignore"), on="nip")
            judul = f"Penilaian SKP {used} — {self.data.opd_name(kode)}"
            return self._finish(df, judul, per, kode_opd=kode, internal=True)
        dist, used = self.data.metric("skp", per)
        if kode is not None:
            dist = dist.loc[dist["kode_opd"].astype("str") == kode]
        groups = [c for c in ("kode_opd", "periode") if c in dist.columns]
        df = suppress_distribution(
            dist, group_cols=groups, k=self.data.k_pegawai, value_cols=("persen",), mark=None
        )
        df = self._names(df.assign(predikat=df["predikat"].astype("str")))
        return self._finish(df, f"Predikat SKP {used}", per, kode_opd=kode)

    def pelatihan(self, kode_opd: str | None = None, *, periode: str | None = None) -> pd.DataFrame:
        """Training hours (20 JP a year) per OPD: ``n_pegawai``, ``n_memenuhi``,
        ``persen_memenuhi_20jp``, ``median_jp``; forum: the count and share meeting 20 JP are
        hidden where the reports hide them, the median below ``k_pegawai`` employees; internal
        with ``kode_opd``: one row per employee."""
        per, kode = self._per(periode), self._opd(kode_opd)
        if self.audience == "internal":
            kode = self._one_opd_internal(kode, "pelatihan")
            jp = self.data.metric("jp", per)
            jp = jp.loc[jp["kode_opd"].astype("str") == kode]
            peg = self.data.table("pegawai")[["nip", "nama", "jabatan"]]
            df = peg.merge(jp, on="nip")
            judul = f"Jam pelajaran {per.year} — {self.data.opd_name(kode)}"
            return self._finish(df, judul, per, kode_opd=kode, internal=True)
        comp = self.data.metric("jp_compliance", per)
        if kode is not None:
            comp = comp.loc[comp["kode_opd"].astype("str") == kode]
        # the share meeting 20 JP is hidden exactly where the reports hide it (the city table's
        # protected JP bands); the median needs k_pegawai employees
        kota = self.data.metric("kota", per)
        flags = kota.set_index(kota["kode_opd"].astype("str"))["_sup_persen_memenuhi_20jp"]
        hide = comp["kode_opd"].astype("str").map(flags).fillna(True).to_numpy(dtype=bool)
        small = (pd.to_numeric(comp["n_pegawai"]).fillna(0) < self.data.k_pegawai).to_numpy()
        out = comp.copy()
        for col in ("n_memenuhi", "persen_memenuhi_20jp"):
            out[col] = pd.to_numeric(out[col]).astype("Float64").mask(hide)
        out["median_jp"] = pd.to_numeric(out["median_jp"]).astype("Float64").mask(small)
        out.attrs["suppressed_cells"] = int(hide.sum() * 2 + small.sum())
        return self._finish(self._names(out), f"Pelatihan {per.year} (target 20 JP)", per)

    def pengaduan(self, kode_opd: str | None = None, *, periode: str | None = None) -> pd.DataFrame:
        """Complaints (SP4N-LAPOR!) per OPD and category: ``n_pengaduan``,
        ``persen_ditanggapi_tepat_waktu``, ``persen_selesai_tepat_waktu``,
        ``median_hari_kerja_tanggapan``, ``n_belum_selesai``; forum: categories with fewer than
        ``k_responden`` complaints hidden (with complementary cells); internal with
        ``kode_opd``: one row per complaint (without its text)."""
        per, kode = self._per(periode), self._opd(kode_opd)
        times = self.data.metric("complaint_times", per)
        if kode is not None:
            times = times.loc[times["kode_opd"].astype("str") == kode]
        if self.audience == "internal":
            kode = self._one_opd_internal(kode, "pengaduan")
            judul = f"Pengaduan — {self.data.opd_name(kode)}"
            return self._finish(times, judul, per, kode_opd=kode, internal=True)
        t = times.assign(
            _tanggap=pd.to_numeric(times["ditanggapi_tepat_waktu"], errors="coerce"),
            _selesai=pd.to_numeric(times["selesai_tepat_waktu"], errors="coerce"),
            _hk=pd.to_numeric(times["hari_kerja_tanggapan"], errors="coerce"),
            _belum=times["belum_selesai"].astype("bool"),
        )
        g = t.groupby(["kode_opd", "kategori"], observed=True)
        df = pd.DataFrame(
            {
                "n_pengaduan": g.size(),
                "persen_ditanggapi_tepat_waktu": g["_tanggap"].mean() * 100,
                "persen_selesai_tepat_waktu": g["_selesai"].mean() * 100,
                "median_hari_kerja_tanggapan": g["_hk"].median(),
                "n_belum_selesai": g["_belum"].sum(),
            }
        ).reset_index()
        df = suppress_small(
            df,
            count_col="n_pengaduan",
            k=self.data.k_responden,
            group_cols=("kode_opd",),
            value_cols=[c for c in df.columns if c not in ("kode_opd", "kategori", "n_pengaduan")],
            mark=None,
        )
        return self._finish(self._names(df), "Pengaduan per kategori", per, kode_opd=kode)

    def kota(self, *, periode: str | None = None) -> pd.DataFrame:
        """All OPDs side by side (the city overview's table): IKM with its margin, % SKP
        Baik+, % meeting 20 JP, % on time, complaints, IKM rank; hidden cells empty."""
        per = self._per(periode)
        df = self.data.metric("kota", per).copy()
        for flag in [c for c in df.columns if c.startswith("_sup_")]:
            col = flag[len("_sup_") :]
            if col in df.columns:
                df[col] = (
                    pd.to_numeric(df[col], errors="coerce")
                    .astype("Float64")
                    .mask(df[flag].fillna(False).to_numpy(dtype=bool))
                )
        df = df.drop(columns=[c for c in df.columns if c.startswith("_")])
        return self._finish(df, "Perbandingan OPD Kota Salatiga", per)


def _hide_small(df: pd.DataFrame, count: str, k: int, columns: Sequence[str]) -> pd.DataFrame:
    """Statistics of rows counting fewer than ``k`` units become NA (counts stay)."""
    small = (pd.to_numeric(df[count], errors="coerce").fillna(0) < k).to_numpy()
    out = df.copy()
    for col in columns:
        if col not in out.columns:
            continue
        s = out[col]
        if pd.api.types.is_float_dtype(s.dtype) or pd.api.types.is_integer_dtype(s.dtype):
            s = s.astype("Float64")
        out[col] = s.mask(small)
    out.attrs["suppressed_cells"] = int(small.sum()) * len([c for c in columns if c in out])
    return out
