"""Column roles inferred from heading and content (issue 14): the four-agency chronology read with no
mapping, refusals that name both columns and the fix, header rows found by content, rows above the
header reported (issue 19), dates decided row by row, the recorded date, a folder without case.toml."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import ColumnMappingError, ManifestError
from chronology.normalise.infer import infer_columns, profile_columns

POLICE = """Ref,Date/Time,Occurrence,Action Taken
P/24/0113,04/03/2024 22:40,Officers attended after neighbours heard shouting; mother had a cut lip and the child was upstairs,DASH completed; PPN sent to MASH
P/24/0190,19/03/2024 01:15,Child reported missing by carer and found at 03:00 in the park with two older males,Return home interview requested
P/24/0244,02/04/2024 16:05,Domestic incident: partner arrested for assault after a 999 call from the child,Referral to children's social care
"""
CSC = """ID,Event Date,Event,Worker role,Outcome
1,05/03/2024,Police notification received about domestic abuse at the home address,Duty social worker,Strategy discussion arranged
2,07/03/2024,Strategy discussion with police and health; section 47 enquiry agreed,Team manager,Section 47 enquiry
3,12/03/2024,Home visit: child seen alone in her bedroom and spoke about being scared at night,Social worker,Child protection conference requested
"""
LEGAL = """Ref,Instruction date,Matter,Requested by,Advice given
L-0091,14/03/2024,Request for advice on whether the threshold for care proceedings is met,Team manager,Threshold met; legal planning meeting advised
L-0107,28/03/2024,Legal planning meeting to consider the Public Law Outline,Service manager,Issue letter before proceedings
"""
HEALTH = """Entry,Date,Time,Service,Contact type,Details,Child seen (Y/N)
1,06/03/2024,10:30,Health visiting,Home visit,Home visit after the police notification: mother tearful and the baby weighed and well,Y
2,13/03/2024,14:00,GP,Telephone,GP telephoned the health visitor about missed immunisations and the mother's low mood,N
3,20/03/2024,09:15,Health visiting,Clinic,Attended clinic with her mother; weight on the 9th centile and development on track,Y
"""


def _write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_four_agency_chronology_reads_with_no_mapping_and_every_text_right(tmp_path: Path) -> None:
    for name, text in [("police.csv", POLICE), ("social care.csv", CSC), ("legal.csv", LEGAL), ("health.csv", HEALTH)]:
        _write(tmp_path, name, text)
    c = chron.read_case(tmp_path)  # no case.toml, no columns=
    assert len(c.events) == 11
    assert len(c.rejects) == 0
    by_source = c.events.groupby("source")["description"].apply(list).to_dict()
    assert by_source["health.csv"][0].startswith("Home visit after the police notification")
    assert by_source["legal.csv"][0].startswith("Request for advice")
    assert by_source["police.csv"][0].startswith("Officers attended")
    assert by_source["social care.csv"][2].startswith("Home visit: child seen alone")
    # the row numbers of "Entry" are never the description: kept as an extra column
    health = c.events[c.events["source"] == "health.csv"]
    assert health["Entry"].tolist() == ["1", "2", "3"]
    assert health["child_seen"].tolist() == [True, False, True]
    assert set(c.events["agency"]) == {"police", "csc", "legal", "health"}
    inferred = {p["source"]: {r["column"]: r for r in p["inferred"]} for p in c.provenance.to_dict("records")}
    entry = inferred["health.csv"]["Entry"]
    assert entry["role"] is None
    assert "row numbers" in entry["reason"]
    assert inferred["legal.csv"]["Instruction date"]["role"] == "date"
    assert inferred["police.csv"]["Occurrence"]["by"] == "heading+content"
    assert c.provenance["notes"].str.contains("inferred from the file name").all()


def test_two_free_text_columns_with_unknown_headings_are_refused_with_the_fix_in_both_syntaxes(tmp_path: Path) -> None:
    p = _write(tmp_path, "odd.csv", "When,Column B,Column C\n"
               "01/03/2024,Visited the family home and the child was in bed,Mother said she could not cope\n"
               "05/03/2024,Spoke with the class teacher about lateness,Teacher worried about the child's weight\n")
    with pytest.raises(ColumnMappingError, match=r"'Column B'.*'Column C'") as info:
        chron.read(p, agency="csc", case_id="k")
    assert info.value.fix == {"columns": {"Column B": "description"}}
    assert "columns={'Column B': 'description'}" in str(info.value)
    assert '--column "Column B=description"' in info.value.for_cli()
    # the fix works
    c = chron.read(p, agency="csc", case_id="k", **info.value.fix)
    assert c.events["description"].iloc[0].startswith("Visited the family home")
    assert c.provenance["inferred"].iloc[0][1]["by"] == "user"


def test_columns_always_wins_over_the_inference(tmp_path: Path) -> None:
    p = _write(tmp_path, "h.csv", HEALTH)
    c = chron.read(p, agency="health", case_id="k", columns={"Contact type": "description", "Details": None})
    assert c.events["description"].tolist() == ["Home visit", "Telephone", "Clinic"]
    assert "Details" in c.events.columns


def test_a_date_column_is_found_by_content_and_the_header_with_no_date_heading(tmp_path: Path) -> None:
    p = _write(tmp_path, "legal.csv", "Legal services chronology\nRef,Logged,Summary,Who\n"
               "A1,01/03/2024,Letter before proceedings sent to both parents,Solicitor\n"
               "A2,09/03/2024,Pre-proceedings meeting held with parents and their advocates,Solicitor\n")
    c = chron.read(p, agency="legal", case_id="k")
    rec = {r["column"]: r for r in c.provenance["inferred"].iloc[0]}
    assert rec["Logged"]["role"] == "date"
    assert rec["Logged"]["by"] == "content"
    assert c.provenance["header_row"].iloc[0] == 2
    assert c.provenance["title_rows"].iloc[0] == 1


def test_a_yes_no_column_is_child_seen_only_when_its_heading_says_so(tmp_path: Path) -> None:
    p = _write(tmp_path, "a.csv", "Date,Details,Safeguarding referral (Y/N),Seen alone?\n"
               "01/03/2024,Emergency call about an injured boy in the park,Y,N\n"
               "02/03/2024,Crew arrived on scene and treated a stab wound,N,Y\n")
    c = chron.read(p, agency="ambulance", case_id="k")
    assert c.events["child_seen"].tolist() == [False, True]
    assert c.events["Safeguarding referral (Y/N)"].tolist() == ["Y", "N"]


def test_a_richer_header_below_data_rows_never_drops_them(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.csv", "Date,Details\n01/03/2024,Home visit to the family\n"
               "02/03/2024,Phone call with the school\nDate,Details,Action,Outcome\n"
               "03/03/2024,Strategy discussion,Section 47,Agreed\n")
    c = chron.read(p, agency="csc", case_id="k")
    prov = c.provenance.iloc[0]
    assert prov["header_row"] == 1
    assert c.events["description"].tolist()[:2] == ["Home visit to the family", "Phone call with the school"]
    assert prov["rows_read"] == 4 == prov["events"] + prov["rejects"] + prov["blank_rows"] + prov["repeated_headers"]


def test_rows_above_the_header_that_look_like_data_are_rejects_not_titles(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.csv", "Northshire Police chronology\n"
               "28/02/2024,Call from school about bruising,Advice\n"
               "Date,Details,Action taken\n"
               "01/03/2024,Home visit to the family,Referral\n")
    c = chron.read(p, agency="police", case_id="k")
    prov = c.provenance.iloc[0]
    assert prov["header_row"] == 3
    assert prov["title_rows"] == 1
    assert c.rejects["source_row"].tolist() == [2]
    assert "above the header" in c.rejects["reason"].iloc[0]
    assert "Call from school about bruising" in c.rejects["value"].iloc[0]
    assert prov["rows_read"] == 2 == len(c.events) + len(c.rejects)


def test_one_month_first_date_does_not_make_uk_dates_rejects(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.csv", "Date,Details\n03/02/2024,Visit one\n14/02/2024,Visit two\n"
               "03/25/2024,Visit three\n05/04/2024,Visit four\n")
    c = chron.read(p, agency="police", case_id="k")
    assert len(c.rejects) == 0
    assert c.events["start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-02-03", "2024-02-14", "2024-03-25", "2024-04-05",
    ]
    assert "month-first" in c.provenance["notes"].iloc[0]
    assert c.events.set_index("description").loc["Visit three", "date_note"].startswith("'03/25/2024' can only be")


def test_unknown_day_and_part_of_month_are_month_precision_with_a_note(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.csv", "Date,Details\n?/05/2024,Moved to a new address\n"
               "early June 2024,Started at a new school\n12/06/2024,Home visit\n")
    c = chron.read(p, agency="csc", case_id="k").events.set_index("description")
    assert c.loc["Moved to a new address", "precision"] == "month"
    assert bool(c.loc["Moved to a new address", "uncertain"]) is True
    assert c.loc["Started at a new school", "precision"] == "month"
    assert c.loc["Started at a new school", "start"].strftime("%Y-%m-%d") == "2024-06-01"
    assert "early June 2024" in c.loc["Started at a new school", "date_note"]
    assert pd.isna(c.loc["Home visit", "date_note"])


def test_a_bad_time_keeps_the_row_at_day_precision_with_a_note(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.csv", "Date,Time,Details\n01/03/2024,late evening,Visit\n02/03/2024,09:15,Call\n")
    c = chron.read(p, agency="police", case_id="k")
    assert len(c.rejects) == 0
    e = c.events.set_index("description")
    assert e.loc["Visit", "precision"] == "day"
    assert "late evening" in e.loc["Visit", "date_note"]
    assert e.loc["Call", "precision"] == "minute"


def test_date_recorded_is_kept_apart_from_the_event_date(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.csv", "Event date,Date recorded,Details\n01/03/2024,08/03/2024,Home visit\n")
    c = chron.read(p, agency="csc", case_id="k")
    e = c.events.iloc[0]
    assert (e["start"].strftime("%d/%m/%Y"), e["recorded"].strftime("%d/%m/%Y")) == ("01/03/2024", "08/03/2024")
    # the only date column: read as the event's date, with the reason recorded
    q = _write(tmp_path, "q.csv", "Date recorded,Details\n08/03/2024,Home visit\n")
    d = chron.read(q, agency="csc", case_id="k")
    assert d.events["start"].iloc[0].strftime("%d/%m/%Y") == "08/03/2024"
    assert "only date column" in d.provenance["inferred"].iloc[0][0]["reason"]


def test_a_date_of_birth_is_never_the_event_date(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.csv", "Date of birth,Date,Details\n01/01/2012,01/03/2024,Home visit\n")
    c = chron.read(p, agency="csc", case_id="k")
    assert c.events["start"].iloc[0].strftime("%Y") == "2024"


def test_unknown_agency_names_in_an_agency_column_fall_back_to_the_callers_agency(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.csv", "Date,Agency,Details\n01/03/2024,Riverside Ward 7,Visit\n02/03/2024,Northshire Police,Call\n")
    c = chron.read(p, agency="health_acute", case_id="k")
    assert c.events.sort_values("source_row")["agency"].tolist() == ["health_acute", "police"]


def test_a_folder_without_case_toml_refuses_a_file_whose_agency_it_cannot_tell(tmp_path: Path) -> None:
    _write(tmp_path, "export_final_v2.csv", "Date,Details\n01/03/2024,Visit\n")
    with pytest.raises(ManifestError, match=r"export_final_v2.csv.*rename the file.*case.toml"):
        chron.read_case(tmp_path)


def test_profiling_is_vectorised_and_cheap_on_a_large_file() -> None:
    n = 200_000
    cells = pd.DataFrame({
        "Entry": pd.Series(range(1, n + 1)).astype("str"),
        "Date": pd.Series(["01/03/2024", "02/03/2024"] * (n // 2), dtype="str"),
        "Details": pd.Series([f"Home visit number {i} with the child seen alone" for i in range(n)], dtype="str"),
    })
    start = time.perf_counter()
    mapping, _ = infer_columns(cells)
    elapsed = time.perf_counter() - start
    assert mapping == {"Date": "date", "Details": "description"}
    assert elapsed < 5  # a sample of rows is profiled, whatever the size (about 0.2 s here)
    assert profile_columns(cells)["n"].max() <= 200


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    titles=st.lists(st.sampled_from(["Chronology of involvement", "CONFIDENTIAL", "Prepared for the panel", ""]), max_size=3),
    above=st.lists(st.tuples(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2024, 12, 31)),
                             st.sampled_from(["Call from school", "Home visit", "Strategy meeting"])), max_size=3),
    below=st.integers(1, 6),
)
def test_rows_above_the_header_are_titles_or_rejects_never_lost(
    titles: list[str], above: list[tuple[dt.date, str]], below: int, tmp_path: Path
) -> None:
    lines = [*titles, *(f"{d:%d/%m/%Y},{t},Advice" for d, t in above), "Date,Details,Action taken"]
    lines += [f"{d:02d}/03/2024,Visit number {d},Referral" for d in range(1, below + 1)]
    p = _write(tmp_path, "p.csv", "\n".join(lines) + "\n")
    c = chron.read(p, agency="police", case_id="k")
    prov = c.provenance.iloc[0]
    assert prov["events"] == below
    assert sorted(c.rejects["source_row"]) == [len(titles) + 1 + i for i in range(len(above))]
    assert prov["title_rows"] == sum(bool(t) for t in titles)
    assert prov["rows_read"] == prov["events"] + prov["rejects"] + prov["blank_rows"] + prov["repeated_headers"]
