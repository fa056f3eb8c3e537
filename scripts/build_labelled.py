"""Write ``src/chronology/data/labelled/samples.csv``: the hand-labelled events of the three sample
cases (``tests/data/labelled_events.csv``, themes without polarity) with their full text, in the
format of the shipped labelled set (``text, labels, age, agency, source, citation``).

Run: ``.venv/bin/python scripts/build_labelled.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from chronology import samples
from chronology.themes.evaluate import read_labels
from chronology.themes.text import event_text

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    labels = read_labels(ROOT / "tests" / "data" / "labelled_events.csv")
    ev = pd.concat([samples.load(n).events for n in samples.names()], ignore_index=True)
    ev = ev.assign(text=pd.array(event_text(ev, ["description", "action", "child_voice"]), dtype="str"))
    m = labels.merge(ev[["event_id", "text", "agency"]], on="event_id", how="inner", validate="one_to_one")
    out = pd.DataFrame({
        "text": m["text"].str.strip().str.replace("\n", " | ", regex=False),
        "labels": m["themes"],
        "age": "teenager",
        "agency": m["agency"],
        "source": "sample:" + m["case_id"],
        "citation": "",
    })
    path = ROOT / "src" / "chronology" / "data" / "labelled" / "samples.csv"
    header = (
        "# The hand-labelled events of the three fictional sample cases (data/samples), from\n"
        "# tests/data/labelled_events.csv by scripts/build_labelled.py: themes without polarity.\n"
    )
    path.write_text(header + out.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    print(f"{len(out)} events written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
