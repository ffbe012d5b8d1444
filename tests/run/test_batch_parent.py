"""The batch parent's own steps stay light: notebook check without nbformat, atomic writes
without nbconvert, a reused cache read lazily (only the opd table)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kinerja.data.atomic import atomic_write_text
from kinerja.run import batch
from kinerja.run import cache as batch_cache

ROOT = Path(__file__).resolve().parents[2]


def _nb(path: Path, cells: list[dict], nbformat: int = 4) -> Path:
    path.write_text(
        json.dumps({"nbformat": nbformat, "nbformat_minor": 5, "metadata": {}, "cells": cells}),
        encoding="utf-8",
    )
    return path


def _cell(tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": "x = 1", "outputs": []}


def test_check_notebook(tmp_path):
    batch.check_notebook(_nb(tmp_path / "ok.ipynb", [_cell(["parameters"]), _cell()]))
    with pytest.raises(batch.BatchError, match="tidak memiliki sel bertag 'parameters'"):
        batch.check_notebook(_nb(tmp_path / "tanpa.ipynb", [_cell()]))
    (tmp_path / "rusak.ipynb").write_text("{bukan json", encoding="utf-8")
    with pytest.raises(batch.BatchError, match="tidak dapat dibaca"):
        batch.check_notebook(tmp_path / "rusak.ipynb")
    (tmp_path / "aneh.ipynb").write_text('{"nbformat": 4, "cells": [1, 2]}', encoding="utf-8")
    with pytest.raises(batch.BatchError, match="tidak dapat dibaca"):
        batch.check_notebook(tmp_path / "aneh.ipynb")
    with pytest.raises(batch.BatchError, match="tidak ditemukan"):
        batch.check_notebook(tmp_path / "tidak-ada.ipynb")


def test_atomic_write_text(tmp_path):
    target = tmp_path / "sub" / "index.html"
    atomic_write_text(target, "<p>halo</p>")
    atomic_write_text(target, "<p>baru</p>")
    assert target.read_text(encoding="utf-8") == "<p>baru</p>"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]  # no temporary left


def test_parent_steps_import_neither_nbformat_nor_nbconvert(tmp_path):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kinerja.data.atomic import atomic_write_text\n"
        "from kinerja.run import batch\n"
        f"batch.check_notebook(Path({str(ROOT / 'notebooks' / 'laporan_opd.ipynb')!r}))\n"
        f"atomic_write_text(Path({str(tmp_path / 'm.json')!r}), '{{}}')\n"
        "print('nbformat' in sys.modules, 'nbconvert' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_reused_cache_reads_only_the_opd_table(tmp_path):
    from fixtures.builders import write_folder

    data = write_folder(tmp_path / "data")
    first = batch_cache.prepare_cache(data, tmp_path / "out")
    again = batch_cache.prepare_cache(data, tmp_path / "out")
    assert again.status == "dipakai ulang" and again.path == first.path
    assert list(again.opd["kode_opd"]) == list(first.opd["kode_opd"])
    assert again.summary == first.summary
    ds = batch_cache._from_cache(again.path)
    ds.get("opd")
    assert ds.tables.loaded == ["opd"]
