"""Privacy: pseudonymise / personalise (exact round trip), redact (placeholders, where-table, measured
precision and recall), and safe exports (no live formulas in Excel, escaped HTML, no names in reports)."""

from __future__ import annotations

import html.parser
import importlib.util
import re
import stat
import sys
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronology as chron
from chronology.errors import ChronologyError, OptionError, SourceReadError
from chronology.privacy import (
    nhs_number_is_valid,
    personalise,
    pseudonymise,
    redact,
    redaction_kinds,
)

NAMES = {"Cassie Smith": "Child C", "Cassie": "Child C", "Jo Smith": "Mother", "Sam Patel": "SW1"}
DATA = Path(__file__).parent / "data"


def _frame(**cols: list[object]) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in cols.items()})


def _equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.fixture
def named() -> chron.Chronology:
    """A small chronology full of (fictional) names, in every kind of text column."""
    return chron.Chronology.from_events(
        pd.DataFrame(
            {
                "case_id": ["cassie"] * 4,
                "agency": ["police", "csc", "health_gp", "education"],
                "service": ["Sam Patel's team", "MASH", None, "Year 9"],
                "start": ["01/03/2024 14:30", "02/03/2024", "Mar 2024", "04/03/2024"],
                "description": [
                    "Police called: Jo Smith said Cassie Smith's father hit her",
                    "Referral about CASSIE; SW Sam Patel allocated",
                    "Mother (Jo Smith) brought cassie to the GP",
                    "Teacher noticed Cassie was quiet; Mother not reachable",
                ],
                "action": ["Jo Smith advised", None, "Cassie to be seen again", "DSL told Sam\nPatel"],
                "child_voice": [None, "Cassie said: 'I want Jo'", None, "Cassie: 'ok'"],
                "practitioner": ["PC 123", "Sam Patel", "GP", None],
                "Officer notes": ["Cassie Smith upset", None, None, None],
            }
        ),
        source="cassie_police.csv",
    )


# ==================================================================================== pseudonymise
def test_pseudonymise_replaces_names_in_every_text_column(named: chron.Chronology) -> None:
    out = pseudonymise(named.events, NAMES)
    order = named.events["source_row"].argsort().to_numpy()
    ev = out.iloc[order]
    orig = named.events.iloc[order]
    assert ev["description"].tolist() == [
        "Police called: Mother said Child C's father hit her",
        "Referral about Child C; SW SW1 allocated",
        "Mother (Mother) brought Child C to the GP",
        "Teacher noticed Child C was quiet; Mother not reachable",
    ]
    assert ev["action"].tolist()[0] == "Mother advised"
    assert ev["action"].tolist()[3] == "DSL told SW1", "a line break inside a name still matches"
    assert ev["child_voice"].dropna().tolist() == ["Child C said: 'I want Jo'", "Child C: 'ok'"], "only names listed"
    assert ev["practitioner"].tolist()[1] == "SW1"
    assert ev["service"].tolist()[0] == "SW1's team"
    assert ev["Officer notes"].tolist()[0] == "Child C upset", "unmapped columns too"
    assert set(ev["case_id"]) == {"Child C"}, "a case id that is a name is replaced"
    assert ev["event_id"].str.startswith("Child C:").all()
    # nothing else changes: dates, categories, lineage rows, dtypes
    for col in ("start", "agency", "event_type", "precision", "child_seen", "source_row"):
        pd.testing.assert_series_equal(ev[col], orig[col])
    assert (ev.dtypes == orig.dtypes).all()


def test_whole_words_case_insensitive_longest_first() -> None:
    ev = _frame(description=["Cassiel and Joanne met CASSIE SMITH", "cassie smith’s bag", "Jo Smithson"])
    out = pseudonymise(ev, NAMES | {"Jo": "Mother"})
    assert out["description"].tolist() == [
        "Cassiel and Joanne met Child C",
        "Child C’s bag",
        "Mother Smithson",
    ]


def test_input_is_not_modified_and_index_is_kept(named: chron.Chronology) -> None:
    ev = named.events.set_axis(range(10, 14))
    before = ev.copy()
    out = pseudonymise(ev, NAMES)
    _equal(ev, before)
    assert out.index.tolist() == [10, 11, 12, 13]


