"""Settings reach every entry point through Options: extract, batch, check, review, inspect and
tables all read with the settings they are given, not the defaults; and inside the reading, the
steps of sections.py, accounting.py, chars.py and ocr.py take the ones read_table, page_data and
read_image are given."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from safecity_extract import Options, Settings, check, extract, run_batch
from safecity_extract.batch import Outputs, collect_inputs
from safecity_extract.executors import LocalPool
from safecity_extract.grid import Carry, PageTable, read_table
from safecity_extract.jobs import inspect_job, review_job
from safecity_extract.pdf import PageData, Word
from safecity_extract.tables import find_tables
from tests.helpers import hrule, page, vrule, words

SAMPLE = Path(__file__).parent.parent / "samples" / "word_grid_a4.pdf"
# Any gap between two lines of a cell starts a paragraph: cells gain blank lines.
SPLIT = Options(settings=Settings(paragraph_gap=0.01))


def test_extract_takes_the_settings() -> None:
    plain, split = extract(SAMPLE), extract(SAMPLE, options=SPLIT)
    assert "\n\n" in split.rows[0].get("action") and split.to_json() != plain.to_json()
    assert len(split.rows) == len(plain.rows)


def test_batch_and_check_take_the_settings(tmp_path: Path) -> None:
    run_batch(collect_inputs([SAMPLE]), Outputs.of(tmp_path / "a", ["json"]), executor=LocalPool(1))
    run_batch(collect_inputs([SAMPLE]), Outputs.of(tmp_path / "b", ["json"]), options=SPLIT,
              executor=LocalPool(1))
    name = f"{SAMPLE.stem}.json"
    assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()
    check([SAMPLE], tmp_path / "golden", update=True)
    (checked,) = check([SAMPLE], tmp_path / "golden", options=SPLIT)
    assert checked.status == "different"


def test_review_and_inspect_take_the_settings(tmp_path: Path) -> None:
    review_job(str(SAMPLE), str(tmp_path / "plain.html"), Options())
    review_job(str(SAMPLE), str(tmp_path / "split.html"), SPLIT)
    assert (tmp_path / "plain.html").read_text() != (tmp_path / "split.html").read_text()
    # Without rules (none is long enough) the columns come from whitespace: other overlays.
    no_rules = Options(settings=Settings(min_rule_length=10_000.0))
    (plain,), _ = inspect_job(str(SAMPLE), str(tmp_path / "a"), [2], 36, Options())
    (other,), _ = inspect_job(str(SAMPLE), str(tmp_path / "b"), [2], 36, no_rules)
    assert plain.read_bytes() != other.read_bytes()


def test_tables_take_the_settings() -> None:
    plain = find_tables(SAMPLE, pages=[1])
    # No rule long enough and gutters wider than the page: every region is one column.
    wide = find_tables(SAMPLE, pages=[1], options=Options(settings=Settings(
        table_gutter=99.0, min_rule_length=10_000.0)))
    assert max(t.shape[1] for t in plain) > 1
    assert max(t.shape[1] for t in wide) < max(t.shape[1] for t in plain)


# --- the report-mode steps take the settings read_table is given ---------------------------

X = (40, 150, 300, 400)


def _bold(ws: list[Word]) -> list[Word]:
    return [replace(w, bold=True) for w in ws]


def _row(top: float, *texts: str, shift: float = 0.0) -> list[Word]:
    return [w for x, t in zip(X, texts) for w in words(t, x + shift, top)]


def _stopped_table(shift: float) -> PageData:
    """A ruled table of two rows, then two lines aligned to its columns (``shift`` points off)
    below where its rules stop, under a title."""
    ws = words("Progress Update", 40, 50, size=16)
    ws += _bold(_row(100, "Priority", "Action", "Lead", "Update"))
    ws += _row(125, "Reduce crime", "Raise awareness.", "All", "Campaigns ran.")
    ws += _row(150, "Reduce crime", "Engage the public.", "SCC", "Meetings held.")
    ws += _row(200, "Later", "Text aligned", "to the", "columns.", shift=shift)
    ws += _row(225, "More", "text aligned", "to the", "columns.", shift=shift)
    rules = [vrule(x - 5, 95, 170) for x in X[1:]]
    return page(ws, rules + [hrule(y, 35, 560) for y in (95, 118, 143, 170)])


def _table(pg: PageData, **changed: Any) -> PageTable:
    table, _ = read_table(pg, Carry(), Settings(**changed))
    assert table is not None
    return table


def test_the_word_accounting_takes_the_settings() -> None:
    aligned = _stopped_table(shift=1.0)
    assert _table(aligned).loss  # two lines 1 pt off the column starts: rows may be missing
    assert not _table(aligned, aligned_rows=3).loss
    assert not _table(aligned, align_tolerance=0.5).loss
    assert not _table(aligned, aligned_columns=5).loss
    plain, wide = _table(aligned).counts, _table(aligned, account_slack=500.0).counts
    assert plain is not None and wide is not None
    assert plain.left_out["heading or title"] == 2 and "heading or title" not in wide.left_out


def _sectioned(section_top: float) -> PageData:
    """Action | Lead | Update under a bold section row (or, above the header, a heading)."""
    cols = (40, 200, 300)
    header = [w for x, label in zip(cols, ("Action", "Lead", "Update"))
              for w in _bold(words(label, x, 100))]
    row = (words("Raise awareness.", 40, 150) + words("All", 200, 150)
           + words("Campaigns ran.", 300, 150))
    above = section_top < 100  # a heading, under the document's title
    title = words("Progress Update", 40, 40, size=16) if above else []
    return page(title + header + _bold(words("Reduce crime, reoffending and antisocial "
                                             "behaviour", 40, section_top, 12 if above else 10))
                + row)


def _sections(table: PageTable) -> list[str]:
    return [ln.text for band in table.bands for ln in band.section]


def test_the_section_steps_take_the_settings() -> None:
    below = _sectioned(125)
    assert _sections(_table(below))
    assert not _sections(_table(below, section_run_gap=0.01))  # word spaces break the run
    heading = _sectioned(80)
    assert _sections(_table(heading))
    assert not _sections(_table(heading, heading_gap=0.1))  # too far above the header


def test_the_char_steps_take_the_settings(tmp_path: Path) -> None:
    import pdfplumber
    from reportlab.pdfgen.canvas import Canvas

    from safecity_extract.pdf import page_data

    pdf = tmp_path / "tilted.pdf"
    canvas = Canvas(str(pdf), invariant=1)
    canvas.drawString(72, 700, "upright text")
    canvas.rotate(5)  # about 0.087 off the axis: past the default slack, a watermark
    canvas.drawString(72, 600, "tilted")
    canvas.save()
    with pdfplumber.open(pdf) as doc:
        plain = page_data(doc.pages[0], 1, Settings())
        lax = page_data(doc.pages[0], 1, Settings(angle_slack=0.1))
    assert [lo.text for lo in plain.left_out] == ["tilted"]
    assert "tilted" in [w.text for w in lax.words] and not lax.left_out


def test_the_ocr_steps_take_the_settings() -> None:
    import shutil

    import pytest

    pytest.importorskip("pytesseract")
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    from PIL import Image, ImageDraw

    from safecity_extract.ocr import read_image

    image = Image.new("L", (900, 300), 255)
    draw = ImageDraw.Draw(image)
    for y in (60, 140, 220):
        draw.rectangle((40, y, 860, y + 3), fill=0)
        draw.text((60, y + 20), "Raise awareness of the campaign", fill=0)
    tilted = image.rotate(1.0, fillcolor=255)
    assert read_image(tilted, 200, Settings()).skew != 0.0
    assert read_image(tilted, 200, Settings(ocr_min_deskew=5.0)).skew == 0.0


def test_the_ocr_baseline_snap_is_a_setting() -> None:
    from safecity_extract.ocr import words_from_data
    from tests.test_ocr import tsv

    # one line whose words' ink puts their baselines 0.1 em to 0.3 em apart
    data = tsv([(4, 1, 100, 80, 300, 20, 0, -1, ""),
                (5, 1, 100, 85, 40, 10, 1, 96.0, "one"),
                (5, 1, 150, 83, 90, 18, 2, 91.0, "Hampshire"),
                (5, 1, 250, 81, 40, 18, 3, 40.0, "tidy")])
    snapped = words_from_data(data, 0.5)
    apart = words_from_data(data, 0.5, baseline_snap=0.0)
    assert len({w.bottom for w in snapped}) == 1
    assert len({w.bottom for w in apart}) > 1
