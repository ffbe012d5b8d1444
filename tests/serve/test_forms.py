"""Form machinery of kinerja.serve.forms, tested with tiny section builders (no kernel, no browser)."""

from __future__ import annotations

import html

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from IPython.display import HTML

from kinerja.serve import forms
from kinerja.serve.forms import Form, FormDef, FormOptions, Section, Selection, parse_query


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    opd = pd.DataFrame(
        {
            "kode_opd": ["1.02", "1.01", "2.01"],
            "nama_opd": ["Dinas Kesehatan", "Dinas Pendidikan", "Kecamatan Sidorejo"],
        }
    )
    layanan = pd.DataFrame(
        {
            "kode_opd": ["1.02", "1.02", "2.01", "1.02"],
            "jenis_layanan": ["Izin Praktik", "Surat Sehat", "KTP", "Izin Praktik"],
            "mulai": pd.to_datetime(["2025-01-15", "2025-07-02", "2025-08-30", "2024-12-01"]),
        }
    )
    skm = pd.DataFrame({"kode_opd": ["1.01"], "tanggal": pd.to_datetime(["2025-03-10"])})
    standar = pd.DataFrame({"kode_opd": ["1.01"], "jenis_layanan": ["Mutasi Siswa"]})
    return {"opd": opd, "layanan": layanan, "skm": skm, "standar_layanan": standar}


@pytest.fixture
def options(tables) -> FormOptions:
    return FormOptions.from_tables(tables)


class Recorder:
    """A section builder that records its calls and shows the selected OPD as a table."""

    def __init__(self) -> None:
        self.calls: list[Selection] = []

    def __call__(self, data, sel: Selection):
        self.calls.append(sel)
        return pd.DataFrame({"OPD": [sel.kode_opd], "Periode": [sel.periode]})


def make_form(options, sections, **kw) -> Form:
    kw.setdefault("controls", ("kode_opd", "periode", "jenis_layanan"))
    kw.setdefault("defaults", {"kode_opd": "1.02", "periode": "2025"})
    return Form(title="Uji <b>judul</b>", data={"x": 1}, sections=sections, options=options, **kw)


# ---------------------------------------------------------------- environment


def test_is_voila_detects_request_and_preheated_kernels():
    assert forms.is_voila({"SERVER_SOFTWARE": "voila/0.5.13"})
    assert forms.is_voila({"VOILA_KERNEL_ID": "abc"})
    assert forms.is_voila({"VOILA_PREHEAT": "True"})
    assert not forms.is_voila({})
    assert not forms.is_voila({"SERVER_SOFTWARE": "nginx"})
    assert forms.is_preheating({"VOILA_PREHEAT": "True"})
    assert not forms.is_preheating({"VOILA_PREHEAT": "False"})


def test_voila_source_still_sets_the_variables_we_rely_on():
    """Guard against a Voila upgrade renaming the environment variables."""
    import inspect

    from voila import handler, notebook_renderer, voila_kernel_manager

    src = inspect.getsource(handler)
    assert "ENV_VARIABLE.QUERY_STRING] = str(self.request.query)" in src
    assert 'ENV_VARIABLE.SERVER_SOFTWARE] = f"voila/' in src
    assert "VOILA_KERNEL_ID" in inspect.getsource(notebook_renderer)
    assert 'ENV_VARIABLE.VOILA_PREHEAT] = "True"' in inspect.getsource(voila_kernel_manager)


# ---------------------------------------------------------------- query string


def test_parse_query_accepts_known_values_and_notes_unknown_ones():
    opts = {"kode_opd": ["1.01", "1.02"], "periode": ["2025", "2025-TW3"]}
    sel, notes = parse_query("kode_opd=1.02&periode=2025-tw3&template=lab&x=1", opts)
    assert sel == {"kode_opd": "1.02", "periode": "2025-TW3"}
    assert notes == []
    sel, notes = parse_query("kode_opd=9.99&periode=__import__('os')", opts)
    assert sel == {}
    assert len(notes) == 2
    assert "tidak dikenal" in notes[0] and "9.99" in notes[0]


def test_parse_query_takes_first_value_and_cuts_long_echo():
    opts = {"kode_opd": ["1.01", "1.02"]}
    sel, _ = parse_query("kode_opd=1.01&kode_opd=1.02", opts)
    assert sel == {"kode_opd": "1.01"}
    _, notes = parse_query("kode_opd=" + "A" * 500, opts)
    assert len(notes) == 1 and len(notes[0]) < 200


def test_parse_query_empty_and_too_many_fields():
    assert parse_query(None, {"kode_opd": ["1"]}) == ({}, [])
    assert parse_query("", {"kode_opd": ["1"]}) == ({}, [])
    sel, notes = parse_query("&".join(f"a{i}=1" for i in range(60)), {"kode_opd": ["1"]})
    assert sel == {} and len(notes) == 1


# ---------------------------------------------------------------- options


