"""Where the tables are on a page: words and rules -> table bounding boxes.

Pure functions on the page's words and rules. A table shows itself as a run of lines split
into aligned parts by wide gaps (a line of prose is one part; two prose columns are two long
parts of running text), or as a grid of drawn rules holding such lines; horizontal rules just
above and below a run close it off (header rule, bottom rule).
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .pdf import Rule, Word

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (points, top-left origin)

# Proportions in multiples of the page's body font size.
SEGMENT_GAP = 1.0     # a gap this wide between two words of a line separates two cells
BLOCK_GAP = 1.6       # lines further apart than this do not belong to one table ...
RULED_GAP = 3.0       # ... unless a horizontal rule runs between them under both
CLOSE_GAP = 2.5       # reach of the rules that close a table off above and below
MIN_LINES = 3         # split lines a table needs (two for a ruled one)
PROSE_WORDS = 6       # a part with this many words that is wide is running text
FRAME_SHARE = 0.6     # a grid of rules over this share of the page is a frame, not a table
# A table's words cover at least this share of its width on an average line; a chart's tick
# labels and legend cover far less (set on the eu half of ICDAR 2013, checked on the us half).
MIN_COVER = 0.15


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


def font_size(words: Sequence[Word]) -> float:
    sizes = [w.size for w in words if w.size > 0]
    return statistics.median(sizes) if sizes else 10.0


def text_lines(words: Iterable[Word], size: float) -> list[TextLine]:
    """Words -> lines (a word joins the line whose first word's middle is within 0.4 of its
    height of its own), each split into parts at gaps wider than ``SEGMENT_GAP`` sizes; a
    bullet or list number stays with the text after it."""
    groups: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.ymid, w.x0)):
        for members in reversed(groups[-3:]):
            if abs(w.ymid - members[0].ymid) <= 0.4 * (members[0].bottom - members[0].top):
                members.append(w)
                break
        else:
            groups.append([w])
    out = []
    for members in groups:
        ws = tuple(sorted(members, key=lambda w: w.x0))
        out.append(TextLine(ws, split_parts(ws, size)))
    return sorted(out, key=lambda ln: (ln.top, ln.x0))


def _is_marker(text: str) -> bool:
    """A list bullet or item number ("•", "–", "1.", "(a)", "iv)")."""
    t = text.strip()
    if len(t) == 1 and not t.isalnum():
        return True
    core = t.strip("().")
    return bool(core) and len(core) <= 3 and t[-1:] in ".)" and (
        core.isdigit() or (core.isalpha() and core.islower()))


def split_parts(ws: Sequence[Word], size: float) -> tuple[tuple[Word, ...], ...]:
    parts: list[list[Word]] = []
    for w in ws:
        if parts and (w.x0 - parts[-1][-1].x1 <= SEGMENT_GAP * size
                      or (len(parts[-1]) == 1 and _is_marker(parts[-1][0].text)
                          and len(parts) == 1)):
            parts[-1].append(w)
        else:
            parts.append([w])
    return tuple(tuple(p) for p in parts)


def _is_prose(part: Sequence[Word], width: float) -> bool:
    letters = [w for w in part if any(ch.isalpha() for ch in w.text)]
    return len(letters) >= PROSE_WORDS and part[-1].x1 - part[0].x0 >= 0.3 * width


def is_split(line: TextLine, text_width: float) -> bool:
    """A line of a table: two or more parts, not all of them running text (two prose columns
    side by side are not a table)."""
    return len(line.parts) >= 2 and not all(_is_prose(p, text_width) for p in line.parts)


def _h_rules_between(rules: Sequence[Rule], top: float, bottom: float, x0: float, x1: float
                     ) -> bool:
    return any(r.orientation == "h" and top - 1 <= r.top <= bottom + 1
               and min(r.x1, x1) - max(r.x0, x0) >= 0.5 * (x1 - x0) for r in rules)


def line_blocks(lines: Sequence[TextLine], rules: Sequence[Rule], size: float,
                text_width: float) -> list[list[int]]:
    """Runs of split lines close to each other; lines in one part between two split lines of a
    run (a wrapped cell, a section label) belong to it when they lie within its width."""
    split = [is_split(ln, text_width) for ln in lines]
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
                                   max(last.x1, ln.x1), size)
            reach = RULED_GAP if crossing == 1 else BLOCK_GAP
            if crossing < 2 and _joins(steps, last, ln, size, reach, text_width):
                blocks[-1].extend([*between, k])
                continue
        blocks.append([k])
    return blocks


def _joins(steps: Sequence[TextLine], last: TextLine, ln: TextLine, size: float, reach: float,
           text_width: float) -> bool:
    """May the one-part lines ``steps`` between split lines ``last`` and ``ln`` join them into
    one table? Each step is close to the one before, none is running text across the width."""
    prev = last
    for step in [*steps, ln]:
        if step.top - prev.bottom > reach * size:
            return False
        prev = step
    return all(not any(_is_prose(p, text_width) for p in s.parts)
               or s.x1 - s.x0 < 0.5 * text_width for s in steps) and len(steps) <= 3


def _box(ws: Iterable[Word]) -> BBox:
    ws = list(ws)
    return (min(w.x0 for w in ws), min(w.top for w in ws), max(w.x1 for w in ws),
            max(w.bottom for w in ws))


def close_off(box: BBox, lines: Sequence[TextLine], rules: Sequence[Rule], size: float
              ) -> BBox:
    """Grow a block up to a horizontal rule as wide as most of it just above (the rule over the
    header: the header lines in between join) and down to one just below it."""
    x0, top, x1, bottom = box
    width = x1 - x0
    wide = [r for r in rules if r.orientation == "h"
            and min(r.x1, x1) - max(r.x0, x0) >= 0.7 * width and r.x1 - r.x0 <= 1.5 * width]
    above = [r.top for r in wide if top - CLOSE_GAP * 2 * size <= r.top < top - 1]
    if above:
        y = min(above)
        inner = [ln for ln in lines if y <= ln.top and ln.bottom <= top + 1
                 and ln.x0 >= x0 - size and ln.x1 <= x1 + size]
        outer = [ln for ln in lines if y <= ln.top and ln.bottom <= top + 1 and ln not in inner]
        if not outer:
            top = min([y, *[ln.top for ln in inner]])
    below = [r.top for r in wide if bottom + 1 < r.top <= bottom + CLOSE_GAP * size]
    if below:
        y = max(below)
        if not any(bottom + 1 < ln.top and ln.bottom <= y for ln in lines
                   if ln.x0 < x0 - size or ln.x1 > x1 + size):
            bottom = y
    return (x0, top, x1, bottom)


def header_lines(box: BBox, lines: Sequence[TextLine], size: float, text_width: float
                 ) -> BBox:
    """Grow a block up over the column headings right above it: lines in parts or short
    labels within its width, each close to the next, none of them running text."""
    x0, top, x1, bottom = box
    for ln in sorted((ln for ln in lines if ln.bottom <= top + 1), key=lambda ln: -ln.top):
        if (top - ln.bottom <= 0.8 * size and ln.x0 >= x0 - size and ln.x1 <= x1 + size
                and len(ln.parts) >= 2 and not any(_is_prose(p, text_width) for p in ln.parts)):
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
                height: float, snap: float) -> list[BBox]:
    """Grids of drawn rules (horizontal and vertical ones crossing) holding at least two
    split lines; a grid over most of the page is a frame round it and is left out."""
    drawn = [r for r in rules if not r.shading]
    out = []
    for g in rule_groups(drawn, snap):
        if not any(r.orientation == "v" for r in g) or not any(r.orientation == "h" for r in g):
            continue
        box = _rule_box(g)
        if (box[2] - box[0]) * (box[3] - box[1]) > FRAME_SHARE * width * height:
            continue
        inside = [ln for ln in lines if _inside(ln, box)]
        if sum(1 for ln in inside if len(ln.parts) >= 2 or _crossed(ln, g)) >= 2:
            out.append(box)
    return out


def _crossed(ln: TextLine, rules: Sequence[Rule]) -> bool:
    """Does a vertical rule stand between two words of the line (cells divided by rules)?"""
    return any(r.orientation == "v" and r.top <= (ln.top + ln.bottom) / 2 <= r.bottom
               and any(a.x1 <= r.x0 + 1 and b.x0 >= r.x0 - 1 for a, b in zip(ln.words,
                                                                           ln.words[1:]))
               for r in rules)


def _inside(ln: TextLine, box: BBox) -> bool:
    mx, my = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
    return box[0] - 1 <= mx <= box[2] + 1 and box[1] - 1 <= my <= box[3] + 1


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
                  snap: float = 2.0) -> list[BBox]:
    """Bounding boxes of the tables on a page of ``width`` x ``height`` points."""
    if not words:
        return []
    size = font_size(words)
    lines = text_lines(words, size)
    text_width = max(w.x1 for w in words) - min(w.x0 for w in words)
    grids = ruled_boxes(rules, lines, width, height, snap)
    # Lines inside a grid are its own; text blocks are looked for among the others, so that
    # the titles between two gridded tables do not join them.
    free = [ln for ln in lines if not any(_inside(ln, g) for g in grids)]
    found: list[list[TextLine]] = []
    for block in line_blocks(free, rules, size, text_width):
        members = [free[k] for k in block]
        if sum(1 for ln in members if is_split(ln, text_width)) < MIN_LINES:
            continue
        if aligned(members, size):
            found.append(members)
    boxes = list(grids)
    for members in same_columns(found, free, rules, size, text_width):
        x0, top, x1, bottom = _box(w for ln in members for w in ln.words)
        box = header_lines((x0 - 1, top - 1, x1 + 1, bottom + 1), free, size, text_width)
        boxes.append(close_off(box, free, rules, size))
    out = []
    for box in merge_overlapping(boxes):
        clipped = clip(box, width, height)
        if clipped is not None and coverage(words, clipped, size) >= MIN_COVER:
            out.append(clipped)
    return out


def coverage(words: Sequence[Word], box: BBox, size: float) -> float:
    """Share of the box's width that words cover on an average line of it."""
    inside = [w for w in words
              if box[0] - 1 <= w.xmid <= box[2] + 1 and box[1] - 1 <= w.ymid <= box[3] + 1]
    lines = text_lines(inside, size)
    if not lines or box[2] <= box[0]:
        return 0.0
    covered = sum(w.x1 - w.x0 for ln in lines for w in ln.words)
    return covered / len(lines) / (box[2] - box[0])


