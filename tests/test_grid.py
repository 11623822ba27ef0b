"""Grid steps on hand-made words and rules: header, columns, rows, table end."""
from safecity_extract.grid import (Carry, band_edges, closing_cuts, column_bounds,
                                   drawn_rules, fill_bands, find_header, header_cells,
                                   line_spacing, read_table, separators, text_blocks,
                                   text_row_starts)
from safecity_extract.records import Rule
from safecity_extract.settings import Settings
from tests.helpers import hrule, line, page, vrule, words

S = Settings()
# Column starts of a four-column table: Priority, Action, Lead Agency, Update.
X = (40, 140, 300, 380)


def header_words(top=100, labels=("Priority", "Action", "Lead Agency", "Update")):
    return [w for x, label in zip(X, labels) for w in words(label, x, top)]


def test_header_cells_split_on_wide_gaps_and_keep_stacked_words():
    ws = words("Priority", 40, 100) + words("Lead", 300, 100) + words("Agency", 300, 112)
    cells = header_cells(ws, [])
    assert [c.label for c in cells] == ["Priority", "Lead Agency"]


def test_header_cells_split_at_vertical_rule_even_when_close():
    ws = words("Priority", 40, 100) + words("Action", 84, 100)  # 4 points apart
    assert len(header_cells(ws, [])) == 1
    assert len(header_cells(ws, [vrule(82, 95, 115)])) == 2


def test_find_header_skips_title_and_prose():
    ws = (words("Safe City Partnership Strategy Progress Update", 40, 40, size=16)
          + words("Our priority this year is progress.", 40, 70) + header_words())
    header = find_header(page(ws), S)
    assert header is not None
    assert header.names == ("priority", "action", "lead_agency", "update")
    assert header.top == 100


def test_find_header_with_two_line_labels():
    ws = (words("Strategic", 40, 100) + words("Priority", 40, 112) + words("Action", 140, 100)
          + words("Lead", 300, 100) + words("Agency", 300, 112) + words("Progress", 380, 100))
    header = find_header(page(ws), S)
    assert [c.label for c in header.cells] == ["Strategic Priority", "Action", "Lead Agency",
                                              "Progress"]
    assert header.bottom == 122


def test_no_header_without_action_column():
    ws = [w for x, label in zip(X, ("Priority", "Owner", "Lead", "Update"))
          for w in words(label, x, 100)]
    assert find_header(page(ws), S) is None


def test_columns_from_rules_when_drawn():
    rules = [vrule(x, 95, 500) for x in (35, 135, 290, 375, 560)]
    header = find_header(page(header_words(), rules), S)
    cols = column_bounds(header, page(header_words(), rules), [])
    assert [(c.x0, c.x1) for c in cols] == [(35, 135), (135, 290), (290, 375), (375, 560)]


def test_columns_from_whitespace_when_centred_headers_and_no_rules():
    # Centred labels sit right of where their column's text starts.
    hdr = (words("Priority", 60, 100) + words("Action", 190, 100) + words("Lead", 320, 100)
           + words("Update", 450, 100))
    body = (words("Reduce crime and", 40, 120) + words("Continue to raise awareness", 140, 120)
            + words("All", 300, 120) + words("The Safe City Partnership", 380, 120))
    header = find_header(page(hdr + body), S)
    cols = column_bounds(header, page(hdr + body), body)
    starts = [c.x0 for c in cols[1:]]
    assert 120 < starts[0] <= 140 and 275 < starts[1] <= 300 and 315 < starts[2] <= 380


def test_separators_are_rules_crossing_the_action_column():
    from safecity_extract.grid import Column
    cols = [Column("priority", 0, 100), Column("action", 100, 300), Column("update", 300, 500)]
    rules = [hrule(200, 100, 500),   # row rule that does not cross priority (merged cell)
             hrule(300, 0, 500), hrule(250, 300, 500)]  # the last crosses update only
    assert separators(rules, cols, 120, 400, 2.0) == [200, 300]


def test_text_row_starts_need_space_above_in_every_column():
    lines = {
        "action": [line("first action", 140, 120), line("second action", 140, 160)],
        "update": [line("long update", 380, 120), line("goes on", 380, 132),
                   line("and on", 380, 144), line("new row", 380, 160)],
        "priority": [line("A priority", 40, 120), line("that runs on", 40, 132),
                     line("and on and", 40, 144), line("on", 40, 156)],
    }
    assert text_row_starts(lines, 110, 400) == [(120, False), (160, False)]
    lines["update"][3] = line("still running", 380, 156)  # text just above -> not a row
    assert text_row_starts(lines, 110, 400) == [(120, False)]


def test_priority_block_goes_to_the_band_where_it_starts():
    lines = {"priority": [line("Reduce the", 40, 120), line("harm caused", 40, 132),
                          line("by drugs", 40, 144)],
             "action": [line("one", 140, 120), line("two", 140, 140)]}
    bands = fill_bands(lines, [110, 138, 200], 1, 12.0, [], S)
    assert [ln.text for ln in bands[0].cells["priority"]] == ["Reduce the", "harm caused",
                                                             "by drugs"]
    assert "priority" not in bands[1].cells



