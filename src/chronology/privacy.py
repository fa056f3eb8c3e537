"""Privacy: pseudonymise names with role labels (and back), redact identifiers in free text.

Chronologies hold special-category data about children. Reviews are published anonymised, so the
library makes anonymising easy and leaking hard:

- :func:`pseudonymise` replaces the names of the child, family members and professionals with
  consistent role labels ("Child C", "Mother", "SW1") in every text column, and can write a key file
  that lets the review team undo it exactly with :func:`personalise`. The key is a separate file:
  it never goes into the events, so it cannot reach a report.
- :func:`redact` replaces identifiers (NHS numbers checked with the modulus 11 check digit, UK phone
  numbers, postcodes, email addresses, dates of birth, street addresses) with labelled placeholders
  such as ``[NHS number]`` and returns a table of what was redacted where (file, sheet, row, event,
  column, kind, length): never the value itself.

The patterns are data, in ``chronology/data/redaction.toml``. All functions work on a copy: the
input frame is never modified. Text is processed column by column with ``Series.str`` methods: a
cheap prefilter (pyarrow) picks the cells that may hold a match, then one regular expression runs
over them; Python runs per match (to look up a label, check a check digit), not per row.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"description": ["Cassie's mother Jo Smith called from 07700 900123"]},
...                   dtype="str")
>>> pseudonymise(ev, {"Cassie": "Child C", "Jo Smith": "Mother"})["description"].iloc[0]
"Child C's mother Mother called from 07700 900123"
>>> red, table = redact(ev)
>>> red["description"].iloc[0]
"Cassie's mother Jo Smith called from [phone]"
>>> table[["column", "kind", "length"]].values.tolist()
[['description', 'phone', 12]]
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import secrets
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import OptionError, SourceReadError
from .resources import load_toml

__all__ = [
    "nhs_number_is_valid",
    "personalise",
    "pseudonymise",
    "redact",
    "redaction_kinds",
]

PathLike = str | os.PathLike[str]

#: lineage and identifier columns: pseudonymised (they may hold a child's name) but never redacted
_ID_COLUMNS = ("event_id", "case_id", "source", "source_sheet")
#: columns of the redactions table
REDACTION_COLUMNS = [
    "source",
    "source_sheet",
    "source_row",
    "event_id",
    "column",
    "kind",
    "length",
    "ref",
]
_KEY_FORMAT = "chronology pseudonymisation key"
_KEY_VERSION = 1


# ============================================================================ shared helpers
def _text_columns(frame: pd.DataFrame) -> list[Any]:
    """Columns holding text: pandas ``str``/``string`` dtype, or object columns of strings."""
    cols: list[Any] = []
    for c in frame.columns:
        dtype = frame[c].dtype
        is_text = isinstance(dtype, pd.StringDtype) or (
            pd.api.types.is_object_dtype(dtype)
            and pd.api.types.infer_dtype(frame[c], skipna=True) in ("string", "empty")
        )
        if is_text:
            cols.append(c)
    return cols


def _with_values(s: pd.Series, positions: Sequence[int], values: Sequence[Any]) -> pd.Series:
    """A copy of ``s`` with the values at ``positions`` replaced (dtype kept)."""
    if not len(positions):
        return s
    arr = s.to_numpy(dtype=object, copy=True)
    arr[np.asarray(positions, dtype=np.int64)] = list(values)
    return pd.Series(arr, index=s.index, name=s.name).astype(s.dtype)


#: characters written for an apostrophe or a single quote: ASCII, typographic (what Word types),
#: the modifier letter apostrophe, grave and acute accents, prime, full-width
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032\u201b\uff07"
#: characters written for a hyphen in a double-barrelled name: ASCII, Unicode hyphen, non-breaking
#: hyphen, figure dash, en dash, em dash, minus sign, small and full-width hyphen-minus
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
_VARIANT = dict.fromkeys(_APOSTROPHES, "'") | dict.fromkeys(_HYPHENS, "-")
_VARIANT_RE = re.compile("[" + re.escape(_APOSTROPHES + _HYPHENS) + "]")


#: letters with no Unicode decomposition that records write without their mark
_UNMARKED = {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H"}
_MARKS = "[\u0300-\u036f]*"


def _base(ch: str) -> str:
    """A letter without its accents: ``é`` -> ``e``, ``ø`` -> ``o``; other characters unchanged."""
    if ch in _UNMARKED:
        return _UNMARKED[ch]
    d = unicodedata.normalize("NFD", ch)
    return d[0] if d[0].isascii() and d[0].isalpha() else ch


def _latin_letters() -> dict[str, str]:
    """For each ASCII letter, every precomposed Latin letter whose base it is (``e``: ``èéêë...``)."""
    out: dict[str, list[str]] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        b = _base(ch)
        if b != ch and b.isascii():
            out.setdefault(b, []).append(ch)
            out.setdefault(b.swapcase(), [])
    return {k: "".join(v) for k, v in out.items()}


_ACCENTED = _latin_letters()


def _fold(text: str) -> str:
    """A name's matching key: apostrophes and hyphens in their ASCII form, accents removed
    (``Zoë`` = ``Zoe``), whitespace collapsed, case folded.

    Examples
    --------
    >>> _fold("O\u2019Neill") == _fold("o'neill") == _fold("O\u02bcNEILL")
    True
    >>> _fold("Sin\u00e9ad N\u00fa\u00f1ez") == _fold("Sine\u0301ad NUNEZ") == _fold("sinead nunez")
    True
    """
    text = _VARIANT_RE.sub(lambda m: _VARIANT[m.group(0)], unicodedata.normalize("NFC", text))
    text = "".join(_base(c) for c in unicodedata.normalize("NFC", text))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.split()).casefold()


def _char_pattern(ch: str) -> str:
    """A regex for one character of a name, matching its typographic and Unicode variants: any
    apostrophe for an apostrophe, any hyphen for a hyphen, a letter with or without its accents,
    composed or decomposed (records often drop them: ``Zoe`` for ``Zoë``)."""
    if ch in _VARIANT:
        return "[" + re.escape(_APOSTROPHES if _VARIANT[ch] == "'" else _HYPHENS) + "]"
    b = _base(ch)
    if b.isascii() and b.isalpha():
        return "[" + b + _ACCENTED.get(b, "") + "]" + _MARKS
    return re.escape(ch) + _MARKS


def _word_pattern(word: str) -> str:
    return "".join(_char_pattern(c) for c in unicodedata.normalize("NFC", word))


def _alternation(words: Iterable[str], *, exact: bool = False) -> str:
    """One regex matching any of ``words`` as a whole word, longest first. A space in a word
    matches any run of whitespace (line breaks, non-breaking spaces), an apostrophe any apostrophe
    (``O'Neill``, ``O\u2019Neill``), a hyphen any hyphen or dash, an accented letter its composed
    or decomposed form; unless ``exact`` (labels, which are written exactly as given)."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    if exact:
        alts = [re.escape(w) for w in ordered]
    else:
        alts = [r"\s+".join(_word_pattern(part) for part in w.split()) for w in ordered]
    # a name ends where a word does, or before a possessive written with a modifier-letter
    # apostrophe (U+02BC, U+02BB: letters to the regex engine, so "\w" would refuse "Neillʼs")
    return r"(?<!\w)(?:" + "|".join(alts) + r")(?:(?!\w)|(?=[\u02bc\u02bb]s(?!\w)))"


def _prefilter(words: Iterable[str], *, ignore_case: bool, exact: bool = True) -> str:
    """A cheap regex (valid for pyarrow's RE2 and Python) that every cell holding one of ``words``
    matches: the first word of each, as plain text (with its variants unless ``exact``). Cells
    without it are skipped."""
    firsts = sorted({w.split()[0] for w in words if w.split()})
    pattern = re.escape if exact else _word_pattern
    return ("(?i)" if ignore_case else "") + "|".join(pattern(w) for w in firsts)


def _contains(s: pd.Series, prefilter: str) -> pd.Series:
    """Boolean mask of the cells matching ``prefilter`` (NA: False)."""
    return s.str.contains(prefilter, regex=True).fillna(False).astype(bool)


_TOML_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f\ud800-\udfff]')
_TOML_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _toml_str(text: str) -> str:
    """``text`` as a TOML basic string."""

    def esc(m: re.Match[str]) -> str:
        ch = m.group(0)
        if ch in _TOML_NAMED:
            return _TOML_NAMED[ch]
        if 0xD800 <= ord(ch) <= 0xDFFF:  # a lone surrogate cannot be stored as UTF-8
            return "\\uFFFD"
        return f"\\u{ord(ch):04X}"

    return '"' + _TOML_ESCAPE.sub(esc, text) + '"'


