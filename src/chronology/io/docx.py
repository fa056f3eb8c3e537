"""Word (.docx) table reader: several tables, header rows repeated on each page, horizontally and
vertically merged cells, line breaks inside cells.

The document is read as Word shows it, from its XML (lxml, entities never expanded, no network):

- rows, cells and whole tables inside content controls (``w:sdt``) and custom XML
  (``w:customXml``) are read in place, so later columns never shift;
- text of tracked insertions (``w:ins``, ``w:moveTo``) is read; tracked deletions (``w:del``,
  ``w:moveFrom``) and field codes (``w:instrText``) are not, as Word does not show them;
- ``w:gridBefore`` and ``w:gridSpan`` place cells on the table's layout grid, a span beyond
  16,384 columns is refused before any row is built;
- a table nested in a cell is kept as text in that cell (rows on lines, cells joined by `` | ``).

The container is checked before it is parsed (:func:`chronology.io._guard.check_zip`) and every
XML or zip error becomes a :class:`~chronology.errors.SourceReadError` naming the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SourceReadError
from ._guard import (
    MAX_CELLS,
    MAX_COLUMNS,
    check_cell_chars,
    check_grid,
    check_zip,
    guarded,
    read_head,
    refuse_kind,
    sniff_kind,
)
from ._table import HEADER_SEARCH_ROWS, RawTable, check_table_width, find_header, make_table

__all__ = ["read_docx"]

_WHAT = "a Word document"
_NS = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO 29500 Strict
)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _tags(name: str) -> frozenset[str]:
    return frozenset(f"{{{ns}}}{name}" for ns in _NS)


_P, _TBL, _TR, _TC, _T = _tags("p"), _tags("tbl"), _tags("tr"), _tags("tc"), _tags("t")
_TAB, _BR, _CR = _tags("tab") | _tags("ptab"), _tags("br"), _tags("cr")
_NBH = _tags("noBreakHyphen")
_BODY, _TRPR, _TCPR = _tags("body"), _tags("trPr"), _tags("tcPr")
#: containers Word shows the content of, in place
_TRANSPARENT = (
    _tags("sdt") | _tags("sdtContent") | _tags("customXml") | _tags("smartTag") | _tags("ins")
    | _tags("moveTo") | _tags("hyperlink") | _tags("fldSimple") | _tags("dir") | _tags("bdo")
)
#: content Word does not show: tracked deletions, moved-from text, field codes, properties
_HIDDEN = (
    _tags("del") | _tags("moveFrom") | _tags("delText") | _tags("instrText") | _tags("delInstrText")
    | _tags("sdtPr") | _tags("sdtEndPr") | _tags("rPr") | _tags("pPr") | _tags("tblPr")
    | _tags("tblGrid") | _tags("tcPr") | _tags("trPr") | _tags("fldData")
    | {f"{{{_MC}}}Fallback"}
)


def _attr(el: Any, name: str) -> str | None:
    for ns in _NS:
        v = el.get(f"{{{ns}}}{name}")
        if v is not None:
            return str(v)
    return None


def _child(el: Any, tags: frozenset[str]) -> Any:
    for c in el:
        if c.tag in tags:
            return c
    return None


def _int_attr(el: Any, prop: str, default: int) -> int:
    """An integer property such as ``w:gridSpan w:val="3"``; junk reads as ``default``."""
    if el is None:
        return default
    node = _child(el, _tags(prop))
    if node is None:
        return default
    val = _attr(node, "val")
    if val is None or not re.fullmatch(r"\s*\+?\d{1,12}\s*", val):
        return default
    return int(val)


def _paragraph_text(p: Any) -> str:
    """A paragraph's text as Word shows it (insertions in, deletions and field codes out)."""
    out: list[str] = []
    stack = [iter(p)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag
        if not isinstance(tag, str) or tag in _HIDDEN:
            continue
        if tag in _T:
            out.append(el.text or "")
        elif tag in _TAB:
            out.append("\t")
        elif tag in _BR or tag in _CR:
            out.append("\n")
        elif tag in _NBH:
            out.append("-")
        elif len(el):
            stack.append(iter(el))
    return "".join(out)


def _block_texts(el: Any, path: Path, depth: int = 0) -> list[str]:
    """Texts of the paragraphs and nested tables inside a cell (or a content control in it)."""
    parts: list[str] = []
    for c in el:
        tag = c.tag
        if not isinstance(tag, str) or tag in _HIDDEN:
            continue
        if tag in _P:
            parts.append(_paragraph_text(c))
        elif tag in _TBL:
            for row in _table_rows(c, path, depth + 1):
                texts = [t for t in row if t]
                if texts:
                    parts.append(" | ".join(texts))
        elif tag in _TRANSPARENT or tag == f"{{{_MC}}}AlternateContent" or tag == f"{{{_MC}}}Choice":
            parts.extend(_block_texts(c, path, depth))
    return parts


def _cell_text(tc: Any, path: Path, depth: int) -> str | None:
    parts = _block_texts(tc, path, depth)
    text = "\n".join(parts).strip()
    return text or None


def _rows_of(tbl: Any) -> list[Any]:
    """The ``w:tr`` of a table, including those wrapped in content controls / custom XML."""
    out: list[Any] = []
    for c in tbl:
        if c.tag in _TR:
            out.append(c)
        elif c.tag in _TRANSPARENT:
            out.extend(_rows_of(c))
    return out


def _cells_of(tr: Any) -> list[Any]:
    out: list[Any] = []
    for c in tr:
        if c.tag in _TC:
            out.append(c)
        elif c.tag in _TRANSPARENT:
            out.extend(_cells_of(c))
    return out


def _table_rows(tbl: Any, path: Path, depth: int = 0) -> list[list[str | None]]:
    """Cell texts of a Word table on its layout grid; a merged cell's text appears once per row
    (horizontal merges) and is repeated down a vertical merge. Widths are checked before any row
    is built."""
    trs = _rows_of(tbl)
    layout: list[tuple[int, list[tuple[Any, int]]]] = []
    width = 0
    for n, tr in enumerate(trs, start=1):
        before = min(_int_attr(_child(tr, _TRPR), "gridBefore", 0), MAX_COLUMNS + 1)
        cells = []
        total = before
        for tc in _cells_of(tr):
            span = max(1, _int_attr(_child(tc, _TCPR), "gridSpan", 1))
            total += span
            if total > MAX_COLUMNS:
                check_grid(n, total, file=path.name, row=n)
            cells.append((tc, span))
        layout.append((before, cells))
        width = max(width, total)
        if n * width > MAX_CELLS:
            check_grid(n, width, file=path.name, row=n)
    rows: list[list[str | None]] = []
    above: dict[int, str | None] = {}
    for n, (before, cells) in enumerate(layout, start=1):
        row: list[str | None] = [None] * before
        col = before
        for tc, span in cells:
            tcpr = _child(tc, _TCPR)
            vmerge = _child(tcpr, _tags("vMerge")) if tcpr is not None else None
            own = _cell_text(tc, path, depth)
            if own is not None:
                check_cell_chars(len(own), file=path.name, row=n, column=col + 1)
            cont = vmerge is not None and (_attr(vmerge, "val") or "continue") == "continue"
            text = (above.get(col) if own is None else own) if cont else own
            row.append(text)
            row.extend([None] * (span - 1))
            for k in range(span):
                above[col + k] = text if k == 0 else None
            col += span
        rows.append(row + [None] * (width - len(row)))
    return rows


def _body_tables(el: Any) -> list[Any]:
    """Top-level tables in document order, including those inside content controls."""
    out: list[Any] = []
    for c in el:
        if c.tag in _TBL:
            out.append(c)
        elif c.tag in _TRANSPARENT:
            out.extend(_body_tables(c))
    return out


def _main_part(z: zipfile.ZipFile) -> str:
    """The name of the main document part, from the package relationships."""
    names = set(z.namelist())
    if "_rels/.rels" in names:
        rels = z.read("_rels/.rels").decode("utf-8", "replace")
        for m in re.finditer(r"<Relationship\b[^>]*>", rels):
            tag = m.group(0)
            typ = re.search(r'Type="([^"]*)"', tag)
            target = re.search(r'Target="([^"]*)"', tag)
            if typ and target and typ.group(1).endswith("/officeDocument"):
                name = target.group(1).lstrip("/")
                if name in names:
                    return name
    return "word/document.xml"


def _parse_document(path: Path) -> Any:
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        if "xl/workbook.xml" in names:
            raise SourceReadError(
                "is an Excel workbook saved with a Word extension",
                file=path.name,
                hint="rename it to .xlsx and read it again",
            )
        part = _main_part(z)
        if part not in names:
            raise SourceReadError(
                "is not a readable Word .docx document (a zip file without word/document.xml)",
                file=path.name,
                hint="open it in Word and save it as .docx, or check the file extension",
            )
        data = z.read(part)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
        remove_pis=True,
    )
    root = etree.fromstring(data, parser)
    del data
    body = _child(root, _BODY)
    if body is None:
        raise SourceReadError(
            "has no document body",
            file=path.name,
            hint="open it in Word and save it again as .docx",
        )
    return body


