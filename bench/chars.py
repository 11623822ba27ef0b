"""What the char-level steps of pdf.py cost per page: symbol bullets, watermark and direction
checks, the doubled-glyph test, against pdfplumber's word extraction they come on top of.

Chars of every page of samples/*.pdf are parsed once; then each step runs over all of them,
``--repeats`` times, and the least CPU time (user + system) counts. Writes its section of
``bench/RESULTS.md``.

    python bench/chars.py [--repeats 9] [--results FILE] [--no-write]
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import add_results, parser, publish  # noqa: E402  (after the path)

HEADING = "## Char-level reading cost"


def _pages() -> list[list[dict[str, Any]]]:
    import pdfplumber

    out = []
    for path in sorted((HERE.parent / "samples").glob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            out += [list(p.chars) for p in pdf.pages]
    return out


def _steps() -> dict[str, Callable[[list[dict[str, Any]]], object]]:
    from pdfplumber.utils.text import WordExtractor

    from safecity_extract.chars import (all_upright, drop_doubled, light_colours,
                                        plain_bullets)
    from safecity_extract.pdf import _upright_words
    from safecity_extract.settings import Settings

    s = Settings()
    words = WordExtractor(x_tolerance=s.word_gap, y_tolerance=2)
    return {
        "pdfplumber words (what pdf.py always paid)": lambda cs: list(
            words.iter_extract_tuples(cs)),
        "words + doubled-glyph test (pdf._upright_words)": lambda cs: _upright_words(cs, s),
        "symbol bullets (chars.plain_bullets)": plain_bullets,
        "direction check (chars.all_upright)": all_upright,
        "light colours (chars.light_colours)": lambda cs: light_colours(
            cs, s.watermark_lightness, s.watermark_contrast),
        "full doubled-glyph pass, only run when the test fires (chars.drop_doubled)":
            lambda cs: drop_doubled(cs, s.doubled_glyph_gap),
    }


def measure(repeats: int) -> str:
    pages = _pages()
    steps = _steps()
    best = {name: float("inf") for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.process_time()
            for chars in pages:
                step(chars)
            best[name] = min(best[name], time.process_time() - start)
    per_page = {name: 1000 * t / len(pages) for name, t in best.items()}
    names = list(steps)
    added = per_page[names[1]] - per_page[names[0]] + sum(per_page[n] for n in names[2:5])
    lines = [HEADING, "",
             f"CPU ms per page over the {len(pages)} pages of samples/*.pdf, least of "
             f"{repeats} runs (`python bench/chars.py`; load average "
             f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus).", "",
             "| step | ms/page |", "| --- | ---: |"]
    lines += [f"| {name} | {ms:.2f} |" for name, ms in per_page.items()]
    lines += ["", f"Added on every page (the test, bullets, direction, colours): "
              f"{added:.2f} ms/page.", ""]
    return "\n".join(lines)


def main() -> int:
    options = parser(__doc__)
    options.add_argument("--repeats", type=int, default=9)
    add_results(options)
    args = options.parse_args()
    return publish(measure(args.repeats), args.results, not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())
