"""The labelling guideline (every theme, every age) and clause-scoped negation, outcome and hedging.

The example sentences are written to the guideline in ``data/themes.toml`` (from Working Together
2023, the Child Safeguarding Practice Review Panel's themes and NSPCC case review briefings); the
negation sentences below were written for this test, one per trigger.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chronology.themes import guideline, load_taxonomy
from chronology.themes.text import text_tags

ROOT = Path(__file__).resolve().parents[1]


def _tags(texts: list[str]) -> pd.DataFrame:
    ev = pd.DataFrame({"description": texts, "action": [None] * len(texts), "child_voice": [None] * len(texts)},
                      dtype="str")
    return text_tags(ev, load_taxonomy())


def test_every_theme_has_a_guideline_for_every_age():
    for th in load_taxonomy().themes.values():
        g = th.guideline
        for part in guideline.PARTS:
            assert g.get(part), (th.id, part)
        for age in guideline.AGES:
            for line in g[age]:
                text, sep, rest = line.rpartition("=>")
                assert sep, (th.id, line)
                assert text.strip(), (th.id, line)
                pol, colon, why = rest.partition(":")
                assert pol.strip() in {"concern", "strength"}, (th.id, line)
                assert colon, (th.id, line)
                assert why.strip(), (th.id, line)
    ex = guideline.examples()
    assert (ex.groupby("theme")["age"].nunique() == 3).all()


def test_guideline_document_is_generated_from_the_taxonomy():
    doc = (ROOT / "docs" / "themes" / "guideline.md").read_text(encoding="utf-8")
    assert doc == guideline.markdown(), "run: python -m chronology.themes.guideline > docs/themes/guideline.md"
    for th in load_taxonomy().themes.values():
        assert f"### {th.label}" in doc


def test_rules_on_the_guideline_examples():
    """The rules find the theme of at least 85% of the guideline's examples (measured: 63 of 68),
    and the polarity of 90% of those they find."""
    ex = guideline.examples()
    t = _tags(ex["text"].tolist())
    found = t.merge(ex.reset_index(names="pos"), on=["pos", "theme"], suffixes=("", "_gold"))
    hit = found.groupby("pos")["polarity"].apply(set)
    assert len(hit) / len(ex) >= 0.85
    right = sum(ex.loc[p, "polarity"] in pols for p, pols in hit.items())
    assert right / len(hit) >= 0.9


NEGATED = [
    # (text, theme, the strength that must not be tagged, the rule of the concern it becomes or None)
    ("Case moved to the locality team without a formal handover", "transition_points"),
    ("No strategy discussion was held before the child went home", "escalation"),
    ("Legal gateway meeting: the threshold for proceedings was not met", "escalation"),
    ("Dad declined the parenting course offered by the family hub", "family_involvement"),
    ("The child protection conference was delayed by six weeks", "escalation"),
    ("Safety plan was not shared with the school", "joined_up_communication"),
]


@pytest.mark.parametrize(("text", "theme"), NEGATED)
def test_a_negated_or_failed_strength_is_never_the_strength(text: str, theme: str):
    t = _tags([text])
    mine = t[t["theme"] == theme]
    assert "strength" not in set(mine["polarity"]), mine
    assert "concern" in set(mine["polarity"]), t
    # the evidence is the whole clause, with the negating words in it
    assert set(mine["evidence"]) == {text}


def test_a_negated_concern_does_not_count():
    t = _tags(["Staff managed the incident calmly and no restraint was used"])
    assert not ((t["theme"] == "trauma_informed") & (t["polarity"] == "concern")).any(), t
    t = _tags(["No exploitation concerns identified at the screening"])
    ev = t.loc[t["theme"] == "professional_curiosity", "evidence"]
    assert all(e.startswith("No exploitation") for e in ev), t  # the 'no' is never dropped


def test_not_seen_is_a_concern_with_its_clause():
    t = _tags(["Home visit made; the baby was not seen, mother said he was sleeping"])
    cv = t[t["theme"] == "child_voice"]
    assert set(cv["polarity"]) == {"concern"}
    assert cv["evidence"].iloc[0] == "the baby was not seen, mother said he was sleeping"  # ";" ends a clause


def test_hedged_strength_keeps_polarity_and_says_so():
    t = _tags(["Strategy meeting to be arranged next week", "A strategy discussion will be held on Monday"])
    esc = t[t["theme"] == "escalation"]
    assert len(esc), t
    assert all(r.endswith(":hedged") for r in esc["rule"]), t


def test_evidence_is_never_a_fragment():
    texts = ["Information about the assault was shared with the GP by the school nurse",
             "She said she felt safe at her aunt's house and wanted to stay",
             "Weight 8.5 kg. Seen and examined by the health visitor, no marks"]
    t = _tags(texts)
    assert len(t)
    for pos, ev in zip(t["pos"], t["evidence"], strict=True):
        assert len(ev.split()) >= 4, ev
        assert ev in texts[pos]
    assert "shared with" not in set(t["evidence"])
    assert "She said" not in set(t["evidence"])
    # a decimal point does not end a clause; a full stop does
    third = t.loc[t["pos"] == 2, "evidence"]
    assert "Seen and examined by the health visitor, no marks" in set(third)


def test_bias_rules_only_about_the_child():
    t = _tags(["Mother's partner arrested at the address for assault"])
    assert not ((t["theme"] == "professional_curiosity") & (t["rule"] == "criminalising")).any(), t
    t = _tags(["Leon arrested at the address after the fight"])
    assert ((t["theme"] == "professional_curiosity") & (t["rule"] == "criminalising")).any(), t


# ------------------------------------------------------------------------------------ evaluate
def test_evaluate_scores_rules_and_learned_separately_by_hand():
    from chronology.themes import evaluate

    tags = pd.DataFrame({
        "event_id": ["e1", "e2", "e3", "e3", "e4"],
        "theme": ["voice", "voice", "family", "voice", "voice"],
        "polarity": ["concern", "strength", "concern", "concern", "strength"],
        "rule": ["not_seen", "seen", "not_informed", "learned:voice", "learned:voice"],
    })
    gold = pd.DataFrame({"event_id": ["e1", "e2", "e3", "e5"], "theme": ["voice", "voice", "voice", "family"],
                         "polarity": ["concern", "concern", "concern", "strength"]})
    r = evaluate(tags, gold, events=["e1", "e2", "e3", "e4", "e5"]).set_index(["method", "theme"])
    # rules: voice tp e1 e2, fn e3; family fp e3, fn e5
    assert r.loc[("rule", "voice"), ["true_pos", "false_pos", "false_neg"]].tolist() == [2, 0, 1]
    assert r.loc[("rule", "family"), ["true_pos", "false_pos", "false_neg"]].tolist() == [0, 1, 1]
    assert r.loc[("rule", "micro"), "precision"] == pytest.approx(2 / 3)
    assert r.loc[("rule", "micro"), "recall"] == pytest.approx(2 / 4)
    assert r.loc[("rule", "macro"), "f1"] == pytest.approx((0.8 + 0.0) / 2)
    # polarity: e1 agrees, e2 does not
    assert r.loc[("rule", "voice"), "polarity_agreement"] == pytest.approx(0.5)
    # learned: voice tp e3, fp e4
    assert r.loc[("learned", "voice"), ["true_pos", "false_pos"]].tolist() == [1, 1]
    assert r.loc[("all", "voice"), ["true_pos", "false_pos", "false_neg"]].tolist() == [3, 1, 0]
    # by another column, and no grouping
    by_none = evaluate(tags, gold, by=None).set_index("theme")
    assert by_none.loc["micro", "true_pos"] == 3


def test_evaluate_refuses_bad_input():
    from chronology.errors import OptionError
    from chronology.themes import evaluate

    with pytest.raises(OptionError, match="tags has no 'event_id' column; tags needs the columns event_id and theme"):
        evaluate(pd.DataFrame({"theme": ["x"]}), pd.DataFrame({"event_id": ["a"], "theme": ["x"]}))
    with pytest.raises(OptionError, match=r"'agency': evaluate\(by=...\) names no column of the tags; use 'method'"):
        evaluate(pd.DataFrame({"event_id": ["a"], "theme": ["x"], "rule": ["r"]}),
                 pd.DataFrame({"event_id": ["a"], "theme": ["x"]}), by="agency")
