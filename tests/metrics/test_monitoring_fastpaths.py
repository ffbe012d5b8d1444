"""The one-pass versions of the monitoring tables agree with their plain definitions.

``dampak_tables`` splits every input by OPD once (issue 16, performance) and must give what
:func:`opd_dampak` gives OPD by OPD; ``activity_summary`` counts distinct ASN and (ASN, day)
pairs on integer codes (a grid, or hashing for a large one); ``month_floor`` computes the month
in NumPy; ``ikm_chart`` fills the limits of every OPD in one frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kinerja.metrics.activity as activity
from kinerja.domain.calendar import load_calendar
from kinerja.metrics.monitoring.config import PantauConfig
from kinerja.metrics.monitoring.dampak import (
    BEFORE_AFTER_COLUMNS,
    EVENT_COLUMNS,
    dampak_tables,
    opd_dampak,
    split_dampak_tables,
)
from kinerja.metrics.monitoring.indicators import month_floor
from kinerja.metrics.monitoring.signals import ikm_chart

MONTHS = list(pd.date_range("2025-01-01", "2025-09-01", freq="MS"))


def _requests() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 600
    start = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 260, n), unit="D")
    days = rng.integers(0, 9, n)
    tepat = pd.array(rng.random(n) < 0.7, dtype="boolean")
    tepat[rng.random(n) < 0.1] = pd.NA
    return pd.DataFrame(
        {
            "kode_opd": pd.Categorical(rng.choice(["A", "B", "C"], n)),
            "mulai": start,
            "selesai": start + pd.to_timedelta(days, unit="D"),
            "hari_kerja": pd.array(days, dtype="Int64"),
            "tepat_waktu": tepat,
            "dalam_proses": rng.random(n) < 0.05,
        }
    )


WAVES = pd.DataFrame(
    {
        "kode_opd": ["A", "C"],
        "wave_end": pd.to_datetime(["2025-04-18", "2025-06-02"]),
        "pelatihan_utama": ["Pelatihan A", "Pelatihan C"],
    }
)
TINDAK_LANJUT = pd.DataFrame(
    {
        "kode_opd": ["A", "B", "B", "B", "C", "D"],
        "status": ["Selesai", "selesai", "selesai", "berjalan", "selesai", "selesai"],
        "tanggal_selesai": pd.to_datetime(
            [
                "2025-04-18 10:00",
                "2025-03-10 08:00",
                "2025-03-10 15:00",
                None,
                "2025-07-01 09:00",
                "2025-05-05 11:00",
            ]
        ),
    }
)
IKM = pd.DataFrame(
    {
        "kode_opd": ["A", "A", "A", "B", "B"],
        "triwulan": ["2025-TW1", "2025-TW2", "2025-TW3", "2025-TW1", "2025-TW2"],
        "bulan": pd.to_datetime(
            ["2025-03-01", "2025-06-01", "2025-09-01", "2025-03-01", "2025-06-01"]
        ),
        "ikm": [80.0, 82.5, 84.0, 70.0, 90.0],
        "se": [1.0, 1.2, 0.9, 2.0, 1.5],
        "ci_bawah": [78.0, 80.1, 82.2, 66.1, 87.1],
        "ci_atas": [82.0, 84.9, 85.8, 73.9, 92.9],
        "n_responden": [40, 35, 50, 31, 33],
        "cukup": [True, True, True, True, True],
    }
)


def test_dampak_tables_agree_with_opd_dampak_of_each_opd():
    codes = ["A", "B", "C", "D", "E"]
    req = _requests()
    tables = dampak_tables(
        kode_opd=codes,
        requests=req,
        ikm=IKM,
        waves=WAVES,
        tindak_lanjut=TINDAK_LANJUT,
        months=MONTHS,
    )
    events, anchors, comparisons = [], [], []
    for kode in codes:
        res = opd_dampak(
            kode, requests=req, ikm=IKM, waves=WAVES, tindak_lanjut=TINDAK_LANJUT, months=MONTHS
        )
        if len(res.peristiwa):
            events.append(res.peristiwa.assign(kode_opd=kode))
        if res.tanggal is not None:
            anchors.append({"kode_opd": kode, "tanggal": res.tanggal, "jenis": res.jenis})
            if len(res.perbandingan):
                comparisons.append(res.perbandingan.assign(kode_opd=kode))
    pd.testing.assert_frame_equal(
        tables["peristiwa"], pd.concat(events, ignore_index=True)[EVENT_COLUMNS], check_exact=True
    )
    pd.testing.assert_frame_equal(
        tables["acuan"], pd.DataFrame(anchors, columns=["kode_opd", "tanggal", "jenis"])
    )
    pd.testing.assert_frame_equal(
        tables["perbandingan"],
        pd.concat(comparisons, ignore_index=True).reindex(columns=BEFORE_AFTER_COLUMNS),
        check_exact=True,
    )
    # A: the wave is the anchor (a follow-up item closed the same day comes after it);
    # B: two items on 10 March make one event; D has no request: counts of zero
    assert tables["acuan"]["jenis"].tolist() == [
        "pelatihan",
        "tindak_lanjut",
        "pelatihan",
        "tindak_lanjut",
    ]
    b = tables["peristiwa"].loc[tables["peristiwa"]["kode_opd"] == "B"]
    assert b["keterangan"].tolist() == ["2 tindak lanjut selesai"]
    d = tables["perbandingan"].loc[tables["perbandingan"]["kode_opd"] == "D"]
    assert d["ukuran"].tolist() == ["izin_per_bulan"] and d["sebelum"].tolist() == [0.0]
    split = split_dampak_tables(tables)
    assert sorted(split) == ["A", "B", "C", "D"]
    pd.testing.assert_frame_equal(
        split["A"].perbandingan,
        opd_dampak(
            "A", requests=req, ikm=IKM, waves=WAVES, tindak_lanjut=TINDAK_LANJUT, months=MONTHS
        ).perbandingan,
        check_exact=True,
    )


@pytest.fixture(scope="module")
def cal():
    return load_calendar()


def _laporan() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(3)
    nips = [f"n{i}" for i in range(12)]
    pegawai = pd.DataFrame({"nip": nips, "kode_opd": ["X"] * 5 + ["Y"] * 4 + ["Z"] * 3})
    n = 400
    day = pd.Timestamp("2025-04-01") + pd.to_timedelta(rng.integers(0, 75, n), unit="D")
    lapor = day + pd.to_timedelta(rng.integers(8, 60, n), unit="h")
    laporan = pd.DataFrame(
        {
            "nip": rng.choice([*nips, "asing"], n),
            "tanggal": day,
            "waktu_lapor": lapor,
            "status_verifikasi": pd.Categorical(
                rng.choice(["Disetujui", "menunggu", "DITOLAK"], n)
            ),
            "waktu_verifikasi": lapor + pd.to_timedelta(rng.integers(1, 30, n), unit="h"),
        }
    )
    return laporan, pegawai


def test_activity_summary_counts_distinct_pairs_on_a_grid_or_by_hashing(cal, monkeypatch):
    laporan, pegawai = _laporan()
    grid = activity.activity_summary(laporan, pegawai, cal)
    monkeypatch.setattr(activity, "_MAX_CELLS", 0)
    hashed = activity.activity_summary(laporan, pegawai, cal)
    pd.testing.assert_frame_equal(grid, hashed, check_exact=True)
    # the plain definition of both counts, from report_lags
    r = activity.report_lags(laporan, pegawai, cal)
    keys = ["kode_opd", "bulan"]
    asn = r.groupby(keys)["nip"].nunique()
    days = r.loc[r["hari_kerja"], [*keys, "nip", "tanggal"]].drop_duplicates().groupby(keys).size()
    got = grid.set_index(keys)
    assert got["n_pegawai_melapor"].to_dict() == asn.to_dict()
    assert (got["persen_hari_melapor"] > 0).all()
    expected = (100.0 * days / (got["n_pegawai"] * got["hari_kerja_bulan"])).reindex(got.index)
    pd.testing.assert_series_equal(
        got["persen_hari_melapor"], expected.fillna(0.0), check_names=False
    )
    assert set(r["status_verifikasi"]) == {"disetujui", "menunggu", "ditolak"}


def test_month_floor_is_the_start_of_the_period():
    values = pd.Series(
        pd.to_datetime(["2025-01-31 23:59", None, "2024-02-29 00:00", "2025-12-01 07:30"]),
        index=[9, 3, 5, 1],
        name="mulai",
    )
    pd.testing.assert_series_equal(
        month_floor(values), values.dt.to_period("M").dt.start_time, check_exact=True
    )


def test_ikm_chart_limits_per_opd_whatever_the_row_order():
    config = PantauConfig.from_mapping({})
    shuffled = IKM.iloc[[4, 1, 3, 0, 2]]
    chart = ikm_chart(shuffled, pd.Series(True, index=shuffled.index), config)
    assert chart["kode_opd"].tolist() == ["A", "A", "A", "B", "B"]
    assert chart["bulan"].is_monotonic_increasing is False  # sorted within each OPD only
    a = chart.loc[chart["kode_opd"] == "A"]
    centre = np.average([80.0, 82.5, 84.0], weights=[40, 35, 50])
    assert a["garis_tengah"].tolist() == pytest.approx([centre] * 3)
    assert a["batas_bawah"].tolist() == pytest.approx(
        [centre - config.sigma * se for se in (1.0, 1.2, 0.9)]
    )
    assert (a["status"] == "ok").all() and a["n_bulan_dasar"].tolist() == [3, 3, 3]
