"""The raw table every reader returns, and header-row detection shared by all readers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SourceReadError
from ..normalise.headers import normalise_heading, score_header_row
from ._guard import MAX_TABLE_COLUMNS

__all__ = ["RawTable", "check_table_width", "find_header", "make_table", "unique_headings"]

#: how many rows from the top are searched for the header row
HEADER_SEARCH_ROWS = 25


@dataclass
class RawTable:
    """Cells of one table (a CSV, an Excel sheet, a Word table) below its header row.

    ``cells`` holds the data rows with the original (made unique) headings as columns and the raw cell
    values (text, or datetimes/numbers from Excel); ``rows`` is each data row's number as a person sees
    it in the file (Excel row, CSV record, Word table row, counting the header). Blank rows and repeated
    header rows are removed and counted.
    """

    cells: pd.DataFrame
    rows: np.ndarray
    source: str
    path: str
    sheet: str | None
    format: str
    header_row: int
    rows_read: int
    blank_rows: int = 0
    repeated_headers: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    #: title rows above the header (counted apart, not in ``rows_read``)
    title_rows: int = 0
    #: rows above the header that look like data: ``(row number, the row's text)``; they are in
    #: ``rows_read`` and become rejects, never silently dropped
    above: list[tuple[int, str]] = field(default_factory=list)


def unique_headings(cells: Sequence[Any]) -> list[str]:
    """Headings as text, blanks named ``column N``, repeats suffixed `` (2)``.

    Examples
    --------
    >>> unique_headings(["Date", "Details", "Details", None])
    ['Date', 'Details', 'Details (2)', 'column 4']
    """
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, c in enumerate(cells):
        blank = c is None or (isinstance(c, float) and c != c) or not str(c).strip()
        name = f"column {i + 1}" if blank else " ".join(str(c).split())
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _cell_kinds(grid: Sequence[Sequence[Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each cell of ``grid`` (padded to a rectangle): filled, reads as a date, and looks like a
    heading label (short text that is not a date or a number). Vectorised over all cells."""
    from ..normalise.dates import parse_dates
    from ..normalise.infer import DATEISH

    height = len(grid)
    width = max((len(r) for r in grid), default=0)
    flat: list[Any] = []
    for r in grid:
        flat.extend(list(r) + [None] * (width - len(r)))
    values = pd.Series(flat, dtype="object")
    text = values.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))
    text = text.astype("str").str.strip()
    filled = (text.notna() & text.ne("")).to_numpy()
    is_date = np.zeros(len(values), dtype=bool)
    # only short cells with a digit (or real date cells) can be dates
    maybe = filled & (
        (text.str.len().le(40) & text.str.contains(DATEISH, regex=True)).fillna(False).to_numpy(dtype=bool)
        | values.map(lambda v: v is not None and not isinstance(v, str)).to_numpy(dtype=bool)
    )
    if maybe.any():
        pos = np.flatnonzero(maybe)
        sub = values.iloc[pos]
        parsed = parse_dates(sub)
        ok = parsed["start"].notna() & parsed["precision"].ne("year")
        ok &= ~parsed["format"].eq("Excel serial number")
        is_date[pos] = ok.to_numpy()
    numeric = text.str.fullmatch(r"[\d.,:/\- ]+").fillna(False).to_numpy(dtype=bool)
    nonstr = values.map(lambda v: v is not None and not isinstance(v, str)).to_numpy(dtype=bool)
    length = text.str.len().fillna(0).to_numpy()
    words = text.str.count(r"\S+").fillna(0).to_numpy()
    # markup or data syntax (JSON, HTML, formulas) is never a heading
    markup = text.str.contains(r"[{}<>\[\]=]|\d{1,2}/\d{1,2}/\d{2,4}", regex=True).fillna(False).to_numpy(dtype=bool)
    label = filled & ~is_date & ~numeric & ~nonstr & ~markup & (length <= 80) & (words <= 10)
    shape = (height, width)
    return filled.reshape(shape), is_date.reshape(shape), label.reshape(shape)


