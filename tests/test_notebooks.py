"""The worked-example notebooks run top to bottom, and their findings hold.

Each ``notebooks/NN_*.py`` (jupytext percent format) is read with jupytext and executed with nbclient in
a fresh ``python3`` kernel, with ``notebooks/`` as the working directory. The notebooks ``assert`` their
key findings against the sample cases' ``FACTS.md``, so a wrong number fails here, not just an exception.
A cell that writes to stderr (a warning shown to the reader) fails too.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.py"))
EXPECTED = ["00_quickstart", "01_cassie", "02_carlos", "03_camille", "04_cross_cutting"]
TIMEOUT = 300


def _failure(nb: nbformat.NotebookNode) -> str:
    """The source and error of the first cell that failed or wrote to stderr, for the test report."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cell {i}:\n{cell.source}\n\n{out['ename']}: {out['evalue']}"
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                return f"cell {i} wrote to stderr:\n{cell.source}\n\n{out['text']}"
    return ""


# --------------------------------------------------------------------------- the folder
def test_the_five_notebooks_are_there() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


def test_jupytext_pairs_py_with_ipynb() -> None:
    config = tomllib.loads((FOLDER / "jupytext.toml").read_text(encoding="utf-8"))
    assert config["formats"] == "ipynb,py:percent"
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "notebooks/*.ipynb" in ignored


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_a_text_notebook_with_assertions(path: Path) -> None:
    nb = jupytext.read(path)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    kinds = [c.cell_type for c in nb.cells]
    assert kinds[0] == "markdown"
    assert kinds.count("markdown") >= 5
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    # the findings are checked in code, not just shown
    assert code.count("assert ") >= (3 if path.stem == "00_quickstart" else 10)
    assert ".show()" not in code
    # listed in the folder's README
    assert path.stem in (FOLDER / "README.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- execution
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_its_findings_hold(path: Path) -> None:
    nb = jupytext.read(path)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(FOLDER)}},
    )
    try:
        client.execute()
    except CellExecutionError:
        pytest.fail(f"{path.name} failed at {_failure(nb)}", pytrace=False)
    problem = _failure(nb)
    assert not problem, f"{path.name}: {problem}"
    # every figure has a title, so it explains itself
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            fig = out.get("data", {}).get("application/vnd.plotly.v1+json")
            if fig is not None:
                title = fig["layout"].get("title", {})
                assert (title.get("text") if isinstance(title, dict) else title), cell.source
