"""kinerja: workbench evaluasi kinerja ASN Kota Salatiga.

The public API is re-exported here; modules are listed in ``docs/architecture.md``.
"""

from __future__ import annotations

from kinerja.period import Periode

__version__ = "0.1.0"

__all__ = ["Periode", "__version__"]
