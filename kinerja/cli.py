"""Command-line front door: ``kinerja <perintah>``.

Each subcommand only declares its arguments here; its handler lives in the module that owns the
job (``cli_<name>(args) -> int``) and is imported lazily, so ``kinerja validate`` never pays for
importing Jupyter machinery.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand -> "module:function"
_HANDLERS = {
    "validate": "kinerja.data.dataset:cli_validate",
    "sample": "kinerja.data.sample:cli_sample",
    "rekap": "kinerja.report.rekap:cli_rekap",
    "params": "kinerja.data.opd_params:cli_params",
    "batch": "kinerja.run.batch:cli_batch",
    "app": "kinerja.serve.app:cli_app",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinerja",
        description="Workbench evaluasi kinerja ASN Kota Salatiga.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    p = sub.add_parser("validate", help="periksa folder data dan tulis baris karantina")
    p.add_argument("folder", help="folder berisi berkas ekspor (opd, pegawai, ...)")
    p.add_argument(
        "--quarantine",
        metavar="DIR",
        default=None,
        help="folder karantina (bawaan: karantina/<nama folder data>, di luar folder data)",
    )
    p.add_argument("--json", action="store_true", help="cetak ringkasan sebagai JSON")

    p = sub.add_parser("sample", help="buat data sampel sintetis Kota Salatiga")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--year", type=int, default=2025)
    p.add_argument(
        "--format", choices=["csv", "parquet"], default="csv", help="format berkas keluaran"
    )

    p = sub.add_parser("rekap", help="tabel rekap tingkat forum (xlsx, json, atau folder CSV)")
    p.add_argument("folder")
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--periode", default=None, metavar="P")
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")

    p = sub.add_parser("params", help="(re)buat berkas parameter per OPD dari tabel opd")
    p.add_argument("--data", default=None, metavar="DIR")
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")

    p = sub.add_parser("batch", help="jalankan laporan per OPD dengan Papermill")
    p.add_argument("--data", default=None, metavar="DIR")
    p.add_argument("--periode", default=None, metavar="P")
    p.add_argument("--opd", nargs="+", default=None, metavar="KODE")
    p.add_argument("--jobs", type=int, default=None, metavar="N")
    p.add_argument("--audience", choices=["forum", "internal"], default=None)
    p.add_argument("--out", default=None, metavar="DIR")
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")
    p.add_argument("--timeout", type=int, default=None, help="batas waktu per notebook (detik)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="alamat Dask scheduler")

    p = sub.add_parser("app", help="sajikan formulir interaktif dengan Voila")
    p.add_argument("--data", default=None, metavar="DIR")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")
    p.add_argument("--no-browser", action="store_true", default=True, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, func_name = _HANDLERS[args.command].split(":")
    handler = getattr(importlib.import_module(module_name), func_name)
    return int(handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
