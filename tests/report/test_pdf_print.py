"""The A4 PDF printer (issue 13, item 2): Indonesian reasons when it cannot print, and a real
print of a small report page (slow: starts Chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kinerja.report import export, pdf

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def test_missing_chromium_is_explained_in_indonesian(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    printer = pdf.PdfPrinter()
    with pytest.raises(pdf.PdfUnavailable, match="Chromium tidak ditemukan.*make browser"):
        printer.print(tmp_path / "a.html", tmp_path / "a.pdf", header_left="x")
    assert not (tmp_path / "a.pdf").exists()
    printer.close()  # safe without a browser


def test_unusable_browser_is_explained(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    with (
        pdf.PdfPrinter(str(fake), timeout_s=20) as printer,
        pytest.raises(pdf.PdfUnavailable, match="tidak dapat dijalankan; PDF tidak dibuat"),
    ):
        printer.start()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_prints_an_a4_page_with_header_and_page_numbers(tmp_path):
    if pdf.find_chromium() is None:
        pytest.skip("Chromium tidak ada (make browser)")
    pytest.importorskip("playwright.sync_api")
    long_list = "".join(f"<li>Butir temuan nomor {i}</li>" for i in range(120))
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Laporan uji"),
            new_code_cell(
                "x",
                execution_count=1,
                outputs=[
                    new_output("display_data", data={"text/html": f"<ul>{long_list}</ul>"}),
                    new_output("display_data", data={"image/png": PNG}),
                ],
            ),
        ]
    )
    page = tmp_path / "a.html"
    page.write_text(export.export_html(nb, title="Uji"), encoding="utf-8")
    with pdf.PdfPrinter() as printer:
        out = printer.print(
            page, tmp_path / "a.pdf", header_left="Dinas <Uji> — Tahun 2025", header_right="kanan"
        )
        again = printer.print(page, tmp_path / "b.pdf", header_left="kedua")  # same browser
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and again.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext tidak ada (paket Debian poppler-utils)")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, timeout=60).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2 and "(A4)" in info
    text = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(out), "-"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "Dinas <Uji> — Tahun 2025" in text and f"Halaman 2 dari {pages}" in text
