"""jsonschema: do not import ``rfc3987_syntax`` in processes that run notebooks.

Why
---
jsonschema (imported by nbformat, hence papermill and Voila) imports ``rfc3987_syntax`` only to
check the ``iri`` / ``iri-reference`` string formats (since jsonschema 4.25, the non-GPL format
checker of https://github.com/python-jsonschema/jsonschema/pull/1388), and ``rfc3987-syntax`` 1.x
compiles a Lark grammar at import time: 1.6 CPU-s measured here, 4-7 s wall on a loaded machine
(upstream: https://github.com/python-jsonschema/jsonschema/issues/1392 and
https://github.com/python-jsonschema/jsonschema/pull/1521). Nothing in a notebook run validates
that format; jsonschema skips a format checker whose import fails, which is what an entry of
``None`` in ``sys.modules`` makes it do.

What
----
:func:`apply` puts ``None`` into ``sys.modules`` for :data:`UNUSED_IMPORTS` that are not imported
yet (call it before ``papermill`` / ``nbformat`` is imported); :func:`undo` removes exactly the
entries it added. Only applied when jsonschema and rfc3987-syntax are versions known to need it
(:data:`AFFECTED`); otherwise nothing is blocked and a log message says so.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from kinerja.compat.versions import version_in

__all__ = ["AFFECTED", "UNUSED_IMPORTS", "apply", "blocked", "needed", "undo"]

log = logging.getLogger(__name__)

#: Modules a notebook-running process never needs but pays for at import.
UNUSED_IMPORTS: tuple[str, ...] = ("rfc3987_syntax",)

#: Versions known to need it: jsonschema that imports the checker, rfc3987-syntax that compiles
#: its grammar at import (``[lowest, below)`` each).
AFFECTED: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "jsonschema": ((4, 25), (5, 0)),
    "rfc3987-syntax": ((1, 0), (2, 0)),
}

_BLOCKED: list[str] = []


def needed() -> bool:
    """Whether the installed jsonschema and rfc3987-syntax are versions known to need it."""
    return all(version_in(dist, *span)[0] for dist, span in AFFECTED.items())


def apply(names: Iterable[str] = UNUSED_IMPORTS) -> list[str]:
    """Make ``import`` of ``names`` fail fast in this process (see the module docstring).

    Only modules not imported yet are blocked. Returns the names this call blocked (empty when
    skipped for an unknown version).
    """
    if not needed():
        found = {dist: version_in(dist, *span)[1] for dist, span in AFFECTED.items()}
        log.info("jsonschema: impor %s tidak diblokir (versi %s)", ", ".join(names), found)
        return []
    blocked_now = []
    for name in names:
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]
            blocked_now.append(name)
            _BLOCKED.append(name)
    return blocked_now


def blocked() -> list[str]:
    """Names currently blocked by :func:`apply`."""
    return [n for n in _BLOCKED if n in sys.modules and sys.modules[n] is None]


def undo() -> list[str]:
    """Remove the ``sys.modules`` entries :func:`apply` added; returns the names unblocked."""
    undone = []
    while _BLOCKED:
        name = _BLOCKED.pop()
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]
            undone.append(name)
    return undone
