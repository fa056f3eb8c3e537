"""Writers for the sample agency chronologies: CSV, Excel and Word files that look the way agencies
really send them (title rows above the header, merged title cells, repeated header rows, tables split
across pages), written reproducibly (fixed document dates and zip timestamps, so a rebuild that
changes no content changes no bytes).

All data are fictional. Used by ``scripts/samples/build_<case>.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: every generated document claims this creation date (fictional, fixed for reproducible bytes)
FIXED_WHEN = dt.datetime(2025, 1, 15, 9, 0, 0)
_ZIP_WHEN = (2025, 1, 15, 9, 0, 0)

Row = Sequence[Any]


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Row],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """Write a plain CSV (header + rows, CRLF line ends as Excel writes them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(header)
        for r in rows:
            if len(r) != len(header):
                raise ValueError(f"{path.name}: row has {len(r)} cells, header {len(header)}: {r!r}")
            w.writerow(["" if v is None else v for v in r])
    return path


@dataclass
class Sheet:
    """One worksheet: optional title lines above the header, the header and the rows.

    ``date_format`` applies to cells holding :class:`datetime.date`/``datetime`` values (real Excel
    date cells); text cells are written as they are.
    """

    name: str
    header: Sequence[str]
    rows: Sequence[Row]
    titles: Sequence[str] = ()
    widths: dict[int, float] = field(default_factory=dict)
    date_format: str = "dd-mmm-yyyy"


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write a workbook: per sheet, bold merged title rows, a blank row, a shaded header, the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        ncol = len(sh.header)
        r = 1
        for i, title in enumerate(sh.titles):
            ws.cell(row=r, column=1, value=title).font = Font(bold=True, size=13 if i == 0 else 11)
            if ncol > 1:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
            r += 1
        if sh.titles:
            r += 1  # a blank row between the titles and the table, as people leave one
        fill = PatternFill("solid", fgColor="D9E1F2")
        for c, h in enumerate(sh.header, start=1):
            cell = ws.cell(row=r, column=c, value=h)
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in sh.rows:
            if len(row) != ncol:
                raise ValueError(f"{path.name}/{sh.name}: row has {len(row)} cells, header {ncol}: {row!r}")
            r += 1
            for c, v in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c, value=None if v == "" else v)
                if isinstance(v, dt.date | dt.datetime):
                    cell.number_format = sh.date_format
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c in range(1, ncol + 1):
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = sh.widths.get(c - 1, 16)
    wb.properties.creator = "Chronology author"
    wb.properties.lastModifiedBy = "Chronology author"
    wb.properties.created = FIXED_WHEN
    wb.properties.modified = FIXED_WHEN
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    _freeze_zip(path)
    return path


@dataclass
class Table:
    """One Word table: header, rows, and where to repeat the header row (as when a long table was
    pasted page by page). ``repeat_header_after`` lists row positions (0-based, in ``rows``) after
    which the header is written again; ``show_header=False`` writes the rows only (a table split
    across pages whose second part has no header row)."""

    header: Sequence[str]
    rows: Sequence[Row]
    heading: str | None = None
    repeat_header_after: Sequence[int] = ()
    widths_cm: Sequence[float] = ()
    show_header: bool = True


def write_docx(
    path: Path,
    title: str,
    tables: Sequence[Table],
    *,
    intro: Sequence[str] = (),
    footer: Sequence[str] = (),
    landscape: bool = True,
) -> Path:
    """Write a Word document: a title, intro paragraphs, then each table (with its own heading)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    d = docx.Document()
    sec = d.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    style = d.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    d.add_heading(title, level=1)
    for p in intro:
        d.add_paragraph(p)
    for t in tables:
        if t.heading:
            d.add_heading(t.heading, level=2)
        ncol = len(t.header)
        table = d.add_table(rows=1 if t.show_header else 0, cols=ncol)
        table.style = "Table Grid"
        if t.show_header:
            for c, h in enumerate(t.header):
                cell = table.rows[0].cells[c]
                cell.text = ""
                cell.paragraphs[0].add_run(h).bold = True
        repeat = set(t.repeat_header_after)
        for i, row in enumerate(t.rows):
            if len(row) != ncol:
                raise ValueError(f"{path.name}: row has {len(row)} cells, header {ncol}: {row!r}")
            cells = table.add_row().cells
            for c, v in enumerate(row):
                cells[c].text = "" if v is None else str(v)
            if i in repeat and i != len(t.rows) - 1:
                cells = table.add_row().cells
                for c, h in enumerate(t.header):
                    cells[c].text = ""
                    cells[c].paragraphs[0].add_run(h).bold = True
        if t.widths_cm:
            for row in table.rows:
                for c, w in enumerate(t.widths_cm):
                    row.cells[c].width = Cm(w)
        d.add_paragraph("")
    for p in footer:
        d.add_paragraph(p)
    cp = d.core_properties
    cp.author = "Chronology author"
    cp.last_modified_by = "Chronology author"
    cp.created = FIXED_WHEN
    cp.modified = FIXED_WHEN
    cp.revision = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))
    _freeze_zip(path)
    return path


_STAMP_RE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _freeze_zip(path: Path) -> None:
    """Rewrite an Office zip with fixed entry timestamps and document dates (reproducible bytes)."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
    stamp = FIXED_WHEN.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                data = _STAMP_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_WHEN)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, data)


def check_case(folder: Path) -> None:
    """Read the case back with the library and print per-file counts, rejects and event types."""
    import chronology as chron

    c = chron.read_case(folder)
    prov = c.provenance[["source", "source_sheet", "rows_read", "events", "rejects", "repeated_headers"]]
    print(prov.to_string(index=False))
    print(f"{folder.name}: {len(c.events)} events, {len(c.rejects)} rejects")
    if len(c.rejects):
        print(c.rejects.to_string(index=False))
