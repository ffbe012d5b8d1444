"""One module per report section; each section is declared once in :mod:`kinerja.report.registry`.

A section builder has the signature ::

    section_x(data: ReportData, *, kode_opd: str, periode: str | Periode,
              audience: Literal["forum", "internal"] = "forum",
              heading_level: int | None = 2) -> list[display object]

(the bottleneck sections also take ``jenis_layanan``; ``heading_level=None`` leaves the heading to
the caller) and returns objects with ``_repr_html_``. Builders only filter the all-OPD metric
tables of :mod:`kinerja.metrics.registry` for one OPD, label and format them.
"""
