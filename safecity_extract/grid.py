"""Report mode: words + rules of one page -> the progress table's header, column x-ranges and
row bands. A strategy on the geometry core (geometry.py), as generic mode (tables.py) is another.

Columns come from vertical rules where the table has them and from the header labels plus
the whitespace between the body's text columns where it does not; rows come from horizontal
rules that cross the Action column, or, on rule-less pages, from where the Action column
starts a new entry with empty space above it in every column.
"""
from __future__ import annotations

import re
import statistics
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from .accounting import Area, count_page, rows_after, spilled, text_starts
from .cells import Line, ends_sentence, group_lines
from .chars import LTR
from .geometry import (bbox, body_font_size, crossing, h_rules_across, h_rules_in_gap,
                       holds, min_coverage_x, runs, steps, v_rules_beside, words_on)
from .headers import join_label, known_words, map_labels, match_label
from .links import place
from .markers import is_marker, markers_outside, split_markers
from .model import PageCount
from .pdf import LeftOut, LinkArea, PageData, Rule, Word
from .sections import (Section, group, heading_above, heading_like, mostly_bold, over_rows,
                       section_line, spanning)
from .settings import Settings

DEFAULTS = Settings()

PRIORITY, ACTION = "priority", "action"
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)


@dataclass(frozen=True)
class HeaderCell:
    label: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Header:
    cells: tuple[HeaderCell, ...]
    names: tuple[str, ...]
    top: float
    bottom: float
    fixed_found: int


@dataclass(frozen=True)
class Column:
    name: str
    x0: float
    x1: float


@dataclass
class Band:
    """One row-to-be on one page: its cells' lines and the links found in it."""

    page: int
    top: float
    bottom: float
    cells: dict[str, list[Line]] = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (column, text, uri)
    guessed: bool = False  # its start was read from text cues, rows touching each other
    link_moved: bool = False  # a link's area was off its words: placed where whole words fit
    # A section row or heading (sections.py): its lines name the priority of the rows below.
    section: list[Line] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return bool(self.cells.get(name))

    def is_empty(self) -> bool:
        return not any(self.cells.values()) and not self.section


@dataclass
class PageTable:
    page: int
    columns: list[Column]
    bands: list[Band]
    ended: bool                   # the table stops on this page (other content follows it)
    warnings: list[str] = field(default_factory=list)
    x0: float = 0.0
    x1: float = 0.0
    pitch: float = 12.0
    body_size: float = 10.0
    text_right: dict[str, float] = field(default_factory=dict)  # rightmost text per column
    left_out: tuple[LeftOut, ...] = ()  # the table's text put in no cell, with the reason
    # Where the page's words went (accounting.py), warnings of possible loss, and where
    # each column's text starts on this page, or for a column empty here on the table's
    # pages before (to spot rows printed after the table stopped).
    counts: PageCount | None = None
    loss: list[str] = field(default_factory=list)
    text_left: dict[str, float] = field(default_factory=dict)
    spilled: bool = False  # text just under the table's foot: the last row may be cut off


# --- header ------------------------------------------------------------------------------


def visual_lines(words: Sequence[Word], settings: Settings) -> list[Line]:
    """The page's text lines across its whole width, top to bottom."""
    return group_lines(words, settings.line_overlap)


class WordIndex:
    """A page's words sorted by vertical middle: ``words_on`` for many lines without
    scanning every word of the page for each (headerless pages try every line as a header)."""

    def __init__(self, words: Sequence[Word], slack: float) -> None:
        self._words = words
        self._slack = slack
        self._asked = 0
        self._ys: list[float] = []
        self._ks: list[int] | None = None

    def line_words(self, line: Line) -> list[Word]:
        """Same words, same order as ``geometry.words_on(words, line, slack)``."""
        self._asked += 1
        if self._ks is None:
            if self._asked <= 4:  # a header in the first lines: cheaper than sorting the page
                return words_on(self._words, line, self._slack)
            order = sorted((w.ymid, k) for k, w in enumerate(self._words) if w.ymid == w.ymid)
            self._ys, self._ks = [y for y, _ in order], [k for _, k in order]  # NaN left out
        lo = bisect_left(self._ys, line.top - self._slack)
        hi = bisect_right(self._ys, line.bottom + self._slack)
        return [self._words[k] for k in sorted(self._ks[lo:hi])]


def _splits(rules: Iterable[Rule], top: float, bottom: float) -> list[float]:
    """x of vertical rules that cross the middle of the band [top, bottom]."""
    return sorted(r.x0 for r in v_rules_beside(rules, (top + bottom) / 2, 0.0))


def header_cells(words: Sequence[Word], rules: Sequence[Rule], settings: Settings = DEFAULTS
                 ) -> list[HeaderCell]:
    """Cluster header words into cells: stacked or close words together, rules split them."""
    if not words:
        return []
    _, top, _, bottom = bbox(words)
    splits = _splits(rules, top, bottom)
    size = statistics.median(w.size for w in words) or settings.default_font_size
    slack = settings.edge_slack
    groups: list[list[Word]] = []
    right = 0.0  # the last group's rightmost x1, kept as words join it
    for w in sorted(words, key=lambda w: w.x0):
        if groups:
            ruled = any(right - slack <= x <= w.x0 + slack for x in splits)
            if not ruled and w.x0 <= right + settings.header_word_gap * size:
                groups[-1].append(w)
                right = max(right, w.x1)
                continue
        groups.append([w])
        right = w.x1
    return [_header_cell(g, settings) for g in groups]


def _header_cell(group: list[Word], settings: Settings) -> HeaderCell:
    lines = group_lines(group, settings.line_overlap)
    x0, top, x1, bottom = bbox(group)
    label = join_label([ln.text for ln in lines], known_words(settings.header_aliases))
    return HeaderCell(label, x0, x1, top, bottom)


def _score_header(cells: list[HeaderCell], settings: Settings) -> tuple[int, float]:
    found: dict[str, float] = {}
    for cell in cells:
        m = match_label(cell.label, settings.header_fuzzy_threshold,
                        user=settings.header_aliases)
        if m.field:
            found[m.field] = max(found.get(m.field, 0.0), m.score)
    return len(found), sum(found.values())


def _rule_between(rules: Sequence[Rule], upper: Line, lower: Line, slack: float) -> bool:
    """A horizontal rule between the two lines, under where both have text."""
    return any(r.x0 <= max(upper.x0, lower.x0) + slack
               and r.x1 >= min(upper.x1, lower.x1) - slack
               for r in h_rules_in_gap(rules, upper.bottom, lower.top, slack))


def find_header(page: PageData, settings: Settings, lines: Sequence[Line] | None = None
                ) -> Header | None:
    """The first header row on the page that maps at least ``min_header_fields`` fields."""
    lines = list(lines) if lines is not None else visual_lines(page.words, settings)
    index = WordIndex(page.words, settings.line_slack)
    for i in range(len(lines)):
        best: tuple[tuple[int, float], list[HeaderCell]] | None = None
        window: list[Word] = []
        for j in range(i, min(i + settings.header_max_lines, len(lines))):
            if j > i and (lines[j].top - lines[j - 1].bottom
                          > settings.header_line_gap * lines[j].size
                          or _rule_between(page.rules, lines[j - 1], lines[j],
                                           settings.edge_slack)):
                break
            window += index.line_words(lines[j])
            cells = header_cells(window, page.rules, settings)
            score = _score_header(cells, settings)
            if best is None or score >= best[0]:
                best = (score, cells)
        if best and best[0][0] >= settings.min_header_fields and _has_anchor(best[1], settings):
            cells = best[1]
            names = map_labels([c.label for c in cells], settings.header_fuzzy_threshold,
                               settings.header_aliases)
            return Header(tuple(cells), tuple(names), min(c.top for c in cells),
                          max(c.bottom for c in cells), best[0][0])
    return None


