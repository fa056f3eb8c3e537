"""Gaps: periods with no recorded event, per case (and per agency)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import OptionError
from ._common import AGENCY, DT, empty_frame, map_threads, measures, prepare
from ._common import describe as describe_

__all__ = ["gaps"]

GAP_COLUMNS: dict[str, Any] = {
    "case_id": "str",
    "agency": AGENCY,
    "start": DT,
    "end": DT,
    "days": "Int64",
    "working_days": "Int64",
    "hours": "float64",
    "approximate": "bool",
    "before_event_id": "str",
    "after_event_id": "str",
    "before_agency": AGENCY,
    "after_agency": AGENCY,
}


def gaps(
    events: pd.DataFrame,
    *,
    min_days: float = 0,
    by: Literal["agency"] | None = None,
    exact_only: bool = False,
    working_days: bool = False,
    describe: bool = False,
) -> pd.DataFrame:
    """Periods with no recorded event, per case (or per case and agency), longest first.

    Events are taken in date order within each case. A gap runs from the latest moment any earlier
    event can reach to the start of the next event:

    * an event with an ``end`` (an admission, a placement, custody) covers until its end, so events
      inside a span leave no gap;
    * an approximate event (``precision`` week, month or year) covers its whole period: "Jan 2007"
      reaches 31 January 2007, and the gap after it starts there;
    * otherwise the gap starts at the event's own date and time.

    Parameters
    ----------
    events
        The canonical events frame (``Chronology.events``); not modified.
    min_days
        Keep gaps of at least this many days (working days when ``working_days=True``).
    by
        ``None`` for gaps in the whole multi-agency record of each case; ``"agency"`` for gaps in
        each agency's own record.
    exact_only
        Ignore approximate events (coarser than a day, or marked uncertain) before measuring.
    working_days
        Apply ``min_days`` to, and sort by, working days instead of calendar days.
    describe
        Add ``before_description`` and ``after_description``, the text of the events either side
        (:func:`chronology.metrics.describe`). Off by default: a gap names its events by id, so a
        caseload's gaps do not hold a second and third copy of every description.

    Returns
    -------
    pandas.DataFrame
        One row per gap: ``case_id``, ``agency`` (the agency for ``by="agency"``, else NA),
        ``start``, ``end``, ``days`` (calendar days between the two dates), ``working_days``
        (weekdays that are not England and Wales bank holidays, after ``start`` up to ``end``;
        never more than ``days``), ``hours`` (exact elapsed time), ``approximate`` (either side is
        an approximate event), ``before_event_id``, ``after_event_id``, ``before_agency``,
        ``after_agency`` (and with ``describe=True``, ``before_description``,
        ``after_description``). Gaps of zero length are not listed; ``days`` is never negative. Sorted by case, longest first (days, or working
        days, then hours), then by date.

    Examples
    --------
    >>> import pandas as pd
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([("x", "police", "2024-12-20 10:00", "Police visit"),
    ...                    ("x", "csc", "2024-12-23", "Social worker called"),
    ...                    ("x", "csc", "2025-01-06", "Home visit")])
    >>> gaps(ev, describe=True)[["days", "working_days", "before_description"]].values.tolist()
    [[14, 7, 'Social worker called'], [3, 1, 'Police visit']]
    >>> gaps(ev, min_days=7, by="agency")[["agency", "days"]].astype(str).values.tolist()
    [['csc', '14']]
    """
    min_days = _check_options(by, min_days)
    ev, keys = _working_frame(events, by=by, exact_only=exact_only)
    if ev.empty:
        out = empty_frame(GAP_COLUMNS)
    else:
        after_pos, before_pos, start, end = _gap_pairs(ev, keys)
        m = measures(start, end)
        order = _kept_in_order(ev, after_pos, m, min_days=min_days, working_days=working_days)
        out = _gap_frame(ev, by, after_pos[order], before_pos[order], start, end, m, order)
    return describe_(out, events) if describe else out


def _check_options(by: Any, min_days: Any) -> float:
    """``min_days`` as a number, once ``by`` and ``min_days`` are known to be valid options."""
    if by not in (None, "agency"):
        raise OptionError("unknown value for by", value=by, hint="use by=None or by='agency'")
    try:
        return float(min_days)
    except (TypeError, ValueError) as exc:
        raise OptionError("min_days must be a number", value=min_days) from exc


def _working_frame(
    events: pd.DataFrame, *, by: Literal["agency"] | None, exact_only: bool
) -> tuple[pd.DataFrame, list[pd.Series]]:
    """The sorted working frame (see ``prepare``) and the group keys: case, or case and agency."""
    ev = prepare(events)
    if exact_only:
        ev = ev[~ev["approx"]].reset_index(drop=True)
    if by != "agency":
        return ev, [ev["case_key"]]
    ev["agency_key"] = ev["agency"].cat.codes
    # ev is sorted by case, start, event id: a stable sort keeps that order within each agency
    ev = ev.sort_values(["case_key", "agency_key"], kind="stable").reset_index(drop=True)
    return ev, [ev["case_key"], ev["agency_key"]]


def _gap_pairs(ev: pd.DataFrame, keys: list[pd.Series]) -> tuple[np.ndarray, np.ndarray, pd.Series, pd.Series]:
    """Every gap: the positions of the event after it and of the earlier event whose reach it
    starts from, and the gap's start and end."""
    g = ev.groupby(keys, sort=False)
    run = g["cover"].cummax()  # how far the events so far reach
    setter = ev["cover"].eq(run)  # the event that sets (or equals) the reach
    setter_pos = pd.Series(np.where(setter, np.arange(len(ev)), np.nan)).groupby(keys).ffill()
    prev_reach = run.groupby(keys).shift()
    prev_pos = setter_pos.groupby(keys).shift()

    has_prev = prev_reach.notna() & (ev["start"] > prev_reach)
    after_pos = np.flatnonzero(has_prev.to_numpy())
    before_pos = prev_pos.to_numpy()[after_pos].astype("int64")
    start = pd.Series(prev_reach.astype(DT).array.take(after_pos))
    end = pd.Series(ev["start"].array.take(after_pos))
    return after_pos, before_pos, start, end


