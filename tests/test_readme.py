"""The README documents every command and opens with the two commands that work."""
import re
from pathlib import Path

import click
import pytest

from safecity_extract.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
DOCS = README + "".join(p.read_text("utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


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


def _all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, cmd in group.commands.items():
        found.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            found += _all_commands(cmd, prefix + name + " ")
    return found


_OPTIONS = [(name, opt) for name, cmd in _all_commands(main) for p in cmd.params
            if isinstance(p, click.Option)
            for opt in [next((o for o in p.opts + p.secondary_opts if o.startswith("--")), None)]
            if opt and opt != "--help"]


@pytest.mark.parametrize("command, option", _OPTIONS, ids=[f"{c} {o}" for c, o in _OPTIONS])
def test_every_option_is_in_the_readme_or_docs(command, option):
    assert re.search(re.escape(option) + r"(?![\w-])", DOCS), (
        f"{command} {option} is not mentioned in README.md or docs/")


def test_every_command_is_in_the_readme_or_docs_with_its_name():
    missing = [c for c, _ in _all_commands(main) if f"safecity-extract {c}" not in DOCS
               and not (" " in c and c.split(" ")[1] in DOCS)]
    assert not missing


def _python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOCS, flags=re.M | re.S)


def test_library_calls_in_the_docs_use_keywords_the_functions_take():
    """A keyword that goes from a library function must go from the docs too (docs/dask.md
    once passed ``combined=`` to run_batch, which only ``Outputs.of`` takes)."""
    import ast
    import inspect

    import safecity_extract as sx
    from safecity_extract.batch import Outputs, executor_for
    from safecity_extract.workers import Bounds

    known = {"run_batch": sx.run_batch, "check": sx.check, "extract": sx.extract,
             "executor_for": executor_for, "of": Outputs.of, "Bounds": Bounds,
             "Options": sx.Options, "review": sx.review, "find_tables": sx.find_tables}
    seen, wrong = set(), []
    for block in _python_blocks():
        try:
            tree = ast.parse(block)
        except SyntaxError:
            continue  # a fragment with "..." in it
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in known:
                continue
            seen.add(name)
            taken = inspect.signature(known[name]).parameters
            wrong += [f"{name}({kw.arg}=)" for kw in node.keywords
                      if kw.arg is not None and kw.arg not in taken]
    assert {"run_batch", "executor_for", "of"} <= seen
    assert not wrong, f"the docs pass keywords these functions do not take: {wrong}"


def test_every_error_class_is_in_docs_errors_md():
    import importlib
    import pkgutil

    import safecity_extract
    from safecity_extract.errors import SafecityError

    for info in pkgutil.iter_modules(safecity_extract.__path__):
        try:
            importlib.import_module(f"safecity_extract.{info.name}")
        except ImportError:  # an optional extra (ocr, dask) that is not installed
            pass

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in [sub, *subclasses(sub)]]

    errors_md = (ROOT / "docs" / "errors.md").read_text("utf-8")
    internal = {"WorkerError", "DamagedPage"}  # a carrier of other messages; a page warning
    missing = sorted({c.__name__ for c in subclasses(SafecityError)
                      if c.__module__.startswith("safecity_extract")} - internal
                     - {n for n in errors_md.split("`")})
    assert not missing, f"errors missing from docs/errors.md: {missing}"


def test_every_row_flag_is_in_the_readme_and_the_schema():
    import json

    from safecity_extract import model

    flags = {v for k, v in vars(model).items() if k.startswith("FLAG_") and isinstance(v, str)}
    listed = README[README.index("- Flags:"):README.index("- `boxes`:")]
    schema = json.loads((ROOT / "safecity_extract" / "data" / "report.schema.json").read_text())
    enum = schema["$defs"]["row"]["properties"]["flags"]["items"]["enum"]
    assert {f for f in flags if f"`{f}`" not in listed} == set()
    assert set(enum) == flags
