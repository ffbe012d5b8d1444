"""The one cache-key function of kinerja.

Every cache that must be invalidated when its inputs change (the prepared data cache of the
batch, the stored metric tables, the forms' render cache and a data folder's private cache) names
its entries with :func:`cache_key`, so two caches never disagree about what "the same inputs"
means.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

__all__ = ["cache_key", "code_fingerprint"]


def cache_key(*parts: Any) -> str:
    """SHA-256 (hex) of a canonical JSON encoding of ``parts``.

    Parameters
    ----------
    *parts
        JSON-ready values (dicts, lists, strings, numbers, ``None``). Dict keys are sorted; any
        other object (a path, a date, a ``Periode``) is encoded with ``str``.

    Returns
    -------
    str
        64 hexadecimal characters; callers may shorten it for a file name.

    Examples
    --------
    >>> cache_key({"b": 1, "a": 2}) == cache_key({"a": 2, "b": 1})
    True
    """
    blob = json.dumps(
        list(parts), sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@functools.cache
def code_fingerprint(*layers: str) -> str:
    """SHA-256 (hex) of the source of the given layers of kinerja (e.g. ``"metrics"``).

    A stored result computed by older code must not be reused after an upgrade that changes what
    the code computes (a new column, a corrected rule). Keying caches by the code itself makes
    that automatic instead of relying on a format number someone must remember to bump.

    Parameters
    ----------
    *layers
        Sub-package names under ``kinerja/`` (``"domain"``, ``"data"``, ``"metrics"``, ...);
        none: the whole package.

    Returns
    -------
    str
        64 hexadecimal characters; the same for the same source files, in any installation.
    """
    from kinerja.domain.resources import package_dir

    package = package_dir()
    h = hashlib.sha256()
    for layer in sorted(layers) or [""]:
        for path in sorted((package / layer).rglob("*.py")):
            h.update(path.relative_to(package).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()
