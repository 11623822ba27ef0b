"""A scanned page image -> the same words and rules a born-digital page gives.

The page is turned upright (skew measured by ``raster``), its drawn lines are found and
erased, and Tesseract reads the rest (``image_to_data``: word boxes with confidences). Boxes
go from pixels to PDF points, so grid, cells and stitch work on OCR pages unchanged. The text
is Tesseract's as read; nothing here corrects it. Needs the ``[ocr]`` extra (pytesseract) and
the ``tesseract`` program with its English data.
"""
from __future__ import annotations

import os
import shutil
import statistics
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import OcrUnavailable
from .model import FLAG_OCR, FLAG_OCR_LOW, ColumnSpan, Row, Warning_
from .pdf import Rule, Word
from .raster import (PixelLine, dark_mask, estimate_skew, horizontal_lines, line_mask,
                     vertical_lines)
from .settings import Settings

INSTALL_HINT = ("pip install 'safecity-extract[ocr]' and install Tesseract "
                "(Debian/Ubuntu: apt install tesseract-ocr tesseract-ocr-eng)")
# Skew below this (degrees) is left alone: turning the image would only blur it.
MIN_DESKEW = 0.05
# Lines thicker than this (points) are filled bands of shading, not rules.
MAX_RULE_THICKNESS = 2.5
# OCR'd text lines whose size is within this fraction of the page's usual size are that size.
SIZE_SNAP = 0.1


@dataclass(frozen=True)
class OcrPage:
    words: tuple[Word, ...]
    rules: tuple[Rule, ...]
    skew: float  # degrees the scan was turned (counter-clockwise); the page was read upright


def ensure_available(path: str, page: int | None = None) -> None:
    """Raise OcrUnavailable (one line: what to install) unless pytesseract and the tesseract
    program can both be found."""
    try:
        import pytesseract  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise OcrUnavailable(path, page, INSTALL_HINT) from None
    command = getattr(pytesseract.pytesseract, "tesseract_cmd", "tesseract")
    if shutil.which(command) is None:
        raise OcrUnavailable(path, page, INSTALL_HINT)


# --- Tesseract's table -> words ------------------------------------------------------------


# Where a word's ink box sits on its line depends on its letters: "one" is x-height tall,
# "Hampshire" reaches from ascender to descender. Fractions of the font size (em), close to
# Helvetica/Arial and Times alike; used to rebuild the font-size box a text layer would give.
_DESCENDERS = frozenset("gjpqy()[]{}|")
_FLAT = frozenset("acemnorsuvwxz")  # lower case letters with neither ascender nor descender
_X_HEIGHT, _CAP_HEIGHT, _DESCENT = 0.52, 0.72, 0.21
_ASCENT = 1.0 - _DESCENT  # a text-layer glyph box: one em tall, its bottom at the descent


def _ink_extent(text: str) -> tuple[float, float]:
    """(how far the word's ink rises above its baseline, how far it falls below), in em."""
    letters = [c for c in text if c.isalnum() or c in _DESCENDERS]
    rises = _X_HEIGHT if letters and all(c in _FLAT or c in _DESCENDERS for c in letters) \
        else _CAP_HEIGHT
    falls = _DESCENT if any(c in _DESCENDERS for c in text) else 0.0
    return rises, falls


def words_from_data(data: Mapping[str, Sequence[Any]], scale: float) -> list[Word]:
    """Tesseract's ``image_to_data`` table -> words in PDF points (pixels times ``scale``).

    A word's own box is only its ink, so each word gets the box a text layer would give it:
    one font size tall, standing on its baseline. A word's font size is its ink height over
    the share of the em its letters cover, its baseline the bottom of its ink raised by a
    descender's depth if it has letters that descend. Both are noisy word by word, so the
    words of one Tesseract line take the line's median size and baseline (unless a word sits
    half a line away: another visual line), and a line's size within ``SIZE_SNAP`` of the
    page's usual size takes that size: body text is one size, and lines whose boxes grew by
    a misread word would swallow the next line.
    """
    words = _raw_words(data)
    by_line: dict[tuple[int, ...], list[tuple[float, float]]] = {}  # (em, baseline) per word
    for key, text, _left, top, _width, height, _conf in words:
        rises, falls = _ink_extent(text)
        if any(c.isalnum() for c in text):
            em = height / (rises + falls)
            by_line.setdefault(key, []).append((em, top + height - falls * em))
    line_em = {key: statistics.median(e for e, _ in v) for key, v in by_line.items()}
    line_base = {key: statistics.median(b for _, b in v) for key, v in by_line.items()}
    usual = statistics.median([line_em[k] for k, *_ in words if k in line_em] or [0.0])
    out = []
    for key, text, left, top, width, height, conf in words:
        em = line_em.get(key) or height / sum(_ink_extent(text))
        if usual and abs(em - usual) <= SIZE_SNAP * usual:
            em = usual
        baseline = top + height - _ink_extent(text)[1] * em
        if key in line_base and abs(baseline - line_base[key]) <= 0.5 * em:
            baseline = line_base[key]
        out.append(Word(text, round(left * scale, 2), round((left + width) * scale, 2),
                        round((baseline - _ASCENT * em) * scale, 2),
                        round((baseline + _DESCENT * em) * scale, 2), round(em * scale, 2),
                        confidence=conf))
    return out


