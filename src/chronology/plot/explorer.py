"""The JupyterLab explorer: filters, the timeline redrawn as they change, and the events table beside it.

Needs ipywidgets: ``pip install "chronology[notebook]"``.

The timeline is shown in an ``Output`` widget as plotly's JSON mime bundle, which JupyterLab draws with
the plotly.js it already has (the ``jupyterlab-plotly`` extension installed with plotly): a saved
notebook keeps only the figure's data (tens of kB for a case), not a copy of plotly.js. With
``in_place=True`` (needs anywidget) it is a plotly ``FigureWidget`` updated in place instead, but every
such widget saves its own 5 MB copy of plotly.js in the notebook.

Either way the figure is handed over as JSON (dates as ISO text): the kernel's message encoder
cannot serialise numpy datetimes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import MissingDependencyError
from . import _common as cm
from . import style
from .review import DECISIONS_FILE, ReviewPanel

if TYPE_CHECKING:
    from ._common import ChronologyLike as Chronology

__all__ = ["AGGREGATE_ABOVE", "TABLE_ROWS", "WIDTH", "date_hint", "explore", "figure_json", "filter_mask"]

#: the table shows at most this many events (the count above it says how many match)
TABLE_ROWS = 500
#: above this many events the explorer's timeline draws counts per lane and day or week (as
#: ``timeline(aggregate=True)``; for a caseload, per agency and period across cases), which keeps the figure sent to the browser to a few hundred kB;
#: filter to fewer events to see them one by one
AGGREGATE_ABOVE = 5_000
#: the mime type JupyterLab (jupyterlab-plotly), VS Code and nteract draw plotly figures from
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def figure_json(fig: Any) -> dict[str, Any]:
    """A plotly figure as a plain JSON dict (``data``, ``layout``): dates and times as ISO text,
    numeric arrays as plotly's typed-array specs, nothing the kernel's message encoder cannot send.

    Examples
    --------
    >>> import numpy as np, plotly.graph_objects as go
    >>> fig = go.Figure(go.Scatter(x=np.array(["2024-03-04T10:00"], dtype="datetime64[us]"), y=[1]))
    >>> _ = fig.add_shape(type="rect", x0=np.datetime64("2024-03-01T12:00"), x1=np.datetime64("2024-03-02"),
    ...                   y0=0, y1=1)
    >>> d = figure_json(fig)
    >>> d["data"][0]["x"], d["layout"]["shapes"][0]["x0"]
    (['2024-03-04T10:00:00.000000'], '2024-03-01T12:00:00')
    """
    return dict(json.loads(fig.to_json(validate=False)))


def filter_mask(
    events: pd.DataFrame,
    *,
    agencies: Iterable[str] | None = None,
    themes: Iterable[str] | None = None,
    tags: pd.DataFrame | None = None,
    start: Any = None,
    end: Any = None,
    text: str | None = None,
) -> pd.Series:
    """Which events pass the explorer's filters (vectorised; nothing is modified).

    Parameters
    ----------
    agencies
        Agency codes to keep (``None``: all).
    themes
        Keep events tagged with any of these themes (``None`` or empty: no theme filter); needs ``tags``.
    start, end
        Dates (inclusive, London): keep events whose period overlaps them.
    text
        Case-insensitive plain text searched in description, action, service, child's words and
        practitioner.

    Examples
    --------
    >>> ev = pd.DataFrame({"agency": ["police", "csc"], "description": ["Callout to flat", "Visit"],
    ...     "start": pd.to_datetime(["2024-03-01", "2024-04-01"]).tz_localize("Europe/London"),
    ...     "end": pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us, Europe/London]"),
    ...     "event_id": ["a", "b"]})
    >>> filter_mask(ev, text="FLAT").tolist(), filter_mask(ev, agencies=["csc"]).tolist()
    ([True, False], [False, True])
    >>> filter_mask(ev, start="2024-03-15").tolist()
    [False, True]
    """
    keep = pd.Series(True, index=events.index)
    if agencies is not None:
        keep &= events["agency"].astype("str").isin(list(agencies))
    themes = list(themes or [])
    if themes and tags is not None:
        ids = tags.loc[tags["theme"].astype("str").isin(themes), "event_id"]
        keep &= events["event_id"].isin(ids)
    if start is not None or end is not None:
        s = events["start"]
        last = events["end"].where(events["end"].notna(), s) if "end" in events else s
        if start is not None:
            keep &= last >= _london(start)
        if end is not None:
            keep &= s < _london(end) + pd.Timedelta(days=1)
    if text:
        hit = pd.Series(False, index=events.index)
        for col in ("description", "action", "service", "child_voice", "practitioner"):
            if col in events:
                hit |= events[col].astype("str").str.contains(text, case=False, regex=False).fillna(False).astype(bool)
        keep &= hit
    return keep


def _london(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:  # the repeated hour of a clock change: its first (BST) occurrence
        return ts.tz_localize("Europe/London", ambiguous=True, nonexistent="shift_forward")
    return ts.tz_convert("Europe/London")


def _widgets() -> Any:
    try:
        import ipywidgets
    except ImportError as exc:
        raise MissingDependencyError(
            "the explorer needs ipywidgets",
            hint='install the notebook extra: pip install "chronology[notebook]"',
        ) from exc
    return ipywidgets


#: the explorer's timeline width (px): fits a notebook in a 1,400 px window with the file browser open
WIDTH = 940


def explore(c: Chronology, *, color: str = "event_type", gaps: bool = True, breaches: bool = False,
            in_place: bool = False, width: int = WIDTH, labels: Any = None,
            labels_file: str | os.PathLike[str] | None = None) -> Any:
    """An ipywidgets dashboard to explore a chronology in JupyterLab, and to review its theme tags.

    Agency and theme multi-select filters, a date range, a text search box, the timeline (redrawn as
    the filters change), the filtered events table below it, and a "Review themes" panel below
    that. Selecting no theme means "any theme". The chronology is not modified.

    In the review panel (:class:`chronology.plot.review.ReviewPanel`) the reviewer accepts or
    rejects a tag of one of the events shown, or adds a theme to it, with their name (else the
    panel refuses, saying why) and an optional note; each decision is stamped with the time and
    kept in ``labels`` (a newer one on the same tag replaces the older). ``chronology`` is
    ``c.with_labels(labels)``: the timeline, the theme filter's counts and every output
    (``ui.chronology.to_excel(...)``, ``themes.evaluate``, the learned layer) follow the decisions
    as they follow the Excel Themes sheet. "Save decisions" writes a CSV that
    :func:`chronology.read_labels` reads back; decisions on ``c`` (``c.labels``) show as decided.

    Parameters
    ----------
    c
        The chronology. Themes are taken from ``c.tags``, or tagged on first use; the theme filter is
        disabled when the tagger is unavailable.
    color, gaps, breaches
        Initial timeline settings (see :func:`chronology.plot.timeline`); breaches are off by default
        because the checks are re-run on every change. Above ``AGGREGATE_ABOVE`` (5,000) events the
        timeline shows counts per lane and day or week; a caseload of more than 80 case × agency
        lanes, counts per agency and period across cases (the timeline's caseload view).
    width
        The timeline's width in pixels (default 940, for a notebook in a 1,400 px window with the
        file browser open); its labels are placed for this width so that none overprints another.
    in_place
        ``False`` (default): the timeline is drawn in an ``Output`` widget from plotly's JSON, with
        the plotly.js JupyterLab already has, so a saved notebook stays small. ``True``: a plotly
        ``FigureWidget`` updated in place (needs anywidget); each one saves a 5 MB copy of plotly.js
        in the notebook.
    labels
        Earlier decisions to start from, with those on ``c``: a labels table, or a file for
        :func:`chronology.read_labels` (the CSV saved here, or a reviewed workbook).
    labels_file
        The file "Save decisions" writes (default: ``labels`` when it is a ``.csv`` path, else
        ``theme-decisions.csv`` in the notebook's folder).

    Returns
    -------
    ipywidgets.VBox
        With attributes ``agencies``, ``themes``, ``start``, ``end``, ``search``, ``color`` (the
        controls), ``figure`` (the plotly figure shown: a ``Figure``, or the ``FigureWidget`` with
        ``in_place=True``), ``plot`` (the widget showing it), ``table`` (HTML), ``count`` (HTML),
        ``hint`` (HTML: why nothing matches when From is after To), ``review`` (the review panel,
        whose controls are ``review.event``, ``review.tag``, ``review.accept``, ``review.reject``,
        ``review.theme``, ``review.polarity``, ``review.add``, ``review.reviewer``, ``review.note``,
        ``review.file``, ``review.save``, ``review.load``, ``review.message``), ``labels`` (the
        decisions so far: a DataFrame as :func:`chronology.read_labels` gives), ``chronology``
        (the chronology with the decisions applied), ``selected`` (the filtered Chronology) and
        ``refresh()``.

    Raises
    ------
    MissingDependencyError
        ipywidgets is not installed.
    chronology.labels.LabelError
        ``labels`` cannot be read, or names events that are not in ``c``.

    Examples
    --------
    >>> import chronology as chron
    >>> ui = chron.explore(chron.samples.load("cassie"))       # doctest: +SKIP
    >>> ui.agencies.value = ("police",)                          # doctest: +SKIP
    >>> len(ui.selected.events)                                  # doctest: +SKIP
    >>> ui.review.reviewer.value = "J. Reid"; ui.review.reject.click()   # doctest: +SKIP
    >>> ui.chronology.to_excel("cassie-reviewed.xlsx")           # doctest: +SKIP
    """
    _widgets()
    if labels_file is None:
        is_csv = isinstance(labels, str | os.PathLike) and str(labels).lower().endswith(".csv")
        labels_file = labels if is_csv else DECISIONS_FILE
    return _explorer_class()(c, color=color, gaps=gaps, breaches=breaches, in_place=in_place, width=width,
                             labels=labels, labels_file=labels_file)


@cache
def _explorer_class() -> type:
    """The explorer widget class: :class:`_ExplorerParts` on an ipywidgets ``VBox``, built on first
    use (ipywidgets is an optional dependency)."""
    w = _widgets()

    class Explorer(_ExplorerParts, w.VBox):  # type: ignore[misc,name-defined]
        """The explorer widget; see :func:`explore`."""

    return Explorer


class _ExplorerParts:
    """What the explorer widget does, mixed into an ipywidgets ``VBox`` by :func:`_explorer_class`."""

    if TYPE_CHECKING:  # given by the widget base (traitlets)
        def hold_trait_notifications(self) -> Any: ...

    def __init__(self, c: Chronology, *, color: str, gaps: bool, breaches: bool, in_place: bool,
                 width: int, labels: Any = None, labels_file: str | os.PathLike[str] = DECISIONS_FILE) -> None:
        w = _widgets()
        self._width = width
        self._gaps, self._breaches = gaps, breaches
        self._muted = False
        ev = c.events
        self.review = ReviewPanel(c, labels=labels, on_change=self._labels_changed, file=labels_file)
        self._tags = self.review.tags
        self.agencies = self._agency_select(ev)
        theme_opts = self._theme_options()
        self.themes = w.SelectMultiple(
            options=theme_opts, value=(), description="Themes", rows=min(8, max(3, len(theme_opts))),
            disabled=not theme_opts, layout=w.Layout(width="440px"),
            tooltip="none selected: any theme",
        )
        first, last = self._date_bounds(ev)
        self.start = w.DatePicker(description="From", value=first, layout=w.Layout(width="230px"))
        self.end = w.DatePicker(description="To", value=last, layout=w.Layout(width="230px"))
        self.search = w.Text(description="Search", placeholder="text in description, action, service...",
                             continuous_update=False, layout=w.Layout(width="460px"))
        self.color = self._colour_choice(color, theme_opts)
        self.reset = w.Button(description="Reset filters", icon="undo")
        self.count = w.HTML()
        self.hint = w.HTML()  # says why nothing matches when From is after To
        # below the timeline, the notebook's full width; long tables scroll inside their box
        # (width auto: stretched to the row, margins included; 100% would overflow by the margin)
        self.table = w.HTML(layout=w.Layout(width="auto", max_height="480px", overflow="auto"))
        self.selected = self.chronology  # with the decisions given or on c
        fig = self._timeline(self.selected)
        self.figure, self._output = self._figure_widget(fig, in_place)
        self.plot = self.figure if self._output is None else self._output
        # the widget base (VBox) follows this class in Explorer's bases
        super().__init__(self._children(), layout=w.Layout(width="100%"))  # type: ignore[call-arg]
        for ctl in (self.agencies, self.themes, self.start, self.end, self.search, self.color):
            ctl.observe(self._changed, names="value")
        self.reset.on_click(self._reset)
        self._fill(self.selected)

    @property
    def chronology(self) -> Chronology:
        """The chronology explored, with the reviewer's decisions applied (``c.with_labels(labels)``;
        ``c`` itself while there are none)."""
        return self.review.chronology

    @property
    def labels(self) -> pd.DataFrame:
        """The reviewer's decisions so far (a copy), as :func:`chronology.read_labels` gives them."""
        return self.review.labels

    # ------------------------------------------------------------------ controls
    @staticmethod
    def _agency_select(ev: pd.DataFrame) -> Any:
        """The agencies present, in vocabulary order, all selected."""
        w = _widgets()
        seen = set(ev["agency"].astype("str").unique())
        present = [a for a in ev["agency"].cat.categories if a in seen]
        return w.SelectMultiple(
            options=[(style.agency_label(a), a) for a in present], value=tuple(present),
            description="Agencies", rows=min(8, max(3, len(present))),
            layout=w.Layout(width="300px"),
        )

    def _theme_options(self) -> list[tuple[str, str]]:
        """``(label with its count, theme)`` of each theme tagged, most frequent first; none untagged."""
        if self._tags is None or self._tags.empty:
            return []
        counts = self._tags.drop_duplicates(["event_id", "theme"])["theme"].astype("str").value_counts()
        return [(f"{style.theme_label(str(t))} ({n})", str(t)) for t, n in counts.items()]

    @staticmethod
    def _colour_choice(color: str, theme_opts: list[tuple[str, str]]) -> Any:
        """What colours the timeline; "theme" only when there are themes (else the event type)."""
        w = _widgets()
        return w.Dropdown(
            options=[("event type", "event_type"), ("agency", "agency")]
            + ([("theme", "theme")] if theme_opts else []),
            value=color if (color != "theme" or theme_opts) else "event_type",
            description="Colour by", layout=w.Layout(width="230px"),
        )

    def _children(self) -> list[Any]:
        """The rows of the dashboard: the filters, the search and counts, the timeline, the table."""
        w = _widgets()
        # the timeline takes the notebook's whole width (its legend and lane labels need it), the
        # table comes below it; the controls wrap onto a second line in a narrow window
        plot_box = w.Box([self.plot], layout=w.Layout(width="100%"))
        controls = w.HBox([
            self.agencies, self.themes,
            w.VBox([self.start, self.end, self.color, self.reset]),
        ], layout=w.Layout(flex_flow="row wrap"))
        return [
            controls, w.HBox([self.search, self.count, self.hint], layout=w.Layout(flex_flow="row wrap")),
            plot_box, self.table, self.review.box,
        ]

    # ------------------------------------------------------------------ plumbing
    def _labels_changed(self) -> None:
        """After a review decision: the tags, the theme filter's counts, the timeline and table."""
        self._tags = self.review.tags
        opts = self._theme_options()
        keep = tuple(t for t in self.themes.value if t in {v for _, v in opts})
        self._muted = True
        try:
            self.themes.options = opts
            self.themes.value = keep
            self.themes.disabled = not opts
        finally:
            self._muted = False
        self.refresh()

    @staticmethod
    def _date_bounds(ev: pd.DataFrame) -> tuple[dt.date | None, dt.date | None]:
        if ev.empty:
            return None, None
        s = cm.wall(ev["start"])
        e = cm.wall(ev["end"]).fillna(s)
        return s.min().date(), max(s.max(), e.max()).date()

    def _timeline(self, sub: Chronology) -> Any:
        from .timeline import timeline

        return timeline(sub, color=self.color.value, gaps=self._gaps, breaches=self._breaches,
                        aggregate=len(sub.events) > AGGREGATE_ABOVE, width=self._width,
                        detail=False)  # zoom replaces the detail panel here

    @staticmethod
    def _figure_widget(fig: Any, in_place: bool) -> tuple[Any, Any]:
        """``(FigureWidget, None)`` with ``in_place`` and anywidget, else ``(fig, Output)``."""
        if in_place:
            import plotly.graph_objects as go

            try:
                return go.FigureWidget(figure_json(fig)), None
            except ImportError:  # no anywidget: draw into an Output widget instead
                pass
        out = _widgets().Output()
        out.outputs = (_display_data(fig),)
        return fig, out

    def _changed(self, change: Any = None) -> None:
        if not self._muted:
            self.refresh()

    def _reset(self, _button: Any = None) -> None:
        ev = self.chronology.events
        with self.hold_trait_notifications():
            self.agencies.value = tuple(o[1] for o in self.agencies.options)
            self.themes.value = ()
            self.start.value, self.end.value = self._date_bounds(ev)
            self.search.value = ""
        self.refresh()

    def mask(self) -> pd.Series:
        """The current filters as a boolean mask over ``chronology.events``."""
        return filter_mask(
            self.chronology.events, agencies=self.agencies.value, themes=self.themes.value,
            tags=self._tags, start=self.start.value, end=self.end.value, text=self.search.value or None,
        )

    def refresh(self) -> None:
        """Apply the filters: redraw the timeline in place and refill the table."""
        sub = self.chronology.filter(self.mask())
        if self._tags is not None and sub.tags is None:
            sub = sub._replace(tags=self._tags[self._tags["event_id"].isin(sub.events["event_id"])])
        self.selected = sub
        fig = self._timeline(sub)
        if self._output is None:
            plain = figure_json(fig)
            with self.figure.batch_update():
                self.figure.data = ()
                self.figure.add_traces(plain.get("data", []))
                self.figure.layout = plain.get("layout", {})
        else:
            self.figure = fig
            self._output.outputs = (_display_data(fig),)  # replaces the figure shown
        self._fill(sub)

    def _fill(self, sub: Chronology) -> None:
        total, n = len(self.chronology.events), len(sub.events)
        self.count.value = f"<b>{n}</b> of {total} events shown"
        self.hint.value = date_hint(self.start.value, self.end.value)
        self.table.value = events_table_html(sub.events, TABLE_ROWS)
        self.review.show(sub.events)


