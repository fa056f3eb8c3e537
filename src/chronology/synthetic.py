"""Seeded synthetic caseloads: realistic, messy agency exports for benchmarks and property tests.

Each agency table looks like a case-management export for a whole caseload: its own headings and date
habits (police ``dd/mm/yyyy HH:MM`` with ``00:00`` placeholders, hospital ``12-Mar-2024`` plus a time
column, social care ISO with some month-only dates, school ``w/c`` weeks, CAMHS ``12.03.2024`` with a few
``?`` uncertain dates), a "Case ref" column, free text that carries theme phrases, Y/N child-seen columns
and occasional blank and null-token cells. Like real exports pasted from Word, some text has curly quotes
and apostrophes (about one row in six is not pure ASCII), about one social care summary in a hundred
runs over two lines, and about one row in a thousand has a blank or unreadable date (it becomes a
reject). Generation is vectorised (numpy), so a million rows take a few seconds. Everything is invented;
nothing resembles a real person.

Examples
--------
>>> tables = synthetic(n_cases=3, events_per_case=20, seed=1)
>>> sorted(tables)
['csc', 'education', 'health_acute', 'health_camhs', 'police']
>>> sum(len(t) for t in tables.values())
60
>>> list(tables["police"].columns)
['Case ref', 'Date/Time', 'Incident type', 'Details', 'Action taken', 'Officer']
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["synthetic", "write_synthetic"]

#: share of a caseload's events each agency records
_SHARES = {"police": 0.22, "health_acute": 0.2, "csc": 0.3, "education": 0.16, "health_camhs": 0.12}

_PHRASES = {
    "police": [
        "Police called to home address after report of shouting",
        "Officers attended; child present but not spoken to",
        "Child reported missing from placement, found at friend's address",
        "Arrested following assault on peer; booked into custody",
        "Concern for welfare check, no answer at the door",
        "Child interviewed under caution with appropriate adult from volunteer scheme",
        "Strategy discussion with social care, police to lead",
        "Intelligence report: child seen with older males",
    ],
    "health_acute": [
        "Attended A&E with cut to forearm, self-harm disclosed",
        "Admitted to paediatric ward awaiting CAMHS assessment",
        "Discharged from ward to mother's care",
        "Remains in A&E, no bed or placement identified",
        "Paediatric liaison referral to social care",
        "Took overdose of paracetamol, medically fit after 24 hours",
        "Safeguarding concern raised by nurse; escalated to named nurse",
        "Child's views recorded: wants to go home",
    ],
    "csc": [
        "Referral received from school",
        "Home visit, child seen alone and views recorded",
        "Strategy discussion held with police and health",
        "Child and family assessment completed",
        "No placement available; emergency accommodation sourced",
        "Escalated to service manager: no suitable placement",
        "Statutory visit, child not seen",
        "Child protection conference, plan agreed",
    ],
    "education": [
        "Teacher noticed bruise on arm, DSL informed",
        "Attendance dropped below 80 per cent",
        "Child said she does not feel safe at home",
        "Exclusion meeting held with mother",
        "Referral to MASH made by DSL",
        "Child seen by school nurse",
    ],
    "health_camhs": [
        "Referral received, placed on waiting list",
        "Mental health assessment completed, low mood",
        "Appointment not attended; letter sent",
        "Crisis team assessment in A&E",
        "Therapy session, child engaged and spoke about her fears",
        "Discharged from CAMHS after non-engagement",
    ],
}

#: second sentences, so free text is as varied as real records (and as long)
_DETAILS = [
    "Mother said she had not seen her since the evening before.",
    "Information shared with the allocated social worker by phone.",
    "Child was quiet and did not want to talk.",
    "No views recorded.",
    "Plan to review at the next core group.",
    "Grandmother present throughout.",
    "Concerns about older peers raised again.",
    "Case discussed with the team manager; to monitor.",
    "Father's whereabouts unknown.",
    "Professional curiosity: asked about bruising, explanation accepted.",
    "Child said she felt safer at school than at home.",
    "Awaiting a bed; no suitable placement identified today.",
    "Letter sent; no reply received.",
    "Follow-up call arranged for the next working day.",
    "Safety plan not shared with school.",
    "Mother’s partner present throughout.",
    "Child said “I don’t want to go back there”.",
    "Seen at the café near school, on her own.",
]

#: an update appended on a second line of the same cell (social care notes)
_UPDATES = [
    "Update: manager agreed the plan.",
    "Update: no views recorded; to revisit.",
    "Update: escalated to service manager.",
]

#: unreadable dates as agencies send them; each row using one becomes a reject
_BAD_DATES = np.array(["", "TBC"], dtype=object)

_ROLES = ["PC", "PS", "DC", "Nurse", "Registrar", "Social worker", "Team manager", "DSL", "Teacher", "Clinician"]


def synthetic(
    n_cases: int = 100, events_per_case: int = 50, seed: int = 0
) -> dict[str, pd.DataFrame]:
    """Raw agency exports (agency code -> table of text cells) for a synthetic caseload.

    Parameters
    ----------
    n_cases
        Number of children in the caseload.
    events_per_case
        Average events per child across all agencies (total rows = ``n_cases * events_per_case``).
    seed
        Random seed: the same arguments give the same tables.

    Returns
    -------
    dict of DataFrame
        One table per agency, all cells text, in that agency's own layout; write them with
        :func:`write_synthetic` and read them back with :func:`chronology.read_case`.
    """
    rng = np.random.default_rng(seed)
    total = n_cases * events_per_case
    agencies = list(_SHARES)
    counts = rng.multinomial(total, list(_SHARES.values()))
    case_ids = np.array([f"SYN{i:06d}" for i in range(n_cases)])
    # each case spans 6-18 months from a start in 2019-2024
    case_start = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, n_cases), unit="D")
    case_len = rng.integers(180, 540, n_cases)
    out: dict[str, pd.DataFrame] = {}
    for agency, n in zip(agencies, counts, strict=True):
        rows = _draw_rows(agency, int(n), rng, case_ids, case_start, case_len)
        out[agency] = _agency_table(agency, rows, rng).reset_index(drop=True)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class _Rows:
    """The cells every agency's export has, drawn for its ``n`` rows (before its own layout)."""

    n: int
    when: pd.Series
    ref: np.ndarray
    text: np.ndarray
    action: np.ndarray
    seen: np.ndarray
    role: np.ndarray
    u: np.ndarray
    bad_date: np.ndarray