def test_chronology_verb_returns_a_new_object(named: chron.Chronology, tmp_path: Path) -> None:
    tagged = named.tag()
    anon = tagged.pseudonymise(NAMES, key=tmp_path / "key.toml")
    assert anon is not tagged
    assert anon.tags is None
    assert not anon.events["description"].str.contains("Cassie|Jo Smith|Sam Patel").any()
    assert tagged.events["description"].str.contains("Cassie").any(), "the original is unchanged"
    back = anon.personalise(tmp_path / "key.toml")
    _equal(back.events, named.events)


def test_names_from_toml_and_csv_files(tmp_path: Path) -> None:
    ev = _frame(description=["Cassie Smith met Sam Patel"])
    toml = tmp_path / "names.toml"
    toml.write_text('"Cassie Smith" = "Child C"\n"Sam Patel" = "SW1"\n', encoding="utf-8")
    csv_h = tmp_path / "names.csv"
    csv_h.write_text("name,label\nCassie Smith,Child C\nSam Patel,SW1\n", encoding="utf-8-sig")
    csv_plain = tmp_path / "plain.csv"
    csv_plain.write_text("Cassie Smith,Child C\nSam Patel,SW1\n", encoding="utf-8")
    for path in (toml, csv_h, csv_plain, str(toml)):
        assert pseudonymise(ev, path)["description"].tolist() == ["Child C met SW1"]
    # a key file can be reused as the names file
    key = tmp_path / "key.toml"
    pseudonymise(ev, toml, key=key)
    assert pseudonymise(ev, key)["description"].tolist() == ["Child C met SW1"]


@pytest.mark.parametrize(
    ("names", "error", "words"),
    [
        ({}, OptionError, "no names"),
        ({"Cassie": "Child C", "CASSIE": "Child D"}, OptionError, "two different labels"),
        ({"  ": "Child C"}, OptionError, "letter or digit"),
        ({"Cassie": 3}, OptionError, "must be text"),
        (["Cassie"], OptionError, "mapping"),
        ("does/not/exist.toml", SourceReadError, "not found"),
    ],
)
def test_bad_names_are_chronology_errors(names: object, error: type[ChronologyError], words: str) -> None:
    with pytest.raises(error, match=words):
        pseudonymise(_frame(description=["x"]), names)  # type: ignore[arg-type]


def test_key_file_is_toml_label_to_original_and_private(named: chron.Chronology, tmp_path: Path) -> None:
    key = tmp_path / "sub" / "key.toml"
    out = pseudonymise(named.events, NAMES, key=key)
    data = tomllib.loads(key.read_text(encoding="utf-8"))
    # each label goes back to the spelling most often replaced ("cassie": the case id in every row)
    assert data["labels"] == {"Child C": "cassie", "Mother": "Jo Smith", "SW1": "Sam Patel"}
    assert data["names"] == NAMES
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    # the key never goes into the events
    text = " ".join(str(v) for v in out.to_numpy().ravel())
    assert str(key) not in text
    assert "Jo Smith" not in text


def test_personalise_restores_the_exact_text(named: chron.Chronology, tmp_path: Path) -> None:
    key = tmp_path / "key.toml"
    anon = pseudonymise(named.events, NAMES, key=key)
    _equal(personalise(anon, key), named.events)


def test_personalise_keeps_labels_that_were_already_in_the_text(tmp_path: Path) -> None:
    ev = _frame(
        event_id=["a", "b", "c"],
        description=["Mother called; Jo Smith is the mother", "Child C and Cassie", None],
    )
    key = tmp_path / "k.toml"
    anon = pseudonymise(ev, NAMES, key=key)
    assert anon["description"].tolist()[:2] == ["Mother called; Mother is the mother", "Child C and Child C"]
    _equal(personalise(anon, key), ev)


def test_personalise_after_filtering_and_editing(tmp_path: Path) -> None:
    ev = _frame(event_id=["a", "b", "c"], description=["CASSIE alone", "Cassie Smith and Jo Smith", "Mother here"])
    key = tmp_path / "k.toml"
    anon = pseudonymise(ev, NAMES, key=key)
    # rows filtered out and re-ordered: the key finds cells by event id
    part = anon.iloc[[2, 0]].reset_index(drop=True)
    assert personalise(part, key)["description"].tolist() == ["Mother here", "CASSIE alone"]
    # a cell edited after pseudonymising: labels go back to the key's default names
    edited = anon.copy()
    edited.loc[1, "description"] = "Child C and Mother and Child C again"
    back = personalise(edited, key)
    labels = tomllib.loads(key.read_text(encoding="utf-8"))["labels"]
    assert labels["Child C"] in ("CASSIE", "Cassie Smith")
    assert back.loc[1, "description"] == f"{labels['Child C']} and Jo Smith and {labels['Child C']} again"
    assert back.loc[0, "description"] == "CASSIE alone"


