"""The report says plainly which streams have no rows in its period, naming the periods that do.

The small valid folder of the data tests has SKM answers in May and August 2026 only; its other
streams reach November. A report for the fourth quarter of 2026 must say that SKM has no rows
then and where it has them; a report for the year has nothing to say.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.builders import valid_tables, write_folder

from kinerja.report.notebook import show

pytestmark = pytest.mark.slow  # whole reports with charts


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KINERJA_FOLDER_CACHE", str(tmp_path / "cache"))
    return write_folder(tmp_path / "data", valid_tables())


def test_the_report_names_the_periods_of_an_empty_stream(folder, capsys):
    show("laporan_opd", data_dir=folder, periode="2026-TW4", kode_opd="DISDUKCAPIL")
    out = capsys.readouterr().out
    notice = (
        "PERINGATAN: Tidak ada data survei kepuasan masyarakat (SKM) pada periode 2026-TW4 "
        "(Triwulan IV 2026); data survei kepuasan masyarakat (SKM) ada untuk periode: "
        "2026-TW2, 2026-TW3."
    )
    assert notice in out
    # under the title, before the first section
    assert out.index("Triwulan IV 2026") < out.index(notice) < out.index("Temuan Utama")
    assert "Tidak ada data pengaduan" not in out


def test_no_notice_when_every_stream_has_rows(folder, capsys):
    show("ringkasan_kota", data_dir=folder, periode="2026")
    out = capsys.readouterr().out
    assert "Tidak ada data" not in out
    assert "Kota Salatiga" in out
