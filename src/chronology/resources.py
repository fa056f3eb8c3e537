"""Loading of the package's data files (TOML), once per process."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Return the parsed TOML data file ``chronology/data/<name>`` (cached).

    Examples
    --------
    >>> "police" in load_toml("vocabularies.toml")["agencies"]
    True
    """
    text = resources.files("chronology").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def vocab() -> dict[str, Any]:
    """The controlled vocabularies (agencies, event types, precision, null tokens)."""
    return load_toml("vocabularies.toml")


def agency_codes() -> list[str]:
    """Canonical agency codes, in file order."""
    return list(vocab()["agencies"])


def event_type_codes() -> list[str]:
    """Canonical event type codes, in file order."""
    return list(vocab()["event_types"])


def precision_levels() -> list[str]:
    """Date precision levels from finest to coarsest."""
    return list(vocab()["precision"]["levels"])
