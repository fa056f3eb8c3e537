"""The child's voice (seen and heard per agency and period, silences) and agency activity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._common import AGENCY, DT, empty_frame, measures, period_of, prepare

__all__ = ["activity", "silences", "voice"]

VOICE_COLUMNS: dict[str, Any] = {
    "case_id": "str",
    "agency": AGENCY,
    "period": DT,
    "events": "int64",
    "seen": "int64",
    "not_seen": "int64",
    "seen_unknown": "int64",
    "heard": "int64",
    "share_seen": "float64",
    "share_heard": "float64",
    "approximate": "bool",
}

SILENCE_COLUMNS: dict[str, Any] = {
    "case_id": "str",
    "kind": "str",
    "start": DT,
    "end": DT,
    "days": "Int64",
    "working_days": "Int64",
    "events_in_stretch": "int64",
    "approximate": "bool",
    "open_start": "bool",
    "open_end": "bool",
    "before_event_id": "str",
    "after_event_id": "str",
}

ACTIVITY_COLUMNS: dict[str, Any] = {
    "case_id": "str",
    "period": DT,
    "agency": AGENCY,
    "events": "int64",
    "agencies_involved": "int64",
    "approximate": "bool",
}


def _flags(events: pd.DataFrame, ev: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seen, not seen and heard flags, computed on ``events`` and put in ``ev``'s order."""
    rows = ev["row"].to_numpy()
    if "child_seen" in events:
        cs = events["child_seen"].astype("boolean")
        seen = cs.eq(True).fillna(False).to_numpy(dtype=bool)[rows]
        not_seen = cs.eq(False).fillna(False).to_numpy(dtype=bool)[rows]
    else:
        seen = not_seen = np.zeros(len(ev), dtype=bool)
    if "child_voice" in events:
        lengths = events["child_voice"].astype("str").str.strip().str.len()
        heard = lengths.fillna(0).gt(0).to_numpy(dtype=bool)[rows]
    else:
        heard = np.zeros(len(ev), dtype=bool)
    return seen, not_seen, heard


