"""Generic table mode: table_structure on hand-made pages, find_tables and the CLI on samples."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from safecity_extract.cli import main
from safecity_extract.tables import Cell, find_tables, table_structure
from tests.helpers import hrule, page, vrule, words

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BOX = (30, 80, 420, 200)


def line_of(cells, top, xs=(40, 160, 260)):
    return [w for x, text in zip(xs, cells) if text for w in words(text, x, top)]


def test_ruleless_columns_from_gutters_and_rows_from_lines():
    rows = [("Country", "Population", "Area"), ("Austria", "8.9", "83,879"),
            ("Belgium", "11.5", "30,528"), ("Cyprus", "1.2", "9,251")]
    ws = [w for k, r in enumerate(rows) for w in line_of(r, 100 + 14 * k)]
    table = table_structure(page(ws), BOX)
    assert table.grid() == [list(r) for r in rows]
    assert table.page == 1 and table.bbox == BOX


def test_ruleless_wrapped_cell_is_one_cell():
    ws = (line_of(("Sector", "2019", "2020"), 100) + line_of(("Agriculture", "12", "14"), 114)
          + line_of(("Total expenditure on", "30", "31"), 128) + line_of(("health care",), 140)
          + line_of(("Transport", "5", "6"), 154))
    grid = table_structure(page(ws), BOX).grid()
    assert grid[2] == ["Total expenditure on health care", "30", "31"]
    assert grid[3] == ["Transport", "5", "6"]


def test_ruleless_heading_over_two_columns_is_a_spanning_cell():
    ws = (words("Releases to the environment", 160, 86)
          + line_of(("Pollutant", "air", "water"), 100)
          + line_of(("Ammonia", "10", "20"), 114) + line_of(("Chlorine", "30", "40"), 128)
          + line_of(("Halons", "1", "2"), 142))
    cells = table_structure(page(ws), BOX).cells
    assert Cell(0, 1, 0, 2, "Releases to the environment") in cells
    assert Cell(1, 1, 1, 1, "air") in cells and Cell(1, 2, 1, 2, "water") in cells


def test_text_outside_the_area_is_left_out():
    ws = words("Table 1: a caption above", 40, 60) + line_of(("a", "1", "2"), 100)
    assert [c.text for c in table_structure(page(ws), BOX).cells] == ["a", "1", "2"]


def ruled_page(inner_rule_in_first_row=False):
    ys = (100, 120, 140, 170)
    rules = [hrule(y, 40, 380) for y in ys] + [vrule(x, 100, 170) for x in (40, 140, 380)]
    rules.append(vrule(260, 100 if inner_rule_in_first_row else 120, 170))
    ws = (words("Name", 45, 105) + words("Release totals", 145, 105)
          + words("Ammonia", 45, 125) + words("10", 145, 125) + words("20", 265, 125)
          + words("Chlorine", 45, 142) + words("HCl", 45, 155)
          + words("30", 145, 142) + words("40", 265, 142))
    return page(ws, rules)


def test_ruled_rows_and_columns_come_from_the_rules():
    cells = table_structure(ruled_page(inner_rule_in_first_row=True), (35, 95, 385, 175)).cells
    assert [(c.row, c.col, c.text) for c in cells] == [
        (0, 0, "Name"), (0, 1, "Release totals"), (1, 0, "Ammonia"), (1, 1, "10"),
        (1, 2, "20"), (2, 0, "Chlorine HCl"), (2, 1, "30"), (2, 2, "40")]


def test_ruled_missing_inner_rule_makes_a_spanning_cell():
    cells = table_structure(ruled_page(), (35, 95, 385, 175)).cells
    assert Cell(0, 1, 0, 2, "Release totals") in cells
    assert Cell(2, 0, 2, 0, "Chlorine HCl") in cells  # two lines in one ruled band


def test_empty_area_gives_an_empty_table():
    assert table_structure(page([]), BOX).cells == ()


# --- real PDFs (samples/ is built by samples/build.py) -------------------------------------

GRID_PDF = SAMPLES / "word_grid_a4.pdf"
needs_sample = pytest.mark.skipif(not GRID_PDF.exists(), reason="samples not built")


@needs_sample
def test_find_tables_on_a_sample_finds_the_progress_table():
    tables = find_tables(GRID_PDF, pages=[1])
    assert tables and all(t.page == 1 for t in tables)
    assert tables[0].grid()[0] == ["Priority", "Action", "Lead Agency", "Update"]
    assert "Reduce crime, reoffending and antisocial behaviour" in tables[0].grid()[1][0]


@needs_sample
def test_document_reads_only_the_pages_asked_for(monkeypatch):
    import safecity_extract.pdf as pdf

    parsed = []
    real = pdf.page_data
    monkeypatch.setattr(pdf, "page_data", lambda page, number, s, *more: parsed.append(number)
                        or real(page, number, s, *more))
    with pdf.Document(GRID_PDF) as doc:
        assert [p.number for p in doc.pages([3, 1, 3])] == [1, 3]
    assert parsed == [1, 3]


@needs_sample
def test_find_tables_rejects_a_page_past_the_end():
    with pytest.raises(ValueError, match="outside"):
        find_tables(GRID_PDF, pages=[999])


@needs_sample
def test_cli_tables_writes_json_and_one_csv_per_table(tmp_path):
    result = CliRunner().invoke(main, ["tables", str(GRID_PDF), "--pages", "1-2",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "word_grid_a4.tables.json").read_text(encoding="utf-8"))
    assert {t["page"] for t in data["tables"]} == {1, 2}
    first = data["tables"][0]
    assert set(first) == {"page", "bbox", "cells"}
    assert set(first["cells"][0]) == {"row", "col", "end_row", "end_col", "text"}
    csv_first = (tmp_path / "word_grid_a4-p1-t1.csv").read_text(encoding="utf-8")
    assert csv_first.splitlines()[0] == "Priority,Action,Lead Agency,Update"
    assert len(list(tmp_path.glob("*.csv"))) == len(data["tables"])
    assert not list(tmp_path.glob("*.tmp"))


@needs_sample
def test_cli_tables_with_an_area(tmp_path):
    result = CliRunner().invoke(main, ["tables", str(GRID_PDF), "--pages", "1",
                                       "--area", "0,0,595,80", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "word_grid_a4.tables.json").read_text(encoding="utf-8"))
    assert all(t["bbox"] == [0, 0, 595, 80] for t in data["tables"])


@pytest.mark.parametrize("area", ["1,2,3", "10,10,5,20", "a,b,c,d"])
def test_cli_tables_rejects_a_bad_area(tmp_path, area):
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    result = CliRunner().invoke(main, ["tables", str(pdf), "--area", area, "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "--area" in result.output


def test_cli_tables_reports_a_file_that_is_no_pdf(tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_text("just text", encoding="utf-8")
    result = CliRunner().invoke(main, ["tables", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "not a PDF" in result.output


def test_find_regions_takes_the_aligned_block_and_leaves_prose_out():
    from safecity_extract.tables import find_regions

    prose = (words("This paragraph introduces the table below and is no part of it.", 40, 60)
             + words("Nor is this closing remark under the table.", 40, 200))
    rows = [("Country", "Population", "Area"), ("Austria", "8.9", "83,879"),
            ("Belgium", "11.5", "30,528"), ("Cyprus", "1.2", "9,251")]
    ws = prose + [w for k, r in enumerate(rows) for w in line_of(r, 100 + 14 * k)]
    (region,) = find_regions(page(ws))
    assert 90 < region[1] < 100 and 142 < region[3] < 160
    assert table_structure(page(ws), region).grid() == [list(r) for r in rows]
