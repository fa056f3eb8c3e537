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

Speed: the workbook is written in openpyxl's write-only mode, one styled template cell per column
reused for every row, so 40,000 events of 2,000 cases take seconds, not minutes.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import OptionError
from . import _common, _safe
from ._safe import clean_text, is_text

if TYPE_CHECKING:
    from openpyxl import Workbook

    from ..chronology import Chronology
    from ..rules import Expect, Interval

__all__ = ["SHEETS", "to_excel"]

#: The sheets :func:`to_excel` can write, in workbook order.
SHEETS: list[str] = list(_common.config()["excel"]["sheets"])

_TIME_NOTE = (
    "UK local time (Europe/London): the time on a clock in England, BST in summer and GMT in "
    "winter. Excel dates carry no time zone."
)


@dataclasses.dataclass
class _Options:
    intervals: Any
    timescales: Any
    expectations: Any
    min_gap_days: float


@dataclasses.dataclass
class _Sheet:
    """A sheet to write: headers as the frame's columns, a kind per column, rows to highlight."""

    frame: pd.DataFrame
    kinds: dict[str, str]
    flag: pd.Series | None = None


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
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is a core dependency
        from ..errors import MissingDependencyError

        raise MissingDependencyError(
            "writing Excel needs openpyxl", hint="pip install openpyxl"
        ) from exc

    names = _choose_sheets(sheets, has_intervals=intervals is not None)
    settings = _common.config()["excel"]
    gap_days = float(_common.config()["analysis"]["gap_min_days"]) if min_gap_days is None else min_gap_days
    options = _Options(intervals, timescales, expectations, gap_days)
    cache: dict[str, pd.DataFrame] = {}
    built = {name: _BUILDERS[name](c, options, cache) for name in names}
    for name, sheet in built.items():
        if len(sheet.frame) > settings["max_rows"]:
            raise OptionError(
                f"the {name!r} sheet would have {len(sheet.frame):,} rows, more than Excel's limit of "
                f"{settings['max_rows']:,}",
                file=path,
                hint="write a subset (c.filter(case_id=...)) or save c.events with pandas to parquet",
            )

    wb = Workbook(write_only=True)
    wb.properties.title = c.title or "Integrated chronology"
    wb.properties.description = "Written by the chronology library. " + _TIME_NOTE
    for name in names:
        _write_sheet(wb, name, built[name], settings)
    out = Path(path)
    wb.save(out)
    return out


# ---------------------------------------------------------------------- what each sheet holds
def _several(c: Chronology) -> bool:
    return len(c.case_ids) > 1


def _breaches(c: Chronology, o: _Options, cache: dict[str, pd.DataFrame]) -> pd.DataFrame:
    if "breaches" not in cache:
        cache["breaches"] = c.breaches(o.timescales)
    return cache["breaches"]


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


def _analysis(name: str, compute: Callable[[Chronology, _Options, dict[str, pd.DataFrame]], pd.DataFrame]) -> Any:
    def build(c: Chronology, o: _Options, cache: dict[str, pd.DataFrame]) -> _Sheet:
        return _view_sheet(_common.reader_view(compute(c, o, cache), name, several_cases=_several(c)))

    return build


def _chronology(c: Chronology, o: _Options, cache: dict[str, pd.DataFrame]) -> _Sheet:
    return _Sheet(_common.plain_values(_common.event_table(c)), {})


def _themes(c: Chronology, o: _Options, cache: dict[str, pd.DataFrame]) -> _Sheet:
    from ..plot.style import pretty

    table = _common.themes_table(c)
    for col in ("polarity", "kind"):
        if col in table.columns:
            table[col] = _common.words(table[col])
    if "rule" in table.columns:
        codes = table["rule"].astype("str")
        table["rule"] = codes.map({k: pretty(k) for k in codes.dropna().unique()}).astype("str")
    if "evidence" in table.columns:
        table["evidence"] = _common.codes_in_text(table["evidence"])
    table = table.rename(columns={"kind": "found in", "rule": "rule"})
    return _Sheet(_common.plain_values(table).rename(columns=lambda col: _common.label(str(col))), {})


def _intervals(c: Chronology, o: _Options, cache: dict[str, pd.DataFrame]) -> _Sheet:
    view = _common.reader_view(c.intervals(o.intervals), "Breaches", several_cases=_several(c))
    return _view_sheet(view)


def _prompts(c: Chronology, o: _Options, cache: dict[str, pd.DataFrame]) -> pd.DataFrame:
    tagged = c if c.tags is not None else c.tag()
    return tagged.prompts()


#: How each sheet is built, by name (the order is ``SHEETS``, from ``report.toml``). A new sheet is
#: one entry here, returning a ``_Sheet``, and its name in ``report.toml``'s ``[excel] sheets``.
_BUILDERS: dict[str, Callable[[Chronology, _Options, dict[str, pd.DataFrame]], _Sheet]] = {
    "Chronology": _chronology,
    "Gaps": _analysis("Gaps", lambda c, o, _: c.gaps(min_days=o.min_gap_days)),
    "Intervals": _intervals,
    "Breaches": _analysis("Breaches", _breaches),
    "Timescales met": _analysis("Timescales met", _breaches),
    "Missing follow-ups": _analysis("Missing follow-ups", lambda c, o, _: c.missing(o.expectations)),
    "Voice": _analysis("Voice", lambda c, o, _: c.voice()),
    "Silences": _analysis("Silences", lambda c, o, _: c.silences()),
    "Duplicates": _analysis("Duplicates", lambda c, o, _: c.duplicates()),
    "Themes": _themes,
    "Prompts": _analysis("Prompts", _prompts),
    "Rejects": _analysis("Rejects", lambda c, o, _: c.rejects),
    "Provenance": _analysis("Provenance", lambda c, o, _: c.provenance),
}


