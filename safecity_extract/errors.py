"""One exception base for the library and one child per cause.

Every message is one line that names the file and says what to do; the CLI prints it as is.
"""
from __future__ import annotations

import unicodedata

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROL = ("Cc", "Zl", "Zp")
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # reorder text


def shown(text: object) -> str:
    """``text`` on one line with no raw control characters: a file name holding a newline or
    a terminal escape sequence is printed as ``\\n`` or ``\\x1b``, never acted on."""
    out = []
    for ch in str(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in _CONTROL or ch in _BIDI:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


class SafecityError(Exception):
    """Base of every error this library raises on purpose."""

    exit_code = 1

    def __init__(self, path: str, message: str) -> None:
        self.path = str(path)
        self.reason = message
        super().__init__(f"{shown(self.path)}: {message}")


class UnreadableFile(SafecityError):
    def __init__(self, path: str, exc: OSError) -> None:
        super().__init__(path, f"cannot read the file ({exc.strerror or exc}): check the path "
                         "and its permissions")


class EmptyFile(SafecityError):
    def __init__(self, path: str) -> None:
        super().__init__(path, "empty file (0 bytes): the download or copy did not finish")


class NotAPDF(SafecityError):
    def __init__(self, path: str, detail: str = "") -> None:
        what = f" (looks like {detail})" if detail else ""
        super().__init__(path, f"not a PDF{what}: convert it to PDF first")


class DamagedPDF(SafecityError):
    def __init__(self, path: str, detail: str = "") -> None:
        why = f" ({detail})" if detail else ""
        super().__init__(path, f"damaged or truncated PDF{why}: download or export it again")


class DamagedPage(DamagedPDF):
    """One page that cannot be read; the extractor skips it with a warning, not an error."""

    def __init__(self, path: str, page: int, detail: str) -> None:
        self.page = page
        self.detail = detail
        SafecityError.__init__(self, path, f"its content cannot be read ({detail})")


class EncryptedPDF(SafecityError):
    def __init__(self, path: str, wrong_password: bool = False, unsupported: str = "") -> None:
        self.wrong_password = wrong_password
        if unsupported:
            msg = (f"encrypted in a way this reader does not support ({unsupported}): "
                   "save an unencrypted copy")
        elif wrong_password:
            msg = "the password given is wrong for this encrypted PDF: check --password"
        else:
            msg = "encrypted PDF: give its password with --password (password= in Python)"
        super().__init__(path, msg)


class NoTextLayer(SafecityError):
    def __init__(self, path: str, ocr_tried: bool = False) -> None:
        if ocr_tried:
            msg = "no text layer and OCR read no text on its pages: check the scan"
        else:
            msg = "no text layer, looks scanned: read it with --ocr auto (ocr=\"auto\" in Python)"
        super().__init__(path, msg)


class NoTableFound(SafecityError):
    def __init__(self, path: str, looked_for: str) -> None:
        super().__init__(path, "no progress table found: looked for a header row with "
                         + looked_for)


class UnmappedColumns(SafecityError):
    def __init__(self, path: str, seen: list[str], missing: list[str]) -> None:
        super().__init__(
            path,
            "table columns cannot be mapped: saw header labels "
            + ", ".join(repr(s) for s in seen)
            + "; found no column for " + ", ".join(missing),
        )


class AgencyFileError(SafecityError):
    def __init__(self, path: str, line: int, message: str) -> None:
        self.line = line
        super().__init__(path, f"line {line}: {message}")


class HeaderAliasFileError(SafecityError):
    """A --header-aliases file whose line cannot be read as a label and a column key."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.line = line
        super().__init__(path, f"line {line}: {message}")


class ExtractionFailed(SafecityError):
    """A bug, or a PDF quirk nobody foresaw: an exception the library did not expect."""

    def __init__(self, path: str, exc: BaseException, page: int | None = None) -> None:
        self.page = page
        where = f" while reading page {page}" if page else ""
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        super().__init__(path, f"internal error{where}: {detail}; please report it")


class PagesOutOfRange(SafecityError, ValueError):
    """Pages asked for that the PDF does not have: a usage error, hence exit code 2."""

    exit_code = 2

    def __init__(self, path: str, page: int, page_count: int) -> None:
        super().__init__(path, f"page {page} is outside 1-{page_count}: ask for pages in "
                         "that range (--pages)")


class OutputError(SafecityError):
    """An output file (the combined CSV, the database, a review page) could not be written."""

    def __init__(self, path: str, exc: BaseException) -> None:
        super().__init__(path, f"cannot write: {exc}")


class NoInputsFound(SafecityError):
    """No PDF among the paths given: a usage error, hence exit code 2."""

    exit_code = 2

    def __init__(self, path: str, recursive: bool) -> None:
        hint = "" if recursive else " (add -r to look in subfolders)"
        super().__init__(path, f"no PDF files found{hint}")


# --- hostile files and runs (issue 16) --------------------------------------------------------


class OutputIsInput(SafecityError):
    """An output path that is one of the inputs or lies in a folder being read."""

    exit_code = 2

    def __init__(self, output: str, why: str) -> None:
        super().__init__(output, f"{why}: choose an output path outside the inputs")


class OutsideOutput(SafecityError):
    """A link under the output folder leads somewhere else."""

    def __init__(self, path: str, root: str) -> None:
        super().__init__(path, f"a link under {root} leads outside it: remove the link or "
                         "choose another --out")


class OcrUnavailable(SafecityError):
    """A page needs OCR (no text layer, or --ocr always) and Tesseract cannot be used."""

    def __init__(self, path: str, page: int | None, install: str) -> None:
        where = f"page {page} needs OCR" if page else "OCR is needed"
        super().__init__(path, f"{where} but it is not installed: {install}")


class HostilePDF(SafecityError):
    """A PDF that would need unbounded memory or time: a decompression bomb, a giant CMap."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(path, f"damaged or hostile PDF ({detail}): not read; if it is "
                         "genuine, export or print it to a new PDF")


class TooLarge(SafecityError):
    """A PDF (a file or stdin) larger than limits.MAX_PDF_BYTES: not read at all."""

    def __init__(self, path: str, limit: int) -> None:
        super().__init__(path, f"larger than {limit // 2**20:,} MiB, the most a PDF may be: "
                         "not read; is it the right file?")


class OutOfMemory(SafecityError):
    def __init__(self, path: str, megabytes: int | None) -> None:
        cap = f" (over --max-memory {megabytes} MB)" if megabytes else ""
        super().__init__(path, f"ran out of memory{cap}: a damaged or hostile PDF, or raise "
                         "--max-memory")


class DataFileError(SafecityError):
    """A golden or agencies file that is not a regular file, too large, or malformed."""

    def __init__(self, path: str, what: str, message: str) -> None:
        self.what = what
        super().__init__(path, f"{what} {message}")


class NotARegularFile(SafecityError):
    """A FIFO, device or socket given as a PDF: reading it could block for ever."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(path, f"is {kind}, not a PDF file: give the path of a regular file")


class Terminated(BaseException):
    """Raised in the main process by the CLI's SIGTERM handler (like KeyboardInterrupt)."""


class BatchInterrupted(SafecityError):
    """Ctrl-C (exit 130) or SIGTERM (exit 143) during a run; finished outputs are complete."""

    def __init__(self, done: int, total: int, cause: BaseException) -> None:
        self.exit_code = 143 if isinstance(cause, Terminated) else 130
        self.path, self.reason = "", (f"interrupted: {done} of {total} files done; outputs "
                                      "written so far are complete")
        Exception.__init__(self, self.reason)

    def __str__(self) -> str:
        return self.reason
