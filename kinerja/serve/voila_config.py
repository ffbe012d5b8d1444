"""The Voila configuration of ``kinerja app`` (written as ``voila.json``).

It keeps Voila's safe defaults and states them explicitly: listen on 127.0.0.1 only, no port
hopping, only the form notebooks served (``root_dir``), sources stripped, tracebacks hidden, only
images downloadable from ``/voila/files/`` (``.ipynb``, ``.py``, data files and hidden files
refused), pre-heated kernels (one per notebook), idle kernels culled, and a finite cell timeout.
"""

from __future__ import annotations

import os
from typing import Any

#: Seconds one notebook cell may run in a Voila kernel before it is interrupted.
CELL_TIMEOUT = 120

#: Idle kernels (no browser connected) are shut down after this many seconds ...
CULL_IDLE_TIMEOUT = 300

#: ... checked this often.
CULL_INTERVAL = 30

#: Pre-heated kernels kept ready per notebook.
POOL_SIZE = 1

#: Seconds before a used pre-heated kernel is replaced.
POOL_FILL_DELAY = 5.0

#: Only these files may be fetched from ``/voila/files/`` (Voila's default, kept).
FILE_ALLOWLIST = [r".*\.(png|jpg|gif|svg)"]

#: Never served even if allow-listed: notebooks, code, hidden files and folders, data files.
FILE_DENYLIST = [
    r".*\.(ipynb|py)",
    r"(^|.*/)\..*",
    r".*\.(csv|xlsx|xls|parquet|json|yaml|yml|txt|zip)",
]


def voila_config(
    *,
    port: int,
    root_dir: str | os.PathLike[str],
    preheat: bool = True,
    pool_size: int = POOL_SIZE,
    cell_timeout: int = CELL_TIMEOUT,
    cull_idle_timeout: int = CULL_IDLE_TIMEOUT,
    cull_interval: int = CULL_INTERVAL,
    token: str | None = None,
) -> dict[str, Any]:
    """The traitlets configuration ``kinerja app`` gives Voila (written as ``voila.json``).

    ``token``: every page, websocket and API call then needs it (``?token=...`` once, after which
    the browser keeps a login cookie) -- for a machine shared with other users, whose processes
    can reach 127.0.0.1 too. ``None``: no token (Voila's default for a local server).
    """
    voila: dict[str, Any] = {"token": str(token)} if token else {}
    return {
        "Voila": {
            **voila,
            "ip": "127.0.0.1",
            "port": int(port),
            "port_retries": 0,
            "root_dir": str(root_dir),
            "open_browser": False,
            "tornado_settings": {
                "headers": {
                    "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "SAMEORIGIN",
                }
            },
        },
        "VoilaConfiguration": {
            "strip_sources": True,
            "show_tracebacks": False,
            "file_allowlist": FILE_ALLOWLIST,
            "file_denylist": FILE_DENYLIST,
            "preheat_kernel": bool(preheat),
            "default_pool_size": int(pool_size) if preheat else 0,
            "theme": "light",
        },
        "VoilaExecutor": {"timeout": int(cell_timeout)},
        # refill the pool a few seconds after a page took its kernel, so that warming the next
        # kernel does not compete (2 cores) with the first page's widgets and first redraw
        "VoilaKernelManager": {"fill_delay": float(POOL_FILL_DELAY)},
        "MappingKernelManager": {
            "cull_idle_timeout": int(cull_idle_timeout),
            "cull_interval": int(cull_interval),
            "cull_connected": False,
            **_fork_kernels(),
        },
    }


def _fork_kernels() -> dict[str, str]:
    """Kernels forked from this server process, which imported the report's modules once
    (:mod:`kinerja.run.forkkernel`; ``KINERJA_FORK_KERNEL=0``: a new interpreter per kernel)."""
    from kinerja.run import forkkernel

    if not forkkernel.fork_available():
        return {}
    return {"kernel_manager_class": "kinerja.run.forkkernel.ForkingServerKernelManager"}


__all__ = [
    "CELL_TIMEOUT",
    "CULL_IDLE_TIMEOUT",
    "CULL_INTERVAL",
    "FILE_ALLOWLIST",
    "FILE_DENYLIST",
    "POOL_FILL_DELAY",
    "POOL_SIZE",
    "voila_config",
]
