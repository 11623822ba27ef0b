"""The combined CSV and the SQLite database, written one report at a time as results arrive.

Memory stays flat in the number of files: the combined CSV's rows are spooled to a temporary
file beside it (its header, the union of every report's columns, is known only at the end) and
the final file is written from the spool, atomically, with the same bytes as
``writers.write_combined_csv``. Each report goes into the database in its own transaction.
"""
from __future__ import annotations

import csv
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import IO

from .errors import SafecityError
from .files import atomic_write, remove_quietly
from .model import Report
from .writers import (_TRAILING_COLUMNS, BOM, SQLITE_SCHEMA, _check_schema, _replace_document,
                      combined_columns, csv_safe_value)
from .xlsx import CombinedXlsx


class CombinedCsv:
    """``add(name, report)`` in input order, then ``close()`` writes the CSV; ``discard()``
    removes the spool and leaves any earlier file at ``path`` as it was."""

    def __init__(self, path: str | Path, csv_safe: bool = False, bom: bool = False) -> None:
        self.path = Path(path)
        self.csv_safe = csv_safe
        self.bom = bom
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._spool_path = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".rows.tmp",
                                                dir=self.path.parent)
        self._spool: IO[str] = open(fd, "w", encoding="utf-8", newline="")
        self._columns: list[str] = []

    def add(self, name: str, report: Report) -> None:
        for column in report.csv_columns():
            if column not in self._columns and column not in _TRAILING_COLUMNS:
                self._columns.append(column)
        for record in report.csv_records():
            record["source_file"] = report.source.file
            self._spool.write(json.dumps([name, record], ensure_ascii=False) + "\n")

    def close(self) -> None:
        """Write the CSV from the spool (header: ``source_path``, ``source_file``, the union)."""
        self._spool.close()
        union = self._columns + list(_TRAILING_COLUMNS) if self._columns else combined_columns([])
        columns = ["source_path", "source_file"] + union
        try:
            atomic_write(self.path, lambda f: self._copy(f, columns))
        finally:
            remove_quietly(self._spool_path)

    def discard(self) -> None:
        self._spool.close()
        remove_quietly(self._spool_path)

    def _copy(self, out: IO[str], columns: list[str]) -> None:
        # The dialect pandas' to_csv uses: minimal quoting, "\n" line ends, missing cells empty.
        out.write(BOM if self.bom else "")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        with open(self._spool_path, encoding="utf-8", newline="") as spool:
            for line in spool:
                name, record = json.loads(line)
                record["source_path"] = name
                values = [record.get(c, "") for c in columns]
                writer.writerow([csv_safe_value(v) for v in values] if self.csv_safe
                                else values)


class SqliteDb:
    """One connection for the batch; ``add`` stores a report in its own transaction."""

    def __init__(self, path: str | Path, tool_version: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tool_version = tool_version
        self._conn = sqlite3.connect(path)
        self._conn.execute("PRAGMA foreign_keys = ON")
        _check_schema(self._conn)
        self._conn.executescript(SQLITE_SCHEMA)

    def add(self, name: str, report: Report) -> None:
        with self._conn:  # commit on success, roll back on error
            _replace_document(self._conn, report, self.tool_version, name)

    def close(self) -> None:
        self._conn.close()



class OutputFormatRefused(SafecityError):
    """A --combined or --db file name whose extension names no format we write."""

    exit_code = 2

    def __init__(self, path: str, what: str, allowed: tuple[str, ...]) -> None:
        super().__init__(path, f"{what} must end in {' or '.join(allowed)}: the format is "
                         "chosen from the extension")


COMBINED_SUFFIXES = (".csv", ".xlsx")
DB_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def check_output_names(combined: str | Path | None, db: str | Path | None) -> None:
    """Refuse a combined file or database whose extension does not say its format."""
    if combined is not None and Path(combined).suffix.lower() not in COMBINED_SUFFIXES:
        raise OutputFormatRefused(str(combined), "--combined", COMBINED_SUFFIXES)
    if db is not None and Path(db).suffix.lower() not in DB_SUFFIXES:
        raise OutputFormatRefused(str(db), "--db", DB_SUFFIXES)
    if combined is not None and Path(combined).suffix.lower() == ".xlsx":
        from .xlsx import require_xlsxwriter

        require_xlsxwriter(str(combined))


def combined_sink(path: str | Path, csv_safe: bool = False, bom: bool = False
                  ) -> "CombinedCsv | CombinedXlsx":
    """The combined output for ``path``: a workbook for .xlsx, else CSV."""
    if Path(path).suffix.lower() == ".xlsx":
        return CombinedXlsx(path)
    return CombinedCsv(path, csv_safe, bom)