def test_columns_of_a_table_that_ends_come_from_its_own_text():
    # An appendix table under the last rows sets words across the Priority | Action gutter;
    # its columns must not move the table's edge into "Reduce crime" and end the table
    # above its own row.
    ws = header_words()
    ws += words("Reduce crime", 40, 120) + words("Raise awareness.", 140, 120) \
        + words("All", 300, 120) + words("Campaigns ran.", 380, 120)
    ws += words("Appendix: Abbreviations", 40, 200, size=14)
    for k, (short, meaning) in enumerate([("Abbreviation", "Meaning"), ("Constabulary", "Police"),
                                          ("Southampton", "Council")]):
        ws += words(short, 95, 230 + 15 * k) + words(meaning, 200, 230 + 15 * k)
    table, _ = read_table(page(ws), Carry(), S)
    assert table is not None and table.ended
    assert table.columns[1].x0 >= 100  # right of "crime"
    [band] = table.bands
    assert {n: [ln.text for ln in lns] for n, lns in band.cells.items()} == {
        "priority": ["Reduce crime"], "action": ["Raise awareness."], "lead_agency": ["All"],
        "update": ["Campaigns ran."]}


def _carried():
    before = header_words() + words("Reduce crime", 40, 120) + words("Raise awareness.", 140, 120) \
        + words("All", 300, 120) + words("Campaigns ran.", 380, 120)
    first, _ = read_table(page(before), Carry(), S)
    assert first is not None
    return Carry(columns=tuple(first.columns), body_size=first.body_size,
                 starts=tuple(sorted(first.text_left.items())))


def test_a_continued_table_keeps_its_columns_over_an_appendix_with_other_gutters():
    # The page holds the rest of the last row's Update, then an appendix table whose
    # gutters (left of 100 and 230) are clean where this page's own text sets none: in
    # those edges its title and rows fit and run the table on to the page's foot. In the
    # page before's columns the title straddles an edge: the table's own text ends there,
    # and its columns stay.
    carried = _carried()
    ws = header_words()
    ws += words("The rest of the update.", 380, 120) + words("More of it here.", 380, 132)
    ws += words("Appendix: Abbreviations", 40, 170)  # bold, body-sized: not a heading here
    for k, (short, meaning) in enumerate([("Abbreviation", "Meaning"),
                                          ("SCC", "Southampton City Council"),
                                          ("HFRS", "Hampshire Fire and Rescue Service"),
                                          ("YOS", "Youth Offending Service")]):
        ws += words(short, 100, 200 + 15 * k) + words(meaning, 230, 200 + 15 * k)
    table, _ = read_table(page(ws), carried, S)
    assert table is not None and table.ended
    assert [(c.x0, c.x1) for c in table.columns] == [(c.x0, c.x1) for c in carried.columns]
    [band] = table.bands
    assert {n: [ln.text for ln in lns] for n, lns in band.cells.items()} == {
        "update": ["The rest of the update.", "More of it here."]}


def test_a_heading_opening_a_page_without_a_header_ends_the_table_before_it():
    # The header is printed on the first page only; the next page opens with a title and an
    # appendix whose first row fits the table's columns: none of it is the table's.
    carried = _carried()
    ws = words("Appendix: Abbreviations", 40, 40, size=14)
    ws += words("Abbreviation", 40, 70) + words("Meaning", 140, 70)
    ws += words("SCC", 40, 85) + words("Southampton City Council", 140, 85)
    table, _ = read_table(page(ws, number=2), carried, S)
    assert table is not None and table.ended and table.bands == []
    # a small line there that fits no column is a running header, skipped as before
    ws = words("Safe City Partnership progress update, 2019-20", 100, 40, size=8)
    ws += words("Engage the public.", 140, 70) + words("SCC", 300, 70) \
        + words("Meetings held.", 380, 70)
    table, _ = read_table(page(ws, number=2), carried, S)
    assert table is not None and not table.ended and len(table.bands) == 1


def _rows_then_a_boxed_appendix():
    """A page the rule-less table runs onto, header printed once: two rows, then an appendix
    in a box whose inner rule falls on the table's Action | Lead boundary."""
    ws = words("Engage the public.", 140, 100) + words("SCC", 300, 100) \
        + words("Meetings held.", 380, 100)
    ws += words("Support victims.", 140, 130) + words("All", 300, 130) \
        + words("Services run.", 380, 130)
    ws += words("Appendix: Abbreviations", 40, 200, size=14)
    ws += words("SCC", 150, 230) + words("Southampton City Council", 310, 230)
    box = [vrule(140, 225, 260), vrule(299, 225, 260), vrule(560, 225, 260),
           hrule(225, 140, 560), hrule(260, 140, 560)]
    return ws, box


