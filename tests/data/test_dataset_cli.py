"""Dataset: quarantine files, prepared cache, and ``kinerja validate`` (exit codes, --json)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fixtures.builders import valid_tables, write_folder

import kinerja
from kinerja.cli import main
from kinerja.data.dataset import Dataset, load
from kinerja.data.io import read_table_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def good(tmp_path):
    return write_folder(tmp_path / "data")


@pytest.fixture
def bad(tmp_path):
    tables = valid_tables()
    tables["skm"].append(dict(tables["skm"][0], id_responden="R9", sarana="5"))
    tables["opd"].append(dict(tables["opd"][0], kode_opd="X", jenis_opd="kementerian"))
    return write_folder(tmp_path / "buruk", tables, delimiter=";")


def test_public_api_reexported():
    assert kinerja.load is load and kinerja.Dataset is Dataset


def test_write_quarantine_is_excel_friendly_and_unchanged(bad, tmp_path):
    ds = load(bad)
    out = tmp_path / "karantina"
    written = ds.write_quarantine(out)
    assert sorted(p.name for p in written) == ["opd.csv", "skm.csv"]
    data = (out / "skm.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel opens it
    raw = read_table_file(out / "skm.csv")
    assert raw.delimiter == ";"  # the source file's delimiter
    assert raw.data["sarana"].tolist() == ["5"]
    assert raw.data["_baris"].tolist() == ["4"]
    assert raw.data["_alasan"][0].startswith("jawaban SKM")
    # a later clean run removes stale quarantine files of tables that are now clean
    ds_ok = load(write_folder(tmp_path / "ok"))
    assert ds_ok.write_quarantine(out) == []
    assert not (out / "skm.csv").exists()


def test_load_with_quarantine_dir(bad, tmp_path):
    load(bad, quarantine_dir=tmp_path / "q")
    assert (tmp_path / "q" / "opd.csv").is_file()


def test_cache_round_trip(bad, tmp_path):
    ds = load(bad)
    ds.save_cache(tmp_path / "cache")
    back = Dataset.from_cache(tmp_path / "cache")
    assert list(back.tables) == list(ds.tables)
    for name in ds.tables:
        pd.testing.assert_frame_equal(back.tables[name], ds.tables[name])
        pd.testing.assert_frame_equal(back.quarantine[name], ds.quarantine[name])
    pd.testing.assert_frame_equal(back.summary, ds.summary)
    assert back.missing == ds.missing and back.notes == ds.notes
    assert back.files == ds.files and back.file_hashes == ds.file_hashes
    assert len(ds.file_hashes["skm.csv"]) == 64
    meta = json.loads((tmp_path / "cache" / "dataset.json").read_text(encoding="utf-8"))
    assert meta["file_hashes"] == ds.file_hashes
    assert back.cache_is_current(bad)
    (bad / "skm.csv").write_text("berubah", encoding="utf-8")
    assert not back.cache_is_current(bad)


def _run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_exit_0_when_clean(good, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(["validate", str(good)], capsys)
    assert code == 0, err
    assert "Dikarantina" in out and "Tidak ada baris yang dikarantina" in out
    assert not (tmp_path / "karantina").exists()


def test_cli_exit_1_writes_default_quarantine_outside_folder(bad, tmp_path, capsys, monkeypatch):
    work = tmp_path / "kerja"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = _run(["validate", str(bad)], capsys)
    assert code == 1
    assert (work / "karantina" / "buruk" / "skm.csv").is_file()
    assert "2 baris dikarantina" in out
    assert sorted(p.name for p in bad.iterdir()) == sorted(f"{t}.csv" for t in valid_tables())


def test_cli_json_is_one_object_on_stdout(bad, tmp_path, capsys):
    code, out, err = _run(
        ["validate", str(bad), "--json", "--quarantine", str(tmp_path / "q")], capsys
    )
    assert code == 1
    payload = json.loads(out)
    assert set(payload) == set(valid_tables())
    assert payload["skm"] == {"read": 3, "accepted": 2, "quarantined": 1}
    assert payload["opd"] == {"read": 4, "accepted": 3, "quarantined": 1}
    for counts in payload.values():
        assert counts["read"] == counts["accepted"] + counts["quarantined"]
    assert (tmp_path / "q" / "opd.csv").is_file()


def test_cli_exit_2_missing_required_column(tmp_path, capsys):
    tables = valid_tables()
    for row in tables["pegawai"]:
        del row["jenis_jabatan"]
    folder = write_folder(tmp_path / "data", tables)
    code, out, err = _run(["validate", str(folder), "--quarantine", str(tmp_path / "q")], capsys)
    assert code == 2
    assert out == ""
    assert "pegawai.csv" in err and "jenis_jabatan" in err


def test_cli_exit_2_missing_folder_and_unreadable_file(tmp_path, capsys):
    code, _, err = _run(["validate", str(tmp_path / "tidak-ada"), "--json"], capsys)
    assert code == 2 and "tidak ditemukan" in err
    folder = write_folder(tmp_path / "data")
    (folder / "skm.csv").unlink()
    (folder / "skm.xlsx").write_bytes(b"bukan excel")
    code, out, err = _run(
        ["validate", str(folder), "--json", "--quarantine", str(tmp_path / "q")], capsys
    )
    assert code == 2 and out == "" and "skm.xlsx" in err


def test_cli_refuses_quarantine_inside_data_folder(good, capsys, monkeypatch):
    code, _, err = _run(["validate", str(good), "--quarantine", str(good / "karantina")], capsys)
    assert code == 2 and "di dalam folder data" in err
    monkeypatch.chdir(good)  # default karantina/<name> would be inside the data folder
    code, _, err = _run(["validate", "."], capsys)
    assert code == 2
    assert not (good / "karantina").exists()


def test_python_m_kinerja_subprocess(bad, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "kinerja", "validate", str(bad), "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["skm"]["quarantined"] == 1
    assert (tmp_path / "karantina" / "buruk" / "skm.csv").is_file()


def test_sample_validates_clean(sample_dir, tmp_path, capsys):
    code, out, err = _run(
        ["validate", str(sample_dir), "--json", "--quarantine", str(tmp_path)], capsys
    )
    payload = json.loads(out)
    assert code == 0, err
    assert all(v["quarantined"] == 0 for v in payload.values())
    assert payload["pegawai"]["accepted"] > 0
