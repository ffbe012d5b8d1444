"""kinerja benchmark suite (issue 7): ``make bench`` (``--full``) and ``make bench-quick``.

Runs the sections below, prints one table and writes ``bench/results.json`` and
``bench/results.md`` (machine, versions, date; each figure the median of its runs with min–max).
A measurement that was not made is ``null`` in the JSON and "—" in the table, never invented.

1. Bottleneck + SLA tables (:mod:`bench_pm4py`): kinerja ``service_tables`` vs pm4py (separate
   venv, subprocess) vs a plain-pandas reference, on the same Parquet log; 1 M events (both
   modes) and 10 M (``--full``); in ``--full`` also pm4py business hours on 100 k and 1 M logs
   and the agreement of kinerja's and pm4py's figures on a 20 k log (``--agreement`` adds the
   latter to ``--quick``).
2. Load + validate (:mod:`bench_load`): the Salatiga sample and a 10× sample (``--full``).
3. Batch (:mod:`bench_batch`): ``kinerja batch`` vs a sequential papermill CLI loop vs the floor
   (``--quick``: a subset of OPDs, stated in the results).
4. Voila (``bench/bench_voila.py`` by the forms helper, when present).

Options override the mode's defaults (e.g. ``--runs 3``, ``--batch-opd 8``); every override is
recorded in the results. OpenBLAS: see :mod:`peers` (``--unset-openblas``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "_work"
sys.path.insert(0, str(BENCH))

#: The keys issue 7 requires in results.json (null when not measured).
REQUIRED_KEYS = (
    "bottleneck_speedup_vs_pm4py_1m",
    "bottleneck_speedup_vs_pm4py_10m",
    "peak_rss_gb_10m",
    "load_validate_s",
    "batch_over_floor",
    "batch_speedup_vs_papermill_loop",
    "voila_first_paint_cold_s",
    "voila_first_paint_preheated_s",
    "voila_redraw_ms",
)
TARGETS = {
    "bottleneck_speedup_vs_pm4py_1m": (">=", 5.0),
    "bottleneck_speedup_vs_pm4py_10m": (">=", 5.0),
    "peak_rss_gb_10m": ("<=", 4.0),
    "batch_over_floor": ("<=", 1.3),
    "batch_speedup_vs_papermill_loop": (">=", 1.8),
    "voila_first_paint_cold_s": ("<=", 2.0),
    "voila_first_paint_preheated_s": ("<=", 0.2),
    "voila_redraw_ms": ("<=", 300.0),
}
KINERJA_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "duckdb",
    "papermill",
    "nbclient",
    "jupyter_client",
    "ipykernel",
    "voila",
    "playwright",
    "matplotlib",
    "ipywidgets",
)
PM4PY_PACKAGES = ("pm4py", "pandas", "numpy", "pyarrow")


# ---------------------------------------------------------------------------------------------
# results (pure: tested in tests/test_bench_smoke.py)


def _get(d: Any, *path: str) -> Any:
    for p in path:
        if not isinstance(d, dict) or d.get(p) is None:
            return None
        d = d[p]
    return d


def _ratio(num: Any, den: Any) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return float(num) / float(den)


def headline(sections: dict[str, Any]) -> dict[str, float | None]:
    """The required keys from the section results; ``None`` for whatever was not measured.

    Speedup vs pm4py = median wall of pm4py's performance DFG + case durations ÷ median wall of
    kinerja's ``service_tables`` on the same log (compute only, fresh process each run).
    """
    b = sections.get("bottleneck") or {}
    out: dict[str, float | None] = {}
    for tag, n in (("1m", "1000000"), ("10m", "10000000")):
        out[f"bottleneck_speedup_vs_pm4py_{tag}"] = _ratio(
            _get(b, n, "pm4py", "wall_s", "median"), _get(b, n, "kinerja", "wall_s", "median")
        )
    out["peak_rss_gb_10m"] = _get(b, "10000000", "kinerja", "peak_rss_gb", "max")
    out["load_validate_s"] = _get(sections, "load", "sampel", "wall_s", "median")
    out["batch_over_floor"] = _get(sections, "batch", "batch_over_floor")
    out["batch_speedup_vs_papermill_loop"] = _get(
        sections, "batch", "batch_speedup_vs_papermill_loop"
    )
    v = _get(sections, "voila", "summary") or {}
    for k in ("voila_first_paint_cold_s", "voila_first_paint_preheated_s", "voila_redraw_ms"):
        out[k] = v.get(k)
    for k in REQUIRED_KEYS:
        val = out.get(k)
        out[k] = None if val is None else float(val)
    return out


def target_met(key: str, value: float | None) -> bool | None:
    """Whether ``value`` meets the issue's target for ``key`` (``None`` if unmeasured/no target)."""
    if value is None or key not in TARGETS:
        return None
    op, t = TARGETS[key]
    return value >= t if op == ">=" else value <= t


