"""A hostile and broken-file corpus, generated here (nothing big is committed), one generator per
class of issue 19: library errors that escape, decompression and size bombs, quadratic sniffing,
rows lost silently, Word text lost.

Every file is read in a forked child with a time limit and an address-space limit
(``RLIMIT_AS``), by this module run as a script (see :func:`_run_all`). The outcome must be a
:class:`~chronology.errors.ChronologyError` naming the file, or a result where every row is
accounted for (rows read = events + rejects + blank rows + repeated header rows) and no text is
lost (every cell written in a data row is in that row's event, or the row is a reject). Never a
traceback, a hang or running out of memory.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

#: seconds and extra megabytes of address space one file may take (the held-out check's limits)
SECONDS = 60
EXTRA_MB = 1500

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Case:
    """One hostile file: its name, its bytes (or a builder for things that are not bytes), what
    must come of it today (``error`` or ``ok``), the words an error must say, and the texts each
    data row holds: ``{row number: [cell texts]}``."""

    name: str
    data: bytes | None
    expect: Literal["error", "ok"]
    says: str = ""
    rows: dict[int, list[str]] = field(default_factory=dict)
    build: Callable[[Path], None] | None = None
    min_events: int = 0


# ------------------------------------------------------------------------------------ builders
def _zip(parts: dict[str, bytes | str], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _rezip(data: bytes, change: dict[str, bytes | str]) -> bytes:
    """``data`` (a zip) with the parts in ``change`` replaced or added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts: dict[str, bytes | str] = {n: src.read(n) for n in src.namelist() if n not in change}
    parts.update(change)
    return _zip(parts)


_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _docx(body: str, prolog: str = "") -> bytes:
    doc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    return _zip({"[Content_Types].xml": _TYPES, "_rels/.rels": _RELS, "word/document.xml": doc})


def _esc(t: str) -> str:
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p>'


def _tc(text: str, pr: str = "") -> str:
    return f"<w:tc>{'<w:tcPr>' + pr + '</w:tcPr>' if pr else ''}{_p(text)}</w:tc>"


def _tr(*cells: str) -> str:
    return "<w:tr>" + "".join(c if c.startswith("<") else _tc(c) for c in cells) + "</w:tr>"


def _tbl(*rows: str) -> str:
    return "<w:tbl>" + "".join(rows) + "</w:tbl>"


HEAD = _tr("Date", "Details", "Worker")


def _xlsx(rows: list[list[object]], title: str = "Chronology") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_ROWS: list[list[object]] = [
    ["Date", "Details", "Worker"],
    ["01/03/2024", "Home visit by the social worker", "SW1"],
    ["05/03/2024", "Strategy discussion with police", "DS2"],
]
#: the texts of GOOD_ROWS by sheet row, as a Case expects them
GOOD_TEXTS: dict[int, list[str]] = {i: [str(v) for v in r[1:]] for i, r in enumerate(GOOD_ROWS[1:], start=2)}


def _sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def _csv(rows: list[list[str]], delim: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode()


def _chart_first(path: Path) -> None:
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Chronology"
    for r in GOOD_ROWS:
        ws.append(r)
    cs = wb.create_chartsheet("Chart", 0)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=3))
    cs.add_chart(chart)
    wb.save(path)


def _no_permission(path: Path) -> None:
    path.write_bytes(_csv([["Date", "Details"], ["01/03/2024", "Visit"]]))
    path.chmod(0)


def _folder(path: Path) -> None:
    path.mkdir()


