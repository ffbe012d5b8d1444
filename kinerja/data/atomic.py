"""Atomic text writes: a temporary file in the target's folder, then ``os.replace``.

A reader (a browser opening ``index.html``, a colleague's script reading ``manifest.json``) sees
either the old file or the new one, never half of it. Standard library only, so the batch parent
can use it without importing nbconvert.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_text"]


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The process umask, read once at import (``os.umask`` can only be read by setting it).
_UMASK = _current_umask()


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, with the permissions a plain ``open`` gives.

    The parent folder is created when missing; on any failure the temporary file is removed and
    the old ``path`` (if any) stays as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