def _fmt(x: Any, unit: str = "", nd: int = 2) -> str:
    if x is None:
        return "—"
    return f"{x:.{nd}f}{unit}"


def _mm(s: dict[str, float] | None, unit: str = "", nd: int = 2, scale: float = 1.0) -> str:
    if not s:
        return "—"
    return (
        f"{s['median'] * scale:.{nd}f}{unit} ({s['min'] * scale:.{nd}f}–{s['max'] * scale:.{nd}f})"
    )


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows (figure, measured: median (min–max), target, verdict) of the printed table."""
    sec = results.get("sections", {})
    head = results["results"]
    rows: list[tuple[str, str, str, str]] = []

    def verdict(k: str) -> str:
        m = target_met(k, head.get(k))
        return "—" if m is None else ("tercapai" if m else "TIDAK tercapai")

    b = sec.get("bottleneck") or {}
    for n in sorted(b, key=int):
        runs = b[n]
        for eng in ("kinerja", "pandas", "pm4py", "pm4py_bh"):
            r = runs.get(eng)
            if not r:
                continue
            rows.append(
                (
                    f"{eng} {int(n):,} peristiwa: waktu (s) [CPU s] / RSS puncak (GB)",
                    f"{_mm(r['wall_s'])} [{_mm(r['cpu_s'])}] / {_mm(r['peak_rss_gb'])}",
                    f"n={r['runs']}",
                    "",
                )
            )
    for k, label in (
        ("bottleneck_speedup_vs_pm4py_1m", "percepatan vs pm4py, 1 M"),
        ("bottleneck_speedup_vs_pm4py_10m", "percepatan vs pm4py, 10 M"),
        ("peak_rss_gb_10m", "RSS puncak kinerja 10 M (GB, maks.)"),
    ):
        op, t = TARGETS[k]
        rows.append((label, _fmt(head[k], nd=2), f"{op} {t:g}", verdict(k)))
    for name, r in (sec.get("load") or {}).items():
        if isinstance(r, dict) and "wall_s" in r:
            rows.append(
                (
                    f"load+validasi {name}: waktu (s) [CPU s] / RSS (GB)",
                    f"{_mm(r['wall_s'])} [{_mm(r['cpu_s'])}] / {_mm(r['peak_rss_gb'])}",
                    f"n={r['runs']}",
                    "",
                )
            )
    bt = sec.get("batch") or {}
    if bt.get("batch_s"):
        rows.append(
            (
                f"batch {bt['n_notebooks']}/{bt['n_opd_total']} OPD, jobs={bt['jobs']} (s)",
                _mm(bt["batch_s"], nd=1),
                f"n={bt['batch_s']['n']}",
                "",
            )
        )
        rows.append(("loop papermill CLI berurutan (s)", _mm(bt["papermill_loop_s"], nd=1), "", ""))
        rows.append(("floor per notebook (s)", _mm(bt["floor_per_notebook_s"]), "", ""))
    for k, label in (
        ("batch_over_floor", "batch ÷ floor"),
        ("batch_speedup_vs_papermill_loop", "percepatan batch vs loop papermill"),
        ("voila_first_paint_cold_s", "Voila first paint dingin (s)"),
        ("voila_first_paint_preheated_s", "Voila first paint pre-heated (s)"),
        ("voila_redraw_ms", "Voila redraw (ms)"),
    ):
        op, t = TARGETS[k]
        rows.append(
            (label, _fmt(head[k], nd=3 if "preheated" in k else 2), f"{op} {t:g}", verdict(k))
        )
    return rows


def render_table(rows: list[tuple[str, str, str, str]]) -> str:
    """A plain-text table of ``rows``."""
    hdr = ("Ukuran", "Hasil: median (min–maks)", "Target", "Status")
    w = [max(len(r[i]) for r in [hdr, *rows]) for i in range(4)]
    line = "  ".join("-" * x for x in w)
    out = ["  ".join(h.ljust(w[i]) for i, h in enumerate(hdr)), line]
    out += ["  ".join(c.ljust(w[i]) for i, c in enumerate(r)) for r in rows]
    return "\n".join(out)


def render_markdown(results: dict[str, Any]) -> str:
    """bench/results.md from the results dict."""
    m = results["meta"]
    lines = [
        "# Hasil benchmark kinerja",
        "",
        f"- Mode: `{m['mode']}`; tanggal: {m['date']}; durasi total {m.get('duration_s', 0):.0f} s",
        f"- Mesin: {m['machine']}",
        f"- Beban mesin (load average 1/5/15 menit) awal {m['load_avg_start']}, akhir "
        f"{m.get('load_avg_end')}",
        f"- Commit: `{m['git_commit']}`",
        f"- Versi (venv kinerja): {m['versions_kinerja']}",
        f"- Versi (venv pm4py terpisah, bench/_work/venv-pm4py): {m['versions_pm4py']}",
        f"- OpenBLAS: {m['openblas']}",
        f"- Pengaturan: {m['settings']}",
        "",
        "## Angka utama (results.json)",
        "",
        "| kunci | nilai | target | status |",
        "|---|---|---|---|",
    ]
    for k in REQUIRED_KEYS:
        v = results["results"][k]
        t = TARGETS.get(k)
        met = target_met(k, v)
        st = "—" if met is None else ("tercapai" if met else "**TIDAK tercapai**")
        lines.append(
            f"| `{k}` | {'null' if v is None else f'{v:.3f}'} | "
            f"{'' if t is None else f'{t[0]} {t[1]:g}'} | {st} |"
        )
    lines += ["", "## Tabel", "", "```", render_table(table_rows(results)), "```", ""]
    for note in results.get("notes", []):
        lines.append(f"- {note}")
    baseline = results.get("baseline")
    if baseline:
        lines += ["", *render_comparison(results["results"], baseline)]
    tried = results.get("tried")
    if tried:
        lines += ["", tried.strip(), ""]
    lines += ["", "## Rincian per bagian", ""]
    for name, sec in results.get("sections", {}).items():
        lines += [f"### {name}", "", "```json", json.dumps(sec, indent=1, default=str), "```", ""]
    return "\n".join(lines) + "\n"


def render_comparison(now: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Markdown lines: every headline key before (``baseline``, an earlier results.json) and now.

    The baseline is a committed results file of an earlier real run (``bench/baseline-*.json``);
    its date, commit and settings are printed with it, so a reader sees what is compared.
    """
    bm = baseline.get("meta", {})
    before = baseline.get("results", {})
    lines = [
        "## Sebelum → sesudah",
        "",
        f"Sebelum: `{baseline.get('file', '?')}` — {bm.get('date', '?')}, commit "
        f"`{bm.get('git_commit', '?')}`, mode `{bm.get('mode', '?')}`, pengaturan "
        f"{bm.get('settings', '?')}.",
        "",
        "| kunci | sebelum | sesudah | target |",
        "|---|---|---|---|",
    ]
    for k in REQUIRED_KEYS:
        t = TARGETS.get(k)
        b, a = before.get(k), now.get(k)
        lines.append(
            f"| `{k}` | {'null' if b is None else f'{b:.3f}'} | "
            f"{'null' if a is None else f'{a:.3f}'} | {'' if t is None else f'{t[0]} {t[1]:g}'} |"
        )
    return lines


