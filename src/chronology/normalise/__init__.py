"""Parse raw tables into canonical events and rejects (everything that repairs or infers lives here).

For each table: infer each column's role from its heading and content (:mod:`.infer`, with the
heading evidence of :mod:`.headers`), parse dates (:mod:`.dates`), apply vocabularies (:mod:`.vocab`),
build events and rejects, and record what was inferred in provenance (``inferred``: one record per
source column); the stages are in :mod:`.table`. Every data row ends as exactly one event or one
reject (the first problem found), and rows above the header that look like data are rejects too, so
rows read = events + rejects + blank rows + repeated header rows (title rows are counted apart).

The raw table the readers of :mod:`chronology.io` return (:class:`~.raw.RawTable`) and the header
row detection they use (:mod:`.header_row`) live here too, so io depends on normalise, never the
other way.
"""

from __future__ import annotations

from .table import events_from_canonical, normalise_table, normalise_tables

__all__ = ["events_from_canonical", "normalise_table", "normalise_tables"]
