"""Fuzzing the readers and the date parser: whatever a file holds, the only exceptions a user sees are
ChronologyErrors naming the file, and when a file is read every row is accounted for
(rows read = events + rejects + blank rows + repeated header rows).

Hypothesis drives most of it (modest ``max_examples``, no deadline); atheris (libFuzzer, coverage guided)
runs the CSV reader for a few hundred inputs in a subprocess when it is installed. Inputs that expose a
known defect are kept out of the property tests and pinned by ``xfail(strict=True)`` tests below.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import ChronologyError
from chronology.normalise.dates import parse_dates


def fuzz(n: int) -> settings:
    """Hypothesis settings for a fuzz test: ``n`` examples, no deadline (file writing is slow)."""
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _known_defect(exc: Exception, data: bytes) -> bool:
    """Crashes of the reader that are known and pinned elsewhere: none at present (the UTF-16 and
    CR-only crashes are fixed and covered by test_bad_inputs)."""
    return False


def _check_read(path: Path) -> chron.Chronology | None:
    """Read ``path``; a ChronologyError must name the file; otherwise rows must be accounted for."""
    try:
        c = chron.read(path, agency="police", case_id="c")
    except ChronologyError as exc:
        error: ChronologyError | None = exc
    except Exception as exc:
        if _known_defect(exc, path.read_bytes()):
            return None
        raise
    else:
        error = None
    if error is not None:
        assert path.name in str(error), f"the error does not name the file: {error}"
        return None
    prov = c.provenance
    accounted = prov["events"] + prov["rejects"] + prov["blank_rows"] + prov["repeated_headers"]
    assert (prov["rows_read"] == accounted).all(), prov
    assert len(c.events) == int(prov["events"].sum())
    assert len(c.rejects) == int(prov["rejects"].sum())
    assert c.events["start"].notna().all()
    assert c.events["description"].str.len().gt(0).all()
    return c


# ================================================================================ the date parser
_FORMATS = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%d-%b-%Y", "%d %B %Y", "%Y-%m-%d", "%d.%m.%Y", "%b %Y", "%d/%m/%y"]
_PREFIXES = ["", "?", "approx. ", "w/c ", "c. ", "\u200b", " ", "\u200f", "Tuesday "]
_SUFFIXES = ["", "?", " (approx)", "\u00a0", " 14:30", "\u200e", "th"]

date_texts = st.builds(
    lambda d, fmt, pre, suf: pre + d.strftime(fmt) + suf,
    st.datetimes(min_value=dt.datetime(1890, 1, 1), max_value=dt.datetime(2040, 12, 31)),
    st.sampled_from(_FORMATS),
    st.sampled_from(_PREFIXES),
    st.sampled_from(_SUFFIXES),
)
#: numbers a date cell may hold. Known defects are left out here and pinned below: numbers outside
#: Excel's serial range (< 1 or > 2958465), and serials past year 2192 (> 106751 days) in a column that
#: also holds a fraction (they overflow pandas' nanosecond timedelta).
serials = st.one_of(
    st.integers(min_value=1, max_value=106_000),
    st.floats(min_value=1, max_value=106_000, allow_nan=False),
)
cells = st.one_of(
    st.text(max_size=40),
    date_texts,
    serials,
    st.datetimes(min_value=dt.datetime(1, 1, 1)),
    st.dates(),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(days=-1000), max_value=dt.timedelta(days=1000)),
    st.booleans(),
    st.none(),
)


@fuzz(200)
@given(st.lists(cells, max_size=12))
@example(["31/02/2024", "03/25/2024", "?Jan 2007", "w/c 25 Dec 2006", None, "", "\u200b", 45383.5])
def test_parse_dates_never_raises_and_every_cell_gets_a_start_or_a_reason(values: list[object]) -> None:
    series = pd.Series(values, dtype="object", index=range(100, 100 + len(values)))
    r = parse_dates(series)
    assert r.index.equals(series.index)
    has_start = r["start"].notna()
    has_reason = r["reason"].notna()
    assert (has_start ^ has_reason).all(), r[~(has_start ^ has_reason)]
    assert r.loc[has_start, "precision"].isin(["minute", "day", "week", "month", "year"]).all()
    assert r["uncertain"].dtype == bool
    assert r.loc[series.isna(), "reason"].eq("empty").all()


@fuzz(150)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_day_first_dates_are_read_as_written(day: dt.date) -> None:
    texts = [day.strftime(f) for f in ("%d/%m/%Y", "%d-%b-%Y", "%d %B %Y", "%Y-%m-%d", "%d.%m.%Y")]
    r = parse_dates(pd.Series(texts))
    assert r["start"].dt.date.tolist() == [day] * len(texts)
    assert r["precision"].eq("day").all()


def test_numbers_outside_the_serial_range_get_a_reason() -> None:
    r = parse_dates(pd.Series([0, -5, 1e308, math.inf, 10**20], dtype="object"))
    assert r["reason"].notna().all()


@pytest.mark.parametrize("values", [[150000.25], [106752, 1.5]])
def test_large_serial_in_a_float_column_does_not_raise(values: list[float]) -> None:
    r = parse_dates(pd.Series(values, dtype="object"))
    assert r["start"].isna().iloc[0]
    assert r["reason"].iloc[0] in ("implausible year", "not a date: a number outside Excel's date range")


def test_workbook_with_a_large_fractional_number_in_the_date_column(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Details"])
    ws.append([150000.25, "Typed a number into the date column"])
    ws.append([dt.datetime(2024, 3, 1), "Visit"])
    path = tmp_path / "serial.xlsx"
    wb.save(path)
    c = chron.read(path, agency="police", case_id="c")
    assert (len(c.events), len(c.rejects)) == (1, 1)


# ================================================================================ CSV
@fuzz(120)
@given(st.binary(max_size=3000))
@example(b"\xef\xbb\xbf")
@example(b"Date,Details\n01/03/2024,\"unclosed\n")
@example(b"Date,Details\r01/03/2024,Visit\r")
def test_csv_reader_on_arbitrary_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.csv"
        path.write_bytes(data)
        _check_read(path)


_HEADINGS = ["Date", "Time", "Details", "Action taken", "Child seen", "Date/Time", "Notes", "Case ref", "", "Date"]
csv_cells = st.one_of(
    st.text(max_size=25),
    date_texts,
    st.sampled_from(["", "N/K", "-", "Y", "N", "=1+1", '"', '""', ",", ";", "\t", "\n", "\r\n", "\u200b", "�"]),
)


@fuzz(120)
@given(
    preamble=st.lists(st.text(max_size=20), max_size=3),
    header=st.lists(st.sampled_from(_HEADINGS), min_size=1, max_size=6),
    rows=st.lists(st.lists(csv_cells, max_size=7), max_size=15),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_csv_reader_on_structured_text(
    preamble: list[str], header: list[str], rows: list[list[str]], delimiter: str, encoding: str, newline: str
) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    for line in preamble:
        w.writerow([line])
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "structured.csv"
        path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
        _check_read(path)


# ================================================================================ Excel
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
xlsx_cells = st.one_of(
    st.text(max_size=30).map(lambda s: _ILLEGAL.sub("", s)),
    date_texts,
    st.integers(min_value=-(10**6), max_value=106_000),  # larger: a known defect, see above
    st.floats(min_value=-1e5, max_value=1e5, allow_nan=False),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.times(),
    st.booleans(),
    st.none(),
    st.sampled_from(["=1+1", "=A1", "=DATE(2024,3,1)", "=SUM(", "=HYPERLINK(\"http://x\",\"y\")", "#REF!", "#VALUE!"]),
)


@fuzz(40)
@given(
    title_rows=st.integers(min_value=0, max_value=3),
    header=st.permutations(["Date", "Details", "Outcome", "Time"]).map(lambda h: h[: 2 + len(h) % 3]),
    rows=st.lists(st.lists(xlsx_cells, min_size=0, max_size=5), max_size=20),
    hidden=st.booleans(),
)
def test_excel_reader_on_random_cells(title_rows: int, header: list[str], rows: list[list[object]], hidden: bool) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    for i in range(title_rows):
        ws.append([f"Title row {i}"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    if hidden:
        other = wb.create_sheet("Hidden")
        other.append(["Date", "Details"])
        other.append(rows[0][:2] if rows else [None, None])
        other.sheet_state = "hidden"
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.xlsx"
        wb.save(path)
        _check_read(path)


# ================================================================================ Word
docx_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from(["\n", "\t"]), max_size=25
)
docx_cells = st.one_of(docx_text, date_texts, st.sampled_from(["", "N/K", "Date", "Details", "Y"]))


@fuzz(30)
@given(
    tables=st.lists(
        st.tuples(
            st.lists(st.sampled_from(["Date", "Details", "Action", "Child seen", "Time", "Notes"]), min_size=1, max_size=5),
            st.lists(st.lists(docx_cells, min_size=1, max_size=5), max_size=8),
            st.booleans(),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_word_reader_on_random_tables(tables: list[tuple[list[str], list[list[str]], bool]]) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Chronology (fictional)")
    for header, rows, merge in tables:
        width = len(header)
        t = d.add_table(rows=1 + len(rows), cols=width)
        for j, h in enumerate(header):
            t.cell(0, j).text = h
        for i, r in enumerate(rows, start=1):
            for j in range(width):
                t.cell(i, j).text = r[j % len(r)]
        if merge and len(rows) >= 2:
            t.cell(1, 0).merge(t.cell(2, 0))
        if merge and width >= 2 and rows:
            t.cell(len(rows), 0).merge(t.cell(len(rows), width - 1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.docx"
        d.save(path)
        _check_read(path)


# ================================================================================ atheris
_HARNESS = textwrap.dedent(
    """
    import csv, os, re, sys, tempfile
    import atheris
    with atheris.instrument_imports(include=["chronology"]):
        import chronology as chron
        from chronology.errors import ChronologyError
        import chronology.io.csv, chronology.normalise, chronology.normalise.dates

    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "atheris.csv")

    def known(exc: Exception, data: bytes) -> bool:
        return False  # no known crashes

    def one(data: bytes) -> None:
        with open(path, "wb") as f:
            f.write(data)
        try:
            c = chron.read(path, agency="police", case_id="c")
        except ChronologyError as exc:
            assert "atheris.csv" in str(exc), str(exc)
            return
        except Exception as exc:
            if known(exc, data):
                return
            raise
        p = c.provenance
        assert (p["rows_read"] == p["events"] + p["rejects"] + p["blank_rows"] + p["repeated_headers"]).all()

    flags = ["-runs=1500", "-max_total_time=6", "-seed=1", "-max_len=2000", "-len_control=0"]
    atheris.Setup([sys.argv[0], *flags, *sys.argv[1:]], one)
    atheris.Fuzz()
    """
)


def test_atheris_csv_reader(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    seeds = tmp_path / "corpus"
    seeds.mkdir()
    bad = Path(__file__).parent / "data" / "bad"
    for p in sorted(bad.glob("*.csv")):
        if p.stat().st_size < 2000:
            (seeds / p.name).write_bytes(p.read_bytes())
    script = tmp_path / "harness.py"
    script.write_text(_HARNESS, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), str(seeds)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert re.search(r"^Done \d+ runs in \d+ second", proc.stderr, re.MULTILINE), proc.stderr[-3000:]
