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
# # Camille: placement breakdown, crisis response and unseen harm
#
# *From the learning brief "Seeing the Whole Child":* Camille was placed in emergency accommodation due
# to an urgent lack of suitable placements. The environment failed to meet her complex needs, resulting
# in multiple police callouts and hospital admissions. The case prompted questions about national
# placement sufficiency and local agency coordination.
#
# The brief's learning themes for Camille are:
#
# 1. her voice became lost amidst urgency and structural limitations;
# 2. systemic strain on placements left professionals to make difficult compromises;
# 3. a reactive rather than trauma-informed response, escalating Camille's vulnerabilities.
#
# This notebook rebuilds the chronology from the agency files, measures what happened in each place
# Camille lived, and looks for her voice in the record. Every number is computed from the files; the
# `assert` lines check the key findings against `data/samples/camille/FACTS.md`. The case and all its
# data are fictional.

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import chronology as chron
import chronology.plot as cplot
from chronology.plot.style import agency_label

pd.set_option("display.max_colwidth", 110)
LONDON = "Europe/London"


def say(text: str) -> None:
    """Show a sentence built from computed values as formatted text."""
    display(Markdown(text))


def day(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts:%B %Y}"


def agencies(values: pd.Series) -> str:
    return ", ".join(agency_label(a) for a in pd.unique(values.astype(str)))


def share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({part / whole:.0%})"


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
# Six agency files hold seven tables. The placements workbook has two sheets, the council's commissioning
# log and the provider's own incident log; children's social care sent a Word document whose table breaks
# across pages, the second part without a header row. Both are read without any option.

# %%
c = chron.read_case(chron.samples.path("camille"))
c.provenance[["source", "source_sheet", "agency", "format", "rows_read", "events", "rejects", "header_row"]]

# %%
per_file = c.events.groupby("source")["event_id"].count()
sheets = c.events[c.events["source"] == "placements.xlsx"]["source_sheet"].value_counts()
say(
    f"**{len(c)} events** from {c.provenance['source'].nunique()} files ({len(c.provenance)} tables), "
    f"{day(c.events['start'].min())} to {day(c.events['start'].max())}; {len(c.rejects)} rows rejected."
)
assert len(c) == 85
assert c.rejects.empty
assert per_file.to_dict() == {
    "police.csv": 20, "placements.xlsx": 17, "hospital.xlsx": 8,
    "csc.docx": 20, "camhs.docx": 12, "education.csv": 8,
}
assert sheets.to_dict() == {"Provider log": 9, "Commissioning": 8}

# %% [markdown]
# ## 2. The timeline
#
# The upper panel zooms on the emergency placements, from the end of the foster placement on 15 January
# to the move to a registered home on 26 April 2024.

# %%
c.timeline(detail=("2024-01-14", "2024-04-28"))

# %% [markdown]
# ## 3. Where Camille lived
#
# The commissioning log records each placement as a span (start date, end date). With the foster home
# before them, they divide the record into four periods.

# %%
placed = events(c, event_type="placement_start", agency="placements").sort_values("start")
foster_end = one(events(c, event_type="placement_end", agency="csc", text="^Foster placement ended"))
record_start = c.events["start"].min().normalize()
record_end = c.events["start"].max().normalize() + pd.Timedelta(days=1)
phases = pd.DataFrame({
    "setting": ["Foster home", "Hotel (unregistered)", "Crestway Lodge (unregistered)", "Hawthorn House (registered)"],
    "start": [record_start, *placed["start"]],
    "end": [foster_end["start"], *placed["end"].fillna(record_end)],
})
phases["days"] = (phases["end"].dt.date - phases["start"].dt.date).map(lambda d: d.days)
phases["weeks"] = (phases["days"] / 7).round(1)
display(placed[["start", "end", "description"]])
phases

