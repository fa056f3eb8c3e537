"""CSV reader: utf-8, utf-8 with BOM, cp1252 (Excel's "CSV" on Windows), UTF-16 ("Unicode text"),
and lines in mixed encodings; comma, semicolon, tab or pipe delimiters sniffed; title rows above the
header skipped."""

from __future__ import annotations

import csv as _csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ColumnMappingError, SourceReadError
from ._table import RawTable, find_header, make_table

__all__ = ["read_csv"]

_DELIMITERS = ",;\t|"


def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceReadError(
                f"cannot be decoded as {encoding} ({exc})",
                file=path.name,
                hint="leave encoding= unset to detect it, or save the file as UTF-8 CSV",
            ) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    # mixed: some lines utf-8, some cp1252 (files pasted together); decode line by line
    lines = raw.split(b"\n")
    out = []
    kinds = set()
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            kinds.add("utf-8")
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
            kinds.add("cp1252")
    enc = "cp1252" if kinds == {"cp1252"} else "mixed utf-8/cp1252"
    if not any(b > 0x7F for b in raw[:1]) and kinds == {"cp1252", "utf-8"}:
        enc = "mixed utf-8/cp1252"
    return "\n".join(out), enc


def _looks_binary(raw: bytes) -> str | None:
    head = raw[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "it is a zip container (an .xlsx or .docx file renamed .csv?)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old Office (.xls/.doc) or encrypted file"
    if head.startswith(b"%PDF"):
        return "it is a PDF"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if b"\x00" in head:
        return "it contains binary data"
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if head and control / len(head) > 0.05:
        return "it contains binary data"
    return None


def _sniff(text: str) -> str:
    sample_lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    sample = "\n".join(sample_lines)
    try:
        return _csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except _csv.Error:
        pass
    counts = {d: sorted(ln.count(d) for ln in sample_lines) for d in _DELIMITERS}
    best = max(counts, key=lambda d: (counts[d][len(counts[d]) // 2] if counts[d] else 0))
    return best if counts[best] and max(counts[best]) > 0 else ","


def read_csv(
    path: Path, *, encoding: str | None = None, columns: Mapping[str, Any] | None = None
) -> list[RawTable]:
    """Read a CSV file into one :class:`RawTable` (every cell as text)."""
    raw = path.read_bytes()
    if not raw.strip():
        raise SourceReadError(
            "the file is empty", file=path.name, hint="check the right file was sent"
        )
    why = _looks_binary(raw)
    if why:
        raise SourceReadError(
            f"is not a text CSV file: {why}",
            file=path.name,
            hint="open it in its own program and save it as CSV UTF-8, or pass the real .xlsx/.docx",
        )
    text, enc = _decode(raw, path, encoding)
    _csv.field_size_limit(2**31 - 1)  # agencies paste whole reports into one cell
    delim = _sniff(text)
    try:
        width = max(
            (len(r) for r in _csv.reader(io.StringIO("\n".join(text.splitlines()[:1000])), delimiter=delim)),
            default=1,
        )
        grid = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            header=None,
            names=range(width),
            dtype="str",
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        records = list(_csv.reader(io.StringIO(text), delimiter=delim))
        width = max((len(r) for r in records), default=1)
        grid = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype="str")
    if grid.empty:
        raise SourceReadError("the file has no rows", file=path.name)
    grid.columns = range(grid.shape[1])
    probe = grid.head(30).astype("object").where(grid.head(30).ne(""), None).values.tolist()
    header = find_header(probe, columns)
    if header is None:
        raise _no_header(path.name, None, probe)
    rows = np.arange(1, len(grid) + 1)
    grid = grid.astype("str")
    grid = grid.mask(grid.eq(""))
    return [
        make_table(
            grid,
            header,
            rows,
            source=path.name,
            path=str(path),
            sheet=None,
            format="csv",
            encoding=enc,
            delimiter=delim,
        )
    ]


def _no_header(name: str, sheet: str | None, probe: list[list[Any]]) -> ColumnMappingError:
    first = next((r for r in probe if any(c is not None for c in r)), [])
    shown = ", ".join(str(c) for c in first if c is not None)[:200]
    return ColumnMappingError(
        "no header row with a date column was found in the first rows",
        file=name,
        sheet=sheet,
        value=shown or None,
        hint="check the file has a header row (e.g. 'Date', 'Details'); or name the columns with "
        "columns={'<heading>': 'date', '<heading>': 'description'}",
    )
