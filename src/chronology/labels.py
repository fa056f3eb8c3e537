"""Reviewer-confirmed theme labels: accept, reject or add a tag, read the decisions back, and let
them override the tagger in every output.

The round trip:

1. ``c.to_excel(path)`` writes a ``Themes`` sheet with one row per tag and four columns for the
   reviewer: ``Accept`` (a drop-down ``yes`` / ``no``; blank = not reviewed), ``Reviewer``,
   ``Date decided`` and ``Note``. The tinted rows below the last tag are for tags the tagger missed:
   write the ``Event id`` (copy it from the ``Chronology`` sheet), the ``Theme`` (its id or its
   label) and the ``Polarity`` (``concern`` or ``strength``).
2. :func:`read_labels` reads the sheet back (or a CSV with the same columns, or a DataFrame),
   checks every value and returns one row per decision, with who decided, when, and where the
   decision was written (file, sheet, row).
3. :meth:`Chronology.with_labels <chronology.Chronology.with_labels>` returns a Chronology whose
   tags drop the rejected tags, add the added ones and mark the accepted ones
   (``confirmed=True``); the summaries, prompts, reports and timeline read those tags. The labels
   are kept on the object (``c.labels``), so tagging again (``c.tag()``) keeps the decisions.
4. :func:`gold_from_labels` turns the decisions into a gold set (``event_id, theme, polarity``) for
   scoring the tagger.

In JupyterLab the same decisions are made in the "Review themes" panel of
:func:`chronology.explore` (:mod:`chronology.plot.review`): each is a :func:`label_row`, merged
with the others (:func:`merge_labels`) and applied through ``with_labels``; "Save decisions" writes
them with :func:`write_labels`, a CSV :func:`read_labels` reads back to an equal table.

How a row is read (``Accept`` is case-insensitive; ``y``, ``true``, ``1`` and ``n``, ``false``,
``0`` are also understood):

- a tag the tagger wrote: ``yes`` is ``accept``, ``no`` is ``reject``, blank is not reviewed;
- a row the reviewer filled in: ``yes`` or blank is ``add``, ``no`` is ``reject`` (the event does
  not evidence that theme: a negative label).

A tagger's row is one with a ``Rule`` or ``Found in`` value. A decision is about an event, a theme
and a polarity (the tagger may have written two rows for them, a text and a structural one): the
same decision on both is read once; opposite decisions are an error naming both rows. A file may
instead have a ``decision`` column (``accept``, ``reject``, ``add``), as a saved labels table has.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .errors import ChronologyError, ColumnMappingError, SourceReadError

__all__ = [
    "LABEL_COLUMNS",
    "LabelError",
    "ReviewedLike",
    "apply_labels",
    "empty_labels",
    "gold_from_labels",
    "label_row",
    "merge_labels",
    "read_labels",
    "write_labels",
]



class ReviewedLike(Protocol):
    """What :func:`read_labels` needs of a chronology to check labels against it: its ``events``
    (the event ids) and its ``tags`` (their themes), e.g. a :class:`~chronology.Chronology`."""

    @property
    def events(self) -> pd.DataFrame: ...

    @property
    def tags(self) -> pd.DataFrame | None: ...


#: Columns of a labels table, in order.
LABEL_COLUMNS: list[str] = [
    "event_id", "theme", "polarity", "decision", "reviewer", "decided_at", "note",
    "source", "source_sheet", "source_row",
]

#: The reviewer's columns of the Themes sheet, as headed there.
REVIEW_HEADERS: dict[str, str] = {
    "accept": "Accept",
    "reviewer": "Reviewer",
    "decided_at": "Date decided",
    "note": "Note",
}

_DT = pd.DatetimeTZDtype(unit="us", tz="Europe/London")
_YES = {"yes", "y", "true", "1", "accept", "accepted", "✓", "✔"}
_NO = {"no", "n", "false", "0", "reject", "rejected", "✗", "✘"}
_DECISIONS = {"accept": "accept", "accepted": "accept", "yes": "accept", "reject": "reject",
              "rejected": "reject", "no": "reject", "add": "add", "added": "add"}
_POLARITIES = ("concern", "strength")
# headings (lower case, without a bracketed remark, "_" as a space) -> field
_HEADINGS: dict[str, str] = {
    "event id": "event_id", "event": "event_id", "theme id": "theme_id", "theme": "theme",
    "polarity": "polarity", "accept": "accept", "accepted": "accept", "decision": "decision",
    "reviewer": "reviewer", "reviewed by": "reviewer", "date decided": "decided_at",
    "decided at": "decided_at", "decided": "decided_at", "note": "note", "notes": "note",
    "reviewer note": "note", "rule": "rule", "found in": "kind", "kind": "kind",
}


class LabelError(ChronologyError):
    """A reviewer's labels file or table has a value that cannot be read (the message names the
    file, sheet, row, column and value, and how to fix it)."""


def empty_labels() -> pd.DataFrame:
    """A labels table with no rows.

    Examples
    --------
    >>> empty_labels().columns.tolist()
    ['event_id', 'theme', 'polarity', 'decision', 'reviewer', 'decided_at', 'note', 'source', 'source_sheet', 'source_row']
    """
    out = pd.DataFrame({c: pd.Series(dtype="str") for c in LABEL_COLUMNS})
    out["decided_at"] = pd.Series(dtype=_DT)
    out["source_row"] = pd.Series(dtype="int64")
    return out


def label_row(
    event_id: str,
    theme: str,
    polarity: str | None,
    decision: str,
    reviewer: str,
    *,
    note: str | None = None,
    decided_at: Any = None,
    source: str = "explorer",
    source_row: int = 1,
) -> pd.DataFrame:
    """One decision as a labels table (the columns and dtypes of :func:`empty_labels`), e.g. one
    made in the explorer; add it to others with :func:`merge_labels`.

    Parameters
    ----------
    event_id, theme
        The event and the theme's id.
    polarity
        ``concern`` or ``strength``; ``None``: any polarity (not for ``add``).
    decision
        ``accept``, ``reject`` or ``add``.
    reviewer
        Who decided (surrounding spaces removed); must not be empty.
    note
        Optional; blank is missing.
    decided_at
        When (naive times are London's); by default now, to the second.
    source, source_row
        Where the decision was made: by default ``"explorer"`` and its number there.

    Raises
    ------
    LabelError
        An empty reviewer, an unknown decision or polarity, or an added tag without a polarity.

    Examples
    --------
    >>> row = label_row("x:1", "child_voice", "concern", "reject", " J. Reid ", decided_at="2026-12-04 10:30")
    >>> row[["event_id", "decision", "reviewer", "decided_at", "source"]].values.tolist()
    [['x:1', 'reject', 'J. Reid', Timestamp('2026-12-04 10:30:00+0000', tz='Europe/London'), 'explorer']]
    >>> label_row("x:1", "child_voice", "concern", "reject", "  ")
    Traceback (most recent call last):
    ...
    chronology.labels.LabelError: explorer, row 1, column 'reviewer': '': no reviewer; write who decides (a name or role), so that the decision keeps who made it
    """
    where: dict[str, Any] = {"file": source, "row": source_row}
    who = str(reviewer or "").strip()
    if not who:
        raise LabelError("no reviewer", column="reviewer", value=who, **where,
                         hint="write who decides (a name or role), so that the decision keeps who made it")
    if decision not in ("accept", "reject", "add"):
        raise LabelError("not a decision", column="decision", value=decision, **where,
                         hint="use accept, reject or add")
    if polarity is not None and polarity not in _POLARITIES:
        raise LabelError("not a polarity", column="polarity", value=polarity, **where,
                         hint="use concern or strength")
    if polarity is None and decision == "add":
        raise LabelError("an added tag needs a polarity", column="polarity", value=None, **where,
                         hint="use concern or strength")
    when = pd.Timestamp.now(tz="Europe/London").floor("s") if decided_at is None else pd.Timestamp(decided_at)
    when = when.tz_localize("Europe/London") if when.tzinfo is None else when.tz_convert("Europe/London")
    text = (note or "").strip()
    out = empty_labels()
    out.loc[0] = [event_id, theme, polarity, decision, who, when, text or None, source, None, source_row]
    return out.astype(empty_labels().dtypes.to_dict())


def write_labels(
    labels: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    chronology: ReviewedLike | None = None,
    taxonomy: Any = None,
) -> pd.DataFrame:
    """Write decisions to a ``.csv`` that :func:`read_labels` reads back, and return them as it
    reads them (``source`` the file's name, ``source_sheet`` missing, ``source_row`` the CSV row).

    The file has the columns ``event_id, theme, polarity, decision, reviewer, decided_at, note``
    (times in ISO form with their offset), UTF-8. ``labels`` is not modified; the file is
    replaced.

    Parameters
    ----------
    labels
        A labels table (:func:`read_labels`, :func:`label_row`, ``c.labels``).
    path
        The ``.csv`` file to write.
    chronology, taxonomy
        Passed to :func:`read_labels` when the file is read back (themes of another taxonomy).

    Raises
    ------
    LabelError
        ``path`` is not a ``.csv``, or the labels lack a column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> row = label_row("x:1", "child_voice", "concern", "accept", "J. Reid", decided_at="2026-12-04 10:30")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "decisions.csv"
    >>> back = write_labels(row, path)
    >>> back.equals(read_labels(path)), back[["source", "source_row"]].values.tolist()
    (True, [['decisions.csv', 2]])
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise LabelError("decisions are written to a .csv file", file=path.name,
                         hint="give a file name ending in .csv")
    missing = [c for c in LABEL_COLUMNS[:7] if c not in labels]
    if missing:
        raise LabelError("the labels have no such column", column=missing[0], file=path.name,
                         hint="write a labels table from read_labels(), label_row() or c.labels")
    out = labels[LABEL_COLUMNS[:7]].copy()
    when = pd.to_datetime(out["decided_at"])
    out["decided_at"] = when.dt.strftime("%Y-%m-%dT%H:%M:%S.%f%z") if isinstance(
        when.dtype, pd.DatetimeTZDtype) else when.dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
    out.to_csv(path, index=False, encoding="utf-8")
    return read_labels(path, chronology=chronology, taxonomy=taxonomy)


# ---------------------------------------------------------------------- reading
def read_labels(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    chronology: ReviewedLike | None = None,
    sheet: str | None = None,
    taxonomy: Any = None,
) -> pd.DataFrame:
    """Read a reviewer's decisions on theme tags from the Excel workbook, a CSV or a DataFrame.

    Parameters
    ----------
    source
        The workbook written by :meth:`Chronology.to_excel` and edited by the reviewer (its
        ``Themes`` sheet), a ``.csv`` file with the same columns, or a DataFrame with them. Needed:
        ``Event id``, ``Theme`` (or ``Theme id``) and ``Accept`` (or ``decision``); read when
        present: ``Polarity``, ``Reviewer``, ``Date decided``, ``Note``, ``Rule``, ``Found in``.
        Not modified.
    chronology
        When given, every event id must be one of its events (else checked by
        :meth:`Chronology.with_labels`), and the themes of its tags are known themes.
    sheet
        Excel only: the sheet (default ``"Themes"``, or the only sheet of the workbook).
    taxonomy
        Themes that may be named, as for :func:`chronology.themes.load_taxonomy`; by default the
        brief's themes and the Child Safeguarding Practice Review Panel's. A theme may be written
        as its id (``child_voice``) or its label (``Child's voice``), in any case.

    Returns
    -------
    pandas.DataFrame
        One row per decision, in file order: ``event_id``, ``theme`` (the id), ``polarity``
        (``concern``, ``strength``, or missing: any polarity), ``decision`` (``accept``,
        ``reject`` or ``add``), ``reviewer``, ``decided_at`` (Europe/London), ``note``, and where it
        was written: ``source`` (file name), ``source_sheet``, ``source_row`` (the row a person
        sees in the file; for a DataFrame, its position counting from 1). ``.attrs["counts"]``
        says how many rows were read and what became of them (``rows = decisions + not_reviewed
        + blank + repeated``).

    Raises
    ------
    LabelError
        A value cannot be read: an ``Accept`` that is not yes or no, an unknown theme or
        polarity, a date that is not a date, an added row without its event id, theme or
        polarity, opposite decisions on the same tag, an unknown event id. All problems are
        listed; the first is named in full.
    ColumnMappingError
        A needed column is missing.
    SourceReadError
        The file cannot be opened, or has no such sheet.

    Examples
    --------
    >>> import pandas as pd
    >>> sheet = pd.DataFrame({
    ...     "Event id": ["x:1", "x:2", "x:3", ""],
    ...     "Theme": ["Child's voice", "escalation", "child_voice", ""],
    ...     "Polarity": ["Concern", "Strength", "strength", ""],
    ...     "Rule": ["Views not recorded", "Escalated", "", ""],
    ...     "Accept": ["yes", "no", "", ""],
    ...     "Reviewer": ["J. Reid", "J. Reid", "J. Reid", ""],
    ...     "Date decided": ["03/12/2026", "03/12/2026", "04/12/2026", ""],
    ...     "Note": ["", "only a phone call", "seen alone", ""]})
    >>> labels = read_labels(sheet)
    >>> labels[["event_id", "theme", "polarity", "decision", "source_row"]].values.tolist()
    [['x:1', 'child_voice', 'concern', 'accept', 1], ['x:2', 'escalation', 'strength', 'reject', 2], ['x:3', 'child_voice', 'strength', 'add', 3]]
    >>> labels.attrs["counts"]
    {'rows': 4, 'decisions': 3, 'not_reviewed': 0, 'blank': 1, 'repeated': 0}
    >>> read_labels(sheet.assign(Accept=["yes", "maybe", "", ""]))
    Traceback (most recent call last):
    ...
    chronology.labels.LabelError: <frame>, row 2, column 'Accept': 'maybe': not yes or no; write yes (keep the tag) or no (remove it), or leave it blank (not reviewed)
    """
    table, file, sheet_name = _read_table(source, sheet)
    return _labels_from_table(table, file=file, sheet=sheet_name, chronology=chronology, taxonomy=taxonomy)


def _read_table(
    source: str | os.PathLike[str] | pd.DataFrame, sheet: str | None
) -> tuple[pd.DataFrame, str, str | None]:
    """The raw table (object columns as read, headings as written), its file name and sheet; a
    ``_row`` column holds the row number a person sees."""
    if isinstance(source, pd.DataFrame):
        frame = source.reset_index(drop=True).copy()
        frame.columns = [str(c) for c in frame.columns]
        frame["_row"] = np.arange(1, len(frame) + 1)
        return frame, "<frame>", None
    if not isinstance(source, str | os.PathLike):
        raise LabelError(
            "labels must be a path or a DataFrame",
            value=type(source).__name__,
            hint="pass the reviewed workbook, a .csv with the Themes sheet's columns, or a DataFrame",
        )
    path = Path(source)
    if not path.is_file():
        raise SourceReadError("no such file", file=path, hint="check the path of the reviewed workbook")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path), path.name, None
    if suffix not in (".xlsx", ".xlsm"):
        raise SourceReadError(
            "labels are read from an .xlsx workbook or a .csv file",
            file=path.name,
            hint="save the reviewed Themes sheet as .xlsx or .csv",
        )
    rows, sheet = _sheet_rows(path, sheet)
    return _frame_of_rows(rows), path.name, sheet


def _read_csv(path: Path) -> pd.DataFrame:
    """A labels CSV as text cells, with ``_row`` (the header is row 1)."""
    try:
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SourceReadError(f"cannot read the CSV ({exc})", file=path.name,
                              hint="save it as UTF-8 CSV") from exc
    frame["_row"] = np.arange(2, len(frame) + 2)
    return frame


def _sheet_rows(path: Path, sheet: str | None) -> tuple[list[tuple[Any, ...]], str]:
    """The cell values of the workbook's sheet (default ``Themes``, or its only sheet), and its name."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SourceReadError(f"cannot open the workbook ({type(exc).__name__})", file=path.name,
                              hint="open it in Excel and save it again as .xlsx") from exc
    try:
        names = list(wb.sheetnames)
        if sheet is None:
            sheet = "Themes" if "Themes" in names or len(names) != 1 else names[0]
        if sheet not in names:
            raise SourceReadError(
                "the workbook has no such sheet",
                file=path.name, sheet=sheet,
                hint="the sheets are " + ", ".join(repr(n) for n in names) + "; pass sheet=...",
            )
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    return rows, sheet


def _frame_of_rows(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Sheet rows as a frame: the first row gives the headings (blank and repeated ones dropped),
    the cells stay as read (object columns), ``_row`` is the sheet row."""
    if not rows:
        return pd.DataFrame({"_row": pd.Series(dtype="int64")})
    header = ["" if h is None else str(h) for h in rows[0]]
    width = len(header)
    body = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows[1:]]
    data: dict[str, Any] = {}
    for i, h in enumerate(header):
        if not h.strip() or h in data:
            continue
        data[h] = pd.Series([r[i] for r in body], dtype="object")
    frame = pd.DataFrame(data, index=range(len(body)))
    frame["_row"] = np.arange(2, len(body) + 2)
    return frame


