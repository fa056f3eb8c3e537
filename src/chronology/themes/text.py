"""Text rules: the theme patterns of a taxonomy matched over every event's words at once.

How it works, and why it is fast
--------------------------------
The searched columns (``description``, ``action``, ``child_voice``) are joined per event with a
newline (so a pattern written with ``.`` or ``[^.]`` never runs from one column into the next) and
kept as one Arrow ``large_string`` array, the storage of pandas 3's ``str`` dtype; identical texts
are matched once (dictionary encoding) and the results spread back to every event. Then, per theme:

1. one ``match_substring_regex`` pass with all the theme's patterns and negations in one
   alternation finds the events that mention the theme at all;
2. on those events only, one ``extract_regex`` per role (concern patterns, strength patterns,
   negations), each pattern a named group, gives the first matching span (the evidence) and which
   pattern matched it (the rule).

So a taxonomy of 9 themes costs 9 passes over the distinct texts, whatever the number of phrases;
on large inputs the themes run on threads (the kernels release the GIL). These are
the RE2 kernels behind ``Series.str.contains`` / ``Series.str.extract``, called directly: pandas
3.1 falls back to Python's ``re``, row by row, whenever a pattern uses ``\\b``, ``\\w`` or ``\\d``
and any value holds a non-ASCII character (a curly apostrophe is enough), which is about 10 times
slower; RE2's ASCII word boundaries are what English agency records need.

Negations ("not seen", "no views recorded", "did not escalate") are patterns of their own: when one
matches an event, the theme's tags of the polarities it ``suppresses`` are dropped for that event,
and if it has a polarity it becomes evidence itself (usually a concern).

One event gives at most one text tag per theme and polarity (the first span found; a negation wins
over a plain pattern).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

    from .taxonomy import Pattern, Taxonomy

__all__ = ["event_text", "text_candidates", "text_tags"]



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
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = [_arrow(events, c) for c in columns]
    if len(arrays) == 1:
        return pc.fill_null(arrays[0], "")
    return pc.binary_join_element_wise(
        *arrays, pa.scalar("\n", pa.large_string()), null_handling="replace", null_replacement=""
    )


def _role(patterns: Sequence[Pattern], role: str) -> list[Pattern]:
    if role == "negation":
        return [p for p in patterns if p.negation]
    return [p for p in patterns if not p.negation and p.polarity == role]


def _extract(sub: pa.Array, pats: list[Pattern]) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """(row mask, index of the pattern that matched, evidence as Arrow strings) for the first match
    in each row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    regex = "(?i)" + "|".join(f"(?P<g{k}>{p.regex})" for k, p in enumerate(pats))
    st = pc.extract_regex(sub, regex)
    valid = pc.is_valid(st).to_numpy(zero_copy_only=False)
    fields = [pc.fill_null(pc.struct_field(st, [k]), "") for k in range(len(pats))]
    if len(fields) == 1:
        evidence = fields[0]
        which = np.zeros(len(sub), dtype="int64")
    else:
        evidence = pc.binary_join_element_wise(*fields, pa.scalar("", pa.large_string()))
        nonempty = np.vstack([pc.not_equal(f, "").to_numpy(zero_copy_only=False) for f in fields])
        which = nonempty.argmax(axis=0)
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


