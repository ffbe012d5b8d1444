"""environment.yml (conda-forge) must list the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from PyPI names
_CONDA_NAME = {
    "pandera[pandas]": "pandera",
    "dask[distributed]": "dask",
    "psycopg[binary]": "psycopg",
}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", req)
    assert m, req
    name, spec = m.group(1), m.group(2).replace(" ", "")
    return _CONDA_NAME.get(name, name).lower().replace("_", "-"), spec


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        reqs.extend(extra)
    out = dict(_split(r) for r in reqs)
    if "dask" in out:  # dask[distributed] brings distributed, listed on its own in conda
        out["distributed"] = out["dask"]
    return out


def _environment() -> dict[str, str]:
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = [d for d in data["dependencies"] if isinstance(d, str)]
    return dict(_split(d) for d in deps if not d.startswith(("python", "pip")))


def test_environment_yml_agrees_with_pyproject() -> None:
    assert _environment() == _pyproject()


def test_environment_parser_sees_a_mismatch() -> None:
    # the comparison must be able to fail: a changed bound is a different spec
    assert _split("pandas>=2.2") != _split("pandas>=2.3")
    assert _split("pandera[pandas]>=0.20") == ("pandera", ">=0.20")


# --- the lock file (issue 14, item 5) -------------------------------------------------------------

LOCK = ROOT / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, list[tuple[str, str]]]:
    """Package name -> [(pinned version, environment marker)] from requirements.lock."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line.strip())
        if m:
            out.setdefault(_canon(m.group(1)), []).append((m.group(2), (m.group(3) or "").strip()))
    return out


def _pyproject_requirements() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        reqs.extend(extra)
    return reqs


def _lock_mismatches(reqs: list[str], lock: dict[str, list[tuple[str, str]]]) -> list[str]:
    from packaging.markers import Marker
    from packaging.requirements import Requirement

    env = {
        "python_version": "3.11",
        "python_full_version": "3.11.7",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "os_name": "posix",
    }
    problems = []
    for text in reqs:
        req = Requirement(text)
        pins = [
            v
            for v, marker in lock.get(_canon(req.name), [])
            if not marker or Marker(marker).evaluate(env)
        ]
        if not pins:
            problems.append(f"{req.name}: tidak ada di requirements.lock")
        elif not all(req.specifier.contains(v, prereleases=True) for v in pins):
            problems.append(f"{req.name}: {pins} tidak memenuhi {req.specifier}")
    return problems


def test_lock_pins_every_dependency_within_its_bounds() -> None:
    lock = _lock()
    assert len(lock) > 50  # a resolved lock (transitive dependencies included), not a copy
    assert _lock_mismatches(_pyproject_requirements(), lock) == []


def test_lock_has_hashes_for_every_pin() -> None:
    text = LOCK.read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"\n(?=[A-Za-z0-9])", text) if "==" in b.split("\n")[0]]
    assert blocks and all("--hash=sha256:" in b for b in blocks)


def test_lock_check_can_fail() -> None:
    fake = {"pandas": [("2.1.0", "")]}
    assert _lock_mismatches(["pandas>=2.2", "numpy>=1.26"], fake) == [
        "pandas: ['2.1.0'] tidak memenuhi >=2.2",
        "numpy: tidak ada di requirements.lock",
    ]


def test_installs_use_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements.lock" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
