"""The notebook tasks of a batch: one per selected OPD plus the city overview."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kinerja.domain import params as P
from kinerja.domain.settings import Settings
from kinerja.run.common import STATUS_WAITING, inside
from kinerja.run.tasks import NotebookTask, failure


def plan_tasks(
    selection: Sequence[str],
    names: Mapping[str, str | None],
    *,
    out: Path,
    settings: Settings,
    cache_dir: Path,
    opd_notebook: Path,
    city_notebook: Path | None,
    timeout: int,
) -> tuple[list[NotebookTask], dict[str, dict[str, Any]]]:
    """Build the tasks of a batch and their initial results.

    Each OPD's ``periode`` and ``audience`` come from ``settings.for_opd`` (the command line's
    values, else its ``parameters/opd/<kode>.yaml``, else ``default.yaml``); the notebooks get
    ``params_dir=settings.params_dir`` and resolve the same settings there. An invalid per-OPD
    parameter file fails that OPD only (its result is a failure, it gets no task); every task
    starts as ``menunggu``. ``city_notebook=None`` leaves the city overview out.

    Returns
    -------
    tasks : list of NotebookTask
    results : dict
        Key (``opd/<kode>`` or ``kota``) → result dict, in report order.
    """
    known = list(names)
    params_dir = settings.params_dir
    tasks: list[NotebookTask] = []
    results: dict[str, dict[str, Any]] = {}
    for code in selection:
        key = f"opd/{code}"
        title = f"Laporan Kinerja {names.get(code) or code}"
        try:
            own = settings.for_opd(code, known_codes=known)
        except P.ParameterError as exc:
            stub = NotebookTask(key, "opd", None, title, "", {}, "", "", "", str(out), timeout, "")
            results[key] = failure(stub, str(exc))
            results[key]["kode_opd"] = code if P.KODE_OPD_PATTERN.fullmatch(code) else None
            continue
        base = inside(out, out / "opd" / code)
        tasks.append(
            NotebookTask(
                key=key,
                kind="opd",
                kode_opd=code,
                title=f"{title} — {own.periode}",
                notebook=str(opd_notebook),
                parameters={
                    "kode_opd": code,
                    "periode": own.periode,
                    "audience": own.audience,
                    "cache_dir": str(cache_dir),
                    "params_dir": str(params_dir),
                },
                ipynb=str(base.parent / f"{base.name}.ipynb"),
                html=str(base.parent / f"{base.name}.html"),
                slides=str(base.parent / f"{base.name}.slides.html"),
                out_dir=str(out),
                timeout=timeout,
                cwd=str(opd_notebook.parent),
            )
        )
    if city_notebook is not None:
        city_periode = settings.periode  # the command line's, else default.yaml's
        base = inside(out, out / "kota" / "ringkasan_kota")
        tasks.append(
            NotebookTask(
                key="kota",
                kind="kota",
                kode_opd=None,
                title=f"Ringkasan Kinerja Kota Salatiga — {city_periode}",
                notebook=str(city_notebook),
                parameters={
                    "periode": city_periode,
                    "audience": "forum",
                    "cache_dir": str(cache_dir),
                    "params_dir": str(params_dir),
                },
                ipynb=str(base.parent / f"{base.name}.ipynb"),
                html=str(base.parent / f"{base.name}.html"),
                slides=str(base.parent / f"{base.name}.slides.html"),
                out_dir=str(out),
                timeout=timeout,
                cwd=str(city_notebook.parent),
            )
        )
    for t in tasks:
        results[t.key] = failure(t, "", STATUS_WAITING)
        results[t.key]["error"] = None
    return tasks, results


__all__ = ["plan_tasks"]
