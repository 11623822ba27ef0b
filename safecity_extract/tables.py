"""Generic table mode: a region of a page -> rows, columns and (spanning) cells of any table.

A strategy on the geometry core (geometry.py), as report mode (grid.py) is another: columns
from vertical rules or whitespace gutters, rows from horizontal rules or text lines, the cell
text rules of cells.py. ``find_tables`` also finds the regions (regions.py: ruled boxes,
blocks of aligned lines) when none is given.
"""
from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .chars import BTT, LTR, TTB, turn_box, turn_back
from .cells import Line, cell_text, group_lines, wrapped
from .geometry import (bbox, body_font_size, cluster, h_rule_at, h_rules_in_gap, min_coverage_x,
                       runs, steady_lines, steps, v_rule_at, whitespace_gaps, words_by_line)
from .options import Options
from .pdf import Document, PageData, Rule, Word
from .settings import Settings
from .wrap import is_bullet

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (points, top-left origin)

# Every proportion and tolerance is a field of Settings (table_*, edge_slack, ...).


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    end_row: int
    end_col: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Table:
    page: int
    bbox: BBox
    cells: tuple[Cell, ...]

    @property
    def shape(self) -> tuple[int, int]:
        rows = max((c.end_row for c in self.cells), default=-1) + 1
        cols = max((c.end_col for c in self.cells), default=-1) + 1
        return rows, cols

    def grid(self) -> list[list[str]]:
        """Rows of texts; a spanning cell's text sits in its top-left slot, the rest is empty."""
        rows, cols = self.shape
        out = [["" for _ in range(cols)] for _ in range(rows)]
        for c in self.cells:
            out[c.row][c.col] = c.text
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "bbox": list(self.bbox),
                "cells": [c.to_dict() for c in self.cells]}


@dataclass(frozen=True)
class _Piece:
    """Words of one line that form one cell: adjacent columns joined by a normal word space."""

    c0: int
    c1: int
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


# --- the region's contents ----------------------------------------------------------------


def words_in(words: Iterable[Word], bbox: BBox) -> list[Word]:
    x0, top, x1, bottom = bbox
    return [w for w in words if x0 <= w.xmid <= x1 and top <= w.ymid <= bottom]


def rules_in(rules: Iterable[Rule], bbox: BBox, slack: float) -> list[Rule]:
    """Drawn rules within ``bbox`` (give or take ``slack``). Edges of shading are left out: word
    processors shade single lines or cells, and those edges would cut multi-line cells apart."""
    x0, top, x1, bottom = bbox
    return [r for r in rules if not r.shading and r.x1 >= x0 - slack and r.x0 <= x1 + slack
            and r.bottom >= top - slack and r.top <= bottom + slack]


# --- columns ------------------------------------------------------------------------------


def ruled_columns(words: Sequence[Word], rules: Sequence[Rule], s: Settings) -> list[float]:
    """x of vertical rules inside the text's extent that cut through no word and run at least
    ``table_rule_run_share`` as far down the table as the longest one (shorter ones edge the
    shading of a cell)."""
    if not words:
        return []
    snap, slack = s.rule_snap, s.edge_slack
    lo, _, hi, _ = bbox(words)
    xs = [r.x0 for r in rules if r.orientation == "v" and lo + slack < r.x0 < hi - slack]
    found: list[tuple[float, float]] = []
    for x in cluster(xs, snap):
        near = [r for r in rules if r.orientation == "v" and abs(r.x0 - x) <= snap]
        cut = any(w.x0 < x - slack and w.x1 > x + slack
                  and any(r.top <= w.ymid <= r.bottom for r in near) for w in words)
        if not cut:
            found.append((x, _covered(near)))
    longest = max((length for _, length in found), default=0.0)
    return [x for x, length in found if length >= s.table_rule_run_share * longest]


def _covered(rules: Sequence[Rule]) -> float:
    """Length of the union of the rules' vertical extents."""
    total, reach = 0.0, -1e9
    for r in sorted(rules, key=lambda r: r.top):
        if r.bottom > reach:
            total += r.bottom - max(r.top, reach)
            reach = r.bottom
    return total


