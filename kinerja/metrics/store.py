"""The report data store: a :class:`Dataset`, its parameters and a memo of every metric table.

:class:`ReportData` is built once per kernel from the prepared cache or a data folder
(:meth:`ReportData.from_dirs`, :meth:`ReportData.from_cache`, :meth:`ReportData.from_folder`; a
raw folder is validated once and kept in a private cache outside it, :func:`folder_cache_dir`).
``data.metric(name, periode)`` computes a metric table of :mod:`kinerja.metrics.registry` for all
OPDs the first time a period is asked for and keeps it; the batch stores the memo beside its data
cache (:meth:`ReportData.save_metrics`, file :data:`METRICS_FILE`) so that every notebook of a
batch reuses it. :func:`get_report_data` keeps one :class:`ReportData` per source in the kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kinerja.domain.audience import K_PEGAWAI, K_RESPONDEN
from kinerja.domain.cache_key import cache_key, code_fingerprint
from kinerja.domain.period import Periode
from kinerja.domain.resources import project_dir, sample_dir, source_checkout
from kinerja.domain.settings import Settings, load_settings, read_env
from kinerja.metrics import city  # noqa: F401  (registers the city-comparison metric "kota")
from kinerja.metrics.registry import DATE_COLUMNS, METRICS, PERIOD_FREE
from kinerja.metrics.stored import (
    METRICS_DIR,
    TamperedCacheError,
    _Stored,  # noqa: F401 (re-exported: tests and callers inspect the lazy memo)
    _StoredMemo,
    open_store,
    read_index,
    verify_store,
    write_store,
)

#: Folder of the stored metric tables (Arrow IPC + a JSON index with SHA-256; never pickle).
METRICS_FILE = METRICS_DIR

__all__ = [
    "K_PEGAWAI",
    "K_RESPONDEN",
    "METRICS_FILE",
    "TamperedCacheError",
    "ReportData",
    "folder_cache_dir",
    "get_report_data",
    "resolve_data_dir",
]


def resolve_data_dir(
    data_dir: str | Path | None = None,
    *,
    base: str | Path | None = None,
    generate_sample: bool = True,
) -> Path:
    """Find the data folder a notebook parameter names.

    A relative path is tried against ``base`` (the notebook folder; default the working
    directory), then against the source checkout (when kinerja runs from one) or else the
    project folder (:func:`kinerja.domain.resources.project_dir`), then against its
    ``notebooks/`` (the default parameter ``"../data/sampel"`` is written relative to
    ``notebooks/``). When nothing exists and the path names the bundled sample
    (:func:`kinerja.domain.resources.sample_dir`), the sample is generated there with
    :func:`kinerja.data.sample.generate` (first use).

    Raises
    ------
    FileNotFoundError
        With an Indonesian message naming the folders tried.
    """
    default_sample = sample_dir()
    raw = Path(data_dir) if data_dir not in (None, "") else default_sample
    raw = raw.expanduser()
    if raw.is_absolute():
        candidates = [raw]
    else:
        root = source_checkout() or project_dir()
        bases = [Path(base) if base is not None else Path.cwd(), root, root / "notebooks"]
        candidates = [(b / raw).resolve() for b in bases]
    for cand in candidates:
        if cand.is_dir():
            return cand
    sample = default_sample.resolve()
    if generate_sample and any(c.resolve() == sample for c in candidates):
        from kinerja.data.sample import generate

        generate(sample)
        return sample
    tried = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise FileNotFoundError(f"Folder data tidak ditemukan: {data_dir} (dicoba: {tried})")


class ReportData:
    """Everything a report shows, loaded once: dataset, parameters and memoised metric tables.

    Parameters
    ----------
    dataset : kinerja.data.dataset.Dataset
        Loaded (validated) tables.
    settings : kinerja.domain.settings.Settings, optional
        The report run's settings, resolved once (default
        ``load_settings(params_dir)``): calendars, per-OPD ``populasi`` and ``org_predikat``
        and the global values come from it.
    params : dict, optional
        Deprecated: global values over the settings (as ``Settings.with_overrides``);
        :attr:`params` is always ``settings.as_params()``.
    params_dir : path, optional
        The parameters folder when ``settings`` is not given.
    source : str
        Human description of where the data came from (shown in the data overview).
    today : date-like, optional
        Reference date for "overdue" (default: today).

    Notes
    -----
    ``metric(name, periode)`` computes a metric for **all** OPDs the first time it is asked for
    and keeps it; section builders then filter one OPD's rows. A form control change therefore
    only filters and redraws.
    """

    def __init__(
        self,
        dataset: Any,
        *,
        settings: Settings | None = None,
        params: dict[str, Any] | None = None,
        params_dir: str | Path | None = None,
        source: str = "",
        today: Any = None,
    ) -> None:
        self.dataset = dataset
        tables = getattr(dataset, "tables", None)
        # a lazy cache mapping (kinerja.data.dataset.LazyTables) stays lazy: a report whose metrics
        # were precomputed by the batch never reads the large tables
        self.tables: Mapping[str, pd.DataFrame] = (
            tables if tables is not None and not isinstance(tables, dict) else dict(tables or {})
        )
        if settings is None:
            settings = load_settings(params_dir)
        if params is not None:
            settings = settings.with_overrides(**params)
        self.settings = settings
        self.params = params = settings.as_params()
        self.params_dir = settings.params_dir
        self.source = source
        self.today = (
            pd.Timestamp(today).normalize()
            if today is not None
            else (pd.Timestamp.today().normalize())
        )
        self.k_pegawai = int(params.get("k_pegawai", K_PEGAWAI))
        self.k_responden = int(params.get("k_responden", K_RESPONDEN))
        self._memo: dict[tuple[str, str], Any] = {}
        #: Why stored metric tables were not (all) used, "" when they were (or none existed).
        self.metrics_problem = ""

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_cache(cls, cache_dir: str | Path, **kwargs: Any) -> ReportData:
        """Build from a prepared cache written by ``Dataset.save_cache`` (the batch).

        When the batch also stored precomputed metrics (:meth:`save_metrics`) for the same data,
        parameters and reference date, they are reused, so no notebook recomputes them.
        """
        from kinerja.data.dataset import Dataset

        kwargs.setdefault("source", f"cache {Path(cache_dir).name}")
        data = cls(Dataset.from_cache(cache_dir, lazy=True), **kwargs)
        data.load_metrics(cache_dir)
        return data

    # -- precomputed metrics (shared by every notebook of a batch) -------------------------------
    def _metrics_key(self) -> str:
        """What the memo depends on: input file hashes, the settings and the reference date.

        The settings' key covers ``default.yaml``, every per-OPD file (weekmasks, populasi, ...),
        the overrides and the holiday file, so a memo stored under other settings is never reused;
        the code fingerprint keeps a memo computed by older code from being reused after an upgrade.
        """
        hashes = getattr(self.dataset, "file_hashes", None) or {}
        return cache_key(
            "metrics",
            {str(k): str(v) for k, v in sorted(dict(hashes).items())},
            self.settings.metrics_key(),
            str(self.today.date()),
            code_fingerprint("domain", "data", "metrics"),
        )

    def warm(
        self,
        periode: str | Periode | None = None,
        *,
        builders: Iterable[Callable[[ReportData, Periode], Any]] = (),
    ) -> int:
        """Compute every metric table the reports of ``periode`` use (nothing is displayed).

        Parameters
        ----------
        periode : str or Periode, optional
            The period (``None``: :meth:`periode`'s default).
        builders : iterable of callables
            ``builder(data, periode)``, called first: the report layer passes the assemblies of
            the reports to warm (:func:`kinerja.report.registry.warm`), which ask for exactly the
            all-OPD metric tables their notebooks need.

        Returns
        -------
        int
            How many metric tables are memoised.
        """
        per = self.periode(periode)
        for build in builders:
            build(self, per)
        # a section asks for some tables only when that OPD has rows (e.g. the IKM elements of
        # an OPD without survey rows): compute every metric not asked for yet for ``per``
        for name in METRICS:
            at = None if name in PERIOD_FREE else per
            if (name, "" if at is None else str(at)) not in self._memo:
                try:
                    self.metric(name, at)
                except Exception:  # noqa: BLE001 - the notebook computes it and shows the error
                    continue
        return len(self._memo)

    def save_metrics(self, cache_dir: str | Path) -> Path:
        """Store the memoised metric tables next to the data cache (atomic write).

        One Arrow IPC file per table and an ``index.json`` with the memo's key, how each value is
        built from its tables and every file's SHA-256 (:mod:`kinerja.metrics.stored`): data
        formats only, never pickle, so a tampered cache cannot run code. A notebook reads only
        the tables its report uses (the service event log is most of the store and only the
        bottleneck explorer and the training-impact section need it).
        """
        return write_store(cache_dir, self._metrics_key(), self._memo)

    def load_metrics(self, cache_dir: str | Path, *, verify: bool = False) -> bool:
        """Reuse metrics stored by :meth:`save_metrics` when they match this data; else ignore.

        Only the index is read here; each table is read (and its SHA-256 checked) the first
        time it is used, and a table whose file changed is recomputed. With ``verify=True``
        (the batch's warm-up) every file is checked now: a store with a changed or missing file
        is not used at all and :attr:`metrics_problem` says why.
        """
        self.metrics_problem = ""
        index = read_index(cache_dir)
        if index is None or index.get("key") != self._metrics_key():
            return False
        if verify:
            bad = verify_store(cache_dir, index)
            if bad:
                self.metrics_problem = (
                    f"cache metrik rusak atau diubah ({', '.join(bad[:5])}): dihitung ulang"
                )
                return False
        memo = open_store(cache_dir, index)
        memo.update(self._memo)
        self._memo = memo
        return True

    @classmethod
    def from_folder(
        cls, data_dir: str | Path | None, *, use_cache: bool = True, **kwargs: Any
    ) -> ReportData:
        """Load and validate a raw data folder (``kinerja.load``).

        With ``use_cache`` (default) the validated tables are kept in a private cache outside
        the data folder (:func:`folder_cache_dir`) and reused while every input file still has
        the same SHA-256, so opening a second notebook on the same folder does not re-parse
        the raw exports.
        """
        folder = resolve_data_dir(data_dir)
        kwargs.setdefault("source", f"folder {folder}")
        dataset = _load_folder_cached(folder) if use_cache else _load_folder(folder)
        return cls(dataset, **kwargs)

    @classmethod
    def from_dirs(
        cls,
        cache_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        **kwargs: Any,
    ) -> ReportData:
        """The cache when it exists, else the data folder (else the bundled sample)."""
        if cache_dir not in (None, "") and Path(cache_dir).is_dir():
            return cls.from_cache(cache_dir, **kwargs)
        return cls.from_folder(data_dir, **kwargs)

    load = from_dirs

    # -- access -------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame | None:
        """A loaded table or ``None`` when its file was absent."""
        t = self.tables.get(name)
        return t if t is not None else None

    def has(self, name: str) -> bool:
        """Whether table ``name`` is present and not empty (a lazy table is not read for it)."""
        n_rows = getattr(self.tables, "n_rows", None)
        if n_rows is not None:
            n = n_rows(name)
            return n is not None and n > 0
        t = self.tables.get(name)
        return t is not None and len(t) > 0

    @property
    def opd(self) -> pd.DataFrame:
        return self.tables["opd"]

    def opd_name(self, kode_opd: str) -> str:
        """``nama_opd`` of a code; a clear error for an unknown code."""
        rows = self.opd.loc[self.opd["kode_opd"] == kode_opd, "nama_opd"]
        if rows.empty:
            raise ValueError(f"Kode OPD tidak dikenal dalam tabel opd: {kode_opd!r}")
        return str(rows.iloc[0])

    def check_opd(self, kode_opd: str | None) -> str:
        """Validate a ``kode_opd`` parameter against the ``opd`` table (returns it)."""
        if kode_opd in (None, ""):
            return str(self.opd["kode_opd"].iloc[0])
        kode = str(kode_opd)
        self.opd_name(kode)
        return kode

    def periode(self, periode: str | Periode | None) -> Periode:
        """Parse a period parameter; ``None`` → the ``periode`` of ``parameters/default.yaml``;
        ``auto`` → chosen from the data (:func:`kinerja.data.periods.resolve_periode`)."""
        if periode in (None, ""):
            periode = self.params.get("periode") or self.latest_year()
        if isinstance(periode, str) and periode.strip().lower() == "auto":
            if "auto_periode" not in self.__dict__:
                from kinerja.data.periods import resolve_periode

                months = self.metric("periode_data", None)  # stored by the batch's warm-up
                self.__dict__["auto_periode"] = resolve_periode(None, months=months).periode
            periode = self.__dict__["auto_periode"]
        return Periode.parse(periode)

    def latest_year(self) -> str:
        """The latest year seen in the dated tables (fallback period)."""
        years = []
        for name, col in DATE_COLUMNS.items():
            t = self.tables.get(name)
            if t is not None and len(t) and col in t.columns:
                y = pd.to_datetime(t[col], errors="coerce").dt.year.max()
                if pd.notna(y):
                    years.append(int(y))
        return str(max(years)) if years else str(pd.Timestamp.today().year)

    def metric(self, name: str, periode: str | Periode | None = None) -> Any:
        """Metric ``name`` for all OPDs in ``periode`` (memoised)."""
        per = None if periode is None else str(Periode.parse(periode))
        key = (name, per or "")
        if key in self._memo:
            try:
                stored = dict.__getitem__(self._memo, key)
                if isinstance(stored, _StoredMemo):
                    stored.verify()  # a dict of stored tables: all parts intact, or recompute
                return self._memo[key]
            except TamperedCacheError as exc:
                self.metrics_problem = str(exc)
                dict.__delitem__(self._memo, key)
        builder = METRICS[name]
        self._memo[key] = builder(self, None if per is None else Periode.parse(per))
        return self._memo[key]


def _load_folder(folder: Path) -> Any:
    from kinerja.data.dataset import load

    return load(folder)


def folder_cache_dir(folder: str | Path) -> Path:
    """Private cache of a data folder: ``$XDG_CACHE_HOME/kinerja/<hash of its path>``.

    Never inside the data folder (raw data stays read-only); ``KINERJA_FOLDER_CACHE`` overrides
    the root (tests; :func:`kinerja.domain.settings.read_env`).
    """
    key = cache_key("folder", str(Path(folder).resolve()))[:20]
    return read_env().folder_cache_root / key


def _load_folder_cached(folder: Path) -> Any:
    import os
    import shutil
    import tempfile

    from kinerja.data.dataset import Dataset
    from kinerja.data.integrity import check_integrity, write_integrity

    cache = folder_cache_dir(folder)
    # every file of the cache is checked against the SHA-256 recorded when it was written; a
    # changed, added or missing file means the cache is rebuilt from the raw folder
    if (cache / "dataset.json").is_file() and not check_integrity(cache):
        try:
            ds = Dataset.from_cache(cache)
            if ds.cache_is_current(folder):
                return ds
        except (OSError, ValueError, KeyError):  # a damaged cache is rebuilt
            pass
    ds = _load_folder(folder)
    tmp: Path | None = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache.parent))
        ds.save_cache(tmp)
        write_integrity(tmp)
        old = cache.with_name(cache.name + ".old")
        if cache.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(cache, old)
        os.replace(tmp, cache)  # atomic: readers see the old cache or the new one
        tmp = None
        shutil.rmtree(old, ignore_errors=True)
    except OSError:  # a cache we cannot write only costs time next run
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return ds


_DATA_MEMO: dict[tuple[str, str, str], ReportData] = {}


def get_report_data(
    *,
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> ReportData:
    """One :class:`ReportData` per (cache, data folder, parameters) in this kernel.

    ``cache_dir`` wins when it exists; otherwise ``data_dir`` is resolved with
    :func:`resolve_data_dir` (the bundled sample by default, generated on first use).
    """
    cache = str(Path(cache_dir).resolve()) if cache_dir not in (None, "") else ""
    if cache and not Path(cache).is_dir():
        raise FileNotFoundError(f"Folder cache tidak ditemukan: {cache_dir}")
    folder = "" if cache else str(resolve_data_dir(data_dir))
    pdir = str(Path(params_dir).resolve()) if params_dir not in (None, "") else ""
    key = (cache, folder, pdir)
    if key not in _DATA_MEMO:
        if cache:
            _DATA_MEMO[key] = ReportData.from_cache(cache, params_dir=pdir or None)
        else:
            _DATA_MEMO[key] = ReportData.from_folder(folder, params_dir=pdir or None)
    return _DATA_MEMO[key]
