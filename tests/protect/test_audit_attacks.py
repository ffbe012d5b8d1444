"""The attacks of issue 12 item 1 as regression tests on the hand-built data folder.

:mod:`fixtures.section_data`: DINAS-UJI (12 employees; SKP Sangat Baik 1, Baik 10, Butuh
Perbaikan 1; IKM Izin A 5 respondents, Izin B 1; complaints Pelayanan lambat 5, Informasi 1) and
KEC-UJI (4 employees, one of them with a training and the only July report). Every output of the
views is built here, its ledger collected, and the audit run over all of them together with the
rekap workbook.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
from fixtures.section_data import DINAS, KEC, PERIODE, TODAY, write_params, write_section_folder

from kinerja.data.dataset import load
from kinerja.domain.params import default_params_dir
from kinerja.domain.settings import load_settings
from kinerja.metrics.store import ReportData
from kinerja.protect.audit import audit_ledger
from kinerja.protect.ledger import Ledger
from kinerja.report.registry import SECTIONS, sections_kota, sections_opd
from kinerja.report.rekap import rekap_tables, write_rekap
from kinerja.run.audit import rekap_ledger

SPECS = {spec.key: spec for spec in SECTIONS}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    root = tmp_path_factory.mktemp("audit_attacks")
    folder = write_section_folder(root / "data")
    params = write_params(root / "parameters", default_params_dir() / "hari_libur.csv")
    # the organisation's predikat of the small unit: its curve warnings are checked
    (params / "opd").mkdir()
    (params / "opd" / f"{KEC}.yaml").write_text(
        f"kode_opd: {KEC}\norg_predikat: Baik\n", encoding="utf-8"
    )
    (params / "opd" / f"{DINAS}.yaml").write_text(
        f"kode_opd: {DINAS}\norg_predikat: Istimewa\n", encoding="utf-8"
    )
    return ReportData(load(folder), settings=load_settings(params), source="uji", today=TODAY)


def _text(items: list[Any]) -> str:
    return "\n".join(getattr(i, "text", "") or "" for i in items)


def _ledgers(items: list[Any]) -> list[Ledger]:
    return [i.ledger for i in items if getattr(i, "ledger", None) is not None]


def test_whole_run_passes_the_audit(data, tmp_path):
    ledgers = []
    for kode in (DINAS, KEC):
        ledgers += _ledgers(sections_opd(data, kode_opd=kode, periode=PERIODE))
    ledgers += _ledgers(sections_kota(data, periode=PERIODE))
    path = tmp_path / "rekap.xlsx"
    write_rekap(rekap_tables(data, periode=PERIODE), path)
    ledgers.append(rekap_ledger(path))
    findings = audit_ledger(Ledger.combine(ledgers))
    assert findings["lolos"].all(), findings.loc[~findings["lolos"]].to_string()
    # DINAS-UJI's three non-zero predikat are hidden, KEC-UJI's five, with its JP bands
    hidden = set(findings["sel"])
    assert {f"skp/{DINAS}/2025/Sangat Baik", f"skp/{DINAS}/2025/Baik"} <= hidden
    assert f"jp/{KEC}/2025/20 JP atau lebih" in hidden
    assert f"ikm/{DINAS}/2025/Izin B" in hidden and f"ikm/{DINAS}/2025/Izin A" in hidden


def test_temuan_quotes_no_share_that_reveals_a_hidden_cell(data):
    text = _text(SPECS["temuan_utama"].builder(data, kode_opd=DINAS, periode=PERIODE))
    assert "91,7%" not in text  # 11 of 12 would give Butuh Perbaikan = 1
    assert "persentase berpredikat Baik atau Sangat Baik tidak disebutkan" in text


def test_curve_warnings_print_no_share_of_hidden_cells(data):
    for kode in (KEC, DINAS):
        items = SPECS["skp"].builder(data, kode_opd=kode, periode=PERIODE)
        text = _text(items)
        assert "PERINGATAN" not in text
        assert "Pola distribusi predikat tidak dinilai pada laporan forum" in text
        assert not re.search(r"\d+,\d%", text.split("Sumber data")[-1])
    # the internal report still checks the pattern, with its shares
    internal = _text(SPECS["skp"].builder(data, kode_opd=KEC, periode=PERIODE, audience="internal"))
    assert "PERINGATAN" in internal


def test_small_unit_title_gives_a_band(data):
    text = _text(SPECS["skp"].builder(data, kode_opd=KEC, periode=PERIODE))
    assert "(kurang dari 10 pegawai dinilai)" in text and "(4 pegawai dinilai)" not in text


def test_rekap_hides_the_complaint_statistics_the_report_hides(data):
    rek = rekap_tables(data, periode=PERIODE)["pengaduan"]
    rows = rek.loc[rek["kode_opd"] == DINAS].set_index("kategori")
    # Informasi (1 complaint) and, complementary, Pelayanan lambat: no rate in the workbook
    assert rows["persen_ditanggapi_tepat_waktu"].isna().all()
    assert rows["persen_selesai_tepat_waktu"].isna().all()
    assert sorted(rows["n_pengaduan"]) == [1, 5]  # the counts themselves stay
    assert rek.attrs["suppressed_cells"] >= 2


def test_rekap_skp_and_jp_follow_the_protected_tables(data):
    tables = rekap_tables(data, periode=PERIODE)
    skp = tables["skp"]
    dinas = skp.loc[skp["kode_opd"] == DINAS].set_index("predikat")["jumlah"]
    assert dinas[["Sangat Baik", "Baik", "Butuh Perbaikan"]].isna().all()
    assert dinas[["Kurang/Misconduct", "Sangat Kurang"]].tolist() == [0, 0]
    jp = tables["pelatihan"].set_index("kode_opd")
    assert pd.isna(jp.loc[DINAS, "n_memenuhi"]) and jp.loc[DINAS, "n_pegawai"] == 12
    assert pd.isna(jp.loc[KEC, "n_pegawai"])


def test_one_person_details_are_not_shown_for_a_small_unit(data):
    harian = SPECS["kinerja_harian"].builder(data, kode_opd=KEC, periode=PERIODE)
    assert "Juli 2025 | < 10 | * |" in _text(harian)
    training = _text(SPECS["pelatihan"].builder(data, kode_opd=KEC, periode=PERIODE))
    assert "Ragam pelatihan tidak ditampilkan" in training
    assert "teknis" not in training.split("Ragam pelatihan")[-1]


def test_rekap_workbook_is_read_not_skipped(data, tmp_path):
    path = tmp_path / "rekap.xlsx"
    write_rekap(rekap_tables(data, periode=PERIODE), path)
    cells = rekap_ledger(path, periode=PERIODE).cells
    assert cells[f"skp/{DINAS}/2025/Baik"]["tersembunyi"]
    assert cells[f"jp/{DINAS}/2025/Jumlah"]["nilai"] == 12
    assert cells[f"aduan_t_ok/{DINAS}/2025/Informasi"]["tersembunyi"]
    assert cells[f"aduan_n/{DINAS}/2025/Pelayanan lambat"]["nilai"] == 5


def test_a_rekap_that_shows_a_rate_the_report_hides_fails(data, tmp_path):
    # the attack of the issue: a complaint category hidden in the HTML (fewer than 5) shown
    # with its rate in rekap.xlsx. Informasi (1 complaint, answered in time) is pinned by the
    # workbook's rate and the report's "Belum ditanggapi 0".
    from kinerja.metrics.complaints import complaint_summary

    tables = dict(rekap_tables(data, periode=PERIODE))
    rek = tables["pengaduan"].copy()
    raw = complaint_summary(data.metric("complaint_times", PERIODE)).set_index(
        ["kode_opd", "kategori"]
    )
    col = "persen_ditanggapi_tepat_waktu"
    row = (rek["kode_opd"] == DINAS) & (rek["kategori"].astype("str") == "Informasi")
    rek[col] = pd.to_numeric(rek[col], errors="coerce").astype("float64")
    rek.loc[row, col] = float(raw.loc[(DINAS, "Informasi"), col])
    tables["pengaduan"] = rek
    path = tmp_path / "rekap.xlsx"
    write_rekap(tables, path)
    report = _ledgers(SPECS["pengaduan"].builder(data, kode_opd=DINAS, periode=PERIODE))
    findings = audit_ledger(Ledger.combine([*report, rekap_ledger(path, periode=PERIODE)]))
    failed = findings.loc[~findings["lolos"]].set_index("sel")
    assert failed.loc[f"aduan_t_ok/{DINAS}/2025/Informasi", "alasan"] == "dapat dihitung tepat: 1"
    # the workbook as written by the program hides it, and the same attack finds nothing
    write_rekap(rekap_tables(data, periode=PERIODE), path)
    findings = audit_ledger(Ledger.combine([*report, rekap_ledger(path, periode=PERIODE)]))
    assert findings["lolos"].all()
    assert f"aduan_t_ok/{DINAS}/2025/Informasi" in set(findings["sel"])
