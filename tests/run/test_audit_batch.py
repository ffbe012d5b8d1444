"""``kinerja audit`` over a real batch of the sample (issue 12 item 2).

A few OPDs (DPMPTSP, whose Temuan once gave a hidden cell away; a kelurahan of fewer than ten
employees; DISDUKCAPIL, whose city column did) plus the city overview and the rekap: the audit
passes and the manifest carries its summary. Then one report's ledger is made leaky on purpose
(the old DPMPTSP output: Baik shown, "85,0 % Baik atau Sangat Baik") and the audit fails naming
the cell.
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
    assert "HTML tidak menampilkan 'Baik | 32'" in summary["contoh_gagal"][0]
    # without the page (and the rekap, which hides Baik) only the leaky ledger speaks: the LP
    # attack recovers Sangat Baik = 34 − 32 = 2
    (leaky / "opd" / "DPMPTSP.html").unlink()
    (leaky / "rekap.xlsx").unlink()
    summary, findings = audit_run(leaky)
    assert summary["status"] == "gagal"
    failed = findings.loc[~findings["lolos"]].set_index("sel")
    assert failed.loc["skp/DPMPTSP/2025/Sangat Baik", "alasan"] == "dapat dihitung tepat: 2"
    assert cli_audit(SimpleNamespace(reports_dir=str(leaky), semua=False)) == 1
    err = capsys.readouterr().err
    assert "Audit pengungkapan GAGAL" in err and "skp/DPMPTSP/2025/Sangat Baik" in err
