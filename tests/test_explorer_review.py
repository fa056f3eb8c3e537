"""The explorer's "Review themes" panel, driven as a reviewer drives it (values set, buttons
clicked): the decisions table, the tags, theme filter and timeline that follow, the Excel Themes
sheet, saving and loading, and the refusal without a reviewer's name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import chronology as chron
from chronology.labels import empty_labels

pytest.importorskip("ipywidgets")

REVIEWER = "A. Reviewer"


@pytest.fixture(scope="module")
def cassie(cassie: chron.Chronology) -> chron.Chronology:
    """The worked example of Cassie (tests/conftest.py), tagged."""
    return cassie.tag()


def _single_tags(c: chron.Chronology) -> pd.DataFrame:
    """Tags whose event has exactly one (event, theme) pair, so that a decision is easy to see."""
    tags = c.tags
    assert tags is not None
    pairs = tags.drop_duplicates(["event_id", "theme"])
    n = pairs.groupby("event_id")["theme"].transform("size")
    return pairs[(n == 1).to_numpy()].reset_index(drop=True)


def _counts(ui: Any) -> dict[str, int]:
    """Theme -> the count shown in the theme filter's label."""
    return {v: int(re.search(r"\((\d+)\)$", label).group(1)) for label, v in ui.themes.options}  # type: ignore[union-attr]


def _legend_count(ui: Any, label: str) -> int:
    """The count in the timeline's legend entry for a theme (``color="theme"``)."""
    names = {t.name.replace("<br>", " ") for t in ui.figure.data if t.name}
    hits = [int(m.group(1)) for n in names if (m := re.fullmatch(re.escape(label) + r" \((\d+)\)", n))]
    return hits[0] if hits else 0


def _decide(ui: Any, event_id: str, action: str, *, tag: tuple[str, str] | None = None,
            theme: tuple[str, str] | None = None, note: str = "") -> None:
    r = ui.review
    r.event.value = event_id
    if tag is not None:
        r.tag.value = tag
    if theme is not None:
        r.theme.value, r.polarity.value = theme
    r.note.value = note
    getattr(r, action).click()


@pytest.fixture(scope="module")
def reviewed(cassie: chron.Chronology) -> dict[str, Any]:
    """An explorer on Cassie after three decisions: one tag rejected, one accepted, one theme added."""
    ui = chron.explore(cassie, gaps=False, color="theme")
    singles = _single_tags(cassie)
    rej, acc = singles.iloc[0], singles[singles["event_id"] != singles.iloc[0]["event_id"]].iloc[0]
    voiced = set(cassie.tags.loc[cassie.tags["theme"] == "child_voice", "event_id"])
    taken = voiced | {rej["event_id"], acc["event_id"]}
    target = str(cassie.events.loc[~cassie.events["event_id"].isin(taken), "event_id"].iloc[2])
    before = {"counts": _counts(ui), "legend": _legend_count(ui, str(rej["label"]))}
    ui.review.reviewer.value = f"  {REVIEWER} "
    start = pd.Timestamp.now(tz="Europe/London").floor("s")
    _decide(ui, rej["event_id"], "reject", tag=(rej["theme"], rej["polarity"]), note="not what the theme means")
    _decide(ui, acc["event_id"], "accept", tag=(acc["theme"], acc["polarity"]))
    _decide(ui, target, "add", theme=("child_voice", "concern"), note="nobody asked her")
    end = pd.Timestamp.now(tz="Europe/London")
    return {"ui": ui, "rej": rej, "acc": acc, "target": target, "before": before, "start": start, "end": end}


def test_each_decision_is_a_row_of_the_labels_table(reviewed: dict[str, Any]) -> None:
    ui, rej, acc, target = reviewed["ui"], reviewed["rej"], reviewed["acc"], reviewed["target"]
    labels = ui.labels
    assert labels[["event_id", "theme", "polarity", "decision", "reviewer"]].values.tolist() == [
        [rej["event_id"], rej["theme"], rej["polarity"], "reject", REVIEWER],
        [acc["event_id"], acc["theme"], acc["polarity"], "accept", REVIEWER],
        [target, "child_voice", "concern", "add", REVIEWER],
    ]
    assert labels["note"].fillna("(none)").tolist() == ["not what the theme means", "(none)", "nobody asked her"]
    assert labels.columns.tolist() == empty_labels().columns.tolist()
    assert labels.dtypes.to_dict() == empty_labels().dtypes.to_dict()
    assert labels["decided_at"].between(reviewed["start"], reviewed["end"]).all()
    assert labels["source"].eq("explorer").all()
    assert labels["source_row"].tolist() == [1, 2, 3]
    assert "Added Centring the child" in ui.review.message.value
    assert "3 decisions; not saved yet" in ui.review.message.value
    # the decisions go where with_labels puts them: themes.evaluate and the learned layer read them
    pd.testing.assert_frame_equal(ui.chronology.labels, labels)
    assert "not what the theme means" in ui.review.decided.value


