"""Reports reviewers can share: an Excel workbook, one self-contained offline HTML page, a Word
table for the review panel, a CSV of the events, and PNG/SVG images of figures.

Each writer takes a :class:`~chronology.Chronology` and a path and returns the path written; the
Chronology is not modified. The analyses in the reports come from the Chronology's own methods
(:mod:`chronology.metrics`, :mod:`chronology.themes`, :mod:`chronology.plot`).

Examples
--------
>>> import chronology as chron
>>> c = chron.samples.load("cassie")             # doctest: +SKIP
>>> c.to_excel("cassie.xlsx"); c.to_html("cassie.html"); c.to_docx("cassie.docx")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .csv import to_csv
    from .docx import to_docx
    from .excel import to_excel
    from .html import to_html
    from .images import export_image

__all__ = ["export_image", "to_csv", "to_docx", "to_excel", "to_html"]

_LAZY = {
    "to_csv": ("chronology.report.csv", "to_csv"),
    "to_excel": ("chronology.report.excel", "to_excel"),
    "to_html": ("chronology.report.html", "to_html"),
    "to_docx": ("chronology.report.docx", "to_docx"),
    "export_image": ("chronology.report.images", "export_image"),
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'chronology.report' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
