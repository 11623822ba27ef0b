"""Words + rules of one page -> the table's header, column x-ranges and row bands.

Columns come from vertical rules where the table has them and from the header labels plus
the whitespace between the body's text columns where it does not; rows come from horizontal
rules that cross the Action column, or, on rule-less pages, from where the Action column
starts a new entry with empty space above it in every column.
"""
from __future__ import annotations

import re
import statistics
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .cells import Line, ends_sentence, group_lines
from .chars import LTR
from .headers import join_label, map_labels, match_label
from .markers import split_markers
from .pdf import LeftOut, LinkArea, PageData, Rule, Word
from .settings import Settings

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

    def has(self, name: str) -> bool:
        return bool(self.cells.get(name))

    def is_empty(self) -> bool:
        return not any(self.cells.values())


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


# --- header ------------------------------------------------------------------------------


def visual_lines(words: Sequence[Word], settings: Settings) -> list[Line]:
    """The page's text lines across its whole width, top to bottom."""
    return group_lines(words, settings.line_overlap)


def line_words(words: Sequence[Word], line: Line) -> list[Word]:
    return [w for w in words if line.top - 0.5 <= w.ymid <= line.bottom + 0.5]


class WordIndex:
    """A page's words sorted by vertical middle: ``line_words`` for many lines without
    scanning every word of the page for each (headerless pages try every line as a header)."""

    def __init__(self, words: Sequence[Word]) -> None:
        self._words = words
        self._asked = 0
        self._ys: list[float] = []
        self._ks: list[int] | None = None

    def line_words(self, line: Line) -> list[Word]:
        """Same words, same order as ``line_words(words, line)``."""
        self._asked += 1
        if self._ks is None:
            if self._asked <= 4:  # a header in the first lines: cheaper than sorting the page
                return line_words(self._words, line)
            order = sorted((w.ymid, k) for k, w in enumerate(self._words) if w.ymid == w.ymid)
            self._ys, self._ks = [y for y, _ in order], [k for _, k in order]  # NaN left out
        lo = bisect_left(self._ys, line.top - 0.5)
        hi = bisect_right(self._ys, line.bottom + 0.5)
        return [self._words[k] for k in sorted(self._ks[lo:hi])]


def _splits(rules: Iterable[Rule], top: float, bottom: float) -> list[float]:
    """x of vertical rules that cross the band [top, bottom]."""
    mid = (top + bottom) / 2
    return sorted(r.x0 for r in rules if r.orientation == "v" and r.top <= mid <= r.bottom)


def header_cells(words: Sequence[Word], rules: Sequence[Rule]) -> list[HeaderCell]:
    """Cluster header words into cells: stacked or close words together, rules split them."""
    if not words:
        return []
    top, bottom = min(w.top for w in words), max(w.bottom for w in words)
    splits = _splits(rules, top, bottom)
    size = statistics.median(w.size for w in words) or 10.0
    groups: list[list[Word]] = []
    right = 0.0  # the last group's rightmost x1, kept as words join it
    for w in sorted(words, key=lambda w: w.x0):
        if groups:
            ruled = any(right - 1 <= x <= w.x0 + 1 for x in splits)
            if not ruled and w.x0 <= right + 0.55 * size:
                groups[-1].append(w)
                right = max(right, w.x1)
                continue
        groups.append([w])
        right = w.x1
    return [_header_cell(g) for g in groups]


def _header_cell(group: list[Word]) -> HeaderCell:
    lines = group_lines(group)
    return HeaderCell(join_label([ln.text for ln in lines]), min(w.x0 for w in group),
                      max(w.x1 for w in group), min(w.top for w in group),
                      max(w.bottom for w in group))


def _score_header(cells: list[HeaderCell], settings: Settings) -> tuple[int, float]:
    found: dict[str, float] = {}
    for cell in cells:
        m = match_label(cell.label, settings.header_fuzzy_threshold)
        if m.field:
            found[m.field] = max(found.get(m.field, 0.0), m.score)
    return len(found), sum(found.values())


