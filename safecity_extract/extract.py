"""The library's main call: a progress-update PDF -> a Report of exact, normalised rows.

Pages stream through pdf -> grid -> stitch one at a time; agency names are matched last.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from .chars import count_unnamed
from .errors import (DamagedPDF, ExtractionFailed, NoTableFound, NoTextLayer,
                     SafecityError, UnmappedColumns)
from .grid import (Column, PageTable, header_cells, line_words, margin_signatures, read_page,
                   visual_lines)
from .model import FIXED_FIELDS, FLAG_UNMATCHED, Box, ColumnSpan, Report, Row, Source, Warning_
from .options import Options
from .files import sha256_file
from .ocr import flag_ocr_rows, low_confidence
from .pdf import Document, PageData, PageFailure, Word
from .settings import Settings
from .status import apply_status, period_of
from .stitch import fill_down, stitch, to_rows

if TYPE_CHECKING:
    from .agencies import Agencies

LOOKED_FOR = "labels like Priority / Action / Lead Agency / Update"


class _Scan:
    """What the page loop learnt besides the tables: title, text seen, header labels."""

    def __init__(self) -> None:
        self.title = ""
        self.any_text = False
        self.columns: list[str] | None = None
        self.header_fields: set[str] = set()
        self.labels_seen: list[str] = []
        self.labels: dict[str, str] = {}  # field -> header label as printed (first header)
        self.warnings: list[Warning_] = []
        self.layout: list[ColumnSpan] = []
        self.header_boxes: list[Box] = []
        self.ocr_pages: set[int] = set()
        self.weak_words: list[tuple[int, Word]] = []  # OCR words read with low confidence
        self.unread: list[tuple[int, tuple[float, float, float, float]]] = []  # ink, no text


def extract(path: str | os.PathLike[str], *, password: str | None = None,
            agencies: Agencies | str | os.PathLike[str] | None = None,
            settings: Settings | Mapping[str, Any] | None = None,
            ocr: str | None = None, options: Options | None = None) -> Report:
    """Read the progress table of the PDF at ``path``.

    ``agencies`` is a list loaded with ``load_agencies``, or the path of an agency names file
    (the shipped list when None); ``settings`` a ``Settings`` or a dict of its fields; ``ocr``
    "auto" (default: pages without a text layer are read by OCR), "always" or "never".
    ``options`` gives all four at once (then leave the others out). Raises a
    ``SafecityError`` child naming the file and the cause when it cannot (a bad agencies file
    is an ``AgencyFileError`` naming that file).
    """
    if isinstance(agencies, (str, os.PathLike)):
        from .agencies import load_agencies

        agencies = load_agencies(Path(agencies))
    if options is None:
        options = Options.of(password, agencies, settings, ocr or "auto")
    elif (password, agencies, settings, ocr) != (None, None, None, None):
        raise TypeError("extract() takes options= or password/agencies/settings/ocr, not both")
    path = Path(path)
    doc: Document | None = None
    try:
        doc = Document(path, options.password, options.settings, options.ocr)
        with doc:
            return _report(doc, path, options.agencies, options.settings)
    except SafecityError:
        raise
    except Exception as exc:  # a bug or an unforeseen PDF quirk: still one line naming the file
        raise ExtractionFailed(str(path), exc, doc.current_page if doc else None) from exc


def _report(doc: Document, path: Path, agencies: Agencies | None, settings: Settings
            ) -> Report:
    scan = _Scan()
    drafts, stitch_warnings = stitch(_tables(doc, scan, settings), settings)
    if doc.all_pages_failed:
        raise DamagedPDF(str(path), f"none of its {doc.page_count} pages can be read: "
                         + _page_failure_detail(doc.failures[0]))
    if not scan.any_text:
        raise NoTextLayer(str(path), ocr_tried=bool(scan.ocr_pages))
    if scan.columns is None:
        if scan.labels_seen:
            raise UnmappedColumns(str(path), scan.labels_seen, _missing(scan.labels_seen))
        raise NoTableFound(str(path), LOOKED_FOR)
    warnings = scan.warnings + stitch_warnings
    if "priority" in scan.header_fields:
        warnings += fill_down(drafts)
    else:
        warnings.append(Warning_(None, "the table has no Priority column: priority left empty"))
    rows = to_rows(drafts, scan.columns)
    _match_leads(rows, agencies)
    status_col = apply_status(rows, scan.columns, scan.labels)
    if scan.ocr_pages:
        warnings += flag_ocr_rows(rows, scan.ocr_pages, scan.weak_words, scan.layout,
                                  scan.unread)
    return Report(
        source=Source(path.name, sha256_file(path), doc.page_count),
        title=scan.title or doc.metadata_title(),
        columns=scan.columns,
        rows=rows,
        warnings=sorted(warnings, key=lambda w: w.page or 0),
        period=period_of([scan.labels.get("update", "")] + list(scan.labels.values())),
        status_column=status_col,
        layout=scan.layout,
        header_boxes=scan.header_boxes,
        path=str(path),
    )


def _page_failure_detail(failure: PageFailure) -> str:
    return str(getattr(failure.error, "detail", failure.error.reason))


def _tables(doc: Document, scan: _Scan, settings: Settings) -> Iterator[PageTable]:
    """Each page's share of the table, in page order; keeps title and warnings on ``scan``."""
    columns: list[Column] | None = None
    body_size: float | None = None
    extent: tuple[float, float] | None = None
    repeated: frozenset[tuple[int, str]] = frozenset()
    for page in doc.pages():
        if isinstance(page, PageFailure):
            scan.warnings.append(Warning_(page.number, f"page skipped: {page.error.reason}"))
            continue
        if page.words:
            scan.any_text = True
        if page.ocr:
            scan.ocr_pages.add(page.number)
            scan.weak_words += [(page.number, w) for w in
                                low_confidence(page.words, settings.ocr_min_confidence)]
            scan.unread += [(page.number, box) for box in page.unread]
        if not scan.title and page.words:
            scan.title = title_of(page, settings)
        unnamed = count_unnamed(w.text for w in page.words)
        if unnamed:
            scan.warnings.append(Warning_(page.number, f"{unnamed} glyph(s) with no Unicode "
                                          "reading kept as (cid:N): check the text"))
        table, header = read_page(page, columns, body_size, settings, extent, repeated)
        repeated = margin_signatures(page, settings)
        if header is not None and table is not None:
            scan.header_boxes.append(Box(page.number, table.x0, header.top, table.x1,
                                         header.bottom))
        if header is not None:
            names = list(header.names)
            if scan.columns is None:
                scan.columns = _ordered(names)
                scan.header_fields = set(names)
                scan.labels = {n: c.label for n, c in zip(names, header.cells)}
            elif set(names) != set(scan.columns):
                scan.warnings.append(Warning_(page.number, "header labels differ from the "
                                              f"first page's: {[c.label for c in header.cells]}"))
        elif table is None:
            scan.labels_seen = scan.labels_seen or _header_like(page, settings)
        if table is None:
            continue
        scan.layout += [ColumnSpan(page.number, c.name, max(c.x0, table.x0), min(c.x1, table.x1))
                        for c in table.columns]
        columns = None if table.ended else table.columns
        extent = None if table.ended else (table.x0, table.x1)
        body_size = table.body_size
        yield table


