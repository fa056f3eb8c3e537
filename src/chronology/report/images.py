"""Static images (PNG, SVG, PDF) of plotly figures, through kaleido and a local Chromium.

kaleido 1.x drives a Chromium browser installed on the machine; nothing is fetched from a network
(MathJax is switched off and kaleido uses the plotly.js that ships with plotly).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import ChronologyError, MissingDependencyError, OptionError

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["FORMATS", "export_image"]

ImageFormat = Literal["png", "svg", "pdf", "jpeg", "webp"]
#: Image formats :func:`export_image` writes.
FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "jpeg", "webp")


def export_image(
    fig: go.Figure,
    path: str | os.PathLike[str],
    *,
    format: ImageFormat | None = None,
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.0,
) -> Path:
    """Write a plotly figure as a static image with kaleido.

    Parameters
    ----------
    fig
        A plotly figure (e.g. ``c.timeline()``); not modified.
    path
        The file to write (overwritten).
    format
        ``"png"`` (default), ``"svg"``, ``"pdf"``, ``"jpeg"`` or ``"webp"``; by default taken
        from the file suffix, else PNG.
    width, height
        Size in CSS pixels; by default the figure's own layout size, else 1200 × 700.
    scale
        Multiplies the resolution of raster formats (2 for a sharp print image).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    MissingDependencyError
        kaleido is not installed (``pip install 'chronology[image]'``).
    ChronologyError
        No Chromium browser was found; install one (``apt-get install chromium`` or
        ``kaleido_get_chrome``).

    Examples
    --------
    >>> import chronology as chron
    >>> from chronology.report import export_image
    >>> c = chron.samples.load("cassie")                               # doctest: +SKIP
    >>> export_image(c.timeline(), "cassie.png", width=1600, scale=2)  # doctest: +SKIP
    PosixPath('cassie.png')
    """
    out = Path(path)
    fmt = _image_format(out, format)
    kaleido, ChromeNotFoundError = _kaleido()
    layout = fig.layout
    opts = {
        "format": fmt,
        "width": int(width or layout.width or 1200),
        "height": int(height or layout.height or 700),
        "scale": float(scale),
    }
    try:
        data = kaleido.calc_fig_sync(fig.to_dict(), opts=opts, kopts={"mathjax": False})
    except ChromeNotFoundError as exc:
        raise ChronologyError(
            "no Chromium browser found for image export",
            file=out,
            hint="install Chromium (apt-get install chromium, or run kaleido_get_chrome), "
            "or set BROWSER_PATH to a Chrome/Chromium binary",
        ) from exc
    out.write_bytes(data)
    return out


def _image_format(out: Path, format: str | None) -> str:
    """The format asked for, else the file suffix's (``.jpg`` is JPEG), else PNG; refused when unknown."""
    if format is None:
        suffix = out.suffix.lower().lstrip(".")
        fmt = "jpeg" if suffix == "jpg" else suffix if suffix in FORMATS else "png"
    else:
        fmt = format
    if fmt not in FORMATS:
        raise OptionError("unknown image format", value=fmt, hint="choose from " + ", ".join(FORMATS))
    return fmt


def _kaleido() -> tuple[Any, type[Exception]]:
    """The kaleido module and its error for a missing Chromium."""
    try:
        import kaleido
        from kaleido.errors import ChromeNotFoundError
    except ImportError as exc:
        raise MissingDependencyError(
            "image export needs kaleido",
            hint="install the image extra: pip install 'chronology[image]' (and Chromium)",
        ) from exc
    return kaleido, ChromeNotFoundError
