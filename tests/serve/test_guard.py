"""``kinerja app``'s guards without a server: Host names, the kernel cap, pages, death signal."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from kinerja.serve.guard import (
    KernelSlots,
    forbidden_host_page,
    full_page,
    host_allowed,
    host_name,
)


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST:8866", "127.0.0.1", "127.0.0.1:8866", "[::1]:8866", "[::1]"],
)
def test_loopback_hosts_pass(host):
    assert host_allowed(host)


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8866",
        "localhost.evil.example",
        "127.0.0.1.nip.io:8866",
        "127.1",
        "0x7f000001",
        "192.168.1.5:8866",
        "",
        None,
        "[::1]evil",
        "localhost:http",
        "[::1:8866",
    ],
)
def test_other_hosts_are_refused(host):
    assert not host_allowed(host)


def test_host_name_strips_port_and_brackets():
    assert host_name("LocalHost:8866") == "localhost"
    assert host_name("[::1]:80") == "::1"
    assert host_name("0:0:0:0:0:0:0:1") == "0:0:0:0:0:0:0:1"
    assert host_allowed("0:0:0:0:0:0:0:1")  # ::1 written out


class _Manager:
    """Stand-in for Voila's kernel manager: running kernel ids and pools of start tasks."""

    def __init__(self, running: int = 0, pending: int = 0, ready: int = 0) -> None:
        self.ids = [f"k{i}" for i in range(running)]
        loop = asyncio.new_event_loop()
        fut_pending = [loop.create_future() for _ in range(pending)]
        fut_ready = [loop.create_future() for _ in range(ready)]
        for f in fut_ready:
            f.set_result({"kernel_id": "x"})
        self._pools = {"laporan_opd.ipynb": fut_pending + fut_ready}
        self._loop = loop

    def list_kernel_ids(self) -> list[str]:
        return list(self.ids)


def test_kernel_slots_admit_up_to_the_cap_and_count_pending_pool_kernels():
    km = _Manager(running=2, pending=1)
    slots = KernelSlots(5)
    assert KernelSlots.kernels_held(km) == 3  # a pre-heated kernel on its way counts
    first, second = slots.reserve(km), slots.reserve(km)
    assert first is not None and second is not None
    assert slots.reserve(km) is None  # 3 held + 2 reserved = 5
    assert slots.refused == 1
    slots.release(first)
    slots.release(first)  # idempotent
    assert slots.in_use(km) == 4
    third = slots.reserve(km)
    assert third is not None and slots.reserve(km) is None
    km.ids.append("k9")  # the reserved page's kernel is counted by the manager now ...
    slots.release(third)  # ... and its reservation released: still full
    assert slots.in_use(km) == 5 and slots.reserve(km) is None


def test_twelve_requests_at_once_get_at_most_the_cap():
    km = _Manager()
    slots = KernelSlots(8)
    got = [slots.reserve(km) for _ in range(12)]
    assert sum(r is not None for r in got) == 8 and slots.refused == 4


def test_kernel_slots_need_a_positive_cap():
    with pytest.raises(ValueError):
        KernelSlots(0)


def test_pages_are_indonesian_and_self_contained():
    full = full_page(8)
    assert "penuh" in full and "8" in full and 'lang="id"' in full
    assert "http://" not in full and "https://" not in full  # no external resource at all
    forbidden = forbidden_host_page()
    assert "ditolak" in forbidden and "127.0.0.1" in forbidden
    assert "<script" not in full and "<script" not in forbidden


def test_landing_page_lists_every_form_in_indonesian():
    from kinerja.report.registry import NOTEBOOKS
    from kinerja.serve.landing import FORM_DESCRIPTIONS, form_links, landing_page

    links = form_links()
    assert [link.name for link in links] == [n for n, s in NOTEBOOKS.items() if s.form]
    assert set(FORM_DESCRIPTIONS) == {link.name for link in links}  # a line for every form
    page = landing_page(links)
    for link in links:
        assert f'href="/voila/render/{link.name}.ipynb"' in page
        assert link.title in page
    assert 'lang="id"' in page and "Formulir evaluasi kinerja" in page
    assert "<script" not in page and "https://" not in page and "http://" not in page


def test_landing_page_escapes_titles():
    from kinerja.serve.landing import FormLink, landing_page

    page = landing_page([FormLink("x", "<b>x</b>", "a & b", "/voila/render/x.ipynb")])
    assert "<b>x</b>" not in page and "&lt;b&gt;" in page and "a &amp; b" in page


def test_external_stylesheets_are_removed_and_the_url_script_injected():
    from kinerja.serve.handlers import URL_SYNC_SCRIPT, inject_head, strip_external_links

    head = (
        '<head><link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/x.css" type="text/css" />'
        "\n<link rel='stylesheet' href='//cdn.example/y.css'>"
        '<link rel="stylesheet" href="/voila/static/own.css"></head><body></body>'
    )
    out = inject_head(strip_external_links(head))
    assert "cdn." not in out and "/voila/static/own.css" in out
    assert out.index(URL_SYNC_SCRIPT) < out.index("</head>")
    assert "history.replaceState" in URL_SYNC_SCRIPT


