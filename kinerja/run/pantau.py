"""``kinerja pantau``: the monthly monitoring digest (signals, pages, workbook, JSON).

A short pipeline: settings → the prepared cache (:func:`kinerja.run.cache.prepare_cache`: the
raw exports of a folder or a database are parsed once, then read as Parquet while their SHA-256
is unchanged; see :func:`cache_root`) → monitoring (:func:`kinerja.metrics.monitoring.build.monitoring_for`) → protection and
views (:mod:`kinerja.report.monitoring.pages`) → gated writes. The month defaults to the latest
complete month of the data.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["PANTAU_METRICS", "PantauRun", "cache_root", "cli_pantau", "run_pantau", "write_outputs"]


@dataclass
class PantauRun:
    """The result of one monitoring run (month chosen, protected tables, page inputs)."""

    bulan: pd.Timestamp
    signals: pd.DataFrame
    insufficient: pd.DataFrame
    pages: Any
    dataset: Any
    data: Any

    def payload(self) -> dict[str, Any]:
        """``{"bulan": "YYYY-MM", "sinyal": [...], "data_kurang": [...]}`` (JSON-ready)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            out = []
            for row in df.to_dict(orient="records"):
                out.append({k: (None if _missing(v) else v) for k, v in row.items()})
            return out

        short = self.insufficient.drop(columns=["n"], errors="ignore")
        return {
            "bulan": f"{self.bulan:%Y-%m}",
            "sinyal": records(self.signals),
            "data_kurang": records(short),
        }


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _parse_month(text: str | None, months: list[pd.Timestamp]) -> pd.Timestamp:
    from kinerja.domain.period import Periode

    if not months:
        raise ValueError("data tidak memuat satu bulan lengkap pun untuk dipantau")
    if text in (None, ""):
        return months[-1]
    try:
        per = Periode.parse(text)
    except ValueError as exc:
        raise ValueError(f"--bulan tidak sah: {text!r} (contoh: 2025-03)") from exc
    if per.kind != "bulan":
        raise ValueError(f"--bulan harus satu bulan YYYY-MM, bukan {text!r}")
    month = pd.Timestamp(per.start).normalize()
    if month not in months:
        raise ValueError(
            f"bulan {text} tidak ada di data atau belum lengkap "
            f"(bulan lengkap: {months[0]:%Y-%m} s.d. {months[-1]:%Y-%m})"
        )
    return month


#: the metric tables of the monitoring (:mod:`kinerja.metrics.registry`): when the metric store
#: of the prepared cache lacks one, the store is written again after the run
PANTAU_METRICS = (("pantau", ""), ("pantau_outcomes", ""), ("dampak", ""))


def cache_root(data_source: str | Path, out_dir: str | Path | None = None) -> Path:
    """Where ``kinerja pantau`` keeps the prepared cache of ``data_source``.

    ``<out>`` when it already holds a batch's prepared cache (``<out>/_cache``), so the digest
    reuses the batch's Parquet tables and metric store; otherwise a private folder outside the
    data and the output folders (``<folder cache root>/pantau/<hash of the source>``, see
    :attr:`kinerja.domain.settings.EnvSettings.folder_cache_root`): an output folder meant for
    the forum never receives a copy of the personal data it did not hold.
    """
    from kinerja.data.database import is_database_url, redact
    from kinerja.domain.cache_key import cache_key
    from kinerja.domain.settings import read_env

    if out_dir is not None and (Path(out_dir) / "_cache").is_dir():
        return Path(out_dir)
    text = str(data_source)
    where = redact(text) if is_database_url(text) else str(Path(text).resolve())
    return read_env().folder_cache_root / "pantau" / cache_key("pantau-sumber", where)[:20]


