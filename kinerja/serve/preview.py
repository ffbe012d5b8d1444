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
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

#: Class of the preview's outer element (the kernel's output).
PREVIEW_CLASS = "kinerja-pratinjau"
#: Class of the copy the page handler writes into the document.
RAW_CLASS = "kinerja-pratinjau-mentah"

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


def preview_html(form: Any) -> str:
    """The form's current selection and sections as one HTML fragment (already gated/escaped)."""
    from kinerja.serve.query import CONTROL_LABELS

    chosen = []
    for key, control in form.controls.items():
        label = next((lab for lab, v in control.options if v == control.value), control.value)
        chosen.append(
            f"{html.escape(CONTROL_LABELS.get(key, key))}: <b>{html.escape(str(label))}</b>"
        )
    sections = "".join(
        f"<div class='kinerja-pratinjau-bagian-{html.escape(s.key)}'>"
        f"{_output_html(form.outputs[s.key].outputs)}</div>"
        for s in form.sections
    )
    return (
        f"<div class='{PREVIEW_CLASS}' data-query='{html.escape(form.query_string(), quote=True)}'>"
        f"<h2>{html.escape(form.title)}</h2>"
        f"<p>{' · '.join(chosen)} <i>(memuat kontrol…)</i></p>{sections}</div>"
    )


def preview_bundle(form: Any) -> dict[str, Any]:
    """The display bundle of :func:`preview_html` (``display(..., raw=True)``)."""
    return {"text/html": preview_html(form), "text/plain": "Pratinjau formulir"}


def inject_preview(chunk: str) -> str:
    """``chunk`` with a raw copy of every preview output placed after its JSON script."""
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
        return m.group(1) + slim + m.group(3) + f'<div class="{RAW_CLASS}">{body}</div>' + _MOVER

    return _OUTPUT_SCRIPT.sub(add, chunk)


__all__ = [
    "PREVIEW_CLASS",
    "PREVIEW_CSS",
    "RAW_CLASS",
    "inject_preview",
    "preview_bundle",
    "preview_html",
]
