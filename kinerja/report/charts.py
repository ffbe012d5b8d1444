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
    "bar_chart",
    "heatmap_chart",
    "histogram_chart",
    "id_formatter",
    "line_chart",
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
}
#: bars are drawn at 75 % saturation, as seaborn's barplot does
BAR_SATURATION = 0.75
ACCENT = "#1f5f8b"
REFERENCE = "#b03a2e"
DPI = 110


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
        return (
            '<figure class="kinerja-chart" style="margin:0.5em 0 1.2em 0">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.title, quote=True)}"'
            ' style="max-width:100%;height:auto"/>'
            f'<figcaption style="font-size:0.85em;color:#444">{notes}'
            f"Sumber data: {html.escape(self.source)}</figcaption></figure>"
        )

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"Grafik: {self.title} (Sumber data: {self.source})"


def id_formatter(decimals: int = 0, *, percent: bool = False) -> mticker.FuncFormatter:
    """Tick formatter writing numbers the Indonesian way (``1.234,5``; ``12,5%``).

    ``percent=True`` expects values in percent units (12.5 → ``12,5%``), like every
    ``persen_*`` column of kinerja.
    """
    if percent:
        return mticker.FuncFormatter(lambda v, _pos: fmt_percent(v, decimals=decimals))
    if decimals == 0:
        return mticker.FuncFormatter(lambda v, _pos: fmt_number(round(v), decimals=0))
    return mticker.FuncFormatter(lambda v, _pos: fmt_number(v, decimals=decimals))


def _value_text(decimals: int, percent: bool) -> Callable[[float], str]:
    if percent:
        return lambda v: fmt_percent(v, decimals=decimals)
    return lambda v: fmt_number(v, decimals=decimals)


def _new_figure(width: float, height: float) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    return fig, ax


def _finish(fig: Figure, ax, *, title: str, source: str, notes: Sequence[str] = ()) -> Chart:
    # figure-level title, left-aligned: never cut by long category labels
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return Chart(png=_png(fig), title=title, source=source, notes=list(notes))


def _png(fig: Figure) -> bytes:
    """The figure as an RGB PNG, drawn once.

    ``Figure.savefig`` runs the constrained layout in a draw pass of its own and then draws
    again to render; one ``canvas.draw()`` does both (same pixels, about a fifth less time per
    chart). The figure background is opaque white, so the alpha channel is dropped.
    """
    from PIL import Image

    canvas = fig.canvas
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="png", dpi=(DPI, DPI))
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
    tick_decimals: int | None = None,
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
    value_max : float, optional
        Upper limit of the value axis (e.g. 100 for IKM).
    tick_decimals : int, optional
        Decimals of the value-axis ticks (default: 0 when the values exceed 10, else 1).
    """
    frame = data.dropna(subset=[value]).copy()
    if order is None:
        order = list(dict.fromkeys(frame[category].astype(str)))
    frame[category] = frame[category].astype(str)
    n = max(len(order), 1)
    height = max(2.2, 0.38 * n + 1.4) if orient == "h" else 4.2
    fmt = _value_text(decimals, percent)
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
        value_axis = ax.xaxis if orient == "h" else ax.yaxis
        if tick_decimals is None:
            biggest = float(frame[value].abs().max()) if len(frame) else 0.0
            tick_decimals = 0 if (percent or biggest > 10 or decimals == 0) else 1
        value_axis.set_major_formatter(id_formatter(tick_decimals, percent=percent))
        if orient == "h":
            ax.set_xlabel(value_label)
            ax.set_ylabel(category_label)
            ax.grid(axis="y", visible=False)
            if value_max is not None:
                ax.set_xlim(0, value_max)
        else:
            ax.set_ylabel(value_label)
            ax.set_xlabel(category_label)
            ax.grid(axis="x", visible=False)
            if value_max is not None:
                ax.set_ylim(0, value_max)
            if max((len(str(c)) for c in order), default=0) > 10:
                ax.tick_params(axis="x", labelrotation=30)
                for lab in ax.get_xticklabels():
                    lab.set_horizontalalignment("right")
        if annotate:
            for container in ax.containers:
                ax.bar_label(
                    container,
                    labels=["" if not np.isfinite(v) else fmt(v) for v in container.datavalues],
                    padding=3,
                    fontsize=9,
                )
            if orient == "h":
                lo, hi = ax.get_xlim()
                ax.set_xlim(lo, hi + (hi - lo) * 0.08)
            else:
                lo, hi = ax.get_ylim()
                ax.set_ylim(lo, hi + (hi - lo) * 0.08)
        if reference is not None:
            line = ax.axvline if orient == "h" else ax.axhline
            line(reference, color=REFERENCE, linestyle="--", linewidth=1.3, label=reference_label)
            if reference_label and hue is None:
                _legend_below(ax)
        if hue is not None:
            _legend_below(ax, title=hue_label)
        return _finish(fig, ax, title=title, source=source, notes=notes)


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
    notes: Sequence[str] = (),
    width: float = 8.0,
) -> Chart:
    """Line chart over time; with ``monthly=True`` the x axis shows Indonesian month names.

    ``x`` holds datetimes (any day of the month when ``monthly``).
    """
    frame = data.dropna(subset=[y]).copy()
    frame[x] = pd.to_datetime(frame[x])
    with chart_style():
        fig, ax = _new_figure(width, 3.8)
        draw_lines(ax, frame, x=x, y=y, hue=hue)
        ax.yaxis.set_major_formatter(id_formatter(decimals, percent=percent))
        if monthly:
            months = sorted(frame[x].dt.to_period("M").unique())
            ticks = [m.to_timestamp() for m in months]
            ax.set_xticks(ticks)
            # the year under the first month and under every January
            ax.set_xticklabels(
                [
                    BULAN_SINGKAT[m.month - 1] + (f"\n{m.year}" if i == 0 or m.month == 1 else "")
                    for i, m in enumerate(months)
                ]
            )
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.grid(axis="x", visible=False)
        lo, hi = ax.get_ylim()
        if percent:
            ax.set_ylim(min(0, lo), max(100.0, hi))
        else:
            ax.set_ylim(min(0, lo), hi * 1.05 if hi > 0 else 1)
        if reference is not None:
            ax.axhline(
                reference, color=REFERENCE, linestyle="--", linewidth=1.3, label=reference_label
            )
        if (hue is not None or reference_label) and ax.get_legend_handles_labels()[0]:
            _legend_below(ax, title=hue_label)
        return _finish(fig, ax, title=title, source=source, notes=notes)


def draw_lines(ax, frame: pd.DataFrame, *, x: str, y: str, hue: str | None) -> None:
    """Mean ``y`` per ``x`` (per hue level), sorted by ``x``, with round markers: seaborn's
    ``lineplot(marker="o", errorbar=None)`` drawn with matplotlib directly."""
    style = {"marker": "o", "markeredgewidth": 0.75, "markeredgecolor": "w"}
    if hue is None:
        line = frame.groupby(x)[y].mean().sort_index()
        ax.plot(line.index, line.to_numpy(dtype=float), color=ACCENT, **style)
        return
    for i, level in enumerate(_levels(frame[hue])):
        rows = frame.loc[frame[hue].astype("str") == level]
        line = rows.groupby(x)[y].mean().sort_index()
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
