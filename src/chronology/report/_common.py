"""Shared pieces of the reports: settings, labels, date display, and the analysis tables.

Each analysis table is built by calling the :class:`~chronology.Chronology` methods (metrics and
themes); errors from those modules are not caught here.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..analysis import TAGGED_TABLES
from ..metrics import describe
from ..resources import load_toml
from ..schema import TZ

if TYPE_CHECKING:
    import os

    from ..rules import Expect, Interval

    PathLike = str | os.PathLike[str]

#: What the writers take as "a chronology": an object with ``events``, ``rejects``, ``provenance``,
#: ``tags`` and a ``tables()`` method (a :class:`~chronology.Chronology`), duck-typed so report
#: never imports the class above it.
ChronologyLike = Any
Chronology = ChronologyLike

__all__ = [
    "SECTIONS",
    "VIEW_NAMES",
    "Analyses",
    "Section",
    "View",
    "agency_labels",
    "codes_in_text",
    "config",
    "date_format_words",
    "display_dates",
    "event_labels",
    "event_table",
    "event_type_labels",
    "format_words",
    "label",
    "mapping_words",
    "reader_view",
    "section",
    "section_heading",
    "summary_table",
    "theme_labels",
    "themes_table",
    "to_wall_time",
    "view_text",
    "words",
]


def config() -> dict[str, Any]:
    """The report settings (``chronology/data/report.toml``)."""
    return load_toml("report.toml")


def label(column: str) -> str:
    """A readable header for a column name (``"working_days"`` → ``"Working days"``).

    Examples
    --------
    >>> label("working_days"), label("case_id"), label("Child seen")
    ('Working days', 'Case', 'Child seen')
    """
    if column == "case_id":
        return "Case"
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def event_labels(columns: Sequence[str]) -> dict[str, str]:
    """Readable headers of event-table columns (``start`` → ``Date``, ``source`` → ``Source file``),
    from ``report.toml``; other columns are kept as written (unmapped source headings).

    Examples
    --------
    >>> event_labels(["start", "child_voice", "Officer"])
    {'start': 'Date', 'child_voice': "Child's views", 'Officer': 'Officer'}
    """
    labels: dict[str, str] = config()["labels"]
    return {col: labels.get(col, col) for col in columns}


def agency_labels(agency: pd.Series) -> pd.Series:
    """Readable agency names from the figures' style (``health_acute`` → ``Hospital (acute)``), as ``str``.

    Examples
    --------
    >>> agency_labels(pd.Series(["police", "health_acute", "unknown_code"])).tolist()
    ['Police', 'Hospital (acute)', 'unknown_code']
    """
    from ..plot.style import agency_labels as style_labels

    names = style_labels()
    text = agency.astype("str")
    return text.map(names).fillna(text).astype("str")


def event_type_labels(event_type: pd.Series) -> pd.Series:
    """Readable event types from the figures' style (``police_callout`` → ``Police callout``).

    Examples
    --------
    >>> event_type_labels(pd.Series(["police_callout", "self_harm"])).tolist()
    ['Police callout', 'Self-harm']
    """
    from ..plot.style import event_type_label

    return _relabel(event_type, event_type_label)


def theme_labels(theme: pd.Series) -> pd.Series:
    """Readable theme names from the theme taxonomy (ids without a label are shown readably)."""
    from ..plot.style import theme_label

    return _relabel(theme, theme_label)


def _relabel(values: pd.Series, label_of: Any) -> pd.Series:
    text = values.astype("str")
    mapping = {code: label_of(code) for code in text.dropna().unique()}
    return text.map(mapping).astype("str")


def to_wall_time(values: pd.Series) -> pd.Series:
    """Time-zone-aware datetimes as naive Europe/London wall-clock time (others unchanged).

    Excel has no time zones: a report shows the time a practitioner in England would have read on
    the clock (BST in summer, GMT in winter).

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2024-07-01 09:00"]).tz_localize("Europe/London"))
    >>> to_wall_time(s).tolist()
    [Timestamp('2024-07-01 09:00:00')]
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(TZ).dt.tz_localize(None)
    return values


