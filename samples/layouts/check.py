"""Is a drawn document unambiguous to a reader? Checks on the finished PDF.

A paragraph that ends exactly at a page break on a full line reads like a line that
wrapped; in a column set ragged, a line that wrapped after a finished sentence, short of
the column's edge, with a capitalised word at the top of the next page, reads like a
paragraph end. No reader can tell either from the other (the next page's text starts at
its top whichever it is), so such a document is redrawn with the page breaks moved
(build.py). The PDF's words are read with pypdfium2 (fast, and independent of the
extractor under test).
"""
from __future__ import annotations

import collections
import re
from pathlib import Path
from typing import Any

from .spec import Layout

Line = tuple[str, float, float, float, float]  # text, x0, x1, top, first word width


def _lines(words: list[dict[str, Any]]) -> list[Line]:
    rows: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - w["top"]) < 2:
            rows[-1].append(w)
        else:
            rows.append([w])
    out = []
    for ws in rows:
        ws.sort(key=lambda w: w["x0"])
        out.append((" ".join(w["text"] for w in ws), ws[0]["x0"], ws[-1]["x1"], ws[0]["top"],
                    ws[0]["x1"] - ws[0]["x0"]))
    return out


def read_words(pdf: Path) -> tuple[list[list[dict[str, Any]]], list[float]]:
    """Every page's words as dicts with text, x0, x1, top, bottom (top-left origin)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    pages, heights = [], []
    try:
        for page in doc:
            height = page.get_height()
            text = page.get_textpage()
            words: list[dict[str, Any]] = []
            current: dict[str, Any] | None = None
            for i in range(text.count_chars()):
                ch = text.get_text_range(i, 1)
                if not ch or ch.isspace():
                    current = None
                    continue
                left, bottom, right, top = text.get_charbox(i, loose=True)
                box = {"x0": left, "x1": right, "top": height - top, "bottom": height - bottom}
                if current is not None and abs(box["top"] - current["top"]) < 3 and (
                        box["x0"] - current["x1"] < 3.0):
                    current["text"] += ch
                    current["x1"] = max(current["x1"], box["x1"])
                    continue
                current = dict(box, text=ch)
                words.append(current)
            text.close()
            pages.append(words)
            heights.append(height)
            page.close()
    finally:
        doc.close()
    return pages, heights


def _page_size(layout: Layout) -> tuple[float, float]:
    w, h = (595.28, 841.89) if layout.page_size == "A4" else (612.0, 792.0)
    return (h, w) if layout.landscape else (w, h)


def column_spans(layout: Layout) -> list[tuple[str, float, float]]:
    """(key, x0, x1) of every column on the page, from the spec's margins and shares."""
    width = _page_size(layout)[0] - layout.margins[0] - layout.margins[1]
    x, out = layout.margins[0], []
    for c in layout.columns:
        out.append((c.key, x, x + c.width * width))
        x += c.width * width
    return out


def paragraph_breaks(layout: Layout) -> list[tuple[str, str]]:
    """(end of one paragraph, start of the next) for every paragraph break in the truth."""
    out = []
    for r in layout.rows:
        for key in [c.key for c in layout.columns]:
            paras = [p.split("\n")[-1] for p in r.cell(key).split("\n\n")]
            starts = [p.split("\n")[0] for p in r.cell(key).split("\n\n")]
            out += list(zip(paras[:-1], starts[1:]))
    return out


def _inside(w: dict[str, Any], x0: float, x1: float, layout: Layout, height: float) -> bool:
    """Is the word inside the column and the page's text block (not a margin line)?"""
    return (x0 + 0.5 <= w["x0"] and w["x1"] <= x1 + 0.5 and layout.margins[2] - 2 <= w["top"]
            and w["bottom"] <= height - layout.margins[3] + 2)


_SENTENCE_END = re.compile(r"[.!?…][\"'’”)\]]*$")


