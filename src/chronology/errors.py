"""Errors a user can cause, all subclasses of :class:`ChronologyError`.

Every message names where the problem is (file, sheet, row, column, value) and says how to fix it.

Examples
--------
>>> from chronology.errors import DateParseError
>>> err = DateParseError("31/02/2024 is not a date", file="health.xlsx", sheet="Contacts",
...                      row=14, column="Date seen", value="31/02/2024",
...                      hint="correct the cell or pass date_formats=...")
>>> print(err)
health.xlsx, sheet 'Contacts', row 14, column 'Date seen': '31/02/2024': 31/02/2024 is not a date; correct the cell or pass date_formats=...
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ChronologyError",
    "ColumnMappingError",
    "DateParseError",
    "EventValidationError",
    "ManifestError",
    "MissingDependencyError",
    "OptionError",
    "SourceReadError",
]


def _where(
    file: Any = None, sheet: Any = None, row: Any = None, column: Any = None, value: Any = None
) -> str:
    parts: list[str] = []
    if file is not None:
        parts.append(str(file))
    if sheet is not None:
        parts.append(f"sheet {sheet!r}")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    where = ", ".join(parts)
    if value is not None:
        shown = str(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        where = f"{where}: {shown!r}" if where else repr(shown)
    return where


class ChronologyError(Exception):
    """Base class of every error a user of ``chronology`` can cause.

    Parameters
    ----------
    message
        What is wrong.
    file, sheet, row, column, value
        Where it is; any may be omitted.
    hint
        How to fix it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: Any = None,
        sheet: Any = None,
        row: Any = None,
        column: Any = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value
        self.hint = hint
        where = _where(self.file, sheet, row, column, value)
        text = f"{where}: {message}" if where else message
        if hint:
            text = f"{text}; {hint}"
        super().__init__(text)


class SourceReadError(ChronologyError):
    """A file cannot be read at all (missing, wrong type, encrypted, empty, no table)."""


class ColumnMappingError(ChronologyError):
    """Columns cannot be mapped to the event table (no date column, unknown override...)."""


class DateParseError(ChronologyError):
    """A date cannot be read as a UK day-first date."""


class EventValidationError(ChronologyError):
    """The events table breaks the schema (a bug in parsing, or a hand-edited frame)."""


class ManifestError(ChronologyError):
    """A ``case.toml`` manifest is missing or malformed."""


class OptionError(ChronologyError, ValueError):
    """An unknown option was passed; the message lists the valid ones."""


class MissingDependencyError(ChronologyError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""
