"""The command line as a user meets it: every verb and output format, tables that fit 120 columns,
hints in command-line syntax, a closed pipe, help for every option."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

import chronology as chron
from chronology.cli import WIDTH, _parser, cli_hint, main

BAD = Path(__file__).parent / "data" / "bad"
PYTHON_SYNTAX = re.compile(r"\b(columns|date_formats|case_id|agency|sheet)=|read_case\(|read\(\)")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".docx"])
def test_merge_writes_each_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, carlos: chron.Chronology
) -> None:
    case = carlos
    out = tmp_path / f"carlos{suffix}"
    assert main(["merge", str(chron.samples.path("carlos")), "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    if suffix == ".csv":
        back = chron.read(out, agency="other", case_id="carlos")
        assert len(back.events) == len(case.events)
        assert back.rejects.empty
        # the same moments, at the same precision
        assert sorted(back.events["start"]) == sorted(case.events["start"])
        assert (back.events["precision"].astype("str").value_counts().to_dict()
                == case.events["precision"].astype("str").value_counts().to_dict())
    elif suffix == ".xlsx":
        wb = openpyxl.load_workbook(out, read_only=True)
        assert wb.sheetnames[0] == "Chronology"
        assert sum(1 for _ in wb["Chronology"].iter_rows()) == len(case.events) + 1
    else:
        (table,) = [t for t in docx.Document(str(out)).tables if t.rows[0].cells[-1].text == "Source (file, row)"]
        assert len(table.rows) == len(case.events) + 1


def test_merge_refuses_an_unknown_output_type_naming_the_choices(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["merge", str(chron.samples.path("carlos")), "-o", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "x.pdf" in err
    assert ".xlsx" in err
    assert ".csv" in err
    assert ".docx" in err
    assert not (tmp_path / "x.pdf").exists()


def test_metrics_fits_120_columns_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    for name in chron.samples.names():
        assert main(["metrics", str(chron.samples.path(name))]) == 0
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= WIDTH
        assert "Statutory timescale breaches" in out
        assert "Missing follow-ups" in out
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", out), "snake_case shown to a reader"
        assert not re.search(r"\+0[01]:00|UTC|NaT|<NA>|\bnan\b", out)
        assert ":table 1:" not in out
        assert "event_id" not in out


def test_metrics_cassie_lists_the_ae_breaches_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", str(chron.samples.path("cassie"))]) == 0
    out = capsys.readouterr().out
    assert "3 of 14 checks breached" in out
    assert re.search(r"A&E 4-hour standard\s+04/03/2024 14:10\s+20/03/2024 19:10\s+389 hours\s+4 hours", out)
    assert "A&E 12 hours from" in out  # the 12-hour breach is listed, not folded into another


def _run(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "chronology.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_metrics_survives_a_closed_pipe() -> None:
    proc = _run("metrics", str(chron.samples.path("camille")))
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.stderr.close()
    code = proc.wait(timeout=120)
    assert "Traceback" not in err
    assert "BrokenPipe" not in err
    assert "Exception ignored" not in err
    assert code in (0, 141)


def test_every_option_of_every_verb_has_help() -> None:
    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"validate", "merge", "report", "metrics", "demo"}
    for verb, p in sub.choices.items():
        assert p.description, verb
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{verb} {action.dest} has no help text"


def test_rejects_hint_in_command_line_syntax(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BAD / "us_month_first.csv")]) == 1
    out = capsys.readouterr().out
    assert '--date-format "%m/%d/%Y"' in out
    assert not PYTHON_SYNTAX.search(out)
    assert max(len(line) for line in out.splitlines()) <= WIDTH


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["validate", str(BAD / "no_date_column.csv")], '--column "<heading>='),
        (["validate", str(BAD / "no_description_column.csv")], '--column "<heading>=description"'),
        (["validate", str(chron.samples.path("carlos"))], "chronology merge CASE_DIR"),
    ],
)
def test_errors_hint_in_command_line_syntax(capsys: pytest.CaptureFixture[str], args: list[str], flag: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert flag in err
    assert not PYTHON_SYNTAX.search(err), err


def test_a_mistyped_folder_says_no_such_folder(capsys: pytest.CaptureFixture[str]) -> None:
    typo = str(chron.samples.path("cassie")) + "e"
    for verb in ("merge", "report", "metrics"):
        assert main([verb, typo]) == 2
        err = capsys.readouterr().err
        assert "no such folder" in err
        assert "case.toml" not in err


@pytest.mark.parametrize(
    ("python", "cli"),
    [
        ("pass case_id='<child or case>' to read(), or map a column", 'pass --case-id "<child or case>", or map a column'),
        ("fill the agency cell, or pass agency=... for the whole file", "fill the agency cell, or pass --agency AGENCY for the whole file"),
        ("correct the cell or pass date_formats=[...]", "correct the cell or pass --date-format FORMAT"),
        ("no Python here", "no Python here"),
    ],
)
def test_cli_hint(python: str, cli: str) -> None:
    assert cli_hint(python) == cli


class _ClosedPipe:
    """A stdout whose reader has gone (``| head`` after its lines)."""

    def __init__(self, lines: int) -> None:
        self.left = lines

    def write(self, text: str) -> int:
        self.left -= text.count("\n")
        if self.left < 0:
            raise BrokenPipeError(32, "Broken pipe")
        return len(text)

    def flush(self) -> None:
        if self.left < 0:
            raise BrokenPipeError(32, "Broken pipe")

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("no descriptor")


@pytest.mark.parametrize("lines", [0, 3, 12])
def test_metrics_ends_quietly_when_the_reader_stops(monkeypatch: pytest.MonkeyPatch, lines: int) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe(lines))
    assert main(["metrics", str(chron.samples.path("cassie"))]) == 141
