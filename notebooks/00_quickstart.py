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
# # Quick start: from agency files to a reviewable chronology
#
# A practice review starts with a pile of chronologies: each agency that knew the child sends its
# contacts in its own Word, Excel or CSV layout. `chronology` reads those files into **one validated
# table**, keeps every row it could not read (with the reason and the fix), and then measures gaps,
# delays and statutory timescales, tags learning themes and draws the timeline.
#
# This notebook takes about five minutes to read. It uses **Cassie**, one of the three worked examples
# of the learning brief *Seeing the Whole Child*. All names, places and services in the sample data are
# invented.

# %%
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

import chronology as chron
from chronology.errors import ChronologyError

pd.set_option("display.max_colwidth", 90)


def say(text: str) -> None:
    """Show a sentence built from computed values as formatted text."""
    display(Markdown(text))


# %% [markdown]
# ## 1. Read one agency file
#
# `chron.read` takes the file, the agency that sent it and the child it is about. The headings, the date
# formats, the encoding and the delimiter are inferred; nothing is guessed silently.

# %%
folder = chron.samples.path("cassie")
police = chron.read(folder / "police.csv", agency="police", case_id="cassie")
police

# %% [markdown]
# `.events` is the canonical event table: plain pandas, one row per event, the same columns whatever the
# source looked like. Dates are London time; `precision` says how exactly each date is known.

# %%
police.events[["start", "precision", "agency", "event_type", "description"]].head()

# %% [markdown]
# `.provenance` records, per file, what was read and what was inferred: rows read, events, rejects, the
# column mapping and the date formats found. Rows read = events + rejects + blank rows + repeated
# headers, so no row is ever lost without a trace.

# %%
prov = police.provenance.iloc[0]
police.provenance[["source", "rows_read", "events", "rejects", "mapping", "date_formats"]]

# %%
say(
    f"The police file had **{prov['rows_read']} rows**: {prov['events']} became events and "
    f"{prov['rejects']} were rejected."
)
assert len(police.events) == 10  # FACTS.md: police.csv, 10 events
assert police.rejects.empty

# %% [markdown]
# ## 2. A messy file: rejects and how to fix them
#
# Real files are rarely this tidy. Here is a (made-up) school nursing log with headings the library has
# never seen and dates written year first with dots. We write it to a temporary folder and read it.

# %%
tmp = Path(tempfile.mkdtemp())
messy = tmp / "school_nursing.csv"
messy.write_text(
    "Logged,Nurse notes,Seen?\n"
    "2024.03.04,Cassie seen in the medical room; says she is tired all the time,Y\n"
    "2024.03.11,Did not come to the drop-in,N\n"
    "2024.02.31,Phone call to mother about the missed drop-in,N\n"
    "2024.03.18,Cassie seen; talked about her art coursework,Y\n",
    encoding="utf-8",
)
try:
    chron.read(messy, agency="health", case_id="cassie")
except ChronologyError as err:
    error = str(err)
print(error)

# %% [markdown]
# The error names the file and says what to do: the headings `Logged` and `Nurse notes` are not in the
# synonym table, so we map them with `columns=`.

# %%
columns = {"Logged": "date", "Nurse notes": "description", "Seen?": "child_seen"}
nursing = chron.read(messy, agency="health", case_id="cassie", columns=columns)
nursing.rejects[["source_row", "column", "value", "reason", "hint"]]

# %%
say(
    f"Now the columns are found, but **{len(nursing.rejects)} of {len(nursing.rejects) + len(nursing.events)} "
    f"rows are rejected**: dates are read day-first (UK) and `2024.03.04` is not one of the built-in forms. "
    "The hint says how to fix it: pass the file's own format with `date_formats=`."
)
assert len(nursing.events) == 0

# %%
nursing = chron.read(
    messy, agency="health", case_id="cassie", columns=columns, date_formats=["%Y.%m.%d"]
)
display(nursing.events[["start", "description", "child_seen"]])
nursing.rejects[["source_row", "value", "reason"]]

