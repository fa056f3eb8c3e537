"""``case.toml`` manifests: which agency files make up a case.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "police.csv").write_text("Date,Details\\n01/03/2024,Call\\n")
>>> _ = (d / "case.toml").write_text('case_id = "x"\\n[[files]]\\npath = "police.csv"\\nagency = "police"\\n')
>>> m = load_manifest(d)
>>> m.case_id, m.files[0].agency, m.files[0].path.name
('x', 'police', 'police.csv')
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ManifestError

__all__ = ["CaseFile", "Manifest", "load_manifest"]

_FILE_KEYS = {"path", "agency", "sheet", "columns", "date_formats", "service", "case_id", "expected_events", "note"}


@dataclass(frozen=True)
class CaseFile:
    """One agency file of a case."""

    path: Path
    agency: str | None
    sheet: str | int | None = None
    columns: dict[str, str | None] | None = None
    date_formats: list[str] | None = None
    service: str | None = None
    case_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """A parsed ``case.toml``."""

    folder: Path
    case_id: str
    title: str | None
    files: list[CaseFile]
    extra: dict[str, Any] = field(default_factory=dict)


def load_manifest(folder: str | os.PathLike[str]) -> Manifest:
    """Read ``folder/case.toml`` (or a path to the toml itself) and check it."""
    p = Path(folder)
    toml_path = p if p.suffix == ".toml" else p / "case.toml"
    folder_path = toml_path.parent
    if not folder_path.is_dir():
        raise ManifestError(
            "no such folder" if not folder_path.exists() else "is not a folder",
            file=str(folder_path),
            hint="check the spelling of the case folder (its path is relative to the current folder)",
        )
    if not toml_path.exists():
        raise ManifestError(
            "no case.toml manifest",
            file=str(toml_path),
            hint="create case.toml with case_id and a [[files]] table per agency file (see the README)",
        )
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"is not valid TOML ({exc})", file=toml_path.name) from exc
    case_id = data.get("case_id")
    if not case_id or not isinstance(case_id, str):
        raise ManifestError(
            "has no case_id", file=toml_path.name, hint='add a line like case_id = "cassie"'
        )
    entries = data.get("files")
    if not entries or not isinstance(entries, list):
        raise ManifestError(
            "lists no files",
            file=toml_path.name,
            hint='add [[files]] tables with path = "..." and agency = "..."',
        )
    files = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "path" not in entry:
            raise ManifestError(f"[[files]] entry {i} has no path", file=toml_path.name)
        unknown = set(entry) - _FILE_KEYS
        if unknown:
            raise ManifestError(
                f"[[files]] entry {i} has unknown keys: {', '.join(sorted(unknown))}",
                file=toml_path.name,
                hint=f"valid keys: {', '.join(sorted(_FILE_KEYS))}",
            )
        fp = toml_path.parent / entry["path"]
        if not fp.exists():
            raise ManifestError(
                f"[[files]] entry {i} names a file that does not exist",
                file=toml_path.name,
                value=entry["path"],
                hint="paths are relative to the folder of case.toml",
            )
        files.append(
            CaseFile(
                path=fp,
                agency=entry.get("agency"),
                sheet=entry.get("sheet"),
                columns=entry.get("columns"),
                date_formats=entry.get("date_formats"),
                service=entry.get("service"),
                case_id=entry.get("case_id"),
                extra={k: v for k, v in entry.items() if k in ("expected_events", "note")},
            )
        )
    extra = {k: v for k, v in data.items() if k not in ("case_id", "title", "files")}
    return Manifest(
        folder=toml_path.parent, case_id=case_id, title=data.get("title"), files=files, extra=extra
    )
