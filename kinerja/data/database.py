"""Reading the contract tables from a database: ``postgresql://user:pw@host:port/db``.

``kinerja.data.dataset.load(source)`` sends a database URL here; the tables come back as
:class:`DatabaseTable` (a :class:`~kinerja.data.io.RawTable` whose ``berkas`` is the table's
name) and go through the same column mapping, parsing, validation and quarantine as files.

* **Which tables.** The contract's names, looked up case-insensitively among the tables, views
  and materialised views of the schema (``?schema=evaluasi``, default the account's search
  path); ``sumber.yaml`` (:mod:`kinerja.data.sources`) may map a table to another table, view or
  read-only SELECT. It is taken from ``?sumber=PATH`` in the URL, else from the parameters
  folder (beside ``default.yaml``).
* **Types.** A DATE/TIMESTAMP column that the contract reads as a date, and an INTEGER/NUMERIC
  column the contract reads as a number, are taken as they come (no day-first or decimal-comma
  guessing: ``12.500`` from NUMERIC is twelve and a half); every other column arrives as the
  database's text and is parsed exactly as a file's cell. ``TIMESTAMP WITH TIME ZONE`` is read
  as local time in :data:`LOCAL_TIMEZONE`.
* **PostgreSQL** is read with ``COPY (SELECT ...) TO STDOUT`` through psycopg 3 into pyarrow's
  CSV reader (bench/bench_postgres.py measured it against ``pandas.read_sql`` and ADBC), all
  tables in one read-only REPEATABLE READ transaction, so they are one consistent snapshot.
  Other dialects go through SQLAlchemy (``mysql+pymysql://``, ``mssql+pyodbc://`` ...).
* **Reproducible, without secrets.** Each table's content hash (SHA-256 of the column names and
  types and of the rows as read) stands in for a file's SHA-256: it keys the prepared cache and
  is recorded in the manifest with the row count and :func:`redact`'s URL, which has no
  password. The password is never printed, logged or written; error messages are built here,
  in Indonesian, and scrubbed of it.
"""

from __future__ import annotations

import hashlib
import io as _io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd

from kinerja.data.errors import DatabaseError
from kinerja.data.io import RawTable
from kinerja.data.parsing import text_of
from kinerja.data.sources import SOURCES_FILE, TableSource, read_sources
from kinerja.domain.schema import REQUIRED_TABLES, TABLE_NAMES, TABLES, TableSpec, normalize_header
from kinerja.domain.schema import skm_element_of as _skm_element_of

#: ``TIMESTAMP WITH TIME ZONE`` values are read as wall-clock time of this zone (Salatiga: WIB).
LOCAL_TIMEZONE = "Asia/Jakarta"
#: Seconds to wait for the server to answer before "tidak dapat dihubungi".
CONNECT_TIMEOUT_S = 10
#: Query keys of the URL that kinerja reads itself (never passed to the driver).
KINERJA_QUERY_KEYS = ("schema", "sumber")

Method = Literal["auto", "copy", "sqlalchemy"]
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_NUMBER_KINDS = ("float", "int", "skm")
_DATE_KINDS = ("date", "datetime", "time_or_datetime")
# PostgreSQL type OIDs read typed (pg_type.oid)
_PG_INT = {20, 21, 23}
_PG_FLOAT = {700, 701, 1700}
_PG_DATE = {1082}
_PG_TIMESTAMP = {1114}
_PG_TIMESTAMPTZ = {1184}


def is_database_url(source: object) -> bool:
    """True for ``scheme://...`` text (a database URL), False for a folder path."""
    return isinstance(source, str) and _URL_RE.match(source) is not None


def redact(source: object) -> str:
    """``source`` as it may be shown or written: a database URL without its password.

    A folder path is returned unchanged.
    """
    text = str(source)
    if not is_database_url(text):
        return text
    try:
        from sqlalchemy.engine import make_url

        return _without_password(make_url(text)).render_as_string(hide_password=False)
    except Exception:  # noqa: BLE001 - unparsable: drop everything between '//' and '@'
        return re.sub(r"(://)[^/@]*@", r"\1", text)


def _without_password(url: Any) -> Any:
    """The SQLAlchemy URL without its password (``URL.set(password=None)`` keeps it)."""
    from sqlalchemy.engine import URL

    return URL.create(
        url.drivername,
        username=url.username,
        password=None,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )


