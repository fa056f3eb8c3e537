"""chronology.plot: figures tested by their dicts (lanes, traces, bars, shapes, hover), not pixels."""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import pytest

import chronology as chron
from chronology.errors import ChronologyError, MissingDependencyError, OptionError
from chronology.plot import (
    activity_heatmap,
    align,
    gap_chart,
    interval_chart,
    style,
    theme_matrix,
    timeline,
    voice_strip,
)
from chronology.schema import CANONICAL_COLUMNS, CANONICAL_DTYPES, validate_events

MS_PER_DAY = 86_400_000


# ---------------------------------------------------------------------- fixtures (fictional)
def _agency(rows: list[dict], agency: str, source: str, case: str = "lena") -> chron.Chronology:
    df = pd.DataFrame(rows).assign(case_id=case, agency=agency)
    return chron.Chronology.from_events(df, source=source)


@pytest.fixture
def case() -> chron.Chronology:
    """A small fictional case: a run of police callouts, an A&E stay, discharge into custody, a month-only
    assessment, an uncertain appointment, and two long gaps (one approximate)."""
    police = _agency([
        {"start": "01/03/2024 22:10", "event_type": "police_callout", "description": "Police called to the flat after shouting reported"},
        {"start": "02/03/2024 23:40", "event_type": "police_callout", "description": "Police called again; child out with friends"},
        {"start": "03/03/2024 02:15", "event_type": "police_callout", "description": "Third callout in three nights", "child_seen": "Y"},
        {"start": "20/03/2024 20:00", "end": "21/03/2024 09:30", "event_type": "custody", "description": "Detained in custody after discharge"},
    ], "police", "police.csv")
    hospital = _agency([
        {"start": "04/03/2024 14:10", "end": "20/03/2024 19:30", "event_type": "attendance", "service": "A&E",
         "description": "Stayed in A&E awaiting a placement", "action": "Daily review by paediatrics"},
        {"start": "20/03/2024 19:30", "event_type": "discharge", "service": "A&E", "description": "Discharged to police custody"},
        {"start": "?25/03/2024", "event_type": "appointment", "description": "Follow-up appointment (date unclear)"},
    ], "health_acute", "hospital.xlsx")
    csc = _agency([
        {"start": "Apr 2024", "event_type": "assessment", "description": "Child and family assessment started"},
        {"start": "30/05/2024", "event_type": "home_visit", "description": "Home visit", "child_seen": "Y",
         "child_voice": "I want to go home"},
    ], "csc", "csc.docx")
    school = _agency([
        {"start": "20/06/2024", "event_type": "meeting", "description": "Team around the child meeting"},
    ], "education", "school.csv")
    return chron.combine([police, hospital, csc, school], title="Lena (fictional)")


def _traces(fig, meta: str) -> list:
    return [t for t in fig.data if t.meta == meta]


def _synthetic(n: int, seed: int = 0, cases: int = 1) -> chron.Chronology:
    """A canonical events frame of ``n`` events built directly (fast), for size tests."""
    rng = np.random.default_rng(seed)
    agencies = np.array(["police", "csc", "health_acute", "health_camhs", "education", "placements"])
    types = np.array(["contact", "police_callout", "attendance", "home_visit", "referral", "incident"])
    start = (pd.Timestamp("2023-01-02") + pd.to_timedelta(rng.integers(0, 500 * 1440, n), unit="min")).as_unit("us")
    start = pd.DatetimeIndex(start).tz_localize("Europe/London", ambiguous="NaT", nonexistent="shift_forward")
    df = pd.DataFrame({
        "event_id": [f"e{i}" for i in range(n)],
        "case_id": np.array([f"c{i}" for i in range(cases)])[rng.integers(0, cases, n)],
        "agency": agencies[rng.integers(0, len(agencies), n)],
        "service": None, "start": start,
        "end": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, Europe/London]"),
        "precision": "minute", "uncertain": False,
        "event_type": types[rng.integers(0, len(types), n)],
        "description": "Recorded contact with the family about school attendance",
        "action": None, "child_seen": pd.array([pd.NA] * n, dtype="boolean"), "child_voice": None,
        "practitioner": None, "source": "big.csv", "source_sheet": None, "source_row": np.arange(2, n + 2),
    })
    df = df[df["start"].notna()].reset_index(drop=True)
    spans = rng.random(len(df)) < 0.05
    df.loc[spans, "end"] = df.loc[spans, "start"] + pd.Timedelta(hours=30)
    for col in CANONICAL_COLUMNS:
        df[col] = df[col].astype(CANONICAL_DTYPES[col])
    df = df.sort_values("start", kind="stable").reset_index(drop=True)
    return chron.Chronology(events=validate_events(df))


# ---------------------------------------------------------------------- style
def test_style_covers_every_agency_and_event_type_with_distinct_symbols():
    from chronology.resources import agency_codes, event_type_codes, load_toml

    data = load_toml("style.toml")
    assert set(data["agencies"]) == set(agency_codes())
    assert set(data["event_types"]) == set(event_type_codes())
    symbols = [v["symbol"] for v in data["event_types"].values()]
    assert len(set(symbols)) == len(symbols)
    for v in data["event_types"].values():
        assert v["family"] in data["families"]
    colours = [v["color"] for v in data["agencies"].values()] + [v["color"] for v in data["families"].values()]
    assert all(len(c) == 7 and c.startswith("#") and int(c[1:], 16) >= 0 for c in colours)
    # no yellow Okabe-Ito (invisible on paper) among event families
    assert "#F0E442" not in {v["color"] for v in data["families"].values()}


def test_symbols_are_valid_plotly_symbols_open_variants_included():
    import plotly.graph_objects as go

    from chronology.resources import event_type_codes

    for code in event_type_codes():
        sym = style.event_type_symbol(code)
        go.Scatter(marker={"symbol": [sym, sym + "-open"]})  # raises on an unknown symbol


