"""Where the report notebooks run: local spawned worker processes or a Dask cluster.

Also the worker initialiser (compat patches, pre-imports, signals, log file) and the parent's
Ctrl-C handling.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kinerja.run.common import BatchError
from kinerja.run.tasks import NotebookTask, error_summary, execute_one, failure


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def catch_sigint() -> Any:
    """Make SIGINT raise KeyboardInterrupt in the main thread; return the previous handler."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.default_int_handler)


@contextlib.contextmanager
def deferred_sigint() -> Iterator[None]:
    """Hold Ctrl-C during a critical section (moving one report set into place), raise after.

    A report's files are moved together or not at all: a SIGINT arriving in the middle is
    remembered and raised as KeyboardInterrupt when the section ends.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if pending:
        raise KeyboardInterrupt


def _worker_init(log_dir: str | None) -> None:
    """Initializer of a local worker: patch jupyter_client, leave Ctrl-C to the parent."""
    from kinerja.compat import jsonschema as jsonschema_compat
    from kinerja.compat import jupyter_client as jupyter_patch

    jupyter_patch.apply()
    # The report's imports, once per worker: each notebook's kernel is forked from here
    # (kinerja.run.forkkernel; KINERJA_FORK_KERNEL=0 starts normal kernels instead).
    from kinerja.run import forkkernel

    if forkkernel.fork_available():
        jsonschema_compat.apply()  # before papermill imports nbformat (and jsonschema)
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


class LocalBackend:
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
        """Run ``tasks``; yield ``(task, result dict)`` in the order they finish."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pending = list(tasks)
        breaks: dict[str, int] = {}
        while pending:
            self.pool = self._new_pool()
            futures = {self.pool.submit(execute_one, asdict(t)): t for t in pending}
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
                            yield task, failure(task, "proses pekerja berhenti tiba-tiba")
                        else:
                            pending.append(task)
                    except Exception as exc:
                        yield task, failure(task, error_summary(exc, task.timeout))
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


class DaskBackend:
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
        """Run ``tasks``; yield ``(task, result dict)`` in the order they finish."""
        from distributed import as_completed

        by_key: dict[str, NotebookTask] = {}
        for t in tasks:
            fut = self.client.submit(
                execute_one, asdict(t), key=f"kinerja-{t.key}-{uuid.uuid4().hex[:8]}", pure=False
            )
            by_key[fut.key] = t
            self.futures.append(fut)
        for fut in as_completed(self.futures):
            task = by_key[fut.key]
            try:
                yield task, fut.result()
            except Exception as exc:  # e.g. KilledWorker
                yield task, failure(task, error_summary(exc, task.timeout))

    def stop(self) -> None:
        """Cancel the submitted work."""
        with contextlib.suppress(Exception):
            self.client.cancel(self.futures)

    def close(self) -> None:
        """Close the client when this backend created it."""
        if self.own:
            with contextlib.suppress(Exception):
                self.client.close()


__all__ = [
    "DaskBackend",
    "LocalBackend",
    "catch_sigint",
    "deferred_sigint",
]
