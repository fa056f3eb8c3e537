"""The analysis tables a chart or a report shows, computed once and handed over as frames.

:class:`Tables` is what :mod:`chronology.plot` and :mod:`chronology.report` receive: the events,
rejects and provenance of a chronology, its theme tags and reviewer labels, and the analysis results
asked for (gaps, breaches, voice...). They render these frames; they never compute metrics through
:class:`~chronology.Chronology` (which sits above them). :meth:`Chronology.tables` builds one from
its own memo; :func:`compute_tables` builds one from a plain events frame, so a chart can be drawn
from ``c.events`` alone.

A request names each table and its options: a list of names (``["gaps", "breaches"]``, each with
its defaults) or a mapping of name to keyword arguments (``{"gaps": {"min_days": 14}}``). Two
variants of one table take two names and say which table they are with ``"table"``:
``{"gaps": {}, "agency_gaps": {"table": "gaps", "by": "agency"}}``.

Examples
--------
>>> import chronology as chron
>>> c = chron.samples.load("cassie")
>>> t = c.tables({"gaps": {"min_days": 30}, "breaches": {}})
>>> sorted(t.results)
['breaches', 'gaps']
>>> bool((t["gaps"]["days"] >= 30).all())
True
>>> from chronology.analysis import compute_tables
>>> compute_tables(c.events, ["voice"])["voice"].equals(c.voice())
True
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .errors import OptionError
from .schema import empty_provenance, empty_rejects

__all__ = ["TABLES", "TAGGED_TABLES", "Tables", "compute_tables", "requests_of", "table_key"]

#: The tables that can be asked for, and what each is (the function that computes it).
TABLES: dict[str, str] = {
    "gaps": "chronology.metrics.gaps",
    "intervals": "chronology.metrics.intervals (needs rules=...)",
    "breaches": "chronology.metrics.breaches",
    "missing": "chronology.metrics.missing",
    "voice": "chronology.metrics.voice",
    "voice_in_crisis": "chronology.metrics.voice_in_crisis",
    "crisis_periods": "chronology.metrics.crisis_periods",
    "silences": "chronology.metrics.silences",
    "activity": "chronology.metrics.activity",
    "duplicates": "chronology.metrics.duplicates",
    "themes": "chronology.themes.summary",
    "top_themes": "chronology.themes.top_themes",
    "prompts": "chronology.themes.prompts",
}

#: The tables computed from the theme tags (asking for one tags the events first when untagged).
TAGGED_TABLES = frozenset({"themes", "top_themes", "prompts"})

Requests = Sequence[str] | Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Tables:
    """The frames of one chronology that a chart or report renders.

    Attributes
    ----------
    events, rejects, provenance
        As in :class:`~chronology.Chronology` (not copied: do not modify them).
    tags
        Theme tags, or ``None`` when the events were not tagged and no tagged table was asked for.
    labels
        The reviewer's decisions on the tags, or ``None``.
    title
        The chronology's display title, or ``None``.
    results
        The analysis tables asked for, by name (see :data:`TABLES`); also ``tables[name]``.
    options
        The options each result was computed with, by name.
    """

    events: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    provenance: pd.DataFrame = field(default_factory=empty_provenance)
    tags: pd.DataFrame | None = None
    labels: pd.DataFrame | None = None
    title: str | None = None
    results: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.results[name]
        except KeyError:
            have = ", ".join(sorted(self.results)) or "none"
            raise KeyError(
                f"the table {name!r} was not computed (computed: {have}); ask for it, e.g. "
                f"c.tables([{name!r}])"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.results

    def get(self, name: str) -> pd.DataFrame | None:
        """The table ``name``, or ``None`` when it was not asked for."""
        return self.results.get(name)

    @property
    def several_cases(self) -> bool:
        """Whether the events hold more than one case."""
        case = self.events["case_id"]
        return bool(len(case) and (case != case.iloc[0]).any())


def requests_of(requests: Requests) -> dict[str, dict[str, Any]]:
    """A request as ``{name: {"table": table, **options}}``, checked against :data:`TABLES`.

    >>> requests_of(["gaps"])
    {'gaps': {'table': 'gaps'}}
    >>> requests_of({"agency_gaps": {"table": "gaps", "by": "agency"}})
    {'agency_gaps': {'table': 'gaps', 'by': 'agency'}}
    """
    items = requests.items() if isinstance(requests, Mapping) else ((n, {}) for n in requests)
    out: dict[str, dict[str, Any]] = {}
    for name, options in items:
        opts = dict(options)
        table = opts.setdefault("table", name)
        if table not in TABLES:
            raise OptionError(
                "unknown analysis table", value=table, hint=f"use one of {', '.join(TABLES)}"
            )
        out[name] = opts
    return out


def _metric(name: str) -> Callable[..., pd.DataFrame]:
    from . import metrics

    func: Callable[..., pd.DataFrame] = getattr(metrics, name)
    return func


def _themes(name: str) -> Callable[..., pd.DataFrame]:
    from . import themes

    func: Callable[..., pd.DataFrame] = getattr(themes, "summary" if name == "themes" else name)
    return func


def table_key(table: str, options: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The memo key of a metric table with these options, the metric's defaults filled in (so
    ``{"min_days": 14}`` and every option spelled out are one key); ``None`` when an option cannot
    be a key (a list of rules) or is not the metric's (the call itself then says so).

    >>> table_key("gaps", {"min_days": 14}) == table_key("gaps", {"min_days": 14, "by": None})
    True
    """
    try:
        bound = inspect.signature(_metric(table)).bind(None, **options)
    except (AttributeError, TypeError):
        return None
    bound.apply_defaults()
    key = ("table", table, *sorted(list(bound.arguments.items())[1:]))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def compute_tables(
    events: pd.DataFrame,
    requests: Requests = (),
    *,
    rejects: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    tags: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
    labels: pd.DataFrame | None = None,
    title: str | None = None,
    store: MutableMapping[Any, Any] | None = None,
    keep_results: bool = True,
) -> Tables:
    """Compute the requested analysis tables of ``events`` once, as a :class:`Tables`.

    Parameters
    ----------
    events
        The canonical events table; not modified.
    requests
        Names of :data:`TABLES`, or a mapping of name to options (see the module docstring).
    rejects, provenance, labels, title
        Carried into the result as they are.
    tags
        The theme tags, or a function that returns them (called only when a tagged table is asked
        for); ``None`` tags ``events`` with :func:`chronology.themes.tag` when one is needed.
    store
        A memo (a Chronology's): the metrics share one sorted working frame of ``events`` kept in
        it, and results already in it are reused and new ones kept (unless ``keep_results=False``:
        a large caseload recomputes rather than hold big results).

    Examples
    --------
    >>> import chronology as chron
    >>> ev = chron.samples.load("carlos").events
    >>> t = compute_tables(ev, {"gaps": {"min_days": 60}, "top_themes": {"n": 3}})
    >>> t.tags is not None and len(t["top_themes"]) > 0
    True
    """
    wanted = requests_of(requests)
    if any(o["table"] in TAGGED_TABLES for o in wanted.values()):
        if callable(tags):
            tags = tags()
        elif tags is None:
            from .themes import tag

            tags = tag(events, labels=labels)
            if labels is not None and len(labels):
                from .labels import apply_labels

                tags = apply_labels(tags, labels, events)  # the reviewer's decisions win
    elif callable(tags):
        tags = None
    results: dict[str, pd.DataFrame] = {}
    if store is None:
        sharing: Any = nullcontext()
    else:
        from .metrics import sharing_prepare

        sharing = sharing_prepare(events, store)
    with sharing:
        for name, opts in wanted.items():
            results[name] = _one(events, opts, tags, store if keep_results else None)
    return Tables(
        events=events,
        rejects=empty_rejects() if rejects is None else rejects,
        provenance=empty_provenance() if provenance is None else provenance,
        tags=tags,
        labels=labels,
        title=title,
        results=results,
        options=wanted,
    )


def _one(
    events: pd.DataFrame,
    opts: Mapping[str, Any],
    tags: pd.DataFrame | None,
    store: MutableMapping[Any, Any] | None,
) -> pd.DataFrame:
    options = {k: v for k, v in opts.items() if k != "table"}
    table = opts["table"]
    key = table_key(table, options) if store is not None and table not in TAGGED_TABLES else None
    if key is not None and store is not None and key in store:  # (key is None without a store)
        cached: pd.DataFrame = store[key]
        return cached.copy()
    if table in TAGGED_TABLES:
        assert tags is not None
        result = _themes(table)(events, tags, **options)
    elif table == "intervals":
        if "rules" not in options:
            raise OptionError("the 'intervals' table needs its rules", value=None,
                              hint="ask {'intervals': {'rules': [chron.Interval(...)]}}")
        result = _metric("intervals")(events, **options)
    else:
        result = _metric(table)(events, **options)
    if key is not None and store is not None:
        store[key] = result
        return result.copy()
    return result
