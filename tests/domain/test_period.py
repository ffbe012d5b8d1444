from __future__ import annotations

import pandas as pd
import pytest

from kinerja.domain.period import Periode, filter_period


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026", "2026-01-01", "2026-12-31", "Tahun 2026"),
        ("2026-TW1", "2026-01-01", "2026-03-31", "Triwulan I 2026"),
        ("2026-tw3", "2026-07-01", "2026-09-30", "Triwulan III 2026"),
        ("2024-02", "2024-02-01", "2024-02-29", "Februari 2024"),  # leap year
        ("2026-12", "2026-12-01", "2026-12-31", "Desember 2026"),
    ],
)
def test_parse_bounds_and_label(text: str, start: str, end: str, label: str) -> None:
    p = Periode.parse(text)
    assert p.start == pd.Timestamp(start)
    assert p.end == pd.Timestamp(end)
    assert p.label == label
    assert Periode.parse(str(p)) == p


@pytest.mark.parametrize("bad", ["26", "2026-TW5", "2026-13", "2026-00", "2026/01", "", "TW1"])
def test_parse_rejects_with_indonesian_message(bad: str) -> None:
    with pytest.raises(ValueError, match="Periode tidak dikenal"):
        Periode.parse(bad)


def test_previous_crosses_year() -> None:
    assert str(Periode.parse("2026-TW1").previous()) == "2025-TW4"
    assert str(Periode.parse("2026-01").previous()) == "2025-12"
    assert str(Periode.parse("2026-TW3").previous()) == "2026-TW2"
    assert str(Periode.parse("2026").previous()) == "2025"


def test_filter_period_keeps_whole_last_day() -> None:
    df = pd.DataFrame(
        {"t": pd.to_datetime(["2026-03-31 23:59", "2026-04-01 00:00", "2025-12-31 08:00"])}
    )
    out = filter_period(df, "t", "2026-TW1")
    assert list(out["t"].dt.strftime("%Y-%m-%d")) == ["2026-03-31"]
    assert len(filter_period(df, "t", None)) == 3
