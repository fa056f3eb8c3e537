"""Theme taxonomies as data: loading, checking and merging TOML files.

A taxonomy is a set of **themes** (each with text patterns, negations and a default polarity) and a
set of **structural rules** (checks on event types, dates and flags that text cannot see, each
pointing at one theme). The built-in taxonomies live in ``chronology/data/``:

``"brief"`` (the default, ``themes.toml``)
    The learning themes of the thematic brief on Cassie, Carlos and Camille.
``"cspr"`` (``themes_cspr.toml``)
    The practice themes of the Child Safeguarding Practice Review Panel.

A user file extends the base taxonomy (a theme or rule with the same id replaces the built-in one,
key by key for rule parameters) or, with a top-level ``replace = true``, replaces it. Every problem
in a file raises :class:`TaxonomyError` naming the file and the key.

File format (see ``themes.toml`` for the full, commented example)::

    replace = false                 # optional; true = do not start from the built-in taxonomy
    [themes.my_theme]
    label = "A short label"
    description = "What counts as evidence"
    brief = "The wording of the brief or guidance the theme comes from"
    polarity = "concern"            # default polarity of its patterns
    patterns = [
      { id = "phrase_id", phrases = ["exact phrase", "another one"] },
      { id = "regex_id", regex = '\\bno (?:views|wishes) recorded\\b', polarity = "concern" },
      { id = "voice_words", regex = '\\w.{0,150}', columns = ["child_voice"], polarity = "strength" },
    ]
    negations = [
      { id = "not_seen", phrases = ["not seen"], polarity = "concern", suppresses = ["strength"] },
    ]
    [rules.repeated_police_callouts]
    theme = "my_theme"
    min_count = 4

Regular expressions use the RE2 syntax of pyarrow (no look-around, no back-references) so that a
million events are matched in seconds; they are matched case-insensitively. Capturing groups are
turned into non-capturing ones. ``phrases`` are literal: spaces match any run of spaces or tabs,
hyphens are optional (``self-harm`` matches "self harm" and "selfharm"), apostrophes match straight
or curly ones, and word boundaries are added at both ends.

Examples
--------
>>> tax = load_taxonomy()
>>> tax.name
'brief'
>>> list(tax.themes)[:3]
['child_voice', 'professional_curiosity', 'escalation']
>>> sorted(tax.rules)[:2]
['appropriate_adult_not_family', 'child_not_seen_at_visit']
>>> load_taxonomy("cspr").name
'cspr'
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..errors import ChronologyError

__all__ = [
    "BUILTIN",
    "COLUMNS",
    "POLARITIES",
    "Pattern",
    "StructuralRule",
    "Taxonomy",
    "TaxonomyError",
    "Theme",
    "load_taxonomy",
    "phrase_regex",
]

Polarity = Literal["concern", "strength"]
POLARITIES: tuple[str, ...] = ("concern", "strength")
#: The event columns text rules read.
COLUMNS: tuple[str, ...] = ("description", "action", "child_voice")
#: Built-in taxonomies by name: data file in ``chronology/data``.
BUILTIN: dict[str, str] = {"brief": "themes.toml", "default": "themes.toml", "cspr": "themes_cspr.toml"}

_TOP_KEYS = {"name", "title", "description", "source", "version", "replace", "themes", "rules"}
_THEME_KEYS = {
    "label",
    "description",
    "brief",
    "polarity",
    "patterns",
    "negations",
    "patterns_from",
    "source",
    "cases",
    "guideline",
}
#: Keys of a theme's ``[themes.<id>.guideline]`` table (the labelling guideline, all optional).
_GUIDELINE_KEYS = {"counts", "not_counts", "polarity", "baby", "child", "teenager"}
_PATTERN_KEYS = {"id", "regex", "phrases", "polarity", "columns", "negatable", "about", "note", "source"}
_NEGATION_KEYS = {"id", "regex", "phrases", "polarity", "columns", "suppresses", "note", "source"}
_RULE_COMMON = {"theme", "polarity", "enabled", "description", "source", "label"}
_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TaxonomyError(ChronologyError):
    """A taxonomy file is missing, not TOML, or has a bad key; the message names file and key."""

    def __init__(self, message: str, *, file: Any = None, key: str | None = None, **kw: Any) -> None:
        self.key = key
        if key is not None:
            message = f"key {key!r}: {message}"
        super().__init__(message, file=file, **kw)


@dataclass(frozen=True)
class Pattern:
    """One text pattern (or negation) of a theme.

    Attributes
    ----------
    id
        Reported in the ``rule`` column of the tags.
    regex
        RE2 regular expression without capturing groups (matched case-insensitively).
    polarity
        ``"concern"`` or ``"strength"``; ``None`` for a negation that only suppresses.
    columns
        Event columns searched.
    negation
        True for a negation: when it matches, tags of the polarities in ``suppresses`` for the same
        theme and event are dropped.
    suppresses
        Polarities a negation suppresses.
    negatable
        False for a pattern no negation may suppress, and whose clause is not checked for a
        negation, hedge or outcome (see :mod:`chronology.themes.text`).
    about
        ``"child"`` for a pattern that is evidence only when it is about the child (a bias rule:
        "arrested" is not criminalisation of the child when the clause says the father was
        arrested); ``None`` for any subject.
    """

    id: str
    regex: str
    polarity: str | None
    columns: tuple[str, ...] = COLUMNS
    negation: bool = False
    suppresses: tuple[str, ...] = ()
    negatable: bool = True
    about: str | None = None


@dataclass(frozen=True)
class Theme:
    """A learning theme: id, label, description, the brief's wording, patterns and negations."""

    id: str
    label: str
    description: str = ""
    brief: str = ""
    polarity: str = "concern"
    patterns: tuple[Pattern, ...] = ()
    negations: tuple[Pattern, ...] = ()
    source: str = ""
    cases: tuple[str, ...] = ()
    #: The labelling guideline: ``counts``, ``not_counts``, ``polarity`` (text) and ``baby``,
    #: ``child``, ``teenager`` (examples, each a list of "event text => polarity: why" lines).
    guideline: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class StructuralRule:
    """A structural rule's settings: the theme and polarity it tags, and its parameters."""

    name: str
    theme: str
    polarity: str = "concern"
    enabled: bool = True
    params: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    source: str = ""


