"""What the notebooks call: one code path, a form under Voila and the static sections otherwise."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Literal

from kinerja.domain.settings import read_env
from kinerja.serve.definitions import FormDef, form_definitions
from kinerja.serve.form import Form, show_form
from kinerja.serve.memo import get_data
from kinerja.serve.query import QUERY_KEYS, is_voila
from kinerja.serve.render_cache import options_and_defaults, render_cache_for


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
    :func:`kinerja.serve.notebook.show` delegates to when :func:`is_voila` is true).

    The data comes from :func:`get_data` (once per kernel), the defaults from the parameters,
    the preselection from the URL; the audience is always ``forum``.
    """
    defs = definitions if definitions is not None else form_definitions()
    if name not in defs:
        raise KeyError(f"Formulir tidak dikenal: {name!r}")
    fd = defs[name]
    if environ is None:
        from kinerja.serve.lifecycle import bind_kernel_to_server

        bind_kernel_to_server()  # this kernel ends with the `kinerja app` server that started it
    switches = read_env(environ)
    if switches.cache_dir is not None or switches.data_dir is not None:
        # served by `kinerja app`: the app's data wins over the notebook's default paths
        cache_dir = switches.cache_dir
        data_dir = switches.data_dir
    data = get_data(cache_dir, data_dir, factory=factory)
    sections = fd.sections()
    cache = render_cache_for(name, data, sections, environ)
    if cache is not None:  # where the server finds this form's stored selections (preview)
        cache.put_pointer(title=fd.title, controls=fd.controls, today=getattr(data, "today", None))
    options, defaults = options_and_defaults(
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


__all__ = [
    "form",
    "run",
]
