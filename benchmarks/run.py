"""Caseload-scale benchmarks of chronology (issue 8); ``make bench`` runs this file.

    python benchmarks/run.py                 # 10k, 100k and 1M events, writes benchmarks/RESULTS.md
    python benchmarks/run.py --quick         # 10k only, writes benchmarks/data/RESULTS-quick.md
    python benchmarks/run.py --sizes 50k,200k --repeat 5

For each size a seeded synthetic caseload (``chronology.synthetic``: five agency CSV exports with their
own headings and date habits) is written once under ``benchmarks/data/`` (git-ignored). Then each
workload of ``workloads.py`` runs in a fresh Python process per repeat, so its peak memory is its own:
the library stage by stage, the raw pyarrow read of the same files (the floor) and two peers an analyst
would write by hand for these exports, in pandas 3 and in polars (``peers.py``), doing the same work on
their stages. Before a peer is timed its answers (events, rejects, gaps, breaches) are compared with
ours row by row; a peer that differs is reported and not timed. Stage times are the median over the
repeats. See README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src"
MB = 1024 * 1024
EVENTS_PER_CASE = 50
SEED = 0

#: our stages in pipeline order; the peers' stages; our stages that do the peers' work
STAGES = ["read", "normalise", "combine", "validate", "gaps", "intervals", "breaches", "tag", "timeline"]
PEER_STAGES = ["read", "normalise", "gaps", "breaches"]
OURS_FOR_PEER = ["read", "normalise", "combine", "validate", "gaps", "breaches"]
#: the peers (benchmarks/peers.py): workload name and how the report names it
PEERS = {"pandas": ("peer_pandas", "pandas 3 by hand"), "polars": ("peer_polars", "polars by hand")}
#: reading a caseload into a validated Chronology (what read_case does), reported apart in the verdicts
INGEST = ["read", "normalise", "combine", "validate"]

TARGETS = {
    "floor": 10.0,  # whole pipeline within 10x the raw pyarrow read (1M events)
    "memory": 3.0,  # peak memory at most 3x the loaded events frame
    "one_case": 0.5,  # one case of 500 events read, tagged, measured, drawn (s)
    "import": 0.3,  # import chronology (s)
    "timeline": 1.0,  # 50,000-event timeline figure build (s)
}


def parse_size(text: str) -> int:
    t = text.strip().lower().replace("_", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# ---------------------------------------------------------------------------------------------- data
def _generator_hash() -> str:
    return hashlib.sha1((SRC / "chronology" / "synthetic.py").read_bytes()).hexdigest()[:12]


#: the caseload the run measures (--workload): "synthetic" (chronology.synthetic: theme phrases in
#: every note) or "realistic" (benchmarks/workloads.py: everyday case-note text)
WORKLOAD = "synthetic"


def ensure_data(folder: Path, n_cases: int, events_per_case: int, seed: int) -> Path:
    """Write the synthetic caseload once (regenerated when the generator or its arguments change)."""
    if WORKLOAD == "realistic":
        return _ensure_realistic(folder, n_cases, events_per_case, seed)
    stamp = {"n_cases": n_cases, "events_per_case": events_per_case, "seed": seed, "generator": _generator_hash()}
    marker = folder / "stamp.json"
    if marker.is_file() and json.loads(marker.read_text()) == stamp and (folder / "case.toml").is_file():
        return folder
    code = (
        "import sys; from chronology.synthetic import synthetic, write_synthetic; "
        f"write_synthetic(synthetic({n_cases}, {events_per_case}, {seed}), sys.argv[1])"
    )
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, env=_env())
    marker.write_text(json.dumps(stamp))
    print(f"  wrote {folder} ({n_cases * events_per_case:,} rows) in {time.perf_counter() - t:.1f} s", flush=True)
    return folder


def _ensure_realistic(folder: Path, n_cases: int, events_per_case: int, seed: int) -> Path:
    """The realistic caseload (``workloads.write_realistic``), written once like ``ensure_data``."""
    gen = hashlib.sha1((HERE / "workloads.py").read_bytes()).hexdigest()[:12]
    stamp = {"n_cases": n_cases, "events_per_case": events_per_case, "seed": seed, "realistic": gen}
    marker = folder / "stamp.json"
    if marker.is_file() and json.loads(marker.read_text()) == stamp and (folder / "case.toml").is_file():
        return folder
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); from workloads import write_realistic; "
            f"write_realistic({n_cases}, {events_per_case}, {seed}, sys.argv[1])")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, env=_env())
    marker.write_text(json.dumps(stamp))
    print(f"  wrote {folder} ({n_cases * events_per_case:,} rows, realistic) in {time.perf_counter() - t:.1f} s",
          flush=True)
    return folder


# ------------------------------------------------------------------------------------------- workers
_SRC_OVERRIDE: str | None = None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if _SRC_OVERRIDE:
        env["PYTHONPATH"] = _SRC_OVERRIDE + os.pathsep + env.get("PYTHONPATH", "")
    return env


def work(name: str, folder: Path | None) -> dict[str, Any]:
    """Run one workload in a fresh interpreter; its JSON result."""
    cmd = [sys.executable, str(HERE / "workloads.py"), name, str(folder) if folder else "-"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env())
    if proc.returncode != 0:
        raise RuntimeError(f"workload {name} failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall"] = time.perf_counter() - t
    return out


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(runs: list[dict[str, Any]], stages: list[str]) -> dict[str, Any]:
    """Median time per stage and of the totals, peak memory, over the runs of one workload."""
    times = {s: median([r["times"][s] for r in runs if s in r["times"]]) for s in stages if any(s in r["times"] for r in runs)}
    totals = [sum(r["times"].get(s, 0.0) for s in stages) for r in runs]
    peaks = {s: median([r["peaks"][s] for r in runs if s in r["peaks"]]) for s in times}
    return {
        "times": times,
        "total": median(totals),
        "totals": totals,
        "peaks": peaks,
        "rss_peak": median([r["rss_peak"] for r in runs]),
        "base": median([r["base"] for r in runs]),
        "errors": {k: v for r in runs for k, v in r.get("errors", {}).items()},
        "facts": {k: v for k, v in runs[-1].items() if k not in ("times", "peaks", "errors", "rss_peak", "base", "wall")},
        "runs": len(runs),
    }


# ----------------------------------------------------------------------------------------- machine
def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    with contextlib.suppress(AttributeError):  # not on every platform
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:  # pragma: no cover - not Linux
        pass
    code = (
        "import json, importlib.metadata as m; print(json.dumps({p: m.version(p) for p in "
        "['pandas', 'numpy', 'pyarrow', 'pandera', 'plotly']}))"
    )
    try:
        info["versions"] = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    except (subprocess.CalledProcessError, json.JSONDecodeError):  # pragma: no cover
        info["versions"] = {}
    try:
        info["commit"] = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        # the report and the notes it includes are outputs, not the code measured
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--",
                                ".", ":!benchmarks/RESULTS.md", ":!benchmarks/findings.md"],
                               capture_output=True, text=True, check=True).stdout.strip()
        info["commit"] += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = "?"
    return info


# ------------------------------------------------------------------------------------------- report
def fmt_s(x: float | None) -> str:
    if x is None or x != x:
        return "–"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def fmt_rate(n: int, t: float | None) -> str:
    if not t or t != t:
        return "–"
    r = n / t
    return f"{r / 1e6:.2f} M" if r >= 1e6 else f"{r / 1e3:.0f} k"


def fmt_ratio(x: float | None) -> str:
    if x is None or x != x:
        return "–"
    return f"{x:.0f}×" if x >= 10 else f"{x:.1f}×"


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def report(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        "# Benchmarks: chronology at caseload scale (issues 8, 16, 20)",
        "",
        f"Generated by `make bench` (`benchmarks/run.py`) on {m['date']}; commit {m.get('commit', '?')}. "
        "Do not edit by hand: re-run the benchmark. How to read it: `benchmarks/README.md`.",
        "",
        "## Machine",
        "",
        f"- {m.get('cpu', '?')}, {m.get('cpus')} cores ({m.get('cpus_usable', '?')} usable), "
        f"{m.get('memory_gb', '?')} GB RAM; {m['platform']}; Python {m['python']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()),
        f"- Load average (1 min) before / after the run: {res['load_before']:.2f} / {res['load_after']:.2f}. "
        "The machine is shared: every time is the median of the repeats shown, each in a fresh process.",
        (f"- Data: `chronology.synthetic(n_cases, {EVENTS_PER_CASE}, seed={SEED})`, five agency CSV exports "
         "(police, A&E, social care, school, CAMHS) with their own headings and date habits; about one row in six "
         "has non-ASCII text (curly quotes, accents), one in a thousand an unreadable date (a reject)."
         if res.get("workload", "synthetic") == "synthetic" else
         f"- Data: the realistic workload (`benchmarks/workloads.py: realistic(n_cases, {EVENTS_PER_CASE}, "
         f"seed={SEED})`): police-style exports (40% of rows), social care, school and hospital files with everyday "
         "case-note text (1-12 sentences, names, abbreviations, a safeguarding sentence in about 30% of rows), "
         "words not taken from the theme taxonomy."),
        "",
    ]
    lines += targets_section(res)
    for size in res["sizes"]:
        lines += size_section(res, size)
    lines += small_section(res)
    lines += regex_section(res)
    notes = HERE / "findings.md"
    if notes.is_file():
        lines += ["", notes.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines) + "\n"


def _whole(s: dict[str, Any], stages: list[str]) -> float:
    return sum(s["times"].get(k, 0.0) for k in stages)


def targets_section(res: dict[str, Any]) -> list[str]:
    sizes = res["sizes"]
    big = max(sizes) if sizes else None
    rows = []
    if big is not None:
        b = res["results"][str(big)]
        ours, floor = b["pipeline"], b["floor"]
        whole = ours["total"]
        ingest = _whole(ours, INGEST)
        r_floor = whole / floor["total"]
        rows.append((f"whole pipeline on {label(big)} events within 10× the raw pyarrow read",
                     f"{fmt_s(whole)} s vs {fmt_s(floor['total'])} s = {fmt_ratio(r_floor)} "
                     f"(reading into a validated chronology alone: {fmt_s(ingest)} s = {fmt_ratio(ingest / floor['total'])})",
                     verdict(r_floor <= TARGETS["floor"])))
        ours_like = _whole(ours, OURS_FOR_PEER)
        for kind, (_, name) in PEERS.items():
            peer = b.get("peers", {}).get(kind, {})
            if "total" not in peer:
                rows.append((f"peer: {name}, checked equal to ours, then timed on {label(big)}",
                             f"not timed: {peer.get('skipped', 'not run')}", "–"))
                continue
            note = f" (measured on {label(peer['scaled_from'])} and scaled)" if peer.get("scaled") else ""
            rows.append((f"peer: {name}, checked equal to ours on {label(b['checked_at'])} events, then timed on {label(big)}",
                         f"peer {fmt_s(peer['total'])} s{note} vs ours {fmt_s(ours_like)} s on the same work "
                         f"(read, normalise, validate, gaps, breaches): peer ÷ ours = **{fmt_ratio(peer['total'] / ours_like)}** "
                         f"({'ours' if peer['total'] > ours_like else 'the peer'} is faster); "
                         f"the peer is {fmt_ratio(peer['total'] / floor['total'])} the raw read, "
                         f"ours {fmt_ratio(ours_like / floor['total'])}", "measured"))
        ev = ours["facts"].get("events_bytes")
        if ev:
            used = ours["rss_peak"] - ours["base"]
            r_mem = used / ev
            read_peak = max(ours["peaks"].get(k, 0) for k in INGEST) - ours["base"]
            rows.append(("peak memory at most 3× the loaded events frame",
                         f"peak {used / MB:,.0f} MB above the {ours['base'] / MB:,.0f} MB of the started interpreter "
                         f"(process peak {ours['rss_peak'] / MB:,.0f} MB) vs events frame {ev / MB:,.0f} MB = {fmt_ratio(r_mem)} "
                         f"(while reading, before any analysis: {fmt_ratio(read_peak / ev)})",
                         verdict(r_mem <= TARGETS["memory"])))
    one = res.get("onecase")
    if one:
        w = one["warm"]["total"]
        rows.append(("one case of 500 events read, tagged, measured and drawn under 0.5 s",
                     f"{fmt_s(w)} s warm (in a session where the libraries are loaded; median of 5); "
                     f"{fmt_s(one['cold_total'])} s for the very first call, which loads pandas, pandera and plotly",
                     verdict(w <= TARGETS["one_case"])))
    imp = res.get("import")
    if imp:
        rows.append(("`import chronology` under 0.3 s", f"{fmt_s(imp['median'])} s (median of {imp['runs']}); "
                     f"heavy modules loaded: {', '.join(imp['heavy']) or 'none'}", verdict(imp["median"] <= TARGETS["import"])))
    for tl in res.get("timelines", []):
        f = tl.get("figure", {})
        rows.append((f"{tl['events']:,}-event timeline ({tl['cases']} case{'s' * (tl['cases'] != 1)}) builds under 1 s",
                     f"{fmt_s(tl['build'])} s; {f.get('traces')} traces ({', '.join(f.get('types', []))}), "
                     f"{tl['json_bytes'] / MB:.1f} MB of figure JSON", verdict(tl["build"] <= TARGETS["timeline"])))
    out = ["## Targets", "", "| target | measured | |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return [*out, ""]


def size_section(res: dict[str, Any], size: int) -> list[str]:
    b = res["results"][str(size)]
    ours, floor = b["pipeline"], b["floor"]
    peers = {k: v for k, v in b.get("peers", {}).items() if "total" in v}
    n = size
    whole = ours["total"]
    base = ours["base"]
    out = [f"## {label(size)} events ({n // EVENTS_PER_CASE:,} cases)", ""]
    ev = ours["facts"]
    out.append(f"{ev.get('events', '?'):,} events and {ev.get('rejects', '?'):,} rejects from {n:,} rows; "
               f"events frame {ev.get('events_bytes', 0) / MB:,.0f} MB; {ours['runs']} run(s) "
               f"(totals {', '.join(fmt_s(t) for t in ours['totals'])} s)"
               + "".join(f"; {PEERS[k][1]} {v['runs']} run(s)"
                         + (f" **measured on {label(v['scaled_from'])} rows and scaled ×{n / v['scaled_from']:.0f}**"
                            if v.get("scaled") else "") for k, v in peers.items())
               + ".")
    heads = "".join(f" {PEERS[k][1]} (s) |" for k in peers)
    out += ["", f"| stage | time (s) | rows/s | share | peak RSS after (MB) |{heads}",
            "|---|---|---|---|---|" + "---|" * len(peers)]
    for s in STAGES:
        t = ours["times"].get(s)
        err = " (error)" if s in ours["errors"] else ""
        cells = "".join(f" {fmt_s(v['times'].get(s))} |" for v in peers.values())
        out.append(
            f"| {s}{err} | {fmt_s(t)} | {fmt_rate(n, t)} | {(t or 0) / whole:.0%} | "
            f"{ours['peaks'].get(s, 0) / MB:,.0f} |{cells}"
        )
    ours_like = _whole(ours, OURS_FOR_PEER)
    cells = "".join(f" {fmt_s(v['total'])} |" for v in peers.values())
    out.append(f"| **whole** | **{fmt_s(whole)}** | {fmt_rate(n, whole)} | 100% | {ours['rss_peak'] / MB:,.0f} |{cells}")
    out += ["", f"- Floor (a), `pyarrow.csv.read_csv` of the same files: {fmt_s(floor['total'])} s "
            f"({fmt_rate(n, floor['total'])} rows/s, peak {floor['rss_peak'] / MB:,.0f} MB). "
            f"Whole pipeline = **{fmt_ratio(whole / floor['total'])}** the floor; our read stage alone "
            f"{fmt_ratio(ours['times'].get('read', 0) / floor['total'])}.",
            *[f"- Peer, {PEERS[k][1]} (`benchmarks/peers.py`): {fmt_s(v['total'])} s = "
              f"**{fmt_ratio(v['total'] / ours_like)}** our time on the same work ({fmt_s(ours_like)} s: read, normalise, "
              f"combine, validate, gaps, breaches); {fmt_ratio(v['total'] / floor['total'])} the raw read."
              for k, v in peers.items()],
            *_check_lines(b),
            f"- Memory: interpreter with the libraries loaded {base / MB:,.0f} MB; peak {ours['rss_peak'] / MB:,.0f} MB, "
            f"i.e. {(ours['rss_peak'] - base) / MB:,.0f} MB of work = "
            f"{fmt_ratio((ours['rss_peak'] - base) / max(ev.get('events_bytes', 1), 1))} the events frame."]
    fig = ev.get("figure")
    if fig:
        out.append(f"- Timeline figure: {fig['traces']} traces ({', '.join(fig['types'])}), {fig['points']:,} points.")
    for s, e in ours["errors"].items():
        out.append(f"- Stage `{s}` raised: `{e}`")
    return [*out, ""]


def _check_lines(b: dict[str, Any]) -> list[str]:
    """What the equality check before timing found, in one line per peer."""
    checks, at = b.get("checks"), b.get("checked_at")
    if not checks:
        return ["- Peers: not checked at this size, so not timed."]
    out = []
    for kind, c in checks.items():
        if c.get("error"):
            out.append(f"- Check of the {PEERS[kind][1]} peer on {label(at)} events: failed to run ({c['error']}); not timed.")
            continue
        parts = ", ".join(f"{what} {c[what]['ours']:,} = {c[what]['peer']:,}" if not (c[what]["only_ours"] or c[what]["only_peer"])
                          else f"{what} {c[what]['only_ours']:,} only ours / {c[what]['only_peer']:,} only the peer's"
                          for what in ("events", "rejects", "gaps", "breaches"))
        out.append(f"- Check of the {PEERS[kind][1]} peer against ours on {label(at)} events, row by row: {parts}: "
                   + ("**equal**." if c.get("equal") else "**differs**, so it is not timed."))
    return out


def small_section(res: dict[str, Any]) -> list[str]:
    out = ["## One case, import, 50,000-event timeline", ""]
    one = res.get("onecase")
    if one:
        out += ["One child, 500 events in five agency files (`synthetic(1, 500, seed=1)`): "
                "`read_case`, `tag()`, `gaps()` + `breaches()`, `timeline()`.", "",
                "| step | first call (s) | warm, median of 5 (s) |", "|---|---|---|"]
        for k, name in (("read", "read"), ("tag", "tag"), ("measure", "measure"), ("draw", "draw")):
            out.append(f"| {name} | {fmt_s(one['cold'][k])} | {fmt_s(one['warm'][k])} |")
        out.append(f"| **total** | {fmt_s(one['cold_total'])} (+ {fmt_s(one['import'])} import) | **{fmt_s(one['warm']['total'])}** |")
        out.append("")
    imp = res.get("import")
    if imp:
        out.append(f"`import chronology` in a fresh interpreter: {fmt_s(imp['median'])} s (runs: "
                   f"{', '.join(fmt_s(x) for x in imp['times'])}); modules loaded besides the standard library: "
                   f"{', '.join(imp['heavy']) or 'none of pandas, numpy, pyarrow, pandera, plotly, openpyxl, docx, ipywidgets'}.")
        out.append("")
    for tl in res.get("timelines", []):
        f = tl.get("figure", {})
        out.append(f"Timeline of {tl['events']:,} events, {tl['cases']} case(s): built in {fmt_s(tl['build'])} s; "
                   f"{f.get('traces')} traces ({', '.join(f.get('types', []))}), {f.get('points', 0):,} points, "
                   f"figure JSON {tl['json_bytes'] / MB:.1f} MB (serialised in {fmt_s(tl['to_json'])} s); title: "
                   f"“{f.get('title', '')}”.")
        out.append("")
    return out


def regex_section(res: dict[str, Any]) -> list[str]:
    rx = res.get("regex")
    if not rx:
        return []
    out = ["## pandas' regex fallback on non-ASCII text", "",
           f"`Series.str.contains(pattern, case=False)` on {rx['rows']:,} descriptions (pandas `str` dtype), "
           "all ASCII versus the same column with one curly apostrophe in one value (median of 3):", "",
           "| pattern | all ASCII (s) | one non-ASCII value (s) | slower | `textmatch.contains` (s) |",
           "|---|---|---|---|---|"]
    for r in rx["results"]:
        shown = r["pattern"].replace("|", "\\|")  # a bar would end the table cell
        out.append(f"| `{shown}` | {fmt_s(r['ascii'])} | {fmt_s(r['mixed'])} | {fmt_ratio(r['mixed'] / r['ascii'])} | "
                   f"{fmt_s(r['ours'])} |")
    out.append("")
    return out


# ---------------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    global _SRC_OVERRIDE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated event counts (default 10k,100k,1M)")
    ap.add_argument("--quick", action="store_true", help="10k events only; writes benchmarks/data/RESULTS-quick.md")
    ap.add_argument("--repeat", type=int, default=3, help="runs per workload up to 100k events (default 3)")
    ap.add_argument("--repeat-large", type=int, default=3, help="runs per workload above 100k events (default 3)")
    ap.add_argument("--peer-max", default="1M",
                    help="largest size the peers run at; above it, their largest run is scaled by the row "
                    "ratio and the report says so (default 1M: measured at every size)")
    ap.add_argument("--check-max", default="100k",
                    help="largest size at which the peers' answers are compared with ours before they are timed "
                    "(default 100k; larger sizes use the largest check)")
    ap.add_argument("--data", type=Path, default=HERE / "data", help="where the generated CSV files go")
    ap.add_argument("--out", type=Path, default=None, help="the report (default benchmarks/RESULTS.md)")
    ap.add_argument("--src", default=None, help="benchmark another source tree (put first on PYTHONPATH)")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from the last run's data/results.json (e.g. after editing findings.md)")
    ap.add_argument("--workload", choices=["synthetic", "realistic", "both"], default="synthetic",
                    help="the caseload to measure: synthetic (theme phrases in every note), realistic "
                    "(everyday case notes; report RESULTS-realistic.md, data in <data>/realistic) or both")
    args = ap.parse_args(argv)
    if args.workload == "both":
        given = list(argv if argv is not None else sys.argv[1:])
        rest = [a for i, a in enumerate(given)
                if not a.startswith("--workload") and (i == 0 or given[i - 1] != "--workload")]
        return max(main([*rest, "--workload", w]) for w in ("synthetic", "realistic"))
    global WORKLOAD
    WORKLOAD = args.workload
    if WORKLOAD == "realistic":
        args.data = args.data / "realistic"
        if args.out is None and not args.quick:
            args.out = HERE / "RESULTS-realistic.md"
    if args.report_only:
        res = json.loads((args.data / "results.json").read_text())
        res.setdefault("workload", WORKLOAD)
        out = args.out or HERE / "RESULTS.md"
        out.write_text(report(res), encoding="utf-8")
        print(f"wrote {out}")
        return 0
    _SRC_OVERRIDE = args.src
    sizes = [10_000] if args.quick else [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    out_path = args.out or ((args.data / "RESULTS-quick.md") if args.quick else HERE / "RESULTS.md")
    peer_max = parse_size(args.peer_max)
    check_max = parse_size(args.check_max)
    args.data.mkdir(parents=True, exist_ok=True)

    res: dict[str, Any] = {"machine": machine(), "load_before": os.getloadavg()[0], "sizes": sizes, "results": {},
                           "workload": WORKLOAD}
    t_all = time.perf_counter()
    peer_cache: dict[tuple[str, int], dict[str, Any]] = {}
    checks: dict[int, dict[str, Any]] = {}
    for n in sorted(sizes):
        print(f"== {label(n)} events", flush=True)
        folder = ensure_data(args.data / f"caseload-{label(n)}", n // EVENTS_PER_CASE, EVENTS_PER_CASE, SEED)
        reps = args.repeat if n <= 100_000 else args.repeat_large
        pipe = []
        for i in range(reps):
            pipe.append(work("pipeline", folder))
            print(f"  pipeline run {i + 1}/{reps}: {sum(pipe[-1]['times'].values()):.2f} s", flush=True)
        floor = [work("floor", folder) for _ in range(max(reps, 3))]
        if n <= check_max and WORKLOAD == "synthetic":  # the peers know the synthetic exports' layouts
            checks[n] = work("check_peers", folder)["checks"]
            print("  peers equal to ours: " + ", ".join(f"{k} {v.get('equal')}" for k, v in checks[n].items()), flush=True)
        checked = max((k for k in checks if k <= n), default=None)
        peers: dict[str, Any] = {}
        for kind, (wl, _) in PEERS.items():
            ok = checked is not None and checks[checked][kind].get("equal")
            if not ok:
                peers[kind] = {"skipped": "its answers differ from ours" if checked else
                               "not run: the peers are written for the synthetic exports' layouts"
                               if WORKLOAD != "synthetic" else "not checked"}
                continue
            if n <= peer_max:
                prs = [work(wl, folder) for _ in range(reps if n <= 10_000 else 1)]
                peers[kind] = summarise(prs, PEER_STAGES)
                peer_cache[(kind, n)] = peers[kind]
            else:  # measured on the largest size run so far, scaled by the row ratio
                m = max((k for (p, k) in peer_cache if p == kind), default=None)
                if m is None:
                    peers[kind] = {"skipped": f"not run above --peer-max {label(peer_max)}"}
                    continue
                src, k = peer_cache[(kind, m)], n / m
                peers[kind] = {**src, "times": {st: t * k for st, t in src["times"].items()}, "total": src["total"] * k,
                               "totals": [t * k for t in src["totals"]], "scaled": True, "scaled_from": m}
            print(f"  peer {kind}: {peers[kind]['total']:.1f} s{' (scaled)' if peers[kind].get('scaled') else ''}", flush=True)
        res["results"][str(n)] = {"pipeline": summarise(pipe, STAGES), "floor": summarise(floor, ["read"]),
                                  "peers": peers, "checks": checks.get(checked) if checked else None,
                                  "checked_at": checked}

    print("== one case, import, timeline, regex", flush=True)
    one_dir = ensure_data(args.data / "one-case-500", 1, 500, 1)
    res["onecase"] = work("onecase", one_dir)
    imports = [work("import", None) for _ in range(5)]
    res["import"] = {"times": [r["import"] for r in imports], "median": median([r["import"] for r in imports]),
                     "runs": len(imports), "heavy": imports[-1]["heavy_modules_loaded"]}
    res["timelines"] = []
    for cases, per_case in ((1, 50_000), (1_000, 50)):
        tdir = ensure_data(args.data / f"timeline-{cases}x{per_case}", cases, per_case, 2)
        res["timelines"].append(work("timeline", tdir))
    rx_dir = ensure_data(args.data / "caseload-100k", 100_000 // EVENTS_PER_CASE, EVENTS_PER_CASE, SEED)
    res["regex"] = work("regex", rx_dir)
    res["load_after"] = os.getloadavg()[0]
    res["seconds"] = time.perf_counter() - t_all

    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(report(res), encoding="utf-8")
    (args.data / "results.json").write_text(json.dumps(res, indent=1, default=str))
    print(f"wrote {out_path} in {res['seconds']:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