def _raw_words(data: Mapping[str, Sequence[Any]]
               ) -> list[tuple[tuple[int, ...], str, int, int, int, int, float]]:
    """(line key, text, left, top, width, height, confidence) of each non-empty word."""
    out = []
    for i in range(len(data["text"])):
        text = str(data["text"][i]).strip()
        if int(data["level"][i]) == 5 and text:
            out.append((_line_key(data, i), text, int(data["left"][i]), int(data["top"][i]),
                        int(data["width"][i]), int(data["height"][i]), float(data["conf"][i])))
    return out


def _line_key(data: Mapping[str, Sequence[Any]], i: int) -> tuple[int, ...]:
    return (int(data["page_num"][i]), int(data["block_num"][i]), int(data["par_num"][i]),
            int(data["line_num"][i]))


def rules_from_lines(lines: Sequence[PixelLine], scale: float) -> tuple[Rule, ...]:
    """Pixel lines -> rules in points, drawn along the middle of each line as vector edges
    are (a horizontal rule has top == bottom)."""
    out = []
    for ln in lines:
        if ln.orientation == "h":
            y = (ln.y0 + ln.y1 + 1) / 2 * scale
            out.append(Rule("h", round(ln.x0 * scale, 2), round((ln.x1 + 1) * scale, 2),
                            round(y, 2), round(y, 2), ln.filled))
        else:
            x = (ln.x0 + ln.x1 + 1) / 2 * scale
            out.append(Rule("v", round(x, 2), round(x, 2), round(ln.y0 * scale, 2),
                            round((ln.y1 + 1) * scale, 2), ln.filled))
    return tuple(sorted(out, key=lambda r: (r.orientation, r.top, r.x0, r.bottom, r.x1,
                                            r.shading)))


# --- one page ------------------------------------------------------------------------------


def upright(image: Any) -> tuple[Any, float]:
    """(the greyscale image turned straight, the skew it had in degrees)."""
    from PIL import Image

    grey = image.convert("L")
    skew = estimate_skew(dark_mask(np.asarray(grey)))
    if abs(skew) < MIN_DESKEW:
        return grey, 0.0
    return grey.rotate(-skew, resample=Image.Resampling.BICUBIC, fillcolor=255), skew


def page_lines(grey: Any, dpi: float, settings: Settings) -> list[PixelLine]:
    """Horizontal and vertical lines of an upright greyscale page image."""
    dark = dark_mask(np.asarray(grey))
    px = dpi / 72
    length = max(int(settings.raster_min_rule * px), 2)
    thick = max(int(MAX_RULE_THICKNESS * px), 2)
    return horizontal_lines(dark, length, thick) + vertical_lines(dark, length, thick)


def read_image(image: Any, dpi: float, settings: Settings, path: str = "",
               page: int | None = None) -> OcrPage:
    """Words and rules of a page image rendered at ``dpi`` (pixels per inch), in points."""
    ensure_available(path, page)
    import pytesseract  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from PIL import Image

    # One thread per page: Tesseract's OpenMP threads only fight each other (and the batch
    # workers, one per core) for the cores. A value the caller set is kept.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    grey, skew = upright(image)
    lines = page_lines(grey, dpi, settings)
    pixels = np.array(grey)
    pixels[line_mask(pixels.shape, lines)] = 255  # rules read as "|" and "_" otherwise
    data = pytesseract.image_to_data(Image.fromarray(pixels), lang=settings.ocr_language,
                                     config=f"--psm {settings.ocr_psm}",
                                     output_type=pytesseract.Output.DICT)
    scale = 72 / dpi
    return OcrPage(tuple(words_from_data(data, scale)), rules_from_lines(lines, scale), skew)


def low_confidence(words: Sequence[Word], threshold: float) -> list[Word]:
    """OCR words read with a confidence below ``threshold`` (born-digital words have none)."""
    return [w for w in words if w.confidence is not None and w.confidence < threshold]


def flag_ocr_rows(rows: Sequence[Row], ocr_pages: set[int],
                  weak: Sequence[tuple[int, Word]], layout: Sequence[ColumnSpan]
                  ) -> list[Warning_]:
    """Flag rows read (in part) from OCR pages ``ocr``, and those with a low-confidence word
    ``ocr_low_confidence``; returns one warning per such row naming its weak cells and words.

    A weak word belongs to the row whose box holds its middle, in the column whose span does.
    """
    warnings: list[Warning_] = []
    for row in rows:
        if any(box.page in ocr_pages for box in row.boxes):
            row.flags = sorted(set(row.flags) | {FLAG_OCR})
        cells: dict[str, list[str]] = {}
        for page, word in weak:
            box = next((b for b in row.boxes if b.page == page and b.x0 <= word.xmid <= b.x1
                        and b.top <= word.ymid <= b.bottom), None)
            column = next((c.name for c in layout if c.page == page
                           and c.x0 <= word.xmid < c.x1), None) if box else None
            if column is not None:
                cells.setdefault(column, []).append(f"{word.text!r} ({word.confidence:.0f})")
        if cells:
            row.flags = sorted(set(row.flags) | {FLAG_OCR_LOW})
            detail = "; ".join(f"{name}: {', '.join(ws)}" for name, ws in cells.items())
            warnings.append(Warning_(row.page_start, f"row {row.row}: OCR read words with "
                                     f"low confidence, check them: {detail}"))
    return warnings
