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
# # Carlos: discharge failures and dual victimhood
#
# *From the learning brief "Seeing the Whole Child":* Carlos sustained injuries after being attacked by a
# group of young people, but was discharged from hospital into police custody shortly after surgery. His
# mother was not informed, and he was interviewed under general anaesthetic recovery, with a
# scheme-allocated adult instead of a family member.
#
# The brief's learning themes for Carlos are:
#
# 1. unconscious bias: Carlos's identity as a child was overshadowed by his perceived criminality;
# 2. a lack of joined-up communication meant agreed safety plans were not followed;
# 3. an insufficient safeguarding lens during critical transition points such as discharge and police
#    procedures.
#
# This notebook rebuilds the chronology from the six agency files and follows the night of 12 to 13
# October 2024 hour by hour. Every number is computed from the files; the `assert` lines check the key
# findings against `data/samples/carlos/FACTS.md`. The case and all its data are fictional.

# %%
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


def at(ts: pd.Timestamp) -> str:
    return f"{ts:%H:%M} on {ts.day} {ts:%B}"


def agencies(values: pd.Series) -> str:
    """Agency codes as their display names, in order of appearance: 'Police, Hospital (acute)'."""
    return ", ".join(agency_label(a) for a in pd.unique(values.astype(str)))


def hours(a: pd.Timestamp, b: pd.Timestamp) -> float:
    return (b - a) / pd.Timedelta(hours=1)


def hm(h: float) -> str:
    """4.333 -> '4 hours 20 minutes'."""
    whole, minutes = divmod(round(h * 60), 60)
    return f"{whole} hours {minutes} minutes" if minutes else f"{whole} hours"


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
# Six files: ambulance and police as CSV, the hospital and children's social care as Excel, the youth
# justice service and the school as Word tables. The police file keeps the end of custody and of the
# interview in an `End Date/Time` column; `case.toml` maps it (`columns = { "End Date/Time" = "end_date" }`)
# so that custody and the interview become spans with a start and an end.

# %%
c = chron.read_case(chron.samples.path("carlos"))
c.provenance[["source", "source_sheet", "agency", "format", "rows_read", "events", "rejects", "mapping"]]

# %%
per_file = c.events.groupby("source")["event_id"].count()
say(
    f"**{len(c)} events** from {len(c.provenance)} tables in {c.provenance['source'].nunique()} files, "
    f"{day(c.events['start'].min())} to {day(c.events['start'].max())}; {len(c.rejects)} rows rejected."
)
assert len(c) == 71
assert c.rejects.empty
assert per_file.to_dict() == {
    "ambulance.csv": 5, "hospital.xlsx": 10, "police.csv": 18,
    "csc.xlsx": 16, "youth_justice.docx": 13, "school.docx": 9,
}

# %% [markdown]
# ## 2. The timeline
#
# The upper panel zooms on the night of the attack, from the robbery report at 21:20 to Carlos's release
# from custody the next afternoon; the lower panel is the whole record, June to December 2024.

# %%
c.timeline(detail=("2024-10-12 21:00", "2024-10-13 14:00"))

# %% [markdown]
# ## 3. From the attack to the interview
#
# The key moments of the night, read from four agencies' files:

# %%
call = one(events(c, agency="ambulance", text=r"^Emergency call.*Alder Park"))
scene = one(events(c, agency="ambulance", text=r"^Crew arrived on scene"))
ed = one(events(c, event_type="attendance", text="stab wound"))
surgery = one(events(c, event_type="surgery"))
discharge = one(events(c, event_type="discharge"))
arrest = one(events(c, event_type="arrest"))
custody = events(c, event_type="custody").sort_values("start").iloc[0]
nurse = one(events(c, agency="police", event_type="assessment", text="Custody nurse"))
interview = one(events(c, event_type="interview"))

night = c.events[
    (c.events["start"] >= pd.Timestamp("2024-10-12 21:00", tz=LONDON))
    & (c.events["start"] <= pd.Timestamp("2024-10-13 14:00", tz=LONDON))
]
clock = night.assign(
    hours_after_surgery=((night["start"] - surgery["end"]) / pd.Timedelta(hours=1)).round(2)
)
clock[["start", "hours_after_surgery", "agency", "event_type", "description"]]

