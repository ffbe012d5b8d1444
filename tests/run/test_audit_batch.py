"""``kinerja audit`` over a real batch of the sample (issue 12 item 2).

A few OPDs (DPMPTSP, whose Temuan once gave a hidden cell away; a kelurahan of fewer than ten
employees; DISDUKCAPIL, whose city column did) plus the city overview and the rekap: the audit
passes and the manifest carries its summary. Then one report's ledger is made leaky on purpose
(the old DPMPTSP output: Baik shown, "85,0 % Baik atau Sangat Baik") and the audit fails naming
the cell. Every recorded table is compared with the HTML and the deck: a number changed on
the page, a count printed without a ledger cell, or a row added to a slide fails the audit.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from kinerja.report.blocks import SUMMARY_MIME
from kinerja.run.audit import audit_run, cli_audit
from kinerja.run.batch import run_batch

ROOT = Path(__file__).resolve().parents[2]
OPDS = ["DPMPTSP", "KEL-BUGEL", "DISDUKCAPIL"]


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("audit_batch") / "out"
    result = run_batch(ROOT / "data" / "sampel", out, opd=OPDS, jobs=2, progress=False, echo=False)
    assert result.exit_code == 0, [r.get("error") for r in result.failed] + result.notes
    return out


def _summary_output(nb: dict) -> dict:
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get(SUMMARY_MIME)
            if isinstance(data, dict) and "ledger" in data:
                return data
    raise AssertionError("no ledger in the notebook")


@pytest.mark.slow
def test_sample_batch_passes_the_audit(batch_out, capsys):
    summary, findings = audit_run(batch_out)
    assert summary["status"] == "lolos", summary
    assert summary["sel_tersembunyi_diuji"] > 0 and findings["lolos"].all()
    assert {"rekap.xlsx", "kota/ringkasan_kota.ipynb", "opd/DPMPTSP.ipynb"} <= set(
        summary["berkas"]
    )
    # DPMPTSP's whole predikat line is hidden now, each cell 0..40
    dp = findings.set_index("sel").loc["skp/DPMPTSP/2025/Sangat Baik"]
    assert dp["kandidat"] >= 10
    manifest = json.loads((batch_out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["audit"]["status"] == "lolos"
    assert manifest["audit"]["sel_gagal"] == 0
    # every published table of people counts is recorded (and attacked), or declared as
    # holding no count of people, with its reason
    assert manifest["audit"]["tabel_tanpa_catatan"] == 0, manifest["audit"]
    assert manifest["audit"]["tabel_bukan_hitungan"] > 0
    assert cli_audit(SimpleNamespace(reports_dir=str(batch_out), semua=False)) == 0
    assert "Audit pengungkapan lolos" in capsys.readouterr().out


@pytest.mark.slow
def test_leaky_ledger_fails_naming_the_cell(batch_out, tmp_path, capsys):
    leaky = tmp_path / "leaky"
    shutil.copytree(batch_out, leaky, ignore=shutil.ignore_patterns("_cache", "_log"))
    path = leaky / "opd" / "DPMPTSP.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    ledger = _summary_output(nb)["ledger"]
    baik = "skp/DPMPTSP/2025/Baik"
    ledger["sel"][baik].update(nilai=32.0, tersembunyi=False)
    ledger["relasi"].append(
        {
            "jenis": "persen",
            "pembilang": ["skp/DPMPTSP/2025/Sangat Baik", baik],
            "penyebut": ["skp/DPMPTSP/2025/Jumlah"],
            "persen": 85.0,
            "toleransi": 0.05,
        }
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    # the page still shows "Baik | *": the cross-check of HTML and ledger catches the edit
    summary, _ = audit_run(leaky)
    assert summary["status"] == "gagal"
    assert "tertulis '*', catatan 'skp/DPMPTSP/2025/Baik' = '32'" in summary["contoh_gagal"][0]
    # without the page and the deck (and the rekap, which hides Baik) only the leaky ledger
    # speaks: the LP attack recovers Sangat Baik = 34 − 32 = 2
    (leaky / "opd" / "DPMPTSP.html").unlink()
    (leaky / "opd" / "DPMPTSP.slides.html").unlink()
    (leaky / "rekap.xlsx").unlink()
    summary, findings = audit_run(leaky)
    assert summary["status"] == "gagal"
    failed = findings.loc[~findings["lolos"]].set_index("sel")
    assert failed.loc["skp/DPMPTSP/2025/Sangat Baik", "alasan"] == "dapat dihitung tepat: 2"
    assert cli_audit(SimpleNamespace(reports_dir=str(leaky), semua=False)) == 1
    err = capsys.readouterr().err
    assert "Audit pengungkapan GAGAL" in err and "skp/DPMPTSP/2025/Sangat Baik" in err


def _copy(batch_out: Path, dest: Path) -> Path:
    shutil.copytree(batch_out, dest, ignore=shutil.ignore_patterns("_cache", "_log"))
    return dest


@pytest.mark.slow
def test_sample_audit_covers_the_new_tables(batch_out):
    summary, findings = audit_run(batch_out)
    cells = set(findings["sel"])
    # hidden complaint rates, a small month's report count and a hidden training type
    assert any(c.startswith("aduan_t_ok/KEL-BUGEL/") for c in cells)
    assert any(c.startswith("harian/KEL-BUGEL/") and c.endswith("/Laporan") for c in cells)
    assert "ragam/DPMPTSP/2025/Pelatihan Fungsional (klasikal)/Pegawai" in cells
    assert summary["tabel_tercatat"] >= 15


@pytest.mark.slow
def test_a_number_changed_on_the_page_fails(batch_out, tmp_path):
    out = _copy(batch_out, tmp_path / "t")
    page = out / "opd" / "DPMPTSP.html"
    html = page.read_text(encoding="utf-8")
    assert html.count(">753</td>") == 1  # January's reports in the e-Kinerja table
    page.write_text(html.replace(">753</td>", ">754</td>"), encoding="utf-8")
    summary, _ = audit_run(out)
    assert summary["status"] == "gagal"
    assert "Laporan kinerja harian per bulan" in summary["contoh_gagal"][0]


@pytest.mark.slow
def test_a_count_printed_without_a_ledger_cell_fails(batch_out, tmp_path):
    out = _copy(batch_out, tmp_path / "t")
    path = out / "opd" / "DPMPTSP.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    ledger = _summary_output(nb)["ledger"]
    table = next(t for t in ledger["tabel"] if t["judul"].startswith("Pengaduan per kategori"))
    table["kunci"][0] = [None] * len(table["kunci"][0])  # as if the section forgot its counts
    path.write_text(json.dumps(nb), encoding="utf-8")
    summary, _ = audit_run(out)
    assert summary["status"] == "gagal"
    assert "kolom 'Pengaduan': angka '110' tanpa catatan angka terbit" in summary["contoh_gagal"][0]


@pytest.mark.slow
def test_a_row_added_to_a_slide_fails(batch_out, tmp_path):
    out = _copy(batch_out, tmp_path / "t")
    deck = out / "opd" / "DPMPTSP.slides.html"
    html = deck.read_text(encoding="utf-8")
    row = "<tr><td>Lainnya</td><td>3</td><td>*</td></tr></tbody>"
    start = html.index("Sebaran JP pegawai")
    end = html.index("</tbody>", start)
    deck.write_text(html[:end] + row + html[end + len("</tbody>") :], encoding="utf-8")
    summary, _ = audit_run(out)
    assert summary["status"] == "gagal"
    assert (
        "salindia, tabel 'Sebaran JP pegawai': baris tidak tercatat" in summary["contoh_gagal"][0]
    )
