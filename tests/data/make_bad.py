"""Write the malformed-input corpus in tests/data/bad/ (committed; rerun to regenerate).

Each file is something a real agency might send by mistake. tests/test_bad_inputs.py reads every one:
each must give a ChronologyError naming the file, or events and rejects that account for every row.
Run: python tests/data/make_bad.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).parent / "bad"
HEAD = "Date,Time,Details,Action taken\n"


def w(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "empty.csv").write_bytes(b"")
    w("whitespace_only.csv", "  \n\n   \n")
    w("header_only.csv", HEAD)
    w("no_date_column.csv", "Details,Action taken\nHome visit,None\n")
    w("no_description_column.csv", "Date,Action taken\n01/03/2024,None\n")
    w("all_dates_bad.csv", HEAD + "soon,10:00,Visit,x\nlater,,Call,y\n32/13/2024,,Call,z\n")
    w("feb31.csv", HEAD + "31/02/2024,10:00,Visit,x\n01/03/2024,10:00,Call,y\n")
    w("us_month_first.csv", HEAD + "03/25/2024,,Visit,x\n04/13/2024,,Call,y\n03/04/2024,,Call,z\n12/30/2024,,Call,z\n")
    (HERE / "binary_garbage.csv").write_bytes(bytes(range(256)) * 8)
    (HERE / "xlsx_renamed.csv").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (HERE / "encrypted.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    (HERE / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"this is not a zip archive" * 20)
    (HERE / "old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    (HERE / "report.pdf").write_bytes(b"%PDF-1.4\n%fake\n")
    w("duplicated_headers.csv", "Date,Details,Details,Action\n01/03/2024,Visit,Second details,None\n")
    w("mixed_encoding.csv", HEAD)
    with open(HERE / "mixed_encoding.csv", "ab") as f:
        f.write("01/03/2024,10:00,Café visit – child seen,None\n".encode())
        f.write("02/03/2024,11:00,Fee £5 paid – “smart quotes”,None\n".encode("cp1252"))
    w("cp1252.csv", HEAD + "01/03/2024,10:00,Mother’s £20 – “worried”,None\n", "cp1252")
    w("utf16_unicode_text.csv", "Date\tDetails\n01/03/2024\tVisit\n", "utf-16")
    w("bom_semicolon.csv", "\ufeffDate;Details;Action\n01/03/2024;Visit;None\n02/03/2024;Call;None\n")
    w("ragged_rows.csv", HEAD + "01/03/2024,10:00,Visit,x,EXTRA,MORE\n02/03/2024,10:00,Call\n")
    w("blank_rows.csv", HEAD + "\n01/03/2024,10:00,Visit,x\n,,,\n\n02/03/2024,,Call,y\n\n")
    w("empty_description.csv", HEAD + "01/03/2024,10:00,,x\n02/03/2024,10:00,N/K,y\n03/03/2024,,Call,z\n")
    w("bad_time.csv", HEAD + "01/03/2024,late evening,Visit,x\n02/03/2024,25:61,Call,y\n03/03/2024,09:15,Call,z\n")
    w("end_before_start.csv", "Start date,End date,Details\n10/03/2024,01/03/2024,Placement\n01/03/2024,10/03/2024,Stay\n")
    w("implausible_year.csv", HEAD + "01/03/2204,,Visit,x\n01/03/1850,,Call,y\n01/03/2024,,Call,z\n")
    w("null_token_dates.csv", HEAD + "N/K,,Visit,x\nunknown,,Call,y\n-,,Call,z\n01/03/2024,,Call,z\n")
    w("zero_width.csv", HEAD + "\u200b01/03/2024\u200b,10:00,\u200fVisit\u200e,x\n")
    w("quoted_newlines.csv", HEAD + '01/03/2024,10:00,"Visit\nline two\nline three",x\n02/03/2024,,Call,y\n')
    w("caseload_missing_case.csv", "Case ref,Date,Details\nC1,01/03/2024,Visit\n,02/03/2024,Call\nC2,03/03/2024,Call\n")
    w("only_title_rows.csv", "Chronology of involvement\nConfidential\n\n")
    w("very_long_cell.csv", HEAD + "01/03/2024,10:00," + "x" * 200_000 + ",y\n")
    w("formula_text.csv", HEAD + '01/03/2024,10:00,"=HYPERLINK(""http://x"",""y"")",+44 7700 900123\n')

    import docx
    import openpyxl

    d = docx.Document()
    d.add_paragraph("Chronology of involvement: no table was pasted here.")
    d.save(HERE / "no_table.docx")
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Child name", "Fictional Child"
    t.cell(1, 0).text, t.cell(1, 1).text = "Agency", "School"
    d.save(HERE / "cover_table_only.docx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cover"
    ws["A1"] = "Chronology of involvement"
    ws["A2"] = "Prepared for the review panel"
    wb.save(HERE / "no_header.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(["Date", "Details", "Outcome"])
    ws.append([dt.datetime(2024, 3, 1, 10, 0), "Visit", "=1+1"])
    ws.append(["02/03/2024", "=CONCATENATE(\"a\",\"b\")", None])
    ws.append([45383, "Serial date", None])
    ws.append(["31/02/2024", "Bad text date", None])
    wb.save(HERE / "formulas_and_mixed_dates.xlsx")


if __name__ == "__main__":
    main()
