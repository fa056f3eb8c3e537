"""Charts of the analyses: gaps, intervals against their limits, activity, themes, the child's voice.

Each takes a :class:`~chronology.Chronology` (or the result frame of the matching metric) and returns a
plotly ``Figure`` in the shared visual language (:mod:`chronology.plot.style`). Inputs are not modified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from ..metrics import describe
from ..rules import Interval
from . import _common as cm
from . import style

if TYPE_CHECKING:
    from collections.abc import Sequence

    import plotly.graph_objects as go

    from ._common import ChronologyLike as Chronology

__all__ = ["activity_heatmap", "gap_chart", "interval_chart", "theme_matrix", "voice_strip"]

_WITHIN = "#0072B2"  # Okabe-Ito blue
_SEEN = "#009E73"  # Okabe-Ito bluish green
_GREY = "#9E9E9E"


def _is_chronology(c: Any) -> bool:
    return hasattr(c, "tables") and not isinstance(c, pd.DataFrame)


# ---------------------------------------------------------------------- gaps
def gap_chart(c: Chronology | pd.DataFrame, min_days: float = 14, *, by: Literal["agency"] | None = None,
              title: str | None = None) -> go.Figure:
    """The gaps with no recorded event, as bars of their length against the ``min_days`` threshold.

    Parameters
    ----------
    c
        A Chronology (its :meth:`~chronology.Chronology.gaps` are computed) or a gaps frame with
        ``start, end, days`` (and optionally ``approximate``, ``case_id``, ``agency``).
    min_days
        Shortest gap shown; drawn as a dashed line.
    by
        ``"agency"``: gaps within each agency's own record (one colour per agency).
    title
        Figure title, used as given (markup in it is shown as text); by default the chronology's
        title followed by what the chart shows.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar per gap (``meta="gaps"``), in date order from the top, labelled with its
        dates; approximate gaps (from a date known only to the week or month) are hatched.

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2024-03-01"]),
    ...                   "end": pd.to_datetime(["2024-02-10", "2024-03-20"]), "days": [40.0, 19.0]})
    >>> fig = gap_chart(g)
    >>> fig.data[0].x.tolist(), fig.layout.shapes[0].x0
    ([40.0, 19.0], 14)
    """
    go = cm.go_module()
    if by is not None:
        cm.check_option("by", by, ("agency",))
    g, base = _gaps_of(c, min_days, by)
    # a title given is used as given (escaped); the default says what is drawn
    heading = cm.safe(title) if title is not None else (
        f"{base}: periods of {min_days:g}+ days with no recorded event" + (" (per agency)" if by else ""))
    if g is not None and not g.empty:
        g = g[g["days"] >= min_days].sort_values("start", kind="stable")
    if g is None or g.empty:
        return cm.empty_figure(heading, f"No gaps of {min_days:g} days or more")
    label = _gap_labels(g, by)
    approx = g["approximate"].fillna(False).astype(bool) if "approximate" in g else pd.Series(False, index=g.index)
    days = g["days"].astype(float)
    text = days.round(0).astype("int64").astype("str") + " days"
    text = text.where(~approx, "c. " + text)
    if by and "agency" in g:
        colors = style.map_values(g["agency"], style.agency_colors(), _GREY)
    else:
        colors = np.full(len(g), "#555555", dtype=object)
    fig = go.Figure(go.Bar(
        x=days.to_numpy(), y=label.to_numpy(dtype=object), orientation="h", meta="gaps", name="gap",
        text=text.to_numpy(dtype=object), textposition="outside", cliponaxis=False,
        hovertext=_gap_hover(g, label, days, approx).to_numpy(dtype=object), hoverinfo="text",
        marker={"color": colors, "pattern": {"shape": np.where(approx, "/", "").astype(object)}},
    ))
    lay = cm.base_layout(heading, max(300, 150 + 26 * len(g)))
    lay.update(
        xaxis={"title": {"text": "Days with no recorded event"}, "range": [0, max(float(days.max()), min_days) * 1.15]},
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        showlegend=False,
        shapes=[{"type": "line", "name": "threshold", "xref": "x", "yref": "paper", "x0": min_days,
                 "x1": min_days, "y0": 0, "y1": 1, "line": {"dash": "dash", "color": "#000000", "width": 1.5},
                 "label": {"text": f"threshold {min_days:g} days", "textposition": "end", "textangle": 0,
                           "yanchor": "bottom", "font": {"size": 11}}}],
    )
    fig.update_layout(**lay)
    return fig


def _gaps_of(c: Chronology | pd.DataFrame, min_days: float, by: str | None) -> tuple[pd.DataFrame | None, str]:
    """The gaps to draw (computed for a Chronology or an events frame, else ``c`` itself) and the
    default title's start."""
    if _is_chronology(c) or (isinstance(c, pd.DataFrame) and "event_type" in c):
        g = cm.tables_of(c, {"gaps": {"min_days": min_days, "by": by}})["gaps"]
        # a gap names its events by id: their text is joined for the hover
        return describe(g, cm.events_of(c)), cm.title_of(c, "Gaps")
    return cast(pd.DataFrame, c), "Gaps"