@dataclass(frozen=True)
class DatabaseSource:
    """A parsed database URL.

    Attributes
    ----------
    url : sqlalchemy.engine.URL
        What the driver gets (password included; kinerja's own query keys removed; plain
        ``postgresql://`` uses psycopg 3).
    schema : str or None
        ``?schema=``: where the contract's tables are looked up (default: the search path).
    sources_file : Path or None
        The ``sumber.yaml`` in effect (``?sumber=``, else the parameters folder's, else none).
    """

    url: Any
    schema: str | None
    sources_file: Path | None
    shown_driver: str = ""  # the scheme as the user wrote it (``postgresql``)

    @property
    def dialect(self) -> str:
        """``postgresql``, ``mysql``, ``mssql`` ..."""
        return str(self.url.get_backend_name())

    @property
    def display(self) -> str:
        """The URL without the password (for messages, manifest, index, cache metadata)."""
        query = {k: v for k, v in (("schema", self.schema),) if v}
        url = _without_password(self.url).update_query_dict(query)
        url = url.set(drivername=self.shown_driver or url.drivername)
        text = url.render_as_string(hide_password=False)
        if self.sources_file is not None:
            text += ("&" if "?" in text else "?") + f"sumber={self.sources_file.name}"
        return text

    def scrub(self, text: str) -> str:
        """``text`` with the password (if any) replaced by ``***``."""
        pw = self.url.password
        if pw:
            from urllib.parse import quote, quote_plus

            for form in {str(pw), quote(str(pw), safe=""), quote_plus(str(pw))}:
                text = text.replace(form, "***")
        return text


def parse_source(source: str, *, params_dir: str | Path | None = None) -> DatabaseSource:
    """Parse a database URL (and find its ``sumber.yaml``).

    Parameters
    ----------
    source : str
        ``dialect[+driver]://user[:password]@host[:port]/database[?schema=S][&sumber=PATH]``.
    params_dir : path, optional
        The parameters folder; its ``sumber.yaml`` is used when the URL names none (default:
        :func:`kinerja.domain.params.default_params_dir`).

    Raises
    ------
    DatabaseError
        Not a URL SQLAlchemy understands, or a ``?sumber=`` file that does not exist.
    """
    try:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError
    except ImportError:
        raise DatabaseError(
            "membaca basis data memerlukan paket sqlalchemy dan psycopg: "
            "pip install 'sqlalchemy>=2' 'psycopg[binary]>=3.1'"
        ) from None
    try:
        url = make_url(source)
    except (ArgumentError, ValueError):
        raise DatabaseError(f"alamat basis data tidak dapat dibaca: {redact(source)}") from None
    query = dict(url.query)
    schema = _one(query.get("schema"))
    sumber = _one(query.get("sumber"))
    url = url.difference_update_query(KINERJA_QUERY_KEYS)
    shown = url.drivername
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if sumber:
        path = Path(sumber).expanduser()
        if not path.is_file():
            raise DatabaseError(f"berkas sumber tidak ditemukan: {path} (?sumber= pada alamat)")
        sources_file: Path | None = path.resolve()
    else:
        if params_dir is None:
            from kinerja.domain.params import default_params_dir

            params_dir = default_params_dir()
        path = Path(params_dir) / SOURCES_FILE
        sources_file = path.resolve() if path.is_file() else None
    return DatabaseSource(url, schema or None, sources_file, shown)


def _one(value: object) -> str | None:
    if isinstance(value, tuple):
        return str(value[-1]) if value else None
    return None if value is None else str(value)


def source_query(source: str) -> dict[str, str]:
    """kinerja's query keys of a URL (``schema``, ``sumber``), for messages and tests."""
    query = source.split("?", 1)[1] if "?" in source else ""
    return {k: v for k, v in parse_qsl(query) if k in KINERJA_QUERY_KEYS}


# ----------------------------------------------------------------------------------------------
# What is read
# ----------------------------------------------------------------------------------------------


