"""One raw table to canonical events, rejects and a provenance record, stage by stage.

:func:`normalise_table` infers the columns (:mod:`.infer`), then: the required columns (date,
description) or a refusal naming the fix; the start (date + time, day-first or month-first decided
row by row), the recording date, the end; the description, case id and agency; then the events, the
rejects (the first problem of each row, and the rows above the header that look like data) and
the provenance record. Every data row ends as exactly one event or one reject.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import clock_change
from ..errors import ColumnMappingError, SourceReadError
from ..schema import (
    CANONICAL_COLUMNS,
    CANONICAL_DTYPES,
    PROVENANCE_COLUMNS,
    REJECT_COLUMNS,
    empty_events,
    empty_rejects,
)
from .dates import combine_date_time, parse_dates, parse_times, resolve_month_first, to_london
from .infer import infer_columns, profile_columns
from .raw import RawTable
from .vocab import child_seen, clean_text, map_agency, map_event_type, resolve_agency

__all__ = ["events_from_canonical", "normalise_table", "normalise_tables"]

_RESERVED = set(CANONICAL_COLUMNS)
_AMBIGUOUS = "ambiguous date: this column also holds month-first (US) dates"


def _first(mapping: Mapping[str, str], field: str) -> str | None:
    for heading, f in mapping.items():
        if f == field:
            return heading
    return None


def _parse_when(
    cells: pd.DataFrame,
    date_col: str | None,
    time_col: str | None,
    date_formats: Sequence[str] | None,
) -> pd.DataFrame:
    """Parse a date (+ time) pair of columns; returns the parsed frame (with a ``note`` and the
    column to blame, ``blame``, per row).

    Day-first or month-first is decided row by row where a row is unambiguous
    (:func:`~.dates.resolve_month_first`); only the dates that could be either, in a column that
    looks month-first, are rejected. A time that cannot be read leaves its row at day precision,
    with a note, instead of rejecting it.
    """
    assert date_col is not None
    parsed = parse_dates(cells[date_col], date_formats)
    parsed, ambiguous = resolve_month_first(cells[date_col], parsed)
    if ambiguous.any():
        parsed.loc[ambiguous, "reason"] = _AMBIGUOUS
        parsed.loc[ambiguous, "hint"] = (
            "UK dates are day-first; correct the month-first cells, or if the whole file is "
            "month-first pass date_formats=['%m/%d/%Y']"
        )
        parsed.loc[ambiguous, ["start", "precision", "note"]] = [pd.NaT, None, None]
    parsed["blame"] = date_col
    if time_col is not None:
        times = parse_times(cells[time_col])
        parsed = combine_date_time(parsed, times)
        bad_time = parsed["reason"].isna() & parsed["time_reason"].notna()
        if bad_time.any():
            shown = cells.loc[bad_time, time_col].astype("str").str.strip()
            msg = "time '" + shown + "' not readable (write HH:MM): kept at day precision"
            parsed.loc[bad_time, "note"] = _join_notes(parsed.loc[bad_time, "note"], msg)
    # a whole column of 00:00 times means "time not recorded": already day precision
    return parsed


def _join_notes(a: pd.Series, b: pd.Series) -> pd.Series:
    """Two columns of notes joined with '; ' (either may be missing)."""
    a = a.astype("object")
    b = pd.Series(b, index=a.index).astype("object")
    both = a.notna() & b.notna()
    out = a.where(a.notna(), b)
    out[both] = a[both].astype(str) + "; " + b[both].astype(str)
    return out


def _suggest(cells: pd.DataFrame, field: str) -> dict[str, Any] | None:
    """The column whose content fits ``field`` best, as a ``fix=`` for an error (or None)."""
    prof = profile_columns(cells)
    if prof.empty:
        return None
    key = "free" if field == "description" else "date"
    j = int(prof[key].to_numpy().argmax())
    if prof[key].iloc[j] < 0.3:
        return None
    return {"columns": {str(cells.columns[j]): field}}


@dataclass
class _Problems:
    """The first problem of each row: ``reason`` (NA when the row is fine), ``hint`` and the
    column to blame, one Series each on the table's index (updated in place by the stages)."""

    reason: pd.Series
    hint: pd.Series
    blame: pd.Series

    def flag(self, mask: pd.Series, reason: str | pd.Series, hint: str | pd.Series, column: str | pd.Series) -> None:
        """Record a problem on the rows of ``mask`` (rows with an earlier problem are left as they are:
        the caller's mask excludes them)."""
        self.reason[mask] = reason
        self.hint[mask] = hint
        self.blame[mask] = column

    @property
    def ok(self) -> np.ndarray:
        return self.reason.isna().to_numpy()