@dataclass(frozen=True)
class Taxonomy:
    """Themes (in order) and structural rules; build with :func:`load_taxonomy`."""

    name: str
    themes: dict[str, Theme]
    rules: dict[str, StructuralRule]
    files: tuple[str, ...] = ()

    def labels(self) -> dict[str, str]:
        """Theme id → label."""
        return {t.id: t.label for t in self.themes.values()}


# --------------------------------------------------------------------------- regex helpers
def phrase_regex(phrase: str) -> str:
    r"""The regex for a literal phrase: word boundaries, flexible spaces, hyphens and apostrophes.

    Examples
    --------
    >>> phrase_regex("self-harm")
    '\\bself[- ]?harm\\b'
    >>> phrase_regex("child's views")
    "\\bchild['’]?s[ \\t]+views\\b"
    """
    out: list[str] = []
    for ch in phrase.strip():
        if ch == " ":
            if out and out[-1] == r"[ \t]+":
                continue
            out.append(r"[ \t]+")
        elif ch == "-":
            out.append("[- ]?")
        elif ch in "'’":
            out.append("['’]?")
        else:
            out.append(re.escape(ch))
    body = "".join(out)
    text = phrase.strip()
    left = r"\b" if text[:1].isalnum() or text[:1] == "_" else ""
    right = r"\b" if text[-1:].isalnum() or text[-1:] == "_" else ""
    return f"{left}{body}{right}"


