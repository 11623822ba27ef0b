"""Generic mode on a table turned a quarter on the page (its text drawn at 90°): the table is
read in its own direction, its box given back on the page."""
from __future__ import annotations

from pathlib import Path

import pytest

from safecity_extract.pdf import PageData, Rule, Word
from safecity_extract.settings import Settings
from safecity_extract.tables import find_tables, page_views, turned_view

GRID = [["State", "1990", "2000", "2010"],
        ["Kerala", "5738", "6633", "8864"],
        ["Tamil Nadu", "7387", "10217", "5813"],
        ["Karnataka", "6453", "8138", "12606"],
        ["Gujarat", "4403", "5374", "4866"]]


def _turned_pdf(path: Path, angle: int, ruled: bool) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.saveState()
    # Turn the drawing so the table's lines run up (90) or down (-90) the page.
    if angle == 90:
        c.translate(width - 250, 100)
    else:
        c.translate(250, height - 100)
    c.rotate(angle)
    xs = [0, 120, 200, 280, 360]
    for r, row in enumerate(GRID):
        y = -20 - 24 * r
        for k, text in enumerate(row):
            c.setFont("Helvetica", 10)
            c.drawString(xs[k] + 4, y, text)
    if ruled:
        for r in range(len(GRID) + 1):
            c.line(0, -8 - 24 * r, xs[-1], -8 - 24 * r)
        for x in xs:
            c.line(x, -8, x, -8 - 24 * len(GRID))
    c.restoreState()
    c.setFont("Helvetica", 10)
    c.drawString(72, 40, "Page footer upright")
    c.save()
    return path


@pytest.mark.parametrize("angle", [90, -90])
@pytest.mark.parametrize("ruled", [False, True])
def test_a_turned_table_is_read_in_its_direction(tmp_path: Path, angle: int, ruled: bool) -> None:
    pdf = _turned_pdf(tmp_path / "turned.pdf", angle, ruled)
    tables = find_tables(pdf)
    grids = [t.grid() for t in tables]
    assert GRID in grids, grids
    (table,) = [t for t in tables if t.grid() == GRID]
    x0, top, x1, bottom = table.bbox
    assert bottom - top > x1 - x0  # the box is on the page: tall, as the turned table is


def test_a_few_turned_labels_do_not_make_a_turned_view() -> None:
    words = tuple(Word(f"w{k}", 10 + 30 * k, 30 + 30 * k, 100, 110, 10) for k in range(10))
    frame = (Word("label", 5, 30, 50, 60, 10),)
    page = PageData(1, 600, 800, words, (), (), frames=(("btt", frame),))
    assert [way for _, way in page_views(page, Settings())] == ["ltr"]
    many = PageData(1, 600, 800, words, (), (), frames=(("btt", frame * 10),))
    assert [way for _, way in page_views(many, Settings())] == ["ltr", "btt"]


def test_turned_view_swaps_the_page_and_the_rules() -> None:
    page = PageData(1, 600, 800, (), (Rule("v", 100, 100, 200, 300),), ())
    view = turned_view(page, "btt", ())
    assert (view.width, view.height) == (800, 600)
    (rule,) = view.rules
    assert rule.orientation == "h" and (rule.x0, rule.x1, rule.top, rule.bottom) == (
        500, 600, 100, 100)
