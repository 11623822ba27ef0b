"""--header-aliases FILE / header_aliases=: header labels the package does not know, added by
the user (label,key lines), on a report drawn at test time whose header uses only such labels.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import safecity_extract as sx
from safecity_extract.cli import main
from safecity_extract.errors import DataFileError, HeaderAliasFileError, UnmappedColumns
from safecity_extract.headers import load_header_aliases, map_labels, match_label

sys.path.insert(0, str(Path(__file__).parent))
from drawn import Cell, Spec, draw  # noqa: E402

LABELS = ["Item", "Workstream", "Deliverable", "Accountable Body", "Narrative", "Delivery RAG"]
ROWS = [["1", "Reduce harm", ["Run a night-time", "safety scheme"], ["Hampshire", "Constabulary"],
         ["Patrols began in", "June."], "Green"],
        ["2", "Reduce harm", "Open a youth hub", ["Youth Offending", "Team"], "Site found.",
         "Amber"],
        ["3", "Build trust", "Publish crime data", ["Southampton City", "Council"],
         "Not yet started.", "Red"]]
ALIASES = ("# our council's own column names\n"
           "label,key\n"
           "Workstream,priority\n"
           "Deliverable,action\n"
           "Accountable Body,lead_agency\n"
           "Narrative,update\n"
           "Delivery RAG,status\n"
           "Item,ref\n")
MAPPING = {"Workstream": "priority", "Deliverable": "action", "Accountable Body": "lead_agency",
           "Narrative": "update", "Delivery RAG": "status", "Item": "ref"}


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    cells = [[Cell(c if isinstance(c, list) else [c]) for c in row] for row in ROWS]
    return draw(Spec(LABELS, [40, 80, 110, 90, 130, 60], cells), folder / "plan.pdf")


@pytest.fixture(scope="module")
def aliases(plan: Path) -> Path:
    path = plan.parent / "labels.csv"
    path.write_text(ALIASES, encoding="utf-8")
    return path


def _check_rows(report: sx.Report) -> None:
    assert report.columns == ["priority", "action", "lead_agency", "update", "ref",
                              "status_printed"]
    assert [r.get("action") for r in report.rows] == [
        "Run a night-time safety scheme", "Open a youth hub", "Publish crime data"]
    assert [r.get("ref") for r in report.rows] == ["1", "2", "3"]
    assert [r.status for r in report.rows] == ["Green", "Amber", "Red"]
    assert report.status_column == "status_printed"
    assert report.rows[0].lead_agencies == ["Hampshire Constabulary"]


# --- the library --------------------------------------------------------------------------


def test_without_the_labels_the_table_cannot_be_mapped(plan: Path) -> None:
    with pytest.raises(UnmappedColumns, match="saw header labels 'Item', 'Workstream'"):
        sx.extract(plan)


def test_extract_takes_a_path_or_a_mapping(plan: Path, aliases: Path) -> None:
    by_file = sx.extract(plan, header_aliases=aliases)
    _check_rows(by_file)
    by_name = sx.extract(plan, header_aliases=str(aliases))
    by_mapping = sx.extract(plan, header_aliases=MAPPING)
    assert by_file.to_json() == by_name.to_json() == by_mapping.to_json()
    options = sx.Options.of(header_aliases=MAPPING)
    assert sx.extract(plan, options=options).to_json() == by_file.to_json()
    with pytest.raises(TypeError, match="not both"):
        sx.extract(plan, options=options, header_aliases=MAPPING)


def test_the_users_label_wins_over_the_shipped_one() -> None:
    # "Objective" is a shipped Priority label; a user who prints it over actions says so.
    user = load_header_aliases({"Objective": "action", "Position (Q3 2020)": "update"})
    assert match_label("Objective", 80.0).field == "priority"
    assert match_label("Objective", 80.0, user=user).field == "action"
    # normalised as shipped labels are: bracketed notes and dates dropped
    assert match_label("Position", 80.0, user=user).field == "update"
    assert map_labels(["Objective", "Lead", "Theme"], 80.0, user) == [
        "action", "lead_agency", "priority"]


def test_a_key_that_is_not_a_field_names_the_extra_column() -> None:
    user = load_header_aliases({"No.": "ref", "Delivery RAG": "status"})
    assert map_labels(["No.", "Action", "Delivery RAG"], 80.0, user) == [
        "ref", "action", "status_printed"]


@pytest.mark.parametrize("mapping, message", [
    ({"Owner": "row"}, "entry 1: key 'row' is one of a row's own keys"),
    ({"Owner": "Lead Agency"}, "entry 1: key 'Lead Agency' must be one of priority, action"),
    ({"(2019)": "update"}, "entry 1: label '(2019)' has no words"),
])
def test_a_bad_mapping_is_a_value_error(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_header_aliases(mapping)


@pytest.mark.parametrize("text, message", [
    ("Workstream,priority\n", "line 1: the first line must be the header label,key, not "
                              "'Workstream,priority'"),
    ("# only a comment\n", "line 1: the first line must be the header label,key"),
    ("label,key\n", "line 1: no labels listed after the header"),
    ("label,key\nWorkstream,priority,extra\n", "line 2: expected 2 columns (label,key), found 3"),
    ("label,key\nWorkstream,theme area\n", "line 2: key 'theme area' must be one of"),
    ("label,key\nWorkstream,flags\n", "line 2: key 'flags' is one of a row's own keys"),
    ("label,key\nWorkstream,priority\n\nWork stream,action\nWORKSTREAM,action\n",
     "line 5: label 'WORKSTREAM' maps to 'action' here but to 'priority' on line 2"),
    ("label,key\nWorkstream," + "x" * 3000 + "\n", "line 2: line is 3,011 characters long"),
])
def test_a_bad_file_names_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HeaderAliasFileError) as caught:
        load_header_aliases(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_a_file_not_utf8_too_large_or_not_regular_is_refused(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("label,key\nR\xe9f,ref\n".encode("latin-1"))
    with pytest.raises(HeaderAliasFileError, match="line 2: not UTF-8 text"):
        load_header_aliases(latin)
    big = tmp_path / "big.csv"
    big.write_text("label,key\n" + "Workstream,priority\n" * 60_000, encoding="utf-8")
    with pytest.raises(DataFileError, match="header aliases file is larger than 1 MiB"):
        load_header_aliases(big)
    with pytest.raises(DataFileError, match="header aliases file is a folder, not a file"):
        load_header_aliases(tmp_path)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        with pytest.raises(DataFileError, match="is a FIFO"):
            load_header_aliases(fifo)


# --- the command line ---------------------------------------------------------------------


def run(*args: object) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_extract_to_stdout_and_through_batch_workers(plan: Path, aliases: Path,
                                                     tmp_path: Path) -> None:
    result = run("extract", plan, "-o", "-", "--header-aliases", aliases)
    assert result.exit_code == 0, result.stderr
    _check_rows(_report_of(result.output))
    result = run("extract", plan, plan.parent, "--out", tmp_path / "out", "--workers", "1",
                 "-q", "--format", "json", "--header-aliases", aliases)
    assert result.exit_code == 0, result.stderr
    written = json.loads((tmp_path / "out" / "plan.json").read_text("utf-8"))
    assert [r["status"] for r in written["rows"]] == ["Green", "Amber", "Red"]


def _report_of(text: str) -> sx.Report:
    from safecity_extract.writers import report_from_dict

    return report_from_dict(json.loads(text))


def test_every_command_reading_a_report_takes_it(plan: Path, aliases: Path,
                                                 tmp_path: Path) -> None:
    summary = run("summary", plan, "--format", "csv", "--header-aliases", aliases)
    assert summary.exit_code == 0, summary.stderr
    assert f"{plan.as_posix()},status,Amber,1" in summary.output
    diff = run("diff", plan, plan, "--format", "json", "--header-aliases", aliases)
    assert diff.exit_code == 0, diff.stderr
    assert len(json.loads(diff.output)["unchanged"]) == 3
    review = run("review", plan, "--out", tmp_path / "r.html", "--header-aliases", aliases)
    assert review.exit_code == 0, review.stderr
    assert "Open a youth hub" in (tmp_path / "r.html").read_text("utf-8")
    inspect = run("inspect", plan, "--out", tmp_path / "png", "--header-aliases", aliases)
    assert inspect.exit_code == 0, inspect.stderr
    golden = tmp_path / "golden"
    golden.mkdir()
    update = run("check", plan, "--golden", golden, "--update", "--header-aliases", aliases)
    assert update.exit_code == 0, update.output
    check = run("check", plan, "--golden", golden, "--header-aliases", aliases)
    assert check.exit_code == 0, check.output
    without = run("check", plan, "--golden", golden)
    assert without.exit_code == 1 and "cannot be mapped" in without.output + without.stderr


def test_commands_with_agencies_have_header_aliases() -> None:
    import click

    missing = []
    for name, cmd in main.commands.items():
        if isinstance(cmd, click.Group):
            continue  # agencies list|match read no header
        opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
        if "--agencies" in opts and "--header-aliases" not in opts:
            missing.append(name)
    assert not missing


def test_a_bad_file_is_one_usage_line(plan: Path, tmp_path: Path) -> None:
    bad = tmp_path / "labels.csv"
    bad.write_text("label,key\nWorkstream,priority\nDeliverable\n", encoding="utf-8")
    result = run("extract", plan, "-o", "-", "--header-aliases", bad)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--header-aliases': {bad}: line 3: expected 2 columns "
        "(label,key), found 1")
    assert "Traceback" not in result.stderr
    result = run("summary", plan, "--header-aliases", "/dev/zero")
    assert result.exit_code == 2 and result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--header-aliases': /dev/zero: header aliases file is a "
        "character device, not a file")


# --- the README example ---------------------------------------------------------------------


def _readme_section() -> str:
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    start = readme.index("### Your own header labels")
    return readme[start:readme.index("\n### ", start + 1)]


def test_the_readme_example_is_real_output(plan: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import shlex

    first, bad = re.findall(r"```console\n(.*?)```", _readme_section(), flags=re.S)
    steps = re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", first, flags=re.M)
    assert [cmd.split()[:2] for cmd, _ in steps] == [
        ["safecity-extract", "extract"], ["cat", "labels.csv"], ["safecity-extract", "extract"]]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.pdf").write_bytes(plan.read_bytes())
    (tmp_path / "labels.csv").write_text(steps[1][1], encoding="utf-8")
    assert steps[1][1] == ALIASES
    for cmd, shown in (steps[0], steps[2]):
        result = CliRunner().invoke(main, shlex.split(cmd)[1:])
        assert result.output == shown, cmd
    (cmd, shown), = re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", bad, flags=re.M)
    (tmp_path / "labels.csv").write_text("label,key\nDeliverable,action\nWorkstream,theme area\n",
                                         encoding="utf-8")
    result = CliRunner().invoke(main, shlex.split(cmd)[1:])
    assert result.exit_code == 2 and result.stderr.splitlines()[-1] == shown.strip()
