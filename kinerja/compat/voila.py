"""Voila: every page sets the ``_xsrf`` cookie, so that closing the page frees its kernel.

Why
---
Voila's page posts ``/voila/api/shutdown/<kernel>`` with ``navigator.sendBeacon`` on
``beforeunload``, taking the XSRF token from the ``_xsrf`` cookie; but the render handler never
reads ``xsrf_token``, so tornado never sets that cookie, every shutdown is refused with 403
("'_xsrf' argument missing from POST") and each closed page leaves its kernel running until the
idle cull (seen: 18 kernels, 3 GB, after a benchmark). Upstream:
https://github.com/voila-dashboards/voila/issues/1458 (open; seen with voila 0.5.13).

What
----
:func:`apply` wraps ``TornadoVoilaHandler.get`` so that it reads the ``xsrf_token`` property at
the start of the page request, which sets the cookie (tornado's own mechanism); XSRF checking
stays on. :func:`undo` puts the original method back. Only voila versions known to need it
(:data:`AFFECTED`) are patched; any other version is left alone with a log message. The Voila
launcher (:func:`kinerja.serve.app.serve`) applies it before the server starts.
"""

from __future__ import annotations

import logging
from typing import Any

from kinerja.compat.versions import version_in

__all__ = ["AFFECTED", "apply", "is_applied", "needed", "undo"]

log = logging.getLogger(__name__)

#: voila versions known to need the patch: ``[lowest, below)``.
AFFECTED: tuple[tuple[int, ...], tuple[int, ...]] = ((0, 5), (0, 6))

_MARK = "_kinerja_xsrf"
_original_get: Any = None


def needed() -> bool:
    """Whether the installed voila is a version known to need the patch."""
    return version_in("voila", *AFFECTED)[0]


def is_applied() -> bool:
    """True when the page handler sets the ``_xsrf`` cookie (the patch is active)."""
    from voila.tornado.handler import TornadoVoilaHandler

    return bool(getattr(TornadoVoilaHandler.get, _MARK, False))


def apply() -> bool:
    """Make every Voila page request set the ``_xsrf`` cookie (idempotent).

    Returns
    -------
    bool
        True when this call installed the patch; False when it was already active or skipped.
    """
    global _original_get
    ok, found = version_in("voila", *AFFECTED)
    if not ok:
        log.info("voila %s: tambalan cookie _xsrf tidak dipasang (versi tidak dikenal)", found)
        return False
    from voila.tornado.handler import TornadoVoilaHandler

    if is_applied():
        return False
    original = TornadoVoilaHandler.get

    async def get(self: Any, path: str | None = None) -> None:
        self.xsrf_token  # noqa: B018 - the property sets the _xsrf cookie
        await original(self, path)

    setattr(get, _MARK, True)
    _original_get = original
    TornadoVoilaHandler.get = get  # type: ignore[method-assign]
    return True


def undo() -> bool:
    """Restore Voila's original page handler.

    Returns
    -------
    bool
        True when this call restored the original, False when the patch was not active.
    """
    global _original_get
    from voila.tornado.handler import TornadoVoilaHandler

    if not is_applied() or _original_get is None:
        return False
    TornadoVoilaHandler.get = _original_get  # type: ignore[method-assign]
    _original_get = None
    return True