# %%
crest = phases.iloc[2]
hotel = phases.iloc[1]
approached = events(c, agency="placements", text="providers approached")
n_approached = int(approached["description"].str.extract(r"(\d+) providers approached")[0].iloc[0])
say(
    f"When the foster placement ended on **{day(foster_end['start'])}**, {n_approached} providers were "
    f"approached and none could take her. Camille spent **{hotel['days']} days** in a hotel with agency "
    f"workers, then **{crest['days']} days ({crest['days'] // 7} weeks)** at Crestway Lodge, an unregistered "
    f"flat with rotating agency staff, before moving to Hawthorn House, a registered therapeutic home, on "
    f"**{day(phases.iloc[3]['start'])}**."
)
assert n_approached == 31
assert hotel["days"] == 4
assert crest["start"] == pd.Timestamp("2024-01-19", tz=LONDON)
assert crest["end"] == pd.Timestamp("2024-04-26", tz=LONDON)
assert crest["days"] == 98

# %% [markdown]
# ### Theme 3: callouts and admissions, week by week
#
# Each event is placed in the setting where Camille was living at the time. Police callouts, missing
# episodes, arrests and hospital care per setting, and per week there:

# %%
ev = c.events.copy()
ev["setting"] = phases["setting"].to_numpy()[
    np.searchsorted(phases["start"].to_numpy(), ev["start"].to_numpy(), side="right") - 1
]
police = ev[ev["agency"] == "police"]
hospital = ev[(ev["agency"] == "health_acute") & ev["event_type"].isin(["admission", "attendance"])]
per_setting = pd.DataFrame({
    "police callouts": police[police["event_type"] == "police_callout"].groupby("setting").size(),
    "missing episodes": police[police["event_type"] == "missing_episode"].groupby("setting").size(),
    "arrests": police[police["action"].str.contains("arrested", na=False)].groupby("setting").size(),
    "hospital admissions": hospital[hospital["event_type"] == "admission"].groupby("setting").size(),
    "ED attendances": hospital[hospital["event_type"] == "attendance"].groupby("setting").size(),
}).reindex(phases["setting"]).fillna(0).astype(int)
weekly = (per_setting["police callouts"] / (phases.set_index("setting")["days"] / 7)).round(2)
per_setting.assign(**{"callouts per week": weekly})

# %%
crisis = c.filter(
    (chron.Match(agency="police", event_type=["police_callout", "missing_episode"])
     | chron.Match(agency="health_acute", event_type=["admission", "attendance"])).mask
)
cplot.activity_heatmap(crisis, freq="W", title="Camille: police callouts, missing episodes and hospital care per week")

# %%
at_crest = per_setting.loc[crest["setting"]].astype(int)
arrests = police[police["action"].str.contains("arrested", na=False)]
say(
    f"At Crestway Lodge police were called **{at_crest['police callouts']} times in {crest['days']} days "
    f"({weekly[crest['setting']]} a week)**, with {at_crest['missing episodes']} missing-person reports "
    f"and **{at_crest['arrests']} arrests** ({', '.join(f'{d.day} {d:%b}' for d in arrests['start'])}). "
    f"There were {per_setting.loc['Foster home', 'police callouts']} callout at the foster home and "
    f"**{per_setting.loc['Hawthorn House (registered)', 'police callouts']}** after the move to Hawthorn House. "
    f"All {at_crest['hospital admissions']} hospital admissions and {at_crest['ED attendances']} ED "
    "attendances happened while she lived at Crestway."
)
assert at_crest["police callouts"] == 13
assert weekly[crest["setting"]] == 0.93
assert per_setting.loc["Foster home", "police callouts"] == 1
assert per_setting.loc["Hawthorn House (registered)", "police callouts"] == 0
assert at_crest["missing episodes"] == 3
assert arrests["start"].dt.strftime("%m-%d").tolist() == ["02-02", "03-09", "04-19"]
assert (at_crest["hospital admissions"], at_crest["ED attendances"]) == (3, 2)
assert per_setting[["hospital admissions", "ED attendances"]].sum().sum() == 5

