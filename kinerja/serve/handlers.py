"""The tornado side of ``kinerja app`` (imported by the Voila server process only).

* :func:`install_host_check` -- every request whose ``Host`` is not a loopback name gets 403 with
  an Indonesian page before any handler runs (static files and websockets included; DNS
  rebinding, :mod:`kinerja.serve.guard`);
* :class:`KinerjaVoilaHandler` -- Voila's page handler with the kernel cap
  (:class:`~kinerja.serve.guard.KernelSlots`: a full server answers 503 with a polite page and
  starts nothing), no request to a CDN (external stylesheet links removed from the page), and the
  small script that keeps the address bar in step with the form (:data:`URL_SYNC_SCRIPT`);
* :class:`LandingHandler` -- the Indonesian list of forms at ``/`` (:mod:`kinerja.serve.landing`);
* :func:`kinerja_handlers` -- Voila's handler table with those replacements;
* :func:`track_kernel_starts` -- releases a page's reservation once its kernel is counted.

Origin and XSRF checks stay Voila's/jupyter_server's own (websockets must come from the page's
own origin; POSTs carry the ``_xsrf`` cookie, :mod:`kinerja.compat.voila`).
"""

from __future__ import annotations

import contextvars
import functools
import logging
import re
from collections.abc import Sequence
from typing import Any

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from kinerja.serve.guard import (
    RETRY_AFTER,
    KernelSlots,
    forbidden_host_page,
    full_page,
    host_allowed,
)
from kinerja.serve.landing import form_links, landing_page
from kinerja.serve.preview import PREVIEW_CSS, inject_preview

log = logging.getLogger(__name__)

#: The reservation of the page view being served (read by the wrapped kernel-manager methods).
_RESERVATION: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "kinerja_reservation", default=None
)

#: Stylesheet links to other hosts (Voila's lab template loads Font Awesome from jsDelivr).
_EXTERNAL_LINK = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*", re.IGNORECASE
)

#: Keeps the address bar in step with the form: the form writes its selection as a query string
#: into ``.kinerja-url[data-query]`` (:class:`kinerja.serve.form.Form`); on every change the
#: page replaces its URL (history.replaceState, no reload), so a copied link opens the same view.
URL_SYNC_SCRIPT = """<script>
(function () {
  var last = null;
  function sync() {
    var el = document.querySelector('.kinerja-url[data-query]');
    if (!el) { return; }
    var q = el.getAttribute('data-query');
    if (q === last) { return; }
    var first = last === null;
    last = q;
    if (first && el.getAttribute('data-awal') === '1') { return; }
    var url = window.location.pathname + (q ? '?' + q : '') + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, '', url);
    }
  }
  new MutationObserver(sync).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-query']
  });
})();
</script>
"""


def _write_page(handler: tornado.web.RequestHandler, status: int, body: str) -> None:
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(body)


class _ForbiddenHostHandler(tornado.web.RequestHandler):
    """403 for a request whose ``Host`` is not a loopback name (any method)."""

    def prepare(self) -> None:
        log.warning("Permintaan dengan Host %r ditolak (403)", self.request.host)
        _write_page(self, 403, forbidden_host_page())


def install_host_check(app: tornado.web.Application) -> None:
    """Route every request with a non-loopback ``Host`` to a 403 page (idempotent)."""
    if getattr(app, "_kinerja_host_check", False):
        return
    original = app.find_handler

    def find_handler(request: Any, **kwargs: Any) -> Any:
        if not host_allowed(request.headers.get("Host")):
            return app.get_handler_delegate(request, _ForbiddenHostHandler)
        return original(request, **kwargs)

    app.find_handler = find_handler  # type: ignore[method-assign]
    app._kinerja_host_check = True  # type: ignore[attr-defined]


def strip_external_links(chunk: str) -> str:
    """``chunk`` without ``<link>`` tags to other hosts (no request leaves 127.0.0.1)."""
    return _EXTERNAL_LINK.sub("", chunk)


#: Voila's loading text, in Indonesian.
_SPINNER = (
    ('<h2 id="loading_text">Running ...</h2>', '<h2 id="loading_text">Memuat formulir…</h2>'),
    ("`Executing ${cell_index} of ${cell_count}`", "`Menyiapkan ${cell_index} dari ${cell_count}`"),
    ("`Reading ${cell_index} of ${cell_count}`", "`Membaca ${cell_index} dari ${cell_count}`"),
)


