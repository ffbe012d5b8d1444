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
   line per report (:mod:`kinerja.run.console`). Per report (:func:`kinerja.run.tasks.execute_one`):
   the executed ``.ipynb``, an offline code-free HTML page and an offline reveal.js deck, each
   through the personal-data gate, written to a staging folder; this process adds the A4 PDF
   (:mod:`kinerja.report.pdf`, one headless Chromium for the whole batch) and then moves the
   set into place together (:func:`kinerja.run.tasks.commit_staged`). A report that fails
   keeps the previous good set (the manifest and index say so) and its failing notebook as
   ``<kode>.gagal.ipynb``.
5. ``index.html`` (offline, Indonesian; :mod:`kinerja.run.index`) and ``manifest.json``
   (:mod:`kinerja.run.manifest`: parameters, SHA-256 of every input file, package versions,
   timings, status, errors, suppressed-cell counts), rewritten after every finished report so
   that the folder is consistent at any moment; then ``_rekap_step`` (the ``kinerja rekap``
   workbook) and ``_drop_previous_files`` (files of an earlier run that this one did not make).

Output folder::

    <out>/index.html  manifest.json  rekap.xlsx
    <out>/opd/<kode_opd>.ipynb | .html | .slides.html | .pdf   (.gagal.ipynb when it failed)
    <out>/kota/ringkasan_kota.ipynb | .html | .slides.html | .pdf
    <out>/_cache/<key>/...   <out>/_log/worker-<pid>.log

Failures are isolated: a failing, timed-out or killed notebook fails that report only; the batch
ends with a summary and a non-zero exit code (also when the rekap was blocked: the stale
``rekap.xlsx`` is then removed). Every write is atomic (temporary file, then ``os.replace``),
every output path is checked to lie inside ``<out>``, and a disk that fills up leaves the
previous good files in place. Ctrl-C stops scheduling and the workers; no report is moved into
place after it (the reports already finished stay, the others keep their previous files and
are marked ``tidak selesai`` in the manifest); exit code 130.

The executor is swappable: local processes (default) or a Dask distributed cluster
(``--scheduler ADDRESS``; optional extra ``kinerja[dask]``; the workers must see the same file
system paths as this process).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kinerja.data.database import is_database_url, redact
from kinerja.data.errors import DatabaseError
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
from kinerja.run.executors import DaskBackend, LocalBackend, catch_sigint, deferred_sigint
from kinerja.run.manifest import (
    ManifestWriter,
    input_hashes,
    package_versions,
    read_previous,
    read_previous_files,
)
from kinerja.run.plan import plan_tasks
from kinerja.run.printing import PdfStep
from kinerja.run.tasks import STAGING_DIR, NotebookTask, commit_staged, personal_data_gate

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
    shutil.rmtree(out / STAGING_DIR, ignore_errors=True)
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
    pdf: bool = True,
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
    pdf : bool
        Print an A4 PDF of every HTML report (headless Chromium; when it is missing the batch
        says so and records that no PDF was produced).
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
    setup, cache, metrics = _prepare_data(setup, echo=echo)
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
    previous = read_previous(manifest_path)
    log_dir = inside(out, out / "_log")
    log_dir.mkdir(exist_ok=True)
    _clean_temp(out)
    writer = ManifestWriter(
        manifest_path,
        index_path,
        _base_manifest(setup, cache, metrics, selection, scheduler),
        names,
        _opd_kinds(cache),
    )
    state: dict[str, Any] = {
        "status": "berjalan",
        "rekap": {"status": "belum"},
        "pdf": {"status": "belum" if pdf else "tidak diminta"},
    }
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
        previous=previous,
        pdf_state=state["pdf"] if pdf else None,
    )
    # ---- rekap workbook (guarded: module owned elsewhere)
    if not interrupted and rekap:
        try:
            with _sigint_as_interrupt():
                state["rekap"] = _rekap_step(cache, out, setup.periode, setup.settings)
        except KeyboardInterrupt:
            interrupted = True
            for tmp in out.glob(".rekap.*.tmp.xlsx"):
                tmp.unlink(missing_ok=True)
    if not interrupted:
        _drop_previous_files(out, previous_files, results)
        state["audit"] = _audit_step(out)  # attack what this run published (kinerja.run.audit)

    state["status"] = "dihentikan" if interrupted else "selesai"
    state["ended"] = now()
    state["duration_s"] = round(time.perf_counter() - t_start, 3)
    writer.write(results, state)
    result = BatchResult(
        out,
        list(results.values()),
        manifest_path,
        index_path,
        interrupted,
        state["rekap"],
        pdf=state["pdf"],
        notes=[writer.write_error] if writer.write_error else [],
    )
    if not interrupted and (setup.audience_arg or setup.defaults["audience"]) == "forum":
        from kinerja.protect import enforce_tree  # last gate over files written without one

        gate = personal_data_gate(str(cache.path), "forum", None)
        result.notes.extend(enforce_tree(out, gate, only=("index.html", "manifest.json")))
    if state.get("audit", {}).get("status") == "gagal":  # exit 1 with the explanation
        from kinerja.run.audit import failure_message

        result.notes.append(failure_message(state["audit"]))
    if echo:
        print_summary(result, state["duration_s"])
        for notice in setup.period_notes:  # streams without rows in the period
            print(f"Catatan: {notice}")
    return result