def _field(heading: str) -> str | None:
    key = re.sub(r"\s*[\(\[].*$", "", heading.replace("_", " ")).strip().lower()
    key = re.sub(r"\s+", " ", key)
    return _HEADINGS.get(key)


def _text(values: pd.Series) -> pd.Series:
    """Cells as stripped text (numbers written as numbers are, whole floats without ``.0``);
    blanks as NA."""
    if values.dtype == "object":
        whole = values.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v,
                           na_action="ignore")
        values = whole.astype("str")
    s = values.astype("str").str.strip()
    return s.where(s.str.len().fillna(0) > 0, pd.NA).astype("str")


class _Problems:
    """Problems found while reading, raised together (the first in full, then the others)."""

    def __init__(self, file: str, sheet: str | None) -> None:
        self.file, self.sheet = file, sheet
        self.items: list[dict[str, Any]] = []

    def add(self, rows: Iterable[int], column: str, values: Iterable[Any], message: str, hint: str) -> None:
        for r, v in zip(rows, values, strict=True):
            self.items.append({"row": int(r), "column": column, "value": v, "message": message, "hint": hint})

    def raise_any(self) -> None:
        if not self.items:
            return
        items = sorted(self.items, key=lambda p: p["row"])
        first = items[0]
        hint = first["hint"]
        if len(items) > 1:
            more = "; ".join(f"row {p['row']} column {p['column']!r}: {p['value']!r}" for p in items[1:6])
            hint += f" ({len(items) - 1} more problem{'s' * (len(items) > 2)}: {more}{'...' if len(items) > 6 else ''})"
        raise LabelError(first["message"], file=self.file, sheet=self.sheet, row=first["row"],
                         column=first["column"], value=first["value"], hint=hint)


