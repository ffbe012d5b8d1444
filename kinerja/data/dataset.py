"""``load(folder)`` -> :class:`Dataset`: validated typed tables, quarantine, summary, cache.

A data folder holds one file per table (data-contract.md). Only ``opd`` and ``pegawai`` are
required. Loading reads every file first, so that every structural problem (missing required
table or column, unreadable file, two files for one table, two columns read as the same column)
is reported at once in one :class:`DataFolderError`; then the tables are validated in contract
order (``opd``, ``pegawai`` first, so later tables can be checked against them).

The raw folder is never written to. Quarantine files go to a separate folder
(:meth:`Dataset.write_quarantine`; ``kinerja validate`` defaults to ``karantina/<folder name>``
in the current directory and refuses a folder inside the data folder).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kinerja.data.database import is_database_url, redact
from kinerja.data.errors import DatabaseError, DataFolderError
from kinerja.data.io import RawTable, UnreadableFileError, find_table_files, read_table_file
from kinerja.domain.schema import REQUIRED_TABLES, TABLE_NAMES, TABLES

if TYPE_CHECKING:  # validation (pandera) is imported only when a folder is loaded
    from kinerja.data.validation import ColumnMapping, PppkCheck, TableResult

CACHE_FORMAT = 1
SUMMARY_COLUMNS = ("table", "berkas", "read", "accepted", "quarantined")


def __getattr__(name: str) -> Any:
    # ``QUARANTINE_COLUMNS`` is re-exported from kinerja.data.validation without importing pandera
    # when only a prepared cache is read (every report notebook of a batch)
    if name == "QUARANTINE_COLUMNS":
        from kinerja.data.validation import QUARANTINE_COLUMNS

        return QUARANTINE_COLUMNS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class LazyTables(Mapping[str, pd.DataFrame]):
    """Tables of a prepared cache, each read (and re-typed) the first time it is asked for.

    A report whose metric tables were precomputed by the batch only needs the small tables
    (``opd``, names); the large ones (``laporan_kinerja``, ``layanan``, ``skm``) are then never
    read. :meth:`n_rows` answers "is this table empty?" from the Parquet footer without reading
    it.
    """

    def __init__(self, folder: Path, names: list[str]) -> None:
        self._folder = folder
        self._names = list(names)
        self._loaded: dict[str, pd.DataFrame] = {}

    def _path(self, name: str) -> Path:
        return self._folder / f"{name}.parquet"

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._loaded:
            if name not in self._names:
                raise KeyError(name)
            frame = pd.read_parquet(self._path(name))
            self._loaded[name] = _restore_dtypes(frame, name) if name in TABLES else frame
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def n_rows(self, name: str) -> int | None:
        """Rows of table ``name`` (``None`` when absent) without loading it."""
        if name not in self._names:
            return None
        if name in self._loaded:
            return len(self._loaded[name])
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(self._path(name)).metadata.num_rows)

    @property
    def loaded(self) -> list[str]:
        """Names of the tables read so far."""
        return list(self._loaded)


@dataclass
class Dataset:
    """Validated tables of one data folder.

    Attributes
    ----------
    tables : dict of str -> DataFrame
        Accepted rows of every table present, typed as docs/architecture.md describes.
    quarantine : dict of str -> DataFrame
        Rejected rows of every table present: the original columns as text, unchanged, plus
        ``_berkas``, ``_baris``, ``_kolom``, ``_alasan``.
    summary : DataFrame
        ``table, berkas, read, accepted, quarantined`` (read = accepted + quarantined).
    warnings : DataFrame
        ``table, berkas, baris, kolom, pesan``: findings that do not reject a row (a predikat
        that disagrees with the §2.3 matrix, NIP heuristics, unknown ``kode_induk``).
    missing : list of str
        Optional tables without a file.
    files : dict of str -> str
        Table -> file name.
    file_hashes : dict of str -> str
        File name -> SHA-256 of its bytes.
    notes : list of str
        Assumptions used (rules marked *likely* in reference.md).
    """

    tables: Mapping[str, pd.DataFrame]
    quarantine: Mapping[str, pd.DataFrame]
    summary: pd.DataFrame
    warnings: pd.DataFrame
    missing: list[str]
    files: dict[str, str]
    file_hashes: dict[str, str]
    folder: str | None = None
    notes: list[str] = field(default_factory=list)
    delimiters: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> pd.DataFrame | None:
        """The typed table, or ``None`` when its file is absent."""
        if name not in TABLES:
            raise KeyError(f"tabel tidak dikenal: {name!r} (tabel: {', '.join(TABLE_NAMES)})")
        return self.tables.get(name)

    @property
    def n_quarantined(self) -> int:
        """Quarantined rows over all tables."""
        return int(self.summary["quarantined"].sum()) if len(self.summary) else 0

    def __repr__(self) -> str:
        parts = [
            f"{t}={n:,}"
            for t, n in zip(self.summary["table"], self.summary["accepted"], strict=False)
        ]
        return (
            f"Dataset({', '.join(parts)}; dikarantina={self.n_quarantined:,}; "
            f"tidak ada={self.missing})"
        )

    # ------------------------------------------------------------------------------------------
    def write_quarantine(self, directory: str | Path) -> list[Path]:
        """Write ``<directory>/<table>.csv`` for every table with quarantined rows.

        UTF-8 with BOM (Excel opens it correctly), the delimiter of the source file (``,`` for
        xlsx/parquet). A stale ``<table>.csv`` left by an earlier run for a table that now has
        no quarantined rows is removed (only files whose header has ``_alasan``).
        """
        directory = Path(directory)
        written: list[Path] = []
        for table in TABLE_NAMES:
            q = self.quarantine.get(table)
            target = directory / f"{table}.csv"
            if q is None or not len(q):
                if target.is_file() and _is_quarantine_file(target):
                    target.unlink()
                continue
            directory.mkdir(parents=True, exist_ok=True)
            from kinerja.data.spreadsheet import neutralise_frame  # "=HYPERLINK(..)" stays text

            neutralise_frame(q).to_csv(
                target,
                index=False,
                encoding="utf-8-sig",
                sep=self.delimiters.get(table, ","),
                lineterminator="\r\n",
            )
            written.append(target)
        return written

    # ------------------------------------------------------------------------------------------
    def save_cache(self, directory: str | Path) -> Path:
        """Write a prepared cache: parquet per table and quarantine, summary, warnings, and
        ``dataset.json`` (file names, SHA-256 of every input file, missing tables, notes).

        :meth:`from_cache` restores the dataset exactly, dtypes included.
        """
        directory = Path(directory)
        (directory / "tables").mkdir(parents=True, exist_ok=True)
        (directory / "karantina").mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables.items():
            frame.to_parquet(directory / "tables" / f"{name}.parquet", index=False)
        for name, frame in self.quarantine.items():
            frame.to_parquet(directory / "karantina" / f"{name}.parquet", index=False)
        self.summary.to_parquet(directory / "summary.parquet", index=False)
        self.warnings.to_parquet(directory / "warnings.parquet", index=False)
        meta = {
            "format": CACHE_FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "folder": self.folder,
            "tables": list(self.tables),
            "missing": self.missing,
            "files": self.files,
            "file_hashes": self.file_hashes,
            "notes": self.notes,
            "delimiters": self.delimiters,
            "dtypes": {n: {c: str(t) for c, t in f.dtypes.items()} for n, f in self.tables.items()},
        }
        path = directory / "dataset.json"
        path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    @classmethod
    def from_cache(cls, directory: str | Path, *, lazy: bool = False) -> Dataset:
        """Restore a dataset written by :meth:`save_cache`.

        With ``lazy=True`` the tables and the quarantine are :class:`LazyTables`: each is read
        when first used (a damaged table file then fails at that point, not here).
        """
        directory = Path(directory)
        meta_path = directory / "dataset.json"
        if not meta_path.is_file():
            raise FileNotFoundError(f"bukan folder cache kinerja (tidak ada {meta_path})")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != CACHE_FORMAT:
            raise ValueError(f"format cache {meta.get('format')} tidak didukung")
        tables: Mapping[str, pd.DataFrame]
        quarantine: Mapping[str, pd.DataFrame]
        if lazy:
            tables = LazyTables(directory / "tables", list(meta["tables"]))
            quarantine = _LazyQuarantine(directory / "karantina", list(meta["tables"]))
        else:
            tables = {}
            for name in meta["tables"]:
                frame = pd.read_parquet(directory / "tables" / f"{name}.parquet")
                tables[name] = _restore_dtypes(frame, name)
            quarantine = {
                name: pd.read_parquet(directory / "karantina" / f"{name}.parquet")
                for name in meta["tables"]
            }
        return cls(
            tables=tables,
            quarantine=quarantine,
            summary=pd.read_parquet(directory / "summary.parquet"),
            warnings=pd.read_parquet(directory / "warnings.parquet"),
            missing=list(meta["missing"]),
            files=dict(meta["files"]),
            file_hashes=dict(meta["file_hashes"]),
            folder=meta.get("folder"),
            notes=list(meta.get("notes", [])),
            delimiters=dict(meta.get("delimiters", {})),
        )

    def cache_is_current(self, folder: str | Path) -> bool:
        """True when ``folder`` still holds exactly the files (names and SHA-256) loaded here."""
        from kinerja.data.io import file_sha256

        found = find_table_files(folder, TABLE_NAMES)
        names = {p.name: p for paths in found.values() for p in paths}
        if set(names) != set(self.file_hashes):
            return False
        return all(file_sha256(p) == self.file_hashes[n] for n, p in names.items())


def _restore_dtypes(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Re-apply the contract dtypes (categories in canonical order) after reading parquet."""
    spec = TABLES[name]
    out = frame.copy()
    for c in spec.columns:
        if c.name not in out:
            continue
        if c.kind == "category":
            out[c.name] = out[c.name].astype("str").astype(pd.CategoricalDtype(list(c.vocabulary)))
        elif c.kind in ("date", "datetime", "time_or_datetime"):
            out[c.name] = out[c.name].astype("datetime64[ns]")
        elif c.kind == "skm":
            out[c.name] = out[c.name].astype("Int8")
        elif c.kind == "int":
            out[c.name] = out[c.name].astype("Int64")
        elif c.kind == "float":
            out[c.name] = out[c.name].astype("float64")
        else:
            out[c.name] = out[c.name].astype("str")
    return out


