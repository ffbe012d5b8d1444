"""The notebook tasks of a batch: one per selected OPD plus the city overview."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kinerja.domain import params as P
from kinerja.domain.settings import Settings
from kinerja.run.common import STATUS_WAITING, inside
from kinerja.run.tasks import NotebookTask, failure

#: An OPD code that can name its report files: letters, digits, ``_`` and ``-``. A dot (or any
#: other character) is refused, so that ``DINSOS.slides`` can never write ``DINSOS.slides.html``,
#: DINSOS's deck; codes that differ only in letter case are refused too (one file on a
#: case-insensitive disk).
SAFE_FILE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


def file_name_problem(code: str, taken: Mapping[str, str]) -> str | None:
    """Why ``code`` cannot name report files (Indonesian), or ``None`` when it can.

    Parameters
    ----------
    code : str
        The OPD code.
    taken : mapping
        Case-folded code → code, of the codes already planned.
    """
    if not SAFE_FILE_CODE.fullmatch(code):
        return (
            f"kode_opd {code!r} tidak dapat dipakai sebagai nama berkas laporan: hanya huruf, "
            "angka, garis bawah (_) dan tanda hubung (-) yang diperbolehkan (tanpa titik, spasi "
            "atau garis miring), agar laporan satu OPD tidak menimpa berkas OPD lain. "
            "Perbaiki kode ini di tabel opd."
        )
    other = taken.get(code.casefold())
    if other is not None and other != code:
        return (
            f"kode_opd {code!r} hanya berbeda huruf besar/kecil dari {other!r}: berkas laporannya "
            "akan saling menimpa. Perbaiki kode ini di tabel opd."
        )
    return None


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
    taken: dict[str, str] = {}
    for code in selection:
        key = f"opd/{code}"
        title = f"Laporan Kinerja {names.get(code) or code}"
        problem = file_name_problem(code, taken)
        try:
            if problem is not None:
                raise P.ParameterError(problem)
            own = settings.for_opd(code, known_codes=known)
        except P.ParameterError as exc:
            stub = NotebookTask(key, "opd", None, title, "", {}, "", "", "", str(out), timeout, "")
            results[key] = failure(stub, str(exc))
            results[key]["kode_opd"] = code if P.KODE_OPD_PATTERN.fullmatch(code) else None
            continue
        taken[code.casefold()] = code
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
                pdf=str(base.parent / f"{base.name}.pdf"),
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
                pdf=str(base.parent / f"{base.name}.pdf"),
            )
        )
    for t in tasks:
        results[t.key] = failure(t, "", STATUS_WAITING)
        results[t.key]["error"] = None
    return tasks, results


__all__ = ["SAFE_FILE_CODE", "file_name_problem", "plan_tasks"]
