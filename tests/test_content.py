"""content.py reads content streams to the same operands and operators as pdfminer's own
parser: on generated streams (hypothesis, every token kind and pdfminer's quirks), on
hand-made ones for each rule, and, page by page, on every PDF of the repository."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import KWD, LIT, PSEOF

from safecity_extract.content import objects

ROOT = Path(__file__).parent.parent


def pdfminer_objects(data: bytes) -> Iterator[Any]:
    parser = PDFContentParser([PDFStream({}, data)])
    while True:
        try:
            yield parser.nextobject()[1]
        except PSEOF:
            return


def plain(obj: Any) -> Any:
    """A comparable form: inline images by their dictionary and data."""
    if isinstance(obj, PDFStream):
        return ("stream", plain(obj.attrs), obj.rawdata)
    if isinstance(obj, list):
        return [plain(o) for o in obj]
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    return obj


def outcome(read: Callable[[bytes], Iterator[Any]], data: bytes) -> tuple[list[Any], str]:
    """The objects read, then the error that stopped the reading ("" if none)."""
    got: list[Any] = []
    try:
        for obj in read(data):
            got.append(plain(obj))
    except Exception as exc:  # the same failure is expected of both
        return got, f"{type(exc).__name__}: {exc}"
    return got, ""


def same_as_pdfminer(data: bytes) -> None:
    assert outcome(objects, data) == outcome(pdfminer_objects, data), data


# --- generated streams -------------------------------------------------------------------

_digits = st.text("0123456789", max_size=4)
numbers = st.builds(lambda sign, a, dot, b: (sign + a + dot + b).encode(),
                    st.sampled_from(["", "-", "+", "--", "+-"]), _digits,
                    st.sampled_from(["", ".", ".."]), _digits)
names = st.builds(lambda body: b"/" + body, st.lists(st.sampled_from(
    [b"F1", b"Span", b"#41", b"#4", b"#", b"#zz", b"#2F", b"\xff", b"\xc3\xa9", b"a-b.c"]),
    max_size=3).map(b"".join))
_string_parts = st.sampled_from(
    [b"abc", b" ", b"(", b")", b"()", b"\\n", b"\\t", b"\\b", b"\\f", b"\\r", b"\\(", b"\\)",
     b"\\\\", b"\\q", b"\\0", b"\\12", b"\\101", b"\\1012", b"\\8", b"\\\n", b"\\\r\n",
     b"\\\r", b"\r\n", b"\xe9", b"\\777"])
strings = st.builds(lambda parts, close: b"(" + b"".join(parts) + close,
                    st.lists(_string_parts, max_size=5), st.sampled_from([b")", b"))", b""]))
hex_strings = st.builds(lambda body, close: b"<" + body + close,
                        st.text("0123456789abcdefABCDEF \n", max_size=7).map(str.encode),
                        st.sampled_from([b">", b">>", b"", b"x"]))
keywords = st.sampled_from(
    [b"Tj", b"TJ", b"BT", b"ET", b"T*", b"'", b'"', b"true", b"false", b"null", b"re", b"f*",
     b"BDC", b"EMC", b"d0", b"Tc-5", b"\xe9", b"\\", b")", b"*"])
brackets = st.sampled_from([b"[", b"]", b"<<", b">>", b"{", b"}", b">", b"<"])
comments = st.builds(lambda text, end: b"%" + text + end,
                     st.sampled_from([b"", b" a comment (", b"%%"]),
                     st.sampled_from([b"\n", b"\r", b""]))
inline_images = st.builds(
    lambda head, body, tail: b"BI " + head + b" ID " + body + tail,
    st.sampled_from([b"/W 2 /H 1 /BPC 8 /CS /G", b"/F /AHx /W 1", b"/F /A85", b"/F [/A85]",
                     b"/W", b"/F 3", b""]),
    st.sampled_from([b"\x00\xff", b"EEI", b"E", b"EIx", b"ab\r\n", b"ab\n\n", b"<~a~", b""]),
    st.sampled_from([b" EI ", b"EI\n", b" EI", b"~> EI ", b"~>\n", b""]))
tokens = st.one_of(numbers, names, strings, hex_strings, keywords, brackets, comments,
                   inline_images)
separators = st.sampled_from([b" ", b"\n", b"\r\n", b"\x00", b"\t", b"\x0c", b"\x0b", b""])
streams = st.lists(st.tuples(tokens, separators), max_size=25).map(
    lambda pairs: b"".join(t + s for t, s in pairs))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams)
def test_generated_streams_read_as_pdfminer_reads_them(data):
    same_as_pdfminer(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(tokens, separators), min_size=40, max_size=80))
def test_long_generated_streams_read_as_pdfminer_reads_them(pairs):
    """Past pdfminer's 4096-byte read buffer: tokens across its edges read the same."""
    body = b"".join(t + s for t, s in pairs)
    same_as_pdfminer((body + b" ") * (4200 // max(len(body), 1) + 1))


# --- each rule by hand ---------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    (b"1 -2 +3 4.5 -.5 5. 007", [1, -2, 3, 4.5, -0.5, 5.0, 7]),
    (b"- . +. 1.2.3 --4", [1.2, 0.3, -4]),  # what is no number is dropped; "1.2.3" is two
    (b"/F1 /A#42 /# /a#4 /", [LIT("F1"), LIT("AB"), LIT(""), LIT("a\x04"), LIT("")]),
    (b"/\xff", [LIT(b"\xff")]),  # not UTF-8: the name stays bytes
    (b"(a(b)c) (\\101\\1012\\q\\\nx)", [b"a(b)c", b"AA2x"]),
    (b"<48 65 6c6C6f> <ABC>", [b"Hello", b"\xab\x0c"]),
    (b"<</MCID 3 /A null>> BDC", [{"MCID": 3, "A": KWD(b"null")}, KWD(b"BDC")]),
    (b"[1 (a) [2]] TJ", [[1, b"a", [2]], KWD(b"TJ")]),
    (b"] 1 >> 2 } 3", [1, 2, 3]),  # closing brackets of no open one are passed over
    (b"true false T* ' \"", [True, False, KWD(b"T*"), KWD(b"'"), KWD(b'"')]),
    (b"1 % a comment\n2", [1, 2]),
    (b"[1 2", []),  # still open at the end: lost
    (b"(abc", []),
    (b"1 <ab", [1]),
])
def test_tokens(data, expected):
    assert outcome(objects, data) == (expected, "")
    same_as_pdfminer(data)


