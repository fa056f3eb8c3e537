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
week (aggregated) unless ``aggregate=False``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..errors import ChronologyError
from . import _common as cm
from . import style

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..chronology import Chronology

__all__ = ["AGGREGATE_ABOVE", "WEBGL_ABOVE", "timeline"]

#: draw markers with WebGL (Scattergl) above this many events when ``webgl=None``
WEBGL_ABOVE = 2_000
#: draw counts per lane and period instead of single events above this many events
AGGREGATE_ABOVE = 20_000
#: at most this many gaps and breaches are drawn (the longest / the worst first)
MAX_GAPS = 150
MAX_BREACHES = 60

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
) -> go.Figure:
    """An interactive timeline of a chronology: one swimlane per agency.

    Parameters
    ----------
    c
        The chronology (not modified). With several cases, each case has its own lanes
        (``"cassie · Police"``).
    color
        What colours the marks: ``"event_type"`` (Okabe–Ito colour of the type's family, a symbol per
        type), ``"agency"`` or ``"theme"`` (tags the events first when ``c.tags`` is ``None``; an event
        with several themes is drawn once per theme, so clicking a theme in the legend shows all its
        events). Symbols always follow the event type.
    gaps
        Shade periods with no recorded event of at least ``min_gap_days`` days
        (:meth:`Chronology.gaps`), labelled with their length.
    breaches
        Annotate statutory timescale breaches (:meth:`Chronology.breaches`) with a bracket from the
        start event to the end (or the deadline), the rule and the time taken.
    min_gap_days
        Shortest gap shaded.
    webgl
        Draw markers with WebGL (``Scattergl``); ``None`` (default) does so above 2,000 events.
    height
        Figure height in pixels; by default it grows with the number of lanes.
    title
        Figure title; by default the chronology's title or case id.
    aggregate
        Draw counts of events per lane and day (or week, over more than a year) instead of single
        events; ``None`` (default) does so above 20,000 events, and says so in the title.

    Returns
    -------
    plotly.graph_objects.Figure
        Lanes are the categories of ``layout.yaxis.categoryarray`` (top to bottom); x is London wall
        time. Each trace's ``meta`` says what it draws (``"points"``, ``"spans"``, ``"periods"``,
        ``"counts"``); gap and breach shapes are named ``"gap"`` and ``"breach"``.

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
    heading = title if title is not None else cm.title_of(c, "Timeline")
    if ev.empty:
        return cm.empty_figure(heading, "No events to draw")
    lane, order = cm.lanes(ev)
    n = len(ev)
    agg = aggregate if aggregate is not None else n > AGGREGATE_ABOVE
    gl = webgl if webgl is not None else n > WEBGL_ABOVE
    if agg:
        traces, freq_word = _count_traces(go, ev, lane, gl)
        heading = f"{heading}<br><sup>{n:,} events drawn as counts per lane and {freq_word} (aggregated); filter the chronology to see single events</sup>"
        legend_title = "Events"
    else:
        traces = _event_traces(go, c, ev, lane, color, gl)
        legend_title = {"event_type": "Event type", "agency": "Agency", "theme": "Theme"}[color]
    fig = go.Figure(data=traces)
    fig.update_layout(**_layout(heading, order, height, legend_title))
    shapes: list[dict[str, Any]] = _lane_stripes(order)
    annotations: list[dict[str, Any]] = []
    if not agg:
        annotations.append(_note(LEGEND_NOTE))
    if gaps:
        g_shapes, g_notes = _gap_marks(c, ev, order, min_gap_days)
        shapes += g_shapes
        annotations += g_notes
    if breaches:
        b_shapes, b_notes = _breach_marks(c, ev, lane, order)
        shapes += b_shapes
        annotations += b_notes
    fig.update_layout(shapes=shapes, annotations=annotations)
    return fig


# ---------------------------------------------------------------------- traces
def _keys(c: Any, ev: pd.DataFrame, color: str) -> tuple[pd.DataFrame, pd.Series, list[str], dict[str, str], dict[str, str], pd.Series | None]:
    """The events to draw (exploded by theme when colouring by theme), the legend key of each,
    the key order, key labels, key colours, and extra hover lines."""
    if color == "event_type":
        key = ev["event_type"].astype("str")
        cats = [k for k in ev["event_type"].cat.categories if k in set(key)]
        return ev, key, cats, {k: style.event_type_label(k) for k in cats}, {k: style.event_type_color(k) for k in cats}, None
    if color == "agency":
        key = ev["agency"].astype("str")
        cats = [k for k in ev["agency"].cat.categories if k in set(key)]
        return ev, key, cats, {k: style.agency_label(k) for k in cats}, {k: style.agency_color(k) for k in cats}, None
    tags = _tags_of(c)
    pairs = tags[["event_id", "theme"]].drop_duplicates()
    pairs = pairs[pairs["event_id"].isin(ev["event_id"])]
    listed = pairs.groupby("event_id", sort=False)["theme"].agg(lambda s: ", ".join(style.pretty(t) for t in s))
    counts = pairs["theme"].value_counts()
    themes = counts.index.astype("str").tolist()
    ex = ev.merge(pairs, on="event_id", how="left", sort=False)
    key = ex["theme"].astype("str").fillna("(no theme)")
    colors = style.theme_colors(themes)
    colors["(no theme)"] = style.no_theme_color()
    labels = {t: f"{style.pretty(t)} ({counts[t]})" for t in themes}
    labels["(no theme)"] = "No theme"
    extra = "<b>Themes:</b> " + ex["event_id"].map(listed).astype("str")
    order = themes + (["(no theme)"] if key.eq("(no theme)").any() else [])
    return ex, key, order, labels, colors, extra


def _tags_of(c: Any) -> pd.DataFrame:
    from ..chronology import Chronology

    if not isinstance(c, Chronology):
        c = cm.as_chronology(c)
    if c.tags is not None:
        return c.tags
    try:
        tagged = c.tag()
    except ImportError as exc:
        raise ChronologyError(
            "colouring by theme needs the theme tagger (chronology.themes), which is not available",
            hint="use color='event_type' or color='agency'",
        ) from exc
    assert tagged.tags is not None
    return tagged.tags


def _event_traces(go: Any, c: Any, ev: pd.DataFrame, lane: pd.Series, color: str, gl: bool) -> list[Any]:
    ev, key, order, labels, colors, extra = _keys(c, ev, color)
    lane = lane.reindex(ev.index) if len(lane) == len(ev) else cm.lanes(ev)[0]
    start, end, approx = cm.event_dates(ev)
    span = ev["end"].notna().to_numpy()
    approx_a = approx.to_numpy()
    point = ~approx_a
    hover = cm.hover_text(ev, extra).to_numpy(dtype=object)
    types = {k: style.event_type_symbol(k) for k in ev["event_type"].cat.categories}
    symbol = style.map_values(ev["event_type"], types, "circle")
    unc = ev["uncertain"].to_numpy(dtype=bool) if "uncertain" in ev else np.zeros(len(ev), bool)
    symbol = np.where(unc, symbol + "-open", symbol).astype(object)
    length = cm.ms(end - start)
    span_text = _span_labels(ev).to_numpy(dtype=object)
    x = start.to_numpy()
    y = lane.astype("str").to_numpy(dtype=object)
    ids = ev["event_id"].astype("str").to_numpy(dtype=object)
    Scatter = go.Scattergl if gl else go.Scatter
    size = style.mark("marker_size")
    line = {"width": 1, "color": style.mark("marker_line")}
    groups = pd.Series(np.arange(len(ev))).groupby(key.to_numpy(), sort=False).indices
    traces: list[Any] = []
    for k in order:
        idx = groups.get(k)
        if idx is None:
            continue
        col = colors[k]
        p = idx[point[idx]]
        if len(p):
            traces.append(
                Scatter(
                    x=x[p], y=y[p], mode="markers", name=labels[k], legendgroup=k, meta="points",
                    marker={"symbol": symbol[p], "color": col, "size": size, "line": line},
                    hovertext=hover[p], hoverinfo="text", customdata=ids[p],
                )
            )
        shown = len(p) > 0
        for kind, sel in (("spans", idx[span[idx]]), ("periods", idx[approx_a[idx]])):
            if not len(sel):
                continue
            periods = kind == "periods"
            first, shown = not shown, True
            traces.append(
                go.Bar(
                    base=x[sel], x=length[sel], y=y[sel], orientation="h", name=labels[k],
                    legendgroup=k, showlegend=first,
                    meta=kind, customdata=ids[sel], hovertext=hover[sel], hoverinfo="text",
                    width=style.mark("period_width" if periods else "span_width"),
                    opacity=style.mark("period_opacity" if periods else "span_opacity"),
                    marker={
                        "color": col,
                        "line": {"width": 1, "color": col if periods else style.mark("marker_line")},
                        "pattern": {"shape": style.mark("period_pattern") if periods else "", "fgcolor": col, "solidity": 0.4},
                    },
                    text=None if periods else span_text[sel], textposition="inside",
                    insidetextanchor="start", textfont={"size": 11},
                )
            )
    if color != "event_type":
        traces += _symbol_key(go, ev)
    return traces


def _span_labels(ev: pd.DataFrame) -> pd.Series:
    """``"A&E / clinic attendance, 16 d 5 h"``: the text written inside span bars."""
    labels = {k: style.event_type_label(k) for k in ev["event_type"].cat.categories}
    etype = pd.Series(style.map_values(ev["event_type"], labels, "Other"), index=ev.index).astype("str")
    service = ev["service"].astype("str") if "service" in ev else pd.Series(pd.NA, index=ev.index, dtype="str")
    name = etype.where(service.isna(), service.fillna("") + " " + etype.str.lower())
    return name + ", " + cm.duration_text(ev["end"] - ev["start"])


def _symbol_key(go: Any, ev: pd.DataFrame) -> list[Any]:
    """Legend-only entries explaining the event-type symbols (when colour shows something else)."""
    present = [k for k in ev["event_type"].cat.categories if k in set(ev["event_type"].astype("str"))]
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
def _layout(title: str, order: list[str], height: int | None, legend_title: str) -> dict[str, Any]:
    lay = cm.base_layout(title, height or max(360, 170 + 44 * len(order)))
    lay.update(
        barmode="overlay",
        hovermode="closest",
        showlegend=True,
        legend={"title": {"text": legend_title}, "groupclick": "toggleitem", "itemsizing": "constant"},
        uniformtext={"minsize": 9, "mode": "hide"},
        xaxis={
            "type": "date",
            "title": {"text": "Date"},
            "showgrid": True,
            "rangeslider": {"visible": True, "thickness": 0.05},
            "rangeselector": {
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
    lay["margin"] = {"l": 10, "r": 10, "t": 80, "b": 90}
    return lay


def _lane_stripes(order: list[str]) -> list[dict[str, Any]]:
    """Light stripes behind every other lane, so a mark is read against the right agency."""
    if len(order) > 80:
        return []
    return [
        {
            "type": "rect", "name": "lane", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
            "y0": i - 0.5, "y1": i + 0.5, "fillcolor": "#F2F2F2", "line": {"width": 0}, "layer": "below",
        }
        for i in range(0, len(order), 2)
    ]


def _note(text: str) -> dict[str, Any]:
    return {
        "text": text, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": -0.02,
        "xanchor": "left", "yanchor": "top", "font": {"size": 11, "color": "#555555"}, "name": "note",
    }


def _case_rows(order: list[str]) -> dict[str, tuple[int, int]]:
    """For multi-case lanes (``"case · Agency"``): the first and last lane index of each case."""
    rows: dict[str, tuple[int, int]] = {}
    for i, name in enumerate(order):
        case = name.split(" · ", 1)[0]
        lo, _ = rows.get(case, (i, i))
        rows[case] = (lo, i)
    return rows


def _gap_marks(c: Any, ev: pd.DataFrame, order: list[str], min_days: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Grey bands over each gap of ``min_days`` or more (the longest ``MAX_GAPS``), labelled."""
    g = _gaps_frame(c, min_days)
    if g is None or g.empty:
        return [], []
    g = g.nlargest(MAX_GAPS, "days") if len(g) > MAX_GAPS else g
    multi = len(order) > 0 and " · " in order[0] and g.get("case_id") is not None and ev["case_id"].nunique() > 1
    rows = _case_rows(order) if multi else {}
    x0 = cm.wall(g["start"]).to_numpy()
    x1 = cm.wall(g["end"]).to_numpy()
    days = g["days"].to_numpy(dtype=float)
    approx = g["approximate"].fillna(False).to_numpy(dtype=bool) if "approximate" in g else np.zeros(len(g), bool)
    cases = g["case_id"].astype("str").to_numpy(dtype=object) if "case_id" in g else np.full(len(g), None)
    shapes = []
    for a, b, d, ap, case in zip(x0, x1, days, approx, cases, strict=True):
        label = f"{'c. ' if ap else ''}{d:.0f} days"
        shape: dict[str, Any] = {
            "type": "rect", "name": "gap", "xref": "x", "x0": a, "x1": b, "layer": "below",
            "fillcolor": style.mark("gap_fill"), "opacity": style.mark("gap_opacity"),
            "line": {"width": 1 if ap else 0, "dash": "dot", "color": "#777777"},
            "label": {"text": label, "textposition": "top center", "font": {"size": 10, "color": "#333333"}},
        }
        if multi and case in rows:
            lo, hi = rows[case]
            shape.update(yref="y", y0=lo - 0.5, y1=hi + 0.5)
        else:
            shape.update(yref="paper", y0=0, y1=1)
        shapes.append(shape)
    notes = []
    if len(g) == MAX_GAPS:
        notes.append({**_note(f"Only the {MAX_GAPS} longest gaps are shaded."), "y": -0.07})
    return shapes, notes


