"""Metrics over the canonical events table: gaps, intervals, statutory timescales, missing
follow-ups, the child's voice, activity and duplicates.

Every function takes the events frame (``Chronology.events``), never modifies it, works on one
case or a caseload of many ``case_id`` values, and returns a DataFrame with documented columns.
The :class:`~chronology.Chronology` methods of the same names call them.

Conventions shared by all of them:

* ``days`` counts calendar days between two dates (what a reviewer counts on a calendar);
  ``hours`` is the exact elapsed time; ``working_days`` skips weekends and England and Wales bank
  holidays (the ``holidays`` package) and never exceeds ``days``.
* An event dated coarser than a day (week, month, year) or marked uncertain is *approximate*; any
  result computed from one carries ``approximate=True``. An approximate event stands for its
  whole period (a "Jan 2007" event may have happened as late as 31 January).
* Results do not depend on the order of the input rows.
"""

from __future__ import annotations

from ._common import describe, sharing_prepare
from .crisis import crisis_periods, voice_in_crisis
from .duplicates import duplicates, merge_duplicates
from .gaps import gaps
from .intervals import breaches, default_timescales, intervals
from .missing import default_expectations, missing
from .voice import activity, silences, voice

__all__ = [
    "activity",
    "breaches",
    "crisis_periods",
    "default_expectations",
    "default_timescales",
    "describe",
    "duplicates",
    "gaps",
    "intervals",
    "merge_duplicates",
    "missing",
    "sharing_prepare",
    "silences",
    "voice",
    "voice_in_crisis",
]