def test_rows_above_another_blocks_rules_on_a_page_without_a_header_are_the_tables():
    ws, box = _rows_then_a_boxed_appendix()
    table, _ = read_table(page(ws, box, number=2), _carried(), S)
    assert table is not None and table.ended
    assert [[ln.text for ln in b.cells["action"]] for b in table.bands] == [
        ["Engage the public."], ["Support victims."]]


def test_rows_read_as_before_the_table_on_a_page_it_runs_onto_warn_of_loss():
    from safecity_extract.grid import _rows_ahead

    ws, box = _rows_then_a_boxed_appendix()
    carried = _carried()
    table, _ = read_table(page(ws, box, number=2), carried, S)
    assert table is not None and table.loss == []
    # Had the table been read from the box down, its two rows would be above it: a warning.
    table.loss = []
    _rows_ahead(table, page(ws, box, number=2), 220.0, [], S)
    assert table.loss == ["2 lines before the table, on a page it runs onto, are aligned to "
                          "its columns: rows may be missing"]


def test_the_line_pitch_of_a_page_of_short_cells_is_the_step_inside_a_paragraph():
    from safecity_extract.grid import _pitch

    # Update: paragraphs of one or two lines 10.5 apart, 21 between paragraphs; other
    # columns one line per row, rows 23 or more apart: most steps are not inside a cell.
    update = [line("a", 380, y) for y in (90, 100.5, 121.5, 132, 153, 174, 184.5, 207.5)]
    lead = [line("b", 300, y) for y in (90, 113, 136.5, 160, 207.5)]
    assert _pitch({"update": update, "lead_agency": lead}) == 10.5
    # double-spaced text: no step under 1.75 line heights, the median of all of them
    spaced = [line("c", 380, y) for y in (90, 110, 130, 160)]
    assert _pitch({"update": spaced}) == 20


def test_text_blocks_split_at_rules_and_gaps():
    lns = [line("a", 0, 0), line("b", 0, 12), line("c", 0, 24), line("d", 0, 60)]
    assert [[ln.text for ln in b] for b in text_blocks(lns, 18, [])] == [["a", "b", "c"], ["d"]]
    assert [[ln.text for ln in b] for b in text_blocks(lns, 18, [23])] == [["a", "b"], ["c"],
                                                                          ["d"]]


def test_read_page_rule_less_table_and_heading_ends_it():
    ws = header_words()
    ws += words("Reduce crime", 40, 120) + words("Raise awareness.", 140, 120) \
        + words("All", 300, 120) + words("Campaigns ran.", 380, 120)
    ws += words("Engage the public.", 140, 150) + words("SCC", 300, 150) \
        + words("Meetings held.", 380, 150)
    ws += words("Appendix: Abbreviations used in this report", 40, 200, size=14)
    ws += words("SCC", 40, 230) + words("Southampton City Council", 140, 230)
    table, header = read_table(page(ws), Carry(), S)
    assert header is not None and table.ended
    assert len(table.bands) == 2
    assert [ln.text for ln in table.bands[1].cells["action"]] == ["Engage the public."]


def test_rows_without_padding_open_where_a_lead_starts_beside_a_new_action():
    # Rows touch: the update runs straight into the next row, but the lead column starts a
    # fresh entry level with the new action, which follows a finished sentence.
    lines = {
        "action": [line("Support evidence", 140, 120), line("based approaches.", 140, 132),
                   line("Monitor data", 140, 144)],
        "lead_agency": [line("Hampshire", 300, 120), line("Constabulary", 300, 132),
                        line("All", 300, 168)],
        "update": [line("The annual", 380, 120), line("assessment", 380, 132),
                   line("informs the", 380, 144), line("strategy.", 380, 156),
                   line("Both boards", 380, 168)],
    }
    lines["action"].append(line("Work with the Board.", 140, 168))
    assert text_row_starts(lines, 110, 400) == [(120, False), (168, True)]


def test_a_second_sentence_in_an_action_is_not_a_row_without_a_fresh_neighbour():
    lines = {
        "action": [line("Explore options.", 140, 120), line("Then act.", 140, 132)],
        "lead_agency": [line("Hampshire", 300, 120), line("Constabulary", 300, 132)],
        "update": [line("Work goes on", 380, 120), line("and on.", 380, 132)],
    }
    assert text_row_starts(lines, 110, 400) == [(120, False)]


def test_running_header_repeated_from_the_previous_page_is_furniture():
    from safecity_extract.grid import furniture, margin_signatures, visual_lines

    def a_page(number, extra):
        ws = words("Safe City update", 40, 20) + words(f"Page {number}", 280, 780)
        return page(ws + words(extra, 40, 300), number=number)

    first, second = a_page(1, "Reduce crime"), a_page(2, "Protect people")
    lines = visual_lines(second.words, S)
    # Alone, a short running header fits a column; seen on the page before, it is left out.
    assert [ln.text for ln in furniture(lines, second, S)] == ["Page 2"]
    repeated = margin_signatures(first, S)
    assert [ln.text for ln in furniture(lines, second, S, repeated)] == ["Safe City update",
                                                                        "Page 2"]


