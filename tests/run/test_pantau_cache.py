"""``kinerja pantau`` reads its data through the prepared cache and keeps its tables in the store.

The first run parses the raw folder, writes the Parquet cache and stores the monitoring metric
tables; a second run on the unchanged folder computes none of them again and gives the same
result; a changed input file means a new cache. An output folder without a batch's cache never
receives a copy of the data; one with a batch's ``_cache/`` is reused.
"""

from __future__ import annotations

import json

import pytest
from fixtures.section_data import write_section_folder

from kinerja.metrics import registry as metric_registry
from kinerja.run.pantau import PANTAU_METRICS, cache_root, run_pantau


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_FOLDER_CACHE", str(tmp_path / "cache"))
    return write_section_folder(tmp_path / "data")


@pytest.fixture()
def counted(monkeypatch):
    """Calls of the monitoring metric builders, by name."""
    calls: list[str] = []
    for name, _ in PANTAU_METRICS:
        original = metric_registry.METRICS[name]

        def counting(d, p, _name=name, _f=original):
            calls.append(_name)
            return _f(d, p)

        monkeypatch.setitem(metric_registry.METRICS, name, counting)
    return calls


def _index(root) -> dict:
    (path,) = list(root.glob("_cache/*/metrics/index.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def test_second_run_reads_the_prepared_cache_and_the_stored_tables(folder, counted):
    first = run_pantau(folder)
    assert sorted(counted) == ["dampak", "pantau", "pantau_outcomes"]
    root = cache_root(folder)
    assert root.is_relative_to(folder.parent / "cache")  # outside the data folder
    stored = {(e["name"], e["periode"]) for e in _index(root)["entries"]}
    assert set(PANTAU_METRICS) <= stored
    counted.clear()
    second = run_pantau(folder)
    assert counted == []  # read from the Arrow store, not recomputed
    assert second.payload() == first.payload()
    assert second.bulan == first.bulan
    # a changed input file: a new prepared cache, the tables computed again
    with (folder / "pengaduan.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    run_pantau(folder)
    assert sorted(counted) == ["dampak", "pantau", "pantau_outcomes"]


def test_an_output_folder_gets_no_copy_of_the_data_unless_a_batch_put_one_there(folder, tmp_path):
    out = tmp_path / "keluaran"
    out.mkdir()
    run_pantau(folder, out_dir=out)
    assert not (out / "_cache").exists()
    # a batch's prepared cache in --out is reused (same content key)
    from kinerja.run.cache import prepare_cache

    info = prepare_cache(folder, out)
    assert cache_root(folder, out) == out
    run_pantau(folder, out_dir=out)
    stored = {(e["name"], e["periode"]) for e in _index(out)["entries"]}
    assert set(PANTAU_METRICS) <= stored
    assert list(out.glob("_cache/*")) == [info.path]


def test_a_cache_written_in_the_background_equals_one_written_in_the_foreground(folder, tmp_path):
    """pantau writes its new cache in a thread (``prepare_cache(background=True)``) while it
    computes; the files are the same as the batch's, and a failed write is raised by ``wait``
    with nothing left under the cache's name."""
    from kinerja.data.dataset import Dataset
    from kinerja.data.integrity import hash_tree
    from kinerja.run.cache import prepare_cache

    front = prepare_cache(folder, tmp_path / "depan")
    back = prepare_cache(folder, tmp_path / "belakang", keep_dataset=True, background=True)
    assert back.status == "dibuat" and back.key == front.key and back.dataset is not None
    back.wait()
    back.wait()  # a second wait is harmless
    skip = {"_kinerja_cache.json", "dataset.json"}  # the time they were written
    assert hash_tree(back.path, skip=skip) == hash_tree(front.path, skip=skip)
    assert prepare_cache(folder, tmp_path / "belakang").status == "dipakai ulang"

    def refuse(self, directory):
        raise OSError("disk penuh")

    failing = tmp_path / "gagal"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Dataset, "save_cache", refuse)
        info = prepare_cache(folder, failing, keep_dataset=True, background=True)
        with pytest.raises(OSError, match="disk penuh"):
            info.wait()
    assert not info.path.exists()
    assert [p.name for p in (failing / "_cache").iterdir()] == []
    # pantau goes on without a cache it could not write
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Dataset, "save_cache", refuse)
        assert run_pantau(folder, out_dir=tmp_path / "tanpa").signals is not None
