"""Readers: agency files (CSV, Excel, Word) to :class:`RawTable` objects, one per table or sheet.

Examples
--------
>>> from chronology.io import read_tables
>>> read_tables("missing.csv")
Traceback (most recent call last):
...
chronology.errors.SourceReadError: missing.csv: file not found; check the path (relative paths are read from the current folder)
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import SourceReadError
from ..normalise.raw import RawTable
from ._guard import _os_error

__all__ = ["SUPPORTED", "RawTable", "read_tables"]

SUPPORTED = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".docx": "docx"}


def read_tables(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    columns: Mapping[str, Any] | None = None,
) -> list[RawTable]:
    """Read the chronology tables of one file, choosing the reader by extension."""
    p = Path(path)
    name = p.name if p.name else str(p)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise SourceReadError(
            "file not found",
            file=name,
            hint="check the path (relative paths are read from the current folder)",
        ) from None
    except (OSError, ValueError) as exc:  # permission denied on a folder, a broken drive, a NUL in the path
        if isinstance(exc, OSError):
            raise _os_error(Path(name), exc) from exc
        raise SourceReadError(
            f"is not a usable path ({exc})", file=name, hint="check the file name for stray characters"
        ) from exc
    if stat.S_ISDIR(st.st_mode):
        raise SourceReadError(
            "is a folder, not a file", file=str(p), hint="use chronology.read_case() for a case folder"
        )
    kind = SUPPORTED.get(p.suffix.lower())
    if kind is None:
        extra = " (save .xls as .xlsx and .doc as .docx)" if p.suffix.lower() in (".xls", ".doc") else ""
        raise SourceReadError(
            f"unsupported file type {p.suffix or '(none)'!r}{extra}",
            file=p.name,
            hint=f"send the chronology as one of: {', '.join(sorted(SUPPORTED))}",
        )
    if not stat.S_ISREG(st.st_mode):
        raise SourceReadError(
            "is not a regular file (a device, a pipe or a socket)",
            file=p.name,
            hint="copy the chronology to an ordinary file and read that",
        )
    if st.st_size == 0:
        raise SourceReadError("the file is empty", file=p.name, hint="check the right file was sent")
    if kind == "csv":
        from .csv import read_csv

        return read_csv(p, encoding=encoding, columns=columns)
    if kind == "xlsx":
        from .excel import read_excel

        return read_excel(p, sheet=sheet, columns=columns)
    from .docx import read_docx

    return read_docx(p, columns=columns)
