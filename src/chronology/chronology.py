"""The :class:`Chronology`: one immutable object holding validated events, rejects and provenance,
with fluent verbs that return new objects. The verbs are thin: each calls a plain function in its
stage module (:mod:`chronology.metrics`, :mod:`chronology.themes`, :mod:`chronology.plot`,
:mod:`chronology.report`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .errors import OptionError
from .schema import (
    CANONICAL_COLUMNS,
    REJECT_COLUMNS,
    empty_events,
    empty_provenance,
    empty_rejects,
    sort_events,
    validate_events,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from .analysis import Tables
    from .rules import Expect, Interval

__all__ = ["Chronology", "combine", "read", "read_case"]

PathLike = str | os.PathLike[str]

#: read_case reads two files at once when its files hold more than this (see read_case)
_PARALLEL_ABOVE_BYTES = 4 * 1024 * 1024

#: largest chronology whose metric results are memoised (see Chronology.tables); a larger one
#: still shares its sorted working frame between metrics, but recomputes their results
_MEMO_MAX_EVENTS = 200_000


@dataclass(frozen=True, eq=False)
class Chronology:
    """An integrated chronology: validated events, rejected rows and per-file provenance.

    Immutable: every verb returns a new ``Chronology``; ``.events`` is a plain DataFrame you may use
    with pandas (copy it before changing it). Build one with :func:`chronology.read`,
    :func:`chronology.read_case`, :func:`chronology.combine` or :meth:`Chronology.from_events`.

    Attributes
    ----------
    events
        The canonical event table (see ``chronology.schema``), sorted by ``start`` then source order.
    rejects
        Every input row that could not become an event: ``source, source_sheet, source_row, column,
        value, reason, hint``.
    provenance
        One row per file (and sheet): rows read, events, rejects, blank rows, and what was inferred
        (column mapping, date formats, encoding, delimiter).
    tags
        Theme tags (``event_id, theme, polarity, rule, evidence``) after :meth:`tag`, else ``None``.
    labels
        The reviewer's decisions on the tags (see :meth:`with_labels`), else ``None``.
    title
        A display title (from ``case.toml`` when read with :func:`read_case`).

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.Chronology.from_events(pd.DataFrame({
    ...     "case_id": ["x", "x"], "agency": ["police", "csc"],
    ...     "start": ["2024-03-01 10:00", "2024-03-04"],
    ...     "description": ["Police called to home", "Referral received"]}))
    >>> c
    <Chronology: 2 events, 0 rejects, 1 case, 2 agencies, 2024-03-01 to 2024-03-04>
    >>> c.events[["agency", "event_type", "precision"]].astype(str).values.tolist()
    [['police', 'police_callout', 'minute'], ['csc', 'referral', 'day']]
    """

    events: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    provenance: pd.DataFrame = field(default_factory=empty_provenance)
    tags: pd.DataFrame | None = None
    title: str | None = None
    redactions: pd.DataFrame | None = None
    labels: pd.DataFrame | None = None
    # results of the metric verbs, per arguments: safe because the object is immutable; not copied
    # by _replace (a derived object starts empty)
    _memo: dict[tuple[Any, ...], pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _sharing(self) -> AbstractContextManager[None]:
        """A block in which the metrics compute their sorted working frame of these events once
        (kept in the memo, whatever the size: it is what every metric needs first)."""
        from .metrics import sharing_prepare

        return sharing_prepare(self.events, self._memo)

    # ------------------------------------------------------------------ construction
    def _replace(self, **changes: Any) -> Chronology:
        """A new Chronology with some fields changed; the one place objects are derived.

        The memo of metric results goes with the events: kept when they are the same (``tag()``,
        a new title), dropped when they change."""
        new = replace(self, **changes)
        if "events" not in changes or changes["events"] is self.events:
            object.__setattr__(new, "_memo", self._memo)
        return new

    @classmethod
    def from_events(
        cls,
        events: pd.DataFrame,
        *,
        source: str = "<frame>",
        title: str | None = None,
    ) -> Chronology:
        """Build a Chronology from a frame that already has canonical column names.

        Missing columns are filled (``event_id``, ``precision`` from the dates, ``event_type``
        inferred from the text, lineage), values are normalised as :func:`read` would, and the
        result is validated. The input frame is not modified.
        """
        from .normalise import events_from_canonical

        ev, rejects, prov = events_from_canonical(events, source=source)
        validate_events(ev, source=source)
        return cls(events=sort_events(ev), rejects=rejects, provenance=prov, title=title)

    # ------------------------------------------------------------------ display
    @property
    def case_ids(self) -> list[str]:
        """The case ids present, sorted."""
        return sorted(self.events["case_id"].dropna().unique().tolist())

    @property
    def agencies(self) -> list[str]:
        """The agencies present, in vocabulary order."""
        return [a for a in self.events["agency"].cat.categories if a in set(self.events["agency"])]

    def _summary(self) -> str:
        ev = self.events
        n_cases = ev["case_id"].nunique()
        n_ag = ev["agency"].nunique()
        span = ""
        if len(ev):
            span = f", {ev['start'].min():%Y-%m-%d} to {ev['start'].max():%Y-%m-%d}"
        return (
            f"{len(ev)} events, {len(self.rejects)} rejects, {n_cases} case{'s' * (n_cases != 1)}, "
            f"{n_ag} agenc{'ies' if n_ag != 1 else 'y'}{span}"
        )

    def __repr__(self) -> str:
        return f"<Chronology: {self._summary()}>"

    def __len__(self) -> int:
        return len(self.events)

    def _repr_html_(self) -> str:
        from html import escape

        head = escape(self.title or "Chronology")
        cols = ["start", "agency", "service", "event_type", "description", "action", "child_seen"]
        table = self.events[cols].head(20).to_html(index=False, na_rep="", escape=True)
        more = (
            f"<p><i>showing 20 of {len(self.events)} events; use .events for all</i></p>"
            if len(self.events) > 20
            else ""
        )
        rej = ""
        if len(self.rejects):
            rej = (
                f"<details><summary>{len(self.rejects)} rejected rows (see .rejects)</summary>"
                + self.rejects.head(20).to_html(index=False, na_rep="", escape=True)
                + "</details>"
            )
        return f"<div><b>{head}</b>: {escape(self._summary())}{table}{more}{rej}</div>"

    # ------------------------------------------------------------------ plain verbs
    def pipe(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Apply ``func(self, *args, **kwargs)``, for the user's own steps in a chain."""
        return func(self, *args, **kwargs)

    def filter(
        self,
        mask: pd.Series | Callable[[pd.DataFrame], pd.Series] | None = None,
        *,
        case_id: str | Iterable[str] | None = None,
        agency: str | Iterable[str] | None = None,
        start: Any = None,
        end: Any = None,
    ) -> Chronology:
        """A new Chronology with only the events selected (rejects and provenance kept).

        Examples
        --------
        >>> import chronology as chron
        >>> c = chron.samples.load("cassie")                       # doctest: +SKIP
        >>> c.filter(agency="police", start="2024-03-01")          # doctest: +SKIP
        """
        ev = self.events
        keep = pd.Series(True, index=ev.index)
        if mask is not None:
            m = mask(ev) if callable(mask) else mask
            if not isinstance(m, pd.Series):
                m = pd.Series(np.asarray(m, dtype=bool), index=ev.index)
            keep &= m.reindex(ev.index, fill_value=False).astype(bool)
        if case_id is not None:
            keep &= ev["case_id"].isin([case_id] if isinstance(case_id, str) else list(case_id))
        if agency is not None:
            keep &= ev["agency"].isin([agency] if isinstance(agency, str) else list(agency))
        if start is not None:
            keep &= ev["start"] >= _as_london(start)
        if end is not None:
            keep &= ev["start"] <= _as_london(end)
        new = ev[keep].reset_index(drop=True)
        tags = None
        if self.tags is not None:
            tags = self.tags[self.tags["event_id"].isin(new["event_id"])].reset_index(drop=True)
        return self._replace(events=new, tags=tags)

    def validate(self) -> Chronology:
        """Re-validate the events against the schema (useful after editing a copy by hand)."""
        validate_events(self.events)
        return self

    # ------------------------------------------------------------------ metrics
    def gaps(
        self,
        min_days: float = 0,
        by: Literal["agency"] | None = None,
        exact_only: bool = False,
        working_days: bool = False,
        describe: bool = False,
    ) -> pd.DataFrame:
        """Periods with no recorded event; see :func:`chronology.metrics.gaps`.

        ``describe=True`` adds the descriptions of the events either side (joined by id from
        :attr:`events`; the table itself names them by id).
        """
        options = {"min_days": min_days, "by": by, "exact_only": exact_only, "working_days": working_days}
        out = self.tables({"gaps": options})["gaps"]
        if not describe:
            return out
        from .metrics import describe as _describe

        return _describe(out, self.events)

    def intervals(self, rules: Interval | Sequence[Interval]) -> pd.DataFrame:
        """Elapsed time between events against limits; see :func:`chronology.metrics.intervals`."""
        from .metrics import intervals

        with self._sharing():
            return intervals(self.events, rules)

    def breaches(self, rules: Sequence[Interval] | PathLike | None = None) -> pd.DataFrame:
        """Statutory timescales (plus your own rules) checked; see :func:`chronology.metrics.breaches`."""
        from .metrics import breaches

        if rules is None:  # the statutory defaults: computed once per object (shared with tables())
            return self.tables(["breaches"])["breaches"]
        with self._sharing():
            return breaches(self.events, rules)

    def missing(self, expectations: Expect | Sequence[Expect] | None = None) -> pd.DataFrame:
        """Trigger events with no follow-up in time; see :func:`chronology.metrics.missing`."""
        from .metrics import missing

        with self._sharing():
            return missing(self.events, expectations)

    def voice(
        self, freq: str = "M", by: Literal["crisis"] | None = None, rules: PathLike | Mapping[str, Any] | None = None
    ) -> pd.DataFrame:
        """Share of events where the child was seen and heard; see :func:`chronology.metrics.voice`.

        ``by="crisis"``: the child's voice inside crisis periods (hospital stays, custody, missing
        episodes, placement breakdowns) against outside them, one row per case with a finding; see
        :func:`chronology.metrics.voice_in_crisis` (``rules``: its crisis kinds)."""
        if by == "crisis":
            from .metrics import voice_in_crisis

            if rules is None:  # the default crisis kinds: computed once per object (shared with tables())
                return self.tables(["voice_in_crisis"])["voice_in_crisis"]
            with self._sharing():
                return voice_in_crisis(self.events, rules)
        if by is not None:
            raise OptionError("unknown voice breakdown", value=by, hint="use by='crisis' or leave it out")
        from .metrics import voice

        with self._sharing():
            return voice(self.events, freq=freq)

    def crisis_periods(self, rules: PathLike | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Hospital stays, custody, missing episodes and placement breakdowns found from the events;
        see :func:`chronology.metrics.crisis_periods`."""
        from .metrics import crisis_periods

        with self._sharing():
            return crisis_periods(self.events, rules)

    def silences(self) -> pd.DataFrame:
        """Longest stretches with the child not seen or not heard; see :func:`chronology.metrics.silences`."""
        from .metrics import silences

        with self._sharing():
            return silences(self.events)

    def activity(self, freq: str = "W") -> pd.DataFrame:
        """Events per agency per period; see :func:`chronology.metrics.activity`."""
        from .metrics import activity

        with self._sharing():
            return activity(self.events, freq=freq)

    def duplicates(self, **kwargs: Any) -> pd.DataFrame:
        """Candidate groups of the same event told by several agencies; see :func:`chronology.metrics.duplicates`."""
        from .metrics import duplicates

        with self._sharing():
            return duplicates(self.events, **kwargs)

    def merge_duplicates(self, groups: pd.DataFrame) -> Chronology:
        """A new Chronology with each duplicate group merged into one event (only when asked)."""
        from .metrics import merge_duplicates

        return self._replace(events=sort_events(merge_duplicates(self.events, groups)))

    def tables(self, requests: Sequence[str] | Mapping[str, Mapping[str, Any]] = (), *, tagged: bool = False) -> Tables:
        """The analysis tables asked for, computed once, with the events, rejects, provenance,
        tags and labels: what :mod:`chronology.plot` and :mod:`chronology.report` render.

        Parameters
        ----------
        requests
            Names of :data:`chronology.analysis.TABLES` (``["gaps", "breaches"]``) or a mapping of
            name to options (``{"gaps": {"min_days": 14}}``); see :mod:`chronology.analysis`.
        tagged
            Tag the events (when they are not tagged yet) even if no tagged table is asked for.

        Examples
        --------
        >>> import chronology as chron
        >>> t = chron.samples.load("cassie").tables({"gaps": {"min_days": 14}}, tagged=True)
        >>> t["gaps"].equals(chron.samples.load("cassie").gaps(min_days=14)), t.tags is not None
        (True, True)
        """
        from .analysis import compute_tables

        tags: pd.DataFrame | Callable[[], pd.DataFrame] | None = self.tags
        if tags is None:
            tags = self._tags() if tagged else self._tags
        return compute_tables(
            self.events, requests, rejects=self.rejects, provenance=self.provenance, tags=tags,
            labels=self.labels, title=self.title, store=self._memo,
            keep_results=len(self.events) <= _MEMO_MAX_EVENTS,
        )

    # ------------------------------------------------------------------ themes
    def tag(
        self,
        taxonomy: PathLike | Sequence[PathLike] | None = None,
        *,
        learned: bool = False,
        method: str | None = None,
    ) -> Chronology:
        """A new Chronology with ``tags`` set; see :func:`chronology.themes.tag` (``learned=True``
        adds the learned layer's tags, which needs ``pip install "chronology[learn]"``). The
        reviewer's decisions in ``labels`` (:meth:`with_labels`) are applied to the new tags, and the
        learned layer is trained on them too."""
        from .themes import tag

        tags = tag(self.events, taxonomy=taxonomy, learned=learned, method=method, labels=self.labels)
        if self.labels is not None:
            from .labels import apply_labels

            tags = apply_labels(tags, self.labels, self.events)
        return self._replace(tags=tags)

    def with_labels(
        self, labels: pd.DataFrame | PathLike, *, sheet: str | None = None, taxonomy: Any = None
    ) -> Chronology:
        """A new Chronology whose tags follow a reviewer's decisions; see :mod:`chronology.labels`.

        Rejected tags are dropped, added ones appear (``rule="reviewer"``), accepted ones are marked
        ``confirmed=True``; every summary, prompt, report and the timeline use these tags. The
        decisions are kept in ``labels`` (with earlier ones: a newer decision on the same tag wins),
        so :meth:`tag` keeps them. Tags the events first when they are not tagged yet.

        Parameters
        ----------
        labels
            From :func:`chronology.read_labels`, or the reviewed workbook / CSV to read with it.
        sheet, taxonomy
            Passed to :func:`chronology.read_labels` when ``labels`` is a path.

        Raises
        ------
        chronology.labels.LabelError
            A decision names an event that is not in this chronology (the message says where).

        Examples
        --------
        >>> import chronology as chron
        >>> c = chron.samples.load("cassie").tag()                                   # doctest: +SKIP
        >>> c.to_excel("cassie.xlsx")                                                # doctest: +SKIP
        >>> # ... the reviewer fills Accept, Reviewer, Date decided in the Themes sheet ...
        >>> reviewed = c.with_labels(chron.read_labels("cassie.xlsx", chronology=c))  # doctest: +SKIP
        """
        from .labels import apply_labels, check_event_ids, merge_labels, read_labels

        if not isinstance(labels, pd.DataFrame) or "decision" not in labels:
            labels = read_labels(labels, chronology=self, sheet=sheet, taxonomy=taxonomy)
        check_event_ids(labels, self.events)
        merged = merge_labels(self.labels, labels)
        base = self.tags if self.tags is not None else self.tag().tags
        assert base is not None
        return self._replace(labels=merged, tags=apply_labels(base, merged, self.events))

    def _tags(self) -> pd.DataFrame:
        return self.tags if self.tags is not None else self.tag().tags  # type: ignore[return-value]

    def themes(self, by: Literal["agency", "case", "period"] | None = None, freq: str = "M") -> pd.DataFrame:
        """Theme counts, overall or by agency, case or period (tags the events first if needed)."""
        from .themes import summary

        return summary(self.events, self._tags(), by=by, freq=freq)

    def top_themes(self, n: int = 5) -> pd.DataFrame:
        """The top themes of each case with their strongest evidence."""
        from .themes import top_themes

        return top_themes(self.events, self._tags(), n=n)

    def prompts(self, templates: PathLike | None = None) -> pd.DataFrame:
        """Reflective supervision prompts quoting dated evidence; see :func:`chronology.themes.prompts`."""
        from .themes import prompts

        return prompts(self.events, self._tags(), templates=templates)

    # ------------------------------------------------------------------ privacy
    def pseudonymise(
        self, names: Mapping[str, str] | PathLike, key: PathLike | None = None
    ) -> Chronology:
        """Replace real names with role labels ("Child C", "Mother", "SW1") in every text column;
        see :func:`chronology.privacy.pseudonymise`. Writes the key file when ``key`` is given."""
        from .privacy import pseudonymise

        def apply(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            if frame is None or frame.empty:
                return frame
            return pseudonymise(frame, names)

        title = None
        if self.title:
            title = str(pseudonymise(pd.DataFrame({"description": [self.title]}), names)["description"].iloc[0])
        # names can also sit in rejected rows, the title, lineage and redaction records: none may
        # reach a report
        return self._replace(
            events=pseudonymise(self.events, names, key=key),
            rejects=apply(self.rejects),
            provenance=apply(self.provenance),
            redactions=apply(self.redactions),
            labels=apply(self.labels),  # event ids and reviewers' notes are pseudonymised alike
            title=title,
            tags=None,
        )

    def personalise(self, key: PathLike) -> Chronology:
        """Undo :meth:`pseudonymise` with its key file; see :func:`chronology.privacy.personalise`."""
        from .privacy import personalise

        return self._replace(events=personalise(self.events, key), tags=None)

    def redact(self, kinds: Sequence[str] | None = None) -> Chronology:
        """Replace identifiers (NHS numbers, phones, postcodes, emails, dates of birth, addresses) in free
        text with labelled placeholders; ``.redactions`` lists what was redacted where.
        See :func:`chronology.privacy.redact`."""
        from .privacy import redact

        events, table = redact(self.events, kinds=kinds)
        return self._replace(events=events, redactions=table, tags=None)

    # ------------------------------------------------------------------ plots and reports
    def timeline(self, color: Literal["event_type", "theme", "agency"] = "event_type", gaps: bool = True, breaches: bool = True, **kwargs: Any) -> go.Figure:
        """An interactive plotly timeline, one lane per agency; see :func:`chronology.plot.timeline`."""
        from .plot import timeline

        return timeline(self, color=color, gaps=gaps, breaches=breaches, **kwargs)

    def to_excel(self, path: PathLike, **kwargs: Any) -> Path:
        """Write the integrated chronology and its analyses to an Excel workbook."""
        from .report import to_excel

        return to_excel(self, path, **kwargs)

    def to_html(self, path: PathLike, **kwargs: Any) -> Path:
        """Write one self-contained, offline HTML report."""
        from .report import to_html

        return to_html(self, path, **kwargs)

    def to_parquet(self, path: PathLike, *, partition_by: Literal["case_id"] | None = None, **kwargs: Any) -> Path:
        """Store as a caseload folder of Parquet files, for :func:`chronology.caseload`; see
        :func:`chronology.store.write_parquet`."""
        from .store import write_parquet

        return write_parquet(self, path, partition_by=partition_by, **kwargs)

    def to_docx(self, path: PathLike, **kwargs: Any) -> Path:
        """Write the integrated chronology as a Word table."""
        from .report import to_docx

        return to_docx(self, path, **kwargs)


def _as_london(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:  # the repeated hour of a clock change: its first (BST) occurrence
        return ts.tz_localize("Europe/London", ambiguous=True, nonexistent="shift_forward")
    return ts.tz_convert("Europe/London")


# ---------------------------------------------------------------------- module-level verbs
def read(
    path: PathLike,
    agency: str | None = None,
    case_id: str | None = None,
    columns: Mapping[str, str] | None = None,
    *,
    sheet: str | int | None = None,
    date_formats: Sequence[str] | None = None,
    encoding: str | None = None,
    service: str | None = None,
) -> Chronology:
    """Read one agency chronology file (``.csv``, ``.xlsx``, ``.docx``) into a :class:`Chronology`.

    Parameters
    ----------
    path
        The file.
    agency
        The agency that sent it: a code (``"police"``) or a name (``"Metropolitan Police"``).
        Required unless the file has an agency column.
    case_id
        The child / case the file is about. Required unless the file has a case id column
        ("Case ref", "Child ID"); then one file can hold a caseload.
    columns
        Explicit mapping ``{source heading: canonical field}``; it wins over the inferred mapping.
        Fields: ``case_id, agency, service, date, time, datetime, end_date, end_time, event_type,
        description, action, child_seen, child_voice, practitioner``, or ``None``/``"ignore"`` to
        keep a column unmapped.
    sheet
        Excel only: one sheet by name or position; by default every sheet with a chronology.
    date_formats
        strftime formats to try first, before the built-in UK day-first ones.
    encoding
        CSV only; by default utf-8, utf-8 with BOM or cp1252 is detected.
    service
        A service / team name for every row when the file has none.

    Every row becomes an event or a reject; see ``.provenance`` for the counts and what was inferred.

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.read(chron.samples.path("cassie") / "police.csv", agency="police",
    ...                case_id="cassie")                               # doctest: +SKIP
    """
    return _read(
        path, agency=agency, case_id=case_id, columns=columns, sheet=sheet,
        date_formats=date_formats, encoding=encoding, service=service,
    )


def _read(
    path: PathLike,
    agency: str | None = None,
    case_id: str | None = None,
    columns: Mapping[str, str] | None = None,
    *,
    sheet: str | int | None = None,
    date_formats: Sequence[str] | None = None,
    encoding: str | None = None,
    service: str | None = None,
    sort: bool = True,
    validate: bool = True,
) -> Chronology:
    """:func:`read`, optionally without the final sort and validation (:func:`read_case` sorts and
    validates once, after combining the files; a failure still names each row's file)."""
    from .io import read_tables
    from .normalise import normalise_tables

    tables = read_tables(path, sheet=sheet, encoding=encoding, columns=columns)
    events, rejects, prov = normalise_tables(
        tables,
        agency=agency,
        case_id=case_id,
        columns=columns,
        date_formats=date_formats,
        service=service,
    )
    if validate:
        validate_events(events, source=Path(path).name)
    return Chronology(events=sort_events(events) if sort else events, rejects=rejects, provenance=prov)


def read_case(folder: PathLike, *, progress: bool = False, workers: int | None = None) -> Chronology:
    """Read every file listed in ``folder/case.toml`` and combine them into one Chronology.

    The manifest names the case (``case_id``, ``title``) and each file with its ``agency`` and
    optional ``sheet``, ``columns``, ``date_formats`` and ``service`` (see
    :mod:`chronology.manifest`). A folder without ``case.toml`` reads as one case: the case id is
    the folder's name, every ``.csv``/``.xlsx``/``.docx`` file is read and its agency inferred from
    its file name, with a note in provenance.

    Parameters
    ----------
    folder
        The folder holding ``case.toml`` and the agencies' files.
    progress
        Show a progress bar, one step per file (worth it for a caseload).
    workers
        How many files are read at once. Default: 2 when the files hold more than 4 MB (a
        caseload) and the machine has two cores, else 1. Most of the parsing runs in pyarrow and
        pandas code that releases the GIL, so two files at once take about two thirds of the time;
        the result is the same whatever the number. ``workers=1`` reads one file after the other
        (the least memory).

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.read_case(chron.samples.path("cassie"))               # doctest: +SKIP
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa

    from .manifest import manifest_for

    manifest = manifest_for(folder)  # case.toml, or one case inferred from the folder
    files = manifest.files
    if workers is None:  # threads cost more than they save on one child's few small files
        size = sum(f.path.stat().st_size for f in files if f.path.is_file())
        workers = min(2, os.cpu_count() or 1) if size > _PARALLEL_ABOVE_BYTES else 1
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise OptionError("workers must be a whole number of at least 1", value=workers, hint="e.g. workers=2")

    def read_one(f: Any) -> Chronology:
        part = _read(
            f.path,
            agency=f.agency,
            case_id=f.case_id or manifest.case_id,
            columns=f.columns,
            sheet=f.sheet,
            date_formats=f.date_formats,
            service=f.service,
            sort=False,
            validate=False,
        )
        if f.extra.get("inferred"):  # no case.toml: say how the file was read
            notes = part.provenance["notes"]
            part.provenance["notes"] = [
                f.extra["inferred"] if n is None or n != n else f"{f.extra['inferred']}; {n}" for n in notes
            ]
        return part

    pool = pa.default_memory_pool()
    with ThreadPoolExecutor(max_workers=min(workers, max(len(files), 1))) as ex:
        results: Iterable[Chronology] = ex.map(read_one, files)  # in manifest order
        if progress:
            from tqdm.auto import tqdm

            results = tqdm(results, total=len(files), desc=f"reading {manifest.case_id}", unit="file")
        parts = []
        for part in results:
            parts.append(part)
            # Arrow's allocator keeps the pages each file's working copies freed; give them back,
            # so that a caseload's peak is its events plus the files in hand, not the sum (~1 µs)
            pool.release_unused()
    out = _combine(parts, title=manifest.title)
    pool.release_unused()
    return out


def combine(chronologies: Sequence[Chronology], *, title: str | None = None) -> Chronology:
    """Merge several Chronologies (e.g. one per agency) into one integrated Chronology.

    Events are stacked and sorted by start then source order; rejects and provenance are stacked;
    tags are dropped (call :meth:`Chronology.tag` again; reviewer labels are kept and applied then). Event ids must stay unique: reading the
    same file twice is an error.

    Examples
    --------
    >>> import chronology as chron
    >>> a = chron.Chronology.from_events(pd.DataFrame({"case_id": ["x"], "agency": ["police"],
    ...     "start": ["2024-03-01"], "description": ["Call"]}), source="a")
    >>> b = chron.Chronology.from_events(pd.DataFrame({"case_id": ["x"], "agency": ["csc"],
    ...     "start": ["2024-02-01"], "description": ["Referral"]}), source="b")
    >>> chron.combine([a, b]).events["agency"].tolist()
    ['csc', 'police']
    """
    return _combine(list(chronologies), title=title)


def _combine(chronologies: list[Chronology], *, title: str | None = None) -> Chronology:
    """:func:`combine`, emptying the list it is given once the frames are stacked, so that the
    per-file frames can be freed while the result is sorted (:func:`read_case` owns its list)."""
    if not chronologies:
        return Chronology(events=empty_events(), title=title)
    _check_chronologies(chronologies)
    events = _concat([c.events for c in chronologies], empty_events())
    _check_unique_ids(events)
    rejects = _concat([c.rejects for c in chronologies], empty_rejects())
    prov = _concat([c.provenance for c in chronologies], empty_provenance())
    titles = {c.title for c in chronologies if c.title}
    labelled = [c.labels for c in chronologies if c.labels is not None and len(c.labels)]
    chronologies.clear()
    validate_events(events)
    if title is None and len(titles) == 1:
        title = titles.pop()
    labels = pd.concat(labelled, ignore_index=True) if labelled else None  # reviewer decisions travel
    rejects = rejects[REJECT_COLUMNS + [c for c in rejects.columns if c not in REJECT_COLUMNS]]
    return Chronology(events=sort_events(events, consume=True), rejects=rejects, provenance=prov, title=title,
                      labels=labels)


def _check_chronologies(chronologies: list[Any]) -> None:
    """Refuse anything but Chronology objects, naming what was given."""
    for c in chronologies:
        if not isinstance(c, Chronology):
            raise OptionError(
                "combine() takes Chronology objects",
                value=type(c).__name__,
                hint="read each file with chronology.read() first",
            )


def _check_unique_ids(events: pd.DataFrame) -> None:
    """Event ids stay unique across the chronologies combined (a file read twice is an error)."""
    dup = events["event_id"].duplicated(keep=False)
    if dup.any():
        from .errors import EventValidationError

        first = events.loc[dup, "event_id"].iloc[0]
        raise EventValidationError(
            "the same event id appears in two of the chronologies being combined",
            value=first,
            hint="a file was probably read twice; combine each agency file once",
        )


def _concat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty
    out = pd.concat(frames, ignore_index=True, sort=False)
    # keep canonical dtypes (concat of categoricals with equal categories keeps them)
    for col in CANONICAL_COLUMNS:
        if col in empty.columns and col in out.columns and out[col].dtype != empty[col].dtype:
            out[col] = out[col].astype(empty[col].dtype)
    return out
