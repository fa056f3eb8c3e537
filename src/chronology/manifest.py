"""``case.toml`` manifests: which agency files make up a case; a folder without one reads as one case.

``case.toml`` keys: ``case_id`` (required), ``title``, and one ``[[files]]`` table per agency file
with ``path`` (required, relative to the folder), ``agency``, ``sheet``, ``columns`` (heading to
field, overriding what is inferred), ``date_formats``, ``service``, ``case_id`` (for that file),
``expected_events`` and ``note`` (kept, not used by the reader). A folder with no ``case.toml`` is
read by :func:`infer_manifest`: every ``.csv``, ``.xlsx`` and ``.docx`` file in it, the case id from
the folder's name and each file's agency from its name, with a note in provenance.

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

__all__ = ["CaseFile", "Manifest", "infer_manifest", "load_manifest", "manifest_for"]

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


def _near(path: Path) -> str:
    """``"; did you mean 'x'?"`` for folders beside ``path`` with a close name, else ``""``."""
    import difflib

    try:
        parent = path.parent if str(path.parent) else Path(".")
        names = [q.name for q in parent.iterdir() if q.is_dir()] if parent.is_dir() else []
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.75)
    return "; did you mean " + " or ".join(repr(str(path.parent / c)) for c in close) + "?" if close else ""


def load_manifest(folder: str | os.PathLike[str]) -> Manifest:
    """Read ``folder/case.toml`` (or a path to the toml itself) and check it."""
    p = Path(folder)
    toml_path = p if p.suffix == ".toml" else p / "case.toml"
    data = _read_toml(toml_path)
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
    files = [_case_file(entry, i, toml_path) for i, entry in enumerate(entries, start=1)]
    extra = {k: v for k, v in data.items() if k not in ("case_id", "title", "files")}
    return Manifest(
        folder=toml_path.parent, case_id=case_id, title=data.get("title"), files=files, extra=extra
    )


def _read_toml(toml_path: Path) -> dict[str, Any]:
    """The parsed manifest; refuses a missing folder (suggesting a close name), a missing file or bad TOML."""
    folder_path = toml_path.parent
    if not folder_path.is_dir():
        raise ManifestError(
            "no such folder" if not folder_path.exists() else "is not a folder",
            file=str(folder_path),
            hint="check the spelling of the case folder (its path is relative to the current folder)"
            + _near(folder_path),
        )
    if not toml_path.exists():
        raise ManifestError(
            "no case.toml manifest",
            file=str(toml_path),
            hint="create case.toml with case_id and a [[files]] table per agency file (see the README "
            "section 'Reading agency files'), or read the folder with chronology.read_case(), which "
            "infers the files and agencies when there is no case.toml",
        )
    try:
        return tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"is not valid TOML ({exc})", file=toml_path.name) from exc


def _case_file(entry: Any, i: int, toml_path: Path) -> CaseFile:
    """The ``i``-th ``[[files]]`` entry, checked: a path to a file that exists, only known keys."""
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
    return CaseFile(
        path=fp,
        agency=entry.get("agency"),
        sheet=entry.get("sheet"),
        columns=entry.get("columns"),
        date_formats=entry.get("date_formats"),
        service=entry.get("service"),
        case_id=entry.get("case_id"),
        extra={k: v for k, v in entry.items() if k in ("expected_events", "note")},
    )


def manifest_for(folder: str | os.PathLike[str]) -> Manifest:
    """``folder/case.toml`` when there is one, else the manifest inferred from the folder."""
    p = Path(folder)
    if p.suffix == ".toml" or (p / "case.toml").exists() or not p.is_dir():
        return load_manifest(p)
    return infer_manifest(p)


def infer_manifest(folder: str | os.PathLike[str]) -> Manifest:
    """A manifest for a case folder without ``case.toml``: one case, every agency file in it.

    The case id is the folder's name; each ``.csv``, ``.xlsx``/``.xlsm`` and ``.docx`` file is read
    (hidden files and Office lock files ``~$...`` are skipped), its agency inferred from its name
    (``police.csv``, ``Northshire CAMHS chronology.docx``, ``school.xlsx``) and noted in provenance.
    A file whose name names no agency is refused with the fix: rename it, or write a ``case.toml``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "case-17"
    >>> d.mkdir()
    >>> _ = (d / "Police chronology.csv").write_text("Date,Details\\n01/03/2024,Call\\n")
    >>> m = infer_manifest(d)
    >>> m.case_id, m.files[0].agency, m.files[0].extra["inferred"]
    ('case-17', 'police', "no case.toml: agency 'police' inferred from the file name 'Police chronology.csv'")
    """
    from .io import SUPPORTED
    from .normalise.vocab import agency_of

    p = Path(folder)
    if not p.is_dir():
        raise ManifestError("is not a folder", file=str(p), hint="pass the case folder")
    found = sorted(
        f for f in p.iterdir()
        if f.is_file() and f.suffix.lower() in SUPPORTED and not f.name.startswith((".", "~$"))
    )
    if not found:
        raise ManifestError(
            "has no case.toml and no agency files (.csv, .xlsx, .docx)",
            file=str(p),
            hint="put the agencies' files in the folder, or write a case.toml listing them",
        )
    files = []
    unknown = []
    for f in found:
        words = f.stem.replace("_", " ").replace("-", " ").replace(".", " ")
        agency = agency_of(words)
        if agency is None:
            unknown.append(f.name)
            continue
        files.append(
            CaseFile(
                path=f,
                agency=agency,
                extra={"inferred": f"no case.toml: agency {agency!r} inferred from the file name {f.name!r}"},
            )
        )
    if unknown:
        raise ManifestError(
            f"has no case.toml, and the agency of {', '.join(map(repr, unknown))} cannot be told "
            "from the file name",
            file=str(p),
            hint="rename the file after its agency (e.g. police.csv, camhs.docx, school.xlsx), or "
            'write a case.toml with a [[files]] table for it: path = "...", agency = "..."',
        )
    return Manifest(folder=p, case_id=p.resolve().name, title=None, files=files)