def test_centred_priority_goes_to_the_first_row_below_its_cell_rule():
    # Rules at 110 (cell top) and 180 (between two actions of the group, not crossing the
    # merged priority cell); the centred priority text sits beside the second action.
    lines = {"priority": [line("Reduce the harm", 40, 185)],
             "action": [line("first action", 140, 120), line("second action", 140, 185)]}
    bands = fill_bands(lines, [105, 180, 260], 1, 12.0, [110], S)
    assert [ln.text for ln in bands[0].cells["priority"]] == ["Reduce the harm"]
    assert "priority" not in bands[1].cells


def test_a_rule_under_the_header_alone_does_not_make_the_page_ruled():
    from safecity_extract.grid import Column
    cols = [Column("priority", 0, 100), Column("action", 100, 300), Column("update", 300, 500)]
    lines = {"action": [line("First action.", 140, 120), line("Second action.", 140, 160)],
             "update": [line("Done.", 380, 120), line("Started.", 380, 160)]}
    edges, _ = band_edges(lines, [hrule(114, 0, 500)], cols, 110, 400, S)
    assert edges == [110, 114, 119.5, 159.5, 400]  # two rows; the bands above them are empty


def _group_table():
    from safecity_extract.grid import Column
    cols = [Column("priority", 0, 100), Column("action", 100, 300),
            Column("lead_agency", 300, 380), Column("update", 380, 560)]
    # Two priority groups: a rule at 200 crosses every column; the two actions of the first
    # group are apart by space alone.
    lines = {"priority": [line("Reduce crime", 5, 120), line("Reduce harm", 5, 210)],
             "action": [line("First action.", 110, 120), line("Second action.", 110, 160),
                        line("Third action.", 110, 210)],
             "lead_agency": [line("All", 310, 120), line("SCC", 310, 160),
                             line("Police", 310, 210)],
             "update": [line("Done and", 390, 120), line("dusted.", 390, 132),
                        line("Started.", 390, 160), line("Planned.", 390, 210)]}
    rules = [hrule(114, 0, 560), hrule(200, 0, 560), hrule(260, 0, 560)]
    return cols, lines, rules


def test_rules_only_between_groups_still_let_clear_row_starts_in():
    cols, lines, rules = _group_table()
    edges, guessed = band_edges(lines, rules, cols, 110, 400, S)
    assert edges == [110, 114, 159.5, 200, 260, 400]
    assert not guessed


def test_group_rules_cross_the_priority_column_and_grid_rules_stop_at_a_merged_cell():
    from safecity_extract.grid import group_rules
    cols, _, rules = _group_table()
    assert group_rules(rules, cols, [200], S)
    grid = rules + [hrule(155, 100, 560)]  # between two actions, beside a merged cell
    assert not group_rules(grid, cols, [155, 200], S)
    assert not group_rules(rules, cols[1:], [200], S)  # no priority column



def test_a_rule_drawn_one_cell_at_a_time_crosses_the_columns_it_spans():
    from safecity_extract.geometry import h_rules_across

    # A browser draws each cell's border on its own, ending at the cell's edge (159.7): the
    # first column, bounded in whitespace, runs to 162.9, past the end of its own segment.
    per_cell = [hrule(174.7, 36, 159.7), hrule(174.7, 159.7, 339), hrule(174.7, 339, 785)]
    assert h_rules_across(per_cell, 40, 162.9, 100, 400, 3, 2) == [174.7]
    assert h_rules_across(per_cell[:1], 40, 162.9, 100, 400, 3, 2) == []   # one segment alone
    gapped = [hrule(174.7, 36, 150), hrule(174.7, 160, 339)]
    assert h_rules_across(gapped, 40, 300, 100, 400, 3, 2) == []           # a 10 pt gap
    assert h_rules_across([hrule(174.7, 36, 100), hrule(180, 100, 339)], 40, 300, 100, 400,
                          3, 2) == []                                       # two heights
    cols, _, rules = _group_table()
    split = [piece for r in rules if r.orientation == "h"
             for piece in (hrule(r.top, r.x0, 100), hrule(r.top, 100, r.x1))]
    from safecity_extract.grid import group_rules
    assert group_rules(split + [r for r in rules if r.orientation != "h"], cols, [200], S)

def test_block_row_starts_need_a_clear_strip_and_a_fresh_neighbour():
    from safecity_extract.grid import block_row_starts
    cols, lines, _ = _group_table()
    assert block_row_starts(lines, [114, 200, 260], S) == [160]
    # The update running on beside the second action blocks it.
    lines["update"].insert(2, line("more text", 390, 148))
    assert block_row_starts(lines, [114, 200, 260], S) == []
    # A second paragraph of an action with no other column starting beside it is no row.
    _, lines, _ = _group_table()
    lines["lead_agency"] = [line("All", 310, 120)]
    lines["update"] = [line("Done.", 390, 120)]
    assert block_row_starts(lines, [114, 200], S) == []


