"""Section: Dampak — did the forum's decisions work? (issue "pantau", item 5)

For one OPD: the months of median lead time, on-time share, requests finished (permits issued)
and the IKM per quarter, with the training waves and the completed follow-up actions marked,
and one before/after comparison around the OPD's main event (its first training wave, else its
latest completed follow-up), each difference with its 95 % confidence interval.

Everything comes from the metric tables ``dampak``, ``pantau`` and ``pantau_outcomes``
(:mod:`kinerja.metrics.monitoring.build`), which the batch's warm-up computes once and keeps in
the Arrow metric store, so a report kernel only reads them. The charts are the inline SVG panels
of the monitoring pages (:func:`kinerja.report.monitoring.svg.panel_svg`).

Protection (forum): no employee count is shown. A training wave of an OPD with fewer than
``k_pegawai`` employees is left out (as in the 20 JP section). A month's median lead time or
on-time share over fewer than ``k_responden`` requests is not drawn, an IKM quarter with fewer
than ``k_responden`` respondents is not drawn, and a before/after row whose side rests on fewer
than ``k_responden`` requests or respondents is not shown.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SOURCE_LABELS,
    Audience,
    Block,
    Col,
    heading,
    missing_table,
    note,
    paragraph,
    render_table,
    signed,
)
from kinerja.report.formatting import fmt_date, fmt_int, fmt_month, fmt_number

__all__ = ["DAMPAK_TITLE", "opd_dampak_view", "section_dampak"]

DAMPAK_TITLE = "Dampak: Apakah Keputusan Forum Berhasil?"

#: measure -> (label, decimals, unit of the difference, suffix of a value, "up" is better)
_MEASURES = {
    "persen_tepat_waktu": ("Ketepatan waktu", 1, "poin persen", "%", True),
    "median_hari_kerja": ("Median waktu layanan", 1, "hari kerja", " hari kerja", False),
    "izin_per_bulan": ("Izin/permohonan selesai per bulan", 1, "per bulan", "", True),
    "ikm": ("IKM", 2, "poin", "", True),
}


def _delta(value: float, decimals: int) -> str:
    """A signed id-ID difference: ``+39,5``, ``−5,0``, ``0,0``."""
    text = signed(value, decimals)
    return text if text.startswith("−") or text.strip("0,") == "" else "+" + text


_REGULATION = (
    "UU 25/2009 tentang Pelayanan Publik (standar pelayanan: jangka waktu penyelesaian); "
    "PermenPANRB 14/2017 (IKM)"
)


def opd_dampak_view(data: ReportData, kode_opd: str) -> Any:
    """The :class:`~kinerja.metrics.monitoring.dampak.OpdDampak` of one OPD (split once per data)."""
    from kinerja.metrics.monitoring.build import dampak_for
    from kinerja.metrics.monitoring.dampak import OpdDampak, events, split_dampak_tables

    key = "dampak_by_opd"
    if key not in data.__dict__:
        data.__dict__[key] = split_dampak_tables(dampak_for(data))
    found = data.__dict__[key].get(kode_opd)
    return found if found is not None else OpdDampak(events(None, None, kode_opd))


def _months_label(text: str) -> str:
    """``2025-03..2025-05`` → ``Maret 2025 – Mei 2025``; a quarter ``2025-TW3`` → ``triwulan III 2025``."""
    if "-TW" in str(text):
        year, q = str(text).split("-TW")
        return f"triwulan {['I', 'II', 'III', 'IV'][int(q) - 1]} {year}"
    first, _, last = str(text).partition("..")
    a, b = fmt_month(pd.Timestamp(first + "-01")), fmt_month(pd.Timestamp((last or first) + "-01"))
    return a if a == b else f"{a} – {b}"


def _small_wave(data: ReportData, kode_opd: str) -> bool:
    """Whether the OPD's training waves concern a unit of fewer than ``k_pegawai`` employees."""
    from kinerja.metrics.monitoring.build import waves_for

    waves = waves_for(data)
    if waves is None or not len(waves):
        return False
    own = waves.loc[waves["kode_opd"].astype("str") == kode_opd]
    return bool(len(own)) and bool((own["n_pegawai"].astype("int64") < data.k_pegawai).any())


