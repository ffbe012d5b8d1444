"""Load + validate benchmark (issue 7 item 2): ``kinerja.load(folder)`` on the Salatiga-scale
sample and on a 10× sample, each run in a fresh subprocess.

``wall_s`` / ``cpu_s`` cover ``kinerja.load`` only (interpreter start and ``import kinerja``
excluded, reported as ``child_wall_s`` for the whole process); peak RSS is the child's own
``ru_maxrss`` (``os.wait4``). The 10× folder is generated once with ``kinerja sample --scale 10``
(CSV, as the Salatiga sample) under ``bench/_work/`` (gitignored); ``scale`` multiplies the
transaction tables (layanan, skm, pengaduan), while the population-driven tables (pegawai,
laporan_kinerja, ...) stay at city size, see :mod:`kinerja.data.sample`.

    .venv/bin/python bench/bench_load.py --folders data/sampel --runs 5
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
WORK = BENCH / "_work"
SAMPLE = ROOT / "data" / "sampel"
SAMPLE_10X = WORK / "sampel-10x"


def ensure_sample(folder: Path, scale: float) -> Path:
    """Generate the sample at ``scale`` into ``folder`` when it is missing (kinerja CLI)."""
    if not (folder / "opd.csv").exists():
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "kinerja"),
                "sample",
                "--out",
                str(folder),
                "--scale",
                str(scale),
            ],
            check=True,
            cwd=ROOT,
        )
    return folder


def _child(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))
    from bench_pm4py import vmhwm_kb

    import kinerja

    c0 = time.process_time()
    t0 = time.perf_counter()
    ds = kinerja.load(folder)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rows = {k: (0 if v is None else len(v)) for k, v in ds.tables.items()}
    quarantined = {k: len(v) for k, v in ds.quarantine.items() if v is not None and len(v)}
    print(
        json.dumps(
            {
                "wall_s": wall,
                "cpu_s": cpu,
                "rows": rows,
                "quarantined": quarantined,
                "vmhwm_kb": vmhwm_kb(),
            },
            default=int,
        )
    )


def bench_folder(
    folder: Path, runs: int, *, env: dict[str, str] | None = None, progress: Any = None
) -> dict[str, Any]:
    """``runs`` fresh-process loads of ``folder``: median/min/max of wall, CPU, peak RSS."""
    sys.path.insert(0, str(BENCH))
    from bench_pm4py import _summ, measure

    rows = []
    for i in range(runs):
        r = measure(
            [sys.executable, str(Path(__file__).resolve()), "--child", str(folder)], env=env
        )
        rows.append(r)
        if progress:
            progress(f"load {folder.name} run {i + 1}/{runs}: {r['wall_s']:.2f} s")
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    return {
        "folder": str(folder.relative_to(ROOT)) if folder.is_relative_to(ROOT) else str(folder),
        "bytes": size,
        "rows": rows[0]["rows"],
        "quarantined": rows[0]["quarantined"],
        "runs": len(rows),
        "wall_s": _summ([r["wall_s"] for r in rows]),
        "cpu_s": _summ([r["cpu_s"] for r in rows]),
        "peak_rss_gb": _summ([r["peak_rss_kb"] / 1024**2 for r in rows]),
        "child_wall_s": _summ([r["child_wall_s"] for r in rows]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folders", nargs="+", default=[str(SAMPLE)])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    for f in args.folders:
        res = bench_folder(Path(f).resolve(), args.runs, progress=print)
        print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
