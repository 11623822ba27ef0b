"""Lead Agency text -> canonical names: cases from data files, the 2019-20 report's cells,
the fuzzy threshold's measured separation, and the agencies file loader."""
from __future__ import annotations

import csv
import dataclasses
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safecity_extract.agencies import (
    FUZZY_THRESHOLD,
    Agencies,
    agency_table,
    best_fuzzy,
    lead_names,
    load_agencies,
    match_agencies,
    split_agencies,
    summarise_matches,
)
from safecity_extract.errors import AgencyFileError, SafecityError
from safecity_extract.model import AgencyMatch

DATA = Path(__file__).parent / "data"

CANONICAL = [
    "Hampshire Constabulary", "Southampton City Council", "Hampshire Fire and Rescue Service",
    "Probation Services", "Southampton Clinical Commissioning Group", "Youth Offending Service",
    "Southampton Voluntary Services", "Integrated Commissioning Unit",
    "Office of the Police and Crime Commissioner", "Go! Southampton", "Prevent Working Group",
    "Public Health", "Health and Wellbeing Board", "All",
]


def read_cases(name: str) -> list[dict[str, str]]:
    """Rows of a CSV in tests/data; lines starting with # are comments, \\n is a line break."""
    with open(DATA / name, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    return [{k: v.replace("\\n", "\n") for k, v in row.items()} for row in rows]


def split_list(text: str) -> list[str]:
    return [part for part in text.split("; ") if part]


AGENCY_CASES = read_cases("agency_cases.csv")
REPORT_LEADS = read_cases("report_2019_20_leads.csv")
THRESHOLD_CASES = read_cases("agency_threshold_cases.csv")


# --- matching, case by case ----------------------------------------------------------------


def test_there_are_enough_cases() -> None:
    assert len(AGENCY_CASES) >= 40
    assert len(REPORT_LEADS) == 22


@pytest.mark.parametrize("case", AGENCY_CASES, ids=[c["text"] for c in AGENCY_CASES])
def test_cell_matches_expected_names_and_methods(case: dict[str, str]) -> None:
    matches = match_agencies(case["text"])
    names = [m.name or "-" for m in matches]
    assert (names, [m.method for m in matches]) == (
        split_list(case["names"]), split_list(case["methods"])), case["why"]


@pytest.mark.parametrize("case", REPORT_LEADS, ids=[c["row"] for c in REPORT_LEADS])
def test_lead_cells_of_the_2019_20_report(case: dict[str, str]) -> None:
    matches = match_agencies(case["text"])
    assert lead_names(matches) == split_list(case["names"])
    assert all(m.name is not None for m in matches)


def test_report_typo_is_the_only_fuzzy_lead() -> None:
    fuzzy = {m.text for c in REPORT_LEADS for m in match_agencies(c["text"]) if m.method == "fuzzy"}
    assert fuzzy == {"Hampshire Fore and Rescue"}


# --- the threshold, measured ---------------------------------------------------------------


def test_threshold_cases_cover_both_sides() -> None:
    should = [c for c in THRESHOLD_CASES if c["expected"]]
    assert len(should) >= 30 and len(THRESHOLD_CASES) - len(should) >= 30


@pytest.mark.parametrize("case", THRESHOLD_CASES, ids=[c["text"] for c in THRESHOLD_CASES])
def test_threshold_separates_measured_cases(case: dict[str, str]) -> None:
    name, score = best_fuzzy(case["text"], load_agencies())  # recomputed, not read
    if case["expected"]:
        assert name == case["expected"]
        assert score >= FUZZY_THRESHOLD
    else:
        assert score < FUZZY_THRESHOLD


@pytest.mark.parametrize("case", THRESHOLD_CASES, ids=[c["text"] for c in THRESHOLD_CASES])
def test_threshold_table_scores_are_current(case: dict[str, str]) -> None:
    # docs/agencies.md quotes this table: a scorer change must come with a regenerated file.
    _, score = best_fuzzy(case["text"], load_agencies())
    assert score == pytest.approx(float(case["score"]), abs=0.01)


@pytest.mark.parametrize("case", THRESHOLD_CASES, ids=[c["text"] for c in THRESHOLD_CASES])
def test_threshold_cases_end_to_end(case: dict[str, str]) -> None:
    matches = match_agencies(case["text"])
    assert len(matches) == 1
    assert matches[0].name == (case["expected"] or None)


# --- splitting -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, parts", [
    ("Southampton City Council/ Hampshire Constabulary",
     ["Southampton City Council", "Hampshire Constabulary"]),
    ("Southampton \nCity Council/ \nHampshire \n\nConstabulary ",
     ["Southampton City Council", "Hampshire Constabulary"]),
    ("Hampshire Fire and Rescue Service", ["Hampshire Fire and Rescue Service"]),
    ("Office of the Police and Crime Commissioner",
     ["Office of the Police and Crime Commissioner"]),
    ("Hampshire and Isle of Wight Constabulary & SCC",
     ["Hampshire and Isle of Wight Constabulary", "SCC"]),
    ("Southampton City Council (SCC) and Hampshire Fire & Rescue",
     ["Southampton City Council (SCC)", "Hampshire Fire & Rescue"]),
    ("Probation (NPS and CRC)", ["Probation (NPS and CRC)"]),
    ("Surrey Fire and Rescue Service", ["Surrey Fire and Rescue Service"]),
    ("SCC and Surrey Fire and Rescue Service", ["SCC", "Surrey Fire and Rescue Service"]),
    ("SCC / / Police,", ["SCC", "Police"]),
    ("", []),
    ("  \n ", []),
])
def test_split_never_inside_a_known_name(text: str, parts: list[str]) -> None:
    assert split_agencies(text, load_agencies()) == parts


