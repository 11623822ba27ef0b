"""End to end on every sample PDF: exact rows against the hand-checked truth, the JSON
Schema, determinism, flags, and the committed goldens."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

import safecity_extract as sx
from safecity_extract.model import validate
from tests.expected import (REPO_ROOT, expected_period, expected_rows, expected_statuses,
                            load_manifest, sample_path)

SAMPLES = [entry["file"] for entry in load_manifest()]
GOLDEN = REPO_ROOT / "golden"
CELL_KEYS = ("priority", "action", "lead_agency", "update", "links")


@lru_cache(maxsize=None)
def extracted(name: str) -> dict:
    return sx.extract(sample_path(name)).to_dict()


def _cells(row: dict, extras: list[str]) -> dict:
    return {key: row[key] for key in (*CELL_KEYS, *extras)}


@pytest.mark.parametrize("name", SAMPLES)
def test_every_cell_is_exact(name):
    got = extracted(name)
    want = expected_rows(name)
    extras = [c for c in got["columns"] if c not in CELL_KEYS]
    assert len(got["rows"]) == len(want) == 22
    for n, (row, exp) in enumerate(zip(got["rows"], want), start=1):
        assert _cells(row, extras) == exp, f"{name} row {n}"


@pytest.mark.parametrize("name", SAMPLES)
def test_columns_title_and_source(name):
    got = extracted(name)
    entry = next(e for e in load_manifest() if e["file"] == name)
    assert got["columns"] == entry["columns"]
    assert got["title"] == "Safe City Partnership Strategy 2017-2020 Progress Update"
    assert got["source"]["file"] == name
    assert got["source"]["pages"] >= 2
    assert [r["row"] for r in got["rows"]] == list(range(1, 23))


@pytest.mark.parametrize("name", SAMPLES)
def test_output_validates_against_the_schema(name):
    validate(extracted(name))


@pytest.mark.parametrize("name", SAMPLES)
def test_flags_say_what_was_done(name):
    rows = extracted(name)["rows"]
    # Each of the 4 priorities is printed once, over its first action.
    filled = [r for r in rows if "priority_filled_down" in r["flags"]]
    assert len(filled) == 18
    for r in rows:
        joined = "joined_across_pages" in r["flags"]
        assert joined == (r["page_end"] > r["page_start"]), r["row"]
        assert len(r["boxes"]) == r["page_end"] - r["page_start"] + 1
    assert any("joined_across_pages" in r["flags"] for r in rows)
    assert not extracted(name)["warnings"]


def test_same_pdf_gives_the_same_bytes():
    path = sample_path(SAMPLES[0])
    assert sx.extract(path).to_json() == sx.extract(path).to_json()


def test_dataframe_has_one_row_per_action():
    df = sx.extract(sample_path("word_rag_narrative.pdf")).to_dataframe()
    assert len(df) == 22
    assert {"priority", "action", "lead_agency", "lead_agencies", "update", "rag_status",
            "flags"} <= set(df.columns)
    assert df["rag_status"].isin(["Red", "Amber", "Green"]).all()


@pytest.mark.parametrize("name", SAMPLES)
def test_golden_json_equals_the_truth(name):
    golden = json.loads((GOLDEN / Path(name).with_suffix(".json")).read_text("utf-8"))
    want = expected_rows(name)
    extras = [c for c in golden["columns"] if c not in CELL_KEYS]
    assert [_cells(r, extras) for r in golden["rows"]] == want


@pytest.mark.parametrize("name", SAMPLES)
def test_golden_status_and_period_equal_the_truth(name):
    """The additive fields of the goldens (status, status_column, period) against the truth."""
    golden = json.loads((GOLDEN / Path(name).with_suffix(".json")).read_text("utf-8"))
    column, statuses = expected_statuses(name)
    assert golden["status_column"] == column
    assert [r["status"] for r in golden["rows"]] == statuses
    assert golden["period"] == expected_period(name)
    assert golden["source"]["path"] == golden["source"]["file"] == name


@pytest.mark.parametrize("name", SAMPLES)
def test_golden_csv_matches_golden_json(name):
    import pandas as pd

    stem = GOLDEN / Path(name).stem
    frame = pd.read_csv(stem.with_suffix(".csv"), dtype=str, keep_default_na=False)
    golden = json.loads(stem.with_suffix(".json").read_text("utf-8"))
    assert len(frame) == len(golden["rows"])
    assert list(frame["update"]) == [r["update"] for r in golden["rows"]]
    assert list(frame["lead_agencies"]) == ["; ".join(r["lead_agencies"]) for r in golden["rows"]]


def test_other_spellings_of_leads_give_the_same_canonical_names():
    """word_landscape_combined prints every other lead another way (Hants Constabulary, SCC,
    YOS, ...); the canonical names must equal those of the original spellings."""
    respelt = extracted("word_landscape_combined.pdf")["rows"]
    original = extracted("word_grid_a4.pdf")["rows"]
    assert [r["lead_agency"] for r in respelt] != [r["lead_agency"] for r in original]
    assert [r["lead_agencies"] for r in respelt] == [r["lead_agencies"] for r in original]
    assert not any("agency_unmatched" in r["flags"] for r in respelt)
