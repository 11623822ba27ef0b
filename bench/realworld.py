"""Score the generic table mode on real-world whole-table cases (samples/realworld).

Each case is one page of a public PDF with one table; its expected grid is a CSV in
``samples/realworld/truth``. Ours (``find_tables`` on the page, no area given), camelot stream
and camelot lattice are each read on the page, and the table that matches best is scored by cell
accuracy: the share of the truth's non-empty cells found with the same text at the same place,
after the one row/column offset that lines the two grids up best. Writes a "Real-world tables"
section into ``--out``.

Only the tabula-py PDFs are in the repository; the camelot and tabula-java ones are read from
``--pdfs DIR`` (a folder holding copies of those projects' test files, names as in SOURCES.md).
A case whose PDF is in neither place is left out and named in the section.

    python bench/realworld.py [--pdfs DIR] [--out FILE] [--only NAME,...]
                              [--methods ours,stream,lattice]
"""
from __future__ import annotations

import csv
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import add_results, parser, publish, write_section  # noqa: E402, F401
# (after the path is set; write_section is also this module's, as tests call it)

DATA = HERE.parent / "samples" / "realworld"
HEADING = "## Real-world tables"
Grid = list[list[str]]
Span = tuple[int, int, int, int]  # first row, first column, last row, last column of a truth cell


@dataclass(frozen=True)
class Case:
    name: str
    pdf: Path
    page: int
    family: str
    spans: tuple[Span, ...] = ()

    def truth(self) -> Grid:
        with open(DATA / "truth" / f"{self.name}.csv", newline="", encoding="utf-8") as f:
            return [list(r) for r in csv.reader(f)]


def _span(values: Sequence[int]) -> Span:
    r0, c0, r1, c1 = (int(v) for v in values)
    return (r0, c0, r1, c1)


def locate(name: str, pdfs: Sequence[Path] = ()) -> Path:
    """Where the PDF ``name`` is: in samples/realworld, else in the first of ``pdfs`` that has
    it; its samples/realworld path (absent) when nowhere."""
    for folder in (DATA, *pdfs):
        if (folder / name).is_file():
            return folder / name
    return DATA / name


def load_cases(only: Sequence[str] = (), pdfs: Sequence[Path] = ()) -> list[Case]:
    raw = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))["cases"]
    cases = [Case(c["name"], locate(c["pdf"], pdfs), int(c["page"]), c["family"],
                  tuple(_span(s) for s in c.get("spans", ()))) for c in raw]
    return [c for c in cases if not only or c.name in only]


