"""Command line: ``chronology validate|merge|report|metrics|demo``.

Output is written for a person at a terminal: tables (drawn with ``rich``) fit 120 columns, dates are
UK day-first, agencies and results are in words, and every hint is written in the command's own
syntax (``--column "Matter=description"``, ``--date-format "%m/%d/%Y"``), not Python's. Errors a user
can cause print as one readable line (no traceback) and exit with status 2; ``validate`` exits 1 when
any row was rejected. Output piped into ``head`` or ``less`` that stops reading early ends quietly.

Examples
--------
>>> cli_hint("pass date_formats=['%m/%d/%Y'] or columns={'When': 'date'}")
'pass --date-format "%m/%d/%Y" or --column "When=date"'
>>> cli_hint("use chronology.read_case() for a case folder")
'use `chronology merge CASE_DIR` (or `report`, `metrics`) for a case folder'
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import ChronologyError, render_fix

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from .chronology import Chronology

__all__ = ["cli_hint", "main"]

#: the widest output the command writes (characters)
WIDTH = 120

_OPTIONS = ("columns", "date_formats", "sheet", "agency", "case_id")
_VALUE = r"(\[[^\]]*\]|\{[^}]*\}|'[^']*'|\"[^\"]*\"|\.\.\.|[A-Za-z0-9_.%/-]+)"
_OPTION_RE = re.compile(r"\b(" + "|".join(_OPTIONS) + r")=" + _VALUE)
_PLACEHOLDER = {"columns": "HEADING=FIELD", "date_formats": "FORMAT", "sheet": "SHEET", "agency": "AGENCY",
                "case_id": "CASE_ID"}
_PHRASES = [
    (re.compile(r"(?:chron|chronology)\.read_case\([^)]*\)"), "`chronology merge CASE_DIR` (or `report`, `metrics`)"),
    (re.compile(r"\s+to (?:chron\.|chronology\.)?read\(\)"), ""),
    (re.compile(r"leave encoding= unset to detect it, or "), ""),
]


def cli_hint(text: str) -> str:
    """A hint written for Python callers (``columns={...}``, ``date_formats=[...]``,
    ``chronology.read_case()``) rewritten as ``chronology`` command-line flags and verbs.

    Text without Python syntax is returned unchanged.
    """
    if not text:
        return text

    def flag(m: re.Match[str]) -> str:
        option, raw = m.group(1), m.group(2)
        if raw == "...":
            value: Any = [_PLACEHOLDER[option]] if option in ("columns", "date_formats") else _PLACEHOLDER[option]
            return " ".join(f"{_flag_name(option)} {v}" for v in value) if isinstance(value, list) else (
                f"{_flag_name(option)} {value}")
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        if option == "date_formats" and value == [Ellipsis]:
            return f"{_flag_name(option)} FORMAT"
        return render_fix({option: value}, "cli").removeprefix("pass ")

    out = _OPTION_RE.sub(flag, text)
    for pattern, repl in _PHRASES:
        out = pattern.sub(repl, out)
    # a quoted alternative format after a flag: "(or '%m/%d/%Y %H:%M')"
    return re.sub(r"\(or '([^']*%[^']*)'\)", lambda m: f'(or "{m.group(1)}")', out)


def _flag_name(option: str) -> str:
    return render_fix({option: "x"}, "cli").removeprefix("pass ").split(" ", 1)[0]


def _columns(pairs: Sequence[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out: dict[str, str] = {}
    for p in pairs:
        if "=" not in p:
            raise ChronologyError(
                "--column takes HEADING=FIELD", value=p, hint="e.g. --column 'Matter=description'"
            )
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _manifest_entry(path: Path) -> dict[str, Any]:
    """The case.toml entry for a file, when it sits in a case folder."""
    toml = path.parent / "case.toml"
    if not toml.exists():
        return {}
    from .manifest import load_manifest

    m = load_manifest(path.parent)
    for f in m.files:
        if f.path.resolve() == path.resolve():
            return {
                "agency": f.agency, "case_id": f.case_id or m.case_id, "columns": f.columns,
                "sheet": f.sheet, "date_formats": f.date_formats, "service": f.service,
            }
    return {"case_id": m.case_id}


def _guess_agency(path: Path) -> str:
    from .normalise.vocab import agency_of

    return agency_of(path.stem.replace("_", " ").replace("-", " ")) or "other"


# ---------------------------------------------------------------------- output
def _console() -> Console:
    """A console on the current stdout, at most ``WIDTH`` columns wide, plain text when piped."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich exits with status 1 itself; main() says 141
            raise BrokenPipeError

    width = WIDTH
    if sys.stdout.isatty():
        width = min(WIDTH, os.get_terminal_size().columns)
    return _Console(file=sys.stdout, width=width, highlight=False, emoji=False, soft_wrap=False)


