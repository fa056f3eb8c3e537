"""The child's voice during crisis periods found from the data: hospital stays, custody, missing
episodes, placement breakdowns; open periods are never closed by a guess; approximate dates make
the result approximate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import chronology as chron
from chronology.errors import OptionError
from chronology.metrics import crisis_periods, voice_in_crisis
from chronology.metrics._testing import events_frame


def _ev(rows: list[dict[str, object]]) -> pd.DataFrame:
    return events_frame([{"case_id": "x", **r} for r in rows])


def _visits(day0: str, n: int, heard: int, agency: str = "csc") -> list[dict[str, object]]:
    start = pd.Timestamp(day0)
    return [
        {"agency": agency, "start": f"{start + pd.Timedelta(days=i):%Y-%m-%d} 12:00", "description": "Visit",
         **({"child_voice": "said how she feels"} if i < heard else {})}
        for i in range(n)
    ]


def test_cassie_a_and_e_stay_comes_from_the_data(cassie: chron.Chronology) -> None:
    c = cassie
    periods = c.crisis_periods()
    stay = periods[(periods["kind"] == "hospital") & (periods["hours"] > 24 * 7)]
    assert len(stay) == 1
    stay = stay.iloc[0]
    assert stay["start"] == pd.Timestamp("2024-03-04 14:10", tz="Europe/London")
    assert stay["end"] == pd.Timestamp("2024-03-20 19:10", tz="Europe/London")
    assert stay["closed_by"] == "recorded end"
    # her views: 5 of the 39 events of the stay, 14 of the 56 outside it
    assert (stay["events"], stay["heard"]) == (39, 5)
    assert (len(c) - stay["events"], int(c.events["child_voice"].notna().sum()) - stay["heard"]) == (56, 14)
    v = c.voice(by="crisis").iloc[0]
    assert v["voice_secondary"]
    assert v["share_heard_inside"] < v["share_heard_outside"]
    assert v["events_inside"] + v["events_outside"] == len(c)
    assert v["approximate"]  # school entries dated by week straddle the periods
    assert v["uncertain_events"] > 0
    assert "secondary during the crisis" in v["finding"]
    assert "04 Mar 2024 14:10 to 20 Mar 2024 19:10" in v["finding"]
    assert v["open_periods"] == 0


def test_admission_then_discharge_is_a_stay() -> None:
    ev = _ev([
        {"agency": "health_acute", "start": "2024-03-04 14:10", "event_type": "admission", "description": "Admitted"},
        *_visits("2024-03-05", 6, 0),
        {"agency": "health_acute", "start": "2024-03-12 10:00", "event_type": "discharge", "description": "Discharged"},
        *_visits("2024-04-01", 6, 4),
    ])
    p = crisis_periods(ev)
    assert p[["kind", "open", "closed_by", "events", "heard"]].values.tolist() == [
        ["hospital", False, "end event", 8, 0]]
    assert p["hours"].iloc[0] == pytest.approx(7 * 24 + 19 + 50 / 60)
    v = voice_in_crisis(ev).iloc[0]
    assert (v["events_inside"], v["heard_inside"], v["events_outside"], v["heard_outside"]) == (8, 0, 6, 4)
    assert v["voice_secondary"]
    assert not v["approximate"]


def test_a_stay_without_an_end_stays_open_and_is_left_out() -> None:
    ev = _ev([
        {"agency": "health_acute", "start": "2024-01-04 14:10", "event_type": "attendance",
         "description": "Attended ED after an assault"},
        *_visits("2024-01-05", 6, 0),
        # a later, unrelated stay with its own discharge: not the end of the first
        {"agency": "health_acute", "start": "2024-04-28 09:00", "event_type": "attendance", "description": "Attended ED"},
        {"agency": "health_acute", "start": "2024-04-29 09:00", "event_type": "discharge", "description": "Discharged"},
        *_visits("2024-05-01", 6, 3),
    ])
    p = crisis_periods(ev)
    first = p.iloc[0]
    assert first["open"]
    assert pd.isna(first["end"])
    assert first["closed_by"] == "no end recorded before the next start"
    assert first["events"] == 0
    assert p["open"].tolist() == [True, False]
    v = voice_in_crisis(ev).iloc[0]
    assert v["open_periods"] == 1
    assert v["events_inside"] == 2  # only the closed stay
    assert "Left out, with no end recorded: in hospital (A&E or a ward) from 04 Jan 2024 14:10" in v["finding"]


def test_an_end_too_far_away_is_not_the_end() -> None:
    ev = _ev([
        {"agency": "health_acute", "start": "2024-01-04 14:10", "event_type": "attendance", "description": "Attended ED"},
        {"agency": "health_acute", "start": "2024-04-29 09:00", "event_type": "discharge", "description": "Discharged"},
    ])
    p = crisis_periods(ev)
    assert p["open"].tolist() == [True]
    assert p["closed_by"].tolist() == ["no end within 90 days"]


def test_missing_found_in_the_same_record_and_by_a_later_record() -> None:
    ev = _ev([
        {"agency": "police", "start": "2024-02-24 16:45", "event_type": "missing_episode",
         "description": "Reported missing from the children's home; found at 22:30 in town"},
        {"agency": "police", "start": "2024-03-02 20:00", "event_type": "missing_episode",
         "description": "Reported missing by her carer"},
        {"agency": "police", "start": "2024-03-02 23:00", "event_type": "missing_episode",
         "description": "Not yet located; search continues"},
        {"agency": "police", "start": "2024-03-03 01:10", "event_type": "missing_episode",
         "description": "Located safe and well at a friend's address"},
    ])
    p = crisis_periods(ev)
    assert p[["kind", "closed_by", "events"]].values.tolist() == [
        ["missing", "same record", 1], ["missing", "end event", 3]]


def test_custody_from_arrest_to_release_and_a_recorded_span() -> None:
    ev = _ev([
        {"agency": "police", "start": "2024-10-13 07:45", "event_type": "arrest", "description": "Arrested on the ward"},
        {"agency": "police", "start": "2024-10-13 08:05", "end": "2024-10-13 13:10", "event_type": "custody",
         "description": "Booked into custody"},
        {"agency": "police", "start": "2024-10-13 13:10", "event_type": "custody",
         "description": "Released from custody under investigation"},
    ])
    p = crisis_periods(ev)
    assert p[["kind", "start", "end", "records"]].values.tolist() == [
        ["custody", pd.Timestamp("2024-10-13 07:45", tz="Europe/London"),
         pd.Timestamp("2024-10-13 13:10", tz="Europe/London"), 2]]


def test_approximate_dates_mark_the_result_approximate() -> None:
    ev = _ev([
        {"agency": "health_acute", "start": "2024-03-04", "end": "2024-03-10", "event_type": "admission",
         "description": "Admitted"},
        *_visits("2024-03-05", 5, 0),
        {"agency": "education", "start": "2024-03", "description": "Absent most of the month"},
        *_visits("2024-04-05", 6, 3),
    ])
    v = voice_in_crisis(ev).iloc[0]
    assert v["approximate"]
    assert v["uncertain_events"] == 1
    assert "Approximate: 1 event is dated too coarsely" in v["finding"]


def test_not_flagged_when_similar_or_too_few() -> None:
    similar = _ev([
        {"agency": "health_acute", "start": "2024-03-04 10:00", "end": "2024-03-20 10:00", "event_type": "attendance",
         "description": "In ED"},
        *_visits("2024-03-05", 9, 3),
        *_visits("2024-05-01", 10, 3),
    ])
    v = voice_in_crisis(similar).iloc[0]
    assert not v["voice_secondary"]
    assert v["finding"].endswith("not lower inside.")
    few = _ev([
        {"agency": "health_acute", "start": "2024-03-04 10:00", "end": "2024-03-06 10:00", "event_type": "attendance",
         "description": "In ED"},
        *_visits("2024-03-05", 1, 0),
        *_visits("2024-05-01", 10, 8),
    ])
    v = voice_in_crisis(few).iloc[0]
    assert not v["voice_secondary"]
    assert "too few events to compare" in v["finding"]


def test_row_order_does_not_change_the_result(carlos: chron.Chronology) -> None:
    c = carlos
    shuffled = c.events.sample(frac=1, random_state=3).reset_index(drop=True)
    a = voice_in_crisis(c.events)
    b = voice_in_crisis(shuffled)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(crisis_periods(c.events), crisis_periods(shuffled))


def test_caseload_one_row_per_case(cassie: chron.Chronology, carlos: chron.Chronology) -> None:
    both = chron.combine([cassie, carlos])
    v = both.voice(by="crisis")
    assert v["case_id"].tolist() == ["carlos", "cassie"]
    alone = cassie.voice(by="crisis")
    pd.testing.assert_frame_equal(v[v["case_id"] == "cassie"].reset_index(drop=True), alone)


def test_rules_are_data(tmp_path: Path, carlos: chron.Chronology) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        'replace = true\n[[periods]]\nkind = "s136"\nlabel = "detained under section 136"\n'
        'start = { text = "section 136" }\nend = { text = "assessment completed" }\nmax_days = 2\n',
        encoding="utf-8",
    )
    ev = _ev([
        {"agency": "police", "start": "2024-03-01 20:00", "description": "Detained under section 136"},
        {"agency": "health_camhs", "start": "2024-03-02 09:00", "description": "Mental health act assessment completed"},
        {"agency": "health_acute", "start": "2024-03-05 10:00", "end": "2024-03-06 10:00", "event_type": "admission",
         "description": "Admitted"},
    ])
    p = crisis_periods(ev, mine)
    assert p["kind"].tolist() == ["s136"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[periods]]\nkind = "x"\nstart = { event_type = "arrest" }\nend = { text = "x" }\nlimit = 3\n',
                   encoding="utf-8")
    with pytest.raises(OptionError, match=r"bad.toml: 'limit': unknown key in a crisis period"):
        crisis_periods(ev, bad)
    with pytest.raises(OptionError, match="unknown voice breakdown"):
        carlos.voice(by="agency")  # type: ignore[arg-type]