def test_options_from_tables(options):
    # sorted by name (not by code), the code beside the name
    assert options.opd[0] == ("Dinas Kesehatan (1.02)", "1.02")
    assert [v for _, v in options.opd] == ["1.02", "1.01", "2.01"]
    values = [v for _, v in options.periode]
    # newest year first; year, then its quarters, then its months
    assert values[0] == "2025"
    assert values.index("2025") < values.index("2025-TW1") < values.index("2025-01")
    assert {"2025-TW3", "2025-07", "2025-08", "2025-03", "2024", "2024-TW4", "2024-12"} <= set(
        values
    )
    assert "2025-TW2" not in values  # no data in April-June
    labels = dict((v, lab) for lab, v in options.periode)
    assert labels["2025"] == "Tahun 2025"
    assert options.layanan["1.02"] == ["Izin Praktik", "Surat Sehat"]
    assert options.layanan["1.01"] == ["Mutasi Siswa"]
    assert options.values("jenis_layanan", kode_opd="2.01") == [forms.ALL, "KTP"]


# ---------------------------------------------------------------- the form


def test_form_defaults_come_from_parameters(options):
    rec = Recorder()
    form = make_form(options, [Section("a", "Bagian A", rec)])
    assert form.controls["kode_opd"].value == "1.02"
    assert form.controls["kode_opd"].description == "OPD"
    assert form.controls["periode"].value == "2025"
    assert form.selection == Selection("1.02", "2025", None, "forum")
    assert rec.calls == [Selection("1.02", "2025", None, "forum")]
    out = form.outputs["a"].outputs
    assert len(out) == 1 and "1.02" in out[0]["data"]["text/html"]
    # the title is escaped
    assert "&lt;b&gt;judul&lt;/b&gt;" in form.heading.value


def test_invalid_default_falls_back_with_note(options):
    form = make_form(options, [Section("a", "A", Recorder())], defaults={"kode_opd": "7.77"})
    assert form.controls["kode_opd"].value == options.opd[0][1]  # the first in name order
    assert "7.77" in form.notes_box.value and "tidak ada" in form.notes_box.value


def test_control_change_redraws_with_new_selection(options):
    rec = Recorder()
    form = make_form(options, [Section("a", "A", rec), Section("b", "B", Recorder())])
    n0 = form.redraw_count
    form.controls["periode"].value = "2025-TW3"
    assert form.redraw_count == n0 + 1
    assert rec.calls[-1].periode == "2025-TW3"
    assert "2025-TW3" in form.outputs["a"].outputs[0]["data"]["text/html"]


def test_opd_change_refreshes_services_and_redraws_once(options):
    rec = Recorder()
    form = make_form(options, [Section("a", "A", rec)])
    form.controls["jenis_layanan"].value = "Surat Sehat"
    n0 = form.redraw_count
    form.controls["kode_opd"].value = "2.01"
    assert form.redraw_count == n0 + 1
    assert [v for _, v in form.controls["jenis_layanan"].options] == [forms.ALL, "KTP"]
    assert form.controls["jenis_layanan"].value == forms.ALL
    assert rec.calls[-1] == Selection("2.01", "2025", None, "forum")


def test_apply_query_preselects_and_escapes_hostile_values(options):
    rec = Recorder()
    form = make_form(options, [Section("a", "A", rec)])
    notes = form.apply_query("kode_opd=2.01&jenis_layanan=KTP&periode=2025-08")
    assert notes == []
    assert rec.calls[-1] == Selection("2.01", "2025-08", "KTP", "forum")
    hostile = "<script>window.x=1</script>"
    notes = form.apply_query("kode_opd=" + hostile)
    assert len(notes) == 1
    assert "<script>" not in form.notes_box.value
    assert html.escape(hostile)[:30] in form.notes_box.value
    assert form.controls["kode_opd"].value == "2.01"  # unchanged


def test_section_failure_becomes_indonesian_note_without_traceback(options):
    def broken(data, sel):
        raise RuntimeError("rahasia internal /etc/passwd")

    rec = Recorder()
    form = make_form(options, [Section("x", "X", broken), Section("a", "A", rec)])
    text = form.outputs["x"].outputs[0]["data"]["text/html"]
    assert "tidak dapat ditampilkan" in text
    assert "passwd" not in text and "Traceback" not in text
    assert rec.calls  # the other section still drew


@pytest.fixture
def shell():
    """An IPython shell, so that display() calls are captured as in a kernel."""
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    yield ip
    InteractiveShell.clear_instance()


def test_outputs_text_figures_and_displayed_objects(shell):
    from IPython.display import display

    n_before = len(plt.get_fignums())

    def builder(data, sel):
        display(HTML("<p>ditampilkan</p>"))
        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        plt.figure()  # left open: rendered and closed too
        return ["<img src=x onerror=alert(1)>", fig]

    outs = forms.render_section(Section("s", "S", builder), None, Selection())
    kinds = [sorted(o["data"]) for o in outs]
    assert kinds[0] == ["text/html", "text/plain"]
    # a plain string is text, never HTML
    assert outs[1]["data"] == {"text/plain": "<img src=x onerror=alert(1)>"}
    assert "image/png" in outs[2]["data"] and "image/png" in outs[3]["data"]
    assert len(plt.get_fignums()) == n_before


