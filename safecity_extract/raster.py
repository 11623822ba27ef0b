"""A page image (greyscale numpy array) -> its skew and the table rules drawn on it.

Scans have no vector rules: the grid is only pixels. Lines are found morphologically, as
camelot's lattice mode does with OpenCV, here with numpy alone: binarise (Otsu), keep the
pixels inside long thin runs of dark pixels (an opening with a 1 x L kernel), and join the
runs of neighbouring pixel rows into line segments. Skew is measured first from the sharpness
of the row profile (text baselines and rules both line up when the page is straight) so the
page can be turned upright before lines and words are read. All functions are pure.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Grey = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class PixelLine:
    """A straight dark line in pixel coordinates (inclusive bounds)."""

    orientation: str  # "h" or "v"
    x0: int
    x1: int
    y0: int
    y1: int
    filled: bool = False  # an edge of a dark filled band (shading), not a drawn line

    @property
    def length(self) -> int:
        return (self.x1 - self.x0 + 1) if self.orientation == "h" else (self.y1 - self.y0 + 1)

    @property
    def thickness(self) -> int:
        return (self.y1 - self.y0 + 1) if self.orientation == "h" else (self.x1 - self.x0 + 1)


# --- binarising ----------------------------------------------------------------------------


def otsu_threshold(grey: Grey) -> int:
    """The grey level that best splits the histogram into ink and paper (Otsu's method)."""
    hist = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256, dtype=np.float64)
    weight0 = np.cumsum(hist)
    weight1 = total - weight0
    mean0 = np.cumsum(hist * levels)
    grand = mean0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (grand * weight0 - mean0 * total) ** 2 / (weight0 * weight1)
    between[~np.isfinite(between)] = 0.0
    return int(np.argmax(between))


def dark_mask(grey: Grey, threshold: int | None = None) -> Mask:
    """True where the pixel is ink. A blank page (one grey level) has no ink."""
    if int(grey.max(initial=0)) - int(grey.min(initial=255)) < 32:
        return np.zeros(grey.shape, dtype=bool)
    level = otsu_threshold(grey) if threshold is None else threshold
    return np.asarray(grey <= level)


# --- skew ----------------------------------------------------------------------------------


def _profile_sharpness(ys: npt.NDArray[np.float64], xs: npt.NDArray[np.float64],
                       degrees: float, height: int) -> float:
    """How peaked the row histogram of the ink is once rows are sheared by ``degrees``."""
    shifted = ys + xs * np.tan(np.radians(degrees))
    bins = np.clip(np.round(shifted).astype(np.int64), 0, 2 * height)
    counts = np.bincount(bins, minlength=2 * height + 1).astype(np.float64)
    return float(np.dot(counts, counts))


def estimate_skew(dark: Mask, max_degrees: float = 2.0, step: float = 0.1,
                  max_points: int = 200_000) -> float:
    """The angle (degrees, counter-clockwise) by which the page content is turned.

    Lines of text and rules are horizontal on a straight page: shearing the ink's row
    coordinates by the right angle makes the row histogram most peaked. A coarse search in
    ``step`` is refined to a tenth of it. A page without ink gives 0.
    """
    ys_i, xs_i = np.nonzero(dark)
    if len(ys_i) < 50:
        return 0.0
    if len(ys_i) > max_points:  # an evenly spread subset keeps the profile's shape
        pick = np.linspace(0, len(ys_i) - 1, max_points).astype(np.int64)
        ys_i, xs_i = ys_i[pick], xs_i[pick]
    ys = ys_i.astype(np.float64) + dark.shape[1] * np.tan(np.radians(max_degrees + step))
    xs = xs_i.astype(np.float64)
    height = dark.shape[0] + dark.shape[1]

    def best(candidates: npt.NDArray[np.float64]) -> float:
        scores = [_profile_sharpness(ys, xs, float(a), height) for a in candidates]
        return float(candidates[int(np.argmax(scores))])

    coarse = best(np.arange(-max_degrees, max_degrees + step / 2, step))
    fine = best(np.arange(coarse - step, coarse + step + step / 20, step / 10))
    # The shear that straightens the content undoes a counter-clockwise turn of that size.
    return round(fine, 3)


# --- lines ---------------------------------------------------------------------------------