# ---------------------------------------------------------------------- timeline
def test_one_lane_per_agency_in_vocabulary_order(case):
    fig = timeline(case, gaps=False, breaches=False)
    lanes = list(fig.layout.yaxis.categoryarray)
    assert lanes == ["Police", "Children's social care", "Hospital (acute)", "Education"]
    used = {y for t in fig.data if t.y is not None for y in t.y if y is not None}
    assert used == set(lanes)
    assert fig.layout.yaxis.type == "category"
    # police lane holds the 3 callouts (points) and the custody start
    police = [y for t in _traces(fig, "points") for y in t.y if y == "Police"]
    assert len(police) == 4


def test_spans_are_bars_with_exact_base_and_length(case):
    fig = timeline(case, gaps=False, breaches=False)
    spans = _traces(fig, "spans")
    assert spans
    assert all(t.type == "bar" and t.orientation == "h" for t in spans)
    ae = next(t for t in spans if t.name == "A&E / clinic attendance")
    assert list(ae.y) == ["Hospital (acute)"]
    assert pd.Timestamp(ae.base[0]) == pd.Timestamp("2024-03-04 14:10")
    assert ae.x[0] == (16 * 24 + 5) * 3_600_000 + 20 * 60_000  # 16 d 5 h 20 min, in ms
    labels = {a.text: a for a in fig.layout.annotations if a.name == "span"}
    assert set(labels) == {"A&amp;E, 16 d 5 h", "Custody, 13 h 30 min"}
    assert pd.Timestamp(labels["A&amp;E, 16 d 5 h"].x) == pd.Timestamp("2024-03-04 14:10")
    assert 2 < labels["A&amp;E, 16 d 5 h"].y < 2.5  # under the bar, inside the hospital lane
    custody = next(t for t in spans if t.name == "Custody")
    assert list(custody.y) == ["Police"]
    assert custody.x[0] == 13.5 * 3_600_000
    # bars overlay (no dodging), one width for all spans
    assert fig.layout.barmode == "overlay"


def test_month_only_date_is_a_month_wide_hatched_bar_not_a_point(case):
    fig = timeline(case, gaps=False, breaches=False)
    periods = _traces(fig, "periods")
    assert len(periods) == 1
    bar = periods[0]
    assert list(bar.y) == ["Children's social care"]
    assert pd.Timestamp(bar.base[0]) == pd.Timestamp("2024-04-01")
    assert bar.x[0] == 30 * MS_PER_DAY  # the whole of April
    assert bar.marker.pattern.shape == "/"
    assert bar.opacity < 1
    assert bar.marker.pattern.bgcolor == "#FFFFFF"
    points_csc = [pd.Timestamp(x) for t in _traces(fig, "points") for x, y in zip(t.x, t.y, strict=True)
                  if y == "Children's social care"]
    assert pd.Timestamp("2024-04-01") not in points_csc  # no false point at 1 April


def test_uncertain_date_uses_open_symbol(case):
    fig = timeline(case, gaps=False, breaches=False)
    appt = next(t for t in _traces(fig, "points") if t.name == "Appointment")
    assert appt.marker.symbol == "diamond-tall-open"
    assert "c. 25/03/2024" in appt.hovertext[0]
    callouts = next(t for t in _traces(fig, "points") if t.name == "Police callout")
    assert callouts.marker.symbol == "star"
    assert len(callouts.x) == 3


def test_hover_text_has_uk_date_agency_description_action_source_and_row(case):
    fig = timeline(case, gaps=False, breaches=False)
    ae = next(t for t in _traces(fig, "spans") if t.name == "A&E / clinic attendance")
    h = ae.hovertext[0]
    assert "04/03/2024 14:10 to 20/03/2024 19:30 (16 d 5 h)" in h
    assert "Hospital (acute) · A&amp;E" in h
    assert "Stayed in A&amp;E awaiting a placement" in h
    assert "Action:</b> Daily review by paediatrics" in h
    assert "hospital.xlsx, row 1" in h
    callouts = next(t for t in _traces(fig, "points") if t.name == "Police callout")
    assert [s.rsplit("police.csv, row ", 1)[1][0] for s in callouts.hovertext] == ["1", "2", "3"]
    visit = next(t for t in _traces(fig, "points") if t.name == "Home visit")
    assert "Child seen: yes" in visit.hovertext[0]
    assert "I want to go home" in visit.hovertext[0]
    month = _traces(fig, "periods")[0].hovertext[0]
    assert "<b>Apr 2024</b>" in month
    assert "known only to the month" in month


def test_hover_escapes_markup_in_recorded_text():
    c = chron.Chronology.from_events(pd.DataFrame({"case_id": "a", "agency": ["police"], "start": ["01/03/2024"],
                                                   "description": ["Said <script>x</script> & left"]}))
    h = _traces(timeline(c, gaps=False, breaches=False), "points")[0].hovertext[0]
    assert "&lt;script&gt;x&lt;/script&gt; &amp; left" in h
    assert "<script>" not in h


