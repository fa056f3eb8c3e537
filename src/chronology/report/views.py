"""What an analysis table looks like to a reader, as the CLI and the writers show it.

The public names of the report's shared helpers (the CLI prints the same reader view as the
reports): :func:`reader_view` and :func:`view_text` turn a result frame (``c.gaps()``...) into
its reader columns and text; :func:`mapping_words` and :func:`date_format_words` describe how a
file was read.

Examples
--------
>>> import chronology as chron
>>> from chronology.report.views import reader_view, view_text
>>> c = chron.samples.load("cassie")
>>> view = reader_view(c.gaps(min_days=30), "Gaps")
>>> len(view_text(view)) == len(c.gaps(min_days=30))
True
"""

from __future__ import annotations

from ._common import View, date_format_words, mapping_words, reader_view, view_text

__all__ = ["View", "date_format_words", "mapping_words", "reader_view", "view_text"]
