"""Write Reports to JSON, CSV (one file or combined) and SQLite, and read JSON back.

Every file is written atomically (``files.atomic_write``), so a reader never sees half a file
and a failed write keeps the old one.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterable

from .files import atomic_write
from .model import PageCount
from .model import FIXED_FIELDS, AgencyMatch, Box, Link, Report, Row, Source, Warning_
from .status import apply_status

# Characters that make Excel, LibreOffice and Google Sheets read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

BOM = "\ufeff"  # UTF-8 byte-order mark: tells Excel the CSV is UTF-8

# The CSV columns whose cells are lists joined with "; " in Report.csv_records.
_TRAILING_COLUMNS = ("status", "links", "page_start", "page_end", "flags")


# --- JSON ------------------------------------------------------------------------------------


def write_json(report: Report, path: str | Path) -> None:
    """Write the report's deterministic JSON (``Report.to_json``) to ``path``."""
    atomic_write(path, lambda f: f.write(report.to_json()))


def read_json(path: str | Path) -> Report:
    """Read a JSON file written by :func:`write_json` back into a Report."""
    return report_from_dict(json.loads(Path(path).read_text("utf-8")))


def report_from_dict(data: dict[str, Any]) -> Report:
    """The inverse of ``Report.to_dict`` (a Layout is never serialised: a Report has none)."""
    columns = list(data["columns"])
    if "status_column" not in data:  # written before status existed: read it from the cells
        report = report_from_dict({**data, "status_column": None})
        report.status_column = apply_status(report.rows, columns)
        return report
    return Report(
        source=Source(**data["source"]),
        title=data["title"],
        columns=columns,
        rows=[_row_from_dict(row, columns) for row in data["rows"]],
        warnings=[Warning_(w["page"], w["message"], bool(w.get("loss", False)))
                  for w in data.get("warnings", [])],
        period=data.get("period"),
        status_column=data.get("status_column"),
        pages=[PageCount(p["page"], p["words"], p["in_cells"], p["header"],
                         dict(p.get("left_out", {}))) for p in data.get("pages", [])],
    )


def _row_from_dict(data: dict[str, Any], columns: list[str]) -> Row:
    return Row(
        row=data["row"],
        cells={name: data.get(name, "") for name in columns},
        links=[Link(**link) for link in data.get("links", [])],
        page_start=data.get("page_start", 0),
        page_end=data.get("page_end", 0),
        flags=list(data.get("flags", [])),
        lead_agencies=list(data.get("lead_agencies", [])),
        lead_matches=[AgencyMatch(**m) for m in data.get("lead_matches", [])],
        boxes=[Box(**box) for box in data.get("boxes", [])],
        status=data.get("status"),
    )


# --- CSV -------------------------------------------------------------------------------------