def test_form_audience_is_forum_only(options):
    form = make_form(options, [Section("a", "A", Recorder())])
    assert form.selection.audience == "forum"
    assert "forum" in form.audience_note.value


# ---------------------------------------------------------------- memo and dispatch


def test_get_data_builds_once_per_folder(tmp_path, monkeypatch):
    calls = []

    def factory(c, d):
        calls.append((c, d))
        return object()

    forms.clear_memo()
    monkeypatch.setenv(forms.ENV_CACHE_DIR, str(tmp_path))
    a = forms.get_data(factory=factory)
    b = forms.get_data(str(tmp_path), factory=factory)
    assert a is b and calls == [(str(tmp_path), None)]
    forms.get_data(str(tmp_path / "lain"), factory=factory)
    assert len(calls) == 2
    forms.clear_memo()


def _defs(static_calls):
    def sections():
        return [Section("a", "A", Recorder())]

    def static(**params):
        static_calls.append(params)
        return "statis"

    return {
        "laporan_opd": FormDef(
            title="Laporan", controls=("kode_opd", "periode"), sections=sections, static=static
        )
    }


class _Data:
    def __init__(self, tables):
        self.tables = tables


def test_run_is_static_outside_voila(tables):
    calls: list[dict] = []
    result = forms.run(
        "laporan_opd",
        kode_opd="1.01",
        periode="2025",
        jenis_layanan="tidak dipakai",
        audience="internal",
        data_dir="/data",
        definitions=_defs(calls),
        environ={},
    )
    assert result == "statis"
    assert calls == [
        {
            "kode_opd": "1.01",
            "periode": "2025",
            "audience": "internal",
            "cache_dir": None,
            "data_dir": "/data",
        }
    ]


def test_run_under_voila_shows_form_with_query_and_forum(tables, monkeypatch):
    calls: list[dict] = []
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a))
    forms.clear_memo()
    form = forms.run(
        "laporan_opd",
        kode_opd="1.01",
        periode="2025",
        audience="internal",
        cache_dir="/tmp/tidak-dipakai",
        definitions=_defs(calls),
        factory=lambda c, d: _Data(tables),
        environ={"SERVER_SOFTWARE": "voila/0.5.13", "QUERY_STRING": "kode_opd=2.01"},
    )
    forms.clear_memo()
    assert calls == []  # not static
    assert isinstance(form, Form)
    assert form.selection.kode_opd == "2.01"
    assert form.selection.audience == "forum"
    assert "audiens forum" in form.notes_box.value
    # first the static preview of the selection (painted before the widgets), then the form
    assert len(shown) == 2 and shown[1][0] is form.widget
    assert shown[0][0]["text/html"].startswith("<div class='kinerja-pratinjau'")
    assert "kode_opd=2.01" in shown[0][0]["text/html"]


def test_wait_for_request_info_reads_voila_query_socket():
    """The pre-heated kernel's side of Voila's /voila/query/<kernel id> protocol."""
    import asyncio
    import json
    import socket
    import threading

    import tornado.web
    import tornado.websocket

    info = {"QUERY_STRING": "kode_opd=2.01", "SERVER_SOFTWARE": "voila/0.5.13"}
    seen: list[str] = []

    class Handler(tornado.websocket.WebSocketHandler):
        def open(self, kernel_id):
            seen.append(kernel_id)
            self.write_message(json.dumps(info))

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ready = threading.Event()
    holder = {}

    def serve():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/voila/query/(.*)", Handler)])
        holder["server"] = app.listen(port, "127.0.0.1")
        holder["loop"] = loop
        ready.set()
        loop.run_forever()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    assert ready.wait(10)
    env = {
        "VOILA_PREHEAT": "True",
        "VOILA_KERNEL_ID": "k-123",
        "VOILA_APP_PORT": str(port),
        "VOILA_SERVER_URL": "/",
    }
    try:
        got = forms.wait_for_request_info(env)
    finally:
        holder["loop"].call_soon_threadsafe(holder["loop"].stop)
    assert got == info
    assert env["QUERY_STRING"] == "kode_opd=2.01"
    assert seen == ["k-123"]
    assert forms.wait_for_request_info({"VOILA_PREHEAT": "False"}) is None


def test_revisiting_a_selection_reuses_rendered_outputs(options):
    rec = Recorder()
    form = make_form(options, [Section("a", "A", rec)], cache_size=2)
    form.controls["kode_opd"].value = "2.01"
    n_calls = len(rec.calls)
    form.controls["kode_opd"].value = "1.02"  # seen before: no builder call
    assert len(rec.calls) == n_calls
    assert "1.02" in form.outputs["a"].outputs[0]["data"]["text/html"]
    form.controls["kode_opd"].value = "1.01"
    form.controls["periode"].value = "2025-TW3"  # pushes 1.02/2025 out of a cache of 2
    form.controls["periode"].value = "2025"
    form.controls["kode_opd"].value = "1.02"
    assert rec.calls[-1] == Selection("1.02", "2025", None, "forum")
