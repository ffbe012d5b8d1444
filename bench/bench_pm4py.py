"""Bottleneck + SLA tables: kinerja vs pm4py vs a plain-pandas reference (issue 7 item 1).

Every measurement runs in its own fresh subprocess that reads the **same Parquet log** (written
once per size by :func:`ensure_log` with ``bench/bench_service.py``'s fixed-seed generator), times
its computation only (reading the Parquet file is excluded from ``wall_s`` and reported as
``read_s``), and prints one JSON line. The parent takes the child's peak RSS from ``os.wait4``
(the child's own ``ru_maxrss``, which includes the loaded log).

What each side computes (stated in the results file):

``kinerja``
    ``kinerja.metrics.service.service_tables(log, standar, calendars)``: per request the lead time in
    **working days** (``busday_count`` with the 2025 holiday calendar and a per-OPD weekmask,
    two OPDs Monday–Saturday), the SLA verdict against ``standar_layanan``, the path; per
    (OPD, service, stage) waiting/processing mean, median and P90; the bottleneck stage per
    service; the per-service summary (median/P90 working days, % on time).
``pandas``
    The straightforward pandas implementation of the same tables (sort, ``groupby().shift``,
    ``groupby().agg`` with median/quantile, ``numpy.busday_count`` per weekmask, merge).
``pm4py``
    ``pm4py.discover_performance_dfg`` (mean/median/... time between directly-following stages,
    with ``start_timestamp_key="mulai"`` so an arc a→b measures b.mulai − a.selesai) plus
    ``pm4py.get_all_case_durations`` (calendar time, first ``mulai`` to last ``selesai``). No SLA,
    no working days, no per-service split: pm4py computes less than kinerja here.
``pm4py_bh``
    The same with ``business_hours=True`` (working slots Monday–Friday 07:30–16:00; pm4py has
    no holiday list here), pm4py's closest counterpart of working-day durations.

This file is executed by two interpreters: the kinerja venv (parent, ``kinerja`` and ``pandas``
children) and the separate pm4py venv (``pm4py`` children; see :mod:`bench.peers`). It therefore
imports only the standard library at module level and never imports pm4py in the kinerja venv.

    .venv/bin/python bench/bench_pm4py.py --sizes 1000000 --runs 5
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
WORK = ROOT / "bench" / "_work"
BENCH = ROOT / "bench"

#: Saturday-serving OPDs in the generated log (exercise per-OPD weekmasks), as bench_service.py.
SATURDAY_OPD = {"3373-00": "1111110", "3373-01": "1111110"}
#: pm4py business-hour slots: Monday–Friday 07:30–16:00, seconds from Monday 00:00.
BH_SLOTS = [(d * 86400 + 7 * 3600 + 1800, d * 86400 + 16 * 3600) for d in range(5)]
ENGINES = ("kinerja", "pandas", "pm4py", "pm4py_bh")


# ---------------------------------------------------------------------------------------------
# input


def log_path(n_events: int) -> Path:
    """Path of the Parquet log of about ``n_events`` stage events."""
    return WORK / f"layanan_{n_events}.parquet"


def ensure_log(n_events: int) -> Path:
    """Write the fixed-seed log and its standard (once) as Parquet; return the log path."""
    path = log_path(n_events)
    std = path.with_name(path.stem + "_standar.parquet")
    if path.exists() and std.exists():
        return path
    sys.path.insert(0, str(BENCH))
    from bench_service import generate_log  # other helper's generator: same log as bench_service

    WORK.mkdir(parents=True, exist_ok=True)
    log, standar = generate_log(n_events, seed=0, shuffle=False)
    tmp = path.with_suffix(".tmp")
    log.to_parquet(tmp, index=False)
    standar.to_parquet(std, index=False)
    os.replace(tmp, path)
    return path


def _read(path: Path) -> tuple[Any, Any, float]:
    import pandas as pd

    t0 = time.perf_counter()
    log = pd.read_parquet(path)
    standar = pd.read_parquet(path.with_name(path.stem + "_standar.parquet"))
    return log, standar, time.perf_counter() - t0


def _calendars(codes: Any) -> Any:
    sys.path.insert(0, str(ROOT))
    from kinerja.domain.calendar import calendars_for_opd, load_calendar

    return calendars_for_opd(codes, overrides=SATURDAY_OPD, calendar=load_calendar())


# ---------------------------------------------------------------------------------------------
# the engines (each runs in its own child process)


def run_kinerja(log: Any, standar: Any) -> dict[str, Any]:
    """kinerja's one entry point for the service/bottleneck/SLA tables."""
    from kinerja.metrics.service import service_tables

    cals = _calendars(standar["kode_opd"].unique())
    return service_tables(log, standar, cals)