def _say(text: str, indent: int = 0) -> None:
    """Print ``text`` wrapped to ``WIDTH`` columns (later lines indented by 4 more)."""
    pad = " " * indent
    print(textwrap.fill(text, WIDTH, initial_indent=pad, subsequent_indent=pad + "    ",
                        break_long_words=False, break_on_hyphens=False))


def _cut(text: pd.Series, n: int) -> pd.Series:
    """Text cut to ``n`` characters with an ellipsis."""
    return text.where(text.str.len() <= n, text.str.slice(0, n - 1).str.rstrip() + "…")


def _print_view(console: Console, frame: Any, name: str, title: str, columns: Sequence[str], *,
                several_cases: bool = False, max_rows: int = 30, cut: int = 60, empty: str = "None found.") -> None:
    """One analysis as a table of its reader columns (``columns``), long text cut to ``cut`` characters."""
    from rich import box
    from rich.table import Table

    from .report import views

    view = views.reader_view(frame, name, several_cases=several_cases)
    text = views.view_text(view)
    console.print(f"\n[bold]{_markup_safe(title)}[/bold]")
    if text.empty:
        console.print(f"  {empty}")
        return
    keep = (["Case"] if several_cases and "Case" in text.columns else []) + [c for c in columns if c in text.columns]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=False)
    for col in keep:
        kind = view.kinds.get(col)
        numeric = kind in ("number", "percent")
        # dates and numbers keep their width; text columns share what is left and wrap
        fixed = int(text[col].str.len().max()) if kind in ("date", "month", "number", "percent") else None
        table.add_column(col, justify="right" if numeric else "left", overflow="fold", no_wrap=fixed is not None,
                         min_width=fixed, ratio=None if fixed else 1)
    shown = text[keep].head(max_rows)
    for col in keep:
        shown[col] = _cut(shown[col], cut)
    from rich.text import Text

    for row in shown.itertuples(index=False, name=None):
        table.add_row(*(Text(str(v)) for v in row))
    console.print(table)
    if len(text) > max_rows:
        console.print(f"  ... and {len(text) - max_rows} more (all of them: chronology merge CASE_DIR -o x.xlsx)")


def _markup_safe(text: str) -> str:
    from rich.markup import escape

    return escape(text)


# ---------------------------------------------------------------------- verbs
def cmd_validate(args: argparse.Namespace) -> int:
    """Read each file and report rows read, events, rejects; exit 1 when any row is rejected."""
    any_rejects = False
    for name in args.files:
        c = _read_one(Path(name), args)
        for rec in c.provenance.to_dict("records"):
            _say_provenance(rec)
        if len(c.rejects):
            any_rejects = True
            _say_rejects(c.rejects)
    return 1 if any_rejects else 0


def _read_one(path: Path, args: argparse.Namespace) -> Chronology:
    """One file read with the command line's options, else its case.toml entry's, else guesses."""
    from .chronology import read

    entry = _manifest_entry(path) if path.exists() else {}
    return read(
        path,
        agency=args.agency or entry.get("agency") or _guess_agency(path),
        case_id=args.case_id or entry.get("case_id") or path.stem,
        columns=_columns(args.column) or entry.get("columns"),
        sheet=args.sheet or entry.get("sheet"),
        date_formats=args.date_format or entry.get("date_formats"),
        service=entry.get("service"),
    )


