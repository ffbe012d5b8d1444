"""Command-line front door: ``kinerja <perintah>``.

Each subcommand only declares its arguments here; its handler lives in the module that owns the
job (``cli_<name>(args) -> int``) and is imported lazily, so ``kinerja validate`` never pays for
importing Jupyter machinery.
"""

from __future__ import annotations

import argparse
import importlib
import re
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
    "audit": "kinerja.run.audit:cli_audit",
    "pantau": "kinerja.run.pantau:cli_pantau",
}


# --------------------------------------------------------------------------------------------
# Indonesian help: argparse's own words, one help text with an example per option, and the
# examples of each subcommand (shown under ``kinerja <perintah> --help``)

_ARGPARSE_WORDS = {
    "usage: ": "Penggunaan: ",
    "positional arguments": "argumen",
    "options": "opsi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
}
#: argparse's error messages -> Indonesian (anything else is shown as argparse wrote it)
_ERRORS = (
    (r"the following arguments are required: (.*)", r"argumen wajib belum diisi: \1"),
    (
        r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
        r"\1: pilihan tidak sah: \2 (pilihan: \3)",
    ),
    (r"argument (\S+): invalid int value: (.*)", r"\1: harus bilangan bulat, bukan \2"),
    (r"argument (\S+): invalid float value: (.*)", r"\1: harus bilangan, bukan \2"),
    (r"argument (\S+): expected one argument", r"\1: perlu satu nilai"),
    (r"argument (\S+): expected at least one argument", r"\1: perlu paling sedikit satu nilai"),
    (r"unrecognized arguments: (.*)", r"argumen tidak dikenal: \1"),
    (r"ambiguous option: (.*)", r"opsi ambigu: \1"),
)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and examples; Indonesian ``Penggunaan:``."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        # prefix "" (a subcommand's prog is built that way) stays empty
        if prefix is None:
            prefix = _ARGPARSE_WORDS["usage: "]
        super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Indonesian (titles, ``-h``, usage errors)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = _ARGPARSE_WORDS["positional arguments"]
        self._optionals.title = _ARGPARSE_WORDS["options"]
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                help=_ARGPARSE_WORDS["show this help message and exit"],
            )

    def error(self, message: str):  # type: ignore[override]
        for pattern, replacement in _ERRORS:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: galat: {message}\nBantuan: {self.prog} --help\n")


