"""What the monthly e-Kinerja table, the training mix and the complaint table publish, as ledgers.

Each function takes the table a section shows (after disclosure control) and returns a
:class:`~kinerja.protect.ledger.Ledger` with every count it prints (shown, hidden or as a band),
the equations a reader knows between them, and the per-cell keys the section passes to
:meth:`~kinerja.protect.ledger.Ledger.table` so the audit can compare the printed table with it.
The attack itself is :func:`kinerja.protect.audit.audit_ledger`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kinerja.domain.audience import K_PEGAWAI
from kinerja.protect.ledger import Ledger, cell_key

__all__ = [
    "record_opd_ikm",
    "CITY_COUNTS",
    "ikm_service_keys",
    "ledger_city_table",
    "ledger_activity",
    "ledger_complaints",
    "ledger_training_mix",
    "line_table_keys",
    "record_complaint_rates",
]


def record_opd_ikm(
    ledger: Ledger, kode_opd: str, periode: object, value: float | None, *, source: str = ""
) -> str:
    """Record an OPD's IKM (all services) in ``ledger``: a statistic on 25–100 with two
    decimals; ``value=None`` records it hidden, to be attacked as a value that must keep an
    interval of at least 5 points. Returns its cell key."""
    key = cell_key("ikm", kode_opd, periode, "Semua layanan")
    ledger.value(
        key,
        value,
        decimals=2,
        low=25,
        high=100,
        min_width=5.0,
        hidden=value is None,
        source=source,
    )
    return key


def line_table_keys(
    categories: Sequence[object], keys: Sequence[str], column: str
) -> dict[tuple[str, str], str]:
    """``{(category, column): key}`` for the table of one protected line
    (:func:`~kinerja.protect.tables.record_line`'s keys, in row order)."""
    return {(str(c), column): k for c, k in zip(categories, keys, strict=True)}


def _month(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m")  # type: ignore[arg-type]


def ledger_activity(
    rows: pd.DataFrame,
    small: np.ndarray,
    *,
    kode_opd: str,
    k: int = K_PEGAWAI,
    columns: tuple[str, str] = ("Pegawai", "Laporan"),
    source: str = "",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the monthly e-Kinerja table (``bulan, n_pegawai, n_laporan``).

    A month below ``k`` shows its headcount as the band ``< k`` and hides its report count
    (unit ``laporan``); other months show both. No total over the months is published.
    Returns the ledger and, per row, ``{column header: key}``.
    """
    ledger = Ledger()
    per_row = []
    for (_, r), hid in zip(rows.iterrows(), small, strict=True):
        month = _month(r["bulan"])
        emp = cell_key("harian", kode_opd, month, "Pegawai")
        rep = cell_key("harian", kode_opd, month, "Laporan")
        if hid:
            ledger.band(emp, 0, k - 1, source=source)
            ledger.count(rep, None, unit="laporan", hidden=True, source=source)
        else:
            ledger.count(emp, float(r["n_pegawai"]), source=source)
            ledger.count(rep, float(r["n_laporan"]), unit="laporan", source=source)
        per_row.append({columns[0]: emp, columns[1]: rep})
    return ledger, per_row


def ledger_training_mix(
    mix: pd.DataFrame,
    *,
    kode_opd: str,
    year: int,
    headcount_key: str | None,
    columns: tuple[str, str] = ("Pegawai", "Keikutsertaan"),
    source: str = "",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the training-mix table (``jenis, bentuk, n_pegawai, n_pelatihan`` after
    :func:`~kinerja.protect.suppression.suppress_small`: a hidden row holds the mark).

    Employees per training type are bounded by the OPD's headcount (``headcount_key``, the JP
    table's ``jp/<kode>/<year>/Jumlah``): ``n_type + rest = headcount``. No total row is
    published (one employee attends several types), so nothing else ties the rows together.
    """
    from kinerja.protect.suppression import SUPPRESSION_MARK

    ledger = Ledger()
    per_row = []
    if headcount_key is not None:
        ledger.count(headcount_key, None, source=source)
    for _, r in mix.iterrows():
        name = f"{r['jenis']} ({r['bentuk']})"
        emp = cell_key("ragam", kode_opd, year, f"{name}/Pegawai")
        part = cell_key("ragam", kode_opd, year, f"{name}/Keikutsertaan")
        hidden = str(r["n_pegawai"]) == SUPPRESSION_MARK
        if hidden:
            ledger.count(emp, None, hidden=True, source=source)
            ledger.count(part, None, unit="keikutsertaan", hidden=True, source=source)
        else:
            ledger.count(emp, float(r["n_pegawai"]), source=source)
            ledger.count(part, float(r["n_pelatihan"]), unit="keikutsertaan", source=source)
        if headcount_key is not None:
            rest = ledger.count(cell_key("ragam", kode_opd, year, f"{name}/lainnya"), None)
            ledger.total([emp, rest], headcount_key)
        per_row.append({columns[0]: emp, columns[1]: part})
    return ledger, per_row


def _complaint_counts(times: pd.DataFrame) -> pd.DataFrame:
    """Per category: complaints, unanswered, answered-in-time over known, finished-in-time over
    known (the integers behind the percentages the table prints)."""
    t = times["ditanggapi_tepat_waktu"]
    s = times["selesai_tepat_waktu"]
    df = pd.DataFrame(
        {
            "kategori": times["kategori"].astype("str"),
            "n": 1,
            "belum": times["belum_ditanggapi"].fillna(False).astype(bool).astype(int),
            "t_known": t.notna().astype(int),
            "t_ok": t.fillna(False).astype(bool).astype(int),
            "s_known": s.notna().astype(int),
            "s_ok": s.fillna(False).astype(bool).astype(int),
        }
    )
    return df.groupby("kategori", sort=False).sum()


def ledger_complaints(
    times: pd.DataFrame,
    categories: Sequence[str],
    hidden: np.ndarray,
    total_hidden: bool,
    *,
    kode_opd: str,
    periode: object,
    columns: dict[str, str],
    total_label: str = "Jumlah",
    source: str = "",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the complaint table: per category (and the total row) the complaints and the
    unanswered ones (shown counts), and the two rates as counts over unknown denominators.

    What a reader knows (unit ``pengaduan``): ``n = answered + unanswered``; the answered-in-time
    rate is ``t_ok / t_known`` where ``t_known = answered + overdue`` and
    ``unanswered = overdue + not yet due``; ``t_ok + t_late = t_known``; the finished-in-time
    rate is ``s_ok / s_known`` with ``s_ok + s_late = s_known`` and ``s_known + s_rest = n``;
    every one of these sums over the categories to the total row. A hidden rate hides its
    ``t_ok`` (``s_ok``), the cell the audit attacks (``≥ 2`` candidate values).

    ``columns`` maps ``"n"`` and ``"belum"`` to the printed headers; the percentage cells are
    not keyed (not integers). Returns the ledger and per-row keys
    ``{header: key}`` (categories in ``categories`` order, then the total row).
    """
    counts = _complaint_counts(times).reindex([str(c) for c in categories]).fillna(0)
    ledger = Ledger()
    streams = ("n", "belum", "dijawab", "lewat", "belum_jatuh", "t_known", "t_ok", "t_late")
    streams += ("s_known", "s_ok", "s_late", "s_rest")
    unit = "pengaduan"

    def key(stream: str, cat: str) -> str:
        return cell_key(f"aduan_{stream}", kode_opd, periode, cat)

    rows_keys: list[dict[str, str]] = []
    labels = [*counts.index, total_label]
    hide = [*map(bool, hidden), bool(total_hidden)]
    for cat, hid in zip(labels, hide, strict=True):
        is_total = cat == total_label
        r = counts.sum() if is_total else counts.loc[cat]
        k_ = {s: key(s, cat) for s in streams}
        ledger.count(k_["n"], float(r["n"]), unit=unit, source=source)
        ledger.count(k_["belum"], float(r["belum"]), unit=unit, source=source)
        for s in ("dijawab", "lewat", "belum_jatuh", "t_late", "s_late", "s_rest"):
            ledger.count(k_[s], None, unit=unit)
        for known in ("t_known", "s_known"):
            # a shown rate printed as "–" tells the reader that no complaint's timeliness is known
            zero = not hid and r[known] == 0
            ledger.count(k_[known], 0.0 if zero else None, unit=unit, source=source if zero else "")
        for s, known in (("t_ok", "t_known"), ("s_ok", "s_known")):
            ledger.count(k_[s], None, unit=unit, hidden=hid, source=source if hid else "")
            if not hid and r[known] > 0:
                ledger.share(
                    [k_[s]],
                    [k_[known]],
                    round(100.0 * r[s] / r[known], 1),
                    decimals=1,
                    source=source,
                )
        ledger.total([k_["dijawab"], k_["belum"]], k_["n"])
        ledger.total([k_["lewat"], k_["belum_jatuh"]], k_["belum"])
        ledger.total([k_["dijawab"], k_["lewat"]], k_["t_known"])
        ledger.total([k_["t_ok"], k_["t_late"]], k_["t_known"])
        ledger.total([k_["s_ok"], k_["s_late"]], k_["s_known"])
        ledger.total([k_["s_known"], k_["s_rest"]], k_["n"])
        rows_keys.append({columns["n"]: k_["n"], columns["belum"]: k_["belum"]})
    for s in streams:  # the total row is the sum of the categories
        ledger.total([key(s, c) for c in counts.index], key(s, total_label))
    return ledger, rows_keys


def ikm_service_keys(
    services: pd.DataFrame,
    *,
    kode_opd: str,
    periode: object,
    columns: tuple[str, str] = ("Jumlah responden", "IKM"),
) -> list[dict[str, str]]:
    """Per row of the IKM-per-service table, the ledger keys of its respondent count and IKM
    (recorded by :func:`~kinerja.protect.tables.ledger_ikm_services`)."""
    return [
        {
            columns[0]: cell_key("ikm_responden", kode_opd, periode, name),
            columns[1]: cell_key("ikm", kode_opd, periode, name),
        }
        for name in services["jenis_layanan"]
    ]


def record_complaint_rates(
    ledger: Ledger,
    *,
    kode_opd: str,
    periode: object,
    kategori: str,
    n: float,
    rates: dict[str, float | None],
    decimals: int,
    source: str = "",
) -> None:
    """Record one complaint category of a table that publishes its count and its two rates
    without the unanswered count (the rekap): the same keys as :func:`ledger_complaints`.

    ``rates``: ``{"t": % answered in time, "s": % finished in time}``, ``None`` when hidden.
    A rate is read as ``ok / known`` with ``ok + late = known`` and ``known + rest = n``.
    """
    unit = "pengaduan"

    def key(stream: str) -> str:
        return cell_key(f"aduan_{stream}", kode_opd, periode, kategori)

    ledger.count(key("n"), float(n), unit=unit, source=source)
    for s in ("t", "s"):
        ok, known, late, rest = (
            key(f"{s}_ok"),
            key(f"{s}_known"),
            key(f"{s}_late"),
            key(f"{s}_rest"),
        )
        for k_ in (known, late, rest):
            ledger.count(k_, None, unit=unit)
        rate = rates.get(s)
        ledger.count(
            ok, None, unit=unit, hidden=rate is None, source=source if rate is None else ""
        )
        ledger.total([ok, late], known)
        ledger.total([known, rest], key("n"))
        if rate is not None:
            ledger.share([ok], [known], float(rate), decimals=decimals, source=source)


#: the integer columns of the city overview table: column → (ledger stream, category, unit);
#: the same quantity as the OPD report's cell where one exists (complaints: its total row)
CITY_COUNTS: dict[str, tuple[str, str, str]] = {
    "n_responden": ("skm", "Responden", "responden"),
    "n_permohonan": ("layanan", "Permohonan", "permohonan"),
    "n_pengaduan": ("aduan_n", "Jumlah", "pengaduan"),
    "n_terlambat": ("tindak_lanjut", "Lewat tenggat", "butir"),
}


def ledger_city_table(
    table: pd.DataFrame,
    mask: pd.DataFrame,
    headers: dict[str, str],
    *,
    periode: object,
    source: str = "kota",
) -> tuple[Ledger, list[dict[str, str]]]:
    """Ledger of the city overview table: per OPD its counts (:data:`CITY_COUNTS`, shown or
    hidden) and its IKM (a statistic, two decimals, attacked as a value ≥ 5 points wide).

    ``headers``: printed header of each shown column (``{column: header}``); ``mask``: hidden
    cells (same index as ``table``). Returns the ledger and, per row, ``{header: key}``.
    """
    ledger = Ledger()
    per_row = []
    for idx, r in table.iterrows():
        kode = str(r["kode_opd"])
        keys: dict[str, str] = {}
        for col, (stream, category, unit) in CITY_COUNTS.items():
            if col not in headers:
                continue
            hid = bool(mask.at[idx, col]) if col in mask.columns else False
            value = r[col]
            if not hid and pd.isna(value):
                continue  # printed as "–": nothing published
            key = cell_key(stream, kode, periode, category)
            ledger.count(
                key,
                None if hid else float(value),
                unit=unit,  # type: ignore[arg-type]
                hidden=hid,
                source=source,
            )
            keys[headers[col]] = key
        if "ikm" in headers:
            hid = bool(mask.at[idx, "ikm"]) if "ikm" in mask.columns else False
            if hid or pd.notna(r["ikm"]):
                value = None if hid else float(r["ikm"])
                keys[headers["ikm"]] = record_opd_ikm(ledger, kode, periode, value, source=source)
        per_row.append(keys)
    return ledger, per_row
