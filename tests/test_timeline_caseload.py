"""The timeline's caseload view: many cases drawn as counts per agency and period across cases.

Tested by the figure dict (traces, points, counts, hover, title) against the same counts done in
plain pandas, not by pixels or timings.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import OptionError
from chronology.plot import style, timeline
from chronology.plot._caseload import MAX_PERIODS
from chronology.plot.timeline import AGGREGATE_ABOVE, CASELOAD_LANES
from chronology.schema import CANONICAL_COLUMNS, CANONICAL_DTYPES, validate_events

AGENCIES = np.array(["police", "csc", "health_acute", "health_camhs", "education"])
PERIOD = {"day": "D", "week": "W", "month": "M", "year": "Y"}


def _caseload(n: int, cases: int, days: int = 500, seed: int = 0, agencies: int = 5) -> chron.Chronology:
    """A fictional caseload of ``n`` events over ``days`` days, built as a canonical frame (fast)."""
    rng = np.random.default_rng(seed)
    minutes = rng.integers(0, days * 1440, n)
    start = (pd.Timestamp("2021-01-04") + pd.to_timedelta(minutes, unit="min")).as_unit("us")
    start = pd.DatetimeIndex(start).tz_localize("Europe/London", ambiguous="NaT", nonexistent="shift_forward")
    df = pd.DataFrame({
        "event_id": [f"e{i}" for i in range(n)],
        # every case has at least one event, so the number of cases is known
        "case_id": [f"C{i:05d}" for i in np.concatenate([np.arange(min(cases, n)), rng.integers(0, cases, n - min(cases, n))])],
        "agency": AGENCIES[:agencies][rng.integers(0, agencies, n)],
        "service": None, "start": start,
        "end": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, Europe/London]"),
        "precision": "minute", "uncertain": False, "event_type": "contact",
        "description": "Recorded contact with the family", "action": None,
        "child_seen": pd.array([pd.NA] * n, dtype="boolean"), "child_voice": None, "practitioner": None,
        "source": "load.csv", "source_sheet": None, "source_row": np.arange(2, n + 2),
    })
    df = df[df["start"].notna()].reset_index(drop=True)
    for col in CANONICAL_COLUMNS:
        df[col] = df[col].astype(CANONICAL_DTYPES[col])
    df = df.sort_values("start", kind="stable").reset_index(drop=True)
    return chron.Chronology(events=validate_events(df), title="Fictional caseload")


def _expected(events: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Events and distinct cases per agency lane and period, counted in plain pandas."""
    wall = events["start"].dt.tz_localize(None)
    period = wall.dt.to_period(PERIOD[unit]).dt.start_time
    lane = events["agency"].astype("str").map(style.agency_label)
    return (
        pd.DataFrame({"lane": lane, "period": period, "case_id": events["case_id"]})
        .groupby(["lane", "period"])
        .agg(events=("case_id", "size"), cases=("case_id", "nunique"))
        .sort_index()
    )


def _drawn(fig) -> pd.DataFrame:
    """The counts the figure draws, as a frame indexed like :func:`_expected`."""
    (trace,) = fig.data
    return pd.DataFrame({
        "lane": list(trace.y), "period": pd.to_datetime(np.asarray(trace.x)),
        "events": np.asarray(trace.marker.color, dtype="int64"), "cases": np.asarray(trace.customdata, dtype="int64"),
    }).set_index(["lane", "period"]).sort_index()


@pytest.fixture(scope="module")
def load() -> chron.Chronology:
    """1,000 cases, five agencies, about 30,000 events over 500 days: far more than 80 case × agency
    lanes (an event at a time lost to the clock change is dropped)."""
    return _caseload(30_000, 1_000)


# ---------------------------------------------------------------------- the caseload view
def test_many_cases_are_drawn_across_cases_one_lane_per_agency(load):
    fig = timeline(load)
    assert len(fig.data) == 1
    (trace,) = fig.data
    assert trace.meta == "counts"
    lanes = [style.agency_label(a) for a in ("police", "csc", "health_acute", "health_camhs", "education")]
    assert list(fig.layout.yaxis.categoryarray) == lanes  # vocabulary order, not per case
    assert set(trace.y) == set(lanes)
    assert fig.layout.meta == {"view": "caseload", "unit": "week", "events": len(load.events), "cases": 1_000}
    # a bounded figure: at most MAX_PERIODS marks per agency lane, whatever the number of cases
    assert len(trace.x) <= len(lanes) * MAX_PERIODS
    assert len(fig.to_json()) < 200_000


def test_counts_sum_to_the_events_and_match_plain_pandas(load):
    fig = timeline(load)
    drawn = _drawn(fig)
    assert int(drawn["events"].sum()) == len(load.events)
    pd.testing.assert_frame_equal(drawn, _expected(load.events, "week"), check_dtype=False)
    assert (drawn["cases"] >= 1).all()
    assert (drawn["cases"] <= drawn["events"]).all()


def test_title_says_aggregated_how_many_and_how_to_see_one_child(load):
    fig = timeline(load)
    assert fig.layout.title.text == "Fictional caseload"
    note = fig.layout.title.subtitle.text
    assert "aggregated" in note
    assert f"{len(load.events):,} events of 1,000 cases" in note
    assert "per agency and week across all cases" in note
    assert "c.filter(case_id='C00000').timeline()" in note  # a real case id, ready to copy
    assert fig.layout.yaxis.title.text == "Agency (all 1,000 cases)"
    assert fig.layout.showlegend is False
    assert fig.data[0].marker.colorbar.title.text == "events<br>per week"


