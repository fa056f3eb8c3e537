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
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise SourceReadError(
                f"is marked as UTF-16 but is damaged ({exc.reason} at byte {exc.start})",
                file=path.name,
                hint="the file was probably cut short; export it again from the source system, "
                "preferably as CSV UTF-8",
            ) from exc
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


def _head_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` without splitting the whole (possibly huge) text."""
    size = 65536
    while True:
        lines = text[:size].splitlines()
        if len(lines) > n or size >= len(text):
            return lines[:n]
        size *= 4


def _sniff(text: str) -> str:
    sample_lines = [ln for ln in _head_lines(text, 50) if ln.strip()]
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
    if not raw or raw.isspace():  # (raw.strip() would copy a large file)
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
    _csv.field_size_limit(2**31 - 1)  # agencies paste whole reports into one cell
    grid = None
    head = _utf8_head(raw) if encoding is None else None
    if head is not None:
        # fast path for UTF-8: sniff on the first lines, let pyarrow read (and check) the rest
        delim = _sniff(head)
        width = _width(head, delim)
        grid = _read_arrow(raw, width, delim)
        enc = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    if grid is None:
        text, enc = _decode(raw, path, encoding)
        delim = _sniff(text)
        width = _width(text, delim)
        grid = _read_arrow(raw, width, delim) if enc in ("utf-8", "utf-8-sig") and head is None else None
    if grid is None:
        grid = _read_text(text, delim, width, path.name)
    # one grid either way: cells as str, blank cells NA
    grid.columns = range(grid.shape[1])
    _check_quotes(raw, grid, delim, path.name)
    probe = grid.head(30).astype("object").where(grid.head(30).notna(), None).values.tolist()
    header = find_header(probe, columns)
    if header is None:
        raise _no_header(path.name, None, probe)
    return [
        make_table(
            grid,
            header,
            np.arange(1, len(grid) + 1),
            source=path.name,
            path=str(path),
            sheet=None,
            format="csv",
            encoding=enc,
            delimiter=delim,
        )
    ]


def _read_text(text: str, delim: str, width: int, name: str) -> pd.DataFrame:
    """The grid of decoded CSV text, with pandas' C parser or, for irregular files, the csv module;
    every cell ``str``, blank cells NA."""
    try:
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
        try:
            records = list(_csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        except _csv.Error as exc:
            raise SourceReadError(
                f"cannot be read as CSV ({exc})",
                file=name,
                hint="open it in Excel or a text editor and save it again as CSV UTF-8",
            ) from exc
        width = max((len(r) for r in records), default=1)
        grid = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype="str")
    if grid.empty:
        raise SourceReadError("the file has no rows", file=name, hint="check the right file was sent")
    grid = grid.astype("str")
    return grid.mask(grid.eq(""))


def _check_quotes(raw: bytes, grid: pd.DataFrame, delim: str, name: str) -> None:
    """Refuse a file whose unclosed quote swallowed the records after it into one cell.

    With an odd number of quote characters, a cell holding line breaks and the delimiter is where
    a quote opened and never closed: everything after it would silently become one cell.
    """
    if raw.count(b'"') % 2 == 0:
        return
    for col in grid.columns:
        s = grid[col].astype("str")
        hit = s.str.contains("\n", regex=False) & s.str.contains(delim, regex=False)
        if hit.any():
            row = int(np.flatnonzero(hit.fillna(False).to_numpy())[0]) + 1
            raise SourceReadError(
                'has an unclosed quote (") that swallows the rows after it',
                file=name,
                row=row,
                hint="close the quote in that row (or remove it) and send the file again",
            )


def _width(text: str, delim: str) -> int:
    """The most fields in a record among the first 1000 lines."""
    lines = "\n".join(_head_lines(text, 1000))
    return max((len(r) for r in _csv.reader(io.StringIO(lines), delimiter=delim)), default=1)


_HEAD_BYTES = 1 << 22


def _utf8_head(raw: bytes) -> str | None:
    """The first lines of a UTF-8 file (without a BOM), enough for :func:`_sniff` and
    :func:`_width` to see what they would see in the whole text; None when the file is not plainly
    UTF-8 at its start, or the start holds too few lines (then the whole file is decoded)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    if len(body) <= _HEAD_BYTES:
        return None  # small: decoding it all costs nothing
    cut = _HEAD_BYTES
    while cut > 0 and (body[cut] & 0xC0) == 0x80:  # back to the start of a character
        cut -= 1
    try:
        head = body[:cut].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(head.splitlines()) <= 1001:
        return None
    return head


def _read_arrow(raw: bytes, width: int, delim: str) -> pd.DataFrame | None:
    """The grid of a regular UTF-8 CSV (every record ``width`` fields) read by pyarrow, every cell
    as ``str`` and blank cells as NA; None when pyarrow cannot read it exactly (ragged rows, bad
    UTF-8, no pyarrow), and the caller falls back to the slower readers."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pyarrow comes with pandas 3
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    names = [f"c{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            pa.BufferReader(raw),
            read_options=pcsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pcsv.ParseOptions(
                delimiter=delim, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows == 0:
        return None
    return table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype(na_value=np.nan)}.get)


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