def _rule_between(rules: Sequence[Rule], upper: Line, lower: Line) -> bool:
    return any(r.orientation == "h" and upper.bottom - 1 <= r.top <= lower.top + 1
               and r.x0 <= max(upper.x0, lower.x0) + 1 and r.x1 >= min(upper.x1, lower.x1) - 1
               for r in rules)


def find_header(page: PageData, settings: Settings, lines: Sequence[Line] | None = None
                ) -> Header | None:
    """The first header row on the page that maps at least ``min_header_fields`` fields."""
    lines = list(lines) if lines is not None else visual_lines(page.words, settings)
    index = WordIndex(page.words)
    for i in range(len(lines)):
        best: tuple[tuple[int, float], list[HeaderCell]] | None = None
        window: list[Word] = []
        for j in range(i, min(i + 4, len(lines))):
            if j > i and (lines[j].top - lines[j - 1].bottom > 0.8 * lines[j].size
                          or _rule_between(page.rules, lines[j - 1], lines[j])):
                break
            window += index.line_words(lines[j])
            cells = header_cells(window, page.rules)
            score = _score_header(cells, settings)
            if best is None or score >= best[0]:
                best = (score, cells)
        if best and best[0][0] >= settings.min_header_fields and _has_anchor(best[1], settings):
            cells = best[1]
            names = map_labels([c.label for c in cells], settings.header_fuzzy_threshold)
            return Header(tuple(cells), tuple(names), min(c.top for c in cells),
                          max(c.bottom for c in cells), best[0][0])
    return None


def _has_anchor(cells: list[HeaderCell], settings: Settings) -> bool:
    """Rows are found from the Action column, so a header without one is not ours."""
    return any(match_label(c.label, settings.header_fuzzy_threshold).field == ACTION
               for c in cells)


# --- columns -----------------------------------------------------------------------------


def min_coverage_x(words: Sequence[Word], lo: float, hi: float) -> float:
    """A column boundary in [lo, hi]: in the widest interval crossed by the fewest words,
    just left of its right end. Cell text is left-aligned, so the column on the right starts
    at a steady x while the one on the left has a ragged edge that other pages may push
    further right."""
    if hi <= lo:
        return (lo + hi) / 2
    cuts = sorted({lo, hi, *(x for w in words for x in (w.x0, w.x1) if lo < x < hi)})
    best_key, best = None, (lo, hi)
    for a, b in zip(cuts, cuts[1:]):
        mid = (a + b) / 2
        crossing = sum(1 for w in words if w.x0 < mid < w.x1)
        key = (crossing, -(b - a))
        if best_key is None or key < best_key:
            best_key, best = key, (a, b)
    a, b = best
    return b - min(1.0, (b - a) / 2)


def column_bounds(header: Header, page: PageData, body: Sequence[Word]) -> list[Column]:
    """x-ranges of the columns: rules between header cells where drawn, else whitespace."""
    splits = _splits(page.rules, header.top, header.bottom)
    cells = header.cells
    edges: list[float] = []
    for a, b in zip(cells, cells[1:]):
        ruled = [x for x in splits if a.x1 - 1 <= x <= b.x0 + 1]
        if ruled:
            target = (a.x1 + b.x0) / 2
            edges.append(min(ruled, key=lambda x: abs(x - target)))
        else:
            edges.append(min_coverage_x(body, a.x1, b.x0))
    left = [x for x in splits if x <= cells[0].x0 + 1]
    right = [x for x in splits if x >= cells[-1].x1 - 1]
    x0 = max(left) if left else 0.0
    x1 = min(right) if right else page.width
    bounds = [x0, *edges, x1]
    return [Column(name, bounds[k], bounds[k + 1]) for k, name in enumerate(header.names)]


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
    return frozenset(_signature(ln) for ln in group_lines(words, settings.line_overlap))


