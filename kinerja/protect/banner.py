"""The visible banner that every ``internal`` output shows at the top."""

from __future__ import annotations

import html


def internal_banner(kode_opd: str, nama_opd: str | None = None) -> str:
    """Plain-text banner that every internal output must show at the top.

    Parameters
    ----------
    kode_opd
        Code of the one OPD whose people the output lists.
    nama_opd
        Its name; the code is used when absent.

    Returns
    -------
    str
        Two sentences: ``"RAHASIA — hanya untuk internal OPD <nama> (<kode>)."`` and a short note on
        handling. Escape it (or use :func:`internal_banner_html`) when rendering as HTML.
    """
    kode = str(kode_opd).strip()
    if not kode:
        raise ValueError("Kode OPD untuk laporan internal tidak boleh kosong.")
    nama = (nama_opd or "").strip() or kode
    label = nama if nama == kode else f"{nama} ({kode})"
    return (
        f"RAHASIA — hanya untuk internal OPD {label}. "
        "Memuat data pribadi pegawai OPD ini (UU 27/2022; hasil penilaian ASN adalah informasi "
        "yang dikecualikan menurut UU 14/2008 Pasal 17 huruf h). Jangan diteruskan ke forum, "
        "grup pesan, atau pihak di luar OPD; hapus salinan setelah tindak lanjut selesai."
    )


def internal_banner_html(kode_opd: str, nama_opd: str | None = None) -> str:
    """:func:`internal_banner` as an escaped, visibly styled HTML block."""
    text = internal_banner(kode_opd, nama_opd)
    head, _, rest = text.partition(". ")
    return (
        '<div class="kinerja-rahasia" role="alert" style="border:3px solid #b00020;'
        "background:#fdecea;color:#7f0015;padding:0.6em 1em;margin:0 0 1em 0;"
        'font-weight:600">'
        f'<div style="font-size:1.2em">{html.escape(head)}.</div>'
        f'<div style="font-weight:400">{html.escape(rest)}</div></div>'
    )