def _gap_labels(g: pd.DataFrame, by: str | None) -> pd.Series:
    """Each gap's bar label: its dates, after the agency (``by="agency"``) and the case (several)."""
    start, end = cm.wall(g["start"]), cm.wall(g["end"])
    label = start.dt.strftime("%d/%m/%Y") + " to " + end.dt.strftime("%d/%m/%Y")
    if "agency" in g and by:
        ag = pd.Series(style.map_values(g["agency"], style.agency_labels(), "Other"), index=g.index)
        label = ag.astype("str") + ": " + label
    if "case_id" in g and cm.several(g["case_id"]):
        label = cm.escape(g["case_id"].astype("str")) + " · " + label
    return label


def _gap_hover(g: pd.DataFrame, label: pd.Series, days: pd.Series, approx: pd.Series) -> pd.Series:
    """Each gap's hover: dates, length (and working days), the events either side, approximate."""
    hover = "<b>" + label + "</b><br>" + days.round(1).astype("str") + " days with no recorded event"
    if "working_days" in g:
        hover = hover + " (" + g["working_days"].astype("Float64").round(0).astype("Int64").astype("str") + " working days)"
    for side, word in (("before", "Last event before"), ("after", "First event after")):
        col = next((f for f in (f"{side}_description", f"description_{side}") if f in g), None)
        if col:
            hover = hover + "<br>" + word + ": " + cm.wrap(g[col].fillna("").astype("str"))
    return hover.where(~approx, hover + "<br><i>approximate: a date either side is known only roughly</i>")


