"""``kinerja batch``: the prepared cache, the notebook tasks, their executors and forked kernels,
the manifest and the index.
"""
