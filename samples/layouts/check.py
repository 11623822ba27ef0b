"""Is a drawn document unambiguous to a reader? Checks on the finished PDF.

A paragraph that ends exactly at a page break on a full line reads like a line that
wrapped: no reader can tell the two apart, so such a document is redrawn with the page
breaks moved (build.py). The PDF's words are read with pypdfium2 (fast, and independent
of the extractor under test).
"""
from __future__ import annotations

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


def ambiguous_breaks(pdf: Path, layout: Layout) -> list[str]:
    """Page breaks where a paragraph of the truth ends on a full line (reads as a wrap)."""
    breaks = paragraph_breaks(layout)
    if not breaks:
        return []
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
            for first in after[:6]:
                full = last[2] + 0.25 * layout.font_size + first[4] > limit - 1
                if full and any(end.endswith(last[0]) and start.startswith(first[0])
                                for end, start in breaks):
                    found.append(f"page {n + 1}/{n + 2} {key}: {last[0][-30:]!r} | "
                                 f"{first[0][:30]!r}")
    return found
