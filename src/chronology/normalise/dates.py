"""UK day-first date parsing, vectorised.

Cells may be text in many styles, real datetimes (Excel date cells) or Excel serial numbers. Each distinct
value is parsed once: explicit formats are tried in order on what is still unparsed (never
``format="mixed"``, never month-first unless you pass such a format). The result gives, per cell, the
wall-clock start, its precision (``minute``, ``day``, ``week``, ``month``, ``year``), whether the source
marked it as approximate, the format that read it, and for failures a reason and a hint.

Recognised, besides real date cells and Excel serials:

- day: ``12/03/2024``, ``12/03/24``, ``12.03.2024``, ``12-03-2024``, ``12-Mar-2024``, ``12 March 2024``,
  ``25th July 2007``, ``Tuesday 12 March 2024``, ISO ``2024-03-12``;
- minute: any of those with ``HH:MM`` (or ``HH:MM:SS``, ``HH.MM``), ISO ``2024-03-12T14:30``;
  ``00:00`` is read as "time not recorded" (precision day);
- week: ``w/c 25 Dec 2006``, ``w/c 25/12/2006``, ``week commencing ...``, ``w/b ...``;
- month: ``Jan 2007``, ``January 2007``, ``Jul-2006``, ``Jul-06``, ``2007-01``, ``01/2007``;
- year: ``2007``;
- uncertain: ``?12/03/2024``, ``12/03/2024?``, ``approx. 12/03/2024``, ``c. March 2024``, ``circa``,
  ``about``, ``around``, ``est.``, ``(approx)``.

Examples
--------
>>> import pandas as pd
>>> r = parse_dates(pd.Series(["12/03/2024 14:30", "w/c 25 Dec 2006", "?Jan 2007", "31/02/2024",
...                            "25th July 2007", "03/25/2024", "12/03/2024 00:00"]))
>>> [str(x) for x in r["start"]]
['2024-03-12 14:30:00', '2006-12-25 00:00:00', '2007-01-01 00:00:00', 'NaT', '2007-07-25 00:00:00', 'NaT', '2024-03-12 00:00:00']
>>> r["precision"].fillna("-").tolist()
['minute', 'week', 'month', '-', 'day', '-', 'day']
>>> r["uncertain"].tolist()
[False, False, True, False, False, False, False]
>>> print(r["reason"][3])
not a real calendar date
>>> print(r["reason"][5])
not a valid day-first date; it looks month-first (US style)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DAY_FORMATS",
    "MINUTE_FORMATS",
    "MONTH_FORMATS",
    "US_FORMATS",
    "combine_date_time",
    "parse_dates",
    "parse_times",
    "resolve_month_first",
]

#: formats with a time of day, tried first
MINUTE_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%d-%b-%Y %H:%M",
    "%d %b %Y %H:%M",
    "%d %B %Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y %H%M",
    "%d-%b-%y %H:%M",
    "%d/%m/%Y, %H:%M",
    "%d %b %Y, %H:%M",
    "%d %B %Y, %H:%M",
    "%Y-%m-%dT%H:%M:%S.%f",
)
#: formats for a whole day
DAY_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d/%m/%y",
    "%d-%b-%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d-%b-%y",
    "%d %b %y",
    "%d %B %y",
    "%d.%m.%y",
    "%d-%m-%y",
    "%Y/%m/%d",
    "%d-%B-%Y",
    "%d %b, %Y",
    "%d %B, %Y",
    "%Y%m%d",
)
#: formats for a month
MONTH_FORMATS: tuple[str, ...] = (
    "%b %Y",
    "%B %Y",
    "%b-%Y",
    "%B-%Y",
    "%b-%y",
    "%b %y",
    "%Y-%m",
    "%m/%Y",
    "%B-%y",
    "%b/%Y",
    "%m-%Y",
    "%m.%Y",
)
YEAR_FORMATS: tuple[str, ...] = ("%Y",)

_UNCERTAIN_RE = re.compile(
    r"^\s*(?:\?+|~|approx(?:imately|\.)?|c\.|ca\.|circa|about|around|est(?:imated|\.)?|"
    r"\(approx(?:\.|imate)?\))\s*|\s*(?:\?+|\(approx(?:\.|imate)?\)|\(?est(?:imated|\.)?\)?|approx\.?)\s*$",
    re.IGNORECASE,
)
_WEEK_RE = re.compile(
    r"^\s*(?:w/?c|w/?b|wc|wb|week\s+(?:commencing|beginning|starting)|w\.c\.|w/e)\s*[:.\-]?\s*",
    re.IGNORECASE,
)
_WEEKDAY_RE = re.compile(
    r"^\s*(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\.?,?\s+",
    re.IGNORECASE,
)
_ORDINAL_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\b(?=\s+[a-z])|\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_SEPT_RE = re.compile(r"\bsept\b", re.IGNORECASE)
#: an unknown day written as ``?``, ``??`` or ``xx`` (``?/05/2024``): the month is known
_UNKNOWN_DAY_RE = re.compile(r"^(?:\?+|x{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$", re.IGNORECASE)
#: an unknown day and month (``?/?/2024``): the year is known
_UNKNOWN_MONTH_RE = re.compile(r"^(?:\?+|x{1,2})\s*[/.\-]\s*(?:\?+|x{1,2})\s*[/.\-]\s*(\d{4})$", re.IGNORECASE)
#: a part of a month or year (``early June 2024``, ``mid-2023``, ``end of March 2024``)
_PART_RE = re.compile(
    r"^(early|mid|late|beginning\s+of|start\s+of|end\s+of|middle\s+of|the\s+end\s+of)[\s\-]+(?=[a-z]|\d{4}$)",
    re.IGNORECASE,
)
_PART_TEST_RE = re.compile(_PART_RE.pattern.replace("^(", "^(?:", 1), re.IGNORECASE)
_INVISIBLE_RE = re.compile("[\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ ,T].*)?$")
_SERIAL_RE = re.compile(r"^\d{4,5}(?:\.\d+)?$")

#: largest serial read as a date (year 2173); larger numbers are not dates (and overflow timedeltas)
_MAX_SERIAL = 100_000

#: Excel's day zero for serial numbers (the 1900 date system, after its leap-year bug)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


_PLAIN_RE = r"[0-9][0-9/:.\- T]*[0-9]"


def _clean_text(values: pd.Series) -> pd.DataFrame:
    """Strip markers from text dates; return cleaned text, uncertain and week flags (vectorised).

    Plain numeric dates (``12/03/2024 14:30``, ISO) need no cleaning and skip the regex passes.
    """
    s = values.astype("str").str.strip()
    plain = s.str.fullmatch(_PLAIN_RE).fillna(False).astype(bool)
    if plain.all():
        return pd.DataFrame(
            {"text": s, "uncertain": False, "week": False, "note": None}, index=s.index
        )
    if plain.any():
        rest = _clean_text_full(s[~plain])
        out = pd.DataFrame({"text": s, "uncertain": False, "week": False, "note": None}, index=s.index)
        out["note"] = out["note"].astype("object")
        out.loc[~plain, ["text", "uncertain", "week", "note"]] = rest
        out["uncertain"] = out["uncertain"].astype(bool)
        out["week"] = out["week"].astype(bool)
        return out
    return _clean_text_full(s)


def _clean_text_full(s: pd.Series) -> pd.DataFrame:
    s = s.str.replace(_INVISIBLE_RE, "", regex=True).str.replace("\u00a0", " ").str.strip()
    s = s.str.replace(r"\s+", " ", regex=True)
    note = pd.Series(None, index=s.index, dtype="object")
    uncertain = pd.Series(False, index=s.index)
    # an unknown day or month (before the "?" of an uncertain date is stripped)
    unknown_day = s.str.fullmatch(_UNKNOWN_DAY_RE).fillna(False).astype(bool)
    if unknown_day.any():
        note[unknown_day] = "'" + s[unknown_day] + "': day not known, read as the month"
        uncertain |= unknown_day
        s = s.str.replace(_UNKNOWN_DAY_RE, r"\1/\2", regex=True)
    unknown_month = s.str.fullmatch(_UNKNOWN_MONTH_RE).fillna(False).astype(bool)
    if unknown_month.any():
        note[unknown_month] = "'" + s[unknown_month] + "': day and month not known, read as the year"
        uncertain |= unknown_month
        s = s.str.replace(_UNKNOWN_MONTH_RE, r"\1", regex=True)
    part = s.str.contains(_PART_TEST_RE, regex=True).fillna(False).astype(bool)
    if part.any():
        rest = s[part].str.replace(_PART_RE, "", regex=True)
        kind = np.where(rest.str.contains(r"[A-Za-z]", regex=True).fillna(False), "month", "year")
        note[part] = "'" + s[part] + "': read as the whole " + pd.Series(kind, index=rest.index)
        s = s.str.replace(_PART_RE, "", regex=True)
    # markers may be stacked ("approx. ?12/03/2024"): strip up to twice
    for _ in range(2):
        hit = s.str.contains(_UNCERTAIN_RE, regex=True).fillna(False).astype(bool)
        uncertain |= hit
        s = s.str.replace(_UNCERTAIN_RE, "", regex=True).str.strip()
    week = s.str.contains(_WEEK_RE, regex=True).fillna(False).astype(bool)
    s = s.str.replace(_WEEK_RE, "", regex=True)
    s = s.str.replace(_WEEKDAY_RE, "", regex=True)
    s = s.str.replace(_ORDINAL_RE, lambda m: m.group(1) or m.group(2), regex=True)
    s = s.str.replace(_SEPT_RE, "Sep", regex=True)
    return pd.DataFrame({"text": s.str.strip(), "uncertain": uncertain, "week": week, "note": note})


@cache
def _required_characters(fmt: str) -> tuple[str, ...]:
    """Punctuation a text must contain to be read with ``fmt`` (e.g. ``/`` and ``:`` for
    ``%d/%m/%Y %H:%M``); empty for the ISO formats, which pandas parses with its own C parser.

    pandas reads other formats like ``time.strptime``: a regular expression in which every
    character of the format that is not a directive or whitespace must appear as written. Letters
    are left out (matched case-insensitively, with Unicode folds).
    """
    try:
        from pandas._libs.tslibs.strptime import format_is_iso
    except ImportError:  # pragma: no cover - private pandas API moved: no filtering
        return ()
    if format_is_iso(fmt):
        return ()
    out = set()
    i = 0
    while i < len(fmt):
        if fmt[i] == "%":
            if fmt[i + 1 : i + 2] == "%":
                out.add("%")
            i += 2
            continue
        if not fmt[i].isspace() and not fmt[i].isalpha():
            out.add(fmt[i])
        i += 1
    return tuple(sorted(out))


def _try_formats(
    text: pd.Series,
    formats: Sequence[str],
    result: pd.DataFrame,
    precision: str,
    present: dict[str, np.ndarray] | None = None,
) -> None:
    """Parse what is still unparsed in ``result`` with each format in turn (in place).

    A format is tried only on the texts that contain its punctuation (:func:`_required_characters`;
    ``present`` caches which texts contain which character), so a format that cannot read any of
    them costs nothing.
    """
    present = {} if present is None else present
    unparsed = (result["start"].isna() & text.notna()).to_numpy(copy=True)  # kept up to date below
    for fmt in formats:
        if not unparsed.any():
            return
        todo = unparsed.copy()
        for ch in _required_characters(fmt):
            if ch not in present:
                present[ch] = text.str.contains(ch, regex=False).fillna(False).to_numpy(dtype=bool)
            todo &= present[ch]
        if not todo.any():
            continue
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        if ok.any():
            idx = parsed.index[ok]
            result.loc[idx, "start"] = parsed[ok].astype("datetime64[us]")
            result.loc[idx, "precision"] = precision
            result.loc[idx, "format"] = fmt
            unparsed[result.index.get_indexer(idx)] = False


def _excel_serial(values: pd.Series) -> pd.Series:
    return EXCEL_EPOCH + pd.to_timedelta(values.astype("float64"), unit="D").dt.round("min")


def parse_dates(
    values: pd.Series,
    date_formats: Sequence[str] | None = None,
    *,
    min_year: int = 1900,
    max_year: int | None = None,
) -> pd.DataFrame:
    """Parse a column of date cells (UK day-first). The input is not modified.

    Parameters
    ----------
    values
        Cells: text, ``datetime``/``Timestamp`` (Excel date cells), numbers (Excel serials) or NA.
    date_formats
        strftime formats to try first (precision ``minute`` if the format has ``%H``, else ``day``).
        Pass ``["%m/%d/%Y"]`` to read a file that really is month-first.
    min_year, max_year
        Dates outside are rejected as implausible (``max_year`` defaults to five years from now).

    Returns
    -------
    DataFrame
        Same index as ``values``: ``start`` (naive wall time, ``datetime64[us]``), ``precision`` (str or
        None), ``uncertain`` (bool), ``format`` (what read it), ``reason`` and ``hint`` (None when parsed;
        ``reason="empty"`` for a blank cell), ``zoned`` (the cell carried its own time zone, so its
        instant is exact) and ``fold`` (a zoned time that is the *second* occurrence of the hour
        repeated when the clocks go back; :func:`to_london` keeps it there).
    """
    values = pd.Series(values)
    if max_year is None:
        max_year = dt.date.today().year + 5
    out = _empty_result(values.index)
    if len(values) == 0:
        return out
    obj, is_na, is_ts, is_num = _cell_types(values)
    if is_ts.any():  # 1. real date cells
        _read_date_cells(obj[is_ts], out)
    if is_num.any():  # 2. numbers: Excel serials
        _read_serials(obj[is_num], out)
    text_mask = ~(is_na | is_ts | is_num)
    if text_mask.any():  # 3. text, parsed once per distinct value
        out = _read_text(obj, text_mask, out, date_formats)
    return _finish(out, is_na, min_year, max_year)


def _empty_result(index: pd.Index) -> pd.DataFrame:
    """The result frame of :func:`parse_dates` with nothing parsed yet."""
    return pd.DataFrame(
        {
            "start": pd.Series(pd.NaT, index=index, dtype="datetime64[us]"),
            "precision": pd.Series(None, index=index, dtype="object"),
            "uncertain": pd.Series(False, index=index),
            "format": pd.Series(None, index=index, dtype="object"),
            "reason": pd.Series(None, index=index, dtype="object"),
            "hint": pd.Series(None, index=index, dtype="object"),
            "note": pd.Series(None, index=index, dtype="object"),
            "zoned": pd.Series(False, index=index),
            "fold": pd.Series(False, index=index),
        }
    )


def _cell_types(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """The cells (as objects unless all text) and which are missing, date cells and numbers."""
    n = len(values)
    if isinstance(values.dtype, pd.StringDtype):
        # text only (CSV, Word): no date cells or numbers to look for
        return values, values.isna().to_numpy(), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    obj = values.astype("object")
    is_na = obj.isna().to_numpy()
    is_ts = np.fromiter(
        (isinstance(v, dt.datetime | dt.date) for v in obj.to_numpy()), dtype=bool, count=n
    ) if obj.dtype == object else np.zeros(n, dtype=bool)
    is_num = np.fromiter(
        (isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
         for v in obj.to_numpy()), dtype=bool, count=n
    ) & ~is_na
    return obj, is_na, is_ts, is_num


def _read_date_cells(cells: pd.Series, out: pd.DataFrame) -> None:
    """Real date cells (Excel dates, datetimes) into ``out`` (in place)."""
    ts = _date_cells(cells, out)
    has_time = (ts - ts.dt.normalize()) != pd.Timedelta(0)
    out.loc[ts.index, "start"] = ts
    out.loc[ts.index, "precision"] = np.where(has_time, "minute", "day")
    out.loc[ts.index, "format"] = "date cell"


def _read_serials(cells: pd.Series, out: pd.DataFrame) -> None:
    """Number cells read as Excel serial dates into ``out`` (in place); out of range: a reason."""
    num = pd.to_numeric(cells, errors="coerce").astype("float64")
    good = num.between(1, _MAX_SERIAL)
    bad_num = num.index[~good]
    out.loc[bad_num, "reason"] = "not a date: a number outside Excel's date range"
    out.loc[bad_num, "hint"] = (
        "type the date as dd/mm/yyyy or format the cell as a date in Excel"
    )
    ts = _excel_serial(num[good])
    has_time = (ts - ts.dt.normalize()) != pd.Timedelta(0)
    out.loc[ts.index, "start"] = ts.astype("datetime64[us]")
    out.loc[ts.index, "precision"] = np.where(has_time, "minute", "day")
    out.loc[ts.index, "format"] = "Excel serial number"


def _text_serials(t: pd.Series, res: pd.DataFrame) -> None:
    """Serial numbers written as text (a CSV saved from Excel) into ``res`` (in place)."""
    serial = t.str.fullmatch(_SERIAL_RE).fillna(False).astype(bool) & res["start"].isna()
    if not serial.any():
        return
    num = t[serial].astype("float64")
    good = num.between(20000, 80000)  # 1954..2119: otherwise not a plausible serial
    ts = _excel_serial(num[good])
    res.loc[ts.index, "start"] = ts.astype("datetime64[us]")
    res.loc[ts.index, "precision"] = np.where(
        (ts - ts.dt.normalize()) != pd.Timedelta(0), "minute", "day"
    )
    res.loc[ts.index, "format"] = "Excel serial number"


def _parse_distinct(uniq: pd.Series, date_formats: Sequence[str] | None) -> pd.DataFrame:
    """Each distinct text parsed: the caller's formats first, then serials, minute, day, month and
    year formats; week markers; the reason for each text that did not parse."""
    cleaned = _clean_text(uniq)
    t = cleaned["text"].mask(cleaned["text"].eq(""))
    res = pd.DataFrame(
        {
            "start": pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[us]"),
            "precision": pd.Series(None, index=uniq.index, dtype="object"),
            "format": pd.Series(None, index=uniq.index, dtype="object"),
        }
    )
    present: dict[str, np.ndarray] = {}
    for fmt in date_formats or ():
        _try_formats(t, [fmt], res, "minute" if "%H" in fmt else "day", present)
    _text_serials(t, res)
    _try_formats(t, MINUTE_FORMATS, res, "minute", present)
    _try_formats(t, DAY_FORMATS, res, "day", present)
    _try_formats(t, MONTH_FORMATS, res, "month", present)
    yr = t.str.fullmatch(r"(?:19|20)\d\d").fillna(False).astype(bool) & res["start"].isna()
    if yr.any():
        _try_formats(t.where(yr), YEAR_FORMATS, res, "year")
    # week markers: the date is the week's first day
    wk = cleaned["week"] & res["start"].notna()
    res.loc[wk, "precision"] = "week"
    res.loc[wk, "format"] = "w/c " + res.loc[wk, "format"].astype(str)
    res.loc[wk, "start"] = res.loc[wk, "start"].dt.normalize()
    res["uncertain"] = cleaned["uncertain"]
    res["reason"] = None
    res["hint"] = None
    res["note"] = cleaned["note"].where(res["start"].notna(), None)
    _explain_failures(t, res)
    return res


def _read_text(
    obj: pd.Series, text_mask: np.ndarray, out: pd.DataFrame, date_formats: Sequence[str] | None
) -> pd.DataFrame:
    """The text cells parsed once per distinct value and mapped back to their rows of ``out``."""
    text_pos = np.flatnonzero(text_mask)
    raw = obj.iloc[text_pos].astype("str")
    codes, uniques = pd.factorize(raw)
    res = _parse_distinct(pd.Series(uniques, dtype="str"), date_formats)
    # map distinct results back to the cells (by position)
    if text_mask.all():
        cols = [c for c in out.columns if c in res.columns]
        return out.assign(**{col: res[col].to_numpy()[codes] for col in cols})
    for col in ("start", "precision", "format", "uncertain", "reason", "hint", "note"):
        out.iloc[text_pos, out.columns.get_loc(col)] = res[col].to_numpy()[codes]
    return out


def _finish(out: pd.DataFrame, is_na: np.ndarray, min_year: int, max_year: int) -> pd.DataFrame:
    """Midnight read as day precision, implausible years and blank cells rejected, dtypes set."""
    # 00:00 means the time was not recorded
    midnight = out["precision"].eq("minute") & (out["start"] == out["start"].dt.normalize())
    out.loc[midnight, "precision"] = "day"

    # implausible years
    year = out["start"].dt.year
    bad_year = out["start"].notna() & ((year < min_year) | (year > max_year))
    if bad_year.any():
        out.loc[bad_year, "reason"] = "implausible year"
        out.loc[bad_year, "hint"] = (
            f"years must be between {min_year} and {max_year}; check for a typing error"
        )
        out.loc[bad_year, ["start", "precision", "format", "note"]] = [pd.NaT, None, None, None]

    out.loc[is_na, "reason"] = "empty"
    out.loc[is_na, "hint"] = "every event needs a date; fill the cell (an approximate date such as 'Mar 2024' or 'w/c 04/03/2024' is fine)"
    out["uncertain"] = out["uncertain"].astype(bool)
    out["start"] = out["start"].astype("datetime64[us]")
    return out


def _explain_failures(text: pd.Series, res: pd.DataFrame) -> None:
    """Set a reason and hint on each distinct text that did not parse (in place)."""
    failed = res["start"].isna()
    if not failed.any():
        return
    t = text[failed]
    res.loc[failed, "reason"] = "not a date"
    res.loc[failed, "hint"] = (
        "dates are read day-first (dd/mm/yyyy, 12-Mar-2024, 12 March 2024, Mar 2024, w/c 04/03/2024); "
        "correct the cell or pass date_formats=[...]"
    )
    empty = t.isna()
    res.loc[empty[empty].index, "reason"] = "empty"
    res.loc[empty[empty].index, "hint"] = "every event needs a date; fill the cell"
    parts = t.str.extract(_NUMERIC_DATE_RE)
    numeric = parts[0].notna()
    if numeric.any():
        a = parts[0].astype("float64")
        b = parts[1].astype("float64")
        us = numeric & (b > 12) & (b <= 31) & (a <= 12)
        impossible = numeric & ~us
        res.loc[impossible[impossible].index, "reason"] = "not a real calendar date"
        res.loc[impossible[impossible].index, "hint"] = (
            "check the day and month (dates are read day-first: dd/mm/yyyy)"
        )
        res.loc[us[us].index, "reason"] = "not a valid day-first date; it looks month-first (US style)"
        res.loc[us[us].index, "hint"] = (
            "UK dates are day-first; correct the cell, or if the whole file is month-first pass "
            "date_formats=['%m/%d/%Y'] (or '%m/%d/%Y %H:%M')"
        )


def flag_month_first(values: pd.Series, parsed: pd.DataFrame) -> pd.Series:
    """Rows whose day-first reading is ambiguous because the column looks month-first.

    A column looks month-first when it holds more dates that only make sense month-first
    (``03/25/2024``) than dates that only make sense day-first (``25/03/2024``). Then the dates that
    parsed day-first but could be either (``03/04/2024``: 3 April or 4 March?) cannot be trusted:
    they are returned True so the caller rejects them rather than guess. A UK column with a stray
    US-style typo is not affected: only the typo is rejected.
    """
    us = parsed["reason"].eq("not a valid day-first date; it looks month-first (US style)")
    if not us.any():
        return pd.Series(False, index=values.index)
    txt = values.astype("str")
    parts = txt.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](?:\d{2}|\d{4})")
    first = parts[0].astype("float64")
    second = parts[1].astype("float64")
    uk_only = (first > 12) & parsed["start"].notna()
    if int(us.sum()) <= int(uk_only.sum()):
        return pd.Series(False, index=values.index)
    either = (first <= 12) & (second <= 12)
    return (either & parsed["start"].notna() & parsed["format"].ne("date cell")).fillna(False).astype(bool)


#: month-first formats tried on the dates that can only be month-first (``03/25/2024``)
US_FORMATS: tuple[str, ...] = (
    "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%m/%d/%y %H:%M", "%m/%d/%y",
    "%m-%d-%Y", "%m.%d.%Y", "%m-%d-%y", "%m.%d.%y",
)
_US_REASON = "not a valid day-first date; it looks month-first (US style)"


def resolve_month_first(values: pd.Series, parsed: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Decide day-first or month-first row by row where a row is unambiguous.

    A date that can only be read month-first (``03/25/2024``: there is no 25th month) is read so,
    with a note; one stray US-style date never makes the UK dates around it rejects. Only when the
    column holds more such dates than dates that can only be day-first (``25/03/2024``) does it look
    month-first: then the dates that could be either (``03/04/2024``) cannot be trusted and are
    returned as ambiguous (the caller rejects them with the fix ``date_formats=['%m/%d/%Y']``).
    Returns a parsed copy and the ambiguous mask; the inputs are not modified.

    Examples
    --------
    >>> v = pd.Series(["03/02/2024", "03/25/2024", "14/02/2024"])
    >>> p, amb = resolve_month_first(v, parse_dates(v))
    >>> [str(x.date()) for x in p["start"]], amb.tolist()
    (['2024-02-03', '2024-03-25', '2024-02-14'], [False, False, False])
    >>> p["note"][1]
    "'03/25/2024' can only be month-first: read as 25 March 2024"
    """
    out = parsed.copy()
    us = out["reason"].eq(_US_REASON).fillna(False).astype(bool)
    none = pd.Series(False, index=values.index)
    if not us.any():
        return out, none
    again = parse_dates(values[us].astype("str").str.strip(), list(US_FORMATS))
    ok = again["start"].notna() & again["format"].isin(US_FORMATS)
    idx = again.index[ok]
    if len(idx):
        out.loc[idx, "start"] = again.loc[idx, "start"]
        out.loc[idx, "precision"] = again.loc[idx, "precision"]
        out.loc[idx, "format"] = "month-first (unambiguous): " + again.loc[idx, "format"].astype(str)
        out.loc[idx, ["reason", "hint"]] = None
        shown = again.loc[idx, "start"].dt.strftime("%d %B %Y").str.lstrip("0")
        out.loc[idx, "note"] = (
            "'" + values[idx].astype("str").str.strip() + "' can only be month-first: read as " + shown
        )
    txt = values.astype("str")
    parts = txt.str.extract(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](?:\d{2}|\d{4})")
    first = parts[0].astype("float64")
    second = parts[1].astype("float64")
    uk_only = (first > 12) & parsed["start"].notna()
    if int(us.sum()) <= int(uk_only.sum()):
        return out, none
    either = (first <= 12) & (second <= 12) & (first != second)
    amb = either & parsed["start"].notna() & parsed["format"].ne("date cell")
    return out, amb.fillna(False).astype(bool)


