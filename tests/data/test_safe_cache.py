"""Safe caches and parameters (issue 12 item 5): no pickle, every cache file hash-checked, YAML
parameter files size-limited and without aliases.

A tampered ``metrics.pkl`` used to run arbitrary code and the batch reported ok; a 342-byte
YAML alias bomb exhausted memory.
"""

from __future__ import annotations

import ast
import json
import pickle  # only to plant a hostile file: the package itself never imports it
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fixtures.builders import write_folder
from fixtures.hostile import ALIAS_BOMB, tamper_metrics_store, write_alias_bomb

import kinerja
from kinerja.data.integrity import check_integrity, write_integrity
from kinerja.domain.params import MAX_YAML_BYTES, ParameterError, read_yaml
from kinerja.metrics import store
from kinerja.metrics.store import ReportData

PACKAGE = Path(kinerja.__file__).parent
TODAY = "2026-12-01"
PERIODE = "2026"


def test_no_pickle_anywhere_in_the_package():
    banned_modules = {"pickle", "cPickle", "_pickle", "joblib", "dill", "cloudpickle", "shelve"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            elif isinstance(node, ast.Attribute) and node.attr in {"to_pickle", "read_pickle"}:
                names = [node.attr]
            found += [
                f"{path.relative_to(PACKAGE)}:{node.lineno} {n}"
                for n in names
                if n in banned_modules | {"to_pickle", "read_pickle"}
            ]
    assert found == []


@pytest.fixture(scope="module")
def warmed_once(tmp_path_factory):
    """A tiny folder's dataset cache with stored metric tables (made once)."""
    from kinerja.report.registry import warm

    tmp = tmp_path_factory.mktemp("warmed")
    ds = kinerja.load(write_folder(tmp / "data"))
    cache = tmp / "cache"
    ds.save_cache(cache)
    data = ReportData.from_cache(cache, today=TODAY)
    warm(data, PERIODE)
    data.save_metrics(cache)
    return cache, data


@pytest.fixture
def warmed(warmed_once, tmp_path):
    """A copy of :func:`warmed_once`'s cache that a test may damage."""
    cache, data = warmed_once
    copy = tmp_path / "cache"
    shutil.copytree(cache, copy)
    return copy, data


def test_stored_metrics_are_arrow_and_json_and_come_back_equal(warmed):
    cache, first = warmed
    folder = cache / store.METRICS_FILE
    assert (folder / "index.json").is_file() and not (cache / "metrics.pkl").exists()
    assert {p.suffix for p in folder.iterdir()} <= {".json", ".arrow"}
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert all(len(f["value"].get("sha256", "x" * 64)) == 64 for f in index["entries"])
    again = ReportData.from_cache(cache, today=TODAY)
    assert set(again._memo) == set(first._memo)
    for key in first._memo:
        a, b = first._memo[key], again._memo[key]
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(a, tuple):
            pd.testing.assert_frame_equal(a[0], b[0])
            assert a[1:] == b[1:]
        elif isinstance(a, dict):
            assert set(a) == set(b)
            for k in a:
                pd.testing.assert_frame_equal(a[k], b[k])


def test_a_tampered_stored_table_is_recomputed_never_used(warmed):
    cache, first = warmed
    victim = tamper_metrics_store(cache)
    index = json.loads((cache / "metrics" / "index.json").read_text(encoding="utf-8"))
    key = next(
        (e["name"], e["periode"]) for e in index["entries"] if victim.name in json.dumps(e["value"])
    )
    data = ReportData.from_cache(cache, today=TODAY)
    value = data.metric(key[0], key[1] or None)
    assert "berubah sejak ditulis" in data.metrics_problem
    expected = first._memo[key]
    if isinstance(expected, dict):
        assert set(value) == set(expected)
    elif isinstance(expected, tuple):
        pd.testing.assert_frame_equal(value[0], expected[0])
    else:
        pd.testing.assert_frame_equal(value, expected)
    # checked up front (the batch's warm-up): the whole store is refused with a reason
    fresh = ReportData.from_cache(cache, today=TODAY)
    assert fresh.load_metrics(cache, verify=True) is False
    assert victim.name in fresh.metrics_problem


def test_a_planted_pickle_is_never_loaded(warmed, tmp_path):
    cache, _ = warmed
    marker = tmp_path / "dijalankan.txt"

    class Boom:
        def __reduce__(self):
            return (Path.write_text, (marker, "kode dijalankan"))

    (cache / "metrics.pkl").write_bytes(pickle.dumps(Boom()))
    data = ReportData.from_cache(cache, today=TODAY)
    data.metric("ikm", PERIODE)
    data.save_metrics(cache)
    assert not marker.exists()
    assert not (cache / "metrics.pkl").exists()  # an old store is removed when one is written


@pytest.mark.slow
def test_the_batch_warm_up_rebuilds_a_tampered_store_and_says_so(tmp_path):
    from kinerja.domain.settings import load_settings
    from kinerja.run.cache import prepare_cache, warm_metrics

    data_dir = write_folder(tmp_path / "data")
    info = prepare_cache(data_dir, tmp_path / "out")
    settings = load_settings(None)
    first = warm_metrics(info.path, PERIODE, settings)
    assert first["status"] == "ok"
    assert warm_metrics(info.path, PERIODE, settings)["status"] == "dipakai ulang"
    tamper_metrics_store(info.path)
    rebuilt = warm_metrics(info.path, PERIODE, settings)
    assert rebuilt["status"] == "dibangun ulang" and "rusak" in rebuilt["catatan"]
    assert warm_metrics(info.path, PERIODE, settings)["status"] == "dipakai ulang"
    # a changed table of the prepared cache itself: rebuilt, never reused
    table = info.path / "tables" / "opd.parquet"
    table.write_bytes(table.read_bytes()[:-10] + b"0" * 10)
    again = prepare_cache(data_dir, tmp_path / "out")
    assert again.status == "dibangun ulang" and "opd.parquet" in again.note


def test_the_folder_cache_is_hash_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_FOLDER_CACHE", str(tmp_path / "fc"))
    folder = write_folder(tmp_path / "data")
    ReportData.from_folder(folder, today=TODAY)
    cache = store.folder_cache_dir(folder)
    assert check_integrity(cache) == []
    target = cache / "tables" / "opd.parquet"
    pd.DataFrame({"kode_opd": ["PALSU"]}).to_parquet(target)
    assert check_integrity(cache) == ["tables/opd.parquet"]
    data = ReportData.from_folder(folder, today=TODAY)
    assert "PALSU" not in set(data.opd["kode_opd"])
    assert check_integrity(cache) == []


def test_integrity_lists_added_removed_and_linked_files(tmp_path):
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    write_integrity(tmp_path)
    assert check_integrity(tmp_path) == []
    (tmp_path / "b.json").write_text("{}", encoding="utf-8")
    (tmp_path / "c").symlink_to("/etc/passwd")
    assert check_integrity(tmp_path) == ["b.json", "c"]


# -- YAML parameter files ------------------------------------------------------------------------


def test_the_alias_bomb_is_refused_before_it_expands(tmp_path):
    path = write_alias_bomb(tmp_path / "default.yaml")
    assert len(ALIAS_BOMB.encode()) < 415
    with pytest.raises(ParameterError, match="anchor/alias YAML") as err:
        read_yaml(path)
    assert "tidak diizinkan" in str(err.value)


def test_settings_refuse_an_alias_bomb_in_the_parameters_folder(tmp_path):
    from kinerja.domain.settings import load_settings

    write_alias_bomb(tmp_path / "default.yaml")
    with pytest.raises(ParameterError, match="alias"):
        load_settings(tmp_path)


def test_yaml_anchors_and_large_files_are_refused(tmp_path):
    anchored = tmp_path / "a.yaml"
    anchored.write_text("periode: &p '2026'\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="baris 1"):
        read_yaml(anchored)
    big = tmp_path / "b.yaml"
    big.write_text("catatan: '" + "x" * MAX_YAML_BYTES + "'\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="terlalu besar"):
        read_yaml(big)
    plain = tmp_path / "c.yaml"
    plain.write_text("periode: '2026'\nk_pegawai: 10\n", encoding="utf-8")
    assert read_yaml(plain) == {"periode": "2026", "k_pegawai": 10}
