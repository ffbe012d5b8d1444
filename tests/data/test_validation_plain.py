"""Step 2 of validation checks a table with plain pandas first and calls pandera only when some
value breaks a rule (:func:`kinerja.data.validation._passes_plainly`). The two must agree: a
frame passes the plain check exactly when pandera's schema passes it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.data.validation import _passes_plainly, _schema_errors
from kinerja.domain.schema import TABLES

NUMBERS = st.one_of(
    st.none(),
    st.sampled_from([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, -1.0, 2.5, 0.5, 1e6]),
)
TEXT = st.one_of(st.none(), st.sampled_from(["", "x", "Baik", "2025", "2025-TW2", "2025-13"]))


def _column(spec, c, n: int, draw) -> pd.Series:
    if c.kind in ("skm", "int", "float") or c.min_value is not None:
        return pd.Series(draw(st.lists(NUMBERS, min_size=n, max_size=n)), dtype="float64")
    if c.kind == "category" and c.vocabulary:
        words = st.one_of(st.none(), st.sampled_from([*c.vocabulary, "bukan kosakata"]))
        return pd.Series(draw(st.lists(words, min_size=n, max_size=n)), dtype="object")
    return pd.Series(draw(st.lists(TEXT, min_size=n, max_size=n)), dtype="object")


@st.composite
def frames(draw, spec):
    n = draw(st.integers(0, 6))
    # a clean frame from each column's first choice, then a few cells changed
    cols = {c.name: _column(spec, c, n, draw) for c in spec.columns}
    return pd.DataFrame(cols, index=pd.RangeIndex(n))


@pytest.mark.parametrize(
    "name", ["skm", "laporan_kinerja", "standar_layanan", "penilaian_skp", "pengaduan", "pelatihan"]
)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_plain_check_agrees_with_pandera(name, data):
    spec = TABLES[name]
    frame = data.draw(frames(spec))
    assert _passes_plainly(spec, frame) == (not _schema_errors(spec, frame))


def test_clean_and_broken_values_by_hand():
    spec = TABLES["skm"]
    cols = {c.name: [None] for c in spec.columns}
    frame = pd.DataFrame(cols)
    clean = not _schema_errors(spec, frame)
    assert _passes_plainly(spec, frame) == clean
    answers = [c.name for c in spec.columns if c.kind == "skm"]
    ok = frame.assign(**{a: [4.0] for a in answers})
    assert _passes_plainly(spec, ok) == (not _schema_errors(spec, ok))
    broken = ok.assign(**{answers[0]: [5.0]})  # an SKM answer out of 1..4
    assert not _passes_plainly(spec, broken) and _schema_errors(spec, broken)
    half = ok.assign(**{answers[0]: [np.float64(2.5)]})  # not whole
    assert not _passes_plainly(spec, half) and _schema_errors(spec, half)
