"""Open a PDF and yield its pages as plain data: words, rules and links.

The only module that imports pdfplumber. Each page is parsed once, turned into small frozen
records and closed before the next one is read, so memory does not grow with page count.
"""
from __future__ import annotations

import functools
import logging
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .chars import (Box, Char, all_upright, blocks, bullet_codes, drop_doubled,
                    has_doubled, has_unnamed, light_colours, lightness, plain_bullets, run_box,
                    run_text, runs, split_directions, turn, turn_back, turn_box, unnamed_bullets,
                    watermark_chars)
from . import limits
from .errors import (DamagedPage, DamagedPDF, EmptyFile, EncryptedPDF, HostilePDF, NotAPDF,
                     NotARegularFile, OcrUnavailable, PagesOutOfRange, SafecityError,
                     TooLarge, UnreadableFile)
from .links import EXACT, LinkArea as LinkArea, char_lines, cover, fits
from .limits import (LimitExceeded, capped_resolution, install_pdfminer_limits,
                     regular_file_problem)
from .options import OCR_MODES
from .records import Rule as Rule, Word as Word
from .settings import Settings

# pdfminer logs font and syntax quirks at WARNING; with no handler configured Python would
# print them on stderr, without the file's name, burying the one-line errors. pdfplumber too
# ("[WARNING] Metadata key ... could not be parsed": a metadata value we cannot read only loses
# the title), and pypdfium2, which draws page images. Applications that set up logging still
# receive them through propagation.
_LIBRARIES = ("pdfminer", "pdfplumber", "pypdfium2")
for _name in _LIBRARIES:
    logging.getLogger(_name).addHandler(logging.NullHandler())


def quiet_library_warnings() -> None:
    """Drop the Python warnings (``warnings.warn``) those libraries print on stderr, such as
    pdfplumber's "Could not decode Contents of annotation": text we never use, and a line
    that names no file. Called where a PDF is opened (idempotent: filterwarnings replaces an
    equal filter), so a program that resets its filters does not bring them back."""
    warnings.filterwarnings("ignore", module=r"(%s)(\.|$)" % "|".join(_LIBRARIES))


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page that could not be parsed; the rest of the document still is."""

    number: int
    error: SafecityError


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Text on the page that is not read into words, and why: "watermark" (text at an
    angle, or far lighter than the body text and not on a darker fill)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    reason: str


@dataclass(frozen=True, slots=True)
class PageData:
    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]
    rules: tuple[Rule, ...]
    links: tuple[LinkArea, ...]
    left_out: tuple[LeftOut, ...] = ()  # text set aside before words were made
    ocr: bool = False  # words read by OCR from the page image (rules too, if it drew none)
    # On an OCR page: ink OCR read no text from, (x0, top, x1, bottom) in points.
    unread: tuple[tuple[float, float, float, float], ...] = ()
    # Text running another way than left to right, by way ("btt", "ttb", "rtl"): its words as
    # seen with the page turned so that it reads left to right (chars.turn_box), one Word per
    # word, not per block; generic mode reads a turned table from them.
    frames: tuple[tuple[str, tuple[Word, ...]], ...] = ()


# Signatures of files that are often renamed to .pdf by mistake.
_MAGIC = (
    (b"PK\x03\x04", "a ZIP or Word .docx/.xlsx file"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Excel .doc/.xls file"),
    (b"{\\rtf", "an RTF file"),
    (b"<!DOCTYPE html", "an HTML page"),
    (b"<html", "an HTML page"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def sniff(path: str | os.PathLike[str]) -> None:
    """Raise EmptyFile, NotAPDF, TooLarge or UnreadableFile from the size and first bytes,
    before pdfminer sees the file."""
    kind = regular_file_problem(path)
    if kind and kind != "a folder":  # a folder: open() says so below
        raise NotARegularFile(str(path), kind)
    try:
        with open(path, "rb") as fh:
            if not kind and os.fstat(fh.fileno()).st_size > limits.MAX_PDF_BYTES:
                raise TooLarge(str(path), limits.MAX_PDF_BYTES)
            head = fh.read(1024)
    except OSError as exc:
        raise UnreadableFile(str(path), exc) from exc
    if not head:
        raise EmptyFile(str(path))
    if b"%PDF-" in head:
        return
    lowered = head.lstrip().lower()
    for magic, what in _MAGIC:
        if head.startswith(magic) or lowered.startswith(magic.lower()):
            raise NotAPDF(str(path), _zip_kind(path) if magic == b"PK\x03\x04" else what)
    raise NotAPDF(str(path))


# Office documents are ZIP files; the first entry that names the kind tells which.
_ZIP_KINDS = (
    ("word/", "a Word .docx file"),
    ("xl/", "an Excel .xlsx file"),
    ("ppt/", "a PowerPoint .pptx file"),
    ("content.xml", "an OpenDocument (LibreOffice) file"),
)


def _zip_kind(path: str | os.PathLike[str]) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return "a ZIP or Word .docx/.xlsx file"
    for prefix, what in _ZIP_KINDS:
        if any(name.startswith(prefix) for name in names):
            return what
    return "a ZIP archive"


def _classify(path: str, exc: BaseException, password: str | None,
              page: int | None = None) -> SafecityError:
    """Turn a pdfminer/pdfplumber failure into one of our errors (DamagedPage for one page)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, LimitExceeded):
        return HostilePDF(path, f"page {page}: {inner}" if page else str(inner))
    name = type(inner).__name__
    if name == "PDFPasswordIncorrect":
        return EncryptedPDF(path, wrong_password=bool(password))
    detail = " ".join(f"{name}: {inner}".split()).rstrip(":")[:120]
    if name == "PDFEncryptionError":
        # pdfminer appends the whole /Encrypt dictionary ("...: param={...}"): keep the reason
        return EncryptedPDF(path, unsupported=str(inner).split(": param=")[0][:120])
    if page is not None:
        return DamagedPage(path, page, detail)
    return DamagedPDF(path, detail)


