"""Normalisation: UK dates and precision, header mapping, vocabularies, the text a rejected row keeps
(``rejects["row_text"]``), and the row-accounting invariants (property tests)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import ColumnMappingError, OptionError, SourceReadError
from chronology.normalise.dates import parse_dates, parse_times
from chronology.normalise.headers import map_headers
from chronology.normalise.vocab import child_seen, infer_event_type, map_event_type, resolve_agency

DATES = [
    # text, start, precision, uncertain
    ("12/03/2024", "2024-03-12 00:00", "day", False),
    ("12/03/24", "2024-03-12 00:00", "day", False),
    ("12.03.2024", "2024-03-12 00:00", "day", False),
    ("12-Mar-2024", "2024-03-12 00:00", "day", False),
    ("12-Mar-2012", "2012-03-12 00:00", "day", False),
    ("12 March 2024", "2024-03-12 00:00", "day", False),
    ("25th July 2007", "2007-07-25 00:00", "day", False),
    ("1st Jan 2020", "2020-01-01 00:00", "day", False),
    ("2024-03-12", "2024-03-12 00:00", "day", False),
    ("12/03/2024 14:30", "2024-03-12 14:30", "minute", False),
    ("12/03/2024 00:00", "2024-03-12 00:00", "day", False),
    ("2024-03-12T14:30:00", "2024-03-12 14:30", "minute", False),
    ("2024-03-12 14:30", "2024-03-12 14:30", "minute", False),
    ("Jan 2007", "2007-01-01 00:00", "month", False),
    ("Jul-2006", "2006-07-01 00:00", "month", False),
    ("Jul-06", "2006-07-01 00:00", "month", False),
    ("2007-01", "2007-01-01 00:00", "month", False),
    ("January 2007", "2007-01-01 00:00", "month", False),
    ("w/c 25 Dec 2006", "2006-12-25 00:00", "week", False),
    ("w/c 25/12/2006", "2006-12-25 00:00", "week", False),
    ("Week commencing 04/03/2024", "2024-03-04 00:00", "week", False),
    ("2007", "2007-01-01 00:00", "year", False),
    ("?12/03/2024", "2024-03-12 00:00", "day", True),
    ("12/03/2024?", "2024-03-12 00:00", "day", True),
    ("approx. 12/03/2024", "2024-03-12 00:00", "day", True),
    ("approx 12/03/2024", "2024-03-12 00:00", "day", True),
    ("c. March 2024", "2024-03-01 00:00", "month", True),
    ("circa 2007", "2007-01-01 00:00", "year", True),
    ("Tuesday 12 March 2024", "2024-03-12 00:00", "day", False),
    ("Sept 2024", "2024-09-01 00:00", "month", False),
]


@pytest.mark.parametrize(("text", "start", "precision", "uncertain"), DATES)
def test_uk_dates(text: str, start: str, precision: str, uncertain: bool) -> None:
    r = parse_dates(pd.Series([text])).iloc[0]
    assert r["start"].strftime("%Y-%m-%d %H:%M") == start
    assert r["precision"] == precision
    assert bool(r["uncertain"]) is uncertain


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2024", "not a real calendar date"),
        ("29/02/2023", "not a real calendar date"),
        ("03/25/2024", "month-first"),
        ("tomorrow", "not a date"),
        ("01/01/2999", "implausible year"),
    ],
)
def test_bad_dates_have_reasons_and_hints(text: str, reason: str) -> None:
    r = parse_dates(pd.Series([text])).iloc[0]
    assert pd.isna(r["start"])
    assert reason in r["reason"]
    assert r["hint"]


def test_date_cells_serials_and_text_in_one_column() -> None:
    r = parse_dates(pd.Series([dt.datetime(2024, 3, 4, 14, 10), 45366, "15/03/2024", dt.date(2024, 3, 1)], dtype="object"))
    assert [x.strftime("%Y-%m-%d %H:%M") for x in r["start"]] == [
        "2024-03-04 14:10", "2024-03-15 00:00", "2024-03-15 00:00", "2024-03-01 00:00",
    ]
    assert r["precision"].tolist() == ["minute", "day", "day", "day"]


def test_explicit_formats_win() -> None:
    r = parse_dates(pd.Series(["03/04/2024"]), ["%m/%d/%Y"])
    assert r["start"].iloc[0] == pd.Timestamp("2024-03-04")


def test_times() -> None:
    t = parse_times(pd.Series(["14:30", "14.30", "1430", "2:30pm", "12am", "bad", None]))
    assert [None if pd.isna(x) else str(x) for x in t["offset"]] == [
        "0 days 14:30:00", "0 days 14:30:00", "0 days 14:30:00", "0 days 14:30:00",
        "0 days 00:00:00", None, None,
    ]
    assert t["reason"].tolist()[-2:] == ["not a time", "empty"]


def test_all_midnight_time_column_means_time_not_recorded(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    p.write_text("Date/Time,Details\n01/03/2024 00:00,Call\n02/03/2024 00:00,Visit\n")
    c = chron.read(p, agency="police", case_id="k")
    assert c.events["precision"].astype(str).tolist() == ["day", "day"]


def test_header_mapping_synonyms_fuzzy_and_override() -> None:
    m = map_headers(["Case ref", "Date", "Time", "Team", "Summary of contact", "Outcome", "Seen?", "Worker role", "Misc"])
    assert m == {
        "Case ref": "case_id", "Date": "date", "Time": "time", "Team": "service",
        "Summary of contact": "description", "Outcome": "action", "Seen?": "child_seen",
        "Worker role": "practitioner",
    }
    # "Seen by" names who saw the child: the practitioner (issue 14: "... by" headings are mapped)
    assert map_headers(["Date", "Detials", "Acton taken", "Seen by"]) == {
        "Date": "date", "Detials": "description", "Acton taken": "action", "Seen by": "practitioner",
    }
    assert map_headers(["Matter", "When"], {"Matter": "description", "When": "date"}) == {
        "Matter": "description", "When": "date",
    }
    with pytest.raises(ColumnMappingError, match="not in the file.*headings are: A, B"):
        map_headers(["A", "B"], {"C": "date"})
    with pytest.raises(ColumnMappingError, match="unknown field 'when'.*use one of"):
        map_headers(["A", "B"], {"A": "when"})


def test_vocabularies() -> None:
    assert resolve_agency("Metropolitan Police") == "police"
    assert resolve_agency("CAMHS") == "health_camhs"
    assert resolve_agency("health_gp") == "health_gp"
    with pytest.raises(OptionError, match="unknown agency.*police, csc"):
        resolve_agency("Martian Embassy")
    assert child_seen(pd.Series(["Y", "N", "yes", "No", "", "N/K", "seen alone", "not seen"])).tolist() == [
        True, False, True, False, pd.NA, pd.NA, True, False,
    ]
    desc = pd.Series(["Discharged from ward", "Strategy discussion held", "Reported missing by carer",
                      "Arrested on suspicion", "Took overdose", "Tea"])
    assert infer_event_type(desc).tolist() == [
        "discharge", "strategy_meeting", "missing_episode", "arrest", "self_harm", "other",
    ]
    assert map_event_type(pd.Series(["ICPC", "Phone call", None]), pd.Series(["x", "y", "Home visit"])).tolist() == [
        "conference", "contact", "home_visit",
    ]


def test_caseload_unmapped_columns_and_null_tokens(tmp_path: Path) -> None:
    p = tmp_path / "caseload.csv"
    p.write_text(
        "Child ID,Date,Details,Action,Risk level\n"
        "A1,01/03/2024,Call,N/K,High\n"
        "B2,02/03/2024,Visit,-,unknown\n"
    )
    c = chron.read(p, agency="csc")
    assert c.case_ids == ["A1", "B2"]
    assert c.events["action"].isna().all()
    assert c.events["Risk level"].tolist()[0] == "High"
    assert pd.isna(c.events["Risk level"].tolist()[1])


def test_columns_override_reads_an_odd_file(tmp_path: Path) -> None:
    p = tmp_path / "legal.csv"
    p.write_text("Ref,When,Matter,Fee earner\nL1,w/c 25 Dec 2006,Letter before action,Solicitor\n")
    c = chron.read(p, agency="legal", case_id="k", columns={"Matter": "description", "When": "date"})
    e = c.events.iloc[0]
    assert (e["description"], e["precision"], e["start"].strftime("%Y-%m-%d")) == (
        "Letter before action", "week", "2006-12-25",
    )


def test_spans_from_end_columns(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_text(
        "Date,Time,Discharge date,Discharge time,Details\n"
        "04-Mar-2024,14:10,20-Mar-2024,19:30,Admitted to A&E awaiting placement\n"
        "21-Mar-2024,09:00,,,Follow-up call\n"
    )
    c = chron.read(p, agency="health_acute", case_id="k")
    e = c.events.iloc[0]
    assert e["end"] - e["start"] == pd.Timedelta(days=16, hours=5, minutes=20)
    assert pd.isna(c.events["end"].iloc[1])


# ------------------------------------------------------------------ property tests
_date_text = st.one_of(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(lambda d: d.strftime("%d-%b-%Y")),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(lambda d: d.strftime("%b %Y")),
    st.sampled_from(["", "N/K", "31/02/2024", "soon", "?01/01/2020", "w/c 01/01/2024"]),
)
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_rows = st.lists(st.tuples(_date_text, _text, st.sampled_from(["Y", "N", "", "maybe"])), min_size=1, max_size=25)


def _write(rows: list[tuple[str, str, str]]) -> bytes:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Date", "Details", "Child seen (Y/N)"])
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _header_only(rows: list[tuple[str, str, str]]) -> bool:
    """True when no cell of ``rows`` holds more than white space: the file is its header row alone."""
    return not any(v.strip() for r in rows for v in r)


def _refused_as_header_only(path: Path) -> None:
    """Reading ``path`` (a header row and blank rows) is refused, naming the file and saying what to do."""
    with pytest.raises(SourceReadError, match=rf"^{re.escape(path.name)}: has a header row but no data rows; check the right"):
        chron.read(path, agency="police", case_id="k")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows)
def test_rows_read_equal_events_plus_rejects_plus_blank(tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    p = tmp_path / "gen.csv"
    p.write_bytes(_write(rows))
    if _header_only(rows):
        _refused_as_header_only(p)
        return
    c = chron.read(p, agency="police", case_id="k")
    prov = c.provenance.iloc[0]
    # trailing blank rows (like Excel's formatted-but-empty rows) are not counted as read
    nonblank = [i for i, r in enumerate(rows) if any(v.strip() for v in r)]
    assert prov["rows_read"] == (nonblank[-1] + 1 if nonblank else 0)
    assert prov["rows_read"] == len(c.events) + len(c.rejects) + prov["blank_rows"] + prov["repeated_headers"]
    assert set(c.events["source_row"]).isdisjoint(set(c.rejects["source_row"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows, seed=st.integers(0, 1000))
def test_shuffling_rows_changes_no_event_and_reading_twice_is_stable(
    tmp_path: Path, rows: list[tuple[str, str, str]], seed: int
) -> None:
    import random

    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(_write(rows))
    b.write_bytes(_write(shuffled))
    if _header_only(rows):
        _refused_as_header_only(a)
        _refused_as_header_only(b)
        return
    ca = chron.read(a, agency="police", case_id="k")
    ca2 = chron.read(a, agency="police", case_id="k")
    cb = chron.read(b, agency="police", case_id="k")
    pd.testing.assert_frame_equal(ca.events, ca2.events)
    cols = ["start", "precision", "uncertain", "event_type", "description", "child_seen"]

    def key(c: chron.Chronology) -> list[tuple[object, ...]]:
        return sorted(tuple(str(v) for v in row) for row in c.events[cols].itertuples(index=False))

    assert key(ca) == key(cb)
    assert len(ca.rejects) == len(cb.rejects)


# ------------------------------------------------------------------ a rejected row keeps all its text
# ``rejects["row_text"]`` holds every non-blank cell of the row ("Heading: value | ..."), so nothing a file
# said is lost when a row cannot become an event.
_WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]),
                min_size=1, max_size=30).map(str.strip).filter(lambda s: s and s[0] not in "=+-@\"'")


def test_a_rejected_row_keeps_every_cell(tmp_path: Path) -> None:
    p = tmp_path / "police.csv"
    p.write_text("Date,Details,Action,Officer\n31/02/2024,Home visit: child seen,Referral made,PC 12\n"
                 "01/03/2024,Call to the house,,\n", encoding="utf-8")
    c = chron.read(p, agency="police", case_id="x")
    assert len(c.events) == 1
    (text,) = c.rejects["row_text"].tolist()
    assert text == "Date: 31/02/2024 | Details: Home visit: child seen | Action: Referral made | Officer: PC 12"


def test_rows_above_the_header_keep_their_text(tmp_path: Path) -> None:
    p = tmp_path / "csc.csv"
    p.write_text("01/02/2024,Strategy discussion held,Police\nDate,Summary,Agency\n"
                 "02/02/2024,Visit,Police\n03/02/2024,Call,Police\n", encoding="utf-8")
    c = chron.read(p, agency="csc", case_id="x")
    above = c.rejects[c.rejects["source_row"] == 1]
    assert len(above) == 1
    assert "Strategy discussion held" in above["row_text"].iloc[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), _WORDS, _WORDS), min_size=1, max_size=8))
def test_no_text_of_a_rejected_row_is_lost(tmp_path: Path, rows: list[tuple[bool, str, str]]) -> None:
    frame = pd.DataFrame({
        "Date": ["01/03/2024" if ok else "31/02/2024" for ok, _, _ in rows],
        "Details": [f"note {i}: {d}" for i, (_, d, _) in enumerate(rows)],
        "Outcome": [o for _, _, o in rows],
    })
    path = tmp_path / "x.xlsx"
    frame.to_excel(path, index=False)
    c = chron.read(path, agency="police", case_id="x")
    assert len(c.events) + len(c.rejects) == len(rows)
    for _, r in c.rejects.iterrows():
        source = frame.iloc[int(r["source_row"]) - 2]
        for heading, value in source.items():
            assert f"{heading}: {str(value).strip()}" in r["row_text"]
