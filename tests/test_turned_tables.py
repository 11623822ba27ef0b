"""Generic mode on a table turned a quarter on the page (its text drawn at 90°): the table is
read in its own direction, its box given back on the page; each region of a page in the
direction its text runs."""
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
    label = Word("label", 50, 60, 5, 30, 10, "btt")  # on the page: a narrow, tall block
    frame = (Word("label", 770, 795, 50, 60, 10),)  # the same word in the turned frame
    page = PageData(1, 600, 800, words + (label,), (), (), frames=(("btt", frame),))
    (view,) = page_views(page, Settings())
    assert view.way == "ltr" and label in view.page.words  # left with the upright text


UPRIGHT = [["Region", "Sites", "Samples", "Share"]] + [
    [f"District {k}", str(10 + k), str(200 + 7 * k), f"{k}.5"] for k in range(1, 13)]


def _mixed_pdf(path: Path, turned_heading: bool = False, upright_rows: int = len(UPRIGHT)
               ) -> Path:
    """An A4 page: an upright rule-less table at the top (``UPRIGHT``'s first
    ``upright_rows``), and ``GRID`` turned a quarter (its lines running up the page) below it. With ``turned_heading`` the upright
    table's last column label is drawn turned too (a narrow column's heading)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.setFont("Helvetica", 10)
    xs = [72, 200, 280, 360]
    for r, row in enumerate(UPRIGHT[:upright_rows]):
        for k, text in enumerate(row):
            if turned_heading and r == 0 and k == 3:
                c.saveState()
                c.translate(xs[k] + 10, height - 80)
                c.rotate(90)
                c.drawString(0, 0, text)
                c.restoreState()
            else:
                c.drawString(xs[k], height - 80 - 16 * r, text)
    c.saveState()
    c.translate(width - 150, 90)
    c.rotate(90)
    txs = [0, 120, 200, 280]
    for r, row in enumerate(GRID):
        for k, text in enumerate(row):
            c.drawString(txs[k], -20 - 24 * r, text)
    c.restoreState()
    c.save()
    return path


def test_an_upright_and_a_turned_table_on_one_page_are_each_read_their_way(
        tmp_path: Path) -> None:
    # The turned table holds under a third of the page's words: a share of the page would
    # not read it turned; its own region is all turned text.
    pdf = _mixed_pdf(tmp_path / "mixed.pdf")
    tables = find_tables(pdf)
    grids = [t.grid() for t in tables]
    assert GRID in grids and UPRIGHT in grids, grids
    (turned,) = [t for t in tables if t.grid() == GRID]
    (upright,) = [t for t in tables if t.grid() == UPRIGHT]
    assert turned.bbox[3] - turned.bbox[1] > turned.bbox[2] - turned.bbox[0]  # tall on the page
    assert turned.bbox[1] > upright.bbox[3]  # below the upright table


def test_a_turned_heading_stays_in_the_upright_table_beside_a_turned_table(
        tmp_path: Path) -> None:
    # Here the turned table holds most of the page's words: a share of the page would take
    # every turned word out of the upright view, the heading too.
    pdf = _mixed_pdf(tmp_path / "heading.pdf", turned_heading=True, upright_rows=4)
    grids = [t.grid() for t in find_tables(pdf)]
    assert GRID in grids, grids
    assert UPRIGHT[:4] in grids, grids


def test_turned_view_swaps_the_page_and_the_rules() -> None:
    page = PageData(1, 600, 800, (), (Rule("v", 100, 100, 200, 300),), ())
    view = turned_view(page, "btt", ())
    assert (view.width, view.height) == (800, 600)
    (rule,) = view.rules
    assert rule.orientation == "h" and (rule.x0, rule.x1, rule.top, rule.bottom) == (
        500, 600, 100, 100)
