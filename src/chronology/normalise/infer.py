"""Infer each column's role from its heading *and* its content, and record the evidence.

Agencies head their columns in their own words ("Occurrence", "Matter", "Clinical summary",
"Instruction date") and a heading can mislead ("Entry" holding row numbers 1, 2, 3...). So every
column is profiled from a sample of its cells (vectorised: the share that reads as a date, a time, a
Y/N answer, a whole number in a 1..n run, a reference code; how long and how varied its text is) and
that evidence is combined with what the heading says (:func:`~.headers.heading_scores`):

- a column that parses as dates is a date candidate whatever its heading; when the heading table
  knows nothing, the content decides;
- the description is the free-text column reading most like "what happened"; a column of row
  numbers, references, dates, times or Y/N answers is never the description;
- headings stay a strong prior for the roles content cannot tell apart (service, practitioner,
  action, event type, case id); ``columns=`` always wins;
- when two readings are close (two columns could equally be the description or the date), or the
  heading and the content disagree strongly, :class:`~chronology.errors.ColumnMappingError` is
  raised naming both columns, with the fix as ``fix={"columns": {...}}`` (rendered in the caller's
  syntax: ``columns={...}`` in Python, ``--column "Heading=role"`` on the command line).

What was inferred is returned as one record per source column (kept in ``provenance["inferred"]``):
``{"column", "role", "by", "confidence", "runner_up", "reason"}``.

Examples
--------
>>> import pandas as pd
>>> cells = pd.DataFrame({
...     "Entry": ["1", "2", "3"],
...     "Date": ["01/03/2024", "02/03/2024", "04/03/2024"],
...     "Details": ["Home visit, mother present and child seen alone",
...                 "Phone call from school about a bruise on the arm",
...                 "Strategy discussion held with police and health"],
... }, dtype="str")
>>> mapping, inferred = infer_columns(cells)
>>> mapping
{'Date': 'date', 'Details': 'description'}
>>> inferred[0]["role"], inferred[0]["reason"]
(None, 'row numbers (1, 2, 3...): kept as an extra column, never the description')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ColumnMappingError
from ..resources import vocab
from .headers import FIELDS, heading_scores, normalise_heading, user_mapping

__all__ = ["SAMPLE_ROWS", "infer_columns", "profile_columns"]

#: cells profiled per column: the first rows and rows spread over the rest (profiling stays cheap
#: on a million-row file)
SAMPLE_ROWS = 200

#: roles that can be recognised from the content alone (a Y/N column is not "child seen" unless
#: its heading says so: agencies ask many yes/no questions)
_CONTENT_ROLES = ("date", "datetime", "time", "description", "reference")
#: a role is taken when its combined score reaches this
_ACCEPT = 0.3
#: two candidates closer than this are "close": refused rather than guessed
_CLOSE = 0.08
_DATE_ROLES = ("date", "datetime", "recorded", "end_date")

_INT_RE = r"\d{1,7}"
#: what a cell must contain to be worth trying as a date (a numeric date, a year, a month name)
DATEISH = (
    r"(?i)\d{1,4}\s*[/.\-]\s*\d{1,2}|\b(?:19|20)\d\d\b|\b\d{5}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
)
_CODE_RE = r"(?=[^\s]*\d)[A-Za-z]{0,10}[-/_.:#]?\d[\w/.\-:#]{0,24}"
_TIMEISH_RE = r"\d{1,2}\s*[:.]\s*\d{2}(?::\d{2})?\s*(?:am|pm|hrs|h)?|\d{1,2}\s*(?:am|pm)"


def _sample_positions(n: int, k: int = SAMPLE_ROWS) -> np.ndarray:
    if n <= k:
        return np.arange(n)
    head = np.arange(k // 2)
    rest = np.linspace(k // 2, n - 1, k - k // 2).astype("int64")
    return np.unique(np.concatenate([head, rest]))


def _yn_tokens() -> frozenset[str]:
    v = vocab()["child_seen"]
    words = [t for t in v["true"] + v["false"] if any(ch.isalpha() for ch in t) and t != "x"]
    return frozenset([*words, "yes - seen", "no - not seen", "seen and heard", "not spoken to", "spoken to"])


def profile_columns(cells: pd.DataFrame) -> pd.DataFrame:
    """One row of content evidence per column (index: position), from a sample of the rows.

    Columns: ``n`` (non-blank cells sampled), ``date``, ``minute``, ``serial``, ``time``, ``yn``,
    ``int``, ``run`` (whole numbers counting up by one: row numbers), ``code`` (reference codes),
    ``words`` (mean words per cell), ``multi`` (share with three words or more), ``distinct``
    (distinct share) and ``free`` (how much it reads like free text, 0..1). All shares are of the
    non-blank cells. The input is not modified.

    Examples
    --------
    >>> p = profile_columns(pd.DataFrame({"a": ["1", "2", "3"], "b": ["12/03/2024", "x", None]}))
    >>> p[["n", "int", "run", "date"]].values.tolist()
    [[3.0, 1.0, 1.0, 0.0], [2.0, 0.0, 0.0, 0.5]]
    """
    from .vocab import null_mask

    ncol = cells.shape[1]
    pos = _sample_positions(len(cells))
    sub = cells.iloc[pos]
    k = len(sub)
    cols = ["n", "date", "minute", "serial", "time", "yn", "int", "run", "code", "words", "multi",
            "distinct", "free", "agency"]
    if ncol == 0 or k == 0:
        return pd.DataFrame(0.0, index=range(ncol), columns=cols)
    parts = [sub.iloc[:, j].reset_index(drop=True) for j in range(ncol)]
    text_only = all(isinstance(p.dtype, pd.StringDtype) for p in parts)
    values = pd.concat(parts, ignore_index=True)
    if text_only:  # otherwise mixed cells (Excel): dates, numbers and text stay as they are
        values = values.astype("str")
    code = np.repeat(np.arange(ncol), k)
    text = values.astype("str").str.strip()
    blank = null_mask(text).to_numpy() | text.isna().to_numpy()
    keep = ~blank
    if not keep.any():
        return pd.DataFrame(0.0, index=range(ncol), columns=cols)
    v = values[keep].reset_index(drop=True)
    t = text[keep].reset_index(drop=True)
    c = code[keep]
    frame, low = _cell_flags(v, t, text_only)
    frame.insert(0, "c", c)
    g = frame.groupby("c")
    out = g.mean()
    out["n"] = g.size()
    out["minute"] = (frame["minute"].groupby(frame["c"]).sum() / frame["date"].groupby(frame["c"]).sum()).fillna(0.0)
    out["distinct"] = pd.Series(low.to_numpy()).groupby(c).nunique() / out["n"]
    out = out.reindex(range(ncol)).fillna(0.0)
    # each column's cell positions, found once (a mask per column would cost width x cells)
    at = {int(k): v for k, v in pd.Series(np.arange(len(c))).groupby(c).indices.items()}
    out["run"] = _row_number_runs(out, t, frame["int"].to_numpy(), at)
    out["agency"] = _agency_shares(out, low, at)
    struct = out[["date", "time", "yn", "int", "code", "serial"]].max(axis=1)
    mw = out["words"]
    free = 0.5 * ((mw - 1) / 4).clip(0, 1) + 0.5 * out["multi"]
    varied = np.where(out["n"] >= 5, 0.6 + 0.4 * out["distinct"], 1.0)
    out["free"] = (free * (1 - struct) * varied).clip(0, 1)
    return out[cols].astype("float64")


def _cell_flags(v: pd.Series, t: pd.Series, text_only: bool) -> tuple[pd.DataFrame, pd.Series]:
    """What each non-blank sampled cell is (date, minute, serial, time, Y/N, whole number, code;
    words), and its text lower-cased for the distinct counts."""
    from .dates import parse_dates, parse_times

    # only short cells with a digit can be dates: free text is not sent through the date formats
    maybe = (t.str.len().le(40) & t.str.contains(DATEISH, regex=True)).fillna(False).to_numpy(dtype=bool)
    if not text_only:
        maybe = maybe | ~v.map(lambda x: isinstance(x, str)).to_numpy(dtype=bool)
    parsed = parse_dates(v[maybe]).reindex(v.index)
    fmt = parsed["format"].astype("str")
    isnum_text = t.str.fullmatch(r"\d+(?:\.\d+)?").fillna(False).to_numpy(dtype=bool)
    serial = fmt.eq("Excel serial number").fillna(False).to_numpy(dtype=bool)
    year_only = parsed["precision"].eq("year").fillna(False).to_numpy(dtype=bool) & isnum_text
    us_style = parsed["reason"].eq("not a valid day-first date; it looks month-first (US style)")
    is_date = (parsed["start"].notna() | us_style.fillna(False)).to_numpy() & ~serial & ~year_only
    minute = is_date & parsed["precision"].eq("minute").fillna(False).to_numpy(dtype=bool)
    timeish = t.str.fullmatch(_TIMEISH_RE, case=False).fillna(False).to_numpy(dtype=bool)
    if not text_only:
        import datetime as dt

        obj = v.to_numpy()
        timeish = timeish | np.fromiter((isinstance(x, dt.time) for x in obj), dtype=bool, count=len(obj))
    is_time = np.zeros(len(t), dtype=bool)
    if timeish.any():
        tt = parse_times(v[timeish])
        is_time[np.flatnonzero(timeish)] = tt["offset"].notna().to_numpy()
    is_time &= ~is_date
    low = t.str.lower().str.strip(" .?!")
    is_yn = low.isin(_yn_tokens()).to_numpy()
    is_int = t.str.fullmatch(_INT_RE).fillna(False).to_numpy(dtype=bool)
    is_code = t.str.fullmatch(_CODE_RE).fillna(False).to_numpy(dtype=bool) & ~is_int & ~is_date & ~is_time
    words = t.str.count(r"\S+").fillna(0).to_numpy(dtype="float64")
    frame = pd.DataFrame(
        {"date": is_date, "minute": minute, "serial": serial, "time": is_time, "yn": is_yn,
         "int": is_int, "code": is_code, "words": words, "multi": words >= 3}
    )
    return frame, low


def _row_number_runs(out: pd.DataFrame, t: pd.Series, is_int: np.ndarray, at: Mapping[int, np.ndarray]) -> pd.Series:
    """Per column, the share of steps of one or two between its whole numbers (row numbers: 1, 2,
    3... or 101, 102...); only for columns of whole numbers."""
    run = pd.Series(0.0, index=out.index)
    none = np.zeros(0, dtype=np.int64)
    for j in np.flatnonzero(out["int"].to_numpy() >= 0.9):
        pos = at.get(int(j), none)
        nums = pd.to_numeric(t.iloc[pos[is_int[pos]]], errors="coerce").dropna().to_numpy()
        if len(nums) >= 2:
            steps = np.diff(nums)
            run.loc[j] = float(np.mean((steps >= 1) & (steps <= 2)))
        elif len(nums) == 1 and nums[0] <= 3:
            run.loc[j] = 1.0
    return run


def _agency_shares(out: pd.DataFrame, low: pd.Series, at: Mapping[int, np.ndarray]) -> pd.Series:
    """Per short-text column, the share of cells naming an agency (looked up per distinct value)."""
    from .vocab import agency_of

    share = pd.Series(0.0, index=out.index)
    none = np.zeros(0, dtype=np.int64)
    for j in np.flatnonzero((out["words"].to_numpy() <= 4) & (out["n"].to_numpy() > 0)):
        vals = low.iloc[at.get(int(j), none)]
        uniq = vals.unique()[:50]
        hits = {u: agency_of(str(u)) is not None for u in uniq}
        share.loc[j] = float(vals.map(hits).fillna(False).astype(bool).mean())
    return share


def _content_fit(p: pd.Series) -> dict[str, float]:
    """How well a column's content fits each role, 0..1 (0.5 when the column is empty)."""
    if p["n"] == 0:
        return dict.fromkeys((*FIELDS, "recorded", "reference"), 0.5)
    struct = max(p["date"], p["time"], p["yn"], p["int"], p["code"], p["serial"])
    short = 1 - p["free"]
    date = max(p["date"], 0.5 * p["serial"])
    fit = {
        "date": date,
        "datetime": date if p["minute"] >= 0.5 else 0.5 * date,
        "recorded": date,
        "end_date": date,
        "time": p["time"],
        "end_time": p["time"],
        "child_seen": p["yn"],
        "description": 0.0 if struct >= 0.6 else p["free"],
        "action": 0.0 if struct >= 0.6 else min(1.0, p["free"] + 0.3 * (p["words"] >= 2)),
        "event_type": short * (1 - max(p["date"], p["time"], p["int"])),
        "service": short * (1 - max(p["date"], p["time"], p["int"], p["yn"])),
        "practitioner": short * (1 - max(p["date"], p["time"], p["int"], p["yn"])),
        "agency": p["agency"],
        "case_id": short * (1 - max(p["date"], p["time"])),
        "child_voice": 1 - max(p["date"], p["int"], p["code"], p["time"]),
        "reference": max(p["run"], p["code"], 0.8 * p["int"]) * (1 - p["date"]),
        "ignore": 1.0,
    }
    return {k: float(v) for k, v in fit.items()}


