"""Dampak: before/after comparisons with their uncertainty, events, monthly outcomes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja.metrics.monitoring.dampak import (
    _boot_medians,
    before_after,
    diff_proportions,
    events,
    monthly_outcomes,
)


def test_difference_of_proportions_newcombe_example():
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80 →
    # difference 0.2000, hybrid score interval 0.0524 to 0.3339
    d, lo, hi = diff_proportions(48, 80, 56, 70)
    assert d == pytest.approx(0.2)
    assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert all(np.isnan(v) for v in diff_proportions(1, 0, 1, 2))


def test_bootstrap_medians_of_whole_days_match_plain_resampling():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 12, 301).astype(float)
    fast = _boot_medians(x, 4000, np.random.default_rng(1))
    idx = np.random.default_rng(2).integers(0, x.size, (4000, x.size))
    plain = np.median(x[idx], axis=1)
    assert fast.mean() == pytest.approx(plain.mean(), abs=0.05)
    assert fast.std() == pytest.approx(plain.std(), rel=0.1)


def _requests():
    rows = []
    # Jan–Mar: 10 requests a month, 4 days each, half on time; May–Jun: 2 days, all on time
    for month, days, ok in (
        ("2025-01", 4, [True, False]),
        ("2025-02", 4, [True, False]),
        ("2025-03", 4, [True, False]),
        ("2025-05", 2, [True]),
        ("2025-06", 2, [True]),
    ):
        for k in range(10):
            start = pd.Timestamp(f"{month}-03")
            rows.append(
                {
                    "id_permohonan": f"{month}-{k}",
                    "kode_opd": "X",
                    "jenis_layanan": "Izin",
                    "mulai": start,
                    "selesai": start + pd.Timedelta(days=days),
                    "hari_kerja": days,
                    "tepat_waktu": ok[k % len(ok)],
                    "dalam_proses": False,
                }
            )
    return pd.DataFrame(rows)


def test_before_after_around_an_event():
    months = list(pd.date_range("2025-01-01", "2025-06-01", freq="MS"))
    t = before_after(
        _requests(), None, kode_opd="X", event=pd.Timestamp("2025-04-15"), months=months
    )
    rows = t.set_index("ukuran")
    on_time = rows.loc["persen_tepat_waktu"]
    assert (on_time["sebelum"], on_time["sesudah"], on_time["selisih"]) == pytest.approx(
        (50.0, 100.0, 50.0)
    )
    # Newcombe's interval around 50 points: excludes 0 (a real change), stays within 100
    assert 0 < on_time["ci_bawah"] < 50.0 < on_time["ci_atas"] <= 100.0
    assert (on_time["n_sebelum"], on_time["n_sesudah"]) == (30, 20)
    med = rows.loc["median_hari_kerja"]
    assert (med["sebelum"], med["sesudah"], med["selisih"]) == (4.0, 2.0, -2.0)
    assert med["ci_bawah"] == -2.0 and med["ci_atas"] == -2.0  # no spread within either side
    issued = rows.loc["izin_per_bulan"]
    # 30 finished in Jan–Mar (3 months), 20 in May–Jun (2 months): 10 per month on both sides
    assert (issued["sebelum"], issued["sesudah"], issued["selisih"]) == (10.0, 10.0, 0.0)
    # 95 % Poisson interval: ± 1.96 √(20/2² + 30/3²) = ± 1.96 √8.333 = ± 5.658
    assert (issued["ci_bawah"], issued["ci_atas"]) == pytest.approx((-5.658, 5.658), abs=1e-3)
    assert (
        on_time["bulan_sebelum"] == "2025-01..2025-03"
        and on_time["bulan_sesudah"] == "2025-05..2025-06"
    )
    # no months after the event: nothing to compare
    assert before_after(
        _requests(), None, kode_opd="X", event=pd.Timestamp("2025-06-10"), months=months
    ).empty


def test_monthly_outcomes_and_events():
    months = list(pd.date_range("2025-01-01", "2025-06-01", freq="MS"))
    out = monthly_outcomes(_requests(), months)
    jan = out.loc[out["bulan"] == pd.Timestamp("2025-01-01")].iloc[0]
    assert (jan["median_hari_kerja"], jan["persen_tepat_waktu"], jan["n_selesai_bulan"]) == (
        4.0,
        50.0,
        10,
    )
    waves = pd.DataFrame(
        {
            "kode_opd": ["X", "Y"],
            "wave_end": pd.to_datetime(["2025-04-03", "2025-02-01"]),
            "pelatihan_utama": ["Pelatihan A", "B"],
        }
    )
    tl = pd.DataFrame(
        {
            "kode_opd": ["X", "X", "X", "Y"],
            "status": ["selesai", "selesai", "berjalan", "selesai"],
            "tanggal_selesai": pd.to_datetime(["2025-03-10", "2025-03-10", None, "2025-01-01"]),
        }
    )
    ev = events(waves, tl, "X")
    assert ev["jenis"].tolist() == ["tindak_lanjut", "pelatihan"]
    assert ev["keterangan"].tolist() == [
        "2 tindak lanjut selesai",
        "Gelombang pelatihan: Pelatihan A",
    ]