# --- the measure ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Cell text for comparison: compatibility form, no whitespace, no trailing dots (leader
    dots after a row label, which every reader keeps as text, and a label's own full stop)."""
    return re.sub(r"\.+$", "", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")))


def _filled(grid: Grid) -> dict[tuple[int, int], str]:
    return {(r, c): normalise(t) for r, row in enumerate(grid) for c, t in enumerate(row)
            if normalise(t)}


def _places(want: dict[tuple[int, int], str], spans: Sequence[Span]
            ) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Where each truth cell may be found: its own place, or any place of its span (a spanning
    header's text is written in the span's first cell; a reader may put it in any of them)."""
    places = {rc: [rc] for rc in want}
    for r0, c0, r1, c1 in spans:
        if (r0, c0) in places:
            places[(r0, c0)] = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
    return places


def cell_accuracy(truth: Grid, got: Grid, spans: Sequence[Span] = ()) -> float:
    """Share of the truth's non-empty cells that ``got`` has at the same place (best offset);
    a cell of ``spans`` counts wherever in its span it is found."""
    want = _filled(truth)
    have = _filled(got)
    if not want:
        return 1.0
    places = _places(want, spans)
    shifts = {(gr - r, gc - c) for rc, t in want.items() for (r, c) in places[rc]
              for (gr, gc), g in have.items() if t == g}
    best = 0
    for dr, dc in shifts:
        hits = sum(1 for rc, t in want.items()
                   if any(have.get((r + dr, c + dc)) == t for r, c in places[rc]))
        best = max(best, hits)
    return best / len(want)


def best_table(truth: Grid, grids: Sequence[Grid], spans: Sequence[Span] = ()) -> float:
    return max((cell_accuracy(truth, g, spans) for g in grids), default=0.0)


# --- the readers ------------------------------------------------------------------------------


def read_ours(case: Case) -> list[Grid]:
    from safecity_extract.tables import find_tables

    return [t.grid() for t in find_tables(case.pdf, pages=[case.page])]


def _camelot(flavor: str) -> Callable[[Case], list[Grid]]:
    def read(case: Case) -> list[Grid]:
        import camelot

        tables = camelot.read_pdf(  # type: ignore[attr-defined]
            str(case.pdf), pages=str(case.page), flavor=flavor)
        return [[[str(v) for v in row] for row in t.df.values.tolist()] for t in tables]
    return read


READERS: dict[str, Callable[[Case], list[Grid]]] = {
    "ours": read_ours, "stream": _camelot("stream"), "lattice": _camelot("lattice")}


def camelot_available() -> bool:
    try:
        import camelot  # noqa: F401
    except Exception:
        return False
    return True


@dataclass(frozen=True)
class Score:
    case: Case
    method: str
    accuracy: float
    cpu: float
    error: str = ""


def score(case: Case, method: str) -> Score:
    start = time.process_time()
    try:
        grids = READERS[method](case)
    except Exception as exc:  # a reader failing on a case scores 0 on it, and says why
        return Score(case, method, 0.0, time.process_time() - start, type(exc).__name__)
    accuracy = best_table(case.truth(), grids, case.spans)
    return Score(case, method, accuracy, time.process_time() - start)


# --- the report -------------------------------------------------------------------------------


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def section(scores: Sequence[Score], methods: Sequence[str], missing: Sequence[str],
            absent: Sequence[Case] = ()) -> str:
    cases = list(dict.fromkeys(s.case for s in scores))
    by = {(s.case.name, s.method): s for s in scores}
    head = "| case | family | " + " | ".join(methods) + " |"
    lines = [HEADING, "",
             f"{len(cases)} whole-table cases from the test suites of camelot, tabula-java and "
             "tabula-py (samples/realworld, truth written here from the page text; SOURCES.md). "
             "Cell accuracy: share of the truth's non-empty cells found with the same text at "
             "the same place (best row/column offset, best table of the page; a spanning "
             "header's label counts anywhere in its span; leader dots are not compared). Ours "
             "reads the whole page without a given area; camelot likewise.", "", head,
             "|" + "---|" * (len(methods) + 2)]
    for c in cases:
        cells = [f"{by[(c.name, m)].accuracy:.2f}" + (f" ({by[(c.name, m)].error})"
                                                      if by[(c.name, m)].error else "")
                 for m in methods]
        lines.append(f"| {c.name} | {c.family} | " + " | ".join(cells) + " |")
    for fam in sorted({c.family for c in cases}) + ["all"]:
        sel = [c for c in cases if fam in ("all", c.family)]
        means = [f"**{_mean([by[(c.name, m)].accuracy for c in sel]):.3f}**" for m in methods]
        lines.append(f"| mean ({fam}, {len(sel)}) | | " + " | ".join(means) + " |")
    cpu = [f"{sum(by[(c.name, m)].cpu for c in cases):.1f} s" for m in methods]
    lines.append("| CPU | | " + " | ".join(cpu) + " |")
    if missing:
        lines += ["", "Not run (not installed): " + ", ".join(missing) + "."]
    if absent:
        lines += ["", f"Left out ({len(absent)}, PDF not in samples/realworld nor --pdfs): "
                  + ", ".join(c.name for c in absent) + "."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    options = parser(__doc__)
    add_results(options, "--out")
    options.add_argument("--only", default="")
    options.add_argument("--methods", default="ours,stream,lattice")
    options.add_argument("--pdfs", type=Path, action="append", default=[],
                         help="folder with the PDFs not kept in samples/realworld (repeatable)")
    args = options.parse_args(argv)
    methods = [m for m in args.methods.split(",") if m]
    missing = []
    if not camelot_available():
        missing = [m for m in methods if m != "ours"]
        methods = [m for m in methods if m == "ours"]
    cases = load_cases([n for n in args.only.split(",") if n], args.pdfs)
    absent = [c for c in cases if not c.pdf.is_file()]
    for c in absent:
        print(f"realworld: {c.name}: {c.pdf.name} not found, left out", file=sys.stderr)
    scores = [score(c, m) for c in cases if c.pdf.is_file() for m in methods]
    return publish(section(scores, methods, missing, absent), args.results, not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())
