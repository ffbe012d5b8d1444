"""Small inline SVG charts of the monitoring pages (control charts and Dampak panels).

Why SVG and not the matplotlib helpers of :mod:`kinerja.report.charts`: the digest has one page
per OPD (57 in Salatiga) with several small multiples each; a 2 × 2 matplotlib figure took 1.6–2.0 s
to draw on this machine, an SVG chart well under a millisecond, so the monthly digest stays
within its 10 s budget. SVG is text: offline, sharp at any zoom, and every point carries its
month (``data-bulan``) so a reader's tooltip (``<title>``) and the tests can read it. All text is
escaped.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from kinerja.domain.months import BULAN, BULAN_SINGKAT
from kinerja.domain.numbers import fmt_number as _fmt_number
from kinerja.report.formatting import fmt_date as _fmt_date

__all__ = ["control_chart_svg", "panel_svg"]

W, H = 380, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 36, 30
BLUE, RED, GREY, ORANGE, GREEN = "#1f5f8b", "#b03a2e", "#8a8a8a", "#d55e00", "#029e73"


@functools.lru_cache(maxsize=65536, typed=True)
def fmt_number(x: float, decimals: int = 1) -> str:
    """id-ID number text for ticks and tooltips (:func:`kinerja.domain.numbers.fmt_number`).

    Memoised: the 57 pages repeat the same ticks and values many times.
    """
    return _fmt_number(x, decimals)


@functools.lru_cache(maxsize=4096, typed=True)
def fmt_date(d: object) -> str:
    """Indonesian date text (:func:`kinerja.report.formatting.fmt_date`), memoised: an OPD's
    event dates are drawn in each of its panels and listed below them."""
    return _fmt_date(d)


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _scale(values: Sequence[float], *, percent: bool) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)  # None -> NaN
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (0.0, 1.0)
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    pad = 0.08 * (hi - lo)
    lo, hi = max(lo - pad, 0.0), hi + pad  # every monitored quantity is >= 0
    if percent:
        hi = min(hi, 100.0)
    return (lo, hi)


def _frame(
    title: str, months: Sequence[pd.Timestamp], lo: float, hi: float, decimals: int
) -> tuple[list[str], Callable[[float], float], Callable[[float], float]]:
    n = len(months)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def fx(i: float) -> float:
        return LEFT + (pw * (i + 0.5) / max(n, 1))

    def fy(v: float) -> float:
        v = min(max(v, lo), hi)  # a limit outside the axis is drawn on its edge
        return TOP + ph * (1 - (v - lo) / (hi - lo))

    first, _, second = title.partition(" — ")
    parts = [
        f'<text x="4" y="14" font-size="11.5" font-weight="bold" fill="#222">{_esc(first)}</text>',
        f'<text x="4" y="27" font-size="10" fill="#444">{_esc(second)}</text>' if second else "",
        f'<line x1="{LEFT}" y1="{TOP + ph}" x2="{W - RIGHT}" y2="{TOP + ph}" stroke="#bbb"/>',
    ]
    ticks = np.linspace(lo, hi, 4)
    if decimals == 0:  # whole counts: whole ticks, no repeated labels, the ends kept inside
        ticks = np.unique(np.r_[np.ceil(lo), np.round(ticks[1:-1]), np.floor(hi)])
        ticks = ticks[(ticks >= lo) & (ticks <= hi)]
    for t in ticks:
        y = fy(t)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#eee"/>'
        )
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end" fill="#555">'
            f"{_esc(fmt_number(t, decimals))}</text>"
        )
    step = 1 if n <= 12 else 2
    for i, m in enumerate(months):
        if i % step:
            continue
        m = pd.Timestamp(m)
        label = BULAN_SINGKAT[m.month - 1] + (
            f" {m.year % 100:02d}" if i == 0 or m.month == 1 else ""
        )
        parts.append(
            f'<text x="{fx(i):.1f}" y="{H - 12}" font-size="9" text-anchor="middle" fill="#555">'
            f"{_esc(label)}</text>"
        )
    return parts, fx, fy


_TRIWULAN = ("I", "II", "III", "IV")


def _when(m: pd.Timestamp, quarterly: bool) -> str:
    """A point's period for its tooltip: "Januari 2025", or "Triwulan I 2025" for a quarter's
    point (drawn at the quarter's last month)."""
    m = pd.Timestamp(m)
    if quarterly:
        return f"Triwulan {_TRIWULAN[(m.month - 1) // 3]} {m.year}"
    return f"{BULAN[m.month - 1]} {m.year}"


def _ys(values: np.ndarray, lo: float, hi: float) -> list[float]:
    """The ``fy`` of :func:`_frame` of every value at once (NaN where a value is not finite).

    The same operations in the same order as ``fy``, on arrays: the same coordinates.
    """
    v = np.asarray(values, dtype=float)
    ph = H - TOP - BOTTOM
    with np.errstate(invalid="ignore"):
        y = TOP + ph * (1 - (np.clip(v, lo, hi) - lo) / (hi - lo))
    y[~np.isfinite(v)] = np.nan
    return y.tolist()


def _poly(xs: Sequence[float], ys: Sequence[float]) -> list[str]:
    """Polyline points, split at missing values."""
    out, cur = [], []
    for x, y in zip(xs, ys, strict=False):
        if y is None or not np.isfinite(y):
            if len(cur) > 1:
                out.append(" ".join(cur))
            cur = []
            continue
        cur.append(f"{x:.1f},{y:.1f}")
    if len(cur) > 1:
        out.append(" ".join(cur))
    return out


def control_chart_svg(
    series: pd.DataFrame | dict,
    *,
    title: str,
    attrs: dict[str, str],
    flagged: Sequence[str] = (),
    selected: str | None = None,
    percent: bool = False,
    decimals: int = 1,
    value_text: Callable[[float], str] | None = None,
    quarterly: bool = False,
) -> str:
    """One series with its centre line and control limits.

    Parameters
    ----------
    series : DataFrame or dict of arrays
        Months of one series in display units: ``bulan, nilai, garis_tengah, batas_bawah,
        batas_atas, status`` (a dict: arrays in month order).
    title : str
        Heading inside the chart (escaped).
    attrs : dict
        ``data-*`` attributes of the ``<svg>`` (e.g. ``{"kode-opd": "DPMPTSP"}``), escaped.
    flagged : sequence of str
        Months (``YYYY-MM``) with a signal: drawn red, class ``sinyal``.
    selected : str, optional
        The month of the digest (``YYYY-MM``): a light band behind it.
    quarterly : bool
        One point per quarter (at its last month): tooltips name the quarter.
    """
    if isinstance(series, pd.DataFrame):
        s = series.sort_values("bulan").reset_index(drop=True)
        series = {
            k: s[k].to_numpy()
            for k in ("nilai", "garis_tengah", "batas_bawah", "batas_atas", "status")
        }
        series["bulan"] = list(pd.to_datetime(s["bulan"]))
    months = list(series["bulan"])
    cols = ("nilai", "garis_tengah", "batas_bawah", "batas_atas")
    v, c, lo_l, hi_l = (np.asarray(series[k], dtype=float) for k in cols)
    lo, hi = _scale(np.concatenate([v, c, lo_l, hi_l]), percent=percent)
    parts, fx, fy = _frame(title, months, lo, hi, decimals)
    keys = [f"{m:%Y-%m}" for m in months]
    if selected in keys:
        i = keys.index(selected)
        half = (W - LEFT - RIGHT) / max(len(keys), 1) / 2
        parts.insert(
            0,
            f'<rect x="{fx(i) - half:.1f}" y="{TOP}" width="{2 * half:.1f}" height="{H - TOP - BOTTOM}" fill="#fff4d6"/>',
        )
    xs = [fx(i) for i in range(len(months))]
    for line, colour, dash, cls in (
        (c, GREY, "5 3", "garis-tengah"),
        (lo_l, RED, "2 3", "batas-bawah"),
        (hi_l, RED, "2 3", "batas-atas"),
    ):
        for pts in _poly(xs, _ys(line, lo, hi)):
            parts.append(
                f'<polyline class="{cls}" points="{pts}" fill="none" stroke="{colour}" stroke-dasharray="{dash}" stroke-width="1.2"/>'
            )
    yv = _ys(v, lo, hi)
    for pts in _poly(xs, yv):
        parts.append(
            f'<polyline class="nilai" points="{pts}" fill="none" stroke="{BLUE}" stroke-width="1.6"/>'
        )
    status = np.asarray(series["status"]).astype(str)
    fmt = value_text or (lambda x: fmt_number(x, decimals))
    for i, key in enumerate(keys):
        if not np.isfinite(v[i]):
            continue
        flag = key in flagged
        short = status[i] == "data_kurang"
        cls = "titik sinyal" if flag else "titik kurang" if short else "titik"
        fill = RED if flag else "white" if short else BLUE
        r = 4.5 if flag else 3
        tip = f"{_when(months[i], quarterly)}: {fmt(v[i])}" + (
            " — sinyal" if flag else " — data terlalu sedikit" if short else ""
        )
        parts.append(
            f'<circle class="{cls}" data-bulan="{key}" cx="{xs[i]:.1f}" cy="{yv[i]:.1f}" r="{r}" '
            f'fill="{fill}" stroke="{RED if flag else BLUE if not short else GREY}"><title>{_esc(tip)}</title></circle>'
        )
    data = " ".join(f'data-{_esc(k)}="{_esc(val)}"' for k, val in attrs.items())
    return (
        f'<svg class="bagan-kendali" {data} viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg"><title>{_esc(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )


def panel_svg(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    months: Sequence[pd.Timestamp],
    events: pd.DataFrame | None = None,
    ci: tuple[str, str] | None = None,
    percent: bool = False,
    decimals: int = 1,
    quarterly: bool = False,
) -> str:
    """A Dampak panel: one outcome over the months, events as vertical lines, optional CI bars.

    ``events``: ``tanggal, jenis ("pelatihan" | "tindak_lanjut"), keterangan`` (a training wave
    solid orange, a follow-up completion dashed green, each with its text as tooltip).
    """
    months = [pd.Timestamp(m) for m in months]
    keys = {m: i for i, m in enumerate(months)}
    # the month of each row, located in ``months`` (-1: not charted); datetime64 arithmetic,
    # far cheaper than a period conversion per panel (57 pages × 4 panels)
    grid = np.array([np.datetime64(m, "M") for m in months], dtype="datetime64[M]")
    when = pd.to_datetime(frame[x]).to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    at = np.searchsorted(grid, when).clip(0, max(len(grid) - 1, 0))
    if len(grid):
        pos = np.where(grid[at] == when, at, -1).astype(int)
    else:
        pos = np.full(len(when), -1, dtype=int)
    inside = pos >= 0
    vals = np.full(len(months), np.nan)
    los = np.full(len(months), np.nan)
    his = np.full(len(months), np.nan)
    vals[pos[inside]] = frame[y].to_numpy(dtype=float, na_value=np.nan)[inside]
    if ci is not None:
        los[pos[inside]] = frame[ci[0]].to_numpy(dtype=float, na_value=np.nan)[inside]
        his[pos[inside]] = frame[ci[1]].to_numpy(dtype=float, na_value=np.nan)[inside]
    lo, hi = _scale(np.concatenate([vals, los, his]), percent=percent)
    parts, fx, fy = _frame(title, months, lo, hi, decimals)
    xs = [fx(i) for i in range(len(months))]
    if events is not None and len(events):
        n = len(months)
        for tanggal, jenis, keterangan in zip(
            events["tanggal"], events["jenis"], events["keterangan"], strict=True
        ):
            t = pd.Timestamp(tanggal)
            m = t.to_period("M").start_time
            if m not in keys:
                continue
            frac = (t.day - 1) / t.days_in_month
            xpos = LEFT + (W - LEFT - RIGHT) * (keys[m] + frac) / max(n, 1)
            colour, dash = (
                (ORANGE, "") if jenis == "pelatihan" else (GREEN, ' stroke-dasharray="4 3"')
            )
            parts.append(
                f'<line class="peristiwa {jenis}" x1="{xpos:.1f}" y1="{TOP}" x2="{xpos:.1f}" y2="{H - BOTTOM}" '
                f'stroke="{colour}" stroke-width="1.5"{dash}><title>{_esc(f"{fmt_date(t)}: {keterangan}")}</title></line>'
            )
    if ci is not None:
        ylo, yhi = _ys(los, lo, hi), _ys(his, lo, hi)
        for i in range(len(months)):
            if np.isfinite(los[i]) and np.isfinite(his[i]):
                parts.append(
                    f'<line x1="{xs[i]:.1f}" y1="{ylo[i]:.1f}" x2="{xs[i]:.1f}" y2="{yhi[i]:.1f}" stroke="{BLUE}" stroke-width="1"/>'
                )
    yv = _ys(vals, lo, hi)
    for pts in _poly(xs, yv):
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{BLUE}" stroke-width="1.6"/>')
    for i, v in enumerate(vals):
        if np.isfinite(v):
            tip = f"{_when(months[i], quarterly)}: {fmt_number(v, decimals)}" + (
                "%" if percent else ""
            )
            parts.append(
                f'<circle data-bulan="{months[i]:%Y-%m}" cx="{xs[i]:.1f}" cy="{yv[i]:.1f}" r="2.8" fill="{BLUE}"><title>{_esc(tip)}</title></circle>'
            )
    return (
        f'<svg class="panel-dampak" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{_esc(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )
