"""Section: tindak lanjut forum evaluasi, and notebook ``register_tindak_lanjut``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.registry import opd_rows, skp_period_rows
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SOURCE_LABELS,
    Audience,
    Col,
    audience_line,
    heading,
    internal_banner_block,
    missing_table,
    note,
    render_table,
    title_block,
    warning_box,
)
from kinerja.report.formatting import fmt_count, fmt_date, fmt_int, fmt_percent

__all__ = ["section_tindak_lanjut", "sections_register"]


#: the exclusive groups of the follow-up table: (label, count column, count subtracted)
_STATUS_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("Direncanakan, belum lewat tenggat", "n_direncanakan", "n_direncanakan_terlambat"),
    ("Direncanakan, sudah lewat tenggat", "n_direncanakan_terlambat", None),
    ("Berjalan, belum lewat tenggat", "n_berjalan", "n_berjalan_terlambat"),
    ("Berjalan, sudah lewat tenggat", "n_berjalan_terlambat", None),
    ("Selesai sebelum atau pada tenggat", "n_selesai", "n_selesai_terlambat"),
    ("Selesai sesudah tenggat", "n_selesai_terlambat", None),
)


def _status_long(row: pd.Series) -> pd.DataFrame:
    """Six exclusive groups (status × past the deadline or not) and their total: 100 %."""
    counts = [int(row[col]) - (int(row[minus]) if minus else 0) for _, col, minus in _STATUS_ROWS]
    return pd.DataFrame(
        {
            "status": [lab for lab, _, _ in _STATUS_ROWS] + ["Jumlah"],
            "jumlah": [*counts, sum(counts)],
            "persen": [c / max(sum(counts), 1) * 100 for c in counts] + [100.0],
        }
    )


def section_tindak_lanjut(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode | None = None,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Status of the follow-up register of one OPD at the report date.

    Forum: counts only (the register's ``temuan``/``rekomendasi`` are free text that may name a
    person). Internal: also the overdue items of this OPD.
    """
    out: list[Any] = []
    if heading_level:
        out.append(heading("Tindak Lanjut Forum Evaluasi", heading_level))
    if not data.has("tindak_lanjut"):
        return [*out, missing_table("tindak_lanjut")]
    src = SOURCE_LABELS["tindak_lanjut"] + f", keadaan per {fmt_date(data.today)}"
    st = opd_rows(data.metric("followup", None), kode_opd)
    if st.empty:
        return [*out, note("Belum ada tindak lanjut forum evaluasi yang tercatat untuk OPD ini.")]
    row = st.iloc[0]
    late = int(row["n_terlambat"])
    out.append(
        render_table(
            _status_long(row),
            [
                Col("status", "Status"),
                Col("jumlah", "Jumlah butir", "int"),
                Col("persen", "Persentase", "percent", 1),
            ],
            title=f"Status {fmt_int(row['n_total'])} butir tindak lanjut",
            source=src,
            notes=[
                "Setiap butir masuk tepat satu baris, sehingga baris-barisnya berjumlah 100% "
                "(karena pembulatan, jumlah persentase yang tertulis dapat selisih 0,1). Lewat "
                "tenggat = belum selesai dan tenggat sebelum tanggal laporan (hari kalender).",
                f"Seluruhnya {fmt_count(late, 'butir')} belum selesai dan sudah lewat tenggat "
                f"({fmt_percent(late / max(int(row['n_total']), 1) * 100, 1)} dari semua butir), "
                'yaitu baris "Berjalan, sudah lewat tenggat" dan "Direncanakan, sudah lewat '
                'tenggat".',
            ],
            audience=audience,
        )
    )
    if audience == "forum":  # published facts for `kinerja audit` (protect.covered)
        from kinerja.protect.covered import ledger_followup

        key_per = Periode.parse(periode) if periode is not None else "keadaan"
        out[-1].ledger, keys = ledger_followup(_status_long(row), kode_opd=kode_opd, periode=key_per, source=f"opd/{kode_opd}: Status tindak lanjut")  # fmt: skip
        out[-1].ledger.table(out[-1].html, keys, source=f"opd/{kode_opd}", caption_keys=[keys[-1]["Jumlah butir"]])  # fmt: skip
    if audience == "internal":
        from kinerja.metrics.followup import overdue_items

        tl = opd_rows(data.table("tindak_lanjut"), kode_opd)
        od = overdue_items(tl, today=data.today, audience="internal")
        if len(od):
            out.append(
                render_table(
                    od,
                    [
                        Col("id_tindak_lanjut", "ID", "code"),
                        Col("temuan", "Temuan"),
                        Col("rekomendasi", "Rekomendasi"),
                        Col("tenggat", "Tenggat", "date"),
                        Col("status", "Status"),
                        Col("hari_terlambat", "Terlambat (hari)", "int"),
                    ],
                    title="Butir yang lewat tenggat (internal)",
                    source=src,
                    audience="internal",
                    max_rows=30,
                )
            )
    return out


