"""Write the heading layouts of ``layouts.toml`` as agency files: CSV (utf-8 or cp1252), Excel with
title rows above the header, and Word tables. Headings come from the published sources in
SOURCES.md; every cell is fictional, generated here from a seed (no real person's data).

Used by tests/test_infer_layouts.py; run it directly to write one of each into a folder::

    python tests/data/layouts/build.py /tmp/layouts
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

_ACTORS = ["Mother", "Father", "The child", "Stepfather", "Grandmother", "A neighbour", "The class teacher",
           "The health visitor", "The social worker", "Police officers", "The GP", "A paramedic crew"]
_VERBS = ["reported", "described", "disclosed", "raised concerns about", "was seen about", "attended with",
          "telephoned about", "was spoken to about", "explained", "was visited about"]
_OBJECTS = ["bruising to the upper arm", "missed school for four days", "shouting heard at the address",
            "low mood and poor sleep", "an unexplained injury to the face", "the home being cold and dirty",
            "the child going missing overnight", "an argument with her partner", "a missed health appointment",
            "worries about older youths near the flats", "self-harm by cutting", "drinking alcohol at a party",
            "not having enough food in the house", "the baby not gaining weight", "a fall down the stairs"]
_DETAILS = ["; advice given and a referral made", "; the child was seen and appeared well",
            ", and said things were better at home", "; safety plan agreed with the family",
            "; no further concerns were raised at the time", ", with the child present throughout",
            "; information shared with the school", "; the family declined further support"]
_ACTIONS = ["Referral to children's social care", "Strategy discussion requested", "No further action",
            "Safety plan agreed with mother", "Follow-up visit booked for next week", "Advice given to parent",
            "Information shared with the GP", "Case closed to the service", "Escalated to the team manager",
            "Letter sent to parents inviting them to a meeting", "DASH risk assessment completed",
            "Return home interview arranged", "Child protection medical arranged"]
_IMPACTS = ["Likely to increase the child's anxiety at home and at school",
            "Positive: the child had a trusted adult to talk to",
            "The child was left without a safe adult for most of the weekend",
            "Continued exposure to conflict between the adults",
            "Negative: missed education and contact with friends",
            "Reduced risk while the plan was in place"]
_SOURCES = ["Health visitor record", "Police log", "School safeguarding file", "GP record",
            "Social work case note", "Hospital notes", "Telephone call"]
_AGENCIES = ["Northshire Police", "Children's Social Care", "Riverside Hospital", "Brookfield CAMHS",
             "Northgate Academy", "GP practice", "Youth Justice Service", "Housing Options"]
_TYPES = ["Home visit", "Phone call", "Referral", "Strategy meeting", "Clinic appointment",
          "Domestic incident", "Missing episode", "Assessment"]
_ROLES = ["Social worker", "Health visitor", "Police constable", "Designated safeguarding lead",
          "Family support worker", "Paediatric nurse", "Team manager", "Youth justice officer"]
_SERVICES = ["Health visiting", "Emergency Department", "MASH", "Assessment Team", "School nursing",
             "CAMHS", "Early Help"]
_LOCATIONS = ["Home address", "Town centre", "School", "Alder Park", "Bus station"]
_VOICES = ["I want to stay with my nan.", "It's fine at home, I just get worried.", "I don't like it when they shout.",
           "Nobody listens to me.", "I feel safer now.", "I miss my friends."]
_RAG = ["Red", "Amber", "Green"]


def load_layouts() -> list[dict[str, Any]]:
    """The layouts of ``layouts.toml``."""
    return tomllib.loads((HERE / "layouts.toml").read_text(encoding="utf-8"))["layout"]


def _dates(n: int, rnd: random.Random) -> list[dt.datetime]:
    day = dt.datetime(2024, 1, 8, 9, 0) + dt.timedelta(days=rnd.randint(0, 200))
    out = []
    for _ in range(n):
        day += dt.timedelta(days=rnd.randint(1, 9), hours=rnd.randint(0, 9), minutes=rnd.choice([0, 15, 30, 45]))
        out.append(day)
    return out


def _desc(rnd: random.Random, i: int) -> str:
    return f"{rnd.choice(_ACTORS)} {rnd.choice(_VERBS)} {rnd.choice(_OBJECTS)}{rnd.choice(_DETAILS)} (entry {i + 1})."


def cell(kind: str, i: int, when: dt.datetime, rnd: random.Random) -> Any:
    """One cell of a content kind for row ``i`` (``when`` is the row's event time)."""
    if kind == "date_uk":
        return when.strftime("%d/%m/%Y")
    if kind == "date_text":
        return f"{when.day} {when:%B %Y}"
    if kind == "date_iso":
        return when.strftime("%Y-%m-%d")
    if kind == "datetime_uk":
        return when.strftime("%d/%m/%Y %H:%M")
    if kind == "datetime_uk_later":
        return (when + dt.timedelta(hours=rnd.randint(2, 20))).strftime("%d/%m/%Y %H:%M")
    if kind == "date_uk_later":
        return (when + dt.timedelta(days=rnd.randint(0, 3))).strftime("%d/%m/%Y")
    if kind == "blank_or_date":
        return "" if i % 2 else (when + dt.timedelta(days=rnd.randint(1, 6))).strftime("%d/%m/%Y")
    if kind == "blank_or_time":
        return "" if i % 2 else f"{rnd.randint(10, 21):02d}:{rnd.choice([0, 30]):02d}"
    if kind == "time":
        return when.strftime("%H:%M")
    if kind == "end_date":  # the end of a span of 1 to 3 hours from the row's time
        return (when + dt.timedelta(hours=1 + i % 3)).strftime("%d/%m/%Y")
    if kind == "end_time":
        return (when + dt.timedelta(hours=1 + i % 3)).strftime("%H:%M")
    if kind == "week":
        monday = when - dt.timedelta(days=when.weekday())
        return f"w/c {monday:%d/%m/%Y}"
    if kind == "desc":
        return _desc(rnd, i)
    if kind == "impact":
        return rnd.choice(_IMPACTS) + ("." if i % 2 else "; kept under review.")
    if kind == "action":
        return rnd.choice(_ACTIONS)
    if kind == "source_info":
        return rnd.choice(_SOURCES)
    if kind == "agency_name":
        return rnd.choice(_AGENCIES)
    if kind == "rag":
        return rnd.choice(_RAG)
    if kind == "ref":
        return f"{rnd.choice(['NP', 'CR', 'REF', 'L'])}-{2024}-{1000 + 7 * i + rnd.randint(0, 6)}"
    if kind == "rownum":
        return str(i + 1)
    if kind == "location":
        return rnd.choice(_LOCATIONS)
    if kind == "event_type":
        return rnd.choice(_TYPES)
    if kind == "exclusion":
        return rnd.choice(["Fixed term", "Suspension", "Internal exclusion"])
    if kind in ("practitioner", "person_role"):
        return rnd.choice(_ROLES)
    if kind == "service":
        return rnd.choice(_SERVICES)
    if kind == "yn":
        return rnd.choice(["Y", "N", "Yes", "No"])
    if kind == "voice":
        return rnd.choice(_VOICES)
    if kind == "problem":
        return rnd.choice(["Asthma", "Eczema", "Low mood", "Head injury"])
    if kind == "gestation":
        return f"{rnd.randint(12, 39)} weeks"
    if kind == "case_ref":
        return "P100234"
    if kind == "subject":
        return rnd.choice(["Visit", "Telephone", "Email", "Meeting"])
    if kind == "provider":
        return rnd.choice(["Crestway Lodge", "Willowbank House", "Oak Fostering"])
    if kind == "percent":
        return f"{rnd.randint(40, 100)}%"
    if kind == "days":
        return str(rnd.randint(1, 5))
    if kind == "status":
        return rnd.choice(["Disputed", "Undisputed"])
    if kind == "party":
        return rnd.choice(["Local authority", "Mother", "Father", "Guardian"])
    raise ValueError(f"unknown content kind {kind!r}")


def table(layout: dict[str, Any], n: int = 12, seed: int = 0) -> tuple[list[str], list[list[Any]]]:
    """Headings and ``n`` rows of cells (text) for a layout."""
    rnd = random.Random(f"{layout['name']}:{seed}")
    headings = [c[0] for c in layout["columns"]]
    kinds = [c[1] for c in layout["columns"]]
    rows = [[cell(k, i, when, rnd) for k in kinds] for i, when in enumerate(_dates(n, rnd))]
    return headings, rows


def write_csv(path: Path, headings: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(headings)
        w.writerows(rows)
    return path


def write_xlsx(path: Path, headings: list[str], rows: list[list[Any]], title: str) -> Path:
    """An Excel sheet with two title rows and a blank row above the header; UK dates as real date
    cells where a whole cell is a date."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Chronology"
    ws.append([f"Chronology of involvement: {title}"])
    ws.append(["OFFICIAL-SENSITIVE. Prepared for the review panel."])
    ws.append([])
    ws.append(headings)
    for r in rows:
        out: list[Any] = []
        for v in r:
            try:
                out.append(dt.datetime.strptime(v, "%d/%m/%Y"))
            except (TypeError, ValueError):
                out.append(v)
        ws.append(out)
    wb.save(path)
    return path


def write_docx(path: Path, headings: list[str], rows: list[list[Any]], title: str) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph(f"Chronology of involvement: {title}")
    t = d.add_table(rows=1, cols=len(headings))
    for c, h in zip(t.rows[0].cells, headings, strict=True):
        c.text = h
    for r in rows:
        cells = t.add_row().cells
        for c, v in zip(cells, r, strict=True):
            c.text = str(v)
    d.save(str(path))
    return path


def write(layout: dict[str, Any], folder: Path, fmt: str, n: int = 12, seed: int = 0) -> Path:
    """Write a layout as ``csv``, ``cp1252`` (a CSV saved by Excel on Windows), ``xlsx`` or ``docx``."""
    headings, rows = table(layout, n, seed)
    stem = folder / f"{layout['name']}_{seed}"
    if fmt == "csv":
        return write_csv(stem.with_suffix(".csv"), headings, rows)
    if fmt == "cp1252":
        return write_csv(stem.with_name(stem.name + "_cp1252.csv"), headings, rows, "cp1252")
    if fmt == "xlsx":
        return write_xlsx(stem.with_suffix(".xlsx"), headings, rows, layout["name"])
    if fmt == "docx":
        return write_docx(stem.with_suffix(".docx"), headings, rows, layout["name"])
    raise ValueError(fmt)


if __name__ == "__main__":  # pragma: no cover
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "layouts_out")
    out.mkdir(parents=True, exist_ok=True)
    for lay in load_layouts():
        for f in ("csv", "xlsx", "docx"):
            write(lay, out, f)
    print(f"wrote {len(load_layouts()) * 3} files to {out}")
