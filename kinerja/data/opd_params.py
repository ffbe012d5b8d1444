"""Generate the per-OPD parameter files from the ``opd`` table (``kinerja params``).

Moved out of :mod:`kinerja.domain.params` (which reads and validates the files) because writing
them needs the data layer: the ``opd`` table comes from :func:`kinerja.data.dataset.load` and the
files are written with :func:`kinerja.data.atomic.atomic_write_text`. The validators and key lists
stay in the domain module.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from kinerja.data.atomic import atomic_write_text
from kinerja.domain.params import (
    OPD_KEYS,
    ParameterError,
    check_mapping,
    default_params_dir,
    known_opd_codes,
    load_defaults,
    load_opd_file,
    validate_kode_opd,
)

__all__ = ["cli_params", "generate_opd_params"]

_HEADER = (
    "# Parameter laporan OPD. Dibuat oleh `kinerja params` dari tabel opd.\n"
    "# Nilai null berarti ikut parameters/default.yaml. Nilai yang Anda isi dipertahankan\n"
    "# saat berkas dibuat ulang (kecuali kode_opd dan nama_opd, yang mengikuti tabel opd).\n"
    "# Kunci: periode, audience (forum|internal), org_predikat (predikat kinerja organisasi untuk\n"
    "# kurva distribusi SKP), populasi (jumlah populasi penerima layanan untuk kecukupan sampel SKM),\n"
    "# weekmask (7 angka 0/1 mulai Senin; mis. RSUD 1111110), catatan.\n"
)


def generate_opd_params(
    opd: Any, params_dir: str | os.PathLike[str] | None = None
) -> dict[str, list[str]]:
    """(Re)generate ``opd/<kode_opd>.yaml`` for every row of the ``opd`` table.

    Values a user already set in an existing file are kept (except ``kode_opd`` and ``nama_opd``,
    which follow the table); new RSUD files (``jenis_opd == "rsud"``) get weekmask ``1111110``.
    Files of codes no longer in the table are left alone and reported as ``orphaned``.

    Parameters
    ----------
    opd : DataFrame
        The ``opd`` table (``kode_opd``, ``nama_opd``, optional ``jenis_opd``).
    params_dir : path, optional
        The parameters folder.

    Returns
    -------
    dict
        ``{"created": [...], "updated": [...], "orphaned": [...]}`` lists of codes.
    """
    folder = Path(params_dir) if params_dir is not None else default_params_dir()
    codes = known_opd_codes(opd)
    bad = []
    for code in codes:
        try:
            validate_kode_opd(code)
        except ParameterError as exc:
            bad.append(str(exc))
    if bad:
        raise ParameterError("tabel opd berisi kode yang tidak dapat dipakai:\n" + "\n".join(bad))
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ParameterError(f"tabel opd berisi kode_opd ganda: {', '.join(dupes)}")
    opd_dir = folder / "opd"
    opd_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, list[str]] = {"created": [], "updated": [], "orphaned": []}
    has_jenis = "jenis_opd" in opd.columns
    for row in opd.itertuples(index=False):
        code = str(row.kode_opd)
        path = opd_dir / f"{code}.yaml"
        values: dict[str, Any] = dict.fromkeys(OPD_KEYS)
        if path.is_file():
            values.update(load_opd_file(path))
            result["updated"].append(code)
        else:
            if has_jenis and str(row.jenis_opd) == "rsud":
                values["weekmask"] = "1111110"
            result["created"].append(code)
        values["kode_opd"] = code
        nama = getattr(row, "nama_opd", None)
        values["nama_opd"] = None if nama is None or nama != nama else str(nama)
        check_mapping(values, OPD_KEYS, path)
        text = _HEADER + yaml.safe_dump(
            values, allow_unicode=True, sort_keys=False, default_flow_style=False
        )
        atomic_write_text(path, text)
    known = set(codes)
    result["orphaned"] = sorted(p.stem for p in opd_dir.glob("*.yaml") if p.stem not in known)
    return result


def cli_params(args: Any) -> int:
    """``kinerja params [--data DIR] [--params DIR]``: regenerate the per-OPD YAML files."""
    import sys

    from kinerja.data.dataset import load  # the one loader; lazy: `kinerja params` only

    data_dir = Path(args.data) if getattr(args, "data", None) else Path("data/sampel")
    folder = Path(args.params) if getattr(args, "params", None) else default_params_dir()
    if not data_dir.is_dir():
        print(f"Folder data tidak ditemukan: {data_dir}", file=sys.stderr)
        return 2
    try:
        load_defaults(folder)
        ds = load(data_dir)
        opd = ds.get("opd")
        if opd is None or opd.empty:
            print(f"Tabel opd kosong atau tidak ada di {data_dir}", file=sys.stderr)
            return 2
        result = generate_opd_params(opd, folder)
    except (ParameterError, OSError) as exc:
        print(f"Gagal membuat parameter: {exc}", file=sys.stderr)
        return 2
    print(
        f"Parameter OPD di {folder / 'opd'}: {len(result['created'])} dibuat, "
        f"{len(result['updated'])} diperbarui."
    )
    if result["orphaned"]:
        print(
            "Berkas untuk kode yang tidak ada lagi di tabel opd (dibiarkan): "
            + ", ".join(result["orphaned"])
        )
    return 0
