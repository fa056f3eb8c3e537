"""Write more of the malformed-input corpus: files named ``x_*`` in tests/data/bad/ (committed; rerun to
regenerate). Each is something an agency might really send: odd Unicode (right-to-left marks, zero-width
spaces, smart quotes, non-breaking spaces in dates), unusual line endings and delimiters, Excel files with
formulas, hidden sheets, merged header cells and error values, Word documents with nested tables and merged
cells, very wide and very long files. tests/test_bad_inputs.py reads every one: each must give a
ChronologyError naming the file, or events and rejects that account for every row. Committed files stay
small (< 200 KB); files with tens of thousands of rows are generated at test time instead.

All content is fictional. Run: python tests/data/make_bad_more.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).parent / "bad"
HEAD = "Date,Time,Details,Action taken\n"

RLM, LRM, ALM = "\u200f", "\u200e", "\u061c"
ZWSP, ZWNJ, ZWJ, WJ, BOM = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"
NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


def w(name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    (HERE / name).write_bytes(text.replace("\n", newline).encode(encoding))


def csv_files() -> None:
    # right-to-left marks and embeddings around dates and text, Arabic and Hebrew text
    w(
        "x_rtl_marks.csv",
        HEAD
        + f"{RLM}01/03/2024{RLM},10:00,{RLM}زيارة منزلية{LRM} home visit,{ALM}none\n"
        + "\u202b02/03/2024\u202c,\u202e11:00\u202c,Mother said \u202bשלום\u202c to the worker,x\n"
        + f"{LRM}03/03/2024,{LRM}12:00{LRM},Call,{RLM}\n",
    )
    # zero-width characters inside headings, dates, times and text (copied from web pages / Teams)
    w(
        "x_zero_width_everywhere.csv",
        f"Da{ZWSP}te,Ti{ZWNJ}me,Deta{ZWJ}ils,Action\n"
        + f"0{ZWSP}1/03/2024,1{ZWSP}0:00,Vis{ZWSP}it,{ZWSP}\n"
        + f"{BOM}02/03/2024{WJ},,{ZWJ}Call{ZWJ},x\n",
    )
    # smart quotes as field quotes and inside text; curly apostrophes in headings
    w(
        "x_smart_quotes.csv",
        "Date,Details,Child’s views\n"
        + "01/03/2024,“Mum said “not today”, the worker left”,“I’m fine”\n"
        + "02/03/2024,‘Single quoted, with comma’,\n",
    )
    # non-breaking, narrow no-break and thin spaces inside dates and times
    w(
        "x_nbsp_dates.csv",
        HEAD
        + f"12{NBSP}March{NBSP}2024,10:00,Visit,x\n"
        + f"01/03/2024{NBSP},{NNBSP}14:30{NNBSP},Call,y\n"
        + f"w/c{NBSP}04/03/2024,,Week entry,z\n"
        + f"13{THIN}Mar{THIN}2024,09{NBSP}:{NBSP}15,Thin spaces,z\n",
    )
    # the BOM and nothing else; a BOM and blank lines
    (HERE / "x_bom_only.csv").write_bytes(b"\xef\xbb\xbf")
    (HERE / "x_bom_blank_lines.csv").write_bytes(b"\xef\xbb\xbf\r\n\r\n  \r\n")
    # old Mac line endings (CR only) and a mixture of CRLF, LF and CR
    w("x_cr_only.csv", HEAD + "01/03/2024,10:00,Visit,x\n02/03/2024,11:00,Call,y\n", newline="\r")
    (HERE / "x_mixed_line_endings.csv").write_bytes(
        (HEAD.replace("\n", "\r\n") + "01/03/2024,10:00,Visit,x\r\n02/03/2024,11:00,Call,y\n"
         "03/03/2024,12:00,Letter,z\r").encode()
    )
    # a quote that is never closed swallows the rest of the file in most CSV readers
    w("x_unclosed_quote.csv", HEAD + '01/03/2024,10:00,"Visit started,x\n02/03/2024,11:00,Call,y\n03/03/2024,,Letter,z\n')
    # a NUL byte deep in an otherwise fine file (after the first 4 KB)
    body = "".join(f"{d:02d}/03/2024,10:00,Visit number {d} {'x' * 150},none\n" for d in range(1, 29))
    (HERE / "x_nul_late.csv").write_bytes((HEAD + body).encode() + b"29/03/2024,10:00,Vis\x00it,none\n")
    # control characters XML cannot hold (vertical tab, form feed, escape) inside cells
    w("x_control_chars.csv", HEAD + "01/03/2024,10:00,Visit\x0bnotes\x0cmore,ok\x1b[31m\n02/03/2024,,Call\x07,y\n")
    # emoji, astral-plane characters, combining accents, a lone surrogate written as escaped bytes
    w("x_emoji_combining.csv", HEAD + "01/03/2024,10:00,Child drew 😢🏠 and 𝓗𝓮𝓵𝓵𝓸,x\n02/03/2024,,Zoe\u0308 (combining) and e\u0301,y\n")
    # tab-separated with a .tsv name, pipe-separated with a .txt name
    w("x_tabs.tsv", "Date\tDetails\tOutcome\n01/03/2024\tVisit, with comma\tnone\n02/03/2024\tCall\t\n")
    w("x_pipes.txt", "Date|Details|Outcome\n01/03/2024|Visit; with semicolon|none\n02/03/2024|Call|\n")
    # semicolons with decimal commas (a European Excel export)
    w("x_semicolon_decimal_comma.csv", "Date;Details;Amount\n01/03/2024;Rent arrears;1.234,56\n02/03/2024;Call;0,5\n")
    # 1,000 columns, three rows
    extra = [f"Extra {i}" for i in range(998)]
    lines = ["Date,Details," + ",".join(extra)]
    for d in range(1, 4):
        lines.append(f"0{d}/03/2024,Visit {d}," + ",".join(str(i) for i in range(998)))
    w("x_1000_columns.csv", "\n".join(lines) + "\n")
    # one very large cell (150,000 characters, under the commit limit) and one long line of many cells
    w("x_huge_cell_multiline.csv", HEAD + '01/03/2024,10:00,"' + ("line of notes\n" * 10_000) + '",y\n02/03/2024,,Call,z\n')
    # the header row is below 30 preamble lines: further down than readers look
    w("x_header_too_deep.csv", "".join(f"Preamble line {i}\n" for i in range(30)) + HEAD + "01/03/2024,10:00,Visit,x\n")
    # the header repeated on every "page" and no data at all
    w("x_only_repeated_headers.csv", HEAD * 5)
    # dates as Excel serials written as text, ISO with T, yyyymmdd, far past and future
    w(
        "x_odd_date_forms.csv",
        HEAD
        + "45383,,Serial,x\n2024-03-01T10:00:00,,ISO,x\n20240302,,Compact,x\n31/12/9999,,Far future,x\n"
        + "01/01/0001,,Year one,x\n00/00/0000,,Zeros,x\n1e10,,Exponent,x\n-45383,,Negative,x\n",
    )
    # two columns both called Date, one blank heading, one heading with a line break
    w("x_duplicate_date_columns.csv", 'Date,Date,,"Details\n(free text)"\n01/03/2024,02/03/2024,orphan,Visit\n')
    # an HTML table and a JSON document saved with a .csv name
    w("x_html_table.csv", "<html><body><table><tr><th>Date</th><th>Details</th></tr><tr><td>01/03/2024</td><td>Visit</td></tr></table></body></html>\n")
    w("x_json.csv", '[{"Date": "01/03/2024", "Details": "Visit"}, {"Date": "02/03/2024", "Details": "Call"}]\n')
    # UTF-16 big-endian with its BOM; UTF-16 little-endian without a BOM
    w("x_utf16be.csv", "\ufeffDate,Details\n01/03/2024,Visit – “quoted”\n", "utf-16-be")
    (HERE / "x_utf16le_no_bom.csv").write_bytes("Date,Details\n01/03/2024,Visit\n".encode("utf-16-le"))
    # an upper-case extension
    w("x_upper_ext.CSV", "Date,Details\n01/03/2024,Visit\n")
    # a UTF-16 file cut off mid-character (odd number of bytes), and one with a lone surrogate
    (HERE / "x_utf16_truncated.csv").write_bytes("Date,Details\n01/03/2024,Visit\n".encode("utf-16") + b"\x00")
    (HERE / "x_utf16_lone_surrogate.csv").write_bytes(
        "Date,Details\n01/03/2024,Vis".encode("utf-16") + b"\x00\xd8" + "it\n".encode("utf-16-le")
    )
    # old Mac line endings (CR only), a form feed in a ragged row: the csv module's fallback path
    (HERE / "x_cr_formfeed_ragged.csv").write_bytes(b"Date,Details\r01/03/2024,Visit\r,\x0c,\r")
    # every cell quoted, with doubled quotes and trailing delimiters
    w("x_all_quoted_trailing.csv", '"Date","Details","",\n"01/03/2024","He said ""no""","",\n"02/03/2024","Call","",\n')


