"""Shared, vectorised helpers for the figures: input checks, lanes, UK date text and hover text."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import MissingDependencyError, OptionError
from ..periods import is_approximate, period_end
from ..rules import parse_duration
from . import style

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..analysis import Requests, Tables

#: What the figures take as "a chronology": any object with ``events`` and a ``tables()`` method
#: (a :class:`~chronology.Chronology`), duck-typed so plot never imports the class above it.
ChronologyLike = Any

#: wrap hover text at this many characters, and cut it after this many
WRAP_AT = 60
CUT_AT = 320

_DATE_FORMATS = {
    "minute": "%d/%m/%Y %H:%M",
    "day": "%d/%m/%Y",
    "week": "w/c %d/%m/%Y",
    "month": "%b %Y",
    "year": "%Y",
}


def go_module() -> Any:
    """``plotly.graph_objects``, imported on first use."""
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # pragma: no cover - plotly is a core dependency
        raise MissingDependencyError(
            "plotly is needed for figures", hint="pip install plotly"
        ) from exc
    return go


def check_option(name: str, value: Any, valid: Sequence[Any]) -> None:
    """Raise :class:`OptionError` listing the valid values when ``value`` is not one of them."""
    if value not in valid:
        raise OptionError(
            f"unknown {name}",
            value=value,
            hint=f"use one of: {', '.join(map(repr, valid))}",
        )


def events_of(c: Any, what: str = "this figure") -> pd.DataFrame:
    """The events frame of a :class:`Chronology` (or a canonical events frame passed directly).

    Anything with a ``tables()`` method and an ``events`` frame counts as a chronology (duck-typed,
    so plot never imports the class above it); a :class:`~chronology.analysis.Tables` too.
    """
    if not isinstance(c, pd.DataFrame) and isinstance(getattr(c, "events", None), pd.DataFrame):
        return c.events
    if isinstance(c, pd.DataFrame) and {"start", "agency", "event_type"} <= set(c.columns):
        return c
    raise OptionError(
        f"{what} takes a Chronology",
        value=type(c).__name__,
        hint="read the files with chronology.read() or chronology.read_case() first",
    )


def wall(times: pd.Series) -> pd.Series:
    """London wall-clock times without the zone: what a reader expects on the axis."""
    t = pd.Series(times)
    if getattr(t.dtype, "tz", None) is not None:
        return t.dt.tz_localize(None)
    return t


def lanes(events: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """The lane of each event and the lane order.

    One lane per agency (labels from the style, in vocabulary order); when the events hold several
    cases, one lane per case and agency (``"cassie · Police"``), cases in sorted order.
    """
    agency = events["agency"]
    if not isinstance(agency.dtype, pd.CategoricalDtype):
        agency = agency.astype("category")
    labels = style.agency_labels()
    ag_label = pd.Series(style.map_values(agency, labels, "Other"), index=events.index)
    seen = set(agency.dropna().astype("str").unique())
    present = [a for a in agency.cat.categories if a in seen]
    cases = sorted(events["case_id"].dropna().unique().tolist()) if "case_id" in events else []
    if len(cases) <= 1:
        order = [labels.get(a, style.pretty(a)) for a in present]
        lane = ag_label.astype("str")
    else:
        lane = escape(events["case_id"].astype("str")) + " · " + ag_label.astype("str")
        pairs = events[["case_id", "agency"]].drop_duplicates()
        pairs = pairs.assign(
            _o=pairs["agency"].cat.codes if isinstance(pairs["agency"].dtype, pd.CategoricalDtype) else 0
        ).sort_values(["case_id", "_o"])
        order = (escape(pairs["case_id"].astype("str")) + " · " + pairs["agency"].map(lambda a: labels.get(a, style.pretty(a))).astype("str")).tolist()
    return lane, list(dict.fromkeys(order))


def several(values: pd.Series) -> bool:
    """True when ``values`` holds more than one distinct (non-missing) value."""
    return bool(values.dropna().drop_duplicates().size > 1)


def escape(text: pd.Series) -> pd.Series:
    """Escape ``& < >`` so recorded text shows as written in plotly's hover labels."""
    return (
        text.str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
    )


def safe(text: object) -> str:
    """One piece of user text (a title, a case id, a rule name) escaped for plotly's HTML-like labels,
    so that ``<a href=...>`` or ``<b>`` in it shows as written rather than as markup.

    Examples
    --------
    >>> safe("Case <a href='x'>A & B</a>")
    "Case &lt;a href='x'&gt;A &amp; B&lt;/a&gt;"
    """
    return html.escape(str(text), quote=False)