def _gaps_frame(c: Any, min_days: float) -> pd.DataFrame | None:
    from ..chronology import Chronology

    cc = c if isinstance(c, Chronology) else cm.as_chronology(c)
    g = cc.gaps(min_days=min_days)
    if g is None or g.empty:
        return None
    g = g[g["days"] >= min_days]
    return g


def _breach_marks(c: Any, ev: pd.DataFrame, lane: pd.Series, order: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A vermillion bracket from each breached rule's start event to its end (or to today's data end),
    on the lane of the start event, with the rule, the time taken and the limit."""
    from ..chronology import Chronology

    cc = c if isinstance(c, Chronology) else cm.as_chronology(c)
    b = cc.breaches()
    if b is None or b.empty:
        return [], []
    b = _breached_only(b)
    if b.empty:
        return [], []
    b = b.head(MAX_BREACHES)
    pos = {name: i for i, name in enumerate(order)}
    lane_of = pd.Series(lane.to_numpy(), index=ev["event_id"].astype("str").to_numpy())
    start_ids = b["start_event_id"].astype("str") if "start_event_id" in b else pd.Series(pd.NA, index=b.index, dtype="str")
    lanes_b = start_ids.map(lane_of)
    x0 = cm.wall(b["start"]).to_numpy()
    end_col = b["end"] if "end" in b else pd.Series(pd.NaT, index=b.index)
    due = b["due"] if "due" in b else pd.Series(pd.NaT, index=b.index)
    to = end_col.where(end_col.notna(), due)
    x1 = cm.wall(to).to_numpy()
    text = _breach_text(b).to_numpy(dtype=object)
    color = style.mark("breach_color")
    shapes, notes = [], []
    for a, z, ln, t in zip(x0, x1, lanes_b.to_numpy(dtype=object), text, strict=True):
        if pd.isna(a):
            continue
        z = a if pd.isna(z) else z
        i = pos.get(ln, 0) if isinstance(ln, str) else 0
        y = i - 0.36
        shapes.append({
            "type": "line", "name": "breach", "xref": "x", "yref": "y", "x0": a, "x1": z, "y0": y, "y1": y,
            "line": {"color": color, "width": 2.5, "dash": "dash"},
        })
        for xe in (a, z):
            shapes.append({
                "type": "line", "name": "breach", "xref": "x", "yref": "y", "x0": xe, "x1": xe,
                "y0": y - 0.08, "y1": y + 0.08, "line": {"color": color, "width": 2.5},
            })
        notes.append({
            "x": z, "y": y, "xref": "x", "yref": "y", "text": t, "showarrow": False, "xanchor": "left",
            "yanchor": "middle", "font": {"size": 10, "color": color}, "bgcolor": "rgba(255,255,255,0.8)",
            "name": "breach",
        })
    return shapes, notes


def _breached_only(b: pd.DataFrame) -> pd.DataFrame:
    for col in ("breached", "breach"):
        if col in b:
            return b[b[col].fillna(False).astype(bool)]
    return b


def _breach_text(b: pd.DataFrame) -> pd.Series:
    """``"⚠ Assessment: 52 working days (limit 45 working days)"``."""
    name = b["rule"] if "rule" in b else (b["name"] if "name" in b else pd.Series("timescale", index=b.index))
    name = name.astype("str").map(style.pretty)
    taken = pd.Series("", index=b.index, dtype="str")
    unit_col = b["unit"].astype("str") if "unit" in b else None
    for col, word in (("working_days", "working days"), ("days", "days"), ("hours", "hours")):
        if col in b:
            val = b[col].astype("Float64").round(1).astype("str").str.replace(r"\.0$", "", regex=True)
            use = taken.eq("") & b[col].notna()
            if unit_col is not None:
                use &= unit_col.str.contains(col.split("_")[0]) | ~unit_col.str.contains("day|hour")
            taken = taken.where(~use, val + " " + word)
    limit = b["limit"].astype("str") if "limit" in b else pd.Series("", index=b.index, dtype="str")
    out = "⚠ " + name + ": " + taken.fillna("not done")
    out = out.where(taken.ne(""), "⚠ " + name + ": not done")
    return out.where(limit.isna() | limit.eq(""), out + " (limit " + limit + ")")
