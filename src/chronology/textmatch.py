"""Text matching, on the ground floor: every layer that searches text (vocabularies, rules,
metrics, themes) uses this module.

:func:`contains` is ``Series.str.contains`` with the same answers, faster (one pattern over a
prepared :class:`Text`); :func:`match_many` runs many patterns in one pass.

Many patterns, one pass over the text: for each pattern, the rows whose text it is found in.

The ground floor of text tagging that does not depend on which words the text holds: the cost is
one scan of the text whatever the number of patterns, where a pattern at a time costs a scan each.

Engines (``engine=`` by name; ``"auto"`` is ``"arrow"``, the fastest measured on the tagger's own
patterns, see below):

* ``"hyperscan"`` (the ``hyperscan`` wheel, x86-64): all patterns compiled into one database and
  the texts scanned as one buffer, rows separated by a newline, in multi-line mode (``^`` and ``$``
  match at the rows' ends); each match end is mapped to its row. That is a prefilter: a match
  may cross the newline between two rows, so each pattern is then checked exactly (Arrow) on the
  rows found for it only. Suits phrase-like patterns (a pattern matching the empty text goes to
  the next engine: it would be reported at every byte).
* ``"re2"`` (``google-re2``): an ``re2.Set`` of all patterns, matched against each row.
* ``"arrow"`` (always there): pyarrow's ``match_substring_regex``, one pass per pattern.

A pattern an engine cannot compile (Hyperscan has no back-references or look-arounds, nor
patterns that match the empty text) raises; the result never depends on the engine. Texts that hold a newline cannot go through Hyperscan's single buffer
(a pattern with ``\\s`` could match across two rows): those rows are matched on Arrow.

Measured (2 shared cores, the 9 phrase alternations of the default taxonomy, 100k events,
``benchmarks/workloads.py``): everyday case notes (``realistic``, 237 characters, ~40% tagged):
Arrow 1.53 s, ``re2.Set`` 0.79 s, Hyperscan 62 s (compiling one database of all the
alternations dominates); theme-dense text (``chronology.synthetic``): Arrow 0.89 s, ``re2.Set``
17.9 s, Hyperscan 67 s. No engine wins on both, so the tagger keeps Arrow and ``auto`` means Arrow.

Examples
--------
>>> import pyarrow as pa
>>> texts = pa.array(["Home visit, child seen", "Police called", None, "seen at SCHOOL"])
>>> [r.tolist() for r in match_many(texts, ["child seen", "(?i)school", "(?i)police|seen"])]
[[0], [3], [0, 1, 3]]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["ENGINES", "Text", "arrow_text", "ascii_rows", "available_engines", "contains", "match_many"]

Engine = Literal["auto", "hyperscan", "re2", "arrow"]
#: the engines this module knows
ENGINES: tuple[str, ...] = ("hyperscan", "re2", "arrow")


@cache
def available_engines() -> tuple[str, ...]:
    """The engines installed here, fastest first; ``"arrow"`` is always among them.

    Examples
    --------
    >>> available_engines()[-1]
    'arrow'
    """
    found = []
    for name, module in (("hyperscan", "hyperscan"), ("re2", "re2")):
        try:
            __import__(module)
        except ImportError:
            continue
        found.append(name)
    return (*found, "arrow")


def match_many(values: pa.Array | pa.ChunkedArray | Sequence[str | None], patterns: Sequence[str],
               *, engine: Engine = "auto") -> list[np.ndarray]:
    """For each pattern, the sorted row positions of ``values`` where it is found (a search, not a
    full match: as ``str.contains``). Null texts match nothing.

    Parameters
    ----------
    values
        The texts (an Arrow string array, or a sequence of strings and ``None``).
    patterns
        RE2 regular expressions (the syntax of pandas' ``str.contains`` on Arrow-backed text);
        inline flags such as ``(?i)`` are kept.
    engine
        ``"auto"`` (Arrow), or ``"hyperscan"`` / ``"re2"`` by name (an engine that is not
        installed, or cannot compile a pattern, raises).

    Returns
    -------
    list of numpy.ndarray
        One int64 array per pattern, in the order given.
    """
    arr = _as_array(values)
    pats = [str(p) for p in patterns]
    if not pats:
        return []
    if len(arr) == 0:
        return [np.zeros(0, dtype=np.int64) for _ in pats]
    order = ("arrow",) if engine == "auto" else (engine,)
    if engine != "auto" and engine not in available_engines():
        raise ImportError(f"the {engine} text-matching engine is not installed")
    last: Exception | None = None
    for name in order:
        try:
            return _ENGINE_FUNCS[name](arr, pats)
        except _CannotCompile as exc:
            last = exc
            if engine != "auto":
                raise
    raise RuntimeError(f"no engine compiles the patterns: {last}")


class _CannotCompile(ValueError):
    """A pattern this engine cannot compile."""


def _as_array(values: Any) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(list(values), type=pa.large_string())
    if pa.types.is_string(values.type):
        values = values.cast(pa.large_string())
    return values


def _arrow(arr: pa.Array, pats: list[str]) -> list[np.ndarray]:
    out = []
    for p in pats:
        try:
            mask = pc.match_substring_regex(arr, p)
        except pa.ArrowInvalid as exc:
            raise _CannotCompile(str(exc)) from exc
        out.append(np.flatnonzero(mask.fill_null(False).to_numpy(zero_copy_only=False)))
    return out


def _re2(arr: pa.Array, pats: list[str]) -> list[np.ndarray]:
    import re2

    options = re2.Options()
    options.log_errors = False
    rset = re2.Set.SearchSet(options)
    for p in pats:
        try:
            rset.Add(p)
        except Exception as exc:  # re2 raises its own error type
            raise _CannotCompile(str(exc)) from exc
    rset.Compile()
    rows: list[list[int]] = [[] for _ in pats]
    for i, text in enumerate(arr.to_pylist()):
        if text is not None:
            for k in rset.Match(text) or ():  # None when no pattern matches
                rows[k].append(i)
    return [np.asarray(r, dtype=np.int64) for r in rows]


def _hyperscan_flags(pattern: str) -> tuple[str, int]:
    """The pattern without leading inline flags, and the Hyperscan flags they stand for."""
    import hyperscan

    # no ALLOWEMPTY: a pattern that matches the empty text would be reported at every byte (it
    # fails to compile and the next engine takes over)
    # no UCP: \\w, \\b and \\s stay ASCII, as in RE2
    flags = hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_UTF8
    while pattern.startswith("(?") and len(pattern) > 3 and pattern[3] == ")" and pattern[2] in "is":
        if pattern[2] == "i":
            flags |= hyperscan.HS_FLAG_CASELESS
        else:
            flags |= hyperscan.HS_FLAG_DOTALL
        pattern = pattern[4:]
    return pattern, flags


def _hyperscan(arr: pa.Array, pats: list[str]) -> list[np.ndarray]:
    import hyperscan

    exprs, flags = zip(*(_hyperscan_flags(p) for p in pats), strict=True)
    if any(f & hyperscan.HS_FLAG_DOTALL for f in flags):
        raise _CannotCompile("(?s) lets '.' cross rows in one buffer")
    db = hyperscan.Database()
    try:
        db.compile(expressions=[e.encode("utf-8") for e in exprs], ids=list(range(len(pats))),
                   flags=list(flags))
    except hyperscan.error as exc:
        raise _CannotCompile(str(exc)) from exc
    filled = pc.fill_null(arr, "")
    newline = pc.match_substring(filled, "\n").to_numpy(zero_copy_only=False)
    plain = ~newline
    body = filled if plain.all() else pc.if_else(pa.array(plain), filled, "")
    # one buffer: every row followed by a newline; a match ending at byte e lies in the row whose
    # end offset is the first above e
    nl, empty = pa.scalar("\n", pa.large_string()), pa.scalar("", pa.large_string())
    joined = pc.binary_join_element_wise(body, nl, empty).cast(pa.large_binary())
    buf = joined.buffers()[2]
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)[joined.offset: joined.offset + len(joined) + 1]
    data = b"" if buf is None else buf.to_pybytes()[offsets[0]: offsets[-1]]
    ends = offsets[1:] - offsets[0]
    found_ids: list[int] = []
    found_to: list[int] = []

    # every match end is reported (no SINGLEMATCH: it would report a pattern once per buffer); for
    # phrase-like patterns that is about once per occurrence. A pattern that matches almost
    # anywhere ("[a-z][^\\n]{0,150}": any text at all) is reported at nearly every byte: past a
    # budget of reports the scan stops and the next engine takes over
    budget = 8 * len(arr) + 10_000

    def on_match(pid: int, start: int, end: int, flags: int, context: Any) -> bool:
        found_ids.append(pid)
        found_to.append(end)
        return len(found_ids) > budget  # True stops the scan

    try:
        db.scan(data, match_event_handler=on_match, scratch=hyperscan.Scratch(db))
    except hyperscan.error as exc:
        raise _CannotCompile(f"too many matches for a one-buffer scan: {exc}") from exc
    if len(found_ids) > budget:
        raise _CannotCompile("too many matches for a one-buffer scan")
    # a match may run across the newline between two rows (``\\s``, ``[^x]``): so the rows found
    # are a superset, and each pattern is checked exactly on its candidate rows only
    rows = [_verify(filled, r, p) for r, p in zip(_rows_from(found_ids, found_to, ends, len(pats)), pats,
                                                  strict=True)]
    if newline.any():  # rows with a newline: exact, on Arrow
        idx = np.flatnonzero(newline)
        sub = _arrow(filled.take(pa.array(idx)), pats)
        rows = [np.union1d(r, idx[s]) for r, s in zip(rows, sub, strict=True)]
    return rows


def _verify(texts: pa.Array, rows: np.ndarray, pattern: str) -> np.ndarray:
    if not len(rows):
        return rows
    ok = pc.match_substring_regex(texts.take(pa.array(rows)), pattern).to_numpy(zero_copy_only=False)
    return rows[ok]


def _rows_from(ids: list[int], to: list[int], ends: np.ndarray, n_pats: int) -> list[np.ndarray]:
    if not ids:
        return [np.zeros(0, dtype=np.int64) for _ in range(n_pats)]
    pid = np.asarray(ids, dtype=np.int64)
    row = np.searchsorted(ends, np.asarray(to, dtype=np.int64), side="left")
    key = np.unique(pid * (len(ends) + 1) + row)
    pid, row = np.divmod(key, len(ends) + 1)
    cut = np.searchsorted(pid, np.arange(n_pats + 1))
    return [row[cut[k]: cut[k + 1]].astype(np.int64) for k in range(n_pats)]


_ENGINE_FUNCS = {"hyperscan": _hyperscan, "re2": _re2, "arrow": _arrow}


# ---------------------------------------------------------------------- one pattern at a time
def arrow_text(values: pd.Series) -> pa.Array:
    """The cells of a text column as one Arrow string array (no copy for pandas ``str`` columns)."""
    s = pd.Series(values)
    if s.dtype != "str":
        s = s.astype("str")
    arr = pa.array(s.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def ascii_rows(values: pd.Series | pa.Array) -> np.ndarray:
    """True where a text cell is pure ASCII (or NA).

    pandas runs ``str.contains``/``str.match`` with pyarrow's RE2 unless the pattern uses ``\\b``,
    ``\\w`` or ``\\d`` *and some value in the column* is not ASCII: then the whole column goes
    through Python's ``re``, row by row, about ten times slower. Matching the ASCII rows with RE2
    and only the others with ``re`` gives the same answers (the two engines agree on ASCII text).

    Examples
    --------
    >>> ascii_rows(pd.Series(["Child’s views", "Call", None], dtype="str")).tolist()
    [False, True, True]
    """

    arr = values if isinstance(values, pa.Array) else arrow_text(values)
    return pc.fill_null(pc.string_is_ascii(arr), True).to_numpy(zero_copy_only=False)


#: what makes pandas use Python's ``re`` even on ASCII text (look-around, back-references, ``\\s``,
#: ``$``, escapes of code points); such patterns take the plain pandas path in :func:`contains`
_NOT_RE2 = re.compile(r"\(\?[=!<]|\(\?P=|\\[sSuUNxZ0-9]|\$")


@cache
def _re2_safe(pattern: str) -> bool:
    return _NOT_RE2.search(pattern) is None


@cache
def _engine(pattern: str) -> str:
    """Which engine pandas uses for ``pattern`` on a ``str`` column: ``"re2"`` for every row,
    ``"split"`` (RE2 while the column is pure ASCII, Python's ``re`` as soon as one value is not:
    the pattern uses ``\\b``, ``\\w`` or ``\\d``), or ``"pandas"`` (let pandas decide: look-around,
    ``\\s``, ``$`` and the like). Asked of pandas itself, so the answers stay the same as pandas'."""
    if not _re2_safe(pattern):
        return "pandas"
    try:
        if pd.array(["a"], dtype="str")._needs_python_regex(pattern):
            return "pandas"
        return "split" if pd.array(["\u00e9"], dtype="str")._needs_python_regex(pattern) else "re2"
    except AttributeError:  # pragma: no cover - pandas changed its private API: be safe
        return "pandas"


@cache
def _compiled(pattern: str, case: bool) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case else re.IGNORECASE)


