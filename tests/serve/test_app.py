"""End to end: ``kinerja app`` in a real browser (Debian chromium driven by Playwright).

The module copies the shared session sample (``sample_dir``, scale 0.05), plants hostile text in
an OPD name, in complaint texts and in SKM suggestions, starts ``kinerja app`` on a free port as a
subprocess, and drives the form in chromium (those tests are marked ``slow``). Every wait has a
deadline; the server is stopped in a finally.

Without ``/usr/bin/chromium`` (or Playwright) the tests are skipped -- unless
``KINERJA_REQUIRE_BROWSER=1`` (CI sets it), in which case they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kinerja.report.pdf import CHROMIUM_ARGS as PDF_CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("KINERJA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = list(PDF_CHROMIUM_ARGS)  # the flags this machine's Chromium needs
REQUIRE = os.environ.get("KINERJA_REQUIRE_BROWSER") == "1"

#: Total deadline for the server to come up (sample cache build + Voila + kernels).
START_DEADLINE = 300
#: Deadline of one page / one value to appear in the browser (ms).
PAGE_MS = 180_000

HOSTILE = '<img src=x onerror="window.__kinerja_xss=1"><script>window.__kinerja_xss=2</script>'

pytestmark = pytest.mark.timeout(1500)


def _require_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"chromium tidak ada di {CHROMIUM} (pasang: apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright untuk Python tidak terpasang"
    if reason:
        if REQUIRE:
            pytest.fail(reason + " -- KINERJA_REQUIRE_BROWSER=1")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def sample(sample_dir, tmp_path_factory) -> Path:
    _require_browser()
    data = tmp_path_factory.mktemp("app") / "data"
    shutil.copytree(sample_dir, data)  # a copy: hostile text is planted below
    opd = pd.read_csv(data / "opd.csv", dtype=str, keep_default_na=False)
    last = opd.index[-1]
    opd.loc[last, "nama_opd"] = "Kantor Uji " + HOSTILE
    opd.to_csv(data / "opd.csv", index=False)
    for name, col in (("pengaduan", "isi"), ("skm", "saran")):
        path = data / f"{name}.csv"
        t = pd.read_csv(path, dtype=str, keep_default_na=False)
        t.loc[t.index[:20], col] = HOSTILE
        t.to_csv(path, index=False)
    return data


@pytest.fixture(scope="module")
def expected(sample) -> dict:
    """What kinerja computes for the sample: IKM per OPD, form options."""
    from kinerja.data.dataset import load
    from kinerja.serve.forms import FormOptions

    ds = load(sample)
    return {"tables": ds.tables, "options": FormOptions.from_tables(ds.tables)}


@pytest.fixture(scope="module")
def server(sample) -> Iterator[dict]:
    port = _free_port()
    workdir = sample.parent
    log_path = workdir / "app.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("KINERJA_APP_PREHEAT", None)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kinerja", "app", "--data", str(sample), "--port", str(port)],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_DEADLINE
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"kinerja app berhenti (kode {proc.returncode}):\n{log_path.read_text()}"
                )
            if "siap di" in log_path.read_text(errors="replace"):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"kinerja app tidak siap dalam {START_DEADLINE} s:\n{log_path.read_text()}"
                )
            time.sleep(0.5)
        yield {"url": f"http://127.0.0.1:{port}/", "port": port, "pid": proc.pid, "log": log_path}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # Voila shuts its kernels down on SIGTERM
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # our own session: server + kernels
                proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, locale="id-ID")
    pg = ctx.new_page()
    pg.set_default_timeout(PAGE_MS)
    pg.set_default_navigation_timeout(PAGE_MS)
    try:
        yield pg
    finally:
        # leave like a user: beforeunload asks Voila to shut the page's kernel down
        with contextlib.suppress(Exception):
            pg.close(run_before_unload=True)
            pg.wait_for_timeout(300)
        ctx.close()


# ------------------------------------------------------------------------------ helpers


def _ikm_of(expected: dict, kode: str, periode: str) -> str | None:
    from kinerja.domain.period import Periode
    from kinerja.metrics.survey import ikm_table
    from kinerja.report.formatting import fmt_number

    t = ikm_table(
        expected["tables"]["skm"], by=("kode_opd",), weight="exact", periode=Periode.parse(periode)
    )
    row = t.loc[t["kode_opd"] == kode]
    if row.empty or int(row["n_responden"].iloc[0]) < 5 or pd.isna(row["ikm"].iloc[0]):
        return None
    return fmt_number(float(row["ikm"].iloc[0]), 2)


_READ_IKM = """() => {
  const tables = [...document.querySelectorAll('.kinerja-bagian-ikm table')];
  for (const t of tables) {
    const ths = [...t.querySelectorAll('thead th')];
    const i = ths.findIndex(th => th.textContent.trim().startsWith('IKM (25'));
    const row = t.querySelector('tbody tr');
    if (i >= 0 && row && row.children[i]) return row.children[i].textContent.trim();
  }
  return null;
}"""

_SELECTED = """(key) => {
  const s = document.querySelector('.kinerja-kontrol-' + key + ' select');
  return s && s.selectedIndex >= 0 ? s.options[s.selectedIndex].value : null;
}"""


_REDRAWS = """() => {
  const m = document.querySelector('.kinerja-selesai');
  return m ? Number(m.dataset.redraw) : 0;
}"""


def _open_form(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".kinerja-kontrol-kode_opd select")
    page.wait_for_function(
        "() => { const o = document.querySelector('.kinerja-bagian-ikm');"
        " return !!o && o.innerText.trim().length > 0; }"
    )


def _wait_ikm(page, value: str) -> None:
    page.wait_for_function(f"(v) => ({_READ_IKM})() === v", arg=value)


def _label(expected: dict, key: str, value: str) -> str:
    opts = expected["options"].opd if key == "kode_opd" else expected["options"].periode
    return next(lab for lab, v in opts if v == value)


def _candidates(expected: dict, periode: str) -> list[tuple[str, str]]:
    """OPDs with an IKM shown (enough respondents), with distinct formatted values."""
    out: dict[str, str] = {}
    for _, kode in expected["options"].opd:
        v = _ikm_of(expected, kode, periode)
        if v is not None and v not in out.values():
            out[kode] = v
    return list(out.items())


# ------------------------------------------------------------------------------ tests


@pytest.mark.slow
def test_form_changes_opd_and_shows_kinerja_numbers(server, expected, page):
    url = server["url"] + "voila/render/laporan_opd.ipynb"
    _open_form(page, url)
    periode_label = page.evaluate(_SELECTED, "periode")
    periode = next(v for lab, v in expected["options"].periode if lab == periode_label)
    current = next(
        v for lab, v in expected["options"].opd if lab == page.evaluate(_SELECTED, "kode_opd")
    )
    target, value = next((k, v) for k, v in _candidates(expected, periode) if k != current)

    before = page.evaluate(_REDRAWS)
    page.select_option(
        ".kinerja-kontrol-kode_opd select", value=_label(expected, "kode_opd", target)
    )
    _wait_ikm(page, value)
    page.wait_for_function(f"(n) => ({_REDRAWS})() > n", arg=before)  # every section redrawn
    assert page.evaluate(_SELECTED, "kode_opd") == _label(expected, "kode_opd", target)
    text = page.inner_text(".kinerja-formulir")
    assert "Indeks Kepuasan Masyarakat" in text and "Sumber data" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-laporan_opd.png"), full_page=False)


@pytest.mark.slow
def test_query_parameter_preselects_the_opd(server, expected, page):
    periode = "2025"
    kode, value = _candidates(expected, periode)[-1]
    _open_form(
        page, server["url"] + f"voila/render/laporan_opd.ipynb?kode_opd={kode}&periode={periode}"
    )
    page.wait_for_function(
        f"(v) => ({_SELECTED})('kode_opd') === v", arg=_label(expected, "kode_opd", kode)
    )
    _wait_ikm(page, value)
    assert page.evaluate(_SELECTED, "periode") == _label(expected, "periode", periode)


@pytest.mark.slow
def test_hostile_text_and_query_never_become_markup(server, expected, page):
    hostile_q = "%3Cimg%20src%3Dx%20onerror%3D%22window.__kinerja_xss%3D3%22%3E"
    _open_form(page, server["url"] + f"voila/render/laporan_opd.ipynb?kode_opd={hostile_q}")
    page.wait_for_selector(".kinerja-catatan li")
    note = page.inner_text(".kinerja-catatan")
    assert "tidak dikenal" in note and "<img src=x" in note  # shown as text
    options = page.evaluate(
        "() => [...document.querySelectorAll('.kinerja-kontrol-kode_opd option')].map(o => o.value)"
    )
    assert any(HOSTILE in o for o in options)  # the planted OPD name, as text
    assert page.evaluate("() => window.__kinerja_xss") is None
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    # complaint texts and SKM suggestions are free text: never on a forum page at all
    assert "window.__kinerja_xss=2" not in page.inner_text(".kinerja-bagian-pengaduan")


@pytest.mark.slow
def test_bottleneck_explorer_lists_the_services_of_the_opd(server, expected, page):
    page.goto(
        server["url"] + "voila/render/penjelajah_hambatan.ipynb", wait_until="domcontentloaded"
    )
    page.wait_for_selector(".kinerja-kontrol-jenis_layanan select")
    page.wait_for_selector(".kinerja-bagian-hambatan_ringkasan table")
    kode_label = page.evaluate(_SELECTED, "kode_opd")
    kode = next(v for lab, v in expected["options"].opd if lab == kode_label)
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.kinerja-kontrol-jenis_layanan option')]"
        ".map(o => o.value)"
    )
    assert shown == ["Semua layanan", *expected["options"].layanan.get(kode, [])]
    assert page.evaluate("() => window.__kinerja_xss") is None


def _status(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.mark.slow
def test_closing_the_page_shuts_its_kernel_down(server, browser):
    """The page's beforeunload shutdown carries the XSRF cookie and is accepted (no 403)."""
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.set_default_timeout(PAGE_MS)
    try:
        _open_form(pg, server["url"] + "voila/render/laporan_opd.ipynb")
        assert "_xsrf" in {c["name"] for c in ctx.cookies()}
        log = server["log"]
        before = log.read_text(errors="replace").count("Kernel shutdown:")
        pg.close(run_before_unload=True)
        deadline = time.monotonic() + 60
        while log.read_text(errors="replace").count("Kernel shutdown:") <= before:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        assert "403 POST /voila/api/shutdown" not in log.read_text(errors="replace")
    finally:
        ctx.close()


