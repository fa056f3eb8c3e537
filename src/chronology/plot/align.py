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
from .timeline import _mark_traces, _Marks, _symbol_key

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
        ev = _in_days(ev, float(window_days))
    order, lane_label = _case_lanes(ev)
    traces = _aligned_traces(go, ev, lane_label, color, what)
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


def _in_days(ev: pd.DataFrame, w: float) -> pd.DataFrame:
    """The events within ``w`` days either side of day 0 (a span when any of it falls inside)."""
    last = ev["end_days"].fillna(ev["offset_days"])
    return ev[(last >= -w) & (ev["offset_days"] <= w)]


def _case_lanes(ev: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """The cases in order, and each case's lane label: its id with the date of its day 0 under it."""
    case = ev["case_id"].astype("str")
    order = sorted(pd.unique(case).tolist())
    anchor_txt = ev.groupby(case.to_numpy())["anchor"].first().dt.strftime("%d/%m/%Y")
    return order, {k: f"{cm.safe(k)}<br><sup>day 0 = {anchor_txt[k]}</sup>" for k in order}


def _color_keys(ev: pd.DataFrame, color: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The legend entries present (in vocabulary order), their labels and their colours."""
    seen = set(ev[color].astype("str").unique())
    cats = [k for k in ev[color].cat.categories if k in seen]
    if color == "agency":
        return cats, {k: style.agency_label(k) for k in cats}, {k: style.agency_color(k) for k in cats}
    return cats, {k: style.event_type_label(k) for k in cats}, {k: style.event_type_color(k) for k in cats}


def _aligned_traces(go: Any, ev: pd.DataFrame, lane_label: dict[str, str], color: str, what: str) -> list[Any]:
    """Points, span bars and period bars of every legend entry, at their days from day 0 (with a key
    to the symbols when colour shows the agency)."""
    cats, labels, colors = _color_keys(ev, color)
    rel = ev["offset_days"].round(2).astype("str")
    hover = (cm.hover_text(ev) + "<br><b>Day " + rel.where(ev["offset_days"] < 0, "+" + rel) + "</b> from "
             + what).to_numpy(dtype=object)
    marks = _Marks(
        x=ev["offset_days"].to_numpy(dtype=float),
        y=ev["case_id"].astype("str").map(lane_label).to_numpy(dtype=object),
        length=(ev["end_days"] - ev["offset_days"]).to_numpy(dtype=float), hover=hover,
        ids=ev["event_id"].astype("str").to_numpy(dtype=object), span=ev["end"].notna().to_numpy(),
        approx=(ev["end_days"].notna() & ev["end"].isna()).to_numpy(),
        etype=ev["event_type"].astype("str").to_numpy(dtype=object), unc=ev["uncertain"].to_numpy(dtype=bool),
    )
    Scatter = go.Scattergl if len(ev) > 2000 else go.Scatter
    traces = _mark_traces(go, Scatter, marks, ev[color].astype("str").to_numpy(dtype=object), cats, labels,
                          colors, list(ev["event_type"].cat.categories), swatch=color == "agency")
    if color == "agency":
        traces += _symbol_key(go, ev)
    return traces
