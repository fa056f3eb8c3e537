"""Defences shared by the readers against hostile or broken files: limits, safe opening, the file
type read from the first bytes, zip containers checked before they are unpacked, and every library
error turned into a :class:`~chronology.errors.SourceReadError` naming the file.

The limits are far above any real agency chronology and far below what would exhaust the memory of
a laptop; a file over one is refused with a message saying which limit and what to do, never cut.

Examples
--------
>>> sniff_kind(b"PK\\x03\\x04rest")
'zip'
>>> sniff_kind(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1")
'ole'
>>> sniff_kind(b"Date,Details\\r\\n")
'text'
"""

from __future__ import annotations

import contextlib
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NoReturn

from ..errors import ChronologyError, SourceReadError

__all__ = [
    "LIMITS",
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TABLE_COLUMNS",
    "MAX_UNPACKED_BYTES",
    "check_cell_chars",
    "check_grid",
    "check_zip",
    "guarded",
    "is_own_bug",
    "read_bytes",
    "read_head",
    "sniff_kind",
]

#: largest file read at all (a CSV is held in memory whole)
MAX_FILE_BYTES = 1 << 30
#: widest table: Excel's own limit (column XFD)
MAX_COLUMNS = 16_384
#: most columns holding anything (a heading or a cell) in one chronology table, after empty
#: columns without a heading are dropped: real chronologies have tens
MAX_TABLE_COLUMNS = 1024
#: most cells (rows x columns) in one table
MAX_CELLS = 40_000_000
#: longest text in one cell (Excel's own limit is 32,767 characters)
MAX_CELL_CHARS = 1 << 23
#: most bytes one part of an .xlsx/.docx may unpack to, and all parts together
MAX_PART_BYTES = 512 << 20
MAX_UNPACKED_BYTES = 1 << 30
#: parts loaded whole into memory (Word's document, Excel's shared strings) are held to less
MAX_LOADED_PART_BYTES = 256 << 20
#: most entries in a zip container (a workbook or document has tens)
MAX_ZIP_ENTRIES = 10_000
#: highest compression ratio of a part over 8 MB (real sheets compress 5-50 times; a "zip bomb"
#: ~1000 times)
MAX_RATIO = 200
_RATIO_ABOVE = 8 << 20

#: the limits, by name, as the README documents them
LIMITS = {
    "file size": MAX_FILE_BYTES,
    "columns in a row": MAX_COLUMNS,
    "columns with a heading or text in a table": MAX_TABLE_COLUMNS,
    "cells in one table": MAX_CELLS,
    "characters in one cell": MAX_CELL_CHARS,
    "unpacked size of one part of an .xlsx/.docx": MAX_PART_BYTES,
    "unpacked size of the Word text or Excel's shared strings": MAX_LOADED_PART_BYTES,
    "entries in an .xlsx/.docx": MAX_ZIP_ENTRIES,
    "unpacked size of an .xlsx/.docx": MAX_UNPACKED_BYTES,
    "compression ratio of a part over 8 MB": MAX_RATIO,
}


