"""More of the malformed-input corpus (files ``x_*`` written by tests/data/make_bad_more.py), plus files too
big to commit, generated here: tens of thousands of rows, a workbook whose used range reaches column XFD.

Every file gives a ChronologyError naming the file and saying what to do, or events and rejects that account
for every row. Known defects of the reader/normaliser are ``xfail(strict=True)`` tests: they start to pass
(and so fail as XPASS) when the defect is fixed, and then the marker should go.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import chronology as chron
from chronology.errors import ChronologyError, ColumnMappingError, SourceReadError

BAD = Path(__file__).parent / "data" / "bad"
X_FILES = sorted(p for p in BAD.iterdir() if p.is_file() and p.name.startswith("x_"))

#: file -> (error class, words the message must contain)
ERRORS: dict[str, tuple[type[ChronologyError], str]] = {
    "x_bom_only.csv": (SourceReadError, "no rows|empty"),
    "x_bom_blank_lines.csv": (ColumnMappingError, "no header row"),
    # issue 14: two columns headed Date with different dates: refused, naming both
    "x_duplicate_date_columns.csv": (ColumnMappingError, "could equally be the date.*'Date'.*'Date \\(2\\)'"),
    "x_empty_document.docx": (SourceReadError, "no table"),
    "x_header_only_table.docx": (SourceReadError, "no data rows"),
    "x_header_too_deep.csv": (ColumnMappingError, "no header row"),
    "x_html_table.csv": (ColumnMappingError, "no header row"),
    "x_json.csv": (ColumnMappingError, "no header row"),
    "x_utf16le_no_bom.csv": (SourceReadError, "binary"),
    "x_zip_not_docx.docx": (SourceReadError, "not a readable Word"),
    "x_unclosed_quote.csv": (SourceReadError, "unclosed quote"),
    "x_utf16_truncated.csv": (SourceReadError, "UTF-16 but is damaged"),
    "x_utf16_lone_surrogate.csv": (SourceReadError, "UTF-16 but is damaged"),
}

#: file -> (events, rejects) expected
COUNTS: dict[str, tuple[int, int]] = {
    "x_1000_columns.csv": (3, 0),
    "x_all_quoted_trailing.csv": (2, 0),
    "x_control_chars.csv": (2, 0),
    "x_cr_only.csv": (2, 0),
    "x_emoji_combining.csv": (2, 0),
    "x_formulas_uncalculated.xlsx": (3, 1),
    "x_hidden_sheets.xlsx": (2, 0),
    "x_huge_cell_multiline.csv": (2, 0),
    "x_macro_name.xlsm": (1, 0),
    "x_max_cell.xlsx": (2, 0),
    "x_merged_cells.docx": (2, 1),  # the full-width "SECTION" row is a reject, not an event
    "x_merged_header.xlsx": (2, 1),  # the second row of a vertically merged date cell has no date
    "x_mixed_line_endings.csv": (3, 0),
    "x_nbsp_dates.csv": (4, 0),  # "09 : 15" is not a time: kept at day precision (issue 14)
    "x_nested_tables.docx": (2, 0),  # the nested table's text is the description
    "x_nul_late.csv": (29, 0),
    "x_odd_date_forms.csv": (3, 5),
    "x_offset_table.xlsx": (1, 0),
    "x_only_repeated_headers.csv": (0, 0),
    "x_pipes.txt": (2, 0),
    "x_rtl_marks.csv": (3, 0),
    "x_rtl_table.docx": (2, 0),
    "x_semicolon_decimal_comma.csv": (2, 0),
    "x_smart_quotes.csv": (2, 0),
    "x_stray_far_cell.xlsx": (1, 0),
    "x_error_and_odd_cells.xlsx": (2, 6),
    "x_zero_width_everywhere.csv": (2, 0),
    "x_cr_formfeed_ragged.csv": (1, 0),
    "x_tabs.tsv": (2, 0),
    "x_upper_ext.CSV": (1, 0),
    "x_utf16be.csv": (1, 0),
}

#: files whose expected counts are not met yet: defects in the reader/normaliser
KNOWN: dict[str, tuple[tuple[int, int], str]] = {}


def _read(path: Path) -> chron.Chronology:
    return chron.read(path, agency="police", case_id="c")


def _outcome(path: Path) -> tuple[chron.Chronology | None, ChronologyError | None]:
    """The Chronology read from ``path``, or the ChronologyError raised."""
    try:
        return _read(path), None
    except ChronologyError as exc:
        return None, exc


def _accounted(c: chron.Chronology) -> bool:
    p = c.provenance
    return bool((p["rows_read"] == p["events"] + p["rejects"] + p["blank_rows"] + p["repeated_headers"]).all())


def test_corpus_has_at_least_fifty_files_and_every_x_file_is_expected() -> None:
    files = [p for p in BAD.iterdir() if p.is_file() and p.suffix != ".py"]
    assert len(files) >= 50
    assert len(X_FILES) >= 25
    assert {p.name for p in X_FILES} == set(ERRORS) | set(COUNTS) | set(KNOWN) | set(KNOWN_CRASH)
    assert max(p.stat().st_size for p in X_FILES) < 200_000, "committed files stay small"


#: files whose error message does not yet say what to do, or that crash with a bare traceback
NO_HINT: dict[str, str] = {}
KNOWN_CRASH: dict[str, str] = {}
BROKEN = {**NO_HINT, **KNOWN_CRASH}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=BROKEN[p.name]), id=p.name)
        if p.name in BROKEN
        else pytest.param(p, id=p.name)
        for p in X_FILES
    ],
)
def test_every_file_gives_a_chronology_error_or_accounts_for_every_row(path: Path) -> None:
    c, exc = _outcome(path)
    if exc is not None:
        assert path.name in str(exc), "the message names the file"
        assert "; " in str(exc) or exc.hint, "the message says what to do"
        return
    assert c is not None
    assert _accounted(c)
    assert len(c.events) + len(c.rejects) == int((c.provenance["events"] + c.provenance["rejects"]).sum())
    for rec in c.rejects.to_dict("records"):
        assert rec["source"] == path.name
        assert rec["source_row"] >= 1
        assert rec["reason"]
        assert rec["hint"]


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_unreadable_files_raise_a_named_error(name: str) -> None:
    cls, words = ERRORS[name]
    with pytest.raises(cls, match=words) as info:
        _read(BAD / name)
    assert name in str(info.value)


@pytest.mark.parametrize(
    "name",
    sorted(COUNTS)
    + [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=why)) for n, (_, why) in KNOWN.items()],
)
def test_events_and_rejects_counts(name: str) -> None:
    c = _read(BAD / name)
    expected = COUNTS[name] if name in COUNTS else KNOWN[name][0]
    assert (len(c.events), len(c.rejects)) == expected
    assert _accounted(c)


# ---------------------------------------------------------------------------------------- what is read
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d"


def test_right_to_left_marks_do_not_stop_dates_and_are_removed_from_text() -> None:
    c = _read(BAD / "x_rtl_marks.csv")
    assert c.events["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-03-01 10:00", "2024-03-02 11:00", "2024-03-03 12:00",
    ]
    text = "".join(c.events["description"].tolist())
    assert not set(text) & set(_BIDI)
    assert "زيارة منزلية home visit" in c.events["description"].tolist()
    assert "Mother said שלום to the worker" in c.events["description"].tolist()


def test_non_breaking_spaces_in_dates() -> None:
    c = _read(BAD / "x_nbsp_dates.csv")
    got = dict(zip(c.events["description"], c.events["start"].dt.strftime("%Y-%m-%d %H:%M"), strict=True))
    assert got == {
        "Visit": "2024-03-12 10:00", "Call": "2024-03-01 14:30", "Week entry": "2024-03-04 00:00",
        "Thin spaces": "2024-03-13 00:00",  # its time is unreadable: day precision, with a note
    }
    assert c.events.set_index("description").loc["Thin spaces", "precision"] == "day"
    assert "not readable" in c.events.set_index("description").loc["Thin spaces", "date_note"]
    assert c.events.set_index("description").loc["Week entry", "precision"] == "week"


def test_smart_quotes_lose_no_text() -> None:
    """Curly quotes are not CSV quotes, so a comma inside them splits the cell; the pieces are kept."""
    c = _read(BAD / "x_smart_quotes.csv")
    kept = " ".join(str(v) for v in c.events.drop(columns=["start", "end"]).to_numpy().ravel() if isinstance(v, str))
    for piece in ["“Mum said “not today”", "the worker left”", "“I’m fine”", "‘Single quoted", "with comma’"]:
        assert piece in kept


def test_uncalculated_excel_formulas_are_kept_as_text_never_evaluated() -> None:
    c = _read(BAD / "x_formulas_uncalculated.xlsx")
    assert '=HYPERLINK("http://example.invalid","click")' in c.events["description"].tolist()
    r = c.rejects.iloc[0]
    assert (r["source_row"], r["column"], r["value"], r["reason"]) == (2, "Date", "=DATE(2024,3,1)", "not a date")


def test_hidden_sheets_are_read_or_named_as_skipped() -> None:
    c = _read(BAD / "x_hidden_sheets.xlsx")
    sheets = set(c.provenance["source_sheet"])
    notes = " ".join(str(n) for n in c.provenance["notes"].dropna())
    assert "Chronology" in sheets
    assert "Old version" in sheets or "Old version" in notes, "a hidden chronology sheet is not ignored silently"


def test_merged_header_cells_use_the_second_header_row() -> None:
    c = _read(BAD / "x_merged_header.xlsx")
    assert c.provenance["header_row"].tolist() == [2]
    assert c.events["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-03-01 10:00", "2024-03-02 11:00"]


def test_a_thousand_columns_are_all_kept() -> None:
    c = _read(BAD / "x_1000_columns.csv")
    assert {f"Extra {i}" for i in range(998)} <= set(c.events.columns)
    assert c.events["Extra 997"].tolist() == ["997"] * 3


def test_very_large_multiline_cell_is_kept_whole() -> None:
    c = _read(BAD / "x_huge_cell_multiline.csv")
    text = c.events.sort_values("start")["description"].iloc[0]
    assert text.count("line of notes") == 10_000


def test_odd_date_forms() -> None:
    c = _read(BAD / "x_odd_date_forms.csv")
    got = dict(zip(c.events["description"], c.events["start"].dt.strftime("%Y-%m-%d %H:%M"), strict=True))
    assert got == {"Serial": "2024-04-01 00:00", "ISO": "2024-03-01 10:00", "Compact": "2024-03-02 00:00"}
    assert dict(zip(c.rejects["value"], c.rejects["reason"], strict=True)) == {
        "31/12/9999": "implausible year",
        "01/01/0001": "implausible year",
        "00/00/0000": "not a real calendar date",
        "1e10": "not a date",
        "-45383": "not a date",
    }


def test_repeated_headers_only_are_counted() -> None:
    c = _read(BAD / "x_only_repeated_headers.csv")
    assert c.provenance["repeated_headers"].tolist() == [4]
    assert len(c.events) == 0


def test_line_endings_cr_and_mixed() -> None:
    for name, n in [("x_cr_only.csv", 2), ("x_mixed_line_endings.csv", 3)]:
        c = _read(BAD / name)
        assert c.events["start"].dt.hour.tolist() == [10, 11, 12][:n]
        assert c.events["source_row"].tolist() == list(range(2, 2 + n))


# ---------------------------------------------------------------------------------------- known defects
def test_unclosed_quote_does_not_swallow_rows() -> None:
    c, exc = _outcome(BAD / "x_unclosed_quote.csv")
    if exc is not None:
        assert "quote" in str(exc)
        return
    assert c is not None
    assert len(c.events) + len(c.rejects) + int(c.provenance["blank_rows"].sum()) == 3


def test_nested_table_text_is_not_lost() -> None:
    c = _read(BAD / "x_nested_tables.docx")
    everything = " ".join(
        str(v) for v in [*c.events.to_numpy().ravel(), *c.rejects.to_numpy().ravel()] if isinstance(v, str)
    )
    assert "Nested" in everything


def test_used_range_reaching_column_xfd_is_read_quickly(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Details"])
    ws.append([dt.datetime(2024, 3, 1), "Real row"])
    ws["XFD3"] = " "  # one formatted-but-empty cell far to the right, as Excel leaves them
    path = tmp_path / "far.xlsx"
    wb.save(path)
    code = textwrap.dedent(
        f"""
        import chronology as chron
        c = chron.read({str(path)!r}, agency="police", case_id="c")
        assert len(c.events) == 1
        """
    )
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=8, capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a workbook whose used range reaches column XFD took over 8 s")


# ---------------------------------------------------------------------------------------- generated large
def test_thirty_thousand_rows_with_mixed_dates_are_all_accounted_for(tmp_path: Path) -> None:
    rng = random.Random(9)
    lines = ["Date,Time,Details,Action taken,Child seen"]
    bad = 0
    for i in range(30_000):
        d = dt.date(2019, 1, 1) + dt.timedelta(days=i % 1800)
        kind = rng.choice(["%d/%m/%Y", "%d-%b-%Y", "%Y-%m-%d", "%d %B %Y", "w/c %d/%m/%Y", "bad", "blank"])
        if kind == "bad":
            text, bad = "31/02/2024", bad + 1
        elif kind == "blank":
            text, bad = "", bad + 1
        else:
            text = d.strftime(kind)
        lines.append(f'{text},{rng.choice(["10:00", "", "09.15"])},"Event {i}, with a comma",Action,{rng.choice("YN ")}')
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    c = _read(path)
    elapsed = time.perf_counter() - t0
    assert (len(c.events), len(c.rejects)) == (30_000 - bad, bad)
    assert _accounted(c)
    assert c.events["description"].str.startswith("Event ").all()
    assert elapsed < 20, f"30,000 rows took {elapsed:.1f} s"


def test_ten_thousand_row_workbook(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Chronology")
    ws.append(["Chronology of involvement (fictional)"])
    ws.append(["Date", "Details", "Outcome"])
    start = dt.datetime(2020, 1, 1, 9, 0)
    for i in range(10_000):
        when: object = start + dt.timedelta(hours=i) if i % 3 else (start + dt.timedelta(hours=i)).strftime("%d/%m/%Y %H:%M")
        ws.append([when, f"Event {i}", "=1+1" if i % 1000 == 0 else "x"])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    c = _read(path)
    assert (len(c.events), len(c.rejects)) == (10_000, 0)
    assert c.events["source_row"].min() == 3
    assert c.events["source_row"].max() == 10_002
    assert _accounted(c)


def test_five_hundred_row_word_table(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    t = d.add_table(rows=1, cols=3)
    for j, v in enumerate(["Date", "Details", "Outcome"]):
        t.cell(0, j).text = v
    for i in range(500):
        cells = t.add_row().cells
        cells[0].text = (dt.date(2023, 1, 1) + dt.timedelta(days=i)).strftime("%d/%m/%Y") if i % 50 else "N/K"
        cells[1].text = f"Event {i}\u200b with \u201csmart\u201d quotes"
        cells[2].text = ""
    path = tmp_path / "big.docx"
    d.save(path)
    c = _read(path)
    assert (len(c.events), len(c.rejects)) == (490, 10)
    assert _accounted(c)
    assert not c.events["description"].str.contains("\u200b").any()


def test_generated_frame_sizes_do_not_leak_between_sheets(tmp_path: Path) -> None:
    """Two sheets of very different widths and lengths: each keeps its own rows and columns."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Wide"
    ws.append(["Date", "Details", *[f"X{i}" for i in range(200)]])
    ws.append([dt.datetime(2024, 3, 1), "Wide row", *range(200)])
    ws2 = wb.create_sheet("Long")
    ws2.append(["Date", "Details"])
    for i in range(2_000):
        ws2.append([dt.datetime(2024, 1, 1) + dt.timedelta(minutes=i), f"Long {i}"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    c = _read(path)
    counts = c.events.groupby("source_sheet")["event_id"].count().to_dict()
    assert counts == {"Long": 2_000, "Wide": 1}
    long_rows = c.events[c.events["source_sheet"] == "Long"]
    assert long_rows["X0"].isna().all()
    assert pd.api.types.is_string_dtype(c.events["X199"])
