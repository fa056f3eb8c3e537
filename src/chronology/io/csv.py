"""CSV reader: utf-8, utf-8 with BOM, cp1252 (Excel's "CSV" on Windows), UTF-16 ("Unicode text"),
and lines in mixed encodings; comma, semicolon, tab or pipe delimiters sniffed; title rows above the
header skipped.

Hostile files are refused, never misread: the delimiter is sniffed on a bounded sample (the first
64 KB) by counting fields per record, so its cost does not grow with line length or with the
apostrophes in the notes; a record wider than 16,384 fields or a cell longer than the character
limit is refused before a grid is built; quoting is checked per record, so a stray quote that
swallows the records after it into one cell is reported with its row, whatever the number of quotes
in the file; and every parser, decoding or operating-system error becomes a
:class:`~chronology.errors.SourceReadError` naming the file.
"""

from __future__ import annotations

import csv as _csv
import io
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ColumnMappingError, SourceReadError
from ._guard import MAX_CELL_CHARS, MAX_COLUMNS, check_cell_chars, check_grid, guarded, read_bytes
from ._table import RawTable, check_table_width, find_header, make_table

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


#: the most text looked at to choose the delimiter and the width (the rest is read by the parsers)
_SAMPLE_CHARS = 1 << 16
_HEAD_CHARS = 1 << 22


def _head_lines(text: str, n: int, limit: int = _HEAD_CHARS) -> list[str]:
    """``text.splitlines()[:n]`` without splitting the whole (possibly huge) text, and never
    looking past the first ``limit`` characters (the last line may then be cut)."""
    size = min(65536, limit)
    while True:
        lines = text[:size].splitlines()
        if len(lines) > n or size >= len(text) or size >= limit:
            return lines[:n]
        size = min(size * 4, limit)


_QUOTED = re.compile(r'"[^"]*"')


def _fields_bound(line: str, delim: str) -> int:
    """How many fields ``line`` can hold at most: its delimiters outside quoted text, plus one."""
    n = line.count(delim)
    if n >= MAX_COLUMNS and '"' in line:
        n = _QUOTED.sub("", line).count(delim)
    return n + 1


def _record_widths(sample: str, delim: str, cut: bool) -> list[int]:
    """Fields per non-blank record of ``sample`` (the last record dropped when the sample was cut)."""
    records = list(_csv.reader(io.StringIO(sample, newline=""), delimiter=delim))
    if cut and len(records) > 1:
        records = records[:-1]
    return [len(r) for r in records if any(c.strip() for c in r)][:50]


def _sniff(text: str) -> str:
    """The delimiter: the one whose records (the first 50 in the first 64 KB) most consistently
    have the same number (two or more) of fields; among near-equals, the one giving most fields.
    Linear in the sample, whatever the quotes and apostrophes in it."""
    sample = text[:_SAMPLE_CHARS]
    cut = len(text) > len(sample)
    if cut and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    scores: dict[str, tuple[float, int]] = {}
    for d in _DELIMITERS:
        if d not in sample:
            continue
        widths = _record_widths(sample, d, cut)
        if not widths:
            continue
        mode, freq = Counter(widths).most_common(1)[0]
        if mode >= 2:
            scores[d] = (freq / len(widths), mode)
    if not scores:
        return ","
    best = max(v[0] for v in scores.values())
    near = {d: v for d, v in scores.items() if v[0] >= 0.9 * best}
    return max(near, key=lambda d: (near[d][1], near[d][0], -_DELIMITERS.index(d)))


def _modal_width(text: str, delim: str) -> int:
    sample = text[:_SAMPLE_CHARS]
    widths = _record_widths(sample, delim, len(text) > len(sample))
    return Counter(widths).most_common(1)[0][0] if widths else 1


def _check_line_widths(text: str, delim: str, name: str) -> None:
    """Refuse a file with a line of more than :data:`MAX_COLUMNS` fields (checked on every line
    with pyarrow before a parser builds the row)."""
    if text.count(delim) < MAX_COLUMNS:
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    lines = pc.split_pattern(pa.array([text], pa.large_string()), "\n").flatten()
    counts = pc.count_substring(lines, delim).to_numpy(zero_copy_only=False)
    wide = np.flatnonzero(counts >= MAX_COLUMNS)
    for i in wide[:100]:
        fields = _fields_bound(str(lines[int(i)].as_py()), delim)
        if fields > MAX_COLUMNS:
            check_grid(1, fields, file=name, row=int(i) + 1)


def read_csv(
    path: Path, *, encoding: str | None = None, columns: Mapping[str, Any] | None = None
) -> list[RawTable]:
    """Read a CSV file into one :class:`RawTable` (every cell as text)."""
    raw = read_bytes(path)
    with guarded(path, "a CSV file"):
        return _read_csv(raw, path, encoding, columns)


