"""The metric tables of the reports: each computed for all OPDs at once, then memoised.

A metric table is a function ``(data, periode) -> DataFrame`` (or a small tuple/dict of them)
registered under a name with :func:`metric`; :meth:`kinerja.metrics.store.MetricData.metric`
computes it the first time a period is asked for and keeps it, so a section (or a form control
change) only filters one OPD's rows. The functions here only select the inputs and call the
stream modules (:mod:`kinerja.metrics.survey`, ``skp``, ``training``, ``impact``, ``followup``,
``service``, ``complaints``, ``activity``); they never format text for display. Helpers shared by
the report sections (:func:`opd_rows`, :func:`svc_rows`, :func:`named`, :func:`ikm_row`,
:func:`impact_result`, ...) live here too.

``data`` is a :class:`kinerja.metrics.store.MetricData` (typed :data:`MetricData` here: the store
imports this module, not the other way round).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from kinerja.domain.period import Periode

#: a :class:`kinerja.metrics.store.MetricData` (``.table``, ``.has``, ``.metric``, ``.params``,
#: ``.settings``, ``.opd``, ``.today``, ``.k_pegawai``, ``.k_responden``, ``._memo``)
MetricData = Any

#: table -> date column used for coverage and period filtering (rows carry ``kode_opd``, or a
#: ``nip`` mapped to it through ``pegawai``)
DATE_COLUMNS: dict[str, str] = {
    "laporan_kinerja": "tanggal",
    "layanan": "mulai",
    "skm": "tanggal",
    "pengaduan": "tanggal_masuk",
    "pelatihan": "tanggal_mulai",
    "tindak_lanjut": "tenggat",
}


METRICS: dict[str, Callable[[MetricData, Periode | None], Any]] = {}


#: metrics that sections always ask for over the whole data (``periode=None``)
PERIOD_FREE = frozenset(
    {
        "followup",
        "open_requests",
        "service_all",
        "waves",
        "periode_data",
        "pantau",
        "pantau_outcomes",
        "dampak",
    }
)


def metric(name: str) -> Callable[[Callable[[MetricData, Periode | None], Any]], Any]:
    """Decorator: register ``func(data, periode)`` as the metric table ``name`` in :data:`METRICS`."""

    def register(func: Callable[[MetricData, Periode | None], Any]) -> Any:
        METRICS[name] = func
        return func

    return register


def filter_period(
    df: pd.DataFrame | None, periode: Periode | None, column: str
) -> pd.DataFrame | None:
    """Rows of ``df`` whose ``column`` lies in ``periode`` (all rows when ``periode`` is ``None``)."""
    if df is None or periode is None:
        return df
    return df.loc[periode.contains(df[column])]


def opd_rows(df: pd.DataFrame | None, kode_opd: str) -> pd.DataFrame:
    """Rows of one OPD (an empty frame when ``df`` is missing or has no ``kode_opd``)."""
    if df is None or df.empty or "kode_opd" not in df.columns:
        return pd.DataFrame() if df is None else df.iloc[0:0]
    return df.loc[df["kode_opd"] == kode_opd]


def named(data: MetricData, df: pd.DataFrame) -> pd.DataFrame:
    """Add ``nama_opd`` (and ``singkatan``) from the ``opd`` table."""
    cols = [c for c in ("kode_opd", "nama_opd", "singkatan") if c in data.opd.columns]
    return df.drop(columns=[c for c in cols if c != "kode_opd" and c in df.columns]).merge(
        data.opd[cols], on="kode_opd", how="left"
    )


def _populasi_layanan(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    """People served per OPD in the period: distinct requests in the service log.

    An OPD whose ``parameters/opd/<kode>.yaml`` sets ``populasi`` uses that number instead
    (also when the log has no request of it in the period).
    """
    lay = filter_period(data.table("layanan"), periode, "mulai")
    if lay is None or lay.empty:
        pop = pd.DataFrame(
            {"kode_opd": pd.Series(dtype="str"), "populasi": pd.Series(dtype="int64")}
        )
    else:
        pop = lay.groupby("kode_opd", observed=True)["id_permohonan"].nunique()
        pop = pop.rename("populasi").reset_index()
    given = data.settings.populasi_map()
    if not given:
        return pop
    pop["kode_opd"] = pop["kode_opd"].astype("str")
    pop = pop.set_index("kode_opd")["populasi"].astype("int64")
    for code, value in given.items():
        pop.loc[code] = int(value)
    return pop.rename("populasi").rename_axis("kode_opd").reset_index()


@metric("ikm")
def _m_ikm(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.survey import ikm_table, sample_adequacy

    skm = data.table("skm")
    weight = data.params.get("ikm_weight", "exact")
    ikm = ikm_table(skm, by=("kode_opd",), weight=weight, periode=periode)
    pop = _populasi_layanan(data, periode)
    if len(ikm) and len(pop):
        ikm = sample_adequacy(ikm, pop, by=("kode_opd",))
    return named(data, ikm)


@metric("ikm_elements")
def _m_ikm_elements(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.survey import ikm_elements

    weight = data.params.get("ikm_weight", "exact")
    return ikm_elements(data.table("skm"), by=("kode_opd",), weight=weight, periode=periode)


@metric("ikm_layanan")
def _m_ikm_layanan(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.survey import ikm_table

    weight = data.params.get("ikm_weight", "exact")
    skm = data.table("skm")
    skm = skm.loc[skm["jenis_layanan"].notna()]
    return ikm_table(skm, by=("kode_opd", "jenis_layanan"), weight=weight, periode=periode)


def ikm_row(data: MetricData, kode_opd: str, periode: Periode) -> pd.Series | None:
    """The ``ikm`` metric row of one OPD in ``periode`` (``None`` without survey rows)."""
    if not data.has("skm"):
        return None
    rows = opd_rows(data.metric("ikm", periode), kode_opd)
    return None if rows.empty else rows.iloc[0]


def with_opd(data: MetricData, name: str) -> pd.DataFrame | None:
    """Table ``name`` with a ``kode_opd`` column (via ``pegawai`` for NIP-keyed tables)."""
    t = data.table(name)
    if t is None:
        return None
    if "kode_opd" in t.columns:
        return t
    peg = data.table("pegawai")
    if "nip" in t.columns and peg is not None:
        return t.merge(peg[["nip", "kode_opd"]], on="nip", how="left")
    return None


@metric("periode_data")
def _m_periode_data(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    """Months with rows per stream (:func:`kinerja.data.periods.data_months`): ``periode: auto``
    and the report's notice of streams without rows in its period read it from here."""
    from kinerja.data.periods import data_months

    return data_months(data.tables)


