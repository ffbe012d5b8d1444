"""Errors of the data layer, shared by the folder and the database readers."""

from __future__ import annotations


class DataFolderError(ValueError):
    """The data source cannot be used: a required table or column is missing, a file is
    unreadable or ambiguous, a database cannot be reached or read. The message (Indonesian)
    names every file, table and column concerned -- and never a password."""


class DatabaseError(DataFolderError):
    """A database source failed: login refused, server unreachable, table missing, connection
    lost while reading, an invalid ``sumber.yaml``. Nothing has been written when it is raised."""


__all__ = ["DataFolderError", "DatabaseError"]
