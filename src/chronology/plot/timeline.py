"""The LifeLines timeline: one swimlane per agency, events as marks, spans as bars.

Layout, from the LifeLines idea (Plaisant et al., 1996): facets (agencies) as horizontal lanes, time
across. Point events are markers with one symbol per event type; events with an ``end`` (A&E stays,
admissions, placements, custody) are solid bars from start to end; dates known only to the week,
month or year are hatched translucent bars covering that whole period (never a false point); dates
the source marked uncertain use the open variant of their symbol. Gaps with no recorded event are
shaded grey bands with their length; timescale breaches are vermillion brackets with the rule and the
time taken. Every mark's hover text gives the UK date, agency and service, description, action and the
source file and row.

Performance: traces are built from whole arrays (one marker trace and at most two bar traces per
legend entry), never a shape per event; a 50,000-event chronology is drawn as counts per lane and
week (aggregated) unless ``aggregate=False``. A caseload (more case × agency lanes than can be read)
is drawn across cases: one lane per agency, events counted per agency and period
(:mod:`chronology.plot._caseload`), without the per-child gaps and timescale breaches, so a million
events of 20,000 children make a figure of a few hundred marks.

The caseload view (``timeline(c, across_cases=True)``): one lane per agency (not per case and
agency) and one mark per agency and period holding any event, its area and colour the number of
events, its hover text the period and how many events from how many cases (``customdata``: the
cases). The period is a day, a Monday-to-Sunday week, a month or a year: the finest that keeps a
lane to at most 160 marks. Each event counts once, in the period of its ``start``. Lane labels give
each agency's events and cases; the text under the title says the view is aggregated, how many
events and cases it counts, and how to see one child (``c.filter(case_id=...).timeline()``). Gaps,
timescale breaches and the detail panel are per child, so they are neither drawn nor computed here,
and colour always shows the number of events (``color`` is not used). The figure has one
``"counts"`` trace and ``layout.meta`` ``{"view": "caseload", "unit": ..., "events": ...,
"cases": ...}``. Elsewhere traces' ``meta`` are ``"points"``, ``"spans"``, ``"periods"`` and
``"counts"`` (aggregated), and the detail panel's start with ``"detail "``.

>>> import pandas as pd, chronology as chron
>>> load = chron.Chronology.from_events(pd.DataFrame({
...     "case_id": ["a", "b", "b", "c"], "agency": ["police", "police", "csc", "police"],
...     "start": ["04/03/2024", "05/03/2024", "06/03/2024", "20/03/2024"],
...     "description": ["Call", "Call", "Referral", "Call"]}))
>>> fig = timeline(load, across_cases=True)
>>> list(fig.layout.yaxis.categoryarray), fig.layout.meta["view"], fig.layout.meta["unit"]
(['Police', "Children's social care"], 'caseload', 'day')
>>> [int(n) for n in fig.data[0].marker.color], fig.data[0].hovertext[0]
([1, 1, 1, 1], '<b>Police</b> · all cases<br>on Mon 04/03/2024<br>1 event from 1 case')
>>> print(fig.layout.title.subtitle.text.split("<br>")[1])
To see one child's events, gaps and timescale breaches: c.filter(case_id='a').timeline()
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..errors import ChronologyError, OptionError
from . import _caseload as cl
from . import _common as cm
from . import style

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ._common import ChronologyLike as Chronology

__all__ = ["AGGREGATE_ABOVE", "CASELOAD_LANES", "WEBGL_ABOVE", "timeline"]

#: draw markers with WebGL (Scattergl) above this many events when ``webgl=None``
WEBGL_ABOVE = 2_000
#: draw counts per lane and period instead of single events above this many events
AGGREGATE_ABOVE = 20_000
#: with several cases and more case × agency lanes than this, draw the caseload view (one lane per
#: agency, counts across cases) when ``across_cases=None``: beyond it lanes are too thin to read
CASELOAD_LANES = 80
#: at most this many gaps and breaches are drawn (the longest / the worst first)
MAX_GAPS = 150
MAX_BREACHES = 60
MAX_SPAN_LABELS = 40

Color = Literal["event_type", "theme", "agency"]
COLORS = ("event_type", "theme", "agency")

LEGEND_NOTE = (
    "Bars: stays and spans (start to end). Hatched bars: date known only to the week, month or "
    "year. Open symbols: date marked uncertain. Grey bands: gaps with no recorded event."
)


def timeline(
    c: Chronology,
    color: Color = "event_type",
    gaps: bool = True,
    breaches: bool = True,
    *,
    min_gap_days: float = 14,
    webgl: bool | None = None,
    height: int | None = None,
    title: str | None = None,
    aggregate: bool | None = None,
    detail: bool | tuple[Any, Any] | Literal["auto"] | None = None,
    across_cases: bool | None = None,
    width: int | None = None,
) -> go.Figure:
    """An interactive timeline of a chronology: one swimlane per agency.

    Parameters
    ----------
    c
        The chronology (not modified). With several cases, each case has its own lanes
        (``"cassie · Police"``), unless the caseload view is drawn (``across_cases``).
    color
        ``"event_type"`` (a colour per type family, a symbol per type), ``"agency"`` or ``"theme"``
        (tags first when ``c.tags`` is ``None``; an event is drawn once per theme it has).
    gaps, breaches
        Shade gaps of at least ``min_gap_days`` days (:meth:`Chronology.gaps`); bracket statutory
        timescale breaches (:meth:`Chronology.breaches`) with the rule and the time taken.
    webgl
        Draw markers with WebGL; ``None`` (default) does so above ``WEBGL_ABOVE`` (2,000) events.
    height, width, title
        Figure size in pixels (by default height grows with the lanes, width fills the page; labels
        are placed not to overlap at that width) and title (the chronology's title or case id).
    aggregate
        Counts per lane and day (or week) instead of single events; ``None`` (default): above
        ``AGGREGATE_ABOVE`` (20,000) events. ``False`` also keeps a caseload's case × agency lanes.
    detail
        A zoomed second panel under the whole chronology (``xaxis2``/``yaxis2``): ``(start, end)``,
        ``True`` (the busiest 36 hours) or ``"auto"`` (that, when it holds six events and the
        chronology spans over 90 days); ``None``/``False`` (default): none.
    across_cases
        The caseload view described in the module docstring; ``None`` (default): with several
        cases and more than ``CASELOAD_LANES`` (80) case × agency lanes, unless ``aggregate=False``.

    Returns
    -------
    plotly.graph_objects.Figure
        Lanes are ``layout.yaxis.categoryarray`` (top to bottom); x is London wall time; each trace's
        ``meta`` says what it draws; gap and breach shapes are named ``"gap"`` and ``"breach"``.

    Examples
    --------
    >>> import pandas as pd, chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({
    ...     "case_id": "x", "agency": ["police", "health_acute", "csc"],
    ...     "start": ["01/03/2024 22:10", "02/03/2024 01:00", "Apr 2024"],
    ...     "end": [None, "05/03/2024 12:00", None],
    ...     "description": ["Police called to home", "A&E attendance", "Assessment"]}))
    >>> fig = timeline(c, gaps=False, breaches=False)
    >>> list(fig.layout.yaxis.categoryarray)
    ['Police', "Children's social care", 'Hospital (acute)']
    >>> sorted({t.meta for t in fig.data})
    ['periods', 'points', 'spans']
    """
    go = cm.go_module()
    cm.check_option("color", color, COLORS)
    ev = cm.events_of(c, "timeline()")
    heading = cm.safe(title) if title is not None else cm.title_of(c, "Timeline")
    if ev.empty:
        return cm.empty_figure(heading, "No events to draw")
    _check_across_cases(across_cases, aggregate)
    caseload = _caseload_of(ev, aggregate, across_cases)
    if caseload is not None:
        wide = _caseload_figure(go, ev, *caseload, heading, height, webgl)
        return wide.update_layout(width=width) if width is not None else wide
    agg = aggregate if aggregate is not None else len(ev) > AGGREGATE_ABOVE
    return _lanes_figure(go, c, ev, heading, color=color, agg=agg, webgl=webgl, detail=detail,
                         gaps=gaps, min_gap_days=min_gap_days, breaches=breaches, height=height,
                         width=width)


def _lanes_figure(
    go: Any, c: Chronology, ev: pd.DataFrame, heading: str, *, color: Color, agg: bool,
    webgl: bool | None, detail: Any, gaps: bool, min_gap_days: float, breaches: bool,
    height: int | None, width: int | None,
) -> go.Figure:
    """The figure with a lane per agency (per case and agency with several cases): the events (or
    their counts), the detail panel, gaps and breaches."""
    lane, order = cm.lanes(ev)
    traces, note, legend_title = _main_traces(go, c, ev, lane, color, agg, webgl)
    window = None if agg or detail is None or detail is False else _detail_window(ev, detail)
    if window is not None:
        traces += _detail_traces(go, c, ev, lane, color, window)
    plot_px = _plot_px(width)
    gap_shapes, gap_notes = _gap_marks(c, ev, order, min_gap_days, plot_px) if gaps else ([], [])
    fig = go.Figure(data=traces)
    fig.update_layout(**_layout(heading, order, height, legend_title, cm.legend_px(traces), window,
                                auto_window=not isinstance(detail, tuple), notes=[note, *gap_notes]))
    if width is not None:
        fig.update_layout(width=width)
    if agg:
        fig.update_layout(showlegend=False)  # the colour bar is the key
    shapes, annotations = _overlays(c, ev, lane, order, window, gap_shapes, breaches=breaches, agg=agg,
                                    plot_px=plot_px)
    _fit_x_axis(fig, ev, shapes, annotations, agg)
    return fig


def _check_across_cases(across_cases: bool | None, aggregate: bool | None) -> None:
    """Refuse ``across_cases=True`` with ``aggregate=False``: the caseload view only draws counts."""
    if across_cases and aggregate is False:
        raise OptionError(
            "across_cases=True draws counts across cases, not single events",
            value={"across_cases": across_cases, "aggregate": aggregate},
            hint="drop aggregate=False, or filter to one case: c.filter(case_id=...).timeline()",
        )


def _main_traces(go: Any, c: Any, ev: pd.DataFrame, lane: pd.Series, color: str, agg: bool,
                 webgl: bool | None) -> tuple[list[Any], str, str]:
    """The overview's traces (single events, or counts when ``agg``), the note on them written under
    the title, and the legend's title."""
    n = len(ev)
    gl = webgl if webgl is not None else n > WEBGL_ABOVE
    if agg:
        traces, freq_word = _count_traces(go, ev, lane, gl)
        note = (f"{n:,} events drawn as counts per lane and {freq_word} (aggregated); filter the "
                "chronology to see single events")
        return traces, note, "Events"
    legend_title = {"event_type": "Event type", "agency": "Agency", "theme": "Theme"}[color]
    return _event_traces(go, c, ev, lane, color, gl), LEGEND_NOTE, legend_title