def test_personalise_rejects_a_file_that_is_not_a_key(tmp_path: Path) -> None:
    names = tmp_path / "names.toml"
    names.write_text('"Cassie" = "Child C"\n', encoding="utf-8")
    with pytest.raises(SourceReadError, match="not a chronology pseudonymisation key"):
        personalise(_frame(description=["x"]), names)
    with pytest.raises(SourceReadError, match="not found"):
        personalise(_frame(description=["x"]), tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("labels = [", encoding="utf-8")
    with pytest.raises(SourceReadError, match="not a readable key"):
        personalise(_frame(description=["x"]), broken)


# hypothesis: text made of names (any case, possessives, line breaks), labels, and other words
_PEOPLE = ["Cassie", "Cassie Smith", "Jo", "Jo Smith", "Sam Patel", "Zoë Ng", "O'Brien", "Dr. Ali"]
_LABELS = ["Child C", "Mother", "SW1", "Child Z", "Father", "GP"]
_token = st.one_of(
    st.sampled_from(_PEOPLE).flatmap(
        lambda n: st.sampled_from([n, n.upper(), n.lower(), n + "'s", n + "’s", n.replace(" ", "\n"), n.replace(" ", "\u00a0")])
    ),
    st.sampled_from(_LABELS),
    st.sampled_from(["said", "the", "Smithson", "Cassiel", "Joanne", "Child", "C", "SW", "1", "Mother's"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=6),
)
_sep = st.sampled_from([" ", " ", ", ", "\n", "", "-", ": ", "'"])
_cell = st.one_of(
    st.none(),
    st.lists(st.tuples(_token, _sep), max_size=8).map(lambda ts: "".join(a + b for a, b in ts)),
)
_names = st.dictionaries(
    st.sampled_from(_PEOPLE), st.sampled_from(_LABELS), min_size=1, max_size=len(_PEOPLE)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=_names,
    rows=st.lists(st.tuples(_cell, _cell), min_size=1, max_size=6),
    unique_ids=st.booleans(),
)
def test_round_trip_is_exact(tmp_path: Path, names: dict[str, str], rows: list[tuple[str | None, str | None]], unique_ids: bool) -> None:
    ev = _frame(
        event_id=[f"cassie:{i}" if unique_ids else "same" for i in range(len(rows))],
        description=[r[0] for r in rows],
        action=[r[1] for r in rows],
    )
    key = tmp_path / "hyp_key.toml"
    anon = pseudonymise(ev, names, key=key)
    _equal(personalise(anon, key), ev)
    # and the names are gone (as whole words) from the pseudonymised text
    rx = re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in names) + r")(?!\w)", re.I)
    for v in anon[["description", "action"]].to_numpy().ravel():
        if isinstance(v, str):
            # a label may itself contain a name (e.g. label "GP" for name "GP") only if the user asked
            assert not rx.search(v) or any(rx.search(lab) for lab in names.values())


