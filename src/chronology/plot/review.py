"""The explorer's "Review themes" panel: accept, reject or add a theme tag, as in the Excel Themes sheet.

The decisions are a labels table (the columns of :func:`chronology.labels.empty_labels`: who decided,
when, and a note), applied through :meth:`Chronology.with_labels <chronology.Chronology.with_labels>`,
the same path as labels read from the workbook: the reviewed chronology's tags drop the rejected
tags, add the added ones (``rule="reviewer"``) and mark the accepted ones confirmed, and every
output (timeline, summaries, reports, ``themes.evaluate``, the learned layer) follows them. A newer
decision on the same event, theme and polarity replaces the older one.

Needs ipywidgets: ``pip install "chronology[notebook]"``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import ChronologyError
from . import _common as cm
from . import style

if TYPE_CHECKING:
    from ._common import ChronologyLike as Chronology

__all__ = ["DECISIONS_FILE", "EVENT_CHOICES", "ReviewPanel", "decisions_table_html", "event_choices"]

#: the file "Save decisions" writes by default (in the notebook's folder)
DECISIONS_FILE = "theme-decisions.csv"
#: the event chooser lists at most this many of the events shown (narrow the filters for others)
EVENT_CHOICES = 500

_DONE = {"accept": "accepted", "reject": "rejected", "add": "added"}
_BAD = "#9C2A00"
_GOOD = "#1B5E20"


def event_choices(events: pd.DataFrame, tags: pd.DataFrame | None, limit: int = EVENT_CHOICES) -> list[tuple[str, str]]:
    """``(label, event id)`` for the first ``limit`` events: date, agency, the start of the
    description and how many tags the event has (vectorised; nothing is modified).

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({"case_id": "a", "agency": ["police"],
    ...     "start": ["04/03/2024 10:00"], "description": ["Callout to the flat"]}), source="police.csv")
    >>> tags = pd.DataFrame({"event_id": c.events["event_id"], "theme": ["escalation"]})
    >>> event_choices(c.events, tags)
    [('04/03/2024 10:00 · Police · Callout to the flat · 1 tag', 'a:police.csv:1')]
    """
    ev = events.head(limit)
    if ev.empty:
        return []
    when = cm.date_text(ev["start"], ev["precision"], ev.get("uncertain")).astype("str")
    agency = pd.Series(style.map_values(ev["agency"], style.agency_labels(), "Other"), index=ev.index, dtype="str")
    desc = ev["description"].astype("str").fillna("")
    short = desc.str.slice(0, 70).where(desc.str.len() <= 70, desc.str.slice(0, 69) + "…")
    n = pd.Series(0, index=ev.index, dtype="int64")
    if tags is not None and len(tags):
        counts = tags.drop_duplicates(["event_id", "theme"])["event_id"].astype("str").value_counts()
        n = ev["event_id"].astype("str").map(counts).fillna(0).astype("int64")
    plural = pd.Series("s", index=ev.index, dtype="str").where(n != 1, "")
    count = (n.astype("str") + " tag" + plural).where(n > 0, "no tag")
    label = when + " · " + agency + " · " + short + " · " + count
    return list(zip(label.tolist(),
                    ev["event_id"].astype("str").tolist(), strict=True))


def decisions_table_html(labels: pd.DataFrame, events: pd.DataFrame) -> str:
    """The decisions as a compact HTML table (event date and description, theme, polarity,
    decision, reviewer, when, note, where it was written), text escaped; nothing is modified.

    Examples
    --------
    >>> from chronology.labels import label_row
    >>> ev = pd.DataFrame({"event_id": ["x:1"], "description": ["Visit <home>"],
    ...     "start": pd.to_datetime(["2024-03-04"]).tz_localize("Europe/London"), "precision": ["day"]})
    >>> html = decisions_table_html(label_row("x:1", "child_voice", "concern", "add", "J. Reid",
    ...                                       decided_at="2026-12-04 10:30"), ev)
    >>> "Visit &lt;home&gt;" in html, "added" in html, "04/12/2026 10:30" in html
    (True, True, True)
    """
    if labels.empty:
        return "<p><i>No decisions yet.</i></p>"
    info = events[["event_id", "start", "precision", "description"]].drop_duplicates("event_id")
    info = info.assign(event_id=info["event_id"].astype("str"))
    lab = labels.reset_index(drop=True).assign(event_id=labels["event_id"].astype("str").to_numpy())
    joined = lab.merge(info, on="event_id", how="left")
    when = cm.date_text(joined["start"], joined["precision"]).astype("str").fillna("")
    decided = joined["decided_at"]
    decided_text = (decided.dt.tz_convert("Europe/London") if isinstance(decided.dtype, pd.DatetimeTZDtype)
                    else decided).dt.strftime("%d/%m/%Y %H:%M").astype("str").fillna("")
    sheet = joined["source_sheet"].astype("str")
    frame = pd.DataFrame({
        "Event": (when + " " + joined["description"].astype("str").fillna(joined["event_id"])).str.strip(),
        "Theme": joined["theme"].astype("str").map(style.theme_label).astype("str"),
        "Polarity": joined["polarity"].astype("str").fillna("any"),
        "Decision": joined["decision"].astype("str").map(_DONE).astype("str"),
        "Reviewer": joined["reviewer"].astype("str").fillna(""),
        "Decided": decided_text,
        "Note": joined["note"].astype("str").fillna(""),
        "Written in": (joined["source"].astype("str").fillna("") + (", " + sheet).fillna("")
                       + ", row " + joined["source_row"].astype("str")),
    })
    return frame.to_html(index=False, escape=True, border=0, classes="chronology-events")


class ReviewPanel:
    """The "Review themes" panel of :func:`chronology.explore` (also usable on its own).

    Pick an event (of those shown, :meth:`show`) and one of its tags, then **Accept** or
    **Reject** it; or pick a theme of the taxonomy and a polarity and **Add** it to the event. Each
    decision needs a name in **Reviewer** (else the panel says so and records nothing) and may
    carry a **Note**; it is stamped with the time. **Save decisions** writes them to the file named
    in **File** (a CSV :func:`chronology.read_labels` reads back); **Load decisions** reads that
    file (or a reviewed workbook) and merges it in. Decisions already on the chronology
    (``c.labels``) are loaded at the start. The chronology given is not modified.

    Parameters
    ----------
    c
        The chronology; tagged first when ``c.tags`` is ``None`` (the panel is disabled when the
        tagger is unavailable).
    labels
        Earlier decisions to start from, added to ``c.labels``: a labels table, or what
        :func:`chronology.read_labels` reads (a file or a Themes-sheet-like frame).
    on_change
        Called (without arguments) after the decisions change.
    file
        The file name shown in the **File** box.

    Attributes
    ----------
    event, tag, theme, polarity, reviewer, note, file
        The controls (``tag`` values are ``(theme, polarity)``).
    accept, reject, add, save, load
        The buttons.
    message
        HTML: what the last action did, or why it was refused.
    decided
        HTML: the decisions so far.
    box
        The panel's widget, to display.

    Examples
    --------
    >>> import chronology as chron
    >>> panel = ReviewPanel(chron.samples.load("cassie").tag())
    >>> panel.reject.click()                      # nobody named in Reviewer
    >>> "write your name in Reviewer" in panel.message.value, len(panel.labels)
    (True, 0)
    >>> panel.reviewer.value = "J. Reid"
    >>> panel.reject.click()
    >>> panel.labels[["decision", "reviewer"]].values.tolist()
    [['reject', 'J. Reid']]
    """

    def __init__(self, c: Chronology, *, labels: Any = None, on_change: Callable[[], None] | None = None,
                 file: str | os.PathLike[str] = DECISIONS_FILE) -> None:
        from ..labels import empty_labels
        from .explorer import _widgets

        w = _widgets()
        self._given = c
        self._base = _tagged(c)
        self._labels = empty_labels() if c.labels is None else c.labels.reset_index(drop=True)
        self._labels.attrs = {}
        self._reviewed: Chronology | None = None
        self._events = c.events
        self._on_change: Callable[[], None] | None = None
        self._themes = _taxonomy_themes(self._base)
        off = self._base is None
        wide, mid = w.Layout(width="560px", max_width="100%"), w.Layout(width="400px", max_width="100%")
        self.event = w.Dropdown(description="Event", options=[], layout=wide, disabled=off)
        self.tag = w.Dropdown(description="Tag", options=[], layout=mid, disabled=off)
        self.accept = w.Button(description="Accept", icon="check", button_style="success", disabled=off,
                               tooltip="keep this tag (confirmed by the reviewer)")
        self.reject = w.Button(description="Reject", icon="times", button_style="danger", disabled=off,
                               tooltip="remove this tag: the event does not evidence the theme")
        self.theme = w.Dropdown(description="Add theme", options=[(lab, t) for t, (lab, _) in self._themes.items()],
                                layout=w.Layout(width="400px", max_width="100%"), disabled=off)
        self.polarity = w.Dropdown(options=["concern", "strength"], layout=w.Layout(width="110px"), disabled=off)
        self.add = w.Button(description="Add", icon="plus", disabled=off, tooltip="add this theme to the event")
        self.reviewer = w.Text(description="Reviewer", placeholder="your name or role (needed)",
                               layout=w.Layout(width="300px"))
        self.note = w.Text(description="Note", placeholder="optional: why", layout=w.Layout(width="560px", max_width="100%"))
        self.file = w.Text(description="File", value=str(file), layout=w.Layout(width="400px", max_width="100%"))
        self.save = w.Button(description="Save decisions", icon="save")
        self.load = w.Button(description="Load decisions", icon="folder-open")
        self.message = w.HTML()
        self.decided = w.HTML(layout=w.Layout(width="auto", max_height="200px", overflow="auto"))
        self.box = self._layout(w)
        self.event.observe(self._event_changed, names="value")
        self.theme.observe(self._theme_changed, names="value")
        self.accept.on_click(lambda _b: self._decide("accept"))
        self.reject.on_click(lambda _b: self._decide("reject"))
        self.add.on_click(lambda _b: self._decide("add"))
        self.save.on_click(lambda _b: self._save())
        self.load.on_click(lambda _b: self._load())
        self._theme_changed()
        if off:
            self.message.value = _say("the tagger is unavailable here, so there are no tags to review", _BAD)
        if labels is not None:
            self.merge(labels)
        self.show(c.events)
        self._on_change = on_change

    def _layout(self, w: Any) -> Any:
        """Title, the choosers, the buttons, who and why, the file, the message, the decisions;
        each row wraps in a narrow window."""
        wrap = w.Layout(flex_flow="row wrap", align_items="center")
        return w.VBox([
            w.HTML("<b>Review themes</b>: pick an event and one of its tags, then accept or reject it, "
                   "or add a theme to the event. Every output follows the decisions."),
            w.HBox([self.event, self.tag, self.accept, self.reject], layout=wrap),
            w.HBox([self.theme, self.polarity, self.add], layout=wrap),
            w.HBox([self.reviewer, self.note], layout=wrap),
            w.HBox([self.file, self.save, self.load], layout=wrap),
            self.message, self.decided,
        ], layout=w.Layout(width="auto", border="1px solid #ddd", padding="4px", margin="8px 0 0 0"))

    # ------------------------------------------------------------------ state
    @property
    def labels(self) -> pd.DataFrame:
        """The decisions so far (a copy), as :func:`chronology.read_labels` gives them."""
        return self._labels.copy()

    @property
    def chronology(self) -> Chronology:
        """The chronology with the decisions applied (``c.with_labels(labels)``), or ``c`` itself
        while there are none."""
        if self._labels.empty or self._base is None:
            return self._given
        if self._reviewed is None:
            self._reviewed = self._base.with_labels(self._labels)
        return self._reviewed

    @property
    def tags(self) -> pd.DataFrame | None:
        """The tags with the decisions applied (``None`` when the tagger is unavailable)."""
        if self._base is None:
            return None
        return self.chronology.tags if not self._labels.empty else self._base.tags

    def show(self, events: pd.DataFrame) -> None:
        """Offer these events (e.g. those the explorer's filters keep) in the event chooser,
        keeping the one chosen when it is still there."""
        self._events = events
        current = self.event.value
        options = event_choices(events, self.tags)
        self.event.options = options
        ids = [v for _, v in options]
        tagged = [v for label, v in options if not label.endswith(" · no tag")]
        # the one chosen before, else the first event with a tag to review
        pick = current if current in ids else next(iter(tagged or ids), None)
        if pick is not None:
            self.event.value = pick
        self._event_changed()
        self.decided.value = decisions_table_html(self._labels, self._given.events)

    def merge(self, labels: Any) -> pd.DataFrame:
        """Add decisions to those so far (a newer decision on the same event, theme and polarity
        replaces the older one) and return them: a labels table, or what
        :func:`chronology.read_labels` reads (a file, a Themes-sheet-like frame).

        Raises
        ------
        chronology.labels.LabelError
            The labels cannot be read, or name events that are not in the chronology.
        """
        from ..labels import check_event_ids, merge_labels, read_labels

        if not isinstance(labels, pd.DataFrame) or "decision" not in labels:
            labels = read_labels(labels, chronology=self._base if self._base is not None else self._given)
        check_event_ids(labels, self._given.events)
        merged = merge_labels(self._labels, labels)
        merged.attrs = {}
        self._labels = merged
        self._reviewed = None
        self.show(self._events)
        if self._on_change is not None:
            self._on_change()
        return labels

    # ------------------------------------------------------------------ actions
    def _decide(self, decision: str) -> None:
        """Record one decision on the chosen tag (accept, reject) or theme (add); refuse with a
        message when something is missing."""
        from ..labels import label_row

        if not self.reviewer.value.strip():
            self.message.value = _say("Not recorded: write your name in Reviewer first, so that the decision "
                                      "keeps who made it.", _BAD)
            return
        event_id = self.event.value
        pick = (self.theme.value, self.polarity.value) if decision == "add" else self.tag.value
        if event_id is None or pick is None or pick[0] is None:
            what = "a theme" if decision == "add" else "a tag (this event has none: add a theme instead)"
            self.message.value = _say(f"Not recorded: choose an event and {what}.", _BAD)
            return
        theme, polarity = pick
        row = label_row(event_id, theme, polarity, decision, self.reviewer.value, note=self.note.value,
                        source="explorer", source_row=self._next_row())
        self.merge(row)
        self.note.value = ""
        done = row.iloc[0]
        self.message.value = _say(
            f"{_DONE[decision].capitalize()} {style.theme_label(theme)} ({polarity or 'any polarity'}) on "
            f"{event_id}, by {done['reviewer']} at {done['decided_at']:%d/%m/%Y %H:%M}. "
            f"{len(self._labels)} decision{'s' * (len(self._labels) != 1)}; not saved yet.", _GOOD)

    def _next_row(self) -> int:
        mine = self._labels.loc[self._labels["source"] == "explorer", "source_row"]
        return int(mine.max()) + 1 if len(mine) else 1

    def _save(self) -> None:
        from ..labels import write_labels

        if self._labels.empty:
            self.message.value = _say("Nothing saved: there are no decisions yet.", _BAD)
            return
        path = Path(self.file.value.strip() or DECISIONS_FILE)
        try:
            saved = write_labels(self._labels, path, chronology=self._base)
        except (ChronologyError, OSError) as exc:
            self.message.value = _say(f"Not saved: {exc}", _BAD)
            return
        self._labels = saved.reset_index(drop=True)  # now written there (file and row)
        self._labels.attrs = {}
        self.show(self._events)
        self.message.value = _say(
            f"Saved {len(saved)} decision{'s' * (len(saved) != 1)} to {path.resolve()}; read them back with "
            f"chron.read_labels({str(path)!r}).", _GOOD)

    def _load(self) -> None:
        path = Path(self.file.value.strip() or DECISIONS_FILE)
        try:
            loaded = self.merge(path)
        except (ChronologyError, OSError) as exc:
            self.message.value = _say(f"Not loaded: {exc}", _BAD)
            return
        self.message.value = _say(f"Loaded {len(loaded)} decision{'s' * (len(loaded) != 1)} from {path.name}.", _GOOD)

    # ------------------------------------------------------------------ choosers
    def _event_changed(self, change: Any = None) -> None:
        """The chosen event's tags, each with its decision so far; rejected ones stay listed so
        that a rejection can be undone."""
        event_id, current = self.event.value, self.tag.value
        options = [] if event_id is None else _tag_choices(event_id, self.tags, self._labels)
        self.tag.options = options
        values = [v for _, v in options]
        if values:
            self.tag.value = current if current in values else values[0]

    def _theme_changed(self, change: Any = None) -> None:
        """An added theme takes its default polarity (change it before pressing Add)."""
        if self.theme.value in self._themes:
            self.polarity.value = self._themes[self.theme.value][1]


def _say(text: str, colour: str) -> str:
    return f'<span style="color:{colour}">{cm.safe(text)}</span>'


def _tagged(c: Chronology) -> Chronology | None:
    if c.tags is not None:
        return c
    try:
        return c.tag()
    except Exception:  # tagger unavailable or failing: nothing to review
        return None


def _taxonomy_themes(base: Chronology | None) -> dict[str, tuple[str, str]]:
    """Theme id -> (label, default polarity): the taxonomy's themes, then any other theme tagged."""
    from ..themes.taxonomy import load_taxonomy

    out = {t.id: (t.label, t.polarity) for t in load_taxonomy().themes.values()}
    tags = base.tags if base is not None else None
    if tags is not None and len(tags):
        for theme, polarity in tags[["theme", "polarity"]].astype("str").drop_duplicates("theme").itertuples(index=False):
            out.setdefault(str(theme), (style.theme_label(str(theme)), str(polarity)))
    return out


def _tag_choices(event_id: str, tags: pd.DataFrame | None, labels: pd.DataFrame) -> list[tuple[str, tuple[str, str]]]:
    """``(label, (theme, polarity))`` of one event's tags and of its rejected ones, each saying
    whether and by whom it was decided."""
    pairs: list[tuple[str, str]] = []
    if tags is not None and len(tags):
        mine = tags.loc[tags["event_id"].astype("str") == event_id, ["theme", "polarity"]].astype("str")
        pairs = list(mine.drop_duplicates().itertuples(index=False, name=None))
    lab = labels[labels["event_id"].astype("str") == event_id]
    said: dict[tuple[str, str | None], str] = {}
    for theme, polarity, decision, reviewer, when in lab[
            ["theme", "polarity", "decision", "reviewer", "decided_at"]].itertuples(index=False, name=None):
        pol = None if pd.isna(polarity) else str(polarity)
        who = f" by {reviewer}" if pd.notna(reviewer) else ""
        on = f" on {when:%d/%m/%Y}" if pd.notna(when) else ""
        said[(str(theme), pol)] = f"{_DONE[str(decision)]}{who}{on}"
        if decision == "reject" and pol is not None and (str(theme), pol) not in pairs:
            pairs.append((str(theme), pol))
    out = []
    for theme, polarity in pairs:
        status = said.get((theme, polarity)) or said.get((theme, None)) or "not reviewed"
        out.append((f"{style.theme_label(theme)} ({polarity}): {status}", (theme, polarity)))
    return out
