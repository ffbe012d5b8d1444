""" "Temuan utama": short Indonesian sentences filled from the computed numbers.

Each stream contributes its sentences through a ``_fact_*`` function registered with
:func:`_fact` (read in the order of :data:`_FACT_ORDER`); :func:`temuan_utama` collects them for
one OPD and :func:`temuan_kota` for the city. A stream without data contributes nothing, and
numbers over groups smaller than k are not quoted at forum level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.city import ikm_movement
from kinerja.metrics.registry import (
    activity_period,
    deadlines,
    ikm_row,
    impact_result,
    opd_rows,
    svc_rows,
)
from kinerja.metrics.store import ReportData
from kinerja.protect import SKP_GOOD, SKP_LOW
from kinerja.report.blocks import Audience, bullets, heading, note, signed
from kinerja.report.formatting import fmt_count, fmt_date, fmt_int, fmt_number, fmt_percent

__all__ = ["temuan_kota", "temuan_utama"]

_FACTS: list[Callable[[ReportData, str, Periode, Audience], list[str]]] = []


class Fact(str):
    """A sentence that carries the ledger of the protected numbers it quotes (may be ``None``)."""

    ledger: Any

    def __new__(cls, text: str, ledger: Any = None) -> Fact:
        obj = super().__new__(cls, text)
        obj.ledger = ledger
        return obj


#: reading order of the "Temuan utama" sentences
_FACT_ORDER = (
    "_fact_ikm",
    "_fact_ikm_sampel",
    "_fact_service",
    "_fact_complaints",
    "_fact_skp",
    "_fact_activity",
    "_fact_jp",
    "_fact_impact",
    "_fact_followup",
)


def _fact(func: Callable[[ReportData, str, Periode, Audience], list[str]]) -> Any:
    _FACTS.append(func)
    return func


def _safe_facts(func: Callable[..., list[str]], *args: Any) -> list[str]:
    try:
        return func(*args)
    except (KeyError, ValueError, TypeError):  # a stream whose data cannot be summarised
        return []


@_fact
def _fact_ikm(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    row = ikm_row(data, kode, per)
    if row is None or int(row["n_responden"]) == 0 or pd.isna(row["ikm"]):
        return []
    n = int(row["n_responden"])
    if n < data.k_responden:
        return [
            f"IKM {per.label} tidak dilaporkan: hanya {fmt_int(n)} responden "
            f"(kurang dari {data.k_responden})."
        ]
    text = (
        f"IKM {per.label} sebesar {fmt_number(row['ikm'], 2)} (mutu {row['mutu']}, "
        f"{row['kinerja_unit']}) dari {fmt_int(n)} responden"
    )
    prev = ikm_row(data, kode, per.previous())
    if prev is not None and int(prev["n_responden"]) >= data.k_responden and pd.notna(prev["ikm"]):
        text += _ikm_change(data, kode, per, float(row["ikm"]) - float(prev["ikm"]))
    el = opd_rows(data.metric("ikm_elements", per), kode)
    el = el.loc[el["nrr"].notna()]
    facts = [text + "."]
    if len(el):
        w = el.sort_values("nrr").iloc[0]
        facts.append(
            f"Unsur pelayanan dengan nilai terendah: {w['label']} (NRR {fmt_number(w['nrr'], 2)}, "
            f"mutu {w['mutu']})."
        )
    return facts


def _ikm_change(data: ReportData, kode: str, per: Periode, delta: float) -> str:
    """The change clause of the IKM sentence: "naik"/"turun" only beyond its 95 % margin.

    The margin is the city overview's (:func:`kinerja.metrics.city.ikm_movement`: a t-interval
    on the difference of two independent samples), so an OPD report and the city overview
    never disagree about whether an IKM moved.
    """
    before = per.previous().label
    if delta == 0:
        return f"; sama dengan {before}"
    mv = ikm_movement(data, per)
    rows = None if mv is None or mv[1] != per else mv[0].loc[mv[0]["kode_opd"] == str(kode)]
    margin = float(rows["margin_selisih"].iloc[0]) if rows is not None and len(rows) else None
    change = ("+" if delta > 0 else "") + signed(delta, 2)
    if margin is None or pd.isna(margin):
        return (
            f"; selisih {change} poin dibanding {before}, tetapi ketidakpastian sampelnya tidak "
            "dapat dihitung, jadi belum dapat disebut naik atau turun"
        )
    if abs(delta) > margin:
        return (
            f"; {'naik' if delta > 0 else 'turun'} {fmt_number(abs(delta), 2)} poin dibanding "
            f"{before}, melebihi ketidakpastian sampel ±{fmt_number(margin, 2)} poin "
            "(selang kepercayaan 95%)"
        )
    return (
        f"; dibanding {before} tidak berbeda bermakna: selisih {change} poin masih dalam "
        f"ketidakpastian sampel ±{fmt_number(margin, 2)} poin (selang kepercayaan 95%)"
    )


@_fact
def _fact_service(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("layanan"):
        return []
    req = svc_rows(data.metric("service", per)["permohonan"], kode)
    req = req.loc[req["tepat_waktu"].notna()]
    if len(req) < data.k_responden:
        return []
    share = float(req["tepat_waktu"].astype("float64").mean() * 100)
    facts = [
        f"{fmt_percent(share, 1)} dari {fmt_int(len(req))} permohonan layanan yang dimulai pada "
        f"{per.label} selesai dalam jangka waktu standar pelayanan."
    ]
    summ = svc_rows(data.metric("service", per)["layanan"], kode)
    ok = summ.loc[(summ["n_permohonan"] >= data.k_responden) & summ["persen_tepat_waktu"].notna()]
    if len(ok) > 0:
        w = ok.sort_values(
            ["persen_tepat_waktu", "median_hari_kerja"], ascending=[True, False]
        ).iloc[0]
        if float(w["persen_tepat_waktu"]) < 100:
            text = (
                f"Ketepatan waktu terendah: {w['jenis_layanan']} ({fmt_percent(w['persen_tepat_waktu'], 1)}; "
                f"median {fmt_number(w['median_hari_kerja'], 1)} hari kerja, standar "
                f"{fmt_int(w['standar_hari'])} hari kerja)"
            )
            if pd.notna(w["tahap_hambatan"]):
                text += f", dengan tahap hambatan {w['tahap_hambatan']}"
            facts.append(text + ".")
    return facts


@_fact
def _fact_complaints(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("pengaduan"):
        return []
    times = opd_rows(data.metric("complaint_times", per), kode)
    if times.empty:
        return [f"Tidak ada pengaduan masyarakat pada {per.label}."]
    from kinerja.metrics.complaints import complaint_summary

    n = len(times)
    text = f"{fmt_count(n, 'pengaduan', start=True)} masyarakat masuk pada {per.label}"
    top = times["kategori"].astype("str").value_counts()
    text += f"; terbanyak kategori {top.index[0]} ({fmt_int(top.iloc[0])})"
    total = complaint_summary(times.assign(_s="x"), by=("_s",)).iloc[0]
    total_hidden = False
    if audience == "forum":  # the table's total row may be hidden to protect a category
        from kinerja.protect import protect_complaints

        summ = complaint_summary(times, by=("kategori",))
        total_hidden = protect_complaints(summ, k=data.k_responden, by="_")[1].get("", False)
    if (
        n >= data.k_responden
        and not total_hidden
        and pd.notna(total["persen_ditanggapi_tepat_waktu"])
    ):
        text += (
            f"; {fmt_percent(total['persen_ditanggapi_tepat_waktu'], 1)} ditanggapi dalam "
            f"{deadlines(data).tanggapan} hari kerja"
        )
    return [text + "."]


@_fact
def _fact_skp(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("penilaian_skp"):
        return []
    dist, used = data.metric("skp", per)
    d = opd_rows(dist, kode)
    n = int(d["jumlah"].sum()) if len(d) else 0
    if n == 0:
        return []
    if n < data.k_pegawai and audience == "forum":
        return [
            f"Distribusi predikat SKP tidak dilaporkan: kurang dari {data.k_pegawai} pegawai dinilai."
        ]
    good = d.loc[d["predikat"].astype("str").isin(SKP_GOOD), "jumlah"].sum() / n * 100
    low = d.loc[d["predikat"].astype("str").isin(SKP_LOW), "jumlah"].sum()
    low_share: float | None = low / n * 100 if low >= data.k_pegawai else None
    ledger = None
    if audience == "forum":
        # quote only shares the protected table allows (they must not separate hidden cells)
        from kinerja.protect import Ledger, cell_key, protected_skp, safe_share

        prot = protected_skp(d, k=data.k_pegawai)
        good = safe_share(prot, SKP_GOOD)
        low_share = safe_share(prot, SKP_LOW) if low >= data.k_pegawai else None
        line = str(prot["periode"].iloc[0]) if "periode" in prot.columns else str(used)
        ledger = Ledger()
        src = f"opd/{kode}: Temuan Utama"
        tkey = ledger.count(cell_key("skp", kode, line, "Jumlah"), n, source=src)
        for share, cats in ((good, SKP_GOOD), (low_share, SKP_LOW)):
            if share is not None:
                keys = [
                    ledger.count(cell_key("skp", kode, line, c), None, source=src)
                    for c in prot["predikat"].astype("str")
                    if c in cats
                ]
                ledger.share(keys, [tkey], round(share, 1), decimals=1, source=src)
    elif audience == "internal":
        low_share = low / n * 100
    label = Periode.parse(used).label
    if good is None:
        text = (
            f"Dari {fmt_int(n)} pegawai yang dinilai ({label}), persentase berpredikat Baik atau "
            "Sangat Baik tidak disebutkan karena ada kelompok kecil yang disembunyikan"
        )
    else:
        text = (
            f"{fmt_percent(good, 1)} dari {fmt_int(n)} pegawai yang dinilai "
            f"({label}) berpredikat Baik atau Sangat Baik"
        )
    if low_share is not None:
        text += f"; {fmt_percent(low_share, 1)} berpredikat Kurang/Misconduct atau Sangat Kurang"
    return [Fact(text + ".", ledger)]


@_fact
def _fact_activity(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("laporan_kinerja"):
        return []
    rows = opd_rows(data.metric("activity", per), kode)
    if rows.empty or (audience == "forum" and int(rows["n_pegawai"].max()) < data.k_pegawai):
        return []
    a = activity_period(rows)
    return [
        f"Laporan kinerja harian tercatat pada {fmt_percent(a['persen_hari_melapor'], 1)} hari "
        f"kerja pegawai; {fmt_percent(a['persen_ditolak'], 1)} laporan ditolak dan "
        f"{fmt_percent(a['persen_menunggu'], 1)} masih menunggu verifikasi atasan."
    ]


@_fact
def _fact_jp(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("pelatihan"):
        return []
    comp = opd_rows(data.metric("jp_compliance", per), kode)
    if comp.empty:
        return []
    r = comp.iloc[0]
    if int(r["n_pegawai"]) < data.k_pegawai and audience == "forum":
        return []
    target = fmt_number(float(data.params.get("target_jp", 20)), 0)
    if audience == "forum":  # the share follows the protected JP bands of the report
        from kinerja.metrics.registry import jp_bands
        from kinerja.protect import jp_target_hidden, protected_jp_bands

        jp = opd_rows(data.metric("jp", per), kode)
        bands = jp_bands(jp, float(data.params.get("target_jp", 20))).assign(kode_opd=kode)
        if jp_target_hidden(protected_jp_bands(bands, k=data.k_pegawai)):
            return [
                f"Median JP pengembangan kompetensi pegawai pada tahun {per.year}: "
                f"{fmt_number(r['median_jp'], 1)} JP (persentase yang memenuhi {target} JP "
                "disembunyikan karena ada kelompok kecil)."
            ]
    return [
        f"{fmt_percent(r['persen_memenuhi_20jp'], 1)} pegawai telah memenuhi {target} JP "
        f"pengembangan kompetensi pada tahun {per.year} (median {fmt_number(r['median_jp'], 1)} JP)."
    ]


@_fact
def _fact_impact(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    res = impact_result(data, kode, per)
    if res is None:
        return []
    wave, table = res
    facts = []
    for r in table.itertuples(index=False):
        if r.ukuran == "hari_kerja":
            what, unit = "rata-rata waktu layanan OPD ini", "hari kerja"
        else:
            what, unit = f"rata-rata jam di tahap {r.ukuran.removeprefix('jam_')}", "jam"
        arah = "turun" if r.estimate < 0 else "naik"
        facts.append(
            f"Sesudah gelombang pelatihan {fmt_date(wave['wave_start'])}–"
            f"{fmt_date(wave['wave_end'])}, {what} {arah} {fmt_number(abs(r.estimate), 1)} "
            f"{unit} lebih banyak daripada perubahan di OPD lain (selang 95%: "
            f"{signed(r.ci_low, 1)} sampai {signed(r.ci_high, 1)} {unit}); ini keterkaitan, "
            "bukan bukti sebab-akibat."
        )
    return facts[:1]


@_fact
def _fact_followup(data: ReportData, kode: str, per: Periode, audience: Audience) -> list[str]:
    if not data.has("tindak_lanjut"):
        return []
    st = opd_rows(data.metric("followup", None), kode)
    if st.empty:
        return []
    r = st.iloc[0]
    if int(r["n_terlambat"]) == 0:
        return [
            f"Tidak ada butir tindak lanjut forum yang belum selesai dan lewat tenggat "
            f"({fmt_count(r['n_total'], 'butir')} tercatat)."
        ]
    return [
        f"{fmt_count(r['n_terlambat'], 'dari', start=True)} {fmt_int(r['n_total'])} butir tindak lanjut forum "
        f"evaluasi belum selesai dan sudah lewat tenggat (per {fmt_date(data.today)})."
    ]


def temuan_utama(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """ "Temuan utama": short Indonesian sentences filled from the computed numbers.

    Each stream contributes its sentences (IKM and its change, weakest element, SKP, service
    time and bottleneck, complaints, JP, training impact, follow-up); streams without data are
    skipped, and numbers over groups smaller than k are not quoted at forum level.
    """
    per = Periode.parse(periode)
    facts: list[str] = []
    for func in sorted(
        _FACTS,
        key=lambda f: (
            _FACT_ORDER.index(f.__name__) if f.__name__ in _FACT_ORDER else len(_FACT_ORDER)
        ),
    ):
        facts.extend(_safe_facts(func, data, kode_opd, per, audience))
    out: list[Any] = []
    if heading_level:
        out.append(heading("Temuan Utama", heading_level))
    if not facts:
        return [*out, note("Belum ada data yang cukup untuk menyusun temuan utama.")]
    block = bullets(facts)
    ledgers = [f.ledger for f in facts if getattr(f, "ledger", None) is not None]
    if ledgers:
        from kinerja.protect import Ledger

        block.ledger = Ledger.combine(ledgers)
    out.append(block)
    return out


_KOTA_FACTS: list[Callable[[ReportData, Periode], list[str]]] = []


def temuan_kota(
    data: ReportData, *, periode: str | Periode, heading_level: int | None = 2
) -> list[Any]:
    """City-level "Temuan utama" sentences."""
    per = Periode.parse(periode)
    table = data.metric("kota", per)
    facts: list[str] = []
    if "ikm" in table.columns and table["ikm"].notna().any():
        from kinerja.metrics.survey import ikm_table

        city = ikm_table(
            data.table("skm"), by=(), weight=data.params.get("ikm_weight", "exact"), periode=per
        )
        if len(city) and pd.notna(city["ikm"].iloc[0]):
            facts.append(
                f"IKM gabungan Kota Salatiga {per.label}: {fmt_number(city['ikm'].iloc[0], 2)} "
                f"(mutu {city['mutu'].iloc[0]}, {city['kinerja_unit'].iloc[0]}) dari "
                f"{fmt_int(city['n_responden'].iloc[0])} responden."
            )
        shown = table.loc[table["ikm"].notna()].sort_values("ikm", ascending=False)
        best, worst = shown.iloc[0], shown.iloc[-1]
        facts.append(
            f"IKM tertinggi: {best['nama_opd']} ({fmt_number(best['ikm'], 2)}); terendah: "
            f"{worst['nama_opd']} ({fmt_number(worst['ikm'], 2)})."
        )
        below = shown.loc[shown["ikm"] < 76.61]
        if len(below):
            facts.append(
                f"{fmt_int(len(below))} OPD ber-IKM di bawah mutu B (76,61): "
                + ", ".join(below["nama_opd"].astype("str").head(5))
                + ("" if len(below) <= 5 else ", dan lainnya")
                + "."
            )
    mv = ikm_movement(data, per)
    if mv is not None:
        m, cur, prev = mv
        up = m.sort_values("selisih", ascending=False).iloc[0]
        down = m.sort_values("selisih").iloc[0]
        if up["selisih"] > 0:
            facts.append(
                f"Kenaikan IKM terbesar {prev.label} → {cur.label}: {up['nama_opd']} "
                f"(+{fmt_number(up['selisih'], 2)} poin)."
            )
        if down["selisih"] < 0:
            facts.append(
                f"Penurunan IKM terbesar: {down['nama_opd']} ({signed(down['selisih'], 2)} poin)."
            )
    for extra in _KOTA_FACTS:
        facts.extend(_safe_facts(extra, data, per))
    out: list[Any] = [heading("Temuan Utama", heading_level)] if heading_level else []
    out.append(bullets(facts) if facts else note("Belum ada data yang cukup untuk temuan utama."))
    return out
