"""The static side of a notebook's one call: load the data, display the report, sum up.

A notebook's code cell calls :func:`kinerja.serve.notebook.show` (``show("laporan_opd", ...)``),
which returns a Voila form under Voila and otherwise calls :func:`show` here: the data is
resolved (cache → folder → bundled sample, :func:`kinerja.metrics.store.resolve_data_dir`), one
:class:`~kinerja.metrics.store.ReportData` is kept per source in the kernel
(:func:`kinerja.metrics.store.get_report_data`), the notebook's assembly from
:data:`kinerja.report.registry.NOTEBOOKS` is displayed, and the output ends with one display of
mimetype :data:`~kinerja.report.blocks.SUMMARY_MIME` holding ``{"notebook": ...,
"suppressed_cells": n, ...}``, which the batch reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kinerja.metrics.store import get_report_data
from kinerja.report.blocks import check_audience, summary_bundle
from kinerja.report.registry import notebook

__all__ = ["show"]


def show(
    name: str,
    *,
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
    **params: Any,
) -> int:
    """Display notebook ``name``'s static report; return the number of suppressed cells.

    Parameters
    ----------
    name : str
        A key of :data:`kinerja.report.registry.NOTEBOOKS` (``"laporan_opd"``, ...).
    cache_dir, data_dir, params_dir : path, optional
        Prepared cache of the batch (wins when it exists), raw data folder (default: the bundled
        sample) and ``parameters/`` folder.
    **params
        The notebook's parameters: ``kode_opd``, ``periode``, ``jenis_layanan``, ``audience``
        (validated; ignored by a notebook without an audience parameter).

    Returns
    -------
    int
        Cells hidden by disclosure control in everything displayed.
    """
    spec = notebook(name)
    if spec.audience is not None:
        params["audience"] = check_audience(params.get("audience", spec.audience))
    data = get_report_data(cache_dir=cache_dir, data_dir=data_dir, params_dir=params_dir)
    kwargs, info = spec.prepare(data, params)
    items = spec.assemble(data, **kwargs)
    if name in ("laporan_opd", "ringkasan_kota"):
        items = _with_period_notices(items, data, kwargs.get("periode"))
    return _display(items, {"notebook": name, **info})


def _with_period_notices(items: Sequence[Any], data: Any, periode: Any) -> list[Any]:
    """Say under the title which streams have no rows in the report's period, naming the
    periods that have them (:func:`kinerja.data.periods.period_notices`, from the stored
    ``periode_data`` metric, so the large tables are not read again)."""
    from kinerja.data.periods import period_notices
    from kinerja.report.blocks import warning_box

    if periode is None:
        return list(items)
    notices = period_notices(data.metric("periode_data", None), periode)
    if not notices:
        return list(items)
    at = next(
        (i + 1 for i, it in enumerate(items) if 'class="kinerja-judul"' in getattr(it, "html", "")),
        0,
    )
    return [*items[:at], *(warning_box(n) for n in notices), *items[at:]]


def _display(items: Sequence[Any], info: dict[str, Any], *, summary: bool = True) -> int:
    from IPython.display import display

    total = 0
    ledgers = []
    for item in items:
        display(item)
        total += int(getattr(item, "suppressed", 0) or 0)
        if getattr(item, "ledger", None) is not None:
            ledgers.append(item.ledger)
    if summary:
        extra = {}
        if ledgers:  # published facts of protected cells, read by `kinerja audit`
            from kinerja.protect import Ledger

            extra["ledger"] = Ledger.combine(ledgers).to_dict()
        display(summary_bundle({**info, "suppressed_cells": total, **extra}), raw=True)
    return total
