"""``kinerja batch``: load the data once, then run one report notebook per OPD in parallel.

Steps (:func:`run_batch`, one named function each)
-----
1. ``_check_setup``: validate the parameters (``parameters/``, :mod:`kinerja.domain.params`), the
   notebooks and the output folder.
2. ``_prepare_data``: load and validate the raw exports **once** and write (or reuse) the
   prepared Parquet cache ``<out>/_cache/<key>/`` (:mod:`kinerja.run.cache`); every notebook reads
   its slice from that cache (parameter ``cache_dir``). The all-OPD metric tables are warmed
   beside it.
3. ``_select_opds`` and :func:`kinerja.run.plan.plan_tasks`: the OPDs to run and one
   :class:`~kinerja.run.tasks.NotebookTask` per OPD plus the city overview.
4. ``_execute``: run ``notebooks/laporan_opd.ipynb`` per OPD and ``notebooks/ringkasan_kota.ipynb``
   once with Papermill in worker processes (:mod:`kinerja.run.executors`; ``spawn``, each applies
   :mod:`kinerja.compat` first), with a finite per-cell timeout, a progress bar on stderr and one
   line per report (:mod:`kinerja.run.console`). Per report (:func:`kinerja.run.tasks.run_one`):
   the executed ``.ipynb`` (kept with the failing cell visible when it fails), an offline
   code-free HTML page and an offline reveal.js deck, each through the personal-data gate.
5. ``index.html`` (offline, Indonesian; :mod:`kinerja.run.index`) and ``manifest.json``
   (:mod:`kinerja.run.manifest`: parameters, SHA-256 of every input file, package versions,
   timings, status, errors, suppressed-cell counts), rewritten after every finished report so
   that the folder is consistent at any moment; then ``_rekap_step`` (the ``kinerja rekap``
   workbook) and ``_drop_previous_files`` (files of an earlier run that this one did not make).

Output folder::

    <out>/index.html  manifest.json  rekap.xlsx
    <out>/opd/<kode_opd>.ipynb | .html | .slides.html
    <out>/kota/ringkasan_kota.ipynb | .html | .slides.html
    <out>/_cache/<key>/...   <out>/_log/worker-<pid>.log

Failures are isolated: a failing, timed-out or killed notebook fails that report only; the batch
ends with a summary and a non-zero exit code. Every write is atomic (temporary file, then
``os.replace``) and every output path is checked to lie inside ``<out>``. Ctrl-C stops the
workers, keeps the reports already finished and marks the others ``tidak selesai`` in the manifest.

The executor is swappable: local processes (default) or a Dask distributed cluster
(``--scheduler ADDRESS``; optional extra ``kinerja[dask]``; the workers must see the same file
system paths as this process).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kinerja.data.io import file_sha256
from kinerja.domain import params as P
from kinerja.domain.resources import ResourceError, notebook_path
from kinerja.domain.settings import Settings, load_settings
from kinerja.run.cache import CacheInfo, prepare_cache, warm_metrics
from kinerja.run.common import (
    STATUS_FAILED,
    STATUS_OK,
    STATUS_UNFINISHED,
    STATUS_WAITING,
    BatchError,
    BatchResult,
    inside,
    now,
    os_message,
)
from kinerja.run.console import make_bar, make_echo, print_summary
from kinerja.run.executors import DaskBackend, LocalBackend, catch_sigint
from kinerja.run.manifest import (
    ManifestWriter,
    input_hashes,
    package_versions,
    read_previous_files,
)
from kinerja.run.plan import plan_tasks
from kinerja.run.tasks import NotebookTask, personal_data_gate

#: Notebooks used when ``run_batch`` gets none; ``None``: the project folder's
#: ``notebooks/<name>.ipynb``, else the copy shipped with the package
#: (:func:`kinerja.domain.resources.notebook_path`). Tests point them at fixture notebooks.
DEFAULT_OPD_NOTEBOOK: Path | None = None
DEFAULT_CITY_NOTEBOOK: Path | None = None

__all__ = [
    "BatchError",
    "BatchResult",
    "cli_batch",
    "run_batch",
]


# --------------------------------------------------------------------------------------------
# the batch


def check_notebook(path: Path) -> None:
    """Refuse a report notebook that is missing, unreadable or has no ``parameters`` cell."""
    if not path.is_file():
        raise BatchError(f"notebook tidak ditemukan: {path}")
    try:
        # a v4 notebook is plain JSON: no nbformat (jsonschema) import in the parent
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(nb, dict) or int(nb.get("nbformat", 0)) < 4:
            import nbformat

            nb = nbformat.read(path, as_version=4)
        tagged = any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"])
    except Exception as exc:
        raise BatchError(f"notebook tidak dapat dibaca: {path}: {exc}") from None
    if not tagged:
        raise BatchError(
            f"notebook {path} tidak memiliki sel bertag 'parameters' "
            "(Papermill memerlukannya untuk menyuntikkan kode_opd, periode, dst.)"
        )


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".tulis-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise BatchError(os_message(exc, f"folder keluaran {out}")) from None


def _clean_temp(out: Path) -> None:
    for sub in ("opd", "kota"):
        for tmp in (out / sub).glob(".*.tmp*"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def run_batch(
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    periode: str | None = None,
    opd: Sequence[str] | None = None,
    jobs: int | None = None,
    audience: str | None = None,
    params_dir: str | os.PathLike[str] | None = None,
    timeout: int | None = None,
    scheduler: Any = None,
    opd_notebook: str | os.PathLike[str] | None = None,
    city_notebook: str | os.PathLike[str] | None = None,
    include_city: bool = True,
    rekap: bool = True,
    progress: bool = True,
    echo: bool = True,
) -> BatchResult:
    """Run every OPD's report (or a selection) plus the city overview.

    Parameters
    ----------
    data_dir : path
        Folder of raw exports (read-only; loaded once with :func:`kinerja.data.dataset.load`).
    out_dir : path
        Output folder; nothing is written outside it.
    periode, audience : str, optional
        Override the parameter files (``audience`` ``forum`` or ``internal``; the city overview
        always runs for ``forum``).
    opd : sequence of str, optional
        OPD codes to run (each must exist in the ``opd`` table); default all.
    jobs : int, optional
        Parallel workers (default ``jobs`` in default.yaml, else one per core).
    params_dir : path, optional
        The ``parameters/`` folder.
    timeout : int, optional
        Per-cell execution timeout in seconds (default ``notebook_timeout``).
    scheduler : str or distributed.Client, optional
        Run on a Dask cluster instead of local processes.
    opd_notebook, city_notebook : path, optional
        Notebooks to run (default ``notebooks/laporan_opd.ipynb``, ``notebooks/ringkasan_kota.ipynb``).
    include_city, rekap : bool
        Run the city overview; write ``rekap.xlsx`` when :mod:`kinerja.report.rekap` exists.
    progress, echo : bool
        Show the tqdm progress bar (stderr) and one line per report (stdout).

    Returns
    -------
    BatchResult

    Raises
    ------
    BatchError
        Before anything runs, for invalid parameters, an unknown OPD code, missing notebooks,
        unreadable data or an unwritable output folder.
    """
    t_start = time.perf_counter()
    setup = _check_setup(
        data_dir,
        out_dir,
        periode=periode,
        opd=opd,
        jobs=jobs,
        audience=audience,
        params_dir=params_dir,
        timeout=timeout,
        opd_notebook=opd_notebook,
        city_notebook=city_notebook,
        include_city=include_city,
    )
    cache, metrics = _prepare_data(setup)
    names, selection = _select_opds(setup, cache)
    tasks, results = plan_tasks(
        selection,
        names,
        out=setup.out,
        settings=setup.settings,
        cache_dir=cache.path,
        opd_notebook=setup.nb_opd,
        city_notebook=setup.nb_city if include_city else None,
        timeout=setup.timeout,
    )
    out = setup.out
    manifest_path = inside(out, out / "manifest.json")
    index_path = inside(out, out / "index.html")
    previous_files = read_previous_files(manifest_path)
    log_dir = inside(out, out / "_log")
    log_dir.mkdir(exist_ok=True)
    _clean_temp(out)
    writer = ManifestWriter(
        manifest_path,
        index_path,
        _base_manifest(setup, cache, metrics, selection, scheduler),
        names,
    )
    state: dict[str, Any] = {"status": "berjalan", "rekap": {"status": "belum"}}
    scrub = _error_scrubber(cache)
    for r in results.values():
        r["error"] = scrub(r["error"])
    writer.write(results, state)
    interrupted = _execute(
        tasks,
        results,
        out=out,
        scrub=scrub,
        write=lambda: writer.write(results, state),
        backend=DaskBackend(scheduler)
        if scheduler is not None
        else LocalBackend(setup.jobs, log_dir),
        progress=progress,
        echo=echo,
    )
    # ---- rekap workbook (guarded: module owned elsewhere)
    if not interrupted and rekap:
        state["rekap"] = _rekap_step(cache, out, setup.periode, setup.settings)
    if not interrupted:
        _drop_previous_files(out, previous_files, results)

    state["status"] = "dihentikan" if interrupted else "selesai"
    state["ended"] = now()
    state["duration_s"] = round(time.perf_counter() - t_start, 3)
    writer.write(results, state)
    result = BatchResult(
        out, list(results.values()), manifest_path, index_path, interrupted, state["rekap"]
    )
    if echo:
        print_summary(result, state["duration_s"])
    return result


@dataclass(frozen=True)
class _Setup:
    """The checked settings of one batch (step 1 of :func:`run_batch`)."""

    started: str
    out: Path
    data: Path
    pdir: Path
    settings: Settings
    nb_opd: Path
    nb_city: Path
    include_city: bool
    opd: tuple[str, ...] | None
    defaults: dict[str, Any]
    periode_arg: str | None
    audience_arg: str | None
    timeout: int
    jobs: int

    @property
    def periode(self) -> str:
        """The period every report is run for (argument, else ``default.yaml``)."""
        return self.periode_arg or self.defaults["periode"]


def _check_setup(
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    periode: str | None,
    opd: Sequence[str] | None,
    jobs: int | None,
    audience: str | None,
    params_dir: str | os.PathLike[str] | None,
    timeout: int | None,
    opd_notebook: str | os.PathLike[str] | None,
    city_notebook: str | os.PathLike[str] | None,
    include_city: bool,
) -> _Setup:
    """Step 1: folders, settings, notebooks, output folder, timeout and jobs (or BatchError).

    The settings (:func:`kinerja.domain.settings.load_settings`: ``default.yaml``, every per-OPD
    file, the command line's ``periode``/``audience``/``jobs``/``timeout``) are resolved here
    once and passed down to the metric warm-up, the task plan and the rekap.
    """
    started = now()
    out = Path(out_dir).resolve()
    data = Path(data_dir).resolve()
    try:
        nb_opd = Path(
            opd_notebook or DEFAULT_OPD_NOTEBOOK or notebook_path("laporan_opd")
        ).resolve()
        nb_city = Path(
            city_notebook or DEFAULT_CITY_NOTEBOOK or notebook_path("ringkasan_kota")
        ).resolve()
    except ResourceError as exc:
        raise BatchError(str(exc)) from None
    if data == out or out in data.parents or data in out.parents:
        raise BatchError(
            f"folder keluaran {out} tidak boleh sama dengan/di dalam folder data {data}"
        )

    try:
        base = load_settings(params_dir)
        settings = base.with_overrides(periode=periode, audience=audience)
        if opd is not None:
            for code in opd:
                P.validate_kode_opd(code)
    except P.ParameterError as exc:
        raise BatchError(str(exc)) from None
    pdir = settings.params_dir
    defaults = base.as_params()
    check_notebook(nb_opd)
    if include_city:
        check_notebook(nb_city)
    _check_writable(out)
    timeout = int(timeout if timeout is not None else defaults["notebook_timeout"])
    jobs = int(jobs if jobs is not None else (defaults["jobs"] or os.cpu_count() or 1))
    if timeout < 1:
        raise BatchError(f"batas waktu per notebook harus >= 1 detik, bukan {timeout}")
    if jobs < 1:
        raise BatchError(f"jumlah proses (--jobs) harus >= 1, bukan {jobs}")
    try:
        settings = settings.with_overrides(jobs=jobs, notebook_timeout=timeout)
    except P.ParameterError as exc:
        raise BatchError(str(exc)) from None
    return _Setup(
        started=started,
        out=out,
        data=data,
        pdir=pdir,
        settings=settings,
        nb_opd=nb_opd,
        nb_city=nb_city,
        include_city=include_city,
        opd=tuple(opd) if opd is not None else None,
        defaults=defaults,
        periode_arg=periode,
        audience_arg=audience,
        timeout=timeout,
        jobs=jobs,
    )


def _prepare_data(setup: _Setup) -> tuple[CacheInfo, dict[str, Any]]:
    """Step 2: the prepared data cache (loaded once) and the warmed metric tables."""
    data = setup.data
    try:
        # quarantined rows hold personal data: they stay in the cache (and `kinerja validate`),
        # never as loose files in the output folder that travels to the forum
        cache = prepare_cache(data, setup.out)
    except BatchError:
        raise
    except OSError as exc:
        raise BatchError(os_message(exc, "gagal menyiapkan cache")) from None
    except Exception as exc:
        raise BatchError(
            f"data tidak dapat dimuat dari {data}: {type(exc).__name__}: {exc}"
        ) from None

    metrics = warm_metrics(cache.path, setup.periode, setup.settings)
    return cache, metrics


def _select_opds(setup: _Setup, cache: CacheInfo) -> tuple[dict[str, str | None], list[str]]:
    """Step 3: OPD names from the ``opd`` table and the OPDs to run (unknown codes: BatchError)."""
    opd = setup.opd
    names = {
        str(r.kode_opd): (None if r.nama_opd != r.nama_opd else str(r.nama_opd))
        for r in cache.opd.itertuples(index=False)
    }
    known = list(names)
    if opd is not None:
        unknown = [c for c in opd if c not in names]
        if unknown:
            raise BatchError(f"kode_opd tidak ada dalam tabel opd: {', '.join(unknown)}")
    selection = list(dict.fromkeys(opd)) if opd is not None else known
    return names, selection


def _base_manifest(
    setup: _Setup,
    cache: CacheInfo,
    metrics: dict[str, Any],
    selection: list[str],
    scheduler: Any,
) -> dict[str, Any]:
    """The parts of ``manifest.json`` that stay the same during the run."""
    out = setup.out
    notebooks = [setup.nb_opd, setup.nb_city] if setup.include_city else [setup.nb_opd]
    return {
        "tool": "kinerja batch",
        "started": setup.started,
        "parameters": {
            "data_dir": str(setup.data),
            "out_dir": str(out),
            "params_dir": str(setup.pdir),
            "periode": setup.periode,
            "audience": setup.audience_arg or setup.defaults["audience"],
            "opd": selection,
            "jobs": setup.jobs,
            "timeout_s": setup.timeout,
            "executor": "dask" if scheduler is not None else "lokal",
            "scheduler": str(scheduler) if isinstance(scheduler, str) else None,
            "opd_notebook": str(setup.nb_opd),
            "city_notebook": str(setup.nb_city) if setup.include_city else None,
            "defaults": setup.defaults,
        },
        "inputs": input_hashes(cache.inputs, setup.pdir, notebooks),
        "packages": package_versions(),
        "cache": {
            "path": cache.path.relative_to(out).as_posix(),
            "key": cache.key,
            "status": cache.status,
            "note": cache.note,
        },
        "data_summary": cache.summary,
        "metrik": metrics,
    }


def _error_scrubber(cache: CacheInfo) -> Callable[[str | None], str | None]:
    """Error texts reach index.html and manifest.json: scrub personal data out of them."""
    try:
        return personal_data_gate(str(cache.path), "forum", None).scrub
    except Exception as exc:
        raise BatchError(f"gerbang data pribadi tidak dapat disiapkan: {exc}") from None


def _execute(
    tasks: Sequence[NotebookTask],
    results: dict[str, dict[str, Any]],
    *,
    out: Path,
    scrub: Callable[[str | None], str | None],
    write: Callable[[], None],
    backend: Any,
    progress: bool,
    echo: bool,
) -> bool:
    """Step 4: run the tasks on ``backend``, recording each result as it finishes.

    Returns True when the batch was interrupted (Ctrl-C); the reports not finished then are
    marked ``tidak selesai``.
    """
    echo_fn = make_echo(echo)
    bar = make_bar(len(tasks), progress)
    interrupted = False
    # Ctrl-C must stop the batch cleanly even when the process inherited SIGINT as ignored
    # (a shell starts background jobs that way, and Python then keeps it ignored).
    old_sigint = catch_sigint()
    try:
        for task, res in backend.run(tasks):
            res["error"] = scrub(res["error"])
            results[task.key] = res
            write()
            bar.update(1)
            echo_fn(bar, res)
    except KeyboardInterrupt:
        interrupted = True
        backend.stop()
        for r in results.values():
            if r["status"] == STATUS_WAITING:
                r["status"] = STATUS_UNFINISHED
                r["error"] = "batch dihentikan (Ctrl-C) sebelum laporan ini selesai"
    finally:
        if old_sigint is not None:
            signal.signal(signal.SIGINT, old_sigint)
        bar.close()
        if isinstance(backend, DaskBackend):
            backend.close()
        _clean_temp(out)
    return interrupted


def _drop_previous_files(
    out: Path, previous_files: set[str], results: dict[str, dict[str, Any]]
) -> None:
    """A rerun replaces the previous one: drop its files that this run did not produce."""
    produced = {v for r in results.values() for v in (r.get("files") or {}).values()}
    for rel in sorted(previous_files - produced):
        with contextlib.suppress(OSError, BatchError):
            inside(out, out / rel).unlink(missing_ok=True)


def _rekap_step(
    cache: CacheInfo, out: Path, periode: str, settings: Settings | Path | str
) -> dict[str, Any]:
    path = inside(out, out / "rekap.xlsx")
    tmp = path.with_name(f".rekap.{uuid.uuid4().hex[:8]}.tmp.xlsx")
    try:
        from kinerja.metrics.store import ReportData
        from kinerja.protect import gated_replace
        from kinerja.report.rekap import rekap_tables, write_rekap

        # the same (precomputed) metric tables the reports show
        if not isinstance(settings, Settings):  # a parameters folder
            settings = load_settings(settings)
        data = ReportData.from_cache(cache.path, settings=settings)
        tables = rekap_tables(data, periode=periode)
        write_rekap(tables, tmp, pegawai=data.table("pegawai"))
        # the workbook is a forum output too: it passes the personal-data gate
        gated_replace(
            tmp,
            path,
            personal_data_gate(str(cache.path), "forum", None),
            audience="forum",
            root=out,
        )
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        return {"status": STATUS_FAILED, "error": f"{type(exc).__name__}: {exc}"[:500]}
    return {"status": STATUS_OK, "file": "rekap.xlsx", "sha256": file_sha256(path)}


# --------------------------------------------------------------------------------------------
# command line


def cli_batch(args: Any) -> int:
    """``kinerja batch``: run the reports; exit 0 when all succeeded, 1 on failures, 2 when the
    batch cannot start, 130 after Ctrl-C."""
    data = Path(args.data) if getattr(args, "data", None) else Path("data/sampel")
    out = Path(args.out) if getattr(args, "out", None) else Path("reports")
    try:
        result = run_batch(
            data,
            out,
            periode=args.periode,
            opd=args.opd,
            jobs=args.jobs,
            audience=args.audience,
            params_dir=args.params,
            timeout=args.timeout,
            scheduler=args.scheduler,
        )
    except BatchError as exc:
        print(f"Batch tidak dapat dijalankan: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # during loading, before any report ran
        print("Batch dihentikan sebelum laporan dijalankan.", file=sys.stderr)
        return 130
    except OSError as exc:
        print(os_message(exc, "Batch berhenti"), file=sys.stderr)
        return 2
    return result.exit_code
