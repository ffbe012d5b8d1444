"""Rendered form sections on disk, shared by every kernel of ``kinerja app``.

Keyed by input hashes, settings (every parameter file), date, code version and selection
(:func:`kinerja.domain.cache_key.cache_key`); the folder is ``KINERJA_FORM_CACHE``.

Integrity: like the metric store (:mod:`kinerja.metrics.stored`), every file is recorded with its
SHA-256 in an index beside it (:data:`INDEX_FILE`, one per form folder, updated under a file lock
because the pre-render workers and the kernels write at the same time) and checked against it
before it is used. A file that is not in the index, whose bytes changed, or that cannot be read
or parsed is treated as absent: the form renders that selection live (behind the personal-data
gate) and stores it again. A changed file is never served.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kinerja.data.atomic import atomic_write_text
from kinerja.domain.cache_key import cache_key
from kinerja.domain.settings import ENV_CODE_VERSION, read_env
from kinerja.serve.options import FormOptions, options_for, resolve_defaults
from kinerja.serve.sections import Section, Selection

log = logging.getLogger(__name__)


_CODE_VERSION: str | None = None


def code_version() -> str:
    """Hash of the code that renders a section: every ``kinerja`` module and the library versions.

    Part of every :class:`RenderCache` key, so a changed builder, chart helper, formatter or
    matplotlib/seaborn/pandas version never serves an output rendered by the old code.
    """
    global _CODE_VERSION
    if _CODE_VERSION is None:
        # `kinerja app` computes it once and hands it to its kernels and pre-render
        # (KINERJA_CODE_VERSION): the files may change on disk while the server runs, but the
        # code it runs is what it imported at start, and every process must agree on the keys
        handed = read_env().code_version or ""
        if len(handed) == 64 and all(c in "0123456789abcdef" for c in handed):
            _CODE_VERSION = handed
            return _CODE_VERSION
    if _CODE_VERSION is None:
        import hashlib
        from importlib.metadata import PackageNotFoundError, version

        from kinerja.domain.cache_key import code_fingerprint

        h = hashlib.sha256(code_fingerprint().encode())
        for dist in ("matplotlib", "seaborn", "pandas", "numpy", "babel", "ipywidgets"):
            try:
                h.update(f"{dist}={version(dist)}".encode())
            except PackageNotFoundError:
                h.update(f"{dist}=-".encode())
        _CODE_VERSION = h.hexdigest()
    return _CODE_VERSION


def data_key(
    file_hashes: Mapping[str, str],
    params: Mapping[str, Any],
    today: Any,
    settings_key: str | None = None,
) -> str:
    """What rendered outputs depend on besides code and selection: inputs, settings, date.

    ``file_hashes`` are the SHA-256 of the input files (``Dataset.file_hashes``), ``params`` the
    effective global parameters (``ReportData.params``), ``today`` the reference date of
    "overdue" (``ReportData.today``) and ``settings_key`` :meth:`Settings.key
    <kinerja.domain.settings.Settings.key>` (every per-OPD file and the holiday file).
    """
    return cache_key(
        "render",
        {str(k): str(v) for k, v in sorted(dict(file_hashes).items())},
        dict(params),
        str(pd.Timestamp(today).date()) if today is not None else "",
        settings_key,
    )


def data_key_of(data: Any) -> str | None:
    """:func:`data_key` of a ``ReportData`` (``None`` for objects without hashes/parameters)."""
    hashes = getattr(getattr(data, "dataset", None), "file_hashes", None)
    params = getattr(data, "params", None)
    if not isinstance(hashes, Mapping) or not isinstance(params, Mapping):
        return None
    settings = getattr(data, "settings", None)
    settings_key = settings.key() if settings is not None else None
    return data_key(hashes, params, getattr(data, "today", None), settings_key)


Outputs = dict[str, tuple[dict[str, Any], ...]]

#: The SHA-256 index of a form folder (file name -> digest of its bytes).
INDEX_FILE = "_integritas.json"
#: Lock file of the index (writers only; readers replace nothing).
LOCK_FILE = "_integritas.lock"
#: Per form folder: which data key, sections and controls the current forms use, so that the
#: server can find a stored selection without the data (:func:`read_pointer`).
POINTER_FILE = "_pratinjau.json"


class IntegrityIndex:
    """The SHA-256 of every cache file of one folder, recorded at write and checked at read.

    Parameters
    ----------
    folder : path
        The form folder of a :class:`RenderCache`.

    Notes
    -----
    The index is JSON (``{"files": {name: sha256}}``), replaced atomically under an exclusive
    ``flock`` of :data:`LOCK_FILE`, so concurrent writers (pre-render workers, kernels) never
    lose each other's entries. Readers keep the parsed index in memory until the file's
    ``(mtime, size, inode)`` changes. A missing or unreadable index means no file is trusted.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / INDEX_FILE
        self._stamp: tuple[int, int, int] | None = None
        self._files: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        import json

        try:
            st = self.path.stat()
        except OSError:
            self._stamp, self._files = None, {}
            return self._files
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp != self._stamp:
            try:
                files = json.loads(self.path.read_text(encoding="utf-8"))["files"]
                if not isinstance(files, dict):
                    raise TypeError
                self._files = {str(k): str(v) for k, v in files.items()}
            except (OSError, ValueError, KeyError, TypeError):
                self._files = {}
            self._stamp = stamp
        return self._files

    def digest(self, name: str) -> str | None:
        """The recorded SHA-256 of file ``name`` (``None`` when not recorded)."""
        return self._load().get(name)

    def read(self, path: Path) -> bytes | None:
        """The bytes of ``path`` when they match the index, else ``None`` (never trusted)."""
        import hashlib

        recorded = self.digest(path.name)
        if recorded is None:
            return None
        try:
            if path.is_symlink():
                return None
            data = path.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != recorded:
            log.warning("cache formulir %s berubah sejak ditulis; dihitung ulang", path.name)
            return None
        return data

    def record(self, name: str, data: bytes) -> None:
        """Record the SHA-256 of ``data`` as file ``name`` (atomic, under the lock)."""
        import fcntl
        import hashlib
        import json

        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / LOCK_FILE, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._stamp = None  # re-read under the lock: another writer may have added
                files = dict(self._load())
                files[name] = hashlib.sha256(data).hexdigest()
                atomic_write_text(self.path, json.dumps({"files": files}, indent=0))
                self._stamp, self._files = None, files
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


