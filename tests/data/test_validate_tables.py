"""The largest table validated in a second thread (:mod:`kinerja.data.validate_tables`): the same
dataset as one thread gives, and the error a loop over the tables would have raised first."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from fixtures.hostile import write_hostile_folder

from kinerja.data import validate_tables as vt
from kinerja.data import validation
from kinerja.data.dataset import Dataset, load


def _assert_same(a: Dataset, b: Dataset) -> None:
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
        pd.testing.assert_frame_equal(a.quarantine[name], b.quarantine[name])
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.warnings, b.warnings)
    for attr in ("missing", "files", "file_hashes", "folder", "notes", "delimiters"):
        assert getattr(a, attr) == getattr(b, attr), attr


@pytest.fixture()
def threads_seen(monkeypatch):
    """Every table validated, with the thread that validated it."""
    seen: dict[str, str] = {}
    real = validation.validate_table

    def recording(spec, *args, **kwargs):
        seen[spec.name] = threading.current_thread().name
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(validation, "validate_table", recording)
    return seen


@pytest.mark.parametrize("folder_kind", ["sampel", "hostile"])
def test_the_largest_table_in_a_thread_gives_the_same_dataset(
    folder_kind, sample_dir, tmp_path, monkeypatch, threads_seen
):
    folder = sample_dir if folder_kind == "sampel" else write_hostile_folder(tmp_path / "d")
    monkeypatch.setattr(vt, "BACKGROUND_MIN_ROWS", 1)
    threaded = load(folder)
    biggest = max(
        (t for t in threaded.tables if t not in ("opd", "pegawai")),
        key=lambda t: len(threaded.tables[t]) + len(threaded.quarantine[t]),
    )
    assert threads_seen[biggest].startswith("kinerja-validasi")
    assert {n for t, n in threads_seen.items() if t != biggest} == {"MainThread"}
    threads_seen.clear()
    monkeypatch.setenv("KINERJA_PARALLEL", "0")
    plain = load(folder)
    assert set(threads_seen.values()) == {"MainThread"}
    _assert_same(threaded, plain)
    if folder_kind == "hostile":
        assert len(plain.warnings) and plain.summary["quarantined"].sum() > 0


def test_the_error_raised_is_the_one_a_loop_meets_first(sample_dir, monkeypatch):
    monkeypatch.setattr(vt, "BACKGROUND_MIN_ROWS", 1)
    real = validation.validate_table
    broken: set[str] = set()

    def failing(spec, *args, **kwargs):
        if spec.name in broken:
            raise RuntimeError(f"rusak: {spec.name}")
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(validation, "validate_table", failing)
    # laporan_kinerja (the largest, in the thread) comes before layanan in the contract
    broken.update({"laporan_kinerja", "layanan"})
    with pytest.raises(RuntimeError, match="rusak: laporan_kinerja"):
        load(sample_dir)
    # penilaian_skp comes before laporan_kinerja
    broken.clear()
    broken.update({"penilaian_skp", "laporan_kinerja"})
    with pytest.raises(RuntimeError, match="rusak: penilaian_skp"):
        load(sample_dir)
    broken.clear()
    broken.add("laporan_kinerja")
    with pytest.raises(RuntimeError, match="rusak: laporan_kinerja"):
        load(sample_dir)