def parse_times(values: pd.Series) -> pd.DataFrame:
    """Parse a column of times of day (``14:30``, ``14.30``, ``1430``, ``14:30:00``, ``2:30pm``, Excel
    time cells or day fractions). Returns ``offset`` (timedelta, NaT when blank or unreadable) and
    ``reason`` (None, ``"empty"`` or ``"not a time"``).

    Examples
    --------
    >>> parse_times(pd.Series(["14:30", "0915", "2:05pm", None, "late", 0.5]))["offset"].tolist()
    [Timedelta('0 days 14:30:00'), Timedelta('0 days 09:15:00'), Timedelta('0 days 14:05:00'), NaT, NaT, Timedelta('0 days 12:00:00')]
    """
    values = pd.Series(values)
    if isinstance(values.dtype, pd.StringDtype) and len(values) > 1000:
        # a times column holds few distinct values: parse each once
        codes, uniques = pd.factorize(values)
        once = _parse_times(pd.Series(uniques, dtype="object"))
        if (codes < 0).any():
            once.loc[len(once)] = [pd.NaT, "empty"]
        offset = pd.Series(once["offset"].to_numpy()[codes], index=values.index, dtype="timedelta64[us]")
        reason = pd.Series(once["reason"].to_numpy()[codes], index=values.index, dtype="object")
        return pd.DataFrame({"offset": offset, "reason": reason})
    return _parse_times(values)


