"""A static preview of a form, painted by the browser before Voila's JavaScript has loaded.

Why
---
A pre-heated form page arrives in about 0.3 s, but its numbers appear only once Voila's ~60
JavaScript chunks, the widget manager, the kernel websocket and the widget state are through
(1.5 s pre-heated, measured; see ``bench/bench_voila.py``). The sections of the first selection
are already rendered (and gated) in the kernel, so the form also displays them once as plain
HTML (:func:`preview_bundle`). The page handler (:class:`kinerja.serve.handlers.KinerjaVoilaHandler`)
copies that HTML out of the output's JSON into the page itself (:func:`inject_preview`), where
the browser paints it while it parses the document; a small script drops it when the live form
(``.kinerja-formulir``) appears, or at once when the address asks for another selection than
the preview shows (a pre-heated kernel receives the URL only after it rendered).

The copy rendered by JupyterLab's output area is hidden by CSS (:data:`PREVIEW_CSS`).

Server preview (first): when the selection the URL asks for is already in the form cache (the
pre-render of ``kinerja app`` stores every OPD of the default period), the page handler builds
the same preview from the cache alone (:func:`server_preview`, integrity-checked files, no
kernel) and sends it as the very first bytes of the page (:func:`page_start`), before Voila has
started or taken a kernel and before Voila's stylesheets and ``voila-style.js``, which are then
loaded without blocking the first paint (:func:`continue_page`). The kernel's copy is then left
out. Both previews come from one function (:func:`preview_markup`), so for the same outputs they
are identical, and the stored outputs are what the builders draw live (tested).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

#: Class of the preview's outer element (the kernel's output).
PREVIEW_CLASS = "kinerja-pratinjau"
#: Class of the copy the page handler writes into the document.
RAW_CLASS = "kinerja-pratinjau-mentah"
#: Extra class of the preview the server builds from the form cache (:func:`server_preview`).
SERVER_CLASS = "kinerja-pratinjau-server"

#: CSS the page handler adds to ``<head>``.
PREVIEW_CSS = (
    "<style>"
    f".{RAW_CLASS}{{padding:8px 16px 24px 16px;max-width:1200px}}"
    f".{RAW_CLASS} img{{max-width:100%;height:auto}}"
    f".jp-OutputArea .{PREVIEW_CLASS}{{display:none}}"
    f"body:has(.kinerja-formulir) .{RAW_CLASS}{{display:none}}"
    "</style>\n"
)

#: Runs right after the injected preview: keep it only when it shows what the address asks for,
#: put it above Voila's (still hidden) cells, hide the spinner, drop it once the form is live.
_MOVER = """<script>(function () {
  var box = document.currentScript.previousElementSibling;
  if (!box) { return; }
  var inner = box.firstElementChild;
  var have = new URLSearchParams((inner && inner.getAttribute('data-query')) || '');
  var want = new URLSearchParams(window.location.search);
  var same = ['kode_opd', 'periode', 'jenis_layanan'].every(function (k) {
    return !want.has(k) || want.get(k) === have.get(k);
  });
  if (!same) { box.remove(); return; }
  var cells = document.getElementById('rendered_cells');
  if (cells && cells.parentNode) { cells.parentNode.insertBefore(box, cells); }
  var spinner = document.getElementById('loading');
  if (spinner) { spinner.remove(); }
  var obs = new MutationObserver(function () {
    if (document.querySelector('.kinerja-formulir')) { box.remove(); obs.disconnect(); }
  });
  obs.observe(document.documentElement, {childList: true, subtree: true});
})();</script>"""

_OUTPUT_SCRIPT = re.compile(
    r'(<script type="application/vnd\.voila\.cell-output\+json">)(.*?)(</script>)', re.S
)


def _output_html(outputs: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for o in outputs:
        data = o.get("data") or {}
        if isinstance(data.get("text/html"), str):
            parts.append(data["text/html"])
        elif isinstance(data.get("image/png"), str):
            parts.append(f'<img alt="Grafik" src="data:image/png;base64,{data["image/png"]}"/>')
        elif isinstance(data.get("text/plain"), str):
            parts.append(f"<pre>{html.escape(data['text/plain'])}</pre>")
    return "".join(parts)


def preview_markup(
    title: str,
    chosen: Sequence[tuple[str, str]],
    query: str,
    sections: Sequence[tuple[str, Sequence[Mapping[str, Any]]]],
) -> str:
    """The preview fragment: title, the chosen values and every section's outputs.

    ``chosen`` is (control key, shown label) per control, ``query`` the selection as a query
    string, ``sections`` (section key, output dicts) in order. One function for the kernel's
    preview (:func:`preview_html`) and the server's (:func:`server_preview`), so both show the
    same markup for the same outputs.
    """
    from kinerja.serve.query import CONTROL_LABELS

    picked = [
        f"{html.escape(CONTROL_LABELS.get(key, key))}: <b>{html.escape(str(label))}</b>"
        for key, label in chosen
    ]
    body = "".join(
        f"<div class='kinerja-pratinjau-bagian-{html.escape(key)}'>{_output_html(outs)}</div>"
        for key, outs in sections
    )
    return (
        f"<div class='{PREVIEW_CLASS}' data-query='{html.escape(query, quote=True)}'>"
        f"<h2>{html.escape(title)}</h2>"
        f"<p>{' · '.join(picked)} <i>(memuat kontrol…)</i></p>{body}</div>"
    )


def preview_html(form: Any) -> str:
    """The form's current selection and sections as one HTML fragment (already gated/escaped)."""
    chosen = []
    for key, control in form.controls.items():
        label = next((lab for lab, v in control.options if v == control.value), control.value)
        chosen.append((key, str(label)))
    return preview_markup(
        form.title,
        chosen,
        form.query_string(),
        [(s.key, form.outputs[s.key].outputs) for s in form.sections],
    )


