# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Cassie: system drift, missed protocols and emotional safety
#
# *From the learning brief "Seeing the Whole Child":* Cassie, a vulnerable child with mental health
# needs, remained in A&E for over two weeks due to the absence of a coordinated discharge and placement
# plan. Despite the existence of inter-agency protocols, their inconsistent application delayed care and
# led to further harm when Cassie later self-harmed and required secure accommodation.
#
# The brief's learning themes for Cassie are:
#
# 1. the child's voice was secondary to systems-focused discussions around process, placement and risk
#    ownership;
# 2. a failure to escalate proportionately, with decisions relying on relationships rather than
#    structured processes;
# 3. mental health interventions were not prioritised early enough.
#
# This notebook rebuilds the multi-agency chronology from the six agency files and tests each theme
# against the record. Every number below is computed from the files; the `assert` lines check the key
# findings against `data/samples/cassie/FACTS.md`. The case and all its data are fictional.

# %%
import pandas as pd
from IPython.display import Markdown, display

import chronology as chron
import chronology.plot as cplot
from chronology.plot.style import agency_label

pd.set_option("display.max_colwidth", 100)


def say(text: str) -> None:
    """Show a sentence built from computed values as formatted text."""
    display(Markdown(text))


def day(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts:%B %Y}"


def at(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts:%B %Y}, {ts:%H:%M}"


def share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({part / whole:.0%})"


def agencies(values: pd.Series) -> str:
    """Agency codes as their display names, in order of appearance: 'Police, Hospital (acute)'."""
    return ", ".join(agency_label(a) for a in pd.unique(values.astype(str)))


def one(frame: pd.DataFrame) -> pd.Series:
    """The single row of ``frame``; fails loudly if there are none or several."""
    assert len(frame) == 1, frame
    return frame.iloc[0]


def events(c: chron.Chronology, **match) -> pd.DataFrame:
    """The events of ``c`` matching a :class:`chronology.Match`."""
    return chron.Match(**match)(c.events)


# %% [markdown]
# ## 1. From the agency files to one chronology
#
# The case folder holds six files as the agencies sent them: police and children's social care as CSV,
# the hospital and the placements team as Excel (with title rows above the header), CAMHS and the school
# as Word tables. `case.toml` names the agency of each file.

# %%
folder = chron.samples.path("cassie")
c = chron.read_case(folder)
c

# %%
prov = c.provenance
prov[["source", "source_sheet", "agency", "format", "rows_read", "events", "rejects", "repeated_headers", "date_formats"]]

# %%
per_file = c.events.groupby("source")["event_id"].count()
say(
    f"**{len(c)} events** from {len(prov)} files, {day(c.events['start'].min())} to "
    f"{day(c.events['start'].max())}; {len(c.rejects)} rows rejected. "
    f"{prov['repeated_headers'].sum()} header row repeated inside the CAMHS table was recognised and "
    f"dropped; the school's dates are weeks and months ({', '.join(prov.loc[prov['source'] == 'school.docx', 'date_formats'].iloc[0])})."
)
assert len(c) == 95
assert c.rejects.empty
assert per_file.to_dict() == {
    "police.csv": 10, "csc.csv": 28, "hospital.xlsx": 18,
    "placements.xlsx": 13, "camhs.docx": 14, "school.docx": 12,
}

# %% [markdown]
# ## 2. The timeline
#
# One lane per agency. The upper panel zooms on the weeks in the emergency department (4 to 20 March
# 2024); the lower one shows the whole record, with grey bands for gaps and dashed brackets for statutory
# timescales that were breached.

# %%
c.timeline(detail=("2024-03-04 12:00", "2024-03-21 00:00"))

# %% [markdown]
# ## 3. Sixteen days in the emergency department
#
# The hospital recorded Cassie's attendance as one span, from arrival to discharge. `c.intervals` measures
# it and `c.breaches()` checks it against the two A&E standards: four hours from arrival to admission,
# transfer or discharge, and no more than twelve hours in the department.

