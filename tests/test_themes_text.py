"""The fast text tagger (``chronology.themes.text``) against a plain reference implementation.

The tagger skips work it can prove useless (texts repeated, events no role matches, roles a negation
overrides), matches distinct texts once when they repeat, and runs themes on threads. The reference
below does none of that: one ``extract_regex`` per theme, column group and role over every event,
then the negation rules in plain Python. Both must give the same tags, whatever the thresholds that
switch the shortcuts on. All texts are fictional.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.themes import load_taxonomy, tag
from chronology.themes import text as text_mod
from chronology.themes.taxonomy import Taxonomy

CUSTOM = """
replace = true
[themes.voice]
label = "Voice"
patterns = [
  { id = "seen_alone", phrases = ["seen alone"], polarity = "strength" },
  { id = "views", regex = '\\bviews\\b[^.;\\n]{0,20}\\brecorded\\b', polarity = "strength" },
  { id = "always", phrases = ["said"], polarity = "strength", negatable = false },
  { id = "worried", phrases = ["worried", "scared"], polarity = "concern" },
  { id = "voice_words", regex = '[a-z][^\\n]{0,30}', columns = ["child_voice"], polarity = "strength" },
  { id = "voice_sad", phrases = ["sad"], columns = ["child_voice"], polarity = "concern" },
]
negations = [
  { id = "not_seen", phrases = ["not seen"], polarity = "concern", suppresses = ["strength"] },
  { id = "no_views", regex = '\\bno views\\b', polarity = "concern", suppresses = ["strength", "concern"] },
  { id = "not_worried", phrases = ["not worried", "no concerns"], suppresses = ["concern"] },
  { id = "voice_refused", phrases = ["refused"], columns = ["child_voice"], polarity = "strength", suppresses = ["concern"] },
]
[themes.family]
label = "Family"
polarity = "strength"
patterns = [
  { id = "informed", regex = '\\b(?:mother|father|family)\\b[^.;\\n]{0,15}\\binformed\\b' },
  { id = "family", phrases = ["family"] },
]
negations = [
  { id = "not_informed", regex = '\\b(?:mother|father|family)\\b[^.;\\n]{0,15}\\bnot informed\\b', polarity = "concern", suppresses = ["strength"] },
]
[themes.lonely]
label = "A column group of negations only, another of patterns only"
patterns = [{ id = "alone", phrases = ["alone"], columns = ["action"] }]
negations = [{ id = "nobody", phrases = ["nobody"], polarity = "concern" }]
"""

FRAGMENTS = [
    "seen alone", "not seen", "Seen Alone.", "views were recorded", "no views", "views; recorded",
    "she said", "worried", "not worried", "no concerns", "scared", "mother informed",
    "mother not informed", "family", "Family was informed", "nobody", "sad", "refused",
    "Telephone call", "DNA", "self-harm", "no self-harm", "escalated to the head of service",
    "did not escalate", "no placement", "foster placement", "restrained", "trauma-informed",
    "appropriate adult", "Cassie’s views recorded", "É", "\n", ".", ";", " ", "",
]

cell = st.lists(st.sampled_from(FRAGMENTS), max_size=4).map(" ".join)
row = st.tuples(cell, st.one_of(st.none(), cell), st.one_of(st.none(), cell))


def _events(rows: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "description": [r[0] for r in rows],
            "action": [r[1] for r in rows],
            "child_voice": [r[2] for r in rows],
        },
        dtype="str",
    )


def reference(events: pd.DataFrame, taxonomy: Taxonomy) -> list[tuple[int, str, str, str, str]]:
    """(row, theme, polarity, rule, evidence) of each text tag, the slow and obvious way: every role
    of every column group read over every event (the clause scope of each match as the tagger
    reads it, :func:`chronology.themes.text._scoped`), then the negation rules in plain Python."""
    plan, rule_ids = text_mod._plan(taxonomy)
    cands = []
    for t_idx, (theme, groups) in enumerate(zip(taxonomy.themes.values(), plan, strict=True)):
        del theme
        for g in groups:
            values = text_mod.event_text(events, g.columns)
            for role in g.roles:
                if role.name == "negation":
                    valid, which, ev = text_mod._extract(values, role.pats)
                    flag = np.zeros(len(which), dtype="int64")
                else:
                    valid, which, ev, flag = text_mod._scoped(values, role)
                evs = ev.to_pylist()
                for i in np.flatnonzero(valid):
                    k, f = int(which[i]), int(flag[i])
                    p = role.pats[k]
                    rule = p.id if f == 0 else f"{p.id}:{('negated', 'hedged')[f - 1]}"
                    pol = "concern" if f == 1 else p.polarity
                    cands.append((int(i), t_idx, p, role.first_rule + k, evs[i], pol, rule))
    suppressed = {(i, t, s) for i, t, p, *_ in cands if p.negation for s in p.suppresses}
    best: dict[tuple[int, int, int], tuple[tuple[bool, int], tuple]] = {}
    for i, t, p, rank, evidence, pol, rule in cands:
        if pol is None:
            continue
        if not p.negation and p.negatable and (i, t, pol) in suppressed:
            continue
        key = (i, t, ["concern", "strength"].index(pol))
        if key not in best or (not p.negation, rank) < best[key][0]:
            best[key] = ((not p.negation, rank), (rule, evidence))
    del rule_ids
    themes = list(taxonomy.themes)
    pols = ["concern", "strength"]
    return [(i, themes[t], pols[pol], *best[(i, t, pol)][1]) for i, t, pol in sorted(best)]


def fast(events: pd.DataFrame, taxonomy: Taxonomy) -> list[tuple[int, str, str, str, str]]:
    c = text_mod.text_candidates(events, taxonomy)
    themes = list(taxonomy.themes)
    pols = ["concern", "strength"]
    return [
        (int(i), themes[t], pols[p], c["rules"][r], e)
        for i, t, p, r, e in zip(
            c["pos"], c["theme"], c["pol"], c["rule"], c["evidence"].to_pylist(), strict=True
        )
    ]


@pytest.fixture(scope="module")
def custom(tmp_path_factory: pytest.TempPathFactory) -> Taxonomy:
    path = Path(tmp_path_factory.mktemp("tax")) / "custom.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    return load_taxonomy(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(row, min_size=1, max_size=25),
    repeat=st.integers(1, 3),
    distinct_from=st.sampled_from([0, 10**9]),
    prefilter_from=st.sampled_from([0, 10**9]),
    which=st.sampled_from(["custom", "brief"]),
)
def test_same_tags_as_the_reference(custom, rows, repeat, distinct_from, prefilter_from, which):
    tax = custom if which == "custom" else load_taxonomy()
    events = _events(rows * repeat)  # repeated texts: the distinct-text path has work to do
    saved = text_mod._DISTINCT_FROM, text_mod._PREFILTER_FROM
    text_mod._DISTINCT_FROM, text_mod._PREFILTER_FROM = distinct_from, prefilter_from
    try:
        got = fast(events, tax)
    finally:
        text_mod._DISTINCT_FROM, text_mod._PREFILTER_FROM = saved
    assert got == reference(events, tax)


def test_custom_taxonomy_rules_by_example(custom):
    ev = _events(
        [
            ("Seen alone but not seen by mother", None, None),  # the negation wins for concern...
            ("Seen alone; she said no", None, None),  # first pattern of the role
            ("not seen; she said hello", None, None),  # 'said' may not be negated
            ("no views", None, "sad"),  # suppresses both; the voice column's concern too
            ("worried; no concerns", None, "refused"),  # concern suppressed; a strength negation
            ("Mother not informed", "family", None),
            ("nobody came", None, None),
        ]
    )
    got = [t[:4] for t in fast(ev, custom)]
    assert got == [
        (0, "voice", "concern", "not_seen"),
        (1, "voice", "strength", "seen_alone"),
        (2, "voice", "concern", "not_seen"),
        (2, "voice", "strength", "always"),
        (3, "voice", "concern", "no_views"),
        (4, "voice", "strength", "voice_refused"),
        (5, "family", "concern", "not_informed"),
        (6, "lonely", "concern", "nobody"),
    ]
    assert fast(ev, custom) == reference(ev, custom)


def test_distinct_texts_are_matched_once_and_spread_back():
    values = pa.array(["a", "b", "a", "c", "b", "a"] * 2000, pa.large_string())
    saved = text_mod._DISTINCT_FROM
    text_mod._DISTINCT_FROM = 10
    try:
        tx = text_mod._Texts(values)
    finally:
        text_mod._DISTINCT_FROM = saved
    assert tx.values.to_pylist() == ["a", "b", "c"]
    rows, k = tx.positions(np.array([2, 0]))
    assert rows[:4].tolist() == [0, 2, 3, 5]
    assert k is not None
    assert k[:4].tolist() == [1, 1, 0, 1]
    skip = np.zeros(len(values), dtype=bool)
    skip[values.to_numpy(zero_copy_only=False) == "c"] = True
    skip[1] = True
    assert tx.all_of(skip).tolist() == [False, False, True]
    # free text (mostly distinct) is left as it is
    free = text_mod._Texts(pa.array([f"event {i}" for i in range(6000)], pa.large_string()))
    assert len(free.values) == 6000
    assert free.positions(np.array([3, 5]))[1] is None


def test_samples_tag_the_same_on_one_thread_and_two(
    cassie: chron.Chronology, monkeypatch: pytest.MonkeyPatch
):
    c = cassie
    threaded = tag(c.events)
    monkeypatch.setattr(text_mod.os, "cpu_count", lambda: 1)
    pd.testing.assert_frame_equal(tag(c.events), threaded)
