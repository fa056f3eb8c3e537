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
from functools import cache

import pandas as pd

from .._data import agency_codes, event_type_codes, load_toml, vocab
from ..errors import OptionError
from .headers import normalise_heading

__all__ = [
    "child_seen",
    "clean_text",
    "infer_event_type",
    "map_agency",
    "map_event_type",
    "null_mask",
    "resolve_agency",
]

_INVISIBLE = "[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"


@cache
def _null_tokens() -> frozenset[str]:
    return frozenset(t.lower() for t in vocab()["null_tokens"]["tokens"])


def clean_text(values: pd.Series) -> pd.Series:
    """Text cells as ``str`` dtype: invisible characters removed, trimmed, null tokens to NA."""
    s = pd.Series(values).astype("str")
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


def _agency_of(name: str) -> str | None:
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
    code = _agency_of(name)
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
    table = {u: (_agency_of(u) or "other") for u in uniq}
    return s.map(table)


def child_seen(values: pd.Series) -> pd.Series:
    """Y/N/Yes/No/Seen/Not seen/blank-style cells to a nullable boolean (unclear -> NA)."""
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
    """Event type from free text: the first pattern of ``event_types.toml`` that matches."""
    s = pd.Series(text).astype("str")
    out = pd.Series(pd.NA, index=s.index, dtype="object")
    for code, pattern in _patterns():
        todo = out.isna()
        if not todo.any():
            break
        hit = s[todo].str.contains(pattern, case=False, regex=True).fillna(False).astype(bool)
        out[hit[hit].index] = code
    return out.fillna(default)


def map_event_type(type_values: pd.Series | None, description: pd.Series) -> pd.Series:
    """Event type from a type column (aliases, then patterns on the type text), else the description."""
    out = pd.Series(pd.NA, index=description.index, dtype="object")
    if type_values is not None:
        t = pd.Series(type_values).astype("str")
        key = t.map(normalise_heading, na_action="ignore")
        codes = set(event_type_codes())
        direct = key.str.replace(" ", "_").where(key.str.replace(" ", "_").isin(codes))
        out = direct.astype("object").where(direct.notna(), key.map(_aliases()))
        todo = out.isna() & t.notna()
        if todo.any():
            guessed = infer_event_type(t[todo], default="")
            out[todo] = guessed.replace("", pd.NA)
    todo = out.isna()
    if todo.any():
        out[todo] = infer_event_type(description[todo])
    return out
