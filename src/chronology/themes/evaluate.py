"""Precision and recall of theme tags against events labelled by hand.

A labelled set is a CSV with one row per event: ``event_id``, ``case_id``, ``description`` (an
excerpt, to check the event is still the one that was read) and ``themes`` (the theme ids a careful
human reviewer assigns, separated by ``;``, empty for none). Labels are per event and theme, whatever
the polarity: the question is whether the event evidences the theme.

Used by ``scripts/eval_themes.py`` and by the test that holds precision and recall at 0.8 or more.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import ColumnMappingError

__all__ = ["read_labels", "score"]

_NEEDED = ("event_id", "case_id", "description", "themes")


def read_labels(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The labelled set: its columns plus ``labels`` (a frozenset of theme ids per event).

    Raises
    ------
    ColumnMappingError
        A column is missing (the message names the file and the column).

    Examples
    --------
    >>> import io, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "l.csv"
    >>> _ = p.write_text("event_id,case_id,description,themes\\nx:1,x,No views,child_voice\\nx:2,x,Call,\\n")
    >>> read_labels(p)["labels"].tolist()
    [frozenset({'child_voice'}), frozenset()]
    """
    with open(path, encoding="utf-8") as fh:
        skip = 0
        for line in fh:
            if not line.startswith("#"):
                break
            skip += 1
    # only the leading lines are comments: a '#' inside a description is text
    df = pd.read_csv(path, dtype="str", keep_default_na=False, skiprows=skip)
    for col in _NEEDED:
        if col not in df:
            raise ColumnMappingError(
                "the labelled set has no such column",
                file=Path(path).name,
                column=col,
                hint=f"a labelled set has columns {', '.join(_NEEDED)}",
            )
    df["labels"] = [
        frozenset(t.strip() for t in s.split(";") if t.strip()) for s in df["themes"].tolist()
    ]
    return df


def score(labels: pd.DataFrame, tags: pd.DataFrame, themes: list[str] | None = None) -> pd.DataFrame:
    """Per-theme and overall (micro-averaged) precision, recall and F1 on the labelled events.

    Parameters
    ----------
    labels
        From :func:`read_labels`.
    tags
        Tags of (at least) the labelled events; tags of other events are ignored.
    themes
        Themes to report, in order (default: every theme labelled or tagged).

    Returns
    -------
    DataFrame
        ``theme, labelled, tagged, true_pos, false_pos, false_neg, precision, recall, f1``, one row
        per theme then ``overall``.

    Examples
    --------
    >>> labels = pd.DataFrame({"event_id": ["a", "b"], "labels": [frozenset({"t"}), frozenset()]})
    >>> tags = pd.DataFrame({"event_id": ["a", "b"], "theme": ["t", "t"]})
    >>> score(labels, tags)[["theme", "precision", "recall"]].values.tolist()
    [['t', 0.5, 1.0], ['overall', 0.5, 1.0]]
    """
    ids = set(labels["event_id"])
    gold = {(e, t) for e, ls in zip(labels["event_id"], labels["labels"], strict=True) for t in ls}
    t = tags[tags["event_id"].isin(ids)]
    pred = set(zip(t["event_id"], t["theme"], strict=True))
    if themes is None:
        themes = sorted({th for _, th in gold | pred})
    rows = []
    for th in [*themes, None]:
        g = {x for x in gold if th is None or x[1] == th}
        p = {x for x in pred if th is None or x[1] == th}
        tp, fp, fn = len(g & p), len(p - g), len(g - p)
        prec = tp / (tp + fp) if tp + fp else float("nan")
        rec = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * prec * rec / (prec + rec) if tp else 0.0
        rows.append(
            {
                "theme": th or "overall", "labelled": len(g), "tagged": len(p), "true_pos": tp,
                "false_pos": fp, "false_neg": fn, "precision": prec, "recall": rec, "f1": f1,
            }
        )
    return pd.DataFrame(rows)
