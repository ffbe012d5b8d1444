"""Pre-rendering of the form sections (``kinerja app`` runs this in background worker processes)."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kinerja.domain.period import Periode
from kinerja.report.registry import NOTEBOOKS
from kinerja.serve.definitions import FormDef, form_definitions
from kinerja.serve.lifecycle import die_with_parent
from kinerja.serve.memo import get_data, resolve_dirs
from kinerja.serve.options import options_for, resolve_defaults
from kinerja.serve.privacy import form_gate
from kinerja.serve.query import ENV_FORM_CACHE
from kinerja.serve.render_cache import (
    RenderCache,
    data_key_of,
    options_and_defaults,
    render_cache_for,
)
from kinerja.serve.sections import Selection, render_section_checked

log = logging.getLogger(__name__)


#: Forms pre-rendered by ``kinerja app`` (``NotebookSpec.prerender`` in the section registry):
#: every OPD (laporan_opd) / the city (ringkasan_kota) in the default period. The bottleneck
#: explorer (OPD × service) is only cached as it is visited.
PRERENDER_FORMS = tuple(name for name, spec in NOTEBOOKS.items() if spec.form and spec.prerender)


def prerender_selections(
    data: Any, name: str, definitions: Mapping[str, FormDef] | None = None
) -> list[Selection]:
    """The selections of form ``name`` that ``kinerja app`` renders ahead: its default first.

    ``laporan_opd``: the default OPD, then every other OPD, all in the default period;
    ``ringkasan_kota``: the default period.
    """
    defs = definitions if definitions is not None else form_definitions()
    fd = defs[name]
    d = resolve_defaults(name, data, None, None, None)
    per = str(Periode.parse(d["periode"])) if d.get("periode") else None
    if "kode_opd" not in fd.controls:
        return [Selection(periode=per)]
    codes = options_for(data).values("kode_opd")
    first = d.get("kode_opd")
    ordered = ([first] if first in codes else []) + [c for c in codes if c != first]
    return [Selection(kode_opd=c, periode=per) for c in ordered]


def prerender_more_selections(
    data: Any, name: str, definitions: Mapping[str, FormDef] | None = None
) -> list[Selection]:
    """The selections of form ``name`` rendered after every form's default period (the second
    pass of :func:`prerender`): every OPD in each quarter of the default period's year.

    A period change is the next most common thing after an OPD change; with the quarters stored,
    an OPD change inside a quarter is read from disk (like the default period) and the server's
    preview (:func:`kinerja.serve.preview.server_preview`) can paint a copied link to a quarter.
    Months are left to be rendered live (and then cached) when visited: twelve more per OPD
    would triple the pre-render's work and disk. Only forms with both an OPD and a period
    control get a second pass; the default OPD comes first in every quarter.
    """
    defs = definitions if definitions is not None else form_definitions()
    fd = defs[name]
    if not {"kode_opd", "periode"} <= set(fd.controls):
        return []
    d = resolve_defaults(name, data, None, None, None)
    if not d.get("periode"):
        return []
    default = Periode.parse(d["periode"])
    opts = options_for(data)
    quarters = []
    for value in opts.values("periode"):
        with contextlib.suppress(ValueError):
            p = Periode.parse(value)
            if p.kind == "triwulan" and p.year == default.year and p != default:
                quarters.append(str(p))
    codes = opts.values("kode_opd")
    first = d.get("kode_opd")
    ordered = ([first] if first in codes else []) + [c for c in codes if c != first]
    return [Selection(kode_opd=c, periode=q) for q in quarters for c in ordered]


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
    gate = form_gate(data)
    cache = RenderCache(
        root, form=name, data_key=key, sections=[s.key for s in sections], gate=lambda: gate
    )
    if cache.has(selection):
        return "ada"
    outputs: dict[str, list[dict[str, Any]]] = {}
    for s in sections:
        out, ok = render_section_checked(s, data, selection, gate)
        if not ok:
            return "gagal"
        outputs[s.key] = out
    return "ok" if cache.put(selection, outputs) else "tidak disimpan"


_WORKER: dict[str, Any] = {}


def _prerender_worker_init(cache_dir: str, data_dir: str | None, nice: int, parent: int) -> None:
    # the pre-render process started this worker from its main thread; ``parent`` is passed
    # explicitly: a worker whose parent died while it was still importing ends here at once
    die_with_parent(parent)
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
        options_and_defaults(n, data, cache)
        if cache is not None:  # the server's preview finds the stored selections with it
            cache.put_pointer(
                title=defs[n].title, controls=defs[n].controls, today=getattr(data, "today", None)
            )
    per_form = {n: prerender_selections(data, n) for n in names}
    # the default selection of every form first, then the rest in order
    ordered = [(n, sels[0]) for n, sels in per_form.items() if sels]
    ordered += [(n, sel) for n, sels in per_form.items() for sel in sels[1:]]
    return [(n, (sel.kode_opd, sel.periode, sel.jenis_layanan, sel.audience)) for n, sel in ordered]


def _prerender_more_plan(names: tuple[str, ...]) -> list[tuple[str, tuple[Any, ...]]]:
    data = _WORKER["data"]
    defs = form_definitions()
    return [
        (n, (sel.kode_opd, sel.periode, sel.jenis_layanan, sel.audience))
        for n in names
        for sel in prerender_more_selections(data, n, defs)
    ]


def _prerender_task(name: str, sel: tuple[Any, ...], root: str) -> str:
    try:
        return prerender_one(name, Selection(*sel), _WORKER["data"], root)
    except Exception:  # logged; the form renders this selection live
        log.exception("pra-render %s %s gagal", name, sel)
        return "gagal"


def _run_pass(
    pool: Any,
    tasks: list[tuple[str, tuple[Any, ...]]],
    root: str,
    done: str,
    t0: float,
    log_line: Callable[[str], None],
) -> dict[str, int]:
    """Render ``tasks`` in ``pool``; log ``done`` with the counts per status and the time."""
    import concurrent.futures as cf

    counts: dict[str, int] = {}
    futures = [pool.submit(_prerender_task, n, sel, root) for n, sel in tasks]
    for fut in cf.as_completed(futures):
        status = fut.result()
        counts[status] = counts.get(status, 0) + 1
    log_line(
        f"{done}: {len(tasks)} pilihan "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}) "
        f"dalam {time.perf_counter() - t0:.1f} s"
    )
    return counts


def prerender(
    *,
    cache_dir: str | os.PathLike[str],
    root: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
    names: Sequence[str] = PRERENDER_FORMS,
    jobs: int = 2,
    nice: int = 10,
    log_line: Callable[[str], None] = print,
    more: bool = False,
) -> dict[str, int]:
    """Render every default-period selection of ``names`` into the disk cache, in ``jobs``
    worker processes at lower priority (``os.nice``); the default selection first.

    Logs "Pra-render formulir selesai: ..." when the default periods are stored; then, with
    ``more``, a second pass renders the quarters of the default year
    (:func:`prerender_more_selections`) and logs "Pra-render triwulan selesai: ...".

    Returns counts per status (``ok``, ``ada``, ``gagal``, ...) of the first pass. Safe to run
    while kernels read and write the same cache (atomic files, identical content for identical
    keys).
    """
    import concurrent.futures as cf
    import multiprocessing as mp

    t0 = time.perf_counter()
    c, d = resolve_dirs(cache_dir, data_dir)
    if c is None:
        raise ValueError("pra-render butuh folder cache data")
    ctx = mp.get_context("spawn")
    with cf.ProcessPoolExecutor(
        max_workers=max(1, int(jobs)),
        mp_context=ctx,
        initializer=_prerender_worker_init,
        initargs=(c, d, int(nice), os.getpid()),
    ) as pool:
        # the plan comes from a worker (this process never loads the data)
        tasks = pool.submit(_prerender_plan, tuple(names), str(root)).result()
        counts = _run_pass(pool, tasks, str(root), "Pra-render formulir selesai", t0, log_line)
        if more:
            t1 = time.perf_counter()
            extra = pool.submit(_prerender_more_plan, tuple(names)).result()
            _run_pass(pool, extra, str(root), "Pra-render triwulan selesai", t1, log_line)
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
    ap.add_argument("--parent", type=int, default=None, help="pid server (mati bersamanya)")
    ap.add_argument("--triwulan", action="store_true", help="juga setiap triwulan tahun bawaan")
    args = ap.parse_args(argv)
    die_with_parent(args.parent)  # a killed server never leaves this process behind
    try:
        prerender(
            cache_dir=args.cache,
            root=args.root,
            data_dir=args.data,
            jobs=args.jobs,
            nice=args.nice,
            log_line=lambda m: print(m, flush=True),
            more=args.triwulan,
        )
    except Exception as exc:  # the forms still work: they render live
        print(f"Pra-render formulir gagal: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


__all__ = [
    "PRERENDER_FORMS",
    "prerender",
    "prerender_main",
    "prerender_more_selections",
    "prerender_one",
    "prerender_selections",
]
