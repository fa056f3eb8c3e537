"""Theme summaries: counts by agency, case or period, and each case's top themes with evidence."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ..errors import OptionError
from .tagging import tagged_events

__all__ = ["WEIGHTS", "summary", "top_themes"]

_BY = (None, "agency", "case", "period")

#: Scoring of :func:`top_themes`, per event (each event counts once per theme, at its highest weight).
WEIGHTS: dict[str, float] = {"structural": 3.0, "concern": 1.0, "strength": 0.25}


def _counts(t: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    one = t.drop_duplicates([*keys, "event_id", "theme", "polarity"])
    g = one.groupby([*keys, "theme", "label", "polarity"], observed=True, sort=False).size()
    wide = g.unstack("polarity", fill_value=0)
    for pol in ("concern", "strength"):
        if pol not in wide:
            wide[pol] = 0
    events = (
        t.drop_duplicates([*keys, "event_id", "theme"])
        .groupby([*keys, "theme", "label"], observed=True, sort=False)
        .size()
        .rename("events")
    )
    out = wide[["concern", "strength"]].join(events).reset_index()
    out.columns.name = None
    return out.astype({"concern": "int64", "strength": "int64", "events": "int64"})


def summary(
    events: pd.DataFrame,
    tags: pd.DataFrame,
    by: Literal["agency", "case", "period"] | None = None,
    freq: str = "M",
) -> pd.DataFrame:
    """Theme counts, overall or by agency, case or period, with the concern / strength split.

    Parameters
    ----------
    events, tags
        The events and their tags (from :func:`~chronology.themes.tag`); not modified.
    by
        ``None`` (one row per theme), ``"agency"``, ``"case"`` or ``"period"``.
    freq
        Period length for ``by="period"`` (a pandas period alias: ``"M"``, ``"W"``, ``"Q"``, ``"Y"``).

    Returns
    -------
    DataFrame
        ``[agency | case_id | period], theme, label, concern, strength, events``: the number of
        events with a concern tag, with a strength tag, and with any tag of the theme. ``period`` is a
        pandas ``Period`` (local London time). Sorted by the grouping key, then most events first.
        Without ``by`` the table also has ``cases`` and ``agencies`` (how many of each show the theme).

    Examples
    --------
    >>> import chronology as chron
    >>> from chronology.themes import tag
    >>> c = chron.Chronology.from_events(pd.DataFrame({
    ...     "case_id": ["x", "x"], "agency": ["csc", "police"], "start": ["2024-03-01", "2024-04-02"],
    ...     "description": ["Seen alone; views recorded", "Child not seen; mother not informed"]}))
    >>> summary(c.events, tag(c.events))[["theme", "concern", "strength", "events"]].values.tolist()
    [['child_voice', 1, 1, 2], ['family_involvement', 1, 0, 1]]
    >>> summary(c.events, tag(c.events), by="period")[["period", "theme", "events"]].astype(str).values.tolist()
    [['2024-03', 'child_voice', '1'], ['2024-04', 'child_voice', '1'], ['2024-04', 'family_involvement', '1']]
    """
    if by not in _BY:
        raise OptionError(
            "unknown grouping for the theme summary",
            value=by,
            hint="use by=None, 'agency', 'case' or 'period'",
        )
    t = tagged_events(events, tags)
    if by is None:
        out = _counts(t, [])
        spread = t.groupby("theme", observed=True).agg(
            cases=("case_id", "nunique"), agencies=("agency", "nunique")
        )
        out = out.join(spread, on="theme")
        return out.sort_values(["events", "concern"], ascending=False, kind="stable").reset_index(drop=True)
    if by == "agency":
        key = "agency"
    elif by == "case":
        key = "case_id"
    else:
        key = "period"
        try:
            t["period"] = t["start"].dt.tz_localize(None).dt.to_period(freq)
        except (ValueError, TypeError) as exc:
            raise OptionError(
                "unknown period frequency", value=freq, hint="use a pandas period alias such as 'M', 'W', 'Q' or 'Y'"
            ) from exc
    out = _counts(t, [key])
    out = out.sort_values([key, "events", "concern"], ascending=[True, False, False], kind="stable")
    return out.reset_index(drop=True)


def top_themes(events: pd.DataFrame, tags: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The top ``n`` themes of each case, with their strongest evidence.

    Scoring: each event counts once per theme, at the highest of its weights (:data:`WEIGHTS`):
    3 for a structural concern (a pattern across events, e.g. discharge into custody within hours,
    three callouts in a fortnight), 1 for a concern found in the text, 0.25 for a strength only. A
    theme's score is the sum over its events. Ties go to the theme seen by more agencies, then to the
    one seen first. The strongest evidence is that of the highest-weighted event (the earliest among
    equals).

    Parameters
    ----------
    events, tags
        The events and their tags; not modified.
    n
        Themes per case.

    Returns
    -------
    DataFrame
        ``case_id, rank, theme, label, score, concern, strength, structural, agencies, event_id,
        start, agency, evidence``.

    Examples
    --------
    >>> import chronology as chron
    >>> from chronology.themes import tag
    >>> c = chron.Chronology.from_events(pd.DataFrame({
    ...     "case_id": ["x", "x"], "agency": ["csc", "police"], "start": ["2024-03-01", "2024-04-02"],
    ...     "description": ["Seen alone; views recorded", "Child not seen; mother not informed"]}))
    >>> top_themes(c.events, tag(c.events))[["rank", "theme", "score", "evidence"]].values.tolist()
    [[1, 'child_voice', 1.25, 'Child not seen'], [2, 'family_involvement', 1.0, 'mother not informed']]
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise OptionError("n must be a whole number of at least 1", value=n)
    cols = [
        "case_id", "rank", "theme", "label", "score", "concern", "strength", "structural",
        "agencies", "event_id", "start", "agency", "evidence",
    ]
    t = tagged_events(events, tags)
    if t.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    structural = (t["kind"] == "structural") & (t["polarity"] == "concern")
    t["weight"] = np.where(
        structural,
        WEIGHTS["structural"],
        np.where(t["polarity"] == "concern", WEIGHTS["concern"], WEIGHTS["strength"]),
    )
    t["structural"] = structural
    # the strongest tag of each event and theme
    t = t.sort_values(["weight", "start"], ascending=[False, True], kind="stable")
    per_event = t.drop_duplicates(["case_id", "theme", "event_id"])
    flags = t.assign(
        is_concern=t["polarity"] == "concern", is_strength=t["polarity"] == "strength"
    ).groupby(["case_id", "theme", "event_id"], observed=True)[["is_concern", "is_strength", "structural"]].any()
    g = per_event.groupby(["case_id", "theme"], observed=True, sort=False)
    agg = g.agg(
        label=("label", "first"),
        score=("weight", "sum"),
        agencies=("agency", "nunique"),
        first=("start", "min"),
        event_id=("event_id", "first"),
        start=("start", "first"),
        agency=("agency", "first"),
        evidence=("evidence", "first"),
    )
    counts = flags.groupby(level=["case_id", "theme"], observed=True).sum().rename(
        columns={"is_concern": "concern", "is_strength": "strength"}
    )
    agg = agg.join(counts).reset_index()
    agg = agg.sort_values(
        ["case_id", "score", "agencies", "first"], ascending=[True, False, False, True], kind="stable"
    )
    agg["rank"] = agg.groupby("case_id", observed=True).cumcount() + 1
    agg = agg[agg["rank"] <= n]
    agg = agg.astype({"concern": "int64", "strength": "int64", "structural": "int64", "agencies": "int64"})
    return agg[cols].reset_index(drop=True)