# %%
stay_rule = chron.Interval(
    "A&E stay", start=chron.Match(event_type="attendance", agency="health_acute", text="overdose")
)
stay = one(c.intervals(stay_rule))
stay_hours = stay["hours"]
breaches = c.breaches()
ae = breaches[breaches["rule"].str.startswith("A&E") & (breaches["start"] == stay["start"])]
ae[["rule", "start", "end", "hours", "limit", "status", "source"]]

# %%
cplot.interval_chart(ae, title="Cassie's stay in the emergency department, against the A&E standards")

# %%
fit = one(events(c, agency="health_acute", text=r"^Medically fit"))
waited = stay["end"] - fit["start"]
waited_hours = waited / pd.Timedelta(hours=1)
length = stay["end"] - stay["start"]
say(
    f"Cassie arrived on **{at(stay['start'])}** and left on **{at(stay['end'])}**: "
    f"**{stay_hours:.0f} hours** ({length.days} days {length.seconds // 3600} hours), "
    f"{stay_hours / 4:.0f} times the four-hour standard. "
    f"She was medically fit from {at(fit['start'])}; from then on she waited **{waited.days} days "
    f"{waited.seconds // 3600} hours ({waited_hours:.0f} hours)** in the department for somewhere safe to go."
)
assert stay_hours == 389  # 16 days 5 hours
assert len(ae) == 2
assert (ae["status"] == "breached").all()
assert fit["start"] == pd.Timestamp("2024-03-05 11:10", tz="Europe/London")
assert waited == pd.Timedelta(days=15, hours=8)  # 368 hours

# %% [markdown]
# ### Theme 1: the child's voice was secondary to the system's discussions
#
# Where is Cassie in the record when she is in crisis? `c.crisis_periods()` finds the crisis periods
# in the data itself: hospital stays from arrival or admission to discharge, police custody, missing
# episodes from the report to being found, placement breakdowns (the rules are in the package's
# `crisis.toml`; a period with no recorded end is listed as open, never closed by a guess).
# `c.voice(by="crisis")` then compares how often her views are recorded inside those periods and
# outside them.

# %%
periods = c.crisis_periods()
periods[["kind", "start", "end", "hours", "closed_by", "events", "heard", "approximate"]]

# %%
crisis = one(c.voice(by="crisis"))
ed = periods[periods["kind"] == "hospital"].nlargest(1, "hours").iloc[0]
heard_all = int(c.events["child_voice"].notna().sum())
outside_ed = (len(c) - int(ed["events"]), heard_all - int(ed["heard"]))
say(
    f"The longest crisis period is the stay in the emergency department, {at(ed['start'])} to "
    f"{at(ed['end'])}: her views are recorded at **{share(int(ed['heard']), int(ed['events']))}** of its "
    f"**{ed['events']} events**, against {share(outside_ed[1], outside_ed[0])} of the {outside_ed[0]} events "
    f"outside it. Over all {crisis['periods']} crisis periods: "
    + crisis["finding"].replace("The child's", "Cassie's").replace("the child's", "her")
)
assert crisis["voice_secondary"]  # the brief's first learning theme, from the data
assert crisis["share_heard_inside"] < crisis["share_heard_outside"]
assert crisis["open_periods"] == 0
assert (ed["start"], ed["end"]) == (stay["start"], stay["end"])  # the same stay the hospital recorded
assert (ed["events"], ed["heard"]) == (39, 5)
assert outside_ed == (56, 14)

# %% [markdown]
# What did the agencies do during those sixteen days? The events of that period, by type:

# %%
ev = c.events
during = ev[(ev["start"] >= ed["start"]) & (ev["start"] <= ed["end"])]
assert len(during) == ed["events"]
process_types = ["meeting", "strategy_meeting", "escalation"]
process = during[during["event_type"].isin(process_types)]
heard = during[during["child_voice"].notna()]
during.groupby("event_type", observed=True).size().sort_values(ascending=False).rename("events").to_frame().T

# %%
process[["start", "agency", "event_type", "child_seen", "child_voice", "description"]]