def _non_capturing(regex: str) -> str:
    """Turn capturing groups ``(...)`` and ``(?P<name>...)`` into ``(?:...)``."""
    out: list[str] = []
    i = 0
    in_class = False
    n = len(regex)
    while i < n:
        ch = regex[i]
        if ch == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            # a ']' right after '[' or '[^' is literal
            j = i + 1
            if j < n and regex[j] == "^":
                out.append("^")
                j += 1
            if j < n and regex[j] == "]":
                out.append("]")
                j += 1
            i = j
            continue
        if ch == "(":
            if regex.startswith("(?P<", i):
                end = regex.find(">", i)
                out.append("(?:")
                i = end + 1
                continue
            if i + 1 < n and regex[i + 1] == "?":
                out.append("(")
                i += 1
                continue
            out.append("(?:")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _re2_error(regex: str) -> str | None:
    """None if pyarrow's RE2 compiles ``regex``, else the reason."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.large_string()), regex)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        return str(exc).splitlines()[0]
    return None


# --------------------------------------------------------------------------- parsing
def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise TaxonomyError(
            "taxonomy file not found",
            file=path,
            hint="pass the path of a TOML file, 'brief' or 'cspr'",
        )
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(
            f"not valid TOML ({exc})", file=path, hint="check quotes and brackets on that line"
        ) from exc
    except UnicodeDecodeError as exc:
        raise TaxonomyError("not a UTF-8 text file", file=path, hint="save it as UTF-8") from exc


def _builtin_path(name: str) -> Path:
    from importlib import resources

    return Path(str(resources.files("chronology").joinpath("data").joinpath(BUILTIN[name])))


def _unknown(keys: set[str], valid: set[str], file: Any, where: str) -> None:
    extra = sorted(set(keys) - valid)
    if extra:
        key = f"{where}.{extra[0]}" if where else extra[0]
        raise TaxonomyError(
            "unknown key", file=file, key=key, hint=f"valid keys here: {', '.join(sorted(valid))}"
        )


def _polarity(value: Any, file: Any, key: str, allow_none: bool = False) -> str | None:
    valid = list(POLARITIES) + (["none"] if allow_none else [])
    if value not in valid:
        raise TaxonomyError(
            "not a polarity", file=file, key=key, value=value, hint=f"use one of: {', '.join(valid)}"
        )
    return None if value == "none" else str(value)


def _pattern(
    raw: Any, *, file: Any, key: str, theme_polarity: str, negation: bool, seen: set[str]
) -> Pattern:
    if not isinstance(raw, Mapping):
        raise TaxonomyError(
            "each pattern must be a table with an id and phrases or regex",
            file=file,
            key=key,
            value=raw,
            hint='write { id = "my_id", phrases = ["..."] }',
        )
    _unknown(set(raw), _NEGATION_KEYS if negation else _PATTERN_KEYS, file, key)
    pid = _pattern_id(raw, file=file, key=key, seen=seen)
    regex = _pattern_regex(raw, pid, file=file, key=key)
    cols = raw.get("columns", list(COLUMNS))
    if not isinstance(cols, list) or not cols or any(c not in COLUMNS for c in cols):
        raise TaxonomyError(
            "unknown column", file=file, key=f"{key}.columns", value=cols,
            hint=f"use some of: {', '.join(COLUMNS)}",
        )
    if negation:
        return _negation(raw, pid, regex, tuple(cols), file=file, key=key)
    pol = _polarity(raw.get("polarity", theme_polarity), file, f"{key}.polarity")
    negatable = raw.get("negatable", True)
    if not isinstance(negatable, bool):
        raise TaxonomyError("negatable must be true or false", file=file, key=f"{key}.negatable")
    about = raw.get("about")
    if about not in (None, "child"):
        raise TaxonomyError(
            "about must be \"child\"", file=file, key=f"{key}.about", value=about,
            hint='write about = "child" for a pattern that counts only about the child, or leave it out',
        )
    return Pattern(pid, regex, pol, tuple(cols), negatable=negatable, about=about)


def _pattern_id(raw: Mapping[str, Any], *, file: Any, key: str, seen: set[str]) -> str:
    """The pattern's id, checked and new in its theme (added to ``seen``)."""
    pid = raw.get("id")
    if not isinstance(pid, str) or not _ID_RE.match(pid):
        raise TaxonomyError(
            "missing or invalid id",
            file=file,
            key=f"{key}.id",
            value=pid,
            hint="give each pattern an id of letters, digits and underscores",
        )
    if pid in seen:
        raise TaxonomyError(
            "duplicate pattern id in this theme", file=file, key=f"{key}.id", value=pid
        )
    seen.add(pid)
    return pid