def test_block_row_starts_skip_the_first_text_under_a_rule():
    from safecity_extract.grid import block_row_starts
    lines = {"action": [line("Only action.", 110, 120)], "update": [line("Done.", 390, 120)]}
    assert block_row_starts(lines, [114, 200], S) == []


def test_priority_bands_under_a_head_rule_go_where_each_block_starts():
    from safecity_extract.grid import priority_bands
    # A longtable: one rule under the header (114), a priority printed on every row.
    blocks = [[line("Reduce crime", 5, 120)], [line("Reduce crime", 5, 170)]]
    assert priority_bands(blocks, [110, 114, 169.5, 400], [114], [125, 175], S) == [1, 2]
    # A merged, centred cell: the rule at 114 opens its group, the text sits lower.
    assert priority_bands([[line("Reduce harm", 5, 185)]], [110, 114, 180, 400], [114],
                          [125, 185], S) == [1]
    # The band between the rule and the first row start under it holds nothing: passed over.
    assert priority_bands([[line("Reduce harm", 5, 121)]], [110, 114, 119.5, 400], [114],
                          [125], S) == [2]


def test_vertical_rules_of_the_header_cells_alone_bound_no_body():
    from safecity_extract.grid import read_table
    ws = header_words()
    ws += words("Reduce crime", 40, 130) + words("Raise awareness.", 140, 130) \
        + words("All", 300, 130) + words("Campaigns ran.", 380, 130)
    ws += words("Reduce crime", 40, 170) + words("Engage the public.", 140, 170) \
        + words("SCC", 300, 170) + words("Meetings held.", 380, 170)
    rules = [vrule(x, 95, 118) for x in (30, 130, 290, 370, 560)]
    rules += [hrule(95, 30, 560), hrule(118, 30, 560)]
    table, _ = read_table(page(ws, rules), Carry(), S)
    assert table is not None and not table.ended
    assert [b.cells["action"][0].text for b in table.bands] == ["Raise awareness.",
                                                                "Engage the public."]


def test_a_ruled_block_after_the_text_ends_the_table():
    from safecity_extract.grid import read_table
    ws = header_words()
    ws += words("Reduce crime", 40, 130) + words("Raise awareness.", 140, 130) \
        + words("All", 300, 130) + words("Campaigns ran.", 380, 130)
    ws += words("SCC", 140, 300) + words("Southampton City Council", 300, 300)
    # The appendix's grid: its rules fall on the table's column edges (139, 299).
    rules = [vrule(x, 290, 320) for x in (139, 299, 560)] + [hrule(290, 139, 560),
                                                             hrule(320, 139, 560)]
    table, _ = read_table(page(ws, rules), Carry(), S)
    assert table is not None and table.ended
    assert [b.cells["action"][0].text for b in table.bands] == ["Raise awareness."]


def test_a_page_filling_one_column_warns_of_rows_after_it_from_the_starts_carried():
    # The table's page part holds only the rest of an Update (its columns and where their
    # text starts come from the page before), then a ruled block that ends it; lines
    # aligned to the Action and Lead starts follow: rows may be missing.
    from safecity_extract.grid import Column, read_table
    cols = (Column("priority", 30, 130), Column("action", 130, 290),
            Column("lead_agency", 290, 370), Column("update", 370, 560))
    carry = Carry(columns=cols, body_size=10.0, extent=(30, 560),
                  starts=(("action", 140.0), ("lead_agency", 300.0), ("priority", 40.0),
                          ("update", 380.0)))
    ws = words("rest of the update.", 380, 40)
    ws += words("Engage the public.", 140, 200) + words("SCC", 300, 200) \
        + words("Meetings held.", 380, 200)
    ws += words("Raise awareness.", 140, 230) + words("All", 300, 230) \
        + words("Campaigns ran.", 380, 230)
    rules = [vrule(x, 35, 60) for x in (130, 290, 370)]
    table, _ = read_table(page(ws, rules), carry, S)
    assert table is not None and table.ended
    assert any("rows may be missing" in msg for msg in table.loss)


def _shaded_cells(top, bottom, xs):
    """Edges of a band shaded cell by cell: one filled rectangle per column, abutting."""
    out = []
    for x0, x1 in zip(xs, xs[1:]):
        out += [Rule("h", x0, x1, top, top, True), Rule("h", x0, x1, bottom, bottom, True),
                Rule("v", x0, x0, top, bottom, True), Rule("v", x1, x1, top, bottom, True)]
    return out


def test_drawn_rules_leave_out_edges_of_shading():
    shade = _shaded_cells(95, 115, [36, 136, 296, 376, 560])
    assert drawn_rules([*shade, hrule(300, 36, 560)]) == [hrule(300, 36, 560)]


def test_closing_cuts_drop_a_rule_above_the_text_of_a_rule_less_body():
    tops = [120.0, 132.0, 170.0]
    assert closing_cuts([116.0, 160.0], [], tops) == [160.0]
    # A rule between the rows: the page is ruled, the header's underline closes a cell.
    assert closing_cuts([116.0, 160.0], [160.0], tops) == [116.0, 160.0]
    assert closing_cuts([116.0], [], []) == [116.0]