def reads_as_paragraph_end(last: str, first: str) -> bool:
    """Does a line ending ``last`` followed by one starting ``first`` read as a paragraph
    end: a finished sentence, then a capitalised word?"""
    start = first.lstrip("\"'‘“(")
    return bool(_SENTENCE_END.search(last.rstrip())) and start[:1].isupper()


def wraps(layout: Layout, key: str) -> str:
    """Column ``key``'s truth text, paragraphs ended by NUL and lines by SOH, so that a
    search for "words words" finds a wrap inside a line of the truth only."""
    return "\0".join(r.cell(key).replace("\n\n", "\0").replace("\n", "\1")
                      for r in layout.rows)


def ambiguous_breaks(pdf: Path, layout: Layout) -> list[str]:
    """Page breaks where a paragraph of the truth ends on a full line (reads as a wrap), or
    a ragged column's line wraps after a finished sentence more than an em short of the
    column's edge, before a capitalised word (reads as a paragraph end)."""
    breaks = paragraph_breaks(layout)
    found = []
    pages, heights = read_words(pdf)
    for n in range(len(pages) - 1):
        for key, x0, x1 in column_spans(layout):
            before = _lines([w for w in pages[n]
                             if _inside(w, x0, x1, layout, heights[n])])
            after = _lines([w for w in pages[n + 1]
                            if _inside(w, x0, x1, layout, heights[n + 1])])
            if not before or not after:
                continue
            last = before[-1]
            limit = x1 - layout.pad_h
            ragged = not layout.justified and limit - last[2] > layout.font_size
            for first in after[:6]:  # the first lines may be a repeated header's
                joined = " ".join(last[0].split()[-2:] + first[0].split()[:2])
                if (ragged and reads_as_paragraph_end(last[0], first[0])
                        and joined in wraps(layout, key)):
                    found.append(f"page {n + 1}/{n + 2} {key}: wrap after a sentence "
                                 f"{last[0][-30:]!r} | {first[0][:30]!r}")
                full = last[2] + 0.25 * layout.font_size + first[4] > limit - 1
                if full and any(end.endswith(last[0]) and start.startswith(first[0])
                                for end, start in breaks):
                    found.append(f"page {n + 1}/{n + 2} {key}: {last[0][-30:]!r} | "
                                 f"{first[0][:30]!r}")
    return found


def _column_stream(pages: list[list[dict[str, Any]]], heights: list[float], layout: Layout,
                   x0: float, x1: float) -> list[tuple[str, int]]:
    """Every non-space character inside one column's span, page by page in reading order,
    with its page index (symbol bullets read as the bullet they stand for)."""
    out: list[tuple[str, int]] = []
    for n, words in enumerate(pages):
        inside = [w for w in words if _inside(w, x0, x1, layout, heights[n])]
        for line in _lines(inside):
            out += [("•" if ch == "\uf0b7" else ch, n) for ch in line[0] if not ch.isspace()]
    return out


def _find(stream: list[tuple[str, int]], text: str, start: int) -> int:
    """Index in ``stream`` where ``text`` (no spaces) begins at or after ``start``, or -1."""
    chars = "".join(ch for ch, _ in stream)
    return chars.find(text, start)


def row_pages(pdf: Path, layout: Layout) -> list[tuple[int, int]]:
    """(first page, last page), 1-based, of every truth row as the produced PDF shows it.

    Read from the PDF's characters column by column, independently of the extractor: a
    row starts where the start of its Action cell is found (searching on from the row
    before), and ends on the page of the last characters of whichever cell runs longest.
    The priority column is read only when every row prints its priority."""
    pages, heights = read_words(pdf)
    spans = [(key, x0, x1) for key, x0, x1 in column_spans(layout)
             if key != "priority" or layout.priority_mode == "every"]
    streams = {key: _column_stream(pages, heights, layout, x0, x1) for key, x0, x1 in spans}
    pos = dict.fromkeys(streams, 0)
    out: list[tuple[int, int]] = []
    for i, row in enumerate(layout.rows):
        first, last = None, None
        for key, stream in streams.items():
            text = "".join(row.cell(key).split())
            if not text:
                continue
            head = text[:12]
            at = _find(stream, head, pos[key])
            if at < 0:
                raise RuntimeError(f"{layout.doc_id}: row {i + 1} {key} not found in the PDF")
            tail = text[-12:]
            end = _find(stream, tail, at + max(0, len(text) - 12 - 40))
            end = at + len(head) - 1 if end < 0 else end + len(tail) - 1
            pos[key] = end + 1
            if key == "action":
                first = stream[at][1]
            last = stream[end][1] if last is None else max(last, stream[end][1])
        assert first is not None and last is not None
        out.append((first + 1, last + 1))
    return out


