"""Faults never destroy good output (issue 12, items 7 and 8), on real batches of the fixture
notebooks (tests/notebooks/).

* a report that fails on a rerun keeps its previous good set byte for byte, the manifest and
  the index say so, and the failing notebook is kept beside it as ``<kode>.gagal.ipynb``;
* the disk filling up during a rerun (a small tmpfs; needs root, as CI runs) leaves the
  previous good set intact and the manifest says "ruang disk penuh";
* Ctrl-C as a report finishes: nothing is moved into place afterwards, exit 130;
* an OPD code with a dot cannot overwrite another OPD's deck;
* a gate-blocked rekap removes the stale rekap.xlsx and the batch exits non-zero.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import uuid
from pathlib import Path

import pandas as pd
import pytest

from kinerja.data.io import file_sha256
from kinerja.run import executors
from kinerja.run.batch import run_batch
from kinerja.run.tasks import STAGING_DIR

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

HERE = Path(__file__).resolve().parent
NB = HERE.parent / "notebooks"
DATA = NB / "data"


@pytest.fixture
def data(tmp_path):
    """The fixture data plus a few dated rows in 2025-TW3 (the period must hold data)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    if not any(p.name.startswith("pelatihan") for p in DATA.iterdir()):
        pd.DataFrame(
            {
                "nip": ["198501012010011001"] * 3,
                "nama_pelatihan": ["Pelatihan Uji"] * 3,
                "jenis": ["Pelatihan Teknis"] * 3,
                "bentuk": ["klasikal"] * 3,
                "tanggal_mulai": ["2025-07-07", "2025-08-04", "2025-09-01"],
                "tanggal_selesai": ["2025-07-08", "2025-08-05", "2025-09-02"],
                "jp": [8, 8, 8],
            }
        ).to_csv(folder / "pelatihan.csv", index=False)
    return folder


@pytest.fixture
def params_dir(tmp_path):
    folder = tmp_path / "parameters"
    folder.mkdir()
    (folder / "default.yaml").write_text('periode: "2025-TW3"\nnotebook_timeout: 60\n')
    return folder


def _run(out, params_dir, opd, data, **kw):
    kw.setdefault("jobs", 1)
    kw.setdefault("progress", False)
    kw.setdefault("echo", False)
    kw.setdefault("include_city", False)
    kw.setdefault("rekap", False)
    kw.setdefault("pdf", False)
    return run_batch(
        data,
        out,
        opd=opd,
        params_dir=params_dir,
        opd_notebook=kw.pop("opd_notebook", NB / "laporan_fixture.ipynb"),
        city_notebook=NB / "ringkasan_fixture.ipynb",
        **kw,
    )


