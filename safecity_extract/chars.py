"""pdfplumber's characters (plain dicts) -> the characters a reader sees on the page.

Pure functions on the char records pdfplumber gives (``text``, ``x0``, ``x1``, ``top``,
``bottom``, ``size``, ``matrix``, colours): the second copy of a glyph drawn twice ("fake
bold") is dropped, and private-use bullet glyphs of the Symbol and Wingdings fonts become "•".
"""
from __future__ import annotations

import re
from operator import itemgetter
from typing import Any, Iterable, Sequence

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