def _draw_rows(agency: str, n: int, rng: np.random.Generator, case_ids: np.ndarray,
               case_start: pd.DatetimeIndex, case_len: np.ndarray) -> _Rows:
    """The common cells of ``n`` rows of ``agency``: case, time, text, action, seen, role."""
    case = rng.integers(0, len(case_ids), n)
    offset_min = (rng.random(n) * case_len[case] * 24 * 60).astype("int64")
    when = pd.Series(case_start[case]) + pd.to_timedelta(offset_min, unit="min")
    when = when.dt.floor("min")
    phrases = np.array(_PHRASES[agency], dtype=object)
    details = np.array(_DETAILS, dtype=object)
    text = (
        pd.Series(phrases[rng.integers(0, len(phrases), n)])
        + " " + pd.Series(details[rng.integers(0, len(details), n)])
        + " Log " + pd.Series(rng.integers(1000, 999999, n)).astype("str") + "."
    ).to_numpy()
    action = np.array(["Advice given", "Referred on", "No further action", "Plan agreed", "N/K", ""], dtype=object)[
        rng.integers(0, 6, n)
    ]
    seen = np.array(["Y", "N", "", "Yes", "No"], dtype=object)[rng.integers(0, 5, n)]
    role = np.array(_ROLES, dtype=object)[rng.integers(0, len(_ROLES), n)]
    ref = case_ids[case]
    u = rng.random(n)
    bad_date = rng.random(n) < 0.001  # about one in a thousand: blank or "TBC"
    return _Rows(n=n, when=when, ref=ref, text=text, action=action, seen=seen, role=role, u=u, bad_date=bad_date)


