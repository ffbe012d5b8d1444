"""Sections of the bottleneck explorer (``penjelajah_hambatan``): one service of one OPD."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.registry import svc_rows
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SOURCE_LABELS,
    SUPPRESSED_MARK,
    Audience,
    Col,
    heading,
    note,
    paragraph,
    render_table,
    small_mask,
)
from kinerja.report.formatting import fmt_int, fmt_percent
from kinerja.report.sections.layanan import service_summary_table

__all__ = [
    "default_service",
    "section_hambatan_alur",
    "section_hambatan_lambat",
    "section_hambatan_ringkasan",
    "section_hambatan_tahap",
]


def default_service(
    data: ReportData, kode_opd: str | None, jenis_layanan: str | None, periode: Periode
) -> tuple[str, str | None]:
    """OPD and service of the explorer; ``None`` picks the least punctual one."""
    summ = data.metric("service", periode)["layanan"]
    ok = summ.loc[(summ["n_permohonan"] >= data.k_responden) & summ["persen_tepat_waktu"].notna()]
    if kode_opd in (None, ""):
        if ok.empty:
            kode = data.check_opd(None)
        else:
            n = ok["n_permohonan"].astype("float64")
            late = ok.assign(_telat=n * (100 - ok["persen_tepat_waktu"]) / 100, _n=n)
            per_opd = late.groupby("kode_opd")[["_telat", "_n"]].sum()
            kode = str((per_opd["_telat"] / per_opd["_n"]).idxmax())
    else:
        kode = data.check_opd(kode_opd)
    services = sorted(summ.loc[summ["kode_opd"] == kode, "jenis_layanan"].astype("str").unique())
    if jenis_layanan not in (None, ""):
        if jenis_layanan not in services:
            raise ValueError(
                f"Jenis layanan {jenis_layanan!r} tidak ada pada OPD {kode} untuk {periode.label} "
                f"(pilihan: {', '.join(services) or 'tidak ada'})"
            )
        return kode, str(jenis_layanan)
    mine = ok.loc[ok["kode_opd"] == kode].sort_values(
        ["persen_tepat_waktu", "median_hari_kerja"], ascending=[True, False]
    )
    return kode, (str(mine["jenis_layanan"].iloc[0]) if len(mine) else None)


def section_hambatan_ringkasan(
    data: ReportData,
    *,
    kode_opd: str,
    jenis_layanan: str | None = None,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Summary of one service (or all services of the OPD) and its monthly arrivals/completions."""
    from kinerja.metrics.service import backlog
    from kinerja.report.charts import line_chart

    per = Periode.parse(periode)
    out: list[Any] = [heading("Ringkasan Layanan", heading_level)] if heading_level else []
    t = data.metric("service", per)
    summ = svc_rows(t["layanan"], kode_opd, jenis_layanan)
    src = SOURCE_LABELS["layanan"] + f", permohonan yang dimulai pada {per.label}"
    if summ.empty:
        return [*out, note(f"Tidak ada permohonan untuk pilihan ini pada {per.label}.")]
    out.append(service_summary_table(data, summ, title=f"Ringkasan, {per.label}", source=src))
    req = svc_rows(data.metric("service_all", None), kode_opd, jenis_layanan)
    bl = backlog(req, periode=per)
    if len(bl):
        long = pd.concat(
            [
                bl[["bulan", "masuk"]].rename(columns={"masuk": "n"}).assign(seri="Masuk"),
                bl[["bulan", "selesai"]].rename(columns={"selesai": "n"}).assign(seri="Selesai"),
                bl[["bulan", "sisa"]]
                .rename(columns={"sisa": "n"})
                .assign(seri="Belum selesai (akhir bulan)"),
            ],
            ignore_index=True,
        )
        out.append(
            line_chart(
                long,
                x="bulan",
                y="n",
                hue="seri",
                hue_label="",
                title=f"Permohonan masuk, selesai dan tunggakan, {per.label}",
                y_label="Jumlah permohonan",
                source=SOURCE_LABELS["layanan"],
                months=(per.start, min(per.end, pd.Timestamp(bl["bulan"].max()))),
                notes=[
                    "Masuk = permohonan yang dimulai pada bulan itu; selesai = yang tahap "
                    "terakhirnya selesai pada bulan itu; belum selesai = sisa pada akhir bulan. "
                    "Bulan tanpa permohonan digambar 0."
                ],
            )
        )
    return out


