"""Stitching page tables on hand-made bands: joins over page breaks, fill-down, flags."""
import pytest

from safecity_extract.cells import Line
from safecity_extract.grid import Band, Column, PageTable
from safecity_extract.settings import Settings
from safecity_extract.stitch import break_margin, fill_down, new_paragraph_at_break, stitch, to_rows
from tests.helpers import line

S = Settings()
COLS = [Column("priority", 0, 100), Column("action", 100, 300),
        Column("lead_agency", 300, 380), Column("update", 380, 560)]
RIGHT = {"priority": 95, "action": 295, "lead_agency": 375, "update": 555}


def band(page, top, **cells):
    """A band whose cells are given as lists of (text, x, top) lines."""
    b = Band(page, top, top + 100)
    for name, specs in cells.items():
        b.cells[name] = [line(text, x, y) for text, x, y in specs]
    return b


def table(page, *bands):
    return PageTable(page, COLS, list(bands), False, [], 0, 560, 12.0, 10.0, dict(RIGHT))


def run(*tables):
    drafts, warnings = stitch(tables, S)
    warnings += fill_down(drafts)
    return to_rows(drafts, ["priority", "action", "lead_agency", "update"]), warnings


def test_band_without_action_on_next_page_is_joined():
    # "...has established the Street" fills its line (ends at x=550): a wrap, so one space.
    p1 = table(1, band(1, 100, priority=[("Vulnerable", 0, 110)],
                       action=[("Address rough sleeping.", 100, 110)],
                       lead_agency=[("All", 300, 110)],
                       update=[("approach which has established the Street", 350, 110)]))
    p2 = table(2, band(2, 50, update=[("Support Action Group.", 380, 60)]))
    rows, warnings = run(p1, p2)
    assert len(rows) == 1 and not warnings
    assert rows[0].cells["update"] == ("approach which has established the Street "
                                       "Support Action Group.")
    assert rows[0].flags == ["joined_across_pages"]
    assert (rows[0].page_start, rows[0].page_end) == (1, 2)


def test_action_split_mid_sentence_is_joined_even_with_a_lead_cell():
    p1 = table(1, band(1, 100, priority=[("Crime", 0, 110)],
                       action=[("Support communities to give", 160, 110)],  # ends at x=295
                       lead_agency=[("Hampshire", 300, 110)],
                       update=[("Officers engage.", 380, 110)]))
    p2 = table(2, band(2, 50, action=[("Victims confidence to report.", 100, 60)],
                       lead_agency=[("Constabulary", 300, 60)]))
    rows, _ = run(p1, p2)
    assert len(rows) == 1
    assert rows[0].cells["action"] == "Support communities to give Victims confidence to report."
    assert rows[0].cells["lead_agency"] == "Hampshire Constabulary"


def test_finished_action_then_capitalised_action_is_a_new_row():
    p1 = table(1, band(1, 100, priority=[("Crime", 0, 110)], action=[("Do this.", 100, 110)],
                       lead_agency=[("All", 300, 110)], update=[("Done.", 380, 110)]))
    p2 = table(2, band(2, 50, action=[("Do that.", 100, 60)], lead_agency=[("SCC", 300, 60)],
                       update=[("Started.", 380, 60)]))
    rows, _ = run(p1, p2)
    assert [r.cells["action"] for r in rows] == ["Do this.", "Do that."]
    assert rows[1].cells["priority"] == "Crime"
    assert rows[1].flags == ["priority_filled_down"]


def test_short_last_line_before_a_page_break_ends_a_paragraph():
    p1 = table(1, band(1, 100, priority=[("Crime", 0, 110)], action=[("Act.", 100, 110)],
                       lead_agency=[("All", 300, 110)], update=[("and West Quay.", 380, 110)]))
    p2 = table(2, band(2, 50, update=[("Operation Turbulent is", 380, 60)]))
    rows, _ = run(p1, p2)
    assert rows[0].cells["update"] == "and West Quay.\n\nOperation Turbulent is"


def test_rows_before_any_priority_are_flagged_and_warned():
    p1 = table(3, band(3, 100, action=[("Act.", 100, 110)], update=[("Done.", 380, 110)]))
    rows, warnings = run(p1)
    assert rows[0].flags == ["priority_missing"]
    assert warnings and warnings[0].page == 3


def test_priority_alone_above_its_first_action_goes_to_that_row():
    p1 = table(1, band(1, 100, priority=[("Youth", 0, 110)]),
               band(1, 200, action=[("Work together.", 100, 210)],
                    lead_agency=[("YOS", 300, 210)]))
    rows, warnings = run(p1)
    assert len(rows) == 1 and rows[0].cells["priority"] == "Youth" and not warnings


