"""Line detection and skew on hand-made page images (numpy arrays), no OCR needed."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from safecity_extract.ocr import rules_from_lines, upright
from safecity_extract.raster import (PixelLine, dark_mask, estimate_skew, horizontal_lines,
                                     ink_regions, line_mask, otsu_threshold, vertical_lines)

W, H = 1600, 600  # about an A4 page's width at 200 dpi


def grid_image(angle: float = 0.0, text: bool = False) -> Image.Image:
    """A 3 x 3 grid of 2-pixel lines on white, optionally with rows of text-like blobs,
    turned ``angle`` degrees counter-clockwise."""
    im = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(im)
    for y in (100, 250, 400, 550):
        draw.rectangle((100, y, 1500, y + 1), fill=0)
    for x in (100, 500, 1000, 1500):
        draw.rectangle((x, 100, x + 1, 551), fill=0)
    if text:
        for y in range(120, 540, 20):
            if 240 <= y <= 260 or 390 <= y <= 410:
                continue
            for x in range(110, 1480, 14):
                if not any(x0 - 12 < x < x0 + 4 for x0 in (500, 1000)):
                    draw.rectangle((x, y, x + 8, y + 9), fill=30)
    return im.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def test_otsu_splits_ink_from_paper():
    grey = np.full((10, 10), 230, dtype=np.uint8)
    grey[:3] = 20
    level = otsu_threshold(grey)
    assert 20 <= level < 230
    assert dark_mask(grey).sum() == 30


def test_blank_page_has_no_ink_and_no_skew():
    grey = np.full((50, 80), 250, dtype=np.uint8)
    assert not dark_mask(grey).any()
    assert estimate_skew(dark_mask(grey)) == 0.0


def test_lines_of_a_straight_grid():
    dark = dark_mask(np.asarray(grid_image()))
    hs = horizontal_lines(dark, 50, 6)
    vs = vertical_lines(dark, 50, 6)
    assert [(ln.y0, ln.y1) for ln in hs] == [(100, 101), (250, 251), (400, 401), (550, 551)]
    assert all((ln.x0, ln.x1) == (100, 1501) for ln in hs)
    assert [(ln.x0, ln.x1) for ln in vs] == [(100, 101), (500, 501), (1000, 1001), (1500, 1501)]
    assert all((ln.y0, ln.y1) == (100, 551) for ln in vs)


def test_text_blobs_are_not_lines():
    dark = dark_mask(np.asarray(grid_image(text=True)))
    assert len(horizontal_lines(dark, 50, 6)) == 4
    assert len(vertical_lines(dark, 50, 6)) == 4


def test_short_strokes_and_thick_bands():
    grey = np.full((200, 400), 255, dtype=np.uint8)
    grey[20:22, 10:40] = 0        # 30 px: shorter than the minimum
    grey[60:62, 10:300] = 0       # a rule
    grey[100:140, 10:300] = 90    # a dark band 40 px thick: shading, two edges
    found = horizontal_lines(dark_mask(grey), 100, 6)
    assert [(ln.y0, ln.y1, ln.filled) for ln in found] == [(60, 61, False), (100, 100, True),
                                                           (139, 139, True)]
    assert vertical_lines(dark_mask(grey), 100, 6) == []  # the band's sides are not rules


def test_bold_letters_run_together_are_not_a_rule():
    grey = np.full((100, 300), 255, dtype=np.uint8)
    grey[40:44, 20:200] = 0       # a solid run as long and thin as a rule ...
    for x in range(20, 200, 10):  # ... through letters: their stems above and below it
        grey[30:40, x:x + 7] = 0
        grey[44:54, x:x + 7] = 0
    assert horizontal_lines(dark_mask(grey), 100, 6) == []
    grey[30:40] = grey[44:54] = 255
    assert len(horizontal_lines(dark_mask(grey), 100, 6)) == 1  # the same run alone: a rule


def test_a_broken_line_is_one_line():
    grey = np.full((50, 400), 255, dtype=np.uint8)
    grey[20:22, 10:390] = 0
    grey[20:22, 200:202] = 255   # a 2-pixel break, as a speckled scan gives
    found = horizontal_lines(dark_mask(grey), 100, 6, gap=2)
    assert [(ln.x0, ln.x1) for ln in found] == [(10, 389)]


@pytest.mark.parametrize("angle", [-1.0, -0.5, -0.2, 0.3, 0.5, 1.0])
def test_skew_of_a_turned_grid_with_text(angle):
    dark = dark_mask(np.asarray(grid_image(angle, text=True)))
    assert estimate_skew(dark) == pytest.approx(angle, abs=0.05)


@pytest.mark.parametrize("angle", [-1.0, 0.5])
def test_a_turned_page_is_read_upright(angle):
    straight, skew = upright(grid_image(angle))
    assert skew == pytest.approx(angle, abs=0.05)
    dark = dark_mask(np.asarray(straight))
    hs, vs = horizontal_lines(dark, 50, 6), vertical_lines(dark, 50, 6)
    assert len(hs) == 4 and len(vs) == 4
    assert all(ln.x1 - ln.x0 > 1390 and ln.thickness <= 5 for ln in hs)
    assert all(ln.y1 - ln.y0 > 440 and ln.thickness <= 5 for ln in vs)


def test_a_slightly_turned_line_is_found_without_deskewing():
    dark = dark_mask(np.asarray(grid_image(0.2)))
    hs = horizontal_lines(dark, 50, 6)
    assert len(hs) == 4 and all(ln.length > 1390 for ln in hs)


def test_rules_in_points_and_the_erase_mask():
    lines = [PixelLine("h", 100, 699, 200, 203), PixelLine("v", 300, 301, 100, 499),
             PixelLine("h", 0, 9, 0, 0, filled=True)]
    rules = rules_from_lines(lines, 72 / 200)
    h = next(r for r in rules if r.orientation == "h" and not r.shading)
    v = next(r for r in rules if r.orientation == "v")
    assert (h.x0, h.x1, h.top, h.bottom) == (36.0, 252.0, 72.72, 72.72)
    assert (v.x0, v.top, v.bottom) == (108.36, 36.0, 180.0)
    assert any(r.shading for r in rules)
    mask = line_mask((600, 800), lines)
    assert mask[201, 400] and mask[300, 300] and not mask[0, 5] and not mask[150, 400]


def test_ink_no_word_covers_is_found_as_regions_and_specks_are_not():
    dark = np.zeros((300, 400), dtype=bool)
    dark[20:40, 20:30] = dark[20:40, 34:38] = dark[20:40, 42:46] = True  # a short word "All"
    dark[100:120, 100:300] = True                                      # a word OCR read
    dark[200, 200] = dark[250:252, 50:52] = True                       # grain
    dark[280:298, 380:384] = True                                      # one thin letter
    regions = ink_regions(dark, covered=[(95, 95, 305, 125)], block=5, join=2, min_ink=60,
                          min_height=8)
    assert regions == [(20, 20, 46, 40), (380, 280, 384, 298)]
    assert ink_regions(dark, [(0, 0, 400, 300)], 5, 2, 60, 8) == []
    # too little ink, or too flat, to be text
    assert ink_regions(dark, [(95, 95, 305, 125)], 5, 2, 100, 8) == [(20, 20, 46, 40)]
    assert ink_regions(dark, [(95, 95, 305, 125)], 5, 2, 60, 21) == []
