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
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from kinerja.domain.audience import K_PEGAWAI, K_RESPONDEN
from kinerja.protect import Ledger, LedgerConflict, audit_ledger, audit_summary, cell_key

__all__ = [
    "audit_run",
    "cli_audit",
    "collect_ledger",
    "failure_message",
    "html_mismatches",
    "rekap_ledger",
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


def rekap_ledger(path: Path, *, k_pegawai: int = K_PEGAWAI) -> Ledger:
    """The protected counts ``rekap.xlsx`` publishes, as a ledger (empty cell = hidden).

    SKP: one count per OPD × predikat, their sum being the OPD's "pegawai dinilai" (published by
    the OPD report). Training: employees per OPD (hidden below k) and those meeting the JP target,
    the last JP band of the report (``jp/<kode>/<year>/20 JP atau lebih``).
    """
    ledger = Ledger()
    src = f"rekap: {path.name}"
    try:
        sheets = pd.read_excel(path, sheet_name=None)
    except (OSError, ValueError):
        return ledger
    skp = sheets.get("skp")
    jp = sheets.get("pelatihan")
    # a sheet the audit cannot read is a failure, not a silent pass
    for name, sheet, cols in (
        ("skp", skp, {"kode_opd", "periode", "predikat", "jumlah"}),
        ("pelatihan", jp, {"kode_opd", "n_pegawai", "n_memenuhi"}),
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
    year = None
    notes = sheets.get("Keterangan")
    if notes is not None and "periode" in notes.columns and len(notes):
        year = str(notes["periode"].iloc[0])[:4]
    elif skp is not None and "periode" in skp.columns and len(skp):
        year = str(skp["periode"].iloc[0])[:4]
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
    return ledger


class _Rows(HTMLParser):
    """Every table row of an HTML page as a tuple of its cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: set[tuple[str, ...]] = set()
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.add(tuple(self._row))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


#: ledger streams whose cells are table rows "<category> | <count>" in the OPD report's HTML
_ROW_STREAMS = {"skp": "Predikat Kinerja Pegawai", "jp": "Pengembangan Kompetensi"}


def html_mismatches(html_text: str, ledger: dict[str, Any]) -> list[str]:
    """Cells of a report's ledger whose row is not in its HTML as recorded (shown value or ``*``).

    Only rows of the SKP distribution and of the JP bands are compared (``<category> | <count>``).
    """
    from kinerja.report.formatting import fmt_int

    parser = _Rows()
    parser.feed(html_text)
    starts = {r[:2] for r in parser.rows if len(r) >= 2}
    wrong = []
    for key, cell in (ledger.get("sel") or {}).items():
        stream, _kode, _per, category = key.split("/", 3)
        sources = " ".join(cell.get("sumber") or [])
        if category == "Jumlah" or _ROW_STREAMS.get(stream, "\0") not in sources:
            continue
        shown = "*" if cell.get("tersembunyi") else fmt_int(cell.get("nilai"))
        if (category, shown) not in starts:
            wrong.append(f"{key}: HTML tidak menampilkan '{category} | {shown}'")
    return wrong


def collect_ledger(out_dir: str | Path, *, k_pegawai: int = K_PEGAWAI) -> tuple[Ledger, list[str]]:
    """Every published fact of the run in ``out_dir``: (combined ledger, files read).

    Raises
    ------
    LedgerConflict
        Two outputs publish different numbers for the same quantity.
    """
    out = Path(out_dir)
    ledger = Ledger()
    files: list[str] = []
    mismatches: list[str] = []
    for path in sorted([*out.glob("opd/*.ipynb"), *out.glob("kota/*.ipynb")]):
        parts = _notebook_ledgers(path)
        if parts:
            files.append(path.relative_to(out).as_posix())
        html = path.with_suffix(".html")
        for part in parts:
            ledger.merge(part)
            if html.is_file():  # the page shows what the ledger says it shows
                mismatches += html_mismatches(html.read_text(encoding="utf-8"), part)
    if mismatches:
        raise LedgerConflict(
            "angka di HTML tidak sama dengan catatan angka terbit: " + "; ".join(mismatches[:10])
        )
    rekap = out / "rekap.xlsx"
    if rekap.is_file():
        ledger.merge(rekap_ledger(rekap, k_pegawai=k_pegawai))
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
    try:
        ledger, files = collect_ledger(out, k_pegawai=k_peg)
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
    summary.update(
        berkas=files,
        sel_tercatat=len(ledger.cells),
        k_pegawai=k_peg,
        k_responden=k_resp,
        aturan="docs/privasi.md §5",
    )
    if not files:  # e.g. notebooks that publish no protected table: nothing to attack
        summary.update(status="tanpa_catatan")
    return summary, findings


def failure_message(summary: dict[str, Any]) -> str:
    """The Indonesian explanation printed when the audit fails."""
    lines = [
        f"Audit pengungkapan GAGAL: {summary.get('sel_gagal', 0)} sel tersembunyi dapat "
        "dipersempit oleh pembaca dari angka yang diterbitkan (aturan: docs/privasi.md §5).",
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
