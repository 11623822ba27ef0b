"""Continuation markers ("Continued on next page", "(continued)") on hand-made words."""
from __future__ import annotations

import pytest

from safecity_extract.markers import (REASON, is_marker, marker_key, markers_outside,
                                      split_markers)
from safecity_extract.pdf import Word


def line(text: str, x0: float, top: float, size: float = 9.0) -> list[Word]:
    """The words of ``text`` on one line from ``x0``, 5 points per character."""
    out, x = [], x0
    for part in text.split():
        out.append(Word(part, x, x + 5 * len(part), top, top + size, size))
        x += 5 * len(part) + 3
    return out


@pytest.mark.parametrize("text", ["Continued on next page", "(continued)", "CONTINUED",
                                  "Cont’d", "cont'd.", "Continued overleaf…",
                                  "(Continued on the next page)", "continued from previous page"])
def test_marker_lines_are_known_whatever_their_case_brackets_and_dots(text):
    assert is_marker(text)


@pytest.mark.parametrize("text", ["Continue to raise awareness", "continued funding",
                                  "Work continued", "Priority (continued) 2", "next page", ""])
def test_other_lines_are_not_markers(text):
    assert not is_marker(text)


def test_marker_key_normalises_case_apostrophes_and_brackets():
    assert marker_key("  (Cont’d…) ") == "cont'd"
    assert marker_key("Continued  on next page.") == "continued on next page"


def test_a_marker_line_at_the_foot_and_at_the_head_is_left_out():
    head = line("(continued)", 40, 50)
    body = line("Support victims", 40, 70) + line("Hampshire Constabulary", 200, 70)
    foot = line("Continued on next page", 300, 700)
    kept, left = split_markers(head + body + foot)
    assert kept == body
    assert [(lo.text, lo.reason) for lo in left] == [("(continued)", REASON),
                                                      ("Continued on next page", REASON)]
    assert (left[1].x0, left[1].top) == (300, 700)


def test_a_marker_inside_the_table_or_sharing_its_line_is_kept():
    middle = line("(continued)", 40, 300)
    words = line("Support victims", 40, 70) + middle + line("Last line", 40, 600)
    assert split_markers(words) == (words, ())
    # at the foot, but on one line with a cell's text: not a line of its own
    shared = line("Last line", 40, 700) + line("Continued", 300, 700)
    words = line("Support victims", 40, 70) + shared
    assert split_markers(words) == (words, ())


def test_no_words_no_markers():
    assert split_markers([]) == ([], ())


def test_a_marker_line_just_over_the_header_and_under_the_foot_is_found():
    running = line("Southampton Safe City Partnership", 40, 20)
    head = line("(continued)", 40, 50)
    header = line("Priority Action Update", 40, 70)
    foot = line("Continued on next page", 300, 700)
    number = line("Page 4 of 5", 250, 760)
    page = running + head + header + line("Support victims", 40, 90) + foot + number
    words, left = markers_outside(page, head=70.0, foot=650.0)
    assert [w.text for w in words] == ["(continued)", "Continued", "on", "next", "page"]
    assert [(lo.text, lo.reason) for lo in left] == [("(continued)", REASON),
                                                     ("Continued on next page", REASON)]
    # only the nearest line on each side, and no header: nothing above is looked at
    assert markers_outside(running + header + number, head=70.0, foot=650.0) == ([], ())
    assert markers_outside(head + header, head=None, foot=650.0) == ([], ())