def test_read_page_header_shaded_cell_by_cell_reads_the_rows_below_it():
    # The header's fill is one rectangle per column: the inner edges stand at the column
    # boundaries but only across the header band; the rows below have no rules.
    ws = header_words()
    ws += words("Reduce crime", 40, 130) + words("Raise awareness.", 140, 130) \
        + words("All", 300, 130) + words("Campaigns ran.", 380, 130)
    ws += words("Engage the public.", 140, 160) + words("SCC", 300, 160) \
        + words("Meetings held.", 380, 160)
    ws += words("Protect people", 40, 190) + words("Fund shelters.", 140, 190) \
        + words("SCC", 300, 190) + words("Two opened.", 380, 190)
    shade = _shaded_cells(95, 115, [36, 136, 296, 376, 560])
    table, header = read_table(page(ws, shade), Carry(), S)
    assert header is not None and table is not None
    assert [[ln.text for ln in b.cells["action"]] for b in table.bands] == [
        ["Raise awareness."], ["Engage the public."], ["Fund shelters."]]
    assert [[ln.text for ln in b.cells.get("priority", [])] for b in table.bands] == [
        ["Reduce crime"], [], ["Protect people"]]


def test_a_link_over_no_text_inside_the_body_is_reported():
    from safecity_extract.grid import Band, Column, attach_links
    from safecity_extract.pdf import LinkArea
    cols = [Column("priority", 0, 100), Column("action", 100, 300)]
    bands = [Band(1, 110, 200), Band(1, 200, 300)]
    empty = LinkArea("https://example.org/a", "", 150, 170, 240, 250)
    outside = LinkArea("https://example.org/b", "", 150, 170, 500, 510)
    problems = attach_links(bands, [empty, outside], [], cols, 1.0)
    assert problems == ["link 'https://example.org/a' covers no text: left out"]


def _two_rows() -> tuple[list, list, list]:
    from safecity_extract.grid import Band, Column
    cols = [Column("action", 100, 300), Column("update", 300, 500)]
    bands = [Band(2, 100, 140), Band(2, 140, 200)]
    ws = words("See the toolkit here.", 310, 110) + words("Meetings held monthly.", 310, 150)
    return cols, bands, ws


def test_a_link_area_off_its_words_is_moved_to_where_whole_words_fit_it():
    from safecity_extract.grid import attach_links
    from safecity_extract.links import CUT, LinkArea, LinkFit
    cols, bands, ws = _two_rows()
    # "here" (x 390-410) drawn one header height (40) lower, over "nthl" of "monthly."
    low = LinkArea("https://example.org/kit", "nthl", 390, 410, 150, 160, CUT,
                   (LinkFit(-40.0, "here"), LinkFit(300.0, "here")))
    assert attach_links(bands, [low], ws, cols, 1.0, shift=40.0, shift_slack=3.0) == []
    assert bands[0].links == [("update", "here", "https://example.org/kit")]
    assert bands[0].link_moved and not bands[1].links and not bands[1].link_moved


def test_a_link_area_that_fits_several_lines_is_reported_not_dropped():
    from safecity_extract.grid import attach_links
    from safecity_extract.links import CUT, LinkArea, LinkFit
    cols, bands, ws = _two_rows()
    low = LinkArea("https://example.org/kit", "nthl", 390, 410, 150, 160, CUT,
                   (LinkFit(-40.0, "here"), LinkFit(300.0, "here")))
    problems = attach_links(bands, [low], ws, cols, 1.0)  # no header: no height to prefer
    assert problems == ["link 'https://example.org/kit' on 'nthl' cuts through words; whole "
                        "words would fit its width on 2 other lines: left out"]
    assert not any(b.links for b in bands)


def test_a_link_area_on_its_words_is_left_alone():
    from safecity_extract.grid import attach_links
    from safecity_extract.links import LinkArea, LinkFit
    cols, bands, ws = _two_rows()
    exact = LinkArea("https://example.org/kit", "here", 390, 410, 110, 120, "exact",
                     (LinkFit(40.0, "ly."),))
    assert attach_links(bands, [exact], ws, cols, 1.0, shift=40.0, shift_slack=3.0) == []
    assert bands[0].links == [("update", "here", "https://example.org/kit")]
    assert not bands[0].link_moved


def test_the_header_rows_height_is_read_from_its_rules_or_its_text():
    from safecity_extract.grid import Header, HeaderCell, header_height
    head = Header((HeaderCell("Action", 100, 300, 60, 70),), ("action",), 60, 70, 1)
    body = [line("Raise awareness.", 100, 86)]
    assert header_height(head, [hrule(54, 90, 510), hrule(76, 90, 510)], body, 15, 0.5) == 22
    assert header_height(head, [hrule(76, 90, 510)], body, 15, 0.5) == 22  # padding alike
    assert header_height(head, [hrule(30, 90, 510)], body, 15, 0.5) == 26  # text to text
    assert header_height(head, [], [], 15, 0.5) is None


