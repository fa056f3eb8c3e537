"""The Excel workbook: the integrated chronology and one sheet per analysis.

Every sheet has a bold, frozen header row, an autofilter, column widths fitted to the content
(capped, long text wrapped), and dates as real Excel dates. Excel has no time zones, so dates are
written as Europe/London wall-clock time (the time on a clock in England: BST in summer, GMT in
winter). Every text cell is made safe: characters XML cannot hold are removed, cells longer than
Excel's limit are cut with a note, and text that would start a formula is neutralised with a
leading ``'`` (see :func:`chronology.report._safe.neutralise`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import OptionError
from . import _common
from ._safe import clean_text, is_text, neutralise

if TYPE_CHECKING:
    from openpyxl import Workbook

    from ..chronology import Chronology
    from ..rules import Expect, Interval

__all__ = ["SHEETS", "to_excel"]

#: The sheets :func:`to_excel` can write, in workbook order.
SHEETS: list[str] = list(_common.config()["excel"]["sheets"])

_HEADER_STYLE = "chronology header"
_DATETIME_STYLE = "chronology datetime"
_DATE_STYLE = "chronology date"
_WRAP_STYLE = "chronology wrap"
_TIME_NOTE = (
    "UK local time (Europe/London): the time on a clock in England, BST in summer and GMT in "
    "winter. Excel dates carry no time zone."
)


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
        ``"Missing follow-ups"``, ``"Voice"``, ``"Themes"``, ``"Rejects"``, ``"Provenance"``.
        By default all of them (``"Intervals"`` only when ``intervals`` is given).
    intervals
        Interval rules for the ``Intervals`` sheet (:meth:`Chronology.intervals`).
    timescales
        Rules for the ``Breaches`` sheet, passed to :meth:`Chronology.breaches` (default: the
        statutory timescales).
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
    and the source file, sheet and row. ``Themes`` joins each theme tag to its event. An
    analysis with no result is a sheet with its header only.

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
    frames: dict[str, pd.DataFrame] = {}
    if "Chronology" in names:
        frames["Chronology"] = _common.event_table(c)
    frames.update(
        _common.analysis_tables(
            c,
            [n for n in names if n != "Chronology"],
            intervals=intervals,
            timescales=timescales,
            expectations=expectations,
            min_gap_days=min_gap_days,
        )
    )
    for name, frame in frames.items():
        if len(frame) > settings["max_rows"]:
            raise OptionError(
                f"the {name!r} sheet would have {len(frame):,} rows, more than Excel's limit of "
                f"{settings['max_rows']:,}",
                file=path,
                hint="write a subset (c.filter(case_id=...)) or save c.events with pandas to parquet",
            )

    wb = Workbook(write_only=True)
    wb.properties.title = c.title or "Integrated chronology"
    wb.properties.description = "Written by the chronology library. " + _TIME_NOTE
    _add_styles(wb, settings)
    for name in names:
        _write_sheet(wb, name, frames[name], settings)
    out = Path(path)
    wb.save(out)
    return out


def _choose_sheets(sheets: Sequence[str] | None, *, has_intervals: bool) -> list[str]:
    if sheets is None:
        return [s for s in SHEETS if s != "Intervals" or has_intervals]
    if isinstance(sheets, str):
        sheets = [sheets]
    unknown = [s for s in sheets if s not in SHEETS]
    if unknown:
        raise OptionError(
            "unknown sheet",
            value=unknown[0],
            hint="choose from " + ", ".join(repr(s) for s in SHEETS),
        )
    if "Intervals" in sheets and not has_intervals:
        raise OptionError(
            "the 'Intervals' sheet needs interval rules",
            hint="pass intervals=[chron.Interval(...)] or leave 'Intervals' out",
        )
    return [s for s in SHEETS if s in set(sheets)]


def _add_styles(wb: Workbook, settings: dict[str, Any]) -> None:
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

    header = NamedStyle(name=_HEADER_STYLE)
    header.font = Font(bold=True)
    header.fill = PatternFill("solid", fgColor="DDE4EE")
    header.alignment = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    datetime_style = NamedStyle(name=_DATETIME_STYLE, number_format=settings["datetime_format"])
    datetime_style.alignment = top
    date_style = NamedStyle(name=_DATE_STYLE, number_format=settings["date_format"])
    date_style.alignment = top
    wrap = NamedStyle(name=_WRAP_STYLE)
    wrap.alignment = Alignment(vertical="top", wrap_text=True)
    for style in (header, datetime_style, date_style, wrap):
        wb.add_named_style(style)


def _safe_frame(frame: pd.DataFrame, max_chars: int) -> tuple[pd.DataFrame, list[str]]:
    """Plain values, text cleaned and neutralised, headers readable and safe."""
    plain = _common.plain_values(frame)
    for col in plain.columns:
        if is_text(plain[col]):
            plain[col] = neutralise(clean_text(plain[col], max_chars=max_chars))
    headers = pd.Series([_common.label(str(col)) for col in plain.columns], dtype="str")
    safe_headers = neutralise(clean_text(headers, max_chars=255)).tolist()
    return plain, safe_headers


def _column_width(values: pd.Series, header: str, settings: dict[str, Any]) -> tuple[float, bool]:
    """Width in characters (header and 95th percentile of the content, capped) and whether to wrap."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        content = 16.0
    elif values.empty:
        content = 0.0
    else:
        lengths = values.astype("str").fillna("").str.len()
        content = float(lengths.quantile(0.95)) if len(lengths) else 0.0
        longest = float(lengths.max())
        if longest > settings["max_width"]:
            return float(settings["max_width"]), True
    width = max(float(settings["min_width"]), min(max(content, len(header)) + 2, settings["max_width"]))
    return width, False


