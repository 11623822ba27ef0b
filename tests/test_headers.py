"""Header labels -> fields: aliases, notes in brackets, typos, extras in snake_case."""
import pytest

from safecity_extract.headers import (join_label, map_labels, match_label, normalise_label,
                                      snake_case)


@pytest.mark.parametrize("label, field", [
    ("Priority", "priority"), ("Strategic Priority", "priority"), ("Theme", "priority"),
    ("Action", "action"), ("Actions", "action"), ("Actoin", "action"),
    ("Lead Agency", "lead_agency"), ("Lead", "lead_agency"),
    ("Lead Agency/Partner", "lead_agency"), ("LEAD AGENCY", "lead_agency"),
    ("Update", "update"), ("Progress", "update"), ("Progress Update (December 2019)", "update"),
    ("Progress update – Q3 2019", "update"), ("Updtae", "update"),
])
def test_labels_map_to_fields(label, field):
    assert match_label(label, 80).field == field


@pytest.mark.parametrize("label", [
    "RAG Status", "Status", "Date", "Target date", "Abbreviation", "Meaning",
    "Safe City Partnership Strategy 2017-2020 Progress Update", "Funding",
])
def test_other_labels_are_not_fixed_fields(label):
    assert match_label(label, 80).field is None


def test_normalise_drops_notes_dates_and_punctuation():
    assert normalise_label("Progress Update (December 2019)") == "progress update"
    assert normalise_label("Lead Agency/Partner") == "lead agency partner"


def test_snake_case_of_extras():
    assert snake_case("RAG Status") == "rag_status"
    assert snake_case("2020 target") == "col_2020_target"


def test_map_labels_keeps_extras_and_each_field_once():
    assert map_labels(["Strategic Priority", "Action", "Lead Agency/Partner",
                       "Progress Update (December 2019)", "RAG Status"], 80) == \
        ["priority", "action", "lead_agency", "update", "rag_status"]
    assert map_labels(["Action", "Actions", "Lead", "Update"], 80)[:2] == ["action", "actions"]


@pytest.mark.parametrize("lines, label", [
    (["Statu", "s"], "Status"),                       # a narrow column broke the word
    (["RA", "G"], "RAG"),
    (["RAG Statu", "s"], "RAG Status"),
    (["Targ", "et date"], "Target date"),
    (["Lead", "organization"], "Lead organization"),  # broken between words
    (["Strategic", "Objective"], "Strategic Objective"),
    (["Progress Update", "(December 2019)"], "Progress Update (December 2019)"),
    (["Lead Agen", "cy"], "Lead Agency"),
    (["Zorp", "quux"], "Zorp quux"),                  # nothing known either way: a space
    (["Status"], "Status"),
    ([], ""),
])
def test_a_label_over_several_lines_is_joined_where_the_break_fell(lines, label):
    assert join_label(lines) == label


def test_broken_labels_map_to_their_fields_and_keys():
    labels = [join_label(x) for x in (["Priority"], ["Action"], ["Lead"], ["Up", "date"],
                                      ["RA", "G"], ["Targ", "et date"])]
    assert map_labels(labels, 85.0) == ["priority", "action", "lead_agency", "update", "rag",
                                        "target_date"]
