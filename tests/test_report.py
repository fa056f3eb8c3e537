"""Tests of chronology.report: Excel, Word, HTML, images, and the safe-text helpers."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import ChronologyError, MissingDependencyError, OptionError
from chronology.report import _common, to_docx, to_excel
from chronology.report._safe import FORMULA_PREFIXES, clean_text, escape_html, neutralise

HOSTILE = [
    '=HYPERLINK("http://example.invalid/x","click")',
    "+44 7700 900123 rang the duty line",
    "-10 mins late to the review",
    "@SUM(1+1) typed into the notes",
    "<script>alert(1)</script> pasted from an email",
]


def _frame() -> pd.DataFrame:
    """A small fictional case: two agencies' worth of events, a span, approximate and uncertain
    dates, child seen yes/no/not recorded, the child's words, and hostile text."""
    return pd.DataFrame(
        {
            "case_id": ["ruby"] * 9,
            "agency": ["police", "csc", "health_acute", "police", "csc", "education", "csc", "police", "health_camhs"],
            "service": ["Response", "MASH", "A&E", "CAIT", "MASH", "School", "Locality", "Response", "CAMHS"],
            "start": [
                "01/03/2024 22:15",
                "04/03/2024",
                "04/03/2024 14:10",
                "Mar 2024",
                "?12/03/2024",
                "2024-04-02 09:00",
                "2024-04-10",
                "2024-06-30 23:30",
                "2024-07-01 09:00",
            ],
            "end": [None, None, "20/03/2024 19:30", None, None, None, None, None, None],
            "description": [
                HOSTILE[0],
                "Referral received from police",
                "Attended A&E, stayed awaiting a placement",
                HOSTILE[1],
                HOSTILE[2],
                HOSTILE[3],
                HOSTILE[4],
                "Police called to the home; ruby found safe\nadvice given",
                "CAMHS assessment (BST: 09:00 wall time)",
            ],
            "action": ["Referred to CSC", "NFA", None, None, "=1+1", None, "Visit booked", None, "Follow-up in 2 weeks"],
            "child_seen": ["Y", "N", "Y", None, "N", None, "Y", "Y", "Y"],
            "child_voice": [None, None, "I want to go home", None, None, None, None, "-I'm fine", None],
        }
    )


@pytest.fixture(scope="module")
def case() -> chron.Chronology:
    frame = _frame()
    bad = pd.DataFrame(
        {"case_id": ["ruby"], "agency": ["police"], "start": ["=NOW()"], "description": ["unreadable date row"]}
    )
    return chron.Chronology.from_events(pd.concat([frame, bad], ignore_index=True), title="Ruby <test>")


# ---------------------------------------------------------------------------------- _safe
def test_neutralise_prefixes_every_formula_start_and_nothing_else() -> None:
    s = pd.Series(["=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", " =1", "'=x", None], dtype="str")
    out = neutralise(s)
    assert out.tolist()[:6] == ["'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx"]
    assert out.tolist()[6:9] == ["a=1", " =1", "'=x"]
    assert pd.isna(out.iloc[9])
    assert out.dtype == s.dtype
    assert s.iloc[0] == "=1"  # input untouched


def test_neutralise_object_and_numbers() -> None:
    mixed = pd.Series(["=x", 5, None, -3.0], dtype=object)
    assert neutralise(mixed).tolist()[:2] == ["'=x", 5]
    assert neutralise(pd.Series([-1, -2])).tolist() == [-1, -2]


@given(st.lists(st.text(max_size=12), max_size=20))
def test_neutralise_property(texts: list[str]) -> None:
    out = neutralise(pd.Series(texts, dtype="str"))
    for before, after in zip(texts, out, strict=True):
        if before and before[0] in FORMULA_PREFIXES:
            assert after == "'" + before
        else:
            assert after == before


def test_clean_text_and_escape() -> None:
    assert clean_text(pd.Series(["a\x00b\x0bc\td"], dtype="str")).tolist() == ["abc\td"]
    cut = clean_text(pd.Series(["x" * 50], dtype="str"), max_chars=10).iloc[0]
    assert cut.startswith("x" * 10 + " [... cut")
    assert escape_html(pd.Series(['<a href="x">&</a>'])).iloc[0] == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"


def test_docx_widths_fill_landscape_a4() -> None:
    settings = _common.config()["docx"]
    widths = settings["widths_mm"]
    usable = 297 - 2 * settings["margin_mm"]
    assert sum(v for k, v in widths.items() if k != "case") == usable


