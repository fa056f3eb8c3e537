"""A mistyped case folder is named as missing, with the folders of a close name beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

import chronology as chron
from chronology.errors import ManifestError


def test_a_mistyped_folder_suggests_the_close_one(tmp_path: Path) -> None:
    (tmp_path / "cassie").mkdir()
    (tmp_path / "carlos").mkdir()
    with pytest.raises(ManifestError, match=r"no such folder.*did you mean '.*cassie'\?"):
        chron.read_case(tmp_path / "casie")


def test_no_suggestion_when_nothing_is_close(tmp_path: Path) -> None:
    (tmp_path / "cassie").mkdir()
    with pytest.raises(ManifestError, match="no such folder") as info:
        chron.read_case(tmp_path / "zzz")
    assert "did you mean" not in str(info.value)
