"""Where the tables are on a page: words and rules -> table bounding boxes.

Pure functions on the page's words and rules, on the geometry core (geometry.py). A table
shows itself as a run of lines split into aligned parts by wide gaps (a line of prose is one
part; two prose columns are two long parts of running text), or as a grid of drawn rules
holding such lines; horizontal rules just above and below a run close it off (header rule,
bottom rule).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .geometry import bbox, body_font_size, h_rules_in_gap, overlap, steady_groups, v_rules_beside
from .pdf import Rule, Word
from .settings import Settings

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (points, top-left origin)

# Proportions and tolerances are fields of Settings (region_*, edge_slack, ...), in multiples
# of the page's body font size unless their comment says otherwise.
DEFAULTS = Settings()


@dataclass(frozen=True)
class TextLine:
    words: tuple[Word, ...]
    parts: tuple[tuple[Word, ...], ...]  # the words between wide gaps, left to right

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


def text_lines(words: Iterable[Word], size: float, s: Settings) -> list[TextLine]:
    """Words -> lines (a word joins the line whose first word's middle is within
    ``region_line_tolerance`` of its height of its own), each split into parts at gaps wider
    than ``region_segment_gap`` sizes; a bullet or list number stays with the text after it."""
    out = []
    for members in steady_groups(words, s.region_line_tolerance, turned_apart=False):
        ws = tuple(sorted(members, key=lambda w: w.x0))
        out.append(TextLine(ws, split_parts(ws, size * s.region_segment_gap)))
    return sorted(out, key=lambda ln: (ln.top, ln.x0))


def _is_marker(text: str) -> bool:
    """A list bullet or item number ("•", "–", "1.", "(a)", "iv)")."""
    t = text.strip()
    if len(t) == 1 and not t.isalnum():
        return True
    core = t.strip("().")
    return bool(core) and len(core) <= 3 and t[-1:] in ".)" and (
        core.isdigit() or (core.isalpha() and core.islower()))


def split_parts(ws: Sequence[Word], gap: float) -> tuple[tuple[Word, ...], ...]:
    """A line's words split at gaps wider than ``gap`` (a leading list marker kept on)."""
    parts: list[list[Word]] = []
    for w in ws:
        if parts and (w.x0 - parts[-1][-1].x1 <= gap
                      or (len(parts[-1]) == 1 and _is_marker(parts[-1][0].text)
                          and len(parts) == 1)):
            parts[-1].append(w)
        else:
            parts.append([w])
    return tuple(tuple(p) for p in parts)


def _is_prose(part: Sequence[Word], width: float, s: Settings) -> bool:
    letters = [w for w in part if any(ch.isalpha() for ch in w.text)]
    return (len(letters) >= s.region_prose_words
            and part[-1].x1 - part[0].x0 >= s.region_prose_width * width)


def is_split(line: TextLine, text_width: float, s: Settings = DEFAULTS) -> bool:
    """A line of a table: two or more parts, not all of them running text (two prose columns
    side by side are not a table)."""
    return len(line.parts) >= 2 and not all(_is_prose(p, text_width, s) for p in line.parts)


def line_blocks(lines: Sequence[TextLine], rules: Sequence[Rule], size: float,
                text_width: float, s: Settings) -> list[list[int]]:
    """Runs of split lines close to each other; lines in one part between two split lines of a
    run (a wrapped cell, a section label) belong to it when they lie within its width."""
    split = [is_split(ln, text_width, s) for ln in lines]
    blocks: list[list[int]] = []
    for k, ln in enumerate(lines):
        if not split[k]:
            continue
        if blocks:
            last = lines[blocks[-1][-1]]
            between = range(blocks[-1][-1] + 1, k)
            steps = [lines[j] for j in between]
            # One rule across the gap (under a header, over a total) keeps a table together;
            # two are one table's bottom rule and the next one's top rule.
            crossing = _wide_rules(rules, last.bottom, ln.top, min(last.x0, ln.x0),
                                   max(last.x1, ln.x1), size, s)
            reach = s.region_ruled_gap if crossing == 1 else s.region_block_gap
            if crossing < 2 and _joins(steps, last, ln, size * reach, text_width, s):
                blocks[-1].extend([*between, k])
                continue
        blocks.append([k])
    return blocks


