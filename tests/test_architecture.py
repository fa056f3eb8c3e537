"""The layers of issue 18, drawn from the code by ``scripts/architecture.py``: no loop between
packages, no import of ``chronology.chronology`` from a layer below it, no private name imported across
packages, no function over 80 lines or of cyclomatic complexity over 15."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("architecture", ROOT / "scripts" / "architecture.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def found() -> dict[str, list[str]]:
    return _script().report(ROOT)


@pytest.mark.parametrize("kind", ["loops", "facade_from_below", "private", "big"])
def test_layers_hold(found: dict[str, list[str]], kind: str) -> None:
    if kind == "big":
        pytest.importorskip("radon")  # complexity is checked with radon's count as well as the script's own
    assert found[kind] == [], f"{kind}:\n" + "\n".join(found[kind])


def test_the_check_sees_each_kind_of_fault(tmp_path: Path) -> None:
    """A tiny package with a loop, an import of the facade from below, a private import and a
    long, branchy function: each is reported (so the test above cannot pass by seeing nothing)."""
    pkg = tmp_path / "src" / "chronology"
    (pkg / "plot").mkdir(parents=True)
    (pkg / "report").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "chronology.py").write_text("from .plot import draw\n")
    (pkg / "plot" / "__init__.py").write_text(
        "from ..chronology import Chronology\nfrom ..report._common import _helper\n\ndef draw():\n    pass\n"
    )
    (pkg / "plot" / "other.py").write_text("import chronology.chronology\nimport chronology.report._common\n")
    (pkg / "report" / "__init__.py").write_text("")
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(20))
    (pkg / "report" / "_common.py").write_text(
        "def _helper(x):\n" + branches + "    return None\n" + textwrap.indent("pass\n" * 70, "    ")
    )
    got = _script().report(tmp_path)
    assert got["loops"] == ["chronology.chronology -> chronology.plot"]
    assert got["facade_from_below"] == ["chronology.plot imports chronology.chronology (Chronology)",
                                        "chronology.plot.other imports chronology.chronology"]
    assert any("chronology.report._common" in p for p in got["private"])
    assert "chronology.plot.other imports private module chronology.report._common" in got["private"]
    assert len(got["big"]) == 1
    assert "_helper: 112 lines, complexity 21" in got["big"][0]
