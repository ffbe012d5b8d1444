"""Views of the monthly monitoring (``kinerja pantau``): digest, per-OPD pages, workbook, section.

- :mod:`~kinerja.report.monitoring.pages`: forum protection, the city digest, the per-OPD page
  (signals, control charts, Dampak), the Excel workbook;
- :mod:`~kinerja.report.monitoring.svg`: the small inline SVG charts;
- :mod:`~kinerja.report.monitoring.section`: the ``pantau_bulanan`` notebook's registry section.
"""