# --- the page's objects ----------------------------------------------------------------------
#
# pdfplumber reads a page by having pdfminer interpret its content streams into layout objects
# (an LTChar per glyph), then turns each object into a dict with ``Page.process_object``, which
# resolves every attribute recursively and runs a regular expression on the class name. On a
# text page both steps cost as much as interpreting the page. Here the streams are read by
# content.Interpreter, and each glyph becomes its char record as it is drawn (the same keys,
# order and values as pdfplumber's, computed by pdfminer's own font functions), with no LTChar
# between; every other object still goes through pdfplumber. tests/test_chars.py and
# tests/test_content.py compare the records with pdfplumber's on every page of the repository.

Objects = dict[str, list[dict[str, Any]]]  # a page's object records by kind, as pdfplumber's
_PLAIN_TYPES = frozenset((float, int, str, bool, type(None)))


def page_objects(page: Any) -> Objects:
    """The page's objects by kind ("char", "rect", "line", "curve", "image", ...), equal to
    pdfplumber's ``page.objects`` for a PDF opened without layout analysis (laparams None,
    as Document opens them)."""
    from pdfminer.layout import LTContainer

    out: Objects = {}
    process = page.process_object
    todo = [iter(_layout(page)._objs)]
    while todo:
        obj = next(todo[-1], None)
        if obj is None:
            todo.pop()
        elif type(obj) is dict:  # a char record, made as the glyph was drawn
            out.setdefault("char", []).append(obj)
        elif isinstance(obj, LTContainer):
            todo.append(iter(obj._objs))
        else:
            record = process(obj)
            if record["object_type"] != "anno":
                out.setdefault(record["object_type"], []).append(record)
    return out


def _layout(page: Any) -> Any:
    """pdfminer's layout of the page (an LTPage) with char records in place of LTChars."""
    from .content import Interpreter

    device = _device_class()(page)
    Interpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    return device.get_result()