# %% [markdown]
# On 12 March CAMHS set out a trauma-informed plan: consistent staff, no police for property damage, a
# safe space. Did the callouts change after it?

# %%
plan = one(events(c, agency="health_camhs", event_type="meeting", text="trauma-informed plan"))
callouts = police[(police["event_type"] == "police_callout") & (police["setting"] == crest["setting"])]
after_plan = callouts[callouts["start"] > plan["start"]]
after_plan[["start", "description", "action"]]

# %%
say(
    f"**{len(after_plan)} of the {len(callouts)} Crestway callouts came after the plan of "
    f"{day(plan['start'])}**, including the night of {day(after_plan.loc[after_plan['description'].str.contains('handcuffed'), 'start'].iloc[0])} "
    "when officers restrained and handcuffed her and she was arrested."
)
assert len(after_plan) == 6
assert after_plan["description"].str.contains("handcuffed").any()

# %% [markdown]
# The A&E standard was breached once, at the attendance of 12 April:

# %%
breaches = c.breaches()
ae = breaches[breaches["rule"].str.startswith("A&E 4-hour")]
ae[["rule", "start", "end", "hours", "limit", "status"]]

# %%
late_ed = one(ae[ae["status"] == "breached"])
assert late_ed["start"] == pd.Timestamp("2024-04-12 22:50", tz=LONDON)
assert round(late_ed["hours"], 2) == round(5 + 10 / 60, 2)

# %% [markdown]
# ### Reactive, not joined up
#
# `c.missing()` lists the follow-ups the record should show and does not: children's social care told of
# each police callout within 24 hours, a return home interview within 72 hours of each missing episode,
# an outcome to each escalation, a statutory visit within a week of each move, a parent told of each
# discharge.

# %%
missing = c.missing()
missing["setting"] = phases["setting"].to_numpy()[
    np.searchsorted(phases["start"].to_numpy(), missing["start"].to_numpy(), side="right") - 1
]
missing.groupby(["expectation", "status"]).size().unstack(fill_value=0)

# %%
told = missing[missing["expectation"].str.startswith("Children's social care told of a police callout")]
told_crest = told[told["setting"] == crest["setting"]]
heard = sorted(set(callouts["start"]) - set(told_crest["start"]))
rhi = missing[missing["expectation"].str.startswith("Return home interview")]
rhi_crest = rhi[rhi["setting"] == crest["setting"]]
december = one(rhi[rhi["start"] < pd.Timestamp("2024-01-01", tz=LONDON)])
say(
    f"Children's social care has a record within 24 hours of **only {len(callouts) - len(told_crest)} of the "
    f"{len(callouts)} Crestway callouts** ({day(heard[0])}, via the hospital). **None of the "
    f"{len(rhi_crest)} missing episodes from Crestway** ({', '.join(f'{d.day} {d:%b}' for d in rhi_crest['start'])}) "
    f"was followed by a return home interview; after the December episode one was offered "
    f"{(december['next_start'].normalize() - december['start'].normalize()).days} days later."
)
assert len(told_crest) == 12 and len(told) == 13
assert heard == [pd.Timestamp("2024-02-06 23:10", tz=LONDON)]
assert len(rhi_crest) == 3 and (rhi_crest["status"] == "not_recorded").all()
assert december["status"] == "late"
assert (december["next_start"].normalize() - december["start"].normalize()).days == 5

# %% [markdown]
# The statutory visits and the IRO's escalation, against their timescales:

# %%
iro_frame = c.intervals(chron.Interval(
    "IRO escalation to outcome",
    start=chron.Match(event_type="escalation", agency="csc", text="IRO formal escalation"),
    end=chron.Match(event_type="escalation", text="Escalation outcome"),
    limit="10 working days",
    source="Local escalation protocol default (fictional)",
))
iro = one(iro_frame)
visits = breaches[breaches["rule"].str.startswith("LAC statutory visit")].drop_duplicates(["rule", "start", "end"])
timescales = pd.concat([visits, iro_frame], ignore_index=True)
timescales[["rule", "start", "end", "days", "working_days", "limit", "status"]]