def run_pandas(log: Any, standar: Any) -> dict[str, Any]:
    """Plain-pandas reference of the same tables (straightforward groupby code)."""
    import numpy as np
    import pandas as pd

    cals = _calendars(standar["kode_opd"].unique())
    df = log.sort_values(["id_permohonan", "mulai", "selesai"], kind="stable")
    g = df.groupby("id_permohonan", sort=False)
    prev = g["selesai"].shift()
    hour = pd.Timedelta(hours=1)
    df = df.assign(
        tunggu_jam=((df["mulai"] - prev) / hour).clip(lower=0).fillna(0.0),
        proses_jam=(df["selesai"] - df["mulai"]) / hour,
    )
    df = df.assign(total_jam=df["tunggu_jam"] + df["proses_jam"])
    keys = ["kode_opd", "jenis_layanan", "tahap"]
    gs = df.groupby(keys, observed=True)
    tahap = gs.agg(
        n=("tahap", "size"),
        tunggu_rata=("tunggu_jam", "mean"),
        tunggu_median=("tunggu_jam", "median"),
        proses_rata=("proses_jam", "mean"),
        proses_median=("proses_jam", "median"),
        total_rata=("total_jam", "mean"),
    )
    q = gs[["tunggu_jam", "proses_jam"]].quantile(0.9)
    tahap = tahap.join(q.add_suffix("_p90")).reset_index()
    req = g.agg(
        kode_opd=("kode_opd", "first"),
        jenis_layanan=("jenis_layanan", "first"),
        mulai=("mulai", "min"),
        selesai=("selesai", "max"),
        n_tahap=("tahap", "size"),
    ).reset_index()
    hk = np.empty(len(req), dtype=np.int64)
    d0 = req["mulai"].to_numpy().astype("datetime64[D]")
    d1 = req["selesai"].to_numpy().astype("datetime64[D]")
    for code, idx in req.groupby("kode_opd", observed=True).indices.items():
        cal = cals[code]
        hk[idx] = np.busday_count(d0[idx], d1[idx], weekmask=cal.weekmask, holidays=cal.holidays)
    req["hari_kerja"] = hk
    req = req.merge(standar, on=["kode_opd", "jenis_layanan"], how="left")
    req["tepat_waktu"] = req["hari_kerja"] <= req["jangka_waktu_hari_kerja"]
    layanan = (
        req.groupby(["kode_opd", "jenis_layanan"], observed=True)
        .agg(
            n=("hari_kerja", "size"),
            median_hari=("hari_kerja", "median"),
            p90_hari=("hari_kerja", lambda s: s.quantile(0.9)),
            persen_tepat=("tepat_waktu", "mean"),
        )
        .reset_index()
    )
    top = tahap.sort_values("total_rata", ascending=False).drop_duplicates(
        ["kode_opd", "jenis_layanan"]
    )
    hambatan = top[["kode_opd", "jenis_layanan", "tahap", "total_rata"]]
    return {"permohonan": req, "tahap": tahap, "hambatan": hambatan, "layanan": layanan}


def run_pm4py(log: Any, standar: Any, *, business_hours: bool = False) -> dict[str, Any]:
    """pm4py's performance DFG + all case durations (optionally in business hours).

    pm4py 2.7's simplified interface (``pm4py.discover_performance_dfg``,
    ``pm4py.get_all_case_durations``) takes one timestamp only; the stage log has a start and an
    end, so the same algorithms are called one level down with ``start_timestamp_key="mulai"``
    (exactly what the simplified functions call, plus the start timestamp): an arc a→b then
    measures ``max(b.mulai, a.selesai) − a.selesai`` (the waiting before b, overlap = 0, as
    kinerja). Case durations come from ``pm4py.get_all_case_durations`` (first to last
    ``selesai``; see below).
    """
    import pm4py
    from pm4py.algo.discovery.dfg.adapters.pandas.df_statistics import get_dfg_graph

    dfg = get_dfg_graph(
        log,
        measure="performance",
        activity_key="tahap",
        case_id_glue="id_permohonan",
        start_timestamp_key="mulai",
        timestamp_key="selesai",
        perf_aggregation_key="all",
        business_hours=business_hours,
        business_hours_slot=BH_SLOTS if business_hours else None,
    )
    # pm4py's case statistics use one timestamp only (a START_TIMESTAMP_KEY parameter exists but
    # its pandas path reads a column it never built), so a case lasts from its first to its last
    # ``selesai``: the first stage's processing time is not in pm4py's case duration.
    durations = pm4py.get_all_case_durations(
        log,
        business_hours=business_hours,
        business_hour_slots=BH_SLOTS,
        activity_key="tahap",
        timestamp_key="selesai",
        case_id_key="id_permohonan",
    )
    return {"dfg": dfg, "durations": durations}


