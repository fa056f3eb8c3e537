"""What the benchmark measures, one workload per function; each runs in its own fresh process.

``run.py`` starts ``python benchmarks/workloads.py <workload> <folder>`` for every size and repeat, so
each process's peak memory (``ru_maxrss``) belongs to that workload alone. A workload prints one JSON
line: stage times in seconds, the peak resident memory after each stage, and a few facts.

Workloads
---------
``pipeline``  the library, stage by stage, as ``chronology.read_case`` runs it (read and normalise each
              file; stack, validate once and sort), then the analyses: tag, gaps, intervals,
              breaches, timeline.
``floor``     reference (a): ``pyarrow.csv.read_csv`` of the same files (the fastest possible read).
``peer_pandas`` reference (b): the pandas 3 an analyst writes by hand for these exports (``peers.py``):
              string dtype, each export's own date formats, the same rejects, precision, clock-change
              rule, event types, gaps (with working days and descriptions) and every timescale.
``peer_polars`` reference (c): the same peer in polars.
``check_peers`` both peers' answers compared with ours before either is timed (``peers.check``).
``onecase``   one child's 500 events: read, tag, measure, draw; cold (first call, imports included)
              and warm (the same again in the same process, as in a notebook).
``timeline``  figure build for all the events of a folder (50,000 by default).
``import``    ``import chronology`` in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

MB = 1024 * 1024


def _peak() -> int:
    """Peak resident memory of this process so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Clock:
    """Times named stages and records the process's peak memory after each."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.peaks: dict[str, int] = {}
        self.errors: dict[str, str] = {}
        self.base = _peak()

    def run(self, name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            out = func(*args, **kwargs)
        except Exception as exc:  # a stage still being written elsewhere must not stop the run
            self.errors[name] = f"{type(exc).__name__}: {exc}"[:300]
            out = None
        self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - t0
        self.peaks[name] = _peak()
        return out

    def result(self, **facts: Any) -> dict[str, Any]:
        return {"times": self.times, "peaks": self.peaks, "base": self.base, "errors": self.errors, **facts}


# ---------------------------------------------------------------------------------------------- ours
def pipeline(folder: Path, **_: Any) -> dict[str, Any]:
    import pandas as pd  # noqa: F401  (imports are not part of any stage)
    import plotly.graph_objects  # noqa: F401
    import pyarrow as pa

    import chronology as chron
    import chronology.metrics
    import chronology.plot
    import chronology.themes
    from chronology.chronology import (
        _PARALLEL_ABOVE_BYTES,
        REJECT_COLUMNS,
        Chronology,
        _concat,
    )
    from chronology.io import read_tables
    from chronology.manifest import load_manifest
    from chronology.normalise import normalise_tables
    from chronology.schema import empty_events, empty_rejects, validate_events
    from chronology.schema import empty_provenance as _empty_provenance
    from chronology.schema import sort_events as _sort_events

    clock = Clock()
    manifest = load_manifest(folder)
    pool = pa.default_memory_pool()
    # what read_case does: files read and normalised two at a time (threads) on a caseload. The
    # ingest's wall time is split between "read" and "normalise" in proportion to the time the
    # threads spent in each
    size = sum(f.path.stat().st_size for f in manifest.files)
    workers = min(2, os.cpu_count() or 1) if size > _PARALLEL_ABOVE_BYTES else 1

    def one(f: Any) -> tuple[Any, float, float]:
        t0 = time.perf_counter()
        tables = read_tables(f.path, sheet=f.sheet, columns=f.columns)
        t1 = time.perf_counter()
        part = normalise_tables(tables, agency=f.agency, case_id=f.case_id or manifest.case_id,
                                columns=f.columns, date_formats=f.date_formats, service=f.service)
        return part, t1 - t0, time.perf_counter() - t1

    parts, spent = [], {"read": 0.0, "normalise": 0.0}
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as ex:
        for part, t_read, t_norm in ex.map(one, manifest.files):
            parts.append(part)
            spent["read"] += t_read
            spent["normalise"] += t_norm
            pool.release_unused()  # as read_case does after each file
    wall = time.perf_counter() - t0
    for stage, t in spent.items():
        clock.times[stage] = wall * t / max(sum(spent.values()), 1e-9)
        clock.peaks[stage] = _peak()
    facts_ingest = {"workers": workers, "thread_seconds": spent}

    def stack(parts: list[Any]) -> tuple[Any, Any, Any]:  # combine() without its validation, timed apart
        events = _concat([e for e, _, _ in parts], empty_events())
        assert not events["event_id"].duplicated().any()
        rejects = _concat([r for _, r, _ in parts], empty_rejects())[REJECT_COLUMNS]
        prov = _concat([p for _, _, p in parts], _empty_provenance())
        parts.clear()  # as read_case does: the per-file frames go before sorting
        return events, rejects, prov

    events, rejects, prov = clock.run("combine", stack, parts)
    del parts
    clock.run("validate", validate_events, events)
    events = clock.run("combine", _sort_events, events, consume=True)
    pool.release_unused()
    c = Chronology(events=events, rejects=rejects, provenance=prov, title=manifest.title)
    del events
    events_bytes = int(c.events.memory_usage(deep=True).sum())
    # the metrics first, so the peak after them is that of this package's stages alone
    clock.run("gaps", c.gaps)
    rule = chron.Interval(
        "assessment within 45 working days of referral", start=chron.Match(event_type="referral"),
        end=chron.Match(event_type="assessment"), limit="45 working days",
    )
    clock.run("intervals", c.intervals, rule)
    clock.run("breaches", c.breaches)
    tagged = clock.run("tag", c.tag)
    fig = clock.run("timeline", (tagged or c).timeline)
    facts: dict[str, Any] = {
        "events": len(c.events), "rejects": len(c.rejects), "events_bytes": events_bytes,
        "tags": None if tagged is None else len(tagged.tags), **facts_ingest,
    }
    if fig is not None:
        facts["figure"] = _figure_facts(fig)
    return clock.result(**facts)


def _figure_facts(fig: Any) -> dict[str, Any]:
    types = sorted({type(t).__name__ for t in fig.data})
    points = sum(len(t.x) if getattr(t, "x", None) is not None else 0 for t in fig.data)
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else ""
    return {"traces": len(fig.data), "types": types, "points": int(points), "title": str(title)[:160]}


# --------------------------------------------------------------------------------------------- floor
def floor(folder: Path, **_: Any) -> dict[str, Any]:
    import pyarrow.csv as pcsv

    clock = Clock()
    rows = 0
    for path in sorted(folder.glob("*.csv")):
        table = clock.run("read", pcsv.read_csv, path)
        rows += table.num_rows
    return clock.result(rows=rows)


# --------------------------------------------------------------------------------------------- peers
def _peer_stages(kind: str, folder: Path, clock: Clock) -> tuple[Any, Any, Any, Any]:
    """Run one peer of ``peers.py`` stage by stage: (events, rejects, gaps, breaches) as its own frames."""
    import peers  # benchmarks/peers.py (this script's folder is first on sys.path)

    read, normalise, gaps, breaches = (
        (peers.pandas_read, peers.pandas_normalise, peers.pandas_gaps, peers.pandas_breaches)
        if kind == "pandas"
        else (peers.polars_read, peers.polars_normalise, peers.polars_gaps, peers.polars_breaches)
    )
    frames = clock.run("read", read, folder)
    ev, rej = clock.run("normalise", normalise, frames) or (None, None)
    del frames
    g = clock.run("gaps", gaps, ev)
    b = clock.run("breaches", breaches, ev)
    return ev, rej, g, b


def peer_pandas(folder: Path, **_: Any) -> dict[str, Any]:
    """The pandas 3 an analyst writes by hand (``peers.py``): the same work as ours on its stages."""
    clock = Clock()
    ev, *_rest = _peer_stages("pandas", folder, clock)
    return clock.result(events=0 if ev is None else len(ev))


def peer_polars(folder: Path, **_: Any) -> dict[str, Any]:
    """The same peer written in polars (``peers.py``)."""
    clock = Clock()
    ev, *_rest = _peer_stages("polars", folder, clock)
    return clock.result(events=0 if ev is None else len(ev))


def check_peers(folder: Path, **_: Any) -> dict[str, Any]:
    """Both peers' answers compared with ours (``peers.check``) on events, rejects, gaps and breaches.

    ``run.py`` runs this before timing a peer: a peer whose answers differ is reported, not timed.
    """
    import peers

    import chronology as chron

    ours = chron.read_case(folder)
    out: dict[str, Any] = {}
    for kind in ("pandas", "polars"):
        clock = Clock()
        try:
            ev, rej, g, b = _peer_stages(kind, folder, clock)
            if clock.errors:
                raise RuntimeError("; ".join(f"{k}: {v}" for k, v in clock.errors.items()))
            if kind == "polars":
                ev, rej, g, b = (x.to_pandas() for x in (ev, rej, g, b))
            out[kind] = peers.check(ours, kind, ev, rej, g, b)
        except Exception as exc:  # a broken peer is reported as not equal, with the reason
            out[kind] = {"peer": kind, "equal": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"checks": out, "events": len(ours.events)}


# ----------------------------------------------------------------------------------- one case, import
def onecase(folder: Path, **_: Any) -> dict[str, Any]:
    t0 = time.perf_counter()
    import chronology as chron

    t_import = time.perf_counter() - t0

    def steps() -> dict[str, float]:
        out = {}
        t = time.perf_counter()
        c = chron.read_case(folder)
        out["read"] = time.perf_counter() - t
        t = time.perf_counter()
        c = c.tag()
        out["tag"] = time.perf_counter() - t
        t = time.perf_counter()
        c.gaps(min_days=14)
        c.breaches()
        out["measure"] = time.perf_counter() - t
        t = time.perf_counter()
        c.timeline()
        out["draw"] = time.perf_counter() - t
        out["events"] = len(c.events)
        return out

    t1 = time.perf_counter()
    cold = steps()
    cold_total = time.perf_counter() - t1
    warm_runs = []
    for _ in range(5):
        t2 = time.perf_counter()
        w = steps()
        w["total"] = time.perf_counter() - t2
        warm_runs.append(w)
    warm = {k: sorted(r[k] for r in warm_runs)[len(warm_runs) // 2] for k in warm_runs[0]}
    return {"import": t_import, "cold": cold, "cold_total": cold_total, "warm": warm}


def timeline(folder: Path, **_: Any) -> dict[str, Any]:
    import plotly.graph_objects  # noqa: F401

    import chronology as chron
    import chronology.plot

    c = chron.read_case(folder)
    t = time.perf_counter()
    fig = c.timeline()
    build = time.perf_counter() - t
    t = time.perf_counter()
    size = len(fig.to_json())
    to_json = time.perf_counter() - t
    return {"events": len(c.events), "cases": len(c.case_ids), "build": build, "json_bytes": size,
            "to_json": to_json, "figure": _figure_facts(fig)}


def import_time(folder: Path | None = None, **_: Any) -> dict[str, Any]:
    t = time.perf_counter()
    import chronology  # noqa: F401

    elapsed = time.perf_counter() - t
    heavy = [m for m in ("pandas", "numpy", "pyarrow", "pandera", "plotly", "openpyxl", "docx", "ipywidgets")
             if m in sys.modules]
    return {"import": elapsed, "heavy_modules_loaded": heavy}


def regex(folder: Path, **_: Any) -> dict[str, Any]:
    """Does a ``\\b``/``\\w``/``\\d`` pattern make pandas leave RE2 for Python's ``re`` once the
    column holds one non-ASCII value, and what does that cost?"""
    import warnings

    import pandas as pd

    from chronology.textmatch import contains

    warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression")
    cols = []
    for path in sorted(folder.glob("*.csv")):
        df = pd.read_csv(path, dtype="str")
        text = next(c for c in ("Details", "Summary", "Occurrence Summary", "Case Note", "Clinical Summary")
                    if c in df)  # the free-text column of either workload's exports
        cols.append(df[text])
    ascii_ = pd.concat(cols, ignore_index=True).str.replace(r"[^\x00-\x7f]", "'", regex=True)
    mixed = ascii_.copy()
    mixed.iloc[len(mixed) // 2] = "Child\u2019s mother called"

    def best(f: Any) -> float:
        ts = []
        for _ in range(3):
            t = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t)
        return sorted(ts)[1]

    results = []
    for pattern in (r"\b(?:call(?:ed)?|phone\w*|letter)\b", r"(?:call(?:ed)?|phone|letter)", r"\d{4}"):
        results.append({
            "pattern": pattern,
            "ascii": best(lambda p=pattern: ascii_.str.contains(p, case=False)),
            "mixed": best(lambda p=pattern: mixed.str.contains(p, case=False)),
            "ours": best(lambda p=pattern: contains(mixed, p)),
        })
    return {"rows": len(ascii_), "results": results}


# ----------------------------------------------------------------------------------- data workloads
# Two caseloads to measure on (run.py --workload): "synthetic" is chronology.synthetic (every note
# is a theme phrase, so the tagger finds something in every row); "realistic" below is what agency
# exports mostly hold: everyday case-note text (visits, school, health, police attendances) with
# names, abbreviations and punctuation, long notes, and a safeguarding phrase in about 30% of rows.
# The words are written for this generator, not taken from the theme taxonomy, so the tagger's
# work on them is not tuned to its own phrases. Everything is invented.

_FIRST = ["Amy", "Jayden", "Kacper", "Leah", "Mohammed", "Niamh", "Oliver", "Priya", "Ruby", "Tyler",
          "Zainab", "Callum", "Ellie", "Harvey", "Imani", "Jack", "Keira", "Logan", "Maya", "Noah"]
_LAST = ["Smith", "Khan", "Jones", "Nowak", "O'Brien", "Patel", "Williams", "Begum", "Taylor", "Evans"]
_ROLES = ["SW", "PC", "DC", "DSL", "HV", "GP", "SN", "IRO", "TM", "FSW", "PCSO", "CAMHS nurse", "YOT worker"]
_EVERYDAY = [
    "Home visit completed, {n} was at home with mum.",
    "Child seen in the living room; appeared well and chatty.",
    "Attended school for a planned review meeting with the head of year.",
    "Telephone call to mother to rearrange the visit as she was at work.",
    "Letter sent to GP requesting an update on the health assessment.",
    "Placement carer reports {n} has settled well and is eating better.",
    "Police attended the address re: noise complaint from a neighbour; no offences disclosed.",
    "Hospital appointment attended (orthopaedics follow-up), next review in 6 weeks.",
    "Child seen at school by SW, spoke about football and their new friends.",
    "Team around the family meeting held at the children's centre.",
    "{r} completed the core assessment paperwork and uploaded it to the system.",
    "Home conditions adequate; bedroom tidy, food in the fridge.",
    "Transport to contact arranged for Saturday; dad confirmed by text.",
    "Attendance at school 92% this term, slight dip after half term.",
    "Dentist appointment missed - mother said she forgot, rebooked for next week.",
    "PC {k} spoke with {n} at the station front desk about a lost phone.",
    "Review of the plan: actions from last meeting mostly completed.",
    "Email from the school nurse re: immunisations being up to date.",
    "Visit to grandparents' house, {n} staying there for the weekend.",
    "Duty SW returned the call; no further action at this time.",
    "Placement stability meeting held; carers happy to continue.",
    "Health visitor contact, weight and development on track.",
    "Spoke to {n}'s aunt who is willing to help with school runs.",
    "Case discussed in supervision with the TM; plan remains appropriate.",
    "Child seen alone in their bedroom and said things at home are OK.",
    "Police call handler logged a welfare query; officers not deployed.",
    "Hospital discharge summary received and filed.",
    "Parents' evening attended by mum; teacher pleased with progress.",
    "CP plan review booked for next month, invites sent to all agencies.",
    "SW unable to gain entry, card left; will try again tomorrow.",
]
_SAFEGUARDING = [
    "{n} disclosed that dad hit them with a belt last night.",
    "DV incident at the home address: mother had a swollen eye, partner arrested.",
    "Unexplained bruising noted on the upper arm by the PE teacher.",
    "Reported missing from home overnight, returned at 06:00 by police.",
    "Concerns {n} is being exploited by older males; seen getting into cars.",
    "Self-harm: fresh cuts to the wrist seen by the school nurse.",
    "Strategy meeting held under s47 following the disclosure.",
    "Mother under the influence of alcohol when officers attended; children present.",
    "Found with cannabis and £300 cash, possible county lines involvement.",
    "Sexual abuse allegation made to the teacher; ABE interview planned.",
    "Neglect concerns: no food in the house, children unkempt and hungry.",
    "Domestic abuse referral (MARAC) following a high-risk DASH assessment.",
    "{n} took an overdose and was admitted to the paediatric ward.",
    "Child said she is scared to go home because of the shouting and fighting.",
    "CSE concerns raised at MASH; phone found with explicit images.",
]
_FILLER = ["", "", "", " See attached.", " Nothing further.", " Will update.", " (see previous entry)",
           " NFA.", " Plan agreed.", " To discuss at next CP conference."]


def _expand(templates: list[str], rng: Any) -> tuple[Any, Any, Any]:
    """Templates with roles and collar numbers filled in, split around the child's name:
    (text before the name, whether there is a name, text after it)."""
    import numpy as np

    full: list[str] = []
    for t in templates:
        if "{r}" in t:
            full += [t.replace("{r}", r) for r in _ROLES]
        elif "{k}" in t:
            full += [t.replace("{k}", str(k)) for k in rng.integers(1000, 9999, 8)]
        else:
            full.append(t)
    pre = np.array([t.split("{n}", 1)[0] for t in full], dtype=object)
    has = np.array(["{n}" in t for t in full])
    post = np.array([t.split("{n}", 1)[1] if "{n}" in t else "" for t in full], dtype=object)
    return pre, has, post


def _notes(n: int, rng: Any, p_safeguarding: float = 0.3) -> Any:
    """``n`` case notes: 1 to 12 everyday sentences, about ``p_safeguarding`` of them with a
    safeguarding sentence at a random place, each naming its child. Vectorised."""
    import numpy as np
    import pandas as pd

    every, safeg = _expand(_EVERYDAY, rng), _expand(_SAFEGUARDING, rng)
    slots = np.minimum(rng.geometric(0.3, n), 12)  # mostly short, some long notes
    safe = rng.random(n) < p_safeguarding
    safe_slot = (rng.random(n) * slots).astype(int)
    name = pd.Series(np.array(_FIRST)[rng.integers(0, len(_FIRST), n)], dtype="str")
    out = pd.Series([""] * n, dtype="str")
    for k in range(12):
        use_sg = safe & (safe_slot == k)
        i = rng.integers(0, len(every[0]), n)
        j = rng.integers(0, len(safeg[0]), n)
        pre = np.where(use_sg, safeg[0][j], every[0][i])
        has = np.where(use_sg, safeg[1][j], every[1][i])
        post = np.where(use_sg, safeg[2][j], every[2][i])
        sentence = (pd.Series(pre, dtype="str") + name.where(pd.Series(has), "")
                    + pd.Series(post, dtype="str"))
        out = out.where(pd.Series(k >= slots), out + (" " if k else "") + sentence)
    out = out + pd.Series(np.array(_FILLER)[rng.integers(0, len(_FILLER), n)], dtype="str")
    upper = pd.Series(rng.random(n) < 0.05)  # some officers type in capitals
    return out.where(~upper, out.str.upper())


def realistic(n_cases: int, events_per_case: int, seed: int) -> dict[str, Any]:
    """A caseload of agency exports with everyday case-note text (see the comment above).

    Police-style exports (occurrence reference, ``dd/mm/yyyy HH:MM``, officer collar numbers) are
    40% of the rows, social care case notes 35%, school and health the rest. Returns
    ``{agency: DataFrame}`` for :func:`chronology.synthetic.write_synthetic`.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_total = n_cases * events_per_case
    case = np.repeat(np.arange(n_cases), events_per_case)
    rng.shuffle(case)
    shares = {"police": 0.40, "csc": 0.35, "education": 0.15, "health_acute": 0.10}
    cut = np.cumsum([0] + [round(v * n_total) for v in shares.values()])
    cut[-1] = n_total
    out: dict[str, Any] = {}
    for (agency, _), a, b in zip(shares.items(), cut[:-1], cut[1:], strict=True):
        n = int(b - a)
        ref = pd.Series(case[a:b]).map("RL{:06d}".format).astype("str")
        when = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 6 * 365 * 24 * 60, n), unit="min")
        when = pd.Series(when)
        text = _notes(n, rng)
        seen = pd.Series(np.array(["Y", "N", "", "Yes", "No"])[rng.integers(0, 5, n)], dtype="str")
        worker = pd.Series(np.array(_ROLES)[rng.integers(0, len(_ROLES), n)], dtype="str")
        if agency == "police":
            out[agency] = pd.DataFrame({
                "Child ID": ref,
                "Occurrence Ref": pd.Series(rng.integers(10**8, 10**9, n)).astype("str").radd("OCC"),
                "Date/Time": when.dt.strftime("%d/%m/%Y %H:%M"),
                "Occurrence Summary": text,
                "Action Taken": np.array(["Words of advice", "NFA", "Referral to CSC", "Arrest", ""])[
                    rng.integers(0, 5, n)],
                "Officer": "PC " + pd.Series(rng.integers(1000, 9999, n)).astype("str"),
            })
        elif agency == "csc":
            out[agency] = pd.DataFrame({
                "Case Ref": ref, "Date": when.dt.strftime("%Y-%m-%d"), "Case Note": text,
                "Child Seen": seen, "Worker": worker,
            })
        elif agency == "education":
            out[agency] = pd.DataFrame({
                "UPN": ref, "Date": when.dt.strftime("%d/%m/%Y"), "Details": text, "Staff member": worker,
            })
        else:
            out[agency] = pd.DataFrame({
                "Patient ID": ref, "Date": when.dt.strftime("%d-%b-%Y"), "Time": when.dt.strftime("%H:%M"),
                "Clinical Summary": text, "Seen": seen, "Clinician": worker,
            })
    return out


def write_realistic(n_cases: int, events_per_case: int, seed: int, folder: str | os.PathLike[str]) -> Path:
    """Write :func:`realistic` as CSV files with a ``case.toml`` (as ``write_synthetic`` does)."""
    from chronology.synthetic import write_synthetic

    return write_synthetic(realistic(n_cases, events_per_case, seed), folder)


WORKLOADS = {"pipeline": pipeline, "floor": floor, "peer_pandas": peer_pandas, "peer_polars": peer_polars,
             "check_peers": check_peers, "onecase": onecase,
             "timeline": timeline, "import": import_time, "regex": regex}


def main(argv: list[str]) -> None:
    name = argv[0]
    folder = Path(argv[1]) if len(argv) > 1 and argv[1] != "-" else None
    out = WORKLOADS[name](folder)
    out["rss_peak"] = _peak()
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