def _joins(steps: Sequence[TextLine], last: TextLine, ln: TextLine, reach: float,
           text_width: float, s: Settings) -> bool:
    """May the one-part lines ``steps`` between split lines ``last`` and ``ln`` join them into
    one table? Each step is within ``reach`` of the one before, none is running text across
    the width."""
    prev = last
    for step in [*steps, ln]:
        if step.top - prev.bottom > reach:
            return False
        prev = step
    return all(not any(_is_prose(p, text_width, s) for p in st.parts)
               or st.x1 - st.x0 < s.region_step_width * text_width
               for st in steps) and len(steps) <= s.region_max_steps


def _box(ws: Iterable[Word]) -> BBox:
    return bbox(list(ws))


def close_off(box: BBox, lines: Sequence[TextLine], rules: Sequence[Rule], size: float,
              s: Settings) -> BBox:
    """Grow a block up to a horizontal rule as wide as most of it just above (the rule over the
    header: the header lines in between join) and down to one just below it."""
    x0, top, x1, bottom = box
    width = x1 - x0
    slack = s.edge_slack
    wide = [r for r in rules if r.orientation == "h"
            and overlap(r.x0, r.x1, x0, x1) >= s.region_close_width * width
            and r.x1 - r.x0 <= s.region_close_span * width]
    above = [r.top for r in wide if top - s.region_close_gap * 2 * size <= r.top < top - slack]
    if above:
        y = min(above)
        inner = [ln for ln in lines if y <= ln.top and ln.bottom <= top + slack
                 and ln.x0 >= x0 - size and ln.x1 <= x1 + size]
        outer = [ln for ln in lines if y <= ln.top and ln.bottom <= top + slack
                 and ln not in inner]
        if not outer:
            top = min([y, *[ln.top for ln in inner]])
    below = [r.top for r in wide if bottom + slack < r.top <= bottom + s.region_close_gap * size]
    if below:
        y = max(below)
        if not any(bottom + slack < ln.top and ln.bottom <= y for ln in lines
                   if ln.x0 < x0 - size or ln.x1 > x1 + size):
            bottom = y
    return (x0, top, x1, bottom)


def header_lines(box: BBox, lines: Sequence[TextLine], size: float, text_width: float,
                 s: Settings) -> BBox:
    """Grow a block up over the column headings right above it: lines in parts or short
    labels within its width, each close to the next, none of them running text."""
    x0, top, x1, bottom = box
    for ln in sorted((ln for ln in lines if ln.bottom <= top + s.edge_slack),
                     key=lambda ln: -ln.top):
        if (top - ln.bottom <= s.region_header_gap * size and ln.x0 >= x0 - size
                and ln.x1 <= x1 + size and len(ln.parts) >= 2
                and not any(_is_prose(p, text_width, s) for p in ln.parts)):
            top = ln.top
        else:
            break
    return (x0, top, x1, bottom)


def rule_groups(rules: Sequence[Rule], snap: float) -> list[list[Rule]]:
    """Rules that touch each other (within ``snap``), grouped."""
    groups: list[list[Rule]] = []
    boxes: list[BBox] = []
    for rule in sorted(rules, key=lambda r: (r.top, r.x0)):
        hit = [k for k, b in enumerate(boxes) if _near(b, rule, snap)
               and any(_touch(rule, r, snap) for r in groups[k])]
        merged = [rule] + [r for k in hit for r in groups[k]]
        groups = [g for k, g in enumerate(groups) if k not in hit] + [merged]
        boxes = [b for k, b in enumerate(boxes) if k not in hit] + [_rule_box(merged)]
    return groups


def _near(b: BBox, r: Rule, tol: float) -> bool:
    return b[0] - tol <= r.x1 and r.x0 - tol <= b[2] and b[1] - tol <= r.bottom and (
        r.top - tol <= b[3])


def _touch(a: Rule, b: Rule, tol: float) -> bool:
    return (a.x0 - tol <= b.x1 and b.x0 - tol <= a.x1
            and a.top - tol <= b.bottom and b.top - tol <= a.bottom)


def _rule_box(rules: Sequence[Rule]) -> BBox:
    return (min(r.x0 for r in rules), min(r.top for r in rules), max(r.x1 for r in rules),
            max(r.bottom for r in rules))


