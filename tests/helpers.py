"""Hand-made page inputs for unit tests of the pure steps."""
from __future__ import annotations

from safecity_extract.cells import Line
from safecity_extract.pdf import PageData, Rule, Word

CHAR_W = 5.0  # every character 5 points wide, every line 12 points apart


def words(text: str, x: float, top: float, size: float = 10.0) -> list[Word]:
    """The words of one line of text starting at x, as pdfplumber would give them."""
    out, cursor = [], x
    for token in text.split(" "):
        width = CHAR_W * len(token)
        out.append(Word(token, cursor, cursor + width, top, top + size, size))
        cursor += width + CHAR_W
    return out


def line(text: str, x: float, top: float, size: float = 10.0) -> Line:
    ws = words(text, x, top, size)
    return Line(text, ws[0].x0, ws[-1].x1, top, top + size, size, ws[0].x1 - ws[0].x0)


def hrule(y: float, x0: float, x1: float) -> Rule:
    return Rule("h", x0, x1, y, y)


def vrule(x: float, top: float, bottom: float) -> Rule:
    return Rule("v", x, x, top, bottom)


def page(ws: list[Word], rules: list[Rule] = (), number: int = 1,
         width: float = 600, height: float = 800) -> PageData:
    return PageData(number, width, height, tuple(ws), tuple(rules), ())
