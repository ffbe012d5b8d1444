"""``kinerja pantau``: JSON shape, the written digest, and an independent folder with one planted
slowdown that must be flagged exactly (OPD, service, month) and nowhere else."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from kinerja.cli import main

SIGNAL_KEYS = [
    "kode_opd",
    "indikator",
    "jenis_layanan",
    "bulan",
    "nilai",
    "batas_bawah",
    "batas_atas",
    "aturan",
    "pesan",
]
PLANT_OPD = "DISNAKER"
PLANT_SERVICE = "Kartu Pencari Kerja (AK/I)"
PLANT_MONTH = "2025-09"


def _json(capsys, *args: str) -> dict:
    assert main(["pantau", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


class _Svgs(HTMLParser):
    """Collects the control charts of a page: their data attributes and signalled months."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[dict] = []
        self.sections: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and a.get("class") == "bagan-kendali":
            self.charts.append({**a, "sinyal": []})
        elif tag == "circle" and "sinyal" in (a.get("class") or "").split() and self.charts:
            self.charts[-1]["sinyal"].append(a["data-bulan"])
        elif tag == "section" and a.get("class") == "opd":
            self.sections.append(a["data-kode-opd"])

    def handle_data(self, data):
        self.text.append(data)


def test_json_shape_on_the_session_sample(sample_dir, capsys):
    out = _json(capsys, "--data", str(sample_dir))
    assert list(out)[:2] == ["bulan", "sinyal"] and "data_kurang" in out
    assert out["bulan"] == "2025-12"  # the latest complete month of the sample
    for s in out["sinyal"]:
        assert list(s) == SIGNAL_KEYS
        assert s["bulan"] == out["bulan"]
    for d in out["data_kurang"]:
        assert d["bulan"] == out["bulan"] and d["pesan"]
    # a chosen month, and the refusals
    assert _json(capsys, "--data", str(sample_dir), "--bulan", "2025-03")["bulan"] == "2025-03"
    assert main(["pantau", "--data", str(sample_dir), "--bulan", "2031-01", "--json"]) == 2
    assert "tidak ada di data" in capsys.readouterr().err
    assert main(["pantau", "--data", str(sample_dir), "--bulan", "2025", "--json"]) == 2


