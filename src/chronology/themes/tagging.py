"""``tag()``: text rules and structural rules together, as one tags table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import EventValidationError
from . import text as _text
from .structural import run_rules
from .taxonomy import Taxonomy, TaxonomySpec, load_taxonomy

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


def tag(
    events: pd.DataFrame,
    taxonomy: TaxonomySpec = None,
    *,
    learned: bool = False,
    method: str | None = None,
    threshold: float | None = None,
    labels: pd.DataFrame | None = None,
) -> pd.DataFrame:
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
            The pattern id (text rules) or the structural rule's name; ``"<id>:negated"`` when the
            pattern's clause negates it or records a failed outcome ("without a formal handover",
            "threshold not met"), which makes a strength evidence of the concern, and
            ``"<id>:hedged"`` when the clause only plans or supposes it ("to be arranged").
        ``evidence``
            The whole clause the words were found in (from the clause's start to its end: ``.``,
            ``;``, ``!``, ``?`` or a line break), never a fragment; for structural rules, what was
            found, with dates.
        ``kind``
            ``"text"``, ``"structural"`` or ``"learned"``.

        Text rules give at most one tag per event, theme and polarity; a structural rule may add
        another tag for the same theme (with dates as evidence).

    learned, method
        ``learned=True`` or ``method="rules+learned"`` add the learned layer's tags
        (:mod:`chronology.themes.learned`; needs ``pip install "chronology[learn]"``): themes a
        classifier trained on the shipped labelled set finds where no rule did, with ``rule =
        "learned:<theme>"`` and ``kind = "learned"``. Default: the rules only.
    threshold
        The learned layer's probability threshold (default 0.5).
    labels
        Reviewer-confirmed labels (:func:`chronology.read_labels`): with the learned layer on, it is
        trained on them too, beside the shipped labelled set (each reviewed event a labelled text).

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({
    ...     "case_id": ["cassie"] * 2, "agency": ["health_acute", "csc"],
    ...     "start": ["2024-03-12 10:00", "2024-03-13"],
    ...     "description": ["Discharge meeting held; no views recorded from Cassie",
    ...                     "Cassie seen alone; her wishes and feelings recorded"]}))
    >>> tag(c.events)[["theme", "polarity", "rule", "evidence"]].values.tolist()
    [['child_voice', 'concern', 'views_not_recorded', 'no views recorded from Cassie'],
     ['transition_points', 'strength', 'discharge_planning', 'Discharge meeting held'],
     ['child_voice', 'strength', 'seen_alone', 'Cassie seen alone']]
    """
    _check_method(method)
    tax = load_taxonomy(taxonomy)
    if learned or method == "rules+learned":
        return _with_learned(events, tax, threshold, labels)
    _check_columns(events)
    if events.empty:
        return empty_tags()
    found = _found(events, tax)
    return empty_tags() if not len(found.pos) else _tags_table(events, tax, found)


def _found(events: pd.DataFrame, tax: Taxonomy) -> _Found:
    """The tags of the text rules and the structural rules, as codes."""
    rules = [r for r in tax.rules.values() if r.enabled and r.theme in tax.themes]
    text_rules = _text.TextRules(events, tax)  # reads the text columns now, before any thread
    # the text rules per theme and the structural rules (pandas, on one thread) run side by side
    *results, found_rules = _text.run_jobs(
        text_rules.jobs, parallel=True, first=lambda: run_rules(events, rules), prepare=text_rules.prepare
    )
    text = text_rules.collect(results, sort=False)
    del text_rules, results  # the prepared texts: free them before building the table
    return _Found.of(text, rules, found_rules, list(tax.themes))


def _check_method(method: str | None) -> None:
    """An OptionError for an unknown tagging ``method``."""
    if method not in (None, "rules", "rules+learned"):
        from ..errors import OptionError

        raise OptionError("unknown tagging method", value=method, hint='use method="rules" or "rules+learned"')


def _check_columns(events: pd.DataFrame) -> None:
    """An EventValidationError for events without the columns tagging needs."""
    missing = [c for c in _NEEDED if c not in events]
    if missing:
        raise EventValidationError(
            "the events table has no column " + ", ".join(repr(c) for c in missing),
            hint="tag the events of a Chronology (chronology.read(...).events)",
        )