def gutter_columns(by_line: Sequence[Sequence[Word]], min_width: float, wide: float,
                   s: Settings) -> list[float]:
    """x of the boundaries in the whitespace gutters between text columns.

    Only lines split into two or more parts say where gutters are (a few of them may still
    cross one); a line in one piece is a heading, a stub or a wrapped line, and is a spanning
    cell where it crosses a gutter. A gutter no wider than the text's word spaces is kept only
    where it mostly stands between numbers (monospaced tables); between words it is a space
    inside a phrase that happens to align.
    """
    words = [w for ws in by_line for w in ws]
    if not words:
        return []
    lo, _, hi, _ = bbox(words)
    split = [ws for ws in by_line if _is_split(ws, min_width, wide)]
    basis = split if len(split) >= 2 else by_line
    allowed = (max(1, int(s.table_spanning_share * len(basis)))
               if len(basis) >= s.table_spanning_lines else 0)
    gaps = [(a, b) for a, b in whitespace_gaps([w for ws in basis for w in ws], lo, hi, allowed,
                                               min_width)
            if lo < a and b < hi and (b - a > wide or _between_numbers(by_line, a, b, s))]
    return [min_coverage_x(words, a, b, s.boundary_inset) for a, b in gaps]


def _is_split(ws: Sequence[Word], min_width: float, wide: float) -> bool:
    """Has the line a gap between two words that could be a gutter?"""
    return any(b.x0 - a.x1 > wide or (b.x0 - a.x1 >= min_width and not _has_letters(a.text)
                                      and not _has_letters(b.text))
               for a, b in zip(ws, ws[1:]))


def _between_numbers(by_line: Sequence[Sequence[Word]], a: float, b: float, s: Settings
                     ) -> bool:
    """Of the neighbouring words that [a, b] separates, have most no letters on either side?"""
    numbers = others = 0
    for ws in by_line:
        for left, right in zip(ws, ws[1:]):
            if (left.x1 <= a + s.table_gap_slack and right.x0 >= b - s.table_gap_slack
                    and right.x0 - left.x1 <= s.table_neighbour_gap * (b - a) + s.edge_slack):
                if not _has_letters(left.text) and not _has_letters(right.text):
                    numbers += 1
                else:
                    others += 1
    return numbers > others


def column_edges(by_line: Sequence[Sequence[Word]], rules: Sequence[Rule], gutter: float,
                 wide: float, s: Settings) -> tuple[list[float], dict[float, float]]:
    """Inner column boundaries, and those drawn as rules with how far from the boundary their
    rules may lie (a double rule is one boundary at its middle).

    Drawn rules always separate columns. When rules run down nearly every gutter the table is
    ruled and a gutter without a rule is alignment inside a cell; otherwise the gutters without
    rules are boundaries too, if text stands on both sides (see ``_supported``).
    """
    words = [w for ws in by_line for w in ws]
    snap = s.rule_snap
    reach = _one_per_gutter(ruled_columns(words, rules, s), words, snap)
    ruled = sorted(reach)
    gutters = gutter_columns(by_line, gutter, wide, s)
    free = {x: gutter for x in gutters if all(abs(x - r) > s.table_rule_gutter * snap
                                              for r in ruled)
            and not _rule_in_gap(x, ruled, words)}
    if ruled and s.table_ruled_gutters * len(free) <= len(ruled):
        return ruled, reach
    edges = sorted(ruled + list(free))
    keep = _supported(edges, free, by_line)
    return _no_bullet_columns(keep, words, set(ruled)), reach


def _no_bullet_columns(edges: list[float], words: Sequence[Word], ruled: set[float]
                       ) -> list[float]:
    """Hanging bullets stand apart from their text: a column of bullet glyphs only is part of
    the column to its right."""
    out = list(edges)
    for k in range(len(edges)):
        left = edges[k - 1] if k else -1e9
        inside = [w for w in words if left < w.xmid < edges[k]]
        if inside and edges[k] not in ruled and all(len(w.text) == 1 and is_bullet(w.text)
                                                    for w in inside):
            out.remove(edges[k])
    return out


