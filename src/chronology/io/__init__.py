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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import SourceReadError
from ._table import RawTable

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
    if not p.exists():
        raise SourceReadError(
            "file not found",
            file=p.name if p.name else str(p),
            hint="check the path (relative paths are read from the current folder)",
        )
    if p.is_dir():
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
    if p.stat().st_size == 0:
        raise SourceReadError("the file is empty", file=p.name, hint="check the right file was sent")
    if kind == "csv":
        from .csv import read_csv

        return read_csv(p, encoding=encoding, columns=columns)
    if kind == "xlsx":
        from .excel import read_excel

        return read_excel(p, sheet=sheet, columns=columns)
    from .docx import read_docx

    return read_docx(p, columns=columns)