@pytest.mark.slow
def test_sources_and_data_files_are_refused(server, sample):
    base = server["url"]
    for path in (
        "voila/files/laporan_opd.ipynb",
        "voila/files/penjelajah_hambatan.ipynb",
        "voila/files/register_tindak_lanjut.ipynb",
        "voila/files/../data/opd.csv",
        "voila/files/" + str(sample / "opd.csv").lstrip("/"),
        "voila/files/" + str(sample / "skm.csv"),
        "voila/render/register_tindak_lanjut.ipynb",
        "voila/render/ikhtisar_data.ipynb",
    ):
        code, _ = _status(base + path)
        assert code in (403, 404), (path, code)
    # a notebook's model is listed without its source
    code, body = _status(base + "voila/api/contents/laporan_opd.ipynb")
    if code == 200:
        assert json.loads(body)["content"] is None
    # the cache parquet files live outside the served folder
    for parquet in (sample.parent / "reports").rglob("*.parquet"):
        code, _ = _status(base + "voila/files/" + str(parquet))
        assert code in (403, 404), (parquet, code)
        break
    # the rendered page carries no notebook source
    code, body = _status(base + "voila/render/ringkasan_kota.ipynb")
    assert code == 200
    assert (
        b"from kinerja.serve.notebook import show" not in body
        and b"show_ringkasan_kota" not in body
    )


