"""SKP: predikat kinerja pegawai under PermenPANRB 6/2022 (reference.md §2).

Pure computation: DataFrames in, DataFrames out.

- :func:`predikat_from_ratings`: the 3×3 matrix of §2.3 (defined once, in
  :data:`kinerja.domain.schema.PREDIKAT_MATRIX`).
- :func:`assess_skp`: matrix predikat next to the supplied one; a disagreement is reported, never
  overwritten ("Kurang" and "Kurang/Misconduct" are the same predikat).
- :func:`skp_distribution`: predikat counts and shares per OPD and period, all five predikat.
- :func:`curve_warnings`: the distribution patterns of §2.6 given the organisation's own
  predikat — **warnings**, because their source is only *likely* (register
  ``skp-pola-distribusi``); thresholds in :class:`CurveRules`.
- :func:`pp30_score`: the earlier numeric scoring of PP 30/2019 Pasal 41 (§2.7).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
import pandas as pd

from kinerja.domain.assumptions import assumption_note
from kinerja.domain.numbers import fmt_percent
from kinerja.domain.schema import PREDIKAT, PREDIKAT_MATRIX, RATINGS
from kinerja.metrics.survey import round_half_up

__all__ = [
    "ORG_PREDIKAT",
    "PREDIKAT",
    "RATINGS",
    "CurveRules",
    "assess_skp",
    "curve_warnings",
    "normalize_org_predikat",
    "normalize_predikat",
    "pp30_score",
    "predikat_from_ratings",
    "skp_distribution",
]

#: Organisation (satuan organisasi) predikat, §2.6 (likely). "Cukup" reads as Butuh Perbaikan.
ORG_PREDIKAT: tuple[str, ...] = ("Istimewa", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")

_SB, _B, _BP, _KM, _SK = PREDIKAT  # best -> worst, as kinerja.domain.schema orders them


def _key(text: str) -> str:
    return re.sub(r"[\s\-_/().]+", "", str(text).casefold())


def _lookup_codes(
    values: pd.Series, lookup: Mapping[str, int], *, what: str, column: str
) -> np.ndarray:
    """Codes (index into a vocabulary) of ``values``; -1 for NA; ValueError for unknown.

    Vectorised over the distinct values (``pd.factorize``), so a million rows cost a few
    dictionary look-ups.
    """
    s = pd.Series(values)
    ucodes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = np.array([lookup.get(_key(u), -2) for u in uniques], dtype="int64")
    codes = np.where(ucodes >= 0, mapped[np.maximum(ucodes, 0)] if len(mapped) else -1, -1)
    unknown = codes == -2
    if unknown.any():
        pos = int(np.flatnonzero(unknown)[0])
        raise ValueError(
            f"Kolom {column}, baris (indeks) {s.index[pos]!r}: {what} tidak dikenal "
            f"{s.iloc[pos]!r} ({int(unknown.sum())} nilai seperti ini)"
        )
    return codes.astype("int64")


_RATING_LOOKUP = {_key(r): i for i, r in enumerate(RATINGS)}
_PREDIKAT_LOOKUP = {_key(p): i for i, p in enumerate(PREDIKAT)}
_PREDIKAT_LOOKUP[_key("Kurang")] = PREDIKAT.index("Kurang/Misconduct")
_ORG_LOOKUP = {_key(p): i for i, p in enumerate(ORG_PREDIKAT)}
_ORG_LOOKUP.update(
    {
        _key("Cukup"): 2,
        _key("Butuh Perbaikan (Cukup)"): 2,
        _key("Butuh Perbaikan/Cukup"): 2,
        _key("Kurang/Misconduct"): 3,
    }
)
# 3x3 array of predikat codes: [hasil code, perilaku code]
_MATRIX = np.empty((len(RATINGS), len(RATINGS)), dtype="int64")
for (_h, _p), _pred in PREDIKAT_MATRIX.items():
    _MATRIX[RATINGS.index(_h), RATINGS.index(_p)] = PREDIKAT.index(_pred)


def _categorical(codes: np.ndarray, categories: Sequence[str], index) -> pd.Series:
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=list(categories)), index=index, copy=False
    )


def predikat_from_ratings(hasil: pd.Series, perilaku: pd.Series) -> pd.Series:
    """Predikat kinerja from the two ratings: PermenPANRB 6/2022, matrix of reference.md §2.3.

    Parameters
    ----------
    hasil, perilaku : Series (or array-like) of str
        ``rating_hasil_kerja`` and ``rating_perilaku``: Di Atas / Sesuai / Di Bawah Ekspektasi,
        case- and spacing-insensitive. NA gives NA; an unknown value raises ``ValueError``.

    Returns
    -------
    Series
        Categorical with categories ``PREDIKAT`` (best → worst), on ``hasil``'s index.

    Notes
    -----
    ==================  ================  ================  ================
    Hasil ↓ Perilaku →  Di Bawah          Sesuai            Di Atas
    ==================  ================  ================  ================
    Di Atas             Kurang/Misconduct Baik              Sangat Baik
    Sesuai              Kurang/Misconduct Baik              Baik
    Di Bawah            Sangat Kurang     Butuh Perbaikan   Butuh Perbaikan
    ==================  ================  ================  ================
    """
    h = pd.Series(hasil)
    p = pd.Series(perilaku, index=h.index) if not isinstance(perilaku, pd.Series) else perilaku
    if len(h) != len(p):
        raise ValueError("rating_hasil_kerja dan rating_perilaku tidak sama panjang")
    hc = _lookup_codes(h, _RATING_LOOKUP, what="rating", column="rating_hasil_kerja")
    pc = _lookup_codes(p, _RATING_LOOKUP, what="rating", column="rating_perilaku")
    ok = (hc >= 0) & (pc >= 0)
    codes = np.full(len(h), -1, dtype="int64")
    codes[ok] = _MATRIX[hc[ok], pc[ok]]
    return _categorical(codes, PREDIKAT, h.index).rename("predikat_matriks")


def normalize_predikat(values: pd.Series) -> pd.Series:
    """Canonical predikat labels: case-insensitive, and "Kurang" ≡ "Kurang/Misconduct" (§2.3).

    NA stays NA; an unknown label raises ``ValueError``. Returns a categorical Series with
    categories ``PREDIKAT``.
    """
    s = pd.Series(values)
    codes = _lookup_codes(s, _PREDIKAT_LOOKUP, what="predikat", column="predikat")
    return _categorical(codes, PREDIKAT, s.index).rename(s.name)


def normalize_org_predikat(values: pd.Series) -> pd.Series:
    """Canonical organisation predikat (§2.6): Istimewa / Baik / Butuh Perbaikan / Kurang / Sangat
    Kurang; "Cukup" ≡ "Butuh Perbaikan", "Kurang/Misconduct" ≡ "Kurang" (register
    ``skp-predikat-organisasi``)."""
    s = pd.Series(values)
    codes = _lookup_codes(s, _ORG_LOOKUP, what="predikat organisasi", column="predikat_organisasi")
    return _categorical(codes, ORG_PREDIKAT, s.index).rename("predikat_organisasi")


def _require(df: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"Tabel {table}: kolom wajib tidak ada: {', '.join(missing)}")


def assess_skp(penilaian: pd.DataFrame) -> pd.DataFrame:
    """Matrix predikat and its agreement with the supplied predikat (PermenPANRB 6/2022, §2.3).

    Parameters
    ----------
    penilaian : DataFrame
        Typed ``penilaian_skp`` (``nip, periode, rating_hasil_kerja, rating_perilaku,
        [predikat]``).

    Returns
    -------
    DataFrame
        A copy with ``predikat`` normalised (all-NA when absent), ``predikat_matriks`` and
        ``predikat_cocok`` (boolean: supplied == matrix; NA where no predikat was supplied).
        The supplied predikat is never overwritten.
    """
    _require(penilaian, ["rating_hasil_kerja", "rating_perilaku"], "penilaian_skp")
    out = penilaian.copy()
    if "predikat" in out.columns:
        out["predikat"] = normalize_predikat(out["predikat"])
    else:
        out["predikat"] = _categorical(np.full(len(out), -1), PREDIKAT, out.index)
    out["predikat_matriks"] = predikat_from_ratings(
        out["rating_hasil_kerja"], out["rating_perilaku"]
    )
    supplied = out["predikat"].cat.codes.to_numpy()
    matrix = out["predikat_matriks"].cat.codes.to_numpy()
    cocok = pd.array(supplied == matrix, dtype="boolean")
    cocok[(supplied < 0) | (matrix < 0)] = pd.NA
    out["predikat_cocok"] = cocok
    return out


def skp_distribution(
    penilaian: pd.DataFrame,
    pegawai: pd.DataFrame,
    *,
    by: Sequence[str] = ("kode_opd", "periode"),
    source: Literal["matriks", "tercatat"] = "matriks",
) -> pd.DataFrame:
    """Distribution of predikat per group (PermenPANRB 6/2022, §2.3 and §2.6).

    Parameters
    ----------
    penilaian : DataFrame
        ``penilaian_skp`` (raw typed table or :func:`assess_skp` output).
    pegawai : DataFrame
        ``pegawai``: gives ``kode_opd`` (and any other ``by`` column) by ``nip``.
    by : sequence of str, default ``("kode_opd", "periode")``
    source : {"matriks", "tercatat"}, default "matriks"
        Count the matrix predikat, or the supplied one (matrix where none was supplied).
        Register ``skp-predikat-sumber``.

    Returns
    -------
    DataFrame
        ``*by, predikat, jumlah, persen``: five rows per group, ordered best → worst, zeros
        included. ``persen`` = jumlah / assessments with a predikat in the group × 100
        (percent units, not rounded). Assessments whose ASN is not in ``pegawai`` are counted
        under an empty ``kode_opd``.
    """
    by = list(by)
    df = penilaian if "predikat_matriks" in penilaian.columns else assess_skp(penilaian)
    if source == "matriks":
        pred = df["predikat_matriks"]
    elif source == "tercatat":
        pred = df["predikat"].where(df["predikat"].notna(), df["predikat_matriks"])
    else:
        raise ValueError(f"source tidak dikenal: {source!r} (pilihan: matriks, tercatat)")
    need = [c for c in by if c not in df.columns]
    if need:
        _require(pegawai, ["nip", *need], "pegawai")
        _require(df, ["nip"], "penilaian_skp")
        emp = pegawai[["nip", *need]].drop_duplicates("nip")
        keys = df[["nip"]].merge(emp, on="nip", how="left", validate="many_to_one")
        keys.index = df.index
        frame = pd.concat([df[[c for c in by if c in df.columns]], keys[need]], axis=1)[by]
    else:
        frame = df[by]
    codes = pd.Series(pred.cat.codes.to_numpy(), index=df.index, name="_kode")
    frame = frame.assign(_kode=codes.to_numpy())
    groups = frame[by].drop_duplicates().sort_values(by, na_position="last").reset_index(drop=True)
    counted = frame.loc[frame["_kode"] >= 0]
    counts = (
        counted.groupby([*by, "_kode"], observed=True, dropna=False).size().rename("jumlah")
        if len(counted)
        else pd.Series(dtype="int64", name="jumlah")
    )
    full = groups.loc[groups.index.repeat(len(PREDIKAT))].reset_index(drop=True)
    full["_kode"] = np.tile(np.arange(len(PREDIKAT)), len(groups))
    if len(counts):
        full = full.merge(counts.reset_index(), on=[*by, "_kode"], how="left")
    else:
        full["jumlah"] = 0
    full["jumlah"] = full["jumlah"].fillna(0).astype("int64")
    totals = full.groupby(np.repeat(np.arange(len(groups)), len(PREDIKAT)))["jumlah"].transform(
        "sum"
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        full["persen"] = full["jumlah"].to_numpy() / totals.to_numpy(dtype="float64") * 100.0
    full["predikat"] = pd.Categorical.from_codes(
        full["_kode"].to_numpy(), categories=list(PREDIKAT)
    )
    return full[[*by, "predikat", "jumlah", "persen"]]


@dataclass(frozen=True)
class CurveRules:
    """Thresholds of the §2.6 distribution patterns (percent of assessed employees).

    All are **likely** rules (register ``skp-pola-distribusi``); a pemda can pass other values.
    ``None`` switches a rule off. Open question: whether "sebagian besar (maksimal 70%)" for
    Istimewa/Baik is a maximum (as implemented) or a minimum.
    """

    istimewa_max_sangat_baik: float | None = 70.0
    baik_max_baik: float | None = 70.0
    baik_require_bp_or_kurang: bool = True
    bp_min_bp: float | None = 60.0
    bp_max_sangat_baik: float | None = 10.0
    kurang_min_kurang: float | None = 60.0
    kurang_min_bp: float | None = 10.0
    kurang_max_sangat_baik: float | None = 10.0
    sk_min_sk: float | None = 60.0
    sk_min_kurang_or_bp: float | None = 10.0
    sk_forbid_sangat_baik: bool = True

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or v is None:
                continue
            if not 0 <= float(v) <= 100:
                raise ValueError(f"CurveRules.{f.name} harus 0..100 (persen), bukan {v!r}")


_CURVE_NOTE = (
    "Pola distribusi predikat bersumber dari artikel yang mengutip surat edaran MenPANRB "
    "(nomor belum terkonfirmasi; status: dugaan). Ini peringatan, bukan validasi. "
    + assumption_note(["skp-pola-distribusi", "skp-predikat-organisasi"])
)


def _org_table(org_predikat: Mapping[str, str] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(org_predikat, pd.DataFrame):
        col = (
            "predikat_organisasi"
            if "predikat_organisasi" in org_predikat.columns
            else "predikat"
            if "predikat" in org_predikat.columns
            else None
        )
        if col is None or "kode_opd" not in org_predikat.columns:
            raise KeyError(
                "Tabel predikat organisasi: perlu kolom kode_opd dan predikat_organisasi"
            )
        keys = ["kode_opd", *(["periode"] if "periode" in org_predikat.columns else [])]
        org = org_predikat[keys].copy()
        org["predikat_organisasi"] = normalize_org_predikat(org_predikat[col]).to_numpy()
    else:
        org = pd.DataFrame(
            {
                "kode_opd": list(org_predikat.keys()),
                "predikat_organisasi": list(org_predikat.values()),
            }
        )
        org["predikat_organisasi"] = normalize_org_predikat(org["predikat_organisasi"])
    org = org.loc[org["predikat_organisasi"].notna()]
    keys = [c for c in org.columns if c != "predikat_organisasi"]
    if org.duplicated(keys).any():
        raise ValueError(f"Predikat organisasi ganda untuk kunci {', '.join(keys)}")
    org["kode_opd"] = org["kode_opd"].astype("str")
    if "periode" in org.columns:
        org["periode"] = org["periode"].astype("str")
    return org


def curve_warnings(
    distribution: pd.DataFrame,
    org_predikat: Mapping[str, str] | pd.DataFrame,
    *,
    rules: CurveRules = CurveRules(),  # noqa: B008 - frozen, immutable default
) -> pd.DataFrame:
    """Warnings where an OPD's predikat distribution breaks the §2.6 pattern of its own predikat.

    PermenPANRB 6/2022 evaluation steps, reference.md §2.6 (source **likely**): the organisation's
    predikat fixes the pattern within which employees' predikat are distributed.

    Parameters
    ----------
    distribution : DataFrame
        :func:`skp_distribution` output with ``kode_opd, [periode], predikat, jumlah, persen``.
    org_predikat : mapping or DataFrame
        ``{kode_opd: predikat}`` (every period) or a DataFrame ``kode_opd, [periode],
        predikat_organisasi``. Labels per :func:`normalize_org_predikat`.
    rules : CurveRules
        Thresholds; ``None`` switches a rule off.

    Returns
    -------
    DataFrame
        ``kode_opd, periode, predikat_organisasi, aturan, pesan, nilai_persen, catatan``; one
        row per broken rule. ``catatan`` states that the rules are likely and are warnings.

    Notes
    -----
    Shares are of employees with a predikat in the group (SB Sangat Baik, B Baik, BP Butuh
    Perbaikan, KM Kurang/Misconduct, SK Sangat Kurang):

    - Istimewa: SB ≤ 70%.
    - Baik: B ≤ 70%; BP + KM > 0 ("harus ada").
    - Butuh Perbaikan: BP ≥ 60%; SB ≤ 10%.
    - Kurang: KM ≥ 60%; BP ≥ 10%; SB ≤ 10%.
    - Sangat Kurang: SK ≥ 60%; KM + BP ≥ 10%; no SB at all.
    """
    _require(distribution, ["kode_opd", "predikat", "jumlah"], "distribusi")
    has_period = "periode" in distribution.columns
    keys = ["kode_opd", *(["periode"] if has_period else [])]
    dist = distribution.copy()
    dist["kode_opd"] = dist["kode_opd"].astype("str")
    if has_period:
        dist["periode"] = dist["periode"].astype("str")
    dist["predikat"] = normalize_predikat(dist["predikat"]).astype("str")
    wide = dist.pivot_table(
        index=keys, columns="predikat", values="jumlah", aggfunc="sum", observed=True
    ).reindex(columns=list(PREDIKAT), fill_value=0)
    wide = wide.fillna(0)
    total = wide.sum(axis=1)
    wide = wide.loc[total > 0]
    share = wide.div(wide.sum(axis=1), axis=0) * 100.0
    share = share.reset_index()
    counts = wide.reset_index()

    org = _org_table(org_predikat)
    on = [k for k in keys if k in org.columns]
    merged = share.merge(org, on=on, how="inner")
    cnt = counts.merge(org, on=on, how="inner")

    r = rules
    checks: list[tuple[str, str, np.ndarray, pd.Series, str]] = []

    def add(org_label: str, aturan: str, broken, value, template: str) -> None:
        mask = (merged["predikat_organisasi"] == org_label).to_numpy() & np.asarray(broken)
        checks.append((org_label, aturan, mask, value, template))

    if r.istimewa_max_sangat_baik is not None:
        add(
            "Istimewa",
            f"Sangat Baik paling banyak {r.istimewa_max_sangat_baik:g}%",
            merged[_SB] > r.istimewa_max_sangat_baik,
            merged[_SB],
            "Pegawai Sangat Baik {v}, melebihi batas {t}.",
        )
    if r.baik_max_baik is not None:
        add(
            "Baik",
            f"Baik paling banyak {r.baik_max_baik:g}%",
            merged[_B] > r.baik_max_baik,
            merged[_B],
            "Pegawai Baik {v}, melebihi batas {t}.",
        )
    if r.baik_require_bp_or_kurang:
        add(
            "Baik",
            "Harus ada Butuh Perbaikan dan/atau Kurang/Misconduct",
            (cnt[_BP] + cnt[_KM]) == 0,
            merged[_BP] + merged[_KM],
            "Tidak ada pegawai Butuh Perbaikan maupun Kurang/Misconduct ({v}).",
        )
    if r.bp_min_bp is not None:
        add(
            "Butuh Perbaikan",
            f"Butuh Perbaikan sekurang-kurangnya {r.bp_min_bp:g}%",
            merged[_BP] < r.bp_min_bp,
            merged[_BP],
            "Pegawai Butuh Perbaikan hanya {v}, di bawah {t}.",
        )
    if r.bp_max_sangat_baik is not None:
        add(
            "Butuh Perbaikan",
            f"Sangat Baik paling banyak {r.bp_max_sangat_baik:g}%",
            merged[_SB] > r.bp_max_sangat_baik,
            merged[_SB],
            "Pegawai Sangat Baik {v}, melebihi batas {t}.",
        )
    if r.kurang_min_kurang is not None:
        add(
            "Kurang",
            f"Kurang/Misconduct sekurang-kurangnya {r.kurang_min_kurang:g}%",
            merged[_KM] < r.kurang_min_kurang,
            merged[_KM],
            "Pegawai Kurang/Misconduct hanya {v}, di bawah {t}.",
        )
    if r.kurang_min_bp is not None:
        add(
            "Kurang",
            f"Butuh Perbaikan sekurang-kurangnya {r.kurang_min_bp:g}%",
            merged[_BP] < r.kurang_min_bp,
            merged[_BP],
            "Pegawai Butuh Perbaikan hanya {v}, di bawah {t}.",
        )
    if r.kurang_max_sangat_baik is not None:
        add(
            "Kurang",
            f"Sangat Baik paling banyak {r.kurang_max_sangat_baik:g}%",
            merged[_SB] > r.kurang_max_sangat_baik,
            merged[_SB],
            "Pegawai Sangat Baik {v}, melebihi batas {t}.",
        )
    if r.sk_min_sk is not None:
        add(
            "Sangat Kurang",
            f"Sangat Kurang sekurang-kurangnya {r.sk_min_sk:g}%",
            merged[_SK] < r.sk_min_sk,
            merged[_SK],
            "Pegawai Sangat Kurang hanya {v}, di bawah {t}.",
        )
    if r.sk_min_kurang_or_bp is not None:
        add(
            "Sangat Kurang",
            f"Kurang/Misconduct dan/atau Butuh Perbaikan sekurang-kurangnya {r.sk_min_kurang_or_bp:g}%",
            (merged[_KM] + merged[_BP]) < r.sk_min_kurang_or_bp,
            merged[_KM] + merged[_BP],
            "Pegawai Kurang/Misconduct dan Butuh Perbaikan hanya {v}, di bawah {t}.",
        )
    if r.sk_forbid_sangat_baik:
        add(
            "Sangat Kurang",
            "Tidak boleh ada Sangat Baik",
            cnt[_SB] > 0,
            merged[_SB],
            "Ada pegawai Sangat Baik ({v}) padahal predikat organisasi Sangat Kurang.",
        )

    rows = []
    for org_label, aturan, mask, value, template in checks:
        threshold = re.search(r"(\d+(?:\.\d+)?)%", aturan)
        t = fmt_percent(float(threshold.group(1)), 0) if threshold else ""
        for i in np.flatnonzero(mask):
            v = float(value.iloc[i])
            rows.append(
                {
                    "kode_opd": merged["kode_opd"].iloc[i],
                    "periode": merged["periode"].iloc[i] if has_period else pd.NA,
                    "predikat_organisasi": org_label,
                    "aturan": aturan,
                    "pesan": f"Predikat organisasi {org_label}: "
                    + template.format(v=fmt_percent(v, 1), t=t),
                    "nilai_persen": v,
                    "catatan": _CURVE_NOTE,
                }
            )
    cols = [
        "kode_opd",
        "periode",
        "predikat_organisasi",
        "aturan",
        "pesan",
        "nilai_persen",
        "catatan",
    ]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("kode_opd", "periode", "predikat_organisasi", "aturan", "pesan", "catatan"):
        out[c] = out[c].astype("str")
    out["nilai_persen"] = out["nilai_persen"].astype("float64")
    return out.sort_values(["kode_opd", "periode"], kind="stable").reset_index(drop=True)


PP30_PREDIKAT = ("Sangat Baik", "Baik", "Cukup", "Kurang", "Sangat Kurang")


def pp30_score(
    skp,
    perilaku,
    *,
    weights: tuple[int, int] = (70, 30),
    inovasi=False,
) -> pd.DataFrame:
    """Final score and predikat under PP 30/2019 Pasal 41 (reference.md §2.7, example E3).

    Parameters
    ----------
    skp, perilaku : number, array-like or Series
        SKP score and perilaku score (0..120).
    weights : (70, 30) or (60, 40)
        70/30 when perilaku is assessed without peers and subordinates, 60/40 when it includes
        them.
    inovasi : bool or array-like of bool
        Whether the PNS created a new idea/method benefiting the organisation (needed for
        Sangat Baik).

    Returns
    -------
    DataFrame
        ``nilai`` (rounded half-up to 2 decimals, register ``pp30-pembulatan``), ``predikat``,
        ``pita_dugaan`` (True where the predikat comes from the *likely* Kurang / Sangat Kurang
        bands, register ``pp30-pita-kurang``), ``catatan``.

    Notes
    -----
    nilai = (skp × w_skp + perilaku × w_perilaku) / 100.
    Sangat Baik: 110 ≤ nilai ≤ 120 and inovasi; Baik: 90 ≤ nilai ≤ 120 (≥ 110 without inovasi
    stays Baik); Cukup: 70 ≤ nilai < 90; Kurang: 50 ≤ nilai < 70 (likely); Sangat Kurang:
    nilai < 50 (likely). A nilai above 120 gets no predikat.
    """
    if tuple(weights) not in {(70, 30), (60, 40)}:
        raise ValueError(f"Bobot PP 30/2019 harus (70, 30) atau (60, 40), bukan {weights!r}")
    index = skp.index if isinstance(skp, pd.Series) else None
    s = np.atleast_1d(np.asarray(skp, dtype="float64"))
    p = np.atleast_1d(np.asarray(perilaku, dtype="float64"))
    if s.shape != p.shape:
        s, p = np.broadcast_arrays(s, p)
    if (s < 0).any() or (p < 0).any():
        raise ValueError("Nilai SKP dan perilaku tidak boleh negatif")
    ino = np.broadcast_to(np.atleast_1d(np.asarray(inovasi, dtype=bool)), s.shape)
    w_s, w_p = weights
    nilai = np.asarray(round_half_up((s * w_s + p * w_p) / 100.0, 2), dtype="float64")
    conds = [
        nilai > 120,
        (nilai >= 110) & ino,
        nilai >= 90,
        nilai >= 70,
        nilai >= 50,
        nilai < 50,
    ]
    choices = [""] + list(PP30_PREDIKAT)
    pred = np.select(conds, choices, default="").astype(object)
    pred[(pred == "") | np.isnan(nilai)] = pd.NA
    dugaan = np.isin(pred.astype(str), ["Kurang", "Sangat Kurang"])
    catatan = np.where(
        dugaan,
        "Pita Kurang/Sangat Kurang berstatus dugaan (kutipan PP 30/2019 terpotong). "
        + assumption_note(["pp30-pita-kurang"]),
        np.where(nilai > 120, "Nilai di atas 120: di luar rentang PP 30/2019.", ""),
    )
    out = pd.DataFrame(
        {
            "nilai": nilai,
            "predikat": pd.array(pred, dtype="str"),
            "pita_dugaan": dugaan,
            "catatan": pd.array(catatan, dtype="str"),
        }
    )
    if index is not None and len(index) == len(out):
        out.index = index
    return out
