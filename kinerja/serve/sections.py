"""Form sections: what the controls select and how a section's result becomes output bundles."""

from __future__ import annotations

import base64
import html
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

log = logging.getLogger(__name__)

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
    from kinerja.serve.privacy import figure_texts

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    return {
        "output_type": "display_data",
        "data": {"image/png": png, "text/plain": "<Grafik>"},
        # the text drawn in the image, for the personal-data gate (kinerja.serve.privacy)
        "metadata": {"kinerja/teks-grafik": figure_texts(fig)},
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
    return render_section_checked(section, data, selection)[0]


def render_section_checked(
    section: Section, data: Any, selection: Selection, gate: Any = None
) -> tuple[list[dict[str, Any]], bool]:
    """:func:`render_section` plus whether the builder succeeded (failures are never cached).

    ``gate`` (a :class:`kinerja.protect.PersonalDataGate`, see :mod:`kinerja.serve.privacy`):
    outputs with a NIP or an employee's name are replaced by an Indonesian note and reported as
    not succeeded, so they are neither shown nor stored.
    """
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
    if gate is not None:
        from kinerja.serve.privacy import gate_section

        return gate_section(gate, section.key, outputs)
    return outputs, True
