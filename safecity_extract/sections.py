"""Priorities printed above their actions instead of in a Priority column.

Two layouts do this (issue 12, families 7 and 8): a *section row*, one line (or a few) that
runs across the table's column boundaries above the actions of its priority, often bold or
on a shaded band, with no other text beside it; and a *heading* above a header row that
repeats the table's header labels, one table per priority. Both name the priority of the
rows below them. Small pure functions on words and lines; grid.py finds where they sit and
stitch.py hands their text to the rows.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Mapping, Sequence

from .cells import Line
from .chars import LTR
from .records import Word
from .settings import Settings

# The tolerances (Settings.section_run_gap, heading_larger, section_max_lines, ...) come in
# a ``settings``; the defaults serve the unit tests.
DEFAULTS = Settings()


@dataclass(frozen=True)
class Section:
    """A section row or heading: its lines, and the part of the page it takes up (a
    heading's reaches down to the bottom of the header row under it)."""

    lines: tuple[Line, ...]
    top: float
    bottom: float


def one_run(words: Sequence[Word], gap: float = DEFAULTS.section_run_gap) -> bool:
    """Do the words read as one run of text, no gap wider than a word space?"""
    if not words or any(w.direction != LTR for w in words):
        return False
    ordered = sorted(words, key=lambda w: w.x0)
    return all(b.x0 - a.x1 <= gap * max(a.size, b.size) for a, b in zip(ordered, ordered[1:]))


def mostly_bold(words: Sequence[Word]) -> bool:
    """Is more than half of the text bold (a table whose body is bold cannot mark its section
    rows by weight)?"""
    return sum(1 for w in words if w.bold) * 2 > len(words)


def _size(words: Sequence[Word]) -> float:
    return statistics.median(w.size for w in words)


def section_line(words: Sequence[Word], boundaries: Sequence[float], first: tuple[float, float],
                 right: float, body_size: float, body_bold: bool,
                 settings: Settings = DEFAULTS) -> bool:
    """Could this line of a table be (part of) a section row?

    ``words``: every word on the line; ``boundaries``: the x of the boundaries between the
    table's columns; ``first``: the first column's x-range; ``right``: the table's right
    edge. The words must make one run that starts in the first column and stays inside the
    table, body-sized (larger text is a heading, see ``heading_like``), and either cross a
    column boundary or be bold in a table whose body is not.
    """
    if not one_run(words, settings.section_run_gap):
        return False
    x0, x1 = min(w.x0 for w in words), max(w.x1 for w in words)
    slack, reach = settings.edge_slack, settings.straddle
    if not first[0] - slack <= x0 < first[1] or x1 > right + slack:
        return False
    if _size(words) >= min(settings.heading_size_ratio, settings.heading_larger) * body_size:
        return False
    crosses = any(x0 < b - reach and x1 > b + reach for b in boundaries)
    return crosses or (not body_bold and all(w.bold for w in words))


def spanning(words: Sequence[Word], gaps: Sequence[tuple[float, float]],
             settings: Settings = DEFAULTS) -> bool:
    """Does a line's text run across one of the (x1, x0) ``gaps`` between header labels
    with word spaces only (a section row: its words say nothing about the column edges)?"""
    if not one_run(words, settings.section_run_gap):
        return False
    x0, x1 = min(w.x0 for w in words), max(w.x1 for w in words)
    return any(x0 < a and x1 > b for a, b in gaps)


def heading_like(words: Sequence[Word], body_size: float, body_bold: bool,
                 settings: Settings = DEFAULTS) -> bool:
    """Is this line set apart from the body text, larger or (in a body that is not) bold?"""
    if not one_run(words, settings.heading_run_gap):
        return False
    if _size(words) >= settings.heading_larger * body_size:
        return True
    return not body_bold and all(w.bold for w in words)


def group(lines: Sequence[Line], rule_ys: Sequence[float],
          settings: Settings = DEFAULTS) -> list[Section]:
    """Section lines (top to bottom) -> sections: lines one line pitch apart with no rule
    between them are one section row."""
    out: list[list[Line]] = []
    slack = settings.edge_slack
    for ln in sorted(lines, key=lambda ln: ln.top):
        if out and len(out[-1]) < settings.section_max_lines:
            prev = out[-1][-1]
            ruled = any(prev.bottom - slack <= y <= ln.top + slack for y in rule_ys)
            if not ruled and ln.top - prev.bottom <= settings.section_line_gap * ln.size:
                out[-1].append(ln)
                continue
        out.append([ln])
    return [Section(tuple(g), g[0].top, g[-1].bottom) for g in out]


def over_rows(sections: Sequence[Section], lines: Sequence[Line],
              words_of: Mapping[Line, Sequence[Word]], body_bold: bool) -> list[Section]:
    """The sections that rows follow: not one over a line in bold (in a body that is not),
    the header row of another table such as an appendix under its title."""
    inside = {ln for s in sections for ln in s.lines}
    out = []
    for sec in sections:
        nxt = next((ln for ln in lines if ln.top > sec.bottom and ln not in inside), None)
        if nxt is None or body_bold or not all(w.bold for w in words_of[nxt]):
            out.append(sec)
    return out


def heading_above(lines: Sequence[Line], words_of: Mapping[Line, Sequence[Word]],
                  header_top: float, body_size: float, body_bold: bool,
                  settings: Settings = DEFAULTS) -> list[Line]:
    """The heading lines just above a header row: a block of heading-like lines (``lines``,
    top to bottom, all above the header) ending less than about two lines above it."""
    block: list[Line] = []
    edge = header_top
    for ln in reversed(lines):
        gap = settings.heading_gap if not block else settings.heading_line_gap
        limit = gap * max(ln.size, body_size)
        if edge - ln.bottom > limit or len(block) == settings.section_max_lines:
            break
        if not heading_like(words_of[ln], body_size, body_bold, settings):
            break
        block.insert(0, ln)
        edge = ln.top
    return block


# "Priority 2:", "Priority two -", "Section 3 –", "Theme 1."; "2.", "2)", "(2)", "II.", "2 -".
_NUMBER = r"(?:\d{1,2}|[ivx]{1,5}|one|two|three|four|five|six|seven|eight|nine|ten)"
_LABELLED = re.compile(r"^(?:priority|section|theme|objective|outcome|strand|aim)\s+"
                       + _NUMBER + r"\s*(?:[:.)]|\s[-–—])?\s+(?=\S)", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?:\(" + _NUMBER + r"\)|" + _NUMBER + r"(?:[.:)]|\s[-–—]))\s+(?=\S)",
                       re.IGNORECASE)
_WORD_NUMBERS = re.compile(r"^(?:one|two|three|four|five|six|seven|eight|nine|ten)\b",
                           re.IGNORECASE)


def strip_numbering(text: str) -> str:
    """A section's priority: its text without a numbering label printed before the name
    ("Priority 2: Reduce the harm" -> "Reduce the harm", "3. Reducing Youth Crime" ->
    "Reducing Youth Crime"); the text as printed when there is no such separate label or
    nothing would be left after it."""
    m = _LABELLED.match(text)
    if m is None:
        m = _NUMBERED.match(text)
        if m is not None and _WORD_NUMBERS.match(text):
            m = None  # "Two agencies ..." is a name; a number word needs its label
    if m is None:
        return text
    rest = text[m.end():]
    return rest if rest[:1].isalnum() or rest[:1] in "\"'‘“(" else text
