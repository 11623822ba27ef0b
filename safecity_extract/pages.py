"""The page loop as a fold: each page is read with what the page before it left.

``read_page(page, carry, settings) -> PageRead`` reads one page: the table's part of it and
its header (grid.py), what it says about the document (title, text seen, a header-like row
that did not map), and the ``Carry`` the next page is read with. ``read_pages`` folds a
document's pages in order; each page's words are dropped once it is read, only the small
PageReads stay. ``summarise`` derives afterwards what the document learnt from them: the
title, columns and header labels, page warnings and the ``Layout``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .accounting import rows_after
from .cells import Line
from .chars import count_unnamed
from .geometry import words_on
from .grid import (Carry, Header, PageTable, header_cells, margin_signatures, read_table,
                   visual_lines)
from .layout import ColumnSpan, Layout
from .model import FIXED_FIELDS, Box, Warning_
from .ocr import low_confidence
from .pdf import PageData, PageFailure, Word
from .settings import Settings


@dataclass(frozen=True)
class PageRead:
    """What one page gave: its share of the table (None if it holds none) and header, the
    reason it was skipped (a page that cannot be parsed), and what the next page starts from."""

    number: int
    carry: Carry                       # what this page leaves the next one
    table: PageTable | None = None
    header: Header | None = None
    skipped: str | None = None
    has_text: bool = False
    title: str = ""                    # read on the first page with text only
    labels_seen: tuple[str, ...] = ()  # a header-like row that did not map (until one is seen)
    ocr: bool = False                  # its words were read by OCR from the page image
    weak: tuple[Word, ...] = ()        # OCR words read with low confidence
    unnamed: int = 0                   # glyphs with no Unicode reading, kept as (cid:N)
    unread: tuple[tuple[float, float, float, float], ...] = ()  # OCR page: ink, no text read
    loss: tuple[str, ...] = ()         # warnings of possible loss about this page


def read_page(page: PageData | PageFailure, carry: Carry, settings: Settings) -> PageRead:
    """One step of the fold: ``page`` read with what the pages before it left."""
    if isinstance(page, PageFailure):
        return PageRead(page.number, carry, skipped=page.error.reason)
    lines = visual_lines(page.words, settings)
    table, header = read_table(page, carry, settings, lines)
    title = title_of(lines) if not carry.titled and page.words else ""
    labels = (tuple(_header_like(page, lines, settings)) if table is None and header is None
              and not carry.labelled else ())
    open_table = table is not None and not table.ended
    loss, stopped = _after_stop(page, table, carry, settings)
    after = Carry(
        columns=tuple(table.columns) if table is not None and open_table else
        (carry.columns if table is None else None),
        body_size=table.body_size if table is not None else carry.body_size,
        extent=(table.x0, table.x1) if table is not None and open_table else
        (carry.extent if table is None else None),
        margins=margin_signatures(page, settings),
        titled=carry.titled or bool(title),
        labelled=carry.labelled or bool(labels),
        stopped=stopped,
        starts=tuple(sorted(table.text_left.items())) if table is not None and open_table else
        (carry.starts if table is None else ()))
    weak = (tuple(low_confidence(page.words, settings.ocr_min_confidence)) if page.ocr
            else ())
    unnamed = count_unnamed(w.text for w in page.words)
    return PageRead(page.number, after, table, header, None, bool(page.words), title, labels,
                    page.ocr, weak, unnamed, page.unread if page.ocr else (), loss)


def _after_stop(page: PageData, table: PageTable | None, carry: Carry, settings: Settings
                ) -> tuple[tuple[str, ...], tuple[int, tuple[tuple[str, float], ...]] | None]:
    """A warning of possible loss when a page after the table stopped carries lines aligned
    to its columns (once), and what the next page checks against."""
    if table is not None:
        starts = tuple(sorted(table.text_left.items()))
        return (), ((table.page, starts) if table.ended else None)
    if carry.stopped is None or not page.words:
        return (), carry.stopped
    found = rows_after(page.words, dict(carry.stopped[1]), settings)
    if found < settings.aligned_rows:
        return (), carry.stopped
    return (f"the table stopped on page {carry.stopped[0]} but {found} lines on this page "
            "are aligned to its columns: rows may be missing",), None


def read_pages(pages: Iterable[PageData | PageFailure], settings: Settings) -> list[PageRead]:
    """Every page read in order, each with the carry of the one before."""
    reads: list[PageRead] = []
    carry = Carry()
    for page in pages:
        read = read_page(page, carry, settings)
        carry = read.carry
        reads.append(read)
    return reads


@dataclass(frozen=True)
class Summary:
    """What the pages together say about the document, besides the table's bands."""

    title: str
    any_text: bool
    columns: list[str] | None          # output columns from the first header read; None: none
    header_fields: frozenset[str]      # fields that first header maps
    labels: dict[str, str]             # field -> its label as printed in the first header
    labels_seen: list[str]             # a header-like row that did not map (for the error)
    warnings: list[Warning_]           # skipped pages, headers that differ from the first
    layout: Layout
    ocr_pages: set[int]                # pages read by OCR
    weak_words: list[tuple[int, Word]]  # (page, word) OCR read with low confidence
    unread: list[tuple[int, tuple[float, float, float, float]]]  # (page, box): ink, no text


