"""Finding table regions without given areas: regions.table_regions on hand-made pages."""
from safecity_extract.regions import table_regions
from tests.helpers import hrule, vrule, words

PROSE = ("the committee noted that the figures for the year were in line with the plan "
         "and asked for a further report at the next meeting of the board")


def prose_line(x, top, n=9):
    return words(" ".join(PROSE.split()[:n]), x, top)


def table_rows(top, rows, xs=(60, 200, 300, 400), pitch=14):
    out = []
    for k, row in enumerate(rows):
        for text, x in zip(row, xs):
            out += words(text, x, top + pitch * k)
    return out


ROWS = [("Austria", "8.9", "83,879", "12"), ("Belgium", "11.5", "30,528", "10"),
        ("Cyprus", "1.2", "9,251", "6"), ("Denmark", "5.9", "42,933", "13")]


def regions(ws, rules=(), width=600, height=800):
    return table_regions(ws, list(rules), width, height)


def test_two_prose_columns_are_no_table():
    ws = [w for k in range(12) for w in prose_line(40, 60 + 12 * k) + prose_line(320, 60 + 12 * k)]
    assert regions(ws) == []


def test_a_table_between_paragraphs_is_found_without_them():
    ws = prose_line(40, 40) + prose_line(40, 52) + table_rows(100, ROWS) + prose_line(40, 220)
    (box,) = regions(ws)
    assert 98 <= box[1] <= 100 and 142 <= box[3] <= 155 and box[0] <= 60


def test_a_blank_line_and_a_section_label_do_not_cut_a_table_in_two():
    ws = table_rows(100, ROWS) + words("Islands", 60, 172) + table_rows(190, ROWS)
    (box,) = regions(ws)
    assert box[1] <= 100 and box[3] >= 240


def test_two_stacked_ruled_tables_stay_apart():
    rules = [hrule(95, 55, 440), hrule(155, 55, 440), hrule(215, 55, 440), hrule(275, 55, 440)]
    ws = (table_rows(100, ROWS) + words("Table 2 Other countries", 150, 180)
          + table_rows(220, ROWS))
    boxes = regions(ws, rules)
    assert len(boxes) == 2 and boxes[0][3] < 180 < boxes[1][1]


def test_a_frame_round_the_page_is_no_table():
    frame = [hrule(20, 20, 580), hrule(780, 20, 580), vrule(20, 20, 780), vrule(580, 20, 780)]
    ws = prose_line(40, 40) + table_rows(100, ROWS) + prose_line(40, 400)
    (box,) = regions(ws, frame)
    assert box[1] >= 90 and box[3] <= 160


def test_a_bullet_list_is_no_table():
    ws = [w for k in range(6) for w in words("•", 50, 60 + 12 * k) + prose_line(70, 60 + 12 * k, 5)]
    assert regions(ws) == []


def test_chart_tick_labels_are_no_table():
    ws = [w for k, v in enumerate(("400", "300", "200", "100", "0"))
          for w in words(v, 50, 100 + 30 * k) + words(v, 320, 100 + 30 * k)]
    assert regions(ws) == []


def test_a_box_never_leaves_the_page():
    rows = [(a, b, c, d) for a, b, c, d in ROWS]
    ws = table_rows(100, rows, xs=(60, 200, 300, 590))  # the last column runs off the page
    (box,) = regions(ws, width=600)
    assert 0 <= box[0] and box[2] <= 600


def _short_word_grid(rows, xs=(20, 160, 300, 440, 580), top=100, pitch=14, row_text="Hjbv"):
    # The words cover about 0.14 of each line: under region_min_cover, over the ruled share.
    ws = [w for k in range(rows) for x in xs[:-1] for w in words(row_text, x + 4, top + pitch * k)]
    rules = [hrule(top - 2 + pitch * k, xs[0], xs[-1]) for k in range(rows + 1)]
    rules += [vrule(x, top - 2, top - 2 + pitch * rows) for x in xs]
    return ws, rules


def test_a_ruled_grid_of_short_words_in_wide_cells_is_a_table():
    ws, rules = _short_word_grid(6)
    (box,) = regions(ws, rules)
    assert box[0] <= 20 and box[2] >= 580 and box[1] <= 100 and box[3] >= 180


def test_a_ruled_grid_of_short_words_needs_lines_divided_by_its_rules():
    ws, rules = _short_word_grid(6)
    frame_only = [r for r in rules if r.orientation == "h" or r.x0 in (20, 580)]
    assert regions(ws, frame_only) == []
