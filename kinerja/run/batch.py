"""``kinerja batch``: load the data once, then run one report notebook per OPD in parallel.

Steps
-----
1. Validate the parameters (``parameters/``) and the selection of OPDs (:mod:`kinerja.domain.params`).
2. Load and validate the raw exports **once** with :func:`kinerja.data.dataset.load` and write the
   prepared Parquet cache to ``<out>/_cache/<key>/``, where ``key`` is the SHA-256 of every input
   file's content; an intact cache with the same key is reused, a damaged one is detected (file
   hashes) and rebuilt. Every notebook reads its slice from that cache (parameter ``cache_dir``).
3. Execute ``notebooks/laporan_opd.ipynb`` per OPD and ``notebooks/ringkasan_kota.ipynb`` once with
   Papermill in worker processes (``spawn``; each applies :mod:`kinerja.compat.jupyter_client` first), with
   a finite per-cell timeout, a progress bar on stderr and one line per report.
4. Per report: the executed ``.ipynb`` (kept with the failing cell visible when it fails), an
   offline code-free HTML page and an offline reveal.js deck (:mod:`kinerja.report.export`).
5. ``index.html`` (offline, Indonesian) and ``manifest.json`` (parameters, SHA-256 of every input
   file, package versions, timings, status, errors, suppressed-cell counts), rewritten after every
   finished report so that the folder is consistent at any moment, plus the ``kinerja rekap``
   workbook when :mod:`kinerja.report.rekap` is available.

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
import datetime as dt
import errno
import hashlib
import html
import inspect
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from kinerja.data.atomic import atomic_write_text
from kinerja.domain import params as P
from kinerja.report.core import METRICS_FILE

__all__ = [
    "BatchError",
    "BatchResult",
    "CacheInfo",
    "NotebookResult",
    "NotebookTask",
    "cli_batch",
    "file_sha256",
    "prepare_cache",
    "run_batch",
    "run_one",
]

CACHE_FORMAT = 1
CACHE_META = "_kinerja_cache.json"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OPD_NOTEBOOK = ROOT / "notebooks" / "laporan_opd.ipynb"
DEFAULT_CITY_NOTEBOOK = ROOT / "notebooks" / "ringkasan_kota.ipynb"
STATUS_OK = "ok"
STATUS_FAILED = "gagal"
STATUS_UNFINISHED = "tidak selesai"
STATUS_WAITING = "menunggu"
_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "jupyter_client",
    "ipykernel",
    "pyzmq",
    "matplotlib",
    "seaborn",
    "ipywidgets",
    "pyyaml",
    "dask",
    "distributed",
)


class BatchError(RuntimeError):
    """A batch cannot start (bad parameters, unreadable data, unwritable output); Indonesian text."""


# --------------------------------------------------------------------------------------------
# small helpers


def _now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 hex digest of a file's bytes (streamed)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _inside(root: Path, path: Path) -> Path:
    """Resolve ``path`` and make sure it lies inside ``root`` (no writes outside --out)."""
    resolved = path.resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        raise BatchError(f"jalur keluaran di luar folder keluaran ditolak: {path}") from None
    return resolved


def _hash_tree(folder: Path, *, skip: Iterable[str] = ()) -> dict[str, str]:
    skip = set(skip)
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in skip and not any(s.startswith(".") for s in p.parts[-1:]):
            out[rel] = file_sha256(p)
    return out


def _package_versions() -> dict[str, str | None]:
    from importlib import metadata

    import kinerja

    versions: dict[str, str | None] = {
        "python": platform.python_version(),
        "kinerja": kinerja.__version__,
    }
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _os_message(exc: OSError, what: str) -> str:
    if exc.errno == errno.ENOSPC:
        return f"{what}: ruang disk penuh ({exc.filename or ''})"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{what}: folder tidak dapat ditulis (hanya-baca atau tanpa izin): {exc.filename or ''}"
        )
    return f"{what}: {exc.strerror or exc} ({exc.filename or ''})"


# --------------------------------------------------------------------------------------------
# prepared cache


@dataclass
class CacheInfo:
    """The prepared data cache of a batch."""

    path: Path
    key: str
    status: Literal["dibuat", "dipakai ulang", "dibangun ulang"]
    inputs: dict[str, str]
    opd: Any = field(repr=False, default=None)
    summary: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def _input_hashes(data_dir: Path) -> dict[str, str]:
    files = {
        p.name: file_sha256(p)
        for p in sorted(data_dir.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }
    if not files:
        raise BatchError(f"folder data kosong: {data_dir}")
    return files


def _cache_is_intact(cache_dir: Path, key: str) -> tuple[bool, str]:
    meta_path = cache_dir / CACHE_META
    if not cache_dir.is_dir():
        return False, ""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, "metadata cache hilang atau rusak"
    if meta.get("key") != key or meta.get("format") != CACHE_FORMAT:
        return False, "cache untuk data lain"
    files = meta.get("files") or {}
    if not files:
        return False, "cache tanpa berkas"
    actual = _hash_tree(cache_dir, skip={CACHE_META, METRICS_FILE})
    if actual != files:
        changed = sorted(set(actual) ^ set(files) | {k for k in files if actual.get(k) != files[k]})
        return False, "berkas cache berubah/rusak: " + ", ".join(changed[:5])
    return True, ""


def _load_dataset(data_dir: Path, quarantine_dir: Path | None) -> Any:
    from kinerja.data.dataset import load

    if quarantine_dir is not None and "quarantine_dir" in inspect.signature(load).parameters:
        return load(data_dir, quarantine_dir=quarantine_dir)
    return load(data_dir)


def _from_cache(cache_dir: Path) -> Any:
    from kinerja.data.dataset import Dataset

    # lazy: the parent needs the opd table and the summary, not the large tables (the cache's
    # files were checked against their SHA-256 before it is reused)
    return Dataset.from_cache(cache_dir, lazy=True)


def _summary_records(ds: Any) -> list[dict[str, Any]]:
    summary = getattr(ds, "summary", None)
    if summary is None or not hasattr(summary, "to_dict"):
        return []
    records = summary.to_dict(orient="records")
    return json.loads(json.dumps(records, default=str))


def prepare_cache(
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    quarantine_dir: str | os.PathLike[str] | None = None,
) -> CacheInfo:
    """Load the raw exports once and write (or reuse) the prepared cache under ``<out>/_cache/``.

    The cache folder is named after the SHA-256 of the input files' names and contents, the
    kinerja version and the cache format. It is reused only when its metadata matches and every
    cache file still has the SHA-256 recorded when it was written; otherwise it is rebuilt.
    The new cache is written into a temporary folder and renamed into place.

    Returns
    -------
    CacheInfo
        Path, key, status (``dibuat`` / ``dipakai ulang`` / ``dibangun ulang``), input hashes
        and the ``opd`` table.
    """
    import kinerja

    data_dir = Path(data_dir)
    out = Path(out_dir)
    if not data_dir.is_dir():
        raise BatchError(
            f"folder data tidak ditemukan: {data_dir} "
            "(data sampel dapat dibuat dengan: kinerja sample --out data/sampel)"
        )
    inputs = _input_hashes(data_dir)
    blob = json.dumps(
        {"inputs": inputs, "kinerja": kinerja.__version__, "format": CACHE_FORMAT}, sort_keys=True
    )
    key = hashlib.sha256(blob.encode()).hexdigest()
    root = _inside(out, out / "_cache")
    cache_dir = root / key[:24]
    intact, reason = _cache_is_intact(cache_dir, key)
    if intact:
        try:
            ds = _from_cache(cache_dir)
            return CacheInfo(
                cache_dir, key, "dipakai ulang", inputs, ds.get("opd"), _summary_records(ds)
            )
        except Exception as exc:  # unreadable despite matching hashes: rebuild
            reason = f"cache tidak dapat dibaca: {type(exc).__name__}: {exc}"
    status: Literal["dibuat", "dibangun ulang"] = "dibangun ulang" if reason else "dibuat"
    ds = _load_dataset(data_dir, Path(quarantine_dir) if quarantine_dir else None)
    opd = ds.get("opd")
    if opd is None or len(opd) == 0:
        raise BatchError(f"tabel opd kosong atau tidak ada di {data_dir}")
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        ds.save_cache(tmp)
        meta = {
            "key": key,
            "format": CACHE_FORMAT,
            "created": _now(),
            "data_dir": str(data_dir.resolve()),
            "inputs": inputs,
            "files": _hash_tree(tmp),
        }
        (tmp / CACHE_META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if cache_dir.exists():
            shutil.rmtree(cache_dir)
        os.replace(tmp, cache_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in root.iterdir():  # keep only the current cache
        if old != cache_dir and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return CacheInfo(cache_dir, key, status, inputs, opd, _summary_records(ds), reason)


def warm_metrics(cache_dir: Path, periode: str, params_dir: Path | str | None) -> dict[str, Any]:
    """Compute the all-OPD metric tables once and store them beside the data cache.

    Every report notebook would otherwise recompute the same city-wide tables in its own
    kernel (the expensive part of a report). The stored tables are keyed by the input hashes,
    the parameters and today's date (:meth:`kinerja.report.core.ReportData.save_metrics`), so a
    notebook reuses them only when it would have computed exactly the same. A failure here
    costs time, not correctness: the notebooks then compute what they need themselves.
    """
    from kinerja.report.core import ReportData

    t0 = time.perf_counter()
    try:
        pdir = str(Path(params_dir).resolve()) if params_dir is not None else None
        data = ReportData.from_cache(cache_dir, params_dir=pdir)
        if data._memo:  # already stored for these inputs, parameters and date
            return {"status": "dipakai ulang", "tabel": len(data._memo), "detik": 0.0}
        n = data.warm(periode)
        data.save_metrics(cache_dir)
    except Exception as exc:
        return {"status": STATUS_FAILED, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"status": STATUS_OK, "tabel": n, "detik": round(time.perf_counter() - t0, 2)}


# --------------------------------------------------------------------------------------------
# one notebook (runs in a worker process or on a Dask worker)


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


def _error_summary(exc: BaseException, timeout: int) -> str:
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
        return _os_message(exc, "gagal menulis keluaran")
    text = str(exc).strip().splitlines()
    return f"{name}: {text[0] if text else ''}"[:500]


_GATES: dict[tuple[str, str, str | None], Any] = {}


def _read_pegawai(cache_dir: str) -> Any:
    import pandas as pd

    path = Path(cache_dir) / "tables" / "pegawai.parquet"
    if path.is_file():  # only the one table, not the whole dataset
        return pd.read_parquet(path, columns=["nip", "nama", "kode_opd"])
    pegawai = _from_cache(Path(cache_dir)).get("pegawai")
    if pegawai is None:
        raise BatchError(
            "tabel pegawai tidak ada di cache: gerbang data pribadi tidak dapat dibuat"
        )
    return pegawai


def _gate(cache_dir: str, audience: str, kode_opd: str | None) -> Any:
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

    target = _inside(out, path)
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
    ipynb, html_path, slides = (_inside(out, Path(p)) for p in (task.ipynb, task.html, task.slides))
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
    res.started = _now()
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
        gate = _gate(task.parameters["cache_dir"], audience, task.kode_opd)
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
            res.error = _error_summary(error, task.timeout)
    except Exception as exc:
        if type(exc).__name__ == "PersonalDataLeak":
            res.error = str(exc)[:800]
        else:
            res.error = ("ekspor gagal: " if error is None else "") + _error_summary(
                exc, task.timeout
            )
        if error is not None:
            res.error = f"{_error_summary(error, task.timeout)}; {res.error}"
    finally:
        tmp.unlink(missing_ok=True)
        if res.status != STATUS_OK:
            for stale in (html_path, slides):
                stale.unlink(missing_ok=True)
            res.files.pop("html", None)
            res.files.pop("slides", None)
            if "ipynb" not in res.files:
                ipynb.unlink(missing_ok=True)  # never leave an executed notebook of an old run
    res.ended = _now()
    res.duration_s = round(time.perf_counter() - t0, 3)
    return asdict(res)


# --------------------------------------------------------------------------------------------
# executors


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _catch_sigint() -> Any:
    """Make SIGINT raise KeyboardInterrupt in the main thread; return the previous handler."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.default_int_handler)


