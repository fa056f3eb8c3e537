"""Structural theme rules: evidence that text cannot see, found from event types, dates and flags.

Each rule is a plain function ``rule(events, settings) -> DataFrame[pos, evidence]`` (``pos`` is the
row position in ``events``), registered in :data:`RULES` with the parameters it takes. Which theme and
polarity a rule tags, and its parameters (windows, counts, which events count as a discharge...), are
data: the ``[rules.*]`` tables of the taxonomy TOML. Event selectors are lists of
:class:`chronology.rules.Match` keyword tables, OR-ed together.

All rules are vectorised (``merge_asof(by="case_id")``, sorted arrays, ``groupby``); they never
modify ``events``.

Rules
-----
``discharge_to_custody``
    A discharge followed within ``within`` (24 hours) by custody, arrest or a police interview of the
    same child; both events are tagged (a transition point).
``child_not_seen_at_visit``
    A statutory or home visit with ``child_seen`` recorded as False.
``repeated_police_callouts``
    At least ``min_count`` police callouts for the same child within ``window``; every callout of such
    a cluster is tagged (a reactive response).
``long_stay_unsuitable_setting``
    A stay in a setting (A&E, an emergency or unregulated placement...) longer than its ``max_days``.
    The stay ends at the event's ``end``, else at the next ``until`` event of the same case (before
    the next stay in that setting starts). A stay with neither has no known length and is not
    tagged, unless the setting says ``open = true``: then it is measured to the last event of the
    case (and said to be still open).
``escalation_without_outcome``
    An escalation with no event recording an outcome within ``within`` working days (its own
    ``action`` recording an outcome counts). With ``expectation``, the time allowed and what counts
    as an outcome are those of that follow-up in ``data/expectations.toml`` (the one
    :meth:`Chronology.missing` checks), so the two agree; ``within`` or ``outcome`` given as well
    override it.
``missed_mental_health_appointment``
    A mental health appointment not attended or the child not brought (access, not compliance).
``appropriate_adult_not_family``
    A record of an appropriate adult from a scheme or volunteer service, or said not to be family.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..rules import AnyOf, Match, parse_duration

if TYPE_CHECKING:
    from ..rules import Expect
    from .taxonomy import StructuralRule

__all__ = ["RULES", "RuleSpec", "expectation", "format_when", "run_rule", "run_rules"]

_MATCH_KEYS = ("event_type", "agency", "service", "text", "child_seen", "exclude")
_EMPTY = pd.DataFrame({"pos": pd.Series(dtype="int64"), "evidence": pd.Series(dtype="str")})


# --------------------------------------------------------------------------- formatting
_MONTHS = np.array(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December", ""],
    dtype=object,
)
_MON = np.array([m[:3] for m in _MONTHS], dtype=object)


def format_when(start: pd.Series, precision: pd.Series | None = None, long: bool = False) -> pd.Series:
    """Dates as UK text, as precise as recorded: ``12 Mar 2024 14:10``, ``12 Mar 2024``,
    ``w/c 4 Mar 2024``, ``Mar 2024``, ``2024`` (``long=True``: ``12 March 2024``, no time).
    Missing dates give ``""``.

    Vectorised (built from the date parts, which is much faster than ``strftime``); ``start`` is
    not modified.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2024-03-12 14:10", "2024-03-04 00:00"])).dt.tz_localize("Europe/London")
    >>> format_when(s, pd.Series(["minute", "month"])).tolist()
    ['12 Mar 2024 14:10', 'Mar 2024']
    >>> format_when(s, long=True).tolist()
    ['12 March 2024', '4 March 2024']
    """
    start = pd.Series(start)
    idx = start.index
    ok = start.notna().to_numpy()
    month_idx = start.dt.month.fillna(13).astype("int64").to_numpy() - 1
    names = (_MONTHS if long else _MON)[month_idx]
    day_s = pd.Series(start.dt.day.fillna(0).astype("int64").astype("str").to_numpy(), index=idx, dtype="str")
    year_s = pd.Series(start.dt.year.fillna(0).astype("int64").astype("str").to_numpy(), index=idx, dtype="str")
    mon_s = pd.Series(names, index=idx, dtype="str")
    month_year = mon_s + " " + year_s
    day = day_s + " " + month_year
    if precision is None:
        out = day
    else:
        prec = pd.Series(np.asarray(precision, dtype=object), index=idx).astype("str")
        out = day
        if not long:
            hh = start.dt.hour.fillna(0).astype("int64").to_numpy()
            mm = start.dt.minute.fillna(0).astype("int64").to_numpy()
            hhmm = pd.Series(
                np.char.zfill(hh.astype(str), 2).astype(object) + ":" + np.char.zfill(mm.astype(str), 2).astype(object),
                index=idx,
                dtype="str",
            )
            out = out.where(prec != "minute", day + " " + hhmm)
        out = out.where(prec != "week", ("w/c " if not long else "the week of ") + day)
        out = out.where(prec != "month", month_year)
        out = out.where(prec != "year", year_s)
    return out.where(ok, "").astype("str")


def _when(ev: pd.DataFrame) -> pd.Series:
    prec = ev.get("precision", None)
    return format_when(ev["start"], prec)


def _days_text(days: float) -> str:
    return f"{days:g} day" + ("" if days == 1 else "s")


def _wall(when: pd.Series) -> pd.Series:
    """Local wall-clock time without the zone (for lengths in calendar days across clock changes)."""
    return when.dt.tz_localize(None) if when.dt.tz is not None else when


def _span_text(td: pd.Series, with_hours: pd.Series | None = None) -> pd.Series:
    """``16 days 5 hours`` (hours only where ``with_hours``), ``1 day``, ``7 hours``."""
    hours = (td.dt.total_seconds() / 3600).round().astype("int64")
    days = hours // 24
    rest = hours - days * 24
    show_h = rest > 0 if with_hours is None else (rest > 0) & with_hours.to_numpy(dtype=bool)
    d_txt = days.astype("str") + np.where(days == 1, " day", " days")
    h_txt = rest.astype("str") + np.where(rest == 1, " hour", " hours")
    out = d_txt.where(days > 0, "")
    out = out.where(~show_h, (out + " " + h_txt).str.strip())
    out = out.where(out != "", h_txt)
    return out.astype("str")


def _hours(td: pd.Series) -> pd.Series:
    """``35 minutes``, ``3.5 hours``."""
    secs = td.dt.total_seconds()
    minutes = (secs / 60).round().astype("int64")
    hours = (secs / 3600).round(1)
    as_min = minutes.astype("str") + np.where(minutes == 1, " minute", " minutes")
    as_h = hours.map("{:g}".format).astype("str") + np.where(hours == 1, " hour", " hours")
    return as_h.where(secs >= 3600, as_min).astype("str")


# --------------------------------------------------------------------------- selectors
#: While :func:`run_rules` runs: the events table and what was computed on it (Arrow text columns,
#: event selector masks), so that rules sharing a selector or a column do not redo it.
_CACHE: ContextVar[tuple[pd.DataFrame, dict[Any, Any]] | None] = ContextVar("_structural_cache", default=None)


def _cached(events: pd.DataFrame, key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept for the rest of the :func:`run_rules` call on the same ``events``."""
    current = _CACHE.get()
    if current is None or current[0] is not events:
        return compute()
    store = current[1]
    try:
        if key in store:
            return store[key]
    except TypeError:  # not hashable (a Match holding a list)
        return compute()
    value = store[key] = compute()
    return value


