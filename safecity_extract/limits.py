"""Bounds on what one hostile file can cost: inflated stream size, CMap entries, page image
pixels, process memory, and the size and kind of the small data files read.

pdfminer is not forked: its stream decoders and CMap builders are wrapped once, on import of
pdf.py, so a stream that inflates past MAX_STREAM_BYTES or a CMap range of billions of
entries stops with LimitExceeded instead of filling memory. pdf.py turns that into HostilePDF.
"""
from __future__ import annotations

import io
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from .errors import DataFileError

# No content stream of a real report comes near this (a dense page is some 100 KB); a
# decompression bomb passes it quickly.
MAX_STREAM_BYTES = 64 * 2**20
# A 2-byte code space has 65,536 codes: four times that is room for any real font.
MAX_CMAP_ENTRIES = 2**18
# Page images (inspect, review): about 6,300 x 6,300 pixels, some 120 MB as RGB.
MAX_PAGE_PIXELS = 40_000_000
# Default memory cap of one worker process (its address space), in MiB.
DEFAULT_MAX_MEMORY_MB = 2048
# Agencies files and golden JSON: far above any real one, far below a disk or /dev/zero.
MAX_AGENCIES_BYTES = 16 * 2**20
MAX_GOLDEN_BYTES = 256 * 2**20
# A PDF file, or one read from stdin: a scanned report of hundreds of pages is some 200 MiB.
MAX_PDF_BYTES = 1024 * 2**20
# Header aliases files: a few dozen labels; 1 MiB holds thousands.
MAX_HEADER_ALIASES_BYTES = 2**20


class LimitExceeded(Exception):
    """Raised inside pdfminer's decoders; pdf.py reports it as HostilePDF with the file."""


# --- pdfminer streams and CMaps ---------------------------------------------------------------


def _bounded_inflate(data: bytes, limit: int) -> bytes:
    """zlib.decompress(data), stopping once the output would pass ``limit`` bytes."""
    d = zlib.decompressobj()
    out = d.decompress(data, limit + 1)
    if len(out) > limit or d.unconsumed_tail:
        raise LimitExceeded(f"a stream inflates to more than {limit // 2**20} MiB")
    out += d.flush()
    if not d.eof:
        # what zlib.decompress raises for a stream cut short; pdfminer then tries its
        # corrupted-data path (also bounded, below)
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    if len(out) > limit:
        raise LimitExceeded(f"a stream inflates to more than {limit // 2**20} MiB")
    return out


class _BoundedDecompressor:
    def __init__(self, limit: int) -> None:
        self._d = zlib.decompressobj()
        self._left = limit
        self._limit = limit

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._d.decompress(data, self._left + 1)
        self._left -= len(out)
        if self._left < 0 or self._d.unconsumed_tail:
            raise LimitExceeded(f"a stream inflates to more than {self._limit // 2**20} MiB")
        return out

    def flush(self) -> bytes:
        return self._d.flush()


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside pdfminer.pdftypes."""

    error = zlib.error

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def decompress(self, data: bytes) -> bytes:
        return _bounded_inflate(data, self.limit)

    def decompressobj(self) -> _BoundedDecompressor:
        return _BoundedDecompressor(self.limit)


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's fallback for a stream whose checksum is wrong: inflate what can be, byte by
    byte, keeping the output if the error comes in the last bytes (the checksum). Same result,
    but linear (pdfminer's own concatenates, quadratic in the output) and bounded."""
    d = _BoundedDecompressor(MAX_STREAM_BYTES)
    parts = []
    i = 0
    try:
        for i in range(len(data)):
            parts.append(d.decompress(data[i:i + 1]))
    except zlib.error:
        if i < len(data) - 3:
            raise
    return b"".join(parts)


def _bounded_lzw(lzwdecode_run: Callable[[io.BytesIO], Iterator[bytes]]
                 ) -> Callable[[bytes], bytes]:
    def decode(data: bytes) -> bytes:
        parts, size = [], 0
        for part in lzwdecode_run(io.BytesIO(data)):
            size += len(part)
            if size > MAX_STREAM_BYTES:
                mib = MAX_STREAM_BYTES // 2**20
                raise LimitExceeded(f"a stream inflates to more than {mib} MiB")
            parts.append(part)
        return b"".join(parts)
    return decode


