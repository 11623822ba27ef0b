"""Char-level reading: symbol-font bullets, glyphs drawn twice (fake bold), on hand-made char
records and on PDFs drawn with reportlab at test time (tests/drawn.py)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import safecity_extract as sx
from safecity_extract.cells import group_lines
from safecity_extract.chars import (BTT, BULLET, LTR, RTL, TTB, WINANSI_UNUSED, all_upright,
                                    blocks, bullet_codes, count_unnamed, direction,
                                    drop_doubled, has_doubled, has_unnamed, light_colours,
                                    lightness, plain_bullets, run_box, run_text, runs,
                                    split_directions, turn, turn_back, unnamed_bullets,
                                    watermark_chars)
from safecity_extract.geometry import steady_lines
from safecity_extract.pdf import Word
from safecity_extract.pdf import Document, PageData

from drawn import Cell, Spec, draw

DATA = Path(__file__).parent / "data" / "chars"


def char(text: str, x0: float, top: float, size: float = 10.0, width: float = 5.0,
         **extra: Any) -> dict[str, Any]:
    """A char record as pdfplumber gives it (upright, black), ``width`` points wide."""
    return {"text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + size,
            "size": size, "upright": True, "matrix": (size, 0, 0, size, x0, 800 - top),
            "ncs": "DeviceGray", "non_stroking_color": (0,), **extra}


def run(text: str, x0: float, top: float, width: float = 5.0) -> list[dict[str, Any]]:
    return [char(ch, x0 + k * width, top, width=width) for k, ch in enumerate(text)]


def texts(chars: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in chars)


# --- bullets -------------------------------------------------------------------------------


def test_symbol_font_bullets_become_the_bullet_character():
    chars = [char("\uf0b7", 10, 10), char("A", 20, 10), char("\uf0a7", 10, 30),
             char("\uf0d8", 10, 50), char("\uf0fc", 10, 70), char("\uf0e0", 10, 90)]
    out = plain_bullets(chars)
    # U+F0E0 is not a bullet glyph of Word's bullet fonts: left as printed
    assert texts(list(out)) == BULLET + "A" + BULLET * 3 + "\uf0e0"
    assert out[1] is chars[1] and chars[0]["text"] == "\uf0b7"  # the input is not modified


def test_a_page_without_symbol_bullets_keeps_its_char_list():
    chars = run("no bullets • here", 10, 10)
    assert plain_bullets(chars) is chars


def test_winansi_unused_codes_are_bullets_in_simple_fonts_only():
    assert WINANSI_UNUSED == {127, 129, 141, 143, 144, 157}
    assert bullet_codes("Type1", "WinAnsiEncoding") == WINANSI_UNUSED
    assert bullet_codes("TrueType", {"BaseEncoding": "WinAnsiEncoding"}) == WINANSI_UNUSED
    # a CID font's codes are glyph ids, a Type3 glyph is any drawing: nothing to tell
    assert bullet_codes("Type0", "WinAnsiEncoding") == frozenset()
    assert bullet_codes("Type3", "WinAnsiEncoding") == frozenset()
    # other encodings leave their unused codes undefined
    assert bullet_codes("Type1", "MacRomanEncoding") == frozenset()
    assert bullet_codes("Type1", None) == frozenset()
    assert bullet_codes("Type1", {"Differences": [127, "a"]}) == frozenset()


def test_differences_take_their_codes_out_of_the_bullets():
    encoding = {"BaseEncoding": "WinAnsiEncoding",
                "Differences": [127, "uni2713", 141, "a", "b", 200, "c"]}
    # 127 renamed; 141 and 142 (the run after 141) renamed; 143 and on untouched
    assert bullet_codes("Type1", encoding) == {129, 143, 144, 157}


def test_unnamed_codes_become_bullets_only_where_their_font_draws_one():
    chars = [char("(cid:127)", 10, 10, fontname="Helvetica"), char("A", 20, 10),
             char("(cid:127)", 10, 30, fontname="Other"),
             char("(cid:3)", 10, 50, fontname="Helvetica"),
             char("(cid:1277)", 10, 70, fontname="Helvetica")]
    out = unnamed_bullets(chars, {"Helvetica": WINANSI_UNUSED})
    assert [c["text"] for c in out] == [BULLET, "A", "(cid:127)", "(cid:3)", "(cid:1277)"]
    assert out[1] is chars[1] and chars[0]["text"] == "(cid:127)"  # the input is not modified
    plain = run("no codes here", 10, 10)
    assert unnamed_bullets(plain, {"Helvetica": WINANSI_UNUSED}) is plain
    assert has_unnamed(chars) and not has_unnamed(plain)


def test_glyphs_left_unnamed_are_counted_for_a_warning():
    assert count_unnamed(["(cid:3)(cid:4)", "plain", "a (cid:12) b", "(cid:"]) == 3
    assert count_unnamed([]) == 0


def test_a_bullet_drawn_in_a_standard_font_reads_as_the_bullet(tmp_path):
    # reportlab writes "•" in Helvetica as code 127 of WinAnsiEncoding (an unused code, which
    # the PDF spec says draws a bullet); pdfminer has no name for it.
    spec = Spec(labels=["Priority", "Action", "Lead Agency", "Update"],
                widths=[95, 150, 90, 200],
                rows=[[Cell(["Reduce crime"]), Cell(["Continue to raise awareness."]),
                       Cell(["All"]), Cell(["Intro line:", "• first item", "• second item"])]])
    pdf = draw(spec, tmp_path / "standard_bullet.pdf")
    report = sx.extract(pdf)
    assert report.rows[0].get("update") == "Intro line:\n• first item\n• second item"
    assert report.warnings == []


# --- doubled glyphs ------------------------------------------------------------------------


def test_a_run_painted_twice_is_read_once():
    chars = run("Theme", 10, 10) + run("Theme", 10, 10)
    assert texts(drop_doubled(chars, 1.0)) == "Theme"


def test_fake_bold_glyphs_offset_a_little_are_read_once():
    chars = []
    for k, ch in enumerate("项目"):
        chars += [char(ch, 10 + 10 * k, 10, width=10), char(ch, 10.4 + 10 * k, 10.2, width=10)]
    kept = drop_doubled(chars, 1.0)
    assert texts(kept) == "项目" and [c["x0"] for c in kept] == [10, 20]


def test_letters_side_by_side_are_not_twins():
    # "ll" in a narrow font: the second l starts 2 points after the first, closer than the
    # tolerance would allow on its own, but more than half a glyph away
    chars = [char("a", 10, 10, width=4.4), char("l", 14.4, 10, width=2.0),
             char("l", 16.4, 10, width=2.0)]
    assert drop_doubled(chars, 1.0) == chars
    # one line below, or another size, is not the same glyph either
    assert len(drop_doubled([char("x", 10, 10), char("x", 10, 11.5)], 1.0)) == 2
    assert len(drop_doubled([char("x", 10, 10), char("x", 10, 10, size=12)], 1.0)) == 2


def test_twins_across_a_bucket_boundary_are_found():
    assert texts(drop_doubled([char("x", 10, 9.9), char("x", 10.2, 10.1)], 1.0)) == "x"


def test_has_doubled_looks_at_repeated_letters_of_words():
    bold = run("TThhee", 10, 10)
    for k in range(1, 6, 2):  # every second glyph is a copy of the one before
        bold[k] = char(bold[k]["text"], bold[k - 1]["x0"] + 0.3, 10)
    assert has_doubled([("TThhee", bold)], 1.0)
    assert not has_doubled([("all", run("all", 10, 10)), ("see", run("see", 40, 10))], 1.0)
    # a ligature expanded into two letters: text and chars differ in length, still checked
    fi = [char("ﬁ", 10, 10), char("ﬁ", 10.2, 10)]
    assert has_doubled([("fifi", fi)], 1.0)
    assert not has_doubled([("fi", fi[:1])], 1.0)


# --- directions and watermarks ------------------------------------------------------------


def turned(text: str, x0: float, top: float, a: float, b: float, **extra: Any) -> dict[str, Any]:
    """A char whose text matrix runs along (a, b) in PDF space (y up)."""
    return char(text, x0, top, matrix=(a, b, -b, a, x0, 800 - top), **extra)


def test_direction_from_the_text_matrix():
    assert direction(turned("a", 0, 0, 10, 0)) == LTR
    assert direction(turned("a", 0, 0, 0, 10)) == BTT      # a quarter turn anticlockwise
    assert direction(turned("a", 0, 0, 0, -10)) == TTB
    assert direction(turned("a", 0, 0, -10, 0)) == RTL     # upside down
    assert direction(turned("a", 0, 0, 10, 0.2)) == LTR    # about 1 degree off: still along x
    assert direction(turned("a", 0, 0, 7.07, 7.07)) is None  # 45 degrees: a watermark
    # an oblique (synthetic italic) font skews the glyph, not the baseline
    assert direction(char("a", 0, 0, matrix=(10, 0, 2, 10, 0, 0))) == LTR
    assert all_upright([char("a", 0, 0), char("b", 5, 0)]) and all_upright([])
    assert not all_upright([char("a", 0, 0), turned("b", 5, 0, 0, 10)])
    assert not all_upright([turned("b", 5, 0, -10, 0)])


def test_lightness_of_colours():
    assert lightness("DeviceGray", (0,)) == 0 and lightness("DeviceGray", (1.0,)) == 1
    assert lightness("DeviceRGB", (1, 1, 1)) == pytest.approx(1)
    assert lightness("DeviceCMYK", (0, 0, 0, 1)) == 0
    assert lightness("DeviceCMYK", (0, 0, 0, 0.1)) == pytest.approx(0.9)
    assert lightness("Separation", (1.0,)) == 0  # a full tint of a spot ink
    assert lightness("Pattern", ("P1",)) is None and lightness("DeviceRGB", None) is None
    assert lightness("ICCBased", 0.5) == 0.5


def test_light_colours_are_measured_against_the_body_text():
    body = run("body text", 10, 10)
    grey = [char("D", 10, 40, non_stroking_color=(0.85,))]
    mid = [char("x", 10, 60, non_stroking_color=(0.5,))]
    assert light_colours(body + grey + mid, 0.7, 0.4) == {("DeviceGray", (0.85,))}
    # on a page whose body text is itself light grey, nothing is far lighter
    pale = [dict(c, non_stroking_color=(0.6,)) for c in body]
    assert light_colours(pale + grey, 0.7, 0.4) == set()


def test_watermark_chars_keep_white_text_on_dark_fills_and_images():
    body = run("body", 10, 10)
    light = {("DeviceGray", (1.0,)), ("DeviceGray", (0.9,))}
    white = char("H", 100, 100, non_stroking_color=(1.0,))
    pale = char("D", 300, 300, non_stroking_color=(0.9,))
    diagonal = turned("A", 200, 200, 7.07, 7.07)
    backdrops = [((90, 90, 200, 120), 0.2),      # a dark header band behind the white text
                 ((280, 280, 400, 400), 0.95)]   # a paler cell fill under the grey text
    marks = watermark_chars(body + [white, pale, diagonal], light, backdrops, 0.4)
    assert marks == [False] * 4 + [False, True, True]
    on_image = watermark_chars([pale], light, [((280, 280, 400, 400), None)], 0.4)
    assert on_image == [False]


def test_runs_group_marked_chars_as_drawn():
    chars = run("ab", 10, 10) + run("DRAFT", 100, 100) + run("cd", 10, 20) + run("X", 5, 5)
    marks = [False] * 2 + [True] * 5 + [False] * 2 + [True]
    got = runs(chars, marks)
    assert [run_text(r) for r in got] == ["DRAFT", "X"]
    assert run_box(got[0]) == (100, 100, 125, 110)


# --- rotated text --------------------------------------------------------------------------


def test_split_directions_keeps_stream_order_per_direction():
    up = [turned("a", 0, 0, 10, 0), turned("b", 5, 0, 10, 0)]
    btt = [turned("c", 0, 50, 0, 10), turned("d", 0, 40, 0, 10)]
    ttb = [turned("e", 0, 50, 0, -10)]
    upright, others = split_directions([up[0], btt[0], ttb[0], btt[1], up[1]])
    assert upright == up and others == {BTT: btt, TTB: ttb}


@pytest.mark.parametrize("way", [BTT, TTB, RTL, LTR])
def test_turning_a_box_and_back_gives_the_box(way):
    box = (100.0, 110.0, 300.0, 340.0)  # x0, x1, top, bottom: a tall narrow glyph run
    c = turn({"text": "x", "x0": 100.0, "x1": 110.0, "top": 300.0, "bottom": 340.0,
              "size": 40.0}, way, 600, 800)
    assert turn_back((c["x0"], c["x1"], c["top"], c["bottom"]), way, 600, 800) == box
    assert c["x1"] - c["x0"] > 0 and c["size"] == c["bottom"] - c["top"]


def test_text_read_upwards_becomes_left_to_right_in_its_frame():
    # "ab" written bottom to top at x = 50: "a" below "b"
    a = {"text": "a", "x0": 50.0, "x1": 60.0, "top": 395.0, "bottom": 400.0, "size": 5.0}
    b = {"text": "b", "x0": 50.0, "x1": 60.0, "top": 390.0, "bottom": 395.0, "size": 5.0}
    fa, fb = turn(a, BTT, 600, 800), turn(b, BTT, 600, 800)
    assert fa["x0"] < fb["x0"] and fa["top"] == fb["top"] == 50.0 and fa["size"] == 10.0


def fw(text: str, x0: float, top: float, size: float = 10.0) -> dict[str, Any]:
    """A word in a turned frame, 5 points per character."""
    return {"text": text, "x0": x0, "x1": x0 + 5 * len(text), "top": top,
            "bottom": top + size}


def test_blocks_join_lines_as_cells_do():
    words = [fw("Reduce", 0, 0), fw("crime,", 35, 0), fw("anti-", 0, 12),
             fw("social", 0, 24), fw("behaviour", 35, 24),
             fw("Second", 0, 48), fw("paragraph", 40, 48)]
    (block,) = blocks(words, 1.45)
    assert block.text == "Reduce crime, anti-social behaviour\n\nSecond paragraph"
    assert (block.x0, block.top, block.bottom) == (0, 0, 58)


def test_blocks_apart_on_the_same_baseline_or_far_below_are_separate():
    words = [fw("first", 0, 0), fw("cell", 0, 12),
             fw("second", 200, 0), fw("cell", 200, 12),   # same baselines, far along
             fw("third", 0, 100)]                         # far below
    assert [b.text for b in blocks(words, 1.45)] == ["first cell", "second cell", "third"]


def test_a_rotated_block_is_a_line_of_its_own():
    tall = Word("Reduce crime", 10, 20, 100, 300, 9.0, BTT)
    beside = [Word("one", 40, 60, 100, 109, 9.0), Word("two", 40, 60, 150, 159, 9.0),
              Word("three", 40, 70, 200, 209, 9.0)]
    for lines in (group_lines([tall, *beside]), steady_lines([tall, *beside], 0.3)):
        assert sorted(ln.text for ln in lines) == ["Reduce crime", "one", "three", "two"]
    assert [ln.text for ln in group_lines([tall, *beside])][:2] == ["one", "Reduce crime"]


# --- on drawn PDFs -------------------------------------------------------------------------


def _spec(name: str) -> tuple[Spec, list[dict[str, str]]]:
    raw = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    return Spec.of(raw), raw["expected"]


def _pages(path: Path) -> list[PageData]:
    with Document(path) as doc:
        return [p for p in doc.pages() if isinstance(p, PageData)]


@pytest.fixture(scope="module")
def bullets_doubled(tmp_path_factory) -> Path:
    spec, _ = _spec("bullets_doubled")
    return draw(spec, tmp_path_factory.mktemp("chars") / "bullets_doubled.pdf")


def test_page_words_have_plain_bullets_and_single_glyphs(bullets_doubled):
    words = [w.text for w in _pages(bullets_doubled)[0].words]
    assert "\uf0b7" not in "".join(words) and "\uf0a7" not in "".join(words)
    assert words.count(BULLET) == 4
    assert "Continue" in words and "Support" in words
    assert not any(w.startswith(("CC", "SS", "aann")) for w in words)


def test_report_with_symbol_bullets_and_doubled_glyphs_is_exact(bullets_doubled):
    report = sx.extract(bullets_doubled)
    _, expected = _spec("bullets_doubled")
    got = [{k: row.get(k) for k in expected[0]} for row in report.rows]
    assert got == expected
    assert report.warnings == []


def test_generic_mode_reads_doubled_glyphs_once(bullets_doubled):
    (table,) = sx.find_tables(bullets_doubled)
    grid = table.grid()
    assert grid[1][1] == "Continue to raise awareness of crime prevention."
    assert grid[2][1] == "Support victims of crime and their families."


@pytest.mark.parametrize("name", ["watermark", "light_watermark"])
def test_watermarks_are_left_out_and_counted(name, tmp_path):
    spec, expected = _spec(name)
    pdf = draw(spec, tmp_path / f"{name}.pdf")
    (page,) = _pages(pdf)
    mark = spec.watermark["text"]
    assert [lo.reason for lo in page.left_out] == ["watermark"]
    assert page.left_out[0].text == mark
    assert not any(mark[:2] in w.text or w.text in mark for w in page.words)
    report = sx.extract(pdf)
    assert [{k: row.get(k) for k in expected[0]} for row in report.rows] == expected
    assert report.warnings == []


def test_rotated_priority_cells_are_one_word_each_in_their_column(tmp_path):
    spec, _ = _spec("rotated_priority")
    (page,) = _pages(draw(spec, tmp_path / "rotated.pdf"))
    turned_words = [w for w in page.words if w.direction != LTR]
    assert [(w.text, w.direction) for w in turned_words] == [
        ("Reduce crime, reoffending and antisocial behaviour", BTT),
        ("Protecting Vulnerable People", TTB)]
    left, right = 40, 40 + spec.widths[0]
    assert all(left < w.x0 < w.x1 < right and w.bottom - w.top > 50 for w in turned_words)
    assert all(w.size == spec.size for w in turned_words)


def test_table_with_a_rotated_priority_column_is_exact(tmp_path):
    spec, expected = _spec("rotated_priority")
    report = sx.extract(draw(spec, tmp_path / "rotated.pdf"))
    assert [{k: row.get(k) for k in expected[0]} for row in report.rows] == expected
    assert [row.flags for row in report.rows] == [[], ["priority_filled_down"]] * 2
    assert report.warnings == []


def test_blocks_on_one_baseline_are_apart_across_a_drawn_line():
    # two rotated cells stacked in one column read, in the turned frame, as two runs on one
    # baseline a space apart; the row rule between them stands upright in that frame
    words = [fw("People", 0, 0), fw("Reduce", 40, 0), fw("harm", 40, 12)]
    assert [b.text for b in blocks(words, 1.45)] == ["People Reduce harm"]
    wall = (35.0, 35.5, -20.0, 100.0)
    assert [b.text for b in blocks(words, 1.45, [wall])] == ["People", "Reduce harm"]
    flat = (0.0, 100.0, 35.0, 35.5)  # a line along the text parts nothing
    assert [b.text for b in blocks(words, 1.45, [flat])] == ["People Reduce harm"]


SAMPLE_PDFS = sorted((Path(__file__).parent.parent / "samples").glob("*.pdf")) + sorted(
    (Path(__file__).parent.parent / "samples" / "realworld").glob("*.pdf"))


def _records(objects: dict[str, list[dict[str, Any]]]) -> list[tuple[str, list[Any]]]:
    """Objects by kind as comparable lists: key order and values of each record."""
    return [(kind, [list(r.items()) for r in records]) for kind, records in objects.items()]


@pytest.mark.parametrize("pdf", SAMPLE_PDFS, ids=lambda p: p.name)
def test_page_objects_equal_pdfplumbers(pdf):
    """pdf.page_objects builds char records itself (pdfplumber's process_object is slow):
    they must stay equal to pdfplumber's, key order included, on every sample page."""
    import pdfplumber

    from safecity_extract.pdf import page_objects

    with pdfplumber.open(pdf, raise_unicode_errors=False) as handle:
        for page in handle.pages:
            ours = page_objects(page)
            assert _records(ours) == _records(page.objects), f"page {page.page_number}"
            page.close()


def test_drawn_turned_and_watermarked_pages_have_pdfplumbers_objects(tmp_path):
    import pdfplumber

    from safecity_extract.pdf import page_objects

    for name in ("rotated_priority", "watermark", "light_watermark", "bullets_doubled"):
        spec, _ = _spec(name)
        with pdfplumber.open(draw(spec, tmp_path / f"{name}.pdf")) as handle:
            for page in handle.pages:
                assert _records(page_objects(page)) == _records(page.objects), name
