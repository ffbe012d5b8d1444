"""Follow-up (tindak lanjut): mentoring candidates and the follow-up register.

PermenPANRB 6/2022 stage 4 *tindak lanjut* and the register of follow-up decisions of an
evaluation forum.

- :func:`mentoring_candidates` lists named ASN: **INTERNAL ONLY** (never in forum outputs);
  the result carries ``attrs["audience"] = "internal"``.
- :func:`followup_status` and :func:`overdue_items` (forum variant without ``nip``) report the
  register against ``tenggat``.

Definitions (register ``tindaklanjut-terlambat``): an item is *terlambat* (overdue) when its
status is not ``selesai`` and ``tenggat < today`` (due today is not yet late); an item finished
after its ``tenggat`` (``tanggal_selesai > tenggat``) is counted separately as
``n_selesai_terlambat`` and is also in ``n_selesai``. Lateness is in calendar days.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Literal

import pandas as pd

from kinerja.domain.assumptions import assumption_note
from kinerja.domain.months import BULAN
from kinerja.domain.period import Periode
from kinerja.metrics.skp import assess_skp

__all__ = [
    "FOLLOWUP_PREDIKAT",
    "PROGRAM_USULAN",
    "STATUS_TINDAK_LANJUT",
    "followup_status",
    "mentoring_candidates",
    "overdue_items",
]

#: Predikat that call for follow-up (worst last).
FOLLOWUP_PREDIKAT: tuple[str, ...] = ("Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang")

#: Proposed programme per predikat: a local suggestion, not a rule of PermenPANRB 6/2022
#: (register ``tindaklanjut-program``). Butuh Perbaikan = results below expectation, behaviour
#: fine; Kurang/Misconduct = behaviour below expectation; Sangat Kurang = both.
PROGRAM_USULAN: dict[str, str] = {
    "Butuh Perbaikan": "coaching dan pelatihan teknis",
    "Kurang/Misconduct": "mentoring perilaku kerja",
    "Sangat Kurang": "mentoring dan pelatihan",
}

STATUS_TINDAK_LANJUT: tuple[str, ...] = ("direncanakan", "berjalan", "selesai")


def _require(df: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"Tabel {table}: kolom wajib tidak ada: {', '.join(missing)}")


def mentoring_candidates(
    assessed_penilaian: pd.DataFrame,
    pegawai: pd.DataFrame,
    *,
    periode: str | Periode | None = None,
    program: Mapping[str, str] = PROGRAM_USULAN,
) -> pd.DataFrame:
    """ASN proposed for mentoring/coaching/training — **INTERNAL ONLY, contains NIP and names**.

    PermenPANRB 6/2022, stage 4 (tindak lanjut) and the predikat matrix. Never put this
    table in a forum-level output; it is marked ``attrs["audience"] = "internal"`` so
    :mod:`kinerja.protect` can refuse it.

    Parameters
    ----------
    assessed_penilaian : DataFrame
        :func:`kinerja.metrics.skp.assess_skp` output (raw ``penilaian_skp`` is assessed here).
    pegawai : DataFrame
        ``pegawai`` (``nip, nama, kode_opd, jabatan``).
    periode : str or Periode, optional
        Keep only this ``periode`` value (e.g. ``"2026"`` or ``"2026-TW3"``).
    program : mapping predikat → proposed programme
        Default :data:`PROGRAM_USULAN`, a local suggestion (register ``tindaklanjut-program``).

    Returns
    -------
    DataFrame
        ``nip, nama, kode_opd, jabatan, periode, predikat, program_usulan``, ASN whose matrix
        predikat is Butuh Perbaikan, Kurang/Misconduct or Sangat Kurang; sorted by OPD, then
        worst predikat first, then NIP. ``attrs["audience"] == "internal"``.
    """
    df = (
        assessed_penilaian
        if "predikat_matriks" in assessed_penilaian.columns
        else assess_skp(assessed_penilaian)
    )
    _require(df, ["nip", "periode", "predikat_matriks"], "penilaian_skp")
    _require(pegawai, ["nip", "nama", "kode_opd", "jabatan"], "pegawai")
    missing = [p for p in FOLLOWUP_PREDIKAT if p not in program]
    if missing:
        raise ValueError(f"Usulan program belum ada untuk predikat: {', '.join(missing)}")
    if periode is not None:
        df = df.loc[df["periode"].astype("str") == str(Periode.parse(periode))]
    pred = df["predikat_matriks"].astype("object")
    sel = df.loc[pred.isin(FOLLOWUP_PREDIKAT).to_numpy(), ["nip", "periode"]].assign(
        predikat=pred[pred.isin(FOLLOWUP_PREDIKAT)].astype("str").to_numpy()
    )
    emp = pegawai[["nip", "nama", "kode_opd", "jabatan"]].drop_duplicates("nip")
    out = sel.merge(emp, on="nip", how="left", validate="many_to_one")
    out["program_usulan"] = out["predikat"].map(dict(program)).astype("str")
    severity = {p: i for i, p in enumerate(reversed(FOLLOWUP_PREDIKAT))}
    out = (
        out.assign(_urut=out["predikat"].map(severity))
        .sort_values(["kode_opd", "_urut", "nip", "periode"], kind="stable")
        .drop(columns="_urut")
        .reset_index(drop=True)
    )
    out = out[["nip", "nama", "kode_opd", "jabatan", "periode", "predikat", "program_usulan"]]
    out.attrs["audience"] = "internal"
    out.attrs["catatan"] = (
        "HANYA UNTUK PENGGUNAAN INTERNAL: berisi NIP dan nama. "
        + assumption_note(["tindaklanjut-program"])
    )
    return out


def _today(today: _dt.date | pd.Timestamp | str) -> pd.Timestamp:
    return pd.Timestamp(today).normalize()


def _late_flags(tl: pd.DataFrame, today: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    _require(tl, ["kode_opd", "tenggat", "status"], "tindak_lanjut")
    status = tl["status"].astype("str").str.strip().str.casefold()
    unknown = ~status.isin(STATUS_TINDAK_LANJUT) & tl["status"].notna()
    if unknown.any():
        idx = unknown[unknown].index[0]
        raise ValueError(
            f"Tabel tindak_lanjut, baris (indeks) {idx!r}, kolom status: nilai "
            f"{tl['status'].loc[idx]!r} tidak dikenal (direncanakan, berjalan, selesai)"
        )
    tenggat = pd.to_datetime(tl["tenggat"]).dt.normalize()
    done = status == "selesai"
    overdue = ~done & tenggat.notna() & (tenggat < today)
    if "tanggal_selesai" in tl.columns:
        finished = pd.to_datetime(tl["tanggal_selesai"]).dt.normalize()
        late_done = done & tenggat.notna() & finished.notna() & (finished > tenggat)
    else:
        late_done = pd.Series(False, index=tl.index)
    return overdue.fillna(False).astype(bool), late_done.fillna(False).astype(bool)


def followup_status(
    tindak_lanjut: pd.DataFrame, *, today: _dt.date | pd.Timestamp | str
) -> pd.DataFrame:
    """Status of the follow-up register per OPD.

    Parameters
    ----------
    tindak_lanjut : DataFrame
        Typed ``tindak_lanjut`` (``kode_opd, tenggat, status, [tanggal_selesai]``).
    today : date
        Reference date ("hari ini" of the report).

    Returns
    -------
    DataFrame
        ``kode_opd, n_total, n_direncanakan, n_berjalan, n_selesai, n_terlambat,
        n_selesai_terlambat, n_direncanakan_terlambat, n_berjalan_terlambat, catatan`` (no NIP).

    Notes
    -----
    n_terlambat = status ≠ selesai and tenggat < today; n_selesai_terlambat = status selesai and
    tanggal_selesai > tenggat (a subset of n_selesai). A blank tenggat is never late.
    n_direncanakan_terlambat and n_berjalan_terlambat split n_terlambat by status, so the six
    groups (each status, late or not) are exclusive and add up to n_total.
    """
    t = _today(today)
    overdue, late_done = _late_flags(tindak_lanjut, t)
    status = tindak_lanjut["status"].astype("str").str.strip().str.casefold()
    frame = pd.DataFrame(
        {
            "kode_opd": tindak_lanjut["kode_opd"].to_numpy(),
            "n_total": 1,
            "n_direncanakan": (status == "direncanakan").to_numpy().astype("int64"),
            "n_berjalan": (status == "berjalan").to_numpy().astype("int64"),
            "n_selesai": (status == "selesai").to_numpy().astype("int64"),
            "n_terlambat": overdue.to_numpy().astype("int64"),
            "n_selesai_terlambat": late_done.to_numpy().astype("int64"),
            "n_direncanakan_terlambat": ((status == "direncanakan") & overdue)
            .to_numpy()
            .astype("int64"),
            "n_berjalan_terlambat": ((status == "berjalan") & overdue).to_numpy().astype("int64"),
        }
    )
    out = frame.groupby("kode_opd", observed=True, dropna=False, sort=True).sum().reset_index()
    for c in out.columns[1:]:
        out[c] = out[c].astype("int64")
    out["catatan"] = (
        f"Terlambat = belum selesai dan tenggat sebelum {t.day} {BULAN[t.month - 1]} {t.year}. "
        + assumption_note(["tindaklanjut-terlambat"])
    )
    out["catatan"] = out["catatan"].astype("str")
    return out


def overdue_items(
    tindak_lanjut: pd.DataFrame,
    *,
    today: _dt.date | pd.Timestamp | str,
    audience: Literal["forum", "internal"] = "forum",
) -> pd.DataFrame:
    """Follow-up items that are overdue at ``today`` (not selesai, tenggat < today).

    Parameters
    ----------
    tindak_lanjut : DataFrame
    today : date
    audience : {"forum", "internal"}, default "forum"
        ``"forum"`` drops ``nip`` (no personal data at forum level); ``"internal"`` keeps it.

    Returns
    -------
    DataFrame
        ``id_tindak_lanjut, kode_opd, [nip], temuan, rekomendasi, tenggat, status,
        hari_terlambat`` (calendar days: today − tenggat), most overdue first;
        ``attrs["audience"]`` set to ``audience``.
    """
    if audience not in ("forum", "internal"):
        raise ValueError(f"audience tidak dikenal: {audience!r} (pilihan: forum, internal)")
    t = _today(today)
    overdue, _ = _late_flags(tindak_lanjut, t)
    cols = [
        c
        for c in (
            "id_tindak_lanjut",
            "kode_opd",
            "nip",
            "temuan",
            "rekomendasi",
            "tenggat",
            "status",
        )
        if c in tindak_lanjut.columns and not (c == "nip" and audience == "forum")
    ]
    out = tindak_lanjut.loc[overdue.to_numpy(), cols].copy()
    tenggat = pd.to_datetime(out["tenggat"]).dt.normalize()
    out["hari_terlambat"] = ((t - tenggat).dt.days).astype("int64")
    out = out.sort_values(
        ["hari_terlambat", "kode_opd"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    out.attrs["audience"] = audience
    out.attrs["catatan"] = assumption_note(["tindaklanjut-terlambat"])
    return out
