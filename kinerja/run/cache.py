"""The prepared data cache of ``kinerja batch`` (and ``kinerja app``): load the raw exports once.

The cache lives in ``<out>/_cache/<key>/``, where ``key`` is the SHA-256 of every input file's
content; an intact cache with the same key is reused, a damaged one is detected (file hashes) and
rebuilt. :func:`warm_metrics` stores the all-OPD metric tables beside it.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kinerja.data.database import is_database_url, redact
from kinerja.data.integrity import changed_files, hash_tree
from kinerja.data.io import file_sha256
from kinerja.domain.cache_key import cache_key
from kinerja.metrics.store import METRICS_FILE
from kinerja.run.common import STATUS_FAILED, STATUS_OK, BatchError, inside, now

if TYPE_CHECKING:
    from kinerja.domain.settings import Settings

#: 2: the stored metric tables are Parquet + JSON (``metrics/``), never ``metrics.pkl``; a cache
#: of format 1 is never reused (its key differs), so no pickle written by an older kinerja is read.
CACHE_FORMAT = 2
CACHE_META = "_kinerja_cache.json"


def _hash_tree(folder: Path, *, skip: Iterable[str] = ()) -> dict[str, str]:
    """:func:`kinerja.data.integrity.hash_tree` (skipped names may be folders)."""
    return hash_tree(folder, skip=skip)


@dataclass
class CacheInfo:
    """The prepared data cache of a batch."""

    path: Path
    key: str
    status: Literal["dibuat", "dipakai ulang", "dibangun ulang"]
    inputs: dict[str, str]
    opd: Any = field(repr=False, default=None)
    summary: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    source: dict[str, Any] | None = None  # a database: URL without password, rows, hashes
    #: the validated dataset in memory when the cache was just built (``dibuat`` /
    #: ``dibangun ulang``): the same tables :meth:`Dataset.from_cache` would read back, so the
    #: first run need not read the Parquet files it has just written; ``None`` when reused
    dataset: Any = field(repr=False, default=None)
    #: the write of a cache built with ``background=True``, still running (see :meth:`wait`)
    writer: Future[None] | None = field(repr=False, default=None)

    def wait(self) -> None:
        """Wait until the cache is in place (``background=True``); raise what writing it raised.

        Raises
        ------
        OSError
            The cache could not be written (nothing is left half-written under its name).
        """
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.result()


def _in_background(fn: Any) -> Future[None]:
    """``fn()`` started in a thread of its own; the future holds what it raised."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kinerja-cache")
    try:
        return pool.submit(fn)
    finally:
        pool.shutdown(wait=False)  # the thread ends when fn does


def _input_hashes(data_dir: Path) -> dict[str, str]:
    # a symbolic link is never followed (its target may lie outside the data folder); the
    # loader refuses one that stands for a table
    files = {
        p.name: file_sha256(p)
        for p in sorted(data_dir.iterdir())
        if not p.is_symlink() and p.is_file() and not p.name.startswith(".")
    }
    if not files:
        raise BatchError(f"folder data kosong: {data_dir}")
    return files


def _cache_is_intact(cache_dir: Path, key: str) -> tuple[bool, str]:
    meta_path = cache_dir / CACHE_META
    if not cache_dir.is_dir():
        return False, ""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, "metadata cache hilang atau rusak"
    if meta.get("key") != key or meta.get("format") != CACHE_FORMAT:
        return False, "cache untuk data lain"
    files = meta.get("files") or {}
    if not files:
        return False, "cache tanpa berkas"
    actual = _hash_tree(cache_dir, skip={CACHE_META, METRICS_FILE})
    if actual != files:
        changed = changed_files(files, actual)
        return False, "berkas cache berubah/rusak: " + ", ".join(changed[:5])
    return True, ""


def _load_dataset(data_dir: Path, quarantine_dir: Path | None) -> Any:
    from kinerja.data.dataset import load

    if quarantine_dir is not None and "quarantine_dir" in inspect.signature(load).parameters:
        return load(data_dir, quarantine_dir=quarantine_dir)
    return load(data_dir)


def _from_cache(cache_dir: Path) -> Any:
    from kinerja.data.dataset import Dataset

    # lazy: the parent needs the opd table and the summary, not the large tables (the cache's
    # files were checked against their SHA-256 before it is reused)
    return Dataset.from_cache(cache_dir, lazy=True)


def _summary_records(ds: Any) -> list[dict[str, Any]]:
    summary = getattr(ds, "summary", None)
    if summary is None or not hasattr(summary, "to_dict"):
        return []
    records = summary.to_dict(orient="records")
    return json.loads(json.dumps(records, default=str))