def _panels(
    data: ReportData,
    kode_opd: str,
    months: list[pd.Timestamp],
    events: pd.DataFrame,
    audience: Audience,
) -> list[str]:
    from kinerja.metrics.monitoring.build import monitoring_for, outcomes_for
    from kinerja.report.monitoring.svg import panel_svg

    k = data.k_responden
    out = outcomes_for(data)
    panels = []
    if len(out):
        own = out.loc[out["kode_opd"].astype("str") == kode_opd].copy()
        if audience == "forum" and "n_permohonan" in own:
            few = own["n_permohonan"].to_numpy() < k
            own.loc[few, ["median_hari_kerja", "persen_tepat_waktu"]] = np.nan
        if len(own):
            common = {"x": "bulan", "months": months, "events": events}
            panels += [
                panel_svg(own, y="median_hari_kerja", title="Median waktu layanan (hari kerja)", **common),
                panel_svg(own, y="persen_tepat_waktu", title="Ketepatan waktu (%)", percent=True, **common),
                panel_svg(own, y="n_selesai_bulan", title="Izin/permohonan selesai per bulan", decimals=0, **common),
            ]  # fmt: skip
    ikm = monitoring_for(data).ikm
    if len(ikm):
        own = ikm.loc[ikm["kode_opd"].astype("str") == kode_opd]
        if audience == "forum":
            own = own.loc[own["n_responden"].to_numpy() >= k]
        if len(own):
            panels.append(
                panel_svg(
                    own,
                    x="bulan",
                    y="ikm",
                    title="IKM per triwulan (SK 95%)",
                    months=months,
                    events=events,
                    ci=("ci_bawah", "ci_atas"),
                    decimals=1,
                    quarterly=True,
                )
            )
    return panels


def _figure(panels: list[str], *, title: str, source: str) -> Block:
    legend = (
        '<div style="font-size:0.85em;margin:0.2em 0">'
        '<span style="color:#d55e00;margin-right:1em">│ gelombang pelatihan</span>'
        '<span style="color:#029e73">┆ tindak lanjut selesai</span></div>'
    )
    body = (
        '<figure class="kinerja-chart kinerja-dampak" style="margin:0.5em 0 1.2em 0">'
        f'<div style="font-weight:600">{html.escape(title)}</div>{legend}'
        '<div style="display:flex;flex-wrap:wrap;gap:0.5em">'
        + "".join(panels)
        + '</div><figcaption style="font-size:0.85em;color:#444">'
        f"Sumber data: {html.escape(source)}</figcaption></figure>"
    )
    return Block(body, text=f"Grafik: {title} (Sumber data: {source})")


def _comparison_rows(table: pd.DataFrame, *, k: int, audience: Audience) -> pd.DataFrame:
    rows = []
    for r in table.itertuples(index=False):
        if r.ukuran not in _MEASURES:
            continue
        label, dec, unit, suffix, up_good = _MEASURES[r.ukuran]
        counted = r.ukuran != "izin_per_bulan"  # a statistic over requests or respondents
        if audience == "forum" and counted and min(int(r.n_sebelum), int(r.n_sesudah)) < k:
            continue
        clear = not (r.ci_bawah <= 0 <= r.ci_atas)
        better = (r.selisih > 0) == up_good
        rows.append(
            {
                "ukuran": label + (" (%)" if suffix == "%" else ""),
                "bulan_sebelum": _months_label(r.bulan_sebelum),
                "sebelum": fmt_number(r.sebelum, dec),
                "bulan_sesudah": _months_label(r.bulan_sesudah),
                "sesudah": fmt_number(r.sesudah, dec),
                "selisih": f"{_delta(r.selisih, dec)} {unit}",
                "selang": f"{_delta(r.ci_bawah, dec)} s.d. {_delta(r.ci_atas, dec)}",
                "arti": ("membaik" if better else "memburuk") if clear else "belum jelas",
                "kalimat": (
                    f"{label[0].lower() + label[1:] if label != 'IKM' else label} "
                    f"{'naik' if r.selisih > 0 else 'turun'} dari {fmt_number(r.sebelum, dec)}"
                    f"{suffix} menjadi {fmt_number(r.sesudah, dec)}{suffix} (selisih "
                    f"{_delta(r.selisih, dec)} {unit}; selang kepercayaan 95% "
                    f"{_delta(r.ci_bawah, dec)} s.d. {_delta(r.ci_atas, dec)})"
                ),
                "jelas": clear,
            }
        )
    return pd.DataFrame(rows)


def _sentence(rows: pd.DataFrame, what: str, when: pd.Timestamp) -> str:
    clear = rows.loc[rows["jelas"]]
    head = f"Sesudah {what} yang berakhir {fmt_date(when)}"
    if clear.empty:
        return (
            f"{head} belum tampak perubahan yang lebih besar daripada ketidakpastiannya: "
            "setiap selang kepercayaan 95% selisihnya masih memuat nol."
        )
    text = f"{head}, " + "; ".join(clear["kalimat"]) + "."
    rest = rows.loc[~rows["jelas"], "ukuran"].tolist()
    if rest:
        text += (
            " Perubahan " + " dan ".join(u.replace(" (%)", "") for u in rest) + " belum jelas "
            "(selang kepercayaan 95% selisihnya memuat nol)."
        )
    return text