def _version() -> str:
    """The installed distribution's version (``importlib.metadata``), else the package's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kinerja")
    except PackageNotFoundError:  # running from a source folder that was never installed
        from kinerja import __version__

        return __version__


_PERIODE = (
    "periode evaluasi: auto (dipilih dari data: tahun dari triwulan lengkap terakhir), "
    "tahun 2026, triwulan 2026-TW3 atau bulan 2026-07; bawaan: periode di "
    "parameters/default.yaml (auto); contoh: --periode 2026-TW3"
)
_PARAMS = (
    "folder parameter (default.yaml, hari_libur.csv, opd/<KODE>.yaml); bawaan: parameters/ di "
    "folder kerja, kalau tidak ada yang terpasang bersama paket; contoh: --params parameters"
)
_DATA = (
    "folder data (berkas ekspor opd.csv, pegawai.csv, ...) atau URL basis data; "
    "bawaan: data/sampel; contoh: --data data/2026 atau "
    "--data postgresql://pembaca@db.salatiga.go.id:5432/kinerja?schema=evaluasi"
)

#: (subcommand, option dest) -> help text with an example
OPTION_HELP: dict[tuple[str, str], str] = {
    ("validate", "folder"): (
        "folder berisi berkas ekspor (opd.csv, pegawai.csv, ...) atau URL basis data; "
        "contoh: data/2026 atau postgresql://pembaca@db.salatiga.go.id:5432/kinerja?schema=evaluasi"
    ),
    ("validate", "quarantine"): (
        "folder tujuan baris yang ditolak (karantina), harus di luar folder data; "
        "bawaan: karantina/<nama folder data>; contoh: --quarantine karantina/2026"
    ),
    ("validate", "json"): (
        "cetak ringkasan per tabel sebagai JSON (pesan lain ke stderr); "
        "contoh: --json > ringkasan.json"
    ),
    ("sample", "out"): "folder tujuan (dibuat bila belum ada); contoh: --out data/sampel",
    ("sample", "seed"): (
        "bilangan awal pengacak: seed yang sama memberi data yang sama; bawaan: 2026; "
        "contoh: --seed 7"
    ),
    ("sample", "scale"): (
        "skala jumlah baris (1 = seukuran Kota Salatiga, 0.2 = seperlimanya); bawaan: 1; "
        "contoh: --scale 0.2"
    ),
    ("sample", "year"): "tahun data sampel; bawaan: 2025; contoh: --year 2026",
    ("sample", "format"): "format berkas: csv (bawaan) atau parquet; contoh: --format parquet",
    ("rekap", "folder"): (
        "folder data atau URL basis data; contoh: data/2026 atau "
        "postgresql://pembaca@db.salatiga.go.id:5432/kinerja?schema=evaluasi"
    ),
    ("rekap", "out"): (
        "berkas atau folder keluaran; akhiran menentukan format: .xlsx (Excel), .json, "
        "selain itu folder berisi satu CSV per tabel; contoh: --out rekap_2026.xlsx"
    ),
    ("rekap", "periode"): _PERIODE,
    ("rekap", "params"): _PARAMS,
    ("params", "data"): (
        "folder data yang tabel opd-nya dipakai; bawaan: data/sampel; contoh: --data data/2026"
    ),
    ("params", "params"): _PARAMS,
    ("batch", "data"): _DATA,
    ("batch", "periode"): _PERIODE,
    ("batch", "opd"): (
        "kode OPD yang dijalankan (satu atau lebih, dari tabel opd); bawaan: semua OPD; "
        "contoh: --opd DPMPTSP RSUD"
    ),
    ("batch", "jobs"): (
        "jumlah proses paralel; bawaan: jobs di parameters/default.yaml, kalau kosong satu per "
        "inti prosesor; contoh: --jobs 2"
    ),
    ("batch", "audience"): (
        "pembaca laporan: forum (bawaan; angka agregat saja) atau internal (rincian per pegawai, "
        "hanya untuk OPD itu sendiri); contoh: --audience internal"
    ),
    ("batch", "out"): (
        "folder keluaran (laporan per OPD, index.html, manifest.json, rekap.xlsx); "
        "bawaan: reports; contoh: --out hasil/2026"
    ),
    ("batch", "params"): _PARAMS,
    ("batch", "timeout"): (
        "batas waktu satu sel notebook dalam detik; bawaan: notebook_timeout di "
        "parameters/default.yaml (600); contoh: --timeout 900"
    ),
    ("batch", "scheduler"): (
        "alamat penjadwal Dask untuk menjalankan laporan di kluster (perlu kinerja[dask]); "
        "bawaan: proses di komputer ini; contoh: --scheduler tcp://10.0.0.5:8786"
    ),
    ("app", "data"): _DATA + " (data sampel dibuat bila belum ada)",
    ("app", "port"): "port di 127.0.0.1; bawaan: 8866; contoh: --port 8870",
    ("app", "params"): _PARAMS,
    ("app", "token"): (
        "wajibkan token bila komputer dipakai bersama (paling sedikit 8 karakter, tanpa spasi); "
        "pembaca membuka http://127.0.0.1:PORT/?token=TEKS; bawaan: tanpa token; "
        "contoh: --token rahasia-forum-2026"
    ),
    ("app", "max_kernels"): (
        "batas formulir yang terbuka bersamaan; lebih dari itu pembaca melihat halaman 'penuh'; "
        "bawaan: 8; contoh: --max-kernels 4"
    ),
    ("pantau", "data"): (
        "folder data atau URL basis data (wajib); contoh: --data data/2026 atau "
        "--data postgresql://pembaca@db.salatiga.go.id:5432/kinerja?schema=evaluasi"
    ),
    ("pantau", "bulan"): (
        "bulan yang dipantau (TTTT-BB); bawaan: bulan lengkap terakhir dalam data; "
        "contoh: --bulan 2026-10"
    ),
    ("pantau", "out"): (
        "folder keluaran: ringkasan kota, satu halaman per OPD dan lembar Excel sinyal "
        "(di <DIR>/pantau); bawaan: tidak menulis berkas; contoh: --out reports"
    ),
    ("pantau", "json"): (
        'cetak {"bulan": ..., "sinyal": [...]} sebagai JSON di stdout; contoh: --json > sinyal.json'
    ),
    ("pantau", "audience"): (
        "pembaca: forum (bawaan; angka agregat saja) atau internal; contoh: --audience internal"
    ),
    ("pantau", "params"): _PARAMS,
    ("audit", "reports_dir"): "folder keluaran kinerja batch yang diperiksa; contoh: reports",
    ("audit", "semua"): (
        "tampilkan selang setiap sel yang disembunyikan, bukan hanya ringkasannya; contoh: --semua"
    ),
}

MAIN_EPILOG = """\
Mulai dari sini:
  kinerja validate data/2026               periksa data, lihat periode yang dipilih
  kinerja batch --data data/2026           semua laporan OPD ke folder reports/
  kinerja app --data data/2026             formulir interaktif di peramban
