"""``kinerja app``: serve the notebooks as Indonesian forms with Voila, safely.

What the launcher does, in order:

1. finds the data folder (``--data``; default the sample ``data/sampel``, generated on first
   use) and the prepared data cache shared with ``kinerja batch`` (``reports/_cache/<key>``): the
   batch's cache is reused when its input hashes match the folder, otherwise the data is loaded
   once (``kinerja.load``) and saved (``Dataset.save_cache``) -- see :func:`prepare_cache`;
2. copies only the form notebooks (:data:`FORM_NOTEBOOKS`) into a private folder that Voila
   serves as ``root_dir`` -- the internal register and any other file stay unreachable;
3. writes the Voila configuration (:func:`kinerja.serve.voila_config.voila_config`) as ``voila.json`` into a private
   temporary folder and points Voila's ``config_file_paths`` at that folder only, so a stray
   ``voila.json`` in the working directory or in Jupyter's config path cannot loosen it;
4. applies the third-party patches of :mod:`kinerja.compat` in this process, which is the Voila
   server process -- :func:`kinerja.compat.jupyter_client.apply` (the stall fix, toolchain trap 1)
   and :func:`kinerja.compat.voila.apply` (closing a page frees its kernel) -- and runs Voila
   in-process;
5. once the server listens, starts the background pre-render (:func:`start_prerender`): two
   worker processes at lower priority render every OPD of the default period into
   ``<out>/_formulir/<cache key>`` (``KINERJA_FORM_CACHE`` for the kernels), so an OPD change
   shows stored sections instead of drawing ~8 charts; with ``KINERJA_APP_PRERENDER_TRIWULAN=1``
   a second pass then renders every OPD in each quarter of the default year
   (:func:`kinerja.serve.prerender.prerender_more_selections`).
   ``KINERJA_APP_PRERENDER=0`` turns it off.

The server answers only requests whose ``Host`` is a loopback name (403 otherwise: DNS
rebinding), starts at most ``--max-kernels`` kernels (default 8, pre-heated ones included; a
polite Indonesian page when full), lists the forms in Indonesian at ``/``, writes no link to a CDN
into its pages, and can require a token (``--token``) on a shared machine -- see
:mod:`kinerja.serve.guard` and :mod:`kinerja.serve.handlers`. The pre-render and every kernel end
with the server, also when it is killed (:mod:`kinerja.serve.lifecycle`).

The configuration keeps Voila's safe defaults and states them explicitly: listen on 127.0.0.1
only, no port hopping, only the form notebooks served, sources stripped, tracebacks hidden, only
images downloadable from ``/voila/files/`` (``.ipynb``, ``.py``, data files and hidden files
refused), pre-heated kernels (one per notebook), idle kernels culled, and a finite cell timeout.
Voila itself refuses execute requests from the browser (only comm and kernel-info messages pass).
Every kernel inherits ``KINERJA_CACHE_DIR`` / ``KINERJA_DATA_DIR`` from this process, which is how
the notebooks find the data when their ``cache_dir`` parameter is ``None``.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kinerja.data.database import is_database_url, redact
from kinerja.data.errors import DatabaseError
from kinerja.data.periods import EmptyPeriodError
from kinerja.domain.resources import notebooks_dir
from kinerja.domain.settings import (
    ENV_CACHE_DIR,
    ENV_DATA_DIR,
    ENV_FORM_CACHE,
    ENV_PARAMS_DIR,
    Settings,
    load_settings,
    read_env,
)
from kinerja.report.registry import NOTEBOOKS
from kinerja.serve.guard import DEFAULT_MAX_KERNELS
from kinerja.serve.lifecycle import ENV_SERVER_PID
from kinerja.serve.voila_config import voila_config

#: Same defaults as ``kinerja batch`` (relative to the working directory).
DEFAULT_DATA = Path("data") / "sampel"
DEFAULT_OUT = Path("reports")

#: The notebooks served as forms (``NotebookSpec.form`` in the section registry). Only these are
#: copied into the folder Voila serves: ``register_tindak_lanjut`` defaults to the internal
#: audience (it lists people) and ``ikhtisar_data`` is no form, so neither may be reachable from a
#: browser.
FORM_NOTEBOOKS = tuple(f"{name}.ipynb" for name, spec in NOTEBOOKS.items() if spec.form)


#: Folder (inside the output folder, beside the batch's ``_cache``) of the rendered form
#: sections (:class:`kinerja.serve.forms.RenderCache`), one sub-folder per prepared cache. Never
#: inside the batch's cache folder: the batch checks that folder's files and would rebuild it.
FORM_CACHE_DIR = "_formulir"
#: Worker processes that pre-render the form sections in the background, and their niceness.
PRERENDER_JOBS = 2
PRERENDER_NICE = 10


# --------------------------------------------------------------------------------------------
# Data cache


def prepare_cache(
    data_dir: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str] = DEFAULT_OUT,
    log: Any = print,
    settings: Settings | None = None,
) -> Path:
    """Return the prepared-cache folder for ``data_dir``, shared with ``kinerja batch``.

    Uses :func:`kinerja.run.cache.prepare_cache` with the batch's output folder (default
    ``reports``): the batch's cache under ``<out>/_cache/<key>`` is reused when its key (SHA-256
    of the input files) and its file hashes match; otherwise the data is loaded once with
    ``kinerja.load`` and written with ``Dataset.save_cache`` -- and the next batch reuses it.
    """
    from kinerja.run import cache as batch_cache

    source = data_dir if is_database_url(str(data_dir)) else Path(data_dir)  # URL: stays text
    params_dir = settings.params_dir if settings is not None else None
    info = batch_cache.prepare_cache(source, Path(out_dir), params_dir=params_dir)
    if info.status == "dipakai ulang":
        log(f"Memakai cache data yang sudah ada: {info.path}")
    else:
        extra = f" ({info.note})" if info.note else ""
        log(f"Cache data {info.status}{extra}: {info.path}")
    # the default period's metric tables, computed once, so a new kernel only filters and draws
    # (with the settings the kernels resolve from KINERJA_PARAMS_DIR, so they reuse them)
    if settings is None:
        settings = load_settings(read_env().params_dir)
    from kinerja.data.dataset import Dataset
    from kinerja.data.periods import resolve_periode

    # periode: auto -> chosen from the data (the forms' default); a period without any row
    # raises EmptyPeriodError (exit 2 in cli_app)
    choice = resolve_periode(Dataset.from_cache(info.path, lazy=True).tables, settings.periode)
    log(choice.line)
    for notice in choice.notices:
        log(f"  Catatan: {notice}")
    metrics = batch_cache.warm_metrics(Path(info.path), choice.periode, settings)
    log(f"Metrik periode bawaan: {metrics['status']}")
    return Path(info.path)


def form_cache_dir(cache: Path) -> Path:
    """The rendered-sections folder of the prepared cache ``<out>/_cache/<key>``:
    ``<out>/_formulir/<key>``; folders of older caches are removed (as the batch keeps only its
    current cache)."""
    import shutil

    root = cache.parent.parent / FORM_CACHE_DIR
    target = root / cache.name
    if root.is_dir():
        for old in root.iterdir():
            if old != target and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    return target


# --------------------------------------------------------------------------------------------
# Server and background pre-render


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when ``host:port`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def start_prerender(
    cache_dir: str | os.PathLike[str],
    root: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
    jobs: int = PRERENDER_JOBS,
    nice: int = PRERENDER_NICE,
    quarters: bool = False,
) -> Any:
    """Start the background pre-render of the form sections (:func:`kinerja.serve.forms.prerender`).

    A child process (``jobs`` spawn workers at niceness ``nice``) renders every OPD of the
    default period into ``root``, the default OPD first, then (``quarters``) every OPD in the
    other quarters of that year; the kernels then show those selections from disk instead of drawing ~8 charts per
    change. Its output goes to this process's stdout ("Pra-render formulir selesai: ...", then
    "Pra-render triwulan selesai: ..."). Returns the ``subprocess.Popen``.
    """
    import subprocess

    code = (
        "import sys; from kinerja.serve.forms import prerender_main; "
        "sys.exit(prerender_main(sys.argv[1:]))"
    )
    argv = [
        sys.executable,
        "-c",
        code,
        "--cache",
        str(cache_dir),
        "--root",
        str(root),
        "--jobs",
        str(int(jobs)),
        "--nice",
        str(int(nice)),
    ]
    if data_dir is not None:
        argv += ["--data", str(data_dir)]
    if quarters:
        argv.append("--triwulan")
    # the child arms prctl(PR_SET_PDEATHSIG) against this process (kinerja.serve.lifecycle): a
    # server killed outright never leaves the pre-render or its workers behind
    argv += ["--parent", str(os.getpid())]
    child_env = {**os.environ, **(env or {}), "MPLBACKEND": "Agg"}
    # its own process group: stopping it (stop_prerender) also stops its worker processes
    return subprocess.Popen(argv, env=child_env, start_new_session=True)


def stop_prerender(child: Any, timeout: float = 30) -> None:
    """Stop a pre-render started by :func:`start_prerender`, workers included."""
    if child.poll() is not None:
        return
    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=timeout)
    except ProcessLookupError:
        return
    except Exception:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=timeout)


def serve(
    config: dict[str, Any],
    *,
    env: dict[str, str],
    announce: str | None = None,
    prerender: dict[str, Any] | None = None,
    forms: Sequence[str] = (),
    max_kernels: int = DEFAULT_MAX_KERNELS,
) -> int:
    """Run Voila in this process with ``config`` until Ctrl-C / SIGTERM; return an exit code.

    ``prerender`` (keyword arguments of :func:`start_prerender`) starts the background
    pre-render once the server listens, so it never delays the server or the first page's
    kernel start; it is stopped with the server. ``forms`` are the notebook names listed on the
    landing page ``/``; ``max_kernels`` caps the live kernels (:mod:`kinerja.serve.guard`).
    Every request whose ``Host`` is not a loopback name is refused (403).
    """
    from kinerja.compat import jsonschema as jsonschema_compat
    from kinerja.compat import jupyter_client as jupyter_patch
    from kinerja.compat import voila as voila_compat
    from kinerja.run import forkkernel

    if forkkernel.fork_available():
        # before Voila imports nbformat (kinerja.compat.jsonschema); every kernel is then
        # forked with pandas, matplotlib and the report modules already imported
        jsonschema_compat.apply()
        forkkernel.preload()
    from voila.app import Voila

    jupyter_patch.apply()  # before Voila starts any kernel client (toolchain trap 1)
    voila_compat.apply()  # closing a page frees its kernel (voila issue 1458)
    # Ctrl-C stops the server cleanly (Voila shuts its kernels down) even when this process was
    # started with SIGINT ignored, as background jobs of a non-interactive shell are
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ.update(env)  # inherited by every kernel Voila starts (pre-heated ones too)

    conf_dir = Path(tempfile.mkdtemp(prefix="kinerja-voila-"))
    (conf_dir / "voila.json").write_text(json.dumps(config, indent=2), encoding="utf-8")

    children: list[Any] = []

    def ready() -> None:
        if announce:
            print(announce, flush=True)
        if prerender is not None:
            try:
                child = start_prerender(**prerender)
                children.append(child)
                # reap it when it ends (no zombie beside the kernels)
                threading.Thread(target=child.wait, name="kinerja-prarender", daemon=True).start()
            except OSError as exc:  # the forms still work, rendering live
                print(f"Pra-render formulir tidak dapat dimulai: {exc}", flush=True)

    from kinerja.serve import handlers as kh
    from kinerja.serve.guard import KernelSlots

    slots = KernelSlots(max_kernels)
    form_names = tuple(forms)

    class _KinerjaVoila(Voila):
        def init_settings(self) -> dict[str, Any]:
            settings = super().init_settings()
            settings["kinerja_slots"] = slots
            self.kernel_manager._kinerja_slots = slots
            kh.track_kernel_starts(self.kernel_manager)
            return settings

        def init_handlers(self) -> list[Any]:
            return kh.kinerja_handlers(
                super().init_handlers(), forms=form_names, base_url=self.base_url
            )

        def listen(self) -> None:  # announce the URL once the socket is bound
            import tornado.ioloop

            kh.install_host_check(self.app)  # before the first request
            kh.install_error_pages(self.app)  # every error page Indonesian, no CDN
            tornado.ioloop.IOLoop.current().add_callback(ready)
            super().listen()

    argv = [f"--Voila.config_file_paths={conf_dir}"]
    try:
        app = _KinerjaVoila.instance()
        app.initialize(argv)
        app.start()
    except KeyboardInterrupt:
        pass
    finally:
        import shutil

        for child in children:
            stop_prerender(child)
        shutil.rmtree(conf_dir, ignore_errors=True)
    print("Server formulir dihentikan.", flush=True)
    return 0


def stage_notebooks(source: Path, target: Path) -> list[Path]:
    """Copy the form notebooks (:data:`FORM_NOTEBOOKS`) from ``source`` into ``target``.

    Voila serves ``target`` as its ``root_dir``, so no other notebook of ``notebooks/`` (and no
    other file) can be rendered or fetched. The copies are read-only.
    """
    import shutil
    import stat

    target.mkdir(parents=True, exist_ok=True)
    staged = []
    for name in FORM_NOTEBOOKS:
        src = source / name
        if not src.is_file():
            continue
        dst = target / name
        shutil.copyfile(src, dst)
        dst.chmod(stat.S_IRUSR | stat.S_IRGRP)
        staged.append(dst)
    return staged


def _ensure_sample(path: Path) -> None:
    if (path / "opd.csv").exists() or (path / "opd.parquet").exists():
        return
    from kinerja.data import sample

    print(f"Data sampel belum ada; membuat di {path} ...", flush=True)
    sample.generate(path)


def cli_app(args: argparse.Namespace) -> int:
    """Handler of ``kinerja app [--data DIR] [--port N] [--params DIR] [--token T]
    [--max-kernels N]``."""
    data = Path(args.data) if args.data else DEFAULT_DATA
    db = args.data if is_database_url(args.data) else None  # the password stays in memory
    if args.data is None:
        _ensure_sample(data)
    if db is None and not data.is_dir():
        print(f"Folder data tidak ditemukan: {data}", file=sys.stderr)
        return 2
    notebooks = notebooks_dir()
    if not any((notebooks / n).is_file() for n in FORM_NOTEBOOKS):
        print(f"Tidak ada notebook formulir untuk disajikan di {notebooks}", file=sys.stderr)
        return 2
    port = int(args.port)
    if not 1 <= port <= 65535:
        print(f"Port tidak sah: {port}", file=sys.stderr)
        return 2
    max_kernels = getattr(args, "max_kernels", None)
    max_kernels = DEFAULT_MAX_KERNELS if max_kernels is None else int(max_kernels)
    if max_kernels < 1:
        print(f"--max-kernels harus minimal 1 (diberikan {max_kernels})", file=sys.stderr)
        return 2
    token = getattr(args, "token", None) or None
    if token is not None and (len(token) < 8 or not token.isprintable() or " " in token):
        print("--token harus minimal 8 karakter tanpa spasi", file=sys.stderr)
        return 2
    if not port_free(port):
        print(
            f"Port {port} di 127.0.0.1 sedang dipakai; pilih port lain dengan --port.",
            file=sys.stderr,
        )
        return 1
    try:
        params = getattr(args, "params", None)
        settings = load_settings(Path(params).resolve() if params else read_env().params_dir)
        cache = prepare_cache(db or data, log=lambda m: print(m, flush=True), settings=settings)
    except DatabaseError as exc:
        print(f"Basis data tidak dapat digunakan: {exc}", file=sys.stderr)
        return 2
    except EmptyPeriodError as exc:  # the period holds no row at all
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"Data tidak dapat disiapkan: {exc}", file=sys.stderr)
        return 1
    form_cache = form_cache_dir(cache)
    env = {
        ENV_CACHE_DIR: str(cache),
        ENV_DATA_DIR: redact(db) if db else str(data.resolve()),
        ENV_FORM_CACHE: str(form_cache),
    }
    if getattr(args, "params", None):
        env[ENV_PARAMS_DIR] = str(Path(args.params).resolve())
    # KINERJA_APP_PRERENDER=0 turns the background pre-render off (forms then render live and
    # store what they rendered for the next kernel)
    prerender = None
    switches = read_env()
    if switches.app_prerender:
        prerender = {
            "cache_dir": cache,
            "root": form_cache,
            "data_dir": None if db else data.resolve(),
            "env": env,
            "quarters": switches.app_prerender_quarters,
        }
    # KINERJA_APP_PREHEAT=0 turns pre-heating off (the benchmark's cold first paint)
    preheat = switches.app_preheat
    import shutil

    root = Path(tempfile.mkdtemp(prefix="kinerja-app-")) / "notebooks"
    try:
        staged = stage_notebooks(notebooks, root)
        config = voila_config(port=port, root_dir=root, preheat=preheat, token=token)
        url = f"http://127.0.0.1:{port}/"
        entry = f"{url}?token={token}" if token else url
        pages = "\n".join(f"  {url}voila/render/{p.name}" for p in staged)
        announce = (
            f"Formulir kinerja siap di {entry}\n{pages}\n"
            f"  (pilihan lewat alamat, mis. {url}voila/render/laporan_opd.ipynb?kode_opd=DINKES)\n"
            f"  paling banyak {max_kernels} kernel sekaligus"
            + (" ; perlu token (buka alamat pertama di atas)" if token else "")
            + "\nTekan Ctrl-C untuk berhenti."
        )
        env[ENV_SERVER_PID] = str(os.getpid())  # kernels end with this process (lifecycle)
        from kinerja.serve.render_cache import ENV_CODE_VERSION, code_version

        env[ENV_CODE_VERSION] = code_version()  # one form-cache key for every process
        return serve(
            config,
            env=env,
            announce=announce,
            prerender=prerender,
            forms=[p.stem for p in staged],
            max_kernels=max_kernels,
        )
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)
