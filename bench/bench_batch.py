"""Batch benchmark (issue 7 item 3, issue 4 performance): ``kinerja batch`` vs a sequential
``papermill`` CLI loop vs the floor.

Per round (rounds are interleaved: floor, batch, loop, then again):

floor
    In one fresh process: in-process ``papermill.execute_notebook`` of ``bench/_work/floor.ipynb``
    — the report notebook's parameters cell plus one cell with the report's imports
    (:data:`FLOOR_IMPORTS`: ``kinerja.serve.notebook`` and the modules it imports when it runs with
    the batch's precomputed metrics, matplotlib's Agg canvas, pyarrow, babel, yaml) and nothing
    else — once untimed (bytecode/disk cache), then ``floor_runs`` timed. Floor per notebook =
    the median. In-process is what the batch workers do, so this is the stricter (smaller)
    floor; the CLI adds interpreter start. The earlier, larger import list
    (:data:`FLOOR_IMPORTS_V1`, with seaborn, ipywidgets and the metric modules) is measured
    beside it (``floor_v1_*``, ``batch_over_floor_v1``) so older figures stay comparable.
    CPU seconds (process plus waited-for descendants: kernels, pool workers) are recorded for
    floor, batch and loop, with the load average at the start and the end.
batch
    ``kinerja.run.batch.run_batch(data, out, opd=codes, jobs=cores, include_city=False,
    rekap=False)`` in a fresh process (timed as a whole, interpreter start included, like the
    CLI): the OPD reports only (the papermill loop runs no city overview and writes no
    workbook), but including the batch's own extras (cache check, HTML + slides export,
    manifest, index). The prepared cache under ``<out>/_cache`` exists before the first timed
    round (built by an untimed warm-up batch of one OPD), so every timed batch **reuses** it
    (hash check included) — the same cache the loop reads.
loop
    ``papermill notebooks/laporan_opd.ipynb OUT -r kode_opd K -r periode P -r audience A
    -r cache_dir C -r params_dir D --cwd notebooks --execution-timeout T`` per OPD, one after
    the other, with the parameters the batch recorded in its manifest for that OPD.

Ratios: ``batch_over_floor = batch / (n × floor ÷ cores)`` (target ≤ 1.3) and
``batch_speedup_vs_papermill_loop = loop / batch`` (target ≥ 1.8).

    .venv/bin/python bench/bench_batch.py --opd-limit 4 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
WORK = BENCH / "_work"
NOTEBOOK = ROOT / "notebooks" / "laporan_opd.ipynb"
SAMPLE = ROOT / "data" / "sampel"
BIN = ROOT / ".venv" / "bin"

#: The report notebook's imports without its computation: the modules a report of the batch
#: imports when it runs with the batch's precomputed metrics (``kinerja.serve.notebook`` and what it
#: imports lazily, matplotlib's Agg canvas, pyarrow for the cache, babel and yaml).
FLOOR_IMPORTS = (
    "import kinerja.serve.notebook as laporan\n"
    "import kinerja.report.charts, kinerja.data.dataset, kinerja.protect, kinerja.report.formatting, kinerja.serve.forms\n"
    "import kinerja.metrics.complaints, kinerja.domain.calendar, kinerja.domain.params, kinerja.domain.assumptions\n"
    "import matplotlib.figure, matplotlib.backends.backend_agg\n"
    "import pyarrow.parquet, babel.dates, yaml"
)
#: The floor's imports before the report stopped importing seaborn, pandera and the metric
#: modules (figures up to 2026-11-28 06:00 used this); measured beside the current floor.
FLOOR_IMPORTS_V1 = (
    "import kinerja.serve.notebook as laporan\n"
    "import kinerja.report.charts, kinerja.data.dataset, kinerja.protect, kinerja.report.formatting\n"
    "import kinerja.metrics.survey, kinerja.metrics.skp, kinerja.metrics.service, kinerja.metrics.complaints, kinerja.metrics.training\n"
    "import matplotlib.pyplot as plt\n"
    "import seaborn\n"
    "import ipywidgets\n"
    "import pyarrow.parquet"
)


def floor_notebook(path: Path, imports: str = FLOOR_IMPORTS) -> Path:
    """Write the floor notebook: the report's parameters cell + the imports cell."""
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.cells = [params[0], nbformat.v4.new_code_cell(imports)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(out, path)
    return path


def _floor_child(nb: str, runs: int, params_json: str) -> None:
    """Untimed warm-up then ``runs`` timed in-process executions of the floor notebook."""
    import papermill as pm

    sys.path.insert(0, str(ROOT))
    from kinerja.compat import jupyter_client as jupyter_patch

    jupyter_patch.apply()  # as the batch workers do
    params = json.loads(params_json)
    out = Path(nb).with_name("floor-out.ipynb")
    kw = dict(
        parameters=params,
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=600,
        cwd=str(NOTEBOOK.parent),
    )
    pm.execute_notebook(nb, str(out), **kw)  # warm-up, untimed
    times = []
    cpu = []
    for _ in range(runs):
        c0 = _cpu_self_and_children()
        t0 = time.perf_counter()
        pm.execute_notebook(nb, str(out), **kw)
        times.append(time.perf_counter() - t0)
        cpu.append(_cpu_self_and_children() - c0)
    print(json.dumps({"times": times, "cpu": cpu}))


def _cpu_self_and_children() -> float:
    """User + system CPU seconds of this process and of its waited-for descendants (kernels,
    pool workers): on a shared machine CPU time says what a run costs, wall time what it waited."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + ch.ru_utime + ch.ru_stime


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _batch_child(data: str, out: str, codes_json: str, jobs: int) -> None:
    sys.path.insert(0, str(ROOT))
    from kinerja.run.batch import run_batch

    res = run_batch(
        data,
        out,
        opd=json.loads(codes_json),
        jobs=jobs,
        include_city=False,
        rekap=False,
        progress=False,
        echo=False,
        timeout=900,
    )
    status: dict[str, int] = {}
    errors = []
    for r in res.results:
        status[r["status"]] = status.get(r["status"], 0) + 1
        if r.get("error"):
            errors.append(f"{r['kode_opd']}: {r['error'][:300]}")
    params = {r["kode_opd"]: r["parameters"] for r in res.results}
    print(json.dumps({"status": status, "errors": errors[:5], "parameters": params}))


_LAST_CPU: list[float] = [0.0]


def _run(cmd: list[str], env: dict[str, str] | None, timeout: float = 7200) -> tuple[float, str]:
    """Run a child to completion; wall seconds and stdout (its CPU seconds, descendants
    included, in ``_LAST_CPU[0]``)."""
    c0 = _cpu_self_and_children()
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)
    wall = time.perf_counter() - t0
    _LAST_CPU[0] = _cpu_self_and_children() - c0
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} gagal ({r.returncode}):\n{r.stderr[-3000:]}")
    return wall, r.stdout


def _last_json(text: str) -> dict[str, Any]:
    return json.loads([ln for ln in text.splitlines() if ln.startswith("{")][-1])


def opd_codes(data: Path) -> list[str]:
    """OPD codes of the data folder, in file order."""
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    return pd.read_csv(data / "opd.csv", dtype=str)["kode_opd"].str.strip().tolist()


def bench_batch(
    *,
    data: Path = SAMPLE,
    opd_limit: int | None = None,
    rounds: int = 1,
    floor_runs: int = 5,
    jobs: int | None = None,
    env: dict[str, str] | None = None,
    progress: Any = None,
    work: Path = WORK / "batch",
    floor_v1: bool = True,
) -> dict[str, Any]:
    """Measure floor, batch and loop (scratch files under ``work``); return figures and the two
    ratios. ``floor_v1=False`` skips the earlier floor import list (``bench-quick``)."""
    say = progress or (lambda m: None)
    jobs = jobs or os.cpu_count() or 1
    me = str(Path(__file__).resolve())
    py = sys.executable
    all_codes = opd_codes(data)
    codes = all_codes[:opd_limit] if opd_limit else all_codes
    out = work / "out"
    # untimed warm-up: builds (or reuses) the prepared cache and records the parameters
    _, txt = _run([py, me, "--batch-child", str(data), str(out), json.dumps(codes[:1]), "1"], env)
    warm = _last_json(txt)
    fnb = floor_notebook(work / "floor.ipynb")
    fnb1 = floor_notebook(work / "floor-v1.ipynb", FLOOR_IMPORTS_V1)
    floor1_s: list[float] = []
    p0 = warm["parameters"][codes[0]]
    floor_s: list[float] = []
    floor_cpu: list[float] = []
    batch_s: list[float] = []
    batch_cpu: list[float] = []
    loop_s: list[float] = []
    loop_cpu: list[float] = []
    load_start = _loadavg()
    status: dict[str, int] = {}
    errors: list[str] = []
    loop_fail = 0
    for i in range(rounds):
        _, txt = _run([py, me, "--floor-child", str(fnb), str(floor_runs), json.dumps(p0)], env)
        floor_s += _last_json(txt)["times"]
        floor_cpu += _last_json(txt)["cpu"]
        say(f"floor ronde {i + 1}: median {statistics.median(floor_s):.2f} s")
        if floor_v1:
            _, txt = _run(
                [py, me, "--floor-child", str(fnb1), str(floor_runs), json.dumps(p0)], env
            )
            floor1_s += _last_json(txt)["times"]
            say(f"floor v1 ronde {i + 1}: median {statistics.median(floor1_s):.2f} s")
        wall, txt = _run(
            [py, me, "--batch-child", str(data), str(out), json.dumps(codes), str(jobs)], env
        )
        res = _last_json(txt)
        batch_s.append(wall)
        batch_cpu.append(_LAST_CPU[0])
        for k, v in res["status"].items():
            status[k] = status.get(k, 0) + v
        errors = errors or res["errors"]
        say(f"batch ronde {i + 1}: {wall:.1f} s ({res['status']})")
        c0 = _cpu_self_and_children()
        t0 = time.perf_counter()
        for code in codes:
            p = res["parameters"][code]
            cmd = [str(BIN / "papermill"), str(NOTEBOOK), str(work / "loop-out.ipynb")]
            for k, v in p.items():
                if v is not None:
                    cmd += ["-r", k, str(v)]
            cmd += ["--cwd", str(NOTEBOOK.parent), "--execution-timeout", "900"]
            cmd += ["--no-progress-bar", "-k", "python3"]
            r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
            loop_fail += r.returncode != 0
        loop_s.append(time.perf_counter() - t0)
        loop_cpu.append(_cpu_self_and_children() - c0)
        say(f"loop papermill ronde {i + 1}: {loop_s[-1]:.1f} s")

    def summ(v: list[float]) -> dict[str, float]:
        return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}

    n = len(codes)
    floor_med = statistics.median(floor_s)
    bound = n * floor_med / jobs
    return {
        "data": str(data.relative_to(ROOT)) if data.is_relative_to(ROOT) else str(data),
        "n_opd_total": len(all_codes),
        "n_notebooks": n,
        "subset": n < len(all_codes),
        "jobs": jobs,
        "rounds": rounds,
        "floor_per_notebook_s": summ(floor_s),
        "floor_bound_s": bound,
        "batch_s": summ(batch_s),
        "papermill_loop_s": summ(loop_s),
        "batch_status": status,
        "batch_errors_sample": errors,
        "papermill_loop_failures": loop_fail,
        "batch_over_floor": statistics.median(batch_s) / bound,
        "batch_over_floor_range": [min(batch_s) / bound, max(batch_s) / bound],
        "batch_speedup_vs_papermill_loop": statistics.median(loop_s) / statistics.median(batch_s),
        # CPU seconds (process + waited-for descendants): less sensitive to other load
        "floor_cpu_per_notebook_s": summ(floor_cpu),
        "batch_cpu_s": summ(batch_cpu),
        "papermill_loop_cpu_s": summ(loop_cpu),
        "batch_cpu_over_floor_cpu": statistics.median(batch_cpu)
        / (n * statistics.median(floor_cpu)),
        "loadavg_start": load_start,
        "loadavg_end": _loadavg(),
        "floor_imports": FLOOR_IMPORTS,
        "floor_v1_per_notebook_s": summ(floor1_s) if floor1_s else None,
        "batch_over_floor_v1": (
            statistics.median(batch_s) / (n * statistics.median(floor1_s) / jobs)
            if floor1_s
            else None
        ),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(SAMPLE))
    ap.add_argument("--opd-limit", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--floor-runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--floor-child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--batch-child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.floor_child:
        _floor_child(a.floor_child[0], int(a.floor_child[1]), a.floor_child[2])
        return 0
    if a.batch_child:
        d, o, c, j = a.batch_child
        _batch_child(d, o, c, int(j))
        return 0
    res = bench_batch(
        data=Path(a.data).resolve(),
        opd_limit=a.opd_limit,
        rounds=a.rounds,
        floor_runs=a.floor_runs,
        jobs=a.jobs,
        progress=print,
    )
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
