"""``manifest.json`` and ``index.html`` of a batch, rewritten after every finished report.

The manifest records the parameters, the SHA-256 of every input file, package versions, timings,
status, errors and suppressed-cell counts; the index page is rendered from it
(:mod:`kinerja.run.index`). Both are written atomically, so the output folder is consistent at
any moment.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kinerja.data.atomic import atomic_write_text
from kinerja.data.io import file_sha256
from kinerja.run.common import (
    STATUS_FAILED,
    STATUS_OK,
    STATUS_UNFINISHED,
    STATUS_WAITING,
    os_message,
)
from kinerja.run.index import render_index

_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "jupyter_client",
    "ipykernel",
    "pyzmq",
    "matplotlib",
    "seaborn",
    "ipywidgets",
    "pyyaml",
    "dask",
    "distributed",
)


def package_versions() -> dict[str, str | None]:
    """Versions of Python, kinerja and the packages a report depends on (``None``: absent)."""
    from importlib import metadata

    import kinerja

    versions: dict[str, str | None] = {
        "python": platform.python_version(),
        "kinerja": kinerja.__version__,
    }
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def read_previous_files(manifest: Path) -> set[str]:
    """Files (relative to the output folder) listed by the previous run's manifest."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files: set[str] = set()
    for r in data.get("notebooks", []):
        files.update(v for v in (r.get("files") or {}).values() if isinstance(v, str))
        kept = (r.get("sebelumnya") or {}).get("files") or {}  # a good set kept on failure
        files.update(v for v in kept.values() if isinstance(v, str))
    return files


def read_previous(manifest: Path) -> dict[str, dict[str, Any]]:
    """The previous run's manifest entries by report key (empty when there is none)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        entries = data.get("notebooks", [])
    except (OSError, ValueError, AttributeError):
        return {}
    return {
        str(r["key"]): {**r, "started": r.get("started") or data.get("started")}
        for r in entries
        if isinstance(r, dict) and r.get("key")
    }


def input_hashes(
    data_inputs: Mapping[str, str], params_dir: Path, notebooks: Iterable[Path]
) -> dict[str, Any]:
    """SHA-256 of every input: data files (already hashed), parameter files and notebooks."""
    return {
        "data": data_inputs,
        "parameters": {
            p.relative_to(params_dir).as_posix(): file_sha256(p)
            for p in sorted(params_dir.rglob("*"))
            if p.is_file() and p.suffix in {".yaml", ".yml", ".csv"}
        },
        "notebooks": {str(p): file_sha256(p) for p in notebooks},
    }


class ManifestWriter:
    """Writes ``manifest.json`` and ``index.html`` from the batch's current state.

    Parameters
    ----------
    manifest_path, index_path : Path
        Targets (already checked to lie inside the output folder).
    base : dict
        The parts that do not change during the run (parameters, inputs, packages, cache, ...).
    names : dict
        kode_opd → OPD name, for the index page.
    kinds : dict, optional
        kode_opd → ``jenis_opd``, for the index page's groups.
    """

    def __init__(
        self,
        manifest_path: Path,
        index_path: Path,
        base: Mapping[str, Any],
        names: Mapping[str, str | None],
        kinds: Mapping[str, str | None] | None = None,
    ) -> None:
        self.manifest_path = manifest_path
        self.index_path = index_path
        self.base = dict(base)
        self.names = dict(names)
        self.kinds = dict(kinds or {})
        #: Why the last write failed (disk full ...), ``None`` after a successful write.
        self.write_error: str | None = None

    def write(self, results: Mapping[str, dict[str, Any]], state: Mapping[str, Any]) -> None:
        """Rewrite both files for ``results`` (key → result dict) and ``state`` (status, ...)."""
        ordered = [results[k] for k in results]
        summary = {
            "total": len(ordered),
            "ok": sum(r["status"] == STATUS_OK for r in ordered),
            "gagal": sum(r["status"] == STATUS_FAILED for r in ordered),
            "tidak_selesai": sum(
                r["status"] in (STATUS_UNFINISHED, STATUS_WAITING) for r in ordered
            ),
        }
        manifest = dict(self.base)
        manifest.update(
            status=state["status"],
            ended=state.get("ended"),
            duration_s=state.get("duration_s"),
            summary=summary,
            suppressed_cells={
                r["key"]: r.get("suppressed_cells") for r in ordered if r["status"] == STATUS_OK
            },
            rekap=state["rekap"],
            audit=state.get("audit", {"status": "belum"}),
            pdf=state.get("pdf"),
            notebooks=ordered,
        )
        if self.write_error:
            manifest["catatan_penulisan"] = self.write_error
        try:
            atomic_write_text(
                self.manifest_path,
                json.dumps(manifest, indent=2, ensure_ascii=False, default=str),
            )
            digest = self.index_path.parent / "pantau" / "index.html"  # kinerja pantau --out
            pantau = "pantau/index.html" if digest.is_file() else None
            atomic_write_text(
                self.index_path, render_index(manifest, self.names, self.kinds, pantau=pantau)
            )
        except OSError as exc:
            # disk full or read-only: the previous manifest and index stay (atomic writes);
            # the batch goes on and says so at the end
            self.write_error = os_message(exc, "manifest/indeks tidak dapat diperbarui")


__all__ = [
    "ManifestWriter",
    "input_hashes",
    "package_versions",
    "read_previous",
    "read_previous_files",
]
