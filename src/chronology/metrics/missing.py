"""Missing follow-ups: trigger events with no qualifying follow-up in time (``data/expectations.toml``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..resources import load_toml
from ..rules import Expect, expectations_from_toml
from ._common import (
    AGENCY,
    DT,
    as_rule_list,
    due_by,
    empty_frame,
    fetch,
    localize,
    mask_of,
    prepare,
    wall_day,
)

__all__ = ["default_expectations", "missing"]

MISSING_COLUMNS: dict[str, Any] = {
    "expectation": "str",
    "case_id": "str",
    "event_id": "str",
    "agency": AGENCY,
    "start": DT,
    "description": "str",
    "within": "str",
    "due_by": DT,
    "status": "str",
    "next_event_id": "str",
    "next_start": DT,
    "approximate": "bool",
    "possible_event_id": "str",
    "source": "str",
}


@cache
def _defaults() -> tuple[Expect, ...]:
    return tuple(expectations_from_toml(load_toml("expectations.toml")))


def default_expectations() -> list[Expect]:
    """The default follow-ups from ``data/expectations.toml``, as :class:`~chronology.Expect` rules.

    Examples
    --------
    >>> [e.name for e in default_expectations()][:2]
    ['Parent or family told of hospital discharge within 24 hours', 'Mental health assessment within 7 days of self-harm']
    """
    return list(_defaults())


def _as_expectations(expectations: Expect | Sequence[Expect] | str | os.PathLike[str] | None) -> list[Expect]:
    if expectations is None:
        return default_expectations()
    return as_rule_list(
        expectations,
        Expect,
        expectations_from_toml,
        "write chron.Expect(name, after=chron.Match(...), within='24 hours', then=chron.Match(...))",
        what="expectations",
    )


def _one(
    events: pd.DataFrame, ev: pd.DataFrame, exp: Expect, as_of: pd.Series, masks: dict[Any, Any]
) -> pd.DataFrame:
    """The triggers of one expectation with no follow-up in time."""
    triggers = ev[mask_of(exp.after, events, ev, masks)]
    if triggers.empty:
        return pd.DataFrame()
    follow_ups = ev[mask_of(exp.then, events, ev, masks)]
    by = ["case_key", "agency_key"] if exp.same_agency else ["case_key"]
    dur = exp.within_duration
    due = due_by(triggers["start"], dur)
    closed = dur.unit in ("minutes", "hours")
    # a follow-up may start at or before the due moment; for days and longer, by the end of the due date
    deadline = due if closed else localize(wall_day(due) + pd.Timedelta(days=1))
    triggers = triggers.assign(due=due, deadline=deadline)
    late = _without_exact_follow_up(triggers, follow_ups[~follow_ups["approx"]], by, closed=closed)
    if late.empty:
        return pd.DataFrame()
    possible = _possible_follow_ups(ev, late, follow_ups[follow_ups["approx"]], by, closed=closed)

    record_end = late["case_key"].map(as_of).astype(DT)
    status = np.where(
        late["next_start"].notna(),
        "late",
        np.where(record_end < late["deadline"], "record_ends_before_due", "not_recorded"),
    )
    npos = late["next_pos"]
    next_ids = pd.Series(pd.NA, index=late.index, dtype="str")
    okn = npos.notna().to_numpy()
    next_ids[okn] = ev["event_id"].to_numpy()[npos[okn].astype("int64").to_numpy()]
    return pd.DataFrame(
        {
            "expectation": exp.name,
            "case_id": late["case_id"],
            "event_id": late["event_id"],
            "agency": late["agency"],
            "start": late["start"],
            "description": fetch(events, late["row"], "description").set_axis(late.index),
            "within": str(dur),
            "due_by": late["due"],
            "status": status,
            "next_event_id": next_ids,
            "next_start": late["next_start"],
            "approximate": late["approx"].to_numpy() | possible.notna().to_numpy(),
            "possible_event_id": possible,
            "source": exp.source,
            "_pos": late["pos"],
        }
    )


def _without_exact_follow_up(
    triggers: pd.DataFrame, exact: pd.DataFrame, by: list[str], *, closed: bool
) -> pd.DataFrame:
    """The triggers whose first precisely dated follow-up (one that can be at or after the
    trigger; ``exact``) is missing or after the deadline, with its ``next_pos`` and ``next_start``."""
    left = triggers[[*by, "start", "pos"]].sort_values("start", kind="stable")
    right = (
        exact[[*by, "reach", "pos", "start"]]
        .rename(columns={"pos": "next_pos", "start": "next_start"})
        .sort_values(["reach", "next_pos"], kind="stable")
    )
    nxt = pd.merge_asof(
        left, right, left_on="start", right_on="reach", by=by, direction="forward", allow_exact_matches=True
    ).set_index("pos")
    triggers = triggers.join(nxt[["next_pos", "next_start"]], on="pos")
    found = triggers["next_start"].notna()
    if closed:
        in_time = found & (triggers["next_start"] <= triggers["deadline"])
    else:
        in_time = found & (triggers["next_start"] < triggers["deadline"])
    return triggers[~in_time.to_numpy()]


def _possible_follow_ups(
    ev: pd.DataFrame, late: pd.DataFrame, approx: pd.DataFrame, by: list[str], *, closed: bool
) -> pd.Series:
    """For each late trigger, the event id of an approximately dated follow-up (``approx``) whose
    period overlaps the window [start, deadline], or NA."""
    approx = approx.sort_values(by, kind="stable")  # the follow-ups are already in date order
    if not len(approx):
        return pd.Series(pd.NA, index=late.index, dtype="str")
    g = approx.groupby(by, sort=False)
    reach = g["pend"].cummax()
    setter = pd.Series(np.where(approx["pend"].eq(reach), approx["pos"], np.nan), index=approx.index)
    setter = setter.groupby([approx[k] for k in by], sort=False).ffill()
    right = pd.DataFrame(
        {**{k: approx[k] for k in by}, "fstart": approx["start"], "freach": reach, "fpos": setter}
    ).sort_values("fstart", kind="stable")
    left = late[[*by, "deadline", "start", "pos"]].sort_values("deadline", kind="stable")
    ov = pd.merge_asof(
        left, right, left_on="deadline", right_on="fstart", by=by, direction="backward",
        allow_exact_matches=closed,
    ).set_index("pos")
    hit = ov["freach"].notna() & (ov["freach"] > ov["start"])
    fpos = ov.loc[hit, "fpos"].astype("int64")
    ids = pd.Series(ev["event_id"].to_numpy()[fpos.to_numpy()], index=fpos.index, dtype="str")
    return late["pos"].map(ids).astype("str")


def missing(
    events: pd.DataFrame,
    expectations: Expect | Sequence[Expect] | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Trigger events with no qualifying follow-up within the expected time.

    For each event matching ``expectation.after``, look in the same case (and the same agency when
    ``same_agency``) for an event matching ``expectation.then`` dated at or after it and no later than
    ``within`` (for day-based windows, by the end of the due date). The trigger event itself counts
    when it matches ``then`` (a discharge entry that records "mother informed"). An event dated only
    to the day counts from the start of that day, so a same-day follow-up without a time is found.
    Approximately dated events (week, month, year, or uncertain) never satisfy an expectation, but
    when one could fall in the window the row is kept with ``approximate=True`` and its id in
    ``possible_event_id``.

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    expectations
        One :class:`~chronology.Expect`, several, a path to a TOML file with ``[[expectations]]``
        entries, or ``None`` for the defaults in ``data/expectations.toml`` (parent told of a
        discharge, mental health assessment after self-harm, escalation outcome, parent told of
        police custody, child interviewed without a family member, statutory visit after a
        placement start, return interview after a missing episode, social care told of a police
        callout).

    Returns
    -------
    pandas.DataFrame
        One row per trigger without a timely follow-up: ``expectation``, ``case_id``, ``event_id``,
        ``agency``, ``start``, ``description``, ``within``, ``due_by``, ``status`` (``late``: a
        follow-up came after the due time; ``not_recorded``: none in the record, which runs past
        the due time; ``record_ends_before_due``: none, but the record stops before the due time),
        ``next_event_id`` and ``next_start`` (the late follow-up), ``approximate``,
        ``possible_event_id``, ``source``. Sorted by expectation, case and date.

    Examples
    --------
    >>> import chronology as chron
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([
    ...     {"case_id": "carlos", "agency": "health_acute", "start": "2024-06-01 15:00",
    ...      "description": "Discharged into police custody", "event_type": "discharge"},
    ...     {"case_id": "carlos", "agency": "police", "start": "2024-06-03 09:00",
    ...      "description": "Mother informed by phone", "event_type": "notification"}])
    >>> told = chron.Expect("mother told", after=chron.Match(event_type="discharge"),
    ...                     within="24 hours", then=chron.Match(text="mother"))
    >>> missing(ev, told)[["event_id", "status", "next_event_id"]].values.tolist()
    [['carlos:test.csv:2', 'late', 'carlos:test.csv:3']]
    """
    exps = _as_expectations(expectations)
    ev = prepare(events)
    if ev.empty or not exps:
        return empty_frame(MISSING_COLUMNS)
    ev["agency_key"] = ev["agency"].cat.codes
    last = ev["end"].where(ev["end"] > ev["start"], ev["start"])
    as_of = last.groupby(ev["case_key"]).max()
    masks: dict[Any, Any] = {}
    parts = [_one(events, ev, e, as_of, masks) for e in exps]
    parts = [p.astype(MISSING_COLUMNS | {"_pos": "int64"}) for p in parts if len(p)]
    if not parts:
        return empty_frame(MISSING_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    order = {e.name: i for i, e in reversed(list(enumerate(exps)))}
    out["_o"] = out["expectation"].map(order)
    out = out.sort_values(["_o", "_pos"], kind="stable").drop(columns=["_o", "_pos"])
    return out.reset_index(drop=True).astype(MISSING_COLUMNS)
