"""The period an approximate date stands for.

An event with ``precision="month"`` and ``start=2007-01-01`` happened some time in January 2007: its
period runs from ``start`` to :func:`period_end` (exclusive). Metrics use it to mark results from
approximate dates; plots draw the whole period.

Examples
--------
>>> import pandas as pd
>>> start = pd.Series(pd.to_datetime(["2007-01-01", "2006-12-25", "2024-03-12 10:30"], format="ISO8601"))
>>> prec = pd.Series(["month", "week", "minute"])
>>> period_end(start, prec).astype(str).tolist()
['2007-02-01 00:00:00', '2007-01-01 00:00:00', '2024-03-12 10:31:00']
>>> is_approximate(prec).tolist()
[True, True, False]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["APPROXIMATE", "is_approximate", "period_end"]

#: precision levels coarser than a day
APPROXIMATE = ("week", "month", "year")


def is_approximate(precision: pd.Series) -> pd.Series:
    """True where the precision is coarser than a day."""
    return pd.Series(precision).astype("str").isin(APPROXIMATE)


def period_end(start: pd.Series, precision: pd.Series) -> pd.Series:
    """Exclusive end of the period each ``start`` stands for, given its ``precision``.

    minute: +1 minute; day: next midnight; week: +7 days; month: first of next month; year: 1 January
    of the next year. Vectorised; the inputs are not modified.
    """
    start = pd.Series(start)
    prec = pd.Series(precision, index=start.index).astype("str")
    tz = getattr(start.dtype, "tz", None)
    wall = start.dt.tz_localize(None) if tz is not None else start  # calendar maths on wall time
    day = wall.dt.normalize()
    out = wall + pd.Timedelta(minutes=1)
    out = out.mask(prec.eq("day"), day + pd.Timedelta(days=1))
    out = out.mask(prec.eq("week"), day + pd.Timedelta(days=7))
    if prec.isin(["month", "year"]).any():
        month_first = day.dt.to_period("M").dt.to_timestamp().astype(wall.dtype)
        year_first = day.dt.to_period("Y").dt.to_timestamp().astype(wall.dtype)
        out = out.mask(prec.eq("month"), month_first + pd.DateOffset(months=1))
        out = out.mask(prec.eq("year"), year_first + pd.DateOffset(years=1))
    if tz is not None:
        out = out.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return out.where(start.notna())