def summarise(reads: Sequence[PageRead], path: str) -> Summary:
    """Derive the document's title, columns, labels, warnings and Layout from its PageReads."""
    first = next((r.header for r in reads if r.header is not None), None)
    columns = _ordered(list(first.names)) if first is not None else None
    warnings: list[Warning_] = []
    for read in reads:
        if read.skipped is not None:
            warnings.append(Warning_(read.number, f"page skipped: {read.skipped}"))
            continue
        warnings += [Warning_(read.number, msg, loss=True) for msg in read.loss]
        if read.unnamed:
            warnings.append(Warning_(read.number, f"{read.unnamed} glyph(s) with no Unicode "
                                     "reading kept as (cid:N): check the text"))
        if (read.header is not None and read.header is not first and first is not None
              and set(read.header.names) != set(first.names)):
            warnings.append(Warning_(read.number, "header labels differ from the first "
                                     f"page's: {[c.label for c in read.header.cells]}"))
    spans = [ColumnSpan(r.number, c.name, max(c.x0, r.table.x0), min(c.x1, r.table.x1))
             for r in reads if r.table is not None for c in r.table.columns]
    boxes = [Box(r.number, r.table.x0, r.header.top, r.table.x1, r.header.bottom)
             for r in reads if r.header is not None and r.table is not None]
    return Summary(
        title=next((r.title for r in reads if r.title), ""),
        any_text=any(r.has_text for r in reads),
        columns=columns,
        header_fields=frozenset(first.names) if first is not None else frozenset(),
        labels={n: c.label for n, c in zip(first.names, first.cells)} if first else {},
        labels_seen=list(next((r.labels_seen for r in reads if r.labels_seen), ())),
        warnings=warnings,
        layout=Layout(path, tuple(spans), tuple(boxes)),
        ocr_pages={r.number for r in reads if r.ocr},
        weak_words=[(r.number, w) for r in reads for w in r.weak],
        unread=[(r.number, box) for r in reads for box in r.unread])


def _ordered(names: list[str]) -> list[str]:
    """Fixed fields first in their canonical order, then extras in page order."""
    return [f for f in FIXED_FIELDS] + [n for n in names if n not in FIXED_FIELDS]


# A row naming one of these is taken as the header first; else the first row that looks like one.
_HEADER_WORDS = ("action", "priority", "lead", "update")


def _header_like(page: PageData, lines: Sequence[Line], settings: Settings) -> list[str]:
    """Labels of a row that looks like a table header but did not map (for the error)."""
    fallback: list[str] = []
    for line in lines[:40]:
        cells = header_cells(words_on(page.words, line, settings.line_slack), page.rules,
                             settings)
        if not 3 <= len(cells) <= 8:
            continue
        if any(w in line.text.lower() for w in _HEADER_WORDS):
            return [c.label for c in cells]
        if not fallback and all(_label_like(c.label) for c in cells):
            fallback = [c.label for c in cells]
    return fallback


def _label_like(text: str) -> bool:
    """Short and wordy, like "Ref" or "Target date", not a sentence or a number."""
    return any(ch.isalpha() for ch in text) and len(text) <= 30 and len(text.split()) <= 3


def title_of(lines: Sequence[Line]) -> str:
    """The largest text at the top of the page (its ``visual_lines``)."""
    biggest = max(ln.size for ln in lines)
    picked = []
    for ln in lines:
        if ln.size >= biggest - 0.5:
            picked.append(ln.text)
        elif picked:
            break
    return " ".join(picked)