def _read_csv(
    raw: bytes, path: Path, encoding: str | None, columns: Mapping[str, Any] | None
) -> list[RawTable]:
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
        width = _width(head, delim, path.name)
        grid = _read_arrow(raw, width, delim)
        enc = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    if grid is None:
        text, enc = _decode(raw, path, encoding)
        delim = _sniff(text)
        width = _width(text, delim, path.name)
        grid = _read_arrow(raw, width, delim) if enc in ("utf-8", "utf-8-sig") and head is None else None
    if grid is None:
        _check_line_widths(text, delim, path.name)
        grid = _read_text(text, delim, width, path.name)
    # one grid either way: cells as str, blank cells NA
    grid.columns = range(grid.shape[1])
    check_grid(len(grid), grid.shape[1], file=path.name)
    grid = _trim_trailing_columns(grid)
    check_table_width(grid.head(30), path.name)  # early: every later step costs per column
    _check_cells(grid, path.name)
    _check_quotes(raw, grid, delim, path.name, _modal_width(head if head is not None else text, delim))
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
        check_grid(len(records), width, file=name)
        grid = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype="str")
    if grid.empty:
        raise SourceReadError("the file has no rows", file=name, hint="check the right file was sent")
    grid = grid.astype("str")
    return grid.mask(grid.eq(""))


def _trim_trailing_columns(grid: pd.DataFrame) -> pd.DataFrame:
    """``grid`` without the columns right of the last one holding any cell (trailing delimiters on
    every line, as some exports write): one vectorised pass, so they cost nothing later."""
    if grid.shape[1] <= 1:
        return grid
    used = np.flatnonzero(grid.notna().any(axis=0).to_numpy())
    last = int(used[-1]) + 1 if len(used) else 1
    return grid if last == grid.shape[1] else grid.iloc[:, :last]


def _filled_columns(grid: pd.DataFrame) -> list[Any]:
    """The columns holding at least one cell (one vectorised pass): the per-column checks skip
    the empty ones, so a run of trailing delimiters costs nothing."""
    return grid.columns[grid.notna().any(axis=0).to_numpy()].tolist()


def _check_cells(grid: pd.DataFrame, name: str) -> None:
    """Refuse a cell longer than :data:`MAX_CELL_CHARS` (one vectorised length per column)."""
    for col in _filled_columns(grid):
        lengths = grid[col].str.len()
        if lengths.max() > MAX_CELL_CHARS:
            row = int(np.flatnonzero(lengths.gt(MAX_CELL_CHARS).fillna(False).to_numpy())[0]) + 1
            check_cell_chars(int(lengths.max()), file=name, row=row, column=int(col) + 1)


_DIGIT = re.compile(r"\d")


def _looks_like_record(line: str, delim: str, width: int, digit_first: bool) -> bool:
    """Whether one line inside a cell looks like a whole record of the file: as many delimiters
    outside quotes as a record has, and (when the file's records start with a number or a date) a
    first field that does too."""
    if width < 3 or _QUOTED.sub("", line).count(delim) < width - 1:
        return False
    return not digit_first or bool(_DIGIT.search(line.split(delim, 1)[0]))


def _check_quotes(raw: bytes, grid: pd.DataFrame, delim: str, name: str, width: int = 0) -> None:
    """Refuse a file where a quote opened and never closed swallowed records into one cell.

    Checked per record, whatever the number of quotes in the file (two stray quotes swallow the
    records between them): a cell holding line breaks is suspect when a line inside it looks like a
    record of the file (as many delimiters as a record has, starting with a number when records do);
    with an odd number of quotes in the file, any cell holding both a line break and the delimiter
    is.
    """
    odd = raw.count(b'"') % 2 == 1
    first = grid[grid.columns[0]].head(200).dropna().astype("str")
    digit_first = bool(len(first)) and first.str.contains(r"\d", regex=True).mean() >= 0.8
    if b'"' not in raw:  # a line break inside a cell needs a quote
        return
    for col in _filled_columns(grid):
        s = grid[col]
        multi = s.str.contains("\n", regex=False).fillna(False)
        if not multi.any():
            continue
        for pos in np.flatnonzero(multi.to_numpy()):
            text = str(s.iloc[pos])
            inner = text.split("\n")[1:]
            swallowed = sum(_looks_like_record(ln, delim, width, digit_first) for ln in inner)
            if swallowed or (odd and delim in text):
                raise SourceReadError(
                    'has an unclosed quote (") that swallows the records after it into one cell '
                    f"(column {int(col) + 1})"
                    + (f" ({swallowed} line(s) in the cell look like records)" if swallowed else ""),
                    file=name,
                    row=int(pos) + 1,
                    hint='close the quote in that row, or double it ("") where it is part of the '
                    "text, and send the file again",
                )


def _width(text: str, delim: str, name: str = "") -> int:
    """The most fields in a record among the first 1000 lines (the first 4 MB at most); a line
    wider than :data:`MAX_COLUMNS` is refused before it is split."""
    head = _head_lines(text, 1000)
    for i, ln in enumerate(head):
        if len(ln) >= MAX_COLUMNS:
            fields = _fields_bound(ln, delim)
            if fields > MAX_COLUMNS:
                check_grid(1, fields, file=name, row=i + 1)
    lines = "\n".join(head)
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
    except pa.ArrowException:
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
