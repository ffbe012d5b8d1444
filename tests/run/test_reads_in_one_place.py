"""Environment variables and package paths are read in one place (issue 11, items 2 and 5).

``KINERJA_*`` switches: only :func:`kinerja.domain.settings.read_env` reads them. Other
``os.environ`` uses are Voila's own protocol (``VOILA_*``, ``QUERY_STRING``), ``MPLBACKEND`` of a
forked kernel and environments handed to child processes. No module finds the repository from
``__file__`` (the package runs from a wheel); :mod:`kinerja.domain.resources` finds files.
"""

from __future__ import annotations

import re
from pathlib import Path

import kinerja

PACKAGE = Path(kinerja.__file__).resolve().parent

#: files (relative to the package) that may use ``os.environ``
ENVIRON_ALLOWED = {
    "domain/settings.py",  # read_env itself
    "serve/query.py",  # VOILA_* / QUERY_STRING of the Voila protocol
    "serve/form.py",  # QUERY_STRING
    "serve/app.py",  # environment of the pre-render child and of Voila's kernels
    "run/forkkernel.py",  # MPLBACKEND and the forked kernel's own environment
}
#: files that may use ``__file__`` (code_version hashes the package's own sources)
FILE_ALLOWED = {"serve/render_cache.py", "domain/resources.py"}


def _sources() -> list[tuple[str, str]]:
    return [
        (p.relative_to(PACKAGE).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted(PACKAGE.rglob("*.py"))
    ]


def test_kinerja_switches_are_read_only_by_read_env():
    offenders = []
    for rel, text in _sources():
        code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        if rel != "domain/settings.py" and re.search(r"['\"]KINERJA_[A-Z_]+['\"]", code):
            offenders.append(f"{rel}: KINERJA_* literal")
        if ("os.environ" in code or "getenv(" in code) and rel not in ENVIRON_ALLOWED:
            offenders.append(f"{rel}: os.environ")
    assert offenders == []


def test_no_module_finds_the_repository_from_its_own_path():
    offenders = [
        rel
        for rel, text in _sources()
        if "__file__" in text and rel not in FILE_ALLOWED and not rel.startswith("domain/_shipped")
    ]
    assert offenders == []