# ---------------------------------------------------------------------- intervals
def interval_chart(c: Chronology | pd.DataFrame, rules: Interval | Sequence[Interval] | None = None, *,
                   title: str | None = None) -> go.Figure:
    """Intervals (time from one event to another) against their limits; breaches in vermillion.

    Parameters
    ----------
    c
        A Chronology, or an intervals / breaches frame (``rule`` or ``name``, ``start``, ``limit``,
        ``breached`` and the elapsed time in ``days``, ``working_days`` or ``hours``).
    rules
        Rules for :meth:`~chronology.Chronology.intervals`; ``None`` checks the statutory timescales
        (:meth:`~chronology.Chronology.breaches`).
    title
        Figure title, used as given (markup in it is shown as text); by default the chronology's
        title followed by what the chart shows.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per interval (``meta="intervals"``) whose length is the time taken as a percentage of
        its limit, a marker at each limit (``meta="limit"``) and a line at 100 %. Bars are labelled with
        the time taken in the limit's own unit. The axis is always logarithmic (an A&E stay of 389
        hours against 4 hours and a visit after 6 of 7 days read on one scale), and a check that took
        no time is drawn at 1 % of its limit, so that every check has a visible bar.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"rule": ["assessment"], "start": pd.to_datetime(["2024-01-02"]),
    ...                   "working_days": [52.0], "days": [72.0], "limit": ["45 working days"],
    ...                   "breached": [True]})
    >>> fig = interval_chart(r)
    >>> round(float(fig.data[0].x[0]), 1), fig.data[0].text[0]
    (115.6, '52 working days (limit 45 working days)')
    """
    go = cm.go_module()
    r, base = _intervals_of(c, rules)
    # a title given is used as given (escaped); the default says what is drawn
    heading = cm.safe(title) if title is not None else f"{base}: time taken against each limit"
    if r is None or r.empty or "limit" not in r:
        return cm.empty_figure(heading, "No intervals to show")
    r = r[r["limit"].notna()].sort_values("start", kind="stable") if "start" in r else r[r["limit"].notna()]
    if r.empty:
        return cm.empty_figure(heading, "No intervals with a limit to show")
    taken, ratio, limit_txt = cm.against_limit(r)
    breached = _flag(r, ("breached", "breach"))
    known = r["breached"].notna().to_numpy() if "breached" in r else np.ones(len(r), dtype=bool)
    approx = _flag(r, ("approximate",))
    label = _interval_labels(r)
    text = _interval_text(r, taken, limit_txt, breached)
    text = text.where(~approx, "c. " + text)
    pct = (ratio * 100).to_numpy(dtype=float)
    no_value = np.isnan(pct)
    pct = np.where(no_value, 100.0, pct)
    state = np.where(breached, "breached", np.where(known, "within the limit", "cannot tell yet"))
    colors = np.where(breached, style.mark("breach_color"), np.where(known, _WITHIN, _GREY)).astype(object)
    hover = _interval_hover(r, "<b>" + label + "</b><br>" + text + "<br>" + state)
    # always a log axis, so that every report reads the same way; a check that took no time (0 days
    # against 1 working day) is drawn at the axis floor so its bar and label still show
    log = True
    pct = np.maximum(pct, PCT_FLOOR)
    keys = [("breached", style.mark("breach_color")), ("within the limit", _WITHIN), ("cannot tell yet", _GREY)]
    fig = go.Figure([
        go.Bar(x=pct, y=label.to_numpy(dtype=object), orientation="h", meta="intervals", name="time taken",
               marker={"color": colors, "pattern": {"shape": np.where(approx | no_value, "/", "").astype(object)}},
               text=text.to_numpy(dtype=object), cliponaxis=False,
               # a bar far past its limit carries its label inside, so that it is never cut at the edge
               textposition=np.where(pct > 1000, "inside", "outside").astype(object), insidetextanchor="end",
               insidetextfont={"color": "#FFFFFF"},
               hovertext=np.asarray(hover, dtype=object),
               hoverinfo="text", showlegend=False),
        go.Scatter(x=np.full(len(r), 100.0), y=label.to_numpy(dtype=object), mode="markers", meta="limit",
                   name="limit", hoverinfo="skip",
                   marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#000000"}}),
        *[go.Bar(x=[None], y=[None], name=n, marker={"color": c}, meta="key") for n, c in keys if (state == n).any()],
    ])
    fig.update_layout(**_interval_layout(heading, pct, log, len(r)))
    return fig


def _interval_layout(heading: str, pct: np.ndarray, log: bool, n: int) -> dict[str, Any]:
    """The interval chart's layout: ``n`` bars, the %-of-limit axis and the key at the bottom."""
    lay = cm.base_layout(heading, max(320, 190 + 30 * n))
    lay.update(
        barmode="overlay",
        xaxis=_pct_axis(pct, log),
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        # the key sits at the very bottom of the figure, under the axis title whatever the height
        legend={"orientation": "h", "yref": "container", "y": 0.01, "yanchor": "bottom", "x": 0,
                "xanchor": "left"},
    )
    lay["margin"] = {**lay["margin"], "b": 110}
    return lay


def _intervals_of(c: Chronology | pd.DataFrame,
                  rules: Interval | Sequence[Interval] | None) -> tuple[pd.DataFrame | None, str]:
    """The intervals to draw (the breaches, or the intervals of ``rules``, computed for a Chronology
    or an events frame, else ``c`` itself) and the default title's start."""
    if _is_chronology(c) or (isinstance(c, pd.DataFrame) and "event_type" in c):
        wanted = {"breaches": {}} if rules is None else {"intervals": {"rules": rules}}
        r = cm.tables_of(c, wanted)["breaches" if rules is None else "intervals"]
        return r, cm.title_of(c, "Timescales" if rules is None else "Intervals")
    return cast(pd.DataFrame, c), "Intervals"


def _interval_labels(r: pd.DataFrame) -> pd.Series:
    """Each interval's bar label, unique: the rule and its start date, after the case (several)."""
    name = (r["rule"] if "rule" in r else r["name"] if "name" in r else pd.Series("interval", index=r.index)).astype("str")
    when = cm.wall(r["start"]).dt.strftime("%d/%m/%Y") if "start" in r else pd.Series("", index=r.index)
    label = cm.escape(name.map(style.pretty).astype("str")) + " · " + when.fillna("?")
    if "case_id" in r and cm.several(r["case_id"]):
        label = cm.escape(r["case_id"].astype("str")) + " · " + label
    return _unique_labels(label)


def _interval_text(r: pd.DataFrame, taken: pd.Series, limit_txt: pd.Series, breached: np.ndarray) -> pd.Series:
    """The text on each bar: the time taken against the limit, or, with no end recorded, that none
    was recorded by the due date (breached) or that the interval is still open."""
    due = cm.wall(r["due_by"]).dt.strftime("%d/%m/%Y").fillna("?") if "due_by" in r else pd.Series("?", index=r.index)
    missing_end = taken.eq("")
    return (taken + " (limit " + limit_txt + ")").where(
        ~missing_end, ("none recorded by " + due + " (limit " + limit_txt + ")").where(breached, "open: no end recorded (limit " + limit_txt + ")"))


def _interval_hover(r: pd.DataFrame, hover: Any) -> Any:
    """The hover lines after the first: the start and end events' descriptions and the source."""
    for col, word in (("start_description", "From"), ("end_description", "To")):
        if col in r:
            hover = hover + ("<br>" + word + ": " + cm.wrap(r[col].fillna("").astype("str"))).where(r[col].notna(), "")
    if "source" in r:
        hover = hover + "<br>source: " + cm.escape(r["source"].fillna("").astype("str"))
    return hover


#: the smallest share of its limit an interval is drawn at (1 %): a 0-day check still has a bar
PCT_FLOOR = 1.0


def _pct_axis(pct: np.ndarray, log: bool) -> dict[str, Any]:
    """x axis for interval bars: room on the right for the outside labels; decades only when log."""
    top = float(np.nanmax(pct))
    axis: dict[str, Any] = {"title": {"text": "Time taken, % of the limit (100 % = the limit)"}, "ticksuffix": " %"}
    if log:
        axis.update(type="log", dtick=1, range=[np.log10(PCT_FLOOR) - 0.3, np.log10(max(top, 200.0)) + 0.9])
    else:
        axis.update(type="linear", range=[0, max(top, 100.0) * 1.6])
    return axis


def _flag(frame: pd.DataFrame, names: tuple[str, ...]) -> np.ndarray:
    for n in names:
        if n in frame:
            return frame[n].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return np.zeros(len(frame), dtype=bool)


def _unique_labels(label: pd.Series) -> pd.Series:
    """Make category labels unique by numbering repeats (``"x"``, ``"x (2)"``)."""
    n = label.groupby(label.to_numpy()).cumcount() + 1
    return label.where(n.eq(1), label + " (" + n.astype("str") + ")")


# ---------------------------------------------------------------------- activity
def activity_heatmap(c: Chronology | pd.DataFrame, freq: str = "W", *, title: str | None = None) -> go.Figure:
    """Events per agency per week (or ``freq``) as a heat map; empty periods show as white.

    Parameters
    ----------
    c
        A Chronology or its events frame; with several cases, one row per case and agency.
    freq
        ``"D"``, ``"W"`` (weeks starting Monday), ``"M"`` or ``"Q"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Heatmap`` (``meta="activity"``): ``z`` counts, ``y`` lanes in vocabulary order, ``x`` period
        starts (every period of the range, so silences show).

    Examples
    --------
    >>> import pandas as pd, chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({"case_id": "a", "agency": ["police", "police", "csc"],
    ...     "start": ["04/03/2024", "06/03/2024", "20/03/2024"], "description": ["Call", "Call", "Visit"]}))
    >>> z = activity_heatmap(c).data[0].z
    >>> z.tolist()
    [[2, 0, 0], [0, 0, 1]]
    """
    go = cm.go_module()
    cm.check_option("freq", freq, ("D", "W", "M", "Q"))
    ev = cm.events_of(c, "activity_heatmap()")
    word = {"D": "day", "W": "week", "M": "month", "Q": "quarter"}[freq]
    heading = cm.safe(title) if title is not None else f"{cm.title_of(c, 'Activity')}: events per agency per {word}"
    if ev.empty:
        return cm.empty_figure(heading, "No events")
    lane, order = cm.lanes(ev)
    period = cm.wall(ev["start"]).dt.to_period(freq)
    counts = pd.crosstab(lane.to_numpy(), period.to_numpy())
    full = pd.period_range(period.min(), period.max(), freq=period.dt.freq)
    counts = counts.reindex(index=order, columns=full, fill_value=0)
    periods = pd.PeriodIndex(counts.columns)
    first = periods.to_timestamp(how="start")
    x = first + (periods.to_timestamp(how="end") - first) / 2  # cell centred on its period
    fmt = {"D": "%d/%m/%Y", "W": "w/c %d/%m/%Y", "M": "%b %Y", "Q": "%b %Y"}[freq]
    xt = np.asarray(first.strftime(fmt), dtype=object)
    fig = go.Figure(go.Heatmap(
        z=counts.to_numpy(), x=x, y=order, meta="activity", colorscale=style.counts_scale(), zmin=0,
        xgap=1, ygap=1, customdata=np.tile(xt, (len(order), 1)),
        hovertemplate="<b>%{y}</b><br>%{customdata}: %{z} events<extra></extra>",
        colorbar={"title": {"text": f"events<br>per {word}"}, "thickness": 12},
    ))
    lay = cm.base_layout(heading, max(300, 150 + 34 * len(order)))
    lay.update(xaxis={"title": {"text": word.capitalize() + (" (starting Monday)" if freq == "W" else "")}, "type": "date",
                      "tickformat": "%d %b %Y"},
               yaxis={"autorange": "reversed", "automargin": True, "type": "category"})
    fig.update_layout(**lay)
    return fig


# ---------------------------------------------------------------------- themes
def theme_matrix(c: Chronology, by: Literal["agency", "period"] = "agency", freq: str = "M", *,
                 title: str | None = None) -> go.Figure:
    """Themes against agencies (``by="agency"``) or over time (``by="period"``): events tagged, as a
    heat map with the count written in each cell.

    Parameters
    ----------
    c
        A Chronology; tagged with :meth:`~chronology.Chronology.tag` first when ``c.tags`` is ``None``.
    by
        ``"agency"`` or ``"period"``.
    freq
        Period length for ``by="period"``: ``"W"``, ``"M"`` or ``"Q"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Heatmap`` (``meta="themes"``): ``y`` themes (most frequent first), ``x`` agencies or
        periods, ``z`` the number of events carrying the theme.

    Examples
    --------
    >>> c = chron.samples.load("cassie")                            # doctest: +SKIP
    >>> theme_matrix(c, by="period").show()                         # doctest: +SKIP
    """
    go = cm.go_module()
    cm.check_option("by", by, ("agency", "period"))
    cm.check_option("freq", freq, ("W", "M", "Q"))
    from .timeline import _tags_of

    ev = cm.events_of(c, "theme_matrix()")
    heading = (cm.safe(title) if title is not None
               else f"{cm.title_of(c, 'Themes')}: events tagged with each theme, by {'agency' if by == 'agency' else 'period'}")
    tags = _tags_of(c) if not ev.empty else None
    if tags is None or tags.empty:
        return cm.empty_figure(heading, "No themes found")
    pairs = tags[["event_id", "theme"]].drop_duplicates()
    cols = ["event_id", "agency", "start"] + (["case_id"] if "case_id" in ev else [])
    m = pairs.merge(ev[cols], on="event_id", how="inner")
    if m.empty:
        return cm.empty_figure(heading, "No themes found")
    theme = m["theme"].astype("str")
    order_t = theme.value_counts().index.tolist()
    order_x: list[Any]
    if by == "agency":
        lane, order_x = cm.lanes(m)
        col = lane.to_numpy()
        xs: Any = order_x
        xtitle = "Agency"
    else:
        period = cm.wall(m["start"]).dt.to_period(freq)
        col = period.to_numpy()
        full = pd.period_range(period.min(), period.max(), freq=period.dt.freq)
        order_x = list(full)
        xs = [p.start_time.strftime("%b %Y" if freq != "W" else "w/c %d/%m/%Y") for p in full]
        xtitle = {"W": "Week", "M": "Month", "Q": "Quarter"}[freq]
    z = pd.crosstab(theme.to_numpy(), col).reindex(index=order_t, columns=order_x, fill_value=0)
    ylab = [cm.safe(style.theme_label(t)) for t in order_t]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=xs, y=ylab, meta="themes", colorscale=style.counts_scale(), zmin=0,
        texttemplate="%{z}", xgap=1, ygap=1, hovertemplate="<b>%{y}</b><br>%{x}: %{z} events<extra></extra>",
        colorbar={"title": {"text": "events"}, "thickness": 12},
    ))
    lay = cm.base_layout(heading, max(320, 160 + 30 * len(ylab)))
    lay.update(xaxis={"title": {"text": xtitle}, "type": "category", "tickangle": -30},
               yaxis={"autorange": "reversed", "automargin": True, "type": "category"})
    fig.update_layout(**lay)
    return fig


