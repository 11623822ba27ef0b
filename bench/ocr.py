"""Scanned reports: accuracy against the truth and seconds per scanned page, by resolution.

Usage::

    python bench/ocr.py                       # committed scans + the samples at 150/200/300 dpi
    python bench/ocr.py --dpi 200 --samples word_grid_a4.pdf --out /tmp/RESULTS.md
    python bench/ocr.py --no-committed --dpi 150 --no-write
    python bench/ocr.py --quick --out /tmp/RESULTS.md   # page 1 of one committed scan, seconds

The committed scans (``samples/scans/*.pdf``, black and white) are read as they are; the
others are built in ``bench/work/scans/`` with ``samples/scans/build.py`` (greyscale, turned
+-0.5 degrees page by page, grain, JPEG). Each is read with ``extract()`` (``ocr="auto"``) in
this process and scored against the sample's own rows (``tests/expected.py``): rows found,
cells of priority / action / lead agency / update within 97% text similarity (rapidfuzz
ratio) of the truth, rows whose canonical lead agencies are exactly the truth's. Time per
page is CPU time of this process and of its Tesseract children (steadier than wall time on a
shared machine), wall time beside it.

Confidence: every OCR word inside a table cell (the page records are caught on their way
from ``pdf.page_data`` to the recogniser) is marked correct when it is one of the truth
cell's words (each truth word used once; a word the scan split at a line-end hyphen counts
as its part), wrong otherwise. The section shows how Tesseract's confidence separates the
two, and what each candidate ``ocr_min_confidence`` would flag: wrong words caught, cells
and rows flagged, wrong cells (below 97%) flagged and missed. Writes the
"## Scanned reports (OCR)" section of RESULTS.md (``--out`` another file).
"""
from __future__ import annotations

import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "samples" / "scans")]

from build import COMMITTED, build_scan, scan_name  # noqa: E402  (samples/scans/build.py)
from expected import expected_rows  # noqa: E402

from bench.common import add_results, parser, publish  # noqa: E402

HEADING = "## Scanned reports (OCR)"
SAMPLES = ("word_grid_a4.pdf", "word_hrules_only.pdf", "word_landscape_norepeat.pdf")
DPIS = (150, 200, 300)
FIELDS = ("priority", "action", "lead_agency", "update")
SIMILAR = 97.0
TARGETS = {"cells": 0.90, "leads": 0.95}
THRESHOLDS = (10, 20, 30, 40, 50, 60, 70, 80, 90)
CONF_BINS = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 101)


