"""What a column's heading says about its role: whole-heading synonyms, words in the heading, date
words, fuzzy matching (the evidence table is ``chronology/data/headers.toml``).

Headings are one piece of evidence; :mod:`chronology.normalise.infer` combines them with the
column's content to choose each column's role. :func:`map_headers` maps headings alone (each field
taken by at most one column, the best); an explicit ``columns={heading: field}`` mapping always wins.

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
from typing import Any

from ..errors import ColumnMappingError
from ..resources import load_toml

__all__ = [
    "FIELDS",
    "heading_scores",
    "map_headers",
    "normalise_heading",
    "score_header_row",
    "user_mapping",
]

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
    "recorded",
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


@cache
def _words() -> dict[str, Any]:
    table = load_toml("headers.toml")
    dw = table["date_words"]
    return {
        "keywords": {role: dict(words) for role, words in table["keywords"].items()},
        "by": set(table["by_words"]["words"]),
        "by_weight": float(table["by_words"]["weight"]),
        "subjects": set(table["case_words"]["subjects"]),
        "ids": set(table["case_words"]["ids"]),
        **{k: set(v) for k, v in dw.items()},
    }


def _guess(heading: str) -> tuple[str | None, float]:
    """The best field for a heading alone and its score out of 100 (None when nothing fits)."""
    scores = heading_scores(str(heading))
    real = {k: v for k, v in scores.items() if k in FIELDS or k == "recorded"}
    if not real:
        return None, 0.0
    field = max(real, key=lambda k: real[k])
    if real[field] < 0.5:
        return None, 0.0
    return field, 100.0 * real[field]


@cache
def heading_scores(heading: str) -> dict[str, float]:
    """What a heading alone says about a column: ``{role: prior in [0, 1]}``.

    Roles are the fields of :data:`FIELDS` plus ``"recorded"`` (the date an entry was written),
    ``"reference"`` (a row number or record reference: kept as an extra column, never the
    description) and ``"ignore"`` (a date of birth: never the event's date). Whole-heading synonyms
    score 1.0; words anywhere in the heading add evidence (``"Summary of event"``, ``"Incident
    details"``); a date or time word decides between start, end, recording date and birth date;
    typing errors are caught by fuzzy matching against the synonyms.

    Examples
    --------
    >>> heading_scores("Incident details")["description"]
    1.0
    >>> max(heading_scores("Occurrence Date").items(), key=lambda kv: kv[1])[0]
    'date'
    >>> heading_scores("Date recorded")
    {'recorded': 1.0}
    >>> sorted(heading_scores("Event").items())
    [('description', 0.55), ('event_type', 0.5)]
    """
    exact, choices, fields, threshold = _synonyms()
    w = _words()
    key = normalise_heading(heading)
    if not key:
        return {}
    words = key.split()
    wordset = set(words)
    if wordset & w["birth"] or "d o b" in key:
        return {"ignore": 1.0}
    out = _word_evidence(words, w)
    # date and time words decide the column's kind: start, end, recording date or birth date
    out = _date_kind(key, wordset, w, out)
    if key in exact:
        out[exact[key]] = 1.0
    elif max(out.values(), default=0.0) < 0.5 and len(key) >= 4:
        _fuzzy(key, choices, fields, threshold, out)
    return {k: round(min(1.0, v), 3) for k, v in out.items() if v > 0}


def _word_evidence(words: list[str], w: Mapping[str, Any]) -> dict[str, float]:
    """What the words of a heading say: keyword weights, "... by" for the practitioner, a subject
    word with an id word for the case id."""
    out: dict[str, float] = {}
    for role, table in w["keywords"].items():
        hits = [table[x] for x in words if x in table]
        if hits:
            out[role] = max(hits) + 0.1 * (len(hits) - 1)
    if words[-1] in w["by"] and len(words) > 1:
        out["practitioner"] = max(out.get("practitioner", 0.0), w["by_weight"])
    wordset = set(words)
    if wordset & w["subjects"] and wordset & w["ids"]:
        out["case_id"] = max(out.get("case_id", 0.0), 0.95)
        out.pop("reference", None)
    return out


def _date_kind(key: str, wordset: set[str], w: Mapping[str, Any], out: dict[str, float]) -> dict[str, float]:
    """A heading with a date or time word is a date column of one kind (start, end, recording date;
    a time or end time): the other evidence is damped."""
    has_date = bool(wordset & w["date"]) or key.startswith("w c ")
    has_time = bool(wordset & w["time"]) or key == "timestamp"
    if not (has_date or has_time):
        return out
    end = bool(wordset & w["end"])
    rec = bool(wordset & w["recorded"])
    if has_date:
        role = "end_date" if end else "recorded" if rec else ("datetime" if has_time else "date")
    else:
        role = "end_time" if end else "time"
    damped = {k: v * 0.4 for k, v in out.items() if k not in ("reference",)}
    damped[role] = 0.9
    return damped


def _fuzzy(key: str, choices: list[str], fields: list[str], threshold: int, out: dict[str, float]) -> None:
    """A typing error caught by fuzzy matching against the synonyms (in place)."""
    from rapidfuzz import fuzz, process

    best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=threshold)
    if best is not None:
        f = fields[best[2]]
        out[f] = max(out.get(f, 0.0), round(0.9 * best[1] / 100, 3))


def score_header_row(cells: Sequence[object]) -> tuple[int, bool]:
    """How many cells look like known headings, and whether one is a date field."""
    hits = [_guess(str(c))[0] for c in cells if c is not None and str(c).strip()]
    found = [h for h in hits if h is not None]
    return len(set(found)), any(h in ("date", "datetime", "recorded") for h in found)


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
    for heading, fld in user_mapping(headings, columns, file=file, sheet=sheet).items():
        if fld is None:
            taken.add(f"ignore:{heading}")
            mapping[heading] = "ignore"
        else:
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


def user_mapping(
    headings: Sequence[str],
    columns: Mapping[str, str | None] | None,
    *,
    file: str | None,
    sheet: str | None,
) -> dict[str, str | None]:
    """The mapping a caller gave with ``columns=``, checked against the headings and the fields.

    Headings are matched exactly, then case-insensitively; a field of ``None`` or ``"ignore"`` maps to
    ``None``. An unknown heading or field raises :class:`ColumnMappingError` listing the valid ones.

    Examples
    --------
    >>> user_mapping(["Matter", "When"], {"matter": "description", "When": "ignore"}, file=None, sheet=None)
    {'Matter': 'description', 'When': None}
    """
    out: dict[str, str | None] = {}
    if not columns:
        return out
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
            out[heading] = None
            continue
        if fld not in FIELDS:
            raise ColumnMappingError(
                f"unknown field {field!r} in columns=",
                file=file,
                sheet=sheet,
                column=given,
                hint=f"use one of: {', '.join(FIELDS)} (or 'ignore')",
            )
        out[heading] = fld
    return out
