"""A chronology stored as a caseload folder of Parquet files (``Chronology.to_parquet``).

The writing half of :mod:`chronology.scale`, below the facade: it takes any object with the
frames ``events``, ``rejects`` and ``provenance`` (a :class:`~chronology.Chronology`, or a plain
namespace of frames) and knows nothing of the ``Chronology`` class, so the facade can write
Parquet without importing the caseload (which sits above it and opens what this module writes).

A caseload folder holds ``events/`` (Parquet files holding whole cases, sorted by case; or one
folder per case with ``partition_by="case_id"``, the layout of Spark's ``partitionBy("case_id")``),
``rejects/``, ``provenance/`` and ``caseload.json`` (:data:`META_FILE`: the dtypes of the columns
and the counts).

Examples
--------
>>> import tempfile
>>> import chronology as chron
>>> folder = write_parquet(chron.samples.load("carlos"), tempfile.mkdtemp())
>>> read_meta(folder)["events"]
71
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .errors import OptionError, SourceReadError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["FORMAT", "META_FILE", "VERSION", "read_meta", "write_parquet"]

PathLike = str | os.PathLike[str]

#: the ``format`` written in ``caseload.json``
FORMAT = "chronology-caseload"
#: the version of the caseload layout written by this module
VERSION = 1
#: the name of the caseload's description file in its folder
META_FILE = "caseload.json"


def write_parquet(
    chronology: Any,
    path: PathLike,
    *,
    partition_by: Literal["case_id"] | None = None,
    rows_per_file: int = 1_000_000,
    row_group_size: int = 100_000,
    append: bool = False,
) -> Path:
    """Store a chronology as a caseload folder of Parquet files; returns the folder.

    Parameters
    ----------
    chronology
        The chronology to store (one case or a caseload); not modified: a
        :class:`~chronology.Chronology`, or any object with the frames ``events``, ``rejects`` and
        ``provenance``. Its tags are not stored (a caseload tags itself:
        :meth:`chronology.scale.Caseload.tags`).
    path
        The caseload folder; created if needed. Holds ``events/``, ``rejects/``, ``provenance/``
        and ``caseload.json`` (the dtypes of the columns and the counts).
    partition_by
        ``None`` (default): ``events/part-*.parquet`` files of up to ``rows_per_file`` events, each
        holding whole cases, sorted by ``case_id`` then date, so that DuckDB skips the row groups a
        batch does not need. ``"case_id"``: one folder per case (``events/case_id=<id>/``), the
        layout of Spark's ``partitionBy("case_id")``; worth it for a few thousand large cases, not
        for a national caseload of small ones (a folder per child).
    rows_per_file, row_group_size
        Sizes of the files and of their row groups (in events).
    append
        Add to an existing caseload folder (a national dataset written one part at a time). The
        new events' ids must not be in it already; the columns may differ (missing ones read as
        null). Without ``append``, a folder that already holds a caseload is an error.

    Examples
    --------
    >>> import tempfile
    >>> import chronology as chron
    >>> folder = write_parquet(chron.samples.load("carlos"), tempfile.mkdtemp())
    >>> sorted(p.name for p in folder.iterdir())
    ['caseload.json', 'events', 'provenance', 'rejects']
    """
    _check_options(chronology, partition_by, rows_per_file, row_group_size)
    root = Path(path)
    meta = _start_meta(root, append)
    events = chronology.events
    if events["case_id"].isna().any():
        raise OptionError("some events have no case_id", file=root,
                          hint="a caseload is split by case: give every event a case_id")
    token = uuid.uuid4().hex[:12]
    _write_events(events, root / "events", token, partition_by, rows_per_file, row_group_size)
    _write_side_tables(chronology, root, token)
    columns = dict(meta["columns"])
    for col in events.columns:
        columns.setdefault(str(col), str(events[col].dtype))
    meta.update(columns=columns, events=int(meta["events"]) + len(events),
                rejects=int(meta["rejects"]) + len(chronology.rejects), parts=int(meta["parts"]) + 1)
    (root / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return root


def _check_options(chronology: Any, partition_by: Any, rows_per_file: Any, row_group_size: Any) -> None:
    """Refuse what is not a chronology and options out of range, naming the fix."""
    if not all(hasattr(chronology, name) for name in ("events", "rejects", "provenance")):
        raise OptionError(
            "write_parquet() takes a Chronology", value=type(chronology).__name__,
            hint="read the files with chronology.read_case() or chronology.read() first",
        )
    if partition_by not in (None, "case_id"):
        raise OptionError("unknown value for partition_by", value=partition_by,
                          hint="use partition_by=None or partition_by='case_id'")
    for name, value in (("rows_per_file", rows_per_file), ("row_group_size", row_group_size)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise OptionError(f"{name} must be a whole number of at least 1", value=value)


def _start_meta(root: Path, append: bool) -> dict[str, Any]:
    """The description to extend: the folder's own when appending, else a new one."""
    if (root / META_FILE).exists():
        if not append:
            raise OptionError(
                "the folder already holds a caseload", file=root,
                hint="write to a new folder, or pass append=True to add these events to it",
            )
        return read_meta(root)
    if append and root.exists() and any(root.iterdir()):
        raise OptionError("the folder is not a caseload written by write_parquet()", file=root,
                          hint="append to a folder written by write_parquet(), or write to a new one")
    return {"format": FORMAT, "version": VERSION, "columns": {}, "events": 0, "rejects": 0, "parts": 0}


