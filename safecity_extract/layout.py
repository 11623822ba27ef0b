"""Where the recogniser found the table in one PDF: column spans and header boxes per page.

A ``Layout`` is returned beside the ``Report`` by ``extract_with_layout`` for overlays
(inspect.py) and review pages (review.py). It is not part of the data contract: never saved,
never compared; a Report read back from JSON has none.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Box


@dataclass(frozen=True)
class ColumnSpan:
    """A column's x-range on one page, as the recogniser found it."""

    page: int
    name: str
    x0: float
    x1: float


@dataclass(frozen=True)
class Layout:
    path: str                                   # the PDF it was read from
    columns: tuple[ColumnSpan, ...] = ()        # each page's columns, page order
    header_boxes: tuple[Box, ...] = ()          # one per page whose header row was read

    def columns_on(self, page: int) -> list[ColumnSpan]:
        return [s for s in self.columns if s.page == page]