def test_hover_text_gives_the_agency_period_events_and_cases(load):
    fig = timeline(load)
    trace = fig.data[0]
    drawn = _drawn(fig)
    i = int(np.argmax(np.asarray(trace.marker.color)))
    lane, when = trace.y[i], pd.Timestamp(trace.x[i])
    n, k = drawn.loc[(lane, when), ["events", "cases"]]
    assert trace.hovertext[i] == (
        f"<b>{lane}</b> · all cases<br>in the week of {when:%d/%m/%Y}<br>{n} events from {k} cases"
    )
    assert when.day_of_week == 0  # weeks run Monday to Sunday
    assert all(h.count("<br>") == 2 and " from " in h for h in trace.hovertext)


def test_lane_labels_give_each_agencys_events_and_cases(load):
    fig = timeline(load)
    ax = fig.layout.yaxis
    assert ax.tickmode == "array"
    assert list(ax.tickvals) == list(ax.categoryarray)
    ev = load.events
    police = ev[ev["agency"] == "police"]
    text = dict(zip(ax.tickvals, ax.ticktext, strict=True))["Police"]
    assert f"{len(police):,} events · {police['case_id'].nunique():,} cases" in text


def test_gaps_and_breaches_are_neither_drawn_nor_computed(load, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the caseload view must not compute per-child metrics")

    monkeypatch.setattr("chronology.metrics.gaps", boom)
    monkeypatch.setattr("chronology.metrics.breaches", boom)
    fig = timeline(load, gaps=True, breaches=True)
    assert {s.name for s in fig.layout.shapes} <= {"lane"}
    assert not fig.layout.annotations


@pytest.mark.parametrize(
    ("days", "unit"), [(100, "day"), (500, "week"), (1_500, "month"), (6_000, "year")]
)
def test_period_is_chosen_from_the_span(days, unit):
    c = _caseload(4_000, 200, days=days, seed=days)
    fig = timeline(c)
    assert fig.layout.meta["unit"] == unit
    drawn = _drawn(fig)
    pd.testing.assert_frame_equal(drawn, _expected(c.events, unit), check_dtype=False)
    per_lane = drawn.groupby(level="lane").size()
    assert per_lane.max() <= MAX_PERIODS
    starts = drawn.index.get_level_values("period")
    if unit in ("month", "year"):
        assert (starts.day == 1).all()
    if unit == "year":
        assert (starts.month == 1).all()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(1, 3_000), cases=st.integers(1, 400), days=st.integers(1, 8_000),
    agencies=st.integers(1, 5), seed=st.integers(0, 2**16),
)
def test_caseload_counts_are_plain_pandas_counts(n, cases, days, agencies, seed):
    c = _caseload(n, cases, days=days, seed=seed, agencies=agencies)
    fig = timeline(c, across_cases=True)
    drawn = _drawn(fig)
    assert int(drawn["events"].sum()) == len(c.events)
    pd.testing.assert_frame_equal(drawn, _expected(c.events, fig.layout.meta["unit"]), check_dtype=False)
    assert fig.layout.meta["cases"] == c.events["case_id"].nunique()


# ---------------------------------------------------------------------- when it is drawn
def test_a_small_caseload_keeps_its_case_lanes():
    c = _caseload(2_000, 10)  # 50 case × agency lanes
    assert 10 * len(AGENCIES) <= CASELOAD_LANES
    fig = timeline(c, gaps=False, breaches=False)
    assert fig.layout.meta is None
    assert "C00000 · Police" in fig.layout.yaxis.categoryarray
    assert sum(len(t.x) for t in fig.data if t.meta == "points") == len(c.events)


def test_a_big_small_caseload_keeps_per_lane_counts():
    c = _caseload(AGGREGATE_ABOVE + 1_000, 4)  # aggregated, but its 20 lanes can be read
    fig = timeline(c, gaps=False, breaches=False)
    assert fig.layout.meta is None
    assert [t.meta for t in fig.data] == ["counts"]
    assert len(fig.layout.yaxis.categoryarray) == 4 * len(AGENCIES)
    assert "counts per lane" in fig.layout.title.subtitle.text


def test_across_cases_can_be_asked_for_or_refused(load):
    small = _caseload(300, 3, days=60)
    fig = timeline(small, across_cases=True, gaps=False)
    assert fig.layout.meta["view"] == "caseload"
    assert fig.layout.meta["unit"] == "day"
    # refused: the case × agency lanes, as before (counts, as the load is large)
    fig = timeline(load, across_cases=False, gaps=False, breaches=False)
    assert fig.layout.meta is None
    assert len(fig.layout.yaxis.categoryarray) > CASELOAD_LANES
    # aggregate=False asks for single events: the caseload keeps its lanes
    few = _caseload(1_000, 100)
    fig = timeline(few, aggregate=False, gaps=False, breaches=False, detail=False)
    assert sum(len(t.x) for t in fig.data if t.meta == "points") == len(few.events)
    with pytest.raises(OptionError, match="across_cases=True draws counts"):
        timeline(few, aggregate=False, across_cases=True)


def test_many_cases_with_few_events_are_drawn_across_cases():
    c = _caseload(500, 100)  # 500 events, but about 400 case × agency lanes
    fig = c.timeline()
    assert fig.layout.meta["view"] == "caseload"
    assert int(np.sum(fig.data[0].marker.color)) == len(c.events)


def test_caseload_view_from_an_events_frame_and_input_not_modified(load):
    before = load.events.copy()
    fig = timeline(load.events)
    pd.testing.assert_frame_equal(load.events, before)
    assert fig.layout.meta["events"] == len(before)
    json.loads(fig.to_json())  # plain JSON: the explorer and the HTML report can send it