def _parse_times(values: pd.Series) -> pd.DataFrame:
    index = values.index
    offset = pd.Series(pd.NaT, index=index, dtype="timedelta64[us]")
    reason = pd.Series(None, index=index, dtype="object")
    obj = values.astype("object")
    is_na = obj.isna().to_numpy()
    arr = obj.to_numpy()
    is_time = np.fromiter((isinstance(v, dt.time) for v in arr), dtype=bool, count=len(arr))
    is_dtm = np.fromiter((isinstance(v, dt.datetime) for v in arr), dtype=bool, count=len(arr))
    is_num = np.fromiter(
        (isinstance(v, int | float) and not isinstance(v, bool) for v in arr), dtype=bool, count=len(arr)
    ) & ~is_na
    if is_time.any():
        tt = obj[is_time]
        offset[is_time] = pd.to_timedelta(
            [f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}" for v in tt]
        )
    if is_dtm.any():
        d = pd.to_datetime(obj[is_dtm])
        offset[is_dtm] = (d - d.dt.normalize()).to_numpy()
    if is_num.any():
        f = obj[is_num].astype("float64")
        frac = f.where((f >= 0) & (f < 1))
        offset[is_num] = pd.to_timedelta(frac, unit="D").dt.round("min").to_numpy()
    text_mask = ~(is_na | is_time | is_dtm | is_num)
    if text_mask.any():
        s = obj[text_mask].astype("str").str.strip().str.lower()
        s = s.str.replace(_INVISIBLE_RE, "", regex=True)
        parts = s.str.extract(r"^(\d{1,2})[:.]?(\d{2})(?::(\d{2}))?\s*(am|pm|hrs|h)?$")
        ok = parts[0].notna()
        h = parts[0].astype("float64")
        m = parts[1].astype("float64")
        sec = parts[2].astype("float64").fillna(0)
        h = h.where(~(parts[3].eq("pm") & (h < 12)), h + 12)
        h = h.where(~(parts[3].eq("am") & (h == 12)), 0)
        # "2pm", "12am"
        p2 = s.str.extract(r"^(\d{1,2})\s*(am|pm)$")
        only_h = p2[0].notna() & ~ok
        hour12 = p2[0].astype("float64") % 12 + np.where(p2[1].eq("pm"), 12, 0)
        h = h.where(~only_h, hour12)
        m = m.where(~only_h, 0)
        ok = (ok | only_h) & h.between(0, 23) & m.between(0, 59)
        td = pd.to_timedelta(h * 3600 + m * 60 + sec, unit="s")
        offset[s.index[ok]] = td[ok].to_numpy()
        reason[s.index[~ok]] = "not a time"
    reason[is_na] = "empty"
    bad_num = is_num & offset.isna().to_numpy()
    reason[bad_num] = "not a time"
    return pd.DataFrame({"offset": offset, "reason": reason})


