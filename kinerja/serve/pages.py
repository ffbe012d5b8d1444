"""Indonesian pages for everything else a browser can reach on ``kinerja app``.

Voila and jupyter_server answer some requests with their own English pages: the token login
form (``/login``, where a request without a valid token or cookie is sent when ``--token`` is
given), the logout page, tornado's plain "404: Not Found" / "403: Forbidden", Voila's own 404
page (which also loads Voila's JavaScript) and an empty 500 (``/logout`` without a token). This
module writes their Indonesian replacements: small self-contained pages (inline CSS, no script,
no external request; every text escaped), built on :func:`kinerja.serve.guard.simple_page`.
:mod:`kinerja.serve.handlers` puts them in place (a login handler, a logout handler and an output
transform that replaces the body of every HTML error response).

Pure HTML: no tornado, no Voila.
"""

from __future__ import annotations

import html

from kinerja.serve.guard import PAGE_CSS, simple_page

#: Marker every page of kinerja starts with (an error response that already carries an
#: Indonesian page -- the kernel cap's 503, the Host check's 403 -- is left as it is).
PAGE_PREFIX = '<!DOCTYPE html><html lang="id">'

#: Title and explanation of an error page, per HTTP status.
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: (
        "Permintaan tidak sah",
        "Server tidak dapat memahami permintaan ini. Buka formulir lagi dari daftar formulir.",
    ),
    401: (
        "Perlu masuk",
        "Halaman ini hanya dapat dibuka dengan token server formulir. Buka alamat lengkap "
        "yang ditampilkan saat server dijalankan (berakhiran ?token=...).",
    ),
    403: (
        "Akses ditolak",
        "Permintaan ini tidak diizinkan oleh server formulir (berkas yang tidak boleh diunduh, "
        "atau sesi peramban yang sudah kedaluwarsa). Muat ulang halaman atau buka formulir "
        "lagi dari daftar formulir.",
    ),
    404: (
        "Halaman tidak ditemukan",
        "Alamat ini tidak ada di server formulir. Periksa alamatnya, atau pilih formulir "
        "dari daftar formulir.",
    ),
    405: (
        "Permintaan tidak diizinkan",
        "Cara permintaan ini tidak didukung oleh halaman tersebut.",
    ),
}

#: For any other status of 500 and above.
SERVER_ERROR = (
    "Terjadi kesalahan di server",
    "Server formulir tidak dapat menyelesaikan permintaan ini. Coba lagi sebentar lagi; bila "
    "tetap gagal, hentikan server (Ctrl-C) dan jalankan lagi.",
)

#: For any other status of 400 and above.
CLIENT_ERROR = (
    "Permintaan tidak dapat dilayani",
    "Server formulir tidak dapat melayani permintaan ini. Buka formulir lagi dari daftar formulir.",
)


def error_texts(status: int) -> tuple[str, str]:
    """Title and sentence of the Indonesian page for HTTP ``status`` (400 and above)."""
    if status in ERROR_TEXTS:
        return ERROR_TEXTS[status]
    return SERVER_ERROR if status >= 500 else CLIENT_ERROR


def error_page(status: int) -> str:
    """The Indonesian page of an error response with HTTP ``status``."""
    title, sentence = error_texts(int(status))
    return simple_page(title, [sentence, f"(Kode galat HTTP {int(status)}.)"])


def login_page(*, action: str, xsrf_field: str, failed: bool = False) -> str:
    """The token form of a server started with ``--token``.

    Parameters
    ----------
    action : str
        Where the form posts (``/login?next=...``); escaped here.
    xsrf_field : str
        The hidden ``_xsrf`` input tornado made (``RequestHandler.xsrf_form_html``), inserted
        as it is: it is tornado's own escaped HTML.
    failed : bool
        A wrong token was entered (the page then says so).
    """
    note = (
        '<p class="kinerja-galat" role="alert"><b>Token salah.</b> Periksa lagi token yang '
        "ditampilkan saat server dijalankan.</p>"
        if failed
        else ""
    )
    css = (
        PAGE_CSS
        + "label{display:block;font-weight:600;margin:.5rem 0 .3rem}"
        + "input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;"
        + "border:1px solid #9aa5b1;border-radius:4px}"
        + "button{margin-top:1rem;padding:.5rem 1.25rem;font-size:1rem;background:#0b5cad;"
        + "color:#fff;border:0;border-radius:4px;cursor:pointer}"
        + ".kinerja-galat{color:#a61b1b}"
    )
    return (
        f'{PAGE_PREFIX}<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # the server's Referrer-Policy is no-referrer, under which Chromium sends the form's
        # POST with "Origin: null" and jupyter_server refuses it; same-origin keeps it private
        '<meta name="referrer" content="same-origin">'
        '<title>Masuk ke formulir evaluasi kinerja</title><link rel="icon" href="data:,">'
        f"<style>{css}</style></head><body><main>"
        "<h1>Masuk ke formulir evaluasi kinerja</h1>"
        "<p>Server formulir ini dijalankan dengan token (<code>--token</code>), karena komputer "
        "ini dipakai bersama. Masukkan token yang ditampilkan saat server dijalankan, atau buka "
        "alamat lengkap berakhiran <code>?token=...</code>.</p>"
        f"{note}"
        f'<form method="post" action="{html.escape(action, quote=True)}">{xsrf_field}'
        '<label for="password">Token</label>'
        '<input type="password" id="password" name="password" autocomplete="off" autofocus>'
        '<button type="submit">Masuk</button></form></main></body></html>'
    )


def logout_page(auth_enabled: bool) -> str:
    """The page after ``/logout`` (the login cookie has been cleared)."""
    if auth_enabled:
        return simple_page(
            "Anda sudah keluar",
            [
                "Sesi peramban ini tidak lagi terhubung ke server formulir. Untuk membuka "
                "formulir lagi, masukkan token server."
            ],
        )
    return simple_page(
        "Tidak ada sesi untuk diakhiri",
        [
            "Server formulir ini berjalan tanpa token, jadi tidak ada sesi masuk yang perlu diakhiri."
        ],
    )


__all__ = [
    "CLIENT_ERROR",
    "ERROR_TEXTS",
    "PAGE_PREFIX",
    "SERVER_ERROR",
    "error_page",
    "error_texts",
    "login_page",
    "logout_page",
]