def wrap(text: pd.Series, width: int = WRAP_AT, cut: int = CUT_AT) -> pd.Series:
    """Cut long text with an ellipsis and wrap it on spaces with ``<br>`` (vectorised regex)."""
    t = text.astype("str")
    long = t.str.len() > cut
    t = t.where(~long, t.str.slice(0, cut) + "…")
    t = escape(t)
    t = t.str.replace(rf"(.{{1,{width}}})(?:\s+|$)", r"\1<br>", regex=True)
    return t.str.replace(r"(<br>)+$", "", regex=True)


def date_text(start: pd.Series, precision: pd.Series, uncertain: pd.Series | None = None) -> pd.Series:
    """UK date text at each event's precision: ``12/03/2024 10:30``, ``w/c 04/03/2024``, ``Mar 2024``.

    Uncertain dates get ``c.`` in front. Vectorised: one ``strftime`` per precision level present.
    """
    w = wall(start)
    prec = pd.Series(precision, index=w.index).astype("str")
    out = pd.Series("", index=w.index, dtype="str")
    for level, fmt in _DATE_FORMATS.items():
        m = prec.eq(level) & w.notna()
        if m.any():
            out[m] = w[m].dt.strftime(fmt)
    if uncertain is not None:
        unc = pd.Series(uncertain, index=w.index).fillna(False).astype(bool)
        out = out.where(~unc, "c. " + out)
    return out


