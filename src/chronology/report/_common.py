"""Shared pieces of the reports: settings, labels, date display, and the analysis tables.

Each analysis table is built by calling the :class:`~chronology.Chronology` methods (metrics and
themes); errors from those modules are not caught here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._data import load_toml
from ..schema import TZ

if TYPE_CHECKING:
    from ..chronology import Chronology, PathLike
    from ..rules import Expect, Interval

__all__ = [
    "agency_labels",
    "analysis_tables",
    "config",
    "display_dates",
    "event_labels",
    "event_table",
    "event_type_labels",
    "label",
    "summary_table",
    "theme_labels",
    "themes_table",
    "to_wall_time",
]


def config() -> dict[str, Any]:
    """The report settings (``chronology/data/report.toml``)."""
    return load_toml("report.toml")


def label(column: str) -> str:
    """A readable header for a column name (``"working_days"`` → ``"Working days"``).

    Examples
    --------
    >>> label("working_days"), label("case_id"), label("Child seen")
    ('Working days', 'Case', 'Child seen')
    """
    if column == "case_id":
        return "Case"
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def event_labels(columns: Sequence[str]) -> dict[str, str]:
    """Readable headers of event-table columns (``start`` → ``Date``, ``source`` → ``Source file``),
    from ``report.toml``; other columns are kept as written (unmapped source headings).

    Examples
    --------
    >>> event_labels(["start", "child_voice", "Officer"])
    {'start': 'Date', 'child_voice': "Child's views", 'Officer': 'Officer'}
    """
    labels: dict[str, str] = config()["labels"]
    return {col: labels.get(col, col) for col in columns}


def agency_labels(agency: pd.Series) -> pd.Series:
    """Readable agency names from the figures' style (``health_acute`` → ``Hospital (acute)``), as ``str``.

    Examples
    --------
    >>> agency_labels(pd.Series(["police", "health_acute", "unknown_code"])).tolist()
    ['Police', 'Hospital (acute)', 'unknown_code']
    """
    from ..plot.style import agency_labels as style_labels

    names = style_labels()
    text = agency.astype("str")
    return text.map(names).fillna(text).astype("str")


def event_type_labels(event_type: pd.Series) -> pd.Series:
    """Readable event types from the figures' style (``police_callout`` → ``Police callout``).

    Examples
    --------
    >>> event_type_labels(pd.Series(["police_callout", "self_harm"])).tolist()
    ['Police callout', 'Self-harm']
    """
    from ..plot.style import event_type_label

    return _relabel(event_type, event_type_label)


def theme_labels(theme: pd.Series) -> pd.Series:
    """Readable theme names from the theme taxonomy (ids without a label are shown readably)."""
    from ..plot.style import theme_label

    return _relabel(theme, theme_label)


def _relabel(values: pd.Series, label_of: Any) -> pd.Series:
    text = values.astype("str")
    mapping = {code: label_of(code) for code in text.dropna().unique()}
    return text.map(mapping).astype("str")


def to_wall_time(values: pd.Series) -> pd.Series:
    """Time-zone-aware datetimes as naive Europe/London wall-clock time (others unchanged).

    Excel has no time zones: a report shows the time a practitioner in England would have read on
    the clock (BST in summer, GMT in winter).

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2024-07-01 09:00"]).tz_localize("Europe/London"))
    >>> to_wall_time(s).tolist()
    [Timestamp('2024-07-01 09:00:00')]
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(TZ).dt.tz_localize(None)
    return values


def display_dates(events: pd.DataFrame, column: str = "start") -> pd.Series:
    """Dates as a reviewer reads them, at the precision they are known (vectorised).

    ``minute`` → ``12/03/2024 14:10``, ``day`` → ``12/03/2024``, ``week`` → ``w/c 11/03/2024``,
    ``month`` → ``Mar 2024``, ``year`` → ``2024``; a date the source marked uncertain starts
    with ``?``. Formats come from ``report.toml``. Missing dates give ``""``.

    Examples
    --------
    >>> ev = pd.DataFrame({"start": pd.to_datetime(["2024-03-12 14:10", "2024-03-01 00:00"]).tz_localize("Europe/London"),
    ...                    "precision": ["minute", "month"], "uncertain": [False, True]})
    >>> display_dates(ev).tolist()
    ['12/03/2024 14:10', '?Mar 2024']
    """
    fmts: dict[str, str] = config()["dates"]
    when = to_wall_time(events[column])
    if "precision" in events:
        precision = events["precision"].astype("str").fillna("minute")
    else:
        precision = pd.Series("minute", index=events.index)
    levels = ["minute", "day", "week", "month", "year"]
    choices = [when.dt.strftime(fmts[lvl]).fillna("").to_numpy() for lvl in levels]
    conds = [(precision == lvl).to_numpy() for lvl in levels]
    out = pd.Series(np.select(conds, choices, default=choices[0]), index=events.index, dtype="str")
    out = out.where(when.notna(), "")
    if "uncertain" in events:
        unsure = events["uncertain"].fillna(False).astype(bool) & when.notna()
        out = out.where(~unsure, fmts["uncertain_prefix"] + out)
    return out


def _as_text(values: pd.Series) -> pd.Series:
    """Object values (dicts, lists, numbers mixed with text) as readable ``str``."""

    def one(v: Any) -> str:
        if isinstance(v, str):
            return v
        if isinstance(v, dict | list | tuple):
            return json.dumps(v, ensure_ascii=False, default=str)
        return str(v)

    return values.map(one, na_action="ignore").astype("str")


