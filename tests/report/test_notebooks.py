"""The report notebooks: stripped in git, parameterised for Papermill, and executable on a sample.

Each notebook is executed with Papermill (finite ``execution_timeout``) on the shared session
sample (``sample_dir``, tests/conftest.py); the test then checks the key content of its outputs against ``kinerja`` itself (the OPD
name, the IKM as computed by :mod:`kinerja.metrics.survey`, the suppressed-cell summary the batch reads).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from kinerja.report.formatting import fmt_number

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SUMMARY_MIME = "application/vnd.kinerja.protect+json"
PERIODE = "2025"
TIMEOUT = 600  # per cell, seconds: a stalled kernel fails the test instead of hanging it

PARAMETERS = {
    "ikhtisar_data": ["data_dir", "periode"],
    "laporan_opd": ["kode_opd", "periode", "audience", "cache_dir", "data_dir", "params_dir"],
    "ringkasan_kota": ["periode", "audience", "cache_dir", "data_dir", "params_dir"],
    "penjelajah_hambatan": ["kode_opd", "jenis_layanan", "periode", "cache_dir", "data_dir"],
    "register_tindak_lanjut": ["kode_opd", "audience", "cache_dir", "data_dir"],
}


def _parameters_cell(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    return code[0]


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_notebook_is_stripped_and_parameterised(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    first = _parameters_cell(nb)
    assert "parameters" in first.metadata.get("tags", [])
    assigned = [
        t.id
        for node in ast.parse(first.source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
    ]
    assert assigned == PARAMETERS[name]
    # papermill must see every parameter (it cannot parse some comments, e.g. with "=")
    import papermill as pm

    assert list(pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))) == PARAMETERS[name]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, name
    # a few cells that call kinerja, no business logic
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 2
    assert "kinerja.serve.notebook" in code[1].source
    # Indonesian markdown heading
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


# ---------------------------------------------------------------------------------------------
# execution on the shared sample (each starts a kernel: marked slow)
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample(sample_dir, tmp_path_factory):
    """The shared sample folder and its prepared cache (as the batch writes it)."""
    from kinerja.data.dataset import load

    base = tmp_path_factory.mktemp("nb")
    folder = sample_dir
    ds = load(folder)
    cache = base / "cache"
    ds.save_cache(cache)
    return {"folder": folder, "cache": cache, "dataset": ds, "base": base}


def _execute(name: str, out_dir: Path, parameters: dict, env_cache: Path, monkeypatch):
    import papermill as pm

    from kinerja.compat import jupyter_client as jupyter_patch

    jupyter_patch.apply()
    monkeypatch.setenv("KINERJA_FOLDER_CACHE", str(env_cache))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = out_dir / f"{name}.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        execution_timeout=TIMEOUT,
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def _outputs(nb) -> tuple[str, list[dict]]:
    html, summaries = [], []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                raise AssertionError(f"{o['ename']}: {o['evalue']}")
            data = o.get("data", {})
            if "text/html" in data:
                html.append(data["text/html"])
            if SUMMARY_MIME in data:
                summaries.append(data[SUMMARY_MIME])
    return "".join(html), summaries


def _ikm(sample, kode: str) -> str:
    from kinerja.metrics.survey import ikm_table

    t = ikm_table(sample["dataset"].tables["skm"], by=("kode_opd",), periode=PERIODE)
    return fmt_number(t.loc[t["kode_opd"] == kode, "ikm"].iloc[0], 2)


def _gate(sample):
    from kinerja.protect import PersonalDataGate

    return PersonalDataGate.from_pegawai(sample["dataset"].tables["pegawai"])


@pytest.mark.slow
def test_laporan_opd_forum(sample, tmp_path, monkeypatch):
    nb = _execute(
        "laporan_opd",
        tmp_path,
        {
            "kode_opd": "DPMPTSP",
            "periode": PERIODE,
            "audience": "forum",
            "cache_dir": str(sample["cache"]),
            "data_dir": str(sample["folder"]),
        },
        tmp_path / "fc",
        monkeypatch,
    )
    html, summaries = _outputs(nb)
    assert "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu" in html
    assert f">{_ikm(sample, 'DPMPTSP')}<" in html
    for head in (
        "Temuan Utama",
        "Indeks Kepuasan Masyarakat (IKM)",
        "Predikat Kinerja Pegawai (SKP)",
        "Waktu Layanan dan Tahap Hambatan",
        "Pengaduan Masyarakat",
        "Pengembangan Kompetensi (20 JP)",
        "Tindak Lanjut Forum Evaluasi",
    ):
        assert head in html
    assert "data:image/png;base64," in html
    assert "RAHASIA" not in html
    assert _gate(sample).scan(html) == []
    assert len(summaries) == 1
    assert summaries[0]["suppressed_cells"] > 0  # DPMPTSP has fewer than 10 ASN at this scale
    assert summaries[0]["kode_opd"] == "DPMPTSP" and summaries[0]["audience"] == "forum"


@pytest.mark.slow
def test_ringkasan_kota(sample, tmp_path, monkeypatch):
    nb = _execute(
        "ringkasan_kota",
        tmp_path,
        {"periode": PERIODE, "cache_dir": str(sample["cache"])},
        tmp_path / "fc",
        monkeypatch,
    )
    html, summaries = _outputs(nb)
    assert "Peringkat IKM" in html and "Naik dan Turun" in html
    assert f">{_ikm(sample, 'DISDUKCAPIL')}<" in html
    assert _gate(sample).scan(html) == []
    assert isinstance(summaries[0]["suppressed_cells"], int)


@pytest.mark.slow
def test_penjelajah_hambatan(sample, tmp_path, monkeypatch):
    nb = _execute(
        "penjelajah_hambatan",
        tmp_path,
        {
            "kode_opd": "DPMPTSP",
            "jenis_layanan": "Sertifikat Standar Usaha",
            "periode": PERIODE,
            "cache_dir": str(sample["cache"]),
        },
        tmp_path / "fc",
        monkeypatch,
    )
    html, _ = _outputs(nb)
    assert "Sertifikat Standar Usaha" in html
    assert "Verifikasi Administrasi" in html  # the planted slow stage
    assert "Permohonan Paling Lambat" in html


@pytest.mark.slow
def test_register_internal_and_forum(sample, tmp_path, monkeypatch):
    nb = _execute(
        "register_tindak_lanjut",
        tmp_path,
        {"kode_opd": "DPMPTSP", "audience": "internal", "cache_dir": str(sample["cache"])},
        tmp_path / "fc",
        monkeypatch,
    )
    html, _ = _outputs(nb)
    assert "RAHASIA — hanya untuk internal OPD" in html
    forum_dir = tmp_path / "forum"
    forum_dir.mkdir()
    nb = _execute(
        "register_tindak_lanjut",
        forum_dir,
        {"kode_opd": "DPMPTSP", "audience": "forum", "cache_dir": str(sample["cache"])},
        tmp_path / "fc",
        monkeypatch,
    )
    html, _ = _outputs(nb)
    assert "hanya untuk audiens internal" in html
    assert _gate(sample).scan(html) == []


@pytest.mark.slow
def test_ikhtisar_data_from_folder(sample, tmp_path, monkeypatch):
    nb = _execute(
        "ikhtisar_data",
        tmp_path,
        {"data_dir": str(sample["folder"]), "periode": PERIODE},
        tmp_path / "fc",
        monkeypatch,
    )
    html, summaries = _outputs(nb)
    assert "Berkas yang dimuat" in html and "Cakupan data per OPD dan per bulan" in html
    n_skm = len(sample["dataset"].tables["skm"])
    assert f">{fmt_number(n_skm, 0)}<" in html
    assert summaries and summaries[0]["suppressed_cells"] == 0
    # the folder was validated once and cached outside the data folder
    assert any((tmp_path / "fc").iterdir())
    assert not any(p.name == "dataset.json" for p in sample["folder"].rglob("*"))


@pytest.mark.slow
def test_summary_output_is_invisible_in_html(sample, tmp_path, monkeypatch):
    """nbconvert shows nothing for the summary bundle (it is for the batch manifest)."""
    from nbconvert import HTMLExporter

    nb = _execute(
        "ringkasan_kota",
        tmp_path,
        {"periode": PERIODE, "cache_dir": str(sample["cache"])},
        tmp_path / "fc",
        monkeypatch,
    )
    body, _ = HTMLExporter(exclude_input=True).from_notebook_node(nb)
    assert "suppressed_cells" not in body
    assert "Peringkat IKM" in body
