"""No network at run time: the whole pipeline and every report run with sockets blocked.

``socket.socket.connect``/``connect_ex``, ``socket.create_connection`` and ``socket.getaddrinfo`` are
replaced by functions that record the attempt and raise. Local Unix-domain sockets (used by some libraries
for inter-process signalling) stay allowed: they cannot reach a network. The test then asserts that
nothing tried to connect, so an attempt swallowed by a ``try/except`` somewhere still fails the test.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import chronology as chron


class NetworkBlocked(OSError):
    """Raised for every attempt to open a network connection during the test."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def _guard(sock: socket.socket, address: Any, real: Any) -> Any:
        if sock.family == getattr(socket, "AF_UNIX", None):
            return real(sock, address)
        attempts.append(f"connect {address!r}")
        raise NetworkBlocked(f"network access attempted: {address!r}")

    def connect(self: socket.socket, address: Any) -> Any:
        return _guard(self, address, real_connect)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        return _guard(self, address, real_connect_ex)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(f"create_connection {address!r}")
        raise NetworkBlocked(f"network access attempted: {address!r}")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(f"getaddrinfo {host!r}")
        raise NetworkBlocked(f"name lookup attempted: {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_the_guard_blocks_and_records(no_network: list[str]) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("example.invalid", 80))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkBlocked):
            s.connect(("192.0.2.1", 80))
    finally:
        s.close()
    assert len(no_network) == 2
    no_network.clear()


@pytest.fixture
def case_folder(tmp_path: Path, write_xlsx: Callable[..., Path], write_docx: Callable[..., Path]) -> Path:
    """A small case written on the fly: a police CSV, a health workbook, a school Word table."""
    (tmp_path / "police.csv").write_text(
        "Date,Time,Details,Action taken,Child seen\n"
        "01/03/2024,14:30,Police called to home: shouting reported,Advice given,N\n"
        "05/03/2024,23:10,Child reported missing from home,Found safe,Y\n"
        "31/02/2024,,Bad date row,None,\n"
        "20/04/2024,09:00,Police called again; child not seen,Referral to MASH,N\n",
        encoding="utf-8",
    )
    write_xlsx("health.xlsx", [
        ["Date", "Service", "Details", "Outcome"],
        [dt.datetime(2024, 3, 2, 9, 0), "A&E", "Attended A&E with cut to arm", "Discharged"],
        [dt.datetime(2024, 3, 20), "CAMHS", "Referral received from GP", "Waiting list"],
        ["Jun 2024", "CAMHS", "Assessment appointment", "=HYPERLINK(\"http://example.invalid\",\"x\")"],
    ], sheet="Contacts")
    write_docx("school.docx", [
        ["Date", "Details", "Child seen (Y/N)"],
        ["w/c 04/03/2024", "Teacher noticed bruise; child said \"I don't want to go home\"", "Y"],
        ["12/03/2024", "Attendance meeting with mother", "N"],
    ])
    (tmp_path / "case.toml").write_text(
        'case_id = "k"\ntitle = "Child K (fictional)"\n'
        '[[files]]\npath = "police.csv"\nagency = "police"\n'
        '[[files]]\npath = "health.xlsx"\nagency = "health"\n'
        '[[files]]\npath = "school.docx"\nagency = "education"\n',
        encoding="utf-8",
    )
    return tmp_path


def _offline_html(path: Path) -> list[str]:
    """Resources the page would load from elsewhere (script src, link href, img src, iframes...)."""

    class Refs(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.external: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            for attr in ("src", "href", "data"):
                v = (a.get(attr) or "").strip().lower()
                if tag in ("script", "link", "img", "iframe", "embed", "object", "source", "audio", "video") and v.startswith(("http:", "https:", "//", "ftp:")):
                    self.external.append(f"<{tag} {attr}={v}>")

    p = Refs()
    p.feed(path.read_text(encoding="utf-8"))
    return p.external


def _run_pipeline(c: chron.Chronology, out: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    pytest.importorskip("chronology.metrics")
    results["gaps"] = c.gaps(min_days=7)
    results["gaps_working"] = c.gaps(min_days=7, working_days=True)
    results["breaches"] = c.breaches()
    results["missing"] = c.missing()
    results["voice"] = c.voice()
    results["silences"] = c.silences()
    results["activity"] = c.activity()
    results["duplicates"] = c.duplicates()
    results["intervals"] = c.intervals(
        chron.Interval(
            "referral to assessment",
            start=chron.Match(event_type="referral"),
            end=chron.Match(event_type="assessment"),
            limit="45 working days",
            source="test rule",
        )
    )
    pytest.importorskip("chronology.themes")
    tagged = c.tag()
    results["tags"] = tagged.tags
    results["themes"] = tagged.themes()
    results["prompts"] = tagged.prompts()
    private = tagged.pseudonymise({"Cassie": "Child C"}, key=out / "key.toml").redact()
    results["redactions"] = private.redactions
    pytest.importorskip("chronology.plot")
    results["timeline"] = tagged.timeline()
    pytest.importorskip("chronology.report")
    results["xlsx"] = private.to_excel(out / "report.xlsx")
    results["html"] = private.to_html(out / "report.html")
    results["docx"] = private.to_docx(out / "report.docx")
    return results


def test_pipeline_and_reports_run_offline(no_network: list[str], case_folder: Path, tmp_path: Path) -> None:
    c = chron.read_case(case_folder)
    assert len(c.events) == 8
    assert len(c.rejects) == 1
    out = tmp_path / "out"
    out.mkdir()
    r = _run_pipeline(c, out)
    for name in ("xlsx", "html", "docx"):
        assert Path(r[name]).stat().st_size > 1000
    assert _offline_html(Path(r["html"])) == []
    fig = r["timeline"].to_dict()
    assert fig["data"], "the timeline has traces"
    assert isinstance(r["gaps"], pd.DataFrame)
    assert no_network == [], no_network


def test_bundled_sample_runs_offline(no_network: list[str], tmp_path: Path) -> None:
    folder = chron.samples.path("cassie")
    if not (folder / "case.toml").is_file():
        pytest.skip("the bundled sample data are not written yet")
    c = chron.samples.load("cassie")
    assert len(c.events) > 20
    r = _run_pipeline(c, tmp_path)
    assert _offline_html(Path(r["html"])) == []
    assert no_network == [], no_network


def test_explorer_builds_offline(no_network: list[str], case_folder: Path) -> None:
    pytest.importorskip("ipywidgets")
    explorer = pytest.importorskip("chronology.plot.explorer")
    c = chron.read_case(case_folder)
    widget = explorer.explore(c)
    assert widget is not None
    assert no_network == [], no_network
