"""The reports' one section list (``report._common.SECTIONS``) drives the HTML, Excel and Word writers.

Adding a section that shows an analysis table is one entry in ``SECTIONS``: every writer shows it
under its heading, with its note and the table's reader view. And each writer emits the real
sections in ``SECTIONS`` order, leaving out only what it says it leaves out.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest

import chronology as chron
from chronology.report import _common, docx, excel, html

docx_lib = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def cassie() -> chron.Chronology:
    c = chron.samples.load("cassie")
    return c.tag()  # tagged once here, as every writer would


class _Sections(HTMLParser):
    """The sections of an HTML report, in order: id, heading, notes and table rows (class, cells)."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []
        self.heading: dict[str, str] = {}
        self.notes: dict[str, list[str]] = {}
        self.rows: dict[str, list[tuple[str, list[str]]]] = {}
        self._section: str | None = None
        self._text: list[str] | None = None
        self._where = ""
        self._row: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self._section = a.get("id") or ""
            self.order.append(self._section)
            self.notes[self._section], self.rows[self._section] = [], []
        elif self._section is None:
            return
        elif tag == "tr":
            self._row = (a.get("class") or "", [])
        elif tag in ("h2", "td") or (tag == "p" and "note" in (a.get("class") or "")):
            self._text, self._where = [], tag
        elif tag == "br" and self._text is not None:
            self._text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._section is None:
            return
        if tag == self._where and self._text is not None:
            text = "".join(self._text)
            if tag == "h2":
                self.heading[self._section] = text
            elif tag == "p":
                self.notes[self._section].append(text)
            elif self._row is not None:
                self._row[1].append(text)
            self._text = None
        elif tag == "tr" and self._row is not None:
            if self._row[1]:  # the header row has th cells only
                self.rows[self._section].append(self._row)
            self._row = None
        elif tag == "section":
            self._section = None


def _html_sections(path: Path) -> _Sections:
    parser = _Sections()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _cut(text: str) -> str:
    """A cell as the HTML report shows it (long free text cut, as ``html._view_table`` does)."""
    if len(text) > html.CUT_AT:
        return text[: html.CUT_AT - 1].rstrip() + "…"
    return text


def _excel_text(value: object, kind: str) -> str:
    """A cell read back with openpyxl, as ``view_text`` writes it."""
    if value is None:
        return "not recorded" if kind == "percent" else ""
    if isinstance(value, dt.datetime):
        if kind == "month":
            return f"{value:%b %Y}"
        return f"{value:%d/%m/%Y}" if value.time() == dt.time(0) else f"{value:%d/%m/%Y %H:%M}"
    if kind == "percent" and isinstance(value, int | float):
        return f"{round(value * 100):d}%"
    if isinstance(value, float):
        return f"{round(value, 1):g}"
    return str(value)


