"""Tests of kinerja.domain.resources and the wheel layout: the package finds its notebooks,
parameters and holiday calendar without a checkout, and a project folder's own copies win."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kinerja.domain import resources as R
from kinerja.domain.calendar import default_holiday_path
from kinerja.domain.params import default_params_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """Work from an empty folder outside the repository."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_shipped_copies_are_found_outside_the_project(elsewhere):
    params = R.parameters_dir()
    assert (params / "default.yaml").is_file() and (params / "opd" / "RSUD.yaml").is_file()
    assert params == R.shipped_dir("parameters") == default_params_dir()
    for name in R.NOTEBOOK_NAMES:
        assert R.notebook_path(name).is_file()
        assert R.notebook_path(f"{name}.ipynb") == R.notebook_path(name)
    assert R.notebooks_dir() == R.shipped_dir("notebooks")
    assert R.holiday_csv() == params / "hari_libur.csv" == default_holiday_path()
    assert (R.templates_dir() / "kinerja_html" / "index.html.j2").is_file()
    assert (R.reference_data_dir() / "opd_salatiga.csv").is_file()
    assert R.sample_dir(elsewhere) == elsewhere / "data" / "sampel"


def test_project_folder_wins(elsewhere):
    (elsewhere / "parameters").mkdir()
    (elsewhere / "parameters" / "default.yaml").write_text("periode: '2026'\n")
    (elsewhere / "notebooks").mkdir()
    own = elsewhere / "notebooks" / "laporan_opd.ipynb"
    own.write_text("{}")
    assert R.parameters_dir() == elsewhere / "parameters" == default_params_dir()
    assert R.notebook_path("laporan_opd") == own
    # file by file: a notebook the project lacks comes from the package
    assert R.notebook_path("ringkasan_kota") == R.shipped_dir("notebooks") / "ringkasan_kota.ipynb"
    assert R.notebooks_dir() == elsewhere / "notebooks"
    # no hari_libur.csv in the project's parameters: the shipped calendar
    assert R.holiday_csv() == R.shipped_dir("parameters") / "hari_libur.csv"
    (elsewhere / "parameters" / "hari_libur.csv").write_text("tanggal,nama,jenis,sumber\n")
    assert R.holiday_csv() == elsewhere / "parameters" / "hari_libur.csv"


def test_an_explicit_project_folder(tmp_path):
    (tmp_path / "parameters").mkdir()
    assert R.parameters_dir(tmp_path) == R.shipped_dir("parameters")  # no default.yaml
    (tmp_path / "parameters" / "default.yaml").write_text("")
    assert R.parameters_dir(tmp_path) == tmp_path / "parameters"


@pytest.mark.parametrize("name", ["../laporan_opd", "x/laporan_opd", ".ipynb", "tidak_ada"])
def test_bad_or_missing_notebook(name, elsewhere):
    with pytest.raises(R.ResourceError):
        R.notebook_path(name)


def test_checkout_is_recognised():
    assert R.source_checkout() == ROOT
    assert R.shipped_dir("notebooks") in (
        ROOT / "notebooks",
        ROOT / "kinerja/domain/_shipped/notebooks",
    )
    with pytest.raises(ValueError):
        R.shipped_dir("data")


def test_pyproject_ships_every_package_and_file():
    """The explicit package list of pyproject.toml matches the kinerja/ tree, and the mapped
    notebooks/ and parameters/ folders are shipped whole (a new subpackage must be listed)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(conf["packages"])
    mapped = conf["package-dir"]
    in_tree = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kinerja").rglob("__init__.py")
    }
    assert in_tree - listed == set(), "pyproject.toml [tool.setuptools] packages: add these"
    assert listed - set(mapped) - in_tree == set(), "listed packages that do not exist"
    assert mapped == {
        "kinerja.domain._shipped.notebooks": "notebooks",
        "kinerja.domain._shipped.parameters": "parameters",
        "kinerja.domain._shipped.parameters.opd": "parameters/opd",
    }
    data = conf["package-data"]
    for package, folder in mapped.items():
        patterns = data[package]
        files = [p for p in (ROOT / folder).iterdir() if p.is_file()]
        missed = [p.name for p in files if not any(p.match(pat) for pat in patterns)]
        assert missed == [], f"{folder}: not shipped by {patterns}"
