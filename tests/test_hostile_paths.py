"""Operating-system errors wherever a path is touched are refusals naming the file, never a bare
``PermissionError`` or ``OSError``: a file or folder without read permission, a broken drive, a
pipe or a device named like a chronology, a names or key file that cannot be read or written.

Permissions are simulated where the tests may run as root (root reads every file).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import chronology as chron
from chronology.errors import SourceReadError
from chronology.io import read_tables
from chronology.privacy import personalise, pseudonymise

CSV = b"Date,Details\r\n01/03/2024,Home visit\r\n"


@pytest.fixture
def files(tmp_path: Path, write_xlsx: Callable[..., Path], write_docx: Callable[..., Path]) -> list[Path]:
    """The same one-event chronology as a CSV, a workbook and a Word table."""
    csv_p = tmp_path / "police.csv"
    csv_p.write_bytes(CSV)
    rows = [["Date", "Details"], ["01/03/2024", "Home visit"]]
    return [csv_p, write_xlsx("school.xlsx", rows), write_docx("health.docx", rows)]


def _raising(real, target: Path, exc: OSError):  # type: ignore[no-untyped-def]
    def method(self: Path, *args: object, **kwargs: object) -> object:
        if Path(self).name == target.name:
            raise exc
        return real(self, *args, **kwargs)

    return method


@pytest.mark.parametrize("method", ["stat", "open"])
@pytest.mark.parametrize("error", [PermissionError(errno.EACCES, "Permission denied"),
                                   OSError(errno.EIO, "Input/output error")])
def test_an_os_error_on_any_file_is_a_refusal_naming_it(
    files: list[Path], monkeypatch: pytest.MonkeyPatch, method: str, error: OSError
) -> None:
    for path in files:
        with monkeypatch.context() as m:
            m.setattr(Path, method, _raising(getattr(Path, method), path, error))
            with pytest.raises(SourceReadError) as info:
                chron.read(path, agency="police", case_id="c")
        msg = str(info.value)
        assert path.name in msg
        assert ("permission" in msg) if isinstance(error, PermissionError) else ("cannot be read" in msg)
        assert info.value.hint


def test_the_files_read_without_the_fault(files: list[Path]) -> None:
    for path in files:
        c = chron.read(path, agency="police", case_id="c")
        assert c.events["description"].tolist() == ["Home visit"]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads every file")
def test_a_real_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.csv"
    path.write_bytes(CSV)
    path.chmod(0)
    try:
        with pytest.raises(SourceReadError, match="locked.csv.*permission"):
            read_tables(path)
    finally:
        path.chmod(0o600)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_named_like_a_csv_is_refused_without_waiting(tmp_path: Path) -> None:
    path = tmp_path / "police.csv"
    os.mkfifo(path)
    with pytest.raises(SourceReadError, match="police.csv.*not a regular file"):
        read_tables(path)


def test_a_folder_named_like_a_file_and_a_path_with_a_nul(tmp_path: Path) -> None:
    (tmp_path / "police.csv").mkdir()
    with pytest.raises(SourceReadError, match="folder"):
        read_tables(tmp_path / "police.csv")
    nul = r"^police\x00\.csv: is not a usable path \(embedded null byte\); check the file name"
    with pytest.raises(SourceReadError, match=nul):
        read_tables(str(tmp_path / "police\x00.csv"))


def test_names_and_key_files_that_cannot_be_read_or_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ev = pd.DataFrame({"description": pd.Series(["Jo Smith called"], dtype="str")})
    names = tmp_path / "names.csv"
    names.write_text("Jo Smith,Mother\n", encoding="utf-8")
    key = tmp_path / "key.toml"
    assert pseudonymise(ev, names, key=key)["description"].tolist() == ["Mother called"]
    denied = PermissionError(errno.EACCES, "Permission denied")
    with monkeypatch.context() as m:
        m.setattr(Path, "is_file", _raising(Path.is_file, names, denied))
        with pytest.raises(SourceReadError, match="names.csv"):
            pseudonymise(ev, names)
    with monkeypatch.context() as m:
        m.setattr(Path, "read_text", _raising(Path.read_text, key, denied))
        with pytest.raises(SourceReadError, match="key.toml"):
            personalise(ev, key)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "replace", full)
        with pytest.raises(SourceReadError, match="key2.toml.*No space"):
            pseudonymise(ev, names, key=tmp_path / "key2.toml")
    assert not list(tmp_path.glob(".key2.toml*")), "no temporary key left behind"


def test_the_readme_states_every_limit() -> None:
    from chronology.io import _guard

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    limits = readme.split("### Limits", 1)[1].split("\n## ", 1)[0]
    for value in (_guard.MAX_COLUMNS, _guard.MAX_TABLE_COLUMNS, _guard.MAX_CELL_CHARS, _guard.MAX_RATIO,
                  _guard.MAX_ZIP_ENTRIES):
        assert f"{value:,}" in limits, value
    for size in (_guard.MAX_FILE_BYTES, _guard.MAX_UNPACKED_BYTES, _guard.MAX_PART_BYTES,
                 _guard.MAX_LOADED_PART_BYTES):
        text = f"{size >> 30} GB" if size >= 1 << 30 else f"{size >> 20} MB"
        assert text in limits, text
    assert f"{_guard.MAX_CELLS // 1_000_000} million" in limits
