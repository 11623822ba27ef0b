"""Link areas against the characters they cover (safecity_extract/links.py): an area on whole
words stays; one that cuts through words or covers none is moved to the line where whole
words fill its width (the header row's height preferred), or reported."""
from __future__ import annotations

from dataclasses import replace

from safecity_extract.links import (CUT, EXACT, WHOLE, LinkArea, LinkFit, char_lines, cover,
                                    fits, place)

W = 5.0  # every character 5 points wide, 10 points tall
URI = "https://example.org/toolkit"


def chars(text: str, x: float, top: float) -> list[dict]:
    """One line of text as pdfplumber's char records (spaces included)."""
    return [{"text": ch, "x0": x + k * W, "x1": x + (k + 1) * W, "top": top,
             "bottom": top + 10, "size": 10.0} for k, ch in enumerate(text)]


# "found here." at y 100, "So:Linked and more" at y 130 (the area of "here" drawn 30 lower).
PAGE = char_lines(chars("found here.", 100, 100) + chars("So:Linked and more", 100, 130), 2.0)
HERE = (130.0, 150.0, 100.0, 110.0)  # x0, x1, top, bottom of "here"


def _cover(box: tuple[float, float, float, float]) -> str:
    return cover(PAGE, box, 0.5, 1.5, 0.15)


def _fits(box: tuple[float, float, float, float]) -> tuple[LinkFit, ...]:
    return fits(PAGE, box, 0.5, 1.5, 0.15)


def test_an_area_on_a_word_without_its_full_stop_covers_it_exactly():
    assert _cover(HERE) == EXACT


def test_an_area_with_room_around_its_words_covers_them_whole():
    assert _cover((128.0, 152.0, 98.0, 112.0)) == WHOLE


def test_an_area_through_a_word_or_over_no_text_cuts():
    assert _cover((100.0, 120.0, 130.0, 140.0)) == CUT  # "So:L" of "So:Linked"
    assert _cover((130.0, 150.0, 115.0, 125.0)) == CUT  # between the lines


def test_the_line_where_whole_words_fill_the_area_is_found():
    low = (130.0, 150.0, 130.0, 140.0)  # "here" 30 points too low: "nked" of "So:Linked"
    assert _cover(low) == CUT
    assert _fits(low) == (LinkFit(-30.0, "here"),)
    # "So:L" ends inside a word on the other line too: no fit there
    assert _fits((100.0, 120.0, 100.0, 110.0)) == ()


def test_a_fit_takes_every_word_of_the_run():
    assert _fits((150.0, 165.0, 100.0, 110.0)) == (LinkFit(30.0, "and"),)
    assert _fits((100.0, 190.0, 100.0, 110.0)) == (LinkFit(30.0, "So:Linked and more"),)


def _link(text: str, *dys: float, how: str = CUT) -> LinkArea:
    return LinkArea(URI, text, 130.0, 150.0, 130.0, 140.0, how,
                    tuple(LinkFit(dy, f"word{k}") for k, dy in enumerate(dys)))


def test_an_exact_link_is_left_as_printed():
    link = _link("here", -30.0, how=EXACT)
    assert place(link, 30.0, 3.0) == (link, "")


def test_a_cut_link_moves_by_the_header_height_among_several_fits():
    moved, problem = place(_link("nked", 206.7, -30.4), 30.0, 3.0)
    assert problem == "" and moved is not None
    assert (moved.text, moved.top, moved.bottom, moved.moved) == ("word1", 99.6, 109.6, True)
    assert moved.cover == EXACT


def test_a_cut_link_with_one_fit_anywhere_moves_there():
    moved, _ = place(_link("", 55.0), None, 3.0)
    assert moved is not None and (moved.text, moved.top) == ("word0", 185.0)


def test_an_ambiguous_link_is_reported_and_left_out():
    link, problem = place(_link("nked", 206.7, -50.0), 30.0, 3.0)
    assert link is None
    assert problem == (f"link {URI!r} on 'nked' cuts through words; whole words would fit its "
                       "width on 2 other lines: left out")
    # two fits at the header's height are no better than none
    assert place(_link("", 30.0, -30.0), 30.0, 3.0)[0] is None
    link, problem = place(_link(""), 30.0, 3.0)
    assert link is None and problem == f"link {URI!r} covers no text: left out"


def test_a_link_on_whole_words_moves_only_by_the_header_height():
    whole = _link("and more", 55.0, how=WHOLE)
    assert place(whole, 30.0, 3.0) == (whole, "")
    moved, _ = place(replace(whole, fits=(LinkFit(-29.0, "here"),)), 30.0, 3.0)
    assert moved is not None and moved.text == "here"
