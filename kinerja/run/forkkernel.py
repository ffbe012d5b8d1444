"""Notebook kernels forked from a process that has already imported the report's modules.

Every report notebook starts with the same work: start a Python kernel, then import pandas,
matplotlib, seaborn, pyarrow and the report modules (:mod:`kinerja.serve.notebook` and what it
imports). That is most of a report's cost (``bench/bench_batch.py`` calls it the *floor*). A batch
worker runs many notebooks one after the other, so it imports those modules **once**
(:func:`preload`) and then starts each notebook's kernel with ``os.fork()`` instead of a new
interpreter (:class:`ForkingKernelManager`). The child is a normal ipykernel (own process, own ZMQ
sockets, own connection file, own working directory), so a notebook still runs in a fresh kernel:
nothing a notebook does reaches the next one or the worker. Only module imports are shared; no
data, no figures, no memoised metrics (the worker never runs report code itself).

Used by :mod:`kinerja.run.batch` (one worker = one template). Falls back to a normal kernel where
``fork`` does not exist (Windows) or when ``KINERJA_FORK_KERNEL=0``.

Notes
-----
The child resets what ``fork`` copies but must not share with the worker: the asyncio event loop
of the worker's thread (the kernel makes its own), the traitlets application singleton (the
Voila server's), signal handlers (back to the defaults before
ipykernel installs its own), stdin (``/dev/null``, as ``launch_kernel`` gives a kernel no
terminal), the process group (its own, so interrupt/kill reach only that kernel). pyzmq creates a
new context after a fork by itself. The child leaves with ``os._exit`` and never returns into the
worker's stack.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from kinerja.compat import jsonschema as jsonschema_compat
from kinerja.compat import traitlets as traitlets_compat

#: What a report notebook imports (kinerja.serve.notebook; the rest is imported lazily while it runs). Not
#: ``matplotlib_inline.backend_inline``: importing it hooks figures into the *current* IPython
#: shell, which exists only in the kernel (pyplot loads it there on first use).
REPORT_MODULES: tuple[str, ...] = (
    "papermill",  # the worker's own executor (imported once here, see kinerja.compat.jsonschema)
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "ipywidgets",
    "IPython",
    "ipykernel.kernelapp",
    "kinerja.serve.notebook",
    "kinerja.report.charts",
    "kinerja.data.dataset",
    "kinerja.protect",
    "kinerja.report.formatting",
    "kinerja.metrics.survey",
    "kinerja.metrics.skp",
    "kinerja.metrics.service",
    "kinerja.metrics.complaints",
    "kinerja.metrics.training",
    "kinerja.metrics.activity",
    "kinerja.metrics.impact",
    "kinerja.metrics.followup",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

_PRELOADED: list[str] = []


def fork_available() -> bool:
    """Whether kernels can be forked here (POSIX ``fork`` and not disabled by the user)."""
    from kinerja.domain.settings import read_env

    return hasattr(os, "fork") and read_env().fork_kernel


def preload(modules: Iterable[str] = REPORT_MODULES) -> list[str]:
    """Import ``modules`` into this process so forked kernels start with them loaded.

    Imports matplotlib with ``MPLBACKEND`` set to the inline backend (what ipykernel sets in a new
    kernel; the variable is removed again afterwards), so the forked kernel's matplotlib draws
    inline exactly as in a kernel started the usual way. Import only: nothing is computed, no
    figure is made. Returns the modules that imported (a module that fails to import is skipped;
    the kernel will import it itself, or fail as usual).
    """
    set_here = "MPLBACKEND" not in os.environ
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # read once, when matplotlib is imported
    # before papermill/nbformat import jsonschema (kinerja.compat.jsonschema)
    jsonschema_compat.apply()
    done: list[str] = []
    try:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - preloading is an optimisation, never a failure
                continue
            done.append(name)
    finally:
        if set_here:  # other children of this process (not kernels) keep their own default
            os.environ.pop("MPLBACKEND", None)
    _PRELOADED[:] = done
    return done


def preloaded() -> list[str]:
    """Modules imported by the last :func:`preload` in this process."""
    return list(_PRELOADED)


class ForkedProcess:
    """The part of ``subprocess.Popen`` the provisioner uses, for a forked child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 0
                return self.returncode
            if pid == self.pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise TimeoutError(f"kernel {self.pid} masih berjalan")
            time.sleep(0.02)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def kernel_argv(cmd: Sequence[str]) -> list[str]:
    """The kernel application's arguments from a kernel command (after ``-m ipykernel_launcher``)."""
    cmd = list(cmd)
    for i, part in enumerate(cmd):
        if part in ("ipykernel_launcher", "ipykernel") and i > 0 and cmd[i - 1] == "-m":
            return cmd[i + 1 :]
    raise ValueError(f"bukan perintah ipykernel: {cmd!r}")


