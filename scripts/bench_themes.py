"""Benchmark of the text rules on realistic case-note text (not only the samples' own rows).

Builds N events (default 100 000) whose descriptions are 1-5 sentences drawn from the three sample
cases' clauses plus everyday case-note sentences, so most texts are distinct (no help from the
dictionary encoding), and reports the CPU seconds of ``text_candidates`` on one thread (the
machine's load does not change CPU time). ``TAX=path`` benchmarks another taxonomy file.

Run: ``.venv/bin/python scripts/bench_themes.py [N] [repeats]``.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pandas as pd

from chronology import samples
from chronology.themes.taxonomy import load_taxonomy
from chronology.themes.text import text_candidates

EVERYDAY = [
    "Home visit completed, mother and baby seen, baby appeared well and was feeding",
    "Health visitor saw the baby at the 8 week check; weight on the 25th centile",
    "No concerns identified at the visit",
    "Referral to the parenting programme declined by mother",
    "Strategy meeting delayed seven weeks",
    "Case transferred to the long term team without a formal handover",
    "Father arrested for assault on mother; children present",
    "Legal planning meeting held: threshold not met",
    "Child protection conference convened, plan agreed",
    "GP not informed of the outcome",
    "Teacher noticed bruising to his arm and asked him how it happened",
    "She said she did not want to go home",
    "Information shared with the school nurse",
    "Social worker visited, unable to gain access, no reply at the door",
    "Mum reports that things are better and the boyfriend has moved out",
    "Returned to mother's care under a safety plan",
    "Staying with a family friend while mum is in hospital",
    "Attended A&E with a head injury, discharged home",
]


def events(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` events of realistic, mostly distinct case-note text."""
    rng = np.random.default_rng(seed)
    ev = pd.concat([samples.load(name).events for name in samples.names()], ignore_index=True)
    sents = [
        s.strip()
        for col in ("description", "action", "child_voice")
        for t in ev[col].dropna()
        for s in str(t).replace(";", ".").split(".")
        if s.strip()
    ]
    pool = np.array(sents + EVERYDAY * 5, dtype=object)
    k = rng.integers(1, 6, n)
    idx = rng.integers(0, len(pool), int(k.sum()))
    starts = np.r_[0, np.cumsum(k)[:-1]]
    desc = [". ".join(pool[idx[s : s + m]]) + "." for s, m in zip(starts, k, strict=True)]
    act = np.where(rng.random(n) < 0.5, pool[rng.integers(0, len(pool), n)], None)
    voice = np.where(rng.random(n) < 0.1, pool[rng.integers(0, len(pool), n)], None)
    return pd.DataFrame({
        "description": pd.array(desc, dtype="str"),
        "action": pd.array(act, dtype="str"),
        "child_voice": pd.array(voice, dtype="str"),
    })


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    big = events(n)
    tax = load_taxonomy(os.environ["TAX"]) if os.environ.get("TAX") else load_taxonomy()
    os.cpu_count = lambda: 1  # one thread: CPU time is what is compared
    text_candidates(big.head(2000), tax)
    best, c = [], {}
    for _ in range(repeats):
        t0 = time.process_time()
        c = text_candidates(big, tax)
        best.append(time.process_time() - t0)
    print(f"{n} events, {big['description'].nunique()} distinct texts: "
          f"text_candidates {min(best):.2f} s CPU, {len(c['pos'])} tags")


if __name__ == "__main__":
    main()
