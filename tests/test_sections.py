"""Section rows and headings as priority (issue 12, families 7 and 8) on hand-made words."""
from dataclasses import replace

from safecity_extract.sections import (group, heading_above, heading_like, one_run,
                                       section_line, strip_numbering)
from safecity_extract.settings import Settings
from tests.helpers import line, words

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
    args = (BOUNDARIES, FIRST, 560.0, 10.0, False, S.heading_size_ratio)
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
    assert section_line(ws, BOUNDARIES, FIRST, 560.0, 10.0, False, S.heading_size_ratio)
    assert not section_line(ws, BOUNDARIES, FIRST, 560.0, 10.0, True, S.heading_size_ratio)


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


