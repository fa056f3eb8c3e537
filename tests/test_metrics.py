"""Unit tests of chronology.metrics on small hand-built chronologies with exact expected figures."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest

import chronology as chron
from chronology.errors import OptionError
from chronology.metrics import (
    activity,
    breaches,
    default_expectations,
    default_timescales,
    duplicates,
    gaps,
    intervals,
    merge_duplicates,
    missing,
    silences,
    voice,
)
from chronology.metrics._testing import events_frame
from chronology.rules import AnyOf, Expect, Interval, Match, rules_from_toml

TZ = "Europe/London"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def plain(values: pd.Series) -> list:
    """Python values with None for any missing value."""
    return [None if pd.isna(v) else v for v in values.tolist()]


def make(rows: list[dict]) -> chron.Chronology:
    """A Chronology through the public constructor; rows give canonical columns as text."""
    df = pd.DataFrame(rows)
    if "event_id" not in df:
        df["event_id"] = [f"e{i}" for i in range(1, len(df) + 1)]
    c = chron.Chronology.from_events(df)
    assert c.rejects.empty, c.rejects
    return c


def ev(*rows: tuple[str, str, str, str], **common) -> list[dict]:
    out = []
    for i, (agency, start, event_type, description) in enumerate(rows, start=1):
        out.append(
            {"event_id": f"e{i}", "case_id": common.get("case_id", "x"), "agency": agency,
             "start": start, "event_type": event_type, "description": description}
        )
    return out


# ---------------------------------------------------------------------------------------- gaps
class TestGaps:
    def test_days_and_working_days_across_christmas(self):
        c = make(ev(("police", "20/12/2024 10:00", "police_callout", "Police called to home"),
                    ("csc", "23/12/2024", "contact", "Social worker phoned mother"),
                    ("csc", "06/01/2025", "home_visit", "Home visit")))
        g = c.gaps()
        assert g[["days", "working_days"]].values.tolist() == [[14, 7], [3, 1]]
        assert g["before_event_id"].tolist() == ["e2", "e1"]
        assert g["after_event_id"].tolist() == ["e3", "e2"]
        assert g["start"].tolist() == [ts("2024-12-23"), ts("2024-12-20 10:00")]
        assert g["end"].tolist() == [ts("2025-01-06"), ts("2024-12-23")]
        assert g["hours"].tolist() == [14 * 24, 2 * 24 + 14]
        assert not g["approximate"].any()
        assert "before_description" not in g  # named by id; describe=True joins the text
        d = c.gaps(describe=True)
        assert d["before_description"].tolist() == ["Social worker phoned mother", "Police called to home"]
        assert d["after_description"].tolist() == ["Home visit", "Social worker phoned mother"]
        pd.testing.assert_frame_equal(d.drop(columns=["before_description", "after_description"]), g)
        assert list(d.columns[-2:]) == ["before_description", "after_description"]

    def test_describe_joins_text_by_id(self):
        from chronology.metrics import describe

        c = make(ev(("police", "20/12/2024 10:00", "police_callout", "Police called to home"),
                    ("csc", "06/01/2025", "home_visit", "Home visit")))
        table = pd.DataFrame({"x_event_id": pd.Series(["e2", None, "nope"], dtype="str")})
        out = describe(table, c.events, column="description")
        assert out["x_description"].tolist()[0] == "Home visit"
        assert out["x_description"].isna().tolist() == [False, True, True]
        assert list(table.columns) == ["x_event_id"]  # input unchanged
        assert describe(table.iloc[:0], c.events)["x_description"].empty

    def test_min_days_and_working_days_option(self):
        c = make(ev(("police", "20/12/2024 10:00", "police_callout", "Police called"),
                    ("csc", "23/12/2024", "contact", "Call"),
                    ("csc", "06/01/2025", "home_visit", "Home visit")))
        assert c.gaps(min_days=4)["days"].tolist() == [14]
        assert c.gaps(min_days=2, working_days=True)["working_days"].tolist() == [7]
        assert c.gaps(min_days=8, working_days=True).empty

    def test_month_precision_covers_its_month(self):
        c = make(ev(("csc", "01/12/2023", "contact", "Call to school"),
                    ("education", "Jan 2024", "meeting", "Meeting in school"),
                    ("csc", "15/03/2024", "home_visit", "Home visit")))
        g = c.gaps()
        # Jan 2024 may have been as late as 31 January: the gap runs 31 Jan -> 15 Mar (leap year)
        assert g[["days", "approximate"]].values.tolist() == [[44, True], [31, True]]
        assert g.loc[0, "start"] == ts("2024-01-31")
        exact = c.gaps(exact_only=True)
        assert exact[["days", "working_days", "approximate"]].values.tolist() == [[105, 72, False]]
        assert exact.loc[0, ["before_event_id", "after_event_id"]].tolist() == ["e1", "e3"]

    def test_uncertain_date_is_approximate(self):
        c = make(ev(("csc", "01/03/2024", "contact", "Call"),
                    ("csc", "?12/03/2024", "contact", "Call"),
                    ("csc", "20/03/2024", "contact", "Call")))
        g = c.gaps()
        assert g["approximate"].tolist() == [True, True]
        assert c.gaps(exact_only=True)["days"].tolist() == [19]

    def test_spans_cover_until_their_end(self):
        rows = ev(("placements", "01/01/2024", "placement_start", "Placed at Oak House"),
                  ("csc", "01/02/2024", "home_visit", "Visit to placement"),
                  ("csc", "10/03/2024", "home_visit", "Visit"))
        rows[0]["end"] = "01/03/2024"
        g = make(rows).gaps()
        assert g[["days", "before_event_id", "after_event_id"]].values.tolist() == [[9, "e1", "e3"]]
        assert g.loc[0, "start"] == ts("2024-03-01")

    def test_by_agency(self):
        c = make(ev(("police", "01/03/2024", "police_callout", "Callout"),
                    ("csc", "05/03/2024", "contact", "Call"),
                    ("police", "21/03/2024", "police_callout", "Callout"),
                    ("csc", "06/03/2024", "contact", "Call")))
        g = c.gaps(by="agency")
        assert g[["agency", "days"]].astype(str).values.tolist() == [["police", "20"], ["csc", "1"]]
        assert c.gaps()["days"].tolist() == [15, 4, 1]

    def test_caseload_is_grouped_by_case(self):
        rows = ev(("csc", "01/03/2024", "contact", "a"), ("csc", "11/03/2024", "contact", "b"), case_id="a")
        rows += [dict(r, case_id="b", event_id=r["event_id"] + "b", start=s)
                 for r, s in zip(rows, ["05/03/2024", "07/03/2024"], strict=True)]
        g = make(rows).gaps()
        assert g[["case_id", "days"]].values.tolist() == [["a", 10], ["b", 2]]

    def test_same_day_events_have_no_gap(self):
        c = make(ev(("csc", "01/03/2024", "contact", "a"), ("police", "01/03/2024", "contact", "b")))
        assert c.gaps().empty

    def test_bad_option(self):
        c = make(ev(("csc", "01/03/2024", "contact", "a")))
        with pytest.raises(OptionError, match="by='agency'"):
            c.gaps(by="team")

    def test_input_not_modified(self):
        c = make(ev(("csc", "01/03/2024", "contact", "a"), ("csc", "11/03/2024", "contact", "b")))
        before = c.events.copy()
        for verb in (c.gaps, c.breaches, c.missing, c.voice, c.activity, c.duplicates, c.silences):
            verb()
        pd.testing.assert_frame_equal(c.events, before)


# ----------------------------------------------------------------------------------- intervals
ASSESS = Interval("assessment", start=Match(event_type="referral"), end=Match(event_type="assessment"),
                  limit="45 working days", source="Working Together 2023")


class TestIntervals:
    def test_working_days_over_christmas_and_new_year(self):
        c = make(ev(("csc", "20/12/2024", "referral", "Referral from school"),
                    ("csc", "10/03/2025", "assessment", "C&F assessment completed")))
        r = c.intervals(ASSESS)
        assert r[["days", "working_days", "hours"]].values.tolist() == [[80, 53, 80 * 24]]
        assert r["breached"].tolist() == [True]
        assert r.loc[0, "status"] == "breached"
        assert r.loc[0, "limit"] == "45 working days"
        # 45 working days after 20 Dec 2024: skipping 25, 26 Dec and 1 Jan
        assert r.loc[0, "due_by"] == ts("2025-02-26")
        assert r.loc[0, "source"] == "Working Together 2023"

    def test_met_and_first_end_at_or_after(self):
        c = make(ev(("csc", "01/03/2024", "assessment", "Old assessment completed"),
                    ("csc", "04/03/2024", "referral", "Referral"),
                    ("csc", "05/03/2024", "referral", "Second referral"),
                    ("csc", "02/04/2024", "assessment", "Assessment completed"),
                    ("csc", "20/05/2024", "assessment", "Review assessment")))
        r = c.intervals(ASSESS)
        assert r["end_event_id"].tolist() == ["e4", "e4"]
        assert r["working_days"].tolist() == [19, 18]  # Good Friday 29 Mar, Easter Monday 1 Apr
        assert r["breached"].tolist() == [False, False]

    def test_same_day_end_without_time_pairs(self):
        c = make(ev(("csc", "04/03/2024 15:00", "referral", "Referral"),
                    ("csc", "04/03/2024", "assessment", "Assessment completed")))
        r = c.intervals(ASSESS)
        assert r[["end_event_id", "days", "working_days", "hours"]].values.tolist() == [["e2", 0, 0, 0.0]]

    def test_span_rule_ae_stay(self):
        rows = ev(("health_acute", "04/03/2024 14:10", "attendance", "Cassie brought to A&E"))
        rows[0]["end"] = "20/03/2024 19:30"
        rule = Interval("A&E", start=Match(event_type="attendance"), limit="12 hours")
        r = make(rows).intervals(rule)
        assert r.loc[0, "hours"] == pytest.approx(389 + 1 / 3)
        assert r.loc[0, "days"] == 16
        assert r.loc[0, "end_event_id"] == "e1"
        assert r.loc[0, "status"] == "breached"

    def test_hours_limit_is_inclusive(self):
        rows = ev(("health_acute", "04/03/2024 10:00", "attendance", "A&E"))
        rows[0]["end"] = "04/03/2024 14:00"
        r = make(rows).intervals(Interval("4h", start=Match(event_type="attendance"), limit="4 hours"))
        assert r.loc[0, "hours"] == 4.0
        assert not r.loc[0, "breached"]

    def test_span_without_end_cannot_be_checked(self):
        rows = ev(("health_acute", "04/03/2024 10:00", "attendance", "A&E"),
                  ("csc", "04/05/2024", "contact", "Call"))
        r = make(rows).breaches()
        ae = r[r["rule"] == "A&E 4-hour standard"]
        assert ae["status"].tolist() == ["open"]
        assert ae["breached"].isna().all()

    def test_open_and_overdue(self):
        c = make(ev(("csc", "01/03/2024", "referral", "Referral"),
                    ("csc", "08/03/2024", "contact", "Call"),
                    ("csc", "01/07/2024", "referral", "Referral again"),
                    ("csc", "02/07/2024", "contact", "Call")))
        r = c.intervals(ASSESS)
        assert r["status"].tolist() == ["overdue", "open"]
        assert r["breached"].isna().all()
        b = breaches(c.events, [ASSESS], defaults=False)
        assert plain(b["breached"]) == [True, None]

    def test_recurring_rule_every_6_months(self):
        rule = Interval("reviews", start=Match(event_type="review"), end=Match(event_type="review"),
                        limit="6 months")
        c = make(ev(("csc", "01/01/2024", "review", "LAC review"),
                    ("csc", "01/07/2024", "review", "LAC review"),
                    ("csc", "02/01/2025", "review", "LAC review")))
        r = c.intervals(rule)
        assert r[["start_event_id", "end_event_id"]].fillna("-").values.tolist() == [
            ["e1", "e2"], ["e2", "e3"], ["e3", "-"]]
        assert r["status"].tolist() == ["met", "breached", "open"]
        assert r["due_by"].tolist()[:2] == [ts("2024-07-01"), ts("2025-01-01")]

    def test_skip_and_take(self):
        first = Interval("first", start=Match(event_type="review"), end=Match(event_type="review"),
                         limit="3 months", take=1)
        rest = Interval("rest", start=Match(event_type="review"), end=Match(event_type="review"),
                        limit="6 months", skip=1)
        c = make(ev(("csc", "01/01/2024", "review", "LAC review"),
                    ("csc", "15/04/2024", "review", "LAC review"),
                    ("csc", "01/09/2024", "review", "LAC review")))
        r = c.intervals([first, rest])
        assert r[["rule", "start_event_id", "status"]].values.tolist() == [
            ["first", "e1", "breached"], ["rest", "e2", "met"], ["rest", "e3", "open"]]

    def test_approximate_flag(self):
        c = make(ev(("csc", "Jan 2024", "referral", "Referral"),
                    ("csc", "10/03/2024", "assessment", "Assessment completed"),
                    ("csc", "01/04/2024", "referral", "Referral"),
                    ("csc", "10/04/2024", "assessment", "Assessment completed")))
        assert c.intervals(ASSESS)["approximate"].tolist() == [True, False]

    def test_any_of_and_caseload(self):
        rule = Interval("told", start=Match(event_type="discharge"),
                        end=Match(event_type="notification") | Match(text="mother informed"))
        rows = ev(("health_acute", "01/03/2024 10:00", "discharge", "Discharged"),
                  ("police", "01/03/2024 18:00", "custody", "In custody; mother informed"), case_id="a")
        rows += [dict(r, case_id="b", event_id=r["event_id"] + "b") for r in rows]
        r = make(rows).intervals(rule)
        assert r[["case_id", "end_event_id", "hours", "status"]].values.tolist() == [
            ["a", "e2", 8.0, "measured"], ["b", "e2b", 8.0, "measured"]]
        assert r["breached"].isna().all()

    def test_bad_rules(self):
        c = make(ev(("csc", "01/03/2024", "referral", "Referral")))
        with pytest.raises(OptionError, match="Interval"):
            c.intervals(["not a rule"])  # type: ignore[list-item]


# ----------------------------------------------------------------------------------- breaches
class TestBreaches:
    def test_default_timescales_have_sources_and_brief_figures(self):
        rules = default_timescales()
        assert all(r.source for r in rules)
        limits = {str(r.limit_duration) for r in rules}
        assert {"1 working day", "45 working days", "15 working days", "3 months", "6 months",
                "1 week", "6 weeks", "20 working days", "4 hours", "12 hours"} <= limits
        assert sum("regulation 28" in r.source for r in rules) == 2
        assert sum("regulation 33" in r.source for r in rules) == 3

    def test_statutory_visits_and_reviews(self):
        c = make(ev(("csc", "01/05/2024", "placement_start", "Camille placed at Oak House"),
                    ("csc", "13/05/2024", "home_visit", "Statutory visit to placement"),
                    ("csc", "30/05/2024", "review", "LAC review"),
                    ("csc", "08/07/2024", "home_visit", "Statutory visit to placement"),
                    ("csc", "30/08/2024", "review", "LAC review"),
                    ("csc", "20/09/2024", "contact", "Call")))
        b = c.breaches().set_index("rule")
        visit = b.loc["LAC statutory visit within 1 week of placement start"]
        assert (visit["days"], visit["status"], bool(visit["breached"])) == (12, "breached", True)
        every = b.loc[["LAC statutory visits at most every 6 weeks"]]
        assert plain(every["days"]) == [56, None]
        # 8 Jul + 6 weeks = 19 Aug, and the record runs on to 20 Sep with no visit
        assert every["status"].tolist() == ["breached", "overdue"]
        first = b.loc["First LAC review within 20 working days of becoming looked after"]
        # 1 May -> 30 May 2024: 19 working days (6 and 27 May are bank holidays)
        assert (first["working_days"], first["status"]) == (19, "met")
        second = b.loc["Second LAC review within 3 months of the first"]
        assert (second["days"], second["status"]) == (92, "met")

    def test_overdue_counts_as_breach(self):
        c = make(ev(("csc", "01/05/2024", "placement_start", "Placed at Oak House"),
                    ("police", "20/05/2024", "police_callout", "Police called to placement")))
        b = c.breaches()
        row = b[b["rule"] == "LAC statutory visit within 1 week of placement start"].iloc[0]
        assert row["status"] == "overdue"
        assert bool(row["breached"]) is True

    def test_ae_four_and_twelve_hours(self):
        rows = ev(("health_acute", "04/03/2024 14:10", "attendance", "Cassie brought to A&E by police"),
                  ("health_acute", "01/04/2024 09:00", "attendance", "Attended A&E"))
        rows[0]["end"] = "20/03/2024 19:30"
        rows[1]["end"] = "01/04/2024 12:59"
        b = make(rows).breaches()
        ae = b[b["rule"].str.startswith("A&E")]
        assert ae[["rule", "start_event_id", "status"]].values.tolist() == [
            ["A&E 4-hour standard", "e1", "breached"], ["A&E 4-hour standard", "e2", "met"],
            ["A&E 12 hours from arrival", "e1", "breached"], ["A&E 12 hours from arrival", "e2", "met"]]

    def test_referral_decision_in_same_entry(self):
        rows = ev(("csc", "04/03/2024 10:00", "referral", "Referral from police"),
                  ("csc", "08/03/2024", "referral", "Referral from school"),
                  ("csc", "12/03/2024", "contact", "Threshold not met, NFA"))
        rows[0]["action"] = "Decision: progress to C&F assessment"
        b = make(rows).breaches()
        d = b[b["rule"] == "Referral: decision within 1 working day"]
        assert d[["end_event_id", "working_days", "status"]].values.tolist() == [
            ["e1", 0, "met"], ["e3", 2, "breached"]]

    def test_user_rules_from_toml(self, tmp_path: Path):
        path = tmp_path / "local.toml"
        path.write_text(
            '[[rules]]\nname = "Local: health assessment"\nlimit = "20 working days"\n'
            'source = "Local procedure 4.2"\nstart = { event_type = "placement_start" }\n'
            'end = [{ event_type = "assessment", agency = "health_gp" }, { text = "health assessment" }]\n',
            encoding="utf-8",
        )
        c = make(ev(("csc", "01/05/2024", "placement_start", "Placed at Oak House"),
                    ("health_gp", "03/06/2024", "appointment", "Initial health assessment")))
        b = c.breaches(path)
        local = b[b["rule"] == "Local: health assessment"]
        assert local[["working_days", "status", "source"]].values.tolist() == [[21, "breached", "Local procedure 4.2"]]
        assert len(b) > len(local)
        only = breaches(c.events, path, defaults=False)
        assert only["rule"].unique().tolist() == ["Local: health assessment"]

    def test_rule_name_clash_and_bad_toml(self, tmp_path: Path):
        c = make(ev(("csc", "01/05/2024", "placement_start", "Placed")))
        clash = Interval("A&E 4-hour standard", start=Match(event_type="attendance"), limit="1 hour")
        with pytest.raises(OptionError, match="share a name"):
            c.breaches([clash])
        bad = tmp_path / "bad.toml"
        bad.write_text('[[rules]]\nname = "x"\nstart = { kind = "referral" }\n', encoding="utf-8")
        with pytest.raises(OptionError, match="unknown key"):
            rules_from_toml(bad)
        bad.write_text('[[rules]]\nname = "x"\nlimit = "soon"\nstart = { event_type = "referral" }\n')
        with pytest.raises(OptionError, match="duration"):
            rules_from_toml(bad)


# ------------------------------------------------------------------------------------ missing
TOLD = Expect("mother told", after=Match(event_type="discharge"), within="24 hours",
              then=Match(text=r"mother (?:informed|told)", exclude=r"\bnot\b"))


class TestMissing:
    def test_not_recorded_late_and_met(self):
        c = make(ev(("health_acute", "01/06/2024 15:00", "discharge", "Discharged into police custody"),
                    ("police", "03/06/2024 09:00", "contact", "Mother informed by phone"),
                    ("health_acute", "10/06/2024 10:00", "discharge", "Discharged home"),
                    ("csc", "10/06/2024 16:00", "contact", "Mother informed of discharge"),
                    ("health_acute", "20/06/2024 10:00", "discharge", "Discharged"),
                    ("csc", "30/06/2024", "contact", "Mother not informed, call")))
        m = c.missing(TOLD)
        assert m[["event_id", "status", "next_event_id"]].fillna("-").values.tolist() == [
            ["e1", "late", "e2"], ["e5", "not_recorded", "-"]]
        assert m.loc[0, "due_by"] == ts("2024-06-02 15:00")
        assert m.loc[0, "within"] == "24 hours"

    def test_trigger_entry_can_record_its_follow_up(self):
        rows = ev(("health_acute", "01/06/2024 15:00", "discharge", "Discharged home"),
                  ("csc", "05/06/2024", "contact", "Call"))
        rows[0]["action"] = "Mother informed by ward"
        assert make(rows).missing(TOLD).empty

    def test_same_day_follow_up_without_time(self):
        c = make(ev(("health_acute", "01/06/2024 15:00", "discharge", "Discharged"),
                    ("csc", "01/06/2024", "contact", "Mother informed"),
                    ("csc", "05/06/2024", "contact", "Call")))
        assert c.missing(TOLD).empty

    def test_working_days_window_over_christmas(self):
        exp = Expect("outcome", after=Match(event_type="escalation"), within="10 working days",
                     then=Match(text="outcome"))
        met = make(ev(("csc", "20/12/2024", "escalation", "Escalated to team manager"),
                      ("csc", "08/01/2025", "escalation", "Escalation outcome: strategy meeting")))
        assert met.missing(exp).empty
        late = make(ev(("csc", "20/12/2024", "escalation", "Escalated to team manager"),
                       ("csc", "09/01/2025", "escalation", "Escalation outcome: strategy meeting")))
        m = late.missing(exp)
        assert m[["status", "due_by"]].values.tolist() == [["late", ts("2025-01-08")]]

    def test_approximate_follow_up_is_flagged_not_trusted(self):
        c = make(ev(("health_acute", "10/03/2024 10:00", "discharge", "Discharged"),
                    ("csc", "Mar 2024", "contact", "Mother informed of discharge"),
                    ("csc", "20/04/2024", "contact", "Call")))
        m = c.missing(TOLD)
        assert m[["event_id", "approximate", "possible_event_id", "status"]].values.tolist() == [
            ["e1", True, "e2", "not_recorded"]]

    def test_record_ends_before_due(self):
        c = make(ev(("csc", "01/03/2024", "contact", "Call"),
                    ("health_acute", "10/03/2024 10:00", "discharge", "Discharged")))
        assert c.missing(TOLD)["status"].tolist() == ["record_ends_before_due"]

    def test_same_agency(self):
        exp = Expect("own follow-up", after=Match(event_type="self_harm"), within="7 days",
                     then=Match(event_type="appointment"), same_agency=True)
        c = make(ev(("health_camhs", "01/03/2024", "self_harm", "Overdose"),
                    ("education", "03/03/2024", "appointment", "Appointment with school nurse"),
                    ("health_camhs", "20/03/2024", "appointment", "CAMHS appointment")))
        assert c.missing(exp)[["status", "next_event_id"]].values.tolist() == [["late", "e3"]]
        assert c.missing(Expect("any", after=exp.after, within="7 days", then=exp.then)).empty

    def test_defaults_reflect_the_brief(self):
        names = [e.name for e in default_expectations()]
        assert len(names) >= 6
        assert all(e.source for e in default_expectations())
        rows = ev(("health_acute", "01/06/2024 14:00", "discharge", "Carlos discharged from ward into police custody"),
                  ("police", "01/06/2024 14:30", "arrest", "Carlos arrested at hospital"),
                  ("police", "01/06/2024 18:00", "interview", "Interviewed with appropriate adult from the AA scheme"),
                  ("police", "02/06/2024 12:00", "contact", "Mother not informed of arrest"),
                  ("health_camhs", "03/06/2024", "self_harm", "Cassie self-harmed"),
                  ("health_camhs", "05/06/2024", "assessment", "CAMHS assessment completed"),
                  ("csc", "10/06/2024", "contact", "Call"))
        m = make(rows).missing()
        assert m[["expectation", "event_id"]].values.tolist() == [
            ["Parent or family told of hospital discharge within 24 hours", "e1"],
            ["Parent or family told of a child's arrest or custody", "e2"],
            ["Parent or family member present at a child's police interview", "e3"]]

    def test_mother_present_at_interview_is_not_missing(self):
        rows = ev(("police", "01/06/2024 18:00", "interview", "Interviewed under caution, mother present as appropriate adult"),
                  ("csc", "10/06/2024", "contact", "Call"))
        m = make(rows).missing()
        assert "Parent or family member present at a child's police interview" not in m["expectation"].tolist()


# ------------------------------------------------------------------------------ voice, activity
class TestVoice:
    ROWS: ClassVar[list[dict]] = [
        {"event_id": "e1", "case_id": "x", "agency": "csc", "start": "01/03/2024", "description": "Visit",
         "child_seen": "Y", "child_voice": "I want to go home"},
        {"event_id": "e2", "case_id": "x", "agency": "csc", "start": "20/03/2024", "description": "Call",
         "child_seen": "N"},
        {"event_id": "e3", "case_id": "x", "agency": "police", "start": "22/03/2024", "description": "Callout"},
        {"event_id": "e4", "case_id": "x", "agency": "csc", "start": "02/04/2024", "description": "Meeting"},
        {"event_id": "e5", "case_id": "x", "agency": "csc", "start": "15/05/2024", "description": "Visit",
         "child_seen": "Y"},
        {"event_id": "e6", "case_id": "x", "agency": "csc", "start": "20/05/2024", "description": "Call"},
    ]

    def test_voice_counts(self):
        v = make(self.ROWS).voice()
        got = v[["agency", "events", "seen", "not_seen", "seen_unknown", "heard"]].astype(str).values.tolist()
        assert got == [["police", "1", "0", "0", "1", "0"], ["csc", "2", "1", "1", "0", "1"],
                       ["csc", "1", "0", "0", "1", "0"], ["csc", "2", "1", "0", "1", "0"]]
        assert v["period"].tolist() == [ts("2024-03-01"), ts("2024-03-01"), ts("2024-04-01"), ts("2024-05-01")]
        assert v["share_seen"].tolist() == [0.0, 0.5, 0.0, 0.5]
        assert v["share_heard"].tolist() == [0.0, 0.5, 0.0, 0.0]

    def test_silences(self):
        s = make(self.ROWS).silences()
        seen = s[s["kind"] == "not_seen"]
        assert seen[["days", "events_in_stretch", "before_event_id", "after_event_id", "open_end"]].values.tolist() == [
            [75, 3, "e1", "e5", False], [5, 1, "e5", "e6", True]]
        heard = s[s["kind"] == "not_heard"]
        assert heard[["days", "events_in_stretch", "open_end"]].values.tolist() == [[80, 5, True]]
        assert (s["working_days"] <= s["days"]).all()

    def test_freq_validation(self):
        c = make(self.ROWS)
        with pytest.raises(OptionError, match="'M' \\(month\\)"):
            c.voice(freq="fortnight")

    def test_activity(self):
        c = make(ev(("police", "04/03/2024 22:00", "police_callout", "Callout"),
                    ("police", "06/03/2024 23:00", "police_callout", "Callout"),
                    ("csc", "10/03/2024", "meeting", "Strategy discussion"),
                    ("csc", "11/03/2024", "home_visit", "Visit"),
                    ("education", "Mar 2024", "meeting", "Meeting in school")))
        a = c.activity()
        assert a[["period", "agency", "events", "agencies_involved", "approximate"]].astype(str).values.tolist() == [
            ["2024-02-26 00:00:00+00:00", "education", "1", "1", "True"],
            ["2024-03-04 00:00:00+00:00", "police", "2", "2", "False"],
            ["2024-03-04 00:00:00+00:00", "csc", "1", "2", "False"],
            ["2024-03-11 00:00:00+00:00", "csc", "1", "1", "False"]]
        m = c.activity(freq="M")
        assert m[["agency", "events", "agencies_involved", "approximate"]].astype(str).values.tolist() == [
            ["police", "2", "3", "False"], ["csc", "2", "3", "False"], ["education", "1", "3", "False"]]


# ---------------------------------------------------------------------------------- duplicates
class TestDuplicates:
    def rows(self):
        return [
            {"event_id": "p1", "case_id": "x", "agency": "police", "start": "04/03/2024 22:10",
             "description": "Police called to A&E as Cassie tried to leave the department", "source": "police.csv"},
            {"event_id": "h1", "case_id": "x", "agency": "health_acute", "start": "04/03/2024 22:30",
             "description": "Cassie tried to leave department, police called", "child_seen": "Y",
             "source": "hospital.xlsx"},
            {"event_id": "p2", "case_id": "x", "agency": "police", "start": "04/03/2024 23:00",
             "description": "Police called to A&E as Cassie tried to leave the department", "source": "police.csv"},
            {"event_id": "p3", "case_id": "x", "agency": "police", "start": "09/03/2024 22:10",
             "description": "Police called to A&E as Cassie tried to leave the department", "source": "police.csv"},
            {"event_id": "c1", "case_id": "x", "agency": "csc", "start": "04/03/2024",
             "description": "Phone call to mother", "source": "csc.docx"},
            {"event_id": "e1", "case_id": "x", "agency": "education", "start": "04/03/2024",
             "description": "Phone call from social worker", "source": "school.csv"},
        ]

    def test_groups_are_conservative(self):
        d = make(self.rows()).duplicates()
        assert d[["group", "event_id", "agency", "primary"]].astype(str).values.tolist() == [
            ["1", "p1", "police", "True"], ["1", "h1", "health_acute", "False"]]
        assert (d["score"] >= 70).all()

    def test_same_agency_never_and_days_apart_never(self):
        rows = [r for r in self.rows() if r["agency"] == "police"]
        assert make(rows).duplicates().empty

    def test_window_and_threshold_options(self):
        c = make(self.rows())
        assert c.duplicates(window="5 minutes").empty
        with pytest.raises(OptionError, match="fixed length"):
            c.duplicates(window="1 month")
        with pytest.raises(OptionError, match="0 to 100"):
            c.duplicates(threshold=150)

    def test_merge_only_when_asked(self):
        c = chron.Chronology(events=events_frame([
            {k: v for k, v in dict(r, start=s).items() if k != "child_seen"} for r, s in zip(self.rows(), [
            "2024-03-04 22:10", "2024-03-04 22:30", "2024-03-04 23:00", "2024-03-09 22:10", "2024-03-04",
            "2024-03-04"], strict=True)]))
        c.events["child_seen"] = pd.array([None, True, None, None, None, None], dtype="boolean")
        groups = c.duplicates()
        merged = c.merge_duplicates(groups)
        assert len(c.events) == 6
        assert len(merged.events) == 5
        row = merged.events.set_index("event_id").loc["p1"]
        assert row["also_recorded_by"] == "health_acute (hospital.xlsx row 3)"
        assert bool(row["child_seen"]) is True
        assert merged.events["also_recorded_by"].notna().sum() == 1
        assert "h1" not in set(merged.events["event_id"])
        with pytest.raises(OptionError, match="duplicates"):
            merge_duplicates(c.events, pd.DataFrame({"x": [1]}))


def test_functions_accept_plain_frames():
    frame = events_frame([("x", "csc", "2024-03-01", "a"), ("x", "csc", "2024-03-11", "b")])
    assert gaps(frame)["days"].tolist() == [10]
    assert intervals(frame, ASSESS).empty
    assert voice(frame)["events"].tolist() == [2]
    assert activity(frame, freq="D")["events"].tolist() == [1, 1]
    assert silences(frame)[["kind", "days"]].values.tolist() == [["not_seen", 10], ["not_heard", 10]]
    assert duplicates(frame).empty
    assert missing(frame).empty
    with pytest.raises(OptionError, match="canonical columns"):
        gaps(pd.DataFrame({"start": []}))


def test_any_of_is_a_matcher():
    m = Match(event_type="arrest") | Match(event_type="custody") | Match(text="detained")
    assert isinstance(m, AnyOf)
    assert len(m.matches) == 3
    frame = events_frame([
        {"case_id": "x", "agency": "police", "start": "2024-03-01", "description": "Arrested", "event_type": "arrest"},
        {"case_id": "x", "agency": "police", "start": "2024-03-01", "description": "Detained at station"},
        {"case_id": "x", "agency": "police", "start": "2024-03-01", "description": "Call"}])
    assert m.mask(frame).tolist() == [True, True, False]


def test_any_index_and_row_order_give_the_same_results():
    c = make(ev(("health_acute", "01/06/2024 15:00", "discharge", "Discharged"),
                ("csc", "03/06/2024", "contact", "Mother informed"),
                ("police", "20/06/2024", "police_callout", "Police called"),
                ("csc", "01/07/2024", "contact", "Call")))
    odd = c.events.iloc[::-1].set_axis([10, 7, 42, 3])
    pd.testing.assert_frame_equal(gaps(odd), c.gaps())
    pd.testing.assert_frame_equal(missing(odd, TOLD), c.missing(TOLD))
    pd.testing.assert_frame_equal(breaches(odd), c.breaches())
    assert c.missing(TOLD)["next_event_id"].tolist() == ["e2"]


def test_user_expectations_from_toml(tmp_path: Path):
    path = tmp_path / "local.toml"
    path.write_text(
        '[[expectations]]\nname = "GP told of A&E attendance"\nwithin = "2 working days"\n'
        'source = "Local protocol 7"\nafter = { event_type = "attendance" }\n'
        'then = [{ agency = "health_gp" }, { text = "GP (?:informed|notified)" }]\n',
        encoding="utf-8",
    )
    c = make(ev(("health_acute", "03/05/2024 10:00", "attendance", "Attended A&E"),
                ("health_gp", "09/05/2024", "contact", "Discharge summary received"),
                ("health_acute", "10/05/2024 10:00", "attendance", "Attended A&E; GP notified"),
                ("csc", "30/05/2024", "contact", "Call")))
    m = c.missing(str(path))
    # Fri 3 May + 2 working days = Wed 8 May (Mon 6 May is a bank holiday): the GP heard on the 9th;
    # the second attendance records "GP notified" in its own entry
    assert m[["event_id", "status", "due_by", "source"]].values.tolist() == [
        ["e1", "late", ts("2024-05-08"), "Local protocol 7"]]


def test_not_after_skips_starts_after_an_excluding_event() -> None:
    import chronology as chron

    c = chron.Chronology.from_events(pd.DataFrame({
        "case_id": ["k"] * 3, "agency": ["csc"] * 3,
        "start": ["2024-01-02", "2024-02-01", "2024-04-01"],
        "event_type": ["review", "placement_start", "review"],
        "description": ["LAC review", "Placed with carers", "LAC review"],
    }))
    rule = chron.Interval("first review", start=chron.Match(event_type="placement_start"),
                          end=chron.Match(event_type="review"), limit="20 working days", take=1)
    assert c.intervals(rule)["breached"].tolist() == [True]
    already = chron.Interval("first review", start=rule.start, end=rule.end, limit=rule.limit, take=1,
                             not_after=chron.Match(event_type="review"))
    assert c.intervals(already).empty


def test_the_same_start_told_by_two_agencies_is_measured_once() -> None:
    import chronology as chron

    c = chron.Chronology.from_events(pd.DataFrame({
        "case_id": ["k"] * 4, "agency": ["csc", "placements", "csc", "csc"],
        "start": ["2024-01-19 10:00", "2024-01-19 15:00", "2024-01-24", "2024-03-01"],
        "event_type": ["placement_start", "placement_start", "home_visit", "placement_start"],
        "description": ["Placed at the flat", "Placement started at the flat", "Statutory visit", "Moved"],
    }))
    rule = chron.Interval("visit", start=chron.Match(event_type="placement_start"),
                          end=chron.Match(event_type="home_visit"), limit="1 week")
    r = c.intervals(rule)
    assert r["start_agency"].astype(str).tolist() == ["csc", "csc"]
    assert r["status"].tolist() == ["met", "open"]  # the record ends that day: not yet overdue