@dataclass
class DatabaseTable(RawTable):
    """One contract table as read from a database (typed columns kept, text as text).

    ``berkas`` is the table's name (``nama``, ``skema.nama``, or ``sumber.yaml:<tabel>`` for a
    SELECT), so quarantine rows and summaries name the table; ``rows`` number the rows in the
    order the server returned them, from 1; ``sha256`` is the content hash.
    """

    label: str = ""

    @property
    def berkas(self) -> str:
        """The table's name (quarantine ``_berkas``, summary ``berkas``)."""
        return self.label


@dataclass
class DatabaseRead:
    """Every contract table found in a database, read in one snapshot.

    Attributes
    ----------
    source : DatabaseSource
    tables : dict of str -> DatabaseTable
        Contract table -> what was read.
    method : str
        ``copy`` (PostgreSQL COPY) or ``sqlalchemy``.
    """

    source: DatabaseSource
    tables: dict[str, DatabaseTable]
    method: str
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def hashes(self) -> dict[str, str]:
        """Table name as shown (``berkas``) -> content hash: the prepared cache's key inputs."""
        return {t.berkas: t.sha256 for t in self.tables.values()}

    def record(self) -> dict[str, Any]:
        """What the manifest records: URL without password, and per table its source, row
        count and content hash."""
        return {
            "url": self.source.display,
            "skema": self.source.schema,
            "sumber": str(self.source.sources_file) if self.source.sources_file else None,
            "pembaca": self.method,
            "tabel": {
                name: {"sumber": t.berkas, "baris": len(t), "sha256": t.sha256}
                for name, t in self.tables.items()
            },
        }


# ----------------------------------------------------------------------------------------------
# Errors: one Indonesian sentence per fault, never the password
# ----------------------------------------------------------------------------------------------


def _driver_message(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0][:300] if text else type(orig).__name__


def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def _connect_error(src: DatabaseSource, exc: BaseException) -> DatabaseError:
    url = src.url
    state = _sqlstate(exc)
    msg = _driver_message(exc).lower()
    where = f"{url.host or 'localhost'}:{url.port or '(port bawaan)'}"
    if state in ("28P01", "28000") or "authentication" in msg or "access denied" in msg:
        text = (
            f"login ke basis data ditolak untuk pengguna {url.username!r} di {where}: kata "
            "sandi salah atau akun tidak diizinkan masuk"
        )
    elif state == "3D000" or ("database" in msg and "does not exist" in msg):
        text = f"basis data {url.database!r} tidak ada di server {where}"
    else:
        text = (
            f"server basis data di {where} tidak dapat dihubungi (server mati, alamat/port "
            "salah, atau jaringan terputus)"
        )
    return DatabaseError(src.scrub(f"{text} [{src.display}]"))


def _read_error(src: DatabaseSource, label: str, exc: BaseException) -> DatabaseError:
    state = _sqlstate(exc)
    detail = src.scrub(_driver_message(exc))
    name = type(getattr(exc, "orig", None) or exc).__name__
    lost = state.startswith(("08", "57")) or name in (
        "OperationalError",
        "InterfaceError",
        "AdminShutdown",
        "ConnectionException",
    )
    if state == "42501":
        text = (
            f"akun {src.url.username!r} tidak berhak membaca {label} (beri hak baca: GRANT "
            f"SELECT ON ... TO {src.url.username}): {detail}"
        )
    elif lost:
        text = (
            f"koneksi ke basis data terputus saat membaca {label}; tidak ada berkas yang "
            f"ditulis, jalankan ulang setelah server tersedia ({detail})"
        )
    else:
        text = f"{label} tidak dapat dibaca dari basis data: {detail}"
    return DatabaseError(src.scrub(f"{text} [{src.display}]"))


@contextmanager
def _guard(make: Callable[[BaseException], DatabaseError]) -> Iterator[None]:
    try:
        yield
    except DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001 - every driver error becomes one message
        raise make(exc) from None


# ----------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------


def _contract_kind(spec: TableSpec, name: str) -> str | None:
    norm = normalize_header(name)
    by_name = {c.name: c.kind for c in spec.columns}
    if norm in by_name:
        return by_name[norm]
    if spec.name == "skm":
        element = _skm_element_of(norm)
        if element is not None:
            return by_name.get(element)
    return None