def preview_bundle(form: Any) -> dict[str, Any]:
    """The display bundle of :func:`preview_html` (``display(..., raw=True)``)."""
    return {"text/html": preview_html(form), "text/plain": "Pratinjau formulir"}


def server_preview(
    root: str | os.PathLike[str] | None, form: str, query: str | None, *, today: Any = None
) -> str | None:
    """The preview of form ``form`` for the URL ``query``, built by the server from the form
    cache alone (no kernel), or ``None`` when that selection is not stored.

    The selection is resolved as the form resolves it (:class:`kinerja.serve.form.Form`): the
    stored defaults (:meth:`RenderCache.get_meta` for the notebook's parameters, all ``None``),
    an invalid default replaced by the first option, then the valid values of the query string
    (:func:`kinerja.serve.query.parse_query`). The cache is found through the pointer the
    kernels and the pre-render write (:func:`kinerja.serve.render_cache.read_pointer`); it is
    used only when its code version and reference date are this server's, and every file read
    is integrity-checked. A service control (the bottleneck explorer) is resolved the same way
    against the services of the chosen OPD; such selections are stored once visited.
    """
    import pandas as pd

    from kinerja.domain.period import Periode
    from kinerja.serve.options import ALL
    from kinerja.serve.query import parse_query
    from kinerja.serve.render_cache import RenderCache, code_version, read_pointer
    from kinerja.serve.sections import Selection

    if not root:
        return None
    ptr = read_pointer(root, form)
    if ptr is None or ptr["code_version"] != code_version() or ptr["form"] != form:
        return None
    day = pd.Timestamp(today if today is not None else pd.Timestamp.today()).date()
    if ptr["tanggal"] != str(day):
        return None
    order = ("kode_opd", "periode", "jenis_layanan")  # the form's own order of its controls
    controls = [k for k in order if k in {str(c) for c in ptr["controls"]}]
    if len(controls) != len(ptr["controls"]):
        return None
    if "jenis_layanan" in controls and "kode_opd" not in controls:
        return None
    cache = RenderCache(
        root, form=form, data_key=str(ptr["data_key"]), sections=[str(k) for k in ptr["sections"]]
    )
    meta = cache.get_meta(dict.fromkeys(("kode_opd", "periode", "jenis_layanan")))
    if meta is None:
        return None
    options, defaults = meta
    pairs = {"kode_opd": options.opd, "periode": options.periode}
    values: dict[str, str] = {}
    for key in (k for k in controls if k != "jenis_layanan"):
        allowed = [v for _, v in pairs[key]]
        value = defaults.get(key)
        if value is not None and key == "periode":
            with contextlib.suppress(ValueError):
                value = str(Periode.parse(value))
        if value is not None and str(value) in allowed:
            values[key] = str(value)
        elif allowed:
            values[key] = allowed[0]
    if "jenis_layanan" in controls:
        # as the form does: the default service of the default OPD ("all" when none/invalid)
        pairs["jenis_layanan"] = options.layanan_options(values.get("kode_opd"))
        value = defaults.get("jenis_layanan")
        allowed = [v for _, v in pairs["jenis_layanan"]]
        values["jenis_layanan"] = str(value) if value is not None and value in allowed else ALL
    opts = {k: [v for _, v in pairs[k]] for k in controls if k != "jenis_layanan"}
    picked, _ = parse_query(query, opts)
    values.update(picked)
    if "jenis_layanan" in controls:
        # then the query's service, checked against the services of the OPD now chosen
        pairs["jenis_layanan"] = options.layanan_options(values.get("kode_opd"))
        allowed = [v for _, v in pairs["jenis_layanan"]]
        if values["jenis_layanan"] not in allowed:
            values["jenis_layanan"] = ALL
        picked, _ = parse_query(query, {**opts, "jenis_layanan": allowed})
        values.update(picked)
    selection = Selection(
        kode_opd=values.get("kode_opd"),
        periode=values.get("periode"),
        jenis_layanan=values.get("jenis_layanan") or None,
    )
    outputs = cache.get(selection)
    if outputs is None:
        return None
    chosen = [
        (k, next((lab for lab, v in pairs[k] if v == values.get(k)), values.get(k) or ""))
        for k in controls
    ]
    query_string = urlencode([(k, values[k]) for k in controls if values.get(k)])
    return preview_markup(
        str(ptr["title"]), chosen, query_string, [(k, outputs[k]) for k in cache.sections]
    )


