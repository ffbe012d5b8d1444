"""Views: display blocks, charts, id-ID formatting, Temuan sentences, one module per section,
the section registry, HTML/slides export and the forum workbook (rekap).
"""
