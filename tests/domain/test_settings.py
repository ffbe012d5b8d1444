"""Tests of kinerja.domain.settings: one Settings object, per-OPD files that take effect, env switches.

The weekmask tests reproduce the bug of issue 11: ``parameters/opd/RSUD.yaml`` said
``weekmask: '1111110'`` but the report built its calendars from ``default.yaml``'s
``weekmask_opd`` only, so the OPD's lead times were counted Monday–Friday.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest

from kinerja.domain import params as P
from kinerja.domain.calendar import WorkCalendar, calendars_for_opd
from kinerja.domain.settings import (
    EnvSwitches,
    OpdSettings,
    ParameterError,
    Settings,
    load_settings,
    read_env,
)
from kinerja.metrics.complaints import complaint_times

ROOT = Path(__file__).resolve().parents[2]
#: No holidays: the counts below depend on the weekmask only.
NO_HOLIDAYS = WorkCalendar([], "1111100", "uji")
OPD = pd.DataFrame(
    {
        "kode_opd": ["RSX", "DINX", "KECX"],
        "nama_opd": ["Rumah Sakit X", "Dinas X", "Kecamatan X"],
        "jenis_opd": ["rsud", "dinas", "kecamatan"],
    }
)


def _write(folder: Path, default: str = "", **opd_files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "default.yaml").write_text(default, encoding="utf-8")
    (folder / "opd").mkdir(exist_ok=True)
    for code, text in opd_files.items():
        (folder / "opd" / f"{code}.yaml").write_text(f"kode_opd: {code}\n{text}", encoding="utf-8")
    return folder


@pytest.fixture
def saturday_params(tmp_path: Path) -> Path:
    """RSX serves on Saturdays, said only in its own file (default.yaml's weekmask_opd is empty)."""
    return _write(
        tmp_path / "parameters",
        "periode: '2025'\nweekmask: '1111100'\nweekmask_opd: {}\n",
        RSX="nama_opd: Rumah Sakit X\nweekmask: '1111110'\npopulasi: 1200\n"
        "org_predikat: Baik\ncatatan: buka Sabtu\n",
        DINX="weekmask: null\n",
    )


def _complaints() -> pd.DataFrame:
    # entered Friday 2025-05-09, answered Monday 2025-05-12, settled Wednesday 2025-05-14
    codes = ["RSX", "DINX", "KECX"]
    return pd.DataFrame(
        {
            "id_pengaduan": [f"p{i}" for i in range(3)],
            "kode_opd": codes,
            "tanggal_masuk": pd.to_datetime(["2025-05-09"] * 3),
            "kanal": "WhatsApp",
            "kategori": "Lain",
            "tanggal_tanggapan": pd.to_datetime(["2025-05-12"] * 3),
            "tanggal_selesai": pd.to_datetime(["2025-05-14"] * 3),
            "isi": "",
            "status": "",
        }
    )


def test_opd_file_weekmask_changes_lead_times(saturday_params):
    settings = load_settings(saturday_params)
    cals = settings.calendars(OPD, calendar=NO_HOLIDAYS)
    assert cals["RSX"].weekmask == "1111110"
    assert cals["DINX"].weekmask == cals["KECX"].weekmask == "1111100"
    got = complaint_times(_complaints(), cals, as_of="2025-12-31").set_index("kode_opd")
    # Friday -> Monday: Friday and Saturday count for a Monday–Saturday OPD, Friday only otherwise
    assert got.loc["RSX", "hari_kerja_tanggapan"] == 2
    assert got.loc["DINX", "hari_kerja_tanggapan"] == 1
    assert got.loc["KECX", "hari_kerja_tanggapan"] == 1
    # Monday -> Wednesday: two working days either way
    assert got.loc["RSX", "hari_kerja_tindak_lanjut"] == 2


def test_root_cause_default_yaml_alone_misses_the_opd_file(saturday_params):
    """The old path: calendars from load_defaults() only -> RSX counted Monday–Friday."""
    defaults = P.load_defaults(saturday_params)
    old = calendars_for_opd(
        OPD,
        overrides=defaults["weekmask_opd"],
        default=defaults["weekmask"],
        calendar=NO_HOLIDAYS,
    )
    assert old["RSX"].weekmask == "1111100"  # the bug
    assert load_settings(saturday_params).calendars(OPD, calendar=NO_HOLIDAYS)["RSX"].weekmask == (
        "1111110"
    )


def test_shipped_parameters_give_rsud_a_saturday_calendar():
    settings = load_settings(ROOT / "parameters")
    assert settings.for_opd("RSUD").weekmask == "1111110"
    assert settings.weekmask_overrides()["RSUD"] == "1111110"
    cals = settings.calendars(["RSUD", "DINKES"], calendar=NO_HOLIDAYS)
    assert cals["RSUD"].weekmask == "1111110" and cals["DINKES"].weekmask == "1111100"
    assert not settings.opd_errors


def test_every_documented_opd_key_takes_effect(saturday_params):
    settings = load_settings(saturday_params)
    rsx = settings.for_opd("RSX")
    assert isinstance(rsx, OpdSettings)
    documented = set(P.OPD_KEYS) - {"kode_opd"}
    assert documented <= {f for f in OpdSettings.__dataclass_fields__}
    assert rsx.weekmask == "1111110" and rsx.populasi == 1200
    assert rsx.org_predikat == "Baik" and rsx.catatan == "buka Sabtu"
    assert rsx.nama_opd == "Rumah Sakit X"
    assert rsx.source == saturday_params.resolve() / "opd" / "RSX.yaml"
    assert settings.populasi_map() == {"RSX": 1200}
    assert settings.org_predikat_map() == {"RSX": "Baik"}
    dinx = settings.for_opd("DINX")
    assert dinx.weekmask == "1111100" and dinx.populasi is None
    assert settings.for_opd("KECX").source is None  # no file: defaults


def test_resolution_order(tmp_path):
    folder = _write(
        tmp_path,
        "periode: '2025'\naudience: forum\nweekmask_opd: {A: '1111110', B: '1111110'}\n",
        A="periode: 2025-TW2\naudience: internal\nweekmask: '1111111'\n",
        B="weekmask: null\n",
    )
    s = load_settings(folder)
    assert (s.periode, s.audience) == ("2025", "forum")
    a = s.for_opd("A")
    assert (a.periode, a.audience, a.weekmask) == ("2025-TW2", "internal", "1111111")
    assert s.for_opd("B").weekmask == "1111110"  # weekmask_opd when the file leaves it null
    assert s.for_opd("C").weekmask == "1111100"  # built-in default
    # command line wins over every file
    cli = load_settings(folder, periode="2026", audience="forum", jobs=2)
    assert (cli.periode, cli.jobs) == ("2026", 2)
    a = cli.for_opd("A")
    assert (a.periode, a.audience) == ("2026", "forum")
    assert s.with_overrides(periode="2026-07").for_opd("A").periode == "2026-07"
    assert s.with_overrides(periode=None) == s  # None means "not given"


def test_resolve_params_is_the_settings_view(saturday_params):
    settings = load_settings(saturday_params, periode="2026")
    known = P.known_opd_codes(OPD)
    for code in [None, *known]:
        assert P.resolve_params(
            code, params_dir=saturday_params, periode="2026", known_codes=known
        ) == settings.opd_params(code)
    assert settings.as_params() == {**P.load_defaults(saturday_params), "periode": "2026"}


def test_invalid_opd_file_fails_that_opd_only(tmp_path):
    folder = _write(tmp_path, "", RSX="weekmask: '1111110'\n", BAD="warna: merah\n")
    (folder / "opd" / "LAIN.yaml").write_text("kode_opd: BEDA\n")
    s = load_settings(folder)
    assert set(s.opd_errors) == {"BAD", "LAIN"}
    with pytest.raises(ParameterError, match="kunci tidak dikenal: warna"):
        s.for_opd("BAD")
    with pytest.raises(ParameterError, match="tidak sama dengan nama berkas"):
        s.for_opd("LAIN")
    assert s.for_opd("RSX").weekmask == "1111110"
    cals = s.calendars(["RSX", "BAD"], calendar=NO_HOLIDAYS)
    assert cals["BAD"].weekmask == "1111100"
    # the table's codes: a file of a code outside the table is never used
    s = load_settings(folder, known_codes=["BAD"])
    assert "RSX" in s.opd_errors and s.weekmask_for("RSX") == "1111100"
    with pytest.raises(ParameterError, match="tidak ada dalam tabel opd"):
        s.for_opd("RSX", known_codes=["BAD"])


def test_invalid_default_yaml_and_overrides_raise(tmp_path):
    with pytest.raises(ParameterError, match="k_pegawai"):
        load_settings(_write(tmp_path / "a", "k_pegawai: -1\n"))
    folder = _write(tmp_path / "b")
    with pytest.raises(ParameterError, match="periode"):
        load_settings(folder, periode="kemarin")
    with pytest.raises(ParameterError, match="audience"):
        load_settings(folder, audience="publik")
    with pytest.raises(ParameterError, match="pengaturan tidak dikenal: warna"):
        load_settings(folder, warna="merah")
    with pytest.raises(ParameterError, match="jobs"):
        load_settings(folder, jobs=0)
    with pytest.raises(ParameterError):
        load_settings(folder).for_opd("../x")


def test_key_follows_every_number_changing_input(saturday_params):
    base = load_settings(saturday_params)
    assert base.key() == load_settings(saturday_params).key()
    assert base.with_overrides(periode="2026").key() != base.key()
    rsx = saturday_params / "opd" / "RSX.yaml"
    rsx.write_text(rsx.read_text().replace("'1111110'", "'1111100'"))
    changed = load_settings(saturday_params)
    assert changed.key() != base.key()
    assert changed.calendars(OPD, calendar=NO_HOLIDAYS)["RSX"].weekmask == "1111100"


def test_settings_are_frozen_and_picklable(saturday_params):
    s = load_settings(saturday_params)
    with pytest.raises(AttributeError):
        s.periode = "2030"  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(s))
    assert isinstance(again, Settings) and again == s and again.key() == s.key()


