"""The README cannot rot: every ```python block runs as pasted, and every ``$ chronology ...`` command
of a ```console block runs and prints what the README shows.

Both run in a temporary folder holding the repository's ``data/`` (as a link), so the paths are the
README's own (relative to the repository root) and nothing is written into the checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK_RE = re.compile(r"^```(\w+)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks(lang: str) -> list[str]:
    return [body for kind, body in BLOCK_RE.findall(README) if kind == lang]


def _commands() -> list[tuple[str, str]]:
    """``(command, output shown)`` for each ``$ chronology`` line of the console blocks."""
    out = []
    for body in _blocks("console"):
        for part in re.split(r"^\$ ", body, flags=re.MULTILINE)[1:]:
            command, _, shown = part.partition("\n")
            out.append((command.strip(), shown))
    return out


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    return tmp_path


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def test_the_readme_has_examples() -> None:
    assert _blocks("python"), "no ```python block in the README"
    verbs = {cmd.split()[1] for cmd, _ in _commands()}
    assert {"validate", "merge", "report", "metrics", "demo"} <= verbs, verbs


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_block_runs(index: int, repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _blocks("python")[index]
    monkeypatch.chdir(repo_copy)
    exec(compile(code, f"README.md python block {index + 1}", "exec"), {"__name__": "__readme__"})
    # files the block reads exist from the repository root (the README's promise)
    for path in re.findall(r'"((?:data|notebooks)/[^"]+)"', code):
        assert (ROOT / path).exists(), path


@pytest.mark.parametrize(("command", "shown"), _commands(), ids=[c for c, _ in _commands()])
def test_command_prints_what_the_readme_shows(command: str, shown: str, repo_copy: Path) -> None:
    exe = shutil.which("chronology", path=str(Path(sys.executable).parent)) or shutil.which("chronology")
    assert exe, "the chronology command is not installed"
    args = [exe, *command.split()[1:]]
    env = {**os.environ, "COLUMNS": "120", "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run(args, cwd=repo_copy, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    if shown.strip():
        assert _lines(done.stdout) == _lines(shown), f"README shows:\n{shown}\nthe command prints:\n{done.stdout}"
    for target in re.findall(r"-o (\S+)", command):
        assert (repo_copy / target).exists(), target
