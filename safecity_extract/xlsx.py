"""Reports -> Excel workbooks (XlsxWriter, the optional ``[xlsx]`` extra).

One workbook per report (its rows, then its warnings), or one combined workbook: a summary
sheet of actions per agency per report, a sheet of flagged rows, then a sheet per report.
Every text cell is written as a string, never as a formula, so "=1+1" shows as typed.
Files are written beside the target and moved over it, as every other output.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from .errors import SafecityError
from .model import Report, needs_look
_WIDTHS = {"row": 6, "priority": 24, "action": 48, "lead_agency": 24, "lead_agencies": 28,
           "update": 80, "status": 12, "links": 30, "page_start": 8, "page_end": 8,
           "flags": 28, "source_path": 30, "source_file": 24}
_DEFAULT_WIDTH = 16
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


class XlsxUnavailable(SafecityError):
    """XlsxWriter is not installed."""

    exit_code = 2

    def __init__(self, path: str) -> None:
        super().__init__(path, "Excel output needs XlsxWriter: pip install "
                         "'safecity-extract[xlsx]'")


def _xlsxwriter(path: str | Path) -> Any:
    try:
        import xlsxwriter
    except ImportError:
        raise XlsxUnavailable(str(path)) from None
    return xlsxwriter


def require_xlsxwriter(path: str) -> None:
    """Raise XlsxUnavailable (one line naming ``path``) when XlsxWriter is missing."""
    _xlsxwriter(path)


class _Book:
    """A workbook being written to a temporary file beside ``path``; ``close`` moves it over
    ``path``, ``discard`` removes it."""

    def __init__(self, path: str | Path) -> None:
        module = _xlsxwriter(path)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                         dir=self.path.parent)
        os.close(fd)
        # Strings stay strings: no formulas, numbers or URLs read out of text cells.
        self.book = module.Workbook(self._tmp, {
            "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
            "constant_memory": True})
        self.head = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                          "bg_color": "#DDE4EE", "border": 1})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.flag = self.book.add_format({"text_wrap": True, "valign": "top",
                                          "bg_color": "#FFE699", "bold": True})
        self._names: set[str] = set()

    def sheet(self, name: str) -> Any:
        return self.book.add_worksheet(self._unique(name))

    def _unique(self, name: str) -> str:
        base = _SHEET_BAD.sub("_", name).strip("'") or "sheet"
        candidate, n = base[:31], 1
        while candidate.casefold() in self._names:
            n += 1
            suffix = f" ({n})"
            candidate = base[: 31 - len(suffix)] + suffix
        self._names.add(candidate.casefold())
        return candidate

    def table(self, ws: Any, columns: Sequence[str], records: Sequence[dict[str, Any]]) -> None:
        """Header (bold, frozen, autofilter), widths, wrapped cells, flagged cells marked."""
        self.header(ws, columns)
        for r, rec in enumerate(records, start=1):
            self.record(ws, r, columns, rec)
        ws.autofilter(0, 0, max(len(records), 1), len(columns) - 1)

    def header(self, ws: Any, columns: Sequence[str]) -> None:
        for c, name in enumerate(columns):
            ws.set_column(c, c, _WIDTHS.get(name, _DEFAULT_WIDTH))
            ws.write_string(0, c, name, self.head)
        ws.freeze_panes(1, 0)

    def record(self, ws: Any, r: int, columns: Sequence[str], rec: dict[str, Any]) -> None:
        flagged = needs_look(str(rec.get("flags", "")).split("; ")) if rec.get("flags") else False
        for c, name in enumerate(columns):
            value = rec.get(name, "")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value, self.wrap)
            else:
                fmt = self.flag if name == "flags" and flagged else self.wrap
                ws.write_string(r, c, "" if value is None else str(value), fmt)

    def close(self) -> None:
        try:
            self.book.close()
            os.chmod(self._tmp, 0o666 & ~_umask())
            os.replace(self._tmp, self.path)
        except BaseException:
            _remove(self._tmp)
            raise

    def discard(self) -> None:
        try:
            self.book.close()
        finally:
            _remove(self._tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_xlsx(report: Report, path: str | Path) -> None:
    """One workbook: sheet "rows" (the CSV's columns) and sheet "warnings"."""
    book = _Book(path)
    try:
        book.table(book.sheet("rows"), report.csv_columns(), report.csv_records())
        book.table(book.sheet("warnings"), ["page", "message"],
                   [{"page": w.page or "", "message": w.message} for w in report.warnings])
    except BaseException:
        book.discard()
        raise
    book.close()


FLAGGED_COLUMNS = ("source_path", "row", "flags", "priority", "action", "lead_agency",
                   "lead_agencies", "status", "page_start", "page_end")


def sheet_name(path: str) -> str:
    """A report's sheet name: its path without the suffix, folders joined with spaces, cut
    from the left to Excel's 31 characters ("reports/2019/report.pdf" -> "reports 2019 report")."""
    parts = [p for p in Path(path).with_suffix("").parts if p not in ("/", "..", ".")]
    while len(parts) > 1 and len(" ".join(parts)) > 31:
        parts = parts[1:]
    return " ".join(parts)[-31:]


class CombinedXlsx:
    """``add(path, report)`` in input order, then ``close()``: the combined workbook.

    Sheets: "summary" (actions per agency, one column per report), "flagged" (rows with a
    flag that needs a look, from every report), then one sheet per report, named after it.
    Rows go to disk as they come (constant memory); only the counts are kept.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._book = _Book(path)
        self._summary = self._book.sheet("summary")
        self._flagged = self._book.sheet("flagged")
        self._book.header(self._flagged, FLAGGED_COLUMNS)
        self._flagged_rows = 0
        self._reports: list[str] = []
        self._counts: list[Counter[str]] = []

    def add(self, name: str, report: Report) -> None:
        ws = self._book.sheet(sheet_name(name))
        self._book.table(ws, report.csv_columns(), report.csv_records())
        for rec, row in zip(report.csv_records(), report.rows):
            if needs_look(row.flags):
                self._flagged_rows += 1
                self._book.record(self._flagged, self._flagged_rows, FLAGGED_COLUMNS,
                                  {"source_path": name, **rec})
        self._reports.append(name)
        self._counts.append(Counter(a for row in report.rows for a in dict.fromkeys(
            row.lead_agencies or ["(unmatched)"])))

    def close(self) -> None:
        try:
            self._flagged.autofilter(0, 0, max(self._flagged_rows, 1), len(FLAGGED_COLUMNS) - 1)
            self._write_summary()
        except BaseException:
            self._book.discard()
            raise
        self._book.close()

    def discard(self) -> None:
        self._book.discard()

    def _write_summary(self) -> None:
        agencies = sorted({a for counts in self._counts for a in counts},
                          key=lambda a: (-sum(c[a] for c in self._counts), a))
        columns = ["agency"] + self._reports
        records = [{"agency": a, **{name: counts[a] for name, counts in
                                    zip(self._reports, self._counts)}} for a in agencies]
        self._book.table(self._summary, columns, records)
        self._summary.set_column(0, 0, 36)
        self._summary.set_column(1, max(len(columns) - 1, 1), 18)
