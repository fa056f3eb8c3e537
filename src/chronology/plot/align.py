"""Several cases on one axis of days before and after a key event (EventFlow's alignment).

For a cross-cutting review: each case is a lane, and time is counted from that case's first event
matching a :class:`~chronology.rules.Match` (its discharge, its first callout...), so what happened
around the key moment can be compared across cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..rules import AnyOf, Match
from . import _common as cm
from . import style
from .timeline import _period_marker, _symbol_key

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ._common import ChronologyLike as Chronology

__all__ = ["KeyEvent", "align", "describe_match", "offsets"]


@runtime_checkable
class KeyEvent(Protocol):
    """What ``align(on=...)`` takes: anything with a vectorised ``mask(events) -> bool Series``, such
    as a :class:`~chronology.rules.Match` or ``Match(...) | Match(...)`` (an
    :class:`~chronology.rules.AnyOf`)."""

    def mask(self, events: pd.DataFrame) -> pd.Series: ...


def _days(delta: pd.Series) -> np.ndarray:
    """Timedeltas as float days (NaN for missing), exact to the microsecond."""
    arr = pd.Series(delta).to_numpy(dtype="timedelta64[us]")
    return np.asarray(arr / np.timedelta64(1, "D"), dtype="float64")


def _words(codes: tuple[str, ...]) -> str:
    return " or ".join(c.replace("_", " ") for c in codes)


def describe_match(on: Any) -> str:
    """The key event in words, for titles and hover: ``"discharge (health_acute)"``.

    Event types are written as words, agencies by their codes in brackets, then the service, text
    and child-seen criteria; the alternatives of ``m1 | m2`` are joined with "or". Any other object
    with ``mask()`` is named by its ``label`` or ``name`` attribute, else its class.

    Examples
    --------
    >>> describe_match(Match(event_type="discharge", agency="health_acute"))
    'discharge (health_acute)'
    >>> describe_match(Match(event_type="police_callout") | Match(event_type="arrest", text="custody"))
    "police callout or arrest mentioning 'custody'"
    >>> describe_match(Match(agency=["police", "csc"], child_seen=True))
    'event (police or csc) with the child seen'
    """
    if isinstance(on, AnyOf):
        return " or ".join(describe_match(m) for m in on.matches)
    if not isinstance(on, Match):
        for attr in ("label", "name"):
            val = getattr(on, attr, None)
            if isinstance(val, str) and val:
                return val
        return type(on).__name__
    text = _words(on.event_type) if on.event_type else "event"
    if on.agency:
        text += f" ({' or '.join(on.agency)})"  # the codes, as written in the Match
    if on.service is not None:
        text += f" in service {on.service!r}"
    if on.text is not None:
        text += f" mentioning {on.text!r}"
    if on.exclude is not None:
        text += f" not mentioning {on.exclude!r}"
    if on.child_seen is not None:
        text += " with the child seen" if on.child_seen else " with the child not seen"
    return text


def offsets(chronologies: Sequence[Chronology] | Chronology, on: KeyEvent) -> pd.DataFrame:
    """Events of every case with their offset in days from the case's first event matching ``on``.

    ``on`` is a :class:`~chronology.rules.Match`, ``Match | Match`` or any object with a vectorised
    ``mask(events)``.

    Days are counted on London wall-clock time, so the same time on the next day is exactly 1.0 even
    across a clock change. A Chronology holding several cases is split by ``case_id``.

    Returns
    -------
    DataFrame
        The events with ``anchor`` (wall time of the key event), ``offset_days`` (start) and
        ``end_days`` (end of a span or of an approximate date's period, else NaN); inputs not modified.

    Raises
    ------
    OptionError
        A case has no event matching ``on``: the message names the case and the Match.

    Examples
    --------
    >>> import pandas as pd, chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({"case_id": "a", "agency": ["police", "health_acute"],
    ...     "start": ["01/03/2024 10:00", "03/03/2024 22:00"], "description": ["Callout", "Discharged home"]}))
    >>> offsets([c], chron.Match(event_type="discharge"))["offset_days"].round(3).tolist()
    [-2.5, 0.0]
    """
    if not isinstance(chronologies, Sequence):
        chronologies = [chronologies]
    if not callable(getattr(on, "mask", None)):
        raise OptionError("align(on=...) takes a Match (or anything with a mask(events) method)",
                          value=type(on).__name__,
                          hint="e.g. on=chron.Match(event_type='discharge') | chron.Match(event_type='arrest')")
    frames = []
    for c in chronologies:
        ev = cm.events_of(c, "align()")
        if ev.empty:
            continue
        frames.append(ev)
    if not frames:
        return pd.DataFrame()
    ev = pd.concat(frames, ignore_index=True, sort=False) if len(frames) > 1 else frames[0].reset_index(drop=True)
    hit = pd.Series(on.mask(ev), index=ev.index).fillna(False).to_numpy(dtype=bool)
    case = ev["case_id"].astype("str")
    start, end, _ = cm.event_dates(ev)
    first = start.where(hit).groupby(case.to_numpy()).min()
    missing = [k for k in pd.unique(case) if pd.isna(first.get(k))]
    if missing:
        raise OptionError(
            f"case {missing[0]!r} has no event matching the key event: {describe_match(on)}"
            + (f" (nor do {', '.join(map(repr, missing[1:]))})" if len(missing) > 1 else ""),
            value=describe_match(on),
            hint="loosen the Match (e.g. fewer criteria, a text regex) or leave that case out",
        )
    anchor = case.map(first)
    return ev.assign(
        anchor=anchor.to_numpy(),
        offset_days=_days(start - anchor),
        end_days=_days(end - anchor),
    )


def align(
    chronologies: Sequence[Chronology] | Chronology,
    on: KeyEvent,
    *,
    window_days: float | None = None,
    color: str = "agency",
    height: int | None = None,
    title: str | None = None,
    label: str | None = None,
) -> go.Figure:
    """Cases side by side on one axis of days before and after a key event.

    Parameters
    ----------
    chronologies
        The cases: Chronologies (each may hold several ``case_id``; one lane per case).
    on
        The key event: each case's first event matching it is day 0. A
        :class:`~chronology.rules.Match`, several joined with ``|`` (any of them), or any object with
        a vectorised ``mask(events)``.
    window_days
        Keep only events within this many days either side of day 0 (a span is kept when any of it
        falls in the window).
    color
        ``"agency"`` (default) or ``"event_type"``; symbols always follow the event type.
    height, title
        Figure size and title (used as given; markup in it is shown as text).
    label
        The key event in words for the axis title, the default title and the hover, e.g.
        ``"discharge from hospital"``; by default built from ``on``
        (``"first discharge (health_acute)"``).

    Returns
    -------
    plotly.graph_objects.Figure
        x is days from the key event (exact, wall-clock); hover gives the real date. Point events are
        markers (``meta="points"``), spans and approximate dates bars (``meta="spans"``/``"periods"``).

    Raises
    ------
    OptionError
        A case has no matching event (naming the case and the Match), or an unknown ``color``.

    Examples
    --------
    >>> import pandas as pd, chronology as chron
    >>> def case(cid, day):
    ...     return chron.Chronology.from_events(pd.DataFrame({"case_id": cid,
    ...         "agency": ["police", "health_acute"], "start": ["01/03/2024", day],
    ...         "description": ["Callout", "Discharged home"]}), source=cid)
    >>> fig = align([case("a", "05/03/2024"), case("b", "11/03/2024")],
    ...             on=chron.Match(event_type="discharge"))
    >>> sorted(float(v) for t in fig.data if t.meta == "points" for v in t.x)
    [-10.0, -4.0, 0.0, 0.0]
    """
    go = cm.go_module()
    cm.check_option("color", color, ("agency", "event_type"))
    ev = offsets(chronologies, on)
    what = cm.safe(label if label is not None else f"first {describe_match(on)}")
    heading = cm.safe(title) if title is not None else f"Cases aligned on the {what}"
    if ev.empty:
        return cm.empty_figure(heading, "No events to draw")
    if window_days is not None:
        w = float(window_days)
        last = ev["end_days"].fillna(ev["offset_days"])
        ev = ev[(last >= -w) & (ev["offset_days"] <= w)]
    case = ev["case_id"].astype("str")
    order = sorted(pd.unique(case).tolist())
    anchor_txt = ev.groupby(case.to_numpy())["anchor"].first().dt.strftime("%d/%m/%Y")
    lane_label = {k: f"{cm.safe(k)}<br><sup>day 0 = {anchor_txt[k]}</sup>" for k in order}
    y = case.map(lane_label).to_numpy(dtype=object)
    seen = set(ev[color].astype("str").unique())
    cats = [k for k in ev[color].cat.categories if k in seen]
    if color == "agency":
        labels = {k: style.agency_label(k) for k in cats}
        colors = {k: style.agency_color(k) for k in cats}
    else:
        labels = {k: style.event_type_label(k) for k in cats}
        colors = {k: style.event_type_color(k) for k in cats}
    rel = ev["offset_days"].round(2).astype("str")
    hover = (cm.hover_text(ev) + "<br><b>Day " + rel.where(ev["offset_days"] < 0, "+" + rel) + "</b> from "
             + what).to_numpy(dtype=object)
    unc = ev["uncertain"].to_numpy(dtype=bool)
    etype = ev["event_type"].astype("str").to_numpy(dtype=object)
    x = ev["offset_days"].to_numpy(dtype=float)
    length = (ev["end_days"] - ev["offset_days"]).to_numpy(dtype=float)
    span = ev["end"].notna().to_numpy()
    approx = (ev["end_days"].notna() & ev["end"].isna()).to_numpy()
    ids = ev["event_id"].astype("str").to_numpy(dtype=object)
    key = ev[color].astype("str").to_numpy(dtype=object)
    groups = pd.Series(np.arange(len(ev))).groupby(key, sort=False).indices
    at = np.flatnonzero(~approx)  # positions of the events drawn as points
    pts = pd.Series(at).groupby([key[at], etype[at], unc[at]], sort=False).indices
    Scatter = go.Scattergl if len(ev) > 2000 else go.Scatter
    marker_line = {"width": 1, "color": style.mark("marker_line")}
    traces: list[Any] = []
    for k in cats:
        idx = np.asarray(groups[k])
        shown = False
        if color == "agency":
            traces.append(Scatter(x=[None], y=[None], mode="markers", name=labels[k], legendgroup=k, meta="legend",
                                  hoverinfo="skip", marker={"symbol": "square", "color": colors[k],
                                                            "size": style.mark("marker_size"), "line": marker_line}))
            shown = True
        for t in ev["event_type"].cat.categories:
            for u in (False, True):
                sub = pts.get((k, t, u))
                if sub is None:
                    continue
                p = at[sub]
                traces.append(Scatter(
                    x=x[p], y=y[p], mode="markers", name=labels[k], legendgroup=k, meta="points", showlegend=not shown,
                    marker={"symbol": style.event_type_symbol(t) + ("-open" if u else ""), "color": colors[k],
                            "size": style.mark("marker_size"), "line": marker_line},
                    hovertext=hover[p], hoverinfo="text", customdata=ids[p],
                ))
                shown = True
        for kind, sel in (("spans", idx[span[idx]]), ("periods", idx[approx[idx]])):
            if len(sel):
                periods = kind == "periods"
                traces.append(go.Bar(
                    base=x[sel], x=length[sel], y=y[sel], orientation="h", name=labels[k], legendgroup=k,
                    showlegend=not shown, meta=kind, customdata=ids[sel], hovertext=hover[sel], hoverinfo="text",
                    width=style.mark("period_width" if periods else "span_width"),
                    opacity=style.mark("period_opacity" if periods else "span_opacity"),
                    marker=_period_marker(colors[k]) if periods else {
                        "color": colors[k], "line": {"width": 1, "color": style.mark("marker_line")}},
                ))
                shown = True
    if color == "agency":

        traces += _symbol_key(go, ev)
    fig = go.Figure(data=traces)
    lay = cm.base_layout(heading, height or max(320, 170 + 60 * len(order), cm.legend_px(traces)))
    lay.update(
        barmode="overlay", hovermode="closest",
        legend={"title": {"text": "Agency" if color == "agency" else "Event type"}},
        xaxis={"title": {"text": f"Days from {what}; negative: before"},
               "zeroline": False, "showgrid": True},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": [lane_label[k] for k in order],
               "autorange": "reversed", "automargin": True, "fixedrange": True},
        shapes=[{"type": "line", "name": "anchor", "xref": "x", "yref": "paper", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
                 "line": {"color": style.mark("zero_line"), "width": 1.5, "dash": "dash"}}],
    )
    fig.update_layout(**lay)
    return fig
