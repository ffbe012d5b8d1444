"""Section: Indeks Kepuasan Masyarakat (IKM) of one OPD."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.metrics.registry import ikm_row, opd_rows
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SOURCE_LABELS,
    Audience,
    Col,
    heading,
    missing_table,
    note,
    render_table,
    small_mask,
    suppression_note,
)

__all__ = ["section_ikm"]


def section_ikm(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode,
    audience: Audience = "forum",
    heading_level: int | None = 2,
) -> list[Any]:
    """Indeks Kepuasan Masyarakat of one OPD: IKM, mutu, its nine elements, per service.

    IKM and NRR follow PermenPANRB 14/2017 (``kinerja.metrics.survey``); an IKM over fewer than
    ``k_responden`` respondents is not shown (issue 6).
    """
    per = Periode.parse(periode)
    out: list[Any] = []
    if heading_level:
        out.append(heading("Indeks Kepuasan Masyarakat (IKM)", heading_level))
    if not data.has("skm"):
        return [*out, missing_table("skm")]
    src = SOURCE_LABELS["skm"] + f", {per.label}; PermenPANRB 14/2017"
    row = ikm_row(data, kode_opd, per)
    if row is None or int(row["n_responden"]) == 0:
        return [*out, note(f"Tidak ada responden SKM untuk OPD ini pada {per.label}.")]
    k = data.k_responden
    one = pd.DataFrame([row])
    small = int(row["n_responden"]) < k
    cols = [
        Col("n_responden", "Jumlah responden", "int"),
        Col("ikm", "IKM (25–100)", "number", 2),
        Col("mutu", "Mutu pelayanan"),
        Col("kinerja_unit", "Kinerja unit pelayanan"),
    ]
    if "n_minimum" in one.columns:
        cols += [
            Col("populasi", "Penerima layanan (log layanan)", "int"),
            Col("n_minimum", "Sampel minimum (Krejcie–Morgan)", "int"),
            Col("sampel_memadai", "Sampel memadai", "bool"),
        ]
    mask = None
    if small:
        mask = pd.DataFrame({c: [True] for c in ("ikm", "mutu", "kinerja_unit")}, index=one.index)
    ikm_block = render_table(
        one,
        cols,
        title=f"IKM {per.label}",
        source=src,
        suppressed=mask,
        suppression_note=suppression_note(k, "responden") if small else None,
        notes=[
            f"Bobot unsur: {row['bobot']}. Mutu: A ≥ 88,31; B ≥ 76,61; C ≥ 65,00; D di bawahnya."
        ],
    )
    out.append(ikm_block)
    if audience == "forum":  # published facts for `kinerja audit` (protect.covered)
        from kinerja.protect.covered import IKM_YEAR_STATS, ledger_ikm_year

        ikm_block.ledger, keys = ledger_ikm_year(row, small=small, kode_opd=kode_opd, periode=per, source=f"opd/{kode_opd}: IKM {per.label}")  # fmt: skip
        ikm_block.ledger.table(ikm_block.html, keys, source=f"opd/{kode_opd}", label_column=None, stat_columns=IKM_YEAR_STATS)  # fmt: skip
    if small:
        return out
    el = opd_rows(data.metric("ikm_elements", per), kode_opd)
    if not el.empty:
        out.append(
            render_table(
                el,
                [
                    Col("label", "Unsur pelayanan"),
                    Col("n_jawaban", "Jumlah jawaban", "int"),
                    Col("nrr", "NRR (1–4)", "number", 4),
                    Col("mutu", "Mutu"),
                    Col("peringkat", "Peringkat (1 = terlemah)", "int"),
                ],
                title="Nilai rata-rata (NRR) per unsur",
                source=src,
            )
        )
        if audience == "forum":  # published facts for `kinerja audit` (protect.covered)
            from kinerja.protect.covered import ledger_nrr

            out[-1].ledger, keys = ledger_nrr(el, kode_opd=kode_opd, periode=per, n_responden=float(row["n_responden"]), source=f"opd/{kode_opd}: NRR per unsur")  # fmt: skip
            out[-1].ledger.table(out[-1].html, keys, source=f"opd/{kode_opd}", stat_columns=["Peringkat (1 = terlemah)"])  # fmt: skip
        from kinerja.report.charts import bar_chart

        weakest = el.sort_values(["nrr"]).iloc[0]["label"] if el["nrr"].notna().any() else None
        out.append(
            bar_chart(
                el,
                category="label",
                value="nrr",
                title=f"NRR per unsur pelayanan, {per.label}",
                value_label="NRR (skala 1–4)",
                source=src,
                decimals=2,
                reference=3.0644,
                reference_label="Batas bawah mutu B (3,0644)",
                highlight=weakest,
                value_max=4,
            )
        )
    per_service = opd_rows(data.metric("ikm_layanan", per), kode_opd)
    if len(per_service) > 1:
        ps = per_service.sort_values("jenis_layanan")
        mask = small_mask(ps, count_col="n_responden", k=k, columns=["ikm", "mutu"])
        ledger = None
        if audience == "forum":
            # complementary: the OPD's IKM is the respondent-weighted mean of these rows
            from kinerja.protect import ledger_ikm_services, protect_ikm_services

            hide = protect_ikm_services(ps, k=k)
            mask = pd.DataFrame({"ikm": hide, "mutu": hide}, index=ps.index)
            ledger = ledger_ikm_services(ps, hide, row, kode_opd=kode_opd, periode=per)
        out.append(
            render_table(
                ps,
                [
                    Col("jenis_layanan", "Jenis layanan"),
                    Col("n_responden", "Jumlah responden", "int"),
                    Col("ikm", "IKM", "number", 2),
                    Col("mutu", "Mutu"),
                ],
                title="IKM per jenis layanan",
                source=src,
                suppressed=mask,
                suppression_note=suppression_note(k, "responden"),
            )
        )
        out[-1].ledger = ledger
        if ledger is not None:  # the printed grid, compared with the HTML by `kinerja audit`
            from kinerja.protect.recorded import ikm_service_keys

            ikm_keys = ikm_service_keys(ps, kode_opd=kode_opd, periode=per)
            ledger.table(out[-1].html, ikm_keys, source=f"opd/{kode_opd}")
    return out
