"""``kinerja app``: serve the notebooks as Indonesian forms with Voila, safely.

What the launcher does, in order:

1. finds the data folder (``--data``; default the bundled sample ``data/sampel``, generated on
   first use) and the prepared data cache: the batch's cache is reused when its input hashes match
   the folder, otherwise the data is loaded once (``kinerja.load``) and saved
   (``Dataset.save_cache``) -- see :func:`prepare_cache`;
2. writes the Voila configuration (:func:`voila_config`) as ``voila.json`` into a private
   temporary folder and points Voila's ``config_file_paths`` at that folder only, so a stray
   ``voila.json`` in the working directory or in Jupyter's config path cannot loosen it;
3. applies :func:`kinerja.jupyter_patch.apply` (the stall fix, toolchain trap 1) in this process,
   which is the Voila server process, and runs Voila in-process.

The configuration keeps Voila's safe defaults and states them explicitly: listen on 127.0.0.1
only, no port hopping, only ``notebooks/`` served, sources stripped, tracebacks hidden, only
images downloadable from ``/voila/files/`` (``.ipynb``, ``.py``, data files and hidden files
refused), pre-heated kernels (one per notebook), idle kernels culled, and a finite cell timeout.
Voila itself refuses execute requests from the browser (only comm and kernel-info messages pass).
Every kernel inherits ``KINERJA_CACHE_DIR`` / ``KINERJA_DATA_DIR`` from this process, which is how
the notebooks find the data when their ``cache_dir`` parameter is ``None``.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from kinerja.forms import ENV_CACHE_DIR, ENV_DATA_DIR, ENV_PARAMS_DIR

#: Repository root (``kinerja`` is installed in editable mode from it).
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_DATA = ROOT / "data" / "sampel"

#: Seconds one notebook cell may run in a Voila kernel before it is interrupted.
CELL_TIMEOUT = 120
#: Idle kernels (no browser connected) are shut down after this many seconds ...
CULL_IDLE_TIMEOUT = 300
#: ... checked this often.
CULL_INTERVAL = 30
#: Pre-heated kernels kept ready per notebook.
POOL_SIZE = 1

#: Only these files may be fetched from ``/voila/files/`` (Voila's default, kept).
FILE_ALLOWLIST = [r".*\.(png|jpg|gif|svg)"]
#: Never served even if allow-listed: notebooks, code, hidden files and folders, data files.
FILE_DENYLIST = [
    r".*\.(ipynb|py)",
    r"(^|.*/)\..*",
    r".*\.(csv|xlsx|xls|parquet|json|yaml|yml|txt|zip)",
]

_FINGERPRINT = "kinerja_app_sumber.json"


# --------------------------------------------------------------------------------------------
# Data cache


def fingerprint(data_dir: str | os.PathLike[str]) -> str:
    """SHA-256 over the relative names and bytes of every file in the data folder."""
    h = hashlib.sha256()
    base = Path(data_dir)
    for p in sorted(q for q in base.rglob("*") if q.is_file()):
        rel = p.relative_to(base).as_posix()
        if any(part.startswith(".") for part in p.relative_to(base).parts):
            continue
        h.update(rel.encode("utf-8") + b"\0")
        with p.open("rb") as fh:
            for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def _batch_cache_candidates(data_dir: Path) -> list[Path]:
    """Cache folders the batch may have written (checked by their input hashes)."""
    try:
        from kinerja import batch
    except ImportError:
        return []
    finder = getattr(batch, "cache_dir_for", None)
    if finder is None:
        return []
    try:
        found = finder(data_dir)
    except Exception:
        return []
    return [Path(found)] if found else []


def _matches(cache: Path, data_dir: Path, digest: str) -> bool:
    if not cache.is_dir():
        return False
    try:
        from kinerja.dataset import cache_matches  # the loader's own hash check, if offered
    except ImportError:
        cache_matches = None
    if cache_matches is not None:
        try:
            return bool(cache_matches(cache, data_dir))
        except Exception:
            return False
    stamp = cache / _FINGERPRINT
    try:
        return json.loads(stamp.read_text(encoding="utf-8")).get("sha256") == digest
    except (OSError, ValueError):
        return False


def prepare_cache(
    data_dir: str | os.PathLike[str],
    *,
    cache_root: str | os.PathLike[str] | None = None,
    log: Any = print,
) -> Path:
    """Return a prepared-cache folder matching ``data_dir``, building it when needed.

    Parameters
    ----------
    data_dir : path
        Raw data folder (the exports).
    cache_root : path, optional
        Where the app keeps its own caches; default ``<data_dir>/../.kinerja-cache``.
    log : callable
        Receives Indonesian progress messages.

    Notes
    -----
    The batch's cache is reused when it matches the input hashes of ``data_dir``; otherwise the
    app's own cache for the same SHA-256 of the folder is reused; otherwise the folder is loaded
    once with ``kinerja.load`` and written with ``Dataset.save_cache``.
    """
    data = Path(data_dir).resolve()
    digest = fingerprint(data)
    for cand in _batch_cache_candidates(data):
        if _matches(cand, data, digest):
            log(f"Memakai cache data dari batch: {cand}")
            return cand
    root = Path(cache_root) if cache_root else data.parent / ".kinerja-cache"
    target = root / f"{data.name}-{digest[:16]}"
    stamp = target / _FINGERPRINT
    if stamp.is_file() and _matches(target, data, digest):
        log(f"Memakai cache data: {target}")
        return target
    from kinerja.dataset import load

    log(f"Memuat data dari {data} dan menyiapkan cache ...")
    ds = load(data)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=_mkdir(root)))
    ds.save_cache(tmp)
    (tmp / _FINGERPRINT).write_text(
        json.dumps({"sha256": digest, "data_dir": str(data)}, ensure_ascii=False),
        encoding="utf-8",
    )
    if target.exists():
        import shutil

        shutil.rmtree(target)
    tmp.replace(target)
    log(f"Cache data siap: {target}")
    return target


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


# --------------------------------------------------------------------------------------------
# Voila configuration


def voila_config(
    *,
    port: int,
    root_dir: str | os.PathLike[str],
    preheat: bool = True,
    pool_size: int = POOL_SIZE,
    cell_timeout: int = CELL_TIMEOUT,
    cull_idle_timeout: int = CULL_IDLE_TIMEOUT,
    cull_interval: int = CULL_INTERVAL,
) -> dict[str, Any]:
    """The traitlets configuration ``kinerja app`` gives Voila (written as ``voila.json``)."""
    return {
        "Voila": {
            "ip": "127.0.0.1",
            "port": int(port),
            "port_retries": 0,
            "root_dir": str(root_dir),
            "open_browser": False,
            "tornado_settings": {
                "headers": {
                    "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "SAMEORIGIN",
                }
            },
        },
        "VoilaConfiguration": {
            "strip_sources": True,
            "show_tracebacks": False,
            "file_allowlist": FILE_ALLOWLIST,
            "file_denylist": FILE_DENYLIST,
            "preheat_kernel": bool(preheat),
            "default_pool_size": int(pool_size) if preheat else 0,
            "theme": "light",
        },
        "VoilaExecutor": {"timeout": int(cell_timeout)},
        "MappingKernelManager": {
            "cull_idle_timeout": int(cull_idle_timeout),
            "cull_interval": int(cull_interval),
            "cull_connected": False,
        },
    }


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


def serve(
    config: dict[str, Any],
    *,
    env: dict[str, str],
    announce: str | None = None,
) -> int:
    """Run Voila in this process with ``config`` until Ctrl-C / SIGTERM; return an exit code."""
    from voila.app import Voila

    from kinerja import jupyter_patch

    jupyter_patch.apply()  # before Voila starts any kernel client (toolchain trap 1)
    os.environ.update(env)  # inherited by every kernel Voila starts (pre-heated ones too)

    conf_dir = Path(tempfile.mkdtemp(prefix="kinerja-voila-"))
    (conf_dir / "voila.json").write_text(json.dumps(config, indent=2), encoding="utf-8")

    class _KinerjaVoila(Voila):
        def listen(self) -> None:  # announce the URL once the socket is bound
            if announce:
                import tornado.ioloop

                tornado.ioloop.IOLoop.current().add_callback(lambda: print(announce, flush=True))
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

        shutil.rmtree(conf_dir, ignore_errors=True)
    print("Server formulir dihentikan.", flush=True)
    return 0


def _ensure_sample(path: Path) -> None:
    if (path / "opd.csv").exists() or (path / "opd.parquet").exists():
        return
    from kinerja import sample

    print(f"Data sampel belum ada; membuat di {path} ...", flush=True)
    sample.generate(path)


def cli_app(args: argparse.Namespace) -> int:
    """Handler of ``kinerja app [--data DIR] [--port N] [--params DIR]``."""
    data = Path(args.data) if args.data else DEFAULT_DATA
    if args.data is None:
        _ensure_sample(data)
    if not data.is_dir():
        print(f"Folder data tidak ditemukan: {data}", file=sys.stderr)
        return 2
    if not NOTEBOOKS.is_dir() or not any(NOTEBOOKS.glob("*.ipynb")):
        print(f"Tidak ada notebook untuk disajikan di {NOTEBOOKS}", file=sys.stderr)
        return 2
    port = int(args.port)
    if not 1 <= port <= 65535:
        print(f"Port tidak sah: {port}", file=sys.stderr)
        return 2
    if not port_free(port):
        print(
            f"Port {port} di 127.0.0.1 sedang dipakai; pilih port lain dengan --port.",
            file=sys.stderr,
        )
        return 1
    try:
        cache = prepare_cache(data, log=lambda m: print(m, flush=True))
    except Exception as exc:
        print(f"Data tidak dapat disiapkan: {exc}", file=sys.stderr)
        return 1
    env = {ENV_CACHE_DIR: str(cache), ENV_DATA_DIR: str(data.resolve())}
    if getattr(args, "params", None):
        env[ENV_PARAMS_DIR] = str(Path(args.params).resolve())
    preheat = os.environ.get("KINERJA_APP_PREHEAT", "1") != "0"
    config = voila_config(port=port, root_dir=NOTEBOOKS, preheat=preheat)
    url = f"http://127.0.0.1:{port}/"
    announce = (
        f"Formulir kinerja siap di {url}\n"
        f"  contoh: {url}voila/render/laporan_opd.ipynb?kode_opd=...\n"
        "Tekan Ctrl-C untuk berhenti."
    )
    return serve(config, env=env, announce=announce)