def _say_provenance(rec: dict[str, Any]) -> None:
    """A file's (or sheet's) counts, the columns and date formats chosen, and its notes."""
    from .report import views

    where = rec["source"] + (f" [{rec['source_sheet']}]" if rec["source_sheet"] else "")
    _say(
        f"{where}: {rec['rows_read']} rows read = {rec['events']} events + {rec['rejects']} rejects"
        f" + {rec['blank_rows']} blank + {rec['repeated_headers']} repeated headers"
        f" (agency {rec['agency']}, header on row {rec['header_row']})"
    )
    mapping = views.mapping_words(rec.get("mapping"), rec.get("inferred"))
    if mapping:
        _say(f"columns: {mapping}", indent=2)
    if rec["date_formats"]:
        _say("dates read as: " + views.date_format_words(rec["date_formats"]), indent=2)
    if rec.get("notes"):
        _say(f"note: {cli_hint(str(rec['notes']))}", indent=2)


def _say_rejects(rejects: pd.DataFrame) -> None:
    """One line per rejected row: where, the value, the reason and the fix in command-line syntax."""
    for r in rejects.to_dict("records"):
        sheet = f", sheet {r['source_sheet']!r}" if isinstance(r["source_sheet"], str) else ""
        _say(
            f"REJECT {r['source']}{sheet}, row {r['source_row']}, column {r['column']!r}: "
            f"{r['value']!r}: {r['reason']}; {cli_hint(str(r['hint']))}",
            indent=2,
        )