# Every listed name and abbreviation, and every canonical name (which matches itself).
KNOWN = [(a.text, a.canonical) for a in load_agencies().aliases if a.kind != "all"] + [
    (name, name) for name in CANONICAL if name != "All"]
SEPARATORS = ["/", " / ", "/ ", ", ", ",\n", "; ", " and ", " & ", " AND ", "\n/\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(KNOWN), min_size=1, max_size=5),
       st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4))
def test_any_list_of_known_names_comes_back(known: list[tuple[str, str]], seps: list[str]) -> None:
    text = known[0][0]
    for (alias, _), sep in zip(known[1:], seps):
        text += sep + alias
    matches = match_agencies(text)
    assert lead_names(matches) == sorted({canonical for _, canonical in known})
    assert {m.method for m in matches} <= {"exact", "abbreviation"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_any_text_gives_canonical_names_or_none(text: str) -> None:
    for match in match_agencies(text):
        assert match.name is None or match.name in CANONICAL
        assert match.method in {"exact", "abbreviation", "fuzzy", "all", "unmatched"}
        assert 0.0 <= match.score <= 100.0
        assert (match.name is None) == (match.method == "unmatched")


# --- results -------------------------------------------------------------------------------


def test_lead_names_are_sorted_unique_and_skip_unmatched() -> None:
    matches = match_agencies("SCC / Police / Southampton City Council / Dorset Police")
    assert lead_names(matches) == ["Hampshire Constabulary", "Southampton City Council"]
    assert lead_names(match_agencies("All partners")) == ["All"]
    assert lead_names([]) == []


def test_exact_and_abbreviation_score_100() -> None:
    assert [m.score for m in match_agencies("SCC / Hampshire Police")] == [100.0, 100.0]


def test_unmatched_keeps_best_score_seen() -> None:
    [match] = match_agencies("Portsmouth City Council")
    assert match == AgencyMatch("Portsmouth City Council", None, "unmatched", match.score)
    assert 0.0 < match.score < FUZZY_THRESHOLD


def test_summary_reports_the_weakest_part() -> None:
    assert summarise_matches(match_agencies("SCC / Hampshire Fore and Rescue")) == (
        ["Hampshire Fire and Rescue Service", "Southampton City Council"], "fuzzy", 96.0)
    names, method, _ = summarise_matches(match_agencies("SCC / Dorset Police"))
    assert (names, method) == (["Southampton City Council"], "unmatched")
    assert summarise_matches([]) == ([], "unmatched", 0.0)


def test_a_stricter_threshold_refuses_the_report_typo() -> None:
    strict = dataclasses.replace(load_agencies(), threshold=99.0)
    assert match_agencies("Hampshire Fore and Rescue", strict)[0].method == "unmatched"
    with pytest.raises(ValueError, match="threshold"):
        dataclasses.replace(load_agencies(), threshold=0.0)


# --- the agencies file ---------------------------------------------------------------------


def test_shipped_file_has_the_canonical_names_and_is_read_once() -> None:
    agencies = load_agencies()
    assert list(agencies.names) == CANONICAL
    assert load_agencies() is agencies
    assert [name for name, _ in agency_table(agencies)] == CANONICAL
    assert dict(agency_table(agencies))["All"] == ["All partners", "All agencies"]


def test_agencies_are_immutable_and_picklable() -> None:
    agencies = load_agencies()
    with pytest.raises(dataclasses.FrozenInstanceError):
        agencies.threshold = 50.0  # type: ignore[misc]
    match_agencies("SCC", agencies)  # fills the lookups, which must not break pickling
    copy = pickle.loads(pickle.dumps(agencies))
    assert copy == agencies
    [match] = match_agencies("Hampshire Fore and Rescue", copy)
    assert match.name == "Hampshire Fire and Rescue Service"


PORTSMOUTH = """\
# Another partnership: Safer Portsmouth Partnership
canonical,alias,kind
Portsmouth City Council,PCC,abbreviation
Portsmouth City Council,"Portsmouth CC",name
Hampshire and Isle of Wight Constabulary,Hampshire Constabulary,name
Everyone,All partners,all
"""


def test_another_partnerships_file(tmp_path: Path) -> None:
    path = tmp_path / "portsmouth.csv"
    path.write_text(PORTSMOUTH, encoding="utf-8")
    agencies = load_agencies(path)
    assert agencies.names == ("Portsmouth City Council", "Hampshire and Isle of Wight Constabulary",
                              "Everyone")
    assert lead_names(match_agencies("PCC / Hampshire Constabulary", agencies)) == [
        "Hampshire and Isle of Wight Constabulary", "Portsmouth City Council"]
    assert match_agencies("Portsmouth City Concil", agencies)[0].method == "fuzzy"
    assert match_agencies("All partners", agencies)[0].name == "Everyone"
    assert match_agencies("Southampton City Council", agencies)[0].name is None
    assert match_agencies("SCC", agencies)[0].name is None
    assert load_agencies(str(path)) == agencies


HEADER = "canonical,alias,kind\n"


@pytest.mark.parametrize("text, line, message", [
    ("", 1, "no header line"),
    ("# only a comment\n", 1, "no header line"),
    ("name,other,type\nA,B,name\n", 1, "header must be"),
    (HEADER, 1, "no agencies listed"),
    (HEADER + "Hampshire Constabulary,Hants Police,name\nSCC,abbreviation\n", 3,
     "expected 3 columns"),
    (HEADER + "A,B,name,extra\n", 2, "expected 3 columns"),
    ("# comment\n\n" + HEADER + "\n,Hants Police,name\n", 5, "empty canonical"),
    (HEADER + "Hampshire Constabulary,,name\n", 2, "empty alias"),
    (HEADER + "Hampshire Constabulary,Hants Police,nickname\n", 2, "unknown kind 'nickname'"),
    (HEADER + "Southampton City Council,scc,abbreviation\n", 2, "2\\+ capitals"),
    (HEADER + "Southampton City Council,S C C Council,abbreviation\n", 2, "2\\+ capitals"),
    (HEADER + "A,---,name\n", 2, "no letters or digits"),
    (HEADER + "Hampshire Constabulary,Police,name\nA,B,name\nDorset Police,police,name\n", 4,
     "'police' maps to 'Dorset Police' here but to 'Hampshire Constabulary' on line 2"),
    (HEADER + "Southampton City Council,SCC,abbreviation\n"
     "Hampshire Constabulary,Southampton City Council,name\n",
     3, "maps to 'Hampshire Constabulary' here but to 'Southampton City Council' on line 2"),
    (HEADER + "All,All partners,all\nEveryone,All agencies,all\n", 3,
     "kind all must map to one value"),
    (HEADER + "All,All partners,all\nAll,Everybody,name\n", 3, "is the all value"),
])
def test_bad_file_error_names_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AgencyFileError, match=message) as info:
        load_agencies(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}: line {line}: ")
    assert isinstance(info.value, SafecityError)


def test_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_bytes(HEADER.encode() + b"A,B,name\nC,Caf\xe9,name\n")
    with pytest.raises(AgencyFileError, match="line 3: not UTF-8"):
        load_agencies(path)


def test_same_alias_twice_for_the_same_name_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(HEADER + "A B,X Y,name\nA B,x-y,name\n", encoding="utf-8")
    assert isinstance(load_agencies(path), Agencies)
