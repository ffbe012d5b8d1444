"""Competency development: JP per ASN per year against the 20 JP right (reference.md §3).

Basis: PP 11/2017 as amended by PP 17/2020 (every PNS has the right to at least 20 JP of
competency development a year; confirmed), Peraturan LAN 10/2018 (PNS) and 15/2020 (PPPK).

Assumptions used (see :mod:`kinerja.domain.assumptions`):

- ``jp-menit``: 1 JP = 45 minutes (likely) — :data:`MENIT_PER_JP`, :func:`minutes_to_jp`.
- ``jp-klasikal``: the klasikal / nonklasikal list (unconfirmed) — :data:`BENTUK_KEYWORDS`,
  used by :func:`classify_bentuk` **only when** ``bentuk`` is missing.
- ``jp-tahun-mulai``: a training spanning New Year counts entirely in the year of
  ``tanggal_mulai`` (design choice).
- ``jp-target-pppk``: the 20 JP target is applied to every ASN (PNS and PPPK); the status column
  is kept so PPPK can be separated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kinerja.domain.assumptions import assumption_note

__all__ = [
    "BENTUK_KEYWORDS",
    "MENIT_PER_JP",
    "TARGET_JP",
    "classify_bentuk",
    "jp_per_pegawai",
    "minutes_to_jp",
    "training_compliance",
    "training_mix",
]

#: 1 JP (jam pelajaran) in minutes. **Likely** (register ``jp-menit``): public LMS code counts
#: 20 JP = 900 minutes; Peraturan LAN 10/2018's own definition was not retrieved.
MENIT_PER_JP: float = 45.0

#: The yearly right of every PNS (PP 11/2017 jo. PP 17/2020), confirmed.
TARGET_JP: float = 20.0

#: Keyword → bentuk, checked **in order**, first match (substring of the lower-cased ``jenis``)
#: wins, so the specific non-classical forms come before the generic "pelatihan".
#: **Unconfirmed** (register ``jp-klasikal``): reconstructed from Peraturan LAN 10/2018.
BENTUK_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("coaching", "nonklasikal"),
    ("mentoring", "nonklasikal"),
    ("e-learning", "nonklasikal"),
    ("elearning", "nonklasikal"),
    ("jarak jauh", "nonklasikal"),
    ("detasering", "nonklasikal"),
    ("secondment", "nonklasikal"),
    ("alam terbuka", "nonklasikal"),
    ("outbound", "nonklasikal"),
    ("patok banding", "nonklasikal"),
    ("benchmarking", "nonklasikal"),
    ("pertukaran", "nonklasikal"),
    ("belajar mandiri", "nonklasikal"),
    ("komunitas belajar", "nonklasikal"),
    ("bimbingan di tempat kerja", "nonklasikal"),
    ("magang", "nonklasikal"),
    ("praktik kerja", "nonklasikal"),
    ("pelatihan", "klasikal"),
    ("diklat", "klasikal"),
    ("seminar", "klasikal"),
    ("konferensi", "klasikal"),
    ("sarasehan", "klasikal"),
    ("workshop", "klasikal"),
    ("lokakarya", "klasikal"),
    ("kursus", "klasikal"),
    ("penataran", "klasikal"),
    ("bimbingan teknis", "klasikal"),
    ("bimtek", "klasikal"),
    ("sosialisasi", "klasikal"),
)

_BENTUK = ("klasikal", "nonklasikal")


def minutes_to_jp(minutes, *, menit_per_jp: float = MENIT_PER_JP):
    """Convert minutes to JP: ``jp = minutes / menit_per_jp`` (900 minutes = 20 JP at 45).

    ``menit_per_jp`` is the likely 45 (register ``jp-menit``); works on scalars and Series.
    """
    if menit_per_jp <= 0:
        raise ValueError(f"menit_per_jp harus > 0, bukan {menit_per_jp!r}")
    return minutes / menit_per_jp


def classify_bentuk(
    jenis: pd.Series, *, mapping: Sequence[tuple[str, str]] = BENTUK_KEYWORDS
) -> pd.Series:
    """Klasikal / nonklasikal from the training type (register ``jp-klasikal``, unconfirmed).

    Parameters
    ----------
    jenis : Series of str
        Training type or name, e.g. "Bimbingan Teknis SAKIP", "E-Learning Anti Korupsi".
    mapping : sequence of (keyword, bentuk)
        Checked in order; the first keyword found (case-insensitive substring) decides.

    Returns
    -------
    Series
        Categorical {klasikal, nonklasikal}; NA when no keyword matches.
    """
    for _, bentuk in mapping:
        if bentuk not in _BENTUK:
            raise ValueError(f"Bentuk {bentuk!r} tidak dikenal (pilihan: klasikal, nonklasikal)")
    s = pd.Series(jenis)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)  # classify distinct values only
    found: list[object] = []
    for value in uniques:
        text = str(value).casefold()
        found.append(next((b for k, b in mapping if k.casefold() in text), pd.NA))
    lookup = np.array([*found, pd.NA], dtype=object)  # index -1 -> NA
    result = pd.Series(lookup[codes], index=s.index, dtype="object")
    return result.astype(pd.CategoricalDtype(list(_BENTUK))).rename("bentuk")


def _require(df: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"Tabel {table}: kolom wajib tidak ada: {', '.join(missing)}")


def _year_rows(pelatihan: pd.DataFrame, year: int) -> pd.DataFrame:
    _require(pelatihan, ["nip", "tanggal_mulai", "jp"], "pelatihan")
    start = pd.to_datetime(pelatihan["tanggal_mulai"])
    rows = pelatihan.loc[(start.dt.year == year).to_numpy()]
    jp = pd.to_numeric(rows["jp"]).astype("float64")
    if (jp < 0).any():
        idx = jp[jp < 0].index[0]
        raise ValueError(
            f"Tabel pelatihan, baris (indeks) {idx!r}, kolom jp: nilai negatif {jp[idx]!r}"
        )
    return rows.assign(jp=jp)


def jp_per_pegawai(
    pelatihan: pd.DataFrame,
    pegawai: pd.DataFrame,
    *,
    year: int,
    target_jp: float = TARGET_JP,
) -> pd.DataFrame:
    """JP of competency development per ASN in one calendar year (reference.md §3).

    Parameters
    ----------
    pelatihan : DataFrame
        Typed ``pelatihan`` (``nip, tanggal_mulai, jp`` ...).
    pegawai : DataFrame
        Typed ``pegawai``: **every** row appears in the output, with 0 JP when the ASN had no
        training that year.
    year : int
        Calendar year. A training counts in the year of its ``tanggal_mulai``, entirely
        (register ``jp-tahun-mulai``).
    target_jp : float, default 20
        The yearly right (PP 11/2017 jo. PP 17/2020).

    Returns
    -------
    DataFrame
        ``nip, kode_opd, [status_kepegawaian], n_pelatihan, jp, memenuhi_target,
        kekurangan_jp, catatan``, one row per pegawai, in ``pegawai`` order.

    Notes
    -----
    jp = Σ jp of the ASN's trainings starting in ``year`` (a blank jp counts as 0);
    memenuhi_target = jp ≥ target_jp; kekurangan_jp = max(0, target_jp − jp).
    Trainings of a NIP not in ``pegawai`` are not counted here.
    """
    _require(pegawai, ["nip", "kode_opd"], "pegawai")
    if target_jp < 0:
        raise ValueError(f"target_jp tidak boleh negatif: {target_jp!r}")
    rows = _year_rows(pelatihan, year)
    per_nip = rows.groupby(rows["nip"].astype("str"), sort=False).agg(
        n_pelatihan=("jp", "size"), jp=("jp", "sum")
    )
    cols = ["nip", "kode_opd", *(["status_kepegawaian"] if "status_kepegawaian" in pegawai else [])]
    out = pegawai[cols].reset_index(drop=True)
    key = out["nip"].astype("str")
    out["n_pelatihan"] = key.map(per_nip["n_pelatihan"]).fillna(0).astype("int64")
    out["jp"] = key.map(per_nip["jp"]).fillna(0.0).astype("float64")
    # compare on 6 decimals so 0.1 + 0.2 + ... float sums do not miss the target by 1e-15
    jp_clean = out["jp"].round(6)
    out["memenuhi_target"] = (jp_clean >= target_jp).to_numpy()
    out["kekurangan_jp"] = np.maximum(0.0, target_jp - jp_clean.to_numpy())
    out["catatan"] = (
        f"Target {target_jp:g} JP per tahun {year}; pelatihan dihitung pada tahun tanggal_mulai. "
        + assumption_note(["jp-tahun-mulai", "jp-target-pppk"])
    )
    out["catatan"] = out["catatan"].astype("str")
    return out


def training_compliance(
    jp_table: pd.DataFrame, *, by: Sequence[str] = ("kode_opd",)
) -> pd.DataFrame:
    """Share of ASN meeting the yearly JP target per group (reference.md §3).

    Parameters
    ----------
    jp_table : DataFrame
        :func:`jp_per_pegawai` output.
    by : sequence of str, default ``("kode_opd",)``

    Returns
    -------
    DataFrame
        ``*by, n_pegawai, n_memenuhi, persen_memenuhi_20jp, median_jp``. The column keeps the
        name ``persen_memenuhi_20jp`` (the rekap contract) and uses the ``target_jp`` that
        built ``jp_table``.

    Notes
    -----
    persen_memenuhi_20jp = n_memenuhi / n_pegawai × 100 (percent units, not rounded);
    median_jp = median of jp over all ASN of the group, those with 0 JP included.
    """
    by = list(by)
    _require(jp_table, [*by, "nip", "jp", "memenuhi_target"], "jp_per_pegawai")
    if not by:
        df = jp_table.assign(_semua=0)
        keys = ["_semua"]
    else:
        df, keys = jp_table, by
    g = df.groupby(keys, observed=True, dropna=False, sort=True)
    out = g.agg(
        n_pegawai=("nip", "size"),
        n_memenuhi=("memenuhi_target", "sum"),
        median_jp=("jp", "median"),
    ).reset_index()
    out["n_memenuhi"] = out["n_memenuhi"].astype("int64")
    out["persen_memenuhi_20jp"] = out["n_memenuhi"] / out["n_pegawai"] * 100.0
    return out[[*by, "n_pegawai", "n_memenuhi", "persen_memenuhi_20jp", "median_jp"]]


def training_mix(
    pelatihan: pd.DataFrame,
    pegawai: pd.DataFrame,
    *,
    year: int,
    by: Sequence[str] = ("kode_opd",),
    mapping: Sequence[tuple[str, str]] = BENTUK_KEYWORDS,
) -> pd.DataFrame:
    """Training mix by ``jenis`` and ``bentuk`` in one calendar year (reference.md §3).

    Parameters
    ----------
    pelatihan, pegawai : DataFrame
        ``pegawai`` supplies the ``by`` columns (e.g. ``kode_opd``) by ``nip``.
    year : int
        Trainings starting in this year (register ``jp-tahun-mulai``).
    by : sequence of str, default ``("kode_opd",)``; ``()`` for the whole city.
    mapping : keyword → bentuk list for :func:`classify_bentuk`, used only where ``bentuk``
        is missing (register ``jp-klasikal``).

    Returns
    -------
    DataFrame
        ``*by, jenis, bentuk, n_pelatihan, n_pegawai, jp, bentuk_diturunkan, catatan``:
        number of training records, distinct ASN and total JP; ``bentuk_diturunkan`` is True
        when (some) bentuk values of that row were derived from ``jenis``. Trainings of a NIP
        not in ``pegawai`` appear under an empty ``kode_opd``.
    """
    by = list(by)
    _require(pelatihan, ["nip", "jenis", "tanggal_mulai", "jp"], "pelatihan")
    rows = _year_rows(pelatihan, year)
    need = [c for c in by if c not in rows.columns]
    if need:
        _require(pegawai, ["nip", *need], "pegawai")
        emp = pegawai[["nip", *need]].drop_duplicates("nip")
        extra = rows[["nip"]].merge(emp, on="nip", how="left", validate="many_to_one")
        rows = rows.assign(**{c: extra[c].to_numpy() for c in need})
    supplied = (
        rows["bentuk"]
        if "bentuk" in rows.columns
        else pd.Series(pd.NA, index=rows.index, dtype="object")
    )
    derived = classify_bentuk(rows["jenis"], mapping=mapping)
    missing = supplied.isna()
    bentuk = supplied.astype("object").where(~missing, derived.astype("object"))
    rows = rows.assign(
        bentuk=bentuk.fillna("tidak diketahui").astype("str"),
        jenis=rows["jenis"].astype("str").where(rows["jenis"].notna(), "tidak diketahui"),
        _turunan=missing.to_numpy() & derived.notna().to_numpy(),
    )
    keys = [*by, "jenis", "bentuk"]
    out = (
        rows.groupby(keys, observed=True, dropna=False, sort=True)
        .agg(
            n_pelatihan=("nip", "size"),
            n_pegawai=("nip", "nunique"),
            jp=("jp", "sum"),
            bentuk_diturunkan=("_turunan", "any"),
        )
        .reset_index()
    )
    out["n_pelatihan"] = out["n_pelatihan"].astype("int64")
    out["n_pegawai"] = out["n_pegawai"].astype("int64")
    out["catatan"] = np.where(
        out["bentuk_diturunkan"],
        "Bentuk diturunkan dari jenis pelatihan (daftar klasikal/nonklasikal belum "
        "terkonfirmasi). " + assumption_note(["jp-klasikal", "jp-tahun-mulai"]),
        assumption_note(["jp-tahun-mulai"]),
    )
    out["catatan"] = out["catatan"].astype("str")
    return out
