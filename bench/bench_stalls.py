"""Stall benchmark for kinerja.compat.jupyter_client (toolchain trap 1). Not a test: prints figures.

Runs N executions of a small pandas + seaborn + ipywidgets notebook with 2 parallel spawned
worker processes, once with jupyter_client as shipped and once with the polling patch, and
counts executions slower than a threshold (default 30 s; a stalled cell waits for its timeout).

    .venv/bin/python bench/bench_stalls.py --n 40 --jobs 2 --threshold 30 --timeout 60
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

CELLS = [
    'kode_opd = "X"',
    "import pandas as pd\nimport numpy as np\nimport seaborn as sns\nimport ipywidgets as w\n"
    "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt",
    "df = pd.DataFrame({'a': np.arange(200) % 7, 'b': np.random.default_rng(1).normal(size=200)})\ndf.describe()",
    "for i in range(20):\n    print(i, end=' ')",
    "ax = sns.barplot(data=df, x='a', y='b')\nplt.show()",
    "w.Dropdown(options=['a', 'b', 'c'], description='OPD')",
    "w.IntSlider(value=3)",
    "df.groupby('a').b.agg(['mean', 'count'])",
    "from IPython.display import Markdown\nMarkdown('**selesai**')",
]


def _init(patched: bool) -> None:
    from kinerja.compat import jupyter_client as jupyter_patch

    if patched:
        jupyter_patch.apply()
    else:
        jupyter_patch.undo()


def _run(args: tuple[str, str, int]) -> float:
    import papermill as pm

    src, dst, timeout = args
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            src, dst, execution_timeout=timeout, progress_bar=False, kernel_name="python3"
        )
    except Exception:
        return -(time.perf_counter() - t0)  # negative = failed (e.g. timed out)
    return time.perf_counter() - t0


def measure(n: int, jobs: int, patched: bool, timeout: int, work: Path) -> list[float]:
    src = work / "bench.ipynb"
    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, src)
    tasks = [(str(src), str(work / f"out-{patched}-{i}.ipynb"), timeout) for i in range(n)]
    with ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init,
        initargs=(patched,),
    ) as pool:
        return list(pool.map(_run, tasks))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--threshold", type=float, default=30.0)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--modes", default="tanpa,dengan")
    a = ap.parse_args()
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in a.modes.split(","):
            patched = mode == "dengan"
            t0 = time.perf_counter()
            times = measure(a.n, a.jobs, patched, a.timeout, Path(tmp))
            wall = time.perf_counter() - t0
            slow = [t for t in times if abs(t) > a.threshold]
            failed = [t for t in times if t < 0]
            report[f"{mode} patch"] = {
                "n": a.n,
                "jobs": a.jobs,
                f"lebih_dari_{a.threshold:g}s": len(slow),
                "gagal": len(failed),
                "median_s": round(statistics.median(abs(t) for t in times), 2),
                "max_s": round(max(abs(t) for t in times), 2),
                "wall_s": round(wall, 1),
            }
            print(mode, json.dumps(report[f"{mode} patch"]), flush=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
