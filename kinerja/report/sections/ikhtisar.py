"""Notebook ``ikhtisar_data``: what was loaded, what was quarantined, coverage per OPD and month."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.domain.months import BULAN_SINGKAT
from kinerja.domain.period import Periode
from kinerja.metrics.registry import DATE_COLUMNS, named
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    TABLE_LABELS,
    Audience,
    Col,
    heading,
    note,
    paragraph,
    render_table,
    title_block,
)
from kinerja.report.formatting import fmt_date, fmt_int, fmt_percent

__all__ = ["sections_ikhtisar"]


def sections_ikhtisar(
    data: ReportData, *, periode: str | Periode | None = None, audience: Audience = "forum"
) -> list[Any]:
    """The data overview: what was loaded, what was quarantined, coverage per OPD and month."""
    from kinerja.report.charts import bar_chart, heatmap_chart

    per = Periode.parse(periode) if periode not in (None, "") else None
    ds = data.dataset
    out: list[Any] = [
        title_block(
            "Data evaluasi kinerja ASN Kota Salatiga",
            f"Sumber: {data.source} · disusun {fmt_date(data.today)} · "
            + (f"cakupan bulanan: {per.label}" if per else "seluruh periode dalam data"),
        ),
        heading("Berkas yang dimuat", 2),
    ]
    summary = getattr(ds, "summary", None)
    if summary is not None and len(summary):
        s = summary.copy()
        s["label_tabel"] = s["table"].map(TABLE_LABELS).fillna(s["table"])
        out.append(
            render_table(
                s,
                [
                    Col("label_tabel", "Tabel"),
                    Col("berkas", "Berkas"),
                    Col("read", "Baris dibaca", "int"),
                    Col("accepted", "Baris diterima", "int"),
                    Col("quarantined", "Baris dikarantina", "int"),
                ],
                title="Ringkasan pemuatan (dibaca = diterima + dikarantina)",
                source="folder data (validasi kinerja.load)",
            )
        )
        total_q = int(pd.to_numeric(s["quarantined"]).sum())
        total_r = int(pd.to_numeric(s["read"]).sum())
        out.append(
            paragraph(
                f"Total {fmt_int(total_r)} baris dibaca; {fmt_int(total_q)} baris dikarantina "
                f"({fmt_percent(100 * total_q / total_r if total_r else 0, 2)})."
            )
        )
    missing = list(getattr(ds, "missing", []) or [])
    if missing:
        out.append(
            note(
                "Tabel yang tidak ada dalam folder data (analisis terkait dilewati): "
                + ", ".join(TABLE_LABELS.get(m, m) for m in missing)
                + "."
            )
        )
    out.append(heading("Baris yang dikarantina", 2))
    quarantine = getattr(ds, "quarantine", {}) or {}
    rows = []
    for name, q in quarantine.items():
        if q is None or q.empty:
            continue
        kolom = (
            q["_kolom"].astype("str") if "_kolom" in q.columns else pd.Series("–", index=q.index)
        )
        for kol, n in kolom.value_counts().items():
            rows.append({"tabel": TABLE_LABELS.get(name, name), "kolom": kol, "jumlah": int(n)})
    if rows:
        qdf = pd.DataFrame(rows).sort_values(["tabel", "jumlah"], ascending=[True, False])
        out.append(
            render_table(
                qdf,
                [
                    Col("tabel", "Tabel"),
                    Col("kolom", "Kolom bermasalah"),
                    Col("jumlah", "Baris", "int"),
                ],
                title="Baris dikarantina per tabel dan kolom",
                source="berkas karantina (_berkas, _baris, _kolom, _alasan)",
                notes=[
                    "Rincian per baris (dengan alasan) ada di folder karantina; tidak ditampilkan "
                    "di sini karena dapat memuat NIP atau teks warga."
                ],
            )
        )
    else:
        out.append(paragraph("Tidak ada baris yang dikarantina."))
    warnings = getattr(ds, "warnings", None)
    if warnings is not None and len(warnings):
        w = warnings.groupby("table").size().rename("jumlah").reset_index()
        w["tabel"] = w["table"].map(TABLE_LABELS).fillna(w["table"])
        out.append(
            render_table(
                w,
                [Col("tabel", "Tabel"), Col("jumlah", "Peringatan", "int")],
                title="Peringatan validasi (baris tetap dimuat)",
                source="validasi kinerja.load (mis. predikat SKP yang berbeda dari matriks)",
            )
        )

    out.append(heading("Cakupan data per OPD dan per bulan", 2))
    cov = data.metric("coverage", per)
    if cov.empty:
        out.append(note("Tidak ada tabel bertanggal untuk dihitung cakupannya."))
        return out
    monthly = cov.groupby(["tabel", "bulan"], observed=True)["jumlah"].sum().reset_index()
    grid = monthly.pivot_table(index="tabel", columns="bulan", values="jumlah", aggfunc="sum")
    grid = grid.reindex([t for t in DATE_COLUMNS if t in grid.index])
    grid.index = [TABLE_LABELS[t].split(" (")[0] for t in grid.index]
    grid.columns = [f"{BULAN_SINGKAT[c.month - 1]} {str(c.year)[2:]}" for c in grid.columns]
    out.append(
        heatmap_chart(
            grid,
            title="Jumlah baris per tabel dan bulan",
            x_label="Bulan",
            y_label="",
            source="folder data, kolom tanggal tiap tabel (tindak lanjut: tenggat)",
            normalize_rows=True,
            notes=[
                "Warna: dibandingkan dengan bulan terbanyak pada tabel yang sama; angka: jumlah baris."
            ],
            width=11,
        )
    )
    per_opd = cov.groupby(["kode_opd", "tabel"], observed=True)["jumlah"].sum().unstack("tabel")
    per_opd = per_opd.reindex(columns=[t for t in DATE_COLUMNS if t in per_opd.columns])
    per_opd = named(data, per_opd.reset_index()).sort_values("kode_opd")
    cols = [Col("kode_opd", "Kode OPD", "code"), Col("nama_opd", "Perangkat daerah")] + [
        Col(t, TABLE_LABELS[t].split(" (")[0], "int") for t in DATE_COLUMNS if t in per_opd.columns
    ]
    out.append(
        render_table(
            per_opd,
            cols,
            title="Jumlah baris per OPD",
            source="folder data; tabel berbasis NIP dipetakan ke OPD melalui tabel pegawai",
        )
    )
    counted = [t for t in ("layanan", "skm", "laporan_kinerja") if t in set(cov["tabel"])]
    if counted:
        base = cov.loc[cov["tabel"] == counted[0]]
        label_map = dict(
            zip(
                data.opd["kode_opd"],
                data.opd.get("singkatan", data.opd["nama_opd"]).fillna(data.opd["nama_opd"]),
                strict=True,
            )
        )
        pivot = base.pivot_table(index="kode_opd", columns="bulan", values="jumlah", aggfunc="sum")
        pivot.index = [str(label_map.get(k, k)) for k in pivot.index]
        pivot.columns = [f"{BULAN_SINGKAT[c.month - 1]} {str(c.year)[2:]}" for c in pivot.columns]
        out.append(
            heatmap_chart(
                pivot,
                title=f"Cakupan {TABLE_LABELS[counted[0]].split(' (')[0].lower()} per OPD dan bulan",
                x_label="Bulan",
                y_label="OPD",
                source=f"berkas {counted[0]}",
                notes=["Sel kosong: tidak ada baris untuk OPD pada bulan itu."],
                width=10,
            )
        )
    by_table = cov.groupby("tabel", observed=True)["jumlah"].sum().rename("jumlah").reset_index()
    by_table["label_tabel"] = by_table["tabel"].map(TABLE_LABELS).fillna(by_table["tabel"])
    out.append(
        bar_chart(
            by_table.sort_values("jumlah", ascending=False),
            category="label_tabel",
            value="jumlah",
            title="Jumlah baris per tabel bertanggal",
            value_label="Jumlah baris",
            source="folder data",
            decimals=0,
        )
    )
    return out
