"""The monthly monitoring views: forum protection, the city digest, one page per OPD, the sheet.

Every page is a self-contained offline HTML file (inline CSS and SVG, no script, no CDN); every
value from the data is escaped. Under the ``forum`` audience the e-kinerja indicators (built from
the reports of individual ASN) of an OPD with fewer than ``k_pegawai`` ASN are hidden with
:func:`kinerja.protect.suppress_small` and their signals dropped; no page carries a NIP or a name.
"""

from __future__ import annotations

import collections
import functools
import html
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kinerja.domain.numbers import fmt_int
from kinerja.metrics.monitoring import INDICATORS, Monitoring, month_label
from kinerja.metrics.monitoring.dampak import CATATAN_DAMPAK
from kinerja.metrics.monitoring.limits import alpha_for
from kinerja.report.monitoring.svg import control_chart_svg, fmt_date, fmt_number, panel_svg

__all__ = [
    "EMPLOYEE_INDICATORS",
    "PageData",
    "digest_html",
    "opd_body",
    "opd_html",
    "protect_monitoring",
    "signals_xlsx",
]

#: indicators computed from the reports of individual ASN (k_pegawai applies)
EMPLOYEE_INDICATORS = ("laporan_harian", "verifikasi")
_PERCENT = ("tepat_waktu", "laporan_harian")
_RULE_LABEL = {
    "batas": "di luar batas kendali",
    "dua_dari_tiga": "2 dari 3 bulan di luar 2σ",
    "deret": "deret di sisi buruk garis tengah",
    "tren": "tren memburuk",
}
CSS = """
body { font-family: system-ui, sans-serif; max-width: 1180px; margin: 1.5rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; color: #1f3b57; margin-top: 1.8rem; }
h3 { font-size: 1rem; margin-top: 1.2rem; }
.ringkas, .sumber { color: #555; font-size: .9rem; }
.rahasia { background: #b00020; color: #fff; padding: .6rem; font-weight: bold; }
.sinyal li { margin: .25rem 0; }
.bagan { display: flex; flex-wrap: wrap; gap: .6rem; }
.bagan svg { border: 1px solid #e5e5e5; background: #fff; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.angka { text-align: right; white-space: nowrap; }
.legenda span { margin-right: 1rem; font-size: .85rem; }
details { margin: .5rem 0; }
"""


