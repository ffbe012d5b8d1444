"""The offline ``index.html`` of a batch (Indonesian; every value escaped).

Reports are grouped as an analyst looks for them: the city overview (Ringkasan kota), then
Dinas, Badan and other offices, Kecamatan, Kelurahan (from the ``jenis_opd`` column of the
``opd`` table, else from the name). Each row links the HTML report, the deck, the PDF and the
executed notebook; a failed report says why in Indonesian and, when the previous good report is
kept, links that one with its date. A search box (plain inline script, no CDN) filters the rows
by code or name. Dates are written in Indonesian (``3 Desember 2026 pukul 12.05``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

from kinerja.domain.months import BULAN
from kinerja.run.common import STATUS_FAILED, STATUS_OK, STATUS_UNFINISHED, STATUS_WAITING

_STATUS_LABEL = {
    STATUS_OK: "berhasil",
    STATUS_FAILED: "gagal",
    STATUS_UNFINISHED: "tidak selesai",
    STATUS_WAITING: "menunggu",
}

#: Index groups in page order: key → heading.
GROUPS = {
    "kota": "Ringkasan kota",
    "dinas": "Dinas, Badan dan perangkat daerah lain",
    "kecamatan": "Kecamatan",
    "kelurahan": "Kelurahan",
}
_LINKS = (
    ("html", "Laporan (HTML)"),
    ("slides", "Salindia"),
    ("pdf", "PDF"),
    ("ipynb", "Notebook"),
)


def _fmt_time(iso: object) -> str:
    """An ISO timestamp in Indonesian: ``3 Desember 2026 pukul 12.05`` (else the text)."""
    try:
        t = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return f"{t.day} {BULAN[t.month - 1]} {t.year} pukul {t.hour:02d}.{t.minute:02d}"


def group_of(kind: object, name: object) -> str:
    """The index group of an OPD (a key of :data:`GROUPS`) from its ``jenis_opd`` and name."""
    jenis = str(kind or "").strip().lower()
    if jenis in ("kecamatan", "kelurahan"):
        return jenis
    if not jenis or jenis in ("nan", "none", "<na>"):
        first = str(name or "").strip().split(" ", 1)[0].lower()
        if first in ("kecamatan", "kelurahan"):
            return first
    return "dinas"


def _links(files: Mapping[str, Any]) -> list[str]:
    esc = html.escape
    return [
        f'<a href="{esc(files[kind], quote=True)}">{label}</a>'
        for kind, label in _LINKS
        if isinstance(files.get(kind), str)
    ]


def _explain(r: Mapping[str, Any]) -> str:
    """Why a report failed, and what the reader sees instead (HTML, escaped)."""
    esc = html.escape
    status = r.get("status")
    parts: list[str] = []
    if status == STATUS_FAILED:
        parts.append(
            f"Laporan ini gagal dibuat: {esc(str(r.get('error') or 'sebab tidak tercatat'))}"
        )
    elif status == STATUS_UNFINISHED:
        parts.append(esc(str(r.get("error") or "Batch dihentikan sebelum laporan ini selesai.")))
    elif status == STATUS_WAITING:
        parts.append("Belum dijalankan.")
    elif r.get("pdf"):
        parts.append(esc(str(r["pdf"])))
    before = r.get("sebelumnya") or {}
    if status != STATUS_OK and before.get("files"):
        when = before.get("ended") or before.get("started")
        date = f" ({esc(_fmt_time(when))})" if when else ""
        parts.append(
            f"Laporan terakhir yang berhasil{date} tetap tersedia: "
            + " · ".join(_links(before["files"]))
        )
    failed_nb = (r.get("files") or {}).get("ipynb_gagal")
    if isinstance(failed_nb, str):
        parts.append(
            f'<a href="{esc(failed_nb, quote=True)}">Notebook yang gagal</a> '
            "(untuk analis: sel yang gagal terlihat di dalamnya)"
        )
    return "<br>".join(parts)


def render_index(
    manifest: dict[str, Any],
    names: Mapping[str, str | None],
    kinds: Mapping[str, str | None] | None = None,
    *,
    pantau: str | None = None,
) -> str:
    """The offline index page (Indonesian; every value escaped).

    ``pantau``: relative link of the monthly monitoring digest (``kinerja pantau --out``), shown
    when given.

    Parameters
    ----------
    manifest : dict
        The batch's manifest (:class:`kinerja.run.manifest.ManifestWriter`).
    names : mapping
        kode_opd → OPD name.
    kinds : mapping, optional
        kode_opd → ``jenis_opd`` (for the groups; the name decides when absent).
    """
    esc = html.escape
    kinds = kinds or {}
    params = manifest["parameters"]
    grouped: dict[str, list[str]] = {g: [] for g in GROUPS}
    for r in manifest["notebooks"]:
        code = r.get("kode_opd")
        name = (names.get(code) or "") if code else "Ringkasan Kota Salatiga"
        group = "kota" if r.get("kind") == "kota" else group_of(kinds.get(code or ""), name)
        dur = r.get("duration_s")
        links = _links(r.get("files") or {}) if r.get("status") == STATUS_OK else []
        search = f"{code or ''} {name}".lower()
        grouped[group].append(
            '<tr class="{cls}" data-cari="{search}"><td>{code}</td><td>{name}</td>'
            "<td>{status}</td><td>{dur}</td><td>{links}</td><td>{err}</td></tr>".format(
                cls="ok" if r["status"] == STATUS_OK else "gagal",
                search=esc(search, quote=True),
                code=esc(code or "—"),
                name=esc(name),
                status=esc(_STATUS_LABEL.get(r["status"], r["status"])),
                dur=(f"{dur:.1f} dtk".replace(".", ",") if dur is not None else "—"),
                links=" · ".join(links) or "—",
                err=_explain(r),
            )
        )
    sections = []
    for key, heading in GROUPS.items():
        rows = grouped[key]
        if not rows:
            continue
        sections.append(
            f'<section class="kelompok"><h2>{esc(heading)} <span class="jumlah">'
            f"({len(rows)} laporan)</span></h2>\n<table>\n<thead><tr><th>Kode OPD</th>"
            "<th>Nama</th><th>Status</th><th>Durasi</th><th>Berkas</th><th>Keterangan</th>"
            f"</tr></thead>\n<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table></section>"
        )
    summary = manifest["summary"]
    banner = ""
    if params.get("audience") == "internal":
        banner = (
            '<p class="rahasia">RAHASIA — hanya untuk internal OPD masing-masing. '
            "Jangan diteruskan ke forum.</p>"
        )
    rekap = manifest.get("rekap") or {}
    if rekap.get("status") == STATUS_OK:
        rekap_html = '<p><a href="rekap.xlsx">Rekap forum (Excel)</a></p>'
    elif rekap.get("status") == STATUS_FAILED:
        rekap_html = (
            '<p class="peringatan">Rekap forum (rekap.xlsx) tidak dibuat: '
            f"{esc(str(rekap.get('error') or ''))}"
            + (
                "; berkas rekap lama dihapus agar tidak dikira rekap periode ini"
                if rekap.get("berkas_lama_dihapus")
                else ""
            )
            + ".</p>"
        )
    else:
        rekap_html = ""
    pdf = manifest.get("pdf") or {}
    pdf_html = (
        f'<p class="peringatan">PDF tidak dibuat: {esc(str(pdf.get("alasan") or ""))}</p>'
        if pdf.get("status") == "tidak dibuat"
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
body {{ font-family: system-ui, sans-serif; max-width: 1150px; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; table-layout: fixed; }}
th:nth-child(1) {{ width: 11%; }} th:nth-child(2) {{ width: 22%; }} th:nth-child(3) {{ width: 8%; }}
th:nth-child(4) {{ width: 8%; }} th:nth-child(5) {{ width: 19%; }}
td {{ overflow-wrap: anywhere; }}
td:nth-child(4) {{ white-space: nowrap; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
tr.gagal td {{ background: #fff1f0; }}
h2 {{ font-size: 1.2rem; margin-top: 1.6rem; color: #1f3b57; }}
h2 .jumlah {{ font-weight: normal; color: #666; font-size: .9rem; }}
.rahasia {{ background: #b00020; color: #fff; padding: .6rem; font-weight: bold; }}
.peringatan {{ background: #fff4e5; border-left: 4px solid #e08a00; padding: .5rem .7rem; }}
.ringkas {{ color: #555; }}
#cari {{ font-size: 1rem; padding: .4rem .6rem; width: 22rem; max-width: 100%; }}
</style>
</head>
<body>
<h1>Laporan kinerja OPD Kota Salatiga</h1>
{banner}
<p class="ringkas">Periode {esc(str(params.get("periode")))} · audiens {esc(str(params.get("audience")))}
· status batch: {esc(status_text)} · mulai {esc(_fmt_time(manifest.get("started")))}</p>
<p>{summary["ok"]} berhasil, {summary["gagal"]} gagal, {summary["tidak_selesai"]} belum/tidak selesai
dari {summary["total"]} laporan.</p>
{"".join(f"<p>Catatan: {esc(str(n))}</p>" for n in params.get("periode_catatan") or [])}
{rekap_html}
{f'<p><a href="{esc(pantau, quote=True)}">Pemantauan bulanan (sinyal dini)</a></p>' if pantau else ""}
{pdf_html}
<p><label for="cari">Cari OPD (kode atau nama): </label>
<input id="cari" type="search" placeholder="mis. DPMPTSP atau kelurahan" autocomplete="off"></p>
<p id="kosong" class="ringkas" hidden>Tidak ada laporan yang cocok.</p>
{chr(10).join(sections)}
<p class="ringkas">Rincian (parameter, sidik SHA-256 berkas masukan, versi paket):
<a href="manifest.json">manifest.json</a></p>
<script>
(function () {{
  var box = document.getElementById("cari");
  var none = document.getElementById("kosong");
  box.addEventListener("input", function () {{
    var q = box.value.trim().toLowerCase(), shown = 0;
    document.querySelectorAll("section.kelompok").forEach(function (sec) {{
      var visible = 0;
      sec.querySelectorAll("tbody tr").forEach(function (tr) {{
        var hit = !q || tr.getAttribute("data-cari").indexOf(q) !== -1;
        tr.hidden = !hit;
        if (hit) visible++;
      }});
      sec.hidden = visible === 0;
      shown += visible;
    }});
    none.hidden = shown > 0;
  }});
}})();
</script>
</body>
</html>
"""


__all__ = [
    "GROUPS",
    "group_of",
    "render_index",
]
