"""Performance budget (issue 8), checked without timing anything: speed is measured by
``make bench``, never by timed tests. These tests check the things that make the library fast
(lazy imports, explicit date formats, WebGL and aggregation in big timelines) and that every fast
path gives exactly the answers of the plain pandas code it replaces."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import warnings
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology import textmatch
from chronology.metrics._common import match_mask
from chronology.metrics.intervals import default_timescales
from chronology.normalise import dates as dates_mod
from chronology.normalise import vocab
from chronology.schema import sort_events as _sort_events
from chronology.synthetic import synthetic, write_synthetic


# ---------------------------------------------------------------------- lazy imports
def test_import_chronology_loads_no_heavy_module() -> None:
    code = (
        "import sys, chronology; "
        "print(','.join(m for m in ('pandas', 'numpy', 'pyarrow', 'pandera', 'plotly', 'openpyxl', "
        "'docx', 'ipywidgets', 'holidays') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_reading_and_measuring_do_not_load_plotting_or_office_libraries() -> None:
    code = (
        "import sys, pandas as pd, chronology as chron; "
        "c = chron.Chronology.from_events(pd.DataFrame({'case_id': ['x', 'x'], 'agency': ['police', 'csc'], "
        "'start': ['01/03/2024 10:00', 'Mar 2024'], 'description': ['Police called', 'Referral']})); "
        "c.gaps(); c.breaches(); "
        "print(','.join(m for m in ('plotly', 'openpyxl', 'docx', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# ---------------------------------------------------------------------- synthetic caseload on disk
@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> chron.Chronology:
    folder = write_synthetic(synthetic(n_cases=40, events_per_case=50, seed=3), tmp_path_factory.mktemp("caseload"))
    return chron.read_case(folder)


def test_reading_never_asks_pandas_to_guess_date_formats(tmp_path, monkeypatch) -> None:
    calls: list[tuple[bool, dict]] = []
    real = pd.to_datetime

    def is_text(arg) -> bool:
        values = pd.Series(arg).dropna() if not isinstance(arg, str) else pd.Series([arg])
        return len(values) > 0 and isinstance(values.iloc[0], str)

    def spy(arg, *args, **kwargs):
        calls.append((is_text(arg), kwargs))
        return real(arg, *args, **kwargs)

    monkeypatch.setattr(pd, "to_datetime", spy)
    folder = write_synthetic(synthetic(n_cases=3, events_per_case=40, seed=5), tmp_path)
    c = chron.read_case(folder)
    chron.samples.load("cassie")
    assert len(c.events) > 100
    text_calls = [k for text, k in calls if text]
    assert len(text_calls) > 5
    assert all(k.get("format") not in (None, "mixed", "ISO8601") for k in text_calls)
    assert not any(k.get("format") == "mixed" or k.get("infer_datetime_format") for _, k in calls)


# ---------------------------------------------------------------------- timeline: WebGL and aggregation
def test_big_timeline_uses_webgl_and_aggregates_when_zoomed_out(tmp_path) -> None:
    tl = importlib.import_module("chronology.plot.timeline")  # the module (the package exports the function)

    folder = write_synthetic(synthetic(n_cases=1, events_per_case=tl.AGGREGATE_ABOVE + 500, seed=7), tmp_path / "big")
    big = chron.read_case(folder)
    assert len(big.events) > tl.AGGREGATE_ABOVE
    fig = big.timeline(gaps=False, breaches=False)
    points = sum(len(t.x) for t in fig.data if getattr(t, "x", None) is not None)
    assert points < len(big.events) / 2, "a zoomed-out caseload is drawn as counts, not one mark per event"

    mid = big.filter(lambda e: pd.Series(e.index < tl.WEBGL_ABOVE + 200, index=e.index))
    fig = mid.timeline(gaps=False, breaches=False, detail=False)
    marker_types = {t.type for t in fig.data if t.type.startswith("scatter") and t.mode and "markers" in t.mode}
    assert marker_types == {"scattergl"}

    small = big.filter(lambda e: pd.Series(e.index < 300, index=e.index))
    fig = small.timeline(gaps=False, breaches=False, detail=False)
    assert "scattergl" not in {t.type for t in fig.data}


# ---------------------------------------------------------------------- fast paths = plain pandas
_ALPHABET = st.sampled_from(
    [*"abcdeghilmnoprstuwy CALSTD0123456789.,;:-'/_&\n",
     "é", "ö", "ß", "’", "“", "”", "–", "£", "\u00a0", "\u0301", "K", "ſ", "ı", "İ", "٣", "²", "😀",
       "ǅ", "ﬁ", "Ａ", "µ", "Ω", "ж", "\u200d", "Å", "ẞ",
       "call", "called", "phone", "letter", "arrest", "referral", "seen", "visit", "missing", "A&E",
       "strategy discussion", "self-harm", "discharged", "escalated to"]
)
_TEXTS = st.lists(st.one_of(st.none(), st.lists(_ALPHABET, max_size=12).map("".join)), min_size=1, max_size=25)
_RULE_PATTERNS = [
    p for r in default_timescales() for m in (r.start, r.end) for one in getattr(m, "matches", (m,))
    for p in (getattr(one, "text", None), getattr(one, "exclude", None)) if p
]
_PATTERNS = [p for _, p in vocab._patterns()] + _RULE_PATTERNS + [
    r"\bseen\b(?: alone)?", r"call_\w+", r"[a-z]+-[a-z]+", r"\d{2}", r"^\w", r"(?:^|[^-a-z])escalat\w*",
    r"[^.;\n]{0,5}visit", r"[A-z]", r"\Bll", r"\W\w", r"caf.", r"self[- ]?harm\w*",
]


def _pandas_contains(texts: list[str | None], pattern: str) -> list[bool]:
    s = pd.Series(texts, dtype="str")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression")
        return s.str.contains(pattern, case=False, regex=True).fillna(False).astype(bool).tolist()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=_TEXTS, pattern=st.sampled_from(_PATTERNS), data=st.data())
def test_contains_gives_the_answers_of_str_contains(texts, pattern, data) -> None:
    expected = _pandas_contains(texts, pattern)
    assert textmatch.contains(pd.Series(texts, dtype="str"), pattern).tolist() == expected
    rows = data.draw(st.lists(st.integers(0, len(texts) - 1), unique=True).map(sorted))
    prepared = textmatch.Text(pd.Series(texts, dtype="str"))
    assert textmatch.contains(prepared, pattern, rows=np.array(rows, dtype="int64")).tolist() == [expected[i] for i in rows]


def test_stand_ins_follow_pythons_re() -> None:
    assert textmatch._stand_in_for("é") == "_"  # a word character
    assert textmatch._stand_in_for("’") == "\x01"  # punctuation
    assert textmatch._stand_in_for("\u00a0") == "\x01"
    for c in ("K", "ſ", "ı", "İ", "٣"):  # Kelvin sign, long s, dotless i, dotted I, Arabic-Indic three
        assert textmatch._stand_in_for(c) is None
    assert textmatch._stand_in_safe(r"\bcall\b") == "all"
    assert textmatch._stand_in_safe(r"call_\w+") == "punctuation"
    assert textmatch._stand_in_safe(r"[A-z]") == "punctuation"
    assert textmatch._stand_in_safe("caf\u00e9") is None
    assert textmatch._stand_in_safe(r"\x41") is None


def _infer_event_type_plain(text: pd.Series, default: str = "other") -> pd.Series:
    """The first event-type pattern matching, the plain pandas way (the reference)."""
    s = pd.Series(text).astype("str")
    out = pd.Series(pd.NA, index=s.index, dtype="object")
    for code, pattern in vocab._patterns():
        todo = out.isna()
        hit = pd.Series(_pandas_contains(s[todo].tolist(), pattern), index=s[todo].index)
        out[hit[hit].index] = code
    return out.fillna(default)


@settings(max_examples=60, deadline=None)
@given(texts=_TEXTS)
def test_infer_event_type_is_the_first_matching_pattern(texts) -> None:
    s = pd.Series(texts, dtype="str")
    expected = _infer_event_type_plain(s).tolist()
    assert vocab.infer_event_type(s).tolist() == expected
    with mock.patch.object(vocab, "_FEW_ROWS", 0):
        assert vocab.infer_event_type(s).tolist() == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=_TEXTS, patterns=st.lists(st.sampled_from(_PATTERNS), min_size=1, max_size=9))
def test_first_match_is_trying_the_patterns_in_order(texts, patterns) -> None:
    # the halving search over alternations finds what a pattern-by-pattern cascade finds, whatever
    # the mix of engines (RE2, RE2 with stand-ins, Python's re) the patterns need
    expected = [-1] * len(texts)
    for k in reversed(range(len(patterns))):
        for i, hit in enumerate(_pandas_contains(texts, patterns[k])):
            if hit:
                expected[i] = k
    text = textmatch.Text(pd.Series(texts, dtype="str"))
    assert vocab.first_match(text, patterns).tolist() == expected  # few texts: one by one
    with mock.patch.object(vocab, "_FEW_ROWS", 0):  # many texts: the halving search
        assert vocab.first_match(text, patterns).tolist() == expected


def test_per_distinct_equals_the_plain_function() -> None:
    s = pd.Series([" Y", "n/k", None, "Seen alone", "x\r\ny", "\u200bA", "N "] * 2000, dtype="str")
    pd.testing.assert_series_equal(vocab.clean_text(s), vocab._clean_text(s))
    pd.testing.assert_series_equal(vocab.child_seen(s), vocab._child_seen(s))


_DATE_BITS = st.sampled_from(
    ["12", "3", "03", "31", "2024", "24", "/", ".", "-", " ", ":", "14", "30", "Mar", "March", "w/c ", "?",
     "approx ", "T", ",", "th", "Sept", "00", "1999", "2107", "2"]
)


@settings(max_examples=120, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.lists(_DATE_BITS, min_size=1, max_size=7).map("".join)),
                       min_size=1, max_size=20))
def test_date_formats_skipped_only_when_they_cannot_match(values) -> None:
    s = pd.Series(values, dtype="str")
    fast = dates_mod.parse_dates(s, max_year=2030)
    original = dates_mod._required_characters
    try:
        dates_mod._required_characters = lambda fmt: ()
        plain = dates_mod.parse_dates(s, max_year=2030)
    finally:
        dates_mod._required_characters = original
    pd.testing.assert_frame_equal(fast, plain)


def test_parse_times_per_distinct_equals_all_rows() -> None:
    v = pd.Series(["14:30", None, "0915", "late", "2:05pm", "12am", " 10.15 ", "24:00"] * 300, dtype="str")
    pd.testing.assert_frame_equal(dates_mod.parse_times(v), dates_mod._parse_times(v))


def test_rule_matching_gives_the_answers_of_match_mask(caseload) -> None:
    ev = caseload.events.copy()
    ev.loc[ev.index[::7], "description"] = ev["description"].iloc[::7] + " — Zoë’s nan called"
    for rule in default_timescales():
        for m in (rule.start, rule.end):
            if m is None:
                continue
            assert match_mask(m, ev).tolist() == m.mask(ev).tolist(), rule.name


def test_sort_events_equals_sort_values(caseload) -> None:
    ev = caseload.events.sample(frac=1.0, random_state=1).reset_index(drop=True)
    ev.loc[ev.index[::5], "source_sheet"] = "Sheet1"
    ev.loc[ev.index[::3], "start"] = ev["start"].iloc[0]  # ties
    plain = ev.sort_values(["start", "source", "source_sheet", "source_row"], kind="stable",
                           na_position="first").reset_index(drop=True)
    pd.testing.assert_frame_equal(_sort_events(ev), plain)
    moved = ev.copy()
    pd.testing.assert_frame_equal(_sort_events(moved, consume=True), plain)
    assert moved.columns.empty  # its columns were moved into the result


def test_csv_fast_path_reads_what_the_slow_path_reads(tmp_path, monkeypatch) -> None:
    from chronology.io import csv as csv_mod
    from chronology.io import read_tables

    folder = write_synthetic(synthetic(n_cases=4, events_per_case=60, seed=11), tmp_path)
    monkeypatch.setattr(csv_mod, "_HEAD_BYTES", 1500)  # exercise the sniff-on-the-first-lines path too
    for path in sorted(folder.glob("*.csv")):
        fast = read_tables(path)[0]
        used: list[int] = []
        real = csv_mod._read_arrow
        monkeypatch.setattr(csv_mod, "_read_arrow", lambda *a, used=used, **k: used.append(1))
        slow = read_tables(path)[0]
        monkeypatch.setattr(csv_mod, "_read_arrow", real)
        assert used, "the slow path was taken"
        pd.testing.assert_frame_equal(fast.cells, slow.cells)
        assert (fast.rows == slow.rows).all()
        assert (fast.rows_read, fast.blank_rows, fast.encoding, fast.delimiter) == (
            slow.rows_read, slow.blank_rows, slow.encoding, slow.delimiter)


def test_no_regex_in_the_hot_paths_falls_back_to_python_on_ascii_text() -> None:
    """Patterns pandas never gives to RE2 (``\\s``, look-around) would be slow on every column."""
    from chronology.textmatch import _re2_safe

    for _, pattern in vocab._patterns():
        assert _re2_safe(pattern), pattern
    for rule in default_timescales():
        for m in (rule.start, rule.end):
            for one in getattr(m, "matches", (m,)):
                for p in (getattr(one, "text", None), getattr(one, "exclude", None)):
                    if p:
                        assert _re2_safe(p), (rule.name, p)
    assert not re.search(r"\\s", "".join(p for _, p in vocab._patterns()))


def test_a_chronology_sorts_its_events_once_for_all_its_metrics(monkeypatch) -> None:
    from chronology import metrics
    from chronology.metrics import _common

    c = chron.samples.load("carlos")
    calls: list[int] = []
    real = _common._prepare
    monkeypatch.setattr(_common, "_prepare", lambda ev: calls.append(len(ev)) or real(ev))
    g, b, s = c.gaps(min_days=2), c.breaches(), c.tag().silences()  # tag() keeps the same events
    assert calls == [len(c.events)]
    # the shared working frame gives the answers of the plain functions
    pd.testing.assert_frame_equal(g, metrics.gaps(c.events, min_days=2))
    pd.testing.assert_frame_equal(b, metrics.breaches(c.events))
    pd.testing.assert_frame_equal(s, metrics.silences(c.events))
    assert len(calls) == 4  # the plain functions prepare their own
    # other events, another working frame
    later = c.filter(start="2024-09-01")
    later.gaps()
    assert calls[-1] == len(later.events) < len(c.events)


@pytest.mark.parametrize("name", ["cassie", "carlos", "camille"])
def test_reading_files_two_at_a_time_gives_the_same_chronology(name) -> None:
    one = chron.read_case(chron.samples.path(name), workers=1)
    two = chron.read_case(chron.samples.path(name), workers=2)
    for a, b in ((one.events, two.events), (one.rejects, two.rejects), (one.provenance, two.provenance)):
        pd.testing.assert_frame_equal(a, b)


def test_read_case_workers_must_be_a_positive_whole_number() -> None:
    with pytest.raises(chron.errors.OptionError, match="workers"):
        chron.read_case(chron.samples.path("cassie"), workers=0)
