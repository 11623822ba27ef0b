"""The geometry both table modes stand on: small pure functions on words, lines and rules.

Report mode (grid.py: one progress table, its header labels, rows across pages) and generic
mode (regions.py: where tables are; tables.py: any table's rows, columns and spanning cells)
are two strategies on top of these steps; they differ in where columns and rows come from,
not in how a rule, a line or a gutter is measured. All coordinates are PDF points with a
top-left origin; nothing here knows about headers, fields or cells. Every tolerance comes
from the caller (from ``Settings``); none is written here.
"""
from __future__ import annotations

import statistics
from typing import Callable, Iterable, Sequence, TypeVar

from .cells import Line, make_line
from .chars import LTR
from .pdf import Rule, Word

T = TypeVar("T")


# --- runs and clusters ---------------------------------------------------------------------


def runs(items: Iterable[T], joins: Callable[[list[T], T], bool]) -> list[list[T]]:
    """``items`` in their order, each joining the run before it when ``joins(run, item)``."""
    out: list[list[T]] = []
    for item in items:
        if out and joins(out[-1], item):
            out[-1].append(item)
        else:
            out.append([item])
    return out


def cluster(values: Iterable[float], snap: float) -> list[float]:
    """Sorted values, those within ``snap`` of the previous one merged into their mean."""
    groups = runs(sorted(values), lambda run, v: v - run[-1] <= snap)
    return [sum(g) / len(g) for g in groups]


def steps(tops: Sequence[float]) -> list[float]:
    """The downward steps between consecutive values (line tops of one column)."""
    return [b - a for a, b in zip(tops, tops[1:]) if b > a]


def body_font_size(words: Sequence[Word], default: float) -> float:
    """The median font size of the words (``default`` when none has one)."""
    sizes = [w.size for w in words if w.size]
    return statistics.median(sizes) if sizes else default


# --- words and lines -----------------------------------------------------------------------


def bbox(words: Sequence[Word]) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of the words (at least one)."""
    return (min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words),
            max(w.bottom for w in words))


def holds(line: Line, y: float, slack: float) -> bool:
    """Does ``line`` hold a word whose vertical middle is ``y`` (within ``slack``)?"""
    return line.top - slack <= y <= line.bottom + slack


def words_on(words: Sequence[Word], line: Line, slack: float) -> list[Word]:
    """The words whose middles the line holds, in the order given."""
    return [w for w in words if holds(line, w.ymid, slack)]


def words_by_line(words: Sequence[Word], lines: Sequence[Line], slack: float
                  ) -> list[list[Word]]:
    """Each line's words, left to right; a word goes to the line whose middle is nearest its own
    among those holding it."""
    out: list[list[Word]] = [[] for _ in lines]
    for w in words:
        holding = [k for k, ln in enumerate(lines) if holds(ln, w.ymid, slack)]
        if holding:
            k = min(holding, key=lambda k: abs((lines[k].top + lines[k].bottom) / 2 - w.ymid))
            out[k].append(w)
    return [sorted(ws, key=lambda w: w.x0) for ws in out]


def steady_groups(words: Iterable[Word], tolerance: float, turned_apart: bool
                  ) -> list[list[Word]]:
    """Words -> visual lines that do not grow: a word joins the line (of the last three) whose
    first word's middle is within ``tolerance`` of that word's height of its own. Unlike
    ``cells.group_lines`` a run of staggered labels does not swallow the rows below it.
    ``turned_apart``: a rotated block is a line of its own (see ``cells.group_lines``)."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.ymid, w.x0)):
        if turned_apart and word.direction != LTR:
            lines.append([word])
            continue
        for members in reversed(lines[-3:]):
            if turned_apart and members[0].direction != LTR:
                continue
            first = members[0]
            if abs(word.ymid - first.ymid) <= tolerance * (first.bottom - first.top):
                members.append(word)
                break
        else:
            lines.append([word])
    return lines


def steady_lines(words: Sequence[Word], tolerance: float) -> list[Line]:
    """``steady_groups`` (rotated blocks apart) as Lines, top to bottom."""
    return sorted((make_line(m) for m in steady_groups(words, tolerance, True)),
                  key=lambda ln: (ln.top, ln.x0))


