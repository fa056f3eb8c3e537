"""chronology.synthetic: a seeded, realistic, messy caseload for benchmarks and property tests."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

import chronology as chron
from chronology.synthetic import synthetic, write_synthetic

HEADINGS = {
    "police": ["Case ref", "Date/Time", "Incident type", "Details", "Action taken", "Officer"],
    "health_acute": ["Case ref", "Date", "Time", "Details", "Outcome", "Child seen (Y/N)", "Clinician"],
    "csc": ["Case ref", "Date", "Team", "Summary", "Outcome", "Child seen", "Worker role", "Child's views"],
    "education": ["Case ref", "Week commencing", "Details", "Action", "Staff member"],
    "health_camhs": ["Case ref", "Date", "Details", "Outcome", "Seen", "Clinician"],
}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return synthetic(n_cases=200, events_per_case=50, seed=4)


def _text(tables: dict[str, pd.DataFrame]) -> pd.Series:
    return pd.concat([t["Details"] if "Details" in t else t["Summary"] for t in tables.values()], ignore_index=True)


def test_same_seed_same_tables_other_seed_other_tables(tables) -> None:
    again = synthetic(n_cases=200, events_per_case=50, seed=4)
    assert list(again) == list(tables)
    for agency in tables:
        pd.testing.assert_frame_equal(again[agency], tables[agency])
    other = synthetic(n_cases=200, events_per_case=50, seed=5)
    assert not other["police"].equals(tables["police"])


def test_size_agencies_and_headings(tables) -> None:
    assert sum(len(t) for t in tables.values()) == 200 * 50
    assert {a: list(t.columns) for a, t in tables.items()} == HEADINGS
    refs = pd.concat([t["Case ref"] for t in tables.values()])
    assert refs.str.fullmatch(r"SYN\d{6}").all()
    assert 190 <= refs.nunique() <= 200
    shares = pd.Series({a: len(t) for a, t in tables.items()}) / 10_000
    assert shares["csc"] > shares["police"] > shares["health_camhs"]


def test_each_agency_keeps_its_date_habits(tables) -> None:
    police = tables["police"]["Date/Time"]
    ok = police.str.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d")
    assert ok.mean() > 0.99
    assert 0.1 < police[ok].str.endswith("00:00").mean() < 0.25  # time-not-recorded placeholders
    assert tables["health_acute"]["Date"].str.fullmatch(r"\d\d-[A-Z][a-z]{2}-\d{4}").mean() > 0.99
    csc = tables["csc"]["Date"]
    assert 0.02 < csc.str.fullmatch(r"[A-Z][a-z]{2} \d{4}").mean() < 0.1  # month-only dates
    assert tables["education"]["Week commencing"].str.startswith("w/c ").mean() > 0.99
    assert 0.01 < tables["health_camhs"]["Date"].str.startswith("?").mean() < 0.06  # uncertain dates


def test_text_is_messy_like_real_exports(tables) -> None:
    text = _text(tables)
    non_ascii = ~text.map(str.isascii)
    assert 0.1 < non_ascii.mean() < 0.25  # curly quotes and accents from Word
    assert text.str.contains("’").any()
    assert text.str.contains("é").any()
    assert tables["csc"]["Summary"].str.contains("\n").mean() > 0.002  # two-line cells
    assert text.str.contains("no suitable placement", case=False).any()  # theme phrases
    assert (tables["police"]["Action taken"] == "N/K").any()  # null tokens
    bad = pd.concat([tables["police"]["Date/Time"], tables["csc"]["Date"]])
    assert 0 < bad.isin(["", "TBC"]).sum() < 0.01 * len(bad)


def test_written_caseload_reads_back_with_every_row_accounted_for(tmp_path) -> None:
    t = synthetic(n_cases=20, events_per_case=50, seed=9)
    folder = write_synthetic(t, tmp_path, case_id="county")
    manifest = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    assert manifest["case_id"] == "county"
    assert {f["agency"]: f["expected_events"] for f in manifest["files"]} == {a: len(d) for a, d in t.items()}
    c = chron.read_case(folder)
    assert len(c.events) + len(c.rejects) == 1000
    assert set(c.rejects["reason"]) <= {"empty", "not a date"}
    assert len(c.rejects) == int(sum(d.iloc[:, 1].isin(["", "TBC"]).sum() for d in t.values()))
    assert set(c.events["case_id"]) <= {f"SYN{i:06d}" for i in range(20)}
    assert sorted(c.agencies) == sorted(t)
    prec = c.events["precision"].astype(str).value_counts()
    assert {"minute", "day", "week", "month"} <= set(prec.index)
    assert c.events["uncertain"].any()
    assert c.events["event_type"].astype(str).ne("other").mean() > 0.5
    # a lived case: events spread over months, several agencies each
    span = c.events.groupby("case_id")["start"].agg(lambda s: (s.max() - s.min()).days)
    assert np.median(span) > 120
