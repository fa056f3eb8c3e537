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
# # Seeing the whole child: the three cases together
#
# *From the learning brief:* "A review of the Cassie, Carlos, and Camille cases identifies consistent
# patterns that expose systemic vulnerabilities. These are not isolated failings but indicators of
# broader practice challenges requiring collective ownership and deliberate change."
#
# This notebook puts the three integrated chronologies side by side: aligned on each child's crisis point,
# the child's voice compared, the learning themes across cases, and the brief's four cross-cutting
# reflections, each tested against the records. The case notebooks (`01_cassie`, `02_carlos`,
# `03_camille`) hold the detail. All three cases and their data are fictional.

# %%
import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown, display

import chronology as chron
import chronology.plot as cplot
from chronology.plot.style import agency_color, agency_label

pd.set_option("display.max_colwidth", 100)
LONDON = "Europe/London"


def say(text: str) -> None:
    """Show a sentence built from computed values as formatted text."""
    display(Markdown(text))


def day(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts:%B %Y}"


def share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({part / whole:.0%})"


# %% [markdown]
# ## 1. Three cases, one table
#
# Each case is read from its agency files (`chron.samples.load(name)` is `read_case` on the bundled
# folder), then `chron.combine` stacks them into one chronology whose `case_id` keeps them apart. Every
# metric works per case on the combined table.

# %%
names = chron.samples.names()
cases = {name: chron.samples.load(name) for name in names}
both = chron.combine(list(cases.values()))
ev = both.events
overview = pd.DataFrame({
    "title": [cases[n].title for n in names],
    "events": ev.groupby("case_id").size().reindex(names),
    "agencies": ev.groupby("case_id")["agency"].nunique().reindex(names),
    "first": ev.groupby("case_id")["start"].min().dt.date.reindex(names),
    "last": ev.groupby("case_id")["start"].max().dt.date.reindex(names),
    "rejects": [len(cases[n].rejects) for n in names],
}, index=pd.Index(names, name="case"))
overview

# %%
assert overview["events"].tolist() == [95, 71, 85]
assert overview["rejects"].sum() == 0

# %% [markdown]
# ## 2. Aligned on the crisis point
#
# Each child's crisis met the system at a different door: Cassie's arrival in the emergency department
# after an overdose, Carlos's after the attack, the sudden end of Camille's foster placement. One `Match`
# finds all three; `chronology.plot.align` puts each case's first matching event at day 0 and shows the
# two months either side.

# %%
crisis = chron.Match(
    event_type=["attendance", "placement_end"], text="overdose|stab wound|^Foster placement ended"
)
day0 = crisis(ev).groupby("case_id").head(1).set_index("case_id").reindex(names)
day0[["start", "agency", "event_type", "description"]]

# %%
cplot.align(
    list(cases.values()), on=crisis, window_days=60,
    title="Cassie, Carlos and Camille aligned on their crisis point (day 0), 60 days either side",
)

# %%
offset = (ev["start"] - ev["case_id"].map(day0["start"])) / pd.Timedelta(days=1)
ev = ev.assign(
    offset_days=offset,
    window=pd.cut(offset, [-30, 0, 30], right=False, labels=["30 days before", "30 days after"]),
    heard=ev["child_voice"].notna(),
)
around = ev.dropna(subset=["window"]).pivot_table(
    index="case_id", columns="window", values=["event_id", "agency", "heard"],
    aggfunc={"event_id": "size", "agency": "nunique", "heard": "sum"}, observed=False,
).reindex(names)
measure = {"event_id": "events", "agency": "agencies", "heard": "views recorded"}
around.columns = [f"{w}: {measure[m]}" for m, w in around.columns]
around

# %%
before = around.filter(like="before: events").iloc[:, 0]
after = around.filter(like="after: events").iloc[:, 0]
say(
    "In the 30 days after the crisis the agencies recorded "
    + ", ".join(f"**{after[n]}** events about {n.title()} (against {before[n]} in the 30 days before)" for n in names)
    + ". Activity rises sharply at the crisis; the share of events recording the child's own views does not "
    "rise with it (section 3)."
)
assert day0.loc["cassie", "start"] == pd.Timestamp("2024-03-04 14:10", tz=LONDON)
assert day0.loc["carlos", "start"] == pd.Timestamp("2024-10-12 22:31", tz=LONDON)
assert day0.loc["camille", "start"] == pd.Timestamp("2024-01-15", tz=LONDON)
assert (after > before).all()