@functools.cache
def _device_class() -> Any:
    """pdfplumber's layout device whose glyphs are char records: the LTChar pdfminer would
    make, as pdfplumber's record of it (a plain dict), added where pdfminer adds its LTChars.
    Marked-content tags are set on them as pdfplumber sets them on LTChars: on the last
    object added, whatever drew it."""
    from pdfminer.pdffont import PDFUnicodeNotDefined
    from pdfminer.utils import apply_matrix_rect
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent, fix_fontname_bytes
    from pdfplumber.utils.pdfinternals import resolve_and_decode
    from unicodedata import normalize

    class CharDevice(PDFPageAggregatorWithMarkedContent):
        def __init__(self, page: Any) -> None:
            super().__init__(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None)
            self.number = page.page_number
            self.height = page.height
            self.mb_x0, self.mb_top = page.mediabox[:2]
            self.doctop0 = page.initial_doctop
            self.norm = page.pdf.unicode_norm
            self.spaces: dict[Any, Any] = {}

        def render_char(self, matrix: Any, font: Any, fontsize: float, scaling: float,
                        rise: float, cid: int, ncs: Any, graphicstate: Any) -> float:
            # pdfminer's PDFLayoutAnalyzer.render_char and LTChar.__init__, then pdfplumber's
            # process_object, in their order and with their arithmetic
            try:
                text = font.to_unichr(cid)
                assert isinstance(text, str), str(type(text))
            except PDFUnicodeNotDefined:
                text = f"(cid:{cid})"
            adv: float = font.char_width(cid) * fontsize * scaling
            vertical = font.is_vertical()
            if vertical:
                vx, vy = font.char_disp(cid)
                vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
                vy = (1000 - vy) * fontsize * 0.001
                bbox = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
            else:
                descent = font.get_descent() * fontsize
                bbox = (0, descent + rise, adv, descent + rise + fontsize)
            a, b, c, d = matrix[:4]
            x0, y0, x1, y1 = apply_matrix_rect(matrix, bbox)
            if x1 < x0:
                x0, x1 = x1, x0
            if y1 < y0:
                y0, y1 = y1, y0
            width, height = x1 - x0, y1 - y0
            gs = graphicstate
            record = {
                "matrix": matrix, "fontname": font.fontname, "adv": adv,
                "upright": a * d * scaling > 0 and b * c <= 0,
                "x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": width, "height": height,
                "size": width if vertical else height, "mcid": _resolved(self.cur_mcid),
                "tag": _resolved(self.cur_tag), "object_type": "char",
                "page_number": self.number, "ncs": self._space(ncs),
                "text": normalize(self.norm, text) if self.norm is not None else text,
                "stroking_color": gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,),
                "non_stroking_color": (gs.ncolor if isinstance(gs.ncolor, tuple)
                                       else (gs.ncolor,)),
                "top": (self.height - y1) + self.mb_top,
                "bottom": (self.height - y0) + self.mb_top}
            record["doctop"] = self.doctop0 + record["top"]
            if type(record["fontname"]) is not str:
                name = record["fontname"]
                record["fontname"] = (fix_fontname_bytes(name) if isinstance(name, bytes)
                                      else _resolved(name))
            if not _PLAIN_TYPES.issuperset(map(type, matrix)):
                record["matrix"] = _resolved(matrix)
            if self.mb_x0 != 0:
                record["x0"] = x0 + self.mb_x0
                record["x1"] = x1 + self.mb_x0
            placed: list[Any] = self.cur_item._objs
            placed.append(record)
            return adv

        def _space(self, ncs: Any) -> Any:
            """The colour space's name, decoded as pdfplumber does (once per name)."""
            name = ncs.name
            try:
                return self.spaces[name]
            except KeyError:
                value = self.spaces[name] = resolve_and_decode(name)
                return value
            except TypeError:  # an unhashable name
                return resolve_and_decode(name)

        def tag_cur_item(self) -> None:
            objs: list[Any] = self.cur_item._objs
            if objs and type(objs[-1]) is dict:
                objs[-1]["mcid"] = _resolved(self.cur_mcid)
                objs[-1]["tag"] = _resolved(self.cur_tag)
            else:
                super().tag_cur_item()

    return CharDevice


def _resolved(value: Any) -> Any:
    """A record's value as pdfplumber keeps it: PDF objects resolved, plain values as they
    are (checked first: nearly every value is plain)."""
    if type(value) in _PLAIN_TYPES:
        return value
    from pdfplumber.utils.pdfinternals import resolve_all

    return resolve_all(value)


def _word(raw: dict[str, Any]) -> Word:
    # pdfminer makes a glyph's box exactly one font size tall, so a word's height is its size
    # (asking pdfplumber for "size" would split words whose glyphs differ by rounding noise).
    top, bottom = float(raw["top"]), float(raw["bottom"])
    return Word(raw["text"], float(raw["x0"]), float(raw["x1"]), top, bottom,
                round(bottom - top, 2), bold=bool(raw.get("bold")))


_BOLD_FACES = ("bold", "black", "heavy", "semibold", "demibold")


