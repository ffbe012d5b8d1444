"""Section: waktu layanan against the standard and the bottleneck stage of one OPD."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.registry import svc_rows
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SOURCE_LABELS,
    SUPPRESSED_MARK,
    Audience,
    Block,
    Col,
    note,
    paragraph,
    render_table,
    small_mask,
    stream_section,
)
from kinerja.report.formatting import fmt_int, fmt_percent

__all__ = ["section_layanan", "service_summary_table"]


def section_layanan(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Service lead time in working days against the published standard, with the bottleneck
    stage of each service (UU 25/2009 Pasal 21; data contract, working days)."""
    return stream_section(
        data,
        title="Waktu Layanan dan Tahap Hambatan",
        table="layanan",
        blocks=_service_blocks,
        kode_opd=kode_opd,
        periode=periode,
        audience=audience,
        heading_level=heading_level,
    )


def _open_note(data: ReportData, kode_opd: str, periode: Periode | None) -> list[str]:
    opened = data.metric("open_requests", None)
    rows = opened.loc[opened["kode_opd"].astype("str") == kode_opd]
    if periode is not None:
        rows = rows.loc[periode.contains(rows["mulai"])]
    if rows.empty:
        return []
    return [
        f"{fmt_int(len(rows))} permohonan yang belum selesai (ada tahap tanpa waktu selesai) "
        "belum dihitung waktunya."
    ]


def service_summary_table(
    data: ReportData,
    summ: pd.DataFrame,
    *,
    title: str,
    source: str,
    with_service: bool = True,
    extra_notes: Sequence[str] = (),
) -> Block:
    """Table of lead time against the standard per service (statistics over fewer than k requests hidden)."""
    k = data.k_responden
    mask = small_mask(
        summ,
        count_col="n_permohonan",
        k=k,
        columns=["persen_tepat_waktu", "median_hari_kerja", "p90_hari_kerja", "tahap_hambatan"],
    )
    cols = [Col("jenis_layanan", "Jenis layanan")] if with_service else []
    cols += [
        Col("n_permohonan", "Permohonan", "int"),
        Col("standar_hari", "Standar (hari kerja)", "int"),
        Col("persen_tepat_waktu", "% tepat waktu", "percent", 1),
        Col("median_hari_kerja", "Median (hari kerja)", "number", 1),
        Col("p90_hari_kerja", "P90 (hari kerja)", "number", 1),
        Col("tahap_hambatan", "Tahap hambatan"),
    ]
    return render_table(
        summ,
        cols,
        title=title,
        source=source,
        suppressed=mask,
        suppression_note=(
            f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {k} permohonan pada periode ini."
        ),
        notes=[
            "Waktu layanan = hari kerja dari tanggal mulai tahap pertama sampai tanggal selesai "
            "tahap terakhir (libur nasional dan cuti bersama tidak dihitung); tepat waktu = tidak "
            "melebihi jangka waktu pada standar pelayanan. Tahap hambatan = tahap yang paling "
            "banyak menyumbang waktu pada permohonan yang terlambat.",
            *extra_notes,
        ],
    )


