"""The bundled sample cases: they load cleanly, and every figure in each FACTS.md is reproduced
by the library (so the worked examples and their facts cannot drift apart)."""

from __future__ import annotations

import tomllib
from functools import cache

import pandas as pd
import pytest

import chronology as chron
from chronology import samples
from chronology.errors import OptionError

LONDON = "Europe/London"


@cache
def _load(name: str) -> chron.Chronology:
    return samples.load(name)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=LONDON)


def one(frame: pd.DataFrame) -> pd.Series:
    """The single row of ``frame`` (fails loudly when there are none or several)."""
    assert len(frame) == 1, frame
    return frame.iloc[0]


def days(a: pd.Timestamp, b: pd.Timestamp) -> int:
    """Calendar days from ``a`` to ``b`` (dates as on a calendar, across clock changes)."""
    return (b.date() - a.date()).days


def events(c: chron.Chronology, **match: object) -> pd.DataFrame:
    return c.events[chron.Match(**match).mask(c.events)]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the module
def test_names() -> None:
    assert samples.names() == ["cassie", "carlos", "camille"]


@pytest.mark.parametrize("name", ["cassie", "carlos", "camille"])
def test_path_has_manifest_and_facts(name: str) -> None:
    folder = samples.path(name)
    assert folder.name == name
    assert (folder / "case.toml").is_file()
    assert (folder / "FACTS.md").is_file()
    assert samples.path(name.upper()) == folder


def test_unknown_name() -> None:
    with pytest.raises(OptionError, match="use one of: cassie, carlos, camille"):
        samples.load("charlie")
    with pytest.raises(OptionError, match="'charlie'"):
        samples.path("charlie")


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, chronology.samples; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- every case
@pytest.mark.parametrize("name", ["cassie", "carlos", "camille"])
def test_loads_cleanly_with_expected_counts(name: str) -> None:
    c = _load(name)
    assert len(c.rejects) == 0
    manifest = tomllib.loads((samples.path(name) / "case.toml").read_text(encoding="utf-8"))
    assert manifest["case_id"] == name
    assert c.case_ids == [name]
    files = manifest["files"]
    assert 4 <= len({f["agency"] for f in files}) <= 6
    per_file = c.events.groupby("source")["event_id"].count()
    for f in files:
        assert per_file[f["path"]] == f["expected_events"], f["path"]
    assert len(c.events) == sum(f["expected_events"] for f in files)
    assert 60 <= len(c.events) <= 150
    prov = c.provenance
    assert (prov["rows_read"] == prov["events"] + prov["blank_rows"] + prov["repeated_headers"]).all()
    # the formats the issue asks for, and the dates spread over months
    suffixes = {f["path"].rsplit(".", 1)[1] for f in files}
    assert {"csv", "xlsx", "docx"} <= suffixes
    span = c.events["start"].max() - c.events["start"].min()
    assert span > pd.Timedelta(days=90)
    # mixed precision and a few uncertain or approximate dates, a child-seen and a views column
    assert {"minute", "day", "week", "month"} <= set(c.events["precision"].astype(str))
    assert c.events["uncertain"].any()
    assert c.events["child_seen"].notna().any()
    assert c.events["child_voice"].notna().any()
    assert (c.events["event_type"] != "other").mean() > 0.6


# --------------------------------------------------------------------------- Cassie
def test_cassie_ae_stay() -> None:
    c = _load("cassie")
    stay = chron.Interval(
        "A&E stay", start=chron.Match(event_type="attendance", agency="health_acute", text="overdose")
    )
    row = one(c.intervals(stay))
    assert row["start"] == ts("2024-03-04 14:10")
    assert row["end"] == ts("2024-03-20 19:10")
    assert row["hours"] == 16 * 24 + 5
    br = c.breaches()
    ae = br[br["rule"].str.startswith("A&E") & (br["start"] == ts("2024-03-04 14:10"))]
    assert len(ae) == 2
    assert (ae["status"] == "breached").all()
    fit = one(events(c, agency="health_acute", text=r"^Medically fit"))
    assert fit["start"] == ts("2024-03-05 11:10")
    assert (row["end"] - fit["start"]) == pd.Timedelta(days=15, hours=8)