def test_gap_shapes_for_known_gaps(case):
    fig = timeline(case, gaps=True, breaches=False, min_gap_days=14)
    gaps = [s for s in fig.layout.shapes if s.name == "gap"]
    spans = {(pd.Timestamp(s.x0), pd.Timestamp(s.x1)): s for s in gaps}
    # home visit 30/05 to school meeting 20/06: 21 days, exact
    exact = spans[(pd.Timestamp("2024-05-30"), pd.Timestamp("2024-06-20"))]
    assert exact.label.text == "21 days"
    assert exact.yref == "y domain"  # the whole height of the lanes
    assert (exact.y0, exact.y1) == (0, 1)
    # end of the month-only April assessment to the home visit: approximate
    # (metrics counts a month-only date as reaching the last day of its month)
    approx = spans[(pd.Timestamp("2024-04-30"), pd.Timestamp("2024-05-30"))]
    assert approx.label.text == "c. 30 days"
    assert len(gaps) == 2
    # at 25 days only the 30-day gap is long enough: one shaded rectangle, exactly that span
    longer = [s for s in timeline(case, gaps=True, breaches=False, min_gap_days=25).layout.shapes
              if s.name == "gap"]
    assert [(pd.Timestamp(s.x0), pd.Timestamp(s.x1), s.type, s.label.text) for s in longer] == [
        (pd.Timestamp("2024-04-30"), pd.Timestamp("2024-05-30"), "rect", "c. 30 days")
    ]
    assert not [s for s in timeline(case, gaps=False, breaches=False).layout.shapes if s.name == "gap"]


def test_range_slider_and_zoom(case):
    fig = timeline(case, gaps=False, breaches=False)
    assert fig.layout.xaxis.rangeslider.visible is True
    assert fig.layout.xaxis.type == "date"
    assert [b.label for b in fig.layout.xaxis.rangeselector.buttons][-1] == "all"
    assert fig.layout.yaxis.fixedrange is True  # zoom is along time only


def test_webgl_switch(case):
    small_auto = timeline(case, gaps=False, breaches=False)
    assert {t.type for t in _traces(small_auto, "points")} == {"scatter"}
    forced = timeline(case, gaps=False, breaches=False, webgl=True)
    assert {t.type for t in _traces(forced, "points")} == {"scattergl"}
    big = _synthetic(2_500)
    auto = timeline(big, gaps=False, breaches=False)
    assert {t.type for t in _traces(auto, "points")} == {"scattergl"}
    assert {t.type for t in _traces(timeline(big, gaps=False, breaches=False, webgl=False), "points")} == {"scatter"}
    # spans stay one bar trace per legend entry, never a shape per event
    assert len(_traces(auto, "spans")) <= big.events["event_type"].nunique()
    assert not [s for s in auto.layout.shapes if s.name not in ("lane", "gap", "detail")]


def test_large_chronology_is_aggregated_and_builds_fast():
    big = _synthetic(50_000)
    t0 = time.perf_counter()
    fig = timeline(big, gaps=False, breaches=False)
    took = time.perf_counter() - t0
    counts = _traces(fig, "counts")
    assert len(fig.data) == 1
    assert len(counts) == 1
    assert int(np.sum(counts[0].marker.color)) == len(big.events)
    assert "aggregated" in fig.layout.title.subtitle.text
    assert took < 3.0  # measured ~0.1 s; generous for a shared machine
    # the single-event drawing of the same 50,000 events stays array-based
    t0 = time.perf_counter()
    full = timeline(big, gaps=False, breaches=False, aggregate=False)
    took_full = time.perf_counter() - t0
    assert sum(len(t.x) for t in _traces(full, "points")) == len(big.events)
    assert len([t for t in full.data if not t.meta.startswith("detail")]) <= 3 * 6
    assert took_full < 5.0  # measured ~0.4 s


def test_color_by_agency_and_theme(case):
    fig = timeline(case, color="agency", gaps=False, breaches=False)
    legend = [t.name for t in _traces(fig, "legend")]
    assert legend == ["Police", "Children's social care", "Hospital (acute)", "Education"]
    police = [t for t in _traces(fig, "points") if t.name == "Police"]
    assert {t.marker.color for t in police} == {style.agency_color("police")}
    assert {t.marker.symbol for t in police} == {"star", "bowtie"}  # symbols still follow event type
    assert not any(t.showlegend is not False for t in police)  # the swatch is the legend entry
    assert "Police callout" in [t.name for t in _traces(fig, "key")]  # a legend of symbols
    ev = case.events
    ids = ev["event_id"].tolist()
    tags = pd.DataFrame({"event_id": [ids[0], ids[1], ids[1]], "theme": ["reactive_response", "reactive_response", "voice"],
                         "polarity": "concern", "rule": "test", "evidence": "x"})
    tagged = case._replace(tags=tags)
    fig = timeline(tagged, color="theme", gaps=False, breaches=False)
    pts = _traces(fig, "points")
    by_name = {t.name.split(" (")[0]: t for t in pts}
    assert sum(len(t.x) for t in pts) == len(ev) + 1 - 1  # one event drawn twice, one approximate not a point
    assert len(by_name[style.theme_label("reactive_response")].x) == 2
    assert "Themes:" in by_name[style.theme_label("voice")].hovertext[0]
    assert "No theme" in by_name


def test_bad_color_lists_the_options(case):
    with pytest.raises(OptionError, match=r"'event_type', 'theme', 'agency'"):
        timeline(case, color="colour")


def test_empty_chronology_draws_a_message():
    c = chron.Chronology(events=chron.schema.empty_events()) if hasattr(chron, "schema") else None
    from chronology.schema import empty_events

    c = chron.Chronology(events=empty_events())
    fig = timeline(c)
    assert fig.layout.annotations[0].text == "No events to draw"


def test_several_cases_get_their_own_lanes_and_gap_bands():
    a = _agency([{"start": "01/01/2024", "description": "Referral"}, {"start": "01/03/2024", "description": "Visit"}],
                "csc", "a.csv", case="a")
    b = _agency([{"start": "10/01/2024", "description": "Call"}, {"start": "15/01/2024", "description": "Call"}],
                "police", "b.csv", case="b")
    fig = timeline(chron.combine([a, b]), breaches=False)
    assert list(fig.layout.yaxis.categoryarray) == ["a · Children's social care", "b · Police"]
    gaps = [s for s in fig.layout.shapes if s.name == "gap"]
    assert len(gaps) == 1
    assert gaps[0].yref == "y"
    assert (gaps[0].y0, gaps[0].y1) == (-0.5, 0.5)


