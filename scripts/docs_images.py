"""Regenerate the README's picture, ``docs/timeline_cassie.png``, from the current timeline.

Run from the repository root: ``make docs-images`` (or ``.venv/bin/python scripts/docs_images.py``).
Needs kaleido and a local Chromium (``make browser``); nothing is fetched from a network.
The figure is exactly what ``chron.samples.load("cassie").timeline()`` draws, at 1,400 px wide: the
whole chronology first, without the range slider and range buttons (a picture cannot use them).
"""

from __future__ import annotations

import sys
from pathlib import Path

import chronology as chron
from chronology.report import export_image

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 1400


def main() -> int:
    fig = chron.samples.load("cassie").timeline()
    # a picture cannot be dragged or clicked: the range slider and the range buttons are left out
    # (everything else is the interactive figure as drawn)
    fig.update_xaxes(rangeslider_visible=False, rangeselector_visible=False)
    out = export_image(fig, ROOT / "docs" / "timeline_cassie.png", width=WIDTH, height=int(fig.layout.height or 800))
    print(f"wrote {out.relative_to(ROOT)} ({WIDTH} x {int(fig.layout.height or 800)} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
