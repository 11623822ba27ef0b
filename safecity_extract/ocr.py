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
from .layout import ColumnSpan
from .model import FLAG_OCR, FLAG_OCR_LOW, Row, Warning_
from .records import Rule, Word
from .raster import (PixelBox, PixelLine, dark_mask, estimate_skew, horizontal_lines,
                     ink_regions, line_mask, vertical_lines)
from .settings import Settings

INSTALL_HINT = ("pip install 'safecity-extract[ocr]' and install Tesseract "
                "(Debian/Ubuntu: apt install tesseract-ocr tesseract-ocr-eng)")
# The tolerances of reading a page image (deskew, rules, sizes, missed ink) are Settings.ocr_*.


@dataclass(frozen=True)
class OcrPage:
    words: tuple[Word, ...]
    rules: tuple[Rule, ...]
    skew: float  # degrees the scan was turned (counter-clockwise); the page was read upright
    # Ink OCR read no text from, even on its own: (x0, top, x1, bottom) in points.
    unread: tuple[tuple[float, float, float, float], ...] = ()


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


def words_from_data(data: Mapping[str, Sequence[Any]], scale: float,
                    size_snap: float = Settings.ocr_size_snap,
                    baseline_snap: float = Settings.ocr_baseline_snap) -> list[Word]:
    """Tesseract's ``image_to_data`` table -> words in PDF points (pixels times ``scale``).

    A word's own box is only its ink, so each word gets the box a text layer would give it:
    one font size tall, standing on its baseline. A word's font size is its ink height over
    the share of the em its letters cover, its baseline the bottom of its ink raised by a
    descender's depth if it has letters that descend. Both are noisy word by word, so the
    words of one Tesseract line take the line's median size and baseline (unless a word sits
    half a line away: another visual line), and a line's size within ``size_snap`` of the
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
        if usual and abs(em - usual) <= size_snap * usual:
            em = usual
        baseline = top + height - _ink_extent(text)[1] * em
        if key in line_base and abs(baseline - line_base[key]) <= baseline_snap * em:
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


def upright(image: Any, min_deskew: float = Settings.ocr_min_deskew) -> tuple[Any, float]:
    """(the greyscale image turned straight, the skew it had in degrees; a skew under
    ``min_deskew`` degrees is left alone)."""
    from PIL import Image

    grey = image.convert("L")
    skew = estimate_skew(dark_mask(np.asarray(grey)))
    if abs(skew) < min_deskew:
        return grey, 0.0
    return grey.rotate(-skew, resample=Image.Resampling.BICUBIC, fillcolor=255), skew


def page_lines(grey: Any, dpi: float, settings: Settings) -> list[PixelLine]:
    """Horizontal and vertical lines of an upright greyscale page image."""
    dark = dark_mask(np.asarray(grey))
    px = dpi / 72
    length = max(int(settings.raster_min_rule * px), 2)
    thick = max(int(settings.ocr_max_rule_thickness * px), 2)
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

    grey, skew = upright(image, settings.ocr_min_deskew)
    lines = page_lines(grey, dpi, settings)
    pixels = np.array(grey)
    pixels[line_mask(pixels.shape, lines)] = 255  # rules read as "|" and "_" otherwise
    data = _image_to_data(pytesseract, Image.fromarray(pixels), settings, settings.ocr_psm)
    unread = _read_missed_ink(pytesseract, Image, pixels, data, settings)
    scale = 72 / dpi
    return OcrPage(tuple(words_from_data(data, scale, settings.ocr_size_snap,
                                           settings.ocr_baseline_snap)),
                   rules_from_lines(lines, scale), skew,
                   tuple((round(x0 * scale, 2), round(y0 * scale, 2), round(x1 * scale, 2),
                          round(y1 * scale, 2)) for x0, y0, x1, y1 in unread))


def _image_to_data(pytesseract: Any, image: Any, settings: Settings, psm: int
                   ) -> dict[str, list[Any]]:
    data: dict[str, list[Any]] = pytesseract.image_to_data(
        image, lang=settings.ocr_language, config=f"--psm {psm}",
        output_type=pytesseract.Output.DICT)
    return data


def _read_missed_ink(pytesseract: Any, image_type: Any, pixels: Any,
                     data: dict[str, list[Any]], settings: Settings) -> list[PixelBox]:
    """Read again, one by one, the ink regions no word of ``data`` covers; their words are
    appended to ``data`` (as blocks of their own). Returns the regions that still gave no
    text, in pixels."""
    raw = _raw_words(data)
    if not raw:
        return []
    em = statistics.median(w.size for w in words_from_data(data, 1.0, settings.ocr_size_snap,
                                                          settings.ocr_baseline_snap))
    pad = round(settings.ocr_cover_pad * em)
    covered = [(left - pad, top - pad, left + width + pad, top + height + pad)
               for _key, _text, left, top, width, height, _conf in raw]
    block = max(1, round(settings.ocr_ink_block * em))
    regions = ink_regions(dark_mask(pixels), covered, block=block, join=settings.ocr_ink_join,
                          min_ink=round(settings.ocr_missed_min_ink * em * em),
                          min_height=round(settings.ocr_missed_min_height * em))
    unread = []
    margin = round(settings.ocr_crop_pad * em)
    height, width = pixels.shape
    for n, (x0, y0, x1, y1) in enumerate(regions):
        cx0, cy0 = max(x0 - margin, 0), max(y0 - margin, 0)
        cx1, cy1 = min(x1 + margin, width), min(y1 + margin, height)
        crop = pixels[cy0:cy1, cx0:cx1].copy()
        for bx0, by0, bx1, by1 in covered:  # read only the missed ink, not a neighbour's
            crop[max(by0 - cy0, 0):max(by1 - cy0, 0), max(bx0 - cx0, 0):max(bx1 - cx0, 0)] = 255
        found = _image_to_data(pytesseract, image_type.fromarray(crop), settings,
                               settings.ocr_region_psm)
        if not _append_words(data, found, cx0, cy0, block=100_000 + n):
            unread.append((x0, y0, x1, y1))
    return unread


def _append_words(data: dict[str, list[Any]], found: Mapping[str, Sequence[Any]], dx: int,
                  dy: int, block: int) -> bool:
    """Add the words of ``found`` (a crop's table, its origin at ``dx``, ``dy``) to ``data``
    under block number ``block``; True if there were any."""
    added = False
    for i in range(len(found["text"])):
        if int(found["level"][i]) != 5 or not str(found["text"][i]).strip():
            continue
        added = True
        for key in data:
            value = found[key][i]
            if key == "left":
                value = int(value) + dx
            elif key == "top":
                value = int(value) + dy
            elif key == "block_num":
                value = block
            data[key].append(value)
    return added


def low_confidence(words: Sequence[Word], threshold: float) -> list[Word]:
    """OCR words read with a confidence below ``threshold`` (born-digital words have none)."""
    return [w for w in words if w.confidence is not None and w.confidence < threshold]


def flag_ocr_rows(rows: Sequence[Row], ocr_pages: set[int],
                  weak: Sequence[tuple[int, Word]], layout: Sequence[ColumnSpan],
                  unread: Sequence[tuple[int, tuple[float, float, float, float]]] = ()
                  ) -> list[Warning_]:
    """Flag rows read (in part) from OCR pages ``ocr``, and ``ocr_low_confidence`` those with
    a low-confidence word or with ink OCR read no text from; returns one warning per such row
    naming the cells and what in them to check.

    A word or an unread patch of ink belongs to the row whose box holds its middle, in the
    column whose span does.
    """
    warnings: list[Warning_] = []
    for row in rows:
        if any(box.page in ocr_pages for box in row.boxes):
            row.flags = sorted(set(row.flags) | {FLAG_OCR})
        cells: dict[str, list[str]] = {}
        for page, word in weak:
            column = _cell_of(row, layout, page, word.xmid, word.ymid)
            if column is not None:
                cells.setdefault(column, []).append(f"{word.text!r} ({word.confidence:.0f})")
        for page, (x0, top, x1, bottom) in unread:
            column = _cell_of(row, layout, page, (x0 + x1) / 2, (top + bottom) / 2)
            if column is not None:
                cells.setdefault(column, []).append(
                    f"ink it read no text from at page {page} ({x0:.0f}, {top:.0f})")
        if cells:
            row.flags = sorted(set(row.flags) | {FLAG_OCR_LOW})
            detail = "; ".join(f"{name}: {', '.join(ws)}" for name, ws in cells.items())
            warnings.append(Warning_(row.page_start, f"row {row.row}: OCR was unsure, check "
                                     f"against the page: {detail}"))
    return warnings


def _cell_of(row: Row, layout: Sequence[ColumnSpan], page: int, x: float, y: float
             ) -> str | None:
    """The column of ``row`` whose cell holds the point (x, y) of ``page``, if any."""
    if not any(b.page == page and b.x0 <= x <= b.x1 and b.top <= y <= b.bottom
               for b in row.boxes):
        return None
    return next((c.name for c in layout if c.page == page and c.x0 <= x < c.x1), None)
