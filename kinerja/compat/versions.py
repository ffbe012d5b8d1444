"""Installed versions of the libraries :mod:`kinerja.compat` patches (read without importing them)."""

from __future__ import annotations

import re
from importlib import metadata

__all__ = ["installed_version", "version_in"]


def installed_version(dist: str) -> tuple[int, ...] | None:
    """Leading numeric part of the installed version of ``dist`` (``None`` when not installed).

    ``"8.10.0"`` → ``(8, 10, 0)``; ``"0.5.13rc1"`` → ``(0, 5, 13)``.
    """
    try:
        text = metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None
    parts = []
    for piece in text.split("."):
        m = re.match(r"\d+", piece)
        if m is None:
            break
        parts.append(int(m.group()))
        if m.end() != len(piece):
            break
    return tuple(parts)


def version_in(
    dist: str, lowest: tuple[int, ...], below: tuple[int, ...]
) -> tuple[bool, tuple[int, ...] | None]:
    """Whether the installed ``dist`` is in ``[lowest, below)``; also returns the version."""
    found = installed_version(dist)
    return (found is not None and lowest <= found < below), found
