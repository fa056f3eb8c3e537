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

Wall-clock times are localised with :func:`localize_wall`: a time in the hour repeated when the
clocks go back is read as its first occurrence (BST), a time in the hour skipped when they go
forward moves forward to the first time after it (02:00 BST); :func:`clock_change` tells which times were so.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "add_working_days",
    "bank_holidays",
    "clock_change",
    "localize_wall",
    "working_days_between",
]

#: the time zone of every chronology
TZ = "Europe/London"


def localize_wall(wall: pd.Series, tz: Any = TZ, fold: Any = None) -> pd.Series:
    """Naive wall-clock times as time-zone-aware times in ``tz``, never losing one (input not modified).

    A time in the hour that happens twice when the clocks go back (01:00-01:59 on the last Sunday
    of October in the UK) is read as its **first** occurrence, summer time (BST); a time in the
    hour that never happens when the clocks go forward (01:00-01:59 on the last Sunday of March)
    moves forward to the first time after the gap (01:30 becomes 02:00 BST, pandas'
    ``nonexistent="shift_forward"``).
    Only a missing value gives ``NaT``. Which times were resolved so: :func:`clock_change`.
    ``fold`` (optional, bool per row, like :attr:`datetime.datetime.fold`) marks repeated-hour times
    known to be the second, standard-time (GMT), occurrence.

    Examples
    --------
    >>> wall = pd.Series(pd.to_datetime(["2024-10-27 01:30", "2024-03-31 01:30", "2024-07-01 09:00"]))
    >>> localize_wall(wall).astype(str).tolist()
    ['2024-10-27 01:30:00+01:00', '2024-03-31 02:00:00+01:00', '2024-07-01 09:00:00+01:00']
    """
    wall = pd.Series(wall)
    dst = np.ones(len(wall), dtype=bool)
    if fold is not None:
        dst &= ~np.asarray(pd.Series(fold).fillna(False).to_numpy(dtype=bool), dtype=bool)
    return wall.dt.tz_localize(tz, ambiguous=dst, nonexistent="shift_forward")


def clock_change(wall: pd.Series, tz: Any = TZ) -> pd.Series:
    """Which naive wall-clock times fall in an hour the clock change repeats or skips.

    A categorical: ``"repeated"`` for a time that happens twice when the clocks go back (read as
    the first, BST, occurrence by :func:`localize_wall`), ``"missing"`` for a time that never
    happens when they go forward (moved forward), missing otherwise (also for missing values and
    times that already have a time zone). Vectorised: only times before 05:00 are localised, and
    only the few that fail are looked at again.

    Examples
    --------
    >>> wall = pd.Series(pd.to_datetime(["2024-10-27 01:30", "2024-03-31 01:30", "2024-10-27 02:00", None]))
    >>> clock_change(wall).tolist()
    ['repeated', 'missing', nan, nan]
    """
    wall = pd.Series(wall)
    codes = np.full(len(wall), -1, dtype="int8")
    if not isinstance(wall.dtype, pd.DatetimeTZDtype) and len(wall):
        cand = wall.notna().to_numpy().copy()
        if str(tz) == TZ:  # every Europe/London change since 1916 falls between 00:00 and 05:00
            hour = (wall.to_numpy(dtype="datetime64[us]").view("int64") // 3_600_000_000) % 24
            cand &= hour < 5
        at = np.flatnonzero(cand)
        strict = wall.iloc[at].dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        odd = at[strict.isna().to_numpy()]
        if len(odd):
            few = wall.iloc[odd]
            first = few.dt.tz_localize(tz, ambiguous=np.ones(len(few), dtype=bool), nonexistent="NaT")
            codes[odd] = np.where(first.isna().to_numpy(), 0, 1)
    kinds = pd.Categorical.from_codes(codes, categories=["missing", "repeated"])
    return pd.Series(kinds, index=wall.index, name=wall.name)


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
        # a working day is never the Sunday of a clock change; localize_wall resolves it anyway
        return localize_wall(add_working_days(when.dt.tz_localize(None), n), tz)
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
