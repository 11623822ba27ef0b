"""A page's content streams read into operands and operators, fast, for pdfminer to draw.

pdfminer reads a content stream one character state at a time (``PSBaseParser``), with a
Python call or more per byte of most tokens: on a text page that is half the time of reading
it. Here one regular expression finds each token, and the operands and operators come out
exactly as pdfminer's ``PDFContentParser.nextobject`` gives them, quirks included (a number
such as "-" is dropped, an unknown escape in a string drops its character, a string's octal
escape past 255 fails the page), so every page reads to the same objects as before
(tests/test_content.py compares the two on generated streams and on every test PDF). One
difference, on purpose: pdfminer reads in 4,096-byte pieces, and a backslash, carriage return
and line feed in a string across the edge of two pieces keeps the line feed ("a", line feed,
"b" where anywhere else it reads "ab", the line continuation of the PDF reference); here it is
"ab" wherever it falls. A page's streams are read as one, joined by a line end, as pdfminer
ends a token at the end of a stream.

``Interpreter`` is pdfminer's page interpreter with its ``execute`` reading streams so; the
operators are pdfminer's own. Only this module and pdf.py import pdfminer's parser.
"""
from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pdfminer import settings as pdfminer_settings
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import LITERALS_ASCII85_DECODE, PDFStream, resolve1, stream_value
from pdfminer.psparser import (KWD, LIT, PSKeyword, PSLiteral, PSSyntaxError, keyword_name,
                               literal_name)
from pdfminer.utils import choplist

# One token, after the separators before it (pdfminer: NONSPC, and NUL skipped). The groups,
# by what pdfminer's _parse_main does with a token's first byte:
_SEP = rb"[ \t\n\r\f\v\x00]*"
_NAME_BYTE = rb"[^#/%\[\]()<>{}\s]"  # pdfminer's END_LITERAL ends a name (and a keyword)
_TOKEN = re.compile(
    _SEP + rb"(?:"
    rb"(?P<num>[-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)"  # _parse_number, _parse_float
    rb"|(?P<kw>[A-Za-z]" + _NAME_BYTE + rb"*)"  # _parse_keyword
    rb"|/(?P<name>(?:" + _NAME_BYTE + rb"|#[0-9a-fA-F]{0,2})*)"  # _parse_literal(_hex)
    rb"|\((?P<str>[^()\\]*)\)"  # a string without escapes or nested parentheses
    rb"|(?P<open>\()"  # any other string (_string)
    rb"|(?P<dbegin><<)|(?P<dend>>>)|(?P<gt>>)"  # _parse_wopen, _parse_wclose
    rb"|<(?P<hex>[\s0-9a-fA-F]*)"  # _parse_hexstring: what ends it is read next
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<char>[^ \t\n\r\f\v\x00])"  # any other byte is a keyword of its own
    rb")", re.S)
_STRING_STOP = re.compile(rb"[()\\]")
_OCTAL = re.compile(rb"[0-7]{1,3}")
_ESCAPES = {b"b": b"\b", b"t": b"\t", b"n": b"\n", b"f": b"\f", b"r": b"\r", b"(": b"(",
            b")": b")", b"\\": b"\\"}
_NAME_HEX = re.compile(rb"#([0-9a-fA-F]{0,2})")
_ESCAPE_AT_END = re.compile(rb"#[0-9a-fA-F]{0,2}\Z")
_SPACE = re.compile(rb"\s")
_LINE_END = re.compile(rb"(\x0d\x0a|[\x0d\x0a])$")
_WHITESPACE = frozenset(b" \t\n\r\x0b\x0c")  # bytes.isspace()

_TRUE, _FALSE = b"true", b"false"
_ARRAY_BEGIN, _ARRAY_END = KWD(b"["), KWD(b"]")
_PROC_BEGIN, _PROC_END = KWD(b"{"), KWD(b"}")
_BI, _ID, _EI = KWD(b"BI"), KWD(b"ID"), KWD(b"EI")


class _End(Exception):
    """The stream ends inside a token that pdfminer then drops, and stops reading."""


def _number(text: bytes) -> int | float | None:
    """A number token's value; None for one pdfminer drops ("-", ".", "+.")."""
    try:
        return float(text) if b"." in text else int(text)
    except ValueError:
        return None