def combine_date_time(dates: pd.DataFrame, times: pd.DataFrame) -> pd.DataFrame:
    """Add parsed times to parsed day-precision dates (in a copy).

    A time is used only where the date has day precision and no time of its own; ``00:00`` and blank
    times leave the precision at ``day``. Unreadable times are reported in ``time_reason``.
    """
    out = dates.copy()
    use = out["precision"].eq("day") & times["offset"].notna()
    use &= times["offset"] != pd.Timedelta(0)
    out.loc[use, "start"] = out.loc[use, "start"] + times.loc[use, "offset"]
    out.loc[use, "precision"] = "minute"
    out["time_reason"] = times["reason"].where(times["reason"].ne("empty"))
    return out


def _date_cells(cells: pd.Series, out: pd.DataFrame) -> pd.Series:
    """Date cells (``datetime``/``Timestamp`` objects) as naive London wall times.

    A cell with a time zone is an exact instant: it is converted to London wall time, marked
    ``zoned`` in ``out`` and, when it is the second (GMT) occurrence of the hour repeated in October,
    ``fold`` (so that :func:`to_london` puts it back on the right instant rather than the first, BST,
    occurrence). Cells with different offsets are fine (each is converted through UTC).
    """
    from ..calendar import localize_wall

    vals = cells.to_numpy()
    aware = np.fromiter(
        (getattr(v, "tzinfo", None) is not None for v in vals), dtype=bool, count=len(vals)
    )
    wall = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us]")
    if (~aware).any():
        naive = pd.to_datetime(cells[~aware], errors="coerce")
        wall[~aware] = naive.astype("datetime64[us]")
    if aware.any():
        inst = pd.to_datetime(cells[aware], errors="coerce", utc=True).dt.tz_convert("Europe/London")
        local = inst.dt.tz_localize(None).astype("datetime64[us]")
        wall[aware] = local
        first = localize_wall(local)
        idx = cells.index[aware]
        out.loc[idx, "zoned"] = inst.notna().to_numpy()
        out.loc[idx, "fold"] = (inst.notna() & (first != inst)).to_numpy()
    return wall