def test_an_inline_image_is_a_stream_then_ei():
    data = b"q BI /W 2 /H 1 /CS /G /BPC 8 ID \x00EI\xff EI Q"
    got, error = outcome(objects, data)
    assert error == ""
    assert got[0] == KWD(b"q") and got[-1] == KWD(b"Q") and got[-2] == KWD(b"EI")
    # (the byte before "EI" stays in the data, as pdfminer keeps it)
    assert got[1] == ("stream", {"W": 2, "H": 1, "CS": LIT("G"), "BPC": 8}, b"\x00EI\xff ")
    same_as_pdfminer(data)


def test_an_ascii85_inline_image_ends_at_its_own_end_mark():
    data = b"BI /F /A85 ID 9jqo^~> EI"
    assert outcome(objects, data)[0] == [("stream", {"F": LIT("A85")}, b"9jqo^~>"),
                                         KWD(b"EI")]
    same_as_pdfminer(data)


@pytest.mark.parametrize("before", [4092, 4093])
def test_a_line_continuation_reads_the_same_wherever_it_falls(before):
    """pdfminer keeps the line feed when backslash-CR-LF crosses the edge of its 4,096-byte
    read buffer (4092 blanks before it here); it is a line continuation everywhere else,
    and here everywhere."""
    assert outcome(objects, b" " * before + b"(a\\\r\nb)") == ([b"ab"], "")


@pytest.mark.parametrize("data, error", [
    (b"(\\777)", "AssertionError: Invalid octal b'777' (511)"),
    (b"<</A>>", "PSSyntaxError: Invalid dictionary construct: [/'A']"),
])
def test_what_fails_a_page_in_pdfminer_fails_it_here(data, error):
    assert outcome(objects, data) == ([], error)
    same_as_pdfminer(data)


# --- whole pages -----------------------------------------------------------------------------

def _opens(pdf: Path) -> bool:
    import pdfplumber

    try:
        with pdfplumber.open(pdf, raise_unicode_errors=False) as handle:
            return len(handle.pages) > 0
    except Exception:  # a bad-input file no reader opens
        return False


def _pdfs() -> list[Path]:
    found = [*ROOT.glob("samples/*.pdf"), *ROOT.glob("samples/realworld/*.pdf"),
             *ROOT.glob("samples/scans/*.pdf"), *ROOT.glob("samples/layouts/committed/*.pdf"),
             *ROOT.glob("tests/data/**/*.pdf"), *ROOT.glob("tests/bad_inputs/files/*.pdf")]
    return sorted(p for p in found if _opens(p))


def _records(objects_by_kind: dict[str, list[dict[str, Any]]]) -> list[Any]:
    """A page's objects as comparable values (an inline image's name is its id)."""
    out = []
    for kind, records in objects_by_kind.items():
        rows = []
        for r in records:
            if kind == "image" and r["stream"].objid is None:
                r = {**r, "name": "inline", "stream": plain(r["stream"])}
            rows.append(list(r.items()))
        out.append((kind, rows))
    return out


def _read(read: Callable[[], dict[str, list[dict[str, Any]]]]) -> tuple[Any, str]:
    """A page's records, or the kind of error reading it raised (pdfplumber's own wrapper
    taken off)."""
    try:
        return _records(read()), ""
    except Exception as exc:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        return None, type(inner).__name__


@pytest.mark.parametrize("pdf", _pdfs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_page_of_the_repositorys_pdfs_reads_as_with_pdfminers_parser(pdf):
    import pdfplumber

    from safecity_extract.pdf import page_objects

    with pdfplumber.open(pdf, raise_unicode_errors=False) as handle:
        for page in handle.pages:
            mine = _read(partial(page_objects, page))
            page.close()
            theirs = _read(lambda p=page: p.objects)  # type: ignore[misc]
            assert mine == theirs, f"page {page.page_number}"
            page.close()