@metric("coverage")
def _m_coverage(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    """Rows per table, OPD and month (long: tabel, kode_opd, bulan, jumlah)."""
    parts = []
    for name, col in DATE_COLUMNS.items():
        t = with_opd(data, name)
        if t is None or t.empty or col not in t.columns:
            continue
        t = filter_period(t, periode, col)
        month = pd.to_datetime(t[col]).dt.to_period("M").dt.to_timestamp()
        g = (
            pd.DataFrame({"kode_opd": t["kode_opd"].astype("str"), "bulan": month})
            .groupby(["kode_opd", "bulan"], observed=True)
            .size()
            .rename("jumlah")
            .reset_index()
        )
        g.insert(0, "tabel", name)
        parts.append(g)
    if not parts:
        return pd.DataFrame(columns=["tabel", "kode_opd", "bulan", "jumlah"])
    return pd.concat(parts, ignore_index=True)


def skp_period_rows(penilaian: pd.DataFrame, periode: Periode) -> tuple[pd.DataFrame, str]:
    """Assessments of ``periode``; a year without annual rows falls back to its last quarter."""
    label = str(periode)
    rows = penilaian.loc[penilaian["periode"].astype("str") == label]
    if len(rows) or periode.kind != "tahun":
        return rows, label
    for q in (4, 3, 2, 1):
        cand = f"{periode.year}-TW{q}"
        rows = penilaian.loc[penilaian["periode"].astype("str") == cand]
        if len(rows):
            return rows, cand
    return rows, label


@metric("skp")
def _m_skp(data: MetricData, periode: Periode | None) -> tuple[pd.DataFrame, str]:
    from kinerja.metrics.skp import skp_distribution

    rows, used = skp_period_rows(data.table("penilaian_skp"), periode)
    dist = skp_distribution(rows, data.table("pegawai"), by=("kode_opd", "periode"))
    return dist, used


def skp_share_good(dist: pd.DataFrame) -> pd.DataFrame:
    """Per OPD: assessed employees and % Sangat Baik + Baik (the forum's headline)."""
    d = dist.assign(_baik=dist["predikat"].astype("str").isin(["Sangat Baik", "Baik"]))
    g = d.groupby("kode_opd", observed=True)
    out = pd.DataFrame(
        {
            "n_dinilai": g["jumlah"].sum(),
            "n_baik": d.loc[d["_baik"]].groupby("kode_opd", observed=True)["jumlah"].sum(),
        }
    ).fillna(0)
    out["persen_baik"] = out["n_baik"] / out["n_dinilai"].where(out["n_dinilai"] > 0) * 100
    return out.reset_index()


JP_BANDS = ("0 JP", "0,1–9,9 JP", "10–19,9 JP", "20 JP atau lebih")


@metric("jp")
def _m_jp(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.training import jp_per_pegawai

    target = float(data.params.get("target_jp", 20))
    return jp_per_pegawai(
        data.table("pelatihan"), data.table("pegawai"), year=periode.year, target_jp=target
    )


@metric("jp_compliance")
def _m_jp_compliance(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.training import training_compliance

    return training_compliance(data.metric("jp", periode), by=("kode_opd",))


@metric("training_mix")
def _m_training_mix(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.training import training_mix

    return training_mix(data.table("pelatihan"), data.table("pegawai"), year=periode.year)


def jp_bands(jp: pd.DataFrame, target: float) -> pd.DataFrame:
    """Employees per JP band (long; zeros included) for one OPD."""
    v = pd.to_numeric(jp["jp"], errors="coerce").fillna(0.0)
    lower = min(10.0, target)
    band = pd.Series(
        pd.Categorical.from_codes(
            (v > 0).astype(int) + (v >= lower).astype(int) + (v >= target).astype(int),
            categories=list(JP_BANDS),
        ),
        index=jp.index,
    )
    counts = band.value_counts().reindex(list(JP_BANDS), fill_value=0)
    out = pd.DataFrame({"kode_opd": "x", "kelompok": list(JP_BANDS), "jumlah": counts.to_numpy()})
    out["persen"] = out["jumlah"] / max(int(out["jumlah"].sum()), 1) * 100
    return out


@metric("waves")
def _m_waves(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.impact import detect_training_waves

    return detect_training_waves(data.table("pelatihan"), data.table("pegawai"))


@metric("followup")
def _m_followup(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.followup import followup_status

    return followup_status(data.table("tindak_lanjut"), today=data.today)


def calendars(data: MetricData) -> Any:
    """Working-day calendar per OPD from the report's settings (memoised on the data object).

    The holiday file plus each OPD's weekmask: its ``parameters/opd/<kode>.yaml`` wins over
    ``weekmask_opd`` of ``default.yaml``, which wins over ``weekmask``
    (:meth:`kinerja.domain.settings.Settings.calendars`).
    """
    if "calendars" not in data.__dict__:
        data.__dict__["calendars"] = data.settings.calendars(data.opd)
    return data.__dict__["calendars"]


def finished_log(data: MetricData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The service log without requests still open (a stage without ``selesai``).

    Returns the finished log and the open requests (``id_permohonan, kode_opd, jenis_layanan,
    mulai`` of their first stage); a lead time is only defined once a request is finished.
    """
    if "finished_log" not in data.__dict__:
        lay = data.table("layanan")
        open_mask = lay["selesai"].isna()
        if open_mask.any():
            open_ids = lay.loc[open_mask, "id_permohonan"].unique()
            is_open = lay["id_permohonan"].isin(open_ids)
            opened = (
                lay.loc[is_open]
                .sort_values("mulai")
                .drop_duplicates("id_permohonan")[
                    ["id_permohonan", "kode_opd", "jenis_layanan", "mulai"]
                ]
            )
            lay = lay.loc[~is_open]
        else:
            opened = lay.iloc[0:0][["id_permohonan", "kode_opd", "jenis_layanan", "mulai"]]
        data.__dict__["finished_log"] = (lay, opened)
    return data.__dict__["finished_log"]


@metric("open_requests")
def _m_open_requests(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    """Requests still open (first stage), all OPDs: memoised, so a report with precomputed
    metrics does not read the service log for its note."""
    return finished_log(data)[1]


@metric("service")
def _m_service(data: MetricData, periode: Periode | None) -> dict[str, pd.DataFrame]:
    from kinerja.metrics.service import service_tables, variants

    log, _open = finished_log(data)
    tables = service_tables(
        log,
        data.table("standar_layanan"),
        calendars(data),
        periode=periode,
        include_events=True,
    )
    tables["varian"] = variants(tables["permohonan"])
    return tables


@metric("service_all")
def _m_service_all(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    """Requests of the whole log (for monthly trends and backlog across periods)."""
    return data.metric("service", None)["permohonan"]


def svc_rows(df: pd.DataFrame, kode_opd: str, jenis_layanan: str | None = None) -> pd.DataFrame:
    """Rows of one OPD (and one service, when given) of a service metric table."""
    rows = df.loc[df["kode_opd"].astype("str") == kode_opd]
    if jenis_layanan is not None:
        rows = rows.loc[rows["jenis_layanan"].astype("str") == jenis_layanan]
    return rows


def deadlines(data: MetricData) -> Any:
    """The complaint deadlines (working days) from the parameters."""
    from kinerja.metrics.complaints import ComplaintDeadlines

    return ComplaintDeadlines(
        tanggapan=int(data.params.get("tenggat_tanggapan_hari_kerja", 3)),
        selesai=int(data.params.get("tenggat_tindak_lanjut_hari_kerja", 5)),
    )


@metric("complaint_times")
def _m_complaint_times(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.complaints import complaint_times

    return complaint_times(
        data.table("pengaduan"),
        calendars(data),
        deadlines=deadlines(data),
        as_of=data.today,
        periode=periode,
    )


@metric("complaint_slow_monthly")
def _m_complaint_slow(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.complaints import slow_service_vs_sla

    if not data.has("layanan"):
        return pd.DataFrame()
    return slow_service_vs_sla(
        data.table("pengaduan"), data.metric("service_all", None), by_month=True, periode=periode
    )


@metric("activity")
def _m_activity(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.activity import activity_summary

    return activity_summary(
        data.table("laporan_kinerja"), data.table("pegawai"), calendars(data), periode=periode
    )


@metric("pantau")
def _m_pantau(data: MetricData, periode: Periode | None) -> dict[str, pd.DataFrame]:
    """Monthly monitoring (control charts, IKM quarters, months): kinerja.metrics.monitoring."""
    from kinerja.metrics.monitoring.build import monitoring_tables

    return monitoring_tables(data)


@metric("pantau_outcomes")
def _m_pantau_outcomes(data: MetricData, periode: Periode | None) -> pd.DataFrame:
    from kinerja.metrics.monitoring.build import outcomes_table

    return outcomes_table(data)


@metric("dampak")
def _m_dampak(data: MetricData, periode: Periode | None) -> dict[str, pd.DataFrame]:
    """Dampak: events and before/after comparisons of every OPD (monitoring.dampak)."""
    from kinerja.metrics.monitoring.build import dampak_table

    return dampak_table(data)


def activity_period(rows: pd.DataFrame) -> dict[str, float]:
    """Period-level reporting share (weighted by ASN × working days of each month)."""
    w = rows["n_pegawai"].astype("float64") * rows["hari_kerja_bulan"].astype("float64")
    share = (
        float((rows["persen_hari_melapor"].astype("float64") * w).sum() / w.sum())
        if w.sum()
        else float("nan")
    )
    n = rows["n_laporan"].astype("float64")
    return {
        "persen_hari_melapor": share,
        "persen_ditolak": float((rows["persen_ditolak"].astype("float64") * n).sum() / n.sum())
        if n.sum()
        else float("nan"),
        "persen_menunggu": float((rows["persen_menunggu"].astype("float64") * n).sum() / n.sum())
        if n.sum()
        else float("nan"),
    }


IMPACT_WINDOW_DAYS = 90


def impact_result(
    data: MetricData, kode_opd: str, periode: Periode
) -> tuple[pd.Series, pd.DataFrame] | None:
    """(wave, impact table) when this OPD had a training wave in the period's year."""
    if not data.has("pelatihan") or not data.has("layanan"):
        return None
    waves = data.metric("waves", None)
    w = opd_rows(waves, kode_opd)
    w = w.loc[pd.to_datetime(w["wave_start"]).dt.year == periode.year]
    if w.empty or int(w["n_pegawai"].iloc[0]) < data.k_pegawai:
        return None
    key = ("impact", kode_opd)
    if key not in data._memo:
        data._memo[key] = _compute_impact(data, kode_opd, w.iloc[0])
    table = data._memo[key]
    return None if table is None else (w.iloc[0], table)


def _compute_impact(data: MetricData, kode_opd: str, wave: pd.Series) -> pd.DataFrame | None:
    """DiD of the lead time (and, where the comparison OPDs have it, of the bottleneck stage)."""
    from kinerja.metrics.impact import training_impact

    allt = data.metric("service", None)
    hb = svc_rows(allt["hambatan"], kode_opd)
    tahap = None
    if len(hb):
        tahap = str(
            hb.groupby("tahap_hambatan")["n_permohonan_dasar"].sum().sort_values().index[-1]
        )
    common = {
        "treated_opd": kode_opd,
        "wave_start": wave["wave_start"],
        "wave_end": wave["wave_end"],
        "window_days": IMPACT_WINDOW_DAYS,
    }
    try:
        table = training_impact(allt["permohonan"], **common)
    except ValueError:  # a cell without requests: no comparison possible
        return None
    labels = {"hari_kerja": "Waktu layanan (hari kerja)"}
    if tahap:
        # the stage outcome needs the stage in the comparison OPDs too; without it, no row
        try:
            stage = training_impact(
                allt["permohonan"], stages=allt["peristiwa"], tahap=tahap, outcomes=(), **common
            )
            table = pd.concat([table, stage], ignore_index=True)
            labels[f"jam_{tahap}"] = f"Jam di tahap {tahap}"
        except ValueError:
            pass
    return table.assign(label=table["ukuran"].map(labels).fillna(table["ukuran"]))
