"""The single-file commands (tables, inspect, review) as module-level
calls, so that workers.run_bounded can run them in a worker process under --timeout and
--max-memory. Each takes the picklable ``Options`` and returns what the command prints: the
paths written and any warnings.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .options import Options


def tables_job(pdf: str, out_dir: str, pages: Sequence[int] | None,
               area: tuple[float, float, float, float] | None, options: Options,
               csv_safe: bool) -> tuple[list[Path], list[str]]:
    from .tables import find_tables, write_tables

    tables = find_tables(pdf, pages=pages, area=area, options=options)
    notes = [] if tables else [f"{pdf}: no tables found"]
    return write_tables(tables, out_dir, Path(pdf).stem, csv_safe=csv_safe), notes


def inspect_job(pdf: str, out_dir: str, pages: Sequence[int] | None, resolution: int,
                options: Options) -> tuple[list[Path], list[str]]:
    from .extract import extract_with_layout
    from .inspect import write_overlays

    report, layout = extract_with_layout(pdf, options=options)
    notes: list[str] = []
    written = write_overlays(report, layout, out_dir, pages, resolution, options.password, notes)
    return written, notes


def review_job(pdf: str, out_path: str, options: Options) -> tuple[list[Path], list[str]]:
    from .extract import extract_with_layout
    from .review import write_review

    report, layout = extract_with_layout(pdf, options=options)
    notes: list[str] = []
    return [write_review(report, layout, out_path, password=options.password, notes=notes)], notes