def _supported(edges: list[float], free: Mapping[float, float], by_line: Sequence[Sequence[Word]]
               ) -> list[float]:
    """Drop, weakest first, the gutters that fewer than two lines hold text on both sides of
    (within the neighbouring boundaries) with a gutter's width of space between."""
    edges = list(edges)
    need = min(2, len(by_line))
    while True:
        support = {x: _both_sides(by_line, edges[k - 1] if k else -1e9, x, free[x],
                                  edges[k + 1] if k + 1 < len(edges) else 1e9)
                   for k, x in enumerate(edges) if x in free}
        weakest = min(support, key=lambda x: support[x], default=None)
        if weakest is None or support[weakest] >= need:
            return edges
        edges.remove(weakest)


def _both_sides(by_line: Sequence[Sequence[Word]], left: float, x: float, width: float,
                right: float) -> int:
    """How many lines have a gap of at least ``width`` at ``x``, with words wholly between
    ``left`` and it and wholly between it and ``right``? (Headings may cross a gutter, and so
    may a few long lines of prose: their words beyond a ragged edge make no column.)"""
    both = 0
    for ws in by_line:
        before = [w for w in ws if w.x1 <= x]
        after = [w for w in ws if w.x0 >= x]
        if len(before) + len(after) < len(ws) or not before or not after:
            continue
        if (after[0].x0 - before[-1].x1 >= width and left < before[-1].x0
                and after[0].x1 < right):
            both += 1
    return both


def _one_per_gutter(xs: Sequence[float], words: Sequence[Word], snap: float
                    ) -> dict[float, float]:
    """Rules with no text between them (double rules, both edges of a thick one) -> one
    boundary at their middle, with the distance within which its rules lie."""
    groups = runs(sorted(xs), lambda run, x: not any(w.x1 > run[-1] and w.x0 < x for w in words))
    return {(g[0] + g[-1]) / 2: (g[-1] - g[0]) / 2 + snap for g in groups}


def _rule_in_gap(x: float, ruled: Sequence[float], words: Sequence[Word]) -> bool:
    """Is one of the rules in the same whitespace gutter as ``x`` (no word between them)?"""
    for r in ruled:
        a, b = min(x, r), max(x, r)
        if not any(w.x1 > a and w.x0 < b for w in words):
            return True
    return False


