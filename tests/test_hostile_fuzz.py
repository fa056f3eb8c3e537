"""Hypothesis mutates valid CSV, Excel and Word files (cut short, bytes flipped, bytes inserted,
rows duplicated, in the file or inside the XML parts of the zip) and reads them: the outcome is a
ChronologyError naming the file, or a result where every row is accounted for (rows read = events
+ rejects + blank rows + repeated header rows); when only whole rows were duplicated, every row's
text is in its event. Each read has a time limit (SIGALRM) so a hang fails the test.
"""

from __future__ import annotations

import io
import re
import signal
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import ChronologyError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGALRM")

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

ROWS = [
    ["Date", "Details", "Worker"],
    ["01/03/2024", "Home visit, O'Brien family seen", "SW1"],
    ["05/03/2024", 'Strategy meeting "urgent"', "DS2"],
    ["09/03/2024", "Zoë’s school called; attendance 60%", "Head"],
    ["12/03/2024", "Line one\nline two", "SW1"],
]


def _csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in ROWS:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    t = d.add_table(rows=len(ROWS), cols=3)
    for i, r in enumerate(ROWS):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


CSV, XLSX, DOCX = _csv_bytes(ROWS), _xlsx_bytes(), _docx_bytes()
PART = {"xlsx": "xl/worksheets/sheet1.xml", "docx": "word/document.xml"}


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def fail(*_: object) -> None:
        raise TimeoutError(f"no answer in {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _read(data: bytes, suffix: str) -> chron.Chronology | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzzed{suffix}"
        path.write_bytes(data)
        try:
            with _time_limit(60):
                c = chron.read(path, agency="police", case_id="c")
        except ChronologyError as exc:
            error: ChronologyError | None = exc
        else:
            error = None
    if error is not None:
        assert path.name in str(error), str(error)
        return None
    p = c.provenance
    assert (p["rows_read"] == p["events"] + p["rejects"] + p["blank_rows"] + p["repeated_headers"]).all(), p
    assert len(c.events) == int(p["events"].sum())
    assert len(c.rejects) == int(p["rejects"].sum())
    return c


def _mutate(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    buf = bytearray(data)
    for op, at, value in ops:
        if not buf:
            break
        i = at % len(buf)
        if op == "cut":
            del buf[i:]
        elif op == "flip":
            buf[i] ^= 1 << (value % 8)
        elif op == "insert":
            buf[i:i] = bytes([value % 256]) * (1 + value % 7)
        elif op == "delete":
            del buf[i : i + 1 + value % 16]
    return bytes(buf)


ops = st.lists(st.tuples(st.sampled_from(["cut", "flip", "insert", "delete"]), st.integers(0, 1 << 20),
                         st.integers(0, 255)), min_size=1, max_size=4)


@FUZZ
@given(ops=ops)
def test_mutated_csv_bytes(ops: list[tuple[str, int, int]]) -> None:
    _read(_mutate(CSV, ops), ".csv")


@FUZZ
@given(kind=st.sampled_from(["xlsx", "docx"]), ops=ops, inside=st.booleans())
def test_mutated_office_files(kind: str, ops: list[tuple[str, int, int]], inside: bool) -> None:
    data = XLSX if kind == "xlsx" else DOCX
    if inside:  # the XML part damaged, the zip intact: the parsers, not zipfile, meet the damage
        src = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name in src.namelist():
                part = src.read(name)
                z.writestr(name, _mutate(part, ops) if name == PART[kind] else part)
        data = buf.getvalue()
    else:
        data = _mutate(data, ops)
    _read(data, f".{kind}")


def _texts_kept(c: chron.Chronology | None, rows: list[list[str]]) -> None:
    assert c is not None, "duplicating whole rows must not make the file unreadable"
    descriptions = [" ".join(d.split()) for d in c.events["description"].tolist()]
    for r in rows[1:]:
        assert " ".join(r[1].split()) in descriptions, r


@FUZZ
@given(picks=st.lists(st.integers(0, len(ROWS) - 1), min_size=1, max_size=12))
def test_duplicated_rows_keep_every_text(picks: list[int]) -> None:
    rows = [ROWS[0]] + [ROWS[1 + p % (len(ROWS) - 1)] for p in picks] + ROWS[1:]
    c = _read(_csv_bytes(rows), ".csv")
    _texts_kept(c, rows)
    assert c is not None
    assert len(c.events) + len(c.rejects) == len(rows) - 1


@FUZZ
@given(picks=st.lists(st.integers(1, len(ROWS) - 1), min_size=1, max_size=8))
def test_duplicated_word_rows_keep_every_text(picks: list[int]) -> None:
    src = zipfile.ZipFile(io.BytesIO(DOCX))
    doc = src.read("word/document.xml").decode("utf-8")
    trs = re.findall(r"<w:tr\b.*?</w:tr>", doc, flags=re.S)
    assert len(trs) == len(ROWS)
    extra = "".join(trs[p] for p in picks)
    doc = doc.replace(trs[-1], trs[-1] + extra, 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            z.writestr(name, doc if name == "word/document.xml" else src.read(name))
    c = _read(buf.getvalue(), ".docx")
    _texts_kept(c, ROWS)
    assert c is not None
    assert len(c.events) + len(c.rejects) == len(ROWS) - 1 + len(picks)
