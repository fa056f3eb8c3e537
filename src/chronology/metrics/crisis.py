"""Crisis periods found from the events (hospital stays, police custody, missing episodes,
placement breakdowns) and the child's voice inside them against outside them.

The kinds of crisis are data: ``chronology/data/crisis.toml`` (each a start and an end match, how
far apart they may be, and why they mark a crisis). A period is

* one event with a recorded ``end`` (an attendance from arrival to departure, a custody record);
* a start event followed by an end event of its kind (an admission, then the discharge), when the
  end comes before ``max_days`` and before another start of that kind (later than
  ``chain_within_hours``); starts close together are one episode told twice;
* one record that states both (``"reported missing ... found at 22:30"``): the period is that
  record, as its end time is only in the text;
* *open*: a start with no end found. Open periods are listed, never closed by a guess, and left
  out of the comparison.

Periods of one kind within ``join_within_hours`` of each other are one episode. An event is inside
when its ``start`` falls between a period's start and end (both included); an event whose date is
too coarse to say (a day, week or month that straddles a period's start or end) is counted by its
start and makes the result approximate, as does a period whose start or end event is approximate.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import OptionError
from ._common import DT, empty_frame, mask_of, prepare
from .voice import _flags

__all__ = ["CrisisRule", "crisis_periods", "crisis_rules", "voice_in_crisis"]

PERIOD_COLUMNS: dict[str, Any] = {
    "case_id": "str",
    "kind": "str",
    "label": "str",
    "start": DT,
    "end": DT,
    "hours": "float64",
    "days": "Int64",
    "open": "bool",
    "closed_by": "str",
    "records": "int64",
    "events": "int64",
    "heard": "int64",
    "seen": "int64",
    "approximate": "bool",
    "start_event_id": "str",
    "end_event_id": "str",
}

VOICE_CRISIS_COLUMNS: dict[str, Any] = {
    "case_id": "str",
    "periods": "int64",
    "open_periods": "int64",
    "events_inside": "int64",
    "heard_inside": "int64",
    "seen_inside": "int64",
    "share_heard_inside": "float64",
    "share_seen_inside": "float64",
    "events_outside": "int64",
    "heard_outside": "int64",
    "seen_outside": "int64",
    "share_heard_outside": "float64",
    "share_seen_outside": "float64",
    "difference": "float64",
    "p_value": "float64",
    "voice_secondary": "bool",
    "uncertain_events": "int64",
    "approximate": "bool",
    "finding": "str",
}

_RULE_KEYS = ("kind", "label", "source", "start", "end", "max_days", "chain_within_hours")
_SETTING_KEYS = ("join_within_hours", "min_events", "max_ratio", "min_difference")


@dataclass(frozen=True)
class CrisisRule:
    """One kind of crisis period: a start and an end match (see :class:`chronology.Match`)."""

    kind: str
    label: str
    start: Any
    end: Any
    max_days: float = 90.0
    chain_within_hours: float = 24.0
    source: str = ""


@dataclass(frozen=True)
class _Rules:
    periods: tuple[CrisisRule, ...]
    settings: Mapping[str, float]


def crisis_rules(rules: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> _Rules:
    """The crisis kinds and settings: the built-in ``crisis.toml``, or a file (or parsed table) of the
    same shape. A file with ``replace = true`` replaces the built-in kinds; otherwise its kinds are
    added (a kind with the same id replaces the built-in one) and its settings override.

    Examples
    --------
    >>> [r.kind for r in crisis_rules().periods]
    ['hospital', 'custody', 'missing', 'placement_breakdown']
    >>> crisis_rules({"periods": [{"kind": "x", "label": "x", "start": {"event_type": "arrest"},
    ...                            "end": {"text": "released"}}]}).periods[-1].kind
    'x'
    """
    from ..resources import load_toml

    base = load_toml("crisis.toml")
    extra, where = _user_rules(rules)
    tables: dict[str, Mapping[str, Any]] = {}
    settings: dict[str, float] = dict(base["settings"])
    _add_rules(base, "crisis.toml", tables, settings)
    if extra is not None:
        if extra.get("replace"):
            tables = {}
        _add_rules(extra, where, tables, settings)
    return _Rules(tuple(_crisis_rule(kind, entry) for kind, entry in tables.items()), settings)


def _user_rules(
    rules: str | os.PathLike[str] | Mapping[str, Any] | None,
) -> tuple[Mapping[str, Any] | None, str]:
    """The user's crisis rules as a parsed table (None for none) and the name to cite in errors."""
    if rules is None:
        return None, "crisis.toml"
    if isinstance(rules, Mapping):
        return rules, "crisis rules"
    import tomllib

    path = Path(rules)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path.name
    except FileNotFoundError as exc:
        raise OptionError("no such crisis rules file", file=path, hint="check the path") from exc
    except tomllib.TOMLDecodeError as exc:
        raise OptionError(f"not valid TOML ({exc})", file=path.name, hint="correct the file") from exc