def _signature(line: Line) -> tuple[int, str]:
    return round(line.top / 2), re.sub(r"\d+", "#", line.text)


def furniture(lines: Sequence[Line], page: PageData, settings: Settings,
              repeated: frozenset[tuple[int, str]] = frozenset()) -> list[Line]:
    """Lines in the margin bands that are page numbers or repeat the previous page's."""
    return [ln for ln in lines if _in_margin(ln.top, ln.bottom, page, settings)
            and (_PAGE_NUMBER.match(ln.text.strip()) or _signature(ln) in repeated)]


def _fits(line_words: Sequence[Word], columns: Sequence[Column], body_size: float,
          settings: Settings) -> bool:
    """True if no word straddles a column boundary and the text is not heading-sized."""
    inner = [c.x0 for c in columns[1:]]
    for w in line_words:
        if any(w.x0 < x - 2 and w.x1 > x + 2 for x in inner):
            return False
        if column_of(w.xmid, columns) is None:
            return False
    sizes = [w.size for w in line_words if w.size]
    return not sizes or statistics.median(sizes) < settings.heading_size_ratio * body_size


def ruled_span(rules: Sequence[Rule], columns: Sequence[Column], top: float,
               snap: float) -> tuple[float, float] | None:
    """Where the vertical rules between columns start and stop below ``top``, if the table
    draws them: text above or below that span is outside the table."""
    spans_found = []
    for x in (c.x0 for c in columns[1:]):
        spans = sorted((r.top, r.bottom) for r in rules
                       if r.orientation == "v" and abs(r.x0 - x) <= snap and r.bottom > top)
        if not spans:
            continue
        start, end = spans[0]
        for a, b in spans[1:]:
            if a > end + snap:
                break
            end = max(end, b)
        spans_found.append((start, end))
    if not spans_found:
        return None
    return min(s for s, _ in spans_found), max(e for _, e in spans_found)


def table_extent(page: PageData, lines: Sequence[Line], columns: Sequence[Column],
                 top: float, body_size: float, settings: Settings, has_header: bool,
                 skip: Sequence[Line] = ()) -> tuple[float, float, bool]:
    """(body top, body bottom, table ended here) for the body below ``top``.

    Where vertical rules separate the columns, the table is the span they cover. Otherwise,
    on a page without a header, lines that do not fit the grid in the top margin band are
    skipped (running headers), and the first line that does not fit ends the body; if more
    than a stray footer follows it, the table has ended on this page.
    """
    band = settings.margin_band * page.height
    below = [ln for ln in lines if ln.top >= top - 0.5 and ln not in skip]
    span = ruled_span(page.rules, columns, top, settings.rule_snap)
    if span is not None:
        inside = [ln for ln in below if span[0] - 1 <= ln.top < span[1]]
        after = [ln for ln in below if ln.top >= span[1]]
        return max(top, span[0] - 0.5), span[1], bool(after) or not inside
    body_top = top
    index = WordIndex(page.words)
    while not has_header and below and below[0].bottom <= band and not _fits(
            index.line_words(below[0]), columns, body_size, settings):
        below.pop(0)
        body_top = below[0].top - 0.5 if below else top
    for k, ln in enumerate(below):
        if _fits(index.line_words(ln), columns, body_size, settings):
            continue
        rest = below[k + 1:]
        footer_only = ln.top >= page.height - band and len(rest) <= 1
        return body_top, ln.top - 0.5, not footer_only
    return body_top, page.height, False


# --- rows --------------------------------------------------------------------------------


def separators(rules: Sequence[Rule], columns: Sequence[Column], top: float, bottom: float,
               snap: float) -> list[float]:
    """y of horizontal rules crossing the Action column strictly inside (top, bottom)."""
    action = next(c for c in columns if c.name == ACTION)
    ys = rules_across(rules, action, top + snap, bottom - snap)
    merged: list[float] = []
    for y in ys:
        if not merged or y - merged[-1] > snap:
            merged.append(y)
    return merged


