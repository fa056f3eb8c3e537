"""One self-contained, offline HTML report: summary, timeline, metrics, themes, rejects, provenance.

The file carries everything it needs: plotly.js is embedded once (in the first figure), styles are
inline, fonts are the reader's own, and a Content-Security-Policy forbids the browser from loading
anything from anywhere else, so the report opens on a laptop with no network and cannot leak a
request. Every text field is HTML-escaped; figure data is embedded as JSON with ``<``, ``>`` and
``&`` escaped by plotly.
"""

from __future__ import annotations

import dataclasses
import html
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _common
from ._safe import clean_text, escape_html

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..chronology import Chronology
    from ..rules import Expect, Interval

__all__ = ["to_html"]

#: The browser may run the inline scripts and styles of the page and nothing else: no request
#: leaves the page. plotly.js needs 'unsafe-eval' for WebGL traces and blob: workers.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; worker-src blob:; connect-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)

_CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #c8c8c8; --head: #dde4ee; --warn: #d55e00; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1400px;
       padding: 1.2em 2em; line-height: 1.4; font-size: 14px; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid var(--ink); padding-bottom: .15em; margin-top: 1.8em; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
p.meta, p.note, p.empty { color: var(--muted); }
nav ol { columns: 3; margin: .5em 0 0; padding-left: 1.4em; }
nav a { color: inherit; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; font-size: 12px; }
th, td { border: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: var(--head); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #f7f7f7; }
tbody tr.flag, tbody tr.flag:nth-child(even) { background: #fbe0d2; font-weight: bold; }
.counts { display: flex; gap: 1.5em; flex-wrap: wrap; margin: .6em 0; }
.counts div { border: 1px solid var(--rule); padding: .4em .8em; }
.counts b { display: block; font-size: 1.4em; }
.figure { margin: .5em 0 1em; page-break-inside: avoid; break-inside: avoid; }
ol.prompts li { margin-bottom: .5em; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { page-break-after: avoid; break-after: avoid; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  tbody tr:nth-child(even) { background: none; }
  tbody tr.flag { background: #eee; }
  .modebar-container { display: none !important; }
}
"""


def to_html(
    c: Chronology,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    intervals: Interval | Sequence[Interval] | None = None,
    timescales: Sequence[Interval] | str | os.PathLike[str] | None = None,
    expectations: Expect | Sequence[Expect] | None = None,
    min_gap_days: float | None = None,
) -> Path:
    """Write one self-contained, offline HTML report of the chronology.

    Parameters
    ----------
    c
        The Chronology (not modified; it is tagged with themes for the report when it has no
        tags yet).
    path
        The file to write (overwritten), usually ``.html``.
    title
        The report title; by default ``c.title`` or "Integrated chronology".
    intervals
        Interval rules to report besides the statutory timescales (:meth:`Chronology.intervals`).
    timescales
        Rules passed to :meth:`Chronology.breaches` (default: the statutory timescales).
    expectations
        Follow-up expectations passed to :meth:`Chronology.missing` (default: the built-in set).
    min_gap_days
        Shortest gap listed (default 14 days, from ``report.toml``).

    Returns
    -------
    pathlib.Path
        The file written (about 5 MB, most of it plotly.js).

    Notes
    -----
    Sections: summary (events per agency, period, rejects), timeline, gaps, timescales and
    breaches, missing follow-ups, the child seen and heard, activity, themes with their evidence
    and reflective prompts, the integrated chronology, rejected rows and provenance. Nothing is
    fetched from a network when the file is opened: plotly.js is embedded once and a
    Content-Security-Policy blocks every outside request. The page prints on landscape A4.

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.samples.load("camille")                 # doctest: +SKIP
    >>> c.to_html("camille.html", title="Camille")        # doctest: +SKIP
    PosixPath('camille.html')
    """
    import plotly.io as pio

    from .. import plot

    heading = title or c.title or "Integrated chronology"
    if c.tags is None:
        c = c.tag()
    # plotly reads titles as its own small HTML: the figures get the title escaped
    shown = dataclasses.replace(c, title=_esc(heading))
    names = ["Gaps", "Breaches", "Missing follow-ups", "Voice", "Silences", "Themes", "Rejects", "Provenance"]
    if intervals is not None:
        names.insert(1, "Intervals")
    tables = _common.analysis_tables(
        c,
        names,
        intervals=intervals,
        timescales=timescales,
        expectations=expectations,
        min_gap_days=min_gap_days,
    )
    gap_days = (
        float(_common.config()["analysis"]["gap_min_days"]) if min_gap_days is None else min_gap_days
    )

    figures = _Figures(pio)
    sections: list[tuple[str, str, str]] = []  # (anchor, heading, body)

    sections.append(("summary", "Summary", _summary(c)))
    sections.append(
        (
            "timeline",
            "Timeline",
            '<p class="note">One lane per agency; bars are stays, admissions, placements and custody; '
            "hatched bars are dates known only to the week or month; shaded bands are gaps; hover a "
            "mark for its source file and row.</p>" + figures.add(plot.timeline(shown, min_gap_days=gap_days)),
        )
    )
    body = figures.add(plot.gap_chart(tables["Gaps"], min_days=gap_days)) + _table(
        _view(c, tables["Gaps"], "Gaps")
    )
    sections.append(("gaps", f"Gaps of {gap_days:g} days or more", body))
    breaches = tables["Breaches"]
    body = (
        '<p class="note">Each statutory timescale checked; breached ones are highlighted.</p>'
        + figures.add(plot.interval_chart(breaches))
        + _table(_view(c, breaches, "Breaches"), flag=_flags(breaches))
    )
    if intervals is not None:
        body += "<h3>Intervals</h3>" + figures.add(plot.interval_chart(tables["Intervals"]))
        body += _table(_view(c, tables["Intervals"], "Breaches"), flag=_flags(tables["Intervals"]))
    sections.append(("breaches", "Timescales and breaches", body))
    sections.append(
        ("missing", "Missing follow-ups", _table(_view(c, tables["Missing follow-ups"], "Missing follow-ups")))
    )
    silences = tables["Silences"]
    if "days" in silences.columns:
        silences = silences.sort_values("days", ascending=False, kind="stable").head(10)
    body = (
        figures.add(plot.voice_strip(shown))
        + "<h3>Share of events with the child seen and heard, by agency and month</h3>"
        + _table(_view(c, tables["Voice"], "Voice"))
        + "<h3>Longest stretches with the child not seen or not heard</h3>"
        + _table(_view(c, silences, "Silences"))
    )
    sections.append(("voice", "The child seen and heard", body))
    sections.append(("activity", "Activity by agency and week", figures.add(plot.activity_heatmap(shown))))
    body = (
        figures.add(plot.theme_matrix(shown))
        + "<h3>Top themes and their strongest evidence</h3>"
        + _table(_view(c, c.top_themes(), "Top themes"))
        + "<h3>Questions for reflective supervision</h3>"
        + _prompts(c.prompts())
        + "<h3>Every tagged event</h3>"
        + _table(_view(c, tables["Themes"], "Themes"))
    )
    sections.append(("themes", "Learning themes", body))
    sections.append(("chronology", "Integrated chronology", _table(_chronology_table(c))))
    sections.append(
        (
            "rejects",
            f"Rejected rows ({len(c.rejects)})",
            '<p class="note">Input rows that could not become events, with the reason and how to fix '
            "them.</p>" + _table(tables["Rejects"]),
        )
    )
    sections.append(("provenance", "Provenance", _table(tables["Provenance"])))

    nav = "".join(
        f'<li><a href="#{anchor}">{_esc(head)}</a></li>' for anchor, head, _ in sections
    )
    content = "\n".join(
        f'<section id="{anchor}"><h2>{_esc(head)}</h2>\n{body}</section>' for anchor, head, body in sections
    )
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_esc(heading)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_esc(heading)}</h1>"
        f'<p class="meta">Prepared {datetime.now():%d/%m/%Y %H:%M} with the chronology library. '
        "Dates are UK local time (Europe/London).</p></header>\n"
        f'<nav><b>Contents</b><ol>{nav}</ol></nav>\n{content}\n</body>\n</html>\n'
    )
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out


#: The columns each analysis shows in the HTML report, in order (the Excel workbook has them all);
#: columns a table lacks are skipped, and ``case_id`` comes first for a caseload.
VIEWS: dict[str, list[str]] = {
    "Gaps": ["start", "end", "days", "working_days", "approximate", "agency", "before_agency",
             "before_description", "after_agency", "after_description"],
    "Breaches": ["rule", "name", "status", "start", "end", "days", "working_days", "hours", "limit", "due_by",
                 "approximate", "start_agency", "start_description", "end_agency"],
    "Missing follow-ups": ["expectation", "status", "start", "agency", "description", "within", "due_by",
                           "next_start", "approximate"],
    "Voice": ["agency", "period", "events", "seen", "not_seen", "seen_unknown", "heard", "share_seen",
              "share_heard", "approximate"],
    "Silences": ["kind", "start", "end", "days", "working_days", "events_in_stretch", "approximate"],
    "Top themes": ["rank", "label", "score", "concern", "strength", "structural", "agencies", "start", "agency",
                   "evidence"],
    "Themes": ["Date", "Agency", "theme", "polarity", "evidence", "What happened", "Source file", "Row"],
}


def _view(c: Chronology, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    cols = [col for col in VIEWS[name] if col in frame.columns]
    if len(c.case_ids) > 1:
        case = "case_id" if "case_id" in frame.columns else "Case" if "Case" in frame.columns else None
        if case is not None:
            cols.insert(0, case)
    return frame[cols] if cols else frame


def _flags(frame: pd.DataFrame) -> pd.Series | None:
    """Rows to highlight: breached timescales."""
    if "breached" not in frame.columns:
        return None
    return frame["breached"].fillna(False).astype(bool)


class _Figures:
    """Turns figures into ``<div>``s; plotly.js goes into the first one only."""

    def __init__(self, pio: Any) -> None:
        self._pio = pio
        self._count = 0

    def add(self, fig: go.Figure) -> str:
        div = self._pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=self._count == 0,
            include_mathjax=False,
            config={"displaylogo": False, "responsive": True},
            default_width="100%",
        )
        self._count += 1
        return f'<div class="figure">{div}</div>'


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _summary(c: Chronology) -> str:
    ev = c.events
    period = "no events"
    if len(ev):
        first = _common.to_wall_time(ev["start"]).min()
        last = _common.to_wall_time(ev["start"]).max()
        period = f"{first:%d/%m/%Y} to {last:%d/%m/%Y}"
    counts = [
        ("events", len(ev)),
        ("agencies", ev["agency"].nunique()),
        ("source files", ev["source"].nunique()),
        ("rejected rows", len(c.rejects)),
    ]
    boxes = "".join(f"<div><b>{n:,}</b>{_esc(what)}</div>" for what, n in counts)
    cases = ", ".join(c.case_ids) or "none"
    return (
        f"<p>Case{'s' if len(c.case_ids) != 1 else ''}: {_esc(cases)}. Period: {_esc(period)}.</p>"
        f'<div class="counts">{boxes}</div>'
        "<h3>Events by agency</h3>" + _table(_common.summary_table(c))
    )


def _chronology_table(c: Chronology) -> pd.DataFrame:
    ev = c.events
    start = _common.display_dates(ev, "start")
    end = _common.display_dates(ev, "end")
    sheet = ev["source_sheet"].astype("str")
    src = ev["source"].astype("str")
    table = pd.DataFrame(
        {
            "Date": start.where(end == "", start + " to " + end),
            "Agency": _common.agency_labels(ev["agency"]),
            "Service": ev["service"],
            "Type": _common.event_type_labels(ev["event_type"]),
            "What happened": ev["description"],
            "Action / outcome": ev["action"],
            "Child seen": ev["child_seen"].map({True: "Yes", False: "No"}).astype("str"),
            "Child's views": ev["child_voice"],
            "Source (file, row)": src.where(sheet.isna(), src + ", " + sheet)
            + ", row "
            + ev["source_row"].astype("str"),
        }
    )
    if len(c.case_ids) > 1:
        table.insert(0, "Case", ev["case_id"])
    return table


def _cell_text(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[bool]]:
    """Every column as escaped display text; which columns are numeric (right-aligned)."""
    plain = _common.plain_values(frame)
    out: dict[str, pd.Series] = {}
    numeric: list[bool] = []
    for col in plain.columns:
        s = plain[col]
        is_num = bool(pd.api.types.is_numeric_dtype(s.dtype))
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            if col == "period":
                s = s.dt.strftime("%b %Y")
            else:  # a time of exactly midnight is a date known to the day: show the date only
                s = s.dt.strftime("%d/%m/%Y %H:%M").where(s != s.dt.normalize(), s.dt.strftime("%d/%m/%Y"))
        elif str(col).startswith("share") and pd.api.types.is_float_dtype(s.dtype):
            s = (s * 100).round(0).astype("Int64").astype("str") + "%"
        elif pd.api.types.is_float_dtype(s.dtype):
            s = s.round(1).astype("str").str.replace(r"\.0$", "", regex=True)
        out[str(col)] = escape_html(clean_text(s.astype("str")))
        numeric.append(is_num)
    return pd.DataFrame(out, index=plain.index), numeric


def _table(frame: pd.DataFrame, flag: pd.Series | None = None) -> str:
    """An escaped HTML table (vectorised); rows where ``flag`` is true are highlighted; a note
    when there is nothing to show."""
    if frame.shape[1] == 0 or frame.empty:
        return '<p class="empty">None found.</p>'
    cells, numeric = _cell_text(frame)
    head = "".join(f"<th>{_esc(_common.label(str(col)))}</th>" for col in frame.columns)
    row = pd.Series("<tr>", index=cells.index, dtype="str")
    if flag is not None:
        row = row.where(~flag.reindex(cells.index, fill_value=False), '<tr class="flag">')
    for col, num in zip(cells.columns, numeric, strict=True):
        row = row + ('<td class="num">' if num else "<td>") + cells[col] + "</td>"
    body = "".join((row + "</tr>").tolist())
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _prompts(prompts: pd.DataFrame) -> str:
    """The reflective prompts as a numbered list, with the theme before each question."""
    if prompts.empty:
        return '<p class="empty">No themes found, so no prompts.</p>'
    text_col = "prompt" if "prompt" in prompts.columns else prompts.columns[-1]
    text = escape_html(clean_text(prompts[text_col].astype("str")))
    if "theme" in prompts.columns:
        theme = _common.theme_labels(prompts["theme"])
        text = "<b>" + escape_html(theme) + "</b>: " + text
    return '<ol class="prompts">' + "".join(("<li>" + text + "</li>").tolist()) + "</ol>"
