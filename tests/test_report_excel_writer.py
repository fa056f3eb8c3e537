"""The workbook's rows are written as SpreadsheetML text built with pandas (not cell by cell): read
back with openpyxl, every kind of value is what was written, and styles land on the right cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from chronology.report import _common
from chronology.report.excel import _Sheet, _write_sheet


def _write(tmp_path: Path, sheet: _Sheet) -> openpyxl.Workbook:
    import xlsxwriter

    from chronology.report.excel import _Formats, _insert_rows

    out = tmp_path / "w.xlsx"
    wb = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    rows: dict[str, str] = {}
    width = _write_sheet(wb, _Formats(wb), "Test", sheet, _common.config()["excel"], rows)
    wb.close()
    _insert_rows(out, {"Test": "xl/worksheets/sheet1.xml"}, rows, {"Test": width})
    return openpyxl.load_workbook(out)


def test_values_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "Text": pd.Series(["a & b <c>", "_x0041_ stays", None, "  spaced  ", "line1\nline2"], dtype="str"),
        "Formula": pd.Series(["=1+1", "@SUM(A1)", "plain", None, "+44 20"], dtype="str"),
        "Date": pd.to_datetime(["2024-03-04 14:10", "2024-03-05", None, "2024-10-27 01:30", "1999-12-31"], format="ISO8601"),
        "Share": [2 / 3, np.nan, 0.0, 1.0, 0.5],
        "Count": pd.array([1, None, 3, 40000, 0], dtype="Int64"),
        "Days": [1.5, 2.25, np.nan, 0.0, 1e-05],
    })
    flag = pd.Series([True, False, False, True, False])
    wb = _write(tmp_path, _Sheet(frame, {"Share": "percent"}, flag))
    ws = wb["Test"]
    assert [c.value for c in ws[1]] == list(frame.columns)
    assert ws.max_row == 6
    rows = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in rows[2:]] == [None, "  spaced  ", "line1\nline2"]
    assert rows[0][0].value == "a & b <c>"
    # "_x0041_" is Excel's escape for "A": written as "_x005F_x0041_", Excel shows "_x0041_" (openpyxl
    # does not decode the escape, so it reads the escaped form)
    assert rows[1][0].value == "_x005F_x0041_ stays"
    assert [r[1].value for r in rows] == ["=1+1", "@SUM(A1)", "plain", None, "+44 20"]
    assert all(r[1].data_type != "f" for r in rows)
    assert [r[1].quotePrefix for r in rows] == [True, True, False, False, True]
    assert rows[0][2].value == dt.datetime(2024, 3, 4, 14, 10)
    assert rows[0][2].number_format == "dd/mm/yyyy hh:mm"
    assert rows[1][2].value == dt.datetime(2024, 3, 5)
    assert rows[1][2].number_format == "dd/mm/yyyy"
    assert rows[2][2].value is None
    assert rows[3][2].value == dt.datetime(2024, 10, 27, 1, 30)
    assert [r[3].value for r in rows][:2] == [2 / 3, "not recorded"]
    assert rows[0][3].number_format == "0%"
    assert [r[4].value for r in rows] == [1, None, 3, 40000, 0]
    assert [r[5].value for r in rows] == [1.5, 2.25, None, 0, 1e-05]
    # highlighted rows: the first two columns in bold
    assert rows[0][0].font.b
    assert rows[0][1].font.b
    assert not rows[1][0].font.b
    assert not rows[0][2].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F6"
    assert ws.dimensions == "A1:F6"