# %%
say(
    f"During the stay the agencies recorded **{len(during)} events**. **{len(process)}** were meetings, "
    f"strategy discussions and escalations about where Cassie should go; her views are recorded at "
    f"**{process['child_voice'].notna().sum()}** of them. Her own words appear at {share(len(heard), len(during))} "
    "of the events, all from visits by her social worker or CAMHS:"
)
heard[["start", "agency", "event_type", "child_voice"]]

# %% [markdown]
# "Nobody tells me anything" and "It's like being in a fish tank" are in the record; so is her request to
# live with her aunt. The plan that came out of the meetings was the bed that could be found.
#
# ### Theme 2: escalation by relationship, then by protocol
#
# The joint crisis protocol expects a multi-agency meeting within 72 hours of a child being medically fit
# with nowhere safe to go. `c.missing()` checks such expectations: after each trigger event, a follow-up
# within a time.

# %%
protocol = chron.Expect(
    "Multi-agency meeting within 72 hours of medically fit with nowhere safe to go",
    after=chron.Match(agency="health_acute", text=r"^Medically fit"),
    within="72 hours",
    then=chron.Match(event_type="meeting"),
    source="Joint crisis protocol (local, fictional)",
)
meeting_check = one(c.missing(protocol))
meeting_days = (meeting_check["next_start"].normalize() - fit["start"].normalize()).days
meeting_check[["expectation", "start", "due_by", "status", "next_start"]].to_frame().T

# %%
say(
    f"The first professionals meeting was on **{day(meeting_check['next_start'])}, {meeting_days} days** after "
    f"Cassie was medically fit (status: {meeting_check['status']})."
)
assert meeting_check["status"] == "late"
assert meeting_days == 6

# %% [markdown]
# Who escalated, when, and by which route? The escalation events during the stay, with the route read
# from the record's own wording:

# %%
esc = during[during["event_type"] == "escalation"].copy()
desc = esc["description"]
esc["route"] = "outcome"
esc.loc[desc.str.contains("informally"), "route"] = "informal: a personal contact"
esc.loc[desc.str.contains("escalation protocol"), "route"] = "escalation protocol"
esc[["start", "agency", "route", "description"]]

# %%
informal = esc[esc["route"].str.startswith("informal")].iloc[0]
formal = esc[esc["route"] == "escalation protocol"].iloc[0]
outcome = esc[esc["description"].str.startswith("Escalation outcome")].iloc[0]
formal_after = (formal["start"].normalize() - informal["start"].normalize()).days
say(
    f"**{len(esc)} escalation events** during the stay ({', '.join(f'{agency_label(a)} {n}' for a, n in esc['agency'].astype(str).value_counts().items())}). "
    f"The first, on {at(informal['start'])} (day {(informal['start'].normalize() - stay['start'].normalize()).days} in the ED), "
    f"was informal: the matron phoned a Head of Service she knew, and no outcome is recorded. "
    f"The first escalation under the protocol came **{formal_after} days later**, on {day(formal['start'])}; "
    f"the outcome (a placement) on **{day(outcome['start'])}**."
)
assert len(esc) == 5
assert esc["agency"].astype(str).value_counts().to_dict() == {"health_acute": 3, "csc": 2}
assert informal["start"] == pd.Timestamp("2024-03-07 16:00", tz="Europe/London")
assert formal_after == 7
assert outcome["start"] == pd.Timestamp("2024-03-18", tz="Europe/London")

# %% [markdown]
# Good practice sits beside the drift: the strategy discussion was held two days after the overdose and
# is recorded by both children's social care and the police.

# %%
overdose = one(events(c, event_type="self_harm", agency="police", text="overdose"))
strategy = events(c, event_type="strategy_meeting", text="after overdose")
strategy_days = (strategy["start"].min().normalize() - overdose["start"].normalize()).days
display(strategy[["start", "agency", "description"]])
say(f"Strategy discussion **{strategy_days} days** after the overdose, recorded by {agencies(strategy['agency'])}.")
assert strategy_days == 2
assert set(strategy["agency"].astype(str)) == {"csc", "police"}

