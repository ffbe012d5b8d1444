"""Without Chromium the batch still finishes: it says so in Indonesian and records that no
PDF was produced (issue 13, item 2); the report's other files are unaffected."""

from __future__ import annotations

from pathlib import Path

from kinerja.report import pdf
from kinerja.run import tasks
from kinerja.run.printing import PdfStep


def _task(out: Path) -> tasks.NotebookTask:
    return tasks.NotebookTask(
        key="opd/OKA",
        kind="opd",
        kode_opd="OKA",
        title="Laporan Kinerja Uji — 2025",
        notebook="",
        parameters={},
        ipynb=str(out / "opd" / "OKA.ipynb"),
        html=str(out / "opd" / "OKA.html"),
        slides=str(out / "opd" / "OKA.slides.html"),
        out_dir=str(out),
        timeout=60,
        cwd="",
        pdf=str(out / "opd" / "OKA.pdf"),
    )


def test_no_chromium_means_no_pdf_and_an_indonesian_reason(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    stage = tmp_path / tasks.STAGING_DIR / "opd_OKA"
    stage.mkdir(parents=True)
    (stage / "OKA.html").write_text("<p>laporan</p>")
    res = {"status": "ok", "staging": str(stage), "files": {"html": "opd/OKA.html"}}
    state = {"status": "belum"}
    step = PdfStep(state, echo=True)
    step.add_pdf(_task(tmp_path), res, tmp_path)
    step.add_pdf(_task(tmp_path), dict(res), tmp_path)  # asked once, said once
    step.close()
    assert state["status"] == "tidak dibuat" and "Chromium tidak ditemukan" in state["alasan"]
    assert "pdf" not in res["files"] and res["status"] == "ok"
    err = capsys.readouterr().err
    assert err.count("PDF tidak dibuat: Chromium tidak ditemukan") == 1
