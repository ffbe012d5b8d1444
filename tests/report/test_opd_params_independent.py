"""Per-OPD parameter files on an independent folder: a Saturday weekmask, a population for the
SKM sample size and an organisation predikat each change DPMPTSP's report and rekap, and no
other OPD's.

The folder is not the bundled sample: ``kinerja sample --scale 0.2 --year 2026 --seed 7``, then
cut as an export taken in November would be (rows after October dropped, the annual and fourth
quarter SKP not assessed yet), with no period given anywhere (``periode: auto``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kinerja.cli import main
from kinerja.data.dataset import load
from kinerja.domain.resources import shipped_dir
from kinerja.domain.settings import load_settings
from kinerja.metrics.store import ReportData
from kinerja.report.registry import sections_opd

pytestmark = pytest.mark.slow

OPD, OTHER = "DPMPTSP", "DISDUKCAPIL"
CUT = "2026-10-31 23:59:59"
TODAY = "2026-11-16"
POPULASI = 5000
# Krejcie & Morgan: n = X² N P(1-P) / (d² (N-1) + X² P(1-P)), X² = 3,841, P = 0,5, d = 0,05:
# 3,841 × 5000 × 0,25 / (0,0025 × 4999 + 3,841 × 0,25) = 4801,25 / 13,45775 = 356,76 -> 357
N_MINIMUM = 357
DATED = {
    "skm": ["tanggal"],
    "layanan": ["mulai", "selesai"],
    "pengaduan": ["tanggal_masuk", "tanggal_tanggapan", "tanggal_selesai"],
    "laporan_kinerja": ["tanggal", "waktu_lapor", "waktu_verifikasi"],
    "pelatihan": ["tanggal_mulai", "tanggal_selesai"],
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ekspor_2026")
    args = ["sample", "--out", str(out), "--scale", "0.2", "--year", "2026", "--seed", "7"]
    assert main(args) == 0
    for table, columns in DATED.items():  # an export taken in November
        path = out / f"{table}.csv"
        df = pd.read_csv(path, dtype="str", keep_default_na=False)
        late = pd.Series(False, index=df.index)
        for col in columns:
            late |= df[col].ne("") & df[col].gt(CUT)
        if table == "layanan":  # a request leaves the export whole
            late = df["id_permohonan"].isin(df.loc[late, "id_permohonan"])
        df.loc[~late].to_csv(path, index=False)
    skp = pd.read_csv(out / "penilaian_skp.csv", dtype="str", keep_default_na=False)
    skp.loc[~skp["periode"].isin(["2026", "2026-TW4"])].to_csv(
        out / "penilaian_skp.csv", index=False
    )
    return out


def _params(root: Path, opd_file: str | None) -> Path:
    root.mkdir()
    src = shipped_dir("parameters")
    shutil.copy(src / "default.yaml", root)
    shutil.copy(src / "hari_libur.csv", root)
    (root / "opd").mkdir()
    if opd_file is not None:
        (root / "opd" / f"{OPD}.yaml").write_text(f"kode_opd: {OPD}\n{opd_file}", "utf-8")
    return root


@pytest.fixture(scope="module")
def params(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("parameter")
    own = f"weekmask: '1111110'\npopulasi: {POPULASI}\norg_predikat: Kurang\n"
    return {"own": _params(root / "own", own), "none": _params(root / "none", None)}


@pytest.fixture(scope="module")
def reports(folder: Path, params: dict[str, Path]) -> dict[str, ReportData]:
    ds = load(folder)
    return {k: ReportData(ds, settings=load_settings(p), today=TODAY) for k, p in params.items()}


def _text(data: ReportData, kode: str) -> str:
    return "\n".join(getattr(b, "text", "") for b in sections_opd(data, kode_opd=kode))


def _rows(df: pd.DataFrame, kode: str, own: bool = True) -> pd.DataFrame:
    keep = (df["kode_opd"].astype("str") == kode) == own
    return df.loc[keep].reset_index(drop=True)


def test_the_period_is_chosen_from_the_folder(reports, folder, params, capsys):
    assert str(reports["own"].periode(None)) == "2026"
    assert main(["validate", str(folder), "--quarantine", str(folder.parent / "q")]) in (0, 1)
    assert "Periode: 2026 (data terakhir: Oktober 2026)" in capsys.readouterr().out.splitlines()


def test_the_saturday_weekmask_changes_dpmptsp_only(reports):
    own, none = (reports[k].metric("service", "2026")["layanan"] for k in ("own", "none"))
    assert reports["own"].settings.weekmask_for(OPD) == "1111110"
    # Saturdays count as working days: lead times grow, on-time shares cannot rise
    a, b = _rows(own, OPD), _rows(none, OPD)
    assert (a["median_hari_kerja"] >= b["median_hari_kerja"]).all()
    assert (a["p90_hari_kerja"] > b["p90_hari_kerja"]).any()
    pd.testing.assert_frame_equal(_rows(own, OPD, False), _rows(none, OPD, False))


def test_the_population_sets_the_skm_sample_size_of_dpmptsp_only(reports):
    own, none = (reports[k].metric("ikm", "2026").set_index("kode_opd") for k in ("own", "none"))
    assert own.loc[OPD, "populasi"] == POPULASI and own.loc[OPD, "n_minimum"] == N_MINIMUM
    assert none.loc[OPD, "populasi"] != POPULASI
    pd.testing.assert_frame_equal(own.drop(index=OPD), none.drop(index=OPD))
    text = _text(reports["own"], OPD)
    assert "5.000" in text and "357" in text


def test_the_organisation_predikat_reaches_dpmptsp_report_only(reports):
    own = _text(reports["own"], OPD)
    assert "Predikat organisasi Kurang" in own or "Predikat organisasi: Kurang" in own
    assert "org_predikat" not in own  # the 'not set' notice is gone
    for data in reports.values():
        assert "Predikat kinerja organisasi belum diisi" in _text(data, OTHER)
    assert "Predikat kinerja organisasi belum diisi" in _text(reports["none"], OPD)


def test_the_rekap_follows_the_opd_file(folder, params, tmp_path, capsys):
    out = {}
    for key, p in params.items():
        target = tmp_path / key
        assert main(["rekap", str(folder), "--out", str(target), "--params", str(p)]) == 0
        assert "Periode: 2026 (data terakhir: Oktober 2026)" in capsys.readouterr().out
        out[key] = {f.stem: pd.read_csv(f) for f in sorted(target.glob("*.csv"))}
    lay_own, lay_none = out["own"]["layanan"], out["none"]["layanan"]
    assert not _rows(lay_own, OPD).equals(_rows(lay_none, OPD))
    for name, table in out["own"].items():
        if "kode_opd" in table.columns:
            pd.testing.assert_frame_equal(
                _rows(table, OPD, False), _rows(out["none"][name], OPD, False), obj=name
            )
