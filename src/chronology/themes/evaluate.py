"""Precision and recall of theme tags against events labelled by hand.

A labelled set is a CSV with one row per event: ``event_id``, ``case_id``, ``description`` (an
excerpt, to check the event is still the one that was read) and ``themes`` (the theme ids a careful
human reviewer assigns, separated by ``;``, empty for none). Labels are per event and theme, whatever
the polarity: the question is whether the event evidences the theme.

Used by ``scripts/eval_themes.py`` and by the test that holds precision and recall at 0.8 or more.

:func:`evaluate` scores tags against gold labels in the long form shared with the reviewer labels
(``event_id, theme`` and optionally ``polarity``): per theme, micro and macro, and separately for
the rules and the learned layer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ColumnMappingError, OptionError

__all__ = ["evaluate", "method_of", "read_labels", "score"]

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
    return pd.DataFrame([_score_row(th, gold, pred) for th in [*themes, None]])


def _score_row(theme: str | None, gold: set[tuple[Any, Any]], pred: set[tuple[Any, Any]]) -> dict[str, Any]:
    """The row of :func:`score` for one theme (``None``: all of them, ``overall``)."""
    g = {x for x in gold if theme is None or x[1] == theme}
    p = {x for x in pred if theme is None or x[1] == theme}
    tp, fp, fn = len(g & p), len(p - g), len(g - p)
    prec = tp / (tp + fp) if tp + fp else float("nan")
    rec = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * prec * rec / (prec + rec) if tp else 0.0
    return {
        "theme": theme or "overall", "labelled": len(g), "tagged": len(p), "true_pos": tp,
        "false_pos": fp, "false_neg": fn, "precision": prec, "recall": rec, "f1": f1,
    }


def method_of(tags: pd.DataFrame) -> pd.Series:
    """Which layer made each tag: the ``method`` column if there is one, else ``"learned"`` for a
    rule starting ``learned:`` and ``"rule"`` for every other (text or structural) rule.

    Examples
    --------
    >>> method_of(pd.DataFrame({"rule": ["not_seen", "learned:child_voice"]})).tolist()
    ['rule', 'learned']
    """
    if "method" in tags:
        return tags["method"].astype("str")
    rule = tags["rule"].astype("str")
    return pd.Series(
        pd.array(rule.str.startswith("learned:").map({True: "learned", False: "rule"}), dtype="str"),
        index=tags.index,
    )


def evaluate(
    tags: pd.DataFrame,
    gold: pd.DataFrame,
    by: str | list[str] | None = "method",
    *,
    events: list[str] | pd.Series | None = None,
    themes: list[str] | None = None,
) -> pd.DataFrame:
    """Precision, recall and F1 of theme tags against gold labels, per theme, micro and macro, and
    polarity agreement.

    Parameters
    ----------
    tags
        ``event_id, theme`` and optionally ``polarity``, ``rule``, ``method`` (as ``c.tags``).
    gold
        The reviewer's labels: ``event_id, theme`` and optionally ``polarity`` (``concern`` or
        ``strength``), one row per label (an event may have several themes).
    by
        Score each group of tags on its own: ``"method"`` (the default) scores the rules and the
        learned layer separately, plus ``"all"`` (their union); another tags column (``"agency"``)
        or a list of columns; ``None``: all tags together.
    events
        The event ids that were labelled (a tag of another event is ignored). Default: every
        event of ``gold`` and of ``tags`` (so the whole chronology is taken as labelled).
    themes
        The themes to score, in order (default: every theme of ``gold`` or ``tags``).

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``theme`` (a theme id, ``"micro"`` or ``"macro"``), ``gold``,
        ``tagged``, ``true_pos``, ``false_pos``, ``false_neg``, ``precision``, ``recall``, ``f1``
        and ``polarity_agreement`` (of the true positives whose gold has a polarity, the share
        whose tagged polarities are exactly the gold ones) with ``polarity_n``, how many that is.
        ``macro`` averages the themes that were labelled or tagged (a theme tagged but never
        labelled has F1 0).

    Raises
    ------
    OptionError
        ``gold`` or ``tags`` lacks ``event_id`` or ``theme``, or ``by`` names no column of ``tags``.

    Examples
    --------
    >>> tags = pd.DataFrame({"event_id": ["a", "b", "b"], "theme": ["voice", "voice", "family"],
    ...                      "polarity": ["concern", "strength", "concern"],
    ...                      "rule": ["not_seen", "learned:voice", "not_informed"]})
    >>> gold = pd.DataFrame({"event_id": ["a", "b"], "theme": ["voice", "voice"],
    ...                      "polarity": ["concern", "concern"]})
    >>> r = evaluate(tags, gold).set_index(["method", "theme"])
    >>> r.loc[("rule", "micro"), ["precision", "recall"]].tolist()
    [0.5, 0.5]
    >>> int(r.loc[("learned", "voice"), "true_pos"]), float(r.loc[("learned", "voice"), "polarity_agreement"])
    (1, 0.0)
    >>> float(r.loc[("all", "macro"), "f1"])    # voice 1.0, family 0.0
    0.5
    """
    for name, df in (("gold", gold), ("tags", tags)):
        _check_columns(name, df)
    tags = tags.copy()
    keys: list[str] = [] if by is None else [by] if isinstance(by, str) else list(by)
    if "method" in keys:
        tags["method"] = method_of(tags)
    for k in keys:
        if k not in tags:
            raise OptionError("evaluate(by=...) names no column of the tags", value=k,
                              hint=f"use 'method', None or columns of the tags: {', '.join(map(str, tags.columns))}")
    g, t = _labelled_only(gold, tags, events)
    if themes is None:
        themes = sorted(set(g["theme"]) | set(t["theme"]))
    rows = [
        {**dict(zip(keys, key, strict=True)), **r}
        for key, sub in _tag_groups(t, keys)
        for r in _scores(sub, g, themes)
    ]
    return pd.DataFrame(rows)


def _check_columns(name: str, df: pd.DataFrame) -> None:
    """An OptionError when the gold labels or the tags (``name``) lack ``event_id`` or ``theme``."""
    for col in ("event_id", "theme"):
        if col not in df:
            raise OptionError(f"{name} has no {col!r} column", value=list(df.columns),
                              hint=f"{name} needs the columns event_id and theme (and optionally polarity)")


def _labelled_only(
    gold: pd.DataFrame, tags: pd.DataFrame, events: list[str] | pd.Series | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gold labels and the tags of the labelled events (``events``, default: every event of
    either), with ``event_id`` and ``theme`` as text."""
    universe = set(map(str, events)) if events is not None else None
    g = gold.assign(event_id=gold["event_id"].astype("str"), theme=gold["theme"].astype("str"))
    t = tags.assign(event_id=tags["event_id"].astype("str"), theme=tags["theme"].astype("str"))
    if universe is None:
        universe = set(g["event_id"]) | set(t["event_id"])
    return g[g["event_id"].isin(universe)], t[t["event_id"].isin(universe)]