def _theme_lookup(taxonomy: Any, chronology: ReviewedLike | None) -> tuple[dict[str, str], list[str]]:
    """Lower-cased theme id or label -> theme id; and the ids, for the hint."""
    from .themes import load_taxonomy

    pairs: list[tuple[str, str]] = []
    specs = [taxonomy] if taxonomy is not None else [None, "cspr"]
    for spec in specs:
        tax = load_taxonomy(spec)
        pairs += [(t.id, t.label) for t in tax.themes.values()]
    tags = chronology.tags if chronology is not None else None
    if tags is not None and len(tags):
        both = tags[["theme", "label"] if "label" in tags else ["theme"]].drop_duplicates()
        lab = both["label"] if "label" in both else both["theme"]
        pairs += list(zip(both["theme"].astype("str"), lab.astype("str"), strict=True))
    lookup: dict[str, str] = {}
    for tid, label in pairs:
        for k in (tid, tid.replace("_", " "), label, re.sub(r"\s*\(.*\)\s*$", "", label)):
            lookup.setdefault(_key(k), tid)
    return lookup, list(dict.fromkeys(t for t, _ in pairs))


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).replace("’", "'")).strip().lower()


def _find_theme(text: str, lookup: Mapping[str, str]) -> str | None:
    """The theme named by ``text``: its id or label exactly (any case), else the one theme whose
    label contains ``text`` as whole words ("Child's voice" in "Centring the child's voice");
    ``None`` when there is none or more than one (never a guess between themes)."""
    key = _key(text)
    if key in lookup:
        return lookup[key]
    if len(key) < 4:
        return None
    word = re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)")
    found = {tid for k, tid in lookup.items() if word.search(k)}
    return found.pop() if len(found) == 1 else None


