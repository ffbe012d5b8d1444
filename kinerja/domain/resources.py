"""Where kinerja's files are: notebooks, parameters, holiday calendar, templates, reference data.

The package runs from a wheel (``pip install .``) as well as from a checkout. Nothing else in
``kinerja`` computes a path from ``__file__``: it asks this module.

Rule
----
A *project folder* (an explicit argument, else the current working directory) may hold its own
``notebooks/`` and ``parameters/``; they win when present:

- ``parameters/`` counts when it holds ``default.yaml`` (the folder is used as a whole: a project's
  parameters are never mixed with the shipped ones);
- a notebook counts file by file: ``<project>/notebooks/<name>.ipynb`` when it exists.

Otherwise the copies shipped inside the package are used. In a wheel they are the subpackages
``kinerja.domain._shipped.notebooks`` and ``kinerja.domain._shipped.parameters``, which
``pyproject.toml`` maps onto the repository's top-level ``notebooks/`` and ``parameters/`` (one
copy in git). In a checkout installed in editable mode (or imported from the source tree) the
shipped copies *are* the repository's folders.

Templates (``kinerja/report/templates``) and the sample generator's reference data
(``kinerja/data/reference_data``) are ordinary package data and never come from a project folder.
All functions return real filesystem paths (``pathlib.Path``): papermill, nbconvert and pandas
need them; a wheel is always installed unpacked, never imported from a zip file.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

__all__ = [
    "HOLIDAY_FILE",
    "NOTEBOOK_NAMES",
    "ResourceError",
    "holiday_csv",
    "notebook_path",
    "notebooks_dir",
    "parameters_dir",
    "project_dir",
    "reference_data_dir",
    "sample_dir",
    "shipped_dir",
    "source_checkout",
    "templates_dir",
]

#: The notebooks the package ships (``notebooks/`` of the repository).
NOTEBOOK_NAMES: tuple[str, ...] = (
    "ikhtisar_data",
    "laporan_opd",
    "penjelajah_hambatan",
    "register_tindak_lanjut",
    "ringkasan_kota",
)
#: Default name of the holiday calendar inside a parameters folder (``hari_libur`` in default.yaml).
HOLIDAY_FILE = "hari_libur.csv"

_KINDS = ("notebooks", "parameters")


class ResourceError(FileNotFoundError):
    """A file kinerja needs is neither in the project folder nor in the package (Indonesian)."""


def _package_root() -> Path:
    """Folder of the imported ``kinerja`` package (its ``__init__.py``'s folder)."""
    spec = importlib.util.find_spec("kinerja")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - kinerja imported
        raise ResourceError("paket kinerja tidak ditemukan")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def package_dir() -> Path:
    """Folder of the imported ``kinerja`` package (the source whose fingerprint keys caches)."""
    return _package_root()


def source_checkout() -> Path | None:
    """The repository the package is imported from, or ``None`` for an installed wheel.

    A checkout is recognised by ``pyproject.toml`` next to the ``kinerja`` package folder (the
    editable install and ``PYTHONPATH=.`` both import from it).
    """
    root = _package_root().parent
    return root if (root / "pyproject.toml").is_file() and (root / "kinerja").is_dir() else None


def shipped_dir(kind: str) -> Path:
    """The package's own copy of ``notebooks`` or ``parameters``.

    Parameters
    ----------
    kind : {"notebooks", "parameters"}

    Returns
    -------
    Path
        In a wheel ``site-packages/kinerja/domain/_shipped/<kind>``; in a checkout
        ``<repository>/<kind>``.

    Raises
    ------
    ResourceError
        When neither exists (a broken installation).
    """
    if kind not in _KINDS:
        raise ValueError(f"kind harus salah satu dari {_KINDS}, bukan {kind!r}")
    candidates: list[Path] = []
    try:
        spec = importlib.util.find_spec(f"kinerja.domain._shipped.{kind}")
    except (ImportError, ValueError):  # pragma: no cover - defensive
        spec = None
    if spec is not None and spec.submodule_search_locations:
        candidates.extend(Path(p) for p in spec.submodule_search_locations)
    candidates.append(_package_root() / "domain" / "_shipped" / kind)
    checkout = source_checkout()
    if checkout is not None:
        candidates.append(checkout / kind)
    for cand in candidates:
        if cand.is_dir() and any(cand.iterdir()):
            return cand.resolve()
    tried = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise ResourceError(f"folder {kind} bawaan paket kinerja tidak ditemukan (dicoba: {tried})")


def project_dir(project: str | os.PathLike[str] | None = None) -> Path:
    """The project folder: ``project`` when given, else the current working directory."""
    return Path(project).expanduser().resolve() if project is not None else Path.cwd().resolve()


def parameters_dir(project: str | os.PathLike[str] | None = None) -> Path:
    """The ``parameters/`` folder to use.

    ``<project>/parameters`` when it holds ``default.yaml``, else the shipped copy
    (:func:`shipped_dir`). ``project`` defaults to the working directory.
    """
    own = project_dir(project) / "parameters"
    if (own / "default.yaml").is_file():
        return own
    return shipped_dir("parameters")


def notebooks_dir(project: str | os.PathLike[str] | None = None) -> Path:
    """``<project>/notebooks`` when it holds at least one shipped notebook, else the shipped copy.

    Use :func:`notebook_path` for one notebook (it decides file by file); this folder is for code
    that serves a whole folder (the Voila app copies its forms from it).
    """
    own = project_dir(project) / "notebooks"
    if any((own / f"{name}.ipynb").is_file() for name in NOTEBOOK_NAMES):
        return own
    return shipped_dir("notebooks")


def notebook_path(name: str, project: str | os.PathLike[str] | None = None) -> Path:
    """Path of notebook ``name`` (``"laporan_opd"`` or ``"laporan_opd.ipynb"``).

    ``<project>/notebooks/<name>.ipynb`` when it exists, else the shipped notebook.

    Raises
    ------
    ResourceError
        When the name has a folder part or the notebook exists in neither place.
    """
    file = name if name.endswith(".ipynb") else f"{name}.ipynb"
    if Path(file).name != file or file.startswith("."):
        raise ResourceError(f"nama notebook tidak sah: {name!r}")
    own = project_dir(project) / "notebooks" / file
    if own.is_file():
        return own
    shipped = shipped_dir("notebooks") / file
    if shipped.is_file():
        return shipped
    raise ResourceError(f"notebook tidak ditemukan: {file} (dicoba: {own}, {shipped})")


def holiday_csv(
    params_dir: str | os.PathLike[str] | None = None, name: str = HOLIDAY_FILE
) -> Path | None:
    """The holiday calendar CSV: ``<params_dir>/<name>``, else the shipped one, else ``None``.

    Parameters
    ----------
    params_dir : path, optional
        A parameters folder (default :func:`parameters_dir`).
    name : str
        File name relative to the parameters folder (``hari_libur`` in ``default.yaml``).

    Returns
    -------
    Path or None
        ``None`` only when no copy exists at all; :func:`kinerja.domain.calendar.load_calendar`
        then builds the table from the ``holidays`` package and warns.
    """
    folder = Path(params_dir) if params_dir is not None else parameters_dir()
    path = folder / name
    if path.is_file():
        return path.resolve()
    try:
        shipped = shipped_dir("parameters") / name
    except ResourceError:
        return None
    return shipped if shipped.is_file() else None


def templates_dir() -> Path:
    """nbconvert templates shipped with :mod:`kinerja.report` (``kinerja/report/templates``)."""
    return _package_root() / "report" / "templates"


def reference_data_dir() -> Path:
    """Reference tables of the sample generator (``kinerja/data/reference_data``)."""
    return _package_root() / "data" / "reference_data"


def sample_dir(project: str | os.PathLike[str] | None = None) -> Path:
    """Where the bundled sample data lives or is generated: ``<project>/data/sampel``.

    In a checkout the project folder defaults to the repository (so notebooks run from
    ``notebooks/`` find ``data/sampel``); from a wheel it is the working directory.
    """
    if project is None:
        checkout = source_checkout()
        base = checkout if checkout is not None else project_dir()
    else:
        base = project_dir(project)
    return base / "data" / "sampel"
