"""The single-file commands (tables, inspect, review, a batch's review pages) as module-level
calls, so that workers.run_bounded can run them in a worker process under --timeout and
--max-memory. Each returns what the command prints: the paths written and any warnings.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _agencies(agencies_path: str | None) -> Any:
    from .batch import load_agencies_file

    return load_agencies_file(agencies_path)


def tables_job(pdf: str, out_dir: str, pages: Sequence[int] | None,
               area: tuple[float, float, float, float] | None, password: str | None,
               csv_safe: bool) -> tuple[list[Path], list[str]]:
    from .tables import find_tables, write_tables

    tables = find_tables(pdf, pages=pages, area=area, password=password)
    notes = [] if tables else [f"{pdf}: no tables found"]
    return write_tables(tables, out_dir, Path(pdf).stem, csv_safe=csv_safe), notes


def inspect_job(pdf: str, out_dir: str, pages: str | None, resolution: int,
                password: str | None, agencies_path: str | None
                ) -> tuple[list[Path], list[str]]:
    from .extract import extract
    from .inspect import parse_pages, write_overlays

    report = extract(pdf, password=password, agencies=_agencies(agencies_path))
    selected = parse_pages(pages, report.source.pages) if pages else None
    notes: list[str] = []
    written = write_overlays(report, pdf, out_dir, selected, resolution, password, notes)
    return written, notes


def review_job(pdf: str, out_path: str, password: str | None, agencies_path: str | None
               ) -> tuple[list[Path], list[str]]:
    from .extract import extract
    from .review import write_review

    report = extract(pdf, password=password, agencies=_agencies(agencies_path))
    notes: list[str] = []
    return [write_review(report, pdf, out_path, password=password, notes=notes)], notes


def review_page_job(pdf: str, out_path: str, password: str | None, agencies_path: str | None,
                    resolution: int) -> tuple[Any, list[str]]:
    """One page of a batch's review: the report (for the index) and the warnings."""
    from .extract import extract
    from .review import write_review

    report = extract(pdf, password=password, agencies=_agencies(agencies_path))
    notes: list[str] = []
    write_review(report, pdf, out_path, resolution, password, notes)
    return report, notes
