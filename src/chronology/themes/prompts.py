"""Reflective supervision prompts: questions for supervision and team debriefs that quote the dated
evidence of each theme found. The templates are data (``chronology/data/prompts.toml``)."""

from __future__ import annotations

import os
import re
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .structural import format_when
from .tagging import tagged_events
from .taxonomy import TaxonomyError

__all__ = ["FIELDS", "display_name", "load_templates", "prompts"]

#: Placeholders a template may use.
FIELDS = {"When", "date", "child", "agency", "service", "event", "excerpt", "evidence", "label"}
_RANK = {"structural": 0, "concern": 1, "strength": 2}
_TOP = {"source", "per_theme", "agencies", "default", "themes"}


def display_name(case_id: str) -> str:
    """The child's name in prompts: the case id with its first letter capitalised.

    Examples
    --------
    >>> display_name("cassie"), display_name("c-102")
    ('Cassie', 'C-102')
    """
    return case_id[:1].upper() + case_id[1:]


def _check_template(text: Any, file: Any, key: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise TaxonomyError("a prompt template must be non-empty text", file=file, key=key)
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise TaxonomyError(f"not a valid template ({exc})", file=file, key=key, value=text) from exc
    bad = sorted(n for n in names if n not in FIELDS)
    if bad:
        raise TaxonomyError(
            "unknown placeholder in template",
            file=file,
            key=key,
            value="{" + bad[0] + "}",
            hint=f"use: {', '.join('{' + f + '}' for f in sorted(FIELDS))}",
        )
    return text


def _check_table(raw: Any, file: Any, key: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise TaxonomyError("must be a table", file=file, key=key)
    out: dict[str, Any] = {}
    for pol in ("concern", "strength"):
        if pol in raw:
            items = raw[pol]
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list) or not items:
                raise TaxonomyError("must be a list of templates", file=file, key=f"{key}.{pol}")
            out[pol] = [_check_template(t, file, f"{key}.{pol}[{i}]") for i, t in enumerate(items)]
    rules = raw.get("rules", {})
    if not isinstance(rules, Mapping):
        raise TaxonomyError("must be a table of templates", file=file, key=f"{key}.rules")
    out["rules"] = {r: _check_template(t, file, f"{key}.rules.{r}") for r, t in rules.items()}
    extra = sorted(set(raw) - {"concern", "strength", "rules"})
    if extra:
        raise TaxonomyError(
            "unknown key", file=file, key=f"{key}.{extra[0]}", hint="valid keys: concern, strength, rules"
        )
    return out


def _parse(data: Mapping[str, Any], file: Any, base: dict[str, Any] | None) -> dict[str, Any]:
    extra = sorted(set(data) - _TOP)
    if extra:
        raise TaxonomyError("unknown key", file=file, key=extra[0], hint=f"valid keys: {', '.join(sorted(_TOP))}")
    out: dict[str, Any] = (
        {"per_theme": 3, "agencies": {}, "default": {}, "themes": {}}
        if base is None
        else {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    )
    if "per_theme" in data:
        pt = data["per_theme"]
        if not isinstance(pt, int) or isinstance(pt, bool) or pt < 1:
            raise TaxonomyError("must be a whole number of at least 1", file=file, key="per_theme", value=pt)
        out["per_theme"] = pt
    agencies = data.get("agencies", {})
    if not isinstance(agencies, Mapping) or not all(isinstance(v, str) for v in agencies.values()):
        raise TaxonomyError("must be a table of agency code = name", file=file, key="agencies")
    out["agencies"].update(agencies)
    if "default" in data:
        out["default"] = {**out["default"], **_check_table(data["default"], file, "default")}
    themes = data.get("themes", {})
    if not isinstance(themes, Mapping):
        raise TaxonomyError("must be a table of theme tables", file=file, key="themes")
    for tid, raw in themes.items():
        out["themes"][tid] = _check_table(raw, file, f"themes.{tid}")
    return out


def load_templates(templates: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The prompt templates: the built-in ones, extended by a user file (a theme table given there
    replaces the built-in one).

    Raises
    ------
    TaxonomyError
        The file is missing, not TOML, or a key or placeholder is unknown (file and key named).

    Examples
    --------
    >>> t = load_templates()
    >>> t["per_theme"], sorted(t["themes"])[:2]
    (3, ['child_voice', 'escalation'])
    """
    from ..resources import load_toml

    base = _parse(load_toml("prompts.toml"), "prompts.toml", None)
    if templates is None:
        return base
    path = Path(templates)
    if not path.exists():
        raise TaxonomyError("prompt templates file not found", file=path, hint="pass the path of a TOML file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"not valid TOML ({exc})", file=path) from exc
    return _parse(data, path, base)


def _when(start: pd.Series, precision: pd.Series, uncertain: pd.Series) -> pd.Series:
    text = format_when(start, precision, long=True)
    prec = precision.astype("str")
    lead = np.where(prec.isin(["month", "year", "week"]), "In ", "On ")
    lead = np.where(uncertain.to_numpy(dtype=bool) & (prec.isin(["minute", "day"])).to_numpy(), "Around ", lead)
    return pd.Series(lead, index=start.index) + text


def _excerpt(text: Any, evidence: str, limit: int = 160) -> str | None:
    """The sentence of ``text`` holding ``evidence``, cut at word boundaries around it when longer
    than ``limit``; None when the evidence is not in the text."""
    if not isinstance(text, str) or not evidence:
        return None
    i = text.lower().find(evidence.lower().strip())
    if i < 0:
        return None
    bounds = [m.end() for m in re.finditer(r"[.\n!?](?:\s|$)", text[:i])]
    start = bounds[-1] if bounds else 0
    m = re.search(r"[.\n!?](?:\s|$)", text[i + len(evidence) :])
    end = i + len(evidence) + (m.start() if m else len(text))
    sentence = text[start:end].strip()
    if len(sentence) <= limit:
        return sentence
    j = sentence.lower().find(evidence.lower().strip())
    k = j + len(evidence.strip())
    room = max(0, limit - (k - j))
    left = max(0, j - room // 2)
    right = min(len(sentence), k + (room - (j - left)))
    if left > 0:  # start at a word
        space = sentence.find(" ", left, j)
        left = space + 1 if space >= 0 else left
    if right < len(sentence):  # end at a word
        space = sentence.rfind(" ", k, right)
        right = space if space >= 0 else right
    return ("…" if left > 0 else "") + sentence[left:right].strip() + ("…" if right < len(sentence) else "")


def _quote(row: Any, evidence: str) -> str:
    """What a prompt quotes: the sentence of the record holding the evidence (description, action or
    the child's words); for structural tags, the first sentence of the description."""
    desc = row.description if isinstance(row.description, str) else ""
    if row.kind != "text":
        # a structural rule that quotes the record ("...: <sentence>") points at its sentence
        tail = evidence.rsplit(": ", 1)[-1][:40]
        quoted = _excerpt(desc, tail) if ": " in evidence else None
        first = re.split(r"(?<=[.!?])\s", desc, maxsplit=1)[0] if desc else evidence
        return quoted or _excerpt(desc, first) or evidence
    for col in ("description", "action", "child_voice"):
        found = _excerpt(getattr(row, col, None), evidence)
        if found:
            return found
    return evidence


def prompts(
    events: pd.DataFrame,
    tags: pd.DataFrame,
    templates: str | os.PathLike[str] | None = None,
    per_theme: int | None = None,
) -> pd.DataFrame:
    """Reflective supervision questions for each case and theme found, quoting dated evidence.

    For each case and theme, up to ``per_theme`` tags are chosen, strongest first (structural
    concerns, then concerns in the text, then, for at most one prompt, a strength), one per rule
    before a second of the same rule, and in date order among equals; each fills a template: the one for its rule if there is one, else the theme's
    templates for its polarity in turn. Cases come in order, themes by their :func:`top_themes` rank.

    Parameters
    ----------
    events, tags
        The events and their tags; not modified.
    templates
        A TOML file of templates extending the built-in ``prompts.toml``.
    per_theme
        Prompts per case and theme (default from the templates file: 3).

    Returns
    -------
    DataFrame
        ``case_id, theme, event_id, date, prompt`` (``date`` is the event's start).

    Examples
    --------
    >>> import chronology as chron
    >>> from chronology.themes import tag
    >>> c = chron.Chronology.from_events(pd.DataFrame({
    ...     "case_id": ["cassie"], "agency": ["health_acute"], "start": ["2024-03-12 10:00"],
    ...     "description": ["Discharge planning meeting; no views recorded from Cassie."]}))
    >>> print(prompts(c.events, tag(c.events))["prompt"].iloc[0])
    On 12 March 2024 the hospital recorded “Discharge planning meeting; no views recorded from Cassie”. What would Cassie have said, and who could have asked?
    """
    from .summary import top_themes

    tpl = load_templates(templates)
    limit = int(per_theme or tpl["per_theme"])
    cols = ["case_id", "theme", "event_id", "date", "prompt"]
    t = tagged_events(events, tags)
    if t.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    t = _chosen(t, limit)
    order = top_themes(events, tags, n=10**6)[["case_id", "theme", "rank"]].rename(columns={"rank": "theme_rank"})
    t = t.merge(order, on=["case_id", "theme"], how="left")
    t["when"] = _when(
        t["start"],
        t["precision"] if "precision" in t else pd.Series("day", index=t.index),
        t["uncertain"] if "uncertain" in t else pd.Series(False, index=t.index),
    )
    t["date_text"] = format_when(t["start"], long=True)
    # one prompt per selected tag: a few dozen per case, so plain Python is fine here
    t["prompt"] = [_prompt_of(row, tpl) for row in t.itertuples(index=False)]
    t = t.sort_values(["case_id", "theme_rank", "n"], kind="stable").drop_duplicates(["case_id", "prompt"])
    out = pd.DataFrame(
        {
            "case_id": t["case_id"].to_numpy(),
            "theme": t["theme"].to_numpy(),
            "event_id": t["event_id"].to_numpy(),
            "date": t["start"].to_numpy(),
            "prompt": t["prompt"].to_numpy(),
        }
    )
    out["date"] = t["start"].reset_index(drop=True)
    return out.astype({"case_id": "str", "theme": "str", "event_id": "str", "prompt": "str"})


def _chosen(t: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The tags to prompt on, up to ``limit`` per case and theme, strongest first (structural
    concerns, concerns, then at most one strength), one per rule before a second of the same
    rule; with ``n`` (their place in the case and theme) and ``i`` (in its polarity)."""
    t = t.copy()
    t["rank"] = np.where(
        (t["kind"] == "structural") & (t["polarity"] == "concern"),
        0,
        np.where(t["polarity"] == "concern", 1, 2),
    )
    t = t.sort_values(["case_id", "theme", "rank", "start"], kind="stable")
    t = t.drop_duplicates(["case_id", "theme", "event_id"])
    t = t.drop_duplicates(["case_id", "theme", "evidence"])  # e.g. both events of one discharge-to-custody
    # variety: the strongest tag of each rule first, then the second of each, ...
    t["_nth"] = t.groupby(["case_id", "theme", "rule"], observed=True).cumcount()
    t = t.sort_values(["case_id", "theme", "_nth", "rank", "start"], kind="stable")
    # at most one strength per theme, and only after the concerns
    is_strength = t["rank"] == 2
    first_strength = is_strength & ~t.loc[is_strength].duplicated(["case_id", "theme"]).reindex(t.index, fill_value=False)
    t = t[~is_strength | first_strength]
    t["n"] = t.groupby(["case_id", "theme"], observed=True).cumcount()
    t = t[t["n"] < limit].copy()
    t["i"] = t.groupby(["case_id", "theme", "polarity"], observed=True).cumcount()
    return t


def _prompt_of(row: Any, tpl: dict[str, Any]) -> str:
    """The prompt of one chosen tag: its rule's template if there is one, else the theme's (or the
    default) templates for its polarity in turn, filled from the tag and its event."""
    theme_tpl = tpl["themes"].get(row.theme, {})
    rule_tpl = theme_tpl.get("rules", {}).get(row.rule)
    if rule_tpl is None:
        pool = theme_tpl.get(row.polarity) or tpl["default"].get(row.polarity) or tpl["default"]["concern"]
        rule_tpl = pool[row.i % len(pool)]
    agency = str(row.agency) if isinstance(row.agency, str) else ""
    service = row.service if isinstance(getattr(row, "service", None), str) else ""
    evidence = str(row.evidence)
    excerpt = _quote(row, evidence)
    values = {
        "When": row.when,
        "date": row.date_text,
        "child": display_name(str(row.case_id)),
        "agency": tpl["agencies"].get(agency, agency or "an agency"),
        "service": service,
        "event": str(row.event_type).replace("_", " ") if isinstance(row.event_type, str) else "event",
        "excerpt": excerpt.rstrip(" .;:,"),
        "evidence": evidence,
        "label": str(row.label).lower()[:1] + str(row.label)[1:],
    }
    return str(rule_tpl.format(**values))