def test_cassie_strategy_discussion_and_protocol_meeting() -> None:
    c = _load("cassie")
    overdose = one(events(c, event_type="self_harm", agency="police", text="overdose"))
    first = events(c, event_type="strategy_meeting").sort_values("start").iloc[0]
    assert (first["start"].normalize() - overdose["start"].normalize()).days == 2
    assert set(events(c, event_type="strategy_meeting", text="after overdose")["agency"]) == {
        "csc", "police",
    }
    meeting = one(events(c, event_type="meeting", agency="csc", text="crisis protocol"))
    fit = one(events(c, agency="health_acute", text=r"^Medically fit"))
    assert meeting["start"] == ts("2024-03-11")
    assert (meeting["start"].normalize() - fit["start"].normalize()).days == 6


def test_cassie_escalation() -> None:
    c = _load("cassie")
    stay = one(events(c, event_type="attendance", text="overdose"))
    esc = events(c, event_type="escalation").sort_values("start")
    during = esc[(esc["start"] >= stay["start"]) & (esc["start"] <= stay["end"])]
    assert len(during) == 5
    assert during["agency"].astype(str).value_counts().to_dict() == {"health_acute": 3, "csc": 2}
    first = during.iloc[0]
    assert first["start"] == ts("2024-03-07 16:00")
    assert "informally" in first["description"]
    assert "knew" in first["description"]
    formal = during[during["description"].str.contains("escalation protocol")].iloc[0]
    assert formal["start"] == ts("2024-03-14 10:00")
    assert (formal["start"].normalize() - first["start"].normalize()).days == 7
    outcome = one(during[during["description"].str.startswith("Escalation outcome")])
    assert outcome["start"] == ts("2024-03-18")


def test_cassie_mental_health_late() -> None:
    c = _load("cassie")
    rule = chron.Interval(
        "CAMHS referral to first community assessment",
        start=chron.Match(event_type="referral", agency="health_camhs"),
        end=chron.Match(event_type="assessment", agency="health_camhs", text="first community"),
    )
    row = one(c.intervals(rule))
    assert row["start"] == ts("2023-11-16")
    assert row["end"] == ts("2024-04-29")
    assert row["days"] == 165
    miss = c.missing()
    mh = miss[miss["expectation"].str.startswith("Mental health assessment")]
    april = one(mh[mh["start"] == ts("2024-04-14")])
    assert april["status"] == "late"
    assert (april["next_start"] - april["start"]).days == 15
    # the overdose and the later ligature were followed by an assessment within 7 days
    assert not (mh["start"].dt.month == 3).any()
    assert not (mh["start"].dt.month == 5).any()
    assert len(events(c, event_type="self_harm")) == 7


def test_cassie_placements_and_review() -> None:
    c = _load("cassie")
    willow = one(events(c, event_type="placement_start", agency="placements", text="Willowbank"))
    assert days(willow["start"], willow["end"]) == 65
    secure = one(events(c, event_type="placement_start", text="Larkspur"))
    assert secure["start"] == ts("2024-05-24")
    br = c.breaches()
    visits = br[br["rule"].str.startswith("LAC statutory visit within")]
    assert len(visits) >= 2
    assert (visits["days"] == 6).all()
    assert (visits["status"] == "met").all()
    review = one(br[br["rule"].str.startswith("First LAC review")])
    assert review["start"] == ts("2024-03-05")
    assert review["working_days"] == 23
    assert review["status"] == "breached"


def test_cassie_family_told_of_discharges() -> None:
    c = _load("cassie")
    assert len(events(c, event_type="discharge")) == 2
    miss = c.missing()
    assert not miss["expectation"].str.contains("hospital discharge").any()


def test_cassie_voice_and_seen_alone() -> None:
    c = _load("cassie")
    v = c.voice(freq="Y")
    assert v["heard"].sum() == 19
    assert v["events"].sum() == 95
    by = v.groupby("agency", observed=True)[["events", "heard"]].sum()
    assert by.loc["csc"].tolist() == [28, 13]
    assert by.loc["health_camhs"].tolist() == [14, 6]
    assert by.drop(["csc", "health_camhs"])["heard"].sum() == 0
    assert (c.events["Seen alone (Y/N)"] == "Y").sum() == 9


def test_cassie_gaps_and_duplicates() -> None:
    c = _load("cassie")
    g = c.gaps().iloc[0]
    assert g["days"] == 29
    assert g["approximate"]
    assert g["end"] == ts("2024-01-08")
    exact = c.gaps(exact_only=True).iloc[0]
    assert exact["days"] == 37
    assert exact["start"] == ts("2023-12-04")
    assert exact["end"] == ts("2024-01-10")
    d = c.duplicates()
    assert d["group"].nunique() == 8
    assert (d.groupby("group")["agency"].nunique() == 2).all()
    days = sorted(d.groupby("group")["start"].min().dt.strftime("%m-%d"))
    assert days == ["02-07", "03-06", "03-09", "03-11", "03-14", "04-14", "04-16", "05-20"]