# ==================================================================================== redact
def test_nhs_numbers_are_validated() -> None:
    assert nhs_number_is_valid("943 476 5919")
    assert nhs_number_is_valid("9434765919")
    assert nhs_number_is_valid("943-476-5919")
    assert not nhs_number_is_valid("943 476 5918")  # wrong check digit
    assert not nhs_number_is_valid("1111111111")  # passes mod 11 but is not an NHS number
    assert not nhs_number_is_valid("94347659")
    ev = _frame(description=["NHS 943 476 5919", "NHS 943 476 5918", "ref 9434765919", "ref 9434765918"])
    out, table = redact(ev, kinds=["nhs_number"])
    assert out["description"].tolist() == ["NHS [NHS number]", "NHS 943 476 5918", "ref [NHS number]", "ref 9434765918"]
    assert table["kind"].tolist() == ["nhs_number", "nhs_number"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mum 07700 900123, dad +44 7700 900456", "Mum [phone], dad [phone]"),
        ("School (020) 7946 0123; gran 01632 960123", "School [phone]; gran [phone]"),
        ("Email jo.bloggs@example.com now", "Email [email] now"),
        ("DOB 12/03/2010, seen 14/03/2024 at 14:30", "DOB [date of birth], seen 14/03/2024 at 14:30"),
        ("born on 3rd April 2015", "born on [date of birth]"),
        ("Moved to Flat 3, 14 Elm Road, Northtown, NT1 2AB", "Moved to [address]"),
        ("Postcode NT1 2AB.", "Postcode [postcode]."),
        ("Rent arrears £1,234 at 14:30, case CR/2024/00123", "Rent arrears £1,234 at 14:30, case CR/2024/00123"),
        ("3 Family Court hearings; Ward 12, Green Park Hospital", "3 Family Court hearings; Ward 12, Green Park Hospital"),
    ],
)
def test_each_kind_gets_its_placeholder(text: str, expected: str) -> None:
    out, _ = redact(_frame(description=[text]))
    assert out["description"].iloc[0] == expected


def test_redactions_table_says_where_but_never_what(named: chron.Chronology) -> None:
    ev = named.events.copy()
    ev["description"] = ev["description"].astype("object")
    ev.loc[1, "description"] = "Call from 07700 900123; NHS 943 476 5919"
    ev.loc[3, "action"] = "Letter to 12 Acacia Avenue"
    ev["description"] = ev["description"].astype("str")
    _, table = redact(ev)
    assert list(table.columns) == ["source", "source_sheet", "source_row", "event_id", "column", "kind", "length", "ref"]
    assert table[["source_row", "column", "kind", "length"]].values.tolist() == [
        [ev.loc[1, "source_row"], "description", "nhs_number", 12],
        [ev.loc[1, "source_row"], "description", "phone", 12],
        [ev.loc[3, "source_row"], "action", "address", 16],
    ]
    assert table["event_id"].tolist()[0] == ev.loc[1, "event_id"]
    assert set(table["source"]) == {"cassie_police.csv"}
    cells = " ".join(str(v) for v in table.to_numpy().ravel())
    for secret in ("07700", "900123", "943", "5919", "Acacia"):
        assert secret not in cells
    assert table["source_row"].dtype == "int64"
    assert table["length"].dtype == "int64"


def test_same_value_written_two_ways_has_the_same_ref() -> None:
    ev = _frame(description=["07700 900123 and +44 7700 900123", "07700 900999", "NHS 943 476 5919 / 9434765919"])
    _, table = redact(ev)
    refs = table.groupby("kind")["ref"].apply(list).to_dict()
    assert refs["phone"][0] == refs["phone"][1] != refs["phone"][2]
    assert refs["nhs_number"][0] == refs["nhs_number"][1]
    _, again = redact(ev)
    assert again["ref"].tolist() != table["ref"].tolist(), "the salt is random per call"


def test_kinds_subset_aliases_and_unknown_kinds() -> None:
    ev = _frame(description=["DOB 12/03/2010 tel 07700 900123 jo@example.com"])
    out, table = redact(ev, kinds=["phone", "dob"])
    assert out["description"].iloc[0] == "DOB [date of birth] tel [phone] jo@example.com"
    assert table["kind"].tolist() == ["date_of_birth", "phone"]
    out, table = redact(ev, kinds="email")
    assert table["kind"].tolist() == ["email"]
    out, table = redact(ev, kinds=[])
    _equal(out, ev)
    assert table.empty
    with pytest.raises(OptionError, match="unknown redaction kind") as info:
        redact(ev, kinds=["phone", "passport"])
    for kind in redaction_kinds():
        assert kind in str(info.value)


def test_ids_and_lineage_are_not_redacted_and_input_is_not_modified() -> None:
    ev = _frame(
        event_id=["9434765919:x:1"],
        case_id=["9434765919"],
        source=["07700 900123.csv"],
        description=["NHS 9434765919"],
    )
    before = ev.copy()
    out, table = redact(ev)
    _equal(ev, before)
    assert out["case_id"].tolist() == ["9434765919"]
    assert out["source"].tolist() == ["07700 900123.csv"]
    assert out["description"].tolist() == ["NHS [NHS number]"]
    assert table["source_row"].isna().all(), "a frame without lineage gets empty lineage"


