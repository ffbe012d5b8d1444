"""Interactive forms (ipywidgets) over the report sections, for Voila.

One notebook is both a Papermill template and a Voila form. Its cell after the tagged
``parameters`` cell makes one call, e.g. ``kinerja.serve.forms.laporan_opd(kode_opd=kode_opd, ...)``
(or ``kinerja.report.core.show_laporan_opd(...)``, which delegates here under Voila):

* under Papermill / plain Jupyter the call displays the static sections for the parameters
  (straight through, :mod:`kinerja.report.core` does it);
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
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs

import pandas as pd

from kinerja.domain.period import Periode

log = logging.getLogger(__name__)

#: Environment variables through which ``kinerja app`` tells every kernel where the data is.
ENV_CACHE_DIR = "KINERJA_CACHE_DIR"
ENV_DATA_DIR = "KINERJA_DATA_DIR"
ENV_PARAMS_DIR = "KINERJA_PARAMS_DIR"

#: Folder of the rendered-section cache (set by ``kinerja app``; unset: no disk cache).
ENV_FORM_CACHE = "KINERJA_FORM_CACHE"

#: Query-string keys a form understands; anything else is ignored.
QUERY_KEYS = ("kode_opd", "periode", "jenis_layanan")

#: Longest query value echoed back in a note (the rest is cut).
_MAX_ECHO = 40

#: Option value meaning "all services" in the service drop-down.
ALL = ""

_LABELS = {
    "kode_opd": "OPD",
    "periode": "Periode",
    "jenis_layanan": "Layanan",
}


# --------------------------------------------------------------------------------------------
# Environment


def is_voila(environ: Mapping[str, str] | None = None) -> bool:
    """True when running in a kernel started by Voila.

    Voila 0.5 sets ``VOILA_KERNEL_ID`` in every kernel it renders a notebook with, and
    ``VOILA_PREHEAT`` (``"True"``/``"False"``) in the kernel environment; for a request-bound
    kernel it also passes the CGI-style ``SERVER_SOFTWARE=voila/<version>`` (see
    ``voila/handler.py`` and ``voila/voila_kernel_manager.py``). A pre-heated kernel gets
    ``SERVER_SOFTWARE`` only once a request arrives, so all three are checked.
    """
    env = os.environ if environ is None else environ
    return (
        env.get("SERVER_SOFTWARE", "").startswith("voila")
        or bool(env.get("VOILA_KERNEL_ID"))
        or env.get("VOILA_PREHEAT") in ("True", "False")
    )


def is_preheating(environ: Mapping[str, str] | None = None) -> bool:
    """True in a pre-heated Voila kernel (executed before any request arrived)."""
    env = os.environ if environ is None else environ
    return env.get("VOILA_PREHEAT") == "True"


# --------------------------------------------------------------------------------------------
# Query string


def parse_query(
    query: str | None,
    options: Mapping[str, Sequence[str]],
) -> tuple[dict[str, str], list[str]]:
    """Validate a URL query string against the option lists.

    Parameters
    ----------
    query : str or None
        The raw query string (``kode_opd=1.01&periode=2025-TW3``), as Voila passes it in the
        ``QUERY_STRING`` environment variable.
    options : mapping
        For each control key the allowed values (e.g. ``{"kode_opd": ["1.01", ...]}``). Keys not
        in the mapping are ignored silently (Voila's own ``template``/``theme`` arguments).

    Returns
    -------
    selection : dict
        Key → accepted value (first occurrence).
    notes : list of str
        Indonesian notes about values that were not accepted, safe to show as plain text.

    Notes
    -----
    Values are only compared with ``options``; they are never evaluated or used as paths.
    """
    selection: dict[str, str] = {}
    notes: list[str] = []
    if not query:
        return selection, notes
    try:
        parsed = parse_qs(query, keep_blank_values=False, max_num_fields=50)
    except ValueError:
        return selection, ["Parameter alamat (URL) terlalu banyak; semua diabaikan."]
    for key, values in parsed.items():
        if key not in options or not values:
            continue
        value = values[0].strip()
        allowed = options[key]
        if value in allowed:
            selection[key] = value
            continue
        # periods are accepted in any spelling Periode understands (2025-tw3 == 2025-TW3)
        if key == "periode":
            try:
                canonical = str(Periode.parse(value))
            except ValueError:
                canonical = None
            if canonical in allowed:
                selection[key] = canonical
                continue
        shown = value if len(value) <= _MAX_ECHO else value[:_MAX_ECHO] + "…"
        notes.append(
            f"Nilai {_LABELS.get(key, key)} “{shown}” dari alamat (URL) tidak dikenal dan "
            "diabaikan; pilihan bawaan dipakai."
        )
    return selection, notes


# --------------------------------------------------------------------------------------------
# Options derived from the data


def _periods_from_dates(dates: Iterable[pd.Series]) -> list[Periode]:
    import numpy as np

    months: set[tuple[int, int]] = set()
    for s in dates:
        d = s if pd.api.types.is_datetime64_any_dtype(s) else pd.to_datetime(s, errors="coerce")
        # distinct months of a million dates: numpy month units, not a DataFrame of year/month
        # columns (1.8 s → a few ms for laporan_kinerja at Salatiga scale)
        values = d.dropna().to_numpy(dtype="datetime64[ns]")
        if values.size == 0:
            continue
        for m in np.unique(values.astype("datetime64[M]")).astype(int):
            months.add((1970 + int(m) // 12, int(m) % 12 + 1))
    periods: set[Periode] = set()
    for y, m in months:
        periods.add(Periode(y, "tahun"))
        periods.add(Periode(y, "triwulan", (m - 1) // 3 + 1))
        periods.add(Periode(y, "bulan", m))
    order = {"tahun": 0, "triwulan": 1, "bulan": 2}
    # newest year first; inside a year: the year, its quarters, its months
    return sorted(periods, key=lambda p: (-p.year, order[p.kind], p.number))


@dataclass(frozen=True)
class FormOptions:
    """The choices a form offers, computed once from the data.

    Attributes
    ----------
    opd : list of (label, kode_opd)
        Labels are ``"nama (kode)"``.
    periode : list of (label, periode)
        Years, quarters and months present in the data, newest year first.
    layanan : dict
        kode_opd → sorted list of its ``jenis_layanan``.
    """

    opd: list[tuple[str, str]]
    periode: list[tuple[str, str]]
    layanan: dict[str, list[str]] = field(default_factory=dict)

    def values(self, key: str, *, kode_opd: str | None = None) -> list[str]:
        """Allowed values of one control (for query-string validation)."""
        if key == "kode_opd":
            return [v for _, v in self.opd]
        if key == "periode":
            return [v for _, v in self.periode]
        if key == "jenis_layanan":
            return [ALL, *self.layanan.get(kode_opd or "", [])]
        raise KeyError(key)

    def layanan_options(self, kode_opd: str | None) -> list[tuple[str, str]]:
        """Service drop-down options of one OPD, "all services" first."""
        return [("Semua layanan", ALL)] + [(j, j) for j in self.layanan.get(kode_opd or "", [])]

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame | None]) -> FormOptions:
        """Derive the options from loaded tables (``Dataset.tables``).

        OPDs come from ``opd`` (all of them, sorted by code); periods from the dates of ``skm``,
        ``layanan``, ``pengaduan``, ``laporan_kinerja`` and the ``periode`` strings of
        ``penilaian_skp``; services from ``standar_layanan`` and ``layanan``.
        """
        opd = tables.get("opd")
        opd_opts: list[tuple[str, str]] = []
        if opd is not None and not opd.empty:
            o = (
                opd[["kode_opd", "nama_opd"]]
                .dropna(subset=["kode_opd"])
                .drop_duplicates("kode_opd")
            )
            o = o.sort_values("kode_opd")
            opd_opts = [
                (f"{n} ({k})" if isinstance(n, str) and n else str(k), str(k))
                for k, n in zip(o["kode_opd"], o["nama_opd"], strict=True)
            ]

        dates: list[pd.Series] = []
        for name, col in (
            ("skm", "tanggal"),
            ("layanan", "mulai"),
            ("pengaduan", "tanggal_masuk"),
            ("laporan_kinerja", "tanggal"),
        ):
            t = tables.get(name)
            if t is not None and col in t.columns and len(t):
                dates.append(t[col])
        periods = _periods_from_dates(dates)
        skp = tables.get("penilaian_skp")
        if skp is not None and "periode" in skp.columns:
            extra = set()
            for text in skp["periode"].dropna().unique():
                try:
                    extra.add(Periode.parse(str(text)))
                except ValueError:
                    continue
            if extra - set(periods):
                order = {"tahun": 0, "triwulan": 1, "bulan": 2}
                periods = sorted(
                    set(periods) | extra, key=lambda p: (-p.year, order[p.kind], p.number)
                )
        periode_opts = [(p.label, str(p)) for p in periods]

        layanan: dict[str, set[str]] = {}
        for name in ("standar_layanan", "layanan"):
            t = tables.get(name)
            if t is None or t.empty:
                continue
            pairs = t[["kode_opd", "jenis_layanan"]].dropna().drop_duplicates()
            for k, j in zip(pairs["kode_opd"], pairs["jenis_layanan"], strict=True):
                layanan.setdefault(str(k), set()).add(str(j))
        return cls(
            opd=opd_opts,
            periode=periode_opts,
            layanan={k: sorted(v) for k, v in layanan.items()},
        )


# --------------------------------------------------------------------------------------------
# Data memo (heavy aggregation once per kernel)

_MEMO: dict[tuple[str, str], Any] = {}
_MEMO_LOCK = threading.Lock()


def resolve_dirs(
    cache_dir: str | os.PathLike[str] | None, data_dir: str | os.PathLike[str] | None
) -> tuple[str | None, str | None]:
    """Explicit arguments win; otherwise ``KINERJA_CACHE_DIR`` / ``KINERJA_DATA_DIR``."""
    c = cache_dir if cache_dir not in (None, "") else os.environ.get(ENV_CACHE_DIR) or None
    d = data_dir if data_dir not in (None, "") else os.environ.get(ENV_DATA_DIR) or None
    return (str(c) if c else None), (str(d) if d else None)


def _default_factory(cache_dir: str | None, data_dir: str | None) -> Any:
    """``kinerja.report.core.ReportData`` for the folders (parameters from ``KINERJA_PARAMS_DIR``)."""
    from kinerja.report import core as report

    params_dir = os.environ.get(ENV_PARAMS_DIR) or None
    # the report's own per-kernel memo, so a static call and a form share one ReportData
    return report.get_report_data(cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir)


def get_data(
    cache_dir: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    factory: Callable[[str | None, str | None], Any] | None = None,
) -> Any:
    """The report data for these folders, built once per kernel (module-level memo).

    Parameters
    ----------
    cache_dir, data_dir : path, optional
        Prepared cache (``Dataset.save_cache``) and raw data folder; ``None`` → the environment
        variables ``KINERJA_CACHE_DIR`` / ``KINERJA_DATA_DIR`` set by ``kinerja app``.
    factory : callable, optional
        ``factory(cache_dir, data_dir) -> data``; default builds ``kinerja.report.core.ReportData``.
    """
    c, d = resolve_dirs(cache_dir, data_dir)
    key = (str(Path(c).resolve()) if c else "", str(Path(d).resolve()) if d else "")
    fac = factory or _default_factory
    memo_key = (key[0] + "|" + getattr(fac, "__qualname__", repr(fac)), key[1])
    with _MEMO_LOCK:
        if memo_key not in _MEMO:
            _MEMO[memo_key] = fac(c, d)
        return _MEMO[memo_key]


def clear_memo() -> None:
    """Forget memoised data (tests; a new cache)."""
    with _MEMO_LOCK:
        _MEMO.clear()


# --------------------------------------------------------------------------------------------
# Rendering section results into output bundles


@dataclass(frozen=True)
class Selection:
    """What the controls currently select (passed to every section builder)."""

    kode_opd: str | None = None
    periode: str | None = None
    jenis_layanan: str | None = None
    audience: Literal["forum", "internal"] = "forum"


@dataclass(frozen=True)
class Section:
    """One redrawable part of a form.

    Attributes
    ----------
    key : str
        Identifier (used in CSS class ``kinerja-bagian-<key>`` of the output area).
    title : str
        Indonesian heading shown above the output (escaped).
    build : callable
        ``build(data, selection) -> object | list | None``. Returned objects are displayed
        (DataFrame/Styler/HTML/matplotlib Figure or Axes/...); whatever the builder displays
        itself is captured too.
    """

    key: str
    title: str
    build: Callable[[Any, Selection], Any]


def _figure_bundle(fig: Any) -> dict[str, Any]:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    return {
        "output_type": "display_data",
        "data": {"image/png": png, "text/plain": "<Grafik>"},
        "metadata": {},
    }


_FALLBACK_FORMATTER: Any = None


def _formatter() -> Any:
    global _FALLBACK_FORMATTER
    try:
        from IPython import get_ipython

        ip = get_ipython()
    except ImportError:  # pragma: no cover - IPython is a dependency of ipykernel
        ip = None
    if ip is not None:
        return ip.display_formatter
    if _FALLBACK_FORMATTER is None:
        from IPython.core.formatters import DisplayFormatter

        _FALLBACK_FORMATTER = DisplayFormatter()
    return _FALLBACK_FORMATTER


def to_outputs(obj: Any) -> list[dict[str, Any]]:
    """Turn a section result into Output-widget output dicts (matplotlib figures → PNG).

    Plain ``str`` results are shown as text (never as HTML); HTML must come as an object with
    ``_repr_html_`` (e.g. ``IPython.display.HTML`` built from escaped text).
    """
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if obj is None:
        return []
    if isinstance(obj, (list, tuple)):
        out: list[dict[str, Any]] = []
        for item in obj:
            out.extend(to_outputs(item))
        return out
    if isinstance(obj, Axes):
        obj = obj.figure
    if hasattr(obj, "figure") and isinstance(getattr(obj, "figure", None), Figure):
        obj = obj.figure  # seaborn FacetGrid / JointGrid
    if isinstance(obj, Figure):
        bundle = _figure_bundle(obj)
        import matplotlib.pyplot as plt

        plt.close(obj)
        return [bundle]
    if isinstance(obj, str):
        return [{"output_type": "display_data", "data": {"text/plain": obj}, "metadata": {}}]
    if callable(getattr(obj, "_repr_html_", None)) and not hasattr(obj, "_repr_mimebundle_"):
        # fast path for the report's blocks, charts and tables: only the HTML representation
        # (running every IPython formatter costs more than some sections themselves)
        text = getattr(obj, "text", None)
        plain = text if isinstance(text, str) and text else f"<{type(obj).__name__}>"
        return [
            {
                "output_type": "display_data",
                "data": {"text/html": obj._repr_html_(), "text/plain": plain},
                "metadata": {},
            }
        ]
    data, metadata = _formatter().format(obj)
    return [{"output_type": "display_data", "data": data, "metadata": metadata or {}}]


def render_section(section: Section, data: Any, selection: Selection) -> list[dict[str, Any]]:
    """Run one section builder and return its outputs; a failure becomes an Indonesian note.

    What the builder displays itself is captured; figures it leaves open are rendered and
    closed (no figure piles up in a long-lived Voila kernel).
    """
    return _render_section(section, data, selection)[0]


def _render_section(
    section: Section, data: Any, selection: Selection
) -> tuple[list[dict[str, Any]], bool]:
    """:func:`render_section` plus whether the builder succeeded (failures are never cached)."""
    import matplotlib.pyplot as plt
    from IPython.utils.capture import capture_output

    before = set(plt.get_fignums())
    try:
        with capture_output(stdout=False, stderr=False, display=True) as cap:
            result = section.build(data, selection)
        outputs: list[dict[str, Any]] = [
            {"output_type": "display_data", "data": o.data, "metadata": o.metadata or {}}
            for o in cap.outputs
        ]
        outputs.extend(to_outputs(result))
        for num in sorted(set(plt.get_fignums()) - before):
            outputs.extend(to_outputs(plt.figure(num)))
    except Exception as exc:  # a section must never take the whole form down
        log.exception("bagian %s gagal", section.key)
        for num in set(plt.get_fignums()) - before:
            plt.close(num)
        msg = (
            f"<div class='kinerja-galat'>Bagian ini tidak dapat ditampilkan untuk pilihan ini "
            f"({html.escape(type(exc).__name__)}).</div>"
        )
        outputs = [
            {
                "output_type": "display_data",
                "data": {"text/html": msg, "text/plain": "Bagian tidak dapat ditampilkan."},
                "metadata": {},
            }
        ]
        return outputs, False
    return outputs, True


# --------------------------------------------------------------------------------------------
# Rendered-section cache on disk (shared by every kernel of ``kinerja app``)

_CODE_VERSION: str | None = None


def code_version() -> str:
    """Hash of the code that renders a section: every ``kinerja`` module and the library versions.

    Part of every :class:`RenderCache` key, so a changed builder, chart helper, formatter or
    matplotlib/seaborn/pandas version never serves an output rendered by the old code.
    """
    global _CODE_VERSION
    if _CODE_VERSION is None:
        import hashlib
        from importlib.metadata import PackageNotFoundError, version

        h = hashlib.sha256()
        pkg = Path(__file__).resolve().parents[1]
        for path in sorted(pkg.rglob("*.py")):
            h.update(str(path.relative_to(pkg)).encode())
            h.update(path.read_bytes())
        for dist in ("matplotlib", "seaborn", "pandas", "numpy", "babel", "ipywidgets"):
            try:
                h.update(f"{dist}={version(dist)}".encode())
            except PackageNotFoundError:
                h.update(f"{dist}=-".encode())
        _CODE_VERSION = h.hexdigest()
    return _CODE_VERSION


def data_key(file_hashes: Mapping[str, str], params: Mapping[str, Any], today: Any) -> str:
    """What rendered outputs depend on besides code and selection: inputs, parameters, date.

    ``file_hashes`` are the SHA-256 of the input files (``Dataset.file_hashes``), ``params`` the
    effective parameters (``ReportData.params``) and ``today`` the reference date of "overdue"
    (``ReportData.today``).
    """
    import hashlib
    import json

    blob = json.dumps(
        {
            "files": {str(k): str(v) for k, v in sorted(dict(file_hashes).items())},
            "params": params,
            "today": str(pd.Timestamp(today).date()) if today is not None else "",
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def data_key_of(data: Any) -> str | None:
    """:func:`data_key` of a ``ReportData`` (``None`` for objects without hashes/parameters)."""
    hashes = getattr(getattr(data, "dataset", None), "file_hashes", None)
    params = getattr(data, "params", None)
    if not isinstance(hashes, Mapping) or not isinstance(params, Mapping):
        return None
    return data_key(hashes, params, getattr(data, "today", None))


Outputs = dict[str, tuple[dict[str, Any], ...]]


class RenderCache:
    """Rendered section outputs of one form on disk, one JSON file per selection.

    Parameters
    ----------
    root : path
        Folder of the cache (``kinerja app`` uses ``<prepared cache>/formulir``).
    form : str
        Form name (``"laporan_opd"``).
    data_key : str
        :func:`data_key` of the data the outputs were rendered from.
    sections : sequence of str
        Section keys of the form, in order (part of the key).

    Notes
    -----
    A file's name is the SHA-256 of (code version, data key, form, sections, selection), so an
    entry is only ever read back for exactly the inputs, parameters, date, code and selection it
    was rendered for; stale entries are never matched. Files are JSON (the same output dicts an
    Output widget holds: escaped HTML and base64 PNG), written atomically; a damaged or
    unreadable file is treated as absent. Only forum-audience outputs are stored.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        form: str,
        data_key: str,
        sections: Sequence[str],
    ) -> None:
        self.root = Path(root)
        self.form = form
        self.data_key = data_key
        self.sections = tuple(sections)
        self.folder = self.root / form

    def path(self, selection: Selection) -> Path:
        """The file holding ``selection``'s outputs."""
        import hashlib
        import json

        blob = json.dumps(
            {
                "code": code_version(),
                "data": self.data_key,
                "form": self.form,
                "sections": list(self.sections),
                "selection": [
                    selection.kode_opd,
                    selection.periode,
                    selection.jenis_layanan,
                    selection.audience,
                ],
            },
            sort_keys=True,
        )
        return self.folder / (hashlib.sha256(blob.encode("utf-8")).hexdigest()[:40] + ".json")

    def get(self, selection: Selection) -> Outputs | None:
        """Outputs of every section for ``selection``, or ``None`` when not (validly) stored."""
        import json

        if selection.audience != "forum":
            return None
        path = self.path(selection)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            sections = payload["sections"]
            out = {k: tuple(sections[k]) for k in self.sections}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not all(isinstance(o, dict) for outs in out.values() for o in outs):
            return None
        return out

    def meta_path(self, inputs: Mapping[str, Any]) -> Path:
        """File of the form's options and resolved defaults for the parameter ``inputs``."""
        import hashlib
        import json

        blob = json.dumps(
            {
                "code": code_version(),
                "data": self.data_key,
                "form": self.form,
                "inputs": dict(inputs),
            },
            sort_keys=True,
            default=str,
        )
        return self.folder / ("meta-" + hashlib.sha256(blob.encode()).hexdigest()[:40] + ".json")

    def get_meta(self, inputs: Mapping[str, Any]) -> tuple[FormOptions, dict[str, Any]] | None:
        """Stored :class:`FormOptions` and defaults for ``inputs`` (``None`` when absent).

        They let a new kernel show a stored selection without reading the large tables (the
        periods come from a million ``laporan_kinerja`` dates).
        """
        import json

        try:
            payload = json.loads(self.meta_path(inputs).read_text(encoding="utf-8"))
            o = payload["options"]
            options = FormOptions(
                opd=[(str(a), str(b)) for a, b in o["opd"]],
                periode=[(str(a), str(b)) for a, b in o["periode"]],
                layanan={str(k): [str(x) for x in v] for k, v in o["layanan"].items()},
            )
            defaults = dict(payload["defaults"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return options, defaults

    def put_meta(
        self, inputs: Mapping[str, Any], options: FormOptions, defaults: Mapping[str, Any]
    ) -> bool:
        """Store the options and resolved defaults (atomic; ``False`` when not written)."""
        payload = {
            "options": {
                "opd": [list(x) for x in options.opd],
                "periode": [list(x) for x in options.periode],
                "layanan": options.layanan,
            },
            "defaults": {k: (None if v is None else str(v)) for k, v in defaults.items()},
        }
        return _atomic_json(self.meta_path(inputs), payload)

    def has(self, selection: Selection) -> bool:
        """Whether ``selection`` is stored (without reading it)."""
        return self.path(selection).is_file()

    def put(self, selection: Selection, outputs: Mapping[str, Sequence[dict[str, Any]]]) -> bool:
        """Store ``outputs`` (atomic write); ``False`` when it cannot be written (logged)."""
        if selection.audience != "forum" or set(outputs) != set(self.sections):
            return False
        path = self.path(selection)
        payload = {
            "form": self.form,
            "selection": {
                "kode_opd": selection.kode_opd,
                "periode": selection.periode,
                "jenis_layanan": selection.jenis_layanan,
            },
            "sections": {k: list(outputs[k]) for k in self.sections},
        }
        return _atomic_json(path, payload)


def _atomic_json(path: Path, payload: Any) -> bool:
    """Write ``payload`` as JSON to ``path`` atomically; ``False`` (logged) when it fails."""
    import json
    import tempfile

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False)
        os.replace(tmp, path)
        tmp = None
    except (OSError, TypeError, ValueError):
        log.exception("cache formulir tidak dapat disimpan di %s", path)
        return False
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return True


def render_cache_for(
    name: str,
    data: Any,
    sections: Sequence[Section],
    environ: Mapping[str, str] | None = None,
) -> RenderCache | None:
    """The disk cache of form ``name`` when ``KINERJA_FORM_CACHE`` is set, else ``None``."""
    env = os.environ if environ is None else environ
    root = env.get(ENV_FORM_CACHE)
    if not root:
        return None
    key = data_key_of(data)
    if key is None:
        return None
    return RenderCache(root, form=name, data_key=key, sections=[s.key for s in sections])


# --------------------------------------------------------------------------------------------
# The form


class Form:
    """Drop-downs plus one output area per section, redrawn when a control changes.

    Parameters
    ----------
    title : str
        Heading of the page (escaped).
    data : object
        Whatever the section builders take (``kinerja.report.core.ReportData``), built once.
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
                        f"Nilai bawaan {_LABELS[key]} “{str(value)[:_MAX_ECHO]}” tidak ada "
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
                    rendered, ok = _render_section(s, self.data, sel)
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


# --------------------------------------------------------------------------------------------
# Entry points used by the notebooks


def wait_for_request_info(environ: dict[str, str] | None = None) -> dict[str, str] | None:
    """Block until Voila hands this pre-heated kernel to a request; return the request info.

    Same protocol as ``voila.utils.wait_for_request`` (a websocket to
    ``/voila/query/<kernel id>`` on which the server sends the request's CGI-style variables,
    ``QUERY_STRING`` among them), re-implemented with tornado's websocket client because importing
    ``voila.utils`` pulls in jupyter_server and jupyterlab_server (measured 4 s of CPU, 13 s on a
    busy 2-core machine) -- long enough for the first request to be served before the query
    string could be read. The variables are copied into ``environ`` (default ``os.environ``).
    """
    import asyncio
    import json

    from tornado.websocket import websocket_connect

    env = os.environ if environ is None else environ
    if env.get("VOILA_PREHEAT") != "True" or not env.get("VOILA_KERNEL_ID"):
        return None
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    ip = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = f"{protocol}://{ip}:{port}{base}voila/query/{env['VOILA_KERNEL_ID']}"

    async def receive() -> str | None:
        conn = await websocket_connect(url, connect_timeout=30)
        try:
            msg = await conn.read_message()
        finally:
            conn.close()
        return msg if isinstance(msg, str) else None

    loop = asyncio.new_event_loop()
    try:
        msg = loop.run_until_complete(receive())
    finally:
        loop.close()
    if msg is None:
        return None
    info = {str(k): str(v) for k, v in json.loads(msg).items() if isinstance(v, str)}
    env.update(info)
    return info


def _start_query_watch(form: Form) -> threading.Thread:
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
        _start_query_watch(form)
    else:
        form.apply_query(env.get("QUERY_STRING"))
    display(form.widget)
    return form


@dataclass(frozen=True)
class FormDef:
    """How one notebook becomes a form: its title, controls and sections."""

    title: str
    controls: tuple[str, ...]
    sections: Callable[[], Sequence[Section]]
    static: Callable[..., Any]


def _call_filtered(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func`` with only the keyword arguments its signature accepts."""
    import inspect

    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return func(*args, **kwargs)
    return func(*args, **{k: v for k, v in kwargs.items() if k in params})


def report_section(name: str, title: str = "") -> Section:
    """A :class:`Section` over the builder ``kinerja.report.core.<name>``.

    The builder is called as ``builder(data, kode_opd=..., periode=..., jenis_layanan=...,
    audience="forum")`` with only the arguments its signature takes; it writes its own headings
    (``title`` stays empty unless given).
    """

    def build(data: Any, sel: Selection) -> Any:
        from kinerja.report import core as report

        builder = getattr(report, name)
        kwargs: dict[str, Any] = {
            "kode_opd": sel.kode_opd,
            "periode": sel.periode,
            "jenis_layanan": sel.jenis_layanan,
            "audience": "forum",
        }
        return _call_filtered(builder, data, **kwargs)

    return Section(
        key=name.removeprefix("section_").removeprefix("sections_"), title=title, build=build
    )


def _report_static(name: str) -> Callable[..., Any]:
    def static(**params: Any) -> Any:
        from kinerja.report import core as report

        return _call_filtered(getattr(report, name), **params)

    static.__name__ = name
    return static


#: Sections of the per-OPD report, in the order of the static report (``report.sections_opd``).
OPD_SECTIONS = (
    "temuan_utama",
    "section_ikm",
    "section_skp",
    "section_kinerja_harian",
    "section_layanan",
    "section_pengaduan",
    "section_pelatihan",
    "section_tindak_lanjut",
)

#: Sections of the bottleneck explorer (``report.sections_hambatan`` without its title).
HAMBATAN_SECTIONS = (
    "section_hambatan_ringkasan",
    "section_hambatan_tahap",
    "section_hambatan_alur",
    "section_hambatan_lambat",
)


def form_definitions() -> dict[str, FormDef]:
    """The notebooks that work as forms: title, controls, sections and static twin."""
    return {
        "laporan_opd": FormDef(
            title="Laporan kinerja OPD",
            controls=("kode_opd", "periode"),
            sections=lambda: [report_section(n) for n in OPD_SECTIONS],
            static=_report_static("show_laporan_opd"),
        ),
        "penjelajah_hambatan": FormDef(
            title="Penjelajah hambatan layanan",
            controls=("kode_opd", "jenis_layanan", "periode"),
            sections=lambda: [report_section(n) for n in HAMBATAN_SECTIONS],
            static=_report_static("show_penjelajah_hambatan"),
        ),
        "ringkasan_kota": FormDef(
            title="Ringkasan kinerja Kota Salatiga",
            controls=("periode",),
            sections=lambda: [report_section("sections_kota")],
            static=_report_static("show_ringkasan_kota"),
        ),
    }


def _resolve_defaults(
    name: str, data: Any, kode_opd: str | None, periode: str | None, jenis_layanan: str | None
) -> dict[str, Any]:
    """The static report's own defaults for ``None`` parameters (same page either way).

    ``ReportData.periode(None)`` (the period of ``parameters/default.yaml``, else the latest
    year), ``ReportData.check_opd(None)`` (the first OPD) and, for the explorer, the report's
    choice of the least punctual OPD and its slowest service.
    """
    out: dict[str, Any] = {"kode_opd": kode_opd, "periode": periode, "jenis_layanan": jenis_layanan}
    try:
        if periode in (None, "") and hasattr(data, "periode"):
            out["periode"] = str(data.periode(None))
        if name == "penjelajah_hambatan" and (kode_opd in (None, "") or jenis_layanan is None):
            from kinerja.report import core as report

            chooser = getattr(report, "_default_service", None)
            if chooser is not None:
                kode, layanan = chooser(
                    data, kode_opd, jenis_layanan, Periode.parse(out["periode"])
                )
                out["kode_opd"], out["jenis_layanan"] = kode, layanan
        if out["kode_opd"] in (None, "") and hasattr(data, "check_opd"):
            out["kode_opd"] = data.check_opd(None)
    except Exception:  # a default that cannot be computed falls back to the first option
        log.exception("nilai bawaan formulir %s tidak dapat dihitung", name)
    return out


def run(
    name: str,
    *,
    kode_opd: str | None = None,
    periode: str | None = None,
    jenis_layanan: str | None = None,
    audience: Literal["forum", "internal"] = "forum",
    cache_dir: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    definitions: Mapping[str, FormDef] | None = None,
    factory: Callable[[str | None, str | None], Any] | None = None,
    environ: Mapping[str, str] | None = None,
    **static_kwargs: Any,
) -> Any:
    """One code path for a notebook: a form under Voila, the static sections otherwise.

    Parameters
    ----------
    name : str
        The form's name (``"laporan_opd"``, ``"penjelajah_hambatan"``, ...).
    kode_opd, periode, jenis_layanan, audience, cache_dir, data_dir
        The notebook's parameters (the values Papermill fills).
    definitions : mapping, optional
        name → :class:`FormDef`; default: :func:`form_definitions`.
    """
    defs = definitions if definitions is not None else form_definitions()
    if name not in defs:
        raise KeyError(f"Formulir tidak dikenal: {name!r}")
    fd = defs[name]
    if not is_voila(environ):
        params = {
            "kode_opd": kode_opd,
            "periode": periode,
            "jenis_layanan": jenis_layanan,
            "audience": audience,
            "cache_dir": cache_dir,
            "data_dir": data_dir,
        }
        params = {k: v for k, v in params.items() if k in fd.controls or k not in QUERY_KEYS}
        return fd.static(**params, **static_kwargs)
    return form(
        name,
        kode_opd=kode_opd,
        periode=periode,
        jenis_layanan=jenis_layanan,
        audience=audience,
        cache_dir=cache_dir,
        data_dir=data_dir,
        definitions=defs,
        factory=factory,
        environ=environ,
    )


def form(
    name: str,
    *,
    kode_opd: str | None = None,
    periode: str | None = None,
    jenis_layanan: str | None = None,
    audience: str | None = "forum",
    cache_dir: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    definitions: Mapping[str, FormDef] | None = None,
    factory: Callable[[str | None, str | None], Any] | None = None,
    environ: Mapping[str, str] | None = None,
    **_ignored: Any,
) -> Form:
    """Display the form ``name`` (the Voila path of :func:`run`; also what
    ``kinerja.report.core.show_*`` can delegate to when :func:`is_voila` is true).

    The data comes from :func:`get_data` (once per kernel), the defaults from the parameters,
    the preselection from the URL; the audience is always ``forum``.
    """
    defs = definitions if definitions is not None else form_definitions()
    if name not in defs:
        raise KeyError(f"Formulir tidak dikenal: {name!r}")
    fd = defs[name]
    env = os.environ if environ is None else environ
    if env.get(ENV_CACHE_DIR) or env.get(ENV_DATA_DIR):
        # served by `kinerja app`: the app's data wins over the notebook's default paths
        cache_dir = env.get(ENV_CACHE_DIR) or None
        data_dir = env.get(ENV_DATA_DIR) or None
    data = get_data(cache_dir, data_dir, factory=factory)
    sections = fd.sections()
    cache = render_cache_for(name, data, sections, env)
    options, defaults = _options_and_defaults(
        name, data, cache, kode_opd=kode_opd, periode=periode, jenis_layanan=jenis_layanan
    )
    return show_form(
        title=fd.title,
        data=data,
        sections=sections,
        options=options,
        controls=fd.controls,
        defaults=defaults,
        audience=audience,
        environ=environ,
        render_cache=cache,
    )


def _options_and_defaults(
    name: str,
    data: Any,
    cache: RenderCache | None,
    *,
    kode_opd: str | None = None,
    periode: str | None = None,
    jenis_layanan: str | None = None,
) -> tuple[FormOptions, dict[str, Any]]:
    """Options and resolved defaults of a form: from the disk cache when stored, else computed
    (and stored for the next kernel)."""
    inputs = {"kode_opd": kode_opd, "periode": periode, "jenis_layanan": jenis_layanan}
    if cache is not None:
        got = cache.get_meta(inputs)
        if got is not None:
            return got
    options = options_for(data)
    defaults = _resolve_defaults(name, data, kode_opd, periode, jenis_layanan)
    if cache is not None:
        cache.put_meta(inputs, options, defaults)
    return options, defaults


# --------------------------------------------------------------------------------------------
# Pre-rendering (``kinerja app`` runs this in background worker processes)

#: Forms pre-rendered by ``kinerja app``: every OPD (laporan_opd) / the city (ringkasan_kota) in
#: the default period. The bottleneck explorer (OPD × service) is only cached as it is visited.
PRERENDER_FORMS = ("laporan_opd", "ringkasan_kota")


def prerender_selections(
    data: Any, name: str, definitions: Mapping[str, FormDef] | None = None
) -> list[Selection]:
    """The selections of form ``name`` that ``kinerja app`` renders ahead: its default first.

    ``laporan_opd``: the default OPD, then every other OPD, all in the default period;
    ``ringkasan_kota``: the default period.
    """
    defs = definitions if definitions is not None else form_definitions()
    fd = defs[name]
    d = _resolve_defaults(name, data, None, None, None)
    per = str(Periode.parse(d["periode"])) if d.get("periode") else None
    if "kode_opd" not in fd.controls:
        return [Selection(periode=per)]
    codes = options_for(data).values("kode_opd")
    first = d.get("kode_opd")
    ordered = ([first] if first in codes else []) + [c for c in codes if c != first]
    return [Selection(kode_opd=c, periode=per) for c in ordered]


def prerender_one(
    name: str,
    selection: Selection,
    data: Any,
    root: str | os.PathLike[str],
    definitions: Mapping[str, FormDef] | None = None,
) -> str:
    """Render one selection of form ``name`` into the disk cache under ``root``.

    Returns ``"ada"`` (already stored), ``"ok"`` (rendered and stored), ``"gagal"`` (a section
    failed: nothing stored, the form renders it live) or ``"tidak disimpan"``.
    """
    defs = definitions if definitions is not None else form_definitions()
    sections = list(defs[name].sections())
    key = data_key_of(data)
    if key is None:
        raise TypeError("data tanpa hash berkas/parameter tidak dapat dipra-render")
    cache = RenderCache(root, form=name, data_key=key, sections=[s.key for s in sections])
    if cache.has(selection):
        return "ada"
    outputs: dict[str, list[dict[str, Any]]] = {}
    for s in sections:
        out, ok = _render_section(s, data, selection)
        if not ok:
            return "gagal"
        outputs[s.key] = out
    return "ok" if cache.put(selection, outputs) else "tidak disimpan"


_WORKER: dict[str, Any] = {}


def _exit_with_parent() -> None:
    """End this process when its parent is gone (a killed app never leaves workers behind)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="kinerja-induk", daemon=True).start()


def _prerender_worker_init(cache_dir: str, data_dir: str | None, nice: int) -> None:
    _exit_with_parent()
    with contextlib.suppress(OSError, AttributeError):
        os.nice(nice)  # the server, the kernels and the browser come first
    import matplotlib

    matplotlib.use("Agg")
    _WORKER["data"] = get_data(cache_dir, data_dir)


def _prerender_plan(names: tuple[str, ...], root: str) -> list[tuple[str, tuple[Any, ...]]]:
    data = _WORKER["data"]
    defs = form_definitions()
    for n in names:  # options and defaults first: a new kernel then needs no large table
        cache = render_cache_for(n, data, defs[n].sections(), {ENV_FORM_CACHE: root})
        _options_and_defaults(n, data, cache)
    per_form = {n: prerender_selections(data, n) for n in names}
    # the default selection of every form first, then the rest in order
    ordered = [(n, sels[0]) for n, sels in per_form.items() if sels]
    ordered += [(n, sel) for n, sels in per_form.items() for sel in sels[1:]]
    return [(n, (sel.kode_opd, sel.periode, sel.jenis_layanan, sel.audience)) for n, sel in ordered]


def _prerender_task(name: str, sel: tuple[Any, ...], root: str) -> str:
    try:
        return prerender_one(name, Selection(*sel), _WORKER["data"], root)
    except Exception:  # logged; the form renders this selection live
        log.exception("pra-render %s %s gagal", name, sel)
        return "gagal"


def prerender(
    *,
    cache_dir: str | os.PathLike[str],
    root: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
    names: Sequence[str] = PRERENDER_FORMS,
    jobs: int = 2,
    nice: int = 10,
    log_line: Callable[[str], None] = print,
) -> dict[str, int]:
    """Render every default-period selection of ``names`` into the disk cache, in ``jobs``
    worker processes at lower priority (``os.nice``); the default selection first.

    Returns counts per status (``ok``, ``ada``, ``gagal``, ...). Safe to run while kernels read
    and write the same cache (atomic files, identical content for identical keys).
    """
    import concurrent.futures as cf
    import multiprocessing as mp

    t0 = time.perf_counter()
    c, d = resolve_dirs(cache_dir, data_dir)
    if c is None:
        raise ValueError("pra-render butuh folder cache data")
    counts: dict[str, int] = {}
    ctx = mp.get_context("spawn")
    with cf.ProcessPoolExecutor(
        max_workers=max(1, int(jobs)),
        mp_context=ctx,
        initializer=_prerender_worker_init,
        initargs=(c, d, int(nice)),
    ) as pool:
        # the plan comes from a worker (this process never loads the data)
        tasks = pool.submit(_prerender_plan, tuple(names), str(root)).result()
        futures = [pool.submit(_prerender_task, n, sel, str(root)) for n, sel in tasks]
        for fut in cf.as_completed(futures):
            status = fut.result()
            counts[status] = counts.get(status, 0) + 1
    log_line(
        f"Pra-render formulir selesai: {len(tasks)} pilihan "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}) "
        f"dalam {time.perf_counter() - t0:.1f} s"
    )
    return counts


def prerender_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the background process ``kinerja app`` starts (not a user command)."""
    import argparse
    import sys

    ap = argparse.ArgumentParser(description="Pra-render formulir kinerja (latar belakang)")
    ap.add_argument("--cache", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--data", default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--nice", type=int, default=10)
    args = ap.parse_args(argv)
    _exit_with_parent()
    try:
        prerender(
            cache_dir=args.cache,
            root=args.root,
            data_dir=args.data,
            jobs=args.jobs,
            nice=args.nice,
            log_line=lambda m: print(m, flush=True),
        )
    except Exception as exc:  # the forms still work: they render live
        print(f"Pra-render formulir gagal: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


_OPTIONS_MEMO: dict[int, FormOptions] = {}


def options_for(data: Any) -> FormOptions:
    """Form options of a data object (memoised per object).

    Uses ``data.form_options()`` when the object offers it, else its ``tables`` mapping (a
    ``Dataset`` or an object with ``.dataset.tables``).
    """
    key = id(data)
    if key in _OPTIONS_MEMO:
        return _OPTIONS_MEMO[key]
    if hasattr(data, "form_options"):
        opts = data.form_options()
    else:
        tables = getattr(data, "tables", None)
        if tables is None and hasattr(data, "dataset"):
            tables = data.dataset.tables
        if tables is None:
            raise TypeError("Data formulir tidak punya tabel (butuh .tables atau .dataset)")
        opts = FormOptions.from_tables(tables)
    _OPTIONS_MEMO[key] = opts
    return opts


def laporan_opd(**params: Any) -> Any:
    """Notebook ``laporan_opd``: per-OPD report (form under Voila, static otherwise)."""
    return run("laporan_opd", **params)


def penjelajah_hambatan(**params: Any) -> Any:
    """Notebook ``penjelajah_hambatan``: bottleneck explorer (OPD, service, period)."""
    return run("penjelajah_hambatan", **params)


def ringkasan_kota(**params: Any) -> Any:
    """Notebook ``ringkasan_kota``: city overview (period only)."""
    return run("ringkasan_kota", **params)


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
    "prerender_one",
    "prerender_selections",
    "render_cache_for",
    "HAMBATAN_SECTIONS",
    "OPD_SECTIONS",
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
    "laporan_opd",
    "options_for",
    "parse_query",
    "penjelajah_hambatan",
    "render_section",
    "ringkasan_kota",
    "run",
    "show_form",
    "to_outputs",
]
