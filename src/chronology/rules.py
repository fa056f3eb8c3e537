"""Declarative rules: :class:`Match` selects events, :class:`Interval` measures from one event to
another against a limit, :class:`Expect` asks for a follow-up within a time.

They are plain frozen dataclasses, exported at the top level (``chron.Match`` ...). Matching is
vectorised over the whole events frame.

Examples
--------
>>> import chronology as chron
>>> m = chron.Match(event_type="discharge", agency="health_acute")
>>> m
Match(event_type=('discharge',), agency=('health_acute',), service=None, text=None, child_seen=None)
>>> chron.Interval("assessment", start=chron.Match(event_type="referral"),
...                end=chron.Match(event_type="assessment"), limit="45 working days").limit_duration
Duration(amount=45.0, unit='working_days')
>>> parse_duration("24 hours")
Duration(amount=24.0, unit='hours')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from .errors import OptionError

__all__ = ["Duration", "Expect", "Interval", "Match", "parse_duration"]

Unit = Literal["minutes", "hours", "days", "working_days", "weeks", "months"]

_UNIT_ALIASES: dict[str, Unit] = {
    "minute": "minutes",
    "minutes": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "hour": "hours",
    "hours": "hours",
    "hr": "hours",
    "hrs": "hours",
    "h": "hours",
    "day": "days",
    "days": "days",
    "d": "days",
    "calendar day": "days",
    "calendar days": "days",
    "working day": "working_days",
    "working days": "working_days",
    "working_days": "working_days",
    "business day": "working_days",
    "business days": "working_days",
    "week": "weeks",
    "weeks": "weeks",
    "w": "weeks",
    "month": "months",
    "months": "months",
}

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z_ ]+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Duration:
    """An amount of time in one unit. Months are calendar months; working days skip weekends and
    England and Wales bank holidays.

    Examples
    --------
    >>> Duration(3, "months").add(pd.Series(pd.to_datetime(["2024-01-31"]))).dt.date.tolist()
    [datetime.date(2024, 4, 30)]
    """

    amount: float
    unit: Unit

    def __str__(self) -> str:
        amt = int(self.amount) if float(self.amount).is_integer() else self.amount
        return f"{amt} {self.unit.replace('_', ' ')}"

    def to_timedelta(self) -> pd.Timedelta:
        """The duration as a fixed timedelta (not for months or working days)."""
        if self.unit in ("months", "working_days"):
            raise OptionError(
                f"{self} has no fixed length",
                hint="use Duration.add() to add calendar months or working days to dates",
            )
        return pd.Timedelta(**{self.unit: self.amount})

    def add(self, when: pd.Series) -> pd.Series:
        """Add this duration to each datetime in ``when`` (vectorised; input not modified)."""
        if self.unit == "months":
            return when + pd.DateOffset(months=int(self.amount))
        if self.unit == "working_days":
            from .calendar import add_working_days

            return add_working_days(when, int(self.amount))
        return when + self.to_timedelta()


def parse_duration(text: str | Duration) -> Duration:
    """Parse ``"45 working days"``, ``"24 hours"``, ``"1 week"``, ``"3 months"``...

    Examples
    --------
    >>> parse_duration("1 working day")
    Duration(amount=1.0, unit='working_days')
    >>> parse_duration("soon")
    Traceback (most recent call last):
    ...
    chronology.errors.OptionError: 'soon': cannot read this duration; write a number and a unit, e.g. '24 hours', '45 working days', '3 months' (units: minutes, hours, days, working days, weeks, months)
    """
    if isinstance(text, Duration):
        return text
    m = _DURATION_RE.match(str(text))
    unit = _UNIT_ALIASES.get(m.group(2).strip().lower()) if m else None
    if m is None or unit is None:
        raise OptionError(
            "cannot read this duration",
            value=text,
            hint="write a number and a unit, e.g. '24 hours', '45 working days', '3 months' "
            "(units: minutes, hours, days, working days, weeks, months)",
        )
    return Duration(float(m.group(1)), unit)


def _as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True, init=False)
class Match:
    """Select events by type, agency, service and text. All given criteria must hold.

    Parameters
    ----------
    event_type, agency
        One code or several (any of them matches).
    service
        Case-insensitive regular expression searched in ``service``.
    text
        Case-insensitive regular expression searched in ``description`` and ``action``.
    child_seen
        ``True``/``False`` to require that value (NA never matches).

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"event_type": ["discharge", "contact"], "agency": ["health_acute", "police"],
    ...                    "service": ["Ward 5", None], "description": ["Discharged home", "Call"],
    ...                    "action": [None, None]})
    >>> Match(event_type="discharge").mask(ev).tolist()
    [True, False]
    >>> Match(text="call").mask(ev).tolist()
    [False, True]
    """

    event_type: tuple[str, ...] | None
    agency: tuple[str, ...] | None
    service: str | None
    text: str | None
    child_seen: bool | None

    def __init__(
        self,
        event_type: str | Iterable[str] | None = None,
        agency: str | Iterable[str] | None = None,
        service: str | None = None,
        text: str | None = None,
        child_seen: bool | None = None,
    ) -> None:
        object.__setattr__(self, "event_type", _as_tuple(event_type))
        object.__setattr__(self, "agency", _as_tuple(agency))
        object.__setattr__(self, "service", service)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "child_seen", child_seen)
        for pattern in (service, text):
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise OptionError(
                        f"not a valid regular expression ({exc})",
                        value=pattern,
                        hint="escape special characters with re.escape() or a backslash",
                    ) from exc
        self._check_codes()

    def _check_codes(self) -> None:
        from ._data import agency_codes, event_type_codes

        for name, values, valid in (
            ("event_type", self.event_type, event_type_codes()),
            ("agency", self.agency, agency_codes()),
        ):
            for v in values or ():
                if v not in valid:
                    raise OptionError(
                        f"unknown {name} in Match",
                        value=v,
                        hint=f"use one of: {', '.join(valid)}",
                    )

    def mask(self, events: pd.DataFrame) -> pd.Series:
        """Boolean Series, aligned on ``events.index``: True where the event matches."""
        out = pd.Series(True, index=events.index)
        if self.event_type is not None:
            out &= events["event_type"].isin(self.event_type).to_numpy()
        if self.agency is not None:
            out &= events["agency"].isin(self.agency).to_numpy()
        if self.service is not None:
            out &= (
                events["service"]
                .astype("str")
                .str.contains(self.service, case=False, regex=True)
                .fillna(False)
                .astype(bool)
            )
        if self.text is not None:
            hit = pd.Series(False, index=events.index)
            for col in ("description", "action"):
                if col in events:
                    hit |= (
                        events[col]
                        .astype("str")
                        .str.contains(self.text, case=False, regex=True)
                        .fillna(False)
                        .astype(bool)
                    )
            out &= hit
        if self.child_seen is not None:
            out &= (events["child_seen"] == self.child_seen).fillna(False).astype(bool)
        return out

    def __call__(self, events: pd.DataFrame) -> pd.DataFrame:
        """The matching events."""
        return events[self.mask(events)]


@dataclass(frozen=True)
class Interval:
    """Elapsed time from a start event to the next matching end event in the same case.

    With ``end=None`` the interval is the span of each start event itself (its ``start`` to its
    ``end`` column), e.g. an A&E stay or a placement.

    Parameters
    ----------
    name
        Shown in results.
    start, end
        Which events open and close the interval.
    limit
        e.g. ``"45 working days"``; ``None`` to measure without a limit.
    source
        Where the limit comes from (statute, guidance, local procedure).
    """

    name: str
    start: Match
    end: Match | None = None
    limit: str | Duration | None = None
    source: str | None = None
    description: str | None = None

    @property
    def limit_duration(self) -> Duration | None:
        return None if self.limit is None else parse_duration(self.limit)


@dataclass(frozen=True)
class Expect:
    """A follow-up that should happen: after each ``after`` event, a ``then`` event within ``within``.

    Examples
    --------
    >>> e = Expect("parent told of discharge", after=Match(event_type="discharge"),
    ...            within="24 hours", then=Match(event_type="notification"))
    >>> e.within_duration
    Duration(amount=24.0, unit='hours')
    """

    name: str
    after: Match
    within: str | Duration
    then: Match
    source: str | None = None
    description: str | None = None
    same_agency: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def within_duration(self) -> Duration:
        return parse_duration(self.within)