def test_row_without_action_is_kept_and_warned():
    p1 = table(1, band(1, 100, priority=[("Crime", 0, 110)], action=[("Act.", 100, 110)]),
               band(1, 200, lead_agency=[("All", 300, 210)], update=[("Orphan text.", 380, 210)]))
    rows, warnings = run(p1)
    assert len(rows) == 2
    assert any("without Action" in w.message for w in warnings)


def test_an_action_that_stopped_a_page_before_the_row_ends_does_not_take_the_next_action():
    # The Action "Support communities to give" fills its line (a wrap) on page 1; the row's
    # Update runs on over page 2 alone; the capitalised Action at the top of page 3 would be
    # its rest only if the Action had gone on to the foot of page 2: a new row.
    p1 = table(1, band(1, 100, priority=[("Crime", 0, 110)],
                       action=[("Support communities to give", 160, 110)],  # ends at x=295
                       lead_agency=[("Hampshire", 300, 110)],
                       update=[("Officers engage.", 380, 110)]))
    p2 = table(2, band(2, 50, update=[("Meetings are held monthly.", 380, 60)]))
    p3 = table(3, band(3, 50, action=[("Victims confidence to report.", 100, 60)],
                       lead_agency=[("Constabulary", 300, 60)]))
    rows, _ = run(p1, p2, p3)
    assert [r.cells["action"] for r in rows] == ["Support communities to give",
                                                 "Victims confidence to report."]
    assert (rows[0].page_start, rows[0].page_end) == (1, 2)
    joined, _ = run(p1, p3)  # the Action's own page just before: its rest, as before
    assert len(joined) == 1


# --- a line ended at a page break: wrap, paragraph end, or a guess (new_paragraph_at_break) ---

def _tail_line(x1: float) -> Line:
    return Line("closing words of the line.", 380.0, x1, 500.0, 510.0, 10.0, 40.0)


FIRST = Line("Partnership work continues", 380.0, 520.0, 60.0, 70.0, 10.0, 50.0)  # first word 50 pt


def test_next_word_would_have_fitted_is_a_paragraph_end_whatever_the_text():
    # 450 + 2.5 space + 50 = 502.5, far short of the edge at 555
    assert new_paragraph_at_break((_tail_line(450.0), 555.0), FIRST, "partnership", "ok",
                                  0.035) == (True, False)


def test_line_filled_to_the_edge_is_a_wrap_even_after_a_full_stop():
    assert new_paragraph_at_break((_tail_line(550.0), 555.0), FIRST, "Partnership", "done.",
                                  0.035) == (False, False)


def test_word_not_fitting_on_a_shorter_line_after_a_sentence_is_a_flagged_guess():
    # 510 + 2.5 + 50 = 562.5 > 555: the word did not fit, but the line stops 45 pt short: the
    # author may have wrapped it or ended the paragraph there; the text says paragraph
    assert new_paragraph_at_break((_tail_line(510.0), 555.0), FIRST, "Partnership", "done.",
                                  0.035) == (True, True)
    # mid-sentence: a wrap, and the text leaves no doubt
    assert new_paragraph_at_break((_tail_line(510.0), 555.0), FIRST, "partnership", "the",
                                  0.035) == (False, False)


def test_word_ending_at_the_edge_is_too_close_to_call():
    # 502.6 + 2.5 + 50 = 555.1: within 0.035 em of the edge
    assert new_paragraph_at_break((_tail_line(502.6), 555.0), FIRST, "partnership", "ok",
                                  0.035) == (False, True)
    assert break_margin(_tail_line(502.6), 555.0, FIRST) == pytest.approx(0.1)


def test_a_guessed_paragraph_break_flags_the_row():
    p1 = table(1, band(1, 100, priority=[("Crime", 0, 110)], action=[("Act.", 100, 110)],
                       lead_agency=[("All", 300, 110)],
                       update=[("Partners have agreed it all.", 380, 110)]))
    p2 = table(2, band(2, 50, update=[("Southampton has begun", 380, 60)]))
    rows, _ = run(p1, p2)
    assert rows[0].cells["update"].count("\n\n") == 1
    assert "paragraph_break_guessed" in rows[0].flags