def _write_sheet(wb: Workbook, name: str, frame: pd.DataFrame, settings: dict[str, Any]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=name)
    if frame.shape[1] == 0:
        frame = pd.DataFrame({"no result": pd.Series(dtype="str")})
    plain, headers = _safe_frame(frame, settings["max_cell_chars"])
    ncols = len(headers)
    last = get_column_letter(ncols)

    kinds: list[str] = []
    for i, col in enumerate(plain.columns):
        values = plain[col]
        width, wrap = _column_width(values, headers[i], settings)
        ws.column_dimensions[get_column_letter(i + 1)].width = width
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            kinds.append("datetime")
        else:
            kinds.append("wrap" if wrap else "plain")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{len(plain) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"

    header_cells = []
    for text, kind in zip(headers, kinds, strict=True):
        cell = WriteOnlyCell(ws, value=text)
        cell.style = _HEADER_STYLE
        if kind == "datetime":
            cell.comment = Comment(_TIME_NOTE, "chronology", width=260, height=80)
        header_cells.append(cell)
    ws.append(header_cells)

    # A date at midnight is shown without a time (day, week, month and year precision).
    midnight: dict[int, np.ndarray] = {}
    for i, col in enumerate(plain.columns):
        if kinds[i] == "datetime":
            when = plain[col]
            midnight[i] = (when == when.dt.normalize()).fillna(False).to_numpy()
    objects = plain.astype(object).where(plain.notna(), None)
    for r, row in enumerate(objects.itertuples(index=False, name=None)):
        cells: list[Any] = []
        for i, value in enumerate(row):
            kind = kinds[i]
            if value is None or kind == "plain":
                cells.append(value)
                continue
            cell = WriteOnlyCell(ws, value=value.to_pydatetime() if kind == "datetime" else value)
            if kind == "datetime":
                cell.style = _DATE_STYLE if midnight[i][r] else _DATETIME_STYLE
            else:
                cell.style = _WRAP_STYLE
            cells.append(cell)
        ws.append(cells)