def _child_main(argv: list[str], env: dict[str, str] | None, cwd: str | None) -> int:
    """Body of the forked kernel: reset what fork copied, then run an IPKernelApp."""
    os.setpgid(0, 0)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGPIPE):
        with contextlib.suppress(OSError, ValueError):
            signal.signal(sig, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    if cwd:
        os.chdir(cwd)
    # the worker's event loop belongs to the worker: the kernel gets a fresh one
    asyncio.events._set_running_loop(None)  # noqa: SLF001 - no public API for this after fork
    asyncio.set_event_loop(asyncio.new_event_loop())
    # class defaults ipykernel read from the environment when the worker imported it
    argv = [*argv, f"--IPKernelApp.parent_handle={os.getppid()}"]
    sys.argv = ["ipykernel_launcher", *argv]
    from ipykernel.kernelapp import IPKernelApp

    # a parent that is itself a traitlets application (the Voila server) holds the singleton
    traitlets_compat.release_application_singleton()

    app = IPKernelApp.instance()
    app.initialize(argv)
    _inline_matplotlib()
    app.start()
    return 0


def _inline_matplotlib() -> None:
    """Give the new kernel's shell matplotlib's inline backend, as a new interpreter would have.

    Needed only when the parent had already loaded the inline backend module (its import-time
    hook went to the parent's shell, if any) or had already picked another backend for pyplot.
    """
    if "matplotlib.pyplot" not in sys.modules:
        return
    import matplotlib

    try:
        chosen = matplotlib.get_backend(auto_select=False)
    except TypeError:  # matplotlib < 3.10
        chosen = matplotlib.rcParams._get("backend")  # noqa: SLF001
    if chosen not in (INLINE_BACKEND, "inline"):
        import matplotlib.pyplot as plt

        plt.switch_backend(INLINE_BACKEND)  # the module's import hook ran before the switch
    inline = sys.modules.get("matplotlib_inline.backend_inline")
    if inline is not None:
        inline._enable_matplotlib_integration()  # noqa: SLF001 - the hook its import would run


def fork_kernel(cmd: Sequence[str], *, env: dict[str, str] | None, cwd: str | None) -> int:
    """Fork this process into an ipykernel for ``cmd``; return the child's pid (parent side)."""
    argv = kernel_argv(cmd)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    pid = os.fork()
    if pid:
        with contextlib.suppress(OSError):  # also here: no race with killpg right after fork
            os.setpgid(pid, pid)
        return pid
    code = 1
    try:  # child: never return into the caller's stack
        code = _child_main(argv, env, cwd)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001
        import traceback

        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


class ForkingProvisioner(LocalProvisioner):  # type: ignore[misc]
    """``LocalProvisioner`` that starts the kernel by forking the current process."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        env = kwargs.get("env")
        cwd = kwargs.get("cwd")
        pid = fork_kernel(cmd, env=dict(env) if env is not None else None, cwd=cwd)
        self.process = ForkedProcess(pid)
        self.pid = pid
        self.pgid = pid  # the child made itself a process-group leader
        self.ip = self.connection_info.get("ip") if self.connection_info else None
        return self.connection_info


class _ForkingMixin:
    """Start kernels with :class:`ForkingProvisioner` (when forking is available)."""

    provisioner: Any
    kernel_id: str | None
    kernel_spec: Any

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self.provisioner is None and fork_available():
            kernel_id = kw.pop("kernel_id", None)
            self.kernel_id = self.kernel_id or kernel_id or str(uuid.uuid4())
            self.provisioner = ForkingProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)  # type: ignore[misc]


class ForkingKernelManager(_ForkingMixin, AsyncKernelManager):  # type: ignore[misc]
    """Kernel manager whose kernels are forked from this process (see module docstring).

    Pass it to papermill/nbclient as ``kernel_manager_class``. Where forking is unavailable it
    behaves exactly like ``AsyncKernelManager``.
    """


def __getattr__(name: str) -> Any:
    """``ForkingServerKernelManager``: the same for jupyter_server/Voila (imported on demand).

    Configure it as ``MappingKernelManager.kernel_manager_class``; the server process must have
    called :func:`preload` first.
    """
    if name == "ForkingServerKernelManager":
        from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

        cls = type(
            "ForkingServerKernelManager",
            (_ForkingMixin, ServerKernelManager),
            {"__module__": __name__, "__doc__": ForkingKernelManager.__doc__},
        )
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
