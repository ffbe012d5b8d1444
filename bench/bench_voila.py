"""Voila forms in Chromium: first paint (cold / pre-heated), redraw latency, 10 sessions.

Not a test: prints a table and writes ``bench/_work/bench_voila.json``. Measured with Debian's
chromium driven by Playwright against ``kinerja app`` started as a subprocess (the real launcher:
stall patch, safe config, prepared cache).

Figures
-------
- ``numbers_frame_s`` (in every ``first_paint_*``; the headline): navigation start → the
  report's numbers are painted: the static preview ``kinerja app`` writes into the page
  (painted before Voila's JavaScript has loaded, :mod:`kinerja.serve.preview`) or the live IKM
  section, whichever shows first. Seen inside the page (:data:`FRAME_WATCH`): the start of the
  animation frame after the first one in which they are laid out and visible. Targets: ≤ 0.5 s
  pre-heated, ≤ 2 s cold. ``numbers_s`` is the same condition polled from Playwright (wall
  time from ``goto``); it comes later because Playwright's evaluations wait for the page's
  main thread, busy with Voila's JavaScript once the preview is parsed.
- ``first_paint_*``: navigation start → the form is usable (the OPD drop-down and the IKM section
  are rendered in the page). Also reported: the browser's first-contentful-paint and the time
  until the HTML document is complete. *cold* = ``KINERJA_APP_PREHEAT=0`` (every page view starts
  its kernel and runs the notebook); *pre-heated* = Voila's kernel pool (one per notebook,
  refilled after each view; the benchmark waits for the refill between views).
  *returning* = pre-heated, but one browser context for every view, primed by one untimed view
  (HTTP cache warm, as for a colleague who opened the form before). Both servers first wait for
  the app's background pre-render of the form sections (its duration is reported).
- ``redraw``: OPD drop-down change → every section redrawn on screen (the form's invisible
  ``.kinerja-selesai[data-redraw]`` marker advances), median of ≥ 5 with min–max; the kernel's own
  share (``data-ms``) and where it took the outputs from (``data-sumber``: ``disk`` =
  pre-rendered, ``langsung`` = live, ``memori``) are reported too. Two series on one page: a
  *pre-rendered* selection (OPDs of the default period) and a *live* one (OPDs of another period,
  after one untimed period change that computes that period's metrics). The headline
  ``voila_redraw_ms`` is the pre-rendered series only when every one of its redraws came from
  disk, else the live one; ``voila_redraw_kind`` says which.
- ``sessions``: N concurrent browser sessions open the report form at once (pre-heated server):
  pages served within the deadline, time to first paint each, RSS of every kernel process.

    .venv/bin/python bench/bench_voila.py                 # sample at full Salatiga scale
    .venv/bin/python bench/bench_voila.py --quick         # scale 0.05, fewer repetitions
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kinerja.report.pdf import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work"
CHROMIUM = os.environ.get("KINERJA_CHROMIUM", "/usr/bin/chromium")
ARGS = list(CHROMIUM_ARGS)  # the flags this machine's Chromium needs (kinerja.report.pdf)
NOTEBOOK = "laporan_opd.ipynb"
#: Seconds to wait for Voila to start refilling its pool (kinerja.serve.app.POOL_FILL_DELAY + margin).
POOL_REFILL_WAIT = 8.0
FORM_READY = (
    "() => { const s = document.querySelector('.kinerja-kontrol-kode_opd select');"
    " const o = document.querySelector('.kinerja-bagian-ikm');"
    " return !!s && !!o && o.innerText.trim().length > 0; }"
)
#: the report's numbers are on screen: the server-side preview (kinerja.serve.preview, painted
#: before the widget JavaScript) or the live form's IKM section, whichever is visible first
NUMBERS_VISIBLE = (
    "() => { for (const sel of ['.kinerja-pratinjau-mentah .kinerja-pratinjau-bagian-ikm',"
    " '.kinerja-bagian-ikm']) { const o = document.querySelector(sel);"
    " if (o && o.offsetParent !== null && o.innerText.trim().length > 0) return true; }"
    " return false; }"
)
#: Installed in every page before its first byte is parsed (``add_init_script``): from the first
#: animation frame on, checks NUMBERS_VISIBLE in every frame and records, navigation-relative, the
#: frame in which the numbers are laid out and the next frame's start (the first is painted by
#: then). Polling from Playwright (``wait_for_function``) cannot see this early: its evaluations
#: run on the page's main thread, which is busy with Voila's JavaScript from ~0.3 s on, so the
#: polled time is when Playwright got a turn, not when the numbers were painted.
FRAME_WATCH = (
    "(() => { window.__kinerja_angka = null; const seen = " + NUMBERS_VISIBLE + "; let hit = null;"
    " function frame(ts) { if (hit === null) { if (seen()) hit = performance.now(); }"
    " else { window.__kinerja_angka = {tata_letak: hit, dilukis: performance.now()}; return; }"
    " requestAnimationFrame(frame); }"
    " requestAnimationFrame(frame); })();"
)
FRAME_RESULT = "() => window.__kinerja_angka"
#: navigation start -> the frame after the next one (the numbers found by NUMBERS_VISIBLE are
#: painted by then)
NEXT_PAINT = (
    "() => new Promise(r => requestAnimationFrame(() =>"
    " requestAnimationFrame(() => r(performance.now()))))"
)
REDRAW_NO = (
    "() => { const m = document.querySelector('.kinerja-selesai');"
    " return m ? Number(m.dataset.redraw) : 0; }"
)
REDRAW_MS = (
    "() => { const m = document.querySelector('.kinerja-selesai');"
    " return m ? Number(m.dataset.ms) : null; }"
)
#: where the kernel took the last redraw from: "disk" (pre-rendered), "memori", "langsung" (live)
REDRAW_SOURCE = (
    "() => { const m = document.querySelector('.kinerja-selesai');"
    " return m ? (m.dataset.sumber || null) : null; }"
)
PRERENDER_DONE = "Pra-render formulir selesai"
#: the app's second pass (the quarters of the default year, kinerja.serve.prerender)
PRERENDER_MORE_DONE = "Pra-render triwulan selesai"
PRERENDER_FAILED = ("Pra-render formulir gagal", "Pra-render formulir tidak dapat dimulai")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``kinerja app`` as a subprocess in its own session (stopped with SIGTERM, then killed)."""

    def __init__(self, data: Path, *, preheat: bool, workdir: Path, deadline: float = 600) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = workdir / f"app-{'panas' if preheat else 'dingin'}.log"
        env = {
            # the second pre-render pass (quarters of the default year), for the quarter
            # redraws; KINERJA_APP_PRERENDER_TRIWULAN=0 in the environment leaves it out
            "KINERJA_APP_PRERENDER_TRIWULAN": "1",
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "KINERJA_APP_PREHEAT": "1" if preheat else "0",
        }
        with self.log.open("wb") as fh:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kinerja",
                    "app",
                    "--data",
                    str(data),
                    "--port",
                    str(self.port),
                ],
                cwd=workdir,
                stdout=fh,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        end = time.monotonic() + deadline
        while "siap di" not in self.text():
            if self.proc.poll() is not None or time.monotonic() > end:
                self.stop()
                raise RuntimeError("kinerja app tidak siap:\n" + self.text()[-3000:])
            time.sleep(0.3)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_prerender(self, deadline: float = 1800, *, more: bool = True) -> dict[str, Any]:
        """Wait for the app's background pre-render of the form sections (kinerja.serve.app);
        ``more``: also for its second pass (the quarters), so that no pre-render runs beside
        the timed views.

        Returns its log line and the wall time from this call; ``status`` is ``"mati"`` when
        the app runs without pre-render (``KINERJA_APP_PRERENDER=0``).
        """
        if os.environ.get("KINERJA_APP_PRERENDER") == "0":
            return {"status": "mati"}
        t0 = time.monotonic()
        end = t0 + deadline
        while True:
            text = self.text()
            for line in text.splitlines():
                if line.startswith(PRERENDER_MORE_DONE if more else PRERENDER_DONE):
                    return {"status": "selesai", "line": line, "waited_s": time.monotonic() - t0}
                if line.startswith(PRERENDER_FAILED):
                    return {"status": "gagal", "line": line}
            if self.proc.poll() is not None or time.monotonic() > end:
                return {"status": "tidak selesai dalam batas waktu"}
            time.sleep(0.5)

    def pool_fills(self, notebook: str = NOTEBOOK) -> int:
        return self.text().count(f"Kernel pool of {notebook} is filled")

    def wait_pool(self, count: int, deadline: float = 600) -> None:
        end = time.monotonic() + deadline
        while self.pool_fills() < count:
            if time.monotonic() > end:
                raise RuntimeError("pool kernel tidak terisi ulang dalam batas waktu")
            time.sleep(0.3)

    def wait_warm(self, deadline: float = 900, quiet: float = 1.5, threshold: float = 3.0) -> None:
        """Wait until every kernel is idle: a pre-heated kernel has run its notebook.

        Voila logs "pool filled" when the kernel *started*, not when its notebook has run, so
        the benchmark samples the kernels' CPU instead (all below ``threshold`` % for ``quiet`` s).
        """
        import psutil

        end = time.monotonic() + deadline
        while time.monotonic() < end:
            procs = self.kernels()
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    p.cpu_percent(None)
            time.sleep(quiet)
            busy = 0.0
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    busy = max(busy, p.cpu_percent(None))
            if procs and busy < threshold:
                return
        raise RuntimeError("kernel pra-panas tidak selesai dalam batas waktu")

    def kernels(self) -> list[Any]:
        import psutil

        try:
            server = psutil.Process(self.proc.pid)
            kids = server.children(recursive=True)
            server_cmd = server.cmdline()
        except psutil.Error:
            return []
        found = []
        for p in kids:  # a child may exit (or be a zombie) while we look
            with contextlib.suppress(psutil.Error):
                cmd = p.cmdline()
                # an ipykernel launched as a new interpreter, or one forked from the server
                # (kinerja.run.forkkernel: same command line as the server); not the pre-render
                if "ipykernel" in " ".join(cmd) or (cmd == server_cmd and p.ppid() == server.pid):
                    found.append(p)
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)