_ASCII_PRINTABLE = [chr(i) for i in range(32, 127)]


@cache
def _stand_in_for(c: str) -> str | None:
    """What a non-ASCII character is, to a pattern written in plain ASCII (decided by Python's own
    ``re``, the engine whose answers we keep): ``"_"`` for a word character (a letter: é, ö, ß),
    ``"\\x01"`` for anything else that is neither a digit nor a case variant of an ASCII character
    (curly quotes, dashes, £, no-break space, emoji), None otherwise (the row stays with ``re``)."""
    if re.fullmatch(r"\d", c) or any(re.fullmatch(re.escape(a), c, re.IGNORECASE) for a in _ASCII_PRINTABLE):
        return None
    return "_" if re.fullmatch(r"\w", c) else "\x01"


#: patterns that could tell a non-ASCII character from its stand-in: any non-ASCII or control
#: character, an escape naming a code point or a Unicode class, ``\\s``/``\\S`` (no-break spaces),
#: inline flags (``(?a)`` makes ``\\w`` ASCII-only)
_NOT_STAND_IN_SAFE = re.compile(r"[^\x20-\x7e\t\n\r]|\\[xX0-9pPuUNsS]|\(\?[aiLmsux-]+[:)]")


@cache
def _stand_in_safe(pattern: str) -> str | None:
    """Which stand-ins ``pattern`` cannot tell from the characters they replace: ``"all"``,
    ``"punctuation"`` (the pattern mentions ``_``, or a range spanning it, so letters keep their
    rows in ``re``), or None."""
    if _NOT_STAND_IN_SAFE.search(pattern):
        return None
    spans_underscore = any(
        pattern[i] == "-" and 0 < i < len(pattern) - 1 and ord(pattern[i - 1]) <= 0x5F <= ord(pattern[i + 1])
        for i in range(len(pattern))
    )
    return "punctuation" if "_" in pattern or spans_underscore else "all"