def _relations(conn: Any, schema: str | None) -> dict[str, str]:
    """Tables, views and materialised views of ``schema``: lower-case name -> actual name."""
    import sqlalchemy as sa

    insp = sa.inspect(conn)
    names = list(insp.get_table_names(schema=schema)) + list(insp.get_view_names(schema=schema))
    with suppress(NotImplementedError):
        names += list(insp.get_materialized_view_names(schema=schema))
    out: dict[str, str] = {}
    for n in names:
        out.setdefault(n.lower(), n)
        out[n] = n
    return out


def _plan(
    conn: Any, src: DatabaseSource, mapping: dict[str, TableSource]
) -> dict[str, tuple[str, str]]:
    """Contract table -> (label, SELECT statement); one DatabaseError naming every problem."""
    quote = conn.dialect.identifier_preparer.quote
    listed: dict[str | None, dict[str, str]] = {src.schema: _relations(conn, src.schema)}

    def find(schema: str | None, name: str) -> str | None:
        if schema not in listed:
            try:
                listed[schema] = _relations(conn, schema)
            except Exception:  # noqa: BLE001 - an unknown schema has no relations
                listed[schema] = {}
        rel = listed[schema]
        return rel.get(name) or rel.get(name.lower())

    def qualified(schema: str | None, name: str) -> str:
        return f"{quote(schema)}.{quote(name)}" if schema else quote(name)

    plan: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    where = f"skema {src.schema}" if src.schema else "basis data"
    for table in TABLE_NAMES:
        ts = mapping.get(table)
        if ts is not None and ts.kind == "select":
            plan[table] = (ts.label, ts.text)
            continue
        if ts is not None:
            schema, _, name = ts.text.rpartition(".")
            schema_or = schema or src.schema
            actual = find(schema_or, name)
            if actual is None:
                problems.append(
                    f"{SOURCES_FILE}: tabel {table} dibaca dari {ts.text!r}, tetapi tabel/view "
                    f"itu tidak ada di {f'skema {schema_or}' if schema_or else 'basis data'}"
                )
                continue
            label = f"{schema_or}.{actual}" if schema_or else actual
            plan[table] = (label, f"SELECT * FROM {qualified(schema_or, actual)}")
            continue
        actual = find(src.schema, table)
        if actual is None:
            if table in REQUIRED_TABLES:
                problems.append(
                    f"tabel wajib {table!r} tidak ada di {where} (buat tabel/view {table} atau "
                    f"petakan di {SOURCES_FILE})"
                )
            continue
        label = f"{src.schema}.{actual}" if src.schema else actual
        plan[table] = (label, f"SELECT * FROM {qualified(src.schema, actual)}")
    if problems:
        text = (
            problems[0]
            if len(problems) == 1
            else "\n- ".join(["basis data tidak dapat digunakan:", *problems])
        )
        raise DatabaseError(f"{text} [{src.display}]")
    return plan


def _header_hash(names: list[str], kinds: list[str]) -> Any:
    h = hashlib.sha256()
    h.update(json.dumps([names, kinds], ensure_ascii=False).encode("utf-8"))
    return h


def _pg_kind(oid: int, contract: str | None) -> str:
    """How a PostgreSQL column is read: ``int``, ``float``, ``date``, ``timestamp``,
    ``timestamptz`` (typed, when the contract reads the column as such) or ``text``."""
    if contract in _NUMBER_KINDS:
        if oid in _PG_INT:
            return "int"
        if oid in _PG_FLOAT:
            return "float"
    if contract in _DATE_KINDS:
        if oid in _PG_DATE:
            return "date"
        if oid in _PG_TIMESTAMP:
            return "timestamp"
        if oid in _PG_TIMESTAMPTZ:
            return "timestamptz"
    return "text"


_STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