def display_dates(events: pd.DataFrame, column: str = "start") -> pd.Series:
    """Dates as a reviewer reads them, at the precision they are known (vectorised).

    ``minute`` → ``12/03/2024 14:10``, ``day`` → ``12/03/2024``, ``week`` → ``w/c 11/03/2024``,
    ``month`` → ``Mar 2024``, ``year`` → ``2024``; a date the source marked uncertain starts
    with ``?``. Formats come from ``report.toml``. Missing dates give ``""``.

    Examples
    --------
    >>> ev = pd.DataFrame({"start": pd.to_datetime(["2024-03-12 14:10", "2024-03-01 00:00"]).tz_localize("Europe/London"),
    ...                    "precision": ["minute", "month"], "uncertain": [False, True]})
    >>> display_dates(ev).tolist()
    ['12/03/2024 14:10', '?Mar 2024']
    """
    fmts: dict[str, str] = config()["dates"]
    when = to_wall_time(events[column])
    if "precision" in events:
        precision = events["precision"].astype("str").fillna("minute")
    else:
        precision = pd.Series("minute", index=events.index)
    levels = ["minute", "day", "week", "month", "year"]
    choices = [when.dt.strftime(fmts[lvl]).fillna("").to_numpy() for lvl in levels]
    conds = [(precision == lvl).to_numpy() for lvl in levels]
    out = pd.Series(np.select(conds, choices, default=choices[0]), index=events.index, dtype="str")
    out = out.where(when.notna(), "")
    if "uncertain" in events:
        unsure = events["uncertain"].fillna(False).astype(bool) & when.notna()
        out = out.where(~unsure, fmts["uncertain_prefix"] + out)
    return out


def _as_text(values: pd.Series) -> pd.Series:
    """Object values (dicts, lists, numbers mixed with text) as readable ``str``."""

    def one(v: Any) -> str:
        if isinstance(v, str):
            return v
        if isinstance(v, dict | list | tuple):
            return json.dumps(v, ensure_ascii=False, default=str)
        return str(v)

    return values.map(one, na_action="ignore").astype("str")


def plain_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with cells a report can show: wall-clock datetimes, text for categories,
    objects and booleans ("Yes"/"No"), agency codes as names (columns ``agency``, ``*_agency``),
    durations as days (column renamed ``... (days)``)."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        name = col
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = to_wall_time(s)
        elif pd.api.types.is_timedelta64_dtype(s.dtype):
            s = s.dt.total_seconds() / 86400
            name = f"{col} (days)"
        elif pd.api.types.is_bool_dtype(s.dtype):
            s = s.map({True: "Yes", False: "No"}).astype("str")
        elif isinstance(s.dtype, pd.CategoricalDtype):
            s = agency_labels(s) if str(col).endswith("agency") else s.astype("str")
        elif s.dtype == object:
            s = _as_text(s)
        out[name] = s
    return pd.DataFrame(out, index=frame.index)


def event_table(c: Chronology) -> pd.DataFrame:
    """The integrated chronology as a report table: canonical columns in reading order with
    readable headers (``report.toml``), then any unmapped source columns under their own
    headings. Values are not yet made safe."""
    ev = c.events
    order = [
        "case_id",
        "start",
        "end",
        "precision",
        "uncertain",
        "agency",
        "service",
        "event_type",
        "description",
        "action",
        "child_seen",
        "child_voice",
        "practitioner",
        "source",
        "source_sheet",
        "source_row",
        "event_id",
    ]
    extra = [col for col in ev.columns if col not in order]
    table = ev[[col for col in order if col in ev.columns] + extra].copy()
    table["agency"] = agency_labels(table["agency"])
    table["event_type"] = event_type_labels(table["event_type"])
    return table.rename(columns=event_labels(list(table.columns)))


def themes_table(c: Chronology) -> pd.DataFrame:
    """Theme tags joined to their events: date, agency, theme, polarity, evidence, rule, what
    happened, source and row (tags the events first when ``c.tags`` is ``None``)."""
    tags = c.tags if c.tags is not None else c.tag().tags
    assert tags is not None
    ev = c.events[
        ["event_id", "case_id", "start", "precision", "uncertain", "agency", "description", "source", "source_row"]
    ]
    joined = tags.merge(ev, on="event_id", how="left", validate="many_to_one")
    joined["agency"] = agency_labels(joined["agency"])
    if "label" in joined.columns:  # the taxonomy's own label travels with each tag
        joined["theme"] = joined["label"].fillna(joined["theme"]).astype("str")
        joined = joined.drop(columns="label")
    else:
        joined["theme"] = theme_labels(joined["theme"])
    front = ["case_id", "start", "agency", "theme", "polarity", "evidence", "rule", "description"]
    back = ["source", "source_row", "event_id"]
    rest = [col for col in tags.columns if col not in front + back]
    cols = [col for col in front + rest + back if col in joined.columns]
    table = joined[cols].sort_values(["case_id", "start", "theme"], kind="stable").reset_index(drop=True)
    return table.rename(columns=event_labels(list(table.columns)))


