"""Benchmark: the monthly monitoring digest of the sample (``kinerja pantau --out``), target ≤ 10 s.

Measures, in one process, the steps of ``kinerja pantau --data data/sampel --out DIR``: loading
the data folder, the monitoring (metric tables, limits, rules), and writing the digest, the 57
per-OPD pages and the workbook through the personal-data gate. Wall and CPU seconds per step are
printed and written to ``bench/_work/bench_pantau.json``. Run: ``.venv/bin/python
bench/bench_pantau.py [DATA_DIR]`` (default ``data/sampel``; generate it with ``kinerja sample
--out data/sampel``).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0


def _step(name: str, func, results: dict):
    w0, c0 = time.perf_counter(), time.process_time()
    out = func()
    results[name] = {
        "wall_s": round(time.perf_counter() - w0, 3),
        "cpu_s": round(time.process_time() - c0, 3),
    }
    print(
        f"{name:<12} {results[name]['wall_s']:>7.2f} s dinding  {results[name]['cpu_s']:>7.2f} s CPU",
        flush=True,
    )
    return out


def main(argv: list[str]) -> int:
    from kinerja.data.dataset import load
    from kinerja.domain.settings import load_settings
    from kinerja.metrics.monitoring.build import monitoring_for
    from kinerja.metrics.store import ReportData
    from kinerja.run.pantau import run_pantau, write_outputs

    folder = Path(argv[0]) if argv else ROOT / "data" / "sampel"
    if not folder.exists():
        print(f"Folder data tidak ada: {folder} (buat dengan: kinerja sample --out {folder})")
        return 2
    results: dict = {"data": str(folder)}
    w0, c0 = time.perf_counter(), time.process_time()
    # the same steps as run_pantau, timed one by one
    ds = _step("muat", lambda: load(folder), results)
    data = ReportData(ds, settings=load_settings(None), source=str(folder))
    _step("pantau", lambda: monitoring_for(data), results)
    results["total_langkah"] = {
        "wall_s": round(time.perf_counter() - w0, 3),
        "cpu_s": round(time.process_time() - c0, 3),
    }
    # end to end, as the command runs it
    with tempfile.TemporaryDirectory() as tmp:
        w0, c0 = time.perf_counter(), time.process_time()
        run = _step("run_pantau", lambda: run_pantau(folder), results)
        files = _step("tulis", lambda: write_outputs(run, tmp), results)
        total = {
            "wall_s": round(time.perf_counter() - w0, 3),
            "cpu_s": round(time.process_time() - c0, 3),
        }
    results["digest_total"] = total
    results["berkas"] = len(files)
    results["bulan"] = f"{run.bulan:%Y-%m}"
    results["sinyal"] = len(run.signals)
    results["target_s"] = TARGET_S
    results["memenuhi_target"] = total["wall_s"] <= TARGET_S
    print(
        f"digest bulan {results['bulan']}: {total['wall_s']:.2f} s dinding, {total['cpu_s']:.2f} s CPU "
        f"({len(files)} berkas, {len(run.signals)} sinyal); target ≤ {TARGET_S:.0f} s"
    )
    out = ROOT / "bench" / "_work" / "bench_pantau.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
