"""Complaints (pengaduan): volume, response and resolution times against deadlines.

Implements issue 3 item 5 on the ``pengaduan`` table of the data contract (``id_pengaduan,
kode_opd, tanggal_masuk, kanal, kategori, [tanggal_tanggapan], [tanggal_selesai], [isi], status``).

Deadlines (reference.md §4.2):

- Default: the SP4N-LAPOR! service levels (**confirmed** as system policy, not statute):
  verification and forwarding within **3 hari kerja** of the report, and the agency's follow-up
  within **5 hari kerja** of forwarding. Here: the first response (``tanggal_tanggapan``) is due
  within 3 working days of ``tanggal_masuk``; resolution (``tanggal_selesai``) within 5 working days
  of the first response.
- Option :meth:`ComplaintDeadlines.uu_25_2009`: 14 days to respond and 60 days to settle (UU 25/2009
  Pasal 50, **unconfirmed**: the text was not found in any retrieved source). Counted in calendar
  days from ``tanggal_masuk``. Its use is stated in the output's ``catatan`` column.
- Local standards vary, so deadlines can be set per OPD.

``isi`` (citizen free text) is never copied into an output of this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kinerja.domain.assumptions import assumption_note
from kinerja.domain.calendar import WorkCalendar
from kinerja.domain.period import Periode, filter_period

__all__ = [
    "SLOW_SERVICE_CATEGORY",
    "ComplaintDeadlines",
    "complaint_summary",
    "complaint_times",
    "complaint_volume",
    "slow_service_vs_sla",
]

SLOW_SERVICE_CATEGORY = "Pelayanan lambat"
_VOLUME_KEYS = ("kode_opd", "kategori", "kanal", "bulan", "status")


@dataclass(frozen=True)
class ComplaintDeadlines:
    """Deadlines for responding to and settling a complaint.

    Parameters
    ----------
    tanggapan : int
        Days from ``tanggal_masuk`` to the first response.
    selesai : int
        Days to resolution, counted from ``selesai_sejak``.
    satuan : {"hari_kerja", "hari_kalender"}
        Working days (OPD calendar) or calendar days.
    selesai_sejak : {"tanggapan", "masuk"}
        Whether the resolution deadline runs from the first response or from ``tanggal_masuk``.
    sumber : str
        Where the rule comes from; copied into the output's ``catatan``.
    terkonfirmasi : bool
        ``False`` for a rule marked unconfirmed in reference.md; the output then says so.
    asumsi : str
        Id in :mod:`kinerja.domain.assumptions` quoted in ``catatan`` (``""`` for none).
    """

    tanggapan: int = 3
    selesai: int = 5
    satuan: Literal["hari_kerja", "hari_kalender"] = "hari_kerja"
    selesai_sejak: Literal["tanggapan", "masuk"] = "tanggapan"
    sumber: str = (
        "kebijakan layanan SP4N-LAPOR! (diteruskan ≤ 3 hari kerja, tindak lanjut ≤ 5 hari kerja)"
    )
    terkonfirmasi: bool = True
    asumsi: str = "pengaduan-lapor"

    def __post_init__(self) -> None:
        if self.tanggapan < 0 or self.selesai < 0:
            raise ValueError("batas waktu pengaduan tidak boleh negatif")
        if self.satuan not in ("hari_kerja", "hari_kalender"):
            raise ValueError(f"satuan tidak dikenal: {self.satuan!r} (hari_kerja/hari_kalender)")
        if self.selesai_sejak not in ("tanggapan", "masuk"):
            raise ValueError(f"selesai_sejak tidak dikenal: {self.selesai_sejak!r}")

    @classmethod
    def uu_25_2009(cls) -> ComplaintDeadlines:
        """14 days to respond, 60 days to settle from receipt (UU 25/2009 Pasal 50, unconfirmed)."""
        return cls(
            tanggapan=14,
            selesai=60,
            satuan="hari_kalender",
            selesai_sejak="masuk",
            sumber="UU 25/2009 Pasal 50: tanggapan ≤ 14 hari, selesai ≤ 60 hari (BELUM "
            "TERKONFIRMASI: teks pasalnya belum diperiksa)",
            terkonfirmasi=False,
            asumsi="pengaduan-uu25",
        )

    @property
    def catatan(self) -> str:
        """One-line statement of the rule for outputs."""
        unit = "hari kerja" if self.satuan == "hari_kerja" else "hari kalender"
        since = "sejak tanggapan" if self.selesai_sejak == "tanggapan" else "sejak pengaduan masuk"
        text = (
            f"Batas tanggapan {self.tanggapan} {unit}, penyelesaian {self.selesai} {unit} {since}; "
            f"dasar: {self.sumber}"
        )
        if not self.terkonfirmasi:
            text += ". Aturan ini belum terkonfirmasi sumber primer"
        if self.asumsi:
            text += ". " + assumption_note([self.asumsi])
        return text


def _month(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.to_period("M").dt.start_time


def complaint_volume(
    pengaduan: pd.DataFrame,
    *,
    by: Sequence[str] = ("kode_opd", "kategori"),
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """Number of complaints by OPD, category, channel and/or month.

    Parameters
    ----------
    by : sequence of {"kode_opd", "kategori", "kanal", "bulan", "status"}
        ``bulan`` is the month of ``tanggal_masuk`` (first day of the month).
    periode : optional
        Keep complaints whose ``tanggal_masuk`` falls in the period.

    Returns
    -------
    DataFrame
        ``*by, n_pengaduan, persen`` (share of all complaints in the selection, in %).
    """
    unknown = [b for b in by if b not in _VOLUME_KEYS]
    if unknown:
        raise ValueError(
            f"pengelompokan tidak dikenal: {', '.join(unknown)} (pilihan: {', '.join(_VOLUME_KEYS)})"
        )
    df = filter_period(pengaduan, "tanggal_masuk", periode)
    keys = list(by)
    frame = pd.DataFrame(index=df.index)
    for k in keys:
        frame[k] = _month(df["tanggal_masuk"]) if k == "bulan" else df[k].astype("str")
    if keys:
        out = frame.groupby(keys, dropna=False).size().rename("n_pengaduan").reset_index()
    else:
        out = pd.DataFrame({"n_pengaduan": [len(frame)]})
    total = out["n_pengaduan"].sum()
    out["persen"] = 100.0 * out["n_pengaduan"] / total if total else np.nan
    return out.sort_values([*keys], kind="stable").reset_index(drop=True) if keys else out


def _days(start: pd.Series, end: pd.Series, opd: pd.Series, calendars, satuan: str) -> pd.Series:
    """Days from start to end (NA when either is missing), per-OPD calendar for working days."""
    if satuan == "hari_kalender":
        d = (pd.to_datetime(end).dt.normalize() - pd.to_datetime(start).dt.normalize()).dt.days
        return d.astype("Int64")
    if isinstance(calendars, WorkCalendar):
        return calendars.busday_count(start, end)
    # one busday_count per distinct calendar (OPDs sharing a weekmask share it), on positions
    codes = opd.astype("str").to_numpy()
    by_calendar: dict[WorkCalendar, list[str]] = {}
    for code in pd.unique(codes):
        cal = calendars.get(code)
        if cal is None:
            raise ValueError(f"kalender kerja tidak ada untuk kode_opd {code}")
        by_calendar.setdefault(cal, []).append(code)
    s = pd.to_datetime(start).to_numpy()
    e = pd.to_datetime(end).to_numpy()
    out = np.full(len(codes), np.nan)
    for cal, members in by_calendar.items():
        mask = np.isin(codes, members) if len(by_calendar) > 1 else slice(None)
        out[mask] = cal.busday_count(s[mask], e[mask])
    return pd.Series(out, index=start.index).astype("Int64")


def complaint_times(
    pengaduan: pd.DataFrame,
    calendar: WorkCalendar | Mapping[str, WorkCalendar],
    *,
    deadlines: ComplaintDeadlines | None = None,
    deadlines_per_opd: Mapping[str, ComplaintDeadlines] | None = None,
    as_of: str | pd.Timestamp | None = None,
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """Per complaint: days to first response and to resolution, and whether each was in time.

    Parameters
    ----------
    calendar : WorkCalendar or mapping kode_opd → WorkCalendar
    deadlines : ComplaintDeadlines, optional
        Default :class:`ComplaintDeadlines` (SP4N-LAPOR! 3 + 5 hari kerja).
    deadlines_per_opd : mapping, optional
        ``{kode_opd: ComplaintDeadlines}`` overriding ``deadlines`` for those OPDs.
    as_of : date, optional
        The date the data was extracted. A complaint not yet responded to (or not yet settled)
        whose deadline had passed by ``as_of`` counts as late; without ``as_of`` its status is
        unknown (NA).
    periode : optional
        Keep complaints whose ``tanggal_masuk`` falls in the period.

    Returns
    -------
    DataFrame
        ``id_pengaduan, kode_opd, kategori, kanal, tanggal_masuk, hari_kerja_tanggapan,
        hari_kerja_selesai, hari_kerja_tindak_lanjut, belum_ditanggapi, belum_selesai,
        ditanggapi_tepat_waktu, selesai_tepat_waktu, catatan``.

    Notes
    -----
    reference.md §4.2. With working days, ``hari_kerja_tanggapan = busday_count(tanggal_masuk,
    tanggal_tanggapan)``, ``hari_kerja_selesai = busday_count(tanggal_masuk, tanggal_selesai)``
    and ``hari_kerja_tindak_lanjut = busday_count(tanggal_tanggapan, tanggal_selesai)`` (same day
    0, as for services). ``ditanggapi_tepat_waktu = hari_kerja_tanggapan <= tanggapan``;
    ``selesai_tepat_waktu`` compares ``hari_kerja_tindak_lanjut`` (or ``hari_kerja_selesai`` when
    the deadline runs from receipt) with ``selesai``. With calendar-day deadlines the ``hari_kerja_*``
    columns hold calendar days (the ``catatan`` says so).
    """
    base = deadlines or ComplaintDeadlines()
    per_opd = dict(deadlines_per_opd or {})
    df = filter_period(pengaduan, "tanggal_masuk", periode)
    for c in ("tanggal_tanggapan", "tanggal_selesai"):
        if c not in df.columns:
            df = df.assign(**{c: pd.NaT})
    masuk = pd.to_datetime(df["tanggal_masuk"])
    tanggapan = pd.to_datetime(df["tanggal_tanggapan"])
    selesai = pd.to_datetime(df["tanggal_selesai"])
    opd = df["kode_opd"].astype("str")
    rule_of = opd.map(lambda k: per_opd.get(k, base))
    parts = []
    for rule, idx in _group_by_rule(rule_of):
        sub_opd = opd.loc[idx]
        m, t, s = masuk.loc[idx], tanggapan.loc[idx], selesai.loc[idx]
        d_t = _days(m, t, sub_opd, calendar, rule.satuan)
        d_s = _days(m, s, sub_opd, calendar, rule.satuan)
        d_tl = _days(t, s, sub_opd, calendar, rule.satuan)
        due_basis = d_tl if rule.selesai_sejak == "tanggapan" else d_s
        on_t = (d_t <= rule.tanggapan).astype("boolean")
        on_s = (due_basis <= rule.selesai).astype("boolean")
        if as_of is not None:
            today = pd.Series(pd.Timestamp(as_of), index=m.index)
            waited_t = _days(m, today, sub_opd, calendar, rule.satuan)
            late_t = t.isna() & (waited_t > rule.tanggapan).fillna(False)
            on_t = on_t.mask(late_t, False)
            since = t if rule.selesai_sejak == "tanggapan" else m
            waited_s = _days(since, today, sub_opd, calendar, rule.satuan)
            # unanswered complaints with a deadline running from the response stay NA here
            late_s = s.isna() & (waited_s > rule.selesai).fillna(False)
            on_s = on_s.mask(late_s, False)
        parts.append(
            pd.DataFrame(
                {
                    "hari_kerja_tanggapan": d_t,
                    "hari_kerja_selesai": d_s,
                    "hari_kerja_tindak_lanjut": d_tl,
                    "ditanggapi_tepat_waktu": on_t,
                    "selesai_tepat_waktu": on_s,
                    "catatan": rule.catatan,
                },
                index=idx,
            )
        )
    times = (
        pd.concat(parts).reindex(df.index)
        if parts
        else pd.DataFrame(
            columns=[
                "hari_kerja_tanggapan",
                "hari_kerja_selesai",
                "hari_kerja_tindak_lanjut",
                "ditanggapi_tepat_waktu",
                "selesai_tepat_waktu",
                "catatan",
            ],
            index=df.index,
        )
    )
    out = pd.DataFrame(
        {
            "id_pengaduan": df["id_pengaduan"].astype("str"),
            "kode_opd": opd,
            "kategori": df["kategori"].astype("str"),
            "kanal": df["kanal"].astype("str"),
            "tanggal_masuk": masuk,
            "hari_kerja_tanggapan": times["hari_kerja_tanggapan"].astype("Int64"),
            "hari_kerja_selesai": times["hari_kerja_selesai"].astype("Int64"),
            "hari_kerja_tindak_lanjut": times["hari_kerja_tindak_lanjut"].astype("Int64"),
            "belum_ditanggapi": tanggapan.isna(),
            "belum_selesai": selesai.isna(),
            "ditanggapi_tepat_waktu": times["ditanggapi_tepat_waktu"].astype("boolean"),
            "selesai_tepat_waktu": times["selesai_tepat_waktu"].astype("boolean"),
            "catatan": times["catatan"].astype("str"),
        }
    )
    return out.reset_index(drop=True)


def _group_by_rule(rule_of: pd.Series):
    rules: dict[ComplaintDeadlines, list] = {}
    for idx, rule in rule_of.items():
        rules.setdefault(rule, []).append(idx)
    for rule, idx in rules.items():
        yield rule, pd.Index(idx)


def complaint_summary(
    times: pd.DataFrame, *, by: Sequence[str] = ("kode_opd", "kategori")
) -> pd.DataFrame:
    """Per OPD and category: volume, share answered in time, median days to respond.

    Parameters
    ----------
    times : DataFrame
        Output of :func:`complaint_times`.

    Returns
    -------
    DataFrame
        ``kode_opd, kategori, n_pengaduan, persen_ditanggapi_tepat_waktu, median_hari_tanggapan``
        (the keys ``kinerja rekap`` writes to its ``pengaduan`` table) plus
        ``persen_selesai_tepat_waktu, n_belum_ditanggapi, catatan``.

    Notes
    -----
    ``persen_ditanggapi_tepat_waktu`` = 100 × (in time) / (complaints whose timeliness is known:
    answered, or unanswered and past the deadline at ``as_of``); NA when none is known.
    ``median_hari_tanggapan`` over answered complaints (linear-interpolation median).
    """
    keys = list(by)
    df = times.copy()
    df["_t_known"] = df["ditanggapi_tepat_waktu"].notna()
    df["_t_ok"] = df["ditanggapi_tepat_waktu"].fillna(False).astype(bool)
    df["_s_known"] = df["selesai_tepat_waktu"].notna()
    df["_s_ok"] = df["selesai_tepat_waktu"].fillna(False).astype(bool)
    df["_hari"] = df["hari_kerja_tanggapan"].astype("Float64")
    g = df.groupby(keys, dropna=False)
    out = g.agg(
        n_pengaduan=("id_pengaduan", "size"),
        t_known=("_t_known", "sum"),
        t_ok=("_t_ok", "sum"),
        s_known=("_s_known", "sum"),
        s_ok=("_s_ok", "sum"),
        median_hari_tanggapan=("_hari", "median"),
        n_belum_ditanggapi=("belum_ditanggapi", "sum"),
        catatan=("catatan", lambda s: "; ".join(sorted(set(s.dropna())))),
    ).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["persen_ditanggapi_tepat_waktu"] = pd.array(
            np.where(out["t_known"] > 0, 100.0 * out["t_ok"] / out["t_known"], np.nan),
            dtype="Float64",
        )
        out["persen_selesai_tepat_waktu"] = pd.array(
            np.where(out["s_known"] > 0, 100.0 * out["s_ok"] / out["s_known"], np.nan),
            dtype="Float64",
        )
    out["median_hari_tanggapan"] = out["median_hari_tanggapan"].astype("Float64")
    return out[
        [
            *keys,
            "n_pengaduan",
            "persen_ditanggapi_tepat_waktu",
            "median_hari_tanggapan",
            "persen_selesai_tepat_waktu",
            "n_belum_ditanggapi",
            "catatan",
        ]
    ]


def slow_service_vs_sla(
    pengaduan: pd.DataFrame,
    requests: pd.DataFrame,
    *,
    kategori: str = SLOW_SERVICE_CATEGORY,
    by_month: bool = False,
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """ "Pelayanan lambat" complaints per OPD (and month) beside the same OPD's SLA breaches.

    Parameters
    ----------
    pengaduan : DataFrame
        The complaints table.
    requests : DataFrame
        :func:`kinerja.metrics.service.request_table` output (``kode_opd, mulai, tepat_waktu``), or, when
        ``by_month`` is false, a :func:`kinerja.metrics.service.service_summary` (``kode_opd,
        n_permohonan, persen_tepat_waktu``).
    kategori : str
        The complaint category meaning slow service (compared case-insensitively).
    by_month : bool
        One row per OPD and month (month of ``tanggal_masuk`` / of the request's first ``mulai``).

    Returns
    -------
    DataFrame
        ``kode_opd, [bulan], n_pengaduan_lambat, n_permohonan, n_terlambat, persen_terlambat``.

    Notes
    -----
    A side-by-side table, not a correlation: both counts come from the same OPD and time window.
    ``n_terlambat`` counts requests with ``tepat_waktu`` false (services with a standard only).
    """
    comp = filter_period(pengaduan, "tanggal_masuk", periode)
    slow = comp.loc[comp["kategori"].astype("str").str.casefold() == kategori.casefold()]
    keys = ["kode_opd", "bulan"] if by_month else ["kode_opd"]
    c = pd.DataFrame({"kode_opd": slow["kode_opd"].astype("str")})
    if by_month:
        c["bulan"] = _month(slow["tanggal_masuk"])
    left = c.groupby(keys).size().rename("n_pengaduan_lambat")
    if "tepat_waktu" in requests.columns:
        req = requests
        if periode is not None and "mulai" in req.columns:
            req = req.loc[Periode.parse(periode).contains(req["mulai"]).to_numpy()]
        r = pd.DataFrame(
            {
                "kode_opd": req["kode_opd"].astype("str").to_numpy(),
                "late": (req["tepat_waktu"] == False).fillna(False).to_numpy(dtype=bool),  # noqa: E712
                "known": req["tepat_waktu"].notna().to_numpy(),
            }
        )
        if by_month:
            r["bulan"] = _month(req["mulai"]).to_numpy()
        right = r.groupby(keys).agg(
            n_permohonan=("late", "size"), n_terlambat=("late", "sum"), n_std=("known", "sum")
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            right["persen_terlambat"] = np.where(
                right["n_std"] > 0, 100.0 * right["n_terlambat"] / right["n_std"], np.nan
            )
        right = right.drop(columns="n_std")
    else:
        if by_month:
            raise ValueError("by_month=True memerlukan tabel permohonan (request_table)")
        s = requests.assign(kode_opd=requests["kode_opd"].astype("str"))
        pct = s["persen_tepat_waktu"].astype("Float64")
        s = s.assign(
            _late=(s["n_permohonan"] * (100.0 - pct) / 100.0).fillna(0.0),
            _std=s["n_permohonan"].where(pct.notna(), 0),
        )
        right = s.groupby("kode_opd").agg(
            n_permohonan=("n_permohonan", "sum"),
            n_terlambat=("_late", "sum"),
            n_std=("_std", "sum"),
        )
        right["n_terlambat"] = right["n_terlambat"].round().astype("Int64")
        with np.errstate(invalid="ignore", divide="ignore"):
            right["persen_terlambat"] = np.where(
                right["n_std"] > 0,
                100.0 * right["n_terlambat"].astype(float) / right["n_std"],
                np.nan,
            )
        right = right.drop(columns="n_std")
    out = left.to_frame().join(right, how="outer").reset_index()
    out["n_pengaduan_lambat"] = out["n_pengaduan_lambat"].fillna(0).astype(np.int64)
    for col in ("n_permohonan", "n_terlambat"):
        out[col] = out[col].astype("Float64").fillna(0).astype("Int64")
    return out.sort_values(keys, kind="stable").reset_index(drop=True)
