"""Broken inputs: each gives one SafecityError child whose one-line message says what to do.

The files come from tests/bad_inputs/build.py and are committed; a few variants that need
only pikepdf are made in tmp_path.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from safecity_extract import extract
from safecity_extract.cli import main
from safecity_extract.errors import (DamagedPDF, EmptyFile, EncryptedPDF, ExtractionFailed,
                                     NoTableFound, NoTextLayer, NotAPDF, SafecityError,
                                     UnmappedColumns, UnreadableFile)

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_inputs" / "files"
SAMPLES = HERE.parent / "samples"
GOOD = SAMPLES / "word_grid_a4.pdf"

# file -> (error class, a pattern its message must match)
CASES = {
    "empty.pdf": (EmptyFile, r"empty file \(0 bytes\)"),
    "renamed_docx.pdf": (NotAPDF, r"not a PDF \(looks like a Word \.docx file\): convert it"),
    "truncated.pdf": (DamagedPDF, r"damaged or truncated PDF \(.+\): download or export it again"),
    "encrypted.pdf": (EncryptedPDF, r"encrypted PDF: give its password with --password"),
    "no_table.pdf": (NoTableFound, r"no progress table found: looked for a header row with "
                                   r"labels like Priority / Action / Lead Agency / Update"),
    "unmapped.pdf": (UnmappedColumns, r"columns cannot be mapped: saw header labels 'Ref', "
                                      r"'Description', 'Owner', 'Status'; found no column for "
                                      r"priority, action, update"),
    "all_pages_damaged.pdf": (DamagedPDF, r"none of its 8 pages can be read: "
                                          r"PDFNotImplementedError: Unsupported filter"),
}


def _message_line(cls: type[SafecityError], pattern: str, path: Path) -> str:
    with pytest.raises(cls, match=pattern) as info:
        extract(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_raises_its_error_with_a_one_line_message(name):
    cls, pattern = CASES[name]
    _message_line(cls, pattern, BAD / name)


def test_scan_without_ocr_says_how_to_read_it():
    path = BAD / "image_only.pdf"
    with pytest.raises(NoTextLayer, match=r"no text layer, looks scanned: read it with "
                                          r"--ocr auto \(ocr=\"auto\" in Python\)"):
        extract(path, ocr="never")


def test_empty_file_is_empty_not_damaged(tmp_path):
    path = tmp_path / "zero.pdf"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile, match="did not finish"):
        extract(path)


def test_text_file_renamed_to_pdf_is_not_a_pdf(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("Minutes of the meeting\n", "utf-8")
    with pytest.raises(NotAPDF, match=r"not a PDF: convert it to PDF first"):
        extract(path)


def test_html_error_page_saved_as_pdf_says_html(tmp_path):
    path = tmp_path / "download.pdf"
    path.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>", "utf-8")
    with pytest.raises(NotAPDF, match="an HTML page"):
        extract(path)


def test_folder_given_as_a_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFile, match="cannot read the file"):
        extract(tmp_path)


def test_missing_header_labels_are_named_for_unmapped_columns():
    with pytest.raises(UnmappedColumns) as info:
        extract(BAD / "unmapped.pdf")
    assert "'Status'" in info.value.reason


# --- truncation at other points, and pages that fail ---------------------------------------


@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.6, 0.9, 0.99])
def test_truncated_anywhere_is_damaged_or_partial(tmp_path, fraction):
    data = GOOD.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * fraction)])
    try:
        report = extract(path)
    except DamagedPDF:
        return
    # pdfminer may rebuild a cut file from its objects: then what is kept must be real rows.
    assert all(row.cells for row in report.rows)


def test_damaged_page_is_skipped_with_a_warning_and_the_rest_kept():
    report = extract(BAD / "damaged_page.pdf")
    good = extract(BAD / "encrypted.pdf", password="secret")  # the same base file, intact
    assert [(w.page, w.message) for w in report.warnings if "skipped" in w.message] == [
        (3, "page skipped: its content cannot be read (PDFNotImplementedError: "
            "Unsupported filter: /'CorruptDecode')")]
    assert report.source.pages == good.source.pages
    # rows wholly on other pages survive unchanged
    kept = {row.get("action") for row in report.rows}
    elsewhere = [row.get("action") for row in good.rows
                 if row.page_start > 3 or row.page_end < 3]
    assert elsewhere and all(action in kept for action in elsewhere)
    assert report.to_dict()["warnings"][0]["page"] == 3


# --- passwords --------------------------------------------------------------------------------


def test_encrypted_wrong_password_says_it_is_wrong():
    with pytest.raises(EncryptedPDF, match="the password given is wrong") as info:
        extract(BAD / "encrypted.pdf", password="guess")
    assert info.value.wrong_password


def test_encrypted_right_password_extracts_every_row():
    report = extract(BAD / "encrypted.pdf", password="secret")
    assert len(report.rows) >= 20 and not report.warnings
    assert report.title.startswith("Safe City Partnership")


def test_password_given_for_a_file_that_needs_none_is_ignored():
    assert extract(GOOD, password="secret").rows


def test_owner_locked_file_opens_with_any_password(tmp_path):
    import pikepdf  # in the test extra: builds an owner-password-only file

    path = tmp_path / "owner_only.pdf"
    with pikepdf.open(GOOD) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="", owner="boss", R=6))
    assert extract(path).rows
    assert extract(path, password="secret").rows  # a batch-wide --password must not break it


def test_unknown_encryption_handler_is_unsupported(tmp_path):
    data = (BAD / "encrypted.pdf").read_bytes()
    assert data.count(b"/Standard") == 1
    path = tmp_path / "odd_lock.pdf"
    path.write_bytes(data.replace(b"/Standard", b"/PubSec.X"))  # same length: offsets hold
    with pytest.raises(EncryptedPDF, match=r"does not support \(Unknown filter\): "
                       r"save an unencrypted copy"):
        extract(path, password="secret")


# --- anything unexpected is still a SafecityError ------------------------------------------


def test_unexpected_exception_becomes_extraction_failed(monkeypatch):
    ex = sys.modules["safecity_extract.pages"]  # the page loop's one step

    def broken(page, *args, **kwargs):
        if page.number == 2:
            raise ZeroDivisionError("float division by zero")
        return real(page, *args, **kwargs)

    real = ex.read_page
    monkeypatch.setattr(ex, "read_page", broken)
    with pytest.raises(ExtractionFailed, match=r"internal error while reading page 2: "
                       r"ZeroDivisionError: float division by zero; please report it") as info:
        extract(GOOD)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


# --- the command line -----------------------------------------------------------------------


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory):
    """Every bad file through one CLI run (-q: no summary line), and its output folder."""
    folder = tmp_path_factory.mktemp("bad") / "in"
    folder.mkdir()
    for name in CASES:
        shutil.copyfile(BAD / name, folder / name)
    out = folder.parent / "out"
    return run("extract", folder, "--out", out, "--workers", 2, "-q"), folder, out


def test_cli_exits_1_and_writes_nothing_for_bad_files(bad_batch):
    result, _, out = bad_batch
    assert result.exit_code == 1
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == len(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_prints_one_error_line_per_bad_file(bad_batch, name):
    result, folder, _ = bad_batch
    cls, pattern = CASES[name]
    message = _message_line(cls, pattern, folder / name)
    assert [line for line in result.stderr.splitlines() if f"/{name}: " in line] == [
        f"error: {message}"]


def test_cli_single_bad_file_is_exactly_one_stderr_line(tmp_path):
    path = BAD / "image_only.pdf"
    result = run("extract", path, "--out", tmp_path / "out", "--workers", 1, "-q",
                 "--ocr", "never")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {path}: no text layer, looks scanned: "
                                          "read it with --ocr auto (ocr=\"auto\" in Python)"]
    assert result.stdout == ""
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_cli_shows_the_traceback_only_with_v(tmp_path):
    result = run("extract", BAD / "truncated.pdf", "--out", tmp_path, "--workers", 1, "-q", "-v")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith(f"error: {BAD / 'truncated.pdf'}: ")


def test_cli_password_option_opens_the_encrypted_file(tmp_path):
    result = run("extract", BAD / "encrypted.pdf", "--out", tmp_path, "--password", "secret",
                 "--workers", 1, "-q")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "encrypted.json").exists() and (tmp_path / "encrypted.csv").exists()


def test_cli_wrong_password_is_one_line(tmp_path):
    result = run("extract", BAD / "encrypted.pdf", "--out", tmp_path, "--password", "nope",
                 "--workers", 1, "-q")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {BAD / 'encrypted.pdf'}: the password given is wrong for this encrypted PDF: "
        "check --password"]


def test_cli_prints_page_warnings_and_still_writes_the_file(tmp_path):
    path = BAD / "damaged_page.pdf"
    result = run("extract", path, "--out", tmp_path, "--workers", 1, "-q")
    assert result.exit_code == 0
    assert (f"warning: {path}: page 3: page skipped: its content cannot be read "
            "(PDFNotImplementedError: Unsupported filter: /'CorruptDecode')"
            ) in result.stderr.splitlines()
    assert (tmp_path / "damaged_page.json").exists()


def test_cli_batch_converts_every_good_file_and_lists_every_bad_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = ["word_grid_a4.pdf", "word_hrules_only.pdf"]
    bad = ["empty.pdf", "renamed_docx.pdf", "truncated.pdf", "no_table.pdf", "image_only.pdf"]
    for name in good:
        shutil.copyfile(SAMPLES / name, folder / name)
    for name in bad:
        shutil.copyfile(BAD / name, folder / name)
    out = tmp_path / "out"
    result = run("extract", folder, "--out", out, "--workers", 2, "--ocr", "never")
    assert result.exit_code == 1
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"{Path(n).stem}.{ext}" for n in good for ext in ("csv", "json"))
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert sorted(errors) == sorted(
        f"error: {extract_error(folder / name)}" for name in bad)
    assert "Traceback" not in result.stderr


def extract_error(path: Path) -> str:
    with pytest.raises(SafecityError) as info:
        extract(path, ocr="never")
    return str(info.value)
