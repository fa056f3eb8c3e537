"""Reviewer-confirmed theme labels: the Themes sheet round trip through a real .xlsx edited with
openpyxl, reading back from CSV and frames, validation errors, and the labels overriding the tagger
in tags, the Excel and HTML reports, and a re-run of tag()."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import chronology as chron
from chronology.labels import LabelError, gold_from_labels, read_labels


@pytest.fixture(scope="module")
def cassie(cassie: chron.Chronology) -> chron.Chronology:
    """The worked example of Cassie (tests/conftest.py), tagged."""
    return cassie.tag()


@pytest.fixture(scope="module")
def workbook(cassie: chron.Chronology, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "cassie.xlsx"
    cassie.to_excel(path, sheets=["Chronology", "Themes"])
    return path


def _headers(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value is not None}


def _only_tag_rows(cassie: chron.Chronology) -> pd.DataFrame:
    """Tags whose event has exactly one tag (so that the event's line in the HTML report is that tag)."""
    tags = cassie.tags
    assert tags is not None
    n = tags.groupby("event_id")["theme"].transform("size")
    return tags[n == 1]


def _edit(workbook: Path, out: Path, decisions: dict[int, tuple[str, str, str, str]],
          added: list[dict[str, str]]) -> None:
    """Fill the reviewer columns of sheet rows (``{row: (accept, reviewer, date, note)}``) and add rows
    after the last tag, as a reviewer does in Excel."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Themes"]
    h = _headers(ws)
    for row, (accept, who, when, note) in decisions.items():
        ws.cell(row, h["Accept"], accept)
        ws.cell(row, h["Reviewer"], who)
        ws.cell(row, h["Date decided"], when)
        ws.cell(row, h["Note"], note)
    r = ws.max_row + 1
    for a in added:
        for key, value in a.items():
            ws.cell(r, h[key], value)
        r += 1
    wb.save(out)


def _row_of(workbook: Path, event_id: str, theme_id: str) -> int:
    ws = openpyxl.load_workbook(workbook)["Themes"]
    h = _headers(ws)
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, h["Event id"]).value == event_id and ws.cell(row, h["Theme id"]).value == theme_id:
            return row
    raise AssertionError(f"{event_id} / {theme_id} not in the Themes sheet")


def test_themes_sheet_has_reviewer_columns_and_dropdowns(workbook: Path, cassie: chron.Chronology) -> None:
    ws = openpyxl.load_workbook(workbook)["Themes"]
    h = _headers(ws)
    for col in ("Accept", "Reviewer", "Date decided", "Note", "Event id", "Theme", "Theme id", "Polarity"):
        assert col in h
    assert ws.max_row == len(cassie.tags) + 1  # the add area is formatted, not filled
    assert all(ws.cell(r, h["Accept"]).value is None for r in range(2, ws.max_row + 1))
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation if dv.type == "list"}
    letter = openpyxl.utils.get_column_letter(h["Accept"])
    assert lists['"yes,no"'].startswith(f"{letter}2:")
    assert int(lists['"yes,no"'].split(":")[1][len(letter):]) > ws.max_row  # reaches the add area
    assert '"concern,strength"' in lists


def test_round_trip_reject_accept_add(cassie: chron.Chronology, workbook: Path, tmp_path: Path) -> None:
    singles = _only_tag_rows(cassie)
    rejected = singles.iloc[0]
    accepted = singles.iloc[1]
    r_rej = _row_of(workbook, rejected["event_id"], rejected["theme"])
    r_acc = _row_of(workbook, accepted["event_id"], accepted["theme"])
    # an event the tagger gave no child_voice tag
    tagged_voice = set(cassie.tags.loc[cassie.tags["theme"] == "child_voice", "event_id"])
    target = cassie.events.loc[~cassie.events["event_id"].isin(tagged_voice), "event_id"].iloc[3]
    edited = tmp_path / "reviewed.xlsx"
    _edit(
        workbook, edited,
        {r_rej: ("no", "A. Reviewer", "03/12/2026", "not what the theme means"),
         r_acc: ("Yes", "A. Reviewer", "03/12/2026", None)},
        [{"Event id": target, "Theme": "Child's voice", "Polarity": "concern", "Reviewer": "A. Reviewer",
          "Note": "reviewer-added: nobody asked her"}],
    )
    labels = chron.read_labels(edited, chronology=cassie)
    assert labels[["event_id", "theme", "decision"]].values.tolist() == [
        *sorted([[rejected["event_id"], rejected["theme"], "reject"],
                 [accepted["event_id"], accepted["theme"], "accept"]],
                key=lambda x: [r_rej, r_acc][["reject", "accept"].index(x[2])]),
        [target, "child_voice", "add"],
    ]
    assert labels["reviewer"].eq("A. Reviewer").all()
    assert labels.loc[labels["decision"] == "reject", "decided_at"].iloc[0] == pd.Timestamp(
        "2026-12-03", tz="Europe/London")
    assert set(labels["source"]) == {"reviewed.xlsx"}
    assert set(labels["source_sheet"]) == {"Themes"}
    counts = labels.attrs["counts"]
    assert counts["rows"] == counts["decisions"] + counts["not_reviewed"] + counts["blank"] + counts["repeated"]
    assert counts["decisions"] == 3

    reviewed = cassie.with_labels(labels)
    tags = reviewed.tags
    key = set(zip(tags["event_id"], tags["theme"], strict=True))
    assert (rejected["event_id"], rejected["theme"]) not in key
    assert (target, "child_voice") in key
    added = tags[(tags["event_id"] == target) & (tags["theme"] == "child_voice")].iloc[0]
    assert added["rule"] == "reviewer"
    assert added["polarity"] == "concern"
    assert added["evidence"] == "reviewer-added: nobody asked her"
    acc = tags[(tags["event_id"] == accepted["event_id"]) & (tags["theme"] == accepted["theme"])]
    assert acc["confirmed"].eq(True).all()
    assert tags["confirmed"].isna().sum() == len(tags) - 2
    assert len(tags) == len(cassie.tags)  # one out, one in
    # immutable: the original keeps its tags and has no labels
    assert cassie.labels is None
    assert len(cassie.tags) == len(cassie.tags.drop_duplicates())
    assert (rejected["event_id"], rejected["theme"]) in set(zip(cassie.tags["event_id"], cassie.tags["theme"],
                                                                strict=True))

    # tagging again keeps the decisions
    again = reviewed.tag()
    pd.testing.assert_frame_equal(again.tags, tags)

    # the Excel report follows: the rejected tag is gone, the added one is there, decisions shown
    out = tmp_path / "after.xlsx"
    reviewed.to_excel(out, sheets=["Themes"])
    ws = openpyxl.load_workbook(out)["Themes"]
    h = _headers(ws)
    rows = [{k: ws.cell(r, c).value for k, c in h.items()} for r in range(2, ws.max_row + 1)]
    pairs = {(x["Event id"], x["Theme id"]) for x in rows}
    assert (rejected["event_id"], rejected["theme"]) not in pairs
    assert (target, "child_voice") in pairs
    shown = {(x["Event id"], x["Theme id"]): x for x in rows}
    assert shown[(target, "child_voice")]["Accept"] == "yes"
    assert shown[(target, "child_voice")]["Reviewer"] == "A. Reviewer"
    assert shown[(accepted["event_id"], accepted["theme"])]["Accept"] == "yes"
    # and reading that workbook back gives the same decisions on the tags still there
    again_labels = read_labels(out, chronology=reviewed)
    assert set(again_labels["decision"]) == {"accept"}
    assert {(e, t) for e, t in zip(again_labels["event_id"], again_labels["theme"], strict=True)} == {
        (target, "child_voice"), (accepted["event_id"], accepted["theme"])}

    # the HTML report follows too
    line = f"{rejected['label']} ({rejected['polarity']}); evidence: {rejected['evidence']}"
    before = cassie.to_html(tmp_path / "before.html").read_text(encoding="utf-8")
    after = reviewed.to_html(tmp_path / "after.html").read_text(encoding="utf-8")
    assert line.replace("'", "&#x27;") in before
    assert line not in after
    assert line.replace("'", "&#x27;") not in after
    assert "reviewer-added: nobody asked her" in after
    assert "reviewer-added: nobody asked her" not in before

    # the gold set: accepted + added
    gold = gold_from_labels(labels)
    assert gold.values.tolist() == [[accepted["event_id"], accepted["theme"], accepted["polarity"]],
                                    [target, "child_voice", "concern"]]


def test_csv_with_the_same_columns(cassie: chron.Chronology, tmp_path: Path) -> None:
    tag = cassie.tags.iloc[0]
    p = tmp_path / "labels.csv"
    pd.DataFrame({
        "Event id": [tag["event_id"], cassie.events["event_id"].iloc[-1], ""],
        "Theme": [tag["label"], "escalation", ""],
        "Polarity": [tag["polarity"].title(), "Concern", ""],
        "Rule": ["something", "", ""],
        "Accept": ["n", "", ""],
        "Reviewer": ["B", "B", ""],
        "Date decided": ["2026-12-03", "4 December 2026", ""],
        "Note": ["", "", ""],
    }).to_csv(p, index=False)
    labels = read_labels(p, chronology=cassie)
    assert labels["decision"].tolist() == ["reject", "add"]
    assert labels["source_row"].tolist() == [2, 3]
    assert labels["decided_at"].dt.day.tolist() == [3, 4]
    assert labels.attrs["counts"]["blank"] == 1
    # a saved labels table reads back as it was
    saved = tmp_path / "saved.csv"
    labels.to_csv(saved, index=False)
    back = read_labels(saved)
    assert back[["event_id", "theme", "polarity", "decision", "reviewer"]].equals(
        labels[["event_id", "theme", "polarity", "decision", "reviewer"]])
    assert back["decided_at"].tolist() == labels["decided_at"].tolist()


def _frame(**changes: list[str]) -> pd.DataFrame:
    base = {"Event id": ["cassie:police.csv:2"], "Theme": ["escalation"], "Polarity": ["concern"],
            "Rule": ["x"], "Accept": ["yes"], "Reviewer": ["R"], "Date decided": ["03/12/2026"], "Note": [""]}
    base.update(changes)
    return pd.DataFrame(base)


@pytest.mark.parametrize(
    ("changes", "column", "match"),
    [
        ({"Accept": ["maybe"]}, "Accept", r"row 1, column 'Accept': 'maybe': not yes or no; write yes"),
        ({"Theme": ["drift"]}, "Theme", r"column 'Theme': 'drift': not a known theme; write one of child_voice"),
        ({"Polarity": ["bad"]}, "Polarity", r"'bad': not a polarity; write concern or strength"),
        ({"Date decided": ["31/02/2026"]}, "Date decided", r"'31/02/2026': not a date; write the date day first"),
        ({"Rule": [""], "Polarity": [""]}, "Polarity", r"an added tag needs a polarity"),
        ({"Event id": [""]}, "Event id", r"column 'Event id': a decision needs an event id"),
    ],
)
def test_bad_values_name_row_column_value_and_fix(changes: dict[str, list[str]], column: str, match: str) -> None:
    with pytest.raises(LabelError, match=match) as info:
        read_labels(_frame(**changes))
    assert info.value.row == 1
    assert info.value.column == column


def test_unknown_event_id_names_the_file_sheet_and_row(cassie: chron.Chronology, workbook: Path,
                                                       tmp_path: Path) -> None:
    edited = tmp_path / "typo.xlsx"
    _edit(workbook, edited, {}, [{"Event id": "cassie:police.csv:999", "Theme": "escalation",
                                  "Polarity": "concern"}])
    n = len(cassie.tags)
    with pytest.raises(LabelError, match=rf"typo.xlsx, sheet 'Themes', row {n + 2}, column 'Event id': "
                                         r"'cassie:police.csv:999': no event has this id; copy the id"):
        cassie.with_labels(edited)
    # without the chronology the file reads; with_labels then refuses it
    labels = read_labels(edited)
    with pytest.raises(LabelError, match="no event has this id"):
        cassie.with_labels(labels)


def test_opposite_decisions_on_one_tag_are_refused() -> None:
    frame = pd.concat([_frame(), _frame(Accept=["no"])], ignore_index=True)
    with pytest.raises(LabelError, match=r"opposite decisions on the same tag \(rows 1, 2\)"):
        read_labels(frame)
    same = pd.concat([_frame(), _frame()], ignore_index=True)
    got = read_labels(same)
    assert len(got) == 1
    assert got.attrs["counts"]["repeated"] == 1


def test_missing_columns_and_sheet(tmp_path: Path, workbook: Path) -> None:
    from chronology.errors import ColumnMappingError, SourceReadError

    with pytest.raises(ColumnMappingError, match="column 'Accept'"):
        read_labels(pd.DataFrame({"Event id": ["a"], "Theme": ["escalation"]}))
    with pytest.raises(SourceReadError, match=r"sheet 'Nope'.*the sheets are 'Chronology', 'Themes'"):
        read_labels(workbook, sheet="Nope")


def test_newer_decisions_win_and_filter_keeps_labels(cassie: chron.Chronology) -> None:
    tag = cassie.tags.iloc[0]
    row = {"Event id": [tag["event_id"]], "Theme": [tag["theme"]], "Polarity": [tag["polarity"]], "Rule": ["r"]}
    first = cassie.with_labels(read_labels(pd.DataFrame({**row, "Accept": ["no"]})))
    assert (tag["event_id"], tag["theme"]) not in set(zip(first.tags["event_id"], first.tags["theme"], strict=True))
    second = first.with_labels(read_labels(pd.DataFrame({**row, "Accept": ["yes"]})))
    assert len(second.labels) == 1
    assert second.labels["decision"].iloc[0] == "accept"
    back = second.tags[(second.tags["event_id"] == tag["event_id"]) & (second.tags["theme"] == tag["theme"])]
    assert back["confirmed"].eq(True).all()
    assert len(back) >= 1
    # filtering to other events keeps the labels and re-tagging ignores decisions on absent events
    other = first.filter(agency="police").tag()
    assert other.labels is not None
    assert len(other.labels) == 1
    assert other.tags["confirmed"].isna().all()


def test_timeline_and_summaries_follow_the_labels(cassie: chron.Chronology) -> None:
    tags = cassie.tags
    voice = set(tags.loc[tags["theme"] == "child_voice", "event_id"])
    target = cassie.events.loc[~cassie.events["event_id"].isin(voice), "event_id"].iloc[5]
    dropped = tags[tags["theme"] == "escalation"]
    frame = pd.DataFrame({
        "Event id": [target, *dropped["event_id"]],
        "Theme": ["child_voice", *dropped["theme"]],
        "Polarity": ["concern", *dropped["polarity"]],
        "Rule": ["", *["tagger"] * len(dropped)],
        "Accept": ["yes", *["no"] * len(dropped)],
    })
    reviewed = cassie.with_labels(read_labels(frame))
    before = cassie.themes().set_index("theme")
    after = reviewed.themes().set_index("theme")
    assert "escalation" in before.index
    assert "escalation" not in after.index

    def theme_names(c: chron.Chronology) -> set[str]:  # the theme legend (not the event-type key)
        return {str(t.name) for t in c.timeline(color="theme").data if t.name and t.meta in ("legend", "points")}

    assert any(n.startswith("Escalation") for n in theme_names(cassie))
    assert not any(n.startswith("Escalation") for n in theme_names(reviewed))


def test_tables_from_a_plain_frame_apply_the_labels_given(cassie: chron.Chronology) -> None:
    from chronology.analysis import compute_tables

    tag = cassie.tags.iloc[0]
    row = {"Event id": [tag["event_id"]], "Theme": [tag["theme"]], "Polarity": [tag["polarity"]], "Rule": ["r"]}
    reviewed = cassie.with_labels(read_labels(pd.DataFrame({**row, "Accept": ["no"]})))
    t = compute_tables(reviewed.events, ["themes"], labels=reviewed.labels)  # no tags given: it tags
    pairs = set(zip(t.tags["event_id"], t.tags["theme"], t.tags["polarity"], strict=True))
    assert (tag["event_id"], tag["theme"], tag["polarity"]) not in pairs
    assert len(t.tags) == len(reviewed.tags)
    pd.testing.assert_frame_equal(t["themes"], reviewed.themes())