def _add_rules(
    data: Mapping[str, Any], source: str, tables: dict[str, Mapping[str, Any]], settings: dict[str, float]
) -> None:
    """Check one table of crisis rules and add its settings and periods (by kind) to ``settings``
    and ``tables``, in place."""
    unknown = sorted(set(data) - {"settings", "periods", "replace"})
    if unknown:
        raise OptionError("unknown key in crisis rules", file=source, value=", ".join(unknown),
                          hint="use [settings], [[periods]] and replace = true|false")
    for key, value in dict(data.get("settings", {})).items():
        if key not in _SETTING_KEYS:
            raise OptionError("unknown crisis setting", file=source, value=key,
                              hint="use " + ", ".join(_SETTING_KEYS))
        settings[key] = float(value)
    for entry in data.get("periods", []):
        bad = sorted(set(entry) - set(_RULE_KEYS))
        missing = [k for k in ("kind", "start", "end") if k not in entry]
        if bad or missing:
            raise OptionError(
                "a crisis period needs kind, start and end" if missing else "unknown key in a crisis period",
                file=source, value=", ".join(bad or missing), hint="use " + ", ".join(_RULE_KEYS),
            )
        tables[str(entry["kind"])] = entry


def _crisis_rule(kind: str, entry: Mapping[str, Any]) -> CrisisRule:
    """One crisis kind from its checked table."""
    from ..rules import match_from_toml

    return CrisisRule(
        kind=kind,
        label=str(entry.get("label", kind.replace("_", " "))),
        start=match_from_toml(entry["start"], where=f"crisis period {kind!r} start"),
        end=match_from_toml(entry["end"], where=f"crisis period {kind!r} end"),
        max_days=float(entry.get("max_days", 90)),
        chain_within_hours=float(entry.get("chain_within_hours", 24)),
        source=str(entry.get("source", "")),
    )


def _asof_forward(left: pd.DataFrame, right: pd.DataFrame, on: str, *, exact: bool) -> pd.DataFrame:
    """For each row of ``left`` (columns ``case_key``, ``t``), the first row of ``right`` (``case_key``,
    ``t`` and more) of the same case at or after (``exact``) / strictly after ``t``."""
    if left.empty:
        return left.assign(**{c: pd.Series(dtype=right[c].dtype) for c in right.columns if c not in left})
    lf = left.sort_values("t", kind="stable")
    if right.empty:
        out = lf.copy()
        for c in right.columns:
            if c not in ("case_key", "t"):
                dtype = "Int64" if pd.api.types.is_integer_dtype(right[c].dtype) else right[c].dtype
                out[c] = pd.Series(index=out.index, dtype=dtype)
        return out.sort_index()
    rt = right.rename(columns={"t": on}).sort_values(on, kind="stable")
    out = pd.merge_asof(lf, rt, left_on="t", right_on=on, by="case_key", direction="forward",
                        allow_exact_matches=exact)
    out.index = lf.index
    return out.sort_index()