def _tag_groups(t: pd.DataFrame, keys: list[str]) -> list[tuple[tuple[Any, ...], pd.DataFrame]]:
    """The tags scored apart: one group per value of ``keys`` (plus ``all`` when grouped by
    method), or all of them."""
    if not keys:
        return [((), t)]
    groups = [((k if isinstance(k, tuple) else (k,)), sub) for k, sub in t.groupby(keys, sort=True)]
    if keys == ["method"]:
        groups.append((("all",), t))
    return groups


def _pol_sets(df: pd.DataFrame) -> pd.Series:
    if "polarity" not in df:
        return pd.Series(dtype=object)
    d = df.dropna(subset=["polarity"])
    return d.groupby(["event_id", "theme"])["polarity"].agg(lambda s: frozenset(map(str, s)))


def _scores(t: pd.DataFrame, g: pd.DataFrame, themes: list[str]) -> list[dict[str, object]]:
    pred = t[["event_id", "theme"]].drop_duplicates()
    gold = g[["event_id", "theme"]].drop_duplicates()
    both = pred.merge(gold, how="outer", on=["event_id", "theme"], indicator=True)
    agree, has_pol = _polarity_agreement(t, g, both)
    counts = both.groupby(["theme", "_merge"], observed=False).size().unstack(fill_value=0)
    a_by = agree.groupby(level="theme").sum() if len(agree) else pd.Series(dtype="int64")
    n_by = has_pol.groupby(level="theme").sum() if len(has_pol) else pd.Series(dtype="int64")
    out = []
    tot = {"tp": 0, "fp": 0, "fn": 0, "a": 0, "n": 0}
    for th in themes:
        tp, fp, fn = _counts_of(counts, th)
        a, n = int(a_by.get(th, 0)), int(n_by.get(th, 0))
        out.append(_row(th, tp, fp, fn, a, n))
        for k, v in (("tp", tp), ("fp", fp), ("fn", fn), ("a", a), ("n", n)):
            tot[k] += v
    per_f1 = [r for r in out if r["gold"] or r["tagged"]]  # type: ignore[operator]
    out.append(_row("micro", tot["tp"], tot["fp"], tot["fn"], tot["a"], tot["n"]))
    macro = _row("macro", tot["tp"], tot["fp"], tot["fn"], tot["a"], tot["n"])
    for col in ("precision", "recall", "f1"):
        vals = [float(r[col]) if r[col] == r[col] else 0.0 for r in per_f1]  # type: ignore[arg-type]
        macro[col] = sum(vals) / len(vals) if vals else float("nan")
    out.append(macro)
    return out


def _polarity_agreement(t: pd.DataFrame, g: pd.DataFrame, both: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Over the true positives (``event_id, theme``): whether the gold has a polarity, and whether
    the tagged polarities are exactly the gold ones."""
    gp, tp_pol = _pol_sets(g), _pol_sets(t)
    tp_rows = both[both["_merge"] == "both"].set_index(["event_id", "theme"]).index
    agree = pd.Series(False, index=tp_rows)
    has_pol = pd.Series(False, index=tp_rows)
    if len(gp) and len(tp_rows):
        gsets = gp.reindex(tp_rows)
        tsets = tp_pol.reindex(tp_rows) if len(tp_pol) else pd.Series(None, index=tp_rows, dtype=object)
        has_pol = gsets.notna()
        agree = has_pol & (gsets == tsets)
    return agree, has_pol


def _counts_of(counts: pd.DataFrame, theme: str) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of one theme."""
    if theme not in counts.index:
        return 0, 0, 0
    return int(counts.loc[theme, "both"]), int(counts.loc[theme, "left_only"]), int(counts.loc[theme, "right_only"])


def _row(theme: str, tp: int, fp: int, fn: int, agree: int, n_pol: int) -> dict[str, object]:
    prec = tp / (tp + fp) if tp + fp else float("nan")
    rec = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    return {
        "theme": theme, "gold": tp + fn, "tagged": tp + fp, "true_pos": tp, "false_pos": fp,
        "false_neg": fn, "precision": prec, "recall": rec, "f1": f1,
        "polarity_agreement": agree / n_pol if n_pol else float("nan"), "polarity_n": n_pol,
    }