def test_holiday_path_defaults_to_the_shipped_calendar(saturday_params):
    s = load_settings(saturday_params)  # the fixture has no hari_libur.csv
    assert s.holiday_path is not None and s.holiday_path.name == "hari_libur.csv"
    (saturday_params / "hari_libur.csv").write_text("tanggal,nama,jenis,sumber\n")
    assert load_settings(saturday_params).holiday_path == (saturday_params / "hari_libur.csv")


def test_read_env_defaults_and_switches(tmp_path):
    env = read_env({})
    assert env == EnvSwitches()
    assert env.fork_kernel and env.app_prerender and env.app_preheat
    assert env.cache_dir is None and not env.require_browser
    assert not env.app_prerender_quarters  # the quarter pass is opt-in
    assert env.folder_cache_root == Path.home() / ".cache" / "kinerja"
    env = read_env(
        {
            "KINERJA_FORK_KERNEL": "0",
            "KINERJA_APP_PRERENDER": "0",
            "KINERJA_APP_PREHEAT": "1",
            "KINERJA_CACHE_DIR": str(tmp_path / "c"),
            "KINERJA_DATA_DIR": "",
            "KINERJA_FORM_CACHE": str(tmp_path / "f"),
            "KINERJA_REQUIRE_BROWSER": "1",
            "KINERJA_APP_PRERENDER_TRIWULAN": "1",
            "XDG_CACHE_HOME": str(tmp_path / "x"),
        }
    )
    assert env.app_prerender_quarters
    assert not env.fork_kernel and not env.app_prerender and env.app_preheat
    assert env.cache_dir == tmp_path / "c" and env.data_dir is None  # empty = unset
    assert env.form_cache == tmp_path / "f" and env.require_browser
    assert env.folder_cache_root == tmp_path / "x" / "kinerja"
    assert read_env(env.to_environ()) == EnvSwitches(**{**env.__dict__, "xdg_cache_home": None})
    assert read_env({"KINERJA_FOLDER_CACHE": "/c"}).folder_cache_root == Path("/c")
