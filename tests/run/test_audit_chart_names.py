"""Names in chart text (issue 12 item 3): a report kernel forked by a batch worker checks the
text of every chart against the names of the employees, not only NIP shapes.

The worker builds its personal-data gate once (it needs it anyway for the files it writes) and
installs it for charts before it forks the kernel; the forked kernel inherits it and builds
nothing (no name list is written to a file or passed as a parameter).
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pandas as pd
import pytest

from kinerja.protect import PersonalDataLeak, use_gate_for_charts
from kinerja.protect.gate import chart_gate
from kinerja.run import forkkernel, tasks

PEGAWAI = pd.DataFrame(
    {
        "nip": ["198001012005011001", "198502022010012002"],
        "nama": ["Budi Santoso", "Dra. Sri Wahyuni, M.Si."],
        "kode_opd": ["DINAS-UJI", "DINAS-UJI"],
    }
)


def _task(tmp_path: Path) -> tasks.NotebookTask:
    out = tmp_path / "out"
    out.mkdir()
    return tasks.NotebookTask(
        key="opd/DINAS-UJI",
        kind="opd",
        kode_opd="DINAS-UJI",
        title="uji",
        notebook=str(tmp_path / "tidak_ada.ipynb"),
        parameters={"cache_dir": str(tmp_path / "cache"), "audience": "forum"},
        ipynb=str(out / "opd" / "DINAS-UJI.ipynb"),
        html=str(out / "opd" / "DINAS-UJI.html"),
        slides=str(out / "opd" / "DINAS-UJI.slides.html"),
        out_dir=str(out),
        timeout=10,
        cwd=str(tmp_path),
    )


def _names_in_child(queue) -> None:
    """In a forked child (as a kernel): does the inherited chart gate know the names?"""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kinerja.protect import check_figure

    fig, ax = plt.subplots()
    ax.bar(["SANTOSO, Budi", "lain"], [1, 2])
    fig.canvas.draw()
    try:
        check_figure(fig, name="uji")
    except PersonalDataLeak as exc:
        queue.put(str(exc))
    else:
        queue.put("")


@pytest.fixture(autouse=True)
def _reset_chart_gate():
    yield
    use_gate_for_charts(None)
    tasks._GATES.clear()


def test_worker_installs_its_gate_for_forked_kernels(tmp_path, monkeypatch):
    seen = {}

    def fake_execute(*args, **kwargs):  # what a kernel forked at this moment would inherit
        seen["names"] = chart_gate().scan("grafik petugas Budi Santoso")
        seen["manager"] = kwargs.get("kernel_manager_class")
        raise RuntimeError("berhenti di sini")

    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", fake_execute)
    monkeypatch.setattr(tasks, "_read_pegawai", lambda cache_dir: PEGAWAI)
    monkeypatch.setattr(forkkernel, "_PRELOADED", ["kinerja.protect"])
    use_gate_for_charts(None)
    assert chart_gate().scan("grafik petugas Budi Santoso") == []  # NIP shapes only
    result = tasks.execute_one(_task(tmp_path))
    assert "berhenti di sini" in (result.get("error") or "")
    assert seen["manager"] == "kinerja.run.forkkernel.ForkingKernelManager"
    assert [h.kind for h in seen["names"]] == ["nama"]


def test_a_forked_child_checks_chart_text_for_names():
    from kinerja.protect import PersonalDataGate

    use_gate_for_charts(PersonalDataGate.from_pegawai(PEGAWAI))
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_names_in_child, args=(queue,))
    child.start()
    message = queue.get(timeout=60)
    child.join(timeout=60)
    assert "B*** S******" in message and "Santoso" not in message
