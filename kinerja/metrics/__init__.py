"""Metric tables, one module per evaluation stream: pure functions, DataFrames in and out, no display
text. ``registry`` declares the tables the reports use; ``store`` memoises them over a ``Dataset``.
"""
