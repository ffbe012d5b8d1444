"""Who may drive ``kinerja app``: loopback Host names only, and a cap on live kernels.

Why
---
The server listens on 127.0.0.1 only, but a web page on any site can still reach it through the
user's own browser: with *DNS rebinding* an attacker's name (``evil.example``) first resolves to
the attacker and then to 127.0.0.1, so the page's scripts talk to the forms as same-origin. The
``Host`` header of such a request still names the attacker's domain, so every request whose
``Host`` is not a loopback name (:data:`LOOPBACK_NAMES`) is refused with 403 before any handler
runs. Every page view starts a Python kernel of about 240 MB; without a cap, 31 requests gave 47
kernels and +2 GB. :class:`KernelSlots` admits a page only while the server holds fewer than
``max_kernels`` kernels (pre-heated ones included); the others get a polite Indonesian page
(:func:`full_page`) and no kernel is started.

This module is pure policy (no tornado, no Voila): the handlers that apply it live in
:mod:`kinerja.serve.handlers`, which only the server process imports.
"""

from __future__ import annotations

import html
import ipaddress
import threading
from collections.abc import Iterable
from typing import Any

#: The only ``Host`` names the server answers (with or without a port).
LOOPBACK_NAMES: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")

#: Default cap on live kernels (page kernels and pre-heated ones together).
DEFAULT_MAX_KERNELS = 8

#: Seconds a browser is asked to wait before trying again when the server is full.
RETRY_AFTER = 60


def host_name(host_header: str | None) -> str:
    """The name part of a ``Host`` header, lower case, without port or IPv6 brackets.

    ``"LOCALHOST:8866"`` → ``"localhost"``; ``"[::1]:8866"`` → ``"::1"``; ``""`` for a missing
    or malformed header.
    """
    h = (host_header or "").strip().lower()
    if not h:
        return ""
    if h.startswith("["):
        end = h.find("]")
        if end < 0:
            return ""
        rest = h[end + 1 :]
        if rest and not (rest.startswith(":") and rest[1:].isdigit()):
            return ""
        return h[1:end]
    if h.count(":") == 1:
        name, port = h.split(":")
        if not port.isdigit():
            return ""
        return name
    if h.count(":") > 1:  # a bare IPv6 address (no brackets, so no port)
        return h
    return h


def host_allowed(host_header: str | None, allowed: Iterable[str] = LOOPBACK_NAMES) -> bool:
    """True when the ``Host`` header names this machine by a loopback name.

    Only the exact names in ``allowed`` pass (``localhost``, ``127.0.0.1``, ``::1``; any port);
    ``evil.example``, ``localhost.evil.example``, ``127.0.0.1.nip.io``, an empty header and
    other loopback spellings (``127.1``, ``0x7f.1``) are refused.
    """
    name = host_name(host_header)
    if not name:
        return False
    names = {n.lower() for n in allowed}
    if name in names:
        return True
    try:  # "0:0:0:0:0:0:0:1" is ::1 written out
        return str(ipaddress.ip_address(name)) in names and ":" in name
    except ValueError:
        return False


