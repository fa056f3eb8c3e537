"""Readers: CSV encodings and delimiters, Excel preamble and sheets, Word tables."""

from __future__ import annotations

from pathlib import Path

import pytest

import chronology as chron
from chronology.errors import SourceReadError
from chronology.io import read_tables


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", "\t"), ("utf-8", "|")],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [
        ["Date", "Time", "Details", "Action taken"],
        ["01/03/2024", "14:30", "Mother’s call – worried", "Advice"],
        ["02/03/2024", "", "Visit; child seen", "None"],
    ]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in r) for r in rows)
    p = tmp_path / "x.csv"
    p.write_bytes(text.encode(encoding))
    c = chron.read(p, agency="csc", case_id="k")
    assert c.events["description"].tolist() == ["Mother’s call – worried", "Visit; child seen"]
    assert c.provenance["delimiter"].iloc[0] == delimiter
    assert c.events["precision"].astype(str).tolist() == ["minute", "day"]


def test_excel_preamble_sheets_and_mixed_date_cells(police_xlsx: Path) -> None:
    c = chron.read(police_xlsx, agency="police", case_id="k")
    prov = c.provenance.set_index("source_sheet")
    assert list(prov.index) == ["Incidents", "Custody"]
    assert prov.loc["Incidents", "header_row"] == 3
    assert prov.loc["Incidents", "blank_rows"] == 1
    assert "Cover" in prov.loc["Incidents", "notes"]
    ev = c.events.set_index("source_row")
    inc = c.events[c.events["source_sheet"] == "Incidents"].set_index("source_row")
    assert inc.loc[4, "start"].strftime("%Y-%m-%d %H:%M") == "2024-03-01 14:30"
    assert inc.loc[5, "start"].strftime("%Y-%m-%d %H:%M") == "2024-03-02 22:15"
    assert inc.loc[6, "start"].strftime("%Y-%m-%d %H:%M") == "2024-04-04 12:00"  # serial 45386.5
    assert inc.loc[8, "precision"] == "month"
    assert inc.loc[5, "event_type"] == "missing_episode"
    cus = c.events[c.events["source_sheet"] == "Custody"].iloc[0]
    assert cus["start"].strftime("%Y-%m-%d %H:%M") == "2024-03-05 23:10"
    assert cus["event_type"] == "arrest"
    assert cus["event_id"] == "k:police.xlsx:Custody:2"
    assert len(ev) == 5


def test_excel_named_sheet_and_unknown_sheet(police_xlsx: Path) -> None:
    c = chron.read(police_xlsx, agency="police", case_id="k", sheet="Custody")
    assert len(c.events) == 1
    with pytest.raises(SourceReadError, match="no sheet 'Nope'.*Cover, Incidents, Custody"):
        chron.read(police_xlsx, agency="police", case_id="k", sheet="Nope")


def test_word_tables_merged_cells_repeated_header_and_continuation(school_docx: Path) -> None:
    c = chron.read(school_docx, agency="education", case_id="k")
    ev = c.events.sort_values(["source_sheet", "source_row"])
    assert ev["description"].tolist() == [
        "Teacher noticed bruise on arm",
        "Child said: \"I don't want to go home\"",
        "Attendance meeting with mother\nChild not present",
        "Attendance dropped",
        "Approx date: exclusion meeting",
    ]
    # the merged date cell applies to both rows
    assert ev["start"].iloc[0] == ev["start"].iloc[1]
    assert ev["precision"].astype(str).tolist() == ["week", "week", "day", "month", "day"]
    assert ev["uncertain"].tolist() == [False, False, False, False, True]
    assert ev["child_seen"].fillna(False).tolist() == [True, True, False, False, True]
    assert ev["child_seen"].isna().tolist() == [False, False, False, True, False]
    prov = c.provenance.set_index("source_sheet")
    assert prov.loc["table 2", "repeated_headers"] == 1
    assert "table 3" in prov.index
    assert len(c.rejects) == 0


def test_directory_and_unsupported(tmp_path: Path) -> None:
    with pytest.raises(SourceReadError, match="folder"):
        read_tables(tmp_path)
    (tmp_path / "x.doc").write_bytes(b"abc")
    with pytest.raises(SourceReadError, match=r"save \.xls as \.xlsx and \.doc as \.docx"):
        read_tables(tmp_path / "x.doc")
