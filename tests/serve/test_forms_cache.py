"""Rendered-section cache of kinerja.serve.forms: disk round trip, keys, Form lookup order, pre-render.

Tiny builders and a stand-in data object (no kernel, no browser); one test renders the real
report sections of a small generated sample and checks that a stored selection shows exactly
what the live builders draw.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from kinerja.serve import forms
from kinerja.serve.forms import Form, FormDef, FormOptions, RenderCache, Section, Selection
from kinerja.serve.options import periods_from_dates
from kinerja.serve.render_cache import INDEX_FILE, POINTER_FILE, options_and_defaults


class FakeDataset:
    def __init__(self, hashes: dict[str, str]) -> None:
        self.file_hashes = hashes


class FakeData:
    """What the cache needs from ``ReportData``: file hashes, parameters, date, options."""

    def __init__(self, tables: dict[str, pd.DataFrame], *, hashes=None, params=None, today=None):
        self.tables = tables
        self.dataset = FakeDataset(hashes or {"opd.csv": "aaa", "skm.csv": "bbb"})
        self.params = params if params is not None else {"periode": "2025", "k_pegawai": 10}
        self.today = pd.Timestamp(today or "2026-01-05")

    def periode(self, periode):
        from kinerja.domain.period import Periode

        return Periode.parse(periode or self.params["periode"])

    def check_opd(self, kode):
        return kode or str(self.tables["opd"]["kode_opd"].sort_values().iloc[0])


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    opd = pd.DataFrame(
        {"kode_opd": ["1.02", "1.01", "2.01"], "nama_opd": ["Dinkes", "Disdik", "Kec. Sidorejo"]}
    )
    skm = pd.DataFrame(
        {"kode_opd": ["1.01", "1.02"], "tanggal": pd.to_datetime(["2025-03-10", "2025-08-01"])}
    )
    return {"opd": opd, "skm": skm}


@pytest.fixture
def data(tables) -> FakeData:
    return FakeData(tables)


class Recorder:
    def __init__(self, tag: str = "") -> None:
        self.calls: list[Selection] = []
        self.tag = tag

    def __call__(self, data, sel: Selection):
        self.calls.append(sel)
        return pd.DataFrame({"OPD": [sel.kode_opd], "Periode": [sel.periode], "t": [self.tag]})


def _cache(root: Path, data, keys=("a", "b"), form="uji") -> RenderCache:
    return RenderCache(root, form=form, data_key=forms.data_key_of(data), sections=keys)


def _form(data, sections, cache, **kw) -> Form:
    return Form(
        title="Uji",
        data=data,
        sections=sections,
        options=FormOptions.from_tables(data.tables),
        controls=("kode_opd", "periode"),
        defaults={"kode_opd": "1.02", "periode": "2025"},
        render_cache=cache,
        **kw,
    )


# ------------------------------------------------------------------------------ keys


def test_data_key_changes_with_inputs_parameters_and_date(tables):
    base = forms.data_key_of(FakeData(tables))
    assert base == forms.data_key_of(FakeData(tables))
    assert base != forms.data_key_of(FakeData(tables, hashes={"opd.csv": "zzz"}))
    assert base != forms.data_key_of(FakeData(tables, params={"periode": "2025", "k_pegawai": 5}))
    assert base != forms.data_key_of(FakeData(tables, today="2026-01-06"))
    assert forms.data_key_of({"x": 1}) is None  # no hashes: no disk cache


def test_code_version_is_a_stable_hash():
    v = forms.code_version()
    assert v == forms.code_version()
    assert len(v) == 64 and int(v, 16) >= 0


# ------------------------------------------------------------------------------ RenderCache


def test_render_cache_round_trip_and_keys(tmp_path, data, tables):
    cache = _cache(tmp_path, data)
    sel = Selection("1.01", "2025")
    outs = {
        "a": [
            {"output_type": "display_data", "data": {"text/html": "<b>1.01</b>"}, "metadata": {}}
        ],
        "b": [],
    }
    assert cache.get(sel) is None and not cache.has(sel)
    assert cache.put(sel, outs)
    assert cache.has(sel)
    got = cache.get(sel)
    assert got == {"a": tuple(outs["a"]), "b": ()}
    # another selection, other data, other sections, another form: never the same entry
    assert cache.get(Selection("1.02", "2025")) is None
    assert cache.get(Selection("1.01", "2025-TW1")) is None
    other = FakeData(tables, hashes={"opd.csv": "changed"})
    assert _cache(tmp_path, other).get(sel) is None
    assert _cache(tmp_path, data, keys=("a", "b", "c")).get(sel) is None
    assert _cache(tmp_path, data, form="lain").get(sel) is None
    # no temporary files left behind
    assert [p.name for p in cache.folder.iterdir() if p.name.startswith(".")] == []


def test_render_cache_refuses_internal_audience_and_incomplete_outputs(tmp_path, data):
    cache = _cache(tmp_path, data)
    internal = Selection("1.01", "2025", None, "internal")
    assert not cache.put(internal, {"a": [], "b": []})
    assert cache.get(internal) is None
    assert not cache.put(Selection("1.01", "2025"), {"a": []})  # section b missing
    assert not cache.folder.exists() or not any(cache.folder.iterdir())


def test_damaged_cache_file_counts_as_absent(tmp_path, data):
    cache = _cache(tmp_path, data)
    sel = Selection("1.01", "2025")
    cache.put(sel, {"a": [], "b": []})
    cache.path(sel).write_text("{ rusak", encoding="utf-8")
    assert cache.get(sel) is None
    cache.path(sel).write_text(json.dumps({"sections": {"a": [1], "b": []}}), encoding="utf-8")
    assert cache.get(sel) is None  # outputs must be dicts


# ------------------------------------------------------------------------------ integrity


def _html_outputs(text: str) -> dict[str, list[dict]]:
    return {
        "a": [{"output_type": "display_data", "data": {"text/html": text}, "metadata": {}}],
        "b": [],
    }


def test_every_cache_file_is_recorded_in_the_sha256_index(tmp_path, data):
    import hashlib

    cache = _cache(tmp_path, data)
    sel = Selection("1.01", "2025")
    assert cache.put(sel, _html_outputs("<b>IKM 81,92</b>"))
    inputs = {"kode_opd": None, "periode": None, "jenis_layanan": None}
    assert cache.put_meta(inputs, FormOptions.from_tables(data.tables), {"periode": "2025"})
    index = json.loads((cache.folder / INDEX_FILE).read_text("utf-8"))["files"]
    for path in (cache.path(sel), cache.meta_path(inputs)):
        assert index[path.name] == hashlib.sha256(path.read_bytes()).hexdigest()
    # a second writer (another kernel / pre-render worker) keeps the first one's entries
    other = _cache(tmp_path, data)
    assert other.put(Selection("1.02", "2025"), _html_outputs("<b>2</b>"))
    index = json.loads((cache.folder / INDEX_FILE).read_text("utf-8"))["files"]
    assert {cache.path(sel).name, other.path(Selection("1.02", "2025")).name} <= set(index)
    assert cache.get(sel) is not None and cache.get(Selection("1.02", "2025")) is not None


def test_tampered_cache_file_is_detected_recomputed_and_never_served(tmp_path, data):
    """Regression (issue #9 item 5): a form-cache file changed on disk -- here a number and a
    script put into its HTML, still valid JSON of the right shape -- is refused by the SHA-256
    index, the form renders the selection live instead and stores a good copy again."""
    a, b = Recorder("A"), Recorder("B")
    secs = [Section("a", "A", a), Section("b", "B", b)]
    first = _form(data, secs, _cache(tmp_path, data))
    sel = first.selection
    path = _cache(tmp_path, data).path(sel)
    good = path.read_text(encoding="utf-8")
    shown = first.outputs["a"].outputs
    payload = json.loads(good)
    html = payload["sections"]["a"][0]["data"]["text/html"]
    assert "1.02" in html
    payload["sections"]["a"][0]["data"]["text/html"] = (
        html.replace("1.02", "9.99") + "<script>alert(1)</script>"
    )
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    assert _cache(tmp_path, data).has(sel)  # the file is there and named in the index ...
    assert _cache(tmp_path, data).get(sel) is None  # ... but its bytes no longer match
    calls = len(a.calls)
    second = _form(data, secs, _cache(tmp_path, data))  # a new kernel
    assert second.last_redraw_source == "langsung"  # recomputed, not read from disk
    assert len(a.calls) == calls + 1
    assert second.outputs["a"].outputs == shown
    assert "9.99" not in json.dumps(second.outputs["a"].outputs)
    assert "alert" not in json.dumps(second.outputs["a"].outputs)
    # the live result was stored again, and the next kernel reads it from disk
    assert path.read_text(encoding="utf-8") == good
    third = _form(data, secs, _cache(tmp_path, data))
    assert third.last_redraw_source == "disk" and len(a.calls) == calls + 1


def test_unindexed_swapped_or_unreadable_cache_files_count_as_absent(tmp_path, data):
    cache = _cache(tmp_path, data)
    one, two = Selection("1.01", "2025"), Selection("1.02", "2025")
    cache.put(one, _html_outputs("<b>satu</b>"))
    cache.put(two, _html_outputs("<b>dua</b>"))
    # a valid entry copied over another one: the right shape, the wrong bytes for its name
    cache.path(one).write_bytes(cache.path(two).read_bytes())
    assert cache.get(one) is None and cache.get(two) is not None
    # a file the index does not know (written by hand, not by the cache)
    three = Selection("2.01", "2025")
    cache.path(three).write_text(json.dumps({"sections": {"a": [], "b": []}}), encoding="utf-8")
    assert cache.get(three) is None and not cache.has(three)
    # a file that cannot be read as a file
    cache.path(two).unlink()
    cache.path(two).mkdir()
    assert cache.get(two) is None
    # no index at all (deleted, or a cache written before the index existed): nothing trusted
    cache.put(one, _html_outputs("<b>satu</b>"))
    assert cache.get(one) is not None
    (cache.folder / INDEX_FILE).unlink()
    assert cache.get(one) is None and not cache.has(one)
    # a damaged index: nothing trusted either, and the next write starts a good one
    (cache.folder / INDEX_FILE).write_text("{ rusak", encoding="utf-8")
    assert _cache(tmp_path, data).get(one) is None
    assert cache.put(one, _html_outputs("<b>satu</b>"))
    assert _cache(tmp_path, data).get(one) is not None


def test_tampered_meta_file_is_recomputed(tmp_path, data, tables):
    secs = [Section("a", "A", Recorder())]
    cache = forms.render_cache_for("uji", data, secs, {forms.ENV_FORM_CACHE: str(tmp_path)})
    opts, defaults = options_and_defaults("uji", data, cache)
    inputs = {"kode_opd": None, "periode": None, "jenis_layanan": None}
    path = cache.meta_path(inputs)
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["options"]["opd"][0][0] = "<img src=x onerror=alert(1)>"
    path.write_text(json.dumps(payload), encoding="utf-8")
    assert cache.get_meta(inputs) is None
    assert options_and_defaults("uji", data, cache) == (opts, defaults)  # computed again
    assert cache.get_meta(inputs) == (opts, defaults)  # and stored again


def test_render_cache_for_needs_the_environment_variable(tmp_path, data):
    secs = [Section("a", "A", Recorder())]
    assert forms.render_cache_for("uji", data, secs, environ={}) is None
    rc = forms.render_cache_for("uji", data, secs, environ={forms.ENV_FORM_CACHE: str(tmp_path)})
    assert isinstance(rc, RenderCache) and rc.folder == tmp_path / "uji"
    assert forms.render_cache_for("uji", {"x": 1}, secs, {forms.ENV_FORM_CACHE: "x"}) is None


# ------------------------------------------------------------------------------ Form lookup


def test_form_renders_live_once_then_every_new_kernel_reads_disk(tmp_path, data):
    a, b = Recorder("A"), Recorder("B")
    secs = [Section("a", "A", a), Section("b", "B", b)]
    first = _form(data, secs, _cache(tmp_path, data))
    assert first.last_redraw_source == "langsung"
    assert len(a.calls) == 1
    shown = first.outputs["a"].outputs
    # a second kernel (new Form, empty memory) shows the same outputs without any builder call
    second = _form(data, secs, _cache(tmp_path, data))
    assert second.last_redraw_source == "disk"
    assert len(a.calls) == 1 and len(b.calls) == 1
    assert second.outputs["a"].outputs == shown
    assert "data-sumber='disk'" in second.status.value
    # a new selection is live (and stored), going back is served from memory
    second.controls["kode_opd"].value = "2.01"
    assert second.last_redraw_source == "langsung"
    assert a.calls[-1] == Selection("2.01", "2025", None, "forum")
    second.controls["kode_opd"].value = "1.02"
    assert second.last_redraw_source == "memori"
    assert _cache(tmp_path, data).has(Selection("2.01", "2025"))


def test_failed_section_is_never_stored(tmp_path, data):
    def broken(data, sel):
        raise RuntimeError("gagal")

    cache = _cache(tmp_path, data)
    form = _form(data, [Section("a", "A", Recorder()), Section("b", "B", broken)], cache)
    assert "tidak dapat ditampilkan" in form.outputs["b"].outputs[0]["data"]["text/html"]
    assert not cache.has(form.selection)


# ------------------------------------------------------------------------------ pre-render


def _defs(rec: Recorder) -> dict[str, FormDef]:
    return {
        "uji": FormDef(
            title="Uji",
            controls=("kode_opd", "periode"),
            sections=lambda: [Section("a", "A", rec), Section("b", "B", Recorder())],
            static=lambda **kw: None,
        ),
        "kota": FormDef(
            title="Kota",
            controls=("periode",),
            sections=lambda: [Section("a", "A", rec), Section("b", "B", Recorder())],
            static=lambda **kw: None,
        ),
    }


def test_prerender_selections_default_first_then_every_opd(data):
    defs = _defs(Recorder())
    sels = forms.prerender_selections(data, "uji", defs)
    assert [s.kode_opd for s in sels] == ["1.01", "1.02", "2.01"]  # default = first OPD
    assert {s.periode for s in sels} == {"2025"}
    assert forms.prerender_selections(data, "kota", defs) == [Selection(periode="2025")]


def test_second_pass_renders_every_opd_in_the_other_quarters_of_the_default_year(data):
    defs = _defs(Recorder())
    sels = forms.prerender_more_selections(data, "uji", defs)
    # the sample dates fall in TW1 and TW3 of 2025; the default period is the year 2025
    assert [(s.periode, s.kode_opd) for s in sels] == [
        (q, k) for q in ("2025-TW1", "2025-TW3") for k in ("1.01", "1.02", "2.01")
    ]
    assert forms.prerender_more_selections(data, "kota", defs) == []  # no OPD control


def test_prerender_one_stores_what_the_form_then_shows(tmp_path, data):
    rec = Recorder("X")
    defs = _defs(rec)
    sel = Selection("2.01", "2025")
    assert forms.prerender_one("uji", sel, data, tmp_path, defs) == "ok"
    assert forms.prerender_one("uji", sel, data, tmp_path, defs) == "ada"
    n = len(rec.calls)
    sections = defs["uji"].sections()
    form = _form(data, sections, _cache(tmp_path, data, form="uji"))
    form.controls["kode_opd"].value = "2.01"
    assert form.last_redraw_source == "disk" and len(rec.calls) == n + 1  # +1: default OPD live
    assert "2.01" in form.outputs["a"].outputs[0]["data"]["text/html"]


def test_prerendered_report_sections_equal_the_live_ones(sample_dir, tmp_path, monkeypatch):
    """The real per-OPD sections of the shared sample: disk copy == what the builders draw."""
    from kinerja.data.dataset import load
    from kinerja.metrics import store as report

    ds = load(sample_dir)
    data = report.ReportData(ds, today="2026-01-05")
    name = "laporan_opd"
    sel = forms.prerender_selections(data, name)[0]  # the default OPD (it has charts)
    root = tmp_path / "formulir"
    assert forms.prerender_one(name, sel, data, root) == "ok"
    sections = forms.form_definitions()[name].sections()
    cache = forms.render_cache_for(name, data, sections, {forms.ENV_FORM_CACHE: str(root)})
    stored = cache.get(sel)
    assert stored is not None and set(stored) == {s.key for s in sections}
    live = {s.key: tuple(forms.render_section(s, data, sel)) for s in sections}
    assert stored == live
    assert any(
        "image/png" in o["data"].get("text/html", "")
        or "data:image/png" in o["data"].get("text/html", "")
        for outs in stored.values()
        for o in outs
    )


# ------------------------------------------------------------------------------ server preview


def _stored_form(tmp_path, data, secs):
    """A form whose cache holds its pointer, options and the default selection (what a kernel
    of ``kinerja app`` leaves behind)."""
    from kinerja.serve.render_cache import render_cache_for

    cache = render_cache_for("uji", data, secs, {forms.ENV_FORM_CACHE: str(tmp_path)})
    options, defaults = options_and_defaults("uji", data, cache)
    assert cache.put_pointer(title="Uji", controls=("kode_opd", "periode"), today=data.today)
    form = Form(
        title="Uji",
        data=data,
        sections=secs,
        options=options,
        controls=("kode_opd", "periode"),
        defaults=defaults,
        render_cache=cache,
    )
    return form, cache


def test_server_preview_equals_the_kernels_preview_for_stored_selections(tmp_path, data):
    from kinerja.serve.preview import preview_html, server_preview

    secs = [Section("a", "A", Recorder("A")), Section("b", "B", Recorder("B"))]
    form, cache = _stored_form(tmp_path, data, secs)
    today = data.today
    assert server_preview(tmp_path, "uji", "", today=today) == preview_html(form)
    assert "1.01" in server_preview(tmp_path, "uji", None, today=today)  # the default OPD
    # a selection the URL asks for: shown once stored, exactly as the kernel shows it
    assert server_preview(tmp_path, "uji", "kode_opd=2.01", today=today) is None  # not stored
    form.set_values({"kode_opd": "2.01"})
    markup = server_preview(tmp_path, "uji", "kode_opd=2.01&x=1", today=today)
    assert markup == preview_html(form) and "2.01" in markup
    # an unknown value is ignored as the form ignores it (the default is shown)
    form.set_values({"kode_opd": "1.01"})
    assert server_preview(tmp_path, "uji", "kode_opd=%3Cx%3E", today=today) == preview_html(form)
    # another day, another code version, a tampered pointer, an unknown control: no server
    # preview (the kernel's own preview is used)
    assert server_preview(tmp_path, "uji", "", today=today + pd.Timedelta(days=1)) is None
    assert server_preview(tmp_path, "lain", "", today=today) is None
    assert server_preview(None, "uji", "", today=today) is None
    pointer = cache.folder / POINTER_FILE
    good = pointer.read_text(encoding="utf-8")
    pointer.write_text(good.replace('"Uji"', '"<script>x</script>"'), encoding="utf-8")
    assert server_preview(tmp_path, "uji", "", today=today) is None
    pointer.write_text(good, encoding="utf-8")
    assert server_preview(tmp_path, "uji", "", today=today) is not None
    cache.put_pointer(title="Uji", controls=("kode_opd", "lain"), today=today)
    assert server_preview(tmp_path, "uji", "", today=today) is None


def test_server_preview_of_a_form_with_a_service_control(tmp_path, data, tables):
    """The bottleneck explorer's case: the service is resolved as the form resolves it (all
    services by default, a service of another OPD ignored) and previewed once stored."""
    from kinerja.serve.preview import preview_html, server_preview

    layanan = pd.DataFrame(
        {
            "kode_opd": ["1.01", "1.01", "1.02"],
            "jenis_layanan": ["IMB", "SIUP", "Rujukan"],
            "mulai": pd.to_datetime(["2025-02-01"] * 3),
        }
    )
    data.tables = {**tables, "layanan": layanan}
    secs = [Section("a", "A", Recorder("A")), Section("b", "B", Recorder("B"))]
    cache = forms.render_cache_for("uji", data, secs, {forms.ENV_FORM_CACHE: str(tmp_path)})
    options = FormOptions.from_tables(data.tables)
    defaults = {"kode_opd": "1.01", "periode": "2025", "jenis_layanan": None}
    assert cache.put_meta(
        dict.fromkeys(("kode_opd", "periode", "jenis_layanan")), options, defaults
    )
    controls = ("kode_opd", "jenis_layanan", "periode")  # the form's own order is what counts
    assert cache.put_pointer(title="Uji", controls=controls, today=data.today)
    form = Form(
        title="Uji",
        data=data,
        sections=secs,
        options=options,
        controls=controls,
        defaults=defaults,
        render_cache=cache,
    )
    today = data.today
    assert server_preview(tmp_path, "uji", "", today=today) == preview_html(form)
    assert "Semua layanan" in preview_html(form)
    assert server_preview(tmp_path, "uji", "jenis_layanan=SIUP", today=today) is None  # not stored
    form.set_values({"jenis_layanan": "SIUP"})
    markup = server_preview(tmp_path, "uji", "jenis_layanan=SIUP", today=today)
    assert markup == preview_html(form) and "SIUP" in markup
    # a service of another OPD is ignored, as the form ignores it
    form.set_values({"jenis_layanan": ""})
    assert server_preview(tmp_path, "uji", "jenis_layanan=Rujukan", today=today) == preview_html(
        form
    )


@pytest.mark.slow
def test_server_preview_of_the_real_report_equals_a_live_kernel_form(sample_dir, tmp_path):
    """The numbers the server writes into the page (from the pre-rendered cache) are exactly
    what a form rendering live -- as a kernel does -- shows for the same URL."""
    from kinerja.data.dataset import load
    from kinerja.metrics import store as report
    from kinerja.serve.preview import preview_html, server_preview

    ds = load(sample_dir)
    data = report.ReportData(ds, today="2026-01-05")
    name = "laporan_opd"
    fd = forms.form_definitions()[name]
    sels = forms.prerender_selections(data, name)
    root = tmp_path / "formulir"
    other = sels[3]
    for sel in (sels[0], other):
        assert forms.prerender_one(name, sel, data, root) == "ok"
    cache = forms.render_cache_for(name, data, fd.sections(), {forms.ENV_FORM_CACHE: str(root)})
    options, defaults = options_and_defaults(name, data, cache)
    assert cache.put_pointer(title=fd.title, controls=fd.controls, today=data.today)
    markup = server_preview(root, name, f"kode_opd={other.kode_opd}", today=data.today)
    assert markup is not None and "kinerja-pratinjau-bagian-ikm" in markup
    live = Form(
        title=fd.title,
        data=data,
        sections=fd.sections(),
        options=options,
        controls=fd.controls,
        defaults=defaults,
        render_cache=None,  # every section drawn by its builder, as in a kernel without cache
    )
    live.apply_query(f"kode_opd={other.kode_opd}")
    assert live.last_redraw_source == "langsung"
    assert markup == preview_html(live)


# ------------------------------------------------------------------------------ options on disk


def test_options_and_defaults_are_stored_and_reused_without_the_tables(tmp_path, data, tables):
    secs = [Section("a", "A", Recorder())]
    cache = forms.render_cache_for("uji", data, secs, {forms.ENV_FORM_CACHE: str(tmp_path)})
    opts, defaults = options_and_defaults("uji", data, cache)
    assert opts == FormOptions.from_tables(tables)
    assert defaults["periode"] == "2025" and defaults["kode_opd"] == "1.01"
    # a new kernel: same data key, but its tables would fail if anyone read them
    empty = FakeData({"opd": tables["opd"].iloc[:0]})
    assert forms.data_key_of(empty) == forms.data_key_of(data)
    cache2 = forms.render_cache_for("uji", empty, secs, {forms.ENV_FORM_CACHE: str(tmp_path)})
    assert options_and_defaults("uji", empty, cache2) == (opts, defaults)
    # other parameter inputs: computed, not the stored ones
    _, other = options_and_defaults("uji", data, cache, periode="2025-TW1")
    assert other["periode"] == "2025-TW1"
    cache.meta_path({"kode_opd": None, "periode": None, "jenis_layanan": None}).write_text("x")
    assert cache.get_meta({"kode_opd": None, "periode": None, "jenis_layanan": None}) is None


def test_periods_from_dates_keep_every_month_of_datetime_and_text_columns():
    dates = [
        pd.Series(pd.to_datetime(["2025-01-31", "2025-01-02", None, "2024-12-31"])),
        pd.Series(["2025-07-15", "bukan tanggal"]),
    ]
    got = {str(p) for p in periods_from_dates(dates)}
    assert got == {
        "2025",
        "2025-TW1",
        "2025-01",
        "2025-TW3",
        "2025-07",
        "2024",
        "2024-TW4",
        "2024-12",
    }
