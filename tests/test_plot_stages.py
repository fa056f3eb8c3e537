"""The stages the plot functions are split into: label placement, gap bands, one legend entry per key."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import chronology as chron
from chronology.errors import OptionError
from chronology.plot import charts as ch
from chronology.plot import style
from chronology.plot.align import _in_days
from chronology.plot.timeline import (
    _check_across_cases,
    _gap_band,
    _label_spot,
    _mark_traces,
    _Marks,
)

DAY = pd.Timedelta(days=1)


def test_span_labels_go_under_the_bar_then_above_then_nowhere():
    placed: dict = {}
    a = pd.Timestamp("2024-03-01")
    under = _label_spot(placed, 2.0, a, a + 5 * DAY)
    above = _label_spot(placed, 2.0, a + DAY, a + 3 * DAY)  # overlaps the first
    none = _label_spot(placed, 2.0, a + 2 * DAY, a + 4 * DAY)
    clear = _label_spot(placed, 2.0, a + 5 * DAY, a + 6 * DAY)  # starts where the first ends
    assert under is not None
    assert under[0] > 2.0
    assert under[1] == "top"
    assert above is not None
    assert above[0] < 2.0
    assert above[1] == "bottom"
    assert none is None
    assert clear == under


def test_gap_band_covers_its_case_lanes_and_drops_a_label_that_does_not_fit():
    a, b = pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-31")
    band = _gap_band(a, b, 30.0, True, (2, 4), pd.Timedelta(hours=1))
    assert (band["yref"], band["y0"], band["y1"]) == ("y", 1.5, 4.5)
    assert band["label"]["text"] == "c. 30 days"
    assert band["line"]["width"] == 1  # dotted outline: approximate
    whole = _gap_band(a, b, 30.0, False, None, 10 * DAY)  # 10 days a character: no room
    assert (whole["yref"], whole["y0"], whole["y1"]) == ("y domain", 0, 1)
    assert whole["label"]["text"] == ""
    assert whole["line"]["width"] == 0


def _marks(n: int, approx: list[bool], span: list[bool]) -> _Marks:
    return _Marks(
        x=np.arange(n, dtype=float), y=np.full(n, "lane", dtype=object), length=np.ones(n),
        hover=np.full(n, "h", dtype=object), ids=np.array([str(i) for i in range(n)], dtype=object),
        span=np.array(span), approx=np.array(approx), etype=np.full(n, "referral", dtype=object),
        unc=np.array([False, True] + [False] * (n - 2)),
    )


@pytest.mark.parametrize("swatch", [False, True])
def test_each_legend_entry_is_shown_once_by_its_first_trace(swatch):
    marks = _marks(4, approx=[False, False, True, False], span=[False, False, False, True])
    key = np.array(["a", "a", "a", "b"], dtype=object)
    traces = _mark_traces(go, go.Scatter, marks, key, ["b", "a", "missing"], {"a": "A", "b": "B"},
                             {"a": "#111111", "b": "#222222"}, ["referral"], swatch=swatch)
    entries = [t.legendgroup for t in traces]
    assert entries == sorted(entries, key=["b", "a"].index)  # in the order given; "missing" skipped
    for k in ("a", "b"):
        mine = [t for t in traces if t.legendgroup == k]
        assert [t.showlegend is not False for t in mine] == [True] + [False] * (len(mine) - 1)
        assert (mine[0].meta == "legend") is swatch
    metas = [t.meta for t in traces if t.legendgroup == "a" and t.meta != "legend"]
    assert metas == ["points", "points", "periods"]  # the uncertain date has its own (open) symbol
    sym = style.event_type_symbol("referral")
    assert [t.marker.symbol for t in traces if t.meta == "points" and t.legendgroup == "a"] == [sym, sym + "-open"]


def test_across_cases_with_aggregate_false_is_refused():
    with pytest.raises(OptionError, match="across_cases=True draws counts"):
        _check_across_cases(True, False)
    _check_across_cases(None, False)
    _check_across_cases(True, None)


def test_align_window_keeps_a_span_reaching_into_it():
    ev = pd.DataFrame({"offset_days": [-40.0, -40.0, 5.0, 50.0], "end_days": [np.nan, -20.0, np.nan, np.nan]})
    assert _in_days(ev, 30.0).index.tolist() == [1, 2]


def test_interval_text_says_open_or_none_recorded():
    r = pd.DataFrame({"due_by": pd.to_datetime(["2024-04-12", "2024-04-12", "2024-04-12"])})
    taken = pd.Series(["52 working days", "", ""])
    limit = pd.Series(["45 working days"] * 3)
    text = ch._interval_text(r, taken, limit, np.array([True, True, False]))
    assert text.tolist() == [
        "52 working days (limit 45 working days)",
        "none recorded by 12/04/2024 (limit 45 working days)",
        "open: no end recorded (limit 45 working days)",
    ]


def test_gap_labels_name_the_agency_and_the_case():
    g = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                      "end": pd.to_datetime(["2024-01-20", "2024-02-20"]),
                      "days": [19.0, 19.0], "agency": ["police", "csc"], "case_id": ["a", "b"]})
    labels = ch._gap_labels(g, "agency").tolist()
    assert labels == ["a · Police: 01/01/2024 to 20/01/2024",
                      "b · Children's social care: 01/02/2024 to 20/02/2024"]
    assert chron.plot.gap_chart(g, 5, by="agency").data[0].y.tolist() == labels