def _docx_heading_and_table(doc: object, heading: str) -> tuple[list[str], list[list[str]]]:
    """The paragraphs after the Heading 1 ``heading`` up to its table, and that table's rows."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = doc.element.body  # type: ignore[attr-defined]
    found = False
    paragraphs: list[str] = []
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            p = Paragraph(child, doc)  # type: ignore[arg-type]
            if found:
                if p.style is not None and p.style.name == "Heading 1":
                    break
                paragraphs.append(p.text)
            elif p.style is not None and p.style.name == "Heading 1" and p.text == heading:
                found = True
        elif found and child.tag.endswith("}tbl"):
            table = Table(child, doc)  # type: ignore[arg-type]
            return paragraphs, [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(f"no table under the heading {heading!r}")


# ------------------------------------------------------------------ a new section is one entry
@pytest.mark.parametrize("table", ["Gaps", "Breaches"])
def test_a_new_table_section_appears_in_every_report(
    cassie: chron.Chronology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    new = _common.Section("again", f"{table}, once more", table,
                          f"The {table.lower()} once more, from its one SECTIONS entry.")
    monkeypatch.setattr(_common, "SECTIONS", [*_common.SECTIONS, new])
    view = _common.Analyses(cassie).view(table)
    text = _common.view_text(view)
    assert len(text) > 0, "the sample must have rows to show"
    columns = list(text.columns)
    rows = text.to_numpy().tolist()

    # HTML: its own <section>, heading, note and the reader view's rows (flagged rows highlighted)
    page = _html_sections(html.to_html(cassie, tmp_path / "r.html"))
    assert page.order[-1] == "again"
    assert page.heading["again"] == new.heading
    assert page.notes["again"] == [new.note]
    shown = page.rows["again"]
    assert [cells for _, cells in shown] == [[_cut(v) for v in row] for row in rows]
    flags = [False] * len(rows) if view.flag is None else view.flag.tolist()
    assert ["flag" in cls for cls, _ in shown] == flags
    if table == "Breaches":
        assert all(flags)  # the breached checks, highlighted
        assert {cells[1] for _, cells in shown} == {"Breached"}

    # Excel: a sheet named by the heading, the reader's columns first, every row
    wb = openpyxl.load_workbook(excel.to_excel(cassie, tmp_path / "r.xlsx"))
    assert wb.sheetnames[-1] == new.heading
    ws = wb[new.heading]
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0][: len(columns)]) == columns
    kinds = [view.kinds.get(col, "text") for col in columns]
    read = [[_excel_text(v, k) for v, k in zip(row[: len(columns)], kinds, strict=True)] for row in values[1:]]
    assert read == rows
    assert list(values[0][len(columns):]) == list(excel._view_sheet(view).frame.columns[len(columns):])

    # Word: the heading, the note in italics, the table in the reader's columns
    path = docx.to_docx(cassie, tmp_path / "r.docx")
    doc = docx_lib.Document(str(path))
    notes, table_rows = _docx_heading_and_table(doc, new.heading)
    assert new.note in notes
    assert table_rows[0] == columns
    assert table_rows[1:] == rows[: docx.MAX_ROWS]
    # ... and the Word report can be asked for it alone
    alone = docx_lib.Document(str(docx.to_docx(cassie, tmp_path / "alone.docx", sections=["again"])))
    assert [p.text for p in alone.paragraphs if p.style.name == "Heading 1"] == [new.heading]


def test_a_new_sheet_name_is_the_heading_made_a_sheet_name() -> None:
    long = _common.Section("x", "Reviews: who/what? [draft] and a heading too long for Excel", "Gaps")
    name = excel._sheet_name(long)
    assert len(name) <= 31
    assert not set(name) & set("[]:*?/\\")
    assert name == "Reviews  who what   draft  and"
    assert excel._sheet_name(_common.section("breaches")) == "Breaches"


# ------------------------------------------------------------------ the real order, per writer
def test_html_emits_every_section_in_order(cassie: chron.Chronology, tmp_path: Path) -> None:
    page = _html_sections(html.to_html(cassie, tmp_path / "r.html"))
    assert page.order == [s.key for s in _common.SECTIONS]  # the HTML report leaves nothing out
    gap_days = _common.config()["analysis"]["gap_min_days"]
    assert [page.heading[k] for k in page.order] == [
        _common.section_heading(s, cassie, gap_days=gap_days) for s in _common.SECTIONS
    ]
    for s in _common.SECTIONS:
        if s.note:
            assert page.notes[s.key][0] == s.note, s.key


def test_word_emits_the_sections_in_order_without_the_figures(cassie: chron.Chronology, tmp_path: Path) -> None:
    # what Word leaves out is said in one place: the figures, which are in the HTML report
    assert docx._OMITTED == ("timeline", "activity")
    assert [s.key for s in _common.SECTIONS if s.key not in docx._OMITTED] == docx.WORD_SECTIONS
    doc = docx_lib.Document(str(docx.to_docx(cassie, tmp_path / "r.docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    gap_days = _common.config()["analysis"]["gap_min_days"]
    # the summary is written under the title, with no heading of its own
    assert headings == [_common.section_heading(s, cassie, gap_days=gap_days)
                        for s in _common.SECTIONS if s.key in docx.WORD_SECTIONS and s.key != "summary"]
    assert doc.paragraphs[1].text.startswith("Case: ")


def test_excel_emits_a_sheet_per_section_in_order(cassie: chron.Chronology, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(excel.to_excel(cassie, tmp_path / "r.xlsx"))
    # the chronology itself comes first (it is the record); then the sections with a table, in
    # SECTIONS order; the summary and the figures have no sheet
    assert wb.sheetnames[0] == "Chronology" == excel._sheet_name(_common.section("chronology"))
    assert wb.sheetnames[1:] == [excel._sheet_name(s) for s in _common.SECTIONS if s.table is not None]
    assert wb.sheetnames == [s for s in excel.SHEETS if s != "Intervals"]  # Intervals: only with rules
    gaps = _common.Analyses(cassie).view("Gaps")
    assert [c.value for c in wb["Gaps"][1]][: gaps.frame.shape[1]] == list(gaps.frame.columns)
    assert wb["Gaps"].max_row == len(gaps.frame) + 1


def test_the_sections_a_writer_draws_its_own_way_are_named_once() -> None:
    keys = {s.key for s in _common.SECTIONS}
    assert set(html._SPECIAL) <= keys
    assert set(docx._SPECIAL) == {"summary", "chronology"}
    assert set(excel._SPECIAL) == {"Chronology", "Intervals", "Themes"}
    # every other section with a table is drawn from its entry alone
    generic = [s.key for s in _common.SECTIONS if s.table is not None and s.key not in html._SPECIAL]
    assert generic == ["met", "missing", "duplicates", "rejects", "provenance"]
    assert all(s.table in _common.VIEW_NAMES for s in _common.SECTIONS if s.table is not None)
