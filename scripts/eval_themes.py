"""Precision and recall of chronology's theme tagger on events labelled by hand.

Usage::

    python scripts/eval_themes.py [--labels tests/data/labelled_events.csv] [--taxonomy FILE]
                                  [--errors]

The labelled events come from the bundled sample cases (``chronology.samples``): each case named in
the labelled set is loaded and tagged as a review author would (text and structural rules), then
the tags of the labelled events are compared with the labels, per theme and overall
(micro-averaged). ``--errors`` lists every false positive (with the evidence the tagger found) and
every false negative (with the description), for improving the taxonomy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT / "tests" / "data" / "labelled_events.csv"


def tag_labelled(labels: pd.DataFrame, taxonomy: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load each sample case of the labelled set, tag it; return (events, tags) of all cases.

    Raises SystemExit when a labelled event is not in the samples any more, or its description no
    longer starts as labelled (the sample data changed: relabel those events).
    """
    import chronology as chron
    from chronology.themes import tag

    events = []
    tags = []
    for case in sorted(labels["case_id"].unique()):
        c = chron.samples.load(case)
        events.append(c.events)
        tags.append(tag(c.events, taxonomy=taxonomy))
    ev = pd.concat(events, ignore_index=True)
    tg = pd.concat(tags, ignore_index=True)
    desc = ev.set_index("event_id")["description"]
    missing = sorted(set(labels["event_id"]) - set(desc.index))
    if missing:
        raise SystemExit(f"{len(missing)} labelled events are not in the samples, e.g. {missing[:3]}")
    changed = [
        e
        for e, d in zip(labels["event_id"], labels["description"], strict=True)
        if not str(desc[e]).startswith(d.rstrip(" …").rstrip("."))
    ]
    if changed:
        raise SystemExit(f"{len(changed)} labelled events have a different description now, e.g. {changed[:3]}")
    return ev, tg


def main(argv: list[str] | None = None) -> int:
    from chronology.themes import load_taxonomy
    from chronology.themes.evaluate import read_labels, score

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", default=str(DEFAULT_LABELS))
    ap.add_argument("--taxonomy", default=None, help="a taxonomy TOML file (default: the brief's)")
    ap.add_argument("--errors", action="store_true", help="list false positives and negatives")
    args = ap.parse_args(argv)

    labels = read_labels(args.labels)
    ev, tags = tag_labelled(labels, args.taxonomy)
    themes = list(load_taxonomy(args.taxonomy).themes)
    result = score(labels, tags, themes)
    n_cases = labels["case_id"].nunique()
    print(f"{len(labels)} labelled events from {n_cases} sample cases; "
          f"{sum(len(s) for s in labels['labels'])} event-theme labels\n")
    with pd.option_context("display.width", 120, "display.precision", 2):
        print(result.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    if args.errors:
        ids = set(labels["event_id"])
        gold = {(e, t) for e, ls in zip(labels["event_id"], labels["labels"], strict=True) for t in ls}
        t = tags[tags["event_id"].isin(ids)]
        pred = t.drop_duplicates(["event_id", "theme"]).set_index(["event_id", "theme"])
        desc = ev.set_index("event_id")["description"]
        print("\nfalse positives (tagged, not labelled):")
        for (e, th), row in pred.iterrows():
            if (e, th) not in gold:
                print(f"  {e:32} {th:24} {row['rule']:28} | {row['evidence'][:70]}")
        print("\nfalse negatives (labelled, not tagged):")
        for e, th in sorted(gold - set(pred.index)):
            print(f"  {e:32} {th:24} | {str(desc[e])[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