def test_display_dates_follow_precision(case: chron.Chronology) -> None:
    shown = dict(zip(case.events["description"], _common.display_dates(case.events), strict=True))
    assert shown[HOSTILE[0]] == "01/03/2024 22:15"
    assert shown["Referral received from police"] == "04/03/2024"
    assert shown[HOSTILE[1]] == "Mar 2024"
    assert shown[HOSTILE[2]] == "?12/03/2024"


# ---------------------------------------------------------------------------------- Excel
def _open(path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    return openpyxl.load_workbook(path)


def _no_formulas(wb) -> list[str]:
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (
                    isinstance(cell.value, str) and cell.value[:1] in FORMULA_PREFIXES and not cell.quotePrefix
                ):
                    found.append(f"{ws.title}!{cell.coordinate}={cell.value!r}")
    return found


def test_excel_chronology_sheet(case: chron.Chronology, tmp_path: Path) -> None:
    path = to_excel(case, tmp_path / "ruby.xlsx", sheets=["Chronology", "Rejects", "Provenance"])
    wb = _open(path)
    assert wb.sheetnames == ["Chronology", "Rejects", "Provenance"]
    ws = wb["Chronology"]
    header = [c.value for c in ws[1]]
    for wanted in ["Date", "Agency", "Service", "Type", "What happened", "Action / outcome", "Child seen",
                   "Child's views", "Practitioner", "Source file", "Row", "Date precision", "Date uncertain"]:
        assert wanted in header
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{len(case.events) + 1}"
    assert all(c.font.b for c in ws[1])
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(case.events) == 9
    col = {h: i for i, h in enumerate(header)}
    # every event present, by its id
    assert {r[col["Event id"]] for r in rows} == set(case.events["event_id"])
    # real dates, Europe/London wall time, with a date number format
    date_cells = [r[col["Date"]] for r in ws.iter_rows(min_row=2)]
    assert all(c.is_date and isinstance(c.value, dt.datetime) for c in date_cells)
    assert all("yy" in c.number_format for c in date_cells)
    values = [c.value for c in date_cells]
    assert dt.datetime(2024, 7, 1, 9, 0) in values  # BST wall time, not 08:00 UTC
    assert "Europe/London" in ws.cell(1, col["Date"] + 1).comment.text
    assert dt.datetime(2024, 3, 1, 22, 15) in values
    span = next(r for r in rows if r[col["What happened"]].startswith("Attended A&E"))
    assert span[col["End"]] == dt.datetime(2024, 3, 20, 19, 30)
    assert span[col["Agency"]] == "Hospital (acute)"
    assert span[col["Child's views"]] == "I want to go home"
    # a long text column is capped and wraps
    what = ws.column_dimensions[ws.cell(1, col["What happened"] + 1).column_letter]
    assert what.width <= 61  # 60 characters; the file stores Excel's padding (60.71)
    assert _no_formulas(wb) == []


def test_excel_neutralises_formula_text(case: chron.Chronology, tmp_path: Path) -> None:
    wb = _open(to_excel(case, tmp_path / "x.xlsx", sheets=["Chronology", "Rejects"]))
    assert _no_formulas(wb) == []
    # stored as text with Excel's quote prefix: the reader sees exactly what was written, no apostrophe
    quoted = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and c.quotePrefix}
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert not any(t.startswith("'") and t[1:2] in FORMULA_PREFIXES for t in texts)
    for hostile in HOSTILE[:4]:
        assert hostile.strip() in quoted or hostile in quoted
    assert "=1+1" in quoted  # an action
    assert "-I'm fine" in quoted  # the child's words
    assert "=NOW()" in quoted  # a rejected value
    assert "Seen at home" not in quoted
    # and the raw xml holds no <f> element at all
    with zipfile.ZipFile(tmp_path / "x.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode()


def test_excel_long_text_wraps_in_a_capped_column(tmp_path: Path) -> None:
    long = "Strategy discussion notes " * 20
    c = chron.Chronology.from_events(pd.DataFrame(
        {"case_id": ["x", "x"], "agency": ["csc", "csc"], "start": ["2024-03-01", "2024-03-02"],
         "description": [long, "Short"]}))
    ws = _open(to_excel(c, tmp_path / "w.xlsx", sheets=["Chronology"]))["Chronology"]
    col = [c.value for c in ws[1]].index("What happened") + 1
    assert ws.column_dimensions[ws.cell(1, col).column_letter].width == pytest.approx(60, abs=1)  # Excel stores 60 characters plus padding
    assert ws.cell(2, col).alignment.wrap_text
    assert ws.cell(2, col).value == long.strip()
    date = ws.cell(2, [c.value for c in ws[1]].index("Date") + 1)
    assert date.number_format == "dd/mm/yyyy"  # a date known to the day shows no time


def test_excel_options(case: chron.Chronology, tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="'Chronology'"):
        to_excel(case, tmp_path / "x.xlsx", sheets=["Timeline"])
    with pytest.raises(OptionError, match="intervals="):
        to_excel(case, tmp_path / "x.xlsx", sheets=["Intervals"])


def test_excel_empty_chronology(tmp_path: Path) -> None:
    empty = chron.combine([])
    wb = _open(to_excel(empty, tmp_path / "e.xlsx", sheets=["Chronology", "Rejects", "Provenance"]))
    for ws in wb.worksheets:
        assert ws.max_row == 1
        assert ws.freeze_panes == "A2"


def test_excel_full_workbook(case: chron.Chronology, tmp_path: Path) -> None:
    rule = chron.Interval("referral to visit", start=chron.Match(event_type="referral"),
                          end=chron.Match(agency="csc", text="visit"), limit="5 working days")
    wb = _open(to_excel(case, tmp_path / "full.xlsx", intervals=[rule]))
    assert wb.sheetnames == ["Chronology", "Gaps", "Intervals", "Breaches", "Timescales met", "Missing follow-ups",
                             "Voice", "Silences", "Duplicates", "Themes", "Prompts", "Rejects", "Provenance"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref is not None
        assert ws.max_row >= 1
    assert wb["Chronology"].max_row == len(case.events) + 1
    assert wb["Rejects"].max_row == len(case.rejects) + 1 == 2
    tags = case.tag().tags
    assert wb["Themes"].max_row == len(tags) + 1
    assert _no_formulas(wb) == []


def test_excel_analysis_sheets_tolerate_empty_results(tmp_path: Path) -> None:
    one = chron.Chronology.from_events(
        pd.DataFrame({"case_id": ["x"], "agency": ["police"], "start": ["2024-03-01 10:00"], "description": ["Call"]})
    )
    wb = _open(to_excel(one, tmp_path / "one.xlsx"))
    assert wb.sheetnames == ["Chronology", "Gaps", "Breaches", "Timescales met", "Missing follow-ups", "Voice",
                             "Silences", "Duplicates", "Themes", "Prompts", "Rejects", "Provenance"]
    for name in ("Gaps", "Missing follow-ups", "Rejects"):
        ws = wb[name]
        assert ws.max_row == 1, name  # header only
        assert ws.cell(1, 1).value, name
        assert ws.cell(1, 1).font.b
        assert ws.freeze_panes == "A2"
    assert wb["Chronology"].max_row == 2
    assert [c.value for c in wb["Gaps"][1]][:3] == ["From", "To", "Days"]


# ---------------------------------------------------------------------------------- Word
def _chronology_table(doc):
    """The Word report's integrated chronology: the table under the "Integrated chronology" heading."""
    (table,) = [t for t in doc.tables if t.rows[0].cells[-1].text == "Source (file, row)"]
    return table


def test_docx_follows_the_section_list(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from chronology.report.docx import WORD_SECTIONS

    c = chron.samples.load("cassie")
    doc = docx.Document(str(to_docx(c, tmp_path / "cassie.docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    expected = [s.heading for s in _common.SECTIONS if s.key in WORD_SECTIONS and s.key != "summary"]
    expected = [f"Gaps of {_common.config()['analysis']['gap_min_days']:g} days or more" if h == "Gaps"
                else "Rejected rows (0)" if h == "Rejected rows" else h for h in expected]
    assert headings == expected
    text = "\n".join(p.text for p in doc.paragraphs)
    for sec in _common.SECTIONS:
        if sec.key in WORD_SECTIONS and sec.note:
            assert sec.note in text, sec.key
    # each analysis table is the reader's view (the workbook's and the CLI's columns)
    breaches = _common.reader_view(c.breaches(), "Breaches")
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Timescale")  # breaches, then met
    assert [cell.text for cell in table.rows[0].cells] == list(breaches.frame.columns)
    assert len(table.rows) - 1 == len(breaches.frame)  # 3 breaches in Cassie's case
    assert {r.cells[1].text for r in table.rows[1:]} == {"Breached"}
    # the chronology table whole, after the analyses
    assert len(_chronology_table(doc).rows) == len(c.events) + 1
    # a long table is cut to MAX_ROWS with a note
    from chronology.report.docx import MAX_ROWS

    voice = _common.reader_view(c.voice(), "Voice")
    if len(voice.frame) > MAX_ROWS:
        assert f"The first {MAX_ROWS} of {len(voice.frame)} rows" in text
    only = docx.Document(str(to_docx(c, tmp_path / "only.docx", sections=["chronology"])))
    assert len(only.tables) == 1
    with pytest.raises(chron.errors.OptionError, match="choose from"):
        to_docx(c, tmp_path / "x.docx", sections=["timeline"])


def test_docx_table(case: chron.Chronology, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    path = to_docx(case, tmp_path / "ruby.docx")
    doc = docx.Document(str(path))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Ruby <test>" in text
    assert "Case: ruby." in text
    assert "Period: 01/03/2024 to 20/03/2024" not in text  # period runs to the last event
    assert "Period: 01/03/2024 to 01/07/2024." in text
    assert "9 events from 5 agencies" in text
    assert "1 row could not be read" in text
    table = _chronology_table(doc)
    assert len(table.rows) == len(case.events) + 1
    header = table.rows[0]
    assert [c.text for c in header.cells] == [
        "Date", "Agency", "Service", "What happened", "Action / outcome", "Child seen", "Source (file, row)"
    ]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in table.rows[1:]:
        assert row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert all(r[1] and r[6].startswith("<frame>, row ") for r in body)  # agency and source on every row
    by_what = {r[3].split("\n")[0]: r for r in body}
    stay = by_what["Attended A&E, stayed awaiting a placement"]
    assert stay[0] == "04/03/2024 14:10 to 20/03/2024 19:30"
    assert stay[1] == "Hospital (acute)"
    assert "Child's views: I want to go home" in stay[3]
    assert by_what[HOSTILE[4]][5] == "Yes"
    assert by_what[HOSTILE[1]][0] == "Mar 2024"
    assert by_what[HOSTILE[1]][5] == ""
    assert by_what["Police called to the home; ruby found safe"][3].split("\n")[1] == "advice given"
    # small readable font
    assert doc.styles["Normal"].font.size.pt == 8


def test_docx_caseload_adds_case_column(case: chron.Chronology, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    other = _frame().assign(case_id="sam")
    both = chron.combine([case, chron.Chronology.from_events(other, source="sam.csv")])
    doc = docx.Document(str(to_docx(both, tmp_path / "two.docx")))
    table = _chronology_table(doc)
    assert table.rows[0].cells[0].text == "Case"
    assert len(table.rows) == len(both.events) + 1
    assert {r.cells[0].text for r in table.rows[1:]} == {"ruby", "sam"}


def test_docx_empty(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document(str(to_docx(chron.combine([]), tmp_path / "e.docx", title="Nothing")))
    assert len(_chronology_table(doc).rows) == 1
    assert "No events." in "\n".join(p.text for p in doc.paragraphs)


# ---------------------------------------------------------------------------------- images
def test_export_image_without_kaleido(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    import plotly.graph_objects as go

    from chronology.report import export_image

    monkeypatch.setitem(sys.modules, "kaleido", None)
    with pytest.raises(MissingDependencyError, match=r"chronology\[image\]"):
        export_image(go.Figure(), tmp_path / "x.png")


def test_export_image_without_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    kaleido = pytest.importorskip("kaleido")
    import plotly.graph_objects as go
    from kaleido.errors import ChromeNotFoundError

    from chronology.report import export_image

    def no_chrome(*args, **kwargs):
        raise ChromeNotFoundError("no chrome")

    monkeypatch.setattr(kaleido, "calc_fig_sync", no_chrome)
    with pytest.raises(ChronologyError, match="install Chromium"):
        export_image(go.Figure(), tmp_path / "x.png")
    with pytest.raises(OptionError, match="png, svg"):
        export_image(go.Figure(), tmp_path / "x.gif", format="gif")  # type: ignore[arg-type]


def _chromium() -> str | None:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="no Chromium browser installed (apt-get install chromium)")
def test_export_image_png_and_svg(tmp_path: Path) -> None:
    pytest.importorskip("kaleido")
    import plotly.graph_objects as go

    from chronology.report import export_image

    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="events"))
    png = export_image(fig, tmp_path / "fig.png", width=400, height=300)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = export_image(fig, tmp_path / "fig.svg", width=400, height=300)
    assert b"<svg" in svg.read_bytes()[:400]