def _docx_table(
    path: Path, grid: list[list[Any]], number: int, columns: Mapping[str, Any] | None,
    header_cells: list[Any] | None,
) -> RawTable | None:
    """One Word table below its header row; a table without a header row but as wide as the previous
    chronology table (``header_cells``) is read as its continuation; None for any other table."""
    frame = pd.DataFrame(grid, dtype="object")
    name = f"table {number}"
    check_table_width(frame.head(HEADER_SEARCH_ROWS), path.name, name)
    header = find_header(grid, columns)
    if header is not None:
        rows = np.arange(1, len(grid) + 1)
        return make_table(frame, header, rows, source=path.name, path=str(path), sheet=name, format="docx")
    if header_cells is None or frame.shape[1] != len(header_cells):
        return None
    frame = pd.concat([pd.DataFrame([header_cells], dtype="object"), frame], ignore_index=True)
    rows = np.arange(0, len(grid) + 1)
    t = make_table(frame, 0, rows, source=path.name, path=str(path), sheet=name, format="docx")
    t.notes.append(f"{name} has no header row: read as a continuation of the table before")
    return t


def _no_chronology_table(path: Path, grids: list[tuple[list[list[Any]], int]]) -> SourceReadError:
    """The refusal for a document with no table, or none with a header row naming a date."""
    if not grids:
        return SourceReadError(
            "has no table",
            file=path.name,
            hint="the chronology must be a Word table with a header row (Date, Details, ...)",
        )
    first = next((r for g, _ in grids for r in g if any(r)), [])
    return SourceReadError(
        "has no table with a header row naming a date column",
        file=path.name,
        value=", ".join(c for c in first if c)[:200] or None,
        hint="add a header row (e.g. 'Date', 'Details', 'Action'), or name the columns with "
        "columns={'<heading>': 'date', ...}",
    )


