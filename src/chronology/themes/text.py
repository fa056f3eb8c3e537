"""Text rules: the theme patterns of a taxonomy matched over every event's words at once.

How it works, and why it is fast
--------------------------------
The searched columns (``description``, ``action``, ``child_voice``) are joined per event with a
newline (so a pattern written with ``.`` or ``[^.]`` never runs from one column into the next) and
kept as one Arrow ``large_string`` array, the storage of pandas 3's ``str`` dtype; when a sample
shows that the texts repeat (templated exports), each distinct text is matched once (dictionary
encoding) and the results spread back to every event holding it. Then, per theme:

1. one ``match_substring_regex`` pass with all the theme's patterns and negations in one
   alternation finds the events that mention the theme at all;
2. on those events only, one ``match_substring_regex`` per role (negations, concern patterns,
   strength patterns) finds the events that role matches (an event that matched no other role
   matches the last one, untested), and on those only one ``extract_regex``, each pattern a named
   group, gives the first matching span (the evidence) and which pattern matched it (the rule).
   ``extract_regex`` is the expensive step (about a microsecond per event): on short texts RE2
   skips its DFA and runs its backtracker over the whole text, matching or not. Negations run
   first, so that the events where a negation decides the outcome (a negation of the same
   polarity wins; one that suppresses a polarity drops the patterns that may be negated) are not
   extracted for the roles it overrides.

So a taxonomy of 9 themes costs 9 passes over the texts, whatever the number of phrases, plus
work in proportion to the events that mention a theme. The themes run on threads, one per core,
alongside the structural rules (the kernels release the GIL; even for one case of a few hundred
events, where compiling the patterns is most of the work, this pays). These are
the RE2 kernels behind ``Series.str.contains`` / ``Series.str.extract``, called directly: pandas
3.1 falls back to Python's ``re``, row by row, whenever a pattern uses ``\\b``, ``\\w`` or ``\\d``
and any value holds a non-ASCII character (a curly apostrophe is enough), which is about 10 times
slower; RE2's ASCII word boundaries are what English agency records need. (One pass with every
theme's patterns in one alternation, to skip the events no theme mentions, does not pay: RE2's DFA
runs out of memory on so large a pattern and falls back to its NFA, 46 s for a million events
against 0.2 s a theme; and 91% of the events of the benchmark caseload mention some theme.)

Negations ("not seen", "no views recorded", "did not escalate") are patterns of their own: when one
matches an event, the theme's tags of the polarities it ``suppresses`` are dropped for that event,
and if it has a polarity it becomes evidence itself (usually a concern).

One event gives at most one text tag per theme and polarity (the first span found; a negation wins
over a plain pattern).

Clause scope
------------
The evidence of a text tag is the whole clause of the match, and the clause decides what the match
means (the lists are data: ``data/themes_scope.toml``). Within the part of the clause in scope (up
to a comma, "but", "and", "when"...): a concern pattern with a negation in the few words before it
("no restraint was used") does not count, and the rest of the text after that clause is read
again; a strength pattern negated before it ("without a formal handover"), set back ("declined
the parenting programme") or with a failed outcome after it ("threshold not met", "delayed seven
weeks") is evidence of the theme's concern (rule ``<id>:negated``); a hedged strength ("strategy
meeting to be arranged") keeps its polarity (rule ``<id>:hedged``). Patterns with ``about =
"child"`` (the bias rules) do not count when the clause names someone else as their subject
("father arrested"). Only the events a role matched are read this way, so this costs in proportion
to the matches.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

    from .taxonomy import Pattern, Taxonomy

__all__ = ["TextRules", "event_text", "run_jobs", "text_candidates", "text_tags"]



def _arrow(events: pd.DataFrame, column: str) -> pa.Array:
    import pyarrow as pa

    if column not in events:
        return pa.nulls(len(events), pa.large_string())
    s = events[column]
    if s.dtype != "str":
        s = s.astype("str")
    arr = pa.array(s)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr


def event_text(events: pd.DataFrame, columns: Sequence[str]) -> pa.Array:
    """The given text columns of each event joined with a newline, as one Arrow string array
    (missing values become empty strings). ``events`` is not modified.

    Examples
    --------
    >>> ev = pd.DataFrame({"description": ["Seen at home", "Call"], "action": [None, "NFA"]},
    ...                   dtype="str")
    >>> event_text(ev, ["description", "action"]).to_pylist()
    ['Seen at home\\n', 'Call\\nNFA']
    """
    return _join([_arrow(events, c) for c in columns])


def _join(arrays: Sequence[pa.Array]) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(arrays) == 1:
        return pc.fill_null(arrays[0], "")
    return pc.binary_join_element_wise(
        *arrays, pa.scalar("\n", pa.large_string()), null_handling="replace", null_replacement=""
    )


def _regex(pats: Sequence[Pattern], named: bool = False) -> str:
    """One case-insensitive alternation of ``pats``, each a named group ``g0``, ``g1``... when
    ``named`` (for :func:`_extract`)."""
    if named:
        return "(?i)" + "|".join(f"(?P<g{k}>{p.regex})" for k, p in enumerate(pats))
    return "(?i)" + "|".join(f"(?:{p.regex})" for p in pats)


def _extract(sub: pa.Array, pats: Sequence[Pattern]) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """(row mask, index of the pattern that matched, evidence as Arrow strings) for the first match
    in each row; the evidence is the whole clause of the match (see :func:`_extract_clause`)."""
    valid, which, evidence, *_ = _extract_clause(sub, pats)
    return valid, which, evidence


def _extract_clause(
    sub: pa.Array, pats: Sequence[Pattern]
) -> tuple[np.ndarray, np.ndarray, pa.Array, pa.Array, pa.Array, _Rest]:
    """(row mask, pattern index, whole clause, clause before the match, clause after it, text
    after the clause) for the first match in each row (as :func:`_extract` finds it).

    Capturing groups around a match make RE2 several times slower, so the text is split at the
    first match (a plain search) and everything else is numpy on the Arrow buffers: the match's
    byte span from the lengths of the two parts, the clause around it from the clause boundaries
    of the text (:func:`_boundaries`), the pieces cut out by :func:`_slice`; the pattern that
    matched is found on the short matched text alone (anchored at both ends: the first pattern
    matching there, which is the one the search found)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sub = pc.fill_null(sub.cast(pa.large_string()) if sub.type != pa.large_string() else sub, "")
    n = len(sub)
    if n == 0:
        e = pa.array([], pa.large_string())
        return np.zeros(0, bool), np.zeros(0, "int64"), e, e, e, _Rest(sub, np.zeros(0, "int64"))
    parts = pc.split_pattern_regex(sub, _regex(pats), max_splits=1)
    p_off = np.frombuffer(parts.buffers()[1], dtype="int32")[parts.offset : parts.offset + n + 1]
    n_parts = np.diff(p_off)
    valid = n_parts == 2
    flat = parts.values
    f_off = np.frombuffer(flat.buffers()[1], dtype="int64")[flat.offset : flat.offset + len(flat) + 1]
    f_len = np.diff(f_off)
    first = p_off[:-1].astype("int64")
    n_before = f_len[first]  # every row has a first part (an empty text splits into [""])
    n_after = np.where(valid, f_len[np.minimum(first + 1, len(f_len) - 1)], 0)
    offsets, data = _buffers(sub)
    row_start, row_end = offsets[:-1], offsets[1:]
    m_start = row_start + n_before
    m_len = np.where(valid, (row_end - row_start) - n_before - n_after, 0)
    m_end = m_start + m_len
    bounds = _boundaries(data, int(offsets[0]), row_end)
    # the last boundary before the match, the first one at or after its end, within the row
    bounds = np.r_[np.int64(-1), bounds, np.int64(len(data))]  # sentinels
    c_start = np.maximum(bounds[np.searchsorted(bounds, m_start, side="left") - 1] + 1, row_start)
    c_end = np.minimum(bounds[np.searchsorted(bounds, m_end, side="left")], row_end)
    zero = np.zeros(n, dtype="int64")
    c_start, c_end = np.where(valid, c_start, row_start), np.where(valid, c_end, row_start)
    m_start, m_end = np.where(valid, m_start, row_start), np.where(valid, m_end, row_start)
    rel = partial(_slice, sub)
    pre = rel(c_start - row_start, m_start - c_start)
    post = rel(m_end - row_start, c_end - m_end)
    clause = pc.utf8_trim_whitespace(rel(c_start - row_start, c_end - c_start))
    rest = _Rest(sub, np.where(valid, c_end - row_start, row_end - row_start))
    which = zero
    if len(pats) > 1 and valid.any():
        which = _which(rel(m_start - row_start, m_end - m_start), valid, pats)
    return valid, which, clause, pre, post, rest


