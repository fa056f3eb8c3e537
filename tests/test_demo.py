"""The demo runner: executed notebooks are saved; a failing cell is a named, one-line error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from chronology.demo import find_notebooks, run_notebook
from chronology.errors import ChronologyError


def test_notebooks_are_found_in_order() -> None:
    names = [p.name for p in find_notebooks()]
    assert names == sorted(names)
    assert names[0] == "00_quickstart.py"
    assert len(names) == 5


def test_run_notebook_saves_outputs_and_names_a_failing_cell(tmp_path: Path) -> None:
    good = tmp_path / "01_good.py"
    good.write_text("# %%\nx = 6 * 7\nprint(x)\n")
    out = run_notebook(good, tmp_path / "out", timeout=120)
    nb = nbformat.read(out, as_version=4)
    assert nb.cells[0].outputs[0]["text"].strip() == "42"
    bad = tmp_path / "02_bad.py"
    bad.write_text("# %%\nassert 1 == 2, 'the finding changed'\n")
    with pytest.raises(ChronologyError, match=r"02_bad.py.*a notebook cell failed") as info:
        run_notebook(bad, tmp_path / "out", timeout=120)
    assert "the finding changed" in str(info.value)
