"""Array helpers of the service metrics: integer codes, grouping and grouped percentiles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

_NS_PER_HOUR = 3_600_000_000_000


def _codes(values: pd.Series | pd.Index | np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (order of first appearance; any int dtype) and uniques.

    Categorical codes are reused; Arrow-backed strings use Arrow's dictionary encoding.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        if (codes < 0).any():
            raise ValueError(f"kolom {values.name}: ada nilai kosong")
        cats = values.cat.categories
        used = np.zeros(len(cats), dtype=bool)
        used[codes] = True
        if used.all():
            return codes, pd.Index(cats)
        remap = np.cumsum(used) - 1
        return remap[codes], pd.Index(cats[used])
    arr = getattr(values, "array", None)
    pa_arr = getattr(arr, "_pa_array", None)
    if pa_arr is not None:  # pandas' Arrow-backed str: Arrow's dictionary encoding is faster
        enc = pa_arr.combine_chunks().dictionary_encode()
        if enc.null_count:
            raise ValueError(f"kolom {getattr(values, 'name', '')}: ada nilai kosong")
        return (
            enc.indices.to_numpy(zero_copy_only=False),
            pd.Index(pd.array(enc.dictionary, dtype=values.dtype)),
        )
    codes, uniques = pd.factorize(values)
    if (codes < 0).any():
        raise ValueError(f"kolom {getattr(values, 'name', '')}: ada nilai kosong")
    return codes, pd.Index(uniques)


_NAT = np.iinfo(np.int64).min


def _ns(values: pd.Series, name: str, *, allow_missing: bool = False) -> np.ndarray:
    """datetime64 column → int64 nanoseconds (NaT = int64 min); missing is an error unless allowed."""
    arr = values.to_numpy()
    if arr.dtype.kind != "M":
        arr = pd.to_datetime(values).to_numpy()
    if arr.dtype != np.dtype("datetime64[ns]"):
        arr = arr.astype("datetime64[ns]")
    out = arr.view(np.int64)
    if allow_missing:
        return out
    nat = out == _NAT
    if nat.any():
        first = values.index[np.flatnonzero(nat)[0]]
        raise ValueError(
            f"layanan: kolom {name} kosong pada {int(nat.sum())} baris (pertama: indeks {first}); "
            "setiap tahap harus punya waktu mulai dan selesai"
        )
    return out


def _dense(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes 0..k-1 for non-negative int keys (sorted by key) and the present keys."""
    if len(keys) == 0:
        return keys.astype(np.int64), keys.astype(np.int64)
    top = int(keys.max()) + 1
    if top <= 50_000_000:
        present = np.bincount(keys, minlength=top) > 0
        remap = np.cumsum(present) - 1
        return remap[keys], np.flatnonzero(present)
    uniq, inv = np.unique(keys, return_inverse=True)
    return inv.astype(np.int64), uniq


def _group_order(codes: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable order that groups ``codes`` and the group boundaries (len n_groups + 1)."""
    if n_groups <= np.iinfo(np.int16).max:
        order = np.argsort(codes.astype(np.int16), kind="stable")  # radix sort, O(n)
    else:
        order = np.argsort(codes, kind="stable")
    bounds = np.zeros(n_groups + 1, dtype=np.int64)
    bounds[1:] = np.cumsum(np.bincount(codes, minlength=n_groups))
    return order, bounds


def _quantile_linear(x: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """``numpy.quantile(x, qs)`` (method "linear") via one partial sort; ``x`` non-empty."""
    n = len(x)
    h = (n - 1) * np.asarray(qs, dtype=np.float64)
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    part = np.partition(x, np.unique(np.concatenate([lo, hi])))
    a, b = part[lo], part[hi]
    return a + (h - lo) * (b - a)


def grouped_quantile(
    codes: np.ndarray, n_groups: int, values: np.ndarray, qs: Sequence[float]
) -> np.ndarray:
    """Quantiles ``qs`` of ``values`` per group (``codes`` in ``0..n_groups-1``).

    NaN values are ignored. Returns an array of shape ``(n_groups, len(qs))`` (NaN for an empty
    group). The quantile is numpy's default linear interpolation (see module notes), so results
    equal ``numpy.quantile`` and pandas' ``GroupBy.quantile``.
    """
    return _grouped_quantiles(codes, n_groups, [values], qs)[0]


def _grouped_quantiles(
    codes: np.ndarray, n_groups: int, arrays: Sequence[np.ndarray], qs: Sequence[float]
) -> list[np.ndarray]:
    """:func:`grouped_quantile` for several value arrays sharing one grouping (one sort)."""
    outs = [np.full((n_groups, len(qs)), np.nan) for _ in arrays]
    if len(codes) == 0:
        return outs
    order, bounds = _group_order(codes, n_groups)
    for values, out in zip(arrays, outs, strict=True):
        v = np.asarray(values, dtype=np.float64)[order]
        for g in range(n_groups):
            a, b = bounds[g], bounds[g + 1]
            if b > a:
                seg = v[a:b]
                nan = np.isnan(seg)
                if nan.any():
                    seg = seg[~nan]
                if len(seg):
                    out[g] = _quantile_linear(seg, qs)
    return outs
