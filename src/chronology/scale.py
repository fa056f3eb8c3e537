"""A caseload beyond memory (``chron.caseload``): events stored as partitioned Parquet, the per-case
metrics computed out of core on DuckDB, or on Apache Spark, with the very functions the in-memory
path uses.

Every metric of ``chronology`` is computed case by case (gaps, intervals, breaches, missing
follow-ups, voice, silences, activity, theme tags and theme counts never mix two children), so a
caseload too large for memory can be cut into batches of whole cases, each batch run through the
ordinary :class:`~chronology.Chronology` verbs, and the results stacked. The results are the same
as on the whole caseload in memory (the tests check it with ``assert_frame_equal``).

* :func:`write_parquet` (also :meth:`Chronology.to_parquet`) stores a chronology as a caseload
  folder: ``events/`` (Parquet files holding whole cases, sorted by case; or one folder per case
  with ``partition_by="case_id"``, the layout of Spark's ``partitionBy("case_id")``), ``rejects/``,
  ``provenance/`` and ``caseload.json``. ``append=True`` adds more chronologies to it, so a national
  dataset is written one part at a time.
* :func:`caseload` opens such a folder, or any folder of Parquet event files written elsewhere
  (e.g. by a data platform, hive-partitioned or not), as a :class:`Caseload`. Its verbs run DuckDB
  under a memory limit (``memory_limit="1GB"``, spilling to a temporary folder): DuckDB streams the
  events in case order, Python collects batches of whole cases (``batch_events`` events each), and
  each batch goes through the same ``Chronology`` verbs as in memory. Results are returned as one
  DataFrame, or written batch by batch to Parquet with ``out=``.
* :func:`spark_metric` runs the same per-case function on Apache Spark:
  ``df.groupBy("case_id").applyInPandas(fn, schema)``.

Memory: one batch of events and its results are held at a time (plus DuckDB's own limit); a single
case larger than ``batch_events`` makes a batch of its own, so the largest case must fit in memory.

Examples
--------
>>> import tempfile
>>> import chronology as chron
>>> c = chron.samples.load("cassie")
>>> folder = c.to_parquet(tempfile.mkdtemp())
>>> cl = chron.caseload(folder)
>>> cl
<Caseload: 95 events, 1 case, events/ in 1 Parquet file>
>>> import pandas as pd
>>> pd.testing.assert_frame_equal(cl.gaps(min_days=14), c.gaps(min_days=14))
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .errors import ChronologyError, MissingDependencyError, OptionError, SourceReadError
from .schema import CANONICAL_COLUMNS, CANONICAL_DTYPES, TZ, validate_events
from .store import META_FILE, read_meta, write_parquet

if TYPE_CHECKING:
    import pyarrow as pa

    from .chronology import Chronology
    from .rules import Expect, Interval

__all__ = ["METRICS", "Caseload", "SparkCaseload", "caseload", "run_metrics", "spark_events", "spark_metric", "write_parquet"]

PathLike = str | os.PathLike[str]

#: the per-case metrics a caseload computes, each the Chronology verb of the same name (``tags`` is
#: ``tag().tags``, ``themes`` is ``tag().themes(by="case")``)
METRICS: tuple[str, ...] = (
    "gaps", "intervals", "breaches", "missing", "voice", "silences", "activity", "tags", "themes",
)

#: the options each metric takes (the keyword arguments of its Chronology verb)
_OPTIONS: dict[str, tuple[str, ...]] = {
    "gaps": ("min_days", "by", "exact_only", "working_days"),
    "intervals": ("rules",),
    "breaches": ("rules",),
    "missing": ("expectations",),
    "voice": ("freq",),
    "silences": (),
    "activity": ("freq",),
    "tags": ("taxonomy",),
    "themes": ("taxonomy",),
}

#: dtypes restored on reading for columns outside the canonical table (others stay as Arrow gives)
_SIMPLE_DTYPES = {"str", "int64", "float64", "bool", "boolean", "Int64", "Float64"}


# ------------------------------------------------------------------------------ the per-case step
def run_metrics(events: pd.DataFrame, metrics: Mapping[str, Mapping[str, Any]]) -> dict[str, pd.DataFrame]:
    """The per-case function every engine runs: the Chronology verbs on a frame of whole cases.

    ``events`` is a canonical events frame holding whole cases (a batch, a Spark group, or a whole
    caseload); the result of each metric is what the :class:`~chronology.Chronology` verb of the
    same name returns for these events, so results of several batches stacked equal the result on
    all of them at once.

    Parameters
    ----------
    events
        Canonical events (``Chronology.events``, or a batch read back from Parquet); not modified.
    metrics
        ``{metric: options}``, metrics from :data:`METRICS`, options the verb's keyword arguments.

    Examples
    --------
    >>> import chronology as chron
    >>> c = chron.samples.load("camille")
    >>> out = run_metrics(c.events, {"gaps": {"min_days": 7}, "voice": {}})
    >>> out["gaps"].equals(c.gaps(min_days=7))
    True
    """
    from .chronology import Chronology
    from .schema import sort_events

    specs = _check_metrics(metrics)
    c = Chronology(events=sort_events(events))
    out: dict[str, pd.DataFrame] = {}
    tagged: dict[Any, Chronology] = {}
    for name, opts in specs.items():
        if name in ("tags", "themes"):
            key = _freeze(opts.get("taxonomy"))
            if key not in tagged:
                tagged[key] = c.tag(opts.get("taxonomy"))
            t = tagged[key]
            out[name] = t.tags if name == "tags" else t.themes(by="case")  # type: ignore[assignment]
        else:
            out[name] = getattr(c, name)(**opts)
    return out


def _freeze(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value if isinstance(value, str | os.PathLike | type(None)) else id(value)


def _check_metrics(metrics: Mapping[str, Mapping[str, Any]] | Sequence[str]) -> dict[str, dict[str, Any]]:
    if isinstance(metrics, str):
        metrics = [metrics]
    specs = dict(metrics) if isinstance(metrics, Mapping) else {m: {} for m in metrics}
    if not specs:
        raise OptionError("no metric asked for", hint=f"name some of: {', '.join(METRICS)}")
    out: dict[str, dict[str, Any]] = {}
    for name, opts in specs.items():
        if name not in _OPTIONS:
            raise OptionError("unknown metric", value=name, hint=f"use one of: {', '.join(METRICS)}")
        opts = dict(opts or {})
        bad = [k for k in opts if k not in _OPTIONS[name]]
        if bad:
            valid = ", ".join(_OPTIONS[name]) or "none"
            raise OptionError(f"unknown option for {name}", value=", ".join(bad), hint=f"valid options: {valid}")
        if name == "intervals" and "rules" not in opts:
            raise OptionError("intervals needs rules", hint="pass {'intervals': {'rules': [chron.Interval(...)]}}")
        out[name] = opts
    return out


def empty_result(metric: str, **options: Any) -> pd.DataFrame:
    """The result of ``metric`` on no events: its columns and dtypes."""
    from .schema import empty_events

    return run_metrics(empty_events(), {metric: options})[metric]


# --------------------------------------------------------------------------------- reading events
def _events_from_arrow(table: pa.Table, dtypes: Mapping[str, str], *, validate: bool, where: str) -> pd.DataFrame:
    """A canonical events frame from Arrow columns read back from Parquet (by DuckDB or Spark)."""
    frame = table.to_pandas()
    return _canonical(frame, dtypes, validate=validate, where=where)


def _canonical(
    frame: pd.DataFrame, dtypes: Mapping[str, str], *, validate: bool, where: str, naive_tz: str = "UTC"
) -> pd.DataFrame:
    """``frame`` with the canonical dtypes; timestamps without a zone are taken in ``naive_tz``."""
    missing = [c for c in ("event_id", "case_id", "agency", "start", "precision", "description")
               if c not in frame.columns]
    if missing:
        raise SourceReadError(
            "the Parquet events lack canonical columns", file=where, column=", ".join(missing),
            hint="store events with chronology.scale.write_parquet(), or name the columns as in "
            "chronology.schema.CANONICAL_COLUMNS",
        )
    out: dict[str, Any] = {}
    for col in CANONICAL_COLUMNS:
        out[col] = _canonical_column(frame, col, where=where, naive_tz=naive_tz)
    for col in frame.columns:
        if col not in out:
            out[col] = _extra_column(frame[col], dtypes.get(str(col)))
    events = pd.DataFrame(out, copy=False).reset_index(drop=True)
    if validate:
        validate_events(events, source=where)
    return events


def _canonical_column(frame: pd.DataFrame, col: str, *, where: str, naive_tz: str) -> pd.Series:
    """The canonical column ``col`` of ``frame`` in its canonical dtype (all missing when absent)."""
    dtype = CANONICAL_DTYPES[col]
    if col not in frame.columns:
        return pd.Series(pd.NA if dtype != "bool" else False, index=frame.index).astype(dtype)
    s = frame[col]
    try:
        if isinstance(dtype, pd.DatetimeTZDtype):
            s = pd.to_datetime(s)
            s = s.dt.tz_localize(naive_tz) if s.dt.tz is None else s
            return s.dt.tz_convert(TZ).astype(dtype)
        if isinstance(dtype, pd.CategoricalDtype):
            bad = s.notna() & ~s.isin(dtype.categories)
            if bad.any():
                raise EventValueError(col, s[bad].iloc[0], where, dtype)
        return s.astype(dtype)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ChronologyError):
            raise
        raise SourceReadError(
            f"a column does not hold {dtype} values", file=where, column=col,
            hint="store events with chronology.scale.write_parquet(), keeping the dtypes of "
            "chronology.schema.CANONICAL_DTYPES",
        ) from exc


def _extra_column(s: pd.Series, dtype: str | None) -> pd.Series:
    """An extra (non-canonical) column in the simple dtype it was written with; else as stored."""
    if dtype in _SIMPLE_DTYPES and str(s.dtype) != dtype:
        with contextlib.suppress(TypeError, ValueError):
            s = s.astype(dtype)
    return s


class EventValueError(SourceReadError):
    """A value in the stored events is not in the controlled vocabulary of its column."""

    def __init__(self, column: str, value: Any, where: str, dtype: pd.CategoricalDtype) -> None:
        shown = ", ".join(map(str, list(dtype.categories)[:12]))
        super().__init__(
            "the stored value is not in the column's vocabulary", file=where, column=column,
            value=value, hint=f"use one of: {shown}, ...; read the agency files with chronology.read() "
            "to map their own names",
        )


# ---------------------------------------------------------------------------------------- DuckDB


class _Verbs:
    """The per-case metric verbs, the same on every engine: each is one metric of ``compute``."""

    def _one(self, metric: str, **options: Any) -> pd.DataFrame:
        return self.compute({metric: options})[metric]  # type: ignore[attr-defined,no-any-return]

    def gaps(self, min_days: float = 0, by: Literal["agency"] | None = None, exact_only: bool = False,
             working_days: bool = False) -> pd.DataFrame:
        """Gaps of every case; see :meth:`chronology.Chronology.gaps`."""
        return self._one("gaps", min_days=min_days, by=by, exact_only=exact_only, working_days=working_days)

    def intervals(self, rules: Interval | Sequence[Interval]) -> pd.DataFrame:
        """Intervals of every case; see :meth:`chronology.Chronology.intervals`."""
        return self._one("intervals", rules=rules)

    def breaches(self, rules: Sequence[Interval] | PathLike | None = None) -> pd.DataFrame:
        """Statutory timescales of every case; see :meth:`chronology.Chronology.breaches`."""
        return self._one("breaches", rules=rules)

    def missing(self, expectations: Expect | Sequence[Expect] | None = None) -> pd.DataFrame:
        """Missing follow-ups of every case; see :meth:`chronology.Chronology.missing`."""
        return self._one("missing", expectations=expectations)

    def voice(self, freq: str = "M") -> pd.DataFrame:
        """Seen and heard per case, agency and period; see :meth:`chronology.Chronology.voice`."""
        return self._one("voice", freq=freq)

    def silences(self) -> pd.DataFrame:
        """Silences of every case; see :meth:`chronology.Chronology.silences`."""
        return self._one("silences")

    def activity(self, freq: str = "W") -> pd.DataFrame:
        """Events per agency and period; see :meth:`chronology.Chronology.activity`."""
        return self._one("activity", freq=freq)

    def tags(self, taxonomy: Any = None) -> pd.DataFrame:
        """Theme tags of every event; ``Chronology.tag(taxonomy).tags`` on the whole caseload."""
        return self._one("tags", taxonomy=taxonomy)

    def themes(self, taxonomy: Any = None) -> pd.DataFrame:
        """Theme counts per case; ``Chronology.tag(taxonomy).themes(by="case")``."""
        return self._one("themes", taxonomy=taxonomy)


@dataclass(frozen=True, eq=False)
class Caseload(_Verbs):
    """A caseload stored as Parquet, computed out of core on DuckDB, batch by batch of whole cases.

    Open one with :func:`caseload`. Each verb (:meth:`gaps`, :meth:`intervals`, :meth:`breaches`,
    :meth:`missing`, :meth:`voice`, :meth:`silences`, :meth:`activity`, :meth:`tags`,
    :meth:`themes`) returns what the :class:`~chronology.Chronology` verb of the same name returns
    for the whole caseload in memory; :meth:`compute` runs several in one pass over the events and
    can write them to Parquet instead of returning them.

    Attributes
    ----------
    path
        The caseload folder.
    memory_limit
        DuckDB's memory limit (``"1GB"``); beyond it DuckDB spills to ``temp_directory``.
    batch_events
        About how many events each batch holds (whole cases; a larger case is a batch alone).
    threads
        DuckDB threads (default: all cores).
    temp_directory
        Where DuckDB spills (default: a new temporary folder, removed afterwards).
    validate
        Check each batch against the event schema before measuring it (default ``True``).
    """

    path: Path
    memory_limit: str = "1GB"
    batch_events: int = 250_000
    threads: int | None = None
    temp_directory: Path | None = None
    validate: bool = True
    _glob: str = field(default="", repr=False)
    _hive: bool = field(default=False, repr=False)
    _files: int = field(default=0, repr=False)
    _dtypes: dict[str, str] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ DuckDB
    def _connect(self, temp: str) -> Any:
        duckdb = _import("duckdb", "scale")
        con = duckdb.connect(config={"memory_limit": self.memory_limit, "temp_directory": temp})
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        con.execute("SET TimeZone = 'UTC'")
        return con

    def _source(self) -> str:
        hive = "true, hive_types = {'case_id': VARCHAR}" if self._hive else "false"
        return f"read_parquet({_sql_text(self._glob)}, hive_partitioning = {hive}, union_by_name = true)"

    def _query(self, sql: str) -> pd.DataFrame:
        with tempfile.TemporaryDirectory(prefix="chronology-duckdb-") as tmp:
            con = self._connect(str(self.temp_directory or tmp))
            try:
                rel = con.sql(sql)
                table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.fetch_arrow_table()
                return table.to_pandas()
            finally:
                con.close()

    def cases(self) -> pd.DataFrame:
        """One row per case: ``case_id``, ``events``, sorted by case id.

        Examples
        --------
        >>> import tempfile
        >>> import chronology as chron
        >>> cl = caseload(write_parquet(chron.samples.load("carlos"), tempfile.mkdtemp()))
        >>> cl.cases()["case_id"].tolist()
        ['carlos']
        """
        out = self._query(f"SELECT case_id, count(*) AS events FROM {self._source()} "
                          "GROUP BY case_id ORDER BY case_id")
        if out["case_id"].isna().any():
            raise SourceReadError(
                "some stored events have no case_id", file=self.path, column="case_id",
                hint="a caseload is split by case: give every event a case_id",
            )
        return out.astype({"case_id": "str", "events": "int64"})

    def __len__(self) -> int:
        return int(self._query(f"SELECT count(*) AS n FROM {self._source()}")["n"].iloc[0])

    def __repr__(self) -> str:
        n_cases = len(self.cases())
        return (f"<Caseload: {len(self)} events, {n_cases} case{'s' * (n_cases != 1)}, events/ in "
                f"{self._files} Parquet file{'s' * (self._files != 1)}>")

    def batches(self) -> Iterator[pd.DataFrame]:
        """The events, as canonical frames of whole cases, in case id order (about
        ``batch_events`` events each); DuckDB sorts them out of core within its memory limit."""
        import pyarrow as pa

        with tempfile.TemporaryDirectory(prefix="chronology-duckdb-") as tmp:
            con = self._connect(str(self.temp_directory or tmp))
            try:
                # only the case id is sorted on; rows of a case come in any order (each batch is
                # sorted as a Chronology is), which spares DuckDB a wider sort key
                rel = con.sql(f"SELECT * FROM {self._source()} ORDER BY case_id")
                chunk = min(self.batch_events, 100_000)  # duckdb 1.4 renamed fetch_record_batch
                reader = rel.to_arrow_reader(chunk) if hasattr(rel, "to_arrow_reader") else rel.fetch_record_batch(chunk)
                held: list[pa.RecordBatch] = []
                rows = 0
                for rb in reader:
                    held.append(rb)
                    rows += rb.num_rows
                    if rows < self.batch_events:
                        continue
                    table = pa.Table.from_batches(held)
                    case = table.column("case_id")
                    last = case[len(case) - 1]
                    if not last.is_valid:
                        raise SourceReadError("some stored events have no case_id", file=self.path,
                                              column="case_id", hint="give every event a case_id")
                    cut = _first_index(case, last)  # the last case may go on in the next record batch
                    if cut == 0:  # one case larger than a batch: keep collecting it
                        continue
                    yield self._events(table.slice(0, cut))
                    rest = table.slice(cut)
                    held, rows = rest.to_batches(), rest.num_rows
                if rows:
                    yield self._events(pa.Table.from_batches(held))
            finally:
                con.close()

    def _events(self, table: pa.Table) -> pd.DataFrame:
        if table.column("case_id").null_count:
            raise SourceReadError("some stored events have no case_id", file=self.path,
                                  column="case_id", hint="give every event a case_id")
        return _events_from_arrow(table.combine_chunks(), self._dtypes, validate=self.validate,
                                  where=str(self.path))

    # ------------------------------------------------------------------ computing
    def compute(
        self,
        metrics: Mapping[str, Mapping[str, Any]] | Sequence[str],
        *,
        out: PathLike | None = None,
        progress: bool = False,
    ) -> dict[str, Any]:
        """Several metrics in one pass over the events.

        Parameters
        ----------
        metrics
            ``{metric: options}`` or a list of metric names (see :data:`METRICS`), e.g.
            ``{"gaps": {"min_days": 14}, "breaches": {}, "voice": {"freq": "W"}, "themes": {}}``.
        out
            ``None``: return each result as one DataFrame (for results that fit in memory). A
            folder: write each batch's result to ``out/<metric>/part-NNNNN.parquet`` as it is
            computed and return the folders; read them back with ``pd.read_parquet``.
        progress
            Show a progress bar, one step per batch.

        Returns
        -------
        dict
            ``{metric: DataFrame}``, or ``{metric: Path}`` with ``out``. Rows are in case order,
            and within a case as the Chronology verb orders them.

        Examples
        --------
        >>> import tempfile
        >>> import chronology as chron
        >>> cl = caseload(write_parquet(chron.samples.load("carlos"), tempfile.mkdtemp()))
        >>> res = cl.compute({"gaps": {"min_days": 7}, "voice": {}})
        >>> sorted(res)
        ['gaps', 'voice']
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        specs = _check_metrics(metrics)
        parts: dict[str, list[pd.DataFrame]] = {m: [] for m in specs}
        folders: dict[str, Path] = {}
        if out is not None:
            for m in specs:
                folders[m] = Path(out) / m
                folders[m].mkdir(parents=True, exist_ok=True)
                if any(folders[m].glob("*.parquet")):
                    raise OptionError("the results folder already holds results", file=folders[m],
                                      hint="write to a new folder, or remove the old results first")
        batches: Iterator[pd.DataFrame] | Any = self.batches()
        if progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="caseload", unit="batch")
        for k, batch in enumerate(batches):
            results = run_metrics(batch, specs)
            del batch
            for m, res in results.items():
                if out is None:
                    parts[m].append(res)
                elif len(res):
                    pq.write_table(pa.Table.from_pandas(res, preserve_index=False),
                                   folders[m] / f"part-{k:05d}.parquet")
        if out is not None:
            for m, folder in folders.items():
                if not any(folder.glob("*.parquet")):  # keep the columns even with no rows
                    empty = empty_result(m, **specs[m])
                    pq.write_table(pa.Table.from_pandas(empty, preserve_index=False), folder / "part-00000.parquet")
            return dict(folders)
        return {m: _stack(frames, m, specs[m]) for m, frames in parts.items()}


    @property
    def rejects(self) -> pd.DataFrame:
        """The rows that could not become events, as stored with the caseload (may be empty)."""
        from .schema import empty_rejects

        return _read_folder(self.path / "rejects", empty_rejects())

    @property
    def provenance(self) -> pd.DataFrame:
        """Per-file counts as stored with the caseload (mappings as JSON text; may be empty)."""
        from .schema import empty_provenance

        return _read_folder(self.path / "provenance", empty_provenance())

    def on_spark(self, spark: Any) -> SparkCaseload:
        """The same caseload computed on Apache Spark (``spark``: a ``SparkSession``).

        Its verbs run the very per-case function of this DuckDB path (:func:`run_metrics`) with
        ``groupBy("case_id").applyInPandas``, and return the same frames.

        Examples
        --------
        >>> cl.on_spark(spark).gaps(min_days=14)                                # doctest: +SKIP
        """
        return SparkCaseload(spark=spark, path=self.path, validate=self.validate)

    def to_chronology(self) -> Chronology:
        """The whole caseload in memory as one :class:`~chronology.Chronology` (small caseloads)."""
        from .chronology import Chronology
        from .schema import sort_events

        frames = list(self.batches())
        if not frames:
            from .schema import empty_events

            frames = [empty_events()]
        events = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return Chronology(events=sort_events(events), rejects=self.rejects)


