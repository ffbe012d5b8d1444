"""Copies of the project's ``notebooks/`` and ``parameters/`` folders shipped inside the wheel.

Nothing lives here in the repository but this file: ``pyproject.toml`` maps the subpackages
``kinerja.domain._shipped.notebooks`` -> ``notebooks/`` and
``kinerja.domain._shipped.parameters`` -> ``parameters/`` (``[tool.setuptools.package-dir]``),
so a built wheel carries the same files the checkout has, without a second copy in git. Find
them with :mod:`kinerja.domain.resources`, never by path arithmetic: a project folder's own
``notebooks/`` and ``parameters/`` win over these.
"""
