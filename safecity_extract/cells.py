"""Text rules for one cell: words -> lines -> paragraphs -> the cell's exact text.

Wrapped lines are joined with one space, a line-end hyphen is kept and joined without a
space, a soft hyphen at a line end is dropped, paragraphs are separated by a blank line.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Iterable, Sequence

from .chars import LTR
from .pdf import Word
from .wrap import (BULLETS, HYPHENS, SOFT_HYPHEN, is_bullet, join_paragraph,  # noqa: F401
                   join_two, tidy)

_SENTENCE_END = re.compile(r"[.!?:;][\"'’”)\]]*$")
_SENTENCE_START = re.compile(r"^[\"'‘“(\[]*[A-Z0-9•◦▪●■➢►]")


def ends_sentence(text: str) -> bool:
    """Does the text end a sentence (a stop, even inside closing quotes or brackets)?"""
    return bool(_SENTENCE_END.search(text))


def starts_sentence(text: str) -> bool:
    """Does the text open like a sentence or list item (capital, digit or bullet)?"""
    return bool(_SENTENCE_START.match(text))


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_width: float = 0.0  # width of the line's first word: would it fit on the line above?


def group_lines(words: Iterable[Word], overlap: float = 0.5) -> list[Line]:
    """Cluster words into visual lines: a word joins a line its vertical middle falls in.

    A block of rotated text (one Word, see pdf.py) is a line of its own: it is as tall as
    the lines of text beside it, which must not join it nor each other through it."""
    lines: list[list[Word]] = []
    extents: list[list[float]] = []  # [top, bottom] of each line so far, kept as words join
    ordered = sorted(words, key=lambda w: (w.top, w.x0))
    turned = [w for w in ordered if w.direction != LTR]
    if turned:
        ordered = [w for w in ordered if w.direction == LTR]
    for word in ordered:
        for members, extent in zip(reversed(lines[-3:]), reversed(extents[-3:])):
            top, bottom = extent
            slack = (bottom - top) * (0.5 - overlap / 2)
            if top - slack <= word.ymid <= bottom + slack:
                members.append(word)
                extent[0], extent[1] = min(top, word.top), max(bottom, word.bottom)
                break
        else:
            lines.append([word])
            extents.append([word.top, word.bottom])
    out = [make_line(members) for members in lines]
    if turned:  # in order of their tops, as the upright lines already are
        out = sorted(out + [make_line([w]) for w in turned], key=lambda ln: ln.top)
    return out


def make_line(members: Sequence[Word]) -> Line:
    ordered = sorted(members, key=lambda w: w.x0)
    return Line(" ".join(w.text for w in ordered), ordered[0].x0, max(w.x1 for w in ordered),
                min(w.top for w in ordered), max(w.bottom for w in ordered),
                statistics.median(w.size for w in ordered), ordered[0].x1 - ordered[0].x0)


def paragraphs(lines: Sequence[Line], pitch: float, gap_ratio: float) -> list[list[Line]]:
    """Split a cell's lines where the gap to the next line is clearly more than one line."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and line.top - groups[-1][-1].top <= gap_ratio * pitch:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups










def cell_text(lines: Sequence[Line], pitch: float, gap_ratio: float) -> str:
    """The exact text of a cell from its lines (top to bottom)."""
    ordered = sorted(lines, key=lambda ln: ln.top)
    paras = [join_paragraph([ln.text for ln in group])
             for group in paragraphs(ordered, pitch, gap_ratio)]
    return "\n\n".join(p for p in paras if p)


def wrapped(last: Line, right_limit: float, following: Line) -> bool:
    """Did ``last`` end because the next word did not fit (a wrap), not at a paragraph end?"""
    space = 0.25 * (following.size or last.size)
    return last.x1 + space + following.first_width > right_limit - 0.5


def join_parts(before: str, after: str, new_paragraph: bool) -> str:
    """Join a cell's text on one page to its continuation on the next page."""
    if not before or not after:
        return before or after
    if is_bullet(after):
        # A list item opening the new page starts its own line, as items of a list do; the
        # page break hides whether a blank line stood before it, so none is assumed.
        return before + "\n" + after
    if new_paragraph:
        return before + "\n\n" + after
    return join_two(before, after)
