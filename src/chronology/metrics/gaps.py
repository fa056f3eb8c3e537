"""Gaps: periods with no recorded event, per case (and per agency)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import OptionError
from ._common import AGENCY, DT, empty_frame, fetch, map_threads, measures, prepare

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
    "before_description": "str",
    "after_description": "str",
}


def gaps(
    events: pd.DataFrame,
    *,
    min_days: float = 0,
    by: Literal["agency"] | None = None,
    exact_only: bool = False,
    working_days: bool = False,
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

    Returns
    -------
    pandas.DataFrame
        One row per gap: ``case_id``, ``agency`` (the agency for ``by="agency"``, else NA),
        ``start``, ``end``, ``days`` (calendar days between the two dates), ``working_days``
        (weekdays that are not England and Wales bank holidays, after ``start`` up to ``end``;
        never more than ``days``), ``hours`` (exact elapsed time), ``approximate`` (either side is
        an approximate event), ``before_event_id``, ``after_event_id``, ``before_agency``,
        ``after_agency``, ``before_description``, ``after_description``. Gaps of zero length are
        not listed; ``days`` is never negative. Sorted by case, longest first (days, or working
        days, then hours), then by date.

    Examples
    --------
    >>> import pandas as pd
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([("x", "police", "2024-12-20 10:00", "Police visit"),
    ...                    ("x", "csc", "2024-12-23", "Social worker called"),
    ...                    ("x", "csc", "2025-01-06", "Home visit")])
    >>> gaps(ev)[["days", "working_days", "before_description"]].values.tolist()
    [[14, 7, 'Social worker called'], [3, 1, 'Police visit']]
    >>> gaps(ev, min_days=7, by="agency")[["agency", "days"]].astype(str).values.tolist()
    [['csc', '14']]
    """
    if by not in (None, "agency"):
        raise OptionError("unknown value for by", value=by, hint="use by=None or by='agency'")
    try:
        min_days = float(min_days)
    except (TypeError, ValueError) as exc:
        raise OptionError("min_days must be a number", value=min_days) from exc

    ev = prepare(events)
    if exact_only:
        ev = ev[~ev["approx"]].reset_index(drop=True)
    if by == "agency":
        ev["agency_key"] = ev["agency"].cat.codes
        # ev is sorted by case, start, event id: a stable sort keeps that order within each agency
        ev = ev.sort_values(["case_key", "agency_key"], kind="stable").reset_index(drop=True)
        keys = [ev["case_key"], ev["agency_key"]]
    else:
        keys = [ev["case_key"]]
    if ev.empty:
        return empty_frame(GAP_COLUMNS)

    g = ev.groupby(keys, sort=False)
    run = g["cover"].cummax()  # how far the events so far reach
    setter = ev["cover"].eq(run)  # the event that sets (or equals) the reach
    setter_pos = pd.Series(np.where(setter, np.arange(len(ev)), np.nan)).groupby(keys).ffill()
    prev_reach = run.groupby(keys).shift()
    prev_pos = setter_pos.groupby(keys).shift()

    has_prev = prev_reach.notna() & (ev["start"] > prev_reach)
    apos = np.flatnonzero(has_prev.to_numpy())
    bpos = prev_pos.to_numpy()[apos].astype("int64")
    start = pd.Series(prev_reach.astype(DT).array.take(apos))
    end = pd.Series(ev["start"].array.take(apos))
    m = measures(start, end)
    length = "working_days" if working_days else "days"
    # filter and order on numbers first, then gather the text once: case ascending, length and
    # hours descending (missing last), then position (case, start, event id order)
    size = m[length].astype("float64").to_numpy()
    hours = m["hours"].to_numpy(dtype="float64")
    keep = np.flatnonzero(size >= min_days)
    pos = ev["pos"].to_numpy()[apos]
    case = ev["case_key"].to_numpy()[apos]
    sel = keep[np.lexsort((pos[keep], -hours[keep], -size[keep], case[keep]))]
    A, B = apos[sel], bpos[sel]

    def at(col: str, rows: np.ndarray) -> pd.Series:
        return pd.Series(ev[col].array.take(rows))

    after_agency = at("agency", A)
    rows = ev["row"].to_numpy()
    # the text columns are the costly part at scale (random reads of long text): gathered on two
    # threads (Arrow's take releases the GIL)
    jobs: list[tuple[str, np.ndarray]] = [
        ("description", rows[B]), ("description", rows[A]), ("case_id", A), ("event_id", B), ("event_id", A),
    ]
    before_text, after_text, case_ids, before_ids, after_ids = map_threads(
        lambda job: fetch(events, job[1], job[0]) if job[0] == "description" else at(*job), jobs
    )
    out = pd.DataFrame(
        {
            "case_id": case_ids,
            "agency": after_agency if by == "agency" else pd.Series(pd.NA, index=range(len(A)), dtype=AGENCY),
            "start": pd.Series(start.array.take(sel)),
            "end": pd.Series(end.array.take(sel)),
            "days": pd.Series(m["days"].array.take(sel)),
            "working_days": pd.Series(m["working_days"].array.take(sel)),
            "hours": hours[sel],
            "approximate": ev["approx"].to_numpy()[B] | ev["approx"].to_numpy()[A],
            "before_event_id": before_ids,
            "after_event_id": after_ids,
            "before_agency": at("agency", B),
            "after_agency": after_agency,
            "before_description": before_text,
            "after_description": after_text,
        }
    )
    return out.astype(GAP_COLUMNS)
