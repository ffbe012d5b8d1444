"""The process map of the bottleneck explorer (issue 13 item 4): transitions, time shares, chart.

Hand-made log of one service: R1 A→B→C, R2 A→B→B→C (B repeated), R3 A→C (skips B). Hours are
chosen so that every count and median can be read off the table below.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kinerja.metrics.service import stage_time_shares, stage_transitions
from kinerja.report.charts import Chart

H = pd.Timedelta(hours=1)
T0 = pd.Timestamp("2025-03-03 08:00")


def _log() -> pd.DataFrame:
    # (request, stage, start hour, end hour)
    rows = [
        ("R1", "A", 0, 1), ("R1", "B", 3, 5), ("R1", "C", 6, 7),
        ("R2", "A", 0, 2), ("R2", "B", 2, 3), ("R2", "B", 13, 14), ("R2", "C", 14, 20),
        ("R3", "A", 0, 1), ("R3", "C", 5, 6),
    ]  # fmt: skip
    df = pd.DataFrame(rows, columns=["id_permohonan", "tahap", "a", "b"])
    df["mulai"] = T0 + df["a"] * H
    df["selesai"] = T0 + df["b"] * H
    df["kode_opd"], df["jenis_layanan"] = "X", "Izin"
    order = df.groupby("id_permohonan").cumcount() + 1
    tunggu = (df["mulai"] - df.groupby("id_permohonan")["selesai"].shift()).dt.total_seconds()
    return df.assign(
        urutan=order,
        tunggu_jam=(tunggu / 3600).fillna(0).clip(lower=0),
        proses_jam=(df["selesai"] - df["mulai"]).dt.total_seconds() / 3600,
    )


def test_transitions_by_hand():
    t = stage_transitions(_log())
    got = {(r.dari, r.ke): (r.n, r.median_tunggu_jam) for r in t.itertuples()}
    # waits: R1 A→B 2 h, B→C 1 h; R2 A→B 0 h, B→B 10 h, B→C 0 h; R3 A→C 4 h
    assert got[("Mulai", "A")][0] == 3 and pd.isna(got[("Mulai", "A")][1])
    assert got[("A", "B")] == (2, 1.0)  # median of 2 and 0
    assert got[("B", "B")] == (1, 10.0)
    assert got[("B", "C")] == (2, 0.5)  # median of 1 and 0
    assert got[("A", "C")] == (1, 4.0)
    assert got[("C", "Selesai")][0] == 3
    assert sum(n for (a, _), (n, _) in got.items() if a == "Mulai") == 3
    assert t["n"].is_monotonic_decreasing


def test_time_shares_of_late_requests_by_hand():
    ev = _log()
    # R2 (20 h from first start to last end) is the only late request
    req = pd.DataFrame({"id_permohonan": ["R1", "R2", "R3"], "tepat_waktu": [True, False, True]})
    sh = stage_time_shares(ev, req).set_index("tahap")
    # R2: A 0 + 2 = 2 h; B (0 + 1) + (10 + 1) = 12 h; C 0 + 6 = 6 h; total 20 h
    assert sh["jam_terlambat"].to_dict() == {"A": 2.0, "B": 12.0, "C": 6.0}
    assert sh.loc["B", "porsi_terlambat"] == pytest.approx(12 / 20)
    assert sh["porsi_terlambat"].sum() == pytest.approx(1.0)
    assert set(sh["dasar"]) == {"permohonan terlambat"} and set(sh["n_terlambat"]) == {1}
    # nobody late: the basis is every request and the late share is NA
    none = stage_time_shares(ev, req.assign(tepat_waktu=True))
    assert none["porsi_terlambat"].isna().all() and set(none["dasar"]) == {"semua permohonan"}
    assert none["porsi_semua"].sum() == pytest.approx(1.0)


def test_process_map_chart_draws_every_transition():
    from kinerja.report.process_map import process_map_chart

    ev = _log()
    edges = stage_transitions(ev)
    nodes = pd.DataFrame({"tahap": ["A", "B", "C"], "nilai": [0.1, 0.6, 0.3]})
    drawn = []
    from kinerja.report import charts

    charts.FIGURE_HOOKS.append(lambda fig: drawn.append(fig))
    try:
        chart = process_map_chart(nodes, edges, title="Peta proses: Izin", source="uji")
    finally:
        charts.FIGURE_HOOKS.pop()
    assert isinstance(chart, Chart) and chart.png.startswith(b"\x89PNG")
    texts = [t.get_text() for t in drawn[0].findobj(lambda a: hasattr(a, "get_text"))]
    # boxes with their share, arrows labelled "count · median wait" (one line or two)
    assert "B\n60,0%" in texts
    assert any(t.replace("\n", " · ") == "2 · 1,0 j" for t in texts), texts
    assert "1 · 10,0 j" in texts and "1 · 4,0 j" in texts
