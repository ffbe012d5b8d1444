"""A4 PDF of a report page, printed offline by headless Chromium (Playwright).

Forum packs and official letters travel as PDF. :class:`PdfPrinter` keeps **one** browser for
a whole batch (starting Chromium costs about a second; a page then prints in a fraction of
that) and prints each HTML report (:mod:`kinerja.report.export`, with its print stylesheet) to
A4 portrait with the report's title (OPD and period) in the header and "Halaman n dari m" in the
footer. Chromium embeds the fonts it uses (subsets) and keeps the charts' PNG at their full
resolution (220 pixels per inch or more at their printed size, :data:`kinerja.report.charts.PNG_DPI`).
Where pages break is the print stylesheet's (``templates/kinerja_html/index.html.j2``): tables
flow over pages with their header row repeated, rows and figures stay whole, a heading stays
with what follows it. Nothing is fetched from the network: the page is a local file whose assets
are inlined, and the browser runs with networking features off.

The browser is Debian's ``/usr/bin/chromium`` (``make browser``) or one found on ``PATH``;
when none is available, or Playwright is missing, :class:`PdfUnavailable` says so in Indonesian
and the batch records that no PDF was produced.
"""

from __future__ import annotations

import contextlib
import html
import os
import shutil
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM_ARGS", "PdfPrinter", "PdfUnavailable", "find_chromium"]

#: Command-line switches of the headless browser (no network services, no sandbox for root).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium", "chromium-browser")


class PdfUnavailable(RuntimeError):
    """No PDF can be printed here (no Chromium or no Playwright); the text is Indonesian."""


def find_chromium() -> str | None:
    """Path of a Chromium executable (Debian's first), or ``None``."""
    for name in _CANDIDATES:
        path = name if os.path.isabs(name) else shutil.which(name)
        if path and os.access(path, os.X_OK):
            return path
    return None


_HEADER = (
    '<div style="font-size:8px;width:100%;margin:0 12mm;color:#444;'
    'display:flex;justify-content:space-between;font-family:sans-serif">'
    "<span>{left}</span><span>{right}</span></div>"
)
_FOOTER = (
    '<div style="font-size:8px;width:100%;margin:0 12mm;color:#444;text-align:right;'
    'font-family:sans-serif">Halaman <span class="pageNumber"></span> dari '
    '<span class="totalPages"></span></div>'
)


class PdfPrinter:
    """One headless Chromium that prints report pages to A4 PDF.

    Use as a context manager; the browser starts at the first :meth:`print` and stops at
    :meth:`close`.

    Parameters
    ----------
    executable : str, optional
        Chromium to use (default :func:`find_chromium`).
    timeout_s : float
        Limit for loading and printing one page.
    """

    def __init__(self, executable: str | None = None, *, timeout_s: float = 120) -> None:
        self.executable = executable
        self.timeout_ms = int(timeout_s * 1000)
        self._pw: Any = None
        self._browser: Any = None

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the browser (raises :class:`PdfUnavailable` when it cannot)."""
        if self._browser is not None:
            return
        exe = self.executable or find_chromium()
        if exe is None:
            raise PdfUnavailable(
                "Chromium tidak ditemukan (/usr/bin/chromium); PDF tidak dibuat. "
                "Pasang dengan `make browser` (apt-get install chromium)."
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise PdfUnavailable(
                "paket Python playwright tidak terpasang; PDF tidak dibuat "
                "(pip install playwright)."
            ) from None
        try:
            self._pw = sync_playwright().start()
            self._browser = self._pw.chromium.launch(
                executable_path=exe, args=list(CHROMIUM_ARGS), timeout=self.timeout_ms
            )
        except Exception as exc:
            self.close()
            raise PdfUnavailable(
                f"Chromium ({exe}) tidak dapat dijalankan; PDF tidak dibuat: "
                f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
            ) from None

    def print(
        self,
        html_path: str | os.PathLike[str],
        pdf_path: str | os.PathLike[str],
        *,
        header_left: str,
        header_right: str = "",
    ) -> Path:
        """Print one HTML file to an A4 portrait PDF.

        Parameters
        ----------
        html_path : path
            The offline HTML report (all assets inlined).
        pdf_path : path
            Where the PDF goes (written by Chromium; the caller moves it into place).
        header_left, header_right : str
            Header text of every page (plain text, escaped here): the OPD and the period, and
            e.g. the date printed.

        Returns
        -------
        Path
            ``pdf_path``.
        """
        self.start()
        page = self._browser.new_page()
        try:
            page.set_default_timeout(self.timeout_ms)
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.pdf(
                path=str(pdf_path),
                format="A4",
                landscape=False,
                print_background=True,
                display_header_footer=True,
                header_template=_HEADER.format(
                    left=html.escape(header_left), right=html.escape(header_right)
                ),
                footer_template=_FOOTER,
                margin={"top": "18mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
            )
        finally:
            page.close()
        return Path(pdf_path)

    def close(self) -> None:
        """Stop the browser and Playwright (safe to call twice)."""
        browser, pw = self._browser, self._pw
        self._browser = self._pw = None
        for step in (getattr(browser, "close", None), getattr(pw, "stop", None)):
            if step is not None:
                with contextlib.suppress(Exception):  # a browser that already died
                    step()