def test_a_cell_that_ended_with_room_below_it_takes_no_text_from_the_next_page():
    # The Action stopped three lines above the Update's last line: that cell ended on page 1,
    # though its last line is too full for the next word ("Encourage") to have fitted on it.
    p1 = table(1, band(1, 100, action=[("Ensure there are appropriate", 100, 110),
                                       ("referral routes in place and", 100, 122)],
                       update=[(f"Update line {k}.", 380, 110 + 12 * k) for k in range(6)]))
    p2 = table(2, band(2, 50, action=[("Encourage reporting.", 100, 60)],
                       update=[("As above.", 380, 60)]))
    rows, _ = run(p1, p2)
    assert [r.cells["action"] for r in rows] == ["Ensure there are appropriate referral routes "
                                                 "in place and", "Encourage reporting."]


def test_a_cell_left_empty_that_starts_at_the_top_of_the_next_page_is_a_new_row():
    p1 = table(1, band(1, 100, action=[("Monitor reoffending rates for young", 100, 110)],
                       update=[("YOS attend a meeting", 380, 110)]))
    p2 = table(2, band(2, 50, action=[("Work collaboratively", 100, 60)],
                       lead_agency=[("Youth Offending Service", 300, 60)],
                       update=[("A group has been set up.", 380, 60)]))
    rows, _ = run(p1, p2)
    assert len(rows) == 2 and rows[1].cells["lead_agency"] == "Youth Offending Service"


def _short_row_then(priority_top):
    """A page's last row of two lines, its Priority cell empty and its Action line so full
    that the next page's first word would not have fitted (a wrap, by the Action alone); the
    next page's first band has a Priority whose text starts ``priority_top``."""
    p1 = table(1, band(1, 100, action=[("Encourage reporting of local", 100, 110),
                                       ("crime and intelligence sharing", 130, 122)],
                       lead_agency=[("All", 300, 110)],
                       update=[("A partnership.", 380, 110), ("Work goes on", 380, 122)]))
    p2 = table(2, band(2, 50, priority=[("Reducing Youth Crime", 0, priority_top)],
                       action=[("Work together with families", 100, 60)],
                       lead_agency=[("Youth Offending Service", 300, 60)],
                       update=[("A project was delivered.", 380, 60)]))
    return run(p1, p2)[0]


def test_priority_text_at_the_top_of_a_page_under_an_empty_priority_is_a_new_row():
    assert len(_short_row_then(60)) == 2  # beside the Action's first line
    # centred lower in its cell: a merged priority over the row before may print there
    assert len(_short_row_then(84)) == 1


def test_a_cell_printed_again_whole_at_the_top_of_a_page_is_a_new_rows():
    # The Action's last line is so full that the next page's first word would not have
    # fitted (a wrap, by the Action alone); but a cell at the top prints again, whole, the
    # text the row's cell has (its Lead, its Priority): a new row.
    def pages(lead_after, priority_after):
        p1 = table(1, band(1, 100, priority=[("Reduce crime", 0, 110)],
                           action=[("Support evidence based work", 130, 110)],
                           lead_agency=[("Hampshire", 300, 110), ("Constabulary", 300, 122)],
                           update=[("The annual Safe City", 380, 110)]))
        after = {"priority": [(priority_after, 0, 60)]} if priority_after else {}
        p2 = table(2, band(2, 50, **after, action=[("Support communities", 100, 60)],
                           lead_agency=[(lead_after, 300, 60)],
                           update=[("Police have invested.", 380, 60)]))
        return run(p1, p2)[0]
    assert len(pages("Hampshire Constabulary", "")) == 2
    assert len(pages("Council", "Reduce crime")) == 2
    assert len(pages("Council", "")) == 1


def test_a_continued_row_whose_cells_all_ran_to_the_foot_is_still_joined():
    p1 = table(1, band(1, 100, action=[("Support communities to", 170, 110),
                                       ("give victims of crime the", 170, 122)],  # ends at 295
                       lead_agency=[("Hampshire", 300, 110), ("Constabulary", 300, 122)],
                       update=[("Officers engage.", 380, 110), ("More work", 380, 122)]))
    p2 = table(2, band(2, 50, action=[("Confidence to report.", 100, 60)],
                       update=[("goes on.", 380, 60)]))
    rows, _ = run(p1, p2)
    assert len(rows) == 1