def test_handler_table_replaces_the_tree_and_page_handlers():
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    from kinerja.serve.handlers import KinerjaVoilaHandler, LandingHandler, kinerja_handlers

    table = [
        ("/", TornadoVoilaTreeHandler, {"voila_configuration": None}),
        ("/voila/tree(.*)", TornadoVoilaTreeHandler, {"voila_configuration": None}),
        ("/voila/render/(.*)", TornadoVoilaHandler, {"config": 1}),
        ("/other", object),
    ]
    out = kinerja_handlers(table, forms=["laporan_opd"])
    classes = [e[1] for e in out]
    assert TornadoVoilaTreeHandler not in classes and TornadoVoilaHandler not in classes
    assert out[0][1] is LandingHandler and out[0][2]["forms"] == ("laporan_opd",)
    assert out[2] == ("/voila/render/(.*)", KinerjaVoilaHandler, {"config": 1})
    assert out[3] == ("/other", object)


def test_voila_config_token_and_cli_options(tmp_path):
    from kinerja.cli import build_parser
    from kinerja.serve.voila_config import voila_config

    assert "token" not in voila_config(port=1, root_dir=tmp_path)["Voila"]
    assert voila_config(port=1, root_dir=tmp_path, token="rahasia-123")["Voila"]["token"] == (
        "rahasia-123"
    )
    args = build_parser().parse_args(["app", "--token", "abcdefgh", "--max-kernels", "3"])
    assert args.token == "abcdefgh" and args.max_kernels == 3


@pytest.mark.parametrize(
    ("extra", "said"), [(["--max-kernels", "0"], "max-kernels"), (["--token", "abc"], "token")]
)
def test_bad_cap_or_token_is_refused_in_indonesian(tmp_path, capsys, extra, said):
    from kinerja.cli import build_parser
    from kinerja.serve.app import cli_app

    (tmp_path / "opd.csv").write_text("kode_opd,nama_opd\nA,B\n", encoding="utf-8")
    args = build_parser().parse_args(["app", "--data", str(tmp_path), "--port", "1", *extra])
    assert cli_app(args) == 2
    err = capsys.readouterr().err
    assert said in err and "minimal" in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_child_with_death_signal_dies_when_its_parent_is_killed(tmp_path):
    """A middle process starts a child that arms PR_SET_PDEATHSIG; SIGKILL of the middle one
    takes the child with it (what happens to the pre-render when the server is killed)."""
    import psutil

    pid_file = tmp_path / "kind.pid"
    child = textwrap.dedent(
        f"""
        import os, sys, time
        from kinerja.serve.lifecycle import die_with_parent
        die_with_parent(int(sys.argv[1]))
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        time.sleep(120)
        """
    )
    middle = textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", {child!r}, str(os.getpid())])
        time.sleep(120)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", middle])
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "proses anak tidak mulai"
            time.sleep(0.1)
        kid = int(pid_file.read_text())
        assert psutil.pid_exists(kid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _alive(kid):
            assert time.monotonic() < deadline, "proses anak masih hidup setelah induknya mati"
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_the_server_hands_its_code_version_to_every_process(monkeypatch):
    """Kernels and the pre-render use the server's code version (one key for the form cache),
    even when files change on disk while the server runs."""
    from kinerja.serve import render_cache

    handed = "ab" * 32
    monkeypatch.setattr(render_cache, "_CODE_VERSION", None)
    monkeypatch.setenv(render_cache.ENV_CODE_VERSION, handed)
    assert render_cache.code_version() == handed
    monkeypatch.setattr(render_cache, "_CODE_VERSION", None)
    monkeypatch.setenv(render_cache.ENV_CODE_VERSION, "nicht-hex")  # ignored: computed
    own = render_cache.code_version()
    assert own != handed and len(own) == 64 and int(own, 16) >= 0


def test_a_pre_heated_kernel_handed_to_a_page_counts_as_active_now():
    """The idle culler must not remove a pool kernel between hand-out and websocket connect."""
    import asyncio
    import datetime
    import types

    from kinerja.serve.handlers import track_kernel_starts

    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    kernel = types.SimpleNamespace(last_activity=old)

    class Manager:
        async def get_rendered_notebook(self, name):
            return "tugas", [], "k1"

        async def start_kernel(self, **kw):
            return "k2"

        def get_kernel(self, kid):
            assert kid == "k1"
            return kernel

    km = Manager()
    track_kernel_starts(km)
    assert asyncio.run(km.get_rendered_notebook("laporan_opd.ipynb")) == ("tugas", [], "k1")
    assert kernel.last_activity > old
    age = datetime.datetime.now(datetime.UTC) - kernel.last_activity
    assert age < datetime.timedelta(minutes=1)
    assert asyncio.run(km.start_kernel()) == "k2"  # a fresh kernel: nothing to mark
