"""Section: laporan kinerja harian (e-Kinerja) of one OPD."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.registry import opd_rows
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SOURCE_LABELS,
    Audience,
    Col,
    paragraph,
    render_table,
    small_mask,
    stream_section,
    suppression_note,
)

__all__ = ["section_kinerja_harian"]


def section_kinerja_harian(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Real-time activity reporting (e-Kinerja) of one OPD: reporting share, lag, verification."""
    return stream_section(
        data,
        title="Laporan Kinerja Harian (e-Kinerja)",
        table="laporan_kinerja",
        blocks=_activity_blocks,
        kode_opd=kode_opd,
        periode=periode,
        audience=audience,
        heading_level=heading_level,
    )


def _activity_blocks(
    data: ReportData, *, kode_opd: str, periode: Periode, audience: Audience
) -> list[Any]:
    from kinerja.report.charts import line_chart

    rows = opd_rows(data.metric("activity", periode), kode_opd).sort_values("bulan")
    if rows.empty:
        return [paragraph(f"Tidak ada laporan kinerja harian OPD ini pada {periode.label}.")]
    k = data.k_pegawai
    src = SOURCE_LABELS["laporan_kinerja"] + f", {periode.label}"
    stats = [
        "persen_hari_melapor",
        "persen_lapor_hari_sama",
        "median_jeda_lapor_hari_kerja",
        "median_latensi_verifikasi_jam",
        "persen_menunggu",
        "persen_ditolak",
    ]
    mask = (
        small_mask(rows, count_col="n_pegawai", k=k, columns=["n_pegawai_melapor", *stats])
        if audience == "forum"
        else None
    )
    shown = rows
    if mask is not None:
        # a month of fewer than k employees: no report counts (in a one-person unit they are
        # that person's), and the headcount only as the band "< k"
        small = mask["persen_hari_melapor"].to_numpy(dtype=bool)
        mask["n_laporan"] = small
        shown = rows.assign(
            n_pegawai=rows["n_pegawai"]
            .astype(object)
            .mask(pd.Series(small, index=rows.index), f"< {k}")
        )
    out: list[Any] = [
        render_table(
            shown,
            [
                Col("bulan", "Bulan", "month"),
                Col("n_pegawai", "Pegawai", "int"),
                Col("n_laporan", "Laporan", "int"),
                Col("persen_hari_melapor", "% hari kerja berlaporan", "percent", 1),
                Col("persen_lapor_hari_sama", "% dilaporkan hari itu juga", "percent", 1),
                Col("median_latensi_verifikasi_jam", "Median verifikasi atasan (jam)", "number", 1),
                Col("persen_menunggu", "% menunggu verifikasi", "percent", 1),
                Col("persen_ditolak", "% ditolak", "percent", 1),
            ],
            title=f"Laporan kinerja harian per bulan, {periode.label}",
            source=src,
            suppressed=mask,
            suppression_note=suppression_note(k, "pegawai"),
            notes=[
                "% hari kerja berlaporan = pasangan (pegawai, hari kerja) yang memiliki laporan "
                "dibagi jumlah pegawai × hari kerja bulan itu. Indikator deskriptif, bukan rumus "
                "TPP (Perwali 4/2021)."
            ],
            audience=audience,
        )
    ]
    if mask is not None:  # published facts for `kinerja audit` (protect.recorded)
        from kinerja.protect.recorded import ledger_activity

        ledger, keys = ledger_activity(
            rows, small, kode_opd=kode_opd, k=k, source=f"opd/{kode_opd}"
        )
        ledger.table(out[0].html, keys, source=f"opd/{kode_opd}")
        out[0].ledger = ledger
    if (mask is None or not mask["persen_hari_melapor"].any()) and len(rows) > 1:
        long = pd.concat(
            [
                rows[["bulan", "persen_hari_melapor"]]
                .rename(columns={"persen_hari_melapor": "p"})
                .assign(seri="Hari kerja berlaporan"),
                rows[["bulan", "persen_lapor_hari_sama"]]
                .rename(columns={"persen_lapor_hari_sama": "p"})
                .assign(seri="Dilaporkan hari itu juga"),
            ],
            ignore_index=True,
        )
        out.append(
            line_chart(
                long,
                x="bulan",
                y="p",
                hue="seri",
                hue_label="",
                title=f"Kepatuhan laporan kinerja harian, {periode.label}",
                y_label="Persentase",
                percent=True,
                source=src,
            )
        )
    return out
