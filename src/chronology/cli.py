"""Command line: ``chronology validate|merge|report|metrics|demo``.

Errors a user can cause print as one readable line (no traceback) and exit with status 2; ``validate``
exits 1 when any row was rejected.

Examples
--------
>>> main(["--version"])  # doctest: +SKIP
chronology 0.1.0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import ChronologyError

if TYPE_CHECKING:
    from .chronology import Chronology

__all__ = ["main"]


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
    from .normalise.vocab import _agency_of

    return _agency_of(path.stem.replace("_", " ").replace("-", " ")) or "other"


def _print_frame(df: Any, title: str, *, max_rows: int = 50) -> None:
    import pandas as pd

    print(f"\n{title}")
    if df is None or len(df) == 0:
        print("  (none)")
        return
    with pd.option_context("display.width", 160, "display.max_columns", 12, "display.max_colwidth", 60):
        print(df.head(max_rows).to_string(index=False))
    if len(df) > max_rows:
        print(f"  ... {len(df) - max_rows} more rows")


def cmd_validate(args: argparse.Namespace) -> int:
    """Read each file and report rows read, events, rejects; exit 1 when any row is rejected."""
    from .chronology import read

    any_rejects = False
    for name in args.files:
        path = Path(name)
        entry = _manifest_entry(path) if path.exists() else {}
        agency = args.agency or entry.get("agency") or _guess_agency(path)
        case_id = args.case_id or entry.get("case_id") or path.stem
        c = read(
            path,
            agency=agency,
            case_id=case_id,
            columns=_columns(args.column) or entry.get("columns"),
            sheet=args.sheet or entry.get("sheet"),
            date_formats=args.date_format or entry.get("date_formats"),
            service=entry.get("service"),
        )
        prov = c.provenance
        for rec in prov.to_dict("records"):
            where = rec["source"] + (f" [{rec['source_sheet']}]" if rec["source_sheet"] else "")
            print(
                f"{where}: {rec['rows_read']} rows read = {rec['events']} events + {rec['rejects']} rejects"
                f" + {rec['blank_rows']} blank + {rec['repeated_headers']} repeated headers"
                f" (agency {rec['agency']}, header on row {rec['header_row']})"
            )
            mapping = ", ".join(f"{k!r}->{v}" for k, v in (rec["mapping"] or {}).items())
            print(f"  columns: {mapping}")
            if rec["date_formats"]:
                print("  dates read as: " + ", ".join(f"{k} ({v})" for k, v in rec["date_formats"].items()))
            if rec.get("notes"):
                print(f"  note: {rec['notes']}")
        if len(c.rejects):
            any_rejects = True
            for r in c.rejects.to_dict("records"):
                sheet = f", sheet {r['source_sheet']!r}" if isinstance(r["source_sheet"], str) else ""
                print(
                    f"  REJECT {r['source']}{sheet}, row {r['source_row']}, column {r['column']!r}: "
                    f"{r['value']!r}: {r['reason']}; {r['hint']}"
                )
    return 1 if any_rejects else 0


def _load(case_dir: str) -> Chronology:
    from .chronology import read_case

    return read_case(case_dir, progress=sys.stderr.isatty())


def cmd_merge(args: argparse.Namespace) -> int:
    c = _load(args.case_dir)
    out = Path(args.output)
    if out.suffix.lower() == ".csv":
        from .report import to_csv

        to_csv(c, out)
    elif out.suffix.lower() == ".docx":
        c.to_docx(out)
    else:
        c.to_excel(out)
    print(f"{c!r}\nwrote {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    c = _load(args.case_dir)
    out = Path(args.output)
    c.tag().to_html(out)
    print(f"{c!r}\nwrote {out} (self-contained; open it in any browser, no network needed)")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    c = _load(args.case_dir)
    print(repr(c))
    _print_frame(c.gaps(min_days=args.min_gap_days)[
        ["case_id", "start", "end", "days", "working_days", "approximate"]
    ], f"Gaps of {args.min_gap_days} days or more")
    b = c.breaches()
    if "breached" in b:
        b = b[b["breached"].fillna(False).astype(bool)]
    _print_frame(b, "Statutory timescale breaches")
    _print_frame(c.missing(), "Missing follow-ups")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(out_dir=Path(args.output), notebooks=not args.no_notebooks)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chronology",
        description="Merge, validate and analyse multi-agency chronologies for safeguarding reviews.",
    )
    p.add_argument("--version", action="version", version=f"chronology {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check agency files: rows read, events, rejects with reasons",
                       description="Read each file and print what was read and every rejected row. "
                       "Exit status 1 when any row was rejected, 2 when a file cannot be read.")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--agency", help="agency code or name (default: from case.toml or the file name)")
    v.add_argument("--case-id", help="case id (default: from case.toml or the file name)")
    v.add_argument("--sheet", help="Excel sheet name")
    v.add_argument("--column", action="append", metavar="HEADING=FIELD", help="explicit column mapping (repeatable)")
    v.add_argument("--date-format", action="append", metavar="FORMAT", help="strftime format to try first (repeatable)")
    v.set_defaults(func=cmd_validate)

    m = sub.add_parser("merge", help="merge a case folder into one integrated chronology (.xlsx, .docx or .csv)")
    m.add_argument("case_dir", metavar="CASE_DIR", help="folder with case.toml")
    m.add_argument("-o", "--output", default="integrated.xlsx")
    m.set_defaults(func=cmd_merge)

    r = sub.add_parser("report", help="write a self-contained HTML report for a case folder")
    r.add_argument("case_dir", metavar="CASE_DIR")
    r.add_argument("-o", "--output", default="report.html")
    r.set_defaults(func=cmd_report)

    mt = sub.add_parser("metrics", help="print gaps, statutory breaches and missing follow-ups")
    mt.add_argument("case_dir", metavar="CASE_DIR")
    mt.add_argument("--min-gap-days", type=float, default=14)
    mt.set_defaults(func=cmd_metrics)

    d = sub.add_parser("demo", help="run the worked examples and write reports/<case>.html and .xlsx")
    d.add_argument("-o", "--output", default="reports")
    d.add_argument("--no-notebooks", action="store_true", help="only write the reports")
    d.set_defaults(func=cmd_demo)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chronology`` command."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ChronologyError as exc:
        print(f"chronology {args.command}: error: {exc.for_cli()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
