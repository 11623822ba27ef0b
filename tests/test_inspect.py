"""Page overlays: what is drawn (pure shapes, hand-made reports) and the pictures (samples)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from safecity_extract import extract_with_layout
from safecity_extract.cli import main
from safecity_extract.inspect import (CELL, COLUMN, HEADER, REPEATED_HEADER, ROW, TABLE,
                                      inspect_page, overlay_shapes, parse_pages)
from safecity_extract.layout import ColumnSpan, Layout
from safecity_extract.model import FLAG_FILLED, FLAG_JOINED, FLAG_UNMATCHED, Box, Report, Row, Source
from safecity_extract.pdf import render_page

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.pdf"))
LOW_RES = 36  # enough to see shapes, cheap enough to draw every sample page


@lru_cache(maxsize=None)
def sample_report(path: Path) -> tuple[Report, Layout]:
    return extract_with_layout(path)


def rows_on(report: Report, page: int) -> list[Row]:
    return [row for row in report.rows if any(b.page == page for b in row.boxes)]


def two_page_report() -> tuple[Report, Layout]:
    """Row 1 on page 1; row 2 starts on page 1 and ends on page 2; row 3 on page 2."""
    spans = [ColumnSpan(p, name, x0, x1) for p in (1, 2) for name, x0, x1 in
             (("priority", 50, 120), ("action", 120, 280), ("lead_agency", 280, 350),
              ("update", 350, 540))]
    rows = [
        Row(1, {"priority": "P", "action": "A1"}, page_start=1, page_end=1,
            boxes=[Box(1, 52, 110, 538, 300)]),
        Row(2, {"priority": "P", "action": "A2"}, page_start=1, page_end=2,
            flags=[FLAG_JOINED, FLAG_FILLED], boxes=[Box(1, 52, 300, 538, 780),
                                                    Box(2, 122, 80, 538, 200)]),
        Row(3, {"priority": "P", "action": "A3", "lead_agency": "Nobody"}, page_start=2,
            page_end=2, flags=[FLAG_FILLED, FLAG_UNMATCHED], boxes=[Box(2, 122, 200, 538, 400)]),
    ]
    report = Report(Source("hand.pdf", "0" * 64, 2), "Hand made", ["priority", "action",
                    "lead_agency", "update"], rows)
    return report, Layout("hand.pdf", tuple(spans),
                          (Box(1, 52, 90, 400, 108), Box(2, 52, 60, 400, 78)))


def kinds(shapes: list, kind: str) -> list:
    return [s for s in shapes if s.kind == kind]


# --- shapes of a hand-made report ------------------------------------------------------------


def test_first_header_is_read_and_the_later_one_is_a_dropped_repeat() -> None:
    report, layout = two_page_report()
    assert [s.kind for s in overlay_shapes(report, layout, 1) if "header" in s.kind] == [HEADER]
    assert [s.kind for s in overlay_shapes(report, layout, 2) if "header" in s.kind] == [REPEATED_HEADER]


def test_row_bands_are_numbered_by_output_row_and_mark_continuations() -> None:
    report, layout = two_page_report()
    assert [s.label for s in kinds(overlay_shapes(report, layout, 1), ROW)] == ["1", "2"]
    assert [s.label for s in kinds(overlay_shapes(report, layout, 2), ROW)] == ["2 (cont.)", "3"]


def test_flagged_cells_sit_in_their_columns() -> None:
    report, layout = two_page_report()
    page2 = kinds(overlay_shapes(report, layout, 2), CELL)
    unmatched = [s for s in page2 if s.flag == FLAG_UNMATCHED]
    assert [(s.row, s.x0, s.x1) for s in unmatched] == [(3, 280, 350)]
    # A filled-down priority is marked where the row starts, in the Priority column, even when
    # the row's box (its text) starts further right.
    filled = [s for s in page2 if s.flag == FLAG_FILLED]
    assert [(s.row, s.x0, s.x1) for s in filled] == [(3, 50, 120)]
    page1_filled = [s for s in kinds(overlay_shapes(report, layout, 1), CELL) if s.flag == FLAG_FILLED]
    assert [s.row for s in page1_filled] == [2]


def test_a_joined_row_is_marked_on_both_pages() -> None:
    report, layout = two_page_report()
    for page in (1, 2):
        joined = [s for s in kinds(overlay_shapes(report, layout, page), CELL) if s.flag == FLAG_JOINED]
        assert [s.row for s in joined] == [2]


def test_outline_covers_columns_headers_and_rows() -> None:
    (table,) = kinds(overlay_shapes(*two_page_report(), 2), TABLE)
    assert (table.x0, table.top, table.x1, table.bottom) == (50, 60, 540, 400)


def test_rule_less_columns_at_the_page_edges_do_not_stretch_the_outline() -> None:
    report, layout = two_page_report()
    layout = Layout("hand.pdf", (ColumnSpan(1, "priority", 0.0, 120),
                                 ColumnSpan(1, "update", 350, 595.3)))
    shapes = overlay_shapes(report, layout, 1, page_width=595.3)
    (table,) = kinds(shapes, TABLE)
    assert (table.x0, table.x1) == (52, 538)
    assert all(table.x0 <= s.x0 and s.x1 <= table.x1 for s in shapes)


def test_a_page_without_the_table_has_nothing_to_draw() -> None:
    assert overlay_shapes(*two_page_report(), 3) == []


def test_parse_pages() -> None:
    assert parse_pages("2-3", 5) == [2, 3]
    assert parse_pages("1, 4-5, 4", 5) == [1, 4, 5]
    with pytest.raises(ValueError, match="outside 1-5"):
        parse_pages("4-6", 5)
    with pytest.raises(ValueError, match="bad page range"):
        parse_pages("two", 5)


# --- the samples -----------------------------------------------------------------------------


def test_samples_exist() -> None:
    assert len(SAMPLES) >= 3


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.name)
def test_row_bands_drawn_equal_the_rows_on_each_page(pdf: Path) -> None:
    report, layout = sample_report(pdf)
    for page in range(1, report.source.pages + 1):
        bands = kinds(overlay_shapes(report, layout, page), ROW)
        on_page = rows_on(report, page)
        assert len(bands) == len(on_page), f"page {page}"
        assert sorted(s.row for s in bands) == sorted(r.row for r in on_page)


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.name)
def test_every_page_with_rows_gets_an_overlay(pdf: Path) -> None:
    report, layout = sample_report(pdf)
    pages = [p for p in range(1, report.source.pages + 1) if rows_on(report, p)]
    assert pages
    for page in pages:
        plain = render_page(pdf, page, LOW_RES)
        drawn = inspect_page(report, layout, page, LOW_RES)
        assert drawn.width == plain.width and drawn.height > plain.height  # legend below
        changed = ImageChops.difference(drawn.crop((0, 0) + plain.size), plain).getbbox()
        assert changed is not None, f"page {page}: nothing drawn"
        assert kinds(overlay_shapes(report, layout, page), COLUMN), f"page {page}: no columns"


def test_the_layout_names_its_pdf_and_is_not_in_the_json() -> None:
    report, layout = sample_report(SAMPLES[0])
    assert layout.path == str(SAMPLES[0])
    assert layout.columns and layout.header_boxes
    image = inspect_page(report, layout, 1, LOW_RES)
    assert isinstance(image, Image.Image)
    assert "path" not in json.loads(report.to_json())
    assert not hasattr(report, "layout") and not hasattr(report, "inspect_page")


def test_a_report_without_layout_draws_rows_but_no_columns() -> None:
    report, _ = sample_report(SAMPLES[0])
    shapes = overlay_shapes(report, None, 1)
    assert kinds(shapes, ROW) and not kinds(shapes, COLUMN) and not kinds(shapes, HEADER)
    image = inspect_page(report, SAMPLES[0], 1, LOW_RES)  # a bare PDF path
    assert isinstance(image, Image.Image)


def test_render_page_outside_the_document() -> None:
    with pytest.raises(ValueError, match="no page 99"):
        render_page(SAMPLES[0], 99)


def test_cli_inspect_writes_one_png_per_page(tmp_path: Path) -> None:
    pdf = SAMPLES[0]
    result = CliRunner().invoke(main, ["inspect", str(pdf), "--pages", "1-2", "--out",
                                       str(tmp_path), "--resolution", str(LOW_RES)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{pdf.stem}-p1.png",
                                                          f"{pdf.stem}-p2.png"]
    assert Image.open(tmp_path / f"{pdf.stem}-p1.png").format == "PNG"


def test_cli_inspect_rejects_pages_outside_the_pdf(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["inspect", str(SAMPLES[0]), "--pages", "999",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "outside" in result.output