def _ordered(names: list[str]) -> list[str]:
    """Fixed fields first in their canonical order, then extras in page order."""
    return [f for f in FIXED_FIELDS] + [n for n in names if n not in FIXED_FIELDS]


def _missing(labels: list[str]) -> list[str]:
    from .headers import map_labels

    found = set(map_labels(labels, Settings().header_fuzzy_threshold))
    return [f for f in FIXED_FIELDS if f not in found]


# A row naming one of these is taken as the header first; else the first row that looks like one.
_HEADER_WORDS = ("action", "priority", "lead", "update")


def _header_like(page: PageData, settings: Settings) -> list[str]:
    """Labels of a row that looks like a table header but did not map (for the error)."""
    fallback: list[str] = []
    for line in visual_lines(page.words, settings)[:40]:
        cells = header_cells(line_words(page.words, line), page.rules)
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


def title_of(page: PageData, settings: Settings) -> str:
    """The largest text at the top of the first page with text."""
    lines = visual_lines(page.words, settings)
    biggest = max(ln.size for ln in lines)
    picked = []
    for ln in lines:
        if ln.size >= biggest - 0.5:
            picked.append(ln.text)
        elif picked:
            break
    return " ".join(picked)


def _match_leads(rows: list[Row], agencies: Agencies | None) -> None:
    from .agencies import lead_names, load_agencies, match_agencies

    table = agencies if agencies is not None else load_agencies()
    for row in rows:
        matches = match_agencies(row.get("lead_agency"), table) if row.get("lead_agency") else []
        row.lead_matches = matches
        row.lead_agencies = lead_names(matches)
        if any(m.name is None for m in matches) and FLAG_UNMATCHED not in row.flags:
            row.flags = sorted(row.flags + [FLAG_UNMATCHED])
