"""Reference data, the working-day calendar and the planted story of the sample.

The editable CSV files live in ``kinerja/data/reference_data/`` (see its README).
"""

from __future__ import annotations

import datetime as dt
import io

import holidays
import numpy as np
import pandas as pd

from kinerja.domain.resources import reference_data_dir
from kinerja.domain.schema import TABLE_NAMES

#: Reference tables of the generator (:func:`kinerja.domain.resources.reference_data_dir`).
REFERENCE_DIR = reference_data_dir()

DEFAULT_SEED = 2026

DEFAULT_YEAR = 2025

#: The ten tables in the order of the data contract (written in this order).
TABLE_ORDER: tuple[str, ...] = TABLE_NAMES

#: Office hours of the service counters: 08.00–16.00, i.e. 480 working minutes a day.
DAY_MINUTES = 480

OPEN_MINUTE = 8 * 60


def read_reference(name: str) -> pd.DataFrame:
    """Read a reference CSV of ``reference_data/``; lines starting with ``#`` are comments."""
    text = (REFERENCE_DIR / name).read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    return pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False, index_col=False)


def sample_workdays(year: int) -> np.ndarray:
    """Working days (``datetime64[D]``) of ``year`` and ``year + 1`` used by the generator.

    Monday–Friday minus the ``holidays`` package's Indonesian public holidays and cuti bersama
    (category ``government``) and the rows of ``reference_data/hari_libur_tambahan.csv``.
    """
    years = [year, year + 1]
    hol = holidays.Indonesia(years=years, categories=("public", "government"))
    days_off = {np.datetime64(d, "D") for d in hol}
    extra = read_reference("hari_libur_tambahan.csv")
    days_off.update(np.datetime64(str(d).strip(), "D") for d in extra["tanggal"] if str(d).strip())
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 2}-01-01"))
    return days[np.is_busday(days, holidays=sorted(days_off))]


def planted_story(year: int = DEFAULT_YEAR) -> dict:
    """The planted DPMPTSP story for ``year`` (see the module docstring).

    The training runs on three consecutive working days from the first Monday on or after
    14 June of ``year`` whose week starts with three working days.
    """
    wd = sample_workdays(year)
    wd_set = set(wd.tolist())
    day = dt.date(year, 6, 14)
    while True:
        if day.weekday() == 0 and all(day + dt.timedelta(days=k) in wd_set for k in range(3)):
            break
        day += dt.timedelta(days=1)
    return {
        "kode_opd": "DPMPTSP",
        "jenis_layanan": ("Sertifikat Standar Usaha", "Izin Usaha Toko Modern"),
        "tahap": "Verifikasi Administrasi",
        "nama_pelatihan": "Pelatihan Penyederhanaan Proses Perizinan",
        "jenis_pelatihan": "Pelatihan Teknis",
        "bentuk": "klasikal",
        "jp": 24.0,
        "training_start": day,
        "training_end": day + dt.timedelta(days=2),
        "kategori_pengaduan": "Pelayanan lambat",
        # median stage duration in working minutes (480 = one working day)
        "median_menit_sebelum": 2880.0,
        "median_menit_sesudah": 150.0,
    }


PLANTED_STORY: dict = planted_story(DEFAULT_YEAR)


class SampleDataError(ValueError):
    """Arguments or reference data the generator cannot use (message in Indonesian)."""
