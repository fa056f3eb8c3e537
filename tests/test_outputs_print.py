"""The HTML report on paper: printed by Chromium (Playwright, the system Chromium) as a reader's
browser prints it, A4 landscape from the report's own print stylesheet, and the pages counted.

Long analysis tables print their first rows with a note saying where the rest is; the integrated
chronology prints whole; no table row is split across pages; the charts after the timeline print
smaller. Cassie's report printed in 18 pages before the print stylesheet collapsed long tables
(now 12); the bound below leaves room for small changes, not for a return of the long tables.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import chronology as chron
from chronology.report import to_html
from chronology.report.html import PRINT_ROWS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (make browser installs it)")


def _pages(pdf: bytes) -> int:
    """Pages of a PDF: the page tree's /Count (Chromium writes one uncompressed page tree)."""
    counts = [int(n) for n in re.findall(rb"/Count\s+(\d+)", pdf)]
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert counts, "no page tree in the PDF"
    assert max(counts) == pages, (counts, pages)
    return pages


def test_a_case_prints_in_few_pages(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    c = chron.samples.load("cassie")
    path = to_html(c, tmp_path / "cassie.html")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(path.as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what printing does: draw all
            page.wait_for_function(
                "Array.from(document.querySelectorAll('div[data-figure]')).every(d => d.querySelector('.main-svg'))",
                timeout=120_000,
            )
            # on paper: the first rows of a long table, a note, and the whole chronology
            shown = page.evaluate("""() => Array.from(document.querySelectorAll('#themes tbody'))
                .map(b => Array.from(b.rows).filter(r => getComputedStyle(r).display !== 'none').length)""")
            assert max(shown) <= PRINT_ROWS + 3
            note = page.locator("#themes .print-only").first
            assert note.is_visible()
            assert re.search(r"the first \d+ of \d+ rows", note.inner_text())
            chronology_rows = page.evaluate("""() => Array.from(document.querySelectorAll('#chronology tbody tr'))
                .filter(r => getComputedStyle(r).display !== 'none').length""")
            assert chronology_rows == len(c.events)
            assert page.evaluate("getComputedStyle(document.querySelector('tbody tr')).breakInside") == "avoid"
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
            # on screen, every row is there and the print note is not
            page.emulate_media(media="screen")
            assert not note.is_visible()
        finally:
            browser.close()
    (tmp_path / "cassie.pdf").write_bytes(pdf)
    pages = _pages(pdf)
    assert pages <= 14, f"Cassie's report prints in {pages} pages"
