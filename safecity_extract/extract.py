"""The library's main call: a progress-update PDF -> a Report of exact, normalised rows.

Pages stream through pdf -> pages (the page loop as a fold over grid.py) one at a time, their
small PageReads are stitched into rows; agency names are matched last.
``extract_with_layout`` also returns the ``Layout`` (where columns and headers were found) for
overlays and review pages, so those read the PDF once.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .errors import (DamagedPDF, ExtractionFailed, NoTableFound, NoTextLayer,
                     SafecityError, UnmappedColumns)
from .accounting import paragraphs_of_names
from .layout import Layout
from .model import (FIXED_FIELDS, FLAG_FROM_SECTION, FLAG_MERGED, FLAG_UNMATCHED, Report, Row,
                    Source, Warning_)
from .options import HeaderAliasesSource, Options
from .files import sha256_file
from .ocr import flag_ocr_rows
from .pages import read_pages, summarise
from .pdf import Document, PageFailure
from .settings import Settings
from .status import apply_status, period_of
from .stitch import fill_down, stitch, to_rows

if TYPE_CHECKING:
    from .agencies import Agencies

LOOKED_FOR = "labels like Priority / Action / Lead Agency / Update"


def extract(path: str | os.PathLike[str], *, password: str | None = None,
            agencies: Agencies | str | os.PathLike[str] | None = None,
            settings: Settings | Mapping[str, Any] | None = None,
            ocr: str | None = None, options: Options | None = None,
            header_aliases: HeaderAliasesSource = None) -> Report:
    """Read the progress table of the PDF at ``path``.

    ``agencies`` is a list loaded with ``load_agencies``, or the path of an agency names file
    (the shipped list when None); ``settings`` a ``Settings`` or a dict of its fields; ``ocr``
    "auto" (default: pages without a text layer are read by OCR), "always" or "never";
    ``header_aliases`` the path of a ``label,key`` file or a mapping label -> key (header
    labels the package does not know). ``options`` gives them all at once (then leave the
    others out). Raises a ``SafecityError`` child naming the file and the cause when it
    cannot (a bad agencies file is an ``AgencyFileError`` naming that file, a bad header
    aliases file a ``HeaderAliasFileError``).
    """
    return extract_with_layout(path, password=password, agencies=agencies, settings=settings,
                               ocr=ocr, options=options, header_aliases=header_aliases)[0]


def extract_with_layout(path: str | os.PathLike[str], *, password: str | None = None,
                        agencies: Agencies | str | os.PathLike[str] | None = None,
                        settings: Settings | Mapping[str, Any] | None = None,
                        ocr: str | None = None, options: Options | None = None,
                        header_aliases: HeaderAliasesSource = None
                        ) -> tuple[Report, Layout]:
    """``extract``, and beside the Report the ``Layout`` it was read with (column spans and
    header boxes per page, the PDF's path): what ``inspect`` and ``review`` draw."""
    if isinstance(agencies, (str, os.PathLike)):
        from .agencies import load_agencies

        agencies = load_agencies(Path(agencies))
    if options is None:
        options = Options.of(password, agencies, settings, ocr or "auto", header_aliases)
    elif (password, agencies, settings, ocr, header_aliases) != (None,) * 5:
        raise TypeError("extract() takes options= or password/agencies/settings/ocr/"
                        "header_aliases, not both")
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
            ) -> tuple[Report, Layout]:
    reads = read_pages(doc.pages(), settings)
    drafts, stitch_warnings = stitch([r.table for r in reads if r.table is not None], settings)
    if doc.all_pages_failed:
        raise DamagedPDF(str(path), f"none of its {doc.page_count} pages can be read: "
                         + _page_failure_detail(doc.failures[0]))
    seen = summarise(reads, str(path))
    if not seen.any_text:
        raise NoTextLayer(str(path), ocr_tried=bool(seen.ocr_pages))
    if seen.columns is None:
        if seen.labels_seen:
            raise UnmappedColumns(str(path), seen.labels_seen,
                                  _missing(seen.labels_seen, settings))
        raise NoTableFound(str(path), LOOKED_FOR)
    warnings = seen.warnings + stitch_warnings
    if "priority" in seen.header_fields or any(FLAG_FROM_SECTION in d.flags for d in drafts):
        warnings += fill_down(drafts)
    else:
        warnings.append(Warning_(None, "the table has no Priority column: priority left empty"))
    rows = to_rows(drafts, seen.columns)
    _match_leads(rows, agencies)
    warnings += _merged_leads(rows, agencies)
    status_col = apply_status(rows, seen.columns, seen.labels)
    if seen.ocr_pages:
        warnings += flag_ocr_rows(rows, seen.ocr_pages, seen.weak_words, seen.layout.columns,
                                  seen.unread)
    report = Report(
        source=Source(path.name, sha256_file(path), doc.page_count),
        title=seen.title or doc.metadata_title(),
        columns=seen.columns,
        rows=rows,
        warnings=sorted(warnings, key=lambda w: w.page or 0),
        period=period_of([seen.labels.get("update", "")] + list(seen.labels.values())),
        status_column=status_col,
        pages=[r.table.counts for r in reads if r.table is not None and r.table.counts],
    )
    return report, seen.layout


def _page_failure_detail(failure: PageFailure) -> str:
    return str(getattr(failure.error, "detail", failure.error.reason))


def _missing(labels: list[str], settings: Settings) -> list[str]:
    from .headers import map_labels

    found = set(map_labels(labels, settings.header_fuzzy_threshold, settings.header_aliases))
    return [f for f in FIXED_FIELDS if f not in found]


def _merged_leads(rows: list[Row], agencies: Agencies | None) -> list[Warning_]:
    """Flag rows whose Lead cell names agencies in separate paragraphs: likely two rows
    read as one."""
    from .agencies import load_agencies, match_agencies

    table = agencies if agencies is not None else load_agencies()

    def is_name(text: str) -> bool:
        matches = match_agencies(text, table)
        return bool(matches) and all(m.name is not None for m in matches)

    warnings = []
    for row in rows:
        if paragraphs_of_names(row.get("lead_agency"), is_name):
            row.flags = sorted(row.flags + [FLAG_MERGED])
            warnings.append(Warning_(row.page_start, f"row {row.row}: its Lead cell names "
                                     "agencies in separate paragraphs: two rows may be merged",
                                     loss=True))
    return warnings


def _match_leads(rows: list[Row], agencies: Agencies | None) -> None:
    from .agencies import lead_names, load_agencies, match_agencies

    table = agencies if agencies is not None else load_agencies()
    for row in rows:
        matches = match_agencies(row.get("lead_agency"), table) if row.get("lead_agency") else []
        row.lead_matches = matches
        row.lead_agencies = lead_names(matches)
        if any(m.name is None for m in matches) and FLAG_UNMATCHED not in row.flags:
            row.flags = sorted(row.flags + [FLAG_UNMATCHED])