def _first_index(column: Any, value: Any) -> int:
    import pyarrow.compute as pc

    return int(pc.index(column, value).as_py())


def _stack(frames: list[pd.DataFrame], metric: str, options: Mapping[str, Any]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_result(metric, **options)
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True)


def _read_folder(folder: Path, empty: pd.DataFrame) -> pd.DataFrame:
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        return empty
    import pyarrow.parquet as pq

    return pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _import(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{module} is not installed", hint=f"pip install 'chronology[{extra}]'"
        ) from exc


def caseload(
    path: PathLike,
    *,
    memory_limit: str = "1GB",
    batch_events: int = 250_000,
    threads: int | None = None,
    temp_directory: PathLike | None = None,
    validate: bool = True,
) -> Caseload:
    """Open a caseload stored as Parquet, to compute its per-case metrics out of core on DuckDB.

    Parameters
    ----------
    path
        A folder written by :func:`write_parquet` (or :meth:`Chronology.to_parquet`), or any folder
        of Parquet files of canonical events (e.g. written by a data platform, hive-partitioned by
        ``case_id`` or not; ``_SUCCESS`` and other non-Parquet files are ignored).
    memory_limit
        DuckDB's memory limit, e.g. ``"1GB"``; beyond it DuckDB spills to disk.
    batch_events
        About how many events to measure at once (whole cases). Memory is about this many events
        and their results, on top of DuckDB's limit.
    threads
        DuckDB threads (default: every core).
    temp_directory
        Where DuckDB spills (default: a new temporary folder, removed after each pass).
    validate
        Check each batch against the event schema (catches files written with other dtypes).

    Examples
    --------
    >>> import tempfile
    >>> import chronology as chron
    >>> cl = caseload(write_parquet(chron.samples.load("camille"), tempfile.mkdtemp()), batch_events=50)
    >>> cl.breaches().equals(chron.samples.load("camille").breaches())
    True
    """
    root = Path(path)
    if not root.is_dir():
        raise SourceReadError("no caseload folder here", file=root,
                              hint="pass the folder written by chronology.scale.write_parquet()")
    _check_caseload_options(batch_events, memory_limit)
    events, dtypes = _events_folder(root)
    files = [p for p in events.rglob("*.parquet") if p.is_file() and not p.name.startswith(("_", "."))]
    if not files:
        raise SourceReadError("no Parquet files in the caseload folder", file=events,
                              hint="write one with chronology.scale.write_parquet()")
    return Caseload(
        path=root, memory_limit=memory_limit, batch_events=batch_events, threads=threads,
        temp_directory=None if temp_directory is None else Path(temp_directory), validate=validate,
        _glob=str(events / "**" / "*.parquet"), _hive=_case_in_paths(files[0], events), _files=len(files),
        _dtypes=dtypes,
    )


