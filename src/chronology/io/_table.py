"""Building the :class:`~chronology.normalise.raw.RawTable` every reader returns from a grid and its
header row (found by :func:`chronology.normalise.header_row.find_header`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SourceReadError
from ..normalise.header_row import HEADER_SEARCH_ROWS, cell_kinds, find_header, looks_like_data
from ..normalise.headers import normalise_heading
from ..normalise.raw import RawTable
from ._guard import MAX_TABLE_COLUMNS

__all__ = [
    "HEADER_SEARCH_ROWS",
    "RawTable",
    "check_table_width",
    "find_header",
    "make_table",
    "unique_headings",
]

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


def _rows_above(
    data: pd.DataFrame, header_index: int, row_numbers: np.ndarray
) -> tuple[list[tuple[int, str]], int]:
    """The rows above the header that look like data ``(row number, text)`` and the number of title
    rows (filled rows that do not)."""
    above: list[tuple[int, str]] = []
    title_rows = 0
    if header_index == 0:
        return above, title_rows
    top = data.iloc[:header_index].to_numpy(dtype=object).tolist()
    filled, is_date, label = cell_kinds(top)
    for k, cells_k in enumerate(top):
        if not filled[k].any():
            continue
        if looks_like_data(filled[k], is_date[k], label[k]):
            text = " | ".join(str(c).strip() for c, f in zip(cells_k, filled[k], strict=False) if f)
            above.append((int(row_numbers[k]), text))
        else:
            title_rows += 1
    return above, title_rows


def _repeated_headers(body: pd.DataFrame, header_cells: list[Any], blank: np.ndarray) -> np.ndarray:
    """Which body rows repeat the header row (a header repeated on each printed page)."""
    repeated = np.zeros(len(body), dtype=bool)
    if not len(body):
        return repeated
    norm_header = [normalise_heading(c) if c is not None else "" for c in header_cells]
    first_col = body.columns[0]
    head0 = str(header_cells[0]).strip().lower() if header_cells[0] is not None else ""
    maybe = body[first_col].astype("str").str.strip().str.lower().eq(head0).fillna(False).to_numpy()
    for pos in np.flatnonzero(maybe & ~blank):
        vals = [normalise_heading(v) if v is not None and v == v else "" for v in body.iloc[pos]]
        if vals == norm_header:
            repeated[pos] = True
    return repeated


def make_table(
    data: pd.DataFrame,
    header_index: int,
    row_numbers: np.ndarray,
    **meta: Any,
) -> RawTable:
    """Build a :class:`RawTable` from a grid frame (positional columns) and its header row position.

    Rows below the header are data; fully blank rows and rows repeating the header are dropped and
    counted. Trailing blank rows (e.g. formatted but empty Excel rows) are not counted as read.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> grid = pd.DataFrame([["Date", "Details"], ["01/03/2024", "Call"], [None, None]], dtype="object")
    >>> t = make_table(grid, 0, np.arange(1, 4), source="a.csv", path="a.csv", sheet=None, format="csv")
    >>> t.cells.columns.tolist(), t.rows.tolist(), t.rows_read
    (['Date', 'Details'], [2], 1)
    """
    data = _drop_empty_unnamed_columns(data, header_index)
    check_table_width(data, meta.get("source", ""), meta.get("sheet"))
    above, title_rows = _rows_above(data, header_index, row_numbers)
    header_cells = data.iloc[header_index].tolist()
    headings = unique_headings(header_cells)
    body = data.iloc[header_index + 1 :].set_axis(headings, axis=1)
    rows = np.asarray(row_numbers[header_index + 1 :])
    blank = _is_blank(body)
    nonblank_pos = np.flatnonzero(~blank)
    last = nonblank_pos[-1] + 1 if len(nonblank_pos) else 0
    body, rows, blank = body.iloc[:last], rows[:last], blank[:last]
    repeated = _repeated_headers(body, header_cells, blank)
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