def _overlays(c: Any, ev: pd.DataFrame, lane: pd.Series, order: list[str],
              window: tuple[pd.Timestamp, pd.Timestamp] | None, gap_shapes: list[dict[str, Any]], *,
              breaches: bool, agg: bool, plot_px: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The shapes (lane stripes, gap bands, breach brackets, the detail panel's stripes and outline)
    and the annotations (breach labels, then span labels of the overview and of the detail panel)."""
    shapes: list[dict[str, Any]] = _lane_stripes(order) + gap_shapes
    annotations: list[dict[str, Any]] = []
    taken: list[tuple[float, Any, Any]] = []  # (lane, from, to) of breach labels: span labels avoid them
    if breaches:
        b_shapes, b_notes, taken = _breach_marks(c, ev, lane, order, plot_px)
        shapes += b_shapes
        annotations += b_notes
    if not agg:
        annotations += _span_notes(ev, lane, order, skip=window, taken=taken, plot_px=plot_px)
    if window is not None:
        shapes += [*_lane_stripes(order, "y2"), _window_mark(window)]
        annotations += _span_notes(ev, lane, order, window, plot_px=plot_px)
    return shapes, annotations


def _fit_x_axis(fig: Any, ev: pd.DataFrame, shapes: list[dict[str, Any]], annotations: list[dict[str, Any]],
                agg: bool) -> None:
    """Add the shapes and annotations, and fix the x axis (and range slider) to what is drawn."""
    lo, hi = _x_range(ev, shapes)
    fig.update_layout(shapes=shapes, annotations=annotations)
    # the axis spans the events (and any breach bracket), not the labels: plotly would otherwise
    # stretch it to fit the breach notes, leaving a third of the plot empty after the last event
    fig.update_layout(xaxis_range=[lo, hi], xaxis_autorange=False)
    if fig.layout.xaxis.rangeslider.visible:
        fig.update_layout(xaxis_rangeslider_range=[lo, hi], xaxis_rangeslider_autorange=False)
    if not agg:
        _place_breach_notes(fig, lo, hi)


def _x_range(ev: pd.DataFrame, shapes: list[dict[str, Any]]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First to last date drawn (event starts, span and period ends, breach brackets), padded by 2 %."""
    start, end, _ = cm.event_dates(ev)
    lo, hi = start.min(), end.fillna(start).max()
    for sh in shapes:
        if sh.get("name") == "breach" and sh.get("xref") == "x":
            hi = max(hi, pd.Timestamp(sh["x1"]))
            lo = min(lo, pd.Timestamp(sh["x0"]))
    pad = max((hi - lo) * 0.02, pd.Timedelta(hours=2))
    return lo - pad, hi + pad


def _place_breach_notes(fig: Any, lo: pd.Timestamp, hi: pd.Timestamp) -> None:
    """Breach notes in the right part of the axis end at their bracket instead of starting there,
    so that none runs off the plot (and is cut) at any window width."""
    turn = lo + (hi - lo) * 0.45
    for a in fig.layout.annotations:
        if a.name == "breach" and pd.Timestamp(a.x) > turn:
            a.update(xanchor="right", xshift=-4, yanchor="bottom", yshift=2)


# ---------------------------------------------------------------------- caseload view
def _caseload_of(ev: pd.DataFrame, aggregate: bool | None, across_cases: bool | None) -> tuple[np.ndarray, int] | None:
    """The case code of each event and the number of cases when the caseload view is to be drawn,
    else ``None`` (see ``across_cases`` in :func:`timeline`). Counted on integer codes: at a million
    events this costs a few tens of milliseconds, before any lane label is built."""
    if across_cases is False or (across_cases is None and aggregate is False):
        return None
    codes, n_cases = cl.case_codes(ev)
    if across_cases:
        return codes, n_cases
    # each case takes at least one lane: only a caseload of up to CASELOAD_LANES cases needs counting
    if n_cases <= 1 or (n_cases <= CASELOAD_LANES and cl.lane_pairs(ev, codes, n_cases) <= CASELOAD_LANES):
        return None
    return codes, n_cases


def _caseload_figure(go: Any, ev: pd.DataFrame, codes: np.ndarray, n_cases: int, heading: str,
                     height: int | None, webgl: bool | None) -> go.Figure:
    """The caseload view: events counted per agency and period across cases, one lane per agency."""
    counts = cl.caseload_counts(ev, codes, n_cases)
    gl = webgl if webgl is not None else len(counts.points) > WEBGL_ABOVE
    order = counts.lanes["lane"].tolist()
    example = f"case_id={cm.safe(repr(str(ev['case_id'].min())))}" if "case_id" in ev else "case_id=..."
    cases = f"{counts.n_cases:,} case{'s' * (counts.n_cases != 1)}"
    notes = [
        f"Caseload view (aggregated): {counts.n_events:,} events of {cases}, counted per agency and "
        f"{counts.unit} across all cases; hover a mark for its events and cases.",
        f"To see one child's events, gaps and timescale breaches: c.filter({example}).timeline()",
    ]
    fig = go.Figure(data=[cl.caseload_trace(go, counts, gl)])
    lay = _layout(heading, order, height, "Events", 0, None, notes=notes)
    lay["yaxis"].update(cl.lane_ticks(counts), title={"text": f"Agency (all {cases})"})
    lay["meta"] = {"view": "caseload", "unit": counts.unit, "events": counts.n_events, "cases": counts.n_cases}
    lay.update(showlegend=False, shapes=_lane_stripes(order))  # the colour bar is the key
    fig.update_layout(**lay)
    return fig


# ---------------------------------------------------------------------- traces
def _keys(c: Any, ev: pd.DataFrame, color: str) -> tuple[pd.DataFrame, pd.Series, list[str], dict[str, str], dict[str, str], pd.Series | None]:
    """The events to draw (exploded by theme when colouring by theme), the legend key of each,
    the key order, key labels, key colours, and extra hover lines."""
    if color == "event_type":
        key = ev["event_type"].astype("str")
        seen = set(key.unique())
        cats = [k for k in ev["event_type"].cat.categories if k in seen]
        return ev, key, cats, {k: style.event_type_label(k) for k in cats}, {k: style.event_type_color(k) for k in cats}, None
    if color == "agency":
        key = ev["agency"].astype("str")
        seen = set(key.unique())
        cats = [k for k in ev["agency"].cat.categories if k in seen]
        return ev, key, cats, {k: style.agency_label(k) for k in cats}, {k: style.agency_color(k) for k in cats}, None
    tags = _tags_of(c)
    pairs = tags[["event_id", "theme"]].drop_duplicates()
    pairs = pairs[pairs["event_id"].isin(ev["event_id"])]
    names = pairs["theme"].astype("str")
    names = names.map({t: cm.safe(style.theme_label(t)) for t in names.unique()}).astype("str")
    listed = names.groupby(pairs["event_id"].to_numpy(), sort=False).agg(", ".join)
    counts = pairs["theme"].value_counts()
    themes = counts.index.astype("str").tolist()
    ex = ev.merge(pairs, on="event_id", how="left", sort=False)
    key = ex["theme"].astype("str").fillna("(no theme)")
    colors = style.theme_colors(themes)
    colors["(no theme)"] = style.no_theme_color()
    labels = {t: cm.legend_label(f"{cm.safe(style.theme_label(t))} ({counts[t]})") for t in themes}
    labels["(no theme)"] = "No theme"
    extra = "<b>Themes:</b> " + ex["event_id"].map(listed).astype("str")
    order = themes + (["(no theme)"] if key.eq("(no theme)").any() else [])
    return ex, key, order, labels, colors, extra


def _tags_of(c: Any) -> pd.DataFrame:
    tags = getattr(c, "tags", None)
    if isinstance(tags, pd.DataFrame):
        return tags
    try:
        if hasattr(c, "tables"):
            tagged = c.tables((), tagged=True)
        else:
            from ..themes import tag

            tagged = cm.tables_of(c, ())
            tagged = replace(tagged, tags=tag(tagged.events))
    except ImportError as exc:
        raise ChronologyError(
            "colouring by theme needs the theme tagger (chronology.themes), which is not available",
            hint="use color='event_type' or color='agency'",
        ) from exc
    assert tagged.tags is not None
    return tagged.tags


def _event_traces(go: Any, c: Any, ev: pd.DataFrame, lane: pd.Series, color: str, gl: bool) -> list[Any]:
    """Marker traces (one per legend entry, event type and certainty, so every symbol is a scalar:
    plotly validates symbol arrays element by element) and bar traces (spans, periods) per entry."""
    exploded, key, order, labels, colors, extra = _keys(c, ev, color)
    if exploded is not ev:  # one row per (event, theme): recompute the lane of each row
        ev, lane = exploded, cm.lanes(exploded)[0]
    start, end, approx = cm.event_dates(ev)
    marks = _Marks(
        x=start.to_numpy(), y=lane.astype("str").to_numpy(dtype=object), length=cm.ms(end - start),
        hover=cm.hover_text(ev, extra).to_numpy(dtype=object),
        ids=ev["event_id"].astype("str").to_numpy(dtype=object),
        span=ev["end"].notna().to_numpy(), approx=approx.to_numpy(),
        etype=ev["event_type"].astype("str").to_numpy(dtype=object),
        unc=ev["uncertain"].to_numpy(dtype=bool) if "uncertain" in ev else np.zeros(len(ev), bool),
    )
    by_type = color == "event_type"
    Scatter = go.Scattergl if gl else go.Scatter
    traces = _mark_traces(go, Scatter, marks, key.to_numpy(dtype=object), order, labels, colors,
                          list(ev["event_type"].cat.categories), swatch=not by_type)
    if not by_type:
        traces += _symbol_key(go, ev)
    return traces


@dataclass(frozen=True)
class _Marks:
    """The arrays the marks are drawn from, one position per event (or per event and theme)."""

    x: np.ndarray  #: start: wall time on the timeline, days from the key event in align()
    y: np.ndarray  #: lane label
    length: np.ndarray  #: bar length from ``x`` (ms on the timeline, days in align())
    hover: np.ndarray
    ids: np.ndarray  #: event ids (``customdata``)
    span: np.ndarray  #: drawn as a span bar (has an ``end``)
    approx: np.ndarray  #: drawn as a hatched period bar (approximate date), not as a point
    etype: np.ndarray  #: event type (the symbol)
    unc: np.ndarray  #: date marked uncertain (the open symbol)


@dataclass(frozen=True)
class _Entry:
    """One legend entry: its key, label and colour."""

    key: str
    label: str
    color: str


def _mark_traces(go: Any, Scatter: Any, marks: _Marks, key: np.ndarray, order: list[str],
                 labels: dict[str, str], colors: dict[str, str], type_order: list[str], *,
                 swatch: bool) -> list[Any]:
    """The traces of each legend entry in ``order`` (``key`` gives each mark's entry): a colour
    square for the legend when ``swatch``, then points per symbol, then span and period bars. The
    first trace of an entry carries it in the legend."""
    groups = pd.Series(np.arange(len(key))).groupby(key, sort=False).indices
    at = np.flatnonzero(~marks.approx)  # positions of the events drawn as points
    point_groups = pd.Series(at).groupby([key[at], marks.etype[at], marks.unc[at]], sort=False).indices
    traces: list[Any] = []
    for k in order:
        if k not in groups:
            continue
        entry = _Entry(k, labels[k], colors[k])
        head = [_swatch(Scatter, entry)] if swatch else []
        symbols = [(t, u, at[point_groups[(k, t, u)]])
                   for t in type_order for u in (False, True) if (k, t, u) in point_groups]
        points = _point_traces(Scatter, marks, entry, symbols, shown=bool(head))
        bars = _bar_traces(go, marks, entry, np.asarray(groups[k]), shown=bool(head or points))
        traces += head + points + bars
    return traces


def _marker_line() -> dict[str, Any]:
    """The thin dark outline of markers and span bars."""
    return {"width": 1, "color": style.mark("marker_line")}


def _swatch(Scatter: Any, entry: _Entry) -> Any:
    """A legend-only colour square for an entry (when colour does not follow the event type)."""
    return Scatter(
        x=[None], y=[None], mode="markers", name=entry.label, legendgroup=entry.key, meta="legend",
        hoverinfo="skip", marker={"symbol": "square", "color": entry.color, "size": style.mark("marker_size"),
                                  "line": _marker_line()},
    )


def _point_traces(Scatter: Any, marks: _Marks, entry: _Entry, symbols: list[tuple[str, bool, np.ndarray]], *,
                  shown: bool) -> list[Any]:
    """One marker trace per ``(event type, uncertain, positions)`` of an entry: its symbol, open when
    the date is uncertain; in the legend when the entry is not ``shown`` there yet."""
    traces = []
    for t, u, p in symbols:
        sym = style.event_type_symbol(t) + ("-open" if u else "")
        traces.append(Scatter(
            x=marks.x[p], y=marks.y[p], mode="markers", name=entry.label, legendgroup=entry.key, meta="points",
            showlegend=not shown,
            marker={"symbol": sym, "color": entry.color, "size": style.mark("marker_size"), "line": _marker_line()},
            hovertext=marks.hover[p], hoverinfo="text", customdata=marks.ids[p],
        ))
        shown = True
    return traces


def _bar_traces(go: Any, marks: _Marks, entry: _Entry, idx: np.ndarray, *, shown: bool) -> list[Any]:
    """The entry's span bars (solid) and period bars (hatched) among positions ``idx``; the first
    drawn carries the entry in the legend when it is not ``shown`` there yet."""
    traces = []
    for kind, sel in (("spans", idx[marks.span[idx]]), ("periods", idx[marks.approx[idx]])):
        if not len(sel):
            continue
        periods = kind == "periods"
        traces.append(go.Bar(
            base=marks.x[sel], x=marks.length[sel], y=marks.y[sel], orientation="h", name=entry.label,
            legendgroup=entry.key, showlegend=not shown,
            meta=kind, customdata=marks.ids[sel], hovertext=marks.hover[sel], hoverinfo="text",
            width=style.mark("period_width" if periods else "span_width"),
            opacity=style.mark("period_opacity" if periods else "span_opacity"),
            marker=_period_marker(entry.color) if periods else {"color": entry.color, "line": _marker_line()},
        ))
        shown = True
    return traces


#: the width of the plot area (pixels) labels are placed for; set per figure by ``timeline(width=...)``
_PLOT_PX = 800


def _plot_px(width: int | None) -> float:
    """The plot area of a figure ``width`` px wide: less the lane labels and the legend (~400 px)."""
    return float(_PLOT_PX) if width is None else max(200.0, float(width) - 400.0)


def _per_char(ev: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
              plot_px: float = _PLOT_PX) -> pd.Timedelta:
    """Time taken on the x axis by one character of 10 px text (about 6 px), for a plot area
    ``plot_px`` wide (800 px: a 1,200 px figure less the lane labels and the legend; the axis pads
    the data range by a few per cent, so this errs on the wide side)."""
    if window is None:
        start, end, _ = cm.event_dates(ev)
        window = (start.min(), end.fillna(start).max())
    return (window[1] - window[0]) / plot_px * 6.0


def _span_notes(ev: pd.DataFrame, lane: pd.Series, order: list[str],
                window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                skip: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                taken: list[tuple[float, Any, Any]] | None = None,
                plot_px: float = _PLOT_PX) -> list[dict[str, Any]]:
    """Labels for the longest spans (``"A&E, 16 d 5 h"``), so a stay can be named at a glance.

    Longest first, each label goes under its bar, else above it, else is left out (the hover still
    has it), so that labels overlap neither each other nor the breach labels in ``taken``; text
    width is estimated for a plot about 1,000 px wide. At most ``MAX_SPAN_LABELS``, none when lanes
    are too thin. With a ``window``: labels for the detail panel, for spans overlapping it. Spans
    wholly inside ``skip`` (the detail panel's period) are labelled there, not in the overview.
    """
    if len(order) > 40 or ev["end"].isna().all():
        return []
    start, _, _ = cm.event_dates(ev)
    lo = start.min() if window is None else window[0]
    per_char = _per_char(ev, window, plot_px)
    spans = _spans_to_label(ev, window, skip)
    if spans.empty:
        return []
    pos = {name: i for i, name in enumerate(order)}
    rows = lane.loc[spans.index].map(pos).to_numpy(dtype=float)
    xs = cm.wall(spans["start"]).clip(lower=lo).to_numpy()
    texts = _span_labels(spans).to_numpy(dtype=object)
    axes, name = (("x", "y"), "span") if window is None else (("x2", "y2"), "detail span")
    placed: dict[tuple[float, int], list[tuple[Any, Any]]] = {}
    for row, a, b in taken or []:  # breach brackets and labels sit in the top of a lane
        placed.setdefault((row, 1), []).append((pd.Timestamp(a), pd.Timestamp(b)))
    notes: list[dict[str, Any]] = []
    for row, a, text in zip(rows, xs, texts, strict=True):
        a = pd.Timestamp(a)
        spot = _label_spot(placed, row, a, a + per_char * len(str(text).replace("&amp;", "&")))
        if spot is not None:
            notes.append({
                "x": a, "y": spot[0], "xref": axes[0], "yref": axes[1], "text": text, "showarrow": False,
                "xanchor": "left", "yanchor": spot[1], "font": {"size": 10, "color": "#222222"}, "name": name,
            })
    return notes


def _spans_to_label(ev: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp] | None,
                    skip: tuple[pd.Timestamp, pd.Timestamp] | None) -> pd.DataFrame:
    """The spans to label, longest first (at most ``MAX_SPAN_LABELS``): those overlapping ``window``
    when given, less those wholly inside ``skip``."""
    spans = ev[ev["end"].notna()]
    if window is not None:
        spans = spans[_in_window(spans, window)]
    if skip is not None:
        s_start, s_end = cm.wall(spans["start"]), cm.wall(spans["end"])
        spans = spans[~((s_start >= skip[0]) & (s_end <= skip[1]))]
    length = (spans["end"] - spans["start"]).sort_values(ascending=False, kind="stable")
    return spans.loc[length.index[:MAX_SPAN_LABELS]]


def _label_spot(placed: dict[tuple[float, int], list[tuple[Any, Any]]], row: float, a: pd.Timestamp,
                b: pd.Timestamp) -> tuple[float, str] | None:
    """Where a span label from ``a`` to ``b`` goes in lane ``row``: ``(y, yanchor)`` under its bar,
    else above it, else ``None`` when both are taken; the stretch is then marked as ``placed``."""
    half = style.mark("span_width") / 2
    for level, y, anchor in ((0, row + half, "top"), (1, row - half, "bottom")):
        busy = placed.setdefault((row, level), [])
        if all(b <= p0 or a >= p1 for p0, p1 in busy):
            busy.append((a, b))
            return y, anchor
    return None


# ---------------------------------------------------------------------- detail panel (focus + context)
#: the automatic detail panel shows the busiest window of this length...
DETAIL_WINDOW = pd.Timedelta(hours=36)
#: ...when it holds at least this many events...
DETAIL_MIN_EVENTS = 6
#: ...and the whole chronology is at least this long (else everything is readable already)
DETAIL_MIN_SPAN = pd.Timedelta(days=90)


def _detail_window(ev: pd.DataFrame, detail: bool | tuple[Any, Any] | str | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The detail period (London wall time): as given, else the busiest ``DETAIL_WINDOW``
    (``detail=True`` always finds one; ``"auto"`` only when it is busy and the chronology long)."""
    if isinstance(detail, str):
        cm.check_option("detail", detail, ["auto"])
        detail = None
    if isinstance(detail, tuple):
        a, b = (pd.Timestamp(v) for v in detail)
        a = a.tz_convert("Europe/London").tz_localize(None) if a.tzinfo else a
        b = b.tz_convert("Europe/London").tz_localize(None) if b.tzinfo else b
        if b <= a:
            raise OptionError("detail=(start, end) needs end after start", value=detail,
                              hint="e.g. detail=('2024-10-12', '2024-10-14')")
        return a, b
    start, end, _ = cm.event_dates(ev)
    t = np.sort(start.dropna().to_numpy())
    if len(t) < DETAIL_MIN_EVENTS:
        return None
    reach = end.fillna(start).max()
    if detail is None and (reach - t[0]) < DETAIL_MIN_SPAN:
        return None
    inside = np.searchsorted(t, t + DETAIL_WINDOW.to_timedelta64(), side="right") - np.arange(len(t))
    i = int(np.argmax(inside))
    if detail is None and inside[i] < DETAIL_MIN_EVENTS:
        return None
    last = t[i + int(inside[i]) - 1]
    first = pd.Timestamp(t[i])
    pad = max((pd.Timestamp(last) - first) * 0.08, pd.Timedelta(hours=2))
    return first - pad, pd.Timestamp(last) + pad


def _in_window(ev: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp]) -> pd.Series:
    start, end, _ = cm.event_dates(ev)
    return (start <= window[1]) & (end.fillna(start) >= window[0])


def _detail_traces(go: Any, c: Any, ev: pd.DataFrame, lane: pd.Series, color: str,
                   window: tuple[pd.Timestamp, pd.Timestamp]) -> list[Any]:
    """The event traces again, for the events in ``window``, on the detail axes (no legend)."""
    keep = _in_window(ev, window)
    if not keep.any():
        return []
    sub = _event_traces(go, c, ev[keep], lane[keep], color, gl=False)
    out = []
    for t in sub:
        if t.meta in ("legend", "key"):
            continue
        t.update(xaxis="x2", yaxis="y2", showlegend=False, meta=f"detail {t.meta}")
        out.append(t)
    return out


def _window_mark(window: tuple[pd.Timestamp, pd.Timestamp]) -> dict[str, Any]:
    """Outline, on the overview, of the period the detail panel shows."""
    return {
        "type": "rect", "name": "detail", "xref": "x", "yref": "y domain", "x0": window[0], "x1": window[1],
        "y0": 0, "y1": 1, "line": {"color": "#000000", "width": 1.2, "dash": "dot"}, "fillcolor": "rgba(0,0,0,0)",
    }


def _period_marker(color: str) -> dict[str, Any]:
    """Hatched bar in the key's colour on white: "some time in this period", also in grey print."""
    return {
        "color": color,
        "line": {"width": 1.5, "color": color},
        "pattern": {"shape": style.mark("period_pattern"), "fillmode": "replace", "bgcolor": "#FFFFFF",
                    "fgcolor": color, "fgopacity": 1.0, "solidity": 0.35, "size": 8},
    }


def _span_labels(ev: pd.DataFrame) -> pd.Series:
    """``"A&E, 16 d 5 h"``: the text written inside span bars (the service, else the event type)."""
    labels = {k: style.event_type_span_label(k) for k in ev["event_type"].cat.categories}
    etype = pd.Series(style.map_values(ev["event_type"], labels, "Other"), index=ev.index).astype("str")
    service = ev["service"].astype("str") if "service" in ev else pd.Series(pd.NA, index=ev.index, dtype="str")
    name = etype.where(service.isna(), cm.escape(service.fillna("")))
    # wall-clock length, as the bars are drawn: a placement from 20 March to 24 May is 65 days,
    # not "64 d 23 h" across the change to summer time
    return name + ", " + cm.duration_text(cm.wall(ev["end"]) - cm.wall(ev["start"]))


def _symbol_key(go: Any, ev: pd.DataFrame) -> list[Any]:
    """Legend-only entries explaining the event-type symbols (when colour shows something else)."""
    seen = set(ev["event_type"].astype("str").unique())
    present = [k for k in ev["event_type"].cat.categories if k in seen]
    return [
        go.Scatter(
            x=[None], y=[None], mode="markers", name=style.event_type_label(k), meta="key",
            legendgroup="symbols", legendgrouptitle={"text": "Symbols"}, hoverinfo="skip",
            marker={"symbol": style.event_type_symbol(k), "color": "#FFFFFF", "size": style.mark("marker_size"), "line": {"width": 1.5, "color": "#303030"}},
        )
        for k in present
    ]


def _count_traces(go: Any, ev: pd.DataFrame, lane: pd.Series, gl: bool) -> tuple[list[Any], str]:
    """Counts of events per lane and day/week, as sized and coloured markers."""
    start = cm.wall(ev["start"])
    days = (start.max() - start.min()).days
    freq, word = ("D", "day") if days <= 366 else ("W", "week")
    period = start.dt.to_period(freq).dt.start_time
    counts = (
        pd.DataFrame({"lane": lane.astype("str").to_numpy(), "period": period.to_numpy()})
        .groupby(["lane", "period"], sort=False).size().rename("n").reset_index()
    )
    first = counts["period"].dt.strftime("%d/%m/%Y")
    what = "on " + first if freq == "D" else "in the week of " + first
    hover = "<b>" + counts["lane"] + "</b><br>" + counts["n"].astype("str") + " events " + what
    n = counts["n"].to_numpy()
    Scatter = go.Scattergl if gl else go.Scatter
    trace = Scatter(
        x=counts["period"].to_numpy(), y=counts["lane"].to_numpy(dtype=object), mode="markers",
        name=f"events per {word}", meta="counts", hovertext=hover.to_numpy(dtype=object), hoverinfo="text",
        marker={
            "size": n, "sizemode": "area", "sizeref": 2.0 * float(n.max()) / 22.0**2, "sizemin": 3,
            "color": n, "colorscale": style.mark("sequential"), "showscale": True,
            "colorbar": {"title": {"text": f"events<br>per {word}"}, "thickness": 12},
            "line": {"width": 0.5, "color": "#303030"},
        },
    )
    return [trace], word


# ---------------------------------------------------------------------- layout and marks
#: pixels, from the top of the figure: the title, each line of notes under it, and the row of range
#: buttons that sits between the notes and the plot
TITLE_TOP, TITLE_PX, NOTE_PX, BUTTONS_PX = 12, 26, 15, 34


def _layout(title: str, order: list[str], height: int | None, legend_title: str, legend_px: int = 0,
            window: tuple[pd.Timestamp, pd.Timestamp] | None = None, auto_window: bool = True,
            notes: list[str] | None = None) -> dict[str, Any]:
    """The timeline's layout. The title is pinned to the top of the figure and the ``notes`` (the
    key to the marks, what was left out) are written under it, one per line, with the range buttons
    below them: nothing is written between the date labels, the range slider and the axis title."""
    lane_px = 56 if len(order) <= 12 else 34 if len(order) <= 40 else 20
    lanes_px = lane_px * len(order)
    if window is not None:  # the detail panel: the same lanes again, with room for its axis
        lanes_px = int(lanes_px * 1.9) + 90
    notes = [n for n in (notes or []) if n]
    top = TITLE_TOP + TITLE_PX + NOTE_PX * len(notes) + BUTTONS_PX
    # the legend sits beside the plot area (plot height = figure height less ~200 px of title,
    # axis and range slider), so the figure grows until the whole legend fits
    auto = max(380, 150 + top + lanes_px, legend_px + 120 + top)
    lay = cm.base_layout(title, height or auto)
    lay["title"].update(
        y=1, yref="container", yanchor="top", pad={"t": TITLE_TOP},
        subtitle={"text": "<br>".join(notes), "font": {"size": 11, "color": "#555555"}},
    )
    lay.update(
        barmode="overlay",
        hovermode="closest",
        showlegend=True,
        legend={"title": {"text": legend_title}, "itemsizing": "constant", "y": 1, "yanchor": "top"},
        uniformtext={"minsize": 9, "mode": "hide"},
        xaxis={
            "type": "date",
            "title": {"text": "Date"},
            "showgrid": True,
            "rangeslider": {"visible": True, "thickness": 0.05},
            "tickformatstops": [
                {"dtickrange": [None, 86_400_000], "value": "%d %b %Y %H:%M"},
                {"dtickrange": [86_400_000, "M1"], "value": "%d %b %Y"},
                {"dtickrange": ["M1", "M12"], "value": "%b %Y"},
                {"dtickrange": ["M12", None], "value": "%Y"},
            ],
            "rangeselector": {
                "x": 1.0, "xanchor": "right", "y": 1.01, "yanchor": "bottom",
                "buttons": [
                    {"count": 7, "label": "1w", "step": "day", "stepmode": "backward"},
                    {"count": 1, "label": "1m", "step": "month", "stepmode": "backward"},
                    {"count": 6, "label": "6m", "step": "month", "stepmode": "backward"},
                    {"count": 1, "label": "1y", "step": "year", "stepmode": "backward"},
                    {"step": "all", "label": "all"},
                ]
            },
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": order,
            "range": [len(order) - 0.5, -0.5],
            "autorange": False,
            "fixedrange": True,
            "showgrid": False,
            "automargin": True,
            "ticks": "",
        },
    )
    lay["margin"] = {"l": 10, "r": 10, "t": top, "b": 90}
    if window is not None:  # the whole chronology first (top), the detail under it
        split = 0.42
        lay["yaxis"]["domain"] = [split + 0.16, 1.0]
        lay["xaxis"]["rangeslider"] = {"visible": False}
        lay["xaxis"]["title"] = {"text": "Whole chronology (the dotted box is the period shown in detail below)",
                                 "standoff": 4}
        a, b = window
        lay["xaxis2"] = {
            "type": "date", "anchor": "y2", "range": [a, b], "showgrid": True,
            "tickformatstops": lay["xaxis"]["tickformatstops"],
            "title": {"text": f"Detail: {a:%a %d/%m/%Y %H:%M} to {b:%a %d/%m/%Y %H:%M}"
                      + (" (the busiest hours)" if auto_window else ""), "standoff": 4},
        }
        lay["yaxis2"] = {**lay["yaxis"], "domain": [0, split], "anchor": "x2"}
    return lay


def _lane_stripes(order: list[str], yref: str = "y") -> list[dict[str, Any]]:
    """Light stripes behind every other lane, so a mark is read against the right agency."""
    if len(order) > 80:
        return []
    return [
        {
            "type": "rect", "name": "lane", "xref": "paper", "yref": yref, "x0": 0, "x1": 1,
            "y0": i - 0.5, "y1": i + 0.5, "fillcolor": "#F2F2F2", "line": {"width": 0}, "layer": "below",
        }
        for i in range(0, len(order), 2)
    ]


def _case_rows(order: list[str]) -> dict[str, tuple[int, int]]:
    """For multi-case lanes (``"case · Agency"``): the first and last lane index of each case."""
    rows: dict[str, tuple[int, int]] = {}
    for i, name in enumerate(order):
        case = name.split(" · ", 1)[0]
        lo, _ = rows.get(case, (i, i))
        rows[case] = (lo, i)
    return rows


def _gap_marks(c: Any, ev: pd.DataFrame, order: list[str], min_days: float,
               plot_px: float = _PLOT_PX) -> tuple[list[dict[str, Any]], list[str]]:
    """Grey bands over each gap of ``min_days`` or more (the longest ``MAX_GAPS``), labelled with
    their length where the label fits in the band; and the notes to write under the title."""
    g = _gaps_frame(c, min_days)
    if g is None or g.empty:
        return [], []
    g = g.nlargest(MAX_GAPS, "days") if len(g) > MAX_GAPS else g
    multi = len(order) > 0 and " · " in order[0] and g.get("case_id") is not None and cm.several(ev["case_id"])
    rows = _case_rows(order) if multi else {}
    x0 = cm.wall(g["start"]).to_numpy()
    x1 = cm.wall(g["end"]).to_numpy()
    days = g["days"].to_numpy(dtype=float)
    approx = g["approximate"].fillna(False).to_numpy(dtype=bool) if "approximate" in g else np.zeros(len(g), bool)
    cases = cm.escape(g["case_id"].astype("str")).to_numpy(dtype=object) if "case_id" in g else np.full(len(g), None)
    per_char = _per_char(ev, None, plot_px)
    # on a multi-case timeline a gap covers its own case's lanes (rows is empty otherwise)
    shapes = [_gap_band(a, b, d, ap, rows.get(case), per_char)
              for a, b, d, ap, case in zip(x0, x1, days, approx, cases, strict=True)]
    notes = [f"Only the {MAX_GAPS} longest gaps are shaded."] if len(g) == MAX_GAPS else []
    return shapes, notes


def _gap_band(a: Any, b: Any, days: float, approx: bool, lanes: tuple[int, int] | None,
              per_char: pd.Timedelta) -> dict[str, Any]:
    """The grey band of one gap, over the lanes ``(first, last)`` given, else the plot's height;
    labelled with its length when that fits in the band (dotted outline when approximate)."""
    label = f"{'c. ' if approx else ''}{days:.0f} days"
    if pd.Timestamp(b) - pd.Timestamp(a) < per_char * len(label):
        label = ""  # too narrow to write in: the band alone (labels would overprint each other)
    shape: dict[str, Any] = {
        "type": "rect", "name": "gap", "xref": "x", "x0": a, "x1": b, "layer": "below",
        "fillcolor": style.mark("gap_fill"), "opacity": style.mark("gap_opacity"),
        "line": {"width": 1 if approx else 0, "dash": "dot", "color": "#777777"},
        "label": {"text": label, "textposition": "top center", "font": {"size": 10, "color": "#333333"}},
    }
    if lanes is not None:
        lo, hi = lanes
        shape.update(yref="y", y0=lo - 0.5, y1=hi + 0.5)
    else:
        shape.update(yref="y domain", y0=0, y1=1)
    return shape


def _gaps_frame(c: Any, min_days: float) -> pd.DataFrame | None:
    g = cm.tables_of(c, {"gaps": {"min_days": min_days}})["gaps"]
    if g is None or g.empty:
        return None
    return g[g["days"] >= min_days]


def _breach_marks(c: Any, ev: pd.DataFrame, lane: pd.Series, order: list[str],
                  plot_px: float = _PLOT_PX) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[float, Any, Any]]]:
    """A vermillion bracket for each breached timescale (:meth:`Chronology.breaches`): from the start
    event to the end event (or, when none was recorded in time, to the due date), on the lane of the
    start event, labelled with the rule, the time taken and the limit. Also returns, for each,
    ``(lane, from, to)``: the stretch its bracket and label take (so span labels can avoid it)."""
    cc = cm.tables_of(c, ["breaches"])
    b = cc["breaches"]
    if b is None or b.empty or "breached" not in b:
        return [], [], []
    b = b[b["breached"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
    if "start_event_id" in b and cc.events is not ev:  # (it always is: breaches come from these events)
        b = b[b["start_event_id"].astype("str").isin(ev["event_id"].astype("str"))]
    if b.empty:
        return [], [], []
    b = b.sort_values("start", kind="stable").head(MAX_BREACHES)
    pos = {name: i for i, name in enumerate(order)}
    lane_of = pd.Series(lane.to_numpy(), index=ev["event_id"].astype("str").to_numpy())
    due = cm.wall(b["due_by"]) if "due_by" in b else pd.Series(pd.NaT, index=b.index)
    end = cm.wall(b["end"]) if "end" in b else pd.Series(pd.NaT, index=b.index)
    start = cm.wall(b["start"])
    marks = pd.DataFrame({
        "row": b["start_event_id"].astype("str").map(lane_of).map(pos).fillna(0).astype("int64"),
        "x0": start, "x1": end.where(end.notna(), due).fillna(start), "text": _breach_text(b),
    }).dropna(subset=["x0"])
    # rules breached over the same stretch (A&E 4 and 12 hours) share one bracket and one label
    grouped = marks.groupby(["row", "x0", "x1"], sort=False)["text"]
    marks = grouped.first().to_frame().assign(
        n=grouped.size(), all=grouped.agg("<br>".join)
    ).reset_index()
    # every rule breached over the stretch is written, one per line (none hidden behind "+1 more")
    marks["text"] = marks["all"]
    level = marks.groupby("row").cumcount() % 3  # stack up to three brackets in a lane
    marks["y"] = marks["row"] - 0.42 + 0.14 * level
    color = style.mark("breach_color")
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    per_char = _per_char(ev, None, plot_px)
    taken = [(float(r), a, pd.Timestamp(z) + per_char * max(len(line) for line in str(t).split("<br>")))
             for r, a, z, t in zip(marks["row"], marks["x0"], marks["x1"], marks["text"], strict=True)]
    for a, z, yy, t, full in zip(marks["x0"].to_numpy(), marks["x1"].to_numpy(), marks["y"].to_numpy(dtype=float),
                                 marks["text"], marks["all"], strict=True):
        shapes.append({
            "type": "line", "name": "breach", "xref": "x", "yref": "y", "x0": a, "x1": z, "y0": yy, "y1": yy,
            "line": {"color": color, "width": 2.5, "dash": "dash"},
        })
        shapes += [
            {"type": "line", "name": "breach", "xref": "x", "yref": "y", "x0": xe, "x1": xe,
             "y0": yy - 0.06, "y1": yy + 0.06, "line": {"color": color, "width": 2.5}}
            for xe in (a, z)
        ]
        notes.append({
            "x": z, "y": yy, "xref": "x", "yref": "y", "text": t, "hovertext": full, "showarrow": False,
            "xanchor": "left", "yanchor": "middle", "xshift": 4, "font": {"size": 10, "color": color},
            "bgcolor": "rgba(255,255,255,0.85)", "name": "breach",
        })
    return shapes, notes, taken


def _breach_text(b: pd.DataFrame) -> pd.Series:
    """``"⚠ Child and family assessment: 52 working days (limit 45 working days)"``, or for a step
    never recorded: ``"⚠ ...: none recorded by 12/04/2024 (limit 15 working days)"``."""
    name = b["rule"].astype("str").map(style.pretty) if "rule" in b else pd.Series("Timescale", index=b.index)
    limit = b["limit"].astype("str").fillna("")
    taken, _, _ = cm.against_limit(b) if "limit" in b else (pd.Series("", index=b.index), None, None)
    out = "⚠ " + name + ": " + taken
    if "due_by" in b:
        due = cm.wall(b["due_by"]).dt.strftime("%d/%m/%Y").fillna("?")
        out = out.where(taken.ne(""), "⚠ " + name + ": none recorded by " + due)
    if "approximate" in b:
        out = out.where(~b["approximate"].astype("boolean").fillna(False), out + " (approx.)")
    return out.where(limit.eq(""), out + " (limit " + limit + ")")