Bantuan satu perintah: kinerja PERINTAH --help (mis. kinerja batch --help)."""

#: subcommand -> its examples (the epilog of ``kinerja <perintah> --help``)
EXAMPLES: dict[str, str] = {
    "validate": """\
Contoh:
  kinerja validate data/2026
  kinerja validate data/2026 --quarantine karantina/2026
  kinerja validate data/2026 --json > ringkasan.json

Kode keluar: 0 tidak ada baris ditolak, 1 ada baris dikarantina, 2 folder tidak dapat dipakai.""",
    "sample": """\
Contoh:
  kinerja sample --out data/sampel
  kinerja sample --out /tmp/uji --scale 0.2 --year 2026 --seed 7
  kinerja sample --out data/sampel-parquet --format parquet

Semua data sampel fiktif (nama, NIP, teks warga).""",
    "rekap": """\
Contoh:
  kinerja rekap data/2026 --out rekap_2026.xlsx
  kinerja rekap data/2026 --out rekap.json --periode 2026-TW3
  kinerja rekap data/2026 --out rekap_csv

Tanpa --periode, periode dipilih dari data dan disebutkan dalam satu baris,
mis. "Periode: 2026 (data terakhir: Oktober 2026)". Periode tanpa data sama sekali
menghentikan perintah (kode keluar 2) dengan daftar periode yang memiliki data.""",
    "params": """\
Contoh:
  kinerja params --data data/2026
  kinerja params --data data/2026 --params parameters

Nilai yang sudah Anda isi di parameters/opd/<KODE>.yaml dipertahankan.""",
    "batch": """\
Contoh:
  kinerja batch --data data/2026
  kinerja batch --data data/2026 --opd DPMPTSP RSUD --out hasil/2026
  kinerja batch --data data/2026 --periode 2026-TW3 --audience internal --opd DPMPTSP

Hasil: <out>/index.html (daftar laporan), <out>/opd/<KODE>.html, rekap.xlsx.
Kode keluar: 0 semua berhasil, 1 ada laporan gagal, 2 batch tidak dapat dimulai
(mis. periode tanpa data), 130 dihentikan dengan Ctrl-C.""",
    "app": """\
Contoh:
  kinerja app
  kinerja app --data data/2026 --port 8870

Buka alamat yang dicetak (http://127.0.0.1:PORT/) di peramban; hentikan dengan Ctrl-C.""",
    "pantau": """\
Contoh:
  kinerja pantau --data data/2026
  kinerja pantau --data data/2026 --bulan 2026-10 --out reports
  kinerja pantau --data data/2026 --json > sinyal.json

Sinyal dini per OPD, layanan dan indikator menurut bagan kendali (batas 3 sigma,
aturan run dan tren) terhadap bulan-bulan dasar OPD itu sendiri.""",
    "audit": """\
Contoh:
  kinerja audit reports
  kinerja audit reports --semua""",
}