def _kept_in_order(
    ev: pd.DataFrame, after_pos: np.ndarray, m: pd.DataFrame, *, min_days: float, working_days: bool
) -> np.ndarray:
    """The gaps of at least ``min_days``, in output order: case ascending, length and hours
    descending (missing last), then position (case, start, event id order). Filtered and ordered
    on numbers, so the text is gathered once, afterwards."""
    length = "working_days" if working_days else "days"
    size = m[length].astype("float64").to_numpy()
    hours = m["hours"].to_numpy(dtype="float64")
    keep = np.flatnonzero(size >= min_days)
    pos = ev["pos"].to_numpy()[after_pos]
    case = ev["case_key"].to_numpy()[after_pos]
    return keep[np.lexsort((pos[keep], -hours[keep], -size[keep], case[keep]))]


def _gap_frame(
    ev: pd.DataFrame,
    by: Literal["agency"] | None,
    after: np.ndarray,
    before: np.ndarray,
    start: pd.Series,
    end: pd.Series,
    m: pd.DataFrame,
    order: np.ndarray,
) -> pd.DataFrame:
    """The result frame of the kept gaps (``after``/``before``: positions in ``ev``; ``order``:
    positions in ``start``, ``end`` and ``m``)."""

    def at(col: str, rows: np.ndarray) -> pd.Series:
        return pd.Series(ev[col].array.take(rows))

    after_agency = at("agency", after)
    # the ids are the costly part at scale (random reads of text): gathered on two threads
    # (Arrow's take releases the GIL)
    jobs: list[tuple[str, np.ndarray]] = [("case_id", after), ("event_id", before), ("event_id", after)]
    case_ids, before_ids, after_ids = map_threads(lambda job: at(*job), jobs)
    out = pd.DataFrame(
        {
            "case_id": case_ids,
            "agency": after_agency if by == "agency" else pd.Series(pd.NA, index=range(len(after)), dtype=AGENCY),
            "start": pd.Series(start.array.take(order)),
            "end": pd.Series(end.array.take(order)),
            "days": pd.Series(m["days"].array.take(order)),
            "working_days": pd.Series(m["working_days"].array.take(order)),
            "hours": m["hours"].to_numpy(dtype="float64")[order],
            "approximate": ev["approx"].to_numpy()[before] | ev["approx"].to_numpy()[after],
            "before_event_id": before_ids,
            "after_event_id": after_ids,
            "before_agency": at("agency", before),
            "after_agency": after_agency,
        }
    )
    return out.astype(GAP_COLUMNS)