def aligned(lines: Sequence[TextLine], size: float) -> bool:
    """Do the parts of the split lines line up in columns? At least two part edges (left,
    right or middle) recur in two or more lines, besides the block's left edge."""
    split = [ln for ln in lines if len(ln.parts) >= 2]
    starts: list[list[float]] = []
    for ln in split:
        for p in ln.parts[1:]:
            starts.append([p[0].x0, p[-1].x1, (p[0].x0 + p[-1].x1) / 2])
    if not starts:
        return False
    recurring = 0
    for k, edges in enumerate(starts):
        if any(any(abs(a - b) <= 0.5 * size for a, b in zip(edges, other))
               for j, other in enumerate(starts) if j != k):
            recurring += 1
    return recurring >= max(2, len(starts) // 2)


def _edges(block: Sequence[TextLine]) -> list[float]:
    """Where the block's columns stand: the left and right ends of its lines' later parts."""
    return [x for ln in block for p in ln.parts[1:] for x in (p[0].x0, p[-1].x1)]


def columns_match(upper: Sequence[TextLine], lower: Sequence[TextLine], size: float) -> bool:
    """Do most column edges of each block recur in the other (one table's body in two parts)?"""
    a, b = _edges(upper), _edges(lower)
    if not a or not b:
        return False

    def share(xs: Sequence[float], ys: Sequence[float]) -> float:
        return sum(1 for x in xs if any(abs(x - y) <= 0.5 * size for y in ys)) / len(xs)

    return min(share(a, b), share(b, a)) >= 0.6


def _wide_rules(rules: Sequence[Rule], top: float, bottom: float, x0: float, x1: float,
                size: float) -> int:
    """How many horizontal rules (a double rule counted once) run across most of [x0, x1]
    between ``top`` and ``bottom``?"""
    ys = sorted(r.top for r in rules if r.orientation == "h" and top - 1 <= r.top <= bottom + 1
                and min(r.x1, x1) - max(r.x0, x0) >= 0.5 * (x1 - x0))
    return sum(1 for k, y in enumerate(ys) if k == 0 or y - ys[k - 1] > 0.5 * size)


def same_columns(blocks: Sequence[list[TextLine]], lines: Sequence[TextLine],
                 rules: Sequence[Rule], size: float, text_width: float
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
            between = [ln for ln in lines if ln.top >= bottom - 0.5 and ln.bottom <= top + 0.5
                       and ln.x1 > x0 and ln.x0 < x1]
            if (top - bottom <= 6 * size and len(between) <= 2
                    and all(len(ln.parts) == 1 and ln.x1 - ln.x0 < 0.4 * (x1 - x0)
                            for ln in between)
                    and _wide_rules(rules, bottom, top, x0, x1, size) <= 1
                    and columns_match(prev, block, size)):
                prev.extend([*between, *block])
                continue
        out.append(list(block))
    return out