def _labels_from_table(
    table: pd.DataFrame, *, file: str, sheet: str | None, chronology: ReviewedLike | None, taxonomy: Any
) -> pd.DataFrame:
    sheet_ = _Sheet(table, _fields(table, file, sheet), _Problems(file, sheet))
    event_id, theme_text = sheet_.col("event_id"), sheet_.theme_text()
    polarity_text = sheet_.col("polarity")
    decision = _decisions(sheet_, event_id, theme_text, polarity_text)
    has_decision = decision.notna().to_numpy(dtype=bool)
    anything = (event_id.notna() | theme_text.notna() | polarity_text.notna() | sheet_.col("reviewer").notna()
                | sheet_.col("note").notna() | sheet_.col("accept").notna()
                | sheet_.col("decision").notna()).to_numpy(dtype=bool)
    blank = ~anything & ~sheet_.tagger
    _check_needs(sheet_, event_id, theme_text, has_decision, anything & ~has_decision & ~sheet_.tagger & ~blank)
    theme = _themes(sheet_, theme_text, has_decision, _theme_lookup(taxonomy, chronology))
    polarity = _polarities(sheet_, polarity_text, has_decision, decision)
    fields, rows = sheet_.fields, sheet_.rows
    decided_at = _dates(table[fields["decided_at"]] if "decided_at" in fields else None, len(table), rows,
                        fields.get("decided_at", "Date decided"), has_decision, sheet_.problems)
    sheet_.problems.raise_any()

    out = pd.DataFrame(
        {
            "event_id": event_id, "theme": theme, "polarity": polarity, "decision": decision,
            "reviewer": sheet_.col("reviewer"), "decided_at": decided_at, "note": sheet_.col("note"),
            "source": pd.Series(file, index=table.index, dtype="str"),
            "source_sheet": pd.Series(sheet, index=table.index, dtype="str"),
            "source_row": pd.Series(rows, index=table.index, dtype="int64"),
        }
    )[has_decision].reset_index(drop=True)
    out, repeated = _one_per_tag(out, file, sheet)
    if chronology is not None:
        check_event_ids(out, chronology.events)
    out.attrs["counts"] = {
        "rows": len(table), "decisions": len(out),
        "not_reviewed": int((~has_decision & ~blank).sum()), "blank": int(blank.sum()),
        "repeated": repeated,
    }
    return out


