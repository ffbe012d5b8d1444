"""Interactive forms (ipywidgets) over the report sections, for Voila.

One notebook is both a Papermill template and a Voila form. Its cell after the tagged
``parameters`` cell makes one call, ``kinerja.serve.notebook.show("laporan_opd", kode_opd=..., ...)``:

* under Papermill / plain Jupyter the call displays the static sections for the parameters
  (:func:`kinerja.report.notebook.show`, from the section registry);
* under Voila it displays a form: drop-downs for OPD, period and (bottleneck explorer) service,
  whose defaults are the parameter values, and one output area per section that is redrawn when
  a control changes. URL query parameters (``?kode_opd=...&periode=...``) preselect the controls.

Speed: the heavy aggregation (loading the prepared cache, building the report data) happens once
per kernel and is memoised in :func:`get_data`; a control change only filters and redraws.
Drawing is the expensive part of a redraw (about eight charts per OPD), so rendered sections are
kept at three levels: in memory per form (recent selections), on disk for every kernel of
``kinerja app`` (:class:`RenderCache`, keyed by input hashes, parameters, date, code version and
selection; ``KINERJA_FORM_CACHE``), and pre-rendered by the app in background worker processes
for every OPD of the default period (:func:`prerender`). A redraw reads memory, then disk, and
only then runs the builders live (storing the result for the next kernel). The form's options
and defaults are cached the same way, so a new kernel showing a stored selection never reads the
large tables.

Safety: the audience is always ``forum`` under Voila. Query-string values are only *compared*
with the option lists (never evaluated); an unknown value is ignored with a polite note, and every
text this module writes into HTML is escaped.

This module is the public face of the forms (the app and the tests import from here); the parts live in one module per job:

* :mod:`kinerja.serve.query` -- Voila environment and URL query string;
* :mod:`kinerja.serve.options` -- the choices a form offers and its defaults;
* :mod:`kinerja.serve.memo` -- the report data, built once per kernel;
* :mod:`kinerja.serve.sections` -- selections, sections and their rendering into outputs;
* :mod:`kinerja.serve.render_cache` -- rendered sections on disk;
* :mod:`kinerja.serve.form` -- the form widget;
* :mod:`kinerja.serve.entry` -- one code path per notebook: a form under Voila, static otherwise (:func:`run`);
* :mod:`kinerja.serve.prerender` -- background pre-rendering for ``kinerja app``;
* :mod:`kinerja.serve.definitions` -- which notebooks are forms, with which sections.
"""

from __future__ import annotations

from kinerja.serve.definitions import (
    FormDef,
    form_definitions,
    report_section,
)
from kinerja.serve.entry import form, run
from kinerja.serve.form import Form, show_form
from kinerja.serve.memo import clear_memo, get_data
from kinerja.serve.options import ALL, FormOptions, options_for
from kinerja.serve.prerender import (
    PRERENDER_FORMS,
    prerender,
    prerender_main,
    prerender_more_selections,
    prerender_one,
    prerender_selections,
)
from kinerja.serve.query import (
    ENV_CACHE_DIR,
    ENV_DATA_DIR,
    ENV_FORM_CACHE,
    ENV_PARAMS_DIR,
    is_preheating,
    is_voila,
    parse_query,
    wait_for_request_info,
)
from kinerja.serve.render_cache import (
    RenderCache,
    code_version,
    data_key,
    data_key_of,
    render_cache_for,
)
from kinerja.serve.sections import Section, Selection, render_section, to_outputs

__all__ = [
    "ALL",
    "ENV_CACHE_DIR",
    "ENV_DATA_DIR",
    "ENV_FORM_CACHE",
    "ENV_PARAMS_DIR",
    "PRERENDER_FORMS",
    "RenderCache",
    "code_version",
    "data_key",
    "data_key_of",
    "prerender",
    "prerender_main",
    "prerender_more_selections",
    "prerender_one",
    "prerender_selections",
    "render_cache_for",
    "form",
    "form_definitions",
    "report_section",
    "Form",
    "FormDef",
    "FormOptions",
    "Section",
    "Selection",
    "clear_memo",
    "get_data",
    "is_preheating",
    "is_voila",
    "options_for",
    "parse_query",
    "render_section",
    "run",
    "show_form",
    "to_outputs",
    "wait_for_request_info",
]