def _periods_of_kind(ev: pd.DataFrame, events: pd.DataFrame, rule: CrisisRule,
                     cache: dict[Any, Any]) -> pd.DataFrame:
    """The raw periods of one kind (before joining), one row per start event."""
    is_start = mask_of(rule.start, events, ev, cache)
    is_end = mask_of(rule.end, events, ev, cache)
    start = ev["start"]
    rec_end = ev["end"]
    spans = is_start & rec_end.notna().to_numpy() & (rec_end >= start).fillna(False).to_numpy()
    single = is_start & is_end & ~spans
    rest = is_start & ~spans & ~single
    base = pd.DataFrame({"case_key": ev["case_key"], "t": start, "pos": ev["pos"]})
    rows = []
    if spans.any():
        rows.append(base[spans].assign(end=rec_end[spans], end_pos=ev["pos"][spans], closed_by="recorded end",
                                       open=False))
    if single.any():
        rows.append(base[single].assign(end=start[single], end_pos=ev["pos"][single], closed_by="same record",
                                        open=False))
    if rest.any():
        left = base[rest]
        ends = base[is_end & ~spans].rename(columns={"pos": "end_pos"}).assign(end=lambda f: f["t"])
        nxt_end = _asof_forward(left[["case_key", "t"]], ends[["case_key", "t", "end", "end_pos"]], "t_end",
                                exact=True)
        starts = base[is_start].rename(columns={"pos": "next_pos"}).assign(next_start=lambda f: f["t"])
        nxt_start = _asof_forward(left[["case_key", "t"]], starts[["case_key", "t", "next_start"]], "t_start",
                                  exact=False)
        end = nxt_end["end"]
        gap_next = nxt_start["next_start"] - left["t"]
        chain = pd.Timedelta(hours=rule.chain_within_hours)
        # another start at or before the end: that end is the later episode's, unless the two
        # starts are close enough to be one episode
        blocked = (nxt_start["next_start"] <= end).fillna(False) & ~(gap_next <= chain).fillna(False)
        too_far = ((end - left["t"]) > pd.Timedelta(days=rule.max_days)).fillna(False)
        closed = end.notna() & ~blocked & ~too_far
        reason = np.where(end.isna(), "no end recorded",
                          np.where(blocked, "no end recorded before the next start",
                                   np.where(too_far, f"no end within {rule.max_days:g} days", "end event")))
        rows.append(
            left.assign(
                end=end.where(closed), end_pos=nxt_end["end_pos"].where(closed).astype("Int64"),
                closed_by=np.where(closed, "end event", reason), open=~closed.to_numpy(),
            )
        )
    if not rows:
        return pd.DataFrame()
    out = pd.concat(rows, ignore_index=True)
    out["end_pos"] = out["end_pos"].astype("Int64")
    return out.sort_values(["case_key", "t", "pos"], kind="stable").reset_index(drop=True)


def _join(raw: pd.DataFrame, within: pd.Timedelta) -> pd.DataFrame:
    """Closed periods of one kind joined when they overlap or are within ``within`` of each other;
    open starts that fall inside a joined period are part of it (dropped)."""
    closed = raw[~raw["open"]].copy()
    opened = raw[raw["open"]].copy()
    if len(closed):
        closed = closed.sort_values(["case_key", "t"], kind="stable")
        reach = closed.groupby("case_key")["end"].cummax()
        prev = reach.groupby(closed["case_key"]).shift(1)
        new = prev.isna() | (closed["t"] > prev + within)
        closed["group"] = new.cumsum()
        # the end event of each group: the row with the latest end
        last = closed.sort_values(["group", "end"], kind="stable").groupby("group").tail(1).set_index("group")
        g = closed.groupby("group")
        joined = pd.DataFrame({
            "case_key": g["case_key"].first(),
            "t": g["t"].min(),
            "end": g["end"].max(),
            "pos": g["pos"].first(),
            "end_pos": last["end_pos"],
            "closed_by": g["closed_by"].agg(lambda s: "; ".join(dict.fromkeys(s))),
            "records": g.size(),
            "open": False,
        }).reset_index(drop=True)
    else:
        joined = closed.assign(records=pd.Series(dtype="int64"))
    if len(opened) and len(joined):
        lo = opened[["case_key", "t"]].sort_values("t", kind="stable")
        per = joined[["case_key", "t", "end"]].rename(columns={"t": "ps"}).sort_values("ps", kind="stable")
        hit = pd.merge_asof(lo, per, left_on="t", right_on="ps", by="case_key", direction="backward")
        hit.index = lo.index
        inside = (hit["end"] >= hit["t"]).fillna(False).reindex(opened.index).to_numpy(dtype=bool)
        opened = opened[~inside]
    opened = opened.assign(records=1)
    return pd.concat([joined, opened], ignore_index=True)