def run_pantau(
    data_source: str | Path,
    *,
    bulan: str | None = None,
    audience: str = "forum",
    params_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    use_cache: bool = True,
) -> PantauRun:
    """Load the data, compute the monitoring and choose the month.

    With ``use_cache`` (default) the data are read through a prepared cache
    (:func:`kinerja.run.cache.prepare_cache`, keyed by the SHA-256 of every input file; in
    :func:`cache_root`): the first run parses the raw exports and writes Parquet tables, a later
    run on unchanged data reads them. The monitoring tables are metric tables kept in the
    cache's Arrow metric store (:meth:`kinerja.metrics.store.ReportData.save_metrics`) under the
    key of the data, the settings and today's date, so a second run the same day (or a run
    after ``kinerja batch`` into the same ``--out``) does not recompute them.

    Raises
    ------
    ValueError
        An unknown month, a month without complete data, an invalid audience.
    """
    from kinerja.data.database import is_database_url, redact
    from kinerja.data.dataset import Dataset, load
    from kinerja.domain.audience import validate_audience
    from kinerja.domain.settings import load_settings
    from kinerja.metrics.monitoring.build import monitoring_for
    from kinerja.metrics.store import ReportData
    from kinerja.metrics.stored import read_index
    from kinerja.report.monitoring.section import page_data

    aud = validate_audience(audience)
    settings = load_settings(params_dir, audience=aud)
    cache = info = None
    fresh = None  # the dataset just validated when the cache was (re)built
    stored: set[tuple[str, str]] = set()
    if use_cache:
        from kinerja.run.cache import prepare_cache
        from kinerja.run.common import BatchError

        try:
            info = prepare_cache(
                data_source,
                cache_root(data_source, out_dir),
                params_dir=settings.params_dir,
                keep_dataset=True,
                background=True,
            )
            cache, fresh = info.path, info.dataset
        except BatchError as exc:
            raise ValueError(str(exc)) from exc
        except OSError:  # a cache we cannot write only costs time
            cache = None
    if cache is not None:
        # a cache built by this run: its tables are already in memory (the same frames
        # Dataset.from_cache reads back), so they are not read again from Parquet; the
        # Parquet files are written by a thread meanwhile (info.wait() below)
        ds = fresh if fresh is not None else Dataset.from_cache(cache, lazy=True)
        text = str(data_source)
        data = ReportData(
            ds, settings=settings, source=redact(text) if is_database_url(text) else text
        )
        if fresh is None and data.load_metrics(cache):  # a new cache holds no metric yet
            index = read_index(cache) or {}
            stored = {(str(e["name"]), str(e["periode"])) for e in index.get("entries", [])}
    else:
        ds = load(data_source, params_dir=settings.params_dir)
        # ds.folder is the folder, or the database URL without its password
        data = ReportData(ds, settings=settings, source=str(ds.folder))
    mon = monitoring_for(data)
    month = _parse_month(bulan, mon.months)
    pages = page_data(data, aud)
    if info is not None:
        try:
            info.wait()  # the new cache in place before its metrics are stored (and any fork)
        except OSError:  # a cache we cannot write only costs time
            cache = None
    if cache is not None and not set(PANTAU_METRICS) <= stored:
        with contextlib.suppress(OSError):  # a store we cannot write only costs time
            data.save_metrics(cache)
    return PantauRun(month, pages.signals(month), pages.insufficient(month), pages, ds, data)


