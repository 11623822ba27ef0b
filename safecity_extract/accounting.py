"""Word accounting: where every word of a page the table occupies went.

Each word ends up in one cell, in the header row, or in a left-out list with its reason
(see ``REASONS``). Words inside the table's area (its x-range, between the body's top and
bottom) that are in none of these are *unplaced*: they give a warning of possible loss. Also
here, the other checks for rows that may have been lost without a word: the table stopping
while text aligned to its columns follows it, and Lead cells that hold several agencies in
separate paragraphs (two rows merged into one). Pure functions on small records; grid.py
and extract.py call them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from .cells import Line
from .model import LEFT_OUT_REASONS, PageCount
from .records import Word
from .settings import Settings

# Why a word is not in a cell, in the order they are reported.
MARGIN = "running header or footer"
PAGE_NUMBER = "page number"
HEADING = "heading or title"
BEFORE = "before the table"
AFTER = "after the table"
BESIDE = "beside the table's columns"
WATERMARK = "watermark"
MARKER = "continuation marker"  # markers.REASON
NO_POSITION = "no position on the page"
UNPLACED = "inside the table, in no cell"  # always warned as a possible loss
REASONS = (MARGIN, PAGE_NUMBER, HEADING, BEFORE, AFTER, BESIDE, WATERMARK, MARKER,
           NO_POSITION, UNPLACED)
assert REASONS == LEFT_OUT_REASONS  # the order the JSON lists them in

_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """Where the table sits on the page: its header's rows (None on a page without one),
    its body's top and bottom, its left and right edge, the body font size, the size ratio
    of a heading and how near (points) a word's middle counts as on a line or inside."""

    header: tuple[float, float] | None
    body_top: float
    body_bottom: float
    x0: float
    x1: float
    body_size: float
    heading_ratio: float
    slack: float = Settings.account_slack


def reason_for(word: Word, area: Area, furniture: Sequence[Line]) -> str | None:
    """Why ``word`` (not in a cell) was left out, or None if it sits inside the table's
    area: an unplaced word. "header" for a word of the header row."""
    y = word.ymid
    if y != y:  # NaN: a word with no position
        return NO_POSITION
    slack = area.slack
    for ln in furniture:
        if ln.top - slack <= y <= ln.bottom + slack:
            return PAGE_NUMBER if _PAGE_NUMBER.match(ln.text.strip()) else MARGIN
    if area.header is not None and area.header[0] - slack <= y <= area.header[1] + slack:
        return "header"
    if y < area.body_top:
        big = word.size >= area.heading_ratio * area.body_size
        return HEADING if big else BEFORE
    if y >= area.body_bottom:
        return AFTER
    if not area.x0 - slack <= word.xmid <= area.x1 + slack:
        return BESIDE
    return None


def count_page(page: int, words: Iterable[Word], placed: int, area: Area,
               furniture: Sequence[Line], aside: Mapping[str, int]
               ) -> tuple[PageCount, list[Word]]:
    """Account for the words of a page not in a cell (``placed`` words are, ``aside`` were
    set aside before, by reason: watermarks, continuation markers): the page's counts and the
    words left unplaced inside the table's area."""
    left: dict[str, int] = {}
    unplaced: list[Word] = []
    header = total = 0
    for word in words:
        total += 1
        why = reason_for(word, area, furniture)
        if why is None:
            unplaced.append(word)
        elif why == "header":
            header += 1
        else:
            left[why] = left.get(why, 0) + 1
    if unplaced:
        left[UNPLACED] = len(unplaced)
    for why, n in aside.items():
        if n:
            left[why] = left.get(why, 0) + n
    total += placed + sum(aside.values())
    return PageCount(page, total, placed, header, left), unplaced


def spilled(words: Iterable[Word], area: Area, furniture: Sequence[Line], reach: float
            ) -> list[Word]:
    """Words just below the table's body (their middle within ``reach`` points of its
    bottom), inside its width, that are neither a running line nor a page number: on a page
    the table runs past, text a row drew past its own foot (a producer that will not split
    a row clips it there; the rest of the cell may not be on any page)."""
    out = []
    for word in words:
        if (reason_for(word, area, furniture) == AFTER
                and word.ymid <= area.body_bottom + reach
                and area.x0 - area.slack <= word.xmid <= area.x1 + area.slack
                and not _PAGE_NUMBER.match(word.text.strip())):
            out.append(word)
    return out


def aligned_lines(lines: Sequence[Sequence[Word]], starts: Mapping[str, float],
                  tolerance: float, columns: int = Settings.aligned_columns) -> int:
    """How many of ``lines`` (each a line's words) start text at ``columns`` or more of the
    table's column text starts (``starts``: column -> x where its text begins, a word's
    start within ``tolerance`` of it): rows of the table printed where it was not read."""
    found = 0
    for words in lines:
        hit = {name for name, x in starts.items()
               if any(abs(w.x0 - x) <= tolerance for w in words)}
        if len(hit) >= columns:
            found += 1
    return found


def paragraphs_of_names(text: str, is_name: Callable[[str], bool]) -> bool:
    """True when a cell holds two or more paragraphs that each read as an agency name:
    likely two rows' Lead cells merged into one."""
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    return len(paras) >= 2 and all(is_name(p) for p in paras)



def lines_of(words: Sequence[Word], overlap: float, slack: float) -> list[list[Word]]:
    """The words of each visual line, top to bottom (a word whose middle lies within
    ``slack`` of the line's top..bottom)."""
    from .cells import group_lines

    return [[w for w in words if ln.top - slack <= w.ymid <= ln.bottom + slack]
            for ln in group_lines(words, overlap)]


def text_starts(columns: Mapping[str, Sequence[Line]]) -> dict[str, float]:
    """Where each column's text begins: the leftmost start of its lines."""
    return {name: min(ln.x0 for ln in lns) for name, lns in columns.items() if lns}


def rows_after(words: Sequence[Word], starts: Mapping[str, float], settings: Settings) -> int:
    """Lines among ``words`` that look like rows of the table (see ``aligned_lines``)."""
    if len(starts) < settings.aligned_columns:
        return 0
    return aligned_lines(lines_of(words, settings.line_overlap, settings.line_slack), starts,
                         settings.align_tolerance, settings.aligned_columns)
