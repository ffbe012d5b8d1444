"""Form definitions: how each notebook becomes a Voila form (title, controls, sections).

Built from the section registry (:mod:`kinerja.report.registry`): nothing here lists sections.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kinerja.serve.sections import Section, Selection


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


def report_section(spec: Any) -> Section:
    """A :class:`Section` over one :class:`kinerja.report.registry.SectionSpec`.

    The builder is called as ``builder(data, kode_opd=..., periode=..., jenis_layanan=...,
    audience="forum")`` with only the arguments its signature takes; it writes its own headings
    (the section's own title stays empty).
    """

    def build(data: Any, sel: Selection) -> Any:
        kwargs: dict[str, Any] = {
            "kode_opd": sel.kode_opd,
            "periode": sel.periode,
            "jenis_layanan": sel.jenis_layanan,
            "audience": "forum",
        }
        return _call_filtered(spec.builder, data, **kwargs)

    return Section(key=spec.key, title="", build=build)


def _sections(name: str) -> list[Section]:
    from kinerja.report.registry import sections_for

    return [report_section(spec) for spec in sections_for(name)]


def form_definitions() -> dict[str, FormDef]:
    """The notebooks that work as forms (``form=True`` in :data:`kinerja.report.registry.NOTEBOOKS`):
    title, controls, sections (one per section of the registry) and static twin
    (:func:`kinerja.report.notebook.show`)."""
    from kinerja.report.notebook import show
    from kinerja.report.registry import NOTEBOOKS

    return {
        name: FormDef(
            title=spec.title,
            controls=spec.controls,
            sections=functools.partial(_sections, name),
            static=functools.partial(show, name),
        )
        for name, spec in NOTEBOOKS.items()
        if spec.form
    }


__all__ = [
    "FormDef",
    "form_definitions",
    "report_section",
]
