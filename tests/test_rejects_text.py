"""A rejected row keeps all its text: ``rejects["row_text"]`` holds every non-blank cell of the row
("Heading: value | ..."), so nothing a file said is lost when a row cannot become an event."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron

WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]),
                min_size=1, max_size=30).map(str.strip).filter(lambda s: s and s[0] not in "=+-@\"'")


def test_a_rejected_row_keeps_every_cell(tmp_path: Path) -> None:
    p = tmp_path / "police.csv"
    p.write_text("Date,Details,Action,Officer\n31/02/2024,Home visit: child seen,Referral made,PC 12\n"
                 "01/03/2024,Call to the house,,\n", encoding="utf-8")
    c = chron.read(p, agency="police", case_id="x")
    assert len(c.events) == 1
    (text,) = c.rejects["row_text"].tolist()
    assert text == "Date: 31/02/2024 | Details: Home visit: child seen | Action: Referral made | Officer: PC 12"


def test_rows_above_the_header_keep_their_text(tmp_path: Path) -> None:
    p = tmp_path / "csc.csv"
    p.write_text("01/02/2024,Strategy discussion held,Police\nDate,Summary,Agency\n"
                 "02/02/2024,Visit,Police\n03/02/2024,Call,Police\n", encoding="utf-8")
    c = chron.read(p, agency="csc", case_id="x")
    above = c.rejects[c.rejects["source_row"] == 1]
    assert len(above) == 1
    assert "Strategy discussion held" in above["row_text"].iloc[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), WORDS, WORDS), min_size=1, max_size=8))
def test_no_text_of_a_rejected_row_is_lost(tmp_path: Path, rows: list[tuple[bool, str, str]]) -> None:
    frame = pd.DataFrame({
        "Date": ["01/03/2024" if ok else "31/02/2024" for ok, _, _ in rows],
        "Details": [f"note {i}: {d}" for i, (_, d, _) in enumerate(rows)],
        "Outcome": [o for _, _, o in rows],
    })
    path = tmp_path / "x.xlsx"
    frame.to_excel(path, index=False)
    c = chron.read(path, agency="police", case_id="x")
    assert len(c.events) + len(c.rejects) == len(rows)
    for _, r in c.rejects.iterrows():
        source = frame.iloc[int(r["source_row"]) - 2]
        for heading, value in source.items():
            assert f"{heading}: {str(value).strip()}" in r["row_text"]