def _name(raw: bytes) -> PSLiteral:
    """The literal of a name token (its bytes after "/"), "#xx" escapes decoded as pdfminer
    does: one or two hex digits make a byte, a "#" without them is dropped."""
    if b"#" in raw:
        raw = _NAME_HEX.sub(lambda m: bytes((int(m[1], 16),)) if m[1] else b"", raw)
    try:
        return LIT(str(raw, "utf-8"))
    except UnicodeDecodeError:
        return LIT(raw)


def _hex(digits: bytes) -> bytes:
    """A hex string's bytes (whitespace ignored; an odd last digit is a byte of its own, as
    pdfminer's HEX_PAIR reads it: "<ABC>" is b"\\xab\\x0c")."""
    digits = _SPACE.sub(b"", digits)
    if len(digits) % 2:
        return binascii.unhexlify(digits[:-1]) + bytes((int(digits[-1:], 16),))
    return binascii.unhexlify(digits)


def _string(data: bytes, i: int) -> tuple[bytes, int]:
    """The literal string whose "(" is just before ``i``, and where it ends: parentheses
    nest, "\\ddd" (one to three octal digits) is a byte, "\\n" and the like their byte,
    backslash-newline nothing, and a backslash before any other byte drops it (pdfminer's
    _parse_string_1). Raises _End if the data ends first."""
    parts = []
    depth = 1
    while True:
        stop = _STRING_STOP.search(data, i)
        if stop is None:
            raise _End
        j = stop.start()
        parts.append(data[i:j])
        c = data[j:j + 1]
        if c == b"\\":
            k = j + 1
            if k >= len(data):
                raise _End
            octal = _OCTAL.match(data, k)
            if octal:
                code = int(octal[0], 8)
                assert code < 256, f"Invalid octal {octal[0]!r} ({code})"
                parts.append(bytes((code,)))
                i = octal.end()
                continue
            escaped = data[k:k + 1]
            if escaped in _ESCAPES:
                parts.append(_ESCAPES[escaped])
            elif escaped == b"\r" and data[k + 1:k + 2] == b"\n":
                k += 1
            i = k + 1
        elif c == b"(":
            depth += 1
            parts.append(c)
            i = j + 1
        else:
            depth -= 1
            if not depth:
                return b"".join(parts), j + 1
            parts.append(c)
            i = j + 1


def _inline_data(data: bytes, start: int, target: bytes) -> tuple[bytes, int]:
    """An inline image's data from ``start`` to ``target`` ("EI" or "~>") and a whitespace
    byte after it, and where reading goes on; raises _End if the data ends first. The same
    scan as pdfminer's get_inline_data, including where it misses a target: after a byte
    that starts the target but is not followed by the rest, the search goes on after the
    byte that broke the match."""
    j = start
    while True:
        k = data.find(target[0], j)
        if k < 0:
            raise _End
        j = k + 1
        matched = 1
        while matched <= len(target):
            if j >= len(data):
                raise _End
            c = data[j]
            j += 1
            if (c in _WHITESPACE if matched == len(target) else c == target[matched]):
                matched += 1
            else:
                break
        else:
            return _LINE_END.sub(b"", data[start:j - len(target) - 1]), j


def _inline_image(objs: Sequence[Any], data: bytes, start: int) -> tuple[list[Any], int]:
    """The objects pdfminer makes of an inline image whose "ID" is at ``start`` with
    ``objs`` between "BI" and it: the image as a stream, then "EI" unless the data is
    ASCII85 (then "EI" is read as a keyword afterwards); and where reading goes on."""
    d = {literal_name(k): resolve1(v) for (k, v) in choplist(2, objs)}
    target = b"EI"
    filters = d.get("F")
    if filters is not None:
        if isinstance(filters, PSLiteral):
            filters = [filters]
        if filters[0] in LITERALS_ASCII85_DECODE:
            target = b"~>"
    body, end = _inline_data(data, start + len(b"ID "), target)
    if target != b"EI":
        return [PDFStream(d, body + target)], end
    return [PDFStream(d, body), _EI], end


