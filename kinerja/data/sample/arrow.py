"""Small pyarrow helpers shared by the table generators, and the per-table random streams."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kinerja.data.sample.reference import TABLE_ORDER


def table_rng(seed: int, table: str) -> np.random.Generator:
    """Random stream of one table, seeded with ``(seed, position of table in TABLE_ORDER)``."""
    return np.random.default_rng([int(seed), TABLE_ORDER.index(table)])


def to_arrow(x) -> pa.Array:
    """A pyarrow array from numpy/list data; NaT, NaN and ``None`` become null."""
    if isinstance(x, pa.Array | pa.ChunkedArray):
        return x
    if isinstance(x, pd.Series):
        x = x.to_numpy()
    arr = np.asarray(x)
    if arr.dtype.kind == "M":
        return pa.array(arr, mask=np.isnat(arr))
    if arr.dtype.kind == "f":
        return pa.array(arr, mask=np.isnan(arr))
    if arr.dtype.kind in "OUT":
        return pa.array(arr.astype(object), type=pa.string(), from_pandas=True)
    return pa.array(arr)


def dict_column(indices: np.ndarray, values, mask: np.ndarray | None = None) -> pa.DictionaryArray:
    """Dictionary-encoded string column (cheap for large repeated values)."""
    idx = pa.array(np.asarray(indices, dtype=np.int32), mask=mask)
    vals = values if isinstance(values, pa.Array) else pa.array(list(values), type=pa.string())
    return pa.DictionaryArray.from_arrays(idx, vals)


def arrow_table(columns: Mapping[str, object]) -> pa.Table:
    """A pyarrow table from ``{column: values}`` (each converted by :func:`to_arrow`)."""
    return pa.table({k: to_arrow(v) for k, v in columns.items()})


def lognormal(rng: np.random.Generator, median, sigma: float, size: int) -> np.ndarray:
    """Log-normal draws around ``median`` (scalar or array) with log-spread ``sigma``."""
    return np.asarray(median, dtype=float) * np.exp(sigma * rng.standard_normal(size))


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded ``numbers`` as a string array (vectorised)."""
    text = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0"
    )
    return pc.binary_join_element_wise(prefix, text, "")
