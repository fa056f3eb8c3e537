"""A caseload stored as partitioned Parquet, computed out of core on DuckDB (chronology.scale):
the same results as the whole caseload in memory, whatever the layout and the batch size."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import chronology as chron
from chronology.errors import ChronologyError, OptionError, SourceReadError
from chronology.scale import METRICS, EventValueError, caseload, run_metrics, write_parquet
from chronology.synthetic import synthetic, write_synthetic

pytest.importorskip("duckdb")

RULE = chron.Interval(
    "referral to assessment",
    start=chron.Match(event_type="referral"),
    end=chron.Match(event_type="assessment"),
    limit="45 working days",
)
ALL = {
    "gaps": {"min_days": 0},
    "intervals": {"rules": [RULE]},
    "breaches": {},
    "missing": {},
    "voice": {"freq": "M"},
    "silences": {},
    "activity": {"freq": "W"},
    "tags": {},
    "themes": {},
}


def in_memory(c: chron.Chronology) -> dict[str, pd.DataFrame]:
    """The reference: each verb on the whole caseload in memory, as an analyst calls it."""
    tagged = c.tag()
    return {
        "gaps": c.gaps(),
        "intervals": c.intervals([RULE]),
        "breaches": c.breaches(),
        "missing": c.missing(),
        "voice": c.voice(freq="M"),
        "silences": c.silences(),
        "activity": c.activity(freq="W"),
        "tags": tagged.tags,
        "themes": tagged.themes(by="case"),
    }


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted on every column: a caseload lists the rows case by case, while the in-memory
    verbs on a caseload may interleave cases (breaches rule by rule, tags in date order)."""
    return frame.sort_values(list(frame.columns), kind="stable", na_position="first").reset_index(drop=True)


