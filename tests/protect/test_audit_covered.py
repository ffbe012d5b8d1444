"""The tables brought under the ledger in session 6 (issue 12 item 2): the OPD's IKM and NRR
tables, service times per type, "Pelayanan lambat" per month, the follow-up status, the city's
"Perubahan IKM", the Dampak tables (declared as holding no count of people) and the rekap's
IKM, Layanan and Tindak lanjut sheets.

The first tests fail when one of those tables is published without a record; the attack tests
are small hand-worked examples where a recorded new table would give away a hidden cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures.section_data import DINAS, KEC, PERIODE, TODAY, write_params, write_section_folder

from kinerja.data.dataset import load
from kinerja.domain.params import default_params_dir
from kinerja.domain.settings import load_settings
from kinerja.metrics.store import ReportData
from kinerja.protect import audit_ledger, ledger_ikm_services, protect_ikm_services
from kinerja.protect.covered import (
    declare_statistics,
    ledger_followup,
    ledger_ikm_year,
    ledger_service_times,
    ledger_slow_monthly,
    record_followup_counts,
)
from kinerja.protect.extract import html_tables
from kinerja.protect.ledger import Ledger, LedgerConflict, cell_key
from kinerja.report.registry import sections_kota, sections_opd
from kinerja.report.rekap import rekap_tables, write_rekap
from kinerja.run.audit import (
    audit_run,
    grid_problems,
    html_mismatches,
    rekap_ledger,
    rule_text,
    uncovered_tables,
)

#: captions (prefixes) of the tables this file is about, as the fixture's reports print them
COVERED_OPD = (
    "IKM Tahun 2025",
    "Nilai rata-rata (NRR) per unsur",
    "Waktu layanan per jenis layanan",
    "Pengaduan 'Pelayanan lambat' dan keterlambatan layanan per bulan",
    "Status ",  # "Status 6 butir tindak lanjut"
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    root = tmp_path_factory.mktemp("audit_covered")
    folder = write_section_folder(root / "data")
    params = write_params(root / "parameters", default_params_dir() / "hari_libur.csv")
    return ReportData(load(folder), settings=load_settings(params), source="uji", today=TODAY)


def _page(items: list) -> tuple[str, dict]:
    html = "".join(getattr(i, "html", "") for i in items)
    ledgers = [i.ledger for i in items if getattr(i, "ledger", None) is not None]
    return html, Ledger.combine(ledgers).to_dict()


@pytest.mark.parametrize("kode", [DINAS, KEC])
def test_opd_tables_with_counts_are_all_recorded(data, kode):
    html, led = _page(sections_opd(data, kode_opd=kode, periode=PERIODE))
    shown = [t["judul"] for t in html_tables(html)]
    recorded = {g["judul"] for g in led["tabel"]}
    for prefix in COVERED_OPD:
        for title in (t for t in shown if t.startswith(prefix)):
            assert title in recorded, f"'{title}' diterbitkan tanpa catatan angka terbit"
    # the fixture's DINAS report prints all five; the small KEC prints IKM, services, status
    assert sum(t.startswith(COVERED_OPD) for t in shown) == (5 if kode == DINAS else 3)
    assert uncovered_tables(html, led) == []
    assert html_mismatches(html, led) == []


def test_city_ikm_change_is_recorded(data):
    html, led = _page(sections_kota(data, periode=PERIODE))
    change = [g for g in led["tabel"] if g["judul"].startswith("Perubahan IKM")]
    assert len(change) == 1
    assert uncovered_tables(html, led) == []
    assert html_mismatches(html, led) == []
    # its IKM cells are the city table's (one quantity, one variable)
    keyed = {k for row in change[0]["kunci"] for k in row if k}
    assert keyed and all(k.startswith("ikm/") for k in keyed)
    assert any(k.endswith("/2025/Semua layanan") for k in keyed)


def test_a_count_table_published_without_its_record_is_listed(data):
    items = sections_opd(data, kode_opd=DINAS, periode=PERIODE)
    for item in items:  # a section that forgot to register its follow-up table
        if getattr(item, "ledger", None) is not None and any(
            g["judul"].startswith("Status ") for g in item.ledger.tables
        ):
            item.ledger = None
    html, led = _page(items)
    assert uncovered_tables(html, led) == ["Status 6 butir tindak lanjut"]


def test_rekap_sheets_are_keyed_like_the_reports(data, tmp_path):
    path = tmp_path / "rekap.xlsx"
    write_rekap(rekap_tables(data, periode=PERIODE), path)
    rekap = rekap_ledger(path, periode="2025")
    cells = rekap.cells
    assert cells[cell_key("skm", DINAS, "2025", "Responden")]["nilai"] == 6.0
    assert cell_key("layanan", DINAS, "2025", "Izin A") in cells
    assert cell_key("tl_status", DINAS, "2025", "Jumlah") in cells
    # with the reports, one system: no conflict, every hidden cell holds
    ledgers = [rekap]
    for kode in (DINAS, KEC):
        ledgers += [
            i.ledger
            for i in sections_opd(data, kode_opd=kode, periode=PERIODE)
            if getattr(i, "ledger", None) is not None
        ]
    both = Ledger.combine(ledgers)
    for key in (cell_key("skm", DINAS, "2025", "Responden"), cell_key("tl_status", DINAS, "2025", "Jumlah")):  # fmt: skip
        assert len(both.cells[key]["sumber"]) >= 2, key  # published by the report and the rekap
    found = audit_ledger(both)
    assert found["lolos"].all(), found.loc[~found["lolos"]].to_string()


# --------------------------------------------------------------------------- hand-worked attacks

# Izin A: 10 respondents, IKM 80,00; Izin B: 2 respondents, IKM 90,00. The OPD's "IKM Tahun
# 2025" table prints 81,67 over 12 respondents (980 / 12 = 81,666…). With only Izin B hidden
# (primary: fewer than 5 respondents), 10 × 80,00 + 2 × B = 12 × 81,67 gives B = 90,02 within
# a few hundredths: the hidden IKM is known.
SERVICES = pd.DataFrame(
    {"jenis_layanan": ["Izin A", "Izin B"], "n_responden": [10, 2], "ikm": [80.0, 90.0]}
)
OPD_ROW = {"n_responden": 12, "ikm": 81.67, "populasi": 400}


def _ikm_audit(hidden: np.ndarray) -> pd.DataFrame:
    year, _ = ledger_ikm_year(OPD_ROW, small=False, kode_opd="UJI", periode="2025")
    per_service = ledger_ikm_services(SERVICES, hidden, OPD_ROW, kode_opd="UJI", periode="2025")
    return audit_ledger(Ledger.combine([year, per_service])).set_index("sel")


def test_opd_ikm_table_pins_a_lone_hidden_service():
    found = _ikm_audit(np.array([False, True]))
    b = found.loc["ikm/UJI/2025/Izin B"]
    assert not b["lolos"]
    assert 89.8 < b["batas_bawah"] <= 90.0 <= b["batas_atas"] < 90.3
    assert b["alasan"].startswith("dapat dipersempit menjadi 89.")


def test_opd_ikm_table_with_complementary_suppression_passes():
    hidden = protect_ikm_services(SERVICES, k=5)
    assert hidden.tolist() == [True, True]  # Izin A hidden beside Izin B
    found = _ikm_audit(hidden)
    assert found["lolos"].all(), found.to_string()
    a = found.loc["ikm/UJI/2025/Izin A"]
    # 10·A + 2·B = 980 with B in 25–100: A between 78 and 93 (to the roundings)
    assert a["batas_bawah"] == pytest.approx(78.0, abs=0.3)
    assert a["batas_atas"] == pytest.approx(93.0, abs=0.3)


def test_followup_rows_pin_a_row_hidden_alone():
    # Status table of 6 items: 0, 1 (hidden), 0, 1, 3, 1; the city table prints 2 overdue items.
    # Hiding one row alone: the total row and the city column give it back (1).
    table = pd.DataFrame(
        {
            "status": [
                "Direncanakan, belum lewat tenggat",
                "Direncanakan, sudah lewat tenggat",
                "Berjalan, belum lewat tenggat",
                "Berjalan, sudah lewat tenggat",
                "Selesai sebelum atau pada tenggat",
                "Selesai sesudah tenggat",
                "Jumlah",
            ],
            "jumlah": [0, 1, 0, 1, 3, 1, 6],
        }
    )
    led, keys = ledger_followup(table, kode_opd="UJI", periode="2025")
    assert keys[-1] == {"Jumlah butir": "tl_status/UJI/2025/Jumlah"}
    hidden = "tl_status/UJI/2025/Direncanakan, sudah lewat tenggat"
    led.cells[hidden].update(nilai=None, tersembunyi=True)
    led.count("tindak_lanjut/UJI/2025/Lewat tenggat", 2.0, unit="butir", source="kota")
    found = audit_ledger(led).set_index("sel")
    assert found.loc[hidden, "alasan"] == "dapat dihitung tepat: 1"
    # the rekap's counts tie the same rows: published there, the hidden row is pinned too
    rekap = Ledger()
    record_followup_counts(
        rekap,
        kode_opd="UJI",
        periode="2025",
        counts={"n_total": 6, "n_direncanakan": 1, "n_berjalan": 1, "n_selesai": 4},
    )
    led2, _ = ledger_followup(table, kode_opd="UJI", periode="2025")
    led2.cells[hidden].update(nilai=None, tersembunyi=True)
    found = audit_ledger(Ledger.combine([led2, rekap])).set_index("sel")
    assert found.loc[hidden, "alasan"] == "dapat dihitung tepat: 1"


def test_slow_month_counts_are_part_of_the_category_row():
    slow = pd.DataFrame(
        {
            "bulan": pd.to_datetime(["2025-01-01", "2025-02-01"]),
            "n_pengaduan_lambat": [3, 2],
            "n_permohonan": [40, 4],
            "n_terlambat": [5, 1],
        }
    )
    led, keys = ledger_slow_monthly(slow, kode_opd="UJI", periode="2025")
    assert keys[0]["Pengaduan 'Pelayanan lambat'"] == "aduan_lambat/UJI/2025-01/Pelayanan lambat"
    # a complaint table whose category row is smaller than the months: the numbers conflict
    led.count("aduan_n/UJI/2025/Pelayanan lambat", 4.0, unit="pengaduan")
    found = audit_ledger(_with_hidden(led))
    assert not found["lolos"].all()
    assert "bertentangan" in found["alasan"].iloc[0]


def _with_hidden(led: Ledger) -> Ledger:
    """The same ledger plus one hidden cell tied to it (the audit only solves components with
    a hidden cell)."""
    led.count("aduan_lambat/UJI/2025/di luar bulan tabel", None, hidden=True, unit="pengaduan")
    return led


def test_service_share_hidden_for_reliability_is_not_a_protected_cell():
    summ = pd.DataFrame(
        {
            "jenis_layanan": ["Izin A", "Izin B"],
            "n_permohonan": [40, 3],
            "persen_tepat_waktu": [75.0, 66.7],
        }  # fmt: skip
    )
    mask = pd.DataFrame({"persen_tepat_waktu": [False, True]})
    led, keys = ledger_service_times(summ, mask, kode_opd="UJI", periode="2025")
    assert keys == [{"Permohonan": "layanan/UJI/2025/Izin A"}, {"Permohonan": "layanan/UJI/2025/Izin B"}]  # fmt: skip
    assert not any(c.get("tersembunyi") for c in led.cells.values())
    shares = [r for r in led.relations if r["jenis"] == "persen"]
    assert [r["pembilang"] for r in shares] == [["layanan_tepat/UJI/2025/Izin A"]]


def test_rekap_nrr_of_a_hidden_ikm_is_refused(tmp_path):
    import openpyxl

    from kinerja.report.rekap_xlsx import HEADERS, SHEET_NAMES

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_NAMES["ikm"]
    cols = ["kode_opd", "n_responden", "ikm", "nrr_waktu"]
    ws.append([HEADERS[c][0] if c in HEADERS else c for c in cols])
    ws.append(["UJI", 3, None, 3.25])
    path = tmp_path / "rekap.xlsx"
    wb.save(path)
    with pytest.raises(LedgerConflict, match="NRR UJI"):
        rekap_ledger(path, periode="2025")


# --------------------------------------------------------------------------- tables without counts

STAT_TABLE = (
    "<table><caption>Sebelum dan sesudah</caption><thead><tr><th>Ukuran</th><th>Nilai</th>"
    "<th>Peringkat</th></tr></thead><tbody><tr><td>Median</td><td>7,0</td><td>2</td></tr>"
    "</tbody></table>"
)


def test_a_table_declared_without_counts_is_listed_not_unrecorded():
    led = declare_statistics(None, STAT_TABLE, reason="median", stat_columns=["Peringkat"])
    d = led.to_dict()
    assert d["tabel"][0]["bukan_hitungan"] == "median"
    assert uncovered_tables(STAT_TABLE, d) == []
    assert html_mismatches(STAT_TABLE, d) == []


def test_a_declared_table_that_prints_a_count_fails():
    led = declare_statistics(None, STAT_TABLE, reason="median").to_dict()  # rank not declared
    assert grid_problems(led["tabel"][0], led["sel"]) == [
        "'Sebelum dan sesudah', baris 'Median', kolom 'Peringkat': angka '2' tanpa catatan "
        "angka terbit"
    ]
    changed = STAT_TABLE.replace("7,0", "9,0")
    assert html_mismatches(changed, declare_statistics(None, STAT_TABLE, reason="m", stat_columns=["Peringkat"]).to_dict())  # fmt: skip


def _run_folder(root: Path, ledger: Ledger, html: str) -> Path:
    from kinerja.report.blocks import SUMMARY_MIME

    (root / "opd").mkdir(parents=True)
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [{"data": {SUMMARY_MIME: {"ledger": ledger.to_dict()}}}],
            }
        ]
    }
    (root / "opd" / "UJI.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (root / "opd" / "UJI.html").write_text(html, encoding="utf-8")
    return root


def test_summary_counts_declared_tables_and_states_the_rule_in_words(tmp_path):
    year, keys = ledger_ikm_year(OPD_ROW, small=True, kode_opd="UJI", periode="2025")
    html = (
        "<table><caption>IKM</caption><thead><tr><th>Jumlah responden</th><th>IKM (25–100)</th>"
        "</tr></thead><tbody><tr><td>12</td><td>*</td></tr></tbody></table>"
    )
    year.table(html, keys, label_column=None)
    declare_statistics(year, STAT_TABLE, reason="median", stat_columns=["Peringkat"])
    summary, _ = audit_run(_run_folder(tmp_path, year, html + STAT_TABLE))
    assert summary["status"] == "lolos", summary
    assert summary["tabel_tercatat"] == 1
    assert summary["tabel_bukan_hitungan"] == 1
    assert summary["contoh_tabel_bukan_hitungan"] == ["1 tabel, mis. 'Sebelum dan sesudah': median"]
    assert summary["tabel_tanpa_catatan"] == 0
    assert "docs/" not in summary["aturan"] and "§" not in summary["aturan"]
    assert summary["aturan"] == rule_text(10, 5)
    assert "10 kemungkinan nilai" in summary["aturan"]


def test_followup_caption_quotes_its_recorded_total(data):
    items = sections_opd(data, kode_opd=DINAS, periode=PERIODE)
    html, led = _page(items)
    status = next(g for g in led["tabel"] if g["judul"].startswith("Status "))
    assert status["kunci_judul"] == [f"tl_status/{DINAS}/2025/Jumlah"]
    assert grid_problems(status, led["sel"]) == []
    # a caption that says another number than the table's total row fails
    status["judul"] = status["judul"].replace("6 butir", "7 butir")
    assert grid_problems(status, led["sel"]) == [
        "judul 'Status 7 butir tindak lanjut': angka ['7'], catatan angka terbit ['6']"
    ]