def sections_register(
    data: ReportData,
    *,
    kode_opd: str,
    audience: Audience = "internal",
    periode: str | Periode | None = None,
) -> list[Any]:
    """The follow-up register of one OPD: internal audience only.

    Under ``forum`` it refuses to list anything and shows the aggregate status only.
    """
    kode = data.check_opd(kode_opd)
    nama = data.opd_name(kode)
    out: list[Any] = [
        title_block(
            nama,
            f"Kode OPD {kode} · keadaan per {fmt_date(data.today)} · {audience_line(audience)}",
        )
    ]
    if audience != "internal":
        out.append(
            warning_box(
                "Register rinci hanya untuk audiens internal OPD (memuat temuan tentang pegawai). "
                'Untuk forum hanya ditampilkan rekap status; jalankan dengan audience="internal" '
                "untuk melihat rinciannya."
            )
        )
        out.extend(section_tindak_lanjut(data, kode_opd=kode, audience="forum", heading_level=2))
        return out
    out.insert(0, internal_banner_block(kode, nama))
    if not data.has("tindak_lanjut"):
        return [*out, missing_table("tindak_lanjut")]
    tl = opd_rows(data.table("tindak_lanjut"), kode).copy()
    today = data.today
    tenggat = pd.to_datetime(tl["tenggat"]).dt.normalize()
    late = (tl["status"].astype("str") != "selesai") & (tenggat < today)
    tl["hari_terlambat"] = ((today - tenggat).dt.days).where(late).astype("Int64")
    peg = data.table("pegawai")
    if "nip" in tl.columns and peg is not None:
        tl = tl.merge(peg[["nip", "nama"]], on="nip", how="left")
    order = {"direncanakan": 1, "berjalan": 0, "selesai": 2}
    tl = tl.sort_values(
        ["status", "tenggat"], key=lambda s: s.map(order) if s.name == "status" else s
    )
    out.extend(section_tindak_lanjut(data, kode_opd=kode, audience="internal", heading_level=2)[:2])
    out.append(heading("Daftar tindak lanjut", 2))
    cols = [Col("id_tindak_lanjut", "ID", "code")]
    if "nip" in tl.columns:
        cols += [Col("nip", "NIP", "code"), Col("nama", "Nama")]
    cols += [
        Col("temuan", "Temuan"),
        Col("rekomendasi", "Rekomendasi"),
        Col("tenggat", "Tenggat", "date"),
        Col("status", "Status"),
        Col("tanggal_selesai", "Tanggal selesai", "date"),
        Col("hari_terlambat", "Terlambat (hari)", "int"),
    ]
    out.append(
        render_table(
            tl,
            cols,
            title=f"Register tindak lanjut {nama}",
            source=SOURCE_LABELS["tindak_lanjut"] + ", pegawai",
            audience="internal",
        )
    )
    if data.has("penilaian_skp"):
        from kinerja.metrics.followup import mentoring_candidates

        per = data.periode(periode)
        rows, used = skp_period_rows(data.table("penilaian_skp"), per)
        peg_opd = opd_rows(peg, kode)
        cand = mentoring_candidates(rows.loc[rows["nip"].isin(peg_opd["nip"])], peg_opd)
        out.append(heading("Usulan pembinaan berdasarkan predikat SKP", 2))
        out.append(
            render_table(
                cand,
                [
                    Col("nip", "NIP", "code"),
                    Col("nama", "Nama"),
                    Col("jabatan", "Jabatan"),
                    Col("predikat", "Predikat"),
                    Col("program_usulan", "Usulan program"),
                ],
                title=f"Pegawai dengan predikat di bawah Baik, {Periode.parse(used).label}",
                source=SOURCE_LABELS["penilaian_skp"],
                notes=["Usulan program adalah saran lokal, bukan ketentuan PermenPANRB 6/2022."],
                audience="internal",
            )
        )
    return out