@pytest.mark.slow
def test_server_listens_on_loopback_only(server):
    import psutil

    listening = [
        c
        for p in [psutil.Process(server["pid"])]
        for c in p.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening, "server tidak mendengarkan"
    assert {c.laddr.ip for c in listening} == {"127.0.0.1"}
    others = [
        a.address
        for addrs in psutil.net_if_addrs().values()
        for a in addrs
        if a.family == socket.AF_INET and not a.address.startswith("127.")
    ]
    for ip in others:
        with socket.socket() as s, pytest.raises(OSError):
            s.settimeout(5)
            s.connect((ip, server["port"]))


# ------------------------------------------------------------------------------ launcher (no browser)


def test_voila_config_keeps_the_safe_defaults(tmp_path):
    from kinerja.serve.app import voila_config

    cfg = voila_config(port=8899, root_dir=tmp_path)
    assert cfg["Voila"]["ip"] == "127.0.0.1"
    assert cfg["Voila"]["port_retries"] == 0
    assert cfg["Voila"]["root_dir"] == str(tmp_path)
    vc = cfg["VoilaConfiguration"]
    assert vc["strip_sources"] is True and vc["show_tracebacks"] is False
    assert vc["preheat_kernel"] is True and vc["default_pool_size"] >= 1
    import re

    def served(path: str) -> bool:
        allowed = any(re.fullmatch(p, path, re.IGNORECASE) for p in vc["file_allowlist"])
        denied = any(re.fullmatch(p, path, re.IGNORECASE) for p in vc["file_denylist"])
        return allowed and not denied

    assert served("img/grafik.png")
    for path in ("laporan_opd.ipynb", "x.py", "data/opd.csv", "a.parquet", ".rahasia/x.png"):
        assert not served(path), path
    assert cfg["VoilaExecutor"]["timeout"] > 0
    kmc = cfg["MappingKernelManager"]
    assert kmc["cull_idle_timeout"] > 0 and kmc["cull_interval"] > 0
    assert (
        voila_config(port=1, root_dir=tmp_path, preheat=False)["VoilaConfiguration"][
            "default_pool_size"
        ]
        == 0
    )


def test_only_form_notebooks_are_staged(tmp_path):
    from kinerja.domain.resources import notebooks_dir
    from kinerja.serve.app import FORM_NOTEBOOKS, stage_notebooks

    staged = stage_notebooks(notebooks_dir(), tmp_path / "nb")
    names = sorted(p.name for p in (tmp_path / "nb").iterdir())
    assert names == sorted(p.name for p in staged)
    assert set(names) <= set(FORM_NOTEBOOKS)
    assert "register_tindak_lanjut.ipynb" not in names
    assert "laporan_opd.ipynb" in names


def test_busy_port_is_refused_in_indonesian(tmp_path, capsys):
    import argparse

    from kinerja.serve.app import cli_app

    (tmp_path / "opd.csv").write_text("kode_opd,nama_opd\nA,B\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        rc = cli_app(argparse.Namespace(data=str(tmp_path), port=port, params=None))
    assert rc == 1
    assert "sedang dipakai" in capsys.readouterr().err


# ------------------------------------------------------------------------------ landing page, URL


def _external(urls: list[str]) -> list[str]:
    from urllib.parse import urlsplit

    return [
        u
        for u in urls
        if urlsplit(u).scheme in ("http", "https", "ws", "wss")
        and urlsplit(u).hostname != "127.0.0.1"
    ]


@pytest.mark.slow
def test_landing_page_lists_the_forms_in_indonesian_and_nothing_leaves_the_machine(server, browser):
    from kinerja.serve.landing import form_links

    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, locale="id-ID")
    pg = ctx.new_page()
    pg.set_default_timeout(PAGE_MS)
    requested: list[str] = []
    pg.on("request", lambda r: requested.append(r.url))
    try:
        pg.goto(server["url"], wait_until="load")
        assert pg.evaluate("() => document.documentElement.lang") == "id"
        assert "Formulir evaluasi kinerja" in pg.inner_text("h1")
        items = pg.evaluate(
            "() => [...document.querySelectorAll('.kinerja-formulir-item')].map(li => "
            "({title: li.querySelector('a').textContent, href: li.querySelector('a')"
            ".getAttribute('href'), text: li.querySelector('p').textContent}))"
        )
        expected_links = form_links()
        assert [i["title"] for i in items] == [f.title for f in expected_links]
        assert [i["href"] for i in items] == [f.href for f in expected_links]
        assert all(len(i["text"]) > 20 for i in items)  # a description for every form
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "app-beranda.png"))
        # follow the first link: the form page itself requests nothing outside 127.0.0.1 either
        pg.click(".kinerja-formulir-item a")
        pg.wait_for_selector(".kinerja-kontrol-kode_opd select")
        pg.wait_for_function(
            "() => { const o = document.querySelector('.kinerja-bagian-ikm');"
            " return !!o && o.innerText.trim().length > 0; }"
        )
        pg.wait_for_timeout(500)
        assert requested and not _external(requested), _external(requested)
    finally:
        with contextlib.suppress(Exception):
            pg.close(run_before_unload=True)
            pg.wait_for_timeout(300)
        ctx.close()