def read_docx(path: Path, *, columns: Mapping[str, Any] | None = None) -> list[RawTable]:
    """Read every chronology table of a Word document (one :class:`RawTable` per table).

    A table without a header row of its own but as wide as the previous chronology table is read as
    its continuation (a table split across pages). Other tables (e.g. a cover-page table) are skipped
    and noted in provenance. A table with no rows is skipped.
    """
    kind = sniff_kind(read_head(path, 64))
    if kind != "zip":
        refuse_kind(path, kind, ".docx")
    check_zip(path, "docx")
    with guarded(path, _WHAT):
        body = _parse_document(path)
        grids = [(_table_rows(t, path), n) for n, t in enumerate(_body_tables(body), start=1)]
    tables: list[RawTable] = []
    skipped: list[str] = []
    header_cells: list[Any] | None = None
    for grid, number in grids:
        if not grid or not grid[0]:
            continue
        t = _docx_table(path, grid, number, columns, header_cells)
        if t is None:
            skipped.append(f"table {number}")
            continue
        tables.append(t)
        if t.header_row != 0:  # a table with its own header row: later tables may continue it
            header_cells = grid[t.header_row - 1]
    if not tables:
        raise _no_chronology_table(path, grids)
    if skipped:
        tables[0].notes.append(f"tables without a chronology header skipped: {', '.join(skipped)}")
    return tables
