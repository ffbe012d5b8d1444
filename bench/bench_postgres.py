"""Reading 1 M service events from PostgreSQL (issue 15 item 4): which reader, and how fast
into the prepared cache.

A database holds ``opd``, ``pegawai`` and a ``layanan`` table of exactly 1 000 000 rows (the
sample's service log repeated with fresh ``id_permohonan``), typed as
``tests/pg_server.load_folder`` types them (TIMESTAMP ``mulai``/``selesai``, the rest TEXT).
Measured, each ``--runs`` times (median, min, max wall seconds):

* ``copy_arrow``: kinerja's reader -- ``COPY (SELECT ...) TO STDOUT (FORMAT csv)`` through
  psycopg 3, hashed while streaming, parsed by pyarrow's CSV reader
  (:func:`kinerja.data.database.read_database`, ``method="copy"``, the default for PostgreSQL);
* ``read_sql``: ``pandas.read_sql`` of ``SELECT * FROM layanan`` on a SQLAlchemy engine
  (psycopg 3), the obvious alternative;
* ``sqlalchemy_reader``: kinerja's generic reader (``method="sqlalchemy"``, other dialects);
* ``adbc``: ``adbc_driver_postgresql`` (Arrow-native, binary COPY inside the driver),
  ``fetch_arrow_table().to_pandas()``;
* ``prepare_cache``: the whole step a batch or ``kinerja app`` runs -- read every table,
  hash, validate, write the prepared cache (new output folder each run: status ``dibuat``);
  and ``prepare_cache_reuse``: the second run, which reads and hashes but reuses the cache.
  The target is ``prepare_cache`` <= 5 s.

The server is ``KINERJA_TEST_PG_URL`` when set, else a temporary one (``tests/pg_server.py``).

    .venv/bin/python bench/bench_postgres.py --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work"
SAMPLE = ROOT / "data" / "sampel"
N_EVENTS = 1_000_000
sys.path.insert(0, str(ROOT / "tests"))

import pg_server  # noqa: E402 - the tests' server helper


def make_folder(target: Path) -> Path:
    """``opd``, ``pegawai`` and a 1 M-row ``layanan`` (CSV) built from the sample."""
    import pandas as pd

    if not (SAMPLE / "opd.csv").exists():
        import subprocess

        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "kinerja"), "sample", "--out", str(SAMPLE)],
            check=True,
            timeout=900,
        )
    target.mkdir(parents=True, exist_ok=True)
    for name in ("opd", "pegawai"):
        shutil.copy(SAMPLE / f"{name}.csv", target / f"{name}.csv")
    log = pd.read_csv(SAMPLE / "layanan.csv", dtype="str", keep_default_na=False)
    parts, n, copy = [], 0, 0
    while n < N_EVENTS:
        part = log.iloc[: N_EVENTS - n].copy()
        if copy:
            part["id_permohonan"] = part["id_permohonan"] + f"-S{copy}"
        parts.append(part)
        n += len(part)
        copy += 1
    pd.concat(parts, ignore_index=True).to_csv(target / "layanan.csv", index=False)
    return target


def timed(fn: Callable[[], Any], runs: int) -> dict[str, Any]:
    times, last = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "runs": runs,
        "rows": last,
    }


def bench(url: str, folder: Path, runs: int) -> dict[str, Any]:
    import pandas as pd
    import sqlalchemy as sa

    from kinerja.data.database import parse_source, read_database
    from kinerja.run.cache import prepare_cache

    src = parse_source(url, params_dir=ROOT / "parameters")
    out: dict[str, Any] = {}

    def copy_arrow() -> int:
        return len(read_database(src, method="copy").tables["layanan"])

    def sqlalchemy_reader() -> int:
        return len(read_database(src, method="sqlalchemy").tables["layanan"])

    engine = sa.create_engine(src.url)

    def read_sql() -> int:
        with engine.connect() as conn:
            return len(pd.read_sql(sa.text("SELECT * FROM layanan"), conn))

    def adbc() -> int:
        import adbc_driver_postgresql.dbapi as adbc_pg

        plain = src.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with adbc_pg.connect(plain) as conn, conn.cursor() as cur:
            cur.execute("SELECT * FROM layanan")
            return len(cur.fetch_arrow_table().to_pandas())

    out["copy_arrow"] = timed(copy_arrow, runs)
    out["read_sql"] = timed(read_sql, runs)
    out["sqlalchemy_reader"] = timed(sqlalchemy_reader, runs)
    try:
        out["adbc"] = timed(adbc, runs)
    except ImportError:
        out["adbc"] = {"status": "adbc-driver-postgresql tidak terpasang"}
    engine.dispose()

    tmp = Path(tempfile.mkdtemp(prefix="bench-pg-", dir=WORK))
    try:
        counter = iter(range(1000))

        def fresh() -> str:
            info = prepare_cache(url, tmp / f"out{next(counter)}", params_dir=ROOT / "parameters")
            return info.status

        out["prepare_cache"] = timed(fresh, runs)
        target = tmp / "reuse"
        prepare_cache(url, target, params_dir=ROOT / "parameters")
        out["prepare_cache_reuse"] = timed(
            lambda: prepare_cache(url, target, params_dir=ROOT / "parameters").status, runs
        )
        out["prepare_cache_files"] = timed(
            lambda: prepare_cache(folder, tmp / f"f{next(counter)}").status, runs
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    folder = make_folder(WORK / "layanan-1m")
    with pg_server.server() as srv:
        if srv is None:
            print("PostgreSQL tidak tersedia", file=sys.stderr)
            return 2
        name = "kinerja_bench"
        import psycopg

        admin = srv.with_db("postgres")
        conninfo = pg_server.conninfo(admin)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = srv.with_db(name)
        types = pg_server.load_folder(url, folder)
        result = {
            "events": N_EVENTS,
            "types": types["layanan"],
            "cpu_count": os.cpu_count(),
            "loadavg_start": list(os.getloadavg()),
            "results": bench(url, folder, args.runs),
            "loadavg_end": list(os.getloadavg()),
        }
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    (WORK / "bench_postgres.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"{'pembaca':<22} {'median s':>9} {'min s':>7} {'maks s':>7}")
    for key, r in result["results"].items():
        if "median_s" in r:
            print(f"{key:<22} {r['median_s']:>9.3f} {r['min_s']:>7.3f} {r['max_s']:>7.3f}")
        else:
            print(f"{key:<22} {r}")
    print(f"beban mesin awal {result['loadavg_start']}, akhir {result['loadavg_end']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
