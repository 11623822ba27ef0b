"""Cell text rules on hand-made lines: joins, hyphens, paragraphs, bullets, whitespace."""
from safecity_extract.cells import (cell_text, group_lines, join_paragraph, join_parts,
                                    join_two, tidy, wrapped)
from tests.helpers import line, words


def test_wrapped_lines_join_with_one_space():
    assert join_paragraph(["The police produce a", "monthly newsletter "]) == \
        "The police produce a monthly newsletter"


def test_line_end_hyphen_is_kept_and_joined_without_space():
    assert join_two("tackle anti-", "social behaviour") == "tackle anti-social behaviour"


def test_soft_hyphen_at_line_end_is_dropped():
    assert join_two("commu\u00ad", "nity") == "community"


def test_spaced_dash_at_line_end_keeps_the_space():
    assert join_two("1,240 visits to residents –", "over 23 per week") == \
        "1,240 visits to residents – over 23 per week"


def test_lone_hyphen_word_is_not_a_hyphenation():
    assert join_two("red -", "green") == "red - green"


def test_typographic_characters_survive():
    text = join_paragraph(["addressing “cuckooing”, ACE’s & <30 year", "old renters ( >65)"])
    assert text == "addressing “cuckooing”, ACE’s & <30 year old renters ( >65)"


def test_tidy_collapses_double_spaces_and_strips():
    assert tidy("  remains  strong.  ") == "remains strong."


def test_bullet_line_starts_a_new_line():
    assert join_paragraph(["Actions:", "• first item that", "wraps", "• second"]) == \
        "Actions:\n• first item that wraps\n• second"


def test_en_dash_at_line_start_is_not_a_bullet():
    assert join_paragraph(["residents", "– over 23"]) == "residents – over 23"


def test_paragraph_gap_gives_blank_line():
    lines = [line("First paragraph", 0, 0), line("goes on.", 0, 12),
             line("Second one.", 0, 36)]
    assert cell_text(lines, pitch=12, gap_ratio=1.45) == "First paragraph goes on.\n\nSecond one."


def test_normal_line_pitch_is_not_a_paragraph():
    lines = [line("one", 0, 0), line("two", 0, 13), line("three", 0, 26)]
    assert cell_text(lines, pitch=13, gap_ratio=1.45) == "one two three"


def test_group_lines_orders_words_and_separates_lines():
    ws = words("second line", 0, 20) + words("first line", 0, 0)
    assert [ln.text for ln in group_lines(ws)] == ["first line", "second line"]


def test_wrapped_when_next_word_would_not_fit():
    last = line("strong pathways of support are", 0, 0)   # ends at x=150
    following = line("available for vulnerable", 0, 100)    # first word 45 wide
    assert wrapped(last, right_limit=180, following=following)


def test_not_wrapped_when_next_word_would_fit():
    last = line("and West Quay.", 0, 0)                     # ends at x=70
    following = line("Operation Turbulent", 0, 100)
    assert not wrapped(last, right_limit=300, following=following)


def test_join_parts_paragraph_or_line():
    assert join_parts("in 2019.", "A Police led", True) == "in 2019.\n\nA Police led"
    assert join_parts("the Street", "Support Action Group.", False) == \
        "the Street Support Action Group."
    assert join_parts("", "only after", True) == "only after"


def test_a_list_item_opening_the_next_page_starts_its_own_line():
    # the page break hides any blank line above it: the item goes on the next line, as the
    # items of a list do, whatever the paragraph test said
    for new_paragraph in (True, False):
        assert join_parts("Intro line:\n• first item.", "• second item", new_paragraph) == \
            "Intro line:\n• first item.\n• second item"
    assert join_parts("opportunities.", "\u2022 The Integrated", True) == \
        "opportunities.\n• The Integrated"
