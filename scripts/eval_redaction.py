"""Measure :func:`chronology.privacy.redact` on a labelled set: precision and recall per kind.

The labelled set is a CSV with columns ``id, text, identifiers``; ``identifiers`` lists what a
careful reviewer would redact in ``text``, as ``kind: value`` items separated by `` | `` (empty for a
snippet with nothing to redact, e.g. an event date, a time, an amount, a case reference or a ten-digit
number that fails the NHS modulus 11 check).

Scoring is on character spans. The redacted text is aligned with the original to recover the span
each placeholder replaced. A labelled identifier counts as found (recall) when every letter and digit
of it lies inside redacted spans and one of the spans overlapping it has the right kind. A redaction
counts as correct (precision) when it overlaps a labelled identifier of the same kind.

Usage::

    python scripts/eval_redaction.py                       # tests/data/redaction_labelled.csv
    python scripts/eval_redaction.py my_set.csv --errors   # also list every miss and false alarm
    python scripts/eval_redaction.py --min-recall 0.95 --min-precision 0.9   # exit 1 below these
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from chronology.privacy import redact, redaction_kinds

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "redaction_labelled.csv"


def load_labelled(path: str | Path) -> pd.DataFrame:
    """The labelled set with a ``gold`` column of ``(kind, start, end)`` spans."""
    df = pd.read_csv(path, dtype="str", keep_default_na=False)
    kinds = set(redaction_kinds())
    golds = []
    for text, ids in zip(df["text"], df["identifiers"], strict=True):
        spans, pos = [], 0
        for item in filter(None, (s.strip() for s in ids.split(" | "))):
            kind, _, value = item.partition(": ")
            if kind not in kinds:
                raise ValueError(f"unknown kind {kind!r} in {path}: {item!r}")
            start = text.find(value, pos)
            if start < 0:
                start = text.find(value)
            if start < 0:
                raise ValueError(f"{value!r} is not in the text {text!r}")
            spans.append((kind, start, start + len(value)))
            pos = start + len(value)
        golds.append(spans)
    df["gold"] = golds
    return df


def redacted_spans(original: str, redacted: str) -> list[tuple[str, int, int]]:
    """The ``(kind, start, end)`` spans of ``original`` replaced by placeholders in ``redacted``."""
    labels = {label: kind for kind, label in redaction_kinds().items()}
    pieces = re.split("(" + "|".join(re.escape(lab) for lab in labels) + ")", redacted)
    if len(pieces) == 1:
        return []
    pattern = "".join(
        re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(pieces)
    )
    m = re.fullmatch(pattern, original, flags=re.DOTALL)
    if m is None:  # the text changed outside the placeholders: count each as a whole-text span
        return [(labels[p], 0, len(original)) for p in pieces[1::2]]
    return [(labels[p], m.start(i + 1), m.end(i + 1)) for i, p in enumerate(pieces[1::2])]


def evaluate(path: str | Path = DEFAULT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-kind scores and the list of errors (misses and false alarms) on one labelled set."""
    df = load_labelled(path)
    frame = pd.DataFrame(
        {
            "description": df["text"].astype("str"),
            "source": Path(path).name,
            "source_row": df["id"].astype("int64"),
        }
    )
    out, _ = redact(frame)
    rows = []
    errors = []
    for text, red, gold in zip(df["text"], out["description"], df["gold"], strict=True):
        pred = redacted_spans(text, red)
        covered = set()
        for _, a, b in pred:
            covered.update(range(a, b))
        for kind, a, b in gold:
            alnum = [i for i in range(a, b) if text[i].isalnum()]
            full = all(i in covered for i in alnum)
            right_kind = any(k == kind and pa < b and a < pb for k, pa, pb in pred)
            found = full and right_kind
            rows.append({"kind": kind, "side": "gold", "ok": found})
            if not found:
                errors.append({"error": "missed", "kind": kind, "value": text[a:b], "text": text, "redacted": red})
        for kind, a, b in pred:
            ok = any(k == kind and ga < b and a < gb for k, ga, gb in gold)
            rows.append({"kind": kind, "side": "pred", "ok": ok})
            if not ok:
                errors.append({"error": "false alarm", "kind": kind, "value": text[a:b], "text": text, "redacted": red})
    r = pd.DataFrame(rows, columns=["kind", "side", "ok"])
    scores = []
    for kind in redaction_kinds():
        g = r[(r["kind"] == kind) & (r["side"] == "gold")]
        p = r[(r["kind"] == kind) & (r["side"] == "pred")]
        scores.append(
            {
                "kind": kind,
                "labelled": len(g),
                "redacted": len(p),
                "found": int(g["ok"].sum()),
                "correct": int(p["ok"].sum()),
                "recall": g["ok"].mean() if len(g) else float("nan"),
                "precision": p["ok"].mean() if len(p) else float("nan"),
            }
        )
    return pd.DataFrame(scores), pd.DataFrame(errors, columns=["error", "kind", "value", "text", "redacted"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--errors", action="store_true", help="list every miss and false alarm")
    ap.add_argument("--min-recall", type=float, default=None)
    ap.add_argument("--min-precision", type=float, default=None)
    args = ap.parse_args(argv)
    scores, errors = evaluate(args.path)
    n = len(pd.read_csv(args.path, dtype="str"))
    print(f"{args.path}: {n} snippets")
    with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 120):
        print(scores.to_string(index=False))
    if args.errors and len(errors):
        print()
        for rec in errors.to_dict("records"):
            print(f"{rec['error']:11} {rec['kind']:13} {rec['value']!r}\n    {rec['text']}\n -> {rec['redacted']}")
    bad = False
    if args.min_recall is not None:
        bad |= bool((scores["recall"].fillna(1) < args.min_recall).any())
    if args.min_precision is not None:
        bad |= bool((scores["precision"].fillna(1) < args.min_precision).any())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
