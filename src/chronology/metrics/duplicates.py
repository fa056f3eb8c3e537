"""Duplicates: the same real-world event recorded by several agencies."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..rules import parse_duration
from ._common import AGENCY, DT, check_events, empty_frame, fetch, prepare

__all__ = ["duplicates", "merge_duplicates"]

DUPLICATE_COLUMNS: dict[str, Any] = {
    "group": "int64",
    "case_id": "str",
    "event_id": "str",
    "agency": AGENCY,
    "start": DT,
    "event_type": "str",
    "description": "str",
    "score": "float64",
    "primary": "bool",
    "source": "str",
    "source_row": "Int64",
}

#: event types that say little about what happened; they may pair with any type
_GENERIC_TYPES = frozenset({"other", "contact"})

#: small words that make unrelated short texts look alike
_STOPWORDS = [
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "for", "from", "had", "has", "have",
    "he", "her", "him", "his", "i", "in", "into", "is", "it", "its", "of", "on", "or", "re", "she",
    "that", "the", "their", "them", "they", "this", "to", "was", "were", "which", "who", "with",
]
_STOP_RE = r"\b(?:" + "|".join(_STOPWORDS) + r")\b"


def _normalise_text(s: pd.Series) -> pd.Series:
    """Lower case, letters and digits only, small words removed (vectorised on ``str`` dtype)."""
    t = s.astype("str").fillna("").str.lower()
    t = t.str.replace(r"[^a-z0-9]+", " ", regex=True)
    t = t.str.replace(_STOP_RE, " ", regex=True)
    return t.str.replace(r"\s+", " ", regex=True).str.strip()


def _enough_shared(a: set[str], b: set[str]) -> bool:
    """At least three words in common, or every word of the shorter text (of two or more)."""
    shorter = min(len(a), len(b))
    return shorter >= 2 and len(a & b) >= min(3, shorter)


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected components of an undirected graph by label propagation (vectorised)."""
    labels = np.arange(n)
    if len(u) == 0:
        return labels
    while True:
        m = np.minimum(labels[u], labels[v])
        new = labels.copy()
        np.minimum.at(new, u, m)
        np.minimum.at(new, v, m)
        new = new[new]  # pointer jumping
        if np.array_equal(new, labels):
            return labels
        labels = new


