"""Kernels forked from a pre-imported worker (kinerja.run.forkkernel): fresh, isolated, killable.

Each scenario runs in its own Python process (the "worker"), because forking the pytest process
itself would copy pytest's state into the kernels.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from kinerja.run import forkkernel

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork tidak tersedia")

ROOT = Path(__file__).resolve().parents[2]

PROBE = """\
import os, sys, json
import matplotlib.pyplot as plt
state = {
    "pid": os.getpid(),
    "ppid": os.getppid(),
    "pgid": os.getpgid(0),
    "cwd": os.getcwd(),
    "report_preloaded": "kinerja.serve.notebook" in sys.modules,
    "leak": globals().get("LEAK", "tidak ada"),
    "backend": plt.get_backend(),
    "stdin_tty": os.isatty(0),
}
LEAK = "dari notebook sebelumnya"
fig, ax = plt.subplots()
ax.plot([1, 2, 3])
print(json.dumps(state))
"""


def _notebook(path: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


def _worker(script: str, tmp_path: Path, timeout: float = 240, *, papermill: bool = True) -> dict:
    """Run ``script`` in a fresh worker process; it prints one JSON line last."""
    code = textwrap.dedent(
        """
        import json, os, sys
        sys.path.insert(0, {root!r})
        from kinerja.run import forkkernel
        FORK = "kinerja.run.forkkernel.ForkingKernelManager"
        """
    ).format(root=str(ROOT))
    if papermill:
        code += "import papermill as pm\n"
    code += textwrap.dedent(script)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MPLBACKEND", None)
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=tmp_path,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def _probe(nb_path: Path) -> dict:
    nb = nbformat.read(nb_path, as_version=4)
    outs = nb.cells[0].outputs
    text = "".join(o.get("text", "") for o in outs if o.get("output_type") == "stream")
    state = json.loads(text.strip().splitlines()[-1])
    state["images"] = sum(1 for o in outs if "image/png" in o.get("data", {}))
    return state


@pytest.mark.slow
def test_kernels_are_forked_fresh_and_isolated(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "probe.ipynb", PROBE)
    work = tmp_path / "kerja"
    work.mkdir()
    res = _worker(
        f"""
        forkkernel.preload()
        for i in (1, 2):
            pm.execute_notebook({str(nb)!r}, f"out{{i}}.ipynb", kernel_name="python3",
                                progress_bar=False, cwd={str(work)!r}, kernel_manager_class=FORK)
        print(json.dumps({{"pid": os.getpid(), "preloaded": forkkernel.preloaded()}}))
        """,
        tmp_path,
    )
    first, second = _probe(tmp_path / "out1.ipynb"), _probe(tmp_path / "out2.ipynb")
    assert "kinerja.serve.notebook" in res["preloaded"]
    for state in (first, second):
        assert state["ppid"] == res["pid"]  # forked by the worker, not started by a launcher
        assert state["pid"] != res["pid"]
        assert state["pgid"] == state["pid"]  # own process group: signals reach only it
        assert state["report_preloaded"] is True  # imports came with the fork
        assert Path(state["cwd"]) == work
        assert state["backend"] == "module://matplotlib_inline.backend_inline"
        assert state["images"] == 1  # the figure is drawn inline as in a normal kernel
        assert state["stdin_tty"] is False
    assert first["pid"] != second["pid"]
    # a variable from the first notebook does not exist in the second: a fresh kernel each time
    assert first["leak"] == "tidak ada" and second["leak"] == "tidak ada"


@pytest.mark.slow
def test_timed_out_kernel_is_stopped_and_the_worker_goes_on(tmp_path: Path) -> None:
    slow = _notebook(
        tmp_path / "lambat.ipynb",
        "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(120)",
    )
    probe = _notebook(tmp_path / "probe.ipynb", PROBE)
    res = _worker(
        f"""
        import psutil
        forkkernel.preload()
        err = None
        try:
            pm.execute_notebook({str(slow)!r}, "lambat-out.ipynb", kernel_name="python3",
                                progress_bar=False, execution_timeout=3,
                                kernel_manager_class=FORK)
        except Exception as exc:
            err = type(exc).__name__
        kids = [p.pid for p in psutil.Process().children(recursive=True)
                if p.status() != psutil.STATUS_ZOMBIE]
        pm.execute_notebook({str(probe)!r}, "probe-out.ipynb", kernel_name="python3",
                            progress_bar=False, kernel_manager_class=FORK)
        print(json.dumps({{"err": err, "kids_after_timeout": kids}}))
        """,
        tmp_path,
    )
    assert res["err"] is not None  # papermill reports the timeout
    assert res["kids_after_timeout"] == []  # the hung kernel was killed, not orphaned
    assert _probe(tmp_path / "probe-out.ipynb")["images"] == 1  # the next notebook still runs


@pytest.mark.slow
def test_disabled_or_unavailable_fork_uses_a_normal_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINERJA_FORK_KERNEL", "0")
    assert forkkernel.fork_available() is False
    nb = _notebook(tmp_path / "probe.ipynb", PROBE)
    res = _worker(
        f"""
        forkkernel.preload(["json"])
        pm.execute_notebook({str(nb)!r}, "out.ipynb", kernel_name="python3",
                            progress_bar=False, kernel_manager_class=FORK)
        print(json.dumps({{"pid": os.getpid()}}))
        """,
        tmp_path,
    )
    state = _probe(tmp_path / "out.ipynb")
    assert state["pid"] != res["pid"]
    assert state["report_preloaded"] is False  # a new interpreter, nothing inherited
    assert state["images"] == 1


def test_kernel_argv_is_taken_from_the_ipykernel_command() -> None:
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "/tmp/k.json"]
    assert forkkernel.kernel_argv(cmd) == ["-f", "/tmp/k.json"]
    with pytest.raises(ValueError, match="bukan perintah ipykernel"):
        forkkernel.kernel_argv(["R", "--slave", "-e", "IRkernel::main()"])


def test_unused_format_grammar_is_not_imported_and_notebooks_still_validate(
    tmp_path: Path,
) -> None:
    res = _worker(
        """
        from kinerja.compat import jsonschema as jsonschema_compat
        blocked = jsonschema_compat.apply()
        import jsonschema, nbformat
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.validate(nb)
        bad = nbformat.v4.new_notebook()
        bad.cells = [{"cell_type": "kode"}]
        try:
            nbformat.validate(bad)
            invalid_rejected = False
        except nbformat.ValidationError:
            invalid_rejected = True
        print(json.dumps({"blocked": blocked, "imported": sys.modules.get("rfc3987_syntax") is not None,
                          "invalid_rejected": invalid_rejected}))
        """,
        tmp_path,
        papermill=False,
    )
    assert res == {"blocked": ["rfc3987_syntax"], "imported": False, "invalid_rejected": True}


@pytest.mark.slow
def test_parent_that_already_drew_with_agg_still_gives_inline_figures(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "probe.ipynb", PROBE)
    _worker(
        f"""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        plt.close(plt.figure())  # the worker itself drew once with Agg
        forkkernel.preload()
        pm.execute_notebook({str(nb)!r}, "out.ipynb", kernel_name="python3",
                            progress_bar=False, kernel_manager_class=FORK)
        print(json.dumps({{}}))
        """,
        tmp_path,
    )
    state = _probe(tmp_path / "out.ipynb")
    assert state["report_preloaded"] is True
    assert state["backend"] == "module://matplotlib_inline.backend_inline"
    assert state["images"] == 1


@pytest.mark.slow
def test_kernel_forked_from_a_traitlets_application_process(tmp_path: Path) -> None:
    """The Voila server is a traitlets Application singleton; its kernels must still start."""
    nb = _notebook(tmp_path / "probe.ipynb", PROBE)
    _worker(
        f"""
        from traitlets.config import Application
        class Server(Application):
            pass
        Server.instance()
        forkkernel.preload()
        pm.execute_notebook({str(nb)!r}, "out.ipynb", kernel_name="python3",
                            progress_bar=False, kernel_manager_class=FORK)
        assert isinstance(Application.instance(), Server)  # the parent keeps its own
        print(json.dumps({{}}))
        """,
        tmp_path,
    )
    state = _probe(tmp_path / "out.ipynb")
    assert state["report_preloaded"] is True and state["images"] == 1
