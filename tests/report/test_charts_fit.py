"""No chart text is cut or overlaps (issue 13 items 3 and 10), measured with matplotlib's renderer.

Every chart of the sample's DPMPTSP report (all sections, the bottleneck explorer with its process
map) and of the city overview, plus a hostile fixture (very long titles and labels, negative
values, all-zero and tiny counts, months without data), is drawn through the real helpers; a hook
of :data:`kinerja.report.charts.FIGURE_HOOKS` measures each figure right after it is drawn:

- every visible text's bounding box lies inside the figure (nothing cut);
- no two tick labels of an axis overlap, and no tick label is repeated;
- count axes carry whole-number ticks only; every number drawn uses U+2212, never "-".
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from kinerja.report import charts

TOLERANCE_PX = 1.0


def _drawn_ticks(axis) -> list:
    """The ticks matplotlib draws (those inside the view); the other tick objects of an axis
    keep stale positions and labels and are never drawn."""
    return list(axis._update_ticks())


def _visible_texts(fig: Figure) -> list[Text]:
    undrawn: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            drawn = {id(t) for t in _drawn_ticks(axis)} if _axis_drawn(axis) else set()
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                if id(tick) not in drawn:
                    undrawn.update({id(tick.label1), id(tick.label2)})
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in undrawn
    ]


def _axis_drawn(axis) -> bool:
    return axis.axes.axison and axis.get_visible()


def _shown_tick_labels(axis) -> list[Text]:
    if not _axis_drawn(axis):
        return []
    return [
        t.label1
        for t in _drawn_ticks(axis)
        if t.label1.get_visible() and t.label1.get_text().strip()
    ]


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 - 1 and b.x0 < a.x1 - 1 and a.y0 < b.y1 - 1 and b.y0 < a.y1 - 1


def measure(fig: Figure) -> list[str]:
    """Problems of one drawn figure (empty when it fits)."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    title = fig._suptitle.get_text() if fig._suptitle is not None else "?"
    problems = []
    for t in _visible_texts(fig):
        bb = t.get_window_extent(renderer)
        if (
            bb.x0 < -TOLERANCE_PX
            or bb.y0 < -TOLERANCE_PX
            or bb.x1 > width + TOLERANCE_PX
            or bb.y1 > height + TOLERANCE_PX
        ):
            problems.append(f"{title!r}: text {t.get_text()!r} cut ({bb} vs {width}×{height})")
        if re.search(r"(^|[\s(])-\d", t.get_text()):
            problems.append(f"{title!r}: hyphen-minus in {t.get_text()!r}")
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = _shown_tick_labels(axis)
            texts = [lab.get_text() for lab in labels]
            if len(set(texts)) != len(texts):
                problems.append(f"{title!r}: repeated tick labels {texts}")
            boxes = [lab.get_window_extent(renderer) for lab in labels]
            for (a, ta), (b, tb) in itertools.combinations(zip(boxes, texts, strict=True), 2):
                if _overlap(a, b):
                    problems.append(f"{title!r}: tick labels {ta!r} and {tb!r} overlap")
            # the values written on bars never run into a tick label
            for t in ax.texts:
                if not (t.get_visible() and t.get_text().strip()):
                    continue
                bb = t.get_window_extent(renderer)
                for box, text in zip(boxes, texts, strict=True):
                    if _overlap(bb, box):
                        problems.append(f"{title!r}: {t.get_text()!r} runs into tick {text!r}")
    return problems


@pytest.fixture
def measured():
    """Figures drawn while the test runs: (title, problems) per figure."""
    seen: list[tuple[str, list[str]]] = []

    def hook(fig: Figure) -> None:
        title = fig._suptitle.get_text() if fig._suptitle is not None else ""
        seen.append((title, measure(fig)))

    charts.FIGURE_HOOKS.append(hook)
    try:
        yield seen
    finally:
        charts.FIGURE_HOOKS.remove(hook)


def _assert_fit(seen: list[tuple[str, list[str]]], at_least: int) -> None:
    assert len(seen) >= at_least, [t for t, _ in seen]
    problems = [p for _, ps in seen for p in ps]
    assert problems == []


# ---------------------------------------------------------------------------------------------
# the hostile fixture
# ---------------------------------------------------------------------------------------------
LONG = (
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Salatiga bagian layanan "
    "perizinan berusaha berbasis risiko"
)
TITLE = (
    "Porsi waktu per tahap pada permohonan yang melewati jangka waktu standar pelayanan: "
    "Persetujuan Bangunan Gedung dan Sertifikat Laik Fungsi untuk bangunan gedung umum, "
    "Triwulan IV 2025"
)


