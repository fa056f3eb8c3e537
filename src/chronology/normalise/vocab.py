"""Controlled vocabularies applied to columns: null tokens, agency codes, event types, child seen.

All vectorised: values are mapped through dictionaries built once from the package's data files.

Examples
--------
>>> import pandas as pd
>>> resolve_agency("Metropolitan Police")
'police'
>>> child_seen(pd.Series(["Y", "no", "", "Seen alone", "maybe"])).tolist()
[True, False, <NA>, True, <NA>]
>>> infer_event_type(pd.Series(["Discharged from ward 7", "Police called to address", "Lunch"])).tolist()
['discharge', 'police_callout', 'other']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..resources import agency_codes, event_type_codes, load_toml, vocab
from ..textmatch import Text, contains
from .headers import normalise_heading

__all__ = [
    "agency_of",
    "child_seen",
    "clean_text",
    "infer_event_type",
    "map_agency",
    "map_event_type",
    "null_mask",
    "per_distinct",
    "resolve_agency",
]

_INVISIBLE = "[\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"


@cache
def _null_tokens() -> frozenset[str]:
    return frozenset(t.lower() for t in vocab()["null_tokens"]["tokens"])


def per_distinct(func: Callable[[pd.Series], pd.Series], values: pd.Series) -> pd.Series:
    """``func(values)`` computed once per distinct value when a long column repeats its values
    (agency codes, Y/N, case references, roles): same result, a fraction of the work. ``func`` must
    work cell by cell and keep the index; ``values`` is not modified.

    Examples
    --------
    >>> s = pd.Series([" Y", "n", None] * 5000, dtype="str")
    >>> per_distinct(lambda v: v.str.strip(), s).head(3).tolist()
    ['Y', 'n', nan]
    """
    s = pd.Series(values)
    n = len(s)
    if n < 5000:
        return func(s)
    k = min(n, 20000)
    sample = s.iloc[np.linspace(0, n - 1, k).astype("int64")]
    # values repeated less than twice on average (free text, case notes): factorizing costs two
    # more copies of the distinct text and the take a third, for at best half the work saved
    if sample.nunique(dropna=False) > 0.5 * k:
        return func(s)
    codes, uniques = pd.factorize(s)
    u = pd.Series(uniques, dtype=s.dtype)
    u = pd.concat([u, pd.Series([None], dtype=s.dtype)], ignore_index=True)  # the NA cells
    once = func(u)
    codes = np.where(codes < 0, len(u) - 1, codes)
    return pd.Series(once.array.take(codes), index=s.index, name=s.name)


def clean_text(values: pd.Series) -> pd.Series:
    """Text cells as ``str`` dtype: invisible characters removed, trimmed, null tokens to NA."""
    return per_distinct(_clean_text, pd.Series(values).astype("str"))


def _clean_text(s: pd.Series) -> pd.Series:
    if s.str.contains(_INVISIBLE[:-1] + "\r]", regex=True).any():  # rare: one check for both
        if s.str.contains(_INVISIBLE, regex=True).any():
            s = s.str.replace(_INVISIBLE, "", regex=True)
        if s.str.contains("\r", regex=False).any():
            s = s.str.replace("\r\n", "\n", regex=False)
    s = s.str.strip()
    return s.mask(null_mask(s))


def null_mask(values: pd.Series) -> pd.Series:
    """True where a cell is empty or a null token (``N/K``, ``n/a``, ``-``, ``unknown``...)."""
    s = pd.Series(values).astype("str")
    short = s.str.len() <= max(len(t) for t in _null_tokens())  # null tokens are short
    out = s.isna()
    if short.any():
        out |= short.fillna(False).astype(bool) & s.str.strip().str.lower().isin(_null_tokens())
    return out


@cache
def _agency_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, names in vocab()["agencies"].items():
        out[normalise_heading(code)] = code
        out[normalise_heading(code.replace("_", " "))] = code
        for name in names:
            out.setdefault(normalise_heading(name), code)
    return out


def agency_of(name: str) -> str | None:
    """The agency code a name stands for (``"Metropolitan Police"`` → ``"police"``), or ``None``."""
    key = normalise_heading(name)
    lookup = _agency_lookup()
    if key in lookup:
        return lookup[key]
    # the longest known name contained in the given one ("Riverside Acute Trust" -> hospital words)
    words = f" {key} "
    best = None
    for known, code in lookup.items():
        if len(known) > 2 and f" {known} " in words and (best is None or len(known) > len(best[0])):
            best = (known, code)
    return best[1] if best else None


def resolve_agency(name: str) -> str:
    """The agency code for a code or a name (``"Metropolitan Police"`` -> ``"police"``).

    Raises :class:`~chronology.errors.OptionError` listing the codes when it cannot tell.
    """
    code = agency_of(name)
    if code is None:
        raise OptionError(
            "unknown agency",
            value=name,
            hint=f"pass one of the codes: {', '.join(agency_codes())}",
        )
    return code


def map_agency(values: pd.Series) -> pd.Series:
    """Map a column of agency names to codes; names not recognised become ``other``."""
    s = pd.Series(values).astype("str")
    uniq = s.dropna().unique()
    table = {u: (agency_of(u) or "other") for u in uniq}
    return s.map(table)


def child_seen(values: pd.Series) -> pd.Series:
    """Y/N/Yes/No/Seen/Not seen/blank-style cells to a nullable boolean (unclear -> NA)."""
    return per_distinct(_child_seen, pd.Series(values).astype("str"))


def _child_seen(values: pd.Series) -> pd.Series:
    v = vocab()["child_seen"]
    s = clean_text(values).str.lower().str.strip(" .")
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    yes = s.isin(v["true"]) | s.str.match(r"^(?:yes|y)\b").fillna(False).astype(bool)
    no = s.isin(v["false"]) | s.str.match(r"^(?:no|n|not)\b").fillna(False).astype(bool)
    out[yes & ~no] = True
    out[no] = False
    return out


@cache
def _aliases() -> dict[str, str]:
    table = load_toml("event_types.toml")
    return {normalise_heading(k): v for k, v in table["aliases"].items()}


@cache
def _patterns() -> list[tuple[str, str]]:
    table = load_toml("event_types.toml")
    valid = set(event_type_codes())
    out = []
    for p in table["patterns"]:
        if p["event_type"] not in valid:  # pragma: no cover - data file check
            raise ValueError(f"event_types.toml: unknown event type {p['event_type']!r}")
        re.compile(p["regex"])  # fail early on a bad pattern
        # non-capturing groups: str.contains warns on capturing ones
        out.append((p["event_type"], re.sub(r"\((?!\?)", "(?:", p["regex"])))
    return out


def infer_event_type(text: pd.Series, default: str = "other") -> pd.Series:
    """Event type from free text: the first pattern of ``event_types.toml`` that matches.

    The same answer as trying the patterns one by one in order, found with a few passes over the
    text instead of one per pattern (see :func:`first_match`).

    Examples
    --------
    >>> infer_event_type(pd.Series(["Strategy discussion held", "Mother phoned", "Lunch"])).tolist()
    ['strategy_meeting', 'contact', 'other']
    """
    s = pd.Series(text).astype("str")
    patterns = _patterns()
    found = first_match(Text(s), [p for _, p in patterns], rows=np.flatnonzero(s.notna().to_numpy()))
    codes = np.array([code for code, _ in patterns] + [default], dtype=object)
    return pd.Series(codes[found], index=s.index, dtype="object")


#: below this many texts, :func:`first_match` tries the patterns one by one (one case's files)
_FEW_ROWS = 2000


def _union(patterns: Sequence[str]) -> str:
    return patterns[0] if len(patterns) == 1 else "|".join(f"(?:{p})" for p in patterns)


def first_match(
    text: Text, patterns: Sequence[str], *, rows: np.ndarray | None = None, case: bool = False
) -> np.ndarray:
    """For each text, the position of the first of ``patterns`` it contains (-1: none, or not in
    ``rows``), as :func:`contains` would find trying them in order.

    One regex that is the alternation of several patterns matches a text exactly when one of them
    does, and RE2 scans for an alternation in one pass, whatever its length. So the texts that
    match none are set aside with one pass of all the patterns; the others are split by the first
    half of the list (those that match it have their answer there, the rest in the second half),
    and so on: about ``log2(len(patterns)) + 1`` passes over each text, instead of up to one per
    pattern.

    Examples
    --------
    >>> t = Text(pd.Series(["a cat", "a dog and a cat", "a cow", None], dtype="str"))
    >>> first_match(t, ["dog", "cat", "cow"]).tolist()
    [1, 0, 2, -1]
    """
    found = np.full(len(text), -1, dtype="int64")
    start = np.arange(len(text)) if rows is None else np.asarray(rows, dtype="int64")
    if not patterns or not len(start):
        return found
    if len(start) < _FEW_ROWS:  # compiling the alternations costs more than it saves
        for k, pattern in enumerate(patterns):
            hit = contains(text, pattern, rows=start, case=case)
            found[start[hit]] = k
            start = start[~hit]
            if not len(start):
                break
        return found
    start = start[contains(text, _union(patterns), rows=start, case=case)]
    todo: list[tuple[int, int, np.ndarray]] = [(0, len(patterns), start)]
    while todo:  # each entry: rows known to match one of patterns[lo:hi]
        lo, hi, at = todo.pop()
        if not len(at):
            continue
        if hi - lo == 1:
            found[at] = lo
            continue
        mid = (lo + hi) // 2
        hit = contains(text, _union(patterns[lo:mid]), rows=at, case=case)
        todo += [(lo, mid, at[hit]), (mid, hi, at[~hit])]
    return found


def map_event_type(type_values: pd.Series | None, description: pd.Series) -> pd.Series:
    """Event type from a type column (aliases, then patterns on the type text), else the description."""
    out = pd.Series(pd.NA, index=description.index, dtype="object")
    if type_values is not None:
        out = per_distinct(_type_codes, pd.Series(type_values).astype("str"))
    todo = out.isna()
    if todo.any():
        out[todo] = infer_event_type(description[todo])
    return out


def _type_codes(t: pd.Series) -> pd.Series:
    """Event type codes from the text of a type column (NA where it says nothing known)."""
    key = t.map(normalise_heading, na_action="ignore")
    codes = set(event_type_codes())
    direct = key.str.replace(" ", "_").where(key.str.replace(" ", "_").isin(codes))
    out = direct.astype("object").where(direct.notna(), key.map(_aliases()))
    todo = out.isna() & t.notna()
    if todo.any():
        guessed = infer_event_type(t[todo], default="")
        out[todo] = guessed.replace("", pd.NA)
    return out
