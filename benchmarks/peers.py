"""The benchmark's peers: what an analyst writes by hand for the synthetic caseload, in pandas 3 and
in polars, doing the same work as the library on the stages they cover, and the check that their
answers equal ours (``check``), run before either is timed.

An analyst who has looked at the five exports knows each one's headings and date habits, so the
peers read them with those: explicit formats tried in order (``AGENCIES``), ``00:00`` read as
"no time", ``?`` as uncertain, ``w/c`` as a week and ``Mar 2024`` as a month. Both peers

* **normalise**: dates with their precision and the uncertain flag, times localised to
  Europe/London (a time in the repeated October hour as its first, BST, occurrence, one in the
  skipped March hour moved to 02:00, both flagged uncertain), every row whose date cannot be read
  kept as a reject, event types from the package's own patterns (``event_types.toml``: the first
  that matches the description, after the police "Incident type" column);
* **gaps**: every gap per case, an approximate date covering its whole week or month, with
  calendar days, working days (England and Wales bank holidays from ``holidays``), hours and the
  ids of the events either side (as ``gaps()`` returns them: the text is joined for display);
* **breaches**: every statutory timescale of ``timescales.toml`` (the package's rule objects, the
  same matching: event type, agency, regex on description or action, exclusions, "any of" ends,
  recurring rules, first N starts, the same start told by two agencies within 24 hours counted
  once), each start paired with the first end at or after it, limits in working days, days, weeks,
  months or hours, and open intervals overdue at the end of the case's record.

They do not tag themes or draw a timeline: those stages are compared with nothing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np

TZ = "Europe/London"

#: each export's headings and date habits: (format, precision) tried in order
AGENCIES: dict[str, dict[str, Any]] = {
    "police": {"date": "Date/Time", "text": "Details", "action": "Action taken", "type": "Incident type",
               "formats": [("%d/%m/%Y %H:%M", "minute")]},
    "health_acute": {"date": "Date", "time": "Time", "text": "Details", "action": "Outcome",
                     "formats": [("%d-%b-%Y", "day")]},
    "csc": {"date": "Date", "text": "Summary", "action": "Outcome", "service": "Team",
            "formats": [("%Y-%m-%d", "day"), ("%b %Y", "month")]},
    "education": {"date": "Week commencing", "text": "Details", "action": "Action",
                  "formats": [("w/c %d/%m/%Y", "week")]},
    "health_camhs": {"date": "Date", "text": "Details", "action": "Outcome", "uncertain": "?",
                     "formats": [("%d.%m.%Y", "day")]},
}
NULL_TOKENS = {"n/k", "nk", "n/a", "na", "-", "unknown", "not known", "none", ""}


def package_toml(name: str) -> dict[str, Any]:
    import chronology

    return tomllib.loads((Path(chronology.__file__).parent / "data" / name).read_text(encoding="utf-8"))


def type_patterns() -> list[tuple[str, str]]:
    return [(p["event_type"], p["regex"]) for p in package_toml("event_types.toml")["patterns"]]


def type_aliases() -> dict[str, str]:
    return dict(package_toml("event_types.toml")["aliases"])


def holidays_array() -> np.ndarray:
    import holidays

    hols = holidays.country_holidays("GB", subdiv="ENG", years=range(1990, 2046))
    return np.array(sorted(hols.keys()), dtype="datetime64[D]")


def rules() -> list[Any]:
    from chronology.metrics import default_timescales

    return default_timescales()


def _ignore_group_warning() -> None:
    import warnings

    warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression")


# ============================================================================================ pandas
def pandas_read(folder: Path) -> dict[str, Any]:
    import pandas as pd

    return {agency: pd.read_csv(folder / f"{agency}.csv", dtype="str", keep_default_na=False)
            for agency in AGENCIES}


def pandas_normalise(frames: dict[str, Any]) -> tuple[Any, Any]:
    import pandas as pd

    _ignore_group_warning()
    patterns, aliases = type_patterns(), type_aliases()
    events, rejects = [], []
    for agency, df in frames.items():
        spec = AGENCIES[agency]
        source = f"{agency}.csv"
        row = pd.Series(np.arange(2, len(df) + 2), index=df.index)
        raw = df[spec["date"]].str.strip()
        uncertain = pd.Series(False, index=df.index)
        if "uncertain" in spec:
            uncertain = raw.str.startswith(spec["uncertain"]).fillna(False)
            raw = raw.str.removeprefix(spec["uncertain"]).str.strip()
        start = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
        precision = pd.Series(None, index=df.index, dtype="str")
        for fmt, prec in spec["formats"]:
            todo = start.isna()
            got = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
            start[todo] = got
            precision[todo & start.notna()] = prec
        if "time" in spec:
            t = pd.to_timedelta(df[spec["time"]].where(df[spec["time"]].str.len() > 0) + ":00", errors="coerce")
            has = t.notna() & (t != pd.Timedelta(0))
            start[has] = start[has] + t[has]
            precision[has & start.notna()] = "minute"
        midnight = precision.eq("minute") & (start == start.dt.normalize())
        precision[midnight] = "day"  # 00:00: no time recorded
        text = df[spec["text"]].str.strip()
        ok = start.notna() & text.notna() & (text.str.len() > 0)
        bad = ~ok
        if bad.any():
            rejects.append(pd.DataFrame({"source": source, "source_row": row[bad],
                                         "value": df.loc[bad, spec["date"]]}))
        # localise: the repeated hour is BST, the skipped hour moves to its end; both are flagged
        wall = start[ok]
        first = wall.dt.tz_localize(TZ, ambiguous=np.ones(len(wall), dtype=bool), nonexistent="shift_forward")
        second = wall.dt.tz_localize(TZ, ambiguous=np.zeros(len(wall), dtype=bool), nonexistent="shift_forward")
        moved = first.dt.tz_localize(None) != wall
        odd = (first != second) | moved
        d = pd.DataFrame({
            "event_id": df.loc[ok, "Case ref"] + f":{source}:" + row[ok].astype("str"),
            "case_id": df.loc[ok, "Case ref"],
            "agency": agency,
            "service": df.loc[ok, spec["service"]] if "service" in spec else pd.Series(pd.NA, index=wall.index, dtype="str"),
            "start": first,
            "precision": precision[ok],
            "uncertain": uncertain[ok] | odd,
            "description": text[ok],
            "action": df.loc[ok, spec["action"]].str.strip().mask(lambda s: s.str.lower().isin(NULL_TOKENS)),
        })
        etype = pd.Series(pd.NA, index=d.index, dtype="str")
        if "type" in spec:
            t = df.loc[ok, spec["type"]].str.strip().str.lower()
            etype = t.map(aliases).astype("str")
            for code, p in patterns:
                todo = etype.isna() & (t.str.len() > 0)
                if not todo.any():
                    break
                etype[todo & t.str.contains(p, case=False, regex=True)] = code
        for code, p in patterns:
            todo = etype.isna()
            if not todo.any():
                break
            hit = d.loc[todo, "description"].str.contains(p, case=False, regex=True)
            etype[hit[hit].index] = code
        d["event_type"] = etype.fillna("other")
        events.append(d)
    ev = pd.concat(events, ignore_index=True)
    ev = ev.sort_values(["case_id", "start", "event_id"], kind="stable", ignore_index=True)
    rej = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=["source", "source_row", "value"])
    return ev, rej


def _pandas_cover(ev: Any) -> tuple[Any, Any]:
    """The furthest moment each event reaches (a week or month: its last day; else its start), and
    the latest moment it can have happened (``reach``, used to pair end events)."""
    import pandas as pd

    wall = ev["start"].dt.tz_localize(None)
    week, month, day = ev["precision"].eq("week"), ev["precision"].eq("month"), ev["precision"].eq("day")
    period_end = wall + pd.Timedelta(minutes=1)
    period_end[day] = wall[day] + pd.Timedelta(days=1)
    period_end[week] = wall[week] + pd.Timedelta(days=7)
    period_end[month] = (wall[month].dt.to_period("M") + 1).dt.start_time.astype("datetime64[us]")
    last_day = ev["start"].copy()
    coarse = week | month
    last_day[coarse] = (period_end[coarse] - pd.Timedelta(days=1)).dt.tz_localize(TZ)
    pend = period_end.dt.tz_localize(TZ, ambiguous=np.ones(len(ev), dtype=bool), nonexistent="shift_forward")
    pend[ev["precision"].eq("minute")] = ev["start"] + pd.Timedelta(minutes=1)
    reach = ev["start"].where(ev["precision"].eq("minute"), pend - pd.Timedelta(microseconds=1))
    return last_day, reach


def _pandas_measures(start: Any, end: Any, hols: np.ndarray) -> Any:
    import pandas as pd

    a = start.dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    b = end.dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    ok = ~(np.isnat(a) | np.isnat(b))
    days = pd.Series(pd.NA, index=start.index, dtype="Int64")
    wd = pd.Series(pd.NA, index=start.index, dtype="Int64")
    days[ok] = np.maximum((b[ok] - a[ok]).astype("int64"), 0)
    lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
    wd[ok] = np.maximum(np.sign((b[ok] - a[ok]).astype("int64")) * np.busday_count(lo + 1, hi + 1, holidays=hols), 0)
    hours = ((end - start).dt.total_seconds() / 3600).clip(lower=0)
    return pd.DataFrame({"hours": hours, "days": days, "working_days": wd})


def pandas_gaps(ev: Any) -> Any:
    import pandas as pd

    hols = holidays_array()
    last_day, _ = _pandas_cover(ev)
    g = ev.groupby("case_id", sort=False)
    run = last_day.groupby(ev["case_id"], sort=False).cummax()
    setter = pd.Series(np.where(last_day.eq(run), np.arange(len(ev)), np.nan)).groupby(ev["case_id"], sort=False).ffill()
    prev = run.groupby(ev["case_id"], sort=False).shift()
    before = setter.groupby(ev["case_id"], sort=False).shift()
    has = prev.notna() & (ev["start"] > prev)
    after_i = np.flatnonzero(has.to_numpy())
    before_i = before.to_numpy()[after_i].astype("int64")
    start = prev.iloc[after_i].reset_index(drop=True)
    end = ev["start"].iloc[after_i].reset_index(drop=True)
    m = _pandas_measures(start, end, hols)
    del g
    return pd.DataFrame({
        "case_id": ev["case_id"].iloc[after_i].to_numpy(),
        "start": start, "end": end, **{c: m[c] for c in m},
        "before_event_id": ev["event_id"].iloc[before_i].to_numpy(),
        "after_event_id": ev["event_id"].iloc[after_i].to_numpy(),
    })


def _pandas_match(m: Any, ev: Any) -> Any:
    import pandas as pd

    out = pd.Series(True, index=ev.index)
    if m.event_type is not None:
        out &= ev["event_type"].isin(m.event_type)
    if m.agency is not None:
        out &= ev["agency"].isin(m.agency)
    if m.service is not None:
        out &= ev["service"].str.contains(m.service, case=False, regex=True).fillna(False).astype(bool)
    if m.child_seen is not None:
        out &= False  # the peers do not read child_seen; no default timescale uses it
    if m.text is not None:
        hit = pd.Series(False, index=ev.index)
        for col in ("description", "action"):
            hit |= ev[col].str.contains(m.text, case=False, regex=True).fillna(False).astype(bool)
        out &= hit
    if m.exclude is not None:
        for col in ("description", "action"):
            out &= ~ev[col].str.contains(m.exclude, case=False, regex=True).fillna(False).astype(bool)
    return out


def _pandas_matcher(m: Any, ev: Any) -> Any:
    if hasattr(m, "matches"):  # any of
        out = _pandas_match(m.matches[0], ev)
        for one in m.matches[1:]:
            out |= _pandas_match(one, ev)
        return out
    return _pandas_match(m, ev)


def _due_and_over(start: Any, end: Any, m: Any, limit: Any, hols: np.ndarray) -> tuple[Any, Any]:
    import pandas as pd

    unit, n = limit.unit, limit.amount
    day = start.dt.tz_localize(None).dt.normalize()
    if unit in ("minutes", "hours"):
        td = pd.Timedelta(minutes=n) if unit == "minutes" else pd.Timedelta(hours=n)
        due = start + td
        over = m["hours"] > td / pd.Timedelta(hours=1)
    else:
        if unit == "working_days":
            d = np.busday_offset(day.to_numpy().astype("datetime64[D]") + 1, int(n) - 1, roll="forward", holidays=hols)
            due_wall = pd.Series(d.astype("datetime64[us]"), index=start.index)
            over = m["working_days"].astype("Float64") > n
        elif unit == "months":
            due_wall = day + pd.DateOffset(months=int(n))
            over = None
        else:
            k = n * (7 if unit == "weeks" else 1)
            due_wall = day + pd.Timedelta(days=k)
            over = m["days"].astype("Float64") > k
        due = due_wall.dt.normalize().dt.tz_localize(TZ, ambiguous=np.ones(len(start), dtype=bool), nonexistent="shift_forward")
        if over is None:
            over = end.dt.tz_localize(None).dt.normalize() > due.dt.tz_localize(None).dt.normalize()
    over = pd.Series(over, index=start.index).astype("boolean").mask(end.isna())
    return due, over


def pandas_breaches(ev: Any, rule_list: list[Any] | None = None) -> Any:
    import pandas as pd

    hols = holidays_array()
    rule_list = rules() if rule_list is None else rule_list
    _, reach = _pandas_cover(ev)
    ev = ev.assign(reach=reach, pos=np.arange(len(ev)))
    last = ev["start"]
    as_of = last.groupby(ev["case_id"]).max()
    parts = []
    for rule in rule_list:
        S = ev[_pandas_matcher(rule.start, ev)]
        if rule.not_after is not None:
            excl = ev[_pandas_matcher(rule.not_after, ev)].groupby("case_id")["start"].min()
            if len(excl):
                first = S["case_id"].map(excl).astype(S["start"].dtype)
                S = S[first.isna() | (S["start"] <= first)]
        prev_start = S.groupby("case_id")["start"].shift()
        prev_agency = S.groupby("case_id")["agency"].shift()
        twice = prev_start.notna() & (S["start"] - prev_start <= pd.Timedelta(hours=24)) & (S["agency"] != prev_agency)
        S = S[~twice]
        rank = S.groupby("case_id").cumcount()
        keep = rank >= rule.skip
        if rule.take is not None:
            keep &= rank < rule.skip + rule.take
        if S.empty:
            continue
        if rule.end is None:
            S = S[keep]
            end_id = pd.Series(pd.NA, index=S.index, dtype="str")
            end_ts = pd.Series(pd.NaT, index=S.index, dtype=ev["start"].dtype)
        elif rule.end == rule.start:
            nxt_id = S.groupby("case_id")["event_id"].shift(-1)
            nxt_ts = S.groupby("case_id")["start"].shift(-1)
            S, end_id, end_ts = S[keep], nxt_id[keep], nxt_ts[keep]
        else:
            S = S[keep]
            E = ev[_pandas_matcher(rule.end, ev)]
            paired = pd.merge_asof(
                S[["case_id", "start", "pos"]].sort_values("start", kind="stable"),
                E[["case_id", "reach", "pos", "event_id", "start"]].rename(
                    columns={"pos": "end_pos", "start": "end_start"}).sort_values(["reach", "end_pos"], kind="stable"),
                left_on="start", right_on="reach", by="case_id", direction="forward", allow_exact_matches=True,
            ).set_index("pos").loc[S["pos"]]
            end_id = pd.Series(paired["event_id"].to_numpy(), index=S.index, dtype="str")
            end_ts = pd.Series(paired["end_start"].to_numpy(), index=S.index).astype(ev["start"].dtype)
        start = S["start"]
        m = _pandas_measures(start.reset_index(drop=True), end_ts.reset_index(drop=True), hols)
        m.index = S.index
        status = pd.Series(np.where(end_ts.notna(), "measured", "open"), index=S.index, dtype="str")
        breached = pd.Series(pd.NA, index=S.index, dtype="boolean")
        if rule.limit_duration is not None:
            _due, over = _due_and_over(start, end_ts, m, rule.limit_duration, hols)
            status = status.mask(end_ts.notna(), np.where(over.fillna(False), "breached", "met"))
            if rule.end is not None:
                case_end = S["case_id"].map(as_of).astype(ev["start"].dtype)
                mc = _pandas_measures(start.reset_index(drop=True), case_end.reset_index(drop=True), hols)
                mc.index = S.index
                _, late = _due_and_over(start, case_end, mc, rule.limit_duration, hols)
                status = status.mask(end_ts.isna() & late.fillna(False), "overdue")
            breached = pd.Series(pd.NA, index=S.index, dtype="boolean")
            breached[status.isin(["breached", "overdue"])] = True
            breached[status.eq("met")] = False
        parts.append(pd.DataFrame({
            "rule": rule.name, "case_id": S["case_id"], "start_event_id": S["event_id"], "end_event_id": end_id,
            "start": start, "end": end_ts, **{c: m[c] for c in m}, "status": status, "breached": breached,
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


# ============================================================================================ polars
def polars_read(folder: Path) -> dict[str, Any]:
    import polars as pl

    return {agency: pl.read_csv(folder / f"{agency}.csv", infer_schema=False) for agency in AGENCIES}


def _pl_localize(wall: Any) -> Any:
    """Wall-clock to Europe/London: the repeated hour as BST, the skipped hour moved to its end."""
    import polars as pl

    first = wall.dt.replace_time_zone(TZ, ambiguous="earliest", non_existent="null")
    moved = (wall.dt.truncate("1h") + pl.duration(hours=1)).dt.replace_time_zone(TZ, ambiguous="earliest")
    return pl.when(first.is_null() & wall.is_not_null()).then(moved).otherwise(first)


def polars_normalise(frames: dict[str, Any]) -> tuple[Any, Any]:
    import polars as pl

    patterns, aliases = type_patterns(), type_aliases()
    events, rejects = [], []
    for agency, df in frames.items():
        spec = AGENCIES[agency]
        source = f"{agency}.csv"
        raw = pl.col(spec["date"]).fill_null("").str.strip_chars()
        unc = pl.lit(False)
        if "uncertain" in spec:
            unc = raw.str.starts_with(spec["uncertain"])
            raw = raw.str.strip_prefix(spec["uncertain"]).str.strip_chars()
        parsed = [raw.str.strptime(pl.Datetime("us"), fmt.replace("w/c ", "w/c "), strict=False) for fmt, _ in spec["formats"]]
        start = pl.coalesce(parsed)
        prec = pl.when(parsed[0].is_not_null()).then(pl.lit(spec["formats"][0][1]))
        for p, (_, level) in zip(parsed[1:], spec["formats"][1:], strict=True):
            prec = prec.when(p.is_not_null()).then(pl.lit(level))
        prec = prec.otherwise(None)
        d = df.with_row_index("row", offset=2).with_columns(start=start, precision=prec, uncertain=unc)
        if "time" in spec:
            t = pl.col(spec["time"]).fill_null("")
            secs = (t.str.slice(0, 2).cast(pl.Int64, strict=False) * 3600 + t.str.slice(3, 2).cast(pl.Int64, strict=False) * 60)
            has = secs.is_not_null() & (secs != 0) & pl.col("start").is_not_null()
            d = d.with_columns(
                start=pl.when(has).then(pl.col("start") + pl.duration(seconds=secs)).otherwise(pl.col("start")),
                precision=pl.when(has).then(pl.lit("minute")).otherwise(pl.col("precision")),
            )
        d = d.with_columns(precision=pl.when((pl.col("precision") == "minute") & (pl.col("start") == pl.col("start").dt.truncate("1d")))
                           .then(pl.lit("day")).otherwise(pl.col("precision")),
                           description=pl.col(spec["text"]).str.strip_chars())
        ok = pl.col("start").is_not_null() & (pl.col("description").fill_null("").str.len_chars() > 0)
        rejects.append(d.filter(~ok).select(pl.lit(source).alias("source"), pl.col("row").cast(pl.Int64).alias("source_row")))
        d = d.filter(ok)
        loc = _pl_localize(pl.col("start"))
        late = pl.col("start").dt.replace_time_zone(TZ, ambiguous="latest", non_existent="null")
        odd = loc.dt.replace_time_zone(None) != pl.col("start")
        odd = odd | (loc != late).fill_null(True)
        action = pl.col(spec["action"]).fill_null("").str.strip_chars()
        d = d.select(
            (pl.col("Case ref") + f":{source}:" + pl.col("row").cast(pl.String)).alias("event_id"),
            pl.col("Case ref").alias("case_id"),
            pl.lit(agency).alias("agency"),
            (pl.col(spec["service"]) if "service" in spec else pl.lit(None, dtype=pl.String)).alias("service"),
            loc.alias("start"),
            pl.col("precision"),
            (pl.col("uncertain") | odd).alias("uncertain"),
            pl.col("description"),
            pl.when(action.str.to_lowercase().is_in(list(NULL_TOKENS))).then(None).otherwise(action).alias("action"),
            (pl.col(spec["type"]).fill_null("").str.strip_chars().str.to_lowercase() if "type" in spec
             else pl.lit("")).alias("_type"),
        )
        # the first that says something: the alias of the type column, then the first pattern that
        # matches the type column, then the first that matches the description (one flat coalesce:
        # a when/otherwise chain that refers to itself would be evaluated twice per level)
        tries = [pl.col("_type").replace_strict(aliases, default=None, return_dtype=pl.String)]
        tries += [pl.when((pl.col("_type") != "") & pl.col("_type").str.contains("(?i)" + p)).then(pl.lit(code))
                  for code, p in patterns]
        tries += [pl.when(pl.col("description").str.contains("(?i)" + p)).then(pl.lit(code)) for code, p in patterns]
        events.append(d.with_columns(event_type=pl.coalesce([*tries, pl.lit("other")])).drop("_type"))
    ev = pl.concat(events).sort(["case_id", "start", "event_id"], maintain_order=True)
    return ev, pl.concat(rejects)


def _pl_cover(ev: Any) -> Any:
    import polars as pl

    wall = pl.col("start").dt.replace_time_zone(None)
    p = pl.col("precision")
    pend_wall = (pl.when(p == "day").then(wall + pl.duration(days=1))
                 .when(p == "week").then(wall + pl.duration(days=7))
                 .when(p == "month").then(wall.dt.offset_by("1mo"))
                 .otherwise(wall + pl.duration(minutes=1)))
    pend = pl.when(p == "minute").then(pl.col("start") + pl.duration(minutes=1)).otherwise(_pl_localize(pend_wall))
    last_day = pl.when(p.is_in(["week", "month"])).then(_pl_localize(pend_wall - pl.duration(days=1))).otherwise(pl.col("start"))
    reach = pl.when(p == "minute").then(pl.col("start")).otherwise(pend - pl.duration(microseconds=1))
    return ev.with_columns(last_day=last_day, reach=reach)


def _pl_measures(start: str, end: str, hols: list[Any]) -> list[Any]:
    import polars as pl

    a = pl.col(start).dt.replace_time_zone(None).dt.date()
    b = pl.col(end).dt.replace_time_zone(None).dt.date()
    return [
        ((pl.col(end) - pl.col(start)).dt.total_microseconds() / 3.6e9).clip(lower_bound=0).alias("hours"),
        (b - a).dt.total_days().clip(lower_bound=0).alias("days"),
        pl.business_day_count(a + pl.duration(days=1), b + pl.duration(days=1), holidays=hols).clip(lower_bound=0).alias("working_days"),
    ]


def polars_gaps(ev: Any) -> Any:
    import polars as pl

    hols = list(holidays_array().astype("datetime64[D]").tolist())
    d = _pl_cover(ev).with_row_index("i")
    d = d.with_columns(run=pl.col("last_day").cum_max().over("case_id"))
    d = d.with_columns(setter=pl.when(pl.col("last_day") == pl.col("run")).then(pl.col("i")).otherwise(None).forward_fill().over("case_id"))
    d = d.with_columns(prev=pl.col("run").shift().over("case_id"), before=pl.col("setter").shift().over("case_id"))
    g = d.filter(pl.col("prev").is_not_null() & (pl.col("start") > pl.col("prev")))
    ids = d.select(pl.col("i").alias("before"), pl.col("event_id").alias("before_event_id"))
    g = g.join(ids, on="before", how="left")
    return g.select(pl.col("case_id"), pl.col("prev").alias("gap_start"), pl.col("start").alias("gap_end"),
                    "before_event_id", pl.col("event_id").alias("after_event_id")).with_columns(
        _pl_measures("gap_start", "gap_end", hols)).rename({"gap_start": "start", "gap_end": "end"})


def _pl_match(m: Any) -> Any:
    import polars as pl

    out = pl.lit(True)
    if m.event_type is not None:
        out &= pl.col("event_type").is_in(list(m.event_type))
    if m.agency is not None:
        out &= pl.col("agency").is_in(list(m.agency))
    if m.service is not None:
        out &= pl.col("service").str.contains("(?i)" + m.service).fill_null(False)
    if m.child_seen is not None:
        out &= pl.lit(False)
    if m.text is not None:
        out &= (pl.col("description").str.contains("(?i)" + m.text).fill_null(False)
                | pl.col("action").str.contains("(?i)" + m.text).fill_null(False))
    if m.exclude is not None:
        for col in ("description", "action"):
            out &= ~pl.col(col).str.contains("(?i)" + m.exclude).fill_null(False)
    return out


def _pl_matcher(m: Any) -> Any:
    if hasattr(m, "matches"):
        out = _pl_match(m.matches[0])
        for one in m.matches[1:]:
            out |= _pl_match(one)
        return out
    return _pl_match(m)


def _pl_limit(limit: Any, end: str, hols: list[Any]) -> tuple[Any, Any]:
    """(due, over) expressions for one limit, from ``start`` to column ``end``."""
    import polars as pl

    unit, n = limit.unit, limit.amount
    day = pl.col("start").dt.replace_time_zone(None).dt.truncate("1d")
    if unit in ("minutes", "hours"):
        hours = n / 60 if unit == "minutes" else n
        return (pl.col("start") + pl.duration(microseconds=int(hours * 3.6e9)),
                ((pl.col(end) - pl.col("start")).dt.total_microseconds() / 3.6e9) > hours)
    a = pl.col("start").dt.replace_time_zone(None).dt.date()
    b = pl.col(end).dt.replace_time_zone(None).dt.date()
    if unit == "working_days":
        due = pl.col("start").dt.replace_time_zone(None).dt.date().dt.add_business_days(int(n), holidays=hols, roll="forward")
        due_wall = due.cast(pl.Datetime("us"))
        over = pl.business_day_count(a + pl.duration(days=1), b + pl.duration(days=1), holidays=hols) > n
    elif unit == "months":
        due_wall = day.dt.offset_by(f"{int(n)}mo")
        over = b > due_wall.dt.date()
    else:
        k = n * (7 if unit == "weeks" else 1)
        due_wall = day + pl.duration(days=k)
        over = (b - a).dt.total_days() > k
    return _pl_localize(due_wall), over


def polars_breaches(ev: Any, rule_list: list[Any] | None = None) -> Any:
    import polars as pl

    hols = list(holidays_array().astype("datetime64[D]").tolist())
    rule_list = rules() if rule_list is None else rule_list
    d = _pl_cover(ev).with_row_index("pos")
    d = d.with_columns(as_of=pl.col("start").max().over("case_id"))
    parts = []
    for rule in rule_list:
        S = d.filter(_pl_matcher(rule.start))
        if rule.not_after is not None:
            excl = d.filter(_pl_matcher(rule.not_after)).group_by("case_id").agg(pl.col("start").min().alias("excl"))
            S = S.join(excl, on="case_id", how="left").filter(pl.col("excl").is_null() | (pl.col("start") <= pl.col("excl"))).drop("excl")
        S = S.filter(~(
            (pl.col("start") - pl.col("start").shift().over("case_id") <= pl.duration(hours=24)).fill_null(False)
            & (pl.col("agency") != pl.col("agency").shift().over("case_id")).fill_null(False)))
        S = S.with_columns(rank=pl.int_range(pl.len()).over("case_id"))
        keep = pl.col("rank") >= rule.skip
        if rule.take is not None:
            keep &= pl.col("rank") < rule.skip + rule.take
        if S.height == 0:
            continue
        if rule.end is None:
            S = S.filter(keep).with_columns(end_event_id=pl.lit(None, dtype=pl.String), end_start=pl.lit(None).cast(S.schema["start"]))
        elif rule.end == rule.start:
            S = S.with_columns(end_event_id=pl.col("event_id").shift(-1).over("case_id"),
                               end_start=pl.col("start").shift(-1).over("case_id")).filter(keep)
        else:
            S = S.filter(keep)
            E = d.filter(_pl_matcher(rule.end)).select("case_id", "reach", pl.col("pos").alias("end_pos"),
                                                         pl.col("event_id").alias("end_event_id"),
                                                         pl.col("start").alias("end_start")).sort(["reach", "end_pos"])
            S = S.sort("start").join_asof(E, left_on="start", right_on="reach", by="case_id", strategy="forward",
                                          check_sortedness=False).sort("pos")  # sorted overall, so within each case
        S = S.with_columns(_pl_measures("start", "end_start", hols))
        status = pl.when(pl.col("end_start").is_not_null()).then(pl.lit("measured")).otherwise(pl.lit("open"))
        breached = pl.lit(None, dtype=pl.Boolean)
        if rule.limit_duration is not None:
            _, over = _pl_limit(rule.limit_duration, "end_start", hols)
            _, late = _pl_limit(rule.limit_duration, "as_of", hols)
            status = pl.when(pl.col("end_start").is_not_null()).then(
                pl.when(over).then(pl.lit("breached")).otherwise(pl.lit("met")))
            status = (status.when(pl.lit(rule.end is not None) & late.fill_null(False)).then(pl.lit("overdue"))
                      .otherwise(pl.lit("open")))
            breached = pl.when(status.is_in(["breached", "overdue"])).then(True).when(status == "met").then(False).otherwise(None)
        parts.append(S.select(pl.lit(rule.name).alias("rule"), "case_id", pl.col("event_id").alias("start_event_id"),
                              "end_event_id", "start", pl.col("end_start").alias("end"), "hours", "days", "working_days",
                              status.alias("status"), breached.alias("breached")))
    return pl.concat(parts) if parts else pl.DataFrame()


# ============================================================================================= check
def check(ours: Any, name: str, events: Any, rejects: Any, gaps: Any, breaches: Any) -> dict[str, Any]:
    """Compare a peer's events, rejects, gaps and breaches (pandas frames) with ours (a Chronology):
    on event ids, start instants, precision, uncertain and event type; on the rejected rows; on
    every gap (events either side, times, days, working days, hours) and every breach row (rule,
    events, times, measures, status). Returns counts and the first differences; ``equal`` is True
    only when nothing differs."""
    import pandas as pd

    out: dict[str, Any] = {"peer": name}

    def us(s: pd.Series) -> pd.Series:
        s = pd.to_datetime(s)
        s = s.dt.tz_convert("UTC").dt.tz_localize(None) if getattr(s.dtype, "tz", None) is not None else s
        return s.astype("datetime64[us]").astype("int64").where(s.notna().to_numpy(), -1)

    def compare(what: str, a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
        a = a.astype("object").where(a.notna(), None).astype(str)
        b = b.astype("object").where(b.notna(), None).astype(str)
        m = a.merge(b, on=list(a.columns), how="outer", indicator=True)
        only_a, only_b = int((m["_merge"] == "left_only").sum()), int((m["_merge"] == "right_only").sum())
        out[what] = {"ours": len(a), "peer": len(b), "only_ours": only_a, "only_peer": only_b,
                     "examples": m[m["_merge"] != "both"].sort_values(keys).head(4).values.tolist()}

    e = ours.events
    compare("events",
            pd.DataFrame({"event_id": e["event_id"], "start": us(e["start"]), "precision": e["precision"].astype(str),
                          "uncertain": e["uncertain"].astype(bool), "event_type": e["event_type"].astype(str)}),
            pd.DataFrame({"event_id": events["event_id"], "start": us(events["start"]),
                          "precision": events["precision"].astype(str), "uncertain": events["uncertain"].astype(bool),
                          "event_type": events["event_type"].astype(str)}), ["event_id"])
    compare("rejects", pd.DataFrame({"source": ours.rejects["source"], "row": ours.rejects["source_row"].astype(int)}),
            pd.DataFrame({"source": rejects["source"], "row": rejects["source_row"].astype(int)}), ["source", "row"])
    g = ours.gaps()
    gcols = ["before_event_id", "after_event_id", "days", "working_days"]
    compare("gaps",
            pd.DataFrame({**{c: g[c].astype(str) for c in gcols}, "start": us(g["start"]), "end": us(g["end"]),
                          "hours": g["hours"].round(6)}),
            pd.DataFrame({**{c: gaps[c].astype(str) for c in gcols}, "start": us(gaps["start"]), "end": us(gaps["end"]),
                          "hours": gaps["hours"].astype(float).round(6)}), gcols)
    b = ours.breaches()
    bcols = ["rule", "start_event_id", "end_event_id", "days", "working_days", "status", "breached"]
    # counts compare as numbers (an engine may hold them as floats when some are missing)
    b = b.assign(**{c: pd.to_numeric(b[c]).astype("Float64") for c in ("days", "working_days")})
    breaches = breaches.assign(**{c: pd.to_numeric(breaches[c]).astype("Float64") for c in ("days", "working_days")})
    compare("breaches",
            pd.DataFrame({**{c: b[c].astype("object").where(b[c].notna(), None) for c in bcols},
                          "start": us(b["start"]), "end": us(b["end"]), "hours": b["hours"].round(6)}),
            pd.DataFrame({**{c: breaches[c].astype("object").where(breaches[c].notna(), None) for c in bcols},
                          "start": us(breaches["start"]), "end": us(breaches["end"]),
                          "hours": breaches["hours"].astype(float).round(6)}), ["rule", "start_event_id"])
    out["equal"] = all(out[k]["only_ours"] == 0 and out[k]["only_peer"] == 0 for k in ("events", "rejects", "gaps", "breaches"))
    return out