# --------------------------------------------------------------------------------- the corpus
def corpus() -> list[Case]:
    good_x = _xlsx(GOOD_ROWS)
    sheet = _sheet_xml(good_x)
    good_d = _docx(_tbl(HEAD, _tr("01/03/2024", "Home visit", "SW1")))
    doc_xml = zipfile.ZipFile(io.BytesIO(good_d)).read("word/document.xml").decode()
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">' for i in range(9)
    ) + "]>"
    apostrophes = "Mrs O 'Brien said 'it' was 'fine' 'really' " * 1400  # ~56 KB
    return [
        # ---- exceptions that escape: each must be a refusal naming the file
        Case("chart_sheet_first.xlsx", None, "ok", build=_chart_first, rows={2: ["Home visit by the social worker"]}),
        Case("entities.xlsx", _rezip(good_x, {"xl/worksheets/sheet1.xml": lol + sheet}),
             "error", "document type"),
        Case("entities_in_strings.xlsx",
             _rezip(good_x, {"xl/sharedStrings.xml": '<?xml version="1.0"?>' + lol + '<sst xmlns="http://'
                             'schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol8;</t></si></sst>'}),
             "error", "document type"),
        Case("truncated_sheet.xlsx", _rezip(good_x, {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]}),
             "error", "cannot be read as an Excel workbook: it is damaged"),
        Case("truncated_zip.xlsx", good_x[: len(good_x) // 2], "error", "damaged or unsupported zip container"),
        Case("truncated_document.docx", _rezip(good_d, {"word/document.xml": doc_xml[: len(doc_xml) * 2 // 3]}),
             "error", "cannot be read as a Word document: it is damaged"),
        Case("entity_bomb.docx", _docx(_tbl(HEAD, _tr("01/03/2024", "&lol8;", "SW1")), lol), "error", "document type"),
        Case("empty_table.docx", _docx("<w:tbl></w:tbl>" + _tbl(HEAD, _tr("01/03/2024", "Visit", "SW1"))), "ok",
             rows={2: ["Visit", "SW1"]}),
        Case("only_empty_table.docx", _docx("<w:tbl><w:tblPr/></w:tbl>"), "error", "has no table with a header row"),
        Case("row_without_cells.docx", _docx(_tbl(HEAD, "<w:tr></w:tr>", _tr("01/03/2024", "Visit", "SW1"))),
             "ok", rows={3: ["Visit", "SW1"]}),
        # root reads a file whatever its mode; anyone else is refused
        Case("no_permission.csv", None, "ok" if os.geteuid() == 0 else "error",
             "cannot be opened: permission denied", build=_no_permission,
             rows={2: ["Visit"]}),
        Case("folder.csv", None, "error", "is a folder, not a file", build=_folder),
        Case("zero.csv", b"", "error", "empty"),
        Case("zero.xlsx", b"", "error", "empty"),
        Case("zero.docx", b"", "error", "empty"),
        Case("docx_named.xlsx", good_d, "error", "Word"),
        Case("xlsx_named.docx", good_x, "error", "Excel"),
        Case("csv_named.xlsx", _csv([["Date", "Details"], ["01/03/2024", "Visit"]]), "error", "text"),
        Case("xlsx_named.csv", good_x, "error", "zip"),
        Case("pdf_named.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "error",
             "is a PDF, not a spreadsheet or a Word document"),
        Case("encrypted.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage" * 8,
             "error", "password"),
        Case("encrypted.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "error", "password"),
        Case("garbage.csv", bytes(range(256)) * 64, "error", "contains binary data"),
        Case("garbage.xlsx", os.urandom(4096), "error"),
        Case("garbage_zip.docx", b"PK\x03\x04" + os.urandom(4096), "error", "damaged or unsupported zip container"),
        # ---- bombs
        Case("huge_string.xlsx",
             _rezip(good_x, {"xl/sharedStrings.xml": '<?xml version="1.0"?><sst xmlns="http://schemas.'
                             'openxmlformats.org/spreadsheetml/2006/main"><si><t>' + "A" * (300 << 20)
                             + "</t></si></sst>"}), "error", "zip bomb"),
        Case("big_inline_cell.xlsx",
             _rezip(good_x, {"xl/worksheets/sheet1.xml": sheet.replace(
                 "<sheetData>", '<sheetData><row r="9"><c r="B9" t="inlineStr"><is><t>'
                 + _noise(9 << 20) + "</t></is></c></row>", 1)}),
             "error", "row 9, column 2: has a cell of 9,437,184 characters"),
        Case("gridspan.docx", _docx(_tbl(HEAD, _tr(_tc("01/03/2024", '<w:gridSpan w:val="2000000000"/>'),
                                                   "Visit"))), "error", "columns"),
        Case("gridbefore.docx", _docx(_tbl(HEAD, '<w:tr><w:trPr><w:gridBefore w:val="2000000000"/></w:trPr>'
                                           + _tc("01/03/2024") + "</w:tr>")), "error", "columns"),
        Case("million_fields.csv", b"Date,Details\r\n01/03/2024,Visit\r\n" + b"x," * 1_000_000 + b"\r\n",
             "error", "columns"),
        Case("million_tabs.tsv", b"Date\tDetails\r\n01/03/2024\tVisit\r\n" + b"\t" * 1_000_000 + b"x\r\n",
             "error", "columns"),
        Case("dimension_xfd.xlsx", _rezip(good_x, {"xl/worksheets/sheet1.xml": _dimension(sheet)}), "ok",
             rows={2: ["Home visit by the social worker", "SW1"]}),
        Case("cell_past_xfd.xlsx", _rezip(good_x, {"xl/worksheets/sheet1.xml": sheet.replace(
            "</sheetData>", '<row r="4"><c r="ZZZZ4" t="inlineStr"><is><t>far</t></is></c></row></sheetData>')}),
             "error", "damaged"),
        Case("row_past_max.xlsx", _rezip(good_x, {"xl/worksheets/sheet1.xml": sheet.replace(
            "</sheetData>", '<row r="99999999"><c r="A99999999"><v>1</v></c></row></sheetData>')}),
             "error", "more than Excel's 1,048,576 rows"),
        Case("nested_xml.docx", _docx(_tbl(HEAD, _tr("01/03/2024", "Visit", "SW1")
                                           + "<w:sdt><w:sdtContent>" * 20_000 + "</w:sdtContent></w:sdt>" * 20_000)),
             "error", "nested too deeply to read"),
        Case("too_deep_tables.docx", _docx(_tbl(HEAD, _tr("01/03/2024", "<w:tc>" + _nest(150) + "</w:tc>", "SW1"))),
             "error", "nested too deeply to read"),
        Case("nested_tables.docx", _docx(_tbl(HEAD, _tr("01/03/2024", "<w:tc>" + _nest(40) + "</w:tc>", "SW1"))),
             "ok", rows={2: ["deep", "SW1"]}),
        Case("nested_sheet_xml.xlsx", _rezip(good_x, {"xl/worksheets/sheet1.xml": sheet.replace(
            "</sheetData>", "</sheetData>" + "<extLst>" * 50_000 + "</extLst>" * 50_000)}),
             "ok", rows=GOOD_TEXTS),
        Case("wide_1024.csv", _wide(1024), "ok", rows={2: ["Visit 0", "v0-1021"], 21: ["v19-1021"]}),
        Case("wide_4096.csv", _wide(4096), "error", "columns"),
        Case("wide_4096.xlsx", _wide_xlsx(4096), "error", "columns"),
        Case("trailing_delimiters.csv", _csv([["Date", "Details", *[""] * 8000], ["01/03/2024", "Visit", *[""] * 8000]]),
             "ok", rows={2: ["Visit"]}),
        Case("stray_xfd_cell.xlsx", _stray_xfd(), "ok", rows={2: ["Home visit by the social worker"]}),
        Case("many_entries.docx", _rezip(good_d, {f"customXml/item{i}.bin": b"" for i in range(10_050)}), "error",
             "holds 10,053 zip entries"),
        Case("zip_encrypted_part.docx", _zip_encrypted(good_d), "error", "is encrypted, password required"),
        Case("missing_shared_strings.xlsx", _drop_part(good_x, "xl/sharedStrings.xml"), "ok", rows=GOOD_TEXTS),
        Case("missing_sheet_part.xlsx", _drop_part(good_x, "xl/worksheets/sheet1.xml"),
             "error", "has no readable sheet"),
        Case("bad_style_index.xlsx", _rezip(good_x, {"xl/worksheets/sheet1.xml": sheet.replace("<c r=\"A2\"",
             "<c s=\"999\" r=\"A2\"", 1)}), "ok", rows=GOOD_TEXTS),
        Case("strict_namespace.docx", _docx(_tbl(HEAD, _tr("01/03/2024", "Strict visit", "SW1"))).replace(
            W.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main"), "ok", rows={2: ["Strict visit", "SW1"]}),
        Case("utf16_csv.csv", "Date\tDetails\r\n01/03/2024\tVisit in UTF-16\r\n".encode("utf-16"), "ok",
             rows={2: ["Visit in UTF-16"]}),
        Case("nul_in_middle.csv", b"Date,Details\r\n01/03/2024,Vis\x00it\r\n", "error", "binary data"),
        Case("header_only.csv", b"Date,Details,Worker\r\n", "error", "has a header row but no data rows"),
        Case("one_cell.csv", b"x", "error", "no header row with a date column"),
        # ---- quadratic sniffing
        Case("apostrophes.csv", _csv([["Date", "Details", "Worker"]] + [["01/03/2024", apostrophes, "SW1"]] * 3),
             "ok", rows={2: [apostrophes.strip()[:200]]}),
        Case("megabyte_cell.csv", _csv([["Date", "Details", "Worker"], ["01/03/2024", "O 'B" * (1 << 18), "SW1"]]),
             "ok", rows={2: ["SW1"]}),
        Case("megabyte_line_semicolons.csv",
             ("Date;Details\r\n01/03/2024;" + "a 'b; " * 200_000 + "\r\n").encode(), "error",
             "more than the 16,384 a table may have"),
        Case("megabyte_cell.xlsx", _xlsx([*GOOD_ROWS, ["09/03/2024", "'O Brien' " * 3000, "SW3"]]), "ok",
             rows={4: ["SW3"]}),
        # ---- rows lost silently
        Case("richer_header_lower.csv", _csv([
            ["Date", "Details"], ["01/03/2024", "Home visit"], ["02/03/2024", "Phone call"],
            ["Date", "Details", "Worker", "Action"], ["03/03/2024", "Meeting", "SW1", "Refer"]]), "ok",
            rows={2: ["Home visit"], 3: ["Phone call"], 5: ["Meeting", "SW1", "Refer"]}),
        Case("data_looks_like_header.csv", _csv([
            ["Date", "Details", "Worker"], ["01/03/2024", "Visit", "SW1"],
            ["Date seen", "Details noted", "Worker name"], ["04/03/2024", "Call", "SW2"]]), "ok",
            rows={2: ["Visit", "SW1"], 4: ["Call", "SW2"]}),
        Case("title_then_data_then_header.xlsx", _xlsx([
            ["Chronology"], ["01/02/2024", "Referral received", "MASH"],
            ["Date", "Details", "Worker", "Outcome"], ["02/02/2024", "Visit", "SW1", "NFA"]]), "ok",
            rows={2: ["Referral received"], 4: ["Visit", "SW1", "NFA"]}),
        Case("unbalanced_quotes_even.csv",
             b'Date,Details,Worker\r\n01/03/2024,"Visit to the home,SW1\r\n02/03/2024,Call,SW2\r\n'
             b'03/03/2024,Meeting",SW3\r\n04/03/2024,Letter,SW4\r\n', "error",
             "row 2: has an unclosed quote"),
        Case("unbalanced_quotes_odd.csv",
             b'Date,Details,Worker\r\n01/03/2024,"Visit,SW1\r\n02/03/2024,Call,SW2\r\n03/03/2024,Meeting,SW3\r\n',
             "error", "row 2: has an unclosed quote"),
        # ---- Word text
        Case("sdt_rows_cells.docx", _docx(_tbl(
            HEAD, "<w:sdt><w:sdtPr/><w:sdtContent>" + _tr("01/03/2024", "Visit in a control", "SW1")
            + "</w:sdtContent></w:sdt>",
            "<w:tr><w:sdt><w:sdtContent>" + _tc("02/03/2024") + "</w:sdtContent></w:sdt>"
            + _tc("Call") + _tc("SW2") + "</w:tr>")), "ok",
            rows={2: ["Visit in a control", "SW1"], 3: ["Call", "SW2"]}),
        Case("tracked.docx", _docx(_tbl(HEAD, _tr(
            "01/03/2024",
            '<w:tc><w:p><w:r><w:t xml:space="preserve">Seen </w:t></w:r><w:ins w:id="1" w:author="a">'
            '<w:r><w:t>with mother</w:t></w:r></w:ins><w:del w:id="2" w:author="a"><w:r>'
            "<w:delText>DELETED-TEXT</w:delText></w:r></w:del></w:p></w:tc>", "SW1"))), "ok",
            rows={2: ["Seen with mother", "SW1"]}),
        Case("nested_table_cell.docx", _docx(_tbl(HEAD, _tr(
            "01/03/2024", "<w:tc>" + _tbl(_tr("Inner A", "Inner B")) + _p("after") + "</w:tc>", "SW1"))),
            "ok", rows={2: ["Inner A", "Inner B", "after", "SW1"]}),
        Case("merged_cells.docx", _docx(_tbl(
            HEAD, _tr(_tc("01/03/2024", '<w:vMerge w:val="restart"/>'), "Visit", "SW1"),
            _tr(_tc("", "<w:vMerge/>"), "Call", "SW2"),
            _tr("03/03/2024", _tc("Spanning two", '<w:gridSpan w:val="2"/>')))), "ok",
            rows={2: ["Visit", "SW1"], 3: ["Call", "SW2"], 4: ["Spanning two"]}),
        Case("alternate_content.docx", _docx(_tbl(HEAD, _tr(
            "01/03/2024", '<w:tc><w:p><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/'
            'markup-compatibility/2006"><mc:Choice Requires="w14"><w:r><w:t>Chosen text</w:t></w:r>'
            "</mc:Choice><mc:Fallback><w:r><w:t>Fallback text</w:t></w:r></mc:Fallback>"
            "</mc:AlternateContent></w:p></w:tc>", "SW1"))), "ok", rows={2: ["Chosen text", "SW1"]}),
    ]


def _noise(n: int) -> str:
    """``n`` characters of incompressible text (so a size, not a ratio, limit is met)."""
    import random

    rng = random.Random(19)
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz ", k=n))


def _wide(width: int) -> bytes:
    rows = [["Date", "Details"] + [f"Col {i}" for i in range(width - 2)]]
    rows += [[f"{k + 1:02d}/03/2024", f"Visit {k}"] + [f"v{k}-{i}" for i in range(width - 2)] for k in range(20)]
    return _csv(rows)


def _wide_xlsx(width: int) -> bytes:
    rows: list[list[object]] = [["Date", "Details"] + [f"Col {i}" for i in range(width - 2)]]
    rows += [[f"{k + 1:02d}/03/2024", f"Visit {k}"] + [f"v{k}" for _ in range(width - 2)] for k in range(3)]
    return _xlsx(rows)


def _stray_xfd() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in GOOD_ROWS:
        ws.append(r)
    ws.cell(row=1, column=16_384).number_format = "0.00"  # formatted, empty, at column XFD
    ws.cell(row=3, column=16_384, value=" ")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _drop_part(data: bytes, name: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip({n: src.read(n) for n in src.namelist() if n != name})


def _zip_encrypted(data: bytes) -> bytes:
    """``data`` with the main part's "encrypted" flag set (zipfile refuses to read it)."""
    buf = bytearray(data)
    name = b"word/document.xml"
    for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = buf.find(sig)
        while at >= 0:
            if buf[at + name_at : at + name_at + len(name)] == name:
                buf[at + flag_at] |= 1
            at = buf.find(sig, at + 4)
    return bytes(buf)


def _dimension(sheet: str) -> str:
    import re

    out = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    return out.replace("</sheetData>", '<row r="3"><c r="XFD3" s="0"/></row></sheetData>', 1) if "r=\"3\"" not in out else out


def _nest(depth: int) -> str:
    inner = _p("deep")
    for _ in range(depth):
        inner = _tbl(_tr("<w:tc>" + inner + "</w:tc>"))
    return inner


# --------------------------------------------------------------------------------- the runner
def _vm_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(path: str, seconds: int, extra_mb: int, out: int) -> None:
    import chronology as chron
    from chronology.errors import ChronologyError

    limit = _vm_bytes() + (extra_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.alarm(seconds)
    res: dict[str, object]
    try:
        c = chron.read(path, agency="police", case_id="c")
    except ChronologyError as exc:
        res = {"outcome": "error", "message": str(exc), "type": type(exc).__name__}
    except MemoryError:
        res = {"outcome": "oom", "message": traceback.format_exc()[-2000:]}
    except BaseException:
        res = {"outcome": "traceback", "message": traceback.format_exc()[-4000:]}
    else:
        prov = c.provenance
        ev = c.events
        text_cols = [k for k in ev.columns if k not in ("start", "end", "uncertain", "source_row")]
        rows: dict[str, str] = {}
        if len(ev):
            joined = ev[text_cols].astype("str").fillna("").agg(" \x1f ".join, axis=1)
            for r, t in zip(ev["source_row"].tolist(), joined.tolist(), strict=True):
                rows[str(r)] = rows.get(str(r), "") + " \x1f " + t
        res = {
            "outcome": "ok",
            "provenance": prov[
                ["source", "rows_read", "events", "rejects", "blank_rows", "repeated_headers"]
            ].to_dict("records"),
            "n_events": len(ev),
            "n_rejects": len(c.rejects),
            "event_rows": rows,
            "reject_rows": sorted({int(r) for r in c.rejects["source_row"].tolist()}),
            "reject_values": [str(v) for v in c.rejects["value"].tolist()],
        }
    signal.alarm(0)
    os.write(out, json.dumps(res, default=str).encode())
    os.close(out)


def runner_main() -> None:
    seconds, extra_mb = int(sys.argv[1]), int(sys.argv[2])
    import chronology
    import chronology.io.csv
    import chronology.io.docx
    import chronology.io.excel  # noqa: F401

    for path in sys.argv[3:]:
        r, w = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                _child(path, seconds, extra_mb, w)
            finally:
                os._exit(0)
        os.close(w)
        chunks = []
        while True:
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(r)
        _, status = os.waitpid(pid, 0)
        data = b"".join(chunks)
        if data:
            res = json.loads(data)
        elif os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
            res = {"outcome": "hang", "message": f"no answer in {seconds} s"}
        elif os.WIFSIGNALED(status):
            res = {"outcome": "killed", "message": f"signal {os.WTERMSIG(status)}"}
        else:
            res = {"outcome": "oom", "message": f"exit status {status} without an answer"}
        res["file"] = path
        res["seconds"] = round(time.monotonic() - start, 2)
        print(json.dumps(res, default=str), flush=True)


def _run_all(paths: list[Path]) -> list[dict[str, object]]:
    """Read ``paths`` in forked children of one subprocess (this module run as a script)."""
    proc = subprocess.run(
        [sys.executable, __file__, str(SECONDS), str(EXTRA_MB), *map(str, paths)],
        capture_output=True, text=True, timeout=SECONDS * len(paths) + 120, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def _write(case: Case, folder: Path) -> Path:
    path = folder / case.name
    if case.build is not None:
        case.build(path)
    else:
        assert case.data is not None
        path.write_bytes(case.data)
    return path


def problems(case: Case, res: dict[str, object]) -> list[str]:
    """What is wrong with the outcome of reading one case (empty: nothing)."""
    out: list[str] = []
    kind = res["outcome"]
    if kind not in ("ok", "error"):
        return [f"{kind}: {str(res.get('message'))[-1500:]}"]
    if kind == "error":
        msg = str(res["message"])
        if case.name not in msg:
            out.append(f"the error does not name the file: {msg}")
        if case.expect == "ok":
            out.append(f"expected a result, got: {msg}")
        if case.says and case.says.lower() not in msg.replace(case.name, "").lower():  # not the name's words
            out.append(f"the error does not say {case.says!r}: {msg}")
        return out
    if case.expect == "error":
        out.append("expected a refusal, got a result")
    prov = res["provenance"]
    assert isinstance(prov, list)
    for p in prov:
        if p["rows_read"] != p["events"] + p["rejects"] + p["blank_rows"] + p["repeated_headers"]:
            out.append(f"rows not accounted for: {p}")
    events = res["event_rows"]
    rejects = res["reject_rows"]
    assert isinstance(events, dict)
    assert isinstance(rejects, list)
    for row, texts in case.rows.items():
        if row in rejects:
            continue
        got = " ".join(str(events.get(str(row), "")).split())
        if not got:
            out.append(f"row {row} is neither an event nor a reject")
            continue
        for t in texts:
            if " ".join(t.split()) not in got:
                out.append(f"row {row}: text {t[:60]!r} lost (event holds {got[:200]!r})")
    return out


CASES = corpus()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = [_write(c, folder) for c in CASES]
    try:
        results = _run_all(paths)
    finally:
        for p in paths:
            if p.exists() and not p.is_dir():
                p.chmod(0o600)
    return {Path(str(r["file"])).name: r for r in results}


def test_the_corpus_covers_every_class() -> None:
    names = {c.name for c in CASES}
    assert len(names) == len(CASES) >= 45
    assert {".csv", ".tsv", ".xlsx", ".docx"} <= {Path(n).suffix for n in names}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_is_refused_by_name_or_read_whole(case: Case, outcomes: dict[str, dict[str, object]]) -> None:
    res = outcomes[case.name]
    assert not problems(case, res), (problems(case, res), res.get("seconds"))


if __name__ == "__main__":
    runner_main()