# %% [markdown]
# ### Theme 3: mental health help came late
#
# The school referred Cassie to CAMHS in November 2023. How long until she was first assessed by the
# community team?

# %%
camhs_rule = chron.Interval(
    "CAMHS referral to first community assessment",
    start=chron.Match(event_type="referral", agency="health_camhs"),
    end=chron.Match(event_type="assessment", agency="health_camhs", text="first community"),
)
camhs_wait = one(c.intervals(camhs_rule))
camhs_wait[["rule", "start", "end", "days", "working_days"]].to_frame().T

# %% [markdown]
# Every self-harm event in the record, and whether a mental health assessment followed within seven days
# (`c.missing()` lists the ones where it did not):

# %%
self_harm = events(c, event_type="self_harm")
missing = c.missing()
mh_missing = missing[missing["expectation"].str.startswith("Mental health assessment")]
display(self_harm[["start", "agency", "description"]])
mh_missing[["start", "agency", "description", "status", "next_start"]]

# %%
april = one(mh_missing[mh_missing["start"] == pd.Timestamp("2024-04-14", tz="Europe/London")])
april_days = (april["next_start"] - april["start"]).days
after_overdose = events(c, event_type="assessment", agency="health_camhs")
after_overdose = after_overdose[after_overdose["start"] >= overdose["start"].normalize()].iloc[0]
say(
    f"Cassie waited **{camhs_wait['days']} days** from the CAMHS referral ({day(camhs_wait['start'])}) to her "
    f"first community assessment ({day(camhs_wait['end'])}). The record holds **{len(self_harm)} self-harm "
    f"events**. After she cut her forearms at the placement on {day(april['start'])} there was no mental "
    f"health assessment within seven days: the next came **{april_days} days** later. By contrast, after the "
    f"overdose the psychosocial assessment came the next day ({day(after_overdose['start'])})."
)
assert camhs_wait["days"] == 165
assert len(self_harm) == 7
assert april["status"] == "late"
assert april_days == 15
assert after_overdose["start"] == pd.Timestamp("2024-03-05", tz="Europe/London")

# %% [markdown]
# ## 4. Placement, secure accommodation and the looked-after timescales
#
# Cassie became looked after in the ED (section 20) and moved to a solo emergency placement at Willowbank
# House, then to secure accommodation after a ligature in May. The statutory looked-after timescales from
# `c.breaches()`:

# %%
lac = breaches[breaches["rule"].str.startswith(("LAC", "First LAC"))]
# both children's social care and the placements team record each placement start, so the
# visit check is found twice for Willowbank: keep one row per rule, start and end
lac = lac.drop_duplicates(["rule", "start", "end"])
lac[["rule", "start", "end", "days", "working_days", "limit", "status"]]

# %%
cplot.interval_chart(lac, title="Cassie: looked-after visits and reviews")

# %%
willow = one(events(c, event_type="placement_start", agency="placements", text="Willowbank"))
willow_days = (willow["end"].date() - willow["start"].date()).days
secure = one(events(c, event_type="placement_start", text="Larkspur"))
review = one(lac[lac["rule"].str.startswith("First LAC review")])
visits = lac[lac["rule"].str.startswith("LAC statutory visit within")]
say(
    f"Willowbank House lasted **{willow_days} days** ({day(willow['start'])} to {day(willow['end'])}), "
    f"ending with the move to Larkspur Secure Children's Home on {day(secure['start'])}. Statutory visits "
    f"came {', '.join(str(d) for d in visits['days'].unique())} days after each placement started (met). "
    f"Her first looked-after review took **{review['working_days']} working days** against a limit of "
    f"{review['limit']} ({review['status']})."
)
assert willow_days == 65
assert secure["start"] == pd.Timestamp("2024-05-24", tz="Europe/London")
assert (visits["days"] == 6).all() and (visits["status"] == "met").all()
assert review["working_days"] == 23 and review["status"] == "breached"

