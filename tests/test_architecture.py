"""The house rules of ``kinerja/``: layers import downwards only, no cycles, small modules.

Layers, lowest first (docs/architecture.md)::

    domain <- data <- metrics <- protect <- report <- run, serve

``compat`` (patches of third-party libraries) is used by ``run`` and ``serve`` only and imports
nothing of kinerja above ``domain``. The package's front doors (``kinerja/__init__.py``,
``__main__.py``, ``cli.py``) sit above everything and dispatch lazily.

Every import counts, including the ones inside functions: a lazy import that goes upwards is
still a dependency in the wrong direction.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kinerja

PACKAGE = Path(kinerja.__file__).resolve().parent
RANK = {"domain": 0, "data": 1, "metrics": 2, "protect": 3, "report": 4, "run": 5, "serve": 5}
RANK["explore"] = 5  # the exploring API (kinerja.buka), beside run and serve
COMPAT_USERS = {"run", "serve"}
FRONT_DOORS = {"__init__", "__main__", "cli"}
MAX_LINES = 800


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out["kinerja." + ".".join(parts)] = path
    return out


def _imports(path: Path, module: str) -> set[str]:
    """Every ``kinerja...`` module that ``path`` imports, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kinerja")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] != "kinerja":
                continue
            found.add(name)
            # ``from kinerja.report import charts`` imports the module kinerja.report.charts
            found.update(f"{name}.{a.name}" for a in node.names)
    mods = _modules()
    return {m for m in found if m in mods}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = _modules()
GRAPH = {m: _imports(p, m) for m, p in MODULES.items()}


def test_every_module_lives_in_a_layer_or_is_a_front_door() -> None:
    stray = [
        m for m in MODULES if _layer(m) not in RANK | {"compat": 0} and _layer(m) not in FRONT_DOORS
    ]
    assert stray == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) not in FRONT_DOORS))
def test_imports_point_downwards(module: str) -> None:
    layer = _layer(module)
    wrong = []
    for target in sorted(GRAPH[module]):
        tlayer = _layer(target)
        if tlayer in FRONT_DOORS:
            if target != "kinerja":  # ``import kinerja`` for __version__ is harmless
                wrong.append(target)
        elif tlayer == "compat":
            if layer not in COMPAT_USERS | {"compat"}:
                wrong.append(target)
        elif layer == "compat":
            if RANK[tlayer] > RANK["domain"]:
                wrong.append(target)
        elif RANK[tlayer] > RANK[layer]:
            wrong.append(target)
    assert wrong == [], f"{module} imports upwards: {wrong}"


def test_no_import_cycles_between_modules() -> None:
    # package __init__ re-exports are edges too; a module may of course import its own package
    graph = {m: {t for t in ts if t != m and not m.startswith(t + ".")} for m, ts in GRAPH.items()}
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in seen:
                visit(nxt)
        stack.pop()
        seen[node] = 2

    for m in sorted(graph):
        if m not in seen:
            visit(m)
    assert cycles == []


def test_run_and_serve_do_not_import_each_other_both_ways() -> None:
    run_to_serve = any(_layer(t) == "serve" for m in GRAPH if _layer(m) == "run" for t in GRAPH[m])
    serve_to_run = any(_layer(t) == "run" for m in GRAPH if _layer(m) == "serve" for t in GRAPH[m])
    assert not (run_to_serve and serve_to_run)


def test_modules_stay_small() -> None:
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    assert {m: n for m, n in sizes.items() if n > MAX_LINES} == {}


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The rule can fail: a data module importing report is reported."""
    fake = tmp_path / "bad.py"
    fake.write_text("def f():\n    from kinerja.report import charts\n", encoding="utf-8")
    assert "kinerja.report.charts" in _imports(fake, "kinerja.data.bad")