# --------------------------------------------------------------------------- Carlos
def _hours(a: pd.Timestamp, b: pd.Timestamp) -> float:
    return (b - a) / pd.Timedelta(hours=1)


def test_carlos_surgery_to_custody_and_interview() -> None:
    c = _load("carlos")
    call = one(events(c, agency="ambulance", text="^Emergency call.*Alder Park"))
    assert call["start"] == ts("2024-10-12 21:47")
    ed = one(events(c, event_type="attendance", text="stab wound"))
    assert ed["start"] == ts("2024-10-12 22:31")
    surgery = one(events(c, event_type="surgery"))
    assert surgery["start"] == ts("2024-10-13 01:50")
    assert surgery["end"] == ts("2024-10-13 03:20")
    discharge = one(events(c, event_type="discharge"))
    assert "care of police" in discharge["description"]
    custody = events(c, event_type="custody").sort_values("start").iloc[0]
    interview = one(events(c, event_type="interview"))
    assert _hours(surgery["end"], discharge["start"]) == pytest.approx(4 + 20 / 60)
    assert _hours(surgery["end"], custody["start"]) == 4.75
    assert _hours(custody["start"], custody["end"]) == pytest.approx(5 + 5 / 60)
    assert _hours(surgery["end"], interview["start"]) == 7.5
    arrest = one(events(c, event_type="arrest"))
    assert arrest["start"] == ts("2024-10-13 07:45")
    # the same measures through Interval rules
    rules = [
        chron.Interval("surgery end to custody", start=chron.Match(event_type="surgery"),
                       end=chron.Match(event_type="custody")),
        chron.Interval("surgery to interview", start=chron.Match(event_type="surgery"),
                       end=chron.Match(event_type="interview")),
    ]
    iv = c.intervals(rules).set_index("rule")
    # intervals run from the start of the surgery; add its 1.5 hours to read from its end
    assert iv.loc["surgery end to custody", "hours"] == 4.75 + 1.5
    assert iv.loc["surgery to interview", "hours"] == 7.5 + 1.5
    br = c.breaches()
    ae = br[br["rule"].str.startswith("A&E 4-hour") & (br["start"] == ed["start"])]
    assert one(ae)["status"] == "met"


def test_carlos_appropriate_adult_and_mother_not_told() -> None:
    c = _load("carlos")
    aa = one(events(c, agency="police", text="Appropriate adult arrived"))
    assert "Volunteer Scheme" in aa["description"]
    miss = c.missing()
    interview = one(miss[miss["expectation"].str.contains("present at a child's police interview")])
    assert interview["start"] == ts("2024-10-13 10:50")
    assert interview["status"] == "not_recorded"
    disc = one(miss[miss["expectation"].str.contains("hospital discharge")])
    assert disc["start"] == ts("2024-10-13 07:40")
    assert disc["status"] != "met"
    custody = miss[miss["expectation"].str.contains("arrest or custody")]
    assert {ts("2024-10-13 07:45"), ts("2024-10-13 08:05")} <= set(custody["start"])
    # the only attempt to reach her: one unanswered call before surgery
    tried = one(events(c, agency="health_acute", text="call to mother"))
    assert tried["start"] == ts("2024-10-12 23:05")
    assert "voicemail" in tried["description"]
    counter = one(events(c, agency="police", text="front counter"))
    assert _hours(ts("2024-10-13 07:40"), counter["start"]) == pytest.approx(26 + 50 / 60)
    first_csc = events(c, agency=["csc", "health_acute"], text="(?i)children's social care|liaison")
    heard = first_csc[first_csc["start"] > ts("2024-10-12 22:05")]["start"]
    police_told = miss[miss["expectation"].str.startswith("Children's social care told")]
    row = one(police_told)
    assert row["start"] == ts("2024-10-12 22:05")
    assert row["next_start"] == ts("2024-10-14 09:30") in set(heard)
    assert _hours(row["start"], row["next_start"]) == pytest.approx(35 + 25 / 60)