def test_timeline_method_on_chronology(case):
    fig = case.timeline(gaps=False, breaches=False)
    assert next(iter(fig.layout.yaxis.categoryarray)) == "Police"
    assert fig.layout.title.text == "Lena (fictional)"


def test_timeline_does_not_modify_the_chronology(case):
    before = case.events.copy()
    timeline(case, gaps=True, breaches=False)
    pd.testing.assert_frame_equal(case.events, before)


# ---------------------------------------------------------------------- align
def _simple(cid: str, discharge: str, extra: str | None = None) -> chron.Chronology:
    rows = [{"start": "01/03/2024 10:00", "event_type": "attendance", "description": "Came to A&E"},
            {"start": discharge, "event_type": "discharge", "description": "Discharged"}]
    if extra:
        rows.append({"start": extra, "end": "Apr 2024" if False else None, "event_type": "custody",
                     "description": "Custody"})
    return _agency(rows, "health_acute", f"{cid}.csv", case=cid)


def test_align_offsets_in_days_exact():
    a = _simple("a", "05/03/2024 10:00")
    b = _simple("b", "11/03/2024 22:00")
    fig = align([a, b], on=chron.Match(event_type="discharge"))
    pts = {(round(float(x), 6), y.split("<br>")[0]) for t in _traces(fig, "points") for x, y in zip(t.x, t.y, strict=True)}
    assert pts == {(-4.0, "a"), (0.0, "a"), (-10.5, "b"), (0.0, "b")}
    assert [c.split("<br>")[0] for c in fig.layout.yaxis.categoryarray] == ["a", "b"]
    hover = [h for t in _traces(fig, "points") for h in t.hovertext]
    assert any("11/03/2024 22:00" in h and "Day +0" in h for h in hover)
    assert any("01/03/2024 10:00" in h and "Day -10.5" in h for h in hover)
    zero = [s for s in fig.layout.shapes if s.name == "anchor"]
    assert zero
    assert zero[0].x0 == 0


def test_align_across_a_clock_change_counts_wall_clock_days():
    # 31 March 2024: clocks go forward; the next day at the same time is exactly +1 day
    a = _simple("a", "31/03/2024 00:30")
    c = a.events.copy()
    from chronology.plot.align import offsets

    off = offsets([chron.Chronology(events=c)], chron.Match(event_type="discharge"))
    assert off["offset_days"].round(9).tolist() == [-29.604167, 0.0] or off["offset_days"].round(6).tolist() == [-29.604167, 0.0]


def test_align_spans_as_bars_and_window():
    a = _agency([{"start": "01/03/2024 10:00", "end": "03/03/2024 10:00", "event_type": "attendance", "description": "A&E stay"},
                 {"start": "03/03/2024 10:00", "event_type": "discharge", "description": "Discharged"},
                 {"start": "01/06/2024", "event_type": "contact", "description": "Much later"}], "health_acute", "a.csv", case="a")
    fig = align([a], on=chron.Match(event_type="discharge"), window_days=30)
    bar = _traces(fig, "spans")[0]
    assert (float(bar.base[0]), float(bar.x[0])) == (-2.0, 2.0)
    assert sum(len(t.x) for t in _traces(fig, "points")) == 2  # the June contact is outside the window


def test_align_case_without_match_names_case_and_match():
    a = _simple("a", "05/03/2024")
    b = _agency([{"start": "01/03/2024", "description": "Phone call"}], "police", "b.csv", case="bea")
    with pytest.raises(OptionError, match=r"case 'bea' has no event matching the key event: discharge") as exc:
        align([a, b], on=chron.Match(event_type="discharge"))
    assert isinstance(exc.value, ChronologyError)


# ---------------------------------------------------------------------- charts
def test_gap_chart_from_chronology(case):
    fig = gap_chart(case, min_days=14)
    bars = _traces(fig, "gaps")[0]
    assert bars.x.tolist() == [30, 21]
    assert list(bars.y) == ["30/04/2024 to 30/05/2024", "30/05/2024 to 20/06/2024"]
    assert list(bars.text) == ["c. 30 days", "21 days"]
    assert list(bars.marker.pattern.shape) == ["/", ""]
    assert fig.layout.shapes[0].x0 == 14
    assert "no recorded event" in fig.layout.title.text


def test_interval_chart_bars_against_limits():
    r = pd.DataFrame({
        "rule": ["assessment", "ae_4_hours"], "start": pd.to_datetime(["2024-01-02", "2024-03-04"]),
        "working_days": [52.0, 12.0], "days": [72.0, 16.2], "hours": [np.nan, 389.3],
        "limit": ["45 working days", "4 hours"], "breached": [True, True], "approximate": [False, False],
    })
    fig = interval_chart(r)
    bars = _traces(fig, "intervals")[0]
    assert [round(float(v), 1) for v in bars.x] == [115.6, 9732.5]
    assert list(bars.text) == ["52 working days (limit 45 working days)", "389.3 hours (limit 4 hours)"]
    assert list(_traces(fig, "limit")[0].x) == [100.0, 100.0]
    assert fig.layout.xaxis.type == "log"
    assert set(bars.marker.color) == {style.mark("breach_color")}


