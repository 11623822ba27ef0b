"""Small report PDFs drawn with reportlab at test time, for the char-level cases: symbol-font
bullets, glyphs drawn twice, rotated cell text, watermarks.

A table is given as a spec (see tests/data/chars/*.json): header labels, column widths and rows
of cells, each cell the lines to draw. The truth is what was drawn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# Word writes its Symbol/Wingdings bullets with a ToUnicode map into the private-use area.
# reportlab cannot, so these glyphs are drawn from DejaVu Sans and the file's ToUnicode entry
# for them is rewritten afterwards (same length, so the xref stays valid).
PUA_STANDINS = {"\uf0b7": "\u2022", "\uf0a7": "\u25aa"}


def _dejavu() -> str:
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", DEJAVU))
    return "DejaVu"


@dataclass
class Cell:
    lines: list[str]
    rows: int = 1            # rows this cell spans (merged down)
    rotate: int = 0          # 90: read bottom to top; -90: top to bottom
    doubled: str = ""        # "run": the run drawn twice; "glyph": each glyph twice, offset
    bullet_font: str = ""    # "Symbol" or "pua" (a private-use code point, as Word writes)

    @classmethod
    def of(cls, raw: Any) -> "Cell | None":
        if raw is None:
            return None
        if isinstance(raw, str):
            return cls([raw])
        return cls(**raw)


@dataclass
class Spec:
    labels: list[str]
    widths: list[float]
    rows: list[list[Cell | None]]
    size: float = 9.0
    leading: float = 11.0
    pad: float = 4.0
    landscape: bool = False
    watermark: dict[str, Any] = field(default_factory=dict)
    header_fill: float | None = None  # grey of a band behind the header, labels in white

    @classmethod
    def of(cls, raw: dict[str, Any]) -> "Spec":
        rows = [[Cell.of(c) for c in row] for row in raw["rows"]]
        rest = {k: v for k, v in raw.items() if k not in ("rows", "expected")}
        return cls(rows=rows, **rest)


def _draw_line(c: Canvas, x: float, y: float, text: str, size: float, cell: Cell) -> None:
    """One line of cell text at (x, y) (PDF coordinates, baseline), in the cell's manner."""
    font = "Helvetica"
    if text[:1] in PUA_STANDINS or (text[:1] == "•" and cell.bullet_font):
        glyph = PUA_STANDINS.get(text[0], "•")
        c.setFont("Symbol" if cell.bullet_font == "Symbol" else _dejavu(), size)
        c.drawString(x, y, glyph)
        x, text = x + 1.2 * size, text[1:].lstrip()
    c.setFont(font, size)
    if cell.doubled == "glyph":
        for ch in text:
            c.drawString(x, y, ch)
            c.drawString(x + 0.3, y, ch)
            x += stringWidth(ch, font, size)
        return
    c.drawString(x, y, text)
    if cell.doubled == "run":
        c.drawString(x, y, text)


def _cell_height(cell: Cell | None, spec: Spec) -> float:
    if cell is None or cell.rows > 1 or cell.rotate:
        return 0.0
    return len(cell.lines) * spec.leading + 2 * spec.pad


def draw(spec: Spec, path: Path) -> Path:
    """Draw the table of ``spec`` from the top of one page into the PDF at ``path``."""
    size_ = landscape(A4) if spec.landscape else A4
    width, height = size_
    c = Canvas(str(path), pagesize=size_, pageCompression=0, invariant=1)
    if spec.watermark:
        _watermark(c, spec.watermark, width, height)
    x0 = 40.0
    xs = [x0]
    for w in spec.widths:
        xs.append(xs[-1] + w)
    rows: list[list[Cell | None]] = [[Cell([label]) for label in spec.labels], *spec.rows]
    heights = [max(_cell_height(cell, spec) for cell in row) or spec.leading + 2 * spec.pad
               for row in rows]
    tops = [60.0]
    for h in heights:
        tops.append(tops[-1] + h)
    if spec.header_fill is not None:
        c.setFillGray(spec.header_fill)
        c.rect(xs[0], height - tops[1], xs[-1] - xs[0], tops[1] - tops[0], stroke=0, fill=1)
    for r, row in enumerate(rows):
        c.setFillGray(1 if r == 0 and spec.header_fill is not None else 0)
        for k, cell in enumerate(row):
            if cell is not None:
                bottom = tops[min(r + cell.rows, len(rows))]
                _draw_cell(c, cell, xs[k], xs[k + 1], tops[r], bottom, spec, height)
    _grid(c, xs, tops, rows, height)
    c.save()
    _pua_tounicode(path)
    return path


def _draw_cell(c: Canvas, cell: Cell, left: float, right: float, top: float, bottom: float,
               spec: Spec, page_h: float) -> None:
    if cell.rotate == 0:
        for n, text in enumerate(cell.lines):
            baseline = top + spec.pad + spec.size * 0.8 + n * spec.leading
            _draw_line(c, left + spec.pad, page_h - baseline, text, spec.size, cell)
        return
    c.saveState()
    if cell.rotate == 90:  # lines read upwards from the cell's bottom, the first on the left
        c.translate(left + spec.pad + spec.size * 0.8, page_h - bottom + spec.pad)
        c.rotate(90)
        for n, text in enumerate(cell.lines):
            _draw_line(c, 0, -n * spec.leading, text, spec.size, cell)
    else:  # downwards from the cell's top, the first line on the right
        c.translate(right - spec.pad - spec.size * 0.8, page_h - top - spec.pad)
        c.rotate(-90)
        for n, text in enumerate(cell.lines):
            _draw_line(c, 0, -n * spec.leading, text, spec.size, cell)
    c.restoreState()


def _grid(c: Canvas, xs: list[float], tops: list[float], rows: list[list[Cell | None]],
          page_h: float) -> None:
    """Outer frame, column rules, and row rules except inside merged cells."""
    c.setLineWidth(0.6)
    spans: dict[int, int] = {}  # column -> last row its merged cell covers
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            if cell is not None and cell.rows > 1:
                spans[k] = r + cell.rows - 1
        y = page_h - tops[r + 1]
        for k in range(len(xs) - 1):
            if r < len(rows) - 1 and spans.get(k, -1) > r:
                continue
            c.line(xs[k], y, xs[k + 1], y)
    c.line(xs[0], page_h - tops[0], xs[-1], page_h - tops[0])
    for x in xs:
        c.line(x, page_h - tops[0], x, page_h - tops[-1])


def _watermark(c: Canvas, mark: dict[str, Any], width: float, height: float) -> None:
    c.saveState()
    c.setFillGray(mark.get("gray", 0.85))
    c.setFont("Helvetica-Bold", mark.get("size", 110))
    c.translate(mark.get("x", width / 2), height - mark.get("y", height / 2))
    c.rotate(mark.get("angle", 45))
    c.drawCentredString(0, 0, mark.get("text", "DRAFT"))
    c.restoreState()


def _pua_tounicode(path: Path) -> None:
    data = path.read_bytes()
    for pua, standin in PUA_STANDINS.items():
        target = f"{ord(pua):04X}".encode()
        data = re.sub(rb"(<[0-9A-Fa-f]{2}> <)" + f"{ord(standin):04X}".encode() + rb">",
                      rb"\g<1>" + target + rb">", data)
    path.write_bytes(data)