def word_spacing(by_line: Sequence[Sequence[Word]], size: float, s: Settings) -> float:
    """The text's usual space between two words of a phrase: the median gap next to a word
    with letters (numbers stand in columns, so gaps between them are gutters); in monospaced
    text without enough such gaps, one character's width."""
    gaps = sorted(b.x0 - a.x1 for ws in by_line for a, b in zip(ws, ws[1:])
                  if 0 < b.x0 - a.x1 < s.table_max_word_gap * size
                  and (_has_letters(a.text) or _has_letters(b.text)))
    if len(gaps) >= s.table_min_gaps:
        return gaps[len(gaps) // 2]
    pitches = sorted((w.x1 - w.x0) / len(w.text) for ws in by_line for w in ws if len(w.text) > 1)
    if pitches and pitches[-1] <= s.table_mono_spread * pitches[0]:
        return pitches[len(pitches) // 2]
    return s.table_default_space * size


def _drawn_beside(rules: Sequence[Rule], ruled_x: Mapping[float, float], ln: Line,
                  slack: float) -> set[float]:
    """The ruled column boundaries whose rule is actually drawn beside this line."""
    return {x for x, reach in ruled_x.items()
            if v_rule_at(rules, x, ln.top, ln.bottom, reach, slack)}


def _column(x: float, edges: Sequence[float]) -> int:
    k = 0
    while k < len(edges) and x >= edges[k]:
        k += 1
    return k


# --- lines -> pieces ---------------------------------------------------------------------


def pieces(ws: Sequence[Word], edges: Sequence[float], ruled: set[float], space: float
           ) -> list[_Piece]:
    """Split one line's words into cells: by column, but words across a boundary that are only a
    word space apart (and not split by a rule drawn beside this line, ``ruled``) stay together
    as a spanning cell."""
    def joins(run: list[Word], w: Word) -> bool:
        prev = run[-1]
        c_prev, c_w = _column(prev.xmid, edges), _column(w.xmid, edges)
        return c_prev == c_w or (w.x0 - prev.x1 <= space
                                 and (_has_letters(prev.text) or _has_letters(w.text))
                                 and not any(x in ruled for x in edges[c_prev:c_w]))

    out = runs(ws, joins)
    return [_Piece(_column(g[0].xmid, edges), _column(g[-1].xmid, edges), tuple(g)) for g in out]


# --- rows ---------------------------------------------------------------------------------


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def is_numeric(text: str) -> bool:
    """A number, amount, range or date written without words."""
    return any(ch.isdigit() for ch in text) and not _has_letters(text)


def _as_line(piece: _Piece) -> Line:
    return group_lines(piece.words)[0]


def runs_on(upper: _Piece, lower: _Piece, right: float) -> bool | None:
    """Does ``lower`` carry on the text of ``upper`` in the same cell? Yes for the next item of
    a bullet list, a line starting in lower case, after a hyphen or comma, or an opening
    bracket after a wrap at the column's edge; no when ``upper`` did not wrap; None (can't
    tell) for anything else after a wrap (a capital, a digit, a currency sign)."""
    text = lower.text
    if is_bullet(text) or text[:1].islower() or upper.text.endswith(("-", ",")):
        return True
    if not wrapped(_as_line(upper), right, _as_line(lower)):
        return False
    return True if text[:1] in "([" else None


def continues(row: Sequence[_Piece], lower: Sequence[_Piece], rights: Mapping[int, float],
              in_header: bool, overlapping: bool) -> bool:
    """Is ``lower`` more lines of the cells of ``row`` (the pieces of the row so far)?

    In the header, labels stack into one cell per column as long as no label spans columns
    that the other line splits (a spanning heading is a row of its own). In the body the
    leftmost column where both have text decides (the next ones if it can't tell): a number
    there starts a new row, text that runs on (see ``runs_on``) continues the row. A line with
    text only in columns the row leaves empty continues it when it sits beside it (a value
    centred against several lines).
    """
    if not row or not lower:
        return False
    spans_u = {(p.c0, p.c1): p for p in row}
    spans_l = {(p.c0, p.c1): p for p in lower}
    clash = any(a != b and a[0] <= b[1] and b[0] <= a[1] for a in spans_u for b in spans_l)
    if clash:
        return False
    if in_header:
        return not any(is_numeric(p.text) for p in lower)
    shared = sorted(set(spans_u) & set(spans_l))
    if not shared:
        return overlapping
    if any(is_numeric(spans_l[s].text) for s in shared):
        return False
    verdicts = [runs_on(_last(row, s), spans_l[s], rights.get(s[1], 0.0)) for s in shared]
    if verdicts[0] is None:  # a capital after a wrap: the other columns tell
        return any(v for v in verdicts[1:])
    return verdicts[0]


def _last(row: Sequence[_Piece], span: tuple[int, int]) -> _Piece:
    return [p for p in row if (p.c0, p.c1) == span][-1]


def header_end(line_pieces: Sequence[list[_Piece]]) -> int:
    """Index of the first body line: the first with a number in it or with as many cells as
    the fullest line. Lines above it are column headings (stacked, staggered or spanning)."""
    most = max((len(ps) for ps in line_pieces), default=0)
    for k, ps in enumerate(line_pieces):
        if len(ps) == most or any(is_numeric(p.text) for p in ps):
            return k
    return len(line_pieces)


def rule_between(rules: Sequence[Rule], upper: Line, lower: Line, slack: float) -> bool:
    """Is there a horizontal rule between the two lines, under some of their text?"""
    lo, hi = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
    lo, hi = (lo, hi) if lo < hi else (min(upper.x0, lower.x0), max(upper.x1, lower.x1))
    return any(r.x0 < hi and r.x1 > lo
               for r in h_rules_in_gap(rules, upper.bottom, lower.top, slack))


def text_rows(lines: Sequence[Line], line_pieces: Sequence[list[_Piece]],
              rules: Sequence[Rule], rights: Mapping[int, float], size: float, s: Settings
              ) -> list[list[int]]:
    """Group line indices into rows: a line joins the row above when it continues its cells,
    lies close below it and no rule separates them. Header lines stack by the header's rules,
    any other pair of lines by the body's."""
    rows: list[list[int]] = []
    first_body = header_end(line_pieces)
    for k, ln in enumerate(lines):
        if rows:
            members = rows[-1]
            bottom = max(lines[j].bottom for j in members)
            close = ln.top - bottom <= s.table_tight * size
            overlapping = ln.top < bottom - s.table_overlap * size
            above = lines[members[-1]]
            row = [p for j in members for p in line_pieces[j]]
            if close and not rule_between(rules, above, ln, s.edge_slack) and continues(
                    row, line_pieces[k], rights, k < first_body and members[0] < first_body,
                    overlapping):
                members.append(k)
                continue
        rows.append([k])
    return rows


def ruled_rows(words: Sequence[Word], rules: Sequence[Rule], snap: float, slack: float
               ) -> list[float]:
    """y of horizontal rules inside the text's extent that cut through no word."""
    if not words:
        return []
    _, lo, _, hi = bbox(words)
    ys = [r.top for r in rules if r.orientation == "h" and lo + slack < r.top < hi - slack]
    return [y for y in cluster(ys, snap)
            if not any(w.top + slack < y < w.bottom - slack
                       and h_rule_at(rules, y, w.xmid, snap, slack) for w in words)]


def _spans_columns(rules: Sequence[Rule], y: float, words: Sequence[Word],
                   edges: Sequence[float], snap: float, slack: float) -> bool:
    """Does a rule at ``y`` run on unbroken under two neighbouring text columns? (Shading
    behind single cells also leaves edges inside rows; a rule under a spanning heading is one.)"""
    filled = sorted({_column(w.xmid, edges) for w in words})
    under = {c for c in filled
             if any(h_rule_at(rules, y, w.xmid, snap, slack) for w in words
                    if _column(w.xmid, edges) == c)}
    return any(a in under and b in under
               and all(h_rule_at(rules, y, x, snap, slack) for x in edges[a:b])
               for a, b in zip(filled, filled[1:]))


def _row_bands(lines: Sequence[Line], rows: Sequence[list[int]]) -> list[tuple[float, float]]:
    return [(min(lines[k].top for k in r), max(lines[k].bottom for k in r)) for r in rows]


def rows_are_ruled(bands: Sequence[tuple[float, float]], ys: Sequence[float], s: Settings
                   ) -> bool:
    """True when rules separate most consecutive text rows: the rules then define the rows."""
    if len(bands) < s.table_min_rule_rows or len(ys) < 2:
        return False
    slack = s.edge_slack
    ruled = sum(1 for (_, b), (t, _) in zip(bands, bands[1:])
                if any(b - slack <= y <= t + slack for y in ys))
    return ruled >= s.table_ruled_rows_share * (len(bands) - 1)


# --- cells --------------------------------------------------------------------------------


class _Slots:
    """Union-find over the (row, column) slots of the grid: joined slots are one cell."""

    def __init__(self, n_rows: int, n_cols: int) -> None:
        self.n_cols = n_cols
        self.parent = list(range(n_rows * n_cols))

    def find(self, k: int) -> int:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def join(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = self.find(a[0] * self.n_cols + a[1]), self.find(b[0] * self.n_cols + b[1])
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[int, list[tuple[int, int]]]:
        out: dict[int, list[tuple[int, int]]] = {}
        for k in range(len(self.parent)):
            out.setdefault(self.find(k), []).append(divmod(k, self.n_cols))
        return out


def _compact(cells: list[Cell]) -> tuple[Cell, ...]:
    """Drop rows and columns that no cell with text starts or ends in; renumber the rest."""
    filled = [c for c in cells if c.text]
    rows = sorted({c.row for c in filled} | {c.end_row for c in filled})
    cols = sorted({c.col for c in filled} | {c.end_col for c in filled})
    r_at, c_at = {r: k for k, r in enumerate(rows)}, {c: k for k, c in enumerate(cols)}
    out = [Cell(r_at[c.row], c_at[c.col], r_at[c.end_row], c_at[c.end_col], c.text)
           for c in filled]
    return tuple(sorted(out, key=lambda c: (c.row, c.col)))


def table_structure(page: PageData, bbox: BBox,
                    settings: Settings | Mapping[str, Any] | None = None) -> Table:
    """Rows, columns and cells of the table inside ``bbox`` on ``page``."""
    s = Settings.resolve(settings)
    words = words_in(page.words, bbox)
    if not words:
        return Table(page.number, bbox, ())
    slack = s.edge_slack
    rules = rules_in(page.rules, bbox, slack)
    size = body_font_size(words, s.default_font_size)
    lines = steady_lines(words, s.table_line_tolerance)
    by_line = words_by_line(words, lines, s.line_slack)
    spacing = word_spacing(by_line, size, s)
    space = max(s.table_word_space * size, s.table_space_ratio * spacing)
    gutter = s.table_gutter * size
    edges, ruled_x = column_edges(by_line, rules, gutter,
                                  max(gutter, s.table_gutter_spaces * spacing), s)
    line_pieces = [pieces(ws, edges, _drawn_beside(rules, ruled_x, ln, slack), space)
                   for ws, ln in zip(by_line, lines)]
    rights = _column_rights(words, edges)
    rows = text_rows(lines, line_pieces, rules, rights, size, s)
    bands = _row_bands(lines, rows)
    ys = [y for y in ruled_rows(words, rules, s.rule_snap, slack)
          if not any(top + slack < y < bottom - slack for top, bottom in bands)
          or _spans_columns(rules, y, words, edges, s.rule_snap, slack)]
    pitch = column_pitch(lines, line_pieces) or s.default_pitch * size
    body = [r for r in rows if r[0] >= header_end(line_pieces)] or rows
    region = _Region(page.number, bbox, lines, line_pieces, rows, edges, pitch, s)
    if rows_are_ruled(_row_bands(lines, body), ys, s):
        return _grid_table(region, rules, ruled_x, ys)
    return _text_table(region)


@dataclass(frozen=True)
class _Region:
    """A table region read so far: its lines, their pieces, the text rows and the columns."""

    page: int
    bbox: BBox
    lines: Sequence[Line]
    line_pieces: Sequence[list[_Piece]]
    rows: Sequence[list[int]]
    edges: Sequence[float]
    pitch: float
    settings: Settings


def column_pitch(lines: Sequence[Line], line_pieces: Sequence[list[_Piece]]) -> float | None:
    """Typical distance between a line and the next line of the same column (whole-table steps
    would be too small where labels are staggered)."""
    tops: dict[int, list[float]] = {}
    for ln, ps in zip(lines, line_pieces):
        for p in ps:
            tops.setdefault(p.c0, []).append(ln.top)
    found = sorted(d for ts in tops.values() for d in steps(ts))
    return found[len(found) // 2] if found else None


def _column_rights(words: Sequence[Word], edges: Sequence[float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for w in words:
        c = _column(w.xmid, edges)
        out[c] = max(out.get(c, 0.0), w.x1)
    return out


def _text_table(region: _Region) -> Table:
    """Cells of a table whose rows come from text lines: a row's pieces that share a column are
    one cell, and a piece across columns makes its cell span them."""
    n_cols = len(region.edges) + 1
    slots = _Slots(len(region.rows), n_cols)
    content: dict[tuple[int, int], list[Word]] = {}
    for r, members in enumerate(region.rows):
        for k in members:
            for p in region.line_pieces[k]:
                for c in range(p.c0, p.c1):
                    slots.join((r, c), (r, c + 1))
                content.setdefault((r, p.c0), []).extend(p.words)
    return Table(region.page, region.bbox, _cells_from(slots, content, region))


def _grid_table(region: _Region, rules: Sequence[Rule], ruled_x: Mapping[float, float],
                ys: Sequence[float]) -> Table:
    """Cells of a table whose rows are the bands between horizontal rules (each holding one or
    more text rows): neighbouring slots are one cell where the rule between them is missing,
    unless text on both sides says otherwise."""
    lines, line_pieces, rows, edges = region.lines, region.line_pieces, region.rows, region.edges
    s = region.settings
    snap, slack = s.rule_snap, s.edge_slack
    n_rows, n_cols = len(ys) + 1, len(edges) + 1
    y_edges = [min(ln.top for ln in lines) - slack, *ys, max(ln.bottom for ln in lines) + slack]
    x_edges = [-1e9, *edges, 1e9]
    slots = _Slots(n_rows, n_cols)
    content: dict[tuple[int, int], list[Word]] = {}
    apart: set[tuple[int, int]] = set()  # (band, boundary) with separate text on both sides
    for members in rows:
        for k in members:
            band = _column((lines[k].top + lines[k].bottom) / 2, ys)
            ps = line_pieces[k]
            for p in ps:
                for c in range(p.c0, p.c1):
                    slots.join((band, c), (band, c + 1))
                content.setdefault((band, p.c0), []).extend(p.words)
            for p, q in zip(ps, ps[1:]):
                apart.update((band, c) for c in range(p.c1, q.c0))
    for r in range(n_rows):
        for c, x in enumerate(edges):
            if x in ruled_x and (r, c) not in apart and not v_rule_at(
                    rules, x, y_edges[r], y_edges[r + 1], ruled_x[x], slack):
                slots.join((r, c), (r, c + 1))
    for r, y in enumerate(ys):
        for c in range(n_cols):
            reach = s.table_outer_reach
            mid = (max(x_edges[c], x_edges[1] - reach)
                   + min(x_edges[c + 1], x_edges[-2] + reach)) / 2
            if not h_rule_at(rules, y, mid, snap, slack):
                slots.join((r, c), (r + 1, c))
    return Table(region.page, region.bbox, _cells_from(slots, content, region))


def _cells_from(slots: _Slots, content: Mapping[tuple[int, int], list[Word]], region: _Region
                ) -> tuple[Cell, ...]:
    cells = []
    for members in slots.groups().values():
        ws = [w for slot in members for w in content.get(slot, [])]
        if not ws:
            continue
        rows = [r for r, _ in members]
        cols = [c for _, c in members]
        s = region.settings
        text = cell_text(steady_lines(ws, s.table_line_tolerance), region.pitch, s.paragraph_gap)
        cells.append(Cell(min(rows), min(cols), max(rows), max(cols), text))
    return _compact(cells)


# --- finding tables -----------------------------------------------------------------------


def find_tables(path: str | Path, pages: Sequence[int] | None = None, area: BBox | None = None,
                options: Options | None = None) -> list[Table]:
    """Every table of the PDF (or of ``pages``, 1-based), or on each page the one table inside
    ``area`` (x0, top, x1, bottom in points from the page's top-left corner). Raises
    ``PagesOutOfRange`` (a ``ValueError`` too) for pages the PDF does not have."""
    opts = options or Options()
    s = opts.settings
    out: list[Table] = []
    with Document(path, password=opts.password, settings=s, ocr=opts.ocr) as doc:
        for page in doc.pages(pages or None):
            if isinstance(page, PageData):
                out += [t for view in page_views(page, s, area)
                        for t in _view_tables(view, page, s)]
    return out


@dataclass(frozen=True)
class View:
    """The page as text running one way reads it (turned so that it reads left to right), and
    the boxes of that frame to read as tables (``None``: find them)."""
    page: PageData
    way: str
    boxes: tuple[BBox, ...] | None


def page_views(page: PageData, s: Settings, area: BBox | None = None) -> list[View]:
    """The page as generic mode reads it: each region of turned text (a table turned a
    quarter) in its own direction, and the rest upright. A region found among the words of
    one way is read that way when they hold at least ``table_turned_share`` of the words
    inside it; their words inside it are then left out of the upright view. So an upright
    table and a turned one on one page are each read in their direction, and a few turned
    labels (a turned column heading) stay with the upright text. With ``area`` the area is
    the one region, read in one direction."""
    turned = [v for way, ws in page.frames if ws for v in [_turned(page, way, ws, area, s)]
              if v.boxes]
    if area and turned:  # the one area, read the way most of its words run
        return [max(turned, key=lambda v: turned_share(page, v.way, v.page.words,
                                                       _turn(area, v.way, page)))]
    on_page = [(v.way, _turn_back(b, v.way, page)) for v in turned for b in v.boxes or ()]
    upright = replace(page, words=tuple(
        w for w in page.words
        if not any(w.direction == way and _holds(box, w) for way, box in on_page)))
    return [View(upright, LTR, (area,) if area else None)] + turned


def _turned(page: PageData, way: str, words: Sequence[Word], area: BBox | None, s: Settings
            ) -> View:
    """The view of text running ``way`` with the regions (or the area) its words hold."""
    view = turned_view(page, way, words)
    boxes = [_turn(area, way, page)] if area else find_regions(view, s)
    return View(view, way, tuple(b for b in boxes if turned_share(page, way, words, b)
                                 >= s.table_turned_share))


def turned_share(page: PageData, way: str, frame_words: Sequence[Word], box: BBox) -> float:
    """The share of the words inside ``box`` (a box of the ``way`` frame) that run ``way``:
    its frame words against the page's other words inside it on the page."""
    mine = len(words_in(frame_words, box))
    others = sum(1 for w in words_in(page.words, _turn_back(box, way, page))
                 if w.direction != way)
    return mine / (mine + others) if mine else 0.0


def _holds(box: BBox, w: Word) -> bool:
    return box[0] <= w.xmid <= box[2] and box[1] <= w.ymid <= box[3]


def _turn(box: BBox, way: str, page: PageData) -> BBox:
    """A page box in the frame of ``way``."""
    x0, x1, top, bottom = turn_box((box[0], box[2], box[1], box[3]), way, page.width,
                                   page.height)
    return (x0, top, x1, bottom)


def _turn_back(box: BBox, way: str, page: PageData) -> BBox:
    """A box of the ``way`` frame on the page."""
    x0, x1, top, bottom = turn_back((box[0], box[2], box[1], box[3]), way, page.width,
                                    page.height)
    return (x0, top, x1, bottom)


def turned_view(page: PageData, way: str, words: Sequence[Word]) -> PageData:
    """The page turned so that text running ``way`` reads left to right: its words in that
    frame and its rules turned with it."""
    quarter = way in (BTT, TTB)
    width, height = (page.height, page.width) if quarter else (page.width, page.height)
    rules = []
    for r in page.rules:
        x0, x1, top, bottom = turn_box((r.x0, r.x1, r.top, r.bottom), way, page.width,
                                       page.height)
        orientation = {"h": "v", "v": "h"}[r.orientation] if quarter else r.orientation
        rules.append(replace(r, orientation=orientation, x0=x0, x1=x1, top=top, bottom=bottom))
    return PageData(page.number, width, height, tuple(words), tuple(rules), ())


def _view_tables(view: View, page: PageData, s: Settings) -> list[Table]:
    """The tables of one view, their boxes given back on the page."""
    out = []
    boxes = view.boxes if view.boxes is not None else find_regions(view.page, s)
    for box in boxes:
        table = table_structure(view.page, box, s)
        if table.cells and view.way != LTR:
            table = replace(table, bbox=_turn_back(table.bbox, view.way, page))
        if table.cells:
            out.append(table)
    return out


def write_tables(tables: Sequence[Table], out_dir: str | Path, name: str,
                 csv_safe: bool = False) -> list[Path]:
    """Write ``<name>.tables.json`` (every table with its cells and spans) and one
    ``<name>-p<page>-t<k>.csv`` per table (its grid; a spanning cell's text in its top-left
    slot), each file atomically. Returns the paths written.

    ``csv_safe`` prefixes CSV cells a spreadsheet would run as a formula with "'" (the JSON
    keeps the text as printed)."""
    from .files import atomic_write_text
    from .writers import csv_safe_value

    folder = Path(out_dir)
    written = [folder / f"{name}.tables.json"]
    atomic_write_text(written[0], json.dumps({"tables": [t.to_dict() for t in tables]},
                                             ensure_ascii=False, indent=1) + "\n")
    counts: dict[int, int] = {}
    for table in tables:
        counts[table.page] = counts.get(table.page, 0) + 1
        path = folder / f"{name}-p{table.page}-t{counts[table.page]}.csv"
        _write_grid(path, [[csv_safe_value(c) if csv_safe else c for c in line]
                           for line in table.grid()])
        written.append(path)
    return written


def _write_grid(path: Path, grid: list[list[str]]) -> None:
    from .files import atomic_write

    atomic_write(path, lambda f: csv.writer(f).writerows(grid))


def find_regions(page: PageData, settings: Settings | None = None) -> list[BBox]:
    """Table regions of a page (see ``regions.table_regions``)."""
    from .regions import table_regions

    s = Settings.resolve(settings)
    return table_regions(page.words, page.rules, page.width, page.height,
                         s.rule_snap + s.edge_slack)