# ---------------------------------------------------------------------------------------------
# an independent folder with one planted slowdown


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The full-scale sample copied to a temp folder, with one service slowed in one month.

    DISNAKER's "Kartu Pencari Kerja (AK/I)": every request submitted in September 2025 finishes
    14 calendar days (10 working days) later than it did.
    """
    from kinerja.data.sample import generate

    base = tmp_path_factory.mktemp("tanam")
    src = base / "asli"
    generate(src, seed=2026, scale=1.0, year=2025, fmt="parquet")
    folder = base / "data"
    shutil.copytree(src, folder)
    lay = pd.read_parquet(folder / "layanan.parquet")
    first = lay.groupby("id_permohonan", observed=True)["mulai"].transform("min")
    hit = (
        (lay["kode_opd"].astype("str") == PLANT_OPD)
        & (lay["jenis_layanan"].astype("str") == PLANT_SERVICE)
        & (first.dt.strftime("%Y-%m") == PLANT_MONTH)
    )
    assert hit.sum() > 100
    lay.loc[hit, "selesai"] = lay.loc[hit, "selesai"] + pd.Timedelta(days=14)
    lay.to_parquet(folder / "layanan.parquet", index=False)
    return folder


@pytest.mark.slow
def test_planted_slowdown_flagged_exactly(planted, capsys, tmp_path):
    out = _json(capsys, "--data", str(planted), "--bulan", PLANT_MONTH, "--out", str(tmp_path))
    lead = [s for s in out["sinyal"] if s["indikator"] == "lama_layanan"]
    assert [(s["kode_opd"], s["jenis_layanan"], s["bulan"]) for s in lead] == [
        (PLANT_OPD, PLANT_SERVICE, PLANT_MONTH)
    ]
    assert lead[0]["aturan"] == "batas" and lead[0]["nilai"] > lead[0]["batas_atas"]
    on_time = [s for s in out["sinyal"] if s["indikator"] == "tepat_waktu"]
    assert {(s["kode_opd"], s["jenis_layanan"]) for s in on_time} <= {(PLANT_OPD, PLANT_SERVICE)}

    # silent in the quiet months: after DPMPTSP's training (its planted story ends in June) no
    # lead-time signal anywhere but the planted month
    from kinerja.run.pantau import run_pantau

    run = run_pantau(planted, bulan=PLANT_MONTH)
    sig = run.pages.all_signals
    quiet = sig.loc[(sig["indikator"] == "lama_layanan") & (sig["bulan"] >= "2025-07")]
    assert list(zip(quiet["kode_opd"], quiet["jenis_layanan"], quiet["bulan"], strict=True)) == [
        (PLANT_OPD, PLANT_SERVICE, PLANT_MONTH)
    ]

    # the digest shows why: the flagged series with its limits, the month marked
    page = (tmp_path / "pantau" / "index.html").read_text(encoding="utf-8")
    parser = _Svgs()
    parser.feed(page)
    assert PLANT_OPD in parser.sections
    mine = [
        c
        for c in parser.charts
        if c["data-kode-opd"] == PLANT_OPD and c["data-indikator"] == "lama_layanan"
    ]
    assert len(mine) == 1 and mine[0]["data-jenis-layanan"] == PLANT_SERVICE
    assert mine[0]["sinyal"] == [PLANT_MONTH]
    assert 'class="batas-atas"' in page and 'class="garis-tengah"' in page
    text = " ".join(parser.text)
    assert "Median waktu layanan Kartu Pencari Kerja (AK/I) naik ke" in text
    assert (
        "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
        and "https://" not in page
    )
    assert "<script" not in page
    # one page per OPD and the workbook, every text cell neutralised
    assert (tmp_path / "pantau" / "opd" / f"{PLANT_OPD}.html").is_file()
    assert len(list((tmp_path / "pantau" / "opd").glob("*.html"))) == 57
    book = pd.read_excel(tmp_path / "pantau" / f"sinyal_{PLANT_MONTH}.xlsx", sheet_name=None)
    assert {"sinyal", "tidak_dinilai", "keterangan"} <= set(book)
    assert (book["sinyal"]["kode_opd"] == PLANT_OPD).any()
    # forum-safe: no NIP or employee name anywhere (the gate passed; check again here)
    from kinerja.data.dataset import load
    from kinerja.protect import PersonalDataGate

    gate = PersonalDataGate.from_dataset(load(planted))
    assert gate.scan(page) == []
    opd_page = (tmp_path / "pantau" / "opd" / f"{PLANT_OPD}.html").read_text(encoding="utf-8")
    assert gate.scan(opd_page) == []
    assert "Dampak" in opd_page


@pytest.mark.slow
def test_digest_screenshot(planted, tmp_path):
    """One Playwright screenshot of the digest (kept in test-artifacts/ for a human to look at)."""
    pytest.importorskip("playwright")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("chromium tidak ada")
    from playwright.sync_api import sync_playwright

    from kinerja.run.pantau import run_pantau, write_outputs

    run = run_pantau(planted, bulan=PLANT_MONTH)
    write_outputs(run, tmp_path)
    from kinerja.report.pdf import CHROMIUM_ARGS

    args = list(CHROMIUM_ARGS)
    shot = Path(__file__).resolve().parents[2] / "test-artifacts" / "pantau_digest.png"
    shot.parent.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=args)
        try:
            page = browser.new_page(viewport={"width": 1250, "height": 1300})
            page.goto((tmp_path / "pantau" / "index.html").as_uri(), timeout=60_000)
            svg = page.locator(f'svg[data-kode-opd="{PLANT_OPD}"][data-indikator="lama_layanan"]')
            assert svg.count() == 1 and svg.first.is_visible()
            assert page.locator("circle.sinyal").count() >= 1
            page.screenshot(path=str(shot), full_page=False, timeout=60_000)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000


def _batch_manifest() -> dict:
    return {
        "parameters": {"periode": "2025", "audience": "forum"},
        "notebooks": [
            {
                "key": "opd/DPMPTSP",
                "kind": "opd",
                "kode_opd": "DPMPTSP",
                "status": "ok",
                "duration_s": 1.0,
                "error": None,
                "files": {"html": "opd/DPMPTSP.html"},
            },
        ],
        "summary": {"ok": 1, "gagal": 0, "tidak_selesai": 0, "total": 1},
        "status": "selesai",
        "started": "2026-12-03T12:00:00+07:00",
    }


@pytest.fixture(scope="module")
def june_run(sample_dir):
    from kinerja.run.pantau import run_pantau

    return run_pantau(sample_dir, bulan="2025-06")


def test_batch_index_links_the_digest_when_both_exist(june_run, tmp_path):
    from kinerja.run.index import render_index
    from kinerja.run.pantau import write_outputs

    names = {"DPMPTSP": "Dinas Penanaman Modal"}
    assert "pantau/index.html" not in render_index(_batch_manifest(), names)
    linked = render_index(_batch_manifest(), names, pantau="pantau/index.html")
    assert '<a href="pantau/index.html">Pemantauan bulanan (sinyal dini)</a>' in linked
    # a batch already in the output folder: pantau renders its index again with the link
    (tmp_path / "manifest.json").write_text(json.dumps(_batch_manifest()), encoding="utf-8")
    (tmp_path / "index.html").write_text("<html>lama</html>", encoding="utf-8")
    write_outputs(june_run, tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="pantau/index.html"' in page and "DPMPTSP" in page
    assert (tmp_path / "pantau" / "index.html").is_file()


def test_pages_written_on_two_cores_equal_one_core_and_a_leak_in_either_half_stops_it(
    june_run, tmp_path, monkeypatch
):
    """The pages are shared with a forked child (kinerja.run.split_work): the same files as a
    single process writes, and a page the gate refuses in the child is refused as in a loop."""
    from kinerja.protect import PersonalDataLeak
    from kinerja.report.monitoring import pages
    from kinerja.run.pantau import write_outputs

    both, one = tmp_path / "dua", tmp_path / "satu"
    write_outputs(june_run, both)
    monkeypatch.setenv("KINERJA_PARALLEL", "0")
    write_outputs(june_run, one)
    files = sorted(p.relative_to(both) for p in (both / "pantau").rglob("*.html"))
    assert len(files) == 58
    assert files == sorted(p.relative_to(one) for p in (one / "pantau").rglob("*.html"))
    for rel in files:
        assert (both / rel).read_bytes() == (one / rel).read_bytes(), rel
    monkeypatch.delenv("KINERJA_PARALLEL")

    # a real NIP planted in the first OPD's page (the child's first job) and in a later one
    nip = str(june_run.dataset.tables["pegawai"]["nip"].iloc[0])
    codes = sorted(june_run.pages.names)
    planted = {codes[0], codes[5]}
    real = pages.opd_html

    def leaky(page_data, kode, bulan):
        text = real(page_data, kode, bulan)
        return text.replace("</body>", f"<p>{nip}</p></body>") if kode in planted else text

    monkeypatch.setattr(pages, "opd_html", leaky)
    out = tmp_path / "bocor"
    with pytest.raises(PersonalDataLeak) as err:
        write_outputs(june_run, out)
    assert err.value.where.endswith(f"{codes[0]}.html")
    assert nip not in str(err.value)
    for kode in planted:
        assert not (out / "pantau" / "opd" / f"{kode}.html").exists()


def test_the_program_leaves_at_once_with_its_whole_output_and_exit_code(sample_dir, tmp_path):
    """``kinerja pantau`` run as a program leaves with os._exit (kinerja.cli._HARD_EXIT): every
    line is still written, and the exit codes are those of ``main``."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "KINERJA_FOLDER_CACHE": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "kinerja", "pantau", "--data", str(sample_dir)]
    done = subprocess.run(
        [*cmd, "--bulan", "2025-06", "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["bulan"] == "2025-06" and isinstance(payload["sinyal"], list)
    wrong = subprocess.run(
        [*cmd, "--bulan", "1999-01"], capture_output=True, text=True, env=env, timeout=300
    )
    assert wrong.returncode == 2 and wrong.stderr.startswith("Galat:")
