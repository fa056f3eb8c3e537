"""The raw table every reader returns and normalising starts from.

It sits in :mod:`chronology.normalise` (the lower of the two stages): :mod:`chronology.io` builds
it and :mod:`chronology.normalise` reads it, so the dependency runs one way, io to normalise.
``chronology.io.RawTable`` stays the documented name (re-exported there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["RawTable"]


@dataclass
class RawTable:
    """Cells of one table (a CSV, an Excel sheet, a Word table) below its header row.

    ``cells`` holds the data rows with the original (made unique) headings as columns and the raw cell
    values (text, or datetimes/numbers from Excel); ``rows`` is each data row's number as a person sees
    it in the file (Excel row, CSV record, Word table row, counting the header). Blank rows and repeated
    header rows are removed and counted.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = RawTable(cells=pd.DataFrame({"Date": ["01/03/2024"], "Details": ["Call"]}),
    ...              rows=np.array([2]), source="a.csv", path="a.csv", sheet=None, format="csv",
    ...              header_row=1, rows_read=1)
    >>> t.rows_read, t.blank_rows, t.notes
    (1, 0, [])
    """

    cells: pd.DataFrame
    rows: np.ndarray
    source: str
    path: str
    sheet: str | None
    format: str
    header_row: int
    rows_read: int
    blank_rows: int = 0
    repeated_headers: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    #: title rows above the header (counted apart, not in ``rows_read``)
    title_rows: int = 0
    #: rows above the header that look like data: ``(row number, the row's text)``; they are in
    #: ``rows_read`` and become rejects, never silently dropped
    above: list[tuple[int, str]] = field(default_factory=list)
