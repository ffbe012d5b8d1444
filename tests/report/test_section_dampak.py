"""The Dampak section of the per-OPD forum report against numbers worked out by hand.

The tiny hand-built folder of :mod:`fixtures.section_data` (two OPDs, period 2025, report date
15 January 2026) gives the OPDs, the settings and the follow-up register (DINAS-UJI: TL4 done
15 October 2025, TL3 done 10 December 2025). The monitoring inputs of the section are set by
hand as the metric tables they are (``service_all``: the request table; ``waves``: one training
wave; ``pantau``: the complete months January–September 2025, no IKM quarters), so the
section's ``dampak`` and ``pantau_outcomes`` tables are computed by the real metric code from
requests whose statistics are easy to work out:

- January: 3 requests of 4 working days (fewer than k = 5 requests: not drawn for the forum);
- March, April, May (before the wave ending 24 June 2025): 10 requests a month, 7 working days
  each, 6 of 10 on time;
- July, August, September (after it): 10 requests a month, 2 working days each, 9 of 10 on time.
  Each request finishes in the month it starts.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from fixtures.section_data import DINAS, PERIODE, TODAY, write_params, write_section_folder

from kinerja.data.dataset import load
from kinerja.domain.params import default_params_dir
from kinerja.domain.settings import load_settings
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import Block
from kinerja.report.registry import SECTIONS, sections_for

SPEC = {s.key: s for s in SECTIONS}["dampak"]
MONTHS = list(pd.date_range("2025-01-01", "2025-09-01", freq="MS"))


def _requests() -> pd.DataFrame:
    rows = []

    def month(start: str, n: int, days: int, on_time: int) -> None:
        for i in range(n):
            day = pd.Timestamp(start) + pd.Timedelta(days=i)
            rows.append(
                {
                    "kode_opd": DINAS,
                    "jenis_layanan": "Izin A",
                    "mulai": day,
                    "selesai": day + pd.Timedelta(days=days),
                    "hari_kerja": days,
                    "tepat_waktu": i < on_time,
                    "dalam_proses": False,
                }
            )

    month("2025-01-02", 3, 4, 3)
    for m in ("2025-03-03", "2025-04-01", "2025-05-02"):
        month(m, 10, 7, 6)
    for m in ("2025-07-01", "2025-08-01", "2025-09-01"):
        month(m, 10, 2, 9)
    out = pd.DataFrame(rows)
    out["hari_kerja"] = out["hari_kerja"].astype("Int64")
    out["tepat_waktu"] = out["tepat_waktu"].astype("boolean")
    return out


def _data(root, n_pegawai: int) -> ReportData:
    folder = write_section_folder(root / "data")
    params = write_params(root / "parameters", default_params_dir() / "hari_libur.csv")
    data = ReportData(
        load(folder), settings=load_settings(params), source="data uji tangan", today=TODAY
    )
    data._memo[("service_all", "")] = _requests()
    data._memo[("waves", "")] = pd.DataFrame(
        {
            "kode_opd": [DINAS],
            "wave_start": [pd.Timestamp("2025-06-02")],
            "wave_end": [pd.Timestamp("2025-06-24")],
            "n_pegawai": [n_pegawai],
            "n_dilatih": [n_pegawai],
            "porsi_dilatih": [1.0],
            "pelatihan_utama": ["Pelatihan Pelayanan Prima"],
        }
    )
    ikm = pd.DataFrame(
        columns=["kode_opd", "triwulan", "bulan", "ikm", "se", "ci_bawah", "ci_atas"]
        + ["n_responden", "cukup"]
    )
    data._memo[("pantau", "")] = {
        "charts": pd.DataFrame(),
        "ikm": ikm,
        "bulan": pd.DataFrame({"bulan": MONTHS}),
    }
    return data


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> ReportData:
    return _data(tmp_path_factory.mktemp("dampak"), n_pegawai=12)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> ReportData:
    return _data(tmp_path_factory.mktemp("dampak_kecil"), n_pegawai=4)


def _build(data: ReportData, audience: str = "forum") -> list:
    return SPEC.builder(data, kode_opd=DINAS, periode=PERIODE, audience=audience)


def _text(items: list) -> str:
    raw = " ".join(
        re.sub(r"<(style|svg)\b.*?</\1>", " ", b.html, flags=re.S)
        for b in items
        if isinstance(b, Block)
    )
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def _rows(items: list) -> list[list[str]]:
    for b in items:
        if isinstance(b, Block) and "<tbody>" in b.html:
            body = re.search(r"<tbody>(.*?)</tbody>", b.html, re.S).group(1)
            return [
                [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
                for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
            ]  # fmt: skip
    return []


def _points(items: list, title: str) -> list[str]:
    """Months drawn in the SVG panel called ``title``."""
    for b in items:
        for svg in re.findall(r"<svg\b.*?</svg>", getattr(b, "html", ""), re.S):
            if f"<title>{title}</title>" in svg:
                return re.findall(r'<circle data-bulan="([0-9-]+)"', svg)
    raise AssertionError(f"no panel {title!r}")


def test_registered_in_the_forum_report_after_the_follow_up():
    keys = [s.key for s in sections_for("laporan_opd")]
    assert keys.index("dampak") == keys.index("tindak_lanjut") + 1
    assert SPEC.controls == ("kode_opd", "periode")


def test_before_after_the_training_wave_by_hand(data):
    items = _build(data)
    text = _text(items)
    assert "Dampak: Apakah Keputusan Forum Berhasil?" in text
    # events up to the end of 2025: the wave (ends 24 June) and TL4 (15 Oct), TL3 (10 Dec)
    assert (
        "Tercatat 1 gelombang pelatihan dan 2 tanggal penyelesaian tindak lanjut sampai "
        "10 Desember 2025" in text
    )
    rows = _rows(items)
    # the event month (June) is left out: before = March–May, after = July–September
    # on time: before 3 × 6 = 18 of 30 = 60,0 %; after 3 × 9 = 27 of 30 = 90,0 %; +30,0 points.
    # Newcombe (hybrid score): Wilson 18/30 = [0,4232; 0,7541], 27/30 = [0,7438; 0,9654];
    # lower = 0,3 − √((0,9 − 0,7438)² + (0,7541 − 0,6)²) = 0,3 − √0,04815 = 0,0806 → +8,1
    # upper = 0,3 + √((0,9654 − 0,9)² + (0,6 − 0,4232)²) = 0,3 + √0,03553 = 0,4885 → +48,9
    assert rows[0] == [
        "Ketepatan waktu (%)",
        "Maret 2025 – Mei 2025",
        "60,0",
        "Juli 2025 – September 2025",
        "90,0",
        "+30,0 poin persen",
        "+8,1 s.d. +48,9",
        "membaik",
    ]
    # median lead time 7 → 2 working days; every resample of identical values has the same
    # median, so the bootstrap interval is the point −5,0
    assert rows[1][2:] == ["7,0", "Juli 2025 – September 2025", "2,0", "−5,0 hari kerja"] + [
        "−5,0 s.d. −5,0",
        "membaik",
    ]
    # permits: 30 finished in 3 months on each side = 10,0 a month; difference 0; Poisson
    # interval ± 1,96 × √(30/3² + 30/3²) = ± 1,96 × 2,582 = ± 5,06 → "belum jelas"
    assert rows[2][0] == "Izin/permohonan selesai per bulan"
    assert rows[2][2:] == ["10,0", "Juli 2025 – September 2025", "10,0", "0,0 per bulan"] + [
        "−5,1 s.d. +5,1",
        "belum jelas",
    ]
    assert len(rows) == 3  # no IKM quarter
    assert (
        "Sesudah gelombang pelatihan yang berakhir 24 Juni 2025, ketepatan waktu naik dari "
        "60,0% menjadi 90,0% (selisih +30,0 poin persen; selang kepercayaan 95% +8,1 s.d. "
        "+48,9); median waktu layanan turun dari 7,0 hari kerja menjadi 2,0 hari kerja" in text
    )
    assert "Perubahan Izin/permohonan selesai per bulan belum jelas" in text
    # plain Indonesian, regulation cited, no developer file named
    assert "UU 25/2009" in text and "PermenPANRB 14/2017" in text
    assert ".py" not in text and "kinerja." not in text


def test_chart_marks_the_events_and_hides_small_months_for_the_forum(data):
    forum, internal = _build(data), _build(data, "internal")
    chart = next(b for b in forum if isinstance(b, Block) and "kinerja-chart" in b.html)
    # the slides take a figure of class kinerja-chart as a chart of its own
    assert chart.html.lstrip().startswith('<figure class="kinerja-chart')
    assert chart.html.count('class="peristiwa pelatihan"') == 3  # one per outcome panel
    # January: 3 requests < k = 5: its median and on-time share are not drawn for the forum
    median = "Median waktu layanan (hari kerja)"
    assert _points(forum, median) == [f"2025-0{m}" for m in (3, 4, 5, 7, 8, 9)]
    assert _points(internal, median)[0] == "2025-01"
    # the count of finished requests is no statistic over them: drawn for every month with rows
    assert _points(forum, "Izin/permohonan selesai per bulan")[0] == "2025-01"


def test_a_small_unit_keeps_its_training_wave_out_of_the_forum(small):
    text = _text(_build(small))
    # 4 employees < k = 10: the wave is not shown and there is no comparison around it
    assert "1 gelombang pelatihan" not in text and "Pelayanan Prima" not in text
    assert "Tercatat 2 tanggal penyelesaian tindak lanjut" in text
    assert "kurang dari 10 pegawai (audiens forum)" in text
    assert "Sebelum dan sesudah" not in text
    # the internal audience sees it
    assert "Sesudah gelombang pelatihan yang berakhir 24 Juni 2025" in _text(
        _build(small, "internal")
    )


def test_tooltips_name_the_month_or_quarter_in_indonesian(data):
    svgs = " ".join(
        svg
        for b in _build(data)
        for svg in re.findall(r"<svg\b.*?</svg>", getattr(b, "html", ""), re.S)
    )
    tips = re.findall(r"<circle [^>]*><title>([^<]*)</title>", svgs)
    assert tips, "no points drawn"
    assert not [t for t in tips if re.match(r"\d{4}-\d{2}", t)], tips  # no ISO month
    months = (
        "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    )
    assert any(re.match(rf"({months}) 2025: ", t) for t in tips), tips
    # an IKM panel has one point per quarter, drawn at the quarter's last month
    from kinerja.report.monitoring.svg import panel_svg

    quarters = pd.DataFrame(
        {"bulan": pd.to_datetime(["2025-03-01", "2025-06-01"]), "ikm": [80.5, 82.25]}
    )
    svg = panel_svg(
        quarters, x="bulan", y="ikm", title="IKM", months=pd.date_range("2025-01-01", periods=6, freq="MS"),
        quarterly=True,
    )  # fmt: skip
    assert re.findall(r"<title>(Triwulan[^<]*)</title>", svg) == [
        "Triwulan I 2025: 80,5",
        "Triwulan II 2025: 82,3",  # half-up, as in the tables
    ]


def test_count_panel_labels_whole_ticks_up_to_both_ends():
    from kinerja.report.monitoring.svg import panel_svg

    months = pd.date_range("2025-01-01", periods=4, freq="MS")
    counts = pd.DataFrame({"bulan": months, "n": [360.0, 523.0, 644.0, 705.0]})
    svg = panel_svg(counts, x="bulan", y="n", title="Selesai", months=months, decimals=0)
    ticks = [int(t) for t in re.findall(r'text-anchor="end" fill="#555">([0-9.]+)</text>', svg)]
    # axis 360 − 27,6 … 705 + 27,6 = 332,4 … 732,6 (8 % padding): rounding the ends (332, 733)
    # would put them outside the axis; the labels are whole, inside, at both ends, none repeated
    assert ticks == sorted(set(ticks)) and len(ticks) == 4
    assert ticks[0] == 333 and ticks[-1] == 732