def _header_scores(
    grid: Sequence[Sequence[Any]], columns: Mapping[str, Any] | None
) -> tuple[list[tuple[int, float]], np.ndarray, np.ndarray, np.ndarray]:
    """Candidate header rows ``(index, score)`` among the first rows, and the cell kinds."""
    rows = list(grid[:HEADER_SEARCH_ROWS])
    filled, is_date, label = _cell_kinds(rows)
    wanted = {normalise_heading(k): str(v) for k, v in (columns or {}).items()}
    out: list[tuple[int, float]] = []
    for i, row in enumerate(rows):
        n = int(filled[i].sum())
        if n < 2:
            continue
        labels = int(label[i].sum())
        share = labels / n
        if share < 0.75 or is_date[i].any():  # a heading is never a date
            continue
        texts = [str(row[int(j)]) for j in np.flatnonzero(label[i])]
        known, has_date = score_header_row(texts)
        override = [wanted[normalise_heading(t)] for t in texts if normalise_heading(t) in wanted]
        known += len(override)
        has_date = has_date or any(v in ("date", "datetime", "start") for v in override)
        # content below: a labelled column whose next filled cells read as dates
        below = 0.0
        for j in np.flatnonzero(label[i]):
            col_f = filled[i + 1 : i + 9, j]
            if col_f.sum() >= 1:
                below = max(below, float(is_date[i + 1 : i + 9, j][col_f].mean()))
        date_below = below >= 0.6
        ok = (known >= 2 and has_date) or (known >= 1 and date_below) or (
            labels >= 3 and share == 1.0 and date_below
        )
        if ok:
            out.append((i, known + share + 0.5 * date_below + 0.5 * has_date))
    return out, filled, is_date, label


def find_header(
    grid: Sequence[Sequence[Any]], columns: Mapping[str, Any] | None = None
) -> int | None:
    """Index of the header row among the first rows of ``grid``, or None.

    A header row is mostly short text labels (not dates, not numbers) with a known date heading and
    another known heading, or with a column whose cells below read as dates (a header with no
    recognised date heading: the content decides); headings named in ``columns=`` count too. A
    richer header lower down wins only over title rows (a two-row header, a title above the
    table): once a row that looks like data has been passed, a later header-like row is part of
    the data, never a reason to drop the rows above it.

    Examples
    --------
    >>> find_header([["Chronology"], ["Ref", "Logged", "Summary"], ["A1", "01/03/2024", "Call"]])
    1
    >>> find_header([["Date", "Details"], ["01/03/2024", "Call"], ["Date", "Details", "Action"]])
    0
    """
    cands, filled, is_date, label = _header_scores(grid, columns)
    if not cands:
        return None
    best, score = cands[0]
    for i, sc in cands[1:]:
        between = range(best + 1, i)
        if any(_looks_like_data(filled[k], is_date[k], label[k]) for k in between):
            break
        if sc > score:
            best, score = i, sc
    return best


def _looks_like_data(filled: np.ndarray, is_date: np.ndarray, label: np.ndarray) -> bool:
    """A row that is not a title: two cells or more, and a date, a number or long text among them."""
    n = int(filled.sum())
    if n < 2:
        return False
    return bool(is_date.any() or (filled & ~label).any())