def test_redaction_is_idempotent_and_keeps_dtypes(named: chron.Chronology) -> None:
    ev = named.events.copy()
    ev["description"] = (ev["description"] + " DOB 12/03/2010 tel 07700 900123").astype("str")
    once, t1 = redact(ev)
    twice, t2 = redact(once)
    _equal(once, twice)
    assert len(t1) == 8
    assert t2.empty
    assert (once.dtypes == ev.dtypes).all()


def test_chronology_redact_sets_redactions(named: chron.Chronology) -> None:
    c = named.redact()
    assert c is not named
    assert c.redactions is not None
    assert c.redactions.empty
    ev = named.events.copy()
    ev["action"] = pd.Series(["Call 07700 900123"] * len(ev), dtype="str")
    c2 = chron.Chronology(events=ev).redact(kinds=["phone"])
    assert len(c2.redactions) == len(ev)
    assert c2.events["action"].eq("Call [phone]").all()


_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), _TEXT), min_size=1, max_size=6))
def test_redact_never_raises_and_counts_every_placeholder(texts: list[str | None]) -> None:
    ev = _frame(description=texts)
    out, table = redact(ev)
    assert out["description"].isna().tolist() == ev["description"].isna().tolist()
    for kind, label in redaction_kinds().items():
        added = out["description"].str.count(re.escape(label)).sum() - ev["description"].str.count(re.escape(label)).sum()
        assert added == (table["kind"] == kind).sum()


_WORD = st.sampled_from(["seen", "at", "home", "Mother", "called", "on", "14:30", "£1,234", "ref", "12/03/2024", "-", "(", ")", "visit"])


@settings(max_examples=150, deadline=None)
@given(
    before=st.lists(_WORD, max_size=6),
    after=st.lists(_WORD, max_size=6),
    ident=st.sampled_from(
        [
            ("nhs_number", "999 590 8301"),
            ("nhs_number", "9996613186"),
            ("phone", "07700 900123"),
            ("phone", "+44 (0)20 7946 0123"),
            ("email", "duty.team@example.nhs.uk"),
            ("postcode", "NT1 2AB"),
        ]
    ),
)
def test_identifiers_are_found_in_any_context(before: list[str], after: list[str], ident: tuple[str, str]) -> None:
    kind, value = ident
    text = " ".join([*before, value, *after])
    out, table = redact(_frame(description=[text]))
    assert value not in out["description"].iloc[0]
    assert redaction_kinds()[kind] in out["description"].iloc[0]
    assert kind in set(table["kind"])


def _load_eval() -> object:
    path = Path(__file__).parent.parent / "scripts" / "eval_redaction.py"
    spec = importlib.util.spec_from_file_location("eval_redaction", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_redaction"] = module
    spec.loader.exec_module(module)
    return module


def test_labelled_set_precision_and_recall_per_kind() -> None:
    ev = _load_eval()
    labelled = pd.read_csv(DATA / "redaction_labelled.csv", dtype="str", keep_default_na=False)
    assert len(labelled) >= 200
    assert (labelled["identifiers"] == "").sum() >= 60, "plenty of hard negatives"
    scores, errors = ev.evaluate(DATA / "redaction_labelled.csv")  # type: ignore[attr-defined]
    scores = scores.set_index("kind")
    assert set(scores.index) == set(redaction_kinds())
    assert (scores["labelled"] >= 10).all(), scores
    assert (scores["recall"] >= 0.95).all(), errors.to_string()
    assert (scores["precision"] >= 0.9).all(), errors.to_string()


def test_eval_script_runs_and_sets_its_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    ev = _load_eval()
    assert ev.main([str(DATA / "redaction_labelled.csv"), "--min-recall", "0.9"]) == 0  # type: ignore[attr-defined]
    assert "precision" in capsys.readouterr().out
    assert ev.main([str(DATA / "redaction_labelled.csv"), "--min-recall", "1.01"]) == 1  # type: ignore[attr-defined]


# ==================================================================================== safe exports
_INJECTION = [
    "=HYPERLINK(\"http://example.invalid\",\"click\")",
    "+44 7700 900123",
    "-10 mins late",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]
_HTML = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '"><b>bold</b>',
    "Tom & Jerry <3",
]


