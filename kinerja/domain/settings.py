"""Every setting of a report in one place, resolved once and passed down.

Resolution order (later wins)::

    built-in defaults (params.BUILTIN_DEFAULTS)
      <- parameters/default.yaml
      <- parameters/opd/<kode_opd>.yaml      (per OPD: weekmask, populasi, org_predikat, periode,
                                               audience, catatan, nama_opd)
      <- command line or URL                  (periode, audience, jobs, notebook_timeout, ...)

:func:`load_settings` reads ``default.yaml`` and *every* per-OPD file of the parameters folder once
and returns a frozen :class:`Settings`. Batch, notebooks, forms, rekap, the pre-renderer and the
metric warm-up receive it (or rebuild it from the same folder and overrides); nothing else reads
YAML. Files are read with ``yaml.safe_load`` and checked key by key with the validators of
:mod:`kinerja.domain.params`.

The ``KINERJA_*`` environment switches are read in one place too: :func:`read_env` returns a
frozen :class:`EnvSwitches` (see its docstring for the meaning of each variable).

An invalid per-OPD file does not stop the other OPDs: it is recorded in
:attr:`Settings.opd_errors`, :meth:`Settings.for_opd` raises :class:`ParameterError` for that OPD
only, and calendars and maps use ``default.yaml``'s values for it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinerja.domain import params as P
from kinerja.domain.audience import Audience
from kinerja.domain.cache_key import cache_key

if TYPE_CHECKING:
    import pandas as pd

    from kinerja.domain.calendar import WorkCalendar

__all__ = [
    "AUTO",
    "ENV_APP_PREHEAT",
    "ENV_APP_PRERENDER",
    "ENV_APP_PRERENDER_QUARTERS",
    "ENV_CACHE_DIR",
    "ENV_DATA_DIR",
    "ENV_FOLDER_CACHE",
    "ENV_FORK_KERNEL",
    "ENV_PARALLEL",
    "ENV_FORM_CACHE",
    "ENV_PARAMS_DIR",
    "ENV_REQUIRE_BROWSER",
    "ENV_CHROMIUM",
    "ENV_CODE_VERSION",
    "ENV_SERVER_PID",
    "OVERRIDE_KEYS",
    "RUN_KEYS",
    "EnvSwitches",
    "OpdSettings",
    "ParameterError",
    "Settings",
    "load_settings",
    "read_env",
]

ParameterError = P.ParameterError

#: ``periode: auto``: the period is chosen from the data (:mod:`kinerja.data.periods`).
AUTO = "auto"

#: Keys of ``default.yaml`` the command line or a URL may override (validated like the file).
OVERRIDE_KEYS: tuple[str, ...] = tuple(P.DEFAULT_KEYS)

#: Keys that choose which report runs and how, never a number of a metric table.
RUN_KEYS: tuple[str, ...] = ("periode", "audience", "jobs", "notebook_timeout")


# --------------------------------------------------------------------------------------------
# per-OPD view


@dataclass(frozen=True)
class OpdSettings:
    """The effective settings of one OPD's report.

    Attributes
    ----------
    kode_opd, nama_opd : str
        The OPD (``nama_opd`` from its file; ``None`` when the file has none).
    periode : str
        ``default.yaml`` <- the OPD file <- the command line.
    audience : {"forum", "internal"}
        Same order as ``periode``.
    weekmask : str
        Working days Monday..Sunday: the OPD file, else ``weekmask_opd[kode_opd]`` of
        ``default.yaml``, else ``weekmask``.
    org_predikat : str or None
        Organisation predikat for the SKP distribution-curve warnings (reference.md §2.6).
    populasi : int or None
        People served (population N of the Krejcie–Morgan minimum sample, reference.md §1.7);
        ``None``: count distinct requests in the service log, as before.
    catatan : str or None
        Free note of the parameter file.
    source : Path or None
        The per-OPD file, ``None`` when the OPD has none.
    """

    kode_opd: str
    periode: str
    audience: Audience
    weekmask: str
    nama_opd: str | None = None
    org_predikat: str | None = None
    populasi: int | None = None
    catatan: str | None = None
    source: Path | None = None


# --------------------------------------------------------------------------------------------
# the settings object


@dataclass(frozen=True)
class Settings:
    """Effective settings of a report run (see the module docstring for the resolution order).

    Build it with :func:`load_settings`; treat every mapping attribute as read-only.

    Attributes
    ----------
    params_dir : Path
        The parameters folder the values came from.
    periode, audience, k_pegawai, k_responden, ikm_weight, tenggat_tanggapan_hari_kerja,
    tenggat_tindak_lanjut_hari_kerja, target_jp, weekmask, notebook_timeout, jobs
        The keys of ``default.yaml`` (meaning in ``parameters/default.yaml``), after overrides.
    hari_libur : str
        File name of the holiday calendar, relative to ``params_dir`` (as in ``default.yaml``).
    weekmask_opd : dict
        ``weekmask_opd`` of ``default.yaml`` (``{kode_opd or jenis_opd: weekmask}``).
    opd_files : dict
        ``{kode_opd: {key: value}}``: the non-null, validated values of every valid
        ``opd/<kode_opd>.yaml``.
    opd_errors : dict
        ``{file stem: message}`` for per-OPD files that could not be used.
    overrides : dict
        The command-line / URL values applied over the files (``None`` values dropped).
    auto_periode : str or None
        What ``periode: auto`` stands for in this run, set by :meth:`resolve_auto` once the data
        is loaded (:func:`kinerja.data.periods.resolve_periode`); ``None`` before.
    periode_configured : str or None
        The ``periode`` before :meth:`resolve_auto` replaced ``auto`` (``None``: not replaced);
        :meth:`fingerprint` uses it, so resolving never changes a cache key.
    """

    params_dir: Path
    periode: str
    audience: Audience
    k_pegawai: int
    k_responden: int
    ikm_weight: str
    tenggat_tanggapan_hari_kerja: int
    tenggat_tindak_lanjut_hari_kerja: int
    target_jp: int
    hari_libur: str
    weekmask: str
    weekmask_opd: dict[str, str] = field(default_factory=dict)
    notebook_timeout: int = 600
    jobs: int | None = None
    pantau: dict[str, Any] = field(default_factory=dict)  # kinerja pantau (default.yaml)
    opd_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    opd_errors: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    auto_periode: str | None = None
    periode_configured: str | None = None

    # -- global values ------------------------------------------------------------------------
    def as_params(self) -> dict[str, Any]:
        """The global values as the dict :func:`kinerja.domain.params.load_defaults` returns.

        For code that still takes ``params`` dicts (``ReportData.params``); overrides included.
        """
        return {key: _copy(getattr(self, key)) for key in P.DEFAULT_KEYS}

    @property
    def holiday_path(self) -> Path | None:
        """The holiday CSV (``params_dir / hari_libur``, else the shipped one; ``None``: none)."""
        from kinerja.domain.resources import holiday_csv

        return holiday_csv(self.params_dir, self.hari_libur)

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with more command-line / URL values (validated; ``None`` values ignored)."""
        values = _check_overrides(overrides)
        given = dict(values)
        extra: dict[str, Any] = {}
        if "periode" in values:
            extra["periode_configured"] = None
            if values["periode"] == AUTO and self.auto_periode is not None:
                extra["periode_configured"] = AUTO
                values = {**values, "periode": self.auto_periode}
        return replace(self, **values, **extra, overrides={**self.overrides, **given})

    @property
    def is_auto(self) -> bool:
        """True while ``periode`` is ``auto`` (not yet resolved with :meth:`resolve_auto`)."""
        return self.periode == AUTO

    def resolve_auto(self, periode: str) -> Settings:
        """A copy in which ``periode: auto`` (here and in any per-OPD file) means ``periode``.

        Parameters
        ----------
        periode : str
            The period chosen from the data (:func:`kinerja.data.periods.resolve_periode`).

        Returns
        -------
        Settings
            ``periode`` replaced when it was ``auto``; :meth:`for_opd` resolves an OPD file's
            ``auto`` the same way. :meth:`key` and :meth:`metrics_key` are unchanged.
        """
        value = P.validate_periode(periode)
        if value == AUTO:
            raise ParameterError("resolve_auto memerlukan periode yang nyata, bukan 'auto'")
        if self.periode != AUTO:
            return replace(self, auto_periode=value)
        return replace(self, periode=value, auto_periode=value, periode_configured=AUTO)

    # -- per OPD --------------------------------------------------------------------------------
    def for_opd(self, kode_opd: str, *, known_codes: Iterable[str] | None = None) -> OpdSettings:
        """The resolved settings of one OPD.

        Parameters
        ----------
        kode_opd : str
            The OPD code (checked with :func:`kinerja.domain.params.validate_kode_opd`).
        known_codes : iterable of str, optional
            Codes of the ``opd`` table; the code must be one of them.

        Raises
        ------
        ParameterError
            For an invalid or unknown code, or when the OPD's own file is invalid.
        """
        values = self.opd_params(kode_opd, known_codes=known_codes)
        source = self.params_dir / "opd" / f"{kode_opd}.yaml"
        return OpdSettings(
            kode_opd=kode_opd,
            periode=values["periode"],
            audience=values["audience"],
            weekmask=values["weekmask"],
            nama_opd=values["nama_opd"],
            org_predikat=values["org_predikat"],
            populasi=values["populasi"],
            catatan=values["catatan"],
            source=source if kode_opd in self.opd_files else None,
        )

    def opd_params(
        self, kode_opd: str | None, *, known_codes: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """One report's values as the dict :func:`kinerja.domain.params.resolve_params` returns.

        ``kode_opd=None`` gives the city overview (global values); raises like :meth:`for_opd`.
        """
        own = None
        if kode_opd is not None:
            P.validate_kode_opd(kode_opd, list(known_codes) if known_codes is not None else None)
            if kode_opd in self.opd_errors:
                raise ParameterError(self.opd_errors[kode_opd])
            own = self.opd_files.get(kode_opd)
        values = P.merge_opd_values(
            self.as_params(),
            kode_opd,
            own,
            periode=self.overrides.get("periode"),
            audience=self.overrides.get("audience"),
        )
        if values["periode"] == AUTO and self.auto_periode is not None:
            values["periode"] = self.auto_periode
        values["hari_libur"] = str((self.params_dir / self.hari_libur).resolve())
        return values

    def weekmask_for(self, kode_opd: str) -> str:
        """Weekmask of one OPD: its file, else ``weekmask_opd[kode_opd]``, else ``weekmask``."""
        own = self.opd_files.get(kode_opd, {}).get("weekmask")
        if own is not None:
            return own
        return self.weekmask_opd.get(kode_opd, self.weekmask)

    def weekmask_overrides(self) -> dict[str, str]:
        """Every weekmask that differs from the default's rule, for calendars of all OPDs.

        ``default.yaml``'s ``weekmask_opd`` (its keys may also be a ``jenis_opd``) updated with
        the ``weekmask`` of every per-OPD file; a per-OPD file wins. Pass it as ``overrides`` to
        :func:`kinerja.domain.calendar.calendars_for_opd` with ``default=self.weekmask``.
        """
        out = dict(self.weekmask_opd)
        for code, values in sorted(self.opd_files.items()):
            if values.get("weekmask") is not None:
                out[code] = values["weekmask"]
        return out

    def calendars(
        self, opd: pd.DataFrame | Iterable[str], *, calendar: WorkCalendar | None = None
    ) -> dict[str, WorkCalendar]:
        """One working-day calendar per OPD: the holiday file plus each OPD's weekmask.

        Parameters
        ----------
        opd : DataFrame or iterable of str
            The ``opd`` table (``kode_opd``, optional ``jenis_opd``) or the codes.
        calendar : WorkCalendar, optional
            Source of the holidays; default the holiday file of these settings.

        Returns
        -------
        dict
            ``{kode_opd: WorkCalendar}`` (OPDs with the same weekmask share one object).
        """
        from kinerja.domain.calendar import calendars_for_opd, load_calendar

        base = calendar if calendar is not None else load_calendar(self.holiday_path)
        return calendars_for_opd(
            opd, overrides=self.weekmask_overrides(), default=self.weekmask, calendar=base
        )

    def populasi_map(self) -> dict[str, int]:
        """``{kode_opd: populasi}`` for every OPD whose file sets ``populasi``."""
        return {
            code: int(v["populasi"])
            for code, v in sorted(self.opd_files.items())
            if v.get("populasi") is not None
        }

    def org_predikat_map(self) -> dict[str, str]:
        """``{kode_opd: org_predikat}`` for every OPD whose file sets ``org_predikat``."""
        return {
            code: str(v["org_predikat"])
            for code, v in sorted(self.opd_files.items())
            if v.get("org_predikat") is not None
        }

    # -- identity -------------------------------------------------------------------------------
    def fingerprint(self) -> dict[str, Any]:
        """Everything that can change a number, as JSON-ready data (for cache keys).

        Global values, per-OPD files (all keys), the overrides and the holiday file's SHA-256;
        ``params_dir`` itself is left out (the same files in another folder give the same key).
        """
        path = self.holiday_path
        holidays = hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None
        params = self.as_params()
        if self.periode_configured is not None:
            params["periode"] = self.periode_configured
        return {
            "params": params,
            "opd": {k: dict(sorted(v.items())) for k, v in sorted(self.opd_files.items())},
            "opd_errors": sorted(self.opd_errors),
            "overrides": dict(sorted(self.overrides.items())),
            "hari_libur_sha256": holidays,
        }

    def key(self) -> str:
        """SHA-256 of :meth:`fingerprint` (hex, :func:`kinerja.domain.cache_key.cache_key`)."""
        return cache_key("settings", self.fingerprint())

    def metrics_key(self) -> str:
        """Like :meth:`key`, without the values that only choose which report runs.

        :data:`RUN_KEYS` (``periode``, ``audience``, ``jobs``, ``notebook_timeout``) never change
        a metric table (the tables are memoised per explicit period), so the batch's warmed
        tables, computed with the command line's values, stay valid for the notebooks, which
        resolve the same parameters folder without them.
        """
        fp = self.fingerprint()
        fp["params"] = {k: v for k, v in fp["params"].items() if k not in RUN_KEYS}
        fp["overrides"] = {k: v for k, v in fp["overrides"].items() if k not in RUN_KEYS}
        return cache_key("settings-metrics", fp)


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def _check_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(k for k in overrides if k not in P.DEFAULT_KEYS)
    if unknown:
        raise ParameterError(
            f"pengaturan tidak dikenal: {', '.join(unknown)} (yang sah: {', '.join(P.DEFAULT_KEYS)})"
        )
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None:
            continue
        try:
            out[key] = P.DEFAULT_KEYS[key](value)
        except ParameterError as exc:
            if key in str(exc):
                raise
            raise ParameterError(f"{key}: {exc}") from None
    return out


def load_settings(
    params_dir: str | os.PathLike[str] | None = None,
    *,
    known_codes: Iterable[str] | None = None,
    **overrides: Any,
) -> Settings:
    """Resolve the settings of a report run from a parameters folder and overrides.

    Parameters
    ----------
    params_dir : path, optional
        The ``parameters/`` folder (default :func:`kinerja.domain.params.default_params_dir`:
        the project folder's, else the one shipped with the package).
    known_codes : iterable of str, optional
        Codes of the ``opd`` table; a per-OPD file of another code is recorded in
        :attr:`Settings.opd_errors` (never used).
    **overrides
        Command-line or URL values for keys of ``default.yaml`` (``periode``, ``audience``,
        ``jobs``, ``notebook_timeout``, ...); ``None`` means "not given".

    Returns
    -------
    Settings

    Raises
    ------
    ParameterError
        When ``default.yaml`` or an override is invalid (per-OPD files never raise here).
    """
    folder = (Path(params_dir) if params_dir is not None else P.default_params_dir()).resolve()
    values = P.load_defaults(folder)
    given = _check_overrides(overrides)
    values.update(given)
    known = list(known_codes) if known_codes is not None else None
    opd_files: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    opd_dir = folder / "opd"
    if opd_dir.is_dir():
        for path in sorted(opd_dir.glob("*.yaml")):
            try:
                data = P.load_opd_file(path, known_codes=known)
            except (ParameterError, OSError) as exc:
                errors[path.stem] = str(exc)
                continue
            opd_files[path.stem] = {
                k: v for k, v in data.items() if v is not None and k != "kode_opd"
            }
    names = {f.name for f in fields(Settings)}
    return Settings(
        params_dir=folder,
        **{k: v for k, v in values.items() if k in names},
        opd_files=opd_files,
        opd_errors=errors,
        overrides=given,
    )


# --------------------------------------------------------------------------------------------
# environment switches

ENV_FORK_KERNEL = "KINERJA_FORK_KERNEL"
ENV_PARALLEL = "KINERJA_PARALLEL"
ENV_APP_PRERENDER = "KINERJA_APP_PRERENDER"
ENV_APP_PREHEAT = "KINERJA_APP_PREHEAT"
ENV_APP_PRERENDER_QUARTERS = "KINERJA_APP_PRERENDER_TRIWULAN"
ENV_FOLDER_CACHE = "KINERJA_FOLDER_CACHE"
ENV_CACHE_DIR = "KINERJA_CACHE_DIR"
ENV_DATA_DIR = "KINERJA_DATA_DIR"
ENV_PARAMS_DIR = "KINERJA_PARAMS_DIR"
ENV_FORM_CACHE = "KINERJA_FORM_CACHE"
ENV_REQUIRE_BROWSER = "KINERJA_REQUIRE_BROWSER"
ENV_CHROMIUM = "KINERJA_CHROMIUM"
ENV_SERVER_PID = "KINERJA_SERVER_PID"
ENV_CODE_VERSION = "KINERJA_CODE_VERSION"


@dataclass(frozen=True)
class EnvSwitches:
    """The ``KINERJA_*`` environment variables, read once by :func:`read_env`.

    A switch is on unless its variable is exactly ``"0"``; an empty path variable counts as
    unset.

    Attributes
    ----------
    fork_kernel : bool
        ``KINERJA_FORK_KERNEL``: batch workers and the Voila server fork each notebook kernel from
        a pre-loaded process (:mod:`kinerja.run.forkkernel`); ``0`` starts normal kernels.
    parallel : bool
        ``KINERJA_PARALLEL``: ``kinerja pantau`` writes its pages on two cores, half of them in a
        forked child (:mod:`kinerja.run.split_work`); ``0`` writes them all in one process.
    app_prerender : bool
        ``KINERJA_APP_PRERENDER``: ``kinerja app`` pre-renders every OPD's form sections in the
        background; ``0`` turns it off (forms then render live).
    app_prerender_quarters : bool
        ``KINERJA_APP_PRERENDER_TRIWULAN=1``: after the default period, the pre-render also
        renders every OPD in each quarter of the default year (228 more selections on the
        sample, ~11 CPU-minutes); off by default.
    app_preheat : bool
        ``KINERJA_APP_PREHEAT``: ``kinerja app`` keeps pre-heated Voila kernels; ``0`` turns it off
        (the benchmark's cold first paint).
    folder_cache : Path or None
        ``KINERJA_FOLDER_CACHE``: root of the private cache of a data folder (default
        ``$XDG_CACHE_HOME/kinerja``, else ``~/.cache/kinerja``); tests point it at a temp folder.
    cache_dir, data_dir, params_dir : Path or None
        ``KINERJA_CACHE_DIR``, ``KINERJA_DATA_DIR``, ``KINERJA_PARAMS_DIR``: set by ``kinerja app``
        so every Voila kernel reads the app's prepared cache, data folder and parameters.
    form_cache : Path or None
        ``KINERJA_FORM_CACHE``: folder of the rendered-section cache of the forms (set by
        ``kinerja app``; unset: no disk cache).
    require_browser : bool
        ``KINERJA_REQUIRE_BROWSER=1`` (tests only; CI sets it): the browser test fails instead of
        skipping when Chromium or Playwright is missing.
    chromium : Path or None
        ``KINERJA_CHROMIUM`` (tests and benchmark only): the Chromium binary (default
        ``/usr/bin/chromium``).
    xdg_cache_home : Path or None
        ``XDG_CACHE_HOME`` (not a kinerja variable; read here for :attr:`folder_cache_root`).
    server_pid : int or None
        ``KINERJA_SERVER_PID``: set by ``kinerja app`` so its kernels end with the server
        (:mod:`kinerja.serve.lifecycle`).
    code_version : str or None
        ``KINERJA_CODE_VERSION``: the form-cache code version ``kinerja app`` computed at start,
        shared by its kernels and pre-render (:func:`kinerja.serve.render_cache.code_version`).
    """

    fork_kernel: bool = True
    parallel: bool = True
    app_prerender: bool = True
    app_prerender_quarters: bool = False
    app_preheat: bool = True
    folder_cache: Path | None = None
    cache_dir: Path | None = None
    data_dir: Path | None = None
    params_dir: Path | None = None
    form_cache: Path | None = None
    require_browser: bool = False
    chromium: Path | None = None
    xdg_cache_home: Path | None = None
    server_pid: int | None = None
    code_version: str | None = None

    @property
    def folder_cache_root(self) -> Path:
        """Root of the data-folder caches: ``folder_cache``, else ``$XDG_CACHE_HOME/kinerja``."""
        if self.folder_cache is not None:
            return self.folder_cache
        return (self.xdg_cache_home or Path.home() / ".cache") / "kinerja"

    def to_environ(self) -> dict[str, str]:
        """The variables to hand to child processes (only those that differ from the default)."""
        out: dict[str, str] = {}
        for name, attr in _SWITCHES:
            if not getattr(self, attr):
                out[name] = "0"
        for name, attr in _PATHS:
            value = getattr(self, attr)
            if value is not None:
                out[name] = str(value)
        if self.require_browser:
            out[ENV_REQUIRE_BROWSER] = "1"
        if self.app_prerender_quarters:
            out[ENV_APP_PRERENDER_QUARTERS] = "1"
        if self.server_pid is not None:
            out[ENV_SERVER_PID] = str(self.server_pid)
        if self.code_version is not None:
            out[ENV_CODE_VERSION] = self.code_version
        return out


_SWITCHES = (
    (ENV_FORK_KERNEL, "fork_kernel"),
    (ENV_PARALLEL, "parallel"),
    (ENV_APP_PRERENDER, "app_prerender"),
    (ENV_APP_PREHEAT, "app_preheat"),
)
_PATHS = (
    (ENV_FOLDER_CACHE, "folder_cache"),
    (ENV_CACHE_DIR, "cache_dir"),
    (ENV_DATA_DIR, "data_dir"),
    (ENV_PARAMS_DIR, "params_dir"),
    (ENV_FORM_CACHE, "form_cache"),
    (ENV_CHROMIUM, "chromium"),
)


def read_env(environ: Mapping[str, str] | None = None) -> EnvSwitches:
    """Read the ``KINERJA_*`` switches (see :class:`EnvSwitches`) from ``environ``.

    Parameters
    ----------
    environ : mapping, optional
        Default ``os.environ``, read at call time (a forked kernel sees its own environment).
    """
    env = os.environ if environ is None else environ

    def path(name: str) -> Path | None:
        value = env.get(name)
        return Path(value) if value else None

    values: dict[str, Any] = {attr: env.get(name, "1") != "0" for name, attr in _SWITCHES}
    values.update({attr: path(name) for name, attr in _PATHS})
    values["require_browser"] = env.get(ENV_REQUIRE_BROWSER) == "1"
    values["app_prerender_quarters"] = env.get(ENV_APP_PRERENDER_QUARTERS) == "1"
    values["xdg_cache_home"] = path("XDG_CACHE_HOME")
    pid = env.get(ENV_SERVER_PID, "")
    values["server_pid"] = int(pid) if pid.isdigit() else None
    values["code_version"] = env.get(ENV_CODE_VERSION) or None
    return EnvSwitches(**values)
