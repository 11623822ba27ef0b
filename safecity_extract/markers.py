"""Continuation markers: the "Continued on next page" / "(continued)" lines of a long table.

Report writers print such a line at the foot of a page the table runs off, or at the head
of the page it runs onto. It belongs to no cell: a marker line at the top or the bottom of
the table's part of a page is left out (reason ``continuation marker``) and recorded.
Only whole lines match, and only at those two places, so a cell that says "continued"
inside its text keeps it.
"""
from __future__ import annotations

from typing import Sequence

from .chars import LTR
from .pdf import LeftOut, Word

REASON = "continuation marker"

# What such a line says, compared after ``marker_key`` (lower case, typographic apostrophe
# as ', surrounding brackets, ellipses and a final full stop or colon dropped, one space).
CONTINUATION_MARKERS = frozenset({
    "continued", "cont'd", "contd", "cont", "continues",
    "continued overleaf", "continues overleaf", "see overleaf",
    "continued on next page", "continued on the next page",
    "continues on next page", "continues on the next page",
    "continued from previous page", "continued from the previous page",
    "continued from last page", "continued from page before",
})


def marker_key(text: str) -> str:
    """A line's text as compared with the markers: "(Continued…)" -> "continued"."""
    key = " ".join(text.lower().replace("\u2019", "'").split())
    key = key.strip("()[]{}").replace("\u2026", " ").replace("...", " ")
    key = key.strip(" .:;-–—").strip("()[]{}")
    return " ".join(key.split())


def is_marker(text: str) -> bool:
    return marker_key(text) in CONTINUATION_MARKERS


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Upright words in lines, top to bottom: a word whose middle lies within the current
    line's height joins it."""
    lines: list[list[Word]] = []
    bounds: list[tuple[float, float]] = []
    for w in sorted((w for w in words if w.direction == LTR), key=lambda w: (w.ymid, w.x0)):
        if lines and bounds[-1][0] <= w.ymid <= bounds[-1][1]:
            lines[-1].append(w)
            top, bottom = bounds[-1]
            bounds[-1] = (min(top, w.top), max(bottom, w.bottom))
        else:
            lines.append([w])
            bounds.append((w.top, w.bottom))
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def split_markers(words: Sequence[Word]) -> tuple[list[Word], tuple[LeftOut, ...]]:
    """The table's words of one page without a continuation-marker line at its top or bottom
    (each such line whole, and nothing else on it), and the lines left out."""
    lines = _lines(words)
    if not lines:
        return list(words), ()
    ends = [lines[0]] + ([lines[-1]] if len(lines) > 1 else [])
    found = [line for line in ends if is_marker(" ".join(w.text for w in line))]
    if not found:
        return list(words), ()
    drop = {id(w) for line in found for w in line}
    return [w for w in words if id(w) not in drop], tuple(_left_out(line) for line in found)


def markers_outside(words: Sequence[Word], head: float | None, foot: float
                    ) -> tuple[list[Word], tuple[LeftOut, ...]]:
    """The last line above the table's ``head`` (its header row's top; None: no header on
    the page) and the first line under its ``foot``, each when it is a continuation marker:
    a word processor prints "(continued)" over the header it repeats and "Continued on next
    page" under the closing rule of the table's part of a page. Their words and the lines
    left out."""
    above = _lines([w for w in words if w.ymid < head]) if head is not None else []
    below = _lines([w for w in words if w.ymid >= foot])
    found = [line for line in (above[-1:] + below[:1])
             if is_marker(" ".join(w.text for w in line))]
    return [w for line in found for w in line], tuple(_left_out(line) for line in found)


def _left_out(line: Sequence[Word]) -> LeftOut:
    return LeftOut(" ".join(w.text for w in line), min(w.x0 for w in line),
                   max(w.x1 for w in line), min(w.top for w in line),
                   max(w.bottom for w in line), REASON)