def column_lines(words: Sequence[Word], columns: Sequence[Column], settings: Settings
                 ) -> dict[str, list[Line]]:
    by_col: dict[str, list[Word]] = {c.name: [] for c in columns}
    for w in words:
        name = column_of(w.xmid, columns)
        if name:
            by_col[name].append(w)
    return {name: group_lines(ws, settings.line_overlap) for name, ws in by_col.items()}


def text_row_starts(lines: dict[str, list[Line]], top: float, bottom: float
                    ) -> list[tuple[float, bool]]:
    """Tops of Action lines that open a new row.

    A row opens where nothing sits just above the Action line in any column but the
    (merged, so ignored) priority column; or, in tables without row padding, where at least
    two columns start fresh entries side by side on that line (each with blank space above
    it in its own column), e.g. a new action beside a new lead agency or a new priority, or
    one column other than Action does so beside an Action line that follows a finished
    sentence with a capital letter. Returns (top, found from those cues) pairs.
    """
    action = [ln for ln in lines.get(ACTION, []) if top <= (ln.top + ln.bottom) / 2 < bottom]
    others = [ln for name, lns in lines.items() if name != PRIORITY for ln in lns]
    starts: list[tuple[float, bool]] = []
    for k, ln in enumerate(action):
        if k == 0:
            starts.append((ln.top, False))
            continue
        strip_top = ln.top - 0.5 * (ln.bottom - ln.top)
        blocked = any(o.bottom > strip_top and o.top < ln.top - 1 for o in others)
        if not blocked and ln.top - action[k - 1].bottom > 0.25 * ln.size:
            starts.append((ln.top, False))
            continue
        fresh = fresh_columns(lines, ln)
        sentence = ends_sentence(action[k - 1].text) and ln.text[:1].isupper()
        if fresh - {ACTION} and (len(fresh) >= 2 or sentence):
            starts.append((ln.top, True))
    return starts


def fresh_columns(lines: dict[str, list[Line]], at: Line) -> set[str]:
    """Columns that start a line level with ``at`` after blank space in that column."""
    out = set()
    for name, lns in lines.items():
        level = [ln for ln in lns if abs(ln.top - at.top) <= 0.3 * at.size]
        if not level:
            continue
        above = [ln for ln in lns if ln.top < level[0].top - 0.3 * at.size]
        if not above or level[0].top - max(ln.bottom for ln in above) > 0.8 * at.size:
            out.add(name)
    return out


def band_edges(lines: dict[str, list[Line]], rules: Sequence[Rule], columns: Sequence[Column],
               top: float, bottom: float, settings: Settings) -> tuple[list[float], set[float]]:
    """Boundaries of the row bands (rules when the page has them, else text row starts),
    and those among them found only from text cues."""
    ys = separators(rules, columns, top, bottom, settings.rule_snap)
    tops = [ln.top for lns in lines.values() for ln in lns]
    guessed: set[float] = set()
    # A rule with no text above it (a header's underline, the table's top border) or none
    # below it separates no rows: only rules between text make this a ruled page. The others
    # still bound the bands (the empty band they cut off is dropped later).
    if not any(any(t < y for t in tops) and any(t > y for t in tops) for y in ys):
        for y, cue in text_row_starts(lines, top, bottom):
            if y - 0.5 > top + settings.rule_snap:
                ys.append(y - 0.5)
                if cue:
                    guessed.add(y - 0.5)
        ys.sort()
    return [top, *ys, bottom], guessed


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
        blocks = (text_blocks(col_lines, pitch * settings.paragraph_gap, priority_cuts)
                  if name == PRIORITY else [[ln] for ln in col_lines])
        for block in blocks:
            y = _start_y(block[0])
            if name == PRIORITY:
                above = [c for c in priority_cuts if c < block[0].top]
                y = max(above) + settings.rule_snap if above else y
            bands[_band_index(y, edges)].cells.setdefault(name, []).extend(block)
    return bands


