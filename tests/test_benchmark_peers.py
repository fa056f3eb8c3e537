"""The benchmark's peers (``benchmarks/peers.py``) give our answers: the check ``make bench`` runs
before it times them, here on a small synthetic caseload, so a change on either side is caught."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

import chronology as chron
from chronology.synthetic import synthetic, write_synthetic

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def peers() -> Any:
    spec = importlib.util.spec_from_file_location("peers", ROOT / "benchmarks" / "peers.py")
    assert spec
    assert spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["peers"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, chron.Chronology]:
    folder = tmp_path_factory.mktemp("caseload")
    write_synthetic(synthetic(30, 50, 3), folder)
    return folder, chron.read_case(folder)


def _summary(result: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    return {k: (v["ours"], v["peer"], v["only_ours"], v["only_peer"])
            for k, v in result.items() if isinstance(v, dict)}


def test_pandas_peer_equals_ours(peers: Any, caseload: tuple[Path, chron.Chronology]) -> None:
    folder, ours = caseload
    ev, rej = peers.pandas_normalise(peers.pandas_read(folder))
    result = peers.check(ours, "pandas", ev, rej, peers.pandas_gaps(ev), peers.pandas_breaches(ev))
    assert result["equal"], _summary(result)
    assert result["gaps"]["ours"] > 500
    assert result["breaches"]["ours"] > 50
    assert result["rejects"]["ours"] == len(ours.rejects)


def test_polars_peer_equals_ours(peers: Any, caseload: tuple[Path, chron.Chronology]) -> None:
    pytest.importorskip("polars")
    folder, ours = caseload
    ev, rej = peers.polars_normalise(peers.polars_read(folder))
    g, b = peers.polars_gaps(ev), peers.polars_breaches(ev)
    result = peers.check(ours, "polars", ev.to_pandas(), rej.to_pandas(), g.to_pandas(), b.to_pandas())
    assert result["equal"], _summary(result)
    assert result["events"]["ours"] == len(ours.events)


def test_the_check_sees_a_difference(peers: Any, caseload: tuple[Path, chron.Chronology]) -> None:
    """A peer that drops one gap is not equal: the check can fail."""
    folder, ours = caseload
    ev, rej = peers.pandas_normalise(peers.pandas_read(folder))
    gaps = peers.pandas_gaps(ev).iloc[1:]
    result = peers.check(ours, "pandas", ev, rej, gaps, peers.pandas_breaches(ev))
    assert not result["equal"]
    assert result["gaps"]["only_ours"] == 1