def _has_anchor(cells: list[HeaderCell], settings: Settings) -> bool:
    """Rows are found from the Action column, so a header without one is not ours."""
    return any(match_label(c.label, settings.header_fuzzy_threshold,
                           user=settings.header_aliases).field == ACTION for c in cells)


# --- columns -----------------------------------------------------------------------------


def column_bounds(header: Header, page: PageData, body: Sequence[Word],
                  settings: Settings = DEFAULTS, carried: Sequence[Column] | None = None
                  ) -> list[Column]:
    """x-ranges of the columns: rules between header cells where drawn, else whitespace.
    Where the whitespace leaves a choice (``carried_edge``), the edge the table had on the page
    before (``carried``) is kept."""
    splits = _splits(page.rules, header.top, header.bottom)
    cells = header.cells
    slack = settings.edge_slack
    before = {c.name: c.x1 for c in carried or ()}
    edges: list[float] = []
    for k, (a, b) in enumerate(zip(cells, cells[1:])):
        ruled = [x for x in splits if a.x1 - slack <= x <= b.x0 + slack]
        if ruled:
            target = (a.x1 + b.x0) / 2
            edges.append(min(ruled, key=lambda x: abs(x - target)))
        else:
            edge = min_coverage_x(body, a.x1, b.x0, settings.boundary_inset)
            edges.append(carried_edge(body, edge, before.get(header.names[k]), a.x1, b.x0))
    left = [x for x in splits if x <= cells[0].x0 + slack]
    right = [x for x in splits if x >= cells[-1].x1 - slack]
    x0 = max(left) if left else 0.0
    x1 = min(right) if right else page.width
    bounds = [x0, *edges, x1]
    return [Column(name, bounds[k], bounds[k + 1]) for k, name in enumerate(header.names)]


def carried_edge(body: Sequence[Word], edge: float, before: float | None, lo: float,
                 hi: float) -> float:
    """The edge between two columns: the page before's (``before``) when it lies between the
    two header labels (``lo``, ``hi``) and no more of this page's words cross it than cross
    ``edge``, this page's own choice. A page whose rows leave the gutter ambiguous (a few
    justified lines, one column empty) reads with the table's columns as they were."""
    if before is None or not lo <= before <= hi:
        return edge
    return before if crossing(body, before) <= crossing(body, edge) else edge


def column_of(x: float, columns: Sequence[Column]) -> str | None:
    for col in columns:
        if col.x0 <= x < col.x1:
            return col.name
    return None


# --- table extent on a page --------------------------------------------------------------


def _in_margin(top: float, bottom: float, page: PageData, settings: Settings) -> bool:
    band = settings.margin_band * page.height
    return bottom <= band or top >= page.height - band


def margin_signatures(page: PageData, settings: Settings) -> frozenset[tuple[int, str]]:
    """What the page prints in its top and bottom margin bands, by position and text with
    digits masked: a line found again on the next page is a running header or footer."""
    words = [w for w in page.words if _in_margin(w.top, w.bottom, page, settings)]
    return frozenset(_signature(ln, settings)
                     for ln in group_lines(words, settings.line_overlap))


def _signature(line: Line, settings: Settings) -> tuple[int, str]:
    return round(line.top / settings.margin_step), re.sub(r"\d+", "#", line.text)


def furniture(lines: Sequence[Line], page: PageData, settings: Settings,
              repeated: frozenset[tuple[int, str]] = frozenset(),
              columns: Sequence[Column] | None = None) -> list[Line]:
    """Lines in the margin bands that are page numbers or repeat the previous page's. A
    repeated line that lies in a table's grid is the same row printed at the top (or foot) of
    two pages, not a running header or footer: drawn vertical rules run through it or wall
    it in (``ruled_through``), or it has its words in two or more of the table's ``columns``
    and sits under a drawn rule (over one, at the foot) as wide as itself or runs on in
    those columns at the body's line spacing (``_runs_on``)."""
    out = []
    for ln in lines:
        if not _in_margin(ln.top, ln.bottom, page, settings):
            continue
        if _PAGE_NUMBER.match(ln.text.strip()):
            out.append(ln)
        elif _signature(ln, settings) in repeated and not ruled_through(ln, page.rules,
                                                                        settings.line_slack) \
                and not (columns and _in_columns(ln, page.words, columns, settings)
                         and (_boxed(ln, page, settings)
                              or _runs_on(ln, lines, page, columns, settings))):
            out.append(ln)
    return out


def _runs_on(line: Line, lines: Sequence[Line], page: PageData, columns: Sequence[Column],
             settings: Settings) -> bool:
    """Does the text of a margin line go on at the body's line spacing in two or more of
    the columns it has words in: the line next above or below it closer than
    ``runs_on_gap`` line heights, with words in those columns? Then it is a line of a row
    printed at the top (foot) of two pages alike; a running header or footer stands apart
    from the table."""
    above = [ln for ln in lines if ln.bottom < line.top][-1:]
    below = [ln for ln in lines if ln.top > line.bottom][:1]
    reach = settings.runs_on_gap * (line.bottom - line.top)

    def names(ln: Line) -> set[str]:
        return {n for w in page.words if ln.top <= w.ymid <= ln.bottom
                and (n := column_of(w.xmid, columns)) is not None}

    near = [ln for ln in above if line.top - ln.bottom <= reach]
    near += [ln for ln in below if ln.top - line.bottom <= reach]
    return any(len(names(line) & names(ln)) >= 2 for ln in near)


def ruled_through(line: Line, rules: Sequence[Rule], slack: float) -> bool:
    """Is ``line`` in a grid: does a drawn vertical rule (not a shading edge) cross it
    between its first and last word, or do drawn vertical rules wall it in on both sides,
    each over the line's whole height?"""
    spanning = [r.x0 for r in rules if r.orientation == "v" and not r.shading
                and r.top <= line.top + slack and r.bottom >= line.bottom - slack]
    return (any(line.x0 < x < line.x1 for x in spanning)
            or (any(x <= line.x0 for x in spanning) and any(x >= line.x1 for x in spanning)))


def covered(spans: Iterable[tuple[float, float]], x0: float, x1: float, slack: float) -> bool:
    """Do the x-intervals ``spans`` together cover [x0, x1] (gaps up to ``slack`` bridged)?"""
    reach = x0
    for a, b in sorted(spans):
        if a > reach + slack:
            break
        reach = max(reach, b)
    return reach >= x1 - slack


def _boxed(line: Line, page: PageData, settings: Settings) -> bool:
    """Is a line of the top margin band under a drawn rule as wide as itself (of the bottom
    band, over one)? Such a line is inside a ruled table; a running header's own rule is
    below it, a footer's above it."""
    top_band = line.bottom <= settings.margin_band * page.height
    spans = [(r.x0, r.x1) for r in page.rules if r.orientation == "h" and not r.shading
             and (r.top <= line.top if top_band else r.top >= line.bottom)]
    return covered(spans, line.x0, line.x1, settings.line_slack)


def _in_columns(line: Line, words: Sequence[Word], columns: Sequence[Column],
                settings: Settings) -> bool:
    """Do the line's words sit inside the columns (none straddling an edge), in two or more?"""
    mine = [w for w in words if line.top <= w.ymid <= line.bottom
            and line.x0 <= w.xmid <= line.x1]
    names = {column_of(w.xmid, columns) for w in mine}
    return len(names - {None}) >= 2 and not any(
        straddles(w, columns, settings.straddle) for w in mine)