def _csv_to_frame(data: bytes, names: list[str], kinds: list[str]) -> pd.DataFrame:
    """COPY ... (FORMAT csv) output -> DataFrame (typed columns typed, the rest ``str``)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not data:
        return pd.DataFrame({n: pd.Series(dtype=_STR_DTYPE) for n in names})
    arrow_type = {
        "int": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us"),
        "timestamptz": pa.timestamp("us"),
    }
    cols = [f"c{i}" for i in range(len(names))]

    def read(typed: bool) -> Any:
        return pacsv.read_csv(
            _io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=cols, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    c: (arrow_type.get(k, pa.string()) if typed else pa.string())
                    for c, k in zip(cols, kinds, strict=True)
                },
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        table = read(True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # a value outside what Arrow reads (e.g. a BC date, 'infinity'): everything as text,
        # parsed (and, where bad, quarantined) as a file's cell would be
        table = read(False)
    frame = table.to_pandas(types_mapper={pa.string(): _STR_DTYPE}.get, date_as_object=False)
    frame.columns = names
    return frame


def _read_copy(conn: Any, query: str, spec: TableSpec) -> tuple[pd.DataFrame, str]:
    """PostgreSQL: ``COPY (SELECT ...) TO STDOUT (FORMAT csv)`` through psycopg 3."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(f"SELECT * FROM ({query}) AS q LIMIT 0")
        desc = list(cur.description or [])
        names = [d.name for d in desc]
        kinds = [_pg_kind(int(d.type_code), _contract_kind(spec, d.name)) for d in desc]
        aliases = [f"c{i}" for i in range(len(names))]
        select = ", ".join(
            f"{a}::timestamp" if k == "timestamptz" else a
            for a, k in zip(aliases, kinds, strict=True)
        )
        copy_sql = (
            f"COPY (SELECT {select} FROM ({query}) AS q({', '.join(aliases)})) "
            "TO STDOUT (FORMAT csv)"
        )
        h = _header_hash(names, kinds)
        buf = _io.BytesIO()
        with cur.copy(copy_sql) as copy:
            for chunk in copy:
                h.update(chunk)
                buf.write(chunk)
    return _csv_to_frame(buf.getvalue(), names, kinds), h.hexdigest()


def _typed_generic(values: pd.Series, contract: str | None) -> tuple[pd.Series, str]:
    """One column of Python values from a DB-API driver -> the same representation as COPY."""
    inferred = pd.api.types.infer_dtype(values, skipna=True)  # C speed, NULLs skipped
    present = values.notna()
    if contract in _NUMBER_KINDS and inferred in ("integer", "floating", "mixed-integer-float",
                                                  "decimal"):  # fmt: skip
        return pd.to_numeric(values.where(present, None).astype("float64")), "float"
    if contract in _DATE_KINDS and inferred in ("datetime", "date", "datetime64"):
        out = pd.to_datetime(values.where(present, None), errors="coerce", utc=False)
        if getattr(out.dt, "tz", None) is not None:
            return out.dt.tz_convert(LOCAL_TIMEZONE).dt.tz_localize(None), "timestamptz"
        return out, "timestamp"
    if inferred in ("string", "empty"):
        return values.where(present, None).astype(_STR_DTYPE), "text"
    text = values.map(lambda v: None if v is None or v is pd.NA else _db_text(v))
    return text.astype(_STR_DTYPE), "text"


def _db_text(v: object) -> str:
    """A non-text value as the database would print it (ISO dates, plain numbers)."""
    import datetime as dt

    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, bytes):
        return v.hex()
    return str(v)


def _read_generic(conn: Any, query: str, spec: TableSpec) -> tuple[pd.DataFrame, str]:
    """Any SQLAlchemy dialect: rows in batches of 50 000, typed like :func:`_read_copy`."""
    import sqlalchemy as sa

    result = conn.execution_options(stream_results=True).execute(sa.text(query))
    names = [str(k) for k in result.keys()]  # noqa: SIM118 - a Result, not a dict
    chunks = [pd.DataFrame.from_records(part, columns=range(len(names))) for part in
              result.partitions(50_000)]  # fmt: skip
    if chunks:
        raw = pd.concat(chunks, ignore_index=True)
    else:
        raw = pd.DataFrame({i: pd.Series(dtype=object) for i in range(len(names))})
    columns: dict[int, pd.Series] = {}
    kinds: list[str] = []
    for i, name in enumerate(names):
        columns[i], kind = _typed_generic(raw[i], _contract_kind(spec, name))
        kinds.append(kind)
    frame = pd.DataFrame(columns)
    frame.columns = names
    h = _header_hash(names, kinds)
    if len(frame):
        text = pd.DataFrame({i: text_of(frame.iloc[:, i]) for i in range(len(names))})
        h.update(pd.util.hash_pandas_object(text, index=False).to_numpy().tobytes())
    return frame, h.hexdigest()


