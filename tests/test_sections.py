"""Section rows and headings as priority (issue 12, families 7 and 8) on hand-made words."""
from dataclasses import replace

from safecity_extract.grid import Band, Carry, Column, PageTable, read_table
from safecity_extract.sections import (group, heading_above, heading_like, one_run,
                                       section_line, strip_numbering)
from safecity_extract.settings import Settings
from safecity_extract.stitch import fill_down, stitch, to_rows
from tests.helpers import hrule, line, page, words

S = Settings()
# Column starts of a three-column table without a Priority column: Action, Lead, Update.
X = (40, 200, 300)
BOUNDARIES = [198.0, 298.0]
FIRST = (39.0, 198.0)
PRIORITY = "Reduce crime, reoffending and antisocial behaviour"


def bold(ws):
    return [replace(w, bold=True) for w in ws]


def header(top):
    return [w for x, label in zip(X, ("Action", "Lead", "Update")) for w in bold(words(label, x, top))]


def row(top, action, lead, update):
    return words(action, X[0], top) + words(lead, X[1], top) + words(update, X[2], top)


def rows_of(*pages):
    tables, carry = [], Carry()
    for pg in pages:
        table, _ = read_table(pg, carry, S)
        if table is None:
            continue
        tables.append(table)
        ended = table.ended
        carry = Carry(None if ended else tuple(table.columns), table.body_size,
                      None if ended else (table.x0, table.x1))
    drafts, warnings = stitch(tables, S)
    warnings += fill_down(drafts)
    return to_rows(drafts, ["priority", "action", "lead_agency", "update"]), warnings


# --- the pure steps ----------------------------------------------------------------------


def test_strip_numbering_only_a_separate_label():
    assert strip_numbering("Priority 2: Reduce the harm") == "Reduce the harm"
    assert strip_numbering("Priority two - Reduce the harm") == "Reduce the harm"
    assert strip_numbering("Priority 3 – Protecting Vulnerable People") == \
        "Protecting Vulnerable People"
    assert strip_numbering("2. Reduce the harm") == "Reduce the harm"
    assert strip_numbering("2) Reduce the harm") == "Reduce the harm"
    assert strip_numbering("(2) Reduce the harm") == "Reduce the harm"
    assert strip_numbering("IV. Reducing Youth Crime") == "Reducing Youth Crime"
    # kept as printed: no separate label, or nothing left after it
    assert strip_numbering("Reducing Youth Crime") == "Reducing Youth Crime"
    assert strip_numbering("2.5 million more visits") == "2.5 million more visits"
    assert strip_numbering("2019 priorities") == "2019 priorities"
    assert strip_numbering("Two agencies. Working together") == "Two agencies. Working together"
    assert strip_numbering("Priority 2") == "Priority 2"
    assert strip_numbering("Prioritise victims") == "Prioritise victims"


def test_one_run_is_text_with_word_spaces_only():
    assert one_run(words(PRIORITY, 40, 100))
    assert not one_run(words("Raise awareness", 40, 100) + words("All", 200, 100))
    assert not one_run([])


def test_section_line_crosses_a_column_boundary_from_the_first_column():
    args = (BOUNDARIES, FIRST, 560.0, 10.0, False, S)
    assert section_line(words(PRIORITY, 40, 100), *args)
    # a row line: text in two columns with a gutter between
    assert not section_line(words("Raise awareness", 40, 100) + words("All", 200, 100), *args)
    # a short unbold line inside the first column is an Action line
    assert not section_line(words("Reducing Youth Crime", 40, 100), *args)
    # heading-sized text, or text starting left of the column's text (outside the table)
    assert not section_line(words(PRIORITY, 40, 100, size=14), *args)
    assert not section_line(words(PRIORITY, 30, 100), *args)


def test_a_bold_line_in_the_first_column_is_a_section_unless_the_body_is_bold():
    ws = bold(words("Reducing Youth Crime", 40, 100))
    assert section_line(ws, BOUNDARIES, FIRST, 560.0, 10.0, False, S)
    assert not section_line(ws, BOUNDARIES, FIRST, 560.0, 10.0, True, S)


def test_heading_like_is_larger_or_bold():
    assert heading_like(words(PRIORITY, 40, 100, size=12), 10.0, False)
    assert heading_like(bold(words(PRIORITY, 40, 100)), 10.0, False)
    assert not heading_like(words(PRIORITY, 40, 100), 10.0, False)


def test_group_joins_lines_one_pitch_apart_unless_a_rule_is_between():
    lines = [line("Reduce crime, reoffending", 40, 100), line("and antisocial behaviour", 40, 112)]
    assert [len(s.lines) for s in group(lines, [])] == [2]
    assert [len(s.lines) for s in group(lines, [111.0])] == [1, 1]