def straddles(word: Word, columns: Sequence[Column], reach: float) -> bool:
    """Does the word run more than ``reach`` across an edge between two columns?"""
    return any(word.x0 < c.x0 - reach and word.x1 > c.x0 + reach for c in columns[1:])


def _fits(line_words: Sequence[Word], columns: Sequence[Column], body_size: float,
          settings: Settings) -> bool:
    """True if no word straddles a column boundary and the text is not heading-sized."""
    for w in line_words:
        if straddles(w, columns, settings.straddle):
            return False
        if column_of(w.xmid, columns) is None:
            return False
    return not _heading_sized(line_words, body_size, settings)


def _heading_sized(line_words: Sequence[Word], body_size: float, settings: Settings) -> bool:
    sizes = [w.size for w in line_words if w.size]
    return bool(sizes) and statistics.median(sizes) >= settings.heading_size_ratio * body_size


def ruled_span(rules: Sequence[Rule], columns: Sequence[Column], top: float,
               snap: float, bridges: Sequence[tuple[float, float]] = (),
               reach: float = DEFAULTS.section_reach) -> tuple[float, float] | None:
    """Where the vertical rules between columns start and stop below ``top``, if the table
    draws them: text above or below that span is outside the table. A gap in the rules that
    holds one of the (top, bottom) ``bridges`` (a section row spanning the columns, a
    heading over the next table) does not stop it, and one just before the rules start or
    just after they stop (a section row at the top or foot of a page) is inside the table."""
    spans_found = []
    for x in (c.x0 for c in columns[1:]):
        spans = sorted((r.top, r.bottom) for r in rules
                       if r.orientation == "v" and abs(r.x0 - x) <= snap and r.bottom > top)
        if not spans:
            continue
        first = runs(spans, lambda run, s: _joins(max(b for _, b in run), s[0], snap, bridges))[0]
        spans_found.append((first[0][0], max(b for _, b in first)))
    if not spans_found:
        return None
    start, end = min(s for s, _ in spans_found), max(e for _, e in spans_found)
    for t, u in sorted(bridges):
        if end - snap <= t <= end + reach * (u - t):
            end = max(end, u + snap)
    for t, u in sorted(bridges, reverse=True):
        if start - reach * (u - t) <= u <= start + snap and t >= top - snap:
            start = min(start, t - snap)
    return start, end


def drawn_rules(rules: Sequence[Rule]) -> list[Rule]:
    """The rules that were drawn as lines, not the edges of filled bands. A shaded header
    (or a striped row) filled cell by cell has edges at the column boundaries, but only
    across its own band: they do not say where the table starts or stops."""
    return [r for r in rules if not r.shading]


def _joins(end: float, start: float, snap: float, bridges: Sequence[tuple[float, float]]
           ) -> bool:
    """Does a rule starting at ``start`` continue a run that stops at ``end``: it starts
    within ``snap``, or the gap between them holds one of the ``bridges``?"""
    return start <= end + snap or any(end - snap <= t and u <= start + snap for t, u in bridges)


@dataclass(frozen=True)
class Frame:
    """What a page's table body is bounded by and measured against: the page, its visual
    lines, the table's columns, its body font size and the settings."""

    page: PageData
    lines: Sequence[Line]
    columns: Sequence[Column]
    body_size: float
    settings: Settings


def table_extent(frame: Frame, top: float, has_header: bool, skip: Sequence[Line] = (),
                 sections: Sequence[Section] = ()) -> tuple[float, float, bool]:
    """(body top, body bottom, table ended here) for the body below ``top``.

    Where vertical rules separate the columns, the table is the span they cover. Otherwise,
    on a page without a header, lines that do not fit the grid in the top margin band are
    skipped (running headers), and the first line that does not fit ends the body; if more
    than a stray footer follows it, the table has ended on this page. The lines of
    ``sections`` (section rows, headings: sections.py) belong to the table.
    """
    page, lines, columns, body_size, settings = (frame.page, frame.lines, frame.columns,
                                                 frame.body_size, frame.settings)
    band = settings.margin_band * page.height
    slack = settings.line_slack
    below = [ln for ln in lines if ln.top >= top - slack and ln not in skip]
    span = ruled_span(drawn_rules(page.rules), columns, top, settings.rule_snap,
                      [(s.lines[0].top, s.lines[-1].bottom) for s in sections],
                      settings.section_reach)
    inside_sections = {ln for s in sections for ln in s.lines}
    index = WordIndex(page.words, slack)

    def fits(ln: Line) -> bool:
        return ln in inside_sections or _fits(index.line_words(ln), columns, body_size, settings)

    limit = None
    if span is not None:
        inside = [ln for ln in below if span[0] - settings.edge_slack <= ln.top < span[1]]
        before = [ln for ln in below if ln.top < span[0] - settings.edge_slack]
        # On a page without a header, rows of the table above where the rules start (lines
        # below the top margin band that fit its columns) make the rules another block's.
        runs_on = not has_header and len([ln for ln in before if ln.top > band and fits(ln)]
                                         ) >= settings.aligned_rows
        if (not has_header and not runs_on) or (inside and not before):
            after = [ln for ln in below if ln.top >= span[1]]
            return max(top, span[0] - slack), span[1], bool(after) or not inside
        # Vertical rules that stop before the first line under the header are the header
        # cells' borders (a longtable's head): they bound no body. Rules that start only
        # after text under the header (or rows, on a page without one) are another ruled
        # block (an appendix's table): the table ends above it. Either way the text under
        # the header is read as on a page without rules.
        if before and inside:
            start = title_top(before, span[0], index, body_size, settings)
            below, limit = [ln for ln in before if ln.top < start], start - slack
    cut = foreign_block(frame, below, index)
    if cut is not None and (limit is None or cut < limit):
        below, limit = [ln for ln in below if ln.top < cut], cut
    body_top = top
    while not has_header and below and below[0].bottom <= band and not fits(below[0]):
        if _heading_sized(index.line_words(below[0]), body_size, settings) \
                and below[0] not in inside_sections:
            # a heading opens the page (a running header is repeated, so in ``skip``, or
            # small): what follows it is not the table's, which ended on the page before
            return body_top, below[0].top - slack, True
        below.pop(0)
        body_top = below[0].top - slack if below else top
    for k, ln in enumerate(below):
        if fits(ln):
            continue
        rest = below[k + 1:]
        footer_only = ln.top >= page.height - band and len(rest) <= 1
        if footer_only:
            return body_top, ln.top - slack, limit is not None
        # What follows the table is often titled ("Appendix: Abbreviations"): a heading just
        # above the first line that does not fit is that title, not a row.
        end = title_top(below[:k], ln.top, index, body_size, settings)
        return body_top, end - slack, True
    return (body_top, page.height, False) if limit is None else (body_top, limit, True)


def foreign_rules(rules: Sequence[Rule], columns: Sequence[Column], lines: Sequence[Line],
                  reach: float) -> list[Rule]:
    """Drawn vertical rules inside the table's width but further than ``reach`` from every
    column boundary, that start below the first of ``lines`` (the body, top to bottom) and
    cross one of them: the grid of another table (an appendix's box) under this one."""
    bounds = [columns[0].x0, *(c.x1 for c in columns)]
    if not lines:
        return []
    first = lines[0].bottom
    return [r for r in drawn_rules(rules) if r.orientation == "v"
            and bounds[0] < r.x0 < bounds[-1] and r.top > first
            and min(abs(r.x0 - b) for b in bounds) > reach
            and any(ln.x0 < r.x0 < ln.x1 and r.top < (ln.top + ln.bottom) / 2 < r.bottom
                    for ln in lines)]


