"""Tests of kinerja.compat.jupyter_client (no timings here: see bench/bench_stalls.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from queue import Empty

import pytest

from kinerja.compat import jupyter_client as jupyter_patch

NB = Path(__file__).resolve().parents[1] / "notebooks"
pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def patched():
    jupyter_patch.apply()
    yield
    jupyter_patch.apply()  # leave the process patched, as every notebook-running process is


def test_apply_is_idempotent_and_removable():
    from jupyter_client.channels import AsyncZMQSocketChannel

    jupyter_patch.undo()
    original = AsyncZMQSocketChannel.get_msg
    assert not jupyter_patch.is_applied()
    assert jupyter_patch.apply() is True
    patched_fn = AsyncZMQSocketChannel.get_msg
    assert patched_fn is not original and jupyter_patch.is_applied()
    assert jupyter_patch.apply() is False
    assert AsyncZMQSocketChannel.get_msg is patched_fn
    assert jupyter_patch.undo() is True
    assert AsyncZMQSocketChannel.get_msg is original
    jupyter_patch.apply()


def test_sliced_get_msg_keeps_the_contract(patched):
    """Empty after the deadline (several slices), message as soon as one arrives."""
    import zmq
    import zmq.asyncio
    from jupyter_client.channels import AsyncZMQSocketChannel
    from jupyter_client.session import Session

    async def scenario():
        ctx = zmq.asyncio.Context()
        session = Session(key=b"kunci")
        pull = ctx.socket(zmq.PULL)
        port = pull.bind_to_random_port("tcp://127.0.0.1")
        push = ctx.socket(zmq.PUSH)
        push.connect(f"tcp://127.0.0.1:{port}")
        channel = AsyncZMQSocketChannel(pull, session)
        try:
            with pytest.raises(Empty):
                await channel.get_msg(timeout=1.2)  # spans three slices
            with pytest.raises(Empty):
                await channel.get_msg(timeout=0)
            session.send(push, "execute_reply", {"status": "ok"})
            msg = await channel.get_msg(timeout=5)
            assert msg["content"] == {"status": "ok"}

            async def later():
                await asyncio.sleep(0.7)
                session.send(push, "status", {"execution_state": "idle"})

            task = asyncio.ensure_future(later())
            msg = await channel.get_msg(timeout=None)  # no deadline: waits across slices
            await task
            assert msg["content"]["execution_state"] == "idle"
        finally:
            push.close(0)
            pull.close(0)
            ctx.term()

    asyncio.run(scenario())


@pytest.mark.slow
def test_notebook_executes_with_patch(patched, tmp_path):
    import nbformat
    import papermill as pm

    out = tmp_path / "ok.ipynb"
    pm.execute_notebook(
        str(NB / "ok.ipynb"),
        str(out),
        parameters={"kode_opd": "UJI"},
        execution_timeout=60,
        progress_bar=False,
        kernel_name="python3",
    )
    nb = nbformat.read(out, as_version=4)
    texts = [
        o.get("data", {}).get("text/markdown", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    ]
    assert any("Laporan **UJI**" in t for t in texts)


@pytest.mark.slow
def test_timeout_still_fires_with_patch(patched, tmp_path):
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError

    with pytest.raises(CellTimeoutError):
        pm.execute_notebook(
            str(NB / "slow.ipynb"),
            str(tmp_path / "slow.ipynb"),
            execution_timeout=2,
            progress_bar=False,
            kernel_name="python3",
        )