#: Written with the server's preview: the preview's own look (it is painted before Voila's
#: stylesheets have loaded) and Voila's spinner hidden while it shows.
SERVER_PREVIEW_CSS = (
    "<style>"
    f".{RAW_CLASS}{{padding:8px 16px 24px 16px;max-width:1200px;"
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
    "font-size:14px;line-height:1.4;color:#1f2933}"
    f".{RAW_CLASS} img{{max-width:100%;height:auto}}"
    f"body:has(.{SERVER_CLASS}) #loading{{display:none!important}}"
    f"body:has(.kinerja-formulir) .{RAW_CLASS}{{display:none}}"
    "</style>"
)

#: Drops the server's preview once the live form is in the page.
_SERVER_MOVER = """<script>(function () {
  var box = document.currentScript.previousElementSibling;
  if (!box) { return; }
  var obs = new MutationObserver(function () {
    if (document.querySelector('.kinerja-formulir')) { box.remove(); obs.disconnect(); }
  });
  obs.observe(document.documentElement, {childList: true, subtree: true});
})();</script>"""

#: How Voila's page begins (up to its charset); the server has already sent its own start.
_DOCUMENT_START = re.compile(
    r"\A\s*(?:<!DOCTYPE html>\s*)?<html\b[^>]*>\s*<head\b[^>]*>\s*(?:<meta\s+charset=[^>]*>)?",
    re.IGNORECASE,
)


