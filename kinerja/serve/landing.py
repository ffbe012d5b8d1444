"""The Indonesian landing page of ``kinerja app`` at ``/``: the forms, one line each.

Replaces Voila's stock English file list (which also loads a font from a CDN): a self-contained
page (inline CSS, no script, no external request) listing every form of the section registry
(``NotebookSpec.form``) with its title, a one-line description and its link.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kinerja.report.registry import NOTEBOOKS

#: One line per form: what a colleague finds there (Indonesian, plain language).
FORM_DESCRIPTIONS: Mapping[str, str] = {
    "laporan_opd": (
        "Laporan satu perangkat daerah: kepuasan masyarakat (IKM), predikat kinerja pegawai, "
        "laporan harian, waktu layanan, pengaduan, pelatihan dan tindak lanjut."
    ),
    "penjelajah_hambatan": (
        "Jelajahi satu layanan: berapa lama tiap tahap, di mana permohonan tertahan, dan "
        "bagaimana alurnya; pilih OPD, jenis layanan dan periode."
    ),
    "ringkasan_kota": (
        "Semua perangkat daerah Kota Salatiga berdampingan untuk satu periode: IKM, ketepatan "
        "waktu layanan, pengaduan dan pelatihan."
    ),
    "pantau_bulanan": (
        "Pemantauan satu bulan untuk satu perangkat daerah: sinyal dini yang perlu diperhatikan "
        "sebelum forum evaluasi berikutnya."
    ),
}

#: Shown for a form without an entry above (a new form added to the registry).
DEFAULT_DESCRIPTION = "Formulir interaktif atas data evaluasi kinerja."


@dataclass(frozen=True)
class FormLink:
    """One entry of the landing page."""

    name: str
    title: str
    description: str
    href: str


def form_links(names: Sequence[str] | None = None, *, base_url: str = "/") -> list[FormLink]:
    """The landing page's entries: every form of the registry (or ``names``), in registry order."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    wanted = [n for n, spec in NOTEBOOKS.items() if spec.form]
    if names is not None:
        wanted = [n for n in wanted if n in set(names)]
    return [
        FormLink(
            name=n,
            title=NOTEBOOKS[n].title,
            description=FORM_DESCRIPTIONS.get(n, DEFAULT_DESCRIPTION),
            href=f"{base}voila/render/{n}.ipynb",
        )
        for n in wanted
    ]


_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:0;"
    "background:#f6f7f9;color:#1f2933}"
    "header{background:#17324d;color:#fff;padding:1.5rem 2rem}"
    "header h1{margin:0;font-size:1.5rem}header p{margin:.4rem 0 0;opacity:.85}"
    "main{max-width:52rem;margin:1.5rem auto;padding:0 1.25rem}"
    "ul{list-style:none;padding:0;margin:0}"
    "li{background:#fff;border:1px solid #d9dee5;border-radius:8px;margin:0 0 .9rem;"
    "padding:1rem 1.25rem}"
    "li a{font-size:1.15rem;font-weight:600;color:#0b5cad;text-decoration:none}"
    "li a:hover,li a:focus{text-decoration:underline}"
    "li p{margin:.35rem 0 0;line-height:1.5}"
    "footer{max-width:52rem;margin:0 auto 2rem;padding:0 1.25rem;font-size:.9rem;color:#52606d}"
    "code{background:#eef1f4;padding:0 .25rem;border-radius:3px}"
)


def landing_page(links: Sequence[FormLink]) -> str:
    """The HTML of ``/`` (Indonesian; every text escaped; no external resource)."""
    items = "".join(
        f'<li class="kinerja-formulir-item"><a href="{html.escape(link.href, quote=True)}">'
        f"{html.escape(link.title)}</a><p>{html.escape(link.description)}</p></li>"
        for link in links
    )
    if not items:
        items = "<li><p>Belum ada formulir yang dapat dibuka.</p></li>"
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Formulir evaluasi kinerja</title>"
        f'<link rel="icon" href="data:,"><style>{_CSS}</style></head><body>'
        "<header><h1>Formulir evaluasi kinerja</h1>"
        "<p>Pilih formulir. Setiap formulir hanya menampilkan angka agregat (audiens forum); "
        "kelompok kecil disamarkan.</p></header>"
        f'<main><ul class="kinerja-daftar-formulir">{items}</ul></main>'
        "<footer><p>Alamat halaman formulir selalu mengikuti pilihan di layar: salin alamatnya "
        "untuk membuka tampilan yang sama lagi. Tutup tab formulir yang tidak dipakai agar "
        "server tidak penuh.</p></footer></body></html>"
    )


__all__ = [
    "DEFAULT_DESCRIPTION",
    "FORM_DESCRIPTIONS",
    "FormLink",
    "form_links",
    "landing_page",
]