def _write_events(events: pd.DataFrame, folder: Path, token: str, partition_by: str | None,
                  rows_per_file: int, row_group_size: int) -> None:
    """The events sorted by case then date, in files of whole cases or one folder per case."""
    import pyarrow as pa

    folder.mkdir(parents=True, exist_ok=True)
    if not len(events):
        return
    order = np.lexsort((
        events["start"].array.asi8,
        pd.factorize(events["case_id"], sort=True)[0],
    ))
    table = pa.Table.from_pandas(events.take(order), preserve_index=False)
    if partition_by == "case_id":
        _write_by_case(table, folder, token, row_group_size)
    else:
        _write_parts(table, folder, token, rows_per_file, row_group_size)


def _write_side_tables(chronology: Any, root: Path, token: str) -> None:
    """``rejects/`` and ``provenance/``: one file each for this part (none when empty)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, frame in (("rejects", chronology.rejects), ("provenance", chronology.provenance)):
        (root / name).mkdir(parents=True, exist_ok=True)
        if len(frame):
            pq.write_table(pa.Table.from_pandas(_plain(frame), preserve_index=False),
                           root / name / f"part-{token}.parquet")


def _write_parts(table: pa.Table, folder: Path, token: str, rows_per_file: int, row_group_size: int) -> None:
    """Files of about ``rows_per_file`` rows, cut at case boundaries (the table is sorted by case)."""
    import pyarrow.parquet as pq

    case = table.column("case_id").to_numpy(zero_copy_only=False)
    first = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])  # where each case starts
    cuts = [0]
    for start in first:
        if start - cuts[-1] >= rows_per_file:
            cuts.append(int(start))
    cuts.append(len(case))
    for k, (a, b) in enumerate(itertools.pairwise(cuts)):
        pq.write_table(table.slice(a, b - a), folder / f"part-{token}-{k:05d}.parquet",
                       row_group_size=row_group_size)


def _write_by_case(table: pa.Table, folder: Path, token: str, row_group_size: int) -> None:
    """One hive folder per case; the case id stays in the files too (readers need not decode paths)."""
    import pyarrow.dataset as ds

    ds.write_dataset(
        table.append_column("_case", table.column("case_id")),
        folder,
        format="parquet",
        partitioning=ds.partitioning(_partition_schema(), flavor="hive"),
        basename_template=f"part-{token}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_partitions=1 << 30,
        max_rows_per_group=row_group_size,
        min_rows_per_group=min(row_group_size, 1024),
    )
    # the partition column is written as "_case=..."; name the folders as Spark and DuckDB expect
    for sub in folder.glob("_case=*"):
        sub.rename(folder / ("case_id=" + sub.name[len("_case="):]))


def _partition_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([("_case", pa.string())])


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with columns of Python objects (mappings, lists) written as JSON text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = pd.array(
                [None if v is None or (isinstance(v, float) and np.isnan(v)) else
                 v if isinstance(v, str) else json.dumps(v, default=str) for v in out[col]],
                dtype="str",
            )
    return out


def read_meta(root: PathLike) -> dict[str, Any]:
    """The description (``caseload.json``) of the caseload folder ``root``, checked.

    Raises :class:`~chronology.errors.SourceReadError` when it is damaged, not a caseload's, or
    written by a newer chronology.

    Examples
    --------
    >>> import tempfile
    >>> import chronology as chron
    >>> meta = read_meta(write_parquet(chron.samples.load("camille"), tempfile.mkdtemp()))
    >>> meta["format"], meta["events"], meta["parts"]
    ('chronology-caseload', 85, 1)
    """
    where = Path(root) / META_FILE
    try:
        meta = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SourceReadError("cannot read the caseload's description", file=where,
                              hint="the file is damaged: write the caseload again") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SourceReadError("not a caseload description", file=where,
                              hint="open a folder written by chronology.scale.write_parquet()")
    if int(meta.get("version", 0)) > VERSION:
        raise SourceReadError("the caseload was written by a newer chronology", file=where,
                              value=meta.get("version"), hint="upgrade chronology")
    return meta
