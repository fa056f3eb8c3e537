"""Word (.docx) table reader with python-docx: several tables, header rows repeated on each page,
horizontally and vertically merged cells, line breaks inside cells."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SourceReadError
from ..normalise.headers import normalise_heading
from ._table import RawTable, find_header, make_table

__all__ = ["read_docx"]


def _cell_text(cell: Any) -> str | None:
    """A cell's paragraphs, then the text of any table nested in it (rows on lines, cells joined by
    `` | ``), so nothing typed in the cell is lost."""
    parts = [cell.text]
    for nested in cell.tables:
        for row in nested.rows:
            seen: list[Any] = []
            texts = []
            for c in row.cells:
                if any(c._tc is t for t in seen):
                    continue
                seen.append(c._tc)
                t = _cell_text(c)
                if t:
                    texts.append(t)
            if texts:
                parts.append(" | ".join(texts))
    text = "\n".join(p for p in parts if p and p.strip())
    return text.strip() or None


def _grid(table: Any) -> list[list[str | None]]:
    """Cell texts of a Word table on its layout grid; a merged cell's text appears once per row
    (horizontal merges) and is repeated down a vertical merge."""
    from docx.table import _Cell

    rows: list[list[str | None]] = []
    above: dict[int, str | None] = {}
    for tr in table._tbl.tr_lst:
        row: list[str | None] = []
        col = 0
        for tc in tr.tc_lst:
            span = int(getattr(tc, "grid_span", 1) or 1)
            vmerge = getattr(tc, "vMerge", None)
            text = above.get(col) if vmerge == "continue" else _cell_text(_Cell(tc, table))
            row.append(text)
            row.extend([None] * (span - 1))
            for k in range(span):
                above[col + k] = text if k == 0 else None
            col += span
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]


def read_docx(path: Path, *, columns: Mapping[str, Any] | None = None) -> list[RawTable]:
    """Read every chronology table of a Word document (one :class:`RawTable` per table).

    A table without a header row of its own but as wide as the previous chronology table is read as
    its continuation (a table split across pages). Other tables (e.g. a cover-page table) are skipped
    and noted in provenance.
    """
    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceReadError(
            "is password-protected or an old .doc document",
            file=path.name,
            hint="remove the password or save it as .docx",
        )
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise SourceReadError(
            f"is not a readable Word .docx document ({type(exc).__name__})",
            file=path.name,
            hint="open it in Word and save it as .docx, or check the file extension",
        ) from exc
    tables: list[RawTable] = []
    skipped: list[str] = []
    header_cells: list[Any] | None = None
    for number, table in enumerate(document.tables, start=1):
        grid = _grid(table)
        if not grid:
            continue
        frame = pd.DataFrame(grid, dtype="object")
        name = f"table {number}"
        header = find_header(grid, columns)
        rows = np.arange(1, len(grid) + 1)
        if header is None:
            if header_cells is not None and frame.shape[1] == len(header_cells):
                frame = pd.concat([pd.DataFrame([header_cells], dtype="object"), frame], ignore_index=True)
                rows = np.arange(0, len(grid) + 1)
                t = make_table(frame, 0, rows, source=path.name, path=str(path), sheet=name, format="docx")
                t.notes.append(f"{name} has no header row: read as a continuation of the table before")
                tables.append(t)
            else:
                skipped.append(name)
            continue
        header_cells = grid[header]
        tables.append(make_table(frame, header, rows, source=path.name, path=str(path), sheet=name, format="docx"))
    if not tables:
        if not document.tables:
            raise SourceReadError(
                "has no table",
                file=path.name,
                hint="the chronology must be a Word table with a header row (Date, Details, ...)",
            )
        first = [c for c in _grid(document.tables[0])[0] if c]
        raise SourceReadError(
            "has no table with a header row naming a date column",
            file=path.name,
            value=", ".join(first)[:200] or None,
            hint="add a header row (e.g. 'Date', 'Details', 'Action'), or name the columns with "
            "columns={'<heading>': 'date', ...}",
        )
    if skipped:
        tables[0].notes.append(f"tables without a chronology header skipped: {', '.join(skipped)}")
    _ = normalise_heading  # header matching is shared with the other readers
    return tables
