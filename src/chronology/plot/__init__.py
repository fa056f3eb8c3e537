"""Figures: the LifeLines timeline, cross-case alignment, charts and the JupyterLab explorer.

Every figure is a plotly ``Figure`` in one visual language (:mod:`chronology.plot.style`): agency
colours and lanes, a symbol per event type, bars for spans, hatched bars for approximate dates.
plotly is imported on first use.

Examples
--------
>>> import chronology as chron
>>> c = chron.samples.load("cassie")                        # doctest: +SKIP
>>> chron.plot.timeline(c).show()                           # doctest: +SKIP
>>> chron.plot.align([c1, c2], on=chron.Match(event_type="discharge"))  # doctest: +SKIP
"""

from __future__ import annotations

from ._common import against_limit
from .align import align
from .charts import activity_heatmap, gap_chart, interval_chart, theme_matrix, voice_strip
from .timeline import timeline

__all__ = [
    "activity_heatmap",
    "against_limit",
    "align",
    "explore",
    "gap_chart",
    "interval_chart",
    "theme_matrix",
    "timeline",
    "voice_strip",
]


def __getattr__(name: str) -> object:
    # the explorer needs ipywidgets (the `notebook` extra): import it only when asked for
    if name == "explore":
        from .explorer import explore

        return explore
    raise AttributeError(f"module 'chronology.plot' has no attribute {name!r}")
