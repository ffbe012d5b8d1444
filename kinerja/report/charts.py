"""Charts for the reports (matplotlib; seaborn for heat maps and histograms): Indonesian labels, id-ID tick formats, embedded as PNG.

Every helper draws on its own :class:`matplotlib.figure.Figure` (never through ``pyplot``), so no
figure is left open in the kernel and the backend does not matter (inline in JupyterLab, Agg under
Papermill and Voila). A helper returns a :class:`Chart`: the PNG bytes plus the title and the
"Sumber data" line; ``Chart._repr_html_`` embeds the image as a ``data:`` URI so the HTML, the slide
deck and the Voila page all work offline.

The style aims at a forum projector: a clear title, labelled axes, values written on the bars, no
chart junk (no top/right spines, a light grid only along the value axis).
"""

from __future__ import annotations

import base64
import colorsys
import html
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import matplotlib as mpl
import matplotlib.colors as mcolors
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kinerja.domain.months import BULAN_SINGKAT
from kinerja.report.formatting import fmt_number, fmt_percent

__all__ = [
    "Chart",
    "css_width",
    "bar_chart",
    "heatmap_chart",
    "histogram_chart",
    "id_formatter",
    "line_chart",
    "value_axis",
]

PALETTE = "colorblind"
#: seaborn's "colorblind" palette (the hue colours of bar and line charts)
COLORBLIND = (
    "#0173b2",
    "#de8f05",
    "#029e73",
    "#d55e00",
    "#cc78bc",
    "#ca9161",
    "#fbafe4",
    "#949494",
    "#ece133",
    "#56b4e9",
)
#: seaborn's ``axes_style("whitegrid")`` with a lighter grid: the look of every chart
STYLE = {
    "figure.facecolor": "white",
    "axes.labelcolor": ".15",
    "xtick.direction": "out",
    "ytick.direction": "out",
    "xtick.color": ".15",
    "ytick.color": ".15",
    "axes.axisbelow": True,
    "grid.linestyle": "-",
    "text.color": ".15",
    "font.family": ["sans-serif"],
    "font.sans-serif": [
        "Arial",
        "DejaVu Sans",
        "Liberation Sans",
        "Bitstream Vera Sans",
        "sans-serif",
    ],
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "xtick.top": False,
    "ytick.right": False,
    "axes.grid": True,
    "axes.facecolor": "white",
    "axes.edgecolor": "#888888",
    "grid.color": "#e3e3e3",
    "axes.spines.left": True,
    "axes.spines.bottom": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "xtick.bottom": False,
    "ytick.left": False,
    # U+2212 on the axes, as in the tables (formatted numbers go through _minus)
    "axes.unicode_minus": True,
    # labels come from data: "$x^2$" is drawn as typed, never parsed as math text (issue 12)
    "text.parse_math": False,
}
#: bars are drawn at 75 % saturation, as seaborn's barplot does
BAR_SATURATION = 0.75
ACCENT = "#1f5f8b"
REFERENCE = "#b03a2e"
#: layout resolution: a chart of 8 inches is shown 880 CSS px wide on screen
DPI = 110
#: pixels per layout pixel of the PNG: printed 186 mm wide on A4 (the PDF), an 880 px chart had
#: about 121 ppi; twice the pixels give 220–240 ppi (sharp in print and on HiDPI screens) for
#: 10–100 ms more CPU per chart. The page still shows it 880 CSS px wide (``max-width``).
PIXEL_SCALE = 2
#: resolution of the PNG (pixels per inch of the figure)
PNG_DPI = DPI * PIXEL_SCALE


@dataclass
class Chart:
    """A rendered chart: PNG bytes, title, alt text and the "Sumber data" line.

    Attributes
    ----------
    png : bytes
        The image.
    title : str
        Chart title (also drawn inside the image).
    source : str
        Text after "Sumber data:" under the image.
    notes : list of str
        Extra footnotes (e.g. which groups were hidden).
    """

    png: bytes
    title: str
    source: str
    notes: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        notes = "".join(f'<div class="kinerja-note">{html.escape(n)}</div>' for n in self.notes)
        # on screen at its layout size, never wider than the page; in print (the report's
        # print stylesheet reads --print-width) at the figure's size: PNG_DPI or more
        width = css_width(self.png)
        inches = round(int.from_bytes(self.png[16:20], "big") / PNG_DPI, 3)
        return (
            '<figure class="kinerja-chart" style="margin:0.5em 0 1.2em 0">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.title, quote=True)}"'
            f' style="width:auto;max-width:min(100%,{width}px);height:auto;'
            f'--print-width:{inches}in"/>'
            f'<figcaption style="font-size:0.85em;color:#444">{notes}'
            f"Sumber data: {html.escape(self.source)}</figcaption></figure>"
        )

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"Grafik: {self.title} (Sumber data: {self.source})"