def test_activity_heatmap_counts_every_week(case):
    fig = activity_heatmap(case, freq="W")
    hm = fig.data[0]
    assert list(hm.y) == ["Police", "Children's social care", "Hospital (acute)", "Education"]
    assert hm.z.sum() == len(case.events)
    # cells are centred on their week, which starts on the Monday
    assert pd.Timestamp(hm.x[0]).floor("D") == pd.Timestamp("2024-02-29")
    assert hm.customdata[0][0] == "w/c 26/02/2024"
    assert hm.colorscale[0][1] == "#FFFFFF"  # empty weeks are white
    assert hm.z[0][0] == 3  # three callouts that week, Police lane
    assert len(hm.x) == 17  # every week through to 20 June, empty ones too
    with pytest.raises(OptionError, match="'W'"):
        activity_heatmap(case, freq="fortnight")


def test_theme_matrix_by_agency_and_period(case):
    ids = case.events["event_id"].tolist()
    tags = pd.DataFrame({"event_id": [ids[0], ids[1], ids[2], ids[1]], "theme": ["reactive_response"] * 3 + ["voice"],
                         "polarity": "concern", "rule": "t", "evidence": "x"})
    c = case._replace(tags=tags)
    fig = theme_matrix(c)
    hm = fig.data[0]
    assert list(hm.y) == [style.theme_label("reactive_response"), style.theme_label("voice")]
    assert list(hm.x) == ["Police"]
    assert hm.z.tolist() == [[3], [1]]
    per = theme_matrix(c, by="period").data[0]
    assert list(per.x) == ["Mar 2024"]
    assert per.z.tolist() == [[3], [1]]
    with pytest.raises(OptionError):
        theme_matrix(c, by="case")


def test_voice_strip(case):
    fig = voice_strip(case)
    counts = {t.meta: len(t.x) for t in fig.data}
    assert counts["seen"] == 2
    assert counts["views"] == 1
    assert counts["seen not recorded"] == len(case.events) - 2
    assert "child seen at 2 of 2 events" in fig.layout.title.text


# ---------------------------------------------------------------------- explorer
def test_explorer_filters_update_figure_and_table(case):
    pytest.importorskip("ipywidgets")
    ui = chron.explore(case, gaps=False)
    assert "<b>10</b> of 10 events" in ui.count.value
    ui.agencies.value = ("police",)
    assert "<b>4</b> of 10" in ui.count.value
    lanes = {y for t in ui.figure.data if t.y is not None for y in t.y if y is not None}
    assert lanes == {"Police"}
    assert "police.csv row 1" in ui.table.value
    assert "hospital.xlsx" not in ui.table.value
    ui.search.value = "third"
    assert len(ui.selected.events) == 1
    assert "Third callout in three nights" in ui.table.value
    assert sum(len(t.x) for t in ui.figure.data if t.meta == "points") == 1
    ui._reset()
    assert len(ui.selected.events) == 10
    import datetime as dt

    ui.start.value = dt.date(2024, 3, 15)
    ui.end.value = dt.date(2024, 4, 30)
    got = set(ui.selected.events["description"])
    assert "Detained in custody after discharge" in got
    assert "Stayed in A&E awaiting a placement" in got  # the stay overlaps the range
    assert "Child and family assessment started" in got
    assert "Home visit" not in got
    assert "Police called to the flat after shouting reported" not in got


def test_explorer_theme_filter(case):
    pytest.importorskip("ipywidgets")
    ids = case.events["event_id"].tolist()
    tags = pd.DataFrame({"event_id": [ids[0], ids[2]], "theme": ["reactive_response", "reactive_response"],
                         "polarity": "concern", "rule": "t", "evidence": "x"})
    ui = chron.explore(case._replace(tags=tags), gaps=False)
    assert not ui.themes.disabled
    ui.themes.value = ("reactive_response",)
    assert ui.selected.events["event_id"].tolist() == [ids[0], ids[2]]
    ui.color.value = "theme"
    assert any(t.name.startswith(style.theme_label("reactive_response")) for t in ui.figure.data)


def test_explorer_without_ipywidgets_says_which_extra(case, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    from chronology.plot import explorer

    explorer._explorer_class.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match=r"chronology\[notebook\]"):
            explorer.explore(case)
    finally:
        explorer._explorer_class.cache_clear()


def test_breaches_annotated_on_the_start_event_lane(case):
    fig = timeline(case, gaps=False)  # breaches=True by default
    notes = [a for a in fig.layout.annotations if a.name == "breach"]
    # the 4-hour and 12-hour A&E rules are breached over the same stay: one bracket, both in the hover
    assert len(notes) == 1
    # both rules are written, one per line: neither hides behind "+1 more"
    assert notes[0].text == ("⚠ A&E 4-hour standard: 389.3 hours (limit 4 hours)<br>"
                             "⚠ A&E 12 hours from arrival: 389.3 hours (limit 12 hours)")
    assert notes[0].hovertext == (
        "⚠ A&E 4-hour standard: 389.3 hours (limit 4 hours)<br>"
        "⚠ A&E 12 hours from arrival: 389.3 hours (limit 12 hours)"
    )
    lines = [s for s in fig.layout.shapes if s.name == "breach" and s.y0 == s.y1]
    assert len(lines) == 1
    assert (pd.Timestamp(lines[0].x0), pd.Timestamp(lines[0].x1)) == (
        pd.Timestamp("2024-03-04 14:10"), pd.Timestamp("2024-03-20 19:30"))
    hospital = list(fig.layout.yaxis.categoryarray).index("Hospital (acute)")
    assert hospital - 0.5 < lines[0].y0 < hospital  # above the bar, inside the lane
    none = timeline(case, gaps=False, breaches=False)
    assert not [a for a in none.layout.annotations if a.name == "breach"]


def test_interval_chart_from_chronology_runs_the_timescales(case):
    fig = interval_chart(case)
    bars = _traces(fig, "intervals")[0]
    assert len(bars.x) == 2
    assert {round(float(v)) for v in bars.x} == {round(389.333333 / 4 * 100), round(389.333333 / 12 * 100)}
    assert all(t.startswith("389.3 hours") for t in bars.text)


