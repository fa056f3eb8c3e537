"""The integrated chronology as a Word table, in the form review panels circulate.

Landscape A4, a title and a short preamble (case, period, counts), then one table row per event:
Date | Agency | Service | What happened | Action / outcome | Child seen | Source (file, row). The
header row repeats on every page; agency and source are on every row so a page torn from the pack
still says where each entry came from. Rows are built as XML in one vectorised pass, so a
chronology of thousands of events is written in about a second.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import MissingDependencyError
from . import _common
from ._safe import clean_text

if TYPE_CHECKING:
    from ..chronology import Chronology

__all__ = ["to_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TWIPS_PER_MM = 1440 / 25.4


def to_docx(c: Chronology, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """Write the integrated chronology as a Word table (``.docx``), landscape A4.

    Parameters
    ----------
    c
        The Chronology (not modified).
    path
        The file to write (overwritten).
    title
        The document title; by default ``c.title`` or "Integrated chronology".

    Returns
    -------
    pathlib.Path
        The file written.

    Notes
    -----
    Columns: Date | Agency | Service | What happened | Action / outcome | Child seen |
    Source (file, row); a Case column comes first when the chronology holds several cases. Dates
    are Europe/London wall-clock time shown at the precision they are known ("Mar 2024" for a
    month-only date, "w/c 11/03/2024" for a week, "?" before a date the source marked
    uncertain); a span shows its start and end. The child's recorded views follow what happened,
    in italics. Child seen is "Yes", "No" or blank when not recorded. Font, size and column
    widths are in ``report.toml``.

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.samples.load("carlos")                         # doctest: +SKIP
    >>> c.to_docx("carlos-chronology.docx")                      # doctest: +SKIP
    PosixPath('carlos-chronology.docx')
    """
    try:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt
    except ImportError as exc:  # pragma: no cover - python-docx is a core dependency
        raise MissingDependencyError(
            "writing Word files needs python-docx", hint="pip install python-docx"
        ) from exc

    settings = _common.config()["docx"]
    ev = c.events
    multi_case = len(c.case_ids) > 1
    columns = _columns(multi_case)
    widths = [float(settings["widths_mm"][key]) for key, _ in columns]
    if multi_case:  # make room for the Case column by narrowing "What happened"
        widths[[k for k, _ in columns].index("what")] -= widths[0]

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    margin = Mm(settings["margin_mm"])
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin
    normal = document.styles["Normal"]
    normal.font.name = settings["font"]
    normal.font.size = Pt(settings["font_size"])
    normal.paragraph_format.space_after = Pt(2)

    heading = document.add_paragraph()
    run = heading.add_run(_clean(title or c.title or "Integrated chronology"))
    run.bold = True
    run.font.size = Pt(settings["title_size"])
    for line in _preamble(c):
        document.add_paragraph(_clean(line))
    _add_page_footer(section, _clean(title or c.title or "Integrated chronology"))

    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.autofit = False  # a fixed layout (w:tblLayout), in schema order
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Mm(width)

    header = table.rows[0]
    for cell, (_, text), width in zip(header.cells, columns, widths, strict=True):
        cell.width = Mm(width)
        paragraph = cell.paragraphs[0]
        paragraph.add_run(text).bold = True
        shading = parse_xml(f'<w:shd xmlns:w="{_W}" w:val="clear" w:color="auto" w:fill="DDE4EE"/>')
        cell._tc.get_or_add_tcPr().append(shading)
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader xmlns:w="{_W}"/>'))

    if len(ev):
        rows_xml = _rows_xml(_cells(c, multi_case), widths)
        fragment = parse_xml(f'<w:tbl xmlns:w="{_W}">{rows_xml}</w:tbl>')
        tbl = table._tbl
        for tr in list(fragment.iterchildren(qn("w:tr"))):
            tbl.append(tr)

    out = Path(path)
    document.save(str(out))
    return out


def _columns(multi_case: bool) -> list[tuple[str, str]]:
    cols = [
        ("date", "Date"),
        ("agency", "Agency"),
        ("service", "Service"),
        ("what", "What happened"),
        ("action", "Action / outcome"),
        ("child_seen", "Child seen"),
        ("source", "Source (file, row)"),
    ]
    return [("case", "Case"), *cols] if multi_case else cols


def _clean(text: str) -> str:
    return str(clean_text(pd.Series([text], dtype="str")).iloc[0])


def _preamble(c: Chronology) -> list[str]:
    ev = c.events
    lines = []
    cases = c.case_ids
    if cases:
        lines.append(("Case: " if len(cases) == 1 else "Cases: ") + ", ".join(cases) + ".")
    if len(ev):
        first = _common.to_wall_time(ev["start"]).min()
        last_start = ev["start"].max()
        last_end = ev["end"].max()
        last = _common.to_wall_time(
            pd.Series([last_start if pd.isna(last_end) else max(last_start, last_end)])
        ).iloc[0]
        lines.append(f"Period: {first:%d/%m/%Y} to {last:%d/%m/%Y}.")
        counts = ev["agency"].value_counts(sort=False)
        counts = counts[counts > 0]
        named = _common.agency_labels(pd.Series(counts.index.astype("str")))
        per_agency = "; ".join(f"{n} {k}" for n, k in zip(named, counts.to_numpy(), strict=True))
        lines.append(
            f"{len(ev)} events from {len(counts)} agenc{'ies' if len(counts) != 1 else 'y'} ({per_agency})."
        )
    else:
        lines.append("No events.")
    n_rej = len(c.rejects)
    n_src = ev["source"].nunique()
    lines.append(
        f"{n_src} source file{'s' * (n_src != 1)}; {n_rej} row{'s' * (n_rej != 1)} could not be read "
        "as events (listed in the Excel and HTML reports)."
    )
    lines.append(
        "Dates are UK local time, shown as precisely as the source gives them: 'Mar 2024' is a "
        "month-only date, 'w/c' a week, '?' a date the source marked uncertain. "
        f"Prepared {datetime.now():%d/%m/%Y} with the chronology library."
    )
    return lines


def _xml_escape(values: pd.Series) -> pd.Series:
    """XML-escape text (vectorised); missing values give ``""``."""
    text = clean_text(values.astype("str")).fillna("")
    return (
        text.str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
    )


def _runs(values: pd.Series, *, italic: bool = False, bold: bool = False) -> pd.Series:
    """``w:r`` runs holding the text, line breaks as ``w:br`` (vectorised)."""
    props = ""
    if italic or bold:
        props = "<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + "</w:rPr>"
    body = (
        _xml_escape(values)
        .str.replace("\r\n", "\n", regex=False)
        .str.replace("\r", "\n", regex=False)
        .str.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">', regex=False)
    )
    return f"<w:r>{props}" + '<w:t xml:space="preserve">' + body + "</w:t></w:r>"


def _cells(c: Chronology, multi_case: bool) -> list[pd.Series]:
    """The paragraphs' inner XML of each column, one Series per column."""
    ev = c.events
    start = _common.display_dates(ev, "start")
    end = _common.display_dates(ev, "end")
    date = start.where(end == "", start + " to " + end)
    seen = ev["child_seen"].map({True: "Yes", False: "No"}).astype("str")
    sheet = ev["source_sheet"].astype("str")
    where = ev["source"].astype("str").where(sheet.isna(), ev["source"].astype("str") + ", " + sheet)
    source = where + ", row " + ev["source_row"].astype("str")
    voice = ev["child_voice"].astype("str")
    what = _runs(ev["description"]) + (
        ("<w:r><w:br/></w:r>" + _runs("Child's views: " + voice, italic=True)).where(voice.notna(), "")
    )
    cells = [
        _runs(date),
        _runs(_common.agency_labels(ev["agency"])),
        _runs(ev["service"]),
        what,
        _runs(ev["action"]),
        _runs(seen),
        _runs(source),
    ]
    if multi_case:
        cells.insert(0, _runs(ev["case_id"]))
    return cells


def _rows_xml(cells: list[pd.Series], widths_mm: list[float]) -> str:
    row = pd.Series("<w:tr>", index=cells[0].index, dtype="str")
    for content, width in zip(cells, widths_mm, strict=True):
        twips = round(width * _TWIPS_PER_MM)
        row = (
            row
            + f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/></w:tcPr><w:p>'
            + content
            + "</w:p></w:tc>"
        )
    return "".join((row + "</w:tr>").tolist())


def _add_page_footer(section: Any, title: str) -> None:
    """A footer "<title>, page N of M" with Word page-number fields."""
    from docx.oxml import parse_xml

    paragraph = section.footer.paragraphs[0]
    paragraph.add_run(f"{title}, page ")
    for field in ("PAGE", "NUMPAGES"):
        paragraph._p.append(
            parse_xml(f'<w:fldSimple xmlns:w="{_W}" w:instr="{field}"><w:r><w:t>1</w:t></w:r></w:fldSimple>')
        )
        if field == "PAGE":
            paragraph.add_run(" of ")
