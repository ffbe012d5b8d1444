"""A real PostgreSQL server for the database tests (issue 15).

``KINERJA_TEST_PG_URL`` (set by ``.ci/run``) names a running server whose account may create
databases and roles; otherwise, when PostgreSQL's ``initdb`` and ``pg_ctl`` are installed, a
temporary server is started for the test session: ``initdb`` into a temporary folder as the
``postgres`` user (when running as root), listening on 127.0.0.1 only on a free port, its unix
socket in the same temporary folder, password authentication over TCP, stopped at the end.
Without either the tests skip -- unless ``KINERJA_REQUIRE_POSTGRES=1`` (CI), then they fail.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ENV_URL = "KINERJA_TEST_PG_URL"
ENV_REQUIRE = "KINERJA_REQUIRE_POSTGRES"
SUPERUSER_PASSWORD = "rahasia-Uji-7f3a"  # noqa: S105 - a throwaway local test server
_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


@dataclass(frozen=True)
class PgServer:
    """A server the tests may use: an admin URL (``postgresql://user:pw@host:port/db``)."""

    url: str

    def with_db(
        self, database: str, *, user: str | None = None, password: str | None = None
    ) -> str:
        """The admin URL pointed at another database (and optionally another account)."""
        from sqlalchemy.engine import make_url

        u = make_url(self.url).set(database=database)
        if user is not None:
            u = u.set(username=user, password=password)
        return u.render_as_string(hide_password=False)


def required() -> bool:
    return os.environ.get(ENV_REQUIRE, "") == "1"


def _binary(name: str) -> str | None:
    for d in _BIN_DIRS:
        if (d / name).is_file():
            return str(d / name)
    return shutil.which(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def temporary_server() -> Iterator[PgServer]:
    """Start a throwaway PostgreSQL server (127.0.0.1, free port), stop and delete it after."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise FileNotFoundError("initdb/pg_ctl tidak ditemukan")
    root = Path(tempfile.mkdtemp(prefix="kinerja-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    pwfile = root / "pw"
    pwfile.write_text(SUPERUSER_PASSWORD + "\n", encoding="utf-8")
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        pw = pwd.getpwnam("postgres")
        for p in (root, sock, pwfile):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        root.chmod(0o700)
        pwfile.chmod(0o600)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    try:
        subprocess.run(
            [*prefix, initdb, "-D", str(data), "-U", "postgres", f"--pwfile={pwfile}",
             "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
             "--locale=C.UTF-8"],
            check=True, capture_output=True, timeout=120, env=env,
        )  # fmt: skip
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w",
             "-t", "60", "start"],
            check=True, capture_output=True, timeout=90, env=env,
        )  # fmt: skip
        yield PgServer(f"postgresql://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{port}/postgres")
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop"],
                capture_output=True, timeout=60, env=env,
            )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def server() -> Iterator[PgServer | None]:
    """The CI server (``KINERJA_TEST_PG_URL``), else a temporary one, else ``None``."""
    url = os.environ.get(ENV_URL)
    if url:
        yield PgServer(url)
        return
    if _binary("initdb") is None or _binary("pg_ctl") is None:
        yield None
        return
    with temporary_server() as srv:
        yield srv


# ----------------------------------------------------------------------------------------------
# Loading a data folder into a database (the tests' and the benchmark's fixture)
# ----------------------------------------------------------------------------------------------

_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO_TIMESTAMP = rf"{_ISO_DATE}[ T][0-9]{{2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:\.[0-9]+)?)?"


def conninfo(url: str) -> str:
    """libpq connection string of a ``postgresql://`` URL (for psycopg)."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.conninfo.make_conninfo(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database
    )


def column_type(values: object, kind: str | None) -> str:
    """The SQL type a column of a CSV export gets: typed (DATE, TIMESTAMP, INTEGER, NUMERIC)
    where the contract reads it so and every value fits exactly, TEXT otherwise -- so the
    database holds the same dirty values as the file and validation has the same work to do."""
    import pandas as pd

    text = pd.Series(values, dtype="str").str.strip()
    present = text[text.ne("")]
    if not len(present):
        return "TEXT"

    def every(pattern: str) -> bool:
        return bool(present.str.fullmatch(pattern).all())

    if kind in ("date", "datetime", "time_or_datetime"):
        pattern = _ISO_DATE if kind == "date" else _ISO_TIMESTAMP
        if every(pattern) and pd.to_datetime(present, errors="coerce").notna().all():
            return "DATE" if kind == "date" else "TIMESTAMP"
    if kind in ("int", "skm") and every(r"-?[0-9]{1,9}"):
        return "INTEGER"
    # NUMERIC only where no value could be read as a thousands separator (1.250 = 1250 in a file)
    if (
        kind == "float"
        and every(r"-?[0-9]+(?:\.[0-9]+)?")
        and not present.str.fullmatch(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+").any()
    ):
        return "NUMERIC"
    return "TEXT"


def load_folder(
    url: str,
    folder: str | Path,
    *,
    schema: str | None = None,
    typed: bool = True,
    names: dict[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """COPY every CSV of ``folder`` into the database at ``url`` (tables created anew).

    Parameters
    ----------
    schema : str, optional
        Create the tables in this schema (created when missing).
    typed : bool
        Give contract date/number columns SQL types (:func:`column_type`); else all TEXT.
    names : dict, optional
        Contract table -> table name to create instead.

    Returns
    -------
    dict
        Table -> column -> SQL type used.
    """
    import pandas as pd
    import psycopg
    from psycopg import sql

    from kinerja.domain.schema import TABLES, normalize_header, skm_element_of

    types: dict[str, dict[str, str]] = {}
    with psycopg.connect(conninfo(url), autocommit=False) as conn, conn.cursor() as cur:
        if schema:
            cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        for path in sorted(Path(folder).glob("*.csv")):
            table = path.stem
            if table not in TABLES:
                continue
            frame = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8-sig")
            spec = {c.name: c.kind for c in TABLES[table].columns}
            cols: dict[str, str] = {}
            for c in frame.columns:
                norm = normalize_header(c)
                kind = spec.get(norm) or spec.get(skm_element_of(norm) or "")
                cols[c] = column_type(frame[c], kind) if typed else "TEXT"
            name = (names or {}).get(table, table)
            target = sql.Identifier(schema, name) if schema else sql.Identifier(name)
            cur.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(target))
            cur.execute(
                sql.SQL("CREATE TABLE {} ({})").format(
                    target,
                    sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t))
                        for c, t in cols.items()
                    ),
                )
            )
            # empty cells of typed columns become NULL; text keeps '' (quoted) as the file has it
            force_null = [c for c, t in cols.items() if t != "TEXT"]
            options = sql.SQL("FORMAT csv, HEADER true")
            if force_null:
                options = sql.SQL("FORMAT csv, HEADER true, FORCE_NULL ({})").format(
                    sql.SQL(", ").join(sql.Identifier(c) for c in force_null)
                )
            copy_sql = sql.SQL("COPY {} ({}) FROM STDIN ({})").format(
                target, sql.SQL(", ").join(sql.Identifier(c) for c in cols), options
            )
            with cur.copy(copy_sql) as copy, open(path, "rb") as fh:
                head = fh.read(3)
                if head != b"\xef\xbb\xbf":
                    copy.write(head)
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
            types[table] = cols
        conn.commit()
    return types