class Text:
    """A text column prepared for many regex searches with :func:`contains`.

    Holds the Arrow array and which rows are pure ASCII; for the other rows, (made once, when first
    needed) the same text with each non-ASCII character replaced by a stand-in that a plain-ASCII
    pattern cannot tell apart from it (``_`` for letters, ``\\x01`` for punctuation and symbols;
    see :func:`_stand_in_for`), with which of them that makes pure ASCII, and those rows as Python
    strings.
    """

    def __init__(self, values: pd.Series | pa.Array) -> None:

        self.arr = values if isinstance(values, pa.Array) else arrow_text(values)
        self.ascii = ascii_rows(self.arr)
        self.other = np.flatnonzero(~self.ascii)  # positions of the non-ASCII rows
        self._stood: dict[str, tuple[pa.Array, np.ndarray]] = {}
        self._py: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.arr)

    def stood_in(self, kind: str) -> tuple[pa.Array, np.ndarray]:
        """The non-ASCII rows with stand-ins (``kind`` ``"all"`` or ``"punctuation"``), and which
        of them are now pure ASCII (both aligned with :attr:`other`)."""

        if kind not in self._stood:
            other = self.arr.take(self.other)
            rest = pc.replace_substring_regex(other, "[\\x00-\\x7f]+", "")
            chars = sorted(set("".join(c for c in rest.to_pylist() if c)))
            stand = {c: _stand_in_for(c) for c in chars}
            for mark in ("\x01", "_") if kind == "all" else ("\x01",):
                group = "".join(c for c, m in stand.items() if m == mark)
                if group:
                    other = pc.replace_substring_regex(other, f"[{group}]", mark)
            self._stood[kind] = (other, ascii_rows(other))
        return self._stood[kind]

    def python(self, rows: np.ndarray) -> list[str]:
        """The texts at positions ``rows`` (all non-ASCII rows) as Python strings."""
        if self._py is None:
            self._py = np.array(self.arr.take(self.other).to_pylist(), dtype=object)
        return self._py[np.searchsorted(self.other, rows)].tolist()