def _load(case_dir: str) -> Chronology:
    from .chronology import read_case

    return read_case(case_dir, progress=sys.stderr.isatty())


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge a case folder and write it as .xlsx, .docx or .csv (by the output's extension)."""
    from .errors import OptionError

    out = Path(args.output)
    kinds = {".xlsx": "excel", ".docx": "word", ".csv": "csv"}
    kind = kinds.get(out.suffix.lower())
    if kind is None:
        raise OptionError("unknown output type", value=out.name,
                          hint="name the output .xlsx (Excel), .docx (Word) or .csv, e.g. -o cassie.xlsx")
    c = _load(args.case_dir)
    if kind == "csv":
        from .report import to_csv

        to_csv(c, out)
    elif kind == "word":
        c.to_docx(out)
    else:
        c.to_excel(out)
    print(f"{c!r}\nwrote {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the self-contained HTML report of a case folder."""
    c = _load(args.case_dir)
    out = Path(args.output)
    c.tag().to_html(out, min_gap_days=args.min_gap_days)
    print(f"{c!r}\nwrote {out} (self-contained; open it in any browser, no network needed)")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """Print gaps, statutory timescale breaches and missing follow-ups as tables."""
    c = _load(args.case_dir)
    console = _console()
    several = len(c.case_ids) > 1
    console.print(_markup_safe(repr(c)))
    days = f"{args.min_gap_days:g}"
    _print_view(console, c.gaps(min_days=args.min_gap_days, describe=True), "Gaps", f"Gaps of {days} days or more",
                ["From", "To", "Days", "Working days", "Within agency", "Last event before", "Next event after"],
                several_cases=several, max_rows=args.max_rows, cut=60, empty=f"No gap of {days} days or more.")
    b = c.breaches()
    checked = len(b)
    breached = int(b["breached"].astype("boolean").fillna(False).sum()) if "breached" in b else 0
    is_open = int(b["status"].astype("str").eq("open").sum()) if "status" in b else 0
    _print_view(console, b, "Breaches",
                f"Statutory timescale breaches ({breached} of {checked} checks breached, "
                f"{checked - breached - is_open} met, {is_open} open)",
                ["Timescale", "From", "To", "Time taken", "Limit", "Agency"],
                several_cases=several, max_rows=args.max_rows, cut=90, empty="No timescale was breached.")
    _print_view(console, c.missing(), "Missing follow-ups", "Missing follow-ups",
                ["Expected follow-up", "Result", "After the event of", "Agency", "Due by", "Next recorded"],
                several_cases=several, max_rows=args.max_rows, cut=90, empty="Every expected follow-up was recorded.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the worked examples (what ``make demo`` runs)."""
    from .demo import run_demo

    return run_demo(out_dir=Path(args.output), notebooks=not args.no_notebooks)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chronology",
        description="Merge, validate and analyse multi-agency chronologies for safeguarding reviews. "
        "A CASE_DIR is a folder of agency files with a case.toml listing them (see the README).",
        epilog="Run `chronology COMMAND --help` for the options of each command.",
    )
    p.add_argument("--version", action="version", version=f"chronology {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check agency files: rows read, events, rejects with reasons",
                       description="Read each file and print what was read and every rejected row. "
                       "Exit status 1 when any row was rejected, 2 when a file cannot be read.")
    v.add_argument("files", nargs="+", metavar="FILE", help="agency files (.csv, .xlsx, .docx)")
    v.add_argument("--agency", help="agency code or name (default: from case.toml or the file name)")
    v.add_argument("--case-id", help="case id (default: from case.toml or the file name)")
    v.add_argument("--sheet", help="Excel sheet name (default: every sheet holding a chronology)")
    v.add_argument("--column", action="append", metavar="HEADING=FIELD",
                   help="read the column HEADING as FIELD, e.g. \"Matter=description\" (repeatable)")
    v.add_argument("--date-format", action="append", metavar="FORMAT",
                   help="strftime format to try first, e.g. \"%%m/%%d/%%Y\" for a US file (repeatable)")
    v.set_defaults(func=cmd_validate)

    m = sub.add_parser("merge", help="merge a case folder into one integrated chronology (.xlsx, .docx or .csv)",
                       description="Read every file listed in CASE_DIR/case.toml and write the integrated "
                       "chronology: an Excel workbook with one sheet per analysis, a landscape Word table, or "
                       "a CSV of the events (chosen by the output's extension).")
    m.add_argument("case_dir", metavar="CASE_DIR", help="folder with case.toml and the agency files")
    m.add_argument("-o", "--output", default="integrated.xlsx",
                   help="file to write: .xlsx, .docx or .csv (default: integrated.xlsx)")
    m.set_defaults(func=cmd_merge)

    r = sub.add_parser("report", help="write a self-contained HTML report for a case folder",
                       description="Write one HTML page with the timeline, gaps, timescales, the child seen "
                       "and heard, learning themes, the integrated chronology and provenance. It opens offline "
                       "in any browser.")
    r.add_argument("case_dir", metavar="CASE_DIR", help="folder with case.toml and the agency files")
    r.add_argument("-o", "--output", default="report.html", help="file to write (default: report.html)")
    r.add_argument("--min-gap-days", type=float, default=None, metavar="DAYS",
                   help="shortest gap listed (default: 14 days)")
    r.set_defaults(func=cmd_report)

    mt = sub.add_parser("metrics", help="print gaps, statutory breaches and missing follow-ups",
                        description="Print, as tables at most 120 columns wide, the gaps with no recorded "
                        "contact, the statutory timescales breached and the expected follow-ups that were late "
                        "or never recorded.")
    mt.add_argument("case_dir", metavar="CASE_DIR", help="folder with case.toml and the agency files")
    mt.add_argument("--min-gap-days", type=float, default=14, metavar="DAYS",
                    help="shortest gap listed (default: 14 days)")
    mt.add_argument("--max-rows", type=int, default=30, metavar="N",
                    help="rows shown per table (default: 30; the Excel workbook has them all)")
    mt.set_defaults(func=cmd_metrics)

    d = sub.add_parser("demo", help="run the worked examples and write reports/<case>.html and .xlsx",
                       description="Read the three fictional worked examples (Cassie, Carlos, Camille), write "
                       "their HTML and Excel reports and, in a source checkout, execute the notebooks.")
    d.add_argument("-o", "--output", default="reports", metavar="FOLDER",
                   help="folder to write the reports to (default: reports)")
    d.add_argument("--no-notebooks", action="store_true", help="only write the reports; skip the notebooks")
    d.set_defaults(func=cmd_demo)
    return p


def _quiet_stdout() -> None:
    """After a closed pipe: send what is left of stdout to /dev/null so exiting does not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout without a descriptor
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chronology`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        status = int(args.func(args))
        sys.stdout.flush()
        return status
    except BrokenPipeError:  # e.g. `chronology metrics CASE | head`: the reader has all it wanted
        _quiet_stdout()
        return 141
    except ChronologyError as exc:
        print(f"chronology {args.command}: error: {cli_hint(exc.for_cli())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
