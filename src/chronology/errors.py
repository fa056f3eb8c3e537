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

A fix that is an option of ``read()`` is given as data (``fix=``) and shown in the caller's syntax:
Python keywords by default, command-line flags with :meth:`ChronologyError.for_cli`:

>>> from chronology.errors import ColumnMappingError
>>> err = ColumnMappingError("two columns could be the description", file="police.csv",
...                          fix={"columns": {"Occurrence": "description"}})
>>> print(err)
police.csv: two columns could be the description; pass columns={'Occurrence': 'description'}
>>> print(err.for_cli())
police.csv: two columns could be the description; pass --column "Occurrence=description"
"""

from __future__ import annotations

from collections.abc import Mapping
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
    "render_fix",
]

#: how each option of ``read()``/``read_case()`` is spelled on the command line
_CLI_FLAGS = {
    "columns": "--column",
    "date_formats": "--date-format",
    "agency": "--agency",
    "case_id": "--case-id",
    "sheet": "--sheet",
}


def _quote(text: object) -> str:
    """Double-quoted for a POSIX shell (and readable in cmd.exe too)."""
    escaped = str(text)
    for ch in ("\\", '"', "$", "`"):
        escaped = escaped.replace(ch, "\\" + ch)
    return f'"{escaped}"'


def render_fix(fix: Mapping[str, Any], syntax: str = "python") -> str:
    """A fix given as ``{option: value}`` written in Python or command-line syntax.

    Parameters
    ----------
    fix
        Options of :func:`chronology.read` and their values, e.g. ``{"columns": {"Matter": "description"}}``.
    syntax
        ``"python"`` (keyword arguments) or ``"cli"`` (flags of the ``chronology`` command).

    Examples
    --------
    >>> render_fix({"columns": {"When": "date"}, "date_formats": ["%m/%d/%Y"]})
    "pass columns={'When': 'date'}, date_formats=['%m/%d/%Y']"
    >>> render_fix({"columns": {"When": "date"}, "date_formats": ["%m/%d/%Y"]}, "cli")
    'pass --column "When=date" --date-format "%m/%d/%Y"'
    """
    if syntax not in ("python", "cli"):
        raise OptionError(f"unknown syntax {syntax!r}", hint="use 'python' or 'cli'")
    parts: list[str] = []
    for option, value in fix.items():
        if syntax == "python":
            parts.append(f"{option}={value!r}")
            continue
        flag = _CLI_FLAGS.get(option, "--" + option.replace("_", "-"))
        if isinstance(value, Mapping):
            parts.extend(f"{flag} {_quote(f'{k}={v}')}" for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            parts.extend(f"{flag} {_quote(v)}" for v in value)
        else:
            parts.append(f"{flag} {_quote(value)}")
    return "pass " + (", " if syntax == "python" else " ").join(parts)


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
        How to fix it, in words.
    fix
        A fix that is a set of options of ``read()``, as ``{option: value}``; it is appended to the
        message in Python syntax, and :meth:`for_cli` writes it as command-line flags instead.
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
        fix: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value
        self.hint = hint
        self.fix = dict(fix) if fix else None
        super().__init__(self._text("python"))

    def _text(self, syntax: str) -> str:
        where = _where(self.file, self.sheet, self.row, self.column, self.value)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text = f"{text}; {self.hint}"
        if self.fix:
            text = f"{text}; {render_fix(self.fix, syntax)}"
        return text

    def for_cli(self) -> str:
        """The message with its fix written as flags of the ``chronology`` command."""
        return self._text("cli")


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