def test_carlos_safety_plan_and_outcomes() -> None:
    c = _load("carlos")
    plan = events(c, event_type="meeting", text="safety plan agreed")
    assert set(plan["agency"].astype(str)) == {"csc", "police", "youth_justice", "education"}
    agreed = plan[plan["agency"] == "csc"]["start"].iloc[0]
    assert days(agreed, ts("2024-10-12")) == 39
    nfa = one(events(c, agency="police", text="Robbery investigation closed"))
    assert nfa["start"] == ts("2024-11-18")
    charged = one(events(c, agency="police", text="charged with wounding"))
    assert charged["start"] == ts("2024-12-02")
    strategy = events(c, event_type="strategy_meeting")
    assert set(strategy["start"].dt.date.astype(str)) == {"2024-10-15"}
    assert set(strategy["agency"].astype(str)) == {"csc", "police", "youth_justice"}
    rule = chron.Interval(
        "challenge answered", start=chron.Match(event_type="escalation", text="professional challenge"),
        end=chron.Match(event_type="escalation", text="response received"), limit="10 working days",
    )
    row = one(c.intervals(rule))
    assert row["working_days"] == 10
    assert row["status"] == "met"


def test_carlos_voice_gaps_duplicates() -> None:
    c = _load("carlos")
    v = c.voice(freq="Y").groupby("agency", observed=True)[["events", "seen", "heard"]].sum()
    assert v["heard"].sum() == 13
    assert v["events"].sum() == 71
    assert v.loc["csc"].tolist() == [16, 6, 6]
    assert v.loc["youth_justice"].tolist() == [13, 7, 7]
    assert v["seen"].sum() == 13
    assert (c.events["Seen alone (Y/N)"] == "Y").sum() == 4
    g = c.gaps().sort_values("hours", ascending=False).iloc[0]
    assert g["start"] == ts("2024-09-30")
    assert g["end"] == ts("2024-10-12 21:20")
    assert g["days"] == 12
    assert round(g["hours"]) == 309
    d = c.duplicates()
    groups = d.groupby("group").agg(day=("start", "min"), agencies=("agency", lambda s: set(s.astype(str))))
    assert groups["day"].dt.strftime("%m-%d").tolist() == ["09-03", "10-14", "10-15"]
    assert groups["agencies"].tolist() == [
        {"csc", "police", "youth_justice"}, {"csc", "health_acute"}, {"csc", "police"},
    ]


# --------------------------------------------------------------------------- Camille
def _crestway(c: chron.Chronology) -> pd.Series:
    return one(events(c, event_type="placement_start", agency="placements", text="^Placement started at Crestway"))


def _during(c: chron.Chronology, frame: pd.DataFrame) -> pd.DataFrame:
    stay = _crestway(c)
    return frame[(frame["start"] >= stay["start"]) & (frame["start"] < stay["end"])]


def test_camille_placements() -> None:
    c = _load("camille")
    stay = _crestway(c)
    assert stay["start"] == ts("2024-01-19")
    assert stay["end"] == ts("2024-04-26")
    assert days(stay["start"], stay["end"]) == 98
    assert "unregistered" in stay["description"]
    hotel = one(events(c, event_type="placement_start", agency="placements", text="hotel"))
    assert days(hotel["start"], hotel["end"]) == 4
    hawthorn = events(c, event_type="placement_start", text="(?i)placement started at Hawthorn|placed at Hawthorn")
    assert set(hawthorn["start"]) == {ts("2024-04-26")}
    assert set(hawthorn["agency"].astype(str)) == {"csc", "placements"}
    sheets = c.events[c.events["source"] == "placements.xlsx"]["source_sheet"].value_counts()
    assert sheets.to_dict() == {"Provider log": 9, "Commissioning": 8}


def test_camille_callouts_and_admissions() -> None:
    c = _load("camille")
    stay = _crestway(c)
    callouts = events(c, agency="police", event_type="police_callout")
    at_crestway = _during(c, callouts)
    assert len(at_crestway) == 13
    assert at_crestway["description"].str.contains("Crestway Lodge").all()
    assert round(len(at_crestway) / (days(stay["start"], stay["end"]) / 7), 2) == 0.93
    assert len(callouts[callouts["start"] >= stay["end"]]) == 0
    assert len(callouts[callouts["start"] < stay["start"]]) == 1
    missing = _during(c, events(c, agency="police", event_type="missing_episode"))
    assert len(missing) == 3
    arrests = at_crestway[at_crestway["action"].str.contains("arrested", na=False)]
    assert arrests["start"].dt.strftime("%m-%d").tolist() == ["02-02", "03-09", "04-19"]
    plan = one(events(c, agency="health_camhs", event_type="meeting", text="trauma-informed plan"))
    after = at_crestway[at_crestway["start"] > plan["start"]]
    assert len(after) == 6
    assert after["description"].str.contains("handcuffed").any()
    hosp = events(c, agency="health_acute", event_type=["admission", "attendance"])
    assert len(_during(c, hosp)) == len(hosp) == 5
    assert hosp["event_type"].astype(str).value_counts().to_dict() == {"admission": 3, "attendance": 2}
    br = c.breaches()
    ae = one(br[br["rule"].str.startswith("A&E 4-hour") & (br["start"] == ts("2024-04-12 22:50"))])
    assert ae["status"] == "breached"
    assert ae["hours"] == pytest.approx(5 + 10 / 60)


