"""Word accounting and warnings of possible loss (issue 12, points 3 and 4)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.pdfgen.canvas import Canvas

from helpers import line, words
from safecity_extract import extract, validate
from safecity_extract.accounting import (AFTER, BEFORE, BESIDE, HEADING, MARGIN, PAGE_NUMBER,
                                         UNPLACED, WATERMARK, Area, aligned_lines, count_page,
                                         paragraphs_of_names, reason_for, spilled)
from safecity_extract.cli import main
from safecity_extract.extract import _merged_leads
from safecity_extract.model import FLAG_CUT, FLAG_MERGED, Row
from safecity_extract.pdf import Document
from safecity_extract.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.pdf"))
# A table with a header row at 100-110, its body from 111 to 300, from x=40 to x=560.
AREA = Area((100.0, 110.0), 111.0, 300.0, 40.0, 560.0, 10.0, 1.15)


def _one(text: str, x: float, top: float, size: float = 10.0):
    return words(text, x, top, size)[0]


# --- where a word not in a cell went (hand-made words) -----------------------------------


def test_each_reason_from_where_the_word_sits() -> None:
    footer = [line("Page 3 of 9", 40, 780), line("Safe City progress update", 40, 10)]
    assert reason_for(_one("3", 45, 780), AREA, footer) == PAGE_NUMBER
    assert reason_for(_one("Safe", 40, 10), AREA, footer) == MARGIN
    assert reason_for(_one("Action", 150, 100), AREA, footer) == "header"
    assert reason_for(_one("Progress", 40, 60, size=16), AREA, footer) == HEADING
    assert reason_for(_one("This", 40, 60), AREA, footer) == BEFORE
    assert reason_for(_one("Appendix", 40, 320), AREA, footer) == AFTER
    assert reason_for(_one("note", 570, 200), AREA, footer) == BESIDE
    assert reason_for(_one("lost", 200, 200), AREA, footer) is None  # inside: unplaced


def test_counts_add_up_and_unplaced_words_are_returned() -> None:
    page_words = (words("Progress update", 40, 60, 16) + words("Priority Action", 40, 100)
                  + words("lost here", 200, 200) + words("Appendix A", 40, 320))
    count, unplaced = count_page(4, page_words, placed=30, area=AREA, furniture=[],
                                 aside={WATERMARK: 2})
    assert [w.text for w in unplaced] == ["lost", "here"]
    assert count.to_dict() == {"page": 4, "words": 40, "in_cells": 30, "header": 2,
                               "left_out": {HEADING: 2, AFTER: 2, WATERMARK: 2, UNPLACED: 2}}
    assert count.words == count.in_cells + count.header + sum(count.left_out.values())


def test_text_just_under_the_tables_foot_has_spilled_out_of_a_row() -> None:
    footer = [line("Page 3 of 9", 40, 780)]
    page_words = (words("Estates by an", 300, 301) + words("Appendix A", 40, 330)
                  + words("note", 570, 302) + words("Page 3 of 9", 40, 780) + words("4", 300, 303))
    got = spilled(page_words, AREA, footer, reach=12.0)
    assert [w.text for w in got] == ["Estates", "by", "an"]  # not beyond reach, beside, a number
    assert spilled(page_words, AREA, footer, reach=0.0) == []


def test_a_line_is_a_row_when_it_starts_at_two_column_starts() -> None:
    starts = {"action": 160.0, "lead_agency": 330.0, "update": 450.0}
    row = words("Third", 160, 300) + words("Council", 330, 300)
    prose = words("The remaining actions are listed in the appendix", 40, 320)
    one_column = words("Started.", 450, 340)
    assert aligned_lines([row, prose, one_column], starts, 1.5) == 1


def test_paragraphs_that_each_name_an_agency() -> None:
    known = {"All", "Hampshire Constabulary", "Southampton City Council"}
    assert paragraphs_of_names("All\n\nHampshire Constabulary", known.__contains__)
    assert not paragraphs_of_names("All Hampshire Constabulary", known.__contains__)
    assert not paragraphs_of_names("Hampshire Constabulary\n\nwith partners", known.__contains__)


def test_a_lead_cell_with_agencies_in_separate_paragraphs_is_flagged() -> None:
    rows = [Row(1, {"lead_agency": "All\n\nHampshire Constabulary"}, page_start=2, page_end=2),
            Row(2, {"lead_agency": "Southampton City Council"}, page_start=2, page_end=2)]
    warnings = _merged_leads(rows, None)
    assert rows[0].flags == [FLAG_MERGED] and rows[1].flags == []
    assert [(w.page, w.loss) for w in warnings] == [(2, True)]
    assert "row 1" in warnings[0].message


# --- the 12 samples ----------------------------------------------------------------------


def _page_words(pdf: Path) -> dict[int, int]:
    """Words and watermark words on each page, counted straight from the document."""
    with Document(pdf, None, Settings(), "never") as doc:
        return {p.number: len(p.words) + sum(len(lo.text.split()) for lo in p.left_out)
                for p in doc.pages()}


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.stem)
def test_every_word_of_a_sample_is_accounted_for(pdf: Path) -> None:
    report = extract(pdf)
    data = report.to_dict()
    validate(data)
    on_page = _page_words(pdf)
    assert data["pages"], "a table page with no counts"
    for count in data["pages"]:
        assert count["words"] == (count["in_cells"] + count["header"]
                                  + sum(count["left_out"].values()))
        assert count["words"] == on_page[count["page"]]
        assert UNPLACED not in count["left_out"]
    cell_pages = {b.page for row in report.rows for b in row.boxes}
    assert cell_pages <= {c["page"] for c in data["pages"]}
    assert not [w for w in report.warnings if w.loss]  # none is real on the samples


# --- the table stopping while rows follow ------------------------------------------------

_XS = (40, 160, 330, 450)


def _row(c: Canvas, y: float, texts: tuple[str, ...], size: float = 9) -> None:
    c.setFont("Helvetica", size)
    for x, text in zip(_XS, texts):
        if text:
            c.drawString(x, 800 - y, text)


def _stopped_table(path: Path, next_page: bool) -> Path:
    """A table cut short by a heading, its last two rows printed after it (on the same page,
    or on the next one)."""
    c = Canvas(str(path), pagesize=(600, 800))
    _row(c, 100, ("Priority", "Action", "Lead Agency", "Update"))
    _row(c, 130, ("Reducing crime", "Run a campaign", "Southampton City Council", "Done."))
    _row(c, 160, ("", "Second action", "Hampshire Constabulary", "Ongoing."))
    _row(c, 200, ("Appendix: the remaining actions",), size=16)
    _row(c, 230, ("The actions below were added in the year and are listed apart.",))
    if next_page:
        c.showPage()
    _row(c, 260, ("Keeping safe", "Third action", "Southampton City Council", "Started."))
    _row(c, 290, ("", "Fourth action", "Hampshire Constabulary", "Planned."))
    c.save()
    return path


@pytest.mark.parametrize("next_page", [False, True], ids=["same page", "next page"])
def test_rows_after_the_table_stops_warn_of_loss(tmp_path: Path, next_page: bool) -> None:
    report = extract(_stopped_table(tmp_path / "stopped.pdf", next_page))
    assert len(report.rows) == 2
    loss = [w for w in report.warnings if w.loss]
    assert [w.page for w in loss] == [2 if next_page else 1]
    assert "rows may be missing" in loss[0].message
    validate(report.to_dict())


def test_strict_exits_1_on_a_warning_of_loss(tmp_path: Path) -> None:
    pdf = _stopped_table(tmp_path / "stopped.pdf", False)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(pdf), "--out", str(out), "-q",
                                       "--strict"])
    assert result.exit_code == 1
    strict = [ln for ln in result.output.splitlines() if ln.startswith("strict:")]
    assert strict == [f"strict: 1 file(s) with warnings of possible loss: {pdf.as_posix()}"]
    assert json.loads((out / "stopped.json").read_text())["warnings"][0]["loss"] is True
    relaxed = CliRunner().invoke(main, ["extract", str(pdf), "--out", str(out), "-q"])
    assert relaxed.exit_code == 0


def test_strict_passes_a_sample_without_loss(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(SAMPLES[0]), "--out", str(tmp_path),
                                       "-q", "--strict"])
    assert result.exit_code == 0, result.output


def test_the_review_page_shows_loss_warnings_first() -> None:
    from dataclasses import replace

    from safecity_extract.model import Warning_
    from safecity_extract.review import review_html

    report = extract(SAMPLES[0])
    report = replace(report, warnings=[Warning_(2, "a row without Action text: 'x'"),
                                       Warning_(3, "the table stops here but 2 lines after it "
                                                "are aligned to its columns", loss=True)])
    html = review_html(report, {})
    assert html.index("Possible loss (1)") < html.index("Warnings (1)")
    assert html.index("page 3: the table stops") < html.index("page 2: a row without")


# --- text cut off by the producer (LibreOffice PDFs kept in tests/data/clipped) -----------

CLIPPED = ROOT / "tests" / "data" / "clipped"


def test_a_row_clipped_at_the_pages_foot_warns_and_is_flagged() -> None:
    """LibreOffice does not split a row holding text turned on its side: a row taller than
    the page is drawn past the table's foot and cut off at the page's. The words under the
    foot warn of loss on their page, and the page's last row is flagged."""
    report = extract(CLIPPED / "rotated-row-clipped.pdf")
    loss = [w for w in report.warnings if w.loss]
    assert [w.page for w in loss] == [2, 3, 9]
    assert all("just below the table's foot" in w.message for w in loss)
    assert "'Estates by an organisation" in loss[0].message
    cut = [r for r in report.rows if FLAG_CUT in r.flags]
    assert [(r.page_end, r.get("update").split()[-1]) for r in cut] == [
        (2, "Flowers"), (3, "multi-agency"), (9, "young")]
    validate(report.to_dict())


def test_a_row_kept_whole_and_clipped_ends_in_a_broken_word_and_is_flagged(
        tmp_path: Path) -> None:
    """A row kept whole and taller than the page: its Update stops at "in the e-"."""
    pdf = CLIPPED / "kept-whole-row-clipped.pdf"
    report = extract(pdf)
    loss = [w for w in report.warnings if w.loss]
    assert [(w.page, "broken at a hyphen" in w.message) for w in loss] == [(5, True)]
    assert [r.get("update")[-9:] for r in report.rows if FLAG_CUT in r.flags] == ["in the e-"]
    result = CliRunner().invoke(main, ["extract", str(pdf), "--out", str(tmp_path), "-q",
                                       "--strict"])
    assert result.exit_code == 1
