"""Seeded random report layouts with their truth: ``build(seed)`` -> PDF + truth JSON.

A seed gives a ``Layout`` (spec.py); a producer draws it (reportlab, headless Chromium,
LibreOffice); the truth is the rows exactly as drawn. compare.py scores an extraction.
"""
from .spec import FAMILIES, LIVE_PRODUCERS, PRODUCERS, Layout, draw

__all__ = ["FAMILIES", "LIVE_PRODUCERS", "PRODUCERS", "Layout", "draw"]
