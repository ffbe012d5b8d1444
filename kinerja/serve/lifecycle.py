"""Worker processes of ``kinerja app`` die with the server, even when it is killed outright.

A server stopped with Ctrl-C or SIGTERM shuts its kernels down and stops the pre-render
(:func:`kinerja.serve.app.serve`). A server killed with SIGKILL runs no code at all, so each
child asks the Linux kernel to signal it when its parent goes: ``prctl(PR_SET_PDEATHSIG,
SIGKILL)`` through ``ctypes`` (:func:`die_with_parent`), called in the child itself -- the
pre-render process, its worker processes and every form kernel. Where ``prctl`` does not exist
(not Linux) a daemon thread polls the parent id once a second instead (:func:`watch_parent`).

The death signal is delivered when the *thread* that created the child ends; the server starts
the pre-render and its kernels from its main (IOLoop) thread, and the pre-render starts its
workers from its main thread, so the signal means "the parent process is gone".
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

from kinerja.domain.settings import ENV_SERVER_PID, read_env

#: ``prctl`` option: signal to deliver to this process when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1


_BOUND: set[int] = set()


def set_death_signal(sig: int = signal.SIGKILL) -> bool:
    """``prctl(PR_SET_PDEATHSIG, sig)`` for this process; ``False`` where unavailable."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return False
    prctl.restype = ctypes.c_int
    return prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(int(sig)), 0, 0, 0) == 0


def watch_parent(parent_pid: int, interval: float = 1.0) -> threading.Thread:
    """A daemon thread that ends this process (``os._exit``) once ``parent_pid`` is not its
    parent any more."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(0)

    t = threading.Thread(target=watch, name="kinerja-induk", daemon=True)
    t.start()
    return t


def die_with_parent(parent_pid: int | None = None) -> bool:
    """Make this process end when its parent ends (idempotent per process).

    Parameters
    ----------
    parent_pid : int, optional
        The parent it must have; default the current parent. When the parent is already gone
        (this process was re-parented before the call), the process ends at once.

    Returns
    -------
    bool
        True when the Linux death signal is set (else the polling thread is used).
    """
    me = os.getpid()
    if me in _BOUND:
        return True
    expected = os.getppid() if parent_pid is None else int(parent_pid)
    ok = set_death_signal(signal.SIGKILL)
    if os.getppid() != expected:  # the parent died before the signal was armed
        os._exit(0)
    if not ok:
        watch_parent(expected)
    _BOUND.add(me)
    return ok


def bind_kernel_to_server(environ: dict[str, str] | None = None) -> bool:
    """In a form kernel: end with the server (``KINERJA_SERVER_PID``, set by ``kinerja app``).

    A kernel whose parent is not that server (a kernel of JupyterLab, a test) is left alone.
    """
    server = read_env(environ).server_pid
    if server is None or os.getppid() != server:
        return False
    with contextlib.suppress(Exception):
        return die_with_parent(server)
    return False


__all__ = [
    "ENV_SERVER_PID",
    "PR_SET_PDEATHSIG",
    "bind_kernel_to_server",
    "die_with_parent",
    "set_death_signal",
    "watch_parent",
]
