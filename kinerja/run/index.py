"""The offline ``index.html`` of a batch (Indonesian; every value escaped)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from kinerja.run.common import STATUS_FAILED, STATUS_OK, STATUS_UNFINISHED, STATUS_WAITING

_STATUS_LABEL = {
    STATUS_OK: "berhasil",
    STATUS_FAILED: "gagal",
    STATUS_UNFINISHED: "tidak selesai",
    STATUS_WAITING: "menunggu",
}


def _fmt_time(iso: object) -> str:
    try:
        return dt.datetime.fromisoformat(str(iso)).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return str(iso)


def render_index(manifest: dict[str, Any], names: dict[str, str | None]) -> str:
    """The offline index page (Indonesian; every value escaped)."""
    esc = html.escape
    params = manifest["parameters"]
    rows = []
    ordered = sorted(manifest["notebooks"], key=lambda r: r.get("kind") != "kota")
    for r in ordered:
        files = r.get("files") or {}
        links = []
        for kind, label in (("html", "Laporan"), ("slides", "Salindia"), ("ipynb", "Notebook")):
            if kind in files:
                links.append(f'<a href="{esc(files[kind], quote=True)}">{label}</a>')
        dur = r.get("duration_s")
        code = r.get("kode_opd")
        rows.append(
            '<tr class="{cls}"><td>{code}</td><td>{name}</td><td>{status}</td><td>{dur}</td>'
            "<td>{links}</td><td>{err}</td></tr>".format(
                cls="ok" if r["status"] == STATUS_OK else "gagal",
                code=esc(code or "—"),
                name=esc(names.get(code) or "" if code else "Ringkasan Kota Salatiga"),
                status=esc(_STATUS_LABEL.get(r["status"], r["status"])),
                dur=(f"{dur:.1f} dtk".replace(".", ",") if dur is not None else "—"),
                links=" · ".join(links) or "—",
                err=esc(r.get("error") or ""),
            )
        )
    summary = manifest["summary"]
    banner = ""
    if params.get("audience") == "internal":
        banner = (
            '<p class="rahasia">RAHASIA — hanya untuk internal OPD masing-masing. '
            "Jangan diteruskan ke forum.</p>"
        )
    rekap = manifest.get("rekap") or {}
    rekap_html = (
        '<p><a href="rekap.xlsx">Rekap forum (Excel)</a></p>'
        if rekap.get("status") == STATUS_OK
        else ""
    )
    status_text = {
        "berjalan": "sedang berjalan",
        "selesai": "selesai",
        "dihentikan": "dihentikan sebelum selesai",
    }.get(manifest["status"], manifest["status"])
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan kinerja OPD — {esc(str(params.get("periode")))}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td:nth-child(4) {{ white-space: nowrap; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
tr.gagal td {{ background: #fff1f0; }}
.rahasia {{ background: #b00020; color: #fff; padding: .6rem; font-weight: bold; }}
.ringkas {{ color: #555; }}
</style>
</head>
<body>
<h1>Laporan kinerja OPD Kota Salatiga</h1>
{banner}
<p class="ringkas">Periode {esc(str(params.get("periode")))} · audiens {esc(str(params.get("audience")))}
· status batch: {esc(status_text)} · mulai {esc(_fmt_time(manifest.get("started")))}</p>
<p>{summary["ok"]} berhasil, {summary["gagal"]} gagal, {summary["tidak_selesai"]} belum/tidak selesai
dari {summary["total"]} laporan.</p>
{rekap_html}
<table>
<thead><tr><th>Kode OPD</th><th>Nama</th><th>Status</th><th>Durasi</th><th>Berkas</th><th>Keterangan</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p class="ringkas">Rincian (parameter, sidik SHA-256 berkas masukan, versi paket):
<a href="manifest.json">manifest.json</a></p>
</body>
</html>
"""


__all__ = [
    "render_index",
]
