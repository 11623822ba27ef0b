"""A Report + its Layout (or just its PDF) -> page images showing what the recogniser saw.

``overlay_shapes`` decides what to draw on a page as plain data (testable without pixels);
``draw_overlay`` and ``inspect_page`` turn those shapes into a picture with a legend. Rows and
flags come from the Report; columns and headers from the ``Layout`` that
``extract_with_layout`` returns beside it (a Report read back from JSON has none: then only
rows and flags are drawn).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence, Union

from .errors import PagesOutOfRange
from .files import atomic_write_bytes
from .layout import ColumnSpan, Layout
from .model import (FLAG_FILLED, FLAG_JOINED, FLAG_PRIORITY_MISSING, FLAG_SPLIT_GUESSED,
                    FLAG_UNMATCHED, Box, Report, Row)

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    Font = ImageFont.ImageFont | ImageFont.FreeTypeFont

# Shape kinds.
TABLE = "table"
COLUMN = "column"
HEADER = "header"
REPEATED_HEADER = "repeated_header"
ROW = "row"
CELL = "cell"

# Which part of a row each flag marks: a column's cell, or the whole band (None).
FLAG_CELLS: dict[str, str | None] = {
    FLAG_JOINED: None,
    FLAG_FILLED: "priority",
    FLAG_UNMATCHED: "lead_agency",
    FLAG_PRIORITY_MISSING: "priority",
    FLAG_SPLIT_GUESSED: None,
}
# Flags that are about where the row's text came from on its first page only.
_FIRST_PAGE_ONLY = {FLAG_FILLED, FLAG_PRIORITY_MISSING}

RGB = tuple[int, int, int]
COLOURS: dict[str, RGB] = {
    TABLE: (0, 80, 220),
    COLUMN: (0, 150, 160),
    HEADER: (0, 150, 60),
    REPEATED_HEADER: (120, 120, 120),
    ROW: (130, 40, 170),
    FLAG_JOINED: (255, 130, 0),
    FLAG_FILLED: (240, 200, 0),
    FLAG_UNMATCHED: (230, 20, 20),
    FLAG_PRIORITY_MISSING: (240, 0, 200),
    FLAG_SPLIT_GUESSED: (140, 80, 20),
}
_OTHER_FLAG: RGB = (90, 90, 90)

LEGEND: tuple[tuple[str, str], ...] = (
    (TABLE, "table outline"),
    (COLUMN, "column boundaries"),
    (ROW, "row band, numbered by output row"),
    (HEADER, "header row read"),
    (REPEATED_HEADER, "repeated header, dropped"),
    (FLAG_JOINED, "row joined across pages"),
    (FLAG_FILLED, "priority filled down"),
    (FLAG_UNMATCHED, "lead agency unmatched"),
    (FLAG_PRIORITY_MISSING, "priority missing"),
    (FLAG_SPLIT_GUESSED, "row split from text"),
)

# Pixels per inch of overlays by default: at 72 (one pixel per point) 9-10 pt body text
# misrenders ("Youth Ollending"); from about 110 it stays legible.
INSPECT_RESOLUTION = 120


@dataclass(frozen=True)
class Shape:
    """One thing to draw on a page, in PDF points with a top-left origin."""

    kind: str            # table | column | header | repeated_header | row | cell
    x0: float
    top: float
    x1: float
    bottom: float
    label: str = ""      # column name, row number, ...
    row: int | None = None
    flag: str | None = None

    def colour(self) -> RGB:
        if self.kind == CELL:
            return COLOURS.get(self.flag or "", _OTHER_FLAG)
        return COLOURS[self.kind]


# --- what to draw (pure) ---------------------------------------------------------------------


def overlay_shapes(report: Report, layout: Layout | None, page: int,
                   page_width: float | None = None) -> list[Shape]:
    """Everything to draw on ``page`` (1-based): outline, columns, headers, rows, flagged cells.

    Without a ``layout`` only the rows and their flags are drawn. Rule-less columns reach the
    page edges (x 0 and the page width); pass ``page_width`` so the outline stops at the text.
    """
    spans = layout.columns_on(page) if layout else []
    headers = _headers_on(layout.header_boxes if layout else (), page)
    placed = [(row, k, box) for row in report.rows
              for k, box in enumerate(row.boxes) if box.page == page]
    outline = _outline(spans, [b for _, b in headers] + [b for _, _, b in placed], page_width)
    if outline is None:
        return []
    shapes = [Shape(TABLE, *outline)]
    shapes += [_clip(Shape(COLUMN, s.x0, outline[1], s.x1, outline[3], s.name), outline)
               for s in spans]
    shapes += [Shape(kind, b.x0, b.top, b.x1, b.bottom, "header") for kind, b in headers]
    for row, k, box in placed:
        label = str(row.row) if k == 0 else f"{row.row} (cont.)"
        shapes.append(Shape(ROW, box.x0, box.top, box.x1, box.bottom, label, row.row))
        shapes += [_clip(c, outline) for c in _flag_cells(row, k, box, spans)]
    return shapes


def _headers_on(boxes: Sequence[Box], page: int) -> list[tuple[str, Box]]:
    """The header read on ``page``: the first one in the report, or a repeat of it."""
    return [(HEADER if k == 0 else REPEATED_HEADER, b) for k, b in enumerate(boxes)
            if b.page == page]


def _outline(spans: Sequence[ColumnSpan], boxes: Sequence[Box], page_width: float | None
             ) -> tuple[float, float, float, float] | None:
    if not boxes:
        return None
    x0 = min(b.x0 for b in boxes)
    x1 = max(b.x1 for b in boxes)
    if spans:
        left, right = min(s.x0 for s in spans), max(s.x1 for s in spans)
        # A column edge at the page edge means "no rule there", not a table edge.
        if left > 0.5:
            x0 = min(x0, left)
        if page_width is None or right < page_width - 2:  # rendered widths are rounded
            x1 = max(x1, right)
    return x0, min(b.top for b in boxes), x1, max(b.bottom for b in boxes)


def _clip(shape: Shape, outline: tuple[float, float, float, float]) -> Shape:
    return Shape(shape.kind, max(shape.x0, outline[0]), shape.top, min(shape.x1, outline[2]),
                 shape.bottom, shape.label, shape.row, shape.flag)


def _flag_cells(row: Row, k: int, box: Box, spans: Sequence[ColumnSpan]) -> list[Shape]:
    out = []
    for flag in row.flags:
        if flag in _FIRST_PAGE_ONLY and k != 0:
            continue
        column = FLAG_CELLS.get(flag)
        span = next((s for s in spans if s.name == column), None) if column else None
        x0, x1 = (span.x0, span.x1) if span else (box.x0, box.x1)
        out.append(Shape(CELL, x0, box.top, x1, box.bottom, column or "", row.row, flag))
    return out


def parse_pages(spec: str, page_count: int) -> list[int]:
    """"2-3,5" -> [2, 3, 5]; raises ValueError naming the bad part."""
    pages: list[int] = []
    for part in (p.strip() for p in spec.split(",")):
        first, _, last = part.partition("-")
        try:
            lo = int(first)
            hi = int(last) if last else lo
        except ValueError:
            raise ValueError(f"bad page range {part!r}: use e.g. 2 or 2-3 or 1,4-5") from None
        if not 1 <= lo <= hi <= page_count:
            raise ValueError(f"page range {part!r} is outside 1-{page_count}")
        pages += [p for p in range(lo, hi + 1) if p not in pages]
    return pages


# --- pixels ----------------------------------------------------------------------------------


def _font(size: int) -> "Font":
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the fixed bitmap font
        return ImageFont.load_default()


def draw_overlay(image: "PILImage.Image", shapes: Iterable[Shape], scale: float
                 ) -> "PILImage.Image":
    """``image`` (the page at ``scale`` pixels per point) with ``shapes`` drawn on a copy."""
    from PIL import Image, ImageDraw

    shapes = list(shapes)
    s = scale
    fills = Image.new("RGBA", image.size, (0, 0, 0, 0))
    fd = ImageDraw.Draw(fills)
    for sh in shapes:
        xy = (sh.x0 * s, sh.top * s, sh.x1 * s, sh.bottom * s)
        if sh.kind == CELL and FLAG_CELLS.get(sh.flag or "", "x") is not None:
            fd.rectangle(xy, fill=sh.colour() + (80,))
        elif sh.kind in (HEADER, REPEATED_HEADER):
            fd.rectangle(xy, fill=sh.colour() + (50,))
    out = Image.alpha_composite(image.convert("RGBA"), fills)
    d = ImageDraw.Draw(out)
    width = max(1, round(s))
    font = _font(max(9, round(10 * s)))
    # Row numbers go in the margin left of the table, where they hide no text.
    left = min((sh.x0 for sh in shapes if sh.kind == TABLE), default=0.0) * s
    for sh in shapes:
        _draw_lines(d, sh, s, width, font, left)
    return out.convert("RGB")


def _draw_lines(d: "ImageDraw.ImageDraw", sh: Shape, s: float, width: int, font: "Font",
                left: float) -> None:
    x0, top, x1, bottom = sh.x0 * s, sh.top * s, sh.x1 * s, sh.bottom * s
    colour = sh.colour()
    if sh.kind == TABLE:
        d.rectangle((x0, top, x1, bottom), outline=colour, width=2 * width)
    elif sh.kind == COLUMN:
        for x in (x0, x1):
            _dashed(d, x, top, bottom, colour, width)
        d.text((x0 + 2 * width, top - 1), sh.label, fill=colour, font=font, anchor="ld")
    elif sh.kind == ROW:
        d.rectangle((x0, top, x1, bottom), outline=colour, width=width)
        _tag(d, min(left, x0), top, sh.label, colour, font)
    elif sh.kind == REPEATED_HEADER:
        d.rectangle((x0, top, x1, bottom), outline=colour, width=width)
        mid = (top + bottom) / 2
        d.line((x0, mid, x1, mid), fill=(200, 0, 0), width=2 * width)
    elif sh.kind == HEADER:
        d.rectangle((x0, top, x1, bottom), outline=colour, width=width)
    elif sh.kind == CELL and FLAG_CELLS.get(sh.flag or "", "x") is None:
        inset = 2 * width
        d.rectangle((x0 + inset, top + inset, x1 - inset, bottom - inset), outline=colour,
                    width=2 * width)


def _dashed(d: "ImageDraw.ImageDraw", x: float, top: float, bottom: float, colour: RGB,
            width: int) -> None:
    step = 6 * width
    y = top
    while y < bottom:
        d.line((x, y, x, min(y + step * 0.6, bottom)), fill=colour, width=width)
        y += step


def _tag(d: "ImageDraw.ImageDraw", x: float, top: float, text: str, colour: RGB, font: "Font"
         ) -> None:
    """The row number in a filled box just left of the band (inside it if there is no room)."""
    x0, y0, x1, y1 = d.textbbox((0, 0), text, font=font)
    w, h = x1 - x0 + 4, y1 - y0 + 4
    left = x - w - 1 if x - w - 1 >= 0 else x + 1
    d.rectangle((left, top + 1, left + w, top + 1 + h), fill=colour)
    d.text((left + 2 - x0, top + 3 - y0), text, fill=(255, 255, 255), font=font)


def legend(width: int, scale: float, caption: str = "") -> "PILImage.Image":
    """A white strip explaining the colours, wrapped to ``width`` pixels."""
    from PIL import Image, ImageDraw

    font = _font(max(9, round(10 * scale)))
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    line_h = max(12, round(14 * scale))
    pad = max(4, round(6 * scale))
    items: list[list[tuple[str, str]]] = [[]]
    x: float = pad
    for key, text in LEGEND:
        w = line_h + 4 + probe.textlength(text, font=font) + 2 * pad
        if items[-1] and x + w > width - pad:
            items.append([])
            x = pad
        items[-1].append((key, text))
        x += w
    rows = len(items) + (1 if caption else 0)
    strip = Image.new("RGB", (width, rows * line_h + 2 * pad), "white")
    d = ImageDraw.Draw(strip)
    d.line((0, 0, width, 0), fill=(160, 160, 160))
    y = pad
    if caption:
        d.text((pad, y), caption, fill="black", font=font)
        y += line_h
    for line in items:
        x = pad
        for key, text in line:
            sw = line_h - 4
            d.rectangle((x, y + 1, x + sw, y + 1 + sw), fill=COLOURS[key], outline="black")
            d.text((x + sw + 4, y), text, fill="black", font=font)
            x += line_h + 4 + probe.textlength(text, font=font) + 2 * pad
        y += line_h
    return strip


def overlay_image(report: Report, layout: Layout | None, page_image: "PILImage.Image",
                  page: int, scale: float) -> "PILImage.Image":
    """``page_image`` with page ``page``'s shapes drawn on it (no legend)."""
    shapes = overlay_shapes(report, layout, page, page_width=page_image.width / scale)
    return draw_overlay(page_image, shapes, scale)