def test_interval_chart_overdue_and_open_intervals():
    r = pd.DataFrame({
        "rule": ["initial conference", "referral decision"],
        "start": pd.to_datetime(["2024-01-10", "2024-02-01"]).tz_localize("Europe/London"),
        "working_days": [np.nan, np.nan], "days": [np.nan, np.nan], "hours": [np.nan, np.nan],
        "limit": ["15 working days", "1 working day"],
        "due_by": pd.to_datetime(["2024-01-31", "2024-02-02"]).tz_localize("Europe/London"),
        "breached": pd.array([True, pd.NA], dtype="boolean"), "status": ["overdue", "open"],
    })
    bars = _traces(interval_chart(r), "intervals")[0]
    assert list(bars.text) == ["none recorded by 31/01/2024 (limit 15 working days)",
                               "open: no end recorded (limit 1 working day)"]
    assert list(bars.marker.color) == [style.mark("breach_color"), "#9E9E9E"]
    assert list(bars.marker.pattern.shape) == ["/", "/"]
    assert [float(v) for v in bars.x] == [100.0, 100.0]


def test_detail_panel_for_a_given_period(case):
    fig = timeline(case, gaps=False, breaches=False, detail=("2024-03-01 20:00", "2024-03-03 06:00"))
    assert [pd.Timestamp(v) for v in fig.layout.xaxis2.range] == [pd.Timestamp("2024-03-01 20:00"),
                                                                  pd.Timestamp("2024-03-03 06:00")]
    assert list(fig.layout.yaxis2.categoryarray) == list(fig.layout.yaxis.categoryarray)
    detail = [t for t in fig.data if t.meta.startswith("detail")]
    assert {(t.xaxis, t.yaxis) for t in detail} == {("x2", "y2")}
    assert not any(t.showlegend for t in detail)
    callouts = [t for t in detail if t.meta == "detail points" and t.name == "Police callout"]
    assert len(callouts[0].x) == 3
    assert sum(len(t.x) for t in detail) == 3  # only events in the period
    box = [s for s in fig.layout.shapes if s.name == "detail"]
    assert len(box) == 1
    assert pd.Timestamp(box[0].x0) == pd.Timestamp("2024-03-01 20:00")
    # the overview is unchanged: every event is still drawn there
    assert sum(len(t.x) for t in _traces(fig, "points")) == 9
    with pytest.raises(OptionError, match="end after start"):
        timeline(case, detail=("2024-03-03", "2024-03-01"))


def test_detail_panel_automatic_for_a_busy_night_in_a_long_chronology():
    rows = [{"start": "01/01/2024", "event_type": "referral", "description": "Referral"},
            {"start": "30/06/2024", "event_type": "meeting", "description": "Review meeting"}]
    night = ["12/03/2024 21:50", "12/03/2024 22:30", "13/03/2024 01:10", "13/03/2024 04:40",
             "13/03/2024 06:05", "13/03/2024 09:30"]
    rows += [{"start": t, "description": f"Event {i}"} for i, t in enumerate(night)]
    long_case = _agency(rows, "police", "p.csv")
    # the whole chronology only, unless asked: detail on demand
    assert "xaxis2" not in timeline(long_case, gaps=False, breaches=False).layout.to_plotly_json()
    fig = timeline(long_case, gaps=False, breaches=False, detail="auto")
    # the whole chronology on top, the detail under it
    assert min(fig.layout.yaxis.domain) > max(fig.layout.yaxis2.domain)
    a, b = (pd.Timestamp(v) for v in fig.layout.xaxis2.range)
    assert a < pd.Timestamp("2024-03-12 21:50")
    assert b > pd.Timestamp("2024-03-13 09:30")
    assert b - a < pd.Timedelta(hours=16)
    assert "busiest" in fig.layout.xaxis2.title.text
    assert sum(len(t.x) for t in fig.data if t.meta == "detail points") == 6
    assert "xaxis2" not in timeline(long_case, gaps=False, breaches=False, detail=False).layout.to_plotly_json()


def test_no_automatic_detail_when_nothing_is_crowded(case):
    fig = timeline(case, gaps=False, breaches=False, detail="auto")
    assert not [t for t in fig.data if t.meta.startswith("detail")]
    assert "xaxis2" not in fig.layout.to_plotly_json()


# ---------------------------------------------------------------------- the worked examples
def _sample(name: str) -> chron.Chronology:
    try:
        return chron.samples.load(name)
    except ChronologyError as exc:  # pragma: no cover - until the samples are written
        pytest.skip(f"sample {name!r} not available: {exc}")


def test_cassie_timeline_shows_the_ae_stay_as_a_labelled_bar():
    fig = timeline(_sample("cassie"))
    stays = [(pd.Timestamp(b), x) for t in _traces(fig, "spans") for b, x, y in zip(t.base, t.x, t.y, strict=True)
             if y == "Hospital (acute)"]
    assert (pd.Timestamp("2024-03-04 14:10"), (16 * 24 + 5) * 3_600_000) in stays
    assert any(a.text.endswith("16 d 5 h") and a.name == "span" for a in fig.layout.annotations)


def test_carlos_timeline_details_the_discharge_into_custody():
    fig = timeline(_sample("carlos"), detail="auto")
    a, b = (pd.Timestamp(v) for v in fig.layout.xaxis2.range)
    assert a < pd.Timestamp("2024-10-13 07:40")
    assert pd.Timestamp("2024-10-13 13:10") < b
    detail = [t for t in fig.data if t.meta.startswith("detail")]
    names = {(t.name, y) for t in detail for y in t.y}
    assert ("Discharge", "Hospital (acute)") in names
    assert ("Custody", "Police") in names
    assert any(a.name == "detail span" and a.text.startswith("Custody, 5 h 5 min") for a in fig.layout.annotations)


