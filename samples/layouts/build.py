"""Build generated layouts: spec -> PDF + truth JSON, cached by spec and generator code.

    python -m samples.layouts.build --seeds 0-49 --out /tmp/layouts   # reportlab/chromium
    python -m samples.layouts.build --committed                      # LibreOffice set

The truth file ``ID.json`` holds the truth rows and the full layout spec; a cached PDF is
reused only when its truth file records the same spec and the same generator code hash.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .spec import Layout, draw, dumps, layout_from_dict

HERE = Path(__file__).resolve().parent
COMMITTED = HERE / "committed"


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of the generator's source: a change to any producer invalidates cached PDFs."""
    h = hashlib.sha256()
    for path in sorted(HERE.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


MAX_REDRAWS = 16
SHIFT = 9.0  # points added to the bottom margin per redraw: moves every page break
F04 = "f04_merged_continuation"
F04_REDRAWS = 24
F04_SHIFT = 5.0


def truth_record(layout: Layout, requested: Layout,
                 situation: dict[str, int] | None = None) -> dict[str, Any]:
    """The truth rows, the layout as drawn and the layout the seed asked for (and, for
    family 4, where its situation occurs in the drawing)."""
    record = layout.truth()
    record["generator"] = code_hash()
    record["layout"] = layout.to_dict()
    record["requested"] = requested.to_dict()
    if situation is not None:
        record["situation"] = situation
    return record


def draw_unambiguous(layout: Layout, pdf: Path, cache: Path
                     ) -> tuple[Layout, dict[str, int] | None]:
    """Draw ``layout``; a drawing that lacks words of the truth is refused (no reader
    could find them). While a page break makes a paragraph end look like a wrap or a wrap
    like a paragraph end (check.ambiguous_breaks), draw it again with a deeper bottom
    margin. A family 4 document is redrawn the same way until a priority group begins on a page whose top row continues from the page before (the
    situation that family is about). Returns the layout drawn and that situation."""
    from .check import ambiguous_breaks, lost_words, merged_continuation, row_pages

    left, right, top, bottom = layout.margins
    f04 = layout.family == F04
    tries, step = (F04_REDRAWS, F04_SHIFT) if f04 else (MAX_REDRAWS, SHIFT)
    for n in range(tries):
        drawn = replace(layout, margins=(left, right, top, bottom + step * n))
        render(drawn, pdf, cache)
        lost = lost_words(pdf, drawn)
        if lost:
            raise RuntimeError(f"{layout.doc_id}: the producer did not draw {len(lost)} words "
                               f"of the truth (first: {' '.join(lost[:4])})")
        if ambiguous_breaks(pdf, drawn):
            continue
        if not f04:
            return drawn, None
        situation = merged_continuation(drawn, row_pages(pdf, drawn))
        if situation is not None:
            return drawn, situation
    if f04:
        raise RuntimeError(f"{layout.doc_id}: no redraw began a priority group on a page "
                           "whose top row continues from the page before")
    raise RuntimeError(f"{layout.doc_id}: every redraw left a page break that reads both "
                       "as a wrap and as a paragraph end")


def render(layout: Layout, pdf: Path, cache: Path) -> None:
    if layout.producer == "reportlab":
        from .render_reportlab import render as draw_pdf
    elif layout.producer == "chromium":
        from .render_chromium import render as draw_pdf
    elif layout.producer == "libreoffice":
        from .render_libreoffice import render as draw_pdf
    else:
        raise ValueError(f"unknown producer {layout.producer!r}")
    draw_pdf(layout, pdf, cache)


def build(layout: Layout, out_dir: Path, check_code: bool = True, cache: Path | None = None
          ) -> tuple[Path, dict[str, Any]]:
    """The PDF of ``layout`` in ``out_dir`` (built unless cached) and its truth record;
    ``cache``: where producers keep what they make once (``out_dir/.cache`` by default)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = out_dir / f"{layout.doc_id}.pdf"
    truth_path = out_dir / f"{layout.doc_id}.json"
    if pdf.exists() and truth_path.exists():
        old = json.loads(truth_path.read_text(encoding="utf-8"))
        same = old.get("requested") == json.loads(dumps(layout.to_dict()))
        if same and (not check_code or old.get("generator") == code_hash()):
            return pdf, old
    tmp = pdf.with_name(pdf.stem + f".{os.getpid()}.tmp.pdf")
    try:
        drawn, situation = draw_unambiguous(layout, tmp, cache or out_dir / ".cache")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(pdf)
    text = dumps(truth_record(drawn, layout, situation))
    tmp_json = truth_path.with_name(truth_path.name + f".{os.getpid()}.tmp")
    tmp_json.write_text(text, encoding="utf-8")
    tmp_json.replace(truth_path)
    return pdf, json.loads(text)


def committed() -> list[tuple[Path, dict[str, Any]]]:
    """The committed (LibreOffice) documents: (PDF, truth record), in id order."""
    out = []
    for truth_path in sorted(COMMITTED.glob("*.json")):
        record = json.loads(truth_path.read_text(encoding="utf-8"))
        out.append((truth_path.with_suffix(".pdf"), record))
    return out


def committed_layouts() -> list[Layout]:
    return [layout_from_dict(rec["layout"]) for _, rec in committed()]


COMMITTED_FIRST = 90000
COMMITTED_PER_FAMILY = 4


def build_committed(cache: Path) -> list[Path]:
    """(Re)build the committed LibreOffice set: for each family, the first
    ``COMMITTED_PER_FAMILY`` seeds from ``COMMITTED_FIRST`` on (compact) that LibreOffice
    draws whole. A seed it cannot (a row taller than a page that holds text turned on its
    side is never split, so its foot is cut off) is passed over, with its reason."""
    from .spec import FAMILIES

    out = []
    for k in range(len(FAMILIES)):
        kept, seed = 0, COMMITTED_FIRST + k
        while kept < COMMITTED_PER_FAMILY:
            layout = draw(seed, producer="libreoffice", compact=True)
            try:
                pdf, _ = build(layout, COMMITTED, check_code=False, cache=cache)
            except RuntimeError as exc:
                print(f"passed over: {exc}")
            else:
                out.append(pdf)
                kept += 1
            seed += len(FAMILIES)
    return out


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        seeds += list(range(int(lo), int(hi or lo) + 1))
    return seeds


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="build generated report layouts")
    ap.add_argument("--seeds", default="0-10", help="e.g. 0-99 or 3,7,12-20")
    ap.add_argument("--producer", choices=("reportlab", "chromium", "libreoffice"))
    ap.add_argument("--compact", action="store_true")
    ap.add_argument("--out", type=Path, default=Path("bench/work/layouts"))
    ap.add_argument("--committed", action="store_true",
                    help="(re)build the committed LibreOffice set in samples/layouts/committed")
    args = ap.parse_args(argv)
    if args.committed:
        for pdf in build_committed(args.out / ".cache"):
            print(pdf)
        return
    for seed in parse_seeds(args.seeds):
        pdf, _ = build(draw(seed, producer=args.producer, compact=args.compact), args.out)
        print(pdf)


if __name__ == "__main__":
    main()