PdfSource = Union[Layout, str, "os.PathLike[str]"]


def _layout_of(source: PdfSource) -> tuple[Layout | None, str]:
    """(the layout, the PDF's path) of a Layout, or of a bare PDF path (no layout)."""
    if isinstance(source, Layout):
        return source, source.path
    return None, os.fspath(source)


def inspect_page(report: Report, source: PdfSource, page_number: int,
                 resolution: int = INSPECT_RESOLUTION, password: str | None = None,
                 notes: list[str] | None = None) -> "PILImage.Image":
    """Page ``page_number`` (1-based) with what the recogniser saw, and a legend. ``source`` is
    the ``Layout`` from ``extract_with_layout`` (it names its PDF), or a PDF path for a Report
    read back from JSON (then columns and headers are not drawn).

    A page too large for ``resolution`` is drawn smaller; ``notes`` gets a line saying so."""
    from PIL import Image

    from .pdf import render_page_capped

    layout, pdf_path = _layout_of(source)
    image, used, note = render_page_capped(pdf_path, page_number, resolution, password)
    if note and notes is not None:
        notes.append(f"{pdf_path}: {note}")
    scale = used / 72
    page = overlay_image(report, layout, image, page_number, scale)
    caption = f"{report.source.file or Path(pdf_path).name} - page {page_number}"
    key = legend(page.width, scale, caption)
    out = Image.new("RGB", (page.width, page.height + key.height), "white")
    out.paste(page, (0, 0))
    out.paste(key, (0, page.height))
    return out


def write_overlays(report: Report, source: PdfSource, out_dir: str | Path,
                   pages: Sequence[int] | None = None, resolution: int = INSPECT_RESOLUTION,
                   password: str | None = None, notes: list[str] | None = None) -> list[Path]:
    """One PNG per page (all pages by default) as ``<out_dir>/<pdf stem>-p<N>.png``; ``source``
    as for ``inspect_page``."""
    pdf_path = _layout_of(source)[1]
    outside = [n for n in pages or () if not 1 <= n <= report.source.pages]
    if outside:
        raise PagesOutOfRange(str(pdf_path), outside[0], report.source.pages)
    out = Path(out_dir)
    written = []
    for n in pages or range(1, report.source.pages + 1):
        target = out / f"{Path(pdf_path).stem}-p{n}.png"
        image = inspect_page(report, source, n, resolution, password, notes)
        atomic_write_bytes(target, png_bytes(image))
        written.append(target)
    return written


def png_bytes(image: "PILImage.Image", optimize: bool = False) -> bytes:
    import io

    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=optimize)
    return buf.getvalue()
