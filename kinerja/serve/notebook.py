"""What a report notebook calls: ``show("<name>", **parameters)``, one call per notebook.

Under Voila a notebook that is a form (:data:`kinerja.report.registry.NOTEBOOKS`, ``form=True``)
returns the form (:func:`kinerja.serve.entry.run`: drop-downs over the same section builders);
under Papermill and JupyterLab it displays the static report and returns the number of
suppressed cells (:func:`kinerja.report.notebook.show`).
"""

from __future__ import annotations

from typing import Any

from kinerja.report import notebook as static
from kinerja.report.blocks import check_audience
from kinerja.report.registry import notebook
from kinerja.serve.query import is_voila

__all__ = ["show"]


def show(name: str, **params: Any) -> Any:
    """Show notebook ``name``: a form under Voila, the static report otherwise.

    Parameters
    ----------
    name : str
        A key of :data:`kinerja.report.registry.NOTEBOOKS` (``"laporan_opd"``,
        ``"penjelajah_hambatan"``, ``"ringkasan_kota"``, ``"ikhtisar_data"``,
        ``"register_tindak_lanjut"``).
    **params
        The notebook's parameters (``kode_opd``, ``periode``, ``jenis_layanan``, ``audience``,
        ``cache_dir``, ``data_dir``, ``params_dir``), as its parameters cell sets them.

    Returns
    -------
    int or kinerja.serve.form.Form
        Suppressed cells of the static report, or the form under Voila.
    """
    spec = notebook(name)
    if spec.form and is_voila():
        from kinerja.serve.entry import run

        if spec.audience is not None:
            params["audience"] = check_audience(params.get("audience", spec.audience))
        params.pop("params_dir", None)  # a form reads KINERJA_PARAMS_DIR
        return run(name, **params)
    return static.show(name, **params)
