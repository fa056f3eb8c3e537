"""The Excel workbook: the integrated chronology and one sheet per analysis.

Every sheet has a bold, frozen header row, an autofilter, column widths fitted to the content
(capped; long text wraps), and dates as real Excel dates. Analysis sheets show the reader's columns
first, under readable headers and with results in words (the same views as the HTML report and the
command line, :func:`chronology.report._common.reader_view`), then the raw measures and internal ids.
Shares are stored as numbers shown as percentages (``67%``; "not recorded" where nothing was
recorded), months as months (``Mar 2024``), breached timescales on their own highlighted sheet apart
from the met ones. Excel has no time zones, so dates are written as Europe/London wall-clock time
(the time on a clock in England: BST in summer, GMT in winter). Every text cell is made safe:
characters XML cannot hold are removed, cells longer than Excel's limit are cut with a note, and text
that a spreadsheet would read as a formula is stored as text with Excel's quote prefix (the cell
shows exactly what was written, with no visible apostrophe, and is never evaluated).

Speed: XlsxWriter writes the workbook's frame (styles, headers, widths, filters, comments); the data
rows are built as SpreadsheetML text column by column with pandas string operations (dates as Excel
serial numbers, text as inline strings, one style index per distinct style) and put into each
sheet, with no Python loop over rows or cells, so 40,000 events of 2,000 cases take seconds.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import OptionError
from . import _common, _safe
from ._safe import clean_text, is_text

if TYPE_CHECKING:
    from ..rules import Expect, Interval
    from ._common import ChronologyLike as Chronology

__all__ = ["SHEETS", "to_excel"]

#: The sheets :func:`to_excel` can write, in workbook order, as ``report.toml`` lists them (a section
#: of :data:`~._common.SECTIONS` with a table that is not listed has its sheet after these).
SHEETS: list[str] = list(_common.config()["excel"]["sheets"])

_TIME_NOTE = (
    "UK local time (Europe/London): the time on a clock in England, BST in summer and GMT in "
    "winter. Excel dates carry no time zone."
)


@dataclasses.dataclass
class _Sheet:
    """A sheet to write: headers as the frame's columns, a kind per column, rows to highlight."""

    frame: pd.DataFrame
    kinds: dict[str, str]
    flag: pd.Series | None = None
    #: called with the worksheet once the rows are written (drop-downs, formatting)
    finish: Callable[[Any, Any], None] | None = None


def to_excel(
    c: Chronology,
    path: str | os.PathLike[str],
    *,
    sheets: Sequence[str] | None = None,
    intervals: Interval | Sequence[Interval] | None = None,
    timescales: Sequence[Interval] | str | os.PathLike[str] | None = None,
    expectations: Expect | Sequence[Expect] | None = None,
    min_gap_days: float | None = None,
) -> Path:
    """Write the integrated chronology and its analyses to an Excel workbook (``.xlsx``).

    Parameters
    ----------
    c
        The Chronology (not modified).
    path
        The file to write (overwritten).
    sheets
        Which sheets, from ``"Chronology"``, ``"Gaps"``, ``"Intervals"``, ``"Breaches"``,
        ``"Timescales met"``, ``"Missing follow-ups"``, ``"Voice"``, ``"Silences"``, ``"Duplicates"``,
        ``"Themes"``, ``"Prompts"``, ``"Rejects"``, ``"Provenance"``. By default all of them
        (``"Intervals"`` only when ``intervals`` is given).
    intervals
        Interval rules for the ``Intervals`` sheet (:meth:`Chronology.intervals`).
    timescales
        Rules for the ``Breaches`` and ``Timescales met`` sheets, passed to
        :meth:`Chronology.breaches` (default: the statutory timescales).
    expectations
        Follow-up expectations for the ``Missing follow-ups`` sheet (default: the built-in set).
    min_gap_days
        Shortest gap listed on the ``Gaps`` sheet (default 14 days, from ``report.toml``).

    Returns
    -------
    pathlib.Path
        The file written.

    Notes
    -----
    ``Chronology`` lists every event with its date (a real Excel date in Europe/London
    wall-clock time), end, date precision and whether the source marked the date uncertain,
    agency, service, type, what happened, action, child seen, the child's views, practitioner
    and the source file, sheet and row. ``Breaches`` lists the breached timescales (highlighted),
    ``Timescales met`` the checks met or still open. ``Themes`` joins each theme tag to its event
    (tagging the events first when ``c.tags`` is ``None``); ``Prompts`` holds the questions for
    reflective supervision. An analysis with no result is a sheet with its header only.

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.samples.load("cassie")                          # doctest: +SKIP
    >>> c.to_excel("cassie.xlsx")                                 # doctest: +SKIP
    PosixPath('cassie.xlsx')
    >>> c.to_excel("events.xlsx", sheets=["Chronology", "Rejects"])  # doctest: +SKIP
    PosixPath('events.xlsx')
    """
    xlsxwriter = _xlsxwriter()
    names = _choose_sheets(sheets, has_intervals=intervals is not None)
    settings = _common.config()["excel"]
    analyses = _common.Analyses(c, intervals=intervals, timescales=timescales, expectations=expectations,
                                min_gap_days=min_gap_days)
    built = {name: _builder(name)(analyses) for name in names}
    _check_rows(built, settings["max_rows"], path)
    out = Path(path)
    wb = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    wb.set_properties({"title": c.title or "Integrated chronology",
                       "comments": "Written by the chronology library. " + _TIME_NOTE})
    rows_xml, widths = _write_sheets(wb, built, settings)
    wb.close()
    _insert_rows(out, {name: f"xl/worksheets/sheet{i + 1}.xml" for i, name in enumerate(names)}, rows_xml, widths)
    return out


