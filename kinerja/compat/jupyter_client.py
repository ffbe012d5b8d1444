"""Polling fix for intermittent notebook-execution stalls (toolchain trap 1).

Why
---
``nbclient`` waits for kernel messages with
``await AsyncZMQSocketChannel.get_msg(timeout=...)``; jupyter_client implements that as a single
``await socket.poll(timeout)`` on a ``zmq.asyncio`` socket. Now and then the reply is already
queued on the ZMQ socket but the asyncio wake-up (the edge-triggered ``ZMQ_FD`` notification) is
missed, and the single long await then sleeps until its timeout -- for the IOPub channel nbclient
passes ``timeout=None``, i.e. forever. Under two parallel Papermill workers this happened a few
times per 50 notebooks.

What
----
:func:`apply` replaces ``AsyncZMQSocketChannel.get_msg`` by a version that waits in short slices
(:data:`SLICE_SECONDS`, 0.5 s): each slice is ``await socket.poll(slice)``, and pyzmq ends every
timed poll with a real non-blocking ``zmq_poll(0)`` on the socket, so a message whose wake-up was
missed is found at the end of the slice at the latest. The overall deadline (or "no deadline" for
``timeout=None``) and the ``queue.Empty`` contract are unchanged, so nbclient's own timeout
handling still works. Nothing else is touched.

Apply it in every process that executes notebooks *before* the first kernel is started
(the batch workers, :mod:`kinerja.run.executors`, and the Voila launcher,
:mod:`kinerja.serve.app`, do)::

    from kinerja.compat import jupyter_client as jupyter_patch
    jupyter_patch.apply()

:func:`undo` restores the original method (benchmark and tests).

Upstream
--------
Works around toolchain trap 1 (``/work/shared/notes/toolchain.md``: intermittent stalls when
executing notebooks). The missed edge-triggered wake-up is pyzmq/asyncio territory (see e.g.
https://github.com/zeromq/pyzmq/issues/1203 and https://github.com/zeromq/pyzmq/issues/2173);
jupyter_client's ``AsyncZMQSocketChannel.get_msg`` (7.x and 8.x, checked in 8.10.0) awaits a single
long ``socket.poll(timeout)`` and so never recovers from one. Only those versions are patched
(:data:`AFFECTED`); any other version is left alone with a log message.
"""

from __future__ import annotations

import logging
import time
import typing as t
from queue import Empty

from kinerja.compat.versions import version_in

__all__ = ["AFFECTED", "SLICE_SECONDS", "apply", "is_applied", "needed", "undo"]

log = logging.getLogger(__name__)

#: jupyter_client versions known to need the patch: ``[lowest, below)``.
AFFECTED: tuple[tuple[int, ...], tuple[int, ...]] = ((7, 0), (9, 0))

#: Length of one polling slice in seconds.
SLICE_SECONDS = 0.5

_MARK = "__kinerja_polling_patch__"
_original_get_msg: t.Any = None


async def _sliced_get_msg(self: t.Any, timeout: float | None = None) -> dict[str, t.Any]:
    """Get one message, waiting at most ``timeout`` seconds (``None``: no limit) in slices.

    Same contract as ``AsyncZMQSocketChannel.get_msg``: returns the deserialised message or raises
    ``queue.Empty`` when nothing arrived before the deadline.
    """
    assert self.socket is not None
    deadline = None if timeout is None else time.monotonic() + max(0.0, float(timeout))
    while True:
        if deadline is None:
            wait = SLICE_SECONDS
        else:
            wait = min(SLICE_SECONDS, max(0.0, deadline - time.monotonic()))
        # poll(0) is answered synchronously by pyzmq; a positive timeout ends with a real poll(0)
        # when the slice expires, which is what rescues a missed wake-up.
        ready = await self.socket.poll(int(wait * 1000))
        if ready:
            return await self._recv()
        if deadline is not None and time.monotonic() >= deadline:
            raise Empty


setattr(_sliced_get_msg, _MARK, True)


def is_applied() -> bool:
    """Return True when the polling patch is active in this process."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    return bool(getattr(AsyncZMQSocketChannel.get_msg, _MARK, False))


def needed() -> bool:
    """Whether the installed jupyter_client is a version known to need the patch."""
    return version_in("jupyter_client", *AFFECTED)[0]


def apply() -> bool:
    """Install the sliced polling ``get_msg`` on jupyter_client's async channel.

    Idempotent: calling it again does nothing. Skipped (logged) for a jupyter_client version
    outside :data:`AFFECTED`.

    Returns
    -------
    bool
        True when this call installed the patch, False when it was already active or skipped.
    """
    global _original_get_msg
    ok, found = version_in("jupyter_client", *AFFECTED)
    if not ok:
        log.info("jupyter_client %s: tambalan polling tidak dipasang (versi tidak dikenal)", found)
        return False
    from jupyter_client.channels import AsyncZMQSocketChannel

    if is_applied():
        return False
    _original_get_msg = AsyncZMQSocketChannel.get_msg
    AsyncZMQSocketChannel.get_msg = _sliced_get_msg  # type: ignore[method-assign]
    return True


def undo() -> bool:
    """Restore jupyter_client's original ``get_msg`` (used by the benchmark and tests).

    Returns
    -------
    bool
        True when this call restored the original, False when the patch was not active.
    """
    global _original_get_msg
    from jupyter_client.channels import AsyncZMQSocketChannel

    if not is_applied() or _original_get_msg is None:
        return False
    AsyncZMQSocketChannel.get_msg = _original_get_msg  # type: ignore[method-assign]
    _original_get_msg = None
    return True