def merged_continuation(layout: Layout, spans: list[tuple[int, int]]) -> dict[str, int] | None:
    """Family 4's situation, if the drawing has it: a priority group begins on a page whose
    top row is the continuation of a row from the page before. Rows are 1-based."""
    from .rows import groups

    starts = [g[0] for g in groups(list(layout.rows))[1:]]
    for j in starts:
        page = spans[j][0]
        carried = [i for i in range(j) if spans[i][0] < page <= spans[i][1]]
        if carried:
            return {"page": page, "continued_row": carried[-1] + 1, "group_row": j + 1}
    return None


_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text: str) -> collections.Counter[str]:
    return collections.Counter(_TOKEN.findall(text))


def _body_char(obj: dict[str, Any]) -> bool:
    """Is a page object not a watermark's glyph (turned, or drawn in a light colour)?"""
    if obj.get("object_type") != "char":
        return True
    colour = obj.get("non_stroking_color")
    values = colour if isinstance(colour, (list, tuple)) else [colour]
    light = bool(values) and all(isinstance(v, (int, float)) and v > 0.6 for v in values)
    return bool(obj.get("upright")) and not light


def _page_texts(pdf: Path) -> str:
    """The PDF's words as pdfplumber reads them, watermark glyphs left out (pdfium's text
    of a Chromium PDF puts a line break between most glyphs, splitting its words)."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        return "\n".join(" ".join(w["text"] for w in page.filter(_body_char).extract_words())
                         for page in doc.pages)


def lost_words(pdf: Path, layout: Layout) -> list[str]:
    """Words of the truth that the drawing does not hold: a producer that clips a row
    taller than a page (LibreOffice with rows kept whole) draws less than the truth says,
    and no reader could find the rest. Counted as letters-and-digits tokens, so a word
    broken at a hyphen and a bullet glyph do not count as lost; a priority drawn once
    per group (section row, heading, merged cell) is asked for once, and text turned on
    its side not at all (its characters are not read in order). A word glued to one of the
    next column's ("APartners": words in tight columns read as one) is not lost. The
    words are read with pdfium first (fast; but it splits Chromium's words and reads
    watermark glyphs into them) and, when that finds any lost, again with pdfplumber."""
    lost = _short(_tokens(_pdfium_text(pdf)), layout)
    return _short(_tokens(_page_texts(pdf)), layout) if lost else lost


def _pdfium_text(pdf: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        texts = []
        for page in doc:
            text = page.get_textpage()
            texts.append(text.get_text_range())
            text.close()
            page.close()
        return "\n".join(texts)
    finally:
        doc.close()


def _short(drawn: collections.Counter[str], layout: Layout) -> list[str]:
    """The truth's tokens that ``drawn`` lacks (see ``lost_words``)."""
    wanted: collections.Counter[str] = collections.Counter()
    priorities: set[str] = set()
    for r in layout.rows:
        for c in layout.columns:
            if c.key != "priority":
                wanted += _tokens(r.cell(c.key))
            elif layout.priority_mode != "rotated":
                priorities |= set(_tokens(r.cell(c.key)))
        if layout.priority_mode in ("section", "heading"):
            priorities |= set(_tokens(r.priority))
    short = wanted - drawn
    for token in list(short):  # glued to a neighbour in a tight column: "APartners"
        glued = sum(n for d, n in drawn.items() if d != token and token in d)
        short[token] -= min(short[token], glued)
    return sorted((+short).elements()) + sorted(p for p in priorities if p not in drawn)
