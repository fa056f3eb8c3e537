"""The integrated chronology as one CSV file, for a spreadsheet or another tool.

Columns have the report's readable headings (``Date``, ``Agency``, ``What happened``...), dates are
written as a reviewer reads them, at the precision they are known (``12/03/2024 14:10``, ``w/c
11/03/2024``, ``Mar 2024``, ``?`` for a date the source marked uncertain), UK day-first, in
Europe/London wall-clock time, so the file reads back with :func:`chronology.read` into the same
events. The file is UTF-8 with a byte-order mark (Excel then opens it with the right characters), and
text that a spreadsheet would run as a formula is neutralised with a leading ``'``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import _common
from ._safe import clean_text, is_text, neutralise

if TYPE_CHECKING:
    from ._common import ChronologyLike as Chronology

__all__ = ["to_csv"]


def to_csv(c: Chronology, path: str | os.PathLike[str]) -> Path:
    """Write the integrated chronology (one row per event) to a CSV file.

    Parameters
    ----------
    c
        The Chronology (not modified).
    path
        The file to write (overwritten).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, chronology as chron
    >>> from chronology.report import to_csv
    >>> c = chron.samples.load("carlos")
    >>> out = to_csv(c, pathlib.Path(tempfile.mkdtemp()) / "carlos.csv")
    >>> back = chron.read(out, agency="other", case_id="carlos")
    >>> len(back.events) == len(c.events), len(back.rejects)
    (True, 0)
    """
    table = _common.event_table(c)
    labels = _common.event_labels(["start", "end", "uncertain", "precision"])
    ev = c.events
    table[labels["start"]] = _common.display_dates(ev, "start").to_numpy()
    if labels["end"] in table.columns:
        end = _common.display_dates(ev.assign(uncertain=False), "end")
        table[labels["end"]] = end.where(end != "").to_numpy()
    # the date text carries the precision and the "?" of an uncertain date
    table = table.drop(columns=[labels["precision"], labels["uncertain"]], errors="ignore")
    for col in table.columns:
        s = table[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype("str")
        if pd.api.types.is_bool_dtype(s.dtype) or str(s.dtype) == "boolean":
            s = s.astype("boolean").map({True: "Yes", False: "No"}).astype("str")
        if is_text(s):
            s = neutralise(clean_text(s.astype("str")))
        table[col] = s
    table.columns = neutralise(pd.Series([str(h) for h in table.columns], dtype="str")).tolist()
    out = Path(path)
    table.to_csv(out, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return out