# %% [markdown]
# ## 3. The child's voice, compared
#
# `voice()` on the combined chronology gives, per case and agency, the events where the child was seen
# and where the child's views were recorded.

# %%
voice = both.voice(freq="Y")
by_case = voice.groupby("case_id")[["events", "seen", "heard"]].sum().reindex(names)
by_case["share_heard"] = (by_case["heard"] / by_case["events"]).round(2)
by_case

# %%
by_agency = voice.groupby(["case_id", "agency"], observed=True)[["events", "heard"]].sum().reset_index()
by_agency["share"] = by_agency["heard"] / by_agency["events"]
fig = go.Figure([
    go.Bar(
        name=agency_label(a), x=g["case_id"].str.title(), y=g["share"], marker_color=agency_color(a),
        text=g["heard"].astype(str) + "/" + g["events"].astype(str), textposition="outside",
    )
    for a, g in by_agency.groupby("agency", observed=True)
])
fig.update_layout(
    title="Share of each agency's events that record the child's views (label: events with views / events)",
    barmode="group", yaxis={"tickformat": ".0%", "range": [0, 1], "title": "events with the child's views"},
    template="simple_white", height=420, legend_title_text="Agency",
    xaxis={"categoryorder": "array", "categoryarray": [n.title() for n in names]},
)
fig

# %% [markdown]
# The longest stretch in each case between two events that record the child's views (`silences()`,
# kind `not_heard`), and how many events the agencies recorded about the child meanwhile:

# %%
silences = both.silences()
longest = (
    silences[(silences["kind"] == "not_heard") & ~silences["open_start"] & ~silences["open_end"]]
    .sort_values("days", ascending=False)
    .groupby("case_id").head(1).set_index("case_id").reindex(names)
)
longest[["start", "end", "days", "events_in_stretch"]]

# %%
say(
    "The child's views are recorded at "
    + "; ".join(f"{share(int(by_case.loc[n, 'heard']), int(by_case.loc[n, 'events']))} of {n.title()}'s events" for n in names)
    + ". In every case only two agencies (children's social care and CAMHS or youth justice) have anywhere "
    "to write them; police, hospital, placements and school records hold none in a views column. "
    "The longest stretches with no views recorded: "
    + "; ".join(f"{n.title()} {longest.loc[n, 'days']} days ({longest.loc[n, 'events_in_stretch']} events meanwhile)" for n in names)
    + "."
)
assert by_case["heard"].tolist() == [19, 13, 12]
assert by_case["events"].tolist() == [95, 71, 85]
assert longest.loc["camille", "days"] == 48 and longest.loc["camille", "events_in_stretch"] == 27
assert (by_agency.groupby("case_id")["heard"].apply(lambda s: (s > 0).sum()) == 2).all()

# %% [markdown]
# ## 4. Themes across the cases
#
# `combine` then `tag` tags the three records with the same taxonomy; `themes(by="case")` counts them per
# case (events tagged with concerns, and with strengths).

# %%
tagged = both.tag()
themes = tagged.themes(by="case")
matrix = themes.pivot_table(index="label", columns="case_id", values="concern", aggfunc="sum", fill_value=0)[names]
matrix = matrix.assign(total=matrix.sum(axis=1)).sort_values("total", ascending=False)
matrix

# %%
heat = go.Figure(go.Heatmap(
    z=matrix[names].to_numpy(), x=[n.title() for n in names], y=matrix.index.tolist(),
    text=matrix[names].to_numpy(), texttemplate="%{text}", colorscale="Oranges",
    colorbar={"title": "concern tags"},
))
heat.update_layout(
    title="Learning themes across the three cases: events tagged as a concern",
    yaxis={"autorange": "reversed"}, height=460, template="simple_white",
)
heat

# %%
tagged.top_themes(n=3)[["case_id", "rank", "label", "concern", "evidence"]]

# %%
top = themes.sort_values("concern", ascending=False).groupby("case_id").head(1).set_index("case_id").reindex(names)
say(
    "The theme with most concerns: "
    + "; ".join(f"{n.title()}: **{top.loc[n, 'label']}** ({top.loc[n, 'concern']})" for n in names)
    + f". Across the three, **{matrix.index[0]}** leads with {matrix['total'].iloc[0]} concern tags."
)
assert set(themes["case_id"]) == set(names)
assert (matrix["total"] > 0).sum() >= 4

