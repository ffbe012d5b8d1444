"""One report notebook: the task, its result, and its execution with the personal-data gate.

A report's files are made in a private staging folder and moved into place together:
:func:`execute_one` (in a worker process or on a Dask worker) executes the notebook and writes
the executed ``.ipynb``, the HTML page and the deck into ``<out>/.kinerja-tmp/<report>/``, each
through the personal-data gate; :func:`commit_staged` (in the batch's parent process, which
alone decides, so that nothing is moved into place after Ctrl-C) moves the whole set over the
previous one. A report that fails leaves the previous good set where it was; the result then
names it (``sebelumnya``). :func:`run_one` does both, for a caller without a parent.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
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
    pdf: str = ""


#: Staging folder (inside the output folder, so that the final moves are renames on one file
#: system); removed at the start and end of every batch.
STAGING_DIR = ".kinerja-tmp"


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
    staging: str | None = None


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
    path = Path(cache_dir) / "tables" / "pegawai.parquet"
    if path.is_file():  # only the pegawai files (quarantined employees too), not the dataset
        from kinerja.protect import people_in_cache

        return people_in_cache(cache_dir)
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


def _stage_dir(out: Path, task: NotebookTask) -> Path:
    name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in task.key)
    stage = inside(out, out / STAGING_DIR / f"{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    stage.mkdir(parents=True)
    return stage


def failed_notebook_name(ipynb: str | os.PathLike[str]) -> str:
    """The name under which a failing run's executed notebook is kept: ``<kode>.gagal.ipynb``.

    OPD codes are letters, digits, ``_`` and ``-`` only (:mod:`kinerja.run.plan`), so this name
    never equals a report file of another OPD.
    """
    return f"{Path(ipynb).stem}.gagal.ipynb"


def execute_one(task: NotebookTask | dict[str, Any]) -> dict[str, Any]:
    """Execute one report notebook with Papermill and export it into a staging folder.

    Never raises for notebook or export faults. On success the result's ``files`` are the final
    paths (relative to the output folder) of the executed notebook, the HTML page and the deck,
    and ``staging`` the folder holding them under their final names; nothing outside the staging
    folder is touched (:func:`commit_staged` moves them). When the notebook itself fails, only
    the executed notebook with its failing cell is staged, as ``<kode>.gagal.ipynb``; when the
    export fails (disk full, a personal-data leak) nothing is staged.

    Returns
    -------
    dict
        A :class:`NotebookResult` as a dict.
    """
    from kinerja.compat import jupyter_client as jupyter_patch

    jupyter_patch.apply()
    if isinstance(task, dict):
        task = NotebookTask(**task)
    out = Path(task.out_dir).resolve()
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
    stage: Path | None = None
    error: BaseException | None = None
    try:
        stage = _stage_dir(out, task)
        tmp = stage / f".{ipynb.stem}.tmp.ipynb"
        try:
            import papermill as pm

            from kinerja.run import forkkernel

            fork = {}
            if forkkernel.preloaded():
                # a worker prepared by _worker_init: the kernel is forked with the imports done
                # (the manager itself falls back to a normal kernel when forking is off)
                fork["kernel_manager_class"] = "kinerja.run.forkkernel.ForkingKernelManager"
                # ... and with this worker's gate, so chart text is checked for names too
                from kinerja.protect import use_gate_for_charts

                aud = "internal" if task.parameters.get("audience") == "internal" else "forum"
                cache_dir = task.parameters["cache_dir"]
                use_gate_for_charts(personal_data_gate(cache_dir, aud, task.kode_opd))
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
        # every output passes the personal-data gate before it is written (issue 6, item 3)
        audience = "internal" if task.parameters.get("audience") == "internal" else "forum"
        gate = personal_data_gate(task.parameters["cache_dir"], audience, task.kode_opd)
        from kinerja.protect import gated_replace

        if error is None:
            import nbformat

            from kinerja.report.export import export_html, export_slides, suppressed_cells

            gated_replace(tmp, stage / ipynb.name, gate, audience=audience, root=out)
            nb = nbformat.read(stage / ipynb.name, as_version=4)
            res.suppressed_cells = suppressed_cells(nb)
            _write_output(stage / html_path.name, export_html(nb, title=task.title), gate, out)
            _write_output(stage / slides.name, export_slides(nb, title=task.title), gate, out)
            for kind, path in (("ipynb", ipynb), ("html", html_path), ("slides", slides)):
                res.files[kind] = path.relative_to(out).as_posix()
            res.status = STATUS_OK
        else:
            res.error = error_summary(error, task.timeout)
            if tmp.exists():  # the failing cell stays visible for the analyst
                kept = ipynb.with_name(failed_notebook_name(ipynb))
                gated_replace(tmp, stage / kept.name, gate, audience=audience, root=out)
                res.files["ipynb_gagal"] = kept.relative_to(out).as_posix()
    except Exception as exc:
        res.files.clear()
        if type(exc).__name__ == "PersonalDataLeak":
            res.error = str(exc)[:800]
        else:
            res.error = ("ekspor gagal: " if error is None else "") + error_summary(
                exc, task.timeout
            )
        if error is not None:
            res.error = f"{error_summary(error, task.timeout)}; {res.error}"
        res.status = STATUS_FAILED
    except BaseException:  # SIGTERM from the parent (KeyboardInterrupt): leave nothing behind
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        raise
    if stage is not None:
        with contextlib.suppress(OSError):
            for leftover in stage.glob(".*.tmp*"):
                leftover.unlink()
        if res.files:
            res.staging = str(stage)
        else:
            shutil.rmtree(stage, ignore_errors=True)
    res.ended = now()
    res.duration_s = round(time.perf_counter() - t0, 3)
    return asdict(res)


def _set_files(entry: dict[str, Any] | None) -> dict[str, str]:
    """The good report set of a previous manifest entry (its own files, or those it kept)."""
    if not entry:
        return {}
    if entry.get("status") == STATUS_OK:
        files = entry.get("files") or {}
    else:
        files = (entry.get("sebelumnya") or {}).get("files") or {}
    return {k: v for k, v in files.items() if isinstance(v, str) and k != "ipynb_gagal"}


def commit_staged(
    res: dict[str, Any], out: str | os.PathLike[str], previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Move a staged report set into place together, or keep the previous good set.

    Parameters
    ----------
    res : dict
        A result of :func:`execute_one` (changed in place and returned).
    out : path
        The output folder.
    previous : dict, optional
        This report's entry in the previous run's manifest. When the report failed and the
        previous good set is still on disk, ``res["sebelumnya"]`` names it (files and time), so
        that the index and the manifest say that the older report is shown.

    Notes
    -----
    The moves are renames inside one file system (the staging folder lies in ``out``): they
    need no free space and each is atomic. Files of the previous set that the new set does not
    have (an old PDF, an old ``.gagal.ipynb``) are removed after a successful move.
    """
    root = Path(out).resolve()
    stage = res.pop("staging", None)
    try:
        if stage:
            for rel in res["files"].values():
                target = inside(root, root / rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(Path(stage) / Path(rel).name, target)
    except OSError as exc:
        res["status"] = STATUS_FAILED
        res["error"] = os_message(exc, "gagal memindahkan berkas laporan")
        res["files"] = {}
    finally:
        if stage:
            shutil.rmtree(stage, ignore_errors=True)
    new = set(res.get("files", {}).values())
    old = _set_files(previous)
    if res["status"] == STATUS_OK:
        stale = set(old.values()) | {
            v for v in ((previous or {}).get("files") or {}).values() if isinstance(v, str)
        }
        if res.get("files", {}).get("ipynb"):
            stale.add(
                str(
                    Path(res["files"]["ipynb"]).with_name(
                        failed_notebook_name(res["files"]["ipynb"])
                    )
                )
            )
        for rel in sorted(stale - new):
            with contextlib.suppress(OSError, BatchError):
                inside(root, root / rel).unlink(missing_ok=True)
    elif old and all((root / rel).is_file() for rel in old.values()):
        kept = (previous or {}).get("sebelumnya") or {
            "ended": (previous or {}).get("ended"),
            "started": (previous or {}).get("started"),
        }
        res["sebelumnya"] = {
            "files": old,
            "ended": kept.get("ended"),
            "started": kept.get("started"),
        }
    return res


def run_one(task: NotebookTask | dict[str, Any]) -> dict[str, Any]:
    """:func:`execute_one` then :func:`commit_staged` (for a caller without a batch parent)."""
    if isinstance(task, dict):
        task = NotebookTask(**task)
    return commit_staged(execute_one(task), task.out_dir)


def failure(task: NotebookTask, message: str, status: str = STATUS_FAILED) -> dict[str, Any]:
    """The result dict of ``task`` with ``status`` and error ``message`` (no files)."""
    res = asdict(
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
    res.pop("staging", None)
    return res


__all__ = [
    "STAGING_DIR",
    "NotebookResult",
    "NotebookTask",
    "commit_staged",
    "execute_one",
    "failed_notebook_name",
    "failure",
    "personal_data_gate",
    "run_one",
]