class RenderCache:
    """Rendered section outputs of one form on disk, one JSON file per selection.

    Parameters
    ----------
    root : path
        Folder of the cache (``kinerja app`` uses ``<prepared cache>/formulir``).
    form : str
        Form name (``"laporan_opd"``).
    data_key : str
        :func:`data_key` of the data the outputs were rendered from.
    sections : sequence of str
        Section keys of the form, in order (part of the key).
    gate : callable, optional
        ``gate() -> PersonalDataGate`` (:func:`kinerja.serve.privacy.form_gate`), called on the
        first write: every file is checked before it is stored, and a file with a NIP or an
        employee's name is not written.

    Notes
    -----
    A file's name is the SHA-256 of (code version, data key, form, sections, selection), so an
    entry is only ever read back for exactly the inputs, parameters, date, code and selection it
    was rendered for; stale entries are never matched. Files are JSON (the same output dicts an
    Output widget holds: escaped HTML and base64 PNG), written atomically; a damaged or
    unreadable file is treated as absent. Only forum-audience outputs are stored.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        form: str,
        data_key: str,
        sections: Sequence[str],
        gate: Callable[[], Any] | None = None,
    ) -> None:
        self.root = Path(root)
        self._gate_factory = gate
        self.form = form
        self.data_key = data_key
        self.sections = tuple(sections)
        self.folder = self.root / form
        self.index = IntegrityIndex(self.folder)

    def _read_json(self, path: Path) -> Any:
        """The JSON of ``path`` when its bytes match the integrity index, else ``None``."""
        import json

        data = self.index.read(path)
        if data is None:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def path(self, selection: Selection) -> Path:
        """The file holding ``selection``'s outputs."""
        key = cache_key(
            "section",
            code_version(),
            self.data_key,
            self.form,
            list(self.sections),
            [selection.kode_opd, selection.periode, selection.jenis_layanan, selection.audience],
        )
        return self.folder / (key[:40] + ".json")

    def get(self, selection: Selection) -> Outputs | None:
        """Outputs of every section for ``selection``, or ``None`` when not (validly) stored:
        absent, not in the integrity index, changed since written, unreadable or malformed."""
        if selection.audience != "forum":
            return None
        payload = self._read_json(self.path(selection))
        try:
            sections = payload["sections"]
            out = {k: tuple(sections[k]) for k in self.sections}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not all(isinstance(o, dict) for outs in out.values() for o in outs):
            return None
        return out

    def meta_path(self, inputs: Mapping[str, Any]) -> Path:
        """File of the form's options and resolved defaults for the parameter ``inputs``."""
        key = cache_key("meta", code_version(), self.data_key, self.form, dict(inputs))
        return self.folder / ("meta-" + key[:40] + ".json")

    def get_meta(self, inputs: Mapping[str, Any]) -> tuple[FormOptions, dict[str, Any]] | None:
        """Stored :class:`FormOptions` and defaults for ``inputs`` (``None`` when absent).

        They let a new kernel show a stored selection without reading the large tables (the
        periods come from a million ``laporan_kinerja`` dates).
        """
        payload = self._read_json(self.meta_path(inputs))
        try:
            o = payload["options"]
            options = FormOptions(
                opd=[(str(a), str(b)) for a, b in o["opd"]],
                periode=[(str(a), str(b)) for a, b in o["periode"]],
                layanan={str(k): [str(x) for x in v] for k, v in o["layanan"].items()},
            )
            defaults = dict(payload["defaults"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return options, defaults

    def put_meta(
        self, inputs: Mapping[str, Any], options: FormOptions, defaults: Mapping[str, Any]
    ) -> bool:
        """Store the options and resolved defaults (atomic; ``False`` when not written)."""
        payload = {
            "options": {
                "opd": [list(x) for x in options.opd],
                "periode": [list(x) for x in options.periode],
                "layanan": options.layanan,
            },
            "defaults": {k: (None if v is None else str(v)) for k, v in defaults.items()},
        }
        return self._write(self.meta_path(inputs), payload)

    def put_pointer(self, *, title: str, controls: Sequence[str], today: Any) -> bool:
        """Record this cache's data key, sections, title and controls (:data:`POINTER_FILE`)
        for the server's preview (:func:`kinerja.serve.preview.server_preview`); written only
        when it changed. ``today`` is the data's reference date (a new day: a new key)."""
        payload = {
            "form": self.form,
            "code_version": code_version(),
            "data_key": self.data_key,
            "sections": list(self.sections),
            "title": str(title),
            "controls": [str(c) for c in controls],
            "tanggal": str(pd.Timestamp(today).date()) if today is not None else "",
        }
        if read_pointer(self.root, self.form) == payload:
            return True
        return self._write(self.folder / POINTER_FILE, payload)

    def has(self, selection: Selection) -> bool:
        """Whether ``selection`` is stored and recorded in the index (without hashing it; a
        changed file is still caught by :meth:`get`)."""
        path = self.path(selection)
        return path.is_file() and self.index.digest(path.name) is not None

    def put(self, selection: Selection, outputs: Mapping[str, Sequence[dict[str, Any]]]) -> bool:
        """Store ``outputs`` (atomic write); ``False`` when it cannot be written (logged)."""
        if selection.audience != "forum" or set(outputs) != set(self.sections):
            return False
        path = self.path(selection)
        payload = {
            "form": self.form,
            "selection": {
                "kode_opd": selection.kode_opd,
                "periode": selection.periode,
                "jenis_layanan": selection.jenis_layanan,
            },
            "sections": {k: list(outputs[k]) for k in self.sections},
        }
        return self._write(path, payload)

    def _write(self, path: Path, payload: Any) -> bool:
        """Write ``payload`` only when the personal-data gate passes (atomic)."""
        from kinerja.serve.privacy import PersonalDataLeak, payload_text

        if self._gate_factory is not None:
            hits = self._gate_factory().scan(payload_text(payload))
            if hits:
                log.error("%s", PersonalDataLeak(str(path), hits))
                return False
        return _atomic_json(path, payload, self.index)


def read_pointer(root: str | os.PathLike[str], form: str) -> dict[str, Any] | None:
    """The :data:`POINTER_FILE` of form ``form`` under ``root`` (integrity-checked), or
    ``None`` when absent, changed or malformed."""
    import json

    folder = Path(root) / form
    data = IntegrityIndex(folder).read(folder / POINTER_FILE)
    if data is None:
        return None
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    keys = ("form", "code_version", "data_key", "sections", "title", "controls", "tanggal")
    if not isinstance(payload, dict) or any(k not in payload for k in keys):
        return None
    if not isinstance(payload["sections"], list) or not isinstance(payload["controls"], list):
        return None
    return payload


def _atomic_json(path: Path, payload: Any, index: IntegrityIndex) -> bool:
    """Write ``payload`` as JSON to ``path`` atomically and record its SHA-256 in ``index``;
    ``False`` (logged) when it fails."""
    import json

    try:
        text = json.dumps(payload, ensure_ascii=False)
        atomic_write_text(path, text)
        index.record(path.name, text.encode("utf-8"))
    except (OSError, TypeError, ValueError):
        log.exception("cache formulir tidak dapat disimpan di %s", path)
        return False
    return True


def render_cache_for(
    name: str,
    data: Any,
    sections: Sequence[Section],
    environ: Mapping[str, str] | None = None,
) -> RenderCache | None:
    """The disk cache of form ``name`` when ``KINERJA_FORM_CACHE`` is set, else ``None``.

    ``environ`` defaults to the process environment (:func:`kinerja.domain.settings.read_env`).
    """
    root = read_env(environ).form_cache
    if root is None:
        return None
    key = data_key_of(data)
    if key is None:
        return None
    from kinerja.serve.privacy import form_gate

    return RenderCache(
        root,
        form=name,
        data_key=key,
        sections=[s.key for s in sections],
        gate=lambda: form_gate(data),
    )


def options_and_defaults(
    name: str,
    data: Any,
    cache: RenderCache | None,
    *,
    kode_opd: str | None = None,
    periode: str | None = None,
    jenis_layanan: str | None = None,
) -> tuple[FormOptions, dict[str, Any]]:
    """Options and resolved defaults of a form: from the disk cache when stored, else computed
    (and stored for the next kernel)."""
    inputs = {"kode_opd": kode_opd, "periode": periode, "jenis_layanan": jenis_layanan}
    if cache is not None:
        got = cache.get_meta(inputs)
        if got is not None:
            return got
    from kinerja.serve.privacy import form_gate, safe_options

    # labels with a NIP or an employee's name never reach a drop-down (nor the meta file)
    options = safe_options(form_gate(data), options_for(data))
    defaults = resolve_defaults(name, data, kode_opd, periode, jenis_layanan)
    if cache is not None:
        cache.put_meta(inputs, options, defaults)
    return options, defaults


__all__ = [
    "ENV_CODE_VERSION",
    "INDEX_FILE",
    "IntegrityIndex",
    "POINTER_FILE",
    "read_pointer",
    "options_and_defaults",
    "Outputs",
    "RenderCache",
    "code_version",
    "data_key",
    "data_key_of",
    "render_cache_for",
]
