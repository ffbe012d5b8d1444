"""One report notebook: the task, its result, and its execution with the personal-data gate.

:func:`run_one` runs in a worker process or on a Dask worker.
"""

from __future__ import annotations

import contextlib
import os
import platform
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from kinerja.data.atomic import atomic_write_text
from kinerja.run.common import STATUS_FAILED, STATUS_OK, BatchError, inside, now, os_message


@dataclass
class NotebookTask:
    """Everything a worker needs to run one report (plain data, picklable)."""

    key: str
    kind: Literal["opd", "kota"]
    kode_opd: str | None
    title: str
    notebook: str
    parameters: dict[str, Any]
    ipynb: str
    html: str
    slides: str
    out_dir: str
    timeout: int
    cwd: str


@dataclass
class NotebookResult:
    """Outcome of one report."""

    key: str
    kind: str
    kode_opd: str | None
    title: str
    status: str
    started: str | None = None
    ended: str | None = None
    duration_s: float | None = None
    error: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    suppressed_cells: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    worker: str | None = None


def error_summary(exc: BaseException, timeout: int) -> str:
    """A short Indonesian description of why a report failed (for the manifest and index)."""
    name = type(exc).__name__
    if name == "PapermillExecutionError":
        ename = getattr(exc, "ename", "Error")
        evalue = str(getattr(exc, "evalue", "")).strip()
        count = getattr(exc, "exec_count", None)
        where = f" (sel In [{count}])" if count is not None else ""
        return f"{ename}: {evalue}{where}"[:500]
    if name == "CellTimeoutError" or isinstance(exc, TimeoutError):
        return f"batas waktu {timeout} detik per sel terlampaui"
    if name == "DeadKernelError":
        return "kernel berhenti mendadak (mati atau dihentikan paksa)"
    if isinstance(exc, OSError):
        return os_message(exc, "gagal menulis keluaran")
    text = str(exc).strip().splitlines()
    return f"{name}: {text[0] if text else ''}"[:500]


_GATES: dict[tuple[str, str, str | None], Any] = {}


def _read_pegawai(cache_dir: str) -> Any:
    import pandas as pd

    path = Path(cache_dir) / "tables" / "pegawai.parquet"
    if path.is_file():  # only the one table, not the whole dataset
        return pd.read_parquet(path, columns=["nip", "nama", "kode_opd"])
    from kinerja.run import cache

    pegawai = cache._from_cache(Path(cache_dir)).get("pegawai")
    if pegawai is None:
        raise BatchError(
            "tabel pegawai tidak ada di cache: gerbang data pribadi tidak dapat dibuat"
        )
    return pegawai


def personal_data_gate(cache_dir: str, audience: str, kode_opd: str | None) -> Any:
    """The personal-data gate of one report (kinerja.protect), cached per worker process.

    ``forum``: every NIP and name in ``pegawai``. ``internal``: people of other OPDs only; an OPD
    without staff in ``pegawai`` gets the forum gate (the strictest).
    """
    from kinerja.protect import PersonalDataGate

    key = (cache_dir, audience, kode_opd if audience == "internal" else None)
    if key not in _GATES:
        pegawai = _read_pegawai(cache_dir)
        gate = None
        if audience == "internal" and kode_opd is not None:
            with contextlib.suppress(ValueError):
                gate = PersonalDataGate.for_internal(pegawai, kode_opd)
        if gate is None:
            gate = PersonalDataGate.from_pegawai(pegawai)
        _GATES.clear()  # one cache at a time; a worker serves one batch
        _GATES[key] = gate
    return _GATES[key]


def _write_output(path: Path, text: str, gate: Any, out: Path) -> None:
    """Write one HTML output only when the personal-data gate passes (atomic).

    The gate scans everything that comes from the notebook; the inlined template assets
    (reveal.js, JupyterLab CSS: shipped files, the same in every report) are left out of the scan
    because they are most of a deck's bytes and scanning them costs seconds per report.
    """
    from kinerja.report.export import without_static_assets

    target = inside(out, path)
    gate.check_bytes(without_static_assets(text).encode("utf-8"), name=str(target), suffix=".html")
    atomic_write_text(target, text)


