"""The one visual language of chronology's figures, read once from ``data/style.toml``.

Agencies have a lane label and a colour; event types have a label, a family (which gives the colour)
and a marker symbol; themes take colours from a palette in the order they are listed. Everything is
colour-blind safe (Okabe–Ito, Tol) and readable in grey print: every event type has its own symbol,
spans are solid bars, approximate dates hatched bars, uncertain dates open symbols.

Examples
--------
>>> from chronology.plot import style
>>> style.agency_label("health_acute"), style.agency_color("police")
('Hospital (acute)', '#332288')
>>> style.event_type_symbol("police_callout"), style.event_type_color("self_harm")
('star', '#D55E00')
>>> style.theme_colors(["voice", "escalation"])
{'voice': '#4477AA', 'escalation': '#EE6677'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..resources import load_toml

__all__ = [
    "agency_color",
    "agency_colors",
    "agency_label",
    "agency_labels",
    "counts_scale",
    "event_type_color",
    "event_type_label",
    "event_type_span_label",
    "event_type_symbol",
    "family_label",
    "map_values",
    "mark",
    "pretty",
    "theme_colors",
    "theme_label",
]


@cache
def _style() -> dict[str, Any]:
    return load_toml("style.toml")


def pretty(code: str) -> str:
    """A readable label from a code: ``"strategy_meeting"`` -> ``"Strategy meeting"``.

    Examples
    --------
    >>> pretty("child_voice")
    'Child voice'
    """
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def agency_label(code: str) -> str:
    """The lane label of an agency code (a readable form of the code when it has none)."""
    entry = _style()["agencies"].get(str(code))
    return entry["label"] if entry else pretty(code)


def agency_color(code: str) -> str:
    """The colour of an agency (grey for an unknown code)."""
    entry = _style()["agencies"].get(str(code))
    return entry["color"] if entry else _style()["agencies"]["other"]["color"]


def agency_labels() -> dict[str, str]:
    """``{agency code: lane label}`` for every agency in the style file, in vocabulary order."""
    return {k: v["label"] for k, v in _style()["agencies"].items()}


def agency_colors() -> dict[str, str]:
    """``{agency code: colour}`` for every agency in the style file."""
    return {k: v["color"] for k, v in _style()["agencies"].items()}


def _event_type(code: str) -> dict[str, Any]:
    types = _style()["event_types"]
    return types.get(str(code), types["other"])


def event_type_label(code: str) -> str:
    """The legend label of an event type."""
    entry = _style()["event_types"].get(str(code))
    return entry["label"] if entry else pretty(code)


def event_type_span_label(code: str) -> str:
    """The name of an event type's bar when it has an end (``"Placement"`` for a placement start)."""
    entry = _style()["event_types"].get(str(code))
    return str(entry.get("span", entry["label"])) if entry else pretty(code)


def event_type_symbol(code: str) -> str:
    """The plotly marker symbol of an event type (each type has its own)."""
    return str(_event_type(code)["symbol"])


def event_type_color(code: str) -> str:
    """The colour of an event type: the Okabe–Ito colour of its family."""
    return str(_style()["families"][_event_type(code)["family"]]["color"])


def family_label(code: str) -> str:
    """The family an event type belongs to, as a label (``"Crisis"``, ``"Health care"``...)."""
    return str(_style()["families"][_event_type(code)["family"]]["label"])


def theme_colors(themes: Iterable[str]) -> dict[str, str]:
    """Colours for ``themes``, in the order given, cycling the theme palette."""
    palette = _style()["themes"]["palette"]
    return {t: palette[i % len(palette)] for i, t in enumerate(dict.fromkeys(themes))}


def no_theme_color() -> str:
    """The colour of events that carry no theme."""
    return str(_style()["themes"]["none"])


def mark(name: str) -> Any:
    """A setting from the ``[marks]`` table (sizes, opacities, gap and breach colours...)."""
    return _style()["marks"][name]


def counts_scale() -> list[list[Any]]:
    """Sequential colour scale for counts: white for zero, then the ``counts`` ramp (light to dark)."""
    import plotly.colors as pc

    ramp = pc.get_colorscale(str(mark("counts")))
    _, first = ramp[0]
    return [[0.0, "#FFFFFF"], [1e-6, first], *[[max(float(v), 1e-6), c] for v, c in ramp[1:]]]


def map_values(values: pd.Series, mapping: Mapping[str, Any], default: Any) -> np.ndarray:
    """Map each value of ``values`` (categorical or text) through ``mapping``, vectorised.

    Categoricals are mapped once per category, then taken by code; missing values and values not
    in ``mapping`` get ``default``. Returns a numpy object array.

    Examples
    --------
    >>> map_values(pd.Series(["a", "b", None], dtype="category"), {"a": 1}, 0).tolist()
    [1, 0, 0]
    """
    s = pd.Series(values)
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    cats = s.cat.categories
    table = np.array([mapping.get(str(c), default) for c in cats] + [default], dtype=object)
    codes = s.cat.codes.to_numpy()
    return table[np.where(codes < 0, len(cats), codes)]


def theme_label(theme: str) -> str:
    """The label of a theme id from the built-in taxonomy (a readable form of the id otherwise)."""
    return _theme_labels().get(str(theme), pretty(theme))


@cache
def _theme_labels() -> dict[str, str]:
    # the built-in taxonomy ships with the package: if it cannot be read, that is a packaging error
    # to report (TaxonomyError names the file and key), not something to hide behind readable ids
    from ..themes.taxonomy import load_taxonomy

    return dict(load_taxonomy().labels())