def _rows_then_box(heading_size: float, box_header: tuple[str, str]) -> tuple[list, list]:
    """A rule-less table of two rows, a heading a little larger than the body, then a boxed
    two-column table whose rules (at 60, 200, 500) are none of the table's column edges."""
    ws = header_words()
    ws += words("Reduce crime", 40, 130) + words("Raise awareness.", 140, 130) \
        + words("All", 300, 130) + words("Campaigns ran.", 380, 130)
    ws += words("Engage the public.", 140, 160) + words("SCC", 300, 160) \
        + words("Meetings held.", 380, 160)
    ws += words("Appendix: Terms", 40, 200, size=heading_size)
    ws += words(box_header[0], 65, 225) + words(box_header[1], 205, 225)
    ws += words("SCC", 65, 245) + words("City Council", 205, 245)
    rules = [vrule(x, 220, 260) for x in (60, 200, 500)]
    rules += [hrule(y, 60, 500) for y in (220, 240, 260)]
    return ws, rules


def test_a_box_off_the_column_edges_and_its_heading_end_the_table():
    # the heading is 1.1 times the body: under heading_size_ratio, it would fit the grid
    ws, rules = _rows_then_box(11.0, ("Term", "Meaning"))
    table, _ = read_table(page(ws, rules), Carry(), S)
    assert table is not None and table.ended
    assert [b.cells["action"][0].text for b in table.bands] == ["Raise awareness.",
                                                                "Engage the public."]
    assert "priority" not in table.bands[1].cells
    without, _ = read_table(page(ws, []), Carry(), S)  # no box: the heading reads as a row
    assert without is not None and not without.ended
    assert "Appendix: Terms" in [ln.text for ln in without.bands[1].cells["priority"]]


def test_foreign_rules_are_off_the_column_edges_below_the_first_line_and_cross_a_line():
    from safecity_extract.grid import Column, foreign_rules
    cols = [Column("priority", 30, 130), Column("action", 130, 290),
            Column("update", 290, 560)]
    lns = [line("Reduce crime Raise awareness. Campaigns ran.", 40, 130),
           line("Abbreviation Meaning of the terms used", 65, 225)]
    box = vrule(230, 220, 260)
    assert foreign_rules([box], cols, lns, 10) == [box]
    assert foreign_rules([vrule(132, 220, 260)], cols, lns, 10) == []   # a column edge
    assert foreign_rules([vrule(230, 100, 260)], cols, lns, 10) == []   # from above the body
    assert foreign_rules([vrule(230, 300, 340)], cols, lns, 10) == []   # beside no line
    assert foreign_rules([vrule(400, 220, 260)], cols, lns, 10) == []   # crosses no line


def test_a_table_row_printed_again_at_the_top_of_a_page_is_not_a_running_header():
    from safecity_extract.grid import Column, furniture, margin_signatures, visual_lines

    cols = [Column("action", 40, 300), Column("update", 300, 560)]
    row = "Promote restorative practice"
    def a_page(number, rules):
        ws = words("Safe City update", 40, 20) + words(row, 45, 45) + words("NHS funding", 305, 45)
        return page(ws, rules, number=number)
    roof = [hrule(40, 40, 300), hrule(40, 300, 560)]  # drawn per cell, as a browser does
    first, second = a_page(1, roof), a_page(2, roof)
    lines = visual_lines(second.words, S)
    repeated = margin_signatures(first, S)
    # Under a rule as wide as itself and sitting in two columns: a row of the table.
    assert [ln.text for ln in furniture(lines, second, S, repeated, cols)] == ["Safe City update"]
    # Without the rule above it, the same repeated line is a running header.
    bare = a_page(2, [])
    assert len(furniture(visual_lines(bare.words, S), bare, S, repeated, cols)) == 2


def test_a_repeated_first_line_that_runs_on_in_its_columns_is_a_row():
    # Two rows alike in their first line, each at the top of a page of a table without
    # rules: the line goes on below at the cell's line spacing in both its columns.
    from safecity_extract.grid import Column, furniture, margin_signatures, visual_lines

    cols = [Column("lead_agency", 40, 200), Column("action", 200, 380),
            Column("update", 380, 560)]

    def a_page(number, gap):
        ws = words("Hampshire", 45, 40) + words("Continue to engage with", 205, 40) \
            + words("Partners engage.", 385, 40)
        ws += words("Constabulary", 45, 50 + gap) + words("the public to", 205, 50 + gap)
        return page(ws, number=number)

    repeated = margin_signatures(a_page(1, 2), S)
    second = a_page(2, 2)  # 2 points between the lines: a cell's line spacing
    assert furniture(visual_lines(second.words, S), second, S, repeated, cols) == []
    apart = a_page(2, 14)  # a line's height and more: a running line above the table
    assert [ln.text for ln in furniture(visual_lines(apart.words, S), apart, S, repeated,
                                        cols)] == ["Hampshire Continue to engage with Partners engage."]