#: the minus sign of every number drawn (U+2212, as the tables write it)
MINUS = "\u2212"


def _minus(text: str) -> str:
    """``text`` with a leading hyphen-minus as U+2212; ``-0`` / ``-0,0`` lose the sign."""
    if not text.startswith("-"):
        return text
    if text.strip("-0,.%") == "":
        return text[1:]
    return MINUS + text[1:]


def id_formatter(decimals: int = 0, *, percent: bool = False) -> mticker.FuncFormatter:
    """Tick formatter writing numbers the Indonesian way (``1.234,5``; ``12,5%``; ``−3``).

    ``percent=True`` expects values in percent units (12.5 → ``12,5%``), like every
    ``persen_*`` column of kinerja. Negative numbers get U+2212, as in the tables.
    """
    text = _value_text(decimals, percent)
    return mticker.FuncFormatter(lambda v, _pos: text(v))


def _value_text(decimals: int, percent: bool) -> Callable[[float], str]:
    if percent:
        return lambda v: _minus(fmt_percent(v, decimals=decimals))
    return lambda v: _minus(fmt_number(v, decimals=decimals))


def _tick_decimals(step: float, decimals: int) -> int:
    """The fewest decimals (at least ``decimals``, at most 3) that tell ticks ``step`` apart."""
    d = decimals
    while d < 3 and step > 0 and round(step * 10**d, 6) % 1 != 0:
        d += 1
    return d


def value_axis(
    axis,
    *,
    decimals: int,
    percent: bool = False,
    integer: bool = False,
    lo: float | None = None,
    hi: float | None = None,
    all_zero: bool = False,
) -> None:
    """Ticks of a value axis that are never repeated and never fractional for counts.

    ``integer=True`` (counts) puts ticks on whole numbers only; otherwise the tick labels get
    as many decimals as their spacing needs (at least ``decimals``), so "0, 0, 1, 1" cannot
    appear. An axis whose data are all zero (``all_zero``) gets the range 0–1 (0–100 %)
    instead of a span around 0.
    """
    ax = axis.axes
    get = ax.get_xlim if axis is ax.xaxis else ax.get_ylim
    set_ = ax.set_xlim if axis is ax.xaxis else ax.set_ylim
    a, b = get()
    a = a if lo is None else lo
    b = b if hi is None else hi
    if all_zero or abs(b - a) < 1e-12:
        a, b = 0.0, 100.0 if percent else 1.0
    set_(a, b)
    if integer:
        axis.set_major_locator(mticker.MaxNLocator(nbins="auto", integer=True, min_n_ticks=2))
        axis.set_major_formatter(id_formatter(0, percent=percent))
        return
    axis.set_major_locator(mticker.MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10]))
    locs = [v for v in axis.get_major_locator().tick_values(a, b) if a - 1e-9 <= v <= b + 1e-9]
    step = min((y - x for x, y in zip(locs, locs[1:], strict=False)), default=1.0)
    axis.set_major_formatter(id_formatter(_tick_decimals(step, decimals), percent=percent))


