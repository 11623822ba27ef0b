"""Make scans of the sample PDFs: image-only PDFs as a flatbed scanner would give them.

Usage::

    python samples/scans/build.py                      # the committed scans, into this folder
    python samples/scans/build.py --out DIR --dpi 150 200 300 word_grid_a4.pdf ...

Each page of a sample is rendered to greyscale at the given resolution, turned by a small
angle (alternating +ANGLE / -ANGLE from page to page, so both directions of skew occur),
softened a little and given grain (seeded, so a build is repeatable), then saved as an
image-only PDF: no text layer, no vector rules. The truth of a scan is its sample's own rows
(``tests/expected.py``). Greyscale scans are stored as low-quality JPEG; ``--bw`` thresholds
the grainy page to black and white (a fax-style office scan: ragged edges, specks) stored
with CCITT G4, about 30 KB a page. The committed scans are black and white; the others are
built when the tests or the benchmark need them.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent

# The scans kept in the repository: one full grid, one with horizontal rules only.
COMMITTED: tuple[tuple[str, int], ...] = (("word_grid_a4.pdf", 150),
                                          ("word_hrules_only.pdf", 200))
ANGLE = 0.5      # degrees of skew, alternating sign page by page
NOISE = 10.0     # standard deviation of the grain, in grey levels
JPEG_QUALITY = 30
BW_THRESHOLD = 150  # grey level below which a pixel of a black-and-white scan is black


def scan_name(sample: str, dpi: int) -> str:
    """``word_grid_a4.pdf`` at 200 dpi -> ``word_grid_a4_200dpi.pdf``."""
    return f"{Path(sample).stem}_{dpi}dpi.pdf"


def sample_of(scan: str | Path) -> str:
    """The sample a scan was made from: ``word_grid_a4_200dpi.pdf`` -> ``word_grid_a4.pdf``."""
    stem = Path(scan).stem
    return stem.rsplit("_", 1)[0] + ".pdf"


def _seed(sample: str, dpi: int, page: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{sample}:{dpi}:{page}".encode()).digest()[:4], "big")


def scanned_page(image: Any, angle: float, seed: int, noise: float = NOISE) -> Any:
    """A greyscale page image made to look scanned: turned by ``angle`` degrees
    (counter-clockwise, white fill), slightly blurred, with seeded Gaussian grain."""
    import numpy as np
    from PIL import Image, ImageFilter

    turned = image.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC,
                                       expand=False, fillcolor=255)
    soft = turned.filter(ImageFilter.GaussianBlur(0.5))
    pixels = np.asarray(soft, dtype=np.float32)
    grain = np.random.default_rng(seed).normal(0.0, noise, pixels.shape)
    return Image.fromarray(np.clip(pixels + grain, 0, 255).astype(np.uint8), "L")


def black_and_white(image: Any) -> Any:
    """Threshold a greyscale page to a 1-bit image (no dithering, like a B/W scan)."""
    from PIL import Image

    return image.point(lambda v: 255 if v > BW_THRESHOLD else 0).convert(
        "1", dither=Image.Dither.NONE)


def build_scan(sample_pdf: Path, dpi: int, out: Path, angle: float = ANGLE,
               quality: int = JPEG_QUALITY, bw: bool = False) -> Path:
    """Write the scan of ``sample_pdf`` at ``dpi`` to ``out`` (an image-only PDF)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(sample_pdf))
    pages = []
    try:
        for k in range(len(doc)):
            bitmap = doc[k].render(scale=dpi / 72, grayscale=True)
            sign = 1 if k % 2 == 0 else -1
            page = scanned_page(bitmap.to_pil(), sign * angle, _seed(sample_pdf.name, dpi, k))
            pages.append(black_and_white(page) if bw else page)
    finally:
        doc.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    # Pillow writes each greyscale page as a JPEG (DCTDecode) image filling its page, a 1-bit
    # one with CCITTFaxDecode.
    jpeg = {} if bw else {"quality": quality}
    pages[0].save(tmp, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:],
                  **jpeg, title=f"scan of {sample_pdf.name}", producer="scans/build.py",
                  creationDate=None, modDate=None)
    tmp.replace(out)
    return out


def build_scans(samples: Sequence[str], dpis: Sequence[int], out_dir: Path,
                bw: bool = False) -> list[Path]:
    return [build_scan(SAMPLES / s, dpi, out_dir / scan_name(s, dpi), bw=bw)
            for s in samples for dpi in dpis]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("samples", nargs="*", help="sample file names (default: the committed set)")
    parser.add_argument("--dpi", default="", help="resolutions, comma-separated: 150,200,300")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--bw", action="store_true", help="black and white (CCITT G4)")
    args = parser.parse_args(argv)
    if not args.samples and not args.dpi:
        made = [build_scan(SAMPLES / s, dpi, args.out / scan_name(s, dpi), bw=True)
                for s, dpi in COMMITTED]
    else:
        dpis = [int(d) for d in args.dpi.split(",")] if args.dpi else [200]
        made = build_scans(args.samples or [s for s, _ in COMMITTED], dpis, args.out, args.bw)
    for path in made:
        print(f"{path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