def _pattern_regex(raw: Mapping[str, Any], pid: str, *, file: Any, key: str) -> str:
    """The pattern's regular expression, from its ``phrases`` or its ``regex``, checked: RE2 can
    run it and it does not match empty text."""
    has_regex, has_phrases = "regex" in raw, "phrases" in raw
    if has_regex == has_phrases:
        raise TaxonomyError(
            "give exactly one of 'regex' or 'phrases'", file=file, key=key, value=pid
        )
    if has_phrases:
        rkey = f"{key}.phrases"
        regex = _phrases_regex(raw["phrases"], file=file, key=rkey)
    else:
        rkey = f"{key}.regex"
        regex = _own_regex(raw["regex"], file=file, key=rkey)
    err = _re2_error(regex)
    if err is not None:
        raise TaxonomyError(
            f"not supported by the RE2 engine ({err})",
            file=file,
            key=rkey,
            value=regex,
            hint="look-arounds and back-references are not available: use a negation instead",
        )
    if re.search(regex, "", flags=re.IGNORECASE) is not None:
        raise TaxonomyError("this regex matches empty text", file=file, key=rkey, value=regex)
    return regex


def _phrases_regex(phrases: Any, *, file: Any, key: str) -> str:
    """One alternation of the phrases (see :func:`phrase_regex`)."""
    if (
        not isinstance(phrases, list)
        or not phrases
        or not all(isinstance(p, str) and p.strip() for p in phrases)
    ):
        raise TaxonomyError(
            "phrases must be a non-empty list of non-empty strings",
            file=file,
            key=key,
            value=phrases,
        )
    return "|".join(phrase_regex(p) for p in phrases)


def _own_regex(regex: Any, *, file: Any, key: str) -> str:
    """A pattern's own ``regex``, checked to compile, its groups made non-capturing."""
    if not isinstance(regex, str) or not regex:
        raise TaxonomyError("regex must be a non-empty string", file=file, key=key, value=regex)
    try:
        re.compile(regex)
    except re.error as exc:
        raise TaxonomyError(
            f"not a valid regular expression ({exc})",
            file=file,
            key=key,
            value=regex,
            hint="escape special characters with a backslash",
        ) from exc
    return _non_capturing(regex)


def _negation(
    raw: Mapping[str, Any], pid: str, regex: str, cols: tuple[str, ...], *, file: Any, key: str
) -> Pattern:
    """A negation pattern with its polarity (or none) and the polarities it suppresses."""
    pol = _polarity(raw.get("polarity", "none"), file, f"{key}.polarity", allow_none=True)
    sup = raw.get("suppresses", ["strength"])
    if not isinstance(sup, list) or any(s not in POLARITIES for s in sup):
        raise TaxonomyError(
            "suppresses must list polarities",
            file=file,
            key=f"{key}.suppresses",
            value=sup,
            hint="use a list of 'concern' and/or 'strength'",
        )
    return Pattern(pid, regex, pol, cols, negation=True, suppresses=tuple(sup))


