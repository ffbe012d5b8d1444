"""What every step of ``kinerja batch`` shares: the error type, report statuses, the result of
a batch, timestamps and the check that an output path lies inside the output folder.
"""

from __future__ import annotations

import datetime as dt
import errno
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Status of one report (Indonesian: they appear in manifest.json and on the console).
STATUS_OK = "ok"
STATUS_FAILED = "gagal"
STATUS_UNFINISHED = "tidak selesai"
STATUS_WAITING = "menunggu"


class BatchError(RuntimeError):
    """A batch cannot start (bad parameters, unreadable data, unwritable output); Indonesian text."""


def now() -> str:
    """The current local time as ISO 8601 with offset, to the second (manifest timestamps)."""
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def inside(root: Path, path: Path) -> Path:
    """Resolve ``path`` and make sure it lies inside ``root`` (no writes outside --out)."""
    resolved = path.resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        raise BatchError(f"jalur keluaran di luar folder keluaran ditolak: {path}") from None
    return resolved


def os_message(exc: OSError, what: str) -> str:
    """An Indonesian message for a failed write: disk full, read-only folder, or the OS text.

    Parameters
    ----------
    exc : OSError
        The error.
    what : str
        What failed (the message's prefix).
    """
    if exc.errno == errno.ENOSPC:
        return f"{what}: ruang disk penuh ({exc.filename or ''})"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{what}: folder tidak dapat ditulis (hanya-baca atau tanpa izin): {exc.filename or ''}"
        )
    return f"{what}: {exc.strerror or exc} ({exc.filename or ''})"


@dataclass
class BatchResult:
    """What a batch produced."""

    out_dir: Path
    results: list[dict[str, Any]]
    manifest_path: Path
    index_path: Path
    interrupted: bool = False
    rekap: dict[str, Any] = field(default_factory=dict)
    pdf: dict[str, Any] = field(default_factory=dict)
    #: Problems beside the reports (e.g. the manifest could not be rewritten: disk full).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> list[dict[str, Any]]:
        """Results of the reports that succeeded."""
        return [r for r in self.results if r["status"] == STATUS_OK]

    @property
    def failed(self) -> list[dict[str, Any]]:
        """Results of the reports that failed or did not finish."""
        return [r for r in self.results if r["status"] != STATUS_OK]

    @property
    def exit_code(self) -> int:
        """0 when every report (and the rekap) succeeded, 130 after Ctrl-C, 1 otherwise."""
        if self.interrupted:
            return 130
        if self.rekap.get("status") == STATUS_FAILED or self.notes:
            return 1
        return 0 if not self.failed else 1


__all__ = [
    "BatchResult",
    "STATUS_FAILED",
    "STATUS_OK",
    "STATUS_UNFINISHED",
    "STATUS_WAITING",
    "BatchError",
    "now",
    "inside",
    "os_message",
]