def foreign_block(frame: Frame, lines: Sequence[Line], index: "WordIndex") -> float | None:
    """Where another table's box starts under the body (``foreign_rules``), with the heading
    lines just above it (larger or bold: its title), so that the body ends there; None when
    there is none, or when the box starts with this table's own header row (the next of a
    table per priority)."""
    page, columns, size, settings = frame.page, frame.columns, frame.body_size, frame.settings
    found = foreign_rules(page.rules, columns, lines, settings.foreign_rule_reach * size)
    if not found:
        return None
    cut = min(r.top for r in found)
    inside = [ln for ln in lines if ln.top >= cut - settings.edge_slack]
    header = find_header(page, settings, inside[:4])
    if header is not None and sorted(header.names) == sorted(c.name for c in columns):
        return None
    above = [ln for ln in lines if ln.top < cut - settings.edge_slack]
    return title_top(above, cut, index, size, settings) - settings.line_slack


def title_top(above: Sequence[Line], cut: float, index: "WordIndex", size: float,
              settings: Settings) -> float:
    """Where the title of what starts at ``cut`` begins: the heading lines (larger, or bold in
    a body that is not) at the foot of ``above``, the lines over it; ``cut`` when none."""
    bold = mostly_bold([w for ln in above for w in index.line_words(ln)])
    heads = 0
    while (heads < min(settings.section_max_lines, len(above)) and heading_like(
            index.line_words(above[-1 - heads]), size, bold, settings)):
        heads += 1
    return above[-heads].top if heads else cut


# --- rows --------------------------------------------------------------------------------


def separators(rules: Sequence[Rule], columns: Sequence[Column], top: float, bottom: float,
               snap: float, reach: float = DEFAULTS.rule_reach) -> list[float]:
    """y of horizontal rules crossing the Action column strictly inside (top, bottom)."""
    action = next(c for c in columns if c.name == ACTION)
    ys = rules_across(rules, action, top + snap, bottom - snap, reach)
    return [run[0] for run in runs(ys, lambda run, y: y - run[0] <= snap)]


def column_lines(words: Sequence[Word], columns: Sequence[Column], settings: Settings
                 ) -> dict[str, list[Line]]:
    by_col: dict[str, list[Word]] = {c.name: [] for c in columns}
    for w in words:
        name = column_of(w.xmid, columns)
        if name:
            by_col[name].append(w)
    return {name: group_lines(ws, settings.line_overlap) for name, ws in by_col.items()}


def text_row_starts(lines: dict[str, list[Line]], top: float, bottom: float,
                    settings: Settings = DEFAULTS, spacing: float = 0.0
                    ) -> list[tuple[float, bool]]:
    """Tops of Action lines that open a new row.

    A row opens where nothing sits just above the Action line in any column but the
    (merged, so ignored) priority column; or, in tables without row padding, where at least
    two columns start fresh entries side by side on that line (each with blank space above
    it in its own column), e.g. a new action beside a new lead agency or a new priority, or
    one column other than Action does so beside an Action line that follows a finished
    sentence with a capital letter. "Just above" and "a gap" are measured beyond
    ``spacing``, the usual blank between two lines of a cell (see ``clear_strip``).
    Returns (top, found from those cues) pairs.
    """
    action = [ln for ln in lines.get(ACTION, []) if top <= (ln.top + ln.bottom) / 2 < bottom]
    others = [ln for name, lns in lines.items() if name != PRIORITY for ln in lns]
    starts: list[tuple[float, bool]] = []
    for k, ln in enumerate(action):
        if k == 0:
            starts.append((ln.top, False))
            continue
        if (_clear_above(ln, others, settings, spacing)
                and ln.top - action[k - 1].bottom > row_gap(ln, settings, spacing)):
            starts.append((ln.top, False))
            continue
        fresh = fresh_columns(lines, ln, settings)
        sentence = ends_sentence(action[k - 1].text) and ln.text[:1].isupper()
        if fresh - {ACTION} and (len(fresh) >= 2 or sentence):
            starts.append((ln.top, True))
    return starts


def row_gap(line: Line, settings: Settings, spacing: float) -> float:
    """The blank above ``line`` that a new row needs in its own column: more than
    ``row_gap`` font sizes, and more than the usual blank between a cell's lines."""
    return max(settings.row_gap * line.size,
               spacing + settings.row_spacing_margin * line.size)


def line_spacing(lines: Sequence[Line], pitch: float, most: float = DEFAULTS.row_spacing_max
                 ) -> float:
    """The usual blank between two lines of one cell: the line ``pitch`` less the median
    height of the upright lines (0 when they are taller than the pitch), and at most
    ``most`` median font sizes (a table of one-line cells has no pitch of its own within a
    cell: its pitch is the distance between rows)."""
    upright = [ln for ln in lines if ln.bottom - ln.top <= 2 * ln.size]
    if not upright:
        return 0.0
    blank = pitch - statistics.median(ln.bottom - ln.top for ln in upright)
    return min(max(0.0, blank), most * statistics.median(ln.size for ln in upright))


def fresh_columns(lines: dict[str, list[Line]], at: Line, settings: Settings = DEFAULTS
                  ) -> set[str]:
    """Columns that start a line level with ``at`` after blank space in that column."""
    out = set()
    near = settings.row_level * at.size
    for name, lns in lines.items():
        level = [ln for ln in lns if abs(ln.top - at.top) <= near]
        if not level:
            continue
        above = [ln for ln in lns if ln.top < level[0].top - near]
        if not above or (level[0].top - max(ln.bottom for ln in above)
                         > settings.row_fresh_gap * at.size):
            out.add(name)
    return out


def band_edges(lines: dict[str, list[Line]], rules: Sequence[Rule], columns: Sequence[Column],
               top: float, bottom: float, settings: Settings, spacing: float = 0.0
               ) -> tuple[list[float], set[float]]:
    """Boundaries of the row bands (rules when the page has them, else text row starts),
    and those among them found only from text cues; ``spacing``: the usual blank between
    a cell's lines (``line_spacing``)."""
    ys = separators(rules, columns, top, bottom, settings.rule_snap, settings.rule_reach)
    tops = [ln.top for lns in lines.values() for ln in lns]
    guessed: set[float] = set()
    # A rule with no text above it (a header's underline, the table's top border) or none
    # below it separates no rows: only rules between text make this a ruled page. The others
    # still bound the bands (the empty band they cut off is dropped later).
    slack = settings.line_slack
    if not separates_text(ys, tops):
        for y, cue in text_row_starts(lines, top, bottom, settings, spacing):
            if y - slack > top + settings.rule_snap:
                ys.append(y - slack)
                if cue:
                    guessed.add(y - slack)
        ys.sort()
    elif group_rules(rules, columns, ys, settings, lines):
        ys = sorted(ys + [y - slack for y in block_row_starts(lines, [top, *ys, bottom],
                                                              settings, spacing)])
    return [top, *ys, bottom], guessed


