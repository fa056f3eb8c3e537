"""Files too big to commit, generated at test time: tens of thousands of rows in a CSV, a workbook and a
Word table, sheets of very different sizes, a workbook whose used range reaches column XFD. Every row is
accounted for, and reading stays quick. (The committed malformed-input corpus is in test_bad_inputs.py.)
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import chronology as chron


def _read(path: Path) -> chron.Chronology:
    return chron.read(path, agency="police", case_id="c")


def _accounted(c: chron.Chronology) -> bool:
    """Every row read is an event, a reject, a blank row or a repeated header."""
    p = c.provenance
    return bool((p["rows_read"] == p["events"] + p["rejects"] + p["blank_rows"] + p["repeated_headers"]).all())


def test_used_range_reaching_column_xfd_is_read_quickly(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Details"])
    ws.append([dt.datetime(2024, 3, 1), "Real row"])
    ws["XFD3"] = " "  # one formatted-but-empty cell far to the right, as Excel leaves them
    path = tmp_path / "far.xlsx"
    wb.save(path)
    code = textwrap.dedent(
        f"""
        import chronology as chron
        c = chron.read({str(path)!r}, agency="police", case_id="c")
        assert len(c.events) == 1
        """
    )
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=8, capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a workbook whose used range reaches column XFD took over 8 s")


# ---------------------------------------------------------------------------------------- generated large
def test_thirty_thousand_rows_with_mixed_dates_are_all_accounted_for(tmp_path: Path) -> None:
    rng = random.Random(9)
    lines = ["Date,Time,Details,Action taken,Child seen"]
    bad = 0
    for i in range(30_000):
        d = dt.date(2019, 1, 1) + dt.timedelta(days=i % 1800)
        kind = rng.choice(["%d/%m/%Y", "%d-%b-%Y", "%Y-%m-%d", "%d %B %Y", "w/c %d/%m/%Y", "bad", "blank"])
        if kind == "bad":
            text, bad = "31/02/2024", bad + 1
        elif kind == "blank":
            text, bad = "", bad + 1
        else:
            text = d.strftime(kind)
        lines.append(f'{text},{rng.choice(["10:00", "", "09.15"])},"Event {i}, with a comma",Action,{rng.choice("YN ")}')
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    c = _read(path)
    elapsed = time.perf_counter() - t0
    assert (len(c.events), len(c.rejects)) == (30_000 - bad, bad)
    assert _accounted(c)
    assert c.events["description"].str.startswith("Event ").all()
    assert elapsed < 20, f"30,000 rows took {elapsed:.1f} s"


def test_ten_thousand_row_workbook(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Chronology")
    ws.append(["Chronology of involvement (fictional)"])
    ws.append(["Date", "Details", "Outcome"])
    start = dt.datetime(2020, 1, 1, 9, 0)
    for i in range(10_000):
        when: object = start + dt.timedelta(hours=i) if i % 3 else (start + dt.timedelta(hours=i)).strftime("%d/%m/%Y %H:%M")
        ws.append([when, f"Event {i}", "=1+1" if i % 1000 == 0 else "x"])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    c = _read(path)
    assert (len(c.events), len(c.rejects)) == (10_000, 0)
    assert c.events["source_row"].min() == 3
    assert c.events["source_row"].max() == 10_002
    assert _accounted(c)


def test_five_hundred_row_word_table(write_docx: Callable[..., Path]) -> None:
    rows = [["Date", "Details", "Outcome"]]
    for i in range(500):
        when = (dt.date(2023, 1, 1) + dt.timedelta(days=i)).strftime("%d/%m/%Y") if i % 50 else "N/K"
        rows.append([when, f"Event {i}\u200b with \u201csmart\u201d quotes", ""])
    c = _read(write_docx("big.docx", rows))
    assert (len(c.events), len(c.rejects)) == (490, 10)
    assert _accounted(c)
    assert not c.events["description"].str.contains("\u200b").any()


def test_generated_frame_sizes_do_not_leak_between_sheets(tmp_path: Path) -> None:
    """Two sheets of very different widths and lengths: each keeps its own rows and columns."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Wide"
    ws.append(["Date", "Details", *[f"X{i}" for i in range(200)]])
    ws.append([dt.datetime(2024, 3, 1), "Wide row", *range(200)])
    ws2 = wb.create_sheet("Long")
    ws2.append(["Date", "Details"])
    for i in range(2_000):
        ws2.append([dt.datetime(2024, 1, 1) + dt.timedelta(minutes=i), f"Long {i}"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    c = _read(path)
    counts = c.events.groupby("source_sheet")["event_id"].count().to_dict()
    assert counts == {"Long": 2_000, "Wide": 1}
    long_rows = c.events[c.events["source_sheet"] == "Long"]
    assert long_rows["X0"].isna().all()
    assert pd.api.types.is_string_dtype(c.events["X199"])
