"""``io._guard.guarded`` and ``check_zip`` report a broken file as damaged, but never hide a bug of
our own code (an AssertionError, AttributeError, NameError or TypeError raised in the package)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import chronology as chron
from chronology.errors import SourceReadError
from chronology.io import _guard
from chronology.io import _table as table_mod
from chronology.io import excel as excel_mod


@pytest.fixture
def workbook(write_xlsx: Callable[..., Path]) -> Path:
    """A one-event police workbook."""
    return write_xlsx("police.xlsx", [["Date", "Details"], ["01/03/2024", "Home visit, child seen alone"]])


def test_a_bug_in_our_reader_code_is_not_called_a_damaged_file(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    def broken(*args: object, **kwargs: object) -> None:
        table_mod.make_table(None, 0, None)  # type: ignore[arg-type]  # a bug inside the package

    # make_table is called inside guarded() by the Excel reader
    monkeypatch.setattr(excel_mod, "make_table", broken)
    with pytest.raises(AttributeError, match="shape"):
        chron.read(workbook, agency="police", case_id="k")


def test_a_library_error_on_a_broken_part_is_still_a_refusal(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='x' r:id='nope'/></sheets>")
    with pytest.raises(SourceReadError, match=r"broken\.xlsx: .*(damaged|cannot be)"):
        chron.read(path, agency="police", case_id="k")


@pytest.mark.parametrize("kind", [AssertionError, NameError, TypeError, AttributeError])
def test_is_own_bug_looks_at_where_the_error_was_raised(kind: type[Exception]) -> None:
    # code whose frame is a file of the package: each bug type raised there is our own bug
    in_package = compile("raise kind('raised in the package')", table_mod.__file__, "exec")
    with pytest.raises(kind) as inside:
        exec(in_package, {"kind": kind})
    assert _guard.is_own_bug(inside.value)
    with pytest.raises(KeyError) as lookup:
        exec(in_package, {"kind": KeyError})
    assert not _guard.is_own_bug(lookup.value)  # not a programming error, wherever it is raised
    with pytest.raises(kind) as outside:
        raise kind("raised in a test, not in the package")
    assert not _guard.is_own_bug(outside.value)
    assert not _guard.is_own_bug(KeyError("a library's lookup on a broken part"))


def test_check_zip_passes_our_own_bug_through(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    # a wrong type from a helper makes the package's own comparison fail (a bug, not damage)
    monkeypatch.setattr(_guard, "_eocd_entries", lambda f: "many")
    with pytest.raises(TypeError, match="not supported"):
        _guard.check_zip(workbook, "xlsx")
