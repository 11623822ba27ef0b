"""Comparing reports (diff.py): pairing calibrated on measured cases, added / dropped /
changed on hand-made Report pairs and on real sample pairs, the timeline, the CLI forms."""
from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import safecity_extract as sx
from safecity_extract.cli import main
from safecity_extract.diff import (PAIR_THRESHOLD, action_similarity, diff_records,
                                   pair_actions, timeline)
from safecity_extract.model import Report, Row, Source
from tests.expected import load_source_rows

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
SAMPLES = ROOT / "samples"


def _cases() -> list[dict[str, str]]:
    with open(ROOT / "tests" / "data" / "action_pair_cases.csv", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


CASES = _cases()


# --- the threshold, on measured cases --------------------------------------------------------


def test_cases_cover_both_sides():
    assert sum(c["expected"] == "pair" for c in CASES) >= 20
    assert sum(c["expected"] == "distinct" for c in CASES) >= 14


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_threshold_separates_measured_cases(case):
    score = action_similarity(case["old"], case["new"])  # recomputed, not read
    assert score == pytest.approx(float(case["score"]), abs=0.05)
    assert (score >= PAIR_THRESHOLD) == (case["expected"] == "pair"), case["why"]


def test_distinct_actions_of_the_real_report_never_pair():
    actions = [r["action"] for r in load_source_rows()]
    worst = max(action_similarity(a, b) for a, b in itertools.combinations(actions, 2))
    assert worst < PAIR_THRESHOLD - 20


def test_pairing_is_one_to_one_best_first():
    old = ["Deliver Prevent training to schools", "Tackle anti-social behaviour in parks"]
    new = ["Tackle anti-social behaviour in parks", "Deliver Prevent training to schools",
           "Deliver Prevent training to all schools"]
    # the exact copy wins over the reworded one, which is left unpaired (an added action)
    assert pair_actions(old, new) == [(1, 0, 100.0), (0, 1, 100.0)]


# --- hand-made Report pairs ------------------------------------------------------------------


def _report(rows: list[tuple[str, str, list[str], str | None, str]], name: str = "r.pdf",
            period: str | None = None) -> Report:
    return Report(Source(name, "a" * 64, 1, path=f"{name}"), "T",
                  ["priority", "action", "lead_agency", "update"],
                  [Row(i + 1, {"priority": p, "action": a, "lead_agency": "; ".join(leads),
                               "update": u}, lead_agencies=leads, status=status)
                   for i, (p, a, leads, status, u) in enumerate(rows)], period=period)


OLD = _report([
    ("Violence", "Reduce violent crime in the night-time economy", ["Hampshire Constabulary"],
     "Amber", "Patrols on Friday nights."),
    ("Violence", "Deliver Prevent training to schools", ["Prevent Working Group"], "Green",
     "Training given to 20 schools."),
    ("Abuse", "Support victims of domestic abuse", ["Southampton City Council"], "Red",
     "Refuge places under review."),
], "2019.pdf", "December 2019")
NEW = _report([
    ("Violence", "Reduce violent crime in the night time economy", ["Hampshire Constabulary",
                                                                     "Southampton City Council"],
     "Green", "Patrols on Friday and Saturday nights."),
    ("Violence", "Deliver Prevent training to schools", ["Prevent Working Group"], "Green",
     "Training given to 20 schools."),
    ("Abuse", "Support victims of hate crime", ["Hampshire Constabulary"], None, "New action."),
], "2020.pdf", "December 2020")


def test_hand_made_pair_added_dropped_changed():
    d = sx.diff_reports(OLD, NEW)
    assert [r["action"] for r in d.added] == ["Support victims of hate crime"]
    assert [r["action"] for r in d.dropped] == ["Support victims of domestic abuse"]
    assert [c.action for c in d.unchanged] == ["Deliver Prevent training to schools"]
    (c,) = d.changed
    assert c.old_action == "Reduce violent crime in the night-time economy"
    assert c.fields == ["action", "lead_agency", "lead_agencies", "status", "update"]
    assert c.score >= PAIR_THRESHOLD
    by = {ch.field: ch for ch in c.changes}
    assert (by["status"].old, by["status"].new) == ("Amber", "Green")
    assert by["update"].words == "Patrols on Friday {+and Saturday+} nights."


def test_json_has_added_dropped_changed_naming_actions():
    data = json.loads(sx.diff.render(sx.diff_reports(OLD, NEW), "json"))
    assert {"added", "dropped", "changed"} <= set(data)
    assert data["changed"][0]["action"] == "Reduce violent crime in the night time economy"
    assert data["changed"][0]["fields"][0] == "action"
    assert data["old"]["period"] == "December 2019"


def test_csv_records_one_line_per_change():
    recs = diff_records(sx.diff_reports(OLD, NEW))
    assert [r["change"] for r in recs] == ["added", "dropped", "changed"]
    assert recs[2]["old_status"] == "Amber" and recs[2]["new_status"] == "Green"


def test_timeline_follows_an_action_across_three_reports():
    third = _report([("Violence", "Reduce violent crime in the night time economy",
                      ["Hampshire Constabulary"], "Complete", "Done.")], "2021.pdf",
                    "December 2021")
    tl = timeline([OLD, NEW, third])
    assert tl.labels == ("December 2019", "December 2020", "December 2021")
    first = tl.records()[0]
    assert [first[f"{p} status"] for p in tl.labels] == ["Amber", "Green", "Complete"]
    assert len(tl.actions) == 4  # 3 from 2019, hate crime added in 2020
    added = tl.records()[3]
    assert added["action"] == "Support victims of hate crime"
    assert added["December 2019 row"] == "" and added["December 2020 row"] == 3


def test_timeline_of_reports_recording_the_same_path_keeps_each_ones_columns():
    # `extract report.pdf -o -` in three year folders: three JSONs whose path is report.pdf
    years = [_report([("Violence", "Reduce violent crime in the night-time economy",
                       ["Hampshire Constabulary"], status, "Patrols.")], "report.pdf")
             for status in ("Red", "Amber", "Green")]
    tl = timeline(years)
    assert tl.labels == ("report.pdf", "report.pdf (2)", "report.pdf (3)")
    assert len(set(tl.columns())) == len(tl.columns()) == 10
    (line,) = tl.records()
    assert [line[f"{p} status"] for p in tl.labels] == ["Red", "Amber", "Green"]
    for y in years:
        y.source = Source("report.pdf", "a" * 64, 1, path="reports/annual/safe-city/report.pdf")
    head = sx.diff.format_timeline(timeline(years)).splitlines()[0]
    assert "/report.pdf (2)" in head and "/report.pdf (3)" in head  # the ends are kept


def test_unique_labels_never_collide():
    from safecity_extract.diff import unique_labels

    assert unique_labels(["a", "b", "a", "a"]) == ("a", "b", "a (2)", "a (3)")
    assert unique_labels(["a", "a (2)", "a"]) == ("a (1)", "a (2) (2)", "a (3)")


# --- real pairs from samples/ ----------------------------------------------------------------


def test_sample_pair_differs_in_leads_and_status_only():
    d = sx.diff_reports(GOLDEN / "word_grid_a4.json", GOLDEN / "word_landscape_combined.json")
    assert not d.added and not d.dropped
    assert len(d.changed) == 22
    assert all(c.score == 100.0 for c in d.changed)
    assert all(set(c.fields) <= {"lead_agency", "status"} for c in d.changed)
    leads = [c for c in d.changed if "lead_agency" in c.fields]
    assert len(leads) == 10  # All partners, Hants, National Probation Service, YOS ...
    assert all("lead_agencies" not in c.fields for c in leads)  # same canonical names


def test_sample_pair_with_a_reworded_and_a_removed_action(tmp_path):
    data = json.loads((GOLDEN / "word_rag_narrative.json").read_text("utf-8"))
    data["rows"][4]["action"] = (
        "Work collaboratively with the National Probation Service to reduce reoffending by "
        "improving outcomes for offenders through timely access to substance misuse and mental "
        "health services, employment training, family support and accommodation.")
    del data["rows"][9]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), "utf-8")
    d = sx.diff_reports(GOLDEN / "word_rag_narrative.json", edited)
    assert [r["row"] for r in d.dropped] == [10] and not d.added
    (c,) = d.changed
    assert c.fields == ["action"] and c.old_row == 5


def test_cli_diff_pdf_against_json_text_json_and_csv(tmp_path):
    runner = CliRunner()
    args = ["diff", str(GOLDEN / "word_grid_a4.json"), str(SAMPLES / "word_landscape_combined.pdf")]
    text = runner.invoke(main, args)
    assert text.exit_code == 0, text.output
    assert text.output.startswith("word_grid_a4.pdf -> word_landscape_combined.pdf: 22 paired")
    as_json = runner.invoke(main, [*args, "--format", "JSON"])
    assert len(json.loads(as_json.output)["changed"]) == 22
    out = tmp_path / "d.csv"
    assert runner.invoke(main, [*args, "--format", "csv", "--out", str(out)]).exit_code == 0
    assert out.read_text("utf-8").startswith("change,action,old_action")


def test_cli_diff_three_reports_is_a_timeline():
    res = CliRunner().invoke(main, ["diff", *(str(GOLDEN / f"{n}.json") for n in
                                              ("word_grid_a4", "word_rag_narrative",
                                               "word_landscape_combined"))])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("action") and len(lines) == 23


def test_cli_diff_needs_two_reports():
    res = CliRunner().invoke(main, ["diff", str(GOLDEN / "word_grid_a4.json")])
    assert res.exit_code == 2