def _content_words(p: pd.Series) -> str:
    """A short plain-English account of a column's content."""
    if p["n"] == 0:
        return "no content"
    if p["run"] >= 0.8 and p["int"] >= 0.9:
        return "row numbers (1, 2, 3...)"
    if p["date"] >= 0.6:
        return f"{p['date']:.0%} dates" + (" with times" if p["minute"] >= 0.5 else "")
    if p["time"] >= 0.6:
        return f"{p['time']:.0%} times of day"
    if p["yn"] >= 0.6:
        return f"{p['yn']:.0%} yes/no answers"
    if p["int"] >= 0.8:
        return "whole numbers"
    if p["code"] >= 0.6:
        return "reference codes"
    if p["free"] >= 0.5:
        return f"free text ({p['words']:.0f} words a cell, {p['distinct']:.0%} distinct)"
    return f"short text ({p['words']:.1f} words a cell, {p['distinct']:.0%} distinct)"


def _combine(h: float, c: float, role: str, n: float) -> float:
    """Heading prior and content fit to one score."""
    if role in _CONTENT_ROLES:
        if n == 0:
            return 0.6 * h
        if h == 0:
            return 0.45 * c if c >= 0.6 else 0.0
        return 0.6 * h + 0.4 * c
    if h == 0:
        return 0.0
    return h * (0.5 + 0.5 * c)