def summary_table(c: Chronology) -> pd.DataFrame:
    """Events per agency: count, first and last date, child seen (yes / recorded)."""
    ev = c.events
    if ev.empty:
        return pd.DataFrame(
            {"Agency": pd.Series(dtype="str"), "Events": pd.Series(dtype="int64"),
             "First": pd.Series(dtype="str"), "Last": pd.Series(dtype="str"),
             "Child seen": pd.Series(dtype="int64"), "Seen recorded": pd.Series(dtype="int64")}
        )
    grouped = ev.groupby("agency", observed=True)
    table = pd.DataFrame(
        {
            "Events": grouped.size(),
            "First": grouped["start"].min(),
            "Last": grouped["start"].max(),
            "Child seen": grouped["child_seen"].sum(),
            "Seen recorded": grouped["child_seen"].count(),
        }
    )
    table["First"] = to_wall_time(table["First"]).dt.strftime("%d/%m/%Y")
    table["Last"] = to_wall_time(table["Last"]).dt.strftime("%d/%m/%Y")
    table.index = agency_labels(pd.Series(table.index.astype("str"))).to_numpy()
    table = table.rename_axis("Agency").reset_index()
    table["Child seen"] = table["Child seen"].astype("int64")
    return table


# ---------------------------------------------------------------------- what a reader sees
@dataclasses.dataclass(frozen=True)
class Section:
    """One section of the reports: its anchor (``key``), heading, the analysis table it shows
    (``table``, a name of :data:`VIEW_NAMES`, or ``None`` for a figure or summary), a note that
    explains it to a reader and the name of its Excel sheet.

    A section with a ``table`` is written by every report from this entry alone (heading, note and
    the table's reader view); only the summary, the figures and the chronology are drawn by
    writer-specific code."""

    key: str
    heading: str
    table: str | None = None
    note: str = ""
    #: the Excel sheet that shows the section (by default its heading, cut to Excel's 31 characters)
    sheet: str | None = None


#: The sections of the reports, in reading order: the HTML and Word reports follow it (Word leaves
#: out the figures), the Excel workbook has a sheet for each section with a table. The whole
#: chronology comes first; detail and the tables that explain it follow.
SECTIONS: list[Section] = [
    Section("summary", "Summary"),
    Section("timeline", "Timeline",
            note="The whole chronology: one lane per agency; bars are stays, admissions, placements and "
                 "custody; hatched bars are dates known only to the week or month; shaded bands are gaps; "
                 "hover a mark for its source file and row."),
    Section("gaps", "Gaps", "Gaps",
            "Periods with no recorded contact from any agency (or within one agency), longest first."),
    Section("breaches", "Timescale breaches", "Breaches",
            "Statutory timescales that were not met. Time taken is in the unit of the limit.",
            sheet="Breaches"),
    Section("met", "Timescales met or still open", "Timescales met",
            "Every other statutory timescale checked: met, or open (no end recorded, or not yet due).",
            sheet="Timescales met"),
    Section("missing", "Missing follow-ups", "Missing follow-ups",
            "Follow-ups expected after an event that were recorded late or not at all."),
    Section("voice", "The child seen and heard", "Voice",
            "Per agency and month: events where the child was recorded as seen, not seen, or where the "
            "record does not say; and events that record the child's own words or views. A share reads "
            "\"not recorded\" when no event of that month said whether the child was seen.",
            sheet="Voice"),
    Section("silences", "Longest stretches with the child not seen or not heard", "Silences",
            "Stretches of consecutive events in which the child was not recorded as seen (or had no "
            "views recorded), longest first.",
            sheet="Silences"),
    Section("duplicates", "Possible duplicates", "Duplicates",
            "The same event told by two agencies (similar text on the same day); nothing is merged. "
            "Similarity is out of 100; the main record is the one kept if you merge them.",
            sheet="Duplicates"),
    Section("activity", "Activity by agency and week"),
    Section("themes", "Learning themes", "Top themes",
            "Score: 3 for each pattern across events (e.g. a discharge into custody within hours), 1 for "
            "each event of concern, 0.25 for each event showing strength. Evidence is the strongest "
            "event for the theme.",
            sheet="Themes"),
    Section("prompts", "Questions for reflective supervision", "Prompts",
            "Questions for the review panel, each quoting the dated evidence it comes from.",
            sheet="Prompts"),
    Section("chronology", "Integrated chronology", sheet="Chronology"),
    Section("rejects", "Rejected rows", "Rejects",
            "Input rows that could not become events, with the reason and how to fix them.",
            sheet="Rejects"),
    Section("provenance", "Provenance", "Provenance",
            "For each file: rows read = events + rejected + blank rows + repeated header rows, and how "
            "its columns and dates were read."),
]


