"""Notebook ``ringkasan_kota``: every OPD side by side, ranking by IKM, movers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.city import ikm_movement
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    LOW_COLOR,
    SUPPRESSED_MARK,
    Audience,
    Col,
    audience_line,
    heading,
    note,
    render_table,
    title_block,
)
from kinerja.report.facts import temuan_kota
from kinerja.report.formatting import fmt_date

__all__ = ["KOTA_COLUMNS", "sections_kota"]

#: columns of the city table, in the order the metric ``kota`` joins its parts
#: (:mod:`kinerja.metrics.city`): IKM, SKP, JP, follow-up, service, complaints
KOTA_COLUMNS: list[Col] = [
    Col("n_responden", "Responden SKM", "int"),
    Col("ikm", "IKM", "number", 2),
    Col("mutu", "Mutu"),
    Col("persen_baik", "% SKP Baik/Sangat Baik", "percent", 1),
    Col("persen_memenuhi_20jp", "% pegawai ≥ 20 JP", "percent", 1),
    Col("n_terlambat", "Tindak lanjut lewat tenggat", "int"),
    Col("n_permohonan", "Permohonan layanan", "int"),
    Col("persen_tepat_waktu", "% layanan tepat waktu", "percent", 1),
    Col("n_pengaduan", "Pengaduan", "int"),
]


def _kota_mask(df: pd.DataFrame, columns: Sequence[Col]) -> pd.DataFrame:
    mask = pd.DataFrame(index=df.index)
    for c in columns:
        flag = f"_sup_{c.name}"
        if flag in df.columns:
            mask[c.name] = df[flag].fillna(False).astype(bool).to_numpy()
    if "_sup_ikm" in df.columns:
        mask["mutu"] = df["_sup_ikm"].fillna(False).astype(bool).to_numpy()
    return mask


def _kota_temuan_section(
    data: ReportData,
    *,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    return temuan_kota(data, periode=periode, heading_level=heading_level)


def _kota_table_section(
    data: ReportData,
    *,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """All OPDs side by side, ranked by IKM, and the IKM ranking chart."""
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    table = data.metric("kota", per).copy()
    cols = [Col("nama_opd", "Perangkat daerah")]
    if "peringkat_ikm" in table.columns:
        cols.insert(0, Col("peringkat_ikm", "Peringkat IKM", "int"))
        table = table.sort_values(["peringkat_ikm", "nama_opd"], na_position="last")
    order = ("ikm", "n_responden", "mutu", "n_permohonan", "persen_tepat_waktu", "n_pengaduan")
    kota_cols = sorted(
        KOTA_COLUMNS, key=lambda c: order.index(c.name) if c.name in order else len(order)
    )
    cols += [c for c in kota_cols if c.name in table.columns]
    out: list[Any] = [heading("Perbandingan Antar-OPD", heading_level)] if heading_level else []
    out.append(
        render_table(
            table,
            cols,
            title=f"Capaian utama per OPD, {per.label}",
            source=(
                "SKM, penilaian SKP, log layanan dan standar pelayanan, pengaduan, pelatihan, "
                f"register tindak lanjut (folder data); {per.label}"
            ),
            suppressed=_kota_mask(table, cols),
            suppression_note=(
                f"{SUPPRESSED_MARK} Disembunyikan: dihitung dari kurang dari {data.k_responden} "
                f"responden (IKM) atau kurang dari {data.k_pegawai} pegawai."
            ),
            notes=[
                "Peringkat IKM: 1 = tertinggi; OPD tanpa IKM yang dapat dilaporkan tidak diberi peringkat."
            ],
        )
    )
    if "ikm" in table.columns and table["ikm"].notna().any():
        ikm = table.loc[table["ikm"].notna()].sort_values("ikm", ascending=False)
        ikm = ikm.assign(_label=_short_names(data, ikm["kode_opd"]))
        out.append(
            bar_chart(
                ikm,
                category="_label",
                value="ikm",
                title=f"IKM per perangkat daerah, {per.label}",
                value_label="IKM (25–100)",
                source="Survei Kepuasan Masyarakat (berkas skm); PermenPANRB 14/2017",
                decimals=2,
                reference=76.61,
                reference_label="Batas bawah mutu B (76,61)",
                colors={
                    lab: (LOW_COLOR if v < 76.61 else "#1f5f8b")
                    for lab, v in zip(ikm["_label"], ikm["ikm"], strict=True)
                },
                value_max=100,
                width=9,
                notes=["Batang merah: IKM di bawah mutu B."],
            )
        )
    for extra in _KOTA_CHARTS:
        out.extend(extra(data, per))
    return out


_KOTA_CHARTS: list[Callable[[ReportData, Periode], list[Any]]] = []


def _short_names(data: ReportData, codes: pd.Series) -> list[str]:
    """Short OPD labels for chart axes (``singkatan``, else ``nama_opd``)."""
    opd = data.opd.set_index("kode_opd")
    short = opd["singkatan"] if "singkatan" in opd.columns else opd["nama_opd"]
    short = short.fillna(opd["nama_opd"]).astype("str")
    return [str(short.get(k, k)) for k in codes]


def _kota_movement_section(
    data: ReportData,
    *,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Who moved up or down since the previous period (IKM and rank)."""
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    out: list[Any] = (
        [heading("Naik dan Turun Dibanding Periode Sebelumnya", heading_level)]
        if heading_level
        else []
    )
    mv = ikm_movement(data, per)
    if mv is None:
        return [*out, note(f"Belum ada data IKM {per.previous().label} untuk dibandingkan.")]
    m, cur, prev = mv
    if (cur, prev) != (per, per.previous()):
        out.append(
            note(
                f"Tidak ada data {per.previous().label}; dibandingkan {cur.label} dengan {prev.label}."
            )
        )
    m = m.sort_values("selisih", ascending=False)
    out.append(
        render_table(
            m,
            [
                Col("nama_opd", "Perangkat daerah"),
                Col("ikm_sebelum", f"IKM {prev.label}", "number", 2),
                Col("ikm", f"IKM {cur.label}", "number", 2),
                Col("selisih", "Perubahan (poin)", "delta", 2),
                Col("peringkat_sebelum", "Peringkat sebelumnya", "int"),
                Col("peringkat", "Peringkat sekarang", "int"),
                Col("naik_peringkat", "Naik (+) / turun (−) peringkat", "delta", 0),
            ],
            title=f"Perubahan IKM {prev.label} → {cur.label}",
            source="Survei Kepuasan Masyarakat (berkas skm); PermenPANRB 14/2017",
            notes=[f"Hanya OPD dengan sedikitnya {data.k_responden} responden pada kedua periode."],
        )
    )
    m = m.assign(_label=_short_names(data, m["kode_opd"]))
    out.append(
        bar_chart(
            m,
            category="_label",
            value="selisih",
            title=f"Perubahan IKM {prev.label} → {cur.label}",
            value_label="Perubahan IKM (poin)",
            source="Survei Kepuasan Masyarakat (berkas skm)",
            decimals=2,
            colors={
                lab: (LOW_COLOR if v < 0 else "#2e8b57")
                for lab, v in zip(m["_label"], m["selisih"], strict=True)
            },
            width=9,
            notes=["Hijau: naik; merah: turun."],
        )
    )
    return out


def sections_kota(
    data: ReportData, *, periode: str | Periode | None = None, audience: Audience = "forum"
) -> list[Any]:
    """City overview for the forum: every OPD side by side, ranking by IKM, movers."""
    per = data.periode(periode)
    out: list[Any] = [
        title_block(
            "Kota Salatiga — seluruh perangkat daerah",
            f"Periode {per.label} · {audience_line('forum')} · disusun {fmt_date(data.today)}",
        )
    ]
    if audience != "forum":
        out.append(note("Ringkasan kota selalu disusun untuk audiens forum (angka agregat)."))
    out.extend(_kota_temuan_section(data, periode=per))
    out.extend(_kota_table_section(data, periode=per))
    out.extend(_kota_movement_section(data, periode=per))
    out.append(
        note("Audiens forum: hanya angka agregat per OPD; tidak ada NIP, nama, atau teks bebas.")
    )
    return out
