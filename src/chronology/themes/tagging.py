"""``tag()``: text rules and structural rules together, as one tags table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import EventValidationError
from .structural import run_rule
from .taxonomy import TaxonomySpec, load_taxonomy
from .text import text_candidates

__all__ = ["TAG_COLUMNS", "empty_tags", "tag"]

#: Columns of the tags table, in order.
TAG_COLUMNS: list[str] = ["event_id", "theme", "polarity", "rule", "evidence", "label", "kind"]
_NEEDED = ("event_id", "case_id", "start", "description")


def empty_tags() -> pd.DataFrame:
    """A tags table with no rows.

    Examples
    --------
    >>> empty_tags().columns.tolist()
    ['event_id', 'theme', 'polarity', 'rule', 'evidence', 'label', 'kind']
    """
    return pd.DataFrame({c: pd.Series(dtype="str") for c in TAG_COLUMNS})


def tag(events: pd.DataFrame, taxonomy: TaxonomySpec = None) -> pd.DataFrame:
    """Find the events that evidence each theme, with the evidence.

    Parameters
    ----------
    events
        The canonical events table (``Chronology.events``); not modified.
    taxonomy
        ``None`` (the brief's learning themes), ``"cspr"`` (the Child Safeguarding Practice Review
        Panel themes), a path or list of paths of TOML files that extend the default (or replace it
        with ``replace = true``), or a :class:`~chronology.themes.Taxonomy`. See
        :func:`~chronology.themes.load_taxonomy`.

    Returns
    -------
    DataFrame
        One row per event, theme, polarity and rule, ordered as the events then the taxonomy:

        ``event_id``
            The event.
        ``theme``, ``label``
            Theme id and label.
        ``polarity``
            ``"concern"`` or ``"strength"``.
        ``rule``
            The pattern id (text rules) or the structural rule's name.
        ``evidence``
            The matched text span; for structural rules, what was found, with dates.
        ``kind``
            ``"text"`` or ``"structural"``.

        Text rules give at most one tag per event, theme and polarity; a structural rule may add
        another tag for the same theme (with dates as evidence).

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({
    ...     "case_id": ["cassie"] * 2, "agency": ["health_acute", "csc"],
    ...     "start": ["2024-03-12 10:00", "2024-03-13"],
    ...     "description": ["Discharge meeting held; no views recorded from Cassie",
    ...                     "Cassie seen alone; her wishes and feelings recorded"]}))
    >>> tag(c.events)[["theme", "polarity", "rule", "evidence"]].values.tolist()
    [['child_voice', 'concern', 'views_not_recorded', 'no views recorded'],
     ['transition_points', 'strength', 'discharge_planning', 'Discharge meeting'],
     ['child_voice', 'strength', 'seen_alone', 'seen alone']]
    """
    tax = load_taxonomy(taxonomy)
    missing = [c for c in _NEEDED if c not in events]
    if missing:
        raise EventValidationError(
            "the events table has no column " + ", ".join(repr(c) for c in missing),
            hint="tag the events of a Chronology (chronology.read(...).events)",
        )
    if events.empty:
        return empty_tags()
    import pyarrow as pa

    themes = list(tax.themes)
    text = text_candidates(events, tax)
    rule_names: list[str] = list(text["rules"])
    pos = [text["pos"]]
    t_code = [text["theme"]]
    p_code = [text["pol"]]
    r_code = [text["rule"]]
    structural = [np.zeros(len(text["pos"]), dtype=bool)]
    evidence = [text["evidence"]]
    for rule in tax.rules.values():
        if not rule.enabled or rule.theme not in tax.themes:
            continue
        found = run_rule(events, rule)
        if len(found):
            k = len(found)
            pos.append(found["pos"].to_numpy(dtype="int64"))
            t_code.append(np.full(k, themes.index(rule.theme), dtype="int64"))
            p_code.append(np.full(k, 0 if rule.polarity == "concern" else 1, dtype="int64"))
            r_code.append(np.full(k, len(rule_names), dtype="int64"))
            rule_names.append(rule.name)
            structural.append(np.ones(k, dtype=bool))
            evidence.append(pa.array(found["evidence"].to_numpy(dtype=object), pa.large_string()))
    all_pos = np.concatenate(pos)
    if not len(all_pos):
        return empty_tags()
    t = np.concatenate(t_code)
    pc_ = np.concatenate(p_code)
    st = np.concatenate(structural)
    order = np.lexsort((pc_, st, t, all_pos))
    ids = pa.array(events["event_id"].astype("str"))
    ev_all = pa.concat_arrays(evidence)
    labels = [tax.themes[th].label for th in themes]
    return pd.DataFrame(
        {
            "event_id": _str(ids.take(pa.array(all_pos[order]))),
            "theme": _decode(t[order], themes),
            "polarity": _decode(pc_[order], ["concern", "strength"]),
            "rule": _decode(np.concatenate(r_code)[order], rule_names),
            "evidence": _str(ev_all.take(pa.array(order))),
            "label": _decode(t[order], labels),
            "kind": _decode(st[order].astype("int64"), ["text", "structural"]),
        }
    )


def _str(arr: object) -> pd.api.extensions.ExtensionArray:
    """An Arrow string array as a pandas 3 ``str`` array (no Python objects)."""
    import pyarrow as pa

    assert isinstance(arr, pa.Array | pa.ChunkedArray)
    return pd.array(arr.cast(pa.large_string()), dtype="str")


def _decode(codes: np.ndarray, values: list[str]) -> pd.api.extensions.ExtensionArray:
    """``values[codes]`` as a ``str`` array, decoded by Arrow (fast for few distinct values)."""
    import pyarrow as pa

    d = pa.DictionaryArray.from_arrays(pa.array(codes.astype("int32")), pa.array(values, pa.large_string()))
    return _str(d.cast(pa.large_string()))


def tagged_events(events: pd.DataFrame, tags: pd.DataFrame) -> pd.DataFrame:
    """``tags`` joined with the event columns summaries need (case, agency, start, precision,
    event type, service, description); neither input is modified."""
    cols = [
        c
        for c in ("event_id", "case_id", "agency", "service", "start", "precision", "uncertain",
                  "event_type", "description", "action", "child_voice")
        if c in events
    ]
    ev = events[cols]
    return tags.merge(ev, on="event_id", how="inner", validate="many_to_one")