def _case_ids(ev: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """``case_id`` for each ``case_key``."""
    first = ev.drop_duplicates("case_key").set_index("case_key")["case_id"]
    return pd.Series(first.reindex(keys.to_numpy()).array, index=keys.index)


def voice(events: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """How often the child was seen and heard, per case, agency and period.

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    freq
        ``"D"``, ``"W"`` (Monday to Sunday), ``"M"``, ``"Q"`` or ``"Y"``.

    Returns
    -------
    pandas.DataFrame
        One row per case, agency and period with at least one event: ``case_id``, ``agency``,
        ``period`` (the period's first day), ``events``, ``seen`` (``child_seen`` True),
        ``not_seen`` (False), ``seen_unknown`` (not recorded), ``heard`` (``child_voice``
        recorded), ``share_seen`` = seen / events, ``share_heard`` = heard / events (shares of all
        events, so events that do not record it count as not seen), ``approximate`` (some event's
        date is too coarse to place it in one period, or is uncertain). Sorted by case, agency,
        period.

    Examples
    --------
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([
    ...     {"case_id": "x", "agency": "csc", "start": "2024-03-01", "description": "Visit",
    ...      "child_seen": True, "child_voice": "I want to go home"},
    ...     {"case_id": "x", "agency": "csc", "start": "2024-03-20", "description": "Call", "child_seen": False},
    ...     {"case_id": "x", "agency": "csc", "start": "2024-04-02", "description": "Meeting"}])
    >>> v = voice(ev)
    >>> v[["events", "seen", "not_seen", "seen_unknown", "heard"]].values.tolist()
    [[2, 1, 1, 0, 1], [1, 0, 0, 1, 0]]
    >>> v["share_seen"].tolist()
    [0.5, 0.0]
    """
    ev = prepare(events)
    period, coarse = period_of(ev, freq)
    if ev.empty:
        return empty_frame(VOICE_COLUMNS)
    seen, not_seen, heard = _flags(events, ev)
    work = pd.DataFrame(
        {
            "case_key": ev["case_key"],
            "agency": ev["agency"].astype(AGENCY),
            "period": period,
            "events": 1,
            "seen": seen.astype("int64"),
            "not_seen": not_seen.astype("int64"),
            "heard": heard.astype("int64"),
            "approximate": coarse.astype(bool),
        }
    )
    out = (
        work.groupby(["case_key", "agency", "period"], observed=True, sort=True)
        .agg(
            events=("events", "sum"),
            seen=("seen", "sum"),
            not_seen=("not_seen", "sum"),
            heard=("heard", "sum"),
            approximate=("approximate", "any"),
        )
        .reset_index()
    )
    out["case_id"] = _case_ids(ev, out["case_key"])
    out["seen_unknown"] = out["events"] - out["seen"] - out["not_seen"]
    out["share_seen"] = out["seen"] / out["events"]
    out["share_heard"] = out["heard"] / out["events"]
    return out[list(VOICE_COLUMNS)].astype(VOICE_COLUMNS)


def silences(events: pd.DataFrame) -> pd.DataFrame:
    """Stretches in which the child was not seen, or not heard, longest first.

    A ``not_seen`` stretch runs from one event that records the child seen (``child_seen`` True)
    to the next one; a ``not_heard`` stretch from one event that records the child's words
    (``child_voice``) to the next. The first stretch of a case starts at its first event
    (``open_start=True``: the child may have been seen before the record begins) and the last
    ends at its last event (``open_end=True``). Events that do not record whether the child was
    seen count as not seen.

    Parameters
    ----------
    events
        The canonical events frame; not modified.

    Returns
    -------
    pandas.DataFrame
        ``case_id``, ``kind`` (``not_seen`` or ``not_heard``), ``start``, ``end``, ``days``,
        ``working_days``, ``events_in_stretch`` (events in between, none of which saw / heard the
        child), ``approximate`` (an end point is approximate), ``open_start``, ``open_end``,
        ``before_event_id``, ``after_event_id`` (the events where the child was seen / heard).
        Stretches of zero length are left out. Sorted by case, kind (``not_seen`` first), longest first.

    Examples
    --------
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([
    ...     {"case_id": "x", "agency": "csc", "start": "2024-03-01", "description": "Visit", "child_seen": True},
    ...     {"case_id": "x", "agency": "police", "start": "2024-03-10", "description": "Call"},
    ...     {"case_id": "x", "agency": "csc", "start": "2024-04-15", "description": "Visit", "child_seen": True}])
    >>> silences(ev).query("kind == 'not_seen'")[["days", "events_in_stretch"]].values.tolist()
    [[45, 1]]
    """
    ev = prepare(events)
    if ev.empty:
        return empty_frame(SILENCE_COLUMNS)
    seen, _, heard = _flags(events, ev)
    case = ev["case_key"].to_numpy()
    first = np.r_[True, case[1:] != case[:-1]]
    last = np.r_[case[1:] != case[:-1], True]
    parts = [
        part
        for kind, flag in (("not_seen", seen), ("not_heard", heard))
        if (part := _stretches(ev, kind, flag, first, last)) is not None
    ]
    if not parts:
        return empty_frame(SILENCE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = out[(out["events_in_stretch"] > 0) | (out["days"].fillna(0) > 0).to_numpy()]
    out["_k"] = out["kind"].map({"not_seen": 0, "not_heard": 1})
    out = out.sort_values(
        ["case_key", "_k", "days", "start"], ascending=[True, True, False, True], kind="stable"
    ).drop(columns=["_k", "case_key"])
    return out.reset_index(drop=True).astype(SILENCE_COLUMNS)


def _stretches(
    ev: pd.DataFrame, kind: str, flag: np.ndarray, first: np.ndarray, last: np.ndarray
) -> pd.DataFrame | None:
    """The stretches of one kind between anchors: the case's first and last events (``first``,
    ``last``) and every event that saw / heard the child (``flag``); None when there are none."""
    case = ev["case_key"].to_numpy()
    idx = np.flatnonzero(flag | first | last)
    a, b = idx[:-1], idx[1:]
    same = case[a] == case[b]
    a, b = a[same], b[same]
    if len(a) == 0:
        return None
    # non-flag events strictly between two anchors (+ non-flag end points at the edges)
    cum = np.cumsum(~flag)  # count of non-flag events up to each row
    between = cum[b - 1] - cum[a]
    between = between + (~flag[a] & first[a]) + (~flag[b] & last[b])
    open_start = ~flag[a] & first[a]
    open_end = ~flag[b] & last[b]
    s = ev["last_day"].iloc[a].reset_index(drop=True)
    s = s.where(~open_start, ev["start"].iloc[a].reset_index(drop=True))
    e = ev["start"].iloc[b].reset_index(drop=True)
    m = measures(s, e)
    return pd.DataFrame(
        {
            "case_key": case[a],
            "case_id": ev["case_id"].iloc[a].to_numpy(),
            "kind": kind,
            "start": s,
            "end": e,
            "days": m["days"],
            "working_days": m["working_days"],
            "events_in_stretch": between,
            "approximate": ev["approx"].to_numpy()[a] | ev["approx"].to_numpy()[b],
            "open_start": open_start,
            "open_end": open_end,
            "before_event_id": ev["event_id"].to_numpy()[a],
            "after_event_id": ev["event_id"].to_numpy()[b],
        }
    )


def activity(events: pd.DataFrame, freq: str = "W") -> pd.DataFrame:
    """Events per agency per period, and how many agencies were involved in each period.

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    freq
        ``"D"``, ``"W"`` (Monday to Sunday, the default), ``"M"``, ``"Q"`` or ``"Y"``.

    Returns
    -------
    pandas.DataFrame
        Long form, one row per case, period and agency with at least one event: ``case_id``,
        ``period`` (the period's first day), ``agency``, ``events``, ``agencies_involved`` (agencies
        with any event in that case and period, repeated on each of its rows), ``approximate``
        (some event's date is too coarse to place in one period, or uncertain). Periods without
        events have no rows. Pivot with ``df.pivot_table(index="period", columns="agency",
        values="events", fill_value=0)`` for a heatmap.

    Examples
    --------
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([("x", "police", "2024-03-04 22:00", "Callout"),
    ...                    ("x", "police", "2024-03-06 23:00", "Callout"),
    ...                    ("x", "csc", "2024-03-07", "Strategy discussion"),
    ...                    ("x", "csc", "2024-03-12", "Visit")])
    >>> activity(ev)[["agency", "events", "agencies_involved"]].astype(str).values.tolist()
    [['police', '2', '2'], ['csc', '1', '2'], ['csc', '1', '1']]
    """
    ev = prepare(events)
    period, coarse = period_of(ev, freq)
    if ev.empty:
        return empty_frame(ACTIVITY_COLUMNS)
    work = pd.DataFrame(
        {
            "case_key": ev["case_key"],
            "period": period,
            "agency": ev["agency"].astype(AGENCY),
            "approximate": coarse.astype(bool),
        }
    )
    out = (
        work.groupby(["case_key", "period", "agency"], observed=True, sort=True)
        .agg(events=("approximate", "size"), approximate=("approximate", "any"))
        .reset_index()
    )
    out["agencies_involved"] = out.groupby(["case_key", "period"])["agency"].transform("size")
    out["case_id"] = _case_ids(ev, out["case_key"])
    return out[list(ACTIVITY_COLUMNS)].astype(ACTIVITY_COLUMNS)
