"""Shared pytest fixtures (kept small and generic).

Layout: ``tests/<layer>/`` holds the tests of ``kinerja/<layer>/`` (domain, data, metrics,
protect, report, run, serve, compat); the tests at the top check the project as a whole.
``tests/fixtures/`` and ``tests/fixtures_privacy/`` are importable helpers (``pythonpath`` in
pyproject.toml), ``tests/notebooks/`` holds the batch's fixture notebooks.

``sample_dir``: the one shared synthetic Salatiga data folder, made once per test session by
``kinerja.data.sample.generate(out, seed=2026, scale=0.05, year=2025)``. Read it, never modify
it: a test that needs to change files copies it first (``shutil.copytree``).

Tests that start a Jupyter kernel, a Papermill/nbconvert execution, a Voila server, a ``kinerja
batch`` subprocess or a browser, or that run over 5 s, are marked ``slow``; ``make test-fast``
(``pytest -m "not slow"``) leaves them out.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SAMPLE_SEED = 2026
SAMPLE_SCALE = 0.05
SAMPLE_YEAR = 2025


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated sample data folder (CSV), shared by the whole session. Do not modify it."""
    from kinerja.data.sample import generate

    out = tmp_path_factory.mktemp("sampel")
    generate(out, seed=SAMPLE_SEED, scale=SAMPLE_SCALE, year=SAMPLE_YEAR)
    return out


#: the two forum reports the deck and PDF tests look at: (key, notebook, parameters, title)
FORUM_REPORTS = (
    ("opd", "laporan_opd", {"kode_opd": "DPMPTSP"}, "Laporan Kinerja DPMPTSP — 2025"),
    ("kota", "ringkasan_kota", {}, "Ringkasan Kinerja Kota Salatiga — 2025"),
)


@pytest.fixture(scope="session")
def sample_reports(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """DPMPTSP's report and the city overview executed once per session on ``sample_dir``.

    ``{key: {"nb": NotebookNode, "title": str}}`` for ``key`` in ``opd``, ``kota``
    (:data:`FORUM_REPORTS`), executed with Papermill as the batch does (period 2025). The deck,
    PDF and page-layout tests export and print these instead of each running the two kernels.
    """
    import nbformat
    import papermill as pm

    from kinerja.compat import jupyter_client as jupyter_patch

    jupyter_patch.apply()
    base = tmp_path_factory.mktemp("laporan_forum")
    saved = {k: os.environ.get(k) for k in ("KINERJA_FOLDER_CACHE", "MPLBACKEND")}
    os.environ["KINERJA_FOLDER_CACHE"] = str(base / "fc")
    os.environ["MPLBACKEND"] = "Agg"
    made = {}
    try:
        for key, name, params, title in FORUM_REPORTS:
            out = base / f"{key}.ipynb"
            pm.execute_notebook(
                str(ROOT / "notebooks" / f"{name}.ipynb"),
                str(out),
                parameters={**params, "periode": str(SAMPLE_YEAR), "data_dir": str(sample_dir)},
                kernel_name="python3",
                cwd=str(ROOT / "notebooks"),
                execution_timeout=600,
                progress_bar=False,
            )
            made[key] = {"nb": nbformat.read(out, as_version=4), "title": title}
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return made


# tests/notebooks/ holds fixture notebooks for the batch tests (a raising cell, sys.exit, a cell
# that sleeps past its timeout...): they are inputs, not notebooks to run under nbval.
collect_ignore_glob = ["notebooks/*.ipynb"]