class KernelSlots:
    """Admission of page views under a cap on live kernels.

    A page view that would start (or take and refill) a kernel first reserves a slot
    (:meth:`reserve`); it is admitted only when the kernels the server holds -- running ones,
    pre-heated ones still starting, and reservations of page views whose kernel does not exist
    yet -- leave room for one more. The reservation is released once the view's kernel is
    counted by the kernel manager (:meth:`release`), or when the view ends.

    Parameters
    ----------
    max_kernels : int
        The cap (at least 1).
    """

    def __init__(self, max_kernels: int = DEFAULT_MAX_KERNELS) -> None:
        if int(max_kernels) < 1:
            raise ValueError("batas kernel minimal 1")
        self.max_kernels = int(max_kernels)
        self._lock = threading.Lock()
        self._open: set[int] = set()
        self._next = 0
        #: page views refused because the server was full (for the log and the tests)
        self.refused = 0

    @staticmethod
    def kernels_held(kernel_manager: Any) -> int:
        """Kernels ``kernel_manager`` holds: running ones plus pre-heated ones still starting.

        Voila's pooling manager keeps pre-heated kernels as tasks in ``_pools`` (voila 0.5);
        a task not done yet is a kernel on its way (its delay, its start, its notebook).
        """
        try:
            running = len(list(kernel_manager.list_kernel_ids()))
        except Exception:
            running = 0
        starting = 0
        pools = getattr(kernel_manager, "_pools", None)
        if isinstance(pools, dict):
            for pool in pools.values():
                starting += sum(1 for task in list(pool) if not _done(task))
        return running + starting

    def in_use(self, kernel_manager: Any) -> int:
        """Kernels held plus open reservations."""
        with self._lock:
            return self.kernels_held(kernel_manager) + len(self._open)

    def reserve(self, kernel_manager: Any) -> int | None:
        """A reservation number, or ``None`` when the server is full (nothing is started)."""
        with self._lock:
            if self.kernels_held(kernel_manager) + len(self._open) + 1 > self.max_kernels:
                self.refused += 1
                return None
            self._next += 1
            self._open.add(self._next)
            return self._next

    def release(self, reservation: int | None) -> None:
        """Release a reservation (idempotent; ``None`` is ignored)."""
        if reservation is None:
            return
        with self._lock:
            self._open.discard(reservation)


def _done(task: Any) -> bool:
    done = getattr(task, "done", None)
    try:
        return bool(done()) if callable(done) else True
    except Exception:
        return True


PAGE_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
    "margin:0;background:#f6f7f9;color:#1f2933}"
    "main{max-width:44rem;margin:3rem auto;padding:2rem 2.25rem;background:#fff;"
    "border:1px solid #d9dee5;border-radius:8px}"
    "h1{font-size:1.4rem;margin:0 0 1rem}p{line-height:1.55}a{color:#0b5cad}"
)


def simple_page(title: str, paragraphs: Iterable[str], *, refresh: int | None = None) -> str:
    """A small self-contained Indonesian HTML page (no external resource; text escaped)."""
    meta = f'<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{meta}<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head>"
        f'<body><main><h1>{html.escape(title)}</h1>{body}<p><a href="/">Kembali ke daftar '
        "formulir</a></p></main></body></html>"
    )


def full_page(max_kernels: int) -> str:
    """The page shown instead of a form when :class:`KernelSlots` is full."""
    return simple_page(
        "Server formulir sedang penuh",
        [
            "Mohon maaf, server formulir sedang menjalankan jumlah kernel terbanyak yang "
            f"diizinkan ({max_kernels} sekaligus, termasuk kernel yang disiapkan lebih dulu) "
            "agar memori komputer cukup. Formulir Anda belum dibuka.",
            "Tutup tab formulir yang tidak dipakai lagi, lalu muat ulang halaman ini; atau "
            f"tunggu sebentar — halaman ini mencoba lagi sendiri setiap {RETRY_AFTER} detik.",
        ],
        refresh=RETRY_AFTER,
    )


def forbidden_host_page() -> str:
    """The page of a request whose ``Host`` is not a loopback name."""
    return simple_page(
        "Akses ditolak",
        [
            "Server formulir kinerja hanya melayani alamat komputer ini sendiri "
            "(http://127.0.0.1 atau http://localhost). Permintaan dengan nama host lain ditolak "
            "untuk mencegah situs lain memakai peramban Anda untuk membuka formulir ini."
        ],
    )


__all__ = [
    "DEFAULT_MAX_KERNELS",
    "LOOPBACK_NAMES",
    "RETRY_AFTER",
    "KernelSlots",
    "forbidden_host_page",
    "full_page",
    "host_allowed",
    "host_name",
    "simple_page",
]
