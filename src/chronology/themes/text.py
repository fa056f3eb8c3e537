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
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
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
    in each row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    st = pc.extract_regex(sub, _regex(pats, named=True))
    valid = pc.is_valid(st).to_numpy(zero_copy_only=False)
    fields = [pc.fill_null(pc.struct_field(st, [k]), "") for k in range(len(pats))]
    if len(fields) == 1:
        return valid, np.zeros(len(sub), dtype="int64"), fields[0]
    evidence = pc.binary_join_element_wise(*fields, pa.scalar("", pa.large_string()))
    # the first pattern whose group is not empty (0 when none is)
    which = np.zeros(len(sub), dtype="int64")
    for k in range(len(fields) - 1, -1, -1):
        which[pc.binary_length(fields[k]).to_numpy(zero_copy_only=False) > 0] = k
    return valid, which, evidence


def text_tags(events: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Candidate text tags after negations: ``pos`` (row position), ``theme`` and ``polarity``
    (categoricals), ``rule``, ``evidence``. ``events`` is not modified.

    Examples
    --------
    >>> from chronology.themes.taxonomy import load_taxonomy
    >>> ev = pd.DataFrame({"description": ["Visit to the ward: no views recorded from Cassie"],
    ...                    "action": [None], "child_voice": [None]}, dtype="str")
    >>> text_tags(ev, load_taxonomy())[["theme", "polarity", "rule", "evidence"]].values.tolist()
    [['child_voice', 'concern', 'views_not_recorded', 'no views recorded']]
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
        if not sort:
            return {"pos": pos, "theme": theme, "pol": pol, "rule": rule, "rules": self.rules, "evidence": evidence}
        # (event, theme, polarity) is unique
        order = np.argsort((pos * len(self.plan) + theme) * 2 + pol, kind="stable")
        return {
            "pos": pos[order], "theme": theme[order], "pol": pol[order], "rule": rule[order],
            "rules": self.rules, "evidence": evidence.take(pa.array(order)).combine_chunks(),
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

    def __init__(self, pos: np.ndarray, which: np.ndarray, evidence: pa.Array, role: _Role) -> None:
        self.pos = pos
        self.pol = role.pol[which]
        self.rule = which + role.first_rule
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
    import pyarrow as pa

    hits: list[np.ndarray] = []
    subs: list[pa.Array | None] = []  # the texts of the hits, taken when first needed
    # per group, over its hits: a role before the current one matched, or was not tried
    maybe: list[np.ndarray] = []
    found: list[_Found] = []

    def texts_of(gi: int, where: np.ndarray) -> pa.Array:
        """The texts of the hits of group ``gi`` where ``where`` (a mask over them)."""
        sub = subs[gi]
        if sub is None:
            values = texts[groups[gi].columns].values
            hit = hits[gi]
            sub = subs[gi] = values if len(hit) == len(values) else values.take(pa.array(hit))
        return sub if where.all() else sub.filter(pa.array(where))

    def run(gi: int, r_idx: int, tried: np.ndarray) -> None:
        """Extract role ``r_idx`` of group ``gi`` on the hits where ``tried``."""
        import pyarrow.compute as pc

        g = groups[gi]
        role = g.roles[r_idx]
        hit = hits[gi]
        last = r_idx == len(g.roles) - 1 and g.complete
        # a hit that matched no other role (and was tried for all) matches the last role
        test = tried & maybe[gi] if last else tried
        rows = tried & ~maybe[gi] if last else np.zeros(len(hit), dtype=bool)
        n_test = int(test.sum())
        if n_test < _PREFILTER_FROM:  # few: extract them all (a pass costs more to set up)
            rows |= test
        elif n_test > len(hit) // 2:  # most of the hits: match them all rather than copy some
            in_role = pc.match_substring_regex(texts_of(gi, np.ones(len(hit), dtype=bool)), role.regex)
            rows |= test & in_role.to_numpy(zero_copy_only=False)
        else:
            idx = np.flatnonzero(test)
            in_role = pc.match_substring_regex(texts_of(gi, test), role.regex)
            rows[idx[in_role.to_numpy(zero_copy_only=False)]] = True
        matched = np.zeros(len(hit), dtype=bool)
        if rows.any():
            valid, which, ev = _extract(texts_of(gi, rows), role.pats)
            idx = np.flatnonzero(rows)
            matched[idx[valid]] = True
            uids = hit[idx]
            if not valid.all():
                uids, which, ev = uids[valid], which[valid], ev.filter(pa.array(valid))
            pos, k = texts[g.columns].positions(uids)
            if k is not None:  # from distinct texts back to every event holding that text
                which = which[k]
                ev = ev.take(pa.array(k))
            if len(pos):
                found.append(_Found(pos, which, ev, role))
        maybe[gi] |= matched | ~tried

    # 1. the theme at all, and the negations
    for gi, g in enumerate(groups):
        hit = np.flatnonzero(_match(texts[g.columns].values, g.regex))
        hits.append(hit)
        subs.append(None)
        maybe.append(np.zeros(len(hit), dtype=bool))
        if len(hit) and g.roles and g.roles[0].name == "negation":
            run(gi, 0, np.ones(len(hit), dtype=bool))
    # 2. concern and strength, except where a negation decides: one of the same polarity wins,
    # and one that suppresses the polarity drops every pattern that may be negated
    neg = [f for f in found if f.negation]
    for gi, g in enumerate(groups):
        if not len(hits[gi]):
            continue
        for r_idx, role in enumerate(g.roles):
            if role.name == "negation":
                continue
            tried = np.ones(len(hits[gi]), dtype=bool)
            if neg:
                p = _POL[role.name]
                skip = np.zeros(n, dtype=bool)
                for f in neg:
                    skip[f.pos[f.pol == p]] = True
                    if role.all_negatable:
                        skip[f.pos[(f.sup & (1 << p)) > 0]] = True
                tried = ~texts[g.columns].all_of(skip)[hits[gi]]
            run(gi, r_idx, tried)
    if not found:
        return None
    return _resolve(found, n)


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