def ruled_boxes(rules: Sequence[Rule], lines: Sequence[TextLine], width: float,
                height: float, snap: float, s: Settings) -> list[BBox]:
    """Grids of drawn rules (horizontal and vertical ones crossing) holding at least two
    split lines; a grid over most of the page is a frame round it and is left out."""
    drawn = [r for r in rules if not r.shading]
    out = []
    for g in rule_groups(drawn, snap):
        if not any(r.orientation == "v" for r in g) or not any(r.orientation == "h" for r in g):
            continue
        box = _rule_box(g)
        if (box[2] - box[0]) * (box[3] - box[1]) > s.region_frame_share * width * height:
            continue
        inside = [ln for ln in lines if _inside(ln, box, s.edge_slack)]
        if sum(1 for ln in inside if len(ln.parts) >= 2 or _crossed(ln, g, s.edge_slack)) >= 2:
            out.append(box)
    return out


def _celled(box: BBox, lines: Sequence[TextLine], rules: Sequence[Rule], s: Settings) -> bool:
    """Do vertical rules divide the words of at least ``region_min_lines`` lines of the grid
    (cells drawn round each value, not a chart's frame)?"""
    inside = [r for r in rules if r.orientation == "v" and _near(box, r, s.edge_slack)]
    return sum(1 for ln in lines if _inside(ln, box, s.edge_slack)
               and _crossed(ln, inside, s.edge_slack)) >= s.region_min_lines


def _crossed(ln: TextLine, rules: Sequence[Rule], slack: float) -> bool:
    """Does a vertical rule stand between two words of the line (cells divided by rules)?"""
    return any(any(a.x1 <= r.x0 + slack and b.x0 >= r.x0 - slack
                   for a, b in zip(ln.words, ln.words[1:]))
               for r in v_rules_beside(rules, (ln.top + ln.bottom) / 2, 0.0))


def _inside(ln: TextLine, box: BBox, slack: float) -> bool:
    mx, my = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
    return (box[0] - slack <= mx <= box[2] + slack
            and box[1] - slack <= my <= box[3] + slack)


def _overlap(a: BBox, b: BBox) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def merge_overlapping(boxes: Sequence[BBox]) -> list[BBox]:
    out: list[BBox] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        while True:
            hit = next((k for k, o in enumerate(out) if _overlap(o, box)), None)
            if hit is None:
                break
            o = out.pop(hit)
            box = (min(o[0], box[0]), min(o[1], box[1]), max(o[2], box[2]), max(o[3], box[3]))
        out.append(box)
    return sorted(out, key=lambda b: (b[1], b[0]))


def clip(box: BBox, width: float, height: float) -> BBox | None:
    x0, top, x1, bottom = max(0.0, box[0]), max(0.0, box[1]), min(width, box[2]), min(
        height, box[3])
    return (x0, top, x1, bottom) if x1 > x0 and bottom > top else None


def table_regions(words: Sequence[Word], rules: Sequence[Rule], width: float, height: float,
                  snap: float = DEFAULTS.rule_snap, settings: Settings = DEFAULTS
                  ) -> list[BBox]:
    """Bounding boxes of the tables on a page of ``width`` x ``height`` points; rules within
    ``snap`` of each other touch."""
    if not words:
        return []
    s = settings
    size = body_font_size(words, s.default_font_size)
    lines = text_lines(words, size, s)
    text_width = max(w.x1 for w in words) - min(w.x0 for w in words)
    grids = ruled_boxes(rules, lines, width, height, snap, s)
    celled = [g for g in grids if _celled(g, lines, rules, s)]
    # Lines inside a grid are its own; text blocks are looked for among the others, so that
    # the titles between two gridded tables do not join them.
    free = [ln for ln in lines if not any(_inside(ln, g, s.edge_slack) for g in grids)]
    found: list[list[TextLine]] = []
    for block in line_blocks(free, rules, size, text_width, s):
        members = [free[k] for k in block]
        if sum(1 for ln in members if is_split(ln, text_width, s)) < s.region_min_lines:
            continue
        if aligned(members, size * s.region_align):
            found.append(members)
    boxes = list(grids)
    slack = s.edge_slack
    for members in same_columns(found, free, rules, size, text_width, s):
        x0, top, x1, bottom = _box(w for ln in members for w in ln.words)
        box = header_lines((x0 - slack, top - slack, x1 + slack, bottom + slack), free, size,
                           text_width, s)
        boxes.append(close_off(box, free, rules, size, s))
    out = []
    for box in merge_overlapping(boxes):
        clipped = clip(box, width, height)
        least = s.region_min_cover_ruled if box in celled else s.region_min_cover
        if clipped is not None and coverage(words, clipped, size, s) >= least:
            out.append(clipped)
    return out