class PageData:
    """What the pages need besides the monitoring: OPD names, outcomes, waves, follow-up."""

    def __init__(
        self,
        monitoring: Monitoring,
        *,
        names: Mapping[str, str],
        audience: str = "forum",
        outcomes: pd.DataFrame | None = None,
        waves: pd.DataFrame | None = None,
        tindak_lanjut: pd.DataFrame | None = None,
        requests: pd.DataFrame | None = None,
        k_pegawai: int = 10,
        dampak: Mapping[str, pd.DataFrame] | None = None,
    ) -> None:
        self.monitoring = monitoring
        #: :func:`kinerja.metrics.monitoring.dampak.dampak_tables` when precomputed (the metric
        #: ``dampak``); ``None``: each OPD's Dampak is computed when its page is drawn
        self.dampak_tables = dampak
        self.names = dict(names)
        self.audience = audience
        self.outcomes = outcomes if outcomes is not None else pd.DataFrame()
        self.waves = waves
        self.tindak_lanjut = tindak_lanjut
        self.requests = requests
        self.k_pegawai = k_pegawai
        self.charts, self.hidden = protect_charts(
            monitoring.charts, audience=audience, k_pegawai=k_pegawai
        )
        all_signals = monitoring.signals()
        self.all_signals = drop_hidden(all_signals, self.hidden)
        self._short: dict[str, pd.DataFrame] = {}
        #: (kode_opd, indikator, jenis_layanan or "") -> the series as plain arrays (display units)
        self.series: dict[tuple[str, str, str], dict[str, Any]] = _split_series(self.charts)
        self.flagged: dict[tuple[str, str, str], set[str]] = {}
        for r in self.all_signals[["kode_opd", "indikator", "jenis_layanan", "bulan"]].itertuples(
            index=False
        ):
            key = (
                r.kode_opd,
                r.indikator,
                r.jenis_layanan if isinstance(r.jenis_layanan, str) else "",
            )
            self.flagged.setdefault(key, set()).add(r.bulan)
        self.outcomes_by_opd = (
            {str(k): g for k, g in self.outcomes.groupby("kode_opd", sort=False)}
            if len(self.outcomes)
            else {}
        )
        self.ikm_by_opd = (
            {str(k): g for k, g in monitoring.ikm.groupby("kode_opd", sort=False)}
            if len(monitoring.ikm)
            else {}
        )
        #: (what, month) -> kode_opd -> that OPD's rows of the month's signals / insufficient
        self._opd_rows: dict[tuple[str, str], tuple[dict[str, pd.DataFrame], pd.DataFrame]] = {}

    # the inputs of an OPD's Dampak drawn at page time (no precomputed ``dampak`` tables): split
    # by OPD on first use only

    @functools.cached_property
    def tl_by_opd(self) -> dict[str, pd.DataFrame]:
        """``tindak_lanjut`` rows of each OPD."""
        return _by_opd(self.tindak_lanjut)

    @functools.cached_property
    def waves_by_opd(self) -> dict[str, pd.DataFrame]:
        """Training waves of each OPD."""
        return _by_opd(self.waves)

    @functools.cached_property
    def requests_by_opd(self) -> dict[str, pd.DataFrame]:
        """Requests of each OPD."""
        return _by_opd(self.requests)

    def dampak(self, kode: str) -> Any:
        """The :class:`~kinerja.metrics.monitoring.dampak.OpdDampak` of one OPD."""
        from kinerja.metrics.monitoring.dampak import (
            OpdDampak,
            events,
            opd_dampak,
            split_dampak_tables,
        )

        if self.dampak_tables is not None:
            if "_dampak_by_opd" not in self.__dict__:
                self._dampak_by_opd = split_dampak_tables(self.dampak_tables)
            found = self._dampak_by_opd.get(kode)
            return found if found is not None else OpdDampak(events(None, None, kode))
        own = None
        if self.requests is not None:
            own = self.requests_by_opd.get(kode, self.requests.iloc[0:0])
        return opd_dampak(
            kode,
            requests=own,
            ikm=self.monitoring.ikm,
            waves=self.waves_by_opd.get(kode),
            tindak_lanjut=self.tl_by_opd.get(kode),
            months=self.monitoring.months,
        )

    def signals(self, bulan: pd.Timestamp) -> pd.DataFrame:
        """The month's signals, protected."""
        key = f"{pd.Timestamp(bulan):%Y-%m}"
        return self.all_signals.loc[self.all_signals["bulan"] == key].reset_index(drop=True)

    def insufficient(self, bulan: pd.Timestamp) -> pd.DataFrame:
        """The month's series that cannot be judged, protected (memoised per month)."""
        key = f"{pd.Timestamp(bulan):%Y-%m}"
        if key not in self._short:
            self._short[key] = drop_hidden(self.monitoring.insufficient(bulan), self.hidden)
        return self._short[key]

    def opd_rows(self, what: str, bulan: pd.Timestamp, kode: str) -> pd.DataFrame:
        """One OPD's rows of :meth:`signals` (``what="sinyal"``) or :meth:`insufficient`
        (``"tidak_dinilai"``) of a month, in their order (the month split by OPD once)."""
        key = (what, f"{pd.Timestamp(bulan):%Y-%m}")
        if key not in self._opd_rows:
            frame = self.signals(bulan) if what == "sinyal" else self.insufficient(bulan)
            split = {str(k): g for k, g in frame.groupby("kode_opd", sort=False)}
            self._opd_rows[key] = (split, frame.iloc[0:0])
        split, empty = self._opd_rows[key]
        return split.get(kode, empty)