def _required_columns(table: RawTable, mapping: Mapping[str, str]) -> tuple[str, str]:
    """The date and description columns, or a :class:`ColumnMappingError` naming the fix."""
    cells = table.cells
    date_col = _first(mapping, "datetime") or _first(mapping, "date")
    desc_col = _first(mapping, "description")
    headings = ", ".join(map(str, cells.columns))
    if date_col is None:
        fix = _suggest(cells, "date")
        raise ColumnMappingError(
            "no date column was recognised, by heading or by content",
            file=table.source,
            sheet=table.sheet,
            hint=f"the headings are: {headings}; name the date column"
            + ("" if fix else " with columns={'<heading>': 'date'}"),
            fix=fix,
        )
    if desc_col is None:
        fix = _suggest(cells, "description")
        raise ColumnMappingError(
            "no description column was recognised: no column reads like free text saying what "
            "happened",
            file=table.source,
            sheet=table.sheet,
            hint=f"the headings are: {headings}; name it"
            + ("" if fix else " with columns={'<heading>': 'description'}"),
            fix=fix,
        )
    return date_col, desc_col


def _month_first_notes(table: RawTable, when: pd.DataFrame, date_col: str) -> list[str]:
    """Provenance notes on the dates read month-first and the ambiguous dates rejected."""
    notes: list[str] = []
    us_read = when["format"].astype("str").str.startswith("month-first").fillna(False)
    if us_read.any():
        first = int(np.flatnonzero(us_read.to_numpy())[0])
        notes.append(
            f"column {date_col!r}: {int(us_read.sum())} date(s) can only be month-first and were read "
            f"so (first at row {int(table.rows[first])}: {table.cells[date_col].iloc[first]!s})"
        )
    n_amb = int(when["reason"].eq(_AMBIGUOUS).sum())
    if n_amb:
        notes.append(
            f"column {date_col!r} looks month-first: {n_amb} date(s) that could be read either way "
            "were rejected; pass date_formats=['%m/%d/%Y'] if the file is month-first"
        )
    return notes


def _recorded(
    cells: pd.DataFrame, rec_col: str | None, note: pd.Series, date_formats: Sequence[str] | None
) -> tuple[pd.Series | None, pd.Series]:
    """The recording dates (None without a recorded column) and the notes with the unreadable ones
    added (a recording date never rejects its row)."""
    if rec_col is None:
        return None, note
    rp = _parse_when(cells, rec_col, None, date_formats)
    unread = rp["start"].isna() & rp["reason"].ne("empty")
    if unread.any():
        shown = cells.loc[unread, rec_col].astype("str").str.strip()
        note = _join_notes(note, ("recorded date '" + shown + "' not readable").reindex(cells.index))
    return rp["start"], note


def _end(
    cells: pd.DataFrame,
    mapping: Mapping[str, str],
    start: pd.Series,
    problems: _Problems,
    date_formats: Sequence[str] | None,
) -> pd.Series:
    """The end of each span (NaT when none); an unreadable end or one before the start is a problem."""
    end_col = _first(mapping, "end_date")
    end = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us]")
    if end_col is None:
        return end
    ew = _parse_when(cells, end_col, _first(mapping, "end_time"), date_formats)
    present = ew["reason"].ne("empty") | ew["start"].notna()
    bad = problems.reason.isna() & present & ew["reason"].notna()
    problems.flag(bad, "end: " + ew.loc[bad, "reason"].astype(str), ew.loc[bad, "hint"], ew.loc[bad, "blame"])
    end = ew["start"].where(present)
    backwards = problems.reason.isna() & end.notna() & (end < start)
    problems.flag(backwards, "ends before it starts", "check the start and end dates (dates are read day-first)", end_col)
    return end


