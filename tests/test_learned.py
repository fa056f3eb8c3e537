"""The learned theme layer: trained from the shipped labelled set (no download), off by default,
scored on held-out folds against the rules."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

pytest.importorskip("sklearn")

import chronology as chron
from chronology.errors import MissingDependencyError, OptionError
from chronology.themes import learned, tag


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("CHRONOLOGY_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "learned-cache"))


def _events(texts: list[str]) -> pd.DataFrame:
    return chron.Chronology.from_events(pd.DataFrame({
        "case_id": ["x"] * len(texts), "agency": ["health"] * len(texts),
        "start": pd.date_range("2024-01-01", periods=len(texts), freq="D").strftime("%Y-%m-%d"),
        "description": texts})).events


def test_labelled_set_is_shipped_with_every_source_and_citations():
    ls = learned.labelled_set()
    src = ls["source"].str.split(":").str[0]
    assert set(src) == {"sample", "synthetic", "public", "guideline"}
    assert (ls.loc[src == "public", "citation"].str.len() > 10).all()
    assert set(ls.loc[src != "sample", "age"]) == {"baby", "child", "teenager"}
    assert (ls["gold"].str.len() == 0).sum() >= 10  # negatives


def test_off_by_default_and_learned_tags_are_marked_with_whole_clauses():
    texts = ["Baby weighed and measured at clinic; alert and smiling at her mother.",
             "Telephone call to rearrange the appointment."]
    ev = _events(texts)
    plain = tag(ev)
    assert "learned" not in set(plain["kind"])
    both = tag(ev, method="rules+learned", threshold=0.2)
    rules_part = both[both["kind"] != "learned"].reset_index(drop=True)
    pd.testing.assert_frame_equal(rules_part, plain.reset_index(drop=True), check_dtype=False)
    new = both[both["kind"] == "learned"]
    assert new["rule"].eq("learned:" + new["theme"]).all()
    clauses = {c.strip() for t in texts for c in t.replace(";", ".").split(".") if c.strip()}
    assert set(new["evidence"]) <= clauses | set(texts)
    # a learned tag never repeats a theme the rules gave the event
    assert not new.merge(plain, on=["event_id", "theme"]).shape[0]


def test_unknown_method_is_refused():
    with pytest.raises(OptionError, match=r"'magic': unknown tagging method; use method=\"rules\""):
        tag(_events(["x"]), method="magic")


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(MissingDependencyError, match="the learned theme layer needs scikit-learn") as err:
        learned.train()
    assert "chronology[learn]" in str(err.value)


def test_held_out_scores_rules_and_learned_separately():
    """3-fold cross-validation on the labelled set (5-fold figures: docs/themes/evaluation.md).
    Stated thresholds: rules and learned together micro-F1 >= 0.80 and no worse than the rules
    alone; the learned layer's own additions precise at >= 0.5."""
    r = learned.cross_validate(folds=3)
    micro = r[(r["theme"] == "micro") & (r["source"] == "all")].set_index("method")
    assert set(micro.index) == {"rule", "learned", "all"}
    assert micro.loc["all", "f1"] >= 0.80
    assert micro.loc["all", "f1"] >= micro.loc["rule", "f1"] - 0.005
    assert micro.loc["learned", "precision"] >= 0.5


def test_reviewer_labels_train_the_learned_layer():
    """Events a reviewer labelled become training texts: a kind of note the shipped set never saw
    is learned from the reviewer's added tags and found on a new event of the same kind."""
    notes = [f"Quarterly zorblat form {i} lodged with the zorblat registry office, ref Z{i:03d}." for i in range(12)]
    c = chron.Chronology.from_events(pd.DataFrame({
        "case_id": "x", "agency": "csc",
        "start": pd.date_range("2024-01-01", periods=13, freq="D").strftime("%Y-%m-%d"),
        "description": [*notes, "Zorblat form lodged with the zorblat registry office, ref Z999."]}))
    ids = c.events.sort_values("start")["event_id"].tolist()
    labels = pd.DataFrame({"event_id": ids[:12], "theme": "escalation", "polarity": "strength",
                           "decision": "add", "reviewer": "R1", "decided_at": pd.NaT, "note": None})
    extra = learned.labelled_from_labels(labels, c.events)
    assert len(extra) == 12
    assert (extra["gold"].map(len) == 1).all()
    before = tag(c.events, learned=True)
    assert not ((before["event_id"] == ids[12]) & (before["theme"] == "escalation")).any()
    after = tag(c.events, learned=True, labels=labels)
    new = after[(after["event_id"] == ids[12]) & (after["theme"] == "escalation")]
    assert len(new) == 1
    assert new["kind"].iloc[0] == "learned"
    # the same through the Chronology: the labels it keeps train the layer when it tags again
    reviewed = c.with_labels(labels).tag(learned=True)
    assert ((reviewed.tags["event_id"] == ids[12]) & (reviewed.tags["theme"] == "escalation")).any()