def _check_caseload_options(batch_events: Any, memory_limit: Any) -> None:
    if not isinstance(batch_events, int) or isinstance(batch_events, bool) or batch_events < 1:
        raise OptionError("batch_events must be a whole number of at least 1", value=batch_events,
                          hint="e.g. batch_events=250_000")
    if not isinstance(memory_limit, str) or not memory_limit.strip():
        raise OptionError("memory_limit must be a size such as '1GB'", value=memory_limit)


def _events_folder(root: Path) -> tuple[Path, dict[str, str]]:
    """Where a caseload folder keeps its events, and the dtypes its description records (none
    for a folder written elsewhere)."""
    if (root / META_FILE).exists():
        return root / "events", dict(read_meta(root).get("columns", {}))
    if (root / "events").is_dir():
        return root / "events", {}
    return root, {}


def _case_in_paths(first: Path, events: Path) -> bool:
    """Whether the case id is in the folder names only (hive ``case_id=...``), not in the files;
    refuses events with neither."""
    import pyarrow.parquet as pq

    in_files = "case_id" in pq.read_schema(first).names
    hive = not in_files and any(part.startswith("case_id=") for part in first.relative_to(events).parts)
    if not in_files and not hive:
        raise SourceReadError("the Parquet events have no case_id column", file=first, column="case_id",
                              hint="store events with chronology.scale.write_parquet()")
    return hive