def read_database(
    source: str | DatabaseSource,
    *,
    params_dir: str | Path | None = None,
    method: Method = "auto",
    tables: Sequence[str] | None = None,
) -> DatabaseRead:
    """Read every contract table of a database (one snapshot, read-only).

    Parameters
    ----------
    source : str or DatabaseSource
        The URL (:func:`parse_source`).
    params_dir : path, optional
        Where ``sumber.yaml`` is looked for when the URL names none.
    method : {"auto", "copy", "sqlalchemy"}
        ``auto``: COPY for PostgreSQL, SQLAlchemy for other dialects.
    tables : sequence of str, optional
        Read only these contract tables (names as in the data contract, e.g. ``["opd",
        "skm"]``); all of them when omitted.

    Raises
    ------
    DatabaseError
        Login refused, server unreachable, database or required table missing, connection lost
        while reading, an invalid ``sumber.yaml`` -- one Indonesian message without the
        password. Nothing is written before or after.
    """
    import time

    src = (
        source
        if isinstance(source, DatabaseSource)
        else parse_source(source, params_dir=params_dir)
    )
    mapping = read_sources(src.sources_file) if src.sources_file else {}
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    postgres = src.dialect == "postgresql"
    if method == "auto":
        method = "copy" if postgres and src.url.get_driver_name() == "psycopg" else "sqlalchemy"
    if method == "copy" and not (postgres and src.url.get_driver_name() == "psycopg"):
        raise DatabaseError("pembaca COPY hanya untuk postgresql (driver psycopg)")
    connect_args: dict[str, Any] = {}
    options: dict[str, Any] = {}
    if postgres:
        connect_args = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "kinerja",
            "options": f"-c default_transaction_read_only=on -c TimeZone={LOCAL_TIMEZONE}",
        }
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with _guard(lambda exc: _connect_error(src, exc)):
        try:
            engine = sa.create_engine(src.url, poolclass=NullPool, connect_args=connect_args)
        except (ImportError, sa.exc.NoSuchModuleError) as exc:
            raise DatabaseError(
                f"jenis basis data {src.url.drivername!r} tidak dikenal atau drivernya belum "
                f"dipasang ({type(exc).__name__}) [{src.display}]"
            ) from None
    try:
        with _guard(lambda exc: _connect_error(src, exc)):
            conn = engine.connect()
        try:
            if options:
                conn = conn.execution_options(**options)
            with _guard(lambda exc: _read_error(src, "daftar tabel", exc)):
                plan = _plan(conn, src, mapping)
            if tables is not None:
                plan = {t: q for t, q in plan.items() if t in set(tables)}
            reader = _read_copy if method == "copy" else _read_generic
            tables: dict[str, DatabaseTable] = {}
            seconds: dict[str, float] = {}
            for table, (label, query) in plan.items():
                t0 = time.perf_counter()
                with _guard(lambda exc, label=label: _read_error(src, f"tabel {label}", exc)):
                    frame, sha = reader(conn, query, TABLES[table])
                seconds[table] = round(time.perf_counter() - t0, 3)
                tables[table] = _as_raw(frame, label, sha)
        finally:
            try:
                conn.rollback()
                conn.close()
            except Exception:  # noqa: BLE001, S110 - a lost connection cannot be closed cleanly
                pass
    finally:
        engine.dispose()
    return DatabaseRead(src, tables, method, seconds)


def _as_raw(frame: pd.DataFrame, label: str, sha: str) -> DatabaseTable:
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, c in enumerate(frame.columns):
        name = str(c) or f"kolom_{i + 1}"
        if name in seen:  # a SELECT may give two columns one name: keep both apart
            seen[name] += 1
            name = f"{name}~{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    frame.columns = names
    return DatabaseTable(
        path=Path(label.replace("/", "_")),
        kind="parquet",  # typed columns: quarantine prints them as text (RawTable.raw_text)
        data=frame.reset_index(drop=True),
        rows=np.arange(1, len(frame) + 1, dtype=np.int64),
        headers=[normalize_header(str(c).split("~")[0]) for c in names],
        sha256=sha,
        label=label,
    )


__all__ = [
    "CONNECT_TIMEOUT_S",
    "LOCAL_TIMEZONE",
    "DatabaseRead",
    "DatabaseSource",
    "DatabaseTable",
    "is_database_url",
    "parse_source",
    "read_database",
    "redact",
    "source_query",
]