def _child(engine: str, n_events: int) -> None:
    if engine in ("kinerja", "pandas", "agree_kinerja"):
        sys.path.insert(0, str(ROOT))
    if engine.startswith("agree_"):
        if engine == "agree_kinerja":
            res = _agree_kinerja(n_events)
        else:
            res = _agree_pm4py(n_events, engine == "agree_pm4py_bh")
        print(json.dumps({**res, "vmhwm_kb": vmhwm_kb()}))
        return
    log, standar, read_s = _read(log_path(n_events))
    fn = {
        "kinerja": run_kinerja,
        "pandas": run_pandas,
        "pm4py": run_pm4py,
        "pm4py_bh": lambda a, b: run_pm4py(a, b, business_hours=True),
    }[engine]
    if engine.startswith("pm4py"):
        import pm4py  # noqa: F401  (import cost outside the timed region, as for the others)
    c0 = time.process_time()
    t0 = time.perf_counter()
    fn(log, standar)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(
        json.dumps(
            {
                "wall_s": wall,
                "cpu_s": cpu,
                "read_s": read_s,
                "n_events": len(log),
                "vmhwm_kb": vmhwm_kb(),
            }
        )
    )


# ---------------------------------------------------------------------------------------------
# agreement on a small log: do both sides compute the same thing?


def _agree_kinerja(n_events: int) -> dict[str, Any]:
    import numpy as np

    from kinerja.metrics.service import request_table, stage_table

    log, standar, _ = _read(log_path(n_events))
    st = stage_table(log).sort_values(["id_permohonan", "urutan"], kind="stable")
    prev = st.groupby("id_permohonan", sort=False)["tahap"].shift()
    arcs = (
        st.assign(dari=prev)
        .dropna(subset=["dari"])
        .groupby(["dari", "tahap"])["tunggu_jam"]
        .agg(["mean", "median", "size"])
    )
    first_end = st.loc[st["urutan"] == 1].set_index("id_permohonan")["selesai"]
    req = request_table(log, standar, _calendars(standar["kode_opd"].unique()))
    req = req.set_index("id_permohonan")
    dur = (req["selesai"] - first_end.reindex(req.index)).dt.total_seconds() / 3600
    return {
        "arcs": {
            f"{a}|{b}": [r["mean"], r["median"], int(r["size"])] for (a, b), r in arcs.iterrows()
        },
        "durations_h": np.sort(dur.to_numpy()).tolist(),
        "hari_kerja_median": float(req["hari_kerja"].median()),
        "lead_calendar_h_median": float(
            ((req["selesai"] - req["mulai"]).dt.total_seconds() / 3600).median()
        ),
    }


def _agree_pm4py(n_events: int, business_hours: bool) -> dict[str, Any]:
    log, standar, _ = _read(log_path(n_events))
    res = run_pm4py(log, standar, business_hours=business_hours)
    arcs = {
        f"{a}|{b}": [v["mean"] / 3600, v["median"] / 3600, None] for (a, b), v in res["dfg"].items()
    }
    return {"arcs": arcs, "durations_h": [d / 3600 for d in res["durations"]]}


