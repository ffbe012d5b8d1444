"""The tables newly recorded for the attacking audit (issue 12 item 2): complaints, the monthly
e-Kinerja table, the training mix, and the cross-check of a printed table against its ledger.

Each hostile example is built so that primary suppression alone lets the LP pin a hidden count;
the audit must fail on that variant and pass on the protected one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja.metrics.complaints import complaint_summary
from kinerja.protect import audit_ledger, protect_complaints
from kinerja.protect.ledger import Ledger, cell_key
from kinerja.protect.recorded import ledger_activity, ledger_complaints, ledger_training_mix
from kinerja.run.audit import expected_text, grid_problems, html_mismatches, uncovered_tables

COLUMNS = {"n": "Pengaduan", "belum": "Belum ditanggapi"}


def _times(rows: list[tuple[str, bool | None, bool | None, bool]]) -> pd.DataFrame:
    """Complaint rows: (category, answered in time, finished in time, still unanswered)."""
    df = pd.DataFrame(rows, columns=["kategori", "t", "s", "belum"])
    return pd.DataFrame(
        {
            "id_pengaduan": [f"P{i}" for i in range(len(df))],
            "kode_opd": "UJI",
            "kategori": df["kategori"],
            "hari_kerja_tanggapan": pd.array([2] * len(df), dtype="Int64"),
            "belum_ditanggapi": df["belum"],
            "ditanggapi_tepat_waktu": pd.array(df["t"], dtype="boolean"),
            "selesai_tepat_waktu": pd.array(df["s"], dtype="boolean"),
            "catatan": "",
        }
    )


# Lambat: 10 complaints, 6 answered in time; Sikap: 6, 3 in time; Info: 2, 1 in time.
# The total row says 10 of 18 (55,6 %): with only Info hidden, Info = 10 − 6 − 3 = 1.
HOSTILE = _times(
    [("Lambat", i < 6, i < 5, False) for i in range(10)]
    + [("Sikap", i < 3, i < 3, False) for i in range(6)]
    + [("Info", i < 1, i < 1, False) for i in range(2)]
)


def _complaint_audit(times: pd.DataFrame, hidden: np.ndarray, total_hidden: bool) -> pd.DataFrame:
    summ = complaint_summary(times, by=("kategori",)).sort_values("n_pengaduan", ascending=False)
    led, _ = ledger_complaints(
        times,
        summ["kategori"].astype("str").tolist(),
        hidden,
        total_hidden,
        kode_opd="UJI",
        periode="2025",
        columns=COLUMNS,
    )
    return audit_ledger(led, k_responden=5).set_index("sel")


def test_complaint_rates_with_primary_suppression_only_are_pinned():
    summ = complaint_summary(HOSTILE, by=("kategori",)).sort_values("n_pengaduan", ascending=False)
    primary = summ["n_pengaduan"].to_numpy() < 5
    assert primary.tolist() == [False, False, True]
    found = _complaint_audit(HOSTILE, primary, False)
    assert found.loc["aduan_t_ok/UJI/2025/Info", "alasan"] == "dapat dihitung tepat: 1"
    assert not found["lolos"].all()


def test_complaint_rates_protected_by_the_complementary_rule_pass():
    summ = complaint_summary(HOSTILE, by=("kategori",)).sort_values("n_pengaduan", ascending=False)
    hidden, totals = protect_complaints(summ.reset_index(drop=True), k=5, by="_")
    assert hidden.tolist() == [False, True, True]  # Sikap hidden beside Info
    found = _complaint_audit(HOSTILE, hidden, totals.get("", False))
    assert found["lolos"].all(), found.to_string()
    info = found.loc["aduan_t_ok/UJI/2025/Info"]
    assert (info["batas_bawah"], info["batas_atas"]) == (0, 2)


TABLE = (
    "<table><caption>Uji</caption><thead><tr><th>Bulan</th><th>Pegawai</th><th>Laporan</th>"
    "</tr></thead><tbody><tr><td>Juli 2025</td><td>&lt; 10</td><td>*</td></tr>"
    "<tr><td>Agustus 2025</td><td>12</td><td>240</td></tr></tbody></table>"
)


def _activity_ledger() -> Ledger:
    rows = pd.DataFrame(
        {
            "bulan": pd.to_datetime(["2025-07-01", "2025-08-01"]),
            "n_pegawai": [4, 12],
            "n_laporan": [60, 240],
        }
    )
    led, keys = ledger_activity(rows, np.array([True, False]), kode_opd="UJI", k=10)
    led.table(TABLE, keys)
    return led


def test_activity_table_records_bands_and_hidden_report_counts():
    led = _activity_ledger()
    july = cell_key("harian", "UJI", "2025-07", "Laporan")
    assert led.cells[july]["tersembunyi"] and led.cells[july]["satuan"] == "laporan"
    assert expected_text(led.cells[cell_key("harian", "UJI", "2025-07", "Pegawai")]) == "< 10"
    assert html_mismatches(TABLE, led.to_dict()) == []
    # no total over months is published: the hidden count stays unbounded
    found = audit_ledger(led)
    assert found["lolos"].all() and found["kandidat"].isna().all()


def test_printed_count_that_disagrees_with_the_ledger_fails():
    led = _activity_ledger().to_dict()
    tampered = TABLE.replace("<td>*</td>", "<td>60</td>")  # the small month's report count
    wrong = html_mismatches(tampered, led)
    assert wrong and "Juli 2025" in wrong[0]


def test_count_without_a_ledger_cell_fails():
    led = _activity_ledger().to_dict()
    led["tabel"][0]["kunci"][1][2] = None  # a section that printed a count it did not record
    wrong = grid_problems(led["tabel"][0], led["sel"])
    assert wrong == [
        "'Uji', baris 'Agustus 2025', kolom 'Laporan': angka '240' tanpa catatan angka terbit"
    ]
    # and a recorded table missing from the page
    assert html_mismatches("<p>tanpa tabel</p>", _activity_ledger().to_dict()) == [
        "tabel 'Uji' tercatat tetapi tidak ada di HTML"
    ]


def test_slides_may_split_a_table_but_not_add_rows():
    led = _activity_ledger().to_dict()
    part = TABLE.replace("<caption>Uji</caption>", "<caption>Uji (lanjutan)</caption>")
    assert html_mismatches(part, led, slides=True) == []
    extra = part.replace(
        "</tbody>", "<tr><td>September 2025</td><td>12</td><td>7</td></tr></tbody>"
    )
    assert "baris tidak tercatat" in html_mismatches(extra, led, slides=True)[0]


def test_unrecorded_tables_with_counts_are_listed():
    other = TABLE.replace("Uji", "Lain")
    assert uncovered_tables(TABLE + other, _activity_ledger().to_dict()) == ["Lain"]


def test_training_mix_rows_are_bounded_by_the_headcount():
    mix = pd.DataFrame(
        {
            "jenis": ["Teknis", "Fungsional"],
            "bentuk": ["klasikal", "klasikal"],
            "n_pegawai": [12, "*"],
            "n_pelatihan": [15, "*"],
        }
    )
    head = cell_key("jp", "UJI", 2025, "Jumlah")
    led, keys = ledger_training_mix(mix, kode_opd="UJI", year=2025, headcount_key=head)
    led.count(head, 14.0)
    found = audit_ledger(led).set_index("sel")
    hidden = found.loc[cell_key("ragam", "UJI", 2025, "Fungsional (klasikal)/Pegawai")]
    assert (hidden["batas_bawah"], hidden["batas_atas"], hidden["lolos"]) == (0, 14, True)
    assert keys[1]["Pegawai"].endswith("Fungsional (klasikal)/Pegawai")


@pytest.mark.parametrize("hidden", [True, False])
def test_table_keys_must_be_recorded_cells(hidden):
    led = Ledger()
    led.count("a/B/2025/x", None if hidden else 3.0, hidden=hidden)
    html = "<table><caption>T</caption><thead><tr><th>K</th><th>N</th></tr></thead>"
    html += f"<tbody><tr><td>x</td><td>{'*' if hidden else '3'}</td></tr></tbody></table>"
    led.table(html, {("x", "N"): "a/B/2025/x"})
    assert html_mismatches(html, led.to_dict()) == []
    with pytest.raises(ValueError, match="tidak tercatat"):
        led.table(html, {("x", "N"): "a/B/2025/y"})


def test_report_and_rekap_hide_the_same_categories_whatever_their_order():
    # DINKES on the sample: Sikap petugas and Informasi layanan both have 5 complaints; the
    # report (sorted by count) and the rekap (sorted by name) once hid a different one of the
    # two, and together the two outputs pinned every hidden rate.
    summ = pd.DataFrame(
        {
            "kode_opd": "UJI",
            "kategori": ["Pelayanan lambat", "Sikap petugas", "Informasi layanan", "Biaya"],
            "n_pengaduan": [9, 5, 5, 1],
            "persen_ditanggapi_tepat_waktu": [66.7, 40.0, 40.0, 100.0],
            "persen_selesai_tepat_waktu": [22.2, 80.0, 60.0, 100.0],
        }
    )
    by_count, _ = protect_complaints(summ, k=5)
    by_name = summ.sort_values("kategori").reset_index(drop=True)
    hidden_by_name, _ = protect_complaints(by_name.drop(columns="kode_opd"), k=5, by="_")
    first = set(summ["kategori"][by_count])
    assert first == set(by_name["kategori"][hidden_by_name])
    assert first == {"Biaya", "Informasi layanan"}


def test_city_table_counts_are_the_reports_cells():
    from kinerja.protect.recorded import ledger_city_table

    table = pd.DataFrame(
        {
            "kode_opd": ["A", "B"],
            "n_responden": [40, 3],
            "ikm": [82.5, 70.0],
            "n_pengaduan": [12, 4],
            "n_permohonan": [500, pd.NA],
        }
    )
    mask = pd.DataFrame({"ikm": [False, True]}, index=table.index)
    heads = {"n_responden": "Responden SKM", "ikm": "IKM", "n_pengaduan": "Pengaduan"}
    heads["n_permohonan"] = "Permohonan layanan"
    led, keys = ledger_city_table(table, mask, heads, periode="2025")
    # the complaint count is the OPD report's total row; "–" publishes nothing
    assert keys[0]["Pengaduan"] == "aduan_n/A/2025/Jumlah"
    assert "Permohonan layanan" not in keys[1]
    assert led.cells["ikm/B/2025/Semua layanan"]["tersembunyi"]
    assert expected_text(led.cells["ikm/A/2025/Semua layanan"]) == "82,50"
    assert expected_text(led.cells["skm/B/2025/Responden"]) == "3"