def test_ended_columns_needs_a_top_aligned_start_and_room_below():
    from safecity_extract.stitch import ended_columns

    b = band(1, 100, priority=[("Crime", 0, 110)], action=[("short", 100, 110)],
             lead_agency=[("centred", 300, 140)],
             update=[(f"u{k}", 380, 110 + 12 * k) for k in range(5)])
    assert ended_columns(b, 12.0, 1.5, 3.5) == frozenset({"action"})
    assert ended_columns(b, 12.0, 5.0, 5.0) == frozenset()
    # A last line ending a sentence may end a paragraph only: more room is needed.
    done = band(1, 100, action=[("Done.", 100, 110)],
                update=[(f"u{k}", 380, 110 + 12 * k) for k in range(4)])
    assert ended_columns(done, 12.0, 1.5, 3.5) == frozenset()
    assert ended_columns(done, 12.0, 1.5, 3.0) == frozenset({"action"})


def test_a_cell_ending_in_a_broken_word_warns_of_missing_text():
    p1 = table(1, band(1, 100, priority=[("Crime", 0, 110)], action=[("Engage.", 100, 110)],
                       update=[("joint articles in the e-", 380, 110)]))
    rows, warnings = run(p1)
    assert len(rows) == 1
    assert [(w.page, w.loss) for w in warnings] == [(1, True)]
    assert "broken at a hyphen ('joint articles in the e-')" in warnings[0].message
    long = table(1, band(1, 100, priority=[("Crime", 0, 110)], action=[("Engage.", 100, 110)],
                         update=[("Work goes on with joint articles in the e-", 380, 110)]))
    assert "('… with joint articles in the e-')" in run(long)[1][0].message
    fine = table(1, band(1, 100, priority=[("Crime", 0, 110)], action=[("Engage.", 100, 110)],
                         update=[("A pre- and post- check -", 380, 110)]))
    assert run(fine)[1] == []


def test_a_marker_sending_the_reader_on_with_no_row_after_it_warns():
    from safecity_extract.pdf import LeftOut

    p1 = table(1, band(1, 100, priority=[("Crime", 0, 110)], action=[("Engage.", 100, 110)]))
    p2 = table(2)
    p2.left_out = (LeftOut("Continued on next page", 380, 500, 40, 50, "continuation marker"),)
    _, warnings = run(p1, p2)
    assert [(w.page, w.loss) for w in warnings] == [(2, True)]
    p3 = table(3, band(3, 50, action=[("Next action.", 100, 60)]))
    _, warnings = run(p1, p2, p3)
    assert warnings == []


def test_a_moved_link_flags_its_row_on_either_page():
    first = band(1, 100, priority=[("Crime", 0, 110)], action=[("Act.", 100, 110)],
                 lead_agency=[("All", 300, 110)], update=[("Partners have met and", 380, 110)])
    rest = band(2, 50, update=[("agreed it, see here.", 380, 60)])
    rest.links, rest.link_moved = [("update", "here", "https://example.org/kit")], True
    rows, _ = run(table(1, first), table(2, rest))
    assert [(lk.text, lk.uri) for lk in rows[0].links] == [("here", "https://example.org/kit")]
    assert rows[0].flags == ["joined_across_pages", "link_area_moved"]
    alone = band(1, 100, priority=[("Crime", 0, 110)], action=[("Act.", 100, 110)])
    alone.link_moved = True
    rows, _ = run(table(1, alone))
    assert rows[0].flags == ["link_area_moved"]


def test_a_row_that_stopped_well_above_the_tables_foot_ended_on_its_page():
    # Page 1's last row stops at 134 while the table runs down to 700 on page 2: the producer
    # kept the next row whole for page 2, so its capitalised Action starts a row of its own,
    # though "victims of" fills its line and the Action reads on mid-sentence.
    p1 = table(1, band(1, 100, action=[("Support communities to give", 160, 110),
                                       ("victims of", 250, 122)],  # ends at x=295
                       lead_agency=[("Hampshire", 300, 110), ("Constabulary", 300, 122)],
                       update=[("Officers engage.", 380, 110)]))
    rest = [(f"Update line {k}.", 380, 60 + 12 * k) for k in range(54)]  # to y=706
    p2 = table(2, band(2, 50, action=[("Continue to address activity.", 100, 60)],
                       lead_agency=[("All", 300, 60)], update=rest))
    rows, _ = run(p1, p2)
    assert [r.cells["action"] for r in rows] == ["Support communities to give victims of",
                                                 "Continue to address activity."]
    # The same row with the table's foot no lower than where it stopped goes on.
    p2 = table(2, band(2, 50, action=[("Continue to address activity.", 100, 60)],
                       lead_agency=[("All", 300, 60)], update=rest[:6]))
    rows, _ = run(p1, p2)
    assert len(rows) == 1