def _column(events: pd.DataFrame, col: str) -> Any:
    """A text column as an Arrow ``large_string`` array."""
    from .text import _arrow

    return _cached(events, ("column", col), lambda: _arrow(events, col))


def _distinct(events: pd.DataFrame, col: str) -> tuple[Any, np.ndarray] | None:
    """(distinct values, index of each row's value or -1 where missing) when a sample shows that
    ``col`` repeats its values, on average at least twice (an ``action`` column of "NFA", "Advice
    given"...), else ``None``: for free text, encoding it would cost more than it saves (the
    dictionary and its hash table are two more copies of the distinct text, to search at best half
    of it fewer times)."""

    def compute() -> tuple[Any, np.ndarray] | None:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = _column(events, col)
        n = len(arr)
        if n < _DISTINCT_FROM:
            return None
        k = min(n, 20000)
        sample = arr.take(pa.array(np.linspace(0, n - 1, k).astype("int64")))
        if pc.count_distinct(sample, mode="all").as_py() > _DISTINCT_SHARE * k:
            return None
        enc = pc.dictionary_encode(arr)
        return enc.dictionary, pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)

    return _cached(events, ("distinct", col), compute)  # type: ignore[no-any-return]


_DISTINCT_FROM = 5000
#: encode a column when its sample's distinct values are at most this share of the sample
_DISTINCT_SHARE = 0.5
#: ``\b`` then a literal of at least 5 letters or spaces (RE2 finds a literal start much faster)
_LITERAL_START = re.compile(r"\\b[A-Za-z][A-Za-z ]{4}")