def _worker_init(log_dir: str | None) -> None:
    """Initializer of a local worker: patch jupyter_client, leave Ctrl-C to the parent."""
    from kinerja.compat import jupyter_client as jupyter_patch

    jupyter_patch.apply()
    # The report's imports, once per worker: each notebook's kernel is forked from here
    # (kinerja.run.forkkernel; KINERJA_FORK_KERNEL=0 starts normal kernels instead).
    from kinerja.run import forkkernel

    if forkkernel.fork_available():
        forkkernel.preload()
    # The parent decides what happens on Ctrl-C; it stops workers with SIGTERM, which unwinds
    # Papermill (the kernel is shut down in its finally blocks).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    if log_dir:
        # kernel start-up warnings and logs go to a file, not over the progress bar
        path = Path(log_dir) / f"worker-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)


class _LocalBackend:
    """Spawned worker processes (ProcessPoolExecutor); a dead worker is replaced."""

    def __init__(self, jobs: int, log_dir: Path | None) -> None:
        self.jobs = jobs
        self.log_dir = str(log_dir) if log_dir else None
        self.pool: Any = None

    def _new_pool(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(self.log_dir,),
        )

    def run(self, tasks: Sequence[NotebookTask]) -> Iterator[tuple[NotebookTask, dict[str, Any]]]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pending = list(tasks)
        breaks: dict[str, int] = {}
        while pending:
            self.pool = self._new_pool()
            futures = {self.pool.submit(run_one, asdict(t)): t for t in pending}
            pending = []
            broken = False
            while futures:
                done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
                for fut in done:
                    task = futures.pop(fut)
                    try:
                        yield task, fut.result()
                    except BrokenProcessPool:
                        broken = True
                        breaks[task.key] = breaks.get(task.key, 0) + 1
                        if breaks[task.key] >= 2:
                            yield task, _failure(task, "proses pekerja berhenti tiba-tiba")
                        else:
                            pending.append(task)
                    except Exception as exc:
                        yield task, _failure(task, _error_summary(exc, task.timeout))
            self.pool.shutdown(wait=True)
            self.pool = None
            if not broken:
                break

    def stop(self) -> None:
        """Cancel queued work and stop running workers (SIGTERM, then SIGKILL after 15 s)."""
        pool = self.pool
        if pool is None:
            return
        procs = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.terminate()
        deadline = time.monotonic() + 15
        for p in procs:
            p.join(max(0.1, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(5)
        self.pool = None


class _DaskBackend:
    """A Dask distributed cluster (``--scheduler ADDRESS`` or a ``distributed.Client``)."""

    def __init__(self, scheduler: Any, timeout: float = 30) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the optional extra
            raise BatchError(
                "Dask distributed tidak terpasang: pasang dengan pip install 'kinerja[dask]'"
            ) from None
        if isinstance(scheduler, Client):
            self.client, self.own = scheduler, False
        else:
            try:
                self.client = Client(scheduler, timeout=timeout)
            except OSError as exc:
                raise BatchError(
                    f"Dask scheduler {scheduler} tidak dapat dihubungi: {exc}"
                ) from None
            self.own = True
        self.futures: list[Any] = []

    def run(self, tasks: Sequence[NotebookTask]) -> Iterator[tuple[NotebookTask, dict[str, Any]]]:
        from distributed import as_completed

        by_key: dict[str, NotebookTask] = {}
        for t in tasks:
            fut = self.client.submit(
                run_one, asdict(t), key=f"kinerja-{t.key}-{uuid.uuid4().hex[:8]}", pure=False
            )
            by_key[fut.key] = t
            self.futures.append(fut)
        for fut in as_completed(self.futures):
            task = by_key[fut.key]
            try:
                yield task, fut.result()
            except Exception as exc:  # e.g. KilledWorker
                yield task, _failure(task, _error_summary(exc, task.timeout))

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.client.cancel(self.futures)

    def close(self) -> None:
        if self.own:
            with contextlib.suppress(Exception):
                self.client.close()


def _failure(task: NotebookTask, message: str, status: str = STATUS_FAILED) -> dict[str, Any]:
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


# --------------------------------------------------------------------------------------------
# the batch


@dataclass
class BatchResult:
    """What a batch produced."""

    out_dir: Path
    results: list[dict[str, Any]]
    manifest_path: Path
    index_path: Path
    interrupted: bool = False
    rekap: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == STATUS_OK]

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] != STATUS_OK]

    @property
    def exit_code(self) -> int:
        """0 when every report succeeded, 130 after Ctrl-C, 1 otherwise."""
        if self.interrupted:
            return 130
        return 0 if not self.failed else 1


