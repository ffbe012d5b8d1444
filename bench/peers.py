"""The benchmark's peer environment and subprocess environment.

pm4py is AGPL-3.0-or-later: it is **never** a dependency of kinerja and is never imported into the
kinerja venv. It lives in its own venv under ``bench/_work/venv-pm4py`` (gitignored), created on
first use with ``pip install pm4py pandas pyarrow threadpoolctl`` (not ``pm4py[stable]``, whose
pins ask for a numpy that does not exist for Python 3.11), and pm4py code runs only in that
interpreter as a subprocess (:mod:`bench.bench_pm4py`).

OpenBLAS: on some processors the image sets ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` (older
OpenBLAS builds compute wrong results on them). :func:`bench_env` returns the environment for
benchmark subprocesses, optionally without both variables (together); :func:`blas_info` reports
which OpenBLAS kernel an interpreter then uses (threadpoolctl). The variables are never changed
for tests or CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work"
PM4PY_VENV = WORK / "venv-pm4py"
PM4PY_PACKAGES = ("pm4py", "pandas", "pyarrow", "threadpoolctl")
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

#: Set by run.py after checking threadpoolctl: whether benchmark children drop the OpenBLAS vars.
UNSET_OPENBLAS = os.environ.get("KINERJA_BENCH_UNSET_OPENBLAS", "0") == "1"


def pm4py_python(*, create: bool = True) -> str | None:
    """Path of the pm4py venv's interpreter, creating the venv on first use (``create``)."""
    py = PM4PY_VENV / "bin" / "python"
    ok = py.exists() and _has_pm4py(py)
    if not ok and create:
        WORK.mkdir(parents=True, exist_ok=True)
        if not py.exists():
            base = getattr(sys, "_base_executable", None) or "python3"
            subprocess.run([base, "-m", "venv", str(PM4PY_VENV)], check=True)
        print("Memasang pm4py di venv terpisah bench/_work/venv-pm4py ...", file=sys.stderr)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", *PM4PY_PACKAGES], check=True)
        ok = _has_pm4py(py)
    return str(py) if ok else None


def _has_pm4py(py: Path) -> bool:
    r = subprocess.run(
        [
            str(py),
            "-c",
            "import importlib.util,sys; sys.exit(importlib.util.find_spec('pm4py') is None)",
        ],
        capture_output=True,
    )
    return r.returncode == 0


def versions(python: str, modules: tuple[str, ...]) -> dict[str, str | None]:
    """Versions of ``modules`` as seen by ``python`` (without importing pm4py's package body)."""
    code = (
        "import json, importlib.metadata as m\n"
        f"out = {{}}\nfor n in {list(modules)!r}:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: out[n] = None\n"
        "print(json.dumps(out))"
    )
    r = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def bench_env(*, unset_openblas: bool | None = None) -> dict[str, str]:
    """Environment for benchmark subprocesses (both OpenBLAS variables dropped together when
    ``unset_openblas``, default :data:`UNSET_OPENBLAS`)."""
    env = dict(os.environ)
    if UNSET_OPENBLAS if unset_openblas is None else unset_openblas:
        for k in OPENBLAS_VARS:
            env.pop(k, None)
    return env


def blas_info(python: str, *, unset_openblas: bool) -> list[dict[str, object]]:
    """threadpoolctl's view of the BLAS libraries numpy loads under ``python``."""
    code = (
        "import json, numpy\nfrom threadpoolctl import threadpool_info\n"
        "print(json.dumps([{k: d.get(k) for k in ('internal_api','version','architecture',"
        "'num_threads')} for d in threadpool_info()]))"
    )
    r = subprocess.run(
        [python, "-c", code],
        capture_output=True,
        text=True,
        env=bench_env(unset_openblas=unset_openblas),
    )
    if r.returncode != 0:
        return [{"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "?"}]
    return json.loads(r.stdout)