def _case_ids(
    table: RawTable, mapping: Mapping[str, str], case_id: str | None, problems: _Problems
) -> tuple[pd.Series, str | None]:
    """Each row's case id and the case id column (None when ``case_id=`` names the whole file)."""
    cells = table.cells
    case_col = _first(mapping, "case_id")
    if case_col is not None:
        case = clean_text(cells[case_col])
        if case_id is not None:
            case = case.fillna(case_id)
        no_case = problems.reason.isna() & case.isna()
        problems.flag(no_case, "no case id", "fill the case reference, or pass case_id=... for the whole file", case_col)
        return case, case_col
    if case_id is not None:
        return pd.Series(str(case_id), index=cells.index, dtype="str"), None
    raise ColumnMappingError(
        "no case id: the file has no case reference column",
        file=table.source,
        sheet=table.sheet,
        hint="pass case_id='<child or case>' to read(), or map a column with "
        "columns={'<heading>': 'case_id'}",
    )


def _agencies(
    table: RawTable, mapping: Mapping[str, str], code: str | None, problems: _Problems
) -> tuple[pd.Series, str | None]:
    """Each row's agency code and the agency column (None when ``agency=`` names the whole file)."""
    cells = table.cells
    agency_col = _first(mapping, "agency")
    if agency_col is not None:
        raw = clean_text(cells[agency_col])
        ag = map_agency(raw)
        if code is not None:
            # a name the vocabulary does not know is the caller's agency, not "other"
            unknown = ag.eq("other") & raw.notna() & ~raw.str.lower().eq("other")
            ag = ag.mask(unknown).fillna(code)
        no_ag = problems.reason.isna() & ag.isna()
        problems.flag(no_ag, "no agency", "fill the agency cell, or pass agency=... for the whole file", agency_col)
        return ag, agency_col
    if code is not None:
        return pd.Series(code, index=cells.index, dtype="object"), None
    raise ColumnMappingError(
        "no agency: the file has no agency column",
        file=table.source,
        sheet=table.sheet,
        hint="pass agency='police' (or another code, or the agency's name) to read()",
    )


def _text_or_blank(cells: pd.DataFrame, mapping: Mapping[str, str], field: str) -> pd.Series:
    """The cleaned text of the column mapped to ``field``, or an all-NA text column."""
    heading = _first(mapping, field)
    if heading is None:
        return pd.Series(pd.NA, index=cells.index, dtype="str")
    return clean_text(cells[heading])


@dataclass
class _Parsed:
    """What the stages made of a table's columns, on the table's index."""

    when: pd.DataFrame
    end: pd.Series
    recorded: pd.Series | None
    description: pd.Series
    case: pd.Series
    agency: pd.Series
    note: pd.Series


def _build_events(
    table: RawTable,
    mapping: Mapping[str, str],
    parsed: _Parsed,
    ok: np.ndarray,
    service: str | None,
) -> tuple[pd.DataFrame, pd.Series]:
    """The events of the rows without a problem, and each row's clock-change kind (or NA)."""
    cells, index = table.cells, table.cells.index
    when = parsed.when
    ev = pd.DataFrame(index=index)
    rows = pd.Series(table.rows, index=index, dtype="int64")
    sheet_part = f"{table.sheet}:" if table.sheet else ""
    ev["event_id"] = parsed.case.astype("str") + f":{table.source}:{sheet_part}" + rows.astype("str")
    ev["case_id"] = parsed.case.astype("str")
    ev["agency"] = parsed.agency.astype(CANONICAL_DTYPES["agency"])
    svc = _text_or_blank(cells, mapping, "service")
    if service is not None:
        svc = svc.fillna(service)
    ev["service"] = svc.astype("str")
    ev["start"] = when["start"]
    ev["end"] = parsed.end
    if parsed.recorded is not None:
        ev["recorded"] = parsed.recorded
    ev["precision"] = when["precision"]
    # a time in the hour repeated (skipped) at a clock change is read as its first, BST, occurrence
    # (moved forward) by to_london: kept, flagged uncertain and noted in provenance
    # (a cell that carried its own time zone is an exact instant: not flagged)
    dst = clock_change(when["start"].where(~when["zoned"])).fillna(clock_change(parsed.end)).where(ok)
    ev["uncertain"] = when["uncertain"].astype(bool).to_numpy() | dst.notna().to_numpy()
    type_heading = _first(mapping, "event_type")
    ev["event_type"] = map_event_type(
        clean_text(cells[type_heading]) if type_heading is not None else None, parsed.description
    )
    ev["description"] = parsed.description
    for field in ("action", "child_voice", "practitioner"):
        ev[field] = _text_or_blank(cells, mapping, field)
    seen_heading = _first(mapping, "child_seen")
    ev["child_seen"] = (
        child_seen(cells[seen_heading]) if seen_heading is not None
        else pd.Series(pd.NA, index=index, dtype="boolean")
    )
    ev["source"] = table.source
    ev["source_sheet"] = pd.Series(table.sheet, index=index, dtype="str")
    ev["source_row"] = rows
    # unmapped columns are kept as text (cleaned together and added at once: linear in the width)
    extra = _extra_columns(cells, [h for h in cells.columns if h not in mapping])
    if extra:
        ev = pd.concat([ev, pd.DataFrame(extra, index=index)], axis=1)
    if parsed.note[ok].notna().any():
        ev["date_note"] = parsed.note.astype("str")
    events = ev.reset_index(drop=True) if ok.all() else ev[ok].reset_index(drop=True)
    return _finish_events(events, fold=when["fold"].to_numpy(dtype=bool)[ok]), dst


