"""Status columns and reporting periods (status.py) on hand-made labels and cells."""
from __future__ import annotations

import pytest

import safecity_extract as sx
from safecity_extract.headers import column_key, map_labels
from safecity_extract.model import ROW_KEYS, Report, Row, Source
from safecity_extract.status import apply_status, normalise_status, period_of, status_column


@pytest.mark.parametrize("text, status", [
    ("Green", "Green"), ("GREEN", "Green"), ("green.", "Green"), ("G", "Green"),
    ("Amber / Green", "Amber/Green"), ("Red-Amber", "Red/Amber"), ("Red/Amber", "Red/Amber"),
    ("Blue", "Complete"), ("Completed", "Complete"), ("On track", "Green"),
    ("Green - on track", "Green"), ("Amber (some slippage)", "Amber"),
    ("Not started", "Not started"), ("Ongoing", "In progress"), ("In progress", "In progress"),
    ("Delayed", "Delayed"), ("Complete", "Complete"),
    ("Purple", None), ("A new approach is being tried", None), ("See update", None),
])
def test_printed_values_map_to_one_vocabulary(text, status):
    assert normalise_status(text) == status


@pytest.mark.parametrize("columns, labels, found", [
    (["priority", "action", "lead_agency", "update", "rag"], None, "rag"),
    (["priority", "action", "lead_agency", "update", "rag_status"], None, "rag_status"),
    (["priority", "action", "lead_agency", "update", "status"], None, "status"),
    (["priority", "action", "lead_agency", "update", "status_printed"], None, "status_printed"),
    (["priority", "action", "lead_agency", "update", "status_printed"],
     {"status_printed": "Status"}, "status_printed"),
    (["priority", "action", "lead_agency", "update", "col_2"], {"col_2": "RAG (Dec 2019)"},
     "col_2"),
    (["priority", "action", "lead_agency", "update", "target_date"], None, None),
])
def test_the_status_column_is_found_by_its_label(columns, labels, found):
    assert status_column(columns, labels) == found


def _row(n: int, rag: str) -> Row:
    return Row(n, {"priority": "P", "action": f"A{n}", "lead_agency": "Police", "update": "U",
                   "rag": rag})


def test_unknown_status_text_is_flagged_not_guessed():
    rows = [_row(1, "Green"), _row(2, "Purple"), _row(3, "")]
    assert apply_status(rows, ["priority", "action", "lead_agency", "update", "rag"]) == "rag"
    assert [r.status for r in rows] == ["Green", None, None]
    assert [r.flags for r in rows] == [[], ["status_unrecognised"], []]
    assert rows[1].get("rag") == "Purple"  # the printed text is kept


def test_no_status_column_leaves_rows_alone():
    rows = [_row(1, "Green")]
    assert apply_status(rows, ["priority", "action", "lead_agency", "update"]) is None
    assert rows[0].status is None and rows[0].flags == []


@pytest.mark.parametrize("labels, period", [
    (["Progress Update (December 2019)"], "December 2019"),
    (["Update (Q3 2019/20)"], "Q3 2019/20"),
    (["Progress (April 2019 - March 2020)"], "April 2019 - March 2020"),
    (["Update", "RAG (Dec 2019)"], "Dec 2019"),
    (["Progress Update 2019-20"], "2019-20"),
    (["Progress Update", "Lead Agency"], None),
    (["Update (see notes)"], None),
])
def test_period_is_read_from_a_header_label(labels, period):
    assert period_of(labels) == period


def test_a_status_column_keeps_its_printed_cells_beside_the_normalised_status():
    labels = ["Priority", "Action", "Lead Agency", "Update", "Status", "Flags"]
    columns = map_labels(labels, 85.0)
    assert columns[4:] == ["status_printed", "flags_printed"]
    rows = [Row(1, {"priority": "P", "action": "A", "lead_agency": "All", "update": "U",
                    "status_printed": "On track", "flags_printed": "x"}, page_start=1,
                page_end=1),
            Row(2, {"priority": "P", "action": "B", "lead_agency": "All", "update": "U",
                    "status_printed": "Paused", "flags_printed": ""}, page_start=1,
                page_end=1)]
    assert apply_status(rows, columns, dict(zip(columns, labels))) == "status_printed"
    report = Report(Source("r.pdf", "0" * 64, 1), "T", columns, rows,
                    status_column="status_printed")
    data = report.to_dict()
    sx.validate(data)
    assert [(r["status"], r["status_printed"]) for r in data["rows"]] == [
        ("Green", "On track"), (None, "Paused")]
    assert data["rows"][1]["flags"] == ["status_unrecognised"]  # kept as printed, flagged
    csv = report.csv_records()
    assert [(r["status"], r["status_printed"]) for r in csv] == [("Green", "On track"),
                                                                 ("", "Paused")]
    assert report.csv_columns().count("status") == 1
    assert "status_printed" in report.csv_columns()


def test_column_keys_never_take_a_row_key():
    assert [column_key(k.replace("_", " ").title()) for k in ROW_KEYS] == [
        k + "_printed" for k in ROW_KEYS]
    assert column_key("RAG Status") == "rag_status"


def test_the_schema_refuses_a_column_named_like_a_row_key():
    import jsonschema

    report = Report(Source("r.pdf", "0" * 64, 1), "T",
                    ["priority", "action", "lead_agency", "update", "status"], [])
    with pytest.raises(jsonschema.ValidationError):
        sx.validate(report.to_dict())