def indonesian_spinner(chunk: str) -> str:
    """Voila's English loading texts replaced by Indonesian ones."""
    for old, new in _SPINNER:
        if old in chunk:
            chunk = chunk.replace(old, new)
    return chunk


def inject_head(chunk: str, extra: str = URL_SYNC_SCRIPT) -> str:
    """``chunk`` with ``extra`` inserted before ``</head>`` (unchanged when there is none)."""
    i = chunk.lower().find("</head>")
    if i < 0:
        return chunk
    return chunk[:i] + extra + chunk[i:]


class KinerjaVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler with the kernel cap, no CDN link and the URL-sync script."""

    _kinerja_head_done = False

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        slots: KernelSlots | None = self.settings.get("kinerja_slots")
        if slots is None:
            await super().get(path)
            return
        reservation = slots.reserve(self.kernel_manager)
        if reservation is None:
            log.warning(
                "Server penuh (%s kernel): halaman %s tidak dibuka", slots.max_kernels, path
            )
            self.set_header("Retry-After", str(RETRY_AFTER))
            self._kinerja_head_done = True  # a plain page: no form, no URL script
            _write_page(self, 503, full_page(slots.max_kernels))
            return
        token = _RESERVATION.set(reservation)
        try:
            await super().get(path)
        finally:
            slots.release(reservation)
            _RESERVATION.reset(token)

    def write(self, chunk: Any) -> None:
        if isinstance(chunk, str):
            chunk = strip_external_links(chunk)
            if not self._kinerja_head_done and "</head>" in chunk.lower():
                chunk = inject_head(chunk, URL_SYNC_SCRIPT + PREVIEW_CSS)
                self._kinerja_head_done = True
            chunk = indonesian_spinner(inject_preview(chunk))
        super().write(chunk)


class LandingHandler(JupyterHandler):
    """The Indonesian list of forms at ``/`` (behind the token when ``--token`` is given)."""

    def initialize(self, forms: Sequence[str] = (), base_url: str = "/") -> None:
        self.forms = tuple(forms)
        self.landing_base = base_url

    @tornado.web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(landing_page(form_links(self.forms, base_url=self.landing_base)))


class _RedirectHome(tornado.web.RequestHandler):
    def get(self, *args: Any, **kwargs: Any) -> None:
        self.redirect(self.settings.get("base_url", "/") or "/")


def kinerja_handlers(
    handlers: list[tuple[Any, ...]], *, forms: Sequence[str], base_url: str = "/"
) -> list[tuple[Any, ...]]:
    """Voila's handler table with the landing page, the capped page handler and no file tree."""
    out: list[tuple[Any, ...]] = []
    for entry in handlers:
        pattern, cls = entry[0], entry[1]
        rest = entry[2:]
        if cls is TornadoVoilaTreeHandler:
            if "/voila/tree" in str(pattern):
                out.append((pattern, _RedirectHome))
            else:
                out.append((pattern, LandingHandler, {"forms": tuple(forms), "base_url": base_url}))
            continue
        if cls is TornadoVoilaHandler:
            out.append((pattern, KinerjaVoilaHandler, *rest))
            continue
        out.append(entry)
    return out


def track_kernel_starts(kernel_manager: Any) -> None:
    """Release the page view's reservation as soon as its kernel is counted by the manager.

    Wraps (on the instance) ``start_kernel`` (a page without a pre-heated kernel) and
    ``get_rendered_notebook`` (a page that takes a pre-heated kernel, whose refill is then
    pending in the pool) so that a long notebook run does not hold a second slot.
    """
    if getattr(kernel_manager, "_kinerja_tracked", False):
        return
    for name in ("start_kernel", "get_rendered_notebook"):
        original = getattr(kernel_manager, name, None)
        if original is None:
            continue

        def make(orig: Any) -> Any:
            @functools.wraps(orig)
            async def wrapped(*args: Any, **kwargs: Any) -> Any:
                result = orig(*args, **kwargs)
                if hasattr(result, "__await__"):
                    result = await result
                slots = getattr(kernel_manager, "_kinerja_slots", None)
                if slots is not None:
                    slots.release(_RESERVATION.get())
                return result

            return wrapped

        setattr(kernel_manager, name, make(original))
    kernel_manager._kinerja_tracked = True


__all__ = [
    "URL_SYNC_SCRIPT",
    "KinerjaVoilaHandler",
    "LandingHandler",
    "inject_head",
    "install_host_check",
    "kinerja_handlers",
    "strip_external_links",
    "track_kernel_starts",
]