def _bold_font(name: str) -> bool:
    """Is ``name`` (a PDF font name, "ABCDEF+Calibri-Bold", "Arial,Bold") a bold face?"""
    face = name.rsplit("+", 1)[-1].lower()
    return any(b in face for b in _BOLD_FACES)


def _all_bold(chars: Sequence[Char], faces: dict[str, bool]) -> bool:
    for c in chars:
        name = str(c.get("fontname", ""))
        bold = faces.get(name)
        if bold is None:
            bold = faces[name] = _bold_font(name)
        if not bold:
            return False
    return bool(chars)


def _is_shading(rect: dict[str, Any], settings: Settings) -> bool:
    return bool(rect.get("fill")) and not rect.get("stroke") and min(
        rect["width"], rect["height"]) > settings.shading_min_size


def _rules(objects: Objects, settings: Settings) -> tuple[Rule, ...]:
    """Horizontal and vertical edges of the page's lines, rectangles and curves."""
    from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges

    edges = [(line_to_edge(ln), False) for ln in objects.get("line", ())]
    edges += [(e, _is_shading(rect, settings)) for rect in objects.get("rect", ())
              for e in rect_to_edges(rect)]
    edges += [(e, False) for curve in objects.get("curve", ()) for e in curve_to_edges(curve)]
    out = []
    for e, shading in edges:
        width, height = e["x1"] - e["x0"], e["bottom"] - e["top"]
        # Orientation from the geometry: on pages with /Rotate, pdfplumber turns the
        # coordinates of drawn lines but can keep their unrotated orientation label.
        orient = "h" if width >= height else "v"
        if (max(width, height) >= settings.min_rule_length
                and min(width, height) <= settings.rule_max_thickness):
            out.append(Rule(orient, float(e["x0"]), float(e["x1"]), float(e["top"]),
                            float(e["bottom"]), shading))
    return tuple(sorted(out, key=lambda r: (r.orientation, r.top, r.x0, r.bottom, r.x1,
                                            r.shading)))


def _chars_under(chars: Sequence[Char], box: dict[str, Any], settings: Settings) -> str:
    """Text of the characters whose centres lie in ``box``: a link's own words, not the
    punctuation that pdfplumber's words would glue to them."""
    from pdfplumber.utils.text import extract_words

    slack = settings.link_slack
    inside = [c for c in chars
              if box["x0"] - slack <= (c["x0"] + c["x1"]) / 2 <= box["x1"] + slack
              and box["top"] - slack <= (c["top"] + c["bottom"]) / 2 <= box["bottom"] + slack]
    words = extract_words(inside, x_tolerance=settings.word_gap,
                          y_tolerance=settings.word_line_gap)
    return " ".join(w["text"] for w in words).strip()


def _links(page: Any, chars: Sequence[Char], settings: Settings) -> tuple[LinkArea, ...]:
    """The page's link areas with the text under them; an area that does not cover whole
    words edge to edge also gets the other lines where it would (links.py)."""
    out = []
    lines: list[list[Char]] | None = None
    for a in page.hyperlinks:
        uri = a.get("uri")
        if isinstance(uri, bytes):
            uri = uri.decode("utf-8", "replace")
        if not uri:
            continue
        box = (float(a["x0"]), float(a["x1"]), float(a["top"]), float(a["bottom"]))
        if lines is None:
            lines = char_lines(chars, settings.word_line_gap)
        how = cover(lines, box, settings.link_slack, settings.word_gap, settings.link_edge_slack)
        near = () if how == EXACT else fits(lines, box, settings.link_slack, settings.word_gap,
                                              settings.link_edge_slack)
        out.append(LinkArea(str(uri), _chars_under(chars, a, settings), *box, how, near))
    return tuple(out)


def _upright_words(chars: Sequence[Char], settings: Settings
                   ) -> tuple[list[dict[str, Any]], Sequence[Char]]:
    """pdfplumber's words of left-to-right text, and the chars they were made of: a page
    whose glyphs are drawn twice ("fake bold") is read again without the copies."""
    from pdfplumber.utils.text import WordExtractor

    extractor = WordExtractor(x_tolerance=settings.word_gap, y_tolerance=settings.word_line_gap,
                              keep_blank_chars=False, use_text_flow=False)
    pairs = list(extractor.iter_extract_tuples(chars))
    if has_doubled(((w["text"], cs) for w, cs in pairs), settings.doubled_glyph_gap):
        chars = drop_doubled(chars, settings.doubled_glyph_gap)
        pairs = list(extractor.iter_extract_tuples(chars))
    faces: dict[str, bool] = {}
    return [{**w, "bold": _all_bold(cs, faces)} for w, cs in pairs], chars


