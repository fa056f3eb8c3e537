"""Declarative rules: :class:`Match` selects events, :class:`Interval` measures from one event to
another against a limit, :class:`Expect` asks for a follow-up within a time.

They are plain frozen dataclasses, exported at the top level (``chron.Match`` ...). Matching is
vectorised over the whole events frame. ``Match(...) | Match(...)`` gives an :class:`AnyOf` (either
matches). Rule tables can be written in TOML and loaded with :func:`rules_from_toml` and
:func:`expectations_from_toml` (the package's own tables are ``data/timescales.toml`` and
``data/expectations.toml``).

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

import os
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .errors import OptionError

__all__ = [
    "AnyOf",
    "Duration",
    "Expect",
    "Interval",
    "Match",
    "expectations_from_toml",
    "match_from_toml",
    "parse_duration",
    "rules_from_toml",
]

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
        unit = self.unit.replace("_", " ")
        return f"{amt} {unit[:-1] if amt == 1 else unit}"

    def to_timedelta(self) -> pd.Timedelta:
        """The duration as a fixed timedelta (not for months or working days)."""
        if self.unit in ("months", "working_days"):
            raise OptionError(
                f"{self} has no fixed length",
                hint="use Duration.add() to add calendar months or working days to dates",
            )
        hours = {"minutes": 1 / 60, "hours": 1.0, "days": 24.0, "weeks": 168.0}[self.unit]
        return pd.Timedelta(hours=self.amount * hours)

    def add(self, when: pd.Series) -> pd.Series:
        """Add this duration to each datetime in ``when`` (vectorised; input not modified).

        Minutes and hours are elapsed time; days, weeks, months and working days are calendar
        arithmetic on the wall-clock time (a day is a date step, also across a clock change).
        """
        tz = getattr(pd.Series(when).dtype, "tz", None)
        if tz is not None and self.unit not in ("minutes", "hours"):
            from .calendar import localize_wall

            # a wall time landing in the hour repeated (skipped) at a clock change: first (BST)
            # occurrence (moved forward), never NaT
            return localize_wall(self.add(pd.Series(when).dt.tz_localize(None)), tz)
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
    exclude
        Case-insensitive regular expression that must *not* be found in ``description`` or
        ``action`` (e.g. ``"not informed"``), to keep negated records out.

    ``m1 | m2`` matches events that either matches (an :class:`AnyOf`).

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
    >>> Match(text="discharged", exclude="home").mask(ev).tolist()
    [False, False]
    >>> (Match(event_type="discharge") | Match(agency="police")).mask(ev).tolist()
    [True, True]
    """

    event_type: tuple[str, ...] | None
    agency: tuple[str, ...] | None
    service: str | None
    text: str | None
    child_seen: bool | None
    exclude: str | None

    def __init__(
        self,
        event_type: str | Iterable[str] | None = None,
        agency: str | Iterable[str] | None = None,
        service: str | None = None,
        text: str | None = None,
        child_seen: bool | None = None,
        exclude: str | None = None,
    ) -> None:
        object.__setattr__(self, "event_type", _as_tuple(event_type))
        object.__setattr__(self, "agency", _as_tuple(agency))
        object.__setattr__(self, "service", service)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "child_seen", child_seen)
        object.__setattr__(self, "exclude", exclude)
        for pattern in (service, text, exclude):
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

    def __repr__(self) -> str:
        text = (
            f"Match(event_type={self.event_type!r}, agency={self.agency!r}, service={self.service!r}, "
            f"text={self.text!r}, child_seen={self.child_seen!r}"
        )
        if self.exclude is not None:
            text += f", exclude={self.exclude!r}"
        return text + ")"

    def __or__(self, other: Match | AnyOf) -> AnyOf:
        return AnyOf(self) | other

    def _check_codes(self) -> None:
        from .resources import agency_codes, event_type_codes

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
        with warnings.catch_warnings():
            # groups in a user's pattern are fine here: we only test for a match
            warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression")
            return self._mask(events)

    def _mask(self, events: pd.DataFrame) -> pd.Series:
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
        if self.exclude is not None:
            for col in ("description", "action"):
                if col in events:
                    out &= ~(
                        events[col]
                        .astype("str")
                        .str.contains(self.exclude, case=False, regex=True)
                        .fillna(False)
                        .astype(bool)
                    )
        return out

    def __call__(self, events: pd.DataFrame) -> pd.DataFrame:
        """The matching events."""
        return events[self.mask(events)]


