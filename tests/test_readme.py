"""The README documents every command and opens with the two commands that work."""
import re
from pathlib import Path

import click

from safecity_extract.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        names.append(full)
        if isinstance(cmd, click.Group):
            names += _commands(cmd, full + " ")
    return names


def test_every_command_is_in_the_readme():
    missing = [c for c in _commands(main) if f"safecity-extract {c}" not in README
               and not (" " in c and c.split(" ")[1] in README)]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_opens_with_install_run_and_test_commands():
    blocks = re.findall(r"^    (\S.*)$", README.split("---")[0], flags=re.M)
    assert len(blocks) == 2
    assert "pip install" in blocks[0] and "safecity-extract extract samples/" in blocks[0]
    assert "pip install" in blocks[1] and "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text("utf-8")
    assert "pip install -q '.[test]'" in ci and "-m pytest -q" in ci