def text_candidates(events: pd.DataFrame, taxonomy: Taxonomy) -> dict[str, Any]:
    """The text tags as arrays: ``pos``, ``theme`` (index in the taxonomy), ``pol`` (0 concern, 1
    strength), ``rule`` (index in ``rules``), ``rules`` (pattern ids), ``evidence`` (Arrow strings).
    One tag per event, theme and polarity, after negations; sorted by event, theme, polarity."""
    import pyarrow as pa

    n = len(events)
    theme_ids = list(taxonomy.themes)
    empty: dict[str, Any] = {
        "pos": np.array([], dtype="int64"), "theme": np.array([], dtype="int64"),
        "pol": np.array([], dtype="int64"), "rule": np.array([], dtype="int64"), "rules": [],
        "evidence": pa.array([], pa.large_string()),
    }
    if n == 0:
        return empty
    # distinct texts per column group, prepared once
    texts: dict[tuple[str, ...], _Unique] = {}
    for theme in taxonomy.themes.values():
        for p in (*theme.patterns, *theme.negations):
            if p.columns not in texts:
                texts[p.columns] = _Unique(event_text(events, p.columns))
    # themes are independent: run them on threads (pyarrow's kernels release the GIL)
    jobs = list(enumerate(taxonomy.themes.values()))
    workers = min(len(jobs), os.cpu_count() or 1) if n >= _PARALLEL_FROM else 1
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda job: _theme_candidates(job[0], job[1], texts), jobs))
    else:
        results = [_theme_candidates(t_idx, theme, texts) for t_idx, theme in jobs]
    # candidate tags as parallel arrays; one key per (event, theme, polarity) for the set logic
    cols: dict[str, list[Any]] = {
        k: [] for k in ("pos", "theme", "pol", "rule", "evidence", "neg", "sup", "negatable")
    }
    rules: list[str] = []
    for parts in results:
        for part in parts:
            cols["rule"].append(part.pop("which") + len(rules))
            rules.extend(part.pop("rules"))
            for k, v in part.items():
                cols[k].append(v)
    if not cols["pos"]:
        return empty
    c = {k: np.concatenate(v) for k, v in cols.items() if k != "evidence"}
    evidence = pa.concat_arrays([a.cast(pa.large_string()) for a in cols["evidence"]])
    key = (c["pos"] * len(theme_ids) + c["theme"]) * 3 + c["pol"]
    keep = c["pol"] != _POL[None]
    if c["neg"].any():
        # keys suppressed by a negation of the same event and theme
        base = (c["pos"] * len(theme_ids) + c["theme"]) * 3
        sup = np.concatenate([base[(c["sup"] & (1 << b)) > 0] + b for b in (0, 1)])
        keep &= ~(np.isin(key, sup) & ~c["neg"] & c["negatable"])
    # one tag per event, theme and polarity: a negation first, then the first pattern
    sel = np.flatnonzero(keep)
    order = np.lexsort((c["rule"][sel], ~c["neg"][sel], key[sel]))
    sel = sel[order]
    first = np.r_[True, key[sel][1:] != key[sel][:-1]]
    sel = sel[first]
    return {
        "pos": c["pos"][sel],
        "theme": c["theme"][sel],
        "pol": c["pol"][sel],
        "rule": c["rule"][sel],
        "rules": rules,
        "evidence": evidence.take(pa.array(sel)),
    }


_PARALLEL_FROM = 50_000


def _theme_candidates(t_idx: int, theme: Any, texts: dict[tuple[str, ...], _Unique]) -> list[dict[str, Any]]:
    """The raw (before negations) text tags of one theme: one dict of arrays per role found."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out: list[dict[str, Any]] = []
    groups: dict[tuple[str, ...], list[Pattern]] = {}
    for p in (*theme.patterns, *theme.negations):
        groups.setdefault(p.columns, []).append(p)
    for columns, group in groups.items():
        uniq = texts[columns]
        combined = "(?i)" + "|".join(f"(?:{p.regex})" for p in group)
        hit = pc.match_substring_regex(uniq.values, combined).to_numpy(zero_copy_only=False)
        idx = np.flatnonzero(hit)
        if not len(idx):
            continue
        sub = uniq.values.take(pa.array(idx))
        for role in ("negation", "concern", "strength"):
            pats = _role(group, role)
            if not pats:
                continue
            valid, which, ev = _extract(sub, pats)
            if not valid.any():
                continue
            # from distinct texts back to every event holding that text
            pos, rep = uniq.positions(idx[valid])
            which = np.repeat(which[valid], rep)
            ev_valid = ev.filter(pa.array(valid))
            out.append(
                {
                    "pos": pos,
                    "theme": np.full(len(which), t_idx, dtype="int64"),
                    "pol": np.array([_POL[p.polarity] for p in pats], dtype="int64")[which],
                    "which": which,
                    "rules": [p.id for p in pats],
                    "evidence": ev_valid.take(pa.array(np.repeat(np.arange(len(ev_valid)), rep))),
                    "neg": np.full(len(which), role == "negation"),
                    "sup": np.array([_bits(p.suppresses) for p in pats], dtype="int64")[which],
                    "negatable": np.array([p.negatable for p in pats], dtype=bool)[which],
                }
            )
    return out


_POL = {"concern": 0, "strength": 1, None: 2}


class _Unique:
    """The distinct texts of a column group and where each occurs: patterns run once per distinct
    text (agency exports repeat "Telephone call", "DNA", template sentences...)."""

    def __init__(self, text: pa.Array) -> None:
        import pyarrow.compute as pc

        enc = pc.dictionary_encode(text)
        self.values: pa.Array = enc.dictionary
        codes = enc.indices.to_numpy(zero_copy_only=False).astype("int64")
        self._order = np.argsort(codes, kind="stable")
        self._counts = np.bincount(codes, minlength=len(self.values))
        self._starts = np.concatenate([[0], np.cumsum(self._counts)[:-1]])

    def positions(self, uids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row positions holding the distinct texts ``uids`` (grouped by uid, in order), and how
        many rows each uid has."""
        rep = self._counts[uids]
        total = int(rep.sum())
        offsets = np.arange(total) - np.repeat(np.cumsum(rep) - rep, rep)
        return self._order[np.repeat(self._starts[uids], rep) + offsets], rep


def _bits(polarities: tuple[str, ...]) -> int:
    return sum(1 << _POL[p] for p in polarities)


