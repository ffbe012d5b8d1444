"""kinerja.report.charts draws bars and lines with matplotlib directly: same geometry and colours as
seaborn's barplot/lineplot (which the charts used before), without importing seaborn."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kinerja.report import charts


def _ax():
    fig = Figure()
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def _bars(ax):
    return [
        (
            round(p.get_x(), 9),
            round(p.get_y(), 9),
            round(p.get_width(), 9),
            round(p.get_height(), 9),
            p.get_facecolor(),
        )
        for p in ax.patches
        # seaborn adds zero-size patches as legend handles
        if np.isfinite(p.get_width() * p.get_height()) and p.get_width() * p.get_height() != 0
    ]


FRAME = pd.DataFrame(
    {
        "opd": ["B", "A", "C", "A", "B"],
        "ukuran": ["Rata-rata", "Rata-rata", "Rata-rata", "P90", "P90"],
        "v": [2.0, 3.5, 4.0, 7.5, 5.0],
    }
)


@pytest.mark.parametrize("orient", ["h", "v"])
def test_grouped_bars_match_seaborn(orient):
    import seaborn as sns

    order = ["A", "B", "C"]
    kw = {"x": "v", "y": "opd"} if orient == "h" else {"x": "opd", "y": "v"}
    ref = _ax()
    with charts.chart_style():
        sns.barplot(
            data=FRAME,
            **kw,
            hue="ukuran",
            order=order,
            palette=charts.PALETTE,
            orient=orient,
            errorbar=None,
            ax=ref,
        )
        ours = _ax()
        charts.draw_bars(
            ours,
            FRAME,
            category="opd",
            value="v",
            order=order,
            orient=orient,
            colors=None,
            color=charts.ACCENT,
            hue="ukuran",
            hue_order=None,
        )
    assert _bars(ours) == _bars(ref)
    axis = (lambda a: a.get_ylim()) if orient == "h" else (lambda a: a.get_xlim())
    assert axis(ours) == pytest.approx(axis(ref))
    ticks = (lambda a: a.get_yticklabels()) if orient == "h" else (lambda a: a.get_xticklabels())
    assert [t.get_text() for t in ticks(ours)] == [t.get_text() for t in ticks(ref)] == order
    assert ours.get_legend_handles_labels()[1] == ["Rata-rata", "P90"]


def test_highlighted_bars_match_seaborn():
    import seaborn as sns

    one = FRAME.loc[FRAME["ukuran"] == "Rata-rata"]
    order = ["C", "A", "B", "D"]  # D has no row: a tick without a bar
    palette = {c: (charts.ACCENT if c == "A" else "#b8c4cc") for c in order}
    ref = _ax()
    with charts.chart_style():
        sns.barplot(
            data=one,
            x="v",
            y="opd",
            hue="opd",
            order=order,
            hue_order=order,
            palette=palette,
            orient="h",
            errorbar=None,
            legend=False,
            ax=ref,
        )
        ours = _ax()
        charts.draw_bars(
            ours,
            one,
            category="opd",
            value="v",
            order=order,
            orient="h",
            colors=palette,
            color=charts.ACCENT,
            hue=None,
            hue_order=None,
        )
    assert _bars(ours) == _bars(ref)
    assert ours.get_ylim() == pytest.approx(ref.get_ylim())


def test_lines_match_seaborn():
    import seaborn as sns

    months = pd.date_range("2025-01-01", periods=6, freq="MS")
    frame = pd.DataFrame(
        {
            "bulan": list(months[::-1]) + list(months),
            "n": np.r_[np.arange(6.0), np.arange(6.0) * 2],
            "seri": ["Selesai"] * 6 + ["Masuk"] * 6,
        }
    )
    for hue in (None, "seri"):
        data = frame if hue else frame.loc[frame["seri"] == "Masuk"]
        ref = _ax()
        sns.lineplot(
            data=data,
            x="bulan",
            y="n",
            hue=hue,
            marker="o",
            palette=charts.PALETTE if hue else None,
            color=None if hue else charts.ACCENT,
            errorbar=None,
            ax=ref,
        )
        ours = _ax()
        charts.draw_lines(ours, data, x="bulan", y="n", hue=hue)
        drawn = [line for line in ref.lines if len(line.get_xdata())]  # not legend handles
        assert len(ours.lines) == len(drawn)
        for a, b in zip(ours.lines, drawn, strict=True):
            np.testing.assert_array_equal(np.asarray(a.get_xydata()), np.asarray(b.get_xydata()))
            assert a.get_color() == b.get_color() or np.allclose(
                charts.mcolors.to_rgb(a.get_color()), charts.mcolors.to_rgb(b.get_color())
            )
            assert a.get_marker() == b.get_marker()
        assert ours.get_legend_handles_labels()[1] == ref.get_legend_handles_labels()[1]


def test_bar_and_line_charts_do_not_import_seaborn():
    code = (
        "import sys, pandas as pd\n"
        "from kinerja.report import charts\n"
        "df = pd.DataFrame({'k': ['a', 'b'], 'v': [1.0, 2.0], 'b': pd.to_datetime(['2025-01-01', '2025-02-01'])})\n"
        "c = charts.bar_chart(df, category='k', value='v', title='Judul', value_label='Nilai', source='uji')\n"
        "l = charts.line_chart(df, x='b', y='v', title='Judul', y_label='Nilai', source='uji')\n"
        "assert c.png[:8] == b'\\x89PNG\\r\\n\\x1a\\n' and l.png[:8] == c.png[:8]\n"
        "print('seaborn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_chart_png_is_opaque_rgb_at_the_chart_dpi():
    from io import BytesIO

    from PIL import Image

    chart = charts.bar_chart(
        FRAME,
        category="opd",
        value="v",
        hue="ukuran",
        title="Judul",
        value_label="Hari kerja",
        source="uji",
    )
    image = Image.open(BytesIO(chart.png))
    assert image.mode in ("RGB", "P")  # opaque; a palette when the chart has <= 256 colours
    assert image.width == round(8.0 * charts.PNG_DPI) == 2 * round(8.0 * charts.DPI)
    assert round(image.info["dpi"][0]) == charts.PNG_DPI
    assert f"max-width:min(100%,{round(8.0 * charts.DPI)}px)" in chart._repr_html_()
