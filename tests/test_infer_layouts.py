"""The layout corpus (tests/data/layouts: heading sets from published chronology templates and agency
exports, see SOURCES.md) read as CSV, cp1252 CSV, Excel with title rows and Word tables, each with the
expected mapping; and property tests: for any layout, shuffled, thinned, re-headed or with its headings
made unhelpful, either the right description or a clear refusal naming the fix, never a wrong one."""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import ColumnMappingError

LAYOUTS_DIR = Path(__file__).parent / "data" / "layouts"
sys.path.insert(0, str(LAYOUTS_DIR))
import build  # noqa: E402  (the corpus builder lives with its data)

LAYOUTS = build.load_layouts()


def _expected(layout: dict[str, Any]) -> dict[str, str | None]:
    return {h: (None if role == "-" else role) for h, _kind, role in layout["columns"]}


def _desc_index(layout: dict[str, Any]) -> int:
    return next(i for i, (_h, _k, role) in enumerate(layout["columns"]) if role == "description")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layouts")


def test_corpus_has_forty_layouts_each_with_a_named_source() -> None:
    sources = (LAYOUTS_DIR / "SOURCES.md").read_text(encoding="utf-8")
    keys = set(re.findall(r"^\| `([a-z0-9_]+)` \|", sources, flags=re.MULTILINE))
    assert len(LAYOUTS) >= 40
    assert len({lay["name"] for lay in LAYOUTS}) == len(LAYOUTS)
    missing = {lay["source"] for lay in LAYOUTS} - keys
    assert not missing, f"layouts whose source is not described in SOURCES.md: {missing}"
    for lay in LAYOUTS:
        assert sum(role == "description" for _h, _k, role in lay["columns"]) == 1, lay["name"]
        assert any(role in ("date", "datetime") for _h, _k, role in lay["columns"]), lay["name"]


#: every layout as CSV, Excel and Word; a quarter of them also as cp1252 CSV (the machine is small)
CASES = [(lay, fmt) for lay in LAYOUTS for fmt in ("csv", "xlsx", "docx")] + [
    (lay, "cp1252") for lay in LAYOUTS[::4]
]


@pytest.mark.parametrize(("layout", "fmt"), CASES, ids=[f"{lay['name']}-{fmt}" for lay, fmt in CASES])
def test_layout_is_read_with_the_expected_mapping(layout: dict[str, Any], fmt: str, folder: Path) -> None:
    path = build.write(layout, folder, fmt)
    c = chron.read(path, agency=layout["agency"], case_id="k")
    prov = c.provenance.iloc[0]
    got = {r["column"]: r["role"] for r in prov["inferred"]}
    assert got == _expected(layout)
    for rec in prov["inferred"]:
        assert rec["by"] in ("heading", "content", "heading+content", "user")
        assert 0.0 <= rec["confidence"] <= 1.0
        assert rec["reason"]
    _headings, rows = build.table(layout)
    di = _desc_index(layout)
    assert sorted(c.events["description"]) == sorted(r[di] for r in rows)
    assert len(c.rejects) == 0
    assert prov["rows_read"] == len(rows) == prov["events"]
    assert prov["title_rows"] == (2 if fmt == "xlsx" else 0)


# ---------------------------------------------------------------------------- property tests
_UNHELPFUL = ["Column A", "Info 2", "Field", "Col 4", "Notes (see key)", "Misc", "Text"]


def _perturb_heading(h: str, how: str, rnd: random.Random) -> str:
    if how == "upper":
        return h.upper()
    if how == "lower":
        return h.lower()
    if how == "colon":
        return h + ":"
    if how == "spaces":
        return "  " + h.replace(" ", "  ") + " "
    if how == "unhelpful":
        return rnd.choice(_UNHELPFUL)
    return h


@st.composite
def _variants(draw: st.DrawFn) -> dict[str, Any]:
    layout = draw(st.sampled_from(LAYOUTS))
    cols = list(layout["columns"])
    core = [c for c in cols if c[2] in ("description", "date", "datetime")]
    # time and end columns go with their date column; the rest may be dropped
    optional = [c for c in cols if c not in core and c[2] not in ("time", "end_time")]
    keep = draw(st.lists(st.sampled_from(optional), unique_by=lambda c: c[0])) if optional else []
    chosen = [c for c in cols if c in core or c in keep or c[2] in ("time", "end_time")]
    order = draw(st.permutations(chosen))
    hows = draw(st.lists(st.sampled_from(["same", "upper", "lower", "colon", "spaces", "unhelpful"]),
                         min_size=len(order), max_size=len(order)))
    seed = draw(st.integers(0, 10_000))
    n = draw(st.integers(3, 25))
    return {"layout": layout, "columns": order, "hows": hows, "seed": seed, "n": n}


def _write_variant(v: dict[str, Any], path: Path) -> tuple[list[str], list[list[Any]], int]:
    rnd = random.Random(v["seed"])
    sub = {**v["layout"], "columns": v["columns"]}
    headings, rows = build.table(sub, v["n"], v["seed"])
    new = [_perturb_heading(h, how, rnd) for h, how in zip(headings, v["hows"], strict=True)]
    seen: set[str] = set()
    for i, h in enumerate(new):  # perturbed headings stay distinct, as in a real file
        while h.strip().lower() in seen:
            h = h + "*"
        new[i] = h
        seen.add(h.strip().lower())
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(new)
        w.writerows(rows)
    return new, rows, next(i for i, c in enumerate(v["columns"]) if c[2] == "description")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(v=_variants())
def test_any_layout_gives_the_right_description_or_a_clear_refusal(v: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "variant.csv"
    _headings, rows, di = _write_variant(v, path)
    refusal: ColumnMappingError | None = None
    try:
        c = chron.read(path, agency=v["layout"]["agency"], case_id="k")
    except ColumnMappingError as err:
        refusal = err
    if refusal is not None:
        # a refusal names the competing column(s) and gives the fix in both syntaxes
        text = str(refusal)
        assert (
            refusal.fix is not None
            or "name it" in text
            or "name the date column" in text
            or "no header row" in text
        )
        if refusal.fix:
            assert "columns=" in text
            assert "--column" in refusal.for_cli()
        return
    # never a wrong description: the text of the description column, every row
    assert sorted(c.events["description"]) == sorted(r[di] for r in rows)
    prov = c.provenance.iloc[0]
    assert prov["rows_read"] == prov["events"] + prov["rejects"] + prov["blank_rows"] + prov["repeated_headers"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(v=_variants())
def test_a_refusal_is_fixed_by_its_own_fix(v: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "variant.csv"
    headings, rows, di = _write_variant(v, path)
    try:
        chron.read(path, agency=v["layout"]["agency"], case_id="k")
    except ColumnMappingError as err:
        if not err.fix or set(err.fix) != {"columns"}:
            return
        cols = dict(err.fix["columns"])
        if cols.get(headings[di]) != "description" and "description" in cols.values():
            return  # the fix named another column as the description: the user decides
        try:
            c = chron.read(path, agency=v["layout"]["agency"], case_id="k", columns=cols)
        except ColumnMappingError:
            return  # a second question (e.g. the date as well): still a named refusal
        assert sorted(c.events["description"]) == sorted(r[di] for r in rows)