def section(key: str) -> Section:
    """The :data:`SECTIONS` entry with this key."""
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(key)


def section_heading(sec: Section, c: Chronology, *, gap_days: float) -> str:
    """A section's heading as the reports print it: the gap threshold and the number of rejected
    rows filled in, other headings as :data:`SECTIONS` writes them.

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.samples.load("cassie")
    >>> section_heading(section("gaps"), c, gap_days=14), section_heading(section("voice"), c, gap_days=14)
    ('Gaps of 14 days or more', 'The child seen and heard')
    """
    if sec.key == "gaps":
        return f"Gaps of {gap_days:g} days or more"
    if sec.key == "rejects":
        return f"Rejected rows ({len(c.rejects)})"
    return sec.heading


class Analyses:
    """The analysis results one report shows, each computed once, on demand, through the
    chronology's ``tables()`` (:mod:`chronology.analysis`), and their reader views.

    ``frame(name)`` is the result behind a :data:`VIEW_NAMES` table (``"Gaps"`` is the ``gaps``
    table with ``min_days=min_gap_days``, ``"Breaches"`` and ``"Timescales met"`` both the
    ``breaches`` table of ``timescales``, ``"Top themes"`` and ``"Prompts"`` those of the tagged
    chronology...) or of ``"Intervals"`` (the ``intervals`` table of ``intervals``);
    ``view(name)`` is its :func:`reader_view`.

    Examples
    --------
    >>> import chronology as chron
    >>> a = Analyses(chron.samples.load("cassie"))
    >>> a.view("Breaches").frame["Result"].unique().tolist()
    ['Breached']
    """

    def __init__(self, c: Chronology, *, intervals: Interval | Sequence[Interval] | None = None,
                 timescales: Sequence[Interval] | PathLike | None = None,
                 expectations: Expect | Sequence[Expect] | None = None,
                 min_gap_days: float | None = None) -> None:
        self.c = c
        self.intervals = intervals
        self.timescales = timescales
        self.expectations = expectations
        self.min_gap_days = float(config()["analysis"]["gap_min_days"]) if min_gap_days is None else min_gap_days
        self.several_cases = len(c.case_ids) > 1
        self._frames: dict[str, pd.DataFrame] = {}
        self._tagged: Chronology | None = None

    def tagged(self) -> Chronology:
        """The chronology with its theme tags (tagged once, when it has none)."""
        if self._tagged is None:
            self._tagged = self.c if self.c.tags is not None else self.c.tag()
        return self._tagged

    def frame(self, name: str) -> pd.DataFrame:
        """The analysis result behind the table ``name``: the chronology's own rejects and
        provenance, or the analysis table it asks ``tables()`` for (:data:`_REQUESTS`)."""
        source = _SAME_SOURCE.get(name, name)
        if source not in self._frames:
            if source in ("Rejects", "Provenance"):
                self._frames[source] = getattr(self.c, source.lower())
            else:
                table, options = _REQUESTS[source](self)
                chron = self.tagged() if table in TAGGED_TABLES else self.c
                frame = chron.tables({table: options})[table]
                # a gap names its events by id: their text is joined here, for display
                self._frames[source] = describe(frame, self.c.events) if table == "gaps" else frame
        return self._frames[source]

    def view(self, name: str, frame: pd.DataFrame | None = None) -> View:
        """The reader view of the table ``name`` (of ``frame`` when given, else of its result)."""
        shown = self.frame(name) if frame is None else frame
        return reader_view(shown, name, several_cases=self.several_cases)


