"""Which row of a grid is the header row: every reader's header detection, scored here with the
heading evidence of :mod:`.headers` and the date parser of :mod:`.dates` (header scoring lives in
:mod:`chronology.normalise` only; :mod:`chronology.io` calls :func:`find_header`).

Examples
--------
>>> find_header([["Chronology"], ["Ref", "Logged", "Summary"], ["A1", "01/03/2024", "Call"]])
1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .headers import normalise_heading, score_header_row

__all__ = ["HEADER_SEARCH_ROWS", "cell_kinds", "find_header", "looks_like_data"]

#: how many rows from the top are searched for the header row
HEADER_SEARCH_ROWS = 25

#: markup or data syntax (JSON, HTML, formulas) or a numeric date: never a heading
_MARKUP = r"[{}<>\[\]=]|\d{1,2}/\d{1,2}/\d{2,4}"


def _flat_cells(grid: Sequence[Sequence[Any]]) -> tuple[pd.Series, int, int]:
    """The cells of ``grid`` padded to a rectangle, row by row, as one object Series."""
    height = len(grid)
    width = max((len(r) for r in grid), default=0)
    flat: list[Any] = []
    for r in grid:
        flat.extend(list(r) + [None] * (width - len(r)))
    return pd.Series(flat, dtype="object"), height, width


def _date_cells(values: pd.Series, text: pd.Series, filled: np.ndarray, nonstr: np.ndarray) -> np.ndarray:
    """Which cells read as a date (not a bare year, not an Excel serial number)."""
    from .dates import parse_dates
    from .infer import DATEISH

    is_date = np.zeros(len(values), dtype=bool)
    # only short cells with a digit (or real date cells) can be dates
    maybe = filled & (
        (text.str.len().le(40) & text.str.contains(DATEISH, regex=True)).fillna(False).to_numpy(dtype=bool)
        | nonstr
    )
    if maybe.any():
        pos = np.flatnonzero(maybe)
        parsed = parse_dates(values.iloc[pos])
        ok = parsed["start"].notna() & parsed["precision"].ne("year")
        ok &= ~parsed["format"].eq("Excel serial number")
        is_date[pos] = ok.to_numpy()
    return is_date


def cell_kinds(grid: Sequence[Sequence[Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each cell of ``grid`` (padded to a rectangle): filled, reads as a date, and looks like a
    heading label (short text that is not a date or a number). Vectorised over all cells.

    Examples
    --------
    >>> filled, is_date, label = cell_kinds([["Date", "Details"], ["01/03/2024", None]])
    >>> filled.tolist(), is_date.tolist(), label.tolist()
    ([[True, True], [True, False]], [[False, False], [True, False]], [[True, True], [False, False]])
    """
    values, height, width = _flat_cells(grid)
    text = values.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))
    text = text.astype("str").str.strip()
    filled = (text.notna() & text.ne("")).to_numpy()
    nonstr = values.map(lambda v: v is not None and not isinstance(v, str)).to_numpy(dtype=bool)
    is_date = _date_cells(values, text, filled, nonstr)
    numeric = text.str.fullmatch(r"[\d.,:/\- ]+").fillna(False).to_numpy(dtype=bool)
    length = text.str.len().fillna(0).to_numpy()
    words = text.str.count(r"\S+").fillna(0).to_numpy()
    markup = text.str.contains(_MARKUP, regex=True).fillna(False).to_numpy(dtype=bool)
    label = filled & ~is_date & ~numeric & ~nonstr & ~markup & (length <= 80) & (words <= 10)
    shape = (height, width)
    return filled.reshape(shape), is_date.reshape(shape), label.reshape(shape)


def _date_share_below(i: int, filled: np.ndarray, is_date: np.ndarray, label: np.ndarray) -> float:
    """The largest share of dates among the next filled cells below a labelled cell of row ``i``."""
    below = 0.0
    for j in np.flatnonzero(label[i]):
        col_f = filled[i + 1 : i + 9, j]
        if col_f.sum() >= 1:
            below = max(below, float(is_date[i + 1 : i + 9, j][col_f].mean()))
    return below


def _known_headings(texts: Sequence[str], wanted: Mapping[str, str]) -> tuple[int, bool]:
    """How many labels are known headings (by the heading table or named in ``columns=``), and
    whether one is a date."""
    known, has_date = score_header_row(texts)
    override = [wanted[normalise_heading(t)] for t in texts if normalise_heading(t) in wanted]
    return known + len(override), has_date or any(v in ("date", "datetime", "start") for v in override)


def _row_score(
    i: int,
    row: Sequence[Any],
    kinds: tuple[np.ndarray, np.ndarray, np.ndarray],
    wanted: Mapping[str, str],
) -> float | None:
    """Row ``i``'s score as a header row, or None when it cannot be one."""
    filled, is_date, label = kinds
    n = int(filled[i].sum())
    if n < 2:
        return None
    labels = int(label[i].sum())
    share = labels / n
    if share < 0.75 or is_date[i].any():  # a heading is never a date
        return None
    known, has_date = _known_headings([str(row[int(j)]) for j in np.flatnonzero(label[i])], wanted)
    # content below: a labelled column whose next filled cells read as dates
    date_below = _date_share_below(i, filled, is_date, label) >= 0.6
    ok = (known >= 2 and has_date) or (known >= 1 and date_below) or (
        labels >= 3 and share == 1.0 and date_below
    )
    return known + share + 0.5 * date_below + 0.5 * has_date if ok else None


def _header_scores(
    grid: Sequence[Sequence[Any]], columns: Mapping[str, Any] | None
) -> tuple[list[tuple[int, float]], np.ndarray, np.ndarray, np.ndarray]:
    """Candidate header rows ``(index, score)`` among the first rows, and the cell kinds
    (filled, date, label) of those rows."""
    rows = list(grid[:HEADER_SEARCH_ROWS])
    kinds = cell_kinds(rows)
    wanted = {normalise_heading(k): str(v) for k, v in (columns or {}).items()}
    out: list[tuple[int, float]] = []
    for i, row in enumerate(rows):
        score = _row_score(i, row, kinds, wanted)
        if score is not None:
            out.append((i, score))
    return (out, *kinds)


def find_header(
    grid: Sequence[Sequence[Any]], columns: Mapping[str, Any] | None = None
) -> int | None:
    """Index of the header row among the first rows of ``grid``, or None.

    A header row is mostly short text labels (not dates, not numbers) with a known date heading and
    another known heading, or with a column whose cells below read as dates (a header with no
    recognised date heading: the content decides); headings named in ``columns`` count too. A
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
        if any(looks_like_data(filled[k], is_date[k], label[k]) for k in between):
            break
        if sc > score:
            best, score = i, sc
    return best


def looks_like_data(filled: np.ndarray, is_date: np.ndarray, label: np.ndarray) -> bool:
    """A row that is not a title: two cells or more, and a date, a number or long text among them.

    Examples
    --------
    >>> import numpy as np
    >>> looks_like_data(np.array([True, True]), np.array([True, False]), np.array([False, True]))
    True
    """
    n = int(filled.sum())
    if n < 2:
        return False
    return bool(is_date.any() or (filled & ~label).any())
