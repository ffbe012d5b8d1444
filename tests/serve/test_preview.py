"""The form's static preview (painted before Voila's JavaScript) and the URL state it carries."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import pandas as pd

from kinerja.serve.forms import Form, FormOptions, Section
from kinerja.serve.handlers import indonesian_spinner
from kinerja.serve.preview import PREVIEW_CLASS, RAW_CLASS, inject_preview, preview_html


def _form() -> Form:
    from IPython.display import HTML

    tables = {
        "opd": pd.DataFrame(
            {"kode_opd": ["DINKES", "DISDIK"], "nama_opd": ["Dinas Kesehatan", "Dinas <Pend>"]}
        ),
        "layanan": pd.DataFrame(
            {
                "kode_opd": ["DINKES"],
                "jenis_layanan": ["Izin Praktik"],
                "mulai": pd.to_datetime(["2025-03-01"]),
            }
        ),
    }
    return Form(
        title="Uji <judul>",
        data=object(),
        sections=[
            Section("ikm", "", lambda d, s: HTML(f"<table><td>IKM {s.kode_opd}</td></table>"))
        ],
        options=FormOptions.from_tables(tables),
        controls=("kode_opd", "jenis_layanan", "periode"),
        defaults={"kode_opd": "DINKES", "periode": "2025"},
    )


def test_query_string_follows_the_controls():
    form = _form()
    assert form.query_string() == "kode_opd=DINKES&periode=2025"  # "all services" is left out
    form.set_values({"jenis_layanan": "Izin Praktik"})
    assert form.query_string() == "kode_opd=DINKES&periode=2025&jenis_layanan=Izin+Praktik"
    assert "data-query='kode_opd=DINKES&amp;periode=2025&amp;jenis_layanan=Izin+Praktik'" in (
        form.url_state.value
    )
    assert "data-awal='0'" in form.url_state.value  # a change: the page rewrites its address
    form.set_values({"kode_opd": "DISDIK"})
    assert "kode_opd=DISDIK" in form.url_state.value and "jenis_layanan" not in form.query_string()


def test_first_url_state_is_marked_as_initial():
    # the first state is what the address already says: the page leaves its URL alone
    assert "data-awal='1'" in _form().url_state.value


def test_preview_holds_the_selection_and_the_sections_escaped():
    form = _form()
    text = preview_html(form)
    assert text.startswith(f"<div class='{PREVIEW_CLASS}' data-query='kode_opd=DINKES&amp;")
    assert "<td>IKM DINKES</td>" in text  # the section's own (already escaped) HTML
    assert "Uji &lt;judul&gt;" in text and "Dinas Kesehatan (DINKES)" in text
    assert "kinerja-bagian-ikm" not in text  # never mistaken for the live section


def test_inject_preview_copies_only_preview_outputs_into_the_page():
    form = _form()
    out = {
        "output_type": "display_data",
        "data": {"text/html": preview_html(form), "text/plain": "Pratinjau formulir"},
        "metadata": {},
    }
    other = {"output_type": "display_data", "data": {"text/html": "<p>x</p>"}, "metadata": {}}
    script = '<script type="application/vnd.voila.cell-output+json">\n{}\n</script>'
    dumped = json.dumps(out).replace("<", "\\u003c")
    chunk = script.format(json.dumps(other)) + script.format(dumped)
    page = inject_preview(chunk)
    assert page.count(f'<div class="{RAW_CLASS}">') == 1
    assert "<td>IKM DINKES</td>" in page.split(RAW_CLASS, 1)[1]
    assert "URLSearchParams" in page  # the script that drops a preview of another selection
    assert page.count("IKM DINKES") == 1  # sent once: the output's own copy is emptied
    emptied = json.loads(page.split('cell-output+json">')[2].split("</script>")[0])
    assert emptied["data"]["text/html"] == f"<div class='{PREVIEW_CLASS}'></div>"
    assert inject_preview("<p>nothing</p>") == "<p>nothing</p>"


def test_spinner_speaks_indonesian():
    chunk = '<h2 id="loading_text">Running ...</h2> `Executing ${cell_index} of ${cell_count}`'
    out = indonesian_spinner(chunk)
    assert "Running" not in out and "Executing" not in out and "Memuat formulir" in out


_VOILA_HEAD = (
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8" />\n'
    '<meta name="viewport" content="width=device-width">\n<title>Laporan</title>\n'
    '<script src="/voila/templates/lab/static/voila-style.js?v=1"></script>\n'
    '<script type="module">import("x")</script>\n'
    '<link rel="stylesheet" type="text/css" href="/voila/templates/lab/static/index.css?v=2">\n'
    '<link rel="stylesheet" href="/voila/x.css" media="screen">\n</head>\n<body class="jp">'
)


def test_server_preview_is_the_first_content_and_unblocks_voilas_head():
    from kinerja.serve.preview import SERVER_CLASS, continue_page, page_start

    first = page_start("<div class='kinerja-pratinjau'>81,92</div>")
    assert first.startswith('<!DOCTYPE html>\n<html lang="id">\n<head><meta charset="utf-8" />')
    assert SERVER_CLASS in first and "81,92" in first and "<script src" not in first
    rest, done = continue_page(_VOILA_HEAD)
    assert done
    page = first + rest
    # one document start; the preview before every script and stylesheet of Voila
    assert page.count("<!DOCTYPE") == 1 and page.count("<head") == 1 and "<html" not in rest
    assert page.index("81,92") < page.index("voila-style.js") < page.index("index.css")
    assert page.index("81,92") < page.index("<title>")
    assert '<script defer src="/voila/templates/lab/static/voila-style.js?v=1">' in rest
    assert '<script type="module">' in rest  # module scripts are deferred already
    assert 'index.css?v=2" media="print" onload="this.media=\'all\'">' in rest
    assert '<link rel="stylesheet" href="/voila/x.css" media="screen">' in rest  # kept
    # a later chunk of the page is left alone
    later = "<div>sel</div><link rel='stylesheet' href='/a.css'>"
    assert continue_page(later) == (later, False)


def test_kernel_preview_copy_is_left_out_when_the_server_wrote_one():
    out = {
        "output_type": "display_data",
        "data": {"text/html": f"<div class='{PREVIEW_CLASS}' data-query=''>IKM 81,92</div>"},
        "metadata": {},
    }
    chunk = '<script type="application/vnd.voila.cell-output+json">' + json.dumps(out) + "</script>"
    assert RAW_CLASS in inject_preview(chunk)
    slim = inject_preview(chunk, raw=False)
    assert RAW_CLASS not in slim and "81,92" not in slim
