"""Events around the UK clock changes: none lost, every metric equal to an independent computation.

The reference here does not use pandas' or the tz database's time-zone logic: it applies the UK
rule (since 1996: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
Sunday of October) with plain ``datetime`` arithmetic, and counts working days one date at a
time. The resolution rules under test: a time in the repeated October hour is its first (BST)
occurrence; a time in the skipped March hour moves to the end of that hour (02:00 BST, pandas'
``nonexistent="shift_forward"``); both are kept, flagged ``uncertain`` and noted in provenance.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.calendar import add_working_days, bank_holidays, clock_change, localize_wall
from chronology.periods import period_end
from chronology.rules import parse_duration
from chronology.synthetic import synthetic, write_synthetic

HOUR = dt.timedelta(hours=1)
HOLIDAYS = {pd.Timestamp(d).date() for d in bank_holidays()}


# ------------------------------------------------------------------ the UK rule, by hand
def last_sunday(year: int, month: int) -> dt.date:
    d = dt.date(year, month, 31)
    while d.weekday() != 6:
        d -= dt.timedelta(days=1)
    return d


def spring(year: int) -> dt.datetime:
    """01:00 UTC (= 01:00 GMT wall, the start of the skipped hour) on the last Sunday of March."""
    return dt.datetime.combine(last_sunday(year, 3), dt.time(1))


def autumn(year: int) -> dt.datetime:
    """01:00 UTC (= 02:00 BST wall, the clocks go back to 01:00) on the last Sunday of October."""
    return dt.datetime.combine(last_sunday(year, 10), dt.time(1))


def utc_of_wall(w: dt.datetime) -> dt.datetime:
    """The UTC instant of a UK wall-clock time: the repeated hour is BST, the skipped hour 02:00 BST."""
    sp, au = spring(w.year), autumn(w.year)
    if sp <= w < sp + HOUR:
        return sp
    if sp + HOUR <= w < au + HOUR:
        return w - HOUR
    return w


def wall_of_utc(u: dt.datetime) -> dt.datetime:
    return u + HOUR if spring(u.year) <= u < autumn(u.year) else u


def kind_of_wall(w: dt.datetime) -> str | None:
    if spring(w.year) <= w < spring(w.year) + HOUR:
        return "missing"
    if autumn(w.year) <= w < autumn(w.year) + HOUR:
        return "repeated"
    return None


def working_days(a: dt.date, b: dt.date) -> int:
    n, d = 0, a
    while d < b:
        d += dt.timedelta(days=1)
        n += d.weekday() < 5 and d not in HOLIDAYS
    return n


def utc(ts: pd.Timestamp) -> dt.datetime:
    return ts.tz_convert("UTC").tz_localize(None).to_pydatetime()


# ------------------------------------------------------------------ generated caseloads
DESCRIPTIONS = ["Call to the house", "Home visit", "Referral received", "Assessment completed"]


@st.composite
def caseloads(draw: Any) -> list[dict[str, Any]]:
    """Events within three days of the spring or autumn change of one or two years in 2000-2031
    (later years are read as typing errors), half of them inside the repeated or skipped hour,
    some dated only to the day, some spans."""
    years = draw(st.lists(st.integers(2000, 2031), min_size=1, max_size=2, unique=True))
    n = draw(st.integers(2, 30))
    rows = []
    for i in range(n):
        year = draw(st.sampled_from(years))
        day = last_sunday(year, draw(st.sampled_from([3, 10])))
        offset = draw(st.one_of(st.integers(-3 * 1440, 3 * 1440), st.integers(60, 119)))
        wall = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=offset)
        dated_only = draw(st.integers(0, 5)) == 0
        span = None if dated_only or draw(st.booleans()) else draw(st.integers(0, 600))
        rows.append({
            "event_id": f"e{i:03d}",
            "case_id": draw(st.sampled_from(["a", "b"])),
            "agency": draw(st.sampled_from(["police", "csc"])),
            "wall": wall.replace(hour=0, minute=0) if dated_only else wall,
            "end_wall": None if span is None else wall + dt.timedelta(minutes=span),
            "description": draw(st.sampled_from(DESCRIPTIONS)),
        })
    return rows


def text(w: dt.datetime) -> str:
    return w.strftime("%d/%m/%Y %H:%M")


def build(rows: list[dict[str, Any]]) -> chron.Chronology:
    frame = pd.DataFrame({
        "event_id": [r["event_id"] for r in rows],
        "case_id": [r["case_id"] for r in rows],
        "agency": [r["agency"] for r in rows],
        "start": [text(r["wall"]) for r in rows],
        "end": [None if r["end_wall"] is None else text(r["end_wall"]) for r in rows],
        "description": [r["description"] for r in rows],
    })
    return chron.Chronology.from_events(frame, source="around-the-clock-change.csv")


def reference_events(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each event's UTC start (and end), whether dated only to the day, and whether uncertain."""
    out = {}
    for r in rows:
        w, ew = r["wall"], r["end_wall"]
        out[r["event_id"]] = {
            "event_id": r["event_id"], "case_id": r["case_id"], "agency": r["agency"],
            "start": utc_of_wall(w), "end": None if ew is None else utc_of_wall(ew),
            "day": w.time() == dt.time(0),  # "00:00" means no time recorded: the day
            "uncertain": kind_of_wall(w) is not None or (ew is not None and kind_of_wall(ew) is not None),
        }
    return out