# ----------------------------------------------------------------------------------------- Spark
@dataclass(frozen=True, eq=False)
class SparkCaseload(_Verbs):
    """A caseload stored as Parquet, computed on Apache Spark; see :meth:`Caseload.on_spark`.

    Each verb runs :func:`spark_metric` (``groupBy("case_id").applyInPandas`` of
    :func:`run_metrics`) and collects the result with the dtypes of the Chronology verb, rows in
    case order and, within a case, in the verb's order: the frames the DuckDB path returns.
    :meth:`compute` with ``out=`` writes the results with Spark instead (for results too large to
    collect).
    """

    spark: Any
    path: Path
    validate: bool = True

    def events(self) -> Any:
        """The events as a Spark DataFrame."""
        return spark_events(self.spark, self.path)

    def compute(
        self, metrics: Mapping[str, Mapping[str, Any]] | Sequence[str], *, out: PathLike | None = None
    ) -> dict[str, Any]:
        """Several metrics: ``{metric: DataFrame}``, or with ``out`` the Parquet folders Spark wrote."""
        specs = _check_metrics(metrics)
        events = self.events()
        tz = self.spark.conf.get("spark.sql.session.timeZone") or "UTC"
        results: dict[str, Any] = {}
        for name, opts in specs.items():
            sdf = spark_metric(events, name, validate=self.validate, **opts)
            if out is not None:
                folder = Path(out) / name
                sdf.write.mode("errorifexists").parquet(str(folder))
                results[name] = folder
                continue
            got = from_spark(sdf.toPandas(), name, session_tz=tz, **opts)
            # Spark returns the cases in any order, each case's rows together and in the verb's order
            order = np.argsort(got["case_id"].to_numpy(dtype=str), kind="stable") if "case_id" in got else None
            results[name] = got if order is None else got.take(order).reset_index(drop=True)
        return results