async def _paint(
    browser: Any, url: str, deadline_ms: int, ctx: Any | None = None
) -> dict[str, float]:
    """One page view: navigation → DOMContentLoaded → form usable; first contentful paint.

    ``ctx``: a browser context kept across views (a returning user: HTTP cache warm); default a
    fresh context per view (a first-time visitor, empty cache).
    """
    own = ctx is None
    if own:
        ctx = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await ctx.new_page()
    page.set_default_timeout(deadline_ms)
    await page.add_init_script(FRAME_WATCH)
    try:
        t0 = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=deadline_ms)
        await page.wait_for_function(NUMBERS_VISIBLE, timeout=deadline_ms, polling=20)
        t_numbers = time.perf_counter() - t0
        # laid out is not yet painted: two animation frames later the numbers are on screen
        # (frames do not run while a stylesheet blocks rendering); navigation-relative
        painted = await page.evaluate(NEXT_PAINT)
        await page.wait_for_load_state("domcontentloaded", timeout=deadline_ms)
        t_dom = time.perf_counter() - t0
        await page.wait_for_function(FORM_READY, timeout=deadline_ms, polling=20)
        t_form = time.perf_counter() - t0
        fcp = await page.evaluate(
            "() => { const e = performance.getEntriesByName('first-contentful-paint')[0];"
            " return e ? e.startTime / 1000 : null; }"
        )
        await page.wait_for_function(f"() => ({FRAME_RESULT})() !== null", timeout=deadline_ms)
        frames = await page.evaluate(FRAME_RESULT)
        return {
            "numbers_frame_s": frames["dilukis"] / 1000,
            "numbers_layout_s": frames["tata_letak"] / 1000,
            "form_s": t_form,
            "numbers_s": t_numbers,
            "numbers_painted_s": painted / 1000 if painted is not None else None,
            "dom_s": t_dom,
            "fcp_s": fcp,
        }
    finally:
        await _close(page, ctx if own else None)


