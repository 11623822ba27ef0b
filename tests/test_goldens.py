"""Every samples/*.pdf extracts to exactly its golden/<name>.json (and golden/<name>.csv).

After an intended change, review and refresh the goldens with
``safecity-extract check samples/ --golden golden/ --update`` and commit the diff.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from safecity_extract import extract
from safecity_extract.golden import compare, format_differences
from safecity_extract.writers import report_csv_text

ROOT = Path(__file__).resolve().parent.parent
PDFS = sorted((ROOT / "samples").glob("*.pdf"))


def test_every_sample_has_a_golden_file():
    assert PDFS, "no sample PDFs in samples/"
    missing = [p.name for p in PDFS if not (ROOT / "golden" / (p.stem + ".json")).exists()]
    assert not missing, f"no golden file for {missing}: run check --update and review it"


@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_sample_matches_golden(pdf: Path):
    golden = ROOT / "golden" / (pdf.stem + ".json")
    if not golden.exists():
        pytest.fail(f"missing golden file {golden}")
    report = extract(pdf)
    diffs = compare(report, golden)
    assert not diffs, "\n" + format_differences(diffs)
    # Byte for byte, not only cell for cell: a refactoring must not move one character.
    assert report.to_json().encode("utf-8") == golden.read_bytes()
    assert report_csv_text(report).encode("utf-8") == golden.with_suffix(".csv").read_bytes()
