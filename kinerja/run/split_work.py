"""Independent jobs shared between this process and one forked child (two cores, two halves).

A cold ``kinerja pantau --out`` writes 59 files, each rendered and then read back by the
personal-data gate: pure Python, so one core does all of it while the other waits. The machine
the workbench runs on has two cores. :func:`map_split` forks one child that takes every second
job. The child inherits everything the parent holds (the data, the gate, the rendered tables),
so nothing is sent on the way in; only each job's result (a path, as text) comes back, as JSON
through a pipe (no pickle: nothing in the package deserialises code-bearing data).

Failures are the same as in a plain loop: the exception of the first failing job (in job
order) is raised after both halves have stopped. A page the gate refused in the child is
raised as the same :class:`~kinerja.protect.PersonalDataLeak` (file and masked hits); a built-in
exception (``OSError``, ``ValueError``...) with its type and message; any other as
``RuntimeError("<type>: <message>")``. A child that dies without an answer (killed, out of
memory) costs time, not results: the parent then runs the child's jobs itself. The split is
off where ``fork`` does not exist, on one core, for fewer than two jobs, in a process running
other Python threads, and with ``KINERJA_PARALLEL=0``.

Notes
-----
The child leaves with ``os._exit`` (no ``atexit`` handlers, no second flush of the parent's
buffered output). The jobs given here render text and write files; they start no threads.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["map_split", "split_enabled"]

T = TypeVar("T")

#: a job's failure as sent by the child: (job index, exception)
Failure = tuple[int, BaseException]


def split_enabled() -> bool:
    """Whether :func:`map_split` forks: ``fork`` exists, two cores or more, not turned off.

    Never from a process running other Python threads (a server, a notebook kernel): a thread
    holding a lock at the moment of the fork would leave that lock held in the child forever.
    """
    import threading

    from kinerja.domain.settings import read_env

    if not hasattr(os, "fork") or not read_env().parallel:
        return False
    if threading.active_count() > 1:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _encode_error(exc: BaseException) -> dict[str, Any]:
    from kinerja.protect import PersonalDataLeak

    if isinstance(exc, PersonalDataLeak):
        hits = [[h.kind, h.shown, h.start, h.end] for h in exc.hits]
        return {"jenis": "bocor", "where": exc.where, "hits": hits}
    name = type(exc).__name__
    if type(exc) is getattr(builtins, name, None):
        try:
            args = json.loads(json.dumps(list(exc.args)))
        except (TypeError, ValueError):
            args = [str(exc)]
        return {"jenis": "bawaan", "type": name, "args": args}
    return {"jenis": "lain", "pesan": f"{name}: {exc}"}


def _decode_error(data: dict[str, Any]) -> BaseException:
    from kinerja.protect import PersonalDataLeak
    from kinerja.protect.gate import Hit

    if data.get("jenis") == "bocor":
        return PersonalDataLeak(str(data["where"]), [Hit(*h) for h in data["hits"]])
    if data.get("jenis") == "bawaan":
        kind = getattr(builtins, str(data["type"]), None)
        if isinstance(kind, type) and issubclass(kind, BaseException):
            try:
                return kind(*data["args"])
            except Exception:
                pass
    return RuntimeError(str(data.get("pesan") or data))


def _run(
    fn: Callable[[T], Any], items: Sequence[T], indexes: Sequence[int]
) -> tuple[dict[int, Any], Failure | None]:
    """``fn`` over ``items[i]`` for each index, stopping at the first exception."""
    done: dict[int, Any] = {}
    for i in indexes:
        try:
            # as JSON data in either process: a tuple is a list wherever the job ran
            done[i] = json.loads(json.dumps(fn(items[i])))
        except BaseException as exc:  # KeyboardInterrupt too: reported as a plain loop would
            return done, (i, exc)
    return done, None


def _child(fn: Callable[[T], Any], items: Sequence[T], indexes: Sequence[int], fd: int) -> None:
    """The forked child: run its jobs, send results and failure as JSON through ``fd``, exit."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the child at once
        done, failed = _run(fn, items, indexes)
        answer: dict[str, Any] = {"done": [[i, r] for i, r in done.items()], "failed": None}
        if failed is not None:
            answer["failed"] = [failed[0], _encode_error(failed[1])]
        payload = json.dumps(answer).encode("utf-8")
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
    except BaseException:
        code = 1
    finally:
        _flush()  # what the jobs printed, once
        os._exit(code)


def _receive(fd: int, pid: int) -> tuple[dict[int, Any], Failure | None] | None:
    """The child's answer, or ``None`` when it gave none (it died, or sent nothing usable)."""
    with os.fdopen(fd, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    if not data or os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        answer = json.loads(data)
        done = {int(i): r for i, r in answer["done"]}
        failed = answer["failed"]
        return done, (None if failed is None else (int(failed[0]), _decode_error(failed[1])))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def map_split(fn: Callable[[T], Any], items: Sequence[T], *, enabled: bool | None = None) -> list:
    """``[fn(x) for x in items]``, every second job run by a forked child.

    Parameters
    ----------
    fn
        The job: called with one item. Its result must be JSON data (text, numbers, lists,
        dicts with text keys); it is returned as JSON reads it back (a tuple as a list) in
        either process, and a result that is not JSON data fails the job (``TypeError``).
    items
        The jobs' inputs, in the order their results are returned.
    enabled
        Force the split on or off (default: :func:`split_enabled`).

    Returns
    -------
    list
        The results in the order of ``items``.

    Raises
    ------
    BaseException
        The exception of the first failing job in ``items`` order (see the module notes for
        how a child's exception arrives). Jobs of the other half may have run.
    """
    items = list(items)
    use = split_enabled() if enabled is None else enabled
    if not use or len(items) < 2:
        done, failed = _run(fn, items, range(len(items)))
        if failed is not None:
            raise failed[1]
        return [done[i] for i in range(len(items))]
    mine = list(range(0, len(items), 2))
    theirs = list(range(1, len(items), 2))
    _flush()  # nothing buffered here is printed twice
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_fd)
        _child(fn, items, theirs, write_fd)
    os.close(write_fd)
    done, failed = _run(fn, items, mine)
    if failed is not None and not isinstance(failed[1], Exception):  # Ctrl-C, SystemExit
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
        _receive(read_fd, pid)
        raise failed[1]
    answer = _receive(read_fd, pid)
    if answer is None:  # the child died without answering: its jobs are run here
        rest = [i for i in theirs if failed is None or i < failed[0]]
        answer = _run(fn, items, rest)
    child_done, child_failed = answer
    done.update(child_done)
    failures = [f for f in (failed, child_failed) if f is not None]
    if failures:
        raise min(failures, key=lambda f: f[0])[1]
    return [done[i] for i in range(len(items))]
