"""``sumber.yaml``: where each contract table comes from in a database.

A database whose tables carry other names maps each contract table to another table or view
(optionally ``skema.nama``) or to a read-only ``SELECT``::

    # parameters/sumber.yaml (beside default.yaml), or named by ?sumber=PATH in the URL
    layanan: v_permohonan_izin           # a table or view
    pegawai:
      tabel: kepegawaian.pegawai_aktif   # the same, spelled out
    skm:
      sql: |
        SELECT id AS id_responden, opd AS kode_opd, ... FROM survei.jawaban

Only one ``SELECT`` (or ``WITH ... SELECT``) per table is accepted: no second statement, no
``INSERT``/``UPDATE``/``DELETE``/``MERGE``, no ``SELECT ... INTO``, no row locks. This check is
the first guard; the second is the read-only transaction every read runs in (PostgreSQL), the
third the read-only account the README recommends.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kinerja.data.errors import DatabaseError
from kinerja.domain.schema import TABLE_NAMES

SOURCES_FILE = "sumber.yaml"

_IDENT = r"[A-Za-z_][A-Za-z0-9_$]*"
_RELATION = re.compile(rf"{_IDENT}(?:\.{_IDENT})?")
_FORBIDDEN = [
    "insert",
    "update",
    "delete",
    "merge",
    "into",
    "drop",
    "create",
    "alter",
    "truncate",
    "grant",
    "revoke",
    "copy",
    "call",
    "execute",
    "lock",
    "vacuum",
    "refresh",
]
_FORBIDDEN_RE = re.compile(r"\b(" + "|".join(_FORBIDDEN) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class TableSource:
    """Where one contract table is read from.

    Attributes
    ----------
    table : str
        Contract table name.
    kind : {"relation", "select"}
        A table/view by name, or a ``SELECT`` statement.
    text : str
        The relation name (``nama`` or ``skema.nama``) or the statement.
    """

    table: str
    kind: Literal["relation", "select"]
    text: str

    @property
    def label(self) -> str:
        """What the quarantine's ``_berkas`` and the summary name: the relation, or
        ``sumber.yaml:<table>`` for a statement."""
        return self.text if self.kind == "relation" else f"{SOURCES_FILE}:{self.table}"


def _strip_sql(sql: str) -> str:
    """The statement without comments and string literals (for the keyword check)."""
    out = re.sub(r"--[^\n]*", " ", sql)
    out = re.sub(r"/\*.*?\*/", " ", out, flags=re.DOTALL)
    out = re.sub(r"'(?:[^']|'')*'", "''", out)
    out = re.sub(r"\$([A-Za-z_]*)\$.*?\$\1\$", "''", out, flags=re.DOTALL)
    return out


def check_select(sql: str, *, table: str) -> str:
    """Return ``sql`` without a trailing ``;`` when it is a single read-only SELECT.

    Raises
    ------
    DatabaseError
        Another kind of statement, more than one statement, or a clause that writes or locks.
    """
    where = f"{SOURCES_FILE}: tabel {table}"
    text = sql.strip().rstrip(";").strip()
    bare = _strip_sql(text)
    head = bare.lstrip("( \t\r\n").split(None, 1)
    if not head or head[0].lower() not in ("select", "with"):
        raise DatabaseError(
            f"{where}: hanya pernyataan SELECT (baca-saja) yang diizinkan, bukan "
            f"{(head[0] if head else '(kosong)')[:20]!r}"
        )
    if ";" in bare:
        raise DatabaseError(f"{where}: hanya satu pernyataan SELECT yang diizinkan (ada ';')")
    bad = _FORBIDDEN_RE.search(bare)
    if bad:
        raise DatabaseError(
            f"{where}: pernyataan SELECT tidak boleh memuat {bad.group(1).upper()} "
            "(sumber hanya dibaca, tidak pernah diubah)"
        )
    return text


def parse_sources(spec: object, *, origin: str = SOURCES_FILE) -> dict[str, TableSource]:
    """Check a parsed ``sumber.yaml`` (a mapping) and return contract table -> source.

    Raises
    ------
    DatabaseError
        Unknown table names, an entry that is neither a name nor a statement, a name that is not
        ``nama``/``skema.nama``, or a statement that is not a single read-only SELECT.
    """
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        raise DatabaseError(f"{origin}: isinya harus pasangan 'tabel: sumber'")
    out: dict[str, TableSource] = {}
    problems: list[str] = []
    for key, value in spec.items():
        table = str(key).strip().lower()
        if table not in TABLE_NAMES:
            problems.append(f"{origin}: {key!r} bukan tabel kontrak ({', '.join(TABLE_NAMES)})")
            continue
        if isinstance(value, Mapping):
            keys = set(value) - {"tabel", "sql"}
            if keys or len(value) != 1:
                problems.append(
                    f"{origin}: tabel {table}: tulis 'tabel: nama' atau 'sql: SELECT ...'"
                )
                continue
            kind, text = next(iter(value.items()))
            text = str(text or "").strip()
            is_sql = kind == "sql"
        elif isinstance(value, str):
            text = value.strip()
            is_sql = bool(re.match(r"\(*\s*(select|with)\b", text, re.IGNORECASE)) or " " in text
        else:
            problems.append(f"{origin}: tabel {table}: sumber harus nama tabel/view atau SELECT")
            continue
        try:
            if is_sql:
                out[table] = TableSource(table, "select", check_select(text, table=table))
            elif _RELATION.fullmatch(text):
                out[table] = TableSource(table, "relation", text)
            else:
                problems.append(
                    f"{origin}: tabel {table}: {text[:60]!r} bukan nama tabel/view "
                    "(nama atau skema.nama)"
                )
        except DatabaseError as exc:
            problems.append(str(exc))
    if problems:
        raise DatabaseError("; ".join(problems))
    return out


def read_sources(path: str | Path) -> dict[str, TableSource]:
    """Read and check a ``sumber.yaml`` file (:func:`parse_sources`)."""
    from kinerja.domain.params import ParameterError, read_yaml

    path = Path(path)
    try:
        # the hardened reader of parameter files: size-limited, anchors and aliases refused
        spec = read_yaml(path)
    except OSError as exc:
        raise DatabaseError(f"{path} tidak dapat dibaca: {exc.strerror or exc}") from None
    except ParameterError as exc:
        raise DatabaseError(str(exc)) from None
    return parse_sources(spec, origin=path.name)


__all__ = ["SOURCES_FILE", "TableSource", "check_select", "parse_sources", "read_sources"]
