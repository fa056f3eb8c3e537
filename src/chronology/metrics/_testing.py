"""Tiny hand-built event frames for doctests and tests (canonical dtypes, no normaliser needed)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ..schema import CANONICAL_COLUMNS, CANONICAL_DTYPES, TZ

__all__ = ["events_frame"]

_PREC = [
    (re.compile(r"^w/c\s+"), "week"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}"), "minute"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "day"),
    (re.compile(r"^\d{4}-\d{2}$"), "month"),
    (re.compile(r"^\d{4}$"), "year"),
]


def _parse(text: str) -> tuple[pd.Timestamp, str]:
    text = text.strip()
    for rx, prec in _PREC:
        if rx.match(text):
            ts = pd.Timestamp(rx.sub("", text) if prec == "week" else text)
            return ts.tz_localize(TZ, ambiguous=True, nonexistent="shift_forward"), prec
    raise ValueError(f"cannot read {text!r}")


def events_frame(rows: Iterable[tuple[Any, ...] | Mapping[str, Any]]) -> pd.DataFrame:
    """A canonical events frame from ``(case_id, agency, start, description)`` tuples or dicts.

    ``start`` strings: ``"2024-03-01 10:00"`` (minute), ``"2024-03-01"`` (day), ``"w/c 2024-03-04"``
    (week), ``"2024-03"`` (month), ``"2024"`` (year). Dicts may also give ``end``, ``event_type``,
    ``child_seen``, ``child_voice``, ``uncertain``, ``action``, ``service``, ``event_id``,
    ``source``, ``source_row``.

    Examples
    --------
    >>> events_frame([("x", "police", "2024-03", "Call")])[["precision", "event_type"]].astype(str).values.tolist()
    [['month', 'other']]
    """
    recs = []
    for i, row in enumerate(rows):
        r = dict(row) if isinstance(row, Mapping) else dict(
            zip(("case_id", "agency", "start", "description"), row, strict=False)
        )
        start, prec = _parse(str(r["start"]))
        end = r.get("end")
        recs.append(
            {
                "event_id": r.get("event_id", f"{r['case_id']}:{r.get('source', 'test.csv')}:{i + 2}"),
                "case_id": r["case_id"],
                "agency": r["agency"],
                "service": r.get("service"),
                "start": start,
                "end": _parse(str(end))[0] if end is not None else pd.NaT,
                "precision": r.get("precision", prec),
                "uncertain": bool(r.get("uncertain", False)),
                "event_type": r.get("event_type", "other"),
                "description": r["description"],
                "action": r.get("action"),
                "child_seen": r.get("child_seen"),
                "child_voice": r.get("child_voice"),
                "practitioner": None,
                "source": r.get("source", "test.csv"),
                "source_sheet": None,
                "source_row": int(r.get("source_row", i + 2)),
            }
        )
    df = pd.DataFrame(recs, columns=CANONICAL_COLUMNS)
    out = {}
    for c in CANONICAL_COLUMNS:
        dt = CANONICAL_DTYPES[c]
        col = df[c]
        if isinstance(dt, pd.DatetimeTZDtype):
            col = pd.to_datetime(col, utc=True).dt.tz_convert(TZ).astype(dt)
        else:
            col = col.astype(dt)
        out[c] = col
    return pd.DataFrame(out)