def _check_notebook(path: Path) -> None:
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
        raise BatchError(_os_message(exc, f"folder keluaran {out}")) from None


def _read_previous_files(manifest: Path) -> set[str]:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files: set[str] = set()
    for r in data.get("notebooks", []):
        files.update(v for v in (r.get("files") or {}).values() if isinstance(v, str))
    return files


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
    started = _now()
    out = Path(out_dir).resolve()
    data = Path(data_dir).resolve()
    pdir = (Path(params_dir) if params_dir is not None else P.default_params_dir()).resolve()
    nb_opd = Path(opd_notebook or DEFAULT_OPD_NOTEBOOK).resolve()
    nb_city = Path(city_notebook or DEFAULT_CITY_NOTEBOOK).resolve()
    if data == out or out in data.parents or data in out.parents:
        raise BatchError(
            f"folder keluaran {out} tidak boleh sama dengan/di dalam folder data {data}"
        )

    try:
        defaults = P.load_defaults(pdir)
        if periode is not None:
            P.validate_periode(periode)
        if audience is not None:
            P.validate_audience(audience)
        if opd is not None:
            for code in opd:
                P.validate_kode_opd(code)
    except P.ParameterError as exc:
        raise BatchError(str(exc)) from None
    _check_notebook(nb_opd)
    if include_city:
        _check_notebook(nb_city)
    _check_writable(out)
    timeout = int(timeout if timeout is not None else defaults["notebook_timeout"])
    jobs = int(jobs if jobs is not None else (defaults["jobs"] or os.cpu_count() or 1))
    if timeout < 1:
        raise BatchError(f"batas waktu per notebook harus >= 1 detik, bukan {timeout}")
    if jobs < 1:
        raise BatchError(f"jumlah proses (--jobs) harus >= 1, bukan {jobs}")

    try:
        # quarantined rows hold personal data: they stay in the cache (and `kinerja validate`),
        # never as loose files in the output folder that travels to the forum
        cache = prepare_cache(data, out)
    except BatchError:
        raise
    except OSError as exc:
        raise BatchError(_os_message(exc, "gagal menyiapkan cache")) from None
    except Exception as exc:
        raise BatchError(
            f"data tidak dapat dimuat dari {data}: {type(exc).__name__}: {exc}"
        ) from None

    metrics = warm_metrics(cache.path, periode or defaults["periode"], pdir)

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

    # ---- tasks (an invalid per-OPD parameter file fails that OPD only)
    tasks: list[NotebookTask] = []
    results: dict[str, dict[str, Any]] = {}
    for code in selection:
        key = f"opd/{code}"
        title = f"Laporan Kinerja {names.get(code) or code}"
        try:
            P.validate_kode_opd(code)
            eff = P.resolve_params(
                code, params_dir=pdir, periode=periode, audience=audience, known_codes=known
            )
        except P.ParameterError as exc:
            stub = NotebookTask(key, "opd", None, title, "", {}, "", "", "", str(out), timeout, "")
            results[key] = _failure(stub, str(exc))
            results[key]["kode_opd"] = code if P.KODE_OPD_PATTERN.fullmatch(code) else None
            continue
        base = _inside(out, out / "opd" / code)
        tasks.append(
            NotebookTask(
                key=key,
                kind="opd",
                kode_opd=code,
                title=f"{title} — {eff['periode']}",
                notebook=str(nb_opd),
                parameters={
                    "kode_opd": code,
                    "periode": eff["periode"],
                    "audience": eff["audience"],
                    "cache_dir": str(cache.path),
                    "params_dir": str(pdir),
                },
                ipynb=str(base.parent / f"{base.name}.ipynb"),
                html=str(base.parent / f"{base.name}.html"),
                slides=str(base.parent / f"{base.name}.slides.html"),
                out_dir=str(out),
                timeout=timeout,
                cwd=str(nb_opd.parent),
            )
        )
    if include_city:
        eff = P.resolve_params(None, params_dir=pdir, periode=periode, audience="forum")
        base = _inside(out, out / "kota" / "ringkasan_kota")
        tasks.append(
            NotebookTask(
                key="kota",
                kind="kota",
                kode_opd=None,
                title=f"Ringkasan Kinerja Kota Salatiga — {eff['periode']}",
                notebook=str(nb_city),
                parameters={
                    "periode": eff["periode"],
                    "audience": "forum",
                    "cache_dir": str(cache.path),
                    "params_dir": str(pdir),
                },
                ipynb=str(base.parent / f"{base.name}.ipynb"),
                html=str(base.parent / f"{base.name}.html"),
                slides=str(base.parent / f"{base.name}.slides.html"),
                out_dir=str(out),
                timeout=timeout,
                cwd=str(nb_city.parent),
            )
        )
    for t in tasks:
        results[t.key] = _failure(t, "", STATUS_WAITING)
        results[t.key]["error"] = None

    manifest_path = _inside(out, out / "manifest.json")
    index_path = _inside(out, out / "index.html")
    previous_files = _read_previous_files(manifest_path)
    log_dir = _inside(out, out / "_log")
    log_dir.mkdir(exist_ok=True)
    _clean_temp(out)

    inputs = {
        "data": cache.inputs,
        "parameters": {
            p.relative_to(pdir).as_posix(): file_sha256(p)
            for p in sorted(pdir.rglob("*"))
            if p.is_file() and p.suffix in {".yaml", ".yml", ".csv"}
        },
        "notebooks": {
            str(p): file_sha256(p) for p in ([nb_opd, nb_city] if include_city else [nb_opd])
        },
    }
    base_manifest: dict[str, Any] = {
        "tool": "kinerja batch",
        "started": started,
        "parameters": {
            "data_dir": str(data),
            "out_dir": str(out),
            "params_dir": str(pdir),
            "periode": periode or defaults["periode"],
            "audience": audience or defaults["audience"],
            "opd": selection,
            "jobs": jobs,
            "timeout_s": timeout,
            "executor": "dask" if scheduler is not None else "lokal",
            "scheduler": str(scheduler) if isinstance(scheduler, str) else None,
            "opd_notebook": str(nb_opd),
            "city_notebook": str(nb_city) if include_city else None,
            "defaults": defaults,
        },
        "inputs": inputs,
        "packages": _package_versions(),
        "cache": {
            "path": cache.path.relative_to(out).as_posix(),
            "key": cache.key,
            "status": cache.status,
            "note": cache.note,
        },
        "data_summary": cache.summary,
        "metrik": metrics,
    }
    state = {"status": "berjalan", "rekap": {"status": "belum"}}

    def write_state() -> None:
        ordered = [results[k] for k in results]
        summary = {
            "total": len(ordered),
            "ok": sum(r["status"] == STATUS_OK for r in ordered),
            "gagal": sum(r["status"] == STATUS_FAILED for r in ordered),
            "tidak_selesai": sum(
                r["status"] in (STATUS_UNFINISHED, STATUS_WAITING) for r in ordered
            ),
        }
        manifest = dict(base_manifest)
        manifest.update(
            status=state["status"],
            ended=state.get("ended"),
            duration_s=state.get("duration_s"),
            summary=summary,
            suppressed_cells={
                r["key"]: r.get("suppressed_cells") for r in ordered if r["status"] == STATUS_OK
            },
            rekap=state["rekap"],
            notebooks=ordered,
        )
        atomic_write_text(
            manifest_path, json.dumps(manifest, indent=2, ensure_ascii=False, default=str)
        )
        atomic_write_text(index_path, _render_index(manifest, names))

    # error texts reach index.html and manifest.json: scrub personal data out of them
    try:
        scrub = _gate(str(cache.path), "forum", None).scrub
    except Exception as exc:
        raise BatchError(f"gerbang data pribadi tidak dapat disiapkan: {exc}") from None
    for r in results.values():
        r["error"] = scrub(r["error"])
    write_state()
    echo_fn = _make_echo(echo)
    backend: Any = (
        _DaskBackend(scheduler) if scheduler is not None else _LocalBackend(jobs, log_dir)
    )
    bar = _make_bar(len(tasks), progress)
    interrupted = False
    # Ctrl-C must stop the batch cleanly even when the process inherited SIGINT as ignored
    # (a shell starts background jobs that way, and Python then keeps it ignored).
    old_sigint = _catch_sigint()
    try:
        for task, res in backend.run(tasks):
            res["error"] = scrub(res["error"])
            results[task.key] = res
            write_state()
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
        if isinstance(backend, _DaskBackend):
            backend.close()
        _clean_temp(out)

    # ---- rekap workbook (guarded: module owned elsewhere)
    if not interrupted and rekap:
        state["rekap"] = _rekap_step(cache, out, periode or defaults["periode"], pdir)

    # ---- a rerun replaces the previous one: drop its files that this run did not produce
    if not interrupted:
        produced = {v for r in results.values() for v in (r.get("files") or {}).values()}
        for rel in sorted(previous_files - produced):
            with contextlib.suppress(OSError, BatchError):
                _inside(out, out / rel).unlink(missing_ok=True)

    state["status"] = "dihentikan" if interrupted else "selesai"
    state["ended"] = _now()
    state["duration_s"] = round(time.perf_counter() - t_start, 3)
    write_state()
    result = BatchResult(
        out, list(results.values()), manifest_path, index_path, interrupted, state["rekap"]
    )
    if echo:
        _print_summary(result, state["duration_s"])
    return result


