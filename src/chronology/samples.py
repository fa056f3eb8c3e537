"""The bundled worked examples: fictional agency chronologies for three case reviews.

``cassie``, ``carlos`` and ``camille`` are the cases of the learning brief *Seeing the Whole Child*.
Each is a folder with a ``case.toml`` manifest, four to six agency files (``.csv``, ``.xlsx``,
``.docx``, written the way agencies really send them) and a ``FACTS.md`` listing what a correct
analysis must find. All names, places and services in them are invented.

The data come with the installed package (``chronology/_sample_data``) or, in a source checkout,
from ``data/samples``; the files are written by ``scripts/build_samples.py``.

Importing this module is cheap: pandas and the readers load only when :func:`load` is called.

Examples
--------
>>> from chronology import samples
>>> samples.names()
['cassie', 'carlos', 'camille']
>>> (samples.path("carlos") / "case.toml").is_file()
True
>>> c = samples.load("cassie")                     # doctest: +SKIP
>>> c.events["agency"].nunique()                   # doctest: +SKIP
6
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OptionError

if TYPE_CHECKING:
    import pandas as pd

    from .chronology import Chronology

__all__ = ["load", "names", "path", "synthetic", "write_synthetic"]

_NAMES: tuple[str, ...] = ("cassie", "carlos", "camille")


def names() -> list[str]:
    """The names of the bundled sample cases, in the order of the learning brief.

    Examples
    --------
    >>> names()
    ['cassie', 'carlos', 'camille']
    """
    return list(_NAMES)


def _check(name: str) -> str:
    key = str(name).strip().lower()
    if key not in _NAMES:
        raise OptionError(
            "unknown sample case",
            value=name,
            hint=f"use one of: {', '.join(_NAMES)}",
        )
    return key


def path(name: str) -> Path:
    """The folder of one sample case (it holds ``case.toml``, the agency files and ``FACTS.md``).

    The installed package's copy (``chronology/_sample_data/<name>``) is used when present, else the
    source checkout's ``data/samples/<name>``. Nothing is copied or modified.

    Parameters
    ----------
    name
        One of :func:`names` (case-insensitive).

    Raises
    ------
    OptionError
        For an unknown name; the message lists the valid ones.

    Examples
    --------
    >>> p = path("camille")
    >>> p.name, (p / "case.toml").is_file()
    ('camille', True)
    >>> path("charlie")
    Traceback (most recent call last):
    ...
    chronology.errors.OptionError: 'charlie': unknown sample case; use one of: cassie, carlos, camille
    """
    key = _check(name)
    try:
        packaged = resources.files("chronology") / "_sample_data" / key
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):  # pragma: no cover
        pass
    # source checkout: <repo>/src/chronology/samples.py -> <repo>/data/samples/<name>
    checkout = Path(__file__).resolve().parents[2] / "data" / "samples" / key
    if checkout.is_dir():
        return checkout
    raise OptionError(  # pragma: no cover - only in a broken installation
        "the sample data are not installed",
        value=key,
        hint="reinstall chronology from a wheel or work from a source checkout with data/samples",
    )


def load(name: str) -> Chronology:
    """Read one sample case into an integrated :class:`~chronology.Chronology`.

    Equivalent to ``chronology.read_case(samples.path(name))``: every agency file listed in the
    case's ``case.toml`` is read, normalised and combined.

    Parameters
    ----------
    name
        One of :func:`names` (case-insensitive).

    Raises
    ------
    OptionError
        For an unknown name; the message lists the valid ones.

    Examples
    --------
    >>> c = load("carlos")                                   # doctest: +SKIP
    >>> len(c.rejects)                                       # doctest: +SKIP
    0
    >>> load("charlie")
    Traceback (most recent call last):
    ...
    chronology.errors.OptionError: 'charlie': unknown sample case; use one of: cassie, carlos, camille
    """
    folder = path(name)
    from .chronology import read_case

    return read_case(folder)


def synthetic(n_cases: int = 100, events_per_case: int = 50, seed: int = 0) -> dict[str, pd.DataFrame]:
    """A seeded synthetic caseload of messy agency exports, for benchmarks and property tests.

    See :func:`chronology.synthetic.synthetic`; write them with :func:`write_synthetic` and read
    them back with :func:`chronology.read_case`.

    Examples
    --------
    >>> tables = synthetic(n_cases=2, events_per_case=10, seed=3)
    >>> sum(len(t) for t in tables.values())
    20
    """
    from .synthetic import synthetic as _synthetic

    return _synthetic(n_cases, events_per_case, seed)


def write_synthetic(tables: dict[str, pd.DataFrame], folder: str | Path, *, case_id: str = "caseload") -> Path:
    """Write :func:`synthetic` tables as CSV files with a ``case.toml``; returns the folder."""
    from .synthetic import write_synthetic as _write

    return _write(tables, folder, case_id=case_id)
