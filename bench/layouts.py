"""Benchmark: exactness on generated report layouts (samples/layouts), per family and producer.

Builds (or reuses from bench/work/layouts/) one PDF per seed, extracts it with
``safecity_extract.extract``, compares every cell with the truth, and writes the
"Generated layouts" section of bench/RESULTS.md. The committed LibreOffice documents
(samples/layouts/committed/) are scored too.

    python bench/layouts.py                      # seeds 0-1099, 2 workers
    python bench/layouts.py --seeds 0-109 --out /tmp/RESULTS.md
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package and samples/, whatever is installed

from samples.layouts.build import build, committed, parse_seeds  # noqa: E402
from samples.layouts.compare import Outcome, evaluate, failed  # noqa: E402
from samples.layouts.spec import FAMILIES, PRODUCERS, draw  # noqa: E402

from bench.common import add_results, parser, write_section  # noqa: E402

HEADING = "## Generated layouts"
WORK = ROOT / "bench" / "work" / "layouts"


def run_seed(seed: int, producer: str | None, work: str) -> dict[str, Any]:
    layout = draw(seed, producer=producer)
    try:
        pdf, truth = build(layout, Path(work))
    except Exception as exc:  # noqa: BLE001 - a producer failure is reported, not fatal
        return failed(layout.doc_id, layout.family, layout.producer,
                      f"BUILD FAILED: {type(exc).__name__}: {exc}"[:200]).to_dict()
    return evaluate(str(pdf), truth).to_dict()


def run_committed(pdf: str, truth: dict[str, Any]) -> dict[str, Any]:
    return evaluate(pdf, truth).to_dict()


def sweep(seeds: list[int], producer: str | None, workers: int, with_committed: bool
          ) -> list[Outcome]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_seed, s, producer, str(WORK)) for s in seeds]
        if with_committed:
            futures += [pool.submit(run_committed, str(pdf), rec) for pdf, rec in committed()]
        return [Outcome(**f.result()) for f in futures]


def _rate(items: list[Outcome]) -> str:
    n = len(items)
    ok = sum(o.exact for o in items)
    return f"{ok}/{n} ({100.0 * ok / n:.1f}%)" if n else "-"


def section(outcomes: list[Outcome], seeds: list[int], seconds: float, workers: int) -> str:
    by_family: dict[str, list[Outcome]] = collections.defaultdict(list)
    by_producer: dict[str, list[Outcome]] = collections.defaultdict(list)
    for o in outcomes:
        by_family[o.family].append(o)
        by_producer[o.producer].append(o)
    silent = [o for o in outcomes if o.silent]
    lines = [
        HEADING, "",
        (f"Produced by `python bench/layouts.py` on {dt.date.today().isoformat()}: seeds "
        f"{min(seeds)}-{max(seeds)} ({len(seeds)} documents built by the live producers) plus "
        f"{sum(o.producer == 'libreoffice' for o in outcomes)} committed LibreOffice documents; "
        f"{seconds:.0f} s wall with {workers} workers (building included, cached PDFs reused). "
        "Exact: every cell of every row (and the links) equal to the truth, no row missing "
        "or extra. Silent: not exact, with no warning in the report and no flag other than "
        "`joined_across_pages` / `priority_filled_down` on a wrong row."), "",
        f"- all documents: {_rate(outcomes)} exact; **{len(silent)} silent failures**", "",
        "| family | exact | silent |", "| --- | ---: | ---: |"]
    for fam in FAMILIES:
        items = by_family.get(fam, [])
        lines.append(f"| {fam} | {_rate(items)} | {sum(o.silent for o in items)} |")
    lines += ["", "| producer | exact | silent |", "| --- | ---: | ---: |"]
    for prod in PRODUCERS:
        items = by_producer.get(prod, [])
        lines.append(f"| {prod} | {_rate(items)} | {sum(o.silent for o in items)} |")
    worst = sorted((o for o in outcomes if not o.exact),
                   key=lambda o: (-o.cells_wrong, o.doc_id))[:25]
    lines += ["", ("Worst documents (most wrong cells; rebuild one with "
                   "`python -m samples.layouts.build --seeds N`):"), "",
              "| document | rows want/got | wrong cells | warnings | silent | first cause |",
              "| --- | ---: | ---: | ---: | --- | --- |"]
    for o in worst:
        cause = o.cause.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {o.doc_id} | {o.rows_expected}/{o.rows_got} | {o.cells_wrong} | "
                     f"{o.warnings} | {'yes' if o.silent else 'no'} | {cause} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = parser(__doc__)
    ap.add_argument("--seeds", default="0-1099")
    ap.add_argument("--producer", choices=("reportlab", "chromium"),
                    help="draw every seed with this producer (default: from the seed)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-committed", action="store_true")
    add_results(ap, "--out", no_write=False)
    ap.add_argument("--jsonl", type=Path, default=WORK / "outcomes.jsonl",
                    help="every outcome, one JSON per line")
    args = ap.parse_args(argv)
    seeds = parse_seeds(args.seeds)
    start = time.perf_counter()
    outcomes = sweep(seeds, args.producer, args.workers, not args.no_committed)
    text = section(outcomes, seeds, time.perf_counter() - start, args.workers)
    args.jsonl.parent.mkdir(parents=True, exist_ok=True)
    args.jsonl.write_text("".join(json.dumps(o.to_dict(), ensure_ascii=False) + "\n"
                                  for o in outcomes), encoding="utf-8")
    write_section(args.results, text)
    print(text)


if __name__ == "__main__":
    main()