# %%
ed_check = c.breaches()
ed_check = one(ed_check[ed_check["rule"].str.startswith("A&E 4-hour") & (ed_check["start"] == ed["start"])])
to_discharge = hours(surgery["end"], discharge["start"])
to_custody = hours(surgery["end"], custody["start"])
to_interview = hours(surgery["end"], interview["start"])
in_custody = hours(custody["start"], custody["end"])
say(
    f"The emergency call came at **{at(call['start'])}**; the crew was on scene at {scene['start']:%H:%M} and "
    f"Carlos reached the ED at **{ed['start']:%H:%M}**. His ED stay ({hm(hours(ed['start'], ed['end']))}) "
    f"**{ed_check['status']}** the four-hour standard. Surgery under general anaesthetic ran from "
    f"{surgery['start']:%H:%M} to **{surgery['end']:%H:%M}**.\n\n"
    f"- Discharged into the care of police officers at {discharge['start']:%H:%M}: **{hm(to_discharge)}** "
    f"after surgery ended; arrested on the ward at {arrest['start']:%H:%M}.\n"
    f"- Booked into custody at {custody['start']:%H:%M}: **{hm(to_custody)}** after surgery. Custody lasted "
    f"{hm(in_custody)}. At {nurse['start']:%H:%M} the custody nurse recorded him “drowsy after a general "
    "anaesthetic and in pain”.\n"
    f"- Interviewed under caution at {interview['start']:%H:%M}: **{hm(to_interview)}** after surgery ended."
)
assert call["start"] == pd.Timestamp("2024-10-12 21:47", tz=LONDON)
assert ed["start"] == pd.Timestamp("2024-10-12 22:31", tz=LONDON)
assert ed_check["status"] == "met"
assert (surgery["start"], surgery["end"]) == (
    pd.Timestamp("2024-10-13 01:50", tz=LONDON), pd.Timestamp("2024-10-13 03:20", tz=LONDON))
assert round(to_discharge, 2) == 4.33
assert to_custody == 4.75
assert round(in_custody, 2) == round(5 + 5 / 60, 2)
assert to_interview == 7.5

# %% [markdown]
# The same measures can be written as `Interval` rules, so that they travel to the report and to other
# cases. Note that an interval runs from the *start* of its start event: measured from the start of the
# surgery, each is 1.5 hours (the length of the operation) longer.

# %%
rules = [
    chron.Interval("Surgery to discharge", start=chron.Match(event_type="surgery"),
                   end=chron.Match(event_type="discharge")),
    chron.Interval("Surgery to custody", start=chron.Match(event_type="surgery"),
                   end=chron.Match(event_type="custody")),
    chron.Interval("Surgery to interview", start=chron.Match(event_type="surgery"),
                   end=chron.Match(event_type="interview")),
]
iv = c.intervals(rules)
iv[["rule", "start", "end", "hours"]]

# %%
assert iv.set_index("rule").loc["Surgery to interview", "hours"] == 7.5 + 1.5

# %% [markdown]
# ### Theme 3: the safeguarding lens at the transitions
#
# **His mother was not told.** `c.missing()` checks the follow-ups a child's discharge, arrest and
# interview call for: a parent told within 24 hours, a family member at the interview, children's social
# care told of the police callout.

# %%
missing = c.missing()
missing[["expectation", "agency", "start", "within", "status", "next_start"]]