def _fields(table: pd.DataFrame, file: str, sheet: str | None) -> dict[str, str]:
    """Field -> the heading that holds it (the first heading naming a field wins); refuses a
    table without event ids, themes or decisions, naming the column to add."""
    fields: dict[str, str] = {}
    for heading in table.columns:
        if heading == "_row":
            continue
        f = _field(str(heading))
        if f is not None and f not in fields:
            fields[f] = heading
    needed = [("event_id", "Event id"), ("theme", "Theme")]
    for f, wanted in needed:
        if f not in fields and not (f == "theme" and "theme_id" in fields):
            raise ColumnMappingError(
                "the labels have no such column",
                file=file, sheet=sheet, column=wanted,
                hint="read the Themes sheet written by to_excel(), or a CSV with columns Event id, Theme, "
                "Polarity, Accept, Reviewer, Date decided, Note",
            )
    if "accept" not in fields and "decision" not in fields:
        raise ColumnMappingError(
            "the labels have no such column",
            file=file, sheet=sheet, column="Accept",
            hint="write yes or no in an Accept column (or accept / reject / add in a decision column)",
        )
    return fields


class _Sheet:
    """The labels table with its fields, sheet rows and the problems found so far."""

    def __init__(self, table: pd.DataFrame, fields: dict[str, str], problems: _Problems) -> None:
        self.table, self.fields, self.problems = table, fields, problems
        self.rows = table["_row"].to_numpy(dtype="int64")
        #: rows the tagger wrote (they carry its rule or kind)
        self.tagger = (self.col("rule").notna() | self.col("kind").notna()).to_numpy(dtype=bool)

    def col(self, f: str) -> pd.Series:
        """The cells of field ``f`` as text (all missing when the table has no such column)."""
        if f not in self.fields:
            return pd.Series(pd.NA, index=self.table.index, dtype="str")
        return _text(self.table[self.fields[f]])

    def theme_text(self) -> pd.Series:
        """The theme as written: its id where there is a ``Theme id`` column, else the ``Theme``."""
        return self.col("theme_id").fillna(self.col("theme")) if "theme_id" in self.fields else self.col("theme")

    def heading(self, f: str, default: str) -> str:
        return self.fields.get(f, default)


def _decisions(sheet: _Sheet, event_id: pd.Series, theme_text: pd.Series, polarity_text: pd.Series) -> pd.Series:
    """Each row's decision (``accept``, ``reject``, ``add`` or missing: not reviewed), from a
    decision column or from yes / no in ``Accept`` (a yes on a row the tagger did not write adds it)."""
    fields, rows = sheet.fields, sheet.rows
    if "decision" in fields and "accept" not in fields:
        d = sheet.col("decision").str.lower()
        decision = d.map(_DECISIONS, na_action="ignore").astype("str")
        bad = d.notna() & decision.isna()
        sheet.problems.add(rows[bad], fields["decision"], sheet.col("decision")[bad],
                           "not a decision", "write accept, reject or add, or leave it blank (not reviewed)")
        return decision
    a = sheet.col("accept").str.lower()
    yes = a.isin(_YES).to_numpy(dtype=bool)
    no = a.isin(_NO).to_numpy(dtype=bool)
    bad = (a.notna() & ~a.isin(_YES | _NO)).to_numpy(dtype=bool)
    sheet.problems.add(rows[bad], fields["accept"], sheet.col("accept")[bad], "not yes or no",
                       "write yes (keep the tag) or no (remove it), or leave it blank (not reviewed)")
    filled = (event_id.notna() | theme_text.notna() | polarity_text.notna()).to_numpy(dtype=bool)
    values = np.full(len(a), None, dtype=object)
    values[sheet.tagger & yes] = "accept"
    values[no] = "reject"
    values[~sheet.tagger & ~no & ~bad & filled] = "add"
    return pd.Series(values, index=a.index).astype("str")


def _check_needs(sheet: _Sheet, event_id: pd.Series, theme_text: pd.Series, has_decision: np.ndarray,
                 orphan: np.ndarray) -> None:
    """A decision needs an event id and a theme; a row with only a reviewer or a note is a problem."""
    rows = sheet.rows
    for f, s, heading, what in (
        ("event_id", event_id, sheet.heading("event_id", "Event id"), "an event id"),
        ("theme", theme_text, sheet.heading("theme", sheet.heading("theme_id", "Theme")), "a theme"),
    ):
        miss = has_decision & s.isna().to_numpy(dtype=bool)
        sheet.problems.add(rows[miss], heading, [None] * int(miss.sum()), f"a decision needs {what}",
                           "copy the event id from the Chronology sheet's Event id column" if f == "event_id"
                           else "write the theme's id or label, as in the Theme column above")
    sheet.problems.add(rows[orphan], sheet.heading("event_id", "Event id"), event_id[orphan],
                       "a row with a reviewer or note but no event id, theme or decision",
                       "fill in the Event id, Theme and Polarity to add a tag, or clear the row")


def _themes(sheet: _Sheet, theme_text: pd.Series, has_decision: np.ndarray,
            lookup_ids: tuple[dict[str, str], list[str]]) -> pd.Series:
    """The theme id each row names (an unknown theme on a decision is a problem)."""
    lookup, ids = lookup_ids
    theme = theme_text.map(lambda t: _find_theme(t, lookup), na_action="ignore").astype("str")
    unknown = has_decision & theme_text.notna().to_numpy(dtype=bool) & theme.isna().to_numpy(dtype=bool)
    sheet.problems.add(sheet.rows[unknown], sheet.heading("theme", sheet.heading("theme_id", "Theme")),
                       theme_text[unknown], "not a known theme",
                       "write one of " + ", ".join(ids[:12]) + (", ..." if len(ids) > 12 else "")
                       + " (or its label; a part of a label must name one theme only), or pass taxonomy=... "
                       "to read_labels")
    return theme