def test_camille_timeline_shows_the_run_of_callouts_in_the_police_lane():
    fig = timeline(_sample("camille"))
    callouts = next(t for t in _traces(fig, "points") if t.name == "Police callout")
    assert set(callouts.y) == {"Police"}
    assert len(callouts.x) >= 13
    assert callouts.marker.symbol == "star"


# ---------------------------------------------------------------------- fixes: explorer in a kernel
def _kernel_json(state: dict) -> int:
    """Send a widget state through the kernel's own message encoder (as ipykernel does for a comm
    message) and return its size in bytes; raises as a live kernel would."""
    session = pytest.importorskip("jupyter_client.session")
    from ipywidgets.widgets.widget import _remove_buffers

    plain, _, buffers = _remove_buffers(state)
    return len(session.json_packer(plain)) + sum(len(b) for b in buffers)


def test_explorer_figure_goes_through_the_kernel_encoder_with_gaps(case):
    pytest.importorskip("ipywidgets")
    ui = chron.explore(case)  # gaps on (the default): the bands' dates were numpy datetimes
    assert [s for s in ui.figure.layout.shapes if s.name == "gap"]
    state = ui.plot.get_state()
    size = _kernel_json(state)
    (out,) = state["outputs"]
    fig = out["data"]["application/vnd.plotly.v1+json"]
    gap = next(s for s in fig["layout"]["shapes"] if s.get("name") == "gap")
    assert isinstance(gap["x0"], str)
    assert gap["x0"].startswith("2024-")
    # lean: the figure's data only, no copy of plotly.js (a FigureWidget's _esm is ~5 MB)
    assert "_esm" not in state
    assert size < 300_000
    ui.agencies.value = ("police", "health_acute")
    assert _kernel_json(ui.plot.get_state()) < size


def test_explorer_in_place_figure_widget_serialises_with_gaps(case):
    pytest.importorskip("ipywidgets")
    pytest.importorskip("anywidget")
    ui = chron.explore(case, in_place=True)
    import plotly.graph_objects as go

    assert isinstance(ui.figure, go.FigureWidget)
    state = ui.figure.get_state()
    state.pop("_esm", None)  # plotly's own bundle
    _kernel_json(state)  # raised "Can't clean for JSON: np.datetime64(...)" before
    ui.agencies.value = ("police",)
    assert {y for t in ui.figure.data if t.y is not None for y in t.y if y is not None} == {"Police"}
    _kernel_json({k: v for k, v in ui.figure.get_state().items() if k != "_esm"})
    gap = next(s for s in ui.figure.layout.shapes if s.name == "gap")
    assert isinstance(gap.x0, str)


def test_explorer_aggregates_a_large_chronology():
    pytest.importorskip("ipywidgets")
    from chronology.plot.explorer import AGGREGATE_ABOVE

    ui = chron.explore(_synthetic(AGGREGATE_ABOVE + 500), gaps=False)
    assert [t.meta for t in ui.figure.data] == ["counts"]
    assert _kernel_json(ui.plot.get_state()) < 1_000_000


# ---------------------------------------------------------------------- fixes: align
def test_align_accepts_any_of_and_writes_a_readable_axis_title():
    a = _simple("a", "05/03/2024 10:00")
    b = _agency([{"start": "01/03/2024 10:00", "event_type": "contact", "description": "Call"},
                 {"start": "04/03/2024 10:00", "event_type": "arrest", "description": "Arrested"}],
                "police", "b.csv", case="b")
    on = chron.Match(event_type="discharge", agency="health_acute") | chron.Match(event_type="arrest")
    fig = align([a, b], on=on)
    pts = {(round(float(x), 6), y.split("<br>")[0]) for t in _traces(fig, "points") for x, y in zip(t.x, t.y, strict=True)}
    assert (0.0, "a") in pts
    assert (0.0, "b") in pts
    assert (-3.0, "b") in pts
    title = fig.layout.xaxis.title.text
    assert title == "Days from first discharge (health_acute) or arrest; negative: before"
    assert "Match(" not in title
    assert "Match(" not in fig.layout.title.text
    one = align([a], on=chron.Match(event_type="discharge", agency="health_acute"))
    assert one.layout.xaxis.title.text.startswith("Days from first discharge (health_acute)")
    named = align([a], on=on, label="discharge or arrest <crisis>")
    assert named.layout.xaxis.title.text == "Days from discharge or arrest &lt;crisis&gt;; negative: before"
    assert any("from discharge or arrest &lt;crisis&gt;" in h for t in _traces(named, "points") for h in t.hovertext)

    class Overdose:
        label = "overdose"

        def mask(self, events):
            return events["description"].str.contains("Discharged", na=False)

    assert align([a], on=Overdose()).layout.xaxis.title.text.startswith("Days from first overdose")
    with pytest.raises(OptionError, match="mask"):
        align([a], on="discharge")


# ---------------------------------------------------------------------- fixes: titles as given, layout
def test_gap_and_interval_charts_use_a_custom_title_as_given(case):
    assert gap_chart(case, title="Gaps in Lena's record").layout.title.text == "Gaps in Lena's record"
    assert interval_chart(case, title="Timescales").layout.title.text == "Timescales"
    # the defaults still say what is drawn
    assert gap_chart(case).layout.title.text.endswith("periods of 14+ days with no recorded event")
    assert interval_chart(case).layout.title.text.endswith("time taken against each limit")


def test_interval_chart_key_sits_below_the_axis_title(case):
    lay = interval_chart(case).layout
    # at the very bottom of the figure (container coordinates), inside a bottom margin that also
    # holds the tick labels and the axis title: not in the plot's own coordinates, where a fixed
    # -0.15 ran into the axis title on short charts
    assert (lay.legend.yref, lay.legend.yanchor, lay.legend.orientation) == ("container", "bottom", "h")
    assert lay.legend.y <= 0.02
    assert lay.margin.b >= 100