@pytest.mark.slow
def test_switching_opd_updates_the_url_and_the_copied_link_reopens_it(server, expected, page):
    from urllib.parse import parse_qs, urlsplit

    _open_form(page, server["url"] + "voila/render/laporan_opd.ipynb")
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.kinerja-kontrol-kode_opd option')].map(o => o.value)"
    )
    # the drop-down is sorted by name, the code beside it: "Dinas ... (DINKES)"
    assert labels == [lab for lab, _ in expected["options"].opd]
    keys = [lab.rsplit(" (", 1)[0].casefold() for lab in labels]
    assert keys == sorted(keys)
    current = page.evaluate(_SELECTED, "kode_opd")
    target_label = next(lab for lab in labels[3:] if lab != current)
    target = next(v for lab, v in expected["options"].opd if lab == target_label)
    before = page.evaluate(_REDRAWS)
    page.select_option(".kinerja-kontrol-kode_opd select", value=target_label)
    page.wait_for_function(
        "(k) => new URLSearchParams(location.search).get('kode_opd') === k", arg=target
    )
    page.wait_for_function(f"(n) => ({_REDRAWS})() > n", arg=before)
    copied = page.url
    query = parse_qs(urlsplit(copied).query)
    assert query["kode_opd"] == [target] and "periode" in query
    periode = query["periode"][0]

    ctx = page.context.browser.new_context(viewport={"width": 1200, "height": 900})
    other = ctx.new_page()
    other.set_default_timeout(PAGE_MS)
    try:
        _open_form(other, copied)
        other.wait_for_function(f"(v) => ({_SELECTED})('kode_opd') === v", arg=target_label)
        assert other.evaluate(_SELECTED, "periode") == _label(expected, "periode", periode)
        assert parse_qs(urlsplit(other.url).query)["kode_opd"] == [target]
    finally:
        with contextlib.suppress(Exception):
            other.close(run_before_unload=True)
            other.wait_for_timeout(300)
        ctx.close()


@pytest.mark.slow
def test_service_control_follows_into_the_url(server, expected, page):
    page.goto(
        server["url"] + "voila/render/penjelajah_hambatan.ipynb", wait_until="domcontentloaded"
    )
    page.wait_for_selector(".kinerja-kontrol-jenis_layanan select")
    page.wait_for_selector(".kinerja-bagian-hambatan_ringkasan table")
    services = page.evaluate(
        "() => [...document.querySelectorAll('.kinerja-kontrol-jenis_layanan option')]"
        ".map(o => o.value)"
    )
    current = page.evaluate(_SELECTED, "jenis_layanan")
    choice = next(s for s in services if s not in (current, "Semua layanan"))
    page.select_option(".kinerja-kontrol-jenis_layanan select", value=choice)
    page.wait_for_function(
        "(j) => new URLSearchParams(location.search).get('jenis_layanan') === j", arg=choice
    )
