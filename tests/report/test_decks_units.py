"""Real decks (issue 13, item 1): how a report is cut into slides, without a browser.

A title slide (report, OPD and period, date in Indonesian), "Temuan Utama" on its own slide,
one table or chart per slide with the sentence that introduces it, notes kept with their table,
a sub-section (training impact) on its own slide, and a 16:9 reveal.js deck with no remote
reference and no code.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kinerja.report import deck, export

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def _html(text):
    return new_output("display_data", data={"text/html": text, "text/plain": "x"})


def _table(caption, rows=3):
    body = "".join(f"<tr><td>baris {i}</td><td>{i},0</td></tr>" for i in range(rows))
    return (
        '<div class="kinerja-table"><table><caption>'
        f"{caption}</caption><thead><tr><th>A</th><th>B</th></tr></thead>"
        f"<tbody>{body}</tbody></table><div>Sumber data: uji</div></div>"
    )


def _chart(alt):
    return (
        f'<figure class="kinerja-chart"><img src="data:image/png;base64,{PNG}" alt="{alt}"/>'
        "<figcaption>Sumber data: uji</figcaption></figure>"
    )


def _report_nb():
    outputs = [
        _html(
            '<div class="kinerja-judul"><div>Dinas Uji</div><div>Kode OPD UJI · Periode '
            "Tahun 2025</div></div>"
        ),
        _html("<h2>Temuan Utama</h2>"),
        _html("<ul><li>IKM 82,84.</li><li>81,1% tepat waktu.</li></ul>"),
        _html("<h2>Indeks Kepuasan Masyarakat (IKM)</h2>"),
        _html(_table("IKM Tahun 2025")),
        _html(_table("NRR per unsur")),
        _html('<p class="kinerja-note">Grafik tidak ditampilkan.</p>'),
        _html(_chart("NRR per unsur")),
        _html("<h2>Waktu Layanan</h2>"),
        _html("<p>Tahap hambatannya Verifikasi Administrasi.</p>"),
        _html(_chart("Porsi waktu per tahap")),
        _html("<h2>Pengembangan Kompetensi (20 JP)</h2>"),
        _html(_table("Capaian 20 JP")),
        _html("<h3>Pelatihan dan Waktu Layanan (Dampak Gelombang Pelatihan)</h3>"),
        _html("<p>Gelombang pelatihan: 100% pegawai.</p>"),
        _html(_table("Perkiraan perubahan waktu layanan")),
        _html(_chart("Jam di tahap Verifikasi")),
        _html('<div style="border-left:4px solid #c0392b">Bukan bukti sebab-akibat.</div>'),
        new_output("stream", name="stderr", text="FutureWarning: internal\n"),
        new_output("display_data", data={export.PRIVACY_MIME: {"suppressed_cells": 1}}),
    ]
    cells = [
        new_code_cell("kode_opd = 'UJI'", metadata={"tags": ["parameters"]}),
        new_markdown_cell("# Laporan Evaluasi Kinerja Perangkat Daerah"),
        new_code_cell("show('laporan_opd')", outputs=outputs, execution_count=2),
    ]
    return new_notebook(cells=cells)


def _texts(slide):
    return re.sub(r"<[^>]+>", " ", " ".join(slide.blocks))


def test_title_slide_then_one_message_per_slide():
    slides = deck.build_slides(_report_nb(), made=dt.date(2026, 12, 3))
    cover = slides[0]
    assert cover.kind == "judul"
    assert cover.heading == "Laporan Evaluasi Kinerja Perangkat Daerah"
    assert "Dinas Uji" in _texts(cover) and "Periode Tahun 2025" in _texts(cover)
    assert "Disusun 3 Desember 2026" in _texts(cover)
    headings = [s.heading for s in slides[1:]]
    assert headings == [
        "Temuan Utama",
        "Indeks Kepuasan Masyarakat (IKM)",
        "Indeks Kepuasan Masyarakat (IKM)",
        "Indeks Kepuasan Masyarakat (IKM)",
        "Waktu Layanan",
        "Pengembangan Kompetensi (20 JP)",
        "Pelatihan dan Waktu Layanan (Dampak Gelombang Pelatihan)",
        "Pelatihan dan Waktu Layanan (Dampak Gelombang Pelatihan)",
    ]
    temuan = slides[1]
    assert "IKM 82,84" in _texts(temuan) and "<table" not in " ".join(temuan.blocks)
    for slide in slides[2:]:  # at most one table or chart per slide
        evidence = sum(("kinerja-table" in b) or ("kinerja-chart" in b) for b in slide.blocks)
        assert evidence == 1, slide.heading
    # a note after a table stays with it; a sentence before a chart is that slide's message
    assert "NRR per unsur" in _texts(slides[3]) and "Grafik tidak ditampilkan" in _texts(slides[3])
    assert "Verifikasi Administrasi" in _texts(slides[5]) and "Porsi waktu" in slides[5].blocks[1]
    # the training impact is a slide of its own, its chart and caveat follow under the same title
    impact = slides[7]
    assert impact.section == "Pengembangan Kompetensi (20 JP)"
    assert "Gelombang pelatihan" in _texts(impact) and "Perkiraan perubahan" in _texts(impact)
    assert "Bukan bukti sebab-akibat" in _texts(slides[8])


def test_deck_is_16_9_offline_and_code_free():
    doc = export.export_slides(_report_nb(), title="Laporan Kinerja Dinas Uji — 2025")
    assert export.remote_references(doc) == []
    assert "width: W, height: H" in doc and "var W = 1280, H = 720" in doc
    assert doc.count('<section class="kinerja-slide') == 9
    assert "show('laporan_opd')" not in doc and "kode_opd = 'UJI'" not in doc
    assert "FutureWarning" not in doc and "suppressed_cells" not in doc
    assert "<title>Laporan Kinerja Dinas Uji — 2025 (salindia)</title>" in doc
    # the browser-side splitter is there: tables continue, the full table stays in the HTML
    assert "(lanjutan)" in doc and "tabel lengkap di laporan HTML" in doc


def test_title_is_escaped_and_a_plain_notebook_gets_a_title_slide():
    nb = new_notebook(
        cells=[
            new_code_cell(
                "x",
                outputs=[new_output("stream", name="stdout", text="IKM 81,25 <b>\n")],
                execution_count=1,
            )
        ]
    )
    doc = export.export_slides(nb, title="A <script>alert(1)</script>")
    assert "<script>alert(1)" not in doc and "A &lt;script&gt;" in doc
    assert "IKM 81,25 &lt;b&gt;" in doc
    slides = deck.build_slides(nb, title="Judul", made=dt.date(2026, 1, 5))
    assert slides[0].kind == "judul" and "Disusun 5 Januari 2026" in _texts(slides[0])


def test_images_without_html_are_embedded():
    nb = new_notebook(
        cells=[
            new_code_cell(
                "x",
                outputs=[new_output("display_data", data={"image/png": PNG})],
                execution_count=1,
            )
        ]
    )
    blocks = deck.notebook_blocks(nb)
    assert blocks == [
        f'<figure class="kinerja-chart"><img src="data:image/png;base64,{PNG}" alt=""></figure>'
    ]
    assert base64.b64decode(PNG)[:4] == b"\x89PNG"