def _rekap_step(cache: CacheInfo, out: Path, periode: str, pdir: Path) -> dict[str, Any]:
    path = _inside(out, out / "rekap.xlsx")
    tmp = path.with_name(f".rekap.{uuid.uuid4().hex[:8]}.tmp.xlsx")
    try:
        from kinerja.protect import gated_replace
        from kinerja.report.core import ReportData
        from kinerja.report.rekap import rekap_tables, write_rekap

        # the same (precomputed) metric tables the reports show
        data = ReportData.from_cache(cache.path, params_dir=str(pdir))
        tables = rekap_tables(data, periode=periode)
        write_rekap(tables, tmp, pegawai=data.table("pegawai"))
        # the workbook is a forum output too: it passes the personal-data gate
        gated_replace(tmp, path, _gate(str(cache.path), "forum", None), audience="forum", root=out)
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        return {"status": STATUS_FAILED, "error": f"{type(exc).__name__}: {exc}"[:500]}
    return {"status": STATUS_OK, "file": "rekap.xlsx", "sha256": file_sha256(path)}


# --------------------------------------------------------------------------------------------
# console and index


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _make_bar(total: int, progress: bool) -> Any:
    if not progress:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="Laporan", unit="notebook", file=sys.stderr, dynamic_ncols=True)