def _xlsxwriter() -> Any:
    """The XlsxWriter module (a core dependency)."""
    try:
        import xlsxwriter
    except ImportError as exc:  # pragma: no cover - XlsxWriter is a core dependency
        from ..errors import MissingDependencyError

        raise MissingDependencyError(
            "writing Excel needs XlsxWriter", hint="pip install xlsxwriter"
        ) from exc
    return xlsxwriter


def _check_rows(built: dict[str, _Sheet], max_rows: int, path: str | os.PathLike[str]) -> None:
    """Refuse a sheet with more rows than Excel holds."""
    for name, sheet in built.items():
        if len(sheet.frame) > max_rows:
            raise OptionError(
                f"the {name!r} sheet would have {len(sheet.frame):,} rows, more than Excel's limit of "
                f"{max_rows:,}",
                file=path,
                hint="write a subset (c.filter(case_id=...)) or save c.events with pandas to parquet",
            )


def _write_sheets(wb: Any, built: dict[str, _Sheet], settings: dict[str, Any]) -> tuple[dict[str, str], dict[str, int]]:
    """Write each sheet's frame with XlsxWriter, in order; return the sheets' data rows (SpreadsheetML,
    put in after the workbook is closed) and their numbers of columns."""
    formats = _Formats(wb)
    rows_xml: dict[str, str] = {}
    widths = {}
    for name, sheet in built.items():
        widths[name] = _write_sheet(wb, formats, name, sheet, settings, rows_xml)
        if sheet.finish is not None:
            sheet.finish(wb, wb.worksheets()[-1])
    return rows_xml, widths


# ---------------------------------------------------------------------- what each sheet holds
def _view_sheet(view: _common.View) -> _Sheet:
    """The reader's columns, then the other columns of the result (raw measures, ids last)."""
    rest = view.rest
    ids = [col for col in rest.columns if str(col).endswith("event_id") or str(col) == "case_id"]
    rest = rest[[col for col in rest.columns if col not in ids] + ids]
    taken = set(view.frame.columns)
    renamed = {}
    for col in rest.columns:
        header = _common.label(str(col))
        while header in taken:
            header += " (raw)"
        taken.add(header)
        renamed[col] = header
    rest_plain = _common.plain_values(rest).rename(columns=lambda col: renamed.get(col, str(col)))
    # plain_values renames durations "x (days)": keep whatever it produced
    frame = pd.concat([view.frame, rest_plain], axis=1)
    kinds = dict(view.kinds)
    return _Sheet(frame, kinds, view.flag)


def _chronology(a: _common.Analyses) -> _Sheet:
    """Every event, in the report's columns and headers."""
    return _Sheet(_common.plain_values(_common.event_table(a.c)), {})