@dataclass(frozen=True)
class _Setup:
    """The checked settings of one batch (step 1 of :func:`run_batch`)."""

    started: str
    out: Path
    data: Path | str  # a database URL stays text
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
    period_notes: tuple[str, ...] = ()  # streams without rows in the period (kinerja.data.periods)

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
    # a database URL stays text (its password only in memory; shown and written redacted)
    data = data_dir if is_database_url(str(data_dir)) else Path(data_dir).resolve()
    try:
        nb_opd = Path(
            opd_notebook or DEFAULT_OPD_NOTEBOOK or notebook_path("laporan_opd")
        ).resolve()
        nb_city = Path(
            city_notebook or DEFAULT_CITY_NOTEBOOK or notebook_path("ringkasan_kota")
        ).resolve()
    except ResourceError as exc:
        raise BatchError(str(exc)) from None
    if isinstance(data, Path) and (data == out or out in data.parents or data in out.parents):
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


def _prepare_data(setup: _Setup, *, echo: bool = False) -> tuple[_Setup, CacheInfo, dict[str, Any]]:
    """Step 2: the prepared data cache (loaded once), the period (``auto`` resolved from the
    data, :func:`_resolve_periode`) and the warmed metric tables."""
    data = setup.data
    try:
        # quarantined rows hold personal data: they stay in the cache (and `kinerja validate`),
        # never as loose files in the output folder that travels to the forum
        cache = prepare_cache(data, setup.out, params_dir=setup.pdir)
    except (BatchError, DatabaseError) as exc:
        if isinstance(exc, DatabaseError):  # one clear message, no password, exit 2
            raise BatchError(str(exc)) from None
        raise
    except OSError as exc:
        raise BatchError(os_message(exc, "gagal menyiapkan cache")) from None
    except Exception as exc:
        raise BatchError(
            f"data tidak dapat dimuat dari {redact(data)}: {type(exc).__name__}: {exc}"
        ) from None

    setup = _resolve_periode(setup, cache, echo=echo)
    metrics = warm_metrics(cache.path, setup.periode, setup.settings)
    return setup, cache, metrics


def _resolve_periode(setup: _Setup, cache: CacheInfo, *, echo: bool) -> _Setup:
    """``periode: auto`` -> the period chosen from the data; print why in one line; a period
    without any row stops the batch (BatchError, exit 2) naming the periods that have data."""
    from dataclasses import replace

    from kinerja.data.dataset import Dataset
    from kinerja.data.periods import EmptyPeriodError, resolve_periode

    try:
        choice = resolve_periode(
            Dataset.from_cache(cache.path, lazy=True).tables, setup.settings.periode
        )
    except (EmptyPeriodError, ValueError) as exc:
        raise BatchError(str(exc)) from None
    if echo:
        print(choice.line, flush=True)
        for notice in choice.notices:
            print(f"  Catatan: {notice}", flush=True)
    return replace(
        setup,
        settings=setup.settings.resolve_auto(choice.periode),
        periode_arg=choice.periode,
        period_notes=tuple(choice.notices),
    )


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


