"""Char-level reading: symbol-font bullets, glyphs drawn twice (fake bold), on hand-made char
records and on PDFs drawn with reportlab at test time (tests/drawn.py)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import safecity_extract as sx
from safecity_extract.chars import BULLET, drop_doubled, has_doubled, plain_bullets
from safecity_extract.pdf import Document, PageData

from drawn import Spec, draw

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
