"""Ledgers of the IKM, service-time, slow-service, follow-up and IKM-change tables.

Like :mod:`kinerja.protect.recorded`, each function takes the table a section shows (after its
disclosure control) and returns a :class:`~kinerja.protect.ledger.Ledger` with every count it
prints (shown or hidden), the equations a reader knows between them, and the per-row keys the
section passes to :meth:`~kinerja.protect.ledger.Ledger.table`, so that ``kinerja audit`` attacks
the counts and compares the printed table with the page.

Keys are shared with the other outputs of a run where the quantity is the same: the OPD's
respondents ``skm/<kode>/<periode>/Responden`` and IKM ``ikm/<kode>/<periode>/Semua layanan``
(city table, rekap), requests ``layanan/<kode>/<periode>/Permohonan`` (city table), overdue
follow-up items ``tindak_lanjut/<kode>/<periode>/Lewat tenggat`` (city table) and the
complaints of one category ``aduan_n/<kode>/<periode>/<kategori>`` (complaint table).

A relation is only stated when it holds by construction; where a table covers part of a total
(answers to one survey element, requests of the listed services) the relation is
``part + rest = total`` with an unknown ``rest ≥ 0``, which is true in every case.

Tables that publish no count of people (medians, rates, before/after estimates) are recorded as
such by :func:`declare_statistics`: the audit lists them with the reason, and still fails when
one of them prints an integer outside its declared statistic columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kinerja.protect.ledger import Ledger, cell_key
from kinerja.protect.recorded import record_opd_ikm

__all__ = [
    "IKM_YEAR_STATS",
    "NOT_COUNTS",
    "SERVICE_STATS",
    "declare_statistics",
    "record_followup_counts",
    "record_service_share",
    "ledger_followup",
    "ledger_ikm_change",
    "ledger_ikm_year",
    "ledger_nrr",
    "ledger_service_times",
    "ledger_slow_monthly",
]

#: integer columns of the OPD IKM table that are not counts (a required sample size)
IKM_YEAR_STATS = ("Sampel minimum (Krejcie–Morgan)",)
#: integer columns of the service-time table that are not counts (the standard, in days)
SERVICE_STATS = ("Standar (hari kerja)",)

#: why a table holds no count of people (shown in the audit summary)
NOT_COUNTS: dict[str, str] = {
    "dampak": (
        "statistik layanan dan survei (persen, median, rata-rata per bulan, IKM) sebelum dan "
        "sesudah, dengan selisih dan selangnya; tidak memuat jumlah orang"
    ),
    "did": (
        "rata-rata waktu layanan per permohonan dan perkiraan selisih-dari-selisih dengan "
        "selangnya; tidak memuat jumlah orang"
    ),
}


def _hidden(mask: pd.DataFrame | None, idx: Any, col: str) -> bool:
    return mask is not None and col in mask.columns and bool(mask.at[idx, col])


def _present(value: object) -> bool:
    return value is not None and not bool(pd.isna(value))  # type: ignore[arg-type]


def ledger_ikm_year(
    row: pd.Series | dict[str, Any],
    *,
    small: bool,
    kode_opd: str,
    periode: object,
    headers: tuple[str, str, str] = (
        "Jumlah responden",
        "IKM (25–100)",
        "Penerima layanan (log layanan)",
    ),
    source: str = "",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the OPD's "IKM <periode>" table (one row).

    Respondents (shown), the IKM (a statistic on 25–100, two decimals; hidden below
    ``k_responden``, then attacked as a value that must keep an interval ≥ 5 points) and the
    service recipients counted in the service log (shown, unit ``permohonan``). The minimum
    sample size is a statistic column (:data:`IKM_YEAR_STATS`).
    """
    ledger = Ledger()
    keys: dict[str, str] = {}
    resp = cell_key("skm", kode_opd, periode, "Responden")
    ledger.count(resp, float(row["n_responden"]), unit="responden", source=source)
    keys[headers[0]] = resp
    ikm = row.get("ikm") if hasattr(row, "get") else None
    if small or _present(ikm):
        value = None if small else float(ikm)  # type: ignore[arg-type]
        keys[headers[1]] = record_opd_ikm(ledger, kode_opd, periode, value, source=source)
    pop = row.get("populasi") if hasattr(row, "get") else None
    if _present(pop):
        key = cell_key("populasi", kode_opd, periode, "Penerima layanan")
        ledger.count(key, float(pop), unit="permohonan", source=source)  # type: ignore[arg-type]
        keys[headers[2]] = key
    return ledger, [keys]


