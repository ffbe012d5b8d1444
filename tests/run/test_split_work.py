"""Jobs shared with a forked child (:mod:`kinerja.run.split_work`): same results and the same
failures as a plain loop, and a child that dies costs time, not results."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from kinerja.protect import PersonalDataLeak
from kinerja.protect.gate import Hit
from kinerja.run.split_work import map_split, split_enabled

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork tidak ada")


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_results_in_order_every_second_job_in_a_child():
    parent = os.getpid()
    out = map_split(_square_and_pid, range(7), enabled=True)
    assert [v for v, _ in out] == [x * x for x in range(7)]
    pids = [p for _, p in out]
    assert all(p == parent for p in pids[0::2])
    child = set(pids[1::2])
    assert len(child) == 1 and parent not in child


def test_off_runs_everything_here(monkeypatch):
    parent = os.getpid()
    assert {p for _, p in map_split(_square_and_pid, range(5), enabled=False)} == {parent}
    monkeypatch.setenv("KINERJA_PARALLEL", "0")
    assert not split_enabled()
    assert {p for _, p in map_split(_square_and_pid, range(5))} == {parent}
    assert map_split(_square_and_pid, [], enabled=True) == []
    assert map_split(_square_and_pid, [3], enabled=True) == [[9, parent]]  # JSON: a list


def test_the_first_failing_job_is_raised_as_in_a_plain_loop():
    def job(x: int) -> int:
        if x == 3:  # a child's job
            raise ValueError("baris 3 rusak")
        if x == 4:  # a later job of the parent
            raise KeyError("tidak terpakai")
        return x

    with pytest.raises(ValueError, match="baris 3 rusak"):
        map_split(job, range(6), enabled=True)

    def parent_first(x: int) -> int:
        if x in (2, 5):
            raise ValueError(f"gagal {x}")
        return x

    with pytest.raises(ValueError, match="gagal 2"):
        map_split(parent_first, range(6), enabled=True)


class _OwnError(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a}/{b}")


def test_a_child_exception_arrives_with_its_type_and_message():
    def own(x: int) -> int:
        if x == 1:
            raise _OwnError("tabel", "kolom")
        return x

    with pytest.raises(RuntimeError, match="_OwnError: tabel/kolom"):
        map_split(own, range(4), enabled=True)

    def disk(x: int) -> int:
        if x == 3:
            raise OSError(28, "Tidak ada ruang tersisa")
        return x

    with pytest.raises(OSError) as err:
        map_split(disk, range(4), enabled=True)
    assert err.value.errno == 28 and "Tidak ada ruang" in str(err.value)


def test_a_result_that_is_not_json_fails_wherever_the_job_ran():
    for enabled in (True, False):
        with pytest.raises(TypeError):
            map_split(lambda x: {x}, range(4), enabled=enabled)


def test_a_refused_page_in_the_child_is_refused_in_the_parent():
    hits = [Hit("nip", "1967***********003", 0, 18)]

    def job(x: int) -> int:
        if x == 1:
            raise PersonalDataLeak("pantau/opd/DISNAKER.html", hits)
        return x

    with pytest.raises(PersonalDataLeak) as err:
        map_split(job, range(4), enabled=True)
    assert err.value.where == "pantau/opd/DISNAKER.html" and err.value.hits == hits
    assert "TIDAK ditulis" in str(err.value)


def test_a_child_that_dies_costs_time_not_results(tmp_path: Path):
    parent = os.getpid()

    def job(x: int) -> int:
        if x == 3 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        (tmp_path / f"{x}.txt").write_text(str(os.getpid()), encoding="utf-8")
        return x * 10

    assert map_split(job, range(6), enabled=True) == [0, 10, 20, 30, 40, 50]
    # the child died at job 3 without answering: its jobs (1, 3, 5) were run here afterwards
    for x in (1, 3, 5):
        assert (tmp_path / f"{x}.txt").read_text(encoding="utf-8") == str(parent)