def _which(match: pa.Array, valid: np.ndarray, pats: Sequence[Pattern]) -> np.ndarray:
    """Index of the first of ``pats`` matching the whole of each (short) matched text: one plain
    anchored match per pattern, on the rows not yet settled (capturing groups, one per pattern,
    would make RE2 leave its DFA: several times slower)."""
    import pyarrow as pa

    which = np.zeros(len(match), dtype="int64")
    left = np.flatnonzero(valid)
    for k, p in enumerate(pats[:-1]):
        sub = match.take(pa.array(left)) if len(left) < len(match) else match
        hit = _match(sub, f"(?is)^(?:{p.regex})$")
        which[left[hit]] = k
        left = left[~hit]
        if not len(left):
            break
    which[left] = len(pats) - 1
    return which


def _buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (int64, one more than the rows) and the bytes of a large_string array."""
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype="int64")[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype="uint8") if bufs[2] is not None else np.zeros(0, "uint8")
    return offsets, data


@cache
def _byte_classes() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables over the 256 byte values: ends a clause; white space."""
    hard = np.zeros(256, dtype=bool)
    hard[[ord(ch) for ch in _scope()["boundaries"]]] = True
    space = np.zeros(256, dtype=bool)
    space[[ord(ch) for ch in " \t\r\n\f\v"]] = True
    return hard, space


