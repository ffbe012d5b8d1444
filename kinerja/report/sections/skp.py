"""Section: predikat kinerja pegawai (SKP) of one OPD, with the curve warnings."""

from __future__ import annotations

from typing import Any

from kinerja.domain.period import Periode
from kinerja.metrics.registry import opd_rows
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
from kinerja.report.formatting import fmt_int

__all__ = ["section_skp"]


def section_skp(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Predikat distribution of one OPD (PermenPANRB 6/2022 §2.3) with the §2.6 curve warnings."""
    from kinerja.protect import Ledger, protected_skp, record_line
    from kinerja.report.charts import bar_chart

    per = Periode.parse(periode)
    out: list[Any] = []
    if heading_level:
        out.append(heading("Predikat Kinerja Pegawai (SKP)", heading_level))
    if not data.has("penilaian_skp"):
        return [*out, missing_table("penilaian_skp")]
    dist, used = data.metric("skp", per)
    d = opd_rows(dist, kode_opd)
    if d.empty or int(d["jumlah"].sum()) == 0:
        return [*out, note(f"Tidak ada penilaian SKP untuk OPD ini pada periode {used}.")]
    used_label = Periode.parse(used).label
    src = SOURCE_LABELS["penilaian_skp"] + f", periode penilaian {used_label}; PermenPANRB 6/2022"
    k = data.k_pegawai
    total = int(d["jumlah"].sum())
    shown = d.copy()
    ledger = None
    if audience == "forum":
        # the one protected distribution (table, title, chart, warnings, Temuan, city, rekap)
        shown = protected_skp(d, k=k)
        ledger = Ledger()
        skp_keys, _ = record_line(
            ledger,
            shown,
            stream="skp",
            kode_opd=kode_opd,
            periode=_line_period(shown, used),
            k=k,
            source=f"opd/{kode_opd}: Predikat Kinerja Pegawai (SKP)",
        )
    shown["predikat"] = shown["predikat"].astype("str")
    hidden_any = audience == "forum" and bool(shown["_tersembunyi"].any())
    n_text = (
        f"{fmt_int(total)} pegawai dinilai"
        if audience == "internal" or total >= k
        else f"kurang dari {k} pegawai dinilai"
    )
    notes = []
    if used != str(per):
        notes.append(
            f"Tidak ada penilaian tahunan {per.year}; dipakai penilaian periodik terakhir ({used_label})."
        )
    notes.append(
        "Predikat menurut matriks rating hasil kerja × rating perilaku (PermenPANRB 6/2022)."
    )
    table_block = render_table(
        shown,
        [
            Col("predikat", "Predikat"),
            Col("jumlah", "Jumlah pegawai", "int"),
            Col("persen", "Persentase", "percent", 1),
        ],
        title=f"Distribusi predikat kinerja pegawai ({n_text})",
        source=src,
        notes=notes,
        suppression_note=suppression_note(k, "pegawai"),
        audience=audience,
    )
    table_block.ledger = ledger
    if ledger is not None:  # the printed grid, compared with the HTML by `kinerja audit`
        from kinerja.protect.recorded import line_table_keys

        keys = line_table_keys(shown["predikat"], skp_keys, "Jumlah pegawai")
        ledger.table(table_block.html, keys, source=f"opd/{kode_opd}")
    out.append(table_block)
    if audience == "internal" or total >= k and not (shown["jumlah"] == SUPPRESSED_MARK).any():
        out.append(
            bar_chart(
                d.assign(predikat=d["predikat"].astype("str")),
                category="predikat",
                value="persen",
                title=f"Distribusi predikat SKP, {used_label}",
                value_label="Persentase pegawai",
                source=src,
                percent=True,
                decimals=1,
                orient="v",
                value_max=100,
            )
        )
    else:
        out.append(
            note("Grafik distribusi tidak ditampilkan karena ada kelompok yang disembunyikan.")
        )
    # curve warnings when the OPD's own predikat is set in parameters/opd/<kode>.yaml
    org = _org_predikat(data, kode_opd)
    if org and hidden_any:
        # whether a §2.6 rule holds is itself a statement about the hidden cells
        out.append(
            note(
                f"Predikat organisasi: {org}. Pola distribusi predikat tidak dinilai pada laporan "
                "forum karena ada kelompok yang disembunyikan; penilaiannya ada pada laporan "
                "internal OPD."
            )
        )
    elif org:
        from kinerja.metrics.skp import curve_warnings

        warn = curve_warnings(d, {kode_opd: org})
        if warn.empty:
            out.append(
                paragraph(
                    f"Predikat organisasi: {org}. Distribusi predikat pegawai sesuai pola distribusinya."
                )
            )
        else:
            for msg in warn["pesan"].astype("str"):
                out.append(warning_box(f"Predikat organisasi {org}: {msg}"))
            out.append(note(str(warn["catatan"].iloc[0])))
    else:
        out.append(
            note(
                "Predikat kinerja organisasi belum diisi pada berkas parameter OPD ini "
                f"({kode_opd}), sehingga pola distribusi predikat pegawai tidak diperiksa."
            )
        )
    return out


def _line_period(shown: Any, used: str) -> str:
    """The period a distribution line is keyed by in the ledger (its ``periode`` column)."""
    if "periode" in shown.columns and len(shown):
        return str(shown["periode"].iloc[0])
    return str(used)


def _org_predikat(data: ReportData, kode_opd: str) -> str | None:
    """``org_predikat`` of the OPD's parameter file (``None``: not set, or the file is invalid)."""
    from kinerja.domain.settings import ParameterError

    try:
        return data.settings.for_opd(kode_opd).org_predikat
    except ParameterError:
        return None