# ---------------------------------------------------------------------- the child's voice
def voice_strip(c: Chronology | pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Was the child seen, and were their views recorded? One mark per event over time, by agency.

    Two panels sharing the time axis. *Child seen*: filled circle = seen, cross = not seen, small grey
    ring = not recorded. *Child's views recorded*: filled diamond = the child's words or views were
    recorded, small grey ring = none. Shapes differ as well as colours, so the strip reads in grey print.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces with ``meta`` ``"seen"``, ``"not seen"``, ``"seen not recorded"``, ``"views"``,
        ``"no views"``; lanes are agencies as in the timeline.

    Examples
    --------
    >>> import pandas as pd, chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({"case_id": "a", "agency": ["csc", "csc"],
    ...     "start": ["04/03/2024", "06/03/2024"], "description": ["Visit", "Visit"],
    ...     "child_seen": ["Y", "N"], "child_voice": ["I want to go home", None]}))
    >>> {t.meta: len(t.x) for t in voice_strip(c).data}
    {'seen': 1, 'not seen': 1, 'views': 1, 'no views': 1}
    """
    go = cm.go_module()
    from plotly.subplots import make_subplots

    ev = cm.events_of(c, "voice_strip()")
    base = cm.safe(title) if title is not None else cm.title_of(c, "The child's voice")
    if ev.empty:
        return cm.empty_figure(base, "No events")
    lane, order = cm.lanes(ev)
    x = cm.wall(ev["start"]).to_numpy()
    y = lane.to_numpy(dtype=object)
    hover = cm.hover_text(ev).to_numpy(dtype=object)
    seen = ev["child_seen"].astype("boolean")
    voice = (ev["child_voice"].astype("str").str.strip().str.len().fillna(0) > 0).to_numpy(dtype=bool)
    n_rec = int(seen.notna().sum())
    n_seen = int(seen.fillna(False).sum())
    heading = (f"{base}<br><sup>child seen at {n_seen} of {n_rec} events where it was recorded; "
               f"views recorded at {int(voice.sum())} of {len(ev)} events</sup>")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=("Child seen", "Child's views recorded"))
    s_true = seen.fillna(False).to_numpy(dtype=bool)
    s_false = (~seen.fillna(True)).to_numpy(dtype=bool)
    s_na = seen.isna().to_numpy()
    size = style.mark("marker_size")
    marks = [
        (1, "seen", s_true, {"symbol": "circle", "color": _SEEN, "size": size, "line": {"width": 1, "color": "#303030"}}, "seen"),
        (1, "not seen", s_false, {"symbol": "x", "color": style.mark("breach_color"), "size": size, "line": {"width": 1, "color": "#303030"}}, "not seen"),
        (1, "seen not recorded", s_na, {"symbol": "circle-open", "color": _GREY, "size": 6}, "not recorded"),
        (2, "views", voice, {"symbol": "diamond", "color": _WITHIN, "size": size, "line": {"width": 1, "color": "#303030"}}, "views recorded"),
        (2, "no views", ~voice, {"symbol": "circle-open", "color": _GREY, "size": 6}, "no views recorded"),
    ]
    Scatter = go.Scattergl if len(ev) > 2000 else go.Scatter
    for row, meta, mask, marker, name in marks:
        if not mask.any():
            continue
        fig.add_trace(Scatter(x=x[mask], y=y[mask], mode="markers", marker=marker, name=name, meta=meta,
                              hovertext=hover[mask], hoverinfo="text", legendgroup=f"row{row}",
                              legendgrouptitle={"text": "Child seen" if row == 1 else "Views recorded"}),
                      row=row, col=1)
    lay = cm.base_layout(heading, max(380, 220 + 2 * 34 * len(order)))
    lay.update(legend={"groupclick": "toggleitem"}, hovermode="closest")
    fig.update_layout(**lay)
    for row in (1, 2):
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=order, autorange="reversed",
                         automargin=True, fixedrange=True, row=row, col=1)
    fig.update_xaxes(type="date", row=2, col=1, title_text="Date")
    return fig