def plain_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with cells a report can show: wall-clock datetimes, text for categories,
    objects and booleans ("Yes"/"No"), agency codes as names (columns ``agency``, ``*_agency``),
    durations as days (column renamed ``... (days)``)."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        name = col
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = to_wall_time(s)
        elif pd.api.types.is_timedelta64_dtype(s.dtype):
            s = s.dt.total_seconds() / 86400
            name = f"{col} (days)"
        elif pd.api.types.is_bool_dtype(s.dtype):
            s = s.map({True: "Yes", False: "No"}).astype("str")
        elif isinstance(s.dtype, pd.CategoricalDtype):
            s = agency_labels(s) if str(col).endswith("agency") else s.astype("str")
        elif s.dtype == object:
            s = _as_text(s)
        out[name] = s
    return pd.DataFrame(out, index=frame.index)


def event_table(c: Chronology) -> pd.DataFrame:
    """The integrated chronology as a report table: canonical columns in reading order with
    readable headers (``report.toml``), then any unmapped source columns under their own
    headings. Values are not yet made safe."""
    ev = c.events
    order = [
        "case_id",
        "start",
        "end",
        "precision",
        "uncertain",
        "agency",
        "service",
        "event_type",
        "description",
        "action",
        "child_seen",
        "child_voice",
        "practitioner",
        "source",
        "source_sheet",
        "source_row",
        "event_id",
    ]
    extra = [col for col in ev.columns if col not in order]
    table = ev[[col for col in order if col in ev.columns] + extra].copy()
    table["agency"] = agency_labels(table["agency"])
    table["event_type"] = event_type_labels(table["event_type"])
    return table.rename(columns=event_labels(list(table.columns)))


def themes_table(c: Chronology) -> pd.DataFrame:
    """Theme tags joined to their events: date, agency, theme, polarity, evidence, rule, what
    happened, source and row (tags the events first when ``c.tags`` is ``None``)."""
    tags = c.tags if c.tags is not None else c.tag().tags
    assert tags is not None
    ev = c.events[
        ["event_id", "case_id", "start", "precision", "uncertain", "agency", "description", "source", "source_row"]
    ]
    joined = tags.merge(ev, on="event_id", how="left", validate="many_to_one")
    joined["agency"] = agency_labels(joined["agency"])
    if "label" in joined.columns:  # the taxonomy's own label travels with each tag
        joined["theme"] = joined["label"].fillna(joined["theme"]).astype("str")
        joined = joined.drop(columns="label")
    else:
        joined["theme"] = theme_labels(joined["theme"])
    front = ["case_id", "start", "agency", "theme", "polarity", "evidence", "rule", "description"]
    back = ["source", "source_row", "event_id"]
    rest = [col for col in tags.columns if col not in front + back]
    cols = [col for col in front + rest + back if col in joined.columns]
    table = joined[cols].sort_values(["case_id", "start", "theme"], kind="stable").reset_index(drop=True)
    return table.rename(columns=event_labels(list(table.columns)))


def summary_table(c: Chronology) -> pd.DataFrame:
    """Events per agency: count, first and last date, child seen (yes / recorded)."""
    ev = c.events
    if ev.empty:
        return pd.DataFrame(
            {"Agency": pd.Series(dtype="str"), "Events": pd.Series(dtype="int64"),
             "First": pd.Series(dtype="str"), "Last": pd.Series(dtype="str"),
             "Child seen": pd.Series(dtype="int64"), "Seen recorded": pd.Series(dtype="int64")}
        )
    grouped = ev.groupby("agency", observed=True)
    table = pd.DataFrame(
        {
            "Events": grouped.size(),
            "First": grouped["start"].min(),
            "Last": grouped["start"].max(),
            "Child seen": grouped["child_seen"].sum(),
            "Seen recorded": grouped["child_seen"].count(),
        }
    )
    table["First"] = to_wall_time(table["First"]).dt.strftime("%d/%m/%Y")
    table["Last"] = to_wall_time(table["Last"]).dt.strftime("%d/%m/%Y")
    table.index = agency_labels(pd.Series(table.index.astype("str"))).to_numpy()
    table = table.rename_axis("Agency").reset_index()
    table["Child seen"] = table["Child seen"].astype("int64")
    return table


def analysis_tables(
    c: Chronology,
    names: Sequence[str],
    *,
    intervals: Interval | Sequence[Interval] | None = None,
    timescales: Sequence[Interval] | PathLike | None = None,
    expectations: Expect | Sequence[Expect] | None = None,
    min_gap_days: float | None = None,
) -> dict[str, pd.DataFrame]:
    """The analysis tables named in ``names``, each computed by its Chronology method.

    ``Gaps`` is ``c.gaps(min_days=min_gap_days)`` (default from ``report.toml``); ``Intervals``
    is ``c.intervals(intervals)``; ``Breaches`` ``c.breaches(timescales)``; ``Missing follow-ups``
    ``c.missing(expectations)``; ``Voice`` ``c.voice()``; ``Silences`` ``c.silences()``;
    ``Themes`` :func:`themes_table`; ``Rejects`` and ``Provenance`` the Chronology's own.
    """
    if min_gap_days is None:
        min_gap_days = float(config()["analysis"]["gap_min_days"])
    out: dict[str, pd.DataFrame] = {}
    for name in names:
        if name == "Gaps":
            out[name] = c.gaps(min_days=min_gap_days)
        elif name == "Intervals":
            assert intervals is not None
            out[name] = c.intervals(intervals)
        elif name == "Breaches":
            out[name] = c.breaches(timescales)
        elif name == "Missing follow-ups":
            out[name] = c.missing(expectations)
        elif name == "Voice":
            out[name] = c.voice()
        elif name == "Silences":
            out[name] = c.silences()
        elif name == "Themes":
            out[name] = themes_table(c)
        elif name == "Rejects":
            out[name] = c.rejects
        elif name == "Provenance":
            out[name] = c.provenance
    return out
