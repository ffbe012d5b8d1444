"""Page breaks and chart sharpness of the A4 PDFs (issue 13, item 2: what remained).

DPMPTSP's report and the city overview are executed on the sample (Papermill), exported to the
offline HTML page and printed by :class:`kinerja.report.pdf.PdfPrinter`. Every page is then read
back with poppler's ``pdftohtml -xml`` (position and font size of each text line, position of
each image; 1 unit = 1/1,5 pt) and ``pdfimages -list``:

- **no heading ends a page**: the lowest text on a page is never a section heading (h1–h4 of the
  page; a heading's line is larger type than the body);
- **no avoidable white space**: a page other than the last is at least 75 % filled (lowest item
  over the height between the margins) unless what opens the next page would not have fitted in
  the space left: a figure (with the heading or caption above it) taller than that space. A
  table or paragraph that leaves a larger gap is a page-break fault (before this change
  JupyterLab's print style kept every output whole and left pages 44 % and 51 % empty);
- **no shrunken pages**: the city overview's 13-column table fits the A4 width, so Chromium does
  not scale the whole PDF down (its headings have the OPD report's size);
- **sharp charts**: every chart is embedded at 200 pixels per inch or more at its printed size.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from kinerja.report import export
from kinerja.report.pdf import PdfPrinter, find_chromium

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
MM = 1.5 * 72 / 25.4  # pdftohtml units per millimetre
TOP_MM, BOTTOM_MM = 18, 16  # PdfPrinter's margins (header and footer live in them)
MIN_FILL = 0.75
MIN_PPI = 200


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} tidak ada (paket Debian poppler-utils)")
    return path


@pytest.fixture(scope="module")
def printed(sample_reports, tmp_path_factory):
    """DPMPTSP's and the city's report: their HTML text and PDF."""
    if find_chromium() is None:
        pytest.skip("Chromium tidak ada (make browser)")
    pytest.importorskip("playwright.sync_api")
    for tool in ("pdftohtml", "pdfimages"):
        _tool(tool)
    base = tmp_path_factory.mktemp("pdf_layout")
    made = {}
    with PdfPrinter() as printer:
        for key, report in sample_reports.items():
            html = export.export_html(report["nb"], title=report["title"])
            page = base / f"{key}.html"
            page.write_text(html, encoding="utf-8")
            pdf = printer.print(page, base / f"{key}.pdf", header_left=report["title"])
            made[key] = {"html": html, "pdf": pdf, "pages": read_pages(pdf, base / key)}
    return made


# ---------------------------------------------------------------------------------------------
# reading a printed PDF back
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    top: float
    bottom: float
    text: str  # "" for an image
    size: float  # font size (units); 0 for an image

    @property
    def image(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Page:
    number: int
    top: float  # first unit below the top margin
    bottom: float  # last unit above the bottom margin
    items: tuple[Item, ...]  # sorted top to bottom; header and footer left out

    @property
    def fill(self) -> float:
        if not self.items:
            return 0.0
        return (max(i.bottom for i in self.items) - self.top) / (self.bottom - self.top)

    @property
    def last(self) -> Item:
        return max(self.items, key=lambda i: (i.bottom, i.top))


def read_pages(pdf: Path, prefix: Path) -> list[Page]:
    """Text lines and images of every page, inside the margins, via ``pdftohtml -xml``."""
    xml = subprocess.run(
        [_tool("pdftohtml"), "-xml", "-stdout", "-q", str(pdf), str(prefix)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    root = ET.fromstring(xml)
    sizes = {f.get("id"): float(f.get("size")) for f in root.iter("fontspec")}
    pages = []
    for page in root.iter("page"):
        height = float(page.get("height"))
        top, bottom = TOP_MM * MM, height - BOTTOM_MM * MM
        items = []
        for el in page:
            if el.tag not in ("text", "image"):
                continue
            y0 = float(el.get("top"))
            y1 = y0 + float(el.get("height"))
            if y1 <= top or y0 >= bottom:  # the running header and "Halaman n dari m"
                continue
            if el.tag == "image":
                items.append(Item(y0, y1, "", 0.0))
            elif text := " ".join("".join(el.itertext()).split()):
                items.append(Item(y0, y1, text, sizes[el.get("font")]))
        pages.append(
            Page(int(page.get("number")), top, bottom, tuple(sorted(items, key=lambda i: i.top)))
        )
    return pages


def headings(html: str) -> list[str]:
    found = re.findall(r"<h([1-4])[^>]*>(.*?)</h\1>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>|¶", " ", h).split()) for _, h in found]


def body_size(pages: list[Page]) -> float:
    """The most common font size of the document (its running text and table cells)."""
    counts: dict[float, int] = {}
    for p in pages:
        for i in p.items:
            if i.text:
                counts[i.size] = counts.get(i.size, 0) + len(i.text)
    return max(counts, key=counts.get)


def is_heading(item: Item, heads: list[str], body: float) -> bool:
    """A text line of a heading: larger than the body, and a heading's text (or its start)."""
    return (
        bool(item.text)
        and item.size > 1.15 * body
        and any(h == item.text or h.startswith(item.text) for h in heads)
    )