def test_span_labels_and_hover_use_wall_clock_across_the_clock_change():
    # a placement from 20 March to 24 May 2024 (summer time from 31 March): 65 days, not 64 d 23 h
    c = _agency([{"start": "20/03/2024", "end": "24/05/2024", "event_type": "placement_start",
                  "description": "Placement at Willowbank House"},
                 {"start": "26/03/2024", "event_type": "home_visit", "description": "Visit"}],
                "placements", "p.xlsx")
    fig = timeline(c, gaps=False, breaches=False)
    labels = [a.text for a in fig.layout.annotations if a.name == "span"]
    assert labels == ["Placement, 65 d"]
    bar = _traces(fig, "spans")[0]
    assert "(65 d)" in bar.hovertext[0]
    assert float(bar.x[0]) == 65 * MS_PER_DAY


def test_timeline_notes_sit_under_the_title_not_on_the_date_labels():
    days = pd.date_range("2010-01-04", periods=170, freq="20D")
    c = chron.Chronology.from_events(pd.DataFrame({"case_id": "z", "agency": ["police", "csc"] * 85,
                                                   "start": days.strftime("%d/%m/%Y"), "description": "Visit"}))
    from chronology.plot.timeline import BUTTONS_PX, MAX_GAPS, NOTE_PX, TITLE_PX, TITLE_TOP

    fig = timeline(c, breaches=False)
    assert len([s for s in fig.layout.shapes if s.name == "gap"]) == MAX_GAPS
    # no footnote in the plot's paper coordinates below the axis (where the dates are written)
    assert not [a for a in fig.layout.annotations if a.yref == "paper" and a.y is not None and a.y < 0]
    lines = fig.layout.title.subtitle.text.split("<br>")
    assert lines[1] == f"Only the {MAX_GAPS} longest gaps are shaded."
    # the title is pinned to the top and the top margin holds it, its notes and the range buttons
    assert (fig.layout.title.yref, fig.layout.title.y, fig.layout.title.yanchor) == ("container", 1, "top")
    assert fig.layout.margin.t == TITLE_TOP + TITLE_PX + NOTE_PX * 2 + BUTTONS_PX
    assert fig.layout.xaxis.rangeselector.yanchor == "bottom"
    assert fig.layout.xaxis.rangeselector.y > 1
    # gap bands too narrow for their length are left unlabelled rather than overprinted
    texts = [s.label.text for s in fig.layout.shapes if s.name == "gap"]
    assert all(t == "" for t in texts)


# ---------------------------------------------------------------------- fixes: user text is escaped
def test_titles_and_case_ids_are_escaped_everywhere(case):
    evil = "Lena <a href='https://example.org'>click</a> & co"
    shown = "Lena &lt;a href='https://example.org'&gt;click&lt;/a&gt; &amp; co"
    c = case._replace(title=evil)
    ids = c.events["event_id"].tolist()
    c = c._replace(tags=pd.DataFrame({"event_id": [ids[0]], "theme": ["voice"], "polarity": "concern",
                                      "rule": "t", "evidence": "x"}))
    figs = [timeline(c), gap_chart(c), interval_chart(c), activity_heatmap(c), voice_strip(c),
            theme_matrix(c), timeline(case, title=evil), gap_chart(case, title=evil),
            interval_chart(case, title=evil), align([case], on=chron.Match(event_type="discharge"), title=evil)]
    for fig in figs:
        text = fig.layout.title.text
        assert "<a " not in text, text
        assert shown in text, text
    other = _agency([{"start": "01/03/2024", "description": "Call"}], "police", "o.csv", case="<b>x</b>")
    fig = timeline(chron.combine([case, other]), breaches=False)
    assert "&lt;b&gt;x&lt;/b&gt; · Police" in list(fig.layout.yaxis.categoryarray)
    assert not any("<b>x" in y for y in fig.layout.yaxis.categoryarray)
    lanes = align([case, other], on=chron.Match(agency="police")).layout.yaxis.categoryarray
    assert any(y.startswith("&lt;b&gt;x&lt;/b&gt;<br>") for y in lanes)


# ---------------------------------------------------------------------- fixes: style
def test_theme_labels_do_not_hide_a_broken_taxonomy(monkeypatch):
    from chronology.themes import taxonomy
    from chronology.themes.taxonomy import TaxonomyError

    def broken(*args, **kwargs):
        raise TaxonomyError("not valid TOML", file="themes.toml")

    style._theme_labels.cache_clear()
    monkeypatch.setattr(taxonomy, "load_taxonomy", broken)
    try:
        with pytest.raises(TaxonomyError, match="themes.toml"):
            style.theme_label("voice")
    finally:
        monkeypatch.undo()
        style._theme_labels.cache_clear()
    assert style.theme_label("child_voice") == "Centring the child's voice"


def test_the_axis_ends_with_the_last_event_not_the_labels():
    c = _sample("cassie")
    fig = timeline(c)
    lo, hi = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    start = c.events["start"].dt.tz_convert("Europe/London").dt.tz_localize(None)
    span = start.max() - start.min()
    assert lo <= start.min()
    assert hi - start.max() < span * 0.1  # not a third past the last event
    # breach notes in the right half end at their bracket, so none runs off the plot
    for a in fig.layout.annotations:
        if a.name == "breach" and pd.Timestamp(a.x) > lo + (hi - lo) * 0.5:
            assert a.xanchor == "right"


def test_detail_option_is_checked():
    with pytest.raises(OptionError, match="detail"):
        timeline(_sample("carlos"), detail="busy")  # type: ignore[arg-type]