def _intervals(a: Analyses) -> tuple[str, dict[str, Any]]:
    """The report's interval rules (which it must have)."""
    assert a.intervals is not None
    return "intervals", {"rules": a.intervals}


#: the analysis table (of :data:`chronology.analysis.TABLES`) and options behind each table shown
_REQUESTS: dict[str, Callable[[Analyses], tuple[str, dict[str, Any]]]] = {
    "Gaps": lambda a: ("gaps", {"min_days": a.min_gap_days}),
    "Intervals": _intervals,
    "Breaches": lambda a: ("breaches", {"rules": a.timescales}),
    "Missing follow-ups": lambda a: ("missing", {"expectations": a.expectations}),
    "Voice": lambda a: ("voice", {}),
    "Silences": lambda a: ("silences", {}),
    "Duplicates": lambda a: ("duplicates", {}),
    "Top themes": lambda a: ("top_themes", {}),
    "Prompts": lambda a: ("prompts", {}),
}
#: tables that show another's result (the timescales met are the breaches' other rows)
_SAME_SOURCE = {"Timescales met": "Breaches"}


#: kinds of reader columns, which each writer renders its own way
Kind = str  # "date", "month", "percent", "number", "text"


@dataclasses.dataclass(frozen=True)
class View:
    """An analysis table as a reader sees it.

    ``frame`` has the reader's columns first, under readable headers, with readable values (wall-clock
    datetimes, agency and type names, results in words); ``kinds`` says how to show each of them
    (``"date"``, ``"month"``, ``"percent"``, ``"number"``, ``"text"``); ``rest`` holds the other columns
    of the result (internal ids and raw measures) for the Excel sheet; ``flag`` marks rows to highlight.
    """

    name: str
    frame: pd.DataFrame
    kinds: dict[str, Kind]
    rest: pd.DataFrame
    flag: pd.Series | None = None


def _views() -> dict[str, dict[str, str]]:
    views: dict[str, dict[str, str]] = config()["views"]
    return views


def words(values: pd.Series) -> pd.Series:
    """Codes in results (``not_seen``, ``not_recorded``...) in words, from ``report.toml``.

    Examples
    --------
    >>> words(pd.Series(["not_recorded", "met", "something else"])).tolist()
    ['Not recorded', 'Met', 'something else']
    """
    table: dict[str, str] = config()["words"]
    text = values.astype("str")
    return text.map(lambda v: table.get(v, v), na_action="ignore").astype("str")



def codes_in_text(text: pd.Series) -> pd.Series:
    """Agency codes written in brackets inside generated text (``"(health_camhs)"``) as names.

    Examples
    --------
    >>> codes_in_text(pd.Series(["missed appointment (health_camhs), 7 May 2024"])).tolist()
    ['missed appointment (CAMHS), 7 May 2024']
    """
    from ..plot.style import agency_labels as style_labels

    names = style_labels()
    pattern = r"\((" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\)"
    return text.astype("str").str.replace(pattern, lambda m: f"({names[m.group(1)]})", regex=True)


def format_words(fmt: str) -> str:
    """A strftime format as a reader writes it: ``"%d/%m/%Y %H:%M"`` → ``"dd/mm/yyyy hh:mm"``.

    Examples
    --------
    >>> format_words("%d/%m/%Y %H:%M"), format_words("%d-%b-%Y"), format_words("date cell")
    ('dd/mm/yyyy hh:mm', 'dd-Mon-yyyy', 'Excel date cells')
    """
    table: dict[str, str] = config()["format_words"]
    if fmt in table:
        return table[fmt]
    return re.sub(r"%-?[A-Za-z]", lambda m: table.get(m.group(0).replace("-", ""), m.group(0)), fmt)


def _role_words(role: Any) -> str:
    table: dict[str, str] = config()["words"]
    labels: dict[str, str] = config()["labels"]
    role = str(role)
    return table.get(role, labels.get(role, role.replace("_", " ")))


