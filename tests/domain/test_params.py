"""Tests of kinerja.domain.params: default.yaml, per-OPD YAML, validation of hostile values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from kinerja.data import opd_params as G
from kinerja.domain import params as P
from kinerja.domain.params import ParameterError

ROOT = Path(__file__).resolve().parents[2]
OPD = pd.DataFrame(
    {
        "kode_opd": ["DISDUK", "RSUD", "KEC.SIDOREJO"],
        "nama_opd": ["Dinas Kependudukan", "RSUD Kota Salatiga", "Kecamatan Sidorejo"],
        "jenis_opd": ["dinas", "rsud", "kecamatan"],
    }
)


def test_shipped_default_yaml_is_valid_and_complete():
    values = P.load_defaults(ROOT / "parameters")
    raw = yaml.safe_load((ROOT / "parameters" / "default.yaml").read_text())
    assert set(raw) == set(P.DEFAULT_KEYS)  # the file documents every key
    assert values["k_pegawai"] == 10 and values["k_responden"] == 5
    assert values["ikm_weight"] == "exact" and values["target_jp"] == 20
    assert values["tenggat_tanggapan_hari_kerja"] == 3
    assert values["tenggat_tindak_lanjut_hari_kerja"] == 5
    assert values["audience"] == "forum"


@pytest.mark.parametrize(
    "code", ["../x", "a'b", 'a"b', "a/b", "a\\b", "..", "a..b", "", " A", "x y", "-a", "A" * 41]
)
def test_hostile_kode_opd_refused(code):
    with pytest.raises(ParameterError):
        P.validate_kode_opd(code)


def test_kode_opd_must_exist_in_table():
    assert P.validate_kode_opd("RSUD", P.known_opd_codes(OPD)) == "RSUD"
    with pytest.raises(ParameterError, match="tidak ada dalam tabel opd"):
        P.validate_kode_opd("DINSOS", P.known_opd_codes(OPD))
    with pytest.raises(ParameterError):
        P.validate_kode_opd(123)


def test_periode_and_audience_validation():
    assert P.validate_periode("2026-tw3") == "2026-TW3"
    assert P.validate_periode(2025) == "2025"
    for bad in ("2026-13", "TW3", "2026; import os", True, None):
        with pytest.raises(ParameterError):
            P.validate_periode(bad)
    assert P.validate_audience("internal") == "internal"
    with pytest.raises(ParameterError):
        P.validate_audience("publik")


def test_unknown_key_and_bad_value_in_default_yaml(tmp_path):
    (tmp_path / "default.yaml").write_text("periode: '2025'\nwarna: biru\n")
    with pytest.raises(ParameterError, match="kunci tidak dikenal: warna"):
        P.load_defaults(tmp_path)
    (tmp_path / "default.yaml").write_text("k_pegawai: sepuluh\n")
    with pytest.raises(ParameterError, match="k_pegawai"):
        P.load_defaults(tmp_path)
    (tmp_path / "default.yaml").write_text("hari_libur: ../../etc/passwd\n")
    with pytest.raises(ParameterError, match="hari_libur"):
        P.load_defaults(tmp_path)
    (tmp_path / "default.yaml").write_text("weekmask: '1111111x'\n")
    with pytest.raises(ParameterError, match="weekmask"):
        P.load_defaults(tmp_path)


def test_yaml_is_loaded_safely(tmp_path):
    marker = tmp_path / "dieksekusi"
    (tmp_path / "default.yaml").write_text(
        f"periode: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    with pytest.raises(ParameterError, match="YAML tidak dapat dibaca"):
        P.load_defaults(tmp_path)
    assert not marker.exists()
    (tmp_path / "default.yaml").write_text("- daftar\n- bukan pemetaan\n")
    with pytest.raises(ParameterError, match="pemetaan"):
        P.load_defaults(tmp_path)


def test_generate_then_resolve(tmp_path):
    (tmp_path / "default.yaml").write_text(
        "periode: '2025-TW2'\nweekmask_opd: {DISDUK: '1111110'}\n"
    )
    result = G.generate_opd_params(OPD, tmp_path)
    assert sorted(result["created"]) == sorted(OPD["kode_opd"])
    rsud = yaml.safe_load((tmp_path / "opd" / "RSUD.yaml").read_text())
    assert rsud["weekmask"] == "1111110" and rsud["nama_opd"] == "RSUD Kota Salatiga"

    # a user's edit survives regeneration; the name follows the table
    path = tmp_path / "opd" / "KEC.SIDOREJO.yaml"
    data = yaml.safe_load(path.read_text())
    data.update(populasi=41000, org_predikat="Baik", nama_opd="lama")
    path.write_text(yaml.safe_dump(data))
    again = G.generate_opd_params(OPD, tmp_path)
    assert "KEC.SIDOREJO" in again["updated"]
    data = yaml.safe_load(path.read_text())
    assert data["populasi"] == 41000 and data["nama_opd"] == "Kecamatan Sidorejo"

    known = P.known_opd_codes(OPD)
    eff = P.resolve_params("KEC.SIDOREJO", params_dir=tmp_path, known_codes=known)
    assert eff["periode"] == "2025-TW2" and eff["populasi"] == 41000
    assert eff["weekmask"] == "1111100"
    assert P.resolve_params("DISDUK", params_dir=tmp_path)["weekmask"] == "1111110"
    assert P.resolve_params("RSUD", params_dir=tmp_path)["weekmask"] == "1111110"
    over = P.resolve_params("RSUD", params_dir=tmp_path, periode="2026", audience="internal")
    assert over["periode"] == "2026" and over["audience"] == "internal"
    assert Path(over["hari_libur"]).parent == tmp_path.resolve()
    with pytest.raises(ParameterError):
        P.resolve_params("DINSOS", params_dir=tmp_path, known_codes=known)

    # orphaned files are reported, never deleted
    (tmp_path / "opd" / "LAMA.yaml").write_text("kode_opd: LAMA\n")
    assert G.generate_opd_params(OPD, tmp_path)["orphaned"] == ["LAMA"]


def test_opd_file_checks(tmp_path):
    (tmp_path / "opd").mkdir()
    f = tmp_path / "opd" / "DISDUK.yaml"
    f.write_text("kode_opd: RSUD\n")
    with pytest.raises(ParameterError, match="nama berkas"):
        P.load_opd_file(f)
    f.write_text("kode_opd: DISDUK\naudience: semua\n")
    with pytest.raises(ParameterError, match="audience"):
        P.load_opd_file(f)
    f.write_text("kode_opd: DISDUK\norg_predikat: Luar Biasa\n")
    with pytest.raises(ParameterError, match="org_predikat"):
        P.load_opd_file(f)
    f.write_text("kode_opd: DISDUK\nskrip: x\n")
    with pytest.raises(ParameterError, match="kunci tidak dikenal"):
        P.load_opd_file(f)


def test_generate_refuses_hostile_codes_in_table(tmp_path):
    bad = pd.DataFrame({"kode_opd": ["OK", "../../luar"], "nama_opd": ["a", "b"]})
    with pytest.raises(ParameterError, match="luar"):
        G.generate_opd_params(bad, tmp_path)
    assert not (tmp_path.parent / "luar.yaml").exists()
    dup = pd.DataFrame({"kode_opd": ["A", "A"], "nama_opd": ["a", "b"]})
    with pytest.raises(ParameterError, match="ganda"):
        G.generate_opd_params(dup, tmp_path)


def test_cli_params(tmp_path):
    from kinerja.cli import build_parser

    data = Path(__file__).resolve().parents[1] / "notebooks" / "data"
    (tmp_path / "default.yaml").write_text("periode: '2025'\n")
    args = build_parser().parse_args(["params", "--data", str(data), "--params", str(tmp_path)])
    assert G.cli_params(args) == 0
    assert (tmp_path / "opd" / "OKA.yaml").is_file()
    assert yaml.safe_load((tmp_path / "opd" / "RSUD.yaml").read_text())["weekmask"] == "1111110"
    args = build_parser().parse_args(
        ["params", "--data", str(tmp_path / "x"), "--params", str(tmp_path)]
    )
    assert G.cli_params(args) == 2
