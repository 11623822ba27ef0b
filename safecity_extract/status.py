"""Status columns and reporting periods: printed cells -> normalised values.

A column whose label names a status ("RAG", "RAG Status", "Status") gives each row a
``status`` from a fixed vocabulary (Red, Red/Amber, Amber, Amber/Green, Green, Complete,
Not started, In progress, Delayed); the printed cell is kept as it is, in its own column
(a column labelled "Status" is keyed ``status_printed``). A header label such as
"Progress Update (December 2019)" gives the report its ``period``.
"""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Sequence

from .headers import normalise_label
from .model import FIXED_FIELDS, FLAG_STATUS_UNRECOGNISED, PRINTED_SUFFIX, Row

STATUSES = ("Red", "Red/Amber", "Amber", "Amber/Green", "Green", "Complete", "Not started",
            "In progress", "Delayed")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_YEAR = r"(?:19|20)\d{2}(?:\s*[/-]\s*(?:19|20)?\d{2})?"
# "December 2019", "Dec 2019 - March 2020", "Q3 2019/20", "2019-20", "Quarter 2 2019".
_PERIOD = re.compile(
    rf"(?:(?:{_MONTH}\.?\s+(?:{_YEAR}\s*)?(?:[-–—]|to)\s*)?{_MONTH}\.?,?\s+{_YEAR}"
    rf"|(?:q[1-4]|quarter\s+[1-4])\s+{_YEAR}|{_YEAR})",
    re.IGNORECASE)


@dataclass(frozen=True)
class StatusTable:
    """Normalised column labels that hold a status, and printed value -> status."""

    columns: frozenset[str]
    values: dict[str, str]


@functools.lru_cache(maxsize=1)
def load_status_table() -> StatusTable:
    text = resources.files("safecity_extract").joinpath("data/status.csv").read_text("utf-8")
    columns: set[str] = set()
    values: dict[str, str] = {}
    for rec in csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#")):
        if rec["kind"] == "column":
            columns.add(normalise_label(rec["text"]))
        elif rec["status"] in STATUSES:
            values[_value_key(rec["text"])] = rec["status"]
        else:
            raise ValueError(f"status.csv: unknown status {rec['status']!r}")
    return StatusTable(frozenset(columns), values)


def _value_key(text: str) -> str:
    """Lower case, no full stops or brackets, "/" unspaced, single spaces."""
    key = re.sub(r"[.()\[\]]", " ", text.lower())
    key = re.sub(r"\s*/\s*|(?<=[a-z])-(?=[a-z])", "/", key)
    return " ".join(key.split())


def status_column(columns: Sequence[str], labels: dict[str, str] | None = None,
                  table: StatusTable | None = None) -> str | None:
    """The first column whose label (or field name) names a status, else None; a column
    keyed ``status_printed`` always does (the user's own labels key a status column so)."""
    table = table or load_status_table()
    for name in columns:
        label = (labels or {}).get(name, name.removesuffix(PRINTED_SUFFIX).replace("_", " "))
        if normalise_label(label) in table.columns or name == "status" + PRINTED_SUFFIX:
            return name
    return None


def normalise_status(text: str, table: StatusTable | None = None) -> str | None:
    """The status a printed cell means ("GREEN", "Green.", "G" -> "Green"), else None."""
    table = table or load_status_table()
    key = _value_key(text)
    if key in table.values:
        return table.values[key]
    # "Green - on track", "Amber (some slippage)": the first word(s) carry the status.
    for size in (2, 1):
        head = " ".join(re.split(r"[\s:;,–—-]+", key)[:size])
        if len(head) > 2 and head in table.values and len(key.split()) > size:
            return table.values[head]
    return None


def period_of(labels: Sequence[str]) -> str | None:
    """The reporting period printed in a header label, as printed, or None.

    Bracketed notes are looked at first ("Progress Update (December 2019)"), then the rest.
    """
    for label in labels:
        for note in re.findall(r"\(([^)]*)\)", label):
            found = _PERIOD.search(note)
            if found:
                return " ".join(found.group(0).split())
    for label in labels:
        found = _PERIOD.search(label)
        if found:
            return " ".join(found.group(0).split())
    return None


def apply_status(rows: Sequence[Row], columns: Sequence[str],
                 labels: dict[str, str] | None = None) -> str | None:
    """Set each row's ``status`` from the report's status column; return that column's name.

    A non-empty cell that maps to no known status is flagged, never guessed.
    """
    name = status_column([c for c in columns if c not in FIXED_FIELDS], labels)
    if name is None:
        return None
    for row in rows:
        text = row.get(name)
        row.status = normalise_status(text) if text else None
        if text and row.status is None and FLAG_STATUS_UNRECOGNISED not in row.flags:
            row.flags = sorted(row.flags + [FLAG_STATUS_UNRECOGNISED])
    return name
