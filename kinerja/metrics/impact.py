"""Training impact: did a training wave coincide with faster services? (difference-in-differences)

Implements issue 3 item 7. A *training wave* is an OPD where most of its ASN attended training
within a short window (:func:`detect_training_waves`). :func:`training_impact` compares the
service lead time of that OPD before and after the wave with the same change in other OPDs
(difference-in-differences, DiD) and gives a bootstrap 95 % interval.

This is an observational comparison. It rests on assumptions that the data cannot prove (stated
in the output's ``asumsi`` column), and it is never evidence of cause on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kinerja.domain.assumptions import assumption_note

__all__ = ["ASUMSI_DID", "detect_training_waves", "training_impact"]

ASUMSI_DID = (
    "Selisih-dari-selisih (difference-in-differences) ini bukan bukti sebab-akibat. Ia mengandaikan: "
    "(1) tren paralel — tanpa pelatihan, waktu layanan OPD yang dilatih akan berubah sama seperti "
    "OPD pembanding; (2) tidak ada perubahan lain pada waktu yang sama (aplikasi baru, pergantian "
    "pejabat, lonjakan permohonan, perubahan standar) yang hanya mengenai salah satu kelompok; "
    "(3) jenis dan komposisi permohonan sebelum dan sesudah sebanding. Selang kepercayaan 95% "
    "dari bootstrap hanya menggambarkan ketidakpastian sampling, bukan pelanggaran asumsi ini."
)
_CATATAN = assumption_note(["dampak-did"])


def detect_training_waves(
    pelatihan: pd.DataFrame,
    pegawai: pd.DataFrame,
    *,
    min_share: float = 0.6,
    max_window_days: int = 30,
    min_dilatih: int = 5,
) -> pd.DataFrame:
    """OPDs where at least ``min_share`` of the ASN started a training within one short window.

    Parameters
    ----------
    pelatihan : DataFrame
        ``nip, nama_pelatihan, tanggal_mulai, tanggal_selesai``.
    pegawai : DataFrame
        ``nip, kode_opd`` (headcount per OPD).
    min_share : float
        Minimum share of the OPD's ASN trained in the window (default 0.6).
    max_window_days : int
        Window length: trainings starting within ``max_window_days`` days of the first one.
    min_dilatih : int
        Minimum number of trained ASN in the window (default 5), so that two of three staff of
        a small kelurahan attending something in the same month is not called a wave.

    Returns
    -------
    DataFrame
        One row per OPD with a wave: ``kode_opd, wave_start, wave_end, n_pegawai, n_dilatih,
        porsi_dilatih, pelatihan_utama`` where ``wave_start`` is the first ``tanggal_mulai`` of
        the window, ``wave_end`` the last ``tanggal_selesai`` of the trainings in it, and
        ``pelatihan_utama`` the most frequent training name in it. When an OPD has several
        qualifying windows, the one with the largest share (then the earliest) is reported.

    Notes
    -----
    For each OPD, the trainings are sorted by ``tanggal_mulai``; for every training start ``t``
    the window ``[t, t + max_window_days]`` counts distinct trained ASN (two pointers, linear per
    OPD after sorting).
    """
    peg = pegawai.drop_duplicates("nip")
    opd_of = pd.Series(peg["kode_opd"].astype("str").to_numpy(), index=peg["nip"].astype("str"))
    headcount = opd_of.value_counts()
    pel = pelatihan.assign(
        nip=pelatihan["nip"].astype("str"),
        tanggal_mulai=pd.to_datetime(pelatihan["tanggal_mulai"]).dt.normalize(),
        tanggal_selesai=pd.to_datetime(pelatihan["tanggal_selesai"]).dt.normalize(),
    )
    pel = pel.assign(kode_opd=pel["nip"].map(opd_of)).dropna(subset=["kode_opd", "tanggal_mulai"])
    rows = []
    # the window in nanoseconds: the two pointers compare plain integers
    width = int(pd.Timedelta(days=max_window_days) / pd.Timedelta(1, "ns"))
    for code, grp in pel.sort_values("tanggal_mulai", kind="stable").groupby("kode_opd", sort=True):
        n_peg = int(headcount.get(code, 0))
        if n_peg == 0:
            continue
        starts = grp["tanggal_mulai"].to_numpy().astype("datetime64[ns]").view("int64").tolist()
        nips = grp["nip"].to_numpy().tolist()
        counts: dict[str, int] = {}
        best = None
        j, n_rows = 0, len(starts)
        for i in range(n_rows):
            while j < n_rows and starts[j] <= starts[i] + width:
                counts[nips[j]] = counts.get(nips[j], 0) + 1
                j += 1
            share = len(counts) / n_peg
            if (
                share >= min_share
                and len(counts) >= min_dilatih
                and (best is None or share > best[0])
            ):
                best = (share, i, j, len(counts))
            counts[nips[i]] -= 1
            if counts[nips[i]] == 0:
                del counts[nips[i]]
        if best is not None:
            share, i, j, n = best
            win = grp.iloc[i:j]
            rows.append(
                {
                    "kode_opd": code,
                    "wave_start": win["tanggal_mulai"].min(),
                    "wave_end": win["tanggal_selesai"].max(),
                    "n_pegawai": n_peg,
                    "n_dilatih": n,
                    "porsi_dilatih": share,
                    "pelatihan_utama": win["nama_pelatihan"].astype("str").mode().iloc[0]
                    if "nama_pelatihan" in win.columns
                    else pd.NA,
                }
            )
    cols = [
        "kode_opd",
        "wave_start",
        "wave_end",
        "n_pegawai",
        "n_dilatih",
        "porsi_dilatih",
        "pelatihan_utama",
    ]
    return pd.DataFrame(rows, columns=cols)


def _boot_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` resamples with replacement (chunked to bound memory)."""
    n = len(values)
    out = np.empty(n_boot)
    chunk = max(1, min(n_boot, 20_000_000 // max(n, 1)))
    for a in range(0, n_boot, chunk):
        b = min(n_boot, a + chunk)
        idx = rng.integers(0, n, size=(b - a, n))
        out[a:b] = values[idx].mean(axis=1)
    return out


def training_impact(
    requests: pd.DataFrame,
    *,
    treated_opd: str | Sequence[str],
    wave_start: str | pd.Timestamp,
    wave_end: str | pd.Timestamp,
    control_opds: Sequence[str] | None = None,
    outcomes: Sequence[str] = ("hari_kerja",),
    stages: pd.DataFrame | None = None,
    tahap: str | None = None,
    window_days: int | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Difference-in-differences of service lead time around a training wave.

    Parameters
    ----------
    requests : DataFrame
        :func:`kinerja.metrics.service.request_table` output (``id_permohonan, kode_opd, mulai`` and the
        outcome columns).
    treated_opd : str or sequence of str
        The OPD(s) whose staff were trained.
    wave_start, wave_end : date
        The wave. Requests submitted (first ``mulai``) before ``wave_start`` are *before*;
        after ``wave_end`` are *after*; those submitted during the wave are left out.
    control_opds : sequence of str, optional
        Comparison OPDs; default all other OPDs in ``requests``.
    outcomes : sequence of str
        Numeric request columns to compare (default ``hari_kerja``).
    stages, tahap : optional
        A :func:`kinerja.metrics.service.stage_table` and a stage name: adds the outcome
        ``jam_<tahap>`` = hours (waiting + processing) spent in that stage per request (requests
        that skip the stage are left out of that outcome).
    window_days : int, optional
        Only requests submitted within this many days before ``wave_start`` / after
        ``wave_end``.
    n_boot : int
        Bootstrap resamples (default 1000).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row per outcome: ``ukuran, estimate, ci_low, ci_high, n_perlakuan_sebelum,
        n_perlakuan_sesudah, n_kontrol_sebelum, n_kontrol_sesudah, rata_perlakuan_sebelum,
        rata_perlakuan_sesudah, rata_kontrol_sebelum, rata_kontrol_sesudah, n_boot,
        kode_opd_perlakuan, asumsi, catatan`` (``catatan`` quotes ``dampak-did`` of
        :mod:`kinerja.domain.assumptions`). When one of the four cells has no request (e.g. the control
        OPDs have no stage of that name) the estimate and interval are NaN and ``catatan`` names
        the empty cells.

    Notes
    -----
    ``estimate = (ȳ_T,after − ȳ_T,before) − (ȳ_C,after − ȳ_C,before)`` with ȳ the mean outcome of
    the requests in each cell. Bootstrap: in each of ``n_boot`` rounds the requests of each of the
    four cells are resampled with replacement (cell sizes fixed) and the estimate recomputed; the
    interval is the 2.5th–97.5th percentile of those estimates (percentile bootstrap, linear
    interpolation). A negative estimate means the treated OPD got faster relative to the
    controls. See :data:`ASUMSI_DID`.
    """
    treated = [treated_opd] if isinstance(treated_opd, str) else list(treated_opd)
    start, end = pd.Timestamp(wave_start), pd.Timestamp(wave_end)
    if end < start:
        raise ValueError("wave_end tidak boleh sebelum wave_start")
    df = requests.assign(kode_opd=requests["kode_opd"].astype("str"))
    if stages is not None and tahap is not None:
        st = stages.loc[stages["tahap"].astype("str") == tahap]
        per = (st["tunggu_jam"] + st["proses_jam"]).groupby(st["id_permohonan"].astype("str")).sum()
        name = f"jam_{tahap}"
        df = df.assign(**{name: df["id_permohonan"].astype("str").map(per)})
        outcomes = [*outcomes, name]
    day = pd.to_datetime(df["mulai"]).dt.normalize()
    before = day < start.normalize()
    after = day > end.normalize()
    if window_days is not None:
        before &= day >= start.normalize() - pd.Timedelta(days=window_days)
        after &= day <= end.normalize() + pd.Timedelta(days=window_days)
    is_t = df["kode_opd"].isin(treated)
    controls = (
        df["kode_opd"].isin([str(c) for c in control_opds]) if control_opds is not None else ~is_t
    )
    rng = np.random.default_rng(seed)
    rows = []
    for outcome in outcomes:
        y = pd.to_numeric(df[outcome], errors="coerce").astype("Float64")
        y = y.to_numpy(dtype=np.float64, na_value=np.nan)
        ok = ~np.isnan(y)
        cells = {
            "perlakuan_sebelum": y[(is_t & before).to_numpy() & ok],
            "perlakuan_sesudah": y[(is_t & after).to_numpy() & ok],
            "kontrol_sebelum": y[(controls & before).to_numpy() & ok],
            "kontrol_sesudah": y[(controls & after).to_numpy() & ok],
        }
        empty = [k for k, v in cells.items() if len(v) == 0]
        means = {k: float(v.mean()) if len(v) else np.nan for k, v in cells.items()}
        est = (means["perlakuan_sesudah"] - means["perlakuan_sebelum"]) - (
            means["kontrol_sesudah"] - means["kontrol_sebelum"]
        )
        if empty:
            # an empty cell (e.g. control OPDs without that stage name): no estimate, say why
            lo = hi = np.nan
            note = f"Tidak dapat dihitung: sel tanpa permohonan ({', '.join(empty)}). " + _CATATAN
        else:
            boot = {k: _boot_means(v, n_boot, rng) for k, v in cells.items()}
            dist = (boot["perlakuan_sesudah"] - boot["perlakuan_sebelum"]) - (
                boot["kontrol_sesudah"] - boot["kontrol_sebelum"]
            )
            lo, hi = np.quantile(dist, [0.025, 0.975])
            note = _CATATAN
        row = {"ukuran": outcome, "estimate": est, "ci_low": float(lo), "ci_high": float(hi)}
        row.update({f"n_{k}": len(v) for k, v in cells.items()})
        row.update({f"rata_{k}": means[k] for k in cells})
        row.update(
            {
                "n_boot": n_boot,
                "kode_opd_perlakuan": ", ".join(treated),
                "asumsi": ASUMSI_DID,
                "catatan": note,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)
