"""A batch killed with SIGKILL part-way leaves only complete outputs, never half a file.

The writers write each output to a temporary name beside it and rename it into place; this
test kills the real command while it writes and checks what is left on disk.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from safecity_extract import extract
from safecity_extract.model import validate

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "word_grid_a4.pdf"
COPIES = 12
COMMAND = [sys.executable, "-c", "from safecity_extract.cli import main; main()"]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL and process groups")


@pytest.fixture(scope="module")
def expected_rows() -> int:
    return len(extract(SAMPLE).rows)


def _tree(root: Path) -> Path:
    for n in range(COPIES):
        folder = root / f"year{n % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE, folder / f"report_{n:02d}.pdf")
    return root


def _outputs(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file()] if out.exists() else []


def _start(tree: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(COMMAND + ["extract", str(tree), "-r", "--out", str(out),
                                       "--workers", "2", "-q", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _kill_when(proc: subprocess.Popen, out: Path, outputs: int, timeout: float = 120) -> None:
    """SIGKILL the whole process group as soon as ``outputs`` final files exist."""
    deadline = time.monotonic() + timeout
    try:
        while sum(p.suffix in (".json", ".csv") for p in _outputs(out)) < outputs:
            if proc.poll() is not None:
                pytest.fail(f"the batch ended before it could be killed: "
                            f"{proc.stderr.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail("no outputs appeared in time")
            time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()


def _check_complete(out: Path, expected_rows: int) -> list[Path]:
    """Every .json/.csv present parses, validates and holds every row; returns them."""
    finals = []
    for path in _outputs(out):
        if path.suffix == ".json":
            data = json.loads(path.read_text("utf-8"))
            validate(data)
            assert len(data["rows"]) == expected_rows, path
        elif path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            assert len(frame) == expected_rows, path
            assert list(frame.columns[:2]) == ["row", "priority"], path
        else:
            # a temporary file caught mid-write: it must not pass for an output
            assert not path.name.endswith((".json", ".csv")), path
            continue
        finals.append(path)
    return finals


@pytest.mark.parametrize("after", [1, 7])
def test_sigkill_mid_batch_leaves_only_complete_outputs(tmp_path, expected_rows, after):
    tree, out = _tree(tmp_path / "in"), tmp_path / "out"
    _kill_when(_start(tree, out), out, after)
    finals = _check_complete(out, expected_rows)
    assert after <= len(finals) < 2 * COPIES


def test_rerun_after_a_kill_finishes_the_batch(tmp_path, expected_rows):
    tree, out = _tree(tmp_path / "in"), tmp_path / "out"
    _kill_when(_start(tree, out), out, 4)
    rerun = _start(tree, out, "--skip-existing")
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    finals = _check_complete(out, expected_rows)
    assert len(finals) == 2 * COPIES
    leftovers = [p.name for p in _outputs(out) if p not in finals]
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers)
