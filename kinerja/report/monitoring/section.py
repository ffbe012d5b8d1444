"""The ``pantau_bulanan`` notebook's section: one OPD's monitoring of one month.

``section_pantau(data, kode_opd=..., periode=..., audience=...)`` is a registry section
(:mod:`kinerja.report.registry`), so the same builder serves the static report (Papermill) and
the Voila form (OPD and month drop-downs). A year or a quarter chosen in the form's period list
means its last complete month.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.report.blocks import Audience, Block, heading, internal_banner_block, note, title_block

__all__ = ["month_of", "page_data", "section_pantau", "sections_pantau"]


def month_of(periode: Any, months: list[pd.Timestamp]) -> pd.Timestamp | None:
    """The month to show for a period: the month itself, else the last complete month in it.

    ``None`` (or a period with no complete month) → the latest complete month of the data.
    """
    if not months:
        return None
    if periode in (None, ""):
        return months[-1]
    per = periode if isinstance(periode, Periode) else Periode.parse(str(periode))
    inside = [m for m in months if per.start <= m <= per.end]
    return inside[-1] if inside else months[-1]


def page_data(data: Any, audience: str) -> Any:
    """The :class:`~kinerja.report.monitoring.pages.PageData` of a report data object (memoised)."""
    from kinerja.metrics.monitoring.build import (
        dampak_for,
        monitoring_for,
        outcomes_for,
        waves_for,
    )
    from kinerja.report.monitoring.pages import PageData

    key = f"pantau_pages_{audience}"
    if key not in data.__dict__:
        opd = data.opd
        data.__dict__[key] = PageData(
            monitoring_for(data),
            names=dict(
                zip(opd["kode_opd"].astype("str"), opd["nama_opd"].astype("str"), strict=False)
            ),
            audience=audience,
            outcomes=outcomes_for(data),
            waves=waves_for(data),
            tindak_lanjut=data.table("tindak_lanjut") if data.has("tindak_lanjut") else None,
            requests=data.metric("service_all", None) if data.has("layanan") else None,
            k_pegawai=data.k_pegawai,
            dampak=dampak_for(data),
        )
    return data.__dict__[key]


def section_pantau(
    data: Any,
    *,
    kode_opd: str,
    periode: str | Periode | None = None,
    audience: Audience = "forum",
    heading_level: int = 2,
) -> list[Any]:
    """Signals, control charts and Dampak of one OPD for one month (display blocks)."""
    from kinerja.report.monitoring.pages import CSS, opd_body

    kode = data.check_opd(kode_opd)
    pages = page_data(data, audience)
    bulan = month_of(periode, pages.monitoring.months)
    out: list[Any] = [heading("Pemantauan bulanan", heading_level)]
    if bulan is None:
        return [*out, note("Data belum memuat satu bulan lengkap pun untuk dipantau.")]
    body = opd_body(pages, kode, bulan, heading_level=heading_level + 1)
    out.append(
        Block(
            f"<style>{CSS.replace('body {', '.kinerja-pantau {')}</style><div class='kinerja-pantau'>{body}</div>",
            text=f"Pemantauan {kode} {bulan:%Y-%m}",
        )
    )
    return out


def sections_pantau(
    data: Any,
    *,
    kode_opd: str,
    periode: str | Periode | None = None,
    audience: Audience = "forum",
) -> list[Any]:
    """The whole ``pantau_bulanan`` report: title, banner, :func:`section_pantau`.

    The registry declares :func:`section_pantau` as the notebook's one section (its Voila form
    shows it under the drop-downs); the static report calls it directly (no import of the
    registry here: the registry imports this module).
    """
    kode = data.check_opd(kode_opd)
    nama = data.opd_name(kode)
    pages = page_data(data, audience)
    bulan = month_of(periode, pages.monitoring.months)
    out: list[Any] = []
    if audience == "internal":
        out.append(internal_banner_block(kode, nama))
    label = f"{bulan:%Y-%m}" if bulan is not None else "–"
    out.append(
        title_block(
            f"Pemantauan bulanan — {nama}", f"Kode OPD {kode} · bulan {label} · audiens {audience}"
        )
    )
    out.extend(section_pantau(data, kode_opd=kode, periode=periode, audience=audience))
    return out