def group_rules(rules: Sequence[Rule], columns: Sequence[Column], ys: Sequence[float],
                settings: Settings = DEFAULTS, lines: dict[str, list[Line]] | None = None
                ) -> bool:
    """Do the rules between the rows also cross the Priority column, as rules drawn only
    between priority groups do? In a grid whose priority cells are merged down their
    group, the rules between the rows of a group stop at the merged cell. A first column
    without a rule at its left reaches the page edge: there it is crossed from where its
    text (``lines``) starts."""
    prio = next((c for c in columns if c.name == PRIORITY), None)
    if prio is None or not ys:
        return False
    own = (lines or {}).get(PRIORITY, [])
    if own and prio is columns[0]:
        left = min(ln.x0 for ln in own) - settings.rule_reach
        prio = Column(prio.name, min(prio.x1, max(prio.x0, left)), prio.x1)
    cuts = rules_across(rules, prio, min(ys) - settings.rule_snap,
                        max(ys) + settings.rule_snap, settings.rule_reach)
    return all(any(abs(c - y) <= settings.rule_snap for c in cuts) for y in ys)


def block_row_starts(lines: dict[str, list[Line]], edges: Sequence[float],
                     settings: Settings = DEFAULTS, spacing: float = 0.0) -> list[float]:
    """Tops of Action lines that clearly open a row inside a block between two rules (rules
    drawn only between priority groups leave the rows of a group apart by space alone):
    text of the block lies above the line, yet nothing sits just above it in any column
    but the (merged, so ignored) Priority column, the Action column has blank space above
    it, and another column but Priority starts a fresh entry level with it."""
    action = lines.get(ACTION, [])
    others = [ln for name, lns in lines.items() if name != PRIORITY for ln in lns]
    found: list[float] = []
    for lo, hi in zip(edges, edges[1:]):
        inside = [ln for ln in action if lo <= (ln.top + ln.bottom) / 2 < hi]
        for k, ln in enumerate(inside):
            near = settings.row_level * ln.size
            if not any(lo <= o.top < ln.top - near for o in others):
                continue  # the block's first text: the rule above is the edge
            gap = ln.top - (inside[k - 1].bottom if k else lo)
            fresh = fresh_columns(lines, ln, settings) - {ACTION, PRIORITY}
            if (gap > row_gap(ln, settings, spacing) and fresh
                    and _clear_above(ln, others, settings, spacing)):
                found.append(ln.top)
    return found


def _clear_above(line: Line, others: Sequence[Line], settings: Settings,
                 spacing: float = 0.0) -> bool:
    """Nothing in ``others`` sits in the strip just above ``line``: a share of its height,
    or the usual blank between a cell's lines (``spacing``) and a margin, if wider."""
    reach = max(settings.row_clear_above * (line.bottom - line.top),
                spacing + settings.row_spacing_margin * line.size)
    strip_top = line.top - reach
    return not any(o.bottom > strip_top and o.top < line.top - settings.edge_slack
                   for o in others)


def separates_text(ys: Sequence[float], tops: Sequence[float]) -> bool:
    """Does one of the rules at ``ys`` have text lines (their ``tops``) above and below it?"""
    return any(any(t < y for t in tops) and any(t > y for t in tops) for y in ys)


def closing_cuts(cuts: Sequence[float], row_rules: Sequence[float], tops: Sequence[float]
                 ) -> list[float]:
    """The rules across the priority column that close a cell above them. Where no rule
    separates the body's rows (they are told apart by their text), a rule above all of the
    body's text (the edge of a shaded header, a header's underline) closes nothing: a later
    priority starts where its text does, not in the first row under the header."""
    if separates_text(row_rules, tops) or not tops:
        return list(cuts)
    first = min(tops)
    return [c for c in cuts if c > first]


def _band_index(y: float, edges: Sequence[float]) -> int:
    for k in range(len(edges) - 1):
        if y < edges[k + 1]:
            return k
    return len(edges) - 2


def fill_bands(lines: dict[str, list[Line]], edges: Sequence[float], page: int,
               pitch: float, priority_cuts: Sequence[float], settings: Settings) -> list[Band]:
    """Put each line in its band. A merged priority cell can run past its first row or sit
    in the middle of its group (vertically centred), so the priority column goes by text
    block, into the first band below the rule that closes the cell above it (where rules
    are drawn), else into the band where the block starts."""
    bands = [Band(page, edges[k], edges[k + 1], {}) for k in range(len(edges) - 1)]
    for name, col_lines in lines.items():
        if name != PRIORITY:
            for ln in col_lines:
                y = _start_y(ln, settings.turned_line_ratio)
                bands[_band_index(y, edges)].cells.setdefault(name, []).append(ln)
            continue
        blocks = text_blocks(col_lines, pitch * settings.paragraph_gap, priority_cuts,
                             settings.edge_slack)
        held = [(ln.top + ln.bottom) / 2 for other, lns in lines.items() if other != PRIORITY
                for ln in lns]
        for k, block in zip(priority_bands(blocks, edges, priority_cuts, held, settings),
                            blocks):
            bands[k].cells.setdefault(name, []).extend(block)
    return bands


def priority_bands(blocks: Sequence[Sequence[Line]], edges: Sequence[float],
                   cuts: Sequence[float], held: Sequence[float] = (),
                   settings: Settings = DEFAULTS) -> list[int]:
    """The band index of each priority text block. Under a rule that closes the cell above
    (``cuts``), a block goes to the first band below the rule, where its merged cell
    starts, but never to a band above the end of the column's previous block, and a block
    level with the top of the band it starts in is that band's: a priority printed on
    every row of a table whose rules do not cross that column between the rows (a
    longtable's head rule) is in the band where it starts, each its own. A band between
    the rule and the first row start under it that holds none of the other columns' text
    (``held``: the middles of their lines) is passed over."""
    out: list[int] = []
    for k, block in enumerate(blocks):
        own = _band_index(_start_y(block[0], settings.turned_line_ratio), edges)
        above = [c for c in cuts if c < block[0].top]
        level = abs(edges[own] - block[0].top) <= settings.row_level * block[0].size
        if not above or level:  # under no rule, or level with its band's first line
            out.append(own)
            continue
        at = _band_index(max(above) + settings.rule_snap, edges)
        while at < own and not any(edges[at] <= y < edges[at + 1] for y in held):
            at += 1
        if k:
            after_prev = bisect_left(edges, blocks[k - 1][-1].bottom, hi=len(edges) - 1)
            at = max(at, after_prev)
        out.append(min(own, at))
    return out


def _start_y(line: Line, turned: float) -> float:
    """Where a cell's text starts, to find its band: the middle of its first line, or for a
    rotated block (a line far taller than its font, see pdf.Word) one font size below its
    top, since its middle may lie several rows down."""
    if line.bottom - line.top > turned * line.size:
        return line.top + line.size
    return (line.top + line.bottom) / 2


def text_blocks(col_lines: Sequence[Line], max_step: float, cuts: Sequence[float],
                slack: float = DEFAULTS.edge_slack) -> list[list[Line]]:
    """Runs of lines no further apart than ``max_step`` and not separated by a rule (within
    ``slack`` of the gap between them)."""
    def joins(run: list[Line], ln: Line) -> bool:
        prev = run[-1]
        cut = any(prev.bottom - slack <= y <= ln.top + slack for y in cuts)
        return not cut and ln.top - prev.top <= max_step

    return runs(col_lines, joins)


def rules_across(rules: Sequence[Rule], column: Column, top: float, bottom: float,
                 reach: float, snap: float = DEFAULTS.rule_snap) -> list[float]:
    """y of horizontal rules that cross ``column`` (their ends within ``reach`` of its edges)
    between top and bottom; segments within ``snap`` of one height, end to end, are one."""
    return h_rules_across(rules, column.x0, column.x1, top, bottom, reach, snap)


