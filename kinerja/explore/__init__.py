"""Exploring the report's numbers in JupyterLab: ``lap = kinerja.buka("data/sampel")``.

``lap.ikm()``, ``lap.ikm("DPMPTSP")``, ``lap.layanan("DPMPTSP")``,
``lap.hambatan("DPMPTSP", "Sertifikat Standar Usaha")``, ``lap.skp()``, ``lap.pelatihan()``,
``lap.pengaduan()``, ``lap.unsur("DPMPTSP")``, ``lap.kota()``, ``lap.opd()`` return DataFrames
(forum-protected by default), shown in id-ID in a notebook (:mod:`kinerja.explore.display`).
"""

from kinerja.explore.display import styled
from kinerja.explore.jelajah import Jelajah, buka

__all__ = ["Jelajah", "buka", "styled"]
