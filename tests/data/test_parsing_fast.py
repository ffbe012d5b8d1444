"""The fast paths of the parsers (zero-padded ISO dates, plain-digit numbers) give exactly what
the general parsers give: the same values, the same NaT/NaN, the same ``bad`` masks."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from kinerja.data import parsing

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)

EDGE_DATES = [
    "2025-01-02",
    "2025-02-29",  # not a leap year: impossible
    "2024-02-29",
    "2025-04-31",
    "2025-13-01",
    "2025-00-10",
    "1677-12-31",  # outside datetime64[ns]
    "1678-01-01",
    "2261-12-31",
    "2261-12-31 00:00:01",  # after the last day to_ns keeps
    "2262-01-01",
    "2025-01-02 23:59:59",
    "2025-01-02 24:00:00",
    "2025-01-02 10:60:00",
    "2025-01-02 10:00:60",
    "2025-1-2",
    "2025-01-02T10:00:00",
    " 2025-01-02",
    "2025-01-02 ",
    "02/01/2025",
    "2025-0a-02",
    "2025/01/02",
    "",
    None,
]
EDGE_NUMBERS = ["90", "007", "0", "999999999999999", "9999999999999999", "3,5", "1.250",
                "1.250,75", "12.5", "-4", "+5", " 7", "7 ", "7\n", "1e3", "abc", "", None]  # fmt: skip


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "_iso_fixed_width", lambda text: None)
    monkeypatch.setattr(parsing, "_digit_numbers", lambda values: None)


def _random_values(seed: int) -> tuple[list[str | None], list[str | None]]:
    rng = random.Random(seed)
    dates: list[str | None] = []
    for _ in range(400):
        y = rng.choice([1677, 1678, 1970, 2024, 2025, 2261, 2262])
        m, d = rng.randrange(0, 14), rng.randrange(0, 33)
        v = f"{y:04d}-{m:02d}-{d:02d}"
        if rng.random() < 0.5:
            v += (
                f" {rng.randrange(0, 25):02d}:{rng.randrange(0, 61):02d}:{rng.randrange(0, 61):02d}"
            )
        dates.append(rng.choice(EDGE_DATES) if rng.random() < 0.2 else v)
    numbers = [
        rng.choice(EDGE_NUMBERS) if rng.random() < 0.3 else str(rng.randrange(0, 10**6))
        for _ in range(400)
    ]
    return dates, numbers


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_paths_equal_general_parsers(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    dates, numbers = _random_values(seed)
    index = pd.Index(range(1000, 1000 + len(dates)))
    d = pd.Series(dates, dtype=TEXT, index=index)
    n = pd.Series(numbers, dtype=TEXT, index=index)
    days = pd.Series(pd.Timestamp("2025-03-03"), index=index, dtype="datetime64[ns]")
    fast = [
        parsing.parse_datetime(d),
        parsing.parse_datetime(d, date_only=True),
        parsing.parse_time_or_datetime(d, days),
        parsing.parse_number(n),
    ]
    _general(monkeypatch)
    general = [
        parsing.parse_datetime(d),
        parsing.parse_datetime(d, date_only=True),
        parsing.parse_time_or_datetime(d, days),
        parsing.parse_number(n),
    ]
    for (fv, fb), (gv, gb) in zip(fast, general, strict=True):
        pd.testing.assert_series_equal(fv, gv, check_exact=True)
        pd.testing.assert_series_equal(fb, gb, check_exact=True)


def test_fast_paths_edge_values() -> None:
    out, bad = parsing.parse_datetime(pd.Series(EDGE_DATES, dtype=TEXT))
    got = dict(zip(EDGE_DATES, zip(out.tolist(), bad.tolist(), strict=True), strict=True))
    assert got["2025-01-02"] == (pd.Timestamp("2025-01-02"), False)
    assert got["2024-02-29"] == (pd.Timestamp("2024-02-29"), False)
    assert got["2025-01-02 23:59:59"] == (pd.Timestamp("2025-01-02 23:59:59"), False)
    assert got["2261-12-31"] == (pd.Timestamp("2261-12-31"), False)
    for impossible in (
        "2025-02-29",
        "2025-04-31",
        "2025-13-01",
        "2025-01-02 24:00:00",
        "1677-12-31",
    ):
        assert pd.isna(got[impossible][0]) and got[impossible][1]
    nums, nbad = parsing.parse_number(pd.Series(EDGE_NUMBERS, dtype=TEXT))
    assert nums.tolist()[:4] == [90.0, 7.0, 0.0, 999999999999999.0]
    assert not nbad.iloc[:4].any()
