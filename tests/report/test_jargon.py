"""No developer jargon in anything a reader sees (issue 13 item 6).

Scanned: the visible text of every section of the OPD report and the bottleneck explorer (forum
and internal) and of the city overview, the rekap workbook (every cell) and the rekap JSON
(every value); and, in the slow test, every HTML page, slide deck and workbook of a real batch of
three OPDs. Forbidden: a developer file ("reference.md"), a section sign, an issue or an
open-question reference, the English phrases the reports used to carry, ">=" / "<=", and
snake_case tokens (column keys, config keys).

Allowed snake_case: only the names of the data files an analyst supplies, and only where the
text names them as files ("berkas penilaian_skp, pegawai"): those are the file names on disk.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kinerja.domain.schema import TABLES

FORBIDDEN = [
    (re.compile(r"reference\.md", re.I), "developer file"),
    (re.compile("§"), "section sign"),
    (re.compile(r"\bissue\b", re.I), "issue reference"),
    (re.compile(r"decide and document", re.I), "English phrase"),
    (re.compile(r"half-up", re.I), "English phrase"),
    (re.compile(r"pertanyaan terbuka", re.I), "open question"),
    (re.compile(r">=|<="), "ASCII comparison"),
]
SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")
#: "(berkas layanan, standar_layanan)": the data files of the folder, by their file names
FILE_MENTION = re.compile(r"berkas [^)]*")
DATA_FILES = set(TABLES)


class _Visible(HTMLParser):
    """Text a reader sees: no script or style, plus alt and title attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.parts.append("\n")
        self.parts += [v for k, v in attrs if k in ("alt", "title") and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_html(page: str) -> str:
    v = _Visible()
    v.feed(page)
    return "".join(v.parts)


def jargon(text: str, where: str) -> list[str]:
    """Every jargon hit in ``text`` (with a little context)."""
    hits = []
    for pattern, kind in FORBIDDEN:
        for m in pattern.finditer(text):
            hits.append(f"{where}: {kind}: …{text[max(0, m.start() - 40) : m.end() + 40]}…")
    for line in text.splitlines():
        allowed = {
            t for seg in FILE_MENTION.findall(line) for t in SNAKE.findall(seg) if t in DATA_FILES
        }
        for token in SNAKE.findall(line):
            if token not in allowed:
                hits.append(f"{where}: snake_case {token!r}: {line.strip()[:160]}")
    return hits


def _json_values(obj) -> list[str]:
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _json_values(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _json_values(v)]
    return [obj] if isinstance(obj, str) else []


def test_the_checker_finds_jargon():
    assert jargon("lihat reference.md §1.5 (half-up), n >= 3, kolom sampel_memadai", "x")
    assert not jargon("Sumber data: log (berkas layanan, standar_layanan); ≥ 3", "x")
    assert jargon("kunci org_predikat di berkas parameter", "x")


@pytest.fixture(scope="module")
def data(sample_dir: Path):
    from kinerja.data.dataset import load
    from kinerja.metrics.store import ReportData

    return ReportData(load(sample_dir), source=str(sample_dir))


@pytest.mark.slow
def test_sections_and_rekap_speak_plain_indonesian(data, tmp_path):
    from kinerja.protect.extract import xlsx_texts
    from kinerja.report.registry import sections_hambatan, sections_opd
    from kinerja.report.rekap import rekap_bytes, rekap_tables
    from kinerja.report.sections.kota import sections_kota

    per = data.periode("2025")
    hits: list[str] = []
    for kode in ("DPMPTSP", "RSUD"):
        for audience in ("forum", "internal"):
            items = sections_opd(data, kode_opd=kode, periode=per, audience=audience)
            items += sections_hambatan(data, kode_opd=kode, periode=per, audience=audience)
            page = "\n".join(i._repr_html_() for i in items)
            hits += jargon(visible_html(page), f"{kode} {audience}")
    page = "\n".join(i._repr_html_() for i in sections_kota(data, periode=per))
    hits += jargon(visible_html(page), "ringkasan kota")
    tables = rekap_tables(data, periode=per)
    hits += jargon("\n".join(xlsx_texts(rekap_bytes(tables, ".xlsx"))), "rekap.xlsx")
    payload = json.loads(rekap_bytes(tables, ".json"))
    hits += jargon("\n".join(_json_values(payload)), "rekap.json")
    assert hits == []


@pytest.mark.slow
def test_batch_outputs_have_no_jargon(tmp_path):
    """A real batch of three OPDs (a dinas, a kelurahan, the hospital) and the city overview."""
    from kinerja.protect.extract import xlsx_texts

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kinerja", "batch", "--data", str(root / "data" / "sampel")]
    cmd += ["--opd", "DPMPTSP", "KEL-DUKUH", "RSUD", "--out", str(out), "--jobs", "1"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=root)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    pages = sorted(out.glob("opd/*.html")) + sorted(out.glob("kota/*.html"))
    assert len(pages) >= 8, pages  # report + slides of three OPDs and the city
    hits: list[str] = []
    for page in pages:
        hits += jargon(visible_html(page.read_text(encoding="utf-8")), page.name)
    hits += jargon("\n".join(xlsx_texts((out / "rekap.xlsx").read_bytes())), "rekap.xlsx")
    assert hits == []


def test_visible_html_skips_scripts():
    assert "x_y" not in visible_html("<p>a</p><script>var x_y = 1;</script><style>.a_b{}</style>")
    assert "judul" in visible_html('<img alt="judul">')
