"""Reading and checking the exports: cell parsing, file reading, validation with quarantine,
``load(folder)`` -> ``Dataset``, atomic writes, per-OPD parameter files and the synthetic sample.
"""