def test_a_vertical_rule_through_a_repeated_line_keeps_it_in_the_table():
    from safecity_extract.grid import furniture, margin_signatures, visual_lines

    ws = words("Youth Offending", 45, 45) + words("Promote restorative practice", 160, 45)
    first = page(ws, [vrule(150, 30, 400)], number=1)
    second = page(ws, [vrule(150, 30, 400)], number=2)
    assert furniture(visual_lines(second.words, S), second, S, margin_signatures(first, S)) == []



def test_a_line_walled_in_by_a_grids_rules_is_in_the_grid():
    from safecity_extract.grid import furniture, margin_signatures, ruled_through, visual_lines

    # A cell's text repeated at the top of the next page, inside one cell: no rule crosses
    # the line, but the cell's rules stand on both sides of it.
    ws = words("Promote restorative practice", 160, 45)
    walls = [vrule(150, 30, 400), vrule(420, 30, 400)]
    first, second = page(ws, walls, number=1), page(ws, walls, number=2)
    assert furniture(visual_lines(second.words, S), second, S, margin_signatures(first, S)) == []
    [ln] = visual_lines(second.words, S)
    assert ruled_through(ln, walls, 0.5)
    assert not ruled_through(ln, walls[:1], 0.5)  # a rule on one side only
    assert not ruled_through(ln, [vrule(150, 60, 400), vrule(420, 60, 400)], 0.5)  # below it
    bare = page(ws, [], number=2)
    assert len(furniture(visual_lines(bare.words, S), bare, S, margin_signatures(first, S))) == 1

def test_covered_joins_rule_segments():
    from safecity_extract.grid import covered

    assert covered([(300, 560), (40, 300)], 45, 500, 0.5)
    assert not covered([(40, 200), (300, 560)], 45, 500, 0.5)
    assert not covered([], 45, 500, 0.5)


def test_an_ambiguous_gutter_keeps_the_previous_pages_edge():
    from safecity_extract.grid import carried_edge

    # Two justified lines whose inner word gap is as wide as the gutter; the next column
    # is empty on this page: no word crosses 176 nor 213.9.
    body = words("Support evidence", 76, 116) + words("based", 177, 116)
    assert carried_edge(body, 176.0, 213.9, 143.2, 214.9) == 213.9
    assert carried_edge(body, 176.0, None, 143.2, 214.9) == 176.0
    assert carried_edge(body, 176.0, 250.0, 143.2, 214.9) == 176.0  # outside the labels' gap
    crossed = body + words("wide", 200, 130) + words("x", 220, 130)
    assert carried_edge(crossed, 176.0, 203.0, 143.2, 214.9) == 176.0  # a word crosses it


def test_a_bold_title_above_what_follows_the_table_is_not_a_row():
    from dataclasses import replace

    from safecity_extract.cells import group_lines
    from safecity_extract.grid import WordIndex, title_top

    body = words("Pupils reached in total.", 140, 375) + words("More work.", 140, 387)
    title = [replace(w, bold=True, size=12.0) for w in words("Appendix: Abbreviations", 60, 415)]
    lines = group_lines(body + title)
    index = WordIndex(body + title, 0.5)
    assert title_top(lines, 433, index, 11.0, S) == 415
    assert title_top(lines[:2], 433, index, 11.0, S) == 433  # no title: the cut itself


def test_text_row_starts_measure_space_beyond_the_usual_line_spacing():
    # Proportional spacing: 10-point lines 15.5 points apart leave 5.5 points between the
    # lines of a cell, more than half a line; only the 12-point blank more opens a row.
    lines = {
        "action": [line("first action", 140, 120), line("runs on", 140, 135.5),
                   line("second action", 140, 163)],
        "update": [line("long update", 380, 120), line("goes on", 380, 135.5),
                   line("new row", 380, 163)],
    }
    spacing = line_spacing([ln for lns in lines.values() for ln in lns], 15.5)
    assert spacing == 5.5
    assert text_row_starts(lines, 110, 400) == [(120, False), (135.5, False), (163, False)]
    assert text_row_starts(lines, 110, 400, S, spacing) == [(120, False), (163, False)]


def test_line_spacing_of_one_line_cells_is_bounded():
    # Every cell one line: the pitch measured is the distance between rows (30 points), not
    # between a cell's lines; the blank is taken as at most one font size, so rows 20 points
    # apart still open with nothing just above them.
    lines = {"action": [line("first", 140, 150), line("second", 140, 180)],
             "update": [line("one", 380, 150), line("two", 380, 180)]}
    flat = [ln for lns in lines.values() for ln in lns]
    assert line_spacing(flat, 30) == 10.0
    assert line_spacing(flat, 30, 0.5) == 5.0
    spacing = line_spacing(flat, 30)
    assert text_row_starts(lines, 110, 400, S, spacing) == [(150, False), (180, False)]
