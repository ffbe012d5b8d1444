"""The batch's index.html (issue 13, item 8): groups, search box, Indonesian dates, links to
HTML, slides and PDF, failures explained in Indonesian, everything escaped and offline."""

from __future__ import annotations

import re

import pytest

from kinerja.report.export import remote_references
from kinerja.run.index import GROUPS, group_of, render_index


def _manifest():
    def ok(key, code, kind="opd"):
        base = f"opd/{code}" if code else "kota/ringkasan_kota"
        return {
            "key": key,
            "kind": kind,
            "kode_opd": code,
            "status": "ok",
            "duration_s": 12.34,
            "error": None,
            "files": {
                "ipynb": f"{base}.ipynb",
                "html": f"{base}.html",
                "slides": f"{base}.slides.html",
                "pdf": f"{base}.pdf",
            },
        }

    failed = {
        "key": "opd/DISKOMINFO",
        "kind": "opd",
        "kode_opd": "DISKOMINFO",
        "status": "gagal",
        "duration_s": 3.0,
        "error": "gagal menulis keluaran: ruang disk penuh (x.html)",
        "files": {"ipynb_gagal": "opd/DISKOMINFO.gagal.ipynb"},
        "sebelumnya": {
            "files": {"html": "opd/DISKOMINFO.html", "slides": "opd/DISKOMINFO.slides.html"},
            "ended": "2026-11-28T09:05:00+07:00",
        },
    }
    return {
        "parameters": {"periode": "2025", "audience": "forum"},
        "status": "selesai",
        "started": "2026-12-03T12:05:00+07:00",
        "summary": {"ok": 4, "gagal": 1, "tidak_selesai": 0, "total": 5},
        "rekap": {"status": "ok", "file": "rekap.xlsx"},
        "pdf": {"status": "dibuat"},
        "notebooks": [
            ok("opd/DPMPTSP", "DPMPTSP"),
            ok("opd/KEC_SIDOREJO", "KEC_SIDOREJO"),
            ok("opd/KEL_BUGEL", "KEL_BUGEL"),
            failed,
            ok("kota", None, "kota"),
        ],
    }


NAMES = {
    "DPMPTSP": "Dinas Penanaman Modal dan PTSP",
    "KEC_SIDOREJO": "Kecamatan Sidorejo",
    "KEL_BUGEL": "Kelurahan Bugel",
    "DISKOMINFO": "Dinas <b>Kominfo</b>",
}
KINDS = {"DPMPTSP": "dinas", "KEC_SIDOREJO": "kecamatan", "KEL_BUGEL": None, "DISKOMINFO": "dinas"}


def _sections(page):
    return re.findall(r'<section class="kelompok"><h2>(.*?) <span', page)


def test_groups_in_order_with_every_report():
    page = render_index(_manifest(), NAMES, KINDS)
    assert _sections(page) == [
        GROUPS["kota"],
        GROUPS["dinas"],
        GROUPS["kecamatan"],
        GROUPS["kelurahan"],
    ]
    kel = page.split(GROUPS["kelurahan"], 1)[1]
    assert "Kelurahan Bugel" in kel and "DPMPTSP" not in kel  # jenis missing: from the name
    dinas = page.split(GROUPS["dinas"], 1)[1].split(GROUPS["kecamatan"], 1)[0]
    assert "DPMPTSP" in dinas and "DISKOMINFO" in dinas and "Sidorejo" not in dinas


@pytest.mark.parametrize(
    ("kind", "name", "group"),
    [
        ("kelurahan", "x", "kelurahan"),
        ("kecamatan", "x", "kecamatan"),
        ("badan", "Badan Keuangan", "dinas"),
        ("rsud", "RSUD", "dinas"),
        (None, "Kelurahan Ledok", "kelurahan"),
        (None, "Kecamatan Tingkir", "kecamatan"),
        (None, "Inspektorat", "dinas"),
    ],
)
def test_group_of(kind, name, group):
    assert group_of(kind, name) == group


def test_links_dates_and_failures_in_indonesian():
    page = render_index(_manifest(), NAMES, KINDS)
    for target in ("opd/DPMPTSP.html", "opd/DPMPTSP.slides.html", "opd/DPMPTSP.pdf"):
        assert f'href="{target}"' in page
    assert 'href="kota/ringkasan_kota.pdf"' in page
    assert "3 Desember 2026 pukul 12.05" in page
    assert "Laporan ini gagal dibuat: gagal menulis keluaran: ruang disk penuh" in page
    # the previous good report is offered, with its date; the failing notebook for the analyst
    assert "Laporan terakhir yang berhasil (28 November 2026 pukul 09.05) tetap tersedia" in page
    assert 'href="opd/DISKOMINFO.html"' in page and 'href="opd/DISKOMINFO.gagal.ipynb"' in page
    assert "&lt;b&gt;Kominfo&lt;/b&gt;" in page and "<b>Kominfo" not in page


def test_blocked_rekap_and_missing_pdf_are_explained():
    man = _manifest()
    man["rekap"] = {"status": "gagal", "error": "data pribadi", "berkas_lama_dihapus": True}
    man["pdf"] = {"status": "tidak dibuat", "alasan": "Chromium tidak ditemukan"}
    page = render_index(man, NAMES, KINDS)
    assert 'href="rekap.xlsx"' not in page
    assert "Rekap forum (rekap.xlsx) tidak dibuat: data pribadi" in page
    assert "berkas rekap lama dihapus" in page
    assert "PDF tidak dibuat: Chromium tidak ditemukan" in page


def test_offline_search_box():
    page = render_index(_manifest(), NAMES, KINDS)
    assert remote_references(page) == []
    assert '<input id="cari" type="search"' in page
    assert 'data-cari="kel_bugel kelurahan bugel"' in page


@pytest.mark.slow
def test_search_box_filters_rows_in_a_browser(tmp_path):
    from pathlib import Path

    from kinerja.report.pdf import CHROMIUM_ARGS, find_chromium

    sync_api = pytest.importorskip("playwright.sync_api")
    exe = find_chromium()
    if exe is None:
        pytest.skip("Chromium tidak ada (make browser)")
    path = Path(tmp_path) / "index.html"
    path.write_text(render_index(_manifest(), NAMES, KINDS), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS))
        page = browser.new_page()
        page.goto(path.as_uri())
        page.fill("#cari", "kelurahan")
        visible = page.eval_on_selector_all(
            "tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.cells[0].textContent)"
        )
        assert visible == ["KEL_BUGEL"]
        hidden_groups = page.eval_on_selector_all(
            "section.kelompok", "s => s.filter(x => x.hidden).length"
        )
        assert hidden_groups == 3
        page.fill("#cari", "tidak-ada")
        assert page.is_visible("#kosong")
        page.fill("#cari", "")
        assert len(page.eval_on_selector_all("tbody tr", "rs => rs.filter(r => !r.hidden)")) == 5
        browser.close()