def write_outputs(run: PantauRun, out_dir: str | Path) -> list[Path]:
    """Write the digest, one page per OPD and the workbook under ``<out>/pantau/``.

    Every file passes the personal-data gate (:func:`kinerja.protect.gated_write`): the forum
    gate over every employee for the digest and the workbook, and for the OPD pages of an
    ``internal`` run the internal gate of that OPD. When ``<out>`` holds a batch
    (``manifest.json``), its ``index.html`` is rendered again so that it links the digest.
    """
    from kinerja.protect import PersonalDataGate, gated_write
    from kinerja.report.monitoring.pages import digest_html, opd_html, signals_xlsx
    from kinerja.run.split_work import map_split

    root = Path(out_dir)
    folder = root / "pantau"
    pages = run.pages
    gate = PersonalDataGate.from_dataset(run.dataset)
    peg = run.dataset.tables.get("pegawai") if hasattr(run.dataset, "tables") else None
    sheet = f"sinyal_{run.bulan:%Y-%m}.xlsx"
    staff = (
        set(peg["kode_opd"].astype("str"))
        if pages.audience == "internal" and peg is not None
        else set()
    )

    def write(job: tuple[str, Any]) -> str:
        kind, kode = job
        if kind == "xlsx":
            book = signals_xlsx(run.signals, run.insufficient, run.bulan, pages.names)
            path = gated_write(folder / sheet, book, gate, audience="forum", root=root)
        elif kind == "index":
            page = digest_html(pages, run.bulan, sheet=sheet)
            path = gated_write(folder / "index.html", page, gate, audience="forum", root=root)
        else:
            own, aud = gate, "forum"
            if kode in staff:
                own, aud = PersonalDataGate.for_internal(peg, kode), "internal"
            text = opd_html(pages, kode, run.bulan)
            target = folder / "opd" / f"{kode}.html"
            path = gated_write(target, text, own, audience=aud, root=root)
        return str(path)

    # the workbook, one page per OPD and the digest: rendered and gated on both cores
    # (kinerja.run.split_work), in the order a plain loop would write them
    jobs = [("xlsx", None), *(("opd", k) for k in sorted(pages.names)), ("index", None)]
    written = [Path(p) for p in map_split(write, jobs)]
    _relink_batch_index(root, run)
    return written


def _relink_batch_index(root: Path, run: PantauRun) -> None:
    """Re-render a batch's ``index.html`` in ``root`` so it links the digest (if a batch is there)."""
    manifest_path, index_path = root / "manifest.json", root / "index.html"
    if not (manifest_path.is_file() and index_path.is_file()):
        return
    from kinerja.data.atomic import atomic_write_text
    from kinerja.run.index import render_index

    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        opd = run.data.opd
        names = dict(
            zip(opd["kode_opd"].astype("str"), opd["nama_opd"].astype("str"), strict=False)
        )
        kinds = (
            dict(zip(opd["kode_opd"].astype("str"), opd["jenis_opd"].astype("str"), strict=False))
            if "jenis_opd" in opd.columns
            else None
        )
        atomic_write_text(
            index_path, render_index(manifest, names, kinds, pantau="pantau/index.html")
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"Peringatan: indeks batch tidak diperbarui: {exc}", file=sys.stderr)


def cli_pantau(args: argparse.Namespace) -> int:
    """``kinerja pantau --data DATA [--bulan YYYY-MM] [--out DIR] [--json] [--audience A] [--params DIR]``."""
    from kinerja.data.dataset import DataFolderError
    from kinerja.domain.settings import ParameterError
    from kinerja.protect import PersonalDataLeak

    if not args.data:
        print("Galat: --data wajib diisi (folder data atau URL basis data)", file=sys.stderr)
        return 2
    try:
        run = run_pantau(
            args.data,
            bulan=args.bulan,
            audience=args.audience or "forum",
            params_dir=args.params,
            out_dir=args.out,
        )
    except (DataFolderError, ParameterError, ValueError) as exc:
        print(f"Galat: {exc}", file=sys.stderr)
        return 2
    if args.out:
        try:
            files = write_outputs(run, args.out)
        except PersonalDataLeak as exc:
            print(f"Keluaran pemantauan tidak ditulis: {exc}", file=sys.stderr)
            return 1
        if not args.json:
            print(f"{len(files)} berkas ditulis ke {Path(args.out) / 'pantau'}")
    if args.json:
        json.dump(run.payload(), sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
        return 0
    print(
        f"Pemantauan bulan {run.bulan:%Y-%m}: {len(run.signals)} sinyal, "
        f"{len(run.insufficient)} deret tidak dapat dinilai"
    )
    for r in run.signals.itertuples(index=False):
        print(f"  [{r.kode_opd}] {r.pesan}")
    return 0