@dataclass(frozen=True)
class Cell:
    similarity: float                         # rapidfuzz ratio against the truth cell
    accuracy: float                           # 1 - Levenshtein distance / truth length
    words: tuple[tuple[float, bool, str], ...]  # (confidence, correct, text) of its OCR words

    @property
    def misread(self) -> bool:
        return any(not ok for _, ok, _ in self.words)


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
    cells_read: tuple[tuple[Cell, ...], ...] = ()  # per row, the cells of FIELDS
    flagged_rows: int = 0   # rows the extractor flagged ocr_low_confidence (its threshold)
    name: str = ""          # how the scan is named in the tables
    chars_ok: int = 0       # cells with >= 97% character accuracy

    @property
    def misread_rows(self) -> int:
        """Rows with at least one OCR word that is not the truth's."""
        return sum(any(c.misread for c in row) for row in self.cells_read)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def score(sample: str, dpi: int, scan: Path, name: str, truth_rows: int | None = None
          ) -> Score:
    """Read ``scan`` and score it against the first ``truth_rows`` rows of ``sample``'s
    truth (all of them when None)."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    from safecity_extract.agencies import lead_names, match_agencies
    from safecity_extract.extract import extract_with_layout
    from safecity_extract.model import FLAG_OCR_LOW

    pages: dict[int, Any] = {}
    cpu0, wall0 = _cpu(), time.monotonic()
    with _caught_pages(pages):
        report, layout = extract_with_layout(scan)
    cpu, wall = _cpu() - cpu0, time.monotonic() - wall0
    truth = expected_rows(sample)[:truth_rows]
    cells_ok = leads_ok = aligned = chars_ok = 0
    worst: list[str] = []
    read: list[tuple[Cell, ...]] = []
    for row, want in zip(report.rows, truth):
        aligned += fuzz.ratio(row.get("action"), want["action"]) >= 90
        cells = []
        for f in FIELDS:
            sim = fuzz.ratio(row.get(f), want[f])
            acc = 1 - Levenshtein.distance(row.get(f), want[f]) / max(1, len(want[f]))
            cells_ok += sim >= SIMILAR
            chars_ok += acc >= SIMILAR / 100
            if sim < SIMILAR and len(worst) < 3:
                worst.append(f"row {row.row} {f} {sim:.1f}: {row.get(f)[:60]!r}")
            cells.append(Cell(sim, acc, judged(cell_words(row, f, layout.columns, pages), want[f])))
        read.append(tuple(cells))
        leads_ok += sorted(row.lead_agencies) == sorted(
            lead_names(match_agencies(want["lead_agency"])))
    flagged = sum(FLAG_OCR_LOW in r.flags for r in report.rows)
    return Score(sample, dpi, report.source.pages, len(report.rows), len(truth), aligned,
                 cells_ok, len(truth) * len(FIELDS), leads_ok, cpu, wall, tuple(worst),
                 tuple(read), flagged, name, chars_ok)


@contextmanager
def _caught_pages(into: dict[int, Any]) -> Iterator[None]:
    """Keep each PageData that ``pdf.page_data`` makes while the block runs (by page)."""
    from safecity_extract import pdf

    real = pdf.page_data

    def catching(*args: Any, **kwargs: Any) -> Any:
        data = real(*args, **kwargs)
        into[data.number] = data
        return data

    pdf.page_data = catching  # type: ignore[assignment]
    try:
        yield
    finally:
        pdf.page_data = real  # type: ignore[assignment]


def cell_words(row: Any, field: str, layout: Sequence[Any], pages: dict[int, Any]
               ) -> list[Any]:
    """The OCR words of ``row``'s ``field`` cell: inside the row's box on a page and the
    column's span there (the rule ``ocr.flag_ocr_rows`` places weak words by)."""
    out = []
    for box in row.boxes:
        page = pages.get(box.page)
        spans = [c for c in layout if c.page == box.page and c.name == field]
        if page is None or not page.ocr or not spans:
            continue
        out += [w for w in page.words if box.x0 <= w.xmid <= box.x1
                and box.top <= w.ymid <= box.bottom
                and any(c.x0 <= w.xmid < c.x1 for c in spans)]
    return out


def judged(words: Sequence[Any], truth: str) -> tuple[tuple[float, bool, str], ...]:
    """(confidence, correct) of each word: correct when it is one of the truth's words, each
    truth word used once; "anti-" + "social" split at a line end count as parts of
    "anti-social"."""
    left: dict[str, int] = {}
    for t in truth.split():
        left[t] = left.get(t, 0) + 1
        for part in t.split("-")[1:]:
            left[part] = left.get(part, 0) + 1
        for head in t.split("-")[:-1]:
            left[head + "-"] = left.get(head + "-", 0) + 1
    out = []
    for w in words:
        ok = left.get(w.text, 0) > 0
        if ok:
            left[w.text] -= 1
        out.append((float(w.confidence if w.confidence is not None else 100.0), ok, w.text))
    return tuple(out)


