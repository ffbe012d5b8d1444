"""Tests of the presentation layer (kinerja.report, kinerja.report.charts) on a small generated sample."""

from __future__ import annotations

import html as html_mod
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from kinerja.domain.period import Periode
from kinerja.metrics import registry as metric_registry
from kinerja.metrics import store
from kinerja.protect import ForbiddenColumnsError, PersonalDataGate
from kinerja.report import blocks, registry
from kinerja.report.charts import Chart, bar_chart, id_formatter, line_chart
from kinerja.report.facts import temuan_utama
from kinerja.report.formatting import fmt_number
from kinerja.report.sections.ikm import section_ikm
from kinerja.report.sections.kota import sections_kota
from kinerja.report.sections.skp import section_skp
from kinerja.report.sections.tindak_lanjut import sections_register
from kinerja.serve import definitions

PERIODE = "2025"


@pytest.fixture(scope="module")
def sample_dataset(sample_dir):
    from kinerja.data.dataset import load

    return load(sample_dir)


def _gate(pegawai) -> PersonalDataGate:
    return PersonalDataGate.from_pegawai(pegawai)


def _html(items) -> str:
    return "".join(i._repr_html_() for i in items)


def _text(items) -> str:
    return "\n".join(repr(i) for i in items)


# ---------------------------------------------------------------------------------------------
# toolkit
# ---------------------------------------------------------------------------------------------
def test_render_table_escapes_every_cell_and_header():
    df = pd.DataFrame({"a": ['<script>alert("x")</script>'], "b": ["<img src=x onerror=alert(1)>"]})
    block = blocks.render_table(
        df,
        [blocks.Col("a", "<b>Kolom</b>"), blocks.Col("b", "Isi")],
        title="Judul <i>miring</i>",
        source="berkas <uji>",
        audience="internal",
    )
    html = block._repr_html_()
    assert "<script>" not in html and "<img" not in html and "<b>Kolom" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Judul &lt;i&gt;miring&lt;/i&gt;" in html
    assert "Sumber data: berkas &lt;uji&gt;" in html


def test_render_table_formats_id_id():
    df = pd.DataFrame(
        {
            "n": [4512],
            "x": [1234.565],
            "p": [87.5],
            "d": [pd.Timestamp("2026-11-28")],
            "s": [1.25],
            "m": [None],
        }
    )
    block = blocks.render_table(
        df,
        [
            blocks.Col("n", "Jumlah", "int"),
            blocks.Col("x", "Nilai", "number", 2),
            blocks.Col("p", "Persen", "percent", 1),
            blocks.Col("d", "Tanggal", "date"),
            blocks.Col("s", "Perubahan", "delta", 2),
            blocks.Col("m", "Kosong", "number"),
        ],
        source="uji",
    )
    cells = re.findall(r"<td[^>]*>(.*?)</td>", block._repr_html_())
    assert cells == ["4.512", "1.234,57", "87,5%", "28 November 2026", "+1,25", "–"]
    assert "Sumber data: uji" in block.text


def test_render_table_forum_refuses_personal_columns():
    df = pd.DataFrame({"nip": ["199001012015031001"], "jumlah": [1]})
    with pytest.raises(ForbiddenColumnsError):
        blocks.render_table(
            df, [blocks.Col("nip", "NIP"), blocks.Col("jumlah", "Jumlah", "int")], source="uji"
        )
    # internal may list them
    block = blocks.render_table(
        df,
        [blocks.Col("nip", "NIP"), blocks.Col("jumlah", "Jumlah", "int")],
        source="uji",
        audience="internal",
    )
    assert "199001012015031001" in block.html


def test_render_table_counts_suppressed_cells():
    df = pd.DataFrame(
        {"kategori": ["A", "B", "C"], "jumlah": [3, 40, 41], "persen": [3.6, 47.6, 48.8]}
    )
    mask = pd.DataFrame({"jumlah": [True, True, False], "persen": [True, True, False]})
    block = blocks.render_table(
        df,
        [
            blocks.Col("kategori", "Kategori"),
            blocks.Col("jumlah", "Jumlah", "int"),
            blocks.Col("persen", "%", "percent"),
        ],
        source="uji",
        suppressed=mask,
        suppression_note="* disembunyikan",
    )
    assert block.suppressed == 4
    assert "* disembunyikan" in block.text
    assert ">3<" not in block.html and "41" in block.html


def test_summary_bundle_is_json_only():
    bundle = blocks.summary_bundle({"suppressed_cells": 3, "periode": Periode.parse("2025")})
    assert list(bundle) == [blocks.SUMMARY_MIME]
    assert bundle[blocks.SUMMARY_MIME] == {"suppressed_cells": 3, "periode": "2025"}


