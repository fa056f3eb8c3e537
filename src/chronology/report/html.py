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
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _common
from ._safe import clean_text, escape_html, inert, inert_text

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..rules import Expect, Interval
    from ._common import ChronologyLike as Chronology

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
th, td { border: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
td.num, td.nw { white-space: nowrap; }
th { overflow-wrap: normal; hyphens: auto; }
div.table { max-width: 100%; }
.figure .plot { width: 100%; }
th { background: var(--head); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #f7f7f7; }
tbody tr.flag, tbody tr.flag:nth-child(even) { background: #fbe0d2; }
tbody tr.flag td:nth-child(-n+2) { font-weight: bold; color: #9c2a00; }
.counts { display: flex; gap: 1.5em; flex-wrap: wrap; margin: .6em 0; }
.counts div { border: 1px solid var(--rule); padding: .4em .8em; }
.counts b { display: block; font-size: 1.4em; }
.figure { margin: .5em 0 1em; page-break-inside: avoid; break-inside: avoid; }
ol.prompts li { margin-bottom: .5em; }
.print-only { display: none; }
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
  .figure { max-width: 100%; }
  header p.meta { margin-bottom: 0; }
  h2 { margin-top: 1em; }
  p.note { font-size: 8pt; margin: .2em 0; }
  td, th { padding: 1px 3px; }
  a { color: inherit; text-decoration: none; }
  tr.more, ol.prompts li.more { display: none; }
  /* the charts after the timeline at 70% on paper: still legible, a third of the pages */
  section:not(#timeline) .figure { zoom: .7; }
  .print-only { display: block; }
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
        The file written (about 5 MB, nearly all of it plotly.js).

    Notes
    -----
    Sections follow :data:`chronology.report._common.SECTIONS`: summary, the whole chronology's
    timeline first, gaps, timescale breaches (apart from the checks met), missing follow-ups, the
    child seen and heard, possible duplicates, activity, themes with their evidence, questions for
    reflective supervision, the integrated chronology, rejected rows and provenance. Every table shows
    readable headings and values in words; an analysis with nothing to show says so in a sentence
    instead of drawing an empty chart. Nothing is fetched from a network when the file is opened:
    plotly.js is embedded once and a Content-Security-Policy blocks every outside request. The
    timeline is drawn at once and the other figures as they scroll into view (all of them before
    printing), so the page is readable quickly on a slow laptop. The page prints on landscape A4.

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.samples.load("camille")                 # doctest: +SKIP
    >>> c.to_html("camille.html", title="Camille")        # doctest: +SKIP
    PosixPath('camille.html')
    """
    heading = title or c.title or "Integrated chronology"
    if c.tags is None:
        c = c.tag()
    analyses = _common.Analyses(c, intervals=intervals, timescales=timescales, expectations=expectations,
                                min_gap_days=min_gap_days)
    # plotly reads titles as its own small HTML: the figures get the title escaped
    page = _Page(c, dataclasses.replace(c, title=_esc(heading)), analyses, _Figures())
    parts = [part for part in (_section(page, sec) for sec in _common.SECTIONS) if part is not None]
    out = Path(path)
    out.write_text(_document(heading, parts, page.figures), encoding="utf-8")
    return out


@dataclasses.dataclass
class _Page:
    """What the sections are drawn from: the (tagged) chronology, the same with its title escaped
    for plotly, its analyses, and the page's figures."""

    c: Chronology
    shown: Chronology
    analyses: _common.Analyses
    figures: _Figures

    def table(self, name: str, empty: str, *, frame: pd.DataFrame | None = None, rows: int | None = None) -> str:
        """The reader view of the table ``name`` (of ``frame`` when given), at most ``rows`` rows."""
        v = self.analyses.view(name, frame)
        if rows is not None and len(v.frame) > rows:
            whole = len(self.analyses.frame(name) if frame is None else frame)
            v = dataclasses.replace(v, frame=v.frame.head(rows),
                                    flag=None if v.flag is None else v.flag.head(rows))
            return _view_table(v, empty) + f'<p class="note">The {rows} longest are shown; the Excel workbook has all {whole}.</p>'
        return _view_table(v, empty)


def _section(page: _Page, sec: _common.Section) -> tuple[str, str, str] | None:
    """A section's anchor, heading and body (its note first), or ``None`` for a section with
    nothing to show."""
    special = _SPECIAL.get(sec.key)
    if special is not None:
        body = special(page, sec)
    elif sec.table is not None:
        body = page.table(sec.table, _EMPTY.get(sec.key, "None found."))
    else:
        return None
    head = _common.section_heading(sec, page.c, gap_days=page.analyses.min_gap_days)
    note = f'<p class="note">{_esc(sec.note)}</p>' if sec.note else ""
    return sec.key, head, note + body


#: what a table section says when it has no rows
_EMPTY = {
    "breaches": "No statutory timescale checked was breached.",
    "met": "No statutory timescale applied to these events.",
    "missing": "Every expected follow-up was recorded in time.",
    "voice": "No events.",
    "silences": "None: the child was seen and heard throughout.",
    "duplicates": "No two agencies appear to record the same event.",
    "themes": "No learning themes were found in the text of the events.",
    "rejects": "None: every row of every file became an event.",
    "provenance": "No files were read.",
}


def _timeline(page: _Page, sec: _common.Section) -> str:
    """The whole chronology's timeline, drawn at once."""
    from .. import plot

    fig = plot.timeline(page.shown, min_gap_days=page.analyses.min_gap_days, detail="auto")
    return page.figures.add(fig, first=True)


def _gaps(page: _Page, sec: _common.Section) -> str:
    """The gap chart (when there is more than one gap), then the gaps."""
    from .. import plot

    gaps = page.analyses.frame("Gaps")
    days = f"{page.analyses.min_gap_days:g}"
    no_gap = f"No gap of {days} days or more: the agencies between them recorded contact at least every {days} days."
    chart = page.figures.add(plot.gap_chart(gaps, min_days=page.analyses.min_gap_days)) if len(gaps) > 1 else ""
    return chart + page.table("Gaps", no_gap)


def _breaches(page: _Page, sec: _common.Section) -> str:
    """The timescale chart and the breaches; then the report's own intervals, when it has some."""
    from .. import plot

    checks = page.analyses.frame("Breaches")
    chart = page.figures.add(plot.interval_chart(checks)) if len(checks) else ""
    body = chart + page.table("Breaches", _EMPTY["breaches"])
    if page.analyses.intervals is not None:
        intervals = page.analyses.frame("Intervals")
        body += "<h3>Intervals</h3>" + page.figures.add(plot.interval_chart(intervals))
        body += page.table("Breaches", "No interval exceeded its limit.", frame=intervals)
    return body


def _voice(page: _Page, sec: _common.Section) -> str:
    """The strip of the child seen and heard, then the table by agency and month."""
    from .. import plot

    return page.figures.add(plot.voice_strip(page.shown)) + page.table("Voice", _EMPTY["voice"])


def _silences(page: _Page, sec: _common.Section) -> str:
    """The ten longest silences."""
    silences = page.analyses.frame("Silences")
    if "days" in silences.columns:
        silences = silences.sort_values("days", ascending=False, kind="stable")
    return page.table("Silences", _EMPTY["silences"], frame=silences, rows=10)


def _activity(page: _Page, sec: _common.Section) -> str:
    """The heatmap of activity by agency and week."""
    from .. import plot

    return page.figures.add(plot.activity_heatmap(page.shown)) if len(page.c.events) else _empty("No events.")


def _themes(page: _Page, sec: _common.Section) -> str:
    """The theme matrix, the top themes, then every tagged event with its themes."""
    from .. import plot

    top = page.analyses.frame("Top themes")
    return (
        (page.figures.add(plot.theme_matrix(page.shown)) if len(top) else "")
        + page.table("Top themes", _EMPTY["themes"])
        + "<h3>Every tagged event, with its themes</h3>" + _tagged_events(page.c)
    )


#: the sections drawn their own way (the summary, figures, lists), by key; every other section with
#: a table is its heading, note and reader view (:meth:`_Page.table`)
_SPECIAL: dict[str, Callable[[_Page, _common.Section], str]] = {
    "summary": lambda page, sec: _summary(page.c),
    "timeline": _timeline,
    "gaps": _gaps,
    "breaches": _breaches,
    "voice": _voice,
    "silences": _silences,
    "activity": _activity,
    "themes": _themes,
    "prompts": lambda page, sec: _prompts(page.analyses.frame("Prompts")),
    "chronology": lambda page, sec: _table(_chronology_table(page.c), print_rows=None),  # prints whole
}


def _document(heading: str, parts: list[tuple[str, str, str]], figures: _Figures) -> str:
    """The whole page: head, title, contents, the sections and the figures' scripts."""
    nav = "".join(f'<li><a href="#{anchor}">{_esc(head)}</a></li>' for anchor, head, _ in parts)
    content = "\n".join(
        f'<section id="{anchor}"><h2>{_esc(head)}</h2>\n{text}</section>' for anchor, head, text in parts
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_esc(heading)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_esc(heading)}</h1>"
        f'<p class="meta">Prepared {datetime.now():%d/%m/%Y %H:%M} with the chronology library. '
        "Dates are UK local time (Europe/London).</p></header>\n"
        f'<nav><b>Contents</b><ol>{nav}</ol></nav>\n{content}\n'
        f"{figures.scripts()}\n</body>\n</html>\n"
    )


#: draws the figures: the first at once, the others as they come near the screen or when the
#: browser is idle, and all of them before printing
_LOADER = """
(function () {
  var pending = Array.prototype.slice.call(document.querySelectorAll("div[data-figure]"));
  function draw(div) {
    if (div.getAttribute("data-drawn")) return;
    div.setAttribute("data-drawn", "1");
    var spec = JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
    Plotly.newPlot(div, spec.data, spec.layout, {displaylogo: false, responsive: true});
  }
  if (pending.length) draw(pending[0]);
  if ("IntersectionObserver" in window) {
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { seen.unobserve(e.target); draw(e.target); } });
    }, {rootMargin: "600px"});
    pending.forEach(function (div) { seen.observe(div); });
  }
  var i = 0;
  function idle() {
    while (i < pending.length && pending[i].getAttribute("data-drawn")) i++;
    if (i < pending.length) { draw(pending[i]); setTimeout(idle, 50); }
  }
  setTimeout(idle, 400);
  window.addEventListener("beforeprint", function () { pending.forEach(draw); });
})();
"""


class _Figures:
    """Figures as placeholders with their JSON; plotly.js and one loader script once, at the end."""

    def __init__(self) -> None:
        self._specs: list[str] = []

    def add(self, fig: go.Figure, *, first: bool = False) -> str:
        n = len(self._specs)
        spec = fig.to_json(validate=False, pretty=False, remove_uids=True)
        # JSON inside <script>: "</" may not appear; "<\\/" is the same JSON string
        self._specs.append(spec.replace("</", "<\\/"))
        height = int(fig.layout.height or 450)
        return (f'<div class="figure"><div data-figure="fig-{n}" class="plot" '
                f'style="min-height:{height}px"></div></div>')

    def scripts(self) -> str:
        if not self._specs:
            return ""
        import plotly.offline

        data = "".join(
            f'<script type="application/json" id="fig-{i}">{spec}</script>\n' for i, spec in enumerate(self._specs)
        )
        return (f"{data}<script>{plotly.offline.get_plotlyjs()}</script>\n"
                f"<script>{_LOADER}</script>")


#: analysis tables cut free text longer than this many characters (the workbook has it all)
CUT_AT = 160
#: on paper, an analysis table prints its first rows only, with a note (the chronology prints whole)
PRINT_ROWS = 12
#: ... unless it has only a few more than that
PRINT_SLACK = 3


def _empty(text: str) -> str:
    return f'<p class="empty">{_esc(text)}</p>'


def _view_table(view: _common.View, empty: str) -> str:
    """A reader view as an HTML table (rows in ``view.flag`` highlighted), or a sentence when empty."""
    if view.frame.empty or view.frame.shape[1] == 0:
        return _empty(empty)
    text = _common.view_text(view)
    # long free text is cut on the page (the Excel workbook has it whole)
    for col in text.columns:
        long = text[col].str.len() > CUT_AT
        if long.any():
            text[col] = text[col].where(~long, text[col].str.slice(0, CUT_AT - 1).str.rstrip() + "…")
    numeric = [view.kinds.get(str(col)) in ("number", "percent") for col in text.columns]
    dates = [view.kinds.get(str(col)) in ("date", "month") for col in text.columns]
    return _html_table(text, numeric, view.flag, nowrap=dates)


def _tagged_events(c: Chronology) -> str:
    """One row per tagged event: date, agency, its themes (concern or strength) and the evidence,
    what happened and the action taken (evidence may come from either)."""
    tags = c.tags if c.tags is not None else c.tag().tags
    if tags is None or tags.empty:
        return _empty("No event was tagged.")
    theme = (tags["label"] if "label" in tags.columns else _common.theme_labels(tags["theme"])).astype("str")
    polarity = _common.words(tags["polarity"]) if "polarity" in tags.columns else pd.Series("", index=tags.index)
    evidence = (_common.codes_in_text(tags["evidence"]).fillna("") if "evidence" in tags.columns
                else pd.Series("", index=tags.index))
    line = theme + " (" + polarity.str.lower() + ")" + ("; evidence: " + evidence).where(evidence != "", "")
    per_event = (
        pd.DataFrame({"event_id": tags["event_id"].astype("str"), "line": line.astype("str")})
        .drop_duplicates()
        .groupby("event_id", sort=False)["line"]
        .agg("\n".join)
    )
    ev = c.events[c.events["event_id"].astype("str").isin(per_event.index)]
    table = pd.DataFrame({
        "Date": _common.display_dates(ev, "start"),
        "Agency": _common.agency_labels(ev["agency"]),
        "Themes and evidence": ev["event_id"].astype("str").map(per_event).astype("str"),
        "What happened": ev["description"],
        "Action / outcome": ev["action"],
    })
    if len(c.case_ids) > 1:
        table.insert(0, "Case", ev["case_id"])
    return _table(table)


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
        "<h3>Events by agency</h3>"
        '<p class="note">Child seen: events recorded as the child being seen. Recorded either way: events '
        "whose record says whether the child was seen or not (the rest do not say).</p>"
        + _table(_common.summary_table(c).rename(columns={"Seen recorded": "Recorded either way"}))
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
        out[str(col)] = escape_html(inert(clean_text(s.astype("str"))))
        numeric.append(is_num)
    return pd.DataFrame(out, index=plain.index), numeric


def _table(frame: pd.DataFrame, flag: pd.Series | None = None, *, print_rows: int | None = PRINT_ROWS) -> str:
    """An escaped HTML table (vectorised); rows where ``flag`` is true are highlighted; a note
    when there is nothing to show; at most ``print_rows`` rows on paper."""
    if frame.shape[1] == 0 or frame.empty:
        return '<p class="empty">None found.</p>'
    cells, numeric = _cell_text(frame)
    dates = [bool(pd.api.types.is_datetime64_any_dtype(frame[col].dtype)) or str(col) in ("First", "Last")
             for col in frame.columns]
    return _html_table(cells, numeric, flag, escaped=True, headers=[_common.label(str(col)) for col in frame.columns],
                       nowrap=dates, print_rows=print_rows)


def _html_table(cells: pd.DataFrame, numeric: list[bool], flag: pd.Series | None = None, *,
                escaped: bool = False, headers: list[str] | None = None, nowrap: list[bool] | None = None,
                print_rows: int | None = PRINT_ROWS) -> str:
    """The table of display text ``cells``; line breaks in a cell are kept; ``nowrap`` columns
    (dates) are never broken. On paper only the first ``print_rows`` rows are printed (``None``:
    all), with a note saying how many there are and where the rest is."""
    nowrap = nowrap or [False] * len(cells.columns)
    heads = headers if headers is not None else [str(col) for col in cells.columns]
    head = "".join(f"<th>{_esc(inert_text(h))}</th>" for h in heads)
    row = pd.Series("<tr>", index=cells.index, dtype="str")
    if flag is not None:
        row = row.where(~flag.reindex(cells.index, fill_value=False).astype(bool), '<tr class="flag">')
    cut = print_rows is not None and len(cells) > print_rows + PRINT_SLACK
    if cut:  # rows after the first print_rows are screen-only
        later = pd.Series(np.arange(len(cells)) >= int(print_rows or 0), index=cells.index)
        row = row.where(~later, row.str.replace("<tr>", '<tr class="more">', regex=False)
                        .str.replace('<tr class="flag">', '<tr class="flag more">', regex=False))
    for col, num, nw in zip(cells.columns, numeric, nowrap, strict=True):
        text = cells[col] if escaped else escape_html(inert(clean_text(cells[col].astype("str"))))
        text = text.str.replace("\n", "<br>", regex=False)
        row = row + ('<td class="num">' if num else '<td class="nw">' if nw else "<td>") + text + "</td>"
    body = "".join((row + "</tr>").tolist())
    note = ""
    if cut:
        note = (f'<p class="note print-only">Printed: the first {print_rows} of {len(cells)} rows. The '
                "report on screen and the Excel workbook have them all.</p>")
    return f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{note}'


def _prompts(prompts: pd.DataFrame) -> str:
    """The reflective prompts as a numbered list, with the theme before each question."""
    if prompts.empty:
        return '<p class="empty">No themes were found, so there are no prompts.</p>'
    text_col = "prompt" if "prompt" in prompts.columns else prompts.columns[-1]
    text = escape_html(clean_text(_common.codes_in_text(prompts[text_col].astype("str"))))
    if "theme" in prompts.columns:
        theme = _common.theme_labels(prompts["theme"])
        text = "<b>" + escape_html(theme) + "</b>: " + text
    item = pd.Series("<li>", index=text.index, dtype="str")
    note = ""
    if len(text) > PRINT_ROWS + PRINT_SLACK:  # on paper, the first questions only
        item = item.where(np.arange(len(text)) < PRINT_ROWS, '<li class="more">')
        note = (f'<p class="note print-only">Printed: the first {PRINT_ROWS} of {len(text)} questions. The '
                "report on screen and the Excel workbook have them all.</p>")
    return '<ol class="prompts">' + "".join((item + text + "</li>").tolist()) + "</ol>" + note