# %%
tried = one(events(c, agency="health_acute", text="call to mother"))
told = events(c, text=r"^Mother (came|telephoned)|^Call from mother")
counter = one(told[told["agency"] == "police"])
csc_told = one(missing[missing["expectation"].str.startswith("Children's social care told")])
display(told[["start", "agency", "description"]])
say(
    f"The only attempt to reach his mother was one call at **{at(tried['start'])}**, before surgery: "
    f"“{tried['description']}” The custody record says “no contact details for parent”. "
    f"The first record of his mother knowing anything is on **{day(told['start'].min())}**, when she rang "
    f"children's social care and the youth justice service and came to the police front counter at "
    f"{counter['start']:%H:%M}: **{hm(hours(discharge['start'], counter['start']))}** after the discharge. "
    f"Children's social care first heard at {at(csc_told['next_start'])}, from the hospital's liaison "
    f"nurse: **{hm(hours(csc_told['start'], csc_told['next_start']))}** after the police attended."
)
assert tried["start"] == pd.Timestamp("2024-10-12 23:05", tz=LONDON) and "voicemail" in tried["description"]
assert told["start"].min().normalize() == pd.Timestamp("2024-10-14", tz=LONDON)
assert round(hours(discharge["start"], counter["start"]), 2) == round(26 + 50 / 60, 2)
assert round(hours(csc_told["start"], csc_told["next_start"]), 2) == round(35 + 25 / 60, 2)
assert one(missing[missing["expectation"].str.contains("hospital discharge")])["start"] == discharge["start"]
assert {arrest["start"], custody["start"]} <= set(
    missing.loc[missing["expectation"].str.contains("arrest or custody"), "start"])

# %% [markdown]
# **Who sat with him.** A child interviewed under caution must have an appropriate adult: a parent or
# guardian where possible.

# %%
aa = one(events(c, agency="police", text="Appropriate adult arrived"))
who = aa["description"].split(": ", 1)[1].split(".")[0]
at_interview = one(missing[missing["expectation"].str.contains("present at a child's police interview")])
display(events(c, agency="police", text="(?i)appropriate adult")[["start", "event_type", "description"]])
say(
    f"The appropriate adult who arrived at {aa['start']:%H:%M} was **{who}**; no family member was "
    f"contacted. `c.missing()` records the interview at {interview['start']:%H:%M} under “{at_interview['expectation']}” "
    f"with status **{at_interview['status']}**."
)
assert "Volunteer Scheme" in who
assert at_interview["status"] == "not_recorded"
assert at_interview["start"] == interview["start"]

# %% [markdown]
# ### Theme 2: the safety plan was agreed, and not followed
#
# Five weeks before the attack the agencies agreed a safety plan: if Carlos attends hospital or comes to
# police notice, tell his mother and the social worker straight away, and treat him as a child at risk of
# criminal exploitation. Who recorded it, and what did the same agencies record on the night?

# %%
plan = events(c, event_type="meeting", text="safety plan agreed")
agreed = plan.loc[plan["agency"] == "csc", "start"].iloc[0]  # the school's entry is dated by week only
plan_days = (pd.Timestamp("2024-10-12", tz=LONDON) - agreed.normalize()).days
flags = night[night["description"].str.contains("safety plan|[Ss]afeguarding", regex=True)
              | night["action"].str.contains("safety plan|[Ss]afeguarding", regex=True, na=False)]
display(plan[["start", "agency", "description"]])
flags[["start", "agency", "description", "action"]]

# %%
say(
    f"The plan was agreed on {day(agreed)}, **{plan_days} days** before the attack, and is "
    f"recorded by **{plan['agency'].nunique()} agencies** ({agencies(plan['agency'])}). On the "
    f"night {len(flags)} records mention it or a safeguarding referral; the hospital's alert was "
    "“left for the day team”, and the police flag was “not checked”."
)
assert plan_days == 39
assert set(plan["agency"].astype(str)) == {"csc", "police", "youth_justice", "education"}

# %% [markdown]
# ### Theme 1: offender, or child victim?
#
# The police file treats Carlos as a suspect in a robbery at the scene, in the ED and in custody. The
# records of the night that frame him as a suspect, against how the story ended:

# %%
suspect = night[night["description"].str.contains(r"suspect|arrest|under caution", regex=True)]
display(suspect[["start", "agency", "event_type", "description"]])
outcome = events(c, agency="police", text=r"Robbery investigation closed|charged with wounding")
outcome[["start", "agency", "description"]]

