"""The report data of a form kernel, built once per kernel (the heavy aggregation)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kinerja.domain.settings import read_env

_MEMO: dict[tuple[str, str], Any] = {}
_MEMO_LOCK = threading.Lock()


def resolve_dirs(
    cache_dir: str | os.PathLike[str] | None, data_dir: str | os.PathLike[str] | None
) -> tuple[str | None, str | None]:
    """Explicit arguments win; otherwise ``KINERJA_CACHE_DIR`` / ``KINERJA_DATA_DIR``."""
    env = read_env()
    c = cache_dir if cache_dir not in (None, "") else env.cache_dir
    d = data_dir if data_dir not in (None, "") else env.data_dir
    return (str(c) if c else None), (str(d) if d else None)


def _default_factory(cache_dir: str | None, data_dir: str | None) -> Any:
    """``ReportData`` for the folders, its settings from ``KINERJA_PARAMS_DIR`` (else the default
    parameters folder): every per-OPD file takes effect in the forms as in the batch."""
    from kinerja.metrics import store as report

    params_dir = read_env().params_dir
    # the report's own per-kernel memo, so a static call and a form share one ReportData
    return report.get_report_data(cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir)


def get_data(
    cache_dir: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    factory: Callable[[str | None, str | None], Any] | None = None,
) -> Any:
    """The report data for these folders, built once per kernel (module-level memo).

    Parameters
    ----------
    cache_dir, data_dir : path, optional
        Prepared cache (``Dataset.save_cache``) and raw data folder; ``None`` → the environment
        variables ``KINERJA_CACHE_DIR`` / ``KINERJA_DATA_DIR`` set by ``kinerja app``.
    factory : callable, optional
        ``factory(cache_dir, data_dir) -> data``; default builds ``kinerja.metrics.store.ReportData``.
    """
    c, d = resolve_dirs(cache_dir, data_dir)
    key = (str(Path(c).resolve()) if c else "", str(Path(d).resolve()) if d else "")
    fac = factory or _default_factory
    memo_key = (key[0] + "|" + getattr(fac, "__qualname__", repr(fac)), key[1])
    with _MEMO_LOCK:
        if memo_key not in _MEMO:
            _MEMO[memo_key] = fac(c, d)
        return _MEMO[memo_key]


def clear_memo() -> None:
    """Forget memoised data (tests; a new cache)."""
    with _MEMO_LOCK:
        _MEMO.clear()


__all__ = [
    "clear_memo",
    "get_data",
    "resolve_dirs",
]