def _greedy(nodes: list[int], edges: list[tuple[float, int, int]], agency: np.ndarray) -> dict[int, int]:
    """Split a component whose events share an agency: add edges best first, never joining two
    events of one agency (runs only on such rare components)."""
    parent = {x: x for x in nodes}
    members = {x: {agency[x]} for x in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, a, b in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ra, rb = find(a), find(b)
        if ra != rb and not (members[ra] & members[rb]):
            parent[rb] = ra
            members[ra] |= members.pop(rb)
    return {x: find(x) for x in nodes}


def duplicates(
    events: pd.DataFrame, *, window: str = "24 hours", threshold: float = 70
) -> pd.DataFrame:
    """Candidate groups of the same real-world event recorded by different agencies.

    Conservative by design (a false merge is worse than a missed one). Two events are candidates
    when all of these hold:

    * same case, **different agencies** (two entries of one agency are never duplicates);
    * both dated to the day or minute, not marked uncertain, and no more than ``window`` apart
      (an event dated only to the day covers that whole day);
    * compatible event types (equal, or one of them ``other``/``contact``);
    * similar descriptions: rapidfuzz ``token_set_ratio`` of the lower-cased descriptions without
      small words is at least ``threshold``, and they share at least three words (or every word
      of the shorter one, which must have two or more).

    Each event is then paired only with its best-scoring candidate of each other agency, when that
    choice is mutual; pairs sharing an event form a group, and a group never holds two events of
    one agency. Nothing is removed from the events: see :func:`merge_duplicates` to merge.

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    window
        Largest time apart, e.g. ``"24 hours"``, ``"2 days"``.
    threshold
        Lowest similarity score (0 to 100).

    Returns
    -------
    pandas.DataFrame
        One row per event in a group: ``group`` (1, 2, ... by case and date), ``case_id``,
        ``event_id``, ``agency``, ``start``, ``event_type``, ``description``, ``score`` (the best
        similarity linking the event to its group), ``primary`` (the earliest-dated event of the
        group, kept by :func:`merge_duplicates`), ``source``, ``source_row``.

    Examples
    --------
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([
    ...     ("x", "police", "2024-03-04 22:10", "Police called to A&E as Cassie tried to leave the department"),
    ...     ("x", "health_acute", "2024-03-04 22:30", "Cassie tried to leave department, police called"),
    ...     ("x", "police", "2024-03-09 22:10", "Police called to A&E as Cassie tried to leave the department")])
    >>> duplicates(ev)[["group", "agency", "primary"]].astype(str).values.tolist()
    [['1', 'police', 'True'], ['1', 'health_acute', 'False']]
    """
    td, threshold = _check_options(window, threshold)
    ev = prepare(events)
    ev = ev[ev["prec"].isin(["minute", "day"]) & ~ev["uncertain"]].reset_index(drop=True)
    n = len(ev)
    if n < 2:
        return empty_frame(DUPLICATE_COLUMNS)
    agency = ev["agency"].cat.codes.to_numpy()
    start = _micros(ev["start"])
    pi, pj = _candidate_pairs(ev, agency, start, td)
    if not len(pi):
        return empty_frame(DUPLICATE_COLUMNS)
    pi, pj, sc = _similar_pairs(events, ev, pi, pj, threshold)
    if not len(pi):
        return empty_frame(DUPLICATE_COLUMNS)
    u, v, s = _mutual_best(pi, pj, sc, agency, start)
    if not len(u):
        return empty_frame(DUPLICATE_COLUMNS)
    labels, u, v, s = _grouped(n, u, v, s, agency)
    return _group_frame(events, ev, labels, u, v, s)


def _check_options(window: str, threshold: Any) -> tuple[pd.Timedelta, float]:
    """``window`` as a timedelta and ``threshold`` as a number, or an OptionError."""
    try:
        td = parse_duration(window).to_timedelta()
    except OptionError as exc:
        raise OptionError(
            "window must be a fixed length", value=window, hint="use minutes, hours, days or weeks, e.g. '24 hours'"
        ) from exc
    try:
        threshold = float(threshold)
    except (TypeError, ValueError) as exc:
        raise OptionError("threshold must be a number from 0 to 100", value=threshold) from exc
    if not 0 <= threshold <= 100:
        raise OptionError("threshold must be a number from 0 to 100", value=threshold)
    return td, threshold


def _micros(dates: pd.Series) -> np.ndarray:
    """Datetimes as integer microseconds."""
    return dates.to_numpy(dtype="datetime64[us]").astype("int64")


def _candidate_pairs(
    ev: pd.DataFrame, agency: np.ndarray, start: np.ndarray, td: pd.Timedelta
) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i < j) of the event pairs of one case, of different agencies and compatible event
    types, no more than ``td`` apart (an event dated to the day covers that day). ``ev`` is sorted
    by case and start, so the pairs are found by comparing each event with the k-th next one,
    k = 1, 2, ... until no pair of one case is near enough."""
    n = len(ev)
    case = ev["case_key"].to_numpy()
    types = ev["event_type"].astype("category")
    etype = types.cat.codes.to_numpy()  # -1 (missing) counts as generic
    generic = np.isin(etype, [-1, *(i for i, c in enumerate(types.cat.categories) if c in _GENERIC_TYPES)])
    iend = _micros(ev["start"].where(ev["prec"].eq("minute"), ev["pend"]))
    win_us = int(td / pd.Timedelta(microseconds=1))
    reach_us = win_us + int(pd.Timedelta(days=1) / pd.Timedelta(microseconds=1))

    firsts: list[np.ndarray] = [np.zeros(0, dtype="int64")]
    seconds: list[np.ndarray] = [np.zeros(0, dtype="int64")]
    k = 1
    while k < n:
        i = np.arange(n - k)
        j = i + k
        near = (case[i] == case[j]) & (start[j] - start[i] <= reach_us)
        if not near.any():
            break
        dist = np.maximum(0, start[j] - iend[i])
        ok = (
            near
            & (dist <= win_us)
            & (agency[i] != agency[j])
            & ((etype[i] == etype[j]) | generic[i] | generic[j])
        )
        firsts.append(i[ok])
        seconds.append(j[ok])
        k += 1
    return np.concatenate(firsts), np.concatenate(seconds)


def _similar_pairs(
    events: pd.DataFrame, ev: pd.DataFrame, pi: np.ndarray, pj: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs whose descriptions are alike (``token_set_ratio`` at least
    ``threshold``, enough words in common), with their scores."""
    from rapidfuzz import fuzz, process

    # normalise only the texts of events in some candidate pair
    involved, inv = np.unique(np.r_[pi, pj], return_inverse=True)
    text = _normalise_text(fetch(events, ev["row"].to_numpy()[involved], "description")).to_numpy(dtype=object)
    ti, tj = inv[: len(pi)], inv[len(pi):]
    scores = np.asarray(
        process.cpdist(list(text[ti]), list(text[tj]), scorer=fuzz.token_set_ratio, processor=None),
        dtype="float64",
    )
    keep = scores >= threshold
    pi, pj, sc, ti, tj = pi[keep], pj[keep], scores[keep], ti[keep], tj[keep]
    if not len(pi):
        return pi, pj, sc
    # enough words in common (a short generic phrase is not enough)
    tokens: dict[int, set[str]] = {t: set(text[t].split()) for t in np.unique(np.r_[ti, tj]).tolist()}
    shared_ok = np.fromiter(
        (_enough_shared(tokens[a], tokens[b]) for a, b in zip(ti.tolist(), tj.tolist(), strict=True)),
        dtype=bool,
        count=len(pi),
    )
    return pi[shared_ok], pj[shared_ok], sc[shared_ok]


