"""The Chronology object: immutability, combine, filter, read_case, display, validation."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest

import chronology as chron
from chronology.errors import EventValidationError, ManifestError, OptionError


def test_from_events_infers_types_precision_and_seen(small: chron.Chronology) -> None:
    ev = small.events
    assert sorted(ev["agency"].astype(str).unique()) == ["csc", "education", "health_acute", "police"]
    by_desc = ev.set_index("description")
    assert by_desc.loc["Police called to home address", "event_type"] == "police_callout"
    assert by_desc.loc["Seen in clinic", "precision"] == "month"
    assert by_desc.loc["Home visit, child seen alone", "precision"] == "week"
    assert by_desc.loc["Home visit, child seen alone", "event_type"] == "home_visit"
    assert bool(by_desc.loc["Attended A&E with cut to arm", "child_seen"]) is True
    assert pd.isna(by_desc.loc["Teacher concerned about attendance", "child_seen"])
    # sorted by start then source order; month-only Mar 2024 sorts at 1 March
    assert ev["start"].is_monotonic_increasing


def test_verbs_return_new_objects_and_leave_the_original_unchanged(small: chron.Chronology) -> None:
    before = small.events.copy()
    f = small.filter(agency="csc")
    assert f is not small
    assert len(f.events) == 2
    assert len(small.events) == 6
    pd.testing.assert_frame_equal(small.events, before)
    g = small.filter(start="2024-03-05", end="2024-03-31")
    assert g.events["start"].min() >= pd.Timestamp("2024-03-05", tz="Europe/London")
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        small.title = "x"  # type: ignore[misc]


def test_combine_sorts_and_refuses_the_same_file_twice(small: chron.Chronology) -> None:
    other = chron.Chronology.from_events(
        pd.DataFrame({"case_id": ["k"], "agency": ["police"], "start": ["2024-02-01"], "description": ["Earlier call"]}),
        source="other",
    )
    both = chron.combine([small, other])
    assert len(both) == 7
    assert both.events["description"].iloc[0] == "Earlier call"
    with pytest.raises(EventValidationError, match="read twice"):
        chron.combine([small, small])
    with pytest.raises(OptionError, match="Chronology objects"):
        chron.combine([small.events])  # type: ignore[list-item]


def test_repr_and_html(small: chron.Chronology) -> None:
    assert repr(small) == "<Chronology: 6 events, 0 rejects, 1 case, 4 agencies, 2024-03-01 to 2024-03-25>"
    html = small._repr_html_()
    assert "<table" in html
    assert "Police called to home address" in html


def test_validate_catches_hand_edits(small: chron.Chronology) -> None:
    ev = small.events.copy()
    ev.loc[0, "event_id"] = ev.loc[1, "event_id"]
    broken = chron.Chronology(events=ev)
    with pytest.raises(EventValidationError, match="event_id"):
        broken.validate()


def test_read_case_with_manifest(tmp_path: Path, police_xlsx: Path, school_docx: Path) -> None:
    (tmp_path / "case.toml").write_text(
        'case_id = "k"\ntitle = "K: a test case"\n'
        '[[files]]\npath = "police.xlsx"\nagency = "Metropolitan Police"\nsheet = "Incidents"\n'
        '[[files]]\npath = "school.docx"\nagency = "education"\n'
    )
    c = chron.read_case(tmp_path)
    assert c.title == "K: a test case"
    assert c.case_ids == ["k"]
    assert c.agencies == ["police", "education"]
    assert len(c.events) == 4 + 5
    assert c.provenance["source"].tolist() == ["police.xlsx", "school.docx", "school.docx"]


def test_manifest_errors(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no case.toml"):
        chron.read_case(tmp_path)
    (tmp_path / "case.toml").write_text('case_id = "k"\n[[files]]\npath = "nope.csv"\nagency = "police"\n')
    with pytest.raises(ManifestError, match="nope.csv.*does not exist"):
        chron.read_case(tmp_path)
    (tmp_path / "case.toml").write_text('case_id = "k"\n[[files]]\npath = "x"\nagancy = "police"\n')
    with pytest.raises(ManifestError, match="unknown keys: agancy"):
        chron.read_case(tmp_path)


def test_import_is_light() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "import sys, chronology; print('pandas' in sys.modules, 'plotly' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.split() == ["False", "False"]


def test_from_events_keeps_each_rows_source() -> None:
    df = pd.DataFrame({
        "case_id": ["k", "k", "k"], "agency": ["police", "csc", "csc"],
        "start": ["2024-03-01", "2024-03-02", "2024-03-03"], "description": ["a", "b", "c"],
        "source": ["p.csv", "c.csv", "c.csv"], "source_row": [2, 2, 3],
    })
    c = chron.Chronology.from_events(df)
    assert c.events["source"].tolist() == ["p.csv", "c.csv", "c.csv"]
    assert c.events["event_id"].tolist() == ["k:p.csv:2", "k:c.csv:2", "k:c.csv:3"]
    assert c.provenance["source"].tolist() == ["p.csv", "c.csv"]


def test_filter_accepts_a_numpy_mask_or_a_callable(small: chron.Chronology) -> None:
    import numpy as np

    by_array = small.filter(np.array([True, False, True, False, True, False]))
    assert len(by_array) == 3
    by_func = small.filter(lambda e: (e["agency"] == "csc").to_numpy())
    assert by_func.events["agency"].astype(str).tolist() == ["csc", "csc"]


def test_metric_results_are_memoised_per_object_and_copied(small: chron.Chronology) -> None:
    g1 = small.gaps(min_days=1)
    g1["days"] = -1  # the caller's copy: must not leak into the next call
    g2 = small.gaps(min_days=1)
    assert (g2["days"] >= 0).all()
    from chronology.analysis import table_key

    assert table_key("gaps", {"min_days": 1}) in small._memo
    assert small.tables({"gaps": {"min_days": 1}})["gaps"].equals(g2)  # the same result, not recomputed
    derived = small.filter(agency="csc")
    assert derived._memo == {}


def test_a_table_asked_through_a_verb_and_through_tables_is_computed_once(
    small: chron.Chronology, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chronology.metrics as metrics

    calls: list[dict[str, object]] = []
    real = metrics.gaps

    @functools.wraps(real)  # keeps gaps' signature, from which the memo key is made
    def counted(events: pd.DataFrame, **options: object) -> pd.DataFrame:
        calls.append(options)
        return real(events, **options)

    monkeypatch.setattr(metrics, "gaps", counted)
    first = small.gaps(min_days=1)
    again = small.tables({"gaps": {"min_days": 1}})["gaps"]  # its defaults left out: the same key
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, again)
    small.gaps(min_days=2)
    assert len(calls) == 2  # other options, another result


def test_a_large_chronology_recomputes_results_but_shares_its_sorted_frame(
    small: chron.Chronology, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chronology.chronology as facade
    import chronology.metrics._common as common

    monkeypatch.setattr(facade, "_MEMO_MAX_EVENTS", 0)  # every chronology counts as large
    prepared: list[int] = []
    real = common._prepare
    monkeypatch.setattr(common, "_prepare", lambda ev: prepared.append(len(ev)) or real(ev))
    small.gaps(min_days=1)
    small.breaches()
    small.tables(["gaps", "breaches"])
    assert list(small._memo) == [("prepared",)]  # no results kept
    assert prepared == [len(small)]  # but the events were sorted once for all of them
