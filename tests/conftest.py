"""Shared pytest fixtures (kept small and generic).

``sample_dir``: a small synthetic Salatiga data folder made once per test session by
``kinerja.data.sample.generate(out, seed=..., scale=0.05)``; skipped with a clear reason when the
sample generator module is absent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SAMPLE_SEED = 2026
SAMPLE_SCALE = 0.05


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated sample data folder (CSV), shared by the whole session. Do not modify it."""
    if importlib.util.find_spec("kinerja.data.sample") is None:
        pytest.skip("kinerja.data.sample belum ada: data sampel tidak dapat dibuat")
    from kinerja.data.sample import generate

    out = tmp_path_factory.mktemp("sampel")
    generate(out, seed=SAMPLE_SEED, scale=SAMPLE_SCALE)
    return out


# tests/notebooks/ holds fixture notebooks for the batch tests (a raising cell, sys.exit, a cell
# that sleeps past its timeout...): they are inputs, not notebooks to run under nbval.
collect_ignore_glob = ["notebooks/*.ipynb"]
