"""The HTML report as a review panel reads it: words not codes, no empty charts, the whole chronology
first, no sideways scroll at 1400 or 1024 px (Playwright driving the system Chromium)."""

from __future__ import annotations

import html as htmllib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import chronology as chron
from chronology.report import to_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    return {name: to_html(chron.samples.load(name), folder / f"{name}.html") for name in chron.samples.names()}


def _visible_text(page: str) -> str:
    """The text a reader sees: no scripts (plotly.js and the figures' JSON), no tags."""
    body = re.sub(r"<script\b.*?</script>", " ", page, flags=re.DOTALL)
    body = re.sub(r"<style\b.*?</style>", " ", body, flags=re.DOTALL)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("name", ["cassie", "carlos", "camille"])
def test_no_codes_shown_to_a_reader(pages: dict[str, Path], name: str) -> None:
    text = _visible_text(pages[name].read_text(encoding="utf-8"))
    # snake_case words, except the names of the agencies' own files (youth_justice.docx)
    codes = set(re.findall(r"\b[a-z]+_[a-z_]+\b(?!\.(?:docx|xlsx|csv))", text))
    assert not codes, sorted(codes)[:10]
    assert not re.search(r"%[dmYHMb]", text)  # strftime codes
    assert "{'" not in text
    assert '{"' not in text
    assert "+00:00" not in text
    assert "NaT" not in text
    assert "<NA>" not in text


def test_provenance_in_words(pages: dict[str, Path]) -> None:
    text = _visible_text(pages["cassie"].read_text(encoding="utf-8"))
    assert "Details → what happened" in text
    assert "dd/mm/yyyy hh:mm (10 cells)" in text


def test_share_not_recorded_instead_of_zero(pages: dict[str, Path]) -> None:
    page = pages["cassie"].read_text(encoding="utf-8")
    voice = page.split('<section id="voice">')[1].split("</section>")[0]
    rows = re.findall(r"<tr>(?:(?!</tr>).)*</tr>", voice)
    police = [r for r in rows if ">Police<" in r]
    assert police  # the police never record whether the child was seen
    assert all("not recorded" in r for r in police)
    assert not any(re.search(r'<td class="num">0%</td>', r.split("</td>", 7)[-1][:40]) for r in police)


def test_no_empty_chart(tmp_path: Path) -> None:
    # two events a day apart: no gap, no timescale, nothing to chart but the timeline
    two = chron.Chronology.from_events(pd.DataFrame({
        "case_id": "x", "agency": ["police", "csc"], "start": ["2024-03-01 10:00", "2024-03-02 11:00"],
        "description": ["Call", "Referral received"]}))
    page = to_html(two, tmp_path / "two.html").read_text(encoding="utf-8")
    gaps = page.split('<section id="gaps">')[1].split("</section>")[0]
    assert "data-figure" not in gaps
    assert "No gap of 14 days or more" in gaps
    assert "None found." not in page


def test_the_whole_chronology_comes_first(pages: dict[str, Path]) -> None:
    import json

    page = pages["cassie"].read_text(encoding="utf-8")
    first = json.loads(re.search(r'<script type="application/json" id="fig-0">(.*?)</script>', page, re.DOTALL)
                       .group(1).replace("<\\/", "</"))
    lay = first["layout"]
    assert lay["xaxis"]["title"]["text"].startswith("Whole chronology")
    assert min(lay["yaxis"]["domain"]) > max(lay["yaxis2"]["domain"])  # the overview above the detail
    assert page.index('id="timeline"') < page.index('id="gaps"')


def test_each_tagged_event_once(pages: dict[str, Path]) -> None:
    c = chron.samples.load("cassie").tag()
    page = pages["cassie"].read_text(encoding="utf-8")
    themes = page.split('<section id="themes">')[1].split("</section>")[0]
    table = themes.split("Every tagged event")[1]
    rows = len(re.findall(r"<tr[ >]", table)) - 1  # less the header (rows printed or screen-only)
    assert rows == c.tags["event_id"].nunique()
    assert "Action / outcome" in table  # evidence from the action column is shown beside it


def test_print_stylesheet(pages: dict[str, Path]) -> None:
    page = pages["carlos"].read_text(encoding="utf-8")
    assert "@media print" in page
    assert "@page { size: A4 landscape" in page
    assert "beforeprint" in page  # every figure drawn before printing


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (make browser installs it)")
@pytest.mark.parametrize("width", [1400, 1024])
def test_no_sideways_scroll_and_every_figure_drawn(pages: dict[str, Path], width: int) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 1000})
            page.goto(pages["cassie"].as_uri(), wait_until="load")
            page.wait_for_function(
                "Array.from(document.querySelectorAll('div[data-figure]')).every(d => d.querySelector('.main-svg'))",
                timeout=120_000,
            )
            scroll = page.evaluate("document.documentElement.scrollWidth")
            client = page.evaluate("document.documentElement.clientWidth")
            assert scroll <= client, f"the page scrolls sideways at {width} px: {scroll} > {client}"
        finally:
            browser.close()