def to_london(wall: pd.Series, fold: pd.Series | np.ndarray | None = None) -> pd.Series:
    """Localise naive wall-clock times to Europe/London, never losing one.

    A time in the hour repeated when the clocks go back is read as its first occurrence (BST); a
    time in the hour skipped when they go forward moves to the end of that hour (02:00 BST). The caller flags those
    events ``uncertain`` and notes them (:func:`chronology.calendar.clock_change` finds them).

    Examples
    --------
    ``fold`` (bool per row, e.g. ``parse_dates(...)["fold"]``) marks times known to be the *second*
    occurrence of the repeated hour (GMT): those keep that instant.

    >>> to_london(pd.Series(pd.to_datetime(["2023-10-29 01:15", "2023-03-26 01:15"]))).astype(str).tolist()
    ['2023-10-29 01:15:00+01:00', '2023-03-26 02:00:00+01:00']
    >>> to_london(pd.Series(pd.to_datetime(["2023-10-29 01:15"])), fold=[True]).astype(str).tolist()
    ['2023-10-29 01:15:00+00:00']
    """
    from ..calendar import localize_wall

    return localize_wall(pd.Series(wall).astype("datetime64[us]"), "Europe/London", fold=fold)


def _debug(values: Any) -> pd.DataFrame:  # pragma: no cover - convenience for notebooks
    return parse_dates(pd.Series(values))
