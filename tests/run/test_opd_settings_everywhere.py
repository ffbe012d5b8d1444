"""A per-OPD parameter file takes effect everywhere: metric tables, rekap, batch and forms.

Issue 11: ``parameters/opd/RSUD.yaml`` said ``weekmask: '1111110'`` (RSUD serves on Saturdays),
yet every output counted RSUD's lead times Monday–Friday. Here the same generated sample is
reported with two parameter folders that differ only in that file: RSUD's service and complaint
times must differ, every other OPD's must not.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from kinerja.cli import build_parser
from kinerja.domain.resources import shipped_dir
from kinerja.domain.settings import load_settings
from kinerja.metrics.store import ReportData
from kinerja.report.rekap import cli_rekap

PERIODE = "2025"
TODAY = "2026-01-15"
OPD = "RSUD"
LAB = "Pemeriksaan Laboratorium"


def _params(folder: Path, weekmask: str | None) -> Path:
    """The shipped default.yaml and holidays; ``opd/RSUD.yaml`` only when ``weekmask`` is set."""
    src = shipped_dir("parameters")
    folder.mkdir(parents=True)
    shutil.copy(src / "default.yaml", folder)
    shutil.copy(src / "hari_libur.csv", folder)
    (folder / "opd").mkdir()
    if weekmask is not None:
        (folder / "opd" / f"{OPD}.yaml").write_text(
            f"kode_opd: {OPD}\nweekmask: '{weekmask}'\n", encoding="utf-8"
        )
    return folder


@pytest.fixture
def saturday(tmp_path: Path) -> Path:
    return _params(tmp_path / "sabtu", "1111110")


@pytest.fixture
def weekdays(tmp_path: Path) -> Path:
    return _params(tmp_path / "senin_jumat", None)


@pytest.fixture(scope="module")
def dataset(sample_dir: Path):
    from kinerja.data.dataset import load

    return load(sample_dir)


def _split(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = df.reset_index(drop=True)
    own = df["kode_opd"].astype(str) == OPD
    return df[own].reset_index(drop=True), df[~own].reset_index(drop=True)


def _lab_on_time(layanan: pd.DataFrame) -> float:
    row = layanan[(layanan["kode_opd"].astype(str) == OPD) & (layanan["jenis_layanan"] == LAB)]
    assert len(row) == 1
    return float(row["persen_tepat_waktu"].iloc[0])


def test_lab_steps_span_saturdays(dataset):
    """The premise: some RSUD laboratory steps run over a Saturday (counted only with 1111110)."""
    log = dataset.tables["layanan"]
    rows = log[(log["kode_opd"].astype(str) == OPD) & (log["jenis_layanan"] == LAB)]
    start = pd.to_datetime(rows["mulai"]).dt.normalize()
    end = pd.to_datetime(rows["selesai"]).dt.normalize()
    days = (end - start).dt.days
    # the first Saturday on or after the start lies before the end
    to_saturday = (5 - start.dt.day_of_week) % 7
    assert ((to_saturday < days) & days.notna()).any()


def test_metric_tables_follow_the_opd_file(dataset, saturday, weekdays):
    sat = ReportData(dataset, settings=load_settings(saturday), today=TODAY)
    wk = ReportData(dataset, settings=load_settings(weekdays), today=TODAY)
    assert sat.settings.weekmask_for(OPD) == "1111110"
    assert wk.settings.weekmask_for(OPD) == "1111100"

    lay_sat = sat.metric("service", PERIODE)["layanan"]
    lay_wk = wk.metric("service", PERIODE)["layanan"]
    # a Saturday counts as a working day: more working days pass, fewer requests are on time
    assert _lab_on_time(lay_sat) < _lab_on_time(lay_wk)
    own_sat, others_sat = _split(lay_sat)
    own_wk, others_wk = _split(lay_wk)
    assert not own_sat.equals(own_wk)
    pd.testing.assert_frame_equal(others_sat, others_wk)

    # complaint deadlines are counted in RSUD's working days too
    c_sat, c_others_sat = _split(sat.metric("complaint_times", PERIODE))
    c_wk, c_others_wk = _split(wk.metric("complaint_times", PERIODE))
    assert (c_sat["hari_kerja_selesai"] >= c_wk["hari_kerja_selesai"]).all()
    assert (c_sat["hari_kerja_selesai"] > c_wk["hari_kerja_selesai"]).any()
    pd.testing.assert_frame_equal(c_others_sat, c_others_wk)


def test_stored_metrics_are_not_reused_under_other_settings(dataset, saturday, weekdays, tmp_path):
    """The metrics key includes every parameter file: a memo stored Monday–Friday is ignored."""
    cache = tmp_path / "cache"
    dataset.save_cache(cache)
    wk = ReportData.from_cache(cache, settings=load_settings(weekdays), today=TODAY)
    wk.metric("service", PERIODE)
    wk.save_metrics(cache)
    again = ReportData.from_cache(cache, settings=load_settings(weekdays), today=TODAY)
    assert ("service", PERIODE) in again._memo
    # the command line's period/jobs never change a table: still reused
    run = load_settings(weekdays, periode="2024", jobs=1, notebook_timeout=30)
    assert ("service", PERIODE) in ReportData.from_cache(cache, settings=run, today=TODAY)._memo
    sat = ReportData.from_cache(cache, settings=load_settings(saturday), today=TODAY)
    assert sat._memo == {}
    assert _lab_on_time(sat.metric("service", PERIODE)["layanan"]) < _lab_on_time(
        again.metric("service", PERIODE)["layanan"]
    )


def _rekap(sample_dir: Path, params: Path, out: Path) -> dict[str, pd.DataFrame]:
    args = build_parser().parse_args(
        ["rekap", str(sample_dir), "--out", str(out), "--periode", PERIODE, "--params", str(params)]
    )
    assert cli_rekap(args) == 0
    return {p.stem: pd.read_csv(p) for p in sorted(out.glob("*.csv"))}


def test_rekap_follows_the_opd_file(sample_dir, saturday, weekdays, tmp_path, capsys):
    sat = _rekap(sample_dir, saturday, tmp_path / "rekap_sabtu")
    wk = _rekap(sample_dir, weekdays, tmp_path / "rekap_senin_jumat")
    capsys.readouterr()
    assert set(sat) == set(wk) and "layanan" in sat
    assert _lab_on_time(sat["layanan"]) < _lab_on_time(wk["layanan"])
    for name in sat:
        own_sat, others_sat = _split(sat[name]) if "kode_opd" in sat[name] else (None, sat[name])
        own_wk, others_wk = _split(wk[name]) if "kode_opd" in wk[name] else (None, wk[name])
        pd.testing.assert_frame_equal(others_sat, others_wk, obj=name)


def test_form_sections_follow_the_opd_file(sample_dir, saturday, weekdays, monkeypatch):
    """The forms' data factory reads KINERJA_PARAMS_DIR (set by ``kinerja app``) into Settings."""
    from kinerja.serve.definitions import form_definitions
    from kinerja.serve.memo import clear_memo, get_data
    from kinerja.serve.render_cache import data_key_of
    from kinerja.serve.sections import Selection, render_section

    section = next(s for s in form_definitions()["laporan_opd"].sections() if s.key == "layanan")
    selection = Selection(kode_opd=OPD, periode=PERIODE)

    def rendered(params: Path) -> tuple[str, str | None, float]:
        clear_memo()
        monkeypatch.setenv("KINERJA_PARAMS_DIR", str(params))
        data = get_data(None, str(sample_dir))
        assert data.settings.params_dir == params.resolve()
        outputs = render_section(section, data, selection)
        text = json.dumps([o.get("data", {}).get("text/html", "") for o in outputs])
        return text, data_key_of(data), _lab_on_time(data.metric("service", PERIODE)["layanan"])

    try:
        html_sat, key_sat, sat = rendered(saturday)
        html_wk, key_wk, wk = rendered(weekdays)
    finally:
        clear_memo()
    assert sat < wk
    assert html_sat != html_wk
    assert f"{sat:.1f}".replace(".", ",") in html_sat
    # the render cache never serves a section drawn under the other settings
    assert key_sat is not None and key_sat != key_wk