def excel_files() -> None:
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula

    # formulas that were never calculated (no cached values), in the date and text columns
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(["Date", "Details", "Outcome"])
    ws.append(["=DATE(2024,3,1)", "=A1&\" visit\"", "=1/0"])
    ws.append([dt.datetime(2024, 3, 2), '=HYPERLINK("http://example.invalid","click")', "=SUM(1,2)"])
    ws.append(["03/03/2024", "Plain text", None])
    ws["C5"] = ArrayFormula("C5:C5", "=MAX(1,2)")
    ws["A5"] = "04/03/2024"
    ws["B5"] = "Array formula row"
    wb.save(HERE / "x_formulas_uncalculated.xlsx")

    # a hidden and a very hidden sheet beside the visible chronology
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(["Date", "Details"])
    ws.append([dt.datetime(2024, 3, 1), "Visible sheet event"])
    hidden = wb.create_sheet("Old version")
    hidden.append(["Date", "Details"])
    hidden.append([dt.datetime(2023, 1, 1), "Hidden sheet event"])
    hidden.sheet_state = "hidden"
    lists = wb.create_sheet("Lists")
    lists.append(["Agency", "Code"])
    lists.append(["Police", "P"])
    lists.sheet_state = "veryHidden"
    wb.save(HERE / "x_hidden_sheets.xlsx")

    # merged header cells: "When" over Date and Time, then a second header row
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(["When", None, "What", None])
    ws.append(["Date", "Time", "Details", "Action"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:D1")
    ws.append([dt.datetime(2024, 3, 1), dt.time(10, 0), "Visit", "None"])
    ws.append(["02/03/2024", "11:00", "Call", None])
    ws.append([None, None, "Merged date continues", None])
    ws.merge_cells("A4:A5")
    wb.save(HERE / "x_merged_header.xlsx")

    # error values, booleans, huge and negative numbers, times alone in the date column
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(["Date", "Details", "Outcome"])
    ws.append(["#VALUE!", "Error value in date", None])
    ws.append([True, "Boolean in date", None])
    ws.append([1e308, "Huge number", None])
    ws.append([-5, "Negative number", None])
    ws.append([dt.time(14, 30), "Time only", None])
    ws.append([dt.date(2024, 3, 1), "Date object", "#REF!"])
    ws.append([dt.timedelta(days=3), "Duration cell", None])
    ws.append([45383.75, "Serial with time", None])
    wb.save(HERE / "x_error_and_odd_cells.xlsx")

    # a cell at Excel's text limit (32,767 characters) and one with every control character XML allows
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(["Date", "Details"])
    ws.append([dt.datetime(2024, 3, 1), "y" * 32_767])
    ws.append([dt.datetime(2024, 3, 2), "tab\tnewline\ncarriage\rend"])
    wb.save(HERE / "x_max_cell.xlsx")

    # an empty first sheet, a chart-only-style sheet and the chronology third
    wb = openpyxl.Workbook()
    wb.active.title = "Empty"
    wb.create_sheet("Notes")["A1"] = "See next sheet"
    ws = wb.create_sheet("Data")
    ws.append([])
    ws.append([None, None, "Date", "Details"])  # table starting in column C, row 2
    ws.append([None, None, dt.datetime(2024, 3, 1), "Offset table"])
    wb.save(HERE / "x_offset_table.xlsx")

    # an .xlsm (macro-enabled name) workbook
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Details"])
    ws.append(["01/03/2024", "From a macro workbook"])
    wb.save(HERE / "x_macro_name.xlsm")

    # a workbook whose used range is claimed to reach row 60,000 by a stray formatted cell
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(["Date", "Details"])
    ws.append([dt.datetime(2024, 3, 1), "Real row"])
    ws["B60000"] = " "
    wb.save(HERE / "x_stray_far_cell.xlsx")


def word_files() -> None:
    import docx

    # a table nested inside a cell of the chronology table
    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    for j, v in enumerate(["Date", "Details", "Action"]):
        t.cell(0, j).text = v
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "01/03/2024", "Visit", "None"
    t.cell(2, 0).text = "02/03/2024"
    inner = t.cell(2, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Date", "Note"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "03/03/2024", "Nested"
    t.cell(2, 2).text = "Outer action"
    d.save(HERE / "x_nested_tables.docx")

    # a header cell merged across two columns, and a row with a cell merged across the whole width
    d = docx.Document()
    t = d.add_table(rows=4, cols=4)
    for j, v in enumerate(["Date", "Details", "Details", "Outcome"]):
        t.cell(0, j).text = v
    t.cell(0, 1).merge(t.cell(0, 2))
    t.cell(0, 1).text = "Details"
    rows = [["01/03/2024", "Visit", "more", "ok"], ["SECTION: 2024 events", "", "", ""], ["02/03/2024", "Call", "", ""]]
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    t.cell(2, 0).merge(t.cell(2, 3))
    t.cell(2, 0).text = "SECTION: 2024 events"
    d.save(HERE / "x_merged_cells.docx")

    # a chronology table with only its header row
    d = docx.Document()
    t = d.add_table(rows=1, cols=3)
    for j, v in enumerate(["Date", "Details", "Action"]):
        t.cell(0, j).text = v
    d.save(HERE / "x_header_only_table.docx")

    # right-to-left and zero-width characters in a Word table, a date with non-breaking spaces
    d = docx.Document()
    t = d.add_table(rows=3, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = f"{RLM}Date", f"Details{ZWSP}"
    t.cell(1, 0).text, t.cell(1, 1).text = f"12{NBSP}March{NBSP}2024", f"{RLM}زيارة{LRM} visit"
    t.cell(2, 0).text, t.cell(2, 1).text = f"{ZWSP}13/03/2024", "Call"
    d.save(HERE / "x_rtl_table.docx")

    # an empty document (no paragraphs, no tables) and a docx that is really a zip of nothing
    docx.Document().save(HERE / "x_empty_document.docx")
    import zipfile

    with zipfile.ZipFile(HERE / "x_zip_not_docx.docx", "w") as z:
        z.writestr("hello.txt", "not a word document")


def main() -> None:
    HERE.mkdir(exist_ok=True)
    csv_files()
    excel_files()
    word_files()


if __name__ == "__main__":
    main()
