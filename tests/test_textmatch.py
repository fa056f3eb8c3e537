r"""The multi-pattern matcher (chronology.textmatch): for every engine installed, the rows each
pattern is found in are those of that pattern alone, matched as the tagger matches it (pyarrow's
RE2 ``match_substring_regex``), and on ASCII text those of pandas' ``str.contains``.

pandas 3's ``str.contains`` on the ``str`` dtype follows Python's ``re`` where RE2 does not: its
``\b`` and ``\w`` are Unicode-aware ("édv" holds no ``\bdv\b`` for pandas, one for RE2), so on
non-ASCII text the reference is RE2's."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronology.textmatch import available_engines, match_many

ENGINES = available_engines()
WORDS = ["child", "seen", "Child", "SEEN", "home", "visit", "DV", "police", "self-harm", "harm",
         "£300", "café", "A&E", "s47", "\n", "  ", ",", ".", "'", "“quoted”", "o'brien"]
PATTERNS = [
    r"child seen", r"(?i)child\s+seen", r"(?i)\bdv\b", r"self[- ]?harm", r"£\d+", r"(?i)café",
    r"A&E", r"\bs\.?47\b", r"^home", r"visit$", r"(?i)police|social care", r"(?i)\bharm(ed|ing)?\b",
    r"[“\"]quoted[”\"]", r"(?i)o'brien", r"seen.{0,20}home",
]


def reference(texts: list[str | None], pattern: str) -> np.ndarray:
    """The pattern alone, as ``themes.text._match`` runs it."""
    mask = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), pattern)
    return np.flatnonzero(mask.fill_null(False).to_numpy(zero_copy_only=False))


def pandas_reference(texts: list[str | None], pattern: str) -> np.ndarray:
    s = pd.Series(texts, dtype="str")
    with warnings.catch_warnings():  # "has match groups": the groups are the point of some patterns
        warnings.simplefilter("ignore", UserWarning)
        found = s.str.contains(pattern, regex=True, na=False)
    return np.flatnonzero(found.to_numpy(dtype=bool))


def random_texts(rng: np.random.Generator, n: int) -> list[str | None]:
    out: list[str | None] = []
    for _ in range(n):
        k = int(rng.integers(0, 12))
        words = [WORDS[i] for i in rng.integers(0, len(WORDS), k)]
        out.append(None if rng.random() < 0.05 else " ".join(words) if rng.random() < 0.7 else "".join(words))
    return out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_equals_str_contains_per_pattern(engine: str, seed: int) -> None:
    texts = random_texts(np.random.default_rng(seed), 3_000)
    got = match_many(pa.array(texts, type=pa.large_string()), PATTERNS, engine=engine)  # type: ignore[arg-type]
    assert len(got) == len(PATTERNS)
    hits = 0
    for pattern, rows in zip(PATTERNS, got, strict=True):
        want = reference(texts, pattern)
        np.testing.assert_array_equal(rows, want, err_msg=f"{engine}: {pattern!r}")
        hits += len(want)
    assert hits > 1_000  # the comparison is over real matches, not empty sets


@pytest.mark.parametrize("engine", ENGINES)
def test_equals_pandas_str_contains_on_ascii_text(engine: str) -> None:
    ascii_words = [w for w in WORDS if w.isascii()]
    rng = np.random.default_rng(9)
    texts = [" ".join(ascii_words[i] for i in rng.integers(0, len(ascii_words), int(rng.integers(0, 10))))
             for _ in range(2_000)]
    pats = [p for p in PATTERNS if p.isascii()]
    got = match_many(texts, pats, engine=engine)  # type: ignore[arg-type]
    for p, rows in zip(pats, got, strict=True):
        np.testing.assert_array_equal(rows, pandas_reference(texts, p), err_msg=f"{engine}: {p!r}")
    assert sum(map(len, got)) > 500


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("abc seénA\n.-'")), max_size=30)),
                max_size=40))
def test_any_text(texts: list[str | None]) -> None:
    pats = [r"a b", r"(?i)é", r"\bab\b", r"^a", r"c$", r"s.e", r"(?i)see|ab+c"]
    for engine in ENGINES:
        got = match_many(texts, pats, engine=engine)  # type: ignore[arg-type]
        for p, rows in zip(pats, got, strict=True):
            np.testing.assert_array_equal(rows, reference(texts, p), err_msg=f"{engine}: {p!r} on {texts!r}")


def test_patterns_an_engine_cannot_compile() -> None:
    texts = ["aa", "ab", "", None, "xaax"]
    # "a*" matches the empty text: Hyperscan refuses it, the others are exact
    got = match_many(texts, ["a*", "a{2}"])
    np.testing.assert_array_equal(got[0], reference(texts, "a*"))
    np.testing.assert_array_equal(got[1], [0, 4])
    if "hyperscan" in ENGINES:
        with pytest.raises(ValueError, match="empty"):
            match_many(texts, ["a*"], engine="hyperscan")


def test_edges() -> None:
    assert match_many(["x"], []) == []
    assert [r.tolist() for r in match_many([], ["x"])] == [[]]
    with pytest.raises(ImportError, match="not installed"):
        match_many(["x"], ["x"], engine="nosuch")  # type: ignore[arg-type]
    assert available_engines()[-1] == "arrow"


def test_a_pattern_matching_almost_everywhere_leaves_hyperscan() -> None:
    """"[a-z][^\\n]{0,150}" (any text at all) is reported at nearly every byte by a one-buffer scan:
    Hyperscan gives up on it after a budget (rather than run for minutes); auto is exact."""
    texts = ["some ordinary case note text " * 20] * 500 + [None, ""]
    pats = [r"(?i)(?:[a-z0-9][^\n]{0,150})", r"note"]
    got = match_many(texts, pats)
    for p, rows in zip(pats, got, strict=True):
        np.testing.assert_array_equal(rows, reference(texts, p))
    if "hyperscan" in ENGINES:
        with pytest.raises(ValueError, match="too many matches"):
            match_many(texts, pats, engine="hyperscan")


@pytest.mark.parametrize("share", [0.9, 0.2])
def test_contains_on_some_rows_equals_pandas_whether_it_copies_or_scans(monkeypatch, share: float) -> None:
    # above _SCAN_ALL_FROM texts, rows that are most of the column are matched by scanning the whole
    # column (no copy of their text) and fewer by a copy of theirs: the answers are pandas' either way
    import chronology.textmatch as tm

    monkeypatch.setattr(tm, "_SCAN_ALL_FROM", 0)
    rng = np.random.default_rng(3)
    words = np.array(["Police called", "call back", "Child’s views", "visit 12 May", "recalled", "café visit", "NFA"])
    values = pd.Series(words[rng.integers(0, len(words), 400)], dtype="str").mask(rng.random(400) < 0.05)
    rows = np.sort(rng.choice(400, int(400 * share), replace=False))
    for pattern in (r"\bcall(?:ed)?\b", "visit", r"\d{2}", "views"):
        want = values.iloc[rows].str.contains(pattern, case=False, regex=True).fillna(False).tolist()
        assert tm.contains(values, pattern, rows=rows).tolist() == want, pattern
        assert tm.contains(tm.Text(values), pattern, rows=rows).tolist() == want, pattern
