"""The A4 PDF of every successful report of a batch, printed by one browser for the batch.

Runs in the batch's parent process between a report's staging and its move into place
(:func:`kinerja.run.batch._execute`), so that the PDF belongs to the set that is moved together.
The printing itself is :class:`kinerja.report.pdf.PdfPrinter` (headless Chromium).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from kinerja.run.common import STATUS_OK
from kinerja.run.tasks import NotebookTask

__all__ = ["PdfStep"]


class PdfStep:
    """The PDF of every successful report, printed by one browser for the whole batch.

    ``state`` (the manifest's ``pdf`` entry) records what happened: ``dibuat``, ``sebagian``
    (some pages failed), or ``tidak dibuat`` with the reason (no Chromium, no Playwright).
    """

    def __init__(self, state: dict[str, Any], echo: bool) -> None:
        self.state = state
        self.echo = echo
        self.printer: Any = None
        self.seconds = 0.0
        self.made = 0
        self.failed = 0

    def add_pdf(self, task: NotebookTask, res: dict[str, Any], out: Path) -> None:
        """Print the staged HTML of ``res`` to PDF into its staging folder (adds ``files.pdf``)."""
        if res.get("status") != STATUS_OK or not res.get("staging") or not task.pdf:
            return
        if self.state.get("status") == "tidak dibuat":
            return
        from kinerja.report.pdf import PdfPrinter, PdfUnavailable

        t0 = time.perf_counter()
        stage = Path(res["staging"])
        target = Path(task.pdf)
        try:
            if self.printer is None:
                self.printer = PdfPrinter()
            self.printer.print(
                stage / Path(res["files"]["html"]).name,
                stage / target.name,
                header_left=task.title,
                header_right=_printed_on(),
            )
            res["files"]["pdf"] = target.resolve().relative_to(out.resolve()).as_posix()
            self.made += 1
        except PdfUnavailable as exc:
            self.state.update(status="tidak dibuat", alasan=str(exc))
            if self.echo:
                print(f"PDF tidak dibuat: {exc}", file=sys.stderr)
        except Exception as exc:
            self.failed += 1
            res["pdf"] = f"PDF gagal dibuat: {type(exc).__name__}: {str(exc)[:200]}"
            self.close()  # a browser that failed once is started afresh for the next report
        finally:
            self.seconds += time.perf_counter() - t0
        if self.state.get("status") != "tidak dibuat":
            self.state.update(
                status="sebagian" if self.failed else "dibuat",
                jumlah=self.made,
                gagal=self.failed,
            )
        self.state["duration_s"] = round(self.seconds, 3)

    def close(self) -> None:
        """Stop the browser."""
        if self.printer is not None:
            self.printer.close()
            self.printer = None


def _printed_on() -> str:
    import datetime as dt

    from kinerja.domain.months import BULAN

    today = dt.date.today()
    return f"Dicetak {today.day} {BULAN[today.month - 1]} {today.year}"