def _make_echo(echo: bool) -> Any:
    def fn(bar: Any, res: dict[str, Any]) -> None:
        if not echo:
            return
        name = res["kode_opd"] or "ringkasan kota"
        dur = res.get("duration_s")
        dur_txt = f"{dur:.1f} dtk".replace(".", ",") if dur is not None else "-"
        line = f"[{res['status']}] {name} ({dur_txt})"
        if res.get("error"):
            line += f" — {res['error']}"
        if hasattr(bar, "write"):
            bar.write(line, file=sys.stdout)
        else:
            print(line, flush=True)

    return fn


def _print_summary(result: BatchResult, duration: float) -> None:
    n_ok, n_bad = len(result.ok), len(result.failed)
    print(
        f"Selesai dalam {duration:.1f} dtk: {n_ok} laporan berhasil, {n_bad} gagal/tidak selesai.".replace(
            ".", ",", 1
        )
    )
    for r in result.failed:
        print(f"  - {r['kode_opd'] or 'ringkasan kota'}: {r['status']}: {r.get('error') or ''}")
    if result.interrupted:
        print("Batch dihentikan; laporan yang sudah selesai tetap tersimpan. Jalankan ulang.")
    print(f"Indeks: {result.index_path}")
    print(f"Manifest: {result.manifest_path}")