def _agency_table(agency: str, r: _Rows, rng: np.random.Generator) -> pd.DataFrame:
    """The rows in ``agency``'s own layout: its headings, date habits and extra columns."""
    n, when, u = r.n, r.when, r.u
    if agency == "police":
        dt_text = when.dt.strftime("%d/%m/%Y %H:%M").where(u > 0.15, when.dt.strftime("%d/%m/%Y 00:00"))
        dt_text = _spoil(dt_text, r.bad_date, rng)
        return pd.DataFrame({
            "Case ref": r.ref, "Date/Time": dt_text,
            "Incident type": np.where(rng.random(n) < 0.5, "Concern for welfare", ""),
            "Details": r.text, "Action taken": r.action, "Officer": r.role,
        })
    if agency == "health_acute":
        return pd.DataFrame({
            "Case ref": r.ref, "Date": _spoil(when.dt.strftime("%d-%b-%Y"), r.bad_date, rng),
            "Time": when.dt.strftime("%H:%M").where(u > 0.1, ""),
            "Details": r.text, "Outcome": r.action, "Child seen (Y/N)": r.seen, "Clinician": r.role,
        })
    if agency == "csc":
        date = _spoil(when.dt.strftime("%Y-%m-%d").where(u > 0.05, when.dt.strftime("%b %Y")), r.bad_date, rng)
        two_lines = rng.random(n) < 0.01
        updates = np.array(_UPDATES, dtype=object)[rng.integers(0, len(_UPDATES), n)]
        text = np.where(two_lines, r.text + "\n" + updates, r.text)
        return pd.DataFrame({
            "Case ref": r.ref, "Date": date, "Team": np.where(rng.random(n) < 0.5, "MASH", "Locality Team"),
            "Summary": text, "Outcome": r.action, "Child seen": r.seen, "Worker role": r.role,
            "Child's views": np.where(rng.random(n) < 0.2, "I want to stay with my nan", ""),
        })
    if agency == "education":
        monday = when.dt.normalize() - pd.to_timedelta(when.dt.day_of_week, unit="D")
        return pd.DataFrame({
            "Case ref": r.ref,
            "Week commencing": _spoil("w/c " + monday.dt.strftime("%d/%m/%Y"), r.bad_date, rng),
            "Details": r.text, "Action": r.action, "Staff member": r.role,
        })
    date = when.dt.strftime("%d.%m.%Y").where(u > 0.03, "?" + when.dt.strftime("%d.%m.%Y"))
    date = _spoil(date, r.bad_date, rng)
    return pd.DataFrame({
        "Case ref": r.ref, "Date": date, "Details": r.text, "Outcome": r.action,
        "Seen": r.seen, "Clinician": r.role,
    })


def _spoil(dates: pd.Series, bad: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """``dates`` with the ``bad`` rows replaced by a blank or an unreadable date."""
    spoilt = _BAD_DATES[rng.integers(0, len(_BAD_DATES), len(dates))]
    return pd.Series(np.where(bad, spoilt, dates.to_numpy(dtype=object)), index=dates.index)


def write_synthetic(
    tables: dict[str, pd.DataFrame], folder: str | os.PathLike[str], *, case_id: str = "caseload"
) -> Path:
    """Write the tables as CSV files (UTF-8) with a ``case.toml`` manifest; returns the folder.

    Each file is listed with its agency and ``expected_events`` (its row count); an empty table
    (possible for a tiny caseload) is left out. Read the folder back with
    :func:`chronology.read_case`: every row becomes an event or a reject.

    Examples
    --------
    >>> import tempfile
    >>> import chronology as chron
    >>> folder = write_synthetic(synthetic(n_cases=2, events_per_case=10, seed=1), tempfile.mkdtemp())
    >>> sorted(p.name for p in folder.iterdir())[:2]
    ['case.toml', 'csc.csv']
    >>> c = chron.read_case(folder)
    >>> len(c.events) + len(c.rejects)
    20
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'case_id = "{case_id}"', 'title = "Synthetic caseload"']
    for agency, df in tables.items():
        if df.empty:  # an agency with no events for this caseload sends no file
            continue
        name = f"{agency}.csv"
        df.to_csv(folder / name, index=False)
        lines += ["", "[[files]]", f'path = "{name}"', f'agency = "{agency}"', f"expected_events = {len(df)}"]
    (folder / "case.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