# %% [markdown]
# ## 5. The four cross-cutting reflections, from the data
#
# ### Reflection 1: centring the child's voice is not optional
#
# *"Actively seeking the child's voice, especially during transitions or crisis points."* For each child,
# the period of crisis (Cassie's sixteen days in the ED; Carlos's night from the attack to his release
# from custody; Camille's fourteen weeks at Crestway Lodge) against the rest of the record:

# %%
def _one(frame: pd.DataFrame) -> pd.Series:
    assert len(frame) == 1, frame
    return frame.iloc[0]


cassie_stay = _one(chron.Match(event_type="attendance", text="overdose")(cases["cassie"].events))
crest = _one(chron.Match(event_type="placement_start", agency="placements", text="^Placement started at Crestway")(cases["camille"].events))
periods = pd.DataFrame({
    "crisis period": ["in the emergency department", "attack to release from custody", "at Crestway Lodge"],
    "start": [cassie_stay["start"], pd.Timestamp("2024-10-12 21:00", tz=LONDON), crest["start"]],
    "end": [cassie_stay["end"], pd.Timestamp("2024-10-13 14:00", tz=LONDON), crest["end"]],
}, index=pd.Index(names, name="case_id"))
start, end = ev["case_id"].map(periods["start"]), ev["case_id"].map(periods["end"])
# Crestway ends on the morning of the move to Hawthorn House: that day belongs to the new home
inside = (ev["start"] >= start) & ((ev["start"] < end) | ((ev["start"] == end) & (ev["case_id"] != "camille")))
crisis_voice = ev.assign(inside=inside).groupby(["case_id", "inside"])["heard"].agg(["size", "sum"]).unstack()
periods["events in crisis"] = crisis_voice[("size", True)]
periods["views in crisis"] = crisis_voice[("sum", True)]
periods["share in crisis"] = (periods["views in crisis"] / periods["events in crisis"]).round(2)
periods["share otherwise"] = (crisis_voice[("sum", False)] / crisis_voice[("size", False)]).round(2)
periods

# %%
planning = ev[ev["event_type"].isin(["meeting", "strategy_meeting", "review"])]
part = planning.groupby("case_id").agg(
    meetings=("event_id", "size"), child_seen=("child_seen", lambda s: int((s == True).sum())),  # noqa: E712
    views_recorded=("heard", "sum"),
).reindex(names)
part

# %%
say(
    "In each case the child's views are recorded **less often during the crisis than at other times**: "
    + "; ".join(f"{n.title()} {periods.loc[n, 'share in crisis']:.0%} against {periods.loc[n, 'share otherwise']:.0%}" for n in names)
    + ". Of the meetings, strategy discussions and reviews about them, the child's views are recorded at "
    + ", ".join(f"{part.loc[n, 'views_recorded']} of {part.loc[n, 'meetings']} ({n.title()})" for n in names)
    + "."
)
assert periods.loc["carlos", "views in crisis"] == 0
assert (periods["events in crisis"].tolist(), periods.loc["camille", "views in crisis"]) == ([39, 19, 62], 3)
assert (periods["share in crisis"] < periods["share otherwise"]).all()

# %% [markdown]
# ### Reflection 2: professional curiosity requires depth, not just compliance
#
# *"A plan being in place does not mean it is effective."* Each case had a plan or protocol on paper.
# What the record shows next:

# %%
cassie_fit = _one(chron.Match(agency="health_acute", text="^Medically fit")(cases["cassie"].events))
cassie_meeting = _one(cases["cassie"].missing(chron.Expect(
    "Multi-agency meeting within 72 hours of medically fit", after=chron.Match(agency="health_acute", text="^Medically fit"),
    within="72 hours", then=chron.Match(event_type="meeting"),
)))
carlos_plan = chron.Match(event_type="meeting", text="safety plan agreed")(cases["carlos"].events)
carlos_missing = cases["carlos"].missing()
carlos_family = carlos_missing[carlos_missing["expectation"].str.startswith("Parent or family")]
camille_plan = _one(chron.Match(agency="health_camhs", event_type="meeting", text="trauma-informed plan")(cases["camille"].events))
camille_callouts = chron.Match(agency="police", event_type="police_callout", text="Crestway")(cases["camille"].events)
after_plan = camille_callouts[camille_callouts["start"] > camille_plan["start"]]
plans = pd.DataFrame({
    "plan": [
        "Joint crisis protocol: multi-agency meeting within 72 hours of medically fit",
        f"Safety plan agreed by {carlos_plan['agency'].nunique()} agencies: tell his mother and social worker straight away",
        "CAMHS trauma-informed plan: consistent staff, no police for property damage",
    ],
    "in place from": [cassie_fit["start"], carlos_plan["start"].max(), camille_plan["start"]],
    "what followed": [
        f"first meeting {(cassie_meeting['next_start'].normalize() - cassie_fit['start'].normalize()).days} days later ({cassie_meeting['status']})",
        f"{len(carlos_family)} follow-ups to his family missing or late (discharge, arrest, custody, interview)",
        f"{len(after_plan)} of {len(camille_callouts)} police callouts came after it, "
        f"{int(after_plan['action'].str.contains('arrested').sum())} ending in arrest",
    ],
}, index=pd.Index(names, name="case_id"))
plans