# %%
bad = nursing.rejects.iloc[0]
say(
    f"{len(nursing.events)} rows are now events. One reject remains: row {bad['source_row']} says "
    f"**{bad['value']}**, and 31 February does not exist. No option should make that row disappear: the "
    "reviewer asks the agency for the right date and corrects the cell."
)
assert len(nursing.events) == 3
assert nursing.rejects["value"].tolist() == ["2024.02.31"]

# %% [markdown]
# ## 3. Read a whole case
#
# A case is a folder with a `case.toml` manifest naming each agency file (and any per-file options, such
# as `columns=`). `chron.read_case` reads them all into **one integrated chronology**.

# %%
print((folder / "case.toml").read_text(encoding="utf-8"))

# %%
c = chron.read_case(folder)
c.provenance[["source", "agency", "rows_read", "events", "rejects", "repeated_headers"]]

# %%
say(
    f"**{len(c)} events** from {len(c.provenance)} files and {len(c.agencies)} agencies, "
    f"{c.events['start'].min():%B %Y} to {c.events['start'].max():%B %Y}, with {len(c.rejects)} rejects."
)
assert len(c) == 95  # FACTS.md
assert c.rejects.empty

# %% [markdown]
# ## 4. The timeline
#
# One lane per agency; bars are stays and placements (start to end), hatched bars are dates known only to
# the week or month, grey bands are gaps with no recorded event and the dashed brackets are statutory
# timescales breached. The upper panel zooms on the busiest hours (here, Cassie's arrival in the
# emergency department). Hover over any mark to read the record; drag to zoom.

# %%
c.timeline()

# %% [markdown]
# ## 5. One metric: gaps in the record
#
# `c.gaps()` lists the periods with no recorded event by any agency, longest first. A gap bounded by a
# week- or month-precise date is flagged `approximate`.

# %%
gaps = c.gaps(min_days=14, describe=True)  # describe: the text of the events either side
gaps[["start", "end", "days", "approximate", "before_description", "after_description"]]

# %%
longest = gaps.iloc[0]
say(
    f"The longest silence in the multi-agency record is **{longest['days']} days** "
    f"({'approximate, ' if longest['approximate'] else ''}{longest['start']:%d %B %Y} to "
    f"{longest['end']:%d %B %Y}), after the school's call to the front door: "
    f"“{longest['before_description']}”"
)
assert longest["days"] == 29  # FACTS.md 14: 29 days (approximate)
assert bool(longest["approximate"])

# %% [markdown]
# The other metrics work the same way: `c.intervals(...)`, `c.breaches()` (statutory timescales),
# `c.missing()` (follow-ups that never happened), `c.voice()` and `c.silences()` (was the child seen
# and heard?), `c.activity()` and `c.duplicates()`. The case notebooks use each of them.
#
# ## 6. One theme summary
#
# `c.tag()` tags each event with the learning themes of the brief (from its wording and from the
# metrics, e.g. a breached timescale); `c.themes()` counts them, splitting concerns from strengths.

# %%
c = c.tag()
themes = c.themes()
themes[["label", "concern", "strength", "events", "agencies"]]

# %%
top = themes.sort_values("concern", ascending=False).iloc[0]
say(
    f"The theme with most concerns in Cassie's record is **{top['label']}**: {top['concern']} concern "
    f"tags across {top['agencies']} agencies."
)
assert not themes.empty

# %% [markdown]
# ## 7. Explore it yourself
#
# `chron.explore(c)` opens a small dashboard in JupyterLab: filter by agency, theme, dates or words and
# the timeline and the table follow. (It needs a running notebook; a static copy of this page shows only
# its placeholder.)

# %%
chron.explore(c)

# %% [markdown]
# ## Where next
#
# - [01_cassie](01_cassie.py): the A&E stay against the standards and the escalation route taken.
# - [02_carlos](02_carlos.py): from surgery to custody and interview; the call to his mother that never
#   came.
# - [03_camille](03_camille.py): callouts and admissions in an emergency placement; how little her voice
#   appears.
# - [04_cross_cutting](04_cross_cutting.py): the three cases side by side and the brief's four
#   cross-cutting reflections.
#
# Reports: `c.to_html("cassie.html")` (one offline page), `c.to_excel("cassie.xlsx")`,
# `c.to_docx("cassie.docx")`.
