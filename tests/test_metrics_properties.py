"""Property tests of chronology.metrics: invariants that hold for any chronology."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronology.metrics import (
    activity,
    breaches,
    duplicates,
    gaps,
    intervals,
    merge_duplicates,
    missing,
    silences,
    voice,
)
from chronology.metrics._testing import events_frame
from chronology.rules import Expect, Interval, Match

BASE = pd.Timestamp("2024-03-20")  # spans Easter, the May bank holidays and the clock change
PHRASES = [
    "Police called to A&E as Cassie tried to leave",
    "Cassie tried to leave A&E, police called",
    "Statutory visit to placement",
    "Strategy discussion held, section 47 agreed",
    "Referral received from school",
    "Decision: progress to assessment",
    "Mother informed of discharge",
    "Escalated to team manager",
    "Phone call",
    "LAC review",
]
TYPES = ["contact", "referral", "assessment", "home_visit", "discharge", "review", "self_harm",
         "escalation", "placement_start", "attendance", "strategy_meeting", "other"]


@st.composite
def event(draw: st.DrawFn) -> dict:
    day = draw(st.integers(0, 150))
    minute = draw(st.one_of(st.none(), st.integers(0, 24 * 60 - 1)))
    prec = draw(st.sampled_from(["minute", "day", "day", "week", "month"]))
    when = BASE + pd.Timedelta(days=day)
    if prec == "minute":
        when = when + pd.Timedelta(minutes=minute or 0)
        start = when.strftime("%Y-%m-%d %H:%M")
    elif prec == "day":
        start = when.strftime("%Y-%m-%d")
    elif prec == "week":
        start = "w/c " + (when - pd.Timedelta(days=when.weekday())).strftime("%Y-%m-%d")
    else:
        start = when.strftime("%Y-%m")
    row = {
        "case_id": draw(st.sampled_from(["a", "b"])),
        "agency": draw(st.sampled_from(["police", "csc", "health_acute", "education"])),
        "start": start,
        "description": draw(st.sampled_from(PHRASES)),
        "event_type": draw(st.sampled_from(TYPES)),
        "child_seen": draw(st.sampled_from([True, False, None])),
        "child_voice": draw(st.sampled_from([None, None, "I don't want to go back"])),
        "uncertain": draw(st.booleans()) and draw(st.booleans()),
    }
    if prec in ("minute", "day") and draw(st.booleans()):
        row["end"] = (when + pd.Timedelta(hours=draw(st.integers(0, 400)))).strftime("%Y-%m-%d %H:%M")
    return row


@st.composite
def chronology_and_order(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = draw(st.lists(event(), min_size=1, max_size=24))
    frame = events_frame(rows)
    order = draw(st.permutations(range(len(frame))))
    return frame, frame.iloc[list(order)].reset_index(drop=True)


RULES = [
    Interval("any to visit", start=Match(event_type="referral"), end=Match(event_type="home_visit"),
             limit="10 working days"),
    Interval("reviews", start=Match(event_type="review"), end=Match(event_type="review"), limit="2 months"),
    Interval("span", start=Match(event_type="attendance"), limit="4 hours"),
    Interval("weeks", start=Match(event_type="discharge"), end=Match(event_type="contact"), limit="1 week",
             skip=1),
]
EXPECTS = [
    Expect("told", after=Match(event_type="discharge"), within="24 hours", then=Match(text="mother")),
    Expect("outcome", after=Match(event_type="escalation"), within="10 working days",
           then=Match(text="decision"), same_agency=True),
]

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@SETTINGS
@given(chronology_and_order())
def test_gaps_invariants(pair: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    frame, shuffled = pair
    for kwargs in ({}, {"by": "agency"}, {"exact_only": True}, {"working_days": True, "min_days": 2}):
        g = gaps(frame, **kwargs)
        same(g, gaps(shuffled, **kwargs))
        assert (g["days"] >= 0).all()
        assert (g["hours"] > 0).all()
        assert (g["end"] > g["start"]).all()
        assert (g["working_days"] <= g["days"]).all()
        assert (g["working_days"] >= 0).all()
    # an approximate event never yields an exact gap
    approx_ids = set(frame.loc[frame["precision"].isin(["week", "month"]) | frame["uncertain"], "event_id"])
    g = gaps(frame)
    touched = g["before_event_id"].isin(approx_ids) | g["after_event_id"].isin(approx_ids)
    assert g.loc[touched, "approximate"].all()


@SETTINGS
@given(chronology_and_order())
def test_intervals_and_breaches_invariants(pair: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    frame, shuffled = pair
    r = intervals(frame, RULES)
    same(r, intervals(shuffled, RULES))
    b = breaches(frame)
    same(b, breaches(shuffled))
    for df in (r, b):
        done = df["end"].notna()
        assert (df.loc[done, "days"] >= 0).all()
        assert (df.loc[done, "hours"] >= 0).all()
        assert (df.loc[done, "working_days"] <= df.loc[done, "days"]).all()
        if df is r:  # an open interval has no verdict yet; in breaches() an open one past its limit is overdue
            assert df.loc[~done, "breached"].isna().all()
        assert set(df["status"]) <= {"met", "breached", "open", "overdue", "measured"}
    assert (b["breached"].fillna(False) == b["status"].isin(["breached", "overdue"])).all()


@SETTINGS
@given(chronology_and_order())
def test_missing_voice_activity_are_order_free(pair: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    frame, shuffled = pair
    same(missing(frame), missing(shuffled))
    same(missing(frame, EXPECTS), missing(shuffled, EXPECTS))
    for freq in ("W", "M"):
        v = voice(frame, freq=freq)
        same(v, voice(shuffled, freq=freq))
        assert v["events"].sum() == len(frame)
        assert (v["seen"] + v["not_seen"] + v["seen_unknown"] == v["events"]).all()
        a = activity(frame, freq=freq)
        same(a, activity(shuffled, freq=freq))
        assert a["events"].sum() == len(frame)
        assert (a["agencies_involved"] >= 1).all()
    s = silences(frame)
    same(s, silences(shuffled))
    assert (s["working_days"] <= s["days"]).all()
    assert (s["days"] >= 0).all()


@SETTINGS
@given(chronology_and_order())
def test_duplicates_invariants(pair: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    frame, shuffled = pair
    d = duplicates(frame)
    same(d, duplicates(shuffled))
    assert not d.duplicated(["group", "agency"]).any()  # never two events of one agency
    assert (d.groupby("group")["case_id"].nunique() == 1).all()
    assert (d.groupby("group").size() >= 2).all()
    assert (d.groupby("group")["primary"].sum() == 1).all()
    if len(d):
        spread = d.groupby("group")["start"].max() - d.groupby("group")["start"].min()
        assert (spread <= pd.Timedelta(days=2)).all()
    merged = merge_duplicates(frame, d)
    assert len(merged) == len(frame) - (len(d) - d["group"].nunique())
    assert set(merged["event_id"]) <= set(frame["event_id"])
