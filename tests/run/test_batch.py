"""Tests of kinerja.run.batch on fixture notebooks (tests/notebooks/), independent of report content.

The fixture OPD codes choose a failure mode in ``laporan_fixture.ipynb``: ``ERR*`` raises,
``EXIT*`` calls sys.exit, ``SLOW*`` sleeps past the timeout, ``KILL*`` kills its own kernel.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kinerja.data.io import file_sha256
from kinerja.report.export import remote_references
from kinerja.run import batch, executors, tasks
from kinerja.run.batch import BatchError, run_batch
from kinerja.run.cache import prepare_cache

HERE = Path(__file__).resolve().parent
NB = HERE.parent / "notebooks"
DATA = NB / "data"
ROOT = HERE.parents[1]

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def params_dir(tmp_path):
    folder = tmp_path / "parameters"
    folder.mkdir()
    (folder / "default.yaml").write_text('periode: "2025-TW3"\nnotebook_timeout: 60\n')
    return folder


def _run(tmp_path, params_dir, opd, **kw):
    kw.setdefault("jobs", 2)
    kw.setdefault("progress", False)
    kw.setdefault("echo", False)
    return run_batch(
        DATA,
        tmp_path / "out",
        opd=opd,
        params_dir=params_dir,
        opd_notebook=kw.pop("opd_notebook", NB / "laporan_fixture.ipynb"),
        city_notebook=kw.pop("city_notebook", NB / "ringkasan_fixture.ipynb"),
        **kw,
    )


@pytest.mark.slow
def test_batch_outputs_manifest_and_isolated_failure(tmp_path, params_dir):
    res = _run(tmp_path, params_dir, ["OKA", "OKB", "ERR1", "EXIT1"])
    out = tmp_path / "out"
    by = {r["key"]: r for r in res.results}
    assert {k: by[k]["status"] for k in by} == {
        "opd/OKA": "ok",
        "opd/OKB": "ok",
        "opd/ERR1": "gagal",
        "opd/EXIT1": "gagal",
        "kota": "ok",
    }
    assert res.exit_code == 1
    assert "ValueError" in by["opd/ERR1"]["error"]
    assert "SystemExit" in by["opd/EXIT1"]["error"]

    # outputs of the successful reports: executed notebook, HTML, slides; all offline, code-free
    for code in ("OKA", "OKB"):
        for suffix in (".ipynb", ".html", ".slides.html"):
            assert (out / "opd" / f"{code}{suffix}").is_file()
        page = (out / "opd" / f"{code}.html").read_text()
        deck = (out / "opd" / f"{code}.slides.html").read_text()
        for doc in (page, deck):
            assert remote_references(doc) == []
            assert "data:image/png;base64," in doc
            assert "display(Image" not in doc and "kode_opd = " not in doc
            assert "jp-InputPrompt" not in doc.split("<body", 1)[1]
            assert f"Laporan <strong>{code}</strong> periode 2025-TW3" in doc
        assert "Reveal.initialize" in deck
        nb = nbformat.read(out / "opd" / f"{code}.ipynb", as_version=4)
        assert nb.metadata["papermill"]["parameters"]["kode_opd"] == code
    for name in ("ringkasan_kota.ipynb", "ringkasan_kota.html", "ringkasan_kota.slides.html"):
        assert (out / "kota" / name).is_file()

    # the failing report: executed notebook kept with the failing cell visible, no HTML
    failed = nbformat.read(out / "opd" / "ERR1.gagal.ipynb", as_version=4)  # issue 12
    errors = [
        o
        for c in failed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors and errors[0]["ename"] == "ValueError"
    assert not (out / "opd" / "ERR1.html").exists()

    # manifest: hashes of every input file, versions, timings, suppressed-cell counts
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "selesai"
    assert man["summary"] == {"total": 5, "ok": 3, "gagal": 2, "tidak_selesai": 0}
    for name, digest in man["inputs"]["data"].items():
        assert digest == file_sha256(DATA / name)
    assert set(man["inputs"]["data"]) == {"opd.csv", "pegawai.csv"}
    assert man["inputs"]["parameters"]["default.yaml"] == file_sha256(params_dir / "default.yaml")
    assert man["packages"]["papermill"] and man["packages"]["python"]
    assert man["suppressed_cells"]["opd/OKA"] == 2
    for r in man["notebooks"]:
        assert r["started"] and r["ended"] and r["duration_s"] is not None
        assert r["parameters"].get("periode") == "2025-TW3"
    assert man["cache"]["status"] == "dibuat"

    # index: offline, Indonesian, links every report, escapes error text
    index = (out / "index.html").read_text()
    assert remote_references(index) == []
    assert 'href="opd/OKA.html"' in index and 'href="opd/OKB.slides.html"' in index
    assert "gagal" in index and "ValueError" in index


@pytest.mark.slow
def test_timeout_and_killed_kernel_fail_only_their_opd(tmp_path, params_dir):
    res = _run(tmp_path, params_dir, ["OKA", "SLOW1", "KILL1"], timeout=5, include_city=False)
    by = {r["kode_opd"]: r for r in res.results}
    assert by["OKA"]["status"] == "ok"
    assert by["SLOW1"]["status"] == "gagal" and "batas waktu 5 detik" in by["SLOW1"]["error"]
    assert by["KILL1"]["status"] == "gagal" and "kernel" in by["KILL1"]["error"]
    assert res.exit_code == 1
    assert not list((tmp_path / "out" / "opd").glob(".*tmp*"))


@pytest.mark.slow
def test_rerun_reuses_cache_and_replaces_previous_outputs(tmp_path, params_dir):
    first = _run(tmp_path, params_dir, ["OKA", "OKB"], include_city=False)
    assert first.exit_code == 0
    out = tmp_path / "out"
    second = _run(tmp_path, params_dir, ["OKA"], include_city=False)
    assert second.exit_code == 0
    man = json.loads((out / "manifest.json").read_text())
    assert man["cache"]["status"] == "dipakai ulang"
    assert [r["kode_opd"] for r in man["notebooks"]] == ["OKA"]
    assert not (out / "opd" / "OKB.html").exists()  # files of the previous run removed
    assert (out / "opd" / "OKA.html").is_file()


def test_corrupted_cache_is_detected_and_rebuilt(tmp_path, params_dir):
    out = tmp_path / "out"
    out.mkdir()
    info = prepare_cache(DATA, out)
    victim = next(p for p in sorted(info.path.rglob("*.parquet")))
    victim.write_bytes(b"rusak")
    again = prepare_cache(DATA, out)
    assert again.status == "dibangun ulang" and "rusak" in again.note
    assert again.path == info.path
    assert prepare_cache(DATA, out).status == "dipakai ulang"


@pytest.mark.parametrize("code", ["../x", "a'b", 'a"b', "a/b", "..", "x y", "NOPE"])
def test_hostile_or_unknown_opd_is_refused_before_running(tmp_path, params_dir, code):
    with pytest.raises(BatchError):
        _run(tmp_path, params_dir, [code])
    assert not (tmp_path / "out" / "opd").exists()
    assert not (tmp_path / "x").exists()


def test_notebook_without_parameters_cell_is_refused(tmp_path, params_dir):
    with pytest.raises(BatchError, match="parameters"):
        _run(tmp_path, params_dir, ["OKA"], opd_notebook=NB / "no_parameters.ipynb")


@pytest.mark.slow
def test_invalid_opd_parameter_file_fails_that_opd_only(tmp_path, params_dir):
    (params_dir / "opd").mkdir()
    (params_dir / "opd" / "OKB.yaml").write_text("kode_opd: OKB\nwarna: merah\n")
    res = _run(tmp_path, params_dir, ["OKA", "OKB"], include_city=False)
    by = {r["kode_opd"]: r for r in res.results}
    assert by["OKA"]["status"] == "ok"
    assert by["OKB"]["status"] == "gagal" and "kunci tidak dikenal" in by["OKB"]["error"]


def test_readonly_output_folder_gives_clear_message(tmp_path, params_dir, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    if (
        os.geteuid() == 0
    ):  # root ignores permission bits: make the probe write fail as on a RO mount

        def read_only(*a, **k):
            raise OSError(errno.EROFS, "Read-only file system", str(out))

        monkeypatch.setattr(batch.tempfile, "mkstemp", read_only)
    try:
        with pytest.raises(BatchError, match="tidak dapat ditulis"):
            _run(tmp_path, params_dir, ["OKA"])
    finally:
        out.chmod(0o700)


def _task(out, cache, code="OKA", notebook="ok.ipynb", audience="forum"):
    return tasks.NotebookTask(
        key=f"opd/{code}",
        kind="opd",
        kode_opd=code,
        title="Uji",
        notebook=str(NB / notebook),
        parameters={"kode_opd": code, "audience": audience, "cache_dir": str(cache)},
        ipynb=str(out / "opd" / f"{code}.ipynb"),
        html=str(out / "opd" / f"{code}.html"),
        slides=str(out / "opd" / f"{code}.slides.html"),
        out_dir=str(out),
        timeout=60,
        cwd=str(NB),
    )


@pytest.mark.slow
def test_disk_full_during_export_fails_that_report_cleanly(tmp_path, monkeypatch):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", "x.html")

    out = tmp_path / "out"
    out.mkdir()
    cache = prepare_cache(DATA, out).path
    monkeypatch.setattr(tasks, "_write_output", full)
    (out / "opd").mkdir()
    (out / "opd" / "OKA.html").write_text("laporan lama")  # stale page of an earlier run
    res = tasks.run_one(_task(out, cache))
    assert res["status"] == "gagal" and "ruang disk penuh" in res["error"]
    # the previous good set stays; nothing of the failed set is moved into place (issue 12)
    assert (out / "opd" / "OKA.html").read_text() == "laporan lama"
    assert not (out / "opd" / "OKA.ipynb").exists()
    assert not list((out / "opd").glob(".*tmp*"))


@pytest.mark.slow
def test_personal_data_in_output_is_never_written(tmp_path, params_dir):
    res = _run(tmp_path, params_dir, ["OKA", "LEAK1"], include_city=False)
    by = {r["kode_opd"]: r for r in res.results}
    assert by["OKA"]["status"] == "ok"
    assert by["LEAK1"]["status"] == "gagal" and "data pribadi" in by["LEAK1"]["error"]
    out = tmp_path / "out"
    assert not list((out / "opd").glob("LEAK1*"))  # not even the executed notebook
    for path in out.rglob("*"):
        if path.is_file() and "_cache" not in path.parts and "_log" not in path.parts:
            assert b"Pegawai Uji Satu" not in path.read_bytes(), path


def test_run_one_refuses_paths_outside_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    task = _task(out, out, code="x")
    task.ipynb = str(out / ".." / "luar.ipynb")
    with pytest.raises(BatchError, match="di luar folder keluaran"):
        tasks.run_one(task)
    assert not (tmp_path / "luar.ipynb").exists()


@pytest.mark.slow
def test_interrupt_in_runner_loop_leaves_consistent_folder(tmp_path, params_dir, monkeypatch):
    real_run = executors.LocalBackend.run

    def run_then_interrupt(self, tasks):
        for i, item in enumerate(real_run(self, tasks)):
            yield item
            if i == 0:
                raise KeyboardInterrupt

    monkeypatch.setattr(executors.LocalBackend, "run", run_then_interrupt)
    res = _run(tmp_path, params_dir, ["OKA", "OKB", "SLOW1"], jobs=1, include_city=False)
    assert res.interrupted and res.exit_code == 130
    man = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert man["status"] == "dihentikan"
    statuses = [r["status"] for r in man["notebooks"]]
    assert statuses.count("ok") == 1 and statuses.count("tidak selesai") == 2
    done = next(r for r in man["notebooks"] if r["status"] == "ok")
    for rel in done["files"].values():
        assert (tmp_path / "out" / rel).is_file()
    assert not list((tmp_path / "out" / "opd").glob(".*tmp*"))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_to_cli_process_stops_cleanly(tmp_path, params_dir):
    """Ctrl-C on a real ``kinerja batch`` process: exit 130, manifest marks unfinished ones."""
    script = tmp_path / "runner.py"
    script.write_text(
        "import sys\n"
        "from kinerja.run import batch\n"
        "if __name__ == '__main__':\n"
        f"    r = batch.run_batch({str(DATA)!r}, {str(tmp_path / 'out')!r}, opd=['SLOW1', 'OKA'],\n"
        f"        params_dir={str(params_dir)!r}, jobs=2, timeout=120, progress=False,\n"
        f"        opd_notebook={str(NB / 'laporan_fixture.ipynb')!r}, include_city=False)\n"
        "    sys.exit(r.exit_code)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    manifest = tmp_path / "out" / "manifest.json"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # wait until OKA is done and SLOW1 is running
        if manifest.exists():
            try:
                m = json.loads(manifest.read_text())
            except ValueError:
                m = {}
            if any(r["status"] == "ok" for r in m.get("notebooks", [])):
                break
        time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    try:
        # generous: stopping a worker mid-notebook waits for its kernel's shutdown (up to 15 s,
        # then SIGKILL); on a loaded CI machine that took longer than 60 s once
        rc = proc.wait(timeout=180)
    finally:
        proc.kill()
    assert rc == 130
    m = json.loads(manifest.read_text())
    assert m["status"] == "dihentikan"
    by = {r["kode_opd"]: r["status"] for r in m["notebooks"]}
    assert by == {"OKA": "ok", "SLOW1": "tidak selesai"}
    assert (tmp_path / "out" / "opd" / "OKA.html").is_file()


@pytest.mark.slow
def test_cli_batch_exit_codes(tmp_path, params_dir, monkeypatch):
    from kinerja.cli import build_parser

    monkeypatch.setattr(batch, "DEFAULT_OPD_NOTEBOOK", NB / "laporan_fixture.ipynb")
    monkeypatch.setattr(batch, "DEFAULT_CITY_NOTEBOOK", NB / "ringkasan_fixture.ipynb")
    base = ["batch", "--data", str(DATA), "--out", str(tmp_path / "o"), "--params", str(params_dir)]
    args = build_parser().parse_args([*base, "--opd", "OKA", "--jobs", "1"])
    assert batch.cli_batch(args) == 0
    args = build_parser().parse_args([*base, "--opd", "OKA", "ERR1", "--jobs", "2"])
    assert batch.cli_batch(args) == 1
    args = build_parser().parse_args([*base, "--opd", "../etc"])
    assert batch.cli_batch(args) == 2


@pytest.mark.slow
def test_dask_local_cluster(tmp_path, params_dir):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster, timeout=60) as client,
    ):
        res = _run(tmp_path, params_dir, ["OKA", "ERR1"], scheduler=client, timeout=60)
    by = {r["key"]: r["status"] for r in res.results}
    assert by == {"opd/OKA": "ok", "opd/ERR1": "gagal", "kota": "ok"}
    man = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert man["parameters"]["executor"] == "dask"
    assert (tmp_path / "out" / "opd" / "OKA.html").is_file()


def test_rekap_step_is_gated_and_reported(tmp_path, monkeypatch):
    from kinerja.domain.params import default_params_dir
    from kinerja.report import rekap

    out = tmp_path / "out"
    out.mkdir()
    cache = prepare_cache(DATA, out)
    res = batch._rekap_step(cache, out, "2025", default_params_dir())
    assert res["status"] == "ok", res
    sheets = pd.read_excel(out / "rekap.xlsx", sheet_name=None)
    # the fixture data has only opd and pegawai: every stream is listed as missing, none invented
    notes = sheets["Keterangan"]  # one row per sheet (issue 13 item 7: Indonesian layout)
    from kinerja.report.rekap_xlsx import SHEET_NAMES

    assert set(notes["Lembar"]) == {SHEET_NAMES[n] for n in rekap.TABLE_COLUMNS}
    assert notes["Penjelasan"].str.contains("tidak dibuat, tabel sumbernya tidak ada").all()
    assert res["sha256"] == file_sha256(out / "rekap.xlsx")
    before = (out / "rekap.xlsx").read_bytes()

    def leaky(tables, path, **kw):
        pd.DataFrame({"catatan": ["Kepala seksi: Pegawai Uji Dua"]}).to_excel(path, index=False)
        return [Path(path)]

    monkeypatch.setattr(rekap, "write_rekap", leaky)
    res = batch._rekap_step(cache, out, "2025", default_params_dir())
    assert res["status"] == "gagal" and "data pribadi" in res["error"]
    # the stale workbook of the earlier run is removed (issue 12), no temp file is left behind
    assert before and not (out / "rekap.xlsx").exists() and res["berkas_lama_dihapus"]
    assert not list(out.glob(".rekap*"))


def test_html_outputs_pass_the_gate_before_writing(tmp_path):
    from kinerja.protect import PersonalDataLeak
    from kinerja.report.export import export_html

    out = tmp_path / "out"
    out.mkdir()
    cache = prepare_cache(DATA, out).path
    gate = tasks.personal_data_gate(str(cache), "forum", None)
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("Kepala seksi: Pegawai Uji Tiga")]
    )
    with pytest.raises(PersonalDataLeak):
        tasks._write_output(out / "opd" / "X.html", export_html(nb), gate, out)
    assert not (out / "opd" / "X.html").exists()
    internal = tasks.personal_data_gate(
        str(cache), "internal", "RSUD"
    )  # Pegawai Uji Tiga works at RSUD
    tasks._write_output(out / "opd" / "RSUD.html", export_html(nb), internal, out)
    assert (out / "opd" / "RSUD.html").is_file()
