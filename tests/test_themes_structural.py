"""The structural rules (``chronology.themes.structural``): run together they give what each gives
alone, and the regex mask they share is ``str.contains`` over the columns, for free text and for few
distinct values. All texts are fictional."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import chronology as chron
from chronology.themes import load_taxonomy
from chronology.themes.structural import run_rule, run_rules


def test_run_rules_shares_selectors_and_gives_each_rule_alone(carlos: chron.Chronology):
    ev = carlos.events
    rules = list(load_taxonomy().rules.values())
    together = run_rules(ev, rules)
    for rule, got in zip(rules, together, strict=True):
        pd.testing.assert_frame_equal(got, run_rule(ev, rule))


@pytest.mark.parametrize(
    "pattern",
    [r"\bappropriate adult\b", r"\bdischarg(?:ed|e)\b", r"\bseen\b", r"adult|\bvisit", r"\bescalat\w*\b[^.;]{0,40}\boutcome"],
)
@pytest.mark.parametrize("repeat", [False, True])
def test_structural_regex_mask_is_str_contains(pattern, repeat):
    from chronology.themes.structural import _CACHE, _regex_mask

    rng = np.random.default_rng(7)
    words = ["Appropriate adult", "appropriate  adult", "inappropriate adult", "discharged", "undischarged",
             "seen", "unseen", "home visit", "escalated; outcome", "escalation – outcome awaited", "Café",
             "Zoë’s visit", None]
    n = 6000
    if repeat:  # few distinct values: matched once each
        cells = [words[i] for i in rng.integers(0, len(words), n)]
    else:  # free text
        cells = [f"{i}: {words[a]} then {words[b]}" if words[a] else None
                 for i, (a, b) in enumerate(rng.integers(0, len(words), (n, 2)))]
    ev = pd.DataFrame({"description": cells, "action": cells[::-1]}, dtype="str")
    expected = np.zeros(n, dtype=bool)
    for col in ("description", "action"):
        expected |= ev[col].str.contains(pattern, case=False, regex=True).fillna(False).to_numpy(dtype=bool)
    rows = np.flatnonzero(rng.random(n) < 0.5)
    token = _CACHE.set((ev, {}))  # as run_rules does: the prepared columns are shared
    try:
        assert (_regex_mask(ev, ("description", "action"), pattern) == expected).all()
        got = _regex_mask(ev, ("description", "action"), pattern, rows)
    finally:
        _CACHE.reset(token)
    want = np.zeros(n, dtype=bool)
    want[rows] = expected[rows]
    assert (got == want).all()
