"""Many reports back in: PDFs or our JSON outputs -> Reports, one DataFrame, per-report counts.

For analysts after a batch: ``read_reports("out/")`` gives every row of every report in one
DataFrame with a ``source`` column; ``summarise`` counts actions per agency and per status.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from .model import Report

READABLE = (".json", ".pdf")
UNMATCHED = "(unmatched)"
NO_STATUS = "(no status)"


def report_files(paths: Iterable[str | os.PathLike[str]], recursive: bool = True) -> list[Path]:
    """Files as given; from folders, their .json and .pdf files (below too if recursive), sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            pattern = "**/*" if recursive else "*"
            found += sorted(f for f in p.glob(pattern)
                            if f.is_file() and f.suffix.lower() in READABLE
                            and not f.name.startswith("."))
        else:
            found.append(p)
    return found


def load_reports(paths: Iterable[str | os.PathLike[str]], recursive: bool = True, *,
                 timeout: float | None = None, max_memory: int | None = None,
                 **extract_options: Any) -> list[Report]:
    """Each file read: our JSON back into a Report, a PDF extracted (``extract_options``).

    With a ``timeout`` (seconds per file) or ``max_memory`` (MiB) the PDFs are read in a
    worker process under those bounds (see ``read_each``)."""
    files = report_files(paths, recursive)
    reports = read_each(files, timeout, max_memory, **extract_options)
    for path, report in zip(files, reports):
        if path.suffix.lower() == ".pdf":  # a JSON output keeps the path it recorded
            report.source = replace(report.source, path=path.as_posix())
    return reports


def read_each(files: Sequence[Path], timeout: float | None = None,
              max_memory: int | None = None, **extract_options: Any) -> list[Report]:
    """The report of each file, in order: JSON read here; PDFs extracted here, or, with a
    ``timeout`` or ``max_memory``, one after another in a worker process under those bounds,
    whose first failure is raised as a one-line WorkerError (a timeout names the file)."""
    from .diff import load_report

    if timeout is None and max_memory is None:
        return [load_report(path, **extract_options) for path in files]
    from .executors import ExtractJob, reports_in_turn
    from .options import Options

    options = extract_options.pop("options", None) or Options.of(**extract_options)
    pdfs = [p for p in files if p.suffix.lower() != ".json"]
    extracted = iter(reports_in_turn(pdfs, ExtractJob(options, None, timeout, max_memory)))
    return [load_report(p) if p.suffix.lower() == ".json" else next(extracted) for p in files]


def read_reports(folder: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
                 recursive: bool = True, **extract_options: Any) -> Any:
    """Every row of every report under ``folder`` (our JSON outputs and PDFs) in one pandas
    DataFrame, ``source`` (the document's path) first, columns as in the combined CSV."""
    import pandas as pd

    paths = [folder] if isinstance(folder, (str, os.PathLike)) else list(folder)
    frames = [r.to_dataframe() for r in load_reports(paths, recursive, **extract_options)]
    if not frames:
        return pd.DataFrame(columns=["source"])
    return pd.concat(frames, ignore_index=True).fillna("")


@dataclass(frozen=True)
class Summary:
    """Actions per agency and per status, one count column per report."""

    reports: tuple[str, ...]
    agencies: dict[str, tuple[int, ...]]   # agency -> count per report
    statuses: dict[str, tuple[int, ...]]   # status -> count per report

    def records(self) -> list[dict[str, Any]]:
        """Long form for CSV: report, kind (agency | status), value, actions."""
        out = []
        for kind, table in (("agency", self.agencies), ("status", self.statuses)):
            for value, counts in table.items():
                out += [{"report": r, "kind": kind, "value": value, "actions": n}
                        for r, n in zip(self.reports, counts) if n]
        return out


def summarise(reports: Sequence[Report]) -> Summary:
    """Count each report's actions per canonical agency (an action led by two counts for
    both; one with no recognised lead as "(unmatched)") and per normalised status."""
    agency_counts = [Counter(a for row in r.rows
                             for a in dict.fromkeys(row.lead_agencies or [UNMATCHED]))
                     for r in reports]
    status_counts = [Counter(row.status or NO_STATUS for row in r.rows) for r in reports]
    return Summary(tuple(r.source.path or r.source.file for r in reports),
                   _table(agency_counts), _table(status_counts))


def _table(counts: list[Counter[str]]) -> dict[str, tuple[int, ...]]:
    keys = sorted({k for c in counts for k in c}, key=lambda k: (-sum(c[k] for c in counts), k))
    return {k: tuple(c[k] for c in counts) for k in keys}


def format_summary_table(summary: Summary, width: int = 34) -> str:
    """Two tables (per agency, per status), one column per report, numbered below."""
    heads = [f"[{i + 1}]" for i in range(len(summary.reports))]
    cols = [max(len(h), 5) for h in heads]
    lines = []
    for title, table in (("agency", summary.agencies), ("status", summary.statuses)):
        lines.append("  ".join([f"{title:<{width}}"] + [f"{h:>{w}}" for h, w in zip(heads, cols)]))
        for value, counts in table.items():
            name = value if len(value) <= width else value[: width - 1] + "…"
            lines.append("  ".join([f"{name:<{width}}"]
                                   + [f"{n:>{w}}" for n, w in zip(counts, cols)]))
        lines.append("")
    lines += [f"{h} {name}" for h, name in zip(heads, summary.reports)]
    return "\n".join(lines)