def _runs_at_least(mask: Mask, length: int) -> Mask:
    """Opening of each row with a 1 x ``length`` kernel: pixels inside a run that long."""
    height, width = mask.shape
    if length > width:
        return np.zeros_like(mask)
    padded = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, out=padded[:, 1:])
    full = (padded[:, length:] - padded[:, :-length]) == length  # window starting at x is dark
    starts = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(np.pad(full, ((0, 0), (0, length - 1))), axis=1, out=starts[:, 1:])
    # A pixel at x is kept if some full window starts in [x - length + 1, x].
    lo = np.maximum(np.arange(width) - length + 1, 0)
    covered = starts[:, np.arange(width) + 1] - starts[:, lo]
    return np.asarray(covered > 0)


def _close_gaps(mask: Mask, gap: int) -> Mask:
    """Fill breaks of at most ``gap`` pixels along each row (a broken or speckled line)."""
    if gap <= 0:
        return mask
    grown = mask.copy()
    for shift in range(1, gap + 1):  # dilate right by ``gap``, then keep only bridged pixels
        grown[:, shift:] |= mask[:, :-shift]
    after = mask.copy()
    for shift in range(1, gap + 1):
        after[:, :-shift] |= mask[:, shift:]
    closed = grown & after
    return np.asarray(closed | mask)


def _row_runs(mask: Mask) -> list[tuple[int, int, int]]:
    """(row, first x, last x) of each run of True pixels, row by row."""
    padded = np.pad(mask.astype(np.int8), ((0, 0), (1, 1)))
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]  # same rows, same order: each run's start then end
    return [(int(r), int(a), int(b) - 1) for r, a, b in zip(rows, starts, ends)]


def _join_runs(runs: list[tuple[int, int, int]]) -> list[list[int]]:
    """Group runs of consecutive rows that overlap or touch in x: [x0, x1, y0, y1] each.
    A line a little off horizontal is a staircase of such runs; a run that bridges two
    segments (the two ends of a line broken in one row) merges them."""
    segments: list[list[int]] = []
    active: list[list[int]] = []  # segments that reached the previous or the current row
    for row, a, b in runs:  # sorted by row, then x
        active = [s for s in active if s[3] >= row - 1]
        hits = [s for s in active if a <= s[1] + 1 and b >= s[0] - 1]
        if not hits:
            seg = [a, b, row, row]
            segments.append(seg)
            active.append(seg)
            continue
        keep = hits[0]
        for other in hits[1:]:
            keep[0], keep[1] = min(keep[0], other[0]), max(keep[1], other[1])
            keep[2] = min(keep[2], other[2])
            segments.remove(other)
            active.remove(other)
        keep[0], keep[1], keep[3] = min(keep[0], a), max(keep[1], b), row
    return segments


def horizontal_lines(dark: Mask, min_length: int, max_thickness: int, gap: int = 2
                     ) -> list[PixelLine]:
    """Horizontal lines at least ``min_length`` pixels long.

    A line a little off horizontal (residual skew, a wavy scan) is a staircase of runs in
    neighbouring pixel rows, joined into one. A segment thicker than ``max_thickness`` is a
    dark filled band: its top and bottom edges are returned as ``filled`` lines, as the edges
    of a shaded rectangle are in a vector PDF.
    """
    if min_length <= 0:
        raise ValueError("min_length must be positive")
    long_runs = _runs_at_least(_close_gaps(dark, gap), min_length)
    out: list[PixelLine] = []
    for x0, x1, y0, y1 in _join_runs(_row_runs(long_runs)):
        if x1 - x0 + 1 < min_length:
            continue
        if y1 - y0 + 1 <= max_thickness:
            if _stands_alone(dark, x0, x1, y0, y1, max(max_thickness, 3)):
                out.append(PixelLine("h", x0, x1, y0, y1))
        else:
            out.append(PixelLine("h", x0, x1, y0, y0, filled=True))
            out.append(PixelLine("h", x0, x1, y1, y1, filled=True))
    return sorted(out, key=lambda ln: (ln.y0, ln.x0))


def _stands_alone(dark: Mask, x0: int, x1: int, y0: int, y1: int, reach: int) -> bool:
    """Is the run a rule rather than the middle of bold letters run together? Beside a rule
    the paper is mostly blank (but for crossing rules and text that touches it); beside a
    run through a word there are the letters' stems and bowls."""
    above = dark[max(y0 - reach, 0):y0, x0:x1 + 1]
    below = dark[y1 + 1:y1 + 1 + reach, x0:x1 + 1]
    columns_inked = [band.any(axis=0).mean() for band in (above, below) if band.size]
    return not columns_inked or min(columns_inked) < 0.5