# %% [markdown]
# *"Biases, such as adultification and criminalisation, undermine safeguarding by reframing vulnerability
# as culpability."* Police actions that treat the child as an offender, by case:

# %%
police = ev[ev["agency"] == "police"]
criminal = pd.DataFrame({
    "arrests": police.groupby("case_id")["action"].apply(lambda s: int(s.str.contains("arrested", na=False).sum()))
    + police.groupby("case_id")["event_type"].apply(lambda s: int((s == "arrest").sum())),
    "records calling the child a suspect": police.groupby("case_id")["description"].apply(lambda s: int(s.str.contains("suspect").sum())),
    "curiosity concerns (tags)": themes[themes["theme"] == "professional_curiosity"].set_index("case_id")["concern"],
}).reindex(names).fillna(0).astype(int)
criminal

# %%
say(
    f"Carlos, stabbed, was treated as a robbery suspect and arrested on the ward; the robbery case ended in "
    f"no further action. Camille, in a placement that could not meet her needs, was arrested "
    f"{criminal.loc['camille', 'arrests']} times, {int(after_plan['action'].str.contains('arrested').sum())} of "
    "them after the plan that said no police for property damage."
)
assert cassie_meeting["status"] == "late"
assert (cassie_meeting["next_start"].normalize() - cassie_fit["start"].normalize()).days == 6
assert carlos_plan["agency"].nunique() == 4
assert len(after_plan) == 6
assert criminal.loc["camille", "arrests"] == 3
assert criminal.loc["carlos", "arrests"] == 1

# %% [markdown]
# ### Reflection 3: escalation must be process-led, not person-dependent
#
# Every escalation in the three records, with its route, and the first formal escalation in each case
# measured to its outcome against the protocol's 10 working days:

# %%
esc = ev[ev["event_type"] == "escalation"].copy()
text = esc["description"]
esc["route"] = "other"
esc.loc[text.str.contains("informally"), "route"] = "informal, by a personal contact"
esc.loc[text.str.contains("escalation protocol|professional challenge|IRO formal"), "route"] = "formal, under the protocol"
esc.loc[text.str.contains("^Escalation (?:outcome|response)"), "route"] = "outcome"
esc.loc[text.str.contains("^Escalation received"), "route"] = "received"
display(esc[["case_id", "start", "agency", "route", "description"]])

formal = chron.Interval(
    "First formal escalation to outcome",
    start=chron.Match(event_type="escalation", text="escalation protocol|professional challenge|IRO formal escalation",
                      exclude="^Escalation received"),
    end=chron.Match(event_type="escalation", text="^Escalation outcome|response received"),
    limit="10 working days", take=1,
    source="Local multi-agency escalation protocol default (fictional)",
)
outcomes = both.intervals(formal).set_index("case_id").reindex(names)
outcomes["days from crisis"] = [(outcomes.loc[n, "start"].normalize() - day0.loc[n, "start"].normalize()).days for n in names]
outcomes[["start", "end", "days", "working_days", "status", "days from crisis"]]

# %%
cplot.interval_chart(outcomes.reset_index(), title="First formal escalation to its outcome, by case")

# %%
say(
    "The same protocol took "
    + ", ".join(f"**{outcomes.loc[n, 'working_days']} working days** for {n.title()}" for n in names)
    + f" to produce an outcome. In Cassie's case the first escalation was informal, a phone call to a Head of "
    f"Service the matron knew, and the formal route began {outcomes.loc['cassie', 'days from crisis']} days into "
    f"her stay; Camille's IRO escalated {outcomes.loc['camille', 'days from crisis']} days after her foster "
    "placement ended."
)
assert outcomes["working_days"].tolist() == [2, 10, 20]
assert outcomes.loc["camille", "status"] == "breached"
assert (esc["route"] == "informal, by a personal contact").sum() == 1