def attach_links(bands: list[Band], links: Sequence[LinkArea], words: Sequence[Word],
                 columns: Sequence[Column], slack: float, shift: float | None = None,
                 shift_slack: float = 0.0) -> list[str]:
    """Give each link the words under it (their middles within ``slack`` of its area) and put
    it in the band/column of those words. An area off its words is moved to the line where
    whole words fit it (links.place: ``shift``, the header row's height, preferred), and its
    band marked; one that fits nowhere is reported, never dropped silently."""
    problems: list[str] = []
    for printed in links:
        link, problem = place(printed, shift, shift_slack)
        if link is None:
            if printed.text or in_body(printed, bands, columns):
                problems.append(problem)
            continue
        inside = [w for w in words if link.x0 - slack <= w.xmid <= link.x1 + slack
                  and link.top - slack <= w.ymid <= link.bottom + slack]
        if not link.text:
            if in_body(link, bands, columns):
                problems.append(f"link {link.uri!r} covers no text: left out")
            continue
        if not inside:  # text outside the table's body (prose above it) is not the table's
            if in_body(link, bands, columns):
                problems.append(f"link {link.uri!r} on {link.text!r} is on no word's middle: "
                                "left out")
            continue
        first = min(inside, key=lambda w: (w.top, w.x0))
        col = column_of(first.xmid, columns)
        for band in bands:
            if col and band.top <= first.ymid < band.bottom:
                band.links.append((col, link.text, link.uri))
                band.link_moved = band.link_moved or link.moved
                break
        else:
            problems.append(f"link {link.uri!r} on {link.text!r} is outside the table")
    return problems


def header_height(header: Header, rules: Sequence[Rule], lines: Sequence[Line], reach: float,
                  slack: float) -> float | None:
    """The height of the header row's box: between the horizontal rules (or shading edges)
    across it nearest above and below its text, within ``reach``; with one of them only, the
    padding taken as alike on both sides; with neither, from the top of its text to the top
    of the first line below it."""
    x0, x1 = min(c.x0 for c in header.cells), max(c.x1 for c in header.cells)
    across = [r.top for r in rules if r.orientation == "h" and r.x0 < x1 and r.x1 > x0]
    above = [y for y in across if header.top - reach <= y <= header.top + slack]
    below = [y for y in across if header.bottom - slack <= y <= header.bottom + reach]
    if above and below:
        return min(below) - max(above)
    if above or below:
        pad = header.top - max(above) if above else min(below) - header.bottom
        return header.bottom - header.top + 2 * pad
    below_text = [ln.top for ln in lines if ln.top > header.bottom + slack]
    return min(below_text) - header.top if below_text else None


def in_body(link: LinkArea, bands: Sequence[Band], columns: Sequence[Column]) -> bool:
    """Does the link's area lie in the table's body (across its columns, between the top of
    its first band and the foot of its last)? A link there over no text is a link lost."""
    if not bands or not columns:
        return False
    mid_x, mid_y = (link.x0 + link.x1) / 2, (link.top + link.bottom) / 2
    return (columns[0].x0 <= mid_x <= columns[-1].x1
            and bands[0].top <= mid_y <= bands[-1].bottom)


# --- one page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Carry:
    """What a page leaves the next one (see pages.py, the page loop as a fold).

    ``columns``: the open table's columns, None when no table runs on past the page;
    ``body_size``: the table's body font size once known; ``extent``: its x-range so far, so
    that a page whose first column is empty still gets rows as wide as the table;
    ``margins``: the page's ``margin_signatures``, to leave out running headers and footers;
    ``titled`` / ``labelled``: the document's title / a header-like row were already found."""

    columns: tuple[Column, ...] | None = None
    body_size: float | None = None
    extent: tuple[float, float] | None = None
    margins: frozenset[tuple[int, str]] = frozenset()
    titled: bool = False
    labelled: bool = False
    # The page where the table stopped and where its columns' text starts, until a later page
    # is checked for rows printed after it (a warning of possible loss).
    stopped: tuple[int, tuple[tuple[str, float], ...]] | None = None
    # Where the open table's columns' text starts on the pages read so far: a page whose
    # part of the table fills one column only still knows where the others start.
    starts: tuple[tuple[str, float], ...] = ()


def read_table(page: PageData, carry: Carry, settings: Settings,
               lines: Sequence[Line] | None = None) -> tuple[PageTable | None, Header | None]:
    """The table's part of one page, using its header or, without one, the columns carried
    over from the previous page. Returns (None, None) when the page holds none of it.
    ``lines``: the page's ``visual_lines`` when the caller has them."""
    columns = list(carry.columns) if carry.columns is not None else None
    body_size, extent, repeated = carry.body_size, carry.extent, carry.margins
    lines = list(lines) if lines is not None else visual_lines(page.words, settings)
    header = find_header(page, settings, lines)
    opening = columns is None
    skip = furniture(lines, page, settings, repeated, columns)
    if header is not None:
        top = header.bottom + settings.line_slack
        spans = (_spanning_lines(page, lines, header, top, settings)
                 if PRIORITY not in header.names else [])
        below = [w for w in page.words if w.top >= top  # page numbers set no column edge
                 and not any(holds(ln, w.ymid, settings.line_slack) for ln in [*skip, *spans])]
        below = split_markers(below)[0]  # nor does a "Continued on next page" line
        columns = column_bounds(header, page, below, settings, columns)
        body_size = body_size or body_font_size(below, settings.default_font_size)
    elif columns is None:
        return None, None
    else:
        top = 0.0
    assert body_size is not None
    frame = Frame(page, lines, columns, body_size, settings)
    body_top, body_bottom, ended, skip_here, sections = _extent(frame, top, header, skip,
                                                                opening)
    moved = header is not None and carry.columns is not None and list(carry.columns) != columns
    if header is not None and (ended or moved):
        # Column edges found in whitespace may have been set by what follows the table on
        # this page (an appendix's words under a gutter): found again from the table's own
        # text, they hold while the table's extent stays as found. The table's own text is
        # what lies above its end, or above where it ends in the columns of the page before
        # when that is higher (an appendix that fits this page's edges runs the table on).
        own_bottom = body_bottom
        if moved:
            carried = Frame(page, lines, list(carry.columns or ()), body_size, settings)
            _, end, stops, _, _ = _extent(carried, top, header, skip, opening)
            own_bottom = min(own_bottom, end) if stops else own_bottom
        for _ in range(settings.column_rereads):
            own = column_bounds(header, page, [w for w in below if w.bottom <= own_bottom],
                                settings, carry.columns)
            if own == columns:
                break
            columns = own
            frame = Frame(page, lines, columns, body_size, settings)
            body_top, body_bottom, ended, skip_here, sections = _extent(frame, top, header,
                                                                        skip, opening)
            own_bottom = body_bottom
    skip = skip_here
    inside = [ln for s in sections for ln in s.lines]
    words = [w for w in page.words if body_top <= w.ymid < body_bottom
             and not any(holds(ln, w.ymid, settings.line_slack) for ln in [*skip, *inside])]
    kept, left_out = split_markers(words)
    still = {id(w) for w in kept}
    markers, words = [w for w in words if id(w) not in still], kept
    outside, outer = markers_outside(  # past a heading over the next page's table too
        [w for w in page.words if not any(holds(ln, w.ymid, settings.line_slack)
                                          for ln in [*skip, *inside])],
        header.top if header is not None else None, body_bottom)
    markers, left_out = markers + outside, left_out + outer
    stray = [w for w in words if column_of(w.xmid, columns) is None]
    col_lines = column_lines(words, columns, settings)
    all_lines = sorted((ln for lns in col_lines.values() for ln in lns), key=lambda ln: ln.top)
    pitch = _pitch(col_lines, settings.pitch_within) or settings.default_pitch * body_size
    row_rules = _row_rules(page.rules, sections, all_lines)
    edges, guessed = band_edges(col_lines, row_rules, columns, body_top, body_bottom,
                                settings, line_spacing(all_lines, pitch, settings.row_spacing_max))
    edges = sorted({*edges, *(y for s in sections if body_top < s.top < body_bottom
                              for y in (s.top - settings.line_slack,
                                        s.bottom + settings.line_slack))})
    prio = next((c for c in columns if c.name == PRIORITY), None)
    cuts = (rules_across(page.rules, prio, body_top, body_bottom, settings.rule_reach)
            if prio else [])
    cuts = closing_cuts(cuts, separators(row_rules, columns, body_top, body_bottom,
                                         settings.rule_snap, settings.rule_reach),
                        [ln.top for ln in all_lines])
    bands = fill_bands(col_lines, edges, page.number, pitch, cuts, settings)
    for band in bands:
        band.guessed = band.top in guessed
    bands = place_sections(bands, sections, page.number)
    shift = (header_height(header, page.rules, lines, settings.header_box_reach * body_size,
                           settings.line_slack) if header else None)
    problems = attach_links(bands, page.links, words, columns, settings.edge_slack, shift,
                            settings.link_shift_slack * body_size)
    if stray:
        text = " ".join(w.text for w in stray)
        problems.append(f"text beside the table's columns left out: {text[:80]!r}")
    bands = [b for b in bands if not b.is_empty()]
    x0, x1 = table_span(columns, all_lines, header, extent, page.width, settings.text_margin)
    right = {name: max(ln.x1 for ln in lns) for name, lns in col_lines.items() if lns}
    table = PageTable(page.number, columns, bands, ended, problems, x0, x1, pitch,
                      body_size, right, left_out)
    in_cells = [w for w in words if column_of(w.xmid, columns) is not None]
    named = [w for w in page.words  # the words of section rows and headings name priorities
             if any(holds(ln, w.ymid, settings.line_slack) for ln in inside)]
    table.text_left = dict(carry.starts)
    _account(table, page, in_cells + markers + named, header, (body_top, body_bottom), skip,
             col_lines, settings)
    if not opening:
        _rows_ahead(table, page, header.top if header is not None else body_top, skip,
                    settings)
    return table, header


