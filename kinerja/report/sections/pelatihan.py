"""Section: pengembangan kompetensi (20 JP) of one OPD and the training-wave impact."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.registry import IMPACT_WINDOW_DAYS, impact_result, jp_bands, opd_rows
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SOURCE_LABELS,
    SUPPRESSED_MARK,
    Audience,
    Col,
    heading,
    missing_table,
    note,
    paragraph,
    render_table,
    suppression_note,
    warning_box,
)
from kinerja.report.formatting import fmt_date, fmt_int, fmt_number, fmt_percent

__all__ = ["section_pelatihan"]


def section_pelatihan(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """20 JP compliance of one OPD (PP 11/2017 jo. PP 17/2020), training mix, and the impact
    estimate of a training wave where there was one (an association, never proof)."""
    from kinerja.protect import suppress_small
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    out: list[Any] = []
    if heading_level:
        out.append(heading("Pengembangan Kompetensi (20 JP)", heading_level))
    if not data.has("pelatihan"):
        return [*out, missing_table("pelatihan")]
    target = float(data.params.get("target_jp", 20))
    k = data.k_pegawai
    src = SOURCE_LABELS["pelatihan"] + f", tahun {per.year}; PP 11/2017 jo. PP 17/2020"
    comp = opd_rows(data.metric("jp_compliance", per), kode_opd)
    if comp.empty or int(comp["n_pegawai"].iloc[0]) == 0:
        return [*out, note("Tidak ada pegawai OPD ini dalam tabel pegawai.")]
    row = comp.iloc[0]
    small = int(row["n_pegawai"]) < k
    jp = opd_rows(data.metric("jp", per), kode_opd)
    bands = jp_bands(jp, target).assign(kode_opd=kode_opd)
    mask = None
    ledger = None
    shown = bands
    if audience == "forum":
        from kinerja.protect import (
            Ledger,
            cell_key,
            jp_target_hidden,
            protected_jp_bands,
            record_line,
        )

        # one protected line: the JP bands; "pegawai ≥ 20 JP" is its last band
        shown = protected_jp_bands(bands, k=k)
        meets_hidden = jp_target_hidden(shown)
        mask = pd.DataFrame(
            {
                "n_memenuhi": [meets_hidden],
                "persen_memenuhi_20jp": [meets_hidden],
                "median_jp": [small],
            },
            index=comp.index,
        )
        if small:  # the headcount of a unit below k is shown as a band
            comp = comp.assign(n_pegawai=[f"< {k}"] * len(comp))
        ledger = Ledger()
        fact_src = f"opd/{kode_opd}: Pengembangan Kompetensi (20 JP)"
        keys, tkey = record_line(
            ledger,
            shown,
            stream="jp",
            kode_opd=kode_opd,
            periode=per.year,
            k=k,
            source=fact_src,
            category_col="kelompok",
        )
        if not meets_hidden and pd.notna(row["persen_memenuhi_20jp"]):
            meets = cell_key("jp", kode_opd, per.year, str(shown["kelompok"].iloc[-1]))
            ledger.share([meets], [tkey], float(row["persen_memenuhi_20jp"]), decimals=1)
    out.append(
        render_table(
            comp,
            [
                Col("n_pegawai", "Jumlah pegawai", "int"),
                Col("n_memenuhi", f"Pegawai ≥ {fmt_number(target, 0)} JP", "int"),
                Col("persen_memenuhi_20jp", f"% memenuhi {fmt_number(target, 0)} JP", "percent", 1),
                Col("median_jp", "Median JP per pegawai", "number", 1),
            ],
            title=f"Capaian {fmt_number(target, 0)} JP per pegawai, tahun {per.year}",
            source=src,
            suppressed=mask,
            suppression_note=suppression_note(k, "pegawai"),
            notes=[
                "Pelatihan dihitung pada tahun tanggal mulainya; 1 JP = 45 menit (dugaan); "
                "target diterapkan pada PNS dan PPPK (belum terkonfirmasi untuk PPPK)."
            ],
            audience=audience,
        )
    )
    out[-1].ledger = ledger
    if ledger is not None:  # the printed grids, compared with the HTML by `kinerja audit`
        from kinerja.protect.recorded import line_table_keys

        meets_col = f"Pegawai ≥ {fmt_number(target, 0)} JP"
        comp_keys = [{"Jumlah pegawai": tkey, meets_col: keys[-1]}]
        ledger.table(out[-1].html, comp_keys, source=f"opd/{kode_opd}", label_column=None)
    out.append(
        render_table(
            shown,
            [
                Col("kelompok", "JP dalam setahun"),
                Col("jumlah", "Jumlah pegawai", "int"),
                Col("persen", "Persentase", "percent", 1),
            ],
            title="Sebaran JP pegawai",
            source=src,
            suppression_note=suppression_note(k, "pegawai"),
            audience=audience,
        )
    )
    if ledger is not None:
        band_keys = line_table_keys(shown["kelompok"], keys, "Jumlah pegawai")
        ledger.table(out[-1].html, band_keys, source=f"opd/{kode_opd}")
    if not (shown["jumlah"].astype("str") == SUPPRESSED_MARK).any():
        out.append(
            bar_chart(
                bands,
                category="kelompok",
                value="persen",
                title=f"Sebaran JP pegawai, tahun {per.year}",
                value_label="Persentase pegawai",
                source=src,
                percent=True,
                decimals=1,
                orient="v",
                value_max=100,
            )
        )
    mix = opd_rows(data.metric("training_mix", per), kode_opd)
    if not mix.empty and audience == "forum" and small:
        # in a unit below k, the list of training types itself describes its few employees
        out.append(
            note(
                f"Ragam pelatihan tidak ditampilkan: OPD ini memiliki kurang dari {k} pegawai, "
                "sehingga daftar jenis pelatihannya dapat menunjuk orang tertentu."
            )
        )
    elif not mix.empty:
        mix = (
            mix.groupby(["bentuk", "jenis"], observed=True, dropna=False)[
                ["n_pelatihan", "n_pegawai", "jp"]
            ]
            .sum()
            .reset_index()
            .sort_values("jp", ascending=False)
        )
        mix["bentuk"] = (
            mix["bentuk"].astype("str").replace({"nonklasikal": "nonklasikal", "nan": "–"})
        )
        if audience == "forum":
            mix = suppress_small(mix, count_col="n_pegawai", k=k, value_cols=["n_pelatihan", "jp"])
            from kinerja.protect.recorded import ledger_training_mix

            mix_ledger, mix_keys = ledger_training_mix(
                mix, kode_opd=kode_opd, year=per.year, headcount_key=tkey,
                source=f"opd/{kode_opd}: Ragam pelatihan",
            )  # fmt: skip
        out.append(
            render_table(
                mix,
                [
                    Col("jenis", "Jenis pelatihan"),
                    Col("bentuk", "Bentuk"),
                    Col("n_pegawai", "Pegawai", "int"),
                    Col("n_pelatihan", "Keikutsertaan", "int"),
                    Col("jp", "Total JP", "number", 1),
                ],
                title="Ragam pelatihan",
                source=src,
                suppression_note=suppression_note(k, "pegawai"),
                notes=[
                    "Bentuk klasikal/nonklasikal diturunkan dari jenis bila kolom bentuk kosong (belum terkonfirmasi)."
                ],
                audience=audience,
            )
        )
        if audience == "forum":
            mix_ledger.table(out[-1].html, mix_keys, source=f"opd/{kode_opd}")
            out[-1].ledger = mix_ledger
    out.extend(_impact_blocks(data, kode_opd=kode_opd, periode=per))
    return out


def _impact_blocks(data: ReportData, *, kode_opd: str, periode: Periode) -> list[Any]:
    """Training-wave impact for this OPD (kinerja.metrics.impact), only where there was a wave."""
    res = impact_result(data, kode_opd, periode)
    if res is None:
        return []
    from kinerja.report.charts import bar_chart

    wave, table = res
    out: list[Any] = [
        heading("Pelatihan dan Waktu Layanan (Dampak Gelombang Pelatihan)", 3),
        paragraph(
            f"Gelombang pelatihan: {fmt_percent(wave['porsi_dilatih'] * 100, 0)} pegawai "
            f"({fmt_int(wave['n_dilatih'])} dari {fmt_int(wave['n_pegawai'])}) mengikuti "
            f"pelatihan antara {fmt_date(wave['wave_start'])} dan {fmt_date(wave['wave_end'])}"
            + (f", terutama {wave['pelatihan_utama']}" if pd.notna(wave["pelatihan_utama"]) else "")
            + ". Waktu layanan sebelum dan sesudahnya dibandingkan dengan perubahan pada OPD "
            "lain pada waktu yang sama (selisih-dari-selisih)."
        ),
    ]
    src = (
        SOURCE_LABELS["layanan"]
        + "; "
        + SOURCE_LABELS["pelatihan"]
        + f"; permohonan {IMPACT_WINDOW_DAYS} hari sebelum dan sesudah gelombang"
    )
    out.append(
        render_table(
            table,
            [
                Col("label", "Ukuran"),
                Col("rata_perlakuan_sebelum", "OPD ini sebelum", "number", 1),
                Col("rata_perlakuan_sesudah", "OPD ini sesudah", "number", 1),
                Col("rata_kontrol_sebelum", "OPD lain sebelum", "number", 1),
                Col("rata_kontrol_sesudah", "OPD lain sesudah", "number", 1),
                Col("estimate", "Perkiraan selisih-dari-selisih", "delta", 1),
                Col("ci_low", "Selang 95% bawah", "delta", 1),
                Col("ci_high", "Selang 95% atas", "delta", 1),
            ],
            title="Perkiraan perubahan waktu layanan yang menyertai pelatihan",
            source=src,
            notes=[
                "Angka negatif: OPD ini menjadi lebih cepat dibanding OPD lain. Rata-rata per "
                f"permohonan; selang dari bootstrap ({fmt_int(table['n_boot'].iloc[0])} ulangan)."
            ],
        )
    )
    from kinerja.protect.covered import NOT_COUNTS, declare_statistics  # for `kinerja audit`

    out[-1].ledger = declare_statistics(None, out[-1].html, reason=NOT_COUNTS["did"], source=f"opd/{kode_opd}")  # fmt: skip
    first = table.iloc[-1]
    long = pd.DataFrame(
        {
            "kelompok": ["OPD ini", "OPD ini", "OPD lain", "OPD lain"],
            "waktu": ["Sebelum", "Sesudah", "Sebelum", "Sesudah"],
            "nilai": [
                first["rata_perlakuan_sebelum"],
                first["rata_perlakuan_sesudah"],
                first["rata_kontrol_sebelum"],
                first["rata_kontrol_sesudah"],
            ],
        }
    )
    out.append(
        bar_chart(
            long,
            category="kelompok",
            value="nilai",
            hue="waktu",
            hue_label="",
            title=f"{first['label']}: sebelum dan sesudah pelatihan",
            value_label=str(first["label"]),
            source=src,
            decimals=1,
            orient="v",
            width=6.5,
        )
    )
    out.append(warning_box("Bukan bukti sebab-akibat. " + str(table["asumsi"].iloc[0])))
    return out