def _is_blank(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty:
        return np.zeros(len(frame), dtype=bool)
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        s = frame[col].astype("str")
        blank &= (s.isna() | s.str.strip().eq("")).to_numpy()
        if not blank.any():
            break
    return blank


def _drop_empty_unnamed_columns(data: pd.DataFrame, header_index: int) -> pd.DataFrame:
    """Drop columns with no heading and no content below it (Excel's formatted-but-empty columns),
    without per-column Python work, so a stray cell far to the right costs nothing."""
    if data.shape[1] <= 1:
        return data
    # only a column whose heading is blank can go: look at those columns alone (usually none)
    head = data.iloc[header_index].to_numpy(dtype=object)
    blank_head = np.array([isinstance(v, str) and not v.strip() for v in head], dtype=bool)
    unnamed = np.flatnonzero(pd.isna(head) | blank_head)
    if not len(unnamed):
        return data
    arr = data.iloc[:, unnamed].to_numpy(dtype=object)
    present = ~pd.isna(arr)
    if present.any():
        rr, cc = np.nonzero(present)
        blank_text = np.fromiter(
            (isinstance(v, str) and not v.strip() for v in arr[rr, cc]), dtype=bool, count=len(rr)
        )
        present[rr[blank_text], cc[blank_text]] = False
    used = present[header_index:].any(axis=0)
    if used.all():
        return data
    keep = np.ones(data.shape[1], dtype=bool)
    keep[unnamed[~used]] = False
    return data.loc[:, keep]


def check_table_width(data: pd.DataFrame, source: str, sheet: str | None = None) -> None:
    """Refuse a table with more than :data:`~chronology.io._guard.MAX_TABLE_COLUMNS` columns that
    hold anything (a heading or a cell): a chronology has tens of columns; thousands are a broken
    export or a pivoted sheet, and reading them would be slow and useless. Empty columns without a
    heading were dropped before (they cost nothing)."""
    if data.shape[1] <= MAX_TABLE_COLUMNS:
        return
    arr = data.to_numpy(dtype=object)
    present = ~pd.isna(arr)
    if present.any():
        rr, cc = np.nonzero(present)
        blank = np.fromiter(
            (isinstance(v, str) and not v.strip() for v in arr[rr, cc]), dtype=bool, count=len(rr)
        )
        present[rr[blank], cc[blank]] = False
    used = np.flatnonzero(present.any(axis=0))
    if len(used) > MAX_TABLE_COLUMNS:
        last = int(used[MAX_TABLE_COLUMNS])
        raise SourceReadError(
            f"has {len(used):,} columns with headings or text, more than the {MAX_TABLE_COLUMNS:,} "
            "a chronology table may have",
            file=source,
            sheet=sheet,
            column=_column_label(last),
            hint="a chronology has tens of columns: delete the columns that are not part of it "
            f"(from column {_column_label(last)} on), or split the table, and read it again",
        )


def _column_label(i: int) -> str:
    """The spreadsheet letter(s) of 0-based column ``i``: 0 -> A, 26 -> AA.

    Examples
    --------
    >>> _column_label(0), _column_label(1024)
    ('A', 'AMK')
    """
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def make_table(
    data: pd.DataFrame,
    header_index: int,
    row_numbers: np.ndarray,
    **meta: Any,
) -> RawTable:
    """Build a :class:`RawTable` from a grid frame (positional columns) and its header row position.

    Rows below the header are data; fully blank rows and rows repeating the header are dropped and
    counted. Trailing blank rows (e.g. formatted but empty Excel rows) are not counted as read.
    """
    data = _drop_empty_unnamed_columns(data, header_index)
    check_table_width(data, meta.get("source", ""), meta.get("sheet"))
    above: list[tuple[int, str]] = []
    title_rows = 0
    if header_index > 0:
        top = data.iloc[:header_index].to_numpy(dtype=object).tolist()
        filled, is_date, label = _cell_kinds(top)
        for k, cells_k in enumerate(top):
            if not filled[k].any():
                continue
            if _looks_like_data(filled[k], is_date[k], label[k]):
                text = " | ".join(str(c).strip() for c, f in zip(cells_k, filled[k], strict=False) if f)
                above.append((int(row_numbers[k]), text))
            else:
                title_rows += 1
    header_cells = data.iloc[header_index].tolist()
    headings = unique_headings(header_cells)
    body = data.iloc[header_index + 1 :].set_axis(headings, axis=1)
    rows = np.asarray(row_numbers[header_index + 1 :])
    blank = _is_blank(body)
    nonblank_pos = np.flatnonzero(~blank)
    last = nonblank_pos[-1] + 1 if len(nonblank_pos) else 0
    body, rows, blank = body.iloc[:last], rows[:last], blank[:last]
    norm_header = [normalise_heading(c) if c is not None else "" for c in header_cells]
    repeated = np.zeros(len(body), dtype=bool)
    if len(body):
        first_col = body.columns[0]
        head0 = str(header_cells[0]).strip().lower() if header_cells[0] is not None else ""
        maybe = (
            body[first_col].astype("str").str.strip().str.lower().eq(head0).fillna(False).to_numpy()
        )
        for pos in np.flatnonzero(maybe & ~blank):
            vals = [normalise_heading(v) if v is not None and v == v else "" for v in body.iloc[pos]]
            if vals == norm_header:
                repeated[pos] = True
    keep = ~(blank | repeated)
    return RawTable(
        cells=(body if keep.all() else body[keep]).reset_index(drop=True),
        rows=rows[keep].astype("int64"),
        header_row=int(row_numbers[header_index]),
        rows_read=len(body) + len(above),
        blank_rows=int(blank.sum()),
        repeated_headers=int(repeated.sum()),
        title_rows=title_rows,
        above=above,
        **meta,
    )