def _boundaries(data: np.ndarray, row_start0: int, row_end: np.ndarray) -> np.ndarray:
    """Byte positions in ``data`` that end a clause, sorted: the characters of the scope file's
    ``boundaries`` (';', '!', '?', a line break), and a full stop followed by white space or
    ending its text, between byte ``row_start0`` and the last of ``row_end`` (so "8.5 kg", "20.03.2024" and "www.x.org" stay one clause)."""
    hard_byte, space = _byte_classes()
    lo, hi = (int(row_start0), int(row_end[-1])) if len(row_end) else (0, 0)
    data = data[lo:hi]  # a sliced array shares the bytes of the whole one
    hard = np.zeros(len(data), dtype=bool)
    for byte in np.flatnonzero(hard_byte):  # a few compares beat a table lookup per byte
        hard |= data == byte
    dots = np.flatnonzero(data == ord("."))
    if len(dots):
        nxt = np.minimum(dots + 1, len(data) - 1)
        ends = np.isin(dots + 1 + lo, row_end)  # the text's last character
        hard[dots[space[data[nxt]] | ends | (dots + 1 == len(data))]] = True
    return np.flatnonzero(hard) + lo


class _Rest:
    """The text after each row's clause, cut only for the rows asked for (it is long, and only the
    rows whose clause did not count are read again)."""

    def __init__(self, sub: pa.Array, start: np.ndarray) -> None:
        self.sub, self.start = sub, start

    def take(self, mask: np.ndarray) -> pa.Array:
        import pyarrow as pa

        sub = self.sub.filter(pa.array(mask))
        start = self.start[mask]
        return _slice(sub, start, _blen(sub) - start)


def _blen(a: pa.Array) -> np.ndarray:
    import pyarrow.compute as pc

    return np.asarray(pc.binary_length(a).to_numpy(zero_copy_only=False), dtype="int64").copy()


def _slice(arr: pa.Array, start: np.ndarray, nbytes: np.ndarray) -> pa.Array:
    """``nbytes[i]`` bytes of each string of ``arr`` (large_string, no nulls) from byte
    ``start[i]`` (cuts fall at match boundaries, so between characters).

    Each piece lies inside its own string, so the pieces come in order and do not overlap: read
    over the bytes of ``arr`` as they are, the pieces and the gaps between them are the strings of
    an array whose offsets alternate piece start, piece end (no bytes copied), and Arrow takes
    every other one (one copy of the pieces' bytes, no index per byte)."""
    import pyarrow as pa

    n = len(arr)
    nbytes = np.maximum(nbytes, 0)
    if n == 0:
        return pa.array([], pa.large_string())
    offsets, _ = _buffers(arr)
    begin = offsets[:-1] + start
    cuts = np.empty(2 * n, dtype="int64")
    cuts[0::2] = begin
    cuts[1::2] = begin + nbytes
    data = arr.buffers()[2]
    if data is None or (np.diff(cuts) < 0).any() or cuts[0] < offsets[0] or cuts[-1] > offsets[-1]:
        return _slice_by_index(arr, start, nbytes)
    spans = pa.LargeStringArray.from_buffers(2 * n - 1, pa.py_buffer(cuts.tobytes()), data)
    return spans.take(pa.array(np.arange(0, 2 * n - 1, 2, dtype="int64")))


def _slice_by_index(arr: pa.Array, start: np.ndarray, nbytes: np.ndarray) -> pa.Array:
    """:func:`_slice` for pieces that are not in order: the bytes gathered with numpy."""
    import pyarrow as pa

    offsets, data = _buffers(arr)
    new_off = np.zeros(len(arr) + 1, dtype="int64")
    np.cumsum(nbytes, out=new_off[1:])
    total = int(new_off[-1])
    if total:
        idx = np.repeat(offsets[:-1] + start - new_off[:-1], nbytes) + np.arange(total, dtype="int64")
        out = data[idx]
    else:
        out = np.zeros(0, dtype="uint8")
    return pa.LargeStringArray.from_buffers(
        len(arr), pa.py_buffer(new_off.tobytes()), pa.py_buffer(out.tobytes())
    )