# ============================================================================ pseudonymise
def _is_file(path: Path, what: str) -> bool:
    """``path.is_file()``, an operating-system error (permission denied on the folder, a broken
    drive) refused by name rather than raised."""
    try:
        return path.is_file()
    except (OSError, ValueError) as exc:
        raise SourceReadError(
            f"cannot open the {what} ({type(exc).__name__}: {getattr(exc, 'strerror', None) or exc})",
            file=str(path),
            hint=f"check the {what} path and that you may read it",
        ) from exc


def _read_names_file(path: Path) -> list[tuple[Any, Any]]:
    """The ``(name, label)`` pairs of a ``.toml`` or ``.csv`` names file, in file order."""
    if not _is_file(path, "names file"):
        raise SourceReadError(
            "names file not found",
            file=str(path),
            hint="pass a mapping {real name: label} or the path of a .toml or .csv names file",
        )
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            return _names_from_toml(path)
        if suffix in (".csv", ".txt"):
            return _names_from_csv(path)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, csv.Error, OSError) as exc:
        raise SourceReadError(
            f"cannot read the names file ({type(exc).__name__}: {getattr(exc, 'strerror', None) or exc})",
            file=path.name,
            hint='a .toml file needs lines like "Cassie Smith" = "Child C"; a .csv file "name,label" rows',
        ) from exc
    raise OptionError(
        "unsupported names file type",
        value=path.name,
        hint="use a .toml file (\"Cassie Smith\" = \"Child C\") or a .csv file with name,label columns",
    )


def _names_from_toml(path: Path) -> list[tuple[Any, Any]]:
    """``"name" = "label"`` lines, at the top level or under ``[names]``."""
    data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    table = data.get("names", data)
    if not isinstance(table, dict):
        raise OptionError(
            "the [names] entry of a names file must be a table",
            value=path.name,
            hint='write one line per name: "Cassie Smith" = "Child C"',
        )
    return [(k, v) for k, v in table.items() if not isinstance(v, dict | list)]