def _search(arr: Any, pattern: str) -> np.ndarray:
    """Where ``pattern`` (case-insensitive) is found in the Arrow strings ``arr`` (False where
    missing). RE2 jumps to a literal the pattern starts with, but not past a leading ``\\b``: on
    many rows, the rows holding the pattern without it (a superset) are found first."""
    import pyarrow as pa
    import pyarrow.compute as pc

    regex = "(?i)" + pattern
    if len(arr) >= _DISTINCT_FROM and _LITERAL_START.match(pattern):
        out = pc.fill_null(pc.match_substring_regex(arr, "(?i)" + pattern[2:]), False).to_numpy(zero_copy_only=False)
        idx = np.flatnonzero(out)
        if len(idx):
            hit = pc.fill_null(pc.match_substring_regex(arr.take(pa.array(idx)), regex), False)
            out[idx] = hit.to_numpy(zero_copy_only=False)
        return out
    return pc.fill_null(pc.match_substring_regex(arr, regex), False).to_numpy(zero_copy_only=False)


def _regex_mask(events: pd.DataFrame, columns: tuple[str, ...], pattern: str, rows: np.ndarray | None = None) -> np.ndarray:
    """True where ``pattern`` (case-insensitive) is found in any of ``columns``, using pyarrow's RE2
    kernel directly (see :mod:`chronology.themes.text` for why); only ``rows`` are searched when
    given, and each distinct value once when a column repeats its values. Falls back to pandas for
    a pattern RE2 cannot compile."""
    import pyarrow as pa

    n = len(events)
    out = np.zeros(n, dtype=bool)
    idx = np.arange(n) if rows is None else rows
    if not len(idx):
        return out
    every = len(idx) == n  # all rows: no copy of the column
    for col in columns:
        if col not in events:
            continue
        try:
            distinct = _distinct(events, col)
            if distinct is not None:
                values, codes = distinct
                in_value = _search(values, pattern)
                c = codes if every else codes[idx]
                hit = np.where(c >= 0, in_value[np.maximum(c, 0)], False) if len(values) else np.zeros(len(c), bool)
            else:
                arr = _column(events, col)
                hit = _search(arr if every else arr.take(pa.array(idx)), pattern)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            ser = events[col].iloc[idx].astype("str")
            hit = ser.str.contains(pattern, case=False, regex=True).fillna(False).to_numpy(dtype=bool)
        if every:
            out |= hit
        else:
            out[idx] |= hit
    return out


def _mask(m: Match, events: pd.DataFrame, within: np.ndarray | None = None) -> np.ndarray:
    """``m.mask(events)`` as a numpy array (and ``within``, a row mask, when given), with the
    ``text``, ``service`` and ``exclude`` regexes run on pyarrow (the same semantics:
    case-insensitive search in description and action, or in service; ``exclude`` found in
    description or action rules the event out) and only on the rows the other criteria leave."""
    if within is None:
        return _cached(events, ("mask", m), lambda: _mask_of(m, events, None))
    return _mask_of(m, events, within)


def _mask_of(m: Match, events: pd.DataFrame, within: np.ndarray | None) -> np.ndarray:
    regex = m.text is not None or m.service is not None or m.exclude is not None
    base = Match(event_type=m.event_type, agency=m.agency, child_seen=m.child_seen) if regex else m
    out = base.mask(events).to_numpy(dtype=bool, copy=True)
    if within is not None:
        out &= within
    if m.service is not None:
        out &= _regex_mask(events, ("service",), m.service, np.flatnonzero(out))
    if m.text is not None:
        out &= _regex_mask(events, ("description", "action"), m.text, np.flatnonzero(out))
    if m.exclude is not None:
        out &= ~_regex_mask(events, ("description", "action"), m.exclude, np.flatnonzero(out))
    out.flags.writeable = False  # may be shared through the cache
    return out


def _any(matches: tuple[Match, ...], events: pd.DataFrame, within: np.ndarray | None = None) -> np.ndarray:
    """Events matching any of ``matches`` (and ``within``, a row mask, when given: the regexes
    then run only on those rows)."""
    out = np.zeros(len(events), dtype=bool)
    for m in matches:
        out |= _mask(m, events, within)
    return out


