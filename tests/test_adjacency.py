"""The ICDAR 2013 adjacency-relation measure (bench/icdar2013.py) on small hand-made grids."""
import pytest

from bench.icdar2013 import (Score, _truth_cells, adjacency_relations, macro_f1, micro,
                             normalise, score_table)


def grid(rows):
    """Cells of a plain grid; None leaves a slot out, "" is an empty cell."""
    return [{"row": r, "col": c, "end_row": r, "end_col": c, "text": text}
            for r, row in enumerate(rows) for c, text in enumerate(row) if text is not None]


def cell(row, col, text, end_row=None, end_col=None):
    return {"row": row, "col": col, "end_row": row if end_row is None else end_row,
            "end_col": col if end_col is None else end_col, "text": text}


TABLE = [["", "2019", "2020"], ["Austria", "1", "2"], ["Belgium", "3", "4"]]


def test_relations_of_a_plain_grid():
    rel = adjacency_relations(grid([["a", "b"], ["c", "d"]]))
    assert rel == {("a", "b", "right"): 1, ("c", "d", "right"): 1,
                   ("a", "c", "down"): 1, ("b", "d", "down"): 1}


def test_a_perfect_grid_scores_one():
    s = score_table(grid(TABLE), grid(TABLE))
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert s.truth == 10  # 5 to the right, 5 downwards


def test_a_shifted_column_scores_less():
    shifted = [["", "2019", "2020"], ["Austria", "", "1", "2"], ["Belgium", "3", "4"]]
    s = score_table(grid(shifted), grid(TABLE))
    assert 0 < s.f1 < 1
    # every row still reads right (the empty slot is skipped), but of the downward relations
    # only Austria -> Belgium survives: 2019 now sits above 3, 2020 above 1, and so on
    assert (s.correct, s.predicted, s.truth) == (6, 9, 10)


def test_empty_cells_are_transparent():
    padded = [["", "", "2019", "", "2020"], ["", "", "", "", ""],
              ["Austria", "", "1", "", "2"], ["Belgium", "", "3", "", "4"]]
    assert score_table(grid(padded), grid(TABLE)).f1 == 1.0
    assert ("a", "b", "right") in adjacency_relations(grid([["a", "", " ", "b"]]))


def test_a_spanning_cell_relates_to_every_neighbour_along_its_span():
    truth = [cell(0, 0, "Releases", end_col=1), cell(1, 0, "air"), cell(1, 1, "water")]
    rel = adjacency_relations(truth)
    assert rel[("Releases", "air", "down")] == 1 and rel[("Releases", "water", "down")] == 1
    unspanned = [cell(0, 0, "Releases"), cell(1, 0, "air"), cell(1, 1, "water")]
    s = score_table(unspanned, truth)
    assert s.precision == 1.0 and s.recall == pytest.approx(2 / 3)


def test_a_row_spanning_cell_relates_right_in_each_row():
    truth = [cell(0, 0, "Pollutant", end_row=1), cell(0, 1, "to air"), cell(1, 1, "kg/year")]
    rel = adjacency_relations(truth)
    assert rel[("Pollutant", "toair", "right")] == 1
    assert rel[("Pollutant", "kg/year", "right")] == 1


def test_texts_are_compared_without_whitespace():
    assert normalise("to air\nkg/ year ") == "toair" + "kg/year"
    assert normalise("ﬁnal") == "final"  # ligature
    s = score_table(grid([["to air kg/year", "x"]]), grid([["to air\nkg/year", "x"]]))
    assert s.f1 == 1.0


def test_repeated_texts_count_as_often_as_they_occur():
    truth = grid([["-", "-"], ["-", "-"]])
    once = grid([["-", "-"], ["", ""]])
    s = score_table(once, truth)
    assert (s.correct, s.predicted, s.truth) == (1, 1, 4)


def test_empty_prediction_scores_zero():
    s = score_table([], grid(TABLE))
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_micro_pools_relations_and_macro_averages_tables():
    big, small = Score(90, 100, 100), Score(0, 1, 1)
    assert micro([big, small]).f1 == pytest.approx(90 / 101)
    assert macro_f1([big, small]) == pytest.approx(0.45)
    assert macro_f1([big, Score(0, 3, 0)]) == pytest.approx(0.9)  # no true relations: left out


def test_truth_cells_merge_regions_and_read_the_misspelt_end_col():
    import xml.etree.ElementTree as ET

    table = ET.fromstring(
        "<table id='2'>"
        "<region id='1' page='3' col-increment='0' row-increment='0'>"
        "<cell start-row='0' start-col='0' col-end='1'><content>Age</content></cell></region>"
        "<region id='2' page='3' col-increment='2' row-increment='0'>"
        "<cell start-row='0' start-col='0' end-row='1'><content>Total</content></cell>"
        "<cell start-row='2' start-col='1'/></region></table>")
    cells = _truth_cells(table)
    assert cells[0] == cell(0, 0, "Age", end_col=1)
    assert cells[1] == cell(0, 2, "Total", end_row=1)
    assert cells[2] == cell(2, 3, "")