def coverage(words: Sequence[Word], box: BBox, size: float, s: Settings = DEFAULTS) -> float:
    """Share of the box's width that words cover on an average line of it."""
    slack = s.edge_slack
    inside = [w for w in words if box[0] - slack <= w.xmid <= box[2] + slack
              and box[1] - slack <= w.ymid <= box[3] + slack]
    lines = text_lines(inside, size, s)
    if not lines or box[2] <= box[0]:
        return 0.0
    covered = sum(w.x1 - w.x0 for ln in lines for w in ln.words)
    return covered / len(lines) / (box[2] - box[0])


def aligned(lines: Sequence[TextLine], near: float) -> bool:
    """Do the parts of the split lines line up in columns? At least two part edges (left,
    right or middle, within ``near`` of each other) recur in two or more lines, besides the
    block's left edge."""
    split = [ln for ln in lines if len(ln.parts) >= 2]
    starts: list[list[float]] = []
    for ln in split:
        for p in ln.parts[1:]:
            starts.append([p[0].x0, p[-1].x1, (p[0].x0 + p[-1].x1) / 2])
    if not starts:
        return False
    recurring = 0
    for k, edges in enumerate(starts):
        if any(any(abs(a - b) <= near for a, b in zip(edges, other))
               for j, other in enumerate(starts) if j != k):
            recurring += 1
    return recurring >= max(2, len(starts) // 2)


def _edges(block: Sequence[TextLine]) -> list[float]:
    """Where the block's columns stand: the left and right ends of its lines' later parts."""
    return [x for ln in block for p in ln.parts[1:] for x in (p[0].x0, p[-1].x1)]


def columns_match(upper: Sequence[TextLine], lower: Sequence[TextLine], size: float,
                  s: Settings) -> bool:
    """Do most column edges of each block recur in the other (one table's body in two parts)?"""
    a, b = _edges(upper), _edges(lower)
    if not a or not b:
        return False
    near = s.region_align * size

    def share(xs: Sequence[float], ys: Sequence[float]) -> float:
        return sum(1 for x in xs if any(abs(x - y) <= near for y in ys)) / len(xs)

    return min(share(a, b), share(b, a)) >= s.region_match_share


def _wide_rules(rules: Sequence[Rule], top: float, bottom: float, x0: float, x1: float,
                size: float, s: Settings) -> int:
    """How many horizontal rules (a double rule counted once) run across most of [x0, x1]
    between ``top`` and ``bottom``?"""
    ys = sorted(r.top for r in h_rules_in_gap(rules, top, bottom, s.edge_slack)
                if overlap(r.x0, r.x1, x0, x1) >= s.region_wide_rule * (x1 - x0))
    return sum(1 for k, y in enumerate(ys)
               if k == 0 or y - ys[k - 1] > s.region_double_rule * size)


def same_columns(blocks: Sequence[list[TextLine]], lines: Sequence[TextLine],
                 rules: Sequence[Rule], size: float, text_width: float, s: Settings
                 ) -> list[list[TextLine]]:
    """Join consecutive blocks of one table cut apart by a blank line or a section label: the
    columns line up, at most two short lines of one part lie between, at most one rule across
    the width (the rule under a header; a next table would bring its predecessor's bottom rule
    and its own top rule)."""
    out: list[list[TextLine]] = []
    for block in blocks:
        if out:
            prev = out[-1]
            bottom, top = max(ln.bottom for ln in prev), min(ln.top for ln in block)
            x0 = min(ln.x0 for ln in [*prev, *block])
            x1 = max(ln.x1 for ln in [*prev, *block])
            slack = s.line_slack
            between = [ln for ln in lines if ln.top >= bottom - slack
                       and ln.bottom <= top + slack and ln.x1 > x0 and ln.x0 < x1]
            if (top - bottom <= s.region_join_gap * size
                    and len(between) <= s.region_max_between
                    and all(len(ln.parts) == 1 and ln.x1 - ln.x0 < s.region_short_line * (x1 - x0)
                            for ln in between)
                    and _wide_rules(rules, bottom, top, x0, x1, size, s) <= 1
                    and columns_match(prev, block, size, s)):
                prev.extend([*between, *block])
                continue
        out.append(list(block))
    return out