def _start_y(line: Line) -> float:
    """Where a cell's text starts, to find its band: the middle of its first line, or for a
    rotated block (a line far taller than its font, see pdf.Word) one font size below its
    top, since its middle may lie several rows down."""
    if line.bottom - line.top > 2 * line.size:
        return line.top + line.size
    return (line.top + line.bottom) / 2


def text_blocks(col_lines: Sequence[Line], max_step: float, cuts: Sequence[float]
                ) -> list[list[Line]]:
    """Runs of lines no further apart than ``max_step`` and not separated by a rule."""
    out: list[list[Line]] = []
    for ln in col_lines:
        if out:
            prev = out[-1][-1]
            cut = any(prev.bottom - 1 <= y <= ln.top + 1 for y in cuts)
            if not cut and ln.top - prev.top <= max_step:
                out[-1].append(ln)
                continue
        out.append([ln])
    return out


def rules_across(rules: Sequence[Rule], column: Column, top: float, bottom: float) -> list[float]:
    """y of horizontal rules that cross ``column`` between top and bottom."""
    return sorted(r.top for r in rules if r.orientation == "h" and top < r.top < bottom
                  and r.x0 <= column.x0 + 3 and r.x1 >= column.x1 - 3)


def attach_links(bands: list[Band], links: Sequence[LinkArea], words: Sequence[Word],
                 columns: Sequence[Column]) -> list[str]:
    """Give each link the words under it and put it in the band/column of those words."""
    problems: list[str] = []
    for link in links:
        inside = [w for w in words if link.x0 - 1 <= w.xmid <= link.x1 + 1
                  and link.top - 1 <= w.ymid <= link.bottom + 1]
        if not inside or not link.text:
            continue
        text = link.text
        first = min(inside, key=lambda w: (w.top, w.x0))
        col = column_of(first.xmid, columns)
        for band in bands:
            if col and band.top <= first.ymid < band.bottom:
                band.links.append((col, text, link.uri))
                break
        else:
            problems.append(f"link {link.uri!r} on {text!r} is outside the table")
    return problems


# --- one page ----------------------------------------------------------------------------


def body_font_size(words: Sequence[Word]) -> float:
    sizes = [w.size for w in words if w.size]
    return statistics.median(sizes) if sizes else 10.0


def read_page(page: PageData, columns: list[Column] | None, body_size: float | None,
              settings: Settings, extent: tuple[float, float] | None = None,
              repeated: frozenset[tuple[int, str]] = frozenset()
              ) -> tuple[PageTable | None, Header | None]:
    """The table's part of one page, using its header or, without one, the columns carried
    over from the previous page. Returns (None, None) when the page holds none of it.

    ``extent`` is the table's x-range seen so far, so that a page whose first column is
    empty still gets rows as wide as the table; ``repeated`` the previous page's
    ``margin_signatures``, to leave out running headers and footers."""
    lines = visual_lines(page.words, settings)
    header = find_header(page, settings, lines)
    if header is not None:
        top = header.bottom + 0.5
        below = [w for w in page.words if w.top >= top]
        columns = column_bounds(header, page, below)
        body_size = body_size or body_font_size(below)
    elif columns is None:
        return None, None
    else:
        top = 0.0
    assert body_size is not None
    skip = furniture(lines, page, settings, repeated)
    body_top, body_bottom, ended = table_extent(
        page, lines, columns, top, body_size, settings, header is not None, skip)
    words = [w for w in page.words if body_top <= w.ymid < body_bottom
             and not any(ln.top - 0.5 <= w.ymid <= ln.bottom + 0.5 for ln in skip)]
    words, left_out = split_markers(words)
    stray = [w for w in words if column_of(w.xmid, columns) is None]
    col_lines = column_lines(words, columns, settings)
    all_lines = sorted((ln for lns in col_lines.values() for ln in lns), key=lambda ln: ln.top)
    pitch = _pitch(col_lines) or 1.2 * body_size
    edges, guessed = band_edges(col_lines, page.rules, columns, body_top, body_bottom, settings)
    prio = next((c for c in columns if c.name == PRIORITY), None)
    cuts = rules_across(page.rules, prio, body_top, body_bottom) if prio else []
    bands = fill_bands(col_lines, edges, page.number, pitch, cuts, settings)
    for band in bands:
        band.guessed = band.top in guessed
    problems = attach_links(bands, page.links, words, columns)
    if stray:
        text = " ".join(w.text for w in stray)
        problems.append(f"text beside the table's columns left out: {text[:80]!r}")
    bands = [b for b in bands if not b.is_empty()]
    x0, x1 = table_span(columns, all_lines, header, extent, page.width)
    right = {name: max(ln.x1 for ln in lns) for name, lns in col_lines.items() if lns}
    table = PageTable(page.number, columns, bands, ended, problems, x0, x1, pitch,
                      body_size, right, left_out)
    return table, header