def _service_blocks(
    data: ReportData, *, kode_opd: str, periode: Periode, audience: Audience
) -> list[Any]:
    from kinerja.report.charts import bar_chart, line_chart

    t = data.metric("service", periode)
    summ = svc_rows(t["layanan"], kode_opd)
    if summ.empty:
        return [note(f"Tidak ada permohonan layanan OPD ini yang dimulai pada {periode.label}.")]
    src = SOURCE_LABELS["layanan"] + f", permohonan yang dimulai pada {periode.label}"
    out: list[Any] = [
        service_summary_table(
            data,
            summ,
            title=f"Waktu layanan per jenis layanan, {periode.label}",
            source=src,
            extra_notes=_open_note(data, kode_opd, periode),
        )
    ]
    if audience == "forum":  # published facts for `kinerja audit` (protect.covered)
        from kinerja.protect.covered import SERVICE_STATS, ledger_service_times

        hide = small_mask(summ, count_col="n_permohonan", k=data.k_responden, columns=["persen_tepat_waktu"])  # fmt: skip
        out[0].ledger, keys = ledger_service_times(summ, hide, kode_opd=kode_opd, periode=periode, source=f"opd/{kode_opd}: Waktu layanan")  # fmt: skip
        out[0].ledger.table(out[0].html, keys, source=f"opd/{kode_opd}", stat_columns=SERVICE_STATS)  # fmt: skip
    ok = summ.loc[summ["n_permohonan"] >= data.k_responden]
    if len(ok) and ok["standar_hari"].notna().any():
        long = pd.concat(
            [
                ok[["jenis_layanan", "median_hari_kerja"]]
                .rename(columns={"median_hari_kerja": "nilai"})
                .assign(ukuran="Median waktu layanan"),
                ok[["jenis_layanan", "p90_hari_kerja"]]
                .rename(columns={"p90_hari_kerja": "nilai"})
                .assign(ukuran="P90 waktu layanan"),
                ok[["jenis_layanan", "standar_hari"]]
                .rename(columns={"standar_hari": "nilai"})
                .assign(ukuran="Standar pelayanan"),
            ],
            ignore_index=True,
        )
        long["nilai"] = pd.to_numeric(long["nilai"], errors="coerce").astype("float64")
        out.append(
            bar_chart(
                long,
                category="jenis_layanan",
                value="nilai",
                hue="ukuran",
                hue_label="",
                title=f"Waktu layanan dibanding standar, {periode.label}",
                value_label="Hari kerja",
                source=src,
                decimals=1,
            )
        )
    # the slowest service: where its time goes, stage by stage
    worst = ok.sort_values(["persen_tepat_waktu", "median_hari_kerja"], ascending=[True, False])
    if len(worst) and pd.notna(worst["persen_tepat_waktu"].iloc[0]):
        w = worst.iloc[0]
        out.extend(_stage_share_chart(data, t, kode_opd, str(w["jenis_layanan"]), periode, src))
    # monthly trend over the whole log (the period is marked in the title)
    req = svc_rows(data.metric("service_all", None), kode_opd)
    if len(req):
        top = req["jenis_layanan"].astype("str").value_counts().head(4).index
        r = req.loc[req["jenis_layanan"].astype("str").isin(top)]
        month = pd.to_datetime(r["mulai"]).dt.to_period("M").dt.to_timestamp()
        g = (
            pd.DataFrame(
                {
                    "bulan": month,
                    "jenis_layanan": r["jenis_layanan"].astype("str"),
                    "hari_kerja": r["hari_kerja"].to_numpy(dtype="float64"),
                }
            )
            .groupby(["jenis_layanan", "bulan"], observed=True)["hari_kerja"]
            .agg(["median", "size"])
            .reset_index()
        )
        g = g.loc[g["size"] >= data.k_responden]
        if len(g):
            out.append(
                line_chart(
                    g,
                    x="bulan",
                    y="median",
                    hue="jenis_layanan",
                    hue_label="Jenis layanan",
                    title="Median waktu layanan per bulan (seluruh data)",
                    y_label="Median hari kerja",
                    source=SOURCE_LABELS["layanan"] + "; bulan = bulan permohonan dimulai",
                    decimals=1,
                    notes=[
                        "Empat layanan dengan permohonan terbanyak; bulan dengan kurang dari "
                        f"{data.k_responden} permohonan tidak digambar."
                    ],
                )
            )
    return out


def _stage_share_chart(
    data: ReportData,
    t: dict[str, pd.DataFrame],
    kode_opd: str,
    jenis: str,
    periode: Periode,
    src: str,
) -> list[Any]:
    from kinerja.metrics.service import stage_time_shares
    from kinerja.report.charts import bar_chart

    ev = svc_rows(t["peristiwa"], kode_opd, jenis)
    hb = svc_rows(t["hambatan"], kode_opd, jenis)
    if ev.empty:
        return []
    bottleneck = str(hb["tahap_hambatan"].iloc[0]) if len(hb) else None
    # the chart shows the measure the sentence quotes: each stage's share of the late requests'
    # time (of all requests' time when none was late), as the bottleneck explorer does
    st = stage_time_shares(ev, svc_rows(t["permohonan"], kode_opd, jenis))
    late = bool((st["n_terlambat"] > 0).any())
    col = "porsi_terlambat" if late else "porsi_semua"
    st = st.assign(persen=st[col] * 100).sort_values("persen", ascending=False)
    out: list[Any] = []
    if bottleneck:
        basis = str(hb["dasar"].iloc[0])
        share = float(hb["porsi_tahap_hambatan"].iloc[0]) * 100
        out.append(
            paragraph(
                f"Layanan dengan ketepatan waktu terendah: {jenis}. Tahap hambatannya "
                f"{bottleneck}, yang menyumbang {fmt_percent(share, 1)} waktu pada {basis}."
            )
        )
    out.append(
        bar_chart(
            st,
            category="tahap",
            value="persen",
            title=f"Porsi waktu per tahap: {jenis}",
            value_label=(
                "Porsi dari waktu permohonan yang melewati standar (tunggu + proses)"
                if late
                else "Porsi dari seluruh waktu layanan (tunggu + proses)"
            ),
            source=src,
            percent=True,
            decimals=1,
            highlight=bottleneck,
            notes=["Batang gelap: tahap hambatan."] if bottleneck else (),
        )
    )
    return out