def _themes(a: _common.Analyses) -> _Sheet:
    """One row per tag, with the reviewer's columns (``Accept``, ``Reviewer``, ``Date decided``,
    ``Note``) after what happened, filled from ``c.labels`` where a tag was accepted or added
    before; below the last tag, tinted rows where a reviewer adds a tag (see
    :mod:`chronology.labels`, which reads the sheet back)."""
    from ..labels import review_columns
    from ..plot.style import pretty

    tagged = a.tagged()
    tags = tagged.tags
    assert tags is not None
    keyed = tags.drop(columns=[col for col in ("confirmed",) if col in tags]).assign(
        theme_id=tags["theme"].astype("str"), polarity_code=tags["polarity"].astype("str"))
    table = _common.themes_table(tagged._replace(tags=keyed))
    review = review_columns(
        table, tagged.labels,
        {"event_id": table["Event id"], "theme": table["theme_id"], "polarity": table["polarity_code"]},
    )
    table = table.drop(columns="polarity_code")
    for col in ("polarity", "kind"):
        if col in table.columns:
            table[col] = _common.words(table[col])
    if "rule" in table.columns:
        codes = table["rule"].astype("str")
        table["rule"] = codes.map({k: pretty(k) for k in codes.dropna().unique()}).astype("str")
    if "evidence" in table.columns:
        table["evidence"] = _common.codes_in_text(table["evidence"])
    table = table.rename(columns={"kind": "found in", "rule": "rule"})
    frame = _common.plain_values(table).rename(columns=lambda col: _common.label(str(col)))
    at = list(frame.columns).index("What happened") + 1 if "What happened" in frame.columns else len(frame.columns)
    frame = pd.concat([frame.iloc[:, :at], review, frame.iloc[:, at:]], axis=1)
    return _Sheet(frame, {}, finish=lambda wb, ws: _review_area(wb, ws, list(frame.columns), len(frame)))


#: rows below the last tag where a reviewer can add tags (tinted, with drop-downs)
_ADD_ROWS = 100


def _review_area(wb: Any, ws: Any, headers: list[str], n: int) -> None:
    """Drop-downs and input messages for the reviewer on the Themes sheet (an XlsxWriter sheet), and a
    tint on the rows below the tags where tags are added. Nothing is written into those rows (they
    stay empty until the reviewer fills them)."""

    def col(header: str) -> int | None:
        return headers.index(header) if header in headers else None

    last = n + _ADD_ROWS  # zero-based: the header is row 0, the tags rows 1..n
    first_add = n + 1
    accept = col("Accept")
    if accept is not None:
        ws.data_validation(1, accept, last, accept, {
            "validate": "list", "source": ["yes", "no"], "ignore_blank": True,
            "show_error": True, "error_title": "Accept",
            "error_message": "Write yes or no, or leave the cell blank (not reviewed).",
            "show_input": True, "input_title": "Accept this tag?",
            "input_message": "yes: the event evidences this theme; no: remove the tag; blank: not reviewed. "
            "Fill Reviewer and Date decided too.",
        })
    polarity = col("Polarity")
    if polarity is not None:
        ws.data_validation(first_add, polarity, last, polarity, {
            "validate": "list", "source": ["concern", "strength"], "ignore_blank": True,
            "show_error": True, "error_message": "Write concern or strength.",
            "show_input": True, "input_title": "Polarity", "input_message": "concern or strength",
        })
    for header, title, prompt in (
        ("Event id", "Add a tag", "To add a tag the tagger missed: paste the event id from the Chronology "
         "sheet's Event id column, then write the Theme (its id or label) and the Polarity."),
        ("Theme", "Theme", "The theme's id (child_voice) or its label, as in the rows above."),
        ("Date decided", "Date decided", "The date of the decision, day first (03/12/2026)."),
    ):
        c = col(header)
        if c is None:
            continue
        ws.data_validation(first_add if header != "Date decided" else 1, c, last, c, {
            "validate": "any", "show_input": True, "input_title": title, "input_message": prompt,
        })
    ws.conditional_format(first_add, 0, last, len(headers) - 1, {
        "type": "formula", "criteria": "=TRUE", "format": wb.add_format({"bg_color": "#FFF7DB", "pattern": 1}),
    })
    review = [headers.index(h) for h in ("Accept", "Reviewer", "Date decided", "Note") if h in headers]
    if review and n > 0:
        ws.conditional_format(1, min(review), n, max(review), {
            "type": "formula", "criteria": "=TRUE", "format": wb.add_format({"bg_color": "#EAF3E6", "pattern": 1}),
        })