def _peak_mb() -> float:
    """Peak resident set size (MB) of this process."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def confidence_lines(scores: Sequence[Score]) -> list[str]:
    """How confidence separates right and wrong words, and what each threshold flags."""
    cells = [c for s in scores for row in s.cells_read for c in row]
    words = [w for c in cells for w in c.words]
    if not words:
        return []
    lines = ["| confidence | words | correct | wrong | share wrong |", "|---|---|---|---|---|"]
    for lo, hi in zip(CONF_BINS, CONF_BINS[1:]):
        got = [ok for conf, ok, _ in words if lo <= conf < hi]
        wrong = got.count(False)
        lines.append(f"| {lo}-{min(hi, 100) - (hi <= 100)} | {len(got)} | {len(got) - wrong} | "
                     f"{wrong} | {100 * wrong / len(got) if got else 0:.0f}% |")
    n_wrong = sum(not ok for _, ok, _ in words)
    misread = [c for c in cells if c.misread]
    rows = [row for s in scores for row in s.cells_read]
    misread_rows = [row for row in rows if any(c.misread for c in row)]
    low = [c for c in cells if c.accuracy < SIMILAR / 100]
    lines += ["", f"{len(words)} OCR words in {len(cells)} cells of {len(rows)} rows: "
              f"{n_wrong} words misread ({100 * n_wrong / len(words):.1f}%), "
              f"{len(misread)} cells and {len(misread_rows)} rows with a misread word, "
              f"{len(low)} cells below 97% character accuracy.", "",
              "What each threshold would flag (a cell is flagged when one of its words is "
              "below it; a row when one of its cells is):", "",
              "| below | words flagged | of them misread | misread words caught | "
              "cells flagged | of them with a misread word | cells with a misread word "
              "not flagged | rows flagged | of them with a misread word | rows with a "
              "misread word not flagged | cells < 97% accuracy not flagged |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for t in THRESHOLDS:
        def weak(c: Cell, t: float = t) -> bool:
            return any(conf < t for conf, _, _ in c.words)
        flagged_words = [ok for c in cells for conf, ok, _ in c.words if conf < t]
        caught = flagged_words.count(False)
        flagged = [c for c in cells if weak(c)]
        hits = sum(c.misread for c in flagged)
        rows_flagged = [row for row in rows if any(weak(c) for c in row)]
        row_hits = sum(any(c.misread for c in row) for row in rows_flagged)
        lines.append(
            f"| {t} | {len(flagged_words)} | {caught} ({_pct(caught, len(flagged_words))}) | "
            f"{caught}/{n_wrong} ({_pct(caught, n_wrong)}) | {len(flagged)} | {hits} "
            f"({_pct(hits, len(flagged))}) | {len(misread) - hits} | {len(rows_flagged)} | "
            f"{row_hits} ({_pct(row_hits, len(rows_flagged))}) | "
            f"{len(misread_rows) - row_hits} | {sum(not weak(c) for c in low)} |")
    return lines


def table(scores: Sequence[Score]) -> list[str]:
    lines = ["| scan | rows found | aligned with truth | cells >= 97% similar | "
             "cells >= 97% char accuracy | lead agencies exact | rows with a misread word | "
             "rows flagged ocr_low_confidence | s/page CPU | s/page wall |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for s in scores:
        lines.append(
            f"| {s.name} | {s.rows}/{s.truth_rows} | {s.aligned} | "
            f"{s.cells_ok}/{s.cells} ({100 * s.cells_ok / s.cells:.1f}%) | "
            f"{s.chars_ok}/{s.cells} ({100 * s.chars_ok / s.cells:.1f}%) | "
            f"{s.leads_ok}/{s.truth_rows} ({100 * s.leads_ok / s.truth_rows:.1f}%) | "
            f"{s.misread_rows}/{s.rows} | {s.flagged_rows}/{s.rows} | "
            f"{s.cpu / s.pages:.2f} | {s.wall / s.pages:.2f} |")
    return lines


def per_dpi(scores: Sequence[Score]) -> list[str]:
    lines = ["| dpi | documents with every row and no phantom | cells >= 97% similar | "
             "cells >= 97% char accuracy | lead agencies exact | s/page CPU | s/page wall |",
             "|---|---|---|---|---|---|---|"]
    for dpi, committed in sorted({(s.dpi, "committed" in s.name) for s in scores}):
        group = [s for s in scores if (s.dpi, "committed" in s.name) == (dpi, committed)]
        whole = sum(s.rows == s.truth_rows == s.aligned for s in group)
        cells = sum(s.cells_ok for s in group) / sum(s.cells for s in group)
        chars = sum(s.chars_ok for s in group) / sum(s.cells for s in group)
        leads = sum(s.leads_ok for s in group) / sum(s.truth_rows for s in group)
        pages = sum(s.pages for s in group)
        kind = "b/w, committed" if committed else "grey JPEG, built"
        lines.append(f"| {dpi} ({kind}) | {whole}/{len(group)} | {100 * cells:.1f}% | "
                     f"{100 * chars:.1f}% | "
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
    lines += ["", f"Memory: peak resident set of this process over all scans "
              f"{_peak_mb():.0f} MB (pages are read one at a time; Tesseract's own processes "
              "are not measured here)."]
    conf = confidence_lines(scores)
    if conf:
        lines += ["", "### Word confidence: right and wrong words", "",
                  f"The extractor's threshold: `Settings.ocr_min_confidence` = "
                  f"{Settings().ocr_min_confidence:g} (a cell with a word below it is flagged "
                  "`ocr_low_confidence`).", ""]
        lines += conf
    notes = [w for s in scores for w in s.worst]
    if notes:
        lines += ["", "Cells below 97% (first few per scan): the text is Tesseract's as read.", ""]
        lines += [f"- {s.name} {w}" for s in scores for w in s.worst]
    return "\n".join(lines) + "\n"


def quick_run(work: Path) -> tuple[str, int, Path, str, int]:
    """The --quick run: page 1 of the first committed scan, cut into ``work``, scored against
    the truth rows that begin on page 1 of its sample (a row going on to page 2 is scored
    on its page-1 part: a smoke test of the script, not a measurement)."""
    import pikepdf

    import safecity_extract as sx

    sample, dpi = COMMITTED[0]
    work.mkdir(parents=True, exist_ok=True)
    cut = work / f"{Path(scan_name(sample, dpi)).stem}_p1.pdf"
    born = work / f"{Path(sample).stem}_p1.pdf"
    for source, target in ((ROOT / "samples" / "scans" / scan_name(sample, dpi), cut),
                           (ROOT / "samples" / sample, born)):
        with pikepdf.open(source) as pdf, pikepdf.new() as out:
            out.pages.append(pdf.pages[0])
            out.save(target)
    rows = len(sx.extract(born).rows)
    return sample, dpi, cut, f"{cut.name} (committed, b/w, page 1 of {sample})", rows


def main(argv: list[str]) -> int:
    options = parser(__doc__)
    options.add_argument("--samples", nargs="+", default=list(SAMPLES))
    options.add_argument("--dpi", type=int, nargs="+", default=list(DPIS))
    options.add_argument("--work", type=Path, default=HERE / "work" / "scans")
    add_results(options, "--out", "--results")
    options.add_argument("--dump", type=Path, help="also write every cell's similarity and "
                        "word confidences (JSON lines) to this file")
    options.add_argument("--no-committed", action="store_true",
                         help="leave out the committed scans (samples/scans/*.pdf)")
    options.add_argument("--quick", action="store_true",
                         help="only page 1 of the first committed scan (a smoke test, seconds); "
                         "give --out or --no-write")
    args = options.parse_args(argv)
    if args.quick and not args.no_write and args.results == HERE / "RESULTS.md":
        options.error("--quick figures are not measurements: give --out FILE or --no-write")
    scores = []
    runs: list[tuple[str, int, Path, str, int | None]] = [] if args.no_committed else [
        (sample, dpi, ROOT / "samples" / "scans" / scan_name(sample, dpi),
         f"{scan_name(sample, dpi)} (committed, b/w)", None) for sample, dpi in COMMITTED]
    runs += [(sample, dpi, args.work / scan_name(sample, dpi), scan_name(sample, dpi), None)
             for sample in args.samples for dpi in args.dpi]
    if args.quick:
        runs = [quick_run(args.work)]
    for sample, dpi, scan, name, truth_rows in runs:
        if not scan.exists():
            build_scan(ROOT / "samples" / sample, dpi, scan)
        scores.append(score(sample, dpi, scan, name, truth_rows))
        print("\n".join(table(scores[-1:])[-1:]), flush=True)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for sc in scores:
                for r, row in enumerate(sc.cells_read, 1):
                    for f, c in zip(FIELDS, row):
                        out.write(json.dumps({"scan": sc.name, "row": r, "field": f,
                                              "similarity": c.similarity,
                                              "accuracy": c.accuracy,
                                              "words": c.words}) + "\n")
    return publish(section(scores), args.results, not args.no_write)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
