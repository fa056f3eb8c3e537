"""Intervals between events against limits, and the statutory timescales (``data/timescales.toml``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..resources import load_toml
from ..rules import Interval, rules_from_toml
from ._common import (
    AGENCY,
    DT,
    as_rule_list,
    due_by,
    empty_frame,
    exceeded,
    fetch,
    mask_of,
    measures,
    prepare,
)

__all__ = ["breaches", "default_timescales", "intervals"]

INTERVAL_COLUMNS: dict[str, Any] = {
    "rule": "str",
    "case_id": "str",
    "start_event_id": "str",
    "end_event_id": "str",
    "start": DT,
    "end": DT,
    "hours": "float64",
    "days": "Int64",
    "working_days": "Int64",
    "limit": "str",
    "due_by": DT,
    "breached": "boolean",
    "status": "str",
    "approximate": "bool",
    "source": "str",
    "start_agency": AGENCY,
    "end_agency": AGENCY,
    "start_description": "str",
    "end_description": "str",
}


_KEEP = ["row", "pos", "case_key", "event_id", "case_id", "agency", "start", "end", "approx"]


def _rows_at(ev: pd.DataFrame, pos: pd.Series | np.ndarray) -> pd.DataFrame:
    """Rows of ``ev`` (RangeIndex) at positions ``pos``; NA rows where ``pos`` is missing."""
    p = pd.Series(pos).astype("Float64").fillna(-1).astype("int64").to_numpy()
    out = ev[_KEEP].reindex(p).reset_index(drop=True)
    out["approx"] = out["approx"].astype("boolean").fillna(False).astype(bool)
    return out


def _as_rules(rules: Interval | Sequence[Interval] | str | os.PathLike[str]) -> list[Interval]:
    return as_rule_list(
        rules,
        Interval,
        rules_from_toml,
        "write chron.Interval(name, start=chron.Match(...), end=chron.Match(...), limit=...)",
    )


def _one_rule(
    events: pd.DataFrame, ev: pd.DataFrame, rule: Interval, as_of: pd.Series, masks: dict[Any, Any]
) -> pd.DataFrame:
    """The intervals of one rule: its start events chosen, paired with their ends, measured."""
    starts_found = _start_events(events, ev, rule, masks)
    if starts_found.empty:
        return pd.DataFrame()
    starts, ends, end_ts, span = _paired(events, ev, rule, starts_found, masks)
    start_ts = starts["start"]
    m = measures(start_ts, end_ts)
    has_end = end_ts.notna()
    due, breached, status = _judged(rule, starts, start_ts, end_ts, m, as_of, span=span)
    return pd.DataFrame(
        {
            "rule": rule.name,
            "case_id": starts["case_id"],
            "start_event_id": starts["event_id"],
            "end_event_id": ends["event_id"],
            "start": start_ts,
            "end": end_ts,
            "hours": m["hours"],
            "days": m["days"],
            "working_days": m["working_days"],
            "limit": None if rule.limit_duration is None else str(rule.limit_duration),
            "due_by": due,
            "breached": breached,
            "status": status,
            "approximate": starts["approx"] | (ends["approx"] & has_end),
            "source": rule.source,
            "start_agency": starts["agency"],
            "end_agency": ends["agency"],
            "start_description": fetch(events, starts["row"], "description"),
            "end_description": fetch(events, ends["row"], "description"),
            "_pos": starts["pos"],
        }
    )


def _start_events(events: pd.DataFrame, ev: pd.DataFrame, rule: Interval, masks: dict[Any, Any]) -> pd.DataFrame:
    """The rows of ``ev`` matching ``rule.start`` that count: none after an excluding event
    (``not_after``) of the same case, and one of the same start told by two agencies within 24
    hours (the earlier record)."""
    found = ev[mask_of(rule.start, events, ev, masks)]
    if found.empty:
        return found
    if rule.not_after is not None:
        # a start after an excluding event in the same case does not count
        before = ev[mask_of(rule.not_after, events, ev, masks)].groupby("case_key")["start"].min()
        if len(before):
            first_excl = found["case_key"].map(before).astype(found["start"].dtype)
            found = found[first_excl.isna() | (found["start"] <= first_excl)]
            if found.empty:
                return found
    # the same start told by two agencies within 24 hours is measured once, from the earlier record
    prev_start = found.groupby("case_key", sort=False)["start"].shift(1)
    prev_agency = found.groupby("case_key", sort=False)["agency"].shift(1)
    told_twice = (
        prev_start.notna()
        & ((found["start"] - prev_start) <= pd.Timedelta(hours=24))
        & (found["agency"].astype("str") != prev_agency.astype("str"))
    )
    return found[~told_twice.to_numpy()]


def _paired(
    events: pd.DataFrame, ev: pd.DataFrame, rule: Interval, found: pd.DataFrame, masks: dict[Any, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, bool]:
    """The start rows kept by ``skip``/``take``, their end rows and end times, and whether the
    interval is the span of the start event itself."""
    rank = found.groupby("case_key", sort=False).cumcount()
    keep = rank >= rule.skip
    if rule.take is not None:
        keep &= rank < rule.skip + rule.take

    if rule.end is None:  # the span of the start event itself
        kept = found[keep]
        starts = _rows_at(ev, kept["pos"])
        return starts, _rows_at(ev, kept["pos"].where(kept["end"].notna())), starts["end"], True
    if rule.end == rule.start:  # recurring: each event to the next one
        nxt = found.groupby("case_key", sort=False)["pos"].shift(-1)
        ends = _rows_at(ev, nxt[keep])
        return _rows_at(ev, found[keep]["pos"]), ends, ends["start"], False
    # the first end event at or after the start, in the same case
    kept = found[keep]
    end_events = ev[mask_of(rule.end, events, ev, masks)]
    left = kept[["case_key", "start", "pos"]].sort_values("start", kind="stable")
    right = (
        end_events[["case_key", "reach", "pos"]]
        .rename(columns={"pos": "end_pos"})
        .sort_values(["reach", "end_pos"], kind="stable")
    )
    paired = pd.merge_asof(
        left,
        right,
        left_on="start",
        right_on="reach",
        by="case_key",
        direction="forward",
        allow_exact_matches=True,
    ).sort_values("pos", kind="stable")
    ends = _rows_at(ev, paired["end_pos"].to_numpy())
    return _rows_at(ev, paired["pos"].to_numpy()), ends, ends["start"], False


def _judged(
    rule: Interval,
    starts: pd.DataFrame,
    start_ts: pd.Series,
    end_ts: pd.Series,
    m: pd.DataFrame,
    as_of: pd.Series,
    *,
    span: bool,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``due_by``, ``breached`` and ``status`` of each interval against the rule's limit."""
    limit = rule.limit_duration
    has_end = end_ts.notna()
    status = pd.Series(np.where(has_end, "measured", "open"), dtype="str")
    if limit is None:
        due = pd.Series(pd.NaT, index=start_ts.index, dtype=DT)
        return due, pd.Series(pd.NA, index=start_ts.index, dtype="boolean"), status
    due = due_by(start_ts, limit)
    over = exceeded(start_ts, end_ts, limit, m)
    status = status.mask(has_end, np.where(over.fillna(False), "breached", "met"))
    if not span:
        case_end = starts["case_key"].map(as_of).astype(DT)
        late = exceeded(start_ts, case_end, limit).fillna(False)
        status = status.mask(~has_end & late.to_numpy(), "overdue")
    return due, over, status


