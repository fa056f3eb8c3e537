"""Shared helpers for the metrics: a working copy of the events with the derived time columns,
day counting and limit checks. Private to :mod:`chronology.metrics`.

Conventions used by every metric (documented once here, repeated in the public docstrings):

* ``days`` is the number of calendar days between the two dates (date of the later minus date of
  the earlier), the count a reviewer makes on a calendar; ``hours`` is the exact elapsed time from
  the recorded times (a date without a time counts as midnight); ``working_days`` counts the
  working days after the first date up to and including the second (weekends and England and
  Wales bank holidays skipped), so it never exceeds ``days``.
* An event is *approximate* when its date is coarser than a day (``precision`` week, month or
  year) or the source marked it uncertain; any result computed from one carries
  ``approximate=True``.
* An approximate event stands for its whole period: it may have happened as late as the last day
  of that period (see :func:`chronology.periods.period_end`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ..calendar import localize_wall, working_days_between
from ..errors import OptionError
from ..periods import is_approximate, period_end
from ..rules import Duration
from ..schema import CANONICAL_DTYPES, TZ

_REQUIRED = ("event_id", "case_id", "agency", "start", "precision", "description")
_ONE_DAY = pd.Timedelta(days=1)
_ONE_US = pd.Timedelta(microseconds=1)

DT = CANONICAL_DTYPES["start"]
AGENCY = CANONICAL_DTYPES["agency"]


def check_events(events: Any) -> None:
    """Raise :class:`OptionError` when ``events`` is not an events frame."""
    if not isinstance(events, pd.DataFrame):
        raise OptionError(
            "expected the events DataFrame",
            value=type(events).__name__,
            hint="pass Chronology.events, or call the method on the Chronology",
        )
    missing = [c for c in _REQUIRED if c not in events.columns]
    if missing:
        raise OptionError(
            "the events frame lacks canonical columns",
            value=", ".join(missing),
            hint="build events with chronology.read() or Chronology.from_events()",
        )


def _as_london(s: pd.Series) -> pd.Series:
    s = pd.Series(s)
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        s = pd.to_datetime(s)
        s = localize_wall(s) if s.dt.tz is None else s
    return s.dt.tz_convert(TZ).astype(DT)


#: the events frame of the Chronology whose metric is running, and where its working frame is kept
_SHARED: ContextVar[tuple[pd.DataFrame, MutableMapping[Any, Any]] | None] = ContextVar(
    "chronology_prepared", default=None
)


@contextmanager
def sharing_prepare(events: pd.DataFrame, store: MutableMapping[Any, Any]) -> Iterator[None]:
    """Within this block, :func:`prepare` of this very ``events`` object is computed once and kept
    in ``store`` (a :class:`~chronology.Chronology`'s memo): ``gaps()``, ``intervals()``,
    ``breaches()`` and the timeline of one chronology then share it instead of sorting and deriving
    the same columns each time (0.6 s per metric on a million events). Only a Chronology uses it:
    its events are not changed in place, while a frame passed to the functions may be."""
    token = _SHARED.set((events, store))
    try:
        yield
    finally:
        _SHARED.reset(token)


def prepare(events: pd.DataFrame) -> pd.DataFrame:
    """:func:`_prepare`, or the working frame a :func:`sharing_prepare` block already made for
    these events (a shallow copy: with copy-on-write, changes to it stay with the caller)."""
    shared = _SHARED.get()
    if shared is None or shared[0] is not events:
        return _prepare(events)
    store = shared[1]
    if ("prepared",) not in store:
        store[("prepared",)] = _prepare(events)
    return store[("prepared",)].copy(deep=False)


def _prepare(events: pd.DataFrame) -> pd.DataFrame:
    """A light working frame, sorted by ``case_id``, ``start``, ``event_id`` (input not modified).

    Only the columns the metrics compute with are carried; text columns stay in ``events`` and are
    gathered for the result rows with :func:`fetch` (``row`` is each event's position in
    ``events``). Columns: ``row``, ``case_key`` (int code of ``case_id``, in sorted order),
    ``case_id``, ``event_id``, ``agency``, ``event_type``, ``start``, ``end``, ``prec`` (the
    precision), ``uncertain``, ``approx`` (coarser than a day, or uncertain), ``wall`` (start as
    naive wall-clock time), ``pend`` (exclusive end of the date's period), ``reach`` (the latest
    moment the event can have happened: its start for minute precision, else the last instant of
    its period), ``last_day`` (the latest date it can have happened, as midnight), ``cover`` (its
    ``end`` when later than ``last_day``: how far the event reaches), ``pos`` (0..n-1).
    """
    check_events(events)
    n = len(events)
    start_all = _as_london(events["start"])
    valid = start_all.notna().to_numpy()
    case_all = events["case_id"].astype("str")
    case_code, _ = pd.factorize(case_all, sort=True)
    s_i8 = start_all.dt.tz_convert(None).to_numpy().view("int64")
    order = np.lexsort((s_i8, case_code))
    # ties on (case, start) are broken by event_id, so the order never depends on the input's
    same = (case_code[order[1:]] == case_code[order[:-1]]) & (s_i8[order[1:]] == s_i8[order[:-1]])
    if same.any():
        tied = np.zeros(n, dtype=bool)
        tied[order[1:][same]] = True
        tied[order[:-1][same]] = True
        at = np.flatnonzero(tied)
        rank = np.zeros(n, dtype="int64")
        ids = pd.Series(events["event_id"].astype("str").array.take(at), dtype="str")
        rank[at] = pd.factorize(ids, sort=True)[0]
        order = np.lexsort((rank, s_i8, case_code))
    order = order[valid[order]]

    def take(col: str, default: Any = None) -> pd.Series:
        if col not in events:
            return pd.Series(default, index=range(len(order)))
        return pd.Series(events[col].array.take(order), name=col)

    ev = pd.DataFrame(
        {
            "row": order,
            "case_key": case_code[order],
            "case_id": pd.Series(case_all.array.take(order)),
            "event_id": take("event_id").astype("str"),
            "agency": take("agency").astype(AGENCY),
            "event_type": take("event_type", "other"),
            "start": pd.Series(start_all.array.take(order)),
            "end": pd.Series(_as_london(events["end"]).array.take(order)) if "end" in events
            else pd.Series(pd.NaT, index=range(len(order)), dtype=DT),
            "prec": take("precision"),
            "uncertain": take("uncertain", False).fillna(False).astype(bool),
        }
    )
    prec = ev["prec"]  # the canonical categorical, compared on its codes
    if not isinstance(prec.dtype, pd.CategoricalDtype):
        prec = prec.astype("str")
    ev["approx"] = is_approximate(prec).to_numpy() | ev["uncertain"].to_numpy()
    wall = ev["start"].dt.tz_localize(None)
    ev["wall"] = wall
    pend = period_end(ev["start"], prec)
    ev["pend"] = pend
    coarse = prec.isin(["week", "month", "year"]).to_numpy(dtype=bool)
    # the last day of a coarse period, as midnight; a day or a time stands for itself (taken as the
    # instant, not through the wall clock, so a time in the hour repeated when the clocks go back
    # keeps its occurrence)
    last_day = ev["start"].copy()
    if coarse.any():
        pend_wall = pend[coarse].dt.tz_localize(None)
        last_day[coarse] = localize(pend_wall - _ONE_DAY)
    ev["last_day"] = last_day
    ev["reach"] = ev["start"].where(prec.eq("minute").to_numpy(dtype=bool, na_value=False), pend - _ONE_US)
    ev["cover"] = ev["last_day"].where(ev["end"].isna() | (ev["end"] < ev["last_day"]), ev["end"])
    ev["pos"] = np.arange(len(ev))
    ev["prec"] = prec
    return ev


_T = TypeVar("_T")
_R = TypeVar("_R")


def map_threads(func: Callable[[_T], _R], items: Sequence[_T], *, min_rows: int = 100_000) -> list[_R]:
    """``[func(x) for x in items]``, on two threads when the items are big arrays (``len`` of the
    first, or of the last element of the first when it is a tuple, at least ``min_rows``) and the
    machine has two cores: for work that releases the GIL (Arrow's take and compute functions);
    small inputs stay on this thread."""
    first = items[0] if items else None
    size = len(first[-1] if isinstance(first, tuple) else first)  # type: ignore[arg-type]
    if len(items) < 2 or (os.cpu_count() or 1) < 2 or size < min_rows:
        return [func(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as ex:
        return list(ex.map(func, items))


def fetch(events: pd.DataFrame, rows: Any, col: str) -> pd.Series:
    """Column ``col`` of ``events`` at positions ``rows`` (-1 or NA: missing), with a RangeIndex."""
    r = pd.Series(rows).astype("Float64").fillna(-1).astype("int64").to_numpy()
    if col not in events:
        return pd.Series(pd.NA, index=range(len(r)), dtype="object")
    return pd.Series(events[col].array.take(r, allow_fill=True), name=col)


def describe(
    table: pd.DataFrame, events: pd.DataFrame, *, prefixes: Sequence[str] | None = None,
    column: str = "description",
) -> pd.DataFrame:
    """``table`` with the text of the events it names by id: for each ``{prefix}_event_id``
    column, a ``{prefix}_{column}`` column taken from ``events`` (missing where the id is missing
    or not in ``events``). Neither input is modified.

    Results such as :func:`chronology.metrics.gaps` name their events by id rather than carrying
    copies of their text; this joins the text for display.

    Parameters
    ----------
    table
        A result frame with ``..._event_id`` columns.
    events
        The canonical events frame the ids come from (``Chronology.events``).
    prefixes
        Which id columns (``["before", "after"]``); by default every ``..._event_id`` column.
    column
        The events' column to join (``"description"``, ``"action"``...).

    Examples
    --------
    >>> from chronology.metrics import describe, gaps
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([("x", "police", "2024-12-20", "Police visit"), ("x", "csc", "2025-01-06", "Home visit")])
    >>> describe(gaps(ev), ev)[["days", "before_description", "after_description"]].values.tolist()
    [[17, 'Police visit', 'Home visit']]
    """
    if prefixes is None:
        prefixes = [c.removesuffix("_event_id") for c in table.columns if str(c).endswith("_event_id")]
    out = table.copy(deep=False)
    ids = pd.Index(events["event_id"])
    for p in prefixes:
        rows = ids.get_indexer(table[f"{p}_event_id"].astype("str"))
        out[f"{p}_{column}"] = fetch(events, rows, column).set_axis(table.index)
    return out


def mask_of(
    matcher: Any, events: pd.DataFrame, ev: pd.DataFrame, cache: dict[Any, Any] | None = None
) -> np.ndarray:
    """A :class:`~chronology.Match` (or AnyOf) evaluated on ``events``, in ``ev``'s order.

    ``cache`` (a dict kept by the caller for one ``events`` frame) saves evaluating the same
    matcher twice, e.g. one rule's end that is another rule's start, and preparing the same text
    column twice.
    """
    if cache is None:
        return match_mask(matcher, events)[ev["row"].to_numpy()]
    try:
        hit = cache.get(("mask", matcher))
    except TypeError:  # not hashable
        return match_mask(matcher, events, cache)[ev["row"].to_numpy()]
    if hit is None:
        hit = cache[("mask", matcher)] = match_mask(matcher, events, cache)
    return hit[ev["row"].to_numpy()]


def match_mask(matcher: Any, events: pd.DataFrame, store: dict[Any, Any] | None = None) -> np.ndarray:
    """``matcher.mask(events)`` as a bool array, computed the fast way with the same answers.

    The cheap criteria (event type, agency, child seen) are applied first and the regexes run
    only on the events they leave; an :class:`~chronology.rules.AnyOf` tries each match only on
    the events not matched yet; and the regexes run with :func:`chronology.textmatch.contains`
    (RE2 for plain text, Python's ``re`` only for the rows that need it, where pandas would send
    the whole column to ``re`` as soon as one value has an accented letter). ``store`` keeps the
    prepared text columns for further calls on the same ``events``.
    """
    from ..rules import AnyOf, Match

    n = len(events)
    if isinstance(matcher, AnyOf):
        out = np.zeros(n, dtype=bool)
        for m in matcher.matches:
            rest = np.flatnonzero(~out)
            if not len(rest):
                break
            out[rest] = _match_at(m, events, rest, store)
        return out
    if isinstance(matcher, Match):
        return _match_at(matcher, events, np.arange(n), store)
    return matcher.mask(events).to_numpy(dtype=bool)


def _match_at(m: Any, events: pd.DataFrame, rows: np.ndarray, store: dict[Any, Any] | None) -> np.ndarray:
    """``m.mask(events)`` at the positions ``rows`` (same semantics as :meth:`Match.mask`)."""
    from ..rules import Match

    store = {} if store is None else store
    regex = m.service is not None or m.text is not None or m.exclude is not None
    if not regex or (m.service is not None and "service" not in events):
        return m.mask(events).to_numpy(dtype=bool)[rows]
    cheap = Match(event_type=m.event_type, agency=m.agency, child_seen=m.child_seen)
    if cheap not in store:
        store[cheap] = cheap.mask(events).to_numpy(dtype=bool)
    keep = store[cheap][rows]
    keep[keep] = _text_ok(m, events, rows[keep], store)
    return keep


def _stored_text(events: pd.DataFrame, col: str, store: dict[Any, Any]) -> Any:
    """The :class:`~chronology.textmatch.Text` of one column, built once per ``store``."""
    from ..textmatch import Text

    key = ("text", col)
    if key not in store:
        store[key] = Text(events[col])
    return store[key]


def _text_ok(m: Any, events: pd.DataFrame, idx: np.ndarray, store: dict[Any, Any]) -> np.ndarray:
    """Whether the rows ``idx`` pass the text parts of ``m``: ``service``, then ``text`` (in the
    description or the action), then not ``exclude`` (in either); each looks only at the rows
    still in."""
    from ..textmatch import contains

    ok = np.ones(len(idx), dtype=bool)
    if m.service is not None and len(idx):
        ok = contains(_stored_text(events, "service", store), m.service, rows=idx)
    columns = [col for col in ("description", "action") if col in events]
    if m.text is not None:
        hit = np.zeros(len(idx), dtype=bool)
        for col in columns:
            todo = np.flatnonzero(ok & ~hit)
            if len(todo):
                hit[todo] = contains(_stored_text(events, col, store), m.text, rows=idx[todo])
        ok &= hit
    if m.exclude is not None:
        for col in columns:
            todo = np.flatnonzero(ok)
            if len(todo):
                ok[todo] = ~contains(_stored_text(events, col, store), m.exclude, rows=idx[todo])
    return ok


def localize(wall: pd.Series) -> pd.Series:
    """Naive wall-clock times to ``Europe/London``: a time in the hour repeated when the clocks go
    back is its first (BST) occurrence, a time in the skipped hour moves forward
    (:func:`chronology.calendar.localize_wall`); only a missing value gives NaT."""
    return localize_wall(pd.Series(wall), TZ).astype(DT)


def wall_day(s: pd.Series) -> pd.Series:
    """Dates (naive midnight) of tz-aware timestamps, on the wall clock."""
    return pd.Series(s).dt.tz_localize(None).dt.normalize()


def calendar_days(start: pd.Series, end: pd.Series) -> pd.Series:
    """Calendar days from each start date to each end date (``Int64``, NA where either is NaT)."""
    d = (wall_day(end) - wall_day(start)).dt.days
    return d.astype("Int64")


def elapsed_hours(start: pd.Series, end: pd.Series) -> pd.Series:
    """Exact elapsed hours (float, never negative; NaN where either is NaT)."""
    delta = pd.Series(end) - pd.Series(start)
    h = delta.dt.total_seconds() / 3600.0
    return h.clip(lower=0).astype("float64")


def measures(start: pd.Series, end: pd.Series) -> pd.DataFrame:
    """``hours``, ``days`` and ``working_days`` between aligned start and end timestamps."""
    days = calendar_days(start, end).clip(lower=0)
    wd = working_days_between(start, end.set_axis(start.index)).clip(lower=0)
    return pd.DataFrame(
        {"hours": elapsed_hours(start, end), "days": days, "working_days": wd}, index=start.index
    )


def due_by(start: pd.Series, limit: Duration) -> pd.Series:
    """When a limit measured from ``start`` runs out.

    For minutes and hours: the exact moment. For days, weeks, months and working days: the due
    date (as midnight, meaning "by the end of that day").
    """
    start = pd.Series(start)
    if limit.unit in ("minutes", "hours"):
        return (start + limit.to_timedelta()).astype(DT)
    wall = wall_day(start)
    return localize(limit.add(wall).dt.normalize())


def exceeded(
    start: pd.Series, end: pd.Series, limit: Duration, m: pd.DataFrame | None = None
) -> pd.Series:
    """Nullable boolean: True where the time from start to end exceeds the limit, in its unit.

    Hours and minutes compare the exact elapsed time; days and weeks compare calendar ``days``;
    working days compare ``working_days``; months compare the end date with the due date.
    NA where ``end`` is missing.
    """
    if m is None:
        m = measures(start, end)
    unit = limit.unit
    if unit in ("minutes", "hours"):
        out = m["hours"] > limit.to_timedelta() / pd.Timedelta(hours=1)
    elif unit in ("days", "weeks"):
        n = limit.amount * (7 if unit == "weeks" else 1)
        out = m["days"].astype("Float64") > n
    elif unit == "working_days":
        out = m["working_days"].astype("Float64") > limit.amount
    else:  # months
        out = wall_day(end) > wall_day(due_by(start, limit))
    res = pd.Series(out, index=start.index).astype("boolean")
    return res.mask(pd.Series(end).isna().to_numpy())


def str_col(values: Any, index: pd.Index | None = None) -> pd.Series:
    """A pandas ``str`` Series."""
    return pd.Series(values, index=index, dtype="str")


def empty_frame(spec: dict[str, Any]) -> pd.DataFrame:
    """An empty result frame with the given column dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in spec.items()})


