"""``kinerja audit REPORTS_DIR``: attack everything one batch published, cell by cell.

The audit reads what a run published about protected quantities:

- the ledger each report notebook records in its summary output (mimetype
  :data:`kinerja.report.blocks.SUMMARY_MIME`, key ``ledger``; see :mod:`kinerja.protect.ledger`)
  in ``<out>/opd/*.ipynb`` and ``<out>/kota/*.ipynb``;
- the HTML page beside each notebook: the rows of the SKP and JP tables must show what the
  ledger says (a shown count or ``*``), otherwise the audit fails;
- ``rekap.xlsx``: its SKP sheet (count per OPD and predikat, empty when hidden) and its training
  sheet (employees and "≥ 20 JP" per OPD), keyed like the reports' cells so that the workbook and
  the reports form one system of equations;

then solves, for every hidden cell, the interval an attacker can derive
(:func:`kinerja.protect.audit.audit_ledger`, linear programming with HiGHS). The rule it applies is
stated in ``docs/privasi.md`` §5. The batch calls :func:`audit_run` at its end, puts the summary in
``manifest.json`` and exits non-zero when the audit fails.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from kinerja.domain.audience import K_PEGAWAI, K_RESPONDEN
from kinerja.protect import Ledger, LedgerConflict, audit_ledger, audit_summary, cell_key, extract
from kinerja.protect.recorded import record_opd_ikm

__all__ = [
    "audit_run",
    "cli_audit",
    "collect_ledger",
    "failure_message",
    "html_mismatches",
    "rekap_ledger",
    "rule_text",
]


def _notebook_ledgers(path: Path) -> list[dict[str, Any]]:
    from kinerja.report.blocks import SUMMARY_MIME

    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = (out.get("data") or {}).get(SUMMARY_MIME)
            if isinstance(data, dict) and isinstance(data.get("ledger"), dict):
                found.append(data["ledger"])
    return found


def rekap_ledger(path: Path, *, k_pegawai: int = K_PEGAWAI, periode: str | None = None) -> Ledger:
    """The protected counts ``rekap.xlsx`` publishes, as a ledger (empty cell = hidden).

    SKP: one count per OPD × predikat, their sum being the OPD's "pegawai dinilai" (published by
    the OPD report). Training: employees per OPD (hidden below k) and those meeting the JP target,
    the last JP band of the report (``jp/<kode>/<year>/20 JP atau lebih``). Complaints: per OPD and
    category the count and the two rates, stored unrounded in the workbook (read to six decimals),
    keyed like the OPD report's complaint table (:func:`kinerja.protect.recorded.
    record_complaint_rates`). ``periode``: the run's period (``manifest.json``), else the SKP
    sheet's.
    """
    from kinerja.protect.recorded import record_complaint_rates
    from kinerja.report.rekap_xlsx import read_rekap_xlsx

    ledger = Ledger()
    src = f"rekap: {path.name}"
    try:
        sheets = read_rekap_xlsx(path)
    except (OSError, ValueError) as exc:
        raise LedgerConflict(f"{path.name} tidak dapat dibaca oleh audit: {exc}") from exc
    skp = sheets.get("skp")
    jp = sheets.get("pelatihan")
    complaints = sheets.get("pengaduan")
    ikm = sheets.get("ikm")
    services = sheets.get("layanan")
    followup = sheets.get("tindak_lanjut")
    # a sheet the audit cannot read is a failure, not a silent pass
    for name, sheet, cols in (
        ("SKP", skp, {"kode_opd", "periode", "predikat", "jumlah"}),
        ("Pelatihan", jp, {"kode_opd", "n_pegawai", "n_memenuhi"}),
        ("Pengaduan", complaints, {"kode_opd", "kategori", "n_pengaduan"}),
        ("IKM", ikm, {"kode_opd", "n_responden", "ikm"}),
        ("Layanan", services, {"kode_opd", "jenis_layanan", "n_permohonan", "persen_tepat_waktu"}),
        ("Tindak lanjut", followup, {"kode_opd", *_FOLLOWUP_COUNTS}),
    ):
        if sheet is not None and not cols <= set(sheet.columns):
            raise LedgerConflict(
                f"lembar '{name}' di {path.name} tidak dapat dibaca oleh audit "
                f"(kolom {', '.join(sorted(cols - set(sheet.columns)))} tidak ada)"
            )
    if skp is not None:
        for (kode, per), rows in skp.groupby(["kode_opd", "periode"], sort=False):
            keys = []
            for pred, n in zip(rows["predikat"].astype("str"), rows["jumlah"], strict=True):
                key = cell_key("skp", kode, per, pred)
                keys.append(
                    ledger.count(
                        key, None if pd.isna(n) else float(n), hidden=pd.isna(n), source=src
                    )
                )
            total = ledger.count(cell_key("skp", kode, per, "Jumlah"), None, source=src)
            ledger.total(keys, total)
    if periode is None and skp is not None and "periode" in skp.columns and len(skp):
        periode = str(skp["periode"].iloc[0])
    year = str(periode)[:4] if periode else None
    if jp is not None and year:
        for r in jp.itertuples(index=False):
            kode = str(r.kode_opd)
            total = cell_key("jp", kode, year, "Jumlah")
            meets = cell_key("jp", kode, year, "20 JP atau lebih")
            n_peg = r.n_pegawai
            n_ok = r.n_memenuhi
            if pd.isna(n_peg):
                ledger.band(total, 0, k_pegawai - 1, source=src)
            else:
                ledger.count(total, float(n_peg), source=src)
            ledger.count(
                meets, None if pd.isna(n_ok) else float(n_ok), hidden=pd.isna(n_ok), source=src
            )
    if complaints is not None and periode:
        cols = {"t": "persen_ditanggapi_tepat_waktu", "s": "persen_selesai_tepat_waktu"}
        for _, r in complaints.iterrows():
            rates = {}
            for s, col in cols.items():
                v = r.get(col)
                rates[s] = None if v is None or pd.isna(v) else float(v)
            record_complaint_rates(
                ledger,
                kode_opd=str(r["kode_opd"]),
                periode=periode,
                kategori=str(r["kategori"]),
                n=float(r["n_pengaduan"]),
                rates=rates,
                decimals=6,
                source=src,
            )
    if periode:
        _rekap_ikm_services_followup(ledger, ikm, services, followup, periode=periode, source=src)
    return ledger


#: the count columns of the rekap's follow-up sheet
_FOLLOWUP_COUNTS = (
    "n_total",
    "n_selesai",
    "n_terlambat",
    "n_direncanakan",
    "n_berjalan",
    "n_selesai_terlambat",
)


def _rekap_ikm_services_followup(
    ledger: Ledger,
    ikm: pd.DataFrame | None,
    services: pd.DataFrame | None,
    followup: pd.DataFrame | None,
    *,
    periode: str,
    source: str,
) -> None:
    """The rekap's IKM, Layanan and Tindak lanjut sheets, keyed like the reports' cells
    (:mod:`kinerja.protect.covered`): respondents and IKM per OPD, requests and the unrounded
    on-time share per service, and the follow-up counts per OPD."""
    from kinerja.protect.covered import record_followup_counts, record_service_share

    if ikm is not None:
        nrr = [c for c in ikm.columns if str(c).startswith("nrr_")]
        for _, r in ikm.iterrows():
            kode = str(r["kode_opd"])
            if pd.notna(r["n_responden"]):
                ledger.count(
                    cell_key("skm", kode, periode, "Responden"),
                    float(r["n_responden"]),
                    unit="responden",
                    source=source,
                )
            hidden = pd.isna(r["ikm"])
            value = None if hidden else round(float(r["ikm"]), 2)
            record_opd_ikm(ledger, kode, periode, value, source=source)
            if hidden and any(pd.notna(r[c]) for c in nrr):
                # the IKM is a fixed weighted mean of the nine NRR: shown NRR give it away
                raise LedgerConflict(
                    f"{source}: lembar IKM menampilkan NRR {kode} yang IKM-nya disembunyikan"
                )
    if services is not None:
        for _, r in services.iterrows():
            kode, name = str(r["kode_opd"]), str(r["jenis_layanan"])
            ledger.count(
                cell_key("layanan", kode, periode, name),
                float(r["n_permohonan"]),
                unit="permohonan",
                source=source,
            )
            pct = r["persen_tepat_waktu"]
            record_service_share(
                ledger,
                kode_opd=kode,
                periode=periode,
                service=name,
                percent=None if pd.isna(pct) else float(pct),
                hidden=bool(pd.isna(pct)) and r["n_permohonan"] > 0,
                decimals=6,
                source=source,
            )
    if followup is not None:
        for _, r in followup.iterrows():
            record_followup_counts(
                ledger,
                kode_opd=str(r["kode_opd"]),
                periode=periode,
                counts={c: r[c] for c in _FOLLOWUP_COUNTS},
                source=source,
            )


#: a cell that shows an integer in id-ID (``32``, ``1.204``): a count the ledger must know
_INTEGER = re.compile(r"^\d{1,3}(\.\d{3})*$")
_CONTINUED = " (lanjutan)"
#: an id-ID integer inside a caption (not part of a longer number or a year like 2025)
_CAPTION_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*(?![\d,])")


def expected_text(cell: dict[str, Any]) -> str:
    """How a table shows a ledger cell: ``*`` when hidden, ``< 10`` for a band, else the
    number in id-ID (a statistic with the decimals of its rounding)."""
    from kinerja.domain.numbers import fmt_int, fmt_number

    if cell.get("tersembunyi"):
        return "*"
    if cell.get("nilai") is None:
        high = cell.get("max")
        return f"< {int(high) + 1}" if high is not None else "?"
    if cell.get("jenis") == "nilai":
        tol = float(cell.get("toleransi") or 0.5)
        decimals = max(0, round(-math.log10(2 * tol))) if tol > 0 else 0
        return fmt_number(cell["nilai"], decimals)
    return fmt_int(cell["nilai"])


def grid_problems(grid: dict[str, Any], cells: dict[str, Any]) -> list[str]:
    """Cells of a recorded table that disagree with the ledger, and integer cells that no
    ledger cell stands behind (a published count the audit would not see)."""
    wrong = []
    title = grid.get("judul") or "(tanpa judul)"
    if grid.get("kunci_judul"):  # the numbers a caption quotes are its recorded cells
        quoted = _CAPTION_NUMBER.findall(title)
        want = [expected_text(cells[k]) if k in cells else "?" for k in grid["kunci_judul"]]
        if quoted != want:
            wrong.append(f"judul '{title}': angka {quoted}, catatan angka terbit {want}")
    label_col = grid.get("kolom_label", 0)
    head = grid.get("kepala") or []
    stats = set(grid.get("kolom_statistik") or [])
    for row, keys in zip(grid.get("baris") or [], grid.get("kunci") or [], strict=False):
        for j, text in enumerate(row):
            key = keys[j] if j < len(keys) else None
            label = row[label_col] if label_col is not None and label_col < len(row) else ""
            where = f"'{title}', baris '{label}', kolom '{head[j] if j < len(head) else j}'"
            if key is not None:
                if key not in cells:
                    wrong.append(f"{where}: sel '{key}' tidak tercatat")
                    continue
                want = expected_text(cells[key])
                if text != want:
                    wrong.append(f"{where}: tertulis '{text}', catatan '{key}' = '{want}'")
            elif (
                j != label_col and _INTEGER.match(text) and (j >= len(head) or head[j] not in stats)
            ):
                wrong.append(f"{where}: angka '{text}' tanpa catatan angka terbit")
    return wrong


def html_mismatches(html_text: str, ledger: dict[str, Any], *, slides: bool = False) -> list[str]:
    """Differences between the tables a page shows and the tables its ledger recorded.

    Every recorded table (``ledger["tabel"]``) must be on the page with the same caption,
    header and cells (in slides a table may be split over slides with "(lanjutan)": each part
    must be rows of the recorded table); every cell must agree with its ledger cell and every
    integer cell must have one (:func:`grid_problems`).
    """
    cells = ledger.get("sel") or {}
    page = extract.html_tables(html_text)
    by_title: dict[str, list[dict[str, Any]]] = {}
    for t in page:
        title = t["judul"]
        if slides and title.endswith(_CONTINUED):
            title = title[: -len(_CONTINUED)]
        by_title.setdefault(title, []).append(t)
    wrong: list[str] = []
    for grid in ledger.get("tabel") or []:
        wrong += grid_problems(grid, cells)
        title = grid.get("judul") or ""
        shown = by_title.get(title)
        if not shown:
            if not slides:
                wrong.append(f"tabel '{title}' tercatat tetapi tidak ada di HTML")
            continue
        rows = [list(r) for r in grid.get("baris") or []]
        if slides:
            for t in shown:
                extra = [r for r in t["baris"] if list(r) not in rows]
                if extra:
                    wrong.append(f"salindia, tabel '{title}': baris tidak tercatat {extra[0]}")
            continue
        if not any(t["kepala"] == grid.get("kepala") and t["baris"] == rows for t in shown):
            t = shown[0]
            diff = next(
                ((a, b) for a, b in zip(t["baris"], rows, strict=False) if a != b),
                (t["baris"][len(rows) :] or None, rows[len(t["baris"]) :] or None),
            )
            wrong.append(
                f"tabel '{title}': HTML menampilkan {diff[0]}, catatan angka terbit {diff[1]}"
            )
    return wrong


def uncovered_tables(html_text: str, ledger: dict[str, Any]) -> list[str]:
    """Captions of tables on a page that show integers but are not recorded in its ledger
    (published, but not attacked by the audit; listed in the summary)."""
    recorded = {g.get("judul") for g in ledger.get("tabel") or []}
    out = []
    for t in extract.html_tables(html_text):
        title = t["judul"].removesuffix(_CONTINUED)
        if title in recorded or title in out:
            continue
        if any(_INTEGER.match(c) for r in t["baris"] for c in r[1:]):
            out.append(title or "(tanpa judul)")
    return out


def collect_ledger(
    out_dir: str | Path, *, k_pegawai: int = K_PEGAWAI, uncovered: list[str] | None = None
) -> tuple[Ledger, list[str]]:
    """Every published fact of the run in ``out_dir``: (combined ledger, files read).

    ``uncovered``, when given, receives the tables that show integers but that no ledger
    records (``<page>: <caption>``): published, not attacked.

    Raises
    ------
    LedgerConflict
        Two outputs publish different numbers for the same quantity.
    """
    out = Path(out_dir)
    ledger = Ledger()
    files: list[str] = []
    mismatches: list[str] = []
    uncovered = uncovered if uncovered is not None else []
    for path in sorted([*out.glob("opd/*.ipynb"), *out.glob("kota/*.ipynb")]):
        parts = _notebook_ledgers(path)
        if not parts:
            continue
        files.append(path.relative_to(out).as_posix())
        own = Ledger.combine(parts).to_dict()
        ledger.merge(own)
        # the page and the deck show what the ledger says they show
        for page, slides in (
            (path.with_suffix(".html"), False),
            (path.with_suffix(".slides.html"), True),
        ):
            if page.is_file():
                text = page.read_text(encoding="utf-8")
                mismatches += [
                    f"{page.name}: {m}" for m in html_mismatches(text, own, slides=slides)
                ]
                if not slides:
                    uncovered += [f"{page.name}: {t}" for t in uncovered_tables(text, own)]
    if mismatches:
        raise LedgerConflict(
            "angka di HTML tidak sama dengan catatan angka terbit: " + "; ".join(mismatches[:10])
        )
    rekap = out / "rekap.xlsx"
    if rekap.is_file():
        ledger.merge(rekap_ledger(rekap, k_pegawai=k_pegawai, periode=_run_period(out)))
        files.append("rekap.xlsx")
    # a relation may name a cell that only another output publishes; a cell that no output
    # publishes at all is an unknown the attacker must also solve for
    for rel in ledger.relations:
        for key in _keys(rel):
            if key not in ledger.cells:
                ledger.count(key, None)
    return ledger, files


def _keys(rel: dict[str, Any]) -> list[str]:
    if rel["jenis"] == "persen":
        return [*rel["pembilang"], *rel["penyebut"]]
    return [*rel["anggota"], rel["total"]]


def _run_period(out: Path) -> str | None:
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return str(manifest["parameters"]["periode"]) or None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _thresholds(out: Path) -> tuple[int, int]:
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        defaults = manifest["parameters"]["defaults"]
        return int(defaults.get("k_pegawai", K_PEGAWAI)), int(
            defaults.get("k_responden", K_RESPONDEN)
        )
    except (OSError, ValueError, KeyError, TypeError):
        return K_PEGAWAI, K_RESPONDEN


def audit_run(
    out_dir: str | Path, *, k_pegawai: int | None = None, k_responden: int | None = None
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Audit the run in ``out_dir``: (summary for the manifest, one row per hidden cell).

    The thresholds default to the run's own (``manifest.json``), else 10 and 5.
    """
    out = Path(out_dir)
    k_peg, k_resp = _thresholds(out)
    k_peg = k_pegawai or k_peg
    k_resp = k_responden or k_resp
    uncovered: list[str] = []
    try:
        ledger, files = collect_ledger(out, k_pegawai=k_peg, uncovered=uncovered)
    except LedgerConflict as exc:
        summary = {
            "status": "gagal",
            "sel_tersembunyi_diuji": 0,
            "sel_gagal": 1,
            "contoh_gagal": [str(exc)],
            "berkas": [],
        }
        return summary, pd.DataFrame()
    findings = audit_ledger(ledger, k_pegawai=k_peg, k_responden=k_resp)
    summary = audit_summary(findings)
    not_counts = [g for g in ledger.tables if g.get("bukan_hitungan")]
    summary.update(
        berkas=files,
        sel_tercatat=len(ledger.cells),
        tabel_tercatat=len(ledger.tables) - len(not_counts),
        tabel_bukan_hitungan=len(not_counts),
        contoh_tabel_bukan_hitungan=_examples(not_counts),
        tabel_tanpa_catatan=len(uncovered),
        contoh_tabel_tanpa_catatan=uncovered[:20],
        k_pegawai=k_peg,
        k_responden=k_resp,
        aturan=rule_text(k_peg, k_resp),
    )
    if not files:  # e.g. notebooks that publish no protected table: nothing to attack
        summary.update(status="tanpa_catatan")
    return summary, findings


def rule_text(k_pegawai: int = K_PEGAWAI, k_responden: int = K_RESPONDEN) -> str:
    """The audit's pass rule in plain Indonesian (for the manifest and the console)."""
    return (
        "Setiap sel yang disembunyikan diserang dengan semua angka yang terbit dalam satu batch. "
        f"Jumlah pegawai yang disembunyikan harus tetap punya paling sedikit {k_pegawai} "
        "kemungkinan nilai; jumlah responden, pengaduan, permohonan, laporan, atau "
        "keikutsertaan yang disembunyikan tidak boleh dapat dihitung tepat; IKM yang "
        f"disembunyikan (kurang dari {k_responden} responden) harus tetap berselang paling "
        "sedikit 5 poin."
    )


def _examples(tables: list[dict[str, Any]], limit: int = 20) -> list[str]:
    """Tables without counts of people, one line per reason: ``<n> tabel, mis. '<caption>':
    <reason>``."""
    by_reason: dict[str, list[str]] = {}
    for g in tables:
        titles = by_reason.setdefault(str(g["bukan_hitungan"]), [])
        titles.append(g.get("judul") or "(tanpa judul)")
    return [
        f"{len(titles)} tabel, mis. '{titles[0]}': {reason}"
        for reason, titles in list(by_reason.items())[:limit]
    ]


def failure_message(summary: dict[str, Any]) -> str:
    """The Indonesian explanation printed when the audit fails."""
    lines = [
        f"Audit pengungkapan GAGAL: {summary.get('sel_gagal', 0)} sel tersembunyi dapat "
        "dipersempit oleh pembaca dari angka yang diterbitkan.",
        "Aturan: "
        + rule_text(
            int(summary.get("k_pegawai") or K_PEGAWAI),
            int(summary.get("k_responden") or K_RESPONDEN),
        ),
        "Keluaran ini jangan diedarkan ke forum sebelum diperbaiki. Sel yang gagal:",
    ]
    lines += [f"  - {c}" for c in summary.get("contoh_gagal", [])]
    return "\n".join(lines)


def cli_audit(args: argparse.Namespace) -> int:
    """``kinerja audit REPORTS_DIR [--semua]``: 0 when every hidden cell holds, 1 otherwise,
    2 when the folder has no batch output."""
    out = Path(args.reports_dir)
    if not out.is_dir():
        print(f"Galat: folder keluaran {out} tidak ada.", file=sys.stderr)
        return 2
    summary, findings = audit_run(out)
    if summary["status"] == "tanpa_catatan":
        print(f"Tidak ada catatan angka terbit (ledger) di {out}: tidak ada yang diaudit.")
        return 2
    if summary["status"] != "lolos":
        print(failure_message(summary), file=sys.stderr)
        return 1
    print(
        f"Audit pengungkapan lolos: {summary['sel_tersembunyi_diuji']} sel tersembunyi diuji dari "
        f"{summary['sel_tercatat']} angka tercatat di {len(summary['berkas'])} berkas; tidak ada "
        f"yang dapat dipersempit di bawah ambang (k = {summary['k_pegawai']} pegawai)."
    )
    if getattr(args, "semua", False) and len(findings):
        cols = ["sel", "batas_bawah", "batas_atas", "kandidat", "syarat"]
        print(findings[cols].to_string(index=False))
    return 0