def wrap_label(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (words kept whole)."""
    text = str(text)
    if len(text) <= width:
        return text
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def _new_figure(width: float, height: float) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    return fig, ax


def _title_width(fig: Figure, fontsize: float = 13) -> int:
    """Characters of a bold title that fit the figure's width (about 0,62 em per character)."""
    width_pt = fig.get_figwidth() * 72 * 0.96
    return max(20, int(width_pt / (fontsize * 0.62)))


def _finish(fig: Figure, ax, *, title: str, source: str, notes: Sequence[str] = ()) -> Chart:
    # figure-level title, left-aligned, wrapped to the figure: never cut by long category
    # labels or a narrow figure
    fig.suptitle(
        wrap_label(title, _title_width(fig)), x=0.01, ha="left", fontsize=13, fontweight="bold"
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return Chart(png=_png(fig), title=title, source=source, notes=list(notes))


#: callables run on every figure right after it is drawn (tests measure text positions)
FIGURE_HOOKS: list[Callable[[Figure], None]] = []


def css_width(png: bytes) -> int:
    """CSS width (px) at which a chart PNG is shown: its pixel width over :data:`PIXEL_SCALE`."""
    return max(1, round(int.from_bytes(png[16:20], "big") / PIXEL_SCALE))


def _png(fig: Figure) -> bytes:
    """The figure as an opaque PNG at :data:`PNG_DPI`, drawn once.

    ``Figure.savefig`` runs the constrained layout in a draw pass of its own and then draws
    again to render; one ``canvas.draw()`` does both (same pixels, about a fifth less time per
    chart). The background is opaque white, so the alpha channel is dropped. A palette keeps
    the sharper PNG as light as the old RGB one: exact for at most 256 colours (most charts),
    else the 256 most used (an anti-aliased edge moves a few levels: at most 13 of 255 on six
    crossing lines). The palette costs about 40–130 ms of CPU per chart.
    """
    from PIL import Image

    fig.set_dpi(PNG_DPI)  # layout in points: only the pixel density changes
    canvas = fig.canvas
    canvas.draw()
    from kinerja.protect import check_figure  # text drawn into an image is never scanned later

    check_figure(fig)
    for hook in FIGURE_HOOKS:  # e.g. the layout test measures every drawn figure
        hook(fig)
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image = image.convert("RGB")
    colours = image.getcolors(256)  # None: more than 256
    image = image.quantize(
        256 if colours is None else len(colours),
        method=Image.Quantize.MAXCOVERAGE,
        dither=Image.Dither.NONE,
    )
    image.save(buf, format="png", dpi=(PNG_DPI, PNG_DPI))
    return buf.getvalue()


def _legend_below(ax, *, title: str | None = None) -> None:
    """Legend under the figure, outside the data area (never covering a bar, a line or a label).

    Uses the constrained layout's ``"outside lower center"`` placement, so the space it needs is
    reserved below the x-axis label.
    """
    handles, labels = ax.get_legend_handles_labels()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    if not handles:
        return
    longest = max(len(str(lab)) for lab in labels)
    per_row = 3 if longest <= 24 else 2 if longest <= 40 else 1
    ax.figure.legend(
        handles,
        labels,
        title=title or None,
        loc="outside lower center",
        ncol=min(len(labels), per_row),
        frameon=False,
        fontsize=9,
        title_fontsize=9,
    )


def chart_style():
    """A matplotlib ``rc_context`` with the look of every report chart (:data:`STYLE`)."""
    return mpl.rc_context(STYLE)


def _desaturate(color: str, prop: float = BAR_SATURATION) -> tuple[float, float, float]:
    """``color`` with its HLS saturation multiplied by ``prop`` (seaborn.desaturate)."""
    h, lum, sat = colorsys.rgb_to_hls(*mcolors.to_rgb(color))
    return colorsys.hls_to_rgb(h, lum, sat * prop)


def _levels(values: pd.Series) -> list[str]:
    """Distinct values in order of appearance (categories in their order), without NA."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna().astype(str))
        return [str(c) for c in values.cat.categories if str(c) in present]
    return list(dict.fromkeys(values.dropna().astype(str)))


def draw_bars(
    ax,
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    order: Sequence[str],
    orient: Literal["h", "v"],
    colors: dict[str, object] | None,
    color: str,
    hue: str | None,
    hue_order: Sequence[str] | None,
) -> None:
    """Bars of the mean ``value`` per category (and hue level, side by side): seaborn's
    ``barplot(errorbar=None)`` layout — width 0.8, categories at 0, 1, ..., the first on top of
    a horizontal chart — drawn with matplotlib directly (no seaborn import, no per-group
    DataFrame round trips)."""
    pos = {c: i for i, c in enumerate(order)}
    frame = frame.loc[frame[category].isin(pos)]
    bar = ax.barh if orient == "h" else ax.bar
    if hue is None:
        means = frame.groupby(category, sort=False)[value].mean()
        cats = [c for c in order if c in means.index]
        x = np.array([pos[c] for c in cats], dtype=float)
        y = means.reindex(cats).to_numpy(dtype=float)
        face = [_desaturate(colors[c]) for c in cats] if colors else _desaturate(color)
        if orient == "h":
            bar(x - 0.4, y, height=0.8, align="edge", color=face)
        else:
            bar(x - 0.4, y, width=0.8, align="edge", color=face)
    else:
        frame = frame.assign(**{hue: frame[hue].astype("str")})
        levels = list(hue_order) if hue_order is not None else _levels(frame[hue])
        n = max(len(levels), 1)
        width = 0.8 / n
        means = frame.groupby([hue, category], sort=False)[value].mean()
        for i, level in enumerate(levels):
            sub = means.loc[level] if level in means.index.get_level_values(0) else None
            cats = [c for c in order if sub is not None and c in sub.index]
            x = np.array([pos[c] for c in cats], dtype=float) - 0.4 + i * width
            y = sub.reindex(cats).to_numpy(dtype=float) if sub is not None else np.array([])
            face = _desaturate(COLORBLIND[i % len(COLORBLIND)])
            if orient == "h":
                bar(x, y, height=width, align="edge", color=face, label=level)
            else:
                bar(x, y, width=width, align="edge", color=face, label=level)
    ticks = list(range(len(order)))
    axis = ax.yaxis if orient == "h" else ax.xaxis
    axis.set_ticks(ticks, labels=[str(c) for c in order])
    axis.grid(False)
    if orient == "h":
        ax.set_ylim(len(order) - 0.5, -0.5)
    else:
        ax.set_xlim(-0.5, len(order) - 0.5)


def bar_chart(
    data: pd.DataFrame,
    *,
    category: str,
    value: str,
    title: str,
    value_label: str,
    category_label: str = "",
    source: str,
    hue: str | None = None,
    hue_label: str | None = None,
    order: Sequence[str] | None = None,
    hue_order: Sequence[str] | None = None,
    orient: Literal["h", "v"] = "h",
    decimals: int = 1,
    percent: bool = False,
    reference: float | None = None,
    reference_label: str | None = None,
    annotate: bool = True,
    highlight: str | None = None,
    colors: dict[str, str] | None = None,
    value_max: float | None = None,
    value_min: float | None = None,
    tick_decimals: int | None = None,
    integer: bool | None = None,
    errors: tuple[str, str] | None = None,
    notes: Sequence[str] = (),
    width: float = 8.0,
) -> Chart:
    """Bar chart of ``value`` per ``category`` (horizontal by default, for long OPD names).

    Parameters
    ----------
    data : DataFrame
        One row per bar (per category and hue).
    category, value : str
        Column names of the category axis and the value axis.
    title, value_label, category_label : str
        Indonesian title and axis labels.
    source : str
        Text of the "Sumber data" line.
    reference : float, optional
        A reference line on the value axis (a standard, a threshold) with ``reference_label``.
    highlight : str, optional
        A category drawn in the accent colour, the others in grey (e.g. the OPD of this report).
    colors : dict, optional
        Colour per category (e.g. red for OPDs below a threshold); wins over ``highlight``.
    value_max, value_min : float, optional
        Limits of the value axis (e.g. 25 and 100 for IKM, whose scale starts at 25).
    tick_decimals : int, optional
        Fewest decimals of the value-axis ticks (default: 0 when the values exceed 10, else 1);
        more are used when the tick spacing needs them, so no tick label repeats.
    integer : bool, optional
        Ticks on whole numbers only (default: ``decimals == 0`` and not ``percent``: counts).
    errors : (str, str), optional
        Columns with the lower and upper end of an interval drawn as a whisker on each bar
        (e.g. the 95 % confidence interval of an IKM); only without ``hue``.
    """
    frame = data.dropna(subset=[value]).copy()
    if order is None:
        order = list(dict.fromkeys(frame[category].astype(str)))
    frame[category] = frame[category].astype(str)
    order = [str(c) for c in order]
    n = max(len(order), 1)
    longest_label = max((len(c) for c in order), default=0)
    if orient == "v" and longest_label > 18:
        orient = "h"  # long category names read better (and never collide) as rows
    lines = max((wrap_label(c, 34).count("\n") + 1 for c in order), default=1)
    height = max(2.2, (0.38 + 0.17 * (lines - 1)) * n + 1.4) if orient == "h" else 4.6
    fmt = _value_text(decimals, percent)
    if integer is None:
        integer = decimals == 0 and not percent
    with chart_style():
        fig, ax = _new_figure(width, height)
        palette = None
        if colors is not None and hue is None:
            palette = {c: colors.get(c, ACCENT) for c in order}
        elif highlight is not None and hue is None:
            palette = {c: (ACCENT if c == highlight else "#b8c4cc") for c in order}
        draw_bars(
            ax,
            frame,
            category=category,
            value=value,
            order=[str(c) for c in order],
            orient=orient,
            colors=palette,
            color=ACCENT,
            hue=hue,
            hue_order=hue_order,
        )
        if errors is not None and hue is None:
            _whiskers(
                ax, frame, category=category, value=value, order=order, errors=errors, orient=orient
            )
        axis_v = ax.xaxis if orient == "h" else ax.yaxis
        if tick_decimals is None:
            biggest = float(frame[value].abs().max()) if len(frame) else 0.0
            tick_decimals = 0 if (percent or biggest > 10 or decimals == 0) else 1
        if orient == "h":
            ax.set_xlabel(value_label)
            ax.set_ylabel(category_label)
            ax.grid(axis="y", visible=False)
            ax.yaxis.set_ticks(range(len(order)), labels=[wrap_label(c, 34) for c in order])
        else:
            ax.set_ylabel(value_label)
            ax.set_xlabel(category_label)
            ax.grid(axis="x", visible=False)
            if longest_label > 10:
                ax.xaxis.set_ticks(range(len(order)), labels=[wrap_label(c, 18) for c in order])
                ax.tick_params(axis="x", labelrotation=30)
                for lab in ax.get_xticklabels():
                    lab.set_horizontalalignment("right")
                    lab.set_rotation_mode("anchor")
        lo, hi = ax.get_xlim() if orient == "h" else ax.get_ylim()
        lo = min(lo, 0.0) if value_min is None else value_min
        hi = hi if value_max is None else value_max
        (ax.set_xlim if orient == "h" else ax.set_ylim)(lo, hi)
        if annotate:
            for container in ax.containers:
                ax.bar_label(
                    container,
                    labels=["" if not np.isfinite(v) else fmt(v) for v in container.datavalues],
                    padding=3,
                    fontsize=9,
                )
            lo, hi = ax.get_xlim() if orient == "h" else ax.get_ylim()
            room = (hi - lo) * 0.12  # the labels beyond the bar ends stay inside the axes
            if value_min is None and len(frame) and float(frame[value].min()) < 0:
                lo -= room
            if value_max is None:
                hi += room
            (ax.set_xlim if orient == "h" else ax.set_ylim)(lo, hi)
        all_zero = not len(frame) or bool((frame[value].abs() == 0).all())
        value_axis(
            axis_v, decimals=tick_decimals, percent=percent, integer=integer, all_zero=all_zero
        )
        if reference is not None:
            line = ax.axvline if orient == "h" else ax.axhline
            line(reference, color=REFERENCE, linestyle="--", linewidth=1.3, label=reference_label)
            if reference_label and hue is None:
                _legend_below(ax)
        if hue is not None:
            _legend_below(ax, title=hue_label)
        return _finish(fig, ax, title=title, source=source, notes=notes)


def _whiskers(
    ax,
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    order: Sequence[str],
    errors: tuple[str, str],
    orient: Literal["h", "v"],
) -> None:
    """An interval (e.g. a 95 % confidence interval) drawn as a black whisker on each bar."""
    pos = {c: i for i, c in enumerate(order)}
    rows = frame.loc[frame[category].isin(pos)].dropna(subset=list(errors))
    if rows.empty:
        return
    at = rows[category].map(pos).to_numpy(dtype=float)
    lo = rows[errors[0]].to_numpy(dtype=float)
    hi = rows[errors[1]].to_numpy(dtype=float)
    if orient == "h":
        ax.hlines(at, lo, hi, color="#222222", linewidth=1.2, zorder=3)
        ax.vlines(lo, at - 0.15, at + 0.15, color="#222222", linewidth=1.2, zorder=3)
        ax.vlines(hi, at - 0.15, at + 0.15, color="#222222", linewidth=1.2, zorder=3)
    else:
        ax.vlines(at, lo, hi, color="#222222", linewidth=1.2, zorder=3)
        ax.hlines(lo, at - 0.15, at + 0.15, color="#222222", linewidth=1.2, zorder=3)
        ax.hlines(hi, at - 0.15, at + 0.15, color="#222222", linewidth=1.2, zorder=3)


def line_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    y_label: str,
    x_label: str = "Bulan",
    source: str,
    hue: str | None = None,
    hue_label: str | None = None,
    decimals: int = 0,
    percent: bool = False,
    reference: float | None = None,
    reference_label: str | None = None,
    monthly: bool = True,
    months: tuple[object, object] | None = None,
    integer: bool | None = None,
    missing: Literal["gap", "zero"] | None = None,
    notes: Sequence[str] = (),
    width: float = 8.0,
) -> Chart:
    """Line chart over time; with ``monthly=True`` the x axis shows Indonesian month names.

    ``x`` holds datetimes (any day of the month when ``monthly``). With ``monthly`` every month
    from the first to the last (or of ``months``, a ``(first, last)`` pair) is on the axis; a
    month without a row is a gap in the line (never joined across), a row with 0 is drawn at 0.
    ``integer`` (default: ``decimals == 0`` and not ``percent``) puts the ticks of a count on
    whole numbers. ``missing`` says what a month without a row means: ``"gap"`` (no data: the
    line breaks) or ``"zero"`` (a count of events: none happened); default ``"zero"`` for
    counts (``integer``) and ``"gap"`` otherwise.
    """
    frame = data.dropna(subset=[y]).copy()
    frame[x] = pd.to_datetime(frame[x])
    if integer is None:
        integer = decimals == 0 and not percent
    if missing is None:
        missing = "zero" if integer else "gap"
    with chart_style():
        fig, ax = _new_figure(width, 3.8)
        grid = None
        if monthly:
            frame[x] = frame[x].dt.to_period("M").dt.to_timestamp()
            if months is not None:
                first, last = (pd.Timestamp(m).to_period("M") for m in months)
            elif len(frame):
                first, last = frame[x].min().to_period("M"), frame[x].max().to_period("M")
            else:
                first = last = None
            if first is not None:
                grid = pd.period_range(first, last, freq="M")
        draw_lines(
            ax,
            frame,
            x=x,
            y=y,
            hue=hue,
            grid=None if grid is None else grid.to_timestamp(),
            fill=0.0 if missing == "zero" else None,
        )
        if monthly and grid is not None:
            ticks = [m.to_timestamp() for m in grid]
            step = 1 if len(grid) <= 14 else 2 if len(grid) <= 28 else 3
            # the year under the first month and under every January; over more than a year
            # under every labelled month (a month name never repeats without its year)
            labels = [
                (
                    BULAN_SINGKAT[m.month - 1]
                    + (f"\n{m.year}" if i == 0 or m.month == 1 or len(grid) > 12 else "")
                )
                if i % step == 0 or m.month == 1
                else ""
                for i, m in enumerate(grid)
            ]
            ax.set_xticks(ticks, labels=labels)
            pad = pd.Timedelta(days=12)
            ax.set_xlim(ticks[0] - pad, ticks[-1] + pad)
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.grid(axis="x", visible=False)
        lo, hi = ax.get_ylim()
        data_min = float(frame[y].min()) if len(frame) else 0.0
        lo = 0.0 if data_min >= 0 else lo  # a count or share starts at 0, not below it
        if percent:
            lo, hi = min(0, lo), max(100.0, hi)
        else:
            lo, hi = min(0, lo), (hi * 1.05 if hi > 0 else 1)
        # tick labels need only the decimals their spacing asks for (values keep `decimals`)
        all_zero = not len(frame) or bool((frame[y].abs() == 0).all())
        value_axis(
            ax.yaxis, decimals=0, percent=percent, integer=integer, lo=lo, hi=hi, all_zero=all_zero
        )
        if reference is not None:
            ax.axhline(
                reference, color=REFERENCE, linestyle="--", linewidth=1.3, label=reference_label
            )
        if (hue is not None or reference_label) and ax.get_legend_handles_labels()[0]:
            _legend_below(ax, title=hue_label)
        return _finish(fig, ax, title=title, source=source, notes=notes)


def draw_lines(
    ax,
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None,
    grid: pd.Index | None = None,
    fill: float | None = None,
) -> None:
    """Mean ``y`` per ``x`` (per hue level), sorted by ``x``, with round markers: seaborn's
    ``lineplot(marker="o", errorbar=None)`` drawn with matplotlib directly. With ``grid`` (every
    x the axis shows) an x without a row is ``fill``, or NaN when ``fill`` is None: the line
    breaks there instead of joining."""
    style = {"marker": "o", "markeredgewidth": 0.75, "markeredgecolor": "w"}

    def series(rows: pd.DataFrame) -> pd.Series:
        line = rows.groupby(x)[y].mean().sort_index()
        if grid is None:
            return line
        return line.reindex(grid) if fill is None else line.reindex(grid, fill_value=fill)

    if hue is None:
        line = series(frame)
        ax.plot(line.index, line.to_numpy(dtype=float), color=ACCENT, **style)
        return
    for i, level in enumerate(_levels(frame[hue])):
        line = series(frame.loc[frame[hue].astype("str") == level])
        color = COLORBLIND[i % len(COLORBLIND)]
        ax.plot(line.index, line.to_numpy(dtype=float), color=color, label=level, **style)


def histogram_chart(
    values: pd.Series,
    *,
    title: str,
    x_label: str,
    y_label: str = "Jumlah pegawai",
    source: str,
    bins: int | Sequence[float] = 20,
    reference: float | None = None,
    reference_label: str | None = None,
    decimals: int = 0,
    notes: Sequence[str] = (),
    width: float = 8.0,
) -> Chart:
    """Histogram of one numeric column (e.g. JP per pegawai) with an optional reference line."""
    import seaborn as sns

    vals = pd.to_numeric(values, errors="coerce").dropna()
    with chart_style():
        fig, ax = _new_figure(width, 3.6)
        sns.histplot(x=vals.to_numpy(dtype=float), bins=bins, color=ACCENT, ax=ax)
        ax.xaxis.set_major_formatter(id_formatter(decimals))
        ax.yaxis.set_major_formatter(id_formatter(0))
        ax.yaxis.set_major_locator(mticker.MaxNLocator(integer=True))
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.grid(axis="x", visible=False)
        if reference is not None:
            ax.axvline(
                reference, color=REFERENCE, linestyle="--", linewidth=1.3, label=reference_label
            )
            if reference_label:
                _legend_below(ax)
        return _finish(fig, ax, title=title, source=source, notes=notes)


def heatmap_chart(
    pivot: pd.DataFrame,
    *,
    title: str,
    x_label: str,
    y_label: str,
    source: str,
    decimals: int = 0,
    annotate: bool = True,
    normalize_rows: bool = False,
    notes: Sequence[str] = (),
    width: float = 9.0,
) -> Chart:
    """Heat map of a pivot table (rows × columns), cells written in id-ID format.

    With ``normalize_rows`` the colour of a cell is its share of the row's largest value (rows
    of very different size stay readable); the numbers written are the raw values.
    """
    values = pivot.astype(float)
    shade = values.div(values.max(axis=1).replace(0, np.nan), axis=0) if normalize_rows else values
    import seaborn as sns

    n_rows, n_cols = values.shape
    height = max(2.5, 0.32 * n_rows + 1.6)
    annot = None
    if annotate and n_rows * n_cols <= 600:
        annot = values.map(lambda v: "" if pd.isna(v) else fmt_number(v, decimals=decimals))
    with chart_style():
        fig, ax = _new_figure(width, height)
        sns.heatmap(
            shade,
            annot=annot.to_numpy() if annot is not None else False,
            fmt="",
            cmap="crest",
            linewidths=0.5,
            linecolor="white",
            cbar=not normalize_rows,
            cbar_kws={"format": id_formatter(decimals)} if not normalize_rows else None,
            annot_kws={"fontsize": 7},
            ax=ax,
        )
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.tick_params(axis="x", labelrotation=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        return _finish(fig, ax, title=title, source=source, notes=notes)
