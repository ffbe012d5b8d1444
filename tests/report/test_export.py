"""Tests of kinerja.report.export: offline, code-free HTML and slides."""

from __future__ import annotations

import base64

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kinerja.report import export

pytestmark = pytest.mark.timeout(120)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _executed_nb():
    code = new_code_cell(
        "rahasia_kode = hitung_ikm(df)",
        execution_count=3,
        outputs=[
            new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()}),
            new_output("stream", name="stderr", text="FutureWarning: peringatan internal\n"),
            new_output("stream", name="stdout", text="IKM 81,25\n"),
            new_output("display_data", data={export.PRIVACY_MIME: {"suppressed_cells": 3}}),
            new_output(
                "display_data",
                data={
                    "text/html": '<script src="https://cdn.example.org/x.js"></script><b>tabel</b>',
                    "text/plain": "tabel",
                },
            ),
        ],
    )
    params = new_code_cell('kode_opd = "A"', metadata={"tags": ["parameters"]}, execution_count=1)
    hidden = new_code_cell(
        "x = 1",
        metadata={"tags": ["remove-cell"]},
        execution_count=2,
        outputs=[new_output("stream", name="stdout", text="JANGAN-TAMPIL\n")],
    )
    nb = new_notebook(
        cells=[
            params,
            new_markdown_cell("# Judul laporan\n\nPendahuluan."),
            hidden,
            code,
            new_markdown_cell("## Bagian dua\n\n$x^2$ rumus"),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


@pytest.mark.parametrize("render", [export.export_html, export.export_slides])
def test_offline_and_code_free(render):
    doc = render(_executed_nb(), title="Laporan uji")
    assert export.remote_references(doc) == []
    body = doc.split("<body", 1)[1]
    assert "rahasia_kode" not in doc and 'kode_opd = "A"' not in doc
    assert "jp-InputPrompt" not in body and "jp-OutputPrompt" not in body
    assert "In&nbsp;[" not in body and "Out[" not in body
    assert "FutureWarning" not in doc  # stderr dropped
    assert "JANGAN-TAMPIL" not in doc  # remove-cell tag honoured
    assert "IKM 81,25" in doc and "Judul laporan" in doc
    assert "data:image/png;base64," in doc
    assert "<title>Laporan uji" in doc


def test_slides_are_a_working_reveal_deck():
    deck = export.export_slides(_executed_nb())
    assert "Reveal.initialize" in deck and ".reveal .slides" in deck
    assert deck.count("<section") >= 2  # one slide per heading when no slideshow metadata
    assert "</script" not in deck.split("<script>", 1)[1].split("</script>", 1)[0][-10:]


def test_slides_split_report_outputs_into_sections():
    cell = new_code_cell(
        "laporan.show()",
        execution_count=1,
        outputs=[
            new_output("display_data", data={"text/html": "<h2>Temuan Utama</h2><p>satu</p>"}),
            new_output("display_data", data={"text/html": "<p>lanjutan</p>"}),
            new_output("display_data", data={"text/html": "<h2>IKM</h2><p>dua</p>"}),
        ],
    )
    cell["id"] = "sel-laporan"
    nb = new_notebook(cells=[new_markdown_cell("# Judul"), cell])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    deck = export.export_slides(nb)
    slides = deck.split('<section class="kinerja-slide')[1:]  # title slide + 2 (issue 13)
    assert len(slides) == 3
    assert "Temuan Utama" in slides[1] and "lanjutan" in slides[1] and "IKM" in slides[2]
    assert len(nb.cells) == 2  # the caller's notebook is not modified


def test_remote_reference_detection_and_stripping():
    page = (
        '<link rel="stylesheet" href="https://cdn.x/a.css">'
        '<script src="//cdn.x/b.js"></script>'
        "<style>@import url(https://fonts.x/c.css);</style>"
        '<a href="https://lapor.go.id">LAPOR!</a>'
        '<script src="lokal.js"></script>'
    )
    assert len(export.remote_references(page)) == 3
    cleaned = export.strip_remote_refs(page)
    assert export.remote_references(cleaned) == []
    assert 'href="https://lapor.go.id"' in cleaned and 'src="lokal.js"' in cleaned


def test_suppressed_cells():
    nb = _executed_nb()
    assert export.suppressed_cells(nb) == 3
    nb.metadata["kinerja"] = {"suppressed_cells": 7}
    assert export.suppressed_cells(nb) == 7
    assert export.suppressed_cells(new_notebook(cells=[new_markdown_cell("x")])) is None


def test_write_exports_atomic(tmp_path):
    nbformat.write(_executed_nb(), tmp_path / "a.ipynb")
    export.write_exports(
        tmp_path / "a.ipynb", tmp_path / "a.html", tmp_path / "a.slides.html", title="A"
    )
    assert (tmp_path / "a.html").is_file() and (tmp_path / "a.slides.html").is_file()
    assert not list(tmp_path.glob(".*tmp"))


def test_without_static_assets_keeps_report_content():
    deck = export.export_slides(_executed_nb())
    page = export.export_html(_executed_nb())
    for doc in (deck, page):
        stripped = export.without_static_assets(doc)
        assert len(stripped) < len(doc) / 5
        assert "IKM 81,25" in stripped and "Judul laporan" in stripped
    assert "Reveal.initialize" in export.without_static_assets(deck)  # our init script stays