def vertical_lines(dark: Mask, min_length: int, max_thickness: int, gap: int = 2
                   ) -> list[PixelLine]:
    """Vertical lines, found as the horizontal lines of the transposed image; filled bands
    are left to ``horizontal_lines`` (their top and bottom edges)."""
    found = horizontal_lines(np.ascontiguousarray(dark.T), min_length, max_thickness, gap)
    return sorted((PixelLine("v", ln.y0, ln.y1, ln.x0, ln.x1) for ln in found if not ln.filled),
                  key=lambda ln: (ln.x0, ln.y0))


def line_mask(shape: tuple[int, int], lines: list[PixelLine], pad: int = 1) -> Mask:
    """True on the pixels of ``lines`` (grown by ``pad``): what to erase before OCR so that
    rules are not read as letters such as "|" or "_"."""
    out = np.zeros(shape, dtype=bool)
    for ln in lines:
        if ln.filled:
            continue
        out[max(ln.y0 - pad, 0):ln.y1 + pad + 1, max(ln.x0 - pad, 0):ln.x1 + pad + 1] = True
    return out


# --- ink that no word covers ---------------------------------------------------------------


PixelBox = tuple[int, int, int, int]  # x0, y0, x1, y1: half-open pixel bounds


def ink_regions(dark: Mask, covered: list[PixelBox], block: int, join: int, min_ink: int,
                min_height: int) -> list[PixelBox]:
    """Boxes around the ink of ``dark`` outside the ``covered`` boxes (what OCR read): text
    Tesseract skipped, such as a short word alone in a large cell.

    The mask is looked at in ``block`` x ``block`` squares; inked squares up to ``join``
    squares apart along a line are one region (the letters of a word), and a region is kept
    when it holds at least ``min_ink`` ink pixels and is at least ``min_height`` pixels tall
    (grain and specks are smaller). Regions come in reading order (top, then left).
    """
    mask = dark.copy()
    for x0, y0, x1, y1 in covered:
        mask[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)] = False
    h, w = mask.shape
    rows, cols = -(-h // block), -(-w // block)
    padded = np.zeros((rows * block, cols * block), dtype=bool)
    padded[:h, :w] = mask
    counts = padded.reshape(rows, block, cols, block).sum(axis=(1, 3))
    grown = counts > 0
    for k in range(1, join + 1):  # reach across the gaps between letters on a line
        grown[:, k:] |= counts[:, :-k] > 0
    out = []
    for cells in _components(grown):
        ys, xs = zip(*cells)
        by0, by1, bx0, bx1 = min(ys), max(ys) + 1, min(xs), max(xs) + 1
        if int(counts[by0:by1, bx0:bx1][grown[by0:by1, bx0:bx1]].sum()) < min_ink:
            continue
        part = mask[by0 * block:by1 * block, bx0 * block:bx1 * block]
        inked_rows = np.flatnonzero(part.any(axis=1))
        inked_cols = np.flatnonzero(part.any(axis=0))
        if not len(inked_rows) or inked_rows[-1] - inked_rows[0] + 1 < min_height:
            continue
        out.append((bx0 * block + int(inked_cols[0]), by0 * block + int(inked_rows[0]),
                    bx0 * block + int(inked_cols[-1]) + 1, by0 * block + int(inked_rows[-1]) + 1))
    return sorted(out, key=lambda b: (b[1], b[0]))


def _components(grid: Mask) -> list[list[tuple[int, int]]]:
    """The 8-connected groups of True cells of a small grid."""
    seen = np.zeros(grid.shape, dtype=bool)
    groups = []
    for start in zip(*np.nonzero(grid)):
        if seen[start]:
            continue
        seen[start] = True
        stack, group = [start], []
        while stack:
            y, x = stack.pop()
            group.append((int(y), int(x)))
            for ny in (y - 1, y, y + 1):
                for nx in (x - 1, x, x + 1):
                    if (0 <= ny < grid.shape[0] and 0 <= nx < grid.shape[1]
                            and grid[ny, nx] and not seen[ny, nx]):
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        groups.append(group)
    return groups