def _mutual_best(
    pi: np.ndarray, pj: np.ndarray, sc: np.ndarray, agency: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (u < v, score) where each event is the other's best candidate of its agency
    (highest score, then nearest in time, then position)."""
    d = pd.DataFrame(
        {
            "u": np.r_[pi, pj],
            "v": np.r_[pj, pi],
            "score": np.r_[sc, sc],
            "dist": np.abs(np.r_[start[pj] - start[pi], start[pj] - start[pi]]),
        }
    )
    d["agency_v"] = agency[d["v"].to_numpy()]
    best = d.sort_values(["u", "agency_v", "score", "dist", "v"], ascending=[True, True, False, True, True])
    best = best.drop_duplicates(["u", "agency_v"])
    pairs = best.merge(best[["u", "v"]].rename(columns={"u": "v", "v": "u"}), on=["u", "v"])
    pairs = pairs[pairs["u"] < pairs["v"]]
    return pairs["u"].to_numpy(), pairs["v"].to_numpy(), pairs["score"].to_numpy()


def _grouped(
    n: int, u: np.ndarray, v: np.ndarray, s: np.ndarray, agency: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The group label of every event (connected components of the pairs), with the pairs kept:
    a group holding two events of one agency is split by a greedy pass (rare)."""
    labels = _components(n, u, v)
    nodes = np.unique(np.r_[u, v])
    comp = pd.DataFrame({"node": nodes, "label": labels[nodes], "agency": agency[nodes]})
    clash = comp.groupby("label")["agency"].agg(lambda a: a.nunique() < len(a))
    bad = set(clash[clash].index)
    if not bad:
        return labels, u, v, s
    for lab in bad:
        members = comp.loc[comp["label"] == lab, "node"].tolist()
        sel = labels[u] == lab
        edges = list(zip(s[sel].tolist(), u[sel].tolist(), v[sel].tolist(), strict=True))
        for node, root in _greedy(members, edges, agency).items():
            labels[node] = root
    keep = labels[u] == labels[v]
    return labels, u[keep], v[keep], s[keep]


def _group_frame(
    events: pd.DataFrame, ev: pd.DataFrame, labels: np.ndarray, u: np.ndarray, v: np.ndarray, s: np.ndarray
) -> pd.DataFrame:
    """The result: one row per event of a pair, numbered by group (case, then the group's first
    date), the earliest event of each group its primary."""
    nodes = np.unique(np.r_[u, v])
    node_score = (
        pd.DataFrame({"node": np.r_[u, v], "score": np.r_[s, s]}).groupby("node")["score"].max()
    )
    members = ev.iloc[nodes].copy()
    members["description"] = fetch(events, members["row"], "description").to_numpy()
    members["source"] = fetch(events, members["row"], "source").to_numpy()
    members["source_row"] = fetch(events, members["row"], "source_row").to_numpy()
    members["label"] = labels[nodes]
    members["score"] = node_score.reindex(nodes).to_numpy()
    members["_first"] = members.groupby("label", sort=False)["start"].transform("min")
    members = members.sort_values(["case_key", "_first", "label", "start", "event_id"], kind="stable")
    members["group"] = pd.factorize(members["label"])[0] + 1
    members["primary"] = ~members["group"].duplicated()
    out = pd.DataFrame(
        {
            "group": members["group"],
            "case_id": members["case_id"],
            "event_id": members["event_id"],
            "agency": members["agency"],
            "start": members["start"],
            "event_type": members["event_type"].astype("str"),
            "description": members["description"],
            "score": members["score"].round(1),
            "primary": members["primary"],
            "source": members["source"],
            "source_row": members["source_row"],
        }
    )
    return out.reset_index(drop=True).astype(DUPLICATE_COLUMNS)


def merge_duplicates(events: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Events with each duplicate group merged into its earliest-dated event (only when asked).

    The kept event (``primary``: earliest start, then event id) gains a column
    ``also_recorded_by`` listing the other entries as ``"agency (source row N)"``; ``child_seen``
    becomes True if any entry saw the child (else False if any recorded not seen), and an empty
    ``child_voice`` is filled from the others. The other entries are removed. Edit ``groups``
    first (drop rows or whole groups) to merge only what you accept.

    Parameters
    ----------
    events
        The canonical events frame; not modified.
    groups
        The result of :func:`duplicates` (columns ``group`` and ``event_id`` are used).

    Returns
    -------
    pandas.DataFrame
        A new events frame with a ``also_recorded_by`` column (``str``, NA for events not merged).

    Examples
    --------
    >>> from chronology.metrics._testing import events_frame
    >>> ev = events_frame([
    ...     ("x", "police", "2024-03-04 22:10", "Police called to A&E as Cassie tried to leave"),
    ...     ("x", "health_acute", "2024-03-04 22:30", "Cassie tried to leave A&E, police called")])
    >>> merged = merge_duplicates(ev, duplicates(ev))
    >>> merged[["agency", "also_recorded_by"]].astype(str).values.tolist()
    [['police', 'health_acute (test.csv row 3)']]
    """
    check_events(events)
    if not isinstance(groups, pd.DataFrame) or not {"group", "event_id"} <= set(groups.columns):
        raise OptionError(
            "groups must be the DataFrame returned by duplicates()",
            hint="call c.merge_duplicates(c.duplicates()), with columns 'group' and 'event_id'",
        )
    out = events.copy()
    if "also_recorded_by" not in out:
        out["also_recorded_by"] = pd.Series(pd.NA, index=out.index, dtype="str")
    m = _group_members(out, groups)
    if m is None:
        return out
    is_primary = ~m["group"].duplicated()
    prim = m[is_primary].set_index("group")
    others = m[~is_primary]
    p_idx = out.index[prim["_pos"].to_numpy()]
    out.loc[p_idx, "also_recorded_by"] = _also_recorded_by(prim, others).reindex(prim.index).to_numpy()
    if "child_seen" in m:
        out.loc[p_idx, "child_seen"] = _merged_seen(m).reindex(prim.index).to_numpy()
    if "child_voice" in m:
        voice = m["child_voice"].astype("str")
        voice = voice.where(voice.str.strip().str.len() > 0)
        first_voice = voice.groupby(m["group"]).first()
        pv = out.loc[p_idx, "child_voice"].astype("str")
        fill = pd.Series(first_voice.reindex(prim.index).to_numpy(), index=p_idx, dtype="str")
        out.loc[p_idx, "child_voice"] = pv.where(pv.str.strip().str.len() > 0, fill)
    drop = out.index[others["_pos"].to_numpy()]
    return out.drop(index=drop).reset_index(drop=True)


def _group_members(out: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame | None:
    """The events of ``out`` in a group of two or more (with ``group`` and their position
    ``_pos``), in group order, the primary first; None when there are none."""
    g = groups[["group", "event_id"]].drop_duplicates("event_id")
    ids = out["event_id"].astype("str")
    pos = pd.Series(np.arange(len(out)), index=ids.to_numpy())
    g = g[g["event_id"].isin(pos.index)]
    if g.empty:
        return None
    m = out.iloc[pos[g["event_id"]].to_numpy()].copy()
    m["group"] = g["group"].to_numpy()
    m["_pos"] = pos[g["event_id"]].to_numpy()
    m = m.sort_values(["group", "start", "event_id"], kind="stable")
    m = m[m.groupby("group")["group"].transform("size") > 1]
    return None if m.empty else m


def _also_recorded_by(prim: pd.DataFrame, others: pd.DataFrame) -> pd.Series:
    """Per group, the other entries as ``"agency (source row N)"`` after the primary's own list."""
    row = others["source_row"].astype("Int64").astype("str") if "source_row" in others else ""
    label = others["agency"].astype("str") + " (" + others["source"].astype("str") + " row " + row + ")"
    prev = others["also_recorded_by"].astype("str")
    label = label.where(prev.isna(), label + "; " + prev)
    joined = label.groupby(others["group"]).agg("; ".join)
    existing = prim["also_recorded_by"].astype("str")
    return joined.where(existing.reindex(joined.index).isna(), existing.reindex(joined.index) + "; " + joined)


def _merged_seen(m: pd.DataFrame) -> pd.Series:
    """Per group: True if any entry saw the child, else False if any recorded not seen, else NA."""
    seen = m["child_seen"].astype("boolean")
    any_true = seen.eq(True).fillna(False).groupby(m["group"]).any()
    any_false = seen.eq(False).fillna(False).groupby(m["group"]).any()
    merged = pd.Series(pd.NA, index=any_true.index, dtype="boolean")
    merged[any_false.to_numpy()] = False
    merged[any_true.to_numpy()] = True
    return merged
