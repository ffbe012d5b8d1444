"""Regenerate the fixture notebooks of tests/notebooks/ (run: python tests/notebooks/build_fixtures.py).

Each fixture is a tiny papermill-style notebook (a cell tagged ``parameters`` first) used by the
batch/export tests so that they do not depend on the real report notebooks. One fixture per failure
mode, plus ``laporan_fixture.ipynb``, whose behaviour depends on ``kode_opd`` so that one batch can mix
successes and failures.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

PARAMS = """\
kode_opd = "CONTOH"
periode = "2025"
audience = "forum"
cache_dir = ""
params_dir = ""
"""

PARAMS_KOTA = """\
periode = "2025"
audience = "forum"
cache_dir = ""
params_dir = ""
"""

BODY_OK = """\
import base64
from pathlib import Path

from IPython.display import HTML, Image, Markdown, display

# 1x1 PNG, to check that images end up embedded (base64) in HTML and slides
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
display(Image(data=PNG, format="png"))
cache_files = sorted(p.name for p in Path(cache_dir).glob("*")) if cache_dir else []
display(Markdown(f"Laporan **{kode_opd}** periode {periode} ({audience}); cache: {len(cache_files)} berkas"))
display(HTML("<table><tr><th>unsur</th><th>nilai</th></tr><tr><td>waktu</td><td>3,21</td></tr></table>"))
# what the privacy layer reports: number of suppressed cells of this report
display({"application/vnd.kinerja.protect+json": {"suppressed_cells": 2}}, raw=True)
"""

DISPATCH = """\
import os
import sys
import time

if kode_opd.startswith("ERR"):
    raise ValueError(f"kesalahan uji untuk {kode_opd}")
if kode_opd.startswith("EXIT"):
    sys.exit(3)
if kode_opd.startswith("SLOW"):
    time.sleep(600)
if kode_opd.startswith("KILL"):
    os.kill(os.getpid(), 9)
if kode_opd.startswith("LEAK"):
    # a name from pegawai.csv, assembled so that the cell source itself does not contain it
    print("Penanggung jawab:", " ".join(["Pegawai", "Uji", "Satu"]))
"""


def _nb(cells, title):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = title
    return nb


def _params(src=PARAMS):
    return new_code_cell(src, metadata={"tags": ["parameters"]})


def build() -> None:
    fixtures = {
        "ok.ipynb": [_params(), new_markdown_cell("# Laporan uji"), new_code_cell(BODY_OK)],
        "raises.ipynb": [
            _params(),
            new_markdown_cell("# Sel yang gagal"),
            new_code_cell('x = 1\nraise RuntimeError("sel ini sengaja gagal")'),
            new_code_cell('print("tidak pernah dijalankan")'),
        ],
        "sysexit.ipynb": [_params(), new_code_cell("import sys\nsys.exit(3)")],
        "slow.ipynb": [_params(), new_code_cell("import time\ntime.sleep(600)")],
        "no_parameters.ipynb": [new_code_cell('kode_opd = "X"'), new_code_cell("print(kode_opd)")],
        "empty_imports.ipynb": [
            _params(),
            new_code_cell("import pandas\nimport seaborn\nimport ipywidgets\nimport kinerja"),
        ],
        "laporan_fixture.ipynb": [
            _params(),
            new_markdown_cell("# Laporan OPD (fixture)"),
            new_code_cell(DISPATCH),
            new_code_cell(BODY_OK),
        ],
        "ringkasan_fixture.ipynb": [
            _params(PARAMS_KOTA),
            new_markdown_cell("# Ringkasan kota (fixture)"),
            new_code_cell('print(f"ringkasan {periode} {audience}")'),
        ],
    }
    for name, cells in fixtures.items():
        nbformat.write(_nb(cells, name.removesuffix(".ipynb")), HERE / name)


if __name__ == "__main__":
    build()