def _intervals(a: _common.Analyses) -> _Sheet:
    """The interval rules' checks, as the breaches are shown."""
    return _view_sheet(a.view("Breaches", a.frame("Intervals")))


#: The sheets built their own way, by name; every other sheet is the reader view of its section's
#: table (:func:`_builder`). The workbook's order is ``SHEETS``, from ``report.toml``, then the
#: sheet of any other section with a table, in :data:`~._common.SECTIONS` order.
_SPECIAL: dict[str, Callable[[_common.Analyses], _Sheet]] = {
    "Chronology": _chronology,
    "Intervals": _intervals,
    "Themes": _themes,
}


def _sheet_name(sec: _common.Section) -> str:
    """A section's sheet: its ``sheet``, else its heading as a sheet name (at most 31 characters,
    none of ``[]:*?/\\``)."""
    if sec.sheet:
        return sec.sheet
    return re.sub(r"[\[\]:*?/\\]", " ", sec.heading)[:31].strip()


def _section_sheets() -> dict[str, _common.Section]:
    """The section each sheet shows, by sheet name: every section with a table, and those built their
    own way (the chronology)."""
    named = ((_sheet_name(s), s) for s in _common.SECTIONS)
    return {name: s for name, s in named if s.table is not None or name in _SPECIAL}


def _known_sheets() -> list[str]:
    """The sheets the workbook can hold, in order."""
    sections = _section_sheets()
    listed = [s for s in SHEETS if s in _SPECIAL or s in sections]
    return listed + [s for s in sections if s not in listed]


def _builder(name: str) -> Callable[[_common.Analyses], _Sheet]:
    """How the sheet ``name`` is built."""
    special = _SPECIAL.get(name)
    if special is not None:
        return special
    table = _section_sheets()[name].table
    assert table is not None
    return lambda a: _view_sheet(a.view(table))


def _choose_sheets(sheets: Sequence[str] | None, *, has_intervals: bool) -> list[str]:
    known = _known_sheets()
    if sheets is None:
        return [s for s in known if s != "Intervals" or has_intervals]
    if isinstance(sheets, str):
        sheets = [sheets]
    _check_sheets(sheets, known, has_intervals=has_intervals)
    return [s for s in known if s in set(sheets)]


def _check_sheets(sheets: Sequence[str], known: list[str], *, has_intervals: bool) -> None:
    """Refuse a sheet the workbook cannot hold, and the Intervals sheet without interval rules."""
    unknown = [s for s in sheets if s not in known]
    if unknown:
        raise OptionError(
            "unknown sheet",
            value=unknown[0],
            hint="choose from " + ", ".join(repr(s) for s in known),
        )
    if "Intervals" in sheets and not has_intervals:
        raise OptionError(
            "the 'Intervals' sheet needs interval rules",
            hint="pass intervals=[chron.Interval(...)] or leave 'Intervals' out",
        )


# ---------------------------------------------------------------------- writing
def _formula_like(values: pd.Series) -> np.ndarray:
    """Which text values a spreadsheet would read as a formula (the rule lives in ``_safe``)."""
    decide = getattr(_safe, "formula_like", None)
    if callable(decide):
        return np.asarray(decide(values), dtype=bool)
    return _safe._string_mask(values, _safe._FORMULA_RE).to_numpy(dtype=bool)


def _column_kind(values: pd.Series, declared: str | None, settings: dict[str, Any]) -> str:
    if declared in ("percent", "month"):
        return declared
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "date"
    if pd.api.types.is_bool_dtype(values.dtype):
        return "text"
    if pd.api.types.is_integer_dtype(values.dtype):
        return "integer"
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.dropna()
        return "integer" if len(whole) and bool((whole == whole.round()).all()) else "number"
    if is_text(values) and len(values):
        lengths = values.astype("str").str.len()
        if float(lengths.quantile(0.95)) > settings["wrap_above"] or float(lengths.max()) > settings["max_width"]:
            return "wrap"
    return "text"