def _backdrops(objects: Objects) -> list[tuple[Box, float | None]]:
    """Filled shapes (with their lightness) and images: what light text may be printed on."""
    out: list[tuple[Box, float | None]] = []
    for shape in [*objects.get("rect", ()), *objects.get("curve", ())]:
        if shape.get("fill"):
            out.append(((shape["x0"], shape["top"], shape["x1"], shape["bottom"]),
                        _fill_lightness(shape.get("non_stroking_color"))))
    out += [((im["x0"], im["top"], im["x1"], im["bottom"]), None)
            for im in objects.get("image", ())]
    return out


def _fill_lightness(colour: Any) -> float | None:
    """A shape's fill lightness when it can be told. pdfplumber drops the colour space of
    shapes, and one value may be a grey (1 = white) or an ink tint (1 = full ink): such a
    fill counts as possibly dark, so light text on it is kept."""
    if not isinstance(colour, (tuple, list)) or len(colour) < 3:
        return None
    return lightness("", colour)


def _set_aside(objects: Objects, chars: Sequence[Char], upright: bool, settings: Settings
               ) -> tuple[Sequence[Char], tuple[LeftOut, ...]]:
    """The chars to read, and the watermark text left out (each run as drawn)."""
    light = light_colours(chars, settings.watermark_lightness, settings.watermark_contrast)
    if not light and upright:
        return chars, ()
    marks = watermark_chars(chars, light, _backdrops(objects), settings.watermark_contrast,
                            settings.angle_slack)
    if not any(marks):
        return chars, ()
    left = [LeftOut(run_text(r), *_xyxy(run_box(r)), "watermark") for r in runs(chars, marks)]
    return [c for c, marked in zip(chars, marks) if not marked], tuple(
        lo for lo in left if lo.text)


def _xyxy(box: Box) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) -> the (x0, x1, top, bottom) order of our records."""
    return float(box[0]), float(box[2]), float(box[1]), float(box[3])


def _turned_words(turned: dict[str, list[Char]], width: float, height: float,
                  settings: Settings, rules: Sequence[Rule] = ()
                  ) -> tuple[list[Word], tuple[tuple[str, tuple[Word, ...]], ...]]:
    """Text running another way than left to right, read in its own direction: the page is
    turned so that it reads left to right, words are made as for upright text, and each
    block of lines becomes one Word placed where the block sits on the page (the drawn
    ``rules`` part blocks: see chars.blocks). Also the words of each way in its turned
    frame (PageData.frames)."""
    out = []
    frames = []
    for way in sorted(turned):
        frame = [turn(c, way, width, height) for c in turned[way]]
        words, _ = _upright_words(frame, settings)
        frames.append((way, tuple(_word(w) for w in words)))
        walls = [turn_box((r.x0, r.x1, r.top, r.bottom), way, width, height) for r in rules]
        for b in blocks(words, settings.paragraph_gap, walls):
            x0, x1, top, bottom = turn_back((b.x0, b.x1, b.top, b.bottom), way, width, height)
            out.append(Word(b.text, float(x0), float(x1), float(top), float(bottom),
                            round(b.size, 2), way))
    return out, tuple(frames)


def _plain(value: Any) -> Any:
    """A PDF object as plain Python values: names as str, arrays as lists, dicts resolved."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral

    value = resolve1(value)
    if isinstance(value, PSLiteral):
        name = value.name
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k in ("BaseEncoding", "Differences")}
    return value


def _font_bullet_codes(page: Any) -> dict[str, frozenset[int]]:
    """Font name -> the unnamed codes that draw a bullet in it (``chars.bullet_codes``), for
    the fonts of the page and of its forms. Fonts sharing a name keep only the codes that are
    bullets in all of them."""
    from pdfminer.pdftypes import resolve1

    out: dict[str, frozenset[int]] = {}
    todo, seen = [page.page_obj.resources], 0
    while todo and seen < 64:  # forms nest; a bound against cycles
        seen += 1
        res = resolve1(todo.pop())
        if not isinstance(res, dict):
            continue
        fonts = resolve1(res.get("Font"))
        for spec in (fonts.values() if isinstance(fonts, dict) else ()):
            spec = resolve1(spec)
            if not isinstance(spec, dict):
                continue
            name = _plain(spec.get("BaseFont"))
            codes = bullet_codes(_plain(spec.get("Subtype")), _plain(spec.get("Encoding")))
            if isinstance(name, str):
                out[name] = out[name] & codes if name in out else codes
        forms = resolve1(res.get("XObject"))
        for xobj in (forms.values() if isinstance(forms, dict) else ()):
            attrs = getattr(resolve1(xobj), "attrs", None)
            if isinstance(attrs, dict) and "Resources" in attrs:
                todo.append(attrs["Resources"])
    return {name: codes for name, codes in out.items() if codes}