@pytest.mark.slow
def test_one_opd_batch_follows_the_opd_file(sample_dir, saturday, weekdays, tmp_path, dataset):
    from kinerja.run.batch import run_batch

    out = tmp_path / "out"
    result = run_batch(
        sample_dir,
        out,
        periode=PERIODE,
        opd=[OPD],
        jobs=1,
        params_dir=saturday,
        include_city=False,
        progress=False,
        echo=False,
    )
    assert result.exit_code == 0, [r.get("error") for r in result.results]
    expected = _lab_on_time(
        ReportData(dataset, settings=load_settings(saturday), today=TODAY).metric(
            "service", PERIODE
        )["layanan"]
    )
    weekday = _lab_on_time(
        ReportData(dataset, settings=load_settings(weekdays), today=TODAY).metric(
            "service", PERIODE
        )["layanan"]
    )
    assert expected < weekday
    html = (out / "opd" / f"{OPD}.html").read_text(encoding="utf-8")
    assert f"{expected:.1f}".replace(".", ",") in html
    from kinerja.report.rekap_xlsx import read_rekap_xlsx

    rekap = read_rekap_xlsx(out / "rekap.xlsx")["layanan"]
    assert _lab_on_time(rekap) == pytest.approx(expected, abs=0.05)


def test_form_default_period_follows_the_opd_file(dataset, tmp_path):
    """A form opened without ``?periode=`` shows the period the OPD's own file sets."""
    from kinerja.serve.options import resolve_defaults

    folder = _params(tmp_path / "periode", "1111110")
    (folder / "opd" / f"{OPD}.yaml").write_text(
        f"kode_opd: {OPD}\nweekmask: '1111110'\nperiode: '2025-TW2'\n", encoding="utf-8"
    )
    data = ReportData(dataset, settings=load_settings(folder), today=TODAY)
    own = resolve_defaults("laporan_opd", data, OPD, None, None)
    assert own["periode"] == "2025-TW2"
    # another OPD, or a period in the URL: unchanged
    other = str(dataset.tables["opd"]["kode_opd"].astype(str).loc[lambda s: s != OPD].iloc[0])
    assert resolve_defaults("laporan_opd", data, other, None, None)["periode"] == str(
        data.periode(None)
    )
    assert resolve_defaults("laporan_opd", data, OPD, "2025", None)["periode"] == "2025"