def contains(
    values: pd.Series | Text, pattern: str, *, case: bool = False, rows: np.ndarray | None = None
) -> np.ndarray:
    """``values.str.contains(pattern, case=case, regex=True)`` as a bool array (NA: False), for
    the positions ``rows`` only (default all; one result per position).

    The same answers as pandas, faster. When the pattern uses ``\\b``, ``\\w`` or ``\\d``, pure-ASCII
    rows are matched with pyarrow's RE2 and the others with Python's ``re`` (pandas sends the whole
    column to ``re`` as soon as one value is not ASCII, see :func:`ascii_rows`); other patterns
    run on RE2 throughout, as in pandas; and without pandas' per-call overhead. For a pattern written in
    plain ASCII, accented letters, curly quotes, dashes and the like do not force a row to Python:
    they are replaced by stand-ins that such a pattern cannot tell apart from them (see
    :class:`Text`). Pass a :class:`Text` to search the same column many times. Patterns that
    pandas would never give to RE2 (look-around, ``\\s``, ``$``...) go through
    ``Series.str.contains`` itself.

    Examples
    --------
    >>> s = pd.Series(["Child’s mother called", "Police called", None], dtype="str")
    >>> contains(s, r"\\bcall(?:ed)?\\b").tolist()
    [True, True, False]
    """

    text = values if isinstance(values, Text) else Text(values)
    pos = np.arange(len(text)) if rows is None else np.asarray(rows, dtype="int64")
    out = np.zeros(len(pos), dtype=bool)
    if not len(pos):
        return out

    def re2(arr: pa.Array) -> np.ndarray:
        hit = pc.match_substring_regex(arr, pattern, ignore_case=not case)
        return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)

    def plain() -> np.ndarray:
        sub = text.arr if rows is None else text.arr.take(pos)
        s = pd.Series(sub.to_pylist(), dtype="str")
        return s.str.contains(pattern, case=case, regex=True).fillna(False).to_numpy(dtype=bool)

    engine = _engine(pattern)
    if engine == "pandas":
        return plain()
    try:
        return _contains(text, pattern, case, pos, rows is None, engine, re2)
    except pa.ArrowInvalid:  # a pattern RE2 refuses (e.g. inline flags): as pandas would do it
        return plain()


