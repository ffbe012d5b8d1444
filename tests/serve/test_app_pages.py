"""Every page a browser can reach on ``kinerja app`` is Indonesian and loads nothing from
another host: the token form, logout, and every error page (tornado's, jupyter_server's and
Voila's English pages are replaced), with a real Voila server.

Without ``--token`` no login page exists (``/login`` is a 404, in Indonesian); with ``--token`` a
request without a valid token or cookie is sent to the Indonesian token form, a wrong token is
refused in Indonesian, the right one opens the forms. Chromium fills the form like a user and
no request leaves 127.0.0.1.

Every wait has a deadline; every server started here is stopped in a ``finally``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kinerja.serve.pages import ERROR_TEXTS, error_page, login_page, logout_page

pytestmark = pytest.mark.timeout(900)

START_DEADLINE = 300
REQUEST_DEADLINE = 120
TOKEN = "uji-token-halaman-1234"

#: English texts of jupyter_server / tornado / Voila pages that must never reach a user.
ENGLISH = (
    "Not Found",
    "Forbidden",
    "You are requesting",
    "Invalid credentials",
    "Password or token",
    "Log in",
    "Successfully logged out",
    "requires JavaScript",
    "Internal Server Error",
    "Method Not Allowed",
)
#: An attribute that loads something from another host.
EXTERNAL = re.compile(r"(?:src|href|action)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@contextlib.contextmanager
def _server(data: Path, workdir: Path, *extra: str) -> Iterator[int]:
    port = _free_port()
    log_path = workdir / f"app-{port}.log"
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "KINERJA_APP_PREHEAT": "0",
        "KINERJA_APP_PRERENDER": "0",
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kinerja", "app", "--data", str(data), "--port", str(port)]
            + list(extra),
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_DEADLINE
        while "siap di" not in log_path.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"kinerja app tidak siap:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.5)
        yield port
    finally:
        _stop(proc)


def _request(
    port: int,
    method: str,
    path: str,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_DEADLINE)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        got = {k.lower(): v for k, v in r.getheaders()}
        cookies = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
        got["set-cookie"] = "\n".join(cookies)
        return r.status, got, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _assert_indonesian_offline(body: str, where: str) -> None:
    assert body.startswith('<!DOCTYPE html><html lang="id">'), (where, body[:200])
    for phrase in ENGLISH:
        assert phrase not in body, (where, phrase)
    assert not EXTERNAL.search(body), (where, EXTERNAL.search(body))
    assert "<script" not in body.lower(), where


# -- the pages themselves (no server) ---------------------------------------------------------


def test_error_pages_are_indonesian_for_every_status():
    for status in (*ERROR_TEXTS, 418, 500, 502, 503):
        page = error_page(status)
        _assert_indonesian_offline(page, str(status))
        assert f"HTTP {status}" in page
    assert "tidak ditemukan" in error_page(404)
    assert "kesalahan di server" in error_page(500)


def test_login_page_escapes_its_action_and_says_when_the_token_was_wrong():
    page = login_page(action='/login?next=%2F"><x>', xsrf_field='<input type="hidden" />')
    _assert_indonesian_offline(page, "login")
    assert "<x>" not in page and "&quot;&gt;&lt;x&gt;" in page
    assert 'name="password"' in page and "Token salah" not in page
    assert "Token salah" in login_page(action="/login", xsrf_field="", failed=True)
    _assert_indonesian_offline(logout_page(True), "logout")
    _assert_indonesian_offline(logout_page(False), "logout")


# -- a real server ---------------------------------------------------------------------------


@pytest.mark.slow
def test_without_token_every_reachable_error_page_is_indonesian(sample_dir, tmp_path):
    with _server(sample_dir, tmp_path) as port:
        expected = {
            "/login": 404,  # no login page at all without a token
            "/nope": 404,
            "/voila/render/nope.ipynb": 404,  # was Voila's English page with its scripts
            "/voila/files/data.csv": 403,
            "/voila/static/nope.js": 403,
            "/api/kernels/abc": 404,
        }
        for path, status in expected.items():
            code, headers, body = _request(port, "GET", path)
            assert code == status, (path, code)
            assert headers["content-type"].startswith("text/html"), path
            assert int(headers["content-length"]) == len(body.encode("utf-8")), path
            _assert_indonesian_offline(body, path)
        code, _, body = _request(port, "GET", "/logout")  # was an empty 500
        assert code == 200
        _assert_indonesian_offline(body, "/logout")
        assert "tanpa token" in body
        # a POST without the XSRF cookie is refused in Indonesian too
        code, _, body = _request(port, "POST", "/login", body="password=x")
        assert code in (403, 404)
        _assert_indonesian_offline(body, "POST /login")
        # HEAD stays bodiless; the landing page is untouched
        code, _, body = _request(port, "HEAD", "/nope")
        assert code == 404 and body == ""
        code, _, body = _request(port, "GET", "/")
        assert code == 200 and "Formulir evaluasi kinerja" in body


@pytest.mark.slow
def test_with_token_login_logout_and_wrong_token_are_indonesian(sample_dir, tmp_path):
    with _server(sample_dir, tmp_path, "--token", TOKEN) as port:
        code, headers, _ = _request(port, "GET", "/voila/render/laporan_opd.ipynb")
        assert code == 302 and "/login?next=" in headers["location"]
        code, headers, page = _request(port, "GET", headers["location"])
        assert code == 200
        _assert_indonesian_offline(page, "/login")
        assert 'name="_xsrf"' in page and 'name="password"' in page
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
        cookie = re.search(r"(_xsrf=[^;]+)", headers["set-cookie"]).group(1)
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        code, _, page = _request(
            port,
            "POST",
            "/login?next=%2F",
            body=urlencode({"_xsrf": xsrf, "password": "salah-sekali-123"}),
            headers=form,
        )
        assert code == 401
        _assert_indonesian_offline(page, "token salah")
        assert "Token salah" in page
        code, headers, _ = _request(
            port,
            "POST",
            "/login?next=%2F",
            body=urlencode({"_xsrf": xsrf, "password": TOKEN}),
            headers=form,
        )
        assert code == 302 and headers["location"] == "/"
        login = re.search(r"(username-[^=]+=[^;]+)", headers["set-cookie"]).group(1)
        code, _, page = _request(port, "GET", "/", headers={"Cookie": login})
        assert code == 200 and "Formulir evaluasi kinerja" in page
        # a forged login cookie is not accepted: back to the Indonesian token form
        forged = login.split("=", 1)[0] + "=2|palsu|palsu|palsu"
        code, headers, _ = _request(port, "GET", "/", headers={"Cookie": forged})
        assert code == 302 and "/login" in headers["location"]
        code, _, page = _request(port, "GET", "/logout", headers={"Cookie": login})
        assert code == 200
        _assert_indonesian_offline(page, "/logout")
        assert "sudah keluar" in page


@pytest.mark.slow
def test_chromium_logs_in_with_the_token_form_without_any_outside_request(sample_dir, tmp_path):
    pw = pytest.importorskip("playwright.sync_api")
    from kinerja.report.pdf import CHROMIUM_ARGS

    chromium = os.environ.get("KINERJA_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.skip("chromium tidak ada")
    with _server(sample_dir, tmp_path, "--token", TOKEN) as port:
        base = f"http://127.0.0.1:{port}"
        outside: list[str] = []
        with pw.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
            try:
                page = browser.new_page()
                page.set_default_timeout(REQUEST_DEADLINE * 1000)
                page.on(
                    "request",
                    lambda r: None if r.url.startswith(base) else outside.append(r.url),
                )
                page.goto(base + "/voila/render/laporan_opd.ipynb?kode_opd=DINKES")
                assert "/login" in page.url
                assert page.locator("html").get_attribute("lang") == "id"
                assert page.locator("h1").inner_text() == "Masuk ke formulir evaluasi kinerja"
                page.screenshot(path=str(tmp_path / "login.png"))
                page.fill("#password", "salah-sekali-123")
                page.click("button[type=submit]")
                page.wait_for_selector(".kinerja-galat")
                assert "Token salah" in page.locator(".kinerja-galat").inner_text()
                page.fill("#password", TOKEN)
                page.click("button[type=submit]")
                page.wait_for_url(re.compile(r".*/voila/render/laporan_opd\.ipynb\?kode_opd="))
                page.goto(base + "/halaman-tidak-ada")
                assert page.locator("h1").inner_text() == "Halaman tidak ditemukan"
            finally:
                browser.close()
        assert outside == []


@pytest.mark.slow
def test_stored_selection_is_sent_first_by_the_server_before_any_kernel(sample_dir, tmp_path):
    """Once a selection is in the form cache (here: stored by the first page's kernel), the
    page's first bytes are the server's preview of its numbers -- before Voila's scripts and
    stylesheets -- and the XSRF cookie the page's kernel shutdown needs is still set."""
    from kinerja.serve.preview import SERVER_CLASS

    with _server(sample_dir, tmp_path) as port:
        path = "/voila/render/laporan_opd.ipynb"
        code, _, first = _request(port, "GET", path)
        assert code == 200 and SERVER_CLASS not in first  # nothing stored yet: kernel preview
        code, headers, page = _request(port, "GET", path)
        assert code == 200
        assert page.startswith('<!DOCTYPE html>\n<html lang="id">\n<head><meta charset="utf-8" />')
        assert '<html lang="en">' not in page  # Voila's own document start was removed
        start = page.index(SERVER_CLASS)
        assert start < page.index("voila-style.js") and start < page.index("index.css")
        assert "kinerja-pratinjau-bagian-ikm" in page[start : page.index("voila-style.js")]
        assert "_xsrf=" in headers["set-cookie"]
        assert 'kinerja-pratinjau-mentah"><div' not in page[page.index("voila-style.js") :]