FREQS: dict[str, str] = {
    "D": "D", "W": "W", "M": "M", "ME": "M", "MS": "M", "Q": "Q", "QE": "Q", "QS": "Q",
    "Y": "Y", "YE": "Y", "YS": "Y", "A": "Y",
}


def period_of(ev: pd.DataFrame, freq: str) -> tuple[pd.Series, pd.Series]:
    """The period each event falls in (as the period's first moment, tz-aware) and whether the
    event's date is too coarse to place it in one period (its date period crosses the boundary,
    or the date is marked uncertain)."""
    key = FREQS.get(str(freq).upper()) if isinstance(freq, str) else None
    if key is None:
        raise OptionError(
            "unknown freq", value=freq, hint="use 'D' (day), 'W' (week), 'M' (month), 'Q' (quarter) or 'Y' (year)"
        )
    wall = ev["wall"]
    per = wall.dt.to_period(key)
    last = (ev["pend"] - _ONE_US).dt.tz_localize(None).dt.to_period(key)
    coarse = (per != last).to_numpy()
    unc = ev["uncertain"].to_numpy()
    start = localize(per.dt.start_time.astype("datetime64[us]"))
    return start, pd.Series(coarse | unc, index=ev.index)


T = TypeVar("T")


def as_rule_list(
    items: T | Sequence[T] | str | os.PathLike[str],
    kind: type[T],
    load: Callable[[Any], list[T]],
    hint: str,
    what: str = "rules",
) -> list[T]:
    """One rule object, a sequence of them, or a TOML path (read with ``load``) as a list; anything
    else raises :class:`~chronology.errors.OptionError` with ``hint``."""
    if isinstance(items, kind):
        return [items]
    if isinstance(items, (str, os.PathLike)):
        return load(items)
    out = list(items)  # type: ignore[arg-type]
    for r in out:
        if not isinstance(r, kind):
            raise OptionError(f"{what} must be {kind.__name__} objects", value=repr(r), hint=hint)
    return out
