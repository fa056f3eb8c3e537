"""Notebook hygiene: no outputs are ever committed, so a reviewer's outputs holding personal data
cannot slip into a repository. Notebooks are text first: the jupytext ``.py`` files in notebooks/ are the
source; ``.ipynb`` files there are generated, ignored by git, and must be stripped if ever tracked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def notebook_problems(nb: dict[str, Any]) -> list[str]:
    """What would leak from a notebook: outputs, execution counts, saved widget state."""
    problems = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {i} has an execution count")
        if cell.get("attachments"):
            problems.append(f"cell {i} has attachments")
    if "widgets" in nb.get("metadata", {}):
        problems.append("saved widget state in the notebook metadata")
    return problems


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    return subprocess.run([git, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def _tracked_notebooks() -> list[Path]:
    proc = _git("ls-files", "-z", "--", "*.ipynb")
    if proc.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / p for p in proc.stdout.split("\0") if p]


def test_the_check_finds_outputs() -> None:
    leaky = {
        "cells": [
            {"cell_type": "markdown", "source": "# Cassie"},
            {
                "cell_type": "code",
                "execution_count": 3,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "Cassie Smith, DOB ..."}],
                "source": "c.events",
            },
        ],
        "metadata": {"widgets": {"state": {}}},
    }
    assert notebook_problems(leaky) == [
        "cell 1 has outputs",
        "cell 1 has an execution count",
        "saved widget state in the notebook metadata",
    ]
    clean = {"cells": [{"cell_type": "code", "execution_count": None, "outputs": [], "source": "c"}], "metadata": {}}
    assert notebook_problems(clean) == []


def test_tracked_notebooks_have_no_outputs() -> None:
    problems = {}
    for path in _tracked_notebooks():
        if not path.is_file():  # deleted in the working tree
            continue
        found = notebook_problems(json.loads(path.read_text(encoding="utf-8")))
        if found:
            problems[str(path.relative_to(ROOT))] = found
    assert not problems, f"strip outputs before committing (jupyter nbconvert --clear-output): {problems}"


def test_generated_notebooks_are_ignored_by_git() -> None:
    proc = _git("check-ignore", "-q", "notebooks/any_review.ipynb")
    if proc.returncode == 128:
        pytest.skip("not a git checkout")
    assert proc.returncode == 0, "notebooks/*.ipynb must be in .gitignore: the .py files are the source"


def _sources() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.py")) if NOTEBOOKS.is_dir() else []


def test_notebook_sources_are_jupytext_py_files() -> None:
    sources = _sources()
    if not sources:
        pytest.skip("notebooks/ has no notebooks yet")
    for path in sources:
        text = path.read_text(encoding="utf-8")
        header = text.split("\n\n", 1)[0]
        assert "jupytext:" in header, f"{path.name} has no jupytext header"
        assert "format_name: percent" in header, f"{path.name} is not a jupytext percent file"
        assert "# %%" in text, f"{path.name} has no '# %%' cells"


def test_every_notebook_in_notebooks_has_its_py_source() -> None:
    ipynbs = sorted(NOTEBOOKS.glob("*.ipynb")) if NOTEBOOKS.is_dir() else []
    if not ipynbs and not _sources():
        pytest.skip("notebooks/ is empty")
    missing = [p.name for p in ipynbs if not p.with_suffix(".py").is_file()]
    assert not missing, f"notebooks without a jupytext .py source: {missing}"
