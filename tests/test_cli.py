"""The command line: exit codes, one-line errors, and each verb's output."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import chronology as chron
from chronology.cli import main

BAD = Path(__file__).parent / "data" / "bad"


def test_validate_clean_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BAD / "blank_rows.csv"), "--agency", "police"]) == 0
    out = capsys.readouterr().out
    assert "5 rows read = 2 events + 0 rejects + 3 blank" in out


def test_validate_with_rejects_exits_1_and_prints_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BAD / "feb31.csv")]) == 1
    out = capsys.readouterr().out
    assert "REJECT feb31.csv, row 2, column 'Date': '31/02/2024': not a real calendar date" in out


def test_validate_unreadable_file_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BAD / "encrypted.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("chronology validate: error: encrypted.xlsx: ")
    assert "password-protected" in err
    assert "remove the password" in err
    assert "Traceback" not in err


def test_validate_uses_case_toml_next_to_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    folder = chron.samples.path("carlos")
    assert main(["validate", str(folder / "police.csv")]) == 0
    assert "(agency police" in capsys.readouterr().out


def test_column_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "legal.csv"
    p.write_text("When,Matter\nw/c 25 Dec 2006,Letter\n")
    assert main(["validate", str(p), "--agency", "legal", "--column", "When=date", "--column", "Matter=description"]) == 0
    assert main(["validate", str(p), "--column", "oops"]) == 2
    assert "--column takes HEADING=FIELD" in capsys.readouterr().err


def test_merge_writes_an_excel_chronology(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "integrated.xlsx"
    assert main(["merge", str(chron.samples.path("carlos")), "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "Chronology" in wb.sheetnames
    assert f"wrote {out}" in capsys.readouterr().out


def test_metrics_prints_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", str(chron.samples.path("cassie")), "--min-gap-days", "20"]) == 0
    out = capsys.readouterr().out
    assert "Gaps of 20 days or more" in out
    assert "Statutory timescale breaches" in out
    assert "Missing follow-ups" in out


def test_missing_case_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["metrics", str(tmp_path)]) == 2
    assert "no case.toml" in capsys.readouterr().err


def test_help_on_each_verb(capsys: pytest.CaptureFixture[str]) -> None:
    for verb in ("validate", "merge", "report", "metrics", "demo"):
        with pytest.raises(SystemExit) as info:
            main([verb, "--help"])
        assert info.value.code == 0
        assert "usage: chronology " + verb in capsys.readouterr().out


def test_report_writes_self_contained_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "carlos.html"
    assert main(["report", str(chron.samples.path("carlos")), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "plotly" in html
    assert 'src="http' not in html
    assert "no network needed" in capsys.readouterr().out
