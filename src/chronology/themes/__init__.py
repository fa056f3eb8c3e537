"""Theme tagging: the learning themes each event evidences, with the evidence, and reflective
supervision prompts built from it.

The taxonomy is data (``chronology/data/themes.toml``; the Child Safeguarding Practice Review Panel
themes in ``themes_cspr.toml``); see :func:`load_taxonomy` for extending or replacing it.

Examples
--------
>>> import chronology as chron
>>> c = chron.samples.load("cassie").tag()        # doctest: +SKIP
>>> c.themes(by="agency")                         # doctest: +SKIP
>>> c.top_themes(n=5)                             # doctest: +SKIP
>>> c.prompts()                                   # doctest: +SKIP
"""

from __future__ import annotations

from .evaluate import evaluate
from .prompts import prompts
from .summary import summary, top_themes
from .tagging import TAG_COLUMNS, empty_tags, tag
from .taxonomy import Pattern, StructuralRule, Taxonomy, TaxonomyError, Theme, load_taxonomy

__all__ = [
    "TAG_COLUMNS",
    "Pattern",
    "StructuralRule",
    "Taxonomy",
    "TaxonomyError",
    "Theme",
    "empty_tags",
    "evaluate",
    "load_taxonomy",
    "prompts",
    "summary",
    "tag",
    "top_themes",
]
