"""chronology: merge, validate and analyse multi-agency chronologies for safeguarding reviews.

The dozen user verbs live here; everything else is in the stage modules.

Examples
--------
>>> import chronology as chron
>>> c = chron.samples.load("cassie")          # doctest: +SKIP
>>> c.gaps(min_days=14).head()                # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ChronologyError

if TYPE_CHECKING:
    from . import samples
    from .chronology import Chronology, combine, read, read_case
    from .labels import read_labels
    from .plot.explorer import explore
    from .rules import Expect, Interval, Match
    from .scale import caseload

__version__ = "0.1.0"

__all__ = [
    "Chronology",
    "ChronologyError",
    "Expect",
    "Interval",
    "Match",
    "__version__",
    "caseload",
    "combine",
    "explore",
    "read",
    "read_case",
    "read_labels",
    "samples",
]

_LAZY = {
    "Chronology": ("chronology.chronology", "Chronology"),
    "read": ("chronology.chronology", "read"),
    "read_case": ("chronology.chronology", "read_case"),
    "combine": ("chronology.chronology", "combine"),
    "explore": ("chronology.plot.explorer", "explore"),
    "read_labels": ("chronology.labels", "read_labels"),
    "Match": ("chronology.rules", "Match"),
    "Interval": ("chronology.rules", "Interval"),
    "Expect": ("chronology.rules", "Expect"),
    "caseload": ("chronology.scale", "caseload"),
}


def __getattr__(name: str) -> Any:
    # Lazy imports keep `import chronology` fast: pandas and plotly load on first use.
    import importlib

    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name == "samples":
        value = importlib.import_module("chronology.samples")
        globals()[name] = value
        return value
    raise AttributeError(f"module 'chronology' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