_STATUS_LABEL = {
    STATUS_OK: "berhasil",
    STATUS_FAILED: "gagal",
    STATUS_UNFINISHED: "tidak selesai",
    STATUS_WAITING: "menunggu",
}


def _fmt_time(iso: object) -> str:
    try:
        return dt.datetime.fromisoformat(str(iso)).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return str(iso)


def _render_index(manifest: dict[str, Any], names: dict[str, str | None]) -> str:
    """The offline index page (Indonesian; every value escaped)."""
    esc = html.escape
    params = manifest["parameters"]
    rows = []
    ordered = sorted(manifest["notebooks"], key=lambda r: r.get("kind") != "kota")
    for r in ordered:
        files = r.get("files") or {}
        links = []
        for kind, label in (("html", "Laporan"), ("slides", "Salindia"), ("ipynb", "Notebook")):
            if kind in files:
                links.append(f'<a href="{esc(files[kind], quote=True)}">{label}</a>')
        dur = r.get("duration_s")
        code = r.get("kode_opd")
        rows.append(
            '<tr class="{cls}"><td>{code}</td><td>{name}</td><td>{status}</td><td>{dur}</td>'
            "<td>{links}</td><td>{err}</td></tr>".format(
                cls="ok" if r["status"] == STATUS_OK else "gagal",
                code=esc(code or "—"),
                name=esc(names.get(code) or "" if code else "Ringkasan Kota Salatiga"),
                status=esc(_STATUS_LABEL.get(r["status"], r["status"])),
                dur=(f"{dur:.1f} dtk".replace(".", ",") if dur is not None else "—"),
                links=" · ".join(links) or "—",
                err=esc(r.get("error") or ""),
            )
        )
    summary = manifest["summary"]
    banner = ""
    if params.get("audience") == "internal":
        banner = (
            '<p class="rahasia">RAHASIA — hanya untuk internal OPD masing-masing. '
            "Jangan diteruskan ke forum.</p>"
        )
    rekap = manifest.get("rekap") or {}
    rekap_html = (
        '<p><a href="rekap.xlsx">Rekap forum (Excel)</a></p>'
        if rekap.get("status") == STATUS_OK
        else ""
    )
    status_text = {
        "berjalan": "sedang berjalan",
        "selesai": "selesai",
        "dihentikan": "dihentikan sebelum selesai",
    }.get(manifest["status"], manifest["status"])
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan kinerja OPD — {esc(str(params.get("periode")))}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td:nth-child(4) {{ white-space: nowrap; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
tr.gagal td {{ background: #fff1f0; }}
.rahasia {{ background: #b00020; color: #fff; padding: .6rem; font-weight: bold; }}
.ringkas {{ color: #555; }}
</style>
</head>
<body>
<h1>Laporan kinerja OPD Kota Salatiga</h1>
{banner}
<p class="ringkas">Periode {esc(str(params.get("periode")))} · audiens {esc(str(params.get("audience")))}
· status batch: {esc(status_text)} · mulai {esc(_fmt_time(manifest.get("started")))}</p>
<p>{summary["ok"]} berhasil, {summary["gagal"]} gagal, {summary["tidak_selesai"]} belum/tidak selesai
dari {summary["total"]} laporan.</p>
{rekap_html}
<table>
<thead><tr><th>Kode OPD</th><th>Nama</th><th>Status</th><th>Durasi</th><th>Berkas</th><th>Keterangan</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p class="ringkas">Rincian (parameter, sidik SHA-256 berkas masukan, versi paket):
<a href="manifest.json">manifest.json</a></p>
</body>
</html>
"""


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
        print(_os_message(exc, "Batch berhenti"), file=sys.stderr)
        return 2
    return result.exit_code