def crisis_periods(
    events: pd.DataFrame, rules: str | os.PathLike[str] | Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Crisis periods found from the events: hospital stays, police custody, missing episodes and
    placement breakdowns (the kinds in ``crisis.toml``; see the module notes for how a period is
    found).

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    rules
        ``None`` (the built-in kinds), or a TOML file / table of the same shape as ``crisis.toml``
        that adds kinds, replaces them (``replace = true``) or changes the settings.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``case_id``, ``kind``, ``label``, ``start``, ``end`` (missing when
        open), ``hours``, ``days`` (calendar days), ``open`` (no end recorded), ``closed_by``
        (``recorded end``: the event's own end; ``end event``: a later event; ``same record``;
        for an open period why: ``no end recorded``, ``no end recorded before the next start``,
        ``no end within N days``), ``records`` (start records joined into it), ``events`` inside
        it, ``heard`` and ``seen`` among them, ``approximate`` (the start or end event is
        approximate), ``start_event_id``, ``end_event_id``. Sorted by case and start.

    Examples
    --------
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([
    ...     {"case_id": "x", "agency": "health_acute", "start": "2024-03-04 14:10", "event_type": "admission",
    ...      "description": "Admitted to the ward after an overdose"},
    ...     {"case_id": "x", "agency": "csc", "start": "2024-03-05", "description": "Visited on the ward",
    ...      "child_voice": "I want to go home"},
    ...     {"case_id": "x", "agency": "health_acute", "start": "2024-03-08 10:00", "event_type": "discharge",
    ...      "description": "Discharged home"},
    ...     {"case_id": "x", "agency": "police", "start": "2024-04-01 23:00", "event_type": "missing_episode",
    ...      "description": "Reported missing from home"}])
    >>> p = crisis_periods(ev)
    >>> p[["kind", "open", "closed_by", "events", "heard"]].values.tolist()
    [['hospital', False, 'end event', 3, 1], ['missing', True, 'no end recorded', 0, 0]]
    >>> p["hours"].tolist()[:1]
    [91.83...]
    """
    config = crisis_rules(rules)
    ev = prepare(events)
    if ev.empty or not config.periods:
        return empty_frame(PERIOD_COLUMNS)
    p = _found_periods(ev, events, config)
    if p is None:
        return empty_frame(PERIOD_COLUMNS)
    counts = _counts_inside(ev, events, p)
    return _period_frame(ev, p, *counts)


def _found_periods(ev: pd.DataFrame, events: pd.DataFrame, config: _Rules) -> pd.DataFrame | None:
    """The periods of every kind, joined within each kind, sorted by case, start and kind; None
    when there are none."""
    cache: dict[Any, Any] = {}
    within = pd.Timedelta(hours=config.settings.get("join_within_hours", 2))
    parts = []
    for rule in config.periods:
        raw = _periods_of_kind(ev, events, rule, cache)
        if raw.empty:
            continue
        parts.append(_join(raw, within).assign(kind=rule.kind, label=rule.label))
    if not parts:
        return None
    p = pd.concat(parts, ignore_index=True)
    return p.sort_values(["case_key", "t", "kind"], kind="stable").reset_index(drop=True)


def _counts_inside(ev: pd.DataFrame, events: pd.DataFrame, p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events inside each closed period (by start, within the case), and how many of them heard
    and saw the child; zeros for an open period."""
    seen, _, heard = _flags(events, ev)
    closed = ~p["open"].to_numpy(dtype=bool)
    if not closed.any():
        zeros = np.zeros(len(p), dtype="int64")
        return zeros, zeros.copy(), zeros.copy()
    # ev is sorted by case, then start: one sorted key (case, seconds since the first event)
    # finds each period's first and last event with two searchsorted calls
    secs = ev["start"].array.asi8 // _per_second(ev["start"])
    t0, span = int(secs.min()), int(secs.max() - secs.min()) + 2
    key = ev["case_key"].to_numpy(dtype="int64") * span + (secs - t0)
    pk = p["case_key"].to_numpy(dtype="int64") * span
    ps = np.clip(p["t"].array.asi8 // _per_second(p["t"]) - t0, 0, span - 1)
    pe_raw = p["end"].array.asi8 // _per_second(p["end"]) - t0
    pe = np.clip(np.where(closed, pe_raw, 0), -1, span - 1)
    heard_sum = np.concatenate([[0], np.cumsum(heard)])
    seen_sum = np.concatenate([[0], np.cumsum(seen)])
    lo = np.searchsorted(key, pk + ps, side="left")
    hi = np.maximum(np.searchsorted(key, pk + pe, side="right"), lo)
    return (
        np.where(closed, hi - lo, 0),
        np.where(closed, heard_sum[hi] - heard_sum[lo], 0),
        np.where(closed, seen_sum[hi] - seen_sum[lo], 0),
    )


def _period_frame(
    ev: pd.DataFrame, p: pd.DataFrame, n_in: np.ndarray, h_in: np.ndarray, s_in: np.ndarray
) -> pd.DataFrame:
    """The result frame of the periods ``p`` with their counts of events inside."""
    approx = ev["approx"].to_numpy()
    pos = p["pos"].to_numpy(dtype="int64")
    end_pos = p["end_pos"]
    has_end = end_pos.notna().to_numpy()
    ep = end_pos.fillna(0).to_numpy(dtype="int64")
    start_ts = p["t"]
    end_ts = p["end"]
    hours = (end_ts - start_ts) / pd.Timedelta(hours=1)
    days = (end_ts.dt.tz_convert("Europe/London").dt.normalize().dt.tz_localize(None)
            - start_ts.dt.tz_convert("Europe/London").dt.normalize().dt.tz_localize(None)).dt.days
    out = pd.DataFrame(
        {
            "case_id": ev["case_id"].to_numpy()[pos],
            "kind": p["kind"],
            "label": p["label"],
            "start": start_ts,
            "end": end_ts,
            "hours": hours.astype("float64"),
            "days": days.astype("Int64"),
            "open": p["open"].astype(bool),
            "closed_by": p["closed_by"],
            "records": p["records"].astype("int64"),
            "events": n_in,
            "heard": h_in,
            "seen": s_in,
            "approximate": approx[pos] | (has_end & approx[ep]),
            "start_event_id": ev["event_id"].to_numpy()[pos],
            "end_event_id": pd.Series(np.where(has_end, ev["event_id"].to_numpy()[ep], None), dtype="str"),
        }
    )
    return out[list(PERIOD_COLUMNS)].astype(PERIOD_COLUMNS)


def _per_second(s: pd.Series) -> int:
    """How many units of the datetime column ``s`` make a second."""
    unit = getattr(s.dtype, "unit", None) or np.datetime_data(s.dtype)[0]
    return {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[unit]


def _p_lower(a: int, n_in: int, heard: int, total: int) -> float:
    """One-sided Fisher exact test: the chance of ``a`` or fewer heard events among ``n_in`` drawn
    from ``total`` events of which ``heard`` record the child's voice."""
    if total == 0 or n_in == 0:
        return float("nan")
    denom = math.comb(total, n_in)
    lo = max(0, n_in - (total - heard))
    return float(sum(math.comb(heard, k) * math.comb(total - heard, n_in - k) for k in range(lo, a + 1)) / denom)


def _share(k: int, n: int) -> str:
    return f"{k} of {n} ({k / n:.0%})" if n else "none (no events)"


def voice_in_crisis(
    events: pd.DataFrame, rules: str | os.PathLike[str] | Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """The child's voice during crisis periods against outside them, per case, with a finding in
    plain words.

    The periods are :func:`crisis_periods` (open ones are left out and counted). The child's
    voice is recorded at an event when ``child_voice`` is filled; seen when ``child_seen`` is
    True. The voice is flagged *secondary during crisis* when there are at least ``min_events``
    events both inside and outside, and the share inside is at most ``max_ratio`` of the share
    outside and lower by ``min_difference`` or more (``crisis.toml``'s ``[settings]``).

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    rules
        As for :func:`crisis_periods`.

    Returns
    -------
    pandas.DataFrame
        One row per case: ``case_id``, ``periods`` (closed), ``open_periods``, ``events_inside``,
        ``heard_inside``, ``seen_inside``, their shares ``share_heard_inside`` and
        ``share_seen_inside``, the same ``..._outside``, ``difference`` (share heard outside minus
        inside), ``p_value`` (one-sided Fisher exact test of a lower share inside: small numbers
        make a large difference possible by chance), ``voice_secondary``, ``uncertain_events``
        (dated too coarsely to say whether they fall inside), ``approximate`` (such events, or a
        period's start or end event, are approximate), ``finding``.

    Examples
    --------
    >>> from chronology.metrics._testing import events_frame
    >>> rows = [{"case_id": "x", "agency": "health_acute", "start": "2024-03-04 14:10",
    ...          "end": "2024-03-10 12:00", "event_type": "attendance", "description": "In ED"}]
    >>> rows += [{"case_id": "x", "agency": "csc", "start": f"2024-03-0{d} 12:00", "description": "Meeting"}
    ...          for d in range(5, 10)]
    >>> rows += [{"case_id": "x", "agency": "csc", "start": f"2024-04-{d:02d}", "description": "Visit",
    ...           "child_voice": "views"} for d in range(1, 6)]
    >>> rows += [{"case_id": "x", "agency": "csc", "start": "2024-04-20", "description": "Call"}]
    >>> v = voice_in_crisis(events_frame(rows))
    >>> v[["events_inside", "heard_inside", "events_outside", "heard_outside", "voice_secondary"]].values.tolist()
    [[6, 0, 6, 5, True]]
    >>> print(v["finding"][0])
    The child's views are recorded at 0 of 6 (0%) events during crisis periods (in hospital (A&E or a ward): 04 Mar 2024 14:10 to 10 Mar 2024 12:00), against 5 of 6 (83%) outside them: the child's voice was secondary during the crisis.
    """
    config = crisis_rules(rules)
    ev = prepare(events)
    if ev.empty:
        return empty_frame(VOICE_CRISIS_COLUMNS)
    periods = crisis_periods(events, rules)
    seen, _, heard = _flags(events, ev)
    inside, uncertain = _inside_periods(ev, periods[~periods["open"]])
    work = pd.DataFrame({
        "case_key": ev["case_key"], "inside": inside, "outside": ~inside,
        "heard_in": heard & inside, "heard_out": heard & ~inside,
        "seen_in": seen & inside, "seen_out": seen & ~inside, "uncertain": uncertain,
    })
    g = work.groupby("case_key", sort=True).sum()
    ids = ev.drop_duplicates("case_key").set_index("case_key")["case_id"]
    summary = _summaries(periods)
    empty = _CaseSummary()
    rows = [  # one row per case
        _case_voice(str(ids[key]), summary.get(str(ids[key]), empty), r, config.settings)
        for key, r in g.iterrows()
    ]
    return pd.DataFrame(rows, columns=list(VOICE_CRISIS_COLUMNS)).astype(VOICE_CRISIS_COLUMNS)


def _inside_periods(ev: pd.DataFrame, closed: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Whether each event starts inside the union of its case's closed periods, and whether it is
    dated too coarsely to say (its period straddles a period's start or end)."""
    inside = np.zeros(len(ev), dtype=bool)
    if not len(closed):
        return inside, np.zeros(len(ev), dtype=bool)
    key_of = dict(zip(ev["case_id"].astype("str"), ev["case_key"], strict=False))
    u = closed[["case_id", "start", "end"]].assign(case_key=closed["case_id"].map(key_of).astype("int64"))
    u = u.sort_values(["case_key", "start"], kind="stable")
    reach = u.groupby("case_key")["end"].cummax()
    prev = reach.groupby(u["case_key"]).shift(1)
    grp = (prev.isna() | (u["start"] > prev)).cumsum()
    union = u.groupby(grp).agg(case_key=("case_key", "first"), ps=("start", "min"), pe=("end", "max"))
    union = union.sort_values("ps", kind="stable")
    left = pd.DataFrame({"case_key": ev["case_key"], "t": ev["start"], "r": ev["reach"], "i": ev["pos"]})
    by_start = pd.merge_asof(left.sort_values("t", kind="stable"), union, left_on="t", right_on="ps",
                             by="case_key", direction="backward").sort_values("i")
    inside = (by_start["t"] <= by_start["pe"]).fillna(False).to_numpy(dtype=bool)
    by_reach = pd.merge_asof(left.sort_values("r", kind="stable"), union, left_on="r", right_on="ps",
                             by="case_key", direction="backward").sort_values("i")
    straddle = (((by_reach["t"] < by_reach["ps"]) & (by_reach["ps"] <= by_reach["r"]))
                | ((by_reach["t"] <= by_reach["pe"]) & (by_reach["pe"] < by_reach["r"])))
    uncertain = straddle.fillna(False).to_numpy(dtype=bool) & ~ev["prec"].astype("str").eq("minute").to_numpy()
    return inside, uncertain


def _case_voice(cid: str, cp: _CaseSummary, r: pd.Series, settings: Mapping[str, float]) -> dict[str, Any]:
    """The result row of one case from its counts ``r`` (inside, outside, heard_in, ...)."""
    min_events = settings.get("min_events", 5)
    max_ratio, min_diff = settings.get("max_ratio", 0.75), settings.get("min_difference", 0.1)
    n_in, n_out = int(r["inside"]), int(r["outside"])
    h_in, h_out = int(r["heard_in"]), int(r["heard_out"])
    sh_in = h_in / n_in if n_in else float("nan")
    sh_out = h_out / n_out if n_out else float("nan")
    enough = n_in >= min_events and n_out >= min_events
    secondary = bool(enough and sh_in <= max_ratio * sh_out and (sh_out - sh_in) >= min_diff)
    p_value = _p_lower(h_in, n_in, h_in + h_out, n_in + n_out)
    approx = bool(int(r["uncertain"]) or cp.approximate)
    return {
        "case_id": cid, "periods": len(cp.closed), "open_periods": len(cp.opened),
        "events_inside": n_in, "heard_inside": h_in, "seen_inside": int(r["seen_in"]),
        "share_heard_inside": sh_in, "share_seen_inside": int(r["seen_in"]) / n_in if n_in else float("nan"),
        "events_outside": n_out, "heard_outside": h_out, "seen_outside": int(r["seen_out"]),
        "share_heard_outside": sh_out,
        "share_seen_outside": int(r["seen_out"]) / n_out if n_out else float("nan"),
        "difference": sh_out - sh_in if n_in and n_out else float("nan"),
        "p_value": p_value, "voice_secondary": secondary, "uncertain_events": int(r["uncertain"]),
        "approximate": approx,
        "finding": _finding(cp, n_in, h_in, n_out, h_out, enough, secondary, int(r["uncertain"]), p_value,
                            int(min_events)),
    }


@dataclass
class _CaseSummary:
    """A case's periods in words: the closed ones as (label, "from to"), the open ones as text."""

    closed: list[tuple[str, str]] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    approximate: bool = False


def _summaries(periods: pd.DataFrame) -> dict[str, _CaseSummary]:
    out: dict[str, _CaseSummary] = {}
    if periods.empty:
        return out
    start = _when_all(periods["start"])
    end = _when_all(periods["end"])
    for cid, lab, a, b, is_open, approx in zip(
        periods["case_id"].astype("str"), periods["label"].astype("str"), start, end,
        periods["open"].to_numpy(dtype=bool), periods["approximate"].to_numpy(dtype=bool), strict=True,
    ):
        cs = out.setdefault(cid, _CaseSummary())
        if is_open:
            cs.opened.append(f"{lab} from {a}")
        else:
            cs.closed.append((lab, f"{a} to {b}"))
            cs.approximate |= bool(approx)
    return out


def _when_all(ts: pd.Series) -> list[str]:
    """Dates in words, with the time when there is one (``04 Mar 2024 14:10``)."""
    local = ts.dt.tz_convert("Europe/London")
    timed = ((local.dt.hour != 0) | (local.dt.minute != 0)).fillna(False).to_numpy(dtype=bool)
    with_time = local.dt.strftime("%d %b %Y %H:%M").astype("str")
    day = local.dt.strftime("%d %b %Y").astype("str")
    return with_time.where(timed, day).fillna("").tolist()


def _finding(cp: _CaseSummary, n_in: int, h_in: int, n_out: int, h_out: int, enough: bool,
             secondary: bool, uncertain: int, p_value: float, min_events: int) -> str:
    """The finding of one case in plain words: the shares inside and outside, the verdict and its
    caveats (small numbers, coarse dates, open periods left out)."""
    if not cp.closed:
        text = "No crisis period with a recorded end was found"
        if cp.opened:
            text += f" ({len(cp.opened)} with no end recorded: {'; '.join(cp.opened)})"
        return text + "."
    text = (f"The child's views are recorded at {_share(h_in, n_in)} events during crisis periods "
            f"({_listed(cp.closed)}), against {_share(h_out, n_out)} outside them")
    text += _verdict(n_in, h_in, n_out, h_out, enough, secondary, min_events)
    if secondary and p_value == p_value and p_value > 0.05:
        text += (f" The numbers are small: a difference this large would arise by chance with probability "
                 f"{p_value:.2f} (one-sided Fisher exact test).")
    if uncertain:
        text += _coarse(uncertain)
    if cp.opened:
        text += f" Left out, with no end recorded: {'; '.join(cp.opened)}."
    return text


def _listed(closed: list[tuple[str, str]]) -> str:
    """The closed periods with their dates, or counted by label when there are more than four."""
    if len(closed) <= 4:
        return "; ".join(f"{lab}: {when}" for lab, when in closed)
    counts = dict.fromkeys(lab for lab, _ in closed)
    for lab in counts:
        counts[lab] = sum(1 for x, _ in closed if x == lab)
    return f"{len(closed)} periods: " + ", ".join(f"{lab} {k}" for lab, k in counts.items())


def _verdict(n_in: int, h_in: int, n_out: int, h_out: int, enough: bool, secondary: bool, min_events: int) -> str:
    """The end of the finding's first sentence: how the share inside compares."""
    if not enough:
        return f": too few events to compare (at least {min_events} inside and outside are needed)."
    if secondary:
        return ": the child's voice was secondary during the crisis."
    if n_in and n_out and h_in / n_in < h_out / n_out:
        return ": somewhat lower inside, not clearly."
    return ": not lower inside."


def _coarse(uncertain: int) -> str:
    """The caveat for events dated too coarsely to place inside or outside."""
    many = uncertain > 1
    return (f" Approximate: {uncertain} event{'s are' if many else ' is'} dated too coarsely to say whether "
            f"{'they fall' if many else 'it falls'} inside (counted by {'their' if many else 'its'} start).")