# %%
cplot.interval_chart(timescales, title="Camille: statutory visits and the IRO's escalation")

# %%
visit_gap = one(visits[(visits["rule"] == "LAC statutory visits at most every 6 weeks") & (visits["status"] == "breached")])
hotel_visit = one(missing[missing["expectation"].str.startswith("Statutory visit within 1 week")])
cancelled = one(events(c, agency="csc", text="^Visit cancelled"))
discharge = one(missing[missing["expectation"].str.contains("hospital discharge")])
strategy = events(c, event_type="strategy_meeting")
males = one(events(c, agency="police", event_type="police_callout", text="older males"))
say(
    f"- **No statutory visit while she was at the hotel**: the first came on {day(hotel_visit['next_start'])}, "
    f"{(hotel_visit['next_start'] - hotel_visit['start']).days} days after the move of {day(hotel_visit['start'])}.\n"
    f"- **{visit_gap['days']} days without a statutory visit**, {day(visit_gap['start'])} to "
    f"{day(visit_gap['end'])}, against the 6-week timescale; the visit of {day(cancelled['start'])} was "
    "cancelled and not rearranged.\n"
    f"- The IRO's formal escalation of {day(iro['start'])} had its outcome on {day(iro['end'])}: "
    f"**{iro['days']} days, {iro['working_days']} working days** against a 10 working day default; the "
    "hospital's escalation of 19 March waited for the same outcome.\n"
    f"- After the overdose admission, the discharge of {day(discharge['start'])} records no parent told "
    f"(status {discharge['status']}).\n"
    f"- Good practice: a strategy discussion on {day(strategy['start'].min())}, "
    f"{(strategy['start'].min().normalize() - males['start'].normalize()).days} days after older males were "
    f"found in her flat, recorded by {agencies(strategy['agency'])}."
)
assert hotel_visit["start"] == pd.Timestamp("2024-01-15", tz=LONDON)
assert (hotel_visit["next_start"] - hotel_visit["start"]).days == 9
assert visit_gap["days"] == 66 and visit_gap["start"] == pd.Timestamp("2024-02-26", tz=LONDON)
assert iro["days"] == 30 and iro["working_days"] == 20
assert discharge["start"] == pd.Timestamp("2024-04-23 12:00", tz=LONDON)
assert discharge["status"] == "not_recorded"
assert (strategy["start"].min().normalize() - males["start"].normalize()).days == 2

# %% [markdown]
# ## 4. Theme 1: her voice
#
# Was Camille seen, and are her views in the record? Overall, per agency, and per setting:

# %%
voice = c.voice(freq="Y").groupby("agency", observed=True)[["events", "seen", "heard"]].sum()
voice

# %%
by_setting = ev.groupby("setting", sort=False).agg(
    events=("event_id", "size"),
    seen=("child_seen", lambda s: int((s == True).sum())),  # noqa: E712
    views_recorded=("child_voice", lambda s: int(s.notna().sum())),
).reindex(phases["setting"])
by_setting["share_with_views"] = (by_setting["views_recorded"] / by_setting["events"]).round(2)
by_setting

# %%
cplot.voice_strip(c)

# %%
crest_voice = by_setting.loc[crest["setting"]]
say(
    f"Camille's views are recorded at **{share(int(voice['heard'].sum()), int(voice['events'].sum()))}** of "
    f"events: children's social care {voice.loc['csc', 'heard']} of {voice.loc['csc', 'events']}, CAMHS "
    f"{voice.loc['health_camhs', 'heard']} of {voice.loc['health_camhs', 'events']}. At Crestway Lodge, "
    f"where the record is busiest, only **{share(int(crest_voice['views_recorded']), int(crest_voice['events']))}** "
    f"record her views, and she was seen by a professional at {crest_voice['seen']} of them."
)
assert voice["heard"].sum() == 12 and voice["events"].sum() == 85
assert voice.loc["csc", ["events", "heard"]].tolist() == [20, 7]
assert voice.loc["health_camhs", ["events", "heard"]].tolist() == [12, 5]
assert crest_voice["events"] == 62 and crest_voice["views_recorded"] == 3
assert crest_voice["seen"] == 7