def test_heading_above_a_header_is_the_block_just_above_it():
    title = line("Progress Update", 40, 40, size=16)
    head = line("Priority 1: " + PRIORITY, 40, 70, size=12)
    prose = line("The partnership met four times.", 40, 70)
    ws = {title: words(title.text, 40, 40, 16), head: words(head.text, 40, 70, 12),
          prose: words(prose.text, 40, 70)}
    assert heading_above([title, head], ws, 90, 10.0, False) == [head]
    assert heading_above([title, prose], ws, 90, 10.0, False) == []


# --- on a page ---------------------------------------------------------------------------


def test_section_rows_give_the_priority_and_do_not_end_the_table():
    ws = header(100)
    ws += bold(words("1. " + PRIORITY, 40, 125))
    ws += row(150, "Raise awareness.", "All", "Campaigns ran.")
    ws += row(180, "Engage the public.", "SCC", "Meetings held.")
    ws += bold(words("2. Protecting Vulnerable People", 40, 210))
    ws += row(235, "Support victims.", "SCC", "Referrals rose.")
    rules = [hrule(y, 35, 560) for y in (95, 118, 143, 173, 203, 228, 260)]
    rows, warnings = rows_of(page(ws, rules))
    assert not warnings
    assert [(r.cells["priority"], r.cells["action"]) for r in rows] == [
        (PRIORITY, "Raise awareness."), (PRIORITY, "Engage the public."),
        ("Protecting Vulnerable People", "Support victims.")]
    assert all(r.flags == ["priority_from_section"] for r in rows)


def test_section_row_at_the_top_of_the_next_page_without_header():
    p1 = header(100) + bold(words(PRIORITY, 40, 125)) + row(150, "Raise awareness.", "All",
                                                             "Campaigns ran.")
    p2 = bold(words("Protecting Vulnerable People", 40, 100)) + row(
        125, "Support victims.", "SCC", "Referrals rose.")
    rows, warnings = rows_of(page(p1), page(p2, number=2))
    assert not warnings
    assert [r.cells["priority"] for r in rows] == [PRIORITY, "Protecting Vulnerable People"]
    assert [r.page_start for r in rows] == [1, 2]


def heading(text, top):
    return bold(words(text, 40, top, size=12))


def titled_table(second_row):
    """The document's title, a heading naming priority 1, the header and two rows."""
    ws = words("Safe City Partnership Progress Update", 40, 40, size=16)
    ws += heading("Priority 1: " + PRIORITY, 70)
    ws += header(90) + row(110, "Raise awareness.", "All", "Campaigns ran.")
    return ws + row(135, *second_row)


SECOND_DRUGS = "Priority 2: Reduce the harm caused by drugs"


def test_a_table_per_priority_under_headings_on_one_page():
    ws = titled_table(("Engage the public.", "SCC", "Meetings held."))
    ws += heading(SECOND_DRUGS, 170)
    ws += header(190) + row(210, "Support treatment.", "SCC", "Services run.")
    rows, warnings = rows_of(page(ws))
    assert not warnings
    assert [(r.cells["priority"], r.cells["action"]) for r in rows] == [
        (PRIORITY, "Raise awareness."), (PRIORITY, "Engage the public."),
        ("Reduce the harm caused by drugs", "Support treatment.")]


def test_a_heading_at_the_foot_of_a_page_names_the_table_on_the_next():
    p1 = titled_table(("Engage the public in all areas.", "SCC", "Meetings held in each ward."))
    p1 += heading(SECOND_DRUGS, 600)
    p2 = header(60) + row(80, "Support treatment.", "SCC", "Services run.")
    rows, warnings = rows_of(page(p1), page(p2, number=2))
    assert not warnings
    assert [r.cells["priority"] for r in rows] == [PRIORITY, PRIORITY,
                                                   "Reduce the harm caused by drugs"]


def test_a_foot_heading_with_a_continued_line_under_it_names_the_next_table():
    p1 = titled_table(("Engage the public in all areas.", "SCC", "Meetings held in each ward."))
    p1 += heading(SECOND_DRUGS, 600) + words("Continued on next page", 400, 640)
    p2 = header(60) + row(80, "Support treatment.", "SCC", "Services run.")
    rows, warnings = rows_of(page(p1), page(p2, number=2))
    assert not warnings
    assert [r.cells["priority"] for r in rows] == [PRIORITY, PRIORITY,
                                                   "Reduce the harm caused by drugs"]
    table, _ = read_table(page(p1), Carry(), S)
    assert table is not None and [lo.text for lo in table.left_out] == ["Continued on next page"]


