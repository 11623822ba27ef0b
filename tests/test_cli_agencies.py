"""`safecity-extract agencies list|match`: output lines, exit codes, bad files, the docs example."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from safecity_extract.cli import main

DOCS = Path(__file__).parent.parent / "docs" / "agencies.md"


def run(*args: str):
    return CliRunner().invoke(main, ["agencies", *args])


def test_list_prints_every_canonical_name_with_its_aliases() -> None:
    result = run("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 14
    assert lines[0].startswith("Hampshire Constabulary\tHampshire Police; Hants Constabulary; ")
    assert "Southampton City Council\tCity Council; Southampton CC; SCC" in lines
    assert lines[-1] == "All\tAll partners; All agencies"


def test_match_prints_one_tab_separated_line_per_text() -> None:
    result = run("match", "Southampton City Council/\nHampshire Constabulary",
                 "Hampshire Fore and Rescue", "Portsmouth City Council")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Southampton City Council/ Hampshire Constabulary\t"
        "Hampshire Constabulary; Southampton City Council\texact\t100.0",
        "Hampshire Fore and Rescue\tHampshire Fire and Rescue Service\tfuzzy\t96.0",
        "Portsmouth City Council\t\tunmatched\t51.1",
    ]


def test_match_shows_the_weakest_part_of_a_cell() -> None:
    result = run("match", "SCC / Hampshire Fore and Rescue", "SCC / Dorset Police")
    fields = [line.split("\t") for line in result.output.splitlines()]
    assert fields[0][1:3] == ["Hampshire Fire and Rescue Service; Southampton City Council",
                              "fuzzy"]
    assert fields[1][1:3] == ["Southampton City Council", "unmatched"]


def test_strict_fails_only_when_a_part_is_unmatched() -> None:
    assert run("match", "--strict", "SCC", "Hampshire Fore and Rescue").exit_code == 0
    assert run("match", "--strict", "SCC", "SCC / Dorset Police").exit_code == 1
    assert run("match", "--strict", "").exit_code == 1
    assert run("match", "SCC / Dorset Police").exit_code == 0


def test_match_needs_a_text() -> None:
    assert run("match").exit_code == 2


def test_another_agencies_file(tmp_path: Path) -> None:
    path = tmp_path / "portsmouth.csv"
    path.write_text("canonical,alias,kind\nPortsmouth City Council,PCC,abbreviation\n",
                    encoding="utf-8")
    result = run("match", "--agencies", str(path), "PCC", "SCC")
    assert result.output.splitlines() == [
        "PCC\tPortsmouth City Council\tabbreviation\t100.0",
        "SCC\t\tunmatched\t0.0",
    ]
    assert run("list", "--agencies", str(path)).output == "Portsmouth City Council\tPCC\n"


def test_bad_agencies_file_is_a_usage_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("canonical,alias,kind\nA,B,name\nA,C,nickname\n", encoding="utf-8")
    for args in (["list"], ["match", "SCC"]):
        result = run(*args, "--agencies", str(path))
        assert result.exit_code == 2
        assert f"{path}: line 3: unknown kind 'nickname'" in result.output


def test_missing_agencies_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("list", "--agencies", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_docs_example_is_the_real_output() -> None:
    block = re.search(r"```console\n\$ safecity-extract (agencies match .*?)\n(.*?)```",
                      DOCS.read_text(encoding="utf-8"), re.S)
    assert block, "docs/agencies.md lost its agencies match example"
    args = shlex.split(block.group(1))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert result.output == block.group(2)