def spark_events(spark: Any, path: PathLike) -> Any:
    """The events of a caseload folder as a Spark DataFrame (``spark.read.parquet``).

    Reads the ``events/`` of a folder written by :func:`write_parquet` (or any folder of Parquet
    event files); pass the result to :func:`spark_metric`.
    """
    root = Path(path)
    events = root / "events" if (root / "events").is_dir() else root
    reader = spark.read.option("mergeSchema", "true")
    if (root / META_FILE).exists() and any(events.glob("case_id=*")):
        # the case id is in the files as well as in the folder names: read the files' own
        reader = reader.option("recursiveFileLookup", "true")
    return reader.parquet(str(events))


def spark_metric(df: Any, metric: str, *, validate: bool = True, **options: Any) -> Any:
    """One per-case metric on Apache Spark: ``df.groupBy("case_id").applyInPandas(fn, schema)``.

    ``fn`` is :func:`run_metrics` on one case's events, the very function the in-memory and DuckDB
    paths run; the result has the columns of the Chronology verb (categoricals as strings,
    timestamps as Spark timestamps). Spark's ``toPandas()`` gives timestamps without a time zone, in
    the session's time zone (``spark.sql.session.timeZone``).

    Parameters
    ----------
    df
        A Spark DataFrame of canonical events (e.g. :func:`spark_events`).
    metric
        One of :data:`METRICS`.
    validate
        Check each case's events against the event schema before measuring them.
    options
        The verb's keyword arguments (e.g. ``min_days=14``).

    Examples
    --------
    >>> events = spark_events(spark, "caseload/")                           # doctest: +SKIP
    >>> spark_metric(events, "gaps", min_days=14).write.parquet("gaps/")    # doctest: +SKIP
    """
    _import("pyspark", "spark")
    spec = _check_metrics({metric: options})
    empty = empty_result(metric, **spec[metric])
    schema = _spark_schema(empty)
    session_tz = df.sparkSession.conf.get("spark.sql.session.timeZone") or "UTC"
    dtypes = {c: str(t) for c, t in empty.dtypes.items()}

    def per_case(pdf: pd.DataFrame) -> pd.DataFrame:
        events = _canonical(pdf, {}, validate=validate, where=f"case {pdf['case_id'].iloc[0]!r}",
                            naive_tz=session_tz)
        res = run_metrics(events, spec)[metric]
        return _for_spark(res, dtypes)

    return df.groupBy("case_id").applyInPandas(per_case, schema)