def _frame(events: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Selected rows with their position, case and start, sorted by start (for merge_asof)."""
    pos = np.flatnonzero(mask)
    out = pd.DataFrame(
        {
            "pos": pos,
            "case_id": events["case_id"].iloc[pos].reset_index(drop=True),
            "start": events["start"].iloc[pos].reset_index(drop=True),
        }
    )
    out = out[out["start"].notna()]
    return out.sort_values("start", kind="stable").reset_index(drop=True)


def _result(pos: Any, evidence: Any) -> pd.DataFrame:
    out = pd.DataFrame(
        {"pos": np.asarray(pos, dtype="int64"), "evidence": pd.array(np.asarray(evidence, dtype=object), dtype="str")}
    )
    return out.drop_duplicates("pos").reset_index(drop=True)


def _label(events: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
    """The event type of each selected event, in words ("home visit")."""
    if "event_type" not in events:
        return np.full(len(pos), "event", dtype=object)
    et = events["event_type"].iloc[pos].astype("str").fillna("event").str.replace("_", " ", regex=False)
    return et.to_numpy(dtype=object)


# --------------------------------------------------------------------------- the rules
def discharge_to_custody(events: pd.DataFrame, rule: StructuralRule) -> pd.DataFrame:
    """Discharge followed by custody / arrest / interview within ``within``; tags both events."""
    p = rule.params
    within = parse_duration(p["within"]).to_timedelta()
    d = _frame(events, _any(p["discharge"], events))
    c = _frame(events, _any(p["custody"], events))
    if d.empty or c.empty:
        return _EMPTY.copy()
    c = c.rename(columns={"pos": "c_pos"}).assign(c_start=c["start"])
    m = pd.merge_asof(
        d, c, on="start", by="case_id", direction="forward", tolerance=within,
        allow_exact_matches=True,
    ).dropna(subset=["c_pos"])
    if m.empty:
        return _EMPTY.copy()
    d_pos = m["pos"].to_numpy(dtype="int64")
    c_pos = m["c_pos"].to_numpy(dtype="int64")
    d_ev = events.iloc[d_pos]
    c_ev = events.iloc[c_pos]
    what = pd.Series(_label(events, c_pos))
    gap = pd.Series(c_ev["start"].to_numpy() - d_ev["start"].to_numpy())
    same = d_pos == c_pos
    evidence = (
        "discharged "
        + _when(d_ev).to_numpy()
        + ", then "
        + what.to_numpy()
        + " "
        + _when(c_ev).to_numpy()
        + " ("
        + _hours(gap).to_numpy()
        + " later)"
    )
    evidence = np.where(
        same, "discharged straight into " + what.to_numpy() + " " + _when(d_ev).to_numpy(), evidence
    )
    return _result(np.concatenate([d_pos, c_pos]), np.concatenate([evidence, evidence]))


def child_not_seen_at_visit(events: pd.DataFrame, rule: StructuralRule) -> pd.DataFrame:
    """A statutory / home visit with ``child_seen`` False."""
    if "child_seen" not in events:
        return _EMPTY.copy()
    seen = events["child_seen"].astype("boolean")
    not_seen = (seen == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    mask = _any(rule.params["visit"], events, within=not_seen)
    pos = np.flatnonzero(mask)
    if not len(pos):
        return _EMPTY.copy()
    ev = events.iloc[pos]
    service = ev["service"].astype("str").fillna("") if "service" in ev else pd.Series("", index=ev.index)
    svc = np.where(service.to_numpy(dtype=object) != "", " (" + service.to_numpy(dtype=object) + ")", "")
    evidence = _label(events, pos) + svc + " on " + _when(ev).to_numpy() + ": child recorded as not seen"
    return _result(pos, evidence)


def repeated_police_callouts(events: pd.DataFrame, rule: StructuralRule) -> pd.DataFrame:
    """``min_count`` or more callouts for one child within ``window``; tags every callout of a cluster.

    Callouts of the same child less than ``same_within`` apart count once (the same callout recorded
    by two agencies, or a callout and its follow-up); they are tagged with the callout they repeat.
    """
    p = rule.params
    window = parse_duration(p["window"]).to_timedelta()
    same = parse_duration(p["same_within"]).to_timedelta()
    k = int(p["min_count"])
    sel = _any(p["callout"], events)
    if p.get("exclude"):
        sel &= ~_regex_mask(events, ("description", "action"), p["exclude"], np.flatnonzero(sel))
    c = _frame(events, sel)
    if len(c) < k:
        return _EMPTY.copy()
    c = c.sort_values(["case_id", "start"], kind="stable").reset_index(drop=True)
    code = pd.factorize(c["case_id"])[0].astype("int64")
    sec = (c["start"] - c["start"].min()).dt.total_seconds().to_numpy().astype("int64")
    idx = np.arange(len(c))
    same_case = np.r_[False, code[1:] == code[:-1]]
    # distinct callouts: not within `same_within` of the previous distinct one (approximately: of
    # the previous callout) of the same child
    distinct = ~(same_case & (np.r_[0, np.diff(sec)] < int(same.total_seconds())))
    primary = np.maximum.accumulate(np.where(distinct, idx, 0))
    d = np.flatnonzero(distinct)
    w = int(window.total_seconds())
    span = int(sec.max()) + w + 1
    key = code[d] * span + sec[d]
    left = np.searchsorted(key, key - w, side="left")
    didx = np.arange(len(d))
    hot = didx - left + 1 >= k  # distinct callouts in [t - window, t] for the same child
    # every member of a window that reaches k: +1 at its first member, -1 after its last
    diff = np.zeros(len(d) + 1, dtype="int64")
    np.add.at(diff, left[hot], 1)
    np.add.at(diff, didx[hot] + 1, -1)
    member_d = np.cumsum(diff[:-1]) > 0
    if not member_d.any():
        return _EMPTY.copy()
    # runs of consecutive members of one child no more than a window apart
    dcase = code[d]
    dsec = sec[d]
    cont = np.r_[False, member_d[:-1] & (dcase[1:] == dcase[:-1]) & (np.diff(dsec) <= w)]
    run = np.cumsum(member_d & ~cont)
    runs = pd.DataFrame(
        {"run": run, "member": member_d, "start": c["start"].iloc[d].reset_index(drop=True)}
    )
    runs = runs[runs["member"]]
    g = runs.groupby("run")["start"]
    runs["n"] = g.transform("size")
    runs["i"] = g.cumcount() + 1
    runs["first"] = g.transform("min")
    runs["last"] = g.transform("max")
    # back to every callout, repeats included
    pos_of_d = pd.Series(np.arange(len(d)), index=d)
    row_d = pos_of_d.reindex(primary).to_numpy()
    keep = np.isin(row_d, runs.index.to_numpy())
    info = runs.loc[row_d[keep]].reset_index(drop=True)
    evidence = (
        "police callout "
        + info["i"].astype("int64").astype("str")
        + " of "
        + info["n"].astype("int64").astype("str")
        + " between "
        + format_when(info["first"])
        + " and "
        + format_when(info["last"])
        + f" (at least {k} within {p['window']})"
    )
    return _result(c["pos"].to_numpy()[keep], evidence.to_numpy(dtype=object))


def long_stay_unsuitable_setting(events: pd.DataFrame, rule: StructuralRule) -> pd.DataFrame:
    """Stays in a setting longer than its ``max_days``; the end from ``end``, the next ``until`` event
    or (still open) the last event of the case."""
    parts = []
    last = events.groupby("case_id", observed=True)["start"].max()
    for setting in rule.params["settings"]:
        s = _frame(events, _any(setting["match"], events))
        if s.empty:
            continue
        if "end" in events:
            s["end"] = events["end"].iloc[s["pos"].to_numpy()].reset_index(drop=True)
        else:
            s["end"] = pd.Series(pd.NaT, index=s.index, dtype=events["start"].dtype)
        # an event inside a recorded stay of the same case (e.g. triage during an A&E attendance)
        # is part of that stay, not a stay of its own
        s = s.sort_values(["case_id", "start"], kind="stable").reset_index(drop=True)
        before = s.assign(_prev=s.groupby("case_id")["end"].shift()).groupby("case_id")["_prev"].cummax()
        s = s[~(before.notna() & (s["start"] <= before))].sort_values("start", kind="stable").reset_index(drop=True)
        s["how"] = np.where(s["end"].notna(), "", "open")
        if setting.get("until"):
            u = _frame(events, _any(setting["until"], events))
            u = u.rename(columns={"pos": "u_pos"}).assign(u_start=u["start"])
            m = pd.merge_asof(
                s, u, on="start", by="case_id", direction="forward", allow_exact_matches=False
            )
            # a stay ends at an `until` event before the next stay in this setting starts: an
            # attendance followed by another attendance, and only later a discharge, has no end
            nxt = s.groupby("case_id")["start"].shift(-1)
            fill = s["end"].isna() & m["u_start"].notna() & (nxt.isna() | (m["u_start"] <= nxt))
            s["end"] = s["end"].where(~fill, m["u_start"])
            s["how"] = np.where(fill, "", s["how"])
        still = s["end"].isna()
        if not setting.get("open", False):
            # a stay needs an end: without a recorded end or an `until` event, how long it lasted
            # is not known (measuring it to the case's last event would invent a stay)
            s = s[~still].reset_index(drop=True)
            still = s["end"].isna()
        s["end"] = s["end"].where(~still, s["case_id"].map(last))
        # wall-clock length, so that a stay across a clock change is whole days
        s["length"] = _wall(s["end"]) - _wall(s["start"])
        over = s[s["length"].dt.total_seconds() / 86400 > float(setting["max_days"])].copy()
        if over.empty:
            continue
        ev = events.iloc[over["pos"].to_numpy()]
        prec = ev["precision"].reset_index(drop=True) if "precision" in ev else None
        length = _span_text(
            over["length"].reset_index(drop=True),
            prec == "minute" if prec is not None else None,
        )
        text = (
            length.to_numpy(dtype=object)
            + " in "
            + setting["name"]
            + ", "
            + format_when(over["start"].reset_index(drop=True), prec).to_numpy(dtype=object)
            + np.where(over["how"].to_numpy() == "open", " to at least ", " to ")
            + format_when(over["end"].reset_index(drop=True), prec).to_numpy(dtype=object)
            + f" (limit {_days_text(setting['max_days'])})"
        )
        parts.append(_result(over["pos"].to_numpy(), text))
    if not parts:
        return _EMPTY.copy()
    return pd.concat(parts, ignore_index=True).drop_duplicates("pos").reset_index(drop=True)


@cache
def _expectations() -> dict[str, Expect]:
    from ..resources import load_toml
    from ..rules import expectations_from_toml

    return {e.name: e for e in expectations_from_toml(load_toml("expectations.toml"))}


def expectation(name: str) -> Expect:
    """The follow-up of that name in ``data/expectations.toml`` (:meth:`Chronology.missing`'s defaults).

    Raises
    ------
    KeyError
        No follow-up has that name.

    Examples
    --------
    >>> e = expectation("Escalation outcome recorded within 10 working days")
    >>> str(e.within_duration)
    '10 working days'
    """
    return _expectations()[name]


def _alternatives(m: Match | AnyOf) -> tuple[Match, ...]:
    return m.matches if isinstance(m, AnyOf) else (m,)


def escalation_without_outcome(events: pd.DataFrame, rule: StructuralRule) -> pd.DataFrame:
    """Escalations with no outcome recorded within ``within`` working days (by default the time and
    the outcome events of the ``expectation`` in ``data/expectations.toml``)."""

    p = rule.params
    exp = expectation(p["expectation"]) if p.get("expectation") else None
    within = p.get("within") or (exp.within if exp is not None else None)
    outcome = p.get("outcome") or (_alternatives(exp.then) if exp is not None else None)
    if within is None or outcome is None:  # pragma: no cover - the taxonomy loader checks this
        raise ValueError("escalation_without_outcome needs `expectation`, or `within` and `outcome`")
    esc_mask = _any(p["escalation"], events)
    if p.get("exclude"):
        esc_mask &= ~_regex_mask(events, ("description", "action"), p["exclude"], np.flatnonzero(esc_mask))
    outcome_mask = _any(outcome, events)
    # an escalation whose own record gives the outcome is answered
    own = esc_mask & outcome_mask
    esc = _frame(events, esc_mask & ~own)
    if esc.empty:
        return _EMPTY.copy()
    dur = parse_duration(within)
    esc["deadline"] = dur.add(esc["start"])
    out_ev = _frame(events, outcome_mask)
    out_ev = out_ev.rename(columns={"pos": "o_pos"}).assign(o_start=out_ev["start"])
    m = pd.merge_asof(esc, out_ev, on="start", by="case_id", direction="forward", allow_exact_matches=True)
    late = m["o_start"].isna() | (m["o_start"] > m["deadline"])
    m = m[late]
    if m.empty:
        return _EMPTY.copy()
    m = m.reset_index(drop=True)
    ev = events.iloc[m["pos"].to_numpy()]
    prec = ev["precision"].reset_index(drop=True) if "precision" in ev else None
    found = ("; next outcome recorded " + format_when(m["o_start"])).where(
        m["o_start"].notna(), "; none recorded afterwards"
    )
    text = (
        "escalation "
        + format_when(ev["start"].reset_index(drop=True), prec)
        + f": no outcome recorded within {dur} (by "
        + format_when(m["deadline"])
        + ")"
        + found
    )
    return _result(m["pos"].to_numpy(), text.to_numpy(dtype=object))


def appropriate_adult_not_family(events: pd.DataFrame, rule: StructuralRule) -> pd.DataFrame:
    """An appropriate adult from a scheme / volunteer service, or said not to be family."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .text import event_text

    p = rule.params
    mask = _any(p["appropriate_adult"], events)
    mask &= _regex_mask(events, ("description", "action"), p["not_family"], np.flatnonzero(mask))
    pos = np.flatnonzero(mask)
    if not len(pos):
        return _EMPTY.copy()
    text = event_text(events.iloc[pos], ("description", "action"))
    sentence = pc.extract_regex(
        text, r"(?i)(?P<s>[^.;\n]{0,120}\bappropriate[ \t]+adult[^.;\n]{0,120})"
    )
    sent = pc.struct_field(sentence, [0])
    sent = pc.utf8_trim_whitespace(pc.if_else(pc.is_null(sent), pa.scalar("appropriate adult"), sent))
    date = _when(events.iloc[pos]).to_numpy(dtype=object)
    evidence = "appropriate adult not family, " + date + ": " + np.asarray(sent.to_pylist(), dtype=object)
    return _result(pos, evidence)


def flagged_events(events: pd.DataFrame, rule: StructuralRule) -> pd.DataFrame:
    """Events that evidence a theme by what they are (agency, type and words together), e.g. a
    mental health appointment not attended; ``what`` names them in the evidence."""
    p = rule.params
    pos = np.flatnonzero(_any(p["appointment"], events))
    if not len(pos):
        return _EMPTY.copy()
    ev = events.iloc[pos]
    agency = ev["agency"].astype("str").fillna("").to_numpy(dtype=object)
    text = p["what"] + " (" + agency + "), " + _when(ev).to_numpy(dtype=object)
    return _result(pos, text)


# --------------------------------------------------------------------------- registry
def _matches(value: Any, *, file: Any, where: str) -> tuple[Match, ...]:
    from ..errors import OptionError
    from .taxonomy import TaxonomyError

    items = [value] if isinstance(value, Mapping) else value
    if not isinstance(items, list) or not items:
        raise TaxonomyError(
            "an event selector is a table or a list of tables of Match keywords",
            file=file, key=where, hint=f"use keys: {', '.join(_MATCH_KEYS)}",
        )
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or set(item) - set(_MATCH_KEYS):
            raise TaxonomyError(
                "not a Match table", file=file, key=f"{where}[{i}]", value=item,
                hint=f"use keys: {', '.join(_MATCH_KEYS)}",
            )
        try:
            out.append(Match(**item))
        except OptionError as exc:
            raise TaxonomyError(exc.message, file=file, key=f"{where}[{i}]", value=exc.value, hint=exc.hint) from exc
    return tuple(out)


def _check_duration(value: Any, *, file: Any, where: str, fixed: bool) -> str:
    from ..errors import OptionError
    from .taxonomy import TaxonomyError

    try:
        d = parse_duration(str(value))
        if fixed:
            d.to_timedelta()
    except OptionError as exc:
        raise TaxonomyError(
            "not a duration" + (" of fixed length" if fixed else ""), file=file, key=where,
            value=value, hint="write e.g. '24 hours' or '14 days'" + ("" if fixed else " or '5 working days'"),
        ) from exc
    return str(value)


@dataclass(frozen=True)
class RuleSpec:
    """A structural rule function and the kinds of its parameters."""

    func: Callable[[pd.DataFrame, Any], pd.DataFrame]
    params: dict[str, str]
    optional: tuple[str, ...] = ()
    #: groups of optional parameters of which at least one must be given
    requires: tuple[tuple[str, ...], ...] = ()

    def check(self, key: str, value: Any, *, file: Any, where: str) -> Any:
        """Validate one parameter value from a taxonomy file; returns the value to store."""
        kind = self.params[key]
        if kind == "matches":
            return _matches(value, file=file, where=where)
        if kind == "fixed_duration":
            return _check_duration(value, file=file, where=where, fixed=True)
        if kind == "duration":
            return _check_duration(value, file=file, where=where, fixed=False)
        if kind == "count":
            return _check_count(value, file=file, where=where)
        if kind == "text":
            return _check_text(value, file=file, where=where)
        if kind == "expectation":
            return _check_expectation(value, file=file, where=where)
        if kind == "regex":
            return _check_regex(value, file=file, where=where)
        if kind == "settings":
            return _check_settings(value, file=file, where=where)
        raise AssertionError(kind)  # pragma: no cover


def _check_count(value: Any, *, file: Any, where: str) -> int:
    """A ``count`` parameter: a whole number of at least 1."""
    from .taxonomy import TaxonomyError

    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise TaxonomyError("must be a whole number of at least 1", file=file, key=where, value=value)
    return value


def _check_text(value: Any, *, file: Any, where: str) -> str:
    """A ``text`` parameter: non-empty text."""
    from .taxonomy import TaxonomyError

    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError("must be non-empty text", file=file, key=where, value=value)
    return value


def _check_expectation(value: Any, *, file: Any, where: str) -> str:
    """An ``expectation`` parameter: the name of a follow-up in ``expectations.toml``."""
    from .taxonomy import TaxonomyError

    names = list(_expectations())
    if value not in names:
        raise TaxonomyError(
            "not the name of a follow-up in expectations.toml", file=file, key=where, value=value,
            hint=f"use one of: {'; '.join(names)}",
        )
    return str(value)


def _check_regex(value: Any, *, file: Any, where: str) -> str:
    """A ``regex`` parameter: a regular expression that compiles."""
    import re

    from .taxonomy import TaxonomyError

    if not isinstance(value, str):
        raise TaxonomyError("must be a regular expression string", file=file, key=where, value=value)
    try:
        re.compile(value)
    except re.error as exc:
        raise TaxonomyError(f"not a valid regular expression ({exc})", file=file, key=where, value=value) from exc
    return value


def _check_settings(value: Any, *, file: Any, where: str) -> tuple[dict[str, Any], ...]:
    """A ``settings`` parameter: a non-empty list of settings tables."""
    from .taxonomy import TaxonomyError

    if not isinstance(value, list) or not value:
        raise TaxonomyError("must be a list of settings tables", file=file, key=where)
    return tuple(_check_setting(s, file=file, where=f"{where}[{i}]") for i, s in enumerate(value))


def _check_setting(s: Any, *, file: Any, where: str) -> dict[str, Any]:
    """One settings table: ``name``, ``match``, ``max_days`` and optional ``until``, ``open``, ``source``."""
    from .taxonomy import TaxonomyError

    if not isinstance(s, Mapping) or set(s) - {"name", "match", "until", "max_days", "source", "open"}:
        raise TaxonomyError(
            "a setting is a table with name, match, max_days and optional until, open",
            file=file, key=where, value=s,
        )
    if not isinstance(s.get("name"), str):
        raise TaxonomyError("a setting needs a name", file=file, key=f"{where}.name")
    md = s.get("max_days")
    if not isinstance(md, int | float) or isinstance(md, bool) or md < 0:
        raise TaxonomyError("max_days must be a number of days", file=file, key=f"{where}.max_days", value=md)
    return {
        "name": s["name"],
        "match": _matches(s.get("match"), file=file, where=f"{where}.match"),
        "until": _matches(s["until"], file=file, where=f"{where}.until") if "until" in s else (),
        "max_days": float(md),
        "open": bool(s.get("open", False)),
        "source": str(s.get("source", "")),
    }


#: Structural rules by name.
RULES: dict[str, RuleSpec] = {
    "discharge_to_custody": RuleSpec(
        discharge_to_custody,
        {"discharge": "matches", "custody": "matches", "within": "fixed_duration"},
    ),
    "child_not_seen_at_visit": RuleSpec(child_not_seen_at_visit, {"visit": "matches"}),
    "repeated_police_callouts": RuleSpec(
        repeated_police_callouts,
        {"callout": "matches", "exclude": "regex", "min_count": "count", "window": "fixed_duration",
         "same_within": "fixed_duration"},
        optional=("exclude",),
    ),
    "long_stay_unsuitable_setting": RuleSpec(long_stay_unsuitable_setting, {"settings": "settings"}),
    "escalation_without_outcome": RuleSpec(
        escalation_without_outcome,
        {"escalation": "matches", "exclude": "regex", "expectation": "expectation", "outcome": "matches",
         "within": "duration"},
        optional=("exclude", "expectation", "outcome", "within"),
        requires=(("expectation", "within"), ("expectation", "outcome")),
    ),
    "missed_mental_health_appointment": RuleSpec(
        flagged_events, {"appointment": "matches", "what": "text"}
    ),
    "appropriate_adult_not_family": RuleSpec(
        appropriate_adult_not_family, {"appropriate_adult": "matches", "not_family": "regex"}
    ),
}


def run_rules(events: pd.DataFrame, rules: Sequence[StructuralRule]) -> list[pd.DataFrame]:
    """:func:`run_rule` for each rule, in order; an event selector or text column that several rules
    use is computed once. ``events`` is not modified.

    Examples
    --------
    >>> from chronology.themes.taxonomy import load_taxonomy
    >>> from chronology.schema import empty_events
    >>> [f.shape for f in run_rules(empty_events(), list(load_taxonomy().rules.values())[:2])]
    [(0, 2), (0, 2)]
    """
    token = _CACHE.set((events, {}))
    try:
        return [run_rule(events, rule) for rule in rules]
    finally:
        _CACHE.reset(token)


def run_rule(events: pd.DataFrame, rule: StructuralRule) -> pd.DataFrame:
    """Run one structural rule: a frame of ``pos`` (row position in ``events``) and ``evidence``.

    Examples
    --------
    >>> from chronology.themes.taxonomy import load_taxonomy
    >>> from chronology.schema import empty_events
    >>> run_rule(empty_events(), load_taxonomy().rules["discharge_to_custody"]).shape
    (0, 2)
    """
    if events.empty:
        return _EMPTY.copy()
    return RULES[rule.name].func(events, rule)