def _theme(
    tid: str, raw: Any, *, file: Any, library: Mapping[str, Theme], existing: Theme | None
) -> Theme:
    where = f"themes.{tid}"
    if not _ID_RE.match(tid):
        raise TaxonomyError(
            "a theme id must be letters, digits and underscores", file=file, key=where
        )
    if not isinstance(raw, Mapping):
        raise TaxonomyError("a theme must be a table", file=file, key=where)
    _unknown(set(raw), _THEME_KEYS, file, where)
    label = raw.get("label", existing.label if existing else None)
    if not isinstance(label, str) or not label:
        raise TaxonomyError("a theme needs a label", file=file, key=f"{where}.label")
    polarity = _polarity(raw.get("polarity", "concern"), file, f"{where}.polarity")
    assert polarity is not None
    patterns, negations = _theme_patterns(raw, polarity, file=file, where=where, library=library)
    cases = raw.get("cases", [])
    guideline = raw.get("guideline", {})
    if not isinstance(guideline, Mapping):
        raise TaxonomyError("guideline must be a table", file=file, key=f"{where}.guideline")
    _unknown(set(guideline), _GUIDELINE_KEYS, file, f"{where}.guideline")
    return Theme(
        id=tid,
        label=label,
        description=str(raw.get("description", "")),
        brief=str(raw.get("brief", "")),
        polarity=polarity,
        patterns=tuple(patterns),
        negations=tuple(negations),
        source=str(raw.get("source", "")),
        cases=tuple(cases),
        guideline=dict(guideline),
    )


def _theme_patterns(
    raw: Mapping[str, Any], polarity: str, *, file: Any, where: str, library: Mapping[str, Theme]
) -> tuple[list[Pattern], list[Pattern]]:
    """A theme's patterns and negations: those of the themes it takes ``patterns_from``, then its own."""
    patterns: list[Pattern] = []
    negations: list[Pattern] = []
    for i, other in enumerate(raw.get("patterns_from", [])):
        if other not in library:
            raise TaxonomyError(
                "patterns_from names an unknown theme of the default taxonomy",
                file=file,
                key=f"{where}.patterns_from[{i}]",
                value=other,
                hint=f"use one of: {', '.join(library)}",
            )
        patterns.extend(library[other].patterns)
        negations.extend(library[other].negations)
    seen = {p.id for p in patterns} | {p.id for p in negations}
    for name, store, neg in (("patterns", patterns, False), ("negations", negations, True)):
        items = raw.get(name, [])
        if not isinstance(items, list):
            raise TaxonomyError(f"{name} must be a list of tables", file=file, key=f"{where}.{name}")
        store.extend(
            _pattern(item, file=file, key=f"{where}.{name}[{i}]", theme_polarity=polarity, negation=neg, seen=seen)
            for i, item in enumerate(items)
        )
    if not patterns:
        raise TaxonomyError(
            "a theme needs at least one pattern (or patterns_from)", file=file, key=f"{where}.patterns"
        )
    return patterns, negations


def _rules(
    raw: Any, *, file: Any, base: Mapping[str, StructuralRule]
) -> dict[str, StructuralRule]:
    if not isinstance(raw, Mapping):
        raise TaxonomyError("rules must be a table of tables", file=file, key="rules")
    return {name: _rule(name, spec, file=file, prev=base.get(name)) for name, spec in raw.items()}


def _rule(name: str, spec: Any, *, file: Any, prev: StructuralRule | None) -> StructuralRule:
    """One structural rule of a taxonomy file, over the same rule of the base (``prev``)."""
    where = f"rules.{name}"
    params = _rule_params(name, spec, file=file, where=where, prev=prev)
    theme = spec.get("theme", prev.theme if prev else None)
    if not isinstance(theme, str):
        raise TaxonomyError("a rule needs a theme", file=file, key=f"{where}.theme")
    polarity = _polarity(
        spec.get("polarity", prev.polarity if prev else "concern"), file, f"{where}.polarity"
    )
    enabled = spec.get("enabled", prev.enabled if prev else True)
    if not isinstance(enabled, bool):
        raise TaxonomyError("enabled must be true or false", file=file, key=f"{where}.enabled")
    return StructuralRule(
        name=name,
        theme=theme,
        polarity=polarity or "concern",
        enabled=enabled,
        params=params,
        description=str(spec.get("description", prev.description if prev else "")),
        source=str(spec.get("source", prev.source if prev else "")),
    )