@dataclass
class _Found:
    """Every tag found, as codes: the event's position, theme (index in the taxonomy), polarity (0
    concern, 1 strength), rule (index in ``rule_names``), whether a structural rule found it, and
    the evidence as Arrow chunks, text rules' first."""

    pos: np.ndarray
    theme: np.ndarray
    polarity: np.ndarray
    rule: np.ndarray
    structural: np.ndarray
    rule_names: list[str]
    evidence: list[Any]

    @classmethod
    def of(cls, text: dict[str, Any], rules: list[Any], found_rules: list[pd.DataFrame], themes: list[str]) -> _Found:
        """The text rules' tags (``TextRules.collect``) then each structural rule's."""
        rule_names: list[str] = list(text["rules"])
        pos, theme, polarity, rule = [text["pos"]], [text["theme"]], [text["pol"]], [text["rule"]]
        structural = [np.zeros(len(text["pos"]), dtype=bool)]
        evidence = list(text["evidence"].chunks)
        for spec, found in zip(rules, found_rules, strict=True):
            if not len(found):
                continue
            k = len(found)
            pos.append(found["pos"].to_numpy(dtype="int64"))
            theme.append(np.full(k, themes.index(spec.theme), dtype="int64"))
            polarity.append(np.full(k, 0 if spec.polarity == "concern" else 1, dtype="int64"))
            rule.append(np.full(k, len(rule_names), dtype="int64"))
            rule_names.append(spec.name)
            structural.append(np.ones(k, dtype=bool))
            evidence.append(_text._arrow(found, "evidence"))
        return cls(np.concatenate(pos), np.concatenate(theme), np.concatenate(polarity), np.concatenate(rule),
                   np.concatenate(structural), rule_names, evidence)


def _tags_table(events: pd.DataFrame, tax: Taxonomy, found: _Found) -> pd.DataFrame:
    """The tags table of ``found``: by event, theme, text before structural, polarity; ties
    (structural rules tagging the same event, theme and polarity) in rule order."""
    import pyarrow as pa

    themes = list(tax.themes)
    order = np.argsort(
        ((found.pos * len(themes) + found.theme) * 2 + found.structural) * 2 + found.polarity, kind="stable"
    )
    ids = _text._arrow(events, "event_id")
    labels = [tax.themes[th].label for th in themes]
    theme_sorted = found.theme[order]
    rule_codes = found.rule[order]
    evidence = found.evidence

    def evidence_column() -> pd.api.extensions.ExtensionArray:
        # Arrow concatenates the chunks to take from them: build this column first, and let the
        # chunks go at once
        out = _str(pa.chunked_array(evidence, pa.large_string()).take(pa.array(order)))
        evidence.clear()
        return out

    columns: dict[str, Callable[[], Any]] = {  # Arrow takes: on threads for a large table
        "evidence": evidence_column,
        "event_id": lambda: _str(ids.take(pa.array(found.pos[order]))),
        "theme": lambda: _decode(theme_sorted, themes),
        "polarity": lambda: _decode(found.polarity[order], ["concern", "strength"]),
        "rule": lambda: _decode(rule_codes, found.rule_names),
        "label": lambda: _decode(theme_sorted, labels),
        "kind": lambda: _decode(found.structural[order].astype("int64"), ["text", "structural"]),
    }
    arrays = _text.run_jobs(list(columns.values()), parallel=len(order) >= _text._PARALLEL_FROM)
    built = dict(zip(columns, arrays, strict=True))
    return pd.DataFrame({c: built[c] for c in TAG_COLUMNS}, copy=False)


def _with_learned(
    events: pd.DataFrame, tax: Taxonomy, threshold: float | None, labels: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The rules' tags and the learned layer's, ordered as the events then the taxonomy."""
    from .learned import THRESHOLD, learned_tags

    rules = tag(events, tax)
    extra = learned_tags(events, tax, rules, THRESHOLD if threshold is None else threshold, labels=labels)
    if extra.empty:
        return rules
    out = pd.concat([rules, extra], ignore_index=True)
    pos = pd.Series(np.arange(len(events)), index=events["event_id"].astype("str").to_numpy())
    th = {t: i for i, t in enumerate(tax.themes)}
    key = pos.reindex(out["event_id"].astype("str")).to_numpy() * (len(th) + 1) + out["theme"].astype("str").map(th).to_numpy()
    order = np.argsort(key, kind="stable")
    return out.iloc[order].reset_index(drop=True)


def _str(arr: object) -> pd.api.extensions.ExtensionArray:
    """An Arrow string array as a pandas 3 ``str`` array (no Python objects)."""
    import pyarrow as pa

    assert isinstance(arr, pa.Array | pa.ChunkedArray)
    return pd.array(arr.cast(pa.large_string()), dtype="str")


def _decode(codes: np.ndarray, values: list[str]) -> pd.api.extensions.ExtensionArray:
    """``values[codes]`` as a ``str`` array, taken by Arrow (much faster than casting a
    dictionary array)."""
    import pyarrow as pa

    return _str(pa.array(values, pa.large_string()).take(pa.array(codes)))


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