def _spark_schema(empty: pd.DataFrame) -> Any:
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema

    table = pa.Table.from_pandas(_for_spark(empty, {}, python_text=False), preserve_index=False)
    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_large_string(t) or pa.types.is_dictionary(t):
            t = pa.string()
        elif pa.types.is_timestamp(t):
            t = pa.timestamp("us", tz="UTC")
        fields.append(pa.field(f.name, t))
    return from_arrow_schema(pa.schema(fields))


def _for_spark(res: pd.DataFrame, dtypes: Mapping[str, str], *, python_text: bool = True) -> pd.DataFrame:
    """Categoricals as text, timestamps in UTC, text as Python strings: what Spark's Arrow
    transfer takes."""
    out = {}
    for col in res.columns:
        s = res[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype("str")
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert("UTC")
        if python_text and isinstance(s.dtype, pd.StringDtype):
            # pyspark 4.x's Arrow serializer does not take pandas 3's Arrow-backed text (it gets
            # chunked arrays): hand it Python strings, at this boundary only
            s = s.astype(object)
        out[col] = s
    return pd.DataFrame(out, copy=False)


def from_spark(frame: pd.DataFrame, metric: str, *, session_tz: str = "UTC", **options: Any) -> pd.DataFrame:
    """A metric's result collected from Spark (``toPandas()``) with the dtypes of the Chronology verb.

    Examples
    --------
    >>> res = from_spark(spark_metric(events, "gaps").toPandas(), "gaps")  # doctest: +SKIP
    """
    empty = empty_result(metric, **options)
    out: dict[str, Any] = {}
    for col, dtype in empty.dtypes.items():
        s = frame[col]
        if isinstance(dtype, pd.DatetimeTZDtype):
            s = pd.to_datetime(s)
            s = s.dt.tz_localize(session_tz) if s.dt.tz is None else s
            s = s.dt.tz_convert(dtype.tz).astype(dtype)
        else:
            s = s.astype(dtype)
        out[str(col)] = s
    return pd.DataFrame(out).reset_index(drop=True)