def lead_height(page: Page) -> float:
    """Height of what opens ``page`` and could not be split: a figure that starts within the
    top fifth (under its heading or caption), else the first line."""
    first_image = next((i for i in page.items if i.image), None)
    if first_image is not None and first_image.top - page.top < 0.2 * (page.bottom - page.top):
        return first_image.bottom - page.top
    return page.items[0].bottom - page.top


def avoidable_gaps(pages: list[Page]) -> list[str]:
    problems = []
    for page, following in zip(pages, pages[1:], strict=False):
        gap = (page.bottom - page.top) * (1 - page.fill)
        if page.fill < MIN_FILL and lead_height(following) <= gap:
            problems.append(
                f"halaman {page.number}: terisi {page.fill:.0%}, sisa {gap / MM:.0f} mm, "
                f"halaman {following.number} dibuka dengan {lead_height(following) / MM:.0f} mm "
                f"({following.items[0].text or 'gambar'!r})"
            )
    return problems


# ---------------------------------------------------------------------------------------------
# the rules, first on made-up pages (so that each can fail), then on the printed reports
# ---------------------------------------------------------------------------------------------
def _page(n: int, *items: Item) -> Page:
    return Page(n, 100.0, 1100.0, items)


def test_the_rules_catch_what_they_describe():
    heads = ["Pengaduan Masyarakat"]
    body = 15.0
    lonely = _page(1, Item(100, 700, "", 0), Item(720, 750, "Pengaduan Masyarakat", 26))
    assert is_heading(lonely.last, heads, body)
    assert not is_heading(Item(0, 15, "Pengaduan Masyarakat", 15), heads, body)  # body text
    half = _page(1, Item(100, 600, "x", 15))
    table_next = _page(2, Item(100, 115, "Bulan", 14), Item(120, 135, "Januari", 14))
    figure_next = _page(2, Item(100, 130, "Judul", 26), Item(140, 800, "", 0))
    assert avoidable_gaps([half, table_next]) != []  # a table that could have started here
    assert avoidable_gaps([half, figure_next]) == []  # a 700-unit figure did not fit in 500
    assert avoidable_gaps([_page(1, Item(100, 900, "x", 15)), table_next]) == []  # 80 % filled
    assert lead_height(_page(2, Item(100, 115, "x", 15), Item(900, 1000, "", 0))) == 15


@pytest.mark.parametrize("key", ["opd", "kota"])
def test_no_page_ends_with_a_heading(printed, key):
    pages, heads = printed[key]["pages"], headings(printed[key]["html"])
    assert len(pages) >= 3 and heads
    body = body_size(pages)
    lonely = [(p.number, p.last.text) for p in pages if p.items and is_heading(p.last, heads, body)]
    assert lonely == []
    # and every heading is found as a heading somewhere (the check is not vacuous)
    seen = {i.text for p in pages for i in p.items if is_heading(i, heads, body)}
    assert len(seen) >= min(5, len(set(heads)))


@pytest.mark.parametrize("key", ["opd", "kota"])
def test_no_avoidable_white_space(printed, key):
    pages = printed[key]["pages"]
    assert all(p.items for p in pages[:-1])  # no blank page
    assert avoidable_gaps(pages) == []


def test_the_city_pdf_is_printed_at_full_size(printed):
    # Chromium shrinks every page when one table is wider than the A4 text width; then the
    # city's "Temuan Utama" heading would be smaller than the OPD report's
    def size_of(key: str, text: str) -> float:
        return next(i.size for p in printed[key]["pages"] for i in p.items if i.text == text)

    assert size_of("kota", "Temuan Utama") == size_of("opd", "Temuan Utama")


@pytest.mark.parametrize("key", ["opd", "kota"])
def test_charts_are_sharp_in_print(printed, key):
    rows = subprocess.run(
        [_tool("pdfimages"), "-list", str(printed[key]["pdf"])],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()[2:]
    ppi = [(int(r.split()[0]), int(r.split()[3]), int(r.split()[12])) for r in rows]
    assert ppi, "no chart in the PDF"
    assert [p for p in ppi if p[2] < MIN_PPI] == []
