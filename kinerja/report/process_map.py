"""The process map of a service (bottleneck explorer): stages, transitions and their waits.

Drawn with matplotlib alone, in the look of :mod:`kinerja.report.charts`: the stage order is known
(the most common path), so no graph-layout library is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.colors as mcolors
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kinerja.report.charts import DPI, Chart, _finish, _minus, chart_style, id_formatter, wrap_label
from kinerja.report.formatting import fmt_int, fmt_number, fmt_percent

__all__ = ["process_map_chart"]


def _label(ax, x: float, y: float, text: str) -> None:
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=8,
        color=".15",
        zorder=5,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
    )


def _curve(xa: float, xb: float, y0: float, height: float):
    """A quadratic Bézier from (xa, y0) to (xb, y0) whose middle reaches ``y0 + height``."""
    from matplotlib.path import Path

    ctrl = ((xa + xb) / 2, y0 + 2 * height)
    return Path([(xa, y0), ctrl, (xb, y0)], [Path.MOVETO, Path.CURVE3, Path.CURVE3])


def process_map_chart(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    title: str,
    source: str,
    notes: Sequence[str] = (),
    width: float = 10.0,
) -> Chart:
    """Process map: stages as boxes left to right, transitions as arrows (drawn with matplotlib).

    Parameters
    ----------
    nodes : DataFrame
        ``tahap`` (in path order, without the start/end nodes) and ``nilai`` (a share 0..1 the
        box is coloured by and states, e.g. the stage's share of late requests' time; NA = grey).
    edges : DataFrame
        ``dari, ke, n, median_tunggu_jam`` (:func:`kinerja.metrics.service.stage_transitions`);
        ``"Mulai"`` and ``"Selesai"`` are the start and end nodes. A NA wait is not written.

    Notes
    -----
    The stage order is known (the most common path), so no graph-layout library is needed: a
    transition to the next stage is a straight arrow, one that skips ahead an arc above (each
    on its own level), one going back (rework) an arc below, a stage repeated at once a loop
    above its box. Arrow width grows with the number of requests; arrow colour is the median
    wait (calendar hours) on the colour bar; each arrow is labelled "count · median wait".
    """
    from matplotlib.patches import FancyArrowPatch

    names = ["Mulai", *[str(t) for t in nodes["tahap"]], "Selesai"]
    step = 3.0
    width = max(width, min(14.0, 1.55 * len(names)))
    pos = {name: i * step for i, name in enumerate(names)}
    share = dict(zip(nodes["tahap"].astype(str), nodes["nilai"], strict=True))
    waits = pd.to_numeric(edges["median_tunggu_jam"], errors="coerce")
    top = float(waits.max()) if waits.notna().any() else 0.0
    norm = mcolors.Normalize(vmin=0.0, vmax=max(top, 1.0))
    cmap = mpl.colormaps["YlOrRd"]
    node_cmap = mpl.colormaps["Reds"]
    n_max = max(int(edges["n"].max()) if len(edges) else 1, 1)
    rows = [e for e in edges.itertuples(index=False) if str(e.dari) in pos and str(e.ke) in pos]
    has_loop = any(str(e.dari) == str(e.ke) for e in rows)
    over = sorted(
        (e for e in rows if pos[str(e.ke)] - pos[str(e.dari)] > step + 1e-9),
        key=lambda e: (pos[str(e.ke)] - pos[str(e.dari)], pos[str(e.dari)]),
    )
    under = sorted(
        (e for e in rows if pos[str(e.ke)] < pos[str(e.dari)]),
        key=lambda e: (pos[str(e.dari)] - pos[str(e.ke)], pos[str(e.ke)]),
    )
    first_level = 1.35 if has_loop else 0.8
    level_gap = 0.5
    y_top = first_level + level_gap * max(len(over) - 1, 0) + 0.5
    y_bottom = -(0.8 + level_gap * max(len(under) - 1, 0) + 0.5) if under else -0.9
    height = 1.2 + 0.55 * (y_top - y_bottom)
    with chart_style():
        fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_xlim(-1.0, pos["Selesai"] + 1.0)
        ax.set_ylim(y_bottom, y_top)
        for name, x0 in pos.items():
            value = share.get(name)
            known = name not in ("Mulai", "Selesai") and value is not None and pd.notna(value)
            if name in ("Mulai", "Selesai"):
                face, label = "#e8ecef", name
            elif not known:
                face, label = "#d9d9d9", wrap_label(name, 14)
            else:
                face = node_cmap(0.15 + 0.7 * float(value))
                label = f"{wrap_label(name, 14)}\n{fmt_percent(float(value) * 100, 1)}"
            ax.text(
                x0,
                0,
                label,
                ha="center",
                va="center",
                fontsize=9,
                color="white" if known and float(value) > 0.45 else ".1",
                bbox={"boxstyle": "round,pad=0.45", "fc": face, "ec": "#555555", "lw": 0.8},
                zorder=4,
            )

        def style(e) -> tuple[object, float, str]:
            wait = float(e.median_tunggu_jam) if pd.notna(e.median_tunggu_jam) else None
            color = cmap(norm(wait)) if wait is not None else "#9a9a9a"
            text = fmt_int(e.n) + (
                f" · {_minus(fmt_number(wait, 1))} j" if wait is not None else ""
            )
            return color, 1.0 + 4.0 * int(e.n) / n_max, text

        arrow = {"arrowstyle": "-|>", "mutation_scale": 12}
        for e in rows:
            a, b = str(e.dari), str(e.ke)
            xa, xb = pos[a], pos[b]
            color, lw, text = style(e)
            if a == b:
                path = _curve(xa - 0.3, xa + 0.3, 0.42, 0.55)
                ax.add_patch(FancyArrowPatch(path=path, lw=lw, color=color, zorder=2, **arrow))
                _label(ax, xa, 0.42 + 0.55, text)
            elif abs(xb - xa - step) < 1e-9:
                ax.add_patch(
                    FancyArrowPatch(
                        (xa + 0.8, 0), (xb - 0.8, 0), lw=lw, color=color, zorder=2, **arrow
                    )
                )
                _label(ax, (xa + xb) / 2, 0.3, text.replace(" · ", "\n"))
        for k, e in enumerate(over):
            xa, xb = pos[str(e.dari)], pos[str(e.ke)]
            color, lw, text = style(e)
            h = first_level + level_gap * k - 0.4
            path = _curve(xa + 0.2, xb - 0.2, 0.4, h)
            ax.add_patch(FancyArrowPatch(path=path, lw=lw, color=color, zorder=1, **arrow))
            _label(ax, (xa + xb) / 2, 0.4 + h, text)
        for k, e in enumerate(under):
            xa, xb = pos[str(e.dari)], pos[str(e.ke)]
            color, lw, text = style(e)
            h = -(0.8 + level_gap * k - 0.4)
            path = _curve(xa - 0.2, xb + 0.2, -0.4, h)
            ax.add_patch(FancyArrowPatch(path=path, lw=lw, color=color, zorder=1, **arrow))
            _label(ax, (xa + xb) / 2, -0.4 + h, text)
        sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
        bar = fig.colorbar(sm, ax=ax, orientation="vertical", fraction=0.03, pad=0.01)
        bar.set_label("Median tunggu (jam kalender)", fontsize=9)
        bar.ax.yaxis.set_major_formatter(id_formatter(0))
        bar.ax.tick_params(labelsize=8)
        return _finish(fig, ax, title=title, source=source, notes=notes)