def _document(sub: argparse._SubParsersAction) -> None:
    """Give every subcommand its examples and every option its help text (with an example)."""
    helps = {a.dest: a.help for a in sub._choices_actions}
    for name, p in sub.choices.items():
        p.formatter_class = _Formatter
        if not p.description:
            p.description = helps.get(name)
        if name in EXAMPLES:
            p.epilog = EXAMPLES[name]
        for action in p._actions:
            text = OPTION_HELP.get((name, action.dest))
            if text is not None:
                action.help = text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kinerja",
        description="Workbench evaluasi kinerja ASN Kota Salatiga.",
        epilog=MAIN_EPILOG,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"kinerja {_version()}",
        help="tampilkan versi kinerja lalu keluar; contoh: kinerja --version",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH", title="perintah")

    p = sub.add_parser("validate", help="periksa folder data dan tulis baris karantina")
    p.add_argument(
        "folder",
        metavar="DATA",
        help="folder berisi berkas ekspor (opd, pegawai, ...) atau URL basis data, mis. "
        "postgresql://pembaca@db.salatiga.go.id:5432/kinerja?schema=evaluasi",
    )
    p.add_argument(
        "--quarantine",
        metavar="DIR",
        default=None,
        help="folder karantina (bawaan: karantina/<nama folder data>, di luar folder data)",
    )
    p.add_argument("--json", action="store_true", help="cetak ringkasan sebagai JSON")

    p = sub.add_parser("sample", help="buat data sampel sintetis Kota Salatiga")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=2026, metavar="N")
    p.add_argument("--scale", type=float, default=1.0, metavar="SKALA")
    p.add_argument("--year", type=int, default=2025, metavar="TAHUN")
    p.add_argument(
        "--format", choices=["csv", "parquet"], default="csv", help="format berkas keluaran"
    )

    p = sub.add_parser("rekap", help="tabel rekap tingkat forum (xlsx, json, atau folder CSV)")
    p.add_argument(
        "folder",
        metavar="DATA",
        help="folder data atau URL basis data, mis. data/sampel atau "
        "postgresql://pembaca@db.salatiga.go.id:5432/kinerja?schema=evaluasi",
    )
    p.add_argument("--out", required=True, metavar="BERKAS")
    p.add_argument("--periode", default=None, metavar="P")
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")

    p = sub.add_parser("params", help="(re)buat berkas parameter per OPD dari tabel opd")
    p.add_argument("--data", default=None, metavar="DIR")
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")

    p = sub.add_parser("batch", help="jalankan laporan per OPD dengan Papermill")
    p.add_argument(
        "--data",
        default=None,
        metavar="DATA",
        help="folder data atau URL basis data, mis. data/sampel atau "
        "postgresql://pembaca@db.salatiga.go.id:5432/kinerja?schema=evaluasi",
    )
    p.add_argument("--periode", default=None, metavar="P")
    p.add_argument("--opd", nargs="+", default=None, metavar="KODE")
    p.add_argument("--jobs", type=int, default=None, metavar="N")
    p.add_argument("--audience", choices=["forum", "internal"], default=None)
    p.add_argument("--out", default=None, metavar="DIR")
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")
    p.add_argument("--timeout", type=int, default=None, metavar="DETIK", help="batas waktu (detik)")
    p.add_argument("--scheduler", default=None, metavar="ALAMAT", help="alamat Dask scheduler")

    p = sub.add_parser("app", help="sajikan formulir interaktif dengan Voila")
    p.add_argument(
        "--data",
        default=None,
        metavar="DATA",
        help="folder data atau URL basis data, mis. data/sampel atau "
        "postgresql://pembaca@db.salatiga.go.id:5432/kinerja?schema=evaluasi",
    )
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")
    p.add_argument("--no-browser", action="store_true", default=True, help=argparse.SUPPRESS)
    p.add_argument(
        "--token",
        default=None,
        metavar="TEKS",
        help="wajibkan token (komputer dipakai bersama): buka http://127.0.0.1:PORT/?token=TEKS",
    )
    p.add_argument(
        "--max-kernels",
        type=int,
        default=None,
        metavar="N",
        help="batas kernel formulir yang hidup sekaligus (bawaan 8; lebih: halaman 'penuh')",
    )

    p = sub.add_parser(
        "audit",
        help="serang angka terbit satu batch: apakah sel tersembunyi dapat dipersempit (LP)",
    )
    p.add_argument("reports_dir", metavar="FOLDER_LAPORAN", help="folder keluaran batch")
    p.add_argument("--semua", action="store_true", help="tampilkan selang setiap sel tersembunyi")

    p = sub.add_parser("pantau", help="pemantauan bulanan: sinyal dini dengan bagan kendali")
    p.add_argument("--data", default=None, metavar="DATA", help="folder data atau URL basis data")
    p.add_argument("--bulan", default=None, metavar="YYYY-MM", help="bawaan: bulan terakhir")
    p.add_argument("--out", default=None, metavar="DIR", help="tulis ringkasan, halaman OPD, Excel")
    p.add_argument("--json", action="store_true", help='cetak {"bulan": ..., "sinyal": [...]}')
    p.add_argument("--audience", choices=["forum", "internal"], default="forum")
    p.add_argument("--params", default=None, metavar="DIR", help="folder parameters/")
    _document(sub)
    return parser


#: commands that leave with ``os._exit`` when run as a program (not when ``main`` is called with
#: arguments, as tests do): a one-shot ``pantau`` holds about 1 GB of tables, and letting the
#: interpreter free them object by object at exit costs a third of a second for nothing
_HARD_EXIT = frozenset({"pantau"})


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, func_name = _HANDLERS[args.command].split(":")
    handler = getattr(importlib.import_module(module_name), func_name)
    code = int(handler(args) or 0)
    if argv is None and args.command in _HARD_EXIT:
        import os
        import threading

        if threading.active_count() == 1:  # no thread left with work to finish
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):  # a closed pipe: nothing more can be said
                    code = code or 1
            os._exit(code)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
