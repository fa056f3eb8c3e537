"""The explorer's controls without a browser: the hint when From is after To."""

from __future__ import annotations

import datetime as dt

import pytest

import chronology as chron

pytest.importorskip("ipywidgets")


def test_from_after_to_says_why_nothing_matches() -> None:
    ui = chron.explore(chron.samples.load("cassie"), gaps=False)
    assert ui.hint.value == ""
    first, last = ui.start.value, ui.end.value
    assert first < last
    ui.start.value = last + dt.timedelta(days=10)  # From now after To
    assert len(ui.selected.events) == 0
    assert "is after To" in ui.hint.value
    assert f"{ui.start.value:%d/%m/%Y}" in ui.hint.value
    assert f"{last:%d/%m/%Y}" in ui.hint.value
    assert "Reset filters" in ui.hint.value
    ui.reset.click()
    assert ui.hint.value == ""
    assert len(ui.selected.events) == len(ui.chronology.events)


def test_the_timeline_has_the_full_width_and_the_table_scrolls() -> None:
    ui = chron.explore(chron.samples.load("cassie"), gaps=False)
    assert ui.plot in ui.children[2].children
    assert ui.children[2].layout.width == "100%"
    assert ui.table.layout.width == "auto"  # stretched to the row, so never wider than it
    assert ui.children[3] is ui.table
    assert ui.table.layout.overflow == "auto"
