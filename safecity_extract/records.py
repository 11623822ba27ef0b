"""The page records every stage reads: a Word of text and a Rule (a drawn edge).

pdf.py makes them from a PDF's text layer and drawings, ocr.py from a page image; both import
them from here, so neither imports the other's module to make them.
"""
from __future__ import annotations

from dataclasses import dataclass

from .chars import LTR


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    # "ltr" for upright text. Text running another way ("btt" upwards, "ttb" downwards, "rtl"
    # upside down) is read in its own direction and comes as one Word per block (a rotated
    # cell): its text the block's lines joined as a cell's are, its box the block's box on
    # the page, its size the font's.
    direction: str = LTR
    # Tesseract's confidence (0-100) for a word read by OCR; None for a text-layer word.
    confidence: float | None = None
    # Every glyph is in a bold face (font name with Bold, Black, Heavy or Semibold): section
    # rows and headings are told from body text by it (sections.py).
    bold: bool = False

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal or vertical edge of a drawn line or rectangle."""

    orientation: str  # "h" or "v"
    x0: float
    x1: float
    top: float
    bottom: float
    # An edge of a filled, unstroked rectangle wider than a rule: a band of shading. It still
    # marks a row or header, but is not a drawn line (generic tables treat them differently).
    shading: bool = False