def _size(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB" if n >= 1 << 20 else f"{n:,} bytes"


def _os_error(path: Path, exc: OSError) -> SourceReadError:
    if isinstance(exc, PermissionError):
        return SourceReadError(
            "cannot be opened: permission denied",
            file=path.name,
            hint="ask for read permission on the file, or copy it to a folder of your own",
        )
    if isinstance(exc, IsADirectoryError):
        return SourceReadError(
            "is a folder, not a file", file=path.name, hint="use chronology.read_case() for a case folder"
        )
    return SourceReadError(
        f"cannot be read ({type(exc).__name__}: {exc.strerror or exc})",
        file=path.name,
        hint="check the file is on a reachable drive and not locked by another program, then try again",
    )


def read_head(path: Path, n: int = 8) -> bytes:
    """The first ``n`` bytes of ``path`` (only those are read).

    Examples
    --------
    >>> read_head(Path("missing.csv"))
    Traceback (most recent call last):
    ...
    chronology.errors.SourceReadError: missing.csv: cannot be read (FileNotFoundError: No such file or directory); check the file is on a reachable drive and not locked by another program, then try again
    """
    try:
        with path.open("rb") as f:
            return f.read(n)
    except OSError as exc:
        raise _os_error(path, exc) from exc


def read_bytes(path: Path) -> bytes:
    """The whole file, refused above :data:`MAX_FILE_BYTES` (checked before reading)."""
    try:
        with path.open("rb") as f:
            size = f.seek(0, 2)
            if size > MAX_FILE_BYTES:
                raise SourceReadError(
                    f"is {_size(size)}, more than the {_size(MAX_FILE_BYTES)} one file may hold",
                    file=path.name,
                    hint="split it into several files (by year or by child) and read them with read_case()",
                )
            f.seek(0)
            return f.read()
    except OSError as exc:
        raise _os_error(path, exc) from exc
    except MemoryError as exc:
        raise _memory(path) from exc


def _memory(path: Path) -> SourceReadError:
    return SourceReadError(
        "is too large to read in the memory available",
        file=path.name,
        hint="close other programs, or split the file into smaller ones and read them with read_case()",
    )


def sniff_kind(head: bytes) -> str:
    """What a file is, from its first bytes: ``zip`` (xlsx, docx), ``ole`` (old .xls/.doc or an
    encrypted Office file), ``pdf``, ``rtf``, ``html``, ``xml`` or ``text``."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table")):
        return "html"
    if low.startswith(b"<?xml"):
        return "xml"
    return "text"


_WHAT = {
    "ole": ("is an old Office (.xls/.doc) file or is password-protected (encrypted)",
            "remove the password (File > Info > Protect), or save it as .xlsx / .docx"),
    "pdf": ("is a PDF, not a spreadsheet or a Word document",
            "ask the agency for the chronology as .xlsx, .docx or .csv"),
    "rtf": ("is a Rich Text (RTF) file saved with another extension",
            "open it in Word and save it as .docx"),
    "html": ("is a web page (HTML) saved with another extension",
             "open it in Excel and save it as .xlsx"),
    "xml": ("is an XML file (e.g. Excel 2003 XML or Word XML), not an .xlsx/.docx package",
            "open it in Excel or Word and save it as .xlsx / .docx"),
    "text": ("is a text file, not an .xlsx/.docx package",
             "if it is a CSV export, rename it to .csv"),
}


def refuse_kind(path: Path, kind: str, wanted: str) -> NoReturn:
    """Raise the refusal for a file whose first bytes say it is ``kind``, not ``wanted``."""
    what, hint = _WHAT.get(kind, (f"is not {wanted}", f"save it as {wanted}"))
    raise SourceReadError(what, file=path.name, hint=hint)


# ------------------------------------------------------------------------------------- zip containers
def _prolog_has_dtd(f: IO[bytes]) -> bool:
    """Whether an XML stream declares a document type (the only place entities can be defined):
    read up to the first element tag, never more than 1 MB."""
    data = b""
    while len(data) < (1 << 20):
        chunk = f.read(4096)
        if not chunk:
            break
        data += chunk
        text = data.lstrip(b"\xef\xbb\xbf")
        if b"\x00" in text[:4]:  # UTF-16 XML: look at it as UTF-16
            with contextlib.suppress(UnicodeDecodeError):
                text = data.decode("utf-16").encode("utf-8", "replace")
        pos = 0
        while True:
            lt = text.find(b"<", pos)
            if lt < 0 or lt + 2 > len(text):
                break
            nxt = text[lt + 1 : lt + 2]
            if nxt == b"?":
                end = text.find(b"?>", lt)
            elif text.startswith(b"<!--", lt):
                end = text.find(b"-->", lt)
            else:
                return nxt == b"!"  # <!DOCTYPE or <!ENTITY; else the root element: no DTD
            if end < 0:
                break
            pos = end + 2
    return False


def _check_entries(raw: IO[bytes], path: Path, label: str) -> None:
    """Refuse a zip whose end record declares more than :data:`MAX_ZIP_ENTRIES` entries."""
    entries = _eocd_entries(raw)
    if entries is not None and entries > MAX_ZIP_ENTRIES:
        raise SourceReadError(
            f"holds {entries:,} zip entries (a chronology file holds tens; limit {MAX_ZIP_ENTRIES:,})",
            file=path.name,
            hint=f"open it in its own program and save it again as a new {label}",
        )


def _check_sizes(infos: list[zipfile.ZipInfo], path: Path, label: str) -> None:
    """Refuse a part over its size cap or compressed too well, or a total over the limit."""
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        loaded = info.filename in ("word/document.xml", "xl/sharedStrings.xml")
        cap = MAX_LOADED_PART_BYTES if loaded else MAX_PART_BYTES
        if info.file_size > cap or (info.file_size > _RATIO_ABOVE and ratio > MAX_RATIO):
            raise SourceReadError(
                f"part {info.filename!r} unpacks to {_size(info.file_size)} from "
                f"{_size(info.compress_size)} (a 'zip bomb', or far larger than a "
                f"chronology; limits: {_size(cap)} per part, ratio {MAX_RATIO})",
                file=path.name,
                hint=f"open it in its own program, remove what is not the chronology, "
                f"and save it as a new {label}",
            )
    if total > MAX_UNPACKED_BYTES:
        raise SourceReadError(
            f"unpacks to {_size(total)}, more than the {_size(MAX_UNPACKED_BYTES)} limit",
            file=path.name,
            hint="split the chronology into several files and read them with read_case()",
        )


def _check_no_dtd(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], path: Path, label: str) -> None:
    """Refuse an XML part that declares a document type (entity definitions)."""
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")) and not info.is_dir():
            with z.open(info) as part:
                if _prolog_has_dtd(part):
                    raise SourceReadError(
                        f"part {info.filename!r} declares an XML document type "
                        "(entity definitions), which Office never writes and "
                        "which can expand to gigabytes",
                        file=path.name,
                        hint=f"open it in its own program and save it as a new {label}",
                    )


def check_zip(path: Path, kind: str) -> None:
    """Check an .xlsx/.docx container before any library unpacks it: a readable zip, not too many
    entries, every part's unpacked size and compression ratio within the limits, and no XML part
    with a document type declaration (entity definitions: OOXML parts never hold one, ECMA-376
    Part 2 §8.1.4, and they are how "billion laughs" bombs work). An error raised by this
    package's own code (a bug, see :func:`is_own_bug`) is not reported as damage."""
    label = {"xlsx": "Excel workbook", "docx": "Word document"}.get(kind, kind)
    try:
        with path.open("rb") as raw:
            _check_entries(raw, path, label)
            raw.seek(0)
            with zipfile.ZipFile(raw) as z:
                infos = z.infolist()
                _check_sizes(infos, path, label)
                _check_no_dtd(z, infos, path, label)
    except ChronologyError:
        raise
    except MemoryError as exc:
        raise _memory(path) from exc
    except OSError as exc:
        if exc.errno is None:  # a decompressor's error (bz2, lzma): damaged data, not the drive
            raise _damaged_zip(path, label, exc) from exc
        raise _os_error(path, exc) from exc
    except Exception as exc:  # zipfile, zlib, struct, a bad compression method: all damage
        if is_own_bug(exc):
            raise
        raise _damaged_zip(path, label, exc) from exc


#: error types that mean a mistake in the code that raised them, not a broken file
_BUG_TYPES = (AssertionError, AttributeError, NameError, TypeError)
_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


def is_own_bug(exc: BaseException) -> bool:
    """Whether ``exc`` is a programming error (an assertion, a missing attribute or name, a wrong
    type) raised in this package's own code: the frame that raised it is under ``chronology/``.
    The same error types raised inside a parsing library (openpyxl, lxml, zipfile...) are about
    the file and stay "damaged" refusals.

    Examples
    --------
    >>> try:
    ...     len(None)  # doctest code is not in the package
    ... except TypeError as exc:
    ...     is_own_bug(exc)
    False
    """
    if not isinstance(exc, _BUG_TYPES):
        return False
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(Path(tb.tb_frame.f_code.co_filename).resolve()).startswith(_PACKAGE_DIR)


def _damaged_zip(path: Path, label: str, exc: BaseException) -> SourceReadError:
    return SourceReadError(
        f"is a damaged or unsupported zip container ({type(exc).__name__}: {str(exc)[:200]})",
        file=path.name,
        hint=f"open it in its own program, repair or save it again as a new {label}, and send it again",
    )


def _eocd_entries(f: IO[bytes]) -> int | None:
    """The number of entries a zip's end-of-central-directory record declares (zip64 included),
    read from the last 64 KB only; None when the record is not found (zipfile will say why)."""
    size = f.seek(0, 2)
    back = min(size, 65_557)
    f.seek(size - back)
    tail = f.read(back)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    loc = tail.rfind(b"PK\x06\x07", 0, at)
    if loc >= 0 and loc + 20 <= len(tail):
        off = struct.unpack("<Q", tail[loc + 8 : loc + 16])[0]
        if off + 56 <= size:
            f.seek(off)
            rec = f.read(56)
            if rec[:4] == b"PK\x06\x06":
                entries = max(entries, struct.unpack("<Q", rec[32:40])[0])
    return int(entries)


# ------------------------------------------------------------------------------------- table limits
def check_grid(rows: int, width: int, *, file: str, sheet: str | None = None, row: int | None = None) -> None:
    """Refuse a table wider than :data:`MAX_COLUMNS` or larger than :data:`MAX_CELLS`.

    Examples
    --------
    >>> check_grid(10, 20_000, file="police.csv", row=3)
    Traceback (most recent call last):
    ...
    chronology.errors.SourceReadError: police.csv, row 3: has 20,000 columns, more than the 16,384 a table may have; ...
    """
    if width > MAX_COLUMNS:
        raise SourceReadError(
            f"has {width:,} columns, more than the {MAX_COLUMNS:,} a table may have",
            file=file,
            sheet=sheet,
            row=row,
            hint="the row is probably broken (a stray delimiter run, or a cell far to the right): "
            "delete it or the stray cells, and send the file again",
        )
    if rows * width > MAX_CELLS:
        raise SourceReadError(
            f"has {rows:,} rows x {width:,} columns, more than the {MAX_CELLS:,} cells a table may have",
            file=file,
            sheet=sheet,
            row=row,
            hint="delete empty formatted columns far to the right, or split the file by year",
        )


def check_cell_chars(length: int, *, file: str, sheet: str | None = None, row: int | None = None,
                     column: Any = None) -> None:
    """Refuse a cell longer than :data:`MAX_CELL_CHARS` characters."""
    if length > MAX_CELL_CHARS:
        raise SourceReadError(
            f"has a cell of {length:,} characters, more than the {MAX_CELL_CHARS:,} one cell may hold",
            file=file,
            sheet=sheet,
            row=row,
            column=column,
            hint="the cell is probably a broken export (a whole file pasted, or a runaway quote): "
            "shorten it, and send the file again",
        )


@contextlib.contextmanager
def guarded(path: Path, what: str) -> Iterator[None]:
    """Turn any error of a parsing library into a :class:`SourceReadError` naming ``path``.

    ``what`` names the format for the message ("an Excel workbook"). ChronologyErrors pass
    through; a MemoryError becomes a refusal saying the file is too large. A programming error
    raised by this package's own code (:func:`is_own_bug`) passes through too: a bug of ours is
    never reported as a damaged file.

    Examples
    --------
    >>> with guarded(Path("police.xlsx"), "an Excel workbook"):
    ...     raise KeyError("a library's error on a broken part")
    Traceback (most recent call last):
    ...
    chronology.errors.SourceReadError: police.xlsx: cannot be read as an Excel workbook: it is damaged or not what its name says (KeyError: "a library's error on a broken part"); open it in its own program, save it again (File > Save As), and send it again
    >>> from chronology.io._table import make_table
    >>> with guarded(Path("police.xlsx"), "an Excel workbook"):
    ...     make_table(None, 0, None)  # a bug of ours: called without a frame
    Traceback (most recent call last):
    ...
    AttributeError: 'NoneType' object has no attribute 'shape'
    """
    try:
        yield
    except ChronologyError:
        raise
    except MemoryError as exc:
        raise _memory(path) from exc
    except RecursionError as exc:
        raise SourceReadError(
            "is nested too deeply to read (tables inside tables inside tables...)",
            file=path.name,
            hint="open it in its own program and save it again, without the nested tables",
        ) from exc
    except OSError as exc:
        if exc.errno is not None:  # the drive, the permissions; else a decompressor's error
            raise _os_error(path, exc) from exc
        raise SourceReadError(
            f"cannot be read as {what}: it is damaged ({type(exc).__name__}: {str(exc)[:200]})",
            file=path.name,
            hint="open it in its own program, save it again (File > Save As), and send it again",
        ) from exc
    except Exception as exc:  # every library error: openpyxl, zipfile, lxml, ElementTree, csv, pyarrow
        if is_own_bug(exc):
            raise
        if "excessive depth" in str(exc).lower():  # lxml's limit of 256 nested elements
            raise SourceReadError(
                "is nested too deeply to read (elements or tables inside each other hundreds of "
                "times, which Office does not write)",
                file=path.name,
                hint="open it in its own program and save it again, without the nested tables",
            ) from exc
        raise SourceReadError(
            f"cannot be read as {what}: it is damaged or not what its name says "
            f"({type(exc).__name__}: {str(exc)[:200]})",
            file=path.name,
            hint="open it in its own program, save it again (File > Save As), and send it again",
        ) from exc
