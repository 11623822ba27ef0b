"""The data contract: Report and Row, and their JSON / pandas forms.

Everything the extractor produces ends up in these dataclasses; writers, golden checks and
the CLI only read them. The JSON form is pinned by ``data/report.schema.json``. Where things
were found on the pages is not part of the contract: that is the ``Layout`` (layout.py) that
``extract_with_layout`` returns beside the Report.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping

SCHEMA_VERSION = 1
FIXED_FIELDS: tuple[str, ...] = ("priority", "action", "lead_agency", "update")
# A row's own keys beside its cells (and the DataFrame's "source"): an extra column whose
# name would be one of them is named with PRINTED_SUFFIX ("Status" -> "status_printed"), so
# the printed cell and the normalised ``status`` both survive.
ROW_KEYS: tuple[str, ...] = ("row", "lead_agencies", "lead_matches", "status", "links",
                             "page_start", "page_end", "flags", "boxes", "source")
PRINTED_SUFFIX = "_printed"

# Flags a row can carry; documented in the README and the JSON Schema.
FLAG_JOINED = "joined_across_pages"
FLAG_FILLED = "priority_filled_down"
FLAG_UNMATCHED = "agency_unmatched"
FLAG_PRIORITY_MISSING = "priority_missing"
FLAG_SPLIT_GUESSED = "row_split_from_text"  # row start found from text cues in touching rows
FLAG_OCR = "ocr"  # read by OCR from a page image
FLAG_OCR_LOW = "ocr_low_confidence"  # a cell holds words OCR read with low confidence
FLAG_STATUS_UNRECOGNISED = "status_unrecognised"  # a status cell that maps to no known status
FLAG_MERGED = "possible_merged_rows"  # its Lead cell names agencies in separate paragraphs
FLAG_FROM_SECTION = "priority_from_section"  # priority read from a section row or heading
# Over a page break a line ended just where the next page's first word would not fit: wrap or
# paragraph end could not be told from the page, the text decided.
FLAG_BREAK_GUESSED = "paragraph_break_guessed"
# A link's area lay off its words (cutting through them, or over none): its text was taken
# from the one line where whole words fit its width, moved up or down (links.place).
FLAG_LINK_MOVED = "link_area_moved"
# The row's text may stop before the author's did: a cell ending in a word broken at a
# hyphen, or the last row of a page with text drawn under the table's foot (clipped).
FLAG_CUT = "possibly_cut_short"
# Flags that only say what was done; every other flag asks for a check.
ROUTINE_FLAGS = frozenset({FLAG_FILLED, FLAG_JOINED, FLAG_FROM_SECTION})


def needs_look(flags: "list[str] | tuple[str, ...]") -> bool:
    """True when a row carries a flag that asks for a check (not just what was done)."""
    return any(f not in ROUTINE_FLAGS for f in flags)


@dataclass(frozen=True)
class Link:
    text: str
    uri: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "uri": self.uri}


@dataclass(frozen=True)
class AgencyMatch:
    """One part of a Lead Agency cell and the canonical name it matched (or None)."""

    text: str
    name: str | None
    method: str  # exact | abbreviation | fuzzy | all | unmatched
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "name": self.name, "method": self.method,
                "score": round(self.score, 1)}


@dataclass(frozen=True)
class Box:
    """Where a row sits on one page, in PDF points with a top-left origin."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "x0": round(self.x0, 2), "top": round(self.top, 2),
                "x1": round(self.x1, 2), "bottom": round(self.bottom, 2)}


@dataclass
class Row:
    row: int
    cells: dict[str, str]                   # field -> text, fixed fields and extras
    links: list[Link] = field(default_factory=list)
    page_start: int = 0
    page_end: int = 0
    flags: list[str] = field(default_factory=list)
    lead_agencies: list[str] = field(default_factory=list)
    lead_matches: list[AgencyMatch] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    status: str | None = None  # normalised from the report's status column (Red, Green, ...)

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def to_dict(self, columns: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row}
        for name in columns:
            out[name] = self.cells.get(name, "")
            if name == "lead_agency":
                out["lead_agencies"] = list(self.lead_agencies)
                out["lead_matches"] = [m.to_dict() for m in self.lead_matches]
        out["status"] = self.status
        out["links"] = [link.to_dict() for link in self.links]
        out["page_start"] = self.page_start
        out["page_end"] = self.page_end
        out["flags"] = list(self.flags)
        out["boxes"] = [box.to_dict() for box in self.boxes]
        return out


