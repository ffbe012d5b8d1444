"""Assembling all tables, writing the folder, and the ``kinerja sample`` command."""

from __future__ import annotations

import argparse
import sys
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


#: Accepted ranges of ``kinerja sample`` (and :func:`generate`): beyond them the generator
#: either fails deep inside numpy/pandas or writes gigabytes.
YEAR_RANGE = (1990, 2100)
SCALE_MAX = 20.0
SEED_MAX = 2**63 - 1


def check_sample_args(
    out_dir: str | Path, *, seed: object, scale: object, year: object, fmt: object = "csv"
) -> Path:
    """Check the options of ``kinerja sample`` before anything is generated.

    Returns
    -------
    Path
        The output folder.

    Raises
    ------
    SampleDataError
        With an Indonesian message naming the option and its allowed range: ``year`` in
        1990..2100, ``seed`` a whole number >= 0, ``scale`` in (0, 20], ``fmt`` csv or parquet,
        and ``out_dir`` a folder (not an existing file, not below a file, not a symbolic link).
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise SampleDataError(f"--year harus bilangan bulat, bukan {year!r}")
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise SampleDataError(
            f"--year {year} di luar rentang {YEAR_RANGE[0]}..{YEAR_RANGE[1]}; contoh: --year 2026"
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SampleDataError(f"--seed harus bilangan bulat, bukan {seed!r}")
    if not 0 <= seed <= SEED_MAX:
        raise SampleDataError(
            f"--seed harus bilangan bulat 0 atau lebih, bukan {seed}; contoh: --seed 7"
        )
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or scale != scale:
        raise SampleDataError(f"--scale harus angka, bukan {scale!r}")
    if not 0 < scale <= SCALE_MAX:
        raise SampleDataError(
            f"--scale harus lebih dari 0 dan paling besar {SCALE_MAX:g}, bukan {scale:g}; "
            "contoh: --scale 0.2 (seperlima ukuran sampel)"
        )
    if fmt not in ("csv", "parquet"):
        raise SampleDataError(f"format tidak dikenal: {fmt!r} (pilih csv atau parquet)")
    out = Path(out_dir)
    if str(out_dir).strip() == "":
        raise SampleDataError("--out tidak boleh kosong; contoh: --out data/sampel")
    if out.is_symlink():
        raise SampleDataError(f"--out {out} adalah tautan simbolik (symlink); pilih folder biasa")
    if out.exists() and not out.is_dir():
        raise SampleDataError(
            f"--out {out} sudah ada sebagai berkas, bukan folder; pilih folder lain"
        )
    for parent in out.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise SampleDataError(
                    f"--out {out} berada di bawah berkas {parent}; pilih folder lain"
                )
            break
    return out


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
    out = check_sample_args(out_dir, seed=seed, scale=scale, year=year, fmt=fmt)
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
        check_sample_args(args.out, seed=args.seed, scale=args.scale, year=args.year, fmt=fmt)
        paths = generate(args.out, seed=args.seed, scale=args.scale, year=args.year, fmt=fmt)
    except SampleDataError as exc:
        print(f"Gagal membuat data sampel: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Gagal menulis data sampel ke {args.out}: {exc.strerror or exc}", file=sys.stderr)
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
