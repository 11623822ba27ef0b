"""One report -> one output file of a named format (json, csv, jsonl, xlsx).

The per-file formats of ``extract --format``; the CLI and the batch both go through here.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import Report
from .files import atomic_write_text
from .writers import report_csv_text, write_csv, write_json


def jsonl_records(report: Report) -> list[dict[str, Any]]:
    """One JSON object per row, each naming its document (path, file, sha256, period)."""
    s = report.source
    doc = {"source_path": s.path or s.file, "source_file": s.file, "sha256": s.sha256,
           "title": report.title, "period": report.period}
    return [{**doc, **row.to_dict(report.columns)} for row in report.rows]


def jsonl_text(report: Report) -> str:
    """The rows as JSON Lines: one compact object a line, keys in the JSON output's order."""
    return "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in jsonl_records(report))


def output_text(report: Report, fmt: str, csv_safe: bool = False, bom: bool = False) -> str:
    """The text of a text format (json, csv, jsonl), as written to a file or stdout."""
    if fmt == "json":
        return report.to_json()
    if fmt == "csv":
        return ("\ufeff" if bom else "") + report_csv_text(report, csv_safe)
    if fmt == "jsonl":
        return jsonl_text(report)
    raise ValueError(f"{fmt} is not a text format")


def write_output(report: Report, path: str | Path, fmt: str, csv_safe: bool = False,
                 bom: bool = False) -> None:
    """Write ``report`` to ``path`` as ``fmt``, atomically."""
    if fmt == "json":
        write_json(report, path)
    elif fmt == "csv":
        write_csv(report, path, csv_safe=csv_safe, bom=bom)
    elif fmt == "xlsx":
        from .xlsx import write_xlsx

        write_xlsx(report, path)
    else:
        atomic_write_text(path, output_text(report, fmt, csv_safe, bom))