async def _close(page: Any, ctx: Any) -> None:
    """Close like a user leaving: the page's beforeunload asks Voila to shut its kernel down."""
    with contextlib.suppress(Exception):
        await page.close(run_before_unload=True)
        await asyncio.sleep(0.5)
    if ctx is not None:
        await ctx.close()


def _stats(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


async def first_paint(
    browser: Any,
    server: Server,
    runs: int,
    *,
    preheat: bool,
    used: int = 0,
    returning: bool = False,
) -> dict:
    """``runs`` page views; ``used`` pre-heated kernels were taken before; ``returning``: one
    browser context for all views, primed by one untimed view (HTTP cache warm)."""
    rows = []
    ctx = None
    url = server.url + "voila/render/" + NOTEBOOK
    if returning:
        ctx = await browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        views = runs + (1 if returning else 0)
        for i in range(views):
            if preheat:
                server.wait_pool(used + i + 1)  # a kernel was started for the pool again ...
                server.wait_warm()  # ... and has run the notebook
            row = await _paint(browser, url, 300_000, ctx)
            if not (returning and i == 0):  # the priming view is not counted
                rows.append(row)
            if not preheat:
                await asyncio.sleep(1.0)  # let the page's kernel shut down
    finally:
        if ctx is not None:
            await ctx.close()
    return {
        "form_s": _stats([r["form_s"] for r in rows]),
        "numbers_s": _stats([r["numbers_s"] for r in rows]),
        "numbers_frame_s": _stats([r["numbers_frame_s"] for r in rows]),
        # conservative: the later of that frame and the browser's first contentful paint (the
        # server's preview is the page's first content; on a loaded machine the compositor
        # may present a frame later than the main thread finished it)
        "numbers_screen_s": _stats([max(r["numbers_frame_s"], r["fcp_s"] or 0.0) for r in rows]),
        "numbers_painted_s": _stats(
            [r["numbers_painted_s"] for r in rows if r["numbers_painted_s"] is not None]
        ),
        "fcp_s": _stats([r["fcp_s"] for r in rows if r["fcp_s"] is not None]),
        "dom_s": _stats([r["dom_s"] for r in rows]),
        "runs": rows,
    }


def _opds_with_survey(data: Path, k: int = 5) -> set[str]:
    """OPD codes with at least ``k`` SKM responses (their IKM section shows a table and chart)."""
    import pandas as pd

    path = data / "skm.csv"
    if not path.exists():
        return set()
    counts = pd.read_csv(path, usecols=["kode_opd"], dtype=str)["kode_opd"].value_counts()
    return set(counts[counts >= k].index)


WATCH_IKM = """() => {
  window.__ikm_t = null;
  const o = document.querySelector('.kinerja-bagian-ikm');
  const mo = new MutationObserver(() => {
    if (window.__ikm_t === null) { window.__ikm_t = performance.now(); mo.disconnect(); }
  });
  mo.observe(o, {childList: true, subtree: true, characterData: true});
  return performance.now();
}"""


async def _redraw_series(page: Any, targets: list[str]) -> dict[str, Any]:
    """OPD changes to ``targets`` (one at a time); per change: browser ms, kernel ms, source.

    The first DOM change inside the IKM section (table + chart replaced) is seen by a
    MutationObserver: it works even when two OPDs render identical HTML (no SKM data).
    """
    rows = []
    for target in targets:
        before = await page.evaluate(REDRAW_NO)
        start = await page.evaluate(WATCH_IKM)
        t0 = time.perf_counter()
        await page.select_option(".kinerja-kontrol-kode_opd select", value=target)
        await page.wait_for_function(
            f"(n) => window.__ikm_t !== null || ({REDRAW_NO})() > n", arg=before, polling=10
        )
        await page.wait_for_function(f"(n) => ({REDRAW_NO})() > n", arg=before, polling=10)
        browser_ms = (time.perf_counter() - t0) * 1000
        t_ikm = await page.evaluate("() => window.__ikm_t")
        rows.append(
            {
                "opd": target,
                "browser_ms": browser_ms,
                # the IKM section changed (not identical for both OPDs)
                "ikm_chart_ms": (t_ikm - start) if t_ikm is not None else None,
                "kernel_ms": await page.evaluate(REDRAW_MS),
                "sumber": await page.evaluate(REDRAW_SOURCE),
            }
        )
    return _series_stats(rows)


def _series_stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "browser_ms": _stats([r["browser_ms"] for r in rows]),
        "kernel_ms": _stats([r["kernel_ms"] for r in rows if r["kernel_ms"] is not None]),
        "ikm_chart_ms": _stats([r["ikm_chart_ms"] for r in rows if r["ikm_chart_ms"] is not None]),
        "sumber": sorted({str(r["sumber"]) for r in rows}),
        "runs": rows,
    }