def section_dampak(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Dampak of one OPD: outcomes over the months with the training waves and completed
    follow-up actions, and the before/after comparison around its main event (95 % CIs)."""
    from kinerja.metrics.monitoring.build import monitoring_for
    from kinerja.metrics.monitoring.dampak import CATATAN_DAMPAK

    per = Periode.parse(periode)
    out: list[Any] = []
    if heading_level:
        out.append(heading(DAMPAK_TITLE, heading_level))
    if not data.has("layanan") and not data.has("skm"):
        return [*out, missing_table("layanan")]
    months = [m for m in monitoring_for(data).months if m <= pd.Timestamp(per.end)]
    if not months:
        return [*out, note("Data belum memuat satu bulan lengkap sampai akhir periode ini.")]
    res = opd_dampak_view(data, kode_opd)
    ev = res.peristiwa
    hidden_wave = audience == "forum" and _small_wave(data, kode_opd)
    if hidden_wave and len(ev):
        ev = ev.loc[ev["jenis"] != "pelatihan"].reset_index(drop=True)
    ev = ev.loc[pd.to_datetime(ev["tanggal"]) <= pd.Timestamp(per.end)] if len(ev) else ev
    n_wave = int((ev["jenis"] == "pelatihan").sum()) if len(ev) else 0
    n_tl = len(ev) - n_wave
    src = SOURCE_LABELS["layanan"] + "; " + SOURCE_LABELS["skm"]
    src += "; berkas pelatihan dan tindak_lanjut (tanggal peristiwa); " + _REGULATION
    intro = (
        "Apakah waktu layanan, ketepatan waktu, jumlah izin yang selesai dan IKM berubah sesudah "
        "tindak lanjut forum diselesaikan dan sesudah pegawai dilatih? "
    )
    if len(ev):
        told = []
        if n_wave:
            told.append(f"{fmt_int(n_wave)} gelombang pelatihan")
        if n_tl:
            told.append(f"{fmt_int(n_tl)} tanggal penyelesaian tindak lanjut")
        intro += (
            f"Tercatat {' dan '.join(told)} sampai {fmt_date(ev['tanggal'].max())}; "
            "ditandai pada grafik dengan garis tegak."
        )
    else:
        intro += "Belum ada gelombang pelatihan atau tindak lanjut selesai yang tercatat."
    out.append(paragraph(intro))
    panels = _panels(data, kode_opd, months, ev, audience)
    if panels:
        out.append(
            _figure(
                panels,
                title=f"Hasil layanan per bulan, {fmt_month(months[0])} – {fmt_month(months[-1])}",
                source=src,
            )
        )
    else:
        out.append(note("Tidak ada data layanan atau survei untuk OPD ini."))
    if res.tanggal is None:
        return out
    when = pd.Timestamp(res.tanggal)
    if res.jenis == "pelatihan" and hidden_wave:
        out.append(
            note(
                f"Perbandingan sebelum–sesudah pelatihan tidak ditampilkan: OPD ini memiliki "
                f"kurang dari {fmt_int(data.k_pegawai)} pegawai (audiens forum)."
            )
        )
        return out
    if when > pd.Timestamp(per.end):
        return out
    what = "gelombang pelatihan" if res.jenis == "pelatihan" else "tindak lanjut"
    title = f"Sebelum dan sesudah {what} ({fmt_date(when)})"
    if res.jenis != "pelatihan":
        title = f"Sebelum dan sesudah tindak lanjut selesai ({fmt_date(when)})"
    table = res.perbandingan if res.perbandingan is not None else pd.DataFrame()
    rows = (
        _comparison_rows(table, k=data.k_responden, audience=audience)
        if len(table)
        else pd.DataFrame()
    )
    if rows.empty:
        out.append(
            note(f"{title}: belum ada cukup bulan atau data di kedua sisi untuk dibandingkan.")
        )
        return out
    out.append(paragraph(_sentence(rows, what, when)))
    out.append(
        render_table(
            rows,
            [
                Col("ukuran", "Ukuran"),
                Col("bulan_sebelum", "Sebelum"),
                Col("sebelum", "Nilai sebelum"),
                Col("bulan_sesudah", "Sesudah"),
                Col("sesudah", "Nilai sesudah"),
                Col("selisih", "Selisih"),
                Col("selang", "Selang kepercayaan 95% selisih"),
                Col("arti", "Artinya"),
            ],
            title=title,
            source=src,
            notes=[
                "Bulan peristiwa tidak dihitung; tiga bulan lengkap di tiap sisi. IKM: triwulan "
                "terakhir sebelum dan triwulan pertama sesudah peristiwa yang respondennya "
                'cukup. "Belum jelas": selang kepercayaan memuat nol.',
                CATATAN_DAMPAK,
            ],
            audience=audience,
        )
    )
    if audience == "forum":  # recorded for `kinerja audit`: a table without counts of people
        from kinerja.protect.covered import NOT_COUNTS, declare_statistics

        out[-1].ledger = declare_statistics(None, out[-1].html, reason=NOT_COUNTS["dampak"], source=f"opd/{kode_opd}")  # fmt: skip
    return out