def agreement(n_events: int, *, pm4py: str | None, env: dict[str, str] | None) -> dict[str, Any]:
    """Compare kinerja's stage waits and case durations with pm4py's on one small log."""
    ensure_log(n_events)
    me = Path(__file__).resolve()
    k = measure([sys.executable, str(me), "--child", "agree_kinerja", str(n_events)], env=env)
    out: dict[str, Any] = {
        "n_events": n_events,
        "kinerja_hari_kerja_median": k["hari_kerja_median"],
    }
    if pm4py is None:
        out["status"] = "pm4py tidak tersedia"
        return out
    p = measure([pm4py, str(me), "--child", "agree_pm4py", str(n_events)], env=env)
    pb = measure([pm4py, str(me), "--child", "agree_pm4py_bh", str(n_events)], env=env)
    ka, pa = k["arcs"], p["arcs"]
    common = sorted(set(ka) & set(pa))
    diff_mean = max(abs(ka[a][0] - pa[a][0]) for a in common) if common else None
    diff_median = max(abs(ka[a][1] - pa[a][1]) for a in common) if common else None
    kd, pd_ = k["durations_h"], p["durations_h"]
    same_n = len(kd) == len(pd_)
    diff_dur = max(abs(x - y) for x, y in zip(kd, pd_, strict=True)) if same_n else None
    bh = sorted(pb["durations_h"])
    out.update(
        {
            "arcs_kinerja": len(ka),
            "arcs_pm4py": len(pa),
            "arcs_only_one_side": sorted(set(ka) ^ set(pa)),
            "max_abs_diff_arc_mean_h": diff_mean,
            "max_abs_diff_arc_median_h": diff_median,
            "cases_kinerja": len(kd),
            "cases_pm4py": len(pd_),
            "max_abs_diff_case_duration_h": diff_dur,
            "pm4py_business_hours_case_median_h": bh[len(bh) // 2] if bh else None,
            "kinerja_lead_calendar_h_median": k["lead_calendar_h_median"],
        }
    )
    ok = (
        not out["arcs_only_one_side"]
        and diff_mean is not None
        and diff_mean < 1e-6
        and diff_median is not None
        and diff_median < 1e-6
        and diff_dur is not None
        and diff_dur < 1e-6
    )
    out["status"] = "sama" if ok else "berbeda"
    return out


# ---------------------------------------------------------------------------------------------
# parent side


def vmhwm_kb() -> int | None:
    """This process's own peak RSS (``VmHWM`` of /proc/self/status; reset by exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def measure(
    cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600
) -> dict[str, Any]:
    """Run ``cmd`` as a child; return its last JSON stdout line plus ``peak_rss_kb`` and
    ``child_wall_s`` (whole process, interpreter start included).

    Peak RSS is the ``VmHWM`` the child reports for itself (``vmhwm_kb`` in its JSON). Linux
    keeps ``ru_maxrss`` across ``exec``: a child started while this process was large (after
    generating the 10 M log here) reported this process's size, not its own. ``ru_maxrss`` from
    ``os.wait4`` is kept as ``ru_maxrss_kb`` and used only when the child reports nothing."""
    import signal
    import tempfile
    import threading

    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, text=True, env=env, cwd=ROOT)
        timer = threading.Timer(timeout, lambda: os.kill(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:5])} gagal ({proc.returncode}):\n{err[-3000:]}")
    lines = [ln for ln in out.strip().splitlines() if ln.startswith("{")]
    res = json.loads(lines[-1]) if lines else {}
    res["child_wall_s"] = wall
    res["ru_maxrss_kb"] = ru.ru_maxrss
    res["peak_rss_kb"] = res.pop("vmhwm_kb", None) or ru.ru_maxrss
    return res


def _summ(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _aggregate(engine: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "engine": engine,
        "n_events": rows[0]["n_events"],
        "runs": len(rows),
        "wall_s": _summ([r["wall_s"] for r in rows]),
        "cpu_s": _summ([r["cpu_s"] for r in rows]),
        "read_s": _summ([r["read_s"] for r in rows]),
        "peak_rss_gb": _summ([r["peak_rss_kb"] / 1024**2 for r in rows]),
        "child_wall_s": _summ([r["child_wall_s"] for r in rows]),
        "raw_wall_s": [round(r["wall_s"], 4) for r in rows],
        "raw_cpu_s": [round(r["cpu_s"], 4) for r in rows],
    }


def bench_size(
    n_events: int,
    engines: list[str],
    runs: int,
    *,
    pm4py: str | None,
    env: dict[str, str] | None,
    progress: Any = None,
) -> dict[str, dict[str, Any]]:
    """``runs`` rounds; each round runs every engine once in a fresh process, **interleaved**
    (kinerja, pandas, pm4py, ... then again), so that machine load hits all engines alike.
    Engines whose interpreter is missing (no pm4py venv) are left out (caller reports null)."""
    ensure_log(n_events)
    rows: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
    for i in range(runs):
        for eng in engines:
            py = pm4py if eng.startswith("pm4py") else sys.executable
            if py is None:
                continue
            cmd = [py, str(Path(__file__).resolve()), "--child", eng, str(n_events)]
            r = measure(cmd, env=env)
            rows[eng].append(r)
            if progress:
                progress(f"{eng} {n_events:,} run {i + 1}/{runs}: {r['wall_s']:.3f} s")
    return {e: _aggregate(e, v) for e, v in rows.items() if v}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--agree", type=int, default=0, help="check agreement on a log of N events")
    ap.add_argument("--child", nargs=2, metavar=("ENGINE", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return 0
    sys.path.insert(0, str(BENCH))
    from peers import bench_env, pm4py_python

    if args.agree:
        res = agreement(args.agree, pm4py=pm4py_python(), env=bench_env())
        print(json.dumps(res, indent=1))
        return 0
    for n in args.sizes:
        res = bench_size(
            n,
            args.engines,
            args.runs,
            pm4py=pm4py_python() if any(e.startswith("pm4py") for e in args.engines) else None,
            env=bench_env(),
            progress=lambda m: print(m, file=sys.stderr, flush=True),
        )
        print(json.dumps(res, indent=1), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