# %% [markdown]
# ### Reflection 4: placement sufficiency and suitability are safeguarding issues
#
# *"Monitor the impact of unsuitable arrangements as active risk, not just as temporary compromises."*
# The searches for a placement, as the commissioning records tell them:

# %%
search = ev[ev["description"].str.contains(r"\d+ (?:of \d+ |further )?providers", regex=True)]
search[["case_id", "start", "agency", "description"]]

# %% [markdown]
# And what happened to the child while in the arrangement that was available rather than suitable:
# days there, and the harm and crisis responses recorded meanwhile.

# %%
hotel = _one(chron.Match(event_type="placement_start", agency="placements", text="hotel")(cases["camille"].events))
unsuitable = pd.DataFrame({
    "case_id": ["cassie", "camille", "camille"],
    "arrangement": ["emergency department (no placement)", "hotel with agency staff", "Crestway Lodge (unregistered)"],
    "start": [cassie_stay["start"], hotel["start"], crest["start"]],
    "end": [cassie_stay["end"], hotel["end"], crest["end"]],
})
unsuitable["days"] = (unsuitable["end"].dt.date - unsuitable["start"].dt.date).map(lambda d: d.days)
unsuitable["hours"] = (unsuitable["end"] - unsuitable["start"]) / pd.Timedelta(hours=1)
harm_types = ["self_harm", "police_callout", "missing_episode", "admission", "attendance"]
counted = ev[ev["event_type"].isin(harm_types) & ev["agency"].isin(["police", "health_acute"])]
for i, row in unsuitable.iterrows():
    mine = counted[(counted["case_id"] == row["case_id"]) & counted["start"].between(row["start"], row["end"], inclusive="left")]
    for t in harm_types:
        unsuitable.loc[i, t] = int((mine["event_type"] == t).sum())
unsuitable = unsuitable.astype(dict.fromkeys(harm_types, int))
unsuitable

# %%
camille_police = chron.Match(agency="police", event_type="police_callout")(cases["camille"].events)
after_move = int((camille_police["start"] >= crest["end"]).sum())
carlos = cases["carlos"].events
surgery = _one(chron.Match(event_type="surgery")(carlos))
custody = chron.Match(event_type="custody")(carlos).sort_values("start").iloc[0]
camhs_wait = _one(cases["cassie"].intervals(chron.Interval(
    "CAMHS referral to first community assessment",
    start=chron.Match(event_type="referral", agency="health_camhs"),
    end=chron.Match(event_type="assessment", agency="health_camhs", text="first community"),
)))
say(
    f"Cassie spent **{unsuitable.loc[0, 'hours']:.0f} hours** in an emergency department because no home "
    f"could take her. Camille spent **{unsuitable.loc[2, 'days']} days** at Crestway Lodge, where police "
    f"were called {unsuitable.loc[2, 'police_callout']} times and she was admitted to hospital "
    f"{unsuitable.loc[2, 'admission']} times; after she moved to a registered therapeutic home the police "
    f"were called **{after_move}** times. For Carlos the next bed was a custody cell, "
    f"{(custody['start'] - surgery['end']) / pd.Timedelta(hours=1):.2f} hours after surgery ended "
    "(`02_carlos`). The brief names delays in mental health access beside placements: Cassie waited "
    f"**{camhs_wait['days']} days** from her CAMHS referral to her first community assessment (`01_cassie`)."
)
assert unsuitable.loc[0, "hours"] == 389
assert unsuitable.loc[2, "days"] == 98
assert unsuitable.loc[2, "police_callout"] == 13
assert unsuitable.loc[2, "admission"] == 3
assert after_move == 0
assert camhs_wait["days"] == 165
assert (custody["start"] - surgery["end"]) / pd.Timedelta(hours=1) == 4.75

# %% [markdown]
# ## 6. Questions for a thematic learning event
#
# The prompts of the three cases, one per theme and case, for a multi-agency learning session:

# %%
prompts = tagged.prompts()
first = prompts.drop_duplicates(["case_id", "theme"]).merge(
    themes[["case_id", "theme", "label"]].drop_duplicates(), on=["case_id", "theme"], how="left"
)
lines = []
for label, group in first.groupby("label", sort=False):
    lines.append(f"**{label}**\n")
    lines.extend(f"- *{cid.title()}*: {p}" for cid, p in zip(group["case_id"], group["prompt"], strict=True))
    lines.append("")
say("\n".join(lines))
assert set(prompts["case_id"]) == set(names)
