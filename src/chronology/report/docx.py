"""The Word report: the integrated chronology as the table review panels circulate, with the
analyses before it, on the reports' one section list (:data:`chronology.report._common.SECTIONS`).

Landscape A4, a title and the summary (case, period, counts), then the sections in the same order,
under the same headings and with the same notes as the HTML report and the Excel workbook: gaps,
timescale breaches, timescales met, missing follow-ups, the child seen and heard, silences,
possible duplicates, learning themes, questions for reflective supervision, the integrated
chronology, rejected rows and provenance. The figures (timeline, activity) are in the HTML report.
The chronology has one table row per event: Date | Agency | Service | What happened | Action /
outcome | Child seen | Source (file, row). Header rows repeat on every page; agency and source are
on every row so a page torn from the pack still says where each entry came from. Rows are built as
XML in one vectorised pass, so a chronology of thousands of events is written in about a second.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import MissingDependencyError, OptionError
from . import _common
from ._safe import clean_text

if TYPE_CHECKING:
    from ._common import ChronologyLike as Chronology

__all__ = ["MAX_ROWS", "WORD_SECTIONS", "to_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TWIPS_PER_MM = 1440 / 25.4


def to_docx(c: Chronology, path: str | os.PathLike[str], *, title: str | None = None,
            sections: Sequence[str] | None = None) -> Path:
    """Write the Word report (``.docx``), landscape A4: the summary, the analyses and the integrated
    chronology, in the order of the HTML report.

    Parameters
    ----------
    c
        The Chronology (not modified).
    path
        The file to write (overwritten).
    title
        The document title; by default ``c.title`` or "Integrated chronology".
    sections
        Which sections, by key, from :data:`WORD_SECTIONS` (``"summary"``, ``"gaps"``,
        ``"breaches"``, ``"met"``, ``"missing"``, ``"voice"``, ``"silences"``, ``"duplicates"``,
        ``"themes"``, ``"prompts"``, ``"chronology"``, ``"rejects"``, ``"provenance"``); by default all
        of them. ``["chronology"]`` writes the chronology table alone.

    Returns
    -------
    pathlib.Path
        The file written.

    Notes
    -----
    Each analysis section has the heading and note of the HTML report and its table in the
    reader's columns (the same view as the workbook and ``chronology metrics``), at most
    ``MAX_ROWS`` (40) rows with a note saying how many there are; an analysis with no result says
    so in words. The chronology's columns: Date | Agency | Service | What happened | Action / outcome | Child seen |
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
    >>> c.to_docx("table-only.docx", sections=["chronology"])   # doctest: +SKIP
    PosixPath('table-only.docx')
    """
    keys = _choose_sections(sections)
    settings = _common.config()["docx"]
    name = _clean(title or c.title or "Integrated chronology")
    document = _new_document(settings, name)
    report = _Report(document, c, _common.Analyses(c), 297 - 2 * float(settings["margin_mm"]), settings)
    for key in keys:
        sec = _common.section(key)
        _SPECIAL.get(key, _table_section)(report, sec)
    out = Path(path)
    document.save(str(out))
    return out


#: sections a Word document leaves out: the figures are in the HTML report
_OMITTED = ("timeline", "activity")


def _word_sections() -> list[str]:
    """The keys of the sections a Word document can hold, in :data:`~._common.SECTIONS` order."""
    return [s.key for s in _common.SECTIONS if s.key not in _OMITTED]


#: the sections a Word document can hold (the figures are in the HTML report)
WORD_SECTIONS: list[str] = _word_sections()
#: an analysis table in the Word report lists at most this many rows (the workbook has them all)
MAX_ROWS = 40


@dataclasses.dataclass
class _Report:
    """What the sections are written with: the document, the chronology, its analyses, the usable
    page width (mm) and the ``[docx]`` settings."""

    document: Any
    c: Chronology
    analyses: _common.Analyses
    usable_mm: float
    settings: dict[str, Any]


def _new_document(settings: dict[str, Any], title: str) -> Any:
    """An empty landscape A4 document in the report's font, with its title and page footer."""
    try:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm, Pt
    except ImportError as exc:  # pragma: no cover - python-docx is a core dependency
        raise MissingDependencyError(
            "writing Word files needs python-docx", hint="pip install python-docx"
        ) from exc

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

    run = document.add_paragraph().add_run(title)
    run.bold = True
    run.font.size = Pt(settings["title_size"])
    _add_page_footer(section, title)
    return document


def _heading(report: _Report, sec: _common.Section) -> None:
    """A section's heading and, in italics, its note."""
    head = _common.section_heading(sec, report.c, gap_days=report.analyses.min_gap_days)
    report.document.add_heading(_clean(head), level=1)
    if sec.note:
        report.document.add_paragraph(_clean(sec.note)).runs[0].italic = True


def _table_section(report: _Report, sec: _common.Section) -> None:
    """A section of :data:`~._common.SECTIONS`: its heading, note and table (its reader view)."""
    _heading(report, sec)
    if sec.table is None:
        return
    view = report.analyses.view(sec.table)
    _view_table(report.document, view, report.usable_mm, _EMPTY.get(sec.key, "None found."))