def _opd_kinds(cache: CacheInfo) -> dict[str, str | None]:
    """kode_opd → ``jenis_opd`` (the index page's groups); empty when the column is absent."""
    if "jenis_opd" not in cache.opd.columns:
        return {}
    return {
        str(r.kode_opd): (None if r.jenis_opd != r.jenis_opd else str(r.jenis_opd))
        for r in cache.opd.itertuples(index=False)
    }


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
            "data_dir": redact(setup.data),
            "out_dir": str(out),
            "params_dir": str(setup.pdir),
            "periode": setup.periode,
            "periode_catatan": list(setup.period_notes),
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
        **({"sumber_data": cache.source} if cache.source else {}),
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
    previous: dict[str, dict[str, Any]] | None = None,
    pdf_state: dict[str, Any] | None = None,
) -> bool:
    """Step 4: run the tasks on ``backend``; print, commit and record each as it finishes.

    Each finished report's staged set gets its PDF (when ``pdf_state`` is given; one browser
    for the batch) and is then moved into place with Ctrl-C held off
    (:func:`kinerja.run.executors.deferred_sigint`), so a set is never half moved. Returns True
    when the batch was interrupted (Ctrl-C): nothing is moved into place after that, the
    reports not finished are marked ``tidak selesai`` and keep their previous files.
    """
    previous = previous or {}
    echo_fn = make_echo(echo)
    bar = make_bar(len(tasks), progress)
    interrupted = False
    by_key = {t.key: t for t in tasks}
    printer = PdfStep(pdf_state, echo) if pdf_state is not None else None
    # Ctrl-C must stop the batch cleanly even when the process inherited SIGINT as ignored
    # (a shell starts background jobs that way, and Python then keeps it ignored).
    old_sigint = catch_sigint()
    try:
        for task, res in backend.run(tasks):
            if printer is not None:
                printer.add_pdf(by_key.get(task.key, task), res, out)
            with deferred_sigint():
                commit_staged(res, out, previous.get(task.key))
                res["error"] = scrub(res["error"])
                results[task.key] = res
                write()
            bar.update(1)
            echo_fn(bar, res)
    except KeyboardInterrupt:
        interrupted = True
        backend.stop()
        for key, r in results.items():
            if r["status"] == STATUS_WAITING:
                r["status"] = STATUS_UNFINISHED
                r["error"] = "batch dihentikan (Ctrl-C) sebelum laporan ini selesai"
                commit_staged(r, out, previous.get(key))  # names the previous set, moves nothing
    finally:
        if old_sigint is not None:
            signal.signal(signal.SIGINT, old_sigint)
        bar.close()
        if printer is not None:
            printer.close()
        if isinstance(backend, DaskBackend):
            backend.close()
        _clean_temp(out)
    return interrupted


@contextlib.contextmanager
def _sigint_as_interrupt() -> Any:
    old = catch_sigint()
    try:
        yield
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


def _drop_previous_files(
    out: Path, previous_files: set[str], results: dict[str, dict[str, Any]]
) -> None:
    """A rerun replaces the previous one: drop its files that this run did not produce."""
    produced = {v for r in results.values() for v in (r.get("files") or {}).values()}
    produced |= {
        v
        for r in results.values()
        for v in ((r.get("sebelumnya") or {}).get("files") or {}).values()
    }
    for rel in sorted(previous_files - produced):
        with contextlib.suppress(OSError, BatchError):
            inside(out, out / rel).unlink(missing_ok=True)


def _audit_step(out: Path) -> dict[str, Any]:
    """The disclosure audit of everything this run published (:func:`kinerja.run.audit.audit_run`)."""
    try:
        from kinerja.run.audit import audit_run

        summary, _findings = audit_run(out)
    except Exception as exc:  # the audit must not lose the reports; it fails the batch instead
        return {"status": "gagal", "sel_gagal": 0, "contoh_gagal": [f"audit tidak berjalan: {exc}"]}
    return summary


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
        from kinerja.protect import people_frame  # quarantined employees are gated too

        write_rekap(tables, tmp, pegawai=people_frame(data.dataset))
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
        # a stale workbook of an earlier run must not pass for this run's rekap
        stale = path.is_file()
        path.unlink(missing_ok=True)
        return {
            "status": STATUS_FAILED,
            "error": f"{type(exc).__name__}: {exc}"[:500],
            "berkas_lama_dihapus": stale,
        }
    return {"status": STATUS_OK, "file": "rekap.xlsx", "sha256": file_sha256(path)}


# --------------------------------------------------------------------------------------------
# command line


def cli_batch(args: Any) -> int:
    """``kinerja batch``: run the reports; exit 0 when all succeeded, 1 on failures, 2 when the
    batch cannot start, 130 after Ctrl-C."""
    data = Path(args.data) if getattr(args, "data", None) else Path("data/sampel")
    data = args.data if is_database_url(getattr(args, "data", None)) else data
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