@pytest.fixture
def hostile() -> chron.Chronology:
    n = len(_INJECTION) + len(_HTML)
    texts = _INJECTION + _HTML
    return chron.Chronology.from_events(
        pd.DataFrame(
            {
                "case_id": ["k"] * n,
                "agency": ["police"] * n,
                "start": [f"{d + 1:02d}/03/2024" for d in range(n)],
                "description": texts,
                "action": list(reversed(texts)),
                "service": ["=1+2"] * n,
                "Extra": ["@x"] * n,
            }
        ),
        source="hostile.csv",
    )


def _report(name: str) -> object:
    return pytest.importorskip(f"chronology.report.{name}")


def test_excel_export_has_no_live_formulas(hostile: chron.Chronology, tmp_path: Path) -> None:
    _report("excel")
    import openpyxl

    path = hostile.to_excel(tmp_path / "out.xlsx")
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert "<f>" not in z.read(name).decode("utf-8"), f"a formula in {name}"
    wb = openpyxl.load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    # stored as text with Excel's quote prefix: shown as typed, never evaluated
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    seen += cell.value.startswith("=")
    assert seen >= len([t for t in _INJECTION if t.startswith("=")])


def test_html_export_escapes_every_text_field(hostile: chron.Chronology, tmp_path: Path) -> None:
    _report("html")
    path = hostile.to_html(tmp_path / "out.html", title="<script>alert('title')</script>")
    text = path.read_text(encoding="utf-8")

    class Collect(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.scripts: list[str] = []
            self.bad_attrs: list[tuple[str, str]] = []
            self._in_script = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self._in_script = tag == "script"
            for k, _ in attrs:
                if k.startswith("on"):
                    self.bad_attrs.append((tag, k))
            if tag == "img":
                self.bad_attrs.append((tag, str(attrs)))

        def handle_data(self, data: str) -> None:
            if self._in_script:
                self.scripts.append(data)

        def handle_endtag(self, tag: str) -> None:
            self._in_script = False

    p = Collect()
    p.feed(text)
    assert not p.bad_attrs, p.bad_attrs
    assert not any("alert('x')" in s and "<script>" not in s for s in p.scripts if s.strip().startswith("alert"))
    assert "&lt;script&gt;alert(" in text
    assert "<script>alert('x')</script>" not in text
    assert "<b>bold</b>" not in text
    assert "Tom & Jerry <3" not in text
    assert "<script>alert('title')</script>" not in text


def test_docx_export_writes_hostile_text_as_text(hostile: chron.Chronology, tmp_path: Path) -> None:
    _report("docx")
    import docx

    path = hostile.to_docx(tmp_path / "out.docx")
    body = "\n".join(c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells)
    assert "<script>alert('x')</script>" in body
    with zipfile.ZipFile(path) as z:
        assert "<w:fldSimple" not in z.read("word/document.xml").decode("utf-8").split("<w:body>")[1].split("<w:sectPr")[0]


def _all_text(path: Path) -> str:
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels")))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["xlsx", "html", "docx"])
def test_reports_of_a_pseudonymised_chronology_hold_no_real_name(named: chron.Chronology, tmp_path: Path, fmt: str) -> None:
    _report({"xlsx": "excel", "html": "html", "docx": "docx"}[fmt])
    key = tmp_path / "key.toml"
    anon = named.pseudonymise(NAMES, key=key)
    writer = {"xlsx": anon.to_excel, "html": anon.to_html, "docx": anon.to_docx}[fmt]
    path = writer(tmp_path / f"report.{fmt}")
    text = _all_text(path)
    for name in ["Cassie", "Jo Smith", "Sam Patel", "Sam\nPatel"]:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE), name
    assert "pseudonymisation key" not in text
    assert str(key) not in text


def test_reports_hold_no_real_name_from_rejects_or_title(tmp_path: Path) -> None:
    _report("excel")
    path = tmp_path / "police.csv"
    path.write_text("Date,Details\n01/03/2024,Cassie seen\n31/02/2024,Cassie Smith missing\n", encoding="utf-8")
    c = chron.read(path, agency="police", case_id="cassie")
    c = c._replace(title="Cassie: review")
    anon = c.pseudonymise(NAMES)
    out = anon.to_excel(tmp_path / "r.xlsx")
    assert not re.search(r"(?<!\w)cassie(?!\w)", _all_text(out), re.IGNORECASE)
