"""The caseload view of the timeline: events of many cases counted per agency and period.

A caseload of thousands of children cannot be read as a lane per child and agency (20,000 cases make
100,000 lanes), and counting per such lane merges almost nothing. Across cases, the timeline draws
one lane per agency and one mark per agency and period (day, week, month or year, chosen from the
span so that a lane holds at most about :data:`MAX_PERIODS` marks), sized and coloured by the number
of events, with the number of cases they come from in the hover text.

Everything is counted with integer codes (``np.bincount``, and a sort of one ``int64`` key per event
for the distinct cases), so a million events take a few tens of milliseconds and a few arrays of
``int64``.

Examples
--------
>>> import pandas as pd, chronology as chron
>>> c = chron.Chronology.from_events(pd.DataFrame({
...     "case_id": ["a", "a", "b", "c"], "agency": ["police", "csc", "police", "police"],
...     "start": ["04/03/2024 10:00", "05/03/2024", "04/03/2024 18:30", "20/03/2024"],
...     "description": ["Call", "Referral", "Call", "Call"]}))
>>> counts = caseload_counts(c.events)
>>> counts.points[["lane", "events", "cases"]].values.tolist()
[['Police', 2, 2], ['Police', 1, 1], ["Children's social care", 1, 1]]
>>> counts.points["hover"][0]
'<b>Police</b> · all cases<br>on Mon 04/03/2024<br>2 events from 2 cases'
>>> counts.unit, counts.lanes["events"].tolist(), counts.lanes["cases"].tolist()
('day', [3, 1], [3, 1])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _common as cm
from . import style

__all__ = ["MAX_PERIODS", "CaseloadCounts", "case_codes", "caseload_counts", "lane_pairs"]

#: at most about this many periods per lane: days up to 160 days, weeks up to about three years,
#: months up to about thirteen years, else years
MAX_PERIODS = 160

#: hover wording of each period unit, before its first day (``strftime`` format)
_WHEN = {
    "day": ("on ", "%a %d/%m/%Y"),
    "week": ("in the week of ", "%d/%m/%Y"),
    "month": ("in ", "%b %Y"),
    "year": ("in ", "%Y"),
}


@dataclass(frozen=True)
class CaseloadCounts:
    """Counts of a caseload's events per agency and period.

    Attributes
    ----------
    points
        One row per agency and period with any event, lanes in vocabulary order then by date:
        ``lane`` (the agency's lane label), ``period`` (first day of the period, London wall time),
        ``events``, ``cases`` (distinct cases with an event there) and ``hover`` (the hover text).
    lanes
        One row per agency present, in vocabulary order: ``lane``, ``events``, ``cases``.
    unit
        The period counted: ``"day"``, ``"week"`` (Monday to Sunday), ``"month"`` or ``"year"``.
    n_events, n_cases
        Events counted (every event, each in the period of its ``start``) and distinct cases.
    """

    points: pd.DataFrame
    lanes: pd.DataFrame
    unit: str
    n_events: int
    n_cases: int


def case_codes(events: pd.DataFrame) -> tuple[np.ndarray, int]:
    """An integer code per event for its case (``-1`` where missing) and the number of cases."""
    if "case_id" not in events:
        return np.zeros(len(events), dtype=np.int64), 1 if len(events) else 0
    codes, uniques = pd.factorize(events["case_id"])
    return codes.astype(np.int64, copy=False), len(uniques)


def lane_pairs(events: pd.DataFrame, codes: np.ndarray, n_cases: int) -> int:
    """How many case × agency lanes the events would take (counted on integer codes)."""
    ag, names = _agency_codes(events)
    return int(pd.unique(codes * len(names) + ag).size)


def _agency_codes(events: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """An integer code per event for its agency (categories in vocabulary order, missing values
    last) and the agency code of each integer."""
    agency = events["agency"]
    if not isinstance(agency.dtype, pd.CategoricalDtype):
        agency = agency.astype("category")
    names = [str(a) for a in agency.cat.categories]
    codes = agency.cat.codes.to_numpy().astype(np.int64)  # a new array: callers may change it
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names.append("other")
    return codes, names


def _periods(start: pd.Series) -> tuple[np.ndarray, str]:
    """The period index of each start (days, Monday weeks, months or years since 1970) and its unit,
    the finest unit with at most ``MAX_PERIODS`` periods over the whole span. The unit is chosen
    from the first and last start, so only its own index array is built."""
    t = cm.wall(start).to_numpy(dtype="datetime64[us]")
    lo, hi = t.min(), t.max()
    first_day, last_day = (int(v.astype("datetime64[D]").view(np.int64)) for v in (lo, hi))
    if last_day - first_day < MAX_PERIODS:
        return t.astype("datetime64[D]").view(np.int64), "day"
    if (last_day + 3) // 7 - (first_day + 3) // 7 < MAX_PERIODS:
        weeks = t.astype("datetime64[D]").view(np.int64)
        weeks += 3  # 1 January 1970 was a Thursday: week 0 starts on Monday 29/12/1969
        weeks //= 7
        return weeks, "week"
    first_month, last_month = (int(v.astype("datetime64[M]").view(np.int64)) for v in (lo, hi))
    if last_month - first_month < MAX_PERIODS:
        return t.astype("datetime64[M]").view(np.int64), "month"
    return t.astype("datetime64[Y]").view(np.int64), "year"


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values of ``keys``, sorting ``keys`` in place: at a million ``int64`` keys,
    faster than hashing (``pd.unique``) and with no table beside them."""
    keys.sort()
    keep = np.empty(len(keys), dtype=bool)
    keep[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def _period_start(index: np.ndarray, unit: str) -> np.ndarray:
    """First day (``datetime64[us]``) of each period index."""
    if unit == "day":
        day = index.astype("datetime64[D]")
    elif unit == "week":
        day = (index * 7 - 3).astype("datetime64[D]")
    elif unit == "month":
        day = index.astype("datetime64[M]").astype("datetime64[D]")
    else:
        day = index.astype("datetime64[Y]").astype("datetime64[D]")
    return day.astype("datetime64[us]")


def caseload_counts(events: pd.DataFrame, codes: np.ndarray | None = None, n_cases: int | None = None) -> CaseloadCounts:
    """Count ``events`` per agency and period across all cases (see the module docstring).

    ``codes`` and ``n_cases`` are :func:`case_codes` of ``events`` when already computed. Events
    without a start (none pass the schema) are not counted. The input is not modified.
    """
    if codes is None or n_cases is None:
        codes, n_cases = case_codes(events)
    has_start = events["start"].notna().to_numpy()
    ev = events if has_start.all() else events[has_start]
    codes = codes if has_start.all() else codes[has_start]
    ag, names = _agency_codes(ev)
    n_ag = len(names)
    lane_events = np.bincount(ag, minlength=n_ag)
    index, unit = _periods(ev["start"])
    first = int(index.min())
    n_per = int(index.max()) - first + 1
    # one integer per agency and period, built in place (a million events: a few 8 MB arrays)
    cell = ag
    cell *= n_per
    cell += index
    cell -= first
    del ag, index
    events_in = np.bincount(cell, minlength=n_ag * n_per)
    if not (codes >= 0).all():  # a case id missing (the schema does not allow it): not a case
        cell, codes = cell[codes >= 0], codes[codes >= 0]
    key = cell * n_cases
    key += codes
    del cell
    pairs = _distinct(key)  # distinct (cell, case)
    del key
    pair_cell = pairs // n_cases
    cases_in = np.bincount(pair_cell, minlength=n_ag * n_per)
    pair_cell //= n_per
    pair_cell *= n_cases
    pair_cell += pairs % n_cases
    lane_cases = np.bincount(_distinct(pair_cell) // n_cases, minlength=n_ag)  # distinct (agency, case)

    present = np.flatnonzero(lane_events)
    labels = np.array([style.agency_label(names[i]) for i in range(n_ag)], dtype=object)
    lanes = pd.DataFrame({
        "lane": pd.array(labels[present], dtype="str"),
        "events": lane_events[present],
        "cases": lane_cases[present],
    })
    nz = np.flatnonzero(events_in)  # agency-major, then date: lanes in vocabulary order
    lane = labels[nz // n_per]
    period = _period_start(nz % n_per + first, unit)
    n = events_in[nz]
    k = cases_in[nz]
    prefix, fmt = _WHEN[unit]
    when = prefix + pd.Series(pd.DatetimeIndex(period).strftime(fmt), dtype="str")
    word = pd.Series(np.where(n == 1, " event", " events"))
    case_word = pd.Series(np.where(k == 1, " case", " cases"))
    hover = (
        "<b>" + pd.Series(lane, dtype="str") + "</b> · all cases<br>" + when + "<br>"
        + pd.Series(n).astype("str") + word + " from " + pd.Series(k).astype("str") + case_word
    )
    points = pd.DataFrame({
        "lane": pd.array(lane, dtype="str"), "period": period, "events": n, "cases": k,
        "hover": hover.astype("str"),
    })
    return CaseloadCounts(points=points, lanes=lanes, unit=unit, n_events=len(ev), n_cases=int(n_cases))


def caseload_trace(go: Any, counts: CaseloadCounts, gl: bool) -> Any:
    """The counts as one marker trace: area and colour by events, the cases in ``customdata``."""
    p = counts.points
    n = p["events"].to_numpy()
    Scatter = go.Scattergl if gl else go.Scatter
    return Scatter(
        x=p["period"].to_numpy(), y=p["lane"].to_numpy(dtype=object), mode="markers",
        name=f"events per {counts.unit} (all cases)", meta="counts",
        hovertext=p["hover"].to_numpy(dtype=object), hoverinfo="text", customdata=p["cases"].to_numpy(),
        marker={
            "size": n, "sizemode": "area", "sizeref": 2.0 * float(n.max()) / 22.0**2, "sizemin": 3,
            "color": n, "colorscale": style.mark("sequential"), "showscale": True,
            "colorbar": {"title": {"text": f"events<br>per {counts.unit}"}, "thickness": 12},
            "line": {"width": 0.5, "color": "#303030"},
        },
    )


def lane_ticks(counts: CaseloadCounts) -> dict[str, Any]:
    """y-axis tick text naming each agency with its events and cases across the caseload."""
    lanes = counts.lanes
    text = [
        f"{lane}<br><span style='font-size:10px;color:#555555'>{e:,} events · {k:,} cases</span>"
        for lane, e, k in zip(lanes["lane"], lanes["events"], lanes["cases"], strict=True)
    ]  # one per agency, not per event
    return {"tickmode": "array", "tickvals": lanes["lane"].tolist(), "ticktext": text}