def prepare_cache(
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    quarantine_dir: str | os.PathLike[str] | None = None,
    params_dir: str | os.PathLike[str] | None = None,
    keep_dataset: bool = False,
    background: bool = False,
) -> CacheInfo:
    """Load the raw exports once and write (or reuse) the prepared cache under ``<out>/_cache/``.

    The cache folder is named after the SHA-256 of the input files' names and contents, the
    kinerja version and the cache format. It is reused only when its metadata matches and every
    cache file still has the SHA-256 recorded when it was written; otherwise it is rebuilt.
    The new cache is written into a temporary folder and renamed into place.

    ``keep_dataset=True`` returns the validated dataset in ``CacheInfo.dataset`` when the cache
    was just built, so a one-shot command (``kinerja pantau``) need not read back the Parquet
    it has written; a batch leaves it off, so its parent does not hold the tables while it
    forks report kernels.

    ``background=True`` (with ``keep_dataset``) writes a new cache in a thread while the caller
    goes on with the dataset in memory; :meth:`CacheInfo.wait` waits for it (and raises what
    writing it raised) before the caller writes anything into the cache or forks.

    Returns
    -------
    CacheInfo
        Path, key, status (``dibuat`` / ``dipakai ulang`` / ``dibangun ulang``), input hashes
        and the ``opd`` table.
    """
    import kinerja

    out = Path(out_dir)
    opened = None
    if is_database_url(str(data_dir)):  # a database: read its tables to hash their content
        from kinerja.data.dataset import open_source

        opened = open_source(str(data_dir), params_dir=params_dir)
        inputs = dict(opened.hashes)
    data_dir = Path(data_dir) if opened is None else data_dir
    if opened is None and not data_dir.is_dir():
        raise BatchError(
            f"folder data tidak ditemukan: {data_dir} "
            "(data sampel dapat dibuat dengan: kinerja sample --out data/sampel)"
        )
    if opened is None:
        inputs = _input_hashes(data_dir)
    key = cache_key(
        "prepared", {"inputs": inputs, "kinerja": kinerja.__version__, "format": CACHE_FORMAT}
    )
    root = inside(out, out / "_cache")
    cache_dir = root / key[:24]
    intact, reason = _cache_is_intact(cache_dir, key)
    if intact:
        try:
            ds = _from_cache(cache_dir)
            return CacheInfo(
                cache_dir, key, "dipakai ulang", inputs, ds.get("opd"), _summary_records(ds),
                source=opened.record if opened else None,
            )  # fmt: skip
        except Exception as exc:  # unreadable despite matching hashes: rebuild
            reason = f"cache tidak dapat dibaca: {type(exc).__name__}: {exc}"
    status: Literal["dibuat", "dibangun ulang"] = "dibangun ulang" if reason else "dibuat"
    if opened is not None:
        from kinerja.data.dataset import validate_source

        ds = validate_source(opened)
        if quarantine_dir is not None:
            ds.write_quarantine(quarantine_dir)
    else:
        ds = _load_dataset(data_dir, Path(quarantine_dir) if quarantine_dir else None)
    opd = ds.get("opd")
    if opd is None or len(opd) == 0:
        raise BatchError(f"tabel opd kosong atau tidak ada di {redact(data_dir)}")
    root.mkdir(parents=True, exist_ok=True)
    source = redact(data_dir) if opened else str(Path(data_dir).resolve())

    def write() -> None:
        _write_cache(ds, root, cache_dir, key, inputs, source)

    info = CacheInfo(
        cache_dir, key, status, inputs, opd, _summary_records(ds), reason,
        source=opened.record if opened else None, dataset=ds if keep_dataset else None,
    )  # fmt: skip
    if background and keep_dataset:
        info.writer = _in_background(write)
    else:
        write()
    return info


def _write_cache(
    ds: Any, root: Path, cache_dir: Path, key: str, inputs: dict[str, str], source: str
) -> None:
    """Write ``ds`` into a temporary folder under ``root``, then rename it to ``cache_dir``."""
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        ds.save_cache(tmp)
        meta = {
            "key": key,
            "format": CACHE_FORMAT,
            "created": now(),
            "data_dir": source,
            "inputs": inputs,
            "files": _hash_tree(tmp),
        }
        (tmp / CACHE_META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if cache_dir.exists():
            shutil.rmtree(cache_dir)
        os.replace(tmp, cache_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in root.iterdir():  # keep only the current cache
        if old != cache_dir and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def warm_metrics(
    cache_dir: Path, periode: str, settings: Settings | Path | str | None
) -> dict[str, Any]:
    """Compute the all-OPD metric tables once and store them beside the data cache.

    Every report notebook would otherwise recompute the same city-wide tables in its own
    kernel (the expensive part of a report). The stored tables are keyed by the input hashes,
    the settings (every parameter file) and today's date
    (:meth:`kinerja.metrics.store.ReportData.save_metrics`), so a notebook reuses them only when
    it would have computed exactly the same. A failure here costs time, not correctness: the
    notebooks then compute what they need themselves.

    Parameters
    ----------
    cache_dir : Path
        The prepared data cache.
    periode : str
        The period of the reports.
    settings : Settings, path or None
        The run's settings (:func:`kinerja.domain.settings.load_settings`); a parameters folder
        (or ``None``: the default one) is resolved here.
    """
    from kinerja.data.dataset import Dataset
    from kinerja.domain.settings import Settings, load_settings
    from kinerja.metrics.store import ReportData
    from kinerja.report.registry import warm

    t0 = time.perf_counter()
    try:
        if not isinstance(settings, Settings):
            settings = load_settings(settings)
        data = ReportData(
            Dataset.from_cache(cache_dir, lazy=True),
            settings=settings,
            source=f"cache {Path(cache_dir).name}",
        )
        # every stored file is checked against its SHA-256 here: a tampered store is rebuilt,
        # never reported as reused
        if data.load_metrics(cache_dir, verify=True):
            return {"status": "dipakai ulang", "tabel": len(data._memo), "detik": 0.0}
        problem = data.metrics_problem
        n = warm(data, periode)
        data.save_metrics(cache_dir)
    except Exception as exc:
        return {"status": STATUS_FAILED, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result: dict[str, Any] = {
        "status": "dibangun ulang" if problem else STATUS_OK,
        "tabel": n,
        "detik": round(time.perf_counter() - t0, 2),
    }
    if problem:
        result["catatan"] = problem
    return result


__all__ = [
    "CACHE_FORMAT",
    "CACHE_META",
    "CacheInfo",
    "prepare_cache",
    "warm_metrics",
]
