"""How wrapped lines of text join into one piece: the hyphen, soft-hyphen and bullet rules.

Shared by the cell text rules (cells.py) and by the reading of rotated text (chars.py),
whose lines are joined before the grid sees them.
"""
from __future__ import annotations

import re
from typing import Sequence

SOFT_HYPHEN = "\u00ad"
HYPHENS = ("-", "\u2010")  # hyphen-minus and the typographic hyphen; never dashes
# Glyphs that open a list item. Dashes are left out: a wrapped " – " must not start a list.
BULLETS = frozenset("•◦▪▫●○■□➢►✓·\uf0b7\uf0a7\uf076\uf0d8")


def join_two(left: str, right: str) -> str:
    """Join a wrapped line to the next one following the hyphen rules."""
    if not left:
        return right
    if not right:
        return left
    if left.endswith(SOFT_HYPHEN):
        return left[:-1] + right
    if left.endswith(HYPHENS) and len(left) > 1 and left[-2].isalnum():
        return left + right
    return left + " " + right


def is_bullet(text: str) -> bool:
    return bool(text) and text[0] in BULLETS


def join_paragraph(texts: Sequence[str]) -> str:
    """Join one paragraph's lines; a line opening with a bullet glyph starts a new line."""
    out = ""
    for text in texts:
        text = tidy(text)
        if not text:
            continue
        if out and is_bullet(text):
            out = out.removesuffix(SOFT_HYPHEN) + "\n" + text
        else:
            out = join_two(out, text)
    return out


def tidy(text: str) -> str:
    """Collapse runs of spaces and strip the ends; keeps every other character as printed."""
    return re.sub(r"[ \t\u00a0]{2,}", " ", text.replace("\u00a0", " ")).strip()
