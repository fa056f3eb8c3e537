"""The HTML report: self-contained, offline, escaped; rendered in headless Chromium with no network."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import chronology as chron
from chronology.report import to_html

ATTACK = "<script>alert(1)</script>"
PLOTLY_JS = re.compile(r"<script>/\*\*\s*\* plotly\.js v\d.*?</script>", re.DOTALL)


def _case() -> chron.Chronology:
    frame = pd.DataFrame(
        {
            "case_id": ["ruby"] * 8,
            "agency": ["police", "csc", "health_acute", "police", "csc", "education", "police", "police"],
            "service": ["Response", "MASH", "A&E", "CAIT", "MASH", "School", "Response", "Response"],
            "start": ["01/03/2024 22:15", "04/03/2024", "04/03/2024 14:10", "Mar 2024", "12/03/2024",
                      "2024-05-02 09:00", "2024-06-30 23:30", "2024-07-01 01:30"],
            "end": [None, None, "20/03/2024 19:30", None, None, None, None, None],
            "description": [
                "Police called to the home after a report of shouting",
                "Referral received from police; child not seen",
                "Attended A&E, stayed awaiting a placement",
                "Strategy discussion with CSC",
                f"Note pasted from an email: {ATTACK}",
                '=HYPERLINK("http://example.invalid","x") typed by mistake',
                "Police called to the home again",
                "Police called a third time; ruby went missing overnight",
            ],
            "child_seen": ["Y", "N", "Y", None, "N", None, "Y", "N"],
            "child_voice": [None, None, "I want to go home", None, None, None, None, None],
        }
    )
    bad = pd.DataFrame({"case_id": ["ruby"], "agency": ["police"], "start": ["31/02/2024"],
                        "description": [f"bad date {ATTACK}"]})
    return chron.Chronology.from_events(pd.concat([frame, bad], ignore_index=True), title=f"Ruby {ATTACK}")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return to_html(_case(), tmp_path_factory.mktemp("html") / "ruby.html")


def test_plotly_embedded_once_and_nothing_external(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert len(PLOTLY_JS.findall(page)) == 1
    assert page.count('<script type="application/json" id="fig-') >= 5  # timeline, timescales, voice, activity, themes
    ours = PLOTLY_JS.sub("", page)  # plotly.js itself holds URL strings it never fetches
    for pattern in (r'src\s*=\s*["\']?(https?:)?//', r'href\s*=\s*["\']?(https?:)?//', r"url\(\s*['\"]?(https?:)?//",
                    r"@import", r"<link\b", r"<iframe\b"):
        assert not re.search(pattern, ours, re.IGNORECASE), pattern
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page


def test_every_text_field_escaped(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert ATTACK not in page
    assert "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>Ruby &lt;script&gt;" in page
    # the only script tags: the embedded library, the figure loader, and one JSON block per figure
    tags = re.findall(r"<script\b[^>]*>", PLOTLY_JS.sub("", page))
    assert all(t == "<script>" or re.fullmatch(r'<script type="application/json" id="fig-\d+">', t) for t in tags)


def test_sections_present(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    for anchor in ("summary", "timeline", "gaps", "breaches", "missing", "voice", "activity", "themes",
                   "chronology", "rejects", "provenance"):
        assert f'<section id="{anchor}">' in page
    assert "Rejected rows (1)" in page
    assert "Hospital (acute)" in page
    assert "04/03/2024 14:10 to 20/03/2024 19:30" in page  # the A&E stay in the chronology table


def test_empty_and_single_event_reports(tmp_path: Path) -> None:
    one = chron.Chronology.from_events(
        pd.DataFrame({"case_id": ["x"], "agency": ["police"], "start": ["2024-03-01 10:00"], "description": ["Call"]})
    )
    for c, name in ((one, "one"), (chron.combine([]), "none")):
        page = to_html(c, tmp_path / f"{name}.html").read_text(encoding="utf-8")
        assert len(PLOTLY_JS.findall(page)) == 1
        assert '<section id="provenance">' in page
    assert "None: every row of every file became an event." in page  # no rejects, said in words


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _headless(browser: str, page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Open ``page`` in headless Chromium with every network request sent to a dead proxy."""
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=15000", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.mark.skipif(_chromium() is None, reason="no Chromium browser installed (apt-get install chromium)")
def test_renders_offline_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    run = _headless(browser, report, tmp_path / "profile", "--dump-dom")
    dom = run.stdout
    assert run.returncode == 0, run.stderr[-2000:]
    # plotly drew every figure: two main-svg layers per plot, the timeline's scatter layer and marks
    figures = report.read_text(encoding="utf-8").count('<script type="application/json" id="fig-')
    assert dom.count('class="main-svg"') >= 2 * figures
    assert "scatterlayer" in dom
    assert re.search(r'class="point"|class="trace scatter', dom)
    assert 'class="plotly-notifier"' not in dom or "error" not in dom.lower().split('class="plotly-notifier"')[1][:500]
    # the page asked for nothing outside itself: no CSP violation, no failed fetch
    log = run.stderr
    assert "Content Security Policy" not in log, [ln for ln in log.splitlines() if "Content Security" in ln][:3]
    assert "ERR_PROXY_CONNECTION_FAILED" not in log
    assert "ERR_NAME_NOT_RESOLVED" not in log
    assert "Uncaught" not in log, [ln for ln in log.splitlines() if "Uncaught" in ln][:3]
    # the hostile description stayed text
    assert ATTACK not in dom