class _LazyQuarantine(LazyTables):
    """Quarantined rows of a cache: the original text columns, read as stored."""

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._loaded:
            if name not in self._names:
                raise KeyError(name)
            self._loaded[name] = pd.read_parquet(self._path(name))
        return self._loaded[name]


def _is_quarantine_file(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            return "_alasan" in fh.readline()
    except OSError:
        return False


# ----------------------------------------------------------------------------------------------
# load()
# ----------------------------------------------------------------------------------------------


def _open_folder(folder: Path) -> tuple[dict[str, RawTable], dict[str, ColumnMapping]]:
    """Read and map every table file; raise one DataFolderError listing all problems."""
    if not folder.exists():
        raise DataFolderError(f"folder data tidak ditemukan: {folder}")
    if not folder.is_dir():
        raise DataFolderError(f"bukan folder: {folder}")
    from kinerja.data.validation import map_columns

    found = find_table_files(folder, TABLE_NAMES)
    problems: list[str] = []
    for table, paths in found.items():
        if len(paths) > 1:
            problems.append(
                f"tabel {table} punya lebih dari satu berkas ({', '.join(p.name for p in paths)});"
                " sisakan satu"
            )
    for table in REQUIRED_TABLES:
        if table not in found:
            problems.append(
                f"tabel wajib {table!r} tidak ada: letakkan {table}.csv, {table}.xlsx atau "
                f"{table}.parquet di {folder}"
            )
    raws: dict[str, RawTable] = {}
    mappings: dict[str, ColumnMapping] = {}
    for table in TABLE_NAMES:
        paths = found.get(table)
        if not paths or len(paths) > 1:
            continue
        try:
            raw = read_table_file(paths[0])
        except UnreadableFileError as exc:
            problems.append(str(exc))
            continue
        mapping = map_columns(TABLES[table], raw)
        for col in mapping.missing:
            problems.append(
                f"berkas {raw.berkas}: kolom wajib {col!r} tidak ada "
                f"(kolom yang ada: {', '.join(map(str, raw.data.columns))})"
            )
        problems.extend(mapping.conflicts)
        raws[table] = raw
        mappings[table] = mapping
    if problems:
        raise DataFolderError(
            "; ".join(problems)
            if len(problems) == 1
            else "\n- ".join(["folder data tidak dapat digunakan:", *problems])
        )
    return raws, mappings


@dataclass
class OpenedSource:
    """A data source read and mapped, not yet validated (:func:`open_source`).

    Attributes
    ----------
    raws : dict of str -> RawTable
        Contract table -> what was read (a file, or a database table).
    label : str
        The folder, or the database URL without its password.
    hashes : dict of str -> str
        File or table name -> SHA-256 of its content (the prepared cache's key inputs).
    record : dict or None
        For a database: URL without password, per table source, row count and content hash
        (:meth:`kinerja.data.database.DatabaseRead.record`), for the manifest.
    """

    raws: dict[str, RawTable]
    mappings: dict[str, ColumnMapping]
    label: str
    hashes: dict[str, str]
    record: dict[str, Any] | None = None


def _open_database(source: str, params_dir: str | Path | None) -> OpenedSource:
    from kinerja.data.database import read_database
    from kinerja.data.validation import map_columns

    read = read_database(source, params_dir=params_dir)
    problems: list[str] = []
    mappings: dict[str, ColumnMapping] = {}
    for table, raw in read.tables.items():
        mapping = map_columns(TABLES[table], raw)
        for col in mapping.missing:
            problems.append(
                f"tabel {raw.berkas}: kolom wajib {col!r} tidak ada "
                f"(kolom yang ada: {', '.join(map(str, raw.data.columns))})"
            )
        problems.extend(mapping.conflicts)
        mappings[table] = mapping
    if problems:
        text = (
            problems[0]
            if len(problems) == 1
            else "\n- ".join(["basis data tidak dapat digunakan:", *problems])
        )
        raise DatabaseError(f"{text} [{read.source.display}]")
    return OpenedSource(
        dict(read.tables), mappings, read.source.display, read.hashes, read.record()
    )


def open_source(source: str | Path, *, params_dir: str | Path | None = None) -> OpenedSource:
    """Read every contract table of a folder or a database, before validation.

    Parameters
    ----------
    source : path or str
        A data folder, or a database URL (``postgresql://user:pw@host:port/db?schema=s``,
        :mod:`kinerja.data.database`).
    params_dir : path, optional
        For a database: the parameters folder whose ``sumber.yaml`` maps table names (when the
        URL has no ``?sumber=``).

    Raises
    ------
    DataFolderError
        (:class:`~kinerja.data.errors.DatabaseError` for a database) one message for every
        structural problem; never containing a password.
    """
    if is_database_url(str(source)) and not Path(str(source)).exists():
        return _open_database(str(source), params_dir)
    folder = Path(source)
    raws, mappings = _open_folder(folder)
    return OpenedSource(raws, mappings, str(folder), {r.berkas: r.sha256 for r in raws.values()})


def load(
    source: str | Path,
    *,
    quarantine_dir: str | Path | None = None,
    pppk_nip: PppkCheck = "reject",
    params_dir: str | Path | None = None,
) -> Dataset:
    """Load and validate a data folder or a database.

    Parameters
    ----------
    source : path or str
        A folder with one file per table (``.csv``, ``.xlsx`` first sheet, ``.parquet``),
        data-contract.md; or a database URL (``postgresql://user:pw@host:port/db``, optionally
        ``?schema=S`` and ``&sumber=PATH``; other SQLAlchemy dialects with their drivers), whose
        tables or views carry the contract's names or are mapped by ``sumber.yaml``.
    quarantine_dir : path, optional
        When given, quarantine files are written there (:meth:`Dataset.write_quarantine`).
    pppk_nip : {"reject", "warn"}
        An NI PPPK that breaks the §5.2 layout (marked *likely* in reference.md) quarantines
        its ``pegawai`` row (default) or only gives a warning. Stated in ``Dataset.notes``.
    params_dir : path, optional
        For a database: where ``sumber.yaml`` is looked for (default: the parameters folder).

    Returns
    -------
    Dataset
        For a database ``folder`` is the URL without its password, ``files`` names the tables
        and ``file_hashes`` holds their content hashes.

    Raises
    ------
    DataFolderError
        Missing required table or column, unreadable or ambiguous file (one message for all);
        for a database (:class:`~kinerja.data.errors.DatabaseError`) also login refused, server
        unreachable, connection lost while reading -- nothing is written then.
    """
    ds = validate_source(open_source(source, params_dir=params_dir), pppk_nip=pppk_nip)
    if quarantine_dir is not None:
        ds.write_quarantine(quarantine_dir)
    return ds


def validate_source(opened: OpenedSource, *, pppk_nip: PppkCheck = "reject") -> Dataset:
    """Validate what :func:`open_source` read (contract order: ``opd``, ``pegawai`` first)."""
    from kinerja.data.validate_tables import validate_tables
    from kinerja.data.validation import WARNING_COLUMNS

    raws, mappings = opened.raws, opened.mappings
    # opd and pegawai first; the largest other table in a second thread (validate_tables)
    results: dict[str, TableResult] = validate_tables(raws, mappings, pppk_nip=pppk_nip)

    summary = pd.DataFrame(
        {
            "table": pd.Series([r.name for r in results.values()], dtype="str"),
            "berkas": pd.Series([r.berkas for r in results.values()], dtype="str"),
            "read": pd.Series([r.read for r in results.values()], dtype="int64"),
            "accepted": pd.Series([r.accepted for r in results.values()], dtype="int64"),
            "quarantined": pd.Series([r.quarantined for r in results.values()], dtype="int64"),
        }
    )
    from kinerja.data.labels import screen_labels  # personal data in label columns is masked

    label_warnings = screen_labels(results, raws, mappings)
    warn_frames = [r.warnings for r in results.values() if len(r.warnings)]
    warn_frames += [label_warnings] if len(label_warnings) else []
    warnings = (
        pd.concat(warn_frames, ignore_index=True)
        if warn_frames
        else pd.DataFrame({c: pd.Series(dtype="str") for c in WARNING_COLUMNS})
    )
    if not len(warnings):
        warnings["baris"] = warnings["baris"].astype("int64")
    notes: list[str] = []
    peg = results["pegawai"].data
    if peg["status_kepegawaian"].eq("PPPK").any() or (
        results["pegawai"].quarantined
        and results["pegawai"].quarantine["_alasan"].str.contains("PPPK").any()
    ):
        notes.append(
            "NI PPPK diperiksa dengan pola yang lazim (belum terkonfirmasi, satu sumber): "
            + ("baris yang menyimpang dikarantina" if pppk_nip == "reject" else "hanya peringatan")
        )
    ds = Dataset(
        tables={t: r.data for t, r in results.items()},
        quarantine={t: r.quarantine for t, r in results.items()},
        summary=summary,
        warnings=warnings,
        missing=[t for t in TABLE_NAMES if t not in results],
        files={t: r.berkas for t, r in results.items()},
        file_hashes={raws[t].berkas: raws[t].sha256 for t in results},
        folder=opened.label,
        notes=notes,
        delimiters={t: raws[t].delimiter for t in results},
    )
    return ds


# ----------------------------------------------------------------------------------------------
# kinerja validate
# ----------------------------------------------------------------------------------------------


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _inside(path: Path, folder: Path) -> bool:
    p, f = path.resolve(), folder.resolve()
    return p == f or f in p.parents


def default_quarantine_dir(source: str | Path) -> Path:
    """``karantina/<folder name>`` in the current working directory; for a database URL
    ``karantina/<database name>`` (``<database>-<schema>`` with ``?schema=``)."""
    if is_database_url(str(source)) and not Path(str(source)).exists():
        from kinerja.data.database import source_query

        text = redact(source).split("?", 1)[0]
        name = text.rstrip("/").rsplit("/", 1)[-1] or "basis_data"
        schema = source_query(str(source)).get("schema")
        name = f"{name}-{schema}" if schema else name
        return Path.cwd() / "karantina" / re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return Path.cwd() / "karantina" / Path(source).resolve().name


def cli_validate(args: argparse.Namespace) -> int:
    """``kinerja validate SOURCE [--quarantine DIR] [--json]`` (a folder or a database URL).

    Exit 0: nothing quarantined; 1: rows quarantined; 2: the source cannot be used.
    """
    source = str(args.folder)
    is_db = is_database_url(source) and not Path(source).exists()
    folder = Path(source)
    qdir = Path(args.quarantine) if args.quarantine else default_quarantine_dir(source)
    if not is_db and folder.exists() and _inside(qdir, folder):
        print(
            f"Folder karantina {qdir} berada di dalam folder data {folder}; data mentah tidak "
            "boleh diubah. Jalankan dari folder lain atau pilih --quarantine DIR di luar folder "
            "data.",
            file=sys.stderr,
        )
        return 2
    try:
        ds = load(source if is_db else folder)
    except DatabaseError as exc:
        print(f"Basis data tidak dapat digunakan: {exc}", file=sys.stderr)
        return 2
    except DataFolderError as exc:
        print(f"Folder data tidak dapat digunakan: {exc}", file=sys.stderr)
        return 2
    written = ds.write_quarantine(qdir)
    info = sys.stderr if args.json else sys.stdout
    if args.json:
        payload = {
            row.table: {
                "read": int(row.read),
                "accepted": int(row.accepted),
                "quarantined": int(row.quarantined),
            }
            for row in ds.summary.itertuples(index=False)
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(f"Validasi {'basis data' if is_db else 'folder data'}: {ds.folder}")
        _print_summary(ds.summary)
    if ds.missing:
        print(f"Tabel opsional yang tidak ada: {', '.join(ds.missing)}", file=info)
    for note in ds.notes:
        print(f"Catatan: {note}", file=info)
    from kinerja.data.periods import describe  # the period reports would use (periode: auto)

    for line in describe(ds.tables):
        print(line, file=info)
    if len(ds.warnings):
        print(f"Peringatan ({_fmt(len(ds.warnings))}, baris tetap dimuat):", file=info)
        for w in ds.warnings.head(20).itertuples(index=False):
            print(f"  {w.berkas} baris {w.baris}, kolom {w.kolom}: {w.pesan}", file=info)
        if len(ds.warnings) > 20:
            print(f"  ... dan {_fmt(len(ds.warnings) - 20)} lainnya", file=info)
    if ds.n_quarantined:
        print(
            f"{_fmt(ds.n_quarantined)} baris dikarantina; berkas ditulis ke {qdir}: "
            + ", ".join(p.name for p in written),
            file=info,
        )
        return 1
    print("Tidak ada baris yang dikarantina.", file=info)
    return 0


def _print_summary(summary: pd.DataFrame) -> None:
    head = ("Tabel", "Berkas", "Dibaca", "Diterima", "Dikarantina")
    rows = [
        (r.table, r.berkas, _fmt(r.read), _fmt(r.accepted), _fmt(r.quarantined))
        for r in summary.itertuples(index=False)
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    for i, row in enumerate([head, *rows]):
        cells = [
            str(v).ljust(w) if j < 2 else str(v).rjust(w)
            for j, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    total = summary[["read", "accepted", "quarantined"]].sum()
    print(
        f"Jumlah: dibaca {_fmt(int(total['read']))}, diterima {_fmt(int(total['accepted']))}, "
        f"dikarantina {_fmt(int(total['quarantined']))}"
    )


__all__ = [
    "QUARANTINE_COLUMNS",  # noqa: F822 (module __getattr__: no pandera import for a cache)
    "SUMMARY_COLUMNS",
    "DataFolderError",
    "DatabaseError",
    "Dataset",
    "LazyTables",
    "OpenedSource",
    "cli_validate",
    "default_quarantine_dir",
    "load",
    "open_source",
    "validate_source",
]
