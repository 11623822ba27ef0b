"""Hostile files and hostile runs (issue 16): every input here is built at test time, small.

Each test names the class it pins: outputs onto inputs, links out of --out, formula cells,
bombs and huge pages, bad options, FIFOs, signals, dying workers, bad golden and agency
files, library log lines and control characters in file names.
"""
from __future__ import annotations

import csv
import json
import shutil
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from safecity_extract.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE = SAMPLES / "word_grid_a4.pdf"
COMMAND = [sys.executable, "-c", "from safecity_extract.cli import main; main()"]


def run(*args: object) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result: object, code: int) -> str:
    """The run's stderr, checked to be one "error: ..." line and no traceback."""
    assert result.exit_code == code, result.output  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


# --- building PDFs ---------------------------------------------------------------------------


def pdf_bytes(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file of ``objects`` (object k+1 is objects[k]) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data, extra = zlib.compress(data, 9), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page_pdf(content: bytes, media: bytes = b"[0 0 595 842]", font: bytes = b"",
                 compress: bool = False) -> bytes:
    font_ref = b"5 0 R"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + media
        + b" /Resources << /Font << /F1 " + font_ref + b" >> >> /Contents 4 0 R >>",
        stream(content, compress=compress),
        font or b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_bytes(objects)


def grid_pdf(cells: list[list[str]]) -> bytes:
    """A ruled grid of ``cells`` (rows of strings) in Helvetica 10 pt."""
    x0, top, width, height = 72, 700, 200, 24
    ops = [b"0.5 w"]
    rows, cols = len(cells), len(cells[0])
    for r in range(rows + 1):
        y = top - r * height
        ops.append(b"%d %d m %d %d l S" % (x0, y, x0 + cols * width, y))
    for c in range(cols + 1):
        x = x0 + c * width
        ops.append(b"%d %d m %d %d l S" % (x, top, x, top - rows * height))
    for r, line in enumerate(cells):
        for c, text in enumerate(line):
            esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(b"BT /F1 10 Tf %d %d Td (%s) Tj ET" % (
                x0 + c * width + 4, top - (r + 1) * height + 8, esc.encode("latin-1")))
    return one_page_pdf(b"\n".join(ops))


# --- data loss and escapes -------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--combined", "--db"])
def test_an_output_that_is_an_input_pdf_is_a_usage_error_and_the_pdf_is_kept(tmp_path, option):
    pdf = tmp_path / "report.pdf"
    shutil.copyfile(SAMPLE, pdf)
    before = pdf.read_bytes()
    result = run("extract", pdf, "--out", tmp_path / "out", option, pdf)
    assert "is the input" in one_line_error(result, 2)
    assert pdf.read_bytes() == before
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_an_output_inside_an_input_folder_is_a_usage_error(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / "a.pdf")
    result = run("extract", folder, "--out", tmp_path / "out", "--combined", folder / "all.csv")
    assert "lies in the input folder" in one_line_error(result, 2)
    assert sorted(p.name for p in folder.iterdir()) == ["a.pdf"]


def test_review_onto_its_own_pdf_is_a_usage_error(tmp_path):
    pdf = tmp_path / "report.pdf"
    shutil.copyfile(SAMPLE, pdf)
    before = pdf.read_bytes()
    assert "is the input" in one_line_error(run("review", pdf, "--out", pdf), 2)
    assert pdf.read_bytes() == before


def test_check_update_never_writes_golden_files_over_inputs(tmp_path):
    # the PDF given is a link to the very file its golden JSON would be
    golden = tmp_path / "golden"
    golden.mkdir()
    pdf = golden / "report.json"
    shutil.copyfile(SAMPLE, pdf)
    (tmp_path / "report.pdf").symlink_to(pdf)
    before = pdf.read_bytes()
    result = run("check", tmp_path / "report.pdf", "--golden", golden, "--update")
    assert "is the input" in one_line_error(result, 2)
    assert pdf.read_bytes() == before


def test_a_link_inside_out_cannot_lead_writes_outside_it(tmp_path):
    src = tmp_path / "src" / "year"
    src.mkdir(parents=True)
    shutil.copyfile(SAMPLE, src / "a.pdf")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "year").symlink_to(outside, target_is_directory=True)
    result = run("extract", tmp_path / "src", "-r", "--out", out, "--workers", 1, "--review")
    assert result.exit_code == 1
    assert "leads outside it" in result.stderr
    assert list(outside.iterdir()) == []


def test_tables_csv_safe_guards_formula_cells_and_is_off_by_default(tmp_path):
    pdf = tmp_path / "formulas.pdf"
    pdf.write_bytes(grid_pdf([["Name", "Value"], ["a", "=HYPERLINK(\"http://x\")"],
                              ["b", "+cmd|' /C calc'!A0"]]))
    plain = run("tables", pdf, "--out", tmp_path / "plain")
    assert plain.exit_code == 0, plain.output
    safe = run("tables", pdf, "--out", tmp_path / "safe", "--csv-safe")
    assert safe.exit_code == 0, safe.output

    def cells(folder: Path) -> list[str]:
        (path,) = folder.glob("*.csv")
        return [c for line in csv.reader(path.open(encoding="utf-8")) for c in line]

    assert "=HYPERLINK(\"http://x\")" in cells(tmp_path / "plain")
    assert "'=HYPERLINK(\"http://x\")" in cells(tmp_path / "safe")
    # (Helvetica's standard encoding prints the quote as ’)
    assert any(c.startswith("'+cmd|") for c in cells(tmp_path / "safe"))
    assert any(c.startswith("+cmd|") for c in cells(tmp_path / "plain"))
    tables_json = json.loads((tmp_path / "safe" / "formulas.tables.json").read_text("utf-8"))
    assert "=HYPERLINK" in json.dumps(tables_json)  # the JSON keeps the text as printed
