"""A link annotation's area -> the words it covers: as printed, or moved up or down to the
one line where whole words fill its width.

A writer may put a link's area off its text: Chromium, printing a table whose header repeats
on each page, writes the areas of those pages one header box lower than their words (x is
right). So an area is checked against the characters: does it cover whole words, edge to
edge? When it cuts through words or covers none, the lines where a run of whole words starts
and ends at its x-range are found (pdf.py, from the chars); grid.py picks one of them,
preferring the move by the height of the page's header row, or reports the link.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

Char = dict[str, Any]  # a pdfplumber char record (text, x0, x1, top, bottom, size)

EXACT, WHOLE, CUT = "exact", "whole", "cut"


@dataclass(frozen=True, slots=True)
class LinkFit:
    """Whole words on another line of the page that the link's area, moved down by ``dy``
    points (up when negative), would cover edge to edge."""

    dy: float
    text: str


@dataclass(frozen=True, slots=True)
class LinkArea:
    uri: str
    text: str  # the characters under the link area, words joined by one space
    x0: float
    x1: float
    top: float
    bottom: float
    # How the area covers its text: EXACT (a run of whole words on one line, edge to edge),
    # WHOLE (whole words, with room around them or over several lines), CUT (through a word,
    # or no text at all).
    cover: str = EXACT
    fits: tuple[LinkFit, ...] = ()  # where it would cover whole words exactly, when not EXACT
    moved: bool = False             # placed by one of its fits, not where it was printed


# --- the characters (pdf.py) ---------------------------------------------------------------


def char_lines(chars: Sequence[Char], line_gap: float) -> list[list[Char]]:
    """Upright chars in lines (tops within ``line_gap`` of the line's first), left to right."""
    lines: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and c["top"] - lines[-1][0]["top"] <= line_gap:
            lines[-1].append(c)
        else:
            lines.append([c])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _split(a: Char, b: Char, gap: float) -> bool:
    """Do neighbouring chars ``a`` and ``b`` lie in different words, or is one of them
    punctuation (a link may end before the full stop glued to its word)?"""
    return (b["x0"] - a["x1"] > gap or a["text"].isspace() or b["text"].isspace()
            or not (a["text"].isalnum() and b["text"].isalnum()))


def _starts(line: Sequence[Char], k: int, gap: float) -> bool:
    return not line[k]["text"].isspace() and (k == 0 or _split(line[k - 1], line[k], gap))


def _ends(line: Sequence[Char], k: int, gap: float) -> bool:
    return (not line[k]["text"].isspace()
            and (k == len(line) - 1 or _split(line[k], line[k + 1], gap)))


def spaced(run: Sequence[Char], gap: float) -> str:
    """The text of chars on one line, one space between words."""
    out = ""
    for prev, c in zip([None, *run], run):
        if prev is not None and (c["x0"] - prev["x1"] > gap or prev["text"].isspace()):
            out = out.rstrip() + " "
        out += "" if c["text"].isspace() else c["text"]
    return out.strip()


def _under(c: Char, box: Sequence[float], slack: float) -> bool:
    x0, x1, top, bottom = box
    xmid, ymid = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return bool(x0 - slack <= xmid <= x1 + slack and top - slack <= ymid <= bottom + slack)


def _near(c: Char, edge: str, x: float, em_slack: float) -> bool:
    """Is the char's ``edge`` ("x0" or "x1") within ``em_slack`` of its font size of x?"""
    size = float(c.get("size") or (c["bottom"] - c["top"]))
    return abs(float(c[edge]) - x) <= em_slack * size


def _edges_fit(first: Char, last: Char, box: Sequence[float], em_slack: float) -> bool:
    return _near(first, "x0", box[0], em_slack) and _near(last, "x1", box[1], em_slack)


def cover(lines: Sequence[Sequence[Char]], box: Sequence[float], slack: float, gap: float,
          em_slack: float) -> str:
    """EXACT, WHOLE or CUT: how the area ``box`` (x0, x1, top, bottom) covers the chars
    whose centres lie in it (``slack``: reach of the area; ``em_slack``: of its x edges)."""
    runs = []
    for line in lines:
        ks = [k for k, c in enumerate(line) if _under(c, box, slack) and not c["text"].isspace()]
        if ks:
            if not (_starts(line, ks[0], gap) and _ends(line, ks[-1], gap)):
                return CUT
            runs.append((line[ks[0]], line[ks[-1]]))
    if not runs:
        return CUT
    return EXACT if len(runs) == 1 and _edges_fit(*runs[0], box, em_slack) else WHOLE


def fits(lines: Sequence[Sequence[Char]], box: Sequence[float], slack: float, gap: float,
         em_slack: float) -> tuple[LinkFit, ...]:
    """Each line the area does not reach where a run of whole words starts at its x0 and
    ends at its x1 (within ``em_slack`` of the run's font size): the move and the words."""
    x0, x1, top, bottom = box
    mid = (top + bottom) / 2
    out = []
    for line in lines:
        if any(_under(c, box, slack) for c in line):
            continue
        firsts = [k for k in range(len(line))
                  if _starts(line, k, gap) and _near(line[k], "x0", x0, em_slack)]
        if not firsts:
            continue
        a = firsts[0]
        lasts = [k for k in range(a, len(line))
                 if _ends(line, k, gap) and _near(line[k], "x1", x1, em_slack)]
        if lasts:
            b = min(lasts, key=lambda k: abs(line[k]["x1"] - x1))
            ymid = sum((c["top"] + c["bottom"]) / 2 for c in line[a:b + 1]) / (b + 1 - a)
            out.append(LinkFit(round(ymid - mid, 2), spaced(line[a:b + 1], gap)))
    return tuple(out)


# --- the choice (grid.py) ------------------------------------------------------------------


def place(link: LinkArea, shift: float | None, slack: float) -> tuple[LinkArea | None, str]:
    """Where the link is read: as printed, moved by one of its fits, or nowhere (with the
    problem, for a warning). A move by ``shift`` (the page's header row height, within
    ``slack``) is preferred; any other only when the printed area cuts through words or
    covers none and that fit is the only one. Returns (the link or None, problem or "")."""
    if link.cover == EXACT:
        return link, ""
    by_shift = [f for f in link.fits if shift is not None and abs(abs(f.dy) - shift) <= slack]
    if len(by_shift) == 1:
        return _moved(link, by_shift[0]), ""
    if link.cover == WHOLE:
        return link, ""
    if len(link.fits) == 1:
        return _moved(link, link.fits[0]), ""
    what = f"on {link.text!r} cuts through words" if link.text else "covers no text"
    where = (f"; whole words would fit its width on {len(link.fits)} other lines"
             if link.fits else "")
    return None, f"link {link.uri!r} {what}{where}: left out"


def _moved(link: LinkArea, fit: LinkFit) -> LinkArea:
    return replace(link, text=fit.text, top=link.top + fit.dy, bottom=link.bottom + fit.dy,
                   cover=EXACT, fits=(), moved=True)