@cache
def _scope() -> dict[str, Any]:
    """The clause-scope lists of ``data/themes_scope.toml``, as RE2 patterns ready to match."""
    from ..resources import load_toml

    raw = load_toml("themes_scope.toml")
    w = int(raw["window"])
    words = f"(?:[^\\s]*\\s+){{0,{w - 1}}}[^\\s]*\\s*$"  # at most `window` words to the end
    head = f"^\\W*(?:[^\\s]+\\s+){{0,{2 * w - 1}}}?"  # at most 2 x `window` words from the start
    return {
        "boundaries": str(raw["boundaries"]),
        "split_pre": f"(?i)^(?s:.*)(?:{raw['split']})",
        "split_post": f"(?i)(?:{raw['split']})(?s:.*)$",
        "negation": f"(?i)(?:{raw['negation']}){words}",
        "setback": f"(?i)(?:{raw['negation']}|{raw['setback']}){words}",
        "outcome": f"(?i){head}(?:{raw['outcome']})",
        "hedge": f"(?i)(?:{raw['hedge']}){words}",
        "hedge_after": f"(?i){head}(?:{raw['hedge']})",
        "other_before": f"(?i)(?:{raw['other_subject']}){words}",
        "other_after": (
            "(?i)^[\\s,:-]*(?:(?:her|his|their|the|a|an|[a-z]+'?s)\\s+)?(?:maternal |paternal )?"
            f"(?:{raw['other_subject']})"
        ),
    }


def _scoped(
    sub: pa.Array, role: _Role
) -> tuple[np.ndarray, np.ndarray, pa.Array, np.ndarray]:
    """The first match of ``role`` in each row of ``sub`` whose clause lets it count: (row mask,
    pattern index, evidence clause, rule flag: 0 as written, 1 negated into a concern, 2 hedged).

    A concern negated in its clause, or a pattern about the child whose clause names someone else,
    does not count: the rest of the text after that clause is read again (three clauses at most).
    A negated strength, or one with a failed outcome after it, counts as a concern."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(sub)
    valid = np.zeros(n, dtype=bool)
    which = np.zeros(n, dtype="int64")
    flag = np.zeros(n, dtype="int64")
    out_ev = pa.nulls(n, pa.large_string())
    todo = np.arange(n)
    text = sub
    sc = _scope()
    strength = role.name == "strength"
    for attempt in range(3):
        v, w, ev, pre, post, rest = _extract_clause(text, role.pats)
        scoped = role.scoped[w] & v
        keep = v.copy()
        f = np.zeros(len(v), dtype="int64")
        if scoped.any():
            pre_t = pc.replace_substring_regex(pre, sc["split_pre"], "", max_replacements=1)
            post_h = pc.replace_substring_regex(post, sc["split_post"], "", max_replacements=1)
            if strength:
                neg = _match(pre_t, sc["setback"]) | _match(post_h, sc["outcome"])
                f[scoped & neg] = 1
                hedged = scoped & ~neg & (_match(pre_t, sc["hedge"]) | _match(post_h, sc["hedge_after"]))
                f[hedged] = 2
            else:
                keep &= ~(scoped & _match(pre_t, sc["negation"]))
            about = role.about_child[w] & v
            if about.any():
                other = _match(pre_t, sc["other_before"]) | _match(post, sc["other_after"])
                keep &= ~(about & other)
        rows = todo[keep]
        valid[rows] = True
        which[rows] = w[keep]
        flag[rows] = f[keep]
        if keep.any():
            out_ev = _put(out_ev, rows, ev.filter(pa.array(keep)))
        again = v & ~keep
        if attempt == 2 or not again.any():
            break
        # read on after the clause that did not count
        todo = todo[again]
        text = rest.take(again)
    return valid, which, out_ev, flag


def _put(target: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """``target`` with ``values`` at positions ``rows`` (Arrow; no Python loop)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = np.zeros(len(target), dtype=bool)
    mask[rows] = True
    # replace_with_mask fills the masked slots in order: rows must be increasing
    order = np.argsort(rows, kind="stable")
    return pc.replace_with_mask(target, pa.array(mask), values.take(pa.array(order)))