def _row_rejects(table: RawTable, problems: _Problems, ok: np.ndarray) -> pd.DataFrame:
    """One reject per row with a problem: the blamed column, its value and the row's whole text."""
    bad = ~ok
    if not bad.any():
        return empty_rejects()
    cells = table.cells
    values = []
    for b, i in zip(problems.blame[bad], np.flatnonzero(bad), strict=True):
        v = cells[b].iloc[i] if b in cells.columns else None
        values.append(None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    rejects = pd.DataFrame(
        {
            "source": table.source,
            "source_sheet": pd.Series(table.sheet, index=range(int(bad.sum())), dtype="str"),
            "source_row": np.asarray(table.rows)[bad].astype("int64"),
            "column": problems.blame[bad].astype("str").to_numpy(),
            "value": pd.Series(values, dtype="str").to_numpy(),
            "reason": problems.reason[bad].astype("str").to_numpy(),
            "hint": problems.hint[bad].astype("str").to_numpy(),
            "row_text": _row_text(cells, bad).to_numpy(),
        }
    )
    for c in ("source", "source_sheet", "column", "value", "reason", "hint", "row_text"):
        rejects[c] = rejects[c].astype("str")
    return rejects


def _above_rejects(table: RawTable) -> pd.DataFrame | None:
    """The rows above the header that look like data as rejects (reported, never dropped)."""
    if not table.above:
        return None
    head = ", ".join(map(str, table.cells.columns))[:120]
    n = len(table.above)
    above = pd.DataFrame(
        {
            "source": table.source,
            "source_sheet": pd.Series(table.sheet, index=range(n), dtype="str"),
            "source_row": np.array([r for r, _ in table.above], dtype="int64"),
            "column": pd.Series([None] * n, dtype="str"),
            "value": pd.Series([t for _, t in table.above], dtype="str"),
            "reason": "a row above the header row that looks like data, not a title",
            "hint": f"the header was taken from row {table.header_row} ({head}); if this row "
            "is an event, move it below the header row",
            "row_text": pd.Series([t for _, t in table.above], dtype="str"),
        }
    )
    for c in ("source", "source_sheet", "column", "value", "reason", "hint"):
        above[c] = above[c].astype("str")
    return above


def _provenance(
    table: RawTable,
    *,
    mapping: Mapping[str, str],
    inferred: list[dict[str, Any]],
    lineage: dict[str, Any],
    when: pd.DataFrame,
    ok: np.ndarray,
    n_rejects: int,
    notes: list[str],
) -> dict[str, Any]:
    """The provenance record of one table (``lineage``: its agency and case id, as given or as a
    column)."""
    formats = Counter(when.loc[ok, "format"].dropna().tolist())
    prov: dict[str, Any] = {
        "source": table.source,
        "source_sheet": table.sheet,
        **lineage,
        "format": table.format,
        "rows_read": table.rows_read,
        "events": int(ok.sum()),
        "rejects": n_rejects,
        "blank_rows": table.blank_rows,
        "repeated_headers": table.repeated_headers,
        "header_row": table.header_row,
        "mapping": dict(mapping),
        "date_formats": dict(formats),
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "notes": "; ".join(notes) or None,
        "inferred": inferred,
        "title_rows": table.title_rows,
    }
    accounted = int(ok.sum()) + n_rejects + table.blank_rows + table.repeated_headers
    assert table.rows_read == accounted, "every row is an event, a reject, blank or a repeated header"
    return prov


def _parse_rows(
    table: RawTable,
    mapping: Mapping[str, str],
    *,
    agency: str | None,
    case_id: str | None,
    date_formats: Sequence[str] | None,
) -> tuple[_Parsed, _Problems, list[str], dict[str, Any]]:
    """Parse every column the events need, collecting each row's first problem: the parsed columns,
    the problems, the column notes and the agency and case id lineage for provenance."""
    cells = table.cells
    date_col, desc_col = _required_columns(table, mapping)
    when = _parse_when(cells, date_col, _first(mapping, "time"), date_formats)
    problems = _Problems(when["reason"].copy(), when["hint"].copy(), when["blame"].copy())
    col_notes = _month_first_notes(table, when, date_col)
    recorded, note = _recorded(cells, _first(mapping, "recorded"), when["note"].astype("object").copy(), date_formats)
    end = _end(cells, mapping, when["start"], problems, date_formats)
    description = clean_text(cells[desc_col])
    no_desc = problems.reason.isna() & description.isna()
    problems.flag(no_desc, "no description", "every event needs a description of what happened; fill the cell", desc_col)
    case, case_col = _case_ids(table, mapping, case_id, problems)
    code = resolve_agency(agency) if agency is not None else None
    ag, agency_col = _agencies(table, mapping, code, problems)
    lineage = {
        "agency": code if agency_col is None else f"column {agency_col!r}",
        "case_id": case_id if case_col is None else f"column {case_col!r}",
    }
    return _Parsed(when, end, recorded, description, case, ag, note), problems, col_notes, lineage


def normalise_table(
    table: RawTable,
    *,
    agency: str | None = None,
    case_id: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    date_formats: Sequence[str] | None = None,
    service: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Events, rejects and one provenance record for one raw table. The table is not modified.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> cells = pd.DataFrame({"Date": ["01/03/2024", "31/02/2024"],
    ...                       "Details": ["Home visit, child seen", "Phone call from school"]}, dtype="str")
    >>> t = RawTable(cells=cells, rows=np.array([2, 3]), source="a.csv", path="a.csv", sheet=None,
    ...              format="csv", header_row=1, rows_read=2)
    >>> events, rejects, prov = normalise_table(t, agency="police", case_id="k")
    >>> len(events), rejects["source_row"].tolist(), prov["events"]
    (1, [3], 1)
    """
    mapping, inferred = infer_columns(table.cells, columns, file=table.source, sheet=table.sheet)
    parsed, problems, col_notes, lineage = _parse_rows(
        table, mapping, agency=agency, case_id=case_id, date_formats=date_formats
    )
    ok = problems.ok
    events, dst = _build_events(table, mapping, parsed, ok, service)
    rejects = _row_rejects(table, problems, ok)
    above = _above_rejects(table)
    if above is not None:
        rejects = above if rejects.empty else pd.concat([above, rejects], ignore_index=True)
    n_notes = int(parsed.note[ok].notna().sum())
    if n_notes:
        col_notes.append(f"{n_notes} event(s) with a note on the date or time (see column 'date_note')")
    rows = pd.Series(table.rows, index=table.cells.index, dtype="int64")
    notes = [*table.notes, *col_notes, *_clock_change_notes(dst, rows)]
    prov = _provenance(
        table, mapping=mapping, inferred=inferred, lineage=lineage, when=parsed.when, ok=ok,
        n_rejects=len(rejects), notes=notes,
    )
    return events, rejects, prov


def _clock_change_notes(kind: pd.Series, rows: pd.Series) -> list[str]:
    """Provenance notes for the times resolved at a clock change (``kind`` from ``clock_change``)."""
    notes = []
    for k, what in (
        ("repeated", "in the hour repeated when the clocks went back and {v} read as the first (BST) occurrence"),
        ("missing", "in the hour skipped when the clocks went forward and {v} moved to the end of that hour"),
    ):
        at = rows[kind.eq(k).to_numpy(dtype=bool, na_value=False)].tolist()
        if at:
            n = len(at)
            listed = ", ".join(map(str, at[:10])) + (", ..." if n > 10 else "")
            notes.append(
                f"{n} time{'s' if n > 1 else ''} fell {what.format(v='were' if n > 1 else 'was')} "
                f"(row{'s' if n > 1 else ''} {listed}); flagged uncertain"
            )
    return notes


def _row_text(cells: pd.DataFrame, mask: np.ndarray) -> pd.Series:
    """Every non-blank cell of the masked rows as ``"Heading: value | Heading: value"``, so a
    rejected row keeps all its text, not only the cell that failed. Vectorised: one pass per column,
    then one grouped join over the non-blank cells."""
    sub = cells[mask].reset_index(drop=True)
    n = len(sub)
    if n == 0 or sub.shape[1] == 0:
        return pd.Series([""] * n, dtype="str")
    pieces = {}
    for k in range(sub.shape[1]):
        v = sub.iloc[:, k].astype("str").str.strip()
        pieces[k] = (f"{sub.columns[k]}: " + v).where(v.notna() & v.ne(""))
    long = pd.DataFrame(pieces).melt(ignore_index=False)["value"].dropna()
    joined = long.groupby(level=0, sort=True).agg(" | ".join)
    return joined.reindex(range(n)).fillna("").astype("str")


def _extra_columns(cells: pd.DataFrame, headings: Sequence[Any]) -> dict[str, pd.Series]:
    """The unmapped columns as cleaned text, by output name: all cells stacked into one column and
    cleaned in one pass, so a wide table costs one vectorised pass, not one per column."""
    if not headings:
        return {}
    n = len(cells)
    names = [h if h not in _RESERVED | {"recorded", "date_note"} else f"source_{h}" for h in headings]
    if n == 0 or len(headings) == 1:
        return {name: clean_text(cells[h]) for name, h in zip(names, headings, strict=True)}
    stacked = pd.concat([cells[h].astype("str") for h in headings], ignore_index=True)
    cleaned = clean_text(stacked).array
    return {
        name: pd.Series(cleaned[k * n : (k + 1) * n], index=cells.index, name=h)
        for k, (name, h) in enumerate(zip(names, headings, strict=True))
    }


def _finish_events(ev: pd.DataFrame, fold: np.ndarray | None = None) -> pd.DataFrame:
    """Cast canonical columns to their dtypes (times localised to Europe/London; ``fold`` marks
    starts known to be the second occurrence of a repeated hour)."""
    if ev.empty:
        base = empty_events()
        extra = [c for c in ev.columns if c not in base.columns]
        for c in extra:
            base[c] = pd.Series(dtype=CANONICAL_DTYPES["start"] if c == "recorded" else "str")
        return base
    ev = ev.copy(deep=False)  # copy-on-write: the caller's frame keeps its columns
    ev["start"] = to_london(ev["start"], fold=fold)
    ev["end"] = to_london(ev["end"])
    if "recorded" in ev:
        ev["recorded"] = to_london(ev["recorded"])
    for c in CANONICAL_COLUMNS:
        if c not in ("start", "end"):
            ev[c] = ev[c].astype(CANONICAL_DTYPES[c])
    order = CANONICAL_COLUMNS + [c for c in ev.columns if c not in CANONICAL_COLUMNS]
    return ev[order]


def normalise_tables(
    tables: Sequence[RawTable],
    *,
    agency: str | None = None,
    case_id: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    date_formats: Sequence[str] | None = None,
    service: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Normalise several raw tables (e.g. the sheets of a workbook) and stack the results."""
    if tables and sum(t.rows_read for t in tables) == 0:
        t0 = tables[0]
        raise SourceReadError(
            "has a header row but no data rows",
            file=t0.source,
            sheet=t0.sheet,
            hint="check the right file was sent; the chronology rows are missing",
        )
    evs, rjs, provs = [], [], []
    for t in tables:
        e, r, p = normalise_table(
            t, agency=agency, case_id=case_id, columns=columns, date_formats=date_formats, service=service
        )
        evs.append(e)
        rjs.append(r)
        provs.append(p)
    events = pd.concat([e for e in evs if len(e)], ignore_index=True) if any(len(e) for e in evs) else evs[0]
    rejects = pd.concat([r for r in rjs if len(r)], ignore_index=True) if any(len(r) for r in rjs) else empty_rejects()
    prov = pd.DataFrame(provs, columns=PROVENANCE_COLUMNS)
    # the canonical reject columns first, then the rejected row's whole text (``row_text``)
    return events, rejects[REJECT_COLUMNS + [c for c in rejects.columns if c not in REJECT_COLUMNS]], prov


#: the canonical columns a frame may carry, as the fields of ``columns=`` they are read as
_CANONICAL_FIELDS = {
    "case_id", "agency", "service", "datetime", "end_date", "event_type", "description",
    "action", "child_seen", "child_voice", "practitioner",
}
#: lineage and flags a frame may carry: used as given, never read as cells
_GIVEN = ("event_id", "source", "source_sheet", "source_row", "precision", "uncertain")


def _by_source(df: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A frame with several sources normalised one table per source, so each event keeps its own
    lineage."""
    parts = [
        events_from_canonical(part, source=source)
        for _, part in df.groupby(df["source"].astype("str").fillna(source), sort=False)
    ]
    evs = [p[0] for p in parts if len(p[0])]
    rjs = [p[1] for p in parts if len(p[1])]
    return (
        pd.concat(evs, ignore_index=True) if evs else parts[0][0],
        pd.concat(rjs, ignore_index=True) if rjs else empty_rejects(),
        pd.concat([p[2] for p in parts], ignore_index=True),
    )


def _canonical_table(df: pd.DataFrame, source: str) -> tuple[RawTable, dict[str, str | None]]:
    """A frame with canonical columns as a :class:`RawTable` of one source, and its mapping."""
    rename = {"start": "datetime", "end": "end_date"}
    cols = {c: rename.get(c, c) for c in df.columns}
    mapping: dict[str, str | None] = {c: f for c, f in cols.items() if f in _CANONICAL_FIELDS}
    cells = df[[c for c in df.columns if c not in _GIVEN]]
    cells = cells.astype("object").where(cells.notna(), None)
    rows = df["source_row"].to_numpy(dtype="int64") if "source_row" in df else np.arange(1, len(df) + 1)
    src = str(df["source"].iloc[0]) if "source" in df and len(df) else source
    sheet = None
    if "source_sheet" in df and len(df) and pd.notna(df["source_sheet"].iloc[0]):
        sheet = df["source_sheet"].iloc[0]
    table = RawTable(
        cells=cells, rows=rows, source=src, path=src, sheet=sheet, format="frame",
        header_row=0, rows_read=len(df),
    )
    return table, mapping


def _keep_given(ev: pd.DataFrame, df: pd.DataFrame) -> None:
    """The frame's own precision, uncertain flags and event ids win over the inferred ones (in
    place; only when every row became an event, so rows line up)."""
    if "precision" in df:
        given = df["precision"].astype("str")
        inferred = ev["precision"].astype("str")
        ev["precision"] = given.where(given.notna(), inferred).astype(CANONICAL_DTYPES["precision"]).to_numpy()
    if "uncertain" in df:
        ev["uncertain"] = df["uncertain"].fillna(False).astype(bool).to_numpy() | ev["uncertain"].to_numpy()
    if "event_id" in df:
        ev["event_id"] = df["event_id"].astype("str").to_numpy()


def events_from_canonical(
    frame: pd.DataFrame, *, source: str = "<frame>"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Normalise a frame whose columns already use canonical names (``case_id, agency, start, ...``).

    ``start`` and ``end`` may be text in any supported style or datetimes; ``event_type`` and
    ``precision`` are inferred when absent. Lineage columns are used when present, else ``source`` and
    the row position (from 1). The input frame is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"case_id": ["k"], "agency": ["police"], "start": ["01/03/2024 10:30"],
    ...                       "description": ["Call from a neighbour"]})
    >>> ev, rejects, prov = events_from_canonical(frame)
    >>> str(ev["start"].iloc[0]), ev["source"].iloc[0], len(rejects)
    ('2024-03-01 10:30:00+00:00', '<frame>', 0)
    """
    df = frame.reset_index(drop=True)
    if "source" in df and len(pd.unique(df["source"])) > 1:
        return _by_source(df, source)
    table, columns = _canonical_table(df, source)
    ev, rej, prov = normalise_tables([table], columns=columns)
    if len(ev) == len(df):
        _keep_given(ev, df)
    return ev, rej, prov
