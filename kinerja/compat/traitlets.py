"""traitlets: release the parent's ``Application`` singleton in a forked kernel.

Why
---
``ipykernel`` starts a kernel with ``IPKernelApp.instance()``, and traitlets'
``SingletonConfigurable.instance`` raises ``MultipleInstanceError`` when an instance of another
``Application`` class is already registered. A kernel forked from the Voila server
(:mod:`kinerja.run.forkkernel`) inherits the server's ``Voila`` application as that singleton, so
the fork copies a state it must not share. A kernel started as a new interpreter never sees it.

What
----
:func:`release_application_singleton` clears the singleton (``clear_instance`` on the holder's
class, traitlets' own API) and returns the application; :func:`restore_application_singleton`
registers it again on exactly the classes that held it (undo); :func:`released_application_singleton`
is the same as a context manager. Only traitlets versions whose singleton bookkeeping is known
(:data:`AFFECTED`, the ``_instance`` class attribute of 5.x) are touched; any other version is
left alone with a log message.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from kinerja.compat.versions import version_in

__all__ = [
    "AFFECTED",
    "needed",
    "release_application_singleton",
    "released_application_singleton",
    "restore_application_singleton",
]

log = logging.getLogger(__name__)

#: traitlets versions whose singleton bookkeeping this module knows: ``[lowest, below)``.
AFFECTED: tuple[tuple[int, ...], tuple[int, ...]] = ((5, 0), (6, 0))

#: id(application) → the classes whose ``_instance`` held it before it was released.
_HOLDERS: dict[int, list[type]] = {}


def needed() -> bool:
    """Whether the installed traitlets is a version this module knows."""
    return version_in("traitlets", *AFFECTED)[0]


def release_application_singleton() -> Any:
    """Clear the registered ``traitlets.config.Application`` singleton, if any.

    Returns
    -------
    Application or None
        The application that was registered (pass it to :func:`restore_application_singleton`
        to undo), or ``None`` when there was none or the traitlets version is not known.
    """
    ok, found = version_in("traitlets", *AFFECTED)
    if not ok:
        log.info("traitlets %s: singleton Application tidak dilepas (versi tidak dikenal)", found)
        return None
    from traitlets.config import Application

    app = Application._instance  # noqa: SLF001 - the singleton has no public getter
    if app is None:
        return None
    _HOLDERS[id(app)] = [c for c in type(app).__mro__ if vars(c).get("_instance") is app]
    type(app).clear_instance()
    return app


def restore_application_singleton(app: Any) -> bool:
    """Register ``app`` again as the singleton it was before :func:`release_application_singleton`.

    Returns
    -------
    bool
        True when restored, False when ``app`` was not released by this module.
    """
    holders = _HOLDERS.pop(id(app), None) if app is not None else None
    if holders is None:
        return False
    for cls in holders:
        cls._instance = app  # noqa: SLF001
    return True


@contextlib.contextmanager
def released_application_singleton() -> Iterator[Any]:
    """Context manager: no ``Application`` singleton inside, the previous one restored after."""
    app = release_application_singleton()
    try:
        yield app
    finally:
        if app is not None:
            restore_application_singleton(app)
