"""Map source column headings to canonical fields: synonym table first, then fuzzy matching.

The synonym table is ``chronology/data/headers.toml``. A heading is normalised (lower case, punctuation
to spaces) before matching; exact synonyms win, then rapidfuzz's ``token_set_ratio`` above the table's
threshold. Each field is taken by at most one column (the first and best); other columns are kept
unmapped. An explicit ``columns={heading: field}`` mapping always wins.

Examples
--------
>>> map_headers(["Date/Time", "Details", "Action taken", "Child seen (Y/N)", "Officer", "Beat"])
{'Date/Time': 'datetime', 'Details': 'description', 'Action taken': 'action', 'Child seen (Y/N)': 'child_seen', 'Officer': 'practitioner'}
>>> map_headers(["Date", "Time", "Summary of contct"])["Summary of contct"]
'description'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

from .._data import load_toml
from ..errors import ColumnMappingError

__all__ = ["FIELDS", "map_headers", "normalise_heading", "score_header_row"]

#: canonical fields a source column can map to
FIELDS: tuple[str, ...] = (
    "case_id",
    "agency",
    "service",
    "datetime",
    "date",
    "time",
    "end_date",
    "end_time",
    "event_type",
    "description",
    "action",
    "child_seen",
    "child_voice",
    "practitioner",
)
#: canonical event-table names accepted as field names in ``columns=`` (start -> datetime, end -> end_date)
FIELD_ALIASES = {"start": "datetime", "end": "end_date", "type": "event_type"}
IGNORE = {"ignore", "none", "", "-"}

_PUNCT = re.compile(r"[^0-9a-z&]+")


def normalise_heading(heading: object) -> str:
    """Lower case, ``’`` to ``'`` removed, punctuation to single spaces.

    Examples
    --------
    >>> normalise_heading(" Child seen (Y/N) ")
    'child seen y n'
    >>> normalise_heading("Child’s views")
    'childs views'
    """
    text = str(heading).lower().replace("\u2019", "").replace("'", "")
    return _PUNCT.sub(" ", text).strip()


@cache
def _synonyms() -> tuple[dict[str, str], list[str], list[str], int]:
    table = load_toml("headers.toml")
    exact: dict[str, str] = {}
    choices: list[str] = []
    fields: list[str] = []
    for field, names in table["synonyms"].items():
        for name in names:
            key = normalise_heading(name)
            exact.setdefault(key, field)
            choices.append(key)
            fields.append(field)
    return exact, choices, fields, int(table.get("fuzzy_threshold", 88))


def _guess(heading: str) -> tuple[str | None, float]:
    exact, choices, fields, threshold = _synonyms()
    key = normalise_heading(heading)
    if not key:
        return None, 0.0
    if key in exact:
        return exact[key], 100.0
    if len(key) < 4:
        return None, 0.0
    from rapidfuzz import fuzz, process

    best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=threshold)
    if best is None:
        return None, 0.0
    return fields[best[2]], float(best[1])


def score_header_row(cells: Sequence[object]) -> tuple[int, bool]:
    """How many cells look like known headings, and whether one is a date field."""
    hits = [_guess(str(c))[0] for c in cells if c is not None and str(c).strip()]
    found = [h for h in hits if h is not None]
    return len(set(found)), any(h in ("date", "datetime") for h in found)


def map_headers(
    headings: Sequence[str],
    columns: Mapping[str, str | None] | None = None,
    *,
    file: str | None = None,
    sheet: str | None = None,
) -> dict[str, str]:
    """Return ``{heading: field}`` for the headings that map to a canonical field.

    ``columns`` overrides: ``{heading: field}``; a field of ``None`` or ``"ignore"`` keeps the column
    unmapped. Headings in ``columns`` are matched exactly, then case-insensitively.
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    if columns:
        lookup = {normalise_heading(h): h for h in headings}
        for given, field in columns.items():
            heading = given if given in headings else lookup.get(normalise_heading(given))
            if heading is None:
                raise ColumnMappingError(
                    "columns= names a heading that is not in the file",
                    file=file,
                    sheet=sheet,
                    column=given,
                    hint=f"the headings are: {', '.join(map(str, headings))}",
                )
            fld = None if field is None else FIELD_ALIASES.get(str(field), str(field))
            if fld is None or fld.lower() in IGNORE:
                taken.add(f"ignore:{heading}")
                mapping[heading] = "ignore"
                continue
            if fld not in FIELDS:
                raise ColumnMappingError(
                    f"unknown field {field!r} in columns=",
                    file=file,
                    sheet=sheet,
                    column=given,
                    hint=f"use one of: {', '.join(FIELDS)} (or 'ignore')",
                )
            mapping[heading] = fld
            taken.add(fld)
    guesses = []
    for order, heading in enumerate(headings):
        if heading in mapping:
            continue
        field, score = _guess(heading)
        if field is not None:
            guesses.append((-score, order, heading, field))
    for _neg, _order, heading, field in sorted(guesses):
        if field in taken:
            continue
        # a combined date-time column and separate date columns cannot both be "the" date
        if (field == "date" and "datetime" in taken) or (field == "datetime" and "date" in taken):
            continue
        mapping[heading] = field
        taken.add(field)
    return {h: f for h, f in mapping.items() if f != "ignore"}
