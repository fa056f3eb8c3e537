"""The malformed-input corpus in tests/data/bad/ (written by tests/data/make_bad.py, and the files ``x_*``
by tests/data/make_bad_more.py): every file gives a ChronologyError naming it and saying what to do, or
events and rejects that account for every row. Never a bare traceback, never a lost row.

Each file is listed once, in ERRORS or in COUNTS, with what it gives today. A known defect of the
reader/normaliser is an ``xfail(strict=True)`` test: it starts to pass (and so fails as XPASS) when the
defect is fixed, and then the marker should go. Files too big to commit are in test_large_inputs.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import chronology as chron
from chronology.errors import ChronologyError, ColumnMappingError, SourceReadError

BAD = Path(__file__).parent / "data" / "bad"
FILES = sorted(p for p in BAD.iterdir() if p.is_file())
X_FILES = [p for p in FILES if p.name.startswith("x_")]

#: file -> (error class, words the message must contain: never words of the file's own name)
ERRORS: dict[str, tuple[type[ChronologyError], str]] = {
    "empty.csv": (SourceReadError, "the file is empty; check the right file was sent"),
    "whitespace_only.csv": (SourceReadError, "the file is empty; check the right file was sent"),
    "header_only.csv": (SourceReadError, "has a header row but no data rows"),
    "no_date_column.csv": (ColumnMappingError, "no header row with a date column was found"),
    "no_description_column.csv": (ColumnMappingError, "no description column was recognised.*name it with columns="),
    "binary_garbage.csv": (SourceReadError, "it contains binary data"),
    "xlsx_renamed.csv": (SourceReadError, "it is a zip container"),
    "encrypted.xlsx": (SourceReadError, "password-protected \\(encrypted\\); remove the password"),
    "corrupt.xlsx": (SourceReadError, "is a damaged or unsupported zip container"),
    "old_format.xls": (SourceReadError, "unsupported file type '.xls' \\(save .xls as .xlsx"),
    "report.pdf": (SourceReadError, "unsupported file type '.pdf'; send the chronology as one of"),
    "no_table.docx": (SourceReadError, "has no table; the chronology must be a Word table"),
    "cover_table_only.docx": (SourceReadError, "has no table with a header row naming a date column"),
    "no_header.xlsx": (SourceReadError, "has no sheet with a chronology table.*the sheets are: Cover"),
    "only_title_rows.csv": (ColumnMappingError, "no header row with a date column was found"),
    # the x_* files
    "x_bom_only.csv": (SourceReadError, "the file has no rows; check the right file was sent"),
    "x_bom_blank_lines.csv": (ColumnMappingError, "no header row"),
    # issue 14: two columns headed Date with different dates: refused, naming both
    "x_duplicate_date_columns.csv": (ColumnMappingError, "could equally be the date.*'Date'.*'Date \\(2\\)'"),
    "x_empty_document.docx": (SourceReadError, "has no table; the chronology must be a Word table"),
    "x_header_only_table.docx": (SourceReadError, "no data rows"),
    "x_header_too_deep.csv": (ColumnMappingError, "no header row"),
    "x_html_table.csv": (ColumnMappingError, "no header row"),
    "x_json.csv": (ColumnMappingError, "no header row"),
    "x_utf16le_no_bom.csv": (SourceReadError, "it contains binary data"),
    "x_zip_not_docx.docx": (SourceReadError, "not a readable Word"),
    "x_unclosed_quote.csv": (SourceReadError, "unclosed quote"),
    "x_utf16_truncated.csv": (SourceReadError, "UTF-16 but is damaged"),
    "x_utf16_lone_surrogate.csv": (SourceReadError, "UTF-16 but is damaged"),
}

#: file -> (events, rejects) expected
COUNTS: dict[str, tuple[int, int]] = {
    "all_dates_bad.csv": (0, 3),
    "feb31.csv": (1, 1),
    "us_month_first.csv": (3, 1),  # issue 14: the unambiguous month-first rows are read, per row
    "duplicated_headers.csv": (1, 0),
    "mixed_encoding.csv": (2, 0),
    "cp1252.csv": (1, 0),
    "utf16_unicode_text.csv": (1, 0),
    "bom_semicolon.csv": (2, 0),
    "ragged_rows.csv": (2, 0),
    "blank_rows.csv": (2, 0),
    "empty_description.csv": (1, 2),
    "bad_time.csv": (3, 0),  # issue 14: a bad time keeps its row at day precision, with a note
    "end_before_start.csv": (1, 1),
    "implausible_year.csv": (1, 2),
    "null_token_dates.csv": (1, 3),
    "zero_width.csv": (1, 0),
    "quoted_newlines.csv": (2, 0),
    "caseload_missing_case.csv": (3, 0),  # blank case ref filled from case_id=
    "very_long_cell.csv": (1, 0),
    "formula_text.csv": (1, 0),
    "formulas_and_mixed_dates.xlsx": (3, 1),
    # the x_* files
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


def _read(path: Path) -> chron.Chronology:
    return chron.read(path, agency="police", case_id="c")


def _accounted(c: chron.Chronology) -> bool:
    """Every row read is an event, a reject, a blank row or a repeated header."""
    p = c.provenance
    return bool((p["rows_read"] == p["events"] + p["rejects"] + p["blank_rows"] + p["repeated_headers"]).all())


def test_corpus_is_large_enough_and_every_file_is_listed_once() -> None:
    assert len(FILES) >= 50
    assert len(X_FILES) >= 25
    assert not set(ERRORS) & set(COUNTS)
    assert set(ERRORS) | set(COUNTS) == {p.name for p in FILES if p.suffix != ".py"}
    assert max(p.stat().st_size for p in X_FILES) < 200_000, "committed files stay small"


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_unreadable_files_raise_a_chronology_error_naming_the_file(name: str) -> None:
    cls, words = ERRORS[name]
    with pytest.raises(cls) as info:
        chron.read(BAD / name, agency="police", case_id="c")
    assert type(info.value) is cls
    assert name in str(info.value)
    assert re.search(words, str(info.value).replace(name, "")), "the words are in the message, not the file name"
    assert "; " in str(info.value), "the message says how to fix it"


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_row_is_an_event_or_a_reject(name: str) -> None:
    c = _read(BAD / name)
    assert (len(c.events), len(c.rejects)) == COUNTS[name]
    assert _accounted(c)
    assert len(c.events) + len(c.rejects) == int((c.provenance["events"] + c.provenance["rejects"]).sum())


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_rejects_name_the_file_row_and_column_and_say_why_and_how_to_fix(name: str) -> None:
    c = _read(BAD / name)
    for rec in c.rejects.to_dict("records"):
        assert rec["source"] == name
        assert rec["source_row"] >= 1
        assert isinstance(rec["column"], str)
        assert rec["column"]
        assert rec["reason"]
        assert rec["hint"]


def test_feb31_reject_names_row_column_value() -> None:
    c = chron.read(BAD / "feb31.csv", agency="police", case_id="c")
    r = c.rejects.iloc[0]
    assert (r["source_row"], r["column"], r["value"]) == (2, "Date", "31/02/2024")
    assert r["reason"] == "not a real calendar date"


def test_us_file_is_rejected_not_guessed_and_can_be_read_with_an_explicit_format() -> None:
    # issue 14: a row that can only be month-first is read so (with a note); in a column that
    # looks month-first, only the rows that could be read either way are rejected, never guessed
    c = chron.read(BAD / "us_month_first.csv", agency="police", case_id="c")
    assert c.events["start"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-25", "2024-04-13", "2024-12-30"]
    assert c.events["date_note"].str.contains("can only be month-first").all()
    assert c.rejects["value"].tolist() == ["03/04/2024"]
    assert c.rejects["hint"].str.contains("%m/%d/%Y").all()
    c2 = chron.read(BAD / "us_month_first.csv", agency="police", case_id="c", date_formats=["%m/%d/%Y"])
    assert len(c2.events) == 4
    assert c2.events["start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-04", "2024-03-25", "2024-04-13", "2024-12-30",
    ]


def test_encodings_are_decoded_not_mangled() -> None:
    c = chron.read(BAD / "cp1252.csv", agency="police", case_id="c")
    assert c.events["description"].iloc[0] == "Mother’s £20 – “worried”"
    m = chron.read(BAD / "mixed_encoding.csv", agency="police", case_id="c")
    assert m.events["description"].tolist() == ["Café visit – child seen", "Fee £5 paid – “smart quotes”"]
    assert m.provenance["encoding"].iloc[0] == "mixed utf-8/cp1252"


def test_duplicated_headers_keep_the_second_column() -> None:
    c = chron.read(BAD / "duplicated_headers.csv", agency="police", case_id="c")
    assert c.events["description"].iloc[0] == "Visit"
    assert c.events["Details (2)"].iloc[0] == "Second details"


def test_excel_formulas_and_mixed_date_cells() -> None:
    c = chron.read(BAD / "formulas_and_mixed_dates.xlsx", agency="police", case_id="c")
    assert c.events["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-03-01 10:00", "2024-03-02 00:00", "2024-04-01 00:00",
    ]
    assert c.rejects["value"].tolist() == ["31/02/2024"]
    assert c.rejects["source_row"].tolist() == [5]


def test_quoted_line_breaks_stay_in_the_cell() -> None:
    c = chron.read(BAD / "quoted_newlines.csv", agency="police", case_id="c")
    assert c.events["description"].iloc[0] == "Visit\nline two\nline three"
    assert c.events["source_row"].tolist() == [2, 3]


def test_caseload_file_without_case_id_rejects_rows_with_no_case_ref() -> None:
    c = chron.read(BAD / "caseload_missing_case.csv", agency="police")
    assert sorted(c.case_ids) == ["C1", "C2"]
    assert c.rejects[["source_row", "column", "reason"]].values.tolist() == [[3, "Case ref", "no case id"]]


# ------------------------------------------------------------------------ what is read from the x_* files
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


def test_a_hidden_chronology_sheet_is_read_and_named_and_a_hidden_list_sheet_is_skipped_with_a_note() -> None:
    c = _read(BAD / "x_hidden_sheets.xlsx")
    assert sorted(c.provenance["source_sheet"]) == ["Chronology", "Old version"]
    assert dict(zip(c.events["source_sheet"], c.events["description"], strict=True)) == {
        "Chronology": "Visible sheet event", "Old version": "Hidden sheet event",
    }
    assert set(c.provenance["notes"]) == {"sheets without a chronology table skipped: Lists"}


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


def test_an_unclosed_quote_is_refused_naming_the_row_not_left_to_swallow_the_rows_after_it() -> None:
    with pytest.raises(SourceReadError) as info:
        _read(BAD / "x_unclosed_quote.csv")
    assert str(info.value) == (
        'x_unclosed_quote.csv, row 2: has an unclosed quote (") that swallows the records after it into one '
        "cell (column 3) (2 line(s) in the cell look like records); close the quote in that row, or double it "
        '("") where it is part of the text, and send the file again'
    )


def test_nested_table_text_is_not_lost() -> None:
    c = _read(BAD / "x_nested_tables.docx")
    everything = " ".join(
        str(v) for v in [*c.events.to_numpy().ravel(), *c.rejects.to_numpy().ravel()] if isinstance(v, str)
    )
    assert "Nested" in everything
