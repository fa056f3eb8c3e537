"""Working days: weekdays that are not England and Wales bank holidays (the ``holidays`` package).

Examples
--------
>>> import pandas as pd
>>> s = pd.Series(pd.to_datetime(["2024-12-24 10:00"]))
>>> e = pd.Series(pd.to_datetime(["2024-12-30 09:00"]))
>>> working_days_between(s, e).tolist()   # 25, 26 Dec are holidays, 28-29 weekend
[2]
>>> add_working_days(s, 2).dt.date.tolist()
[datetime.date(2024, 12, 30)]
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

__all__ = ["add_working_days", "bank_holidays", "working_days_between"]


@cache
def _holidays(first_year: int, last_year: int) -> np.ndarray:
    import holidays

    hols = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(hols.keys()), dtype="datetime64[D]")


def bank_holidays(first_year: int = 1990, last_year: int = 2040) -> np.ndarray:
    """England and Wales bank holidays as ``datetime64[D]``, from the ``holidays`` package."""
    return _holidays(first_year, last_year)


def _days(s: pd.Series) -> np.ndarray:
    s = pd.Series(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[us]").astype("datetime64[D]")


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days from each start date to each end date: the count of working days after the
    start day up to and including the end day (so the next working day is 1). NaT gives NA.

    Never more than the calendar days between the two dates.
    """
    start = pd.Series(start)
    end = pd.Series(end)
    a = _days(start)
    b = _days(end)
    ok = ~(np.isnat(a) | np.isnat(b))
    out = np.zeros(len(a), dtype="int64")
    if ok.any():
        aa = a[ok] + np.timedelta64(1, "D")
        bb = b[ok] + np.timedelta64(1, "D")
        sign = np.where(bb >= aa, 1, -1)
        lo = np.minimum(aa, bb)
        hi = np.maximum(aa, bb)
        out[ok] = sign * np.busday_count(lo, hi, holidays=bank_holidays())
    res = pd.Series(out, index=start.index, dtype="Int64")
    res[~ok] = pd.NA
    return res


def add_working_days(when: pd.Series, n: int) -> pd.Series:
    """Each datetime moved to the ``n``-th working day after its day, keeping the time of day.

    Consistent with :func:`working_days_between`: ``working_days_between(when, result) == n``,
    also when ``when`` falls on a weekend or bank holiday (a Saturday plus one working day is the
    Monday). ``n=0`` leaves the dates unchanged; negative ``n`` counts back.

    Examples
    --------
    >>> sat = pd.Series(pd.to_datetime(["2024-03-02 09:30"]))
    >>> add_working_days(sat, 1).astype(str).tolist()
    ['2024-03-04 09:30:00']
    """
    when = pd.Series(when)
    tz = getattr(when.dtype, "tz", None)
    if tz is not None:  # calendar arithmetic on wall-clock time, so DST never moves the date
        wall = add_working_days(when.dt.tz_localize(None), n)
        return wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    days = _days(when)
    ok = ~np.isnat(days)
    out = days.copy()
    if n > 0:
        out[ok] = np.busday_offset(
            days[ok] + np.timedelta64(1, "D"), n - 1, roll="forward", holidays=bank_holidays()
        )
    elif n < 0:
        out[ok] = np.busday_offset(
            days[ok] - np.timedelta64(1, "D"), n + 1, roll="backward", holidays=bank_holidays()
        )
    shift = pd.to_timedelta((out - days).astype("timedelta64[D]"))
    return when + pd.Series(shift, index=when.index)
