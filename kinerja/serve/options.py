"""The choices a form offers (OPDs, periods, services) and its resolved defaults."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kinerja.domain.period import Periode

log = logging.getLogger(__name__)


#: Option value meaning "all services" in the service drop-down.
ALL = ""


def periods_from_dates(dates: Iterable[pd.Series]) -> list[Periode]:
    """Every year, quarter and month that occurs in ``dates`` (datetime or text columns), sorted."""
    import numpy as np

    months: set[tuple[int, int]] = set()
    for s in dates:
        d = s if pd.api.types.is_datetime64_any_dtype(s) else pd.to_datetime(s, errors="coerce")
        # distinct months of a million dates: numpy month units, not a DataFrame of year/month
        # columns (1.8 s → a few ms for laporan_kinerja at Salatiga scale)
        values = d.dropna().to_numpy(dtype="datetime64[ns]")
        if values.size == 0:
            continue
        for m in np.unique(values.astype("datetime64[M]")).astype(int):
            months.add((1970 + int(m) // 12, int(m) % 12 + 1))
    periods: set[Periode] = set()
    for y, m in months:
        periods.add(Periode(y, "tahun"))
        periods.add(Periode(y, "triwulan", (m - 1) // 3 + 1))
        periods.add(Periode(y, "bulan", m))
    order = {"tahun": 0, "triwulan": 1, "bulan": 2}
    # newest year first; inside a year: the year, its quarters, its months
    return sorted(periods, key=lambda p: (-p.year, order[p.kind], p.number))


@dataclass(frozen=True)
class FormOptions:
    """The choices a form offers, computed once from the data.

    Attributes
    ----------
    opd : list of (label, kode_opd)
        Labels are ``"nama (kode)"``, sorted by name.
    periode : list of (label, periode)
        Years, quarters and months present in the data, newest year first.
    layanan : dict
        kode_opd → sorted list of its ``jenis_layanan``.
    """

    opd: list[tuple[str, str]]
    periode: list[tuple[str, str]]
    layanan: dict[str, list[str]] = field(default_factory=dict)

    def values(self, key: str, *, kode_opd: str | None = None) -> list[str]:
        """Allowed values of one control (for query-string validation)."""
        if key == "kode_opd":
            return [v for _, v in self.opd]
        if key == "periode":
            return [v for _, v in self.periode]
        if key == "jenis_layanan":
            return [ALL, *self.layanan.get(kode_opd or "", [])]
        raise KeyError(key)

    def layanan_options(self, kode_opd: str | None) -> list[tuple[str, str]]:
        """Service drop-down options of one OPD, "all services" first."""
        return [("Semua layanan", ALL)] + [(j, j) for j in self.layanan.get(kode_opd or "", [])]

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame | None]) -> FormOptions:
        """Derive the options from loaded tables (``Dataset.tables``).

        OPDs come from ``opd`` (all of them, sorted by name, the code beside it); periods from the dates of ``skm``,
        ``layanan``, ``pengaduan``, ``laporan_kinerja`` and the ``periode`` strings of
        ``penilaian_skp``; services from ``standar_layanan`` and ``layanan``.
        """
        opd = tables.get("opd")
        opd_opts: list[tuple[str, str]] = []
        if opd is not None and not opd.empty:
            o = (
                opd[["kode_opd", "nama_opd"]]
                .dropna(subset=["kode_opd"])
                .drop_duplicates("kode_opd")
            )
            # by name, as a reader looks for an office ("Dinas Kesehatan (DINKES)"); the code
            # breaks ties and orders OPDs without a name
            name_key = o["nama_opd"].map(lambda n: n.casefold() if isinstance(n, str) else "")
            o = o.assign(_urut=name_key).sort_values(["_urut", "kode_opd"], kind="stable")
            opd_opts = [
                (f"{n} ({k})" if isinstance(n, str) and n else str(k), str(k))
                for k, n in zip(o["kode_opd"], o["nama_opd"], strict=True)
            ]

        dates: list[pd.Series] = []
        for name, col in (
            ("skm", "tanggal"),
            ("layanan", "mulai"),
            ("pengaduan", "tanggal_masuk"),
            ("laporan_kinerja", "tanggal"),
        ):
            t = tables.get(name)
            if t is not None and col in t.columns and len(t):
                dates.append(t[col])
        periods = periods_from_dates(dates)
        skp = tables.get("penilaian_skp")
        if skp is not None and "periode" in skp.columns:
            extra = set()
            for text in skp["periode"].dropna().unique():
                try:
                    extra.add(Periode.parse(str(text)))
                except ValueError:
                    continue
            if extra - set(periods):
                order = {"tahun": 0, "triwulan": 1, "bulan": 2}
                periods = sorted(
                    set(periods) | extra, key=lambda p: (-p.year, order[p.kind], p.number)
                )
        periode_opts = [(p.label, str(p)) for p in periods]

        layanan: dict[str, set[str]] = {}
        for name in ("standar_layanan", "layanan"):
            t = tables.get(name)
            if t is None or t.empty:
                continue
            pairs = t[["kode_opd", "jenis_layanan"]].dropna().drop_duplicates()
            for k, j in zip(pairs["kode_opd"], pairs["jenis_layanan"], strict=True):
                layanan.setdefault(str(k), set()).add(str(j))
        return cls(
            opd=opd_opts,
            periode=periode_opts,
            layanan={k: sorted(v) for k, v in layanan.items()},
        )


def resolve_defaults(
    name: str, data: Any, kode_opd: str | None, periode: str | None, jenis_layanan: str | None
) -> dict[str, Any]:
    """The static report's own defaults for ``None`` parameters (same page either way).

    ``ReportData.periode(None)`` (the period of ``parameters/default.yaml``, else the latest
    year; the OPD's own ``parameters/opd/<kode>.yaml`` period when that file sets one),
    ``ReportData.check_opd(None)`` (the first OPD) and, for the explorer, the report's choice of
    the least punctual OPD and its slowest service.
    """
    out: dict[str, Any] = {"kode_opd": kode_opd, "periode": periode, "jenis_layanan": jenis_layanan}
    try:
        if periode in (None, "") and hasattr(data, "periode"):
            out["periode"] = str(data.periode(None))
        if name == "penjelajah_hambatan" and (kode_opd in (None, "") or jenis_layanan is None):
            from kinerja.report.sections import hambatan as report

            chooser = getattr(report, "default_service", None)
            if chooser is not None:
                kode, layanan = chooser(
                    data, kode_opd, jenis_layanan, Periode.parse(out["periode"])
                )
                out["kode_opd"], out["jenis_layanan"] = kode, layanan
        if out["kode_opd"] in (None, "") and hasattr(data, "check_opd"):
            out["kode_opd"] = data.check_opd(None)
        if periode in (None, "") and out["kode_opd"] not in (None, ""):
            out["periode"] = _opd_periode(data, str(out["kode_opd"])) or out["periode"]
    except Exception:  # a default that cannot be computed falls back to the first option
        log.exception("nilai bawaan formulir %s tidak dapat dihitung", name)
    return out


def _opd_periode(data: Any, kode_opd: str) -> str | None:
    """The period an OPD's own parameter file sets (``None``: it sets none, or no settings)."""
    settings = getattr(data, "settings", None)
    if settings is None or settings.opd_files.get(kode_opd, {}).get("periode") in (None, "auto"):
        return None  # auto: the data's period (ReportData.periode)
    return str(Periode.parse(settings.for_opd(kode_opd).periode))


_OPTIONS_MEMO: dict[int, FormOptions] = {}


def options_for(data: Any) -> FormOptions:
    """Form options of a data object (memoised per object).

    Uses ``data.form_options()`` when the object offers it, else its ``tables`` mapping (a
    ``Dataset`` or an object with ``.dataset.tables``).
    """
    key = id(data)
    if key in _OPTIONS_MEMO:
        return _OPTIONS_MEMO[key]
    if hasattr(data, "form_options"):
        opts = data.form_options()
    else:
        tables = getattr(data, "tables", None)
        if tables is None and hasattr(data, "dataset"):
            tables = data.dataset.tables
        if tables is None:
            raise TypeError("Data formulir tidak punya tabel (butuh .tables atau .dataset)")
        opts = FormOptions.from_tables(tables)
    _OPTIONS_MEMO[key] = opts
    return opts


__all__ = [
    "ALL",
    "FormOptions",
    "options_for",
    "resolve_defaults",
]
