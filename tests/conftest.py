"""Shared fixtures: tiny agency files written on the fly (synthetic, fictional), writers of one-table
workbooks and Word documents, and the three worked examples as one caseload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pytest

import chronology as chron


@pytest.fixture
def small_events() -> pd.DataFrame:
    """A hand-made canonical-named frame of six events across three agencies."""
    return pd.DataFrame(
        {
            "case_id": ["k"] * 6,
            "agency": ["police", "health_acute", "health_acute", "csc", "csc", "education"],
            "start": [
                "01/03/2024 14:30", "02/03/2024 09:00", "Mar 2024", "2024-03-10", "w/c 18/03/2024",
                "25th March 2024",
            ],
            "description": [
                "Police called to home address", "Attended A&E with cut to arm",
                "Seen in clinic", "Referral received from school", "Home visit, child seen alone",
                "Teacher concerned about attendance",
            ],
            "child_seen": ["", "Y", "N", "", "Yes", "n/k"],
        }
    )


@pytest.fixture
def small(small_events: pd.DataFrame) -> chron.Chronology:
    return chron.Chronology.from_events(small_events, source="small")


@pytest.fixture
def police_xlsx(tmp_path: Path) -> Path:
    """Workbook: a title sheet, a chronology sheet with two preamble rows, real date cells, text dates
    and an Excel serial in one column; a second chronology sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cover"
    ws["A1"] = "Review of involvement: fictional child K"
    ws2 = wb.create_sheet("Incidents")
    ws2.append(["Chronology of police involvement - CONFIDENTIAL"])
    ws2.append([])
    ws2.append(["Date/Time", "Incident type", "Details", "Action taken", "Officer"])
    ws2.append([dt.datetime(2024, 3, 1, 14, 30), "Concern for welfare", "Police called to home", "Advice", "PC"])
    ws2.append(["02/03/2024 22:15", None, "Child reported missing from home", "Found safe", "PS"])
    ws2.append([45386.5, None, "Officers attended school", None, "PC"])
    ws2.append([None, None, None, None, None])
    ws2.append(["Mar 2024", None, "Intelligence report submitted", None, "DC"])
    ws3 = wb.create_sheet("Custody")
    ws3.append(["Date", "Time", "Details"])
    ws3.append([dt.datetime(2024, 3, 5), "23:10", "Arrested and booked into custody"])
    p = tmp_path / "police.xlsx"
    wb.save(p)
    return p


@pytest.fixture
def school_docx(tmp_path: Path) -> Path:
    """Word document: a cover table, a chronology table with a merged date cell, a repeated header
    row, line breaks in a cell, and a second table continuing on the next page without a header."""
    import docx
    from docx.enum.section import WD_ORIENT

    d = docx.Document()
    d.sections[0].orientation = WD_ORIENT.LANDSCAPE
    cover = d.add_table(rows=2, cols=2)
    cover.cell(0, 0).text, cover.cell(0, 1).text = "Child", "K (fictional)"
    cover.cell(1, 0).text, cover.cell(1, 1).text = "School", "Northgate Academy"
    d.add_paragraph("Chronology")
    t = d.add_table(rows=6, cols=4)
    rows = [
        ["Date", "Details", "Outcome", "Child seen (Y/N)"],
        ["w/c 04/03/2024", "Teacher noticed bruise on arm", "DSL informed", "Y"],
        ["", "Child said: \"I don't want to go home\"", "Referral to MASH", "Y"],
        ["Date", "Details", "Outcome", "Child seen (Y/N)"],
        ["12-Mar-2024", "Attendance meeting with mother\nChild not present", "Plan agreed", "N"],
        ["Jan 2024", "Attendance dropped", "Letter home", ""],
    ]
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    # the first column of rows 1-2 is one merged cell (same week)
    t.cell(1, 0).merge(t.cell(2, 0))
    t.cell(1, 0).text = "w/c 04/03/2024"
    d.add_page_break()
    t2 = d.add_table(rows=1, cols=4)
    for j, v in enumerate(["?15/04/2024", "Approx date: exclusion meeting", "Reduced timetable", "Y"]):
        t2.cell(0, j).text = v
    p = tmp_path / "school.docx"
    d.save(p)
    return p


# the worked examples take a second each to read; a Chronology is immutable, so the session shares them
@pytest.fixture(scope="session")
def cassie() -> chron.Chronology:
    """The worked example of Cassie, as ``chron.samples.load("cassie")`` reads it (untagged)."""
    return chron.samples.load("cassie")


@pytest.fixture(scope="session")
def carlos() -> chron.Chronology:
    """The worked example of Carlos, as ``chron.samples.load("carlos")`` reads it (untagged)."""
    return chron.samples.load("carlos")


@pytest.fixture(scope="session")
def camille() -> chron.Chronology:
    """The worked example of Camille, as ``chron.samples.load("camille")`` reads it (untagged)."""
    return chron.samples.load("camille")


@pytest.fixture(scope="session")
def samples(cassie: chron.Chronology, carlos: chron.Chronology, camille: chron.Chronology) -> chron.Chronology:
    """The three worked examples as one caseload of three children."""
    return chron.combine([cassie, carlos, camille])


#: a writer of one file from its rows (the header row first), named in ``tmp_path``
Writer = Callable[..., Path]


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Writer:
    """``write_xlsx(name, rows, sheet=None)``: a workbook of one sheet holding ``rows``, in ``tmp_path``."""
    import openpyxl

    def write(name: str, rows: Sequence[Sequence[object]], sheet: str | None = None) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        if sheet is not None:
            ws.title = sheet
        for row in rows:
            ws.append(list(row))
        path = tmp_path / name
        wb.save(path)
        return path

    return write


@pytest.fixture
def write_docx(tmp_path: Path) -> Writer:
    """``write_docx(name, rows)``: a Word document of one table holding ``rows``, in ``tmp_path``."""
    import docx

    def write(name: str, rows: Sequence[Sequence[str]]) -> Path:
        d = docx.Document()
        table = d.add_table(rows=len(rows), cols=len(rows[0]))
        for cells, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(cells.cells, values, strict=True):
                cell.text = value
        path = tmp_path / name
        d.save(str(path))
        return path

    return write