def test_hostile_charts_fit(measured):
    cats = pd.DataFrame(
        {
            "kategori": [f"{LONG} {i}" for i in range(12)],
            "nilai": np.linspace(-3.5, 7.25, 12),
        }
    )
    charts.bar_chart(
        cats,
        category="kategori",
        value="nilai",
        title=TITLE,
        value_label="Perubahan (poin)",
        source="uji",
        decimals=2,
    )
    charts.bar_chart(
        cats.assign(nilai=0.0),
        category="kategori",
        value="nilai",
        title=TITLE,
        value_label="Jumlah",
        source="uji",
        decimals=0,
        orient="v",
    )
    # tiny counts: 0, 1, 2, 3 must not give "0, 0, 1, 2, 2, 2, 3"
    small = pd.DataFrame({"k": list("ABCD"), "n": [0, 1, 2, 3]})
    charts.bar_chart(
        small,
        category="k",
        value="n",
        title="Jumlah kecil",
        value_label="Jumlah",
        source="uji",
        decimals=0,
        orient="v",
    )
    charts.bar_chart(
        small,
        category="k",
        value="n",
        title="Jumlah kecil",
        value_label="Jumlah",
        source="uji",
        decimals=0,
    )
    months = pd.DataFrame(
        {
            "bulan": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-06-01", "2025-03-01"] * 2),
            "n": [0, 2, 1, 0, 3, 0, 0, 1],
            "seri": [LONG[:40]] * 4 + ["Selesai dengan sangat panjang namanya sekali"] * 4,
        }
    )
    charts.line_chart(
        months,
        x="bulan",
        y="n",
        hue="seri",
        hue_label="Seri",
        title=TITLE,
        y_label="Jumlah permohonan",
        source="uji",
    )
    charts.line_chart(
        months.assign(n=0), x="bulan", y="n", title="Semua nol", y_label="Jumlah", source="uji"
    )
    charts.line_chart(
        months.assign(n=months["n"] * 12.5),
        x="bulan",
        y="n",
        title="Persen",
        y_label="Persen",
        source="uji",
        percent=True,
        decimals=1,
        reference=50,
        reference_label="Target 50%",
    )
    _assert_fit(measured, 7)


def test_count_axes_have_whole_ticks_and_all_zero_axes_are_sane():
    small = pd.DataFrame({"k": list("ABCD"), "n": [0, 1, 2, 3]})
    axes: list = []
    charts.FIGURE_HOOKS.append(lambda fig: axes.append(fig.axes[0]))
    try:
        charts.bar_chart(
            small,
            category="k",
            value="n",
            title="t",
            value_label="Jumlah",
            source="uji",
            decimals=0,
        )
        charts.bar_chart(
            small.assign(n=0),
            category="k",
            value="n",
            title="t",
            value_label="Jumlah",
            source="uji",
            decimals=0,
            annotate=False,
        )
    finally:
        charts.FIGURE_HOOKS.pop()
    ticks = [lab.get_text() for lab in _shown_tick_labels(axes[0].xaxis)]
    assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks), ticks
    assert len(set(ticks)) == len(ticks)
    # all zero: the axis runs 0–1 with ticks 0 and 1, not "0,0" five times
    assert axes[1].get_xlim() == (0.0, 1.0)
    assert [lab.get_text() for lab in _shown_tick_labels(axes[1].xaxis)] == ["0", "1"]


def test_numbers_use_unicode_minus():
    fmt = charts.id_formatter(1)
    assert fmt(-2.5, 0) == "\u22122,5"
    assert fmt(-0.01, 0) == "0,0"  # no "-0,0"
    assert charts.id_formatter(0, percent=True)(-12, 0) == "\u221212%"


def test_monthly_gaps_are_not_joined_and_zeros_are_drawn():
    frame = pd.DataFrame(
        {"bulan": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-05-01"]), "y": [1.5, 0.0, 2.0]}
    )
    lines: list = []
    charts.FIGURE_HOOKS.append(lambda fig: lines.append(fig.axes[0].lines[0].get_ydata()))
    try:
        charts.line_chart(
            frame, x="bulan", y="y", title="t", y_label="y", source="uji", decimals=1
        )  # a median: a month without data is a gap
        charts.line_chart(
            frame.assign(y=[1, 0, 2]), x="bulan", y="y", title="t", y_label="n", source="uji"
        )  # a count: a month without a row is zero
    finally:
        charts.FIGURE_HOOKS.pop()
    gap, zero = (np.asarray(v, dtype=float) for v in lines)
    # January to May: five points
    assert len(gap) == 5 and np.isnan(gap[2]) and np.isnan(gap[3]) and gap[1] == 0.0
    assert list(zero) == [1.0, 0.0, 0.0, 0.0, 2.0]


# ---------------------------------------------------------------------------------------------
# every chart of the sample's DPMPTSP report, its bottleneck explorer and the city overview
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample(sample_dir: Path):
    from kinerja.data.dataset import load
    from kinerja.metrics.store import ReportData

    return ReportData(load(sample_dir), source=str(sample_dir))


@pytest.mark.slow
def test_every_sample_chart_fits(sample, measured):
    from kinerja.report.registry import sections_hambatan, sections_opd
    from kinerja.report.sections.kota import sections_kota

    per = sample.periode("2025")
    sections_opd(sample, kode_opd="DPMPTSP", periode=per)
    sections_hambatan(sample, kode_opd="DPMPTSP", periode=per)
    sections_kota(sample, periode=per)
    titles = [t for t, _ in measured]
    assert any(t.startswith("Peta proses") for t in titles), titles
    assert any(t.startswith("IKM per perangkat daerah") for t in titles), titles
    _assert_fit(measured, 10)
