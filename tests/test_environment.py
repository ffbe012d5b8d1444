"""environment.yml (conda-forge) must list the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from PyPI names
_CONDA_NAME = {"pandera[pandas]": "pandera", "dask[distributed]": "dask"}


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
