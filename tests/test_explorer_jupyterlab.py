"""The explorer as a reviewer sees it: real JupyterLab, a 1400 x 900 Chromium window (Playwright
driving the system Chromium), the cell run, and the page measured from the DOM: the legend text is
whole, the events table is not clipped, lane labels do not overprint. A screenshot is saved in the
test's temporary folder (``explorer-1400.png``) to look at.

Skipped when Chromium (``make browser`` installs it), Playwright or JupyterLab is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (make browser installs it)")

CELL = """import chronology as chron
ui = chron.explore(chron.samples.load("cassie"))
ui"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _notebook(path: Path) -> None:
    nb = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "explore", "metadata": {},
                   "outputs": [], "source": CELL}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    pytest.importorskip("jupyterlab")
    pytest.importorskip("playwright.sync_api")
    root = tmp_path_factory.mktemp("lab")
    _notebook(root / "explore.ipynb")
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / ".runtime"), "JUPYTER_CONFIG_DIR": str(root / ".config"),
           "JUPYTER_PLATFORM_DIRS": "1"}
    args = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
        "--ServerApp.password=", "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
        f"--ServerApp.root_dir={root}", f"--LabApp.workspaces_dir={root / '.workspaces'}",
    ]
    log = (root / "lab.log").open("w")
    proc = subprocess.Popen(args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-3000:])
            time.sleep(0.5)
        yield url, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# the checks run in the page: rectangles of what the reader sees
_CLIPPED = """el => {
  // the part of el hidden by an ancestor that clips (overflow not visible) or by the window
  const r = el.getBoundingClientRect();
  let left = 0, right = window.innerWidth;
  for (let a = el.parentElement; a; a = a.parentElement) {
    const cs = getComputedStyle(a);
    if (cs.overflowX !== 'visible') {
      const ar = a.getBoundingClientRect();
      left = Math.max(left, ar.left); right = Math.min(right, ar.right);
    }
  }
  return Math.max(0, left - r.left) + Math.max(0, r.right - right);
}"""

_BOXES = """els => els.map(e => { const r = e.getBoundingClientRect();
  return {text: e.textContent, x0: r.left, x1: r.right, y0: r.top, y1: r.bottom}; })"""


