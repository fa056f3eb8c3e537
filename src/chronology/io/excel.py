"""Excel (.xlsx/.xlsm) reader with openpyxl: title rows above the header, several sheets, real date
cells and text dates in one column, Excel serial numbers (normalised later)."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SourceReadError
from ._table import HEADER_SEARCH_ROWS, RawTable, find_header, make_table
from .csv import _no_header

__all__ = ["read_excel"]


def _open(path: Path, data_only: bool = True) -> Any:
    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceReadError(
            "is password-protected (encrypted) or an old .xls workbook",
            file=path.name,
            hint="remove the password (File > Info > Protect Workbook) or save it as .xlsx",
        )
    if not head.startswith(b"PK"):
        raise SourceReadError(
            "is not an Excel .xlsx workbook",
            file=path.name,
            hint="open it in Excel and save it as .xlsx, or check the file extension",
        )
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise SourceReadError(
            f"is corrupt and cannot be opened as a workbook ({type(exc).__name__}: {exc})",
            file=path.name,
            hint="open it in Excel, repair or re-save it as .xlsx, and send it again",
        ) from exc


def read_excel(
    path: Path,
    *,
    sheet: str | int | None = None,
    columns: Mapping[str, Any] | None = None,
) -> list[RawTable]:
    """Read the chronology sheets of a workbook (all sheets with a header row, or ``sheet``)."""
    wb = _open(path)
    formulas: Any = None
    try:
        names = list(wb.sheetnames)
        if sheet is not None:
            if isinstance(sheet, int):
                if not 0 <= sheet < len(names):
                    raise SourceReadError(
                        f"has no sheet number {sheet}",
                        file=path.name,
                        hint=f"the sheets are: {', '.join(names)} (numbered from 0)",
                    )
                wanted = [names[sheet]]
            elif sheet in names:
                wanted = [sheet]
            else:
                raise SourceReadError(
                    f"has no sheet {sheet!r}",
                    file=path.name,
                    hint=f"the sheets are: {', '.join(names)}",
                )
        else:
            wanted = names
        tables: list[RawTable] = []
        skipped: list[str] = []
        for name in wanted:
            ws = wb[name]
            if hasattr(ws, "reset_dimensions"):
                # trust the cells, not the stored used range: one stray formatted cell at XFD would
                # otherwise make every row 16,384 cells wide
                ws.reset_dimensions()
            values = list(ws.iter_rows(values_only=True))
            if not values:
                skipped.append(name)
                continue
            if any(v is None for r in values for v in r):
                # formula cells never calculated (e.g. written by a script) have no cached value:
                # keep the formula's text rather than lose the cell
                if formulas is None:
                    formulas = _open(path, data_only=False)
                fws = formulas[name]
                if hasattr(fws, "reset_dimensions"):
                    fws.reset_dimensions()
                raw = list(fws.iter_rows(values_only=True))
                values = [
                    tuple(
                        f if v is None and isinstance(f, str) and f.startswith("=") else v
                        for v, f in zip(r, fr, strict=False)
                    ) + tuple(r[len(fr):])
                    for r, fr in zip(values, raw, strict=False)
                ]
            width = max(len(r) for r in values)
            grid = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in values], dtype="object")
            probe = grid.head(HEADER_SEARCH_ROWS).values.tolist()
            header = find_header(probe, columns)
            if header is None:
                if sheet is not None:
                    raise _no_header(path.name, name, probe)
                skipped.append(name)
                continue
            first_row = getattr(ws, "min_row", 1) or 1
            rows = np.arange(first_row, first_row + len(grid))
            t = make_table(grid, header, rows, source=path.name, path=str(path), sheet=name, format="xlsx")
            tables.append(t)
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
    finally:
        wb.close()
        if formulas is not None:
            formulas.close()