def run_one(task: NotebookTask | dict[str, Any]) -> dict[str, Any]:
    """Execute one report notebook with Papermill and export it; never raises for notebook faults.

    The executed notebook is written to a temporary file next to its target and renamed into
    place, also when execution failed (Papermill keeps the failing cell visible). HTML and
    slides are written only for a successful run; stale ones from an earlier run are removed
    when it fails, so a failed report never shows an old page.

    Returns
    -------
    dict
        A :class:`NotebookResult` as a dict.
    """
    from kinerja.compat import jupyter_client as jupyter_patch

    jupyter_patch.apply()
    if isinstance(task, dict):
        task = NotebookTask(**task)
    out = Path(task.out_dir)
    ipynb, html_path, slides = (inside(out, Path(p)) for p in (task.ipynb, task.html, task.slides))
    res = NotebookResult(
        task.key,
        task.kind,
        task.kode_opd,
        task.title,
        STATUS_FAILED,
        parameters=task.parameters,
        worker=f"{platform.node()}:{os.getpid()}",
    )
    t0 = time.perf_counter()
    res.started = now()
    ipynb.parent.mkdir(parents=True, exist_ok=True)
    tmp = ipynb.with_name(f".{ipynb.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.ipynb")
    error: BaseException | None = None
    try:
        import papermill as pm

        from kinerja.run import forkkernel

        fork = {}
        if forkkernel.preloaded():
            # a worker prepared by _worker_init: the kernel is forked with the imports done
            # (the manager itself falls back to a normal kernel when forking is off)
            fork["kernel_manager_class"] = "kinerja.run.forkkernel.ForkingKernelManager"
        pm.execute_notebook(
            task.notebook,
            str(tmp),
            parameters=task.parameters,
            kernel_name="python3",
            execution_timeout=task.timeout,
            progress_bar=False,
            log_output=False,
            cwd=task.cwd,
            **fork,
        )
    except Exception as exc:  # the report fails, the batch goes on
        error = exc
    try:
        # every output passes the personal-data gate before it is written (issue 6, item 3)
        audience = "internal" if task.parameters.get("audience") == "internal" else "forum"
        gate = personal_data_gate(task.parameters["cache_dir"], audience, task.kode_opd)
        if tmp.exists():
            from kinerja.protect import gated_replace

            gated_replace(tmp, ipynb, gate, audience=audience, root=out)
            res.files["ipynb"] = ipynb.relative_to(out.resolve()).as_posix()
        if error is None:
            import nbformat

            from kinerja.report.export import export_html, export_slides, suppressed_cells

            nb = nbformat.read(ipynb, as_version=4)
            res.suppressed_cells = suppressed_cells(nb)
            _write_output(html_path, export_html(nb, title=task.title), gate, out)
            _write_output(slides, export_slides(nb, title=task.title), gate, out)
            res.files["html"] = html_path.relative_to(out.resolve()).as_posix()
            res.files["slides"] = slides.relative_to(out.resolve()).as_posix()
            res.status = STATUS_OK
        else:
            res.error = error_summary(error, task.timeout)
    except Exception as exc:
        if type(exc).__name__ == "PersonalDataLeak":
            res.error = str(exc)[:800]
        else:
            res.error = ("ekspor gagal: " if error is None else "") + error_summary(
                exc, task.timeout
            )
        if error is not None:
            res.error = f"{error_summary(error, task.timeout)}; {res.error}"
    finally:
        tmp.unlink(missing_ok=True)
        if res.status != STATUS_OK:
            for stale in (html_path, slides):
                stale.unlink(missing_ok=True)
            res.files.pop("html", None)
            res.files.pop("slides", None)
            if "ipynb" not in res.files:
                ipynb.unlink(missing_ok=True)  # never leave an executed notebook of an old run
    res.ended = now()
    res.duration_s = round(time.perf_counter() - t0, 3)
    return asdict(res)


def failure(task: NotebookTask, message: str, status: str = STATUS_FAILED) -> dict[str, Any]:
    """The result dict of ``task`` with ``status`` and error ``message`` (no files)."""
    return asdict(
        NotebookResult(
            task.key,
            task.kind,
            task.kode_opd,
            task.title,
            status,
            error=message,
            parameters=task.parameters,
        )
    )


__all__ = [
    "NotebookResult",
    "NotebookTask",
    "failure",
    "personal_data_gate",
    "run_one",
]
