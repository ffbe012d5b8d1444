"""Faults never destroy good output (issue 12, item 7): the parts, without running notebooks.

Staged report sets are moved into place together or not at all (``commit_staged``), a failed
report keeps the previous good set and says so, Ctrl-C is held off while a set is moved, OPD
codes that could overwrite another report's files are refused at planning, and a blocked rekap
makes the batch exit non-zero with an Indonesian reason.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from kinerja.domain.settings import load_settings
from kinerja.run import console, executors, plan, tasks
from kinerja.run.common import STATUS_FAILED, STATUS_OK, BatchResult


def _staged(out: Path, code: str, kinds=("ipynb", "html", "slides", "pdf"), text="baru"):
    stage = out / tasks.STAGING_DIR / f"opd_{code}.1.abc"
    stage.mkdir(parents=True)
    suffix = {"ipynb": ".ipynb", "html": ".html", "slides": ".slides.html", "pdf": ".pdf"}
    files = {}
    for kind in kinds:
        (stage / f"{code}{suffix[kind]}").write_text(f"{text} {kind}")
        files[kind] = f"opd/{code}{suffix[kind]}"
    return {
        "key": f"opd/{code}",
        "status": STATUS_OK,
        "error": None,
        "files": files,
        "staging": str(stage),
        "ended": "2026-12-03T10:00:00+00:00",
    }


def _previous(out: Path, code: str, kinds=("ipynb", "html", "slides", "pdf")):
    suffix = {"ipynb": ".ipynb", "html": ".html", "slides": ".slides.html", "pdf": ".pdf"}
    (out / "opd").mkdir(parents=True, exist_ok=True)
    files = {}
    for kind in kinds:
        (out / "opd" / f"{code}{suffix[kind]}").write_text(f"lama {kind}")
        files[kind] = f"opd/{code}{suffix[kind]}"
    return {
        "key": f"opd/{code}",
        "status": STATUS_OK,
        "files": files,
        "started": "2026-12-02T09:00:00+00:00",
        "ended": "2026-12-02T09:01:00+00:00",
    }


def test_commit_moves_the_whole_set_and_drops_stale_files(tmp_path):
    prev = _previous(tmp_path, "OKA")
    (tmp_path / "opd" / "OKA.gagal.ipynb").write_text("notebook gagal lama")
    res = tasks.commit_staged(
        _staged(tmp_path, "OKA", kinds=("ipynb", "html", "slides")), tmp_path, prev
    )
    assert res["status"] == STATUS_OK and "staging" not in res
    for kind, rel in res["files"].items():
        assert (tmp_path / rel).read_text() == f"baru {kind}"
    # the old PDF belongs to the old set: it must not pass for this run's report
    assert not (tmp_path / "opd" / "OKA.pdf").exists()
    assert not (tmp_path / "opd" / "OKA.gagal.ipynb").exists()
    assert not any((tmp_path / tasks.STAGING_DIR).iterdir())


def test_failed_report_keeps_previous_set_and_names_it(tmp_path):
    prev = _previous(tmp_path, "OKA")
    failed = {
        "key": "opd/OKA",
        "status": STATUS_FAILED,
        "error": "ruang disk penuh",
        "files": {},
        "staging": None,
    }
    res = tasks.commit_staged(failed, tmp_path, prev)
    assert res["status"] == STATUS_FAILED
    assert res["sebelumnya"]["files"] == prev["files"]
    assert res["sebelumnya"]["ended"] == prev["ended"]
    for kind, rel in prev["files"].items():
        assert (tmp_path / rel).read_text() == f"lama {kind}"
    # a second failure in a row still points at the last good set
    again = tasks.commit_staged(
        {"key": "opd/OKA", "status": STATUS_FAILED, "error": "x", "files": {}}, tmp_path, res
    )
    assert again["sebelumnya"]["files"] == prev["files"]
    assert again["sebelumnya"]["ended"] == prev["ended"]


def test_failed_report_without_intact_previous_set_claims_nothing(tmp_path):
    prev = _previous(tmp_path, "OKA")
    (tmp_path / "opd" / "OKA.slides.html").unlink()  # the old set is incomplete
    res = tasks.commit_staged(
        {"key": "opd/OKA", "status": STATUS_FAILED, "error": "x", "files": {}}, tmp_path, prev
    )
    assert "sebelumnya" not in res


def test_failing_notebook_is_kept_beside_the_good_set(tmp_path):
    prev = _previous(tmp_path, "ERR1")
    stage = tmp_path / tasks.STAGING_DIR / "opd_ERR1.1.x"
    stage.mkdir(parents=True)
    (stage / "ERR1.gagal.ipynb").write_text("{}")
    res = tasks.commit_staged(
        {
            "key": "opd/ERR1",
            "status": STATUS_FAILED,
            "error": "ValueError",
            "files": {"ipynb_gagal": "opd/ERR1.gagal.ipynb"},
            "staging": str(stage),
        },
        tmp_path,
        prev,
    )
    assert (tmp_path / "opd" / "ERR1.gagal.ipynb").is_file()
    assert (tmp_path / "opd" / "ERR1.ipynb").read_text() == "lama ipynb"  # not overwritten
    assert res["sebelumnya"]["files"]["html"] == "opd/ERR1.html"


def test_sigint_is_held_off_while_a_set_is_moved():
    seen = []
    old = executors.catch_sigint()
    try:
        with pytest.raises(KeyboardInterrupt), executors.deferred_sigint():
            os.kill(os.getpid(), signal.SIGINT)
            seen.append("setelah sinyal")  # still running: the interrupt waits
        assert seen == ["setelah sinyal"]
        with executors.deferred_sigint():  # no signal: nothing raised
            seen.append("tanpa sinyal")
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


@pytest.fixture
def settings(tmp_path):
    folder = tmp_path / "parameters"
    folder.mkdir()
    (folder / "default.yaml").write_text('periode: "2025"\n')
    return load_settings(folder)


@pytest.mark.parametrize(
    "code", ["DINSOS.slides", "DINSOS.gagal", "DIN SOS", "a/b", "DINSOS.html", "ÄMT"]
)
def test_codes_that_could_collide_are_refused_at_planning(tmp_path, settings, code):
    names = {"DINSOS": "Dinas Sosial", code: "Dinas Tiruan"}
    tasks_, results = plan.plan_tasks(
        ["DINSOS", code],
        names,
        out=tmp_path,
        settings=settings,
        cache_dir=tmp_path,
        opd_notebook=tmp_path / "x.ipynb",
        city_notebook=None,
        timeout=60,
    )
    assert [t.kode_opd for t in tasks_] == ["DINSOS"]
    bad = results[f"opd/{code}"]
    assert bad["status"] == STATUS_FAILED
    assert "nama berkas" in bad["error"] and "tabel opd" in bad["error"]
    made = {Path(p).name for t in tasks_ for p in (t.ipynb, t.html, t.slides, t.pdf)}
    assert made == {"DINSOS.ipynb", "DINSOS.html", "DINSOS.slides.html", "DINSOS.pdf"}


def test_codes_differing_only_in_case_are_refused(tmp_path, settings):
    tasks_, results = plan.plan_tasks(
        ["DINSOS", "dinsos"],
        {"DINSOS": "Dinas Sosial", "dinsos": "dinas sosial"},
        out=tmp_path,
        settings=settings,
        cache_dir=tmp_path,
        opd_notebook=tmp_path / "x.ipynb",
        city_notebook=None,
        timeout=60,
    )
    assert [t.kode_opd for t in tasks_] == ["DINSOS"]
    assert "huruf besar/kecil" in results["opd/dinsos"]["error"]


def test_every_planned_file_name_is_distinct(tmp_path, settings):
    codes = ["A", "A-1", "A_1", "B", "kota", "ringkasan_kota"]
    tasks_, _ = plan.plan_tasks(
        codes,
        dict.fromkeys(codes, "x"),
        out=tmp_path,
        settings=settings,
        cache_dir=tmp_path,
        opd_notebook=tmp_path / "x.ipynb",
        city_notebook=tmp_path / "k.ipynb",
        timeout=60,
    )
    paths = [p for t in tasks_ for p in (t.ipynb, t.html, t.slides, t.pdf)]
    paths += [str(Path(t.ipynb).with_name(tasks.failed_notebook_name(t.ipynb))) for t in tasks_]
    assert len(paths) == len({p.casefold() for p in paths})


def test_blocked_rekap_fails_the_batch_and_says_why(tmp_path, capsys):
    ok = [{"key": "opd/A", "kode_opd": "A", "status": STATUS_OK}]
    result = BatchResult(
        tmp_path,
        ok,
        tmp_path / "manifest.json",
        tmp_path / "index.html",
        rekap={
            "status": STATUS_FAILED,
            "error": "PersonalDataLeak: data pribadi",
            "berkas_lama_dihapus": True,
        },
    )
    assert result.exit_code == 1
    console.print_summary(result, 1.0)
    out = capsys.readouterr().out
    assert "Rekap forum (rekap.xlsx) tidak dibuat" in out and "rekap.xlsx lama dihapus" in out
    assert BatchResult(tmp_path, ok, tmp_path, tmp_path, rekap={"status": STATUS_OK}).exit_code == 0


def test_interrupted_batch_exits_130_with_an_indonesian_line(tmp_path, capsys):
    result = BatchResult(tmp_path, [], tmp_path / "m.json", tmp_path / "i.html", interrupted=True)
    assert result.exit_code == 130
    console.print_summary(result, 2.0)
    assert "Batch dihentikan (Ctrl-C)" in capsys.readouterr().out
