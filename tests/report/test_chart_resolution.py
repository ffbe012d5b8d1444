"""Chart PNGs sharp enough for print (issue 13, item 2: "charts sharp").

A chart is drawn at :data:`kinerja.report.charts.PNG_DPI` (twice the layout resolution): an
8-inch chart is 1 760 px wide, about 240 ppi across the 186 mm text width of an A4 page (it was
880 px, 121 ppi). The page still shows it 880 CSS px wide, and prints it at the figure's own
size (``--print-width``). The PNG has a palette: exact when the chart has at most 256 colours,
within a few levels per channel on anti-aliased edges otherwise, so the sharper image is not
heavier than the old one.
"""

from __future__ import annotations

import re
from io import BytesIO

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from kinerja.report import charts


@pytest.fixture
def drawn():
    """The RGB pixels of every figure drawn while the test runs (the canvas, before the PNG)."""
    seen: list[np.ndarray] = []
    hook = lambda fig: seen.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())  # noqa: E731
    charts.FIGURE_HOOKS.append(hook)
    try:
        yield seen
    finally:
        charts.FIGURE_HOOKS.remove(hook)


def _pixels(chart: charts.Chart) -> tuple[Image.Image, np.ndarray]:
    image = Image.open(BytesIO(chart.png))
    return image, np.asarray(image.convert("RGB")).astype(int)


BARS = pd.DataFrame(
    {
        "opd": ["Dinas A", "Dinas B", "Dinas C"] * 2,
        "ukuran": ["Median"] * 3 + ["P90"] * 3,
        "v": [2.0, 3.5, 4.0, 7.5, 5.0, 6.0],
    }
)


def test_a_chart_has_twice_the_pixels_and_keeps_its_screen_size(drawn):
    chart = charts.bar_chart(
        BARS, category="opd", value="v", hue="ukuran", title="Uji", value_label="Hari", source="uji"
    )
    image, pixels = _pixels(chart)
    assert charts.PNG_DPI == 2 * charts.DPI == 220
    # 8 inches × 220 = 1 760 px: at 186 mm (7,32 in) of A4 text width, 240 ppi (≥ 200)
    assert image.width == 1760 and image.width / (186 / 25.4) >= 200
    assert round(image.info["dpi"][0]) == 220
    html = chart._repr_html_()
    assert "max-width:min(100%,880px)" in html  # on screen as wide as before
    assert "--print-width:8.0in" in html  # in print at the figure's size
    assert charts.css_width(chart.png) == 880
    # a palette, and exactly the drawn pixels (this chart has fewer than 256 colours)
    assert image.mode == "P"
    assert len(drawn) == 1 and drawn[0].shape == pixels.shape
    assert (pixels == drawn[0]).all()


def test_many_colours_are_quantised_within_a_few_levels(drawn):
    months = pd.date_range("2025-01-01", periods=12, freq="MS")
    rng = np.random.default_rng(7)
    rows = [
        {"bulan": m, "layanan": f"Layanan {k}", "n": int(v)}
        for k in range(6)
        for m, v in zip(months, rng.integers(0, 40, 12), strict=True)
    ]
    chart = charts.line_chart(
        pd.DataFrame(rows),
        x="bulan",
        y="n",
        hue="layanan",
        title="Permohonan per bulan",
        y_label="Permohonan",
        source="uji",
    )
    image, pixels = _pixels(chart)
    canvas = drawn[0]
    colours = {tuple(c) for c in canvas.reshape(-1, 3)}
    assert len(colours) > 256  # crossing anti-aliased lines: the lossy branch
    assert image.mode == "P"
    diff = np.abs(pixels - canvas).max(axis=2)
    assert diff.max() <= 16 and diff.mean() < 2
    # every series keeps its own colour (within a few levels), so no two lines merge
    palette = np.array(image.convert("RGB").getcolors(1 << 16), dtype=object)
    shown = np.array([c for _, c in palette], dtype=int)
    for hexcolour in charts.COLORBLIND[:6]:
        rgb = np.array([int(hexcolour[i : i + 2], 16) for i in (1, 3, 5)])
        assert np.abs(shown - rgb).max(axis=1).min() <= 16, hexcolour


def test_the_print_stylesheet_reads_the_print_width():
    from kinerja.report import export

    css = export.export_html(
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, title="x"
    )
    assert re.search(r"figure\.kinerja-chart img \{[^}]*var\(--print-width", css)
