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
    bullets,
    heading,
    note,
    render_table,
    signed,
    title_block,
)
from kinerja.report.facts import _fact
from kinerja.report.formatting import (
    MISSING,
    fmt_count,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_percent,
)

__all__ = ["KOTA_COLUMNS", "sections_kota"]

#: columns of the city table, in the order the metric ``kota`` joins its parts
#: (:mod:`kinerja.metrics.city`): IKM, SKP, JP, follow-up, service, complaints
KOTA_COLUMNS: list[Col] = [
    Col("n_responden", "Responden SKM", "int"),
    Col("ikm", "IKM", "number", 2),
    Col("ikm_selang", "Selang kepercayaan 95%"),
    Col("sampel_ket", "Sampel SKM"),
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
        for name in ("mutu", "ikm_selang"):
            mask[name] = df["_sup_ikm"].fillna(False).astype(bool).to_numpy()
    return mask


def _with_uncertainty(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns of the city table: the IKM's 95 % interval and whether its sample suffices."""
    if "ikm" not in table.columns:
        return table
    lo, hi = table.get("ikm_bawah"), table.get("ikm_atas")
    selang = [
        f"{fmt_number(a, 2)}–{fmt_number(b, 2)}" if pd.notna(a) and pd.notna(b) else MISSING
        for a, b in zip(
            lo if lo is not None else [None] * len(table),
            hi if hi is not None else [None] * len(table),
            strict=True,
        )
    ]
    ket = []
    for ok, need, n in zip(
        table.get("sampel_memadai", pd.Series(pd.NA, index=table.index)),
        table.get("n_minimum", pd.Series(pd.NA, index=table.index)),
        table["n_responden"],
        strict=True,
    ):
        if pd.isna(n):
            ket.append(MISSING)
        elif pd.isna(ok):
            ket.append("tidak dapat diperiksa")
        elif bool(ok):
            ket.append("memadai")
        else:
            ket.append(f"kurang (minimum {fmt_int(need)})")
    return table.assign(ikm_selang=selang, sampel_ket=ket)


def _protected_kota(data: ReportData, per: Periode) -> tuple[pd.DataFrame, Any]:
    """The city table as the forum sees it (table and Temuan read the same cells)."""
    table = data.metric("kota", per).copy()
    ledger = None
    if data.has("penilaian_skp"):  # % SKP Baik/Sangat Baik from the protected distribution
        from kinerja.protect import protect_kota_skp

        table, ledger = protect_kota_skp(table, data.metric("skp", per)[0], k=data.k_pegawai)
    if data.has("pelatihan"):  # % pegawai ≥ 20 JP hidden where the OPD report hides that band
        from kinerja.protect import Ledger, protect_kota_jp

        table, jp_ledger = protect_kota_jp(
            table,
            data.metric("jp", per),
            target=float(data.params.get("target_jp", 20)),
            year=per.year,
            k=data.k_pegawai,
        )
        ledger = Ledger.combine([x for x in (ledger, jp_ledger) if x is not None])
    return table, ledger


def _kota_temuan_section(
    data: ReportData,
    *,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """City "Temuan utama": IKM with its uncertainty and every stream's weakest OPD."""
    per = Periode.parse(periode)
    table, _ledger = _protected_kota(data, per)
    facts: list[str] = []
    for part in (_facts_ikm, _facts_movement, _facts_streams):
        try:
            facts.extend(part(data, table, per))
        except (KeyError, ValueError, TypeError):  # a stream whose data cannot be summarised
            continue
    out: list[Any] = [heading("Temuan Utama", heading_level)] if heading_level else []
    out.append(bullets(facts) if facts else note("Belum ada data yang cukup untuk temuan utama."))
    return out


def _name_list(names: Sequence[str], limit: int = 5) -> str:
    names = [str(n) for n in names]
    shown = ", ".join(names[:limit])
    return shown + (
        f", dan {fmt_count(len(names) - limit, 'OPD')} lainnya" if len(names) > limit else ""
    )


def _facts_ikm(data: ReportData, table: pd.DataFrame, per: Periode) -> list[str]:
    if "ikm" not in table.columns or not table["ikm"].notna().any():
        return []
    from kinerja.metrics.city import ikm_interval, rankable
    from kinerja.metrics.survey import ikm_table

    facts = []
    skm = data.table("skm")
    city = ikm_table(skm, by=(), weight=data.params.get("ikm_weight", "exact"), periode=per)
    if len(city) and pd.notna(city["ikm"].iloc[0]):
        ci = ikm_interval(skm, by=(), periode=per)
        margin = float(ci["margin_ikm"].iloc[0]) if len(ci) else float("nan")
        value = float(city["ikm"].iloc[0])
        band = (
            f" (selang kepercayaan 95%: {fmt_number(max(25.0, value - margin), 2)}–"
            f"{fmt_number(min(100.0, value + margin), 2)})"
            if pd.notna(margin)
            else ""
        )
        facts.append(
            f"IKM gabungan Kota Salatiga {per.label}: {fmt_number(value, 2)}{band}, mutu "
            f"{city['mutu'].iloc[0]} ({city['kinerja_unit'].iloc[0]}), dari "
            f"{fmt_int(city['n_responden'].iloc[0])} responden."
        )
    shown = table.loc[table["ikm"].notna()]
    weak = shown.loc[
        shown["sampel_memadai"].astype("boolean").eq(False).fillna(False).to_numpy(dtype=bool)
    ]
    if len(weak):
        facts.append(
            f"{fmt_count(len(weak), 'OPD', start=True)} (dari {fmt_int(len(shown))} OPD yang "
            "IKM-nya dilaporkan) memiliki sampel SKM di bawah jumlah minimum menurut "
            "PermenPANRB 14/2017 (Lampiran); IKM-nya ditampilkan dengan selang kepercayaan "
            "tetapi tidak diberi peringkat."
        )
    ranked = shown.loc[rankable(shown["ikm"], shown["sampel_memadai"]).to_numpy()].sort_values(
        "ikm", ascending=False
    )
    if len(ranked) >= 2:
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        facts.append(
            f"Di antara {fmt_count(len(ranked), 'OPD')} yang diberi peringkat, IKM tertinggi: "
            f"{best['nama_opd']} ({fmt_number(best['ikm'], 2)}); terendah: {worst['nama_opd']} "
            f"({fmt_number(worst['ikm'], 2)})."
        )
    elif len(ranked) == 0:
        facts.append("Belum ada OPD yang sampel SKM-nya memadai untuk diberi peringkat IKM.")
    elif len(ranked) == 1:
        facts.append(
            f"Hanya satu OPD yang sampelnya memadai untuk diberi peringkat: "
            f"{ranked['nama_opd'].iloc[0]} ({fmt_number(ranked['ikm'].iloc[0], 2)})."
        )
    below = shown.loc[shown["ikm"] < 76.61].sort_values("ikm")
    if len(below):
        sure = below.loc[below["ikm_atas"] < 76.61] if "ikm_atas" in below.columns else below
        text = (
            f"{fmt_count(len(below), 'OPD', start=True)} ber-IKM di bawah batas mutu B (76,61): "
            + _name_list(below["nama_opd"].astype("str").tolist())
        )
        if len(sure) and len(sure) < len(below):
            text += f"; pada {fmt_count(len(sure), 'OPD')} di antaranya seluruh selang 95% di bawah 76,61"
        elif len(sure) == len(below):
            text += "; seluruh selang 95%-nya di bawah 76,61"
        facts.append(text + ".")
    return facts


def _facts_movement(data: ReportData, table: pd.DataFrame, per: Periode) -> list[str]:
    mv = ikm_movement(data, per)
    if mv is None:
        return []
    m, cur, prev = mv
    up = m.loc[m["arah"] == "naik"].sort_values("selisih", ascending=False)
    down = m.loc[m["arah"] == "turun"].sort_values("selisih")
    if up.empty and down.empty:
        return [
            f"Tidak ada OPD yang IKM-nya berubah melebihi ketidakpastiannya antara {prev.label} "
            f"dan {cur.label} ({fmt_count(len(m), 'OPD')} dibandingkan)."
        ]
    facts = []
    if len(up):
        r = up.iloc[0]
        facts.append(
            f"IKM naik nyata {prev.label} → {cur.label} pada {fmt_count(len(up), 'OPD')}; "
            f"terbesar {r['nama_opd']} (+{fmt_number(r['selisih'], 2)} poin, ketidakpastian "
            f"±{fmt_number(r['margin_selisih'], 2)})."
        )
    if len(down):
        r = down.iloc[0]
        facts.append(
            f"IKM turun nyata pada {fmt_count(len(down), 'OPD')}; terbesar {r['nama_opd']} "
            f"({signed(r['selisih'], 2)} poin, ketidakpastian ±{fmt_number(r['margin_selisih'], 2)})."
        )
    return facts


def _facts_streams(data: ReportData, table: pd.DataFrame, per: Periode) -> list[str]:
    """The weakest OPD of every other stream, from the (protected) city table."""
    facts = []
    if "persen_tepat_waktu" in table.columns and table["persen_tepat_waktu"].notna().any():
        svc = table.loc[table["persen_tepat_waktu"].notna()].sort_values("persen_tepat_waktu")
        r = svc.iloc[0]
        facts.append(
            f"Ketepatan waktu layanan terendah: {r['nama_opd']} "
            f"({fmt_percent(r['persen_tepat_waktu'], 1)} dari "
            f"{fmt_count(r['n_permohonan'], 'permohonan')} selesai dalam standar pelayanan)."
        )
    if "n_pengaduan" in table.columns and table["n_pengaduan"].fillna(0).sum() > 0:
        comp = table.loc[table["n_pengaduan"].notna()].sort_values("n_pengaduan", ascending=False)
        r = comp.iloc[0]
        facts.append(
            f"Pengaduan terbanyak: {r['nama_opd']} ({fmt_count(r['n_pengaduan'], 'pengaduan')} "
            f"dari {fmt_int(comp['n_pengaduan'].sum())} di seluruh kota pada {per.label})."
        )
    if "n_terlambat" in table.columns:
        late = table.loc[table["n_terlambat"].fillna(0) > 0].sort_values(
            "n_terlambat", ascending=False
        )
        if len(late):
            r = late.iloc[0]
            facts.append(
                f"{fmt_count(late['n_terlambat'].sum(), 'butir', start=True)} tindak lanjut forum "
                f"di {fmt_count(len(late), 'OPD')} belum selesai dan lewat tenggat (per "
                f"{fmt_date(data.today)}); terbanyak {r['nama_opd']} "
                f"({fmt_count(r['n_terlambat'], 'butir')})."
            )
        elif table["n_terlambat"].notna().any():
            facts.append(
                f"Tidak ada butir tindak lanjut forum yang lewat tenggat per {fmt_date(data.today)}."
            )
    if "persen_memenuhi_20jp" in table.columns and table["persen_memenuhi_20jp"].notna().any():
        jp = table.loc[table["persen_memenuhi_20jp"].notna()].sort_values("persen_memenuhi_20jp")
        r = jp.iloc[0]
        target = fmt_number(float(data.params.get("target_jp", 20)), 0)
        facts.append(
            f"Capaian pengembangan kompetensi terendah: {r['nama_opd']} "
            f"({fmt_percent(r['persen_memenuhi_20jp'], 1)} pegawai memenuhi {target} JP pada "
            f"tahun {per.year})."
        )
    return facts


def _kota_table_section(
    data: ReportData,
    *,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """All OPDs side by side, ranked by IKM, and the IKM ranking chart."""

    per = Periode.parse(periode)
    table, ledger = _protected_kota(data, per)
    table = _with_uncertainty(table)
    cols = [Col("nama_opd", "Perangkat daerah")]
    if "peringkat_ikm" in table.columns:
        cols.insert(0, Col("peringkat_ikm", "Peringkat IKM", "int"))
        table = table.sort_values(["peringkat_ikm", "nama_opd"], na_position="last")
    order = (
        "ikm",
        "ikm_selang",
        "n_responden",
        "sampel_ket",
        "mutu",
        "n_permohonan",
        "persen_tepat_waktu",
        "n_pengaduan",
    )
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
                f"responden (IKM) atau kurang dari {data.k_pegawai} pegawai, atau karena "
                "angka itu dapat membuka sel yang disembunyikan di laporan OPD."
            ),
            notes=[
                "Peringkat IKM: 1 = tertinggi; hanya OPD yang IKM-nya dapat dilaporkan dan "
                "sampel SKM-nya mencapai jumlah minimum yang diberi peringkat.",
                *IKM_METHOD_NOTES,
            ],
        )
    )
    out[-1].ledger = ledger  # published facts for `kinerja audit`
    if audience == "forum":  # the printed grid and its counts (protect.recorded)
        from kinerja.protect import Ledger
        from kinerja.protect.recorded import ledger_city_table

        heads = {c.name: c.label for c in cols}
        grid_ledger, keys = ledger_city_table(table, _kota_mask(table, cols), heads, periode=per)
        ledger = out[-1].ledger = Ledger.combine([x for x in (ledger, grid_ledger) if x])
        ledger.table(out[-1].html, keys, label_column=1 if "peringkat_ikm" in table else 0,
                     stat_columns=[heads.get("peringkat_ikm", "")], source="kota")  # fmt: skip
    if "ikm" in table.columns and table["ikm"].notna().any():
        out.append(_ikm_chart(data, table, per))
    for extra in _KOTA_CHARTS:
        out.extend(extra(data, per))
    return out


_KOTA_CHARTS: list[Callable[[ReportData, Periode], list[Any]]] = []

#: how the city overview treats the uncertainty of an IKM (shown under the tables)
IKM_METHOD_NOTES = (
    "Selang kepercayaan 95%: IKM ± t × galat baku, dengan galat baku dari nilai tiap responden "
    "(rata-rata unsur yang dijawabnya × 25) dibagi akar jumlah responden (selang t).",
    "Sampel minimum SKM menurut PermenPANRB 14/2017 (Lampiran), dihitung dengan rumus "
    "Krejcie dan Morgan dari jumlah penerima layanan pada periode itu.",
)


def _ikm_chart(data: ReportData, table: pd.DataFrame, per: Periode) -> Any:
    """IKM per OPD on its own 25–100 scale, with the 95 % interval of each."""
    from kinerja.report.charts import ACCENT, bar_chart

    ikm = table.loc[table["ikm"].notna()].sort_values("ikm", ascending=False)
    ikm = ikm.assign(_label=_short_names(data, ikm["kode_opd"]))
    weak = ikm["sampel_memadai"].astype("boolean").eq(False).fillna(False).to_numpy(dtype=bool)
    colors = {}
    for lab, v, thin in zip(ikm["_label"], ikm["ikm"], weak, strict=True):
        below = v < 76.61
        colors[lab] = (
            ("#e6a39a" if below else "#a9c3d6") if thin else (LOW_COLOR if below else ACCENT)
        )
    notes = ["Merah: IKM di bawah batas mutu B (76,61). Garis hitam: selang kepercayaan 95%."]
    if weak.any():
        notes.append(
            "Warna pucat: sampel SKM di bawah jumlah minimum; IKM-nya tidak diberi peringkat."
        )
    return bar_chart(
        ikm,
        category="_label",
        value="ikm",
        title=f"IKM per perangkat daerah, {per.label}",
        value_label="IKM (skala 25–100)",
        source="Survei Kepuasan Masyarakat (berkas skm); PermenPANRB 14/2017",
        decimals=2,
        reference=76.61,
        reference_label="Batas bawah mutu B (76,61)",
        colors=colors,
        value_min=25,
        value_max=100,
        errors=("ikm_bawah", "ikm_atas"),
        annotate=False,
        width=9,
        notes=notes,
    )


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
    m = m.assign(
        _margin=[f"±{fmt_number(v, 2)}" if pd.notna(v) else MISSING for v in m["margin_selisih"]]
    )
    out.append(
        render_table(
            m,
            [
                Col("nama_opd", "Perangkat daerah"),
                Col("ikm_sebelum", f"IKM {prev.label}", "number", 2),
                Col("ikm", f"IKM {cur.label}", "number", 2),
                Col("selisih", "Perubahan (poin)", "delta", 2),
                Col("_margin", "Ketidakpastian 95% (poin)"),
                Col("arah", "Arah"),
                Col("peringkat_sebelum", "Peringkat sebelumnya", "int"),
                Col("peringkat", "Peringkat sekarang", "int"),
                Col("naik_peringkat", "Naik (+) / turun (−) peringkat", "delta", 0),
            ],
            title=f"Perubahan IKM {prev.label} → {cur.label}",
            source="Survei Kepuasan Masyarakat (berkas skm); PermenPANRB 14/2017",
            notes=[
                f"Hanya OPD dengan sedikitnya {data.k_responden} responden pada kedua periode.",
                "Naik atau turun hanya bila perubahan lebih besar daripada ketidakpastiannya "
                '(t × akar jumlah kuadrat galat baku kedua periode); selain itu "tidak berubah '
                'nyata". Peringkat hanya untuk OPD dengan sampel SKM memadai pada periode itu.',
            ],
        )
    )
    if audience == "forum":  # published facts for `kinerja audit` (protect.covered)
        from kinerja.protect.covered import ledger_ikm_change

        out[-1].ledger, keys = ledger_ikm_change(m, previous=prev, current=cur, headers=(f"IKM {prev.label}", f"IKM {cur.label}"))  # fmt: skip
        ranks = ["Peringkat sebelumnya", "Peringkat sekarang", "Naik (+) / turun (−) peringkat"]
        out[-1].ledger.table(out[-1].html, keys, source="kota", label_column=0, stat_columns=ranks)  # fmt: skip
    m = m.assign(
        _label=_short_names(data, m["kode_opd"]),
        _lo=m["selisih"] - m["margin_selisih"],
        _hi=m["selisih"] + m["margin_selisih"],
    )
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
                lab: {"naik": "#2e8b57", "turun": LOW_COLOR}.get(arah, "#b8c4cc")
                for lab, arah in zip(m["_label"], m["arah"], strict=True)
            },
            errors=("_lo", "_hi"),
            annotate=False,
            width=9,
            notes=[
                "Hijau: naik nyata; merah: turun nyata; abu-abu: perubahan tidak melebihi "
                "ketidakpastiannya. Garis hitam: ketidakpastian 95% perubahan."
            ],
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


def _fact_ikm_sampel(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    """OPD "Temuan utama": the SKM sample is below the minimum (registered with the OPD facts,
    next to the city's use of the same rule)."""
    from kinerja.metrics.registry import ikm_row

    row = ikm_row(data, kode, per)
    if row is None or "sampel_memadai" not in row.index or pd.isna(row["sampel_memadai"]):
        return []
    n = int(row["n_responden"])
    if bool(row["sampel_memadai"]) or n < data.k_responden:
        return []
    return [
        f"Sampel SKM belum memadai: {fmt_count(n, 'responden')}, sedangkan jumlah minimum "
        f"menurut PermenPANRB 14/2017 (Lampiran) untuk {fmt_int(row['populasi'])} penerima "
        f"layanan adalah {fmt_int(row['n_minimum'])}; IKM di atas perlu dibaca dengan hati-hati "
        "dan tidak diberi peringkat di ringkasan kota."
    ]


_fact(_fact_ikm_sampel)