def table_span(columns: Sequence[Column], lines: Sequence[Line], header: Header | None,
               extent: tuple[float, float] | None, page_width: float) -> tuple[float, float]:
    """The table's left and right edges: its outer rules when drawn, else the furthest text
    of the header, this page and the pages before (columns without rules reach the page edge)."""
    xs0 = [ln.x0 - 2 for ln in lines] + ([header.cells[0].x0 - 2] if header else [])
    xs1 = [ln.x1 + 2 for ln in lines] + ([header.cells[-1].x1 + 2] if header else [])
    if extent:
        xs0.append(extent[0])
        xs1.append(extent[1])
    x0 = columns[0].x0 if columns[0].x0 > 0 else min(xs0, default=0.0)
    x1 = columns[-1].x1 if columns[-1].x1 < page_width else max(xs1, default=page_width)
    return max(x0, columns[0].x0), min(x1, columns[-1].x1)


def _pitch(col_lines: dict[str, list[Line]]) -> float | None:
    steps = [b.top - a.top for lns in col_lines.values() for a, b in zip(lns, lns[1:])
             if b.top > a.top]
    return statistics.median(steps) if steps else None


# --- generic helpers (tables.py) ---------------------------------------------------------


def whitespace_gaps(words: Sequence[Word], lo: float, hi: float, max_crossing: int,
                    min_width: float) -> list[tuple[float, float]]:
    """x-intervals of [lo, hi], at least ``min_width`` wide, that at most ``max_crossing`` words
    cross: the gutters between text columns, still found when a few spanning lines cross them."""
    cuts = sorted({lo, hi, *(x for w in words for x in (w.x0, w.x1) if lo < x < hi)})
    gaps: list[tuple[float, float]] = []
    start: float | None = None
    for a, b in zip(cuts, cuts[1:]):
        mid = (a + b) / 2
        if sum(1 for w in words if w.x0 < mid < w.x1) <= max_crossing:
            start = a if start is None else start
            continue
        if start is not None and a - start >= min_width:
            gaps.append((start, a))
        start = None
    if start is not None and hi - start >= min_width:
        gaps.append((start, hi))
    return gaps


def steady_lines(words: Sequence[Word], tolerance: float = 0.3) -> list[Line]:
    """Words -> visual lines that do not grow: a word joins the line whose first word's middle
    is within ``tolerance`` of that word's height of its own. Unlike ``group_lines`` a run of
    staggered labels (each a little lower than the last) does not swallow the rows below it."""
    from .cells import _make_line

    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.ymid, w.x0)):
        if word.direction != LTR:  # a rotated block is a line of its own (see group_lines)
            lines.append([word])
            continue
        for members in reversed(lines[-3:]):
            if members[0].direction != LTR:
                continue
            first = members[0]
            if abs(word.ymid - first.ymid) <= tolerance * (first.bottom - first.top):
                members.append(word)
                break
        else:
            lines.append([word])
    return sorted((_make_line(m) for m in lines), key=lambda ln: (ln.top, ln.x0))