def intervals(
    events: pd.DataFrame, rules: Interval | Sequence[Interval] | str | os.PathLike[str]
) -> pd.DataFrame:
    """Elapsed time from each start event to its end event, against the rule's limit.

    Pairing, per case: each event matching ``rule.start`` is paired with the first event matching
    ``rule.end`` at or after it (an end event dated only to the day counts from the start of that
    day; it may be the start event itself when that matches both, e.g. a referral whose action
    records the decision). With ``end=None`` the interval is the span of the start event (its
    ``start`` to its ``end``: an A&E stay, a placement). With ``end`` equal to ``start`` the rule is
    recurring ("at most every N"): each event is measured to the next matching one.
    ``rule.skip``/``rule.take`` select which start events of each case count.

    A start event with no later end event stays in the result as ``open`` (or ``overdue``). Two
    start events before one end event are both paired with it.

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    rules
        One :class:`~chronology.Interval` or several (or a path to a TOML rule file).

    Returns
    -------
    pandas.DataFrame
        One row per start event matched: ``rule``, ``case_id``, ``start_event_id``,
        ``end_event_id``, ``start``, ``end``, ``hours`` (exact elapsed), ``days`` (calendar days
        between the dates), ``working_days``, ``limit`` (e.g. ``"45 working days"``), ``due_by``
        (for day-based limits the due date, meaning by the end of that day), ``breached``
        (nullable: True when the measure exceeds the limit in the limit's own unit, False when
        within it, NA when there is no end yet or no limit), ``status`` (``met``, ``breached``,
        ``open``: no end recorded, ``overdue``: no end recorded and the case's record runs past the
        limit, ``measured``: no limit), ``approximate`` (either date is coarser than a day or
        uncertain), ``source``, ``start_agency``, ``end_agency``, ``start_description``,
        ``end_description``. Sorted by rule (in the order given), case and start.

    Examples
    --------
    >>> import chronology as chron
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([
    ...     {"case_id": "x", "agency": "csc", "start": "2024-12-20", "description": "Referral",
    ...      "event_type": "referral"},
    ...     {"case_id": "x", "agency": "csc", "start": "2025-03-10", "description": "C&F assessment completed",
    ...      "event_type": "assessment"}])
    >>> rule = chron.Interval("assessment", start=chron.Match(event_type="referral"),
    ...                       end=chron.Match(event_type="assessment"), limit="45 working days")
    >>> intervals(ev, rule)[["days", "working_days", "breached", "status"]].values.tolist()
    [[80, 53, True, 'breached']]
    """
    rule_list = _as_rules(rules)
    ev = prepare(events)
    if ev.empty or not rule_list:
        return empty_frame(INTERVAL_COLUMNS)
    last = ev["end"].where(ev["end"] > ev["start"], ev["start"])
    as_of = last.groupby(ev["case_key"]).max()
    masks: dict[Any, Any] = {}
    parts: list[pd.DataFrame] = [_one_rule(events, ev, r, as_of, masks) for r in rule_list]
    parts = [p.astype(INTERVAL_COLUMNS | {"_pos": "int64"}) for p in parts if len(p)]
    if not parts:
        return empty_frame(INTERVAL_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    order = {r.name: i for i, r in reversed(list(enumerate(rule_list)))}
    out["_r"] = out["rule"].map(order)
    out = out.sort_values(["_r", "_pos"], kind="stable")  # _pos: case, start, event id order
    return out.drop(columns=["_r", "_pos"]).reset_index(drop=True).astype(INTERVAL_COLUMNS)


@cache
def _default_timescales() -> tuple[Interval, ...]:
    return tuple(rules_from_toml(load_toml("timescales.toml")))


def default_timescales() -> list[Interval]:
    """England's statutory timescales from ``data/timescales.toml``, as :class:`Interval` rules.

    Examples
    --------
    >>> rules = default_timescales()
    >>> all(r.source for r in rules)
    True
    >>> [str(r.limit) for r in rules][:2]
    ['1 working day', '45 working days']
    """
    return list(_default_timescales())


def breaches(
    events: pd.DataFrame,
    rules: Sequence[Interval] | str | os.PathLike[str] | None = None,
    *,
    defaults: bool = True,
) -> pd.DataFrame:
    """Check the statutory timescales (and your own rules) and flag each breach.

    Runs every rule of ``data/timescales.toml`` (England: referral decision, child and family
    assessment, initial and review child protection conferences, looked-after children's visits
    and reviews, A&E four-hour and twelve-hour waits; each with its ``source``) plus ``rules``.

    **What counts as a breach**: the measured time exceeds the limit (``status="breached"``), *or*
    no end event is recorded and the case's record (its latest event) runs past the limit
    (``status="overdue"``: e.g. no initial conference within 15 working days of the strategy
    discussion). Both have ``breached=True``. A rule met in time has ``breached=False``; an open
    interval whose record stops before the limit, or a span without a recorded end, has
    ``breached=NA`` (cannot tell). Every checked interval is returned, not only the breaches:
    filter with ``df[df["breached"].fillna(False)]``.

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    rules
        Extra rules: a list of :class:`~chronology.Interval`, or the path of a TOML file with
        ``[[rules]]`` entries (see :func:`chronology.rules.rules_from_toml`). They are added to the
        defaults.
    defaults
        Include the package's statutory timescales (default True).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`intervals`, with ``breached`` as described above.

    Examples
    --------
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([
    ...     {"case_id": "x", "agency": "csc", "start": "2024-05-01", "description": "Camille placed at Oak House",
    ...      "event_type": "placement_start"},
    ...     {"case_id": "x", "agency": "csc", "start": "2024-05-13", "description": "Statutory visit to placement",
    ...      "event_type": "home_visit"}])
    >>> b = breaches(ev)
    >>> b.loc[b["breached"].fillna(False), ["rule", "days", "status"]].values.tolist()
    [['LAC statutory visit within 1 week of placement start', 12, 'breached']]
    """
    extra: list[Interval] = [] if rules is None else _as_rules(rules)
    all_rules = (default_timescales() if defaults else []) + extra
    names = [r.name for r in all_rules]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise OptionError(
            "two rules share a name", value=", ".join(dupes), hint="give each rule its own name"
        )
    out = intervals(events, all_rules)
    status = out["status"]
    flag = pd.Series(pd.NA, index=out.index, dtype="boolean")
    flag[status.isin(["breached", "overdue"]).to_numpy()] = True
    flag[status.eq("met").to_numpy()] = False
    out["breached"] = flag
    return out