def test_the_chronology_tags_filter_and_timeline_follow(reviewed: dict[str, Any], cassie: chron.Chronology) -> None:
    ui, rej, acc, target = reviewed["ui"], reviewed["rej"], reviewed["acc"], reviewed["target"]
    tags = ui.chronology.tags
    pairs = set(zip(tags["event_id"], tags["theme"], strict=True))
    assert (rej["event_id"], rej["theme"]) not in pairs
    added = tags[(tags["event_id"] == target) & (tags["theme"] == "child_voice")]
    assert added["rule"].tolist() == ["reviewer"]
    assert added["evidence"].tolist() == ["nobody asked her"]
    confirmed = tags[(tags["event_id"] == acc["event_id"]) & (tags["theme"] == acc["theme"])]["confirmed"]
    assert confirmed.eq(True).all()
    # the theme filter's counts: one fewer for the rejected theme, one more child's voice
    before, after = reviewed["before"]["counts"], _counts(ui)
    assert after[rej["theme"]] == before[rej["theme"]] - 1
    assert after["child_voice"] == before["child_voice"] + 1
    # the timeline was redrawn with the decisions (coloured by theme: the legend counts)
    assert _legend_count(ui, str(rej["label"])) == reviewed["before"]["legend"] - 1
    assert (rej["event_id"], rej["theme"]) not in set(zip(ui.selected.tags["event_id"], ui.selected.tags["theme"],
                                                          strict=True))
    # the chronology given is not modified
    assert cassie.labels is None
    assert (rej["event_id"], rej["theme"]) in set(zip(cassie.tags["event_id"], cassie.tags["theme"], strict=True))


def test_the_tag_chooser_shows_the_decisions(reviewed: dict[str, Any]) -> None:
    ui, rej = reviewed["ui"], reviewed["rej"]
    ui.review.event.value = rej["event_id"]
    labels = {v: k for k, v in ui.review.tag.options}
    # the rejected tag stays listed (so that the rejection can be undone), saying who rejected it
    assert labels[(rej["theme"], rej["polarity"])].endswith(f"rejected by {REVIEWER} on "
                                                             f"{pd.Timestamp.now(tz='Europe/London'):%d/%m/%Y}")


def test_the_excel_themes_sheet_follows(reviewed: dict[str, Any], tmp_path: Path) -> None:
    ui, rej, acc, target = reviewed["ui"], reviewed["rej"], reviewed["acc"], reviewed["target"]
    path = tmp_path / "reviewed.xlsx"
    ui.chronology.to_excel(path, sheets=["Themes"])
    ws = openpyxl.load_workbook(path)["Themes"]
    h = {str(c.value): c.column for c in ws[1] if c.value is not None}
    rows = {(ws.cell(r, h["Event id"]).value, ws.cell(r, h["Theme id"]).value):
            {k: ws.cell(r, c).value for k, c in h.items()} for r in range(2, ws.max_row + 1)}
    assert (rej["event_id"], rej["theme"]) not in rows
    assert rows[(target, "child_voice")]["Accept"] == "yes"
    assert rows[(target, "child_voice")]["Reviewer"] == REVIEWER
    assert rows[(acc["event_id"], acc["theme"])]["Accept"] == "yes"