def date_hint(start: dt.date | None, end: dt.date | None) -> str:
    """What to tell the reader about the date range: empty when it is fine; when From is after To,
    that no event can match and how to fix it.

    Examples
    --------
    >>> import datetime as dt
    >>> date_hint(dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    ''
    >>> "From (05/04/2024) is after To (01/04/2024)" in date_hint(dt.date(2024, 4, 5), dt.date(2024, 4, 1))
    True
    """
    if start is None or end is None or start <= end:
        return ""
    return (
        f'<span style="color:#9C2A00"><b>From ({start:%d/%m/%Y}) is after To ({end:%d/%m/%Y})</b>: '
        "no event can match. Set From before To, or press Reset filters.</span>"
    )


def _display_data(fig: Any) -> dict[str, Any]:
    """The figure as one ``display_data`` output: plotly's JSON mime bundle and a text fallback."""
    title = fig.layout.title.text or "Timeline"
    return {
        "output_type": "display_data",
        "data": {PLOTLY_MIME: figure_json(fig), "text/plain": f"{title} (a plotly figure: open in JupyterLab)"},
        "metadata": {},
    }


def events_table_html(events: pd.DataFrame, limit: int = TABLE_ROWS) -> str:
    """The events as a compact HTML table (date, agency, service, type, description, action, seen,
    source and row), at most ``limit`` rows, text escaped.

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({"case_id": "a", "agency": ["police"],
    ...     "start": ["04/03/2024 10:00"], "description": ["Call <urgent>"]}), source="police.csv")
    >>> html = events_table_html(c.events)
    >>> "04/03/2024 10:00" in html, "Call &lt;urgent&gt;" in html, "police.csv row 1" in html
    (True, True, True)
    """
    if events.empty:
        return "<p><i>No events match the filters.</i></p>"
    ev = events.head(limit)
    when = cm.date_text(ev["start"], ev["precision"], ev.get("uncertain"))
    seen = ev["child_seen"].astype("boolean").map({True: "yes", False: "no"}).astype("str").fillna("")
    src = ev["source"].astype("str").fillna("") + " row " + ev["source_row"].astype("str")
    etypes = {k: style.event_type_label(k) for k in ev["event_type"].cat.categories}
    frame = pd.DataFrame({
        "Date": when,
        "Agency": style.map_values(ev["agency"], style.agency_labels(), "Other"),
        "Service": ev["service"].astype("str").fillna(""),
        "Type": style.map_values(ev["event_type"], etypes, "Other"),
        "Description": ev["description"].astype("str").fillna(""),
        "Action": ev["action"].astype("str").fillna(""),
        "Seen": seen,
        "Source": src,
    })
    html = frame.to_html(index=False, escape=True, border=0, classes="chronology-events")
    more = ""
    if len(events) > limit:
        more = f"<p><i>first {limit} of {len(events)} matching events; narrow the filters to see the rest</i></p>"
    style_css = (
        "<style>.chronology-events{border-collapse:collapse;font-size:12px;width:100%}"
        ".chronology-events td,.chronology-events th{border-bottom:1px solid #ddd;padding:2px 6px;"
        "text-align:left;vertical-align:top}.chronology-events th{position:sticky;top:0;background:#fff}</style>"
    )
    return style_css + more + html

