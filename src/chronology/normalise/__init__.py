"""Parse raw tables into canonical events and rejects (everything that repairs or infers lives here).

For each table: infer each column's role from its heading and content (:mod:`.infer`, with the
heading evidence of :mod:`.headers`), parse dates (:mod:`.dates`), apply vocabularies (:mod:`.vocab`),
build events and rejects, and record what was inferred in provenance (``inferred``: one record per
source column). Every data row ends as exactly one event or one reject (the first problem found), and
rows above the header that look like data are rejects too, so rows read = events + rejects + blank
rows + repeated header rows (title rows are counted apart).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..calendar import clock_change
from ..errors import ColumnMappingError
from ..schema import (
    CANONICAL_COLUMNS,
    CANONICAL_DTYPES,
    REJECT_COLUMNS,
    empty_events,
    empty_rejects,
)
from .dates import combine_date_time, parse_dates, parse_times, resolve_month_first, to_london
from .infer import infer_columns
from .vocab import child_seen, clean_text, map_agency, map_event_type, resolve_agency

if TYPE_CHECKING:
    from ..io import RawTable

__all__ = ["events_from_canonical", "normalise_table", "normalise_tables"]

_RESERVED = set(CANONICAL_COLUMNS)


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
) -> tuple[pd.DataFrame, str | None]:
    """Parse a date (+ time) pair of columns; returns the parsed frame (with a ``note`` per row) and
    the column to blame.

    Day-first or month-first is decided row by row where a row is unambiguous
    (:func:`~.dates.resolve_month_first`); only the dates that could be either, in a column that
    looks month-first, are rejected. A time that cannot be read leaves its row at day precision,
    with a note, instead of rejecting it.
    """
    assert date_col is not None
    parsed = parse_dates(cells[date_col], date_formats)
    parsed, ambiguous = resolve_month_first(cells[date_col], parsed)
    if ambiguous.any():
        parsed.loc[ambiguous, "reason"] = "ambiguous date: this column also holds month-first (US) dates"
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
    return parsed, date_col


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
    from .infer import profile_columns

    prof = profile_columns(cells)
    if prof.empty:
        return None
    key = "free" if field == "description" else "date"
    j = int(prof[key].to_numpy().argmax())
    if prof[key].iloc[j] < 0.3:
        return None
    return {"columns": {str(cells.columns[j]): field}}


def normalise_table(
    table: RawTable,
    *,
    agency: str | None = None,
    case_id: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    date_formats: Sequence[str] | None = None,
    service: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Events, rejects and one provenance record for one raw table. The table is not modified."""
    cells = table.cells
    mapping, inferred = infer_columns(cells, columns, file=table.source, sheet=table.sheet)
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
    index = cells.index
    time_col = _first(mapping, "time")
    when, _ = _parse_when(cells, date_col, time_col, date_formats)

    reason = when["reason"].copy()
    hint = when["hint"].copy()
    blame = when["blame"].copy()
    note = when["note"].astype("object").copy()
    col_notes: list[str] = []
    us_read = when["format"].astype("str").str.startswith("month-first").fillna(False)
    if us_read.any():
        first = int(np.flatnonzero(us_read.to_numpy())[0])
        col_notes.append(
            f"column {date_col!r}: {int(us_read.sum())} date(s) can only be month-first and were read "
            f"so (first at row {int(table.rows[first])}: {cells[date_col].iloc[first]!s})"
        )
    n_amb = int(when["reason"].eq("ambiguous date: this column also holds month-first (US) dates").sum())
    if n_amb:
        col_notes.append(
            f"column {date_col!r} looks month-first: {n_amb} date(s) that could be read either way "
            "were rejected; pass date_formats=['%m/%d/%Y'] if the file is month-first"
        )
    rec_col = _first(mapping, "recorded")
    recorded = None
    if rec_col is not None:
        rp, _ = _parse_when(cells, rec_col, None, date_formats)
        recorded = rp["start"]
        unread = rp["start"].isna() & rp["reason"].ne("empty")
        if unread.any():
            shown = cells.loc[unread, rec_col].astype("str").str.strip()
            note = _join_notes(note, ("recorded date '" + shown + "' not readable").reindex(index))

    end_col = _first(mapping, "end_date")
    end_time_col = _first(mapping, "end_time")
    end = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    if end_col is not None:
        ew, _ = _parse_when(cells, end_col, end_time_col, date_formats)
        present = ew["reason"].ne("empty") | ew["start"].notna()
        bad = reason.isna() & present & ew["reason"].notna()
        reason[bad] = "end: " + ew.loc[bad, "reason"].astype(str)
        hint[bad] = ew.loc[bad, "hint"]
        blame[bad] = ew.loc[bad, "blame"]
        end = ew["start"].where(present)
        backwards = reason.isna() & end.notna() & (end < when["start"])
        reason[backwards] = "ends before it starts"
        hint[backwards] = "check the start and end dates (dates are read day-first)"
        blame[backwards] = end_col

    description = clean_text(cells[desc_col])
    no_desc = reason.isna() & description.isna()
    reason[no_desc] = "no description"
    hint[no_desc] = "every event needs a description of what happened; fill the cell"
    blame[no_desc] = desc_col

    # case id
    case_col = _first(mapping, "case_id")
    if case_col is not None:
        case = clean_text(cells[case_col])
        if case_id is not None:
            case = case.fillna(case_id)
        no_case = reason.isna() & case.isna()
        reason[no_case] = "no case id"
        hint[no_case] = "fill the case reference, or pass case_id=... for the whole file"
        blame[no_case] = case_col
    elif case_id is not None:
        case = pd.Series(str(case_id), index=index, dtype="str")
    else:
        raise ColumnMappingError(
            "no case id: the file has no case reference column",
            file=table.source,
            sheet=table.sheet,
            hint="pass case_id='<child or case>' to read(), or map a column with "
            "columns={'<heading>': 'case_id'}",
        )

    # agency
    agency_col = _first(mapping, "agency")
    code = resolve_agency(agency) if agency is not None else None
    if agency_col is not None:
        ag = map_agency(clean_text(cells[agency_col]))
        if code is not None:
            # a name the vocabulary does not know is the caller's agency, not "other"
            raw = clean_text(cells[agency_col])
            unknown = ag.eq("other") & raw.notna() & ~raw.str.lower().eq("other")
            ag = ag.mask(unknown).fillna(code)
        no_ag = reason.isna() & ag.isna()
        reason[no_ag] = "no agency"
        hint[no_ag] = "fill the agency cell, or pass agency=... for the whole file"
        blame[no_ag] = agency_col
    elif code is not None:
        ag = pd.Series(code, index=index, dtype="object")
    else:
        raise ColumnMappingError(
            "no agency: the file has no agency column",
            file=table.source,
            sheet=table.sheet,
            hint="pass agency='police' (or another code, or the agency's name) to read()",
        )

    ok = reason.isna().to_numpy()
    # ---------------------------------------------------------------- events
    def col(field: str) -> pd.Series | None:
        h = _first(mapping, field)
        return None if h is None else cells[h]

    ev = pd.DataFrame(index=index)
    rows = pd.Series(table.rows, index=index, dtype="int64")
    sheet_part = f"{table.sheet}:" if table.sheet else ""
    ev["event_id"] = case.astype("str") + f":{table.source}:{sheet_part}" + rows.astype("str")
    ev["case_id"] = case.astype("str")
    ev["agency"] = ag.astype(CANONICAL_DTYPES["agency"])
    svc = clean_text(col("service")) if col("service") is not None else pd.Series(pd.NA, index=index, dtype="str")
    if service is not None:
        svc = svc.fillna(service)
    ev["service"] = svc.astype("str")
    ev["start"] = when["start"]
    ev["end"] = end
    if recorded is not None:
        ev["recorded"] = recorded
    ev["precision"] = when["precision"]
    # a time in the hour repeated (skipped) at a clock change is read as its first, BST, occurrence
    # (moved forward) by to_london: kept, flagged uncertain and noted in provenance
    # (a cell that carried its own time zone is an exact instant: not flagged)
    dst = clock_change(when["start"].where(~when["zoned"])).fillna(clock_change(end)).where(ok)
    ev["uncertain"] = when["uncertain"].astype(bool).to_numpy() | dst.notna().to_numpy()
    type_col = col("event_type")
    ev["event_type"] = map_event_type(
        clean_text(type_col) if type_col is not None else None, description
    )
    ev["description"] = description
    for field in ("action", "child_voice", "practitioner"):
        c = col(field)
        ev[field] = clean_text(c) if c is not None else pd.Series(pd.NA, index=index, dtype="str")
    seen = col("child_seen")
    ev["child_seen"] = child_seen(seen) if seen is not None else pd.Series(pd.NA, index=index, dtype="boolean")
    ev["source"] = table.source
    ev["source_sheet"] = pd.Series(table.sheet, index=index, dtype="str")
    ev["source_row"] = rows
    # unmapped columns are kept as text (cleaned together and added at once: linear in the width)
    extra = _extra_columns(cells, [h for h in cells.columns if h not in mapping])
    if extra:
        ev = pd.concat([ev, pd.DataFrame(extra, index=index)], axis=1)
    if note[ok].notna().any():
        ev["date_note"] = note.astype("str")
    events = ev.reset_index(drop=True) if ok.all() else ev[ok].reset_index(drop=True)
    events = _finish_events(events, fold=when["fold"].to_numpy(dtype=bool)[ok])

    # ---------------------------------------------------------------- rejects
    bad = ~ok
    if bad.any():
        values = []
        for b, i in zip(blame[bad], np.flatnonzero(bad), strict=True):
            v = cells[b].iloc[i] if b in cells.columns else None
            values.append(None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        rejects = pd.DataFrame(
            {
                "source": table.source,
                "source_sheet": pd.Series(table.sheet, index=range(int(bad.sum())), dtype="str"),
                "source_row": rows[bad].to_numpy(),
                "column": blame[bad].astype("str").to_numpy(),
                "value": pd.Series(values, dtype="str").to_numpy(),
                "reason": reason[bad].astype("str").to_numpy(),
                "hint": hint[bad].astype("str").to_numpy(),
                "row_text": _row_text(cells, bad).to_numpy(),
            }
        )
        for c in ("source", "source_sheet", "column", "value", "reason", "hint", "row_text"):
            rejects[c] = rejects[c].astype("str")
    else:
        rejects = empty_rejects()
    if table.above:
        # rows above the header that look like data: reported, never dropped
        head = ", ".join(map(str, cells.columns))[:120]
        above = pd.DataFrame(
            {
                "source": table.source,
                "source_sheet": pd.Series(table.sheet, index=range(len(table.above)), dtype="str"),
                "source_row": np.array([r for r, _ in table.above], dtype="int64"),
                "column": pd.Series([None] * len(table.above), dtype="str"),
                "value": pd.Series([t for _, t in table.above], dtype="str"),
                "reason": "a row above the header row that looks like data, not a title",
                "hint": f"the header was taken from row {table.header_row} ({head}); if this row "
                "is an event, move it below the header row",
                "row_text": pd.Series([t for _, t in table.above], dtype="str"),
            }
        )
        for c in ("source", "source_sheet", "column", "value", "reason", "hint"):
            above[c] = above[c].astype("str")
        rejects = above if rejects.empty else pd.concat([above, rejects], ignore_index=True)
    n_notes = int(note[ok].notna().sum())
    if n_notes:
        col_notes.append(f"{n_notes} event(s) with a note on the date or time (see column 'date_note')")
    notes = [*table.notes, *col_notes]

    formats = Counter(when.loc[ok, "format"].dropna().tolist())
    prov: dict[str, Any] = {
        "source": table.source,
        "source_sheet": table.sheet,
        "agency": code if agency_col is None else f"column {agency_col!r}",
        "case_id": case_id if case_col is None else f"column {case_col!r}",
        "format": table.format,
        "rows_read": table.rows_read,
        "events": int(ok.sum()),
        "rejects": len(rejects),
        "blank_rows": table.blank_rows,
        "repeated_headers": table.repeated_headers,
        "header_row": table.header_row,
        "mapping": dict(mapping),
        "date_formats": dict(formats),
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "notes": "; ".join([*notes, *_clock_change_notes(dst, rows)]) or None,
        "inferred": inferred,
        "title_rows": table.title_rows,
    }
    accounted = int(ok.sum()) + len(rejects) + table.blank_rows + table.repeated_headers
    assert table.rows_read == accounted, "every row is an event, a reject, blank or a repeated header"
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
    from ..schema import PROVENANCE_COLUMNS

    if tables and sum(t.rows_read for t in tables) == 0:
        t0 = tables[0]
        from ..errors import SourceReadError

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


def events_from_canonical(
    frame: pd.DataFrame, *, source: str = "<frame>"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Normalise a frame whose columns already use canonical names (``case_id, agency, start, ...``).

    ``start`` and ``end`` may be text in any supported style or datetimes; ``event_type`` and
    ``precision`` are inferred when absent. Lineage columns are used when present, else ``source`` and
    the row position (from 1). The input frame is not modified.
    """
    from ..io import RawTable

    df = frame.reset_index(drop=True)
    if "source" in df and len(pd.unique(df["source"])) > 1:
        # one table per source, so each event keeps its own lineage
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
    rename = {"start": "datetime", "end": "end_date"}
    cols = {c: rename.get(c, c) for c in df.columns}
    known = {
        "case_id", "agency", "service", "datetime", "end_date", "event_type", "description",
        "action", "child_seen", "child_voice", "practitioner",
    }
    mapping = {c: f for c, f in cols.items() if f in known}
    cells = df[[c for c in df.columns if c not in ("event_id", "source", "source_sheet", "source_row", "precision", "uncertain")]]
    cells = cells.astype("object").where(cells.notna(), None)
    rows = df["source_row"].to_numpy(dtype="int64") if "source_row" in df else np.arange(1, len(df) + 1)
    src = str(df["source"].iloc[0]) if "source" in df and len(df) else source
    sheet = df["source_sheet"].iloc[0] if "source_sheet" in df and len(df) and pd.notna(df["source_sheet"].iloc[0]) else None
    table = RawTable(
        cells=cells, rows=rows, source=src, path=src, sheet=sheet, format="frame",
        header_row=0, rows_read=len(df),
    )
    columns: dict[str, str | None] = dict(mapping)
    ev, rej, prov = normalise_tables([table], columns=columns)
    if len(ev) == len(df):
        if "precision" in df:
            given = df["precision"].astype("str")
            ev["precision"] = given.where(given.notna(), ev["precision"].astype("str")).astype(CANONICAL_DTYPES["precision"]).to_numpy()
        if "uncertain" in df:
            ev["uncertain"] = df["uncertain"].fillna(False).astype(bool).to_numpy() | ev["uncertain"].to_numpy()
        if "event_id" in df:
            ev["event_id"] = df["event_id"].astype("str").to_numpy()
    return ev, rej, prov