def _extent(frame: Frame, top: float, header: Header | None, skip: list[Line], opening: bool
            ) -> tuple[float, float, bool, list[Line], list[Section]]:
    """(body top, body bottom, ended, lines to skip, sections) of the table on the page:
    ``table_extent`` for a table with a Priority column, else ``sectioned_extent``."""
    if any(c.name == PRIORITY for c in frame.columns):
        return (*table_extent(frame, top, header is not None, skip), skip, [])
    return sectioned_extent(frame, top, header, skip, opening)


def _account(table: PageTable, page: PageData, taken: Sequence[Word],
             header: Header | None, body: tuple[float, float], skip: Sequence[Line],
             col_lines: dict[str, list[Line]], settings: Settings) -> None:
    """Count where the page's words went; note words lost inside the table's area and
    rows that look printed after the table stopped or on a page where none were read."""
    placed = {id(w) for w in taken}  # words in cells, and those of continuation markers
    marker_words = sum(len(lo.text.split()) for lo in table.left_out)
    area = Area((header.top, header.bottom) if header else None, body[0], body[1],
                table.x0, table.x1, table.body_size, settings.heading_size_ratio,
                settings.account_slack)
    aside: dict[str, int] = {}
    for lo in page.left_out + table.left_out:  # watermarks, continuation markers
        aside[lo.reason] = aside.get(lo.reason, 0) + len(lo.text.split())
    table.counts, unplaced = count_page(page.number, (w for w in page.words
                                                      if id(w) not in placed),
                                        len(placed) - marker_words, area, skip, aside)
    if unplaced:
        text = " ".join(w.text for w in unplaced)
        table.loss.append(f"{len(unplaced)} words inside the table's area are in no cell: "
                          f"{text[:80]!r}")
    if not table.ended:
        spill = spilled((w for w in page.words if id(w) not in placed), area, skip,
                        settings.spill_reach * table.pitch)
        if spill:
            table.spilled = True
            text = " ".join(w.text for w in spill)
            table.loss.append(f"{len(spill)} words just below the table's foot, where it "
                              f"runs on to the next page: a cell may be cut off: {text[:80]!r}")
    table.text_left = {**table.text_left, **text_starts(col_lines)}  # with the pages before
    starts = table.text_left or ({c.name: c.x0 for c in _header_starts(header, table)}
                                 if header else {})
    below = [w for w in page.words if w.ymid >= body[1]]
    found = rows_after(below, starts, settings)
    if not table.bands and found == 0:
        found = rows_after([w for w in page.words if w.ymid >= body[0]], starts, settings)
    if not table.bands and found:
        table.loss.append(f"text in the table's columns but no rows read ({found} lines)")
    elif table.ended and found >= settings.aligned_rows:
        table.loss.append(f"the table stops here but {found} lines after it are aligned to "
                          "its columns: rows may be missing")


def _rows_ahead(table: PageTable, page: PageData, head: float, skip: Sequence[Line],
                settings: Settings) -> None:
    """On a page the table runs onto, lines above where it was read (``head``: its header's
    top, else its body's), running lines aside, that start text at its columns' starts:
    rows of it read as something before it (a warning of possible loss)."""
    above = [w for w in page.words if w.ymid < head
             and not any(holds(ln, w.ymid, settings.line_slack) for ln in skip)]
    found = rows_after(above, table.text_left, settings)
    if found >= settings.aligned_rows:
        table.loss.append(f"{found} lines before the table, on a page it runs onto, are "
                          "aligned to its columns: rows may be missing")


def _header_starts(header: Header, table: PageTable) -> list[Column]:
    """The header labels' left edges, named by their columns."""
    return [Column(name, cell.x0, cell.x1) for name, cell in zip(header.names, header.cells)]