def test_populasi_and_org_predikat_follow_the_opd_file(dataset, weekdays, tmp_path):
    """``populasi`` sets the Krejcie–Morgan population, ``org_predikat`` the SKP curve check."""
    from kinerja.report.sections.skp import section_skp

    folder = _params(tmp_path / "populasi", None)
    (folder / "opd" / f"{OPD}.yaml").write_text(
        f"kode_opd: {OPD}\npopulasi: 50\norg_predikat: Baik\n", encoding="utf-8"
    )
    own = ReportData(dataset, settings=load_settings(folder), today=TODAY)
    base = ReportData(dataset, settings=load_settings(weekdays), today=TODAY)
    ikm_own, others_own = _split(own.metric("ikm", PERIODE))
    ikm_base, others_base = _split(base.metric("ikm", PERIODE))
    assert int(ikm_own["populasi"].iloc[0]) == 50
    assert int(ikm_base["populasi"].iloc[0]) != 50
    assert int(ikm_own["n_minimum"].iloc[0]) < int(ikm_base["n_minimum"].iloc[0])
    pd.testing.assert_frame_equal(others_own, others_base)

    def text(data: ReportData) -> str:
        return " ".join(
            str(getattr(b, "text", "") or getattr(b, "html", "") or b)
            for b in section_skp(data, kode_opd=OPD, periode=PERIODE, audience="forum")
        )

    assert "Predikat organisasi: Baik" in text(own) or "Predikat organisasi Baik" in text(own)
    assert "belum diisi" in text(base)