@dataclass(frozen=True, init=False)
class AnyOf:
    """Events matching any of several :class:`Match` objects (build it with ``m1 | m2``).

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"event_type": ["discharge", "contact", "arrest"],
    ...                    "agency": ["health_acute", "police", "police"],
    ...                    "service": [None, None, None], "description": ["a", "b", "c"],
    ...                    "action": [None, None, None]})
    >>> AnyOf(Match(event_type="discharge"), Match(event_type="arrest")).mask(ev).tolist()
    [True, False, True]
    """

    matches: tuple[Match, ...]

    def __init__(self, *matches: Match | AnyOf) -> None:
        flat: list[Match] = []
        for m in matches:
            if isinstance(m, AnyOf):
                flat.extend(m.matches)
            elif isinstance(m, Match):
                flat.append(m)
            else:
                raise OptionError(
                    "AnyOf takes Match objects", value=repr(m), hint="write AnyOf(Match(...), Match(...))"
                )
        if not flat:
            raise OptionError("AnyOf needs at least one Match", hint="write AnyOf(Match(...), ...)")
        object.__setattr__(self, "matches", tuple(flat))

    def __or__(self, other: Match | AnyOf) -> AnyOf:
        return AnyOf(*self.matches, other)

    def mask(self, events: pd.DataFrame) -> pd.Series:
        """Boolean Series, aligned on ``events.index``: True where any of the matches holds."""
        out = pd.Series(False, index=events.index)
        for m in self.matches:
            out |= m.mask(events)
        return out

    def __call__(self, events: pd.DataFrame) -> pd.DataFrame:
        """The matching events."""
        return events[self.mask(events)]


Matcher = Match | AnyOf


@dataclass(frozen=True)
class Interval:
    """Elapsed time from a start event to the next matching end event in the same case.

    With ``end=None`` the interval is the span of each start event itself (its ``start`` to its
    ``end`` column), e.g. an A&E stay or a placement. With ``end`` equal to ``start`` the rule is
    recurring ("at most every N"): each matching event is measured to the next one.

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
    description
        A longer explanation, shown in reports.
    skip, take
        Which start events of each case count, in date order: skip the first ``skip``, then take
        at most ``take`` (``None``: all). ``take=1`` measures only the first (e.g. the first
        looked-after review after the child becomes looked after); ``skip=1`` all but the first.
    not_after
        Start events that come after an event matching this, in the same case, do not count: e.g.
        a looked-after review before the first placement in the record shows the child was already
        looked after, so no placement in it is "becoming looked after".

    The same start told by two agencies (matching start events of different agencies within 24
    hours in one case) is measured once, from the earlier record.
    """

    name: str
    start: Match | AnyOf
    end: Match | AnyOf | None = None
    limit: str | Duration | None = None
    source: str | None = None
    description: str | None = None
    skip: int = 0
    take: int | None = None
    not_after: Match | AnyOf | None = None

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
    after: Match | AnyOf
    within: str | Duration
    then: Match | AnyOf
    source: str | None = None
    description: str | None = None
    same_agency: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def within_duration(self) -> Duration:
        return parse_duration(self.within)


# ---------------------------------------------------------------------- TOML rule tables
_MATCH_KEYS = ("event_type", "agency", "service", "text", "child_seen", "exclude")
_INTERVAL_KEYS = ("name", "start", "end", "limit", "source", "description", "skip", "take", "not_after")
_EXPECT_KEYS = ("name", "after", "within", "then", "source", "description", "same_agency", "tags")


def match_from_toml(value: Any, *, where: str = "rule") -> Match | AnyOf:
    """A :class:`Match` from a TOML table, or an :class:`AnyOf` from an array of tables.

    Examples
    --------
    >>> match_from_toml({"event_type": "referral", "agency": "csc"})
    Match(event_type=('referral',), agency=('csc',), service=None, text=None, child_seen=None)
    >>> len(match_from_toml([{"event_type": "arrest"}, {"event_type": "custody"}]).matches)
    2
    """
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(_MATCH_KEYS))
        if unknown:
            raise OptionError(
                f"{where}: unknown key in a match",
                value=", ".join(unknown),
                hint=f"use {', '.join(_MATCH_KEYS)}",
            )
        return Match(**dict(value))
    if isinstance(value, list) and value:
        return AnyOf(*(match_from_toml(v, where=where) for v in value))
    raise OptionError(
        f"{where}: a match must be a table or an array of tables",
        value=repr(value),
        hint='write e.g. start = { event_type = "referral" }',
    )