def test_id_formatter_and_charts_leave_no_open_figure():
    assert id_formatter(1)(1234.5, 0) == "1.234,5"
    assert id_formatter(0, percent=True)(87.5, 0) == "88%"
    before = plt.get_fignums()
    df = pd.DataFrame({"opd": ["Dinas A", "Dinas B"], "nilai": [81.25, 77.5]})
    chart = bar_chart(
        df,
        category="opd",
        value="nilai",
        title="Uji <grafik>",
        value_label="IKM",
        source="berkas <skm>",
        reference=76.61,
        reference_label="Batas B",
    )
    months = pd.DataFrame(
        {"bulan": pd.date_range("2025-01-01", periods=3, freq="MS"), "n": [1, 2, 3]}
    )
    line = line_chart(months, x="bulan", y="n", title="Per bulan", y_label="Jumlah", source="uji")
    assert plt.get_fignums() == before
    for c in (chart, line):
        assert isinstance(c, Chart)
        assert c.png.startswith(b"\x89PNG")
    html = chart._repr_html_()
    assert html.count("data:image/png;base64,") == 1
    assert "Sumber data: berkas &lt;skm&gt;" in html
    assert 'alt="Uji &lt;grafik&gt;"' in html


def test_resolve_data_dir(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data" / "x").mkdir(parents=True)
    found = store.resolve_data_dir("../data/x", base=tmp_path / "notebooks")
    assert found == (tmp_path / "data" / "x").resolve()
    monkeypatch.chdir(tmp_path)
    assert store.resolve_data_dir("data/x") == (tmp_path / "data" / "x").resolve()
    with pytest.raises(FileNotFoundError, match="Folder data tidak ditemukan"):
        store.resolve_data_dir("tidak/ada", generate_sample=False)


# ---------------------------------------------------------------------------------------------
# sections on the generated sample
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def data(sample_dataset) -> store.ReportData:
    return store.ReportData(sample_dataset, source="sampel uji", today="2026-01-15")


def test_section_ikm_shows_the_value_of_kinerja_survey(data):
    from kinerja.metrics.survey import ikm_table

    expected = ikm_table(data.table("skm"), by=("kode_opd",), periode=PERIODE)
    row = expected.loc[expected["kode_opd"] == "DPMPTSP"].iloc[0]
    items = section_ikm(data, kode_opd="DPMPTSP", periode=PERIODE)
    html = _html(items)
    assert "Indeks Kepuasan Masyarakat (IKM)" in html
    assert f">{fmt_number(row['ikm'], 2)}<" in html
    assert f">{row['mutu']}<" in html
    assert any(isinstance(i, Chart) for i in items)
    facts = _text(temuan_utama(data, kode_opd="DPMPTSP", periode=PERIODE))
    assert f"IKM Tahun 2025 sebesar {fmt_number(row['ikm'], 2)}" in facts


def _small_opd(data, k):
    peg = data.table("pegawai")
    sizes = peg.groupby("kode_opd").size()
    small = sizes[(sizes > 0) & (sizes < k)]
    assert len(small), "sampel tidak punya OPD kecil"
    return str(small.index[0])


def test_skp_small_group_suppressed_in_forum(data):
    kode = _small_opd(data, data.k_pegawai)
    items = section_skp(data, kode_opd=kode, periode=PERIODE, audience="forum")
    tables = [i for i in items if isinstance(i, blocks.Block) and "<table" in i.html]
    assert tables, _text(items)
    assert tables[0].suppressed > 0
    assert sum(getattr(i, "suppressed", 0) for i in items) == tables[0].suppressed
    # no count of the small group is readable
    cells = re.findall(r"<td[^>]*>(.*?)</td>", tables[0].html)
    numbers = [c for c in cells if re.fullmatch(r"\d+", c)]
    assert numbers == [] or all(c == "0" for c in numbers)


def test_forum_report_has_no_personal_data(data):
    gate = _gate(data.table("pegawai"))
    for kode in ("DPMPTSP", _small_opd(data, data.k_pegawai)):
        items = registry.sections_opd(data, kode_opd=kode, periode=PERIODE, audience="forum")
        html = _html(items)
        assert gate.scan(html) == [], kode
        assert "RAHASIA" not in html
        for head in (
            "Temuan Utama",
            "Indeks Kepuasan Masyarakat (IKM)",
            "Predikat Kinerja Pegawai (SKP)",
            "Pengembangan Kompetensi (20 JP)",
            "Tindak Lanjut Forum Evaluasi",
        ):
            assert head in html
        assert html.count("Sumber data:") >= 5


def test_register_refuses_forum_and_lists_only_own_opd_internally(data):
    forum = _html(sections_register(data, kode_opd="DPMPTSP", audience="forum"))
    assert "hanya untuk audiens internal" in forum
    assert _gate(data.table("pegawai")).scan(forum) == []

    tl = data.table("tindak_lanjut")
    own = tl.loc[tl["kode_opd"] == "DPMPTSP"]
    internal = sections_register(data, kode_opd="DPMPTSP", audience="internal")
    html = _html(internal)
    assert html.startswith('<div class="kinerja-rahasia"')
    assert "RAHASIA — hanya untuk internal OPD" in html
    for ident in own["id_tindak_lanjut"]:
        assert ident in html
    peg = data.table("pegawai")
    others = peg.loc[peg["kode_opd"] != "DPMPTSP", "nip"]
    assert not any(n in html for n in others)


def test_hostile_text_in_register_is_escaped(sample_dataset):
    ds = sample_dataset
    tl = ds.tables["tindak_lanjut"].copy()
    i = tl.index[tl["kode_opd"] == "DPMPTSP"][0]
    tl.loc[i, "temuan"] = '<script>alert("x")</script><b onmouseover=alert(1)>'
    tables = {**ds.tables, "tindak_lanjut": tl}
    hostile = type("DS", (), {"tables": tables})()
    data = store.ReportData(hostile, today="2026-01-15")
    html = _html(sections_register(data, kode_opd="DPMPTSP", audience="internal"))
    assert "<script>" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;" in html


def test_city_overview_lists_every_opd_and_movement(data):
    items = sections_kota(data, periode=PERIODE)
    html = _html(items)
    for name in data.opd["nama_opd"]:
        assert html_mod.escape(name) in html
    assert "Naik dan Turun Dibanding Periode Sebelumnya" in html
    assert "Peringkat IKM" in html
    assert _gate(data.table("pegawai")).scan(html) == []


def test_metrics_are_computed_once_per_period(data, monkeypatch):
    calls = []
    original = metric_registry.METRICS["ikm"]

    def counting(d, p):
        calls.append(p)
        return original(d, p)

    monkeypatch.setitem(metric_registry.METRICS, "ikm", counting)
    fresh = store.ReportData(data.dataset, today="2026-01-15")
    for kode in data.opd["kode_opd"].head(5):
        section_ikm(fresh, kode_opd=kode, periode=PERIODE)
    assert len(calls) == 1


def test_form_definitions_build_every_section(data):
    from kinerja.serve.forms import Selection

    defs = definitions.form_definitions()
    assert set(defs) == {"laporan_opd", "penjelajah_hambatan", "ringkasan_kota", "pantau_bulanan"}
    sel = Selection(kode_opd="DPMPTSP", periode=PERIODE, jenis_layanan=None)
    for name, fd in defs.items():
        for section in fd.sections():
            out = section.build(data, sel)
            assert isinstance(out, list), (name, section.key)
            # the registry's builders draw their own headings (the form adds no title)
            assert section.title == "" and _html(out)


def test_unknown_opd_and_audience_are_refused(data):
    with pytest.raises(ValueError, match="Kode OPD tidak dikenal"):
        registry.sections_opd(data, kode_opd="'; import os", periode=PERIODE)
    with pytest.raises(ValueError, match="Audiens tidak dikenal"):
        blocks.check_audience("publik")


def test_internal_report_has_banner_and_only_own_people(data):
    kode = "DPMPTSP"
    items = registry.sections_opd(data, kode_opd=kode, periode=PERIODE, audience="internal")
    html = _html(items)
    assert items[0].html.startswith('<div class="kinerja-rahasia"')
    assert "RAHASIA — hanya untuk internal OPD" in html
    gate = PersonalDataGate.for_internal(data.table("pegawai"), kode)
    assert gate.scan(html) == []
    # internal shows the small SKP groups that the forum hides
    skp = section_skp(data, kode_opd=kode, periode=PERIODE, audience="internal")
    assert sum(getattr(i, "suppressed", 0) for i in skp) == 0


def test_precomputed_metrics_are_reused_only_for_the_same_inputs(sample_dataset, tmp_path):
    """The batch warms the metrics once; every notebook's ReportData reuses them from the cache."""
    cache = tmp_path / "cache"
    sample_dataset.save_cache(cache)
    first = store.ReportData.from_cache(cache, today="2026-01-15")
    n = registry.warm(first, PERIODE)
    assert n > 5 and ("ikm", PERIODE) in first._memo
    first.save_metrics(cache)

    same = store.ReportData.from_cache(cache, today="2026-01-15")
    assert set(same._memo) == set(first._memo)
    pd.testing.assert_frame_equal(same.metric("ikm", PERIODE), first.metric("ikm", PERIODE))

    # another reference date (overdue follow-ups) or other parameters: recomputed, not reused
    assert store.ReportData.from_cache(cache, today="2026-02-01")._memo == {}
    other = dict(first.params, k_pegawai=3)
    assert store.ReportData.from_cache(cache, params=other, today="2026-01-15")._memo == {}

    # a damaged metrics file only costs time
    (cache / store.METRICS_FILE / "index.json").write_bytes(b"not json")
    assert store.ReportData.from_cache(cache, today="2026-01-15")._memo == {}