def _names_from_csv(path: Path) -> list[tuple[Any, Any]]:
    """``name,label`` rows (a ``name,label`` header row is optional; blank rows are skipped)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    if not rows:
        return []
    head = [c.strip().lower() for c in rows[0]]
    if "name" in head and "label" in head:
        i, j = head.index("name"), head.index("label")
        rows = rows[1:]
    else:
        i, j = 0, 1
    bad = next((r for r in rows if len(r) <= max(i, j)), None)
    if bad is not None:
        raise OptionError(
            "a row of the names file has no label",
            value=",".join(bad),
            hint="write one 'name,label' pair per line (a header 'name,label' is optional)",
        )
    return [(r[i], r[j]) for r in rows]


def _load_names(names: Mapping[str, str] | PathLike) -> dict[str, str]:
    """Validated ``{name: label}``, names with whitespace collapsed, in the order given."""
    if isinstance(names, Mapping):
        items = list(names.items())
    elif isinstance(names, str | os.PathLike):
        items = _read_names_file(Path(names))
    else:
        raise OptionError(
            "names must be a mapping {real name: role label} or the path of a .toml or .csv file",
            value=type(names).__name__,
            hint='e.g. names={"Cassie Smith": "Child C", "Jo Smith": "Mother"}',
        )
    out: dict[str, str] = {}
    seen: dict[str, tuple[str, str]] = {}
    for name, label in items:
        if not isinstance(name, str) or not isinstance(label, str):
            raise OptionError(
                "names and labels must be text",
                value=f"{name!r}: {label!r}",
                hint='e.g. {"Cassie Smith": "Child C"}',
            )
        clean = " ".join(name.split())
        if not re.search(r"\w", clean) or not re.search(r"\w", label):
            raise OptionError(
                "every name and every label needs at least one letter or digit",
                value=f"{name!r}: {label!r}",
                hint="remove the empty entry",
            )
        key = _fold(clean)
        if key in seen and seen[key][1] != label:
            raise OptionError(
                "the same name is given two different labels",
                value=clean,
                hint=f"choose one of {seen[key][1]!r} and {label!r}",
            )
        seen[key] = (clean, label)
        out.setdefault(clean, label)
    if not out:
        raise OptionError(
            "no names to replace",
            hint='pass names={"Cassie Smith": "Child C", ...} or a names file with at least one line',
        )
    return out


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only from the first byte: a temporary file
    created with mode 0600 beside it (``mkstemp``), written, flushed to disk, then renamed over
    ``path`` in one step, so no other user can open the key while it is written and a crash never
    leaves half a key."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise SourceReadError(
            f"cannot write the key file ({type(exc).__name__}: {exc.strerror or exc})",
            file=str(path),
            hint="choose a folder you can write to for key=...",
        ) from exc
    try:
        with contextlib.suppress(OSError):  # where permissions exist (mkstemp already made it 0600)
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # disk full, the folder made read-only meanwhile
            raise SourceReadError(
                f"cannot write the key file ({type(exc).__name__}: {exc.strerror or exc})",
                file=str(path),
                hint="choose a folder you can write to, with free space, for key=...",
            ) from exc
        raise


@dataclass
class _Key:
    """What :func:`personalise` needs: labels back to names, and the cells where that default
    would not restore the exact original text."""

    labels: dict[str, str]
    names: dict[str, str]
    columns: list[str]
    row_id: str  # "event_id" or "position"
    cells: list[dict[str, Any]]

    @property
    def label_re(self) -> re.Pattern[str]:
        return re.compile(_alternation(self.labels, exact=True))

    def write(self, path: Path) -> None:
        lines = [
            "# chronology pseudonymisation key: it turns the role labels back into real names.",
            "# Keep it with the review team. Never put it in a report, never send it with the",
            "# anonymised chronology. personalise(events, key) uses it to restore the text exactly.",
            f"format = {_toml_str(_KEY_FORMAT)}",
            f"version = {_KEY_VERSION}",
            f"row_id = {_toml_str(self.row_id)}",
            "columns = [" + ", ".join(_toml_str(c) for c in self.columns) + "]",
            "",
            "[labels]  # label -> the name it is turned back into",
            *(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in self.labels.items()),
            "",
            "[names]  # every name that was replaced -> its label",
            *(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in self.names.items()),
        ]
        for cell in self.cells:
            lines += ["", "[[cells]]"]
            row = cell["row"]
            lines.append(
                f"event_id = {_toml_str(row)}" if self.row_id == "event_id" else f"position = {int(row)}"
            )
            lines.append(f"column = {_toml_str(cell['column'])}")
            if "text" in cell:
                lines.append(f"text = {_toml_str(cell['text'])}")
            else:
                lines.append("originals = [" + ", ".join(_toml_str(o) for o in cell["originals"]) + "]")
        _write_private(path, "\n".join(lines) + "\n")

    @classmethod
    def read(cls, path: PathLike) -> _Key:
        p = Path(path)
        if not _is_file(p, "key file"):
            raise SourceReadError(
                "key file not found",
                file=str(p),
                hint="pass the key file written by pseudonymise(..., key=...)",
            )
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise SourceReadError(
                f"is not a readable key file ({exc})",
                file=p.name,
                hint="pass the key file written by pseudonymise(..., key=...), unedited",
            ) from exc
        if data.get("format") != _KEY_FORMAT or not isinstance(data.get("labels"), dict):
            raise SourceReadError(
                "is not a chronology pseudonymisation key",
                file=p.name,
                hint="pass the key file written by pseudonymise(..., key=...)",
            )
        row_id = str(data.get("row_id", "event_id"))
        cells = []
        for c in data.get("cells", []):
            row = c.get("event_id") if row_id == "event_id" else c.get("position")
            cell: dict[str, Any] = {"row": row, "column": c["column"]}
            if "text" in c:
                cell["text"] = c["text"]
            else:
                cell["originals"] = list(c.get("originals", []))
            cells.append(cell)
        return cls(
            labels=dict(data["labels"]),
            names=dict(data.get("names", {})),
            columns=list(data.get("columns", [])),
            row_id=row_id,
            cells=cells,
        )


def _row_ids(frame: pd.DataFrame) -> tuple[str, np.ndarray]:
    """How key cells name their row: the event id when unique, else the position."""
    if "event_id" in frame.columns:
        ids = frame["event_id"]
        if ids.notna().all() and ids.is_unique:
            return "event_id", ids.astype("str").to_numpy(dtype=object)
    return "position", np.arange(len(frame), dtype=np.int64)


def _restore_default(s: pd.Series, label_re: re.Pattern[str], labels: Mapping[str, str]) -> pd.Series:
    """Every label turned back into its name (the key's default)."""
    return s.str.replace(label_re, lambda m: labels[m.group(0)], regex=True)


def _apply_originals(text: str, label_re: re.Pattern[str], originals: Sequence[str]) -> str | None:
    """Replace the n-th label in ``text`` by ``originals[n]``; None when the counts differ."""
    if len(label_re.findall(text)) != len(originals):
        return None
    it: Iterator[str] = iter(originals)
    return label_re.sub(lambda m: next(it), text)


def _apply_cells(
    pseudo: pd.Series,
    restored: pd.Series,
    cells: Sequence[dict[str, Any]],
    positions: Sequence[int],
    label_re: re.Pattern[str],
) -> pd.Series:
    """Apply the key's per-cell exceptions (positions already resolved) to the default."""
    pos_out: list[int] = []
    vals: list[Any] = []
    for cell, pos in zip(cells, positions, strict=True):
        if pos < 0:  # the row is not in this frame (filtered out)
            continue
        if "text" in cell:
            value: Any = cell["text"]
        else:
            text = pseudo.iloc[pos]
            if not isinstance(text, str):
                continue
            value = _apply_originals(text, label_re, cell["originals"])
            if value is None:  # the text was edited after pseudonymising: keep the default
                continue
        pos_out.append(int(pos))
        vals.append(value)
    return _with_values(restored, pos_out, vals)


def _exception_for(
    original: str, name_re: re.Pattern[str], to_label: Callable[[re.Match[str]], str],
    label_re: re.Pattern[str],
) -> dict[str, Any]:
    """The per-label originals for one cell (slow path: the text already held a label, or a
    replacement made a new one); the whole text when they cannot be aligned."""
    pieces: list[str] = []
    spans: dict[tuple[int, int], str] = {}
    last, length = 0, 0
    for m in name_re.finditer(original):
        keep = original[last : m.start()]
        label = to_label(m)
        pieces += [keep, label]
        length += len(keep)
        spans[(length, length + len(label))] = m.group(0)
        length += len(label)
        last = m.end()
    pieces.append(original[last:])
    pseudo = "".join(pieces)
    originals: list[str] = []
    replaced = sorted(spans)
    for m in label_re.finditer(pseudo):
        if (m.start(), m.end()) in spans:
            originals.append(spans[(m.start(), m.end())])
        elif not any(a < m.end() and m.start() < b for a, b in replaced):
            originals.append(m.group(0))  # the label was in the original text
        else:
            return {"text": original}
    if _apply_originals(pseudo, label_re, originals) != original:
        return {"text": original}
    return {"originals": originals}


def pseudonymise(
    events: pd.DataFrame,
    names: Mapping[str, str] | PathLike,
    key: PathLike | None = None,
) -> pd.DataFrame:
    """Replace real names with role labels in every text column.

    Parameters
    ----------
    events
        The events (or any frame). Not modified.
    names
        ``{real name: role label}``, e.g. ``{"Cassie Smith": "Child C", "Cassie": "Child C",
        "Jo Smith": "Mother", "Sam Patel": "SW1"}``; or the path of a ``.toml`` file (``"Cassie
        Smith" = "Child C"`` lines, or a ``[names]`` table such as a key file's) or a ``.csv`` file
        of ``name,label`` rows.
    key
        Where to write the key file (TOML) that :func:`personalise` needs to undo this. Without a
        key the labels cannot be turned back. The file is overwritten, readable by its owner only.
        It never goes into ``events``: keep it away from the anonymised chronology and its reports.

    Returns
    -------
    DataFrame
        A copy with the names replaced.

    Notes
    -----
    - Every text column is processed: description, action, child_voice, practitioner, service,
      unmapped source columns, and also ``case_id``, ``event_id``, ``source`` and ``source_sheet``
      (a case id or a file name is often the child's name).
    - Whole words only, case-insensitive ("CASSIE", "cassie"), longest names first (so "Cassie
      Smith" wins over "Cassie"); a space in a name matches any whitespace, including a line
      break. Possessives follow: "Cassie's" becomes "Child C's". Forms that are not whole words
      ("Cassies", "the Smiths") are left: list them as names too.
    - One regular expression per column; the replacement is looked up per match.
    - The key stores, for each label, the spelling most often replaced, and for the cells where
      that would not give back the exact text (another spelling, other capitals, or a label such
      as "Mother" already in the text) the originals in order. So ``personalise(pseudonymise(ev,
      names, key), key)`` equals ``ev`` exactly, as long as the pseudonymised text is not edited.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"description": ["CASSIE seen with Jo Smith", "Mother called"],
    ...                    "practitioner": ["SW Sam Patel", None]}, dtype="str")
    >>> names = {"Cassie Smith": "Child C", "Cassie": "Child C", "Jo Smith": "Mother",
    ...          "Sam Patel": "SW1"}
    >>> out = pseudonymise(ev, names)
    >>> out["description"].tolist(), out["practitioner"].tolist()
    (['Child C seen with Mother', 'Mother called'], ['SW SW1', nan])
    """
    mapping = _load_names(names)
    namer = _Namer(mapping)
    columns = _text_columns(events)
    frame = events.reset_index(drop=True)
    out = events.copy()
    pseudo: dict[Any, pd.Series] = {}
    name_pre = _prefilter(mapping, ignore_case=True, exact=False)
    for col in columns:
        s = frame[col]
        cand = _contains(s, name_pre)
        p = s.copy()
        if cand.any():
            p.loc[cand] = s[cand].str.replace(namer.pattern, namer.to_label, regex=True)
        pseudo[col] = p
        out[col] = p.set_axis(events.index)
    if key is None:
        return out

    _write_key(Path(key), frame, pseudo, mapping, namer)
    return out


def _write_key(path: Path, frame: pd.DataFrame, pseudo: Mapping[Any, pd.Series], mapping: Mapping[str, str],
               namer: _Namer) -> None:
    """The key file of :func:`pseudonymise`: each label's name, and the cells that need more
    (``frame``: the original text columns, ``pseudo``: the pseudonymised ones)."""
    columns = list(pseudo)
    labels = _key_labels(mapping, namer.variants)
    label_re = re.compile(_alternation(labels, exact=True))
    label_pre = _prefilter(labels, ignore_case=False)
    cells_by_col = {
        col: _cell_exceptions(frame[col], pseudo[col], namer, labels, label_re, label_pre) for col in columns
    }
    row_id, ids = _row_ids(frame.assign(event_id=pseudo["event_id"]) if "event_id" in pseudo else frame)
    cells = [
        {"row": ids[pos], "column": str(col), **exc}
        for col, excs in cells_by_col.items()
        for pos, exc in sorted(excs, key=lambda t: t[0])
    ]
    _Key(
        labels=labels,
        names=dict(mapping),
        columns=[str(c) for c in columns],
        row_id=row_id,
        cells=cells,
    ).write(path)


class _Namer:
    """The names of a mapping found in text (whole words, any case), their labels, and how often
    each spelling was replaced (``variants``: ``(label, text as written) -> count``)."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.pattern = re.compile(_alternation(mapping), re.IGNORECASE)
        self.lookup = {_fold(n): lab for n, lab in mapping.items()}
        self.singles = [(re.compile(_alternation([n]), re.IGNORECASE), lab) for n, lab in mapping.items()]
        self.variants: Counter[tuple[str, str]] = Counter()

    def label_of(self, text: str) -> str:
        found = self.lookup.get(_fold(text))
        if found is not None:
            return found
        # a case-insensitive match that casefold() does not see (rare scripts)
        return next((lab for rx, lab in self.singles if rx.fullmatch(text)), text)

    def to_label(self, m: re.Match[str]) -> str:
        """The label of a match, counting the spelling replaced."""
        text = m.group(0)
        label = self.label_of(text)
        self.variants[(label, text)] += 1
        return label

    def label_only(self, m: re.Match[str]) -> str:
        return self.label_of(m.group(0))


def _key_labels(mapping: Mapping[str, str], variants: Counter[tuple[str, str]]) -> dict[str, str]:
    """The name each label is turned back into: the spelling most often replaced (else the first
    name given for it)."""
    labels: dict[str, str] = {}
    for name, lab in mapping.items():
        labels.setdefault(lab, name)
    best: dict[str, tuple[int, str]] = {}
    for (lab, v), n in variants.items():
        if lab not in best or n > best[lab][0]:
            best[lab] = (n, v)
    for lab, (_, v) in best.items():
        labels[lab] = v
    return labels


def _cell_exceptions(
    s: pd.Series, p: pd.Series, namer: _Namer, labels: Mapping[str, str], label_re: re.Pattern[str],
    label_pre: str,
) -> list[tuple[int, dict[str, Any]]]:
    """The cells of one column (``s`` original, ``p`` pseudonymised) where turning each label back
    into its name would not give the exact text, each with what gives it back."""
    exceptions: list[tuple[int, dict[str, Any]]] = []
    check = ((p != s).fillna(False).astype(bool) & s.notna()) | _contains(s, label_pre)
    if not check.any():
        return exceptions
    restored = p.copy()
    restored.loc[check] = _restore_default(p[check], label_re, labels)
    wrong = check & ~(restored == s).fillna(False).astype(bool)
    if not wrong.any():
        return exceptions
    name_re = namer.pattern
    sw, pw = s[wrong], p[wrong]
    simple = sw.str.count(label_re).eq(0) & pw.str.count(label_re).eq(sw.str.count(name_re))
    for pos, found in sw[simple].str.findall(name_re).items():
        exceptions.append((int(pos), {"originals": list(found)}))
    for pos, text in sw[~simple].items():
        exceptions.append((int(pos), _exception_for(text, name_re, namer.label_only, label_re)))
    # safety net: the exceptions must give back the exact text
    back = _apply_cells(p, restored, [e for _, e in exceptions], [q for q, _ in exceptions], label_re)
    still = wrong & ~(back == s).fillna(False).astype(bool)
    fixed = {int(q) for q in np.flatnonzero(still.to_numpy())}
    exceptions[:] = [(q, e) for q, e in exceptions if q not in fixed]
    exceptions += [(q, {"text": s.iloc[q]}) for q in sorted(fixed)]
    return exceptions


def personalise(events: pd.DataFrame, key: PathLike) -> pd.DataFrame:
    """Undo :func:`pseudonymise` with its key file: role labels back to the real names.

    Parameters
    ----------
    events
        The pseudonymised events (or the frame given to :func:`pseudonymise`). Not modified.
    key
        The key file written by ``pseudonymise(..., key=...)``.

    Returns
    -------
    DataFrame
        A copy with the original text restored exactly in every cell that was not edited since.
        A cell edited after pseudonymising gets each label turned back into the name recorded
        for it in the key's ``[labels]`` table.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> ev = pd.DataFrame({"description": ["Cassie's mum", "cassie and Mother"]}, dtype="str")
    >>> key = os.path.join(tempfile.mkdtemp(), "key.toml")
    >>> anon = pseudonymise(ev, {"Cassie": "Child C", "Jo": "Mother"}, key=key)
    >>> anon["description"].tolist()
    ["Child C's mum", 'Child C and Mother']
    >>> personalise(anon, key)["description"].tolist()
    ["Cassie's mum", 'cassie and Mother']
    """
    k = _Key.read(key)
    out = events.copy()
    if not k.labels:
        return out
    label_re = k.label_re
    frame = events.reset_index(drop=True)
    if k.row_id == "event_id" and "event_id" in frame.columns:
        where = pd.Index(frame["event_id"].astype("str"))
        resolve: Callable[[list[Any]], np.ndarray] = lambda rows: where.get_indexer(  # noqa: E731
            [str(r) for r in rows]
        )
    else:
        n = len(frame)
        resolve = lambda rows: np.array(  # noqa: E731
            [int(r) if r is not None and 0 <= int(r) < n else -1 for r in rows], dtype=np.int64
        )
    by_col: dict[str, list[dict[str, Any]]] = {}
    for cell in k.cells:
        by_col.setdefault(cell["column"], []).append(cell)
    for col in frame.columns:
        if str(col) not in k.columns or col not in _text_columns(frame[[col]]):
            continue
        p = frame[col]
        cand = _contains(p, _prefilter(k.labels, ignore_case=False))
        restored = p.copy()
        if cand.any():
            restored.loc[cand] = _restore_default(p[cand], label_re, k.labels)
        cells = by_col.get(str(col), [])
        if cells:
            positions = resolve([c["row"] for c in cells])
            restored = _apply_cells(p, restored, cells, list(positions), label_re)
        out[col] = restored.set_axis(events.index)
    return out


# ============================================================================ redact
def nhs_number_is_valid(value: str) -> bool:
    """Whether ``value`` is a valid NHS number: ten digits (spaces and dashes ignored) whose last
    is the modulus 11 check digit of the first nine (weights 10 down to 2; a result of 11 means 0,
    10 is never issued). Numbers of one repeated digit are not NHS numbers.

    Examples
    --------
    >>> nhs_number_is_valid("943 476 5919"), nhs_number_is_valid("943 476 5918")
    (True, False)
    >>> nhs_number_is_valid("999-000-0018"), nhs_number_is_valid("0000000000")
    (True, False)
    """
    d = re.sub(r"[\s\-]", "", str(value))
    if len(d) != 10 or not d.isascii() or not d.isdigit() or len(set(d)) == 1:
        return False
    total = sum(int(c) * w for c, w in zip(d[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(d[9])


def _uk_phone_is_valid(value: str) -> bool:
    """A UK number: after +44 / 0044 / the trunk 0, ten digits starting 1, 2, 3 or 7."""
    v = value.strip().lstrip("(")
    digits = re.sub(r"\D", "", v)
    if v.startswith("+"):
        digits = digits[2:] if digits.startswith("44") else ""
    elif v.startswith("00"):
        digits = digits[4:] if digits.startswith("0044") else ""
    if digits.startswith("0"):
        digits = digits[1:]
    return len(digits) == 10 and digits[0] in "1237"


_VALIDATORS: dict[str, Callable[[str], bool]] = {
    "nhs_modulus_11": nhs_number_is_valid,
    "uk_phone": _uk_phone_is_valid,
}


@dataclass(frozen=True)
class _Kind:
    name: str
    label: str
    description: str
    regex: re.Pattern[str]
    prefilter: str
    validate: Callable[[str], bool] | None


@cache
def _kinds() -> dict[str, _Kind]:
    data = load_toml("redaction.toml")
    fragments: dict[str, str] = data.get("fragments", {})
    out: dict[str, _Kind] = {}
    for name in data["order"]:
        spec = data["kinds"][name]
        pattern = spec["pattern"]
        for _ in range(5):  # fragments may use fragments
            pattern = re.sub(r"<<(\w+)>>", lambda m: fragments[m.group(1)], pattern)
        flags = re.VERBOSE
        for f in spec.get("flags", []):
            flags |= getattr(re, f)
        validate = spec.get("validate")
        out[name] = _Kind(
            name=name,
            label=spec["label"],
            description=spec["description"],
            regex=re.compile(pattern, flags),
            prefilter=spec.get("prefilter", "."),
            validate=_VALIDATORS[validate] if validate else None,
        )
    return out


def redaction_kinds() -> dict[str, str]:
    """The kinds :func:`redact` knows, in the order they are applied, with their placeholders.

    Examples
    --------
    >>> redaction_kinds()["nhs_number"]
    '[NHS number]'
    >>> list(redaction_kinds())
    ['email', 'date_of_birth', 'nhs_number', 'phone', 'address', 'postcode']
    """
    return {k.name: k.label for k in _kinds().values()}


_ALIASES = {
    "nhs": "nhs_number",
    "nhs_no": "nhs_number",
    "dob": "date_of_birth",
    "phone_number": "phone",
    "telephone": "phone",
    "email_address": "email",
    "e_mail": "email",
    "post_code": "postcode",
}


def _select_kinds(kinds: Sequence[str] | str | None) -> list[_Kind]:
    known = _kinds()
    if kinds is None:
        return list(known.values())
    wanted = [kinds] if isinstance(kinds, str) else list(kinds)
    chosen: set[str] = set()
    for k in wanted:
        key = re.sub(r"[\s\-]+", "_", str(k).strip().lower())
        key = _ALIASES.get(key, key)
        if key not in known:
            raise OptionError(
                "unknown redaction kind",
                value=k,
                hint=f"use one or more of: {', '.join(known)}",
            )
        chosen.add(key)
    return [v for n, v in known.items() if n in chosen]


def _normal_form(kind: str, value: str) -> str:
    """What is compared to say two redacted values are the same (for ``ref``)."""
    if kind == "nhs_number":
        return re.sub(r"\D", "", value)
    if kind == "phone":
        v = value.strip().lstrip("(")
        digits = re.sub(r"\D", "", v)
        if v.startswith(("+", "00")):
            digits = "0" + re.sub(r"^(?:00)?440?", "", digits)
        return digits
    if kind == "postcode":
        return re.sub(r"\s", "", value).upper()
    return " ".join(value.split()).casefold()


def _redact_series(s: pd.Series, kind: _Kind) -> tuple[pd.Series, pd.Series | None]:
    """Redact one kind in one column (positional index); returns the new column and the redacted
    values indexed by (position, occurrence)."""
    candidates = s.str.contains(kind.prefilter, regex=True).fillna(False).astype(bool)
    if not candidates.any():
        return s, None
    sub = s[candidates]
    found = sub.str.extractall(kind.regex)
    if found.empty:
        return s, None
    values = found["value"]
    if kind.validate is not None:
        values = values[values.map(kind.validate).astype(bool)]
        if values.empty:
            return s, None
    validate, label = kind.validate, kind.label

    def replace(m: re.Match[str]) -> str:
        if validate is not None and not validate(m.group("value")):
            return m.group(0)
        start, (a, b) = m.start(), m.span("value")
        whole = m.group(0)
        return whole[: a - start] + label + whole[b - start :]

    rows = values.index.get_level_values(0).unique()
    new = sub.loc[rows].str.replace(kind.regex, replace, regex=True)
    out = s.copy()
    out.loc[rows] = new
    return out, values


def redact(
    events: pd.DataFrame, kinds: Sequence[str] | str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace identifiers in free text with labelled placeholders.

    Parameters
    ----------
    events
        The events (or any frame). Not modified.
    kinds
        Which identifiers, by default all, applied in this order: ``email`` (``[email]``),
        ``date_of_birth`` (``[date of birth]``), ``nhs_number`` (``[NHS number]``), ``phone``
        (``[phone]``), ``address`` (``[address]``, with the postcode that follows it), ``postcode``
        (``[postcode]``). Unknown kinds raise :class:`~chronology.errors.OptionError` listing
        these.

    Returns
    -------
    events : DataFrame
        A copy with every identifier replaced in the free-text columns (all text columns except
        ``event_id``, ``case_id``, ``source`` and ``source_sheet``; use :func:`pseudonymise` for
        names and case ids).
    redactions : DataFrame
        One row per redaction: ``source, source_sheet, source_row, event_id, column, kind,
        length, ref``. ``length`` is the number of characters removed; ``ref`` is a salted digest
        of the value, random per call: two rows with the same ``ref`` redacted the same value
        (e.g. one phone number written two ways), but it cannot be turned back into the value.
        The value itself is never kept.

    Notes
    -----
    - NHS numbers: ten digits as ``943 476 5919``, ``943-476-5919`` or ``9434765919``, redacted
      only when the modulus 11 check digit is right (so most other ten-digit numbers are kept).
    - Phone numbers: UK mobiles and landlines, ``07700 900123``, ``020 7946 0123``, ``(01632)
      960123``, ``+44 (0)20 7946 0123``, ``0044 7700 900123``.
    - Dates of birth only where marked: ``DOB 12/03/2010``, ``D.O.B: 12.03.10``, ``date of birth
      12 March 2010``, ``born on 12/03/2010``; the marker is kept (``DOB [date of birth]``). Other
      dates are events, not identifiers, and stay.
    - Addresses: a house number, one to four capitalised words and a street suffix (Road, Street,
      Avenue, Close, Lane...), optionally "Flat 3," before and a town and postcode after. House
      names without a number ("Rose Cottage") are not found.
    - Patterns are in ``chronology/data/redaction.toml``. Each column is scanned once per kind
      (a cheap prefilter first, then one regular expression), never row by row.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({
    ...     "description": ["DOB 12/03/2010, NHS 943 476 5919, seen 14/03/2024 at 14:30",
    ...                     "Mum (jo.smith@example.org) moved to 12 Acacia Avenue, AB1 2CD"],
    ...     "source": ["gp.csv", "csc.csv"], "source_row": [2, 3]}).astype({"description": "str"})
    >>> red, table = redact(ev)
    >>> print(red["description"].iloc[0])
    DOB [date of birth], NHS [NHS number], seen 14/03/2024 at 14:30
    >>> print(red["description"].iloc[1])
    Mum ([email]) moved to [address]
    >>> table[["source", "source_row", "kind", "length"]].values.tolist()
    [['gp.csv', 2, 'date_of_birth', 10], ['gp.csv', 2, 'nhs_number', 12], ['csc.csv', 3, 'email', 20], ['csc.csv', 3, 'address', 25]]
    >>> redact(ev, kinds=["fingerprint"])
    Traceback (most recent call last):
    ...
    chronology.errors.OptionError: 'fingerprint': unknown redaction kind; use one or more of: email, date_of_birth, nhs_number, phone, address, postcode
    """
    selected = _select_kinds(kinds)
    frame = events.reset_index(drop=True)
    out = events.copy()
    salt = secrets.token_bytes(16)
    parts: list[pd.DataFrame] = []
    columns = [c for c in _text_columns(frame) if c not in _ID_COLUMNS]
    for ci, col in enumerate(columns):
        redacted, found = _redact_column(frame[col], selected, salt)
        if found:
            out[col] = redacted.set_axis(events.index)
            parts += [part.assign(_col=ci, column=str(col))[_PART_COLUMNS] for part in found]
    return out, _redaction_table(frame, parts)


#: the columns of one column's redactions, before :func:`_redaction_table` orders and completes them
_PART_COLUMNS = ["_pos", "_col", "_kind", "_occ", "column", "kind", "length", "ref"]


def _redact_column(s: pd.Series, selected: Sequence[_Kind], salt: bytes) -> tuple[pd.Series, list[pd.DataFrame]]:
    """One text column with each selected kind redacted in turn, and per kind that found any, its
    redactions (``_pos`` row, ``_kind`` order, ``_occ`` occurrence, ``kind``, ``length``, ``ref``)."""
    found: list[pd.DataFrame] = []
    for k, kind in enumerate(selected):
        s, values = _redact_series(s, kind)
        if values is None:
            continue
        found.append(
            pd.DataFrame(
                {
                    "_pos": values.index.get_level_values(0).to_numpy(dtype=np.int64),
                    "_kind": k,
                    "_occ": values.index.get_level_values(1).to_numpy(),
                    "kind": kind.name,
                    "length": values.str.len().to_numpy(dtype=np.int64),
                    "ref": [
                        hashlib.blake2b(
                            _normal_form(kind.name, v).encode("utf-8", "surrogatepass"),
                            key=salt,
                            digest_size=5,
                        ).hexdigest()
                        for v in values
                    ],
                }
            )
        )
    return s, found


def _redaction_table(frame: pd.DataFrame, parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        empty = pd.DataFrame({c: pd.Series(dtype="str") for c in REDACTION_COLUMNS})
        empty["source_row"] = empty["source_row"].astype("int64" if "source_row" in frame else "Int64")
        empty["length"] = empty["length"].astype("int64")
        return empty
    t = pd.concat(parts, ignore_index=True).sort_values(["_pos", "_col", "_kind", "_occ"], kind="stable")
    pos = t["_pos"].to_numpy()

    def lineage(name: str, dtype: str) -> Any:
        if name in frame.columns:
            return frame[name].to_numpy()[pos]
        return pd.array([pd.NA] * len(pos), dtype=dtype)

    table = pd.DataFrame(
        {
            "source": pd.Series(lineage("source", "str"), dtype="str"),
            "source_sheet": pd.Series(lineage("source_sheet", "str"), dtype="str"),
            "source_row": pd.Series(
                lineage("source_row", "Int64"),
                dtype="int64" if "source_row" in frame.columns and frame["source_row"].notna().all() else "Int64",
            ),
            "event_id": pd.Series(lineage("event_id", "str"), dtype="str"),
            "column": t["column"].astype("str").to_numpy(),
            "kind": t["kind"].astype("str").to_numpy(),
            "length": t["length"].to_numpy(dtype=np.int64),
            "ref": t["ref"].astype("str").to_numpy(),
        }
    )
    for c in ("column", "kind", "ref"):
        table[c] = table[c].astype("str")
    return table