def _load_table(source: str | os.PathLike[str] | Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    if isinstance(source, Mapping):
        return dict(source), "<table>"
    path = Path(source)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path.name
    except FileNotFoundError as exc:
        raise OptionError("rule file not found", file=path, hint="check the path") from exc
    except tomllib.TOMLDecodeError as exc:
        raise OptionError(f"not valid TOML ({exc})", file=path, hint="fix the TOML syntax") from exc


def _check_keys(entry: Mapping[str, Any], valid: tuple[str, ...], required: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(entry) - set(valid))
    if unknown:
        raise OptionError(f"{where}: unknown key", value=", ".join(unknown), hint=f"use {', '.join(valid)}")
    missing = [k for k in required if k not in entry]
    if missing:
        raise OptionError(f"{where}: missing key", value=", ".join(missing), hint=f"every entry needs {', '.join(required)}")


def rules_from_toml(source: str | os.PathLike[str] | Mapping[str, Any]) -> list[Interval]:
    """Read :class:`Interval` rules from a TOML file (or an already parsed table).

    Each ``[[rules]]`` entry has ``name``, ``start`` (a match table, or an array of them meaning
    "any of"), optional ``end`` (same; omit it to measure the span of the start event, or make it
    equal to ``start`` for a recurring rule), ``limit`` (e.g. ``"45 working days"``), ``source``,
    ``description``, ``skip`` and ``take``.

    Examples
    --------
    >>> rules = rules_from_toml({"rules": [{"name": "assessment", "limit": "45 working days",
    ...     "start": {"event_type": "referral"}, "end": {"event_type": "assessment"},
    ...     "source": "Working Together 2023"}]})
    >>> rules[0].name, str(rules[0].limit_duration)
    ('assessment', '45 working days')
    """
    data, name = _load_table(source)
    out: list[Interval] = []
    for i, entry in enumerate(data.get("rules", []), start=1):
        where = f"{name}, rules entry {i} ({entry.get('name', '?')})"
        _check_keys(entry, _INTERVAL_KEYS, ("name", "start"), where)
        limit = entry.get("limit")
        if limit is not None:
            parse_duration(limit)
        out.append(
            Interval(
                name=str(entry["name"]),
                start=match_from_toml(entry["start"], where=where),
                end=None if entry.get("end") is None else match_from_toml(entry["end"], where=where),
                limit=limit,
                source=entry.get("source"),
                description=entry.get("description"),
                skip=int(entry.get("skip", 0)),
                take=None if entry.get("take") is None else int(entry["take"]),
                not_after=None
                if entry.get("not_after") is None
                else match_from_toml(entry["not_after"], where=where),
            )
        )
    return out


def expectations_from_toml(source: str | os.PathLike[str] | Mapping[str, Any]) -> list[Expect]:
    """Read :class:`Expect` rules from a TOML file (or an already parsed table).

    Each ``[[expectations]]`` entry has ``name``, ``after``, ``within``, ``then`` (match tables, or
    arrays of them meaning "any of"), and optional ``source``, ``description``, ``same_agency``,
    ``tags``.

    Examples
    --------
    >>> ex = expectations_from_toml({"expectations": [{"name": "parent told", "within": "24 hours",
    ...     "after": {"event_type": "discharge"}, "then": {"event_type": "notification"}}]})
    >>> ex[0].within_duration
    Duration(amount=24.0, unit='hours')
    """
    data, name = _load_table(source)
    out: list[Expect] = []
    for i, entry in enumerate(data.get("expectations", []), start=1):
        where = f"{name}, expectations entry {i} ({entry.get('name', '?')})"
        _check_keys(entry, _EXPECT_KEYS, ("name", "after", "within", "then"), where)
        parse_duration(entry["within"])
        out.append(
            Expect(
                name=str(entry["name"]),
                after=match_from_toml(entry["after"], where=where),
                within=entry["within"],
                then=match_from_toml(entry["then"], where=where),
                source=entry.get("source"),
                description=entry.get("description"),
                same_agency=bool(entry.get("same_agency", False)),
                tags=tuple(entry.get("tags", ())),
            )
        )
    return out