def _stage_order(
    data: ReportData, t: dict[str, pd.DataFrame], kode: str, jenis: str | None
) -> dict[str, int]:
    """Stage order of the most common path (stages not on it go last)."""
    var = svc_rows(t["varian"], kode, jenis)
    order: dict[str, int] = {}
    if len(var):
        from kinerja.metrics.service import ARROW

        for path in var.sort_values("n", ascending=False)["jalur"].astype("str"):
            for stage in path.split(ARROW):
                order.setdefault(stage, len(order))
    return order


def section_hambatan_tahap(
    data: ReportData,
    *,
    kode_opd: str,
    jenis_layanan: str | None = None,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Waiting and processing time per stage, share of the lead time, rework, bottleneck."""
    from kinerja.metrics.service import rework

    per = Periode.parse(periode)
    out: list[Any] = (
        [heading("Waktu Tunggu dan Proses per Tahap", heading_level)] if heading_level else []
    )
    t = data.metric("service", per)
    st = svc_rows(t["tahap"], kode_opd, jenis_layanan).copy()
    if st.empty:
        return [*out, note(f"Tidak ada tahap layanan untuk pilihan ini pada {per.label}.")]
    src = SOURCE_LABELS["layanan"] + f", permohonan yang dimulai pada {per.label}"
    order = _stage_order(data, t, kode_opd, jenis_layanan)
    st["_urut"] = st["tahap"].map(order).fillna(len(order))
    st = st.sort_values(["jenis_layanan", "_urut", "tahap"])
    st["persen"] = st["porsi_waktu"] * 100
    hb = svc_rows(t["hambatan"], kode_opd, jenis_layanan)
    for r in hb.itertuples(index=False):
        out.append(
            paragraph(
                f"Tahap hambatan {r.jenis_layanan}: {r.tahap_hambatan} — "
                f"{fmt_percent(float(r.porsi_tahap_hambatan) * 100, 1)} dari waktu {r.dasar} "
                f"({fmt_int(r.n_permohonan_dasar)} permohonan)."
            )
        )
    rw = rework(svc_rows(t["peristiwa"], kode_opd, jenis_layanan))
    st = st.merge(
        rw[["jenis_layanan", "tahap", "persen_diulang"]].astype({"jenis_layanan": "str"}),
        on=["jenis_layanan", "tahap"],
        how="left",
    )
    mask = small_mask(
        st,
        count_col="n",
        k=data.k_responden,
        columns=["median_tunggu_jam", "p90_tunggu_jam", "median_proses_jam", "p90_proses_jam"],
    )
    cols = ([Col("jenis_layanan", "Jenis layanan")] if jenis_layanan is None else []) + [
        Col("tahap", "Tahap"),
        Col("n", "Kejadian", "int"),
        Col("median_tunggu_jam", "Median tunggu (jam kalender)", "number", 1),
        Col("p90_tunggu_jam", "P90 tunggu (jam kalender)", "number", 1),
        Col("median_proses_jam", "Median proses (jam kalender)", "number", 1),
        Col("p90_proses_jam", "P90 proses (jam kalender)", "number", 1),
        Col("persen", "Porsi waktu", "percent", 1),
        Col("persen_diulang", "% permohonan diulang", "percent", 1),
    ]
    out.append(
        render_table(
            st,
            cols,
            title="Waktu per tahap",
            source=src,
            suppressed=mask,
            suppression_note=f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {data.k_responden} kejadian.",
            notes=[
                "Tunggu = jeda dari selesainya tahap sebelumnya sampai tahap ini dimulai (jam "
                "kalender); proses = lama tahap itu sendiri. Porsi waktu = bagian tahap dari "
                "seluruh waktu tunggu + proses layanan. Diulang = tahap yang sama terjadi lebih "
                "dari sekali pada satu permohonan."
            ],
        )
    )
    if jenis_layanan is not None:
        out.extend(_late_share_chart(t, kode_opd, jenis_layanan, order, hb, src))
    return out


def _late_share_chart(
    t: dict[str, pd.DataFrame],
    kode: str,
    jenis: str,
    order: dict[str, int],
    hb: pd.DataFrame,
    src: str,
) -> list[Any]:
    """Bar chart of each stage's share of the late requests' time: the measure that names the
    bottleneck in the sentence above it (all requests when none was late)."""
    from kinerja.metrics.service import stage_time_shares
    from kinerja.report.charts import bar_chart

    ev = svc_rows(t["peristiwa"], kode, jenis)
    req = svc_rows(t["permohonan"], kode, jenis)
    if ev.empty:
        return []
    sh = stage_time_shares(ev, req)
    late = bool((sh["n_terlambat"] > 0).any())
    col = "porsi_terlambat" if late else "porsi_semua"
    sh = sh.assign(persen=sh[col] * 100)
    sh = sh.assign(_urut=sh["tahap"].map(order).fillna(len(order))).sort_values(["_urut", "tahap"])
    bottleneck = str(hb["tahap_hambatan"].iloc[0]) if len(hb) else None
    n_late = int(sh["n_terlambat"].max())
    basis = (
        f"{fmt_int(n_late)} permohonan yang melewati standar"
        if late
        else "seluruh permohonan (tidak ada yang melewati standar)"
    )
    return [
        bar_chart(
            sh,
            category="tahap",
            value="persen",
            title=f"Porsi waktu per tahap pada permohonan terlambat: {jenis}"
            if late
            else f"Porsi waktu per tahap: {jenis}",
            value_label=f"Porsi dari waktu tunggu + proses {basis} (jam kalender)",
            source=src,
            percent=True,
            decimals=1,
            highlight=bottleneck,
            notes=[
                "Batang gelap: tahap hambatan, yaitu tahap dengan porsi waktu terbesar. Sebaran "
                "per tahap (median dan P90 tunggu dan proses) ada pada tabel di atas."
            ],
        )
    ]


def section_hambatan_alur(
    data: ReportData,
    *,
    kode_opd: str,
    jenis_layanan: str | None = None,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """The paths (variants) requests take, most common first."""
    per = Periode.parse(periode)
    out: list[Any] = [heading("Alur Permohonan", heading_level)] if heading_level else []
    var = svc_rows(data.metric("service", per)["varian"], kode_opd, jenis_layanan).copy()
    if var.empty:
        return [*out, note("Tidak ada permohonan untuk pilihan ini.")]
    var["persen"] = var["porsi"] * 100
    var = var.sort_values("n", ascending=False)
    mask = small_mask(var, count_col="n", k=data.k_responden, columns=["median_hari_kerja"])
    cols = ([Col("jenis_layanan", "Jenis layanan")] if jenis_layanan is None else []) + [
        Col("jalur", "Alur tahap"),
        Col("n", "Permohonan", "int"),
        Col("persen", "Porsi", "percent", 1),
        Col("median_hari_kerja", "Median (hari kerja)", "number", 1),
    ]
    out.append(
        render_table(
            var,
            cols,
            title=f"Alur permohonan, {per.label}",
            source=SOURCE_LABELS["layanan"],
            suppressed=mask,
            suppression_note=f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {data.k_responden} permohonan.",
            max_rows=10,
        )
    )
    if jenis_layanan is not None:
        out.extend(_process_map(data, kode_opd, jenis_layanan, per))
    return out


def _process_map(data: ReportData, kode: str, jenis: str, per: Periode) -> list[Any]:
    """The process map of one service: stages, transitions with counts and median waits."""
    from kinerja.metrics.service import stage_time_shares, stage_transitions
    from kinerja.report.process_map import process_map_chart

    t = data.metric("service", per)
    ev = svc_rows(t["peristiwa"], kode, jenis)
    if ev.empty:
        return []
    edges = stage_transitions(ev)
    small = edges["n"] < data.k_responden
    edges = edges.assign(median_tunggu_jam=edges["median_tunggu_jam"].where(~small))
    order = _stage_order(data, t, kode, jenis)
    sh = stage_time_shares(ev, svc_rows(t["permohonan"], kode, jenis))
    late = bool((sh["n_terlambat"] > 0).any())
    nodes = pd.DataFrame(
        {
            "tahap": sh["tahap"],
            "nilai": sh["porsi_terlambat" if late else "porsi_semua"],
            "_urut": sh["tahap"].map(order).fillna(len(order)),
        }
    ).sort_values(["_urut", "tahap"])
    what = "waktu permohonan terlambat" if late else "waktu seluruh permohonan"
    notes = [
        f"Kotak: tahap, urut menurut alur yang paling sering, dengan porsinya dari {what} "
        "(makin gelap makin besar). Panah: perpindahan langsung antar-tahap, ditulis jumlah "
        "permohonan · median tunggu sebelum tahap berikutnya (j = jam kalender); panah ke "
        "belakang atau melingkar = tahap diulang."
    ]
    if small.any():
        notes.append(
            f"Median tunggu tidak ditulis pada panah yang dilalui kurang dari "
            f"{data.k_responden} permohonan."
        )
    return [
        process_map_chart(
            nodes,
            edges,
            title=f"Peta proses: {jenis}, {per.label}",
            source=SOURCE_LABELS["layanan"] + f", permohonan yang dimulai pada {per.label}",
            notes=notes,
        )
    ]


def section_hambatan_lambat(
    data: ReportData,
    *,
    kode_opd: str,
    jenis_layanan: str | None = None,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
    n: int = 10,
) -> list[Any]:
    """The slowest requests and the stage that took longest in each (no officer, no citizen)."""
    per = Periode.parse(periode)
    out: list[Any] = [heading("Permohonan Paling Lambat", heading_level)] if heading_level else []
    t = data.metric("service", per)
    req = svc_rows(t["permohonan"], kode_opd, jenis_layanan)
    if req.empty:
        return [*out, note("Tidak ada permohonan untuk pilihan ini.")]
    slow = req.sort_values(["hari_kerja", "mulai"], ascending=[False, True]).head(n).copy()
    ev = t["peristiwa"]
    ev = ev.loc[ev["id_permohonan"].isin(slow["id_permohonan"])]
    ev = ev.assign(_jam=ev["tunggu_jam"] + ev["proses_jam"])
    longest = ev.sort_values("_jam", ascending=False).drop_duplicates("id_permohonan")
    slow = slow.merge(
        longest[["id_permohonan", "tahap", "_jam"]].rename(columns={"tahap": "tahap_terlama"}),
        on="id_permohonan",
        how="left",
    )
    slow["hari_terlama"] = slow["_jam"] / 24
    slow["lewat"] = slow["hari_kerja"] - slow["standar_hari"].astype("float64")
    cols = (
        ([Col("jenis_layanan", "Jenis layanan")] if jenis_layanan is None else [])
        + (
            # a request number points at one citizen's file: internal audience only
            [Col("id_permohonan", "Nomor permohonan", "code")] if audience == "internal" else []
        )
        + [
            Col("mulai", "Diajukan", "date"),
            Col("hari_kerja", "Waktu (hari kerja)", "int"),
            Col("standar_hari", "Standar", "int"),
            Col("lewat", "Lewat standar (hari kerja)", "delta", 0),
            Col("tahap_terlama", "Tahap terlama"),
            Col("hari_terlama", "Lama tahap itu (hari kalender)", "number", 1),
        ]
    )
    out.append(
        render_table(
            slow,
            cols,
            title=f"{fmt_int(len(slow))} permohonan paling lambat, {per.label}",
            source=SOURCE_LABELS["layanan"],
            notes=[
                "Tanpa identitas pemohon maupun petugas."
                + (
                    ""
                    if audience == "internal"
                    else " Nomor permohonan hanya untuk audiens internal."
                )
            ],
        )
    )
    return out
