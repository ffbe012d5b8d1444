"""The planted story of the sample seen by the monthly monitoring, and months with too little data.

The sample (kinerja.data.sample, ``PLANTED_STORY``): DPMPTSP's "Verifikasi Administrasi" of the
two business permits is slow from January until the training in June, and "Pelayanan lambat"
complaints pile up before it. The monitoring must flag those services in the slow months and
stay silent on them after the training.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kinerja.data.sample import PLANTED_STORY

pytestmark = pytest.mark.slow


def _monitoring(folder: Path):
    from kinerja.data.dataset import load
    from kinerja.domain.settings import load_settings
    from kinerja.metrics.monitoring.build import monitoring_for
    from kinerja.metrics.store import ReportData

    data = ReportData(load(folder), settings=load_settings(None), source=str(folder))
    return monitoring_for(data)


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The full-scale sample (the story needs its monthly volumes), without activity reports."""
    from kinerja.data.sample import generate

    out = tmp_path_factory.mktemp("cerita")
    generate(out, seed=2026, scale=1.0, year=2025, fmt="parquet")
    (out / "laporan_kinerja.parquet").unlink()  # not needed here; keeps the test short
    return _monitoring(out)


def test_dpmptsp_flagged_while_slow_and_not_after_training(story):
    sig = story.signals()
    dp = sig.loc[sig["kode_opd"] == PLANTED_STORY["kode_opd"]]
    training = pd.Timestamp(PLANTED_STORY["training_start"])
    slow_months = {f"{m:%Y-%m}" for m in pd.date_range("2025-01-01", training, freq="MS")}
    slow_months.discard(f"{training:%Y-%m}")  # June is half slow: it may or may not signal
    after = {
        f"{m:%Y-%m}"
        for m in pd.date_range(training + pd.offsets.MonthBegin(1), "2025-12-01", freq="MS")
    }
    for service in PLANTED_STORY["jenis_layanan"]:
        for ind in ("tepat_waktu", "lama_layanan"):
            rows = dp.loc[(dp["jenis_layanan"] == service) & (dp["indikator"] == ind)]
            assert slow_months <= set(rows.loc[rows["aturan"] == "batas", "bulan"]), (service, ind)
            assert not set(rows["bulan"]) & after, (service, ind, rows)
    slow = dp.loc[dp["indikator"] == "pengaduan_lambat"]
    assert len(set(slow["bulan"]) & slow_months) >= 4
    assert not set(slow["bulan"]) & after
    # the message says it in plain Indonesian with id-ID numbers
    msg = dp.loc[(dp["indikator"] == "tepat_waktu") & (dp["bulan"] == "2025-03"), "pesan"].iloc[0]
    assert msg.startswith("Ketepatan waktu ") and " turun ke " in msg and "(batas bawah " in msg
    assert "," in msg and "%" in msg


def test_no_other_opd_service_signals_on_the_service_indicators(story):
    sig = story.signals()
    service = sig.loc[sig["indikator"].isin(["tepat_waktu", "lama_layanan"])]
    assert set(service["kode_opd"]) == {PLANTED_STORY["kode_opd"]}


def test_months_with_too_little_data_say_so(sample_dir):
    # the small session sample (scale 0.05) has a handful of requests per service and month
    mon = _monitoring(sample_dir)
    charts = mon.charts
    lead = charts.loc[charts["indikator"] == "lama_layanan"]
    short = lead.loc[lead["n"] < mon.config.min_permohonan]
    assert len(short) and (short["status"] == "data_kurang").all()
    sig = mon.signals()
    judged = sig.merge(
        charts[["kode_opd", "indikator", "jenis_layanan", "bulan", "status"]].assign(
            bulan=lambda d: pd.to_datetime(d["bulan"]).dt.strftime("%Y-%m")
        ),
        on=["kode_opd", "indikator", "jenis_layanan", "bulan"],
        how="left",
    )
    assert (judged["status"] == "ok").all()  # no signal from a month that could not be judged
    month = short["bulan"].iloc[0]
    text = mon.insufficient(month)
    mine = text.loc[(text["indikator"] == "lama_layanan") & (text["status"] == "data_kurang")]
    assert len(mine)
    assert "terlalu sedikit untuk dinilai" in mine["pesan"].iloc[0]
    assert f"minimal {mon.config.min_permohonan}" in mine["pesan"].iloc[0]