def page_data(page: Any, number: int, settings: Settings, ocr: str = "never",
              path: str = "") -> PageData:
    """The page's words, rules and links. With ``ocr`` "auto" a page that has no text but an
    image (a scan) is read by OCR; with "always" every page is (ocr.py)."""
    width, height = float(page.width), float(page.height)
    objects = page_objects(page)
    chars = plain_bullets(objects.get("char", []))
    if has_unnamed(chars):
        chars = unnamed_bullets(chars, _font_bullet_codes(page))
    upright = all_upright(chars)
    chars, left_out = _set_aside(objects, chars, upright, settings)
    turned: dict[str, list[Char]] = {}
    if not upright:
        chars, turned = split_directions(chars, settings.angle_slack)
    words, chars = _upright_words(chars, settings)
    rules = _rules(objects, settings)
    turned_words, frames = _turned_words(turned, width, height, settings, rules)
    found = [_word(w) for w in words] + turned_words
    links = _links(page, chars, settings)
    if ocr == "always" or (ocr == "auto" and not found and objects.get("image")):
        return _ocr_page(page, number, settings, rules, links, path)
    return PageData(number, width, height, tuple(found), rules, links, left_out,
                    frames=frames)


def _ocr_page(page: Any, number: int, settings: Settings, rules: tuple[Rule, ...],
              links: tuple[LinkArea, ...], path: str) -> PageData:
    """Words read by OCR from the page rendered at ``settings.ocr_dpi``; rules from the image
    unless the page draws vector ones (a text page OCR'd again keeps its own)."""
    from .ocr import ensure_available, read_image

    ensure_available(path, number)
    image = page.to_image(resolution=settings.ocr_dpi).original
    scanned = read_image(image, settings.ocr_dpi, settings, path, number)
    return PageData(number, float(page.width), float(page.height), scanned.words,
                    rules or scanned.rules, links, ocr=True, unread=scanned.unread)


def _forget_contents(pdf: Any, page: Any) -> None:
    """Let go of a page's content streams once it is read. pdfminer keeps each stream, with
    its decoded bytes, on the page object and in the document's object cache, and pdfplumber
    keeps every page object: without this, memory grows by the page's content per page."""
    cache = getattr(pdf.doc, "_cached_objs", {})
    for stream in page.page_obj.contents:
        cache.pop(getattr(stream, "objid", None), None)
    page.page_obj.contents = []


