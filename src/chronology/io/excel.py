"""Excel (.xlsx/.xlsm) reader with openpyxl: title rows above the header, several sheets, real date
cells and text dates in one column, Excel serial numbers (normalised later).

Hostile workbooks are refused before they can hurt: the container is checked first (unpacked sizes,
compression ratio, XML document type declarations; see :mod:`chronology.io._guard`), rows are
streamed with a budget of cells, a cell longer than the limit or a row wider than Excel's 16,384
columns is refused, chart sheets are skipped, and any openpyxl or XML parser error becomes a
:class:`~chronology.errors.SourceReadError` naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SourceReadError
from ._guard import (
    MAX_CELLS,
    check_cell_chars,
    check_grid,
    check_zip,
    guarded,
    read_head,
    refuse_kind,
    sniff_kind,
)
from ._table import HEADER_SEARCH_ROWS, RawTable, check_table_width, find_header, make_table
from .csv import _no_header

__all__ = ["read_excel"]

#: Excel's last row
_MAX_ROWS = 1_048_576
_WHAT = "an Excel workbook"


def _check_container(path: Path) -> None:
    kind = sniff_kind(read_head(path, 64))
    if kind != "zip":
        refuse_kind(path, kind, ".xlsx")
    check_zip(path, "xlsx")
    import zipfile

    with guarded(path, _WHAT), zipfile.ZipFile(path) as z:
        names = set(z.namelist())
    if "word/document.xml" in names:
        raise SourceReadError(
            "is a Word document saved with an Excel extension",
            file=path.name,
            hint="rename it to .docx and read it again",
        )
    if not any(n.lower() == "xl/workbook.xml" or n.lower().startswith("xl/workbook") for n in names):
        raise SourceReadError(
            "is corrupt and cannot be opened as a workbook (a zip file without xl/workbook.xml)",
            file=path.name,
            hint="open it in Excel and save it as .xlsx, or check the file extension",
        )


def _open(path: Path, data_only: bool = True) -> Any:
    """The workbook in read-only mode, from a file this reader opens and closes itself
    (:func:`_close`), so a workbook openpyxl fails on half-way never leaves the file open."""
    import openpyxl

    with guarded(path, _WHAT):
        f = path.open("rb")
        try:
            wb = openpyxl.load_workbook(f, read_only=True, data_only=data_only)
        except BaseException:
            f.close()
            raise
        wb._chronology_file = f  # type: ignore[attr-defined]
        return wb


def _close(path: Path, wb: Any) -> None:
    """Close a workbook from :func:`_open` and its file."""
    try:
        with guarded(path, _WHAT):
            wb.close()
    finally:
        f = getattr(wb, "_chronology_file", None)
        if f is not None:
            f.close()


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _rows(ws: Any, path: Path, sheet: str) -> list[list[Any]]:
    """The sheet's rows as lists, trailing blank cells cut, streamed under the table limits: at most
    Excel's 1,048,576 rows, a budget of cells, no cell longer than the character limit."""
    if hasattr(ws, "reset_dimensions"):
        # trust the cells, not the stored used range: one stray formatted cell at XFD would
        # otherwise make every row 16,384 cells wide
        ws.reset_dimensions()
    out: list[list[Any]] = []
    width = 0
    seen = 0
    for n, r in enumerate(ws.iter_rows(values_only=True), start=1):
        if n > _MAX_ROWS:
            raise SourceReadError(
                f"has more than Excel's {_MAX_ROWS:,} rows",
                file=path.name, sheet=sheet,
                hint="the workbook is damaged; open it in Excel and save it again",
            )
        seen += len(r)
        if seen > 4 * MAX_CELLS:
            check_grid(n, MAX_CELLS, file=path.name, sheet=sheet, row=n)
        end = len(r)
        while end and _is_blank(r[end - 1]):
            end -= 1
        row = list(r[:end])
        for i, v in enumerate(row):
            if isinstance(v, str) and len(v) > 32_767:
                check_cell_chars(len(v), file=path.name, sheet=sheet, row=n, column=i + 1)
        if end > width:
            width = end
            check_grid(n, width, file=path.name, sheet=sheet, row=n)
        elif n * width > MAX_CELLS:
            check_grid(n, width, file=path.name, sheet=sheet, row=n)
        out.append(row)
    return out


def _with_formulas(values: list[list[Any]], raw: list[list[Any]]) -> list[list[Any]]:
    """Formula cells never calculated (e.g. written by a script) have no cached value: keep the
    formula's text rather than lose the cell."""
    merged = []
    for r, fr in zip(values, raw, strict=False):
        row = [
            f if v is None and isinstance(f, str) and f.startswith("=") else v
            for v, f in zip(r, fr, strict=False)
        ]
        row += r[len(fr):]
        row += [f if isinstance(f, str) and f.startswith("=") else None for f in fr[len(r):]]
        while row and _is_blank(row[-1]):
            row.pop()
        merged.append(row)
    merged += values[len(raw):]
    return merged