def text_tags(events: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Candidate text tags after negations: ``pos`` (row position), ``theme`` and ``polarity``
    (categoricals), ``rule``, ``evidence``. ``events`` is not modified.

    Examples
    --------
    >>> from chronology.themes.taxonomy import load_taxonomy
    >>> ev = pd.DataFrame({"description": ["Visit to the ward: no views recorded from Cassie"],
    ...                    "action": [None], "child_voice": [None]}, dtype="str")
    >>> text_tags(ev, load_taxonomy())[["theme", "polarity", "rule", "evidence"]].values.tolist()
    [['child_voice', 'concern', 'views_not_recorded', 'Visit to the ward: no views recorded from Cassie']]
    """
    c = text_candidates(events, taxonomy)
    theme_ids = list(taxonomy.themes)
    return pd.DataFrame(
        {
            "pos": c["pos"],
            "theme": pd.Categorical.from_codes(c["theme"], categories=theme_ids),
            "polarity": pd.Categorical.from_codes(c["pol"], categories=["concern", "strength"]),
            "rule": np.array(c["rules"], dtype=object)[c["rule"]] if len(c["pos"]) else np.array([], dtype=object),
            "evidence": pd.array(c["evidence"], dtype="str"),
        }
    )


# --------------------------------------------------------------------------- the plan
_POL = {"concern": 0, "strength": 1, None: 2}
_ROLES = ("negation", "concern", "strength")


@dataclass(frozen=True)
class _Role:
    """The patterns of one role (negation, concern or strength) in one column group of a theme."""

    name: str
    pats: tuple[Pattern, ...]
    first_rule: int  # index of its first pattern in the list of rule ids
    regex: str  # the alternation, for the prefilter
    pol: np.ndarray  # per pattern: 0 concern, 1 strength, 2 none
    sup: np.ndarray  # per pattern: bit 0 suppresses concern, bit 1 strength
    negatable: np.ndarray  # per pattern
    scoped: np.ndarray  # per pattern: its clause is checked for negation, outcome, hedge
    about_child: np.ndarray  # per pattern: counts only about the child

    @property
    def all_negatable(self) -> bool:
        return bool(self.negatable.all())


@dataclass(frozen=True)
class _Group:
    """The patterns of a theme that search the same columns."""

    columns: tuple[str, ...]
    regex: str  # all of them: does the event mention the theme at all
    roles: tuple[_Role, ...]  # in the order negation, concern, strength (those with patterns)
    complete: bool  # every pattern belongs to a role (so a theme hit matches some role)


def _plan(taxonomy: Taxonomy) -> tuple[list[list[_Group]], list[str]]:
    """Per theme, its column groups (in the order the patterns name them), and the rule ids: the
    patterns in the order theme, group, role, pattern (the order in which ties are settled)."""
    rules: list[str] = []
    plan: list[list[_Group]] = []
    for theme in taxonomy.themes.values():
        by_cols: dict[tuple[str, ...], list[Pattern]] = {}
        for p in (*theme.patterns, *theme.negations):
            by_cols.setdefault(p.columns, []).append(p)
        groups = []
        for columns, group in by_cols.items():
            roles = []
            for role in _ROLES:
                pats = _role(group, role)
                if not pats:
                    continue
                roles.append(
                    _Role(
                        role, tuple(pats), len(rules), _regex(pats),
                        np.array([_POL[p.polarity] for p in pats], dtype="int64"),
                        np.array([_bits(p.suppresses) for p in pats], dtype="int64"),
                        np.array([p.negatable for p in pats], dtype=bool),
                        np.array([p.negatable and role != "negation" for p in pats], dtype=bool),
                        np.array([p.about == "child" for p in pats], dtype=bool),
                    )
                )
                rules.extend(p.id for p in pats)
            n_roles = sum(len(r.pats) for r in roles)
            groups.append(_Group(columns, _regex(group), tuple(roles), n_roles == len(group)))
        plan.append(groups)
    return plan, rules


def _role(patterns: Sequence[Pattern], role: str) -> list[Pattern]:
    if role == "negation":
        return [p for p in patterns if p.negation]
    return [p for p in patterns if not p.negation and p.polarity == role]


def _bits(polarities: tuple[str, ...]) -> int:
    return sum(1 << _POL[p] for p in polarities)


# --------------------------------------------------------------------------- matching
def text_candidates(events: pd.DataFrame, taxonomy: Taxonomy, *, sort: bool = True) -> dict[str, Any]:
    """The text tags as arrays: ``pos``, ``theme`` (index in the taxonomy), ``pol`` (0 concern, 1
    strength), ``rule`` (index in ``rules``), ``rules`` (pattern ids), ``evidence`` (Arrow strings).
    One tag per event, theme and polarity, after negations; sorted by event, theme, polarity
    (``sort=False``: in no particular order). ``events`` is not modified."""
    text = TextRules(events, taxonomy)
    return text.collect(run_jobs(text.jobs, parallel=True, prepare=text.prepare), sort=sort)


def run_jobs(
    jobs: Sequence[Callable[[], Any]],
    parallel: bool,
    first: Callable[[], Any] | None = None,
    prepare: Callable[[], None] | None = None,
) -> list[Any]:
    """The results of ``jobs``, on as many threads as there are cores when ``parallel`` (the Arrow
    kernels the jobs spend their time in release the GIL; even on a few hundred events, where
    compiling the patterns is most of the work, two threads pay). ``first``, if given, is started
    first (on a thread of its own) and its result ends the list; ``prepare``, if given, runs on
    the calling thread meanwhile, before the jobs."""
    workers = min(len(jobs) + (first is not None), os.cpu_count() or 1) if parallel else 1
    if workers <= 1:
        if prepare is not None:
            prepare()
        out = [job() for job in jobs]
        return [*out, first()] if first is not None else out
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        head = pool.submit(first) if first is not None else None
        if prepare is not None:
            prepare()
        out = list(pool.map(lambda job: job(), jobs))
        return [*out, head.result()] if head is not None else out


class TextRules:
    """The text rules of a taxonomy, ready to run on one events table.

    Creating it reads the text columns of ``events`` (not modified); :meth:`prepare` joins them
    per column group (Arrow only, so it may run while another thread works with pandas); then
    :attr:`jobs` (one per theme, independent of one another and of pandas, so they may run on
    threads) and :meth:`collect` to gather their results."""

    def __init__(self, events: pd.DataFrame, taxonomy: Taxonomy) -> None:
        self.n = n = len(events)
        self.plan, self.rules = _plan(taxonomy)
        needed = {c for groups in self.plan for g in groups for c in g.columns}
        self._columns = {c: _arrow(events, c) for c in sorted(needed)} if n else {}
        self.texts: dict[tuple[str, ...], _Texts] = {}  # filled by prepare()
        # (the jobs hold the texts, not this object: no reference cycle keeps the texts alive)
        self.jobs: list[Callable[[], Any]] = (
            [partial(_theme_tags, groups, self.texts, n) for groups in self.plan] if n else []
        )

    def prepare(self) -> None:
        """The text of each column group, prepared once; to be called before the jobs run."""
        for groups in self.plan:
            for g in groups:
                if g.columns not in self.texts:
                    self.texts[g.columns] = _Texts(_join([self._columns[c] for c in g.columns]))
        self._columns = {}

    def collect(self, results: Sequence[Any], sort: bool = True) -> dict[str, Any]:
        """The results of :attr:`jobs` (in order) as the arrays :func:`text_candidates` returns
        (``sort=False``: ``evidence`` as a chunked array, in no particular order)."""
        import pyarrow as pa

        found = [(t_idx, r) for t_idx, r in enumerate(results) if r is not None]
        none = np.array([], dtype="int64")
        pos = np.concatenate([none] + [r[0] for _, r in found])
        theme = np.concatenate([none] + [np.full(len(r[0]), t_idx, dtype="int64") for t_idx, r in found])
        pol = np.concatenate([none] + [r[1] for _, r in found])
        rule = np.concatenate([none] + [r[2] for _, r in found])
        evidence = pa.chunked_array([chunk for _, r in found for chunk in r[3]], pa.large_string())
        # rules negated or hedged in their clause (coded negative by _Found): named after the rule
        n_rules = len(self.rules)
        rules = [*self.rules, *(f"{r}:{how}" for r in self.rules for how in ("negated", "hedged"))]
        neg = rule < 0
        rule = np.where(neg, n_rules + (-rule - 1), rule)
        if not sort:
            return {"pos": pos, "theme": theme, "pol": pol, "rule": rule, "rules": rules, "evidence": evidence}
        # (event, theme, polarity) is unique
        order = np.argsort((pos * len(self.plan) + theme) * 2 + pol, kind="stable")
        return {
            "pos": pos[order], "theme": theme[order], "pol": pol[order], "rule": rule[order],
            "rules": rules, "evidence": evidence.take(pa.array(order)).combine_chunks(),
        }


#: Tables of at least this many rows are built on threads (Arrow takes).
_PARALLEL_FROM = 50_000
#: Fewer rows than this are extracted without first finding, in one ``match_substring_regex``
#: pass, those the role matches: compiling the pattern costs more than it saves.
_PREFILTER_FROM = 1000


def _match(values: pa.Array, regex: str) -> np.ndarray:
    """Where ``regex`` is found in ``values``, as a numpy mask."""
    import pyarrow.compute as pc

    return pc.match_substring_regex(values, regex).to_numpy(zero_copy_only=False)


class _Found:
    """Raw text tags of one role in one column group: row positions, polarity, rule, evidence, and
    what each suppresses."""

    def __init__(
        self, pos: np.ndarray, which: np.ndarray, evidence: pa.Array, role: _Role, flag: np.ndarray
    ) -> None:
        self.pos = pos
        # flag 1: a strength negated in its clause, evidence of the concern; 2: hedged. Such rules
        # are coded -(1 + 2 * rule + (flag - 1)) and named by TextRules.collect
        rule = which + role.first_rule
        self.pol = np.where(flag == 1, _POL["concern"], role.pol[which])
        self.rule = np.where(flag > 0, -(1 + 2 * rule + (flag - 1)), rule)
        self.evidence = evidence
        self.sup = role.sup[which]
        self.negatable = role.negatable[which]
        self.negation = role.name == "negation"


def _theme_tags(
    groups: list[_Group], texts: dict[tuple[str, ...], _Texts], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[pa.Array]] | None:
    """The text tags of one theme after negations: (pos, pol, rule, evidence chunks), one per
    event and polarity, in no particular order; ``None`` when there are none.

    Per column group, one RE2 pass with all the group's patterns finds the events that mention the
    theme; on those, a pass per role finds the events it matches, and only there ``extract_regex``
    (much slower than a plain match on short texts: RE2 then skips its DFA) finds the span and the
    pattern. Negations run first, so that the events where they decide the outcome are not
    extracted for the roles they override."""
    state = _ThemeRun(groups, texts)
    # 1. the theme at all, and the negations
    for gi, g in enumerate(groups):
        state.find_hits(gi)
        if len(state.hits[gi]) and g.roles and g.roles[0].name == "negation":
            state.run(gi, 0, np.ones(len(state.hits[gi]), dtype=bool))
    # 2. concern and strength, except where a negation decides: one of the same polarity wins,
    # and one that suppresses the polarity drops every pattern that may be negated
    neg = [f for f in state.found if f.negation]
    for gi, g in enumerate(groups):
        if not len(state.hits[gi]):
            continue
        for r_idx, role in enumerate(g.roles):
            if role.name == "negation":
                continue
            tried = np.ones(len(state.hits[gi]), dtype=bool)
            if neg:
                tried = ~texts[g.columns].all_of(_decided(neg, role, n))[state.hits[gi]]
            state.run(gi, r_idx, tried)
    if not state.found:
        return None
    return _resolve(state.found, n)


def _decided(neg: list[_Found], role: Any, n: int) -> np.ndarray:
    """The events where a negation decides the outcome for ``role``: one of the same polarity,
    or (for a role whose patterns may all be negated) one that suppresses its polarity."""
    p = _POL[role.name]
    skip = np.zeros(n, dtype=bool)
    for f in neg:
        skip[f.pos[f.pol == p]] = True
        if role.all_negatable:
            skip[f.pos[(f.sup & (1 << p)) > 0]] = True
    return skip


class _ThemeRun:
    """The work on one theme's column groups: per group, the positions (in its distinct texts)
    of the hits of the theme's union pattern, their texts (taken when first needed), and which
    hits a role before the current one matched or did not try (``maybe``); the roles' matches
    collect in ``found``."""

    def __init__(self, groups: list[_Group], texts: dict[tuple[str, ...], _Texts]) -> None:
        self.groups = groups
        self.texts = texts
        self.hits: list[np.ndarray] = []
        self.subs: list[pa.Array | None] = []
        self.maybe: list[np.ndarray] = []
        self.found: list[_Found] = []

    def find_hits(self, gi: int) -> None:
        """One RE2 pass of group ``gi``'s union pattern (groups are found in order)."""
        g = self.groups[gi]
        hit = np.flatnonzero(_match(self.texts[g.columns].values, g.regex))
        self.hits.append(hit)
        self.subs.append(None)
        self.maybe.append(np.zeros(len(hit), dtype=bool))

    def texts_of(self, gi: int, where: np.ndarray) -> pa.Array:
        """The texts of the hits of group ``gi`` where ``where`` (a mask over them)."""
        import pyarrow as pa

        sub = self.subs[gi]
        if sub is None:
            values = self.texts[self.groups[gi].columns].values
            hit = self.hits[gi]
            sub = self.subs[gi] = values if len(hit) == len(values) else values.take(pa.array(hit))
        return sub if where.all() else sub.filter(pa.array(where))

    def run(self, gi: int, r_idx: int, tried: np.ndarray) -> None:
        """Extract role ``r_idx`` of group ``gi`` on the hits where ``tried``."""
        rows = self._rows_in_role(gi, r_idx, tried)
        matched = np.zeros(len(self.hits[gi]), dtype=bool)
        if rows.any():
            matched = self._extract_rows(gi, self.groups[gi].roles[r_idx], rows)
        self.maybe[gi] |= matched | ~tried

    def _rows_in_role(self, gi: int, r_idx: int, tried: np.ndarray) -> np.ndarray:
        """The hits to extract role ``r_idx`` on: those of the tried hits the role's pattern
        matches (or all of them, when few)."""
        import pyarrow.compute as pc

        g = self.groups[gi]
        role = g.roles[r_idx]
        hit = self.hits[gi]
        last = r_idx == len(g.roles) - 1 and g.complete
        # a hit that matched no other role (and was tried for all) matches the last role
        test = tried & self.maybe[gi] if last else tried
        rows = tried & ~self.maybe[gi] if last else np.zeros(len(hit), dtype=bool)
        n_test = int(test.sum())
        if n_test < _PREFILTER_FROM:  # few: extract them all (a pass costs more to set up)
            rows |= test
        elif n_test > len(hit) // 2:  # most of the hits: match them all rather than copy some
            in_role = pc.match_substring_regex(self.texts_of(gi, np.ones(len(hit), dtype=bool)), role.regex)
            rows |= test & in_role.to_numpy(zero_copy_only=False)
        else:
            idx = np.flatnonzero(test)
            in_role = pc.match_substring_regex(self.texts_of(gi, test), role.regex)
            rows[idx[in_role.to_numpy(zero_copy_only=False)]] = True
        return rows

    def _extract_rows(self, gi: int, role: Any, rows: np.ndarray) -> np.ndarray:
        """Extract ``role`` on the hits ``rows`` of group ``gi``, add what it found to ``found``;
        returns which hits it matched."""
        import pyarrow as pa

        g = self.groups[gi]
        hit = self.hits[gi]
        if role.name == "negation":
            valid, which, ev = _extract(self.texts_of(gi, rows), role.pats)
            flag = np.zeros(len(which), dtype="int64")
        else:
            valid, which, ev, flag = _scoped(self.texts_of(gi, rows), role)
        idx = np.flatnonzero(rows)
        matched = np.zeros(len(hit), dtype=bool)
        matched[idx[valid]] = True
        uids = hit[idx]
        if not valid.all():
            uids, which, flag = uids[valid], which[valid], flag[valid]
            ev = ev.filter(pa.array(valid))
        pos, k = self.texts[g.columns].positions(uids)
        if k is not None:  # from distinct texts back to every event holding that text
            which, flag = which[k], flag[k]
            ev = ev.take(pa.array(k))
        if len(pos):
            self.found.append(_Found(pos, which, ev, role, flag))
        return matched


def _resolve(found: list[_Found], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[pa.Array]] | None:
    """One tag per event and polarity: negations are never suppressed and win over plain patterns;
    a plain pattern that may be negated (``negatable``) is dropped where a negation suppresses its
    polarity (``suppresses`` is read on negations only); then the first rule wins. Tags of no
    polarity (negations that only suppress) are dropped."""
    import pyarrow as pa

    suppressed = np.zeros(3 * n, dtype=bool)
    for f in (f for f in found if f.negation):
        for b in (0, 1):
            s = (f.sup & (1 << b)) > 0
            if s.any():
                suppressed[f.pos[s] * 3 + b] = True
    taken = np.zeros(3 * n, dtype=bool)
    parts = []
    # negations first, then the rest, each in rule order: the first tag of a key wins (one role
    # of one group gives at most one tag per event)
    for f in sorted(found, key=lambda f: not f.negation):
        key = f.pos * 3 + f.pol
        keep = (f.pol != _POL[None]) & ~taken[key]
        if not f.negation:
            keep &= ~(suppressed[key] & f.negatable)
        if not keep.any():
            continue
        taken[key[keep]] = True
        if keep.all():
            parts.append((f.pos, f.pol, f.rule, f.evidence))
        else:
            parts.append((f.pos[keep], f.pol[keep], f.rule[keep], f.evidence.filter(pa.array(keep))))
    if not parts:
        return None
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        [p[3] for p in parts],
    )


