"""bench/run.py --quick runs end to end on a tiny input and writes every section.

No timing is asserted: numbers belong in bench/RESULTS.md, not in tests.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("## Speed, memory and workers", "### Targets", "### Speed", "### Memory",
            "### Workers", "### Profile")


@pytest.mark.skipif(not (ROOT / "samples" / "word_grid_a4.pdf").exists(),
                    reason="samples not built")
def test_quick_bench_prints_and_writes_every_section(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out),
         "--work", str(tmp_path / "work")],
        capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    written = out.read_text(encoding="utf-8")
    for heading in SECTIONS:
        assert heading in proc.stdout
        assert heading in written
    assert "pdfplumber" in written and "cpus:" in written
    assert (tmp_path / "work" / "long_2p.pdf").exists()
    assert len(list((tmp_path / "work" / "batch").glob("*.pdf"))) == 2