def sectioned_extent(frame: Frame, top: float, header: Header | None, skip: Sequence[Line],
                     opening: bool) -> tuple[float, float, bool, list[Line], list[Section]]:
    """``table_extent`` of a table without a Priority column, whose priorities may be
    printed as section rows or as headings over a table each (sections.py). Returns the
    extent, the lines to leave out (``skip`` and the header rows of the tables after the
    first) and the sections, top to bottom, including a heading just above this page's
    header and one at the foot of the page over a table that starts on the next.

    ``opening``: no table runs on from the page before, so the first text of the page (a
    title) is no heading."""
    page, lines, columns, body_size, settings = (frame.page, frame.lines, frame.columns,
                                                 frame.body_size, frame.settings)
    slack = settings.line_slack
    index = WordIndex(page.words, slack)
    words_of = {ln: index.line_words(ln) for ln in lines}
    body = [w for w in page.words if w.top >= top]
    body_bold = mostly_bold(body)
    skipped = list(skip)
    first = (_text_left(body, columns, header, settings), columns[0].x1)
    found = group([ln for ln in lines if ln.top >= top - slack and ln not in skipped
                   and section_line(words_of[ln], [c.x0 for c in columns[1:]], first,
                                    columns[-1].x1, body_size, body_bold, settings)],
                  [r.top for r in page.rules if r.orientation == "h"], settings)
    for k, sec in enumerate(found):  # a section row with the header repeated under it
        after = _header_at(page, settings, [ln for ln in lines if ln.top > sec.bottom
                                            and ln not in skipped], columns)
        if after is not None:
            found[k] = Section(sec.lines, sec.top, after.bottom)
            skipped += [ln for ln in lines
                        if sec.bottom < ln.top and ln.bottom <= after.bottom + slack]
    found = over_rows(found, [ln for ln in lines if ln not in skipped], words_of, body_bold)
    heads: list[Section] = []
    if header is not None:
        above = [ln for ln in lines if ln.bottom <= header.top + slack and ln not in skipped]
        block = heading_above(above, words_of, header.top, body_size, body_bold, settings)
        biggest = max(ln.size for ln in lines)
        if block and (not opening or max(ln.size for ln in block) < biggest - slack):
            heads.append(Section(tuple(block), block[0].top, block[-1].bottom))
    # Headings name the priorities here: text a little larger than the body is one (or the
    # title of what follows the table), never a cell.
    inside = {ln for s in found for ln in s.lines}
    tight = replace(settings, heading_size_ratio=min(settings.heading_size_ratio,
                                                     settings.heading_larger))
    most = settings.section_max_lines
    while True:
        body_top, body_bottom, ended = table_extent(
            replace(frame, settings=tight), top, header is not None, skipped, found)
        rest = [ln for ln in lines if ln.top >= body_bottom and ln not in skipped]
        after = _header_at(page, settings, rest, columns, most)
        block = [ln for ln in rest if after is None or ln.bottom <= after.top + slack][:most]
        block = block[:next((k for k, ln in enumerate(block)
                             if not heading_like(words_of[ln], body_size, body_bold, settings)),
                            len(block))]
        if not block:
            break
        if after is not None and rest[len(block)].top >= after.top - slack:
            found.append(Section(tuple(block), block[0].top, after.bottom))
            skipped += [ln for ln in rest[len(block):] if ln.bottom <= after.bottom + slack]
            continue
        if after is None and block[0] not in inside and all(
                _in_margin(ln.top, ln.bottom, page, settings) or is_marker(ln.text)
                for ln in rest[len(block):]) and (
                not _in_margin(block[0].top, block[-1].bottom, page, settings)
                or min(ln.size for ln in block) >= settings.heading_larger * body_size):
            heads.append(Section(tuple(block), block[0].top, block[-1].bottom))  # over the
        break  # table on the next page (a footer in the margin band must be larger text;
        # under it only the margins' lines and a "Continued on next page" line)
    found = [s for s in found if not any(ln in skipped for ln in s.lines)]  # header lines
    return body_top, body_bottom, ended, skipped, sorted(heads + found, key=lambda s: s.top)


def _spanning_lines(page: PageData, lines: Sequence[Line], header: Header, top: float,
                    settings: Settings) -> list[Line]:
    """Lines below the header whose text runs across the gaps between its labels: section
    rows, left out when the column edges are found from the body's whitespace."""
    index = WordIndex(page.words, settings.line_slack)
    gaps = [(a.x1, b.x0) for a, b in zip(header.cells, header.cells[1:])]
    return [ln for ln in lines
            if ln.top >= top and spanning(index.line_words(ln), gaps, settings)]


def _text_left(body: Sequence[Word], columns: Sequence[Column], header: Header | None,
               settings: Settings) -> float:
    """Where the first column's text starts (a section row starts there too; a heading
    outside the table starts further left, at the table's edge): the leftmost x at which at
    least ``section_start_share`` of the first column's lines start, less ``edge_slack``."""
    first = columns[0]
    starts: dict[int, float] = {}
    for w in body:
        if first.x0 <= w.xmid < first.x1 and w.direction == LTR:
            key = round(w.ymid)
            starts[key] = min(starts.get(key, w.x0), w.x0)
    xs = sorted(starts.values()) + ([header.cells[0].x0] if header is not None else [])
    need = max(1, int(len(xs) * settings.section_start_share))
    for x in sorted(xs):
        if sum(1 for y in xs if x <= y <= x + settings.section_start_slack) >= need:
            return x - settings.edge_slack
    return first.x0


def _header_at(page: PageData, settings: Settings, lines: Sequence[Line],
               columns: Sequence[Column], within: int = 0) -> Header | None:
    """A header row over the same columns as the table's starting among the first
    ``within`` + 1 of ``lines``."""
    found = find_header(page, settings, lines[:within + 4])
    if found is None or not _same_columns(found, columns):
        return None
    start = next(k for k, ln in enumerate(lines) if ln.bottom >= found.top)
    return found if start <= within else None


def _same_columns(header: Header, columns: Sequence[Column]) -> bool:
    """Does a later header row repeat the table's labels over the same columns?"""
    return sorted(header.names) == sorted(c.name for c in columns) and all(
        column_of(cell.x0 + 1, columns) == name for cell, name in zip(header.cells, header.names))


def _row_rules(rules: Sequence[Rule], sections: Sequence[Section], lines: Sequence[Line]
               ) -> Sequence[Rule]:
    """The rules that may separate rows: not those in the blank space around a section
    (its band's shading or borders, the header row under a heading), which would make a
    table whose rows have no rules look ruled."""
    if not sections:
        return rules
    gaps = [(max((ln.bottom for ln in lines if ln.bottom <= s.top), default=s.top - 1),
             min((ln.top for ln in lines if ln.top >= s.bottom), default=s.bottom + 1))
            for s in sections]
    return [r for r in rules if r.orientation != "h"
            or not any(lo - 1 <= r.top <= hi + 1 for lo, hi in gaps)]


def place_sections(bands: list[Band], sections: Sequence[Section], page: int) -> list[Band]:
    """The page's bands with each section in its own band, in page order: the band the
    section fills when it lies inside the body, else one of its own before or after."""
    out = list(bands)
    for sec in sections:
        home = next((b for b in out if b.top <= sec.top and sec.bottom <= b.bottom
                     and b.is_empty()), None)
        if home is None:
            home = Band(page, sec.top, sec.bottom)
            out.append(home)
        home.section = list(sec.lines)
    return sorted(out, key=lambda b: b.top)


def table_span(columns: Sequence[Column], lines: Sequence[Line], header: Header | None,
               extent: tuple[float, float] | None, page_width: float, margin: float
               ) -> tuple[float, float]:
    """The table's left and right edges: its outer rules when drawn, else the furthest text
    of the header, this page and the pages before, ``margin`` outside it (columns without
    rules reach the page edge)."""
    xs0 = [ln.x0 - margin for ln in lines] + ([header.cells[0].x0 - margin] if header else [])
    xs1 = [ln.x1 + margin for ln in lines] + ([header.cells[-1].x1 + margin] if header else [])
    if extent:
        xs0.append(extent[0])
        xs1.append(extent[1])
    x0 = columns[0].x0 if columns[0].x0 > 0 else min(xs0, default=0.0)
    x1 = columns[-1].x1 if columns[-1].x1 < page_width else max(xs1, default=page_width)
    return max(x0, columns[0].x0), min(x1, columns[-1].x1)


def _pitch(col_lines: dict[str, list[Line]], within: float = DEFAULTS.pitch_within) -> float | None:
    """The line pitch: the median step from one line of a column to the next, among the
    steps shorter than ``within`` line heights when there are any (a page of short cells
    has more steps between rows and paragraphs than inside them)."""
    found = [d for lns in col_lines.values() for d in steps([ln.top for ln in lns])]
    if not found:
        return None
    heights = [ln.bottom - ln.top for lns in col_lines.values() for ln in lns]
    tight = [d for d in found if d < within * statistics.median(heights)]
    return statistics.median(tight or found)
