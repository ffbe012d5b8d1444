from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja.metrics.impact import ASUMSI_DID, detect_training_waves, training_impact


def _requests(effect: float, seed: int, n: int = 300) -> pd.DataFrame:
    """Lead times: treated T has base 6, controls 5; everyone +1 after the wave (common trend);
    T gets ``effect`` extra after the wave (the planted training effect)."""
    rng = np.random.default_rng(seed)
    parts = []
    for opd in ("T", "C1", "C2"):
        for after in (False, True):
            days = pd.Timestamp("2025-07-01") if after else pd.Timestamp("2025-01-02")
            mulai = days + pd.to_timedelta(rng.integers(0, 150, n), unit="D")
            base = 6.0 if opd == "T" else 5.0
            mean = base + (1.0 if after else 0.0) + (effect if (after and opd == "T") else 0.0)
            parts.append(
                pd.DataFrame(
                    {
                        "id_permohonan": [f"{opd}{int(after)}-{i}" for i in range(n)],
                        "kode_opd": opd,
                        "mulai": mulai,
                        "hari_kerja": rng.normal(mean, 2.0, n),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def test_planted_effect_is_recovered():
    req = _requests(effect=-2.0, seed=1)
    out = training_impact(
        req, treated_opd="T", wave_start="2025-06-01", wave_end="2025-06-15", n_boot=400, seed=0
    )
    row = out.iloc[0]
    assert row["ukuran"] == "hari_kerja"
    assert row["ci_low"] < -2.0 < row["ci_high"]
    assert row["ci_high"] < 0  # interval excludes 0
    assert row["estimate"] == pytest.approx(-2.0, abs=0.5)
    # the estimate is the difference of the four cell means
    expected = (row["rata_perlakuan_sesudah"] - row["rata_perlakuan_sebelum"]) - (
        row["rata_kontrol_sesudah"] - row["rata_kontrol_sebelum"]
    )
    assert row["estimate"] == pytest.approx(expected)
    assert row["n_perlakuan_sebelum"] == 300 and row["n_kontrol_sesudah"] == 600
    assert row["asumsi"] == ASUMSI_DID and "tren paralel" in row["asumsi"]
    assert "bukan bukti sebab-akibat" in row["asumsi"]


def test_null_effect_interval_includes_zero():
    req = _requests(effect=0.0, seed=2)
    row = training_impact(
        req, treated_opd="T", wave_start="2025-06-01", wave_end="2025-06-15", n_boot=400, seed=0
    ).iloc[0]
    assert row["ci_low"] < 0 < row["ci_high"]


def test_explicit_controls_stage_outcome_and_empty_cell():
    req = _requests(effect=-2.0, seed=3, n=50)
    stages = pd.DataFrame(
        {
            "id_permohonan": req["id_permohonan"],
            "tahap": "Teken",
            "tunggu_jam": 1.0,
            "proses_jam": np.where(req["kode_opd"] == "T", 5.0, 2.0),
        }
    )
    out = training_impact(
        req,
        treated_opd="T",
        wave_start="2025-06-01",
        wave_end="2025-06-15",
        control_opds=["C1"],
        stages=stages,
        tahap="Teken",
        n_boot=100,
    )
    assert list(out["ukuran"]) == ["hari_kerja", "jam_Teken"]
    assert out.iloc[0]["n_kontrol_sebelum"] == 50  # only C1
    # stage hours are constant within each group: no change -> exactly 0
    assert out.iloc[1]["estimate"] == pytest.approx(0.0)
    # no request before the wave: no estimate, and the note says which cells are empty
    row = training_impact(
        req, treated_opd="T", wave_start="2024-01-01", wave_end="2024-01-02", n_boot=10
    ).iloc[0]
    assert np.isnan(row["estimate"]) and np.isnan(row["ci_low"])
    assert "perlakuan_sebelum" in row["catatan"] and "kontrol_sebelum" in row["catatan"]


def test_detect_training_waves():
    pegawai = pd.DataFrame(
        {
            "nip": [f"a{i}" for i in range(10)] + [f"b{i}" for i in range(10)],
            "kode_opd": ["A"] * 10 + ["B"] * 10,
        }
    )
    # A: 7 of 10 staff start a training between 3 and 12 March -> a wave (70 %)
    a = pd.DataFrame(
        {
            "nip": [f"a{i}" for i in range(7)],
            "nama_pelatihan": "Pelayanan prima",
            "tanggal_mulai": pd.to_datetime("2025-03-03")
            + pd.to_timedelta(np.arange(7) + 2 * (np.arange(7) > 3), unit="D"),
        }
    )
    a["tanggal_selesai"] = a["tanggal_mulai"] + pd.Timedelta(days=2)
    # B: 7 of 10 trained, but one per month -> no 30-day window reaches 60 %
    b = pd.DataFrame(
        {
            "nip": [f"b{i}" for i in range(7)],
            "nama_pelatihan": "Lain",
            "tanggal_mulai": pd.date_range("2025-01-06", periods=7, freq="MS"),
        }
    )
    b["tanggal_selesai"] = b["tanggal_mulai"]
    waves = detect_training_waves(pd.concat([a, b]), pegawai)
    assert list(waves["kode_opd"]) == ["A"]
    w = waves.iloc[0]
    assert w["n_dilatih"] == 7 and w["porsi_dilatih"] == pytest.approx(0.7)
    assert w["wave_start"] == pd.Timestamp("2025-03-03")
    assert w["wave_end"] == pd.Timestamp("2025-03-11") + pd.Timedelta(days=2)
    assert w["pelatihan_utama"] == "Pelayanan prima"
    assert detect_training_waves(pd.concat([a, b]), pegawai, min_share=0.8).empty
    # 7 trained ASN: a wave only when at least min_dilatih are trained
    assert detect_training_waves(pd.concat([a, b]), pegawai, min_dilatih=8).empty