def page_start(markup: str) -> str:
    """The first bytes of a form page with a server preview: the document's start and the
    preview, sent before Voila has started (or taken) a kernel.

    The preview is the first content of the page -- before Voila's stylesheets and its
    parser-blocking ``voila-style.js`` (the HTML parser opens the body there; the head's other
    elements keep their order) -- so the browser paints the numbers as soon as these bytes
    arrive, whether the kernel is pre-heated or still starting.
    """
    return (
        '<!DOCTYPE html>\n<html lang="id">\n<head><meta charset="utf-8" />'
        f'{SERVER_PREVIEW_CSS}<div class="{RAW_CLASS} {SERVER_CLASS}">{markup}</div>'
        f"{_SERVER_MOVER}\n"
    )


def continue_page(chunk: str) -> tuple[str, bool]:
    """Voila's first chunk after :func:`page_start`: its own document start (doctype, ``<html>``,
    ``<head>``, charset) removed and its head resources made non-blocking
    (:func:`unblock_first_paint`). Returns the chunk and whether it was that first chunk."""
    m = _DOCUMENT_START.match(chunk)
    if m is None:
        return chunk, False
    return unblock_first_paint(chunk[m.end() :]), True


_BLOCKING_LINK = re.compile(
    r"<link\b(?![^>]*\bmedia=)([^>]*\brel=[\"']?stylesheet[^>]*?)\s*/?>", re.I
)
_BLOCKING_SCRIPT = re.compile(
    r"<script\b(?![^>]*\b(?:defer|async|type=[\"']?module)\b)([^>]*\bsrc=[^>]*voila-style\.js[^>]*)>",
    re.I,
)


def unblock_first_paint(chunk: str) -> str:
    """Voila's head resources made non-blocking, so the server's preview paints at once.

    Voila's page starts with a parser-blocking ``voila-style.js`` (343 KB) and two
    render-blocking stylesheets (256 KB); the browser paints nothing until all three are in
    (about 0.3-0.6 s on this machine). With the preview in the page they are loaded without
    blocking: the stylesheets with ``media="print"`` switched to ``all`` once loaded (same
    place in the cascade), the script with ``defer`` (it only appends style elements to
    ``<head>``, which, after the preview opened the body, lands in the same cascade position
    as before). Voila's own content stays hidden behind its JavaScript in either case.
    """
    chunk = _BLOCKING_LINK.sub(
        lambda m: f'<link{m.group(1)} media="print" onload="this.media=\'all\'">', chunk
    )
    return _BLOCKING_SCRIPT.sub(lambda m: f"<script defer{m.group(1)}>", chunk)


def inject_preview(chunk: str, *, raw: bool = True) -> str:
    """``chunk`` with a raw copy of every preview output placed after its JSON script.

    ``raw=False`` (the server already wrote its own preview): the output's JSON is only slimmed,
    no second copy is written.
    """
    if PREVIEW_CLASS not in chunk or "vnd.voila.cell-output+json" not in chunk:
        return chunk

    def add(m: re.Match[str]) -> str:
        try:
            out = json.loads(m.group(2))
        except ValueError:
            return m.group(0)
        body = (out.get("data") or {}).get("text/html") if isinstance(out, dict) else None
        if isinstance(body, list):
            body = "".join(map(str, body))
        if not isinstance(body, str) or not body.startswith(f"<div class='{PREVIEW_CLASS}'"):
            return m.group(0)
        # the output area would only render it hidden: send it once, as the raw copy
        out["data"]["text/html"] = f"<div class='{PREVIEW_CLASS}'></div>"
        slim = json.dumps(out, ensure_ascii=False).replace("<", "\\u003c")
        if not raw:
            return m.group(1) + slim + m.group(3)
        return m.group(1) + slim + m.group(3) + f'<div class="{RAW_CLASS}">{body}</div>' + _MOVER

    return _OUTPUT_SCRIPT.sub(add, chunk)


__all__ = [
    "PREVIEW_CLASS",
    "PREVIEW_CSS",
    "RAW_CLASS",
    "SERVER_CLASS",
    "SERVER_PREVIEW_CSS",
    "inject_preview",
    "continue_page",
    "page_start",
    "preview_bundle",
    "preview_html",
    "preview_markup",
    "server_preview",
    "unblock_first_paint",
]