def _by_opd(frame: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The rows of ``frame`` of each ``kode_opd`` (as text), in their order; ``{}`` when empty."""
    if frame is None or not len(frame):
        return {}
    codes = frame["kode_opd"].astype("str").to_numpy()
    return {str(k): g for k, g in frame.groupby(codes, sort=False)}


def protect_charts(
    charts: pd.DataFrame, *, audience: str, k_pegawai: int
) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """Hide e-kinerja series of OPDs with fewer than ``k_pegawai`` ASN (forum only).

    Returns the charts with those rows removed and the hidden ``(kode_opd, indikator)`` pairs.
    The cut uses :func:`kinerja.protect.suppress_small` on the ASN count of each month.
    """
    if audience != "forum" or charts.empty:
        return charts, set()
    from kinerja.protect import suppress_small

    emp = charts.loc[charts["indikator"].isin(EMPLOYEE_INDICATORS)]
    if emp.empty:
        return charts, set()
    cells = emp[["kode_opd", "indikator", "n_pegawai"]].assign(
        n_pegawai=emp["n_pegawai"].astype(float).fillna(0).astype("int64")
    )
    masked = suppress_small(
        cells.reset_index(drop=True), count_col="n_pegawai", k=k_pegawai, mark=None
    )
    small = masked["n_pegawai"].isna().to_numpy() | (cells["n_pegawai"].to_numpy() == 0)
    hidden = set(
        zip(cells["kode_opd"].to_numpy()[small], cells["indikator"].to_numpy()[small], strict=False)
    )
    keep = ~pd.Series(
        list(zip(charts["kode_opd"], charts["indikator"], strict=False)), index=charts.index
    ).isin(hidden)
    return charts.loc[keep.to_numpy()].reset_index(drop=True), hidden


def protect_monitoring(
    charts: pd.DataFrame, signals: pd.DataFrame, *, audience: str, k_pegawai: int
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Protected charts and signals for ``audience`` and the number of hidden series."""
    out, hidden = protect_charts(charts, audience=audience, k_pegawai=k_pegawai)
    return out, drop_hidden(signals, hidden), len(hidden)


def drop_hidden(frame: pd.DataFrame, hidden: set[tuple[str, str]]) -> pd.DataFrame:
    """Rows of ``frame`` whose ``(kode_opd, indikator)`` is not hidden."""
    if not hidden or frame.empty:
        return frame
    pairs = pd.Series(
        list(zip(frame["kode_opd"], frame["indikator"], strict=False)), index=frame.index
    )
    return frame.loc[~pairs.isin(hidden).to_numpy()].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# pieces


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _value_text(ind: str):
    """Tooltip text of a value (the fast formatter of :mod:`~kinerja.report.monitoring.svg`)."""
    if ind in _PERCENT:
        return lambda v: fmt_number(v, 1) + "%"
    if ind in ("pengaduan_lambat", "tindak_lanjut_terlambat"):
        return lambda v: fmt_number(v, 0)
    return lambda v: fmt_number(v, 1 if ind != "ikm" else 2)


def _split_series(charts: pd.DataFrame) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every series of ``charts`` as plain arrays in display units (percent for shares)."""
    if charts.empty:
        return {}
    svc = charts["jenis_layanan"].astype("object").where(charts["jenis_layanan"].notna(), "")
    f = charts.assign(_svc=svc.astype("str")).sort_values(
        ["kode_opd", "indikator", "_svc", "bulan"], kind="stable"
    )
    factor = np.where(f["indikator"].isin(_PERCENT).to_numpy(), 100.0, 1.0)
    arrays = {
        c: f[c].to_numpy(dtype=float, na_value=np.nan) * factor
        for c in ("nilai", "garis_tengah", "batas_bawah", "batas_atas")
    }
    months = pd.to_datetime(f["bulan"]).to_numpy()
    status = f["status"].astype("str").to_numpy()
    key = (
        f["kode_opd"].astype("str") + "\x1f" + f["indikator"].astype("str") + "\x1f" + f["_svc"]
    ).to_numpy()
    cut = np.concatenate([[0], np.flatnonzero(key[1:] != key[:-1]) + 1, [len(f)]])
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    stamps = list(pd.DatetimeIndex(months))
    for a, b in zip(cut[:-1], cut[1:], strict=True):
        k = tuple(key[a].split("\x1f"))
        out[k] = {
            "bulan": stamps[a:b],
            "status": status[a:b],
            **{c: v[a:b] for c, v in arrays.items()},
        }
    return out


def series_svg(pd_: PageData, kode: str, ind: str, svc: object, selected: str) -> str:
    """The control chart of one series with every month that signalled marked."""
    key = (kode, ind, svc if isinstance(svc, str) else "")
    spec = INDICATORS[ind]
    unit = " (%)" if ind in _PERCENT else f" ({spec.unit})"
    title = spec.label + unit + (f" — {svc}" if isinstance(svc, str) else "")
    if ind == "ikm":
        title = "IKM per triwulan — batas dari galat baku triwulan"
    return control_chart_svg(
        pd_.series.get(
            key,
            {
                "bulan": [],
                "status": [],
                "nilai": [],
                "garis_tengah": [],
                "batas_bawah": [],
                "batas_atas": [],
            },
        ),
        title=title,
        attrs={"kode-opd": kode, "indikator": ind, "jenis-layanan": key[2]},
        flagged=sorted(pd_.flagged.get(key, ())),
        selected=selected,
        quarterly=ind == "ikm",
        percent=ind in _PERCENT,
        decimals=0 if ind in ("pengaduan_lambat", "tindak_lanjut_terlambat") else 1,
        value_text=_value_text(ind),
    )


def _signal_list(signals: pd.DataFrame) -> str:
    # plain columns, not itertuples (which builds a namedtuple class on every call)
    items = [
        f'<li><strong>{_esc(pesan)}</strong> <span class="ringkas">— {_esc(_RULE_LABEL.get(aturan, aturan))}</span></li>'
        for pesan, aturan in zip(signals["pesan"], signals["aturan"], strict=True)
    ]
    return f'<ul class="sinyal">{"".join(items)}</ul>'


def _legend() -> str:
    return (
        '<p class="legenda"><span style="color:#1f5f8b">● nilai bulanan</span>'
        '<span style="color:#8a8a8a">- - garis tengah</span><span style="color:#b03a2e">··· batas kendali</span>'
        '<span style="color:#b03a2e">● bulan bersinyal</span><span>○ data terlalu sedikit</span>'
        '<span style="background:#fff4d6">bulan yang dipantau</span></p>'
    )


def _method(pd_: PageData) -> str:
    mon = pd_.monitoring
    cfg = mon.config
    rules = [
        name
        for name, on in (
            ("batas", cfg.aturan.batas),
            ("dua_dari_tiga", cfg.aturan.dua_dari_tiga),
            ("deret", cfg.aturan.deret),
            ("tren", cfg.aturan.tren),
        )
        if on
    ]
    start, end = mon.baseline
    return (
        '<h2>Cara membaca</h2><p class="ringkas" style="max-width:60em">'
        f"Batas kendali setiap OPD dihitung dari bulan dasarnya sendiri ({_esc(month_label(start))} – "
        f"{_esc(month_label(end))}); bulan dasar yang melewati batas ke arah buruk dikeluarkan lalu batas "
        f"dihitung ulang. Ketepatan waktu: bagan p dengan batas binomial; pengaduan dan tindak lanjut: "
        f"bagan c/u dengan batas Poisson; median waktu layanan, kepatuhan laporan dan jeda verifikasi: "
        f"bagan individu robust (median rentang bergerak); IKM: per triwulan dengan selang kepercayaan 95%. "
        f"Peluang alarm palsu per bulan per sisi paling banyak {_esc(fmt_number(100 * alpha_for(cfg.sigma), 3))}% "
        f"(batas {_esc(fmt_number(cfg.sigma, 0))} sigma). Hanya arah buruk yang diberi sinyal. "
        f"Aturan aktif: {_esc(', '.join(_RULE_LABEL[r] for r in rules))}"
        + (
            f" (deret {cfg.aturan.run_length} bulan, tren {cfg.aturan.trend_length} bulan)"
            if cfg.aturan.deret or cfg.aturan.tren
            else ""
        )
        + f". Bulan dengan kurang dari {cfg.min_permohonan} permohonan, {cfg.min_pegawai} pegawai atau "
        f"{cfg.min_responden} responden per triwulan tidak dinilai dan disebutkan.</p>"
        '<p class="sumber">Sumber data: layanan, pengaduan, laporan_kinerja, tindak_lanjut, skm, '
        "pelatihan (folder data kinerja).</p>"
    )


def _page(title: str, body: str, audience: str) -> str:
    banner = (
        '<p class="rahasia">RAHASIA — hanya untuk internal OPD masing-masing. Jangan diteruskan ke forum.</p>'
        if audience == "internal"
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{_esc(title)}</h1>\n{banner}\n{body}\n</body>\n</html>\n"
    )


# ----------------------------------------------------------------------------------------------
# digest


def digest_html(
    pd_: PageData,
    bulan: pd.Timestamp,
    *,
    opd_link: str = "opd/{kode}.html",
    sheet: str | None = None,
) -> str:
    """The city digest of one month: signals grouped by OPD with small multiples of each series."""
    key = f"{pd.Timestamp(bulan):%Y-%m}"
    sig = pd_.signals(bulan)
    short = pd_.insufficient(bulan)
    n_opd = sig["kode_opd"].nunique()
    parts = [
        f'<p class="ringkas">Audiens {_esc(pd_.audience)} · bulan dipantau {_esc(month_label(bulan))} · '
        f"{fmt_int(len(sig))} sinyal di {fmt_int(n_opd)} OPD · {fmt_int(len(short))} deret tidak dapat dinilai bulan ini.</p>"
    ]
    if sheet:
        parts.append(f'<p><a href="{_esc(sheet)}">Tabel sinyal (Excel)</a></p>')
    if sig.empty:
        parts.append("<p>Tidak ada indikator yang keluar dari variasi normalnya bulan ini.</p>")
    else:
        parts.append(_legend())
    order = sig.groupby("kode_opd").size().sort_values(ascending=False, kind="stable").index
    for kode in order:
        rows = sig.loc[sig["kode_opd"] == kode]
        name = pd_.names.get(kode, kode)
        link = opd_link.format(kode=kode)
        parts.append(
            f'<section class="opd" data-kode-opd="{_esc(kode)}"><h2><a href="{_esc(link)}">{_esc(name)}</a> ({_esc(kode)})</h2>'
        )
        parts.append(_signal_list(rows))
        seen = rows[["indikator", "jenis_layanan"]].drop_duplicates()
        charts = [
            series_svg(pd_, kode, r.indikator, r.jenis_layanan, key)
            for r in seen.itertuples(index=False)
        ]
        parts.append(f'<div class="bagan">{"".join(charts)}</div></section>')
    if len(short):
        counts = short.groupby("indikator").size()
        items = "".join(
            f"<li>{_esc(INDICATORS[i].label)}: {fmt_int(n)} deret</li>" for i, n in counts.items()
        )
        detail = "".join(
            f"<li>{_esc(pd_.names.get(r.kode_opd, r.kode_opd))}: {_esc(r.pesan)}</li>"
            for r in short.itertuples(index=False)
        )
        parts.append(
            f"<h2>Tidak dapat dinilai bulan ini</h2><ul>{items}</ul>"
            f"<details><summary>Rincian ({fmt_int(len(short))})</summary><ul>{detail}</ul></details>"
        )
    links = " · ".join(
        f'<a href="{_esc(opd_link.format(kode=k))}">{_esc(k)}</a>' for k in sorted(pd_.names)
    )
    parts.append(f"<h2>Halaman per OPD</h2><p>{links}</p>")
    if pd_.hidden:
        parts.append(
            f'<p class="ringkas">{fmt_int(len(pd_.hidden))} deret e-kinerja disembunyikan: OPD dengan kurang '
            f"dari {fmt_int(pd_.k_pegawai)} pegawai (pengendalian pengungkapan, audiens forum).</p>"
        )
    parts.append(_method(pd_))
    return _page(
        f"Pemantauan bulanan kinerja OPD — {month_label(bulan)}", "\n".join(parts), pd_.audience
    )


# ----------------------------------------------------------------------------------------------
# per OPD


def _dampak(pd_: PageData, kode: str) -> str:
    mon = pd_.monitoring
    res = pd_.dampak(kode)
    ev = res.peristiwa
    out = pd_.outcomes_by_opd.get(kode, pd.DataFrame())
    panels = []
    if len(out):
        panels.append(
            panel_svg(
                out,
                x="bulan",
                y="median_hari_kerja",
                title="Median waktu layanan (hari kerja)",
                months=mon.months,
                events=ev,
            )
        )
        panels.append(
            panel_svg(
                out,
                x="bulan",
                y="persen_tepat_waktu",
                title="Ketepatan waktu (%)",
                months=mon.months,
                events=ev,
                percent=True,
            )
        )
        panels.append(
            panel_svg(
                out,
                x="bulan",
                y="n_selesai_bulan",
                title="Izin/permohonan selesai per bulan",
                months=mon.months,
                events=ev,
                decimals=0,
            )
        )
    ikm = pd_.ikm_by_opd.get(kode, pd.DataFrame())
    if len(ikm):
        panels.append(
            panel_svg(
                ikm,
                x="bulan",
                y="ikm",
                title="IKM per triwulan (SK 95%)",
                months=mon.months,
                events=ev,
                ci=("ci_bawah", "ci_atas"),
                quarterly=True,
                decimals=1,
            )
        )
    if not panels:
        return "<h2>Dampak</h2><p>Tidak ada data layanan atau survei untuk OPD ini.</p>"
    html_ = [
        "<h2>Dampak: apakah keputusan forum berhasil?</h2>",
        '<p class="legenda"><span style="color:#d55e00">| gelombang pelatihan</span>'
        '<span style="color:#029e73">¦ tindak lanjut selesai</span></p>',
        f'<div class="bagan">{"".join(panels)}</div>',
    ]
    if len(ev):
        items = "".join(
            f"<li>{_esc(fmt_date(tanggal))}: {_esc(keterangan)}</li>"
            for tanggal, keterangan in zip(ev["tanggal"], ev["keterangan"], strict=True)
        )
        html_.append(
            f"<details><summary>Peristiwa ({fmt_int(len(ev))})</summary><ul>{items}</ul></details>"
        )
    if res.tanggal is not None:
        html_.append(_before_after_table(res.perbandingan, res.tanggal, res.jenis))
    return "\n".join(html_)


#: one row of the before/after table (a fixed namedtuple: ``itertuples`` makes one per call)
_Row = collections.namedtuple(
    "_Row",
    "ukuran sebelum sesudah selisih ci_bawah ci_atas bulan_sebelum bulan_sesudah",
)
_MEASURE = {
    "persen_tepat_waktu": ("Ketepatan waktu (%)", 1, "poin persen"),
    "median_hari_kerja": ("Median waktu layanan (hari kerja)", 1, "hari kerja"),
    "izin_per_bulan": ("Izin/permohonan selesai per bulan", 1, "per bulan"),
    "ikm": ("IKM", 2, "poin"),
}


def _before_after_table(table: pd.DataFrame, when: pd.Timestamp, jenis: str | None) -> str:
    what = "gelombang pelatihan" if jenis == "pelatihan" else "tindak lanjut selesai"
    head = f"<h3>Sebelum dan sesudah {_esc(what)} ({_esc(fmt_date(when))})</h3>"
    if table.empty:
        return (
            head + "<p>Belum ada cukup bulan sebelum dan sesudah peristiwa untuk dibandingkan.</p>"
        )
    rows = []
    cols = ("ukuran", "sebelum", "sesudah", "selisih", "ci_bawah", "ci_atas")
    for r in (
        _Row(*v)
        for v in zip(
            *(table[c] for c in cols), table["bulan_sebelum"], table["bulan_sesudah"], strict=True
        )
    ):
        label, dec, unit = _MEASURE[r.ukuran]
        sig = "" if (r.ci_bawah <= 0 <= r.ci_atas) else " (berbeda nyata)"
        rows.append(
            f"<tr><td>{_esc(label)}</td><td>{_esc(r.bulan_sebelum)}</td><td class='angka'>{fmt_number(r.sebelum, dec)}</td>"
            f"<td>{_esc(r.bulan_sesudah)}</td><td class='angka'>{fmt_number(r.sesudah, dec)}</td>"
            f"<td class='angka'>{fmt_number(r.selisih, dec)} {_esc(unit)}</td>"
            f"<td class='angka'>{fmt_number(r.ci_bawah, dec)} s.d. {fmt_number(r.ci_atas, dec)}{_esc(sig)}</td></tr>"
        )
    return (
        head + "<table><thead><tr><th>Ukuran</th><th>Sebelum</th><th></th><th>Sesudah</th><th></th>"
        "<th>Selisih</th><th>SK 95% selisih</th></tr></thead><tbody>"
        + "".join(rows)
        + f'</tbody></table><p class="ringkas" style="max-width:60em">{_esc(CATATAN_DAMPAK)}</p>'
    )


def opd_body(pd_: PageData, kode: str, bulan: pd.Timestamp, *, heading_level: int = 2) -> str:
    """The body of one OPD's page (also the notebook's section): signals, charts, Dampak."""
    key = f"{pd.Timestamp(bulan):%Y-%m}"
    h = f"h{min(max(heading_level, 1), 4)}"
    sig = pd_.opd_rows("sinyal", bulan, kode)
    parts = [f"<{h}>Sinyal {_esc(month_label(bulan))}</{h}>"]
    parts.append(
        _signal_list(sig)
        if len(sig)
        else "<p>Tidak ada sinyal bulan ini: semua indikator dalam variasi normalnya.</p>"
    )
    order = {k: i for i, k in enumerate(INDICATORS)}
    own = sorted((k for k in pd_.series if k[0] == kode), key=lambda k: (order[k[1]], k[2]))
    charts = [series_svg(pd_, kode, ind, svc or None, key) for _, ind, svc in own]
    parts.append(
        f"<{h}>Bagan kendali</{h}>" + _legend() + f'<div class="bagan">{"".join(charts)}</div>'
    )
    short = pd_.opd_rows("tidak_dinilai", bulan, kode)
    if len(short):
        parts.append(
            "<details><summary>Tidak dapat dinilai bulan ini</summary><ul>"
            + "".join(f"<li>{_esc(t)}</li>" for t in short["pesan"])
            + "</ul></details>"
        )
    parts.append(_dampak(pd_, kode).replace("<h2>", f"<{h}>").replace("</h2>", f"</{h}>"))
    return "\n".join(parts)


def opd_html(
    pd_: PageData, kode: str, bulan: pd.Timestamp, *, digest_link: str = "../index.html"
) -> str:
    """One OPD's page."""
    name = pd_.names.get(kode, kode)
    body = f'<p class="ringkas"><a href="{_esc(digest_link)}">← ringkasan kota</a> · audiens {_esc(pd_.audience)}</p>'
    body += opd_body(pd_, kode, bulan) + _method(pd_)
    return _page(f"{name} ({kode}) — pemantauan {month_label(bulan)}", body, pd_.audience)


