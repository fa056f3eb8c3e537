"""The canonical event table and its validation (validate only: nothing is repaired here).

Parsing and repair live in :mod:`chronology.normalise`; this module only checks. :data:`CANONICAL_COLUMNS`
gives the columns every event table has, in order; :data:`OPTIONAL_COLUMNS` those present only when a
source had them (``recorded``: the date an entry was written, apart from the event's ``start``).

Examples
--------
>>> from chronology.schema import CANONICAL_COLUMNS, empty_events
>>> CANONICAL_COLUMNS[:4]
['event_id', 'case_id', 'agency', 'service']
>>> empty_events().shape
(0, 17)
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .errors import EventValidationError
from .resources import agency_codes, event_type_codes, precision_levels

__all__ = [
    "AGENCY_DTYPE",
    "CANONICAL_COLUMNS",
    "EVENT_TYPE_DTYPE",
    "OPTIONAL_COLUMNS",
    "PRECISION_DTYPE",
    "PROVENANCE_COLUMNS",
    "REJECT_COLUMNS",
    "TZ",
    "EventSchema",
    "empty_events",
    "empty_provenance",
    "empty_rejects",
    "sort_events",
    "validate_events",
]

TZ = "Europe/London"
AGENCY_DTYPE = pd.CategoricalDtype(agency_codes())
EVENT_TYPE_DTYPE = pd.CategoricalDtype(event_type_codes())
PRECISION_DTYPE = pd.CategoricalDtype(precision_levels(), ordered=True)
DATETIME_DTYPE = pd.DatetimeTZDtype(unit="us", tz=TZ)

#: columns present only when a source file had them
OPTIONAL_COLUMNS: list[str] = ["recorded"]

CANONICAL_COLUMNS: list[str] = [
    "event_id",
    "case_id",
    "agency",
    "service",
    "start",
    "end",
    "precision",
    "uncertain",
    "event_type",
    "description",
    "action",
    "child_seen",
    "child_voice",
    "practitioner",
    "source",
    "source_sheet",
    "source_row",
]

#: dtype of each canonical column, used to build empty frames and by the normaliser.
CANONICAL_DTYPES: dict[str, Any] = {
    "event_id": "str",
    "case_id": "str",
    "agency": AGENCY_DTYPE,
    "service": "str",
    "start": DATETIME_DTYPE,
    "end": DATETIME_DTYPE,
    "precision": PRECISION_DTYPE,
    "uncertain": "bool",
    "event_type": EVENT_TYPE_DTYPE,
    "description": "str",
    "action": "str",
    "child_seen": "boolean",
    "child_voice": "str",
    "practitioner": "str",
    "source": "str",
    "source_sheet": "str",
    "source_row": "int64",
    "recorded": DATETIME_DTYPE,
}

REJECT_COLUMNS: list[str] = [
    "source",
    "source_sheet",
    "source_row",
    "column",
    "value",
    "reason",
    "hint",
]


class EventSchema(pa.DataFrameModel):
    """pandera model of the canonical event table.

    Validation never coerces: a frame that does not already have the right dtypes fails.
    Extra (unmapped source) columns are allowed.
    """

    event_id: Series[str] = pa.Field(unique=True)
    case_id: Series[str] = pa.Field(str_length={"min_value": 1})
    agency: Series[pd.CategoricalDtype] = pa.Field(
        dtype_kwargs={"categories": agency_codes(), "ordered": False}
    )
    service: Series[str] = pa.Field(nullable=True)
    start: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs={"unit": "us", "tz": TZ})
    end: Series[pd.DatetimeTZDtype] = pa.Field(
        nullable=True, dtype_kwargs={"unit": "us", "tz": TZ}
    )
    precision: Series[pd.CategoricalDtype] = pa.Field(
        dtype_kwargs={"categories": precision_levels(), "ordered": True}
    )
    uncertain: Series[bool]
    event_type: Series[pd.CategoricalDtype] = pa.Field(
        dtype_kwargs={"categories": event_type_codes(), "ordered": False}
    )
    description: Series[str] = pa.Field(str_length={"min_value": 1})
    action: Series[str] = pa.Field(nullable=True)
    child_seen: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    child_voice: Series[str] = pa.Field(nullable=True)
    practitioner: Series[str] = pa.Field(nullable=True)
    source: Series[str]
    source_sheet: Series[str] = pa.Field(nullable=True)
    source_row: Series[np.int64] = pa.Field(ge=0)
    #: optional: the date the entry was written (``Date recorded``, ``Date entered``), kept apart
    #: from when it happened, so that "what was known when" can be asked
    recorded: Optional[Series[pd.DatetimeTZDtype]] = pa.Field(  # noqa: UP045 - pandera reads Optional
        nullable=True, dtype_kwargs={"unit": "us", "tz": TZ}
    )

    @pa.dataframe_check(error="end is before start")
    @classmethod
    def end_not_before_start(cls, df: pd.DataFrame) -> Series[bool]:
        return df["end"].isna() | (df["end"] >= df["start"])

    class Config:
        strict = False
        coerce = False
        ordered = False


def empty_events() -> pd.DataFrame:
    """An events frame with no rows and the canonical dtypes (a new frame each call)."""
    return _EMPTY_EVENTS.copy()


def empty_rejects() -> pd.DataFrame:
    """A rejects frame with no rows (a new frame each call)."""
    return _EMPTY_REJECTS.copy()


# built once: making an empty frame column by column costs about 2 ms, copying one 50 µs
_EMPTY_EVENTS = pd.DataFrame({c: pd.Series(dtype=CANONICAL_DTYPES[c]) for c in CANONICAL_COLUMNS})
_EMPTY_REJECTS = pd.DataFrame({c: pd.Series(dtype="str") for c in REJECT_COLUMNS})
_EMPTY_REJECTS["source_row"] = _EMPTY_REJECTS["source_row"].astype("int64")


def validate_events(events: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Validate ``events`` against :class:`EventSchema`, collecting every failure.

    Returns the frame unchanged when valid; raises :class:`~chronology.errors.EventValidationError`
    naming the first few failures (column, check, value, source row) otherwise.

    Examples
    --------
    >>> validate_events(empty_events()).empty
    True
    """
    try:
        return EventSchema.validate(events, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        lines = []
        for rec in fc.head(5).to_dict("records"):
            idx = rec.get("index")
            where = ""
            if idx is not None and idx in events.index and "source_row" in events:
                row = events.loc[idx]
                where = f"{row.get('source', '?')} row {row.get('source_row', '?')}, "
            lines.append(
                f"{where}column {rec.get('column')!r} failed {rec.get('check')}: {rec.get('failure_case')!r}"
            )
        more = f" (and {len(fc) - 5} more)" if len(fc) > 5 else ""
        raise EventValidationError(
            "the events table breaks the schema: " + "; ".join(lines) + more,
            file=source,
            hint="events should be built by chronology.read(); if you edited .events by hand, "
            "keep the dtypes of chronology.schema.CANONICAL_DTYPES",
        ) from exc


#: The columns of ``Chronology.provenance``: one row per file (and sheet) read.
PROVENANCE_COLUMNS = [
    "source",
    "source_sheet",
    "agency",
    "case_id",
    "format",
    "rows_read",
    "events",
    "rejects",
    "blank_rows",
    "header_row",
    "mapping",
    "date_formats",
    "encoding",
    "delimiter",
    "repeated_headers",
    "notes",
    "inferred",
    "title_rows",
]


def empty_provenance() -> pd.DataFrame:
    """An empty provenance table (one row per file and sheet once filled)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PROVENANCE_COLUMNS})


def sort_events(events: pd.DataFrame, *, consume: bool = False) -> pd.DataFrame:
    """Sort by start, then source order (file, sheet, row), with a fresh RangeIndex.

    Missing values sort first; ties keep their order. Done with one ``np.lexsort`` over integer
    keys (the text keys factorised in sorted order), several times faster than ``sort_values`` on
    a caseload. With ``consume=True`` the columns are moved out of ``events`` one at a time (it is
    left empty), so sorting needs one column's worth of extra memory instead of a second frame.
    """
    if events.empty:
        return events.reset_index(drop=True)
    keys = ["start", "source", "source_sheet", "source_row"]
    if not all(k in events for k in keys) or not isinstance(events["start"].dtype, pd.DatetimeTZDtype) \
            or events["source_row"].dtype != "int64":
        return events.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)
    start = events["start"].array.asi8  # UTC instants; NaT is the smallest int64: sorts first
    source = pd.factorize(events["source"], sort=True)[0]  # NA is -1: sorts first
    sheet = pd.factorize(events["source_sheet"], sort=True)[0]
    row = events["source_row"].to_numpy()
    order = np.lexsort((row, sheet, source, start))  # stable
    if (order == np.arange(len(order))).all():
        return events.reset_index(drop=True)
    if not consume:
        return events.take(order).reset_index(drop=True)
    columns = {name: events.pop(name).array.take(order) for name in list(events.columns)}
    return pd.DataFrame(columns, copy=False)
