"""The one cache-key function of kinerja.

Every cache that must be invalidated when its inputs change (the prepared data cache of the
batch, the stored metric tables, the forms' render cache and a data folder's private cache) names
its entries with :func:`cache_key`, so two caches never disagree about what "the same inputs"
means.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["cache_key"]


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
