"""Lazy prepared cache (``Dataset.from_cache(lazy=True)``): same tables, read only when used."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from fixtures.builders import write_folder

from kinerja.data.dataset import Dataset, LazyTables, load


@pytest.fixture
def cache(tmp_path):
    ds = load(write_folder(tmp_path / "data"))
    ds.save_cache(tmp_path / "cache")
    return ds, tmp_path / "cache"


def test_lazy_cache_reads_a_table_only_when_asked_and_equals_the_eager_one(cache):
    ds, folder = cache
    lazy = Dataset.from_cache(folder, lazy=True)
    assert isinstance(lazy.tables, LazyTables)
    assert lazy.tables.loaded == []
    assert list(lazy.tables) == list(ds.tables) and len(lazy.tables) == len(ds.tables)
    assert "opd" in lazy.tables and "tidak_ada" not in lazy.tables
    # row counts come from the Parquet footer: nothing is read
    assert {n: lazy.tables.n_rows(n) for n in ds.tables} == {
        n: len(t) for n, t in ds.tables.items()
    }
    assert lazy.tables.n_rows("tidak_ada") is None
    assert lazy.tables.loaded == []
    pd.testing.assert_frame_equal(lazy.get("pegawai"), ds.tables["pegawai"])
    assert lazy.tables.loaded == ["pegawai"]
    eager = Dataset.from_cache(folder)
    for name, frame in eager.tables.items():
        pd.testing.assert_frame_equal(lazy.tables[name], frame)  # dtypes included
        pd.testing.assert_frame_equal(lazy.quarantine[name], eager.quarantine[name])
    with pytest.raises(KeyError):
        lazy.tables["tidak_ada"]


def test_reading_a_cache_does_not_import_the_validator(cache):
    """pandera (kinerja.data.validation) is only needed to load a raw folder, not to read a cache."""
    _ds, folder = cache
    code = (
        "import sys\n"
        "from kinerja.data.dataset import Dataset\n"
        f"d = Dataset.from_cache({str(folder)!r}, lazy=True)\n"
        "d.tables['pegawai']\n"
        "print('kinerja.data.validation' in sys.modules, 'pandera' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    from kinerja.data import dataset

    assert "_alasan" in dataset.QUARANTINE_COLUMNS  # still re-exported
