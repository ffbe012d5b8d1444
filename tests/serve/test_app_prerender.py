"""``kinerja app``'s background pre-render: default OPD first, readable by a kernel, stoppable.

No browser: the pre-render child is started as the app starts it, on the shared session sample
(``sample_dir``). It starts a child process with its own workers: marked ``slow``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(900)

#: Deadline for the first pre-rendered selection (child start, spawn worker, data, 8 sections).
FIRST_DEADLINE = 600


@pytest.fixture(scope="module")
def prepared(sample_dir, tmp_path_factory) -> tuple[Path, Path]:
    from kinerja.serve.app import prepare_cache

    base = tmp_path_factory.mktemp("prerender")
    cache = prepare_cache(sample_dir, out_dir=base / "reports", log=lambda m: None)
    return sample_dir, cache


def _gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow
def test_prerender_writes_the_default_selection_first_and_stops_with_its_workers(prepared):
    from kinerja.serve import forms
    from kinerja.serve.app import form_cache_dir, prepare_cache, start_prerender, stop_prerender

    data_dir, cache = prepared
    root = form_cache_dir(cache)
    assert not root.is_relative_to(cache)  # never inside the batch's checked cache folder
    env = {forms.ENV_CACHE_DIR: str(cache), forms.ENV_DATA_DIR: str(data_dir)}
    child = start_prerender(cache, root, data_dir=data_dir, env=env, jobs=1, nice=5)
    try:
        # what a kernel of the app sees: the default selection of the report form on disk
        forms.clear_memo()
        rd = forms.get_data(cache, data_dir)
        name = "laporan_opd"
        sections = forms.form_definitions()[name].sections()
        rc = forms.render_cache_for(name, rd, sections, {forms.ENV_FORM_CACHE: str(root)})
        first = forms.prerender_selections(rd, name)[0]
        deadline = time.monotonic() + FIRST_DEADLINE
        while not rc.has(first):
            assert child.poll() is None, "pra-render berhenti sebelum pilihan pertama"
            assert time.monotonic() < deadline, "pilihan bawaan tidak dipra-render"
            time.sleep(0.5)
        stored = rc.get(first)
        assert stored is not None and set(stored) == {s.key for s in sections}
        opts_defaults = rc.get_meta({"kode_opd": None, "periode": None, "jenis_layanan": None})
        assert opts_defaults is not None
        assert opts_defaults[1]["kode_opd"] == first.kode_opd
    finally:
        stop_prerender(child)
    assert child.poll() is not None
    deadline = time.monotonic() + 30
    while not _gone(child.pid):  # the spawn workers are in the child's process group
        assert time.monotonic() < deadline, "proses pekerja pra-render masih hidup"
        time.sleep(0.5)
    # the batch's cache is still intact: reused, not rebuilt, with the form cache beside it
    said: list[str] = []
    again = prepare_cache(data_dir, out_dir=cache.parent.parent, log=said.append)
    assert again == cache
    assert said[0].startswith("Memakai cache data yang sudah ada"), said
    assert root.is_dir() and any(root.rglob("*.json"))


def test_form_cache_dir_keeps_only_the_current_cache(tmp_path):
    from kinerja.serve.app import form_cache_dir

    old = form_cache_dir(tmp_path / "reports" / "_cache" / "lama")
    (old / "x.json").write_text("{}")
    new = form_cache_dir(tmp_path / "reports" / "_cache" / "baru")
    assert new == tmp_path / "reports" / "_formulir" / "baru" and new.is_dir()
    assert not old.exists()
