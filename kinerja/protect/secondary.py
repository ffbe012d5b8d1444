"""Secondary suppression with a rule the audit can prove: every published line keeps k unknowns.

A *line* is a group of counts published together with its total (a predikat distribution of one
OPD with "N pegawai dinilai", the JP bands of one OPD, the complaint categories of one OPD).
:func:`protect_line` hides cells so that, whatever else is published about the line:

1. a count ``0 < n < k`` is hidden (primary suppression);
2. a line whose total is below ``k`` is hidden entirely, zeros included, and its total is shown
   only as the band ``< k`` (:func:`band_small`);
3. when a line has hidden cells, it has **at least two** and together they hold **at least k
   units**; otherwise the smallest visible non-zero cell is hidden too, repeatedly.

With rule 3 the only thing an attacker can derive from the line is the sum ``S ≥ k`` of its hidden
cells, so each hidden cell lies anywhere in ``0..S``: at least ``k + 1`` candidate values. Any
other number that is published about the line must not break this: a share or a sum over a
*subset* of the line is publishable only when the subset holds all of the line's hidden cells or
none of them (:func:`subset_total`); otherwise it is hidden or said to be hidden. The audit
(:mod:`kinerja.protect.audit`) checks the result by linear programming over everything a run
published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja.domain.audience import K_PEGAWAI
from kinerja.protect.suppression import SUPPRESSION_MARK

__all__ = [
    "LineProtection",
    "band_small",
    "protect_distribution",
    "protect_line",
    "subset_total",
]


@dataclass(frozen=True)
class LineProtection:
    """The outcome of :func:`protect_line` for one line.

    Attributes
    ----------
    hidden : numpy.ndarray of bool
        Which cells are hidden (same order as the counts).
    primary : numpy.ndarray of bool
        Which of them are hidden because they are below ``k`` (or the line is).
    total : int
        The line total (always known to the caller; published exactly only when ``small`` is
        False).
    small : bool
        The total is below ``k``: every cell is hidden and the total is shown as a band.
    """

    hidden: np.ndarray
    primary: np.ndarray
    total: int
    small: bool

    @property
    def n_hidden(self) -> int:
        """Number of hidden cells."""
        return int(self.hidden.sum())


def protect_line(
    counts: Sequence[float] | np.ndarray, *, k: int = K_PEGAWAI, suppress_zero: bool = False
) -> LineProtection:
    """Hide the cells of one line (counts adding up to a published total).

    Parameters
    ----------
    counts
        Non-negative counts of the line's cells (NA counts as 0).
    k
        Minimum number of units (10 employees, 5 respondents or complaints).
    suppress_zero
        Also hide zeros (primary) in a line of at least ``k`` units.

    Returns
    -------
    LineProtection

    Notes
    -----
    Rules (module docstring): primary ``0 < n < k``; a line below ``k`` is hidden entirely;
    otherwise, while the hidden cells are fewer than two or hold fewer than ``k`` units, the
    smallest visible non-zero cell is hidden (the first of equals), then a visible zero if no
    non-zero cell is left. This terminates: hiding every cell gives ``S = total ≥ k``.

    Examples
    --------
    DPMPTSP's predikat counts (Sangat Baik 2, Baik 32, Butuh Perbaikan 1, Kurang 3, Sangat
    Kurang 2; 40 assessed): the four small cells hold 8 < 10 units, so Baik is hidden too.

    >>> protect_line([2, 32, 1, 3, 2], k=10).hidden.tolist()
    [True, True, True, True, True]
    >>> protect_line([13, 448, 25, 10, 4], k=10).hidden.tolist()
    [False, False, False, True, True]
    """
    c = np.nan_to_num(np.asarray(counts, dtype="float64"), nan=0.0)
    if (c < 0).any():
        raise ValueError("Jumlah dalam satu baris tabel tidak boleh negatif.")
    total = int(round(c.sum()))
    if total < k:
        every = np.ones(len(c), dtype=bool)
        return LineProtection(hidden=every, primary=every.copy(), total=total, small=True)
    primary = (c < k) & ((c > 0) | suppress_zero)
    hidden = primary.copy()
    if hidden.any():
        while int(hidden.sum()) < 2 or float(c[hidden].sum()) < k:
            visible = np.flatnonzero(~hidden)
            if not len(visible):
                break
            nonzero = [i for i in visible if c[i] > 0]
            pool = nonzero or list(visible)
            hidden[min(pool, key=lambda i: (c[i], i))] = True
    return LineProtection(hidden=hidden, primary=primary, total=total, small=False)


def subset_total(
    counts: Sequence[float] | np.ndarray,
    hidden: Sequence[bool] | np.ndarray,
    subset: Sequence[bool] | np.ndarray,
) -> float | None:
    """The sum of ``subset`` of a protected line, or ``None`` when publishing it would leak.

    A sum (or a share of the total) over some cells of a line can be published when the cells
    include every hidden cell of the line (the sum then equals the total minus visible cells, which
    the reader can compute anyway) or none of them. Otherwise the sum separates hidden cells from
    each other and must not be published.
    """
    c = np.nan_to_num(np.asarray(counts, dtype="float64"), nan=0.0)
    h = np.asarray(hidden, dtype=bool)
    s = np.asarray(subset, dtype=bool)
    inside = h & s
    if inside.any() and not np.array_equal(inside, h):
        return None
    return float(c[s].sum())


def band_small(n: float, k: int) -> str | int:
    """``n`` itself when at least ``k``, otherwise the band text ``"< k"`` (e.g. ``"< 10"``)."""
    if pd.isna(n):
        return n  # type: ignore[return-value]
    return int(n) if n >= k else f"< {int(k)}"


def protect_distribution(
    table: pd.DataFrame,
    *,
    group_cols: Sequence[str] = ("kode_opd",),
    category_col: str = "predikat",
    count_col: str = "jumlah",
    k: int = K_PEGAWAI,
    value_cols: Sequence[str] = ("persen",),
    mark: str | None = SUPPRESSION_MARK,
) -> pd.DataFrame:
    """A long distribution (one row per group × category) protected line by line.

    Each group is a line (:func:`protect_line`); hidden counts and their ``value_cols`` (e.g.
    ``persen``) become ``mark`` (or NA with ``mark=None``).

    Returns
    -------
    pandas.DataFrame
        A copy with the same rows; ``attrs["suppressed_cells"]`` (hidden count cells),
        ``attrs["suppression"]`` (detail, as :func:`kinerja.protect.suppress_small`),
        ``attrs["small_groups"]`` (tuples of the group values whose total is below ``k``) and a
        boolean column ``_tersembunyi`` (the row's count is hidden).
    """
    for col in (*group_cols, category_col, count_col):
        if col not in table.columns:
            raise KeyError(f"Kolom '{col}' tidak ada di tabel.")
    counts = pd.to_numeric(table[count_col], errors="coerce").to_numpy(dtype="float64")
    hidden = np.zeros(len(table), dtype=bool)
    primary = np.zeros(len(table), dtype=bool)
    small: list[tuple[object, ...]] = []
    codes = (
        table.groupby(list(group_cols), sort=False, dropna=False, observed=True).ngroup().to_numpy()
        if group_cols
        else np.zeros(len(table), dtype=int)
    )
    for g in np.unique(codes):
        rows = np.flatnonzero(codes == g)
        res = protect_line(counts[rows], k=k)
        hidden[rows] = res.hidden
        primary[rows] = res.primary
        if res.small and res.total > 0:
            small.append(tuple(table.iloc[rows[0]][list(group_cols)]))
    out = table.copy()
    for col in [count_col, *[c for c in value_cols if c in table.columns]]:
        if mark is None:
            s = pd.to_numeric(out[col], errors="coerce").astype("Float64")
            out[col] = s.mask(hidden)
        else:
            out[col] = out[col].astype(object).mask(hidden, mark)
    out["_tersembunyi"] = hidden
    n_hidden = int(hidden.sum())
    out.attrs["suppressed_cells"] = n_hidden
    out.attrs["suppression"] = {
        "k": int(k),
        "primer": int(primary.sum()),
        "komplementer": n_hidden - int(primary.sum()),
        "sel_nilai": n_hidden * len([c for c in value_cols if c in table.columns]),
        "tanda": mark,
    }
    out.attrs["small_groups"] = small
    return out
