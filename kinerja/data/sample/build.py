"""Assembling all tables, writing the folder, and the ``kinerja sample`` command."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kinerja.data.sample.arrow import arrow_table, table_rng
from kinerja.data.sample.citizens import make_pengaduan, make_skm
from kinerja.data.sample.followup import make_tindak_lanjut
from kinerja.data.sample.people import make_opd, make_pegawai
from kinerja.data.sample.performance import make_laporan, make_skp
from kinerja.data.sample.reference import (
    DEFAULT_SEED,
    DEFAULT_YEAR,
    TABLE_ORDER,
    SampleDataError,
    planted_story,
    read_reference,
    sample_workdays,
)
from kinerja.data.sample.services import make_layanan, make_standar, service_units
from kinerja.data.sample.training import make_pelatihan


def build_tables(
    *, seed: int = DEFAULT_SEED, scale: float = 1.0, year: int = DEFAULT_YEAR
) -> dict[str, pa.Table]:
    """Generate all ten tables in memory (pyarrow tables, contract column names and order).

    Parameters
    ----------
    seed : int
        Seed of the generators; the same seed gives the same data.
    scale : float
        Multiplier of the transaction volumes (service requests, SKM, complaints); the ASN
        population follows ``min(scale, 1)``. Must be positive.
    year : int
        Calendar year of the data.
    """
    if not scale > 0:
        raise SampleDataError(f"scale harus lebih dari 0, bukan {scale!r}")
    opd_ref = read_reference("opd_salatiga.csv")
    wd = sample_workdays(year)
    story = planted_story(year)
    peg = make_pegawai(opd_ref, table_rng(seed, "pegawai"), scale, year)
    skp, predikat = make_skp(peg, table_rng(seed, "penilaian_skp"), year)
    units = service_units(opd_ref)
    tables = {
        "opd": make_opd(opd_ref),
        "pegawai": arrow_table({c: peg[c].to_numpy(dtype=object) for c in peg.columns}),
        "penilaian_skp": skp,
        "laporan_kinerja": make_laporan(peg, table_rng(seed, "laporan_kinerja"), wd, year),
        "layanan": make_layanan(units, peg, table_rng(seed, "layanan"), wd, scale, year, story),
        "standar_layanan": make_standar(units),
        "skm": make_skm(units, table_rng(seed, "skm"), wd, scale, year),
        "pengaduan": make_pengaduan(opd_ref, table_rng(seed, "pengaduan"), wd, scale, year, story),
        "pelatihan": make_pelatihan(peg, table_rng(seed, "pelatihan"), wd, year, story),
        "tindak_lanjut": make_tindak_lanjut(
            opd_ref, peg, predikat, table_rng(seed, "tindak_lanjut"), wd, year, story
        ),
    }
    return {name: tables[name] for name in TABLE_ORDER}


def _write(table: pa.Table, path: Path, fmt: Literal["csv", "parquet"]) -> None:
    if fmt == "csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)


def generate(
    out_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    year: int = DEFAULT_YEAR,
    fmt: Literal["csv", "parquet"] = "csv",
) -> dict[str, Path]:
    """Write the synthetic Salatiga data folder and return ``{table: path}``.

    CSV files are UTF-8 with ``,`` delimiter, a header row, ISO dates (``2025-06-16``) and
    timestamps (``2025-06-16 08:15:00``); blank cells are missing values.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write (created when missing; files of the same name are replaced).
    seed, scale, year
        See :func:`build_tables`.
    fmt : {"csv", "parquet"}
        File format.
    """
    if fmt not in ("csv", "parquet"):
        raise SampleDataError(f"format tidak dikenal: {fmt!r} (pilih csv atau parquet)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables(seed=seed, scale=scale, year=year)
    paths: dict[str, Path] = {}
    for name, table in tables.items():
        path = out / f"{name}.{fmt}"
        other = out / f"{name}.{'parquet' if fmt == 'csv' else 'csv'}"
        if other.exists():  # two files for one table would make the folder ambiguous
            other.unlink()
        _write(table, path, fmt)
        paths[name] = path
    return paths


def cli_sample(args: argparse.Namespace) -> int:
    """Handler of ``kinerja sample --out DIR [--seed N] [--scale F] [--year Y] [--format F]``.

    Prints one line per written file (rows, size) and the elapsed time; exit code 0, or 2 when
    the arguments cannot be used (e.g. ``--scale 0``).
    """
    fmt = getattr(args, "format", "csv") or "csv"
    t0 = time.perf_counter()
    try:
        paths = generate(args.out, seed=args.seed, scale=args.scale, year=args.year, fmt=fmt)
    except SampleDataError as exc:
        print(f"Gagal membuat data sampel: {exc}")
        return 2
    elapsed = time.perf_counter() - t0
    print(f"Data sampel Kota Salatiga tahun {args.year} (seed {args.seed}, skala {args.scale}):")
    for name, path in paths.items():
        if fmt == "parquet":
            rows = pq.ParquetFile(path).metadata.num_rows
        else:
            with path.open("rb") as fh:
                rows = sum(1 for _ in fh) - 1
        rows_text = f"{rows:,}".replace(",", ".")
        size_text = f"{path.stat().st_size / 1e6:.1f}".replace(".", ",")
        print(f"  {name:<16} {rows_text:>12} baris {size_text:>8} MB  {path}")
    print(f"Selesai dalam {elapsed:.1f} detik. Semua data fiktif.".replace(".", ",", 1))
    return 0
