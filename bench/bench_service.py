"""Benchmark: service + bottleneck tables (``kinerja.metrics.service.service_tables``) at 1 M and 10 M events.

Issue 3 asks for ≤ 1 s at 1 M stage events and ≤ 10 s at 10 M, peak RSS ≤ 4 GB at 10 M, on a
2-core machine. Each measurement runs in a fresh subprocess (``python bench_service.py --child``)
that generates the log (fixed seed), then times ``service_tables`` once; the parent collects wall
time and the child's peak RSS (``ru_maxrss`` of the child, which includes the generated input) and
reports median, min and max over ``--runs`` runs (default 5).

Two input orders are measured: ``urut`` (the log grouped by request and ordered by ``mulai``, as
exports usually are) and ``acak`` (rows shuffled, which forces a sort).

Usage::

    .venv/bin/python bench/bench_service.py              # 1 M and 10 M, 5 runs each
    .venv/bin/python bench/bench_service.py --sizes 1000000 --runs 3

Results are printed as a table and written to ``bench/_work/bench_service.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work"

STAGES = ("Pendaftaran", "Verifikasi berkas", "Pemrosesan", "Penandatanganan", "Penyerahan")


def generate_log(
    n_events: int, *, seed: int = 0, shuffle: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic ``layanan`` event log of about ``n_events`` rows and its ``standar_layanan``.

    Requests have 3–5 stages taken in order from :data:`STAGES` (first three always, the last two
    with probability 0.8/0.9); 8 % repeat ``Verifikasi berkas`` once (rework). 20 OPDs × 5 services;
    requests start on working hours of 2025; waits and processing times are exponential, with a
    slow ``Penandatanganan`` in a few services. Vectorised; fixed ``seed``.
    """
    rng = np.random.default_rng(seed)
    n_req = max(1, int(n_events / 4.78))
    n_opd, n_svc = 20, 5
    svc = rng.integers(0, n_opd * n_svc, n_req)
    # per request: which optional stages and whether verification repeats
    has_sign = rng.random(n_req) < 0.8
    has_hand = rng.random(n_req) < 0.9
    rework = rng.random(n_req) < 0.08
    # stage sequence per request as stage codes: 0,1,[1],2,[3],[4]
    counts = 3 + has_sign + has_hand + rework
    req = np.repeat(np.arange(n_req), counts)
    pos = np.arange(len(req)) - np.repeat(np.cumsum(counts) - counts, counts)
    # map position -> stage code, honouring rework and optional stages
    code = np.empty(len(req), dtype=np.int8)
    rw = rework[req]
    sign = has_sign[req]
    base = np.where(
        rw,
        np.array([0, 1, 1, 2, 3, 4], dtype=np.int8)[np.minimum(pos, 5)],
        np.array([0, 1, 2, 3, 4, 4], dtype=np.int8)[np.minimum(pos, 5)],
    )
    # position after Pemrosesan: Penandatanganan if has_sign else Penyerahan
    after = pos - rw.astype(np.int64)  # index within the non-rework sequence
    code[:] = base
    code[(after == 3) & ~sign] = 4
    # durations (hours)
    slow = (svc[req] % 7 == 0) & (code == 3)
    proses = rng.exponential(2.0, len(req)) + np.where(slow, rng.exponential(40.0, len(req)), 0)
    tunggu = np.where(pos == 0, 0.0, rng.exponential(10.0, len(req)))
    start_day = np.datetime64("2025-01-02") + rng.integers(0, 360, n_req).astype("timedelta64[D]")
    start_day = np.busday_offset(start_day, 0, roll="forward")
    start_ns = start_day.astype("datetime64[ns]").astype(np.int64) + (
        (8 * 3600 + rng.integers(0, 6 * 3600, n_req)) * 1_000_000_000
    )
    step = ((tunggu + proses) * 3600e9).astype(np.int64)
    cum = np.cumsum(step)
    first = np.cumsum(counts) - counts
    offset = cum - np.repeat(cum[first] - step[first], counts)  # cumulative within request
    end_ns = np.repeat(start_ns, counts) + offset
    mulai = end_ns - (proses * 3600e9).astype(np.int64)
    opd_codes = np.array([f"3373-{i:02d}" for i in range(n_opd)])
    svc_names = np.array([f"Layanan {j + 1}" for j in range(n_svc)])
    ids = pd.array(np.char.add("P", np.arange(n_req).astype("U9")), dtype="str")
    log = pd.DataFrame(
        {
            "id_permohonan": ids.take(req),
            "kode_opd": pd.array(opd_codes, dtype="str").take(svc[req] // n_svc),
            "jenis_layanan": pd.array(svc_names, dtype="str").take(svc[req] % n_svc),
            "tahap": pd.array(np.array(STAGES), dtype="str").take(code.astype(np.intp)),
            "mulai": mulai.astype("datetime64[ns]"),
            "selesai": end_ns.astype("datetime64[ns]"),
        }
    )
    if shuffle:
        log = log.iloc[rng.permutation(len(log))].reset_index(drop=True)
    standar = pd.DataFrame(
        {
            "kode_opd": pd.array(np.repeat(opd_codes, n_svc), dtype="str"),
            "jenis_layanan": pd.array(np.tile(svc_names, n_opd), dtype="str"),
            "jangka_waktu_hari_kerja": pd.array(np.tile([1, 3, 5, 7, 14], n_opd), dtype="Int64"),
        }
    )
    return log, standar


def _child(n_events: int, order: str) -> None:
    sys.path.insert(0, str(ROOT))
    from kinerja.domain.calendar import calendars_for_opd, load_calendar
    from kinerja.metrics.service import service_tables

    log, standar = generate_log(n_events, seed=0, shuffle=(order == "acak"))
    cal = load_calendar()
    # two OPDs serve on Saturdays, to exercise per-OPD weekmasks
    cals = calendars_for_opd(
        standar["kode_opd"].unique(),
        overrides={"3373-00": "1111110", "3373-01": "1111110"},
        calendar=cal,
    )
    c0 = time.process_time()
    t0 = time.perf_counter()
    tables = service_tables(log, standar, cals)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "wall_s": wall,
                "cpu_s": cpu,
                "peak_rss_mb": rss_kb / 1024,
                "n_events": len(log),
                "n_requests": len(tables["permohonan"]),
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--orders", nargs="+", default=["urut", "acak"], choices=["urut", "acak"])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--child", nargs=2, metavar=("N", "ORDER"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(int(args.child[0]), args.child[1])
        return 0
    results = []
    for n in args.sizes:
        for order in args.orders:
            runs = []
            for _ in range(args.runs):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", str(n), order],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if out.returncode != 0:
                    raise SystemExit(f"anak benchmark gagal ({n} {order}):\n{out.stderr}")
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            walls = [r["wall_s"] for r in runs]
            cpus = [r["cpu_s"] for r in runs]
            rss = [r["peak_rss_mb"] for r in runs]
            results.append(
                {
                    "n_events_target": n,
                    "order": order,
                    "n_events": runs[0]["n_events"],
                    "n_requests": runs[0]["n_requests"],
                    "runs": len(runs),
                    "wall_s_median": statistics.median(walls),
                    "wall_s_min": min(walls),
                    "wall_s_max": max(walls),
                    "cpu_s_median": statistics.median(cpus),
                    "cpu_s_min": min(cpus),
                    "cpu_s_max": max(cpus),
                    "peak_rss_mb_median": statistics.median(rss),
                    "peak_rss_mb_min": min(rss),
                    "peak_rss_mb_max": max(rss),
                }
            )
            r = results[-1]
            print(
                f"{r['n_events']:>11,} {order:>5}  wall {r['wall_s_median']:.3f} s "
                f"({r['wall_s_min']:.3f}–{r['wall_s_max']:.3f})  CPU {r['cpu_s_median']:.3f} s  "
                f"peak RSS "
                f"{r['peak_rss_mb_median']:.0f} MB ({r['peak_rss_mb_min']:.0f}–"
                f"{r['peak_rss_mb_max']:.0f})",
                flush=True,
            )
    WORK.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "entry_point": "kinerja.metrics.service.service_tables",
        "load_average_at_end": os.getloadavg(),
        "note": "wall/cpu = service_tables only (input generation excluded); peak RSS = whole child "
        "process including the generated input",
    }
    (WORK / "bench_service.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=2), encoding="utf-8"
    )
    print(f"\nhasil ditulis ke {WORK / 'bench_service.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
