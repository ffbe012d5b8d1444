"""Batch overhead benchmark on fixture notebooks (not a test: prints figures).

Measures, on this machine:
1. the Papermill floor: in-process ``papermill.execute_notebook`` of a notebook that only does the
   report's imports (tests/notebooks/empty_imports.ipynb), sequentially, per notebook;
2. a plain sequential papermill loop over the fixture report notebook for N OPDs;
3. ``kinerja.run.batch.run_batch`` over the same N OPDs with ``--jobs`` workers (HTML + slides +
   manifest included), and the two ratios of issue 4:
   batch / (N x floor / cores)   (target <= 1.3)   and   sequential loop / batch   (target >= 1.8).

    .venv/bin/python bench/bench_batch_fixture.py --n 12 --jobs 2 [--notebook PATH]

The real report notebooks are measured by the bench helper with ``--notebook notebooks/laporan_opd.ipynb``
on the sample data (``--data data/sampel``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT / "tests" / "notebooks"


def _fixture_data(folder: Path, n: int) -> list[str]:
    codes = [f"OK{i:02d}" for i in range(n)]
    folder.mkdir(parents=True, exist_ok=True)
    rows = "\n".join(f"{c},Dinas Uji {c},D{c},dinas," for c in codes)
    (folder / "opd.csv").write_text(f"kode_opd,nama_opd,singkatan,jenis_opd,kode_induk\n{rows}\n")
    (folder / "pegawai.csv").write_text(
        (NB / "data" / "pegawai.csv")
        .read_text()
        .replace("OKB", codes[-1])
        .replace("OKA", codes[0])
        .replace("RSUD", codes[0])
    )
    return codes


def main() -> None:
    import papermill as pm

    from kinerja.compat import jupyter_client as jupyter_patch
    from kinerja.run.batch import run_batch

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--data", default=None, help="data folder (default: generated fixture OPDs)")
    ap.add_argument("--notebook", default=str(NB / "laporan_fixture.ipynb"))
    ap.add_argument("--floor-notebook", default=str(NB / "empty_imports.ipynb"))
    ap.add_argument("--floor-runs", type=int, default=5)
    a = ap.parse_args()
    jupyter_patch.apply()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if a.data:
            import kinerja

            codes = kinerja.load(a.data).get("opd")["kode_opd"].astype(str).tolist()[: a.n]
            data = Path(a.data)
        else:
            data = tmp / "data"
            codes = _fixture_data(data, a.n)
        # warm-up (imports, bytecode caches) — not counted
        pm.execute_notebook(
            a.floor_notebook, str(tmp / "w.ipynb"), progress_bar=False, execution_timeout=120
        )

        floor = []
        for i in range(a.floor_runs):
            t0 = time.perf_counter()
            pm.execute_notebook(
                a.floor_notebook,
                str(tmp / f"f{i}.ipynb"),
                progress_bar=False,
                execution_timeout=120,
            )
            floor.append(time.perf_counter() - t0)
        floor_s = statistics.median(floor)

        out = tmp / "out"
        t0 = time.perf_counter()
        res = run_batch(
            data,
            out,
            opd=codes,
            jobs=a.jobs,
            opd_notebook=a.notebook,
            include_city=False,
            rekap=False,
            progress=False,
            echo=False,
            timeout=300,
        )
        batch_s = time.perf_counter() - t0
        assert not res.failed, res.failed

        cache = next((out / "_cache").iterdir())
        t0 = time.perf_counter()
        for c in codes:
            pm.execute_notebook(
                a.notebook,
                str(tmp / f"s-{c}.ipynb"),
                progress_bar=False,
                execution_timeout=300,
                parameters={
                    "kode_opd": c,
                    "periode": "2025",
                    "audience": "forum",
                    "cache_dir": str(cache),
                    "params_dir": str(ROOT / "parameters"),
                },
            )
        seq_s = time.perf_counter() - t0

    cores = a.jobs
    report = {
        "n_notebooks": len(codes),
        "jobs": a.jobs,
        "cpu_count": os.cpu_count(),
        "floor_per_notebook_s": round(floor_s, 3),
        "floor_runs_s": [round(x, 3) for x in floor],
        "batch_wall_s": round(batch_s, 2),
        "sequential_papermill_loop_s": round(seq_s, 2),
        "ratio_batch_vs_floor_bound": round(batch_s / (len(codes) * floor_s / cores), 3),
        "speedup_vs_sequential_loop": round(seq_s / batch_s, 3),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
