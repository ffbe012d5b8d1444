"""SKM / IKM: Survei Kepuasan Masyarakat under PermenPANRB 14/2017 (reference.md §1).

Pure computation: DataFrames in, DataFrames out, no I/O and no display formatting.

The input is the typed ``skm`` table (one row per respondent) with the nine element columns
``persyaratan, prosedur, waktu, biaya, produk, kompetensi, perilaku, pengaduan, sarana``
(nullable integers 1..4; blank = not answered) and ``metode`` (``"2017"`` by default).
Elements are always matched **by name**, never by position (§1.2: U8/U9 are numbered both ways).

Rules (and their register ids in :mod:`kinerja.domain.assumptions`):

- NRR per element = sum of answers given / number of answers given (§1.4.1): a blank leaves
  that element's denominator, it is never a zero.
- IKM (1–4) = Σ NRR_i × w, IKM (25–100) = Σ NRR_i × w × 25 with w = 1/9 exactly by default,
  i.e. the mean of the nine NRR × 25 (§1.4; ``ikm-bobot``). Legacy weights ``0.111`` and ``0.11``
  reproduce published reports; with them an all-4 survey scores 99.90 / 99.00, not 100.
- Half-up rounding to 2 decimals only at the end, computed exactly with rational arithmetic;
  mutu is classified on the rounded value with lower-bound-inclusive thresholds
  ≥ 88.31 A, ≥ 76.61 B, ≥ 65.00 C, else D (§1.5; ``ikm-pembulatan``).
- Per-element mutu on the NRR rounded half-up to 4 decimals: ≥ 3.5324 A, ≥ 3.0644 B,
  ≥ 2.60 C, else D (§1.5; ``ikm-mutu-unsur``).
- Surveys under the 2004 method (14 elements, other bands, §1.6) are never mixed with 2017
  results: :func:`ikm_table` computes one method only and says how many rows it left out;
  :func:`survey_methods` reports the rows of every method.
- Minimum sample by Krejcie & Morgan (§1.7; ``ikm-krejcie-morgan``) as a flag only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

import numpy as np
import pandas as pd

from kinerja.domain.assumptions import assumption_note
from kinerja.domain.period import Periode, filter_period
from kinerja.domain.schema import SKM_ELEMENT_LABELS, SKM_ELEMENTS

__all__ = [
    "IKM_THRESHOLDS",
    "NRR_THRESHOLDS",
    "SKM_ELEMENTS",
    "UNSUR_LABELS",
    "WEIGHTS",
    "classify_ikm",
    "classify_ikm_series",
    "ikm_elements",
    "ikm_table",
    "krejcie_morgan",
    "round_half_up",
    "sample_adequacy",
    "survey_methods",
    "weakest_elements",
]

Weight = Literal["exact", "0.111", "0.11"]

#: Indonesian names of the nine elements, reference.md §1.2 (defined once, in kinerja.domain.schema).
UNSUR_LABELS: dict[str, str] = SKM_ELEMENT_LABELS

#: weight option -> (exact weight per element, label stated in the output's ``bobot`` column)
WEIGHTS: dict[str, tuple[Fraction, str]] = {
    "exact": (Fraction(1, 9), "1/9 (tepat)"),
    "0.111": (Fraction(111, 1000), "0,111 (bobot lama)"),
    "0.11": (Fraction(11, 100), "0,11 (bobot lama)"),
}

#: IKM 25–100 (rounded to 2 decimals) lower bounds, §1.5: (bound, mutu, kinerja unit).
IKM_THRESHOLDS: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)
#: NRR / IKM 1–4 (rounded to 4 decimals) lower bounds, §1.5 (NIK bound / 25).
NRR_THRESHOLDS: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("3.5324"), "A", "Sangat Baik"),
    (Decimal("3.0644"), "B", "Baik"),
    (Decimal("2.60"), "C", "Kurang Baik"),
    (Decimal("1.00"), "D", "Tidak Baik"),
)

_METODE_DEFAULT = "2017"
_KM_NOTE = (
    "Sampel minimum Krejcie–Morgan hanya penanda, bukan syarat; aturan lain yang beredar "
    "(25 responden per layanan, 150 responden/10%) belum terkonfirmasi dan tidak diberlakukan. "
)


# --------------------------------------------------------------------------------------------
# rounding and classification
# --------------------------------------------------------------------------------------------
def _fraction_half_up(value: Fraction, decimals: int) -> Fraction:
    scale = 10**decimals
    return Fraction(math.floor(value * scale + Fraction(1, 2)), scale)


def round_half_up(values: pd.Series | np.ndarray | float, decimals: int = 2):
    """Round half away from zero (for positive values: half-up) to ``decimals``, vectorised.

    Binary floats cannot hold most decimals (``88.305`` is stored as ``88.30499999…``), so the
    value is first cleaned of float noise by rounding the scaled value to 6 further decimals,
    then ``floor(x + 0.5)`` is applied. ``88.305 -> 88.31``, ``2.675 -> 2.68`` (Python's
    ``round`` gives 2.67), ``0.125 -> 0.13`` (banker's rounding gives 0.12). NaN stays NaN.
    """
    scale = 10.0**decimals
    arr = np.asarray(values, dtype="float64")
    scaled = np.round(arr * scale, 6)
    out = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale
    out = out + 0.0  # turn -0.0 into 0.0
    if isinstance(values, pd.Series):
        return pd.Series(out, index=values.index, name=values.name)
    if np.ndim(values) == 0:
        return float(out)
    return out


def _classify_decimal(value: Decimal, table) -> tuple[str, str]:
    for bound, mutu, label in table:
        if value >= bound:
            return mutu, label
    return table[-1][1], table[-1][2]


def classify_ikm(score: float) -> tuple[str, str]:
    """Mutu and kinerja-unit label of an IKM on the 25–100 scale (PermenPANRB 14/2017, §1.5).

    The score is first rounded half-up to 2 decimals (through its shortest decimal form, so
    ``88.305`` counts as written), then classified with lower-bound-inclusive thresholds.

    Returns
    -------
    (mutu, kinerja_unit) : tuple of str
        e.g. ``classify_ikm(88.31) == ("A", "Sangat Baik")``,
        ``classify_ikm(88.30) == ("B", "Baik")``.

    Notes
    -----
    ≥ 88.31 → A Sangat Baik; ≥ 76.61 → B Baik; ≥ 65.00 → C Kurang Baik; otherwise D Tidak Baik.
    The table has gaps (76.60 < x < 76.61): rounding first puts every score in a band.
    """
    if score is None or pd.isna(score):
        raise ValueError("Nilai IKM kosong tidak dapat diklasifikasikan")
    value = Decimal(repr(float(score))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not Decimal(25) <= value <= Decimal(100):
        raise ValueError(f"Nilai IKM {score!r} di luar rentang 25–100 (skala konversi §1.5)")
    return _classify_decimal(value, IKM_THRESHOLDS)


def _classify_rounded(rounded: np.ndarray, table) -> tuple[np.ndarray, np.ndarray]:
    conds = [rounded >= float(b) for b, _, _ in table[:-1]]
    mutu = np.select(conds, [m for _, m, _ in table[:-1]], default=table[-1][1]).astype(object)
    label = np.select(conds, [k for _, _, k in table[:-1]], default=table[-1][2]).astype(object)
    missing = np.isnan(rounded)
    mutu[missing] = pd.NA
    label[missing] = pd.NA
    return mutu, label


def classify_ikm_series(scores: pd.Series) -> pd.DataFrame:
    """Vectorised :func:`classify_ikm`: DataFrame ``mutu, kinerja_unit`` on ``scores``' index.

    Scores are rounded half-up to 2 decimals (:func:`round_half_up`) before classification;
    NaN gives NA.
    """
    s = pd.Series(scores, dtype="float64")
    rounded = np.asarray(round_half_up(s, 2), dtype="float64")
    mutu, label = _classify_rounded(rounded, IKM_THRESHOLDS)
    return pd.DataFrame(
        {"mutu": pd.array(mutu, dtype="str"), "kinerja_unit": pd.array(label, dtype="str")},
        index=s.index,
    )


# --------------------------------------------------------------------------------------------
# input preparation
# --------------------------------------------------------------------------------------------
def _require(df: pd.DataFrame, columns: Sequence[str], table: str = "skm") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"Tabel {table}: kolom wajib tidak ada: {', '.join(missing)}")


def _metode(df: pd.DataFrame) -> pd.Series:
    if "metode" not in df.columns:
        return pd.Series(_METODE_DEFAULT, index=df.index, dtype="str")
    m = df["metode"].astype("str").str.strip()
    return m.where(df["metode"].notna(), _METODE_DEFAULT)


def _answers(df: pd.DataFrame) -> np.ndarray:
    """The nine answer columns as a (9, n) float64 array (NaN = blank), validated 1..4."""
    _require(df, SKM_ELEMENTS)
    cols = []
    for col in SKM_ELEMENTS:
        raw = df[col]
        numeric = pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(
            raw.dtype
        )
        num = raw if numeric else pd.to_numeric(raw, errors="coerce")
        arr = num.to_numpy(dtype="float64", na_value=np.nan)
        blank = np.isnan(arr)
        bad = ~blank & (arr != 1) & (arr != 2) & (arr != 3) & (arr != 4)
        if not numeric:
            bad |= blank & raw.notna().to_numpy()
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"Tabel skm, baris (indeks) {df.index[pos]!r}, kolom {col}: nilai "
                f"{raw.iloc[pos]!r} bukan jawaban 1..4 ({int(bad.sum())} nilai seperti ini)"
            )
        cols.append(arr)
    return np.vstack(cols)  # (9, n): each element's answers contiguous


def _select(
    skm: pd.DataFrame, by: Sequence[str], periode: str | Periode | None
) -> tuple[pd.DataFrame, pd.Series]:
    by = list(by)
    _require(skm, [*by, *SKM_ELEMENTS])
    if periode is not None:
        _require(skm, ["tanggal"])
        skm = filter_period(skm, "tanggal", periode)
    return skm, _metode(skm)


def _groups(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Group number of every row (sorted group order) and the group keys (one row per group)."""
    if not by:
        return np.zeros(len(df), dtype="int64"), pd.DataFrame(index=range(min(len(df), 1)))
    g = df.groupby(list(by), observed=True, dropna=False, sort=True)
    codes = g.ngroup().to_numpy(dtype="int64")
    keys = g.size().index.to_frame(index=False)
    keys.columns = list(by)
    return codes, keys


def _grouped_sums(
    df: pd.DataFrame, by: Sequence[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Per group: keys, sum of answers and number of answers (G × 9), respondents (G)."""
    answers = _answers(df)
    codes, keys = _groups(df, by)
    n = len(keys)
    sums = np.empty((n, len(SKM_ELEMENTS)), dtype="int64")
    counts = np.empty((n, len(SKM_ELEMENTS)), dtype="int64")
    any_answer = np.zeros(len(df), dtype=bool)
    for j in range(len(SKM_ELEMENTS)):
        answered = ~np.isnan(answers[j])
        any_answer |= answered
        filled = np.where(answered, answers[j], 0.0)
        sums[:, j] = np.bincount(codes, weights=filled, minlength=n).round()
        counts[:, j] = np.bincount(codes, weights=answered, minlength=n).round()
    respondents = np.bincount(codes, weights=any_answer, minlength=n).round()
    return keys, sums, counts, respondents.astype("int64")


def _nrr(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / np.where(counts == 0, np.nan, counts)


# --------------------------------------------------------------------------------------------
# IKM
# --------------------------------------------------------------------------------------------
def ikm_table(
    skm: pd.DataFrame,
    *,
    by: Sequence[str] = ("kode_opd",),
    weight: Weight = "exact",
    periode: str | Periode | None = None,
    metode: Literal["2017"] = "2017",
) -> pd.DataFrame:
    """IKM per group: PermenPANRB 14/2017, reference.md §1.4–§1.5.

    Parameters
    ----------
    skm : DataFrame
        Typed ``skm`` table (nine element columns 1..4 / blank, ``metode``, ``tanggal``).
    by : sequence of str, default ``("kode_opd",)``
        Grouping columns, e.g. ``("kode_opd", "jenis_layanan")``; ``()`` for one overall row.
    weight : {"exact", "0.111", "0.11"}, default "exact"
        Weight per element: exactly 1/9, or a legacy rounded weight for reconciling with
        published reports (register ``ikm-bobot``). The weight used is stated in ``bobot``.
    periode : str or Periode, optional
        Keep only respondents whose ``tanggal`` falls in this period; adds a ``periode`` column.
    metode : {"2017"}
        Only rows of this survey method are computed. Rows of another method (the 2004
        14-element method) are never blended in; their number per group is stated in
        ``catatan`` and :func:`survey_methods` lists them.

    Returns
    -------
    DataFrame
        ``*by, [periode], metode, n_responden, nrr_<unsur> (nine, regulation order), ikm,
        ikm_skala4, mutu, kinerja_unit, bobot, catatan``. ``n_responden`` counts respondents
        with at least one answer. ``ikm`` is NA (with a catatan) when an element has no answer
        at all in the group.

    Notes
    -----
    NRR_i = Σ answers_i / n answers_i (blanks excluded from that element only).
    IKM (1–4) = Σ_i NRR_i × w; IKM (25–100) = Σ_i NRR_i × w × 25; with w = 1/9 this is the
    mean of the nine NRR × 25. Computed exactly with fractions, then rounded half-up:
    ``ikm`` to 2 decimals, ``ikm_skala4`` to 4 decimals. ``mutu``/``kinerja_unit`` from the
    rounded ``ikm``: ≥ 88.31 A Sangat Baik, ≥ 76.61 B Baik, ≥ 65.00 C Kurang Baik, else D Tidak
    Baik. With legacy weight 0.111 the maximum is 9 × 4 × 0.111 × 25 = 99.90 (0.11: 99.00):
    that is how those published reports behave. ``nrr_*`` are not rounded.
    """
    if weight not in WEIGHTS:
        raise ValueError(f"Bobot tidak dikenal: {weight!r} (pilihan: exact, 0.111, 0.11)")
    if metode != _METODE_DEFAULT:
        raise ValueError(
            f"Metode {metode!r} tidak dihitung: hanya metode 2017 (9 unsur) yang dapat dihitung; "
            "survei metode 2004 (14 unsur) tidak dapat dibandingkan (§1.6)"
        )
    by = list(by)
    w, w_label = WEIGHTS[weight]
    df, met = _select(skm, by, periode)
    use = df.loc[met == metode]
    other = df.loc[met != metode]

    keys, sum_arr, cnt_arr, respondents = _grouped_sums(use, by)
    ikm_vals = np.full(len(keys), np.nan)
    skala4_vals = np.full(len(keys), np.nan)
    notes: list[str] = []
    for i in range(len(keys)):
        if (cnt_arr[i] == 0).any():
            empty = [e for e, c in zip(SKM_ELEMENTS, cnt_arr[i], strict=True) if c == 0]
            notes.append(f"Unsur tanpa jawaban: {', '.join(empty)}; IKM tidak dihitung. ")
            continue
        total = sum(
            (Fraction(int(s), int(c)) for s, c in zip(sum_arr[i], cnt_arr[i], strict=True)),
            Fraction(0),
        )
        skala4 = total * w
        ikm_vals[i] = float(_fraction_half_up(skala4 * 25, 2))
        skala4_vals[i] = float(_fraction_half_up(skala4, 4))
        notes.append("")

    # rows of another survey method: stated, never blended
    if len(other) and len(keys):
        if by:
            other_n = other.groupby(by, observed=True, dropna=False).size().rename("_n")
            extra = keys.merge(other_n.reset_index(), on=by, how="left")["_n"]
            extra = extra.fillna(0).astype("int64").tolist()
        else:
            extra = [len(other)]
        notes = [
            n
            + (
                f"{x} responden metode lain (mis. 2004) tidak dihitung; tidak dapat dibandingkan "
                "dengan 14/2017. "
                if x
                else ""
            )
            for n, x in zip(notes, extra, strict=True)
        ]

    base_note = assumption_note(["ikm-bobot", "ikm-pembulatan"])
    nrr = _nrr(sum_arr, cnt_arr)
    classes = classify_ikm_series(pd.Series(ikm_vals))
    data: dict[str, object] = {c: keys[c].to_numpy() for c in by}
    if periode is not None:
        data["periode"] = pd.array([str(Periode.parse(periode))] * len(keys), dtype="str")
    data["metode"] = pd.array([metode] * len(keys), dtype="str")
    data["n_responden"] = respondents
    for j, e in enumerate(SKM_ELEMENTS):
        data[f"nrr_{e}"] = nrr[:, j]
    data["ikm"] = ikm_vals
    data["ikm_skala4"] = skala4_vals
    data["mutu"] = classes["mutu"].array
    data["kinerja_unit"] = classes["kinerja_unit"].array
    data["bobot"] = pd.array([w_label] * len(keys), dtype="str")
    data["catatan"] = pd.array([(n + base_note).strip() for n in notes], dtype="str")
    out = pd.DataFrame(data)
    for c in by:  # keep the grouping columns' dtypes (e.g. category)
        out[c] = out[c].astype(keys[c].dtype)
    return out


def survey_methods(
    skm: pd.DataFrame,
    *,
    by: Sequence[str] = ("kode_opd",),
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """Respondents per group and survey method, so 2004-method rows are reported, not lost.

    Returns
    -------
    DataFrame
        ``*by, metode, n_responden, dipakai_untuk_ikm, catatan``: ``dipakai_untuk_ikm`` is True
        only for method ``"2017"`` (PermenPANRB 14/2017); the 2004 method (KepmenPAN 25/2004,
        14 elements, §1.6) cannot be compared with it.
    """
    by = list(by)
    df, met = _select(skm, by, periode)
    frame = df[by].assign(metode=met.to_numpy())
    counts = frame.groupby([*by, "metode"], observed=True, dropna=False, sort=True).size()
    out = counts.index.to_frame(index=False)
    out["n_responden"] = counts.to_numpy().astype("int64")
    out["metode"] = out["metode"].astype("str")
    used = out["metode"] == _METODE_DEFAULT
    out["dipakai_untuk_ikm"] = used.to_numpy()
    out["catatan"] = np.where(
        used,
        "PermenPANRB 14/2017 (9 unsur)",
        "Metode lain (mis. KepmenPAN 25/2004, 14 unsur): tidak dihitung dan tidak dibandingkan",
    )
    out["catatan"] = out["catatan"].astype("str")
    return out


def ikm_elements(
    skm: pd.DataFrame,
    *,
    by: Sequence[str] = ("kode_opd",),
    weight: Weight = "exact",
    periode: str | Periode | None = None,
    metode: Literal["2017"] = "2017",
) -> pd.DataFrame:
    """NRR and mutu of each of the nine elements per group (PermenPANRB 14/2017, §1.2–§1.5).

    Returns
    -------
    DataFrame (long)
        ``*by, [periode], unsur, label, n_jawaban, nrr, nrr_tertimbang, mutu, peringkat``;
        nine rows per group in regulation order. ``peringkat`` 1 = weakest (lowest NRR) within
        the group; ties share the lower rank (``min``); an element without answers has NA
        ``nrr``, ``mutu`` and ``peringkat``.

    Notes
    -----
    NRR_i = Σ answers_i / n answers_i (blank answers excluded from that element only).
    nrr_tertimbang = NRR_i × w (w = 1/9, 0.111 or 0.11 as in :func:`ikm_table`), not rounded.
    mutu: NRR rounded half-up to 4 decimals, ≥ 3.5324 A, ≥ 3.0644 B, ≥ 2.60 C, else D
    (register ``ikm-mutu-unsur``).
    """
    if weight not in WEIGHTS:
        raise ValueError(f"Bobot tidak dikenal: {weight!r} (pilihan: exact, 0.111, 0.11)")
    if metode != _METODE_DEFAULT:
        raise ValueError(f"Metode {metode!r} tidak dihitung: hanya metode 2017 (§1.6)")
    by = list(by)
    w = float(WEIGHTS[weight][0])
    df, met = _select(skm, by, periode)
    keys, sum_arr, cnt_arr, _ = _grouped_sums(df.loc[met == metode], by)
    n_groups = len(keys)
    nrr = _nrr(sum_arr, cnt_arr).ravel()
    out = keys.loc[keys.index.repeat(len(SKM_ELEMENTS))].reset_index(drop=True)
    if periode is not None:
        out["periode"] = str(Periode.parse(periode))
    out["unsur"] = pd.array(list(SKM_ELEMENTS) * n_groups, dtype="str")
    out["label"] = out["unsur"].map(UNSUR_LABELS).astype("str")
    out["n_jawaban"] = cnt_arr.ravel().astype("int64")
    out["nrr"] = nrr
    out["nrr_tertimbang"] = nrr * w
    mutu, _ = _classify_rounded(np.asarray(round_half_up(nrr, 4)), NRR_THRESHOLDS)
    out["mutu"] = pd.array(mutu, dtype="str")
    group_id = np.repeat(np.arange(n_groups), len(SKM_ELEMENTS))
    out["peringkat"] = (
        pd.Series(nrr).groupby(group_id).rank(method="min", ascending=True).astype("Int64")
    )
    return out


def weakest_elements(elements: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` weakest elements per group from :func:`ikm_elements` output.

    Exactly ``n`` rows per group (fewer when fewer elements have answers), sorted by NRR
    ascending; ties are broken by the regulation's element order. Elements without answers
    are left out.
    """
    if n < 1:
        raise ValueError(f"n harus >= 1, bukan {n}")
    _require(elements, ["unsur", "nrr", "peringkat"], table="ikm_elements")
    group_cols = [
        c
        for c in elements.columns
        if c not in {"unsur", "label", "n_jawaban", "nrr", "nrr_tertimbang", "mutu", "peringkat"}
    ]
    order = {e: i for i, e in enumerate(SKM_ELEMENTS)}
    df = elements.loc[elements["nrr"].notna()].assign(
        _urut=lambda d: d["unsur"].map(order).astype("int64")
    )
    df = df.sort_values([*group_cols, "nrr", "_urut"], kind="stable")
    if group_cols:
        df = df.groupby(group_cols, observed=True, dropna=False, sort=False).head(n)
    else:
        df = df.head(n)
    return df.drop(columns="_urut").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# sample size
# --------------------------------------------------------------------------------------------
_KM_CHI2 = 3.841
_KM_P = 0.5
_KM_D = 0.05


def krejcie_morgan(population):
    """Minimum sample size by Krejcie & Morgan (1970), reference.md §1.7 (register ``ikm-krejcie-morgan``).

    Parameters
    ----------
    population : int, array-like or Series
        Population N (e.g. people served in the period). Vectorised: a Series gives an
        ``Int64`` Series on the same index (NA stays NA), an array gives an int array.

    Returns
    -------
    int, ndarray or Series

    Notes
    -----
    s = χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)) with χ² = 3.841, P = 0.5, d = 0.05,
    **rounded half to nearest** (not up): this reproduces all 39 published table rows
    (50 → 44, 300 → 169, 1000 → 278); N = 100,000 gives 383 (some tables print 384).
    """
    pq = _KM_P * (1 - _KM_P)

    def _calc(n: np.ndarray) -> np.ndarray:
        s = _KM_CHI2 * n * pq / (_KM_D**2 * (n - 1) + _KM_CHI2 * pq)
        return np.floor(np.round(s, 9) + 0.5)

    if isinstance(population, pd.Series):
        n = pd.to_numeric(population, errors="raise").astype("float64")
        if (n < 0).any():
            raise ValueError("Populasi tidak boleh negatif")
        return pd.Series(_calc(n.to_numpy()), index=population.index, name="n_minimum").astype(
            "Int64"
        )
    if np.ndim(population) == 0:
        if population is None or pd.isna(population):
            raise ValueError("Populasi kosong")
        n = float(population)
        if n < 0 or n != math.floor(n):
            raise ValueError(f"Populasi harus bilangan bulat >= 0, bukan {population!r}")
        return int(_calc(np.asarray(n)))
    arr = np.asarray(population, dtype="float64")
    if (arr < 0).any() or np.isnan(arr).any():
        raise ValueError("Populasi harus bilangan bulat >= 0 tanpa nilai kosong")
    return _calc(arr).astype("int64")


def sample_adequacy(
    ikm: pd.DataFrame,
    population: pd.DataFrame | int,
    *,
    by: Sequence[str] = ("kode_opd",),
    population_col: str = "populasi",
) -> pd.DataFrame:
    """Add the Krejcie–Morgan minimum sample and an adequacy flag to an IKM table (§1.7).

    Parameters
    ----------
    ikm : DataFrame
        Output of :func:`ikm_table` (needs ``by`` columns and ``n_responden``).
    population : DataFrame or int
        People served in the period per group (columns ``by`` + ``population_col``, e.g. from
        the service log), or one number for every group.
    by : sequence of str
        Join keys between ``ikm`` and ``population``.
    population_col : str, default "populasi"

    Returns
    -------
    DataFrame
        ``ikm`` plus ``populasi`` (Int64), ``n_minimum`` (Int64), ``sampel_memadai`` (boolean,
        NA when the population is unknown); ``catatan`` gets the note that this is a flag, not
        a rule.

    Notes
    -----
    sampel_memadai = n_responden ≥ krejcie_morgan(populasi). Other circulating minimums are
    unconfirmed and not enforced (register ``ikm-sampel-minimum-lain``).
    """
    by = list(by)
    _require(ikm, [*by, "n_responden"], table="ikm")
    out = ikm.copy()
    if isinstance(population, pd.DataFrame):
        _require(population, [*by, population_col], table="populasi")
        pop = population[[*by, population_col]].rename(columns={population_col: "populasi"})
        if pop.duplicated(by).any():
            raise ValueError(f"Tabel populasi: kunci {', '.join(by)} ganda")
        if "populasi" in out.columns:
            out = out.drop(columns="populasi")
        out = out.merge(pop, on=by, how="left", validate="many_to_one")
        out["populasi"] = pd.to_numeric(out["populasi"]).astype("Int64")
    else:
        if population is None or pd.isna(population) or float(population) < 0:
            raise ValueError(f"Populasi harus bilangan bulat >= 0, bukan {population!r}")
        out["populasi"] = pd.array([int(population)] * len(out), dtype="Int64")
    out["n_minimum"] = krejcie_morgan(out["populasi"])
    out["sampel_memadai"] = (out["n_responden"] >= out["n_minimum"]).astype("boolean")
    note = _KM_NOTE + assumption_note(["ikm-krejcie-morgan", "ikm-sampel-minimum-lain"])
    if "catatan" in out.columns:
        out["catatan"] = (out["catatan"].fillna("").astype("str") + " " + note).str.strip()
    else:
        out["catatan"] = note
    out["catatan"] = out["catatan"].astype("str")
    return out