def mapping_words(mapping: Any, inferred: Any = None) -> str:
    """A file's column mapping in words: ``"Details → what happened; Date/Time → date and time"``;
    with the inference record of issue 14 (a list of ``{"column", "role", "by", "confidence"...}``),
    how each role was found: ``"Details → what happened (heading and content, 0.95)"``.

    Examples
    --------
    >>> mapping_words({"Date/Time": "datetime", "Details": "description"})
    'Date/Time → date and time; Details → what happened'
    >>> mapping_words({"Details": "description"},
    ...               [{"column": "Details", "role": "description", "by": "heading+content", "confidence": 0.95}])
    'Details → what happened (heading and content, 0.95)'
    """
    how: dict[str, str] = {}
    if isinstance(inferred, list | tuple):
        for rec in inferred:
            if not isinstance(rec, dict) or "column" not in rec:
                continue
            bits = []
            if rec.get("by"):
                bits.append(_role_words(rec["by"]))
            conf = rec.get("confidence")
            if isinstance(conf, int | float) and not isinstance(conf, bool):
                bits.append(f"{conf:.2f}")
            if bits:
                how[str(rec["column"])] = " (" + ", ".join(bits) + ")"
            if not isinstance(mapping, dict) and rec.get("role"):
                mapping = {**(mapping or {}), str(rec["column"]): rec["role"]}
    if not isinstance(mapping, dict) or not mapping:
        return ""
    return "; ".join(f"{k} → {_role_words(v)}{how.get(str(k), '')}" for k, v in mapping.items())


def date_format_words(formats: Any) -> str:
    """The date formats a file was read with, and how many cells each read.

    Examples
    --------
    >>> date_format_words({"%d/%m/%Y %H:%M": 10, "date cell": 3})
    'dd/mm/yyyy hh:mm (10 cells); Excel date cells (3 cells)'
    """
    if isinstance(formats, dict):
        return "; ".join(
            f"{format_words(str(k))} ({v} cell{'s' * (v != 1)})" if isinstance(v, int) else format_words(str(k))
            for k, v in formats.items()
        )
    if isinstance(formats, list | tuple):
        return "; ".join(format_words(str(f)) for f in formats)
    return "" if formats is None else str(formats)


_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _provenance_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    inferred = out["inferred"] if "inferred" in out.columns else pd.Series(None, index=out.index, dtype=object)
    if "mapping" in out.columns or "inferred" in out.columns:
        mapping = out["mapping"] if "mapping" in out.columns else pd.Series(None, index=out.index, dtype=object)
        out["mapping"] = pd.Series(
            [mapping_words(m, i) for m, i in zip(mapping, inferred, strict=True)], index=out.index, dtype="str"
        )
    if "date_formats" in out.columns:
        out["date_formats"] = out["date_formats"].map(date_format_words).astype("str")
    if "format" in out.columns:
        out["format"] = out["format"].astype("str").str.upper().str.replace("XLSX", "Excel").str.replace("DOCX", "Word")
    if "delimiter" in out.columns:
        out["delimiter"] = out["delimiter"].map(lambda d: _DELIMITERS.get(d, d), na_action="ignore")
    if "agency" in out.columns:
        out["agency"] = agency_labels(out["agency"].astype("str"))
    for col in ("notes", "encoding", "source_sheet", "delimiter"):
        if col in out.columns:
            out[col] = _as_text(out[col])
    return out.drop(columns=[c for c in ("inferred",) if c in out.columns])


def reader_view(frame: pd.DataFrame, name: str, *, several_cases: bool = False) -> View:
    """An analysis result (``c.gaps()``, ``c.breaches()``...) as a reader sees it (see :class:`View`).

    ``name`` is one of :data:`VIEW_NAMES`; ``"Breaches"`` keeps the breached checks only and
    ``"Timescales met"`` the others. The frame is not modified.

    Examples
    --------
    >>> import chronology as chron
    >>> v = reader_view(chron.samples.load("cassie").breaches(), "Breaches")
    >>> list(v.frame.columns[:5]), v.frame["Result"].unique().tolist()
    (['Timescale', 'Result', 'From', 'To', 'Time taken'], ['Breached'])
    """
    spec_name = "Breaches" if name == "Timescales met" else name
    spec = dict(_views().get(spec_name, {}))
    df, flag = _view_rows(frame, name, spec_name)
    if spec_name == "Provenance":
        df = _provenance_frame(df)
    if several_cases and "case_id" in df.columns:
        spec = {"case_id": "Case", **spec}
    cols: dict[str, pd.Series] = {}
    kinds: dict[str, Kind] = {}
    for col, header in spec.items():
        if col == "took":
            if {"limit", "days"} <= set(df.columns):
                cols[header], kinds[header] = _time_taken(df), "text"
            continue
        if col in df.columns:
            cols[header], kinds[header] = _reader_column(df, col, spec_name)
    shown = pd.DataFrame(cols, index=df.index)
    rest = df[[c for c in df.columns if c not in spec and c != "breached"]]
    return View(name, shown, kinds, rest, flag)


