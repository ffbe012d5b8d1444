"""DPMPTSP's deck and the city deck on the sample, in a real browser (issue 13, items 1 and 2).

The two report notebooks are executed once (Papermill, on the session sample); their decks are
opened in headless Chromium with reveal.js's own layout and every slide is measured: its
content must fit 1280×720 (``scrollHeight <= clientHeight`` and no horizontal overflow).
Screenshots of a few slides are written to the test's folder (``KINERJA_SHOTS`` keeps them in a
folder of your choice) for a person to look at. The same reports are printed to PDF: A4
portrait, the OPD and the period in every page's header, "Halaman n dari m", fonts embedded
(``pdffonts``), and the charts' PNGs embedded at their full pixel size (``pdfimages``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kinerja.report import export
from kinerja.report.pdf import CHROMIUM_ARGS, PdfPrinter, find_chromium

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reports(sample_reports, tmp_path_factory):
    """Executed DPMPTSP and city notebooks, exported as deck and HTML page."""
    if find_chromium() is None:
        pytest.skip("Chromium tidak ada (make browser)")
    pytest.importorskip("playwright.sync_api")
    base = tmp_path_factory.mktemp("dek")
    made = {}
    for key, report in sample_reports.items():
        nb, title = report["nb"], report["title"]
        deck = base / f"{key}.slides.html"
        deck.write_text(export.export_slides(nb, title=title), encoding="utf-8")
        page = base / f"{key}.html"
        page.write_text(export.export_html(nb, title=title), encoding="utf-8")
        made[key] = {"deck": deck, "html": page, "title": title, "nb": nb}
    return made


_MEASURE = """() => Array.from(document.querySelectorAll('.reveal .slides > section')).map(s => {
    const old = s.style.display; s.style.display = 'flex';
    const r = {sh: s.scrollHeight, ch: s.clientHeight, sw: s.scrollWidth, cw: s.clientWidth,
               h: (s.querySelector('.kepala h2') || {}).textContent || '',
               cap: Array.from(s.querySelectorAll('caption')).map(c => c.textContent),
               text: s.innerText.slice(0, 4000)};
    s.style.display = old; return r; })"""


def _slides(path: Path, shots: Path, every: int):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(path.as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=60_000)
        config = page.evaluate("() => Reveal.getConfig()")
        slides = page.evaluate(_MEASURE)
        shots.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, shots / path.name)
        for i in range(0, len(slides), every):
            page.evaluate(f"Reveal.slide({i})")
            page.wait_for_timeout(100)
            page.screenshot(path=str(shots / f"{path.stem}-{i + 1:02d}.png"))
        browser.close()
    return config, slides


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("KINERJA_SHOTS") or tmp_path / "layar")


def test_dpmptsp_deck_fits_and_tells_one_thing_per_slide(reports, tmp_path):
    config, slides = _slides(reports["opd"]["deck"], _shots(tmp_path), every=4)
    assert (config["width"], config["height"]) == (1280, 720)
    too_big = [
        (i + 1, s["h"], s["sh"], s["sw"], s["cap"], s["text"][:200])
        for i, s in enumerate(slides)
        if s["sh"] > s["ch"] or s["sw"] > s["cw"]
    ]
    assert too_big == [], too_big
    cover = slides[0]["text"]
    assert "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu" in cover
    assert "Tahun 2025" in cover
    months = (
        "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    )
    assert re.search(rf"disusun \d{{1,2}} ({months}) \d{{4}}", cover, re.IGNORECASE)
    assert slides[1]["h"] == "Temuan Utama"
    outputs = str([c.get("outputs") for c in reports["opd"]["nb"].cells])
    for sub in re.findall(r"<h3>(.*?)</h3>", outputs):  # e.g. the training impact
        assert sub in [s["h"] for s in slides], (sub, [s["h"] for s in slides])
    assert all(len(s["cap"]) <= 1 for s in slides)  # at most one table per slide
    assert len(slides) >= 15


def test_city_deck_ranks_over_several_slides(reports, tmp_path):
    _, slides = _slides(reports["kota"]["deck"], _shots(tmp_path), every=3)
    too_big = [
        (i + 1, s["h"], s["sh"], s["sw"], s["cap"], s["text"][:200])
        for i, s in enumerate(slides)
        if s["sh"] > s["ch"] or s["sw"] > s["cw"]
    ]
    assert too_big == [], too_big
    assert slides[1]["h"] == "Temuan Utama"
    ranking = [s for s in slides if any(c.startswith("Capaian utama per OPD") for c in s["cap"])]
    assert len(ranking) >= 3
    assert all("(lanjutan)" in s["cap"][0] for s in ranking[1:])
    assert "tabel lengkap di laporan HTML" in ranking[0]["text"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} tidak ada (paket Debian poppler-utils)")
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=True).stdout


def test_pdfs_are_a4_with_header_page_numbers_embedded_fonts_and_full_size_charts(
    reports, tmp_path
):
    pdfs = {}
    with PdfPrinter() as printer:
        for key, rep in reports.items():
            pdfs[key] = printer.print(
                rep["html"],
                tmp_path / f"{key}.pdf",
                header_left=rep["title"],
                header_right="Dicetak 3 Desember 2026",
            )
    for key, pdf in pdfs.items():
        info = _run(_tool("pdfinfo"), str(pdf))
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert pages >= 2
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+|Page size:\s+595\.\d+ x 842\.\d+", info)
        fonts = _run(_tool("pdffonts"), str(pdf)).splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb
        for n in (1, pages):
            text = _run("pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-")
            assert reports[key]["title"] in text
            assert f"Halaman {n} dari {pages}" in text
        images = _run(_tool("pdfimages"), "-list", str(pdf)).splitlines()[2:]
        widths = sorted({int(line.split()[3]) for line in images})
        pngs = re.findall(
            r"data:image/png;base64,([A-Za-z0-9+/=]+)", reports[key]["html"].read_text()
        )
        assert images, "no chart in the PDF"
        import base64
        import struct

        png_widths = {struct.unpack(">I", base64.b64decode(b)[16:20])[0] for b in pngs}
        assert set(widths) <= png_widths  # embedded at their own pixel size, never down-sampled
