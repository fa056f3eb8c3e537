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

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["APPROXIMATE", "is_approximate", "period_end"]

#: precision levels coarser than a day
APPROXIMATE = ("week", "month", "year")


def _levels(precision: Any) -> pd.Series:
    """The precision as text, or as the canonical categorical (compared on its codes, no copy)."""
    p = pd.Series(precision)
    return p if isinstance(p.dtype, pd.CategoricalDtype) else p.astype("str")


def is_approximate(precision: pd.Series) -> pd.Series:
    """True where the precision is coarser than a day."""
    return _levels(precision).isin(APPROXIMATE).astype(bool)


def period_end(start: pd.Series, precision: pd.Series) -> pd.Series:
    """Exclusive end of the period each ``start`` stands for, given its ``precision``.

    minute: +1 minute; day: next midnight; week: +7 days; month: first of next month; year: 1 January
    of the next year. Vectorised; the inputs are not modified.
    """
    start = pd.Series(start)
    prec = _levels(pd.Series(precision, index=start.index))
    tz = getattr(start.dtype, "tz", None)
    wall = start.dt.tz_localize(None) if tz is not None else start  # calendar maths on wall time
    w = wall.to_numpy(dtype="datetime64[us]")
    day = w.astype("datetime64[D]")
    out = w + np.timedelta64(1, "m")
    for level, end in (("day", lambda: day + 1), ("week", lambda: day + 7),
                       ("month", lambda: (w.astype("datetime64[M]") + 1).astype("datetime64[D]")),
                       ("year", lambda: (w.astype("datetime64[Y]") + 1).astype("datetime64[D]"))):
        rows = prec.eq(level).to_numpy(dtype=bool, na_value=False)
        if rows.any():
            out[rows] = end()[rows]
    res = pd.Series(out, index=start.index, name=start.name).astype(wall.dtype)
    if tz is not None:
        from .calendar import localize_wall

        res = localize_wall(res, tz)
        # a minute is elapsed time: +1 minute of the instant itself, so a time in the hour
        # repeated when the clocks go back keeps its own occurrence (midnights, the ends of the
        # coarser periods, are never repeated or skipped in the UK)
        minute = prec.eq("minute").to_numpy(dtype=bool, na_value=False)
        if minute.any():
            res = res.where(~minute, start + pd.Timedelta(minutes=1))
    return res.where(start.notna())
