"""pdfplumber's characters (plain dicts) -> the characters a reader sees on the page.

Pure functions on the char records pdfplumber gives (``text``, ``x0``, ``x1``, ``top``,
``bottom``, ``size``, ``matrix``, colours): the second copy of a glyph drawn twice ("fake
bold") is dropped, and private-use bullet glyphs of the Symbol and Wingdings fonts, and the
codes WinAnsiEncoding leaves unused (which draw a bullet), become "•".
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Iterable, Sequence

from .wrap import join_paragraph
from .settings import Settings

Char = dict[str, Any]  # a pdfplumber char record, never modified here
_TEXT = itemgetter("text")

BULLET = "•"
# Glyphs of Word's bullet fonts that PDF writers map into the private-use area (U+F000 + the
# font's code) when the font has no Unicode names: Symbol's bullet, and Wingdings' small and
# big squares, diamonds, arrowheads, check mark, hollow square and round dot.
SYMBOL_BULLETS = frozenset("\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf06e\uf071\uf06c\uf0a8\uf0e8"
                           "\uf0a1\uf09f\uf0f0\uf0d7")


def plain_bullets(chars: Sequence[Char]) -> Sequence[Char]:
    """The chars with every symbol-font bullet glyph written as "•" (the others unchanged;
    the same sequence back when there is none, the usual case, checked at C speed)."""
    if SYMBOL_BULLETS.isdisjoint(map(_TEXT, chars)):
        return chars
    return [{**c, "text": BULLET} if c["text"] in SYMBOL_BULLETS else c for c in chars]


# PDF 32000-1:2008, Annex D, Table D.2, note 5: "In WinAnsiEncoding, all unused codes greater
# than 40 [octal] map to the bullet character" - in an Adobe standard font, or a simple font
# program whose encoding is WinAnsi, such a code draws a bullet. They have no glyph name, so
# pdfminer gives them as "(cid:127)" etc.; reportlab draws "•" as code 127 this way.
WINANSI_UNUSED = frozenset({0o177, 0o201, 0o215, 0o217, 0o220, 0o235})
SIMPLE_FONTS = frozenset({"Type1", "MMType1", "TrueType"})  # not Type0 (CID) nor Type3
_UNNAMED = re.compile(r"\(cid:(\d+)\)\Z")  # how pdfminer writes a code without Unicode


def bullet_codes(subtype: str | None, encoding: Any) -> frozenset[int]:
    """The codes of one font that draw a bullet although they have no name: WinAnsi's unused
    codes, for a simple font (``subtype``) whose ``encoding`` (the font's Encoding entry: a
    name, or a dict with "BaseEncoding" and "Differences" as plain values) is WinAnsi, less
    the codes its Differences rename."""
    if subtype not in SIMPLE_FONTS:
        return frozenset()
    differences: Sequence[Any] = ()
    if isinstance(encoding, dict):
        differences = encoding.get("Differences") or ()
        encoding = encoding.get("BaseEncoding")
    if encoding != "WinAnsiEncoding":
        return frozenset()
    renamed: set[int] = set()
    code: int | None = None
    for item in differences:  # [code name name ... code name ...]
        if isinstance(item, int) and not isinstance(item, bool):
            code = item
        elif code is not None:
            renamed.add(code)
            code += 1
    return WINANSI_UNUSED - renamed


def unnamed_bullets(chars: Sequence[Char], codes: dict[str, frozenset[int]]) -> Sequence[Char]:
    """The chars with every unnamed code that draws a bullet in its font (``codes``: font name
    -> ``bullet_codes``) written as "•"; any other unnamed code stays as pdfminer wrote it, to
    be reported, never guessed. The same sequence back when there is none (checked at C
    speed)."""
    if not codes or not has_unnamed(chars):
        return chars
    out = []
    for c in chars:
        found = _UNNAMED.match(c["text"])
        if found and int(found.group(1)) in codes.get(c.get("fontname", ""), frozenset()):
            c = {**c, "text": BULLET}
        out.append(c)
    return out


def has_unnamed(chars: Sequence[Char]) -> bool:
    """Does any char lack a Unicode reading (checked at C speed)?"""
    return "(cid:" in "".join(map(_TEXT, chars))


def count_unnamed(texts: Iterable[str]) -> int:
    """How many glyphs in ``texts`` have no Unicode reading (pdfminer's "(cid:N)")."""
    return sum(len(_UNNAMED_ANY.findall(t)) for t in texts if "(cid:" in t)


_UNNAMED_ANY = re.compile(r"\(cid:\d+\)")


_REPEAT = re.compile(r"(?=(.)\1)")  # overlapping: "TTT" is checked at 0 and 1


def has_doubled(words: Iterable[tuple[str, Sequence[Char]]], tolerance: float) -> bool:
    """Does any word, given as (text, its chars in reading order), hold a glyph and its twin?

    A cheap test run on every page before the full ``drop_doubled``: words are built from
    chars sorted along their line, so a glyph and a copy drawn within ``tolerance`` of it sit
    side by side in one word, which then shows a repeated letter ("TThhee", "项项")."""
    for text, chars in words:
        if len(text) != len(chars):  # a ligature expanded ("ﬁﬁ" -> "fifi"): every pair
            if any(_twins(a, b, tolerance) for a, b in zip(chars, chars[1:])):
                return True
            continue
        for m in _REPEAT.finditer(text):
            if _twins(chars[m.start()], chars[m.start() + 1], tolerance):
                return True
    return False


def _twins(a: Char, b: Char, tolerance: float) -> bool:
    """Is ``b`` a second drawing of ``a``: same text and size, less than ``tolerance`` away
    both ways and less than half a glyph away along the line (so "ll" are two glyphs)?"""
    return bool(a["text"] == b["text"] and abs(a["size"] - b["size"]) < 0.5
                and abs(a["x0"] - b["x0"]) <= min(tolerance, 0.5 * (b["x1"] - b["x0"]))
                and abs(a["top"] - b["top"]) <= min(tolerance, 0.5 * (b["bottom"] - b["top"])))


def drop_doubled(chars: Iterable[Char], tolerance: float) -> list[Char]:
    """The chars without the copies of glyphs drawn twice at the same place ("fake bold", or a
    text run painted twice): a char goes if an earlier kept char has the same text and size
    and lies within ``tolerance`` points of it both ways, and less than half a glyph away
    along the line (so "ll", two glyphs side by side, are never one)."""
    kept: list[Char] = []
    rows: dict[tuple[str, int], list[Char]] = {}
    for c in chars:
        text = c["text"]
        row = int(c["top"] // tolerance)
        if not any(_twins(o, c, tolerance)
                   for k in (row - 1, row, row + 1) for o in rows.get((text, k), ())):
            kept.append(c)
            rows.setdefault((text, row), []).append(c)
    return kept


# --- direction -----------------------------------------------------------------------------

LTR, BTT, TTB, RTL = "ltr", "btt", "ttb", "rtl"
_MATRIX = itemgetter("matrix")
_A, _B = itemgetter(0), itemgetter(1)
def direction(c: Char, slack: float = Settings.angle_slack) -> str | None:
    """Which way the char's line runs on the page, from its text matrix: "ltr" (upright),
    "btt" (turned a quarter anticlockwise, read upwards), "ttb" (a quarter clockwise), "rtl"
    (upside down), or None for a baseline at any other angle (a diagonal watermark): one
    whose sine against every page axis is over ``slack``."""
    a, b = c["matrix"][0], c["matrix"][1]
    norm = (a * a + b * b) ** 0.5
    if norm == 0:
        return None
    a, b = a / norm, b / norm  # PDF space: y up, so b > 0 runs up the page
    if abs(b) <= slack:
        return LTR if a > 0 else RTL
    if abs(a) <= slack:
        return BTT if b > 0 else TTB
    return None


def all_upright(chars: Sequence[Char]) -> bool:
    """True when every char runs left to right along the page (the usual page), checked at C
    speed without a Python call per char."""
    if not chars:
        return True
    matrices = list(map(_MATRIX, chars))
    return set(map(_B, matrices)) == {0} and min(map(_A, matrices)) > 0


# --- watermarks ----------------------------------------------------------------------------

_NCS, _COLOUR = itemgetter("ncs"), itemgetter("non_stroking_color")


def lightness(space: Any, colour: Any) -> float | None:
    """How light a fill colour is, 0 (black) to 1 (white), or None when it cannot be told
    (a pattern, an indexed palette). Separation and DeviceN values are ink tints."""
    if isinstance(colour, (int, float)):
        colour = (colour,)
    if not isinstance(colour, (tuple, list)) or not colour or not all(
            isinstance(v, (int, float)) for v in colour):
        return None
    name = str(space or "")
    if "Separation" in name or "DeviceN" in name:
        return 1.0 - min(1.0, max(float(v) for v in colour))
    if "Indexed" in name or "Pattern" in name:
        return None
    values = [min(1.0, max(0.0, float(v))) for v in colour]
    if len(values) == 1:
        return values[0]
    if len(values) == 3:
        r, g, b = values
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    if len(values) == 4:
        c, m, y, k = values
        return (1 - k) * (1 - (0.2126 * c + 0.7152 * m + 0.0722 * y))
    return None


def _colours(chars: Sequence[Char]) -> Counter[tuple[Any, Any]]:
    """How many chars are painted in each (colour space, colour); pdfplumber gives a char's
    colour as a tuple, so this runs at C speed."""
    try:
        return Counter(zip(map(_NCS, chars), map(_COLOUR, chars)))
    except TypeError:  # an unhashable colour component: compare them as text
        return Counter((c.get("ncs"), _key(c)) for c in chars)


def _key(c: Char) -> Any:
    colour = c.get("non_stroking_color")
    try:
        hash(colour)
        return colour
    except TypeError:
        return str(colour)


Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def light_colours(chars: Sequence[Char], min_lightness: float, min_contrast: float
                  ) -> set[tuple[Any, Any]]:
    """The (colour space, colour) pairs of the page's text that are far lighter than its body
    text (the colour most chars have): at least ``min_lightness``, and lighter than the body
    by ``min_contrast``."""
    try:  # most pages have no light text: a set of the colours tells, cheaper than counts
        if not any((lightness(*key) or 0.0) >= min_lightness
                   for key in set(zip(map(_NCS, chars), map(_COLOUR, chars)))):
            return set()
    except TypeError:  # an unhashable colour component: count them below
        pass
    counts = _colours(chars)
    if not counts:
        return set()
    body = lightness(*counts.most_common(1)[0][0]) or 0.0
    out = set()
    for key in counts:
        value = lightness(*key)
        if value is not None and value >= min_lightness and value >= body + min_contrast:
            out.add(key)
    return out


def _on_backdrop(c: Char, value: float, backdrops: Sequence[tuple[Box, float | None]],
                 min_contrast: float) -> bool:
    """Does the char's centre sit on a fill darker than it (white text on a dark header band)
    or on an image (whose colour is not known)?"""
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return any(box[0] <= x <= box[2] and box[1] <= y <= box[3]
               and (shade is None or shade <= value - min_contrast)
               for box, shade in backdrops)


def watermark_chars(chars: Sequence[Char], light: set[tuple[Any, Any]],
                    backdrops: Sequence[tuple[Box, float | None]], min_contrast: float,
                    angle_slack: float = Settings.angle_slack) -> list[bool]:
    """For each char, is it watermark text: on a baseline at an angle (not along a page
    axis), or in one of the ``light`` colours (``light_colours``) and not on a darker fill
    or an image? ``backdrops`` are the page's filled shapes with their lightness (None for
    images)."""
    out = []
    for c in chars:
        if direction(c, angle_slack) is None:
            out.append(True)
            continue
        key = (c.get("ncs"), _key(c))
        value = lightness(*key) if key in light else None
        out.append(value is not None and not _on_backdrop(c, value, backdrops, min_contrast))
    return out


def runs(chars: Sequence[Char], marks: Sequence[bool]) -> list[list[Char]]:
    """The marked chars in runs as drawn: consecutive in the content stream, in one size and
    direction (the same text matrix but for its position)."""
    out: list[list[Char]] = []
    last = -2
    for k, (c, marked) in enumerate(zip(chars, marks)):
        if not marked:
            continue
        if out and last == k - 1 and _same_face(out[-1][-1]["matrix"], c["matrix"]):
            out[-1].append(c)
        else:
            out.append([c])
        last = k
    return out


def _same_face(m: Sequence[float], n: Sequence[float]) -> bool:
    return all(abs(m[i] - n[i]) < 0.5 for i in range(4))


def run_text(run: Sequence[Char]) -> str:
    """A run's text as drawn, spaces collapsed."""
    return " ".join("".join(c["text"] for c in run).split())


def run_box(run: Sequence[Char]) -> Box:
    return (min(c["x0"] for c in run), min(c["top"] for c in run),
            max(c["x1"] for c in run), max(c["bottom"] for c in run))


# --- text in other directions --------------------------------------------------------------


def split_directions(chars: Sequence[Char], angle_slack: float = Settings.angle_slack
                     ) -> tuple[list[Char], dict[str, list[Char]]]:
    """The chars that run left to right, and the others by the way they run (btt, ttb, rtl).
    Chars at other angles are watermarks, set aside before; any left go with the first."""
    upright: list[Char] = []
    turned: dict[str, list[Char]] = {}
    for c in chars:
        way = direction(c, angle_slack)
        if way in (None, LTR):
            upright.append(c)
        else:
            turned.setdefault(way, []).append(c)
    return upright, turned


def turn(c: Char, way: str, width: float, height: float) -> Char:
    """The char as seen with the page turned so that text running ``way`` reads left to
    right: its box in that frame (``size`` the box's height there, the font's size)."""
    x0, x1, top, bottom = turn_box((c["x0"], c["x1"], c["top"], c["bottom"]), way,
                                   width, height)
    return {**c, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "upright": True, "width": x1 - x0, "height": bottom - top, "size": bottom - top}


Span = tuple[float, float, float, float]  # x0, x1, top, bottom


def turn_box(box: Span, way: str, width: float, height: float) -> Span:
    """A page box (x0, x1, top, bottom) in the frame where ``way`` reads left to right."""
    x0, x1, top, bottom = box
    if way == BTT:  # the page turned a quarter clockwise
        return height - bottom, height - top, x0, x1
    if way == TTB:  # a quarter anticlockwise
        return top, bottom, width - x1, width - x0
    if way == RTL:
        return width - x1, width - x0, height - bottom, height - top
    return box


def turn_back(box: Span, way: str, width: float, height: float) -> Span:
    """A box of the ``way`` frame back on the page (the inverse of ``turn_box``)."""
    x0, x1, top, bottom = box
    if way == BTT:
        return top, bottom, height - x1, height - x0
    if way == TTB:
        return width - bottom, width - top, x0, x1
    if way == RTL:
        return width - x1, width - x0, height - bottom, height - top
    return box


@dataclass(frozen=True)
class Block:
    """Lines of turned text read as one piece (a rotated cell), in its own frame."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def blocks(words: Sequence[Char], gap_ratio: float, walls: Sequence[Span] = ()
           ) -> list[Block]:
    """Words of one frame (dicts with text, x0, x1, top, bottom) -> blocks of text: words on
    one baseline with no more than a wide space between them make a line, lines stacked
    closely with overlapping extents make a block, a wider step between lines (more than
    ``gap_ratio`` times the block's closest step) starts a paragraph. ``walls``: drawn
    lines in the frame (x0, x1, top, bottom); words with one standing between them are in
    different cells and never make one line (two rotated cells stacked in one column)."""
    stacks: list[list[_Line]] = []
    for line in _frame_lines(words, walls):
        for stack in reversed(stacks):
            last = stack[-1]
            if (0 < line.top - last.top <= 2.5 * last.size
                    and min(line.x1, last.x1) > max(line.x0, last.x0)):
                stack.append(line)
                break
        else:
            stacks.append([line])
    return [_block(stack, gap_ratio) for stack in stacks]


@dataclass
class _Line:
    words: list[Char]
    x0: float
    x1: float
    top: float
    size: float

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)


def walled(x0: float, x1: float, y: float, walls: Sequence[Span]) -> bool:
    """Does an upright wall (x0, x1, top, bottom) stand between x0 and x1 at height y?"""
    return any(x0 <= (a + b) / 2 <= x1 and top <= y <= bottom and bottom - top > b - a
               for a, b, top, bottom in walls)


def _frame_lines(words: Sequence[Char], walls: Sequence[Span] = ()) -> list[_Line]:
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        size = w["bottom"] - w["top"]
        mid = (w["top"] + w["bottom"]) / 2
        for line in reversed(lines[-8:]):
            if (abs(w["top"] - line.top) <= 0.5 * size and 0 <= w["x0"] - line.x1 <= 1.5 * size
                    and not walled(line.x1, w["x0"], mid, walls)):
                line.words.append(w)
                line.x1 = max(line.x1, w["x1"])
                break
        else:
            lines.append(_Line([w], w["x0"], w["x1"], w["top"], size))
    return sorted(lines, key=lambda ln: (ln.top, ln.x0))


def _block(stack: list[_Line], gap_ratio: float) -> Block:
    steps = [b.top - a.top for a, b in zip(stack, stack[1:])]
    closest = min(steps, default=0.0)
    paragraphs: list[list[str]] = [[stack[0].text]]
    for step, line in zip(steps, stack[1:]):
        if step > gap_ratio * closest:
            paragraphs.append([])
        paragraphs[-1].append(line.text)
    text = "\n\n".join(p for p in (join_paragraph(p) for p in paragraphs) if p)
    words = [w for line in stack for w in line.words]
    sizes = sorted(line.size for line in stack)
    return Block(text, min(w["x0"] for w in words), max(w["x1"] for w in words),
                 min(w["top"] for w in words), max(w["bottom"] for w in words),
                 sizes[len(sizes) // 2])
