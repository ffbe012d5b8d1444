"""The form widget: drop-downs plus one output area per section, redrawn on a change."""

from __future__ import annotations

import contextlib
import html
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kinerja.domain.period import Periode
from kinerja.serve.options import ALL, FormOptions
from kinerja.serve.query import (
    CONTROL_LABELS,
    MAX_ECHO,
    is_preheating,
    parse_query,
    wait_for_request_info,
)
from kinerja.serve.render_cache import RenderCache
from kinerja.serve.sections import Section, Selection, render_section_checked

log = logging.getLogger(__name__)


class Form:
    """Drop-downs plus one output area per section, redrawn when a control changes.

    Parameters
    ----------
    title : str
        Heading of the page (escaped).
    data : object
        Whatever the section builders take (``kinerja.metrics.store.ReportData``), built once.
    sections : sequence of Section
    options : FormOptions
    controls : sequence of {"kode_opd", "periode", "jenis_layanan"}
        Which drop-downs the form shows, in order.
    defaults : mapping
        Initial values (the notebook's parameters); invalid ones fall back to the first option
        with a note.
    notes : iterable of str
        Extra notes to show (plain text, escaped).
    cache_size : int
        How many recent selections keep their rendered outputs (a revisit is not recomputed).
    render_cache : RenderCache, optional
        Rendered outputs on disk (pre-rendered by ``kinerja app``, shared by every kernel): a
        redraw looks in memory, then on disk, and only then runs the section builders (whose
        outputs are then stored on disk for the next kernel).
    """

    def __init__(
        self,
        *,
        title: str,
        data: Any,
        sections: Sequence[Section],
        options: FormOptions,
        controls: Sequence[str] = ("kode_opd", "periode"),
        defaults: Mapping[str, Any] | None = None,
        notes: Iterable[str] = (),
        cache_size: int = 32,
        render_cache: RenderCache | None = None,
    ) -> None:
        import ipywidgets as w

        self.title = title
        self.data = data
        self.sections = list(sections)
        self.options = options
        self.control_keys = tuple(controls)
        self._lock = threading.RLock()
        self._hold = False
        self.redraw_count = 0
        self.last_redraw_seconds: float | None = None
        #: where the last redraw's outputs came from: "memori", "disk" or "langsung" (live)
        self.last_redraw_source: str | None = None
        self.render_cache = render_cache
        # rendered outputs of recent selections: going back to an OPD seen before is instant
        self.cache_size = cache_size
        self._rendered: OrderedDict[Selection, dict[str, tuple[dict[str, Any], ...]]] = (
            OrderedDict()
        )
        self._notes: list[str] = list(notes)
        defaults = dict(defaults or {})

        style = {"description_width": "initial"}
        layout = w.Layout(width="auto", min_width="18em")
        self.controls: dict[str, Any] = {}
        if "kode_opd" in self.control_keys:
            self.controls["kode_opd"] = w.Dropdown(
                description="OPD", options=options.opd, style=style, layout=layout
            )
        if "periode" in self.control_keys:
            self.controls["periode"] = w.Dropdown(
                description="Periode", options=options.periode, style=style, layout=layout
            )
        if "jenis_layanan" in self.control_keys:
            self.controls["jenis_layanan"] = w.Dropdown(
                description="Layanan", options=[("Semua layanan", ALL)], style=style, layout=layout
            )
        for key, c in self.controls.items():
            c.add_class("kinerja-kontrol")
            c.add_class(f"kinerja-kontrol-{key}")

        self._hold = True
        try:
            self._set_defaults(defaults)
        finally:
            self._hold = False

        self.heading = w.HTML(f"<h2 class='kinerja-judul'>{html.escape(title)}</h2>")
        self.audience_note = w.HTML(
            "<p class='kinerja-audiens'>Audiens: <b>forum</b> — hanya angka agregat; kelompok "
            "kecil disamarkan.</p>"
        )
        self.notes_box = w.HTML()
        self.notes_box.add_class("kinerja-catatan")
        self.status = w.HTML()
        self.status.add_class("kinerja-status")
        # the selection as a query string, read by the page's script that keeps the address
        # bar in step (kinerja.serve.handlers.URL_SYNC_SCRIPT): a copied link shows this view
        self.url_state = w.HTML()
        self.url_state.add_class("kinerja-url-status")
        self._gate: Any = None
        self.outputs: dict[str, Any] = {}
        parts: list[Any] = []
        for s in self.sections:
            out = w.Output()
            out.add_class(f"kinerja-bagian-{s.key}")
            self.outputs[s.key] = out
            if s.title:
                parts.append(w.HTML(f"<h3>{html.escape(s.title)}</h3>"))
            parts.append(out)
        self.widget = w.VBox(
            [
                self.heading,
                w.HBox(list(self.controls.values()), layout=w.Layout(flex_flow="row wrap")),
                self.audience_note,
                self.notes_box,
                self.status,
                self.url_state,
                *parts,
            ]
        )
        self.widget.add_class("kinerja-formulir")
        self._show_notes()
        for key, c in self.controls.items():
            c.observe(self._on_change, names="value")
            c._kinerja_key = key  # noqa: SLF001 - marker for the observer
        self.redraw()

    # -- values ------------------------------------------------------------------------------

    def _set_defaults(self, defaults: Mapping[str, Any]) -> None:
        for key in ("kode_opd", "periode", "jenis_layanan"):
            if key not in self.controls:
                continue
            if key == "jenis_layanan":
                self._refresh_layanan()
            c = self.controls[key]
            allowed = [v for _, v in c.options]
            value = defaults.get(key)
            if value is None and key == "jenis_layanan":
                value = ALL
            if value is not None and key == "periode":
                with contextlib.suppress(ValueError):
                    value = str(Periode.parse(value))
            if value is not None and str(value) in allowed:
                c.value = str(value)
            elif allowed:
                if value is not None:
                    self._notes.append(
                        f"Nilai bawaan {CONTROL_LABELS[key]} “{str(value)[:MAX_ECHO]}” tidak ada "
                        "dalam data; pilihan pertama dipakai."
                    )
                c.value = allowed[0]

    def _refresh_layanan(self) -> None:
        c = self.controls.get("jenis_layanan")
        if c is None:
            return
        kode = self.controls["kode_opd"].value if "kode_opd" in self.controls else None
        opts = self.options.layanan_options(kode)
        current = c.value
        c.options = opts
        values = [v for _, v in opts]
        c.value = current if current in values else ALL

    @property
    def gate(self) -> Any:
        """The personal-data gate of this form's data (built on the first live render)."""
        if self._gate is None:
            from kinerja.serve.privacy import form_gate

            self._gate = form_gate(self.data)
        return self._gate

    def query_string(self) -> str:
        """The current selection as a URL query string (what the address bar shows)."""
        from urllib.parse import urlencode

        pairs = [
            (k, str(c.value))
            for k, c in self.controls.items()
            if c.value not in (None, "") and not (k == "jenis_layanan" and c.value == ALL)
        ]
        return urlencode(pairs)

    def _show_url(self) -> None:
        first = "1" if self.redraw_count == 0 else "0"
        self.url_state.value = (
            f"<span class='kinerja-url' data-awal='{first}' "
            f"data-query='{html.escape(self.query_string(), quote=True)}'></span>"
        )

    @property
    def selection(self) -> Selection:
        """The current selection (audience is always ``forum`` in a form)."""
        get = {k: c.value for k, c in self.controls.items()}
        layanan = get.get("jenis_layanan")
        return Selection(
            kode_opd=get.get("kode_opd"),
            periode=get.get("periode"),
            jenis_layanan=layanan if layanan else None,
            audience="forum",
        )

    def set_values(self, values: Mapping[str, str]) -> None:
        """Set several controls at once with a single redraw (values must be valid options)."""
        with self._lock:
            self._hold = True
            try:
                if "kode_opd" in values and "kode_opd" in self.controls:
                    self.controls["kode_opd"].value = values["kode_opd"]
                    self._refresh_layanan()
                for key in ("periode", "jenis_layanan"):
                    if key in values and key in self.controls:
                        self.controls[key].value = values[key]
            finally:
                self._hold = False
            self.redraw()

    def apply_query(self, query: str | None) -> list[str]:
        """Preselect controls from a URL query string; return the notes about ignored values."""
        opts: dict[str, list[str]] = {
            k: self.options.values(k) for k in self.controls if k != "jenis_layanan"
        }
        selection, notes = parse_query(query, opts)
        if "jenis_layanan" in self.controls:
            kode = selection.get("kode_opd", self.controls["kode_opd"].value)
            opts["jenis_layanan"] = self.options.values("jenis_layanan", kode_opd=kode)
            selection, notes = parse_query(query, opts)
        self._notes.extend(notes)
        self._show_notes()
        if selection:
            self.set_values(selection)
        return notes

    def _show_notes(self) -> None:
        if self._notes:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in self._notes)
            self.notes_box.value = f"<ul>{items}</ul>"
        else:
            self.notes_box.value = ""

    # -- redraw ------------------------------------------------------------------------------

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._hold:
            return
        owner = change.get("owner")
        if getattr(owner, "_kinerja_key", None) == "kode_opd" and "jenis_layanan" in self.controls:
            with self._lock:
                self._hold = True
                try:
                    self._refresh_layanan()
                finally:
                    self._hold = False
        self.redraw()

    def redraw(self) -> None:
        """Re-run every section builder for the current selection and swap the outputs."""
        with self._lock:
            t0 = time.perf_counter()
            sel = self.selection
            self.status.value = "<span>Memuat…</span>"
            self._show_url()
            source = "memori"
            cached = self._rendered.get(sel)
            if cached is not None:
                self._rendered.move_to_end(sel)
            elif self.render_cache is not None:
                cached = self.render_cache.get(sel)
                source = "disk"
            fresh: dict[str, tuple[dict[str, Any], ...]] = {}
            all_ok = True
            for s in self.sections:
                out = cached.get(s.key) if cached is not None else None
                if out is None:
                    source = "langsung"
                    rendered, ok = render_section_checked(s, self.data, sel, self.gate)
                    out = tuple(rendered)
                    all_ok = all_ok and ok
                fresh[s.key] = out
                # section by section: the first sections are on screen while later ones render
                self.outputs[s.key].outputs = out
            self._rendered[sel] = fresh
            if source == "langsung" and all_ok and self.render_cache is not None:
                self.render_cache.put(sel, fresh)  # the next kernel shows it from disk
            self.last_redraw_source = source
            while len(self._rendered) > self.cache_size:
                self._rendered.popitem(last=False)
            self.redraw_count += 1
            self.last_redraw_seconds = time.perf_counter() - t0
            # invisible marker: which redraw is on screen and how long the kernel took (the
            # browser test and bench/bench_voila.py wait for it)
            self.status.value = (
                f"<span class='kinerja-selesai' data-redraw='{self.redraw_count}' "
                f"data-ms='{self.last_redraw_seconds * 1000:.0f}' "
                f"data-sumber='{source}'></span>"
            )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def start_query_watch(form: Form) -> threading.Thread:
    """In a pre-heated kernel, apply the query string once the request arrives.

    The notebook of a pre-heated kernel runs before anyone asks for the page, so the query
    string is not known yet. :func:`wait_for_request_info` blocks until Voila hands the kernel to
    a request; it runs in a daemon thread so that no cell blocks (the executor keeps its finite
    timeout) and the page is served at once with the defaults, then updated over the widget
    connection.
    """

    def watch() -> None:
        try:
            info = wait_for_request_info()
        except Exception:  # pragma: no cover - logged, the defaults stay
            log.exception("parameter URL tidak dapat dibaca")
            return
        if info is not None:
            form.apply_query(info.get("QUERY_STRING"))

    t = threading.Thread(target=watch, name="kinerja-query", daemon=True)
    t.start()
    return t


def show_form(
    *,
    title: str,
    data: Any,
    sections: Sequence[Section],
    options: FormOptions,
    controls: Sequence[str],
    defaults: Mapping[str, Any],
    audience: str | None = "forum",
    environ: Mapping[str, str] | None = None,
    render_cache: RenderCache | None = None,
) -> Form:
    """Build a form, preselect from the URL and display it (the Voila path)."""
    from IPython.display import display

    env = os.environ if environ is None else environ
    notes: list[str] = []
    if audience not in (None, "forum"):
        notes.append("Formulir Voila selalu memakai audiens forum (angka agregat saja).")
    form = Form(
        title=title,
        data=data,
        sections=sections,
        options=options,
        controls=controls,
        defaults=defaults,
        notes=notes,
        render_cache=render_cache,
    )
    if is_preheating(env):
        start_query_watch(form)
    else:
        form.apply_query(env.get("QUERY_STRING"))
    # the first selection as plain HTML: painted before the widget JavaScript has loaded
    # (kinerja.serve.preview; dropped by the page once the live form appears)
    from kinerja.serve.preview import preview_bundle

    display(preview_bundle(form), raw=True)
    display(form.widget)
    return form


__all__ = [
    "start_query_watch",
    "Form",
    "show_form",
]