def _summary(report: _Report, sec: _common.Section) -> None:
    """The summary: case, period and counts, under the title (no heading of its own)."""
    for line in _preamble(report.c):
        report.document.add_paragraph(_clean(line))


def _chronology(report: _Report, sec: _common.Section) -> None:
    """The integrated chronology: one row per event, in the columns and widths of ``[docx]``."""
    _heading(report, sec)
    multi_case = len(report.c.case_ids) > 1
    columns = _columns(multi_case)
    widths = [float(report.settings["widths_mm"][key]) for key, _ in columns]
    if multi_case:  # make room for the Case column by narrowing "What happened"
        widths[[k for k, _ in columns].index("what")] -= widths[0]
    _chronology_table(report.document, report.c, columns, widths)


#: the sections written their own way, by key; every other is :func:`_table_section`
_SPECIAL = {"summary": _summary, "chronology": _chronology}


#: what an analysis section says when it has no rows
_EMPTY = {
    "gaps": "No gap in the recorded contact reached the threshold.",
    "breaches": "No statutory timescale was breached.",
    "met": "No other statutory timescale applied.",
    "missing": "Every expected follow-up was recorded in time.",
    "voice": "No events.",
    "silences": "None: the child was seen and heard throughout.",
    "duplicates": "No two agencies appear to record the same event.",
    "themes": "No learning themes were found in the text of the events.",
    "prompts": "No questions: no learning theme was found.",
    "rejects": "None: every row of every file became an event.",
    "provenance": "No files were read.",
}


def _choose_sections(sections: Sequence[str] | None) -> list[str]:
    known = _word_sections()
    if sections is None:
        return known
    if isinstance(sections, str):
        sections = [sections]
    unknown = [k for k in sections if k not in known]
    if unknown:
        raise OptionError("unknown Word report section", value=unknown[0],
                          hint="choose from " + ", ".join(repr(k) for k in known))
    return [k for k in known if k in set(sections)]


def _header_row(table: Any, titles: list[str], widths_mm: list[float]) -> None:
    from docx.oxml import parse_xml
    from docx.shared import Mm

    header = table.rows[0]
    for cell, text, width in zip(header.cells, titles, widths_mm, strict=True):
        cell.width = Mm(width)
        cell.paragraphs[0].add_run(_clean(text)).bold = True
        shading = parse_xml(f'<w:shd xmlns:w="{_W}" w:val="clear" w:color="auto" w:fill="DDE4EE"/>')
        cell._tc.get_or_add_tcPr().append(shading)
    header._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader xmlns:w="{_W}"/>'))


def _new_table(document: Any, titles: list[str], widths_mm: list[float]) -> Any:
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=len(titles))
    table.style = document.styles["Table Grid"]
    table.autofit = False  # a fixed layout (w:tblLayout), in schema order
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
    _header_row(table, titles, widths_mm)
    return table


def _append_rows(table: Any, cells: list[pd.Series], widths_mm: list[float]) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    fragment = parse_xml(f'<w:tbl xmlns:w="{_W}">{_rows_xml(cells, widths_mm)}</w:tbl>')
    for tr in list(fragment.iterchildren(qn("w:tr"))):
        table._tbl.append(tr)


def _view_table(document: Any, view: _common.View, usable_mm: float, empty: str) -> None:
    """An analysis table in the reader's columns: widths shared by content, at most ``MAX_ROWS``."""
    text = _common.view_text(view)
    if text.empty or text.shape[1] == 0:
        document.add_paragraph(_clean(empty))
        return
    shown = text.head(MAX_ROWS).reset_index(drop=True)
    if len(text) > MAX_ROWS:
        document.add_paragraph(_clean(f"The first {MAX_ROWS} of {len(text)} rows; the Excel workbook lists "
                                      "them all."))
    titles = [str(col) for col in shown.columns]
    weight = [max(len(t), float(shown[t].str.len().quantile(0.9)) if len(shown) else 0.0, 6.0) for t in titles]
    weight = [min(w, 60.0) for w in weight]
    widths = [usable_mm * w / sum(weight) for w in weight]
    table = _new_table(document, titles, widths)
    flag = view.flag.head(MAX_ROWS).reset_index(drop=True) if view.flag is not None else None
    cells = []
    for i, t in enumerate(titles):
        bold = flag.to_numpy(dtype=bool) if flag is not None and i < 2 else None
        plain = _runs(shown[t])
        if bold is not None and bold.any():
            plain = plain.where(~bold, _runs(shown[t], bold=True))
        cells.append(plain)
    _append_rows(table, cells, widths)


def _chronology_table(document: Any, c: Chronology, columns: list[tuple[str, str]], widths: list[float]) -> None:
    table = _new_table(document, [text for _, text in columns], widths)
    if len(c.events):
        _append_rows(table, _cells(c, len(c.case_ids) > 1), widths)


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