# %%
nfa, charged = outcome.sort_values("start")["start"]
strategy = events(c, event_type="strategy_meeting")
challenge = one(c.intervals(chron.Interval(
    "Professional challenge answered",
    start=chron.Match(event_type="escalation", text="professional challenge"),
    end=chron.Match(event_type="escalation", text="response received"),
    limit="10 working days",
)))
say(
    f"{len(suspect)} records of the night frame Carlos as a suspect, by "
    f"{agencies(suspect['agency'])}. The robbery investigation was closed with "
    f"no further action on **{day(nfa)}**; two youths were charged with wounding Carlos with intent on "
    f"**{day(charged)}**.\n\n"
    f"Good practice followed: the strategy discussion of {day(strategy['start'].min())} recognised him as a "
    f"child victim (recorded by {agencies(strategy['agency'])}), and the social "
    f"worker's professional challenge to custody was answered in **{challenge['working_days']} working "
    f"days** ({challenge['status']})."
)
assert {"police", "health_acute"} <= set(suspect["agency"].astype(str))
assert nfa == pd.Timestamp("2024-11-18", tz=LONDON)
assert charged == pd.Timestamp("2024-12-02", tz=LONDON)
assert set(strategy["start"].dt.date.astype(str)) == {"2024-10-15"}
assert set(strategy["agency"].astype(str)) == {"csc", "police", "youth_justice"}
assert challenge["working_days"] == 10 and challenge["status"] == "met"

# %% [markdown]
# ## 4. Was Carlos seen and heard?

# %%
voice = c.voice(freq="Y").groupby("agency", observed=True)[["events", "seen", "heard"]].sum()
voice

# %%
cplot.voice_strip(c)

# %%
seen_alone = int((c.events["Seen alone (Y/N)"] == "Y").sum())
words = c.events[c.events["child_voice"].notna() & (c.events["start"] > discharge["start"])]
say(
    f"Carlos's views are recorded for **{voice['heard'].sum()} of {voice['events'].sum()} events "
    f"({voice['heard'].sum() / voice['events'].sum():.0%})**: children's social care "
    f"{voice.loc['csc', 'heard']} of {voice.loc['csc', 'events']}, youth justice "
    f"{voice.loc['youth_justice', 'heard']} of {voice.loc['youth_justice', 'events']}. He was seen "
    f"{voice['seen'].sum()} times by children's social care and the youth justice service, and seen alone "
    f"by children's social care {seen_alone} times. Of the {len(night)} records of the night from the attack "
    f"to his release, **{night['child_voice'].notna().sum()}** record his views. What he said afterwards:"
)
display(words[["start", "agency", "child_voice"]])
assert voice["heard"].sum() == 13 and voice["events"].sum() == 71
assert voice.loc["csc"].tolist() == [16, 6, 6]
assert voice.loc["youth_justice"].tolist() == [13, 7, 7]
assert voice["seen"].sum() == 13
assert seen_alone == 4

# %% [markdown]
# ## 5. The silence before the attack, and double entries
#
# The longest stretch with nothing recorded by any agency:

# %%
gaps = c.gaps(min_days=7, describe=True).sort_values("hours", ascending=False)
gaps[["start", "end", "days", "hours", "before_description", "after_description"]]

# %%
cplot.gap_chart(c, min_days=7, title="Carlos")

# %%
quiet = gaps.iloc[0]
dups = c.duplicates()
say(
    f"The longest silence runs from **{day(quiet['start'])} to {at(quiet['end'])}: {quiet['days']} days "
    f"({quiet['hours']:.0f} hours)**. It began when Carlos missed his youth justice session because he was "
    "scared to go out; no agency recorded anything more until the robbery report on the night of the "
    f"attack. `c.duplicates()` finds **{dups['group'].nunique()} events** recorded by more than one agency."
)
assert quiet["start"] == pd.Timestamp("2024-09-30", tz=LONDON)
assert quiet["end"] == pd.Timestamp("2024-10-12 21:20", tz=LONDON)
assert quiet["days"] == 12 and round(quiet["hours"]) == 309
assert dups["group"].nunique() == 3
dups[["group", "agency", "start", "event_type", "description"]]

# %% [markdown]
# ## 6. Learning themes in the record

# %%
c = c.tag()
c.themes()[["label", "concern", "strength", "events", "agencies"]]

# %%
cplot.theme_matrix(c, title="Carlos: events tagged with each learning theme, by agency")

# %%
c.top_themes()[["rank", "label", "concern", "strength", "evidence"]]

# %% [markdown]
# ## 7. Reflective supervision prompts
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
