"""Theme tagging against the hand-labelled sample events, and the brief's learning themes per case.

``tests/data/labelled_events.csv`` holds events of the three sample cases labelled by reading them
(see its header); ``scripts/eval_themes.py --errors`` prints the same figures with every error.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import chronology as chron
from chronology.themes import load_taxonomy, tag, top_themes
from chronology.themes.evaluate import read_labels, score

LABELS = Path(__file__).parent / "data" / "labelled_events.csv"


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return read_labels(LABELS)


@pytest.fixture(scope="module")
def tagged(labels: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    out = {}
    for case in sorted(labels["case_id"].unique()):
        ev = chron.samples.load(case).events
        out[case] = (ev, tag(ev))
    return out


def test_labelled_set_shape(labels: pd.DataFrame, tagged):
    assert len(labels) >= 150
    assert set(labels["case_id"]) == {"cassie", "carlos", "camille"}
    assert labels["event_id"].is_unique
    themes = set(load_taxonomy().themes)
    used = set().union(*labels["labels"])
    assert used == themes  # every theme is represented, and only known ones
    # each labelled event is still in the samples with the description that was read
    events = pd.concat([ev for ev, _ in tagged.values()]).set_index("event_id")["description"]
    for eid, excerpt in zip(labels["event_id"], labels["description"], strict=True):
        assert events[eid].startswith(excerpt), eid


def test_precision_and_recall_at_least_080(labels: pd.DataFrame, tagged):
    tags = pd.concat([t for _, t in tagged.values()], ignore_index=True)
    result = score(labels, tags, list(load_taxonomy().themes)).set_index("theme")
    overall = result.loc["overall"]
    assert overall["precision"] >= 0.8, result
    assert overall["recall"] >= 0.8, result
    # no theme is left to chance
    per_theme = result.drop(index="overall")
    assert (per_theme["f1"] >= 0.6).all(), per_theme


@pytest.mark.parametrize("case", ["cassie", "carlos", "camille"])
def test_top_themes_include_the_brief_learning_themes(case: str, tagged):
    ev, tags = tagged[case]
    expected = {t.id for t in load_taxonomy().themes.values() if case in t.cases}
    top = top_themes(ev, tags, n=5)
    assert expected <= set(top["theme"]), top[["rank", "theme", "score"]]