# --- rules ---------------------------------------------------------------------------------


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length shared by [a0, a1] and [b0, b1] (negative: the gap between them)."""
    return min(a1, b1) - max(a0, b0)


def h_rules_in_gap(rules: Iterable[Rule], top: float, bottom: float, slack: float
                   ) -> list[Rule]:
    """Horizontal rules lying between ``top`` and ``bottom``, give or take ``slack``."""
    return [r for r in rules if r.orientation == "h" and top - slack <= r.top <= bottom + slack]


def v_rules_beside(rules: Iterable[Rule], y: float, slack: float) -> list[Rule]:
    """Vertical rules whose extent holds ``y``, give or take ``slack``."""
    return [r for r in rules if r.orientation == "v" and r.top - slack <= y <= r.bottom + slack]


def v_rule_at(rules: Iterable[Rule], x: float, top: float, bottom: float, reach: float,
              slack: float) -> bool:
    """Is a vertical rule drawn within ``reach`` of ``x`` beside the middle of [top, bottom]
    (its ends within ``slack``)?"""
    return any(abs(r.x0 - x) <= reach
               for r in v_rules_beside(rules, (top + bottom) / 2, slack))


def h_rule_at(rules: Iterable[Rule], y: float, x: float, snap: float, slack: float) -> bool:
    """Is a horizontal rule drawn within ``snap`` of ``y`` under ``x`` (its ends within
    ``slack``)?"""
    return any(r.orientation == "h" and abs(r.top - y) <= snap
               and r.x0 - slack <= x <= r.x1 + slack for r in rules)


def h_rules_across(rules: Iterable[Rule], x0: float, x1: float, top: float, bottom: float,
                   reach: float, snap: float) -> list[float]:
    """y of horizontal rules strictly between top and bottom that run from ``x0`` to ``x1``
    (each end within ``reach``). Segments within ``snap`` of one height (a browser or word
    processor draws each cell's border on its own), end to end with gaps up to ``reach``,
    are one rule."""
    flat = sorted((r for r in rules if r.orientation == "h" and top < r.top < bottom),
                  key=lambda r: r.top)
    out = []
    for level in runs(flat, lambda run, r: r.top - run[0].top <= snap):
        spans = sorted((r.x0, r.x1) for r in level)
        if spans[0][0] > x0 + reach:
            continue
        end = spans[0][1]
        for a, b in spans[1:]:
            if a > end + reach:
                break
            end = max(end, b)
        if end >= x1 - reach:
            out.append(level[0].top)
    return out


# --- gutters -------------------------------------------------------------------------------


def cuts(words: Iterable[Word], lo: float, hi: float) -> list[float]:
    """``lo``, ``hi`` and every word edge between them, sorted: the x-intervals between
    consecutive cuts are each crossed by a fixed set of words."""
    return sorted({lo, hi, *(x for w in words for x in (w.x0, w.x1) if lo < x < hi)})


def crossing(words: Iterable[Word], x: float) -> int:
    """How many words cross ``x``."""
    return sum(1 for w in words if w.x0 < x < w.x1)


def min_coverage_x(words: Sequence[Word], lo: float, hi: float, inset: float) -> float:
    """A column boundary in [lo, hi]: in the widest interval crossed by the fewest words,
    ``inset`` (or half its width) left of its right end. Cell text is left-aligned, so the
    column on the right starts at a steady x while the one on the left has a ragged edge that
    other pages may push further right."""
    if hi <= lo:
        return (lo + hi) / 2
    xs = cuts(words, lo, hi)
    best_key, best = None, (lo, hi)
    for a, b in zip(xs, xs[1:]):
        key = (crossing(words, (a + b) / 2), -(b - a))
        if best_key is None or key < best_key:
            best_key, best = key, (a, b)
    a, b = best
    return b - min(inset, (b - a) / 2)


def whitespace_gaps(words: Sequence[Word], lo: float, hi: float, max_crossing: int,
                    min_width: float) -> list[tuple[float, float]]:
    """x-intervals of [lo, hi], at least ``min_width`` wide, that at most ``max_crossing`` words
    cross: the gutters between text columns, still found when a few spanning lines cross them."""
    xs = cuts(words, lo, hi)
    gaps: list[tuple[float, float]] = []
    start: float | None = None
    for a, b in zip(xs, xs[1:]):
        if crossing(words, (a + b) / 2) <= max_crossing:
            start = a if start is None else start
            continue
        if start is not None and a - start >= min_width:
            gaps.append((start, a))
        start = None
    if start is not None and hi - start >= min_width:
        gaps.append((start, hi))
    return gaps