def test_save_reads_back_equal_and_loads_as_decided(reviewed: dict[str, Any], cassie: chron.Chronology,
                                                    tmp_path: Path) -> None:
    ui, rej = reviewed["ui"], reviewed["rej"]
    path = tmp_path / "decisions.csv"
    ui.review.file.value = str(path)
    ui.review.save.click()
    assert "Saved 3 decisions" in ui.review.message.value
    assert str(path) in ui.review.message.value
    back = chron.read_labels(path)
    pd.testing.assert_frame_equal(back, ui.labels)
    assert ui.labels["source"].eq("decisions.csv").all()  # the decisions now say where they are written
    pd.testing.assert_frame_equal(chron.read_labels(path, chronology=cassie), back)

    def rejected_shown(other: Any) -> bool:
        other.review.event.value = rej["event_id"]
        return any(k.endswith(f"rejected by {REVIEWER} on {pd.Timestamp.now(tz='Europe/London'):%d/%m/%Y}")
                   for k, v in other.review.tag.options if v == (rej["theme"], rej["polarity"]))

    # loading earlier decisions: the file given to explore(), the Load button, the labels on c
    given = chron.explore(cassie, gaps=False, labels=path, color="theme")
    pd.testing.assert_frame_equal(given.labels, back)
    assert _counts(given) == _counts(ui)  # the first drawing already follows them
    assert _legend_count(given, str(rej["label"])) == _legend_count(ui, str(rej["label"]))
    assert given.review.file.value == str(path)
    assert rejected_shown(given)
    clicked = chron.explore(cassie, gaps=False)
    clicked.review.file.value = str(path)
    clicked.review.load.click()
    assert "Loaded 3 decisions" in clicked.review.message.value
    pd.testing.assert_frame_equal(clicked.labels, back)
    assert _counts(clicked) == _counts(ui)
    on_c = chron.explore(cassie.with_labels(back), gaps=False)
    pd.testing.assert_frame_equal(on_c.labels, back)
    assert rejected_shown(on_c)
    assert set(on_c.chronology.tags["rule"]) >= {"reviewer"}


def test_a_newer_decision_replaces_the_older_one(cassie: chron.Chronology) -> None:
    ui = chron.explore(cassie, gaps=False)
    rej = _single_tags(cassie).iloc[0]
    ui.review.reviewer.value = REVIEWER
    _decide(ui, rej["event_id"], "reject", tag=(rej["theme"], rej["polarity"]))
    assert rej["event_id"] not in set(ui.chronology.tags["event_id"])
    _decide(ui, rej["event_id"], "accept", tag=(rej["theme"], rej["polarity"]))  # changed their mind
    assert ui.labels[["event_id", "decision", "source_row"]].values.tolist() == [[rej["event_id"], "accept", 2]]
    back = ui.chronology.tags[ui.chronology.tags["event_id"] == rej["event_id"]]
    assert back["theme"].tolist() == [rej["theme"]]
    assert back["confirmed"].eq(True).all()


def test_no_reviewer_no_decision(cassie: chron.Chronology, tmp_path: Path) -> None:
    ui = chron.explore(cassie, gaps=False)
    counts = _counts(ui)
    for name in ("", "   "):
        ui.review.reviewer.value = name
        for button in (ui.review.accept, ui.review.reject, ui.review.add):
            button.click()  # no exception: a message
            assert "Not recorded: write your name in Reviewer first" in ui.review.message.value
    assert ui.labels.empty
    assert ui.chronology is cassie
    assert _counts(ui) == counts
    ui.review.file.value = str(tmp_path / "none.csv")
    ui.review.save.click()
    assert "Nothing saved" in ui.review.message.value
    assert not (tmp_path / "none.csv").exists()
    ui.review.file.value = str(tmp_path / "missing.csv")
    ui.review.load.click()
    assert "Not loaded" in ui.review.message.value
    assert "missing.csv" in ui.review.message.value
    ui.review.reviewer.value = REVIEWER
    ui.review.file.value = str(tmp_path / "decisions.txt")
    ui.review.reject.click()
    ui.review.save.click()
    assert "Not saved" in ui.review.message.value
    assert "ending in .csv" in ui.review.message.value


def test_the_panel_sits_below_the_table_and_follows_the_filters(cassie: chron.Chronology) -> None:
    ui = chron.explore(cassie, gaps=False)
    assert ui.children[3] is ui.table
    assert ui.children[4] is ui.review.box
    assert all(row.layout.flex_flow == "row wrap" for row in ui.review.box.children[1:5])
    ui.agencies.value = ("police",)
    shown = {v for _, v in ui.review.event.options}
    assert shown == set(ui.selected.events["event_id"])
    assert ui.review.event.value in shown