# %% [markdown]
# `c.silences()` finds the longest stretches with the child not seen or not heard, and counts the events
# the agencies recorded about her meanwhile.

# %%
silences = c.silences()
quiet = silences[silences["kind"] == "not_heard"].sort_values("days", ascending=False)
quiet[["kind", "start", "end", "days", "events_in_stretch"]].head(4)

# %%
first, second = quiet.iloc[0], quiet.iloc[1]
say(
    f"The longest stretch with her views not recorded lasted **{first['days']} days**, {day(first['start'])} "
    f"to {day(first['end'])}, while the agencies recorded **{first['events_in_stretch']} events** about her: "
    f"the arrests, the ligature, the trauma-informed plan, the escalation. The next longest, "
    f"{second['days']} days from {day(second['start'])} to {day(second['end'])}, spans the move to Crestway."
)
assert first["days"] == 48
assert first["start"] == pd.Timestamp("2024-03-05", tz=LONDON)
assert first["end"] == pd.Timestamp("2024-04-22", tz=LONDON)
assert first["events_in_stretch"] == 27
assert second["days"] == 47 and second["start"] == pd.Timestamp("2024-01-10", tz=LONDON)

# %% [markdown]
# What she said, when she was asked:

# %%
ev.loc[ev["child_voice"].notna(), ["start", "setting", "agency", "child_voice"]]

# %% [markdown]
# ## 5. Education: a college place lost to distance
#
# The college record (month- and week-dated entries):

# %%
college = events(c, agency="education")
display(college[["start", "precision", "description", "action"]])
withdrew = one(events(c, agency="education", text="withdrew"))
say(
    f"Crestway Lodge was 14 miles from her college and no transport was arranged; the college withdrew her "
    f"place in **{withdrew['start']:%B %Y}** (a month-precise date). Tutoring began at Hawthorn House and she "
    "chose a September course."
)
assert str(withdrew["precision"]) == "month"
assert withdrew["start"] == pd.Timestamp("2024-03-01", tz=LONDON)

# %% [markdown]
# ## 6. Double entries
#
# The provider's incident log and the police file often tell the same callout:

# %%
dups = c.duplicates()
pairs = dups.groupby("group")["agency"].agg(lambda s: " + ".join(sorted(s.astype(str))))
say(
    f"`c.duplicates()` finds **{dups['group'].nunique()} events recorded by two agencies**; "
    f"{int((pairs == 'placements + police').sum())} of them are callouts in both the provider log and the "
    "police file. Counting callouts from the police file alone, as above, avoids double counting."
)
assert dups["group"].nunique() == 10
assert (pairs == "placements + police").sum() == 5
dups[["group", "agency", "start", "event_type", "description"]]

# %% [markdown]
# ## 7. Learning themes in the record

# %%
c = c.tag()
c.themes()[["label", "concern", "strength", "events", "agencies"]]

# %%
cplot.theme_matrix(c, by="period", freq="M", title="Camille: events tagged with each learning theme, by month")

# %%
c.top_themes()[["rank", "label", "concern", "strength", "evidence"]]

# %% [markdown]
# ## 8. Reflective supervision prompts
#
# Questions for supervision, team debriefs and case audits, each quoting the dated record
# (`c.prompts()`).

# %%
prompts = c.prompts()
labels = c.themes().set_index("theme")["label"]
lines = []
for theme, group in prompts.groupby("theme", sort=False):
    lines.append(f"**{labels.get(theme, theme)}**\n")
    lines.extend(f"- {p}" for p in group["prompt"].drop_duplicates())
    lines.append("")
say("\n".join(lines))
assert len(prompts) > 0
assert prompts["theme"].nunique() >= 3