def test_camille_reactive_responses() -> None:
    c = _load("camille")
    miss = c.missing()
    told = miss[miss["expectation"].str.startswith("Children's social care told of a police callout")]
    crest = _during(c, told)
    assert len(crest) == 12
    assert len(told) == 13
    callouts = _during(c, events(c, agency="police", event_type="police_callout"))
    (heard,) = set(callouts["start"]) - set(crest["start"])
    assert heard == ts("2024-02-06 23:10")
    rhi = miss[miss["expectation"].str.startswith("Return home interview")]
    assert len(_during(c, rhi)) == 3
    assert (_during(c, rhi)["status"] == "not_recorded").all()
    december = one(rhi[rhi["start"] < ts("2024-01-01")])
    assert december["status"] == "late"
    assert days(december["start"], december["next_start"]) == 5
    esc = chron.Interval(
        "IRO escalation to outcome",
        start=chron.Match(event_type="escalation", agency="csc", text="IRO formal escalation"),
        end=chron.Match(event_type="escalation", text="Escalation outcome"),
    )
    row = one(c.intervals(esc))
    assert row["days"] == 30
    assert row["working_days"] == 20
    esc_miss = miss[miss["expectation"].str.startswith("Escalation outcome")]
    assert ts("2024-03-06") in set(esc_miss["start"])
    br = c.breaches()
    visits = br[br["rule"] == "LAC statutory visits at most every 6 weeks"]
    gap = one(visits[visits["status"] == "breached"])
    assert gap["start"] == ts("2024-02-26")
    assert gap["days"] == 66
    hotel = one(miss[miss["expectation"].str.startswith("Statutory visit within 1 week")])
    assert hotel["start"] == ts("2024-01-15")
    assert days(hotel["start"], hotel["next_start"]) == 9
    disc = one(miss[miss["expectation"].str.contains("hospital discharge")])
    assert disc["start"] == ts("2024-04-23 12:00")
    assert disc["status"] == "not_recorded"
    strategy = events(c, event_type="strategy_meeting")
    assert set(strategy["start"].dt.date.astype(str)) == {"2024-02-19"}
    males = one(events(c, agency="police", event_type="police_callout", text="older males"))
    assert days(males["start"], strategy["start"].min()) == 2


def test_camille_voice() -> None:
    c = _load("camille")
    v = c.voice(freq="Y").groupby("agency", observed=True)[["events", "heard"]].sum()
    assert v["heard"].sum() == 12
    assert v["events"].sum() == 85
    assert v.loc["csc"].tolist() == [20, 7]
    assert v.loc["health_camhs"].tolist() == [12, 5]
    during = _during(c, c.events)
    assert len(during) == 62
    assert during["child_voice"].notna().sum() == 3
    assert (during["child_seen"] == True).sum() == 7  # noqa: E712
    s = c.silences()
    quiet = s[s["kind"] == "not_heard"].sort_values("days", ascending=False)
    first, second = quiet.iloc[0], quiet.iloc[1]
    assert first["days"] == 48
    assert first["start"] == ts("2024-03-05")
    assert first["end"] == ts("2024-04-22")
    assert first["events_in_stretch"] == 27
    assert second["days"] == 47
    assert second["start"] == ts("2024-01-10")
    college = one(events(c, agency="education", text="withdrew"))
    assert str(college["precision"]) == "month"
    assert college["start"] == ts("2024-03-01")


def test_camille_duplicates() -> None:
    c = _load("camille")
    d = c.duplicates()
    assert d["group"].nunique() == 10
    pairs = d.groupby("group")["agency"].agg(lambda s: tuple(sorted(s.astype(str))))
    assert (pairs == ("placements", "police")).sum() == 5
    both = d[d["agency"] == "police"]["start"].dt.strftime("%m-%d").tolist()
    assert sorted(both) == ["01-23", "02-02", "02-17", "02-19", "03-09", "04-19"]
