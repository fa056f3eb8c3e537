"""Theme tagging: text rules, negations, structural rules, taxonomies, summaries and prompts.

All events are fictional and hand-made; expected tags are exact.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import ChronologyError, EventValidationError, OptionError
from chronology.themes import (
    TAG_COLUMNS,
    TaxonomyError,
    load_taxonomy,
    prompts,
    summary,
    tag,
    top_themes,
)
from chronology.themes.prompts import load_templates
from chronology.themes.taxonomy import phrase_regex, with_rule


def make(rows: list[dict], **defaults) -> pd.DataFrame:
    """Canonical events from a few dicts (case 'cassie', agency csc, one day apart by default)."""
    base = {"case_id": "cassie", "agency": "csc"}
    base.update(defaults)
    full = []
    for i, r in enumerate(rows):
        row = {**base, "start": f"{i + 1:02d}/03/2024 10:00", **r}
        full.append(row)
    c = chron.Chronology.from_events(pd.DataFrame(full))
    assert c.rejects.empty, c.rejects
    return c.events


def texts(descriptions: list[str]) -> pd.DataFrame:
    return make([{"description": d} for d in descriptions])


def found(events: pd.DataFrame, tags: pd.DataFrame, kind: str | None = None) -> list[tuple]:
    """(row number of the event, theme, polarity, rule, evidence) for each tag."""
    pos = {e: i for i, e in enumerate(events["event_id"])}
    t = tags if kind is None else tags[tags["kind"] == kind]
    return [(pos[r.event_id], r.theme, r.polarity, r.rule, r.evidence) for r in t.itertuples()]


# --------------------------------------------------------------------------- text rules
def test_tags_columns_and_dtypes():
    ev = texts(["Seen alone; her wishes and feelings recorded"])
    t = tag(ev)
    assert t.columns.tolist() == TAG_COLUMNS
    assert all(t[c].dtype == "str" for c in TAG_COLUMNS)
    assert t["label"].iloc[0] == "Centring the child's voice"
    assert t["kind"].tolist() == ["text"]


@pytest.mark.parametrize(
    ("text", "theme", "polarity", "rule", "evidence"),
    [
        ("Cassie seen alone by SW.", "child_voice", "strength", "seen_alone", "seen alone"),
        ("Her wishes and feelings were recorded in the plan.", "child_voice", "strength", "views_recorded",
         "Her wishes and feelings were recorded"),
        ("Camille described as streetwise by staff.", "professional_curiosity", "concern",
         "adultifying_language", "streetwise"),
        ("Carlos treated as a suspect in the assault.", "professional_curiosity", "concern",
         "criminalising", "treated as a suspect"),
        ("Escalated to the Head of Service by TM.", "escalation", "strength", "formal_escalation",
         "Escalated to the Head of Service"),
        ("Ward sister informally raised the delay with a CAMHS manager she knows.", "escalation",
         "concern", "informal_route", "informally raised"),
        ("14 providers declined the referral.", "placement_sufficiency", "concern", "placement_search",
         "14 providers declined"),
        ("Moved to a hotel with two support workers.", "placement_sufficiency", "concern",
         "unsuitable_setting", "hotel"),
        ("Added to the CAMHS waiting list, 18-week wait.", "mental_health_access", "concern",
         "waiting", "waiting list"),
        ("Carlos discharged from the ward into police custody.", "transition_points", "concern",
         "discharged_to_custody", "discharged from the ward into police custody"),
        ("Information shared with the school DSL.", "joined_up_communication", "strength",
         "information_shared", "Information shared with"),
        ("Mother informed by phone.", "family_involvement", "strength", "family_informed",
         "Mother informed"),
        ("Staff rang the police after Camille kicked a door.", "trauma_informed", "concern",
         "police_for_behaviour", "rang the police after Camille kicked"),
        ("Staff used a trauma-informed approach.", "trauma_informed", "strength",
         "trauma_informed_practice", "trauma-informed"),
    ],
)
def test_text_positive(text, theme, polarity, rule, evidence):
    ev = texts([text])
    got = [(th, pol, r, e) for _, th, pol, r, e in found(ev, tag(ev), kind="text") if th == theme]
    # the evidence is the whole clause the matched words are in
    assert got == [(theme, polarity, rule, text.rstrip("."))]
    assert evidence in got[0][3]


def test_word_boundaries_and_unrelated_text():
    ev = texts([
        "Hotelier called about a booking",  # not 'hotel'
        "Routine contact with the family GP surgery about an unrelated matter",
        "Staff used de-escalation and she calmed down",  # not an escalation
    ])
    t = tag(ev)
    assert "placement_sufficiency" not in set(t["theme"])
    assert "escalation" not in set(t["theme"])
    assert found(ev, t) == [(2, "trauma_informed", "strength", "trauma_informed_practice", "Staff used de-escalation and she calmed down")]


def test_case_and_curly_apostrophes_and_non_ascii():
    ev = texts(["CASSIE’S VIEWS NOT SOUGHT — café meeting", "Placed in an unregulated children’s home"])
    got = found(ev, tag(ev))
    assert (0, "child_voice", "concern", "views_not_sought", "CASSIE’S VIEWS NOT SOUGHT — café meeting") in got
    assert (1, "placement_sufficiency", "concern", "unsuitable_setting", "Placed in an unregulated children’s home") in got


def test_action_and_child_voice_columns_are_searched():
    ev = make([
        {"description": "Strategy discussion", "action": "Mother not informed of outcome"},
        {"description": "Visit to placement", "child_voice": "I just want to go home"},
    ])
    got = found(ev, tag(ev))
    assert (0, "family_involvement", "concern", "family_not_informed", "Mother not informed of outcome") in got
    assert (1, "child_voice", "strength", "voice_recorded", "I just want to go home") in got


def test_no_text_match_across_columns():
    # 'views' at the end of the description and 'recorded' in the action are different fields
    ev = make([{"description": "Asked about her views", "action": "recorded later"}])
    assert "views_recorded" not in set(tag(ev)["rule"])


# --------------------------------------------------------------------------- negations
def test_negation_flips_voice_to_concern():
    ev = texts([
        "Discharge meeting; no views recorded from Cassie",
        "Her views were not sought before the move",
        "Camille not seen at the visit",
    ])
    got = [x for x in found(ev, tag(ev)) if x[1] == "child_voice"]
    assert got == [
        (0, "child_voice", "concern", "views_not_recorded", "no views recorded from Cassie"),
        (1, "child_voice", "concern", "views_not_sought", "Her views were not sought before the move"),
        (2, "child_voice", "concern", "not_seen", "Camille not seen at the visit"),
    ]


def test_negation_suppresses_strength():
    ev = texts([
        "Did not escalate to the team manager",
        "No suitable placement found",
        "Mother was not informed of the discharge",
        "Information was not shared with the school",
        "Not seen by CAMHS despite the referral",
    ])
    t = tag(ev)
    assert not ((t["polarity"] == "strength") & t["theme"].isin(
        ["escalation", "placement_sufficiency", "family_involvement", "joined_up_communication",
         "mental_health_access", "child_voice"])).any()
    got = {(p, th, r) for p, th, pol, r, _ in found(ev, t) if pol == "concern"}
    assert got == {
        (0, "escalation", "not_escalated"),
        (1, "placement_sufficiency", "no_placement"),
        (2, "family_involvement", "family_not_informed"),
        (3, "joined_up_communication", "not_shared"),
        (4, "mental_health_access", "mh_not_seen"),
    }


def test_shield_and_suppress_only_negations():
    ev = texts(["Not seen by CAMHS", "Denies thoughts of self-harm", "Cassie self-harmed on the ward"])
    t = tag(ev)
    # 'not seen by CAMHS' is not a missed visit; a denial is not a crisis
    assert "child_voice" not in set(t["theme"])
    assert found(ev, t) == [
        (0, "mental_health_access", "concern", "mh_not_seen", "Not seen by CAMHS"),
        (2, "mental_health_access", "concern", "mh_crisis", "Cassie self-harmed on the ward"),
    ]


def test_strength_and_concern_of_one_theme_in_one_event():
    ev = texts(["Seen alone; she said she did not feel safe. Mother not informed."])
    got = found(ev, tag(ev))
    assert (0, "child_voice", "strength", "seen_alone", "Seen alone") in got
    assert (0, "family_involvement", "concern", "family_not_informed", "Mother not informed") in got


# --------------------------------------------------------------------------- structural rules
def test_discharge_to_custody_within_24_hours():
    ev = make(
        [
            {"agency": "health_acute", "start": "12/03/2024 14:00", "event_type": "discharge",
             "description": "Discharged from ward 4"},
            {"agency": "police", "start": "12/03/2024 17:30", "event_type": "custody",
             "description": "Booked in at the station"},
            # another child: custody 30 hours after discharge is outside the window
            {"case_id": "b", "agency": "health_acute", "start": "12/03/2024 08:00",
             "event_type": "discharge", "description": "Discharged from ward 4"},
            {"case_id": "b", "agency": "police", "start": "13/03/2024 14:00", "event_type": "custody",
             "description": "Booked in at the station"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    pos = {e: i for i, e in enumerate(ev["event_id"])}
    ids = [ev["event_id"].iloc[p] for p, *_ in got]
    assert [i.split(":")[0] for i in ids] == ["cassie", "cassie"]
    text = "discharged 12 Mar 2024 14:00, then custody 12 Mar 2024 17:30 (3.5 hours later)"
    assert [g[1:] for g in got] == [("transition_points", "concern", "discharge_to_custody", text)] * 2
    assert sorted(p for p, *_ in got) == sorted(pos[e] for e in ev["event_id"] if e.startswith("cassie"))


def test_discharge_straight_into_custody_one_record():
    ev = make([{"agency": "health_acute", "event_type": "custody",
                "description": "Discharged to police custody"}])
    got = found(ev, tag(ev), kind="structural")
    assert got == [(0, "transition_points", "concern", "discharge_to_custody",
                    "discharged straight into custody 1 Mar 2024 10:00")]


def test_child_not_seen_at_visit():
    ev = make(
        [
            {"event_type": "home_visit", "service": "LAC team", "description": "Statutory visit",
             "child_seen": "N"},
            {"event_type": "home_visit", "description": "Statutory visit", "child_seen": "Y"},
            {"event_type": "home_visit", "description": "Statutory visit"},  # not recorded
            {"event_type": "contact", "description": "Phone call", "child_seen": "N"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got == [(0, "child_voice", "concern", "child_not_seen_at_visit",
                    "home visit (LAC team) on 1 Mar 2024 10:00: child recorded as not seen")]


def test_repeated_police_callouts_parameters():
    days = ["01/03/2024 22:00", "01/03/2024 22:40", "05/03/2024 01:00", "10/03/2024 23:00",
            "30/03/2024 21:00"]
    ev = make([{"agency": "police", "start": d, "event_type": "police_callout",
                "description": "Officers attended the placement"} for d in days])
    t = tag(ev)
    got = found(ev, t, kind="structural")
    # the 22:40 record repeats the 22:00 callout: 3 distinct callouts in 10 days; 30 March is alone
    assert [p for p, *_ in got] == [0, 1, 2, 3]
    assert got[0][4] == "police callout 1 of 3 between 1 Mar 2024 and 10 Mar 2024 (at least 3 within 14 days)"
    assert got[1][4] == got[0][4]
    assert got[3][4].startswith("police callout 3 of 3")
    assert {g[1] for g in got} == {"trauma_informed"}
    stricter = with_rule(load_taxonomy(), "repeated_police_callouts", min_count=4)
    assert found(ev, tag(ev, stricter), kind="structural") == []
    wider = with_rule(load_taxonomy(), "repeated_police_callouts", window="30 days")
    assert [p for p, *_ in found(ev, tag(ev, wider), kind="structural")] == [0, 1, 2, 3, 4]


def test_long_stay_in_unsuitable_setting():
    ev = make(
        [
            {"agency": "health_acute", "service": "A&E", "event_type": "attendance",
             "start": "04/03/2024 14:10", "end": "20/03/2024 19:30", "description": "Attended A&E"},
            {"agency": "health_acute", "service": "A&E", "event_type": "attendance",
             "start": "21/03/2024 10:00", "end": "21/03/2024 15:00", "description": "Attended A&E"},
            {"case_id": "camille", "agency": "placements", "event_type": "placement_start",
             "start": "01/04/2024", "description": "Placed in emergency accommodation"},
            {"case_id": "camille", "agency": "police", "event_type": "police_callout",
             "start": "25/04/2024", "description": "Officers attended"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got == [
        (0, "placement_sufficiency", "concern", "long_stay_unsuitable_setting",
         "16 days 5 hours in A&E, 4 Mar 2024 14:10 to 20 Mar 2024 19:30 (limit 1 day)"),
    ]
    # the emergency placement has no end (no end date, no placement_end or next placement): a stay
    # needs an end, so it is not measured to the case's last event unless the setting says open


def test_long_stay_ended_by_next_event():
    ev = make(
        [
            {"agency": "health_acute", "service": "Emergency Department", "event_type": "attendance",
             "start": "04/03/2024 14:10", "description": "Attended ED"},
            {"agency": "health_acute", "event_type": "discharge", "start": "07/03/2024 09:00",
             "description": "Discharged to foster carers"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got == [(0, "placement_sufficiency", "concern", "long_stay_unsuitable_setting",
                    "2 days 19 hours in A&E, 4 Mar 2024 14:10 to 7 Mar 2024 09:00 (limit 1 day)")]


def test_missed_mental_health_appointment():
    ev = make(
        [
            {"agency": "health_camhs", "event_type": "appointment", "description": "Did not attend: no transport"},
            {"agency": "health_camhs", "event_type": "appointment", "description": "Seen in clinic"},
            {"agency": "health_gp", "event_type": "appointment", "description": "Did not attend"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got == [(0, "mental_health_access", "concern", "missed_mental_health_appointment",
                    "missed mental health appointment (health_camhs), 1 Mar 2024 10:00")]


def test_long_stay_ignores_events_inside_a_recorded_stay():
    ev = make(
        [
            {"agency": "health_acute", "service": "A&E", "event_type": "attendance",
             "start": "04/03/2024 14:10", "end": "08/03/2024 10:00", "description": "Attended A&E"},
            {"agency": "health_acute", "service": "A&E", "event_type": "attendance",
             "start": "04/03/2024 14:25", "description": "Triaged in A&E"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert [(p, r) for p, _, _, r, _ in got] == [(0, "long_stay_unsuitable_setting")]


def test_discharge_to_custody_minutes():
    ev = make(
        [
            {"agency": "health_acute", "start": "13/10/2024 07:40", "event_type": "discharge",
             "description": "Discharged from Ward 12"},
            {"agency": "police", "start": "13/10/2024 07:45", "event_type": "arrest", "description": "Arrested on the ward"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got[0][4] == "discharged 13 Oct 2024 07:40, then arrest 13 Oct 2024 07:45 (5 minutes later)"


def _escalation_followup() -> dict:
    """The escalation follow-up of data/expectations.toml (the one Chronology.missing() checks)."""
    from chronology.resources import load_toml

    return next(e for e in load_toml("expectations.toml")["expectations"] if e["name"].startswith("Escalation outcome"))


def test_escalation_without_outcome():
    ev = make(
        [
            {"case_id": "a", "event_type": "escalation", "start": "04/03/2024", "description": "Escalated to HoS"},
            {"case_id": "b", "event_type": "escalation", "start": "05/03/2024", "description": "Escalation to CAMHS",
             "action": "Outcome: bed agreed"},
            {"case_id": "c", "event_type": "escalation", "start": "06/03/2024", "description": "Escalation email to ICB"},
            {"case_id": "c", "event_type": "meeting", "start": "08/03/2024",
             "description": "ICB response to the escalation: funding agreed"},
            {"case_id": "d", "event_type": "escalation", "start": "11/03/2024", "description": "Staff used de-escalation"},
            {"case_id": "e", "event_type": "escalation", "start": "11/03/2024", "description": "Did not escalate"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got == [(0, "escalation", "concern", "escalation_without_outcome",
                    "escalation 4 Mar 2024: no outcome recorded within 10 working days (by 18 Mar 2024); "
                    "none recorded afterwards")]


def test_escalation_outcome_after_deadline():
    ev = make(
        [
            {"event_type": "escalation", "start": "04/03/2024", "description": "Escalated to HoS"},
            {"event_type": "meeting", "start": "20/03/2024", "description": "Escalation outcome from HoS: placement agreed"},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got == [(0, "escalation", "concern", "escalation_without_outcome",
                    "escalation 4 Mar 2024: no outcome recorded within 10 working days (by 18 Mar 2024); "
                    "next outcome recorded 20 Mar 2024")]


def test_escalation_rule_takes_its_time_and_outcome_from_the_expectation():
    """The tag and Chronology.missing() agree: same working days, same outcome events."""
    followup = _escalation_followup()
    rule = load_taxonomy().rules["escalation_without_outcome"]
    assert rule.params["expectation"] == followup["name"]
    assert "within" not in rule.params
    assert "outcome" not in rule.params
    ev = make(
        [
            {"event_type": "escalation", "start": "06/03/2024", "description": "IRO formal escalation to the HoS"},
            # an agreement at a meeting is not the escalation's outcome (Camille, 20 March)
            {"agency": "csc", "event_type": "meeting", "start": "19/03/2024",
             "description": "Professionals meeting: agreed to follow the CAMHS plan"},
            {"event_type": "escalation", "start": "05/04/2024",
             "description": "Escalation outcome: the HoS agreed funding; escalation resolved."},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got == [(0, "escalation", "concern", "escalation_without_outcome",
                    f"escalation 6 Mar 2024: no outcome recorded within {followup['within']} (by 20 Mar 2024); "
                    "next outcome recorded 5 Apr 2024")]
    c = chron.Chronology(events=ev)
    late = c.missing()
    late = late[late["expectation"].astype("str") == followup["name"]]
    assert late["event_id"].tolist() == [ev["event_id"].iloc[0]]
    assert late["next_start"].tolist() == [ev["start"].iloc[2]]


def test_escalation_rule_within_and_outcome_can_be_overridden(tmp_path: Path):
    p = tmp_path / "five.toml"
    p.write_text('[rules.escalation_without_outcome]\nwithin = "5 working days"\n', encoding="utf-8")
    ev = make([{"event_type": "escalation", "start": "04/03/2024", "description": "Escalated to HoS"},
               {"event_type": "escalation", "start": "15/03/2024", "description": "Escalation resolved"}])
    got = found(ev, tag(ev, p), kind="structural")
    assert [g[4] for g in got] == ["escalation 4 Mar 2024: no outcome recorded within 5 working days "
                                   "(by 11 Mar 2024); next outcome recorded 15 Mar 2024"]
    assert found(ev, tag(ev), kind="structural") == []  # within the 10 working days by default
    bad = tmp_path / "bad.toml"
    bad.write_text('[rules.escalation_without_outcome]\nexpectation = "Escalation within 3 days"\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"escalation_without_outcome\.expectation.*not the name of a follow-up"):
        load_taxonomy(bad)


def test_no_agreed_discharge_plan_is_a_concern_not_a_strength():
    ev = texts(["Professionals meeting: no placement identified. No agreed discharge plan.",
                "Discharged to the placement. No discharge planning meeting held."])
    got = [(r[0], r[2], r[3]) for r in found(ev, tag(ev)) if r[1] == "transition_points"]
    assert (0, "concern", "no_transition_plan") in got
    assert (1, "concern", "no_transition_plan") in got
    assert not [g for g in got if g[1] == "strength"]


def test_camille_escalation_prompt_reads_against_the_data(camille, carlos):
    c = camille
    p = c.prompts()
    esc = p[(p["theme"] == "escalation") & p["prompt"].str.contains("recorded an escalation")]
    first = esc["prompt"].iloc[0]
    assert first.startswith("On 6 March 2024 children's social care recorded an escalation of concerns about Camille")
    assert "no outcome recorded within 10 working days (by 20 Mar 2024); next outcome recorded 5 Apr 2024" in first
    outcome = c.events[c.events["description"].str.startswith("Escalation outcome", na=False)]
    assert outcome["start"].dt.strftime("%d/%m/%Y").tolist() == ["05/04/2024"]
    # Carlos's escalation of 16 October was answered on 30 October: 10 working days, in time
    prompts = carlos.prompts()
    assert not prompts["prompt"].str.contains("no outcome recorded").any()


def test_appropriate_adult_not_family():
    ev = make(
        [
            {"agency": "police", "description": "Interviewed with an appropriate adult from the AA scheme."},
            {"agency": "police", "description": "Mother attended as appropriate adult."},
        ]
    )
    got = found(ev, tag(ev), kind="structural")
    assert got == [(0, "family_involvement", "concern", "appropriate_adult_not_family",
                    "appropriate adult not family, 1 Mar 2024 10:00: Interviewed with an appropriate adult from the AA scheme")]


def test_rule_can_be_disabled(tmp_path: Path):
    p = tmp_path / "off.toml"
    p.write_text("[rules.child_not_seen_at_visit]\nenabled = false\n", encoding="utf-8")
    ev = make([{"event_type": "home_visit", "description": "Statutory visit", "child_seen": "N"}])
    assert found(ev, tag(ev, p), kind="structural") == []


# --------------------------------------------------------------------------- taxonomies
def test_default_taxonomy_is_complete():
    tax = load_taxonomy()
    assert list(tax.themes) == [
        "child_voice", "professional_curiosity", "escalation", "placement_sufficiency",
        "mental_health_access", "transition_points", "joined_up_communication",
        "family_involvement", "trauma_informed",
    ]
    for theme in tax.themes.values():
        assert theme.label
        assert theme.description
        assert theme.brief
        assert {p.polarity for p in theme.patterns} <= {"concern", "strength"}
    assert set(tax.rules) == {
        "discharge_to_custody", "child_not_seen_at_visit", "repeated_police_callouts",
        "long_stay_unsuitable_setting", "escalation_without_outcome", "appropriate_adult_not_family",
        "missed_mental_health_appointment",
    }
    assert all(r.source for r in tax.rules.values())


def test_cspr_taxonomy():
    tax = load_taxonomy("cspr")
    assert "sharing_information" in tax.themes
    # patterns_from copies the brief's patterns
    assert {p.id for p in tax.themes["sharing_information"].patterns} >= {"information_shared"}
    ev = texts(["Information was not shared with the school", "Exploitation screening tool completed"])
    t = tag(ev, "cspr")
    got = {(p, th, pol) for p, th, pol, *_ in found(ev, t)}
    assert got == {(0, "sharing_information", "concern"), (1, "extra_familial_harm", "strength"),
                   (1, "extra_familial_harm", "concern"), (1, "critical_thinking_and_challenge", "strength")}


def test_user_file_extends_and_replaces_theme(tmp_path: Path):
    p = tmp_path / "mine.toml"
    p.write_text(
        """
