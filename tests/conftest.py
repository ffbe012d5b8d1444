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

from pathlib import Path

import pytest

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


# tests/notebooks/ holds fixture notebooks for the batch tests (a raising cell, sys.exit, a cell
# that sleeps past its timeout...): they are inputs, not notebooks to run under nbval.
collect_ignore_glob = ["notebooks/*.ipynb"]
