"""Write, or check against a folder written before, what plot and report produce for the samples.

For each of the samples cassie, carlos and camille this writes the HTML, Excel, Word and CSV
reports and the timeline, gap chart and interval chart figures, then reduces each to what a reader
sees: Excel cell values sheet by sheet (openpyxl), Word paragraphs and table cells (python-docx),
HTML visible text plus the plotly JSON of each embedded figure (ids and uuids stripped), CSV bytes
and each figure's ``fig.to_dict()``. ``--write DIR`` stores these; ``--check DIR`` recomputes them
and reports every difference (exit 1 when any).

Usage (from the repo root)::

    .venv/bin/python scripts/compare_outputs.py --write /tmp/present-before
    .venv/bin/python scripts/compare_outputs.py --check /tmp/present-before
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

SAMPLES = ("cassie", "carlos", "camille")
#: the time a report was written (volatile), as in "Prepared 03/12/2026 17:11"
_PREPARED = re.compile(r"Prepared \d\d/\d\d/\d{4}(?: \d\d:\d\d)?")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class _Text(HTMLParser):
    """Visible text of an HTML page (script and style left out) and the plotly figures in it."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.json: list[bool] = []  # whether each script is a JSON block (an embedded figure)
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script":
                self.scripts.append("")  # one entry per script, filled by handle_data
                self.json.append(dict(attrs).get("type") == "application/json")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in is None and data.strip():
            self.text.append(data.strip())


def _html(path: Path) -> dict[str, Any]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    figures = []
    for script, is_json in zip(parser.scripts, parser.json, strict=True):
        if is_json:  # a figure embedded as JSON: compared as data, its uuids left out
            figures.append(json.loads(_UUID.sub("<id>", script)))
        elif "Plotly.newPlot" in script:
            figures.append(hashlib.sha256(_UUID.sub("<id>", script).encode()).hexdigest())
    return {"text": parser.text, "figures": figures}


def _excel(path: Path) -> dict[str, Any]:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    return {
        ws.title: [[None if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in book.worksheets
    }


def _docx(path: Path) -> dict[str, Any]:
    import docx

    document = docx.Document(str(path))
    return {
        "paragraphs": [p.text for p in document.paragraphs],
        "tables": [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables],
    }


def _figure(fig: Any) -> Any:
    return json.loads(_UUID.sub("<id>", json.dumps(fig.to_dict(), sort_keys=True, default=str)))


def outputs(name: str) -> dict[str, Any]:
    """What the reports and figures of sample ``name`` show, as JSON-ready values."""
    import chronology as chron

    c = chron.samples.load(name)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out["html"] = _html(c.to_html(folder / "r.html"))
        out["excel"] = _excel(c.to_excel(folder / "r.xlsx"))
        out["docx"] = _docx(c.to_docx(folder / "r.docx"))
        csv = chron.report.to_csv(c, folder / "r.csv")
        out["csv"] = hashlib.sha256(Path(csv).read_bytes()).hexdigest()
    out["timeline"] = _figure(c.timeline())
    out["timeline_frame"] = _figure(chron.plot.timeline(c.events))
    out["gap_chart"] = _figure(chron.plot.gap_chart(c))
    out["interval_chart"] = _figure(chron.plot.interval_chart(c))
    return out


def _steady(text: str) -> str:
    """``text`` with the report's writing time replaced (it differs between any two runs)."""
    return _PREPARED.sub("Prepared <time>", text)


def _diff(before: Any, after: Any, where: str, found: list[str]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            if key not in before or key not in after:
                found.append(f"{where}/{key}: only {'after' if key in after else 'before'}")
            else:
                _diff(before[key], after[key], f"{where}/{key}", found)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            _diff(b, a, f"{where}[{i}]", found)
    elif before != after:
        found.append(f"{where}: {str(before)[:120]!r} != {str(after)[:120]!r}")


def main(argv: list[str] | None = None) -> int:
    """Write or check the outputs; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, metavar="DIR")
    group.add_argument("--check", type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    found: list[str] = []
    for name in SAMPLES:
        now = json.loads(_steady(json.dumps(outputs(name), default=str)))
        if args.write:
            args.write.mkdir(parents=True, exist_ok=True)
            (args.write / f"{name}.json").write_text(json.dumps(now, indent=1, sort_keys=True))
            continue
        before = json.loads(_steady((args.check / f"{name}.json").read_text()))
        _diff(before, now, name, found)
    for line in found[:50]:
        print(line)
    if args.check:
        print(f"{len(found)} difference(s)" if found else "equal: " + ", ".join(SAMPLES))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