# %% [markdown]
# Was her family told when she left hospital? Both discharges record the mother being informed, and
# `c.missing()` lists neither discharge:

# %%
discharges = events(c, event_type="discharge")
display(discharges[["start", "agency", "description"]])
assert len(discharges) == 2
assert not missing["expectation"].str.contains("hospital discharge").any()

# %% [markdown]
# ## 5. Was Cassie seen and heard?
#
# `c.voice()` counts, per agency, the events where the child was seen and where the child's views were
# recorded (a views column, or her words quoted in the record's own views field).

# %%
voice = c.voice(freq="Y").groupby("agency", observed=True)[["events", "seen", "heard"]].sum()
voice["share_heard"] = (voice["heard"] / voice["events"]).round(2)
voice

# %%
cplot.voice_strip(c)

# %%
seen_alone = int((c.events["Seen alone (Y/N)"] == "Y").sum())
say(
    f"Cassie's views are recorded at **{share(int(voice['heard'].sum()), int(voice['events'].sum()))}** of "
    f"events: children's social care {voice.loc['csc', 'heard']} of {voice.loc['csc', 'events']}, CAMHS "
    f"{voice.loc['health_camhs', 'heard']} of {voice.loc['health_camhs', 'events']}. Police, hospital, "
    f"placements and school have no views column (the hospital and school quote her in the text). "
    f"Children's social care saw her alone **{seen_alone} times**."
)
assert voice["heard"].sum() == 19 and voice["events"].sum() == 95
assert voice.loc["csc", ["events", "heard"]].tolist() == [28, 13]
assert voice.loc["health_camhs", ["events", "heard"]].tolist() == [14, 6]
assert seen_alone == 9

# %% [markdown]
# ## 6. Gaps and double entries
#
# The longest stretch with no agency recording anything came after the school's call to the front door
# in December, when the case was signposted to Early Help. Some dates there are only weeks, so the gap is
# approximate; counting only exactly dated events it is longer.

# %%
cplot.gap_chart(c, min_days=14, title="Cassie")

# %%
gap = c.gaps().iloc[0]
exact = c.gaps(exact_only=True).iloc[0]
dups = c.duplicates()
say(
    f"Longest gap: **{gap['days']} days** ({'approximate' if gap['approximate'] else 'exact'}, to "
    f"{day(gap['end'])}); counting only exactly dated events, **{exact['days']} days** "
    f"({day(exact['start'])} to {day(exact['end'])}). `c.duplicates()` finds **{dups['group'].nunique()} "
    "events recorded by two agencies** (the same meeting or call told twice): worth merging before counting."
)
assert gap["days"] == 29 and bool(gap["approximate"])
assert exact["days"] == 37
assert dups["group"].nunique() == 8
dups[["group", "agency", "start", "event_type", "description"]]

# %% [markdown]
# ## 7. Learning themes in the record
#
# `c.tag()` tags each event with the brief's themes, from the record's wording and from the metrics
# above (a breached timescale, a missing follow-up). Concerns and strengths are counted separately.

# %%
c = c.tag()
c.themes()[["label", "concern", "strength", "events", "agencies"]]

# %%
cplot.theme_matrix(c, title="Cassie: events tagged with each learning theme, by agency")

# %%
c.top_themes()[["rank", "label", "concern", "strength", "evidence"]]

# %% [markdown]
# ## 8. Reflective supervision prompts
#
# The brief asks teams to move beyond task completion to the quality, intent and impact of what they did.
# `c.prompts()` turns the strongest evidence for each theme into a question, quoting the dated record, for
# supervision, team debriefs and case audits.

# %%
prompts = c.prompts()
labels = c.themes().set_index("theme")["label"]
lines = []
for theme, group in prompts.groupby("theme", sort=False):
    lines.append(f"**{labels.get(theme, theme)}**\n")
    lines.extend(f"- {p}" for p in group["prompt"])
    lines.append("")
say("\n".join(lines))
assert len(prompts) > 0
assert prompts["theme"].nunique() >= 3