def ledger_nrr(
    elements: pd.DataFrame,
    *,
    kode_opd: str,
    periode: object,
    n_responden: float,
    header: str = "Jumlah jawaban",
    source: str = "",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the NRR-per-element table: answers per element (unit ``responden``).

    Each element is answered by at most all respondents of the OPD: ``answers + rest =
    respondents`` (``skm/<kode>/<periode>/Responden``). The NRR is a mean (not a count) and
    the rank is a statistic column.
    """
    ledger = Ledger()
    total = ledger.count(
        cell_key("skm", kode_opd, periode, "Responden"),
        float(n_responden),
        unit="responden",
        source=source,
    )
    per_row = []
    for _, r in elements.iterrows():
        label = str(r["label"])
        key = cell_key("skm_jawaban", kode_opd, periode, label)
        shown = _present(r["n_jawaban"])
        ledger.count(key, float(r["n_jawaban"]) if shown else None, unit="responden", source=source)
        rest = ledger.count(cell_key("skm_jawaban", kode_opd, periode, f"{label}/kosong"), None)
        ledger.total([key, rest], total)
        per_row.append({header: key} if shown else {})
    return ledger, per_row


def ledger_service_times(
    summary: pd.DataFrame,
    mask: pd.DataFrame | None,
    *,
    kode_opd: str,
    periode: object,
    headers: tuple[str, str] = ("Permohonan", "% tepat waktu"),
    source: str = "",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the service-time table (one row per service).

    Requests per service (shown, unit ``permohonan``); together at most the OPD's requests in
    the city table (``Σ services + rest = layanan/<kode>/<periode>/Permohonan``). The on-time
    share is ``on_time / timed`` with ``timed + untimed = requests`` (requests without a
    standard or still open are not timed); see :func:`record_service_share`.
    """
    ledger = Ledger()
    per_row = []
    members = []
    for idx, r in summary.iterrows():
        name = str(r["jenis_layanan"])
        n = cell_key("layanan", kode_opd, periode, name)
        ledger.count(n, float(r["n_permohonan"]), unit="permohonan", source=source)
        members.append(n)
        hid = _hidden(mask, idx, "persen_tepat_waktu")
        pct = r.get("persen_tepat_waktu")
        record_service_share(
            ledger,
            kode_opd=kode_opd,
            periode=periode,
            service=name,
            percent=None if hid or not _present(pct) else round(float(pct), 1),
            hidden=hid,
            decimals=1,
            source=source,
        )
        per_row.append({headers[0]: n})
    total = ledger.count(cell_key("layanan", kode_opd, periode, "Permohonan"), None)
    rest = ledger.count(cell_key("layanan", kode_opd, periode, "(di luar tabel)"), None)
    ledger.total([*members, rest], total)
    return ledger, per_row


def ledger_slow_monthly(
    slow: pd.DataFrame,
    *,
    kode_opd: str,
    periode: object,
    headers: tuple[str, str, str] = (
        "Pengaduan 'Pelayanan lambat'",
        "Permohonan layanan dimulai",
        "Permohonan melewati standar",
    ),
    category: str = "Pelayanan lambat",
    source: str = "",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the monthly "Pelayanan lambat" table: per month the complaints of that
    category, the requests started and those past the standard (all shown counts).

    The months are part of the period: ``Σ months + rest = aduan_n/<kode>/<periode>/<category>``
    (the complaint table's row). Requests past the standard are part of those started
    (``late + rest = started``). The percentage past the standard is a share of shown counts
    (hidden below ``k`` requests for reliability, not disclosure: its numerator and
    denominator are printed beside it).
    """
    ledger = Ledger()
    per_row = []
    months = []
    for _, r in slow.iterrows():
        month = pd.Timestamp(r["bulan"]).strftime("%Y-%m")
        c = cell_key("aduan_lambat", kode_opd, month, category)
        s = cell_key("layanan_mulai", kode_opd, month, "Permohonan")
        lt = cell_key("layanan_lewat", kode_opd, month, "Permohonan")
        ledger.count(c, float(r["n_pengaduan_lambat"]), unit="pengaduan", source=source)
        ledger.count(s, float(r["n_permohonan"]), unit="permohonan", source=source)
        ledger.count(lt, float(r["n_terlambat"]), unit="permohonan", source=source)
        rest = ledger.count(cell_key("layanan_lewat", kode_opd, month, "tepat"), None)
        ledger.total([lt, rest], s)
        months.append(c)
        per_row.append({headers[0]: c, headers[1]: s, headers[2]: lt})
    total = ledger.count(cell_key("aduan_n", kode_opd, periode, category), None)
    rest = ledger.count(cell_key("aduan_lambat", kode_opd, periode, "di luar bulan tabel"), None)
    ledger.total([*months, rest], total)
    return ledger, per_row


def record_service_share(
    ledger: Ledger,
    *,
    kode_opd: str,
    periode: object,
    service: str,
    percent: float | None,
    hidden: bool,
    decimals: int,
    source: str = "",
) -> None:
    """The on-time share of one service: ``on_time / timed`` with ``on_time + late = timed``
    and ``timed + untimed = requests`` (``layanan/<kode>/<periode>/<service>``, which must be
    recorded).

    A share not shown (``hidden``: fewer than ``k`` requests) is a reliability rule, not
    disclosure control: requests are citizens' transactions, not people, and the rekap shows
    every share (``kinerja.report.rekap``). Its ``on_time`` is then an unknown of the system,
    not a protected cell.
    """
    n = cell_key("layanan", kode_opd, periode, service)
    ok = cell_key("layanan_tepat", kode_opd, periode, service)
    timed = cell_key("layanan_diukur", kode_opd, periode, service)
    untimed = cell_key("layanan_diukur", kode_opd, periode, f"{service}/lainnya")
    late = cell_key("layanan_tepat", kode_opd, periode, f"{service}/terlambat")
    for k_ in (timed, untimed, late):
        ledger.count(k_, None, unit="permohonan")
    ledger.count(ok, None, unit="permohonan")
    ledger.total([timed, untimed], n)
    ledger.total([ok, late], timed)
    if not hidden and percent is not None:
        ledger.share([ok], [timed], float(percent), decimals=decimals, source=source)


#: the follow-up table's rows that are past their deadline and not finished (the city column)
FOLLOWUP_LATE = ("Direncanakan, sudah lewat tenggat", "Berjalan, sudah lewat tenggat")


def ledger_followup(
    table: pd.DataFrame,
    *,
    kode_opd: str,
    periode: object,
    header: str = "Jumlah butir",
    total_label: str = "Jumlah",
    source: str = "",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the follow-up status table (``status, jumlah, persen``; last row the total).

    Items per exclusive status (unit ``butir``) sum to the total; the two overdue rows sum to
    the city table's "Tindak lanjut lewat tenggat" (``tindak_lanjut/<kode>/<periode>/Lewat
    tenggat``), also quoted in the table's note. The percentages are shares of shown counts.
    """
    ledger = Ledger()
    per_row = []
    members = []
    late = []
    total = None
    for _, r in table.iterrows():
        label = str(r["status"])
        key = cell_key("tl_status", kode_opd, periode, label)
        ledger.count(key, float(r["jumlah"]), unit="butir", source=source)
        if label == total_label:
            total = key
        else:
            members.append(key)
            if label in FOLLOWUP_LATE:
                late.append(key)
        per_row.append({header: key})
    if total is not None:
        ledger.total(members, total)
    if late:
        city = ledger.count(
            cell_key("tindak_lanjut", kode_opd, periode, "Lewat tenggat"), None, unit="butir"
        )
        ledger.total(late, city)
    return ledger, per_row


def ledger_ikm_change(
    table: pd.DataFrame,
    *,
    previous: object,
    current: object,
    headers: tuple[str, str],
    source: str = "kota",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the city's "Perubahan IKM" table: each OPD's IKM in the two periods (shown
    statistics, keyed like the other IKM cells of those periods). The ranks are statistic
    columns; the change is their difference (not an integer)."""
    ledger = Ledger()
    per_row = []
    for _, r in table.iterrows():
        kode = str(r["kode_opd"])
        keys = {}
        for col, per, head in (("ikm_sebelum", previous, headers[0]), ("ikm", current, headers[1])):
            if _present(r[col]):
                key = cell_key("ikm", kode, per, "Semua layanan")
                ledger.value(
                    key,
                    round(float(r[col]), 2),
                    decimals=2,
                    low=25,
                    high=100,
                    min_width=5.0,
                    source=source,
                )
                keys[head] = key
        per_row.append(keys)
    return ledger, per_row


def declare_statistics(
    ledger: Ledger | None,
    html_text: str,
    *,
    reason: str,
    stat_columns: Sequence[str] = (),
    source: str = "",
) -> Ledger:
    """Record a published table that holds no count of people, with the reason
    (:meth:`~kinerja.protect.ledger.Ledger.table` with ``bukan_hitungan``)."""
    ledger = ledger if ledger is not None else Ledger()
    ledger.table(html_text, [], source=source, stat_columns=stat_columns, not_counts=reason)
    return ledger


def record_followup_counts(
    ledger: Ledger,
    *,
    kode_opd: str,
    periode: object,
    counts: dict[str, float],
    source: str = "",
) -> None:
    """The follow-up counts of one OPD as a table without the six status rows publishes them
    (the rekap): ``n_total``, ``n_selesai``, ``n_terlambat``, ``n_direncanakan``,
    ``n_berjalan``, ``n_selesai_terlambat``, each tied to the status rows of
    :func:`ledger_followup` by the sums that define it."""

    def key(label: str) -> str:
        return cell_key("tl_status", kode_opd, periode, label)

    rows = {
        "dr_belum": key("Direncanakan, belum lewat tenggat"),
        "dr_lewat": key("Direncanakan, sudah lewat tenggat"),
        "bj_belum": key("Berjalan, belum lewat tenggat"),
        "bj_lewat": key("Berjalan, sudah lewat tenggat"),
        "sl_tepat": key("Selesai sebelum atau pada tenggat"),
        "sl_lewat": key("Selesai sesudah tenggat"),
    }
    for k_ in rows.values():
        ledger.count(k_, None, unit="butir")
    named = {
        "n_total": key("Jumlah"),
        "n_selesai": key("Selesai"),
        "n_direncanakan": key("Direncanakan"),
        "n_berjalan": key("Berjalan"),
        "n_selesai_terlambat": rows["sl_lewat"],
        "n_terlambat": cell_key("tindak_lanjut", kode_opd, periode, "Lewat tenggat"),
    }
    for col, k_ in named.items():
        v = counts.get(col)
        ledger.count(
            k_,
            float(v) if _present(v) else None,
            unit="butir",
            source=source if _present(v) else "",
        )
    ledger.total(list(rows.values()), named["n_total"])
    ledger.total([rows["sl_tepat"], rows["sl_lewat"]], named["n_selesai"])
    ledger.total([rows["dr_belum"], rows["dr_lewat"]], named["n_direncanakan"])
    ledger.total([rows["bj_belum"], rows["bj_lewat"]], named["n_berjalan"])
    ledger.total([rows["dr_lewat"], rows["bj_lewat"]], named["n_terlambat"])
