"""bench/run.py --quick and bench/ocr.py --quick run end to end on a tiny input and write
every section (to the --out file, never bench/RESULTS.md).

No timing is asserted: numbers belong in bench/RESULTS.md, not in tests.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("## Speed, memory and workers", "### Targets", "### Speed", "### Memory",
            "### Workers", "### Profile")


def _quick(script: str, out: Path, work: Path) -> subprocess.CompletedProcess[str]:
    """bench/SCRIPT --quick, writing its section to ``out``; it must exit 0."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--quick", "--out", str(out),
         "--work", str(work)],
        capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


@pytest.mark.skipif(not (ROOT / "samples" / "word_grid_a4.pdf").exists(),
                    reason="samples not built")
def test_quick_bench_prints_and_writes_every_section(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = _quick("run.py", out, tmp_path / "work")
    written = out.read_text(encoding="utf-8")
    for heading in SECTIONS:
        assert heading in proc.stdout
        assert heading in written
    assert "pdfplumber" in written and "cpus:" in written
    assert (tmp_path / "work" / "long_2p.pdf").exists()
    assert len(list((tmp_path / "work" / "batch").glob("*.pdf"))) == 2


OCR_SECTIONS = ("## Scanned reports (OCR)", "### Targets", "### By resolution", "### By scan",
                "### Word confidence: right and wrong words")


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")
def test_quick_ocr_bench_prints_figures_and_writes_only_its_out_file(tmp_path: Path) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    before = results.read_bytes()
    out = tmp_path / "RESULTS.md"
    out.write_text("# Benchmark results\n\n## Other section\n\nkept\n", encoding="utf-8")
    proc = _quick("ocr.py", out, tmp_path / "work")
    written = out.read_text(encoding="utf-8")
    assert written.startswith("# Benchmark results\n\n## Other section\n\nkept\n")
    for heading in OCR_SECTIONS:
        assert heading in proc.stdout and heading in written
    # rows found, aligned, cells similar, char accuracy, leads exact: figures, not blanks
    figures = re.compile(r"\| word_grid_a4_150dpi_p1\.pdf [^|]*\| (\d+)/(\d+) \| \d+ \| "
                         r"\d+/\d+ \(\d+\.\d%\) \| \d+/\d+ \(\d+\.\d%\) \| \d+/\d+ \(\d+\.\d%\)"
                         r" \|.*\| (\d+\.\d\d) \| (\d+\.\d\d) \|")
    found = figures.search(written)
    assert found and figures.search(proc.stdout), written
    assert int(found[1]) > 0 and float(found[3]) > 0  # rows read, seconds per page measured
    assert "| 150 (b/w, committed) | " in written
    assert results.read_bytes() == before


def test_quick_ocr_bench_refuses_to_write_the_committed_results(tmp_path: Path) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    before = results.read_bytes()
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "ocr.py"), "--quick",
                           "--work", str(tmp_path / "work")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "give --out FILE or --no-write" in proc.stderr
    assert results.read_bytes() == before