def duration_text(delta: pd.Series) -> pd.Series:
    """``16 d 5 h``, ``65 d``, ``5 h 20 min``, ``40 min`` from timedeltas (vectorised).

    Give wall-clock differences (:func:`wall`) so that whole days stay whole across a clock change.

    Examples
    --------
    >>> duration_text(pd.Series(pd.to_timedelta(["16 days 5 hours", "65 days", "5h20min", "40min"]))).tolist()
    ['16 d 5 h', '65 d', '5 h 20 min', '40 min']
    """
    secs = delta.dt.total_seconds()
    mins = (secs // 60).astype("Int64")
    d = mins // (24 * 60)
    h = (mins % (24 * 60)) // 60
    m = mins % 60
    ds, hs, ms = d.astype("str"), h.astype("str"), m.astype("str")
    days = (ds + " d " + hs + " h").where(h > 0, ds + " d")
    out = days.where(d > 0, (hs + " h " + ms + " min").where(h > 0, ms + " min"))
    return out.where(delta.notna(), "").astype("str")


def event_dates(events: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Wall-clock ``start``, the end to draw (``end``, else the period end of an approximate date) and
    a mask of approximate (period) events."""
    start = events["start"]
    approx = is_approximate(events["precision"]) & events["end"].isna()
    end = events["end"].copy()
    if approx.any():
        end = end.where(~approx, period_end(start, events["precision"]))
    return wall(start), wall(end), approx


def hover_text(events: pd.DataFrame, extra: pd.Series | None = None) -> pd.Series:
    """Hover text for each event: date (UK, at its precision), agency and service, type,
    description, action, child seen, child's words, and the source file, sheet and row.

    ``extra`` (e.g. the themes of each event) is added as one more line when given.
    """
    ev = events
    idx = ev.index
    when = date_text(ev["start"], ev["precision"], ev.get("uncertain"))
    has_end = ev["end"].notna()
    if has_end.any():
        end_txt = date_text(ev["end"], pd.Series("minute", index=idx))
        dur = duration_text(wall(ev["end"]) - wall(ev["start"]))  # wall clock, as the bars
        when = when.where(~has_end, when + " to " + end_txt + " (" + dur + ")")
    approx = is_approximate(ev["precision"])
    when = "<b>" + when + "</b>"
    when = when.where(~approx, when + " <i>(date known only to the " + ev["precision"].astype("str") + ")</i>")
    ag = pd.Series(style.map_values(ev["agency"], style.agency_labels(), "Other"), index=idx).astype("str")
    service = ev["service"].astype("str") if "service" in ev else pd.Series(pd.NA, index=idx, dtype="str")
    who = ag.where(service.isna(), ag + " · " + escape(service.fillna("")))
    etype = pd.Series(
        style.map_values(ev["event_type"], {k: style.event_type_label(k) for k in ev["event_type"].cat.categories}, "Other")
        if isinstance(ev["event_type"].dtype, pd.CategoricalDtype)
        else ev["event_type"].astype("str"),
        index=idx,
    ).astype("str")
    text = when + "<br>" + who + "<br><i>" + etype + "</i><br>" + wrap(ev["description"].fillna(""))
    if "action" in ev:
        act = ev["action"].astype("str")
        text = text.where(act.isna(), text + "<br><b>Action:</b> " + wrap(act.fillna("")))
    if "child_seen" in ev:
        seen = ev["child_seen"].astype("boolean")
        text = text.where(seen.isna(), text + "<br>Child seen: " + seen.map({True: "yes", False: "no"}).astype("str"))
    if "child_voice" in ev:
        voice = ev["child_voice"].astype("str")
        text = text.where(voice.isna(), text + '<br><b>Child\'s words:</b> "' + wrap(voice.fillna("")) + '"')
    if extra is not None:
        ex = pd.Series(extra, index=idx).astype("str")
        text = text.where(ex.isna(), text + "<br>" + ex.fillna(""))
    src = ev["source"].astype("str").fillna("?") if "source" in ev else pd.Series("?", index=idx, dtype="str")
    if "source_sheet" in ev:
        sheet = ev["source_sheet"].astype("str")
        src = src.where(sheet.isna(), src + ", sheet " + sheet.fillna(""))
    if "source_row" in ev:
        src = src + ", row " + ev["source_row"].astype("str")
    text = text + '<br><span style="color:#555">' + escape(src) + "</span>"
    return text.astype("str")


def ms(delta: pd.Series) -> np.ndarray:
    """Timedeltas as float milliseconds (plotly's unit for bar lengths on a date axis)."""
    arr = pd.Series(delta).to_numpy(dtype="timedelta64[us]")
    return np.asarray(arr / np.timedelta64(1, "ms"), dtype="float64")


def base_layout(title: str | None, height: int) -> dict[str, Any]:
    """Layout settings every figure shares: white template, font, title, size."""
    return {
        "template": "plotly_white",
        "title": {"text": title or "", "x": 0.01, "xanchor": "left"},
        "height": height,
        "font": {"family": style.mark("font_family"), "size": 13},
        "margin": {"l": 10, "r": 10, "t": 70, "b": 60},
        "hoverlabel": {"align": "left"},
    }


def legend_px(traces: Sequence[Any]) -> int:
    """Height in pixels a vertical legend needs for ``traces`` (so a static image does not clip it)."""
    entries = sum(1 for t in traces if t.showlegend is not False)
    groups = len({t.legendgrouptitle.text for t in traces if t.legendgrouptitle and t.legendgrouptitle.text})
    return 60 + 30 * entries + 40 * groups


def legend_label(text: str, width: int = 34) -> str:
    """Wrap a long legend label onto lines of about ``width`` characters with ``<br>``."""
    import textwrap

    return "<br>".join(textwrap.wrap(text, width)) or text


def empty_figure(title: str, message: str) -> go.Figure:
    """A figure that says there is nothing to draw, rather than an empty plot."""
    go = go_module()
    fig = go.Figure()
    fig.update_layout(**base_layout(title, 300))
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def title_of(c: Any, default: str) -> str:
    """The chronology's title (or its case ids) for a figure title, escaped (:func:`safe`)."""
    if hasattr(c, "tables") and hasattr(c, "case_ids"):
        if c.title:
            return safe(c.title)
        cases = c.case_ids
        if len(cases) == 1:
            return f"{default}: {safe(cases[0])}"
        if cases:
            return f"{default}: {len(cases)} cases"
    return default


def tables_of(c: Any, requests: Requests, what: str = "this figure") -> Tables:
    """The analysis tables ``requests`` of ``c``: ``c.tables(requests)`` for a chronology (any object
    with a ``tables()`` method), else :func:`~chronology.analysis.compute_tables` on its events."""
    from ..analysis import compute_tables

    if hasattr(c, "tables") and callable(c.tables):
        tables: Tables = c.tables(requests)
        return tables
    return compute_tables(events_of(c, what), requests)


_DAYS_PER = {"minutes": 1 / 1440, "hours": 1 / 24, "days": 1.0, "weeks": 7.0, "months": 30.4375}


def against_limit(r: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Time taken in each limit's unit (text), its ratio to the limit, and the limit text."""
    lim = r["limit"].astype("str")
    parsed = {v: parse_duration(v) for v in lim.dropna().unique()}
    amount = lim.map({k: d.amount for k, d in parsed.items()}).astype(float)
    unit = lim.map({k: d.unit for k, d in parsed.items()}).astype("str")
    days = r["days"].astype("Float64") if "days" in r else pd.Series(np.nan, index=r.index, dtype="Float64")
    value = pd.Series(np.nan, index=r.index, dtype="Float64")
    for u, per in _DAYS_PER.items():
        value = value.mask(unit.eq(u), days / per)
    if "hours" in r:
        hours = r["hours"].astype("Float64")
        value = value.mask(unit.eq("hours") & hours.notna(), hours)
        value = value.mask(unit.eq("minutes") & hours.notna(), hours * 60)
    if "working_days" in r:
        value = value.mask(unit.eq("working_days"), r["working_days"].astype("Float64"))
    else:
        value = value.mask(unit.eq("working_days"), days * 5 / 7)
    word = unit.str.replace("_", " ", regex=False)
    shown = value.round(1).astype("str").str.replace(r"\.0$", "", regex=True)
    taken = (shown + " " + word).where(value.notna(), "")
    return taken.astype("str"), (value / amount).astype("Float64").astype(float), lim