# ----------------------------------------------------------------------------------------------
# sheet


def signals_xlsx(
    signals: pd.DataFrame, insufficient: pd.DataFrame, bulan: pd.Timestamp, names: Mapping[str, str]
) -> bytes:
    """The Excel workbook of the month: ``sinyal``, ``tidak_dinilai`` and ``keterangan`` sheets.

    Every text cell passes :func:`kinerja.protect.neutralise_frame` (no cell starts a formula).
    """
    from kinerja.metrics.monitoring.signals import SIGNAL_COLUMNS
    from kinerja.protect import neutralise_frame

    sig = signals.assign(nama_opd=signals["kode_opd"].map(names))
    cols = ["kode_opd", "nama_opd", *SIGNAL_COLUMNS[1:]]
    sig = sig[cols]
    short = insufficient[["kode_opd", "indikator", "jenis_layanan", "bulan", "status", "pesan"]]
    notes = pd.DataFrame(
        {
            "kolom": ["nilai", "batas_bawah / batas_atas", "aturan", "bulan"],
            "keterangan": [
                "Nilai bulan itu: persen untuk ketepatan waktu dan kepatuhan laporan, per 1.000 permohonan "
                "untuk pengaduan_per_1000, hari kerja untuk waktu layanan dan verifikasi.",
                "Batas kendali dari bulan dasar OPD sendiri (satuan sama dengan nilai).",
                "batas = di luar batas kendali; deret = bulan berturut-turut di sisi buruk; tren = makin buruk "
                "berturut-turut; dua_dari_tiga = 2 dari 3 bulan di luar 2 sigma.",
                f"Bulan yang dipantau: {month_label(bulan)}.",
            ],
        }
    )
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in (("sinyal", sig), ("tidak_dinilai", short), ("keterangan", notes)):
            neutralise_frame(frame).to_excel(xl, sheet_name=name, index=False)
            xl.sheets[name].freeze_panes = "A2"
    return buf.getvalue()
