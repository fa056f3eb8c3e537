"""The per-case metrics on Apache Spark (``Caseload.on_spark``): ``groupBy("case_id").applyInPandas``
of the very function the in-memory and DuckDB paths run, with the same results.

Runs in its own venv (``make test-spark``: pyspark beside pandera changes pandera's imports) in
local mode; skipped where pyspark or Java is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

import chronology as chron
from chronology.scale import SparkCaseload, caseload, spark_events, spark_metric, write_parquet

pyspark = pytest.importorskip("pyspark")


def _java() -> bool:
    if shutil.which("java") is None:
        return False
    return subprocess.run(["java", "-version"], capture_output=True, check=False).returncode == 0


pytestmark = pytest.mark.skipif(not _java(), reason="Spark needs Java 17+ (make test-spark installs it)")

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


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # the Python workers must be this interpreter (its venv holds chronology), not the python3 on PATH
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    # the workers are not under pytest's warning filters: keep pyspark's pandas-3 notice off stderr
    os.environ["PYTHONWARNINGS"] = "ignore::FutureWarning"
    session = (
        SparkSession.builder.master("local[2]")
        .appName("chronology-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def synthetic_caseload(tmp_path_factory: pytest.TempPathFactory) -> chron.Chronology:
    from chronology.synthetic import synthetic, write_synthetic

    folder = write_synthetic(synthetic(n_cases=12, events_per_case=25, seed=11), tmp_path_factory.mktemp("syn"))
    return chron.read_case(folder)


def in_memory(c: chron.Chronology) -> dict[str, pd.DataFrame]:
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
    return frame.sort_values(list(frame.columns), kind="stable", na_position="first").reset_index(drop=True)


@pytest.mark.parametrize(("which", "partition_by"), [("samples", None), ("synthetic_caseload", "case_id")])
def test_spark_same_as_in_memory_and_duckdb(spark, request, tmp_path, which, partition_by) -> None:
    c = request.getfixturevalue(which)
    folder = write_parquet(c, tmp_path / "cl", partition_by=partition_by, rows_per_file=200)
    on_duckdb = caseload(folder, batch_events=100)
    on_spark = on_duckdb.on_spark(spark)
    assert isinstance(on_spark, SparkCaseload)
    # every metric on the worked examples; on the larger caseload the ones that pair or tag events
    # (Spark runs one job per metric, which costs seconds each on two cores)
    metrics = ALL if which == "samples" else {m: ALL[m] for m in ("gaps", "breaches", "tags")}
    got = on_spark.compute(metrics)
    want = {m: f for m, f in in_memory(c).items() if m in metrics}
    duck = on_duckdb.compute(metrics)
    for name, frame in want.items():
        assert len(frame), name
        pd.testing.assert_frame_equal(in_order(got[name]), in_order(frame), obj=name)
        pd.testing.assert_frame_equal(in_order(got[name]), in_order(duck[name]), obj=f"{name} (DuckDB)")
    # gaps are sorted by case first: the very frame of the in-memory verb, row for row
    pd.testing.assert_frame_equal(got["gaps"], want["gaps"], obj="gaps, row order")


def test_spark_verbs_and_written_results(spark, samples, tmp_path) -> None:
    on_spark = caseload(samples.to_parquet(tmp_path / "cl")).on_spark(spark)
    pd.testing.assert_frame_equal(on_spark.gaps(min_days=7, by="agency"), samples.gaps(min_days=7, by="agency"))
    paths = on_spark.compute({"voice": {}}, out=tmp_path / "out")
    back = pd.read_parquet(paths["voice"])
    assert len(back) == len(samples.voice())
    assert set(back["case_id"]) == {"cassie", "carlos", "camille"}


def test_spark_events_written_by_a_platform(spark, samples, tmp_path) -> None:
    """Events Spark itself wrote with partitionBy("case_id") (the id only in the folder names)."""
    folder = tmp_path / "platform"
    spark_events(spark, samples.to_parquet(tmp_path / "cl")).write.partitionBy("case_id").parquet(str(folder))
    events = spark.read.parquet(str(folder))
    got = spark_metric(events, "breaches").toPandas()
    want = samples.breaches()
    assert len(got) == len(want) > 0
    assert sorted(got["case_id"]) == sorted(want["case_id"])