def test_the_title_over_the_header_is_no_heading():
    ws = words("Safe City Partnership Progress Update", 40, 60, size=16)
    ws += header(90) + bold(words(PRIORITY, 40, 110)) + row(130, "Raise awareness.", "All",
                                                           "Campaigns ran.")
    rows, warnings = rows_of(page(ws))
    assert not warnings and [r.cells["priority"] for r in rows] == [PRIORITY]


def test_rows_before_the_first_section_are_flagged():
    ws = header(100) + row(120, "Raise awareness.", "All", "Campaigns ran.")
    ws += bold(words(PRIORITY, 40, 150)) + row(170, "Engage the public.", "SCC", "Met.")
    rows, warnings = rows_of(page(ws))
    assert rows[0].flags == ["priority_missing"] and rows[0].cells["priority"] == ""
    assert [w.message for w in warnings] == ["a row before any priority text: priority left empty"]
    assert rows[1].cells["priority"] == PRIORITY


# --- stitching ---------------------------------------------------------------------------

COLS = [Column("action", 40, 200), Column("lead_agency", 200, 300), Column("update", 300, 560)]


def _table(number, *bands):
    return PageTable(number, COLS, list(bands), False, [], 40, 560, 12.0, 10.0,
                     {"action": 195, "lead_agency": 295, "update": 555})


def _section(number, top, text):
    return Band(number, top, top + 12, section=[line(text, 40, top)])


def _row(number, top, action):
    b = Band(number, top, top + 30)
    b.cells = {"action": [line(action, 40, top)], "lead_agency": [line("All", 200, top)],
               "update": [line("Done.", 300, top)]}
    return b


def test_a_section_row_running_over_a_page_break_is_one_priority():
    p1 = _table(1, _row(1, 100, "Raise awareness."), _section(1, 700, "1. Reduce crime,"))
    p2 = _table(2, _section(2, 60, "reoffending and antisocial behaviour"),
                _row(2, 80, "Engage the public."))
    drafts, warnings = stitch([p1, p2], S)
    assert [d.cells.get("priority") for d in drafts] == [None, PRIORITY]
    assert not warnings


def test_a_row_after_a_section_at_a_page_top_is_never_joined_to_the_row_before():
    p1 = _table(1, _section(1, 80, PRIORITY), _row(1, 100, "Raise awareness and"))
    p2 = _table(2, _section(2, 60, "Protecting Vulnerable People"),
                _row(2, 80, "engage the public."))
    drafts, _ = stitch([p1, p2], S)
    assert len(drafts) == 2
    assert drafts[1].cells["priority"] == "Protecting Vulnerable People"


def test_a_section_without_rows_is_warned():
    p1 = _table(1, _section(1, 80, PRIORITY), _section(1, 100, "Protecting Vulnerable People"),
                _row(1, 120, "Support victims."))
    drafts, warnings = stitch([p1], S)
    assert [w.message for w in warnings] == [
        f"a section heading with no rows after it: {PRIORITY!r}"]
    assert drafts[0].cells["priority"] == "Protecting Vulnerable People"


# --- end to end: a drawn PDF -------------------------------------------------------------


def _draw(path, sections):
    """A three-column table (Action | Lead | Update) drawn with reportlab: rows, and a bold
    section row above them when ``sections``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    y = A4[1] - 80

    def text(x, s, font="Helvetica"):
        canvas.setFont(font, 10)
        canvas.drawString(x, y, s)

    for x, label in zip(X, ("Action", "Lead", "Update")):
        text(x, label, "Helvetica-Bold")
    for name, actions in (("Reducing Youth Crime", ("Work with schools.", "Run youth clubs.")),
                          ("Protecting People", ("Support victims.",))):
        if sections:
            y -= 24
            text(X[0], name, "Helvetica-Bold")  # fits in the Action column: bold tells it
        for action in actions:
            y -= 24
            text(X[0], action)
            text(X[1], "SCC")
            text(X[2], "Work is under way.")
    canvas.save()


def test_bold_section_rows_in_a_pdf(tmp_path):
    from safecity_extract import extract

    _draw(tmp_path / "sections.pdf", sections=True)
    report = extract(tmp_path / "sections.pdf")
    assert [(r.get("priority"), r.get("action")) for r in report.rows] == [
        ("Reducing Youth Crime", "Work with schools."), ("Reducing Youth Crime", "Run youth clubs."),
        ("Protecting People", "Support victims.")]
    assert all(r.flags == ["priority_from_section"] for r in report.rows)
    assert not report.warnings


def test_no_priority_column_and_no_sections_is_still_warned(tmp_path):
    from safecity_extract import extract

    _draw(tmp_path / "plain.pdf", sections=False)
    report = extract(tmp_path / "plain.pdf")
    assert [r.get("priority") for r in report.rows] == ["", "", ""]
    assert [w.message for w in report.warnings] == [
        "the table has no Priority column: priority left empty"]
