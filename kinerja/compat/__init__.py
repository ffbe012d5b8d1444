"""Patches of third-party libraries, one module per upstream: applied explicitly by ``run`` and
``serve``, undoable, guarded by a version check, each naming the upstream issue it works around.
"""
