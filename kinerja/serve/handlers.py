"""The tornado side of ``kinerja app`` (imported by the Voila server process only).

* :func:`install_host_check` -- every request whose ``Host`` is not a loopback name gets 403 with
  an Indonesian page before any handler runs (static files and websockets included; DNS
  rebinding, :mod:`kinerja.serve.guard`);
* :class:`KinerjaVoilaHandler` -- Voila's page handler with the kernel cap
  (:class:`~kinerja.serve.guard.KernelSlots`: a full server answers 503 with a polite page and
  starts nothing), no request to a CDN (external stylesheet links removed from the page), and the
  small script that keeps the address bar in step with the form (:data:`URL_SYNC_SCRIPT`);
* :class:`LandingHandler` -- the Indonesian list of forms at ``/`` (:mod:`kinerja.serve.landing`);
* :class:`KinerjaLoginHandler`, :class:`KinerjaLogoutHandler` and :class:`IndonesianErrorPages`
  -- the token form, the logout page and every error page in Indonesian, without any external
  resource (:mod:`kinerja.serve.pages`), installed by :func:`install_error_pages`;
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
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.login import LoginFormHandler
from jupyter_server.auth.logout import LogoutHandler
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
from kinerja.serve.pages import PAGE_PREFIX, error_page, login_page, logout_page
from kinerja.serve.preview import (
    PREVIEW_CSS,
    continue_page,
    inject_preview,
    page_start,
    server_preview,
)

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
    (
        "Voilà requires JavaScript. Please enable it to proceed.",
        "Formulir ini memerlukan JavaScript. Aktifkan JavaScript di peramban Anda.",
    ),
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


#: Most characters of Voila's head collected before it is passed on regardless.
_HEAD_LIMIT = 262_144


def _server_preview_for(path: str | None, query: str | None) -> str | None:
    """:func:`kinerja.serve.preview.server_preview` of the form at ``path`` (``None`` on any
    failure: the page is then served as before, with the kernel's own preview)."""
    from pathlib import PurePosixPath

    from kinerja.domain.settings import read_env

    if not path or not path.endswith(".ipynb"):
        return None
    try:
        return server_preview(read_env().form_cache, PurePosixPath(path).stem, query)
    except Exception:  # never let the preview break the page
        log.exception("pratinjau server untuk %s tidak dapat dibuat", path)
        return None


class KinerjaVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler with the kernel cap, no CDN link, the URL-sync script and the
    server's preview of the numbers (:func:`kinerja.serve.preview.server_preview`) at the top
    of the page's first chunk."""

    _kinerja_head_done = False
    _kinerja_preview: str | None = None
    _kinerja_preview_done = False
    _kinerja_continued = False
    _kinerja_pending = ""

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
        # the selection's stored sections, read before any kernel is involved: the numbers
        # are in the first bytes of the page, whatever the kernel (pre-heated, cold) does
        self._kinerja_preview = _server_preview_for(path, self.request.query)
        if self._kinerja_preview:
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
            # the page's template reads the XSRF token, which sets its cookie: the headers go
            # out with the preview, so the cookie must be set now (the beforeunload shutdown
            # of the kernel posts it, kinerja.compat.voila)
            _ = self.xsrf_token
            tornado.web.RequestHandler.write(self, page_start(self._kinerja_preview))
            self._kinerja_preview_done = True
            await self.flush()  # on its way before the kernel is started or taken
        token = _RESERVATION.set(reservation)
        try:
            await super().get(path)
            if self._kinerja_pending:  # a page that ended inside its head: pass it on
                rest, self._kinerja_pending = self._kinerja_pending, ""
                self._kinerja_continued = True
                tornado.web.RequestHandler.write(self, rest)
        finally:
            slots.release(reservation)
            _RESERVATION.reset(token)

    def write(self, chunk: Any) -> None:
        if isinstance(chunk, str):
            chunk = strip_external_links(chunk)
            if self._kinerja_preview_done and not self._kinerja_continued:
                # Voila streams its template in small pieces when it starts a kernel: collect
                # its head, then drop its document start and unblock its resources at once
                self._kinerja_pending += chunk
                low = self._kinerja_pending.lower()
                if "</head>" not in low and "<body" not in low and len(low) < _HEAD_LIMIT:
                    return
                chunk, self._kinerja_pending = self._kinerja_pending, ""
                chunk = continue_page(chunk)[0]
                self._kinerja_continued = True
            if not self._kinerja_head_done and "</head>" in chunk.lower():
                chunk = inject_head(chunk, URL_SYNC_SCRIPT + PREVIEW_CSS)
                self._kinerja_head_done = True
            # the kernel's copy only when the server had none (selection not stored yet)
            raw = not self._kinerja_preview_done
            chunk = indonesian_spinner(inject_preview(chunk, raw=raw))
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


class KinerjaLoginHandler(LoginFormHandler):
    """``/login`` (only with ``--token``): the Indonesian token form (:func:`login_page`).

    jupyter_server's form is English and loads its stylesheet; the logic (token check, login
    cookie, the safe redirect to ``next``) stays jupyter_server's own.
    """

    def _render(self, message: Any = None) -> None:
        from tornado.escape import url_escape

        next_url = self.get_argument("next", default=self.base_url)
        action = f"{self.base_url.rstrip('/')}/login?next={url_escape(next_url)}"
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.write(
            login_page(
                action=action,
                xsrf_field=self.xsrf_form_html(),
                failed=bool(message),
            )
        )


class KinerjaLogoutHandler(LogoutHandler):
    """``/logout``: clears the login cookie and says so in Indonesian."""

    @allow_unauthenticated
    def get(self) -> None:
        self.identity_provider.clear_login_cookie(self)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(logout_page(bool(self.login_available)))


#: Content types whose error bodies are replaced (JSON answers of the kernel API stay JSON).
_PAGE_TYPES = ("text/html", "text/plain")


class IndonesianErrorPages(tornado.web.OutputTransform):
    """Replaces the body of every HTML/plain error response (status ≥ 400) by
    :func:`kinerja.serve.pages.error_page`: tornado's "404: Not Found", Voila's English 404
    page (with its scripts), jupyter_server's error template, an empty 500.

    Installed first in the application's transforms (:func:`install_error_pages`), so every
    handler's errors pass through it, unmatched routes included. The status code is kept; a
    body that already is a kinerja page (the 503 of the kernel cap, the 403 of the Host check)
    is left alone; so are HEAD requests and JSON answers.
    """

    def __init__(self, request: Any) -> None:
        self._skip = request.method == "HEAD"
        self._replaced = False

    def transform_first_chunk(
        self, status_code: int, headers: Any, chunk: bytes, finishing: bool
    ) -> tuple[int, Any, bytes]:
        if self._skip or status_code < 400:
            return status_code, headers, chunk
        ctype = str(headers.get("Content-Type", "text/html")).lower()
        if not ctype.startswith(_PAGE_TYPES) or chunk.startswith(PAGE_PREFIX.encode()):
            return status_code, headers, chunk
        body = error_page(status_code).encode("utf-8")
        self._replaced = True
        headers["Content-Type"] = "text/html; charset=UTF-8"
        headers["Cache-Control"] = "no-store"
        if finishing:
            headers["Content-Length"] = str(len(body))
        elif "Content-Length" in headers:
            del headers["Content-Length"]
        return status_code, headers, body

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        return b"" if self._replaced else chunk


def install_error_pages(app: tornado.web.Application) -> None:
    """Put :class:`IndonesianErrorPages` first among ``app``'s output transforms (idempotent)."""
    if IndonesianErrorPages not in app.transforms:
        app.transforms.insert(0, IndonesianErrorPages)


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
        if isinstance(cls, type) and issubclass(cls, LoginFormHandler):
            out.append((pattern, KinerjaLoginHandler, *rest))
            continue
        if isinstance(cls, type) and issubclass(cls, LogoutHandler):
            out.append((pattern, KinerjaLogoutHandler, *rest))
            continue
        out.append(entry)
    return out


def _mark_taken(kernel_manager: Any, result: Any) -> None:
    """A pre-heated kernel just handed to a page counts as active now.

    ``get_rendered_notebook`` returns ``(task, cells, kernel_id)``. A pool kernel keeps the
    ``last_activity`` of its notebook run; after a quiet spell longer than the cull timeout the
    idle culler removed it in the seconds between being handed out and the page's websocket
    connecting (seen: "Culling 'idle' kernel ... 765 seconds of inactivity" right after "Using
    pre-heated kernel", and the page never became a form).
    """
    import datetime

    if not (isinstance(result, tuple) and len(result) == 3 and isinstance(result[2], str)):
        return
    try:
        kernel = kernel_manager.get_kernel(result[2])
        kernel.last_activity = datetime.datetime.now(datetime.UTC)
    except Exception:  # never let the bookkeeping break the page
        log.debug("last_activity kernel %s tidak diperbarui", result[2], exc_info=True)


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
                _mark_taken(kernel_manager, result)
                return result

            return wrapped

        setattr(kernel_manager, name, make(original))
    kernel_manager._kinerja_tracked = True


__all__ = [
    "URL_SYNC_SCRIPT",
    "IndonesianErrorPages",
    "KinerjaLoginHandler",
    "KinerjaLogoutHandler",
    "KinerjaVoilaHandler",
    "LandingHandler",
    "inject_head",
    "install_error_pages",
    "install_host_check",
    "kinerja_handlers",
    "strip_external_links",
    "track_kernel_starts",
]
