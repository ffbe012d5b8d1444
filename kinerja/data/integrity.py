"""Integrity of on-disk caches: the SHA-256 of every file, recorded at write, checked at read.

Every cache of kinerja (the prepared data cache of a batch, the private cache of a data folder,
the stored metric tables) is data only (Parquet, JSON) and is checked against the hashes written
with it before it is used; a cache whose files changed is rebuilt, never trusted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from kinerja.data.io import file_sha256

#: Name of the hash list written beside a cache's files.
INTEGRITY_FILE = "_integritas.json"


def hash_tree(folder: str | os.PathLike[str], *, skip: Iterable[str] = ()) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative POSIX path -> hex digest).

    Parameters
    ----------
    folder
        The cache folder.
    skip
        Relative names of files or folders to leave out (a folder skips everything below it).

    Returns
    -------
    dict
        Hidden files and folders (temporary folders of an interrupted write) are left out. A
        symbolic link is never followed: it is listed as ``"symlink"``, which never matches a
        recorded digest.
    """
    root = Path(folder)
    skip = set(skip)
    out: dict[str, str] = {}
    if not root.is_dir():
        return out
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        parts = rel.split("/")
        if any(s.startswith(".") for s in parts):
            continue
        if any("/".join(parts[: i + 1]) in skip for i in range(len(parts))):
            continue
        if p.is_symlink():
            out[rel] = "symlink"
        elif p.is_file():
            out[rel] = file_sha256(p)
    return out


def changed_files(recorded: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Files added, removed or changed between two :func:`hash_tree` results (sorted)."""
    return sorted(
        set(recorded) ^ set(actual) | {k for k in recorded if actual.get(k) != recorded[k]}
    )


def write_integrity(folder: str | os.PathLike[str]) -> Path:
    """Record the SHA-256 of every file of ``folder`` in :data:`INTEGRITY_FILE` (inside it)."""
    root = Path(folder)
    path = root / INTEGRITY_FILE
    files = hash_tree(root, skip={INTEGRITY_FILE})
    path.write_text(json.dumps({"files": files}, indent=1), encoding="utf-8")
    return path


def check_integrity(folder: str | os.PathLike[str]) -> list[str]:
    """Files of ``folder`` that differ from :data:`INTEGRITY_FILE` (``[]`` when intact).

    A missing or unreadable hash list is reported as ``[INTEGRITY_FILE]``.
    """
    root = Path(folder)
    try:
        recorded = json.loads((root / INTEGRITY_FILE).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return [INTEGRITY_FILE]
    if not isinstance(recorded, dict) or not recorded:
        return [INTEGRITY_FILE]
    return changed_files(recorded, hash_tree(root, skip={INTEGRITY_FILE}))


__all__ = ["INTEGRITY_FILE", "changed_files", "check_integrity", "hash_tree", "write_integrity"]
