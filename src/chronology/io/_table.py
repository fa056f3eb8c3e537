"""The raw table every reader returns, and header-row detection shared by all readers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..normalise.headers import normalise_heading, score_header_row

__all__ = ["RawTable", "find_header", "make_table", "unique_headings"]

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


def find_header(
    grid: Sequence[Sequence[Any]], columns: Mapping[str, Any] | None = None
) -> int | None:
    """Index of the header row among the first rows of ``grid``, or None.

    The header is the row with most cells that look like known headings and a date heading; headings
    named in ``columns=`` count too. Title and preamble rows above it are skipped.
    """
    wanted = {normalise_heading(k) for k in (columns or {})}
    best: tuple[int, int] | None = None
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        texts = [c for c in row if c is not None and str(c).strip()]
        if len(texts) < 2:
            continue
        score, has_date = score_header_row(texts)
        override = sum(normalise_heading(c) in wanted for c in texts)
        if override:
            has_date = has_date or any(
                str(v) in ("date", "datetime", "start")
                for k, v in (columns or {}).items()
                if normalise_heading(k) in {normalise_heading(c) for c in texts}
            )
        total = score + override
        if total >= 2 and has_date and (best is None or total > best[1]):
            best = (i, total)
    return None if best is None else best[0]


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
        rows_read=len(body),
        blank_rows=int(blank.sum()),
        repeated_headers=int(repeated.sum()),
        **meta,
    )