def _view_rows(frame: pd.DataFrame, name: str, spec_name: str) -> tuple[pd.DataFrame, pd.Series | None]:
    """The rows a view shows (the breached checks, or the others, of a breaches result), renumbered,
    and which of them to highlight."""
    df = frame
    flag = None
    if spec_name == "Breaches" and "breached" in df.columns:
        breached = df["breached"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        df = df[breached] if name == "Breaches" else df[~breached]
        flag = pd.Series(name == "Breaches", index=df.index)
    df = df.reset_index(drop=True)
    if flag is not None:
        flag = flag.reset_index(drop=True)
    return df, flag


def _time_taken(df: pd.DataFrame) -> pd.Series:
    """The time a check took, in words against its limit."""
    from ..plot import against_limit

    taken: pd.Series = against_limit(df)[0]
    return taken


def _reader_column(df: pd.DataFrame, col: str, spec_name: str) -> tuple[pd.Series, Kind]:
    """One column of a result with readable values, and its kind."""
    s = df[col]
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        return to_wall_time(s), "month" if col == "period" else "date"
    named = _named_values(s, col, spec_name)
    if named is not None:
        return named, "text"
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean").map({True: "Yes", False: "No"}).astype("str"), "text"
    if col.startswith("share_"):
        return _shares(df, col), "percent"
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s, "number"
    if s.dtype == object:
        return _as_text(s), "text"
    return s, "text"


def _named_values(s: pd.Series, col: str, spec_name: str) -> pd.Series | None:
    """Codes in a column shown as names or words (agencies, event types, themes, results), or
    ``None`` for a column that holds none."""
    if col.endswith("agency"):
        s = agency_labels(s)
        if spec_name == "Gaps" and col == "agency":  # a gap across every agency has no agency
            s = s.fillna("All agencies")
        return s
    if col == "event_type":
        return event_type_labels(s)
    if col == "theme":
        return theme_labels(s)
    if col in ("status", "kind"):
        return words(s)
    if col in ("evidence", "prompt"):
        return codes_in_text(s)
    return None


def _shares(df: pd.DataFrame, col: str) -> pd.Series:
    """A share as a float, missing where nothing was recorded (the child seen: neither way)."""
    s = df[col].astype("float64")
    if col == "share_seen" and {"seen", "not_seen"} <= set(df.columns):
        recorded = (df["seen"] + df["not_seen"]) > 0
        s = s.where(recorded.to_numpy())
    return s


#: the analysis tables :func:`reader_view` knows
VIEW_NAMES = ["Gaps", "Breaches", "Timescales met", "Missing follow-ups", "Voice", "Silences", "Duplicates",
              "Prompts", "Top themes", "Rejects", "Provenance"]


def view_text(view: View, *, date_format: str | None = None) -> pd.DataFrame:
    """Every column of ``view.frame`` as display text (``str``): dates dd/mm/yyyy (with the time
    unless midnight), months ``Mar 2024``, shares ``67%`` (``not recorded`` when missing), numbers
    without a trailing ``.0``, missing values empty.

    Examples
    --------
    >>> v = View("x", pd.DataFrame({"Share": [2 / 3, float("nan")], "Days": [3.0, 12.5]}),
    ...          {"Share": "percent", "Days": "number"}, pd.DataFrame())
    >>> view_text(v).values.tolist()
    [['67%', '3'], ['not recorded', '12.5']]
    """
    out: dict[str, pd.Series] = {}
    for col, s in view.frame.items():
        kind = view.kinds.get(str(col), "text")
        if kind == "date":
            t = s.dt.strftime("%d/%m/%Y %H:%M").where(s != s.dt.normalize(), s.dt.strftime("%d/%m/%Y"))
        elif kind == "month":
            t = s.dt.strftime("%b %Y")
        elif kind == "percent":
            t = (s * 100).round(0).astype("Int64").astype("str") + "%"
            t = t.fillna("not recorded")
        elif kind == "number":
            t = s.astype("Float64").round(1).astype("str").str.replace(r"\.0$", "", regex=True)
        else:
            t = s.astype("str")
        out[str(col)] = t.astype("str").fillna("")
    return pd.DataFrame(out, index=view.frame.index)
