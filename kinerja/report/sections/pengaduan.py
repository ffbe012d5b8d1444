"""Section: pengaduan masyarakat of one OPD (text of complaints is never shown)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.registry import deadlines, opd_rows
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SOURCE_LABELS,
    SUPPRESSED_MARK,
    Audience,
    Col,
    paragraph,
    render_table,
    small_mask,
    stream_section,
)
from kinerja.report.formatting import fmt_date

__all__ = ["section_pengaduan"]


def section_pengaduan(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Complaints of one OPD: volume by category and channel, response and resolution times
    against the SP4N-LAPOR! deadlines (reference §4.2). Complaint text is never shown."""
    return stream_section(
        data,
        title="Pengaduan Masyarakat",
        table="pengaduan",
        blocks=_complaint_blocks,
        kode_opd=kode_opd,
        periode=periode,
        audience=audience,
        heading_level=heading_level,
    )


def _complaint_blocks(
    data: ReportData, *, kode_opd: str, periode: Periode, audience: Audience
) -> list[Any]:
    from kinerja.metrics.complaints import complaint_summary
    from kinerja.report.charts import bar_chart, line_chart

    times = opd_rows(data.metric("complaint_times", periode), kode_opd)
    if times.empty:
        return [paragraph(f"Tidak ada pengaduan masyarakat untuk OPD ini pada {periode.label}.")]
    k = data.k_responden
    dl = deadlines(data)
    src = SOURCE_LABELS["pengaduan"] + f", {periode.label}; keadaan per {fmt_date(data.today)}"
    summ = complaint_summary(times, by=("kategori",)).sort_values("n_pengaduan", ascending=False)
    total = complaint_summary(times.assign(_semua="Jumlah"), by=("_semua",)).rename(
        columns={"_semua": "kategori"}
    )
    table = pd.concat([summ, total], ignore_index=True)
    stats = ["persen_ditanggapi_tepat_waktu", "median_hari_tanggapan", "persen_selesai_tepat_waktu"]
    mask = small_mask(table, count_col="n_pengaduan", k=k, columns=stats)
    rows = None
    if audience == "forum":
        # complementary: a hidden category's rate must not follow from the total row's
        from kinerja.protect import protect_complaints

        hidden, totals = protect_complaints(summ.reset_index(drop=True), k=k, by="_")
        rows = np.append(hidden, totals.get("", False) or bool(mask[stats[0]].iloc[-1]))
        mask = mask | pd.DataFrame({c: rows for c in stats}, index=mask.index)
    out: list[Any] = [
        render_table(
            table,
            [
                Col("kategori", "Kategori"),
                Col("n_pengaduan", "Pengaduan", "int"),
                Col(
                    "persen_ditanggapi_tepat_waktu",
                    f"% ditanggapi ≤ {dl.tanggapan} hari kerja",
                    "percent",
                    1,
                ),
                Col("median_hari_tanggapan", "Median hari kerja sampai tanggapan", "number", 1),
                Col(
                    "persen_selesai_tepat_waktu",
                    f"% selesai ≤ {dl.selesai} hari kerja sesudah tanggapan",
                    "percent",
                    1,
                ),
                Col("n_belum_ditanggapi", "Belum ditanggapi", "int"),
            ],
            title=(title := f"Pengaduan per kategori, {periode.label}"),
            source=src,
            suppressed=mask,
            suppression_note=(
                f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {k} pengaduan dalam kelompok, "
                "atau disembunyikan tambahan agar angka kelompok kecil tidak dapat dihitung dari "
                "jumlahnya."
            ),
            notes=[
                dl.catatan + ".",
                "Isi pengaduan (teks warga) tidak ditampilkan pada laporan forum.",
            ],
            audience=audience,
        )
    ]
    if rows is not None:  # published facts for `kinerja audit` (protect.recorded)
        from kinerja.protect.recorded import ledger_complaints

        cats = summ["kategori"].astype("str").tolist()
        ledger, keys = ledger_complaints(
            times, cats, rows[:-1], bool(rows[-1]), kode_opd=kode_opd, periode=periode,
            columns={"n": "Pengaduan", "belum": "Belum ditanggapi"}, source=f"opd/{kode_opd}: {title}",
        )  # fmt: skip
        ledger.table(out[0].html, keys, source=f"opd/{kode_opd}")
        out[0].ledger = ledger
    kanal = times.groupby("kanal", observed=True).size().rename("n").reset_index()
    kanal["persen"] = kanal["n"] / kanal["n"].sum() * 100
    out.append(
        bar_chart(
            kanal.sort_values("n", ascending=False),
            category="kanal",
            value="n",
            title=f"Pengaduan menurut kanal, {periode.label}",
            value_label="Jumlah pengaduan",
            source=src,
            decimals=0,
        )
    )
    monthly = times.assign(
        bulan=pd.to_datetime(times["tanggal_masuk"]).dt.to_period("M").dt.to_timestamp()
    )
    top = summ["kategori"].head(3).astype("str").tolist()
    monthly["kelompok"] = (
        monthly["kategori"]
        .astype("str")
        .where(monthly["kategori"].astype("str").isin(top), "Lainnya")
    )
    per_month = monthly.groupby(["kelompok", "bulan"]).size().rename("n").reset_index()
    if per_month["bulan"].nunique() > 1:
        out.append(
            line_chart(
                per_month,
                x="bulan",
                y="n",
                hue="kelompok",
                hue_label="Kategori",
                title=f"Pengaduan per bulan, {periode.label}",
                y_label="Jumlah pengaduan",
                source=src,
            )
        )
    slow = data.metric("complaint_slow_monthly", periode)
    slow = opd_rows(slow, kode_opd) if len(slow) else slow
    if len(slow) and int(slow["n_pengaduan_lambat"].sum()) > 0:
        mask = small_mask(slow, count_col="n_permohonan", k=k, columns=["persen_terlambat"])
        out.append(
            render_table(
                slow,
                [
                    Col("bulan", "Bulan", "month"),
                    Col("n_pengaduan_lambat", "Pengaduan 'Pelayanan lambat'", "int"),
                    Col("n_permohonan", "Permohonan layanan dimulai", "int"),
                    Col("n_terlambat", "Permohonan melewati standar", "int"),
                    Col("persen_terlambat", "% melewati standar", "percent", 1),
                ],
                title="Pengaduan 'Pelayanan lambat' dan keterlambatan layanan per bulan",
                source=SOURCE_LABELS["pengaduan"] + "; " + SOURCE_LABELS["layanan"],
                suppressed=mask,
                suppression_note=f"{SUPPRESSED_MARK} Tidak dihitung: kurang dari {k} permohonan.",
                notes=[
                    "Disandingkan, bukan dihitung korelasinya: keduanya dari OPD dan bulan yang sama."
                ],
            )
        )
        if audience == "forum":  # published facts for `kinerja audit` (protect.covered)
            from kinerja.protect.covered import ledger_slow_monthly

            out[-1].ledger, keys = ledger_slow_monthly(slow, kode_opd=kode_opd, periode=periode, source=f"opd/{kode_opd}: Pelayanan lambat per bulan")  # fmt: skip
            out[-1].ledger.table(out[-1].html, keys, source=f"opd/{kode_opd}")
    return out
