"""Gaps computed independently of the library, in DuckDB SQL, to check ``gaps()`` against.

The same rules as :func:`chronology.metrics.gaps` (its docstring), written again from scratch:
DuckDB's own time-zone support (ICU) gives each event's wall-clock date, a calendar table built
here from the ``holidays`` package counts working days, and window functions find each event's
predecessor. Nothing of ``chronology`` is used: the input is the events frame, the output one row
per gap.

Rules, per case (``by=None``) or per case and agency (``by="agency"``), events in the order
``start, event_id``:

* an event *covers* up to its ``end`` when it has one; an event of week, month or year precision
  at least up to the last day of its period (midnight, UK time); any other event up to its start;
* a gap runs from the furthest cover of the earlier events to the next event's start, when that
  start is later; ``before_event_id`` is the latest event reaching that far;
* ``days``: the difference of the two UK calendar dates; ``hours``: the elapsed time;
  ``working_days``: weekdays that are not England and Wales bank holidays after the first date,
  up to and including the second.

``compare_gaps(ours, theirs)`` matches two gap tables on their keys and says what differs.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

#: the columns both tables are compared on
KEYS = ["case_id", "agency", "before_event_id", "after_event_id"]
VALUES = ["start_us", "end_us", "days", "working_days", "hours"]

_SQL = """
WITH e AS (
    SELECT event_id, case_id, agency, "start" AS s, "end" AS fin, "precision" AS p,
           "start" AT TIME ZONE 'Europe/London' AS ws
    FROM ev WHERE "start" IS NOT NULL
), c AS (
    SELECT *,
        CASE p
            WHEN 'week' THEN timezone('Europe/London', CAST(CAST(ws AS DATE) + INTERVAL 6 DAY AS TIMESTAMP))
            WHEN 'month' THEN timezone('Europe/London',
                CAST(date_trunc('month', ws) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS TIMESTAMP))
            WHEN 'year' THEN timezone('Europe/London',
                CAST(date_trunc('year', ws) + INTERVAL 1 YEAR - INTERVAL 1 DAY AS TIMESTAMP))
            ELSE s
        END AS last_day
    FROM e
), k AS (
    SELECT *,
        CASE WHEN fin IS NOT NULL AND fin > last_day THEN fin ELSE last_day END AS cover,
        row_number() OVER (PARTITION BY {part} ORDER BY s, event_id) AS pos
    FROM c
), w AS (
    SELECT *,
        max(cover) OVER win AS prev_reach,
        arg_max(event_id, CAST(epoch_us(cover) AS HUGEINT) * 100000000 + pos) OVER win AS before_id
    FROM k
    WINDOW win AS (PARTITION BY {part} ORDER BY s, event_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
SELECT w.case_id, {agency} AS agency, before_id AS before_event_id, event_id AS after_event_id,
    epoch_us(prev_reach) AS start_us, epoch_us(s) AS end_us,
    CAST(s AT TIME ZONE 'Europe/London' AS DATE) - CAST(prev_reach AT TIME ZONE 'Europe/London' AS DATE) AS days,
    b.cum - a.cum AS working_days,
    (epoch_us(s) - epoch_us(prev_reach)) / 3600e6 AS hours
FROM w
JOIN cal a ON a.d = CAST(prev_reach AT TIME ZONE 'Europe/London' AS DATE)
JOIN cal b ON b.d = CAST(s AT TIME ZONE 'Europe/London' AS DATE)
WHERE prev_reach IS NOT NULL AND s > prev_reach
"""


def _calendar(first: int = 1990, last: int = 2045) -> pd.DataFrame:
    import holidays

    hols = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    return pd.DataFrame({"hol": pd.to_datetime(sorted(hols.keys()))})


def duckdb_gaps(events: pd.DataFrame, by: Literal["agency"] | None = None) -> pd.DataFrame:
    """Every gap in ``events`` (a chronology's events frame), computed in DuckDB SQL."""
    import duckdb

    ev = pd.DataFrame({
        "event_id": events["event_id"].astype("str"),
        "case_id": events["case_id"].astype("str"),
        "agency": events["agency"].astype("str"),
        "start": events["start"],
        "end": events["end"],
        "precision": events["precision"].astype("str"),
    })
    hol = _calendar()
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET threads = 2")
        con.register("ev", ev)
        con.register("hol", hol)
        con.execute("""
            CREATE TABLE cal AS
            SELECT CAST(d AS DATE) AS d,
                   sum(CASE WHEN isodow(d) <= 5 AND h.hol IS NULL THEN 1 ELSE 0 END) OVER (ORDER BY d) AS cum
            FROM range(DATE '1990-01-01', DATE '2046-01-01', INTERVAL 1 DAY) t(d)
            LEFT JOIN hol h ON CAST(h.hol AS DATE) = CAST(d AS DATE)
        """)
        part = "case_id, agency" if by == "agency" else "case_id"
        agency = "w.agency" if by == "agency" else "CAST(NULL AS VARCHAR)"
        out = con.execute(_SQL.format(part=part, agency=agency)).df()
    finally:
        con.close()
    out["days"] = out["days"].astype("int64")
    out["working_days"] = out["working_days"].astype("int64")
    return out


def as_comparable(gaps: pd.DataFrame) -> pd.DataFrame:
    """A ``gaps()`` result in :func:`duckdb_gaps`'s shape (times as UTC microseconds)."""
    def us(s: pd.Series) -> pd.Series:
        return s.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]").astype("int64")

    return pd.DataFrame({
        "case_id": gaps["case_id"].astype("str"),
        "agency": gaps["agency"].astype("str"),
        "before_event_id": gaps["before_event_id"].astype("str"),
        "after_event_id": gaps["after_event_id"].astype("str"),
        "start_us": us(gaps["start"]),
        "end_us": us(gaps["end"]),
        "days": gaps["days"].astype("int64"),
        "working_days": gaps["working_days"].astype("int64"),
        "hours": gaps["hours"].astype("float64"),
    })


def compare_gaps(ours: pd.DataFrame, theirs: pd.DataFrame) -> dict[str, Any]:
    """Match ``ours`` (a ``gaps()`` result) with ``theirs`` (:func:`duckdb_gaps`) on the gap's
    case, agency and the events either side; count gaps missing on either side and gaps whose
    times, days, working days or hours differ (hours to the microsecond)."""
    a = as_comparable(ours)
    b = theirs.copy()
    for k in ("case_id", "agency", "before_event_id", "after_event_id"):
        a[k] = a[k].astype("object").where(a[k].notna(), "<NA>")
        b[k] = b[k].astype("object").where(b[k].notna(), "<NA>")
    m = a.merge(b, on=KEYS, how="outer", suffixes=("", "_ind"), indicator=True)
    both = m[m["_merge"] == "both"]
    differ = pd.Series(False, index=both.index)
    for v in VALUES:
        if v == "hours":
            differ |= (both[v] - both[f"{v}_ind"]).abs() > 1e-9
        else:
            differ |= both[v] != both[f"{v}_ind"]
    return {
        "ours": len(a),
        "independent": len(b),
        "only_ours": int((m["_merge"] == "left_only").sum()),
        "only_independent": int((m["_merge"] == "right_only").sum()),
        "differ": int(differ.sum()),
        "examples": m[(m["_merge"] != "both")].head(5)[[*KEYS, "_merge"]].astype(str).values.tolist()
        + both[differ].head(5)[KEYS].astype(str).values.tolist(),
    }