def _re2_at(arr: pa.Array, pos: np.ndarray, re2: Callable[[pa.Array], np.ndarray]) -> np.ndarray:
    """``re2`` of the texts at ``pos``: on a copy of those texts when they are few, else on the
    whole array, read at ``pos`` (a copy of most of a long text column costs more memory than a
    scan of the rest costs time)."""
    if 2 * len(pos) > len(arr) >= _SCAN_ALL_FROM:
        return re2(arr)[pos]
    return re2(arr.take(pos))


#: below this many texts, :func:`_re2_at` always copies (the copy is small)
_SCAN_ALL_FROM = 100_000


def _contains(
    text: Text, pattern: str, case: bool, pos: np.ndarray, everything: bool, engine: str,
    re2: Callable[[pa.Array], np.ndarray],
) -> np.ndarray:
    out = np.zeros(len(pos), dtype=bool)
    is_ascii = text.ascii[pos]
    if engine == "re2" or is_ascii.all():
        return re2(text.arr) if everything else _re2_at(text.arr, pos, re2)
    if is_ascii.any():
        out[is_ascii] = _re2_at(text.arr, pos[is_ascii], re2)
    rest = np.flatnonzero(~is_ascii)  # indices into pos
    kind = _stand_in_safe(pattern)
    if kind:
        stood, now_ascii = text.stood_in(kind)
        at = np.searchsorted(text.other, pos[rest])
        ok = now_ascii[at]
        if ok.any():
            out[rest[ok]] = re2(stood.take(at[ok]))
        rest = rest[~ok]
    if len(rest):
        rx = _compiled(pattern, case)
        out[rest] = [rx.search(t) is not None for t in text.python(pos[rest])]
    return out