def _rule_params(
    name: str, spec: Any, *, file: Any, where: str, prev: StructuralRule | None
) -> dict[str, Any]:
    """A structural rule's parameters, checked, over those of ``prev``; every required one present."""
    from .structural import RULES

    if name not in RULES:
        raise TaxonomyError(
            "unknown structural rule",
            file=file,
            key=where,
            hint=f"use one of: {', '.join(sorted(RULES))}",
        )
    if not isinstance(spec, Mapping):
        raise TaxonomyError("a rule must be a table", file=file, key=where)
    kind = RULES[name]
    _unknown(set(spec), _RULE_COMMON | set(kind.params), file, where)
    params = dict(prev.params) if prev else {}
    for key, value in spec.items():
        if key in kind.params:
            params[key] = kind.check(key, value, file=file, where=f"{where}.{key}")
    missing = sorted(set(kind.params) - set(params) - set(kind.optional))
    missing += [group[-1] for group in kind.requires if not any(k in params for k in group)]
    if missing:
        raise TaxonomyError(
            "missing parameter", file=file, key=f"{where}.{missing[0]}",
            hint=f"rule {name} needs: {', '.join(k for k in kind.params if k not in kind.optional)}"
            + "".join(f"; and {' or '.join(g)}" for g in kind.requires),
        )
    return params


def _apply(
    base: Taxonomy | None, data: Mapping[str, Any], file: Any, library: Mapping[str, Theme]
) -> Taxonomy:
    """Apply one parsed file to ``base`` (None = start empty)."""
    _unknown(set(data), _TOP_KEYS, file, "")
    replace_all = data.get("replace", False)
    if not isinstance(replace_all, bool):
        raise TaxonomyError("replace must be true or false", file=file, key="replace")
    if replace_all or base is None:
        themes: dict[str, Theme] = {}
        rules: dict[str, StructuralRule] = {}
        files: tuple[str, ...] = ()
        default_rules = _default_rules()
    else:
        themes = dict(base.themes)
        rules = dict(base.rules)
        files = base.files
        default_rules = rules
    raw_themes = data.get("themes", {})
    if not isinstance(raw_themes, Mapping):
        raise TaxonomyError("themes must be a table of tables", file=file, key="themes")
    for tid, raw in raw_themes.items():
        themes[tid] = _theme(tid, raw, file=file, library=library, existing=themes.get(tid))
    # rules: parameters not given fall back to the built-in definition of the same rule
    merged_base = {**default_rules, **rules}
    rules.update(_rules(data.get("rules", {}), file=file, base=merged_base))
    for name, rule in rules.items():
        if rule.enabled and rule.theme not in themes:
            raise TaxonomyError(
                "the rule's theme is not in the taxonomy",
                file=file,
                key=f"rules.{name}.theme",
                value=rule.theme,
                hint=f"use one of: {', '.join(themes)}, or set enabled = false",
            )
    if not themes:
        raise TaxonomyError("the taxonomy has no themes", file=file, key="themes")
    name = str(data.get("name", base.name if base is not None and not replace_all else Path(str(file)).stem))
    return Taxonomy(name=name, themes=themes, rules=rules, files=(*files, str(file)))


_CACHE: dict[str, Taxonomy] = {}


def _builtin(name: str) -> Taxonomy:
    if name not in _CACHE:
        path = _builtin_path(name)
        library = _builtin("brief").themes if BUILTIN[name] != "themes.toml" else {}
        _CACHE[name] = _apply(None, _read(path), path.name, library)
    return _CACHE[name]


def _default_rules() -> dict[str, StructuralRule]:
    if "brief" not in _CACHE:
        return {}
    return dict(_CACHE["brief"].rules)