def _column_width(values: pd.Series, header: str, kind: str, settings: dict[str, Any]) -> float:
    """Width in characters: the header and the 95th percentile of the content, capped."""
    if kind == "date":
        content = 16.0
    elif kind == "month":
        content = 9.0
    elif kind == "percent":
        content = 13.0
    elif values.empty:
        content = 0.0
    else:
        lengths = values.astype("str").str.len()
        content = float(lengths.quantile(0.95)) if len(lengths) else 0.0
        if kind == "wrap":
            return float(settings["max_width"])
    longest_word = max((len(w) for w in header.split()), default=0)
    return max(float(settings["min_width"]), min(max(content, longest_word, len(header) * 0.6) + 2,
                                                 settings["max_width"]))


class _Formats:
    """One XlsxWriter format per distinct style (number format, wrap, quote prefix, highlight)."""

    def __init__(self, wb: Any) -> None:
        self._wb = wb
        self._made: dict[tuple[str | None, bool, bool, bool], Any] = {}

    def get(self, number_format: str | None = None, *, wrap: bool = False, quote: bool = False,
            flagged: bool = False) -> Any:
        key = (number_format, wrap, quote, flagged)
        if key not in self._made:
            props: dict[str, Any] = {"valign": "top"}
            if number_format:
                props["num_format"] = number_format
            if wrap:
                props["text_wrap"] = True
            if quote:
                props["quote_prefix"] = True
            if flagged:
                props.update(bold=True, font_color="#9C2A00", bg_color="#FBE0D2", pattern=1)
            self._made[key] = self._wb.add_format(props)
        return self._made[key]


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _excel_serials(s: pd.Series) -> np.ndarray:
    """Datetimes as Excel serial day numbers (Europe/London wall-clock time), NaN where missing."""
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_convert("Europe/London").dt.tz_localize(None)
    days = (s - _EXCEL_EPOCH) / pd.Timedelta(days=1)
    return days.to_numpy(dtype=float, na_value=np.nan)


def _write_sheet(wb: Any, formats: _Formats, name: str, sheet: _Sheet, settings: dict[str, Any],
                 rows_xml: dict[str, str]) -> int:
    """Write the sheet's header and settings with XlsxWriter; its rows go to ``rows_xml``. Returns
    the number of columns."""
    ws = wb.add_worksheet(name)
    frame = sheet.frame
    if frame.shape[1] == 0:
        frame = pd.DataFrame({"No result": pd.Series(dtype="str")})
    frame = frame.reset_index(drop=True)
    n = len(frame)
    headers = [str(h) for h in frame.columns]
    safe_headers = clean_text(pd.Series(headers, dtype="str"), max_chars=255).tolist()
    ncols = len(headers)

    kinds = [_column_kind(frame.iloc[:, i], sheet.kinds.get(h), settings) for i, h in enumerate(headers)]
    for i, (h, kind) in enumerate(zip(headers, kinds, strict=True)):
        ws.set_column(i, i, _column_width(frame.iloc[:, i], h, kind, settings))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, n, ncols - 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)

    header_format = wb.add_format({"bold": True, "bg_color": "#DDE4EE", "pattern": 1, "text_wrap": True,
                                   "valign": "top"})
    # a heading that looks like a formula stays text, as the cells do (Excel's quote prefix)
    quoted_header = wb.add_format({"bold": True, "bg_color": "#DDE4EE", "pattern": 1, "text_wrap": True,
                                   "valign": "top", "quote_prefix": True})
    head_formula = _formula_like(pd.Series(safe_headers, dtype="str"))
    for i, (text, kind, formula) in enumerate(zip(safe_headers, kinds, head_formula, strict=True)):
        ws.write_string(0, i, text, quoted_header if formula else header_format)
        if kind == "date":
            ws.write_comment(0, i, _TIME_NOTE, {"author": "chronology", "x_scale": 1.8, "y_scale": 1.2})
    if frame.empty:
        return ncols

    flags = (sheet.flag.reindex(range(n), fill_value=False).to_numpy(dtype=bool)
             if sheet.flag is not None else np.zeros(n, bool))
    rows_xml[name] = _rows_xml(frame, kinds, flags, formats, settings)
    return ncols


def _style_ids(fmts: list[Any], picks: np.ndarray) -> pd.Series:
    """The style index (``s="..."``) of each row's cell, as text."""
    ids = np.array([str(f._get_xf_index()) for f in fmts], dtype=object)
    return pd.Series(ids[picks], dtype="str")


