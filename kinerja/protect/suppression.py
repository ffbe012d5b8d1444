"""Small-group suppression: hide counts below *k* and the cells that would reveal them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from kinerja.domain.audience import K_PEGAWAI

#: What a suppressed cell shows.
SUPPRESSION_MARK = "*"


def suppression_footnote(
    k: int = K_PEGAWAI, unit: str = "pegawai", mark: str = SUPPRESSION_MARK
) -> str:
    """Footnote text under a table with suppressed cells, e.g. for k=10 and ``pegawai``."""
    return (
        f"{mark} disembunyikan: kelompok kurang dari {k} {unit}, atau disembunyikan tambahan "
        "agar angka tersebut tidak dapat dihitung dari jumlah."
    )


SUPPRESSION_FOOTNOTE = suppression_footnote()


def is_suppressed(value: object, mark: str = SUPPRESSION_MARK) -> bool:
    """True when ``value`` is the suppression mark."""
    return isinstance(value, str) and value == mark


def min_k_stat(
    values: Iterable[float] | pd.Series,
    k: int,
    func: Callable[[pd.Series], float] | str = "mean",
) -> float:
    """``func`` of ``values`` (NA ignored), or NaN when fewer than ``k`` non-missing values.

    Examples: ``min_k_stat(s, 10, "median")``, ``min_k_stat(s, 10, lambda x: x.quantile(0.9))``.
    """
    s = pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values
    s = s.dropna()
    if len(s) < k:
        return float("nan")
    result = getattr(s, func)() if isinstance(func, str) else func(s)
    return float(result)


@dataclass
class _Plan:
    """Cells (by position), their counts, and the additive equations they take part in."""

    counts: np.ndarray
    # each equation: (member positions, position of the shown total or None when external)
    equations: list[tuple[list[int], int | None]] = field(default_factory=list)
    primary: np.ndarray | None = None
    suppressed: np.ndarray | None = None

    def solve(self, k: int, *, suppress_zero: bool, small_groups: Sequence[int]) -> None:
        c = self.counts
        valid = ~np.isnan(c)
        low = valid & (c < k) & ((c > 0) | suppress_zero)
        primary = low.copy()
        # a group smaller than k: every cell of it, zeros included (a zero in a group of 3 tells
        # something about all 3), and its shown total
        for e in small_groups:
            members, total = self.equations[e]
            primary[members] = True
            if total is not None:
                primary[total] = True
        supp = primary.copy()
        changed = True
        while changed:
            changed = False
            for members, total in self.equations:
                unknown = int(supp[members].sum()) + (int(supp[total]) if total is not None else 0)
                if unknown != 1:
                    continue
                cand = [m for m in members if not supp[m] and valid[m]]
                # prefer the smallest non-zero cell: the hidden pair then sums to at least 2
                nonzero = [m for m in cand if c[m] > 0]
                pool = nonzero or cand
                if pool:
                    pick = min(pool, key=lambda m: (c[m], m))
                elif total is not None and not supp[total]:
                    pick = total
                else:  # nothing left to hide: the equation has a single cell
                    continue
                supp[pick] = True
                changed = True
        self.primary = primary
        self.suppressed = supp


def _to_float(values: pd.Series, name: str) -> np.ndarray:
    num = pd.to_numeric(values, errors="coerce")
    bad = num.isna() & values.notna()
    if bad.any():
        raise TypeError(
            f"Kolom jumlah '{name}' harus berisi angka; nilai {values[bad].iloc[0]!r} bukan angka."
        )
    return num.to_numpy(dtype="float64", na_value=np.nan)


def _apply_mask(table: pd.DataFrame, mask: pd.DataFrame, mark: str | None) -> pd.DataFrame:
    """Replace the True cells of ``mask`` with ``mark`` (or NA), column by column (CoW-safe)."""
    out = table.copy()
    for col in mask.columns:
        m = mask[col].to_numpy(dtype=bool)
        if not m.any():
            continue
        if mark is None:
            s = out[col]
            if pd.api.types.is_integer_dtype(s.dtype) and not isinstance(s.dtype, pd.Int64Dtype):
                s = s.astype("Int64")
            elif pd.api.types.is_float_dtype(s.dtype) and not isinstance(s.dtype, pd.Float64Dtype):
                s = s.astype("Float64")
            out[col] = s.mask(m)
        else:
            s = out[col].astype(object)
            out[col] = s.mask(m, mark)
    return out


def _attach(out: pd.DataFrame, plan: _Plan, k: int, mark: str | None, n_value_cells: int) -> None:
    assert plan.primary is not None and plan.suppressed is not None
    n_primary = int(plan.primary.sum())
    n_total = int(plan.suppressed.sum())
    out.attrs["suppressed_cells"] = n_total
    out.attrs["suppression"] = {
        "k": int(k),
        "primer": n_primary,
        "komplementer": n_total - n_primary,
        "sel_nilai": int(n_value_cells),
        "tanda": mark,
    }


def suppress_small(
    table: pd.DataFrame,
    *,
    count_col: str,
    k: int = K_PEGAWAI,
    group_cols: Sequence[str] | None = None,
    value_cols: Sequence[str] = (),
    label_col: str | None = None,
    total_label: object = None,
    total_cols: Sequence[str] = (),
    suppress_zero: bool = False,
    mark: str | None = SUPPRESSION_MARK,
) -> pd.DataFrame:
    """Hide small counts, the statistics computed over them, and complementary cells.

    One row of ``table`` is one cell: ``count_col`` holds how many units (ASN, respondents) it
    covers; ``value_cols`` hold statistics computed over those units (mean, median, P90,
    percentage) and are hidden whenever the cell's count is.

    Parameters
    ----------
    table
        Long-format table, one row per cell.
    count_col
        Number of units behind the row.
    k
        Minimum number of units: :data:`K_PEGAWAI` (10) for employees, :data:`K_RESPONDEN` (5) for
        citizen-survey counts.
    group_cols
        Rows sharing these values add up to a group total that is published or can be derived
        (e.g. ``("kode_opd",)`` for a predikat distribution: the OPD's headcount is known). Within
        a group, complementary suppression is applied and a group of fewer than ``k`` units is
        hidden entirely. ``None``: rows are independent (e.g. one IKM row per OPD).
    value_cols
        Statistics hidden together with the count.
    label_col, total_label
        When a row of a group has ``label_col == total_label`` (e.g. ``predikat == "Jumlah"``),
        that row is the group's shown total and takes part in the equation.
    total_cols
        Columns repeating the group total on every row (e.g. ``n_total``); hidden when the group
        total is below ``k``.
    suppress_zero
        Whether a count of 0 is primary-suppressed. Default ``False``: a zero in a group of at
        least ``k`` tells only that nobody in that group has that attribute (see ``docs/privasi.md``).
        Zeros in a group smaller than ``k`` are always hidden.
    mark
        Text put in suppressed cells (the columns become ``object``); ``None`` puts NA instead.

    Returns
    -------
    pandas.DataFrame
        A copy; ``attrs["suppressed_cells"]`` is the number of count cells hidden (primary plus
        complementary, what the batch manifest reports) and ``attrs["suppression"]`` the detail.

    Notes
    -----
    Primary suppression: ``0 < n < k`` (``n < k`` with ``suppress_zero``). Complementary
    suppression: every group is an equation ``sum(cells) = total``; while an equation has exactly
    one hidden term, the smallest non-zero visible cell of it is hidden too (the total itself only
    when no cell is left), repeated until no equation has a single hidden term. This blocks
    recovery by subtraction; it does not solve the full interval (linear programming) attack
    across several overlapping tables, which is why the same distribution should not be
    published at two nested levels.
    """
    if count_col not in table.columns:
        raise KeyError(f"Kolom jumlah '{count_col}' tidak ada di tabel.")
    for col in [*value_cols, *total_cols, *(group_cols or ())]:
        if col not in table.columns:
            raise KeyError(f"Kolom '{col}' tidak ada di tabel.")
    if k < 1:
        raise ValueError(f"k harus minimal 1, bukan {k}.")
    counts = _to_float(table[count_col], count_col)
    plan = _Plan(counts=counts)
    small: list[int] = []
    group_of_row = np.full(len(table), -1)
    if group_cols:
        codes = table.groupby(list(group_cols), sort=False, dropna=False).ngroup().to_numpy()
        is_total = (
            (table[label_col] == total_label).fillna(False).to_numpy(dtype=bool)
            if label_col is not None and total_label is not None
            else np.zeros(len(table), dtype=bool)
        )
        for g in np.unique(codes):
            rows = np.flatnonzero(codes == g)
            totals = [int(r) for r in rows if is_total[r]]
            members = [int(r) for r in rows if not is_total[r]]
            total = totals[0] if totals else None
            plan.equations.append((members, total))
            group_of_row[rows] = len(plan.equations) - 1
            group_n = counts[total] if total is not None else np.nansum(counts[members])
            if group_n < k:
                small.append(len(plan.equations) - 1)
    plan.solve(k, suppress_zero=suppress_zero, small_groups=small)
    assert plan.suppressed is not None
    rows_hidden = plan.suppressed
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    mask[count_col] = rows_hidden
    for col in value_cols:
        mask[col] = rows_hidden
    if total_cols and small:
        small_rows = np.isin(group_of_row, small)
        for col in total_cols:
            mask[col] = mask[col].to_numpy() | small_rows
    n_value = int(mask.drop(columns=[count_col]).to_numpy().sum())
    out = _apply_mask(table, mask, mark)
    _attach(out, plan, k, mark, n_value)
    return out


def suppress_distribution(
    table: pd.DataFrame,
    *,
    group_cols: Sequence[str] = ("kode_opd",),
    category_col: str = "predikat",
    count_col: str = "jumlah",
    k: int = K_PEGAWAI,
    value_cols: Sequence[str] = ("persen",),
    total_label: object = None,
    mark: str | None = SUPPRESSION_MARK,
) -> pd.DataFrame:
    """Long distribution (e.g. ``kode_opd × predikat → jumlah, persen``) with per-group totals.

    A thin wrapper over :func:`suppress_small` that states the usual shape: the categories of one
    group add up to the group total (shown as a row ``category_col == total_label`` when given,
    otherwise assumed known, e.g. the OPD headcount). Value columns missing from the table are
    ignored, so ``persen`` need not exist.
    """
    if category_col not in table.columns:
        raise KeyError(f"Kolom kategori '{category_col}' tidak ada di tabel.")
    return suppress_small(
        table,
        count_col=count_col,
        k=k,
        group_cols=group_cols,
        value_cols=[c for c in value_cols if c in table.columns],
        label_col=category_col if total_label is not None else None,
        total_label=total_label,
        mark=mark,
    )


def suppress_crosstab(
    ct: pd.DataFrame,
    *,
    k: int = K_PEGAWAI,
    margins_name: str | None = None,
    small_groups: Literal["index", "columns", "both", "none"] = "index",
    suppress_zero: bool = False,
    mark: str | None = SUPPRESSION_MARK,
) -> pd.DataFrame:
    """Suppress a wide crosstab of counts (e.g. OPD rows × predikat columns), margins included.

    Parameters
    ----------
    ct
        Counts only; with ``margins_name`` its last row and column (as made by
        ``pd.crosstab(..., margins=True, margins_name=...)``) are the totals.
    k
        Minimum number of units.
    margins_name
        Label of the total row and column when they are shown. Without margins, row and column
        totals are assumed known from elsewhere, which is the safe assumption.
    small_groups
        Along which axis a line whose total is below ``k`` is a *group* hidden entirely (zeros
        included). Default ``"index"``: a row is one OPD.

    Returns
    -------
    pandas.DataFrame
        Same shape; ``attrs`` as in :func:`suppress_small`.

    Notes
    -----
    Every row and every column is an equation ``sum(cells) = margin``; the margin row and column
    take part as cells of the other direction, so a hidden total is protected too. Complementary
    suppression runs until no row or column has exactly one hidden term.
    """
    n_rows, n_cols = ct.shape
    values = ct.apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    flat = values.ravel()
    plan = _Plan(counts=flat)

    def pos(i: int, j: int) -> int:
        return i * n_cols + j

    has_margins = margins_name is not None
    if has_margins and (ct.index[-1] != margins_name or ct.columns[-1] != margins_name):
        raise ValueError(
            f"Baris dan kolom terakhir tabel silang harus bernama '{margins_name}' (jumlah)."
        )
    body_r = n_rows - 1 if has_margins else n_rows
    body_c = n_cols - 1 if has_margins else n_cols
    row_eqs, col_eqs = [], []
    # rows (including the margin row, whose members are column totals)
    for i in range(n_rows):
        members = [pos(i, j) for j in range(body_c)]
        total = pos(i, n_cols - 1) if has_margins else None
        plan.equations.append((members, total))
        row_eqs.append(len(plan.equations) - 1)
    for j in range(n_cols):
        members = [pos(i, j) for i in range(body_r)]
        total = pos(n_rows - 1, j) if has_margins else None
        plan.equations.append((members, total))
        col_eqs.append(len(plan.equations) - 1)
    small: list[int] = []
    candidates = {
        "index": row_eqs[:body_r],
        "columns": col_eqs[:body_c],
        "both": row_eqs[:body_r] + col_eqs[:body_c],
        "none": [],
    }[small_groups]
    for e in candidates:
        members, total = plan.equations[e]
        n = flat[total] if total is not None else np.nansum(flat[members])
        if n < k:
            small.append(e)
    plan.solve(k, suppress_zero=suppress_zero, small_groups=small)
    assert plan.suppressed is not None
    mask = pd.DataFrame(plan.suppressed.reshape(n_rows, n_cols), index=ct.index, columns=ct.columns)
    out = _apply_mask(ct, mask, mark)
    _attach(out, plan, k, mark, 0)
    return out
