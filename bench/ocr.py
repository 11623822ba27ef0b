"""Scanned reports: accuracy against the truth and seconds per scanned page, by resolution.

Usage::

    python bench/ocr.py                       # the samples below at 150, 200 and 300 dpi
    python bench/ocr.py --dpi 200 --samples word_grid_a4.pdf --no-write

Scans are built in ``bench/work/scans/`` with ``samples/scans/build.py`` (greyscale, turned
+-0.5 degrees page by page, grain, JPEG), read with ``extract()`` (``ocr="auto"``) in this
process, and scored against the sample's own rows (``tests/expected.py``): rows found, cells
of priority / action / lead agency / update within 97% text similarity (rapidfuzz ratio) of
the truth, rows whose canonical lead agencies are exactly the truth's. Time per page is CPU
time of this process and of its Tesseract children (steadier than wall time on a shared
machine), wall time beside it. Writes the "## Scanned reports (OCR)" section of RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "samples" / "scans")]

from build import build_scan, scan_name  # noqa: E402  (samples/scans/build.py)
from expected import expected_rows  # noqa: E402

HEADING = "## Scanned reports (OCR)"
SAMPLES = ("word_grid_a4.pdf", "word_hrules_only.pdf", "word_landscape_norepeat.pdf")
DPIS = (150, 200, 300)
FIELDS = ("priority", "action", "lead_agency", "update")
SIMILAR = 97.0
TARGETS = {"cells": 0.90, "leads": 0.95}


@dataclass(frozen=True)
class Score:
    sample: str
    dpi: int
    pages: int
    rows: int
    truth_rows: int
    aligned: int        # rows whose Action matches the truth row at the same place (>= 90)
    cells_ok: int
    cells: int
    leads_ok: int
    cpu: float
    wall: float
    worst: tuple[str, ...]  # a few cells below the similarity bar, for the notes


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def score(sample: str, dpi: int, scan: Path) -> Score:
    import safecity_extract as sx
    from rapidfuzz import fuzz

    from safecity_extract.agencies import lead_names, match_agencies

    cpu0, wall0 = _cpu(), time.monotonic()
    report = sx.extract(scan)
    cpu, wall = _cpu() - cpu0, time.monotonic() - wall0
    truth = expected_rows(sample)
    cells_ok = leads_ok = aligned = 0
    worst: list[str] = []
    for row, want in zip(report.rows, truth):
        aligned += fuzz.ratio(row.get("action"), want["action"]) >= 90
        for f in FIELDS:
            sim = fuzz.ratio(row.get(f), want[f])
            cells_ok += sim >= SIMILAR
            if sim < SIMILAR and len(worst) < 3:
                worst.append(f"row {row.row} {f} {sim:.1f}: {row.get(f)[:60]!r}")
        leads_ok += sorted(row.lead_agencies) == sorted(
            lead_names(match_agencies(want["lead_agency"])))
    return Score(sample, dpi, report.source.pages, len(report.rows), len(truth), aligned,
                 cells_ok, len(truth) * len(FIELDS), leads_ok, cpu, wall, tuple(worst))


def table(scores: Sequence[Score]) -> list[str]:
    lines = ["| scan | rows found | aligned with truth | cells >= 97% similar | "
             "lead agencies exact | s/page CPU | s/page wall |",
             "|---|---|---|---|---|---|---|"]
    for s in scores:
        lines.append(
            f"| {scan_name(s.sample, s.dpi)} | {s.rows}/{s.truth_rows} | {s.aligned} | "
            f"{s.cells_ok}/{s.cells} ({100 * s.cells_ok / s.cells:.1f}%) | "
            f"{s.leads_ok}/{s.truth_rows} ({100 * s.leads_ok / s.truth_rows:.1f}%) | "
            f"{s.cpu / s.pages:.2f} | {s.wall / s.pages:.2f} |")
    return lines


def per_dpi(scores: Sequence[Score]) -> list[str]:
    lines = ["| dpi | documents with every row and no phantom | cells >= 97% similar | "
             "lead agencies exact | s/page CPU | s/page wall |", "|---|---|---|---|---|---|"]
    for dpi in sorted({s.dpi for s in scores}):
        group = [s for s in scores if s.dpi == dpi]
        whole = sum(s.rows == s.truth_rows == s.aligned for s in group)
        cells = sum(s.cells_ok for s in group) / sum(s.cells for s in group)
        leads = sum(s.leads_ok for s in group) / sum(s.truth_rows for s in group)
        pages = sum(s.pages for s in group)
        lines.append(f"| {dpi} | {whole}/{len(group)} | {100 * cells:.1f}% | "
                     f"{100 * leads:.1f}% | {sum(s.cpu for s in group) / pages:.2f} | "
                     f"{sum(s.wall for s in group) / pages:.2f} |")
    return lines


def section(scores: Sequence[Score]) -> str:
    import pytesseract

    from safecity_extract.settings import Settings

    all_rows = all(s.rows == s.truth_rows == s.aligned for s in scores)
    cells = sum(s.cells_ok for s in scores) / sum(s.cells for s in scores)
    leads = sum(s.leads_ok for s in scores) / sum(s.truth_rows for s in scores)
    met = {"rows": all_rows, "cells": cells >= TARGETS["cells"],
           "leads": leads >= TARGETS["leads"]}
    lines = [HEADING, "",
             "Scans of the samples built by `samples/scans/build.py` (greyscale, each page turned "
             "+0.5 / -0.5 degrees in turn, blur and grain, JPEG quality 30), read by "
             f"`extract()` with `ocr=\"auto\"` (pages rendered at {Settings().ocr_dpi} dpi for "
             f"Tesseract {pytesseract.get_tesseract_version()}, one thread). Produced by "
             "`python bench/ocr.py`. Time per page: CPU seconds of the extractor and its "
             "Tesseract processes over the pages, wall seconds beside it "
             f"(load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, "
             f"{platform.processor() or platform.machine()}).", "",
             "### Targets", "",
             f"- every row found, no phantom rows (22/22 per document): "
             f"{'met' if met['rows'] else 'NOT met'}",
             f"- >= 90% of priority/action/lead/update cells within 97% similarity: "
             f"{100 * cells:.1f}% ({'met' if met['cells'] else 'NOT met'})",
             f"- >= 95% of rows with exactly the right canonical lead agencies: "
             f"{100 * leads:.1f}% ({'met' if met['leads'] else 'NOT met'})", "",
             "### By resolution", ""]
    lines += per_dpi(scores)
    lines += ["", "### By scan", ""]
    lines += table(scores)
    notes = [w for s in scores for w in s.worst]
    if notes:
        lines += ["", "Cells below 97% (first few per scan): the text is Tesseract's as read.", ""]
        lines += [f"- {scan_name(s.sample, s.dpi)} {w}" for s in scores for w in s.worst]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace this script's section of the results file (or append it)."""
    from safecity_extract.writers import atomic_write_text

    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start = old.find(HEADING)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        after = old.find("\n## ", start + len(HEADING))
        new = old[:start] + text + (old[after:] if after >= 0 else "")
    atomic_write_text(path, new)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", nargs="+", default=list(SAMPLES))
    parser.add_argument("--dpi", type=int, nargs="+", default=list(DPIS))
    parser.add_argument("--work", type=Path, default=HERE / "work" / "scans")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS")
    args = parser.parse_args(argv)
    scores = []
    for sample in args.samples:
        for dpi in args.dpi:
            scan = args.work / scan_name(sample, dpi)
            if not scan.exists():
                build_scan(ROOT / "samples" / sample, dpi, scan)
            scores.append(score(sample, dpi, scan))
            print("\n".join(table(scores[-1:])[-1:]), flush=True)
    text = section(scores)
    print(text)
    if not args.no_write:
        write_section(args.results, text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