@dataclass(frozen=True)
class Warning_:
    """Something the reader could not place or had to decide; the page it is about, or None
    for the whole document (e.g. a table without a Priority column)."""

    page: int | None
    message: str
    loss: bool = False  # rows or words may be missing (``extract --strict`` exits 1)

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "message": self.message, "loss": self.loss}


# Why a word of a table page is in no cell (accounting.py), in the order the JSON lists them.
LEFT_OUT_REASONS = ("running header or footer", "page number", "heading or title",
                    "before the table", "after the table", "beside the table's columns",
                    "watermark", "continuation marker", "no position on the page",
                    "inside the table, in no cell")


@dataclass(frozen=True)
class PageCount:
    """How one page's words were accounted for: ``words == in_cells + header +
    sum(left_out.values())``, always."""

    page: int
    words: int
    in_cells: int
    header: int
    left_out: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"page": self.page, "words": self.words, "in_cells": self.in_cells,
                "header": self.header,
                "left_out": {r: self.left_out[r] for r in LEFT_OUT_REASONS if self.left_out.get(r)}}


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str
    pages: int
    # The document's path as given to the batch (folder argument + path below it); the file
    # name when read on its own. One document per path: copies share only their sha256.
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "path": self.path or self.file, "sha256": self.sha256,
                "pages": self.pages}


@dataclass
class Report:
    source: Source
    title: str
    columns: list[str]
    rows: list[Row]
    warnings: list[Warning_] = field(default_factory=list)
    period: str | None = None         # reporting period printed in a header label
    status_column: str | None = None  # the column rows' ``status`` was read from
    pages: list[PageCount] = field(default_factory=list)  # where each table page's words went

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source.to_dict(),
            "title": self.title,
            "period": self.period,
            "columns": list(self.columns),
            "status_column": self.status_column,
            "rows": [row.to_dict(self.columns) for row in self.rows],
            "warnings": [w.to_dict() for w in self.warnings],
            "pages": [p.to_dict() for p in self.pages],
        }

    def to_json(self) -> str:
        """Deterministic JSON text (same report, same bytes)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def csv_records(self) -> list[dict[str, Any]]:
        """One flat dict per row: lists joined with "; ", the order of the CSV columns."""
        records = []
        for row in self.rows:
            rec: dict[str, Any] = {"row": row.row}
            for name in self.columns:
                rec[name] = row.cells.get(name, "")
                if name == "lead_agency":
                    rec["lead_agencies"] = "; ".join(row.lead_agencies)
            rec["status"] = row.status or ""
            rec["links"] = "; ".join(f"{link.text} <{link.uri}>" for link in row.links)
            rec["page_start"] = row.page_start
            rec["page_end"] = row.page_end
            rec["flags"] = "; ".join(row.flags)
            records.append(rec)
        return records

    def csv_columns(self) -> list[str]:
        cols = ["row"]
        for name in self.columns:
            cols.append(name)
            if name == "lead_agency":
                cols.append("lead_agencies")
        return cols + ["status", "links", "page_start", "page_end", "flags"]

    def to_dataframe(self) -> "Any":
        """A pandas DataFrame, one row per action: ``source`` (the document's path), then the
        CSV's columns."""
        import pandas as pd

        source = self.source.path or self.source.file
        return pd.DataFrame([{"source": source, **rec} for rec in self.csv_records()],
                            columns=["source"] + self.csv_columns())

    def __repr__(self) -> str:
        period = f", {self.period}" if self.period else ""
        return (f"<Report {self.source.path or self.source.file}{period}: {len(self.rows)} rows, "
                f"columns {self.columns}, {len(self.warnings)} warnings>")


def load_schema() -> dict[str, Any]:
    text = resources.files("safecity_extract").joinpath("data/report.schema.json").read_text(
        "utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if ``data`` breaks the contract."""
    import jsonschema

    jsonschema.validate(data, load_schema())