def _counted(add: Callable[..., None]) -> Callable[..., None]:
    def add_counted(self: Any, *args: Any) -> None:
        n = self.__dict__.get("_safecity_entries", 0) + 1
        if n > MAX_CMAP_ENTRIES:
            raise LimitExceeded(f"a font's CMap has more than {MAX_CMAP_ENTRIES:,} entries")
        self.__dict__["_safecity_entries"] = n
        add(self, *args)
    add_counted.__wrapped__ = add  # type: ignore[attr-defined]
    return add_counted


def install_pdfminer_limits() -> None:
    """Wrap pdfminer's Flate and LZW decoders and CMap builders (once per process)."""
    from pdfminer import cmapdb, pdftypes
    from pdfminer.lzw import LZWDecoder

    if isinstance(getattr(pdftypes, "zlib", None), _BoundedZlib):
        return
    setattr(pdftypes, "zlib", _BoundedZlib(MAX_STREAM_BYTES))  # noqa: B010 (not exported)
    setattr(pdftypes, "decompress_corrupted", _decompress_corrupted)  # noqa: B010
    setattr(pdftypes, "lzwdecode", _bounded_lzw(lambda fp: LZWDecoder(fp).run()))  # noqa: B010
    for cls, name in ((cmapdb.FileUnicodeMap, "add_cid2unichr"), (cmapdb.FileCMap, "add_code2cid")):
        setattr(cls, name, _counted(getattr(cls, name)))


# --- page images ----------------------------------------------------------------------------


def capped_resolution(width_pt: float, height_pt: float, resolution: float,
                      max_pixels: int | None = None) -> float:
    """``resolution``, lowered so that the page image has at most ``max_pixels`` pixels
    (default: MAX_PAGE_PIXELS)."""
    max_pixels = max_pixels or MAX_PAGE_PIXELS
    pixels = (width_pt * resolution / 72) * (height_pt * resolution / 72)
    if pixels <= max_pixels:
        return resolution
    return float(resolution * (max_pixels / pixels) ** 0.5 * 0.999)


# --- process memory -------------------------------------------------------------------------


def limit_memory(megabytes: int | None) -> None:
    """Cap this process's address space: past it allocations raise MemoryError (0/None: none)."""
    if not megabytes:
        return
    try:
        import resource
    except ImportError:  # not on this platform
        return
    cap = megabytes * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


# --- PDFs from stdin ------------------------------------------------------------------------


def copy_capped(source: BinaryIO, target: BinaryIO, limit: int | None = None) -> bool:
    """Copy ``source`` to ``target`` in chunks; False (and stop) once it passes ``limit``
    bytes (default MAX_PDF_BYTES), so neither memory nor the disk fills from an endless pipe."""
    limit = MAX_PDF_BYTES if limit is None else limit
    copied = 0
    while chunk := source.read(2**20):
        copied += len(chunk)
        if copied > limit:
            return False
        target.write(chunk)
    return True


# --- small data files -----------------------------------------------------------------------


def regular_file_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` is not a regular file (a FIFO, a device, a folder ...), or None if it is.

    Looks at the file without opening it, so a FIFO cannot block."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # let the caller's open report it
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"))
    return next((what for test, what in kinds if test(mode)), "not a regular file")


def read_small_file(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; DataFileError otherwise.

    Opened without blocking (a FIFO swapped in after the check still cannot hang us) and read
    at most ``limit + 1`` bytes, so /dev/zero or a huge file cannot fill memory."""
    problem = regular_file_problem(path)
    if problem:
        raise DataFileError(str(path), what, f"is {problem}, not a file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise DataFileError(str(path), what, f"cannot be read ({exc.strerror or exc})") from exc
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise DataFileError(str(path), what, "is not a regular file")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise DataFileError(str(path), what, f"is larger than {limit // 2**20} MiB: is it the "
                            "right file?")
    return data