def assert_same(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    assert set(got) == set(want)
    for name, frame in want.items():
        assert len(frame), f"{name}: the reference has no rows, so the comparison proves nothing"
        pd.testing.assert_frame_equal(in_order(got[name]), in_order(frame), obj=name)
        # and each case's rows in the order the verb gives them (but for themes: cases' themes with
        # equal counts come in the order of the whole caseload's counts)
        cases = frame["case_id"].unique()[:3] if "case_id" in frame and name != "themes" else []
        for case in cases:
            pd.testing.assert_frame_equal(
                got[name][got[name]["case_id"] == case].reset_index(drop=True),
                frame[frame["case_id"] == case].reset_index(drop=True), obj=f"{name}, case {case}",
            )


@pytest.fixture(scope="module")
def samples_reference(samples: chron.Chronology) -> dict[str, pd.DataFrame]:
    return in_memory(samples)


@pytest.fixture(scope="module")
def synthetic_caseload(tmp_path_factory: pytest.TempPathFactory) -> chron.Chronology:
    """A synthetic caseload read from its agency CSV exports, as the benchmark builds it."""
    folder = write_synthetic(synthetic(n_cases=24, events_per_case=25, seed=7), tmp_path_factory.mktemp("syn"))
    # the generator spoils about one date in a thousand; at 600 events that may be none, so spoil
    # one more as agencies do ("TBC" in the date column) to give the caseload a reject to carry
    csc = folder / "csc.csv"
    lines = csc.read_text(encoding="utf-8").splitlines(keepends=True)
    head, first = lines[1].split(",", 2)[:2]
    lines.append(lines[1].replace(f"{head},{first},", f"{head},TBC,", 1))
    csc.write_text("".join(lines), encoding="utf-8")
    c = chron.read_case(folder)
    assert c.events["case_id"].nunique() == 24
    return c


@pytest.fixture(scope="module")
def synthetic_reference(synthetic_caseload: chron.Chronology) -> dict[str, pd.DataFrame]:
    return in_memory(synthetic_caseload)


# ------------------------------------------------------------------------------ same results
@pytest.mark.parametrize("batch_events", [1, 100_000])
def test_samples_same_as_in_memory(samples, samples_reference, tmp_path, batch_events) -> None:
    folder = samples.to_parquet(tmp_path / "cl")
    got = caseload(folder, batch_events=batch_events, memory_limit="256MB").compute(ALL)
    assert_same(got, samples_reference)


@pytest.mark.parametrize(
    ("partition_by", "rows_per_file", "batch_events"),
    [(None, 120, 180), ("case_id", 1_000_000, 1_000_000)],
)
def test_synthetic_same_as_in_memory(
    synthetic_caseload, synthetic_reference, tmp_path, partition_by, rows_per_file, batch_events
) -> None:
    folder = write_parquet(synthetic_caseload, tmp_path / "cl", partition_by=partition_by,
                           rows_per_file=rows_per_file, row_group_size=64)
    files = list((folder / "events").rglob("*.parquet"))
    if partition_by == "case_id":
        assert len({p.parent.name for p in files}) == 24  # one folder per case
    elif rows_per_file == 200:
        assert len(files) > 3
    got = caseload(folder, batch_events=batch_events).compute(ALL)
    assert_same(got, synthetic_reference)


def test_verbs_match_compute(samples, samples_reference, tmp_path) -> None:
    cl = caseload(samples.to_parquet(tmp_path / "cl"), batch_events=50)
    # gaps and voice are sorted by case first: the very same frame, row for row
    pd.testing.assert_frame_equal(cl.gaps(), samples_reference["gaps"])
    pd.testing.assert_frame_equal(cl.voice(), samples_reference["voice"])
    pd.testing.assert_frame_equal(cl.gaps(min_days=7, by="agency"), samples.gaps(min_days=7, by="agency"))
    pd.testing.assert_frame_equal(in_order(cl.breaches()), in_order(samples_reference["breaches"]))
    pd.testing.assert_frame_equal(in_order(cl.themes()), in_order(samples_reference["themes"]))
    pd.testing.assert_frame_equal(in_order(cl.intervals([RULE])), in_order(samples_reference["intervals"]))


def test_appended_parts_and_a_case_split_across_them(synthetic_caseload, synthetic_reference, tmp_path) -> None:
    """A national dataset written one part at a time; one child's events arrive in two parts."""
    ev = synthetic_caseload.events
    cases = sorted(ev["case_id"].unique())
    split_case = cases[5]
    first = ev["case_id"].isin(cases[:12]) & ~((ev["case_id"] == split_case) & (ev.index % 2 == 0))
    folder = tmp_path / "cl"
    write_parquet(synthetic_caseload.filter(first), folder, rows_per_file=100)
    write_parquet(synthetic_caseload.filter(~first), folder, append=True, rows_per_file=100)
    meta = json.loads((folder / "caseload.json").read_text())
    assert meta["events"] == len(ev)
    assert meta["parts"] == 2
    got = caseload(folder, batch_events=250).compute(ALL)
    assert_same(got, synthetic_reference)


def test_batches_hold_whole_cases_and_respect_the_size(synthetic_caseload, tmp_path) -> None:
    cl = caseload(write_parquet(synthetic_caseload, tmp_path / "cl", rows_per_file=150), batch_events=100)
    batches = list(cl.batches())
    sizes = [len(b) for b in batches]
    per_case = synthetic_caseload.events["case_id"].value_counts()
    assert sum(sizes) == len(synthetic_caseload.events)  # nothing lost, nothing twice
    assert len(batches) > 5
    seen: set[str] = set()
    for b in batches:
        ids = set(b["case_id"])
        assert not ids & seen  # a case is never split across batches
        seen |= ids
        # DuckDB hands over record batches of up to 100 rows here: a batch is cut at the last case
        # boundary once 100 are held, so it stays under 200 rows unless one case is larger
        assert len(b) < 200 or b["case_id"].nunique() == 1
        pd.testing.assert_series_equal(b.dtypes, synthetic_caseload.events.dtypes)
    assert seen == set(per_case.index)
    assert cl.cases()["events"].sum() == len(synthetic_caseload.events)
    assert len(cl) == len(synthetic_caseload.events)


def test_results_written_to_parquet(samples, samples_reference, tmp_path) -> None:
    cl = caseload(samples.to_parquet(tmp_path / "cl"), batch_events=40)
    paths = cl.compute({"gaps": {}, "tags": {}}, out=tmp_path / "results")
    assert sorted(paths) == ["gaps", "tags"]
    assert len(list(paths["gaps"].glob("part-*.parquet"))) == 3  # one per batch (one case each)
    back = pd.read_parquet(paths["gaps"]).sort_values(["case_id", "start", "before_event_id"]).reset_index(drop=True)
    want = samples_reference["gaps"].sort_values(["case_id", "start", "before_event_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, want, check_dtype=False)
    assert back["before_event_id"].tolist() == want["before_event_id"].tolist()
    assert "before_description" not in back  # a gap names its events by id (describe() joins the text)
    with pytest.raises(OptionError, match="already holds results"):
        cl.compute({"gaps": {}}, out=tmp_path / "results")


def test_run_metrics_is_the_chronology_verbs(samples, samples_reference) -> None:
    got = run_metrics(samples.events, ALL)
    assert_same(got, samples_reference)


def test_lineage_kept(synthetic_caseload, tmp_path) -> None:
    """Rejects and per-file counts travel with the events: rows read = events + rejects + blank."""
    cl = caseload(write_parquet(synthetic_caseload, tmp_path / "cl"))
    assert len(synthetic_caseload.rejects) > 0  # at least the "TBC" date spoilt in the fixture
    pd.testing.assert_frame_equal(cl.rejects, synthetic_caseload.rejects, check_dtype=False)
    prov = cl.provenance
    assert prov["rows_read"].astype(int).sum() == len(cl) + len(cl.rejects) + prov["blank_rows"].astype(int).sum()
    back = cl.to_chronology()
    pd.testing.assert_frame_equal(back.events, synthetic_caseload.events)


def test_memory_limit_is_set(samples, tmp_path) -> None:
    cl = caseload(samples.to_parquet(tmp_path / "cl"), memory_limit="300MB", threads=1,
                  temp_directory=tmp_path / "spill")
    limit = cl._query("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t")
    assert limit["m"].iloc[0].replace(" ", "") in {"286.1MiB", "300.0MB", "300MB"}
    assert int(limit["t"].iloc[0]) == 1


def test_events_written_elsewhere(samples, samples_reference, tmp_path) -> None:
    """A folder a data platform wrote: hive folders per case with the id only in the path, plain
    strings for the vocabularies, UTC timestamps, a _SUCCESS marker and no caseload.json."""
    ev = samples.events.copy()
    for col in ("agency", "event_type", "precision"):
        ev[col] = ev[col].astype("str")
    for col in ("start", "end"):
        ev[col] = ev[col].dt.tz_convert("UTC")
    table = pa.Table.from_pandas(ev, preserve_index=False)
    folder = tmp_path / "platform"
    ds.write_dataset(table, folder, format="parquet", partitioning=["case_id"], partitioning_flavor="hive")
    (folder / "_SUCCESS").write_text("")
    assert "case_id" not in pq.read_schema(next(folder.rglob("*.parquet"))).names
    got = caseload(folder, batch_events=30).compute(ALL)
    assert_same(got, samples_reference)


# ------------------------------------------------------------------------------------- errors
def test_unknown_metric_and_options(samples, tmp_path) -> None:
    cl = caseload(samples.to_parquet(tmp_path / "cl"))
    with pytest.raises(OptionError, match=r"'gap': unknown metric; use one of: gaps, intervals"):
        cl.compute(["gap"])
    with pytest.raises(OptionError, match=r"'minutes': unknown option for voice; valid options: freq"):
        cl.compute({"voice": {"minutes": 3}})
    with pytest.raises(OptionError, match="intervals needs rules"):
        cl.compute(["intervals"])
    assert set(METRICS) == set(ALL)


def test_folder_errors(samples, tmp_path) -> None:
    with pytest.raises(SourceReadError, match="no caseload folder here"):
        caseload(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceReadError, match="no Parquet files"):
        caseload(tmp_path / "empty")
    folder = samples.to_parquet(tmp_path / "cl")
    with pytest.raises(OptionError, match="already holds a caseload.*append=True"):
        samples.to_parquet(folder)
    with pytest.raises(OptionError, match="partition_by"):
        samples.to_parquet(tmp_path / "x", partition_by="agency")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="batch_events"):
        caseload(folder, batch_events=0)


def test_foreign_files_missing_columns_and_bad_values(samples, tmp_path) -> None:
    lacking = tmp_path / "lacking"
    lacking.mkdir()
    pq.write_table(pa.table({"case_id": ["a"], "when": ["2024-01-01"]}), lacking / "p.parquet")
    with pytest.raises(SourceReadError, match=r"column 'event_id, agency, start, precision, description': the Parquet events lack canonical"):
        caseload(lacking).gaps()

    bad = tmp_path / "bad"
    bad.mkdir()
    ev = samples.events.head(5).copy()
    ev["agency"] = ev["agency"].astype("str")
    ev.loc[2, "agency"] = "Metropolitan Police"
    pq.write_table(pa.Table.from_pandas(ev, preserve_index=False), bad / "p.parquet")
    with pytest.raises(EventValueError, match=r"column 'agency': 'Metropolitan Police'.*vocabulary.*police"):
        caseload(bad).gaps()

    no_case = tmp_path / "nocase"
    no_case.mkdir()
    pq.write_table(pa.table({"event_id": ["a"]}), no_case / "p.parquet")
    with pytest.raises(SourceReadError, match="no case_id column"):
        caseload(no_case)


def test_errors_are_chronology_errors() -> None:
    assert issubclass(EventValueError, ChronologyError)


def test_top_level_name() -> None:
    assert chron.caseload is caseload
    assert "caseload" in chron.__all__
    assert Path(chron.scale.__file__).name == "scale.py"


# ------------------------------------------------------------------------- beyond the memory limit
def canonical_events(n_cases: int, per_case: int, seed: int = 3) -> pd.DataFrame:
    """A canonical events frame made directly (no agency files to read): ``n_cases`` children of
    ``per_case`` events each, with long case-note descriptions, so the caseload is large for little
    generation time."""
    import numpy as np

    from chronology.schema import CANONICAL_COLUMNS, CANONICAL_DTYPES

    rng = np.random.default_rng(seed)
    n = n_cases * per_case
    case = np.repeat(np.arange(n_cases), per_case)
    days = rng.integers(0, 2000, n)
    start = pd.to_datetime("2019-01-01") + pd.to_timedelta(days, unit="D")
    words = np.array(["visit", "home", "school", "police", "placement", "hospital", "child", "seen",
                      "mother", "SW", "DV", "CP", "plan", "review", "strategy", "referral"])
    text = pd.Series(words[rng.integers(0, len(words), (n, 30))].tolist()).str.join(" ")
    agencies = np.array(["csc", "police", "education", "health_acute", "health_camhs"])
    cols = {
        "event_id": pd.Series(np.arange(n)).astype("str").radd("e"),
        "case_id": pd.Series(case).astype("str").radd("C"),
        "agency": agencies[rng.integers(0, len(agencies), n)],
        "start": start.tz_localize("Europe/London", ambiguous="NaT", nonexistent="shift_forward"),
        "precision": "day",
        "event_type": np.array(["contact", "referral", "assessment", "home_visit", "other"])[rng.integers(0, 5, n)],
        "description": text,
        "source": "generated",
        "source_row": np.arange(n) + 2,
    }
    frame = pd.DataFrame(cols)
    for col in CANONICAL_COLUMNS:
        if col not in frame:
            frame[col] = pd.Series(False if CANONICAL_DTYPES[col] == "bool" else pd.NA, index=frame.index)
    return frame[CANONICAL_COLUMNS].astype({c: CANONICAL_DTYPES[c] for c in CANONICAL_COLUMNS})


def test_caseload_larger_than_duckdbs_memory_limit(tmp_path) -> None:
    """DuckDB sorts a caseload several times its memory limit by spilling, and the batches of
    whole cases give the in-memory results."""
    events = canonical_events(n_cases=3_000, per_case=150)
    c = chron.Chronology(events=events)
    folder = write_parquet(c, tmp_path / "cl", rows_per_file=60_000)
    size = pa.Table.from_pandas(events, preserve_index=False).nbytes
    limit = 64 * 2**20  # DuckDB needs about 64MB to sort wide rows at all (32MB: "failed to pin block")
    assert size > 2 * limit  # the caseload does not fit in DuckDB's memory
    cl = caseload(folder, memory_limit="64MB", batch_events=40_000, threads=1,
                  temp_directory=tmp_path / "spill")
    got = cl.compute({"gaps": {"min_days": 30}, "activity": {"freq": "M"}})
    pd.testing.assert_frame_equal(got["gaps"], c.gaps(min_days=30))
    pd.testing.assert_frame_equal(in_order(got["activity"]), in_order(c.activity(freq="M")))
    assert len(got["gaps"]) > 1_000