def reference_gaps(ref: dict[str, dict[str, Any]], by_agency: bool) -> set[tuple[Any, ...]]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in ref.values():
        groups.setdefault((r["case_id"], r["agency"] if by_agency else None), []).append(r)
    found = set()
    for (case, agency), g in groups.items():
        reach, before = None, None
        for r in sorted(g, key=lambda r: (r["start"], r["event_id"])):
            cover = r["start"] if r["end"] is None else max(r["start"], r["end"])
            if reach is not None and r["start"] > reach:
                a, b = wall_of_utc(reach).date(), wall_of_utc(r["start"]).date()
                found.add((case, agency, before, r["event_id"], reach, r["start"], (b - a).days,
                           working_days(a, b), round((r["start"] - reach).total_seconds() / 3600, 6)))
            if reach is None or cover >= reach:
                reach, before = cover, r["event_id"]
    return found


def our_gaps(c: chron.Chronology, by_agency: bool) -> set[tuple[Any, ...]]:
    g = c.gaps(by="agency" if by_agency else None)
    return {
        (r.case_id, r.agency if by_agency else None, r.before_event_id, r.after_event_id,
         utc(r.start), utc(r.end), int(r.days), int(r.working_days), round(r.hours, 6))
        for r in g.itertuples()
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caseloads())
def test_events_around_clock_changes_are_kept_and_measured(rows: list[dict[str, Any]]) -> None:
    c = build(rows)
    ref = reference_events(rows)
    # nothing lost: every row is an event, none is a reject, every start is a time
    assert len(c.events) == len(rows)
    assert c.rejects.empty
    ev = c.events.set_index("event_id")
    assert ev["start"].notna().all()
    for eid, r in ref.items():
        assert utc(ev.at[eid, "start"]) == r["start"], eid
        if r["end"] is not None:
            assert utc(ev.at[eid, "end"]) == r["end"], eid
        assert bool(ev.at[eid, "uncertain"]) == r["uncertain"], eid
    # the provenance note says how many times were resolved
    odd = sum(r["uncertain"] for r in ref.values())
    note = c.provenance["notes"].iloc[0]
    assert (odd == 0) == (note is None or pd.isna(note))
    # gaps, per case and per agency: the same gaps as the hand computation, none dropped
    for by_agency in (False, True):
        assert our_gaps(c, by_agency) == reference_gaps(ref, by_agency)
        for r in c.gaps(by="agency" if by_agency else None).itertuples():
            assert r.approximate == (ref[r.before_event_id]["uncertain"] or ref[r.after_event_id]["uncertain"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caseloads(), st.sampled_from(["1 working day", "6 hours", "1 day"]))
def test_intervals_around_clock_changes(rows: list[dict[str, Any]], limit: str) -> None:
    """Each police event to the first social care event at or after it: every start measured once,
    the same end, hours, days, working days, due date and breach as by hand."""
    c = build(rows)
    rule = chron.Interval("police to social care", start=chron.Match(agency="police"),
                          end=chron.Match(agency="csc"), limit=limit)
    got = c.intervals(rule).set_index("start_event_id")
    ref = reference_events(rows)
    starts = [r for r in ref.values() if r["agency"] == "police"]
    assert sorted(got.index) == sorted(r["event_id"] for r in starts)  # no start lost, none twice
    order = [r["event_id"] for r in sorted(ref.values(), key=lambda r: (r["case_id"], r["start"], r["event_id"]))]
    ends = []
    for r in ref.values():
        if r["agency"] != "csc":
            continue
        # an end counts from the latest moment it can have happened: a dated-only one, its day's end
        nxt = dt.datetime.combine(wall_of_utc(r["start"]).date() + dt.timedelta(days=1), dt.time(0))
        reach = utc_of_wall(nxt) - dt.timedelta(microseconds=1) if r["day"] else r["start"]
        ends.append((r["case_id"], reach, order.index(r["event_id"]), r))
    for s in starts:
        row = got.loc[s["event_id"]]
        sd = wall_of_utc(s["start"]).date()
        if limit == "1 working day":
            d = sd + dt.timedelta(days=1)
            while d.weekday() >= 5 or d in HOLIDAYS:
                d += dt.timedelta(days=1)
            due = utc_of_wall(dt.datetime.combine(d, dt.time(0)))
        elif limit == "1 day":
            due = utc_of_wall(dt.datetime.combine(sd + dt.timedelta(days=1), dt.time(0)))
        else:
            due = s["start"] + dt.timedelta(hours=6)
        assert utc(row["due_by"]) == due
        later = sorted((reach, pos, e) for case, reach, pos, e in ((x[0], x[1], x[2], x[3]) for x in ends)
                       if case == s["case_id"] and reach >= s["start"]) if ends else []
        if not later:
            assert pd.isna(row["end_event_id"])
            assert pd.isna(row["breached"])
            continue
        e = later[0][2]
        assert row["end_event_id"] == e["event_id"]
        ed = wall_of_utc(e["start"]).date()
        hours = max(0.0, (e["start"] - s["start"]).total_seconds() / 3600)
        days, wd = max(0, (ed - sd).days), max(0, working_days(sd, ed))
        assert (round(row["hours"], 6), row["days"], row["working_days"]) == (round(hours, 6), days, wd)
        over = {"1 working day": wd > 1, "6 hours": hours > 6, "1 day": days > 1}[limit]
        assert bool(row["breached"]) == over


# ------------------------------------------------------------------ the stages one by one
def test_localize_wall_matches_the_uk_rule_2000_2035() -> None:
    walls = []
    for year in range(2000, 2036):
        for day in (last_sunday(year, 3), last_sunday(year, 10)):
            base = dt.datetime.combine(day, dt.time(0))
            walls += [base + dt.timedelta(minutes=m) for m in range(-60, 240, 7)]
    s = pd.Series(pd.to_datetime(walls))
    got = localize_wall(s)
    assert got.notna().all()
    assert [utc(t) for t in got] == [utc_of_wall(w) for w in walls]
    assert [None if pd.isna(k) else k for k in clock_change(s)] == [kind_of_wall(w) for w in walls]
    # every 7 minutes from 23:00: 8 times in each odd hour, twice a year for 36 years
    assert clock_change(s).value_counts().to_dict() == {"missing": 36 * 8, "repeated": 36 * 8}


def test_a_file_with_times_in_the_odd_hours(tmp_path: Path) -> None:
    """A police export with a date and a time column: nothing dropped, the odd times resolved,
    flagged, and listed by row in provenance."""
    p = tmp_path / "police.csv"
    p.write_text(
        "Date,Time,Details\n"
        "26/10/2024,23:10,Call from neighbour\n"
        "27/10/2024,01:30,Officers attended\n"
        "27/10/2024,01:45,Child spoken to\n"
        "27/10/2024,09:00,Referral to children's social care\n"
        "31/03/2024,01:20,Concern for welfare\n",
        encoding="utf-8",
    )
    c = chron.read(p, agency="police", case_id="k")
    ev = c.events.sort_values("source_row")
    assert len(ev) == 5
    assert c.rejects.empty
    assert [str(t) for t in ev["start"]] == [
        "2024-10-26 23:10:00+01:00", "2024-10-27 01:30:00+01:00", "2024-10-27 01:45:00+01:00",
        "2024-10-27 09:00:00+00:00", "2024-03-31 02:00:00+01:00",
    ]
    assert ev["uncertain"].tolist() == [False, True, True, False, True]
    note = c.provenance["notes"].iloc[0]
    assert "2 times fell in the hour repeated when the clocks went back" in note
    assert "first (BST) occurrence (rows 3, 4)" in note
    assert "1 time fell in the hour skipped when the clocks went forward" in note
    assert "(row 6)" in note
    # the gap after the repeated-hour event is there (it used to vanish), measured in real hours
    g = c.gaps().sort_values("start")
    pairs = list(zip(g["before_event_id"].str[-1], g["after_event_id"].str[-1], strict=True))
    assert pairs == [("6", "2"), ("2", "3"), ("3", "4"), ("4", "5")]
    times = [dt.datetime(2024, 3, 31, 1, 20), dt.datetime(2024, 10, 26, 23, 10),
             dt.datetime(2024, 10, 27, 1, 30), dt.datetime(2024, 10, 27, 1, 45), dt.datetime(2024, 10, 27, 9)]
    instants = [utc_of_wall(t) for t in times]
    assert g["hours"].round(6).tolist() == [
        round((b - a).total_seconds() / 3600, 6) for a, b in itertools.pairwise(instants)
    ]
    assert g["hours"].round(4).tolist()[1:] == [2.3333, 0.25, 8.25]
    # results from a resolved time are approximate
    assert g["approximate"].tolist() == [True, True, True, True]


def test_period_end_and_day_arithmetic_never_lose_a_time() -> None:
    walls = pd.Series(pd.to_datetime(["2024-10-27 01:30", "2024-10-26 01:30", "2024-03-30 01:30",
                                      "2024-10-25 01:30"]))
    when = localize_wall(walls)
    # a minute is an instant: +1 minute of the first (BST) occurrence itself
    pend = period_end(when, pd.Series(["minute"] * 4))
    assert (pend - when == pd.Timedelta(minutes=1)).all()
    assert period_end(when, pd.Series(["day"] * 4)).notna().all()
    # calendar steps that land in the odd hours are resolved, never NaT
    one_day = parse_duration("1 day").add(when)
    assert [str(t) for t in one_day] == ["2024-10-28 01:30:00+00:00", "2024-10-27 01:30:00+01:00",
                                         "2024-03-31 02:00:00+01:00", "2024-10-26 01:30:00+01:00"]
    assert add_working_days(when, 1).notna().all()
    assert parse_duration("1 month").add(when).notna().all()


def test_filter_and_breaches_at_the_clock_change() -> None:
    frame = pd.DataFrame({
        "case_id": ["k"] * 3, "agency": ["csc"] * 3,
        "start": ["27/10/2024 01:30", "28/10/2024 10:00", "15/01/2025 10:00"],
        "event_type": ["referral", "contact", "assessment"],
        "description": ["Referral received from police", "Call to mother",
                        "Assessment completed and signed off"],
    })
    c = chron.Chronology.from_events(frame)
    # a bound given in the repeated hour is its first occurrence, not an error
    assert len(c.filter(start="2024-10-27 01:30")) == 3
    b = c.breaches()
    row = b[b["rule"].str.contains("45 working days")].iloc[0]
    assert row["start_event_id"].endswith(":1")
    assert row["end_event_id"].endswith(":3")
    start, end = utc_of_wall(dt.datetime(2024, 10, 27, 1, 30)), dt.datetime(2025, 1, 15, 10)
    assert row["hours"] == pytest.approx((end - start).total_seconds() / 3600)
    assert row["working_days"] == working_days(dt.date(2024, 10, 27), dt.date(2025, 1, 15))
    assert bool(row["breached"]) == bool(row["working_days"] > 45)
    assert pd.notna(row["due_by"])


# ------------------------------------------------------------------ an independent engine
def _independent() -> Any:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "independent.py"
    spec = importlib.util.spec_from_file_location("bench_independent", path)
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_duckdb_gaps_equal_ours_on_a_synthetic_caseload(tmp_path: Path) -> None:
    """The benchmark caseload (small) plus an ambulance export timed around the clock changes of
    2019-2024: DuckDB SQL finds the same gaps per case and per agency, none dropped."""
    pytest.importorskip("duckdb")
    ind = _independent()
    folder = write_synthetic(synthetic(150, 40, seed=3), tmp_path / "caseload")
    rows = []
    for i, year in enumerate(range(2019, 2025)):
        for m in (3, 10):
            base = dt.datetime.combine(last_sunday(year, m), dt.time(0))
            for k, minutes in enumerate((45, 61, 90, 119, 125, 600)):
                rows.append((f"SYN{(i * 17 + k * 5 + m) % 150:06d}", text(base + dt.timedelta(minutes=minutes))))
    extra = tmp_path / "ambulance.csv"
    pd.DataFrame({"Case ref": [r[0] for r in rows], "Date/Time": [r[1] for r in rows],
                  "Details": "Ambulance attended"}).to_csv(extra, index=False)
    c = chron.combine([chron.read_case(folder), chron.read(extra, agency="ambulance")])
    amb = c.events[c.events["agency"] == "ambulance"]
    assert len(amb) == len(rows)  # none dropped
    assert int(amb["uncertain"].sum()) == 6 * 2 * 3  # 01:01, 01:30, 01:59 at both changes, six years
    for by in (None, "agency"):
        res = ind.compare_gaps(c.gaps(by=by), ind.duckdb_gaps(c.events, by=by))
        assert res["ours"] > len(c.events) // 2  # most events are followed by a gap
        assert (res["only_ours"], res["only_independent"], res["differ"]) == (0, 0, 0), res


# ------------------------------------------------------------------ times that carry their own zone
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1997, max_value=2030),  # later years are implausible dates
    st.lists(st.integers(min_value=-180, max_value=180), min_size=1, max_size=12),
    st.sampled_from(["UTC", "Europe/London", "Europe/Paris"]),
)
def test_zoned_times_keep_their_instant_across_the_october_change(
    year: int, minutes: list[int], zone: str
) -> None:
    """A time with its own zone is an exact instant: kept as that instant (the second, GMT, 01:30
    stays 01:30 GMT), never flagged uncertain, and gaps between them equal the instants' differences."""
    base = autumn(year)  # 01:00 UTC, the clocks go back
    instants = sorted({base + dt.timedelta(minutes=m) for m in minutes})
    start = pd.Series(pd.to_datetime(instants).tz_localize("UTC").tz_convert(zone))
    c = chron.Chronology.from_events(pd.DataFrame({
        "case_id": "x", "agency": "police", "start": start,
        "description": [f"call {i}" for i in range(len(instants))],
    }))
    got = sorted(utc(t) for t in c.events["start"])
    assert got == instants
    assert not c.events["uncertain"].any()
    g = c.gaps()
    want = [(b - a).total_seconds() / 3600 for a, b in itertools.pairwise(instants)]
    assert sorted(g["hours"].round(6).tolist()) == sorted(round(h, 6) for h in want)


def test_zoned_and_naive_times_together() -> None:
    """Naive wall times in the repeated hour are still resolved to BST and flagged; zoned ones are exact."""
    au = autumn(2024)
    start = pd.Series([pd.Timestamp(au + dt.timedelta(minutes=30), tz="UTC"), pd.Timestamp("2024-10-27 01:30")],
                      dtype="object")
    c = chron.Chronology.from_events(pd.DataFrame({
        "case_id": "x", "agency": "police", "start": start, "description": ["zoned", "naive"]}))
    ev = c.events.set_index("description")
    assert utc(ev.loc["zoned", "start"]) == au + dt.timedelta(minutes=30)  # 01:30 GMT, the second 01:30
    assert utc(ev.loc["naive", "start"]) == au - dt.timedelta(minutes=30)  # 01:30 BST, the first
    assert not ev.loc["zoned", "uncertain"]
    assert ev.loc["naive", "uncertain"]