def _polarities(sheet: _Sheet, polarity_text: pd.Series, has_decision: np.ndarray,
                decision: pd.Series) -> pd.Series:
    """``concern`` / ``strength`` (or missing); an added tag needs one."""
    heading = sheet.heading("polarity", "Polarity")
    pol = polarity_text.str.lower()
    polarity = pol.where(pol.isin(_POLARITIES), pd.NA).astype("str")
    bad_pol = has_decision & (pol.notna() & polarity.isna()).to_numpy(dtype=bool)
    sheet.problems.add(sheet.rows[bad_pol], heading, polarity_text[bad_pol], "not a polarity",
                       "write concern or strength")
    need_pol = (decision == "add").to_numpy(dtype=bool) & pol.isna().to_numpy(dtype=bool)
    sheet.problems.add(sheet.rows[need_pol], heading, [None] * int(need_pol.sum()),
                       "an added tag needs a polarity", "write concern or strength")
    return polarity


def _dates(
    raw: pd.Series | None, n: int, rows: np.ndarray, heading: str, has_decision: np.ndarray,
    problems: _Problems,
) -> pd.Series:
    """``Date decided`` as Europe/London times: Excel dates, UK day-first text, ISO text."""
    if raw is None:
        return pd.Series(pd.NaT, index=range(n), dtype=_DT)
    from .normalise.dates import parse_dates, to_london

    values = raw.reset_index(drop=True)
    text = _text(values)
    iso_tz = text.str.fullmatch(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[+-]\d\d:?\d\d|Z)").fillna(False)
    out = pd.Series(pd.NaT, index=range(n), dtype=_DT)
    if iso_tz.any():
        out[iso_tz.to_numpy()] = pd.to_datetime(text[iso_tz], utc=True, format="ISO8601").dt.tz_convert(
            "Europe/London").dt.as_unit("us")
    rest = ~iso_tz.to_numpy(dtype=bool) & text.notna().to_numpy(dtype=bool)
    if rest.any():
        sub = values[rest].map(lambda v: v.strip() if isinstance(v, str) else v)
        parsed = parse_dates(sub.reset_index(drop=True))
        ok = parsed["start"].notna().to_numpy(dtype=bool)
        where = np.flatnonzero(rest)
        if ok.any():
            out.iloc[where[ok]] = to_london(parsed["start"][ok]).dt.as_unit("us").to_numpy()
        bad = where[~ok & has_decision[where]]
        problems.add(rows[bad], heading, text.iloc[bad], "not a date",
                     "write the date day first (03/12/2026) or use an Excel date cell")
    return out


def _one_per_tag(labels: pd.DataFrame, file: str, sheet: str | None) -> tuple[pd.DataFrame, int]:
    """One decision per event, theme and polarity: repeats of the same decision are dropped (the
    first row is kept); opposite decisions are an error naming both rows."""
    if labels.empty:
        return labels, 0
    key = labels["event_id"] + "\x1f" + labels["theme"] + "\x1f" + labels["polarity"].fillna("")
    kind = labels["decision"].replace({"add": "accept"})  # an added tag the tagger also found
    clash = kind.groupby(key.to_numpy()).transform("nunique") > 1
    if clash.any():
        k = key[clash].iloc[0]
        rows = labels.loc[key == k, "source_row"].tolist()
        first = labels[key == k].iloc[0]
        raise LabelError(
            f"opposite decisions on the same tag (rows {', '.join(map(str, rows))})",
            file=file, sheet=sheet, row=rows[-1], column="Accept",
            value=f"{first['event_id']} / {first['theme']} / {first['polarity'] if pd.notna(first['polarity']) else 'any polarity'}",
            hint="a tag the tagger wrote twice (text and structural) takes one decision: write the same "
            "yes or no on both rows",
        )
    dup = key.duplicated()
    return labels[~dup.to_numpy()].reset_index(drop=True), int(dup.sum())


def check_event_ids(labels: pd.DataFrame, events: pd.DataFrame) -> None:
    """Every labelled event id is an event of ``events``; else a :class:`LabelError` naming the
    first unknown one where it was written (the others are counted).

    Examples
    --------
    >>> labels = pd.DataFrame({"event_id": ["x:9"], "source": ["t.xlsx"], "source_sheet": ["Themes"],
    ...                        "source_row": [5]})
    >>> check_event_ids(labels, pd.DataFrame({"event_id": ["x:1"]}))
    Traceback (most recent call last):
    ...
    chronology.labels.LabelError: t.xlsx, sheet 'Themes', row 5, column 'Event id': 'x:9': no event has this id; copy the id from the Event id column of the Chronology sheet (of the same chronology), or delete the row
    """
    if labels.empty:
        return
    known = _member(labels["event_id"], events["event_id"])
    if known.all():
        return
    bad = labels[~known]
    first = bad.iloc[0]
    more = f" ({len(bad) - 1} more unknown event id{'s' * (len(bad) > 2)})" if len(bad) > 1 else ""
    sheet = first["source_sheet"] if pd.notna(first["source_sheet"]) else None
    raise LabelError(
        "no event has this id",
        file=first["source"], sheet=sheet, row=int(first["source_row"]), column="Event id",
        value=first["event_id"],
        hint="copy the id from the Event id column of the Chronology sheet (of the same chronology), "
        "or delete the row" + more,
    )


def _member(needles: pd.Series, haystack: pd.Series) -> np.ndarray:
    """``needles.isin(haystack)`` by hashing (``isin`` on Arrow strings walks a large ``haystack``
    in Python)."""
    index = pd.Index(haystack.astype("str").unique())
    return np.asarray(index.get_indexer(needles.astype("str")) >= 0)


