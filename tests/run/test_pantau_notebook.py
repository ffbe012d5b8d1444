"""The ``pantau_bulanan`` notebook: a Papermill report and a Voila form over the same section."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "pantau_bulanan.ipynb"
PARAMS = ["kode_opd", "periode", "audience", "cache_dir", "data_dir", "params_dir"]


def test_notebook_is_stripped_and_parameterised():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 2 and "parameters" in code[0].metadata.get("tags", [])
    names = [
        t.id for n in ast.parse(code[0].source).body if isinstance(n, ast.Assign) for t in n.targets
    ]
    assert names == PARAMS
    import papermill as pm

    assert list(pm.inspect_notebook(str(NOTEBOOK))) == PARAMS
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert 'show(\n    "pantau_bulanan"' in code[1].source


def test_registered_as_report_and_form():
    from kinerja.report.registry import NOTEBOOKS, sections_for
    from kinerja.serve.definitions import form_definitions

    spec = NOTEBOOKS["pantau_bulanan"]
    assert spec.form and spec.controls == ("kode_opd", "periode")
    assert [s.key for s in sections_for("pantau_bulanan")] == ["pantau"]
    form = form_definitions()["pantau_bulanan"]
    assert form.controls == ("kode_opd", "periode") and len(form.sections()) == 1


def test_section_for_a_month_and_for_a_year(sample_dir):
    from kinerja.data.dataset import load
    from kinerja.domain.settings import load_settings
    from kinerja.metrics.store import ReportData
    from kinerja.report.monitoring.section import month_of, sections_pantau

    data = ReportData(load(sample_dir), settings=load_settings(None), source=str(sample_dir))
    blocks = sections_pantau(data, kode_opd="DPMPTSP", periode="2025-03")
    html = "".join(b._repr_html_() for b in blocks)
    assert "Pemantauan bulanan" in html and "Sinyal Maret 2025" in html
    assert 'class="bagan-kendali"' in html and "Dampak" in html
    assert "<script" not in html
    months = [m for m in __import__("pandas").date_range("2025-01-01", "2025-12-01", freq="MS")]
    assert f"{month_of('2025-TW2', months):%Y-%m}" == "2025-06"
    assert f"{month_of('2025', months):%Y-%m}" == "2025-12"
    assert f"{month_of(None, months):%Y-%m}" == "2025-12"


@pytest.mark.slow
def test_papermill_report_on_the_sample(sample_dir, tmp_path):
    import papermill as pm

    out = tmp_path / "pantau.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"kode_opd": "DPMPTSP", "periode": "2025-03", "data_dir": str(sample_dir)},
        cwd=str(NOTEBOOK.parent),
        execution_timeout=600,
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    html = "".join(
        o.get("data", {}).get("text/html", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "Pemantauan bulanan" in html and "bagan-kendali" in html