#: Distinct texts are matched once only when a sample of this many rows or more repeats them.
_DISTINCT_FROM = 5000


class _Texts:
    """The texts of a column group, each distinct text once when they repeat (agency exports repeat
    "Telephone call", "DNA", template sentences...), and where each occurs. Free text, where nearly
    every event's words are its own, is kept as it is: hashing it would cost more than it saves
    (a sample decides, as :func:`chronology.normalise.vocab.per_distinct` does)."""

    def __init__(self, text: pa.Array) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        self.values: pa.Array = text
        self._codes: np.ndarray | None = None
        n = len(text)
        if n < _DISTINCT_FROM:
            return
        k = min(n, 20000)
        sample = text.take(pa.array(np.linspace(0, n - 1, k).astype("int64")))
        if pc.count_distinct(sample).as_py() > 0.8 * k:  # mostly distinct: no gain
            return
        enc = pc.dictionary_encode(text)
        self.values = enc.dictionary
        self._codes = enc.indices.to_numpy(zero_copy_only=False)

    def positions(self, uids: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """The row positions holding the texts ``uids`` (in row order) and, for each, the index in
        ``uids`` of its text (``None`` when every text is its row: then the rows are ``uids``)."""
        if self._codes is None:
            return uids, None
        index = np.full(len(self.values), -1, dtype="int64")
        index[uids] = np.arange(len(uids))
        k = index[self._codes]
        rows = np.flatnonzero(k >= 0)
        return rows, k[rows]

    def all_of(self, rows: np.ndarray) -> np.ndarray:
        """Per text: all the rows holding it are in the row mask ``rows``."""
        if self._codes is None:
            return rows
        return np.bincount(self._codes[~rows], minlength=len(self.values)) == 0