def csv_safe_value(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(report: Report, path: str | Path, csv_safe: bool = False, bom: bool = False
              ) -> None:
    """Write one row per action, columns as ``report.csv_columns()``, UTF-8, "\\n" line ends.

    ``csv_safe`` guards against CSV formula injection: an update that starts with "=" or "-"
    would run as a formula in a spreadsheet. It is off by default because the apostrophe changes
    the data; turn it on for files people will open in Excel rather than load with code.
    ``bom`` starts the file with a UTF-8 byte-order mark, so Excel reads "–" as printed.
    """
    _write_records(report.csv_records(), report.csv_columns(), path, csv_safe, bom)


def write_combined_csv(reports_with_names: Iterable[tuple[str, Report]], path: str | Path,
                       csv_safe: bool = False, bom: bool = False) -> None:
    """Write every row of every report to one CSV, with ``source_path`` and ``source_file`` first.

    The name given with each report is its path (one document per path, so two year folders
    that both hold ``report.pdf`` stay apart); ``source_file`` is the bare file name. Extra
    columns found in only some reports are empty in the others.
    """
    pairs = list(reports_with_names)
    records = [{"source_path": name, "source_file": report.source.file, **rec}
               for name, report in pairs for rec in report.csv_records()]
    columns = ["source_path", "source_file"] + combined_columns([report for _, report in pairs])
    _write_records(records, columns, path, csv_safe, bom)


def combined_columns(reports: list[Report]) -> list[str]:
    """The union of the reports' CSV columns: fixed ones first, extras in order seen, then the
    rest."""
    columns: list[str] = []
    for report in reports:
        for name in report.csv_columns():
            if name not in columns and name not in _TRAILING_COLUMNS:
                columns.append(name)
    if not reports:
        columns = ["row", "priority", "action", "lead_agency", "lead_agencies", "update"]
    return columns + list(_TRAILING_COLUMNS)


def report_csv_text(report: Report, csv_safe: bool = False) -> str:
    """The exact text :func:`write_csv` writes, as a string."""
    frame = _frame(report.csv_records(), report.csv_columns(), csv_safe)
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text


def _write_records(records: list[dict[str, Any]], columns: list[str], path: str | Path,
                   csv_safe: bool, bom: bool = False) -> None:
    frame = _frame(records, columns, csv_safe)

    def write(f: IO[str]) -> None:
        f.write(BOM if bom else "")
        frame.to_csv(f, index=False, lineterminator="\n")

    atomic_write(path, write)


def _frame(records: list[dict[str, Any]], columns: list[str], csv_safe: bool) -> Any:
    import pandas as pd

    if csv_safe:
        records = [{k: csv_safe_value(v) for k, v in rec.items()} for rec in records]
    return pd.DataFrame(records, columns=columns).fillna("")


# --- SQLite ----------------------------------------------------------------------------------

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    path TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    period TEXT,
    pages INTEGER NOT NULL,
    status_column TEXT,
    extracted_at TEXT NOT NULL,
    tool_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rows (
    document TEXT NOT NULL REFERENCES documents(path),
    row INTEGER NOT NULL,
    priority TEXT NOT NULL,
    action TEXT NOT NULL,
    lead_agency TEXT NOT NULL,
    lead_agencies TEXT NOT NULL,
    update_text TEXT NOT NULL,
    status TEXT,
    status_text TEXT,
    extras TEXT NOT NULL,
    links TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    flags TEXT NOT NULL,
    PRIMARY KEY (document, row)
);
CREATE TABLE IF NOT EXISTS row_agencies (
    document TEXT NOT NULL,
    row INTEGER NOT NULL,
    agency TEXT NOT NULL,
    PRIMARY KEY (document, row, agency),
    FOREIGN KEY (document, row) REFERENCES rows(document, row)
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents(sha256);
CREATE INDEX IF NOT EXISTS row_agencies_agency ON row_agencies(agency);
CREATE INDEX IF NOT EXISTS rows_lead_agency ON rows(lead_agency);
CREATE INDEX IF NOT EXISTS rows_status ON rows(status);
"""


class OldDatabase(sqlite3.DatabaseError):
    """A database written by an earlier version (documents keyed by sha256, no path)."""


def write_sqlite(report: Report, db_path: str | Path, tool_version: str,
                 path: str | None = None) -> None:
    """Store one report in SQLite, replacing any earlier copy of the same document.

    A document is one input path (``path``, default the report's ``source.path``): the same
    bytes at two paths are two documents with equal ``sha256``, so counts agree with the CSV.
    The delete and the inserts are one transaction, so a re-run never duplicates rows and a
    failure leaves the database as it was. ``extracted_at`` is the only time-dependent value.
    """
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        _check_schema(conn)
        conn.executescript(SQLITE_SCHEMA)
        with conn:  # one transaction: commit on success, roll back on error
            _replace_document(conn, report, tool_version,
                              path or report.source.path or report.source.file)


def _check_schema(conn: sqlite3.Connection) -> None:
    columns = {rec[1] for rec in conn.execute("PRAGMA table_info(documents)")}
    if columns and "path" not in columns:
        raise OldDatabase("made by an older safecity-extract (documents keyed by sha256): "
                          "write to a new database file")


def _replace_document(conn: sqlite3.Connection, report: Report, tool_version: str,
                      path: str) -> None:
    for table, key in (("row_agencies", "document"), ("rows", "document"),
                       ("documents", "path")):
        conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (path,))
    conn.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (path, report.source.file, report.source.sha256, report.title, report.period,
         report.source.pages, report.status_column,
         datetime.now(timezone.utc).isoformat(timespec="seconds"), tool_version))
    conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [sqlite_row(path, row, report.status_column) for row in report.rows])
    conn.executemany("INSERT INTO row_agencies VALUES (?, ?, ?)",
                     [(path, row.row, agency) for row in report.rows
                      for agency in dict.fromkeys(row.lead_agencies)])


def sqlite_row(document: str, row: Row, status_column: str | None = None) -> tuple[Any, ...]:
    """The values of one ``rows`` record, in column order."""
    extras = {k: v for k, v in row.cells.items() if k not in FIXED_FIELDS}
    return (document, row.row, row.get("priority"), row.get("action"), row.get("lead_agency"),
            _json(row.lead_agencies), row.get("update"), row.status,
            row.get(status_column) if status_column else None, _json(extras),
            _json([link.to_dict() for link in row.links]), row.page_start, row.page_end,
            _json(row.flags))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
