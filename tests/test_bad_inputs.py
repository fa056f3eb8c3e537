"""The malformed-input corpus: every file gives a ChronologyError naming it, or events and rejects
that account for every row. Never a bare traceback, never a lost row."""

from __future__ import annotations

from pathlib import Path

import pytest

import chronology as chron
from chronology.errors import ChronologyError, ColumnMappingError, SourceReadError

BAD = Path(__file__).parent / "data" / "bad"
FILES = sorted(p for p in BAD.iterdir() if p.is_file())

#: file -> (error class, words the message must contain)
ERRORS: dict[str, tuple[type[ChronologyError], str]] = {
    "empty.csv": (SourceReadError, "empty"),
    "whitespace_only.csv": (SourceReadError, "empty"),
    "header_only.csv": (SourceReadError, "no rows|no data"),
    "no_date_column.csv": (ColumnMappingError, "date"),
    "no_description_column.csv": (ColumnMappingError, "description"),
    "binary_garbage.csv": (SourceReadError, "binary"),
    "xlsx_renamed.csv": (SourceReadError, "zip"),
    "encrypted.xlsx": (SourceReadError, "password|encrypted"),
    "corrupt.xlsx": (SourceReadError, "corrupt"),
    "old_format.xls": (SourceReadError, "unsupported"),
    "report.pdf": (SourceReadError, "unsupported"),
    "no_table.docx": (SourceReadError, "no table"),
    "cover_table_only.docx": (SourceReadError, "no table with a header"),
    "no_header.xlsx": (SourceReadError, "no sheet with a chronology"),
    "only_title_rows.csv": (ColumnMappingError, "no header row"),
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
}


def test_corpus_is_large_enough() -> None:
    assert len(FILES) >= 50
    # files named x_* are covered by test_bad_inputs_more.py
    assert set(ERRORS) | set(COUNTS) == {p.name for p in FILES if not p.name.startswith("x_")}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_unreadable_files_raise_a_chronology_error_naming_the_file(name: str) -> None:
    cls, words = ERRORS[name]
    with pytest.raises(cls, match=words) as info:
        chron.read(BAD / name, agency="police", case_id="c")
    assert name in str(info.value)
    assert "; " in str(info.value), "the message says how to fix it"


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_row_is_an_event_or_a_reject(name: str) -> None:
    c = chron.read(BAD / name, agency="police", case_id="c")
    events, rejects = COUNTS[name]
    assert (len(c.events), len(c.rejects)) == (events, rejects)
    prov = c.provenance
    assert (prov["rows_read"] == prov["events"] + prov["rejects"] + prov["blank_rows"] + prov["repeated_headers"]).all()
    # rejects name the file, the row, the column and say why and how to fix it
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