TaxonomySpec = str | os.PathLike[str] | Taxonomy | Sequence[str | os.PathLike[str]] | None


def load_taxonomy(taxonomy: TaxonomySpec = None) -> Taxonomy:
    """Load a taxonomy: a built-in one, the default extended by user files, or a replacement.

    Parameters
    ----------
    taxonomy
        ``None`` or ``"brief"``: the default taxonomy of the thematic brief. ``"cspr"``: the Child
        Safeguarding Practice Review Panel practice themes. A path, or a list of paths (and built-in
        names), applied in order: a built-in name replaces what came before it; a file extends it
        (a theme with the same id replaces the earlier one, rule parameters are merged key by key)
        unless the file says ``replace = true``. A :class:`Taxonomy` is returned as is.

    Returns
    -------
    Taxonomy

    Raises
    ------
    TaxonomyError
        A file is missing, is not TOML, or has an unknown or invalid key (the message names the file
        and the key).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "mine.toml").write_text('''
    ... [themes.exploitation]
    ... label = "Criminal exploitation"
    ... patterns = [{ id = "county_lines", phrases = ["county lines", "drug running"] }]
    ... ''')
    >>> tax = load_taxonomy(d / "mine.toml")
    >>> list(tax.themes)[-1], len(tax.themes)
    ('exploitation', 10)
    >>> _ = (d / "bad.toml").write_text('[themes.x]\\nlabel = "X"\\npolarity = "bad"\\n'
    ...     'patterns = [{ id = "a", phrases = ["a"] }]')
    >>> load_taxonomy(d / "bad.toml")
    Traceback (most recent call last):
    ...
    chronology.themes.taxonomy.TaxonomyError: .../bad.toml: 'bad': key 'themes.x.polarity': not a polarity; use one of: concern, strength
    """
    if isinstance(taxonomy, Taxonomy):
        return taxonomy
    if taxonomy is None:
        return _builtin("brief")
    items: list[Any] = (
        [taxonomy] if isinstance(taxonomy, str | os.PathLike) else list(taxonomy)
    )
    if not items:
        return _builtin("brief")
    _builtin("brief")  # the library for patterns_from and default rule parameters
    current: Taxonomy | None = None
    for item in items:
        if isinstance(item, Taxonomy):
            current = item
            continue
        if isinstance(item, str) and item in BUILTIN:
            current = _builtin(item)
            continue
        if not isinstance(item, str | os.PathLike):
            raise TaxonomyError(
                "a taxonomy is a built-in name or the path of a TOML file",
                value=repr(item),
                hint=f"use {', '.join(repr(b) for b in BUILTIN)} or a path",
            )
        path = Path(item)
        if path.suffix.lower() != ".toml" and not path.exists():
            raise TaxonomyError(
                "unknown taxonomy",
                value=str(item),
                hint=f"use a built-in name ({', '.join(BUILTIN)}) or the path of a TOML file",
            )
        base = current if current is not None else _builtin("brief")
        current = _apply(base, _read(path), path, _builtin("brief").themes)
    assert current is not None
    return current


def with_rule(taxonomy: Taxonomy, name: str, **changes: Any) -> Taxonomy:
    """A copy of ``taxonomy`` with one structural rule's fields or parameters changed (for tests
    and notebooks).

    Examples
    --------
    >>> t = with_rule(load_taxonomy(), "repeated_police_callouts", min_count=4)
    >>> t.rules["repeated_police_callouts"].params["min_count"]
    4
    """
    from .structural import RULES

    rule = taxonomy.rules[name]
    params = dict(rule.params)
    fields: dict[str, Any] = {}
    for key, value in changes.items():
        if key in RULES[name].params:
            params[key] = RULES[name].check(key, value, file="<with_rule>", where=f"rules.{name}.{key}")
        else:
            fields[key] = value
    rules = dict(taxonomy.rules)
    rules[name] = replace(rule, params=params, **fields)
    return replace(taxonomy, rules=rules)
