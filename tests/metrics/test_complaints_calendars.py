"""complaint_times with one calendar per OPD (the report's case): each row counted with its own
OPD's calendar, also when rows of different calendars are interleaved."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja.domain.calendar import load_calendar
from kinerja.metrics.complaints import complaint_times


def test_working_days_use_each_opds_calendar():
    cal = load_calendar()
    sat = cal.with_weekmask("1111110")  # Monday to Saturday
    cals = {"X": cal, "Y": sat, "Z": cal}
    rng = np.random.default_rng(7)
    n = 60
    masuk = pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    tanggapan = masuk + pd.to_timedelta(rng.integers(0, 15, n), unit="D")
    selesai = tanggapan + pd.to_timedelta(rng.integers(0, 20, n), unit="D")
    tanggapan = tanggapan.where(rng.random(n) > 0.2)  # some not answered yet
    df = pd.DataFrame(
        {
            "id_pengaduan": [f"p{i}" for i in range(n)],
            "kode_opd": rng.choice(["X", "Y", "Z"], n),
            "tanggal_masuk": masuk,
            "kanal": "WhatsApp",
            "kategori": "Lain",
            "tanggal_tanggapan": tanggapan,
            "tanggal_selesai": selesai.where(tanggapan.notna()),
            "isi": "",
            "status": "",
        }
    )
    got = complaint_times(df, cals, as_of="2025-12-31")
    assert len(got) == n
    got = got.set_index("id_pengaduan").loc[df["id_pengaduan"]]
    for row, (_, out) in zip(df.itertuples(index=False), got.iterrows(), strict=True):
        c = cals[row.kode_opd]
        expected = c.busday_count(row.tanggal_masuk, row.tanggal_tanggapan)
        assert (pd.isna(out["hari_kerja_tanggapan"]) and expected is None) or out[
            "hari_kerja_tanggapan"
        ] == expected
    # the tindak-lanjut days too: response to settlement, with the row's own calendar
    for row, (_, out) in zip(df.itertuples(index=False), got.iterrows(), strict=True):
        expected = cals[row.kode_opd].busday_count(row.tanggal_tanggapan, row.tanggal_selesai)
        assert (pd.isna(out["hari_kerja_tindak_lanjut"]) and expected is None) or (
            out["hari_kerja_tindak_lanjut"] == expected
        )
    assert str(got["hari_kerja_tanggapan"].dtype) == "Int64"


def test_an_opd_without_calendar_is_an_error():
    df = pd.DataFrame(
        {
            "id_pengaduan": ["a"],
            "kode_opd": ["Q"],
            "tanggal_masuk": pd.to_datetime(["2025-05-05"]),
            "kanal": ["x"],
            "kategori": ["x"],
            "tanggal_tanggapan": pd.to_datetime(["2025-05-06"]),
            "tanggal_selesai": pd.to_datetime(["2025-05-07"]),
        }
    )
    with pytest.raises(ValueError, match="kalender kerja tidak ada untuk kode_opd Q"):
        complaint_times(df, {"X": load_calendar()})