async def redraw(browser: Any, server: Server, runs: int, data: Path | None = None) -> dict:
    """Redraw latency of a pre-rendered selection and of a live one (same page, same kernel).

    *pre-rendered*: OPD changes in the default period (``kinerja app`` renders every OPD of the
    default period ahead, so the kernel reads the outputs from disk); *live*: OPD changes in
    another period, after one untimed period change (which computes that period's metric
    tables once): every section builder runs and draws its charts. Every change goes to an OPD
    not shown before in that period (no in-memory reuse); the kernel reports where each redraw
    came from (``sumber``: disk / langsung / memori), and the figures are labelled by it.
    """
    ctx = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await ctx.new_page()
    page.set_default_timeout(300_000)
    try:
        await page.goto(server.url + "voila/render/" + NOTEBOOK, wait_until="domcontentloaded")
        await page.wait_for_function(FORM_READY, polling=20)
        await page.wait_for_function(f"() => ({REDRAW_NO})() > 0", polling=20)
        values = await page.evaluate(
            "() => [...document.querySelectorAll('.kinerja-kontrol-kode_opd option')]"
            ".map(o => o.value)"
        )
        first = await page.evaluate(
            "() => document.querySelector('.kinerja-kontrol-kode_opd select').value"
        )
        # the pool refill triggered by this page runs its notebook now; measure after it
        # (otherwise a cold kernel's start-up shares the 2 cores with the redraws)
        await asyncio.sleep(POOL_REFILL_WAIT)
        server.wait_warm()
        with_survey = _opds_with_survey(data) if data is not None else set()
        preferred = [v for v in values if v.rsplit("(", 1)[-1].rstrip(")") in with_survey]
        if len(preferred) >= 2 * runs + 1:
            values = preferred
        values = [v for v in values if v != first] or values
        pre_targets = [values[(i * 7 + 3) % len(values)] for i in range(runs)]
        live_targets = [values[(i * 7 + 5) % len(values)] for i in range(runs)]
        pre = await _redraw_series(page, pre_targets)

        # another period: its first redraw computes the period's metrics (untimed here)
        periods = await page.evaluate(
            "() => [...document.querySelectorAll('.kinerja-kontrol-periode option')]"
            ".map(o => o.value)"
        )
        current = await page.evaluate(
            "() => document.querySelector('.kinerja-kontrol-periode select').value"
        )
        others = [p for p in periods if p != current]
        # live: a month (kinerja app pre-renders the default period and its year's quarters,
        # not the months); then a quarter, pre-rendered by the app's second pass
        # the options carry the labels the user reads ("Triwulan I 2025", "Januari 2025",
        # "Tahun 2025"), not the period codes
        quarter = next((p for p in others if p.startswith("Triwulan")), None)
        other = next(
            (p for p in others if not p.startswith(("Triwulan", "Tahun")) and p[-4:].isdigit()),
            None,
        )

        async def switch(period: str) -> float:
            before = await page.evaluate(REDRAW_NO)
            t0 = time.perf_counter()
            await page.select_option(".kinerja-kontrol-periode select", value=period)
            await page.wait_for_function(f"(n) => ({REDRAW_NO})() > n", arg=before, polling=20)
            return (time.perf_counter() - t0) * 1000

        live: dict[str, Any] = {}
        switch_ms = quarter_switch_ms = None
        if other is not None:
            switch_ms = await switch(other)
            live = await _redraw_series(page, live_targets)
        pre_quarter: dict[str, Any] = {}
        if quarter is not None:
            quarter_switch_ms = await switch(quarter)
            pre_quarter = await _redraw_series(page, pre_targets)
        return {
            "prerendered": pre,
            "prerendered_quarter": pre_quarter,
            "quarter_period": quarter,
            "quarter_switch_ms": quarter_switch_ms,
            "live": live,
            "live_period": other,
            "period_switch_ms": switch_ms,
        }
    finally:
        await _close(page, ctx)