def load_baseline(path: Path) -> dict[str, Any] | None:
    """An earlier results.json to compare with (``None`` when the file is absent)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("sections", None)  # only the headline, meta and notes are shown
    data["file"] = path.name
    return data


def add_context(results: dict[str, Any], baseline: str | None) -> None:
    """Attach what results.md shows beside the figures: the earlier run to compare with
    (``baseline``, a results.json path; empty: none) and ``bench/dicoba.md`` (what was tried)."""
    results["baseline"] = load_baseline(Path(baseline)) if baseline else None
    tried = BENCH / "dicoba.md"
    results["tried"] = tried.read_text(encoding="utf-8") if tried.exists() else None


def write_results(results: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write results.json and results.md into ``out_dir`` (atomic renames)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    js, md = out_dir / "results.json", out_dir / "results.md"
    for path, text in (
        (js, json.dumps(results, indent=1, default=str) + "\n"),
        (md, render_markdown(results)),
    ):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return js, md


# ---------------------------------------------------------------------------------------------
# environment facts


def _machine() -> str:
    cpu = "?"
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}; {os.cpu_count()} CPU; RAM {mem}; {platform.platform()}; Python {platform.python_version()}"


def _git_commit() -> str:
    r = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    )
    return r.stdout.strip() or "?"


def openblas_decision(pm4py_py: str | None, want: str) -> tuple[bool, dict[str, Any]]:
    """Check with threadpoolctl which OpenBLAS kernel numpy runs with and without the
    OPENBLAS_* variables; decide whether benchmark children drop both (``want``: auto/yes/no)."""
    from peers import OPENBLAS_VARS, blas_info

    present = {k: os.environ.get(k) for k in OPENBLAS_VARS if k in os.environ}
    info: dict[str, Any] = {"variables": present}
    info["kinerja_with"] = blas_info(sys.executable, unset_openblas=False)
    if present:
        info["kinerja_without"] = blas_info(sys.executable, unset_openblas=True)
    if want == "yes":
        unset = bool(present)
    elif want == "no":
        unset = False
    else:  # auto: unset when it changes the kernel numpy would use
        unset = bool(present) and info.get("kinerja_without") != info["kinerja_with"]
    info["unset_in_benchmark_children"] = unset
    return unset, info


# ---------------------------------------------------------------------------------------------
# sections


def _section(name: str, fn: Any, notes: list[str]) -> Any:
    t0 = time.perf_counter()
    print(f"\n== {name} ==", flush=True)
    try:
        res = fn()
    except Exception as exc:  # a failing section is recorded, the others still run
        traceback.print_exc()
        notes.append(f"Bagian {name} gagal: {type(exc).__name__}: {str(exc)[:500]}")
        return {"error": f"{type(exc).__name__}: {str(exc)[:2000]}"}
    print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
    return res


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the selected sections and return the results dict (also written to disk)."""
    import bench_pm4py
    import peers

    full = args.mode == "full"
    notes: list[str] = []
    started = time.perf_counter()
    say = lambda m: print("  " + m, flush=True)  # noqa: E731
    pm4py_py = None
    try:
        pm4py_py = peers.pm4py_python(create=not args.no_pm4py)
    except Exception as exc:  # noqa: BLE001 — the peer is optional; its figures become null
        notes.append(f"venv pm4py tidak dapat disiapkan: {exc}")
    if pm4py_py is None:
        notes.append("pm4py tidak tersedia: angka pm4py dan rasio terhadapnya null.")
    unset, blas = openblas_decision(pm4py_py, args.unset_openblas)
    peers.UNSET_OPENBLAS = unset
    env = peers.bench_env(unset_openblas=unset)
    sizes = args.sizes or ([1_000_000, 10_000_000] if full else [1_000_000])
    settings = {
        "sizes": sizes,
        "runs": args.runs,
        "runs_10m": args.runs_10m,
        "bh_sizes": args.bh_sizes,
        "agreement": full or args.agreement,
        "bh_runs": args.bh_runs,
        "load_runs": args.load_runs if full or args.load else 0,
        "batch_opd": args.batch_opd,
        "batch_rounds": args.batch_rounds,
        "voila": not args.no_voila,
        "voila_sessions": args.voila_sessions,
    }
    meta: dict[str, Any] = {
        "mode": args.mode,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "machine": _machine(),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
        "git_commit": _git_commit(),
        "versions_kinerja": peers.versions(sys.executable, KINERJA_PACKAGES),
        "versions_pm4py": peers.versions(pm4py_py, PM4PY_PACKAGES) if pm4py_py else None,
        "openblas": blas,
        "settings": settings,
        "command": " ".join(sys.argv),
    }
    sections: dict[str, Any] = {}
    engines = ["kinerja", "pandas", "pm4py"]

    def bottleneck() -> dict[str, Any]:
        out: dict[str, Any] = {}
        for n in sizes:
            runs = args.runs_10m if (n >= 10_000_000 and args.runs_10m) else args.runs
            out[str(n)] = bench_pm4py.bench_size(
                n, engines, runs, pm4py=pm4py_py, env=env, progress=say
            )
        for n in args.bh_sizes:
            if pm4py_py is None:
                break
            r = bench_pm4py.bench_size(
                n, ["kinerja", "pm4py_bh"], args.bh_runs, pm4py=pm4py_py, env=env, progress=say
            )
            out.setdefault(str(n), {}).update(
                {("kinerja_bh_pair" if k == "kinerja" else k): v for k, v in r.items()}
            )
        return out

    sections["bottleneck"] = _section("bottleneck + SLA", bottleneck, notes)
    if full or args.agreement:
        sections["kesesuaian"] = _section(
            "kesesuaian kinerja vs pm4py (20 k)",
            lambda: bench_pm4py.agreement(20_000, pm4py=pm4py_py, env=env),
            notes,
        )
    else:
        notes.append(
            "Kesesuaian kinerja vs pm4py (20 k) dan jam kerja pm4py tidak dijalankan pada "
            "--quick (lihat make bench)."
        )
    if full or args.load:
        import bench_load

        def load() -> dict[str, Any]:
            out = {
                "sampel": bench_load.bench_folder(
                    bench_load.SAMPLE, args.load_runs, env=env, progress=say
                )
            }
            if full:
                f10 = bench_load.ensure_sample(bench_load.SAMPLE_10X, 10)
                out["sampel_10x"] = bench_load.bench_folder(
                    f10, args.load_runs, env=env, progress=say
                )
            return out

        sections["load"] = _section("load + validasi", load, notes)
    else:
        notes.append("load + validasi tidak dijalankan pada --quick (load_validate_s = null).")

    if not args.no_batch:
        import bench_batch

        sections["batch"] = _section(
            "batch vs papermill",
            lambda: bench_batch.bench_batch(
                opd_limit=args.batch_opd,
                rounds=args.batch_rounds,
                floor_runs=5,
                env=env,
                progress=say,
                work=WORK / f"batch-{args.mode}",
                floor_v1=full,
            ),
            notes,
        )
        bt = sections["batch"]
        if isinstance(bt, dict) and bt.get("subset"):
            notes.append(
                f"Batch diukur pada {bt['n_notebooks']} dari {bt['n_opd_total']} OPD "
                f"(subset, {bt['rounds']} ronde)."
            )
        if isinstance(bt, dict) and bt.get("batch_status", {}).get("gagal"):
            notes.append(
                f"Batch: {bt['batch_status']['gagal']} laporan berstatus gagal (notebook selesai "
                "dieksekusi, lalu ditolak saat menulis; lihat batch_errors_sample). Waktunya "
                "tetap dihitung."
            )
    if not args.no_voila:
        sections["voila"] = _section(
            "Voila", lambda: run_voila(full, env, args.voila_sessions), notes
        )
    results = {
        "meta": meta,
        "results": {},
        "targets": {k: f"{op} {t:g}" for k, (op, t) in TARGETS.items()},
        "sections": sections,
        "notes": notes,
    }
    results["results"] = headline(sections)
    add_context(results, args.baseline)
    meta["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    meta["duration_s"] = time.perf_counter() - started
    return results


def run_voila(full: bool, env: dict[str, str], sessions: int | None) -> dict[str, Any] | None:
    """Run bench/bench_voila.py (forms helper) and take its summary; None when it is absent."""
    script = BENCH / "bench_voila.py"
    if not script.exists():
        return None
    out = WORK / "bench_voila.json"  # written by bench_voila.py; must be newer than our start
    t_start = time.time()
    cmd = [sys.executable, str(script)]
    cmd += ["--data", str(ROOT / "data" / "sampel")] if full else ["--quick"]
    if full:
        cmd += ["--sessions", str(sessions or 10)]
    else:  # the quick subset: first paint cold + pre-heated and redraw (no returning/sessions)
        cmd += ["--parts", "cold,warm,redraw", "--runs", "3"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=3600)
    print(r.stdout[-4000:], flush=True)
    if r.returncode != 0 or not out.exists() or out.stat().st_mtime < t_start:
        raise RuntimeError(f"bench_voila.py gagal ({r.returncode}): {r.stderr[-2000:]}")
    res = json.loads(out.read_text(encoding="utf-8"))
    res["command"] = " ".join(cmd[1:])
    return res


def render_only(results_json: Path, out_dir: Path, baseline: str | None) -> int:
    """Rewrite results.md (and results.json) from an earlier run's results.json, measuring
    nothing: the figures stay those of that run; the baseline and bench/dicoba.md are re-read."""
    results = json.loads(results_json.read_text(encoding="utf-8"))
    add_context(results, baseline)
    print(render_table(table_rows(results)))
    write_results(results, out_dir)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--full", dest="mode", action="store_const", const="full")
    g.add_argument("--quick", dest="mode", action="store_const", const="quick")
    ap.set_defaults(mode="quick")
    ap.add_argument("--sizes", type=int, nargs="+", default=None, help="ukuran log (peristiwa)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--runs-10m", type=int, default=None, help="putaran untuk log ≥ 10 M")
    ap.add_argument("--bh-sizes", type=int, nargs="*", default=None)
    ap.add_argument("--bh-runs", type=int, default=5)
    ap.add_argument("--load", action="store_true", help="jalankan load juga pada --quick")
    ap.add_argument(
        "--agreement", action="store_true", help="jalankan cek kesesuaian juga pada --quick"
    )
    ap.add_argument("--load-runs", type=int, default=5)
    ap.add_argument("--batch-opd", type=int, default=None, help="batasi jumlah OPD batch")
    ap.add_argument("--batch-rounds", type=int, default=None)
    ap.add_argument("--no-batch", action="store_true")
    ap.add_argument("--no-voila", action="store_true")
    ap.add_argument("--voila-sessions", type=int, default=None, help="sesi serentak Voila")
    ap.add_argument("--no-pm4py", action="store_true", help="jangan memasang venv pm4py")
    ap.add_argument("--unset-openblas", choices=["auto", "yes", "no"], default="auto")
    ap.add_argument("--out", default=str(BENCH), help="folder results.json/results.md")
    ap.add_argument(
        "--baseline",
        default=str(BENCH / "baseline-sesi1.json"),
        help="results.json lama sebagai pembanding (kosongkan: tanpa pembanding)",
    )
    ap.add_argument(
        "--render",
        metavar="RESULTS_JSON",
        default=None,
        help="tanpa mengukur: tulis ulang results.md dari results.json yang ada",
    )
    args = ap.parse_args(argv)
    if args.render:
        return render_only(Path(args.render), Path(args.out), args.baseline)
    full = args.mode == "full"
    if args.bh_sizes is None:
        args.bh_sizes = [100_000, 1_000_000] if full else []
    if args.batch_opd is None and not full:
        args.batch_opd = 2
    if args.batch_rounds is None:
        args.batch_rounds = 1
    results = run(args)
    print()
    print(render_table(table_rows(results)))
    for n in results["notes"]:
        print("- " + n)
    js, md = write_results(results, Path(args.out))
    print(f"\nditulis: {js.relative_to(ROOT) if js.is_relative_to(ROOT) else js}, {md.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