def read_excel(
    path: Path,
    *,
    sheet: str | int | None = None,
    columns: Mapping[str, Any] | None = None,
) -> list[RawTable]:
    """Read the chronology sheets of a workbook (all sheets with a header row, or ``sheet``)."""
    _check_container(path)
    wb = _open(path)
    try:
        with guarded(path, _WHAT):
            return _read_sheets(path, wb, sheet, columns, lambda: _open(path, data_only=False))
    finally:
        _close(path, wb)


def _choose_sheets(path: Path, names: list[str], charts: set[str], sheet: str | int | None) -> list[str]:
    """The sheets to read: ``sheet`` (by name or number from 0) when given, else every sheet that is
    not a chart."""
    if sheet is None:
        return [n for n in names if n not in charts]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise SourceReadError(
                f"has no sheet number {sheet}",
                file=path.name,
                hint=f"the sheets are: {', '.join(names)} (numbered from 0)",
            )
        wanted = [names[sheet]]
    elif sheet in names:
        wanted = [str(sheet)]
    else:
        raise SourceReadError(
            f"has no sheet {sheet!r}",
            file=path.name,
            hint=f"the sheets are: {', '.join(names)}",
        )
    if wanted[0] in charts:
        tables = ", ".join(n for n in names if n not in charts) or "(none)"
        raise SourceReadError(
            f"sheet {wanted[0]!r} is a chart, not a table",
            file=path.name,
            hint=f"choose a sheet with the chronology table: {tables}",
        )
    return wanted


class _Formulas:
    """The workbook opened a second time with formulas (not cached values), only when a sheet needs
    it, and closed by :meth:`close`."""

    def __init__(self, path: Path, open_formulas: Any) -> None:
        self.path, self._open = path, open_formulas
        self.book: Any = None

    def rows(self, name: str) -> list[list[Any]]:
        if self.book is None:
            self.book = self._open()
        return _rows(self.book[name], self.path, name)

    def close(self) -> None:
        if self.book is not None:
            _close(self.path, self.book)


def _sheet_grid(path: Path, wb: Any, name: str, formulas: _Formulas) -> pd.DataFrame | None:
    """A sheet's cells as a rectangular object frame (uncalculated formulas kept as text), or None
    for an empty sheet."""
    values = _rows(wb[name], path, name)
    if not any(values):
        return None
    width = max(len(r) for r in values)
    if any(len(r) < width or None in r for r in values):
        values = _with_formulas(values, formulas.rows(name))
        width = max((len(r) for r in values), default=0)
    check_grid(len(values), width, file=path.name, sheet=name)
    return pd.DataFrame([r + [None] * (width - len(r)) for r in values], dtype="object")


def _sheet_table(
    path: Path, wb: Any, name: str, grid: pd.DataFrame, columns: Mapping[str, Any] | None, chosen: bool
) -> RawTable | None:
    """The sheet's table below its header row; None when it has no header row (refused when the
    caller chose the sheet)."""
    check_table_width(grid.head(HEADER_SEARCH_ROWS), path.name, name)
    probe = grid.head(HEADER_SEARCH_ROWS).values.tolist()
    header = find_header(probe, columns)
    if header is None:
        if chosen:
            raise _no_header(path.name, name, probe)
        return None
    first_row = getattr(wb[name], "min_row", 1) or 1
    rows = np.arange(first_row, first_row + len(grid))
    return make_table(grid, header, rows, source=path.name, path=str(path), sheet=name, format="xlsx")


def _read_sheets(
    path: Path, wb: Any, sheet: str | int | None, columns: Mapping[str, Any] | None, open_formulas: Any
) -> list[RawTable]:
    names = list(wb.sheetnames)
    charts = {n for n in names if not hasattr(wb[n], "iter_rows")}
    formulas = _Formulas(path, open_formulas)
    try:
        wanted = _choose_sheets(path, names, charts, sheet)
        tables: list[RawTable] = []
        skipped: list[str] = [n for n in names if n in charts]
        for name in wanted:
            grid = _sheet_grid(path, wb, name, formulas)
            t = None if grid is None else _sheet_table(path, wb, name, grid, columns, sheet is not None)
            if t is None:
                skipped.append(name)
            else:
                tables.append(t)
    finally:
        formulas.close()
    if not names:
        raise SourceReadError(
            "has no readable sheet (the workbook lists none, or their parts are missing)",
            file=path.name,
            hint="open it in Excel, check the chronology sheet is there, and save it as a new .xlsx",
        )
    if not tables:
        raise SourceReadError(
            "has no sheet with a chronology table (a header row with a date column)",
            file=path.name,
            hint=f"the sheets are: {', '.join(names)}; pass sheet=... and columns={{...}} "
            "to name the date and description columns",
        )
    if skipped:
        for t in tables:
            t.notes.append(f"sheets without a chronology table skipped: {', '.join(skipped)}")
    return tables