[themes.exploitation]
label = "Criminal exploitation"
patterns = [{ id = "county_lines", phrases = ["county lines", "drug running"] }]

[themes.family_involvement]
label = "Family (our wording)"
patterns = [{ id = "nan", phrases = ["nan"], polarity = "strength" }]
""",
        encoding="utf-8",
    )
    tax = load_taxonomy(p)
    assert list(tax.themes)[-1] == "exploitation"
    assert len(tax.themes) == 10
    ev = texts(["Concerns about county lines", "Mother not informed; nan visited"])
    got = found(ev, tag(ev, p))
    assert (0, "exploitation", "concern", "county_lines", "Concerns about county lines") in got
    # the replaced theme has only the user's pattern: no negation any more
    assert [x for x in got if x[1] == "family_involvement"] == [
        (1, "family_involvement", "strength", "nan", "nan visited")]
    assert tag(ev, p)["label"].str.contains("our wording").any()


def test_user_file_replaces_taxonomy(tmp_path: Path):
    p = tmp_path / "only.toml"
    p.write_text(
        'replace = true\n[themes.housing]\nlabel = "Housing"\n'
        'patterns = [{ id = "homeless", regex = \'\\bhomeless(?:ness)?\\b\' }]\n',
        encoding="utf-8",
    )
    tax = load_taxonomy(p)
    assert list(tax.themes) == ["housing"]
    assert tax.rules == {}
    ev = texts(["Family made homeless; mother not informed"])
    assert found(ev, tag(ev, p)) == [(0, "housing", "concern", "homeless", "Family made homeless")]


def test_user_rules_merge_parameters_and_list_of_files(tmp_path: Path):
    a = tmp_path / "a.toml"
    a.write_text("[rules.repeated_police_callouts]\nmin_count = 5\n", encoding="utf-8")
    b = tmp_path / "b.toml"
    b.write_text('[rules.repeated_police_callouts]\nwindow = "28 days"\n', encoding="utf-8")
    tax = load_taxonomy([a, b])
    params = tax.rules["repeated_police_callouts"].params
    assert (params["min_count"], params["window"]) == (5, "28 days")
    assert tax.rules["repeated_police_callouts"].theme == "trauma_informed"
    assert load_taxonomy(["cspr", a]).name == "cspr"


def test_phrase_regex(tmp_path: Path):
    assert phrase_regex("not seen") == r"\bnot[ \t]+seen\b"
    assert phrase_regex("self-harm") == r"\bself[- ]?harm\b"
    p = tmp_path / "phr.toml"
    p.write_text('replace = true\n[themes.sh]\nlabel = "SH"\npatterns = [{ id = "sh", phrases = ["self-harm", "child\'s views"] }]\n',
                 encoding="utf-8")
    ev = texts(["Self harm noted", "selfharm noted", "self-harm noted", "child’s views", "selfish harm"])
    assert [(i, e) for i, _, _, _, e in found(ev, tag(ev, p))] == [
        (0, "Self harm noted"), (1, "selfharm noted"), (2, "self-harm noted"), (3, "child’s views")]


BAD = [
    ('[themes.x]\nlabel = "X"\npolarity = "bad"\npatterns = [{ id = "a", phrases = ["a"] }]\n',
     r"key 'themes\.x\.polarity': not a polarity"),
    ('[themes.x]\nlabel = "X"\nwords = ["a"]\npatterns = [{ id = "a", phrases = ["a"] }]\n',
     r"key 'themes\.x\.words': unknown key"),
    ('[themes.x]\nlabel = "X"\npatterns = [{ id = "a", regex = "(unclosed" }]\n',
     r"key 'themes\.x\.patterns\[0\]\.regex': not a valid regular expression"),
    ('[themes.x]\nlabel = "X"\npatterns = [{ id = "a", regex = "not(?= seen)" }]\n',
     r"key 'themes\.x\.patterns\[0\]\.regex': not supported by the RE2 engine"),
    ('[themes.x]\nlabel = "X"\npatterns = [{ id = "a", phrases = ["a"], regex = "b" }]\n',
     r"key 'themes\.x\.patterns\[0\]': give exactly one of 'regex' or 'phrases'"),
    ('[themes.x]\nlabel = "X"\npatterns = [{ id = "a", phrases = ["a"], columns = ["notes"] }]\n',
     r"key 'themes\.x\.patterns\[0\]\.columns': unknown column"),
    ('[themes.x]\nlabel = "X"\npatterns = []\n', r"key 'themes\.x\.patterns': a theme needs at least one"),
    ('[themes.x]\npatterns = [{ id = "a", phrases = ["a"] }]\n', r"key 'themes\.x\.label': a theme needs a label"),
    ("[rules.no_such_rule]\nenabled = true\n", r"key 'rules\.no_such_rule': unknown structural rule"),
    ("[rules.repeated_police_callouts]\nmin_count = 0\n",
     r"key 'rules\.repeated_police_callouts\.min_count': must be a whole number"),
    ('[rules.repeated_police_callouts]\nwindow = "soon"\n',
     r"key 'rules\.repeated_police_callouts\.window': not a duration"),
    ('[rules.discharge_to_custody]\ncustody = [{ event_type = "jail" }]\n',
     r"key 'rules\.discharge_to_custody\.custody\[0\]': unknown event_type"),
    ('[rules.discharge_to_custody]\ntheme = "nope"\n',
     r"key 'rules\.discharge_to_custody\.theme': the rule's theme is not in the taxonomy"),
    ("replace = 'yes'\n", r"key 'replace': replace must be true or false"),
    ("[themes\nlabel = 1\n", r"not valid TOML"),
]


@pytest.mark.parametrize(("content", "message"), BAD)
def test_bad_taxonomy_file_names_file_and_key(tmp_path: Path, content: str, message: str):
    p = tmp_path / "mine.toml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError, match=message) as info:
        load_taxonomy(p)
    assert isinstance(info.value, ChronologyError)
    assert "mine.toml" in str(info.value)


def test_missing_taxonomy_file(tmp_path: Path):
    with pytest.raises(TaxonomyError, match=r"nothere\.toml: taxonomy file not found"):
        load_taxonomy(tmp_path / "nothere.toml")
    with pytest.raises(TaxonomyError, match=r"unknown taxonomy.*brief.*cspr"):
        load_taxonomy("panel")


def test_tag_through_chronology_is_immutable():
    c = chron.Chronology.from_events(pd.DataFrame({
        "case_id": ["cassie"], "agency": ["csc"], "start": ["2024-03-01"],
        "description": ["No views recorded"]}))
    before = c.events.copy()
    c2 = c.tag()
    assert c.tags is None
    pd.testing.assert_frame_equal(c.events, before)
    pd.testing.assert_frame_equal(c2.tags, tag(before))
    assert c2.themes()["theme"].tolist() == ["child_voice"]


def test_tag_empty_and_missing_columns():
    from chronology.schema import empty_events

    assert tag(empty_events()).columns.tolist() == TAG_COLUMNS
    assert tag(empty_events()).empty
    with pytest.raises(EventValidationError, match="the events table has no column 'event_id'"):
        tag(pd.DataFrame({"description": ["x"]}))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(list(range(8))))
def test_row_order_does_not_change_tags(order):
    rows = [
        {"agency": "police", "start": f"0{i + 1}/03/2024 10:00", "event_type": "police_callout",
         "description": "Officers attended; Camille restrained"} for i in range(3)
    ] + [
        {"description": "No views recorded", "start": "05/03/2024"},
        {"description": "Mother informed", "start": "06/03/2024"},
        {"event_type": "escalation", "description": "Escalated to HoS", "start": "07/03/2024"},
        {"event_type": "home_visit", "description": "Visit", "child_seen": "N", "start": "08/03/2024"},
        {"agency": "police", "description": "appropriate adult from scheme", "start": "09/03/2024"},
    ]
    ev = make(rows)
    shuffled = ev.iloc[list(order)].reset_index(drop=True)
    key = ["event_id", "theme", "polarity", "rule", "evidence"]
    a = tag(ev)[key].sort_values(key).reset_index(drop=True)
    b = tag(shuffled)[key].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------- summaries
@pytest.fixture
def two_cases() -> pd.DataFrame:
    return make(
        [
            {"agency": "health_acute", "start": "12/03/2024 14:00", "event_type": "discharge",
             "description": "Discharge planning meeting; no views recorded from Cassie"},
            {"agency": "csc", "start": "13/03/2024", "description": "Cassie seen alone; views recorded"},
            {"agency": "csc", "start": "02/04/2024", "description": "Mother not informed"},
            {"case_id": "carlos", "agency": "health_acute", "start": "12/03/2024 14:00",
             "event_type": "discharge", "description": "Discharged from ward 7"},
            {"case_id": "carlos", "agency": "police", "start": "12/03/2024 17:00", "event_type": "interview",
             "description": "Interviewed under caution while drowsy after surgery"},
        ]
    )


def test_summary_overall_and_by(two_cases: pd.DataFrame):
    t = tag(two_cases)
    s = summary(two_cases, t)
    assert s.columns.tolist() == ["theme", "label", "concern", "strength", "events", "cases", "agencies"]
    row = s.set_index("theme").loc["child_voice"]
    assert (row["concern"], row["strength"], row["events"], row["cases"]) == (1, 1, 2, 1)
    assert s.set_index("theme").loc["transition_points", "concern"] == 2
    by_case = summary(two_cases, t, by="case").set_index(["case_id", "theme"])
    assert by_case.loc[("carlos", "transition_points"), "events"] == 2
    assert ("carlos", "child_voice") not in by_case.index
    by_agency = summary(two_cases, t, by="agency").set_index(["agency", "theme"])
    assert by_agency.loc[("police", "transition_points"), "concern"] == 1
    by_month = summary(two_cases, t, by="period")
    assert by_month["period"].astype(str).tolist().count("2024-04") == 1
    with pytest.raises(OptionError, match="use by=None, 'agency', 'case' or 'period'"):
        summary(two_cases, t, by="week")


def test_top_themes_scoring(two_cases: pd.DataFrame):
    t = tag(two_cases)
    top = top_themes(two_cases, t, n=2)
    carlos = top[top["case_id"] == "carlos"]
    # the interview under caution is also evidence of criminalisation (a text concern, 1 point)
    assert carlos["theme"].tolist() == ["transition_points", "professional_curiosity"]
    # two structural concerns (3 each)
    assert carlos["score"].iloc[0] == 6.0
    assert carlos["evidence"].iloc[0].startswith("discharged 12 Mar 2024 14:00, then interview")
    cassie = top[top["case_id"] == "cassie"]
    assert cassie["theme"].tolist() == ["child_voice", "family_involvement"]
    assert cassie["score"].tolist() == [1.25, 1.0]
    assert cassie["evidence"].iloc[0] == "no views recorded from Cassie"
    assert top_themes(two_cases, t, n=1).groupby("case_id").size().tolist() == [1, 1]


# --------------------------------------------------------------------------- prompts
def test_prompts_quote_dated_evidence(two_cases: pd.DataFrame):
    p = prompts(two_cases, tag(two_cases))
    assert p.columns.tolist() == ["case_id", "theme", "event_id", "date", "prompt"]
    voice = p[(p["case_id"] == "cassie") & (p["theme"] == "child_voice")]["prompt"].tolist()
    assert voice[0] == (
        "On 12 March 2024 the hospital recorded “Discharge planning meeting; no views recorded from Cassie”. "
        "What would Cassie have said, and who could have asked?"
    )
    assert voice[1].startswith("On 13 March 2024 children's social care recorded “Cassie seen alone; views recorded”.")
    carlos = p[p["case_id"] == "carlos"]
    assert carlos["theme"].iloc[0] == "transition_points"
    assert carlos["prompt"].iloc[0].startswith(
        "On 12 March 2024 Carlos was discharged 12 Mar 2024 14:00, then interview 12 Mar 2024 17:00 (3 hours later). "
        "Who decided Carlos was fit to leave hospital"
    )
    assert (p["date"].dt.tz is not None)
    assert p["prompt"].str.len().min() > 40


def test_prompts_approximate_dates_and_user_templates(tmp_path: Path):
    ev = make([{"start": "Mar 2024", "description": "No views recorded"}])
    p = prompts(ev, tag(ev))
    assert p["prompt"].iloc[0].startswith("In March 2024 children's social care recorded")
    f = tmp_path / "prompts.toml"
    f.write_text('[themes.child_voice]\nconcern = ["{When}, {child}: {evidence}?"]\n', encoding="utf-8")
    assert prompts(ev, tag(ev), templates=f)["prompt"].tolist() == ["In March 2024, Cassie: No views recorded?"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[themes.child_voice]\nconcern = ["{Child} said {evidence}"]\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"bad\.toml.*key 'themes\.child_voice\.concern\[0\]'.*unknown placeholder"):
        load_templates(bad)


def test_builtin_templates_cover_every_theme_and_rule():
    tpl = load_templates()
    tax = load_taxonomy()
    for tid in tax.themes:
        assert {"concern", "strength"} <= set(tpl["themes"][tid]), tid
    assert set(tax.rules) - {"child_not_seen_at_visit"} <= {
        r for t in tpl["themes"].values() for r in t.get("rules", {})
    }