def objects(data: bytes) -> Iterator[Any]:
    """The operands and operators of a content stream in order, as pdfminer's
    PDFContentParser.nextobject gives them: numbers, booleans, strings (bytes), names
    (PSLiteral), arrays (lists), dictionaries, inline images (PDFStream) and operators
    (PSKeyword). Arrays and dictionaries nest; a closing bracket of the wrong kind is
    dropped, and what is still open when the data ends is lost, as in pdfminer."""
    context: list[tuple[str | None, list[Any]]] = []
    kind: str | None = None
    stack: list[Any] = []
    match = _TOKEN.match
    end = len(data)
    pos = 0
    while pos < end:
        m = match(data, pos)
        if m is None:  # only separators are left
            return
        pos = m.end()
        group = m.lastgroup
        token: Any
        if group == "num":
            token = _number(m[group])
            if token is None:
                continue
        elif group == "kw":
            text = m[group]
            token = True if text == _TRUE else False if text == _FALSE else KWD(text)
            if token is _BI:
                context.append((kind, stack))
                kind, stack = "inline", []
                continue
            if token is _ID:
                if kind != "inline":
                    continue
                objs = stack
                kind, stack = context.pop()
                if len(objs) % 2:
                    continue  # pdfminer's PSTypeError, passed over
                try:
                    made, pos = _inline_image(objs, data, m.start(group))
                except _End:
                    return
                # pdfminer seeks to read the data, which empties its stacks
                context, kind, stack = [], None, []
                yield from made
                continue
        elif group == "name":
            if pos == end and _ESCAPE_AT_END.search(m[group]):
                return  # pdfminer is still reading the escape when the data ends
            token = _name(m[group])
        elif group == "str":
            token = m[group]
        elif group == "open":
            try:
                token, pos = _string(data, pos)
            except _End:
                return
        elif group == "hex":
            if pos == end:
                return
            token = _hex(m[group])
        elif group == "char":
            token = KWD(m[group])
            if token is _ARRAY_BEGIN or token is _PROC_BEGIN:
                context.append((kind, stack))
                kind, stack = "a" if token is _ARRAY_BEGIN else "p", []
                continue
            if token is _ARRAY_END or token is _PROC_END:
                if kind != ("a" if token is _ARRAY_END else "p"):
                    continue
                token = stack
                kind, stack = context.pop()
        elif group == "dbegin":
            context.append((kind, stack))
            kind, stack = "d", []
            continue
        elif group == "dend":
            if kind != "d":
                continue
            if len(stack) % 2:
                raise PSSyntaxError(f"Invalid dictionary construct: {stack!r}")
            token = {literal_name(k): v for (k, v) in choplist(2, stack) if v is not None}
            kind, stack = context.pop()
        else:  # "gt": a ">" alone is passed over; a comment is dropped
            continue
        if context:
            stack.append(token)
        else:
            yield token


Operator = tuple[Callable[..., None], int]


class Interpreter(PDFPageInterpreter):
    """pdfminer's page interpreter reading content streams with ``objects``: the same
    operators called with the same operands (a form's contents are read by the same class:
    pdfminer makes them with ``dup``)."""

    _operators: dict[PSKeyword, Operator] = {}

    def execute(self, streams: Sequence[object]) -> None:
        if pdfminer_settings.STRICT:  # pdfminer's own reading raises on what it passes over
            super().execute(streams)
            return
        data = self._contents(streams)
        if data is None:
            return
        table = self._table()
        for obj in objects(data):
            if isinstance(obj, PSKeyword):
                operator = table.get(obj)
                if operator is None:
                    operator = self._operator(obj)
                    if operator is None:
                        continue  # not an operator: pdfminer passes over it
                    table[obj] = operator  # operators only: a stream may hold endless junk
                func, nargs = operator
                if nargs:
                    stack = self.argstack
                    args = stack[-nargs:]
                    del stack[-nargs:]
                    if len(args) == nargs:
                        func(self, *args)
                else:
                    func(self)
            else:
                self.argstack.append(obj)

    def _contents(self, streams: Sequence[object]) -> bytes | None:
        """The data of the streams to execute, one after the other with a line end between
        (the streams pdfminer refuses, an inline one or one already being executed by the
        form that draws this one, left out as it does); None when there is none."""
        kept = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                continue  # pdfminer logs a warning and passes over it
            kept.append(stream)
            self.stream_ids.add(stream.objid)
        if not kept:
            return None
        datas = [s.get_data() for s in kept]
        return datas[0] if len(datas) == 1 else b"\n".join(datas)

    @classmethod
    def _table(cls) -> dict[PSKeyword, Operator]:
        """The operators met so far, by keyword, for this class (not a parent's)."""
        if "_operators" not in cls.__dict__:
            cls._operators = {}
        return cls._operators

    def _operator(self, keyword: PSKeyword) -> Operator | None:
        """The method pdfminer calls for ``keyword`` and how many operands it takes, or None
        for a keyword that is no operator."""
        name = keyword_name(keyword)
        method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
        func = getattr(type(self), method, None)
        if func is None:
            return None
        return func, func.__code__.co_argcount - 1
