"""Golden comparison: row alignment, readable differences, check() and --update."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from safecity_extract.errors import DamagedPDF
from safecity_extract.golden import (align_rows, check, compare, compare_dicts, format_check,
                                     format_differences, word_diff)
from safecity_extract.model import Report, Row, Source
from safecity_extract.writers import write_json

ACTIONS = ["Reduce violent crime in the night-time economy",
           "Support victims of domestic abuse",
           "Tackle anti-social behaviour in parks",
           "Deliver Prevent training to schools"]


def make_report(actions=ACTIONS, name="r.pdf") -> Report:
    rows = [Row(i + 1, {"priority": "Violence", "action": text, "lead_agency": "Police",
                        "update": f"Work on '{text.split()[0]}' started; the board was told."},
                page_start=1, page_end=1, flags=[], lead_agencies=["Hampshire Constabulary"])
            for i, text in enumerate(actions)]
    return Report(Source(name, "c" * 64, 1), "Progress Update",
                  ["priority", "action", "lead_agency", "update"], rows)


def fake_extract(path: str, **kwargs) -> Report:
    text = Path(path).read_text("utf-8")
    if text == "BAD":
        raise DamagedPDF(path, "fake")
    return make_report([line for line in text.splitlines() if line], Path(path).name)


@pytest.fixture
def golden(tmp_path) -> Path:
    path = tmp_path / "r.json"
    write_json(make_report(), path)
    return path


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data), "utf-8")


# --- compare -------------------------------------------------------------------------------


def test_identical_report_and_dict_have_no_differences(golden):
    assert compare(make_report(), golden) == []
    assert compare(make_report().to_dict(), golden) == []


def test_one_edited_cell_is_one_readable_difference(golden):
    _edit(golden, lambda d: d["rows"][2].__setitem__(
        "update", "Work on 'Tackle' started; the council was told."))
    diffs = compare(make_report(), golden)
    assert len(diffs) == 1
    d = diffs[0]
    assert (d.kind, d.row, d.field) == ("field", 3, "update")
    text = format_differences(diffs)
    assert str(golden) in text
    assert "row 3, update:" in text
    assert "expected: Work on 'Tackle' started; the council was told." in text
    assert "found:    Work on 'Tackle' started; the board was told." in text
    assert "[-council-] {+board+}" in text
    assert text.splitlines()[-1] == "1 difference: 1 changed field"


def test_a_missing_row_does_not_shift_the_rest(golden):
    found = make_report(ACTIONS[:1] + ACTIONS[2:])
    for i, row in enumerate(found.rows):
        row.row = i + 1
    diffs = compare(found, golden)
    assert [(d.kind, d.row) for d in diffs] == [("missing_row", 2)]
    assert "row 2: missing (in golden, not found): 'Support victims" in format_differences(diffs)


def test_an_extra_row_is_reported_as_extra(golden):
    report = make_report(ACTIONS[:2] + ["A brand new action"] + ACTIONS[2:])
    diffs = compare(report, golden)
    assert [(d.kind, d.row, d.found) for d in diffs] == [("extra_row", 3, "A brand new action")]
    assert format_differences(diffs).splitlines()[-1] == "1 difference: 1 extra row"


def test_document_fields_flags_links_and_agencies_are_compared(golden):
    report = make_report()
    report.title = "Progress Update 2020"
    report.rows[0].flags = ["joined_across_pages"]
    report.rows[1].lead_agencies = ["Hampshire Constabulary", "Southampton City Council"]
    diffs = compare(report, golden)
    assert [(d.kind, d.row, d.field) for d in diffs] == [
        ("document", None, "title"), ("field", 1, "flags"), ("field", 2, "lead_agencies")]
    text = format_differences(diffs)
    assert "document, title:" in text and '["joined_across_pages"]' in text


def test_align_rows_pairs_an_edited_action_with_its_old_row():
    exp = [{"action": a} for a in ACTIONS]
    found = [{"action": a} for a in ACTIONS]
    found[1] = {"action": "Support all victims of domestic abuse"}
    assert align_rows(exp, found) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert align_rows(exp, found[:2]) == [(0, 0), (1, 1), (2, None), (3, None)]


def test_word_diff_marks_changes_and_trims_long_unchanged_runs():
    old = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    new = old.replace("seven", "SEVEN") + " fifteen"
    assert word_diff("a b c", "a x c") == "a [-b-] {+x+} c"
    assert word_diff(old, new, context=2) == (
        "… five six [-seven-] {+SEVEN+} eight nine … thirteen fourteen {+fifteen+}")


def test_compare_dicts_ignores_the_source_file_name():
    a = make_report(name="a.pdf").to_dict()
    b = make_report(name="copy of a.pdf").to_dict()
    assert compare_dicts(a, b) == []


# --- check ---------------------------------------------------------------------------------


def _inputs(tmp_path) -> Path:
    folder = tmp_path / "pdfs"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.pdf").write_text("\n".join(ACTIONS), "utf-8")
    (folder / "sub" / "two.pdf").write_text("\n".join(ACTIONS[:2]), "utf-8")
    return folder


def test_check_reports_missing_goldens_without_creating_them(tmp_path):
    folder = _inputs(tmp_path)
    results = check([folder], tmp_path / "golden", recursive=True, extract_fn=fake_extract)
    assert [r.status for r in results] == ["missing", "missing"]
    assert not (tmp_path / "golden").exists()
    assert "run with --update" in format_check(results)


def test_check_update_creates_then_check_passes_then_detects_change(tmp_path):
    folder, golden = _inputs(tmp_path), tmp_path / "golden"
    created = check([folder], golden, update=True, recursive=True, extract_fn=fake_extract)
    assert [r.status for r in created] == ["created", "created"]
    assert sorted(p.relative_to(golden).as_posix() for p in golden.rglob("*")) == [
        "one.csv", "one.json", "sub", "sub/two.csv", "sub/two.json"]
    same = check([folder], golden, recursive=True, extract_fn=fake_extract)
    assert [r.status for r in same] == ["same", "same"]

    (folder / "one.pdf").write_text("\n".join(ACTIONS[:3]), "utf-8")
    changed = check([folder], golden, recursive=True, extract_fn=fake_extract)
    assert [r.status for r in changed] == ["different", "same"]
    text = format_check(changed)
    assert "row 4: missing (in golden, not found): 'Deliver Prevent training" in text
    assert "csv file" in text

    updated = check([folder], golden, update=True, recursive=True, extract_fn=fake_extract)
    assert [r.status for r in updated] == ["updated", "same"]
    assert [r.status for r in check([folder], golden, recursive=True,
                                    extract_fn=fake_extract)] == ["same", "same"]


def test_check_a_file_argument_uses_its_name_and_errors_are_results(tmp_path):
    folder, golden = _inputs(tmp_path), tmp_path / "golden"
    (folder / "bad.pdf").write_text("BAD", "utf-8")
    results = check([folder / "sub" / "two.pdf", folder / "bad.pdf"], golden, update=True,
                    extract_fn=fake_extract)
    assert [(r.input.name, r.status) for r in results] == [("bad.pdf", "error"),
                                                          ("two.pdf", "created")]
    assert (golden / "two.json").exists() and not (golden / "bad.json").exists()
    assert not results[0].passed
    assert "error: " in format_check(results) and "damaged" in results[0].error
