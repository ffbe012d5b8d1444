"""kinerja: workbench evaluasi kinerja ASN Kota Salatiga.

The public API is re-exported here; modules are listed in ``docs/architecture.md``.
"""

from __future__ import annotations

from kinerja.domain.period import Periode

__version__ = "0.1.0"

__all__ = ["Dataset", "Periode", "__version__", "buka", "load"]


def __getattr__(name: str):
    # kinerja.load / kinerja.Dataset / kinerja.buka, imported on first use so that
    # ``import kinerja`` (and the CLI front door) stays light
    if name in ("load", "Dataset"):
        from kinerja.data import dataset

        return getattr(dataset, name)
    if name == "buka":  # lap = kinerja.buka("data/sampel"): DataFrames for exploring
        from kinerja.explore import buka

        return buka
    raise AttributeError(f"module 'kinerja' has no attribute {name!r}")