def _escape_xml(text: pd.Series) -> pd.Series:
    """Text for an XML text node (``&``, ``<``, ``>``); ``_x0041_``-like runs kept literal, as Excel
    would otherwise read them as escaped characters."""
    out = text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
    out = out.str.replace(">", "&gt;", regex=False)
    return out.str.replace(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", regex=True)


def _rows_xml(frame: pd.DataFrame, kinds: list[str], flags: np.ndarray, formats: _Formats,
              settings: dict[str, Any]) -> str:
    """The data rows of a sheet as SpreadsheetML ``<row>`` elements, built column by column with
    pandas string operations (no Python loop over rows or cells).

    Text is written as inline strings, numbers and dates (Excel serial numbers under a date
    format) as values; an empty value is no cell. Styles are the XlsxWriter formats' indices.
    """
    from openpyxl.utils import get_column_letter

    n = len(frame)
    row_numbers = pd.Series(np.arange(2, n + 2), dtype="int64").astype("str")
    empty = pd.Series([""] * n, dtype="str")
    flagged_rows = flags.astype(np.int64)
    xml = '<row r="' + row_numbers + '">'
    for i, kind in enumerate(kinds):
        s = frame.iloc[:, i].reset_index(drop=True)
        ref = '<c r="' + get_column_letter(i + 1) + row_numbers + '" s="'
        flagged = flagged_rows if i < 2 else np.zeros(n, np.int64)  # the rule and its result, highlighted
        if kind in ("date", "month", "percent", "integer", "number"):
            if kind in ("date", "month"):
                arr = _excel_serials(s)
            else:
                arr = s.to_numpy(dtype=float, na_value=np.nan)
            missing = np.isnan(arr)
            if kind == "integer":
                numbers = pd.Series(np.where(missing, 0, arr).astype(np.int64)).astype("str")
            else:
                numbers = pd.Series(np.where(missing, 0.0, arr)).astype("str")
            if kind == "date":
                choices = [settings["datetime_format"], settings["date_format"]]
                whole_day = (arr == np.floor(arr)).astype(np.int64)
            else:
                choices = [{"month": settings["month_format"], "percent": settings["percent_format"]}.get(kind)]
                whole_day = np.zeros(n, np.int64)
            fmts = [formats.get(f, flagged=bool(b)) for b in (0, 1) for f in choices]
            styles = _style_ids(fmts, flagged * len(choices) + whole_day)
            cells = ref + styles + '"><v>' + numbers + "</v></c>"
            if kind == "percent":  # a share with nothing recorded says so
                words = ref + styles + '" t="inlineStr"><is><t>not recorded</t></is></c>'
                cells = cells.where(~missing, words)
            else:
                cells = cells.where(~missing, empty)
        else:
            text = s.astype("str") if not is_text(s) else s
            text = clean_text(text.astype("str"), max_chars=settings["max_cell_chars"])
            missing = text.isna().to_numpy()
            formula = (_formula_like(text) & ~missing).astype(np.int64)
            wrap = kind == "wrap"
            fmts = [formats.get(wrap=wrap, quote=bool(q), flagged=bool(b)) for b in (0, 1) for q in (0, 1)]
            styles = _style_ids(fmts, flagged * 2 + formula)
            cells = (ref + styles + '" t="inlineStr"><is><t xml:space="preserve">'
                     + _escape_xml(text.fillna("")) + "</t></is></c>")
            cells = cells.where(~missing, empty)
        xml = xml + cells
    return "".join((xml + "</row>").tolist())


def _insert_rows(path: Path, sheet_files: dict[str, str], rows_xml: dict[str, str],
                 widths: dict[str, int]) -> None:
    """Put each sheet's data rows (built by :func:`_rows_xml`) into the workbook XlsxWriter wrote,
    after the header row, and widen the sheet's recorded dimension to match."""
    import re
    import shutil
    import tempfile
    import zipfile

    from openpyxl.utils import get_column_letter

    by_file = {sheet_files[name]: name for name in rows_xml if rows_xml[name]}
    if not by_file:
        return
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".xlsx", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                name = by_file.get(info.filename)
                if name is not None:
                    text = data.decode("utf-8")
                    head, tail = text.rsplit("</sheetData>", 1)
                    n_rows = rows_xml[name].count("<row ") + 1
                    last = f"{get_column_letter(widths[name])}{n_rows}"
                    head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
                    data = (head + rows_xml[name] + "</sheetData>" + tail).encode("utf-8")
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        shutil.move(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)
