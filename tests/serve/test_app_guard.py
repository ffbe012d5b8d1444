"""``kinerja app`` against an attacker, with a real Voila server (no browser needed).

* Host header: a request naming another host (DNS rebinding) gets 403 and starts nothing; the
  loopback names get the landing page.
* Kernel flood: 12 page requests at once against ``--max-kernels 3`` (pre-heating off, so every
  page would start its own kernel): at most 3 kernels ever run, 3 pages are served and the 9
  others get the Indonesian "penuh" page with 503.
* Orphans: SIGKILL of the server while its background pre-render runs leaves no pre-render
  process, worker or kernel behind (checked with psutil after a short wait).

Every wait has a deadline; every process started here is stopped in a ``finally``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.timeout(1500)

#: Deadline for the server to come up (sample cache + Voila).
START_DEADLINE = 300
#: Deadline of one page request (a notebook run on a busy 2-core machine).
PAGE_DEADLINE = 400
CAP = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data: Path, workdir: Path, port: int, env: dict[str, str], *extra: str):
    log_path = workdir / f"app-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kinerja", "app", "--data", str(data), "--port", str(port)]
            + list(extra),
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            start_new_session=True,
        )
    deadline = time.monotonic() + START_DEADLINE
    while "siap di" not in log_path.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail(f"kinerja app tidak siap:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.5)
    return proc, log_path


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _kernels(pid: int) -> list:
    """Kernel processes of the server: forked from it (same command line) or ipykernel."""
    try:
        server = psutil.Process(pid)
        cmd = server.cmdline()
        kids = server.children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for p in kids:
        with contextlib.suppress(psutil.Error):
            c = p.cmdline()
            if p.status() == psutil.STATUS_ZOMBIE:
                continue
            if "ipykernel" in " ".join(c) or (c == cmd and p.ppid() == pid):
                found.append(p)
    return found


def _get(port: int, path: str, host: str | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PAGE_DEADLINE)
    try:
        headers = {"Host": host} if host is not None else {}
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.fixture(scope="module")
def capped(sample_dir, tmp_path_factory) -> Iterator[dict]:
    workdir = tmp_path_factory.mktemp("guard")
    port = _free_port()
    env = {"KINERJA_APP_PREHEAT": "0", "KINERJA_APP_PRERENDER": "0"}
    proc, log = _start(sample_dir, workdir, port, env, "--max-kernels", str(CAP))
    try:
        yield {"port": port, "pid": proc.pid, "log": log}
    finally:
        _stop(proc)


@pytest.mark.slow
def test_foreign_host_header_is_refused_and_loopback_names_served(capped):
    port = capped["port"]
    for host in ("evil.example", f"evil.example:{port}", "localhost.evil.example", "127.1"):
        code, body = _get(port, "/", host)
        assert code == 403 and "ditolak" in body, (host, code)
        code, _ = _get(port, "/voila/render/laporan_opd.ipynb", host)
        assert code == 403, host
        code, _ = _get(port, "/voila/static/voila.js", host)
        assert code == 403, host
    assert not _kernels(capped["pid"])  # nothing was started for a refused host
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
        code, body = _get(port, "/", host)
        assert code == 200 and "Formulir evaluasi kinerja" in body, host
        assert "voila/render/laporan_opd.ipynb" in body
    code, _ = _get(port, "/voila/tree")  # Voila's English file list is gone
    assert code in (301, 302)


@pytest.mark.slow
def test_twelve_concurrent_pages_never_start_more_kernels_than_the_cap(capped):
    port, pid = capped["port"], capped["pid"]
    assert len(_kernels(pid)) == 0
    peak = 0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, len(_kernels(pid)))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with cf.ThreadPoolExecutor(max_workers=12) as pool:
            futures = [
                pool.submit(_get, port, f"/voila/render/laporan_opd.ipynb?n={i}") for i in range(12)
            ]
            results = [f.result(timeout=PAGE_DEADLINE + 60) for f in futures]
        time.sleep(2.0)  # anything started late would show up now
    finally:
        stop.set()
        watcher.join(timeout=10)
    codes = sorted(code for code, _ in results)
    assert codes.count(200) == CAP and codes.count(503) == 12 - CAP, codes
    assert all("sedang penuh" in body for code, body in results if code == 503)
    assert all("kinerja-kontrol" not in body for code, body in results if code == 503)
    assert peak <= CAP, f"{peak} kernel hidup (batas {CAP})"
    assert len(_kernels(pid)) <= CAP
    log = capped["log"].read_text(errors="replace")
    assert log.count("Server penuh") == 12 - CAP


def _descendants(pid: int) -> list:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _alive(p) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


@pytest.mark.slow
def test_killed_server_leaves_no_prerender_worker_or_kernel_behind(sample_dir, tmp_path):
    port = _free_port()
    env = {"KINERJA_APP_PRERENDER": "1", "KINERJA_APP_PREHEAT": "1"}
    proc, log = _start(sample_dir, tmp_path, port, env)
    recorded: list = []
    try:
        # wait until the pre-render runs with its worker processes (the moment of the report)
        deadline = time.monotonic() + START_DEADLINE
        while True:
            kids = _descendants(proc.pid)
            cmds = []
            for p in kids:
                with contextlib.suppress(psutil.Error):
                    cmds.append(" ".join(p.cmdline()))
            prerender = any("prerender_main" in c for c in cmds)
            workers = sum("multiprocessing" in c for c in cmds)
            if prerender and workers >= 1:
                break
            assert "Pra-render formulir selesai" not in log.read_text(errors="replace"), (
                "pra-render selesai sebelum sempat diamati"
            )
            assert time.monotonic() < deadline, "pra-render tidak mulai:\n" + "\n".join(cmds)
            time.sleep(0.2)
        recorded = _descendants(proc.pid)
        assert recorded
        os.kill(proc.pid, signal.SIGKILL)  # the server only: no chance to clean up
        proc.wait(timeout=60)
        # a worker still importing when the server died notices as soon as it runs its first
        # line of kinerja code; allow for a slow, shared machine
        deadline = time.monotonic() + 90
        while any(_alive(p) for p in recorded) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = []
        for p in recorded:
            if _alive(p):
                with contextlib.suppress(psutil.Error):
                    left.append(f"{p.pid}: {' '.join(p.cmdline())[:120]}")
        assert not left, "proses yatim setelah server dibunuh:\n" + "\n".join(left)
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
        for p in recorded:  # a failing test must not leave its orphans running
            if _alive(p):
                with contextlib.suppress(psutil.Error):
                    p.kill()


@pytest.mark.slow
def test_token_is_required_when_given(sample_dir, tmp_path):
    """``--token``: without it nothing is served (and no kernel starts); with it the landing
    page opens and the browser gets a login cookie for the forms."""
    port = _free_port()
    token = "uji-token-1234567890"
    env = {"KINERJA_APP_PREHEAT": "0", "KINERJA_APP_PRERENDER": "0"}
    proc, log = _start(sample_dir, tmp_path, port, env, "--token", token)
    try:
        assert f"?token={token}" in log.read_text(errors="replace")  # the address to open
        code, _ = _get(port, "/")
        assert code in (302, 403)  # to the login page, never the forms
        code, body = _get(port, "/voila/render/laporan_opd.ipynb")
        assert code in (302, 403) and "kinerja-kontrol" not in body
        assert not _kernels(proc.pid)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PAGE_DEADLINE)
        try:
            conn.request("GET", f"/?token={token}")
            r = conn.getresponse()
            body = r.read().decode("utf-8", "replace")
            cookies = r.getheader("Set-Cookie") or ""
        finally:
            conn.close()
        assert r.status == 200 and "Formulir evaluasi kinerja" in body
        assert cookies  # the login cookie: the form links work without the token in the URL
    finally:
        _stop(proc)