def _hashes(out: Path, code: str) -> dict[str, str]:
    return {p.name: file_sha256(p) for p in sorted((out / "opd").glob(f"{code}.*"))}


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_failed_rerun_keeps_the_previous_good_set(tmp_path, params_dir, data):
    out = tmp_path / "out"
    first = _run(out, params_dir, ["OKA", "OKB"], data)
    assert first.exit_code == 0
    before = _hashes(out, "OKA")
    assert set(before) == {"OKA.ipynb", "OKA.html", "OKA.slides.html"}

    second = _run(out, params_dir, ["OKA", "OKB"], data, opd_notebook=NB / "raises.ipynb")
    assert second.exit_code == 1
    after = _hashes(out, "OKA")
    assert {k: v for k, v in after.items() if k != "OKA.gagal.ipynb"} == before
    assert "OKA.gagal.ipynb" in after  # the failing cell, for the analyst
    entry = next(r for r in _manifest(out)["notebooks"] if r["key"] == "opd/OKA")
    assert entry["status"] == "gagal" and "sengaja gagal" in entry["error"]
    assert entry["sebelumnya"]["files"]["html"] == "opd/OKA.html"
    assert entry["files"] == {"ipynb_gagal": "opd/OKA.gagal.ipynb"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Laporan terakhir yang berhasil" in index and 'href="opd/OKA.html"' in index
    assert not (out / STAGING_DIR).exists()

    # a good run replaces the set and drops the old failure; OKB is not in this run: its
    # kept set is dropped as any earlier run's files are
    third = _run(out, params_dir, ["OKA"], data)
    assert third.exit_code == 0
    assert not (out / "opd" / "OKA.gagal.ipynb").exists()
    assert list((out / "opd").glob("OKB*")) == []


def test_ctrl_c_as_a_report_finishes_moves_nothing_into_place(
    tmp_path, params_dir, data, monkeypatch
):
    out = tmp_path / "out"
    assert _run(out, params_dir, ["OKA", "OKB"], data).exit_code == 0
    before = {code: _hashes(out, code) for code in ("OKA", "OKB")}
    real_run = executors.LocalBackend.run

    def ctrl_c_as_second_finishes(self, tasks):
        for i, item in enumerate(real_run(self, tasks)):
            if i == 1:  # the second report is staged; Ctrl-C arrives before it is moved
                os.kill(os.getpid(), signal.SIGINT)
            yield item

    monkeypatch.setattr(executors.LocalBackend, "run", ctrl_c_as_second_finishes)
    res = _run(out, params_dir, ["OKA", "OKB"], data, echo=True)
    assert res.interrupted and res.exit_code == 130
    man = _manifest(out)
    assert man["status"] == "dihentikan"
    by = {r["kode_opd"]: r for r in man["notebooks"]}
    done = next(c for c in ("OKA", "OKB") if by[c]["status"] == "ok")
    stopped = next(c for c in ("OKA", "OKB") if c != done)
    assert by[stopped]["status"] == "tidak selesai"
    assert _hashes(out, stopped) == before[stopped]  # untouched: its previous set
    assert by[stopped]["sebelumnya"]["files"]["slides"] == f"opd/{stopped}.slides.html"
    assert not (out / STAGING_DIR).exists()


def test_dotted_code_cannot_overwrite_another_deck(tmp_path, params_dir, data):
    opd = pd.read_csv(data / "opd.csv", dtype=str)
    extra = opd[opd["kode_opd"] == "OKB"].assign(kode_opd="OKA.slides", nama_opd="Dinas Tiruan")
    pd.concat([opd, extra]).to_csv(data / "opd.csv", index=False)
    out = tmp_path / "out"
    res = run_batch(
        data,
        out,
        opd=["OKA", "OKA.slides"],
        params_dir=params_dir,
        opd_notebook=NB / "laporan_fixture.ipynb",
        include_city=False,
        rekap=False,
        pdf=False,
        jobs=1,
        progress=False,
        echo=False,
    )
    by = {r["key"]: r for r in res.results}
    assert by["opd/OKA"]["status"] == "ok"
    assert by["opd/OKA.slides"]["status"] == "gagal"
    assert "nama berkas" in by["opd/OKA.slides"]["error"]
    deck = (out / "opd" / "OKA.slides.html").read_text(encoding="utf-8")
    assert "<strong>OKA</strong>" in deck  # OKA's own deck
    assert sorted(p.name for p in (out / "opd").iterdir()) == [
        "OKA.html",
        "OKA.ipynb",
        "OKA.slides.html",
    ]
    assert res.exit_code == 1


def test_blocked_rekap_removes_the_stale_workbook_and_fails_the_batch(
    tmp_path, params_dir, data, monkeypatch, capsys
):
    from kinerja.report import rekap

    out = tmp_path / "out"
    assert _run(out, params_dir, ["OKA"], data, rekap=True).exit_code == 0
    assert (out / "rekap.xlsx").is_file()

    def leaky(tables, path, **kw):
        pd.DataFrame({"catatan": ["Kepala seksi: Pegawai Uji Dua"]}).to_excel(path, index=False)
        return [Path(path)]

    monkeypatch.setattr(rekap, "write_rekap", leaky)
    res = _run(out, params_dir, ["OKA"], data, rekap=True, echo=True)
    assert res.exit_code == 1
    assert not (out / "rekap.xlsx").exists()
    man = _manifest(out)
    assert man["rekap"]["status"] == "gagal" and man["rekap"]["berkas_lama_dihapus"] is True
    printed = capsys.readouterr().out
    assert "Rekap forum (rekap.xlsx) tidak dibuat" in printed and "data pribadi" in printed
    assert "Rekap forum (rekap.xlsx) tidak dibuat" in (out / "index.html").read_text()


# --------------------------------------------------------------------------------------------
# disk full: a small tmpfs


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs (root only; CI runs as root). Skipped with the reason when not allowed."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("perintah mount tidak ada")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if done.returncode != 0:
        pytest.skip(f"tmpfs tidak dapat dipasang (perlu root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` until ``leave`` bytes are free."""
    filler = disk / "pengisi.bin"
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    with open(filler, "wb") as fh:
        remaining = max(0, free - leave)
        block = b"\0" * (1 << 20)
        while remaining > 0:
            fh.write(block[: min(len(block), remaining)])
            remaining -= min(len(block), remaining)
    return filler


def test_disk_full_rerun_keeps_the_previous_good_set(small_disk, params_dir, data):
    out = small_disk / "out"
    first = _run(out, params_dir, ["OKA", "OKB"], data, pdf=True)
    assert first.exit_code == 0, first.results
    before = {code: _hashes(out, code) for code in ("OKA", "OKB")}
    assert all(len(h) >= 3 for h in before.values())
    # about 150 KB free: the manifest still fits, a report's HTML page and deck do not
    _fill(small_disk, leave=150_000)
    second = _run(out, params_dir, ["OKA", "OKB"], data, pdf=True)
    assert second.exit_code == 1
    assert {code: _hashes(out, code) for code in ("OKA", "OKB")} == before
    man = _manifest(out)
    failed = [r for r in man["notebooks"] if r["status"] == "gagal"]
    assert failed, man["notebooks"]
    for r in failed:
        assert "ruang disk penuh" in r["error"], r["error"]
        assert r["sebelumnya"]["files"]["html"] == f"opd/{r['kode_opd']}.html"
    assert not (out / STAGING_DIR).exists()
    assert not list((out / "opd").glob(".*tmp*"))