def _choose_sheets(sheets: Sequence[str] | None, *, has_intervals: bool) -> list[str]:
    known = [s for s in SHEETS if s in _BUILDERS]
    if sheets is None:
        return [s for s in known if s != "Intervals" or has_intervals]
    if isinstance(sheets, str):
        sheets = [sheets]
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
    return [s for s in known if s in set(sheets)]


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


def _write_sheet(wb: Workbook, name: str, sheet: _Sheet, settings: dict[str, Any]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=name)
    frame = sheet.frame
    if frame.shape[1] == 0:
        frame = pd.DataFrame({"No result": pd.Series(dtype="str")})
    frame = frame.reset_index(drop=True)
    headers = [str(h) for h in frame.columns]
    safe_headers = clean_text(pd.Series(headers, dtype="str"), max_chars=255).tolist()
    ncols = len(headers)
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    flag_fill = PatternFill("solid", fgColor="FBE0D2")
    flag_font = Font(bold=True, color="9C2A00")

    kinds = [_column_kind(frame.iloc[:, i], sheet.kinds.get(h), settings) for i, h in enumerate(headers)]
    for i, (h, kind) in enumerate(zip(headers, kinds, strict=True)):
        ws.column_dimensions[get_column_letter(i + 1)].width = _column_width(frame.iloc[:, i], h, kind, settings)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{len(frame) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    header_cells = []
    head_formula = _formula_like(pd.Series(safe_headers, dtype="str"))
    for text, kind, formula in zip(safe_headers, kinds, head_formula, strict=True):
        cell = WriteOnlyCell(ws, value=text)
        if formula:  # a heading that looks like a formula stays text, as the cells do
            cell.quotePrefix = True
            cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = wrap
        if kind == "date":
            cell.comment = Comment(_TIME_NOTE, "chronology", width=260, height=80)
        header_cells.append(cell)
    ws.append(header_cells)
    if frame.empty:
        return

    def template(number_format: str | None = None, align: Alignment = top, quote: bool = False,
                 flagged: bool = False) -> Any:
        cell = WriteOnlyCell(ws)
        cell.alignment = align
        if number_format:
            cell.number_format = number_format
        if quote:
            cell.quotePrefix = True
        if flagged:
            cell.fill = flag_fill
            cell.font = flag_font
        return cell

    flags = (sheet.flag.reindex(range(len(frame)), fill_value=False).to_numpy(dtype=bool)
             if sheet.flag is not None else np.zeros(len(frame), bool))
    # one list of values and one list of template cells (or None: a plain value) per column
    columns: list[list[Any]] = []
    styles: list[list[Any]] = []
    for i, kind in enumerate(kinds):
        s = frame.iloc[:, i]
        n = len(s)
        if kind in ("date", "month"):
            missing = s.isna().to_numpy()
            values = [None if m else v for v, m in zip(s.dt.to_pydatetime(), missing, strict=True)] if n else []
            if kind == "month":
                cells = [template(settings["month_format"])]
                picks = np.zeros(n, dtype=np.int64)
            else:
                cells = [template(settings["datetime_format"]), template(settings["date_format"])]
                picks = (s == s.dt.normalize()).fillna(False).to_numpy().astype(np.int64)
        elif kind == "percent":
            missing = s.isna().to_numpy()
            values = [None if m else float(v) for v, m in zip(s.to_numpy(dtype=float), missing, strict=True)]
            values = ["not recorded" if v is None else v for v in values]
            cells = [template(settings["percent_format"])]
            picks = np.zeros(n, dtype=np.int64)
        elif kind in ("integer", "number"):
            missing = s.isna().to_numpy()
            arr = s.to_numpy(dtype=float, na_value=np.nan)
            values = [None if m else (int(v) if kind == "integer" else float(v))
                      for v, m in zip(arr, missing, strict=True)]
            cells = [None]
            picks = np.zeros(n, dtype=np.int64)
        else:
            text = s.astype("str") if not is_text(s) else s
            text = clean_text(text, max_chars=settings["max_cell_chars"])
            missing = text.isna().to_numpy()
            values = [None if m else v for v, m in zip(text.to_numpy(dtype=object), missing, strict=True)]
            formula = _formula_like(text) & ~missing
            align = wrap if kind == "wrap" else top
            cells = [None if kind == "text" else template(align=align), template(align=align, quote=True)]
            picks = formula.astype(np.int64)
        columns.append(values)
        styles.append([cells[k] for k in picks] if n else [])
    # highlighted rows: the first two columns (the rule and its result) in bold on orange
    if flags.any():
        for i in range(min(2, ncols)):
            flagged = template(align=wrap if kinds[i] == "wrap" else top, flagged=True)
            styles[i] = [flagged if f else st for st, f in zip(styles[i], flags, strict=True)]

    for r in range(len(frame)):
        row: list[Any] = []
        for values, cells in zip(columns, styles, strict=True):
            v = values[r]
            cell = cells[r]
            if cell is None or v is None:
                row.append(v)
                continue
            cell.value = v
            if cell.quotePrefix:
                cell.data_type = "s"  # text that looks like a formula stays text
            row.append(cell)
        ws.append(row)