async def sessions_alive(browser: Any, server: Server, n: int, deadline_s: float) -> dict:
    """N concurrent sessions that stay open while kernel memory is sampled."""
    url = server.url + "voila/render/" + NOTEBOOK
    ctxs = [await browser.new_context(viewport={"width": 1000, "height": 800}) for _ in range(n)]
    pages = [await c.new_page() for c in ctxs]

    async def one(page: Any) -> dict:
        try:
            t0 = time.perf_counter()
            await page.goto(url, wait_until="domcontentloaded", timeout=int(deadline_s * 1000))
            await page.wait_for_function(FORM_READY, timeout=int(deadline_s * 1000), polling=50)
            return {"ok": True, "form_s": time.perf_counter() - t0}
        except Exception as exc:
            return {"ok": False, "error": type(exc).__name__}

    try:
        t0 = time.perf_counter()
        results = await asyncio.gather(*(one(p) for p in pages))
        wall = time.perf_counter() - t0
        procs = server.kernels()
        rss = [p.memory_info().rss / 2**20 for p in procs]
        import psutil

        server_rss = psutil.Process(server.proc.pid).memory_info().rss / 2**20
    finally:
        for pg, c in zip(pages, ctxs, strict=True):
            await _close(pg, c)
    ok = [r for r in results if r["ok"]]
    return {
        "sessions": n,
        "pages_served": len(ok),
        "wall_s": wall,
        "form_s": _stats([r["form_s"] for r in ok]),
        "form_s_each": sorted(round(r["form_s"], 2) for r in ok),
        "errors": [r.get("error") for r in results if not r["ok"]],
        "kernels": len(rss),
        "kernel_rss_mb": _stats(rss),
        "kernel_rss_total_mb": sum(rss),
        "server_rss_mb": server_rss,
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for pkg in ("voila", "ipywidgets", "pandas", "playwright", "jupyter_client", "ipykernel"):
        with contextlib.suppress(Exception):
            out[pkg] = version(pkg)
    with contextlib.suppress(Exception):
        out["chromium"] = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    return out


def _fmt(s: dict | None, unit: str = "s", scale: float = 1.0) -> str:
    if not s or s.get("median") is None:
        return "-"
    return f"{s['median'] * scale:.2f} {unit} ({s['min'] * scale:.2f}–{s['max'] * scale:.2f}, n={s['n']})"


async def screenshot(data: Path, target: Path, query: str) -> Path:
    """Save a small PNG of the report form (for the README): palette colours, < 300 KB."""
    from PIL import Image
    from playwright.async_api import async_playwright

    server = Server(data, preheat=True, workdir=WORK)
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                ctx = await browser.new_context(viewport={"width": 1100, "height": 760})
                page = await ctx.new_page()
                page.set_default_timeout(300_000)
                await page.goto(server.url + "voila/render/" + NOTEBOOK + query)
                await page.wait_for_function(FORM_READY)
                await page.wait_for_function(f"() => ({REDRAW_NO})() > 0")
                await page.wait_for_timeout(1500)  # the query's redraw, if any, lands
                raw = WORK / "formulir-raw.png"
                await page.screenshot(path=str(raw))
            finally:
                await browser.close()
    finally:
        server.stop()
    target.parent.mkdir(parents=True, exist_ok=True)
    img = Image.open(raw).convert("RGB").quantize(colors=64)
    img.save(target, optimize=True)
    return target


async def main_async(args: argparse.Namespace) -> dict:
    from playwright.async_api import async_playwright

    WORK.mkdir(parents=True, exist_ok=True)
    data = Path(args.data) if args.data else None
    if data is None:
        data = WORK / f"sampel-voila-{args.scale}"
        if not (data / "opd.csv").exists():
            from kinerja.data import sample

            sample.generate(data, scale=args.scale)
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_start": os.getloadavg(),
            "platform": platform.platform(),
        },
        "versions": _versions(),
        "data": str(data),
        "scale": args.scale if not args.data else None,
    }
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            partial = WORK / "bench_voila.partial.json"
            if "cold" in args.parts:
                cold = Server(data, preheat=False, workdir=WORK)
                try:
                    result["prerender_cold_server"] = cold.wait_prerender(more=args.wait_more)
                    result["first_paint_cold"] = await first_paint(
                        browser, cold, args.runs, preheat=False
                    )
                    partial.write_text(json.dumps(result, indent=2, default=str), "utf-8")
                finally:
                    cold.stop()
            warm = Server(data, preheat=True, workdir=WORK)
            try:
                result["prerender"] = warm.wait_prerender(more=args.wait_more)
                used = 0  # pre-heated kernels taken so far
                if "warm" in args.parts:
                    result["first_paint_preheated"] = await first_paint(
                        browser, warm, args.runs, preheat=True
                    )
                    used += args.runs
                if "returning" in args.parts:
                    result["first_paint_preheated_returning"] = await first_paint(
                        browser, warm, args.runs, preheat=True, used=used, returning=True
                    )
                    used += args.runs + 1
                if "redraw" in args.parts:
                    warm.wait_pool(used + 1)
                    warm.wait_warm()
                    partial.write_text(json.dumps(result, indent=2, default=str), "utf-8")
                    result["redraw"] = await redraw(browser, warm, max(args.runs, 5), data)
                    partial.write_text(json.dumps(result, indent=2, default=str), "utf-8")
                    used += 1
                if "sessions" in args.parts:
                    warm.wait_pool(used + 1)
                    warm.wait_warm()
                    result["sessions"] = await sessions_alive(
                        browser, warm, args.sessions, args.session_deadline
                    )
            finally:
                warm.stop()
        finally:
            await browser.close()
    result["machine"]["load_avg_end"] = os.getloadavg()
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="folder data (bawaan: sampel dibuat di _work)")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--session-deadline", type=float, default=300.0)
    ap.add_argument("--quick", action="store_true", help="skala 0.05 (jika --data tidak diberi)")
    ap.add_argument(
        "--parts",
        default="cold,warm,returning,redraw,sessions",
        type=lambda t: set(t.split(",")),
        help="bagian yang diukur (cold,warm,returning,redraw,sessions)",
    )
    ap.add_argument(
        "--no-wait-more",
        dest="wait_more",
        action="store_false",
        help="jangan tunggu pra-render triwulan (lintasan kedua) sebelum mengukur",
    )
    ap.add_argument(
        "--screenshot", default=None, metavar="PNG", help="hanya simpan tangkapan layar"
    )
    ap.add_argument("--query", default="?kode_opd=DINKES", help="parameter URL tangkapan layar")
    args = ap.parse_args()
    if args.quick and not args.data:
        args.scale = 0.05
    if args.screenshot:
        data = Path(args.data) if args.data else WORK / f"sampel-voila-{args.scale}"
        if not (data / "opd.csv").exists():
            from kinerja.data import sample

            sample.generate(data, scale=args.scale)
        WORK.mkdir(parents=True, exist_ok=True)
        out = asyncio.run(screenshot(data, Path(args.screenshot), args.query))
        print(f"tangkapan layar: {out} ({out.stat().st_size / 1024:.0f} KB)")
        return 0
    res = asyncio.run(main_async(args))
    cold = res.get("first_paint_cold") or {}
    warm = res.get("first_paint_preheated") or {}
    back = res.get("first_paint_preheated_returning") or {}
    rd = res.get("redraw") or {}
    pre = rd.get("prerendered") or {}
    preq = rd.get("prerendered_quarter") or {}
    live = rd.get("live") or {}
    ss = res.get("sessions") or {}

    def med(part: dict, key: str) -> float | None:
        return (part.get(key) or {}).get("median")

    # the headline redraw is the pre-rendered selection only when the kernel really read it
    # from disk every time; otherwise the live figure, and the kind says which
    if pre and pre.get("sumber") == ["disk"]:
        kind, headline = "pra-render (disk)", pre
    elif live:
        kind, headline = "langsung (live)", live
    else:
        kind, headline = None, {}
    # a part not measured is null, never a made-up number
    res["summary"] = {
        "voila_numbers_visible_cold_s": med(cold, "numbers_frame_s"),
        "voila_numbers_visible_preheated_s": med(warm, "numbers_frame_s"),
        "voila_numbers_screen_cold_s": med(cold, "numbers_screen_s"),
        "voila_numbers_screen_preheated_s": med(warm, "numbers_screen_s"),
        "voila_numbers_polled_cold_s": med(cold, "numbers_s"),
        "voila_numbers_polled_preheated_s": med(warm, "numbers_s"),
        "voila_numbers_painted_cold_s": med(cold, "numbers_painted_s"),
        "voila_numbers_painted_preheated_s": med(warm, "numbers_painted_s"),
        "voila_first_paint_cold_s": med(cold, "form_s"),
        "voila_first_paint_preheated_s": med(warm, "form_s"),
        "voila_first_paint_preheated_returning_s": med(back, "form_s"),
        "voila_redraw_ms": med(headline, "browser_ms"),
        "voila_redraw_kind": kind,
        "voila_redraw_prerendered_ms": med(pre, "browser_ms") if pre else None,
        "voila_redraw_prerendered_source": pre.get("sumber"),
        "voila_redraw_quarter_ms": med(preq, "browser_ms") if preq else None,
        "voila_redraw_quarter_source": preq.get("sumber"),
        "voila_redraw_live_ms": med(live, "browser_ms") if live else None,
        "voila_redraw_live_first_chart_ms": med(live, "ikm_chart_ms") if live else None,
        "voila_redraw_live_source": live.get("sumber"),
        "voila_sessions_served": ss.get("pages_served"),
        "voila_kernel_rss_mb": med(ss, "kernel_rss_mb"),
    }
    out = WORK / "bench_voila.json"
    out.write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    rows = [
        ("numbers visible, cold (frame after layout)", _fmt(cold.get("numbers_frame_s")), "≤ 2 s"),
        ("  cold: later of that frame and FCP", _fmt(cold.get("numbers_screen_s")), ""),
        ("  cold: polled by Playwright (wall)", _fmt(cold.get("numbers_s")), ""),
        ("numbers visible, pre-heated (frame)", _fmt(warm.get("numbers_frame_s")), "≤ 0.5 s"),
        ("  pre-heated: later of that frame and FCP", _fmt(warm.get("numbers_screen_s")), ""),
        ("  pre-heated: polled by Playwright (wall)", _fmt(warm.get("numbers_s")), ""),
        ("numbers visible, returning (frame)", _fmt(back.get("numbers_frame_s")), "≤ 0.5 s"),
        ("  returning: polled by Playwright (wall)", _fmt(back.get("numbers_s")), ""),
        ("first paint, cold (form usable)", _fmt(cold.get("form_s")), "≤ 2 s"),
        ("  cold: first contentful paint", _fmt(cold.get("fcp_s")), ""),
        ("first paint, pre-heated (form usable)", _fmt(warm.get("form_s")), "≤ 0.2 s"),
        ("  pre-heated: first contentful paint", _fmt(warm.get("fcp_s")), ""),
        ("  pre-heated: HTML document loaded", _fmt(warm.get("dom_s")), ""),
        ("pre-heated, returning browser (form usable)", _fmt(back.get("form_s")), "≤ 0.2 s"),
        ("  returning: first contentful paint", _fmt(back.get("fcp_s")), ""),
        (
            f"OPD change, pre-rendered → all redrawn [{','.join(pre.get('sumber', []))}]",
            _fmt(pre.get("browser_ms"), "ms"),
            "≤ 300 ms",
        ),
        ("  of which kernel", _fmt(pre.get("kernel_ms"), "ms"), ""),
        (
            f"OPD change, quarter {rd.get('quarter_period')} → all redrawn "
            f"[{','.join(preq.get('sumber', []))}]",
            _fmt(preq.get("browser_ms"), "ms"),
            "≤ 300 ms",
        ),
        ("  of which kernel", _fmt(preq.get("kernel_ms"), "ms"), ""),
        (
            f"OPD change, live ({rd.get('live_period')}) → IKM redrawn",
            _fmt(live.get("ikm_chart_ms"), "ms"),
            "≤ 300 ms",
        ),
        (
            f"OPD change, live → all redrawn [{','.join(live.get('sumber', []))}]",
            _fmt(live.get("browser_ms"), "ms"),
            "≤ 300 ms",
        ),
        ("  of which kernel", _fmt(live.get("kernel_ms"), "ms"), ""),
    ]
    if ss:
        rows += [
            (
                f"{ss['sessions']} concurrent sessions: pages served",
                f"{ss['pages_served']}/{ss['sessions']} in {ss['wall_s']:.1f} s",
                "all",
            ),
            ("  time to form, each session", _fmt(ss["form_s"]), ""),
            (
                "  RSS per kernel",
                _fmt(ss["kernel_rss_mb"], "MB") + f", {ss['kernels']} kernels",
                "",
            ),
            (
                "  RSS all kernels / server",
                f"{ss['kernel_rss_total_mb']:.0f} MB / {ss['server_rss_mb']:.0f} MB",
                "",
            ),
        ]
    w = max(len(r[0]) for r in rows)
    m = res["machine"]
    print(
        f"Voila (kinerja app), data {res['data']}; "
        f"load avg start {m['load_avg_start']}, end {m['load_avg_end']}"
    )
    for name, val, target in rows:
        print(f"{name:<{w}}  {val:<44} {target}")
    for part in ("prerender_cold_server", "prerender"):
        if res.get(part):
            print(f"{part}: {res[part]}")
    print(f"headline voila_redraw_ms = {res['summary']['voila_redraw_ms']} ({kind})")
    print(f"ditulis: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
