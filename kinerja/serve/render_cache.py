"""Rendered form sections on disk, shared by every kernel of ``kinerja app``.

Keyed by input hashes, settings (every parameter file), date, code version and selection
(:func:`kinerja.domain.cache_key.cache_key`); the folder is ``KINERJA_FORM_CACHE``.
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
        """Outputs of every section for ``selection``, or ``None`` when not (validly) stored."""
        import json

        if selection.audience != "forum":
            return None
        path = self.path(selection)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
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
        import json

        try:
            payload = json.loads(self.meta_path(inputs).read_text(encoding="utf-8"))
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

    def has(self, selection: Selection) -> bool:
        """Whether ``selection`` is stored (without reading it)."""
        return self.path(selection).is_file()

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
        return _atomic_json(path, payload)


def _atomic_json(path: Path, payload: Any) -> bool:
    """Write ``payload`` as JSON to ``path`` atomically; ``False`` (logged) when it fails."""
    import json

    try:
        atomic_write_text(path, json.dumps(payload, ensure_ascii=False))
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
    "options_and_defaults",
    "Outputs",
    "RenderCache",
    "code_version",
    "data_key",
    "data_key_of",
    "render_cache_for",
]
