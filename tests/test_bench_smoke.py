"""The benchmark results writer: required keys, null for what was not measured (no timings)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import run as bench_run  # noqa: E402


def _meta() -> dict:
    return {
        "mode": "quick",
        "date": "2026-01-01 00:00:00 UTC",
        "machine": "test",
        "load_avg_start": [0.0, 0.0, 0.0],
        "load_avg_end": [0.0, 0.0, 0.0],
        "git_commit": "abc",
        "versions_kinerja": {},
        "versions_pm4py": None,
        "openblas": {},
        "settings": {},
        "duration_s": 1.0,
    }


def _stats(median: float, lo: float | None = None, hi: float | None = None) -> dict:
    return {"median": median, "min": lo if lo is not None else median, "max": hi or median}


def test_empty_sections_give_all_keys_null() -> None:
    head = bench_run.headline({})
    assert set(head) == set(bench_run.REQUIRED_KEYS)
    assert all(v is None for v in head.values())


def test_failed_section_gives_null_not_a_number() -> None:
    head = bench_run.headline({"bottleneck": {"error": "boom"}, "voila": None})
    assert head["bottleneck_speedup_vs_pm4py_1m"] is None
    assert head["voila_redraw_ms"] is None


def test_headline_ratios_from_medians() -> None:
    run = {"runs": 5, "cpu_s": _stats(1), "peak_rss_gb": _stats(1.0, 0.9, 1.5)}
    sections = {
        "bottleneck": {
            "1000000": {
                "kinerja": {**run, "wall_s": _stats(0.5, 0.4, 0.9)},
                "pm4py": {**run, "wall_s": _stats(3.0, 2.0, 4.0)},
            },
            # 10 M measured for kinerja only (no pm4py): speedup null, RSS = max of the runs
            "10000000": {"kinerja": {**run, "wall_s": _stats(5.0)}},
        },
        "batch": {"batch_over_floor": 1.25, "batch_speedup_vs_papermill_loop": 2.0},
        "voila": {"summary": {"voila_first_paint_cold_s": 1.5, "voila_redraw_ms": 120}},
    }
    head = bench_run.headline(sections)
    assert head["bottleneck_speedup_vs_pm4py_1m"] == pytest.approx(6.0)
    assert head["bottleneck_speedup_vs_pm4py_10m"] is None
    assert head["peak_rss_gb_10m"] == pytest.approx(1.5)
    assert head["load_validate_s"] is None
    assert head["batch_over_floor"] == pytest.approx(1.25)
    assert head["voila_first_paint_preheated_s"] is None
    assert head["voila_redraw_ms"] == pytest.approx(120.0)
    assert bench_run.target_met("bottleneck_speedup_vs_pm4py_1m", 6.0) is True
    assert bench_run.target_met("batch_over_floor", 1.25) is True
    assert bench_run.target_met("voila_redraw_ms", 301.0) is False
    assert bench_run.target_met("load_validate_s", 3.0) is None
    assert bench_run.target_met("voila_redraw_ms", None) is None


def test_write_results_json_has_null_and_markdown_says_so(tmp_path: Path) -> None:
    results = {
        "meta": _meta(),
        "results": bench_run.headline({}),
        "targets": {},
        "sections": {"batch": {"error": "RuntimeError: x"}},
        "notes": ["Bagian batch gagal: RuntimeError: x"],
    }
    js, md = bench_run.write_results(results, tmp_path)
    data = json.loads(js.read_text(encoding="utf-8"))
    for k in bench_run.REQUIRED_KEYS:
        assert k in data["results"]
        assert data["results"][k] is None
    text = md.read_text(encoding="utf-8")
    assert "| `batch_over_floor` | null |" in text
    assert "Bagian batch gagal" in text
    assert "—" in bench_run.render_table(bench_run.table_rows(results))


def test_markdown_compares_with_baseline_and_shows_what_was_tried(tmp_path: Path) -> None:
    old = {
        "meta": {**_meta(), "git_commit": "old1234", "date": "2025-12-01 00:00:00 UTC"},
        "results": {**bench_run.headline({}), "batch_over_floor": 4.044},
        "sections": {"batch": {"huge": "detail"}},
    }
    base_file = tmp_path / "baseline.json"
    base_file.write_text(json.dumps(old), encoding="utf-8")
    baseline = bench_run.load_baseline(base_file)
    assert "sections" not in baseline and baseline["file"] == "baseline.json"
    assert bench_run.load_baseline(tmp_path / "absent.json") is None

    now = {**bench_run.headline({}), "batch_over_floor": 1.5}
    results = {
        "meta": _meta(),
        "results": now,
        "targets": {},
        "sections": {},
        "notes": [],
        "baseline": baseline,
        "tried": "## Yang dicoba\n\n- metrik dihitung sekali",
    }
    _, md = bench_run.write_results(results, tmp_path / "out")
    text = md.read_text(encoding="utf-8")
    assert "## Sebelum → sesudah" in text
    assert "`old1234`" in text
    assert "| `batch_over_floor` | 4.044 | 1.500 | <= 1.3 |" in text
    assert "| `voila_redraw_ms` | null | null | <= 300 |" in text
    assert "## Yang dicoba" in text and "metrik dihitung sekali" in text


def test_render_only_rewrites_markdown_without_measuring(tmp_path: Path) -> None:
    results = {
        "meta": _meta(),
        "results": {**bench_run.headline({}), "voila_redraw_ms": 145.0},
        "targets": {},
        "sections": {},
        "notes": ["catatan lama"],
    }
    src = tmp_path / "src"
    js, _ = bench_run.write_results(results, src)
    out = tmp_path / "out"
    assert bench_run.main(["--render", str(js), "--out", str(out), "--baseline", ""]) == 0
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["results"]["voila_redraw_ms"] == 145.0  # the run's figure, unchanged
    text = (out / "results.md").read_text(encoding="utf-8")
    assert "| `voila_redraw_ms` | 145.000 | <= 300 | tercapai |" in text
    assert "catatan lama" in text


def test_measure_reports_the_childs_own_peak_not_the_parents(tmp_path: Path) -> None:
    """Linux keeps ru_maxrss across exec: a child of a large parent must not inherit its size."""
    import bench_pm4py
    import numpy as np

    big = np.ones(50_000_000)  # 400 MB resident in this (parent) process
    big += 1
    child = (
        "import json, sys; sys.path.insert(0, 'bench'); from bench_pm4py import vmhwm_kb; "
        "print(json.dumps({'vmhwm_kb': vmhwm_kb()}))"
    )
    res = bench_pm4py.measure([sys.executable, "-c", child])
    assert res["peak_rss_kb"] < 200_000  # a bare interpreter, far below the parent's 400 MB
    assert res["peak_rss_kb"] <= res["ru_maxrss_kb"]
    assert float(big[0]) == 2.0