# ---------------------------------------------------------------------- using them
def merge_labels(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """``old`` decisions with ``new`` ones on top: a newer decision on the same event, theme and
    polarity replaces the older one; the rest of both are kept.

    Examples
    --------
    >>> a = pd.DataFrame({"event_id": ["x:1", "x:2"], "theme": ["t", "t"], "polarity": ["concern"] * 2,
    ...                   "decision": ["accept", "accept"]})
    >>> b = pd.DataFrame({"event_id": ["x:2"], "theme": ["t"], "polarity": ["concern"], "decision": ["reject"]})
    >>> merge_labels(a, b)["decision"].tolist()
    ['accept', 'reject']
    """
    if old is None or old.empty:
        return new.reset_index(drop=True)
    if new.empty:
        return old.reset_index(drop=True)

    def key(f: pd.DataFrame) -> pd.Series:
        return f["event_id"] + "\x1f" + f["theme"] + "\x1f" + f["polarity"].fillna("")

    kept = old[~_member(key(old), key(new))]
    out = pd.concat([kept, new], ignore_index=True)
    out.attrs = {}
    return out


def apply_labels(tags: pd.DataFrame, labels: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The tags with the reviewer's decisions applied; neither input is modified.

    Rejected tags are dropped, accepted ones get ``confirmed=True``, added ones are new rows with
    ``rule="reviewer"``, ``kind="reviewer"``, ``confirmed=True`` and the reviewer's note (or who and
    when) as the evidence; an added tag the tagger also found is marked confirmed, not repeated, and
    an accepted tag the tagger no longer finds is added back. A decision without a polarity applies
    to both polarities (and cannot add a tag). Decisions on events not in ``events`` are ignored
    (e.g. after :meth:`Chronology.filter`). Tags not reviewed have ``confirmed`` missing.

    Examples
    --------
    >>> tags = pd.DataFrame({"event_id": ["x:1", "x:2"], "theme": ["child_voice", "escalation"],
    ...                      "polarity": ["concern", "strength"], "rule": ["r1", "r2"],
    ...                      "evidence": ["no views", "escalated"], "label": ["Child's voice", "Escalation"],
    ...                      "kind": ["text", "text"]})
    >>> labels = pd.DataFrame({"event_id": ["x:1", "x:2", "x:3"], "theme": ["child_voice", "escalation", "escalation"],
    ...                        "polarity": ["concern", "strength", "concern"], "decision": ["accept", "reject", "add"],
    ...                        "reviewer": ["JR", "JR", "JR"], "decided_at": pd.to_datetime(["2026-12-03"] * 3),
    ...                        "note": [None, None, "no escalation despite day 3 in ED"]})
    >>> events = pd.DataFrame({"event_id": ["x:1", "x:2", "x:3"]})
    >>> apply_labels(tags, labels, events)[["event_id", "theme", "rule", "evidence", "confirmed"]].values.tolist()
    [['x:1', 'child_voice', 'r1', 'no views', True], ['x:3', 'escalation', 'reviewer', 'no escalation despite day 3 in ED', True]]
    """
    out = tags.copy()
    if "confirmed" not in out:
        out["confirmed"] = pd.array([pd.NA] * len(out), dtype="boolean")
    if labels is None or labels.empty:
        return out
    lab = labels[_member(labels["event_id"], events["event_id"])]
    if lab.empty:
        return out
    tkey = out["event_id"].astype("str") + "\x1f" + out["theme"].astype("str")
    tkey_p = tkey + "\x1f" + out["polarity"].astype("str")
    lkey = lab["event_id"] + "\x1f" + lab["theme"]
    lkey_p = lkey + "\x1f" + lab["polarity"].fillna("")
    any_pol = lab["polarity"].isna().to_numpy()
    yes = lab["decision"].isin(["accept", "add"]).to_numpy()
    no = ~yes

    def hits(sel: np.ndarray) -> np.ndarray:
        return _member(tkey_p, lkey_p[sel & ~any_pol]) | _member(tkey, lkey[sel & any_pol])

    out.loc[hits(yes), "confirmed"] = True
    out = out[~hits(no)]
    # added (or accepted but no longer found) tags
    want = lab[yes & ~any_pol & ~_member(lkey_p, tkey_p)]
    if len(want):
        out = _with_added(out, _added_tags(want, tags), events)
    for c in ("event_id", "theme", "polarity", "rule", "evidence", "label", "kind"):
        if c in out and out[c].dtype != "str":
            out[c] = out[c].astype("str")
    out["confirmed"] = out["confirmed"].astype("boolean")
    return out.reset_index(drop=True)


def _added_tags(want: pd.DataFrame, tags: pd.DataFrame) -> pd.DataFrame:
    """Tag rows for the reviewer's added (or accepted but no longer found) decisions ``want``."""
    pairs = tags[["theme", "label"]].drop_duplicates() if "label" in tags else None
    labels_of = dict(zip(pairs["theme"].astype("str"), pairs["label"].astype("str"), strict=True)) \
        if pairs is not None else {}
    missing = [t for t in want["theme"].unique() if t not in labels_of]
    if missing:
        labels_of.update(_taxonomy_labels(missing))
    return pd.DataFrame(
        {
            "event_id": want["event_id"].astype("str"),
            "theme": want["theme"].astype("str"),
            "polarity": want["polarity"].astype("str"),
            "rule": "reviewer",
            "evidence": _added_evidence(want),
            "label": want["theme"].map(labels_of).fillna(want["theme"]).astype("str"),
            "kind": "reviewer",
            "confirmed": pd.array([True] * len(want), dtype="boolean"),
        }
    )


def _with_added(out: pd.DataFrame, added: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """``out`` with the ``added`` tags (in its columns), in event order, the added ones after the
    tagger's own tags of their event."""
    added = added[[c for c in out.columns if c in added.columns]]
    for c in out.columns:
        if c not in added:
            added[c] = pd.Series(pd.NA, index=added.index, dtype=out[c].dtype)
    out = pd.concat([out, added[out.columns]], ignore_index=True)
    pos = pd.Series(np.arange(len(events)), index=events["event_id"].astype("str").to_numpy())
    order = out["event_id"].astype("str").map(pos).to_numpy()
    return out.iloc[np.argsort(order, kind="stable")]


def _taxonomy_labels(themes: list[str]) -> dict[str, str]:
    from .themes import load_taxonomy

    found: dict[str, str] = {}
    for spec in (None, "cspr"):
        found.update({k: v for k, v in load_taxonomy(spec).labels().items() if k in themes and k not in found})
    return found


def _added_evidence(want: pd.DataFrame) -> pd.Series:
    """The reviewer's note, else "added by <reviewer> on <date>"."""
    who = want["reviewer"].astype("str") if "reviewer" in want else pd.Series(pd.NA, index=want.index, dtype="str")
    when = (want["decided_at"].dt.strftime("%d/%m/%Y").astype("str") if "decided_at" in want
            else pd.Series(pd.NA, index=want.index, dtype="str"))
    note = want["note"].astype("str") if "note" in want else pd.Series(pd.NA, index=want.index, dtype="str")
    base = "added by " + who.fillna("the reviewer") + (" on " + when).fillna("")
    return note.fillna(base).astype("str")


def gold_from_labels(labels: pd.DataFrame, tags: pd.DataFrame | None = None) -> pd.DataFrame:
    """A gold set from the reviewer's decisions: the accepted and the added tags, as
    ``event_id, theme, polarity`` (for :mod:`chronology.themes.evaluate`).

    An accepted decision without a polarity takes the polarity of the tags it accepted (from
    ``tags``, the tagger's tags before the labels were applied); without ``tags`` it keeps a missing
    polarity. Rejected tags are not in the gold set: on the reviewed events they are the tagger's
    false positives. Inputs are not modified.

    Examples
    --------
    >>> labels = pd.DataFrame({"event_id": ["x:1", "x:2", "x:3"], "theme": ["child_voice", "escalation", "escalation"],
    ...                        "polarity": [None, "strength", "concern"], "decision": ["accept", "reject", "add"]})
    >>> tags = pd.DataFrame({"event_id": ["x:1"], "theme": ["child_voice"], "polarity": ["concern"]})
    >>> gold_from_labels(labels, tags).values.tolist()
    [['x:1', 'child_voice', 'concern'], ['x:3', 'escalation', 'concern']]
    """
    yes = labels[labels["decision"].isin(["accept", "add"]).to_numpy()][["event_id", "theme", "polarity"]]
    yes = yes.astype({"event_id": "str", "theme": "str", "polarity": "str"})
    if tags is not None and yes["polarity"].isna().any():
        yes = yes.reset_index(drop=True).assign(_order=lambda f: np.arange(len(f)))
        open_ = yes[yes["polarity"].isna().to_numpy()].drop(columns="polarity")
        filled = open_.merge(
            tags[["event_id", "theme", "polarity"]].astype("str").drop_duplicates(), on=["event_id", "theme"],
            how="left",
        )
        yes = pd.concat([yes[yes["polarity"].notna().to_numpy()], filled], ignore_index=True)
        yes = yes.sort_values("_order", kind="stable").drop(columns="_order")
    return yes.drop_duplicates().reset_index(drop=True)


def review_columns(tags_table: pd.DataFrame, labels: pd.DataFrame | None,
                   keys: Mapping[str, pd.Series]) -> pd.DataFrame:
    """The reviewer's columns for the Themes sheet, filled from earlier decisions where there are
    any (``keys``: ``event_id``, ``theme``, ``polarity`` per row of the sheet).

    Examples
    --------
    >>> keys = {"event_id": pd.Series(["x:1"]), "theme": pd.Series(["t"]), "polarity": pd.Series(["concern"])}
    >>> review_columns(pd.DataFrame(index=[0]), None, keys).columns.tolist()
    ['Accept', 'Reviewer', 'Date decided', 'Note']
    """
    n = len(tags_table)
    out = pd.DataFrame(
        {
            "Accept": pd.Series(pd.NA, index=range(n), dtype="str"),
            "Reviewer": pd.Series(pd.NA, index=range(n), dtype="str"),
            "Date decided": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]"),
            "Note": pd.Series(pd.NA, index=range(n), dtype="str"),
        }
    )
    if labels is None or labels.empty or n == 0:
        return out
    lab = labels[labels["decision"].isin(["accept", "add"]).to_numpy()]
    if lab.empty:
        return out
    k = (keys["event_id"].astype("str") + "\x1f" + keys["theme"].astype("str")).reset_index(drop=True)
    kp = k + "\x1f" + keys["polarity"].astype("str").reset_index(drop=True)
    lk = lab["event_id"] + "\x1f" + lab["theme"]
    by_pol = lab[lab["polarity"].notna().to_numpy()].assign(_k=(lk + "\x1f" + lab["polarity"])[lab["polarity"].notna().to_numpy()])
    by_any = lab[lab["polarity"].isna().to_numpy()].assign(_k=lk[lab["polarity"].isna().to_numpy()])
    for source, key in ((by_any, k), (by_pol, kp)):  # a decision on the polarity wins
        if source.empty:
            continue
        first = source.drop_duplicates("_k", keep="last").set_index("_k")
        hit = key.isin(first.index).to_numpy()
        if not hit.any():
            continue
        at = key[hit]
        out.loc[hit, "Accept"] = "yes"
        out.loc[hit, "Reviewer"] = first["reviewer"].reindex(at).to_numpy()
        dates = first["decided_at"].reindex(at)
        if isinstance(dates.dtype, pd.DatetimeTZDtype):
            dates = dates.dt.tz_localize(None)
        out.loc[hit, "Date decided"] = dates.to_numpy()
        out.loc[hit, "Note"] = first["note"].reindex(at).to_numpy()
    return out