def _event_date_bonus(heading: str) -> float:
    """When two columns could be the event's date: words like 'incident', 'visit' favour one,
    words like 'reported', 'review', 'due' count against it."""
    from .headers import _words

    w = _words()
    words = set(normalise_heading(heading).split())
    return 0.05 * bool(words & w["event"]) - 0.1 * bool(words & w["admin"])


def infer_columns(
    cells: pd.DataFrame,
    columns: Mapping[str, str | None] | None = None,
    *,
    file: str | None = None,
    sheet: str | None = None,
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Choose each column's role from its heading and content.

    Parameters
    ----------
    cells
        The table's cells, one column per source column (headings as in the file). Not modified.
    columns
        The caller's mapping ``{heading: field}`` (or ``None``/``"ignore"``); it always wins.
    file, sheet
        Named in errors.

    Returns
    -------
    mapping, inferred
        ``{heading: field}`` for the columns that map to a field, and one record per column:
        ``{"column", "role", "by", "confidence", "runner_up", "reason"}``.

    Raises
    ------
    ColumnMappingError
        When two columns are equally good readings of the description or the date, or the heading
        and the content of the date column disagree strongly; the error names both columns and
        carries the fix as ``fix={"columns": {...}}``.
    """
    headings = [str(h) for h in cells.columns]
    fixed = user_mapping(headings, columns, file=file, sheet=sheet)
    prof = profile_columns(cells)
    heading_evidence = [heading_scores(_base(h)) for h in headings]
    roles = (*FIELDS, "recorded", "reference", "ignore")
    role_at = {role: r for r, role in enumerate(roles)}
    score = _score_matrix(prof, heading_evidence, roles)
    _favour_the_fullest_text(score, prof, role_at)
    _adjust_by_column(headings, prof, heading_evidence, score, role_at)
    assigned, by_role = _assign(headings, fixed, score, roles, heading_evidence)
    # a recording date is the event's date when the file has no other date
    start_col = by_role.get("date", by_role.get("datetime"))
    notes: dict[int, str] = {}
    if start_col is None and "recorded" in by_role and headings[by_role["recorded"]] not in fixed:
        j = by_role.pop("recorded")
        assigned[j] = "date"
        by_role["date"] = j
        notes[j] = "the only date column: read as the event date"
    _check_close(_Choice(headings, fixed, prof, score, role_at, by_role, file, sheet))
    mapping = {headings[j]: str(role) for j, role in sorted(assigned.items()) if role is not None}
    records = []
    for j, h in enumerate(headings):
        got = assigned.get(j)
        records.append(
            _record(j, h, got, fixed, heading_evidence[j], prof.iloc[j], score, role_at, roles, by_role,
                    notes, headings)
        )
    return mapping, records


def _score_matrix(
    prof: pd.DataFrame, heading_evidence: Sequence[Mapping[str, float]], roles: Sequence[str]
) -> np.ndarray:
    """Heading prior and content fit combined: one score per column (rows) and role (columns)."""
    score = np.zeros((len(heading_evidence), len(roles)))
    for j, h in enumerate(heading_evidence):
        p = prof.iloc[j]
        fit = _content_fit(p)
        n = float(p["n"])
        for r, role in enumerate(roles):
            score[j, r] = _combine(h.get(role, 0.0), fit.get(role, 0.0), role, n)
    return score


def _favour_the_fullest_text(score: np.ndarray, prof: pd.DataFrame, role_at: Mapping[str, int]) -> None:
    """Of the free-text columns, the one telling most reads most like "what happened" (in place)."""
    free = prof["free"].to_numpy()
    words = prof["words"].to_numpy()
    most_words = max((float(words[j]) for j in range(len(prof)) if free[j] >= 0.5), default=0.0)
    if most_words <= 0:
        return
    for j in range(len(prof)):
        if free[j] >= 0.5 and prof.iloc[j]["n"] > 0:
            rel = float(words[j]) / most_words
            score[j, role_at["description"]] -= 0.4 * prof.iloc[j]["free"] * 0.3 * (1 - rel)


def _adjust_by_column(
    headings: Sequence[str],
    prof: pd.DataFrame,
    heading_evidence: Sequence[Mapping[str, float]],
    score: np.ndarray,
    role_at: Mapping[str, int],
) -> None:
    """Per-column corrections (in place): a repeated heading gives way to the first, a structured or
    short-category column is not the description when free text exists, a reference heading is
    never the description, event-date words favour a date column."""
    # the description is never a structured column, and a short-category column gives way to a
    # free-text one
    best_free = max((float(prof.iloc[j]["free"]) for j in range(len(headings))), default=0.0)
    present = set(headings)
    desc = role_at["description"]
    for j, heading in enumerate(headings):
        p = prof.iloc[j]
        if _base(heading) != heading and _base(heading) in present:
            # a repeated heading: the first of the same name is the column; two columns headed
            # as the date stay close enough to be refused (their dates may differ)
            score[j] *= 0.9
            for dr in _DATE_ROLES:
                score[j, role_at[dr]] *= 0.96 / 0.9
        if p["n"] >= 5 and p["free"] < 0.25 and best_free >= 0.5:
            score[j, desc] *= 0.5
        if heading_evidence[j].get("reference", 0) >= 0.8 and p["free"] < 0.5:
            score[j, desc] = min(score[j, desc], 0.2)
        for dr in ("date", "datetime"):
            if score[j, role_at[dr]] > 0:
                score[j, role_at[dr]] += _event_date_bonus(heading)


def _fixed_roles(
    headings: Sequence[str], fixed: Mapping[str, str | None]
) -> tuple[dict[int, str | None], dict[str, int]]:
    """The roles the caller gave in ``columns=``: ``{column: role or None}`` and ``{role: column}``."""
    assigned: dict[int, str | None] = {}
    by_role: dict[str, int] = {}
    for j, h in enumerate(headings):
        if h in fixed:
            assigned[j] = fixed[h]
            if fixed[h] is not None:
                by_role[str(fixed[h])] = j
    return assigned, by_role


def _assign(
    headings: Sequence[str],
    fixed: Mapping[str, str | None],
    score: np.ndarray,
    roles: Sequence[str],
    heading_evidence: Sequence[Mapping[str, float]],
) -> tuple[dict[int, str | None], dict[str, int]]:
    """Roles to columns, best score first, each role taken once: ``{column: role or None}`` and
    ``{role: column}``. The caller's ``columns=`` are taken first."""
    assigned, by_role = _fixed_roles(headings, fixed)
    exclusive = {"date": "datetime", "datetime": "date"}
    pairs = sorted(
        ((score[j, r], -j, j, role) for j in range(len(headings)) for r, role in enumerate(roles)
         if j not in assigned and score[j, r] >= _ACCEPT),
        reverse=True,
    )
    for _s, _neg, j, role in pairs:
        if j in assigned:
            continue
        if role in ("reference", "ignore"):
            assigned[j] = None
            continue
        taken = role in by_role or (role in exclusive and exclusive[role] in by_role)
        needs_heading = role not in _CONTENT_ROLES and role not in ("recorded", "end_date")
        if taken or (needs_heading and heading_evidence[j].get(role, 0.0) < 0.4):
            continue
        assigned[j] = role
        by_role[role] = j
    return assigned, by_role


@dataclass(frozen=True)
class _Choice:
    """What the column choice was made from, for the checks that may refuse it."""

    headings: list[str]
    fixed: Mapping[str, str | None]
    prof: pd.DataFrame
    score: np.ndarray
    role_at: dict[str, int]
    by_role: dict[str, int]
    file: str | None
    sheet: str | None

    def role_of(self, j: int) -> str | None:
        """The role column ``j`` was given, if any."""
        return next((r for r, k in self.by_role.items() if k == j), None)

    def refuse(self, message: str, hint: str, fix: dict[str, Any]) -> ColumnMappingError:
        """The refusal, naming the file and sheet."""
        return ColumnMappingError(message, file=self.file, sheet=self.sheet, hint=hint, fix=fix)


def _check_close(ch: _Choice) -> None:
    """Refuse when the description or the date could as well be another column."""
    for role, cols in (("description", ("description",)), ("date", ("date", "datetime"))):
        chosen = next((ch.by_role[c] for c in cols if c in ch.by_role), None)
        if chosen is None or ch.headings[chosen] in ch.fixed:
            continue
        _check_rivals(ch, role, cols, chosen)
        if role == "description":
            _check_free_text_rivals(ch, chosen)
        else:
            _check_date_content(ch, chosen)


def _check_rivals(ch: _Choice, role: str, cols: tuple[str, ...], chosen: int) -> None:
    """Refuse when another column scores within :data:`_CLOSE` of the chosen one for ``role``."""
    headings, score, role_at = ch.headings, ch.score, ch.role_at
    mine = max(score[chosen, role_at[c]] for c in cols)
    for j, h in enumerate(headings):
        if j == chosen or h in ch.fixed:
            continue
        if role == "description" and _base(h) == _base(headings[chosen]):
            continue  # the same heading twice: the first is the column, the second kept
        other_role = ch.role_of(j)
        theirs = max(score[j, role_at[c]] for c in cols)
        if other_role is not None and score[j, role_at[other_role]] >= theirs:
            continue  # the other column is clearly something else
        if theirs >= 0.4 and mine - theirs < _CLOSE:
            a, b = headings[chosen], h
            raise ch.refuse(
                f"two columns could equally be the {role}: {a!r} and {b!r}",
                hint=f"{a!r} holds {_content_words(ch.prof.iloc[chosen])}, {b!r} holds "
                f"{_content_words(ch.prof.iloc[j])}; say which one is the {role}",
                fix={"columns": {a: role}},
            )


def _check_date_content(ch: _Choice, chosen: int) -> None:
    """Refuse when heading and content disagree strongly: a date heading over free text, while
    another column holds dates."""
    headings, prof = ch.headings, ch.prof
    p = prof.iloc[chosen]
    if not (p["n"] >= 3 and p["date"] < 0.2 and p["free"] >= 0.5):
        return
    alt = [
        j for j in range(len(headings))
        if j != chosen and prof.iloc[j]["date"] >= 0.8 and headings[j] not in ch.fixed
    ]
    if alt:
        raise ch.refuse(
            f"the date column {headings[chosen]!r} holds "
            f"{_content_words(p)}, while {headings[alt[0]]!r} holds dates",
            hint="check the headings are over the right columns",
            fix={"columns": {headings[alt[0]]: "date", headings[chosen]: "ignore"}},
        )


def _rivals_description(heading: str, role: str | None, pj: pd.Series, pc: pd.Series, hc: float) -> bool:
    """Whether a free-text column no heading explains rivals the description chosen on its heading
    (``hc``: the chosen heading's description prior)."""
    if role is not None and heading_scores(_base(heading)).get(role, 0.0) >= 0.7:
        return False  # explained by its heading (an action, a child's views...)
    if pj["free"] < 0.5 or pj["n"] < 2:
        return False
    weak = hc < 0.7 and pj["free"] >= pc["free"] - 0.25 and pj["words"] >= 0.8 * pc["words"]
    longer = hc < 0.95 and pj["words"] >= 1.5 * max(pc["words"], 1.0)
    return bool(weak or longer)


def _check_free_text_rivals(ch: _Choice, chosen: int) -> None:
    """Refuse when the description was chosen on a weak heading over another free-text column that
    no heading explains, or when another such column tells clearly more: the heading and the
    content disagree, and guessing would risk a silent misread."""
    headings = ch.headings
    hc = heading_scores(_base(headings[chosen])).get("description", 0.0)
    pc = ch.prof.iloc[chosen]
    for j, h in enumerate(headings):
        if j == chosen or h in ch.fixed or _base(h) == _base(headings[chosen]):
            continue
        pj = ch.prof.iloc[j]
        if _rivals_description(h, ch.role_of(j), pj, pc, hc):
            a, b = (headings[j], headings[chosen]) if pj["words"] > pc["words"] else (headings[chosen], headings[j])
            raise ch.refuse(
                f"two columns could be the description: {headings[chosen]!r} (by its heading) and "
                f"{h!r} (free text that no heading explains)",
                hint=f"{headings[chosen]!r} holds {_content_words(pc)}, {h!r} holds "
                f"{_content_words(pj)}; say which one says what happened ({b!r} is the other "
                "choice)",
                fix={"columns": {a: "description"}},
            )


def _base(heading: str) -> str:
    """A heading without the `` (2)`` suffix that makes repeated headings unique."""
    return re.sub(r" \(\d+\)$", "", heading)


def _ranked(
    j: int, role: str | None, score: np.ndarray, role_at: Mapping[str, int], roles: Sequence[str],
    headings: Sequence[str],
) -> tuple[list[tuple[str, float]], str | None]:
    """Column ``j``'s roles by score, and the runner-up: the best other role, or a competing
    column for the same role (which says more than another role of this column)."""
    order = np.argsort(-score[j])
    ranked = [(roles[r], float(score[j, r])) for r in order if score[j, r] > 0]
    siblings = {"date", "datetime", "recorded", "end_date"} if role in _DATE_ROLES else {role}
    runner = next((r for r, _ in ranked if r not in siblings and r not in ("reference", "ignore")), None)
    if role is not None and role in role_at:
        others = [(float(score[k, role_at[role]]), headings[k]) for k in range(len(headings)) if k != j]
        rival = max(others, default=(0.0, ""))
        if rival[0] >= _ACCEPT:
            runner = rival[1]
    return ranked, runner


def _unassigned_record(
    heading: str,
    h: Mapping[str, float],
    p: pd.Series,
    ranked: list[tuple[str, float]],
    runner: str | None,
    by_role: Mapping[str, int],
    headings: Sequence[str],
) -> dict[str, Any]:
    """The record of a column kept as an extra column, saying why."""
    content = _content_words(p)
    top = ranked[0][0] if ranked else None
    if top == "reference" or (p["run"] >= 0.8 and p["int"] >= 0.9):
        reason = f"{content}: kept as an extra column, never the description"
        if p["run"] < 0.8 and h.get("reference"):
            reason = f"heading {heading!r} names a reference ({content}): kept as an extra column"
    elif top == "ignore":
        reason = f"heading {heading!r} is not the event's date: kept as an extra column"
    elif top is not None and top in by_role:
        reason = f"could be {top}, but {top} is column {headings[by_role[top]]!r}: kept as an extra column"
        runner = top
    else:
        reason = f"heading {heading!r} and {content} match no field: kept as an extra column"
    conf = 1.0 - (ranked[0][1] if ranked and ranked[0][0] not in ("reference", "ignore") else 0.0)
    return {"column": heading, "role": None, "by": "content" if not h else "heading+content",
            "confidence": round(float(min(1.0, max(0.0, conf))), 2), "runner_up": runner, "reason": reason}


def _record(
    j: int,
    heading: str,
    role: str | None,
    fixed: Mapping[str, str | None],
    h: Mapping[str, float],
    p: pd.Series,
    score: np.ndarray,
    role_at: dict[str, int],
    roles: Sequence[str],
    by_role: Mapping[str, int],
    notes: Mapping[int, str],
    headings: Sequence[str],
) -> dict[str, Any]:
    """What was inferred for column ``j``: role, by what evidence, confidence, runner-up, reason."""
    if heading in fixed:
        return {"column": heading, "role": role, "by": "user", "confidence": 1.0, "runner_up": None,
                "reason": "given in columns=" if role else "ignored in columns="}
    ranked, runner = _ranked(j, role, score, role_at, roles, headings)
    if role is None:
        return _unassigned_record(heading, h, p, ranked, runner, by_role, headings)
    content = _content_words(p)
    hv = h.get(role, 0.0)
    if role == "date" and j in notes:
        hv = h.get("recorded", hv)
    has_content = p["n"] > 0 and role in _CONTENT_ROLES
    by = "heading+content" if hv >= 0.5 and has_content else "heading" if hv >= 0.3 else "content"
    if by == "content":
        reason = f"{content}; heading {heading!r} not known"
    elif by == "heading":
        reason = f"heading {heading!r}; {content}"
    else:
        reason = f"heading {heading!r} and {content}"
    if j in notes:
        reason += f"; {notes[j]}"
    conf = float(score[j, role_at[role]]) if role in role_at else 0.5
    return {"column": heading, "role": role, "by": by, "confidence": round(min(1.0, max(0.0, conf)), 2),
            "runner_up": runner, "reason": reason}