class Document:
    """An open PDF: page count, metadata, and pages read one at a time."""

    def __init__(self, path: str | Path, password: str | None = None,
                 settings: Settings | None = None, ocr: str = "auto") -> None:
        if ocr not in OCR_MODES:
            raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, got {ocr!r}")
        self.path = str(path)
        self.settings = settings or Settings()
        self.ocr = ocr
        sniff(self.path)
        self._pdf = self._open(password)
        self.failures: list[PageFailure] = []
        self.current_page: int | None = None  # the page being read, for error messages
        if self.page_count == 0:
            self._pdf.close()
            raise DamagedPDF(self.path, "it has no pages")

    def _open(self, password: str | None) -> Any:
        """Open with ``password``; a PDF that needs none opens even when one is given (a
        batch run with --password may hold unprotected and owner-locked files too)."""
        try:
            return self._open_with(password or "")
        except EncryptedPDF as exc:
            if not password:
                raise
            try:
                return self._open_with("")
            except SafecityError:
                raise exc from None

    def _open_with(self, password: str) -> Any:
        import pdfplumber

        install_pdfminer_limits()
        quiet_library_warnings()
        pdf = None
        try:
            # raise_unicode_errors=False: an annotation field that is neither UTF-8 nor UTF-16
            # is left out instead of failing its whole page (we read only a link's URI)
            pdf = pdfplumber.open(self.path, password=password, raise_unicode_errors=False)
            self.page_count = len(pdf.pages)  # walks the page tree: damage shows here too
            return pdf
        except Exception as exc:  # pdfminer raises many unrelated types
            if pdf is not None:
                pdf.stream.close()  # not pdf.close(): it walks the broken page tree again
            raise _classify(self.path, exc, password) from exc

    def metadata_title(self) -> str:
        title = self._pdf.metadata.get("Title", "") if self._pdf.metadata else ""
        return title.decode("utf-8", "replace") if isinstance(title, bytes) else str(title)

    def pages(self, numbers: Iterable[int] | None = None) -> Iterator[PageData | PageFailure]:
        """Yield each page's data, or the failure of that page (the caller warns and goes on);
        with ``numbers`` (1-based), only those pages, in ascending order, the others unparsed.

        Failures are also kept in ``failures``, so the caller can tell a file whose every page
        failed (a damaged file) from one with no text (a scan).
        """
        if numbers is None:
            indices: Iterable[int] = range(self.page_count)
        else:
            wanted = sorted(set(numbers))
            outside = [n for n in wanted if not 1 <= n <= self.page_count]
            if outside:
                raise PagesOutOfRange(self.path, outside[0], self.page_count)
            indices = [n - 1 for n in wanted]
        for index in indices:
            self.current_page = index + 1
            page = self._pdf.pages[index]
            try:
                data: PageData | PageFailure = page_data(page, index + 1, self.settings,
                                                         self.ocr, self.path)
            except OcrUnavailable:
                raise  # the whole file needs it: one error, not a warning per page
            except Exception as exc:  # a broken content stream spoils one page, not the file
                logging.getLogger(__name__).debug("page %d failed", index + 1, exc_info=True)
                error = _classify(self.path, exc, None, index + 1)
                if isinstance(error, HostilePDF):  # not a damaged page to skip: stop here
                    raise error from exc
                data = PageFailure(index + 1, error)
                self.failures.append(data)
            finally:
                page.close()  # drops the parsed objects pdfplumber caches on the page
                _forget_contents(self._pdf, page)
            yield data
        self.current_page = None

    @property
    def all_pages_failed(self) -> bool:
        return len(self.failures) == self.page_count

    def close(self) -> None:
        self._pdf.close()

    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def render_page(path: str | os.PathLike[str], page_number: int, resolution: int = 72,
                password: str | None = None) -> Any:
    """Page ``page_number`` (1-based) as an RGB ``PIL.Image``; one PDF point is
    ``resolution / 72`` pixels, so a point (x, top) lands on pixel (x, top) * that scale
    (unless the page is so large that the image was capped: see render_page_capped)."""
    return render_page_capped(path, page_number, resolution, password)[0]


def render_page_capped(path: str | os.PathLike[str], page_number: int, resolution: float = 72,
                       password: str | None = None) -> tuple[Any, float, str]:
    """(image, the resolution used, a warning or ""): ``resolution`` is lowered for a page
    whose image would pass limits.MAX_PAGE_PIXELS, and the warning says so."""
    import pdfplumber

    install_pdfminer_limits()
    quiet_library_warnings()
    sniff(str(path))
    try:
        pdf = pdfplumber.open(str(path), password=password or "", raise_unicode_errors=False)
    except Exception as exc:  # pdfminer raises many unrelated types
        raise _classify(str(path), exc, password) from exc
    with pdf:
        if not 1 <= page_number <= len(pdf.pages):
            raise ValueError(f"{path}: no page {page_number} (the PDF has {len(pdf.pages)})")
        page = pdf.pages[page_number - 1]
        used = capped_resolution(float(page.width), float(page.height), resolution)
        note = "" if used == resolution else (
            f"page {page_number}: drawn at {used:.1f} pixels per inch, not {resolution:g}: the "
            f"page is {float(page.width) / 72:.0f} x {float(page.height) / 72:.0f} inches and "
            f"page images are capped at {limits.MAX_PAGE_PIXELS:,} pixels")
        try:
            # pdfplumber draws with pypdfium2; copy so the image outlives the open file.
            image = page.to_image(resolution=used).original.convert("RGB").copy()
        except LimitExceeded as exc:
            raise HostilePDF(str(path), str(exc)) from exc
        except Exception as exc:
            raise _classify(str(path), exc, password) from exc
        return image, used, note