def _overlaps(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if w > 1 and h > 1:
                out.append((a["text"], b["text"]))
    return out


def test_explorer_in_jupyterlab_at_1400px(lab: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    url, _root = lab
    # CHRONOLOGY_SCREENSHOTS=folder keeps the screenshots there, to look at them
    shots = Path(os.environ.get("CHRONOLOGY_SCREENSHOTS") or tmp_path)
    shot = shots / "explorer-1400.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{url}/lab/tree/explore.ipynb", wait_until="domcontentloaded", timeout=120_000)
            editor = page.locator(".jp-Notebook .jp-Cell .cm-content").first
            editor.wait_for(timeout=120_000)
            # run the cell (Ctrl+Enter: in place); a key pressed before the kernel is connected is
            # ignored, so try again until the prompt shows [*] or [1]
            started = "() => /\\[(\\*|\\d+)\\]/.test(document.querySelector('.jp-Notebook .jp-InputPrompt').textContent)"
            for _attempt in range(20):
                editor.click()
                page.keyboard.press("Control+Enter")
                try:
                    page.wait_for_function(started, timeout=10_000)
                    break
                except PlaywrightTimeout:
                    continue
            else:
                page.screenshot(path=str(shots / "explorer-not-run.png"))
                pytest.fail("the notebook cell never started running")
            try:
                page.wait_for_selector(".jp-OutputArea .js-plotly-plot .main-svg", timeout=240_000)
            except Exception:
                page.screenshot(path=str(shots / "explorer-not-drawn.png"))
                raise
            page.wait_for_selector(".jp-OutputArea table.chronology-events", timeout=60_000)
            page.wait_for_timeout(1500)  # plotly's second layout pass (legend, automargin)
            no_news = page.get_by_role("button", name="No", exact=True)
            if no_news.count():  # JupyterLab's "get notified about news?" toast covers the output
                no_news.first.click()
            output = page.locator(".jp-Cell .jp-OutputArea-output").first
            output.scroll_into_view_if_needed()
            page.screenshot(path=str(shot), full_page=False)
            output.screenshot(path=str(shots / "explorer-output.png"))

            # the legend: every entry and its title whole, inside what is visible
            legend = page.locator(".jp-OutputArea .js-plotly-plot .legend text")
            texts = legend.all_text_contents()
            assert any(t.strip() == "Event type" for t in texts), texts
            for i in range(legend.count()):
                hidden = legend.nth(i).evaluate(_CLIPPED)
                assert hidden < 1, f"legend text {texts[i]!r} is cut by {hidden:.0f} px"
            assert not _overlaps(legend.evaluate_all(_BOXES))

            # the events table: not clipped, or inside a scroll container the reader can scroll
            table = page.locator(".jp-OutputArea table.chronology-events").first
            fits = table.evaluate("""t => {
              for (let a = t.parentElement; a; a = a.parentElement) {
                const cs = getComputedStyle(a);
                if (['auto', 'scroll'].includes(cs.overflowX)) return {scroller: true, ok: true};
                if (a.scrollWidth > a.clientWidth + 1 && cs.overflowX !== 'visible')
                  return {scroller: false, ok: false, scroll: a.scrollWidth, client: a.clientWidth};
                if (a.classList.contains('jp-OutputArea-output')) break;
              }
              return {scroller: false, ok: true};
            }""")
            assert fits["ok"], f"the events table is clipped: {fits}"
            # its container (the scroller, or the table) is itself wholly in view across the page
            container_cut = table.evaluate(f"t => ({_CLIPPED})(t.parentElement)")
            assert container_cut < 1, f"the events table's container is cut by {container_cut:.0f} px"

            # lane labels (y axis) and dates (x axis): no two overprint
            lanes = page.locator(".jp-OutputArea .js-plotly-plot .ytick text").evaluate_all(_BOXES)
            assert len(lanes) >= 3, lanes
            assert not _overlaps(lanes), _overlaps(lanes)[:5]
            dates = page.locator(".jp-OutputArea .js-plotly-plot .xtick text").evaluate_all(_BOXES)
            assert not _overlaps(dates), _overlaps(dates)[:5]
            # notes written on the plot (span lengths, breaches, gaps): none over another
            notes = page.locator(".jp-OutputArea .js-plotly-plot .annotation-text").evaluate_all(_BOXES)
            assert not _overlaps(notes), _overlaps(notes)[:5]
            # the review panel, below the table: its controls whole and in view, none over another
            # or over the table's box
            panel = page.locator(".jp-OutputArea .widget-vbox", has_text="Review themes").last
            panel.scroll_into_view_if_needed()
            panel.screenshot(path=str(shots / "explorer-review.png"))
            controls = panel.locator(".widget-dropdown, .widget-text, button")
            assert controls.count() >= 12
            for i in range(controls.count()):
                cut = controls.nth(i).evaluate(_CLIPPED)
                assert cut < 1, f"review control {i} ({controls.nth(i).text_content()!r}) is cut by {cut:.0f} px"
            assert not _overlaps(controls.evaluate_all(_BOXES))
            top = panel.evaluate("p => p.getBoundingClientRect().top")
            below = table.evaluate("t => t.closest('.widget-html').getBoundingClientRect().bottom")
            assert top >= below - 1, f"the review panel (top {top:.0f}) overlaps the table (bottom {below:.0f})"
            # nothing in the output scrolls the notebook sideways
            wide = page.evaluate("""() => { const o = document.querySelector('.jp-OutputArea-output');
              return [o.scrollWidth, o.clientWidth]; }""")
            assert wide[0] <= wide[1] + 1, f"the explorer is wider than the notebook: {wide}"
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
