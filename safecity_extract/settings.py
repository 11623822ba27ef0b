"""Tolerances and thresholds of the recogniser, in one frozen dataclass passed down explicitly."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping


@dataclass(frozen=True)
class Settings:
    # Characters closer than this (points) belong to one word: pdfplumber's x_tolerance.
    word_gap: float = 1.5
    # Words whose vertical middles are within this fraction of their height share a line.
    line_overlap: float = 0.5
    # Rules: edges shorter than this (points) are ignored (underlines of single letters, ticks).
    min_rule_length: float = 8.0
    # Two rules closer than this (points) are one rule (double borders, thin filled rects).
    rule_snap: float = 2.0
    # A gap between lines above this multiple of the cell's line pitch starts a paragraph.
    paragraph_gap: float = 1.45
    # Label match score (rapidfuzz ratio, 0-100) needed to map a header label to a field.
    header_fuzzy_threshold: float = 80.0
    # A header row must map at least this many of the four fixed fields.
    min_header_fields: int = 3
    # Text lines further than this fraction of the page height from an edge are body text.
    margin_band: float = 0.1
    # Lines whose font size is at least this multiple of the table's body size are headings.
    heading_size_ratio: float = 1.15
    # A glyph drawn again less than this (points) from an identical one is a copy ("fake
    # bold", a run painted twice) and is read once.
    doubled_glyph_gap: float = 1.0
    # Text at least this light (0 black .. 1 white) and lighter than the page's body text by
    # ``watermark_contrast``, not on a darker fill or an image, is a watermark: left out.
    watermark_lightness: float = 0.7
    watermark_contrast: float = 0.4
    # OCR (scanned pages): render resolution for Tesseract (pixels/inch), the shortest line
    # (points) taken as a rule on a page image, Tesseract's page segmentation mode and
    # language, and the word confidence (0-100) below which a cell is ocr_low_confidence.
    ocr_dpi: int = 200
    raster_min_rule: float = 24.0
    ocr_psm: int = 3
    ocr_language: str = "eng"
    # 80: on the bench scans words read at 90+ were 0.15% wrong, below 90 13-50%; of the
    # thresholds 10..90 it best finds the rows with a misread word (bench/RESULTS.md, OCR).
    ocr_min_confidence: float = 80.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and value <= 0:
                raise ValueError(f"Settings.{f.name} must be positive, got {value!r}")
        if not 0 < self.margin_band < 0.5:
            raise ValueError("Settings.margin_band must be between 0 and 0.5")
        if not 1 <= self.min_header_fields <= 4:
            raise ValueError("Settings.min_header_fields must be 1..4")
        if not (self.watermark_lightness <= 1 and self.watermark_contrast <= 1):
            raise ValueError("Settings.watermark_lightness and watermark_contrast are 0..1")

    @classmethod
    def resolve(cls, value: "Settings | Mapping[str, Any] | None") -> "Settings":
        if value is None:
            return cls()
        if isinstance(value, Settings):
            return value
        return replace(cls(), **dict(value))
